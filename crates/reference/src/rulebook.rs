//! A regime's rulebook: one entry per measure, with citation, dates, direction, HS scope, caps,
//! wind-downs and exemptions (file `regimes/<regime>.toml`).
//!
//! The rulebook is data; what a measure *means* for a given shipment is decided in the `screen`
//! crate. Here we only check that every measure is complete and consistent.

use std::collections::BTreeSet;

use borderwatch_model::{Confidence, Date, HsCode, Status};
use serde::{Deserialize, Serialize};

use crate::hs::HsPack;
use crate::{parse_toml, LoadError, Sources};

/// The direction a measure runs in, relative to the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MeasureDirection {
    /// Supply, sale or transfer to the target.
    Inbound,
    /// Export by the target; procurement from it.
    Outbound,
    Both,
}

impl MeasureDirection {
    pub fn covers(self, d: borderwatch_model::Direction) -> bool {
        use borderwatch_model::Direction::*;
        matches!(
            (self, d),
            (MeasureDirection::Both, Inbound | Outbound)
                | (MeasureDirection::Inbound, Inbound)
                | (MeasureDirection::Outbound, Outbound)
        )
    }
    pub fn as_str(self) -> &'static str {
        match self {
            MeasureDirection::Inbound => "inbound",
            MeasureDirection::Outbound => "outbound",
            MeasureDirection::Both => "both",
        }
    }
}

/// Where a measure's HS codes come from (reference §0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HsBasis {
    /// Printed in the resolution.
    Resolution,
    /// Used by a national implementation.
    Implementer,
    /// The project's indicative mapping: for flagging, not blocking.
    Analyst,
    /// Not definable by HS code.
    None,
}

impl HsBasis {
    pub fn weight(self) -> f64 {
        match self {
            HsBasis::Resolution => 1.0,
            HsBasis::Implementer => 0.95,
            HsBasis::Analyst => 0.85,
            HsBasis::None => 0.7,
        }
    }
}

/// What kind of rule a measure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MeasureKind {
    /// Goods defined by HS code (possibly with borderline entries).
    Goods,
    /// Goods defined by description or control list; HS entries are candidates only.
    List,
    /// Judgement-based catch-all; fires through product tags and is noted on other goods.
    CatchAll,
    /// Not a restriction: a way out of one (humanitarian exemption).
    Exemption,
}

/// One HS scope entry of a measure. `code` is a code or an inclusive range of equal-length codes
/// ("7201-7206").
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HsEntry {
    pub code: String,
    /// Overrides the measure's status for this entry (e.g. `review` for a borderline heading).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// The entry only applies to this product type; HS alone cannot tell (condensate vs crude).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// The entry only applies above this value in USD per item (luxury thresholds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_over_usd: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<HsBasis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Excluded from the measure (more specific than an included code).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub exclude: bool,
}

