//! The borderwatch vocabulary: the typed words every other crate speaks.
//!
//! Owns: [`Direction`], [`Mode`], [`HsCode`], [`Status`] (a verdict's status), [`PlaceKind`],
//! [`Confidence`], [`Claim`] with its [`Evidence`], and [`Issue`] (a data problem with a stable
//! code).
//!
//! Refuses: I/O, async, wire formats beyond serde derives, and any business rule. The names are the
//! glossary of DESIGN.md §2; a new concept gets its glossary word here first.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

mod claim;
mod finding;
mod issue;
pub mod redact;
mod review;
mod shipment;
mod track;
pub use claim::{
    Change, Claim, ClaimKind, ClaimVerdict, ConditionValue, Context, Evidence, GoodsItem, Load,
    Polarity, Precision, Qualifier, Quantity, RouteStatus, When,
};
pub use finding::{Cited, Finding, Period};
pub use issue::{Issue, IssueCode};
pub use review::{Attachment, Correction, RejectReason, Review, ReviewAction};
pub use shipment::Shipment;
pub use track::{
    DesignatedMatch, PositionChunk, TrackEvent, TrackEventKind, TrackLines, VesselRef,
};

/// Movement relative to the target of a regime (the DPRK for the UN regime).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Into the target.
    Inbound,
    /// Out of the target.
    Outbound,
    /// Inside one country.
    Domestic,
    Unknown,
}

impl Direction {
    pub const fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
            Direction::Domestic => "domestic",
            Direction::Unknown => "unknown",
        }
    }

    /// Parses the words shipment files and people use for a direction relative to the target.
    /// `import`/`export` are refused: whose import is ambiguous.
    pub fn parse_loose(s: &str) -> Option<Direction> {
        let t = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Some(match t.as_str() {
            "inbound" | "in" | "into" | "to_dprk" | "to_kp" | "into_dprk" | "to_target" => {
                Direction::Inbound
            }
            "outbound" | "out" | "from_dprk" | "from_kp" | "out_of_dprk" | "from_target" => {
                Direction::Outbound
            }
            "domestic" => Direction::Domestic,
            "unknown" => Direction::Unknown,
            _ => return None,
        })
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How goods travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Rail,
    Road,
    Sea,
    Air,
    Pipeline,
}

impl Mode {
    pub const ALL: [Mode; 5] = [Mode::Rail, Mode::Road, Mode::Sea, Mode::Air, Mode::Pipeline];
    pub const fn as_str(self) -> &'static str {
        match self {
            Mode::Rail => "rail",
            Mode::Road => "road",
            Mode::Sea => "sea",
            Mode::Air => "air",
            Mode::Pipeline => "pipeline",
        }
    }
}

impl FromStr for Mode {
    type Err = String;
    /// Mode words as records write them: `rail`/`train`, `road`/`truck`, `sea`/`ship`, …
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "rail" | "train" | "railway" => Mode::Rail,
            "road" | "truck" | "lorry" => Mode::Road,
            "sea" | "ship" | "vessel" | "maritime" => Mode::Sea,
            "air" | "plane" | "aircraft" => Mode::Air,
            "pipeline" | "pipe" => Mode::Pipeline,
            other => {
                return Err(format!(
                    "mode {other:?} is not rail, road, sea, air or pipeline"
                ))
            }
        })
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The status of a verdict, ordered by how much attention it needs.
///
/// `Review` ranks below `Capped`: a capped good is decidable (it counts against a cap), a review
/// note on it (e.g. "check the product is not condensate") rides along in the reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Permitted,
    Review,
    Capped,
    Prohibited,
}

impl Status {
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Permitted => "permitted",
            Status::Review => "review",
            Status::Capped => "capped",
            Status::Prohibited => "prohibited",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "permitted" => Ok(Status::Permitted),
            "review" => Ok(Status::Review),
            "capped" => Ok(Status::Capped),
            "prohibited" => Ok(Status::Prohibited),
            _ => Err(format!(
                "unknown status {s:?} (expected prohibited, capped, review or permitted)"
            )),
        }
    }
}

/// How well-founded a fact is: `H` confirmed from the source text, `M` consistent with summaries,
/// `L` needs checking. Used for measures and for reference facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Confidence {
    L,
    M,
    H,
}

impl Confidence {
    /// A probability-like weight used when combining confidences into a verdict score.
    pub fn weight(self) -> f64 {
        match self {
            Confidence::H => 0.95,
            Confidence::M => 0.85,
            Confidence::L => 0.65,
        }
    }
}

/// What a place is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlaceKind {
    Country,
    Province,
    /// A DPRK special city (Pyongyang, Rason, Nampo, Kaesong): province-level.
    SpecialCity,
    Prefecture,
    City,
    County,
    Town,
    Village,
    District,
    CustomsHouse,
    Station,
    Port,
    Bridge,
    Warehouse,
}

impl PlaceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PlaceKind::Country => "country",
            PlaceKind::Province => "province",
            PlaceKind::SpecialCity => "special-city",
            PlaceKind::Prefecture => "prefecture",
            PlaceKind::City => "city",
            PlaceKind::County => "county",
            PlaceKind::Town => "town",
            PlaceKind::Village => "village",
            PlaceKind::District => "district",
            PlaceKind::CustomsHouse => "customs-house",
            PlaceKind::Station => "station",
            PlaceKind::Port => "port",
            PlaceKind::Bridge => "bridge",
            PlaceKind::Warehouse => "warehouse",
        }
    }
}

/// A Harmonized System code of 2 to 10 digits (chapter, heading, subheading or national line).
///
/// Stored as the bare digits. Dots and spaces from the common printed forms ("8418.10",
/// "2601 11 00") are removed when parsing; anything else is refused.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct HsCode(String);

