//! Thinning a track for the map: a vessel's positions as lines with no more points than the
//! zoom can show, broken where the vessel was not seen for long (the gap is drawn as a dark
//! period of its own, not as a line the vessel never sailed).
//!
//! Owns: the zoom → tolerance rule (one pixel of a 256-pixel world at that web-map zoom) and
//! Douglas–Peucker simplification, which keeps the points a track turns at. Refuses: reading
//! positions (`columns.rs`) and drawing.

use crate::columns::StoredPosition;

/// Degrees one pixel spans at a web-map zoom level (0: the world in 256 pixels).
pub fn tolerance_for_zoom(zoom: f64) -> f64 {
    360.0 / 256.0 / 2f64.powf(zoom.clamp(0.0, 24.0))
}

/// The positions (of one vessel, in time order) as lines: cut where two positions are more
/// than `break_secs` apart, each line simplified so no dropped point is more than `tolerance`
/// degrees from it. A lone position between two gaps is a line of one point.
pub fn thin(
    points: &[StoredPosition],
    tolerance: f64,
    break_secs: i64,
) -> Vec<Vec<StoredPosition>> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=points.len() {
        if i == points.len() || points[i].time - points[i - 1].time > break_secs {
            out.push(simplify(&points[start..i], tolerance));
            start = i;
        }
    }
    out.retain(|l| !l.is_empty());
    out
}

/// Douglas–Peucker, without recursion (a day of positions must not overflow the stack).
fn simplify(points: &[StoredPosition], tolerance: f64) -> Vec<StoredPosition> {
    if points.len() <= 2 {
        return points.to_vec();
    }
    let mut keep = vec![false; points.len()];
    keep[0] = true;
    keep[points.len() - 1] = true;
    let mut stack = vec![(0, points.len() - 1)];
    let tol2 = tolerance * tolerance;
    while let Some((a, b)) = stack.pop() {
        let mut far = (0.0, 0);
        for i in a + 1..b {
            let d = distance2(&points[i], &points[a], &points[b]);
            if d > far.0 {
                far = (d, i);
            }
        }
        if far.0 > tol2 {
            keep[far.1] = true;
            stack.push((a, far.1));
            stack.push((far.1, b));
        }
    }
    points
        .iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(*p))
        .collect()
}

/// Squared distance, in degrees of latitude, from `p` to the segment `a`–`b` (longitude scaled
/// by the cosine of the latitude, so a degree east counts for what it is on the water).
fn distance2(p: &StoredPosition, a: &StoredPosition, b: &StoredPosition) -> f64 {
    let k = a.lat.to_radians().cos();
    let (px, py) = ((p.lon - a.lon) * k, p.lat - a.lat);
    let (bx, by) = ((b.lon - a.lon) * k, b.lat - a.lat);
    let len2 = bx * bx + by * by;
    let t = if len2 == 0.0 {
        0.0
    } else {
        ((px * bx + py * by) / len2).clamp(0.0, 1.0)
    };
    let (dx, dy) = (px - t * bx, py - t * by);
    dx * dx + dy * dy
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(time: i64, lat: f64, lon: f64) -> StoredPosition {
        StoredPosition {
            time,
            lat,
            lon,
            speed: None,
            line: time as u64,
        }
    }

    #[test]
    fn a_straight_run_keeps_its_ends_and_a_turn_keeps_its_corner() {
        let mut pts: Vec<_> = (0..100)
            .map(|i| at(i * 60, 38.0, 124.0 + i as f64 * 0.01))
            .collect();
        pts.extend((1..100).map(|i| at((99 + i) * 60, 38.0 + i as f64 * 0.01, 124.99)));
        let lines = thin(&pts, tolerance_for_zoom(8.0), 3600);
        assert_eq!(lines.len(), 1);
        let kept: Vec<i64> = lines[0].iter().map(|p| p.time / 60).collect();
        assert_eq!(kept, [0, 99, 198]);
    }

    #[test]
    fn a_long_silence_breaks_the_line_and_a_closer_zoom_keeps_more() {
        let wobble = |i: i64| {
            at(
                i * 60,
                38.0 + if i % 2 == 0 { 0.0 } else { 0.002 },
                124.0 + i as f64 * 0.01,
            )
        };
        let mut pts: Vec<_> = (0..50).map(wobble).collect();
        pts.extend((0..50).map(|i| wobble(i + 50 + 13 * 60)));
        // 13 h without a position: one line under a 24 h break, two under a 12 h one.
        assert_eq!(thin(&pts, tolerance_for_zoom(5.0), 12 * 3600).len(), 2);
        let far = thin(&pts, tolerance_for_zoom(5.0), 24 * 3600);
        let near = thin(&pts, tolerance_for_zoom(14.0), 24 * 3600);
        assert_eq!(far.len(), 1);
        assert_eq!(
            far[0].len(),
            2,
            "a wobble of 200 m is below a pixel at zoom 5"
        );
        assert_eq!(near[0].len(), 100, "and above one at zoom 14");
    }
}
