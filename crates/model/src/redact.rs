//! Redaction: the one place where who said it is taken out of text meant for output.
//!
//! Owns: the marker that stands for a withheld speaker, replacing a claim's known attribution in
//! its quote and context, and the "when in doubt" pass ([`speakers`]): every clause with a
//! speech verb (`data/redact/speech.txt`) has its speaker withheld, so an attribution the
//! extractor missed — or a second one in the same sentence — does not reach an output either. A
//! known attribution that cannot be placed in its quote withholds the whole quote rather than
//! let it through. Every output (report, exports, API, command line) goes through here, so a
//! better detection reaches all of them at once.
//!
//! Refuses: finding claims or attributions for the analysis (that is the extractor's), and
//! deciding who may see attribution (the caller asks for redacted or plain evidence).

use std::ops::Range;
use std::sync::OnceLock;

use crate::{Claim, Context, Evidence};

/// What stands in an output where the words naming a source were.
pub const MARKER: &str = "[source withheld]";

/// What stands for a whole quote whose attribution could not be placed in it.
pub const QUOTE_WITHHELD: &str = "[quote withheld: its source could not be located in it]";

struct Words {
    verbs: Vec<String>,
    weak: Vec<String>,
    heads: Vec<String>,
    /// Every speech verb, strong (`true`, from `verbs`) or weak: one look-up per word.
    speech: std::collections::HashMap<String, bool>,
}

fn words() -> &'static Words {
    static WORDS: OnceLock<Words> = OnceLock::new();
    WORDS.get_or_init(|| {
        let mut w = Words {
            verbs: Vec::new(),
            weak: Vec::new(),
            heads: Vec::new(),
            speech: Default::default(),
        };
        let mut section = "";
        for line in include_str!("../../../data/redact/speech.txt").lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(s) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                section = match s {
                    "verbs" => "verbs",
                    "weak" => "weak",
                    "heads" => "heads",
                    // The file is ours and tested: an unknown section is a build mistake.
                    _ => "",
                };
                continue;
            }
            let list = match section {
                "verbs" => &mut w.verbs,
                "weak" => &mut w.weak,
                "heads" => &mut w.heads,
                _ => continue,
            };
            list.push(line.to_lowercase());
        }
        // A word in both lists is strong.
        for v in &w.weak {
            w.speech.insert(v.clone(), false);
        }
        for v in &w.verbs {
            w.speech.insert(v.clone(), true);
        }
        w
    })
}

/// Words that open a description of someone ("a clerk in Dandong").
const ARTICLES: &[&str] = &["a", "an", "the", "one", "two", "three", "another"];

/// Words that may open a clause before its speaker.
const CONJUNCTIONS: &[&str] = &["and", "but", "while", "whereas", "as", "so"];

#[derive(Debug, Clone, Copy)]
enum Tok {
    Word(usize, usize),
    /// True at a sentence end or a blank line; false inside a sentence (a comma, a dash).
    Break(bool),
}

/// Words and clause breaks (commas, semicolons, colons, brackets, quotation marks, dashes,
/// sentence ends, blank lines). A single line break is not a break: plain text wraps lines
/// inside sentences.
fn tokens(text: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut it = text.char_indices().peekable();
    while let Some((i, ch)) = it.next() {
        let inner = matches!(ch, '\'' | '’' | '-') && start.is_some();
        if ch.is_alphanumeric() || inner {
            if start.is_none() {
                start = Some(i);
            }
            continue;
        }
        if let Some(s) = start.take() {
            out.push(Tok::Word(s, i));
        }
        let brk = match ch {
            ',' | ';' | ':' | '(' | ')' | '[' | ']' | '“' | '”' | '"' | '—' | '–' | '«' | '»' => {
                Some(false)
            }
            '.' | '!' | '?' => it
                .peek()
                .is_none_or(|&(_, n)| n.is_whitespace() || n == '”')
                .then_some(true),
            '\n' => text[i + 1..]
                .trim_start_matches([' ', '\t', '\r'])
                .starts_with('\n')
                .then_some(true),
            _ => None,
        };
        if let Some(strong) = brk {
            out.push(Tok::Break(strong));
        }
    }
    if let Some(s) = start {
        out.push(Tok::Word(s, text.len()));
    }
    out
}

