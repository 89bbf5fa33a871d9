//! Goods words that name no cargo because of their neighbours, though they head a noun phrase:
//!
//! - a feature of the goods before them: "generators *with* 15 HP *engines*" ship generators;
//! - a partitive: "*parts of* northeastern China" are regions, not spare parts;
//! - a container's label: rice "packed *in apple* boxes" is rice; the apples are the disguise;
//! - a crop in the field: "called up to *plant rice*" grows rice where it stands
//!   (`movement.crop_verbs`).
//!
//! Refuses: parts of speech as such (noun_phrase) and goods the lexicon does not match.

use super::*;

/// Words a feature may have between "with" and its noun: numbers, units, modifiers.
const FEATURE_GAP: usize = 4;
/// Bytes a neighbouring phrase may lie from the goods word; tokens are looked up in this window
/// only, so a long sentence stays linear.
const FEATURE_REACH: usize = 80;

impl Doc<'_, '_> {
    /// True when a neighbour of goods phrase `t` says it names no cargo here.
    pub(super) fn names_no_cargo(&self, toks: &[Tok], t: &Tok) -> bool {
        self.feature_of_goods(toks, t)
            || self.partitive(toks, t)
            || self.container_label(toks, t)
            || self.crop_in_field(t)
    }

    /// "generators with 15 HP engines": `t` follows "with", a few modifiers after goods.
    fn feature_of_goods(&self, toks: &[Tok], t: &Tok) -> bool {
        let tg = &self.cur_tags;
        let Some(first) = tg.index_at(t.start) else {
            return false;
        };
        let word = |i: usize| &self.text.clean[tg.spans[i].0..tg.spans[i].1];
        let modifier = |i: usize| {
            matches!(
                tg.tags[i].name(),
                "CD" | "JJ" | "NN" | "NNP" | "NNS" | "NNPS"
            )
        };
        let mut i = first;
        for _ in 0..=FEATURE_GAP {
            if i == 0 {
                return false;
            }
            i -= 1;
            if word(i).eq_ignore_ascii_case("with") {
                let Some(before) = i.checked_sub(1) else {
                    return false;
                };
                let end = tg.spans[before].1;
                return window(toks, end.saturating_sub(FEATURE_REACH), end)
                    .iter()
                    .any(|u| u.end == end && matches!(u.tk, Tk::Goods(_)));
            }
            if !modifier(i) {
                return false;
            }
        }
        false
    }

    /// "parts of northeastern China": `t` then "of", at most two modifiers and a place.
    fn partitive(&self, toks: &[Tok], t: &Tok) -> bool {
        let clean = &self.text.clean;
        if !clean[t.end..].starts_with(" of ") {
            return false;
        }
        let from = t.end + 4;
        let place = window(toks, from, from + FEATURE_REACH).iter().find(|u| {
            u.start >= from && matches!(u.tk, Tk::Place(_)) && {
                let gap = &clean[from..u.start];
                gap.split_whitespace().count() <= 2 && !gap.contains([',', '.', ';'])
            }
        });
        // "coal of North Korean origin" is the coal's origin, not a region.
        place.is_some_and(|p| {
            let next = clean[p.end..].split_whitespace().next().unwrap_or("");
            !next.eq_ignore_ascii_case("origin")
        })
    }

    /// "rice packed in apple boxes": `t` right after "in" and right before a packaging noun,
    /// with other goods in the clause.
    fn container_label(&self, toks: &[Tok], t: &Tok) -> bool {
        if !["in", "inside", "into"].contains(&self.word_before(t.start).as_str()) {
            return false;
        }
        let packaged = window(toks, t.end + 1, t.end + 1)
            .iter()
            .any(|u| u.start == t.end + 1 && matches!(u.tk, Tk::Cue(Role::Packaging)));
        // Scanned only for the rare goods word that already sits in a container's label.
        packaged
            && toks
                .iter()
                .any(|u| matches!(u.tk, Tk::Goods(_)) && u.end <= t.start.saturating_sub(4))
    }

    /// "to plant rice": `t` right after a verb of growing.
    fn crop_in_field(&self, t: &Tok) -> bool {
        let verb = self.word_before(t.start);
        !verb.is_empty() && self.x.reference.cues.movement.crop_verbs.contains(&verb)
    }
}
