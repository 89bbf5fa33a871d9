//! One sentence: its tokens without the attribution, split into clauses, each clause handed to
//! the builder of every claim kind; clauses without places borrow the route of a sibling clause
//! or of the frame a reference word points back to.
//!
//! Refuses: reading words itself; facts, mentions and routes come from their own stages.

use super::*;

impl Doc<'_, '_> {
    pub(super) fn sentence(&mut self, si: usize) {
        let s = self.sents[si];
        let att = self.attribution[si].clone();
        let (att_s, att_e) = att
            .as_ref()
            .map_or((usize::MAX, usize::MAX), |a| (a.1, a.2));
        let r = self.toks_in(s.start, s.end);
        // Only sentences naming a place, goods, or a status, condition, policy, storage or load
        // word can make a claim; the rest (most of an article) are skipped cheaply.
        let promising = self.toks[r.clone()].iter().any(|t| match &t.tk {
            Tk::Place(_) | Tk::Crossing(_) | Tk::Goods(_) => true,
            // "… to ship them out": the cargo named before.
            Tk::Cue(Role::MoveVerb) => self.pronoun_object(t.end),
            Tk::Cue(role) => matches!(
                role,
                Role::Status(_)
                    | Role::Condition(..)
                    | Role::PolicySubject
                    | Role::Storage
                    | Role::LoadEmpty
                    | Role::LoadFull
                    | Role::Return
                    | Role::Reverse
                    | Role::RefVehicle
                    | Role::RefCargo
                    | Role::RefRoute
            ),
        });
        if !promising {
            return;
        }
        self.cur_times = times(&self.text.clean, s.start, s.end);
        self.cur_nums = numbers(&self.text.clean, s.start, s.end);
        self.cur_places = self.sentence_places(si);
        self.cur_tags = if self.toks[r.clone()]
            .iter()
            .any(|t| matches!(t.tk, Tk::Goods(_)))
        {
            tagger::tag(&self.x.reference.pos, &self.text.clean, s.start, s.end)
        } else {
            Tagged::default()
        };
        // "May" in "early May" is a month, not a hedge.
        let time_spans: Vec<(usize, usize)> =
            self.cur_times.iter().map(|t| (t.start, t.end)).collect();
        let toks: Vec<Tok> = self.toks[r]
            .iter()
            .filter(|t| !(t.start >= att_s && t.end <= att_e))
            .filter(|t| {
                !matches!(t.tk, Tk::Cue(_))
                    || !time_spans.iter().any(|&(a, b)| t.start >= a && t.end <= b)
            })
            // Speech words ("said", "source") are about the telling, not the trade.
            .filter(|t| !matches!(t.tk, Tk::Cue(Role::AttrHead) | Tk::Cue(Role::AttrVerb)))
            .cloned()
            .collect();
        let clauses = split_clauses(&toks, &self.text.clean, s.start, s.end);
        let sentence_hedged = toks.iter().any(|t| t.tk == Tk::Cue(Role::Hedge));
        // "The Security Council imposed sanctions on coal exports and limits on oil imports":
        // the rule maker speaks for every clause of its sentence.
        // "… in accordance with the Council's resolutions": a rule followed, not its maker.
        let sentence_rulemaker = toks.iter().enumerate().any(|(k, t)| {
            t.tk == Tk::Cue(Role::RuleMaker) && !rule_followed(&toks, k, &self.text.clean)
        });
        let sentence_ban = toks
            .iter()
            .find(|t| t.tk == Tk::Cue(Role::Ban))
            .map(|t| t.start)
            .filter(|_| sentence_rulemaker);
        let sentence_mode = toks.iter().find_map(|t| match t.tk {
            Tk::Cue(Role::Mode(m)) => Some(m),
            _ => None,
        });
        let all_mentions = self.mentions(&toks);
        let mut w = Walk::default();
        let first_claim = self.claims.len();
        for (ci, &(cs, ce)) in clauses.iter().enumerate() {
            let ctoks: Vec<Tok> = toks
                .iter()
                .filter(|t| t.start >= cs && t.start < ce)
                .cloned()
                .collect();
            let mut facts = self.facts(&ctoks);
            facts.rulemaker |= sentence_rulemaker;
            // "… banned coal exports, and capped imports of diesel": the rule governs the
            // clauses after it.
            if facts.ban.is_none() {
                facts.ban = sentence_ban.filter(|&b| b < cs);
            }
            // A way described is a condition of the route, with its places, and no traffic.
            if self.describes_infrastructure(&facts, &ctoks, (cs, ce)) {
                facts.infrastructure = true;
                facts.conditions.push(("infrastructure", "described"));
            }
            let mentions: Vec<Mention> = all_mentions
                .iter()
                .filter(|m| m.start >= cs && m.start < ce)
                .cloned()
                .collect();
            let base = ClaimBase {
                si,
                clause: (cs, ce),
                hedged: sentence_hedged,
                attribution: att.clone(),
            };
            // Policy first: "shortened the quarantine period from 7–20 days to 3–4 days".
            if let Some(c) = self.policy(&base, &facts, &ctoks) {
                self.push(c);
                continue;
            }
            let own_places = mentions.iter().any(|m| !m.qualifier && !m.compared);
            // Sibling clauses share the sentence's places unless they point elsewhere.
            let sibling: Vec<Mention> = if own_places || facts.other_route {
                Vec::new()
            } else {
                all_mentions
                    .iter()
                    .filter(|m| !m.qualifier && !m.compared && (m.start < cs || m.start >= ce))
                    .cloned()
                    .collect()
            };
            let subject: Vec<Mention> = if own_places {
                mentions.clone()
            } else {
                sibling.clone()
            };
            self.statuses(&base, &facts, &subject, sentence_mode);
            self.conditions(&base, &facts, &subject);
            self.storage(&base, &facts, &ctoks, &subject, sentence_mode);
            // Movement.
            self.movement(
                &mut w,
                &Clause {
                    si,
                    ci,
                    clause: (cs, ce),
                    sentence: s,
                    base: &base,
                    facts: &facts,
                    mentions: &mentions,
                    toks: &ctoks,
                    sibling: &sibling,
                    own_places,
                    sentence_mode,
                },
            );
        }
        self.share_crossing(first_claim);
        if !w.sentence_routes.is_empty() {
            let f = Frame {
                routes: dedup(w.sentence_routes),
                sentence: si,
            };
            self.last_routes = Some(f.clone());
            self.sentence_frame[si] = Some(f);
        } else {
            // "Guards stood at the old bridge between Ji'an and Manpo. A few trucks crossed
            // the bridge": a crossing named without traffic is still what "the bridge" means
            // next (only route words point to it, not vehicles or cargo).
            if let Some(via) = self.named_crossing(&all_mentions) {
                let route = Route {
                    from: None,
                    to: None,
                    via: Some(via),
                    direction: Direction::Unknown,
                    mode: sentence_mode,
                    named: None,
                    named_other: None,
                    leg: false,
                };
                self.last_routes = Some(Frame {
                    routes: vec![route],
                    sentence: si,
                });
            }
            self.sentence_frame[si] = w.frame_used.or_else(|| {
                // A sentence that names a vehicle or cargo refers to the latest frame.
                let refers = toks
                    .iter()
                    .any(|t| matches!(t.tk, Tk::Cue(Role::RefVehicle) | Tk::Cue(Role::RefCargo)));
                if refers {
                    self.refer_back(si, &Facts::default())
                } else {
                    None
                }
            });
        }
    }

