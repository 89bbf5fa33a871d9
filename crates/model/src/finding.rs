//! A finding: what a detector saw, with the evidence behind it.

use serde::{Deserialize, Serialize};

use crate::Date;

/// One quoted piece of evidence behind a finding or a figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cited {
    /// The source's name (file) as stored.
    pub source: String,
    /// The stored claim id, when the evidence is a claim (shipments cite their line instead).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim: Option<i64>,
    /// The review that added the claim, when an analyst added it (it has no claim id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<i64>,
    /// Byte span in the source as read (for a shipment: the line, twice).
    pub span: [usize; 2],
    /// Track rows: the first and last line of the positions cited (the span holds their bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines: Option<[u64; 2]>,
    /// The quote; who said it is replaced by `redact::MARKER` unless it was asked for.
    pub quote: String,
    /// Who said it: only present when attribution was asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<String>,
}

/// The time a finding covers (either end may be unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Period {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Date>,
}

/// The output of a detector (DESIGN.md §5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable within one analysis: `{kind}-{n}`.
    pub id: String,
    /// The detector's id (`segregation`, `empty-backhaul`, …).
    pub kind: String,
    pub title: String,
    pub summary: String,
    /// Crossing ids or route legs (`cn.longkou>kp.nampo-port`).
    pub corridors: Vec<String>,
    pub places: Vec<String>,
    pub hs: Vec<String>,
    pub period: Period,
    /// 0..1: how strongly the evidence supports the finding.
    pub score: f64,
    /// Sources that do not repeat one another (syndicated copies count once).
    pub independent_sources: usize,
    /// Claims the finding rests on, and how many of them a person confirmed, corrected or
    /// added ("reviewed 3 of 5").
    #[serde(default)]
    pub claims: usize,
    #[serde(default)]
    pub reviewed: usize,
    pub evidence: Vec<Cited>,
}
