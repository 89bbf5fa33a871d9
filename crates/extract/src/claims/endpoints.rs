//! Endpoints named only as countries: "sent on to North Korea", "imported from China", "the
//! empty wagons went back to China".
//!
//! A movement whose clause names a country after a `to` or `from` cue, and no place for that
//! end, takes the country as the end (a country id such as `kp`), so the corridor has both ends.
//! The trading country of "China has suspended imports" is the end opposite the DPRK, and a
//! movement with a known direction and one known end outside the DPRK takes the DPRK as its
//! other end (inbound means into it, outbound out of it).
//! Refuses: inventing a country the text does not name or the direction does not imply; a country
//! equal to the other end's country (that would make an international movement domestic).

use borderwatch_model::Direction;

use super::{Doc, Facts, Route};

/// How many sentences back the same traffic may have been named with its route: as far as a
/// reference word reaches.
const SAME_TRAFFIC_REACH: usize = super::REFERENCE_REACH;

impl Doc<'_, '_> {
    pub(super) fn country_ends(
        &self,
        route: &Route,
        f: &Facts,
        dir: Direction,
    ) -> (Option<String>, Option<String>) {
        let mut from = route.from.clone();
        let mut to = route.to.clone();
        // A crossing carries both sides; its ends are already known.
        if route.via.is_some() && (from.is_none() || to.is_none()) {
            return (from, to);
        }
        let country_of = |id: &Option<String>| id.as_deref().and_then(|i| self.country(i));
        let fits = |c: &str, dir_end_kp: Option<bool>| match dir_end_kp {
            Some(kp) => (c == "kp") == kp,
            None => true,
        };
        // Which end is the DPRK for the direction said: inbound → to, outbound → from.
        let (from_kp, to_kp) = match dir {
            Direction::Inbound => (Some(false), Some(true)),
            Direction::Outbound => (Some(true), Some(false)),
            _ => (None, None),
        };
        if to.is_none() {
            if let Some(c) = f.to_country.as_deref() {
                if fits(c, to_kp) && country_of(&from).as_deref() != Some(c) {
                    to = Some(c.to_string());
                }
            }
        }
        if from.is_none() {
            if let Some(c) = f.from_country.as_deref() {
                if fits(c, from_kp) && country_of(&to).as_deref() != Some(c) {
                    from = Some(c.to_string());
                }
            }
        }
        // "China has suspended imports": the trading country is the end opposite the DPRK.
        // An exporter is never the destination, an importer never the origin ("coal disguised as
        // Russian exports" leaving the DPRK goes elsewhere).
        let (imports, exports) = (f.import.is_some(), f.export.is_some());
        if let Some(c) = f.trading_country.as_deref().filter(|c| *c != "kp") {
            match dir {
                Direction::Inbound if imports && !exports => {}
                Direction::Outbound if exports && !imports => {}
                Direction::Inbound if from.is_none() && country_of(&to).as_deref() != Some(c) => {
                    from = Some(c.to_string())
                }
                Direction::Outbound if to.is_none() && country_of(&from).as_deref() != Some(c) => {
                    to = Some(c.to_string())
                }
                _ => {}
            }
        }
        (from, to)
    }
}

impl Doc<'_, '_> {
    /// The DPRK end a direction implies: inbound goes into the DPRK, outbound leaves it. Fills
    /// the missing end of a movement of goods or a load whose other end is known and outside the
    /// DPRK — a place, or a country only when the flow is denied ("China has suspended imports"
    /// denies every corridor). A ship or a person going somewhere is not a corridor of trade, and
    /// "imported from China" names no corridor.
    pub(super) fn dprk_end(
        &self,
        ends: (Option<String>, Option<String>),
        dir: Direction,
        cargo: bool,
        negated: bool,
    ) -> (Option<String>, Option<String>) {
        let (mut from, mut to) = ends;
        let outside = |id: &Option<String>| {
            id.as_deref().is_some_and(|i| {
                self.country(i).is_some_and(|c| c != "kp") && (negated || !self.is_country(i))
            })
        };
        if cargo {
            match dir {
                Direction::Inbound if to.is_none() && outside(&from) => to = Some("kp".into()),
                Direction::Outbound if from.is_none() && outside(&to) => from = Some("kp".into()),
                _ => {}
            }
        }
        (from, to)
    }

