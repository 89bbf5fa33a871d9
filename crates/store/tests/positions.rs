//! Vessel positions in the store: chunks kept with their track source, found by vessel, time
//! and area, replaced whole by `replace_track`, gone with their source; a vessel's events
//! include the encounters it was the second vessel of.

use borderwatch_model::{PositionChunk, TrackEvent, TrackEventKind, VesselRef};
use borderwatch_store::{
    Content, PositionFilter, SourceInput, Store, Track, TrackEventInput, TrackInfo,
};

mod engines;

/// A chunk: the store keeps its bytes as given (packing is the track reader's).
fn chunk(mmsi: u32, start: i64, end: i64, bbox: [f64; 4]) -> PositionChunk {
    PositionChunk {
        mmsi,
        start,
        end,
        bbox,
        count: 2,
        data: vec![1, 2, mmsi as u8, start as u8],
    }
}

fn vessel(mmsi: u32) -> VesselRef {
    VesselRef {
        mmsi,
        name: None,
        imo: None,
        flag: None,
        designated: vec![],
    }
}

fn event(kind: TrackEventKind, vessels: &[u32], start: i64) -> TrackEventInput {
    let e = TrackEvent {
        kind,
        vessels: vessels.iter().map(|&m| vessel(m)).collect(),
        start,
        end: start + 7200,
        lat: Some(38.0),
        lon: Some(124.0),
        at: None,
        from: None,
        to: None,
        direction: None,
        target_ports: vec![],
        summary: format!("{} of {vessels:?}", kind.as_str()),
        detail: serde_json::Value::Null,
        evidence: vec![],
    };
    TrackEventInput::new(e, None).unwrap()
}

fn info() -> TrackInfo {
    TrackInfo {
        format: "nmea".into(),
        file_time: None,
        map: vec![],
        lines: [10, 9, 1],
    }
}

fn ids(s: &Store, f: PositionFilter) -> Vec<(u32, i64)> {
    s.positions(&f)
        .unwrap()
        .into_iter()
        .map(|p| (p.chunk.mmsi, p.chunk.start))
        .collect()
}

fn kinds(s: &Store, mmsi: u32) -> Vec<&'static str> {
    s.vessel_events(mmsi)
        .unwrap()
        .iter()
        .map(|e| e.event.kind.as_str())
        .collect()
}

#[test]
fn positions_are_found_by_vessel_time_and_area_and_replaced_with_their_source() {
    engines::each("positions", |e| {
        let mut s = e.open();
        let run = s.begin_run("t", "now").unwrap();
        let chunks = [
            chunk(1, 100, 200, [38.0, 124.0, 38.5, 124.5]),
            chunk(1, 300, 400, [39.0, 125.0, 39.5, 125.5]),
            chunk(2, 150, 350, [37.0, 120.0, 37.5, 120.5]),
        ];
        let events = [
            event(TrackEventKind::Encounter, &[1, 2], 100),
            event(TrackEventKind::Dark, &[2], 200),
        ];
        let src = SourceInput {
            name: "t.nmea",
            media_type: "application/x-nmea",
            kind: "track",
            published: None,
            bytes: b"!AIVDM...",
        };
        let id = match s
            .ingest(
                run,
                &src,
                Content::Track(Track {
                    info: &info(),
                    events: &events,
                    positions: &chunks,
                }),
                &[],
                "v",
                "now",
            )
            .unwrap()
        {
            borderwatch_store::Ingested::New(id) => id,
            other => panic!("{other:?}"),
        };
        let all = s.positions(&PositionFilter::default()).unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].source_id, id);
        assert_eq!(all[0].chunk, chunks[0], "a chunk comes back as stored");

        let summary = s.position_summary().unwrap();
        assert_eq!(
            summary
                .iter()
                .map(|v| (v.mmsi, v.source_id, v.count, v.start, v.end))
                .collect::<Vec<_>>(),
            [(1, id, 4, 100, 400), (2, id, 2, 150, 350)]
        );

        let f = |mmsi, since, until, bbox| PositionFilter {
            mmsi,
            since,
            until,
            bbox,
            sources: None,
        };
        assert_eq!(ids(&s, f(Some(1), None, None, None)), [(1, 100), (1, 300)]);
        assert_eq!(
            ids(&s, f(None, Some(250), None, None)),
            [(1, 300), (2, 150)]
        );
        assert_eq!(ids(&s, f(None, None, Some(120), None)), [(1, 100)]);
        // A box that touches the first chunk's corner and no other.
        assert_eq!(
            ids(&s, f(None, None, None, Some([38.5, 124.5, 38.9, 124.9]))),
            [(1, 100)]
        );
        assert_eq!(
            ids(
                &s,
                f(
                    Some(2),
                    Some(0),
                    Some(999),
                    Some([36.0, 119.0, 40.0, 126.0])
                )
            ),
            [(2, 150)]
        );

        // Vessel 2's events: its dark period and the encounter it was the second vessel of.
        assert_eq!(kinds(&s, 2), ["encounter", "dark"]);
        assert_eq!(kinds(&s, 1), ["encounter"]);
        assert!(kinds(&s, 3).is_empty());

        // Reading the source again replaces its positions whole.
        let run2 = s.begin_run("t", "later").unwrap();
        let again = Track {
            info: &info(),
            events: &events[1..],
            positions: &chunks[2..],
        };
        s.replace_track(id, run2, again, &[], "v2").unwrap();
        assert_eq!(ids(&s, PositionFilter::default()), [(2, 150)]);
        let elsewhere = PositionFilter {
            sources: Some([id + 1].into()),
            ..Default::default()
        };
        assert!(ids(&s, elsewhere).is_empty(), "only the sources asked for");
        assert!(kinds(&s, 1).is_empty());
    });
}
