//! Vessel-track events as map features, for the GeoJSON and KML exports and the HTML map:
//! port calls, encounters and loitering as points, voyages as lines from port to port, dark
//! periods as dashed lines from where the vessel went dark to where it reappeared.
//!
//! Owns: where each event is drawn (a port's coordinates from the ports given, else the
//! event's own position), the properties every feature carries (vessels with MMSI, name, flag;
//! times; the event's figures; its evidence as file and line range) and their KML form.
//! Refuses: the raw track lines (an event's `quote`) and byte spans — a feature cites the file
//! and lines, never the source's text; identity events (no place to draw them) — they stay in
//! the report's table and the analysis JSON.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use borderwatch_analyze::TrackFigure;
use borderwatch_model::{TrackEventKind, VesselRef};
use serde_json::{json, Map, Value};

use crate::escape;

/// A port's name and coordinates, by port id (a gazetteer place id or `locode:XXXXX`).
#[derive(Debug, Clone, PartialEq)]
pub struct PortXY {
    pub name: String,
    pub lon: f64,
    pub lat: f64,
}

pub type PortCoords = BTreeMap<String, PortXY>;

/// The gazetteer's ports with coordinates (what the HTML report places voyages by; the
/// exports are given the searoute pack's ports too).
pub fn gazetteer_ports(gz: &borderwatch_reference::Gazetteer) -> PortCoords {
    gz.places
        .iter()
        .filter(|p| p.kind == borderwatch_model::PlaceKind::Port)
        .filter_map(|p| {
            let xy = PortXY {
                name: p.names.first()?.clone(),
                lon: p.lon?,
                lat: p.lat?,
            };
            Some((p.id.clone(), xy))
        })
        .collect()
}

/// Where a feature is drawn, `[lon, lat]`.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Point([f64; 2]),
    Line(Vec<[f64; 2]>),
}

/// One event placed on the map.
#[derive(Debug, Clone)]
pub struct TrackFeature<'a> {
    pub figure: &'a TrackFigure,
    pub shape: Shape,
    /// Drawn dashed: a stretch the vessel was not seen on (dark periods).
    pub dashed: bool,
}

/// The events placed, and the mappable ones that could not be (an event's id and why), so a
/// caller can say what a map leaves out; and the vessels' positions as lines, when the caller
/// read them (the store keeps positions apart from the analysis).
#[derive(Debug, Clone, Default)]
pub struct TrackLayer<'a> {
    pub features: Vec<TrackFeature<'a>>,
    pub unplaced: Vec<(i64, String)>,
    pub paths: Vec<VesselPath>,
}

/// A vessel's positions as one line `[lon, lat]`, thinned by the caller for the map's scale.
#[derive(Debug, Clone, PartialEq)]
pub struct VesselPath {
    pub mmsi: u32,
    /// First and last position, Unix seconds.
    pub start: i64,
    pub end: i64,
    pub coords: Vec<[f64; 2]>,
}

impl VesselPath {
    fn properties(&self) -> Value {
        json!({"layer": "track", "kind": "positions", "mmsi": self.mmsi,
               "start": rfc3339(self.start), "end": rfc3339(self.end),
               "points": self.coords.len()})
    }

    fn geometry(&self) -> Value {
        match self.coords.as_slice() {
            [one] => json!({"type": "Point", "coordinates": one}),
            c => json!({"type": "LineString", "coordinates": c}),
        }
    }
}

fn valid(p: [f64; 2]) -> Option<[f64; 2]> {
    ((-180.0..=180.0).contains(&p[0]) && (-90.0..=90.0).contains(&p[1]) && p[0].is_finite())
        .then_some(p)
}

fn own_xy(f: &TrackFigure) -> Option<[f64; 2]> {
    valid([f.event.lon?, f.event.lat?])
}

fn port_xy(ports: &PortCoords, id: Option<&String>) -> Option<[f64; 2]> {
    let p = ports.get(id?)?;
    valid([p.lon, p.lat])
}

fn detail_f64(f: &TrackFigure, key: &str) -> Option<f64> {
    f.event.detail.get(key)?.as_f64()
}

