//! `status-change` — fires for every corridor (or, when no crossing is named, the whole border
//! between two countries) and mode whose reports say it opened, closed, was suspended or resumed.
//! The finding lists the sequence in date order; planned or agreed changes are marked as such and
//! negated ones ("has not resumed") are kept as what did not happen.
//!
//! Score: independent sources × (0.7, +0.3 when at least one change is dated).

use std::collections::BTreeMap;

use borderwatch_model::{ClaimKind, Finding, Mode, Polarity};

use super::finding;
use crate::{ClaimIn, Context};

/// The corridor, else the country pair the claim's places span ("cn-kp", "ru-kp").
fn subject(ctx: &Context, c: &ClaimIn) -> String {
    if let Some(k) = ctx.corridor(c) {
        return k.to_string();
    }
    let has = |p: &str| {
        c.claim
            .places
            .iter()
            .any(|x| x == p || x.starts_with(&format!("{p}.")))
    };
    if has("ru") {
        "ru-kp".into()
    } else if has("cn") || !has("kp") {
        "cn-kp".into()
    } else {
        "kp".into()
    }
}

fn subject_name(ctx: &Context, s: &str) -> String {
    match s {
        "cn-kp" => "China–DPRK border".into(),
        "ru-kp" => "Russia–DPRK border".into(),
        "kp" => "DPRK trade".into(),
        k => ctx.corridor_name(k),
    }
}

pub fn detect(ctx: &Context) -> Vec<Finding> {
    let mut groups: BTreeMap<(String, Option<Mode>), Vec<&ClaimIn>> = BTreeMap::new();
    for c in &ctx.claims {
        if c.claim.kind == ClaimKind::Status && c.claim.status.is_some() {
            groups
                .entry((subject(ctx, c), c.claim.mode))
                .or_default()
                .push(c);
        }
    }
    let mut out = Vec::new();
    for ((subj, mode), mut claims) in groups {
        claims.sort_by_key(|c| (Context::date(c), c.id));
        let steps: Vec<String> = claims
            .iter()
            .map(|c| {
                let s = c
                    .claim
                    .status
                    .map(|s| format!("{s:?}").to_lowercase())
                    .unwrap_or_default();
                let mut w = match c.claim.polarity {
                    Polarity::Negated => format!("not {s}"),
                    Polarity::Affirmed => s,
                };
                if c.claim.planned {
                    w = format!("{w} (planned)");
                }
                match Context::date(c) {
                    Some(d) => format!("{w} {d}"),
                    None => w,
                }
            })
            .collect();
        let mut dedup: Vec<String> = Vec::new();
        for s in steps {
            if dedup.last() != Some(&s) {
                dedup.push(s);
            }
        }
        let dated = claims.iter().any(|c| Context::date(c).is_some());
        let name = subject_name(ctx, &subj);
        let mode_words = mode.map(|m| format!(" {m}")).unwrap_or_default();
        let corridors = if ctx.gazetteer.crossing(&subj).is_some() || subj.contains('>') {
            vec![subj.clone()]
        } else {
            vec![]
        };
        out.push(finding(
            ctx,
            "status-change",
            format!(
                "{name}{mode_words}: {}",
                dedup.last().cloned().unwrap_or_default()
            ),
            format!(
                "Reported status of {name}{mode_words}: {}.",
                dedup.join(" → ")
            ),
            corridors,
            &claims,
            0.7 + if dated { 0.3 } else { 0.0 },
        ));
    }
    out
}
