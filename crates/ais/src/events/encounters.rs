//! Encounters: two vessels within [`Options::encounter_m`] (500 m) of each other for
//! [`Options::encounter_secs`] (2 h) or more, at a median speed below
//! [`Options::encounter_knots`] (2 knots), at least [`Options::anchorage_km`] (10 km) from any
//! port or anchorage — a possible ship-to-ship transfer.
//!
//! At sea at every step: a step at which the pair's midpoint lies within
//! [`Options::anchorage_km`] of a port is no part of an encounter (it ends a run), so two ships
//! moored side by side, then sailing out together, are not one long "encounter" judged at sea
//! by its mean position, and a meeting at sea after it is measured on its own.
//!
//! Tracks are compared at fixed steps of [`Options::step_secs`]: each track's position at a
//! step is interpolated between the positions around it, when those are at most
//! [`Options::max_gap_secs`] apart (a vessel is not placed where it was not seen). Vessels at
//! one step are put in cells of 0.01° (wider than 500 m below 87° of latitude) and compared
//! with those in the same and the neighbouring cells, so the work grows with the positions, not
//! with the square of the vessels. Steps are made one at a time from a cursor per track, so
//! the memory beyond the tracks is one step's vessels and the pairs close at that step. Speeds are reported speeds (the mean of the two positions
//! around a step), else implied by them. The median is over both vessels' speeds at every step
//! of the encounter; the distance to port is that of the encounter's mean position.
//!
//! Evidence: the positions of both vessels during the encounter.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::{evidence, median, round, Detail, Options, SeaEvent, Track};
use crate::geo::{distance_km, knots, CellMap};
use crate::ports::Ports;

#[derive(Clone, Copy)]
struct Sample {
    step: i64,
    track: usize,
    lat: f64,
    lon: f64,
    knots: f64,
}

struct Run {
    start: i64,
    last: i64,
    speeds: Vec<f64>,
    closest_m: f64,
    lat: f64,
    lon: f64,
    n: u32,
}

/// Where one track is at each step, pair of positions by pair of positions.
struct Cursor {
    pair: usize,
    step: i64,
}

impl Cursor {
    /// The track's next sample, at this cursor's step or later.
    fn next(&mut self, ti: usize, t: &Track, o: &Options) -> Option<Sample> {
        let pts = &t.points;
        while self.pair + 1 < pts.len() {
            let (a, b) = (&pts[self.pair], &pts[self.pair + 1]);
            let dt = b.time - a.time;
            // Steps in [a.time, b.time): each step belongs to one pair of positions.
            let first =
                a.time.div_euclid(o.step_secs) + i64::from(a.time.rem_euclid(o.step_secs) != 0);
            self.step = self.step.max(first);
            if dt <= 0 || dt > o.max_gap_secs || self.step * o.step_secs >= b.time {
                self.pair += 1;
                continue;
            }
            let k = match (a.speed, b.speed) {
                (Some(x), Some(y)) => (x + y) / 2.0,
                (Some(x), None) | (None, Some(x)) => x,
                (None, None) => knots(distance_km(a.lat, a.lon, b.lat, b.lon), dt).unwrap_or(0.0),
            };
            let f = (self.step * o.step_secs - a.time) as f64 / dt as f64;
            let s = Sample {
                step: self.step,
                track: ti,
                lat: a.lat + (b.lat - a.lat) * f,
                lon: a.lon + (b.lon - a.lon) * f,
                knots: k,
            };
            self.step += 1;
            return Some(s);
        }
        None
    }
}

/// Every track's samples, step by step in time order (tracks in order within a step), made
/// as they are needed: the memory is one cursor per track.
struct Steps<'a> {
    tracks: &'a [Track],
    o: &'a Options,
    cursors: Vec<Cursor>,
    pending: Vec<Option<Sample>>,
    heap: BinaryHeap<Reverse<(i64, usize)>>,
}

impl<'a> Steps<'a> {
    fn new(tracks: &'a [Track], o: &'a Options) -> Steps<'a> {
        let mut s = Steps {
            tracks,
            o,
            cursors: (0..tracks.len())
                .map(|_| Cursor {
                    pair: 0,
                    step: i64::MIN,
                })
                .collect(),
            pending: vec![None; tracks.len()],
            heap: BinaryHeap::new(),
        };
        for ti in 0..tracks.len() {
            s.refill(ti);
        }
        s
    }

    fn refill(&mut self, ti: usize) {
        let next = self.cursors[ti].next(ti, &self.tracks[ti], self.o);
        if let Some(x) = &next {
            self.heap.push(Reverse((x.step, ti)));
        }
        self.pending[ti] = next;
    }

    /// The samples of the next step that has any.
    fn next_step(&mut self, at: &mut Vec<Sample>) -> bool {
        at.clear();
        let Some(&Reverse((step, _))) = self.heap.peek() else {
            return false;
        };
        while let Some(&Reverse((s, ti))) = self.heap.peek() {
            if s != step {
                break;
            }
            self.heap.pop();
            at.push(
                self.pending[ti]
                    .take()
                    .expect("a queued track has its sample"),
            );
            self.refill(ti);
        }
        true
    }
}

