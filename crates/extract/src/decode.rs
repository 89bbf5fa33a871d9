//! Bytes → clean text with a map back to the bytes as read.
//!
//! Plain text, Markdown and HTML are reduced to plain paragraphs: HTML tags are stripped,
//! entities decoded, and scripts, styles and the page around a saved article (navigation,
//! related stories, comments, footers: `page.rs`) skipped; image `alt` text and captions are
//! kept (photo captions are evidence too). A BOM is skipped, invalid UTF-8 is replaced and
//! reported with its byte offset, and binary input is refused. Every byte of the clean text maps
//! back to a byte offset in the input, so evidence spans point into the file as read.

use borderwatch_model::{Date, Issue, IssueCode};

use crate::{html, page};

/// The input's layout, from its name or its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Html,
}

impl Format {
    /// Guesses the format from the file name, then from the content.
    pub fn detect(name: &str, bytes: &[u8]) -> Format {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".html") || lower.ends_with(".htm") || lower.ends_with(".xhtml") {
            return Format::Html;
        }
        if lower.ends_with(".md") || lower.ends_with(".markdown") {
            return Format::Markdown;
        }
        let head = &bytes[..bytes.len().min(4096)];
        let head = String::from_utf8_lossy(head).to_ascii_lowercase();
        let t = head.trim_start_matches('\u{feff}').trim_start();
        if t.starts_with("<!doctype html")
            || t.starts_with("<html")
            || head.contains("<body")
            || head.contains("</p>")
            || head.contains("</div>")
        {
            return Format::Html;
        }
        Format::Text
    }
}

/// Why an input cannot be read as text at all.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodeError {
    pub code: IssueCode,
    pub message: String,
}

/// A stretch of clean text and where it came from.
#[derive(Debug, Clone, Copy)]
struct Segment {
    clean: u32,
    orig: u32,
    /// Bytes of input behind a replaced stretch (an entity, an invalid byte run); 0 when the
    /// clean bytes copy the input one for one.
    replaced: u32,
}

/// Clean text plus the map back to input byte offsets.
#[derive(Debug, Clone)]
pub struct Text {
    pub clean: String,
    segments: Vec<Segment>,
    input_len: usize,
}

impl Text {
    /// The input byte offset of a clean byte offset (a start).
    pub fn orig(&self, clean: usize) -> usize {
        if clean >= self.clean.len() {
            return self.input_len;
        }
        let i = self
            .segments
            .partition_point(|s| s.clean as usize <= clean)
            .saturating_sub(1);
        let s = self.segments[i];
        if s.replaced > 0 {
            s.orig as usize
        } else {
            s.orig as usize + (clean - s.clean as usize)
        }
    }

    /// The input byte offset just past a clean range ending at `clean` (exclusive).
    pub fn orig_end(&self, clean: usize) -> usize {
        if clean == 0 {
            return self.orig(0);
        }
        let i = self
            .segments
            .partition_point(|s| (s.clean as usize) < clean)
            .saturating_sub(1);
        let s = self.segments[i];
        if s.replaced > 0 {
            (s.orig + s.replaced) as usize
        } else {
            s.orig as usize + (clean - s.clean as usize)
        }
    }

    /// Input span of a clean range.
    pub fn span(&self, start: usize, end: usize) -> [usize; 2] {
        [self.orig(start), self.orig_end(end).max(self.orig(start))]
    }
}

struct Emitter {
    out: String,
    segments: Vec<Segment>,
    /// Whether the last segment copies input one for one and ends where the next copy would.
    next_orig: Option<usize>,
}

impl Emitter {
    fn new(cap: usize) -> Emitter {
        Emitter {
            out: String::with_capacity(cap),
            segments: Vec::new(),
            next_orig: None,
        }
    }

    /// Copies input text found at `orig`.
    fn copy(&mut self, s: &str, orig: usize) {
        if s.is_empty() {
            return;
        }
        if self.next_orig != Some(orig) {
            self.segments.push(Segment {
                clean: self.out.len() as u32,
                orig: orig as u32,
                replaced: 0,
            });
        }
        self.out.push_str(s);
        self.next_orig = Some(orig + s.len());
    }

    /// Writes `s` standing for `len` input bytes at `orig`.
    fn replace(&mut self, s: &str, orig: usize, len: usize) {
        if s.is_empty() {
            return;
        }
        self.segments.push(Segment {
            clean: self.out.len() as u32,
            orig: orig as u32,
            replaced: len.max(1) as u32,
        });
        self.out.push_str(s);
        self.next_orig = None;
    }

