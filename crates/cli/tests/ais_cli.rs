//! `borderwatch ais`: reading tracks with their counts and rejects, vessels, events at sea, and
//! refusals — on the fixtures of `crates/ais`.

mod common;

use std::path::PathBuf;

use common::{bw, out, tmp};

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../ais/tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

fn err(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn read_prints_records_and_counts_and_keeps_rejects() {
    let dir = tmp("ais", "read");
    let rejects = dir.join("rejects.csv");
    let o = bw(
        &dir.join("unused.db"),
        &[
            "ais",
            "read",
            "--rejects",
            rejects.to_str().unwrap(),
            &fixture("sea.nmea"),
            &fixture("positions.csv"),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let e = err(&o);
    assert!(
        e.contains("sea.nmea: read 34 = decoded 19 + rejected 15 (15 messages)"),
        "{e}"
    );
    assert!(
        e.contains("positions.csv: read 14 = decoded 5 + rejected 9"),
        "{e}"
    );
    let lines: Vec<serde_json::Value> = out(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines
        .iter()
        .any(|l| l["record"] == "position" && l["mmsi"] == 445000004));
    assert!(lines.iter().all(|l| l["file"].as_str().is_some()));
    let rej = std::fs::read_to_string(&rejects).unwrap();
    assert_eq!(rej.lines().count(), 1 + 15 + 9, "{rej}");
    assert!(
        rej.contains("bad-checksum") && rej.contains("no-timestamp"),
        "{rej}"
    );
    // A stated file time takes the line without a time of its own.
    let o = bw(
        &dir.join("unused.db"),
        &[
            "ais",
            "read",
            "--file-time",
            "2024-05-01T00:00:00Z",
            &fixture("sea.nmea"),
        ],
    );
    assert!(
        err(&o).contains("read 34 = decoded 20 + rejected 14"),
        "{}",
        err(&o)
    );
}

#[test]
fn vessels_and_events() {
    let dir = tmp("ais", "events");
    let o = bw(
        &dir.join("unused.db"),
        &["ais", "vessels", &fixture("vessels.csv")],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let s = out(&o);
    assert!(
        s.contains("\"event\":\"designated\"") && s.contains("\"listed_name\":\"CHONG CHON GANG\""),
        "{s}"
    );
    assert!(s.contains("\"event\":\"shared-mmsi\""), "{s}");
    let o = bw(
        &dir.join("unused.db"),
        &["ais", "events", &fixture("voyage.csv")],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let s = out(&o);
    for kind in ["port-call", "voyage", "dark", "encounter", "loitering"] {
        assert!(s.contains(&format!("\"kind\":\"{kind}\"")), "{kind}: {s}");
    }
}

#[test]
fn bad_invocations_exit_2_naming_the_cause() {
    let dir = tmp("ais", "bad");
    let db = dir.join("unused.db");
    let o = bw(
        &db,
        &["ais", "read", "--file-time", "soon", &fixture("sea.nmea")],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("--file-time: time \"soon\""),
        "{}",
        err(&o)
    );
    let o = bw(
        &db,
        &[
            "ais",
            "read",
            &dir.join("absent.nmea").display().to_string(),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("absent.nmea"), "{}", err(&o));
    let o = bw(
        &db,
        &[
            "ais",
            "read",
            "--map",
            "x=altitude",
            &fixture("positions.csv"),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("unknown field \"altitude\""),
        "{}",
        err(&o)
    );
    let f = fixture("sea.nmea");
    let o = bw(&db, &["ais", "read", "--rejects", &f, &f]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("is an input file"), "{}", err(&o));
}

/// A list dropped into the data directory's `ais/designated/` is matched too.
#[test]
fn further_designated_lists_come_from_the_data_directory() {
    let dir = tmp("ais", "lists");
    let lists = dir.join("data/ais/designated");
    std::fs::create_dir_all(&lists).unwrap();
    std::fs::write(
        lists.join("un-1718.toml"),
        r#"[list]
id = "un-1718"
title = "UN Security Council 1718 Committee sanctions list (vessels)"
authority = "United Nations Security Council"
published = "2024-01-15"
source = "a list written for this test"

[[vessel]]
reference = "test-1"
name = "PACIFIC HOPE"
imo = 9123453
listed_on = "2018-03-30"
"#,
    )
    .unwrap();
    let data = dir.join("data");
    let o = bw(
        &dir.join("unused.db"),
        &[
            "--data",
            data.to_str().unwrap(),
            "ais",
            "vessels",
            &fixture("vessels.csv"),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).contains("\"list\":\"un-1718\""), "{}", out(&o));
    std::fs::write(lists.join("broken.toml"), "[list]\nid = 3\n").unwrap();
    let o = bw(
        &dir.join("unused.db"),
        &[
            "--data",
            data.to_str().unwrap(),
            "ais",
            "vessels",
            &fixture("vessels.csv"),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("broken.toml"), "{}", err(&o));
}
