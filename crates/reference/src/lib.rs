//! The reference packs: the gazetteer, the HS pack and the rulebooks, as typed, validated data.
//!
//! Owns: the file formats under `data/`, embedding them in the binary, overriding them file by
//! file from a directory (`--data DIR`), merging the generated gazetteer pack into the hand one,
//! importing the official HS nomenclature, and the validation rules every pack must pass (unique
//! ids, parents exist, declared ambiguity, country boxes, well-formed and known HS codes, cited
//! measures).
//!
//! Refuses: the network, and any decision made *with* the data (screening, matching text,
//! aggregation belong to the stages that use it). Knowledge lives in `data/`; this crate holds
//! only the mechanism to read and check it.

use std::fmt;
use std::path::{Path, PathBuf};

pub mod cues;
pub mod frames;
pub mod gazetteer;
pub mod hs;
pub mod pos;
pub mod rulebook;
pub mod text;

pub use cues::Cues;
pub use frames::Frames;
pub use gazetteer::{Crossing, Gazetteer, Place};
pub use hs::{HsPack, LexEntry};
pub use pos::PosPack;
pub use rulebook::{Measure, Rulebook};

/// The reference data a run works with.
#[derive(Debug, Clone)]
pub struct Reference {
    pub gazetteer: Gazetteer,
    pub hs: HsPack,
    pub rulebook: Rulebook,
    pub cues: Cues,
    /// English parts of speech, for the extractor's noun phrases.
    pub pos: PosPack,
    /// The verbs that move goods, with the mode and direction each implies.
    pub frames: Frames,
}

/// A pack file that could not be read or parsed: names the file and the cause.
#[derive(Debug)]
pub struct LoadError {
    pub file: String,
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl std::error::Error for LoadError {}

/// The pack files, relative to a data directory, with their embedded default contents.
pub const PACK_FILES: &[(&str, &str)] = &[
    (
        "gazetteer/places.toml",
        include_str!("../../../data/gazetteer/places.toml"),
    ),
    (
        "gazetteer/crossings.toml",
        include_str!("../../../data/gazetteer/crossings.toml"),
    ),
    (
        "gazetteer/generated/geonames.toml",
        include_str!("../../../data/gazetteer/generated/geonames.toml"),
    ),
    (
        "hs/chapters.csv",
        include_str!("../../../data/hs/chapters.csv"),
    ),
    (
        "hs/headings.csv",
        include_str!("../../../data/hs/headings.csv"),
    ),
    (
        "hs/lexicon.csv",
        include_str!("../../../data/hs/lexicon.csv"),
    ),
    (
        "hs/generated/terms.csv",
        include_str!("../../../data/hs/generated/terms.csv"),
    ),
    (
        "hs/generated/headings.csv",
        include_str!("../../../data/hs/generated/headings.csv"),
    ),
    (
        "hs/changes.csv",
        include_str!("../../../data/hs/changes.csv"),
    ),
    (
        "extract/cues.toml",
        include_str!("../../../data/extract/cues.toml"),
    ),
    (
        "extract/frames.toml",
        include_str!("../../../data/extract/frames.toml"),
    ),
    (
        "extract/lexicon/lexicon.txt",
        include_str!("../../../data/extract/lexicon/lexicon.txt"),
    ),
    (
        "extract/lexicon/morphology.txt",
        include_str!("../../../data/extract/lexicon/morphology.txt"),
    ),
    (
        "extract/lexicon/context.txt",
        include_str!("../../../data/extract/lexicon/context.txt"),
    ),
    (
        "regimes/unsc-dprk.toml",
        include_str!("../../../data/regimes/unsc-dprk.toml"),
    ),
];

/// Where the pack files come from: the embedded copies, with any file present in `dir` taking
/// precedence.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub dir: Option<PathBuf>,
}

impl Sources {
    /// Reads one pack file from the override directory only: `None` when there is no directory
    /// or it lacks the file.
    pub fn read_from_dir(&self, rel: &str) -> Result<Option<(String, String)>, LoadError> {
        match &self.dir {
            Some(dir) if dir.join(rel).exists() => self.read(rel).map(Some),
            _ => Ok(None),
        }
    }

    /// Reads one pack file, from the override directory when it has it.
    pub fn read(&self, rel: &str) -> Result<(String, String), LoadError> {
        if let Some(dir) = &self.dir {
            let path = dir.join(rel);
            if path.exists() {
                let text = std::fs::read_to_string(&path).map_err(|e| LoadError {
                    file: path.display().to_string(),
                    message: format!("cannot read: {e}"),
                })?;
                return Ok((path.display().to_string(), text));
            }
        }
        PACK_FILES
            .iter()
            .find(|(name, _)| *name == rel)
            .map(|(name, text)| (format!("<embedded>/data/{name}"), text.to_string()))
            .ok_or_else(|| LoadError {
                file: rel.to_string(),
                message: "no such pack file".into(),
            })
    }
}

impl Reference {
    /// The packs embedded in the binary.
    pub fn embedded() -> Result<Reference, LoadError> {
        Reference::load(None)
    }

    /// Loads the packs, with files in `dir` (when given) replacing the embedded ones, and the
    /// imported HS nomenclature from `dir/hs/` when present.
    pub fn load(dir: Option<&Path>) -> Result<Reference, LoadError> {
        let src = Sources {
            dir: dir.map(Path::to_path_buf),
        };
        let gazetteer = Gazetteer::load(&src)?;
        let mut hs = HsPack::load(&src)?;
        if let Some(dir) = dir {
            hs.nomenclature = hs::Nomenclature::load_dir(dir)?;
        }
        let rulebook = Rulebook::load(&src, "regimes/unsc-dprk.toml")?;
        let cues = Cues::load(&src)?;
        let pos = PosPack::load(&src)?;
        let frames = Frames::load(&src)?;
        Ok(Reference {
            gazetteer,
            hs,
            rulebook,
            cues,
            pos,
            frames,
        })
    }

    /// Every validation problem across the packs, one line each (empty when all is well).
    pub fn validate(&self) -> Vec<String> {
        let mut out = self.gazetteer.validate();
        out.extend(self.hs.validate());
        out.extend(self.rulebook.validate(&self.hs));
        out.extend(self.cues.validate());
        // An adjective for a country the gazetteer lacks would name no end.
        for c in self.cues.direction.demonyms.keys() {
            let country = self
                .gazetteer
                .place(c)
                .is_some_and(|p| p.kind == borderwatch_model::PlaceKind::Country);
            if !country {
                out.push(format!(
                    "extract/cues.toml: direction.demonyms: {c:?} is not a country of the gazetteer"
                ));
            }
        }
        out
    }
}

pub(crate) fn parse_toml<T: serde::de::DeserializeOwned>(
    file: &str,
    text: &str,
) -> Result<T, LoadError> {
    toml::from_str(text).map_err(|e| LoadError {
        file: file.to_string(),
        message: e.to_string(),
    })
}

pub(crate) fn parse_csv<T: serde::de::DeserializeOwned>(
    file: &str,
    text: &str,
) -> Result<Vec<T>, LoadError> {
    let mut rdr = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, rec) in rdr.deserialize().enumerate() {
        let row: T = rec.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(i as u64 + 2);
            LoadError {
                file: file.to_string(),
                message: format!("line {line}: {e}"),
            }
        })?;
        out.push(row);
    }
    Ok(out)
}
