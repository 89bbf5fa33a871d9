//! Quantities of a clause: a number with its unit or the goods or vehicles it counts.
//!
//! Refuses: numbers that are dates, times or lengths of the vehicle.

use super::*;

impl Doc<'_, '_> {
    pub(super) fn quantities(&self, toks: &[Tok], cs: usize, ce: usize) -> Vec<Quantity> {
        let clean = &self.text.clean;
        let nums = self.nums_in(cs, ce);
        let time_spans: Vec<(usize, usize)> =
            self.times_in(cs, ce).map(|t| (t.start, t.end)).collect();
        let nums: Vec<Num> = nums
            .into_iter()
            .filter(|n| !time_spans.iter().any(|&(a, b)| n.start >= a && n.end <= b))
            .collect();
        let cue_after = |pos: usize, limit: usize| {
            window(toks, pos, pos + limit)
                .iter()
                .filter_map(|t| match t.tk {
                    Tk::Cue(r) => Some((r, t.start, t.end)),
                    _ => None,
                })
                .collect::<Vec<_>>()
        };
        let mut out: Vec<Quantity> = Vec::new();
        let mut k = 0;
        while k < nums.len() {
            let n = nums[k];
            let mut end = n.end;
            let mut max = None;
            // "three to four", "three or four", "7-20"
            if let Some(n2) = nums.get(k + 1) {
                let gap = clean[n.end..n2.start].trim().to_ascii_lowercase();
                if matches!(gap.as_str(), "to" | "or" | "-" | "–" | "and") && n2.value > n.value {
                    max = Some(n2.value);
                    end = n2.end;
                    k += 1;
                }
            }
            // Qualifier before ("over 10", "up to 300") or after ("300 or more").
            let before = window(toks, n.start.saturating_sub(40), n.start)
                .iter()
                .rev()
                .find(|t| t.end <= n.start && n.start - t.end <= 2)
                .and_then(|t| match t.tk {
                    Tk::Cue(r @ (Role::AtLeast | Role::AtMost | Role::About)) => Some(r),
                    _ => None,
                });
            let after_cues = cue_after(end, 2);
            let after = after_cues.iter().find_map(|(r, _, e)| match r {
                Role::AtLeast | Role::AtMost | Role::About => Some((*r, *e)),
                _ => None,
            });
            if let Some((_, e)) = after {
                end = e;
            }
            let unit_cues = cue_after(end, 2);
            let unit = unit_cues.iter().find_map(|(r, _, e)| match r {
                Role::Unit(u) => Some((self.x.matcher.units[*u as usize].clone(), *e)),
                _ => None,
            });
            let Some((unit, uend)) = unit else {
                k += 1;
                continue;
            };
            if self.x.reference.cues.quantity.measures.contains(&unit) {
                k += 1;
                continue;
            }
            let qualifier = match (after.map(|a| a.0).or(before), max) {
                (_, Some(_)) => Qualifier::Range,
                (Some(Role::AtLeast), _) => Qualifier::AtLeast,
                (Some(Role::AtMost), _) => {
                    // "up to 300 or more" reads as at least.
                    Qualifier::AtMost
                }
                (Some(Role::About), _) => Qualifier::About,
                _ => Qualifier::Exact,
            };
            let qualifier = if after.map(|a| a.0) == Some(Role::AtLeast) {
                Qualifier::AtLeast
            } else {
                qualifier
            };
            // A rate: "daily" after, or "each" before (per the unit counted just before).
            let each = window(toks, n.start.saturating_sub(40), n.start)
                .iter()
                .any(|t| t.tk == Tk::Cue(Role::Each) && t.end <= n.start && n.start - t.end < 24);
            let per = if each {
                out.last().and_then(|q| q.unit.clone())
            } else {
                // The rate word follows within a few words ("300 trucks … daily"); a count of
                // conveyances takes the clause's rate word however far it trails ("300 trucks,
                // each carrying 10 tons, cross … daily").
                let conveyance = self.x.reference.cues.quantity.conveyances.contains(&unit);
                let reach = if conveyance { ce } else { (uend + 80).min(ce) };
                window(toks, uend, reach).iter().find_map(|t| match t.tk {
                    Tk::Cue(Role::Per(p)) => Some(self.x.matcher.periods[p as usize].clone()),
                    _ => None,
                })
            };
            let start = n.start;
            out.push(Quantity {
                value: n.value,
                max,
                unit: Some(unit),
                per,
                qualifier,
                text: clean[start..uend].to_string(),
                span: self.text.span(start, uend),
            });
            k += 1;
        }
        // A rate cue for the first count ("300 trucks … daily") applies once.
        out
    }

    pub(super) fn nums_in(&self, a: usize, b: usize) -> Vec<Num> {
        self.cur_nums
            .iter()
            .filter(|n| n.start >= a && n.end <= b)
            .copied()
            .collect()
    }
}
