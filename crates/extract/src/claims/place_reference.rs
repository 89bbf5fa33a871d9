//! Places named again by a word that points back: "Trucks wait in a customs yard at Dandong.
//! … They cross into North Korea from this yard", "arrived at the same port".
//!
//! Each pointing word (`reference.place`, `reference.port`) becomes a token of the last place
//! named before it — a port for the port words — in its sentence or the three before, outside
//! who said it. The sentence that named the place is what a claim on the pointing word quotes
//! as its context.
//! Refuses: countries and provinces as antecedents (too wide to be "this town"), places
//! named only inside the attribution (who said it may locate the source), and antecedents
//! further back than three sentences.

use borderwatch_model::PlaceKind;

use super::*;

/// How many sentences back an antecedent may be.
const REACH: usize = 3;

impl Doc<'_, '_> {
    pub(super) fn resolve_place_references(&mut self) {
        let mut added = Vec::new();
        for (k, t) in self.toks.iter().enumerate() {
            let port = match t.tk {
                Tk::Cue(Role::RefPlace) => false,
                Tk::Cue(Role::RefPort) => true,
                _ => continue,
            };
            let si = self.sents.partition_point(|s| s.end <= t.start);
            if self.in_attribution(si, t.start, t.end) {
                continue;
            }
            // Stops at the first token out of reach, so each pointing word reads at most
            // its reach of tokens.
            let found = self.toks[..k].iter().rev().find_map(|a| {
                let aj = self.sents.partition_point(|s| s.end <= a.start);
                if si.saturating_sub(aj) > REACH {
                    return Some(None);
                }
                let Tk::Place(id) = &a.tk else { return None };
                let p = self.gz().place(id)?;
                let wide = matches!(p.kind, PlaceKind::Country | PlaceKind::Province);
                let fits = !wide && (!port || p.kind == PlaceKind::Port);
                (fits && !self.in_attribution(aj, a.start, a.end)).then(|| Some((id.clone(), aj)))
            });
            if let Some(Some((id, aj))) = found {
                added.push(Tok {
                    start: t.start,
                    end: t.end,
                    tk: Tk::Place(id),
                });
                self.place_refs.push((t.start, aj));
            }
        }
        if added.is_empty() {
            return;
        }
        self.toks.extend(added);
        self.toks.sort_by_key(|t| t.start);
    }

    /// The sentence that named the place a pointing word in `start..end` stands for.
    pub(super) fn place_reference_in(&self, start: usize, end: usize) -> Option<usize> {
        self.place_refs
            .iter()
            .find(|(at, _)| *at >= start && *at < end)
            .map(|&(_, j)| j)
    }
}
