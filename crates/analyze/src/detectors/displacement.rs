//! `displacement` — fires when prohibited goods move from one crossing to another over time, in
//! the same direction: crossing A carries them first, then is tightened (a closure, a suspension,
//! strict inspection or "no longer" reports) or stops carrying them, and crossing B carries the
//! same goods (a shared HS chapter) afterwards.
//!
//! Needs dated claims on both sides: every prohibited claim on A before the first on B. Score:
//! independent sources × (0.5, +0.25 when A's tightening is reported between the two, +0.25 when
//! A still reports permitted trade afterwards — the trade went on, the prohibited part moved).

use std::collections::BTreeSet;

use borderwatch_model::{ClaimKind, Date, Direction, Finding, Polarity, RouteStatus, Status};

use super::{condition, dir_words, finding, goods_items_with, has_goods_with, moving};
use crate::{ClaimIn, Context};

fn prohibited_chapters(c: &ClaimIn) -> BTreeSet<String> {
    goods_items_with(c, &[Status::Prohibited])
        .filter_map(|g| g.hs.as_ref().and_then(|h| h.get(..2)).map(str::to_string))
        .collect()
}

pub fn detect(ctx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    let crossings: Vec<&str> = ctx
        .corridors()
        .into_iter()
        .filter(|k| ctx.gazetteer.crossing(k).is_some())
        .collect();
    for dir in [Direction::Inbound, Direction::Outbound] {
        // Dated prohibited claims per crossing.
        let dated = |k: &str| -> Vec<(&ClaimIn, Date)> {
            let mut v: Vec<(&ClaimIn, Date)> = ctx
                .on(k)
                .into_iter()
                .filter(|c| moving(c, dir) && has_goods_with(c, &[Status::Prohibited]))
                .filter_map(|c| Context::date(c).map(|d| (c, d)))
                .collect();
            v.sort_by_key(|x| x.1);
            v
        };
        for a in &crossings {
            let on_a = dated(a);
            let Some(a_last) = on_a.last().map(|x| x.1) else {
                continue;
            };
            for b in &crossings {
                if a == b {
                    continue;
                }
                let on_b = dated(b);
                let Some(b_first) = on_b.first().map(|x| x.1) else {
                    continue;
                };
                if b_first <= a_last {
                    continue;
                }
                let ca: BTreeSet<String> =
                    on_a.iter().flat_map(|x| prohibited_chapters(x.0)).collect();
                let cb: BTreeSet<String> =
                    on_b.iter().flat_map(|x| prohibited_chapters(x.0)).collect();
                if ca.is_disjoint(&cb) {
                    continue;
                }
                let after_a = |c: &ClaimIn| Context::date(c).is_some_and(|d| d > a_last);
                let tightening: Vec<&ClaimIn> = ctx
                    .on(a)
                    .into_iter()
                    .filter(|c| {
                        after_a(c)
                            && (matches!(
                                c.claim.status,
                                Some(RouteStatus::Closed | RouteStatus::Suspended)
                            ) && c.claim.polarity == Polarity::Affirmed
                                || condition(c, "inspection").as_deref() == Some("strict")
                                || (c.claim.kind == ClaimKind::Movement
                                    && c.claim.polarity == Polarity::Negated))
                    })
                    .collect();
                let still_trading: Vec<&ClaimIn> = ctx
                    .on(a)
                    .into_iter()
                    .filter(|c| {
                        after_a(c)
                            && moving(c, dir)
                            && !has_goods_with(c, &[Status::Prohibited])
                            && !c.claim.goods.is_empty()
                    })
                    .collect();
                if tightening.is_empty() && still_trading.is_empty() {
                    continue;
                }
                let (na, nb) = (ctx.corridor_name(a), ctx.corridor_name(b));
                let shared: Vec<String> = ca.intersection(&cb).map(|c| format!("HS {c}")).collect();
                let mut claims: Vec<&ClaimIn> = on_a.iter().rev().take(3).map(|x| x.0).collect();
                claims.extend(tightening.iter().take(3));
                claims.extend(still_trading.iter().take(2));
                claims.extend(on_b.iter().take(3).map(|x| x.0));
                out.push(finding(
                    ctx,
                    "displacement",
                    format!(
                        "Prohibited goods {} moved from {na} to {nb}",
                        dir_words(dir)
                    ),
                    format!(
                        "Prohibited goods ({}) went through {na} until {a_last}; {}from {b_first} \
                         they are reported through {nb}.",
                        super::and_list(&shared),
                        if tightening.is_empty() {
                            format!("afterwards {na} reports only permitted goods; ")
                        } else {
                            format!("then {na} was reported tightened; ")
                        }
                    ),
                    vec![a.to_string(), b.to_string()],
                    &claims,
                    0.5 + if tightening.is_empty() { 0.0 } else { 0.25 }
                        + if still_trading.is_empty() { 0.0 } else { 0.25 },
                ));
            }
        }
    }
    out
}
