//! Writing AIS: position reports (type 1) and static and voyage data (type 5) as `!AIVDM`
//! sentences with a tag block receiver time (`\c:…*hh\`), checksums computed — what the
//! simulation's vessels broadcast. The inverse of `message.rs` for these two types (tested by
//! reading back).
//!
//! Owns: bit packing, six-bit text and armour, splitting a long payload into fragments.
//! Refuses: deciding what a vessel reports or when (the simulation does).

/// Bits packed most significant first.
#[derive(Default)]
struct Packer {
    bits: Vec<bool>,
}

impl Packer {
    fn uint(&mut self, v: u64, width: u32) {
        for i in (0..width).rev() {
            self.bits.push((v >> i) & 1 == 1);
        }
    }
    fn int(&mut self, v: i64, width: u32) {
        let m = (1u64 << width) - 1;
        self.uint((v as u64) & m, width);
    }
    /// Six-bit text, upper case, padded with `@`.
    fn text(&mut self, s: &str, chars: usize) {
        let mut n = 0;
        for c in s.chars().take(chars) {
            let c = c.to_ascii_uppercase();
            let v = match c as u32 {
                64..=95 => c as u32 - 64,
                32..=63 => c as u32,
                _ => 32, // a space for anything six-bit text cannot hold
            };
            self.uint(v as u64, 6);
            n += 1;
        }
        for _ in n..chars {
            self.uint(0, 6);
        }
    }
    /// The armoured payload and its fill bits.
    fn armour(&self) -> (String, u8) {
        let fill = (6 - self.bits.len() % 6) % 6;
        let mut out = String::with_capacity(self.bits.len() / 6 + 1);
        for chunk in self.bits.chunks(6) {
            let mut v = 0u8;
            for i in 0..6 {
                v = (v << 1) | chunk.get(i).copied().unwrap_or(false) as u8;
            }
            out.push(if v < 40 {
                (v + 48) as char
            } else {
                (v + 56) as char
            });
        }
        (out, fill as u8)
    }
}

fn checksum(s: &str) -> String {
    format!("{:02X}", s.bytes().fold(0u8, |a, b| a ^ b))
}

/// A position report of a class A vessel.
#[derive(Debug, Clone, Copy)]
pub struct PositionReport {
    pub mmsi: u32,
    pub lat: f64,
    pub lon: f64,
    /// Knots; `None`: not available.
    pub speed: Option<f64>,
    /// Degrees; `None`: not available.
    pub course: Option<f64>,
    /// Navigational status (0 under way using engine, 1 at anchor, 5 moored).
    pub status: u8,
    /// Unix seconds: the receiver time of the tag block (its second also fills the timestamp).
    pub time: i64,
}

/// Static and voyage data.
#[derive(Debug, Clone)]
pub struct StaticReport {
    pub mmsi: u32,
    pub imo: Option<u32>,
    pub callsign: String,
    pub name: String,
    pub ship_type: u8,
    pub destination: String,
    pub time: i64,
}

fn tagged(time: i64, body: &str) -> String {
    let tag = format!("c:{time}");
    format!("\\{tag}*{}\\!{body}*{}", checksum(&tag), checksum(body))
}

/// One `!AIVDM` line for a position report (type 1).
pub fn position(p: &PositionReport) -> String {
    let mut b = Packer::default();
    b.uint(1, 6);
    b.uint(0, 2);
    b.uint(p.mmsi as u64, 30);
    b.uint(p.status.min(15) as u64, 4);
    b.int(-128, 8); // no turn information
    b.uint(
        p.speed
            .map_or(1023, |s| (s * 10.0).round().clamp(0.0, 1022.0) as u64),
        10,
    );
    b.uint(0, 1);
    b.int((p.lon * 600_000.0).round() as i64, 28);
    b.int((p.lat * 600_000.0).round() as i64, 27);
    b.uint(
        p.course
            .map_or(3600, |c| (c.rem_euclid(360.0) * 10.0).round() as u64 % 3600),
        12,
    );
    b.uint(511, 9);
    b.uint(p.time.rem_euclid(60) as u64, 6);
    b.uint(0, 2);
    b.uint(0, 3);
    b.uint(0, 1);
    b.uint(0, 19);
    let (payload, fill) = b.armour();
    tagged(p.time, &format!("AIVDM,1,1,,A,{payload},{fill}"))
}

/// The lines of a static report (type 5): two fragments sharing sequence id `seq` (0–9), the
/// receiver time on the first.
pub fn static_report(s: &StaticReport, seq: u8) -> Vec<String> {
    let mut b = Packer::default();
    b.uint(5, 6);
    b.uint(0, 2);
    b.uint(s.mmsi as u64, 30);
    b.uint(0, 2);
    b.uint(s.imo.unwrap_or(0) as u64, 30);
    b.text(&s.callsign, 7);
    b.text(&s.name, 20);
    b.uint(s.ship_type as u64, 8);
    for (v, w) in [(100, 9), (20, 9), (8, 6), (8, 6)] {
        b.uint(v, w);
    }
    b.uint(1, 4); // GPS
    for w in [4, 5, 5, 6] {
        b.uint(0, w); // no ETA
    }
    b.uint(60, 8); // 6.0 m draught
    b.text(&s.destination, 20);
    b.uint(0, 1);
    b.uint(0, 1);
    let (payload, fill) = b.armour();
    let (a, rest) = payload.split_at(60.min(payload.len()));
    let seq = seq % 10;
    vec![tagged(s.time, &format!("AIVDM,2,1,{seq},A,{a},0")), {
        let body = format!("AIVDM,2,2,{seq},A,{rest},{fill}");
        format!("!{body}*{}", checksum(&body))
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reader::{read_all, Options};
    use crate::record::Record;

    #[test]
    fn written_sentences_read_back() {
        let mut text = position(&PositionReport {
            mmsi: 445000032,
            lat: 38.30012,
            lon: 122.80034,
            speed: Some(9.4),
            course: Some(71.0),
            status: 0,
            time: 1714521600,
        });
        text.push('\n');
        for l in static_report(
            &StaticReport {
                mmsi: 445000032,
                imo: Some(7937317),
                callsign: "HMZF".into(),
                name: "Chong Chon Gang".into(),
                ship_type: 70,
                destination: "NAMPO".into(),
                time: 1714521660,
            },
            3,
        ) {
            text.push_str(&l);
            text.push('\n');
        }
        let (msgs, issues, tally) =
            read_all(text.as_bytes(), "t.nmea", Options::default()).unwrap();
        assert_eq!(
            (tally.read, tally.decoded, tally.rejected),
            (3, 3, 0),
            "{issues:?}"
        );
        let recs: Vec<Record> = msgs.iter().flat_map(|m| m.records()).collect();
        let Record::Position(p) = &recs[0] else {
            panic!("{recs:?}")
        };
        assert_eq!((p.mmsi, p.time), (445000032, 1714521600));
        assert!((p.lat - 38.30012).abs() < 1e-5 && (p.lon - 122.80034).abs() < 1e-5);
        assert_eq!(p.speed, Some(9.4));
        let Record::Static(s) = &recs[1] else {
            panic!("{recs:?}")
        };
        assert_eq!(s.identity.imo, Some(7937317));
        assert_eq!(s.identity.name.as_deref(), Some("CHONG CHON GANG"));
        assert_eq!(s.identity.callsign.as_deref(), Some("HMZF"));
    }
}
