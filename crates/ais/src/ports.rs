//! Sea ports for port calls: the gazetteer's ports (kind `port`, with coordinates) and the
//! searoute ports pack (`data/ais/generated/ports.toml`, made by `scripts/gen-ais-ports.py`);
//! where both give a UN/LOCODE the gazetteer's wins, and its place id names the port.
//!
//! Owns: the merge, the nearest port to a point, and the pack's checks (LOCODE shape, country
//! = the LOCODE's first letters, coordinates in range, each LOCODE once; unknown fields refused).
//! Refuses: port areas drawn as polygons — a port is a point with the radii of
//! `events::Options`; anchorages are not known apart from their port (an anchorage lies within
//! the port's radius of the point, or is not known).

use serde::{Deserialize, Serialize};

use borderwatch_model::PlaceKind;
use borderwatch_reference::gazetteer::Gazetteer;

use crate::geo::{distance_km, CellMap};

pub const EMBEDDED: &str = include_str!("../../../data/ais/generated/ports.toml");

/// One port.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Port {
    /// The gazetteer's place id (`kp.nampo-port`), else `locode:XXXXX`.
    pub id: String,
    pub name: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locode: Option<String>,
    pub lat: f64,
    pub lon: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    locode: String,
    name: String,
    country: String,
    lat: f64,
    lon: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Pack {
    ports: Vec<Entry>,
}

/// The ports known, with a grid of cells of [`CELL_DEG`] for finding those near a point.
#[derive(Debug, Clone, Default)]
pub struct Ports {
    pub ports: Vec<Port>,
    grid: CellMap<(i32, i32), Vec<usize>>,
}

/// The grid's cell, degrees.
pub const CELL_DEG: f64 = 0.25;

fn cell(lat: f64, lon: f64) -> (i32, i32) {
    (
        (lat / CELL_DEG).floor() as i32,
        (lon / CELL_DEG).floor() as i32,
    )
}

impl Ports {
    /// The gazetteer's ports, then the pack's ports whose LOCODE the gazetteer does not have.
    pub fn new(gazetteer: &Gazetteer, name: &str, pack: &str) -> Result<Ports, String> {
        let mut ports: Vec<Port> = gazetteer
            .places
            .iter()
            .filter(|p| p.kind == PlaceKind::Port)
            .filter_map(|p| {
                Some(Port {
                    id: p.id.clone(),
                    name: p.names.first()?.clone(),
                    country: p.country.clone(),
                    locode: p.locode.clone(),
                    lat: p.lat?,
                    lon: p.lon?,
                })
            })
            .collect();
        let pack: Pack = toml::from_str(pack).map_err(|e| format!("{name}: {e}"))?;
        let mut seen = std::collections::HashSet::new();
        for e in pack.ports {
            let ok = e.locode.len() == 5
                && e.locode[..2].bytes().all(|b| b.is_ascii_uppercase())
                && e.locode[2..]
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
            if !ok || e.country != e.locode[..2] {
                return Err(format!(
                    "{name}: {:?} is not a UN/LOCODE of country {:?}",
                    e.locode, e.country
                ));
            }
            if !(-90.0..=90.0).contains(&e.lat) || !(-180.0..=180.0).contains(&e.lon) {
                return Err(format!("{name}: {}: coordinates out of range", e.locode));
            }
            if !seen.insert(e.locode.clone()) {
                return Err(format!("{name}: {} is given twice", e.locode));
            }
            if ports.iter().any(|p| p.locode.as_deref() == Some(&e.locode)) {
                continue;
            }
            ports.push(Port {
                id: format!("locode:{}", e.locode),
                name: e.name,
                country: e.country,
                locode: Some(e.locode),
                lat: e.lat,
                lon: e.lon,
            });
        }
        let mut grid: CellMap<(i32, i32), Vec<usize>> = CellMap::default();
        for (i, p) in ports.iter().enumerate() {
            grid.entry(cell(p.lat, p.lon)).or_default().push(i);
        }
        Ok(Ports { ports, grid })
    }

    /// The gazetteer's ports and the embedded pack.
    pub fn embedded(gazetteer: &Gazetteer) -> Ports {
        Ports::new(gazetteer, "data/ais/generated/ports.toml", EMBEDDED)
            .expect("the embedded ports pack is checked by tests")
    }

    /// The nearest port and its distance, km (every port looked at: for the few points that
    /// need it; [`Ports::nearest_within`] is the one for every position).
    pub fn nearest(&self, lat: f64, lon: f64) -> Option<(&Port, f64)> {
        self.ports
            .iter()
            .map(|p| (p, distance_km(lat, lon, p.lat, p.lon)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// The nearest port within `km` of a point (its index and distance), looking only at the
    /// grid cells that can hold one.
    pub fn nearest_within(&self, lat: f64, lon: f64, km: f64) -> Option<(usize, f64)> {
        let dlat = km / 111.0;
        let dlon = km / (111.0 * lat.to_radians().cos().max(0.01));
        let (ry, rx) = (
            (dlat / CELL_DEG).ceil() as i32,
            (dlon / CELL_DEG).ceil() as i32,
        );
        let (cy, cx) = cell(lat, lon);
        let mut best: Option<(usize, f64)> = None;
        for y in cy - ry..=cy + ry {
            for x in cx - rx..=cx + rx {
                for &i in self.grid.get(&(y, x)).into_iter().flatten() {
                    let p = &self.ports[i];
                    let d = distance_km(lat, lon, p.lat, p.lon);
                    if d <= km && best.is_none_or(|(_, b)| d < b) {
                        best = Some((i, d));
                    }
                }
            }
        }
        best
    }

    /// The distance to the nearest port, km, looked up near the point first.
    pub fn distance_to_nearest(&self, lat: f64, lon: f64) -> f64 {
        match self.nearest_within(lat, lon, 50.0) {
            Some((_, d)) => d,
            None => self.nearest(lat, lon).map_or(f64::INFINITY, |(_, d)| d),
        }
    }
}
