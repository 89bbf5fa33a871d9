//! Sea events from vessel tracks, each a pure function of the tracks, the ports and the
//! thresholds, returning events with their evidence (file and line range of the positions).
//!
//! Owns: tracks (a vessel's positions in time order, a repeated time dropped), the thresholds
//! ([`Options`]), the event shape ([`SeaEvent`]) and evidence by file. One detector per file:
//! `port_calls.rs` (port calls and voyages), `dark.rs` (dark periods), `encounters.rs`
//! (two vessels together at sea), `loitering.rs` (one vessel slow at sea).
//!
//! Refuses: I/O, the clock, the store; deciding what an event means (a possible ship-to-ship
//! transfer is an encounter with its measures, for the analyst to judge).

use serde::Serialize;

use borderwatch_model::Direction;

use crate::reader::Lines;
use crate::record::Record;
use crate::vessel::Evidence;

pub mod dark;
pub mod encounters;
pub mod loitering;
pub mod port_calls;

/// Thresholds of the detectors.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// A vessel is in a port from this close to it ...
    pub port_enter_km: f64,
    /// ... until it is this far from it (hysteresis: noise at the edge is not a new call).
    pub port_exit_km: f64,
    /// A stay shorter than this is passing by, not a port call.
    pub min_dwell_secs: i64,
    /// No position for this long, while at sea, is a dark period.
    pub dark_secs: i64,
    /// The speed assumed for a dark vessel whose recent speed is unknown or below 1 knot.
    pub dark_default_knots: f64,
    /// Two vessels this close are together ...
    pub encounter_m: f64,
    /// ... for at least this long ...
    pub encounter_secs: i64,
    /// ... at a median speed below this ...
    pub encounter_knots: f64,
    /// ... at least this far from any port or anchorage (also for loitering).
    pub anchorage_km: f64,
    /// Tracks are compared at steps of this many seconds ...
    pub step_secs: i64,
    /// ... interpolated only between positions at most this far apart in time (also the
    /// longest gap inside a loitering run).
    pub max_gap_secs: i64,
    /// One vessel below this speed ...
    pub loiter_knots: f64,
    /// ... for at least this long is loitering.
    pub loiter_secs: i64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            port_enter_km: 3.0,
            port_exit_km: 6.0,
            min_dwell_secs: 3600,
            dark_secs: 12 * 3600,
            dark_default_knots: 10.0,
            encounter_m: 500.0,
            encounter_secs: 2 * 3600,
            encounter_knots: 2.0,
            anchorage_km: 10.0,
            step_secs: 600,
            max_gap_secs: 3600,
            loiter_knots: 2.0,
            loiter_secs: 2 * 3600,
        }
    }
}

/// One position of a track, with where it was read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub time: i64,
    pub lat: f64,
    pub lon: f64,
    /// Reported speed over ground, knots.
    pub speed: Option<f64>,
    pub file: u32,
    pub line: u64,
}

/// A vessel's positions in time order.
#[derive(Debug, Clone, PartialEq)]
pub struct Track {
    pub mmsi: u32,
    pub points: Vec<Point>,
}

/// Tracks from records read from files (`(file id, record)`), by MMSI, every position kept
/// (a second one at the same time as one before it is dropped).
pub fn tracks<'r>(records: impl IntoIterator<Item = (u32, &'r Record)>) -> Vec<Track> {
    let mut b = TrackBuilder::new(0, &Options::default());
    for (file, r) in records {
        b.add(file, r);
    }
    b.finish()
}

/// Builds tracks as records stream by, keeping a compact point per position — and, with
/// `min_point_secs` > 0, only positions at least that long after the vessel's last one kept
/// (class A ships report every few seconds under way; the detectors work in minutes), so
/// memory grows with the time covered, not with the report rate. A position whose reported
/// speed is on the other side of the slow-speed threshold (the least of
/// [`Options::loiter_knots`] and [`Options::encounter_knots`]) from the last one kept is kept
/// however soon it comes: a slow run starts and ends at the positions the receiver recorded,
/// not up to `min_point_secs` later or earlier.
#[derive(Debug, Default)]
pub struct TrackBuilder {
    min_point_secs: i64,
    slow_knots: f64,
    by: std::collections::BTreeMap<u32, Vec<Point>>,
}

