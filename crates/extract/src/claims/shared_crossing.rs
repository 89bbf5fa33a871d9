//! One crossing for the whole sentence: "North Korea receives fuel from Russia and ships coal to
//! Russia via the crossing" — the crossing closing the sentence is the way of both movements.
//!
//! After a sentence's clauses have made their movements, a movement without a crossing whose
//! ends are only countries, each a country of the one crossing a sibling movement of the same
//! sentence goes through, takes that crossing (and the sibling's context, which names it).
//! Refuses: sentences with two crossings, movements with a town or port of their own, and ends
//! in a country the crossing does not join.

use borderwatch_model::ClaimKind;

use super::Doc;

impl Doc<'_, '_> {
    /// Share the one crossing of the movements made since claim `first`.
    pub(super) fn share_crossing(&mut self, first: usize) {
        let mut through = self.claims[first..]
            .iter()
            .filter(|c| c.kind == ClaimKind::Movement && c.via.is_some());
        let Some(donor) = through.next() else {
            return;
        };
        let (via, context) = (
            donor.via.clone().unwrap_or_default(),
            donor.evidence.context.clone(),
        );
        if through.any(|c| c.via.as_deref() != Some(via.as_str())) {
            return;
        }
        let Some(crossing) = self.gz().crossing(&via) else {
            return;
        };
        let joins: Vec<String> = crossing
            .sides
            .iter()
            .filter_map(|s| self.country(s))
            .collect();
        for k in first..self.claims.len() {
            let c = &self.claims[k];
            if c.kind != ClaimKind::Movement || c.via.is_some() {
                continue;
            }
            let ends: Vec<&String> = c.from.iter().chain(&c.to).collect();
            let fits = !ends.is_empty()
                && ends
                    .iter()
                    .all(|e| self.is_country(e) && joins.iter().any(|j| j == *e));
            if !fits {
                continue;
            }
            let c = &mut self.claims[k];
            c.via = Some(via.clone());
            if c.evidence.context.is_none() {
                c.evidence.context = context.clone();
            }
        }
    }
}
