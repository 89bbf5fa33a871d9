//! Place mentions: the border-region places a report names where it makes no other claim
//! about them ("the repatriation took place in Tumen, Hunchun and Changbai").
//!
//! After every sentence has made its claims, each sentence naming a place that no claim of
//! the document carries yet gives one `mention` claim listing those places, with the sentence
//! as evidence. So a report is found by every place it names, and the map knows where it
//! speaks of.
//! Refuses: countries (every report names them), places inside the attribution (who said
//! it may locate the source), and any reading of what happens there.

use std::collections::HashSet;

use borderwatch_model::ClaimKind;

use super::{ClaimBase, Doc};

impl Doc<'_, '_> {
    pub(super) fn place_mentions(&mut self) {
        let mut carried: HashSet<String> = HashSet::new();
        for c in &self.claims {
            carried.extend(c.places.iter().cloned());
            carried.extend(
                [&c.from, &c.to, &c.via, &c.at]
                    .into_iter()
                    .flatten()
                    .cloned(),
            );
        }
        for si in 0..self.sents.len() {
            let new: Vec<String> = self
                .sentence_places(si)
                .into_iter()
                .filter(|p| !self.is_country(p) && self.gz().place(p).is_some())
                .filter(|p| carried.insert(p.clone()))
                .collect();
            if new.is_empty() {
                continue;
            }
            let s = self.sents[si];
            let base = ClaimBase {
                si,
                clause: (s.start, s.end),
                hedged: false,
                attribution: self.attribution[si].clone(),
            };
            let c = self.finish_claim(&base, ClaimKind::Mention, new, None);
            self.push(c);
        }
    }
}
