//! The gazetteer pack: places (countries down to stations, bridges and ports), crossings, and the
//! aliases that name them.
//!
//! Files: `gazetteer/places.toml` (`[[place]]` and `[[ambiguous]]` tables, made by hand),
//! `gazetteer/crossings.toml` (`[[crossing]]`) and `gazetteer/generated/geonames.toml` (made by
//! `scripts/gen-gazetteer.py` from GeoNames: `[[place]]`, `[[ambiguous]]` and `[[alias]]`, which
//! adds names to a hand place). Hand entries win: the generated pack only adds places and names,
//! and the names it adds to a hand place come after the hand names (the display name stays).
//! The generated pack is read from where `places.toml` is read: a data directory that replaces
//! `places.toml` brings its own generated pack or none. Unknown fields are refused so a typo in a
//! key fails the load instead of silently dropping a fact.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use borderwatch_model::{Mode, PlaceKind};
use serde::{Deserialize, Serialize};

use crate::text::fold;
use crate::{parse_toml, LoadError, Sources};

/// How a coordinate relates to the thing it locates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CoordBasis {
    /// The place itself (a checkpoint, bridge, station or port).
    Site,
    /// The centre of the town, not the checkpoint (which can be a few km away).
    TownCentre,
    /// Placed by hand from descriptions; within a few km.
    Approximate,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Place {
    pub id: String,
    pub kind: PlaceKind,
    /// ISO 3166-1 alpha-2, upper case.
    pub country: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coord: Option<CoordBasis>,
    /// Every alias the matcher uses; the first is the display name.
    pub names: Vec<String>,
    /// Names that stand for this place only as written, capitals included, and only when no
    /// capitalised word follows: news style calls the DPRK "the North", but "the north of
    /// Jilin" and "the North Pyongan" are not it. The matcher alone reads these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exact_names: Vec<String>,
    /// Chinese customs code of a customs house or port (e.g. "0930").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customs_code: Option<String>,
    /// UN/LOCODE of a sea port (e.g. "KPNAM").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locode: Option<String>,
    /// A country's bounding box: [min_lon, min_lat, max_lon, max_lat].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bbox: Option<[f64; 4]>,
    /// GeoNames id of the town this place is (or whose centre it uses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geonames: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Crossing {
    /// Whether goods may cross here by `mode` (any mode, when it is unknown).
    pub fn carries(&self, mode: Option<Mode>) -> bool {
        mode.is_none_or(|m| self.modes.contains(&m))
    }
}

