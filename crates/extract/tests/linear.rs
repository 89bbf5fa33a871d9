//! Extraction cost is linear in the input: many short lines, short HTML blocks, list items and
//! short sentences of one quoted paragraph. Each shape is timed at 100,000 and 1,000,000 units.
//! Linear work takes ten to thirty times as long for ten times the input (the small input stays
//! in the processor's caches, the large one does not), a step quadratic in lines or sentences a
//! hundred times or more. The bound, forty times the fastest of three short runs, leaves room
//! for a busy machine without letting a quadratic step through.

use std::time::{Duration, Instant};

use borderwatch_extract::decode::{decode, Format};
use borderwatch_extract::segment::sentences;
use borderwatch_reference::Reference;

const SMALL: usize = 100_000;
const LARGE: usize = 1_000_000;
const BOUND: u32 = 40;

/// The input shapes: a name (its extension picks the format) and one unit of text.
const SHAPES: &[(&str, &str, &str)] = &[
    ("lines.txt", "", "a\n"),
    ("blocks.html", "<html><body>", "<p>a</p>\n"),
    ("breaks.html", "<html><body><p>", "a<br>\n"),
    ("items.html", "<html><body><ul>", "<li>a</li>\n"),
    ("items.md", "", "- a\n"),
    ("quoted.txt", "\u{201c}", "A. "),
];

fn input(head: &str, unit: &str, n: usize) -> Vec<u8> {
    let mut s = String::with_capacity(head.len() + unit.len() * n);
    s.push_str(head);
    for _ in 0..n {
        s.push_str(unit);
    }
    s.into_bytes()
}

fn timed(f: impl Fn()) -> Duration {
    let t = Instant::now();
    f();
    t.elapsed()
}

/// Fails when the large input takes more than `BOUND` times the small one.
fn check_ratio(what: &str, run: impl Fn(&[u8]), small: &[u8], large: &[u8]) -> Option<String> {
    check_ratio_of(what, run, (SMALL, small), (LARGE, large))
}

fn check_ratio_of(
    what: &str,
    run: impl Fn(&[u8]),
    (few, small): (usize, &[u8]),
    (many, large): (usize, &[u8]),
) -> Option<String> {
    let short = (0..3)
        .map(|_| timed(|| run(small)))
        .min()
        .unwrap_or_default()
        .max(Duration::from_millis(1));
    let long = timed(|| run(large));
    println!("{what}: {few} units {short:?}, {many} units {long:?}");
    (long > short * BOUND).then(|| {
        format!("{what}: {many} units took {long:?}, over {BOUND} x {short:?} for {few} units")
    })
}

/// Decoding and sentence splitting alone.
#[test]
fn decode_and_segment_are_linear() {
    let mut slow = Vec::new();
    for &(name, head, unit) in SHAPES {
        let format = Format::detect(name, head.as_bytes());
        let run = |b: &[u8]| {
            let (t, _) = decode(name, b, format, usize::MAX).expect("text input");
            assert!(!sentences(&t.clean).is_empty());
        };
        let (small, large) = (input(head, unit, SMALL), input(head, unit, LARGE));
        slow.extend(check_ratio(name, run, &small, &large));
    }
    assert!(slow.is_empty(), "{}", slow.join("\n"));
}

fn extractor_and_options(
    reference: &Reference,
) -> (
    borderwatch_extract::Extractor<'_>,
    borderwatch_extract::Options,
) {
    let x = borderwatch_extract::Extractor::new(reference).expect("matcher compiles");
    let date = borderwatch_model::parse_date("2024-01-01").expect("valid date");
    let mut opts = borderwatch_extract::Options::new(date);
    opts.max_bytes = usize::MAX;
    (x, opts)
}

/// The whole extraction, claims included.
#[test]
fn extraction_is_linear() {
    let reference = Reference::embedded().expect("embedded packs load");
    let (x, opts) = extractor_and_options(&reference);
    let mut slow = Vec::new();
    for &(name, head, unit) in SHAPES {
        let run = |b: &[u8]| {
            let got = x.extract(name, b, &opts).expect("text input");
            assert!(got.claims.is_empty());
        };
        let (small, large) = (input(head, unit, SMALL), input(head, unit, LARGE));
        slow.extend(check_ratio(name, run, &small, &large));
    }
    assert!(slow.is_empty(), "{}", slow.join("\n"));
}

/// One sentence that chains legs without end ("carried from A and shipped to B and …"): the
/// legs of a clause and their modes are looked up, not rescanned per leg. Timed at a fiftieth of
/// the units above (each unit makes claims), with the same bound.
#[test]
fn one_sentence_of_many_legs_is_linear() {
    let reference = Reference::embedded().expect("embedded packs load");
    let (x, opts) = extractor_and_options(&reference);
    let unit = "coal went by truck from Dandong and was shipped to Nampo and ";
    let sentence = |n: usize| {
        let mut s = input("Then ", unit, n);
        s.extend_from_slice(b"that was all.\n");
        s
    };
    let run = |b: &[u8]| {
        let got = x.extract("legs.txt", b, &opts).expect("text input");
        assert!(!got.claims.is_empty());
    };
    let (few, many) = (SMALL / 50, LARGE / 50);
    let (small, large) = (sentence(few), sentence(many));
    let slow = check_ratio_of("legs.txt", run, (few, &small), (many, &large));
    assert!(slow.is_none(), "{}", slow.unwrap_or_default());
}
