//! Movement claims of one clause: a direction signal plus goods, a route, a load or a mode.
//!
//! The route is the clause's own, else its sibling clause's, else the way back of the route
//! just named (returns), else the frame a reference word points to; each route (or leg of a
//! chain) gives one claim with its ends, mode, load, polarity, goods, quantities and time.
//! Traffic denied with no direction is denied both ways.
//!
//! Refuses: statements of rules (policy), halts without a flow (status), storage.

use super::*;

/// What the clauses of one sentence hand on to the next clause and to the sentence's frame.
pub(super) struct Walk {
    /// Routes with places the sentence named (its frame).
    pub(super) sentence_routes: Vec<Route>,
    /// The frame the sentence borrowed, when it named none.
    pub(super) frame_used: Option<Frame>,
    pub(super) prev_clause_routes: Vec<Route>,
    /// The sentence the previous clause's routes were completed from, if not its own.
    pub(super) prev_clause_context: Option<usize>,
    pub(super) prev_direction: Direction,
}

/// One clause as the movement builder reads it.
pub(super) struct Clause<'c> {
    pub(super) si: usize,
    /// Position of the clause in its sentence.
    pub(super) ci: usize,
    pub(super) clause: (usize, usize),
    pub(super) sentence: Sentence,
    pub(super) base: &'c ClaimBase,
    pub(super) facts: &'c Facts,
    pub(super) mentions: &'c [Mention],
    pub(super) toks: &'c [Tok],
    /// The sentence's places outside this clause, when the clause names none.
    pub(super) sibling: &'c [Mention],
    pub(super) own_places: bool,
    pub(super) sentence_mode: Option<Mode>,
}

impl Default for Walk {
    fn default() -> Walk {
        Walk {
            sentence_routes: Vec::new(),
            frame_used: None,
            prev_clause_routes: Vec::new(),
            prev_clause_context: None,
            prev_direction: Direction::Unknown,
        }
    }
}

/// A verb that moves things right before "between", other than a word for trade itself:
/// "ships shuttle between Haeju and Longkou"; not "trade between Dandong and Sinuiju
/// reopened" nor "a railway between Khasan and Rajin carries coal" (a route, not traffic both
/// ways).
/// The verb is a verb in its sentence, by the tagger ("the trade *route* between" is a noun).
fn moves_between(
    f: &Facts,
    mentions: &[Mention],
    clean: &str,
    pos: &borderwatch_reference::pos::PosPack,
    (cs, ce): (usize, usize),
) -> bool {
    let Some(first) = mentions.iter().find(|m| m.role == PRole::Between) else {
        return false;
    };
    let near: Vec<usize> = f
        .triggers
        .iter()
        .copied()
        .filter(|&v| {
            v < first.start
                && first.start - v <= 40
                && !f.flows.iter().any(|&(s, _)| s == v)
                && clean[v..first.start].split_whitespace().count() <= 3
        })
        .collect();
    if near.is_empty() {
        return false;
    }
    let tagged = crate::tagger::tag(pos, clean, cs, ce);
    near.iter().any(|&v| {
        tagged
            .index_at(v)
            .is_some_and(|i| tagged.tags[i].name().starts_with("VB"))
    })
}

