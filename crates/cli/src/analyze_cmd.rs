//! `borderwatch analyze`, `export` and `run`: the corridor picture and the findings, as a report
//! or as data for other tools; `run` is the main job (ingest, then the HTML report).

use std::path::PathBuf;

use borderwatch_analyze::{analyze_all as run_analysis, Analysis, Options};
use borderwatch_pipeline::{vessels, Detail, Inputs};

/// The zoom exported vessel lines are thinned for: a point kept every ~30 m of turn.
const EXPORT_ZOOM: f64 = 12.0;
use borderwatch_report::{export, track_map};
use clap::ValueEnum;

use crate::store_cmd::{db_file, db_location, open, store_err};
use crate::{load_reference, Failure, Outcome};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    Md,
    Json,
    Html,
}

#[derive(clap::Args)]
pub struct AnalyzeArgs {
    /// Leave out claims and shipments whose time ends before this date (undated ones stay).
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Leave out claims and shipments whose time starts after this date.
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
    #[arg(long, value_enum, default_value = "md")]
    format: ReportFormat,
    /// Write here instead of stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Keep who said what in the evidence (it can identify a person; left out by default).
    #[arg(long)]
    include_attribution: bool,
    #[command(flatten)]
    view: ViewArgs,
}

/// Which state of the store to analyse.
#[derive(clap::Args, Default)]
pub struct ViewArgs {
    /// The picture as known on this day: the sources ingested and the reviews made by then.
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// Only claims a person confirmed, corrected or added.
    #[arg(long)]
    reviewed_only: bool,
}

