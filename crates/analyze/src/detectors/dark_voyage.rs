//! `dark-voyage` — fires for a vessel whose tracks show a dark period at sea that could hide a
//! DPRK port call (the track reader's rule: a DPRK port lies within reach of where the vessel
//! went dark and where it reappeared, at its recent speed, in the time it was dark), and for a
//! vessel that sailed into or out of a DPRK port.
//!
//! One finding per vessel and pattern — its dark periods, or its voyages to and from DPRK
//! ports — citing each one's track lines (the first twelve). Score: sources × 0.6 for dark
//! periods (they could hide a call; the track does not show one), × 0.8 for voyages (the track
//! shows them), + 0.2 when the vessel flies the DPRK flag by its MMSI or is designated.

use std::collections::BTreeMap;

use borderwatch_model::{Direction, Finding, TrackEventKind};

use super::{and_list, port_name, target_flagged, track_finding};
use crate::{Context, TrackEventIn};

pub fn detect(ctx: &Context) -> Vec<Finding> {
    // (vessel, voyage?) → its events, in time order.
    let mut by: BTreeMap<(u32, bool), Vec<&TrackEventIn>> = BTreeMap::new();
    for t in ctx.tracks.iter().copied() {
        let e = &t.event;
        let Some(v) = e.vessels.first() else { continue };
        let voyage = match e.kind {
            TrackEventKind::Dark if !e.target_ports.is_empty() => false,
            TrackEventKind::Voyage
                if matches!(e.direction, Some(Direction::Inbound | Direction::Outbound))
                    && e.from.is_some()
                    && e.to.is_some() =>
            {
                true
            }
            _ => continue,
        };
        by.entry((v.mmsi, voyage)).or_default().push(t);
    }
    let mut out = Vec::new();
    for ((_, voyage), events) in &by {
        let first = &events[0].event;
        let Some(v) = first.vessels.first() else {
            continue;
        };
        let marked = target_flagged(v) || !v.designated.is_empty();
        let (title, summary, strength) = if *voyage {
            let mut legs: BTreeMap<String, usize> = BTreeMap::new();
            for t in events {
                let (Some(f), Some(to)) = (&t.event.from, &t.event.to) else {
                    continue;
                };
                *legs
                    .entry(format!("{} → {}", port_name(ctx, f), port_name(ctx, to)))
                    .or_default() += 1;
            }
            let legs: Vec<String> = legs
                .into_iter()
                .map(|(l, n)| if n == 1 { l } else { format!("{l} ×{n}") })
                .collect();
            (
                format!(
                    "{} sailed to or from DPRK ports: {}",
                    v.label(),
                    and_list(&legs)
                ),
                format!(
                    "{} voyage{} into or out of the DPRK; the first: {}.",
                    events.len(),
                    if events.len() == 1 { "" } else { "s" },
                    first.summary
                ),
                0.8,
            )
        } else {
            // In the reader's order (nearest first), each once.
            let mut ports: Vec<&str> = Vec::new();
            for p in events.iter().flat_map(|t| &t.event.target_ports) {
                if !ports.contains(&p.as_str()) {
                    ports.push(p);
                }
            }
            let names: Vec<String> = ports.iter().map(|p| port_name(ctx, p)).collect();
            (
                format!(
                    "{} dark at sea{}, {} within reach",
                    v.label(),
                    if events.len() == 1 {
                        String::new()
                    } else {
                        format!(" {} times", events.len())
                    },
                    and_list(&names)
                ),
                format!("The first: {}.", first.summary),
                0.6,
            )
        };
        let strength: f64 = if marked { strength + 0.2 } else { strength };
        out.push(track_finding(
            ctx,
            "dark-voyage",
            title,
            summary,
            events,
            strength.min(1.0),
        ));
    }
    out
}
