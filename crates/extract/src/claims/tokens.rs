//! Tokens of a document: the matcher's hits become places, crossings, goods and cues, with
//! ambiguous names settled by the places around them.
//!
//! Refuses: roles and claims; a token only says what a span is.

use super::*;

impl Doc<'_, '_> {
    pub(super) fn tokenize(&mut self) {
        let clean = &self.text.clean;
        let found = self.x.matcher.scan(clean);
        let mut toks = Vec::with_capacity(found.len() * 2);
        let mut ambiguous: Vec<(usize, Vec<Named>)> = Vec::new();
        for f in &found {
            for hit in &self.x.matcher.payloads[f.pattern] {
                let tk = match hit {
                    Hit::Goods(i) => Tk::Goods(*i),
                    Hit::Cue(r) => Tk::Cue(*r),
                    Hit::Place(named) => match self.one_thing(named) {
                        Some(n) => named_tk(&n),
                        None => {
                            ambiguous.push((toks.len(), named.clone()));
                            Tk::Place(Rc::from(""))
                        }
                    },
                };
                toks.push(Tok {
                    start: f.start,
                    end: f.end,
                    tk,
                });
            }
        }
        // Ambiguous names: the candidate whose neighbourhood the document mentions wins.
        let mentioned: BTreeSet<String> = toks
            .iter()
            .filter_map(|t| match &t.tk {
                Tk::Place(id) if !id.is_empty() => Some(id.to_string()),
                Tk::Crossing(id) => Some(id.to_string()),
                _ => None,
            })
            .collect();
        for (k, named) in ambiguous {
            let scored: Vec<(usize, &Named)> = named
                .iter()
                .map(|n| (self.neighbourhood(n).intersection(&mentioned).count(), n))
                .collect();
            let best = scored.iter().map(|s| s.0).max().unwrap_or(0);
            let winners: Vec<&Named> = scored
                .iter()
                .filter(|s| s.0 == best && best > 0)
                .map(|s| s.1)
                .collect();
            if winners.len() == 1 {
                toks[k].tk = named_tk(winners[0]);
            } else {
                let t = &toks[k];
                let [s, _] = self.text.span(t.start, t.end);
                self.issues.push(
                    Issue::new(
                        IssueCode::AmbiguousPlace,
                        format!(
                            "byte {s}: {:?} names {} and the report does not say which",
                            &clean[t.start..t.end],
                            named.iter().map(Named::id).collect::<Vec<_>>().join(", ")
                        ),
                    )
                    .value(&clean[t.start..t.end]),
                );
                if let Some(i) = self.issues.last_mut() {
                    i.file = Some(self.source.into());
                }
            }
        }
        toks.retain(|t| !matches!(&t.tk, Tk::Place(id) if id.is_empty()));
        // "Tumen River" is not Tumen.
        let not_after: Vec<(usize, usize)> = toks
            .iter()
            .filter(|t| t.tk == Tk::Cue(Role::NotAfterPlace))
            .map(|t| (t.start, t.end))
            .collect();
        toks.retain(|t| {
            !matches!(t.tk, Tk::Place(_) | Tk::Crossing(_))
                || !not_after.iter().any(|&(s, _)| s > t.end && s <= t.end + 1)
        });
        // "across the Tumen" is the river, not the city.
        let rivers = &self.x.reference.cues.place.rivers;
        toks.retain(|t| {
            !matches!(t.tk, Tk::Place(_))
                || !river_after_the(clean, t.start, t.end, rivers)
                || self.noun_after(t.end)
        });
        // "Hwasong-14", "Tu-204": a name with a number joined by a hyphen is a model, not a place.
        toks.retain(|t| {
            !matches!(t.tk, Tk::Place(_) | Tk::Crossing(_)) || !model_number_after(clean, t.end)
        });
        // "to enforce sanctions against the North": an infinitive marker names no destination.
        toks.retain(|t| t.tk != Tk::Cue(Role::To) || !self.infinitive_to(t));
        self.toks = toks;
    }

