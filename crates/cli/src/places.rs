//! `borderwatch places`: the gazetteer as JSON (the DESIGN.md §5 contract), GeoJSON or CSV.

use std::io::Write;
use std::path::PathBuf;

use borderwatch_reference::{Crossing, Gazetteer};
use serde_json::{json, Value};

use crate::{load_reference, Outcome};

#[derive(clap::Args)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Json,
    Geojson,
    Csv,
}

pub fn run(data: &Option<PathBuf>, a: &Args) -> Outcome {
    let r = load_reference(data)?;
    let g = &r.gazetteer;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match a.format {
        Format::Json => {
            let v =
                json!({ "places": g.places, "crossings": g.crossings, "ambiguous": g.ambiguous });
            serde_json::to_writer_pretty(&mut out, &v).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        Format::Geojson => {
            serde_json::to_writer(&mut out, &geojson(g)).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        Format::Csv => write_csv(g, &mut out)?,
    }
    out.flush()?;
    Ok(0)
}

fn side_coords(g: &Gazetteer, c: &Crossing) -> Vec<[f64; 2]> {
    c.sides
        .iter()
        .filter_map(|s| g.place(s))
        .filter_map(|p| Some([p.lon?, p.lat?]))
        .collect()
}

fn geojson(g: &Gazetteer) -> Value {
    let mut features = Vec::new();
    for p in &g.places {
        let (Some(lat), Some(lon)) = (p.lat, p.lon) else {
            continue;
        };
        let mut props = serde_json::to_value(p).unwrap_or(Value::Null);
        if let Some(o) = props.as_object_mut() {
            o.remove("lat");
            o.remove("lon");
            o.insert("feature".into(), json!("place"));
        }
        features.push(json!({
            "type": "Feature",
            "id": p.id,
            "geometry": { "type": "Point", "coordinates": [lon, lat] },
            "properties": props,
        }));
    }
    for c in &g.crossings {
        let coords = side_coords(g, c);
        if coords.len() != 2 {
            continue;
        }
        let mut props = serde_json::to_value(c).unwrap_or(Value::Null);
        if let Some(o) = props.as_object_mut() {
            o.insert("feature".into(), json!("crossing"));
        }
        features.push(json!({
            "type": "Feature",
            "id": c.id,
            "geometry": { "type": "LineString", "coordinates": coords },
            "properties": props,
        }));
    }
    json!({ "type": "FeatureCollection", "features": features })
}

fn write_csv(g: &Gazetteer, out: &mut impl Write) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "type",
        "id",
        "kind",
        "country",
        "parent",
        "lat",
        "lon",
        "names",
        "modes",
        "sides",
        "customs_codes",
        "locode",
    ])?;
    let f = |x: Option<f64>| x.map(|v| format!("{v:.4}")).unwrap_or_default();
    for p in &g.places {
        w.write_record(
            [
                "place",
                &p.id,
                p.kind.as_str(),
                &p.country,
                p.parent.as_deref().unwrap_or(""),
                &f(p.lat),
                &f(p.lon),
                &p.names.join("|"),
                "",
                "",
                p.customs_code.as_deref().unwrap_or(""),
                p.locode.as_deref().unwrap_or(""),
            ]
            .map(borderwatch_report::csv_cell),
        )?;
    }
    for c in &g.crossings {
        let coords = side_coords(g, c);
        let mid = |i: usize| (coords.len() == 2).then(|| (coords[0][i] + coords[1][i]) / 2.0);
        let modes: Vec<&str> = c.modes.iter().map(|m| m.as_str()).collect();
        w.write_record(
            [
                "crossing",
                &c.id,
                "crossing",
                "",
                "",
                &f(mid(1)),
                &f(mid(0)),
                &c.names.join("|"),
                &modes.join("|"),
                &c.sides.join("|"),
                &c.customs_codes.join("|"),
                "",
            ]
            .map(borderwatch_report::csv_cell),
        )?;
    }
    w.flush()
}