/// The stretches of `text` that name who said something, by the shape of the clause alone:
/// the words before a speech verb back to the clause start (the last six when the clause is
/// long), the verb, and for "told" its object; or, when the verb opens its clause ("…, said a
/// trader in Dandong"), the words after it to the clause end. Errs towards withholding.
pub fn speakers(text: &str) -> Vec<Range<usize>> {
    let w = words();
    let toks = tokens(text);
    // A word already in lower-case ASCII is its own lower case: only others are copied.
    let lower = |s: usize, e: usize| -> std::borrow::Cow<str> {
        let w = &text[s..e];
        if w.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
            std::borrow::Cow::Borrowed(w)
        } else {
            std::borrow::Cow::Owned(w.to_lowercase())
        }
    };
    let is = |list: &[&str], s: usize, e: usize| {
        let t = lower(s, e);
        list.iter().any(|x| *x == t)
    };
    let heads: Vec<&str> = w.heads.iter().map(String::as_str).collect();
    // Words of the clause on each side of token k, nearest first, and the break that ends it:
    // its index and whether it ends the sentence (the text's ends count as sentence ends).
    let walk = |k: usize, step: isize| -> (Vec<(usize, usize)>, usize, bool) {
        let mut v = Vec::new();
        let mut j = k as isize + step;
        while j >= 0 && (j as usize) < toks.len() {
            match toks[j as usize] {
                Tok::Word(s, e) => v.push((s, e)),
                Tok::Break(strong) => return (v, j as usize, strong),
            }
            j += step;
        }
        (v, j.max(0) as usize, true)
    };
    let side = |k: usize, step: isize| walk(k, step).0;
    // "…, said Kim, a clerk in Dandong." / "according to Kim, a clerk in Dandong.": a short
    // clause that closes the sentence after the speaker describes the speaker.
    let apposition_after = |k: usize| -> Option<usize> {
        let (_, stop, strong) = walk(k, 1);
        if strong {
            return None;
        }
        let (next, _, ends) = walk(stop, 1);
        (ends && !next.is_empty() && next.len() <= 8).then(|| next[next.len() - 1].1)
    };
    let mut out = Vec::new();
    for (k, t) in toks.iter().enumerate() {
        let Tok::Word(vs, ve) = *t else { continue };
        let word = lower(vs, ve);
        // "according to": the speaker follows.
        if word == "according" {
            if let Some(Tok::Word(ts, te)) = toks.get(k + 1).copied() {
                if lower(ts, te) == "to" && w.verbs.iter().any(|v| v == "according to") {
                    let right = side(k + 1, 1);
                    let mut end = right[..right.len().min(10)].last().map_or(te, |r| r.1);
                    // Closing the sentence ("…, according to Kim, a clerk."), not opening it.
                    if right.len() <= 10 && !walk(k, -1).2 {
                        end = apposition_after(k + 1).unwrap_or(end);
                    }
                    out.push(vs..end);
                }
            }
            continue;
        }
        let Some(&strong) = w.speech.get(&*word) else {
            continue;
        };
        let left = side(k, -1);
        let right = side(k, 1);
        if !strong {
            let near = if left.is_empty() { &right } else { &left };
            if !near.iter().take(8).any(|&(s, e)| is(&heads, s, e)) {
                continue;
            }
        }
        // "…, said a trader", "…, said Kim": a speaker follows the verb; "…, said textiles
        // were…" names none there.
        let speaker_after = right.first().is_some_and(|&(s, e)| {
            is(ARTICLES, s, e) || is(&heads, s, e) || text[s..].starts_with(char::is_uppercase)
        });
        if left.is_empty() && !speaker_after {
            // "…, Kim, a clerk in Dandong, said.": the speaker is the clause or two before.
            let (_, stop, _) = walk(k, -1);
            let (seg1, stop1, _) = walk(stop, -1);
            let mut start = vs;
            if let Some(&(fs, fe)) = seg1.last().filter(|_| seg1.len() <= 8) {
                start = fs;
                let seg2 = side(stop1, -1);
                if is(ARTICLES, fs, fe) && !seg2.is_empty() && seg2.len() <= 4 {
                    start = seg2[seg2.len() - 1].0;
                }
            }
            out.push(start..ve);
            continue;
        }
        if left.is_empty() {
            let mut end = right[..right.len().min(10)].last().map_or(ve, |r| r.1);
            if right.len() <= 10 && !walk(k, -1).2 {
                end = apposition_after(k).unwrap_or(end);
            }
            out.push(vs..end);
            continue;
        }
        let mut take = if left.len() <= 10 { left.len() } else { 6 };
        // "…, and a guard confirmed it": the conjunction joins clauses, it names no one.
        if take > 1 && is(CONJUNCTIONS, left[take - 1].0, left[take - 1].1) {
            take -= 1;
        }
        let start = left[take - 1].0;
        let mut end = ve;
        if matches!(&*word, "told" | "tells" | "tell") {
            for &(s, e) in right.iter().take(4) {
                if lower(s, e) == "that" {
                    break;
                }
                end = e;
            }
        }
        out.push(start..end);
    }
    out
}