impl Place {
    pub fn name(&self) -> &str {
        self.names.first().map(String::as_str).unwrap_or(&self.id)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Crossing {
    pub id: String,
    pub names: Vec<String>,
    /// The non-target side first (China or Russia), then the DPRK side.
    pub sides: [String; 2],
    pub modes: Vec<Mode>,
    /// Chinese customs codes of the port of entry (road and rail can differ).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub customs_codes: Vec<String>,
    /// The DPRK port code in China's customs parameter tables (e.g. "PRK903").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kp_code: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bridges: Vec<String>,
    /// Places on either side that belong to this crossing (customs houses, stations).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub facilities: Vec<String>,
    /// Places whose name alone, in a report, stands for this crossing ("goods exported through
    /// Hunchun" means Quanhe–Wonjong, not the smaller Shatuozi crossing also in Hunchun).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub serves: Vec<String>,
    /// True when the pairing is commonly reported but not confirmed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub verify: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A name that honestly names more than one place or crossing ("Friendship Bridge").
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ambiguity {
    pub name: String,
    pub candidates: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlacesFile {
    place: Vec<Place>,
    #[serde(default)]
    ambiguous: Vec<Ambiguity>,
}

/// Extra names for a hand place, from the generated pack.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Alias {
    place: String,
    /// The GeoNames ids whose names these are (provenance only).
    #[serde(default)]
    #[allow(dead_code)]
    geonames: Vec<u64>,
    names: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GeneratedFile {
    #[serde(default)]
    place: Vec<Place>,
    #[serde(default)]
    alias: Vec<Alias>,
    #[serde(default)]
    ambiguous: Vec<Ambiguity>,
}

/// The generated pack, relative to the data directory.
pub const GENERATED: &str = "gazetteer/generated/geonames.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CrossingsFile {
    crossing: Vec<Crossing>,
}

/// What an alias names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Named {
    Place(String),
    Crossing(String),
}

impl Named {
    pub fn id(&self) -> &str {
        match self {
            Named::Place(id) | Named::Crossing(id) => id,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Gazetteer {
    pub places: Vec<Place>,
    pub crossings: Vec<Crossing>,
    pub ambiguous: Vec<Ambiguity>,
    by_id: HashMap<String, usize>,
    aliases: BTreeMap<String, BTreeSet<Named>>,
}

impl Gazetteer {
    pub fn load(src: &Sources) -> Result<Gazetteer, LoadError> {
        let (pf, ptext) = src.read("gazetteer/places.toml")?;
        let (cf, ctext) = src.read("gazetteer/crossings.toml")?;
        let mut places: PlacesFile = parse_toml(&pf, &ptext)?;
        let crossings: CrossingsFile = parse_toml(&cf, &ctext)?;
        // The generated pack was made against one places.toml: it comes from the same place.
        let generated = if pf.starts_with("<embedded>") {
            Some(src.read(GENERATED)?)
        } else {
            src.read_from_dir(GENERATED)?
        };
        if let Some((gf, gtext)) = generated {
            let g: GeneratedFile = parse_toml(&gf, &gtext)?;
            merge_generated(&mut places, g, &gf)?;
        }
        Ok(Gazetteer::new(
            places.place,
            crossings.crossing,
            places.ambiguous,
        ))
    }

    pub fn new(places: Vec<Place>, crossings: Vec<Crossing>, ambiguous: Vec<Ambiguity>) -> Self {
        let by_id = places
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.clone(), i))
            .collect();
        let aliases = build_alias_index(&places, &crossings);
        Gazetteer {
            places,
            crossings,
            ambiguous,
            by_id,
            aliases,
        }
    }

    pub fn place(&self, id: &str) -> Option<&Place> {
        self.by_id.get(id).map(|&i| &self.places[i])
    }

    pub fn crossing(&self, id: &str) -> Option<&Crossing> {
        self.crossings.iter().find(|c| c.id == id)
    }

    /// The place and its ancestors, nearest first.
    pub fn ancestry<'a>(&'a self, id: &str) -> Vec<&'a Place> {
        let mut out = Vec::new();
        let mut cur = self.place(id);
        while let Some(p) = cur {
            if out.iter().any(|q: &&Place| q.id == p.id) {
                break; // a cycle; validate() reports it
            }
            out.push(p);
            cur = p.parent.as_deref().and_then(|pid| self.place(pid));
        }
        out
    }

    /// Every folded alias with what it names. An alias naming two things appears with both.
    pub fn alias_index(&self) -> &BTreeMap<String, BTreeSet<Named>> {
        &self.aliases
    }

    /// Resolves a name (any alias, any script, with or without diacritics) or an id.
    pub fn resolve(&self, name: &str) -> Vec<Named> {
        if self.place(name).is_some() {
            return vec![Named::Place(name.to_string())];
        }
        if self.crossing(name).is_some() {
            return vec![Named::Crossing(name.to_string())];
        }
        let key = fold(name);
        self.aliases
            .get(&key)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// The crossing whose sides, bridges or facilities include `place_id` or one of its ancestors
    /// below province level.
    pub fn crossings_at(&self, place_id: &str) -> Vec<&Crossing> {
        self.crossings
            .iter()
            .filter(|c| {
                c.sides.iter().any(|s| s == place_id)
                    || c.bridges.iter().any(|s| s == place_id)
                    || c.facilities.iter().any(|s| s == place_id)
            })
            .collect()
    }

    /// Every problem with the pack, one line each.
    pub fn validate(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        for p in &self.places {
            if !seen.insert(p.id.as_str()) {
                out.push(format!("place {}: duplicate id", p.id));
            }
            out.extend(check_place_id(p));
            if p.names.is_empty() {
                out.push(format!("place {}: has no names", p.id));
            }
            match (&p.parent, p.kind) {
                (None, PlaceKind::Country) => {}
                (None, _) => out.push(format!("place {}: has no parent", p.id)),
                (Some(par), _) => match self.place(par) {
                    None => out.push(format!("place {}: parent {par} does not exist", p.id)),
                    Some(pp) if pp.country != p.country && pp.kind != PlaceKind::Country => out
                        .push(format!(
                            "place {}: parent {par} is in another country",
                            p.id
                        )),
                    _ => {}
                },
            }
            if self.ancestry(&p.id).last().map(|r| r.kind) != Some(PlaceKind::Country) {
                out.push(format!(
                    "place {}: its parent chain does not end at a country",
                    p.id
                ));
            }
            if p.kind == PlaceKind::Country {
                if p.bbox.is_none() {
                    out.push(format!("country {}: has no bbox", p.id));
                }
                continue;
            }
            match (p.lat, p.lon) {
                (Some(lat), Some(lon)) => {
                    let country = self
                        .places
                        .iter()
                        .find(|c| c.kind == PlaceKind::Country && c.country == p.country);
                    match country.and_then(|c| c.bbox) {
                        Some([x0, y0, x1, y1]) => {
                            if !(x0..=x1).contains(&lon) || !(y0..=y1).contains(&lat) {
                                out.push(format!(
                                    "place {}: ({lat}, {lon}) lies outside the bounding box of {}",
                                    p.id, p.country
                                ));
                            }
                        }
                        None => out.push(format!(
                            "place {}: country {} is not in the gazetteer",
                            p.id, p.country
                        )),
                    }
                }
                _ => out.push(format!("place {}: has no coordinates", p.id)),
            }
            if p.kind == PlaceKind::Port && p.locode.is_none() && p.note.is_none() {
                out.push(format!(
                    "port {}: has no UN/LOCODE and no note saying why",
                    p.id
                ));
            }
        }
        let mut cseen = BTreeSet::new();
        for c in &self.crossings {
            if !cseen.insert(c.id.as_str()) {
                out.push(format!("crossing {}: duplicate id", c.id));
            }
            if c.names.is_empty() {
                out.push(format!("crossing {}: has no names", c.id));
            }
            if c.modes.is_empty() {
                out.push(format!("crossing {}: has no modes", c.id));
            }
            for (i, s) in c.sides.iter().enumerate() {
                match self.place(s) {
                    None => out.push(format!("crossing {}: side {s} does not exist", c.id)),
                    Some(p) => {
                        let kp = p.country == "KP";
                        if (i == 1) != kp {
                            out.push(format!(
                                "crossing {}: side {} must be {} (the DPRK side is second)",
                                c.id,
                                s,
                                if i == 1 { "in KP" } else { "outside KP" }
                            ));
                        }
                    }
                }
            }
            let expected = format!(
                "{}-{}",
                c.sides[0].split_once('.').map_or("", |x| x.1),
                c.sides[1].split_once('.').map_or("", |x| x.1)
            );
            if !expected.starts_with(&c.id) && c.id != expected {
                out.push(format!(
                    "crossing {}: id should be {expected} (DESIGN.md §4)",
                    c.id
                ));
            }
            for b in c.bridges.iter().chain(&c.facilities).chain(&c.serves) {
                if self.place(b).is_none() {
                    out.push(format!("crossing {}: {b} does not exist", c.id));
                }
            }
        }
        // No alias may silently name two things: an alias shared by several must be declared.
        let declared: BTreeMap<String, BTreeSet<&str>> = self
            .ambiguous
            .iter()
            .map(|a| {
                (
                    fold(&a.name),
                    a.candidates.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        for a in &self.ambiguous {
            for cand in &a.candidates {
                if self.place(cand).is_none() && self.crossing(cand).is_none() {
                    out.push(format!(
                        "ambiguous {:?}: candidate {cand} does not exist",
                        a.name
                    ));
                }
            }
        }
        for (alias, named) in &self.aliases {
            if named.len() < 2 {
                continue;
            }
            // A crossing named like its bridge or customs house is one thing, not two.
            let ids: BTreeSet<&str> = named.iter().map(Named::id).collect();
            if self.is_one_thing(named) {
                continue;
            }
            match declared.get(alias) {
                Some(d) if ids.iter().all(|i| d.contains(i)) => {}
                _ => out.push(format!(
                    "alias {alias:?} names {} but is not declared ambiguous",
                    ids.into_iter().collect::<Vec<_>>().join(", ")
                )),
            }
        }
        out
    }

    /// True when the set is one crossing together with its own bridges/facilities.
    fn is_one_thing(&self, named: &BTreeSet<Named>) -> bool {
        let crossings: Vec<&Crossing> = named
            .iter()
            .filter_map(|n| match n {
                Named::Crossing(id) => self.crossing(id),
                Named::Place(_) => None,
            })
            .collect();
        if crossings.len() != 1 {
            return false;
        }
        let c = crossings[0];
        named.iter().all(|n| match n {
            Named::Crossing(_) => true,
            Named::Place(id) => c.bridges.contains(id) || c.facilities.contains(id),
        })
    }
}

/// Adds the generated pack to the hand places: its places after them, its names after theirs
/// (a name the place already has, folded, is not added twice), its ambiguities beside theirs.
fn merge_generated(hand: &mut PlacesFile, g: GeneratedFile, file: &str) -> Result<(), LoadError> {
    let index: HashMap<String, usize> = hand
        .place
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.clone(), i))
        .collect();
    for a in g.alias {
        let Some(&i) = index.get(&a.place) else {
            return Err(LoadError {
                file: file.to_string(),
                message: format!("[[alias]] names place {:?}, which does not exist", a.place),
            });
        };
        let p = &mut hand.place[i];
        let mut have: BTreeSet<String> = p.names.iter().map(|n| fold(n)).collect();
        for n in a.names {
            if have.insert(fold(&n)) {
                p.names.push(n);
            }
        }
    }
    hand.place.extend(g.place);
    for a in g.ambiguous {
        let key = fold(&a.name);
        match hand.ambiguous.iter_mut().find(|h| fold(&h.name) == key) {
            Some(h) => {
                for c in a.candidates {
                    if !h.candidates.contains(&c) {
                        h.candidates.push(c);
                    }
                }
            }
            None => hand.ambiguous.push(a),
        }
    }
    Ok(())
}

fn build_alias_index(
    places: &[Place],
    crossings: &[Crossing],
) -> BTreeMap<String, BTreeSet<Named>> {
    let mut idx: BTreeMap<String, BTreeSet<Named>> = BTreeMap::new();
    for p in places {
        for n in &p.names {
            idx.entry(fold(n))
                .or_default()
                .insert(Named::Place(p.id.clone()));
        }
    }
    for c in crossings {
        for n in &c.names {
            idx.entry(fold(n))
                .or_default()
                .insert(Named::Crossing(c.id.clone()));
        }
    }
    idx
}

fn check_place_id(p: &Place) -> Option<String> {
    if p.kind == PlaceKind::Country {
        return (p.id != p.country.to_ascii_lowercase())
            .then(|| format!("country {}: id must be its lower-case ISO code", p.id));
    }
    let (cc, slug) = p.id.split_once('.').unwrap_or(("", ""));
    let ok_slug = !slug.is_empty()
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if cc != p.country.to_ascii_lowercase() || !ok_slug {
        return Some(format!(
            "place {}: id must be {{iso2}}.{{slug}} in lower-case ascii",
            p.id
        ));
    }
    None
}

/// Great-circle distance in kilometres.
pub fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let r = 6371.0088_f64;
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * r * a.sqrt().asin()
}
