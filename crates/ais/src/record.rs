//! What a track is made of: positions and static reports of vessels, each with the lines of
//! the file it came from — whether read from NMEA or from a position table.
//!
//! Owns: [`Position`], [`StaticReport`], and turning a decoded message into them.
//! Refuses: judging identity over time (that is `vessel.rs`).

use serde::Serialize;

use crate::message::{Fix, Identity};
use crate::reader::{Decoded, Lines};

/// A vessel at a place at a time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Position {
    pub mmsi: u32,
    /// Unix seconds, UTC.
    pub time: i64,
    pub lat: f64,
    pub lon: f64,
    /// Knots over ground.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speed: Option<f64>,
    /// Degrees over ground.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub course: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u8>,
    pub lines: Lines,
}

/// What a vessel said of itself at a time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaticReport {
    pub mmsi: u32,
    pub time: i64,
    pub identity: Identity,
    pub lines: Lines,
}

/// One record of a track.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "record", rename_all = "snake_case")]
pub enum Record {
    Position(Position),
    Static(StaticReport),
}

impl Record {
    pub fn mmsi(&self) -> u32 {
        match self {
            Record::Position(p) => p.mmsi,
            Record::Static(s) => s.mmsi,
        }
    }
    pub fn time(&self) -> i64 {
        match self {
            Record::Position(p) => p.time,
            Record::Static(s) => s.time,
        }
    }
}

impl Position {
    pub fn from_fix(mmsi: u32, time: i64, f: Fix, lines: Lines) -> Position {
        Position {
            mmsi,
            time,
            lat: f.lat,
            lon: f.lon,
            speed: f.speed,
            course: f.course,
            heading: f.heading,
            status: f.status,
            lines,
        }
    }
}

impl Decoded {
    /// The records a message gives: a position when it has an available fix, a static report
    /// when it says something of the vessel (type 19 gives both); a base station gives none.
    pub fn records(&self) -> impl Iterator<Item = Record> {
        let mmsi = self.message.mmsi();
        let fix = self
            .message
            .fix()
            .map(|f| Record::Position(Position::from_fix(mmsi, self.time, f, self.lines)));
        let id = self
            .message
            .identity()
            .filter(|i| *i != Identity::default())
            .map(|identity| {
                Record::Static(StaticReport {
                    mmsi,
                    time: self.time,
                    identity,
                    lines: self.lines,
                })
            });
        fix.into_iter().chain(id)
    }
}
