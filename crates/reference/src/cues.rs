//! The extractor's cue pack: the words that signal direction, mode, load, negation, hedging,
//! reference back, clause breaks, status, conditions, policy changes, attribution and quantities.
//!
//! File: `extract/cues.toml`. Every section and key is typed; an unknown role is refused on load
//! so a misspelt key cannot silently drop a cue. The extractor owns what the roles mean.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::text::fold;
use crate::{parse_toml, LoadError, Sources};

type Phrases = Vec<String>;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DirectionCues {
    pub import: Phrases,
    pub export: Phrases,
    /// Adjectives of a country, by its place id, that name who exports before an export word:
    /// "Chinese exports" are China's, "North Korean coal exports" the DPRK's.
    #[serde(default)]
    pub demonyms: std::collections::BTreeMap<String, Phrases>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrepCues {
    pub from: Phrases,
    pub to: Phrases,
    pub via: Phrases,
    pub at: Phrases,
    pub of: Phrases,
    /// Both ends of a route, in no order: "between Dandong and Sinuiju".
    #[serde(default)]
    pub between: Phrases,
    /// Postpositions glued after a place name (Korean).
    #[serde(default)]
    pub from_after: Phrases,
    #[serde(default)]
    pub to_after: Phrases,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MovementCues {
    pub verbs: Phrases,
    #[serde(rename = "return")]
    pub return_: Phrases,
    pub reverse: Phrases,
    pub load_empty: Phrases,
    pub load_full: Phrases,
    pub packaging: Phrases,
    /// Nouns a goods word may modify and still name the goods: "coal exports", "rice shipments".
    pub carriers: Phrases,
    /// Nouns that name cargo in general ("goods", "freight").
    #[serde(default)]
    pub cargo_nouns: Phrases,
    /// People moved, not goods ("defectors", "repatriated").
    #[serde(default)]
    pub people: Phrases,
    /// Verbs (also in `verbs`) that move something only when their object is goods, cargo, a
    /// vehicle or a quantity: "received coal" moves, "received an award" does not.
    #[serde(default)]
    pub object_verbs: Phrases,
    /// Ways goods travel on (roads, lines, bridges): a clause that only describes one names
    /// where it goes, not goods going ("the new line links Sinuiju with Uiju").
    #[serde(default)]
    pub infrastructure: Phrases,
    /// Words that say where a way goes: "links", "connects", "leading to", "used as".
    #[serde(default)]
    pub links: Phrases,
    /// Verbs of growing: their object is a crop in the field, not cargo ("to plant rice").
    #[serde(default)]
    pub crop_verbs: Phrases,

    pub storage: Phrases,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModeCues {
    pub rail: Phrases,
    pub road: Phrases,
    pub sea: Phrases,
    pub air: Phrases,
    pub pipeline: Phrases,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolarityCues {
    pub negation: Phrases,
    pub exception: Phrases,
    pub hedge: Phrases,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferenceCues {
    pub vehicle: Phrases,
    pub cargo: Phrases,
    pub route: Phrases,
    pub other_route: Phrases,
    /// Words that point back to the last place named ("this yard", "the same town").
    #[serde(default)]
    pub place: Phrases,
    /// Words that point back to the last port named ("the same port").
    #[serde(default)]
    pub port: Phrases,
    /// Pronouns that, as the object of a verb of carrying, are the cargo named before ("ship
    /// them out").
    #[serde(default)]
    pub object_pronouns: Phrases,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClauseCues {
    pub subordinators: Phrases,
    pub breaks: Phrases,
    pub comparison: Phrases,
    pub reason: Phrases,
    /// Words that make what follows them the clause's background ("following China's ban"):
    /// a halt there is not the clause's own.
    #[serde(default)]
    pub background: Phrases,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusCues {
    pub opened: Phrases,
    pub resumed: Phrases,
    pub closed: Phrases,
    pub suspended: Phrases,
    pub planned: Phrases,
    pub subjects: Phrases,
    /// Subjects that are flows of goods ("trade", "smuggling"), not places or infrastructure
    /// ("the border", "the bridge"): halting one denies movement.
    #[serde(default)]
    pub flows: Phrases,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConditionCues {
    /// A price at a market ("trading for 9,000 won").
    #[serde(default)]
    pub market_price: Phrases,
    pub inspection_strict: Phrases,
    pub inspection_loose: Phrases,
    pub fees_high: Phrases,
    pub fees_low: Phrases,
    pub observe_easy: Phrases,
    pub observe_hard: Phrases,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyCues {
    pub subjects: Phrases,
    pub change: Phrases,
    /// A rule that forbids or halts a flow: "banned exports of", "suspended imports of".
    pub ban: Phrases,
    /// Who makes the sanctions rules ("the Security Council", "Resolution 2397"): their bans
    /// are statements of law.
    #[serde(default)]
    pub rulemakers: Phrases,
    /// Words that name the rules a ban follows, not who bans: "banned exports in accordance
    /// with the resolutions" is the banning government's own ban.
    #[serde(default)]
    pub compliance: Phrases,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributionCues {
    pub heads: Phrases,
    pub verbs: Phrases,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlaceCues {
    pub not_after: Phrases,
    /// Place names that are also rivers: after "the" they name the river ("across the Tumen").
    #[serde(default)]
    pub rivers: Phrases,
    /// Nouns a capitalised word before them names a place with, known or not: "entering
    /// Japanese ports", "into Busan harbour" (not "from the Russian daily").
    #[serde(default)]
    pub heads: Phrases,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuantityCues {
    pub at_least: Phrases,
    pub at_most: Phrases,
    pub about: Phrases,
    pub each: Phrases,
    /// unit name → the words for it ("tonne" → ton, tons, t, …).
    pub units: BTreeMap<String, Phrases>,
    /// period name → the words for "per period" ("day" → daily, a day, …).
    pub per: BTreeMap<String, Phrases>,
    /// Units that count conveyances (trucks, wagons, …): a rate word anywhere in their clause
    /// applies to them, and their rates imply volumes.
    #[serde(default)]
    pub conveyances: Vec<String>,
    /// Units of size or distance ("a ship 130 meters long", "10 km off Nampo"): they keep a
    /// goods word from reading as goods but measure no goods, so they make no quantity.
    #[serde(default)]
    pub measures: Vec<String>,
}

impl QuantityCues {
    /// A unit's plural as the pack writes it: the unit's own word with "s" or "es" when the
    /// pack lists that form ("truck" → "trucks", "box" → "boxes"), else the unit itself
    /// ("yuan", "kg").
    pub fn plural<'a>(&'a self, unit: &'a str) -> &'a str {
        self.units
            .get(unit)
            .and_then(|words| {
                words.iter().find(|w| {
                    w.strip_prefix(unit)
                        .is_some_and(|rest| rest == "s" || rest == "es")
                })
            })
            .map_or(unit, String::as_str)
    }
}

/// The whole cue pack.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cues {
    pub direction: DirectionCues,
    pub prep: PrepCues,
    pub movement: MovementCues,
    pub mode: ModeCues,
    pub polarity: PolarityCues,
    pub reference: ReferenceCues,
    pub clause: ClauseCues,
    pub status: StatusCues,
    pub condition: ConditionCues,
    pub policy: PolicyCues,
    pub attribution: AttributionCues,
    pub place: PlaceCues,
    pub quantity: QuantityCues,
}

impl Cues {
    pub fn load(src: &Sources) -> Result<Cues, LoadError> {
        let (f, t) = src.read("extract/cues.toml")?;
        parse_toml(&f, &t)
    }

    /// Every (role, phrase) pair, roles named `section.key` (units as `unit.NAME`, periods as
    /// `per.NAME`). The extractor compiles these into its matcher.
    pub fn roles(&self) -> Vec<(String, &str)> {
        let mut out = Vec::new();
        fn push<'a>(out: &mut Vec<(String, &'a str)>, role: &str, list: &'a Phrases) {
            out.extend(list.iter().map(|p| (role.to_string(), p.as_str())));
        }
        macro_rules! section {
            ($sec:ident, $($key:ident => $name:literal),+) => {
                $( push(&mut out, concat!(stringify!($sec), ".", $name), &self.$sec.$key); )+
            };
        }
        section!(direction, import => "import", export => "export");
        section!(prep, from => "from", to => "to", via => "via", at => "at", of => "of",
            between => "between");
        section!(movement, verbs => "verbs", return_ => "return", reverse => "reverse",
            load_empty => "load_empty", load_full => "load_full", packaging => "packaging", carriers => "carriers", storage => "storage",
            cargo_nouns => "cargo_nouns", people => "people");
        section!(mode, rail => "rail", road => "road", sea => "sea", air => "air",
            pipeline => "pipeline");
        section!(polarity, negation => "negation", exception => "exception", hedge => "hedge");
        section!(reference, vehicle => "vehicle", cargo => "cargo", route => "route",
            other_route => "other_route", place => "place", port => "port");
        section!(clause, subordinators => "subordinators", breaks => "breaks", comparison => "comparison", reason => "reason",
            background => "background");
        section!(status, opened => "opened", resumed => "resumed", closed => "closed",
            suspended => "suspended", planned => "planned", subjects => "subjects",
            flows => "flows");
        section!(condition, market_price => "market_price", inspection_strict => "inspection_strict",
            inspection_loose => "inspection_loose", fees_high => "fees_high",
            fees_low => "fees_low", observe_easy => "observe_easy", observe_hard => "observe_hard");
        section!(policy, subjects => "subjects", change => "change", ban => "ban",
            rulemakers => "rulemakers", compliance => "compliance");
        section!(attribution, heads => "heads", verbs => "verbs");
        section!(place, not_after => "not_after");
        section!(quantity, at_least => "at_least", at_most => "at_most", about => "about",
            each => "each");
        for (u, list) in &self.quantity.units {
            push(&mut out, &format!("unit.{u}"), list);
        }
        for (p, list) in &self.quantity.per {
            push(&mut out, &format!("per.{p}"), list);
        }
        out
    }

    /// Problems with the pack, one line each: empty phrases and phrases that fold to nothing.
    pub fn validate(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (role, p) in self.roles() {
            if fold(p).is_empty() {
                out.push(format!(
                    "extract/cues.toml: {role}: phrase {p:?} is empty when folded"
                ));
            }
        }
        for c in self
            .quantity
            .conveyances
            .iter()
            .chain(&self.quantity.measures)
        {
            if !self.quantity.units.contains_key(c) {
                out.push(format!(
                    "extract/cues.toml: quantity.conveyances/measures: {c:?} is not a unit in [quantity.units]"
                ));
            }
        }
        for (country, list) in &self.direction.demonyms {
            for p in list.iter().filter(|p| fold(p).is_empty()) {
                out.push(format!(
                    "extract/cues.toml: direction.demonyms.{country}: phrase {p:?} is empty when folded"
                ));
            }
        }
        for (key, list) in [
            ("infrastructure", &self.movement.infrastructure),
            ("links", &self.movement.links),
        ] {
            for p in list.iter().filter(|p| fold(p).is_empty()) {
                out.push(format!(
                    "extract/cues.toml: movement.{key}: phrase {p:?} is empty when folded"
                ));
            }
        }
        // An object verb that is no movement verb would never be read.
        for v in &self.movement.object_verbs {
            if !self.movement.verbs.contains(v) {
                out.push(format!(
                    "extract/cues.toml: movement.object_verbs: {v:?} is not in movement.verbs"
                ));
            }
        }
        out
    }
}
