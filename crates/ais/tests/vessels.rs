//! Vessels from tracks: flags, identity spans and changes, invalid IMO numbers, designated
//! vessels, and one MMSI broadcast by two ships — on our own fixtures, as a golden
//! (`tests/expected/vessels.txt`, `BLESS=1` rewrites it).

mod common;

use borderwatch_ais::vessel::Options;
use borderwatch_ais::{read_all, Mids, TableReader, VesselBook, VesselEventKind, Watchlist};

#[test]
fn vessels_of_our_fixtures() {
    let (mids, watch) = (Mids::embedded(), Watchlist::embedded());
    let mut book = VesselBook::new(&mids, &watch, Options::default());
    let f = book.file("vessels.csv");
    let text = std::fs::read_to_string(common::fixture("vessels.csv")).unwrap();
    let mut r = TableReader::new(text.as_bytes(), "vessels.csv", &[], None).unwrap();
    while let Some(row) = r.next_row() {
        for rec in row.unwrap().result.unwrap() {
            book.add(f, &rec);
        }
    }
    let f = book.file("sea.nmea");
    let bytes = std::fs::read(common::fixture("sea.nmea")).unwrap();
    let (msgs, _, _) = read_all(&bytes[..], "sea.nmea", Default::default()).unwrap();
    for m in &msgs {
        for rec in m.records() {
            book.add(f, &rec);
        }
    }
    let (vessels, events) = book.finish();
    let mut out = String::new();
    for v in &vessels {
        out += &serde_json::to_string(v).unwrap();
        out.push('\n');
    }
    for e in &events {
        out += &serde_json::to_string(e).unwrap();
        out.push('\n');
    }
    common::golden("vessels.txt", &out);

    let kinds = |mmsi: u32| -> Vec<&VesselEventKind> {
        events
            .iter()
            .filter(|e| e.mmsi == mmsi)
            .map(|e| &e.kind)
            .collect()
    };
    assert!(matches!(
        kinds(412000011)[..],
        [VesselEventKind::NameChange { .. }]
    ));
    assert!(
        matches!(kinds(445000012)[..], [VesselEventKind::Designated(ref d)] if d.basis == borderwatch_ais::Basis::Imo)
    );
    assert!(
        matches!(kinds(413000013)[..], [VesselEventKind::Designated(ref d)] if d.basis == borderwatch_ais::Basis::NameOnly)
    );
    assert!(matches!(
        kinds(413000015)[..],
        [VesselEventKind::InvalidImo { imo: 9134271 }]
    ));
    assert!(matches!(
        kinds(412000014)[..],
        [VesselEventKind::SharedMmsi { .. }]
    ));
    // One position at 0,0 between good ones is a glitch, not a second ship.
    assert!(kinds(412000016).is_empty());
    let v = |mmsi: u32| vessels.iter().find(|v| v.mmsi == mmsi).unwrap();
    assert_eq!(v(445000004).flag.as_ref().unwrap().flag, "KP");
    assert_eq!(v(412000011).identities.len(), 2);
    // Class B parts A and B make one identity.
    let b = &v(413000003).identities;
    assert_eq!(b.len(), 1);
    assert_eq!(
        (b[0].name.as_deref(), b[0].callsign.as_deref()),
        (Some("YU FENG"), Some("BYF3"))
    );
}

/// Two ships alternating names on one MMSI: the spans kept are bounded, the rest counted.
#[test]
fn alternating_names_stay_bounded() {
    use borderwatch_ais::{Identity, Lines, Record, StaticReport};
    let (mids, watch) = (Mids::embedded(), Watchlist::embedded());
    let mut book = VesselBook::new(&mids, &watch, Options::default());
    let f = book.file("x");
    for i in 0..1000u64 {
        let name = if i % 2 == 0 { "EAST" } else { "WEST" };
        book.add(
            f,
            &Record::Static(StaticReport {
                mmsi: 412000031,
                time: 1_714_521_600 + i as i64 * 60,
                identity: Identity {
                    name: Some(name.into()),
                    ..Identity::default()
                },
                lines: Lines {
                    first: i + 1,
                    last: i + 1,
                },
            }),
        );
    }
    let (vessels, events) = book.finish();
    assert_eq!(vessels[0].identities.len(), 64);
    // Past the cap, reports are compared with the last span kept: every other one differs.
    assert_eq!(vessels[0].changes_not_kept, (1000 - 64) / 2);
    assert_eq!(events.len(), 63);
}
