//! `cases.txt`: sentences in, claims out. Each case is a `>` line (the report text; `\n` for a
//! paragraph break) optionally preceded by `@published YYYY-MM-DD`, followed by one rendered claim
//! per line. `BLESS=1 cargo test -p borderwatch-extract --test cases` rewrites the expectations.

mod common;

use std::fmt::Write as _;

#[test]
fn cases() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases.txt");
    let text = std::fs::read_to_string(path).expect("cases.txt");
    let mut out = String::new();
    let mut failures = Vec::new();
    let mut lines = text.lines().peekable();
    let mut published = None;
    while let Some(line) = lines.next() {
        if let Some(d) = line.strip_prefix("@published ") {
            published = Some(common::date(d.trim()));
            writeln!(out, "{line}").unwrap();
            continue;
        }
        let Some(input) = line.strip_prefix("> ") else {
            writeln!(out, "{line}").unwrap();
            continue;
        };
        let mut expected = Vec::new();
        while let Some(l) = lines.peek() {
            if l.is_empty() || l.starts_with('>') || l.starts_with('#') || l.starts_with('@') {
                break;
            }
            expected.push(lines.next().unwrap_or_default().to_string());
        }
        let report = input.replace("\\n", "\n\n");
        let x = common::extract("case.txt", report.as_bytes(), published.take());
        let got: Vec<String> = x.claims.iter().map(common::render).collect();
        if got != expected {
            failures.push(format!(
                "case: {input}\n  expected:\n    {}\n  got:\n    {}",
                expected.join("\n    "),
                got.join("\n    ")
            ));
        }
        writeln!(out, "{line}").unwrap();
        for g in &got {
            writeln!(out, "{g}").unwrap();
        }
    }
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(path, out).expect("write cases.txt");
        return;
    }
    assert!(
        failures.is_empty(),
        "{} case(s) differ (BLESS=1 to accept):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
