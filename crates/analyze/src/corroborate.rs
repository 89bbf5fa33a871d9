//! Which sources are independent of one another.
//!
//! Two sources that share a sentence (the same words, case and punctuation aside, at least eight
//! words long) are copies of one story — syndication, a rewrite that keeps the quotes — and count
//! once. Sharing is transitive: A shares with B and B with C puts all three in one group.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::ClaimIn;

/// Groups of sources that repeat one another.
#[derive(Debug, Clone, Default)]
pub struct Independence {
    /// Source id → its group's representative.
    group: BTreeMap<i64, i64>,
}

/// Sentences shorter than this many words are too common to mark a copy.
const MIN_WORDS: usize = 8;

fn sentence_key(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    (words.len() >= MIN_WORDS).then(|| words.join(" "))
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
        let mut first_with: HashMap<String, i64> = HashMap::new();
        for c in claims {
            parent.entry(c.source_id).or_insert(c.source_id);
            let Some(key) = sentence_key(&c.claim.evidence.text) else {
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
        sources
            .into_iter()
            .map(|s| self.group.get(&s).copied().unwrap_or(s))
            .collect::<BTreeSet<_>>()
            .len()
    }
}
