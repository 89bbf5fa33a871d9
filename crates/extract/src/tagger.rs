//! Parts of speech: the words of a sentence with their Penn Treebank tags.
//!
//! Owns: splitting a sentence into word tokens (byte ranges) and tagging them with Brill's
//! rule-based tagger as the pattern library applies it — the lexicon's most frequent tag; for a
//! word the lexicon lacks, NNP when capitalised, CD when numeric, else NN refined by the
//! morphological rules; then every contextual rule in order over the whole sentence. The rules
//! and lexicon are reference data (`data/extract/lexicon/`, read by `borderwatch_reference::pos`).
//!
//! Refuses: deciding anything about trade. It says which words are nouns, verbs and modifiers;
//! the goods stage decides what that means for a goods phrase.

use borderwatch_reference::pos::{
    ContextRule, MorphRule, MorphTest, PosPack, Tag, TAGS, TEMPLATES,
};

/// A sentence's word tokens and their tags.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tagged {
    pub spans: Vec<(usize, usize)>,
    pub tags: Vec<Tag>,
}

impl Tagged {
    /// The token that starts at or covers byte `at`.
    pub fn index_at(&self, at: usize) -> Option<usize> {
        let i = self.spans.partition_point(|s| s.1 <= at);
        (i < self.spans.len() && self.spans[i].0 <= at).then_some(i)
    }

    /// The token that ends at byte `end` (the last word of a phrase ending there).
    pub fn index_ending(&self, end: usize) -> Option<usize> {
        let i = self.spans.partition_point(|s| s.1 < end);
        (i < self.spans.len() && self.spans[i].1 == end).then_some(i)
    }
}

/// Word tokens of `text[start..end]`: runs of letters and digits (with inner `.`, `,`, `'`, `-`
/// between alphanumerics), the clitics `'s` and `n't` apart, and each other symbol alone.
pub(crate) fn words(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let s = &text[start..end];
    let mut out = Vec::new();
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c.is_whitespace() {
            continue;
        }
        if !c.is_alphanumeric() {
            // "’s" and "'s" after a word are the possessive.
            let rest = &s[i + c.len_utf8()..];
            if matches!(c, '\'' | '’')
                && rest.starts_with(['s', 'S'])
                && !rest[1..].starts_with(char::is_alphanumeric)
            {
                it.next();
                out.push((start + i, start + i + c.len_utf8() + 1));
            } else {
                out.push((start + i, start + i + c.len_utf8()));
            }
            continue;
        }
        let mut e = i + c.len_utf8();
        while let Some(&(j, d)) = it.peek() {
            if d.is_alphanumeric() {
                e = j + d.len_utf8();
                it.next();
            } else if matches!(d, '.' | ',' | '-' | '\'' | '’') {
                // Inner punctuation joins only between alphanumerics ("U.S", "1,000", "Sin-uiju").
                let after = s[j + d.len_utf8()..].chars().next();
                let joins = match d {
                    '\'' | '’' => {
                        let r = &s[j + d.len_utf8()..];
                        let possessive =
                            r.starts_with(['s', 'S']) && !r[1..].starts_with(char::is_alphanumeric);
                        after.is_some_and(char::is_alphanumeric) && !possessive
                    }
                    ',' => c.is_ascii_digit() && after.is_some_and(|a| a.is_ascii_digit()),
                    _ => after.is_some_and(char::is_alphanumeric),
                };
                if !joins {
                    break;
                }
                it.next();
            } else {
                break;
            }
        }
        // "didn't" → "did" + "n't".
        if e >= i + 4 && s.as_bytes()[i + (e - i - 3)..e].eq_ignore_ascii_case(b"n't") {
            out.push((start + i, start + e - 3));
            out.push((start + e - 3, start + e));
        } else {
            out.push((start + i, start + e));
        }
    }
    out
}

/// Tags the words of `text[start..end]`.
pub(crate) fn tag(pack: &PosPack, text: &str, start: usize, end: usize) -> Tagged {
    tag_spans(pack, text, words(text, start, end))
}

