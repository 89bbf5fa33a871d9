//! AIS messages of types 1–3, 4, 5, 18, 19, 24 and 27: a payload's bits → typed fields.
//!
//! Owns: the bit layouts of ITU-R M.1371 (as written up in the gpsd AIVDM notes) and their
//! units, with values exactly as pyais gives them (speeds in tenths of a knot divided by ten,
//! coordinates in 1/10000 minute rounded to six decimals), so the two can be compared field by
//! field; which values mean "not available" ([`Message::fix`], [`Message::identity`]).
//!
//! Refuses: sentences, fragments and times (that is `nmea.rs` and `reader.rs`), and guessing
//! a field from a payload too short to hold it: a payload shorter than its type's fields is an
//! error, where pyais would read the missing bits as zeros.

use serde::Serialize;

use crate::sixbit::Bits;

/// Where a vessel's antenna sits: metres to bow, stern, port and starboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Dimensions {
    pub to_bow: u16,
    pub to_stern: u16,
    pub to_port: u8,
    pub to_starboard: u8,
}

impl Dimensions {
    fn read(b: &Bits, at: usize) -> Dimensions {
        Dimensions {
            to_bow: b.uint(at, 9) as u16,
            to_stern: b.uint(at + 9, 9) as u16,
            to_port: b.uint(at + 18, 6) as u8,
            to_starboard: b.uint(at + 24, 6) as u8,
        }
    }
    /// Length and beam in metres, when the four distances are given.
    pub fn length_beam(self) -> Option<(u16, u16)> {
        let (l, w) = (
            self.to_bow + self.to_stern,
            self.to_port as u16 + self.to_starboard as u16,
        );
        (self.to_bow > 0 && self.to_stern > 0 && w > 0).then_some((l, w))
    }
}

/// One decoded AIS message.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Message {
    /// Types 1–3 (class A), 18 (class B) and 27 (long range): where a vessel is.
    Position {
        msg_type: u8,
        mmsi: u32,
        /// Navigation status (types 1–3 and 27).
        status: Option<u8>,
        /// Knots; 102.3 (types 1–3, 18) or 63 (type 27) is "not available".
        speed: f64,
        accuracy: bool,
        lon: f64,
        lat: f64,
        /// Degrees; 360 (511 for type 27) is "not available".
        course: f64,
        /// Degrees; 511 is "not available"; absent in type 27.
        heading: Option<u16>,
        /// The UTC second of the fix (60–63: not available); absent in type 27.
        second: Option<u8>,
    },
    /// Type 4: a base station's report of its clock and position.
    BaseStation {
        mmsi: u32,
        year: u16,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
        accuracy: bool,
        lon: f64,
        lat: f64,
        epfd: u8,
    },
    /// Type 5: a class A vessel's static and voyage data.
    StaticVoyage {
        mmsi: u32,
        ais_version: u8,
        imo: u32,
        callsign: String,
        shipname: String,
        ship_type: u8,
        dimensions: Dimensions,
        epfd: u8,
        /// The estimated time of arrival (month, day, hour, minute; 0 / 24 / 60: not set).
        eta: (u8, u8, u8, u8),
        /// Metres.
        draught: f64,
        destination: String,
    },
    /// Type 19: a class B vessel's position with its name and dimensions.
    ClassBExtended {
        mmsi: u32,
        speed: f64,
        accuracy: bool,
        lon: f64,
        lat: f64,
        course: f64,
        heading: u16,
        second: u8,
        shipname: String,
        ship_type: u8,
        dimensions: Dimensions,
        epfd: u8,
    },
    /// Type 24 part A: a class B vessel's name.
    StaticA { mmsi: u32, shipname: String },
    /// Type 24 part B: a class B vessel's type, call sign and dimensions (or, for an auxiliary
    /// craft, its mother ship).
    StaticB {
        mmsi: u32,
        ship_type: u8,
        vendorid: String,
        callsign: String,
        dimensions: Option<Dimensions>,
        mothership_mmsi: Option<u32>,
    },
}

