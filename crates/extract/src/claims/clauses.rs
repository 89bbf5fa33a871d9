//! Clause splitting and small token helpers: where a clause ends, the window of tokens between
//! two positions.
//!
//! Refuses: meaning; these are positions only.

use super::*;

/// Clause ranges of a sentence: breaks at clause cues, at a comma before a negation ("…, nothing
/// goes the other way"), and between an import and a later export ("imports from China and
/// exports of …").
pub(super) fn split_clauses(toks: &[Tok], clean: &str, s: usize, e: usize) -> Vec<(usize, usize)> {
    let mut cuts: Vec<usize> = Vec::new();
    let mut seen_dir: Option<Role> = None;
    let opener = clean[s..e].trim_start_matches(['“', '"', '‘', '\'', ' ']);
    let opener_at = e - opener.len();
    if toks
        .iter()
        .any(|t| t.tk == Tk::Cue(Role::Subordinator) && t.start == opener_at)
    {
        if let Some(c) = clean[opener_at..e].find(',') {
            cuts.push(opener_at + c + 1);
        }
    }
    for t in toks {
        match t.tk {
            Tk::Cue(Role::Reverse) => {
                let w = clean[t.start..t.end].to_ascii_lowercase();
                if w.starts_with("in ") && t.start > s + 2 {
                    cuts.push(t.start);
                }
            }
            Tk::Cue(Role::Break) if t.start > s + 2 => cuts.push(t.start),
            Tk::Cue(Role::Negation)
                if clean[..t.start].trim_end().ends_with(',') && t.start > s + 2 =>
            {
                cuts.push(t.start)
            }
            Tk::Cue(r @ (Role::Import | Role::Export)) => {
                if let Some(prev) = seen_dir {
                    if prev != r {
                        // Cut before "and"/"," preceding the second direction word.
                        let before = clean[..t.start].trim_end();
                        let cut = if before.ends_with(" and") {
                            before.len() - 3
                        } else {
                            t.start
                        };
                        cuts.push(cut.max(s + 1));
                    }
                }
                seen_dir = Some(r);
            }
            _ => {}
        }
    }
    cuts.extend(coordinated_legs(toks, clean, s, e));
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = Vec::new();
    let mut a = s;
    for c in cuts {
        if c > a {
            out.push((a, c));
            a = c;
        }
    }
    out.push((a, e));
    out
}

/// Cuts before "and" joining two verbs that each have their own end: "receives flour from
/// Russia and ships coal to Russia" is two movements, one each way. Not "loaded at Nampo and
/// shipped to Longkou" (one movement whose first verb names no end of its own).
fn coordinated_legs(toks: &[Tok], clean: &str, s: usize, e: usize) -> Vec<usize> {
    let is_verb = |t: &Tok| {
        matches!(
            t.tk,
            Tk::Cue(Role::MoveVerb | Role::Frame(_) | Role::Import | Role::Export)
        )
    };
    let is_end = |t: &Tok| matches!(t.tk, Tk::Cue(Role::From | Role::To));
    // For each token, whether an end cue follows it before the next clause break (one pass
    // from the back, so a long list stays linear).
    let mut end_after = vec![false; toks.len()];
    let mut later = false;
    for (k, t) in toks.iter().enumerate().rev() {
        end_after[k] = later;
        if matches!(t.tk, Tk::Cue(Role::Break)) {
            later = false;
        }
        if is_end(t) {
            later = true;
        }
    }
    let mut out = Vec::new();
    let (mut start, mut verb_before, mut end_before) = (s, false, false);
    for (k, t) in toks.iter().enumerate() {
        if t.start < s || t.start >= e {
            continue;
        }
        if is_verb(t) {
            let before = clean[start..t.start].trim_end();
            if ends_with_ci(before, " and") && verb_before && end_before && end_after[k] {
                start += before.len() - 3;
                out.push(start);
                (verb_before, end_before) = (false, false);
            }
        }
        verb_before |= is_verb(t);
        end_before |= is_end(t);
    }
    out
}

/// Where the noun phrase ending at `head` begins: after the last comma, closing quote, colon or
/// "that" before it in the sentence.
pub(super) fn boundary_before(clean: &str, sentence_start: usize, head: usize) -> usize {
    let seg = &clean[sentence_start..head];
    let mut b = sentence_start;
    for (i, c) in seg.char_indices() {
        if matches!(c, ',' | '”' | '"' | ':' | ';' | '—') {
            b = sentence_start + i + c.len_utf8();
        }
    }
    let lower = clean[b..head].to_ascii_lowercase();
    if let Some(k) = lower.rfind(" that ") {
        b += k + 6;
    }
    b
}

impl Doc<'_, '_> {
    /// The word after byte `end` (spaces skipped): where it starts and its letters, lower-cased.
    pub(super) fn word_after(&self, end: usize) -> (usize, String) {
        let clean = &self.text.clean;
        let at = end + (clean[end..].len() - clean[end..].trim_start_matches(' ').len());
        (at, word_at(clean, at).to_lowercase())
    }

    /// The lower-cased word that ends right before `start`, spaces skipped ("" after
    /// punctuation).
    pub(super) fn word_before(&self, start: usize) -> String {
        let before = self.text.clean[..start].trim_end();
        before
            .rsplit(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or("")
            .to_lowercase()
    }

    /// The part-of-speech lexicon's most frequent tag for a lower-cased word.
    pub(super) fn lexical_tag(&self, word: &str) -> Option<borderwatch_reference::pos::Tag> {
        self.x.reference.pos.lexicon.get(word).copied()
    }
}

/// The letters of the word starting at byte `at` ("" when none starts there).
pub(super) fn word_at(clean: &str, at: usize) -> &str {
    clean[at..]
        .split(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or("")
}

/// Whether a token after `toks[k]` starts at byte `at` and `is` accepts it.
pub(super) fn token_at(toks: &[Tok], k: usize, at: usize, is: impl Fn(&Tk) -> bool) -> bool {
    toks[k + 1..]
        .iter()
        .take_while(|u| u.start <= at)
        .any(|u| u.start == at && is(&u.tk))
}

/// Case-insensitive `ends_with` that looks only at the tail (never copies the prefix).
pub(super) fn ends_with_ci(s: &str, suffix: &str) -> bool {
    s.len() >= suffix.len()
        && s.is_char_boundary(s.len() - suffix.len())
        && s[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

/// The tokens starting in `[a, b]` (tokens are sorted by start): a window, not a scan.
pub(super) fn window(toks: &[Tok], a: usize, b: usize) -> &[Tok] {
    let i = toks.partition_point(|t| t.start < a);
    let j = toks.partition_point(|t| t.start <= b);
    &toks[i..j.max(i)]
}

pub(super) fn possessive_between(clean: &str, a: usize, b: usize) -> bool {
    let g = &clean[a..b];
    g.starts_with("'s") || g.starts_with("’s") || g.starts_with('\'') || g.starts_with('’')
}
