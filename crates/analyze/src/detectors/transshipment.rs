//! `transshipment` — fires for a chain of two reported legs that reaches the DPRK through a third
//! place: goods moved from A to B, then from B on to the DPRK, with a change of mode or B a sea
//! port (Dandong → Longkou by road, then Longkou → Nampo by sea); and for its mirror, goods
//! leaving the DPRK: moved inside it to B, then from B abroad by sea or another mode (Sinuiju →
//! Nampo by road, then Nampo → Longkou by sea).
//!
//! Legs join when the second starts where the first ends (the same place, or places in the same
//! city), their dates lie within 90 days of each other (undated legs join on place alone) and
//! their goods share an HS chapter (or one of them names none). Shipment records whose origin
//! and destination the gazetteer knows are legs too, cited by file and line, their sources
//! counted with the reports'. A voyage a vessel track shows (Longkou → Nampo) is a sea leg
//! too, cited by its track lines — it joins a reported first leg only when a voyage leaves
//! within the report's period or the 90 days after it (the first such voyage is cited first);
//! two tracked voyages alone make no chain (ships calling at one port say nothing of goods
//! passing between them): a leg must be reported or recorded. The
//! chains through one transfer
//! place, in one way, make one finding: titled by the strongest route, listing the others, with
//! a report of each leg quoted first. Score: independent sources × (0.5, +0.25 for shared goods,
//! +0.25 for dates that fit) of the strongest route.

use std::collections::{BTreeMap, BTreeSet};

use foldhash::{HashMap, HashMapExt};

use borderwatch_model::{ClaimKind, Date, Direction, Finding, Mode, PlaceKind, Polarity};

use super::{finding, with_records};
use crate::{ClaimIn, Context, ShipmentIn};

/// The city a place lies in: its nearest city, else its special city (Nampo's port lies in
/// Nampo, a province-level city), else the place itself.
fn city<'g>(ctx: &Context<'g>, id: &'g str) -> &'g str {
    let ancestry = ctx.gazetteer.ancestry(id);
    let of = |kind: PlaceKind| ancestry.iter().find(|p| p.kind == kind);
    of(PlaceKind::City)
        .or_else(|| of(PlaceKind::SpecialCity))
        .map(|p| p.id.as_str())
        .unwrap_or(id)
}

fn chapters(c: &ClaimIn) -> impl Iterator<Item = &str> {
    c.claim
        .goods
        .iter()
        .filter_map(|g| g.hs.as_ref().and_then(|h| h.get(..2)))
}

fn country(ctx: &Context, id: &str) -> Option<String> {
    ctx.gazetteer
        .place(id)
        .map(|p| p.country.to_ascii_lowercase())
}

/// Reports and records of one leg: from a city to a city by one mode, in one direction.
struct Legs<'a> {
    /// Some leg is a report or a record, not only what a vessel track shows.
    reported: bool,
    claims: Vec<&'a ClaimIn>,
    shipments: Vec<&'a ShipmentIn>,
    chapters: BTreeSet<&'a str>,
    /// A report names no goods: it joins with any goods.
    any_without_goods: bool,
    dates: Option<(Date, Date)>,
    undated: bool,
    from_port: bool,
    mode: Option<Mode>,
    /// The leg as the first report or record names it (the corridor table's id).
    corridor: String,
}

impl<'a> Legs<'a> {
    fn new(f: &str, t: &str, mode: Option<Mode>) -> Legs<'a> {
        Legs {
            reported: false,
            claims: Vec::new(),
            shipments: Vec::new(),
            chapters: BTreeSet::new(),
            any_without_goods: false,
            dates: None,
            undated: false,
            from_port: false,
            mode,
            corridor: format!("{f}>{t}"),
        }
    }

    /// Takes in one report's or record's goods chapters, date and whether it starts at a port.
    fn add(
        &mut self,
        from_port: bool,
        chapters: impl Iterator<Item = &'a str>,
        date: Option<Date>,
    ) {
        let mut named = false;
        for ch in chapters {
            named = true;
            self.chapters.insert(ch);
        }
        self.any_without_goods |= !named;
        match date {
            Some(d) => {
                self.dates = Some(self.dates.map_or((d, d), |(a, b)| (a.min(d), b.max(d))));
            }
            None => self.undated = true,
        }
        self.from_port |= from_port;
    }

    fn size(&self) -> usize {
        self.claims.len() + self.shipments.len()
    }
}

