//! Clause facts: what the cue tokens of one clause say (import or export word, verb, mode,
//! load, negation, ban, statuses, references back, countries named after to/from).
//!
//! Refuses: places and routes (mentions and routes), goods (goods).

use super::*;

impl Doc<'_, '_> {
    pub(super) fn facts(&self, toks: &[Tok]) -> Facts {
        let mut f = Facts::default();
        for (k, t) in toks.iter().enumerate() {
            if let Tk::Cue(role) = t.tk {
                self.frame_of(role, t, &mut f);
            }
            let Tk::Cue(role) = t.tk else {
                if let Tk::Place(id) = &t.tk {
                    if self.is_country(id) {
                        let prev = prev_cue(toks, k, &self.text.clean);
                        match prev {
                            Some(Role::To) => f.to_country = Some(id.to_string()),
                            Some(Role::From) => f.from_country = Some(id.to_string()),
                            _ => {
                                let before = &self.text.clean[..t.start];
                                if ends_with_ci(before.trim_end(), "with") {
                                    f.with_country = Some(id.to_string());
                                }
                                if self.trades_as_subject(toks, k) {
                                    f.trading_country = Some(id.to_string());
                                } else if f.from_country.is_none() && self.sends_as_subject(toks, k)
                                {
                                    f.from_country = Some(id.to_string());
                                }
                            }
                        }
                    }
                }
                continue;
            };
            match role {
                // "Chinese exports" are China's; "Chinese imports" may be China's or goods from
                // China, so only the export word reads the adjective.
                Role::Export if f.trading_country.is_none() => {
                    f.trading_country = self.demonym_before(toks, k);
                    f.export.get_or_insert(t.start);
                    f.triggers.push(t.start);
                }
                Role::Import => {
                    // "imports of North Korean coal": the goods come from the DPRK.
                    if f.from_country.is_none() {
                        f.from_country = self.demonym_of_goods_after(toks, k);
                    }
                    f.import.get_or_insert(t.start);
                    f.triggers.push(t.start);
                }
                Role::Export => {
                    f.export.get_or_insert(t.start);
                    f.triggers.push(t.start);
                }
                Role::MoveVerb if self.moves_no_object(toks, k) => {}
                Role::MoveVerb => {
                    f.move_verb.get_or_insert(t.start);
                    f.triggers.push(t.start);
                    // "… made it impossible to ship them out": the cargo named before.
                    if self.pronoun_object(t.end) {
                        f.ref_cargo = true;
                        f.ref_pronoun = true;
                    }
                }
                Role::Return => f.ret = true,
                Role::Reverse => f.reverse = true,
                // "No cargo has come": "no cargo" as the subject denies the movement; as an
                // object ("came back with no cargo") it says the vehicle ran empty.
                Role::LoadEmpty if self.subject_denial(t) => {
                    f.negation.get_or_insert(t.start);
                    f.negations.push((t.start, t.end));
                    f.cargo_noun = true;
                }
                Role::LoadEmpty => {
                    f.load = Some(Load::Empty);
                    f.empty_at.get_or_insert(t.start);
                }
                Role::LoadFull if f.load.is_none() => f.load = Some(Load::Loaded),
                Role::Storage => f.storage = true,
                Role::Mode(m) => {
                    f.mode.get_or_insert(m);
                    f.modes.push((t.start, m));
                }
                // "No impact on trade": "no" before a noun that names no flow, goods, vehicle
                // or cargo denies that noun only.
                Role::Negation if self.denies_other_noun(toks, k) => {}
                Role::Negation => {
                    f.negation.get_or_insert(t.start);
                    f.negations.push((t.start, t.end));
                }
                Role::Exception => {
                    f.exception.get_or_insert(t.start);
                }
                Role::Ban => {
                    f.ban.get_or_insert(t.start);
                    // "The Chinese ministry banned the export of …": China's own exports.
                    if f.trading_country.is_none() {
                        f.trading_country = self.demonym_subject(t.start);
                    }
                }
                Role::RuleMaker if rule_followed(toks, k, &self.text.clean) => {}
                Role::RuleMaker => f.rulemaker = true,
                Role::Background => f.backgrounds.push(t.end),
                Role::RefVehicle => {
                    f.ref_vehicle = true;
                    f.vehicle_mode = f.vehicle_mode.or_else(|| self.vehicle_mode(t));
                }
                Role::RefCargo => f.ref_cargo = true,
                Role::People => f.people = true,

                Role::CargoNoun if self.cargo_head(toks, k) => f.cargo_noun = true,
                // "There is no news": the existential "there" points to no place.
                Role::RefRoute if self.existential_there(t) => {}
                Role::RefRoute => f.ref_route = true,
                Role::OtherRoute => f.other_route = true,
                Role::Status(s) => {
                    // "Chinese customs have suspended imports of …": China's own imports.
                    if matches!(s, RouteStatus::Closed | RouteStatus::Suspended)
                        && f.trading_country.is_none()
                    {
                        f.trading_country = self.demonym_subject(t.start);
                    }
                    f.status.push((s, t.start, t.end))
                }
                Role::Planned => f.planned.push(t.start),
                Role::FlowSubject => f.flows.push((t.start, t.end)),
                Role::StatusSubject => {
                    f.status_subject = true;
                    f.subjects.push(t.start);
                }
                Role::Condition(a, v) if !f.conditions.contains(&(a, v)) => {
                    f.conditions.push((a, v))
                }
                Role::PolicySubject => {
                    f.policy_subject.get_or_insert((t.start, t.end));
                }
                Role::To | Role::From if self.names_unknown_place(toks, k) => {
                    if role == Role::To {
                        f.unknown_to = true;
                    } else {
                        f.unknown_from = true;
                    }
                }
                Role::To | Role::From => {
                    // "entered", "departed" move things too.
                    let w = &self.text.clean[t.start..t.end];
                    if w.len() > 4 {
                        f.move_verb.get_or_insert(t.start);
                        f.triggers.push(t.start);
                    }
                }
                _ => {}
            }
        }
        // A verb's mode counts where no vehicle or mode word says otherwise: per leg (its
        // position among the modes) and for the clause.
        if f.mode.is_none() {
            f.mode = f.frame_modes.first().map(|x| x.1);
        }
        for &(p, m) in &f.frame_modes {
            f.modes.push((p, m));
        }
        f.modes.sort_by_key(|x| x.0);
        f
    }
}

