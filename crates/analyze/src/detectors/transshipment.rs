//! `transshipment` — fires for a chain of two reported legs that reaches the DPRK (or leaves it)
//! through a third place: goods moved from A to B, then from B on to the DPRK, with a change of
//! mode or B a sea port (Dandong → Longkou by road, then Longkou → Nampo by sea).
//!
//! Legs join when the second starts where the first ends (the same place, or places in the same
//! city), their dates lie within 90 days of each other (undated legs join on place alone) and
//! their goods share an HS chapter (or one of them names none). Score: independent sources ×
//! (0.5, +0.25 for shared goods, +0.25 for dates that fit).

use std::collections::BTreeSet;

use borderwatch_model::{ClaimKind, Direction, Finding, PlaceKind, Polarity};

use super::finding;
use crate::{ClaimIn, Context};

fn city<'g>(ctx: &'g Context, id: &'g str) -> &'g str {
    ctx.gazetteer
        .ancestry(id)
        .into_iter()
        .find(|p| p.kind == PlaceKind::City)
        .map(|p| p.id.as_str())
        .unwrap_or(id)
}

fn chapters(c: &ClaimIn) -> BTreeSet<String> {
    c.claim
        .goods
        .iter()
        .filter_map(|g| g.hs.as_ref().and_then(|h| h.get(..2)).map(str::to_string))
        .collect()
}

fn country(ctx: &Context, id: &str) -> Option<String> {
    ctx.gazetteer
        .place(id)
        .map(|p| p.country.to_ascii_lowercase())
}

pub fn detect(ctx: &Context) -> Vec<Finding> {
    let legs: Vec<&ClaimIn> = ctx
        .claims
        .iter()
        .copied()
        .filter(|c| {
            c.claim.kind == ClaimKind::Movement
                && c.claim.polarity == Polarity::Affirmed
                && c.claim.from.is_some()
                && c.claim.to.is_some()
        })
        .collect();
    let mut out = Vec::new();
    for a in &legs {
        let (Some(af), Some(at)) = (&a.claim.from, &a.claim.to) else {
            continue;
        };
        // The first leg stays outside the DPRK.
        if country(ctx, at).as_deref() == Some("kp") || country(ctx, af).as_deref() == Some("kp") {
            continue;
        }
        for b in &legs {
            if a.id == b.id {
                continue;
            }
            let (Some(bf), Some(bt)) = (&b.claim.from, &b.claim.to) else {
                continue;
            };
            if city(ctx, bf) != city(ctx, at) || country(ctx, bt).as_deref() != Some("kp") {
                continue;
            }
            let port = ctx
                .gazetteer
                .place(bf)
                .is_some_and(|p| p.kind == PlaceKind::Port);
            let mode_change = matches!((a.claim.mode, b.claim.mode), (Some(x), Some(y)) if x != y);
            if !(port || mode_change || b.claim.mode == Some(borderwatch_model::Mode::Sea)) {
                continue;
            }
            let (da, db) = (Context::date(a), Context::date(b));
            let dates_fit = match (da, db) {
                (Some(x), Some(y)) => (y - x).num_days().abs() <= 90,
                _ => true,
            };
            if !dates_fit {
                continue;
            }
            let (ca, cb) = (chapters(a), chapters(b));
            let shared = !ca.is_disjoint(&cb);
            if !(shared || ca.is_empty() || cb.is_empty()) {
                continue;
            }
            let name = |id: &str| {
                ctx.gazetteer
                    .place(id)
                    .and_then(|p| p.names.first().cloned())
                    .unwrap_or_else(|| id.to_string())
            };
            let mode = |c: &ClaimIn| c.claim.mode.map(|m| format!(" by {m}")).unwrap_or_default();
            let path = format!(
                "{}{} → {}{} → {}",
                name(af),
                mode(a),
                name(at),
                mode(b),
                name(bt)
            );
            let dir = if b.claim.direction == Direction::Outbound {
                "out of"
            } else {
                "into"
            };
            out.push(finding(
                ctx,
                "transshipment",
                format!("Goods reach the DPRK through {}: {path}", name(at)),
                format!(
                    "Two legs join at {}: goods go {dir} the DPRK through a third place{}.",
                    name(at),
                    if shared {
                        ", with the same goods on both legs"
                    } else {
                        ""
                    }
                ),
                vec![format!("{af}>{at}"), format!("{bf}>{bt}")],
                &[*a, *b],
                0.5 + if shared { 0.25 } else { 0.0 }
                    + if da.is_some() && db.is_some() {
                        0.25
                    } else {
                        0.0
                    },
            ));
        }
    }
    out
}
