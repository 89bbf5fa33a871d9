//! `borderwatch ingest`, `query`, `show`, `reprocess` and `db`: the store from the command line.

use std::path::PathBuf;

use borderwatch_extract::{Extractor, Options};
use borderwatch_model::Issue;
use borderwatch_pipeline::{self as pipeline, Kind, Prep, Prepared};
use borderwatch_screen::Screener;
use borderwatch_store::{Access, ClaimFilter, Location, PreparedClaim, Store};
use clap::{Subcommand, ValueEnum};

use crate::{load_reference, Failure, Outcome};

/// Which database: `--db`, `$BORDERWATCH_DB`, else `./borderwatch.db`.
pub fn db_path(explicit: &Option<PathBuf>) -> PathBuf {
    explicit
        .clone()
        .or_else(|| std::env::var_os("BORDERWATCH_DB").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("borderwatch.db"))
}

/// Where the store lives: a `postgres://` URL given as `--db` or `$BORDERWATCH_DB` is a
/// PostgreSQL database, anything else an SQLite file.
pub fn db_location(explicit: &Option<PathBuf>) -> Location {
    let p = db_path(explicit);
    match p.to_str() {
        Some(s) => Location::parse(s),
        None => Location::Sqlite(p),
    }
}

/// The store's file when it is an SQLite store (what output guards compare paths with).
pub fn db_file(explicit: &Option<PathBuf>) -> Option<PathBuf> {
    match db_location(explicit) {
        Location::Sqlite(p) => Some(p),
        Location::Postgres(_) => None,
    }
}

/// Opens the store for a command that reads it: one that does not exist is an error.
pub fn open(db: &Option<PathBuf>) -> Result<Store, Failure> {
    open_at(&db_location(db), Access::Existing)
}

/// Opens (creating when absent) the store for a command that writes: a damaged one is refused.
pub fn open_for_writing(db: &Option<PathBuf>) -> Result<Store, Failure> {
    open_at(&db_location(db), Access::Write)
}

fn open_at(at: &Location, access: Access) -> Result<Store, Failure> {
    Store::open_at(at, access).map_err(store_err)
}

pub fn store_err(e: borderwatch_store::StoreError) -> Failure {
    Failure::input(format!("error: {e}"))
}

/// UTC now as `YYYY-MM-DDTHH:MM:SSZ` (the store records when things were ingested).
pub fn now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let t = secs % 86_400;
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        crate::today(),
        t / 3600,
        t / 60 % 60,
        t % 60
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum IngestKind {
    /// Reports by extension (.txt .md .html); shipment files (.csv .jsonl .ndjson) by header.
    Auto,
    /// Every file is a report.
    Report,
    /// Every file is a shipment file (CSV with a header, or JSON lines).
    Shipments,
}

#[derive(clap::Args)]
pub struct IngestArgs {
    /// Files or directories (read recursively). Reports: .txt, .md, .markdown, .html, .htm;
    /// shipment files: .csv, .tsv, .jsonl, .ndjson, recognised by their header; vessel tracks:
    /// .nmea, .ais, and AIS sentences or a position table (MMSI, lat, lon) under any of those
    /// names, recognised by their content. A simulation's flows.csv is skipped with a note.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Publication date of the reports (YYYY-MM-DD), when they share one.
    #[arg(long, value_name = "DATE")]
    published: Option<String>,
    #[arg(long, value_enum, default_value = "auto")]
    kind: IngestKind,
    /// Vessel tracks: the time of every AIS message or position row without one of its own
    /// (Unix seconds, RFC 3339 or YYYY-MM-DD HH:MM:SS, UTC). Without it such lines are
    /// rejected (kept as issues).
    #[arg(long, value_name = "TIME")]
    file_time: Option<String>,
    /// Shipment files: read column COL as FIELD (hs, description, direction, date, quantity, unit,
    /// value, product, shipment_id, origin, destination, crossing, mode). Repeatable.
    #[arg(long = "map", value_name = "COL=FIELD")]
    map: Vec<String>,
    /// Worker threads for extraction (default: every core but one, which the writer keeps);
    /// one writer stores in file order.
    #[arg(long)]
    jobs: Option<usize>,
    /// Commit after about this many stored rows (claims, shipments, sources). Smaller shows new
    /// files to readers sooner; larger ingests faster. Each file is whole either way.
    #[arg(long, value_name = "N", default_value_t = 20_000)]
    batch_rows: usize,
}