    /// The DPRK end of a movement of goods that the clause names without a preposition: "Rajin
    /// port is used for exporting coal to China" leaves from Rajin. Only when the clause names
    /// exactly one DPRK place with no role of its own.
    pub(super) fn unroled_dprk_end(
        &self,
        ends: (Option<String>, Option<String>),
        dir: Direction,
        cargo: bool,
        mentions: &[super::Mention],
    ) -> (Option<String>, Option<String>) {
        let (from, to) = ends;
        let missing = match dir {
            Direction::Outbound => from.is_none() && to.is_some(),
            Direction::Inbound => to.is_none() && from.is_some(),
            _ => false,
        };
        if !cargo || !missing {
            return (from, to);
        }
        let mut kp = mentions.iter().filter(|m| {
            !m.crossing
                && m.role == super::PRole::None
                && !m.qualifier
                && !m.compared
                && self.country(&m.id).as_deref() == Some("kp")
                && !self.is_country(&m.id)
        });
        match (kp.next(), kp.next(), dir) {
            (Some(m), None, Direction::Outbound) => (Some(m.id.clone()), to),
            (Some(m), None, Direction::Inbound) => (from, Some(m.id.clone())),
            _ => (from, to),
        }
    }

    /// The routes named earlier that a clause can mean, by the countries it names as its
    /// ends: each named end must be the country of the route's end, the route turned round
    /// when that fits ("…import steel through Hunchun. The same towns export wigs to China").
    pub(super) fn routes_between_countries(&self, routes: &[Route], facts: &Facts) -> Vec<Route> {
        let fits = |r: &Route| {
            let end = |end: &Option<String>, named: &Option<String>| match (end, named) {
                (Some(e), Some(n)) => match (self.country(e), self.country(n)) {
                    (Some(c), Some(m)) => c == m,
                    _ => true,
                },
                _ => true,
            };
            end(&r.from, &facts.from_country) && end(&r.to, &facts.to_country)
        };
        routes
            .iter()
            .filter_map(|r| {
                if fits(r) {
                    return Some(r.clone());
                }
                let back = super::reversed(r);
                fits(&back).then_some(back)
            })
            .collect()
    }

    /// The route of the same traffic named just before: "Some forty lorries waited in the
    /// Dandong customs area to head into North Korea. Lorries were taking shoes and salt into
    /// North Korea." A movement of goods whose end outside the DPRK is unnamed, going the same
    /// way by the same mode as a route up to three sentences back that names that end, is on
    /// that route. Returns the route's outside end and crossing (the DPRK end stays the
    /// clause's own when it names one) and the sentence that named it.
    pub(super) fn same_traffic(
        &self,
        si: usize,
        (from, to): (&Option<String>, &Option<String>),
        dir: Direction,
        mode: Option<borderwatch_model::Mode>,
    ) -> Option<(Route, usize)> {
        let mode = mode?;
        let kp_or_none = |id: &Option<String>| {
            id.as_deref()
                .is_none_or(|i| self.country(i).as_deref() == Some("kp"))
        };
        let inbound = match dir {
            Direction::Inbound if from.is_none() && kp_or_none(to) => true,
            Direction::Outbound if to.is_none() && kp_or_none(from) => false,
            _ => return None,
        };
        (si.saturating_sub(SAME_TRAFFIC_REACH)..si)
            .rev()
            .find_map(|j| {
                let f = self.sentence_frame[j].as_ref()?;
                f.routes.iter().find_map(|r| {
                    let outside = if inbound { &r.from } else { &r.to };
                    let fits = r.mode == Some(mode)
                        && r.direction == dir
                        && outside
                            .as_deref()
                            .is_some_and(|o| self.country(o).is_some_and(|c| c != "kp"));
                    fits.then(|| {
                        let mut r = r.clone();
                        // The clause's own DPRK place wins over the earlier route's; a country only
                        // where the route names no place.
                        let own = |mine: &Option<String>, theirs: Option<String>| match mine {
                            Some(m) if !self.is_country(m) => Some(m.clone()),
                            _ => theirs.or_else(|| mine.clone()),
                        };
                        if inbound {
                            r.to = own(to, r.to.take());
                        } else {
                            r.from = own(from, r.from.take());
                        }
                        (r, f.sentence)
                    })
                })
            })
    }

