//! The detectors: one file each, named by its stable id, each with a doc header saying when it
//! fires. Every detector takes the [`Context`] and returns findings with their evidence quoted.

use std::collections::BTreeSet;

use foldhash::{HashSet, HashSetExt};

use borderwatch_model::{ClaimKind, Direction, Finding, Polarity, Status};

use crate::{period_of, score, ClaimIn, Context, ShipmentIn, TrackEventIn};

mod dark_voyage;
mod designated_vessel;
mod displacement;
mod empty_backhaul;
mod policy_change;
mod screening_flag;
mod segregation;
mod ship_to_ship;
mod status_change;
mod transshipment;
mod volume;
mod warehousing;

/// Detector ids, the slowest on a large store first (measured on a million claims): the
/// analysis starts them in this order.
pub(crate) const COST_RANK: [&str; 12] = [
    "screening-flag",
    "transshipment",
    "status-change",
    "volume",
    "empty-backhaul",
    "displacement",
    "segregation",
    "policy-change",
    "warehousing",
    "ship-to-ship",
    "dark-voyage",
    "designated-vessel",
];

/// Every detector id, in the order their findings are listed.
pub const IDS: [&str; 12] = {
    let mut ids = [""; 12];
    let mut i = 0;
    while i < ids.len() {
        ids[i] = DETECTORS[i].0;
        i += 1;
    }
    ids
};

/// The detectors that read vessel tracks (they are silent on reports and shipments alone).
pub const TRACK_IDS: [&str; 3] = ["ship-to-ship", "dark-voyage", "designated-vessel"];

