//! Positions packed column by column, as the store keeps them: a vessel's track cut into
//! chunks of at most [`CHUNK`] positions, each one byte string holding the times, then the
//! latitudes, the longitudes, the speeds and the source lines, each column delta-coded as
//! variable-length integers (a position a minute costs about eight bytes instead of a row).
//!
//! Owns: the packed format (version 1, below), cutting tracks into chunks with their time range
//! and bounding box, and reading a chunk back, with an error naming what is wrong in a chunk
//! that does not read. Refuses: the store (it keeps the bytes and finds chunks by time and
//! area) and thinning for the map (`thin.rs`).
//!
//! Format 1: byte `1`; the count n (varint); n times (the first zigzag varint Unix seconds, then
//! the differences); n latitudes and n longitudes in micro-degrees (zigzag varint differences
//! from 0, then from the one before); n speeds (varint tenths of a knot plus one, 0 when not
//! reported); n line numbers (varint, the first absolute, then zigzag differences).

use borderwatch_model::PositionChunk;

use crate::events::{Point, Track};

/// Positions per chunk: small enough that a query by time or area reads little it does not
/// want, large enough that a month of a vessel is a few dozen rows.
pub const CHUNK: usize = 1024;

const FORMAT: u8 = 1;

/// A position read back from the store.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StoredPosition {
    pub time: i64,
    pub lat: f64,
    pub lon: f64,
    /// Knots, to a tenth.
    pub speed: Option<f64>,
    /// The line of the source the position was read from.
    pub line: u64,
}

/// A track's positions as chunks of at most [`CHUNK`], in time order.
pub fn pack(track: &Track) -> Vec<PositionChunk> {
    track
        .points
        .chunks(CHUNK)
        .map(|pts| pack_points(track.mmsi, pts))
        .collect()
}

fn micro(deg: f64) -> i64 {
    (deg * 1e6).round() as i64
}

fn pack_points(mmsi: u32, pts: &[Point]) -> PositionChunk {
    let mut data = Vec::with_capacity(8 * pts.len() + 8);
    data.push(FORMAT);
    put_var(&mut data, pts.len() as u64);
    deltas(&mut data, pts.iter().map(|p| p.time));
    deltas(&mut data, pts.iter().map(|p| micro(p.lat)));
    deltas(&mut data, pts.iter().map(|p| micro(p.lon)));
    for p in pts {
        let tenths = p
            .speed
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map_or(0, |s| (s * 10.0).round() as u64 + 1);
        put_var(&mut data, tenths);
    }
    deltas(&mut data, pts.iter().map(|p| p.line as i64));
    let mut bbox = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for p in pts {
        bbox[0] = bbox[0].min(p.lat);
        bbox[1] = bbox[1].min(p.lon);
        bbox[2] = bbox[2].max(p.lat);
        bbox[3] = bbox[3].max(p.lon);
    }
    PositionChunk {
        mmsi,
        start: pts.first().map_or(0, |p| p.time),
        end: pts.last().map_or(0, |p| p.time),
        bbox,
        count: pts.len() as u32,
        data,
    }
}

/// The positions of a chunk, or what is wrong with its bytes.
pub fn unpack(chunk: &PositionChunk) -> Result<Vec<StoredPosition>, String> {
    let mut r = Cursor {
        bytes: &chunk.data,
        at: 0,
    };
    let format = r.byte()?;
    if format != FORMAT {
        return Err(format!(
            "position chunk format {format} is not known (want {FORMAT})"
        ));
    }
    let n = r.var()? as usize;
    if n != chunk.count as usize {
        return Err(format!(
            "position chunk holds {n} positions, its row says {}",
            chunk.count
        ));
    }
    let times = r.deltas(n)?;
    let lats = r.deltas(n)?;
    let lons = r.deltas(n)?;
    let mut speeds = Vec::with_capacity(n);
    for _ in 0..n {
        let v = r.var()?;
        speeds.push((v > 0).then(|| (v - 1) as f64 / 10.0));
    }
    let lines = r.deltas(n)?;
    if r.at != r.bytes.len() {
        return Err(format!(
            "position chunk has {} bytes after its last column",
            r.bytes.len() - r.at
        ));
    }
    Ok((0..n)
        .map(|i| StoredPosition {
            time: times[i],
            lat: lats[i] as f64 / 1e6,
            lon: lons[i] as f64 / 1e6,
            speed: speeds[i],
            line: lines[i].max(0) as u64,
        })
        .collect())
}

