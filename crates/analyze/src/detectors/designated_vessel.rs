//! `designated-vessel` — fires for a vessel on a designated-vessel list (by IMO number, or by
//! name when no IMO number can be compared) that its tracks show: one finding per vessel,
//! listing every event of it — port calls, voyages, dark periods, encounters, loitering and
//! identity events — and citing their track lines (the designation first).
//!
//! Score: sources × 0.9 for a match by IMO number, × 0.5 for a match by name only.

use std::collections::BTreeMap;

use borderwatch_model::{Finding, TrackEventKind};

use super::track_finding;
use crate::{Context, TrackEventIn};

pub fn detect(ctx: &Context) -> Vec<Finding> {
    // The designated vessels, by MMSI, with their events (the designation first).
    let mut by: BTreeMap<u32, Vec<&TrackEventIn>> = BTreeMap::new();
    for t in ctx.tracks.iter().copied() {
        if t.event.kind == TrackEventKind::Designated {
            if let Some(v) = t.event.vessels.first() {
                by.entry(v.mmsi).or_default().insert(0, t);
            }
        }
    }
    for t in ctx.tracks.iter().copied() {
        if t.event.kind == TrackEventKind::Designated {
            continue;
        }
        for v in &t.event.vessels {
            if let Some(list) = by.get_mut(&v.mmsi) {
                list.push(t);
            }
        }
    }
    let mut out = Vec::new();
    for events in by.values() {
        let first = &events[0].event;
        let Some(v) = first.vessels.first() else {
            continue;
        };
        let by_imo = v.designated.iter().any(|d| d.basis == "imo");
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for t in &events[1..] {
            *counts.entry(t.event.kind.as_str()).or_default() += 1;
        }
        let seen = if counts.is_empty() {
            "no other event in its tracks".to_string()
        } else {
            counts
                .iter()
                .map(|(k, n)| format!("{k} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push(track_finding(
            ctx,
            "designated-vessel",
            format!("Designated vessel in the tracks: {}", v.label()),
            format!("{}; its tracks show: {seen}.", first.summary),
            events,
            if by_imo { 0.9 } else { 0.5 },
        ));
    }
    out
}
