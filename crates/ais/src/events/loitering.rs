//! Loitering: one vessel slow at sea — a run of positions at speeds below
//! [`Options::loiter_knots`] (reported, else implied by the neighbouring positions) lasting
//! [`Options::loiter_secs`] (2 h) or more, with no gap longer than [`Options::max_gap_secs`],
//! whose middle position lies at least [`Options::anchorage_km`] from every port.
//!
//! Evidence: the positions of the run.

use super::{evidence, median, round, speed_at, Detail, Options, SeaEvent, Track};
use crate::ports::Ports;

/// The loitering runs of every track.
pub fn loitering(tracks: &[Track], ports: &Ports, files: &[String], o: &Options) -> Vec<SeaEvent> {
    let mut out = Vec::new();
    for t in tracks {
        let pts = &t.points;
        let mut start: Option<usize> = None;
        let close = |s: usize, e: usize, out: &mut Vec<SeaEvent>| {
            if pts[e].time - pts[s].time < o.loiter_secs {
                return;
            }
            let mid = &pts[(s + e) / 2];
            let port_km = ports.distance_to_nearest(mid.lat, mid.lon);
            if port_km < o.anchorage_km {
                return;
            }
            let mut speeds: Vec<f64> = (s..=e).filter_map(|i| speed_at(pts, i)).collect();
            out.push(SeaEvent {
                vessels: vec![t.mmsi],
                start: pts[s].time,
                end: pts[e].time,
                lat: mid.lat,
                lon: mid.lon,
                detail: Detail::Loitering {
                    hours: round((pts[e].time - pts[s].time) as f64 / 3600.0, 2),
                    median_knots: round(median(&mut speeds).unwrap_or(0.0), 2),
                    port_km: round(port_km, 1),
                },
                evidence: evidence(files, &pts[s..=e]),
            });
        };
        for i in 0..pts.len() {
            let slow = speed_at(pts, i).is_some_and(|k| k < o.loiter_knots);
            let joined = i > 0 && pts[i].time - pts[i - 1].time <= o.max_gap_secs;
            match (start, slow) {
                // The run goes on.
                (Some(_), true) if joined => {}
                (Some(s), _) => {
                    close(s, i - 1, &mut out);
                    start = slow.then_some(i);
                }
                (None, true) => start = Some(i),
                (None, false) => {}
            }
        }
        if let Some(s) = start {
            close(s, pts.len() - 1, &mut out);
        }
    }
    out
}