fn put_var(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// A column as differences from the value before (the first from 0).
fn deltas(out: &mut Vec<u8>, values: impl Iterator<Item = i64>) {
    let mut last = 0i64;
    for v in values {
        put_var(out, zigzag(v.wrapping_sub(last)));
        last = v;
    }
}

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn byte(&mut self) -> Result<u8, String> {
        let b = *self
            .bytes
            .get(self.at)
            .ok_or_else(|| format!("position chunk ends early, at byte {}", self.at))?;
        self.at += 1;
        Ok(b)
    }

    fn var(&mut self) -> Result<u64, String> {
        let start = self.at;
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(format!(
            "position chunk: a number at byte {start} runs over 64 bits"
        ))
    }

    fn deltas(&mut self, n: usize) -> Result<Vec<i64>, String> {
        let mut out = Vec::with_capacity(n);
        let mut last = 0i64;
        for _ in 0..n {
            last = last.wrapping_add(unzigzag(self.var()?));
            out.push(last);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(time: i64, lat: f64, lon: f64, speed: Option<f64>, line: u64) -> Point {
        Point {
            time,
            lat,
            lon,
            speed,
            file: 0,
            line,
        }
    }

    #[test]
    fn a_track_reads_back_as_packed_to_the_micro_degree_and_tenth_of_a_knot() {
        let track = Track {
            mmsi: 445_000_022,
            points: (0..2500)
                .map(|i| {
                    let f = i as f64;
                    point(
                        1_700_000_000 + 60 * i,
                        38.7 + f * 1e-4,
                        125.3 - f * 2e-4,
                        (i % 7 != 0).then_some(f % 14.0 + 0.25),
                        10 + 3 * i as u64,
                    )
                })
                .collect(),
        };
        let chunks = pack(&track);
        assert_eq!(
            chunks.iter().map(|c| c.count).collect::<Vec<_>>(),
            [1024, 1024, 452]
        );
        let back: Vec<StoredPosition> = chunks.iter().flat_map(|c| unpack(c).unwrap()).collect();
        assert_eq!(back.len(), track.points.len());
        for (p, b) in track.points.iter().zip(&back) {
            assert_eq!(b.time, p.time);
            assert!((b.lat - p.lat).abs() < 6e-7 && (b.lon - p.lon).abs() < 6e-7);
            match (p.speed, b.speed) {
                (Some(s), Some(t)) => assert!((s - t).abs() < 0.051, "{s} {t}"),
                (a, b) => assert_eq!(a.is_some(), b.is_some()),
            }
            assert_eq!(b.line, p.line);
        }
        let c = &chunks[1];
        assert_eq!(
            (c.start, c.end),
            (track.points[1024].time, track.points[2047].time)
        );
        assert!(c.bbox[0] <= c.bbox[2] && c.bbox[1] <= c.bbox[3]);
        // About eight bytes a position.
        assert!(c.data.len() < 12 * 1024, "{}", c.data.len());
    }

    #[test]
    fn a_damaged_chunk_is_an_error_naming_what_is_wrong() {
        let track = Track {
            mmsi: 1,
            points: vec![
                point(10, 1.0, 2.0, None, 1),
                point(70, 1.5, 2.5, Some(3.0), 2),
            ],
        };
        let mut c = pack(&track).remove(0);
        let whole = c.data.clone();
        c.data.truncate(whole.len() - 1);
        assert_eq!(
            unpack(&c).unwrap_err(),
            format!("position chunk ends early, at byte {}", whole.len() - 1)
        );
        c.data = whole.clone();
        c.data.push(0);
        assert_eq!(
            unpack(&c).unwrap_err(),
            "position chunk has 1 bytes after its last column"
        );
        c.data = whole.clone();
        c.data[0] = 9;
        assert_eq!(
            unpack(&c).unwrap_err(),
            "position chunk format 9 is not known (want 1)"
        );
        c.data = whole;
        c.count = 3;
        assert_eq!(
            unpack(&c).unwrap_err(),
            "position chunk holds 2 positions, its row says 3"
        );
    }
}
