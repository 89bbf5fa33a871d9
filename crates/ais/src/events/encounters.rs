//! Encounters: two vessels within [`Options::encounter_m`] (500 m) of each other for
//! [`Options::encounter_secs`] (2 h) or more, at a median speed below
//! [`Options::encounter_knots`] (2 knots), at least [`Options::anchorage_km`] (10 km) from any
//! port or anchorage — a possible ship-to-ship transfer.
//!
//! Tracks are compared at fixed steps of [`Options::step_secs`]: each track's position at a
//! step is interpolated between the positions around it, when those are at most
//! [`Options::max_gap_secs`] apart (a vessel is not placed where it was not seen). Vessels at
//! one step are put in cells of 0.01° (wider than 500 m below 87° of latitude) and compared
//! with those in the same and the neighbouring cells, so the work grows with the positions, not
//! with the square of the vessels. Speeds are reported speeds (the mean of the two positions
//! around a step), else implied by them. The median is over both vessels' speeds at every step
//! of the encounter; the distance to port is that of the encounter's mean position.
//!
//! Evidence: the positions of both vessels during the encounter.

use std::collections::HashMap;

use super::{evidence, median, round, Detail, Options, SeaEvent, Track};
use crate::geo::{distance_km, knots};
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

fn samples(tracks: &[Track], o: &Options) -> Vec<Sample> {
    let mut out = Vec::new();
    for (ti, t) in tracks.iter().enumerate() {
        for w in t.points.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            let dt = b.time - a.time;
            if dt <= 0 || dt > o.max_gap_secs {
                continue;
            }
            let implied = knots(distance_km(a.lat, a.lon, b.lat, b.lon), dt).unwrap_or(0.0);
            let k = match (a.speed, b.speed) {
                (Some(x), Some(y)) => (x + y) / 2.0,
                (Some(x), None) | (None, Some(x)) => x,
                (None, None) => implied,
            };
            // Steps in [a.time, b.time): each step belongs to one pair of positions.
            let first =
                a.time.div_euclid(o.step_secs) + i64::from(a.time.rem_euclid(o.step_secs) != 0);
            let mut s = first;
            while s * o.step_secs < b.time {
                let f = (s * o.step_secs - a.time) as f64 / dt as f64;
                out.push(Sample {
                    step: s,
                    track: ti,
                    lat: a.lat + (b.lat - a.lat) * f,
                    lon: a.lon + (b.lon - a.lon) * f,
                    knots: k,
                });
                s += 1;
            }
        }
    }
    out.sort_by_key(|s| (s.step, s.track));
    out
}

/// The encounters between every two tracks.
pub fn encounters(tracks: &[Track], ports: &Ports, files: &[String], o: &Options) -> Vec<SeaEvent> {
    let all = samples(tracks, o);
    let mut runs: HashMap<(usize, usize), Run> = HashMap::new();
    let mut out = Vec::new();
    let cell = |s: &Sample| ((s.lat / 0.01).floor() as i64, (s.lon / 0.01).floor() as i64);
    let mut i = 0;
    while i < all.len() {
        let step = all[i].step;
        let mut j = i;
        while j < all.len() && all[j].step == step {
            j += 1;
        }
        let at = &all[i..j];
        let mut grid: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
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
                        r.lat += (s.lat + other.lat) / 2.0;
                        r.lon += (s.lon + other.lon) / 2.0;
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
        i = j;
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
    let port_km = ports.nearest(lat, lon).map_or(f64::INFINITY, |(_, d)| d);
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
