//! `displacement` — fires when prohibited goods move from one crossing to another over time, in
//! the same direction: crossing A carries them first, then is tightened (a closure, a suspension,
//! strict inspection or "no longer" reports) or stops carrying them, and crossing B carries the
//! same goods (a shared HS chapter) afterwards.
//!
//! Needs dated claims on both sides: every prohibited claim on A before the first on B. Score:
//! independent sources × (0.5, +0.25 when A's tightening is reported between the two, +0.25 when
//! A still reports permitted trade afterwards — the trade went on, the prohibited part moved).
//!
//! Also fires when the shift is in rates rather than clean cut: A is first reported tightened
//! (strict inspection, a closure) on a date T; before T it has at least three dated prohibited
//! reports over at least 30 days, and after T its prohibited reports a day fall by half or more,
//! while B's (sharing an HS chapter) rise by half or more, with at least three after T. Score:
//! independent sources × 0.75 (the tightening is reported; the move is in the counts).

use std::collections::BTreeSet;

use borderwatch_model::{ClaimKind, Date, Direction, Finding, Polarity, RouteStatus, Status};

use super::{condition, dir_words, finding, goods_items_with, has_goods_with, moving};
use crate::{ClaimIn, Context};

fn prohibited_chapters(c: &ClaimIn) -> BTreeSet<String> {
    goods_items_with(c, &[Status::Prohibited])
        .filter_map(|g| g.hs.as_ref().and_then(|h| h.get(..2)).map(str::to_string))
        .collect()
}

/// The title both rules give: "Prohibited goods into the DPRK moved from A to B".
fn moved(dir: Direction, from: &str, to: &str) -> String {
    format!(
        "Prohibited goods {} moved from {from} to {to}",
        dir_words(dir)
    )
}

