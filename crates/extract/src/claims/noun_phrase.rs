//! Goods positions: whether a goods phrase the lexicon matched is, in its sentence, the head of a
//! noun phrase that can name goods.
//!
//! Uses the parts of speech of the sentence (`crate::tagger`). A goods word is not goods when it
//! is a verb ("we will *watch*"), part of a proper name ("*Radio* Free Asia"), or a modifier of
//! another noun that is not itself a carrier of goods ("an *iron* gate", "*missile* programmes";
//! but "*coal* exports", "*coal* trucks", "*rice* sacks" keep the goods). Which nouns carry goods
//! is data: `movement.carriers`, the vehicles of `[mode]` and `movement.packaging`.
//!
//! Refuses: classifying goods (the HS lexicon does) and deciding direction or route.

use super::{Doc, Tk, Tok};
use crate::matcher::Role;

impl Doc<'_, '_> {
    /// True when the sentence's syntax says the goods phrase `t` names no goods here.
    pub(super) fn not_goods_here(&self, toks: &[Tok], t: &Tok) -> bool {
        let tg = &self.cur_tags;
        let (Some(first), Some(last)) = (tg.index_at(t.start), tg.index_ending(t.end)) else {
            return false;
        };
        let tag = |i: usize| tg.tags[i].name();
        let word = |i: usize| &self.text.clean[tg.spans[i].0..tg.spans[i].1];
        // A verb: "we will closely watch", "they iron out". Only for a word whose most frequent
        // use is not a noun: the contextual rules turn plural nouns into verbs too often
        // ("there were also medicines" tags medicines VBZ).
        let lexical_noun = || {
            let w = word(last).to_lowercase();
            self.x
                .reference
                .pos
                .lexicon
                .get(w.as_str())
                .is_some_and(|t| t.is_noun())
        };
        if first == last
            && matches!(tag(last), "VB" | "VBP" | "VBZ" | "VBD" | "MD")
            && !lexical_noun()
        {
            return true;
        }
        // Part of a name: "Radio Free Asia", "Coal India Limited".
        let title = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
        if first > 0
            && title(word(first))
            && tg.spans.get(last + 1).is_some()
            && tag(last + 1) == "NNP"
            && title(word(last + 1))
        {
            return true;
        }
        // A modifier of the noun after it.
        let Some(&(ns, _)) = tg.spans.get(last + 1) else {
            return false;
        };
        if !matches!(tag(last + 1), "NN" | "NNS") {
            return false;
        }
        let carried = toks.iter().any(|u| {
            u.start == ns
                && match &u.tk {
                    // "steel pipes": the later goods phrase is the head and names the goods.
                    Tk::Goods(_) => true,
                    Tk::Cue(r) => matches!(
                        r,
                        Role::Carrier
                            | Role::Mode(_)
                            | Role::Packaging
                            | Role::LoadFull
                            | Role::LoadEmpty
                            | Role::Unit(_)
                            | Role::Import
                            | Role::Export
                            | Role::MoveVerb
                            | Role::Storage
                    ),
                    _ => false,
                }
        });
        !carried
    }
}

impl Doc<'_, '_> {
    /// "oil tankers", "coal trucks" matched as one goods phrase: its last word is a vehicle.
    pub(super) fn ends_in_vehicle(&self, t: &Tok) -> bool {
        let phrase = &self.text.clean[t.start..t.end];
        let Some(last) = phrase.rsplit(' ').next().filter(|_| phrase.contains(' ')) else {
            return false;
        };
        let m = &self.x.reference.cues.mode;
        [&m.rail, &m.road, &m.sea, &m.air, &m.pipeline]
            .iter()
            .any(|list| list.iter().any(|v| v.eq_ignore_ascii_case(last)))
    }
}

impl Doc<'_, '_> {
    /// A definite goods phrase ("the pipes", "these machines") whose words end an item named in
    /// the last two sentences ("steel pipes"): that item, so both legs carry the same goods.
    pub(super) fn antecedent(&self, t: &Tok, text: &str) -> Option<borderwatch_model::GoodsItem> {
        let before = self.text.clean[..t.start].trim_end().to_ascii_lowercase();
        let definite = ["the", "these", "those", "such"].iter().any(|d| {
            before.ends_with(d)
                && !before[..before.len() - d.len()].ends_with(char::is_alphanumeric)
        });
        if !definite {
            return None;
        }
        let chain = self.last_goods.as_ref()?;
        let (j, items) = (chain.named, &chain.goods);
        let si = self.sents.partition_point(|s| s.end <= t.start);
        if j >= si || si - j > 2 {
            return None;
        }
        let want = format!(" {}", text.to_lowercase());
        items
            .iter()
            .find(|g| g.text.len() > text.len() && g.text.to_lowercase().ends_with(&want))
            .cloned()
    }
}
