//! Position tables: our fixture's records and issues as a golden (`tests/expected/positions.txt`,
//! `BLESS=1` rewrites it), `--map`, and headers refused.

mod common;

use borderwatch_ais::{Record, TableReader};

fn read(text: &str, map: &[(&str, &str)], file_time: Option<i64>) -> (String, (u64, u64, u64)) {
    let map: Vec<(String, String)> = map
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    let mut r = TableReader::new(text.as_bytes(), "positions.csv", &map, file_time).unwrap();
    let mut out = String::new();
    while let Some(row) = r.next_row() {
        let row = row.unwrap();
        match row.result {
            Ok(records) => {
                for rec in records {
                    let kind = match rec {
                        Record::Position(_) => "position",
                        Record::Static(_) => "static",
                    };
                    out += &format!(
                        "{} {kind} {}\n",
                        row.line,
                        serde_json::to_string(&rec).unwrap()
                    );
                }
            }
            Err(i) => out += &format!("{i} [{}]\n", i.value.clone().unwrap_or_default()),
        }
    }
    let t = r.tally();
    assert_eq!(t.read, t.decoded + t.rejected);
    out += &format!("{t}\n");
    (out, (t.read, t.decoded, t.rejected))
}

#[test]
fn our_positions_read_as_expected() {
    let text = std::fs::read_to_string(common::fixture("positions.csv")).unwrap();
    let (out, counts) = read(&text, &[], None);
    assert_eq!(counts, (14, 5, 9));
    common::golden("positions.txt", &out);
    // A time stated for the file fills the row without one, and only that row.
    let (_, counts) = read(&text, &[], Some(1_714_550_000));
    assert_eq!(counts, (14, 6, 8));
}

#[test]
fn columns_are_found_by_header_or_by_map() {
    let text = "ship,when,y,x\n412000001,2024-05-01T00:00:00Z,37.6,120.3\n";
    let e = TableReader::new(text.as_bytes(), "p.csv", &[], None)
        .err()
        .unwrap();
    assert_eq!(
        e,
        "p.csv:1: the header has no mmsi column; found: ship, when, y, x"
    );
    let (out, counts) = read(
        text,
        &[
            ("ship", "mmsi"),
            ("when", "time"),
            ("y", "lat"),
            ("x", "lon"),
        ],
        None,
    );
    assert_eq!(counts, (1, 1, 0), "{out}");
    assert!(out.contains("\"lat\":37.6,\"lon\":120.3"), "{out}");
    let e = TableReader::new("mmsi,lat,lon,sog,speed\n".as_bytes(), "p.csv", &[], None)
        .err()
        .unwrap();
    assert!(e.contains("both give speed: ambiguous"), "{e}");
    let e = TableReader::new(
        "mmsi,lat,lon\n".as_bytes(),
        "p.csv",
        &[("lat".into(), "altitude".into())],
        None,
    )
    .err()
    .unwrap();
    assert!(e.contains("unknown field \"altitude\""), "{e}");
}
