//! Track events: what vessel tracks show (port calls, voyages, dark periods, encounters,
//! loitering, identity events), as the store keeps them and the analysis reads them.
//!
//! Owns: the stored shape of one event — its vessels as the track identified them (MMSI, name,
//! IMO number, flag by MMSI, designated-vessel match), its time, place and direction, and its
//! evidence: the track file and the line range (with the byte span) of the positions or
//! reports it rests on. Refuses: deciding what an event means (detectors do) and reading tracks
//! (`borderwatch-ais` does).

use serde::{Deserialize, Serialize};

use crate::Direction;

/// What a track shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrackEventKind {
    PortCall,
    Voyage,
    /// No position for long enough, at sea.
    Dark,
    /// Two vessels together at sea.
    Encounter,
    /// One vessel slow at sea.
    Loitering,
    NameChange,
    ImoChange,
    CallsignChange,
    InvalidImo,
    SharedMmsi,
    /// The vessel's identity is on a designated-vessel list.
    Designated,
}

impl TrackEventKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            TrackEventKind::PortCall => "port-call",
            TrackEventKind::Voyage => "voyage",
            TrackEventKind::Dark => "dark",
            TrackEventKind::Encounter => "encounter",
            TrackEventKind::Loitering => "loitering",
            TrackEventKind::NameChange => "name-change",
            TrackEventKind::ImoChange => "imo-change",
            TrackEventKind::CallsignChange => "callsign-change",
            TrackEventKind::InvalidImo => "invalid-imo",
            TrackEventKind::SharedMmsi => "shared-mmsi",
            TrackEventKind::Designated => "designated",
        }
    }

    /// Events about who a vessel is rather than where it went.
    pub const fn is_identity(self) -> bool {
        matches!(
            self,
            TrackEventKind::NameChange
                | TrackEventKind::ImoChange
                | TrackEventKind::CallsignChange
                | TrackEventKind::InvalidImo
                | TrackEventKind::SharedMmsi
                | TrackEventKind::Designated
        )
    }
}

/// A designated-vessel match, as carried on a vessel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DesignatedMatch {
    /// The list's title.
    pub list: String,
    /// The list's own reference for the vessel.
    pub reference: String,
    pub listed_name: String,
    /// `imo` (same IMO number) or `name_only` (same name, no IMO to compare).
    pub basis: String,
}

/// A vessel as its track identified it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VesselRef {
    pub mmsi: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imo: Option<u32>,
    /// ISO 3166-1 alpha-2 of the flag its MMSI claims (a claim, not a registry fact).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub designated: Vec<DesignatedMatch>,
}

impl VesselRef {
    /// "CHON MA (MMSI 445000022)", or the MMSI alone.
    pub fn label(&self) -> String {
        match &self.name {
            Some(n) => format!("{n} (MMSI {})", self.mmsi),
            None => format!("MMSI {}", self.mmsi),
        }
    }
}

/// The track rows an event rests on: a file and a range of its lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackLines {
    /// The source's name as stored.
    pub source: String,
    /// First and last line (1-based, inclusive).
    pub lines: [u64; 2],
    /// Byte span of those lines in the source as read.
    pub span: [usize; 2],
    /// The first and the last of those lines, as read.
    pub quote: String,
}

/// One event a track shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackEvent {
    pub kind: TrackEventKind,
    /// One vessel, or two for an encounter.
    pub vessels: Vec<VesselRef>,
    /// Unix seconds, UTC.
    pub start: i64,
    pub end: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
    /// The port of a port call (a gazetteer place id, else `locode:XXXXX`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// A voyage's ports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// A voyage's direction relative to the target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    /// Ports of the target a dark vessel could have called at in the gap, or the target's
    /// ports of a port call or voyage.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub target_ports: Vec<String>,
    /// One line saying what the track shows.
    pub summary: String,
    /// The event's figures as the track reader gave them (hours, km, speeds, names).
    #[serde(default)]
    pub detail: serde_json::Value,
    pub evidence: Vec<TrackLines>,
}

/// A run of one vessel's positions from one track source, as the store keeps them: the
/// positions packed column by column (`borderwatch-ais` packs and unpacks them), with the time
/// range and bounding box the store finds them by. Positions are not claims: a regional feed
/// holds tens of millions, and a chunk of a thousand costs one row.
#[derive(Debug, Clone, PartialEq)]
pub struct PositionChunk {
    pub mmsi: u32,
    /// First and last position's time, Unix seconds, UTC.
    pub start: i64,
    pub end: i64,
    /// Bounding box, degrees: south, west, north, east.
    pub bbox: [f64; 4],
    pub count: u32,
    /// The packed columns.
    pub data: Vec<u8>,
}