pub fn detect<'a>(ctx: &Context<'a>) -> Vec<Finding> {
    // The city of each place and whether it is a port, looked up once per place rather than
    // once per report.
    let mut places: HashMap<&str, (&str, bool)> = HashMap::new();
    let mut place = |id: &'a str| -> (&'a str, bool) {
        *places.entry(id).or_insert_with(|| {
            let port = ctx
                .gazetteer
                .place(id)
                .is_some_and(|p| p.kind == PlaceKind::Port);
            (city(ctx, id), port)
        })
    };
    // Legs grouped by (from city, to city, mode, direction): joining groups, not report pairs,
    // keeps this linear in the reports. Gathered in a hash map (a million reports, a few
    // hundred legs), then ordered once.
    type Key<'k> = (&'k str, &'k str, Option<Mode>, Direction);
    let mut legs: HashMap<Key, Legs> = HashMap::new();
    for c in &ctx.claims {
        if c.claim.kind != ClaimKind::Movement || c.claim.polarity != Polarity::Affirmed {
            continue;
        }
        let (Some(f), Some(t)) = (&c.claim.from, &c.claim.to) else {
            continue;
        };
        let ((fc, port), (tc, _)) = (place(f), place(t));
        let g = legs
            .entry((fc, tc, c.claim.mode, c.claim.direction))
            .or_insert_with(|| Legs::new(f, t, c.claim.mode));
        g.claims.push(c);
        g.reported |= !ctx.from_track(c);
        g.add(port, chapters(c), Context::date(c));
    }
    // Shipment records are legs too, when both their ends are places the gazetteer knows.
    for s in &ctx.shipments {
        let sh = &s.shipment;
        let (Some(f), Some(t)) = (&sh.origin, &sh.destination) else {
            continue;
        };
        if ctx.gazetteer.place(f).is_none() || ctx.gazetteer.place(t).is_none() {
            continue;
        }
        let ((fc, port), (tc, _)) = (place(f), place(t));
        if fc == tc {
            continue;
        }
        let g = legs
            .entry((fc, tc, sh.mode, sh.direction))
            .or_insert_with(|| Legs::new(f, t, sh.mode));
        g.shipments.push(s);
        g.reported = true;
        let chapter = sh.hs.as_ref().and_then(|h| h.as_str().get(..2));
        g.add(port, chapter.into_iter(), Some(sh.date));
    }
    let groups: BTreeMap<Key, Legs> = legs.into_iter().collect();
    let name = |id: &str| {
        ctx.gazetteer
            .place(id)
            .and_then(|p| p.names.first().cloned())
            .unwrap_or_else(|| id.to_string())
    };
    // Chains are gathered per transfer place and way: a port that goods pass through on many
    // routes is one finding listing its routes, not one finding per pair of routes.
    struct Chain<'l, 'a> {
        a: &'l Legs<'a>,
        b: &'l Legs<'a>,
        /// The second leg's claim cited first (for a tracked leg: the first voyage in the
        /// window).
        sailing: Option<&'a ClaimIn>,
        path: String,
        shared: bool,
        strength: f64,
    }
    let mut hubs: BTreeMap<(&str, bool), Vec<Chain>> = BTreeMap::new();
    let in_dprk = |id: &str| country(ctx, id).as_deref() == Some("kp");
    for ((af, at, _, _), a) in &groups {
        // Into the DPRK: the first leg stays outside it and the second ends inside. Out of it:
        // the first leg stays inside (to a port or a change of mode) and the second ends abroad.
        let into = match (in_dprk(af), in_dprk(at)) {
            (false, false) => true,
            (true, true) => false,
            _ => continue,
        };
        for ((bf, bt, _, _), b) in groups.range((*at, "", None, Direction::Inbound)..) {
            if bf != at {
                break;
            }
            let ends_abroad = country(ctx, bt).is_some_and(|c| c != "kp");
            if (into && !in_dprk(bt)) || (!into && !ends_abroad) {
                continue;
            }
            if !(a.reported || b.reported) {
                continue;
            }
            let mode_change = matches!((a.mode, b.mode), (Some(x), Some(y)) if x != y);
            if !(b.from_port || mode_change || b.mode == Some(Mode::Sea)) {
                continue;
            }
            let dates_fit = a.undated
                || b.undated
                || match (a.dates, b.dates) {
                    (Some((a0, a1)), Some((b0, b1))) => {
                        (b0 - a1).num_days() <= 90 && (a0 - b1).num_days() <= 90
                    }
                    _ => true,
                };
            if !dates_fit {
                continue;
            }
            // A tracked voyage carries goods reported on the first leg only if it leaves after
            // they are reported moving and within the window: the first such voyage opens the
            // evidence; none, no chain.
            let sailing = if b.reported {
                b.claims.first().copied()
            } else {
                let window = a.dates.map(|(a0, a1)| (a0, a1 + chrono::Days::new(90)));
                let found = b
                    .claims
                    .iter()
                    .copied()
                    .find(|c| match (window, Context::date(c)) {
                        (Some((lo, hi)), Some(d)) => lo <= d && d <= hi,
                        _ => true,
                    });
                match found {
                    Some(c) => Some(c),
                    None => continue,
                }
            };
            let shared = !a.chapters.is_disjoint(&b.chapters);
            if !(shared || a.any_without_goods || b.any_without_goods) {
                continue;
            }
            let by = |m: Option<Mode>| m.map(|m| format!(" by {m}")).unwrap_or_default();
            let path = format!(
                "{}{} → {}{} → {}",
                name(af),
                by(a.mode),
                name(at),
                by(b.mode),
                name(bt)
            );
            let strength = 0.5
                + if shared { 0.25 } else { 0.0 }
                + if a.dates.is_some() && b.dates.is_some() {
                    0.25
                } else {
                    0.0
                };
            hubs.entry((*at, into)).or_default().push(Chain {
                a,
                b,
                sailing,
                path,
                shared,
                strength,
            });
        }
    }
    let mut out = Vec::new();
    for ((at, into), mut chains) in hubs {
        let (verb, way, via) = if into {
            ("reach", "into", "a third place")
        } else {
            ("leave", "out of", "a port or a change of mode")
        };
        // The strongest, best-reported route names the finding.
        chains.sort_by(|x, y| {
            y.strength
                .total_cmp(&x.strength)
                .then_with(|| (y.a.size() + y.b.size()).cmp(&(x.a.size() + x.b.size())))
                .then_with(|| x.path.cmp(&y.path))
        });
        let top = &chains[0];
        // Evidence opens with a report (and a record) of each leg, route by route, then the rest.
        let mut claims: Vec<&ClaimIn> = Vec::new();
        let mut ships: Vec<&ShipmentIn> = Vec::new();
        for ch in &chains {
            claims.extend(ch.a.claims.first());
            claims.extend(ch.sailing);
            ships.extend(ch.a.shipments.first());
            ships.extend(ch.b.shipments.first());
        }
        let mut corridors: Vec<String> = Vec::new();
        for ch in &chains {
            claims.extend(&ch.a.claims);
            claims.extend(&ch.b.claims);
            ships.extend(&ch.a.shipments);
            ships.extend(&ch.b.shipments);
            for k in [&ch.a.corridor, &ch.b.corridor] {
                if !corridors.contains(k) {
                    corridors.push(k.clone());
                }
            }
        }
        let f = finding(
            ctx,
            "transshipment",
            String::new(),
            String::new(),
            corridors,
            &claims,
            top.strength,
        );
        let mut f = with_records(ctx, f, &claims, &ships, top.strength);
        // Each leg's reports once, however many routes the leg is part of.
        let mut counted: Vec<&Legs> = Vec::new();
        for l in chains.iter().flat_map(|ch| [ch.a, ch.b]) {
            if !counted.iter().any(|c| std::ptr::eq(*c, l)) {
                counted.push(l);
            }
        }
        let reports: usize = counted.iter().map(|l| l.claims.len()).sum();
        let records: usize = counted.iter().map(|l| l.shipments.len()).sum();
        let reports = match (reports, records) {
            (n, 0) => format!("{n} report(s)"),
            (0, m) => format!("{m} shipment record(s)"),
            (n, m) => format!("{n} report(s) and {m} shipment record(s)"),
        };
        let shared = if top.shared {
            ", with the same goods on both legs"
        } else {
            ""
        };
        const LISTED: usize = 8;
        // Routes as a reader sees them: legs told apart only by their direction label read the
        // same, and are listed once.
        let mut paths: Vec<&str> = Vec::new();
        for c in &chains {
            if !paths.contains(&c.path.as_str()) {
                paths.push(&c.path);
            }
        }
        (f.title, f.summary) = match paths.len() {
            1 => (
                format!("Goods {verb} the DPRK through {}: {}", name(at), top.path),
                format!(
                    "{reports} of two legs joining at {}: goods go {way} the DPRK \
                     through {via}{shared}.",
                    name(at)
                ),
            ),
            k => {
                let mut routes: Vec<&str> = paths.iter().take(LISTED).copied().collect();
                let more = format!("{} more", k - LISTED.min(k));
                if k > LISTED {
                    routes.push(&more);
                }
                (
                    format!(
                        "Goods {verb} the DPRK through {}: {} and {} more route{}",
                        name(at),
                        top.path,
                        k - 1,
                        if k == 2 { "" } else { "s" }
                    ),
                    format!(
                        "{reports} of legs joining at {} on {k} routes: goods go \
                         {way} the DPRK through {via}{}. Routes: {}.",
                        name(at),
                        if top.shared {
                            " (the first route with the same goods on both legs)"
                        } else {
                            ""
                        },
                        routes.join("; ")
                    ),
                )
            }
        };
        out.push(f);
    }
    out
}