/// Most words read to find a verb's object.
const OBJECT_WORDS: usize = 4;

/// Most words of a subject read for the country adjective that opens it.
const SUBJECT_WORDS: usize = 7;

/// Most words between a word of compliance and the rule maker it names ("in accordance with
/// the UN Security Council").
const COMPLIANCE_WORDS: usize = 6;

/// Whether the rule maker `toks[k]` is named after a word of compliance ("in accordance with
/// the Security Council resolutions", "pursuant to resolution 2397"): the rule followed by
/// whoever bans, not its maker.
pub(super) fn rule_followed(toks: &[Tok], k: usize, clean: &str) -> bool {
    let t = &toks[k];
    toks[..k].iter().rev().any(|c| {
        c.tk == Tk::Cue(Role::Compliance) && c.end <= t.start && {
            let gap = &clean[c.end..t.start];
            !gap.contains([',', ';', '.']) && gap.split_whitespace().count() <= COMPLIANCE_WORDS
        }
    })
}

/// Most capitalised words a place name the gazetteer lacks is read as.
const NAME_WORDS: usize = 6;

impl Doc<'_, '_> {
    /// Whether the emptiness cue `t` is "no …" standing where a subject stands: after no
    /// verb, preposition or "to" (by the part-of-speech lexicon).
    fn subject_denial(&self, t: &Tok) -> bool {
        let cue = &self.text.clean[t.start..t.end];
        if !cue.get(..3).is_some_and(|w| w.eq_ignore_ascii_case("no ")) {
            return false;
        }
        let before = self.word_before(t.start);
        before.is_empty()
            || self.lexical_tag(&before).is_none_or(|g| {
                !(g.name().starts_with("VB") || matches!(g.name(), "IN" | "TO" | "MD"))
            })
    }

