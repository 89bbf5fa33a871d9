//! `screening-flag` — fires for every corridor and direction where goods the rulebook prohibits
//! are reported moving or stored (planned movements included and marked), and for prohibited or
//! review goods on a corridor the reports call clean (strictly inspected, or "no sanctioned items
//! are transported") — a contradiction worth an analyst's time. Shipment records with prohibited
//! verdicts on the corridor and direction are cited with their file and line (the first six).
//!
//! Score: independent sources — reports and shipment files — × (0.6; 1.0 when the corridor is
//! called clean).

use std::collections::BTreeMap;

use borderwatch_model::{ClaimKind, Direction, Finding, Polarity, Status};

use super::{and_list, character, dir_words, finding, goods_with, has_goods_with, with_records};
use crate::{ClaimIn, Context, ShipmentIn};

pub fn detect(ctx: &Context) -> Vec<Finding> {
    let mut groups: BTreeMap<(Option<&str>, Direction), Vec<&ClaimIn>> = BTreeMap::new();
    for c in &ctx.claims {
        if matches!(c.claim.kind, ClaimKind::Movement | ClaimKind::Storage)
            && c.claim.polarity == Polarity::Affirmed
            && has_goods_with(c, &[Status::Prohibited, Status::Review])
        {
            groups
                .entry((ctx.corridor(c), c.claim.direction))
                .or_default()
                .push(c);
        }
    }
    let mut out = Vec::new();
    for ((corridor, dir), claims) in groups {
        // A contradiction needs a direction: "clean" is said of goods going one way.
        let clean =
            dir != Direction::Unknown && corridor.is_some_and(|k| character(ctx, k, dir).clean());
        let want: &[Status] = if clean {
            &[Status::Prohibited, Status::Review]
        } else {
            &[Status::Prohibited]
        };
        let claims: Vec<&ClaimIn> = claims
            .into_iter()
            .filter(|c| has_goods_with(c, want))
            .collect();
        if claims.is_empty() {
            continue;
        }
        let goods = goods_with(&claims, want, 24);
        let strength = if clean { 1.0 } else { 0.6 };
        let planned = claims.iter().all(|c| c.claim.planned);
        let name = corridor
            .map(|k| ctx.corridor_name(k))
            .unwrap_or_else(|| "no named corridor".into());
        let title = if clean {
            format!(
                "{name}, reported clean, carries prohibited or review goods {}",
                dir_words(dir)
            )
        } else if planned {
            format!(
                "Planned movement of prohibited goods {} ({name})",
                dir_words(dir)
            )
        } else {
            format!("Prohibited goods reported {} ({name})", dir_words(dir))
        };
        let f = finding(
            ctx,
            "screening-flag",
            title,
            format!(
                "{}: {}.",
                if planned {
                    "Planned or agreed, not yet done"
                } else {
                    "Reported"
                },
                and_list(&goods)
            ),
            corridor.iter().map(|k| k.to_string()).collect(),
            &claims,
            strength,
        );
        // Shipment records on the same corridor and direction with a prohibited verdict.
        let ships: Vec<&ShipmentIn> = corridor
            .map(|k| ctx.shipments_on(k))
            .unwrap_or_default()
            .iter()
            .copied()
            .filter(|s| s.status == Status::Prohibited && s.shipment.direction == dir)
            .collect();
        let f = with_records(ctx, f, &claims, &ships, strength);
        out.push(f);
    }
    out
}