/// Tags word tokens already split by [`words`].
pub(crate) fn tag_spans(pack: &PosPack, text: &str, spans: Vec<(usize, usize)>) -> Tagged {
    let toks: Vec<&str> = spans.iter().map(|&(a, b)| &text[a..b]).collect();
    let tags = tag_words(pack, &toks);
    Tagged { spans, tags }
}

fn lookup(pack: &PosPack, w: &str, first: bool) -> Option<Tag> {
    if let Some(t) = pack.lexicon.get(w) {
        return Some(*t);
    }
    // Only a word with a curly apostrophe reads differently once normalised.
    let norm = if w.contains('’') {
        let norm = w.replace('’', "'");
        if let Some(t) = pack.lexicon.get(norm.as_str()) {
            return Some(*t);
        }
        std::borrow::Cow::Owned(norm)
    } else {
        std::borrow::Cow::Borrowed(w)
    };
    // A sentence's first word is looked up lower-cased too ("Trucks carried …").
    first
        .then(|| pack.lexicon.get(norm.to_lowercase().as_str()).copied())
        .flatten()
}

/// The tags of a sequence of words.
pub(crate) fn tag_words(pack: &PosPack, words: &[&str]) -> Vec<Tag> {
    let nn = Tag::of("NN").expect("NN");
    let nnp = Tag::of("NNP").expect("NNP");
    let cd = Tag::of("CD").expect("CD");
    let known: Vec<Option<Tag>> = words
        .iter()
        .enumerate()
        .map(|(i, w)| lookup(pack, w, i == 0))
        .collect();
    let mut tags: Vec<Tag> = Vec::with_capacity(words.len());
    for (i, w) in words.iter().enumerate() {
        let t = match known[i] {
            Some(t) => t,
            None if is_title(w) => nnp,
            None if is_number(w) => cd,
            None => {
                let prev = i.checked_sub(1).map(|p| words[p]);
                let next = words.get(i + 1).copied();
                morph(pack, w, nn, prev, next)
            }
        };
        tags.push(t);
    }
    context(&pack.context, words, &mut tags);
    tags
}

fn is_title(w: &str) -> bool {
    let mut cs = w.chars().filter(|c| c.is_alphabetic());
    cs.next().is_some_and(char::is_uppercase) && cs.all(char::is_lowercase)
}

fn is_number(w: &str) -> bool {
    w.chars().any(|c| c.is_ascii_digit())
        && w.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '/' | ':' | '%'))
}

fn morph(pack: &PosPack, w: &str, mut tag: Tag, prev: Option<&str>, next: Option<&str>) -> Tag {
    let has = |s: &str| pack.lexicon.contains_key(s);
    // One buffer for the affixed forms looked up ("un" + word, word + "ly").
    let mut buf = String::with_capacity(w.len() + 8);
    let mut joined = |a: &str, b: &str| -> bool {
        buf.clear();
        buf.push_str(a);
        buf.push_str(b);
        has(&buf)
    };
    for MorphRule { from, test, to } in &pack.morphology {
        if from.is_some_and(|f| f != tag) {
            continue;
        }
        let hit = match test {
            MorphTest::Char(x) => w.contains(x.as_str()),
            MorphTest::HasPrefix(x) => w.starts_with(x.as_str()),
            MorphTest::HasSuffix(x) => w.ends_with(x.as_str()),
            MorphTest::AddPrefix(x) => joined(x, w),
            MorphTest::AddSuffix(x) => joined(w, x),
            MorphTest::DeletePrefix(x) => w.strip_prefix(x.as_str()).is_some_and(has),
            MorphTest::DeleteSuffix(x) => w.strip_suffix(x.as_str()).is_some_and(has),
            MorphTest::WordBefore(x) => prev == Some(x.as_str()),
            MorphTest::WordAfter(x) => next == Some(x.as_str()),
        };
        if hit {
            tag = *to;
        }
    }
    tag
}

/// Whether two strings are equal, at compile time.
const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// A template's index in [`TEMPLATES`], at compile time (a name it lacks fails the build).
const fn tpl(name: &str) -> u8 {
    let mut i = 0;
    while i < TEMPLATES.len() {
        if same(TEMPLATES[i], name) {
            return i as u8;
        }
        i += 1;
    }
    panic!("unknown template")
}

