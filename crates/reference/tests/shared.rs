//! Checks of the packs against the public data sets and reference tables in `../shared`.
//! Each test skips, saying why, when `../shared` is absent.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use borderwatch_model::PlaceKind;
use borderwatch_reference::gazetteer::distance_km;
use borderwatch_reference::Reference;

fn shared() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if p.join("DESIGN.md").exists() {
        Some(p)
    } else {
        eprintln!("skipped: ../shared is absent (the public data sets live there)");
        None
    }
}

fn csv_rows(path: &std::path::Path) -> Vec<BTreeMap<String, String>> {
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let headers: Vec<String> = rdr
        .headers()
        .unwrap()
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    rdr.records()
        .map(|r| {
            headers
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

#[test]
fn town_coordinates_lie_within_15_km_of_geonames() {
    let Some(shared) = shared() else { return };
    let rows = csv_rows(&shared.join("data/geonames-border-region/places_cn_kp_ru_kr_bbox.csv"));
    let by_id: BTreeMap<u64, &BTreeMap<String, String>> = rows
        .iter()
        .map(|r| (r["geonameid"].parse().unwrap(), r))
        .collect();
    let r = Reference::embedded().unwrap();
    let mut checked = 0;
    let mut far = Vec::new();
    for p in &r.gazetteer.places {
        let Some(gid) = p.geonames else { continue };
        let Some(row) = by_id.get(&gid) else { continue };
        let (lat, lon): (f64, f64) = (
            row["latitude"].parse().unwrap(),
            row["longitude"].parse().unwrap(),
        );
        let d = distance_km(p.lat.unwrap(), p.lon.unwrap(), lat, lon);
        checked += 1;
        if d > 15.0 {
            far.push(format!(
                "{} is {d:.1} km from GeoNames {} ({})",
                p.id, gid, row["name"]
            ));
        }
    }
    assert!(
        checked >= 30,
        "only {checked} places checked against GeoNames"
    );
    assert!(far.is_empty(), "{}", far.join("\n"));
}

#[test]
fn towns_that_geonames_names_carry_its_id() {
    // A town GeoNames knows by the same name must say so, so the 15 km check cannot skip it.
    let Some(shared) = shared() else { return };
    let rows = csv_rows(&shared.join("data/geonames-border-region/places_cn_kp_ru_kr_bbox.csv"));
    let mut by_name: BTreeMap<(String, String), usize> = BTreeMap::new();
    for row in &rows {
        let key = (
            row["countrycode"].clone(),
            borderwatch_reference::text::fold(&row["name"]),
        );
        *by_name.entry(key).or_default() += 1;
    }
    let r = Reference::embedded().unwrap();
    let mut missing = Vec::new();
    for p in &r.gazetteer.places {
        let town = matches!(
            p.kind,
            PlaceKind::City | PlaceKind::Town | PlaceKind::County | PlaceKind::Village
        );
        if !town || p.geonames.is_some() {
            continue;
        }
        let key = (
            p.country.clone(),
            borderwatch_reference::text::fold(p.name()),
        );
        if by_name.get(&key) == Some(&1) {
            missing.push(p.id.clone());
        }
    }
    assert!(
        missing.is_empty(),
        "set `geonames` on: {}",
        missing.join(", ")
    );
}

#[test]
fn rulebook_holds_every_reference_measure_with_citation() {
    let Some(shared) = shared() else { return };
    let rows = csv_rows(&shared.join("reference/sanctions-measures.csv"));
    let r = Reference::embedded().unwrap();
    let refs: BTreeSet<&str> = r
        .rulebook
        .measures
        .iter()
        .map(|m| m.reference.as_str())
        .collect();
    for row in &rows {
        let id = row["id"].as_str();
        assert!(
            refs.contains(id),
            "reference measure {id} is not in the rulebook"
        );
        let m = r
            .rulebook
            .measures
            .iter()
            .find(|m| m.reference == id)
            .unwrap();
        assert!(
            m.instrument.contains(&row["resolution"][..4]),
            "{id}: instrument {}",
            m.instrument
        );
        assert_eq!(m.adopted.to_string(), row["adopted"], "{id}: adoption date");
        let para_head = row["paragraph"].split_whitespace().next().unwrap();
        assert!(
            m.paragraph.starts_with(para_head),
            "{id}: paragraph {} vs {}",
            m.paragraph,
            row["paragraph"]
        );
    }
    assert_eq!(rows.len(), r.rulebook.measures.len());
}

#[test]
fn pack_headings_exist_in_the_official_nomenclature() {
    let Some(shared) = shared() else { return };
    let mut known = BTreeSet::new();
    for f in [
        "harmonized-system-hs2022.csv",
        "harmonized-system-hs2017.csv",
    ] {
        for row in csv_rows(&shared.join("data/hs-nomenclature").join(f)) {
            known.insert(row["hscode"].clone());
        }
    }
    let r = Reference::embedded().unwrap();
    let old: BTreeSet<&str> = r.hs.changes.iter().map(|c| c.code.as_str()).collect();
    let unknown: Vec<&String> =
        r.hs.headings
            .keys()
            .filter(|c| !known.contains(*c) && !old.contains(c.as_str()))
            .collect();
    assert!(unknown.is_empty(), "not in HS 2017/2022: {unknown:?}");
}

#[test]
fn every_place_name_in_the_corpus_gold_resolves() {
    let Some(shared) = shared() else { return };
    let r = Reference::embedded().unwrap();
    let gold_dir = shared.join("corpus/gold");
    let mut unresolved = Vec::new();
    for e in std::fs::read_dir(&gold_dir).unwrap() {
        let path = e.unwrap().path();
        let gold: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let mut names: Vec<String> = Vec::new();
        for key in ["places", "optional_places"] {
            for n in gold[key].as_array().into_iter().flatten() {
                names.push(n.as_str().unwrap().to_string());
            }
        }
        for m in gold["movements"].as_array().into_iter().flatten() {
            for side in ["from", "to"] {
                for n in m[side].as_array().into_iter().flatten() {
                    names.push(n.as_str().unwrap().to_string());
                }
            }
        }
        for n in names.into_iter().filter(|n| !n.starts_with('*')) {
            if r.gazetteer.resolve(&n).is_empty() {
                unresolved.push(format!("{}: {n}", path.display()));
            }
        }
    }
    assert!(unresolved.is_empty(), "{}", unresolved.join("\n"));
}
