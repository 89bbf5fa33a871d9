//! Which sources are independent of one another.
//!
//! Two sources that share a sentence (the same words, case and punctuation aside, at least eight
//! words long) are copies of one story — syndication, a rewrite that keeps the quotes — and count
//! once. Sharing is transitive: A shares with B and B with C puts all three in one group.

use std::collections::BTreeMap;

use foldhash::{HashMap, HashMapExt};

use crate::ClaimIn;

/// Groups of sources that repeat one another.
#[derive(Debug, Clone, Default)]
pub struct Independence {
    /// Source id → its group's representative.
    group: HashMap<i64, i64>,
}

/// Sentences shorter than this many words are too common to mark a copy.
const MIN_WORDS: usize = 8;

/// A sentence's words, lowercased, as a 64-bit FNV-1a hash (no allocation: a large store has a
/// million quotes), or `None` when it has fewer than [`MIN_WORDS`] words. A word boundary is
/// hashed as a space, so "a b" and "ab" differ.
pub(crate) fn sentence_key(text: &str) -> Option<u64> {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut words = 0usize;
    let mut in_word = false;
    let mut feed = |b: u8| {
        h ^= u64::from(b);
        h = h.wrapping_mul(PRIME);
    };
    for ch in text.chars() {
        if ch.is_alphanumeric() {
            if !in_word {
                if words > 0 {
                    feed(b' ');
                }
                words += 1;
                in_word = true;
            }
            let mut buf = [0u8; 4];
            if ch.is_ascii() {
                feed(ch.to_ascii_lowercase() as u8);
            } else {
                for l in ch.to_lowercase() {
                    for &b in l.encode_utf8(&mut buf).as_bytes() {
                        feed(b);
                    }
                }
            }
        } else {
            in_word = false;
        }
    }
    (words >= MIN_WORDS).then_some(h)
}

impl Independence {
    pub fn new(claims: &[&ClaimIn]) -> Independence {
        let mut parent: BTreeMap<i64, i64> = BTreeMap::new();
        fn root(parent: &mut BTreeMap<i64, i64>, x: i64) -> i64 {
            let mut r = x;
            while let Some(&p) = parent.get(&r) {
                if p == r {
                    break;
                }
                r = p;
            }
            parent.insert(x, r);
            r
        }
        let mut first_with: HashMap<u64, i64> = HashMap::new();
        // Claims come source by source, so a source is entered at its first claim; one seen
        // again later is entered again, which changes nothing.
        let mut last = None;
        for c in claims {
            if last != Some(c.source_id) {
                parent.entry(c.source_id).or_insert(c.source_id);
                last = Some(c.source_id);
            }
            let Some(key) = c.story else {
                continue;
            };
            match first_with.get(&key) {
                Some(&other) if other != c.source_id => {
                    let (a, b) = (root(&mut parent, other), root(&mut parent, c.source_id));
                    // The older (smaller id) source represents the group: deterministic.
                    let (lo, hi) = (a.min(b), a.max(b));
                    parent.insert(hi, lo);
                }
                Some(_) => {}
                None => {
                    first_with.insert(key, c.source_id);
                }
            }
        }
        let ids: Vec<i64> = parent.keys().copied().collect();
        let group = ids
            .into_iter()
            .map(|id| (id, root(&mut parent, id)))
            .collect();
        Independence { group }
    }

    /// How many independent groups these sources fall into.
    pub fn count(&self, sources: impl IntoIterator<Item = i64>) -> usize {
        let mut groups: Vec<i64> = sources
            .into_iter()
            .map(|s| self.group.get(&s).copied().unwrap_or(s))
            .collect();
        groups.sort_unstable();
        groups.dedup();
        groups.len()
    }
}

#[cfg(test)]
mod tests {
    use super::sentence_key;

    #[test]
    fn sentences_match_whatever_their_case_and_punctuation() {
        let a = sentence_key("Trucks carry flour into Sinuiju every single day, sources say.");
        let b = sentence_key("trucks carry FLOUR into Sinuiju -- every single day; sources say");
        assert!(a.is_some());
        assert_eq!(a, b);
        // Word boundaries count: joined words are another sentence.
        let c = sentence_key("Trucks carry flour into Sinuiju everysingle day, sources say.");
        assert_ne!(a, c);
        // Letters beyond ASCII are lowercased too.
        assert_eq!(
            sentence_key("ÉTÉ trucks carry flour into Sinuiju every single day"),
            sentence_key("été trucks carry flour into Sinuiju every single day")
        );
    }

    #[test]
    fn short_sentences_mark_no_copy() {
        assert_eq!(sentence_key("The border is closed, sources say."), None);
        assert_eq!(sentence_key(""), None);
    }
}