impl ViewArgs {
    pub fn view(&self) -> Result<borderwatch_pipeline::reviewed::View, Failure> {
        Ok(borderwatch_pipeline::reviewed::View {
            as_of: date("--as-of", &self.as_of)?,
            reviewed_only: self.reviewed_only,
            today: crate::today(),
        })
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// Corridors, places, claims and vessel-track events as one GeoJSON FeatureCollection
    /// (QGIS); `--what tracks` for the track events alone.
    Geojson,
    /// Corridors, places and vessel-track events as KML (Google Earth); `--what tracks` for
    /// the track events alone.
    Kml,
    /// Corridor flows as CSV (`--what claims` for claims).
    Csv,
    /// FollowTheMoney entities (places, sources) as JSON lines.
    Ftm,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportWhat {
    Corridors,
    Claims,
    /// Vessel-track events (GeoJSON or KML): port calls, voyages, dark periods, encounters,
    /// loitering, each with its file and lines.
    Tracks,
}

#[derive(clap::Args)]
pub struct ExportArgs {
    #[arg(long, value_enum)]
    format: ExportFormat,
    /// For CSV: corridors (default) or claims; for GeoJSON and KML: everything (default) or
    /// tracks (the vessel-track events alone).
    #[arg(long, value_enum, default_value = "corridors")]
    what: ExportWhat,
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Keep who said what in claim exports (it can identify a person; left out by default).
    #[arg(long)]
    include_attribution: bool,
    #[command(flatten)]
    view: ViewArgs,
}

fn date(flag: &str, v: &Option<String>) -> Result<Option<borderwatch_model::Date>, Failure> {
    v.as_deref()
        .map(|d| {
            borderwatch_model::parse_date(d)
                .map_err(|e| Failure::input(format!("error: {flag} {d:?}: {e}")))
        })
        .transpose()
}

/// The store in its reviewed state (rejected claims out, corrections in, added claims in).
pub fn load(
    db: &Option<PathBuf>,
    detail: Detail,
    reference: &borderwatch_reference::Reference,
    view: &ViewArgs,
) -> Result<Inputs, Failure> {
    let screener = borderwatch_screen::Screener::new(&reference.rulebook, &reference.hs);
    let r =
        borderwatch_pipeline::reviewed::load_reviewed(&open(db)?, detail, &screener, &view.view()?)
            .map_err(store_err)?;
    Ok(r.inputs)
}

/// Every core: the analysis gives the same result on any number.
fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn write_out(out: &Option<PathBuf>, text: &str) -> Outcome {
    match out {
        Some(p) => {
            std::fs::write(p, text)
                .map_err(|e| Failure::input(format!("error: {}: {e}", p.display())))?;
            eprintln!("wrote {}", p.display());
        }
        None => {
            use std::io::Write;
            let mut o = std::io::stdout().lock();
            o.write_all(text.as_bytes())?;
            o.flush()?;
        }
    }
    Ok(0)
}

/// The vessels' positions in the period, from the track sources the view knows, as lines
/// thinned for `zoom` (at most `max_points` points).
fn vessel_paths(
    db: &Option<PathBuf>,
    o: &Options,
    l: &Inputs,
    zoom: f64,
    max_points: usize,
) -> Result<Vec<track_map::VesselPath>, Failure> {
    let f = borderwatch_store::PositionFilter {
        since: o.since.and_then(|d| vessels::day_secs(d, false)),
        until: o.until.and_then(|d| vessels::day_secs(d, true)),
        sources: Some(l.sources.iter().map(|s| s.id).collect()),
        ..Default::default()
    };
    let lines = vessels::track_lines(&open(db)?, &f, zoom, max_points).map_err(store_err)?;
    Ok(vessels::paths(&lines))
}

fn render(
    a: &Analysis,
    gz: &borderwatch_reference::Gazetteer,
    f: ReportFormat,
    paths: &[track_map::VesselPath],
) -> String {
    match f {
        ReportFormat::Md => borderwatch_report::markdown(a),
        ReportFormat::Json => serde_json::to_string_pretty(a).unwrap_or_default() + "\n",
        ReportFormat::Html => borderwatch_report::html_with_paths(
            a,
            gz,
            "borderwatch: what crosses the border",
            paths,
        ),
    }
}

pub fn analyze(data: &Option<PathBuf>, db: &Option<PathBuf>, a: &AnalyzeArgs) -> Outcome {
    if let Some(out) = &a.out {
        crate::guard::output("--out", out, db_file(db).as_deref(), &[])?;
    }
    let reference = load_reference(data)?;
    let options = Options {
        since: date("--since", &a.since)?,
        until: date("--until", &a.until)?,
        include_attribution: a.include_attribution,
        threads: cores(),
        ..Options::with_units(&reference.cues.quantity)
    };
    let l = load(
        db,
        Detail::Analysis {
            attribution: a.include_attribution,
        },
        &reference,
        &a.view,
    )?;
    let analysis = run_analysis(
        &l.claims,
        &l.shipments,
        &l.tracks,
        &reference.gazetteer,
        &options,
    );
    let paths = match a.format {
        ReportFormat::Html => vessel_paths(
            db,
            &options,
            &l,
            vessels::REGION_ZOOM,
            vessels::REGION_POINTS,
        )?,
        _ => Vec::new(),
    };
    let o = write_out(
        &a.out,
        &render(&analysis, &reference.gazetteer, a.format, &paths),
    );
    // The process ends after this command: freeing a million claims one allocation at a time
    // would take longer than the analysis of some of them, and the OS takes it all back anyway.
    std::mem::forget(l);
    std::mem::forget(analysis);
    o
}

pub fn export(data: &Option<PathBuf>, db: &Option<PathBuf>, a: &ExportArgs) -> Outcome {
    if let Some(out) = &a.out {
        crate::guard::output("--out", out, db_file(db).as_deref(), &[])?;
    }
    let reference = load_reference(data)?;
    let options = Options {
        since: date("--since", &a.since)?,
        until: date("--until", &a.until)?,
        include_attribution: false,
        threads: cores(),
        ..Options::with_units(&reference.cues.quantity)
    };
    let l = load(db, Detail::Full, &reference, &a.view)?;
    let gz = &reference.gazetteer;
    let analysis = run_analysis(&l.claims, &l.shipments, &l.tracks, gz, &options);
    // The ports pack is read only when there are tracks to place.
    let ports = if analysis.tracks.is_empty() {
        track_map::PortCoords::new()
    } else {
        port_coords(data, gz)?
    };
    let mut layer = track_map::layer(&analysis.tracks, &ports);
    if matches!(a.format, ExportFormat::Geojson | ExportFormat::Kml) {
        // For GIS: thinned to about 30 m (zoom 12), never capped.
        layer.paths = vessel_paths(db, &options, &l, EXPORT_ZOOM, usize::MAX)?;
    }
    if !layer.unplaced.is_empty() {
        let ids: Vec<String> = layer
            .unplaced
            .iter()
            .map(|(id, why)| format!("{id} ({why})"))
            .collect();
        eprintln!(
            "note: {} track events not on the map: {}",
            ids.len(),
            ids.join(", ")
        );
    }
    let text = match (a.format, a.what) {
        (f @ (ExportFormat::Csv | ExportFormat::Ftm), ExportWhat::Tracks) => {
            return Err(Failure::input(
                format!("error: --what tracks is for --format geojson or kml, not {f:?}")
                    .to_lowercase(),
            ))
        }
        (ExportFormat::Geojson, ExportWhat::Tracks) => {
            serde_json::to_string_pretty(&track_map::geojson(&layer, &ports)).unwrap_or_default()
                + "\n"
        }
        (ExportFormat::Geojson, _) => {
            serde_json::to_string_pretty(&export::geojson_with_tracks(
                &analysis,
                gz,
                &l.claims,
                a.include_attribution,
                &layer,
                &ports,
            ))
            .unwrap_or_default()
                + "\n"
        }
        (ExportFormat::Kml, ExportWhat::Tracks) => track_map::kml(&layer, &ports),
        (ExportFormat::Kml, _) => export::kml_with_tracks(&analysis, gz, &layer, &ports),
        (ExportFormat::Csv, ExportWhat::Corridors) => export::corridors_csv(&analysis),
        (ExportFormat::Csv, ExportWhat::Claims) => {
            export::claims_csv(&l.claims, a.include_attribution)
        }
        (ExportFormat::Ftm, _) => export::ftm(&analysis, gz, &l.sources),
    };
    // Logged before anything is written: an export the log cannot record is not made.
    let store = crate::store_cmd::open(db)?;
    crate::users_cmd::audit_read(
        &store,
        "export",
        format!("export {:?} {:?}", a.format, a.what).to_lowercase(),
        a.include_attribution
            .then(|| "with attribution".to_string()),
    )?;
    write_out(&a.out, &text)
}

/// Every port's name and coordinates (the gazetteer's and the searoute pack's), by port id.
fn port_coords(
    data: &Option<PathBuf>,
    gz: &borderwatch_reference::Gazetteer,
) -> Result<track_map::PortCoords, Failure> {
    Ok(crate::ais_cmd::ports(data, gz)?
        .ports
        .into_iter()
        .map(|p| {
            let xy = track_map::PortXY {
                name: p.name,
                lon: p.lon,
                lat: p.lat,
            };
            (p.id, xy)
        })
        .collect())
}

#[derive(clap::Args)]
pub struct RunArgs {
    /// Reports and shipment files, or directories of them.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Where to write the HTML report.
    #[arg(long, value_name = "FILE", default_value = "borderwatch-report.html")]
    out: PathBuf,
    /// Start from an empty store (deletes the database file given with --db or
    /// $BORDERWATCH_DB first; refuses the default ./borderwatch.db).
    #[arg(long)]
    fresh: bool,
}

/// The main job: ingest the paths into the store, analyse everything stored, write the HTML
/// report and say where it is.
pub fn run(data: &Option<PathBuf>, db: &Option<PathBuf>, a: &RunArgs) -> Outcome {
    let file = db_file(db);
    let inputs: Vec<&std::path::Path> = a.paths.iter().map(PathBuf::as_path).collect();
    crate::guard::output("--out", &a.out, file.as_deref(), &inputs)?;
    if a.fresh {
        let Some(path) = file else {
            return Err(Failure::input(
                "error: --fresh deletes a store file; a PostgreSQL store starts empty in a new \
                 database (createdb) instead",
            ));
        };
        if db.is_none() && std::env::var_os("BORDERWATCH_DB").is_none() {
            return Err(Failure::input(
                "error: --fresh needs --db PATH (it deletes that file first)",
            ));
        }
        // Only a store is deleted: a mistyped --db naming a document or another program's
        // database is refused before anything is touched.
        match borderwatch_store::probe(&path) {
            borderwatch_store::Probe::Absent
            | borderwatch_store::Probe::Empty
            | borderwatch_store::Probe::Store => {}
            borderwatch_store::Probe::Other(why) => {
                return Err(Failure::input(format!(
                    "error: --fresh: {} is {why}; refusing to delete it",
                    path.display()
                )))
            }
        }
        for suffix in ["", "-wal", "-shm"] {
            let p = PathBuf::from(format!("{}{suffix}", path.display()));
            if p.exists() {
                std::fs::remove_file(&p)
                    .map_err(|e| Failure::input(format!("error: {}: {e}", p.display())))?;
            }
        }
    }
    let ingest = crate::store_cmd::IngestArgs::for_paths(a.paths.clone());
    let code = crate::store_cmd::ingest(data, db, &ingest)?;
    let reference = load_reference(data)?;
    let l = load(
        db,
        Detail::Analysis { attribution: false },
        &reference,
        &ViewArgs::default(),
    )?;
    let options = Options {
        threads: cores(),
        ..Options::with_units(&reference.cues.quantity)
    };
    let analysis = run_analysis(
        &l.claims,
        &l.shipments,
        &l.tracks,
        &reference.gazetteer,
        &options,
    );
    let paths = vessel_paths(
        db,
        &options,
        &l,
        vessels::REGION_ZOOM,
        vessels::REGION_POINTS,
    )?;
    let html = render(&analysis, &reference.gazetteer, ReportFormat::Html, &paths);
    std::fs::write(&a.out, html)
        .map_err(|e| Failure::input(format!("error: {}: {e}", a.out.display())))?;
    let abs = std::fs::canonicalize(&a.out).unwrap_or_else(|_| a.out.clone());
    println!(
        "analysed {} claims and {} shipments from {} sources: {} corridors, {} findings",
        l.claims.len(),
        l.shipments.len(),
        analysis.sources,
        analysis.corridors.len(),
        analysis.findings.len()
    );
    println!("store: {}", db_location(db));
    println!("report: {}", abs.display());
    Ok(code)
}
