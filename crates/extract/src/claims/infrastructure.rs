//! Infrastructure described, not traffic: "the new line links Sinuiju with a depot in Uiju",
//! "checkpoints on the roads leading to the river", "an old span from Ji'an to Manpo serving as a
//! crossing point".
//!
//! A clause describes a way (`movement.infrastructure`: roads, lines, bridges, routes) when a
//! link word (`movement.links`) says where it goes and either the way is the clause's subject
//! (its first noun) with no vehicle or goods named anywhere, or the link word is next to the
//! way with no vehicle, goods, cargo or flow before it. Either way a verb of movement in the
//! clause ("the bridge linking Hunchun and Wonjong carries most of the trade") makes it traffic.
//!
//! Refuses: the routes themselves (routes), whether the clause makes a claim (movement).

use super::*;
use borderwatch_reference::text::fold;

/// A cue list folded and split into words once, with a quick test for whether a text could
/// hold any of its phrases (the first word of one, ignoring ASCII case).
pub(crate) struct Phrases {
    words: Vec<Vec<String>>,
    first: Option<aho_corasick::AhoCorasick>,
}

impl Phrases {
    pub(crate) fn new(list: &[String]) -> Phrases {
        let words: Vec<Vec<String>> = list
            .iter()
            .map(|p| fold(p).split(' ').map(str::to_string).collect::<Vec<_>>())
            .filter(|p| p.iter().all(|w| !w.is_empty()))
            .collect();
        let first = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(words.iter().map(|p| p[0].as_str()))
            .ok()
            .filter(|_| !words.is_empty());
        Phrases { words, first }
    }

    /// Whether `text` may hold a phrase: false only when it surely holds none.
    fn may_occur_in(&self, text: &str) -> bool {
        self.first.as_ref().is_some_and(|a| a.is_match(text))
    }

    /// Where a phrase matches the folded words: (first word, word count); the longest at a word.
    fn at(&self, words: &[String]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for i in 0..words.len() {
            let best = self
                .words
                .iter()
                .filter(|p| words[i..].starts_with(p))
                .map(Vec::len)
                .max();
            if let Some(n) = best {
                out.push((i, n));
            }
        }
        out
    }
}

/// Whether a trigger of the clause not `skip`ped is a verb by the tagger: something travels.
pub(super) fn verb_trigger(f: &Facts, tagged: &Tagged, skip: impl Fn(usize) -> bool) -> bool {
    f.triggers.iter().any(|&v| {
        !skip(v)
            && tagged
                .index_at(v)
                .is_some_and(|i| tagged.tags[i].name().starts_with("VB"))
    })
}

impl Doc<'_, '_> {
    /// Whether the clause `(cs, ce)` only describes a way goods travel on (see the module doc).
    pub(super) fn describes_infrastructure(
        &self,
        f: &Facts,
        toks: &[Tok],
        (cs, ce): (usize, usize),
    ) -> bool {
        let (ways_list, links_list) = (&self.x.ways, &self.x.links);
        let clean = &self.text.clean;
        // Most clauses name no link word: skip splitting and tagging them.
        if !links_list.may_occur_in(&clean[cs..ce]) {
            return false;
        }
        let spans = tagger::words(clean, cs, ce);
        let words: Vec<String> = spans.iter().map(|&(s, e)| fold(&clean[s..e])).collect();
        let ways = ways_list.at(&words);
        let in_way = |i: usize| ways.iter().any(|&(w, n)| w <= i && i < w + n);
        let links: Vec<(usize, usize)> = links_list
            .at(&words)
            .into_iter()
            .filter(|&(i, _)| !in_way(i))
            .collect();
        if links.is_empty() || ways.is_empty() {
            return false;
        }
        let tagged = tagger::tag_spans(&self.x.reference.pos, clean, spans);
        let byte_in_way = |at: usize| tagged.index_at(at).is_some_and(in_way);
        let in_link = |at: usize| {
            tagged
                .index_at(at)
                .is_some_and(|i| links.iter().any(|&(l, n)| l <= i && i < l + n))
        };
        // A verb of movement other than the way and link words: something travels.
        if verb_trigger(f, &tagged, |v| byte_in_way(v) || in_link(v)) {
            return false;
        }
        // Vehicles and goods (a mode word that is not the way itself), cargo and flows.
        let traffic: Vec<usize> = toks
            .iter()
            .filter(|t| match t.tk {
                Tk::Goods(_) | Tk::Cue(Role::CargoNoun) => true,
                Tk::Cue(Role::Mode(_)) => !byte_in_way(t.start),
                _ => false,
            })
            .map(|t| t.start)
            .chain(f.flows.iter().map(|x| x.0))
            .collect();
        let subject = tagged.tags.iter().position(|t| t.is_noun());
        let way_subject = subject.is_some_and(in_way);
        let goods_or_vehicle = toks.iter().any(|t| match t.tk {
            Tk::Goods(_) => true,
            Tk::Cue(Role::Mode(_)) => !byte_in_way(t.start),
            _ => false,
        });
        if way_subject && !goods_or_vehicle {
            return true;
        }
        // "roads leading to", "a connecting bridge": the link word next to the way.
        links.iter().any(|&(l, n)| {
            let next_to = (l > 0 && in_way(l - 1)) || in_way(l + n);
            let at = tagged.spans[l].0;
            next_to && !traffic.iter().any(|&p| p < at)
        })
    }
}
