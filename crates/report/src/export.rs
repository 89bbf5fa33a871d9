//! Exports for other tools: GeoJSON and KML (QGIS, Google Earth), CSV (spreadsheets), and
//! FollowTheMoney entities as JSON lines (Aleph, OpenSanctions-style tools). GeoJSON and KML take
//! the vessel-track layer of [`crate::track_map`] too.
//!
//! Attribution (who said it) appears only when asked for (`include_attribution`): it can identify a
//! person. Every CSV cell passes through [`csv_cell`], the one guard against a spreadsheet
//! reading report text as a formula.

use std::fmt::Write as _;

use borderwatch_analyze::{Analysis, ClaimIn, Corridor};
use borderwatch_reference::Gazetteer;
use serde_json::{json, Value};

use crate::track_map::{self, PortCoords, TrackLayer};
use crate::{corridor_share, escape};

fn place_xy(gz: &Gazetteer, id: &str) -> Option<[f64; 2]> {
    let p = gz.place(id)?;
    Some([p.lon?, p.lat?])
}

/// A corridor's line: a crossing from its CN/RU side to its DPRK side, a leg from end to end.
fn corridor_line(gz: &Gazetteer, c: &Corridor) -> Option<Vec<[f64; 2]>> {
    Some(vec![place_xy(gz, &c.ends[0])?, place_xy(gz, &c.ends[1])?])
}

fn corridor_props(c: &Corridor) -> Value {
    let reports: usize = c.flows.iter().map(|f| f.claims).sum();
    let records: usize = c.flows.iter().map(|f| f.shipments).sum();
    json!({
        "id": c.id, "kind": c.kind, "name": c.name, "claims": c.claims, "movement_reports": reports,
        "records": records, "independent_sources": c.independent_sources,
        "prohibited_share": (corridor_share(c) * 1000.0).round() / 1000.0,
        "conditions": c.conditions.iter().map(|k| format!("{} {}", k.aspect, k.value)).collect::<Vec<_>>(),
    })
}

/// Corridors, the places at their ends, and the claims on them, as one GeoJSON collection.
pub fn geojson(
    a: &Analysis,
    gz: &Gazetteer,
    claims: &[ClaimIn],
    include_attribution: bool,
) -> Value {
    geojson_with_tracks(
        a,
        gz,
        claims,
        include_attribution,
        &TrackLayer::default(),
        &PortCoords::new(),
    )
}

/// [`geojson`] with the vessel-track layer after the claims (features of `layer: "track"`).
pub fn geojson_with_tracks(
    a: &Analysis,
    gz: &Gazetteer,
    claims: &[ClaimIn],
    include_attribution: bool,
    tracks: &TrackLayer,
    ports: &PortCoords,
) -> Value {
    let mut features = Vec::new();
    for c in &a.corridors {
        if let Some(line) = corridor_line(gz, c) {
            features.push(
                json!({"type": "Feature", "geometry": {"type": "LineString", "coordinates": line},
                "properties": {"layer": "corridor", "corridor": corridor_props(c)}}),
            );
        }
    }
    for p in places_used(a, gz) {
        if let (Some(lon), Some(lat)) = (p.lon, p.lat) {
            features.push(json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"layer": "place", "id": p.id, "name": p.names.first(), "kind": p.kind.as_str(), "country": p.country}}));
        }
    }
    for c in claims {
        let at = c
            .claim
            .at
            .as_ref()
            .or(c.claim.from.as_ref())
            .or(c.claim.to.as_ref());
        let xy = at.and_then(|p| place_xy(gz, p)).or_else(|| {
            let k = gz.crossing(c.claim.via.as_deref()?)?;
            place_xy(gz, &k.sides[0])
        });
        if let Some(xy) = xy {
            features.push(
                json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": xy},
                "properties": claim_props(c, include_attribution)}),
            );
        }
    }
    features.extend(track_map::geojson_features(tracks, ports));
    json!({"type": "FeatureCollection", "features": features})
}