/// Merges ranges that overlap or touch (only spaces between) into sorted, disjoint ranges.
fn merged(text: &str, mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.retain(|r| r.start < r.end && r.end <= text.len());
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        if let Some(last) = out.last_mut() {
            let gap = text.get(last.end.min(r.start)..r.start).unwrap_or("x");
            if r.start <= last.end || gap.trim().is_empty() {
                last.end = last.end.max(r.end);
                continue;
            }
        }
        out.push(r);
    }
    out
}

/// `text` with every range replaced by [`MARKER`]. Ranges off a character boundary widen to it.
pub fn replace(text: &str, ranges: Vec<Range<usize>>) -> String {
    let ranges = merged(text, widen(text, ranges));
    let mut s = String::with_capacity(text.len());
    let mut at = 0;
    for r in ranges {
        s.push_str(&text[at..r.start]);
        s.push_str(MARKER);
        at = r.end;
    }
    s.push_str(&text[at..]);
    s
}

/// `bytes` with every range overwritten in place, so byte offsets into them stay valid: the
/// marker where it fits, else a run of `#`, padded with spaces. For a source's whole text,
/// whose claims' spans must still point at their words.
pub fn mask(bytes: &[u8], ranges: Vec<Range<usize>>) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let mut ranges = ranges;
    ranges.retain(|r| r.start < r.end && r.end <= bytes.len());
    for r in &mut ranges {
        // Whole characters only: never leave half a UTF-8 sequence behind.
        while r.start > 0 && (bytes[r.start] & 0xC0) == 0x80 {
            r.start -= 1;
        }
        while r.end < bytes.len() && (bytes[r.end] & 0xC0) == 0x80 {
            r.end += 1;
        }
    }
    for r in ranges {
        let n = r.end - r.start;
        let fill: Vec<u8> = if n >= MARKER.len() {
            let mut f = MARKER.as_bytes().to_vec();
            f.resize(n, b' ');
            f
        } else {
            vec![b'#'; n]
        };
        out[r.clone()].copy_from_slice(&fill);
    }
    out
}

fn widen(text: &str, ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges
        .into_iter()
        .map(|mut r| {
            r.end = r.end.min(text.len());
            while !text.is_char_boundary(r.start) {
                r.start -= 1;
            }
            while !text.is_char_boundary(r.end) {
                r.end += 1;
            }
            r
        })
        .collect()
}

/// Any text meant for output (a quote with no known attribution, a context sentence, a line
/// of a source) with its likely speakers withheld.
pub fn text(s: &str) -> String {
    replace(s, speakers(s))
}

/// A quote with `attribution` (words known to name its source) and its likely speakers
/// withheld. `required` says where the attribution must be: `Some(Some(r))` at `r` in the
/// quote, `Some(None)` somewhere the caller could not place. When it is required and neither
/// its place nor its words can be found, the whole quote is withheld.
pub fn quote(
    text: &str,
    attribution: Option<&str>,
    required: Option<Option<Range<usize>>>,
) -> String {
    let mut ranges = Vec::new();
    if let Some(a) = attribution.map(str::trim).filter(|a| !a.is_empty()) {
        // Whole words only: "he" is not in "the".
        let bounded = |i: usize, j: usize| {
            !text[..i].ends_with(char::is_alphanumeric)
                && !text[j..].starts_with(char::is_alphanumeric)
        };
        ranges.extend(
            text.match_indices(a)
                .map(|(i, m)| i..i + m.len())
                .filter(|r| bounded(r.start, r.end)),
        );
    }
    match required {
        Some(_) if !ranges.is_empty() => {}
        Some(Some(r)) if r.end <= text.len() => ranges.push(r),
        Some(_) => return QUOTE_WITHHELD.to_string(),
        None => {}
    }
    ranges.extend(speakers(text));
    replace(text, ranges)
}