    fn finish(self, input_len: usize) -> Text {
        let mut segments = self.segments;
        if segments.is_empty() {
            segments.push(Segment {
                clean: 0,
                orig: 0,
                replaced: 0,
            });
        }
        Text {
            clean: self.out,
            segments,
            input_len,
        }
    }
}

/// Decodes `bytes` into clean text, or refuses binary input.
pub fn decode(
    _name: &str,
    bytes: &[u8],
    format: Format,
    max_bytes: usize,
) -> Result<(Text, Vec<Issue>), DecodeError> {
    if bytes.len() > max_bytes {
        return Err(DecodeError {
            code: IssueCode::TooLarge,
            message: format!(
                "{} bytes is over the limit of {} bytes for one report",
                bytes.len(),
                max_bytes
            ),
        });
    }
    if let Some(little) = utf16_bom(bytes) {
        let (text, issues) = decode_utf16(bytes, little)?;
        let text = match format {
            Format::Text => text,
            Format::Markdown => rebase(&text, strip_markdown(&text.clean)),
            Format::Html => rebase(&text, strip_html(&text.clean)),
        };
        return Ok((text, issues));
    }
    if let Some(at) = binary_at(bytes) {
        return Err(DecodeError {
            code: IssueCode::BinaryInput,
            message: format!("not text: binary data at byte {at}"),
        });
    }
    let bom = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    // First pass: UTF-8, replacing invalid runs (reported), into a one-for-one copy.
    let mut issues = Vec::new();
    let mut utf8 = Emitter::new(bytes.len());
    let mut pos = bom;
    for chunk in bytes[bom..].utf8_chunks() {
        utf8.copy(chunk.valid(), pos);
        pos += chunk.valid().len();
        let bad = chunk.invalid();
        if !bad.is_empty() {
            issues.push(
                Issue::new(
                    IssueCode::InvalidUtf8,
                    format!("invalid utf-8 at byte {pos}, replaced with U+FFFD"),
                )
                .value(format!("{bad:02x?}")),
            );
            utf8.replace("\u{fffd}", pos, bad.len());
            pos += bad.len();
        }
    }
    let text = utf8.finish(bytes.len());
    if issues.len() > 20 {
        let n = issues.len();
        issues.truncate(20);
        issues.push(Issue::new(
            IssueCode::InvalidUtf8,
            format!("{} more invalid utf-8 runs not listed", n - 20),
        ));
    }
    let text = match format {
        Format::Text => text,
        Format::Markdown => rebase(&text, strip_markdown(&text.clean)),
        Format::Html => rebase(&text, strip_html(&text.clean)),
    };
    Ok((text, issues))
}

/// `Some(true)` for a UTF-16 little-endian byte order mark, `Some(false)` for big-endian.
fn utf16_bom(bytes: &[u8]) -> Option<bool> {
    match bytes {
        [0xFF, 0xFE, ..] => Some(true),
        [0xFE, 0xFF, ..] => Some(false),
        _ => None,
    }
}

/// UTF-16 (after its BOM) into clean UTF-8, each character mapped back to its input bytes;
/// unpaired surrogates are replaced and reported like invalid UTF-8, and NUL characters or a
/// trailing odd byte make it binary, as they do in UTF-8.
fn decode_utf16(bytes: &[u8], little: bool) -> Result<(Text, Vec<Issue>), DecodeError> {
    let body = &bytes[2..];
    let units = body.chunks(2).map(|c| match c {
        [a, b] if little => u16::from_le_bytes([*a, *b]),
        [a, b] => u16::from_be_bytes([*a, *b]),
        [a] => u16::from(*a),
        _ => 0,
    });
    let mut out = Emitter::new(bytes.len());
    let mut issues = Vec::new();
    let mut pos = 2;
    let mut buf = [0u8; 4];
    for r in char::decode_utf16(units) {
        let (s, len) = match r {
            Ok(c) => (c.encode_utf8(&mut buf) as &str, c.len_utf16() * 2),
            Err(e) => {
                issues.push(
                    Issue::new(
                        IssueCode::InvalidUtf8,
                        format!("unpaired utf-16 surrogate at byte {pos}, replaced with U+FFFD"),
                    )
                    .value(format!("{:04x}", e.unpaired_surrogate())),
                );
                ("\u{fffd}", 2)
            }
        };
        if s == "\0" || pos + len > bytes.len() {
            return Err(DecodeError {
                code: IssueCode::BinaryInput,
                message: format!("not text: binary data at byte {pos} (utf-16)"),
            });
        }
        out.replace(s, pos, len);
        pos += len;
    }
    issues.truncate(21);
    Ok((out.finish(bytes.len()), issues))
}

