//! Trade named, not reported: "she is in charge of trade with the North", "Hyesan has
//! long been a hub for smuggling". A clause whose every trigger is a noun of trade (a flow,
//! an import or export word) governed by a preposition, with no goods, vehicle, cargo or verb
//! of movement, describes a person's work or a place's role. It makes no movement.
//!
//! Refuses: deciding what the clause does claim (status, condition and storage read it on).

use super::*;

/// Prepositions that make a trade noun an object, not a subject: "for trade", "of smuggling".
const GOVERNING: [&str; 7] = ["for", "of", "in", "on", "about", "against", "with"];

/// Most modifiers read between the preposition and the trade noun ("for cross-border trade").
const MODIFIERS: usize = 2;

impl Doc<'_, '_> {
    /// Whether the clause names trade only as the object of a preposition (see the module doc).
    pub(super) fn names_trade_only(&self, f: &Facts, toks: &[Tok]) -> bool {
        if f.triggers.is_empty() || f.ret || f.load.is_some() || f.cargo_noun || f.ref_cargo {
            return false;
        }
        let traffic = toks.iter().any(|t| {
            matches!(
                t.tk,
                Tk::Goods(_) | Tk::Cue(Role::Mode(_)) | Tk::Cue(Role::RefVehicle)
            )
        });
        if traffic {
            return false;
        }
        f.triggers.iter().all(|&v| self.governed_trade_noun(v))
    }

    /// Whether the trigger starting at byte `v` is a noun after a governing preposition, with
    /// at most a few adjectives or determiners between.
    fn governed_trade_noun(&self, v: usize) -> bool {
        let clean = &self.text.clean;
        let word: String = clean[v..]
            .chars()
            .take_while(|c| c.is_alphabetic())
            .flat_map(char::to_lowercase)
            .collect();
        if !self.lexical_tag(&word).is_some_and(|g| g.is_noun()) {
            return false;
        }
        let mut before = clean[..v].split_whitespace().rev();
        for _ in 0..=MODIFIERS {
            let Some(w) = before.next() else {
                return false;
            };
            let w = w.to_lowercase();
            if GOVERNING.contains(&w.as_str()) {
                return true;
            }
            let modifier = w.contains('-')
                || self
                    .lexical_tag(&w)
                    .is_some_and(|g| matches!(g.name(), "JJ" | "DT" | "PRP$"));
            if !modifier {
                return false;
            }
        }
        false
    }
}