/// Why a payload is not a message borderwatch reads.
#[derive(Debug, Clone, PartialEq)]
pub enum DecodeError {
    /// A type not read (6–17, 20–23, 25, 26, 28+): decoded by no field here.
    Unsupported(u8),
    /// Fewer bits than the type's fields need.
    Short {
        msg_type: u8,
        bits: usize,
        need: usize,
    },
    /// A type 24 part number other than 0 (A) or 1 (B).
    BadPart(u8),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::Unsupported(t) => write!(
                f,
                "message type {t} is not read (only types 1-5, 18, 19, 24 and 27 are)"
            ),
            DecodeError::Short {
                msg_type,
                bits,
                need,
            } => write!(
                f,
                "a type {msg_type} payload of {bits} bits is shorter than the {need} bits its fields need"
            ),
            DecodeError::BadPart(p) => write!(f, "type 24 part number {p} is not 0 (A) or 1 (B)"),
        }
    }
}

/// Degrees from 1/10000 minute (28/27-bit fields), rounded to six decimals as pyais does:
/// round(v / 600000, 6) computed in integers, so both give the same float.
fn deg_600000(v: i32) -> f64 {
    (10 * v as i64 + 3).div_euclid(6) as f64 / 1e6
}

/// Degrees from 1/10 minute (type 27's 18/17-bit fields), likewise rounded to six decimals.
fn deg_600(v: i32) -> f64 {
    (10000 * v as i64 + 3).div_euclid(6) as f64 / 1e6
}

fn tenths(v: u32) -> f64 {
    v as f64 / 10.0
}

/// The bits each type's fields need (the fields read here, not the spare bits after them).
fn need(msg_type: u8, part: u8) -> usize {
    match msg_type {
        1..=3 => 143,
        4 => 138,
        5 => 420,
        18 => 139,
        19 => 305,
        24 if part == 0 => 160,
        24 => 162,
        27 => 94,
        _ => 0,
    }
}