    /// Whether the denial at byte `n` is the determiner of the object of a one-word movement
    /// verb right before it: "the railway carried no goods", "they shipped nothing".
    pub(super) fn denies_object_of(&self, f: &Facts, n: usize) -> bool {
        let clean = &self.text.clean;
        let word = word_at(clean, n);
        if !["no", "nothing", "none"]
            .iter()
            .any(|w| word.eq_ignore_ascii_case(w))
        {
            return false;
        }
        f.triggers.iter().any(|&t| {
            t < n && {
                let verb = clean[t..n].trim_end();
                !verb.is_empty() && verb.chars().all(char::is_alphabetic)
            }
        })
    }

    /// Whether the negation `toks[k]` is the determiner "no" before a noun (by the
    /// part-of-speech lexicon) that no token marks as goods, a vehicle, cargo, a flow or a
    /// movement: "no impact on trade" says nothing of the trade.
    fn denies_other_noun(&self, toks: &[Tok], k: usize) -> bool {
        let t = &toks[k];
        if !self.text.clean[t.start..t.end].eq_ignore_ascii_case("no") {
            return false;
        }
        let (at, word) = self.word_after(t.end);
        self.lexical_tag(&word).is_some_and(|g| g.is_noun()) && !token_at(toks, k, at, |_| true)
    }

    /// The country whose adjective stands right before the export word `toks[k]`,
    /// with at most one goods word between: "Chinese exports", "Russian coal exports".
    fn demonym_before(&self, toks: &[Tok], k: usize) -> Option<String> {
        let clean = &self.text.clean;
        let mut end = toks[k].start;
        if let Some(g) = k.checked_sub(1).map(|j| &toks[j]) {
            let between = clean[g.end..end].trim();
            if matches!(g.tk, Tk::Goods(_)) && between.is_empty() {
                end = g.start;
            }
        }
        let before = clean[..end].trim_end();
        self.demonym_where(|d| {
            ends_with_ci(before, d)
                && !before[..before.len() - d.len()].ends_with(|c: char| c.is_alphanumeric())
        })
    }

    /// The country one of whose adjectives (`direction.demonyms`) satisfies `is`.
    fn demonym_where(&self, is: impl Fn(&str) -> bool) -> Option<String> {
        let demonyms = &self.x.reference.cues.direction.demonyms;
        demonyms
            .iter()
            .find(|(_, list)| list.iter().any(|d| is(d)))
            .map(|(country, _)| country.clone())
    }

    /// The country whose adjective opens the subject of the halting word at `at`: "the
    /// Chinese Ministry of Commerce has banned", "Russian customs suspended". A government
    /// halts its own country's trade. The subject is the words since the last clause
    /// punctuation, a few at most.
    fn demonym_subject(&self, at: usize) -> Option<String> {
        let clean = &self.text.clean;
        let before = &clean[..at];
        let from = before
            .rfind([',', ';', '.', ':', '“', '"', '(', ')'])
            .map_or(0, |i| {
                i + before[i..].chars().next().map_or(1, char::len_utf8)
            });
        let subject = before[from..].trim();
        if subject.split_whitespace().count() > SUBJECT_WORDS {
            return None;
        }
        let subject = ["the ", "The "]
            .iter()
            .find_map(|d| subject.strip_prefix(d))
            .unwrap_or(subject);
        self.demonym_where(|d| {
            subject.len() > d.len()
                && subject.is_char_boundary(d.len())
                && subject[..d.len()].eq_ignore_ascii_case(d)
                && subject[d.len()..].starts_with(' ')
        })
    }

    /// The country whose adjective names the goods right after the import word `toks[k]`
    /// and "of": "imports of North Korean coal" are goods from the DPRK.
    fn demonym_of_goods_after(&self, toks: &[Tok], k: usize) -> Option<String> {
        let clean = &self.text.clean;
        let goods = toks[k + 1..]
            .iter()
            .find(|t| matches!(t.tk, Tk::Goods(_)))?;
        let between = clean.get(toks[k].end..goods.start)?.trim();
        let rest = between
            .strip_prefix("of the ")
            .or_else(|| between.strip_prefix("of "))?
            .trim();
        self.demonym_where(|d| rest.eq_ignore_ascii_case(d))
    }

