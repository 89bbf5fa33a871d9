//! `borderwatch simulate`: the run's files, overrides, the what-if comparison, bad input, and the
//! end-to-end loop — the simulation's shipments and observer reports ingested and analysed find
//! what the simulation did.

mod common;

use common::{bw, out, tmp};

#[test]
fn a_run_writes_shipments_flows_reports_and_a_summary() {
    let dir = tmp("sim", "run");
    let o = bw(
        &dir.join("unused.db"),
        &[
            "simulate",
            "--days",
            "45",
            "--out",
            dir.join("run").to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(out(&o).contains("loads crossed"), "{}", out(&o));
    let run = dir.join("run");
    let ships = std::fs::read_to_string(run.join("shipments.csv")).unwrap();
    let header = ships.lines().next().unwrap();
    // The columns `screen --input` and `ingest` read, then the route and the truth.
    for col in [
        "shipment_id",
        "date",
        "hs",
        "description",
        "direction",
        "quantity",
        "unit",
        "value_usd",
        "origin",
        "destination",
        "crossing",
        "mode",
        "route",
        "truth_class",
        "truth_seized",
        "truth_stored_days",
        "truth_transshipped",
    ] {
        assert!(header.split(',').any(|c| c == col), "{col} in {header}");
    }
    assert!(ships.lines().count() > 1000);
    let flows = std::fs::read_to_string(run.join("flows.csv")).unwrap();
    assert!(flows.starts_with("date,corridor,direction,mode,class,loads"));
    let reports = std::fs::read_dir(run.join("reports")).unwrap().count();
    assert!(reports > 20, "{reports} reports");
    assert!(std::fs::read_to_string(run.join("summary.txt"))
        .unwrap()
        .contains("road:quanhe-wonjong"));
    // The shipments screen as a batch: every row is read.
    let o = bw(
        &dir.join("unused.db"),
        &[
            "screen",
            "--input",
            run.join("shipments.csv").to_str().unwrap(),
            "--output",
            dir.join("screened.csv").to_str().unwrap(),
        ],
    );
    assert!(
        o.status.code() == Some(0) || o.status.code() == Some(1),
        "{o:?}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn overrides_and_the_what_if_comparison() {
    let dir = tmp("sim", "compare");
    let html = dir.join("compare.html");
    let o = bw(
        &dir.join("unused.db"),
        &[
            "simulate",
            "compare",
            "default",
            "default",
            "--days",
            "90",
            "--set-b",
            "crossing.quanhe-wonjong.inspection.prohibited=0.9",
            "--html",
            html.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let table = out(&o);
    assert!(
        table.contains("road:quanhe-wonjong") && table.contains("prohib A"),
        "{table}"
    );
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("<svg") && page.contains("quanhe-wonjong"));
    // A built-in what-if against the default: Quanhe's prohibited share falls.
    let o = bw(
        &dir.join("unused.db"),
        &[
            "simulate",
            "compare",
            "default",
            "tighten-quanhe",
            "--days",
            "240",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let line = out(&o)
        .lines()
        .find(|l| l.starts_with("road:quanhe-wonjong") && l.contains("inbound"))
        .unwrap()
        .to_string();
    let pp: f64 = line
        .split_whitespace()
        .last()
        .unwrap()
        .trim_end_matches("pp")
        .parse()
        .unwrap();
    assert!(pp < 0.0, "Quanhe's prohibited share moves down: {line}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn bad_scenarios_and_overrides_are_usage_errors() {
    let dir = tmp("sim", "bad");
    let db = dir.join("unused.db");
    let o = bw(
        &db,
        &["simulate", "--scenario", "nowhere.toml", "--out", "x"],
    );
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(
        e.contains("nowhere.toml") && e.contains("built-in scenarios"),
        "{e}"
    );
    let o = bw(
        &db,
        &[
            "simulate",
            "--set",
            "crossing.quanhe-wonjong.fees=3",
            "--out",
            "x",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("fees"));
    let o = bw(&db, &["simulate", "--days", "10"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--out"));
    let f = dir.join("s.toml");
    std::fs::write(
        &f,
        "base = \"default\"\n[[crossing]]\nid = \"nowhere-nothing\"\n",
    )
    .unwrap();
    let o = bw(
        &db,
        &["simulate", "--scenario", f.to_str().unwrap(), "--out", "x"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("s.toml"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_detectors_find_what_the_simulation_did() {
    let dir = tmp("sim", "e2e");
    let db = dir.join("sim.db");
    let run = dir.join("run");
    let o = bw(
        &db,
        &["simulate", "--days", "150", "--out", run.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let o = bw(
        &db,
        &[
            "ingest",
            run.join("shipments.csv").to_str().unwrap(),
            run.join("reports").to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let o = bw(&db, &["analyze", "--format", "json"]);
    let a: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let found = |kind: &str, corridor: &str| {
        a["findings"].as_array().unwrap().iter().any(|f| {
            f["kind"] == kind
                && f["corridors"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|c| c.as_str().unwrap().contains(corridor))
        })
    };
    // Trucks in loaded, back empty at Dandong; loose crossings carry the prohibited goods while
    // Dandong is called strict; the spring rail closure parked trains at Dandong; goods trucked
    // to Longkou and shipped to Nampo.
    assert!(found("empty-backhaul", "dandong-sinuiju"));
    assert!(found("segregation", "quanhe-wonjong") || found("segregation", "changbai-hyesan"));
    assert!(found("warehousing", "dandong-sinuiju"));
    assert!(found("status-change", "dandong-sinuiju"));
    assert!(found("transshipment", "cn.longkou-port"));
    let _ = std::fs::remove_dir_all(dir);
}
