//! Verb frames in a clause: the mode and direction a verb of `data/extract/frames.toml` implies
//! ("shipped" goes by sea, "trucked" by road). Verbs that say a direction ("smuggled out") are
//! the `[direction]` cues of cues.toml, read by the direction stage.
//!
//! A cue is a frame verb when it was matched as one, or when its first word is one ("shipped to"
//! is matched whole as a `to` cue). Refuses: overriding what the clause says itself — a vehicle
//! or mode word wins over the verb (the facts stage keeps frame modes apart and merges them last).

use super::{Doc, Facts, Tok};
use crate::matcher::Role;

impl Doc<'_, '_> {
    pub(super) fn frame_of(&self, role: Role, t: &Tok, f: &mut Facts) {
        let index = match role {
            Role::Frame(i) => Some(i),
            // Only words that move goods can open with a frame verb ("shipped to", "trucked in").
            Role::MoveVerb | Role::To | Role::From | Role::Import | Role::Export | Role::Return => {
                let text = &self.text.clean[t.start..t.end];
                let first = text.split_whitespace().next().unwrap_or("");
                self.x
                    .frame_words
                    .get(&borderwatch_reference::text::fold(first))
                    .copied()
            }
            _ => None,
        };
        let Some(i) = index else { return };
        let Some(frame) = self.x.reference.frames.frames.get(i as usize) else {
            return;
        };
        // Tokens come in order, so a repeat can only be the last entry (keeps a clause linear).
        if f.frame_modes.last().is_none_or(|x| x.0 != t.start) {
            f.frame_modes.push((t.start, frame.mode));
        }
        if matches!(role, Role::Frame(_)) {
            f.move_verb.get_or_insert(t.start);
            if f.triggers.last() != Some(&t.start) {
                f.triggers.push(t.start);
            }
        }
    }
}
