//! The HS pack: chapter and heading titles in the project's own short words, the goods lexicon
//! (trade phrases → HS codes), HS version changes, and the optional imported official nomenclature.
//!
//! Files: `hs/chapters.csv` (chapter,title), `hs/headings.csv` (code,title; 4 or 6 digits),
//! `hs/lexicon.csv` (phrases,hs,product,confidence,note — phrases and codes `|`-separated),
//! `hs/changes.csv` (code,version,successor,successor_version,note), and, after
//! `borderwatch hs import`, `hs/nomenclature-<VERSION>.csv` in the user's data directory.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use borderwatch_model::HsCode;
use serde::{Deserialize, Serialize};

use crate::text::fold;
use crate::{parse_csv, LoadError, Sources};

#[derive(Debug, Deserialize)]
struct TitleRow {
    #[serde(alias = "chapter")]
    code: String,
    title: String,
}

#[derive(Debug, Deserialize)]
struct LexRow {
    phrases: String,
    hs: String,
    #[serde(default)]
    product: String,
    confidence: f64,
    #[serde(default)]
    note: String,
}

/// One goods lexicon entry: the forms of a trade phrase and what they classify to.
#[derive(Debug, Clone, Serialize)]
pub struct LexEntry {
    /// Every form of the phrase (singular, plural, spellings); the first is the display form.
    pub phrases: Vec<String>,
    /// Candidate codes, most likely first (a class word such as "construction materials" has several).
    pub hs: Vec<String>,
    /// A product type finer than HS can say (e.g. `condensate` vs `crude` under 2709).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// How sure the mapping is, 0..1.
    pub confidence: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// 1-based line in its file (for error messages).
    #[serde(skip)]
    pub line: usize,
    /// The pack file it comes from: the hand lexicon or the terms generated from the HS.
    #[serde(skip)]
    pub file: &'static str,
}

/// The entries of one lexicon file, with their file and line.
fn lex_entries(src: &Sources, file: &'static str) -> Result<Vec<LexEntry>, LoadError> {
    let (f, t) = src.read(file)?;
    Ok(parse_csv::<LexRow>(&f, &t)?
        .into_iter()
        .enumerate()
        .map(|(i, r)| LexEntry {
            phrases: split_list(&r.phrases),
            hs: split_list(&r.hs),
            product: non_empty(r.product),
            confidence: r.confidence,
            note: non_empty(r.note),
            line: i + 2,
            file,
        })
        .collect())
}

/// The hand lexicon and the terms generated from the HS nomenclature (scripts/gen-hs-terms.py).
pub const LEXICON: &str = "hs/lexicon.csv";
pub const GENERATED_TERMS: &str = "hs/generated/terms.csv";
pub const GENERATED_HEADINGS: &str = "hs/generated/headings.csv";

/// A change of HS code between HS versions (e.g. 6908 merged into 6907 in HS 2017).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HsChange {
    pub code: String,
    pub version: String,
    pub successor: String,
    pub successor_version: String,
    pub kind: ChangeKind,
    pub note: String,
}

/// Whether an old code ceased (`moved`) or only lost part of its scope (`split`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Moved,
    Split,
}

