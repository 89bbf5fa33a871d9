//! Verb frames (`data/extract/frames.toml`): the verbs that move goods, with the mode each
//! implies when its clause names no vehicle. Verbs that say a direction are the `[direction]`
//! cues of cues.toml (one list, not two).
//!
//! Owns: reading and checking the file (known modes, no empty verb). Refuses: matching text —
//! the extractor compiles the verbs into its matcher.

use borderwatch_model::Mode;
use serde::Deserialize;

use crate::{parse_toml, LoadError, Sources};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Frame {
    pub verbs: Vec<String>,
    pub mode: Mode,
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
            if fr.verbs.is_empty() || fr.verbs.iter().any(|v| v.trim().is_empty()) {
                return Err(LoadError {
                    file: f,
                    message: format!("frame {}: a verb list is empty or has an empty verb", i + 1),
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
        assert_eq!(sea.mode, Mode::Sea);
    }

    #[test]
    fn a_frame_without_a_known_mode_is_refused() {
        assert!(toml::from_str::<Frames>("[[frame]]\nverbs = [\"carted\"]\n").is_err());
        let bad = toml::from_str::<Frames>("[[frame]]\nverbs = [\"x\"]\nmode = \"teleport\"\n");
        assert!(bad.is_err());
    }
}
