//! The report's setting on each side: "DANDONG — … China's exports to the DPRK rose." A report
//! that names one town or city of a country and no other speaks of that country's trade from
//! there; a movement whose end is only that country ("to China", "China's exports") ends at
//! that town.
//!
//! After every sentence has made its claims, the places the report names (outside the
//! attribution) are grouped by the settlement they lie in (a port, station or customs house
//! counts as its town). For a country whose places all lie in one settlement, named in more
//! than one sentence, a movement end that is the bare country becomes that place: the
//! settlement when the report names it, else the one place it names there. The first sentence naming it (and no source) is quoted as
//! context when the claim quotes none, so the reader sees why the end is there. A movement
//! from that town to the country across then takes the town's one crossing, when it carries the
//! claim's mode, as a route naming the town would.
//!
//! Refuses: a country with places in two settlements (the end stays the country); movements
//! through a crossing (the crossing already carries both sides); places named only in the
//! attribution (who said it may locate the source); provinces alone (a province is no setting).

use std::collections::BTreeMap;

use borderwatch_model::{ClaimKind, Context, PlaceKind};

use super::Doc;

/// A place named once is a detail of the story; a setting is named again.
const MIN_SENTENCES: usize = 2;

/// Where a report names places of one country: settlement → (places named there, the first
/// sentence naming one that names no source, which may be quoted).
type Settlements = BTreeMap<String, Named>;

/// The places a report names in one settlement.
#[derive(Default)]
struct Named {
    places: Vec<String>,
    /// How many sentences name one of them.
    sentences: usize,
    /// The first of those sentences that names no source (it may be quoted).
    quotable: Option<usize>,
    last: Option<usize>,
}

impl Doc<'_, '_> {
    pub(super) fn narrow_country_ends(&mut self) {
        let mut by_country: BTreeMap<String, Settlements> = BTreeMap::new();
        for si in 0..self.sents.len() {
            for p in self.sentence_places(si) {
                let (Some(settlement), Some(country)) = (self.settlement(&p), self.country(&p))
                else {
                    continue;
                };
                let named = by_country
                    .entry(country)
                    .or_default()
                    .entry(settlement)
                    .or_default();
                if !named.places.contains(&p) {
                    named.places.push(p);
                }
                if named.last != Some(si) {
                    named.sentences += 1;
                    named.last = Some(si);
                }
                if self.attribution[si].is_none() && named.quotable.is_none() {
                    named.quotable = Some(si);
                }
            }
        }
        let setting: BTreeMap<String, (String, Option<usize>)> = by_country
            .into_iter()
            .filter(|(_, s)| s.len() == 1)
            .filter_map(|(country, s)| {
                let (settlement, named) = s.into_iter().next()?;
                if named.sentences < MIN_SENTENCES {
                    return None;
                }
                let place = if named.places.contains(&settlement) || named.places.len() > 1 {
                    settlement
                } else {
                    named.places.into_iter().next()?
                };
                Some((country, (place, named.quotable)))
            })
            .collect();
        if setting.is_empty() {
            return;
        }
        let mut claims = std::mem::take(&mut self.claims);
        for c in claims
            .iter_mut()
            .filter(|c| c.kind == ClaimKind::Movement && c.via.is_none())
        {
            let mut narrowed = false;
            for end in [&mut c.from, &mut c.to] {
                let Some((place, si)) = end
                    .as_deref()
                    .filter(|e| self.is_country(e))
                    .and_then(|e| setting.get(e))
                else {
                    continue;
                };
                *end = Some(place.clone());
                narrowed = true;
                let quote = si.filter(|&j| !self.sentence_spans(j, c.evidence.span));
                if let (None, Some(j)) = (&c.evidence.context, quote) {
                    let s = self.sents[j];
                    c.evidence.context = Some(Context {
                        span: self.text.span(s.start, s.end),
                        text: self.text.clean[s.start..s.end].to_string(),
                    });
                }
                if !c.places.contains(place) {
                    c.places.push(place.clone());
                }
            }
            if narrowed {
                c.via = self.crossing_joining(c);
            }
        }
        self.claims = claims;
    }

    /// The one crossing a movement's ends now stand for, as a route naming them would take
    /// it: from a border town to the country across ("from Dandong to North Korea") the goods
    /// pass its crossing. None when the ends lie in one country, or the crossing does not carry
    /// the claim's mode (a ship from Dandong's port passes no bridge).
    fn crossing_joining(&self, c: &borderwatch_model::Claim) -> Option<String> {
        let (a, b) = (c.from.as_deref()?, c.to.as_deref()?);
        if self.country(a) == self.country(b) {
            return None;
        }
        let (place, other) = if self.is_country(a) { (b, a) } else { (a, b) };
        if self.is_country(place) {
            return None;
        }
        let id = self.crossing_reaching(place, Some(other))?;
        let carries = self.gz().crossing(&id).is_some_and(|x| x.carries(c.mode));
        carries.then_some(id)
    }

    /// The town, city or county a place lies in (itself when it is one).
    fn settlement(&self, id: &str) -> Option<String> {
        self.gz()
            .ancestry(id)
            .into_iter()
            .find(|p| {
                matches!(
                    p.kind,
                    PlaceKind::City
                        | PlaceKind::County
                        | PlaceKind::Town
                        | PlaceKind::Village
                        | PlaceKind::SpecialCity
                        | PlaceKind::Prefecture
                )
            })
            .map(|p| p.id.clone())
    }

    /// Whether sentence `si` lies inside the evidence span (then it is already quoted).
    fn sentence_spans(&self, si: usize, span: [usize; 2]) -> bool {
        let s = self.sents[si];
        let [a, b] = self.text.span(s.start, s.end);
        a >= span[0] && b <= span[1]
    }
}
