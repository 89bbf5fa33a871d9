//! Condition claims: inspection, fees or visibility at a crossing, and market prices at a place.
//!
//! Refuses: conditions without a place to hold them.

use super::*;

impl Doc<'_, '_> {
    pub(super) fn conditions(&mut self, base: &ClaimBase, f: &Facts, subject: &[Mention]) {
        if f.conditions.is_empty() {
            return;
        }
        let mut targets: Vec<(Option<String>, Option<String>)> = Vec::new();
        for m in subject.iter().filter(|m| !m.qualifier && !m.compared) {
            let via = self.crossing_for(&m.id, None);
            let at = (!m.crossing).then(|| m.id.clone());
            if !targets
                .iter()
                .any(|t| t.0 == via && (via.is_some() || t.1 == at))
            {
                targets.push((via, at));
            }
        }
        if targets.is_empty() {
            return;
        }
        for &(aspect, value) in &f.conditions {
            for (via, at) in &targets {
                let mut c = self.claim(base, ClaimKind::Condition, subject, None);
                c.via = via.clone();
                c.at = at.clone();
                c.condition = Some(ConditionValue {
                    aspect: aspect.to_string(),
                    value: value.to_string(),
                });
                let s = self.sents[base.si];
                c.when = self.when(base.clause.0, base.clause.1, s.start, s.end);
                c.direction = Direction::Unknown;
                self.push(c);
            }
        }
    }
}
