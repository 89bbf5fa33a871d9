//! `borderwatch export` of vessel tracks: a store made by ingesting the track fixtures
//! (`crates/analyze/tests/fixtures/tracks/`, from `scripts/track-fixtures.py`) exports its
//! track events as GeoJSON and as KML — port calls, encounters and loitering as points,
//! voyages as lines from port to port, dark periods as dashed lines — each feature citing its
//! file and lines and never the lines' text.
//!
//! Golden files: `tests/expected/tracks.geojson` and `tests/expected/tracks.kml`; `BLESS=1`
//! rewrites them.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{bw, out, tmp};
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../analyze/tests/fixtures/tracks")
}

const TRACKS: &[&str] = &[
    "longkou-nampo.csv",
    "longkou-dalian.csv",
    "dark-near.csv",
    "dark-far.csv",
    "sts-flagged.nmea",
    "sts-plain.csv",
    "designated.csv",
    "undesignated.csv",
];

/// A store holding every track fixture and one report, ingested one file at a time so that
/// source, event and claim ids do not depend on which worker finished first.
fn store(name: &str) -> PathBuf {
    let dir = tmp("track-export", name);
    let db = dir.join("t.db");
    for f in TRACKS.iter().chain(&["trucked-to-longkou.txt"]) {
        let o = bw(&db, &["ingest", fixtures().join(f).to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{f}: {o:?}");
    }
    db
}

fn golden(name: &str, got: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/expected")
        .join(name);
    if std::env::var_os("BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (BLESS=1 writes it)", path.display()));
    assert!(
        want == got,
        "{} differs from the export (BLESS=1 rewrites it); got:\n{got}",
        path.display()
    );
}

/// Lines of the fixtures (after their headers): none may reach an export.
fn raw_lines() -> Vec<String> {
    TRACKS
        .iter()
        .flat_map(|f| {
            std::fs::read_to_string(fixtures().join(f))
                .unwrap()
                .lines()
                .skip(1)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter(|l| !l.trim().is_empty())
        .collect()
}

fn by_kind(features: &[Value]) -> BTreeMap<String, Vec<&Value>> {
    let mut m: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    for f in features {
        m.entry(f["properties"]["kind"].as_str().unwrap().to_string())
            .or_default()
            .push(f);
    }
    m
}

#[test]
fn track_events_export_as_geojson_with_their_geometry_and_evidence() {
    let db = store("geojson");
    let o = bw(&db, &["export", "--format", "geojson", "--what", "tracks"]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let text = out(&o);
    golden("tracks.geojson", &text);

    let v: Value = serde_json::from_str(&text).expect("GeoJSON is JSON");
    assert_eq!(v["type"], "FeatureCollection");
    let features = v["features"].as_array().unwrap();
    let kinds = by_kind(features);
    let geometry = |k: &str| -> Vec<&str> {
        kinds[k]
            .iter()
            .map(|f| f["geometry"]["type"].as_str().unwrap())
            .collect()
    };
    for k in ["port-call", "encounter", "loitering"] {
        if kinds.contains_key(k) {
            assert!(geometry(k).iter().all(|g| *g == "Point"), "{k}");
        }
    }
    assert!(kinds.contains_key("port-call") && kinds.contains_key("encounter"));
    assert!(geometry("voyage").iter().all(|g| *g == "LineString"));
    assert!(geometry("dark").iter().all(|g| *g == "LineString"));
    for f in &kinds["dark"] {
        let p = &f["properties"];
        assert_eq!(p["style"], "dashed");
        let c = f["geometry"]["coordinates"].as_array().unwrap();
        assert_eq!(c.len(), 2);
        assert_ne!(c[0], c[1], "went dark and reappeared apart");
    }
    for f in &kinds["voyage"] {
        assert_eq!(f["properties"]["style"], "solid");
    }
    // Longkou → Nampo: a line from one port to the other, inbound.
    let nampo = kinds["voyage"]
        .iter()
        .find(|f| f["properties"]["to"] == "kp.nampo-port")
        .expect("the voyage into Nampo");
    assert_eq!(nampo["properties"]["direction"], "inbound");
    assert!(nampo["properties"]["from_name"].is_string());
    // A port call names its port, vessel and times; an encounter both vessels.
    let call = kinds["port-call"][0]["properties"].clone();
    for k in [
        "port",
        "port_name",
        "mmsi",
        "arrive",
        "leave",
        "dwell_hours",
    ] {
        assert!(!call[k].is_null(), "port call without {k}: {call}");
    }
    for f in &kinds["encounter"] {
        let p = &f["properties"];
        assert_eq!(p["vessels"].as_array().unwrap().len(), 2);
        assert!(p["other_mmsi"].is_u64());
    }
    let flagged = kinds["encounter"]
        .iter()
        .any(|f| f["properties"]["other_flag"] == "KP" || f["properties"]["flag"] == "KP");
    assert!(flagged, "the DPRK-flagged meeting is there with its flag");
    // Every vessel's positions are lines (a point for a lone position) with its MMSI and times.
    let mut with_lines: Vec<u64> = kinds["positions"]
        .iter()
        .map(|f| {
            let g = f["geometry"]["type"].as_str().unwrap();
            assert!(g == "LineString" || g == "Point", "{f}");
            assert!(f["properties"]["start"].is_string() && f["properties"]["end"].is_string());
            f["properties"]["mmsi"].as_u64().unwrap()
        })
        .collect();
    with_lines.dedup();
    let mut in_events: Vec<u64> = features
        .iter()
        .filter_map(|f| f["properties"]["mmsi"].as_u64())
        .collect();
    in_events.sort();
    in_events.dedup();
    assert_eq!(with_lines, in_events, "a line for every vessel with events");
    // Every event cites its file and lines, never their text.
    let names: Vec<&str> = TRACKS.to_vec();
    for f in features
        .iter()
        .filter(|f| f["properties"]["kind"] != "positions")
    {
        let p = &f["properties"];
        let ev = p["evidence"].as_array().unwrap();
        assert!(!ev.is_empty(), "{p}");
        for e in ev {
            assert!(names.contains(&e["source"].as_str().unwrap()), "{e}");
            let l = e["lines"].as_array().unwrap();
            assert!(l[0].as_u64().unwrap() <= l[1].as_u64().unwrap());
            assert!(e.get("quote").is_none() && e.get("span").is_none());
        }
        assert!(p.get("attribution").is_none());
    }
    for l in raw_lines() {
        assert!(!text.contains(&l), "raw track line in the export: {l}");
    }

    // The full GeoJSON carries the same track features after the corridors and claims.
    let o = bw(&db, &["export", "--format", "geojson"]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let all: Value = serde_json::from_str(&out(&o)).unwrap();
    let tracks: Vec<&Value> = all["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["properties"]["layer"] == "track")
        .collect();
    assert_eq!(tracks.len(), features.len());
    assert!(all["features"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["properties"]["layer"] == "claim"));
}

const KML: &str = "http://www.opengis.net/kml/2.2";

/// The KML child element `name` of `n`.
fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> roxmltree::Node<'a, 'i> {
    n.children()
        .find(|c| c.has_tag_name((KML, name)))
        .unwrap_or_else(|| panic!("no {name} in {:?}", n.attribute("id")))
}

/// The value of the placemark's ExtendedData `Data name=…`.
fn data(p: roxmltree::Node, name: &str) -> Option<String> {
    p.descendants()
        .filter(|d| d.has_tag_name((KML, "Data")))
        .find(|d| d.attribute("name") == Some(name))
        .and_then(|d| d.children().find(|c| c.has_tag_name((KML, "value"))))
        .and_then(|v| v.text())
        .map(str::to_string)
}

#[test]
fn track_events_export_as_kml_that_parses_with_dashed_dark_periods() {
    let db = store("kml");
    let o = bw(&db, &["export", "--format", "kml", "--what", "tracks"]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let text = out(&o);
    golden("tracks.kml", &text);

    let doc = roxmltree::Document::parse(&text).expect("KML is XML");
    assert_eq!(doc.root_element().tag_name().namespace(), Some(KML));
    let dark_style = doc
        .descendants()
        .find(|n| n.has_tag_name((KML, "Style")) && n.attribute("id") == Some("track-dark"))
        .expect("the dark periods' style");
    child(dark_style, "LineStyle");

    let placemarks: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name((KML, "Placemark")))
        .collect();
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for p in &placemarks {
        let kind = data(*p, "kind").expect("kind");
        *kinds.entry(kind.clone()).or_default() += 1;
        assert_eq!(
            child(*p, "styleUrl").text(),
            Some(format!("#track-{kind}").as_str())
        );
        let span = child(*p, "TimeSpan");
        child(span, "begin");
        if kind == "positions" {
            let lines = p
                .descendants()
                .filter(|c| c.has_tag_name((KML, "LineString")));
            let points = p.descendants().filter(|c| c.has_tag_name((KML, "Point")));
            assert_eq!(
                lines.count() + points.count(),
                1,
                "one line (or point) a placemark"
            );
            continue;
        }
        let evidence = data(*p, "evidence_text").expect("evidence");
        assert!(evidence.contains(" lines "), "{evidence}");
        let desc = child(*p, "description").text().unwrap();
        assert!(desc.contains(&evidence), "{desc}");
        match kind.as_str() {
            "voyage" => {
                let line = child(*p, "LineString");
                let c = child(line, "coordinates").text().unwrap();
                assert_eq!(c.split_whitespace().count(), 2, "port to port: {c}");
            }
            "dark" => {
                assert_eq!(data(*p, "style").as_deref(), Some("dashed"));
                let m = child(*p, "MultiGeometry");
                let dashes = m
                    .children()
                    .filter(|c| c.has_tag_name((KML, "LineString")))
                    .count();
                assert!(dashes > 1, "a dashed line is drawn in pieces");
            }
            _ => {
                let pt = child(*p, "Point");
                let c = child(pt, "coordinates").text().unwrap();
                let xy: Vec<f64> = c.split(',').map(|x| x.parse().unwrap()).collect();
                assert!((-180.0..=180.0).contains(&xy[0]) && (-90.0..=90.0).contains(&xy[1]));
            }
        }
    }
    // The same events as the GeoJSON export.
    let g: Value = serde_json::from_str(&out(&bw(
        &db,
        &["export", "--format", "geojson", "--what", "tracks"],
    )))
    .unwrap();
    let mut want: BTreeMap<String, usize> = BTreeMap::new();
    for f in g["features"].as_array().unwrap() {
        *want
            .entry(f["properties"]["kind"].as_str().unwrap().into())
            .or_default() += 1;
    }
    assert_eq!(kinds, want);
    for l in raw_lines() {
        assert!(!text.contains(&l), "raw track line in the export: {l}");
    }

    // The full KML has the corridors and a "Vessel tracks" folder; it parses too.
    let all = out(&bw(&db, &["export", "--format", "kml"]));
    let doc = roxmltree::Document::parse(&all).expect("KML is XML");
    let folder = doc
        .descendants()
        .find(|n| n.has_tag_name((KML, "Folder")))
        .expect("the tracks folder");
    assert_eq!(child(folder, "name").text(), Some("Vessel tracks"));
    assert_eq!(
        folder
            .children()
            .filter(|n| n.has_tag_name((KML, "Placemark")))
            .count(),
        placemarks.len()
    );
}

#[test]
fn tracks_are_not_a_csv_or_ftm_export() {
    let db = tmp("track-export", "refused").join("t.db");
    let track = fixtures().join("dark-near.csv");
    assert_eq!(
        bw(&db, &["ingest", track.to_str().unwrap()]).status.code(),
        Some(0)
    );
    for f in ["csv", "ftm"] {
        let o = bw(&db, &["export", "--format", f, "--what", "tracks"]);
        assert_eq!(o.status.code(), Some(2), "{o:?}");
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(
            e.contains("--what tracks is for --format geojson or kml"),
            "{e}"
        );
    }
}

#[test]
fn the_html_report_map_has_a_vessel_tracks_layer() {
    let db = store("html");
    let o = bw(&db, &["analyze", "--format", "html"]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let html = out(&o);
    let start = html
        .find(r#"<g id="vessel-tracks""#)
        .expect("the track layer");
    let len = html[start..].find("</g>").unwrap() + "</g>".len();
    let layer = &html[start..start + len];
    // The layer is well-formed SVG: every mark closed, every title escaped.
    let svg = format!(r#"<svg xmlns="http://www.w3.org/2000/svg">{layer}</svg>"#);
    let doc = roxmltree::Document::parse(&svg).expect("the layer parses");
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for n in doc.descendants().filter(|n| n.attribute("class").is_some()) {
        let kind = n
            .attribute("class")
            .unwrap()
            .strip_prefix("track-")
            .unwrap();
        *kinds.entry(kind.to_string()).or_default() += 1;
        let title = n
            .children()
            .find(|c| c.has_tag_name("title"))
            .and_then(|t| t.text())
            .unwrap();
        if kind == "positions" {
            assert_eq!(n.tag_name().name(), "polyline");
            assert!(title.starts_with("MMSI "), "{title}");
            continue;
        }
        assert!(title.contains(" lines "), "{title}");
        match kind {
            "dark" => {
                assert_eq!(n.tag_name().name(), "polyline");
                assert!(n.attribute("stroke-dasharray").is_some(), "dashed");
            }
            "voyage" => {
                assert_eq!(n.tag_name().name(), "polyline");
                assert!(n.attribute("stroke-dasharray").is_none());
            }
            _ => assert!(["circle", "path"].contains(&n.tag_name().name()), "{kind}"),
        }
    }
    // The fixtures' ports are all in the gazetteer: the map shows what the export shows.
    let g: Value = serde_json::from_str(&out(&bw(
        &db,
        &["export", "--format", "geojson", "--what", "tracks"],
    )))
    .unwrap();
    let mut want: BTreeMap<String, usize> = BTreeMap::new();
    for f in g["features"].as_array().unwrap() {
        *want
            .entry(f["properties"]["kind"].as_str().unwrap().into())
            .or_default() += 1;
    }
    assert_eq!(kinds, want);
    assert!(html.contains("Vessel tracks on the map:"));
    // The findings quote their evidence; the map's marks cite file and lines only.
    for l in raw_lines() {
        assert!(!layer.contains(&l), "raw track line on the map: {l}");
    }
}
