//! Arbitrary bytes into the report extractor: it must return claims or a clear error, never
//! panic, and stay fast on long lines and long lists (libFuzzer's -timeout catches blow-ups).
#![no_main]

use borderwatch_extract::{Extractor, Format, Options};
use borderwatch_reference::Reference;
use libfuzzer_sys::fuzz_target;

static REFERENCE: std::sync::OnceLock<Reference> = std::sync::OnceLock::new();
static EXTRACTOR: std::sync::OnceLock<Extractor<'static>> = std::sync::OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let x = EXTRACTOR.get_or_init(|| {
        let r = REFERENCE.get_or_init(|| Reference::embedded().expect("packs"));
        Extractor::new(r).expect("matcher")
    });
    let mut o = Options::new(borderwatch_model::parse_date("2024-01-01").unwrap());
    o.published = borderwatch_model::parse_date("2023-05-24").ok();
    // The first byte picks the format so HTML and Markdown paths are fuzzed too.
    let (fmt, body) = match data.split_first() {
        Some((b, rest)) => (
            match b % 3 {
                0 => Format::Text,
                1 => Format::Markdown,
                _ => Format::Html,
            },
            rest,
        ),
        None => (Format::Text, data),
    };
    o.format = Some(fmt);
    if let Ok(out) = x.extract("fuzz", body, &o) {
        for c in &out.claims {
            assert!(c.evidence.span[0] <= c.evidence.span[1]);
            assert!(c.evidence.span[1] <= body.len());
        }
    }
});
