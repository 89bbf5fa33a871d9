//! Port calls and voyages.
//!
//! A vessel is in a port from its first position within [`Options::port_enter_km`] of the
//! port until its first position beyond [`Options::port_exit_km`] (two radii, so positions
//! wavering at one edge make one call); a stay of [`Options::min_dwell_secs`] or more is a
//! port call, its dwell from the first to the last position inside. A voyage runs from one
//! port call to the next at another port; into a DPRK port is `inbound`, out of one
//! `outbound`, between two ports of one country `domestic`, else `unknown`.
//!
//! Evidence: the positions inside the port (a call), the last position in the first port to
//! the first in the next (a voyage).

use borderwatch_model::Direction;

use super::{evidence, round, Detail, Options, SeaEvent, Track};
use crate::geo::distance_km;
use crate::ports::Ports;

struct Call {
    port: usize,
    first: usize,
    last: usize,
}

fn calls(track: &Track, ports: &Ports, o: &Options) -> Vec<(Call, bool)> {
    let mut out = Vec::new();
    let mut cur: Option<Call> = None;
    let pts = &track.points;
    for (i, p) in pts.iter().enumerate() {
        if let Some(c) = &mut cur {
            let port = &ports.ports[c.port];
            if distance_km(p.lat, p.lon, port.lat, port.lon) <= o.port_exit_km {
                c.last = i;
                continue;
            }
            let c = cur.take().unwrap();
            if pts[c.last].time - pts[c.first].time >= o.min_dwell_secs {
                out.push((c, false));
            }
        }
        if let Some((idx, _)) = ports.nearest_within(p.lat, p.lon, o.port_enter_km) {
            cur = Some(Call {
                port: idx,
                first: i,
                last: i,
            });
        }
    }
    if let Some(c) = cur {
        if pts[c.last].time - pts[c.first].time >= o.min_dwell_secs {
            out.push((c, true));
        }
    }
    out
}

fn direction(from: &str, to: &str) -> Direction {
    match (from == "KP", to == "KP") {
        (false, true) => Direction::Inbound,
        (true, false) => Direction::Outbound,
        _ if from == to => Direction::Domestic,
        _ => Direction::Unknown,
    }
}

/// The port calls and voyages of every track, in track order then time.
pub fn port_calls_and_voyages(
    tracks: &[Track],
    ports: &Ports,
    files: &[String],
    o: &Options,
) -> Vec<SeaEvent> {
    let mut out = Vec::new();
    for t in tracks {
        let pts = &t.points;
        let cs = calls(t, ports, o);
        for (c, open) in &cs {
            let port = &ports.ports[c.port];
            let (a, b) = (&pts[c.first], &pts[c.last]);
            out.push(SeaEvent {
                vessels: vec![t.mmsi],
                start: a.time,
                end: b.time,
                lat: port.lat,
                lon: port.lon,
                detail: Detail::PortCall {
                    port: port.id.clone(),
                    port_name: port.name.clone(),
                    country: port.country.clone(),
                    dwell_hours: round((b.time - a.time) as f64 / 3600.0, 2),
                    open: *open,
                },
                evidence: evidence(files, &pts[c.first..=c.last]),
            });
        }
        for w in cs.windows(2) {
            let ((a, _), (b, _)) = (&w[0], &w[1]);
            if a.port == b.port {
                continue;
            }
            let (pa, pb) = (&ports.ports[a.port], &ports.ports[b.port]);
            let (left, came) = (&pts[a.last], &pts[b.first]);
            out.push(SeaEvent {
                vessels: vec![t.mmsi],
                start: left.time,
                end: came.time,
                lat: left.lat,
                lon: left.lon,
                detail: Detail::Voyage {
                    from: pa.id.clone(),
                    to: pb.id.clone(),
                    from_country: pa.country.clone(),
                    to_country: pb.country.clone(),
                    direction: direction(&pa.country, &pb.country),
                    hours: round((came.time - left.time) as f64 / 3600.0, 2),
                },
                evidence: evidence(files, &pts[a.last..=b.first]),
            });
        }
    }
    out
}