impl Evidence {
    /// Where the attribution lies in the quote, when it must lie there: `None` when it has no
    /// span of its own inside the quote's span; `Some(None)` when it does but the quote is not
    /// the input byte for byte (HTML tags, entities, Markdown marks were taken out), so input
    /// offsets do not say where in the quote it is.
    fn attribution_in_quote(&self) -> Option<Option<Range<usize>>> {
        let [s, e] = self.attribution_span?;
        let [qs, qe] = self.span;
        if s < qs || e > qe || s > e {
            return None;
        }
        let one_for_one = self.text.len() == qe - qs;
        let r = s - qs..e - qs;
        Some(
            (one_for_one
                && self.text.is_char_boundary(r.start)
                && self.text.is_char_boundary(r.end))
            .then_some(r),
        )
    }

    /// The quote as a default output shows it: the attribution and any likely speaker replaced
    /// by [`MARKER`]; the whole quote withheld when its attribution cannot be placed.
    pub fn redacted_text(&self) -> String {
        quote(
            &self.text,
            self.attribution.as_deref(),
            self.attribution_in_quote(),
        )
    }

    /// The evidence as a default output carries it: no attribution fields, the quote and the
    /// context sentence redacted.
    pub fn redacted(&self) -> Evidence {
        Evidence {
            span: self.span,
            text: self.redacted_text(),
            attribution: None,
            attribution_span: None,
            context: self.context.as_ref().map(|c| Context {
                span: c.span,
                text: quote(&c.text, self.attribution.as_deref(), None),
            }),
        }
    }
}

impl Claim {
    /// The claim as a default output carries it: its evidence redacted, every other field as is.
    pub fn redacted(&self) -> Claim {
        Claim {
            evidence: self.evidence.redacted(),
            ..self.clone()
        }
    }

