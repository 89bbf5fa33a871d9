//! Routes: the mentions of a clause ordered into from/via/to, with the crossing that joins
//! them, legs of a chain kept apart, turned round for the way back and oriented by direction.
//!
//! Refuses: reading cues (facts) or making claims (sentence and the claim builders).

use super::*;

impl Doc<'_, '_> {
    /// The crossing a place stands for, if one: its own, the one it serves, or the only one
    /// below it. `other` narrows to crossings that also reach that place.
    pub(super) fn crossing_for(&self, place: &str, other: Option<&str>) -> Option<String> {
        let key = (place.to_string(), other.map(str::to_string));
        if let Some(hit) = self.crossing_memo.borrow().get(&key) {
            return hit.clone();
        }
        let found = self.crossing_for_uncached(place, other);
        self.crossing_memo.borrow_mut().insert(key, found.clone());
        found
    }

    pub(super) fn crossing_for_uncached(&self, place: &str, other: Option<&str>) -> Option<String> {
        let gz = self.gz();
        if gz.crossing(place).is_some() {
            return Some(place.to_string());
        }
        let kind = gz.place(place)?.kind;
        if matches!(kind, PlaceKind::Country | PlaceKind::Province) {
            return None;
        }
        let reaches = |c: &borderwatch_reference::Crossing, p: &str| {
            c.sides.iter().any(|s| s == p || self.is_ancestor(p, s))
                || c.bridges.iter().any(|b| b == p)
                || c.facilities.iter().any(|b| b == p)
        };
        let mut cands: Vec<&borderwatch_reference::Crossing> =
            gz.crossings.iter().filter(|c| reaches(c, place)).collect();
        if let Some(o) = other {
            let narrowed: Vec<_> = cands.iter().copied().filter(|c| reaches(c, o)).collect();
            if !narrowed.is_empty() {
                cands = narrowed;
            }
        }
        if cands.len() > 1 {
            let direct: Vec<_> = cands
                .iter()
                .copied()
                .filter(|c| {
                    c.sides.iter().any(|s| s == place)
                        || c.facilities.iter().any(|s| s == place)
                        || c.bridges.iter().any(|s| s == place)
                        || c.serves.iter().any(|s| s == place)
                })
                .collect();
            if !direct.is_empty() {
                cands = direct;
            }
        }
        (cands.len() == 1).then(|| cands[0].id.clone())
    }

    /// Routes named in a clause (explicit from/to, legs, or one per crossing named), at most
    /// [`MAX_ROUTES`]: a list of fifty crossings is not prose.
    pub(super) fn routes(
        &self,
        f: &Facts,
        mentions: &[Mention],
        mode: Option<Mode>,
        with_country: bool,
    ) -> Vec<Route> {
        let mut r = self.routes_all(f, mentions, mode, with_country);
        r.truncate(MAX_ROUTES);
        r
    }