impl IngestArgs {
    /// Ingest these paths with every default (for `run`).
    pub fn for_paths(paths: Vec<PathBuf>) -> IngestArgs {
        IngestArgs {
            paths,
            published: None,
            file_time: None,
            kind: IngestKind::Auto,
            map: Vec::new(),
            jobs: None,
            batch_rows: 20_000,
        }
    }
}

/// A source's name: its path inside the folder given, parts joined by `/` (a file given by
/// itself: its file name), so no output shows the analyst's own folders. The paths as given are
/// kept in the ingest run's record only.
fn source_name(given: &[PathBuf], file: &std::path::Path) -> String {
    let inside = given
        .iter()
        .filter_map(|g| file.strip_prefix(g).ok())
        .find(|rel| !rel.as_os_str().is_empty());
    match inside {
        Some(rel) => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        None => file.file_name().map_or_else(
            || file.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        ),
    }
}

pub fn ingest(data: &Option<PathBuf>, db: &Option<PathBuf>, a: &IngestArgs) -> Outcome {
    let reference = load_reference(data)?;
    let extractor =
        Extractor::new(&reference).map_err(|e| Failure::input(format!("error: {e}")))?;
    let screener = Screener::new(&reference.rulebook, &reference.hs);
    let published = a
        .published
        .as_deref()
        .map(|d| {
            borderwatch_model::parse_date(d)
                .map_err(|e| Failure::input(format!("error: --published {d:?}: {e}")))
        })
        .transpose()?;
    let map = crate::screen_cmd::parse_maps(&a.map)?;
    let mut opts = Options::new(published.unwrap_or_else(crate::today));
    opts.published = published;
    let tracks = crate::ais_cmd::track_setup(data, &reference.gazetteer, &a.file_time)?;
    let mut store = open_for_writing(db)?;
    let known = store.source_hashes().map_err(store_err)?;
    let run = store
        .begin_run(env!("CARGO_PKG_VERSION"), &now())
        .map_err(store_err)?;
    let given: Vec<String> = a.paths.iter().map(|p| p.display().to_string()).collect();
    store.record_run_paths(run, &given).map_err(store_err)?;
    let walked = pipeline::walk::walk(&a.paths);
    let files = walked.files;
    let mut t = Tally::default();
    // Failures, and entries skipped on purpose (FIFOs, links out of the tree): said, and kept
    // as issues.
    for (level, list) in [("error", &walked.failed), ("warning", &walked.skipped)] {
        for i in list {
            let file = i.file.as_deref().unwrap_or("");
            eprintln!("{level}: {file}: {}: {}", i.code, i.message);
            store.record_failure(run, i).map_err(store_err)?;
        }
    }
    t.failed += walked.failed.len() as i64;
    t.skipped += walked.skipped.len() as i64;
    let walk_errors = &walked.failed;
    let bar = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        indicatif::ProgressBar::new(files.len() as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    let prep = Prep {
        extractor: &extractor,
        screener: &screener,
        gazetteer: &reference.gazetteer,
        opts: &opts,
        kind: match a.kind {
            IngestKind::Auto => Kind::Auto,
            IngestKind::Report => Kind::Report,
            IngestKind::Shipments => Kind::Shipments,
        },
        map: &map,
        known: &known,
        tracks: Some(&tracks),
    };
    // The writer keeps a core of its own: extraction workers take the rest.
    let jobs = a.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1))
    });
    // Files are committed in batches of about --batch-rows stored rows: a commit per small file
    // would dominate the run. A batch holds whole files only.
    let mut in_batch = 0usize;
    store.begin_batch().map_err(store_err)?;
    crate::pool::ordered(
        &files,
        jobs,
        // Shipment files are streamed by the writer: here only judged and hashed.
        |path| prep.prepare_path(&source_name(&a.paths, path), path),
        |i, p| -> Result<(), Failure> {
            bar.inc(1);
            if in_batch >= a.batch_rows {
                store.commit_batch().map_err(store_err)?;
                store.begin_batch().map_err(store_err)?;
                in_batch = 0;
            }
            let name = source_name(&a.paths, &files[i]);
            match &p {
                Prepared::Skipped => t.skipped += 1,
                Prepared::SkippedWith(note) => {
                    bar.suspend(|| eprintln!("note: {note}"));
                    t.skipped += 1;
                }
                Prepared::Unchanged => t.unchanged += 1,
                Prepared::Failed(issue) => {
                    bar.suspend(|| eprintln!("error: {name}: {}: {}", issue.code, issue.message));
                    t.failed += 1;
                }
                _ => {}
            }
            let w = match &p {
                Prepared::ShipmentFile {
                    path,
                    media,
                    format,
                    size,
                    sha256,
                } => match prep
                    .write_file(
                        &mut store,
                        run,
                        &name,
                        path,
                        media,
                        *format,
                        *size,
                        sha256,
                        &now(),
                    )
                    .map_err(store_err)?
                {
                    Ok(w) => w,
                    Err(issue) => {
                        bar.suspend(|| {
                            eprintln!("error: {name}: {}: {}", issue.code, issue.message)
                        });
                        t.failed += 1;
                        store.record_failure(run, &issue).map_err(store_err)?;
                        return Ok(());
                    }
                },
                _ => pipeline::write(&mut store, run, &name, &p, &now()).map_err(store_err)?,
            };
            if let (true, Prepared::Track { .. }) = (w.new, &p) {
                let [read, decoded, rejected] = w.lines;
                bar.suspend(|| {
                    eprintln!(
                        "{name}: read {read} = decoded {decoded} + rejected {rejected}; \
                         track events {} (claims {})",
                        w.events, w.claims
                    )
                });
                t.tracks += 1;
                t.track_lines[0] += read;
                t.track_lines[1] += decoded;
                t.track_lines[2] += rejected;
                t.events += w.events;
            }
            if w.new {
                t.new += 1;
                in_batch += w.rows();
                t.claims += w.claims;
                t.shipments += w.shipments;
                t.rejected += w.rejected;
                t.issues += w.issues;
            } else if w.source.is_some() {
                t.unchanged += 1;
            }
            Ok(())
        },
    )?;
    store.commit_batch().map_err(store_err)?;
    bar.finish_and_clear();
    let total = files.len() as i64 + walk_errors.len() as i64 + walked.skipped.len() as i64;
    store
        .finish_run(run, &now(), [total, t.new, t.unchanged, t.failed])
        .map_err(store_err)?;
    println!(
        "files {total}: new {}, unchanged {}, failed {}, skipped {}; claims {}; shipments {}; rows rejected {}; issues {}",
        t.new, t.unchanged, t.failed, t.skipped, t.claims, t.shipments, t.rejected, t.issues
    );
    if t.tracks > 0 {
        let [read, decoded, rejected] = t.track_lines;
        println!(
            "tracks {}: lines read {read} = decoded {decoded} + rejected {rejected}; track events {}",
            t.tracks, t.events
        );
    }
    if t.rejected > 0 {
        eprintln!("rejected rows are stored as issues: borderwatch query issues");
    }
    Ok(if t.failed > 0 { 2 } else { 0 })
}

