//! `borderwatch ingest` of vessel tracks: NMEA and position tables become sources (once, however
//! often they are ingested), every line read is decoded or rejected and kept as an issue with its
//! reason, the events are stored with their lines, and `analyze` shows them and the sea
//! detectors' findings with their evidence. A simulation's folder ingests with its `flows.csv`
//! skipped with a note. The shared NMEA samples ingest (skipped with the reason when
//! `../shared` is absent).

mod common;

use std::path::{Path, PathBuf};

use common::{bw, out, tmp};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../analyze/tests/fixtures/tracks")
}

fn err(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `name: read N = decoded D + rejected R` per track file, from ingest's standard error.
fn counts(stderr: &str) -> Vec<(String, [u64; 3])> {
    stderr
        .lines()
        .filter_map(|l| {
            let (name, rest) = l.split_once(": read ")?;
            let nums: Vec<u64> = rest
                .split(|c: char| !c.is_ascii_digit())
                .filter(|x| !x.is_empty())
                .take(3)
                .map(|x| x.parse().unwrap())
                .collect();
            Some((name.to_string(), [nums[0], nums[1], nums[2]]))
        })
        .collect()
}

#[test]
fn track_files_ingest_once_with_their_events_and_rejected_lines() {
    let dir = tmp("tracks", "ingest");
    let db = dir.join("t.db");
    // A track with two bad lines: one with a wrong checksum, one that is no sentence.
    let nmea = std::fs::read_to_string(fixtures().join("sts-flagged.nmea")).unwrap();
    let mut lines: Vec<&str> = nmea.lines().collect();
    let (body, sum) = lines[5].rsplit_once('*').unwrap();
    let broken = format!("{body}*{}", if sum == "00" { "01" } else { "00" });
    lines[5] = &broken;
    lines.insert(9, "not a sentence");
    std::fs::write(dir.join("meeting.nmea"), lines.join("\n") + "\n").unwrap();
    for f in [
        "longkou-nampo.csv",
        "trucked-to-longkou.txt",
        "designated.csv",
    ] {
        std::fs::copy(fixtures().join(f), dir.join(f)).unwrap();
    }
    let o = bw(&db, &["ingest", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let c = counts(&err(&o));
    let meeting = c.iter().find(|(n, _)| n == "meeting.nmea").unwrap().1;
    assert_eq!(meeting, [226, 224, 2], "{c:?}");
    for (_, [read, decoded, rejected]) in &c {
        assert_eq!(*read, decoded + rejected);
    }
    assert!(out(&o).contains("tracks 3: lines read"), "{}", out(&o));
    // The rejected lines are issues with their line, code and raw text.
    let o = bw(&db, &["query", "issues", "--format", "csv"]);
    let issues = out(&o);
    assert!(issues.contains("meeting.nmea,bad-checksum"), "{issues}");
    assert!(issues.contains("meeting.nmea,bad-sentence"), "{issues}");
    assert!(issues.contains("not a sentence"), "{issues}");
    // The voyage is a sea movement claim, Longkou → Nampo, inbound.
    let o = bw(
        &db,
        &["query", "claims", "--kind", "movement", "--format", "json"],
    );
    assert!(out(&o).contains("kp.nampo-port"), "{}", out(&o));
    // The events, by kind, with their lines.
    let o = bw(
        &db,
        &["query", "tracks", "--kind", "encounter", "--format", "csv"],
    );
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let rows = out(&o);
    assert!(
        rows.starts_with("id,source,kind,start,end,mmsi,claim,summary,lines"),
        "{rows}"
    );
    assert!(rows.contains("meeting.nmea,encounter,") && rows.contains("412000031;445000032"));
    assert_eq!(rows.lines().count(), 2, "{rows}");
    // The same files again: nothing new.
    let o = bw(&db, &["ingest", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(out(&o).contains("new 0, unchanged 4"), "{}", out(&o));
    let o = bw(&db, &["db", "check"]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    // The analysis shows the events and the findings with their track lines.
    let o = bw(&db, &["analyze", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let a: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let tracks = a["tracks"].as_array().unwrap();
    assert!(tracks.iter().any(|t| t["kind"] == "encounter"));
    assert!(tracks.iter().all(|t| t["evidence"][0]["lines"]
        .as_array()
        .is_some_and(|l| l.len() == 2)));
    let kinds = common::texts(&a["findings"], "kind");
    for k in [
        "ship-to-ship",
        "dark-voyage",
        "designated-vessel",
        "transshipment",
    ] {
        assert!(kinds.contains(&k), "{k} in {kinds:?}");
    }
    let ts = a["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "transshipment")
        .unwrap();
    let cited: Vec<&str> = ts["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["source"].as_str().unwrap())
        .collect();
    assert!(cited.contains(&"trucked-to-longkou.txt") && cited.contains(&"longkou-nampo.csv"));
    // Reprocess reads the tracks again as they were read: the same events and findings.
    let o = bw(&db, &["reprocess"]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(out(&o).contains("tracks 3: track events"), "{}", out(&o));
    assert_eq!(counts(&err(&o)).len(), 3);
    let again: serde_json::Value =
        serde_json::from_slice(&bw(&db, &["analyze", "--format", "json"]).stdout).unwrap();
    let shape = |a: &serde_json::Value| {
        let mut k: Vec<String> = a["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| format!("{} {}", f["kind"], f["title"]))
            .collect();
        k.sort();
        (k, a["tracks"].as_array().unwrap().len())
    };
    assert_eq!(shape(&again), shape(&a));
    let o = bw(&db, &["db", "check"]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    // A damaged chunk of positions is found by the check, naming the vessel and the source.
    let copy = db.with_file_name("damaged.db");
    let o = bw(&db, &["db", "backup", copy.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    borderwatch_store::testing::run_sql(
        &copy,
        "UPDATE track_positions SET columns = x'0105' WHERE id = (SELECT min(id) FROM track_positions)",
    )
    .unwrap();
    let o = bw(&copy, &["db", "check"]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let e = err(&o);
    assert!(
        e.contains("positions of MMSI ") && e.contains("from track source "),
        "{e}"
    );
    assert!(
        e.contains("position chunk holds 5 positions, its row says"),
        "{e}"
    );
    let o = bw(&db, &["analyze", "--format", "html"]);
    let html = out(&o);
    assert!(html.contains("<h2>Vessel tracks</h2>"));
    assert!(html.contains("meeting.nmea · lines "), "track lines cited");
    let o = bw(&db, &["analyze", "--format", "md"]);
    assert!(out(&o).contains("## Vessel tracks"));
}

#[test]
fn a_simulation_folder_ingests_with_its_flows_skipped() {
    let dir = tmp("tracks", "sim");
    let run = dir.join("run");
    let o = bw(
        &dir.join("unused.db"),
        &["simulate", "--days", "10", "--out", run.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let o = bw(&dir.join("s.db"), &["ingest", run.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(
        err(&o).contains("note: flows.csv: the simulation's daily flow totals"),
        "{}",
        err(&o)
    );
    assert!(out(&o).contains("failed 0, skipped 1"), "{}", out(&o));
}

#[test]
fn the_shared_nmea_samples_ingest() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if !shared.join("DESIGN.md").exists() {
        eprintln!("skipped: ../shared is absent (the public NMEA samples live there)");
        return;
    }
    let samples = shared.join("data/ais-nmea-pyais");
    let dir = tmp("tracks", "shared");
    let db = dir.join("s.db");
    let args = [
        "ingest",
        "--file-time",
        "2024-05-01T00:00:00Z",
        samples.to_str().unwrap(),
    ];
    let o = bw(&db, &args);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let c = counts(&err(&o));
    let names: Vec<&str> = c.iter().map(|(n, _)| n.as_str()).collect();
    for f in [
        "examples_sample.ais",
        "tests_messages.ais",
        "tests_mixed.txt",
        "tests_nmea_data_sample.txt",
        "tests_timestamped.ais",
    ] {
        assert!(names.contains(&f), "{f} in {names:?}");
    }
    let mut rejected_total = 0;
    for (n, [read, decoded, rejected]) in &c {
        assert_eq!(*read, decoded + rejected, "{n}");
        assert!(*decoded > 0, "{n} decoded nothing");
        rejected_total += rejected;
    }
    // Every rejected line is kept as an issue.
    let o = bw(&db, &["query", "issues", "--format", "csv"]);
    let issues = out(&o).lines().count() as u64 - 1;
    assert_eq!(issues, rejected_total);
    let o = bw(&db, &args);
    assert!(out(&o).contains("new 0"), "{}", out(&o));
    // Reprocess keeps the time stated for the files: the same lines decode.
    let o = bw(&db, &["reprocess"]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let mut again = counts(&err(&o));
    let mut first = c.clone();
    again.sort();
    first.sort();
    assert_eq!(again, first);
}

/// The simulated fleet end to end: its AIS ingested and analysed, each sea detector names
/// exactly the vessels its truth expects (ships.csv: the near misses below the thresholds, dark
/// 8 h and a meeting of 1.5 h, expect none; the trader whose transponder fails at sea within
/// reach of the DPRK expects `dark-voyage`, an innocent gap the rule cannot tell from hiding);
/// tracked voyages alone make no transshipment chain.
#[test]
fn the_simulated_fleet_is_found_by_the_sea_detectors() {
    let dir = tmp("tracks", "fleet");
    let run = dir.join("run");
    let o = bw(
        &dir.join("unused.db"),
        &[
            "simulate",
            "--scenario",
            "sea",
            "--days",
            "12",
            "--set",
            "ships.days=12",
            "--out",
            run.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let db = dir.join("f.db");
    let tracks = run.join("tracks.nmea");
    let o = bw(&db, &["ingest", tracks.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let [read, decoded, rejected] = counts(&err(&o))[0].1;
    assert_eq!(read, decoded + rejected);
    assert!(rejected > 0, "the receiver's garbled lines are rejected");
    let o = bw(&db, &["analyze", "--format", "json"]);
    let a: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ships = std::fs::read_to_string(run.join("ships.csv")).unwrap();
    let rows: Vec<Vec<&str>> = ships
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    for d in ["ship-to-ship", "dark-voyage", "designated-vessel"] {
        let mut want: Vec<String> = rows
            .iter()
            .filter(|r| r[4] == d)
            .map(|r| r[0].to_string())
            .collect();
        want.sort();
        assert!(!want.is_empty(), "the fleet has vessels for {d}");
        let mut named: Vec<String> = a["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["kind"] == d)
            .flat_map(|f| {
                let t = f["title"].as_str().unwrap().to_string();
                t.split("MMSI ")
                    .skip(1)
                    .map(|x| x[..9].to_string())
                    .collect::<Vec<_>>()
            })
            .collect();
        named.sort();
        named.dedup();
        assert_eq!(named, want, "{d}");
    }
    assert!(!a["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["kind"] == "transshipment"));
}
