//! Saved web pages (`tests/pages/NAME.html`): the text kept from each, one paragraph a line,
//! is compared with `tests/pages/NAME.kept` (`BLESS=1` rewrites them). Every word kept maps back
//! to the same word in the page as read, and the same page with its class, id, role and
//! itemprop hints removed still keeps every paragraph of the article and drops most of the rest.

use std::path::{Path, PathBuf};

use borderwatch_extract::decode::{decode, Format, Text};

fn pages() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pages");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/pages")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    v.sort();
    assert!(v.len() >= 4, "saved pages missing in {}", dir.display());
    v
}

fn clean(bytes: &[u8]) -> Text {
    decode("page.html", bytes, Format::Html, 1 << 24)
        .expect("text input")
        .0
}

/// The kept text, one paragraph a line, spaces folded.
fn paragraphs(t: &Text) -> Vec<String> {
    t.clean
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

/// Removes the attributes that hint at what an element is.
fn without_hints(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(k) = rest.find(|c: char| c.is_ascii_whitespace()) {
        let (head, tail) = rest.split_at(k);
        out.push_str(head);
        let t = tail.trim_start();
        let lower = t.to_ascii_lowercase();
        let hint = ["class=\"", "id=\"", "role=\"", "itemprop=\""]
            .iter()
            .find(|a| lower.starts_with(*a));
        match hint {
            Some(a) => {
                let v = &t[a.len()..];
                let end = v.find('"').map_or(v.len(), |e| e + 1);
                rest = &v[end..];
            }
            None => {
                out.push_str(&tail[..tail.len() - t.len()]);
                rest = t;
                if rest.is_empty() {
                    break;
                }
                let c = rest.chars().next().unwrap_or(' ');
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn saved_pages_keep_their_article() {
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    for path in pages() {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(&path).unwrap();
        let t = clean(&bytes);
        let got = paragraphs(&t).join("\n") + "\n";
        let kept = path.with_extension("kept");
        if bless {
            std::fs::write(&kept, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&kept).unwrap_or_default();
        if want != got {
            failures.push(format!("{name}:\n--- expected\n{want}--- got\n{got}"));
        }
    }
    assert!(
        failures.is_empty(),
        "BLESS=1 to accept:\n{}",
        failures.join("\n")
    );
}

#[test]
fn kept_words_map_back_to_the_page() {
    for path in pages() {
        let bytes = std::fs::read(&path).unwrap();
        let t = clean(&bytes);
        let b = t.clean.as_bytes();
        let mut k = 0;
        while k < b.len() {
            if !b[k].is_ascii_alphanumeric() {
                k += 1;
                continue;
            }
            let start = k;
            while k < b.len() && b[k].is_ascii_alphanumeric() {
                k += 1;
            }
            let [s, e] = t.span(start, k);
            assert_eq!(
                &bytes[s..e],
                &b[start..k],
                "{}: {:?} at clean byte {start}",
                path.display(),
                &t.clean[start..k]
            );
        }
    }
}

#[test]
fn pages_without_hints_keep_the_article() {
    for path in pages() {
        let html = std::fs::read_to_string(&path).unwrap();
        let plain = without_hints(&html);
        assert!(!plain.contains("class=\""), "{}", path.display());
        let want = std::fs::read_to_string(path.with_extension("kept")).unwrap_or_default();
        let got = paragraphs(&clean(plain.as_bytes()));
        // The article's paragraphs (the long lines of the expected text) are all kept.
        for line in want.lines().filter(|l| l.len() >= 100) {
            assert!(
                got.iter().any(|g| g == line),
                "{}: without hints, lost {line:?}\ngot:\n{}",
                path.display(),
                got.join("\n")
            );
        }
        // And the page around it is mostly gone.
        let (w, g): (usize, usize) = (want.len(), got.iter().map(|l| l.len() + 1).sum());
        assert!(
            g * 10 <= w * 13,
            "{}: without hints, kept {g} bytes against {w}:\n{}",
            path.display(),
            got.join("\n")
        );
    }
}