    pub(super) fn routes_all(
        &self,
        f: &Facts,
        mentions: &[Mention],
        mode: Option<Mode>,
        with_country: bool,
    ) -> Vec<Route> {
        let usable: Vec<&Mention> = mentions
            .iter()
            .filter(|m| !m.qualifier && !m.compared)
            .filter(|m| f.exception.is_none() || m.excepted || m.role != PRole::Via)
            .collect();
        let by = |r: PRole| usable.iter().copied().filter(move |m| m.role == r);
        if let [a, b, ..] = by(PRole::Between).collect::<Vec<_>>()[..] {
            if let Some(r) = self.route_between(a, b, mode) {
                // "Through the office straddling A and B, as well as the C customs house": each
                // further crossing named is a route of its own.
                let mut out = vec![r];
                for m in usable.iter().filter(|m| m.role != PRole::Between) {
                    let Some(c) = self.crossing_for(&m.id, None) else {
                        continue;
                    };
                    if out.len() < MAX_ROUTES && out.iter().all(|r| r.via.as_deref() != Some(&c)) {
                        out.push(through_crossing(c, m, mode));
                    }
                }
                return out;
            }
        }
        let to: Option<&Mention> = by(PRole::To).next();
        let from: Option<&Mention> = by(PRole::From)
            .next()
            .or_else(|| self.where_it_waited(&usable, to?));
        let mut out = Vec::new();
        // A chain of legs: "from A to B and shipped to C".
        let tos: Vec<&Mention> = by(PRole::To)
            .filter(|m| !m.crossing && !m.coordinated)
            .collect();
        if tos.len() >= 2 && tos.iter().all(|m| self.gz().crossing(&m.id).is_none()) {
            let mut stops: Vec<&Mention> = from.into_iter().filter(|m| !m.crossing).collect();
            stops.extend(
                tos.iter()
                    .copied()
                    .filter(|m| from.is_none_or(|fm| m.start > fm.start)),
            );
            for w in stops.windows(2) {
                let (a, b) = (w[0], w[1]);
                // The leg's mode: the last mode word before its end, preferring one inside it.
                let inside = f.modes_between(a.start, b.start);
                let mode = match inside.last() {
                    Some(x) => Some(x.1),
                    None => f.modes_before(b.start).last().map(|x| x.1),
                }
                .or(mode);
                let mut r = Route {
                    from: Some(a.id.clone()),
                    to: Some(b.id.clone()),
                    via: self.crossing_reaching(&a.id, Some(&b.id)),
                    direction: Direction::Unknown,
                    mode,
                    named: None,
                    named_other: None,
                    leg: true,
                };
                let ca = self.country(&a.id);
                let cb = self.country(&b.id);
                r.direction = match (ca.as_deref(), cb.as_deref()) {
                    (Some(x), Some(y)) if x == y => Direction::Domestic,
                    (_, Some("kp")) => Direction::Inbound,
                    (Some("kp"), _) => Direction::Outbound,
                    _ => Direction::Unknown,
                };
                if r.direction == Direction::Domestic {
                    r.via = None;
                }
                // A leg that leaves from a port goes by sea unless the text says otherwise.
                let is_port = |id: &str| {
                    self.gz()
                        .place(id)
                        .is_some_and(|p| p.kind == PlaceKind::Port)
                };
                if r.mode
                    .is_none_or(|m| m == Mode::Road && f.modes_between(a.start, b.start).is_empty())
                    && is_port(&a.id)
                {
                    r.mode = Some(Mode::Sea);
                }
                out.push(r);
            }
            if !out.is_empty() {
                return out;
            }
        }
        let alternatives: Vec<&Mention> = by(PRole::To).filter(|m| !m.crossing).collect();
        if alternatives.len() >= 2 && alternatives[1..].iter().all(|m| m.coordinated) {
            // "to Chinese ports such as Longkou and Lianyungang": one route per destination.
            for t in alternatives.iter().take(MAX_ROUTES) {
                out.push(Route {
                    from: from.filter(|m| !m.crossing).map(|m| m.id.clone()),
                    to: Some(t.id.clone()),
                    via: from.and_then(|f| self.crossing_reaching(&f.id, Some(&t.id))),
                    direction: Direction::Unknown,
                    mode,
                    named: None,
                    named_other: None,
                    leg: false,
                });
            }
            return out;
        }
        if from.is_some() || to.is_some() {
            let via_named = usable
                .iter()
                .find(|m| m.crossing || matches!(m.role, PRole::Via))
                .map(|m| m.id.clone());
            let pid = |m: Option<&Mention>| m.filter(|m| !m.crossing).map(|m| m.id.clone());
            let mut r = Route {
                from: pid(from),
                to: pid(to),
                via: None,
                direction: Direction::Unknown,
                mode,
                named: None,
                named_other: None,
                leg: false,
            };
            // The crossing: one named, else the one joining the two ends.
            let via = via_named
                .as_deref()
                .and_then(|v| self.crossing_for(v, r.to.as_deref().or(r.from.as_deref())))
                .or_else(|| self.crossing_reaching(r.from.as_deref()?, r.to.as_deref()))
                .or_else(|| self.crossing_reaching(r.to.as_deref()?, r.from.as_deref()));
            // A via place on the non-target side is where the goods come from (or go to).
            if let Some(v) = via_named.as_deref() {
                if self.gz().crossing(v).is_none() {
                    let kp = self.country(v).as_deref() == Some("kp");
                    let to_kp = r.to.as_deref().and_then(|t| self.country(t)).as_deref()
                        == Some("kp")
                        || f.to_country.as_deref() == Some("kp");
                    if r.from.is_none() && kp != to_kp {
                        r.from = Some(v.to_string());
                    } else if r.to.is_none() && kp == to_kp && r.from.is_some() {
                        r.to = Some(v.to_string());
                    }
                }
            }
            r.via = via;
            out.push(r);
            return out;
        }
        // No from/to: each crossing named (or stood for) is a route.
        let mut seen = BTreeSet::new();
        // One mention per country is enough to find the other side of a crossing.
        let mut by_country: Vec<(Option<String>, &str)> = Vec::new();
        for m in &usable {
            let c = self.country(&m.id);
            if !by_country.iter().any(|(k, _)| *k == c) {
                by_country.push((c, m.id.as_str()));
            }
        }
        for m in &usable {
            if out.len() >= MAX_ROUTES {
                break;
            }
            let mc = self.country(&m.id);
            let partner = by_country.iter().find(|(c, _)| *c != mc).map(|(_, id)| *id);
            match self.crossing_for(&m.id, partner) {
                Some(c) => {
                    if !seen.insert(c.clone()) {
                        // The crossing again, by its other side: both ends are named.
                        if let Some(r) = out.iter_mut().find(|r| r.via.as_deref() == Some(&c)) {
                            let other_side = r.named.as_deref().map(|n| self.country(n))
                                != Some(self.country(&m.id));
                            if !m.crossing && r.named_other.is_none() && other_side {
                                r.named_other = Some(m.id.clone());
                            }
                        }
                    } else {
                        out.push(through_crossing(c, m, mode));
                    }
                }
                None => {
                    // A province or inland city: it places the goods on its side.
                    if !m.crossing && seen.insert(m.id.clone()) {
                        let kp = self.country(&m.id).as_deref() == Some("kp");
                        out.push(Route {
                            from: None,
                            to: None,
                            via: None,
                            direction: Direction::Unknown,
                            mode,
                            named: None,
                            named_other: None,
                            leg: false,
                        });
                        let last = out.last_mut().expect("just pushed");
                        // Oriented later; remember the side in from (kp) or to (other).
                        if kp {
                            last.from = Some(m.id.clone());
                        } else {
                            last.to = Some(m.id.clone());
                        }
                        last.via = None;
                        if let Some(r) = out.last_mut() {
                            r.direction = Direction::Unknown;
                        }
                    }
                }
            }
        }
        // A route "with Russia": the only crossing with that country for the mode.
        if out.is_empty() && with_country {
            if let Some(c) = f.with_country.as_deref().filter(|c| *c != "kp") {
                let cands: Vec<_> = self
                    .gz()
                    .crossings
                    .iter()
                    .filter(|x| self.country(&x.sides[0]).as_deref() == Some(c))
                    .filter(|x| x.carries(mode))
                    .collect();
                if cands.len() == 1 {
                    out.push(Route {
                        from: None,
                        to: None,
                        via: Some(cands[0].id.clone()),
                        direction: Direction::Unknown,
                        mode,
                        named: None,
                        named_other: None,
                        leg: false,
                    });
                }
            }
        }
        out
    }