const PREVTAG: u8 = tpl("prevtag");
const NEXTTAG: u8 = tpl("nexttag");
const PREV2TAG: u8 = tpl("prev2tag");
const NEXT2TAG: u8 = tpl("next2tag");
const PREV1OR2TAG: u8 = tpl("prev1or2tag");
const NEXT1OR2TAG: u8 = tpl("next1or2tag");
const PREV1OR2OR3TAG: u8 = tpl("prev1or2or3tag");
const NEXT1OR2OR3TAG: u8 = tpl("next1or2or3tag");
const SURROUNDTAG: u8 = tpl("surroundtag");
const CURWD: u8 = tpl("curwd");
const PREVWD: u8 = tpl("prevwd");
const NEXTWD: u8 = tpl("nextwd");
const PREV1OR2WD: u8 = tpl("prev1or2wd");
const NEXT1OR2WD: u8 = tpl("next1or2wd");
const PREV1OR2OR3WD: u8 = tpl("prev1or2or3wd");
const NEXT1OR2OR3WD: u8 = tpl("next1or2or3wd");
const PREVWDTAG: u8 = tpl("prevwdtag");
const NEXTWDTAG: u8 = tpl("nextwdtag");
const WDPREVTAG: u8 = tpl("wdprevtag");
const WDNEXTTAG: u8 = tpl("wdnexttag");
const WDAND2AFT: u8 = tpl("wdand2aft");
const WDAND2TAGBFR: u8 = tpl("wdand2tagbfr");
const WDAND2TAGAFT: u8 = tpl("wdand2tagaft");
const LBIGRAM: u8 = tpl("lbigram");
const RBIGRAM: u8 = tpl("rbigram");
const PREVBIGRAM: u8 = tpl("prevbigram");
const NEXTBIGRAM: u8 = tpl("nextbigram");

