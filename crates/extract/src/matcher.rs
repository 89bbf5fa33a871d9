//! One pass over the folded text finds every gazetteer name, goods phrase and cue.
//!
//! All patterns (place aliases, lexicon phrases with their plurals, cue phrases) go into one
//! Aho–Corasick automaton searched anchored at each word start, longest first; a match must end
//! on a word boundary or it is retried shorter. Han and Hangul have no spaces between words, so a
//! match may start at any Han character and end before a Hangul particle.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};
use borderwatch_model::{Mode, RouteStatus};
use borderwatch_reference::gazetteer::Named;
use borderwatch_reference::text::{fold, fold_mapped};
use borderwatch_reference::Reference;

/// A cue's role (see `data/extract/cues.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Import,
    Export,
    From,
    To,
    Via,
    /// "between": the two places after it are the route's ends, in no order.
    Between,
    At,
    Of,
    MoveVerb,
    Return,
    Reverse,
    LoadEmpty,
    LoadFull,
    Packaging,
    /// A verb of `data/extract/frames.toml`, by index.
    Frame(u16),
    /// A noun that a goods word before it still names goods for ("coal exports").
    Carrier,
    /// A noun naming cargo in general ("goods", "freight").
    CargoNoun,
    /// People moved, not goods.
    People,

    /// A rule that forbids or halts a flow.
    Ban,
    Storage,
    Mode(Mode),
    Negation,
    Exception,
    Hedge,
    RefVehicle,
    RefCargo,
    RefRoute,
    /// Points back to the last place named ("this yard").
    RefPlace,
    /// Points back to the last port named ("the same port").
    RefPort,
    OtherRoute,
    Break,
    Subordinator,
    Comparison,
    Reason,
    Background,
    Status(RouteStatus),
    Planned,
    StatusSubject,
    /// A status subject that is a flow of goods ("trade", "smuggling").
    FlowSubject,
    /// (aspect, value) of a condition, e.g. ("inspection", "strict").
    Condition(&'static str, &'static str),
    PolicySubject,
    PolicyChange,
    /// The Security Council or one of its resolutions.
    RuleMaker,
    /// "in accordance with", "pursuant to": the rule maker after it is followed, not the one
    /// banning.
    Compliance,
    AttrHead,
    AttrVerb,
    NotAfterPlace,
    AtLeast,
    AtMost,
    About,
    Each,
    /// Index into [`Matcher::units`].
    Unit(u16),
    /// Index into [`Matcher::periods`].
    Per(u16),
}

/// What a matched pattern stands for.
#[derive(Debug, Clone, PartialEq)]
pub enum Hit {
    Place(Vec<Named>),
    /// Lexicon entry index.
    Goods(usize),
    Cue(Role),
}

/// A match in clean-text byte offsets.
#[derive(Debug, Clone)]
pub struct Found {
    pub start: usize,
    pub end: usize,
    pub pattern: usize,
}

pub struct Matcher {
    ac: AhoCorasick,
    /// The first two bytes of every pattern (bit `b0 << 8 | b1`) and the one-byte patterns: a
    /// word start whose bytes begin no pattern is passed over without entering the automaton.
    pairs: Vec<u64>,
    singles: [bool; 256],
    pub payloads: Vec<Vec<Hit>>,
    /// Per pattern, the exact form a case-bound name must have in the text (see
    /// `Place::exact_names`); `None` for every other pattern.
    exact: Vec<Option<String>>,
    pub units: Vec<String>,
    pub periods: Vec<String>,
}

