//! Vehicles in a state, not on the move: "trucks from Dandong are now under strict
//! inspections" says how the trucks are checked, not that they went anywhere. A clause with a
//! condition (inspection, fees, visibility) whose movement words are nouns only — no verb of
//! movement, no import or export word, no goods — makes the condition claim alone.
//!
//! Refuses: the condition itself (condition) and clauses where something is carried, sent or
//! heading somewhere ("trucks carrying flour from Dandong face strict inspections").

use super::infrastructure::verb_trigger;
use super::*;

impl Doc<'_, '_> {
    /// Whether the clause `(cs, ce)` states a condition of its vehicles only (module doc).
    pub(super) fn states_condition_only(
        &self,
        f: &Facts,
        toks: &[Tok],
        (cs, ce): (usize, usize),
    ) -> bool {
        let condition = f.conditions.iter().any(|c| c.0 != "infrastructure");
        if !condition || f.import.is_some() || f.export.is_some() || f.ret || f.load.is_some() {
            return false;
        }
        // Goods as the goods stage reads them: "trucks" here are vehicles, not goods.
        if !self.goods(toks).is_empty() {
            return false;
        }
        let tagged = tagger::tag(&self.x.reference.pos, &self.text.clean, cs, ce);
        // A vehicle word is no verb here, whatever the tagger says of "trucks"; unless a pronoun
        // follows as its object ("to ship them").
        let vehicle = |v: usize| {
            toks.iter().any(|t| {
                t.start == v
                    && matches!(t.tk, Tk::Cue(Role::Mode(_)))
                    && !self.pronoun_object(t.end)
            })
        };
        !verb_trigger(f, &tagged, vehicle)
    }
}