/// Places every event that has a place: identity events are not map features.
pub fn layer<'a>(tracks: &'a [TrackFigure], ports: &PortCoords) -> TrackLayer<'a> {
    let mut out = TrackLayer::default();
    for f in tracks {
        let e = &f.event;
        let placed = match e.kind {
            k if k.is_identity() => continue,
            TrackEventKind::PortCall => port_xy(ports, e.at.as_ref())
                .or_else(|| own_xy(f))
                .map(|p| (Shape::Point(p), false))
                .ok_or("no position for the port or the call"),
            TrackEventKind::Voyage => match (
                port_xy(ports, e.from.as_ref()).or_else(|| own_xy(f)),
                port_xy(ports, e.to.as_ref()),
            ) {
                (Some(a), Some(b)) => Ok((Shape::Line(vec![a, b]), false)),
                _ => Err("a port of the voyage has no coordinates"),
            },
            TrackEventKind::Dark => match (
                own_xy(f),
                detail_f64(f, "end_lon")
                    .zip(detail_f64(f, "end_lat"))
                    .and_then(|(lon, lat)| valid([lon, lat])),
            ) {
                (Some(a), Some(b)) => Ok((Shape::Line(vec![a, b]), true)),
                _ => Err("no position where it went dark or reappeared"),
            },
            _ => own_xy(f)
                .map(|p| (Shape::Point(p), false))
                .ok_or("no position"),
        };
        match placed {
            Ok((shape, dashed)) => out.features.push(TrackFeature {
                figure: f,
                shape,
                dashed,
            }),
            Err(why) => out.unplaced.push((f.id, why.to_string())),
        }
    }
    out
}

/// `2024-05-01T06:00:00Z`.
pub fn rfc3339(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_else(|| t.to_string())
}

/// A vessel as the track identified it; what it did not say is left out.
fn vessel_json(v: &VesselRef) -> Value {
    let mut o = Map::new();
    o.insert("mmsi".into(), json!(v.mmsi));
    for (k, x) in [
        ("name", json!(v.name)),
        ("imo", json!(v.imo)),
        ("flag", json!(v.flag)),
    ] {
        if !x.is_null() {
            o.insert(k.into(), x);
        }
    }
    if !v.designated.is_empty() {
        let d: Vec<Value> = v
            .designated
            .iter()
            .map(|d| {
                json!({"list": d.list, "reference": d.reference,
                    "listed_name": d.listed_name, "basis": d.basis})
            })
            .collect();
        o.insert("designated".into(), Value::Array(d));
    }
    Value::Object(o)
}

/// "tracks.nmea lines 12–40; other.csv lines 3–9".
pub fn evidence_text(f: &TrackFigure) -> String {
    f.event
        .evidence
        .iter()
        .map(|l| format!("{} lines {}–{}", l.source, l.lines[0], l.lines[1]))
        .collect::<Vec<_>>()
        .join("; ")
}

fn port_name(ports: &PortCoords, id: &Option<String>) -> Value {
    id.as_ref()
        .and_then(|i| ports.get(i))
        .map_or(Value::Null, |p| json!(p.name))
}