fn role_of(name: &str, units: &mut Vec<String>, periods: &mut Vec<String>) -> Option<Role> {
    use Role::*;
    Some(match name {
        "direction.import" => Import,
        "direction.export" => Export,
        "prep.from" => From,
        "prep.to" => To,
        "prep.via" => Via,
        "prep.between" => Between,
        "prep.at" => At,
        "prep.of" => Of,
        "movement.verbs" => MoveVerb,
        "movement.return" => Return,
        "movement.reverse" => Reverse,
        "movement.load_empty" => LoadEmpty,
        "movement.load_full" => LoadFull,
        "movement.packaging" => Packaging,
        "movement.carriers" => Carrier,
        "movement.cargo_nouns" => CargoNoun,
        "movement.people" => People,
        "condition.market_price" => Condition("price", "market"),
        "policy.ban" => Ban,
        "movement.storage" => Storage,
        "mode.rail" => Mode(borderwatch_model::Mode::Rail),
        "mode.road" => Mode(borderwatch_model::Mode::Road),
        "mode.sea" => Mode(borderwatch_model::Mode::Sea),
        "mode.air" => Mode(borderwatch_model::Mode::Air),
        "mode.pipeline" => Mode(borderwatch_model::Mode::Pipeline),
        "polarity.negation" => Negation,
        "polarity.exception" => Exception,
        "polarity.hedge" => Hedge,
        "reference.vehicle" => RefVehicle,
        "reference.cargo" => RefCargo,
        "reference.route" => RefRoute,
        "reference.place" => RefPlace,
        "reference.port" => RefPort,
        "reference.other_route" => OtherRoute,
        "clause.breaks" => Break,
        "clause.subordinators" => Subordinator,
        "clause.comparison" => Comparison,
        "clause.reason" => Reason,
        "clause.background" => Background,
        "status.opened" => Status(RouteStatus::Opened),
        "status.resumed" => Status(RouteStatus::Resumed),
        "status.closed" => Status(RouteStatus::Closed),
        "status.suspended" => Status(RouteStatus::Suspended),
        "status.planned" => Planned,
        "status.subjects" => StatusSubject,
        "status.flows" => FlowSubject,
        "condition.inspection_strict" => Condition("inspection", "strict"),
        "condition.inspection_loose" => Condition("inspection", "loose"),
        "condition.fees_high" => Condition("fees", "high"),
        "condition.fees_low" => Condition("fees", "low"),
        "condition.observe_easy" => Condition("visibility", "easy"),
        "condition.observe_hard" => Condition("visibility", "hard"),
        "policy.subjects" => PolicySubject,
        "policy.change" => PolicyChange,
        "policy.rulemakers" => RuleMaker,
        "policy.compliance" => Compliance,
        "attribution.heads" => AttrHead,
        "attribution.verbs" => AttrVerb,
        "place.not_after" => NotAfterPlace,
        "quantity.at_least" => AtLeast,
        "quantity.at_most" => AtMost,
        "quantity.about" => About,
        "quantity.each" => Each,
        n => {
            if let Some(u) = n.strip_prefix("unit.") {
                units.push(u.to_string());
                return Some(Unit((units.len() - 1) as u16));
            }
            if let Some(p) = n.strip_prefix("per.") {
                periods.push(p.to_string());
                return Some(Per((periods.len() - 1) as u16));
            }
            return None;
        }
    })
}

/// English plural forms of a folded phrase's last word.
fn plurals(folded: &str) -> Vec<String> {
    let last = folded.rsplit(' ').next().unwrap_or(folded);
    if last.is_empty() || !last.is_ascii() || last.len() < 3 || last.ends_with("ss") {
        return Vec::new();
    }
    if last.ends_with('s') {
        return Vec::new();
    }
    let b = last.as_bytes();
    let n = b.len();
    if last.ends_with('y') && !matches!(b[n - 2], b'a' | b'e' | b'i' | b'o' | b'u') {
        return vec![format!("{}ies", &folded[..folded.len() - 1])];
    }
    if last.ends_with('x') || last.ends_with("ch") || last.ends_with("sh") || last.ends_with('o') {
        return vec![format!("{folded}es"), format!("{folded}s")];
    }
    vec![format!("{folded}s")]
}