/// Decodes a payload's bits.
#[inline]
pub fn decode(b: &Bits) -> Result<Message, DecodeError> {
    let msg_type = b.uint(0, 6) as u8;
    let part = if msg_type == 24 {
        b.uint(38, 2) as u8
    } else {
        0
    };
    if !matches!(msg_type, 1..=5 | 18 | 19 | 24 | 27) {
        return Err(DecodeError::Unsupported(msg_type));
    }
    let n = need(msg_type, part);
    if b.len() < n.max(40) {
        return Err(DecodeError::Short {
            msg_type,
            bits: b.len(),
            need: n.max(40),
        });
    }
    let mmsi = b.uint(8, 30);
    Ok(match msg_type {
        1..=3 => Message::Position {
            msg_type,
            mmsi,
            status: Some(b.uint(38, 4) as u8),
            speed: tenths(b.uint(50, 10)),
            accuracy: b.flag(60),
            lon: deg_600000(b.int(61, 28)),
            lat: deg_600000(b.int(89, 27)),
            course: tenths(b.uint(116, 12)),
            heading: Some(b.uint(128, 9) as u16),
            second: Some(b.uint(137, 6) as u8),
        },
        4 => Message::BaseStation {
            mmsi,
            year: b.uint(38, 14) as u16,
            month: b.uint(52, 4) as u8,
            day: b.uint(56, 5) as u8,
            hour: b.uint(61, 5) as u8,
            minute: b.uint(66, 6) as u8,
            second: b.uint(72, 6) as u8,
            accuracy: b.flag(78),
            lon: deg_600000(b.int(79, 28)),
            lat: deg_600000(b.int(107, 27)),
            epfd: b.uint(134, 4) as u8,
        },
        5 => Message::StaticVoyage {
            mmsi,
            ais_version: b.uint(38, 2) as u8,
            imo: b.uint(40, 30),
            callsign: b.text(70, 42),
            shipname: b.text(112, 120),
            ship_type: b.uint(232, 8) as u8,
            dimensions: Dimensions::read(b, 240),
            epfd: b.uint(270, 4) as u8,
            eta: (
                b.uint(274, 4) as u8,
                b.uint(278, 5) as u8,
                b.uint(283, 5) as u8,
                b.uint(288, 6) as u8,
            ),
            draught: tenths(b.uint(294, 8)),
            destination: b.text(302, 120),
        },
        18 => Message::Position {
            msg_type,
            mmsi,
            status: None,
            speed: tenths(b.uint(46, 10)),
            accuracy: b.flag(56),
            lon: deg_600000(b.int(57, 28)),
            lat: deg_600000(b.int(85, 27)),
            course: tenths(b.uint(112, 12)),
            heading: Some(b.uint(124, 9) as u16),
            second: Some(b.uint(133, 6) as u8),
        },
        19 => Message::ClassBExtended {
            mmsi,
            speed: tenths(b.uint(46, 10)),
            accuracy: b.flag(56),
            lon: deg_600000(b.int(57, 28)),
            lat: deg_600000(b.int(85, 27)),
            course: tenths(b.uint(112, 12)),
            heading: b.uint(124, 9) as u16,
            second: b.uint(133, 6) as u8,
            shipname: b.text(143, 120),
            ship_type: b.uint(263, 8) as u8,
            dimensions: Dimensions::read(b, 271),
            epfd: b.uint(301, 4) as u8,
        },
        24 => match part {
            0 => Message::StaticA {
                mmsi,
                shipname: b.text(40, 120),
            },
            1 => {
                // An auxiliary craft (MMSI 98XXXYYYY) gives its mother ship where others
                // give their dimensions.
                let aux = (980_000_000..990_000_000).contains(&mmsi);
                Message::StaticB {
                    mmsi,
                    ship_type: b.uint(40, 8) as u8,
                    vendorid: b.text(48, 18),
                    callsign: b.text(90, 42),
                    dimensions: (!aux).then(|| Dimensions::read(b, 132)),
                    mothership_mmsi: aux.then(|| b.uint(132, 30)),
                }
            }
            p => return Err(DecodeError::BadPart(p)),
        },
        27 => Message::Position {
            msg_type,
            mmsi,
            status: Some(b.uint(40, 4) as u8),
            speed: b.uint(79, 6) as f64,
            accuracy: b.flag(38),
            lon: deg_600(b.int(44, 18)),
            lat: deg_600(b.int(62, 17)),
            course: b.uint(85, 9) as f64,
            heading: None,
            second: None,
        },
        _ => unreachable!("types were checked above"),
    })
}

/// Where a vessel was, with what is available of its motion.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Fix {
    pub lat: f64,
    pub lon: f64,
    /// Knots over ground.
    pub speed: Option<f64>,
    /// Degrees over ground.
    pub course: Option<f64>,
    /// True heading, degrees.
    pub heading: Option<u16>,
    /// Navigation status (0 under way using engine, 1 at anchor, 5 moored, …).
    pub status: Option<u8>,
}

/// What a static report says of a vessel's identity; absent values are `None`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Identity {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub imo: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callsign: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ship_type: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dimensions: Option<Dimensions>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub draught: Option<f64>,
}