#[derive(Default)]
struct Tally {
    new: i64,
    unchanged: i64,
    failed: i64,
    skipped: i64,
    claims: usize,
    shipments: usize,
    rejected: usize,
    issues: usize,
    tracks: usize,
    track_lines: [u64; 3],
    events: usize,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum QueryFormat {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum What {
    Claims,
    Shipments,
    Sources,
    Issues,
    /// What vessel tracks show: port calls, voyages, dark periods, encounters, loitering,
    /// identity events, each with its file and lines.
    Tracks,
}

#[derive(clap::Args)]
pub struct QueryArgs {
    what: What,
    /// Crossing id (e.g. quanhe-wonjong).
    #[arg(long)]
    crossing: Option<String>,
    /// Place id: from, to, at or mentioned.
    #[arg(long)]
    place: Option<String>,
    #[arg(long)]
    direction: Option<String>,
    /// HS prefix of any goods item.
    #[arg(long)]
    hs: Option<String>,
    /// Claim kind: movement, storage, condition, status, policy (for `tracks`: port-call,
    /// voyage, dark, encounter, loitering, name-change, …).
    #[arg(long)]
    kind: Option<String>,
    /// Claims whose time ends on or after this date.
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Claims whose time starts on or before this date.
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
    /// Source name or id.
    #[arg(long)]
    source: Option<String>,
    #[arg(long)]
    limit: Option<usize>,
    #[arg(long, value_enum, default_value = "table")]
    format: QueryFormat,
    /// Keep who said it in the claims' JSON (it can identify a person).
    #[arg(long)]
    include_attribution: bool,
}

/// Writes rows as a tab-separated table, CSV, or a JSON array of objects keyed by the header.
fn emit(format: QueryFormat, header: &[&str], rows: Vec<Vec<String>>) -> Outcome {
    if let QueryFormat::Json = format {
        let v: Vec<serde_json::Map<String, serde_json::Value>> = rows
            .into_iter()
            .map(|r| {
                header
                    .iter()
                    .map(|h| h.to_string())
                    .zip(r.into_iter().map(serde_json::Value::from))
                    .collect()
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        return Ok(0);
    }
    let sep = if matches!(format, QueryFormat::Csv) {
        b','
    } else {
        b'\t'
    };
    let mut w = csv::WriterBuilder::new()
        .delimiter(sep)
        .from_writer(std::io::stdout());
    w.write_record(header)?;
    for r in rows {
        w.write_record(r.iter().map(|c| borderwatch_report::csv_cell(c.as_ref())))?;
    }
    w.flush()?;
    Ok(0)
}

pub fn query(db: &Option<PathBuf>, a: &QueryArgs) -> Outcome {
    let store = open(db)?;
    for (flag, v) in [("--since", &a.since), ("--until", &a.until)] {
        if let Some(d) = v {
            borderwatch_model::parse_date(d)
                .map_err(|e| Failure::input(format!("error: {flag} {d:?}: {e}")))?;
        }
    }
    let f = ClaimFilter {
        crossing: a.crossing.clone(),
        place: a.place.clone(),
        direction: a.direction.clone(),
        hs: a.hs.clone(),
        kind: a.kind.clone(),
        since: a.since.clone(),
        until: a.until.clone(),
        source: a.source.clone(),
        limit: a.limit,
        ..Default::default()
    };
    match a.what {
        What::Shipments => {
            if a.kind.is_some() {
                return Err(Failure::input(
                    "error: --kind filters claims; shipments have no kind",
                ));
            }
            let rows = store.shipments(&f).map_err(store_err)?;
            let num = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
            let opt = |x: &Option<String>| x.clone().unwrap_or_default();
            let table = rows
                .into_iter()
                .map(|r| {
                    let s = &r.shipment;
                    vec![
                        r.id.to_string(),
                        r.source_name.clone(),
                        r.line.to_string(),
                        opt(&s.id),
                        s.date.to_string(),
                        s.hs.as_ref().map(|h| h.to_string()).unwrap_or_default(),
                        opt(&s.description),
                        s.direction.to_string(),
                        num(s.quantity),
                        opt(&s.unit),
                        num(s.value_usd),
                        opt(&s.origin),
                        opt(&s.destination),
                        opt(&s.crossing),
                        s.mode.map(|m| m.to_string()).unwrap_or_default(),
                        r.status.to_string(),
                        r.measures.join(";"),
                        r.reason,
                    ]
                })
                .collect();
            emit(
                a.format,
                &[
                    "id",
                    "source",
                    "line",
                    "shipment_id",
                    "date",
                    "hs",
                    "description",
                    "direction",
                    "quantity",
                    "unit",
                    "value_usd",
                    "origin",
                    "destination",
                    "crossing",
                    "mode",
                    "verdict",
                    "measures",
                    "reason",
                ],
                table,
            )
        }
        What::Claims => {
            let rows = store.claims(&f).map_err(store_err)?;
            if a.include_attribution {
                crate::users_cmd::audit_read(
                    &store,
                    "read-attribution",
                    "query claims".into(),
                    Some(format!("{} claims", rows.len())),
                )?;
            }
            if let QueryFormat::Json = a.format {
                // The whole claim, with the store's ids.
                let v: Vec<serde_json::Value> = rows
                    .iter()
                    .map(|r| {
                        let mut c = if a.include_attribution {
                            serde_json::to_value(&r.claim)
                        } else {
                            serde_json::to_value(r.claim.redacted())
                        }
                        .unwrap_or_default();
                        if let Some(o) = c.as_object_mut() {
                            o.insert("id".into(), r.id.into());
                            o.insert("source_id".into(), r.source_id.into());
                            o.insert(
                                "extractor_version".into(),
                                r.extractor_version.clone().into(),
                            );
                        }
                        c
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
                return Ok(0);
            }
            let table = rows
                .iter()
                .map(|r| {
                    let c = &r.claim;
                    let goods: Vec<String> = c
                        .goods
                        .iter()
                        .map(|g| format!("{}:{}", g.text, g.hs.as_deref().unwrap_or("")))
                        .collect();
                    let day = |d: Option<borderwatch_model::Date>| {
                        d.map(|d| d.to_string()).unwrap_or_default()
                    };
                    vec![
                        r.id.to_string(),
                        r.source_name.clone(),
                        c.kind.as_str().to_string(),
                        c.direction.to_string(),
                        c.from.clone().unwrap_or_default(),
                        c.to.clone().unwrap_or_default(),
                        c.via.clone().unwrap_or_default(),
                        c.mode.map(|m| m.to_string()).unwrap_or_default(),
                        format!("{:?}", c.polarity).to_lowercase(),
                        goods.join("; "),
                        day(c.when.as_ref().and_then(|w| w.start)),
                        day(c.when.as_ref().and_then(|w| w.end)),
                    ]
                })
                .collect();
            emit(
                a.format,
                &[
                    "id",
                    "source",
                    "kind",
                    "direction",
                    "from",
                    "to",
                    "via",
                    "mode",
                    "polarity",
                    "goods",
                    "start",
                    "end",
                ],
                table,
            )
        }
        What::Sources => {
            let rows = store
                .sources()
                .map_err(store_err)?
                .into_iter()
                .map(|s| {
                    vec![
                        s.id.to_string(),
                        s.name,
                        s.sha256,
                        s.media_type,
                        s.kind,
                        s.published.unwrap_or_default(),
                        s.ingested_at,
                        s.size.to_string(),
                        s.claims.to_string(),
                        s.shipments.to_string(),
                    ]
                })
                .collect();
            emit(
                a.format,
                &[
                    "id",
                    "name",
                    "sha256",
                    "media_type",
                    "kind",
                    "published",
                    "ingested_at",
                    "bytes",
                    "claims",
                    "shipments",
                ],
                rows,
            )
        }
        What::Issues => {
            let rows = store
                .issues()
                .map_err(store_err)?
                .into_iter()
                .map(|i| {
                    vec![
                        i.source.unwrap_or_default(),
                        i.code,
                        i.message,
                        i.line.map(|l| l.to_string()).unwrap_or_default(),
                        i.value.unwrap_or_default(),
                    ]
                })
                .collect();
            emit(
                a.format,
                &["source", "code", "message", "line", "value"],
                rows,
            )
        }
        What::Tracks => {
            let mut rows: Vec<Vec<String>> = Vec::new();
            for t in store.track_events().map_err(store_err)? {
                let e = &t.event;
                let source = e.evidence.first().map_or("", |l| l.source.as_str());
                let wanted = a
                    .source
                    .as_deref()
                    .is_none_or(|s| s == source || s.parse::<i64>().ok() == Some(t.source_id))
                    && a.kind.as_deref().is_none_or(|k| k == e.kind.as_str());
                if !wanted {
                    continue;
                }
                let lines: Vec<String> = e
                    .evidence
                    .iter()
                    .map(|l| format!("{}-{}", l.lines[0], l.lines[1]))
                    .collect();
                rows.push(vec![
                    t.id.to_string(),
                    source.to_string(),
                    e.kind.as_str().to_string(),
                    borderwatch_report::utc(e.start),
                    borderwatch_report::utc(e.end),
                    e.vessels
                        .iter()
                        .map(|v| v.mmsi.to_string())
                        .collect::<Vec<_>>()
                        .join(";"),
                    t.claim_id.map(|c| c.to_string()).unwrap_or_default(),
                    e.summary.clone(),
                    lines.join(";"),
                ]);
                if a.limit.is_some_and(|n| rows.len() >= n) {
                    break;
                }
            }
            emit(
                a.format,
                &[
                    "id", "source", "kind", "start", "end", "mmsi", "claim", "summary", "lines",
                ],
                rows,
            )
        }
    }
}

#[derive(Subcommand)]
pub enum ShowCommand {
    /// A stored claim with its evidence quoted.
    Claim {
        id: i64,
        /// Keep who said it (it can identify a person).
        #[arg(long)]
        include_attribution: bool,
    },
}

pub fn show(db: &Option<PathBuf>, c: &ShowCommand) -> Outcome {
    let store = open(db)?;
    let ShowCommand::Claim {
        id,
        include_attribution,
    } = c;
    let Some(mut r) = store.claim(*id).map_err(store_err)? else {
        return Err(Failure::input(format!("error: no claim {id}")));
    };
    if !include_attribution {
        r.claim = r.claim.redacted();
    } else {
        crate::users_cmd::audit_read(&store, "read-attribution", format!("claim {id}"), None)?;
    }
    let v = serde_json::to_string_pretty(&r.claim).unwrap_or_default();
    println!(
        "claim {} from source {} ({}), {}",
        r.id, r.source_id, r.source_name, r.extractor_version
    );
    println!("> {}", r.claim.evidence.text.replace('\n', " "));
    println!(
        "  bytes {}–{}",
        r.claim.evidence.span[0], r.claim.evidence.span[1]
    );
    println!("{v}");
    for l in crate::review_cmd::reviews_of_claim(&store, *id, *include_attribution)? {
        println!("{l}");
    }
    Ok(0)
}

#[derive(Subcommand)]
pub enum DbCommand {
    /// Integrity, foreign keys, and every evidence span inside its archived source.
    Check,
    /// Copy the database with SQLite's online backup (written beside the target, then renamed
    /// over it: an interrupted backup leaves the old file or nothing).
    Backup {
        path: PathBuf,
        /// Replace the file at PATH if there is one.
        #[arg(long)]
        force: bool,
    },
    /// Copy a whole store between SQLite and PostgreSQL (SRC and DST: a path or a
    /// postgres:// URL), in one transaction of DST that commits only when every table's row
    /// count and SHA-256, read back from DST, equal SRC's. DST must be new (a path that does not
    /// exist, a database with no tables).
    #[command(
        after_help = "Examples:\n  borderwatch db copy examples.db postgres://borderwatch@127.0.0.1:54329/borderwatch\n  borderwatch db copy postgres://borderwatch@127.0.0.1:54329/borderwatch back.db"
    )]
    Copy { src: String, dst: String },
}

pub fn db(db: &Option<PathBuf>, c: &DbCommand) -> Outcome {
    match c {
        DbCommand::Check => {
            let store = open(db)?;
            let mut problems = store.check().map_err(store_err)?;
            if problems.is_empty() {
                problems =
                    borderwatch_pipeline::vessels::check_positions(&store).map_err(store_err)?;
            }
            let n = store.counts().map_err(store_err)?;
            if problems.is_empty() {
                println!(
                    "ok: schema {}, {} sources, {} claims, {} shipments, {} issues",
                    store.schema_version().map_err(store_err)?,
                    n.sources,
                    n.claims,
                    n.shipments,
                    n.issues
                );
                Ok(0)
            } else {
                Err(Failure {
                    code: 1,
                    lines: problems,
                })
            }
        }
        DbCommand::Backup { path, force } => {
            open(db)?.backup(path, *force).map_err(store_err)?;
            println!("backed up to {}", path.display());
            Ok(0)
        }
        DbCommand::Copy { src, dst } => db_copy(src, dst),
    }
}

/// `db copy SRC DST`: prints each table's rows and hash, equal on both sides.
fn db_copy(src: &str, dst: &str) -> Outcome {
    let (from, to) = (Location::parse(src), Location::parse(dst));
    if let Location::Sqlite(p) = &from {
        // An older store is migrated first: the copy reads the schema this binary writes. A
        // team's store records that everything in it, attribution included, was taken out;
        // the entry travels with the copy.
        let store = open(&Some(p.clone()))?;
        crate::users_cmd::audit_read(
            &store,
            "export",
            "store".into(),
            Some(format!("db copy to {to}")),
        )?;
    }
    let report = borderwatch_store::copy(&from, &to).map_err(store_err)?;
    if let Location::Sqlite(p) = &to {
        let store = open(&Some(p.clone()))?;
        crate::users_cmd::audit_read(
            &store,
            "export",
            "store".into(),
            Some(format!("db copy from {from}")),
        )?;
    }
    let rows: u64 = report.tables.iter().map(|t| t.rows).sum();
    for t in &report.tables {
        println!("{:<16} {:>10} rows  sha256 {}", t.table, t.rows, t.sha256);
    }
    println!(
        "copied {from} to {to}: {} tables, {rows} rows; counts and hashes equal on both sides",
        report.tables.len()
    );
    Ok(0)
}

/// `reprocess`: the current extractor over every archived report, one transaction per source.
pub fn reprocess(data: &Option<PathBuf>, db: &Option<PathBuf>) -> Outcome {
    let reference = load_reference(data)?;
    let extractor =
        Extractor::new(&reference).map_err(|e| Failure::input(format!("error: {e}")))?;
    drop(open(db)?);
    let mut store = open_for_writing(db)?;
    let run = store
        .begin_run(env!("CARGO_PKG_VERSION"), &now())
        .map_err(store_err)?;
    let sources = store.sources().map_err(store_err)?;
    let (mut done, mut claims) = (0, 0);
    let (mut tracks, mut events) = (0, 0);
    // Track sources keep the time and column overrides they were read with.
    let setup = crate::ais_cmd::track_setup(data, &reference.gazetteer, &None)?;
    for s in &sources {
        if s.kind == "track" {
            match pipeline::reprocess_track(&mut store, run, s.id, &s.name, &setup)
                .map_err(store_err)?
            {
                Ok(([read, decoded, rejected], n)) => {
                    eprintln!(
                        "{}: read {read} = decoded {decoded} + rejected {rejected}; track events {n}",
                        s.name
                    );
                    done += 1;
                    tracks += 1;
                    events += n;
                }
                Err(i) => {
                    eprintln!("error: {}: {}: {}", s.name, i.code, i.message);
                    store.record_failure(run, &i).map_err(store_err)?;
                }
            }
            continue;
        }
        if s.kind != "report" {
            continue;
        }
        let Some(bytes) = store.source_bytes(s.id).map_err(store_err)? else {
            continue;
        };
        let published = s
            .published
            .as_deref()
            .and_then(|d| borderwatch_model::parse_date(d).ok());
        let mut opts = Options::new(published.unwrap_or_else(crate::today));
        opts.published = published;
        match extractor.extract(&s.name, &bytes, &opts) {
            Ok(x) => {
                store
                    .replace_claims(
                        s.id,
                        run,
                        &PreparedClaim::all(x.claims.clone()).map_err(store_err)?,
                        &x.issues,
                        borderwatch_extract::VERSION,
                    )
                    .map_err(store_err)?;
                done += 1;
                claims += x.claims.len();
            }
            Err(e) => {
                let mut i = Issue::new(e.code, e.message);
                i.file = Some(s.name.clone());
                store.record_failure(run, &i).map_err(store_err)?;
            }
        }
    }
    store
        .finish_run(run, &now(), [sources.len() as i64, done, 0, 0])
        .map_err(store_err)?;
    println!(
        "sources {}: reprocessed {done}; claims {claims}",
        sources.len()
    );
    if tracks > 0 {
        println!("tracks {tracks}: track events {events}");
    }
    let n = borderwatch_pipeline::review::standing(&store).map_err(store_err)?;
    if n.attached + n.agreed + n.added + n.orphaned > 0 {
        println!(
            "reviews: {} re-attached, {} agreed, {} added claims, {} orphaned{}",
            n.attached,
            n.agreed,
            n.added,
            n.orphaned,
            if n.orphaned > 0 {
                " (review orphans)"
            } else {
                ""
            }
        );
    }
    Ok(0)
}