impl Matcher {
    pub fn new(r: &Reference) -> Result<Matcher, String> {
        let mut map: HashMap<String, Vec<Hit>> = HashMap::new();
        for (alias, named) in r.gazetteer.alias_index() {
            map.entry(alias.clone())
                .or_default()
                .push(Hit::Place(named.iter().cloned().collect()));
        }
        let mut exact_forms: HashMap<String, String> = HashMap::new();
        for p in &r.gazetteer.places {
            for n in &p.exact_names {
                let k = fold(n);
                if map.contains_key(&k) {
                    return Err(format!(
                        "gazetteer: exact name {n:?} of {} is also an ordinary pattern",
                        p.id
                    ));
                }
                map.insert(
                    k.clone(),
                    vec![Hit::Place(vec![Named::Place(p.id.clone())])],
                );
                exact_forms.insert(k, n.clone());
            }
        }
        for (i, e) in r.hs.lexicon.iter().enumerate() {
            for p in &e.phrases {
                let k = fold(p);
                let mut forms = vec![k.clone()];
                forms.extend(plurals(&k));
                for f in forms {
                    let v = map.entry(f).or_default();
                    if !v.iter().any(|h| matches!(h, Hit::Goods(_))) {
                        v.push(Hit::Goods(i));
                    }
                }
            }
        }
        let (mut units, mut periods) = (Vec::new(), Vec::new());
        for (role, phrase) in r.cues.roles() {
            let role = role_of(&role, &mut units, &mut periods)
                .ok_or_else(|| format!("extract/cues.toml: unknown role {role}"))?;
            let k = fold(phrase);
            if k.is_empty() {
                continue;
            }
            let v = map.entry(k).or_default();
            if !v.contains(&Hit::Cue(role)) {
                v.push(Hit::Cue(role));
            }
        }
        for (i, fr) in r.frames.frames.iter().enumerate() {
            for v in &fr.verbs {
                let k = fold(v);
                if k.is_empty() {
                    continue;
                }
                let v = map.entry(k).or_default();
                let hit = Hit::Cue(Role::Frame(i as u16));
                if !v.contains(&hit) {
                    v.push(hit);
                }
            }
        }
        let mut keys: Vec<String> = map.keys().cloned().collect();
        keys.sort();
        let payloads = keys.iter().map(|k| map[k].clone()).collect();
        let exact = keys.iter().map(|k| exact_forms.get(k).cloned()).collect();
        let mut pairs = vec![0u64; 1 << 10];
        let mut singles = [false; 256];
        for k in &keys {
            match *k.as_bytes() {
                // An empty pattern matches anywhere: no start can be passed over.
                [] => {
                    pairs.fill(u64::MAX);
                    singles = [true; 256];
                }
                [b] => singles[b as usize] = true,
                [a, b, ..] => {
                    let bit = (a as usize) << 8 | b as usize;
                    pairs[bit >> 6] |= 1 << (bit & 63);
                }
            }
        }
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Anchored)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&keys)
            .map_err(|e| e.to_string())?;
        Ok(Matcher {
            ac,
            pairs,
            singles,
            payloads,
            exact,
            units,
            periods,
        })
    }

    /// Every match in `clean`, in order, as clean-text byte spans.
    pub fn scan(&self, clean: &str) -> Vec<Found> {
        let mut folded = String::with_capacity(clean.len());
        let mut map = Vec::with_capacity(clean.len());
        fold_mapped(clean, &mut folded, Some(&mut map));
        let fb = folded.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        let mut prev_word = false;
        while i < fb.len() {
            let c = char_at(&folded, i);
            let clen = c.len_utf8();
            let wordish = c.is_alphanumeric();
            // Clause cues may open with a comma or semicolon (", but", "; while").
            let start_here = (wordish && (!prev_word || is_han(c))) || matches!(c, ',' | ';');
            prev_word = wordish;
            if !start_here || !self.may_start(fb, i) {
                i += clen;
                continue;
            }
            let mut end_limit = fb.len();
            let mut matched = None;
            while end_limit > i {
                let input = Input::new(&folded)
                    .range(i..end_limit)
                    .anchored(Anchored::Yes);
                let Some(m) = self.ac.find(input) else { break };
                if boundary_ok(&folded, m.end()) || is_cjk(last_char(&folded[..m.end()])) {
                    matched = Some(m);
                    break;
                }
                // Retry ending at the last word boundary inside the match.
                match folded[i..m.end()].rfind(|ch: char| !ch.is_alphanumeric()) {
                    Some(k) if k > 0 => end_limit = i + k,
                    _ => break,
                }
            }
            match matched {
                Some(m) => {
                    let cs = map[m.start()] as usize;
                    let last = m.end() - last_char(&folded[..m.end()]).len_utf8();
                    let ce = map[last] as usize + char_at(clean, map[last] as usize).len_utf8();
                    if let Some(form) = &self.exact[m.pattern().as_usize()] {
                        if !written_exactly(clean, cs, ce, form) {
                            i += clen;
                            continue;
                        }
                    }
                    out.push(Found {
                        start: cs,
                        end: ce,
                        pattern: m.pattern().as_usize(),
                    });
                    i = m.end();
                    prev_word = true;
                }
                None => i += clen,
            }
        }
        out
    }
}