/// The encounters between every two tracks.
pub fn encounters(tracks: &[Track], ports: &Ports, files: &[String], o: &Options) -> Vec<SeaEvent> {
    let mut steps = Steps::new(tracks, o);
    let mut runs: CellMap<(usize, usize), Run> = CellMap::default();
    let mut out = Vec::new();
    let cell = |s: &Sample| ((s.lat / 0.01).floor() as i64, (s.lon / 0.01).floor() as i64);
    let mut at = Vec::new();
    while steps.next_step(&mut at) {
        let step = at[0].step;
        let at = &at[..];
        let mut grid: CellMap<(i64, i64), Vec<usize>> = CellMap::default();
        for (k, s) in at.iter().enumerate() {
            grid.entry(cell(s)).or_default().push(k);
        }
        for s in at {
            let (cy, cx) = cell(s);
            for dy in -1..=1 {
                for dx in -1..=1 {
                    for &m in grid.get(&(cy + dy, cx + dx)).into_iter().flatten() {
                        let other = &at[m];
                        if other.track <= s.track {
                            continue;
                        }
                        let d_m = distance_km(s.lat, s.lon, other.lat, other.lon) * 1000.0;
                        if d_m > o.encounter_m {
                            continue;
                        }
                        let (mid_lat, mid_lon) =
                            ((s.lat + other.lat) / 2.0, (s.lon + other.lon) / 2.0);
                        if ports
                            .nearest_within(mid_lat, mid_lon, o.anchorage_km)
                            .is_some()
                        {
                            continue;
                        }
                        let r = runs.entry((s.track, other.track)).or_insert(Run {
                            start: step,
                            last: step,
                            speeds: Vec::new(),
                            closest_m: f64::INFINITY,
                            lat: 0.0,
                            lon: 0.0,
                            n: 0,
                        });
                        r.last = step;
                        r.speeds.extend([s.knots, other.knots]);
                        r.closest_m = r.closest_m.min(d_m);
                        r.lat += mid_lat;
                        r.lon += mid_lon;
                        r.n += 1;
                    }
                }
            }
        }
        // Runs not continued at this step are over.
        let ended: Vec<(usize, usize)> = runs
            .iter()
            .filter(|(_, r)| r.last < step)
            .map(|(k, _)| *k)
            .collect();
        for k in ended {
            let r = runs.remove(&k).unwrap();
            judge(k, r, tracks, ports, files, o, &mut out);
        }
    }
    let mut rest: Vec<_> = runs.into_iter().collect();
    rest.sort_by_key(|(k, r)| (r.start, *k));
    for (k, r) in rest {
        judge(k, r, tracks, ports, files, o, &mut out);
    }
    out.sort_by(|a, b| (a.start, &a.vessels).cmp(&(b.start, &b.vessels)));
    out
}

fn judge(
    (a, b): (usize, usize),
    mut r: Run,
    tracks: &[Track],
    ports: &Ports,
    files: &[String],
    o: &Options,
    out: &mut Vec<SeaEvent>,
) {
    let secs = (r.last - r.start) * o.step_secs;
    if secs < o.encounter_secs {
        return;
    }
    let Some(med) = median(&mut r.speeds) else {
        return;
    };
    if med >= o.encounter_knots {
        return;
    }
    let (lat, lon) = (r.lat / r.n as f64, r.lon / r.n as f64);
    let port_km = ports.distance_to_nearest(lat, lon);
    if port_km < o.anchorage_km {
        return;
    }
    let (start, end) = (r.start * o.step_secs, r.last * o.step_secs);
    // The positions around the encounter too: those that placed the vessels at its steps.
    let (from, to) = (start - o.max_gap_secs, end + o.max_gap_secs);
    let pts: Vec<_> = tracks[a]
        .points
        .iter()
        .chain(&tracks[b].points)
        .filter(|p| p.time >= from && p.time <= to)
        .collect();
    let mut vessels = vec![tracks[a].mmsi, tracks[b].mmsi];
    vessels.sort();
    out.push(SeaEvent {
        vessels,
        start,
        end,
        lat: round(lat, 5),
        lon: round(lon, 5),
        detail: Detail::Encounter {
            hours: round(secs as f64 / 3600.0, 2),
            median_knots: round(med, 2),
            closest_m: round(r.closest_m, 0),
            port_km: round(port_km, 1),
        },
        evidence: evidence(files, pts),
    });
}
