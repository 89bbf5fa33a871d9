//! `segregation` — fires when, in one direction, some crossings carry prohibited goods (or are
//! reported loosely inspected) while others are reported strictly inspected or clean: the trade
//! that sanctions forbid is channelled through the crossings that let it pass.
//!
//! Needs at least one crossing with an affirmed prohibited movement in that direction that the
//! reports do not call clean, and at least one crossing the reports call clean. Loosely inspected
//! crossings join the first side. Score: independent sources × (0.5, +0.25 when the loose side's
//! looseness is reported, +0.25 when the clean side's strictness is).

use borderwatch_model::{Direction, Finding, Status};

use super::{and_list, character, dir_words, finding, goods_with, has_goods_with, moving};
use crate::{ClaimIn, Context};

pub fn detect(ctx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    for dir in [Direction::Inbound, Direction::Outbound] {
        let mut leaky: Vec<(String, Vec<&ClaimIn>, Vec<&ClaimIn>)> = Vec::new();
        let mut clean: Vec<(String, Vec<&ClaimIn>)> = Vec::new();
        for k in ctx.corridors() {
            if ctx.gazetteer.crossing(k).is_none() {
                continue;
            }
            let ch = character(ctx, k, dir);
            if ch.clean() {
                clean.push((k.to_string(), ch.strict));
                continue;
            }
            let prohibited: Vec<&ClaimIn> = ctx
                .on(k)
                .iter()
                .copied()
                .filter(|c| moving(c, dir) && has_goods_with(c, &[Status::Prohibited]))
                .collect();
            if !prohibited.is_empty() || !ch.loose.is_empty() {
                leaky.push((k.to_string(), prohibited, ch.loose));
            }
        }
        if clean.is_empty() || !leaky.iter().any(|(_, p, _)| !p.is_empty()) {
            continue;
        }
        let names = |ks: &[String]| -> String {
            and_list(&ks.iter().map(|k| ctx.corridor_name(k)).collect::<Vec<_>>())
        };
        let leaky_ids: Vec<String> = leaky.iter().map(|l| l.0.clone()).collect();
        let clean_ids: Vec<String> = clean.iter().map(|c| c.0.clone()).collect();
        let prohibited: Vec<&ClaimIn> = leaky
            .iter()
            .flat_map(|(_, p, _)| p.iter().copied())
            .collect();
        let goods = goods_with(&prohibited, &[Status::Prohibited], 8);
        let loose_reported = leaky.iter().any(|l| !l.2.is_empty());
        let strict_reported = clean.iter().any(|c| {
            c.1.iter()
                .any(|x| super::condition(x, "inspection").is_some())
        });
        let strength = 0.5
            + if loose_reported { 0.25 } else { 0.0 }
            + if strict_reported { 0.25 } else { 0.0 };
        let mut claims: Vec<&ClaimIn> = Vec::new();
        for (_, p, l) in &leaky {
            claims.extend(p.iter().take(4));
            claims.extend(l.iter().take(2));
        }
        for (_, s) in &clean {
            claims.extend(s.iter().take(3));
        }
        let title = format!(
            "Prohibited goods {} go through {}, while {} is reported {}",
            dir_words(dir),
            names(&leaky_ids),
            names(&clean_ids),
            if strict_reported {
                "strictly inspected"
            } else {
                "clean"
            }
        );
        let summary = format!(
            "Prohibited goods reported {} via {}: {}. The reports call {} {}.",
            dir_words(dir),
            names(&leaky_ids),
            and_list(&goods),
            names(&clean_ids),
            if strict_reported {
                "strictly inspected"
            } else {
                "free of sanctioned goods"
            }
        );
        let mut corridors = leaky_ids;
        corridors.extend(clean_ids);
        out.push(finding(
            ctx,
            "segregation",
            title,
            summary,
            corridors,
            &claims,
            strength,
        ));
    }
    out
}
