//! The part-of-speech pack: a lexicon of English words with their most frequent Penn Treebank
//! tag, the morphological rules that tag words the lexicon lacks, and the contextual rules that
//! correct a tag from its neighbours (Brill's rule-based tagger, `data/extract/lexicon/`).
//!
//! Owns: reading and checking the three files (every rule names a known template and known
//! tags). Refuses: tagging text — the extractor applies the rules (`crates/extract/src/tagger.rs`).

use crate::{LoadError, Sources};

/// The Penn Treebank tags the pack uses; a tag is its index here.
pub const TAGS: &[&str] = &[
    "CC", "CD", "DT", "EX", "FW", "IN", "JJ", "JJR", "JJS", "LS", "MD", "NN", "NNS", "NNP", "NNPS",
    "PDT", "POS", "PRP", "PRP$", "RB", "RBR", "RBS", "RP", "SYM", "TO", "UH", "VB", "VBD", "VBG",
    "VBN", "VBP", "VBZ", "WDT", "WP", "WP$", "WRB", ".", ",", ":", "(", ")", "\"", "#", "$", "``",
    "''", "-LRB-", "-RRB-", "STAART",
];

/// A tag, as an index into [`TAGS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tag(pub u8);

impl Tag {
    pub fn of(name: &str) -> Option<Tag> {
        TAGS.iter().position(|t| *t == name).map(|i| Tag(i as u8))
    }
    pub fn name(self) -> &'static str {
        TAGS[self.0 as usize]
    }
    pub fn is_noun(self) -> bool {
        self.name().starts_with("NN")
    }
}

/// What a morphological rule tests on an unknown word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MorphTest {
    Char(String),
    HasPrefix(String),
    HasSuffix(String),
    AddPrefix(String),
    AddSuffix(String),
    DeletePrefix(String),
    DeleteSuffix(String),
    /// The word before is this word ("goodright" in Brill's files).
    WordBefore(String),
    /// The word after is this word ("goodleft").
    WordAfter(String),
}

/// "Unknown words [tagged `from`] that pass `test` become `to`."
#[derive(Debug, Clone)]
pub struct MorphRule {
    pub from: Option<Tag>,
    pub test: MorphTest,
    pub to: Tag,
}

/// The contextual templates of Brill's tagger, by name.
pub const TEMPLATES: &[&str] = &[
    "prevtag",
    "nexttag",
    "prev2tag",
    "next2tag",
    "prev1or2tag",
    "next1or2tag",
    "prev1or2or3tag",
    "next1or2or3tag",
    "surroundtag",
    "curwd",
    "prevwd",
    "nextwd",
    "prev1or2wd",
    "next1or2wd",
    "next1or2or3wd",
    "prev1or2or3wd",
    "prevwdtag",
    "nextwdtag",
    "wdprevtag",
    "wdnexttag",
    "wdand2aft",
    "wdand2tagbfr",
    "wdand2tagaft",
    "lbigram",
    "rbigram",
    "prevbigram",
    "nextbigram",
];

/// "A word tagged `from` becomes `to` when `template` holds with arguments `x` and `y`."
#[derive(Debug, Clone)]
pub struct ContextRule {
    /// `None`: any tag.
    pub from: Option<Tag>,
    pub to: Tag,
    /// The template's name, as in [`TEMPLATES`].
    pub template: &'static str,
    /// The template's index in [`TEMPLATES`]: the tagger dispatches on it, not on the name.
    pub template_id: u8,
    pub x: String,
    pub y: String,
    /// `x` and `y` read as tags (`None` when they are not tag names): a template that compares
    /// tags compares these, never strings.
    pub x_tag: Option<Tag>,
    pub y_tag: Option<Tag>,
}

#[derive(Debug, Clone, Default)]
pub struct PosPack {
    /// Looked up once per word of every tagged sentence: a fast (non-keyed) hash, as the keys
    /// are the pack's own words.
    pub lexicon: foldhash::HashMap<String, Tag>,
    pub morphology: Vec<MorphRule>,
    pub context: Vec<ContextRule>,
}

const LEXICON: &str = "extract/lexicon/lexicon.txt";
const MORPHOLOGY: &str = "extract/lexicon/morphology.txt";
const CONTEXT: &str = "extract/lexicon/context.txt";

fn lines(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, l)| (i + 1, l.split_whitespace().collect()))
}

fn tag(file: &str, line: usize, name: &str) -> Result<Tag, LoadError> {
    Tag::of(name).ok_or_else(|| LoadError {
        file: file.to_string(),
        message: format!("line {line}: unknown tag {name:?}"),
    })
}

