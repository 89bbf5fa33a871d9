//! `dark-voyage` — fires for a dark period at sea that could hide a DPRK port call (the track
//! reader's rule: a DPRK port lies within reach of where the vessel went dark and where it
//! reappeared, at its recent speed, in the time it was dark), and for a voyage into or out of a
//! DPRK port.
//!
//! One finding per dark period or voyage, citing its track lines. Score: sources × 0.6 for a
//! dark period (it could hide a call; the track does not show one), × 0.8 for a voyage (the
//! track shows it), + 0.2 when the vessel flies the DPRK flag or is designated.

use borderwatch_model::{Direction, Finding, TrackEventKind};

use super::{and_list, dir_words, port_name, target_flagged, track_finding};
use crate::Context;

pub fn detect(ctx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    for t in ctx.tracks.iter().copied() {
        let e = &t.event;
        let Some(v) = e.vessels.first() else { continue };
        let marked = target_flagged(v) || !v.designated.is_empty();
        let (title, strength) = match e.kind {
            TrackEventKind::Dark if !e.target_ports.is_empty() => {
                let ports: Vec<String> = e.target_ports.iter().map(|p| port_name(ctx, p)).collect();
                (
                    format!(
                        "{} dark at sea, {} within reach",
                        v.label(),
                        and_list(&ports)
                    ),
                    0.6,
                )
            }
            TrackEventKind::Voyage
                if matches!(e.direction, Some(Direction::Inbound | Direction::Outbound)) =>
            {
                let (Some(f), Some(to)) = (&e.from, &e.to) else {
                    continue;
                };
                (
                    format!(
                        "{} sailed {} → {} ({})",
                        v.label(),
                        port_name(ctx, f),
                        port_name(ctx, to),
                        dir_words(e.direction.unwrap_or(Direction::Unknown))
                    ),
                    0.8,
                )
            }
            _ => continue,
        };
        let strength: f64 = if marked { strength + 0.2 } else { strength };
        out.push(track_finding(
            ctx,
            "dark-voyage",
            title,
            format!("{}.", e.summary),
            &[t],
            strength.min(1.0),
        ));
    }
    out
}
