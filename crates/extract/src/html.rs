//! HTML as a flat list of tokens: text runs, start and end tags, and stretches that are never
//! reading text (comments, doctype, and the whole of `script`, `style`, `head`, `svg`…).
//!
//! Owns the byte offsets of every token in the text it is given; refuses nothing (a stray `<`
//! is text, a tag that does not close within 4 KiB is text). It builds no tree: `page.rs` reads
//! structure from the tokens, `decode.rs` writes text from them.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Text,
    /// `<name …>`; `void` when it cannot hold content (`<br>`, `<img>`, `<x/>`).
    Start {
        void: bool,
    },
    End,
    /// A comment, a doctype or an element whose content is not text: left out whole.
    Skip,
}

/// One token: its kind, its byte range, and for tags the range of the lower-case-insensitive
/// name.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    pub name: (usize, usize),
}

impl Token {
    pub fn name<'a>(&self, s: &'a str) -> &'a str {
        &s[self.name.0..self.name.1]
    }

    /// The tag's text between `<` and `>`.
    pub fn inner<'a>(&self, s: &'a str) -> &'a str {
        &s[self.start + 1..self.end - 1]
    }
}

/// Elements whose whole content is not reading text.
const RAW: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "iframe", "head", "button", "select",
    "textarea", "object",
];

/// Elements that cannot hold content.
const VOID: &[&str] = &[
    "br", "img", "hr", "meta", "link", "input", "wbr", "source", "area", "base", "col", "embed",
    "param", "track",
];

/// Splits `s` into tokens, in order, covering every byte but those of skipped stretches'
/// neighbours (text runs fill the gaps between tags).
pub(crate) fn tokenize(s: &str) -> Vec<Token> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut text_start = 0;
    let text = |out: &mut Vec<Token>, from: usize, to: usize| {
        if from < to {
            out.push(Token {
                kind: Kind::Text,
                start: from,
                end: to,
                name: (from, from),
            });
        }
    };
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        if s[i..].starts_with("<!--") {
            text(&mut out, text_start, i);
            let end = s[i + 4..].find("-->").map_or(b.len(), |e| i + 4 + e + 3);
            out.push(Token {
                kind: Kind::Skip,
                start: i,
                end,
                name: (i, i),
            });
            i = end;
            text_start = i;
            continue;
        }
        // A tag ends within a few KiB; a stray "<" is text (and never rescans the rest).
        let window_end = (i + 4096).min(b.len());
        let window_end = (window_end..=b.len())
            .find(|&k| s.is_char_boundary(k))
            .unwrap_or(b.len());
        let Some(close) = s[i..window_end].find('>') else {
            i += 1;
            continue;
        };
        let tag = &s[i + 1..i + close];
        let is_end = tag.starts_with('/');
        let name_start = i + 1 + usize::from(is_end);
        let name_len = s[name_start..i + close]
            .bytes()
            .take_while(u8::is_ascii_alphanumeric)
            .count();
        let name = (name_start, name_start + name_len);
        if name_len == 0 && !tag.starts_with('!') && !tag.starts_with('?') {
            i += 1; // a bare "<" in text
            continue;
        }
        text(&mut out, text_start, i);
        let end = i + close + 1;
        let lname = &s[name.0..name.1];
        let token = if name_len == 0 {
            Token {
                kind: Kind::Skip,
                start: i,
                end,
                name,
            }
        } else if is_end {
            Token {
                kind: Kind::End,
                start: i,
                end,
                name,
            }
        } else if RAW.iter().any(|r| r.eq_ignore_ascii_case(lname)) && !tag.ends_with('/') {
            // The content runs to the end tag; `<head>` may also end where `<body>` starts.
            let mut skip_end = find_ci(s, end, &format!("</{lname}"))
                .and_then(|e| s[e..].find('>').map(|g| e + g + 1));
            if lname.eq_ignore_ascii_case("head") {
                if let Some(body) = find_ci(s, end, "<body") {
                    skip_end = Some(skip_end.map_or(body, |e| e.min(body)));
                }
            }
            Token {
                kind: Kind::Skip,
                start: i,
                end: skip_end.unwrap_or(b.len()),
                name,
            }
        } else {
            let void = tag.ends_with('/') || VOID.iter().any(|v| v.eq_ignore_ascii_case(lname));
            Token {
                kind: Kind::Start { void },
                start: i,
                end,
                name,
            }
        };
        i = token.end;
        text_start = i;
        out.push(token);
    }
    text(&mut out, text_start, b.len());
    out
}

/// Case-insensitive find of an ASCII needle from `from`.
fn find_ci(s: &str, from: usize, needle: &str) -> Option<usize> {
    let hay = s.as_bytes();
    let n = needle.as_bytes();
    let first = n[0].to_ascii_lowercase();
    (from..hay.len().saturating_sub(n.len() - 1)).find(|&k| {
        hay[k].to_ascii_lowercase() == first && hay[k..k + n.len()].eq_ignore_ascii_case(n)
    })
}

/// The value span of attribute `name` inside a tag's text (relative to the text).
pub(crate) fn attr_span(tag: &str, name: &str) -> Option<(usize, usize)> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(k) = lower[from..].find(name) {
        let at = from + k;
        // The name starts the attribute: after a space, not inside another name ("data-alt").
        let starts = at == 0 || lower.as_bytes()[at - 1].is_ascii_whitespace();
        let rest = &tag[at + name.len()..];
        let trimmed = rest.trim_start();
        if let (true, Some(v)) = (starts, trimmed.strip_prefix('=')) {
            let v0 = v.trim_start();
            let q = v0.chars().next()?;
            let base = tag.len() - v0.len();
            if q == '"' || q == '\'' {
                let end = v0[1..].find(q)?;
                return Some((base + 1, base + 1 + end));
            }
            let end = v0.find(char::is_whitespace).unwrap_or(v0.len());
            return Some((base, base + end));
        }
        from = at + name.len();
    }
    None
}

/// The value of attribute `name` of a start tag, if it has one.
pub(crate) fn attr<'a>(s: &'a str, t: &Token, name: &str) -> Option<&'a str> {
    let inner = t.inner(s);
    attr_span(inner, name).map(|(a, z)| &inner[a..z])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_cover_tags_text_and_skipped_stretches() {
        let s = "<html><head><title>t</title><body><p class=x>a &lt; b</p><!-- c --><br/>\
                 <script>if (a < b) {}</script>x < y</body>";
        let got: Vec<(Kind, &str)> = tokenize(s)
            .iter()
            .map(|t| (t.kind, &s[t.start..t.end]))
            .collect();
        assert_eq!(
            got,
            [
                (Kind::Start { void: false }, "<html>"),
                (Kind::Skip, "<head><title>t</title>"),
                (Kind::Start { void: false }, "<body>"),
                (Kind::Start { void: false }, "<p class=x>"),
                (Kind::Text, "a &lt; b"),
                (Kind::End, "</p>"),
                (Kind::Skip, "<!-- c -->"),
                (Kind::Start { void: true }, "<br/>"),
                (Kind::Skip, "<script>if (a < b) {}</script>"),
                (Kind::Text, "x < y"),
                (Kind::End, "</body>"),
            ]
        );
        let p = tokenize(s)[3];
        assert_eq!(attr(s, &p, "class"), Some("x"));
        assert_eq!(attr(s, &p, "id"), None);
    }
}