    /// A movement between two countries by a named mode ("freight trains return to China from
    /// North Korea") on a document that already named a corridor between them by that mode: the
    /// corridor is the one meant. Returns it, oriented from `from` to `to`, with the sentence
    /// that named it.
    pub(super) fn corridor_between(
        &self,
        si: usize,
        from: &str,
        to: &str,
        mode: Option<borderwatch_model::Mode>,
    ) -> Option<(Route, usize)> {
        let mode = mode?;
        if !(self.is_country(from) && self.is_country(to)) {
            return None;
        }
        let cty = |id: &Option<String>| id.as_deref().and_then(|i| self.country(i));
        (0..si).rev().find_map(|j| {
            let f = self.sentence_frame[j].as_ref()?;
            f.routes.iter().find_map(|r| {
                if r.mode != Some(mode) || r.from.is_none() || r.to.is_none() {
                    return None;
                }
                let (a, b) = (cty(&r.from)?, cty(&r.to)?);
                if a == from && b == to {
                    Some((r.clone(), f.sentence))
                } else if a == to && b == from {
                    Some((super::reversed(r), f.sentence))
                } else {
                    None
                }
            })
        })
    }
}

impl Doc<'_, '_> {
    /// Where goods a clause refers back to were held: "its cargo was unloaded and driven to
    /// Longkou" after "a train parked at Dandong station". Within two sentences.
    pub(super) fn stored_origin(&self, si: usize, f: &Facts) -> Option<(usize, String)> {
        if !(f.ref_cargo || f.ref_vehicle) {
            return None;
        }
        let (j, at) = self.last_storage.clone()?;
        (j < si && si - j <= 2).then_some((j, at))
    }

    /// Where goods a clause refers back to ("the merchandise then went on to Longkou") were
    /// last carried to: the start of their next leg. Within two sentences, and never the
    /// clause's own destination; a clause that names no destination of its own ("… made it
    /// impossible to ship them") goes on no next leg.
    pub(super) fn transfer_point(
        &self,
        si: usize,
        goods_by_reference: bool,
        to: &Option<String>,
    ) -> Option<(usize, String)> {
        if !goods_by_reference || to.is_none() {
            return None;
        }
        let (j, at) = self.last_leg_end.clone()?;
        (j < si && si - j <= 2 && to.as_deref() != Some(at.as_str())).then_some((j, at))
    }

    /// The direction of a movement between two known places, by their countries.
    pub(super) fn direction_between(&self, from: &str, to: Option<&str>) -> Option<Direction> {
        let a = self.country(from)?;
        let b = self.country(to?)?;
        Some(match (a.as_str(), b.as_str()) {
            (x, y) if x == y => Direction::Domestic,
            (_, "kp") => Direction::Inbound,
            ("kp", _) => Direction::Outbound,
            _ => return None,
        })
    }
}

impl Doc<'_, '_> {
    /// The route "between A and B": A to B through their crossing, direction from their countries.
    pub(super) fn route_between(
        &self,
        a: &super::Mention,
        b: &super::Mention,
        mode: Option<borderwatch_model::Mode>,
    ) -> Option<Route> {
        if a.crossing || b.crossing || a.id == b.id {
            return None;
        }
        let direction = self.direction_between(&a.id, Some(&b.id))?;
        Some(Route {
            from: Some(a.id.clone()),
            to: Some(b.id.clone()),
            via: self.crossing_for(&a.id, Some(&b.id)),
            direction: Direction::Unknown,
            mode,
            named: None,
            named_other: None,
            leg: direction == Direction::Domestic,
        })
    }