fn text(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

impl Message {
    pub fn mmsi(&self) -> u32 {
        match self {
            Message::Position { mmsi, .. }
            | Message::BaseStation { mmsi, .. }
            | Message::StaticVoyage { mmsi, .. }
            | Message::ClassBExtended { mmsi, .. }
            | Message::StaticA { mmsi, .. }
            | Message::StaticB { mmsi, .. } => *mmsi,
        }
    }

    /// The AIS message type number.
    pub fn msg_type(&self) -> u8 {
        match self {
            Message::Position { msg_type, .. } => *msg_type,
            Message::BaseStation { .. } => 4,
            Message::StaticVoyage { .. } => 5,
            Message::ClassBExtended { .. } => 19,
            Message::StaticA { .. } | Message::StaticB { .. } => 24,
        }
    }

    /// A vessel's position, when the message is a vessel's and its coordinates are available
    /// (91°/181° mean "not available"). A base station's position is not a vessel's.
    #[inline]
    pub fn fix(&self) -> Option<Fix> {
        let (lat, lon, speed, course, heading, status, long) = match *self {
            Message::Position {
                msg_type,
                lat,
                lon,
                speed,
                course,
                heading,
                status,
                ..
            } => (lat, lon, speed, course, heading, status, msg_type == 27),
            Message::ClassBExtended {
                lat,
                lon,
                speed,
                course,
                heading,
                ..
            } => (lat, lon, speed, course, Some(heading), None, false),
            _ => return None,
        };
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            return None;
        }
        let (speed_na, course_na) = if long { (63.0, 511.0) } else { (102.3, 360.0) };
        Some(Fix {
            lat,
            lon,
            speed: (speed < speed_na).then_some(speed),
            course: (course < course_na).then_some(course),
            heading: heading.filter(|&h| h < 360),
            status: status.filter(|&s| s != 15),
        })
    }

    /// What the message says of the vessel's identity, for static reports (types 5, 19, 24).
    #[inline]
    pub fn identity(&self) -> Option<Identity> {
        let dims = |d: Dimensions| {
            (d.to_bow > 0 || d.to_stern > 0 || d.to_port > 0 || d.to_starboard > 0).then_some(d)
        };
        Some(match self {
            Message::StaticVoyage {
                imo,
                callsign,
                shipname,
                ship_type,
                dimensions,
                draught,
                destination,
                ..
            } => Identity {
                imo: (*imo != 0).then_some(*imo),
                name: text(shipname),
                callsign: text(callsign),
                ship_type: (*ship_type != 0).then_some(*ship_type),
                dimensions: dims(*dimensions),
                destination: text(destination),
                draught: (*draught > 0.0).then_some(*draught),
            },
            Message::ClassBExtended {
                shipname,
                ship_type,
                dimensions,
                ..
            } => Identity {
                name: text(shipname),
                ship_type: (*ship_type != 0).then_some(*ship_type),
                dimensions: dims(*dimensions),
                ..Identity::default()
            },
            Message::StaticA { shipname, .. } => Identity {
                name: text(shipname),
                ..Identity::default()
            },
            Message::StaticB {
                ship_type,
                callsign,
                dimensions,
                ..
            } => Identity {
                callsign: text(callsign),
                ship_type: (*ship_type != 0).then_some(*ship_type),
                dimensions: dimensions.and_then(dims),
                ..Identity::default()
            },
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(payload: &str, fill: u8) -> Result<Message, DecodeError> {
        let mut b = Bits::new();
        b.load(payload.as_bytes(), fill).unwrap();
        decode(&b)
    }

    #[test]
    fn layouts() {
        let m = msg("13HOI:0P0000VOHLCnHQKwvL05Ip", 0).unwrap();
        assert_eq!(m.mmsi(), 227006760);
        let f = m.fix().unwrap();
        assert_eq!(
            (f.lat, f.lon, f.speed, f.course),
            (49.475577, 0.13138, Some(0.0), Some(36.7))
        );
        assert_eq!(f.heading, None);
        let m = msg(
            "55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp888888888880",
            2,
        )
        .unwrap();
        let id = m.identity().unwrap();
        assert_eq!(id.imo, Some(9134270));
        assert_eq!(id.name.as_deref(), Some("EVER DIADEM"));
        assert_eq!(id.destination.as_deref(), Some("NEW YORK"));
        assert_eq!(id.dimensions.unwrap().length_beam(), Some((295, 32)));
        // Too short for a type 1, and a type not read.
        assert_eq!(
            msg("13HOI:0P0000VOHL", 0),
            Err(DecodeError::Short {
                msg_type: 1,
                bits: 96,
                need: 143
            })
        );
        assert!(matches!(
            msg("E000000000000000", 0),
            Err(DecodeError::Unsupported(21))
        ));
    }
}