/// Applies the contextual rules in order, each over the whole sentence, as Brill's
/// transformation-based tagger does: a rule sees every change the rules before it made.
/// Positions outside the sentence read as the word and tag `STAART`.
fn context(rules: &[ContextRule], words: &[&str], tags: &mut [Tag]) {
    const PAD: &str = "STAART";
    let pad = Tag::of(PAD).expect("STAART is a tag");
    let n = words.len();
    let w = |i: isize| -> &str {
        if i < 0 || i as usize >= n {
            PAD
        } else {
            words[i as usize]
        }
    };
    // Which words carry each tag (one bit set per tag): a rule visits only the words tagged
    // with its `from` tag, in order, as a scan over every word would. A rule changes only the
    // word it is at, so the words carrying the tag when the rule starts are the ones it meets.
    let lanes = n.div_ceil(64);
    let mut has = vec![0u64; TAGS.len() * lanes];
    for (i, t) in tags.iter().enumerate() {
        has[t.0 as usize * lanes + i / 64] |= 1 << (i % 64);
    }
    // Which tags any word carries (a superset once rules retag): a rule whose `from` tag no
    // word carries is skipped without scanning its row.
    debug_assert!(TAGS.len() <= 128);
    let mut present: u128 = tags.iter().fold(0, |m, t| m | 1 << t.0);
    let mut visit: Vec<usize> = Vec::with_capacity(n);
    for r in rules {
        if r.from.is_some_and(|f| present & (1 << f.0) == 0) {
            continue;
        }
        visit.clear();
        match r.from {
            None => visit.extend(0..n),
            Some(f) => {
                let row = &has[f.0 as usize * lanes..][..lanes];
                for (l, &bits) in row.iter().enumerate() {
                    let mut b = bits;
                    while b != 0 {
                        visit.push(l * 64 + b.trailing_zeros() as usize);
                        b &= b - 1;
                    }
                }
            }
        }
        if visit.is_empty() {
            continue;
        }
        let (x, y) = (r.x.as_str(), r.y.as_str());
        // Tag templates compare tags: an argument that names no tag never matches one.
        let (xt, yt) = (r.x_tag, r.y_tag);
        for &i in &visit {
            if r.from.is_some_and(|f| f != tags[i]) {
                continue;
            }
            let t = |d: isize, tags: &[Tag]| -> Option<Tag> {
                let j = i as isize + d;
                Some(if j < 0 || j as usize >= n {
                    pad
                } else {
                    tags[j as usize]
                })
            };
            let ii = i as isize;
            let hit = match r.template_id {
                PREVTAG => xt == t(-1, tags),
                NEXTTAG => xt == t(1, tags),
                PREV2TAG => xt == t(-2, tags),
                NEXT2TAG => xt == t(2, tags),
                PREV1OR2TAG => xt == t(-1, tags) || xt == t(-2, tags),
                NEXT1OR2TAG => xt == t(1, tags) || xt == t(2, tags),
                PREV1OR2OR3TAG => (1..=3).any(|d| xt == t(-d, tags)),
                NEXT1OR2OR3TAG => (1..=3).any(|d| xt == t(d, tags)),
                SURROUNDTAG => xt == t(-1, tags) && yt == t(1, tags),
                CURWD => x == w(ii),
                PREVWD => x == w(ii - 1),
                NEXTWD => x == w(ii + 1),
                PREV1OR2WD => x == w(ii - 1) || x == w(ii - 2),
                NEXT1OR2WD => x == w(ii + 1) || x == w(ii + 2),
                PREV1OR2OR3WD => (1..=3).any(|d| x == w(ii - d)),
                NEXT1OR2OR3WD => (1..=3).any(|d| x == w(ii + d)),
                PREVWDTAG => x == w(ii - 1) && yt == t(-1, tags),
                NEXTWDTAG => x == w(ii + 1) && yt == t(1, tags),
                WDPREVTAG => xt == t(-1, tags) && y == w(ii),
                WDNEXTTAG => x == w(ii) && yt == t(1, tags),
                WDAND2AFT => x == w(ii) && y == w(ii + 2),
                WDAND2TAGBFR => xt == t(-2, tags) && y == w(ii),
                WDAND2TAGAFT => x == w(ii) && yt == t(2, tags),
                LBIGRAM => x == w(ii - 1) && y == w(ii),
                RBIGRAM => x == w(ii) && y == w(ii + 1),
                PREVBIGRAM => xt == t(-2, tags) && yt == t(-1, tags),
                NEXTBIGRAM => xt == t(1, tags) && yt == t(2, tags),
                _ => false,
            };
            if hit {
                has[tags[i].0 as usize * lanes + i / 64] &= !(1 << (i % 64));
                has[r.to.0 as usize * lanes + i / 64] |= 1 << (i % 64);
                present |= 1 << r.to.0;
                tags[i] = r.to;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use borderwatch_reference::Reference;

    /// `check("We will watch", "PRP MD VB")`: the tags of the words of a sentence.
    fn check(sentence: &str, expect: &str) {
        let r = Reference::embedded().unwrap();
        let t = tag(&r.pos, sentence, 0, sentence.len());
        let got: Vec<String> = t
            .spans
            .iter()
            .zip(&t.tags)
            .map(|(&(a, b), g)| format!("{}/{}", &sentence[a..b], g.name()))
            .collect();
        assert_eq!(got.join(" "), expect, "{sentence}");
    }

    #[test]
    fn verbs_that_are_also_goods_words_are_verbs() {
        check(
            "We will closely watch the market.",
            "We/PRP will/MD closely/RB watch/VB the/DT market/NN ./.",
        );
    }

    #[test]
    fn a_material_before_a_noun_is_a_modifier() {
        check(
            "They built an iron gate.",
            "They/PRP built/VBD an/DT iron/NN gate/NN ./.",
        );
    }

    #[test]
    fn clitics_and_numbers_are_tokens_of_their_own() {
        check(
            "The port's cranes didn't load 1,200 tons.",
            "The/DT port/NN 's/POS cranes/NNS did/VBD n't/RB load/VB 1,200/CD tons/NNS ./.",
        );
    }

    #[test]
    fn unknown_words_take_their_tag_from_shape() {
        check(
            "Trucks reached Quanhe with briquettes.",
            "Trucks/NNS reached/VBD Quanhe/NNP with/IN briquettes/NNS ./.",
        );
    }
}
