//! Designated vessels: lists of vessels under sanctions (OFAC's SDN list of the DPRK
//! programmes, generated into `data/ais/generated/ofac-sdn-dprk.toml`; the UN 1718 Committee's
//! list fits the same format) and matching a vessel's identity against them.
//!
//! Owns: the list format (a `[list]` header with id, title, authority, publication date and
//! source; `[[vessel]]` entries with the list's reference, name, other names, IMO number, and
//! optionally flag, type, call sign, programmes, links and the date listed; unknown fields
//! refused; IMO check digits and unique references checked), and the match rule: the same IMO
//! number is a match; the same name without an IMO number to compare is only a possible match
//! (names are reused, and a renamed ship keeps its IMO number).
//!
//! Refuses: deciding that a vessel is the designated one — a match says what the list says and
//! on which basis; the analyst decides.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// The packs built into the binary.
pub const EMBEDDED: &[(&str, &str)] = &[(
    "data/ais/generated/ofac-sdn-dprk.toml",
    include_str!("../../../data/ais/generated/ofac-sdn-dprk.toml"),
)];

/// Whether an IMO number's seventh digit is its check digit.
pub fn imo_valid(imo: u32) -> bool {
    if !(1_000_000..=9_999_999).contains(&imo) {
        return false;
    }
    let d: Vec<u32> = imo.to_string().bytes().map(|b| (b - b'0') as u32).collect();
    d[..6]
        .iter()
        .enumerate()
        .map(|(i, x)| x * (7 - i as u32))
        .sum::<u32>()
        % 10
        == d[6]
}

/// What a list is.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ListInfo {
    pub id: String,
    pub title: String,
    pub authority: String,
    /// The date of the list as published (YYYY-MM-DD).
    pub published: String,
    pub source: String,
}

/// One designated vessel as the list gives it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DesignatedVessel {
    /// The list's own reference (OFAC's entry number, the UN's permanent reference).
    pub reference: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub imo: Option<u32>,
    pub flag: Option<String>,
    pub vessel_type: Option<String>,
    pub call_sign: Option<String>,
    #[serde(default)]
    pub programmes: Vec<String>,
    #[serde(default)]
    pub linked_to: Vec<String>,
    /// The date the vessel was listed (YYYY-MM-DD), when the list says.
    pub listed_on: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Pack {
    list: ListInfo,
    #[serde(default)]
    vessel: Vec<DesignatedVessel>,
}

/// On what a match rests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The same IMO number.
    Imo,
    /// The same name (or other name), with no IMO number on one side to compare.
    NameOnly,
}

/// A vessel identity found on a list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Designation {
    pub list: String,
    pub published: String,
    pub reference: String,
    pub listed_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub imo: Option<u32>,
    pub basis: Basis,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub programmes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listed_on: Option<String>,
}

/// Names compared in capitals with spaces and punctuation folded ("Sea-Star" = "SEA STAR").
pub fn fold_name(s: &str) -> String {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase()
}

/// Every list loaded, indexed by IMO number and by folded name.
#[derive(Debug, Clone, Default)]
pub struct Watchlist {
    lists: Vec<(ListInfo, Vec<DesignatedVessel>)>,
    by_imo: HashMap<u32, Vec<(usize, usize)>>,
    by_name: HashMap<String, Vec<(usize, usize)>>,
}

impl Watchlist {
    /// Adds one list pack; errors name the file and the entry.
    pub fn add(&mut self, name: &str, text: &str) -> Result<(), String> {
        let pack: Pack = toml::from_str(text).map_err(|e| format!("{name}: {e}"))?;
        if self.lists.iter().any(|(l, _)| l.id == pack.list.id) {
            return Err(format!("{name}: list {:?} is loaded twice", pack.list.id));
        }
        if chrono::NaiveDate::parse_from_str(&pack.list.published, "%Y-%m-%d").is_err() {
            return Err(format!(
                "{name}: published {:?} is not YYYY-MM-DD",
                pack.list.published
            ));
        }
        let li = self.lists.len();
        let mut refs = std::collections::HashSet::new();
        for (vi, v) in pack.vessel.iter().enumerate() {
            if !refs.insert(v.reference.clone()) {
                return Err(format!(
                    "{name}: reference {:?} is given twice",
                    v.reference
                ));
            }
            if let Some(imo) = v.imo {
                if !imo_valid(imo) {
                    return Err(format!(
                        "{name}: {} ({}): IMO {imo} fails its check digit",
                        v.reference, v.name
                    ));
                }
                self.by_imo.entry(imo).or_default().push((li, vi));
            }
            if let Some(d) = &v.listed_on {
                if chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_err() {
                    return Err(format!(
                        "{name}: {}: listed_on {d:?} is not YYYY-MM-DD",
                        v.reference
                    ));
                }
            }
            for n in std::iter::once(&v.name).chain(&v.aliases) {
                let f = fold_name(n);
                if !f.is_empty() {
                    let e = self.by_name.entry(f).or_default();
                    if !e.contains(&(li, vi)) {
                        e.push((li, vi));
                    }
                }
            }
        }
        self.lists.push((pack.list, pack.vessel));
        Ok(())
    }

