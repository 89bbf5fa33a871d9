//! Vessels as the store knows them from tracks: the list (who, seen when, what their tracks
//! show), one vessel's identity over time and its events, and its positions as thinned lines
//! for a map at a zoom — shared by the server's vessel panel and any other reader.
//!
//! Owns: putting a vessel together from its stored events and position chunks (the latest
//! identity a track gave, every name and IMO number it went by and when), joining a vessel's
//! positions across track sources in time order, and bounding a map's answer (at most
//! [`MAX_POINTS`] points: the zoom is lowered until it fits). Refuses: SQL (the store's), HTTP
//! (the server's), and judging events (the detectors').

use std::collections::BTreeMap;

use borderwatch_ais::columns::{self, StoredPosition};
use borderwatch_ais::thin;
use borderwatch_model::{TrackEventKind, VesselRef};
use borderwatch_store::{PositionFilter, PositionSummary, Store, StoreError, StoredTrackEvent};

/// The most points one map answer of the server carries.
pub const MAX_POINTS: usize = 20_000;

/// The zoom of a map of the whole region (the HTML report's), and the most points it draws.
pub const REGION_ZOOM: f64 = 8.0;
pub const REGION_POINTS: usize = 50_000;

/// A vessel in the list.
#[derive(Debug, Clone, PartialEq)]
pub struct VesselSummary {
    /// As its latest track identified it.
    pub vessel: VesselRef,
    /// Events by kind.
    pub events: BTreeMap<TrackEventKind, usize>,
    /// Stored positions, and the first and last time seen (positions or events).
    pub positions: u64,
    pub first: Option<i64>,
    pub last: Option<i64>,
}

/// One identity a vessel went by, and when its tracks showed it.
#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    pub name: Option<String>,
    pub imo: Option<u32>,
    pub flag: Option<String>,
    pub first: i64,
    pub last: i64,
}

pub use borderwatch_report::track_map::rfc3339;

/// The first (or, with `end`, the last) second of a day, UTC: a period's bounds for positions.
pub fn day_secs(d: borderwatch_model::Date, end: bool) -> Option<i64> {
    let start = d.and_hms_opt(0, 0, 0)?.and_utc().timestamp();
    Some(if end { start + 86_399 } else { start })
}

/// Every vessel that has events or positions, by MMSI.
pub fn vessels(store: &Store) -> Result<Vec<VesselSummary>, StoreError> {
    Ok(
        summarise(&store.track_events()?, &store.position_summary()?)
            .into_values()
            .collect(),
    )
}

/// One vessel as the store holds it: its summary (if the tracks know it), its events (its
/// own and the encounters it had) and its positions in brief, by track source.
pub struct VesselRecord {
    pub summary: Option<VesselSummary>,
    pub events: Vec<StoredTrackEvent>,
    pub positions: Vec<PositionSummary>,
}

/// One vessel, read for its rows only.
pub fn vessel(store: &Store, mmsi: u32) -> Result<VesselRecord, StoreError> {
    let events = store.vessel_events(mmsi)?;
    let mut positions = store.position_summary()?;
    positions.retain(|p| p.mmsi == mmsi);
    let summary = summarise(&events, &positions).remove(&mmsi);
    Ok(VesselRecord {
        summary,
        events,
        positions,
    })
}

fn summarise(
    events: &[StoredTrackEvent],
    positions: &[PositionSummary],
) -> BTreeMap<u32, VesselSummary> {
    let mut by: BTreeMap<u32, VesselSummary> = BTreeMap::new();
    for e in events {
        for v in &e.event.vessels {
            let s = by
                .entry(v.mmsi)
                .or_insert_with(|| VesselSummary::new(v.clone()));
            if s.last.is_none_or(|l| e.event.end >= l) {
                s.vessel = v.clone();
            }
            *s.events.entry(e.event.kind).or_default() += 1;
            s.seen(e.event.start, e.event.end);
        }
    }
    for p in positions {
        let s = by.entry(p.mmsi).or_insert_with(|| {
            VesselSummary::new(VesselRef {
                mmsi: p.mmsi,
                name: None,
                imo: None,
                flag: None,
                designated: Vec::new(),
            })
        });
        s.positions += p.count;
        s.seen(p.start, p.end);
    }
    by
}

impl VesselSummary {
    fn new(vessel: VesselRef) -> VesselSummary {
        VesselSummary {
            vessel,
            events: BTreeMap::new(),
            positions: 0,
            first: None,
            last: None,
        }
    }

    fn seen(&mut self, start: i64, end: i64) {
        self.first = Some(self.first.map_or(start, |f| f.min(start)));
        self.last = Some(self.last.map_or(end, |l| l.max(end)));
    }
}

