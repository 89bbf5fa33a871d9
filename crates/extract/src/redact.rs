//! A source's own text redacted for output, over its decoded text.
//!
//! Owns: withholding, in the bytes of a source as read, the attribution spans its claims
//! carry and every likely speaker that `borderwatch_model::redact::speakers` finds in the
//! decoded text (HTML tags, entities and Markdown marks taken out first, so "a source in
//! <b>Hyesan</b>&nbsp;said" is one clause), mapped back to input bytes. The words are
//! overwritten in place, so every claim's byte span still points at its words.
//!
//! Refuses: a text it cannot decode is withheld whole (`None`), never passed through.

use borderwatch_model::redact;

use crate::decode::{decode, Format};

/// The text of source `name` with its attributions and likely speakers withheld, byte offsets
/// kept; `attributions` are input byte spans (a claim's `attribution_span`). `None` when the
/// bytes cannot be read as text.
pub fn source_text(name: &str, bytes: &[u8], attributions: &[[usize; 2]]) -> Option<String> {
    let (text, _) = decode(name, bytes, Format::detect(name, bytes), usize::MAX).ok()?;
    let mut ranges: Vec<std::ops::Range<usize>> = attributions.iter().map(|&[s, e]| s..e).collect();
    ranges.extend(redact::speakers(&text.clean).into_iter().map(|r| {
        let [s, e] = text.span(r.start, r.end);
        s..e
    }));
    Some(String::from_utf8_lossy(&redact::mask(bytes, ranges)).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speakers_are_withheld_across_tags_and_entities_with_offsets_kept() {
        let html = "<p>Coal went out, a logistics <b>agent</b>&nbsp;in <i>Dandong</i> said.</p>";
        let out = source_text("r.html", html.as_bytes(), &[]).unwrap();
        assert_eq!(out.len(), html.len());
        assert!(!out.contains("agent") && !out.contains("Dandong"), "{out}");
        assert!(
            out.starts_with("<p>Coal went out, [source withheld]"),
            "{out}"
        );
    }

    #[test]
    fn known_spans_are_withheld_and_binary_is_refused() {
        let t = "Rice went in. The weather was fine, Kim reckoned.";
        let out = source_text("r.txt", t.as_bytes(), &[[36, 39]]).unwrap();
        assert_eq!(out, "Rice went in. The weather was fine, ### reckoned.");
        assert_eq!(source_text("r.txt", b"\0\0\0\x01binary", &[]), None);
    }
}
