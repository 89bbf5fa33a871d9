//! Sea events on our own invented tracks (`fixtures/voyage.csv`, made by
//! `scripts/ais-events-fixture.py`): port calls, the voyage Longkou → Nampo, the encounter at
//! sea, the dark period and loitering, as a golden (`tests/expected/events.txt`, `BLESS=1`
//! rewrites it), and silence where a pattern is absent.

mod common;

use borderwatch_ais::events::{self, dark, encounters, loitering, port_calls, Options};
use borderwatch_ais::{Detail, Ports, Record, SeaEvent, TableReader};
use borderwatch_model::Direction;
use borderwatch_reference::Reference;

fn records() -> Vec<Record> {
    let text = std::fs::read_to_string(common::fixture("voyage.csv")).unwrap();
    let mut r = TableReader::new(text.as_bytes(), "voyage.csv", &[], None).unwrap();
    let mut out = Vec::new();
    while let Some(row) = r.next_row() {
        out.extend(row.unwrap().result.unwrap());
    }
    out
}

fn run(recs: &[Record]) -> Vec<SeaEvent> {
    let reference = Reference::embedded().unwrap();
    let ports = Ports::embedded(&reference.gazetteer);
    let files = vec!["voyage.csv".to_string()];
    let tracks = events::tracks(recs.iter().map(|r| (0, r)));
    let o = Options::default();
    let mut all = port_calls::port_calls_and_voyages(&tracks, &ports, &files, &o);
    all.extend(dark::dark_periods(&tracks, &ports, &files, &o));
    all.extend(encounters::encounters(&tracks, &ports, &files, &o));
    all.extend(loitering::loitering(&tracks, &ports, &files, &o));
    all
}

