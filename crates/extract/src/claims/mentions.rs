//! Place mentions: every place or crossing of a clause with its role from the cue before it
//! (from, to, via, at, between), qualifiers folded into the place they qualify.
//!
//! Refuses: ordering places into routes (routes).

use super::*;

impl Doc<'_, '_> {
    pub(super) fn is_country(&self, id: &str) -> bool {
        self.gz()
            .place(id)
            .is_some_and(|p| p.kind == PlaceKind::Country)
    }

    pub(super) fn country(&self, id: &str) -> Option<String> {
        if let Some(c) = self.x.countries.get(id) {
            return Some(c.clone());
        }
        let c = self.gz().crossing(id)?;
        self.country(&c.sides[0])
    }

    pub(super) fn is_ancestor(&self, anc: &str, of: &str) -> bool {
        if let Some(up) = self.x.ancestors.get(of) {
            return up.iter().any(|a| a == anc);
        }
        match self.gz().crossing(of) {
            Some(c) => c.sides.iter().any(|s| self.is_ancestor(anc, s)),
            None => false,
        }
    }

    /// Place mentions of a sentence (outside the attribution) with their roles.
    pub(super) fn mentions(&self, toks: &[Tok]) -> Vec<Mention> {
        let clean = &self.text.clean;
        let mut out: Vec<Mention> = Vec::new();
        let mut compared_from: Option<usize> = None;
        let mut exception_from: Option<usize> = None;
        let mut break_at: Vec<usize> = Vec::new();
        for (k, t) in toks.iter().enumerate() {
            match &t.tk {
                Tk::Cue(Role::Comparison) => compared_from = Some(t.end),
                Tk::Cue(Role::Exception) => exception_from = Some(t.end),
                Tk::Cue(Role::Break) => {
                    compared_from = None;
                    break_at.push(t.start);
                }
                Tk::Place(id) | Tk::Crossing(id) => {
                    let crossing = matches!(t.tk, Tk::Crossing(_));
                    if !crossing && self.is_country(id) {
                        continue;
                    }
                    let mut role = match prev_cue(toks, k, clean) {
                        Some(Role::From) => PRole::From,
                        Some(Role::To) => PRole::To,
                        Some(Role::Via) | Some(Role::Exception) => PRole::Via,
                        Some(Role::At) => PRole::At,
                        Some(Role::Between) => PRole::Between,
                        _ => PRole::None,
                    };
                    if role == PRole::None {
                        // A postposition glued to the name: "단둥에서", "신의주로".
                        let p = &self.x.reference.cues.prep;
                        let after = &clean[t.end..];
                        if p.from_after.iter().any(|x| after.starts_with(x.as_str())) {
                            role = PRole::From;
                        } else if p.to_after.iter().any(|x| after.starts_with(x.as_str())) {
                            role = PRole::To;
                        }
                    }
                    let mut qualifier = false;
                    let mut coordinated = false;
                    if let Some(prev) = out.last() {
                        let gap = &clean[prev.end..t.start];
                        let g = gap.trim().to_ascii_lowercase();
                        let k = break_at.partition_point(|&b| b <= prev.end);
                        let same_clause = break_at.get(k).is_none_or(|&b| b >= t.start);
                        // "Dandong in China's Liaoning Province", "Dandong, China", "Hunchun's
                        // Quanhe customs house".
                        if same_clause
                            && self.is_ancestor(id, &prev.id)
                            && (matches!(g.as_str(), "in" | "," | "of" | "")
                                || g.starts_with("in ")
                                || g.ends_with(" of"))
                        {
                            qualifier = true;
                        } else if same_clause
                            && self.is_ancestor(&prev.id, id)
                            && matches!(g.as_str(), "" | "s" | "'s" | "’s")
                            && possessive_between(clean, prev.end, t.start)
                        {
                            // The earlier name qualifies this one: inherit its role.
                            let prev_role = prev.role;
                            if let Some(p) = out.last_mut() {
                                p.qualifier = true;
                            }
                            role = prev_role;
                        } else if same_clause
                            && role == PRole::None
                            && coordinates(&self.gap_without_countries(toks, prev.end, t.start))
                        {
                            // Coordination: "through Linjiang or Hunchun", "between Dalian,
                            // on the Liaodong coast, and Nampo".
                            let anchor = out
                                .iter()
                                .rev()
                                .find(|m| !m.qualifier)
                                .map_or(prev.role, |m| m.role);
                            role = anchor;
                            coordinated = true;
                        }
                    }
                    out.push(Mention {
                        id: id.to_string(),
                        crossing,
                        start: t.start,
                        end: t.end,
                        role,
                        qualifier,
                        compared: compared_from.is_some_and(|c| t.start >= c),
                        excepted: exception_from.is_some_and(|c| t.start >= c),
                        coordinated,
                    });
                }
                _ => {}
            }
        }
        // "the route connecting Dandong … and Sinuiju": both ends with the same role.
        out
    }