/// Offset of the first sign of binary data, if the input looks binary: a NUL byte, or more than
/// one control byte in ten in the first 8 KiB.
fn binary_at(bytes: &[u8]) -> Option<usize> {
    let head = &bytes[..bytes.len().min(8192)];
    if let Some(i) = memchr_nul(head) {
        return Some(i);
    }
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    (controls * 10 > head.len() && head.len() >= 16).then(|| {
        head.iter()
            .position(|&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
            .unwrap_or(0)
    })
}

fn memchr_nul(b: &[u8]) -> Option<usize> {
    b.iter().position(|&x| x == 0)
}

/// A second-stage result: clean text whose segments point into the first stage's clean text.
struct Stage {
    out: Emitter,
}

/// Composes a second stage's map with the first's so spans point at input bytes. A second-stage
/// copy that crosses a first-stage replacement (an invalid byte run) is split there, so offsets
/// after it stay exact.
fn rebase(first: &Text, stage: Stage) -> Text {
    let Stage { out } = stage;
    let total = out.out.len();
    let mut segments: Vec<Segment> = Vec::with_capacity(out.segments.len());
    for (k, s) in out.segments.iter().enumerate() {
        let clean_end = out.segments.get(k + 1).map_or(total, |n| n.clean as usize);
        if s.replaced > 0 {
            let start = first.orig(s.orig as usize);
            let end = first.orig_end(s.orig as usize + s.replaced as usize);
            segments.push(Segment {
                clean: s.clean,
                orig: start as u32,
                replaced: (end.max(start) - start).max(1) as u32,
            });
            continue;
        }
        // A copy of first-stage text [mid, mid + len): follow the first stage's segments.
        let (mid, len) = (s.orig as usize, clean_end - s.clean as usize);
        let mut i = first
            .segments
            .partition_point(|f| f.clean as usize <= mid)
            .saturating_sub(1);
        let mut at = mid;
        while at < mid + len && i < first.segments.len() {
            let f = first.segments[i];
            let f_end = first
                .segments
                .get(i + 1)
                .map_or(first.clean.len(), |n| n.clean as usize);
            let piece_end = f_end.min(mid + len);
            let clean = s.clean as usize + (at - mid);
            segments.push(if f.replaced > 0 {
                Segment {
                    clean: clean as u32,
                    orig: f.orig,
                    replaced: f.replaced,
                }
            } else {
                Segment {
                    clean: clean as u32,
                    orig: (f.orig as usize + (at - f.clean as usize)) as u32,
                    replaced: 0,
                }
            });
            at = piece_end.max(at + 1);
            i += 1;
        }
    }
    Emitter {
        out: out.out,
        segments,
        next_orig: None,
    }
    .finish(first.input_len)
}

/// Tags that end a paragraph.
const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "td",
    "th",
    "table",
    "figure",
    "figcaption",
    "section",
    "article",
    "blockquote",
    "title",
    "caption",
    "dd",
    "dt",
    "hr",
    "main",
    "pre",
    "header",
    "footer",
    "nav",
    "aside",
    "address",
    "details",
    "summary",
];

/// HTML to plain paragraphs: only the article's text (`page.rs` says which parts of the page
/// are not the article), tags stripped, entities decoded, image `alt` text kept.
fn strip_html(s: &str) -> Stage {
    let toks = html::tokenize(s);
    let outside = page::outside_article(s, &toks);
    let mut em = Emitter::new(s.len());
    let mut d = 0;
    let mut in_gap = false;
    for t in &toks {
        while d < outside.len() && outside[d].1 <= t.start {
            d += 1;
        }
        if d < outside.len() && outside[d].0 <= t.start {
            // Left out; a paragraph break keeps the text on either side apart.
            if !in_gap {
                em.replace("\n\n", outside[d].0, 1);
                in_gap = true;
            }
            continue;
        }
        in_gap = false;
        match t.kind {
            html::Kind::Text => emit_html_text(&mut em, s, t.start, t.end),
            html::Kind::Skip => {}
            html::Kind::Start { .. } | html::Kind::End => {
                let name = t.name(s);
                if BLOCK_TAGS.iter().any(|b| b.eq_ignore_ascii_case(name)) {
                    em.replace("\n\n", t.start, t.end - t.start);
                } else if t.kind != html::Kind::End && name.eq_ignore_ascii_case("img") {
                    let inner = t.inner(s);
                    if let Some((a, z)) = html::attr_span(inner, "alt") {
                        let (a, z) = (t.start + 1 + a, t.start + 1 + z);
                        em.replace("\n\n", t.start, 1);
                        emit_html_text(&mut em, s, a, z);
                        em.replace("\n\n", t.end - 1, 1);
                    }
                }
            }
        }
    }
    Stage { out: em }
}

