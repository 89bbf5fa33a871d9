//! Report extraction: field reports and news articles → evidence-linked claims.
//!
//! Owns: reading report bytes as text (plain, Markdown, HTML; BOM; invalid UTF-8 reported),
//! finding gazetteer names, goods phrases and cue words in one pass, splitting sentences and
//! clauses, and assembling `movement`, `storage`, `condition`, `status` and `policy` claims with
//! direction, mode, load, polarity, hedging, goods (classified and screened), quantities, time,
//! places, attribution and the byte span of the evidence. Sentences that refer back ("the train",
//! "these goods", "the same areas") borrow the route of the claim they refer to, and say so in
//! the evidence's `context`.
//!
//! Refuses: I/O, clocks and logging. The reference packs, the publication date and the date to
//! screen against when a claim has none come in as arguments; the same input always gives the
//! same claims. It never guesses a place the text does not name or point back to.
//!
//! Knowledge lives in `data/`: place names in the gazetteer, goods phrases in the HS lexicon,
//! and the cue words (direction, mode, negation, hedges, status, conditions…) in
//! `data/extract/cues.toml`. This crate holds the mechanism only.

mod claims;
pub mod decode;
mod html;
mod matcher;
pub mod numbers;
mod page;
pub mod redact;
pub mod segment;
mod tagger;
pub mod time;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use borderwatch_model::{Claim, Date, Issue};
use borderwatch_reference::Reference;
use borderwatch_screen::Screener;

pub use decode::{DecodeError, Format};

/// The extractor's version, stored with every claim it produced.
pub const VERSION: &str = concat!("extract-", env!("CARGO_PKG_VERSION"));

/// Reports larger than this are refused: a report is an article, not a data dump.
pub const DEFAULT_MAX_BYTES: usize = 16 * 1024 * 1024;

/// What a run knows besides the text.
#[derive(Debug, Clone)]
pub struct Options {
    /// Publication date: resolves "on Monday", "this month", "early May".
    pub published: Option<Date>,
    /// The date goods are screened on when the claim's own time is unknown.
    pub as_of: Date,
    pub max_bytes: usize,
    /// Forces the input format instead of detecting it.
    pub format: Option<Format>,
    /// Set by the caller when it no longer wants the result (the server's client hung up):
    /// extraction stops at its next check and returns what it has, which the caller drops.
    pub cancel: Option<Arc<AtomicBool>>,
}

impl Options {
    /// Whether the caller has given up on this run.
    pub fn cancelled(&self) -> bool {
        self.cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
    }
}

impl Options {
    pub fn new(as_of: Date) -> Options {
        Options {
            published: None,
            as_of,
            max_bytes: DEFAULT_MAX_BYTES,
            format: None,
            cancel: None,
        }
    }
}

/// The claims of one source and the data problems met on the way.
#[derive(Debug, Clone, Default)]
pub struct Extraction {
    pub claims: Vec<Claim>,
    pub issues: Vec<Issue>,
    /// The publication date used: the one given, else the one the source states about itself.
    pub published: Option<Date>,
}

/// The compiled matcher and screener, built once and used for many reports.
pub struct Extractor<'r> {
    reference: &'r Reference,
    matcher: matcher::Matcher,
    screener: Screener<'r>,
    /// Every place's strict ancestors and lower-case country, computed once.
    ancestors: std::collections::HashMap<String, Vec<String>>,
    countries: std::collections::HashMap<String, String>,
    /// Each frame verb (folded), by frame index: a cue whose first word is one takes its frame.
    frame_words: std::collections::HashMap<String, u16>,
    /// The way words and link words of `movement`, folded once (claims::infrastructure).
    ways: claims::Phrases,
    links: claims::Phrases,
}

impl<'r> Extractor<'r> {
    /// Compiles the gazetteer names, goods lexicon and cues into one matcher. Fails only when
    /// the cue pack names a role this version does not know.
    pub fn new(reference: &'r Reference) -> Result<Extractor<'r>, String> {
        let gz = &reference.gazetteer;
        let ancestors = gz
            .places
            .iter()
            .map(|p| {
                let up = gz
                    .ancestry(&p.id)
                    .iter()
                    .skip(1)
                    .map(|a| a.id.clone())
                    .collect();
                (p.id.clone(), up)
            })
            .collect();
        let countries = gz
            .places
            .iter()
            .map(|p| (p.id.clone(), p.country.to_ascii_lowercase()))
            .collect();
        let mut frame_words = std::collections::HashMap::new();
        for (i, fr) in reference.frames.frames.iter().enumerate() {
            for v in &fr.verbs {
                frame_words
                    .entry(borderwatch_reference::text::fold(v))
                    .or_insert(i as u16);
            }
        }
        let movement = &reference.cues.movement;
        Ok(Extractor {
            ways: claims::Phrases::new(&movement.infrastructure),
            links: claims::Phrases::new(&movement.links),
            frame_words,
            reference,
            matcher: matcher::Matcher::new(reference)?,
            screener: Screener::new(&reference.rulebook, &reference.hs),
            ancestors,
            countries,
        })
    }

    /// Extracts the claims of one source. `source` names it in every claim and issue.
    pub fn extract(
        &self,
        source: &str,
        bytes: &[u8],
        opts: &Options,
    ) -> Result<Extraction, DecodeError> {
        let format = opts.format.unwrap_or_else(|| Format::detect(source, bytes));
        let (text, mut issues) = decode::decode(source, bytes, format, opts.max_bytes)?;
        if opts.cancelled() {
            return Ok(Extraction::default());
        }
        for i in &mut issues {
            i.file = Some(source.to_string());
        }
        // A source that states its own date resolves its relative times against it.
        let stated;
        let opts = match opts.published {
            Some(_) => opts,
            None => {
                let mut o = opts.clone();
                o.published = decode::published_date(bytes, format);
                stated = o;
                &stated
            }
        };
        let mut doc = claims::Doc::new(self, source, &text, opts);
        let claims = doc.run();
        issues.extend(doc.issues);
        Ok(Extraction {
            claims,
            issues,
            published: opts.published,
        })
    }
}
