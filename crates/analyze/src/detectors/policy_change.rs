//! `policy-change` — fires for every reported change of a rule or a practice from one value to
//! another (a quarantine period shortened from 7–20 days to 3–4, inspectors increased from 20 to
//! 50). Reports of one subject changing one way (shortened, lengthened, decreased, increased)
//! make one finding, titled by the change most reports give, listing the other values reported.
//!
//! Score: independent sources × 1.0 (the change is stated, not inferred).

use std::collections::BTreeMap;

use borderwatch_model::{Change, ClaimKind, Finding, Polarity, Quantity};

use super::finding;
use crate::{ClaimIn, Context, Options};

fn amount(q: &Quantity, o: &Options) -> String {
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
        Some(u) => o.units(&v, q.max.is_none() && q.value == 1.0, u),
        None => v,
    }
}

/// "shortened", "lengthened", "decreased" or "increased".
fn verb(ch: &Change) -> &'static str {
    let (b, a) = (
        ch.before.max.unwrap_or(ch.before.value),
        ch.after.max.unwrap_or(ch.after.value),
    );
    let duration = matches!(
        ch.after.unit.as_deref(),
        Some("day" | "week" | "month" | "hour" | "year")
    );
    match (a < b, duration) {
        (true, true) => "shortened",
        (false, true) => "lengthened",
        (true, false) => "decreased",
        (false, false) => "increased",
    }
}

pub fn detect(ctx: &Context) -> Vec<Finding> {
    // Reports of one subject changing one way make one finding; each distinct change (its
    // values) is listed with how many reports give it, the most reported first.
    type Values = (String, String);
    let mut groups: BTreeMap<(String, &str), BTreeMap<Values, Vec<&ClaimIn>>> = BTreeMap::new();
    for c in &ctx.claims {
        if let (ClaimKind::Policy, Some(ch), Polarity::Affirmed) =
            (c.claim.kind, &c.claim.change, c.claim.polarity)
        {
            groups
                .entry((ch.subject.to_lowercase(), verb(ch)))
                .or_default()
                .entry((
                    amount(&ch.before, ctx.options),
                    amount(&ch.after, ctx.options),
                ))
                .or_default()
                .push(c);
        }
    }
    const LISTED: usize = 8;
    let mut out = Vec::new();
    for ((subject, verb), changes) in groups {
        let mut changes: Vec<(Values, Vec<&ClaimIn>)> = changes.into_iter().collect();
        // Stable: equally reported changes keep their sorted order.
        changes.sort_by_key(|(_, cs)| std::cmp::Reverse(cs.len()));
        let ((before, after), _) = &changes[0];
        let mut title = format!("{subject} {verb} from {before} to {after}");
        if let Some(f) = title.get_mut(..1) {
            f.make_ascii_uppercase();
        }
        let summary = if changes.len() == 1 {
            format!("{title}, as reported.")
        } else {
            let mut also: Vec<String> = changes[1..]
                .iter()
                .take(LISTED)
                .map(|((b, a), cs)| format!("from {b} to {a} ({} report(s))", cs.len()))
                .collect();
            if changes.len() - 1 > LISTED {
                also.push(format!("{} more", changes.len() - 1 - LISTED));
            }
            format!(
                "{title}, as reported ({} report(s)); also reported {verb}: {}.",
                changes[0].1.len(),
                also.join("; ")
            )
        };
        // Evidence opens with a report of each change, then the rest.
        let mut claims: Vec<&ClaimIn> = changes.iter().map(|(_, cs)| cs[0]).collect();
        claims.extend(changes.iter().flat_map(|(_, cs)| cs.iter().copied()));
        out.push(finding(
            ctx,
            "policy-change",
            title,
            summary,
            claims
                .iter()
                .filter_map(|c| ctx.corridor(c))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .map(str::to_string)
                .collect(),
            &claims,
            1.0,
        ));
    }
    out
}
