//! Distances on the Earth, for implied speeds and nearness.
//!
//! Owns: great-circle distance (haversine on a sphere of the mean Earth radius) and the knot.
//! Refuses: projections and areas.

/// Mean Earth radius, km.
pub const EARTH_KM: f64 = 6371.0088;
/// Kilometres in a nautical mile.
pub const KM_PER_NM: f64 = 1.852;

/// Great-circle distance between two points, km.
pub fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_KM * h.sqrt().min(1.0).asin()
}

/// The speed, knots, of covering `km` in `secs` seconds (`None` for no time).
pub fn knots(km: f64, secs: i64) -> Option<f64> {
    (secs > 0).then(|| km / KM_PER_NM / (secs as f64 / 3600.0))
}

#[cfg(test)]
mod tests {
    #[test]
    fn longkou_to_nampo() {
        // About 440 km across the Bohai Strait and the Yellow Sea.
        let d = super::distance_km(37.6435, 120.3304, 38.7333, 125.4167);
        assert!((440.0..470.0).contains(&d), "{d}");
        assert_eq!(super::knots(1.852, 3600), Some(1.0));
    }
}

/// A fast hasher for grid cells (pairs of small integers) and pair keys; the standard
/// SipHash was most of the cost of a grid lookup. Keys are cells of coordinates, bounded in
/// number by the grid, so collision attacks buy little.
#[derive(Debug, Default, Clone, Copy)]
pub struct CellHasher(u64);

const K: u64 = 0x517c_c1b7_2722_0a95;

impl std::hash::Hasher for CellHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ b as u64).wrapping_mul(K);
        }
    }
    fn write_i32(&mut self, i: i32) {
        self.write_u64(i as u32 as u64);
    }
    fn write_i64(&mut self, i: i64) {
        self.write_u64(i as u64);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(K);
    }
}

/// A hash map keyed by grid cells.
pub type CellMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<CellHasher>>;