/// Text between tags: entities decoded, newlines folded to spaces (HTML layout is not prose).
fn emit_html_text(em: &mut Emitter, s: &str, from: usize, to: usize) {
    let part = &s[from..to];
    let mut last = 0;
    let mut k = 0;
    let pb = part.as_bytes();
    while k < pb.len() {
        match pb[k] {
            b'&' => {
                let end = part[k..]
                    .char_indices()
                    .skip(1)
                    .take(12)
                    .find(|&(_, c)| c == ';' || c.is_whitespace() || c == '&')
                    .filter(|&(_, c)| c == ';')
                    .map(|(j, _)| k + j + 1);
                if let Some(end) = end {
                    let ent = &part[k..end];
                    let dec = html_escape::decode_html_entities(ent);
                    if dec != ent {
                        em.copy(&part[last..k], from + last);
                        let d = dec.replace('\u{a0}', " ");
                        em.replace(&d, from + k, end - k);
                        last = end;
                        k = end;
                        continue;
                    }
                }
                k += 1;
            }
            b'\n' | b'\r' | b'\t' => {
                em.copy(&part[last..k], from + last);
                em.replace(" ", from + k, 1);
                k += 1;
                last = k;
            }
            _ => k += 1,
        }
    }
    em.copy(&part[last..], from + last);
}

