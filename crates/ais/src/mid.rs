//! Flags from MMSIs: the Maritime Identification Digits pack (`data/ais/generated/mid.toml`,
//! made by `scripts/gen-ais-mid.py` from the ITU's table).
//!
//! Owns: reading and checking the pack (MIDs 200–799, each once, flags two capital letters;
//! unknown fields refused) and which digits of an MMSI are its MID — a ship's `MIDxxxxxx`, an
//! auxiliary craft's `98MIDxxxx`.
//!
//! Refuses: believing the flag — an MMSI's MID is what the transponder was programmed with, and
//! vessels hiding their identity broadcast foreign or made-up MMSIs; the flag read here is
//! "flag by MMSI", a claim to check, never a registry fact.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// The embedded pack.
pub const EMBEDDED: &str = include_str!("../../../data/ais/generated/mid.toml");

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MidEntry {
    pub mid: u16,
    /// ISO 3166-1 alpha-2.
    pub flag: String,
    /// The ITU's wording.
    pub country: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Pack {
    mids: Vec<MidEntry>,
}

/// The MID table.
#[derive(Debug, Clone)]
pub struct Mids {
    by_mid: HashMap<u16, MidEntry>,
}

impl Mids {
    /// Reads a pack; errors name the file and the entry.
    pub fn parse(name: &str, text: &str) -> Result<Mids, String> {
        let pack: Pack = toml::from_str(text).map_err(|e| format!("{name}: {e}"))?;
        let mut by_mid = HashMap::new();
        for e in pack.mids {
            if !(200..800).contains(&e.mid) {
                return Err(format!("{name}: mid {} is not 200-799", e.mid));
            }
            if e.flag.len() != 2 || !e.flag.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(format!(
                    "{name}: mid {}: flag {:?} is not two capital letters",
                    e.mid, e.flag
                ));
            }
            let mid = e.mid;
            if by_mid.insert(mid, e).is_some() {
                return Err(format!("{name}: mid {mid} is given twice"));
            }
        }
        Ok(Mids { by_mid })
    }

    /// The pack built into the binary.
    pub fn embedded() -> Mids {
        Mids::parse("data/ais/generated/mid.toml", EMBEDDED)
            .expect("the embedded MID pack is checked by tests")
    }

    pub fn len(&self) -> usize {
        self.by_mid.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_mid.is_empty()
    }

    /// The MID of a ship's or an auxiliary craft's MMSI; `None` for coast stations, aids to
    /// navigation, SAR aircraft, emergency beacons and group calls, which fly no flag.
    pub fn mid_of(mmsi: u32) -> Option<u16> {
        match mmsi {
            200_000_000..=799_999_999 => Some((mmsi / 1_000_000) as u16),
            980_000_000..=989_999_999 => Some(((mmsi / 10_000) % 1000) as u16),
            _ => None,
        }
    }

    /// The flag an MMSI claims, when its MID is known.
    pub fn flag(&self, mmsi: u32) -> Option<&MidEntry> {
        Mids::mid_of(mmsi).and_then(|m| self.by_mid.get(&m))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_by_mmsi() {
        let m = Mids::embedded();
        assert!(m.len() > 250);
        assert_eq!(m.flag(445_000_004).unwrap().flag, "KP");
        assert_eq!(m.flag(412_000_001).unwrap().flag, "CN");
        assert_eq!(m.flag(273_123_456).unwrap().flag, "RU");
        assert_eq!(m.flag(984_451_234).unwrap().flag, "KP");
        assert_eq!(m.flag(4_121_234), None); // a coast station
        assert_eq!(m.flag(100_000_000), None);
        assert!(
            Mids::parse("x", "mids = [{ mid = 445, flag = \"kp\", country = \"\" }]")
                .unwrap_err()
                .contains("two capital letters")
        );
        assert!(Mids::parse(
            "x",
            "mids = [{ mid = 445, flag = \"KP\", country = \"\", extra = 1 }]"
        )
        .unwrap_err()
        .contains("unknown field"));
    }
}
