//! `volume` — fires for every reported rate of conveyances (trucks, wagons, containers, trains,
//! ships per day, week or month) and gives the implied tonnage, with its bounds, when the report
//! also says how much each one carries ("300 or more trucks a day, each carrying over 10 tons"
//! → at least 3,000 t a day, at least 90,000 t a month).
//!
//! Bounds follow the qualifiers: "over"/"or more" give a lower bound only, "up to" an upper bound,
//! a range both, "about" the value as an estimate. Score: independent sources × (0.6, +0.4 when a
//! load per conveyance makes the tonnage computable).

use std::collections::BTreeMap;

use borderwatch_model::{Direction, Finding, Qualifier, Quantity};

use super::{dir_words, finding, moving};
use crate::{ClaimIn, Context};

/// Lower and upper bound of a quantity (`None` where the report sets none).
fn bounds(q: &Quantity) -> (Option<f64>, Option<f64>) {
    match q.qualifier {
        Qualifier::AtLeast => (Some(q.value), q.max),
        Qualifier::AtMost => (None, Some(q.max.unwrap_or(q.value))),
        Qualifier::Range => (Some(q.value), Some(q.max.unwrap_or(q.value))),
        Qualifier::About | Qualifier::Exact => (Some(q.value), Some(q.max.unwrap_or(q.value))),
    }
}

fn days(per: &str) -> Option<f64> {
    match per {
        "day" => Some(1.0),
        "week" => Some(7.0),
        "month" => Some(30.0),
        _ => None,
    }
}

fn fmt(v: f64) -> String {
    let r = v.round() as i64;
    let s = r.abs().to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if r < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// "at least 3,000", "at most 40", "3,000–4,000", "about 10".
fn range_words(lo: Option<f64>, hi: Option<f64>) -> String {
    match (lo, hi) {
        (Some(l), Some(h)) if (l - h).abs() < f64::EPSILON => fmt(l),
        (Some(l), Some(h)) => format!("{}–{}", fmt(l), fmt(h)),
        (Some(l), None) => format!("at least {}", fmt(l)),
        (None, Some(h)) => format!("at most {}", fmt(h)),
        (None, None) => "an unknown number of".into(),
    }
}

fn mul(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(a? * b?)
}

/// What one report's rate implies.
struct Rate<'a> {
    claim: &'a ClaimIn,
    count: (Option<f64>, Option<f64>),
    /// Tonnes a day, when the load per conveyance is reported.
    tonnes_a_day: Option<(Option<f64>, Option<f64>)>,
}

fn lowest(v: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    v.flatten().min_by(f64::total_cmp)
}

fn highest(v: &[Option<f64>]) -> Option<f64> {
    // An open upper bound anywhere leaves the range open.
    if v.iter().any(Option::is_none) {
        None
    } else {
        v.iter().flatten().copied().max_by(f64::total_cmp)
    }
}

pub fn detect(ctx: &Context) -> Vec<Finding> {
    // One finding per corridor × direction × conveyance × period word, over all its reports.
    let mut groups: BTreeMap<(Option<String>, Direction, String, String), Vec<Rate>> =
        BTreeMap::new();
    for c in &ctx.claims {
        if !moving(c, c.claim.direction) {
            continue;
        }
        let qs = &c.claim.quantities;
        for rate in qs.iter().filter(|q| {
            q.unit
                .as_ref()
                .is_some_and(|u| ctx.options.conveyances.contains(u))
                && q.per.as_deref().and_then(days).is_some()
        }) {
            let unit = rate.unit.clone().unwrap_or_default();
            let per = rate.per.clone().unwrap_or_default();
            let span_days = days(&per).unwrap_or(1.0);
            let count = bounds(rate);
            let tonnes_a_day = qs
                .iter()
                .find(|q| q.unit.as_deref() == Some("tonne") && q.per.as_deref() == Some(&unit))
                .map(|l| {
                    let t = bounds(l);
                    (
                        mul(count.0, t.0).map(|v| v / span_days),
                        mul(count.1, t.1).map(|v| v / span_days),
                    )
                });
            groups
                .entry((
                    ctx.corridor(c).map(str::to_string),
                    c.claim.direction,
                    unit,
                    per,
                ))
                .or_default()
                .push(Rate {
                    claim: c,
                    count,
                    tonnes_a_day,
                });
        }
    }
    let mut out = Vec::new();
    for ((corridor, dir, unit, per), rates) in groups {
        let name = corridor
            .as_deref()
            .map(|k| ctx.corridor_name(k))
            .unwrap_or_else(|| "Unrouted".into());
        let counts_hi: Vec<Option<f64>> = rates.iter().map(|r| r.count.1).collect();
        let rate_words = format!(
            "{} {unit}s a {per}",
            range_words(lowest(rates.iter().map(|r| r.count.0)), highest(&counts_hi))
        );
        let tonnes: Vec<(Option<f64>, Option<f64>)> =
            rates.iter().filter_map(|r| r.tonnes_a_day).collect();
        let claims: Vec<&ClaimIn> = rates.iter().map(|r| r.claim).collect();
        let reports = if rates.len() > 1 {
            format!(" ({} reports)", rates.len())
        } else {
            String::new()
        };
        let (title, summary, strength) = if tonnes.is_empty() {
            (
                format!("{name} {}: {rate_words}", dir_words(dir)),
                format!("{rate_words}{reports}; no load per {unit} is reported, so no tonnage."),
                0.6,
            )
        } else {
            let lo = lowest(tonnes.iter().map(|t| t.0));
            let hi = highest(&tonnes.iter().map(|t| t.1).collect::<Vec<_>>());
            (
                format!(
                    "{name} {}: {} tonnes a day implied",
                    dir_words(dir),
                    range_words(lo, hi)
                ),
                format!(
                    "{rate_words}{reports}, with the load each carries: {} tonnes a day, {} \
                     tonnes a month (30 days).",
                    range_words(lo, hi),
                    range_words(lo.map(|v| v * 30.0), hi.map(|v| v * 30.0))
                ),
                1.0,
            )
        };
        out.push(finding(
            ctx,
            "volume",
            title,
            summary,
            corridor.into_iter().collect(),
            &claims,
            strength,
        ));
    }
    out
}