/// The identities a vessel's events show it under, in the order first seen: a new one each
/// time its name, IMO number or flag differs from every one before. A track file names a
/// vessel by the identity it last broadcast there, so an identity was seen over that file's
/// positions of the vessel (`positions`, the store's summary), not only over its events.
pub fn identities(
    mmsi: u32,
    events: &[StoredTrackEvent],
    positions: &[PositionSummary],
) -> Vec<Identity> {
    let mut out: Vec<Identity> = Vec::new();
    for e in events {
        let (mut first, mut last) = (e.event.start, e.event.end);
        if let Some(p) = positions
            .iter()
            .find(|p| p.mmsi == mmsi && p.source_id == e.source_id)
        {
            first = first.min(p.start);
            last = last.max(p.end);
        }
        for v in e.event.vessels.iter().filter(|v| v.mmsi == mmsi) {
            let same = |i: &Identity| i.name == v.name && i.imo == v.imo && i.flag == v.flag;
            match out.iter_mut().find(|i| same(i)) {
                Some(i) => {
                    i.first = i.first.min(first);
                    i.last = i.last.max(last);
                }
                None => out.push(Identity {
                    name: v.name.clone(),
                    imo: v.imo,
                    flag: v.flag.clone(),
                    first,
                    last,
                }),
            }
        }
    }
    out.sort_by_key(|i| (i.first, i.last));
    out
}

/// A vessel's positions as one line of the map.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackLine {
    pub mmsi: u32,
    pub points: Vec<StoredPosition>,
}

/// What a map asked for, thinned.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackLines {
    pub lines: Vec<TrackLine>,
    /// The zoom the lines are thinned for: the one asked, or lower to stay within
    /// [`MAX_POINTS`].
    pub zoom: f64,
    /// Positions read (in the time asked) before thinning.
    pub read: usize,
}

/// Positions matching `f` (whole chunks in the area, positions in the time asked), by vessel,
/// thinned for `zoom` (lowered until at most `max_points` remain) and broken where a vessel was
/// not seen for a dark period's length (the dark period is an event of its own, drawn as such).
pub fn track_lines(
    store: &Store,
    f: &PositionFilter,
    zoom: f64,
    max_points: usize,
) -> Result<TrackLines, StoreError> {
    let mut by: BTreeMap<u32, Vec<StoredPosition>> = BTreeMap::new();
    for c in store.positions(f)? {
        let pts = columns::unpack(&c.chunk).map_err(|e| {
            StoreError(format!(
                "track source {}, MMSI {}: {e}",
                c.source_id, c.chunk.mmsi
            ))
        })?;
        let inside = |t: i64| f.since.is_none_or(|s| t >= s) && f.until.is_none_or(|u| t <= u);
        by.entry(c.chunk.mmsi)
            .or_default()
            .extend(pts.into_iter().filter(|p| inside(p.time)));
    }
    let mut read = 0;
    for pts in by.values_mut() {
        // Two receivers of one vessel: one position per second.
        pts.sort_by_key(|p| p.time);
        pts.dedup_by_key(|p| p.time);
        read += pts.len();
    }
    let dark = borderwatch_ais::events::Options::default().dark_secs;
    let mut zoom = zoom.clamp(0.0, 20.0);
    loop {
        let tol = thin::tolerance_for_zoom(zoom);
        let lines: Vec<TrackLine> = by
            .iter()
            .flat_map(|(&mmsi, pts)| {
                thin::thin(pts, tol, dark)
                    .into_iter()
                    .map(move |points| TrackLine { mmsi, points })
            })
            .collect();
        let n: usize = lines.iter().map(|l| l.points.len()).sum();
        if n <= max_points || zoom <= 0.0 {
            return Ok(TrackLines { lines, zoom, read });
        }
        zoom = (zoom - 1.0).max(0.0);
    }
}

/// The lines as the report crate draws and exports them.
pub fn paths(lines: &TrackLines) -> Vec<borderwatch_report::track_map::VesselPath> {
    lines
        .lines
        .iter()
        .map(|l| borderwatch_report::track_map::VesselPath {
            mmsi: l.mmsi,
            start: l.points.first().map_or(0, |p| p.time),
            end: l.points.last().map_or(0, |p| p.time),
            coords: l.points.iter().map(|p| [p.lon, p.lat]).collect(),
        })
        .collect()
}

/// Every stored position chunk read back: what is wrong with each that does not read, or whose
/// positions fall outside the time range or box its row says (`db check`).
pub fn check_positions(store: &Store) -> Result<Vec<String>, StoreError> {
    let mut out = Vec::new();
    for c in store.positions(&PositionFilter::default())? {
        let k = &c.chunk;
        let at = format!(
            "positions of MMSI {} from track source {} starting {}",
            k.mmsi, c.source_id, k.start
        );
        match columns::unpack(k) {
            Err(e) => out.push(format!("{at}: {e}")),
            Ok(pts) => {
                let [s, w, n, e] = k.bbox;
                // The box is kept in degrees as packed, to the micro-degree.
                let slack = 1e-6;
                let outside = pts.iter().find(|p| {
                    p.time < k.start
                        || p.time > k.end
                        || p.lat < s - slack
                        || p.lat > n + slack
                        || p.lon < w - slack
                        || p.lon > e + slack
                });
                if let Some(p) = outside {
                    out.push(format!(
                        "{at}: a position ({}, {} at {}) outside the chunk's time range or box",
                        p.lat, p.lon, p.time
                    ));
                }
            }
        }
    }
    Ok(out)
}