/// Markdown to plain paragraphs: heading and quote markers, emphasis, link targets, images
/// (their alt text stays), code fences and table pipes go.
fn strip_markdown(s: &str) -> Stage {
    let mut em = Emitter::new(s.len());
    let mut line_start = 0;
    let mut in_fence = false;
    for line in s.split_inclusive('\n') {
        let base = line_start;
        line_start += line.len();
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            in_fence = !in_fence;
            em.replace("\n", base, line.len());
            continue;
        }
        if in_fence {
            continue;
        }
        // Leading markers: #, >, list bullets.
        let mut k = line.len() - t.len();
        let lb = line.as_bytes();
        while k < lb.len() && matches!(lb[k], b'#' | b'>' | b' ') {
            k += 1;
        }
        if k + 1 < lb.len() && matches!(lb[k], b'-' | b'*' | b'+') && lb[k + 1] == b' ' {
            k += 2;
        }
        let body = &line[k..];
        let mut last = 0;
        let bb = body.as_bytes();
        let mut j = 0;
        let abs = base + k;
        while j < bb.len() {
            match bb[j] {
                b'*' | b'_' | b'`' | b'|' => {
                    em.copy(&body[last..j], abs + last);
                    if bb[j] == b'|' {
                        em.replace(" ", abs + j, 1);
                    }
                    j += 1;
                    last = j;
                }
                b'!' if bb.get(j + 1) == Some(&b'[') => {
                    em.copy(&body[last..j], abs + last);
                    j += 1;
                    last = j;
                }
                b'[' => {
                    em.copy(&body[last..j], abs + last);
                    j += 1;
                    last = j;
                }
                b']' => {
                    em.copy(&body[last..j], abs + last);
                    j += 1;
                    // Skip a link target "(…)".
                    if bb.get(j) == Some(&b'(') {
                        if let Some(e) = body[j..].find(')') {
                            j += e + 1;
                        }
                    }
                    last = j;
                }
                _ => j += 1,
            }
        }
        em.copy(&body[last..], abs + last);
    }
    Stage { out: em }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(name: &str, input: &str) -> Text {
        let f = Format::detect(name, input.as_bytes());
        decode(name, input.as_bytes(), f, 1 << 20).unwrap().0
    }

    #[test]
    fn html_is_stripped_and_maps_back() {
        let src = "<html><head><title>x</title></head><body><nav>Home | About</nav>\
                   <p>Trucks left <b>Dandong</b> &amp; went to Sinuiju &ldquo;today&rdquo;.</p>\
                   <script>var a = 'Hunchun';</script><img alt=\"A van in Rason\" src=x></body></html>";
        let t = clean("a.html", src);
        assert!(
            t.clean
                .contains("Trucks left Dandong & went to Sinuiju “today”."),
            "{:?}",
            t.clean
        );
        assert!(t.clean.contains("A van in Rason"));
        assert!(!t.clean.contains("Hunchun") && !t.clean.contains("Home"));
        let at = t.clean.find("Dandong").unwrap();
        let [s, e] = t.span(at, at + "Dandong".len());
        assert_eq!(&src[s..e], "Dandong");
        let amp = t.clean.find('&').unwrap();
        let [s, e] = t.span(amp, amp + 1);
        assert_eq!(&src[s..e], "&amp;");
    }

    #[test]
    fn bom_and_invalid_utf8() {
        let mut b = b"\xEF\xBB\xBFTrains left Dandong \xFF\xFE for Sinuiju.".to_vec();
        let (t, issues) = decode("r.txt", &b, Format::Text, 1 << 20).unwrap();
        assert!(!issues.is_empty());
        assert!(
            issues[0].message.contains("byte 23"),
            "{}",
            issues[0].message
        );
        assert_eq!(issues[0].code, IssueCode::InvalidUtf8);
        let at = t.clean.find("Sinuiju").unwrap();
        let [s, e] = t.span(at, at + 7);
        assert_eq!(&b[s..e], b"Sinuiju");
        b.push(0);
        let err = decode("r.txt", &b, Format::Text, 1 << 20).unwrap_err();
        assert_eq!(err.code, IssueCode::BinaryInput);
        let err = decode("r.txt", &b, Format::Text, 10).unwrap_err();
        assert_eq!(err.code, IssueCode::TooLarge);
    }

    /// UTF-16 with a byte order mark is read (not refused as binary for its NUL bytes), and
    /// spans still point at the input's own bytes.
    #[test]
    fn utf16_with_a_bom_is_read() {
        let text = "Trucks left Dandong for Sinuiju (신의주) in May.";
        let units: Vec<u16> = text.encode_utf16().collect();
        for little in [true, false] {
            let mut b: Vec<u8> = if little {
                vec![0xFF, 0xFE]
            } else {
                vec![0xFE, 0xFF]
            };
            for u in &units {
                b.extend(if little {
                    u.to_le_bytes()
                } else {
                    u.to_be_bytes()
                });
            }
            let (t, issues) = decode("r.txt", &b, Format::Text, 1 << 20).unwrap();
            assert!(issues.is_empty(), "{issues:?}");
            assert_eq!(t.clean, text);
            let at = t.clean.find("Sinuiju").unwrap();
            let [s, e] = t.span(at, at + "Sinuiju".len());
            assert_eq!((s, e), (2 + 2 * 24, 2 + 2 * 31));
            let at = t.clean.find("신의주").unwrap();
            let [s, e] = t.span(at, at + "신의주".len());
            assert_eq!(e - s, 6, "three UTF-16 units");
        }
        // An unpaired surrogate is replaced and reported with its byte offset.
        let b = [0xFF, 0xFE, b'a', 0, 0x00, 0xD8, b'b', 0];
        let (t, issues) = decode("r.txt", &b, Format::Text, 1 << 20).unwrap();
        assert_eq!(t.clean, "a\u{fffd}b");
        assert!(issues[0].message.contains("byte 4"), "{issues:?}");
        // NUL characters are still binary.
        let b = [0xFF, 0xFE, b'a', 0, 0, 0, 0, 0];
        let err = decode("r.txt", &b, Format::Text, 1 << 20).unwrap_err();
        assert_eq!(err.code, IssueCode::BinaryInput);
    }

    #[test]
    fn invalid_bytes_inside_html_keep_later_offsets_exact() {
        let src = b"<p>Trucks \xFF left Dandong for Sinuiju.</p>";
        let (t, issues) = decode("a.html", src, Format::Html, 1 << 20).unwrap();
        assert_eq!(issues.len(), 1);
        let at = t.clean.find("Sinuiju").unwrap();
        let [s, e] = t.span(at, at + 7);
        assert_eq!(&src[s..e], b"Sinuiju");
        let [_, end] = t.span(0, t.clean.len());
        assert!(end <= src.len());
    }

    #[test]
    fn markdown_links_and_emphasis() {
        let src =
            "# Trade resumes\n\nTrucks **loaded** with [rice](http://x.y/z) entered *Sinuiju*.\n";
        let t = clean("a.md", src);
        assert!(
            t.clean.contains("Trucks loaded with rice entered Sinuiju."),
            "{:?}",
            t.clean
        );
        let at = t.clean.find("rice").unwrap();
        let [s, e] = t.span(at, at + 4);
        assert_eq!(&src[s..e], "rice");
    }
}

