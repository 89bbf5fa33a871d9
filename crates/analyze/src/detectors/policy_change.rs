//! `policy-change` — fires for every reported change of a rule or a practice from one value to
//! another (a quarantine period shortened from 7–20 days to 3–4, inspectors increased from 20 to
//! 50). Reports of the same change (same subject, same values) make one finding.
//!
//! Score: independent sources × 1.0 (the change is stated, not inferred).

use std::collections::BTreeMap;

use borderwatch_model::{ClaimKind, Finding, Polarity, Quantity};

use super::finding;
use crate::{ClaimIn, Context};

fn amount(q: &Quantity) -> String {
    let n = |v: f64| {
        if v.fract() == 0.0 {
            format!("{v:.0}")
        } else {
            format!("{v}")
        }
    };
    let v = match q.max {
        Some(m) => format!("{}–{}", n(q.value), n(m)),
        None => n(q.value),
    };
    match &q.unit {
        Some(u) => format!("{v} {u}s"),
        None => v,
    }
}

pub fn detect(ctx: &Context) -> Vec<Finding> {
    let mut groups: BTreeMap<(String, String, String), Vec<&ClaimIn>> = BTreeMap::new();
    for c in &ctx.claims {
        if let (ClaimKind::Policy, Some(ch), Polarity::Affirmed) =
            (c.claim.kind, &c.claim.change, c.claim.polarity)
        {
            groups
                .entry((
                    ch.subject.to_lowercase(),
                    amount(&ch.before),
                    amount(&ch.after),
                ))
                .or_default()
                .push(c);
        }
    }
    let mut out = Vec::new();
    for ((subject, before, after), claims) in groups {
        let Some(ch) = claims[0].claim.change.as_ref() else {
            continue;
        };
        let (b, a) = (
            ch.before.max.unwrap_or(ch.before.value),
            ch.after.max.unwrap_or(ch.after.value),
        );
        let duration = matches!(
            ch.after.unit.as_deref(),
            Some("day" | "week" | "month" | "hour" | "year")
        );
        let verb = match (a < b, duration) {
            (true, true) => "shortened",
            (false, true) => "lengthened",
            (true, false) => "decreased",
            (false, false) => "increased",
        };
        let mut title = format!("{subject} {verb} from {before} to {after}");
        if let Some(f) = title.get_mut(..1) {
            f.make_ascii_uppercase();
        }
        out.push(finding(
            ctx,
            "policy-change",
            title.clone(),
            format!("{title}, as reported."),
            claims
                .iter()
                .filter_map(|c| ctx.corridor_of.get(&c.id).cloned())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect(),
            &claims,
            1.0,
        ));
    }
    out
}
