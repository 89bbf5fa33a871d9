//! Who said it: the attribution of each sentence ("a source in Hyesan said"), found in one
//! pass over the document so that its words are left out of the claim and redacted in outputs.
//!
//! A sentence the head and verb rules leave without one takes the speaker the output side's
//! "when in doubt" pass finds there (`borderwatch_model::redact::speakers`: "…, a logistics
//! agent in Dandong said"), so both sides agree on who is speaking.
//!
//! Refuses: deciding who may see an attribution (that is the model's redaction).

use super::*;

impl Doc<'_, '_> {
    pub(super) fn find_attributions(&mut self) {
        let clean = &self.text.clean;
        let mut out: Vec<Option<(String, usize, usize)>> = Vec::with_capacity(self.sents.len());
        let mut last_named: Option<String> = None;
        let speakers = borderwatch_model::redact::speakers(clean);
        let mut next_speaker = 0;
        for s in &self.sents {
            let r = self.toks_in(s.start, s.end);
            let toks = &self.toks[r];
            let mut found = None;
            for (k, t) in toks.iter().enumerate() {
                if t.tk != Tk::Cue(Role::AttrVerb) {
                    continue;
                }
                let verb = &clean[t.start..t.end];
                if verb.eq_ignore_ascii_case("according to") {
                    let e = clean[t.end..s.end]
                        .find([',', '.', ';'])
                        .map_or(s.end, |i| t.end + i);
                    found = Some((t.end, e));
                    break;
                }
                // Head before the verb, within the last two comma segments.
                let before = toks[..k]
                    .iter()
                    .rev()
                    .take_while(|h| t.start - h.end < 160)
                    .find(|h| h.tk == Tk::Cue(Role::AttrHead));
                if let Some(h) = before {
                    let mut b = boundary_before(clean, s.start, h.start);
                    // "…, who asked not to be named, told a reporter": the head's segment starts earlier.
                    if b > h.start {
                        b = s.start;
                    }
                    found = Some((b, t.start));
                    break;
                }
                // Head after the verb: "said the source in Dandong."
                let after = toks[k + 1..]
                    .iter()
                    .take_while(|h| h.start - t.end < 40)
                    .find(|h| h.tk == Tk::Cue(Role::AttrHead))
                    .filter(|h| {
                        // "said the source", "said a trader in Dandong": only little words between;
                        // after "told" comes the listener, not the speaker.
                        !verb.eq_ignore_ascii_case("told")
                            && clean[t.end..h.start].split_whitespace().count() <= 3
                            && !clean[t.end..h.start].contains([',', '“', '"'])
                            && verb.len() <= 9
                    });
                if let Some(h) = after {
                    let e = clean[h.end..s.end]
                        .find([',', '.', ';', '“', '"'])
                        .map_or(s.end, |i| h.end + i);
                    found = Some((t.end, e));
                    break;
                }
            }
            // Speakers are in text order, as the sentences are: one pass over both.
            while speakers.get(next_speaker).is_some_and(|r| r.end <= s.start) {
                next_speaker += 1;
            }
            if found.is_none() {
                found = speakers
                    .get(next_speaker)
                    .filter(|r| r.start >= s.start && r.end <= s.end)
                    .map(|r| speaker_without_verb(toks, r.start, r.end));
            }
            let att = found.filter(|(a, b)| a < b).map(|(a, b)| {
                let a = a + clean[a..b].len() - clean[a..b].trim_start().len();
                let b = a + clean[a..b].trim().trim_end_matches([',', '”', '"']).len();
                let mut t = clean[a..b].to_string();
                if matches!(t.to_ascii_lowercase().as_str(), "he" | "she" | "they") {
                    if let Some(prev) = &last_named {
                        t = prev.clone();
                    }
                } else {
                    last_named = Some(t.clone());
                }
                (t, a, b)
            });
            out.push(att);
        }
        // Sentences inside a quotation take the attribution of the quote's paragraph. One pass
        // each way keeps this linear in the sentences: the quote marks before a sentence are
        // counted on from the sentence before, and the next attributed sentence of the same
        // paragraph is found from the end.
        let n = self.sents.len();
        let mut next_attributed: Vec<Option<usize>> = vec![None; n];
        for i in (0..n.saturating_sub(1)).rev() {
            if self.sents[i + 1].paragraph == self.sents[i].paragraph {
                next_attributed[i] = if out[i + 1].is_some() {
                    Some(i + 1)
                } else {
                    next_attributed[i + 1]
                };
            }
        }
        let (mut opens, mut closes, mut counted_to) = (0usize, 0usize, 0usize);
        for i in 0..n {
            let s = self.sents[i];
            if i == 0 || self.sents[i - 1].paragraph != s.paragraph {
                (opens, closes, counted_to) = (0, 0, s.start);
            }
            let before = &clean[counted_to..s.start];
            opens += before.matches(['“', '"']).count();
            closes += before.matches('”').count();
            counted_to = s.start;
            if out[i].is_some() {
                continue;
            }
            let opened = opens > closes;
            let starts_quote = clean[s.start..].starts_with(['“', '"']);
            if !(opened || starts_quote) {
                continue;
            }
            if let Some((t, _, _)) = next_attributed[i].and_then(|j| out[j].clone()) {
                // Borrowed attribution has no span inside this sentence.
                out[i] = Some((t, usize::MAX, usize::MAX));
            }
        }
        self.attribution = out;
    }
}

/// A speaker's stretch without its speech verb: "a logistics agent in Dandong" of "a logistics
/// agent in Dandong said"; empty when the speaker is not before the verb.
fn speaker_without_verb(toks: &[Tok], start: usize, end: usize) -> (usize, usize) {
    let verb = toks
        .iter()
        .find(|t| t.tk == Tk::Cue(Role::AttrVerb) && t.start >= start && t.end <= end);
    // Only a speaker named before its verb: after a verb that opens its clause the pass takes
    // the next words whatever they are ("…, said the coal was shipped"), which is right for
    // withholding a quote and wrong for leaving words out of a claim.
    match verb {
        Some(v) if v.start > start => (start, v.start),
        _ => (start, start),
    }
}

impl Doc<'_, '_> {
    /// Whether `start..end` lies inside sentence `si`'s attribution.
    pub(super) fn in_attribution(&self, si: usize, start: usize, end: usize) -> bool {
        self.attribution
            .get(si)
            .and_then(|a| a.as_ref())
            .is_some_and(|a| start >= a.1 && end <= a.2)
    }
}