impl PosPack {
    pub fn load(src: &Sources) -> Result<PosPack, LoadError> {
        let (file, text) = src.read(LEXICON)?;
        let mut lexicon = foldhash::HashMap::with_capacity_and_hasher(100_000, Default::default());
        for (n, f) in lines(&text) {
            if f.len() != 2 {
                return Err(LoadError {
                    file,
                    message: format!("line {n}: expected `word TAG`, got {:?}", f.join(" ")),
                });
            }
            lexicon.insert(f[0].to_string(), tag(&file, n, f[1])?);
        }
        let (file, text) = src.read(MORPHOLOGY)?;
        let mut morphology = Vec::new();
        for (n, f) in lines(&text) {
            morphology.push(parse_morph(&file, n, &f)?);
        }
        let (file, text) = src.read(CONTEXT)?;
        let mut context = Vec::new();
        for (n, f) in lines(&text) {
            if f.len() < 4 {
                return Err(LoadError {
                    file,
                    message: format!("line {n}: expected `FROM TO TEMPLATE X [Y]`"),
                });
            }
            let name = f[2].to_ascii_lowercase();
            let template_id =
                TEMPLATES
                    .iter()
                    .position(|t| *t == name)
                    .ok_or_else(|| LoadError {
                        file: file.clone(),
                        message: format!("line {n}: unknown template {:?}", f[2]),
                    })?;
            let y = f.get(4).copied().unwrap_or("");
            context.push(ContextRule {
                from: if f[0] == "*" {
                    None
                } else {
                    Some(tag(&file, n, f[0])?)
                },
                to: tag(&file, n, f[1])?,
                template: TEMPLATES[template_id],
                template_id: template_id as u8,
                x: f[3].to_string(),
                y: y.to_string(),
                x_tag: Tag::of(f[3]),
                y_tag: Tag::of(y),
            });
        }
        Ok(PosPack {
            lexicon,
            morphology,
            context,
        })
    }
}

/// `ly hassuf 2 RB x` (any unknown word) or `NN s fhassuf 1 NNS x` (only one tagged NN).
fn parse_morph(file: &str, n: usize, f: &[&str]) -> Result<MorphRule, LoadError> {
    let bad = || LoadError {
        file: file.to_string(),
        message: format!("line {n}: not a morphological rule: {:?}", f.join(" ")),
    };
    const CMDS: &[&str] = &[
        "char",
        "haspref",
        "hassuf",
        "addpref",
        "addsuf",
        "deletepref",
        "deletesuf",
        "goodleft",
        "goodright",
    ];
    let is_cmd = |w: &str, f: bool| {
        w.strip_prefix(if f { "f" } else { "" })
            .is_some_and(|c| CMDS.contains(&c))
    };
    // `NN s fhassuf 1 NNS x`: the rule applies only to words tagged NN; `ly hassuf 2 RB x`: any.
    let (from, rest) = match f {
        [from, _, cmd, ..] if is_cmd(cmd, true) => (Some(tag(file, n, from)?), &f[1..]),
        [_, cmd, ..] if is_cmd(cmd, false) => (None, f),
        _ => return Err(bad()),
    };
    let cmd = rest[1].trim_start_matches('f');
    // char, goodleft and goodright carry no length field.
    let to = match (cmd.starts_with("good") || cmd == "char", rest) {
        (true, [_, _, to, _]) | (false, [_, _, _, to, _]) => *to,
        _ => return Err(bad()),
    };
    let x = rest[0];
    let x = x.to_string();
    let test = match cmd {
        "char" => MorphTest::Char(x),
        "haspref" => MorphTest::HasPrefix(x),
        "hassuf" => MorphTest::HasSuffix(x),
        "addpref" => MorphTest::AddPrefix(x),
        "addsuf" => MorphTest::AddSuffix(x),
        "deletepref" => MorphTest::DeletePrefix(x),
        "deletesuf" => MorphTest::DeleteSuffix(x),
        "goodright" => MorphTest::WordBefore(x),
        "goodleft" => MorphTest::WordAfter(x),
        _ => return Err(bad()),
    };
    Ok(MorphRule {
        from,
        test,
        to: tag(file, n, to)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_pack_loads_with_every_rule() {
        let p = PosPack::load(&Sources::default()).unwrap();
        assert!(p.lexicon.len() > 90_000, "{}", p.lexicon.len());
        assert_eq!(p.lexicon["watch"].name(), "VB");
        assert_eq!(p.lexicon["coal"].name(), "NN");
        let count = |file: &str| {
            let (_, t) = Sources::default().read(file).unwrap();
            lines(&t).count()
        };
        assert_eq!(p.morphology.len(), count(MORPHOLOGY));
        assert_eq!(p.context.len(), count(CONTEXT));
    }

    #[test]
    fn a_bad_rule_names_its_line() {
        let e = parse_morph("m.txt", 7, &["ly", "hasfix", "2", "RB", "x"]).unwrap_err();
        assert!(e.to_string().contains("m.txt: line 7"), "{e}");
    }
}