    /// Redacts the evidence of every claim in place. Claims read from one sentence quote it
    /// alike, so evidence equal to the one before reuses its redaction instead of re-reading
    /// the quote for speakers.
    pub fn redact_all(claims: &mut [Claim]) {
        let mut last: Option<(Evidence, Evidence)> = None;
        for c in claims {
            let redacted = match &last {
                Some((plain, red)) if *plain == c.evidence => red.clone(),
                _ => {
                    let red = c.evidence.redacted();
                    last = Some((c.evidence.clone(), red.clone()));
                    red
                }
            };
            c.evidence = redacted;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(text: &str, span: [usize; 2], att: Option<(&str, [usize; 2])>) -> Evidence {
        Evidence {
            span,
            text: text.into(),
            attribution: att.map(|a| a.0.to_string()),
            attribution_span: att.map(|a| a.1),
            context: None,
        }
    }

    #[test]
    fn the_words_file_has_every_section() {
        let w = words();
        assert!(w.verbs.contains(&"said".to_string()));
        assert!(w.weak.contains(&"confirmed".to_string()));
        assert!(w.heads.contains(&"agent".to_string()));
    }

    #[test]
    fn a_known_attribution_is_found_by_its_words_in_decoded_text() {
        // Input: "<p>A source in <b>Hyesan</b> said coal&nbsp;went out.</p>": the quote is the
        // decoded text, so input offsets are off by the tags and the entity.
        let e = ev(
            "A source in Hyesan said coal\u{a0}went out.",
            [3, 52],
            Some(("A source in Hyesan", [3, 28])),
        );
        assert_eq!(e.redacted_text(), "[source withheld] coal\u{a0}went out.");
    }

    #[test]
    fn a_known_attribution_matches_whole_words_only() {
        let e = ev(
            "The route was watched, he explained.",
            [0, 36],
            Some(("he", [23, 25])),
        );
        assert_eq!(
            e.redacted_text(),
            "The route was watched, [source withheld]."
        );
    }

    #[test]
    fn an_attribution_that_cannot_be_placed_withholds_the_quote() {
        // The pronoun names an earlier speaker; the quote is not the input byte for byte.
        let e = ev(
            "Coal went out, he insisted.",
            [0, 40],
            Some(("a trader in Dandong", [20, 22])),
        );
        assert_eq!(e.redacted_text(), QUOTE_WITHHELD);
        // Byte for byte, the span places it.
        let e = ev(
            "Coal went out, he insisted.",
            [10, 37],
            Some(("a trader in Dandong", [25, 27])),
        );
        assert_eq!(e.redacted_text(), "Coal went out, [source withheld].");
    }

    #[test]
    fn speakers_the_extractor_missed_are_withheld() {
        for (input, want) in [
            (
                "Rice came in by truck, a logistics agent in Dandong said.",
                "Rice came in by truck, [source withheld].",
            ),
            (
                "Two freight forwarders in Dandong told a reporter that coal moved at night.",
                "[source withheld] that coal moved at night.",
            ),
            (
                "“Coal moves at night,” said a driver from Sinuiju, “and steel by day.”",
                "“Coal moves at night,” [source withheld], “and steel by day.”",
            ),
            (
                "Fuel went by boat, a broker said, and a guard in Nampo confirmed it.",
                "Fuel went by boat, [source withheld], and [source withheld] it.",
            ),
            (
                "According to a merchant in Hunchun, seafood left by road.",
                "[source withheld], seafood left by road.",
            ),
            (
                "Steel went by sea, according to Kim Sol, a smuggler in Dandong.",
                "Steel went by sea, [source withheld].",
            ),
            (
                "A train left Dandong on Monday, Kim Sol, a clerk in Dandong, said.",
                "A train left Dandong on Monday, [source withheld].",
            ),
            (
                "Coal left, said Kim Sol, a clerk in Dandong.",
                "Coal left, [source withheld].",
            ),
            (
                "Kim Sol, a clerk, said textiles went from Hyesan to Changbai.",
                "[source withheld] textiles went from Hyesan to Changbai.",
            ),
            // No speech: nothing to withhold, even with a weak verb used as a noun.
            (
                "Field reports put added duties on coal.",
                "Field reports put added duties on coal.",
            ),
        ] {
            assert_eq!(text(input), want, "{input}");
        }
    }

    #[test]
    fn context_and_claims_are_redacted_with_fields_left_out() {
        let mut e = ev(
            "A source in Hyesan said coal went out.",
            [0, 38],
            Some(("A source in Hyesan", [0, 18])),
        );
        e.context = Some(Context {
            span: [40, 90],
            text: "The train left Manpo, a customs officer in Manpo said.".into(),
        });
        let r = e.redacted();
        assert_eq!(r.attribution, None);
        assert_eq!(r.attribution_span, None);
        assert_eq!(r.text, "[source withheld] coal went out.");
        assert_eq!(
            r.context.unwrap().text,
            "The train left Manpo, [source withheld]."
        );
    }

    #[test]
    fn redacting_claims_together_matches_redacting_each() {
        let claim = |e: Evidence| Claim {
            source: "r.txt".into(),
            kind: crate::ClaimKind::Movement,
            from: None,
            to: None,
            via: None,
            at: None,
            direction: crate::Direction::Inbound,
            mode: None,
            load: None,
            polarity: Default::default(),
            hedged: false,
            goods: vec![],
            quantities: vec![],
            when: None,
            places: vec![],
            status: None,
            planned: false,
            condition: None,
            change: None,
            evidence: e,
            verdicts: vec![],
        };
        let a = ev(
            "A source in Hyesan said coal went out.",
            [0, 38],
            Some(("A source in Hyesan", [0, 18])),
        );
        let b = ev("Coal left, said Kim Sol, a clerk.", [40, 73], None);
        let plain = vec![claim(a.clone()), claim(a.clone()), claim(b), claim(a)];
        let mut together = plain.clone();
        Claim::redact_all(&mut together);
        let each: Vec<Claim> = plain.iter().map(Claim::redacted).collect();
        assert_eq!(together, each);
        assert_eq!(
            together[1].evidence.text,
            "[source withheld] coal went out."
        );
    }

    #[test]
    fn mask_keeps_byte_offsets() {
        let b = "x, a source in Hyesan said. Then é.".as_bytes();
        let m = mask(b, std::iter::once(3..26).collect());
        assert_eq!(m.len(), b.len());
        assert_eq!(
            String::from_utf8(m).unwrap(),
            "x, [source withheld]      . Then é."
        );
        let m = mask(b, std::iter::once(34..35).collect());
        assert!(String::from_utf8(m).is_ok());
    }
}