    /// Whether `t` is "there" before a form of "be" ("there is", "there were", "there's"):
    /// the existential, not a place.
    fn existential_there(&self, t: &Tok) -> bool {
        let clean = &self.text.clean;
        if !clean[t.start..t.end].eq_ignore_ascii_case("there") {
            return false;
        }
        let rest = clean[t.end..].trim_start_matches([' ', '\'', '’']);
        let (_, word) = self.word_after(clean.len() - rest.len());
        let word = if word == "s" && t.end < clean.len() {
            "is".to_string()
        } else {
            word
        };
        matches!(
            word.as_str(),
            "is" | "are"
                | "was"
                | "were"
                | "be"
                | "been"
                | "has"
                | "have"
                | "had"
                | "will"
                | "would"
                | "may"
                | "might"
                | "seems"
                | "seem"
                | "seemed"
                | "appears"
                | "remains"
                | "remain"
                | "remained"
                | "used"
        )
    }

    /// True when a pronoun that points back to cargo follows a verb of carrying ending at `end`.
    pub(super) fn pronoun_object(&self, end: usize) -> bool {
        let (_, object) = self.word_after(end);
        self.x
            .reference
            .cues
            .reference
            .object_pronouns
            .contains(&object)
    }

    /// Whether the movement verb `toks[k]` is one that moves only goods-like objects
    /// (`movement.object_verbs`) and its object is a noun naming none: "received an award".
    /// The object is read up to its first noun, a few words at most; a word that carries a
    /// token (goods, a vehicle, cargo, a flow), a number, or no noun in reach keeps the verb.
    fn moves_no_object(&self, toks: &[Tok], k: usize) -> bool {
        let t = &toks[k];
        let verb = borderwatch_reference::text::fold(&self.text.clean[t.start..t.end]);
        if !self.x.reference.cues.movement.object_verbs.contains(&verb) {
            return false;
        }
        let mut end = t.end;
        for _ in 0..OBJECT_WORDS {
            let (at, word) = self.word_after(end);
            let digit = self.text.clean[at..].starts_with(|c: char| c.is_ascii_digit());
            if digit || token_at(toks, k, at, |tk| !matches!(tk, Tk::Place(_))) {
                return false;
            }
            let Some(tag) = self.lexical_tag(&word) else {
                return false;
            };
            if tag.is_noun() {
                return true;
            }
            // Only determiners and modifiers lead to the object's noun.
            if !matches!(
                tag.name(),
                "DT" | "JJ" | "JJR" | "JJS" | "PRP$" | "CD" | "VBN"
            ) {
                return false;
            }
            end = at + word.len();
        }
        false
    }

    /// Whether the cargo noun `toks[k]` is the head of its phrase ("smuggled goods pass"), not
    /// a modifier ("freight trains", "goods vehicles").
    fn cargo_head(&self, toks: &[Tok], k: usize) -> bool {
        let (at, next) = self.word_after(toks[k].end);
        // "the merchandise flows through": a verb of movement after it.
        let moves = |tk: &Tk| matches!(tk, Tk::Cue(Role::MoveVerb | Role::Frame(_) | Role::Via));
        token_at(toks, k, at, moves) || !self.lexical_tag(&next).is_some_and(|g| g.is_noun())
    }

    /// Whether the to/from cue `toks[k]` is followed by a capitalised word (after an optional
    /// "the") that no place token covers: "shipped to Incheon", "came from Japan". ("according
    /// to", "due to", "next to" are cues of their own, so their "to" is none.)
    fn names_unknown_place(&self, toks: &[Tok], k: usize) -> bool {
        let clean = &self.text.clean;
        let t = &toks[k];
        let mut at = t.end + (clean[t.end..].len() - clean[t.end..].trim_start().len());
        if let Some(rest) = clean[at..].strip_prefix("the ") {
            at = clean.len() - rest.len();
        }
        let capital = clean[at..].chars().next().is_some_and(char::is_uppercase);
        if !capital || self.cur_times.iter().any(|x| x.start <= at && at < x.end) {
            return false;
        }
        // A name ends at its last capitalised word; a noun or adjective after it makes the
        // capitalised word a modifier ("from the Russian daily").
        let mut rest = &clean[at..];
        // A name is a few words at most: the scan stays short whatever follows.
        for _ in 0..NAME_WORDS {
            let w = rest.split_whitespace().next().unwrap_or("");
            if !w.chars().next().is_some_and(char::is_uppercase) {
                break;
            }
            rest = rest.trim_start()[w.len()..].trim_start();
            if w.ends_with([',', '.', ';', ':', ')']) {
                rest = "";
                break;
            }
        }
        let next: String = rest.chars().take_while(|c| c.is_alphabetic()).collect();
        let modifier = self
            .lexical_tag(&next)
            .is_some_and(|g| matches!(g.name(), "NN" | "NNS" | "JJ"));
        // "entering Japanese ports" names a place; "to the Chinese port of Dalian" names the
        // place after "of".
        let head = self
            .x
            .reference
            .cues
            .place
            .heads
            .contains(&next.to_lowercase())
            && {
                let after = &rest[next.len()..];
                let of = after.trim_start().strip_prefix("of ").map(str::trim_start);
                !of.is_some_and(|o| {
                    token_at(toks, k, clean.len() - o.len(), |tk| {
                        matches!(tk, Tk::Place(_) | Tk::Crossing(_))
                    })
                })
            };
        (!modifier || head)
            && !token_at(toks, k, at, |tk| {
                matches!(tk, Tk::Place(_) | Tk::Crossing(_))
            })
    }
}