/// Rows of an official nomenclature file (layout of the HS 2017/2022 open-data CSV).
#[derive(Debug, Clone, Default)]
pub struct Nomenclature {
    /// Version label, e.g. "HS2022".
    pub version: String,
    /// code → description, for 2-, 4- and 6-digit codes.
    pub descriptions: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
struct NomenRow {
    #[allow(dead_code)]
    section: String,
    hscode: String,
    description: String,
    #[allow(dead_code)]
    parent: String,
    level: String,
}

impl Nomenclature {
    /// Parses the official layout (`section,hscode,description,parent,level`), refusing anything else.
    pub fn parse(file: &str, bytes: &[u8], version: &str) -> Result<Nomenclature, LoadError> {
        let bytes = bytes
            .strip_prefix(b"\xEF\xBB\xBF".as_slice())
            .unwrap_or(bytes);
        let text = std::str::from_utf8(bytes).map_err(|e| LoadError {
            file: file.into(),
            message: format!("invalid utf-8 at byte {}", e.valid_up_to()),
        })?;
        let rows: Vec<NomenRow> = parse_csv(file, text)?;
        let mut descriptions = BTreeMap::new();
        for (i, r) in rows.into_iter().enumerate() {
            let line = i + 2;
            // The layout closes with an aggregate "TOTAL" row (and HS2017 with an empty one).
            if r.hscode == "TOTAL" || (r.hscode.is_empty() && r.description.is_empty()) {
                continue;
            }
            if !matches!(r.level.as_str(), "2" | "4" | "6") {
                return Err(LoadError {
                    file: file.into(),
                    message: format!("line {line}: level {:?} is not 2, 4 or 6", r.level),
                });
            }
            // Chapters 98 and 99 are special (national use, unspecified goods): digits suffice here.
            if r.hscode.len().to_string() != r.level
                || !r.hscode.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(LoadError {
                    file: file.into(),
                    message: format!(
                        "line {line}: hscode {:?} does not match level {}",
                        r.hscode, r.level
                    ),
                });
            }
            descriptions.insert(r.hscode, r.description);
        }
        if descriptions.is_empty() {
            return Err(LoadError {
                file: file.into(),
                message: "no rows".into(),
            });
        }
        Ok(Nomenclature {
            version: version.to_string(),
            descriptions,
        })
    }

    /// Loads the newest `hs/nomenclature-*.csv` in `dir`, if any.
    pub fn load_dir(dir: &Path) -> Result<Option<Nomenclature>, LoadError> {
        let hs_dir = dir.join("hs");
        let Ok(entries) = std::fs::read_dir(&hs_dir) else {
            return Ok(None);
        };
        let mut files: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("nomenclature-") && n.ends_with(".csv"))
            })
            .collect();
        files.sort();
        let Some(path) = files.pop() else {
            return Ok(None);
        };
        let version = path
            .file_stem()
            .and_then(|s| s.to_str())
            .and_then(|s| s.strip_prefix("nomenclature-"))
            .unwrap_or("HS")
            .to_string();
        let bytes = std::fs::read(&path).map_err(|e| LoadError {
            file: path.display().to_string(),
            message: format!("cannot read: {e}"),
        })?;
        Nomenclature::parse(&path.display().to_string(), &bytes, &version).map(Some)
    }
}

/// A goods classification candidate for a phrase.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub hs: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    pub confidence: f64,
    /// The lexicon phrase that matched.
    pub phrase: String,
    /// Byte span of the match in the text classified.
    pub span: (usize, usize),
}

#[derive(Debug, Clone)]
pub struct HsPack {
    pub chapters: BTreeMap<String, String>,
    pub headings: BTreeMap<String, String>,
    pub lexicon: Vec<LexEntry>,
    pub changes: Vec<HsChange>,
    pub nomenclature: Option<Nomenclature>,
    /// folded phrase → lexicon index.
    index: HashMap<String, usize>,
    longest_phrase_words: usize,
}

impl HsPack {
    pub fn load(src: &Sources) -> Result<HsPack, LoadError> {
        let (f, t) = src.read("hs/chapters.csv")?;
        let chapters = parse_csv::<TitleRow>(&f, &t)?
            .into_iter()
            .map(|r| (r.code, r.title))
            .collect();
        let (f, t) = src.read("hs/headings.csv")?;
        let mut headings: BTreeMap<String, String> = parse_csv::<TitleRow>(&f, &t)?
            .into_iter()
            .map(|r| (r.code, r.title))
            .collect();
        // Hand titles win; the generated ones title the headings generated terms name.
        let (f, t) = src.read(GENERATED_HEADINGS)?;
        for r in parse_csv::<TitleRow>(&f, &t)? {
            headings.entry(r.code).or_insert(r.title);
        }
        let mut lexicon = lex_entries(src, LEXICON)?;
        // Hand entries win: a generated term any of whose forms the hand lexicon has is left out.
        let hand: std::collections::HashSet<String> = lexicon
            .iter()
            .flat_map(|e| e.phrases.iter().map(|p| fold(p)))
            .collect();
        lexicon.extend(
            lex_entries(src, GENERATED_TERMS)?
                .into_iter()
                .filter(|e| !e.phrases.iter().any(|p| hand.contains(&fold(p)))),
        );
        let (f, t) = src.read("hs/changes.csv")?;
        let changes = parse_csv::<HsChange>(&f, &t)?;
        Ok(HsPack::new(chapters, headings, lexicon, changes))
    }