impl TrackBuilder {
    /// `o`: the options the tracks' detectors will run with (their slow-speed thresholds).
    pub fn new(min_point_secs: i64, o: &Options) -> TrackBuilder {
        TrackBuilder {
            min_point_secs,
            slow_knots: o.loiter_knots.min(o.encounter_knots),
            by: Default::default(),
        }
    }

    /// Adds a record read from file `file` (static reports are not part of a track).
    pub fn add(&mut self, file: u32, r: &Record) {
        let Record::Position(p) = r else { return };
        let pts = self.by.entry(p.mmsi).or_default();
        if let Some(last) = pts.last() {
            let dt = p.time - last.time;
            let crosses = match (last.speed, p.speed) {
                (Some(a), Some(b)) => (a < self.slow_knots) != (b < self.slow_knots),
                _ => false,
            };
            if dt >= 0 && dt < self.min_point_secs.max(1) && !(crosses && dt >= 1) {
                return;
            }
        }
        pts.push(Point {
            time: p.time,
            lat: p.lat,
            lon: p.lon,
            speed: p.speed,
            file,
            line: p.lines.first,
        });
    }

    /// The tracks, by MMSI, each in time order.
    pub fn finish(self) -> Vec<Track> {
        self.by
            .into_iter()
            .map(|(mmsi, mut points)| {
                points.sort_by_key(|p| p.time);
                points.dedup_by_key(|p| p.time);
                Track { mmsi, points }
            })
            .collect()
    }
}

/// The evidence of some positions: per file, the range of their lines.
pub fn evidence<'p>(
    files: &[String],
    points: impl IntoIterator<Item = &'p Point>,
) -> Vec<Evidence> {
    let mut by: std::collections::BTreeMap<u32, (u64, u64)> = Default::default();
    for p in points {
        let e = by.entry(p.file).or_insert((p.line, p.line));
        e.0 = e.0.min(p.line);
        e.1 = e.1.max(p.line);
    }
    by.into_iter()
        .map(|(f, (a, b))| Evidence {
            file: files.get(f as usize).cloned().unwrap_or_default(),
            lines: Lines { first: a, last: b },
        })
        .collect()
}

/// What kind of event, with its measures.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Detail {
    PortCall {
        port: String,
        port_name: String,
        country: String,
        dwell_hours: f64,
        /// The data ends with the vessel still in port.
        open: bool,
    },
    Voyage {
        from: String,
        to: String,
        from_country: String,
        to_country: String,
        /// Relative to the DPRK: into a DPRK port is inbound.
        direction: Direction,
        hours: f64,
    },
    Dark {
        hours: f64,
        km: f64,
        end_lat: f64,
        end_lon: f64,
        /// The port it reappeared in, if any.
        #[serde(skip_serializing_if = "Option::is_none")]
        reappeared_in: Option<String>,
        knots_assumed: f64,
        /// DPRK ports it could have called at in the gap (there and on to where it
        /// reappeared, at the speed assumed).
        dprk_ports_reachable: Vec<String>,
    },
    Encounter {
        hours: f64,
        median_knots: f64,
        closest_m: f64,
        port_km: f64,
    },
    Loitering {
        hours: f64,
        median_knots: f64,
        port_km: f64,
    },
}

/// One event at sea.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeaEvent {
    /// The vessels (MMSI): one, or two for an encounter.
    pub vessels: Vec<u32>,
    pub start: i64,
    pub end: i64,
    /// Where (the start of a dark period; the middle of an encounter or a loitering run).
    pub lat: f64,
    pub lon: f64,
    #[serde(flatten)]
    pub detail: Detail,
    pub evidence: Vec<Evidence>,
}

/// The speed at a point: reported, else implied by its neighbours in the track.
pub(crate) fn speed_at(points: &[Point], i: usize) -> Option<f64> {
    if let Some(s) = points[i].speed {
        return Some(s);
    }
    let (a, b) = (
        &points[i.saturating_sub(1)],
        &points[(i + 1).min(points.len() - 1)],
    );
    crate::geo::knots(
        crate::geo::distance_km(a.lat, a.lon, b.lat, b.lon),
        b.time - a.time,
    )
}

pub(crate) fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

pub(crate) fn round(x: f64, digits: i32) -> f64 {
    let m = 10f64.powi(digits);
    (x * m).round() / m
}