impl HsEntry {
    /// The codes the entry stands for (a range expanded).
    pub fn codes(&self) -> Result<Vec<String>, String> {
        match self.code.split_once('-') {
            None => HsCode::parse(&self.code).map(|c| vec![c.to_string()]),
            Some((a, b)) => {
                let (a, b) = (HsCode::parse(a)?, HsCode::parse(b)?);
                if a.len() != b.len() || a > b {
                    return Err(format!(
                        "range {:?} must run low-high at one length",
                        self.code
                    ));
                }
                let (lo, hi): (u64, u64) = (
                    a.as_str().parse().unwrap_or(0),
                    b.as_str().parse().unwrap_or(0),
                );
                if hi - lo > 200 {
                    return Err(format!("range {:?} is too wide", self.code));
                }
                Ok((lo..=hi).map(|n| format!("{n:0w$}", w = a.len())).collect())
            }
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindDown {
    /// Last day on which goods under a qualifying contract may move.
    pub until: Date,
    pub note: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cap {
    /// The limit; absent for a freeze at an unpublished historical amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<f64>,
    pub unit: String,
    pub period: String,
    /// An alternative limit (e.g. "or 525,000 t").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alternative: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    /// `unsc-{resolution}-op{paragraph}` or an annex/list id (DESIGN.md §4).
    pub id: String,
    /// The row id in the reference measure table this entry was built from.
    pub reference: String,
    pub kind: MeasureKind,
    pub instrument: String,
    pub resolution: String,
    pub paragraph: String,
    pub adopted: Date,
    /// First day the restriction binds, when later than adoption (cap periods).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective: Option<Date>,
    /// First day it no longer binds (replaced by `superseded_by`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub superseded_by: Option<String>,
    pub direction: MeasureDirection,
    pub status: Status,
    pub hs_basis: HsBasis,
    /// What the instrument names, in its words.
    pub goods: String,
    /// One plain-language line.
    pub summary: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hs: Vec<HsEntry>,
    /// Product tags (from the goods lexicon) that bring goods under this measure whatever their code.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub products: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wind_down: Option<WindDown>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<Cap>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exemptions: Vec<String>,
    pub confidence: Confidence,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Measure {
    /// The first day the measure binds.
    pub fn starts(&self) -> Date {
        self.effective.unwrap_or(self.adopted)
    }
    /// Whether the measure binds on `date`.
    pub fn in_force(&self, date: Date) -> bool {
        date >= self.starts() && self.until.is_none_or(|u| date < u)
    }
    /// "UNSC resolution 2397 (2017), op. 7" style citation.
    pub fn citation(&self) -> String {
        format!("{}, para. {}", self.instrument, self.paragraph)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Regime {
    pub id: String,
    pub name: String,
    /// ISO code of the sanctioned jurisdiction.
    pub target: String,
    pub source: String,
    /// Chapters of food and medicine, outside the military catch-all.
    #[serde(default)]
    pub food_and_medicine_chapters: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rulebook {
    pub regime: Regime,
    #[serde(rename = "measure")]
    pub measures: Vec<Measure>,
}

impl Rulebook {
    pub fn load(src: &Sources, rel: &str) -> Result<Rulebook, LoadError> {
        let (f, t) = src.read(rel)?;
        parse_toml(&f, &t)
    }

    pub fn measure(&self, id: &str) -> Option<&Measure> {
        self.measures.iter().find(|m| m.id == id)
    }

    pub fn validate(&self, hs: &HsPack) -> Vec<String> {
        let mut out = Vec::new();
        let mut ids = BTreeSet::new();
        let mut refs = BTreeSet::new();
        for m in &self.measures {
            let at = format!("regimes/{}.toml: measure {}", self.regime.id, m.id);
            if !ids.insert(m.id.as_str()) {
                out.push(format!("{at}: duplicate id"));
            }
            if !refs.insert(m.reference.as_str()) {
                out.push(format!("{at}: reference {} used twice", m.reference));
            }
            let want_prefix = format!("unsc-{}-", m.resolution);
            if !m.id.starts_with(&want_prefix)
                || !m
                    .id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            {
                out.push(format!(
                    "{at}: id must be kebab-case and start with {want_prefix}"
                ));
            }
            if m.instrument.trim().is_empty() || m.paragraph.trim().is_empty() {
                out.push(format!("{at}: must cite instrument and paragraph"));
            }
            if m.summary.trim().is_empty() || m.summary.contains('\n') {
                out.push(format!("{at}: needs a one-line summary"));
            }
            if let Some(u) = m.until {
                if u <= m.starts() {
                    out.push(format!(
                        "{at}: until {u} is not after its start {}",
                        m.starts()
                    ));
                }
            }
            if let Some(e) = m.effective {
                if e < m.adopted {
                    out.push(format!("{at}: effective {e} before adoption {}", m.adopted));
                }
            }
            if let Some(s) = &m.superseded_by {
                if self.measure(s).is_none() {
                    out.push(format!("{at}: superseded_by {s} does not exist"));
                }
                if m.until.is_none() {
                    out.push(format!("{at}: superseded but has no until date"));
                }
            }
            if let Some(w) = &m.wind_down {
                if w.until < m.adopted {
                    out.push(format!("{at}: wind-down ends before adoption"));
                }
            }
            if m.status == Status::Capped && m.cap.is_none() {
                out.push(format!("{at}: capped but has no cap"));
            }
            if m.status == Status::Permitted {
                out.push(format!("{at}: a measure cannot have status permitted"));
            }
            match m.kind {
                MeasureKind::Goods if m.hs.is_empty() => {
                    out.push(format!("{at}: a goods measure needs hs entries"))
                }
                MeasureKind::Goods if m.hs_basis == HsBasis::None => {
                    out.push(format!("{at}: a goods measure needs an hs basis"))
                }
                _ => {}
            }
            for e in &m.hs {
                match e.codes() {
                    Err(why) => out.push(format!("{at}: {why}")),
                    Ok(codes) => {
                        for c in codes {
                            if !hs.is_known(&c) {
                                out.push(format!("{at}: hs {c} is not in the hs pack"));
                            }
                        }
                    }
                }
            }
        }
        out
    }
}