    pub fn new(
        chapters: BTreeMap<String, String>,
        headings: BTreeMap<String, String>,
        lexicon: Vec<LexEntry>,
        changes: Vec<HsChange>,
    ) -> HsPack {
        let mut index = HashMap::new();
        let mut longest = 1;
        for (i, e) in lexicon.iter().enumerate() {
            for p in &e.phrases {
                let k = fold(p);
                longest = longest.max(k.split(' ').count());
                index.entry(k).or_insert(i);
            }
        }
        HsPack {
            chapters,
            headings,
            lexicon,
            changes,
            nomenclature: None,
            index,
            longest_phrase_words: longest,
        }
    }

    /// Number of phrase forms in the lexicon.
    pub fn phrase_count(&self) -> usize {
        self.lexicon.iter().map(|e| e.phrases.len()).sum()
    }

    /// The most specific title known for a code: the imported nomenclature first, then the pack.
    pub fn title(&self, code: &str) -> Option<(String, String)> {
        let mut c = code;
        loop {
            if let Some(d) = self
                .nomenclature
                .as_ref()
                .and_then(|n| n.descriptions.get(c))
            {
                return Some((c.to_string(), d.clone()));
            }
            if let Some(t) = self.headings.get(c).or_else(|| self.chapters.get(c)) {
                return Some((c.to_string(), t.clone()));
            }
            if c.len() <= 2 {
                return None;
            }
            c = &c[..c.len() - 2];
        }
    }

    /// Whether the code's chapter exists and, for 4+ digits, its heading is in the pack or the
    /// imported nomenclature.
    pub fn is_known(&self, code: &str) -> bool {
        if HsCode::parse(code).is_err() || !self.chapters.contains_key(&code[..2]) {
            return false;
        }
        if code.len() == 2 {
            return true;
        }
        let h = &code[..4];
        self.headings.contains_key(h)
            || self
                .nomenclature
                .as_ref()
                .is_some_and(|n| n.descriptions.contains_key(h))
    }

    /// The lexicon entry for exactly this phrase (folded), if any.
    pub fn entry(&self, phrase: &str) -> Option<&LexEntry> {
        let k = fold(phrase);
        self.index
            .get(&k)
            .or_else(|| singular(&k).and_then(|s| self.index.get(&s)))
            .map(|&i| &self.lexicon[i])
    }