/// One detector: its id and its function.
pub(crate) type Detector = (&'static str, fn(&Context) -> Vec<Finding>);

/// Every detector, in the order of [`IDS`].
pub(crate) const DETECTORS: [Detector; 12] = [
    ("segregation", segregation::detect),
    ("empty-backhaul", empty_backhaul::detect),
    ("displacement", displacement::detect),
    ("warehousing", warehousing::detect),
    ("transshipment", transshipment::detect),
    ("status-change", status_change::detect),
    ("volume", volume::detect),
    ("screening-flag", screening_flag::detect),
    ("policy-change", policy_change::detect),
    ("ship-to-ship", ship_to_ship::detect),
    ("dark-voyage", dark_voyage::detect),
    ("designated-vessel", designated_vessel::detect),
];

/// Most claims quoted per finding (the count of supporting sources is always complete).
const MAX_EVIDENCE: usize = 12;

/// Most shipment records quoted per finding, after its claims.
const MAX_RECORDS: usize = 6;

/// A finding from its claims: places, goods codes, period, independent sources, score, evidence.
pub(crate) fn finding(
    ctx: &Context,
    kind: &str,
    title: String,
    summary: String,
    corridors: Vec<String>,
    claims: &[&ClaimIn],
    strength: f64,
) -> Finding {
    let mut seen = HashSet::with_capacity(claims.len());
    let claims: Vec<&ClaimIn> = claims
        .iter()
        .copied()
        .filter(|c| seen.insert(c.id))
        .collect();
    // Borrowed while collecting: a finding can rest on thousands of claims naming a few places.
    let places: BTreeSet<&str> = claims
        .iter()
        .flat_map(|c| c.claim.from.iter().chain(&c.claim.to).chain(&c.claim.at))
        .map(String::as_str)
        .collect();
    let hs: BTreeSet<&str> = claims
        .iter()
        .flat_map(|c| &c.claim.goods)
        .filter_map(|g| g.hs.as_deref())
        .collect();
    let independent = ctx.independent(&claims);
    Finding {
        id: String::new(),
        kind: kind.to_string(),
        title,
        summary,
        corridors,
        places: places.into_iter().map(str::to_string).collect(),
        hs: hs.into_iter().map(str::to_string).collect(),
        period: period_of(&claims),
        score: score(independent, strength),
        independent_sources: independent,
        claims: claims.len(),
        reviewed: crate::reviewed_count(&claims),
        evidence: claims
            .iter()
            .take(MAX_EVIDENCE)
            .map(|c| ctx.cite(c))
            .collect(),
    }
}

/// A finding from track events (the first is the one it is about): the ports they name, their
/// period, their sources (each track file is a source of its own) and their lines cited.
pub(crate) fn track_finding(
    ctx: &Context,
    kind: &str,
    title: String,
    summary: String,
    events: &[&TrackEventIn],
    strength: f64,
) -> Finding {
    let mut seen = HashSet::new();
    let events: Vec<&TrackEventIn> = events
        .iter()
        .copied()
        .filter(|t| seen.insert(t.id))
        .collect();
    let places: BTreeSet<&str> = events
        .iter()
        .flat_map(|t| {
            let e = &t.event;
            e.at.iter()
                .chain(&e.from)
                .chain(&e.to)
                .chain(&e.target_ports)
        })
        .map(String::as_str)
        .collect();
    let corridors: BTreeSet<String> = events
        .iter()
        .filter_map(|t| {
            Some(format!(
                "{}>{}",
                t.event.from.as_ref()?,
                t.event.to.as_ref()?
            ))
        })
        .collect();
    let dates: Vec<_> = events
        .iter()
        .flat_map(|t| {
            let (a, b) = t.dates();
            a.into_iter().chain(b)
        })
        .collect();
    let independent = ctx.independence.count(events.iter().map(|t| t.source_id));
    Finding {
        id: String::new(),
        kind: kind.to_string(),
        title,
        summary,
        corridors: corridors.into_iter().collect(),
        places: places.into_iter().map(str::to_string).collect(),
        hs: Vec::new(),
        period: crate::Period {
            start: dates.iter().min().copied(),
            end: dates.iter().max().copied(),
        },
        score: score(independent, strength),
        independent_sources: independent,
        claims: events.iter().filter(|t| t.claim.is_some()).count(),
        reviewed: 0,
        evidence: events
            .iter()
            .flat_map(|t| ctx.cite_track(t))
            .take(MAX_EVIDENCE)
            .collect(),
    }
}

/// A port's name: the gazetteer's, else the id as stored (`locode:…`).
pub(crate) fn port_name(ctx: &Context, id: &str) -> String {
    ctx.gazetteer
        .place(id)
        .and_then(|p| p.names.first().cloned())
        .unwrap_or_else(|| id.to_string())
}

/// A vessel's flag by MMSI is the target's.
pub(crate) fn target_flagged(v: &borderwatch_model::VesselRef) -> bool {
    v.flag.as_deref() == Some("KP")
}

/// Adds shipment records to a finding made from claims: their files and lines cited (the first
/// [`MAX_RECORDS`]), their places, HS codes and dates, and their sources counted among the
/// independent sources (and so in the score).
pub(crate) fn with_records(
    ctx: &Context,
    mut f: Finding,
    claims: &[&ClaimIn],
    ships: &[&ShipmentIn],
    strength: f64,
) -> Finding {
    let mut seen = HashSet::new();
    let ships: Vec<&ShipmentIn> = ships
        .iter()
        .copied()
        .filter(|s| seen.insert(s.id))
        .collect();
    if ships.is_empty() {
        return f;
    }
    let mut places: BTreeSet<String> = std::mem::take(&mut f.places).into_iter().collect();
    let mut hs: BTreeSet<String> = std::mem::take(&mut f.hs).into_iter().collect();
    for s in &ships {
        let sh = &s.shipment;
        places.extend(sh.origin.iter().chain(&sh.destination).cloned());
        hs.extend(sh.hs.iter().map(|h| h.as_str().to_string()));
        f.period.start = Some(f.period.start.map_or(sh.date, |d| d.min(sh.date)));
        f.period.end = Some(f.period.end.map_or(sh.date, |d| d.max(sh.date)));
    }
    f.places = places.into_iter().collect();
    f.hs = hs.into_iter().collect();
    f.independent_sources = ctx.independence.count(
        claims
            .iter()
            .map(|c| c.source_id)
            .chain(ships.iter().map(|s| s.source_id)),
    );
    f.score = score(f.independent_sources, strength);
    f.evidence
        .extend(ships.iter().take(MAX_RECORDS).map(|s| ctx.cite_shipment(s)));
    f
}

/// An affirmed movement or storage claim in this direction.
pub(crate) fn moving(c: &ClaimIn, dir: Direction) -> bool {
    matches!(c.claim.kind, ClaimKind::Movement | ClaimKind::Storage)
        && c.claim.polarity == Polarity::Affirmed
        && c.claim.direction == dir
}

/// The goods items of a claim whose verdict has one of these statuses.
pub(crate) fn goods_items_with<'c>(
    c: &'c ClaimIn,
    want: &'c [Status],
) -> impl Iterator<Item = &'c borderwatch_model::GoodsItem> + 'c {
    c.claim.goods.iter().filter(move |g| {
        g.hs.as_ref().is_some_and(|hs| {
            c.claim
                .verdicts
                .iter()
                .any(|v| &v.hs == hs && want.contains(&v.status))
        })
    })
}