/// The role cue right before token `k`: the nearest from/to cue within a short reach, else
/// the nearest via/at cue, skipping country names, "of" and determiners ("left China's
/// frontier town of Hunchun").
pub(super) fn prev_cue(toks: &[Tok], k: usize, clean: &str) -> Option<Role> {
    let here = toks[k].start;
    let mut near: Option<Role> = None;
    let mut j = k;
    let mut last_start = here;
    let mut last_span = (here, toks[k].end);
    while j > 0 {
        j -= 1;
        let t = &toks[j];
        let same_span = (t.start, t.end) == last_span;
        if t.end > last_start && !same_span {
            continue; // overlaps the token after it
        }
        last_span = (t.start, t.end);
        if here.saturating_sub(t.end) > 60 {
            break;
        }
        // Words between this token and the last one: too many and the link is lost.
        if !same_span {
            let gap_words = clean[t.end.min(last_start)..last_start]
                .split_whitespace()
                .count();
            if gap_words > 4 {
                break;
            }
        }
        last_start = t.start;
        match &t.tk {
            Tk::Cue(r @ (Role::From | Role::To)) => return Some(*r),
            Tk::Cue(r @ (Role::Via | Role::At | Role::Exception | Role::Between)) => {
                if near.is_none() {
                    near = Some(*r);
                }
            }
            Tk::Cue(Role::Of) | Tk::Cue(Role::Return) => {}
            Tk::Place(_) | Tk::Crossing(_) => {
                // Only a country or a qualifier may stand between a cue and its place.
                let w = &clean[t.start..t.end];
                let country_like =
                    w.split_whitespace().count() <= 2 && clean[t.end..].starts_with(['\'', '’']);
                if !country_like {
                    break;
                }
            }
            Tk::Cue(Role::Break) => break,
            // "to a warehouse in Sinuiju", "from the station at Khasan": a facility named by
            // its kind, the place it is in takes the cue before it.
            Tk::Cue(Role::Storage | Role::Mode(_) | Role::RefRoute) if near == Some(Role::At) => {}
            _ => {
                if near.is_some() {
                    // The same word may also be a from/to cue ("from" opens a change "from
                    // 30 to 50" too).
                    let span = (t.start, t.end);
                    let also = toks[..j]
                        .iter()
                        .rev()
                        .take_while(|u| (u.start, u.end) == span)
                        .find_map(|u| match u.tk {
                            Tk::Cue(r @ (Role::From | Role::To)) => Some(r),
                            _ => None,
                        });
                    return also.or(near);
                }
            }
        }
    }
    near
}

impl Doc<'_, '_> {
    /// The mode the words of a vehicle reference name, by the mode cues: "the freight trains"
    /// holds "freight trains", a rail word.
    fn vehicle_mode(&self, t: &Tok) -> Option<Mode> {
        let words = &self.text.clean[t.start..t.end];
        let rest = &words[words.find(' ')? + 1..];
        self.x.matcher.scan(rest).iter().find_map(|m| {
            self.x.matcher.payloads[m.pattern]
                .iter()
                .find_map(|h| match h {
                    Hit::Cue(Role::Mode(mode)) => Some(*mode),
                    _ => None,
                })
        })
    }
}