impl Matcher {
    /// Whether some pattern begins with the bytes at `i`.
    fn may_start(&self, fb: &[u8], i: usize) -> bool {
        if self.singles[fb[i] as usize] {
            return true;
        }
        let Some(&b) = fb.get(i + 1) else {
            return false;
        };
        let bit = (fb[i] as usize) << 8 | b as usize;
        self.pairs[bit >> 6] & (1 << (bit & 63)) != 0
    }
}

/// Whether `clean[cs..ce]` is `form` as written (its first letter may be capitalised, as at a
/// sentence start) and the next word is not capitalised ("the North Pyongan" is a province).
fn written_exactly(clean: &str, cs: usize, ce: usize, form: &str) -> bool {
    let got = &clean[cs..ce];
    let same = got == form || {
        let mut f = form.chars();
        let mut g = got.chars();
        matches!((f.next(), g.next()), (Some(a), Some(b)) if a.to_uppercase().eq(b.to_uppercase()))
            && f.as_str() == g.as_str()
    };
    let next = clean[ce..]
        .trim_start_matches([' ', '\t', '\u{a0}'])
        .chars()
        .next();
    same && !next.is_some_and(char::is_uppercase)
}

fn char_at(s: &str, i: usize) -> char {
    s[i..].chars().next().unwrap_or(' ')
}

fn last_char(s: &str) -> char {
    s.chars().next_back().unwrap_or(' ')
}

fn boundary_ok(s: &str, end: usize) -> bool {
    end >= s.len() || !char_at(s, end).is_alphanumeric()
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0xF900..=0xFAFF)
}

pub fn is_cjk(c: char) -> bool {
    is_han(c) || matches!(c as u32, 0xAC00..=0xD7AF | 0x1100..=0x11FF | 0x3130..=0x318F)
}

#[cfg(test)]
mod tests {
    use super::{plurals, written_exactly};

    #[test]
    fn exact_forms() {
        let ok = |t: &str| written_exactly(t, 0, "the North".len(), "the North");
        assert!(ok("the North while"));
        assert!(ok("The North’s port"));
        assert!(!ok("the north of Jilin"));
        assert!(!ok("the North Pyongan governor"));
        assert!(!ok("the North Korean side"));
    }

    #[test]
    fn plural_forms() {
        assert_eq!(plurals("candy"), ["candies"]);
        assert_eq!(plurals("fishing net"), ["fishing nets"]);
        assert_eq!(plurals("mango"), ["mangoes", "mangos"]);
        assert!(plurals("glass").is_empty());
    }
}