/// The publication date a source states about itself, when it states one plainly: in HTML, an
/// `article:published_time` / `datePublished` / `date` meta value or a `<time datetime>`; in
/// text or Markdown, a `Published:`, `Date:` or `Posted:` line (or front matter `date:`) among
/// the first lines. Only ISO dates (`YYYY-MM-DD…`) count: a guess would misdate every relative
/// time in the report.
pub fn published_date(bytes: &[u8], format: Format) -> Option<Date> {
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let head = String::from_utf8_lossy(head);
    let iso = |s: &str| -> Option<Date> {
        let s = s.trim_start_matches(|c: char| c == '"' || c == '\'' || c.is_whitespace());
        let d = s.get(..10)?;
        borderwatch_model::parse_date(d).ok()
    };
    match format {
        Format::Html => {
            let lower = head.to_ascii_lowercase();
            for key in [
                "article:published_time",
                "datepublished",
                "name=\"date\"",
                "<time datetime=",
            ] {
                let mut from = 0;
                while let Some(i) = lower[from..].find(key) {
                    let at = from + i + key.len();
                    // The value follows: `content="…"`, `":"…"` (JSON-LD) or the attribute itself.
                    let tail = &lower[at..lower.len().min(at + 200)];
                    let value_at = ["content=", "\":", "datetime="]
                        .iter()
                        .filter_map(|k| tail.find(k).map(|j| j + k.len()))
                        .min()
                        .map_or(0, |j| if key.ends_with('=') { 0 } else { j });
                    if let Some(d) = iso(&head[at + value_at..]) {
                        return Some(d);
                    }
                    from = at;
                }
            }
            None
        }
        Format::Text | Format::Markdown => head
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && *l != "---")
            .take(6)
            .find_map(|l| {
                let l = l.trim_start_matches(['*', '_', '#', ' ']);
                let lower = l.to_ascii_lowercase();
                ["published:", "date:", "posted:", "published", "dated"]
                    .iter()
                    .find(|k| lower.starts_with(*k))
                    .and_then(|k| iso(l[k.len()..].trim_start_matches(['*', '_', ':', ' '])))
            }),
    }
}

#[cfg(test)]
mod published_tests {
    use super::*;

    fn d(s: &str) -> Option<Date> {
        Some(borderwatch_model::parse_date(s).unwrap())
    }

    #[test]
    fn sources_that_state_their_date() {
        let html = br#"<html><head><meta property="article:published_time" content="2023-05-24T09:00:00+09:00"></head><body>x</body></html>"#;
        assert_eq!(published_date(html, Format::Html), d("2023-05-24"));
        let html = br#"<p>By staff <time datetime="2022-11-02">Nov 2</time></p>"#;
        assert_eq!(published_date(html, Format::Html), d("2022-11-02"));
        let ld = br#"<script type="application/ld+json">{"datePublished": "2021-03-04"}</script>"#;
        assert_eq!(published_date(ld, Format::Html), d("2021-03-04"));
        let md = b"# Title\n\n*Published: 2024-06-15*\n\nTrucks crossed.";
        assert_eq!(published_date(md, Format::Markdown), d("2024-06-15"));
        let front = b"---\ndate: 2020-01-31\n---\nText";
        assert_eq!(published_date(front, Format::Markdown), d("2020-01-31"));
        // Not stated plainly: no date rather than a guess.
        assert_eq!(
            published_date(b"Published in May 2023\nText", Format::Text),
            None
        );
        assert_eq!(
            published_date(b"Trucks crossed on 2023-05-01.", Format::Text),
            None
        );
        assert_eq!(published_date(b"<p>no date</p>", Format::Html), None);
    }
}