/// A feature's properties: flat fields for tools that show one table row per feature, the
/// vessels in full, and the evidence as file and lines (never the lines' text).
pub fn properties(t: &TrackFeature, ports: &PortCoords) -> Map<String, Value> {
    let f = t.figure;
    let e = &f.event;
    let mut p = Map::new();
    let mut put = |k: &str, v: Value| {
        if !v.is_null() {
            p.insert(k.to_string(), v);
        }
    };
    put("layer", json!("track"));
    put("id", json!(f.id));
    put("claim", json!(f.claim));
    put("kind", json!(e.kind.as_str()));
    put("start", json!(rfc3339(e.start)));
    put("end", json!(rfc3339(e.end)));
    if let Some(v) = e.vessels.first() {
        put("mmsi", json!(v.mmsi));
        put("vessel_name", json!(v.name));
        put("flag", json!(v.flag));
    }
    if let Some(v) = e.vessels.get(1) {
        put("other_mmsi", json!(v.mmsi));
        put("other_vessel_name", json!(v.name));
        put("other_flag", json!(v.flag));
    }
    put(
        "vessels",
        Value::Array(e.vessels.iter().map(vessel_json).collect()),
    );
    let num = |k: &str| e.detail.get(k).cloned().unwrap_or(Value::Null);
    match e.kind {
        TrackEventKind::PortCall => {
            put("port", json!(e.at));
            put(
                "port_name",
                e.detail
                    .get("port_name")
                    .cloned()
                    .unwrap_or_else(|| port_name(ports, &e.at)),
            );
            put("arrive", json!(rfc3339(e.start)));
            put("leave", json!(rfc3339(e.end)));
            put("dwell_hours", num("dwell_hours"));
            put("still_in_port", num("open"));
        }
        TrackEventKind::Voyage => {
            put("from", json!(e.from));
            put("from_name", port_name(ports, &e.from));
            put("to", json!(e.to));
            put("to_name", port_name(ports, &e.to));
            put("depart", json!(rfc3339(e.start)));
            put("arrive", json!(rfc3339(e.end)));
            put("direction", json!(e.direction.map(|d| d.as_str())));
            put("hours", num("hours"));
            put("style", json!("solid"));
        }
        TrackEventKind::Dark => {
            put("hours", num("hours"));
            put("km", num("km"));
            put("reappeared_in", num("reappeared_in"));
            put("style", json!("dashed"));
        }
        TrackEventKind::Encounter => {
            put("hours", num("hours"));
            put("closest_m", num("closest_m"));
            put("median_knots", num("median_knots"));
        }
        TrackEventKind::Loitering => {
            put("hours", num("hours"));
            put("median_knots", num("median_knots"));
        }
        _ => {}
    }
    if !e.target_ports.is_empty() {
        put("dprk_ports", json!(e.target_ports));
    }
    put("summary", json!(e.summary));
    put(
        "evidence",
        Value::Array(
            e.evidence
                .iter()
                .map(|l| json!({"source": l.source, "lines": l.lines}))
                .collect(),
        ),
    );
    put("evidence_text", json!(evidence_text(f)));
    p
}

fn geometry(s: &Shape) -> Value {
    match s {
        Shape::Point(p) => json!({"type": "Point", "coordinates": p}),
        Shape::Line(l) => json!({"type": "LineString", "coordinates": l}),
    }
}

/// The vessels' lines, then the events, as GeoJSON features.
pub fn geojson_features(l: &TrackLayer, ports: &PortCoords) -> Vec<Value> {
    let paths = l.paths.iter().map(
        |p| json!({"type": "Feature", "geometry": p.geometry(), "properties": p.properties()}),
    );
    let events = l.features.iter().map(|t| {
        json!({"type": "Feature", "geometry": geometry(&t.shape),
            "properties": Value::Object(properties(t, ports))})
    });
    paths.chain(events).collect()
}

/// The events alone as one GeoJSON collection.
pub fn geojson(l: &TrackLayer, ports: &PortCoords) -> Value {
    json!({"type": "FeatureCollection", "features": geojson_features(l, ports)})
}

/// Text as XML 1.0 takes it: escaped, and the control characters it forbids (a name read from
/// a CSV track can hold any) replaced by U+FFFD.
pub fn xml_text(s: &str) -> String {
    let clean: String = s
        .chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => '\u{fffd}',
            c => c,
        })
        .collect();
    escape(&clean)
}

fn coord(p: [f64; 2]) -> String {
    let r = |x: f64| (x * 1e6).round() / 1e6;
    format!("{},{},0", r(p[0]), r(p[1]))
}

/// Dashes along a line: KML 2.2's LineStyle has colour and width but no dash pattern, so a
/// dark period is drawn as short segments that any viewer shows as a dashed line.
const DASHES: usize = 12;