pub fn detect(ctx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    let crossings: Vec<&str> = ctx
        .corridors()
        .into_iter()
        .filter(|k| ctx.gazetteer.crossing(k).is_some())
        .collect();
    // The span of the dated claims: the rate rule's days.
    let dates = ctx.claims.iter().filter_map(|c| Context::date(c));
    let span = dates.clone().min().zip(dates.max());
    for dir in [Direction::Inbound, Direction::Outbound] {
        // Each crossing's dated prohibited claims and their HS chapters, once.
        let dated: Vec<Vec<(&ClaimIn, Date)>> = crossings
            .iter()
            .map(|k| prohibited_dated(ctx, k, dir))
            .collect();
        let chapters: Vec<BTreeSet<String>> = dated
            .iter()
            .map(|v| v.iter().flat_map(|x| prohibited_chapters(x.0)).collect())
            .collect();
        let mut pairs: BTreeSet<(String, String)> = BTreeSet::new();
        for (ai, a) in crossings.iter().enumerate() {
            let on_a = &dated[ai];
            let Some(a_last) = on_a.last().map(|x| x.1) else {
                continue;
            };
            for (bi, b) in crossings.iter().enumerate() {
                if a == b {
                    continue;
                }
                let on_b = &dated[bi];
                let Some(b_first) = on_b.first().map(|x| x.1) else {
                    continue;
                };
                if b_first <= a_last {
                    continue;
                }
                let (ca, cb) = (&chapters[ai], &chapters[bi]);
                if ca.is_disjoint(cb) {
                    continue;
                }
                let after_a = |c: &ClaimIn| Context::date(c).is_some_and(|d| d > a_last);
                let tightening: Vec<&ClaimIn> = ctx
                    .on(a)
                    .iter()
                    .copied()
                    .filter(|c| {
                        after_a(c)
                            && (matches!(
                                c.claim.status,
                                Some(RouteStatus::Closed | RouteStatus::Suspended)
                            ) && c.claim.polarity == Polarity::Affirmed
                                || condition(c, "inspection") == Some("strict")
                                || (c.claim.kind == ClaimKind::Movement
                                    && c.claim.polarity == Polarity::Negated))
                    })
                    .collect();
                let still_trading: Vec<&ClaimIn> = ctx
                    .on(a)
                    .iter()
                    .copied()
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
                let shared: Vec<String> = ca.intersection(cb).map(|c| format!("HS {c}")).collect();
                let mut claims: Vec<&ClaimIn> = on_a.iter().rev().take(3).map(|x| x.0).collect();
                claims.extend(tightening.iter().take(3));
                claims.extend(still_trading.iter().take(2));
                claims.extend(on_b.iter().take(3).map(|x| x.0));
                pairs.insert((a.to_string(), b.to_string()));
                out.push(finding(
                    ctx,
                    "displacement",
                    moved(dir, &na, &nb),
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
        if let Some(span) = span {
            out.extend(by_rates(
                ctx, dir, &crossings, &dated, &chapters, span, &pairs,
            ));
        }
    }
    out
}

/// Dated prohibited claims of a crossing in a direction, oldest first.
fn prohibited_dated<'a>(ctx: &Context<'a>, k: &str, dir: Direction) -> Vec<(&'a ClaimIn, Date)> {
    let mut v: Vec<(&ClaimIn, Date)> = ctx
        .on(k)
        .iter()
        .copied()
        .filter(|c| moving(c, dir) && has_goods_with(c, &[Status::Prohibited]))
        .filter_map(|c| Context::date(c).map(|d| (c, d)))
        .collect();
    v.sort_by_key(|x| x.1);
    v
}

/// The rate rule (see the header): a reported tightening of A on T, A's prohibited reports a day
/// halving after T, B's rising by half.
#[allow(clippy::too_many_arguments)]
fn by_rates(
    ctx: &Context,
    dir: Direction,
    crossings: &[&str],
    dated: &[Vec<(&ClaimIn, Date)>],
    chapters: &[BTreeSet<String>],
    (start, end): (Date, Date),
    done: &BTreeSet<(String, String)>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let per_day = |v: &[(&ClaimIn, Date)], from: Date, to: Date| -> f64 {
        let n = v.iter().filter(|x| x.1 >= from && x.1 < to).count();
        n as f64 / ((to - from).num_days().max(1)) as f64
    };
    for (ai, a) in crossings.iter().enumerate() {
        let on_a = &dated[ai];
        // The first reported tightening of A.
        let tightened = ctx
            .on(a)
            .iter()
            .copied()
            .filter(|c| {
                matches!(
                    c.claim.status,
                    Some(RouteStatus::Closed | RouteStatus::Suspended)
                ) && c.claim.polarity == Polarity::Affirmed
                    || condition(c, "inspection") == Some("strict")
            })
            .filter_map(|c| Context::date(c).map(|d| (c, d)))
            .min_by_key(|x| x.1);
        let Some((tc, t)) = tightened else { continue };
        let before: Vec<_> = on_a.iter().filter(|x| x.1 < t).collect();
        if before.len() < 3 || (t - before[0].1).num_days() < 30 || t >= end {
            continue;
        }
        let (a_before, a_after) = (
            per_day(on_a, start, t),
            per_day(on_a, t, end.succ_opt().unwrap_or(end)),
        );
        if a_after > 0.5 * a_before {
            continue;
        }
        for (bi, b) in crossings.iter().enumerate() {
            if a == b || done.contains(&(a.to_string(), b.to_string())) {
                continue;
            }
            let on_b = &dated[bi];
            let after_b: Vec<_> = on_b.iter().filter(|x| x.1 >= t).collect();
            let (b_before, b_after) = (
                per_day(on_b, start, t),
                per_day(on_b, t, end.succ_opt().unwrap_or(end)),
            );
            if after_b.len() < 3 || b_after < 1.5 * b_before.max(1e-9) {
                continue;
            }
            let ca = &chapters[ai];
            let cb: BTreeSet<String> = after_b
                .iter()
                .flat_map(|x| prohibited_chapters(x.0))
                .collect();
            if ca.is_disjoint(&cb) {
                continue;
            }
            let (na, nb) = (ctx.corridor_name(a), ctx.corridor_name(b));
            let mut claims: Vec<&ClaimIn> = before.iter().rev().take(3).map(|x| x.0).collect();
            claims.push(tc);
            claims.extend(after_b.iter().take(3).map(|x| x.0));
            out.push(finding(
                ctx,
                "displacement",
                moved(dir, &na, &nb),
                format!(
                    "{na} was reported tightened on {t}; its reports of prohibited goods went from \
                     {:.2} to {:.2} a day, while {nb}'s went from {:.2} to {:.2} a day ({}).",
                    a_before,
                    a_after,
                    b_before,
                    b_after,
                    super::and_list(
                        &ca.intersection(&cb).map(|c| format!("HS {c}")).collect::<Vec<_>>()
                    )
                ),
                vec![a.to_string(), b.to_string()],
                &claims,
                0.75,
            ));
        }
    }
    out
}
