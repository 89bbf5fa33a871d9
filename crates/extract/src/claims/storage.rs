//! Storage claims: goods or vehicles held at a place (a train parked as a warehouse).
//!
//! Refuses: movements out of storage (endpoints: stored_origin).

use super::*;

impl Doc<'_, '_> {
    pub(super) fn storage(
        &mut self,
        base: &ClaimBase,
        f: &Facts,
        toks: &[Tok],
        subject: &[Mention],
        sentence_mode: Option<Mode>,
    ) {
        if !f.storage || f.infrastructure {
            return;
        }
        let goods = self.goods(toks);
        let vehicle = f.mode.is_some() || f.ref_vehicle || f.ref_cargo || sentence_mode.is_some();
        if goods.is_empty() && !vehicle {
            return;
        }
        let places = || {
            subject
                .iter()
                .filter(|m| !m.qualifier && !m.compared && !m.crossing)
        };
        // "from a warehouse in Khasan to Tumangang": the place the store is in, right after
        // its word; else the most precise place of the clause.
        let cue = toks.iter().find(|t| t.tk == Tk::Cue(Role::Storage));
        let after_cue = cue.map(|t| t.end).and_then(|e| {
            places().find(|m| {
                m.start >= e && self.text.clean[e..m.start].split_whitespace().count() <= 2
            })
        });
        let Some(at) =
            after_cue.or_else(|| places().max_by_key(|m| self.gz().ancestry(&m.id).len()))
        else {
            return;
        };
        let mut c = self.claim(base, ClaimKind::Storage, subject, None);
        self.last_storage = Some((base.si, at.id.clone()));
        c.at = Some(at.id.clone());
        c.via = self.crossing_for(&at.id, None);
        c.mode = f.mode.or(sentence_mode);
        c.load = f.load;
        c.goods = goods;
        let s = self.sents[base.si];
        let clean = &self.text.clean;
        let cue = cue.map_or(base.clause.0, |t| t.start);
        let ts: Vec<TimeExpr> = self.times_in(cue, base.clause.1).cloned().collect();
        c.when = match ts.first() {
            Some(t) => Some(t.resolve(clean, self.opts.published, self.text.span(t.start, t.end))),
            None => self.when(base.clause.0, base.clause.1, s.start, s.end),
        };
        c.direction = Direction::Unknown;
        self.screen(&mut c);
        self.push(c);
    }
}
