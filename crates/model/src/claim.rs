//! Claims: typed statements taken from a source, each with the evidence that supports it
//! (DESIGN.md §2 and the `extract` JSON shape of §5).

use serde::{Deserialize, Serialize};

use crate::{Date, Direction, Mode, Status};

/// What a claim says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClaimKind {
    /// Goods going from a place to a place, or through a crossing.
    Movement,
    /// Goods (or a loaded vehicle) held at a place.
    Storage,
    /// A property of a crossing or route: inspection, fees, how easy it is to observe.
    Condition,
    /// A route or mode opened, closed, suspended or resumed.
    Status,
    /// A rule changing from one value to another (a quarantine period, a fee).
    Policy,
    /// A border-region place the report names in a sentence that makes no other claim about
    /// it: where the report speaks of, so no place it names is lost. Analysis builds nothing
    /// from it.
    Mention,
}

impl ClaimKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            ClaimKind::Movement => "movement",
            ClaimKind::Storage => "storage",
            ClaimKind::Condition => "condition",
            ClaimKind::Status => "status",
            ClaimKind::Policy => "policy",
            ClaimKind::Mention => "mention",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Load {
    Loaded,
    Empty,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Polarity {
    #[default]
    Affirmed,
    Negated,
}

/// What a status claim reports of a route or mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RouteStatus {
    Opened,
    Closed,
    Suspended,
    Resumed,
}

/// One goods item named in the evidence, with its classification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoodsItem {
    /// The words as written.
    pub text: String,
    /// The most likely HS code (2, 4 or 6 digits); `None` when the words are not classified.
    pub hs: Option<String>,
    /// Further candidate codes for a class word ("construction materials" → 25, 68, 69, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<String>,
    /// A product type finer than HS (`condensate`, `luxury`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// How sure the classification is, 0..1.
    pub confidence: f64,
    /// Byte span in the source as read.
    pub span: [usize; 2],
}

/// How a number relates to the true value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    Exact,
    AtLeast,
    AtMost,
    About,
    /// `value` to `max`.
    Range,
}

/// A number with its unit, as reported ("300 or more trucks daily").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quantity {
    pub value: f64,
    /// Upper bound of a range ("three to four freight cars").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Canonical unit (`truck`, `tonne`, `container`, `wagon`, `day`, …), or null for a bare count.
    pub unit: Option<String>,
    /// A rate's period or the thing counted per (`day`, `truck`).
    pub per: Option<String>,
    pub qualifier: Qualifier,
    pub text: String,
    pub span: [usize; 2],
}

/// How precisely a time is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    Day,
    /// A part of a month ("early May") or a span of days.
    Period,
    Month,
    Year,
    /// A duration ("for over a year") resolved against the publication date.
    Duration,
    /// Relative words with no publication date to resolve them against.
    Unresolved,
}

/// When a claim holds, as written and (when it can be) resolved to dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct When {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Date>,
    pub precision: Precision,
    /// True for "since …": the claim holds from `start` on.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub since: bool,
    pub text: String,
    pub span: [usize; 2],
}

/// The words a claim rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// Byte span of the supporting sentence(s) in the source as read.
    pub span: [usize; 2],
    pub text: String,
    /// Who said it. Can identify a person: reports and exports leave it out unless asked.
    pub attribution: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution_span: Option<[usize; 2]>,
    /// An earlier sentence the claim refers back to ("the train", "these goods").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Context>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Context {
    pub span: [usize; 2],
    pub text: String,
}

/// A condition claim's property: `inspection` strict|loose, `fees` high|low,
/// `visibility` easy|hard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConditionValue {
    pub aspect: String,
    pub value: String,
}

/// A policy claim's change: what changed, from what, to what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub subject: String,
    pub before: Quantity,
    pub after: Quantity,
}

/// A goods item's screening verdict, as carried on a claim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimVerdict {
    pub hs: String,
    pub status: Status,
    pub measures: Vec<String>,
    /// The date screened against (the claim's time, else the publication date, else the run date).
    pub date: Date,
    pub reason: String,
}

/// One typed statement taken from a source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    pub source: String,
    pub kind: ClaimKind,
    /// Place ids below country level (a country is implied by `direction`).
    pub from: Option<String>,
    pub to: Option<String>,
    /// Crossing id.
    pub via: Option<String>,
    /// Where goods are held (storage) or what a condition or status is about, when a place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    pub direction: Direction,
    pub mode: Option<Mode>,
    pub load: Option<Load>,
    pub polarity: Polarity,
    pub hedged: bool,
    pub goods: Vec<GoodsItem>,
    pub quantities: Vec<Quantity>,
    pub when: Option<When>,
    /// Every place mentioned in the evidence (ids), outside the attribution.
    pub places: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<RouteStatus>,
    /// True when a status or movement is agreed or planned, not done.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub planned: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<ConditionValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<Box<Change>>,
    pub evidence: Evidence,
    pub verdicts: Vec<ClaimVerdict>,
}