    /// The frame a reference word points to: the latest named routes, else the latest frame.
    pub(super) fn refer_back(&self, si: usize, facts: &Facts) -> Option<Frame> {
        if facts.ref_route {
            if let Some(f) = &self.last_routes {
                return Some(f.clone());
            }
        }
        let recent = || {
            (0..si)
                .rev()
                .take(REFERENCE_REACH)
                .filter_map(|j| self.sentence_frame[j].clone())
        };
        if let Some(m) = facts.mode {
            if let Some(f) = recent().find(|f| f.routes.iter().any(|r| r.mode == Some(m))) {
                return Some(f);
            }
        } else if let Some(m) = facts.vehicle_mode {
            // "The freight trains" alone: the trains of the latest route named place to place
            // for them, over later sentences that said only which way trains go.
            let named = recent().find(|f| {
                f.routes
                    .iter()
                    .any(|r| r.mode == Some(m) && self.names_both_ends(r))
            });
            if named.is_some() {
                return named;
            }
        }
        let fits = |f: &Frame| {
            facts.mode.is_none()
                || f.routes
                    .iter()
                    .any(|r| r.mode.is_none() || r.mode == facts.mode)
        };
        // "… to ship them": a pronoun takes the goods' route named place to place over one that
        // named only a country ("sent to North Korea"). Other references take the nearest frame.
        facts
            .ref_pronoun
            .then(|| recent().find(|f| fits(f) && f.routes.iter().any(has_place)))
            .flatten()
            .or_else(|| recent().find(fits))
    }

    /// The one crossing a sentence names: by its name, by a bridge or facility of it, or by
    /// its two sides ("between Ji'an and Manpo"). None when it names none or several.
    fn named_crossing(&self, mentions: &[Mention]) -> Option<String> {
        let named: Vec<&Mention> = mentions
            .iter()
            .filter(|m| !m.qualifier && !m.compared && !m.excepted)
            .collect();
        let mut found: BTreeSet<String> = named
            .iter()
            .filter_map(|m| {
                if m.crossing {
                    Some(m.id.clone())
                } else if self.is_crossing_part(&m.id) {
                    self.crossing_for(&m.id, None)
                } else {
                    None
                }
            })
            .collect();
        let ends: Vec<&&Mention> = named.iter().filter(|m| m.role == PRole::Between).collect();
        if let [a, b] = ends[..] {
            found.extend(self.crossing_for(&a.id, Some(&b.id)));
        }
        (found.len() == 1).then(|| found.into_iter().next().unwrap_or_default())
    }

    /// A route with a crossing, or both ends below country level ("into North Korea" names
    /// neither).
    fn names_both_ends(&self, r: &Route) -> bool {
        let below = |id: &Option<String>| id.as_deref().is_some_and(|i| !self.is_country(i));
        r.via.is_some() || (below(&r.from) && below(&r.to))
    }
}