    /// Finds every lexicon phrase in `text`, longest first and without overlap, on word
    /// boundaries, and returns a candidate per code of each.
    pub fn classify(&self, text: &str) -> Vec<Candidate> {
        let words = word_spans(text);
        let mut out = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let mut hit = None;
            for n in (1..=self.longest_phrase_words.min(words.len() - i)).rev() {
                let (s, e) = (words[i].0, words[i + n - 1].1);
                let key = fold(&text[s..e]);
                let idx = self
                    .index
                    .get(&key)
                    .or_else(|| singular(&key).and_then(|k| self.index.get(&k)));
                if let Some(&idx) = idx {
                    hit = Some((n, idx, s, e));
                    break;
                }
            }
            match hit {
                Some((n, idx, s, e)) => {
                    let entry = &self.lexicon[idx];
                    let k = entry.hs.len() as f64;
                    for (rank, hs) in entry.hs.iter().enumerate() {
                        // Later candidates of a class word are less likely.
                        let c = entry.confidence * (1.0 - rank as f64 / (2.0 * k));
                        out.push(Candidate {
                            hs: hs.clone(),
                            product: entry.product.clone(),
                            confidence: (c * 100.0).round() / 100.0,
                            phrase: text[s..e].to_string(),
                            span: (s, e),
                        });
                    }
                    i += n;
                }
                None => i += 1,
            }
        }
        out
    }

    /// Lexicon entries whose phrases contain every word of the query (for `hs lookup`).
    pub fn search(&self, query: &str) -> Vec<&LexEntry> {
        let q = fold(query);
        let words: Vec<&str> = q.split(' ').filter(|w| !w.is_empty()).collect();
        self.lexicon
            .iter()
            .filter(|e| {
                e.phrases.iter().any(|p| {
                    let f = fold(p);
                    words
                        .iter()
                        .all(|w| f.split(' ').any(|fw| fw.starts_with(w)))
                })
            })
            .collect()
    }

    /// Codes of the imported nomenclature whose description contains every query word.
    pub fn search_nomenclature(&self, query: &str) -> Vec<(String, String)> {
        let Some(n) = &self.nomenclature else {
            return Vec::new();
        };
        let q = fold(query);
        let words: Vec<&str> = q.split(' ').filter(|w| !w.is_empty()).collect();
        n.descriptions
            .iter()
            .filter(|(_, d)| {
                let f = fold(d);
                words.iter().all(|w| f.contains(w))
            })
            .map(|(c, d)| (c.clone(), d.clone()))
            .collect()
    }

    /// Every lexicon entry mapping to this code or a code within it.
    pub fn phrases_for(&self, code: &str) -> Vec<&LexEntry> {
        self.lexicon
            .iter()
            .filter(|e| e.hs.iter().any(|h| h.starts_with(code)))
            .collect()
    }

    /// Version changes that touch a code (as old code or successor).
    pub fn changes_for(&self, code: &str) -> Vec<&HsChange> {
        self.changes
            .iter()
            .filter(|c| code.starts_with(&c.code) || c.code.starts_with(code))
            .collect()
    }

    pub fn validate(&self) -> Vec<String> {
        let mut out = Vec::new();
        for n in 1..=97 {
            let ch = format!("{n:02}");
            if !self.chapters.contains_key(&ch) {
                out.push(format!("hs/chapters.csv: chapter {ch} is missing"));
            }
        }
        for (c, t) in &self.chapters {
            if c.len() != 2 || HsCode::parse(c).is_err() {
                out.push(format!("hs/chapters.csv: {c:?} is not a chapter"));
            }
            if t.trim().is_empty() {
                out.push(format!("hs/chapters.csv: chapter {c} has no title"));
            }
        }
        for (c, t) in &self.headings {
            if !(c.len() == 4 || c.len() == 6) || HsCode::parse(c).is_err() {
                out.push(format!(
                    "hs/headings.csv: {c:?} is not a 4- or 6-digit code"
                ));
                continue;
            }
            if !self.chapters.contains_key(&c[..2]) {
                out.push(format!("hs/headings.csv: {c}: chapter {} unknown", &c[..2]));
            }
            if c.len() == 6 && !self.headings.contains_key(&c[..4]) {
                out.push(format!(
                    "hs/headings.csv: {c}: heading {} is not listed",
                    &c[..4]
                ));
            }
            if t.trim().is_empty() {
                out.push(format!("hs/headings.csv: {c} has no title"));
            }
        }
        let mut seen: HashMap<String, (&str, usize)> = HashMap::new();
        for e in &self.lexicon {
            if e.phrases.is_empty() || e.hs.is_empty() {
                out.push(format!("{}:{}: needs phrases and hs", e.file, e.line));
            }
            if !(0.0..=1.0).contains(&e.confidence) || e.confidence == 0.0 {
                out.push(format!(
                    "{}:{}: confidence {} not in (0, 1]",
                    e.file, e.line, e.confidence
                ));
            }
            for h in &e.hs {
                if let Err(why) = HsCode::parse(h) {
                    out.push(format!("{}:{}: {why}", e.file, e.line));
                } else if !self.chapters.contains_key(&h[..2]) {
                    out.push(format!("{}:{}: {h}: chapter unknown", e.file, e.line));
                } else if h.len() >= 4 && !self.headings.contains_key(&h[..4]) {
                    out.push(format!(
                        "{}:{}: {h}: heading {} has no title (hs/headings.csv)",
                        e.file,
                        e.line,
                        &h[..4]
                    ));
                } else if h.len() == 6 && !self.headings.contains_key(h.as_str()) {
                    out.push(format!(
                        "{}:{}: {h}: subheading is not in hs/headings.csv",
                        e.file, e.line
                    ));
                }
            }
            for p in &e.phrases {
                let k = fold(p);
                if let Some((pf, pl)) = seen.insert(k.clone(), (e.file, e.line)) {
                    out.push(format!(
                        "{}:{}: phrase {p:?} already at {pf}:{pl}",
                        e.file, e.line
                    ));
                }
            }
        }
        for c in &self.changes {
            for code in [&c.code, &c.successor] {
                if HsCode::parse(code).is_err() {
                    out.push(format!("hs/changes.csv: {code:?} is not an hs code"));
                }
            }
        }
        out
    }
}

