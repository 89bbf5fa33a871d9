//! `transshipment` — fires for a chain of two reported legs that reaches the DPRK (or leaves it)
//! through a third place: goods moved from A to B, then from B on to the DPRK, with a change of
//! mode or B a sea port (Dandong → Longkou by road, then Longkou → Nampo by sea).
//!
//! Legs join when the second starts where the first ends (the same place, or places in the same
//! city), their dates lie within 90 days of each other (undated legs join on place alone) and
//! their goods share an HS chapter (or one of them names none). The chains through one transfer
//! place, in one way, make one finding: titled by the strongest route, listing the others, with
//! a report of each leg quoted first. Score: independent sources × (0.5, +0.25 for shared goods,
//! +0.25 for dates that fit) of the strongest route.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use borderwatch_model::{ClaimKind, Date, Direction, Finding, Mode, PlaceKind, Polarity};

use super::finding;
use crate::{ClaimIn, Context};

fn city<'g>(ctx: &Context<'g>, id: &'g str) -> &'g str {
    ctx.gazetteer
        .ancestry(id)
        .into_iter()
        .find(|p| p.kind == PlaceKind::City)
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

/// Reports of one leg: from a city to a city by one mode, in one direction.
struct Legs<'a> {
    claims: Vec<&'a ClaimIn>,
    chapters: BTreeSet<&'a str>,
    /// A report names no goods: it joins with any goods.
    any_without_goods: bool,
    dates: Option<(Date, Date)>,
    undated: bool,
    from_port: bool,
    mode: Option<Mode>,
    direction: Direction,
    /// The leg as the first report names it (the corridor table's id).
    corridor: String,
}

pub fn detect<'a>(ctx: &Context<'a>) -> Vec<Finding> {
    // The city of each place, looked up once per place rather than once per report.
    let mut cities: HashMap<&str, &str> = HashMap::new();
    let mut city = |id: &'a str| -> &'a str { cities.entry(id).or_insert_with(|| city(ctx, id)) };
    // Legs grouped by (from city, to city, mode, direction): joining groups, not report pairs,
    // keeps this linear in the reports.
    type Key<'k> = (&'k str, &'k str, Option<Mode>, Direction);
    let mut groups: BTreeMap<Key, Legs> = BTreeMap::new();
    for c in &ctx.claims {
        if c.claim.kind != ClaimKind::Movement || c.claim.polarity != Polarity::Affirmed {
            continue;
        }
        let (Some(f), Some(t)) = (&c.claim.from, &c.claim.to) else {
            continue;
        };
        let key = (city(f), city(t), c.claim.mode, c.claim.direction);
        let g = groups.entry(key).or_insert_with(|| Legs {
            claims: Vec::new(),
            chapters: BTreeSet::new(),
            any_without_goods: false,
            dates: None,
            undated: false,
            from_port: false,
            mode: c.claim.mode,
            direction: c.claim.direction,
            corridor: format!("{f}>{t}"),
        });
        g.claims.push(c);
        let mut named = false;
        for ch in chapters(c) {
            named = true;
            g.chapters.insert(ch);
        }
        g.any_without_goods |= !named;
        match Context::date(c) {
            Some(d) => {
                g.dates = Some(g.dates.map_or((d, d), |(a, b)| (a.min(d), b.max(d))));
            }
            None => g.undated = true,
        }
        g.from_port |= ctx
            .gazetteer
            .place(f)
            .is_some_and(|p| p.kind == PlaceKind::Port);
    }
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
        path: String,
        shared: bool,
        strength: f64,
    }
    let mut hubs: BTreeMap<(&str, &str), Vec<Chain>> = BTreeMap::new();
    for ((af, at, _, _), a) in &groups {
        // The first leg stays outside the DPRK.
        if country(ctx, af).as_deref() == Some("kp") || country(ctx, at).as_deref() == Some("kp") {
            continue;
        }
        for ((bf, bt, _, _), b) in groups.range((*at, "", None, Direction::Inbound)..) {
            if bf != at {
                break;
            }
            if country(ctx, bt).as_deref() != Some("kp") {
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
            let into = if b.direction == Direction::Outbound {
                "out of"
            } else {
                "into"
            };
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
                path,
                shared,
                strength,
            });
        }
    }
    let mut out = Vec::new();
    for ((at, into), mut chains) in hubs {
        // The strongest, best-reported route names the finding.
        chains.sort_by(|x, y| {
            y.strength
                .total_cmp(&x.strength)
                .then_with(|| {
                    (y.a.claims.len() + y.b.claims.len())
                        .cmp(&(x.a.claims.len() + x.b.claims.len()))
                })
                .then_with(|| x.path.cmp(&y.path))
        });
        let top = &chains[0];
        // Evidence opens with a report of each leg, route by route, then the rest.
        let mut claims: Vec<&ClaimIn> = Vec::new();
        for ch in &chains {
            claims.extend(ch.a.claims.first());
            claims.extend(ch.b.claims.first());
        }
        let mut corridors: Vec<String> = Vec::new();
        for ch in &chains {
            claims.extend(&ch.a.claims);
            claims.extend(&ch.b.claims);
            for k in [&ch.a.corridor, &ch.b.corridor] {
                if !corridors.contains(k) {
                    corridors.push(k.clone());
                }
            }
        }
        let mut f = finding(
            ctx,
            "transshipment",
            String::new(),
            String::new(),
            corridors,
            &claims,
            top.strength,
        );
        // Each leg's reports once, however many routes the leg is part of.
        let mut counted: Vec<&Legs> = Vec::new();
        for l in chains.iter().flat_map(|ch| [ch.a, ch.b]) {
            if !counted.iter().any(|c| std::ptr::eq(*c, l)) {
                counted.push(l);
            }
        }
        let reports: usize = counted.iter().map(|l| l.claims.len()).sum();
        let shared = if top.shared {
            ", with the same goods on both legs"
        } else {
            ""
        };
        const LISTED: usize = 8;
        (f.title, f.summary) = match chains.len() {
            1 => (
                format!("Goods reach the DPRK through {}: {}", name(at), top.path),
                format!(
                    "{reports} report(s) of two legs joining at {}: goods go {into} the DPRK \
                     through a third place{shared}.",
                    name(at)
                ),
            ),
            k => {
                let mut routes: Vec<&str> = chains
                    .iter()
                    .take(LISTED)
                    .map(|c| c.path.as_str())
                    .collect();
                let more = format!("{} more", k - LISTED.min(k));
                if k > LISTED {
                    routes.push(&more);
                }
                (
                    format!(
                        "Goods reach the DPRK through {}: {} and {} more route{}",
                        name(at),
                        top.path,
                        k - 1,
                        if k == 2 { "" } else { "s" }
                    ),
                    format!(
                        "{reports} report(s) of legs joining at {} on {k} routes: goods go \
                         {into} the DPRK through a third place{}. Routes: {}.",
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