    /// Every place of sentence `si` outside its attribution, in order.
    pub(super) fn sentence_places(&self, si: usize) -> Vec<String> {
        let s = self.sents[si];
        let clean = &self.text.clean;
        let mut places: Vec<String> = Vec::new();
        let (as_, ae) = self.attribution[si]
            .as_ref()
            .map_or((usize::MAX, usize::MAX), |a| (a.1, a.2));
        for t in &self.toks[self.toks_in(s.start, s.end)] {
            if t.start >= as_ && t.end <= ae {
                continue;
            }
            // A place named again by "this yard" is the earlier sentence's place.
            if self.place_refs.iter().any(|r| r.0 == t.start) {
                continue;
            }
            if let Tk::Place(id) = &t.tk {
                if !places.iter().any(|p| **p == **id) {
                    places.push(id.to_string());
                }
            }
            // "the Changbai-Hyesan route" names Changbai and Hyesan too.
            if let Tk::Crossing(id) = &t.tk {
                for p in self.places_in_crossing_name(id, &clean[t.start..t.end]) {
                    if !places.contains(&p) {
                        places.push(p);
                    }
                }
            }
        }
        places
    }

    /// The crossing's sides (or their towns) whose names appear in the words naming it.
    pub(super) fn places_in_crossing_name(&self, id: &str, words: &str) -> Vec<String> {
        let gz = self.gz();
        let Some(c) = gz.crossing(id) else {
            return Vec::new();
        };
        let folded = format!(" {} ", borderwatch_reference::text::fold(words));
        let mut out = Vec::new();
        for side in &c.sides {
            for p in gz.ancestry(side) {
                if matches!(p.kind, PlaceKind::Country | PlaceKind::Province) {
                    break;
                }
                let hit = p.names.iter().any(|n| {
                    let f = borderwatch_reference::text::fold(n);
                    !f.is_empty() && folded.contains(&format!(" {f} "))
                });
                if hit {
                    out.push(p.id.clone());
                    break;
                }
            }
        }
        out
    }

    /// Whether sentence `j` names a place below country level outside its attribution.
    pub(super) fn names_place(&self, j: usize) -> bool {
        let s = self.sents[j];
        self.toks[self.toks_in(s.start, s.end)]
            .iter()
            .any(|t| match &t.tk {
                Tk::Place(id) => !self.is_country(id) && !self.in_attribution(j, t.start, t.end),
                Tk::Crossing(_) => true,
                _ => false,
            })
    }
}

/// A gap that is an aside and a conjunction: ", on the Liaodong coast, and" (at most eight words).
/// Whether the words between two places join them: "and", "or", a comma, a slash, or an aside
/// before "and" ("between Dalian, on the Liaodong coast, and Nampo").
fn coordinates(g: &str) -> bool {
    matches!(g, "and" | "or" | "," | ", and" | ", or" | "/") || aside_then_and(g)
}

impl Doc<'_, '_> {
    /// The lower-cased words between two places with the country names among them left out,
    /// with their possessives: "Russia's Khasan and the DPRK's Tumangang" joins by "and",
    /// "Dandong, China, and Sinuiju" by ", and".
    fn gap_without_countries(&self, toks: &[Tok], from: usize, to: usize) -> String {
        let clean = &self.text.clean;
        let mut out = String::new();
        let mut at = from;
        for t in toks.iter().filter(|t| t.start >= from && t.end <= to) {
            if matches!(&t.tk, Tk::Place(id) if self.is_country(id)) {
                out.push_str(&clean[at..t.start]);
                at = t.end;
                let rest = &clean[at..to];
                for p in ["'s", "’s", "'", "’"] {
                    if rest.starts_with(p) {
                        at += p.len();
                        break;
                    }
                }
            }
        }
        out.push_str(&clean[at..to]);
        let words: Vec<&str> = out.split_whitespace().collect();
        let mut g = words.join(" ").to_ascii_lowercase().replace(" ,", ",");
        while g.contains(",,") {
            g = g.replace(",,", ",");
        }
        g
    }
}

fn aside_then_and(gap: &str) -> bool {
    gap.starts_with(',')
        && (gap.ends_with(", and") || gap.ends_with(", or"))
        && gap.split_whitespace().count() <= 8
}