fn claim_props(c: &ClaimIn, include_attribution: bool) -> Value {
    let mut v = json!({
        "layer": "claim", "claim": c.id, "source": &*c.source, "kind": c.claim.kind.as_str(),
        "direction": c.claim.direction.as_str(), "via": c.claim.via, "from": c.claim.from, "to": c.claim.to,
        "mode": c.claim.mode.map(|m| m.as_str()),
        "goods": c.claim.goods.iter().map(|g| format!("{}:{}", g.text, g.hs.as_deref().unwrap_or(""))).collect::<Vec<_>>(),
        "quote": quote(c, include_attribution), "span": c.claim.evidence.span,
    });
    if include_attribution {
        v["attribution"] = json!(c.claim.evidence.attribution);
    }
    v
}

fn quote(c: &ClaimIn, include_attribution: bool) -> String {
    if include_attribution {
        c.claim.evidence.text.clone()
    } else {
        c.claim.evidence.redacted_text()
    }
}

fn places_used<'g>(a: &Analysis, gz: &'g Gazetteer) -> Vec<&'g borderwatch_reference::Place> {
    let mut ids = std::collections::BTreeSet::new();
    for c in &a.corridors {
        for e in &c.ends {
            ids.insert(e.clone());
        }
    }
    ids.iter().filter_map(|id| gz.place(id)).collect()
}

/// Corridors and places as KML placemarks.
pub fn kml(a: &Analysis, gz: &Gazetteer) -> String {
    kml_with_tracks(a, gz, &TrackLayer::default(), &PortCoords::new())
}

/// [`kml`] with a "Vessel tracks" folder after the corridors and places (when there are any).
pub fn kml_with_tracks(
    a: &Analysis,
    gz: &Gazetteer,
    tracks: &TrackLayer,
    ports: &PortCoords,
) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document><name>borderwatch corridors</name>\n",
    );
    for c in &a.corridors {
        if let Some(line) = corridor_line(gz, c) {
            let coords: Vec<String> = line
                .iter()
                .map(|p| format!("{},{},0", p[0], p[1]))
                .collect();
            let _ = writeln!(
                s,
                "<Placemark><name>{}</name><description>{} claims, {} independent sources, prohibited share {:.0}%</description><LineString><coordinates>{}</coordinates></LineString></Placemark>",
                escape(&c.name),
                c.claims,
                c.independent_sources,
                corridor_share(c) * 100.0,
                coords.join(" ")
            );
        }
    }
    for p in places_used(a, gz) {
        if let (Some(lon), Some(lat)) = (p.lon, p.lat) {
            let _ = writeln!(
                s,
                "<Placemark><name>{}</name><description>{}</description><Point><coordinates>{lon},{lat},0</coordinates></Point></Placemark>",
                escape(p.names.first().map(String::as_str).unwrap_or(&p.id)),
                escape(&p.id)
            );
        }
    }
    if !tracks.features.is_empty() {
        s.push_str(track_map::KML_STYLES);
        s.push_str(&track_map::kml_folder(tracks, ports));
    }
    s.push_str("</Document></kml>\n");
    s
}

/// A CSV cell a spreadsheet shows as text: one that starts with `=`, `+`, `-`, `@`, a tab or a
/// carriage return would be read as a formula (and can run one), so it gets a leading `'`; so
/// do their full-width forms (`＝ ＋ － ＠`), which spreadsheets with East Asian input read as
/// the same operators.
/// A plain number (`-12.5`) is data and stays as it is. Every CSV the project writes for
/// people (exports, `query`, `screen --output` and its rejects, `places`) passes each cell
/// through here.
pub fn csv_cell(v: &str) -> Cell<'_> {
    let risky = v.starts_with([
        '=', '+', '-', '@', '\t', '\r', '\u{ff1d}', '\u{ff0b}', '\u{ff0d}', '\u{ff20}',
    ]);
    let number = {
        let t = v.strip_prefix(['-', '+']).unwrap_or(v);
        let (int, frac) = t.split_once('.').unwrap_or((t, ""));
        !int.is_empty()
            && int.bytes().all(|b| b.is_ascii_digit())
            && frac.bytes().all(|b| b.is_ascii_digit())
    };
    Cell(if risky && !number {
        format!("'{v}").into()
    } else {
        v.into()
    })
}

/// A CSV cell from [`csv_cell`]; the `csv` writer takes it as bytes.
pub struct Cell<'a>(std::borrow::Cow<'a, str>);