    /// Each route with no direction of its own that names a crossing or both ends, once inbound
    /// and once outbound (as legs, so each keeps its own direction).
    pub(super) fn both_ways(&self, routes: Vec<Route>) -> Vec<Route> {
        let mut out = Vec::with_capacity(routes.len() * 2);
        for r in routes {
            let international = r.via.is_some() || (r.from.is_some() && r.to.is_some());
            if r.direction != Direction::Unknown || r.leg || !international {
                out.push(r);
                continue;
            }
            for d in [Direction::Inbound, Direction::Outbound] {
                let mut leg = Route {
                    direction: d,
                    leg: true,
                    ..r.clone()
                };
                // Ends named without a crossing ("between Haeju and Longkou") face the way
                // this leg goes: into the DPRK inbound, out of it outbound.
                if leg.via.is_none() {
                    let to_kp =
                        leg.to.as_deref().and_then(|t| self.country(t)).as_deref() == Some("kp");
                    if to_kp != (d == Direction::Inbound) {
                        std::mem::swap(&mut leg.from, &mut leg.to);
                    }
                }
                out.push(leg);
            }
        }
        out
    }
}

impl Doc<'_, '_> {
    /// A country token followed closely by an import or export word with nothing but auxiliaries
    /// and adverbs between ("China has suspended imports", "Russia's exports", "China imports").
    pub(super) fn trades_as_subject(&self, toks: &[super::Tok], k: usize) -> bool {
        use crate::matcher::Role;
        self.subject_of(
            toks,
            k,
            |r| matches!(r, Role::Import | Role::Export),
            |_| true,
        )
    }

    /// A country token as the subject of a verb that moves goods ("China sent", "Russia has
    /// reportedly shipped"): the goods leave it. Only auxiliaries and adverbs may stand between
    /// (by the part-of-speech lexicon), so "North Korean coal was shipped" is no subject; nor
    /// is a noun right after the country ("DPRK trade", "China shipments").
    pub(super) fn sends_as_subject(&self, toks: &[super::Tok], k: usize) -> bool {
        use crate::matcher::Role;
        let auxiliary = |w: &str| {
            self.lexical_tag(&w.to_lowercase())
                .is_some_and(|g| matches!(g.name(), "MD" | "RB" | "VBZ" | "VBP" | "VBD" | "VBN"))
        };
        self.subject_of(
            toks,
            k,
            |r| matches!(r, Role::MoveVerb | Role::Frame(_)),
            |(gap, verb)| {
                let noun = self
                    .lexical_tag(&verb.to_lowercase())
                    .is_some_and(|g| g.is_noun());
                (!noun || !gap.trim().is_empty()) && gap.split_whitespace().all(auxiliary)
            },
        )
    }

    /// Whether the first cue token after token `k` within reach is one `role` accepts, with
    /// at most three words and no punctuation between, and `fits` accepts the words between
    /// and the cue's own word.
    fn subject_of(
        &self,
        toks: &[super::Tok],
        k: usize,
        role: impl Fn(crate::matcher::Role) -> bool,
        fits: impl Fn((&str, &str)) -> bool,
    ) -> bool {
        let t = &toks[k];
        let clean = &self.text.clean;
        toks[k + 1..]
            .iter()
            .take_while(|u| u.start - t.end <= 30)
            .find(|u| matches!(u.tk, super::Tk::Cue(r) if role(r)))
            .is_some_and(|u| {
                let gap = &clean[t.end..u.start];
                !gap.contains([',', ';', '.'])
                    && gap.split_whitespace().count() <= 3
                    && fits((gap, &clean[u.start..u.end]))
            })
    }
}