    /// A bridge or facility of a crossing: naming it names the crossing.
    pub(super) fn is_crossing_part(&self, place: &str) -> bool {
        self.gz()
            .crossings
            .iter()
            .any(|c| c.bridges.iter().chain(&c.facilities).any(|b| b == place))
    }

    /// The crossing `place` stands for that also reaches `other` (any, when `other` is None).
    pub(super) fn crossing_reaching(&self, place: &str, other: Option<&str>) -> Option<String> {
        self.crossing_for(place, other)
            .filter(|c| self.crossing_reaches(c, other))
    }

    pub(super) fn crossing_reaches(&self, crossing: &str, place: Option<&str>) -> bool {
        let (Some(c), Some(p)) = (self.gz().crossing(crossing), place) else {
            return true;
        };
        c.sides
            .iter()
            .any(|s| s == p || self.is_ancestor(p, s) || self.is_ancestor(s, p))
            || c.facilities.iter().any(|s| s == p)
            || c.bridges.iter().any(|s| s == p)
    }
}

pub(super) fn reversed(r: &Route) -> Route {
    Route {
        from: r.to.clone(),
        to: r.from.clone(),
        via: r.via.clone(),
        direction: flip(r.direction),
        mode: r.mode,
        named: r.named.clone(),
        named_other: r.named_other.clone(),
        leg: r.leg,
    }
}

