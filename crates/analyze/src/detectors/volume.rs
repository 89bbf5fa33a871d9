//! `volume` — fires for every reported rate of conveyances (trucks, wagons, containers, trains,
//! ships per day, week or month) and gives the implied tonnage, with its bounds, when the report
//! also says how much each one carries ("300 or more trucks a day, each carrying over 10 tons"
//! → at least 3,000 t a day, at least 90,000 t a month).
//!
//! Bounds follow the qualifiers: "over"/"or more" give a lower bound only, "up to" an upper bound,
//! a range both, "about" the value as an estimate. Score: independent sources × (0.6, +0.4 when a
//! load per conveyance makes the tonnage computable).

use borderwatch_model::{Finding, Qualifier, Quantity};

use super::{dir_words, finding, moving};
use crate::{ClaimIn, Context};

const CONVEYANCES: [&str; 5] = ["truck", "wagon", "container", "train", "ship"];

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

pub fn detect(ctx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in &ctx.claims {
        if !moving(c, c.claim.direction) {
            continue;
        }
        let qs = &c.claim.quantities;
        for rate in qs.iter().filter(|q| {
            q.unit.as_deref().is_some_and(|u| CONVEYANCES.contains(&u))
                && q.per.as_deref().and_then(days).is_some()
        }) {
            let unit = rate.unit.as_deref().unwrap_or_default();
            let per = rate.per.as_deref().unwrap_or_default();
            let span_days = days(per).unwrap_or(1.0);
            let (clo, chi) = bounds(rate);
            let load = qs
                .iter()
                .find(|q| q.unit.as_deref() == Some("tonne") && q.per.as_deref() == Some(unit));
            let corridor = ctx.corridor_of.get(&c.id).cloned();
            let name = corridor
                .as_deref()
                .map(|k| ctx.corridor_name(k))
                .unwrap_or_else(|| "Unrouted".into());
            let rate_words = format!("{} {unit}s a {per}", range_words(clo, chi));
            let (title, summary, strength) = match load {
                Some(l) => {
                    let (tlo, thi) = bounds(l);
                    let (dlo, dhi) = (
                        mul(clo, tlo).map(|v| v / span_days),
                        mul(chi, thi).map(|v| v / span_days),
                    );
                    let (mlo, mhi) = (dlo.map(|v| v * 30.0), dhi.map(|v| v * 30.0));
                    (
                        format!(
                            "{name} {}: {} tonnes a day implied",
                            dir_words(c.claim.direction),
                            range_words(dlo, dhi)
                        ),
                        format!(
                            "{rate_words}, each carrying {} tonnes: {} tonnes a day, {} tonnes \
                             a month (30 days).",
                            range_words(tlo, thi),
                            range_words(dlo, dhi),
                            range_words(mlo, mhi)
                        ),
                        1.0,
                    )
                }
                None => (
                    format!("{name} {}: {rate_words}", dir_words(c.claim.direction)),
                    format!("{rate_words}; the reports give no load per {unit}, so no tonnage."),
                    0.6,
                ),
            };
            out.push(finding(
                ctx,
                "volume",
                title,
                summary,
                corridor.into_iter().collect(),
                &[*c as &ClaimIn],
                strength,
            ));
        }
    }
    out
}