impl std::ops::Deref for Cell<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<[u8]> for Cell<'_> {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// A quoted CSV field, neutralised.
fn q(v: &str) -> String {
    format!("\"{}\"", csv_cell(v).replace('"', "\"\""))
}

/// One CSV row per corridor × direction × mode × period.
pub fn corridors_csv(a: &Analysis) -> String {
    let mut s = String::from("corridor,name,direction,mode,period,claims,shipments,independent_sources,loaded,empty,negated,prohibited_share,goods\n");
    for c in &a.corridors {
        for f in &c.flows {
            let goods: Vec<String> = f
                .goods
                .iter()
                .map(|g| format!("{}:{}", g.chapter, g.items))
                .collect();
            let _ = writeln!(
                s,
                "{},{},{},{},{},{},{},{},{},{},{},{:.3},{}",
                q(&c.id),
                q(&c.name),
                f.direction,
                f.mode.map(|m| m.as_str()).unwrap_or(""),
                f.period,
                f.claims,
                f.shipments,
                f.independent_sources,
                f.loaded,
                f.empty,
                f.negated,
                f.prohibited_share,
                q(&goods.join(" "))
            );
        }
    }
    s
}

/// One CSV row per claim; attribution only when asked for.
pub fn claims_csv(claims: &[ClaimIn], include_attribution: bool) -> String {
    let mut s = String::from("claim,source,kind,direction,from,to,via,mode,polarity,goods,start,end,span_start,span_end,quote");
    s.push_str(if include_attribution {
        ",attribution\n"
    } else {
        "\n"
    });
    for c in claims {
        let k = &c.claim;
        let goods: Vec<String> = k
            .goods
            .iter()
            .map(|g| format!("{}:{}", g.text, g.hs.as_deref().unwrap_or("")))
            .collect();
        let d = |x: Option<borderwatch_model::Date>| x.map(|d| d.to_string()).unwrap_or_default();
        let _ = write!(
            s,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            c.id,
            q(&c.source),
            k.kind.as_str(),
            k.direction,
            k.from.as_deref().unwrap_or(""),
            k.to.as_deref().unwrap_or(""),
            k.via.as_deref().unwrap_or(""),
            k.mode.map(|m| m.as_str()).unwrap_or(""),
            if k.polarity == borderwatch_model::Polarity::Negated {
                "negated"
            } else {
                "affirmed"
            },
            q(&goods.join("; ")),
            d(k.when.as_ref().and_then(|w| w.start)),
            d(k.when.as_ref().and_then(|w| w.end)),
            k.evidence.span[0],
            k.evidence.span[1],
            q(&quote(c, include_attribution))
        );
        if include_attribution {
            let _ = write!(s, ",{}", q(k.evidence.attribution.as_deref().unwrap_or("")));
        }
        s.push('\n');
    }
    s
}

/// A source for FollowTheMoney export.
pub struct SourceDoc {
    pub id: i64,
    pub name: String,
    pub sha256: String,
    pub media_type: String,
    pub published: Option<String>,
}

/// FollowTheMoney entities, one JSON object per line: places as `Address`, sources as
/// `Document` (with their content hash), so the data can go into Aleph-style tools.
pub fn ftm(a: &Analysis, gz: &Gazetteer, sources: &[SourceDoc]) -> String {
    let mut s = String::new();
    for p in places_used(a, gz) {
        let mut props =
            json!({"full": [p.names.first()], "country": [p.country.to_ascii_lowercase()]});
        if let (Some(lon), Some(lat)) = (p.lon, p.lat) {
            props["longitude"] = json!([lon.to_string()]);
            props["latitude"] = json!([lat.to_string()]);
        }
        props["summary"] = json!([format!("borderwatch place {} ({})", p.id, p.kind.as_str())]);
        let _ = writeln!(
            s,
            "{}",
            json!({"id": format!("bw-place-{}", p.id), "schema": "Address", "properties": props})
        );
    }
    for d in sources {
        let mut props = json!({"title": [d.name], "fileName": [d.name], "contentHash": [d.sha256], "mimeType": [d.media_type]});
        if let Some(p) = &d.published {
            props["publishedAt"] = json!([p]);
        }
        let _ = writeln!(
            s,
            "{}",
            json!({"id": format!("bw-source-{}", d.id), "schema": "Document", "properties": props})
        );
    }
    s
}
