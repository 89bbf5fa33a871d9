//! `warehousing` — fires where goods are reported held at or near the border instead of
//! crossing: a storage claim (goods in a customs warehouse, a loaded train parked at a station).
//! Claims about the same place make one finding; the longest reported holding ("since
//! mid-August", "for over a year") is named.
//!
//! Score: independent sources × (0.6, +0.4 when the holding has a start or a duration).

use std::collections::BTreeMap;

use borderwatch_model::{ClaimKind, Finding, Polarity};

use super::finding;
use crate::{ClaimIn, Context};

pub fn detect(ctx: &Context) -> Vec<Finding> {
    let mut groups: BTreeMap<String, Vec<&ClaimIn>> = BTreeMap::new();
    for c in &ctx.claims {
        if c.claim.kind == ClaimKind::Storage && c.claim.polarity == Polarity::Affirmed {
            let at = c
                .claim
                .at
                .clone()
                .or_else(|| c.claim.from.clone())
                .or_else(|| ctx.corridor(c).map(str::to_string))
                .unwrap_or_else(|| "unplaced".into());
            groups.entry(at).or_default().push(c);
        }
    }
    let mut out = Vec::new();
    for (at, claims) in groups {
        let place = ctx
            .gazetteer
            .place(&at)
            .and_then(|p| p.names.first().cloned())
            .unwrap_or_else(|| ctx.corridor_name(&at));
        let held_since = claims
            .iter()
            .filter_map(|c| c.claim.when.as_ref())
            .find(|w| w.since || w.start.is_some())
            .map(|w| w.text.clone());
        let goods: Vec<String> = claims
            .iter()
            .flat_map(|c| c.claim.goods.iter().map(|g| g.text.clone()))
            .collect();
        let mode = claims.iter().find_map(|c| c.claim.mode);
        let what = if goods.is_empty() {
            match mode {
                Some(borderwatch_model::Mode::Rail) => "a loaded train".to_string(),
                _ => "goods".to_string(),
            }
        } else {
            super::and_list(&goods)
        };
        let corridors = claims
            .iter()
            .filter_map(|c| ctx.corridor(c).map(str::to_string))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        out.push(finding(
            ctx,
            "warehousing",
            match &held_since {
                Some(t) => format!("{what} held at {place} ({t})"),
                None => format!("{what} held at {place}"),
            },
            format!(
                "{} report(s) of {what} stored at {place} rather than crossing{}.",
                claims.len(),
                held_since
                    .as_ref()
                    .map(|t| format!(", {t}"))
                    .unwrap_or_default()
            ),
            corridors,
            &claims,
            0.6 + if held_since.is_some() { 0.4 } else { 0.0 },
        ));
    }
    out
}