/// Whether any goods item of a claim has one of these statuses (no allocation: detectors
/// filter millions of claims with it).
pub(crate) fn has_goods_with(c: &ClaimIn, want: &[Status]) -> bool {
    goods_items_with(c, want).next().is_some()
}

/// The distinct goods of these claims whose verdict has one of these statuses, as
/// "words (HS code)" in order, at most `limit` of them and then "N more" (a corridor can carry
/// thousands of reports: the words are collected borrowed and formatted once each).
pub(crate) fn goods_with(claims: &[&ClaimIn], want: &[Status], limit: usize) -> Vec<String> {
    let distinct: BTreeSet<(&str, &str)> = claims
        .iter()
        .flat_map(|c| goods_items_with(c, want))
        .map(|g| (g.text.as_str(), g.hs.as_deref().unwrap_or("")))
        .collect();
    let mut out: Vec<String> = distinct
        .iter()
        .take(limit)
        .map(|(text, hs)| format!("{text} (HS {hs})"))
        .collect();
    if distinct.len() > limit {
        out.push(format!("{} more", distinct.len() - limit));
    }
    out
}

/// The condition value a claim reports for an aspect.
pub(crate) fn condition<'c>(c: &'c ClaimIn, aspect: &str) -> Option<&'c str> {
    match (&c.claim.kind, &c.claim.condition, c.claim.polarity) {
        (ClaimKind::Condition, Some(v), Polarity::Affirmed) if v.aspect == aspect => Some(&v.value),
        _ => None,
    }
}

/// How the reports describe a corridor in one direction: the claims that call it strictly
/// inspected or clean ("no sanctioned items are transported"), and those that call it loose.
pub(crate) struct Character<'a> {
    pub strict: Vec<&'a ClaimIn>,
    pub loose: Vec<&'a ClaimIn>,
}

impl Character<'_> {
    /// The reports call it clean: more strict or clean claims than loose ones.
    pub fn clean(&self) -> bool {
        !self.strict.is_empty() && self.strict.len() > self.loose.len()
    }
}

pub(crate) fn character<'a>(ctx: &Context<'a>, corridor: &str, dir: Direction) -> Character<'a> {
    let on = ctx.on(corridor);
    let strict = on
        .iter()
        .copied()
        .filter(|c| {
            condition(c, "inspection") == Some("strict")
                || (c.claim.kind == ClaimKind::Movement
                    && c.claim.polarity == Polarity::Negated
                    && c.claim.direction == dir)
        })
        .collect();
    let loose = on
        .iter()
        .copied()
        .filter(|c| condition(c, "inspection") == Some("loose"))
        .collect();
    Character { strict, loose }
}

/// "into the DPRK" / "out of the DPRK".
pub(crate) fn dir_words(d: Direction) -> &'static str {
    match d {
        Direction::Inbound => "into the DPRK",
        Direction::Outbound => "out of the DPRK",
        Direction::Domestic => "within one country",
        Direction::Unknown => "in an unknown direction",
    }
}

/// Joins names: "A", "A and B", "A, B and C".
pub(crate) fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [a] => a.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