impl HsCode {
    /// Parses a code, returning the reason when it is not one.
    pub fn parse(raw: &str) -> Result<HsCode, String> {
        let mut digits = String::with_capacity(10);
        for c in raw.trim().chars() {
            match c {
                '0'..='9' => digits.push(c),
                '.' | ' ' => {}
                _ => {
                    return Err(format!(
                        "hs code {raw:?} has a character {c:?} that is not a digit"
                    ))
                }
            }
        }
        match digits.len() {
            0 => Err("hs code is empty".to_string()),
            2 | 4 | 6 | 8 | 10 => {
                if &digits[..2] == "00" || &digits[..2] > "97" {
                    Err(format!(
                        "hs code {raw:?}: chapter {} does not exist (01-97)",
                        &digits[..2]
                    ))
                } else {
                    Ok(HsCode(digits))
                }
            }
            n => Err(format!(
                "hs code {raw:?} has {n} digits (expected 2, 4, 6, 8 or 10)"
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn chapter(&self) -> &str {
        &self.0[..2]
    }
    pub fn heading(&self) -> Option<&str> {
        self.0.get(..4)
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// True when `self` is `other` or more specific than it (e.g. 841810 within 8418).
    pub fn within(&self, other: &str) -> bool {
        self.0.starts_with(other)
    }
}

impl fmt::Display for HsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for HsCode {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        HsCode::parse(&s)
    }
}

impl From<HsCode> for String {
    fn from(c: HsCode) -> String {
        c.0
    }
}

impl FromStr for HsCode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        HsCode::parse(s)
    }
}

/// A calendar date (no time zone: the rulebook speaks in dates).
pub type Date = chrono::NaiveDate;

/// The first and last dates the project reads or writes: years have four digits everywhere, so
/// every stored date parses again and date arithmetic never nears the calendar's limits.
pub const FIRST_DATE: Date = match Date::from_ymd_opt(0, 1, 1) {
    Some(d) => d,
    None => panic!("year 0 is in the calendar"),
};
pub const LAST_DATE: Date = match Date::from_ymd_opt(9999, 12, 31) {
    Some(d) => d,
    None => panic!("year 9999 is in the calendar"),
};

/// Whether a date has a four-digit year (between [`FIRST_DATE`] and [`LAST_DATE`]).
pub fn in_calendar(d: Date) -> bool {
    (FIRST_DATE..=LAST_DATE).contains(&d)
}

/// Parses `YYYY-MM-DD` with a precise reason on failure.
/// The year has exactly four digits: chrono alone also takes `+262142-12-31` and `-0001-…`.
pub fn parse_date(raw: &str) -> Result<Date, String> {
    let t = raw.trim();
    let b = t.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shaped {
        let why = if b.first().is_some_and(|c| matches!(c, b'+' | b'-'))
            || t.split('-').next().is_some_and(|y| y.len() > 4)
        {
            "the year must have four digits"
        } else {
            "expected four-digit year, two-digit month and day"
        };
        return Err(format!(
            "date {raw:?} is not a valid YYYY-MM-DD date ({why})"
        ));
    }
    Date::parse_from_str(t, "%Y-%m-%d")
        .map_err(|e| format!("date {raw:?} is not a valid YYYY-MM-DD date ({e})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_have_four_digit_years() {
        assert_eq!(
            parse_date(" 2023-05-01 ").unwrap().to_string(),
            "2023-05-01"
        );
        assert_eq!(parse_date("9999-12-31").unwrap(), LAST_DATE);
        assert_eq!(parse_date("0000-01-01").unwrap(), FIRST_DATE);
        for bad in [
            "+262142-12-31",
            "-0001-01-01",
            "20230-01-01",
            "23-01-01",
            "2023-5-1",
            "2023-05-01x",
        ] {
            let e = parse_date(bad).unwrap_err();
            assert!(e.contains(&format!("{bad:?}")), "{e}");
        }
        assert!(parse_date("+262142-12-31")
            .unwrap_err()
            .contains("four digits"));
        assert!(parse_date("2023-02-30")
            .unwrap_err()
            .contains("out of range"));
        assert!(in_calendar(LAST_DATE) && !in_calendar(LAST_DATE.succ_opt().unwrap()));
    }

    #[test]
    fn hs_codes_parse_printed_forms() {
        assert_eq!(HsCode::parse("8418.10").unwrap().as_str(), "841810");
        assert_eq!(HsCode::parse(" 2601 11 00 ").unwrap().as_str(), "26011100");
        assert_eq!(HsCode::parse("84").unwrap().chapter(), "84");
        assert!(HsCode::parse("841").unwrap_err().contains("3 digits"));
        assert!(HsCode::parse("98").unwrap_err().contains("chapter 98"));
        assert!(HsCode::parse("84a8").unwrap_err().contains("'a'"));
        assert!(HsCode::parse("").is_err());
    }

    #[test]
    fn directions_parse_loosely_but_refuse_import_export() {
        assert_eq!(Direction::parse_loose("Inbound"), Some(Direction::Inbound));
        assert_eq!(Direction::parse_loose("to_dprk"), Some(Direction::Inbound));
        assert_eq!(
            Direction::parse_loose("from-dprk"),
            Some(Direction::Outbound)
        );
        assert_eq!(Direction::parse_loose("export"), None);
    }

    #[test]
    fn status_orders_by_attention() {
        assert!(Status::Prohibited > Status::Capped);
        assert!(Status::Capped > Status::Review);
        assert!(Status::Review > Status::Permitted);
    }
}