fn dashes(a: [f64; 2], b: [f64; 2]) -> Vec<[[f64; 2]; 2]> {
    let at = |t: f64| [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
    (0..DASHES)
        .map(|i| {
            let t0 = i as f64 / DASHES as f64;
            [at(t0), at(t0 + 0.6 / DASHES as f64)]
        })
        .collect()
}

/// The shared styles of the track placemarks (put once in a KML Document).
pub const KML_STYLES: &str = concat!(
    "<Style id=\"track-voyage\"><LineStyle><color>ffb06000</color><width>2</width></LineStyle></Style>\n",
    "<Style id=\"track-dark\"><LineStyle><color>ff3030d0</color><width>2</width></LineStyle></Style>\n",
    "<Style id=\"track-port-call\"><IconStyle><color>ffb06000</color><scale>0.8</scale></IconStyle></Style>\n",
    "<Style id=\"track-encounter\"><IconStyle><color>ff3030d0</color><scale>1.1</scale></IconStyle></Style>\n",
    "<Style id=\"track-loitering\"><IconStyle><color>ff20a0e0</color><scale>0.9</scale></IconStyle></Style>\n",
    "<Style id=\"track-positions\"><LineStyle><color>a0a85f1f</color><width>1</width></LineStyle></Style>\n",
);

fn kml_name(f: &TrackFigure) -> String {
    let who: Vec<String> = f.event.vessels.iter().map(VesselRef::label).collect();
    format!("{}: {}", f.event.kind.as_str(), who.join(" and "))
}

fn data_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(_) | Value::Object(_) => v.to_string(),
        v => v.to_string(),
    }
}

/// The events as a KML Folder of placemarks (needs [`KML_STYLES`] in its Document): each with
/// its time span, a description (what the track shows, and its file and lines) and the
/// GeoJSON properties as ExtendedData.
pub fn kml_folder(l: &TrackLayer, ports: &PortCoords) -> String {
    let mut s = String::from("<Folder><name>Vessel tracks</name>\n");
    for p in &l.paths {
        let c: Vec<String> = p.coords.iter().map(|x| coord(*x)).collect();
        let geometry = match c.as_slice() {
            [one] => format!("<Point><coordinates>{one}</coordinates></Point>"),
            _ => format!(
                "<LineString><tessellate>1</tessellate><coordinates>{}</coordinates></LineString>",
                c.join(" ")
            ),
        };
        let (a, b) = (rfc3339(p.start), rfc3339(p.end));
        let _ = writeln!(
            s,
            "<Placemark><name>positions: MMSI {m}</name><description>MMSI {m}: {n} positions \
             drawn, {a} – {b}</description><TimeSpan><begin>{a}</begin><end>{b}</end></TimeSpan>\
             <styleUrl>#track-positions</styleUrl><ExtendedData><Data name=\"kind\"><value>positions\
             </value></Data><Data name=\"mmsi\"><value>{m}</value></Data></ExtendedData>{geometry}\
             </Placemark>",
            m = p.mmsi,
            n = p.coords.len(),
        );
    }
    for t in &l.features {
        let f = t.figure;
        let props = properties(t, ports);
        let _ = write!(
            s,
            "<Placemark id=\"track-event-{}\"><name>{}</name><description>{} — {}</description>\
             <TimeSpan><begin>{}</begin><end>{}</end></TimeSpan><styleUrl>#track-{}</styleUrl><ExtendedData>",
            f.id,
            xml_text(&kml_name(f)),
            xml_text(&f.event.summary),
            xml_text(&evidence_text(f)),
            rfc3339(f.event.start),
            rfc3339(f.event.end),
            f.event.kind.as_str(),
        );
        for (k, v) in &props {
            let _ = write!(
                s,
                "<Data name=\"{}\"><value>{}</value></Data>",
                xml_text(k),
                xml_text(&data_value(v))
            );
        }
        s.push_str("</ExtendedData>");
        match (&t.shape, t.dashed) {
            (Shape::Point(p), _) => {
                let _ = write!(s, "<Point><coordinates>{}</coordinates></Point>", coord(*p));
            }
            (Shape::Line(line), true) if line.len() == 2 => {
                s.push_str("<MultiGeometry>");
                for [a, b] in dashes(line[0], line[1]) {
                    let _ = write!(
                        s,
                        "<LineString><tessellate>1</tessellate><coordinates>{} {}</coordinates></LineString>",
                        coord(a),
                        coord(b)
                    );
                }
                s.push_str("</MultiGeometry>");
            }
            (Shape::Line(line), _) => {
                let c: Vec<String> = line.iter().map(|p| coord(*p)).collect();
                let _ = write!(
                    s,
                    "<LineString><tessellate>1</tessellate><coordinates>{}</coordinates></LineString>",
                    c.join(" ")
                );
            }
        }
        s.push_str("</Placemark>\n");
    }
    s.push_str("</Folder>\n");
    s
}

