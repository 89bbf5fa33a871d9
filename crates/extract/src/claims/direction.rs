//! Direction of a movement clause: inbound to or outbound from the DPRK, from the import or
//! export word, the country ends or the sides of the places named.
//!
//! Refuses: guessing; a clause that says nothing of direction stays unknown.

use super::*;

impl Doc<'_, '_> {
    pub(super) fn direction(&self, f: &Facts, mentions: &[Mention]) -> Direction {
        let endpoint = |role: PRole| {
            mentions
                .iter()
                .filter(|m| m.role == role && !m.qualifier && !m.compared)
                .find_map(|m| self.country(&m.id))
        };
        let from_c = endpoint(PRole::From).or_else(|| f.from_country.clone());
        let to_c = endpoint(PRole::To).or_else(|| f.to_country.clone());
        let kp = |c: &Option<String>| c.as_deref().map(|c| c == "kp");
        match (kp(&from_c), kp(&to_c)) {
            (Some(a), Some(b)) if a == b => return Direction::Domestic,
            (Some(true), Some(false)) => return Direction::Outbound,
            (Some(false), Some(true)) => return Direction::Inbound,
            (_, Some(true)) => return Direction::Inbound,
            // "from Dandong to Incheon": an end named outside the gazetteer is no DPRK end.
            (_, Some(false)) if f.unknown_from => return Direction::Unknown,
            (Some(false), None) if f.unknown_to => return Direction::Unknown,
            (_, Some(false)) => return Direction::Outbound,
            (Some(true), None) => return Direction::Outbound,
            (Some(false), None) => return Direction::Inbound,
            _ => {}
        }
        // "China imports coal": out of the DPRK; "Russia exports oil": into it.
        if f.trading_country.as_deref().is_some_and(|c| c != "kp") {
            match (f.import, f.export) {
                (Some(_), None) => return Direction::Outbound,
                (None, Some(_)) => return Direction::Inbound,
                _ => {}
            }
        }
        match (f.import, f.export) {
            (Some(i), Some(e)) => {
                if i < e {
                    Direction::Inbound
                } else {
                    Direction::Outbound
                }
            }
            (Some(_), None) => Direction::Inbound,
            (None, Some(_)) => Direction::Outbound,
            _ => Direction::Unknown,
        }
    }
}
