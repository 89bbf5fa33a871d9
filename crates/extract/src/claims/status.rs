//! Status claims: a route, crossing or mode opened, closed, suspended or resumed.
//!
//! Refuses: movements; a halted flow is a negated movement built by the sentence.

use super::*;

impl Doc<'_, '_> {
    pub(super) fn statuses(
        &mut self,
        base: &ClaimBase,
        f: &Facts,
        subject: &[Mention],
        sentence_mode: Option<Mode>,
    ) {
        if f.status.is_empty() {
            return;
        }
        let about_traffic = f.status_subject || f.mode.is_some() || !subject.is_empty();
        if !about_traffic {
            return;
        }
        let mode = f.mode.or(sentence_mode);
        let mut routes = self.routes(f, subject, mode, true);
        if routes.is_empty() && f.ref_route {
            // "Rail traffic on the link had been suspended": the route named before.
            if let Some(fr) = &self.last_routes {
                routes = fr
                    .routes
                    .iter()
                    .filter(|r| r.via.is_some())
                    .cloned()
                    .collect();
            }
        }
        let clean = &self.text.clean;
        let mut seen = BTreeSet::new();
        for &(st, s0, _) in &f.status {
            let negated = f.negation.is_some_and(|n| n < s0 && s0 - n < 40);
            let planned = f.planned.iter().any(|&p| p < s0 && s0 - p < 40);
            if !seen.insert((st, planned, negated)) {
                continue;
            }
            // The time just after the status word, else the clause's first.
            let s = self.sents[base.si];
            let t = self
                .times_in(s0, base.clause.1)
                .next()
                .or_else(|| self.times_in(base.clause.0, base.clause.1).next())
                .or_else(|| self.times_in(s.start, s.end).next())
                .cloned();
            let targets: Vec<Option<&Route>> = if routes.is_empty() {
                vec![None]
            } else {
                routes.iter().map(Some).collect()
            };
            for r in targets {
                let mut c = self.claim(base, ClaimKind::Status, subject, None);
                c.status = Some(st);
                c.mode = mode;
                c.planned = planned;
                c.polarity = if negated {
                    Polarity::Negated
                } else {
                    Polarity::Affirmed
                };
                if let Some(r) = r {
                    c.via = r.via.clone();
                    if r.via.is_some() {
                        c.at = r.from.clone().or(r.to.clone());
                    }
                }
                c.when = t.as_ref().map(|t| {
                    let span = self.text.span(t.start, t.end);
                    t.resolve(clean, self.opts.published, span)
                });
                self.push(c);
            }
        }
    }
}
