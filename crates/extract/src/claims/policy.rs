//! Policy claims: a subject changing "from X to Y" (a quarantine period, a fee, a limit).
//!
//! Refuses: bans and rules without a change; those negate movements (halt) or are nothing.

use super::*;

impl Doc<'_, '_> {
    pub(super) fn policy(&self, base: &ClaimBase, f: &Facts, toks: &[Tok]) -> Option<Claim> {
        let (ss, se) = f.policy_subject?;
        let clean = &self.text.clean;
        let ce = base.clause.1;
        let ws = words(clean, ss, ce);
        let lw: Vec<String> = ws
            .iter()
            .map(|&(a, b)| clean[a..b].to_ascii_lowercase())
            .collect();
        let all = self.nums_in(ss, ce);
        let from_at = (0..lw.len()).find(|&i| {
            lw[i] == "from"
                && ws
                    .get(i + 1)
                    .is_some_and(|w| all.iter().any(|n| n.start == w.0))
        })?;
        let nums = self.nums_in(ws[from_at].1, ce);
        let first = nums.first()?;
        // before: N [to|or N] [unit]; after: "to" [only] N [or|to N] [unit]
        // (value, max, unit, next number index, end of the text read)
        type Read = (f64, Option<f64>, Option<String>, usize, usize);
        let parse = |i: usize| -> Option<Read> {
            let a = nums.get(i)?;
            let mut j = i;
            let mut max = None;
            if let Some(b) = nums.get(i + 1) {
                let g = clean[a.end..b.start].trim().to_ascii_lowercase();
                if matches!(g.as_str(), "to" | "or" | "-" | "–") {
                    max = Some(b.value);
                    j = i + 1;
                }
            }
            let end = nums[j].end;
            let unit = toks
                .iter()
                .find(|t| t.start >= end && t.start <= end + 2)
                .and_then(|t| match t.tk {
                    Tk::Cue(Role::Unit(u)) => {
                        Some((self.x.matcher.units[u as usize].clone(), t.end))
                    }
                    _ => None,
                });
            let (unit, uend) = match unit {
                Some((u, e)) => (Some(u), e),
                None => (None, end),
            };
            Some((a.value, max, unit, j + 1, uend))
        };
        if clean[ws[from_at].1..first.start].trim().len() > 2 {
            return None;
        }
        let (v1, m1, u1, next, e1) = parse(0)?;
        let mk = |v: f64, m: Option<f64>, u: Option<String>, s: usize, e: usize| Quantity {
            value: v,
            max: m,
            unit: u,
            per: None,
            qualifier: if m.is_some() {
                Qualifier::Range
            } else {
                Qualifier::Exact
            },
            text: clean[s..e].to_string(),
            span: self.text.span(s, e),
        };
        let (before, after) = match nums.get(next) {
            Some(n2)
                if clean[e1..n2.start]
                    .trim()
                    .to_ascii_lowercase()
                    .trim_end_matches(" only")
                    .trim_end_matches(" just")
                    .starts_with("to") =>
            {
                let (v2, m2, u2, _, e2) = parse(next)?;
                let u1 = u1.or(u2.clone());
                (
                    mk(v1, m1, u1, first.start, e1),
                    mk(v2, m2, u2, n2.start, e2),
                )
            }
            _ => {
                // "from 20 to 50": a single pair read as before → after.
                let m1 = m1?;
                let second = nums.get(1)?;
                (
                    mk(v1, None, u1.clone(), first.start, first.end),
                    mk(m1, None, u1, second.start, e1),
                )
            }
        };
        let mut c = self.claim(base, ClaimKind::Policy, &[], None);
        c.change = Some(Box::new(Change {
            subject: clean[ss..se].to_string(),
            before,
            after,
        }));
        c.mode = f.mode;
        let s = self.sents[base.si];
        c.when = self.when(base.clause.0, base.clause.1, s.start, s.end);
        Some(c)
    }
}
