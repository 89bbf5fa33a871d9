//! Paragraphs and sentences of clean text, as byte ranges.
//!
//! A paragraph ends at a blank line, or at a line break after a line that ends a sentence or is
//! short (a headline or caption); other line breaks are hard wraps. A sentence ends at `.`, `!`
//! or `?` (with any closing quotes or brackets) before a space and a capital, digit, quote or
//! non-Latin letter, unless the word before the stop is a known abbreviation or an initial.

/// A sentence and the paragraph it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
    pub paragraph: usize,
}

const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "no", "u.s", "u.n", "u.k", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "gen", "lt", "col", "gov", "sen", "rep",
    "inc", "ltd", "co", "corp", "vs", "etc", "e.g", "i.e", "approx", "est", "jr", "sr", "mt",
    "prof", "dept", "govt", "p.m", "a.m", "ft", "lb", "lbs", "kg", "km", "vol", "fig",
];

/// Splits clean text into sentences, in order.
pub fn sentences(text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    for (paragraph, (ps, pe)) in paragraphs(text).into_iter().enumerate() {
        split_paragraph(text, ps, pe, paragraph, &mut out);
    }
    out
}

fn paragraphs(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let ls = line_start;
        line_start += line.len();
        let t = line.trim();
        if t.is_empty() {
            if let Some(s) = start.take() {
                out.push((s, ls));
            }
            continue;
        }
        if start.is_none() {
            start = Some(ls + (line.len() - line.trim_start().len()));
        }
        let ends_sentence = t.ends_with(['.', '!', '?', '"', '”', ':', ')', ']', '’']);
        if ends_sentence || t.chars().count() < 60 {
            if let Some(s) = start.take() {
                out.push((s, ls + line.trim_end().len()));
            }
        }
    }
    if let Some(s) = start {
        out.push((s, text.trim_end().len().max(s)));
    }
    out
}

fn split_paragraph(text: &str, ps: usize, pe: usize, paragraph: usize, out: &mut Vec<Sentence>) {
    let b = text.as_bytes();
    let mut s = ps;
    let mut i = ps;
    while i < pe {
        let c = b[i];
        // Chinese and Japanese full stops end a sentence with or without a space after them.
        if c >= 0xE3 && text.is_char_boundary(i) && text[i..].starts_with(['。', '！', '？']) {
            let j = i + 3;
            push(text, s, j, paragraph, out);
            s = j;
            i = j;
            continue;
        }
        if matches!(c, b'.' | b'!' | b'?') {
            // Swallow closing quotes and brackets after the stop.
            let mut j = i + 1;
            while j < pe {
                let ch = text[j..].chars().next().unwrap_or(' ');
                if matches!(ch, '"' | '”' | '’' | '\'' | ')' | ']' | '.' | '!' | '?') {
                    j += ch.len_utf8();
                } else {
                    break;
                }
            }
            let rest = &text[j..pe];
            let after = rest.trim_start();
            let gap = rest.len() - after.len();
            let next = after.chars().next();
            let starts_new = gap > 0
                && next.is_some_and(|n| {
                    n.is_uppercase()
                        || n.is_ascii_digit()
                        || matches!(n, '"' | '“' | '‘' | '\'' | '(' | '[')
                        || (!n.is_ascii() && n.is_alphabetic() && !n.is_lowercase())
                });
            if c == b'.' && starts_new && is_abbreviation(&text[s..i]) {
                i = j;
                continue;
            }
            if starts_new {
                push(text, s, j, paragraph, out);
                s = j + gap;
                i = s;
                continue;
            }
            i = j.max(i + 1);
            continue;
        }
        i += 1;
    }
    push(text, s, pe, paragraph, out);
}

fn push(text: &str, s: usize, e: usize, paragraph: usize, out: &mut Vec<Sentence>) {
    let t = &text[s..e];
    let lead = t.len() - t.trim_start().len();
    let trimmed = t.trim();
    if trimmed.is_empty() {
        return;
    }
    out.push(Sentence {
        start: s + lead,
        end: s + lead + trimmed.len(),
        paragraph,
    });
}

/// Whether the text before a full stop ends with an abbreviation or an initial.
fn is_abbreviation(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '[' || c == '"' || c == '“')
        .next()
        .unwrap_or("");
    if word.is_empty() {
        return false;
    }
    let lower = word.to_ascii_lowercase();
    if ABBREVIATIONS.contains(&lower.as_str()) {
        return true;
    }
    // A single capital letter: an initial ("Eugene W. Whong").
    word.chars().count() == 1 && word.chars().all(|c| c.is_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(t: &str) -> Vec<&str> {
        sentences(t).iter().map(|s| &t[s.start..s.end]).collect()
    }

    #[test]
    fn splits_sentences_and_keeps_abbreviations() {
        let t = "NK News reported Sept. 9 that trade resumed. The U.S. government said so. “It is empty,” he said. Then it left.";
        assert_eq!(
            split(t),
            [
                "NK News reported Sept. 9 that trade resumed.",
                "The U.S. government said so.",
                "“It is empty,” he said.",
                "Then it left."
            ]
        );
    }

    #[test]
    fn chinese_full_stops() {
        assert_eq!(
            split("货车从丹东出发。到达新义州。"),
            ["货车从丹东出发。", "到达新义州。"]
        );
    }

    #[test]
    fn paragraphs_from_lines_and_wraps() {
        let t = "Headline here\n\nA long paragraph that is hard wrapped at some column so that\nit continues on the next line.\nNext paragraph.\n";
        let s = sentences(t);
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].paragraph, 0);
        assert_eq!(s[1].paragraph, 1);
        assert!(t[s[1].start..s[1].end].contains("so that\nit continues"));
        assert_eq!(s[2].paragraph, 2);
    }
}