    /// Whether the word after byte `end` can head or modify a noun by the part-of-speech
    /// lexicon ("the Tumen crossing" is a crossing named by its town, not the river).
    fn noun_after(&self, end: usize) -> bool {
        let (_, word) = self.word_after(end);
        self.lexical_tag(&word)
            .is_some_and(|g| g.is_noun() || matches!(g.name(), "VBG" | "JJ"))
    }

    /// Whether the cue `t` is the bare word "to" before a verb in its base form, by the
    /// part-of-speech lexicon's most frequent tag.
    fn infinitive_to(&self, t: &Tok) -> bool {
        if !self.text.clean[t.start..t.end].eq_ignore_ascii_case("to") {
            return false;
        }
        let (_, word) = self.word_after(t.end);
        self.lexical_tag(&word).is_some_and(|g| g.name() == "VB")
    }

    /// The one thing a set of names means, when it is one (a crossing with its own bridge).
    pub(super) fn one_thing(&self, named: &[Named]) -> Option<Named> {
        if named.len() == 1 {
            return Some(named[0].clone());
        }
        let crossings: Vec<&Named> = named
            .iter()
            .filter(|n| matches!(n, Named::Crossing(_)))
            .collect();
        if crossings.len() == 1 {
            let c = self.gz().crossing(crossings[0].id())?;
            let all = named.iter().all(|n| match n {
                Named::Crossing(_) => true,
                Named::Place(id) => c.bridges.contains(id) || c.facilities.contains(id),
            });
            if all {
                return Some(crossings[0].clone());
            }
        }
        None
    }

    /// Places that make a candidate likely: its ancestors below country level, and the sides
    /// of its crossings with their ancestors.
    pub(super) fn neighbourhood(&self, n: &Named) -> BTreeSet<String> {
        let gz = self.gz();
        let mut seeds: Vec<String> = vec![n.id().to_string()];
        match n {
            Named::Crossing(id) => {
                if let Some(c) = gz.crossing(id) {
                    seeds.extend(c.sides.iter().cloned());
                }
            }
            Named::Place(id) => {
                for c in gz.crossings_at(id) {
                    seeds.extend(c.sides.iter().cloned());
                    seeds.push(c.id.clone());
                }
            }
        }
        let mut out = BTreeSet::new();
        for s in seeds {
            out.insert(s.clone());
            for p in gz.ancestry(&s) {
                if !matches!(p.kind, PlaceKind::Country | PlaceKind::Province) {
                    out.insert(p.id.clone());
                }
            }
        }
        out.remove(n.id());
        out
    }

    pub(super) fn toks_in(&self, s: usize, e: usize) -> std::ops::Range<usize> {
        let a = self.toks.partition_point(|t| t.start < s);
        let b = self.toks.partition_point(|t| t.start < e);
        a..b.max(a)
    }
}

pub(super) fn named_tk(n: &Named) -> Tk {
    match n {
        Named::Place(id) => Tk::Place(Rc::from(id.as_str())),
        Named::Crossing(id) => Tk::Crossing(Rc::from(id.as_str())),
    }
}

/// Whether a hyphen and a digit follow byte `end` ("-14" after "Hwasong").
fn model_number_after(clean: &str, end: usize) -> bool {
    let mut rest = clean[end..].chars();
    matches!(rest.next(), Some('-' | '‐' | '–')) && rest.next().is_some_and(|c| c.is_ascii_digit())
}

/// Whether the name at `start..end` is one of `rivers` with "the" right before it.
fn river_after_the(clean: &str, start: usize, end: usize, rivers: &[String]) -> bool {
    let before = &clean[..start];
    before.ends_with(char::is_whitespace)
        && before
            .split_whitespace()
            .last()
            .is_some_and(|w| w.eq_ignore_ascii_case("the"))
        && rivers.contains(&clean[start..end].to_lowercase())
}
