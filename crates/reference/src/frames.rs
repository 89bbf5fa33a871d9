//! Verb frames (`data/extract/frames.toml`): the verbs that move goods, with the mode and
//! direction each implies when its clause says nothing more specific.
//!
//! Owns: reading and checking the file (known modes and directions, no empty verb). Refuses:
//! matching text — the extractor compiles the verbs into its matcher.

use borderwatch_model::{Direction, Mode};
use serde::Deserialize;

use crate::{parse_toml, LoadError, Sources};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Frame {
    pub verbs: Vec<String>,
    #[serde(default)]
    pub mode: Option<Mode>,
    #[serde(default)]
    pub direction: Option<Direction>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Frames {
    #[serde(default, rename = "frame")]
    pub frames: Vec<Frame>,
}

impl Frames {
    pub fn load(src: &Sources) -> Result<Frames, LoadError> {
        let (f, t) = src.read("extract/frames.toml")?;
        let frames: Frames = parse_toml(&f, &t)?;
        for (i, fr) in frames.frames.iter().enumerate() {
            if fr.verbs.iter().any(|v| v.trim().is_empty()) || fr.verbs.is_empty() {
                return Err(LoadError {
                    file: f,
                    message: format!("frame {}: a verb list is empty or has an empty verb", i + 1),
                });
            }
            if fr.mode.is_none() && fr.direction.is_none() {
                return Err(LoadError {
                    file: f,
                    message: format!(
                        "frame {} ({:?}): says neither mode nor direction",
                        i + 1,
                        fr.verbs[0]
                    ),
                });
            }
        }
        Ok(frames)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_frames_load() {
        let f = Frames::load(&Sources::default()).unwrap();
        let sea = f
            .frames
            .iter()
            .find(|f| f.verbs.iter().any(|v| v == "shipped"))
            .unwrap();
        assert_eq!(sea.mode, Some(Mode::Sea));
    }

    #[test]
    fn a_frame_that_says_nothing_is_refused() {
        let e: Frames = toml::from_str("[[frame]]\nverbs = [\"carted\"]\n").unwrap();
        assert!(e.frames[0].mode.is_none());
        let bad = toml::from_str::<Frames>("[[frame]]\nverbs = [\"x\"]\nmode = \"teleport\"\n");
        assert!(bad.is_err());
    }
}
