//! Dark periods: no position for [`Options::dark_secs`] (12 h) or more while at sea.
//!
//! At sea: the last position before the gap is beyond [`Options::port_exit_km`] of every
//! port (a ship moored with its transponder off is not dark in this sense). The event says
//! where the vessel went dark and reappeared, whether it reappeared in a port, and which DPRK
//! ports it could have called at in the gap: those for which going there and on to where it
//! reappeared is within the distance the gap allows at its speed — the median reported speed
//! of its last ten positions before the gap, or [`Options::dark_default_knots`] when that is
//! unknown or below one knot.
//!
//! Evidence: the positions before and after the gap.

use super::{evidence, median, round, Detail, Options, SeaEvent, Track};
use crate::geo::{distance_km, KM_PER_NM};
use crate::ports::Ports;

/// The DPRK ports a vessel could have called at between going dark at `from` and reappearing
/// at `to` (latitude, longitude), sailing at most `reach_km`: going there and on is within it.
pub fn dprk_ports_reachable(
    ports: &Ports,
    from: (f64, f64),
    to: (f64, f64),
    reach_km: f64,
) -> Vec<String> {
    ports
        .ports
        .iter()
        .filter(|p| p.country == "KP")
        .filter(|p| {
            distance_km(from.0, from.1, p.lat, p.lon) + distance_km(p.lat, p.lon, to.0, to.1)
                <= reach_km
        })
        .map(|p| p.id.clone())
        .collect()
}

/// The dark periods of every track.
pub fn dark_periods(
    tracks: &[Track],
    ports: &Ports,
    files: &[String],
    o: &Options,
) -> Vec<SeaEvent> {
    let mut out = Vec::new();
    for t in tracks {
        let pts = &t.points;
        for i in 1..pts.len() {
            let (a, b) = (&pts[i - 1], &pts[i]);
            let secs = b.time - a.time;
            if secs < o.dark_secs {
                continue;
            }
            if ports.nearest_within(a.lat, a.lon, o.port_exit_km).is_some() {
                continue;
            }
            let mut recent: Vec<f64> = pts[i.saturating_sub(10)..i]
                .iter()
                .filter_map(|p| p.speed)
                .collect();
            let knots = median(&mut recent)
                .filter(|k| *k >= 1.0)
                .unwrap_or(o.dark_default_knots);
            let reach_km = knots * KM_PER_NM * secs as f64 / 3600.0;
            let reachable = dprk_ports_reachable(ports, (a.lat, a.lon), (b.lat, b.lon), reach_km);
            let reappeared_in = ports
                .nearest_within(b.lat, b.lon, o.port_exit_km)
                .map(|(i, _)| ports.ports[i].id.clone());
            out.push(SeaEvent {
                vessels: vec![t.mmsi],
                start: a.time,
                end: b.time,
                lat: a.lat,
                lon: a.lon,
                detail: Detail::Dark {
                    hours: round(secs as f64 / 3600.0, 2),
                    km: round(distance_km(a.lat, a.lon, b.lat, b.lon), 1),
                    end_lat: b.lat,
                    end_lon: b.lon,
                    reappeared_in,
                    knots_assumed: round(knots, 1),
                    dprk_ports_reachable: reachable,
                },
                evidence: evidence(files, [a, b]),
            });
        }
    }
    out
}