#[test]
fn events_of_our_tracks() {
    let all = run(&records());
    let mut out = String::new();
    for e in &all {
        out += &serde_json::to_string(e).unwrap();
        out.push('\n');
    }
    common::golden("events.txt", &out);

    let calls: Vec<&str> = all
        .iter()
        .filter_map(|e| match &e.detail {
            Detail::PortCall { port, .. } if e.vessels == [412000021] => Some(port.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(calls, ["cn.longkou-port", "kp.nampo-port"]);
    let voyages: Vec<_> = all
        .iter()
        .filter_map(|e| match &e.detail {
            Detail::Voyage {
                from,
                to,
                direction,
                ..
            } => Some((from.as_str(), to.as_str(), *direction)),
            _ => None,
        })
        .collect();
    assert_eq!(
        voyages,
        [("cn.longkou-port", "kp.nampo-port", Direction::Inbound)]
    );
    let enc: Vec<_> = all
        .iter()
        .filter(|e| matches!(e.detail, Detail::Encounter { .. }))
        .collect();
    assert_eq!(enc.len(), 1, "{enc:#?}");
    assert_eq!(enc[0].vessels, [412000021, 445000022]);
    let Detail::Encounter { hours, .. } = enc[0].detail else {
        unreachable!()
    };
    assert!((2.5..=3.2).contains(&hours), "{hours}");
    let dark: Vec<_> = all
        .iter()
        .filter_map(|e| match &e.detail {
            Detail::Dark {
                hours,
                dprk_ports_reachable,
                ..
            } => Some((e.vessels[0], *hours, dprk_ports_reachable.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(dark.len(), 1);
    assert_eq!(dark[0].0, 412000021);
    assert!((30.0..30.5).contains(&dark[0].1), "{dark:?}");
    assert!(dark[0].2.contains(&"kp.nampo-port".to_string()), "{dark:?}");
    let loiterers: Vec<u32> = all
        .iter()
        .filter(|e| matches!(e.detail, Detail::Loitering { .. }))
        .map(|e| e.vessels[0])
        .collect();
    // The lone loiterer, and the two ships of the encounter; not the ship passing by.
    assert_eq!(loiterers, [412000021, 412000024, 445000022]);
    // Every event cites the positions it rests on.
    for e in &all {
        assert!(!e.evidence.is_empty() && e.evidence.iter().all(|v| v.file == "voyage.csv"));
    }
}

/// Without the DPRK ship, no encounter; positions every 10 minutes leave no dark period.
#[test]
fn silent_without_the_patterns() {
    let recs: Vec<Record> = records()
        .into_iter()
        .filter(|r| r.mmsi() != 445000022)
        .filter(|r| r.mmsi() != 412000021 || r.time() < 1714521600 + 40 * 3600)
        .collect();
    let all = run(&recs);
    assert!(
        !all.iter()
            .any(|e| matches!(e.detail, Detail::Encounter { .. } | Detail::Dark { .. })),
        "{all:#?}"
    );
}

/// Tracks thinned to one position per interval keep the events of the tracks (positions
/// every 10 minutes here: thinning to a minute changes nothing; to half an hour, the calls,
/// the voyage and the encounter stay).
#[test]
fn thinned_tracks_keep_the_events() {
    let recs = records();
    let reference = Reference::embedded().unwrap();
    let ports = Ports::embedded(&reference.gazetteer);
    let files = vec!["voyage.csv".to_string()];
    let o = Options::default();
    let kinds = |secs: i64| {
        let mut b = events::TrackBuilder::new(secs, &o);
        for r in &recs {
            b.add(0, r);
        }
        let t = b.finish();
        let mut all = port_calls::port_calls_and_voyages(&t, &ports, &files, &o);
        all.extend(encounters::encounters(&t, &ports, &files, &o));
        all.iter()
            .map(|e| serde_json::to_value(&e.detail).unwrap()["kind"].to_string())
            .collect::<Vec<_>>()
    };
    let full = {
        let t = events::tracks(recs.iter().map(|r| (0, r)));
        let mut all = port_calls::port_calls_and_voyages(&t, &ports, &files, &o);
        all.extend(encounters::encounters(&t, &ports, &files, &o));
        all.iter()
            .map(|e| serde_json::to_value(&e.detail).unwrap()["kind"].to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(kinds(60), full);
    assert_eq!(kinds(1800), full, "{full:?}");
}

/// Two ships moored side by side in Dalian for a day, then sailing out east together at
/// 10 knots to 20 km and drifting there for three hours: their encounter is the time they were together
/// at sea, not one run from the berth that the port's distance or its mean position judges.
/// Moored together only, they make no encounter.
#[test]
fn an_encounter_is_measured_at_sea_only() {
    use borderwatch_ais::events::{Point, Track};
    let reference = Reference::embedded().unwrap();
    let ports = Ports::embedded(&reference.gazetteer);
    let files = vec!["t".to_string()];
    let o = Options::default();
    let (lat, lon): (f64, f64) = (38.93, 121.65); // cn.dalian-port
    let km_per_deg_lon = 111.32 * lat.to_radians().cos();
    let track = |mmsi: u32, offset_m: f64, sail: bool| {
        let mut points = Vec::new();
        let mut push = |t: i64, x_km: f64, speed: f64| {
            points.push(Point {
                time: t,
                lat: lat + offset_m / 111_000.0,
                lon: lon + x_km / km_per_deg_lon,
                speed: Some(speed),
                file: 0,
                line: points.len() as u64,
            })
        };
        let mut t = 1_700_000_000;
        for _ in 0..24 * 20 {
            push(t, 0.0, 0.0);
            t += 180;
        }
        if sail {
            // 10 knots is 18.52 km an hour: out to 20 km, three hours there, back.
            let leg = (20.0 / 18.52 * 3600.0) as i64;
            for k in 0..leg / 60 {
                push(t + k * 60, 20.0 * (k * 60) as f64 / leg as f64, 10.0);
            }
            t += leg;
            for k in 0..3 * 60 {
                push(t + k * 60, 20.0 + 0.0002 * k as f64, 0.5);
            }
            t += 3 * 3600;
            for k in 0..leg / 60 {
                push(t + k * 60, 20.0 - 20.0 * (k * 60) as f64 / leg as f64, 10.0);
            }
        }
        Track { mmsi, points }
    };
    let enc = |tracks: &[Track]| {
        encounters::encounters(tracks, &ports, &files, &o)
            .into_iter()
            .map(|e| match e.detail {
                Detail::Encounter { hours, port_km, .. } => (e.vessels, hours, port_km),
                _ => unreachable!(),
            })
            .collect::<Vec<_>>()
    };
    let found = enc(&[track(412000001, 0.0, true), track(412000002, 50.0, true)]);
    assert_eq!(found.len(), 1, "{found:?}");
    let (vessels, hours, port_km) = &found[0];
    assert_eq!(vessels, &[412000001, 412000002]);
    // The three hours there and the convoy from 10 km out (half an hour each way).
    assert!((3.5..=4.5).contains(hours), "{found:?}");
    assert!(*port_km >= 10.0, "{found:?}");
    let moored = enc(&[track(412000001, 0.0, false), track(412000002, 50.0, false)]);
    assert!(moored.is_empty(), "{moored:?}");
}

/// Thinning to a position a minute keeps the one where the vessel slows down or speeds up,
/// however soon after the last one kept it comes: a loitering run of 2.03 h recorded every
/// 3 minutes, its first position 48 s after the last under way, is 2.03 h, not cut under 2 h.
#[test]
fn thinning_keeps_where_a_vessel_slows_down() {
    use borderwatch_ais::Position;
    let reference = Reference::embedded().unwrap();
    let ports = Ports::embedded(&reference.gazetteer);
    let files = vec!["t".to_string()];
    let o = Options::default();
    let (lat, lon) = (38.2, 123.1); // the Yellow Sea, far from any port
    let mut recs = Vec::new();
    let mut at = |time: i64, dlon: f64, speed: f64| {
        let mut p = Position {
            mmsi: 412000001,
            time,
            lat,
            lon: lon + dlon,
            speed: Some(speed),
            course: None,
            heading: None,
            status: None,
            lines: borderwatch_ais::Lines { first: 1, last: 1 },
        };
        p.lines.first = recs.len() as u64 + 1;
        p.lines.last = p.lines.first;
        recs.push(Record::Position(p));
    };
    let t0 = 1_700_000_000;
    for k in 0..20 {
        at(t0 + k * 61, -0.01 * (20 - k) as f64, 10.0);
    }
    let slow = t0 + 19 * 61 + 48; // 48 s after the last position under way
    let end = slow + 2 * 3600 + 108; // 2.03 h later
    let mut t = slow;
    while t < end {
        at(t, 0.0, 0.5);
        t += 180;
    }
    at(end, 0.0, 0.5);
    for k in 1..20 {
        at(end + k * 50, 0.01 * k as f64, 10.0);
    }
    let mut b = events::TrackBuilder::new(60, &Options::default());
    for r in &recs {
        b.add(0, r);
    }
    let runs: Vec<_> = loitering::loitering(&b.finish(), &ports, &files, &o)
        .into_iter()
        .map(|e| (e.start, e.end))
        .collect();
    assert_eq!(runs, [(slow, end)]);
}