/// The events alone as a KML document.
pub fn kml(l: &TrackLayer, ports: &PortCoords) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document><name>borderwatch vessel tracks</name>\n",
    );
    s.push_str(KML_STYLES);
    s.push_str(&kml_folder(l, ports));
    s.push_str("</Document></kml>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure(id: i64, kind: TrackEventKind, detail: Value) -> TrackFigure {
        TrackFigure {
            id,
            claim: None,
            event: borderwatch_model::TrackEvent {
                kind,
                vessels: vec![VesselRef {
                    mmsi: 412000001,
                    name: Some("A<B".into()),
                    imo: None,
                    flag: Some("CN".into()),
                    designated: vec![],
                }],
                start: 1714521600,
                end: 1714525200,
                lat: Some(38.0),
                lon: Some(122.0),
                at: None,
                from: Some("cn.a".into()),
                to: Some("locode:XXNOP".into()),
                direction: None,
                target_ports: vec![],
                summary: "s".into(),
                detail,
                evidence: vec![borderwatch_model::TrackLines {
                    source: "t.csv".into(),
                    lines: [2, 9],
                    span: [10, 200],
                    quote: "412000001,2024-05-01T00:00:00Z,38,122".into(),
                }],
            },
        }
    }

    #[test]
    fn events_without_a_place_are_listed_and_identity_events_left_out() {
        let ports: PortCoords = [(
            "cn.a".to_string(),
            PortXY {
                name: "A".into(),
                lon: 121.0,
                lat: 37.0,
            },
        )]
        .into();
        let tracks = vec![
            figure(1, TrackEventKind::Voyage, json!({})),
            figure(2, TrackEventKind::NameChange, json!({})),
            figure(
                3,
                TrackEventKind::Dark,
                json!({"end_lat": 39.0, "end_lon": 123.0}),
            ),
            figure(4, TrackEventKind::Dark, json!({})),
            figure(5, TrackEventKind::Loitering, json!({"hours": 3.0})),
        ];
        let l = layer(&tracks, &ports);
        let placed: Vec<i64> = l.features.iter().map(|f| f.figure.id).collect();
        assert_eq!(placed, [3, 5]);
        let unplaced: Vec<i64> = l.unplaced.iter().map(|u| u.0).collect();
        assert_eq!(unplaced, [1, 4]);
        assert_eq!(
            l.features[0].shape,
            Shape::Line(vec![[122.0, 38.0], [123.0, 39.0]])
        );
        assert!(l.features[0].dashed);
        // The quote and byte span stay out; the name is escaped in KML.
        let k = kml(&l, &ports);
        assert!(!k.contains("2024-05-01T00:00:00Z,38"));
        assert!(k.contains("A&lt;B") && !k.contains("A<B"));
        let g = geojson(&l, &ports).to_string();
        assert!(!g.contains("quote") && !g.contains("span"));
    }

    #[test]
    fn xml_text_escapes_and_drops_forbidden_controls() {
        assert_eq!(
            xml_text("A<B & \"C\"\u{1}\tD"),
            "A&lt;B &amp; &quot;C&quot;\u{fffd}\tD"
        );
    }

    #[test]
    fn dashes_stay_on_the_line_and_leave_gaps() {
        let d = dashes([0.0, 0.0], [12.0, 0.0]);
        assert_eq!(d.len(), DASHES);
        assert_eq!(d[0], [[0.0, 0.0], [0.6, 0.0]]);
        assert!(d.iter().all(|[a, b]| a[0] < b[0] && b[0] <= 12.0));
        assert!(d.windows(2).all(|w| w[0][1][0] < w[1][0][0]));
    }
}