/// Byte spans of the words of `text`: runs of letters and digits, with inner apostrophes and
/// hyphens kept inside the word ("Ringer's", "anti-inflammatory").
pub fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let joiner = matches!(c, '\'' | '’' | '-')
            && start.is_some()
            && chars.peek().is_some_and(|&(_, n)| n.is_alphanumeric());
        if c.is_alphanumeric() || joiner {
            if start.is_none() {
                start = Some(i);
            }
        } else if let Some(s) = start.take() {
            out.push((s, i));
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

/// A naive English singular of the last word of a folded phrase, when it differs.
fn singular(folded: &str) -> Option<String> {
    let (head, last) = match folded.rsplit_once(' ') {
        Some((h, l)) => (Some(h), l),
        None => (None, folded),
    };
    let s = if let Some(stem) = last.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = last.strip_suffix("oes") {
        format!("{stem}o")
    } else if last.ends_with("ss") || last.len() < 4 {
        return None;
    } else if let Some(stem) = last.strip_suffix('s') {
        stem.to_string()
    } else {
        return None;
    };
    Some(match head {
        Some(h) => format!("{h} {s}"),
        None => s,
    })
}

fn split_list(s: &str) -> Vec<String> {
    s.split('|')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(String::from)
        .collect()
}

fn non_empty(s: String) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_terms_follow_the_hand_lexicon_and_never_shadow_it() {
        let pack = HsPack::load(&Sources::default()).unwrap();
        let first_generated = pack
            .lexicon
            .iter()
            .position(|e| e.file == GENERATED_TERMS)
            .expect("the generated terms are loaded");
        assert!(pack.lexicon[first_generated..]
            .iter()
            .all(|e| e.file == GENERATED_TERMS));
        let hand: std::collections::HashSet<String> = pack.lexicon[..first_generated]
            .iter()
            .flat_map(|e| e.phrases.iter().map(|p| fold(p)))
            .collect();
        for e in &pack.lexicon[first_generated..] {
            assert!(e.phrases.iter().all(|p| !hand.contains(&fold(p))), "{e:?}");
            // Every code a generated term names has a title.
            assert!(e.hs.iter().all(|h| pack.headings.contains_key(h)), "{e:?}");
        }
        let acid = pack
            .entry("nitric acid")
            .expect("an HS name of heading 2808");
        assert_eq!(acid.hs, ["2808"]);
    }

    #[test]
    fn word_spans_keep_inner_apostrophes_and_hyphens() {
        let t = "Ringer’s lactate, anti-inflammatory drugs.";
        let w: Vec<&str> = word_spans(t).into_iter().map(|(s, e)| &t[s..e]).collect();
        assert_eq!(w, ["Ringer’s", "lactate", "anti-inflammatory", "drugs"]);
    }

    #[test]
    fn singular_handles_common_plurals() {
        assert_eq!(singular("candies").as_deref(), Some("candy"));
        assert_eq!(singular("car tires").as_deref(), Some("car tire"));
        assert_eq!(singular("glass"), None);
    }
}