impl Doc<'_, '_> {
    pub(super) fn movement(&mut self, w: &mut Walk, c: &Clause) {
        let &Clause {
            si,
            ci,
            clause: (cs, ce),
            sentence: s,
            base,
            facts,
            mentions,
            toks: ctoks,
            sibling,
            own_places,
            sentence_mode,
        } = c;
        // "The Security Council banned exports of coal": a statement of the rules, no movement.
        // A flow named well before the rule is the clause's own ("shipments from Russia, the
        // first since the Council capped oil shipments"); "an export ban on" is the rule's.
        if facts.rulemaker
            && facts
                .ban
                .is_some_and(|b| facts.triggers.iter().all(|&t| t + HALT_OTHER_SIDE > b))
        {
            return;
        }
        self.note_stated_direction(si, facts, mentions);
        let mode = facts.mode.or(sentence_mode);
        let mut routes = self.routes(facts, mentions, mode, false);
        // "Rice was trading for 9,000 won at the Hyesan market": a price, not a movement.
        let price = facts.conditions.iter().any(|c| c.0 == "price");
        if price && facts.import.is_none() && facts.export.is_none() {
            return;
        }
        // "Defectors were repatriated over the bridge": people moved, not goods. The vehicle's
        // route still stands for later references ("the ship carried no cargo").
        if facts.people && !ctoks.iter().any(|t| matches!(t.tk, Tk::Goods(_))) {
            w.sentence_routes
                .extend(routes.into_iter().filter(has_place));
            return;
        }
        // "The new line links Sinuiju with a depot in Uiju": the way described, not traffic.
        // Its route still stands for later references ("the line carried coal").
        // "She is in charge of trade with the North": trade named, not reported.
        // "Trucks from Dandong are under strict inspections": a condition of the trucks.
        if facts.infrastructure
            || self.names_trade_only(facts, ctoks)
            || self.states_condition_only(facts, ctoks, (cs, ce))
        {
            w.sentence_routes
                .extend(routes.into_iter().filter(has_place));
            return;
        }
        let mut context: Option<usize> = None;
        let shuttle = moves_between(
            facts,
            mentions,
            &self.text.clean,
            &self.x.reference.pos,
            (cs, ce),
        );
        let has_signal = facts.import.is_some()
            || facts.export.is_some()
            || facts.ret
            || facts.reverse
            || facts.to_country.is_some()
            || facts.from_country.is_some()
            || mentions
                .iter()
                .any(|m| matches!(m.role, PRole::From | PRole::To) && !m.qualifier)
            // "Ships shuttle between Haeju and Longkou": two ends a verb moves between.
            || (shuttle
                && mentions
                    .iter()
                    .filter(|m| m.role == PRole::Between && !m.qualifier)
                    .count()
                    >= 2);
        let triggered = facts.move_verb.is_some()
            || facts.import.is_some()
            || facts.export.is_some()
            || facts.ret
            || facts.load.is_some()
            || facts.mode.is_some();
        // "Going in to load up on coal": goods after the word for an empty load are what the
        // vehicle goes to fetch, not what it carries.
        // "… since the Council set limits on fuel shipments": goods a background ban names
        // are the rule's.
        let rule_goods = background_ban(facts, &self.text.clean);
        let carried: Vec<Tok> = ctoks
            .iter()
            .filter(|t| {
                !(matches!(t.tk, Tk::Goods(_))
                    && rule_goods.is_some_and(|(a, b)| t.start > a && t.start <= b))
            })
            .cloned()
            .collect();
        let mut goods = match (facts.load, facts.empty_at) {
            (Some(Load::Empty), Some(e)) => {
                let before: Vec<Tok> = carried.iter().filter(|t| t.start < e).cloned().collect();
                self.goods(&before)
            }
            _ => self.goods(&carried),
        };
        let mut goods_by_reference = false;
        let mut goods_context = None;
        // The chain as it was, should the goods by reference be left out below.
        let chain_before = (goods.is_empty() && facts.ref_cargo).then(|| self.last_goods.clone());
        if goods.is_empty() && facts.ref_cargo {
            // "The cargo is trucked from …": the goods of a sentence just before.
            if let Some(chain) = self
                .last_goods
                .clone()
                .filter(|ch| ch.last < si && si - ch.last <= 2)
            {
                // The chain of reference goes on: "These items include … The items are
                // labelled … The merchandise flows through …"; each quotes where they were named.
                goods_by_reference = true;
                goods = chain.goods.clone();
                context = Some(chain.named);
                goods_context = context;
                self.last_goods = Some(GoodsChain { last: si, ..chain });
            }
        }
        if !goods.is_empty() && context.is_none() {
            self.last_goods = Some(GoodsChain {
                last: si,
                named: si,
                goods: goods.clone(),
            });
        }
        let routes_unnamed = routes.is_empty();
        // "The ship was banned from entering Japanese ports": an end of its own the gazetteer
        // does not know; the clause is on no route named before (the ship's, the goods').
        let own_unknown_end = facts.unknown_to || facts.unknown_from;
        let mut route_context = None;
        if routes.is_empty() && !facts.other_route {
            if facts.ret || facts.reverse {
                // "…but come back empty", "nothing goes the other way": the route just named.
                let back = if w.prev_clause_routes.is_empty() {
                    // The way back of a route named in the sentence just before, in the same
                    // paragraph ("Wagons coming back to Russia …").
                    let prev = si
                        .checked_sub(1)
                        .filter(|&p| self.sents[p].paragraph == s.paragraph);
                    match prev.and_then(|p| self.sentence_frame[p].clone().map(|f| (p, f))) {
                        Some((p, f)) if f.routes.iter().any(has_place) => {
                            context = Some(f.sentence);
                            // The sentence before was itself the way back (its frame keeps
                            // the route it borrowed, already turned round).
                            if self.returning.contains(&f.sentence) || self.returning.contains(&p) {
                                // Already the way back: "They return empty. Nothing comes back."
                                f.routes.iter().map(reversed).collect()
                            } else {
                                f.routes
                            }
                        }
                        _ => Vec::new(),
                    }
                } else {
                    w.prev_clause_routes.clone()
                };
                let back = if back.is_empty()
                    && (facts.ref_vehicle || facts.ref_cargo || facts.ref_route)
                {
                    // "The trucks return to China empty": the frame the trucks came from.
                    match self.refer_back(si, facts) {
                        Some(f) => {
                            context = Some(f.sentence);
                            f.routes
                        }
                        None => Vec::new(),
                    }
                } else {
                    back
                };
                routes = back.iter().map(reversed).collect();
                if !routes.is_empty() {
                    self.returning.insert(si);
                }
            } else if ci > 0 && (!sibling.is_empty() || facts.load == Some(Load::Empty)) {
                // "…, while others were heading in empty": the route of the clause before.
                routes = w.prev_clause_routes.clone();
                route_context = w.prev_clause_context;
            } else if (facts.ref_route || facts.ref_vehicle || facts.ref_cargo) && !own_unknown_end
            {
                // "The same ports ship wigs from North Korea to China": a clause naming its
                // own countries refers back only to a route between them, turned its way.
                if let Some(f) = self.refer_back(si, facts) {
                    let fitting = self.routes_between_countries(&f.routes, facts);
                    if !fitting.is_empty() {
                        context = Some(f.sentence);
                        routes = fitting;
                        w.frame_used = Some(f);
                    }
                }
            } else if !goods.is_empty() && !has_signal && !facts.storage && !own_unknown_end {
                // A goods list continued from the sentence before ("There were also …").
                if let Some(f) = si
                    .checked_sub(1)
                    .and_then(|p| self.sentence_frame[p].clone())
                {
                    context = Some(f.sentence);
                    routes = f.routes.clone();
                    w.frame_used = Some(f);
                }
            }
        }
        // Goods by reference whose naming sentence is not the one quoted ("… to ship them" on a
        // route named in another sentence) cannot be shown: left out, and the chain of
        // reference does not pass through this clause.
        if goods_by_reference && context.is_some() && context != goods_context {
            goods.clear();
            goods_by_reference = false;
            goods_context = None;
            if let Some(chain) = chain_before {
                self.last_goods = chain;
            }
        }
        // Goods named earlier are quoted from there; the route is still this sentence's own.
        let routes_borrowed = routes_unnamed && !routes.is_empty();
        let goods_only = goods_by_reference && !routes_borrowed && context == goods_context;
        let borrowed = context.is_some() && !goods_only;
        let inherited = !routes.is_empty() && !own_places && ci > 0;
        // Through a named crossing with goods or a denial, direction unsaid: still a movement.
        let through = mentions.iter().any(|m| {
            (m.crossing
                || matches!(m.role, PRole::Via | PRole::Between)
                || self.is_crossing_part(&m.id))
                && !m.qualifier
                && !m.compared
        });
        let on_crossing = routes.iter().any(|r| r.via.is_some());
        // "Smuggling at Hyesan has been suspended": trade halted on a crossing is traffic
        // denied there.
        let halt_denied = halt_denied(facts, &self.text.clean);
        let halted = halted(facts, &self.text.clean) && !halt_denied;
        // "There has been no traffic on the bridge": a flow denied is a flow halted.
        let halted_trade = on_crossing
            && (halted || denied_flow(facts, &self.text.clean))
            && !facts.flows.is_empty();
        // "Smuggled goods pass through the Quanhe–Wonjong customs house": cargo named only in
        // general still moves through the crossing.
        // The crossing must be the clause's own then, named as a crossing or after "through".
        let named_crossing = mentions
            .iter()
            .any(|m| (m.crossing || matches!(m.role, PRole::Via | PRole::Between)) && !m.qualifier);
        let cargo = named_crossing && (facts.cargo_noun || facts.ref_cargo);
        let routed = (through
            && on_crossing
            && facts.move_verb.is_some()
            && (facts.negation.is_some() || !goods.is_empty() || cargo))
            || halted_trade;
        let triggered = triggered || halted_trade;
        let has_signal = has_signal || (inherited && triggered) || routed;
        if !(has_signal || borrowed) || !(triggered || !goods.is_empty() || borrowed) {
            if !routes.is_empty() && facts.mode.is_some() {
                // A vehicle on a named route, direction unsaid: later sentences may refer to
                // it. When it refers back to a frame on the same crossing, that frame says
                // which way it goes.
                let back = (facts.ref_vehicle || facts.ref_cargo)
                    .then(|| self.refer_back(si, facts))
                    .flatten()
                    .filter(|f| {
                        f.routes
                            .iter()
                            .any(|r| r.via.is_some() && routes.iter().any(|q| q.via == r.via))
                    });
                match back {
                    Some(f) => w.sentence_routes.extend(f.routes),
                    None => w.sentence_routes.extend(routes.iter().cloned()),
                }
            }
            return;
        }
        let mut direction = self.direction(facts, mentions);
        if direction == Direction::Unknown && facts.reverse {
            direction = flip(w.prev_direction);
        } else if direction == Direction::Unknown && inherited {
            direction = routes[0].direction;
        }
        let quantities = self.quantities(ctoks, cs, ce);
        if routes.is_empty() {
            routes.push(Route {
                from: None,
                to: None,
                via: None,
                direction,
                mode,
                named: None,
                named_other: None,
                leg: false,
            });
        }
        // "No suspension of trade": the negation denies the halt, not a movement word after it.
        let denies_only_the_halt = halt_denied
            && !facts
                .triggers
                .iter()
                .any(|&t| facts.negation.is_some_and(|n| t > n));
        let negated = match (facts.negation, facts.exception) {
            _ if denies_only_the_halt => false,
            _ if halted && facts.negation.is_none() => true,
            (Some(_), Some(_)) => false,
            // A denial governs a movement word after it in its stretch of words: "nothing
            // goes", "did not export"; not "goods entering X are not subject to sanctions",
            // nor "…the cement is not banned, or the clerks leave the form empty".
            (Some(n), None) => {
                let clean = &self.text.clean;
                let reaches = |t: usize| t > n && !clean[n..t].contains([',', ';']);
                let after = facts.triggers.iter().any(|&t| reaches(t))
                    || mentions
                        .iter()
                        .any(|m| m.role == PRole::To && reaches(m.start));
                after || facts.triggers.is_empty() || self.denies_object_of(facts, n)
            }
            _ => false,
        };
        // "No freight has come from China": cargo in general denied between countries.
        let cargo_between_countries = negated
            && facts.cargo_noun
            && facts.move_verb.is_some()
            && (facts.from_country.is_some() || facts.to_country.is_some());
        let concrete = !goods.is_empty()
            || facts.load.is_some()
            || !quantities.is_empty()
            || routes.iter().any(has_place)
            || cargo_between_countries;
        // A borrowed route adds nothing without goods, numbers, a load or a denial of its own.
        let adds = !goods.is_empty() || !quantities.is_empty() || facts.load.is_some() || negated;
        if !concrete || (borrowed && !adds) {
            w.prev_clause_routes = routes.into_iter().filter(has_place).collect();
            w.prev_clause_context = context;
            w.prev_direction = direction;
            return;
        }
        // Traffic denied on a route with no direction said: denied both ways.
        // Later sentences that refer back take the route as named, not both directions.
        // So is traffic "between" two places that a verb moves: "ships shuttle between Haeju and
        // Longkou" goes both ways.
        let between = shuttle
            && mentions
                .iter()
                .any(|m| m.role == PRole::Between && !m.qualifier);
        let as_named =
            ((negated || between) && direction == Direction::Unknown).then(|| routes.clone());
        if as_named.is_some() {
            routes = self.both_ways(routes);
        }
        let mut made = Vec::new();
        let mut completed: Vec<Route> = Vec::new();
        let mut completed_context = None;
        for route in &routes {
            // A leg, a borrowed route with nothing said of direction, or the way back of a
            // route keeps the route's own direction.
            let own = route.direction != Direction::Unknown;
            let keep = (route.leg && own)
                || (borrowed && direction == Direction::Unknown)
                || ((facts.ret || facts.reverse) && own);
            let mut dir = if keep { route.direction } else { direction };
            let mut claim_context = context.or(route_context);
            if dir == Direction::Unknown {
                // Direction unsaid on a crossing just written about: the way the last
                // movement on it went ("… exports clothing through Dandong. Twenty trucks
                // loaded with textiles cross the bridge every day.").
                let last = route.via.as_ref().and_then(|v| {
                    self.recent_directions
                        .iter()
                        .rev()
                        .find(|(j, _, rv)| rv == v && j + 3 >= si && *j < si)
                        .map(|(j, d, _)| (*j, *d))
                });
                if let Some((j, d)) = last {
                    dir = d;
                    claim_context = claim_context.or(Some(j));
                }
            }
            if dir == Direction::Unknown && as_named.is_none() {
                // Still unsaid: the one way the report has said goods go, if only one.
                if let Some((j, d)) = self.report_direction(si, route) {
                    dir = d;
                    claim_context = claim_context.or(j);
                }
            }
            let route = orient(self.gz(), route, dir);
            let route = Route {
                mode: if route.leg {
                    route.mode.or(mode)
                } else {
                    mode.or(route.mode)
                },
                ..route
            };
            made.push(route.clone());
            // Traffic denied both ways says nothing of the way the traffic goes.
            if let (Some(v), false, true) =
                (&route.via, dir == Direction::Unknown, as_named.is_none())
            {
                let origin = claim_context.unwrap_or(si);
                self.recent_directions.push((origin, dir, v.clone()));
            }
            let (from, to) = self.country_ends(&route, facts, dir);
            let corridor = match (&from, &to) {
                (Some(a), Some(b)) => self.corridor_between(si, a, b, route.mode),
                _ => None,
            };
            let (from, to, via, claim_context) = match corridor {
                Some((r, j)) => (r.from, r.to, r.via.or(route.via.clone()), Some(j)),
                None => (from, to, route.via.clone(), claim_context),
            };
            let (from, claim_context, dir) = match (from, self.stored_origin(si, facts)) {
                (None, Some((j, at))) if to.as_deref() != Some(at.as_str()) => {
                    let d = self.direction_between(&at, to.as_deref()).unwrap_or(dir);
                    (Some(at), claim_context.or(Some(j)), d)
                }
                (None, None) => match self.transfer_point(si, goods_by_reference, &to) {
                    // "… moved the tiles to Dandong. The merchandise went on by ship to
                    // Longkou": the next leg starts where the last one ended.
                    Some((j, at)) => {
                        let d = self.direction_between(&at, to.as_deref()).unwrap_or(dir);
                        (Some(at), claim_context.or(Some(j)), d)
                    }
                    None => (None, claim_context, dir),
                },
                (from, _) => (from, claim_context, dir),
            };
            let cargo = !goods.is_empty() || facts.load.is_some() || cargo_between_countries;
            let (from, to, via, claim_context) = match (&via, cargo) {
                (None, true) => match self.same_traffic(si, (&from, &to), dir, route.mode) {
                    Some((r, j)) => (
                        r.from.or(from),
                        r.to.or(to),
                        r.via,
                        claim_context.or(Some(j)),
                    ),
                    None => (from, to, via, claim_context),
                },
                _ => (from, to, via, claim_context),
            };
            let (from, to) = if via.is_none() {
                let ends = self.unroled_dprk_end((from, to), dir, cargo, mentions);
                self.dprk_end(ends, dir, cargo, negated)
            } else {
                (from, to)
            };
            // The next clause of the sentence sees the route as completed here (later
            // sentences see it as named, so a completion does not spread).
            completed_context = completed_context.or(claim_context);
            completed.push(Route {
                from: from.clone(),
                to: to.clone(),
                via: via.clone(),
                ..route.clone()
            });
            let mut c = self.claim(base, ClaimKind::Movement, mentions, claim_context);
            c.from = from;
            c.to = to;
            c.via = via;
            c.direction = dir;
            c.mode = route.mode;
            c.load = facts.load;
            // "agreed … to export", "will carry": intended, not done.
            c.planned = facts
                .planned
                .iter()
                .any(|&p| facts.triggers.iter().any(|&t| p < t && t - p < 60));
            c.polarity = if negated {
                Polarity::Negated
            } else {
                Polarity::Affirmed
            };
            c.goods = goods.clone();
            c.quantities = quantities.clone();
            c.when = self.when(cs, ce, s.start, s.end);
            self.screen(&mut c);
            if let Some(t) =
                c.to.as_ref()
                    .filter(|t| !c.goods.is_empty() && !self.is_country(t))
            {
                if c.polarity == Polarity::Affirmed {
                    self.last_leg_end = Some((si, t.clone()));
                }
            }
            self.push(c);
        }
        if let Some(named) = as_named {
            made = named;
        }
        w.prev_direction = made.first().map_or(direction, |r| r.direction);
        let placed: Vec<Route> = made.iter().filter(|r| has_place(r)).cloned().collect();
        if let Some(origin) = context.filter(|_| borrowed) {
            // A borrowed route keeps pointing at the sentence that named it, so a chain of
            // references ("the train" … "the cargo" … "there were also") cites the origin.
            w.prev_clause_routes = placed;
            w.prev_clause_context = Some(origin);
            w.frame_used = Some(Frame {
                routes: made.clone(),
                sentence: origin,
            });
        } else if !placed.is_empty() {
            w.sentence_routes.extend(placed.iter().cloned());
            w.prev_clause_routes = placed;
            w.prev_clause_context = None;
        } else if w.frame_used.is_none() {
            w.frame_used = Some(Frame {
                routes: made.clone(),
                sentence: si,
            });
        }
        let completed: Vec<Route> = completed.into_iter().filter(has_place).collect();
        if !completed.is_empty() {
            w.prev_clause_routes = completed;
            w.prev_clause_context = completed_context;
        }
    }
}
