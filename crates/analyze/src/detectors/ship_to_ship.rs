//! `ship-to-ship` — fires for two vessels that met at sea (within 500 m for two hours or more,
//! both slow, far from any port: the track reader's rule) when one of them is flagged to the
//! DPRK by its MMSI, is on a designated-vessel list, or was dark (a gap at sea) within
//! [`WINDOW_DAYS`] of a meeting. Such a meeting is how goods reach or leave the DPRK without a
//! port call on record (UN Security Council resolution 2375, paragraph 11, prohibits
//! ship-to-ship transfers to or from DPRK-flagged vessels).
//!
//! One finding per pair of vessels, citing their meetings' track lines, then the dark periods
//! and designations that make them suspect (the first twelve). Score: sources × (0.5, +0.25 for
//! each further reason — flag, designation, dark — up to 1).

use std::collections::BTreeMap;

use borderwatch_model::{Finding, TrackEventKind};

use super::{and_list, target_flagged, track_finding};
use crate::{Context, TrackEventIn};

/// A dark period this close in time to a meeting counts.
const WINDOW_DAYS: i64 = 7;

pub fn detect(ctx: &Context) -> Vec<Finding> {
    let window = WINDOW_DAYS * 86_400;
    let mut pairs: BTreeMap<Vec<u32>, Vec<&TrackEventIn>> = BTreeMap::new();
    for t in ctx.tracks.iter().copied() {
        if t.event.kind == TrackEventKind::Encounter {
            let mut key: Vec<u32> = t.event.vessels.iter().map(|v| v.mmsi).collect();
            key.sort_unstable();
            pairs.entry(key).or_default().push(t);
        }
    }
    let of = |kind: TrackEventKind, mmsi: u32| {
        ctx.tracks.iter().copied().filter(move |t| {
            t.event.kind == kind && t.event.vessels.first().map(|x| x.mmsi) == Some(mmsi)
        })
    };
    let mut out = Vec::new();
    for meetings in pairs.values() {
        let e = &meetings[0].event;
        let mut reasons = Vec::new();
        let mut cited: Vec<&TrackEventIn> = meetings.clone();
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
                cited.extend(of(TrackEventKind::Designated, v.mmsi));
            }
            let darks: Vec<&TrackEventIn> = of(TrackEventKind::Dark, v.mmsi)
                .filter(|t| {
                    meetings.iter().any(|m| {
                        t.event.start <= m.event.end + window
                            && t.event.end + window >= m.event.start
                    })
                })
                .collect();
            if !darks.is_empty() {
                dark = true;
                reasons.push(format!(
                    "{} went dark at sea within {WINDOW_DAYS} days of a meeting",
                    v.label()
                ));
                cited.extend(darks);
            }
        }
        let kinds = flagged as usize + designated as usize + dark as usize;
        if kinds == 0 {
            continue;
        }
        let names: Vec<String> = e.vessels.iter().map(|v| v.label()).collect();
        let title = format!(
            "Possible ship-to-ship transfer: {}{}",
            and_list(&names),
            if meetings.len() == 1 {
                String::new()
            } else {
                format!(" ({} meetings at sea)", meetings.len())
            }
        );
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