    /// The packs built into the binary.
    pub fn embedded() -> Watchlist {
        let mut w = Watchlist::default();
        for (name, text) in EMBEDDED {
            w.add(name, text)
                .expect("the embedded designated-vessel packs are checked by tests");
        }
        w
    }

    /// Every vessel of every list, in list order.
    pub fn vessels(&self) -> impl Iterator<Item = &DesignatedVessel> {
        self.lists.iter().flat_map(|(_, v)| v)
    }

    /// The lists loaded.
    pub fn lists(&self) -> impl Iterator<Item = (&ListInfo, usize)> {
        self.lists.iter().map(|(l, v)| (l, v.len()))
    }

    fn designation(&self, (li, vi): (usize, usize), basis: Basis) -> Designation {
        let (l, vs) = &self.lists[li];
        let v = &vs[vi];
        Designation {
            list: l.id.clone(),
            published: l.published.clone(),
            reference: v.reference.clone(),
            listed_name: v.name.clone(),
            imo: v.imo,
            basis,
            programmes: v.programmes.clone(),
            listed_on: v.listed_on.clone(),
        }
    }

    /// The entries an IMO number and a name match. An IMO number matches by itself; a name
    /// matches only entries without an IMO number, or any entry when `imo` is `None`.
    pub fn matches(&self, imo: Option<u32>, name: Option<&str>) -> Vec<Designation> {
        let mut out = Vec::new();
        if let Some(i) = imo {
            for &k in self.by_imo.get(&i).into_iter().flatten() {
                out.push(self.designation(k, Basis::Imo));
            }
        }
        if let Some(n) = name {
            for &(li, vi) in self.by_name.get(&fold_name(n)).into_iter().flatten() {
                let listed = self.lists[li].1[vi].imo;
                let comparable = imo.is_some() && listed.is_some();
                if !comparable
                    && !out
                        .iter()
                        .any(|d| d.reference == self.lists[li].1[vi].reference)
                {
                    out.push(self.designation((li, vi), Basis::NameOnly));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imo_check_digits() {
        assert!(imo_valid(9134270));
        assert!(imo_valid(7937317));
        assert!(!imo_valid(9134271));
        assert!(!imo_valid(914466500));
    }

    #[test]
    fn the_embedded_list_matches_by_imo_and_by_name() {
        let w = Watchlist::embedded();
        let (l, n) = w.lists().next().unwrap();
        assert_eq!(
            (l.id.as_str(), l.published.as_str(), n),
            ("ofac-sdn-dprk", "2024-05-03", 105)
        );
        let m = w.matches(Some(7937317), Some("NOT THE NAME"));
        assert_eq!(m.len(), 1);
        assert_eq!(
            (m[0].listed_name.as_str(), m[0].basis),
            ("CHONG CHON GANG", Basis::Imo)
        );
        // A name alone is a possible match; with two IMO numbers that differ, no match.
        let m = w.matches(None, Some("Chong-Chon Gang"));
        assert_eq!(m[0].basis, Basis::NameOnly);
        assert!(w.matches(Some(9134270), Some("CHONG CHON GANG")).is_empty());
    }

    #[test]
    fn a_un_style_list_loads_and_bad_entries_are_refused() {
        let un = r#"
[list]
id = "un-1718"
title = "UN Security Council 1718 Committee sanctions list (vessels)"
authority = "United Nations Security Council"
published = "2024-01-15"
source = "hand-written test list"

[[vessel]]
reference = "KPe.test-1"
name = "TEST STAR"
imo = 9134270
listed_on = "2018-03-30"
"#;
        let mut w = Watchlist::embedded();
        w.add("un.toml", un).unwrap();
        let m = w.matches(Some(9134270), None);
        assert_eq!(m[0].list, "un-1718");
        assert_eq!(m[0].listed_on.as_deref(), Some("2018-03-30"));
        assert!(w.add("un.toml", un).unwrap_err().contains("loaded twice"));
        let bad = un.replace("un-1718", "x").replace("9134270", "9134271");
        assert!(Watchlist::default()
            .add("b.toml", &bad)
            .unwrap_err()
            .contains("check digit"));
        let bad = un.replace("un-1718", "y").replace("listed_on", "listed");
        assert!(Watchlist::default()
            .add("b.toml", &bad)
            .unwrap_err()
            .contains("unknown field"));
    }
}