pub(super) fn flip(d: Direction) -> Direction {
    match d {
        Direction::Inbound => Direction::Outbound,
        Direction::Outbound => Direction::Inbound,
        d => d,
    }
}

pub(super) fn has_place(r: &Route) -> bool {
    r.from.is_some() || r.to.is_some() || r.via.is_some()
}

pub(super) fn dedup(v: Vec<Route>) -> Vec<Route> {
    let mut out: Vec<Route> = Vec::new();
    for r in v {
        if !out.contains(&r) {
            out.push(r);
        }
    }
    out
}

/// Fills the ends of a route from its crossing in the given direction, keeping named ends.
pub(super) fn orient(gz: &borderwatch_reference::Gazetteer, r: &Route, dir: Direction) -> Route {
    let mut out = r.clone();
    out.direction = dir;
    // A lone province or inland city was stored on its side; put it at the right end.
    if r.via.is_none() {
        if let (Some(p), None) | (None, Some(p)) = (&r.from, &r.to) {
            let kp = gz.place(p).is_some_and(|x| x.country == "KP");
            let at_from = match dir {
                Direction::Inbound => !kp,
                Direction::Outbound => kp,
                _ => r.from.is_some(),
            };
            (out.from, out.to) = if at_from {
                (Some(p.clone()), None)
            } else {
                (None, Some(p.clone()))
            };
        }
        return out;
    }
    // Ends are only what the text names: the place that stood for the crossing goes to its
    // side's end; an unnamed end stays null (the crossing's sides are in `via`).
    for n in r.named.iter().chain(&r.named_other) {
        // Placed for an earlier direction: place it again for this one.
        if out.from.as_ref() == Some(n) {
            out.from = None;
        }
        if out.to.as_ref() == Some(n) {
            out.to = None;
        }
        let kp = gz.place(n).is_some_and(|p| p.country == "KP");
        match (dir, kp) {
            (Direction::Inbound, false) | (Direction::Outbound, true) => {
                out.from = out.from.take().or(Some(n.clone()))
            }
            (Direction::Inbound, true) | (Direction::Outbound, false) => {
                out.to = out.to.take().or(Some(n.clone()))
            }
            _ => {}
        }
    }
    // Named ends on the wrong side for the direction (a borrowed route read the other way).
    let is_kp = |id: &Option<String>| {
        id.as_deref()
            .and_then(|i| gz.place(i))
            .is_some_and(|p| p.country == "KP")
    };
    if dir == Direction::Inbound && is_kp(&out.from) && !is_kp(&out.to) && out.to.is_some() {
        std::mem::swap(&mut out.from, &mut out.to);
    }
    if dir == Direction::Outbound && !is_kp(&out.from) && is_kp(&out.to) && out.from.is_some() {
        std::mem::swap(&mut out.from, &mut out.to);
    }
    out
}

impl Doc<'_, '_> {
    /// "Four ships arrived at Longkou before heading back to Nampo", "trucks wait at Dandong
    /// and then cross to Sinuiju": with no "from", the place the vehicle was at, right before
    /// the word that moves it on, is where the leg starts.
    fn where_it_waited<'m>(&self, usable: &[&'m Mention], to: &Mention) -> Option<&'m Mention> {
        let at = usable
            .iter()
            .copied()
            .filter(|m| m.role == PRole::At && !m.crossing && m.start < to.start)
            .filter(|m| !self.is_country(&m.id) && m.id != to.id)
            .last()?;
        let gap = self.text.clean[at.end..to.start].to_ascii_lowercase();
        let words: Vec<&str> = gap
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let moves_on = words.iter().any(|w| matches!(*w, "before" | "then"));
        (moves_on && words.len() <= 10 && !gap.contains([';', '.'])).then_some(at)
    }
}

/// A route through crossing `c`, direction unsaid, named by mention `m` (by a side's town
/// unless `m` is the crossing itself).
fn through_crossing(c: String, m: &Mention, mode: Option<Mode>) -> Route {
    Route {
        from: None,
        to: None,
        via: Some(c),
        direction: Direction::Unknown,
        mode,
        named: (!m.crossing).then(|| m.id.clone()),
        named_other: None,
        leg: false,
    }
}
