//! `ship-to-ship` — fires for an encounter at sea (two vessels within 500 m for two hours or
//! more, both slow, far from any port: the track reader's rule) in which one vessel is flagged
//! to the DPRK by its MMSI, is on a designated-vessel list, or was dark (a gap at sea) within
//! [`WINDOW_DAYS`] of the encounter. Such a meeting is how goods reach or leave the DPRK
//! without a port call on record (UN Security Council resolution 2375, paragraph 11, prohibits
//! ship-to-ship transfers to or from DPRK-flagged vessels).
//!
//! One finding per encounter, citing the encounter's track lines, then the dark periods and
//! designations that make it suspect. Score: sources × (0.5, +0.25 for each further reason —
//! flag, designation, dark — up to 1).

use borderwatch_model::{Finding, TrackEventKind};

use super::{and_list, target_flagged, track_finding};
use crate::{Context, TrackEventIn};

/// A dark period this close in time to the encounter counts.
const WINDOW_DAYS: i64 = 7;

pub fn detect(ctx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    let window = WINDOW_DAYS * 86_400;
    for enc in ctx
        .tracks
        .iter()
        .copied()
        .filter(|t| t.event.kind == TrackEventKind::Encounter)
    {
        let e = &enc.event;
        let mut reasons = Vec::new();
        let mut cited: Vec<&TrackEventIn> = vec![enc];
        let mut kinds = 0usize;
        let (mut flagged, mut designated, mut dark) = (false, false, false);
        for v in &e.vessels {
            if target_flagged(v) {
                flagged = true;
                reasons.push(format!("{} flies the DPRK flag by its MMSI", v.label()));
            }
            if let Some(d) = v.designated.first() {
                designated = true;
                reasons.push(format!(
                    "{} is designated ({} on {})",
                    v.label(),
                    d.listed_name,
                    d.list
                ));
                cited.extend(ctx.tracks.iter().copied().filter(|t| {
                    t.event.kind == TrackEventKind::Designated
                        && t.event.vessels.first().map(|x| x.mmsi) == Some(v.mmsi)
                }));
            }
            let darks: Vec<&TrackEventIn> = ctx
                .tracks
                .iter()
                .copied()
                .filter(|t| {
                    t.event.kind == TrackEventKind::Dark
                        && t.event.vessels.first().map(|x| x.mmsi) == Some(v.mmsi)
                        && t.event.start <= e.end + window
                        && t.event.end + window >= e.start
                })
                .collect();
            if !darks.is_empty() {
                dark = true;
                reasons.push(format!(
                    "{} went dark at sea within {WINDOW_DAYS} days of it",
                    v.label()
                ));
                cited.extend(darks);
            }
        }
        kinds += flagged as usize + designated as usize + dark as usize;
        if kinds == 0 {
            continue;
        }
        let names: Vec<String> = e.vessels.iter().map(|v| v.label()).collect();
        let title = format!("Possible ship-to-ship transfer: {}", and_list(&names));
        let summary = format!("{}; {}.", e.summary, and_list(&reasons));
        let strength = (0.5 + 0.25 * (kinds as f64 - 1.0)).min(1.0);
        out.push(track_finding(
            ctx,
            "ship-to-ship",
            title,
            summary,
            &cited,
            strength,
        ));
    }
    out
}
