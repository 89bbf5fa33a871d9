//! `borderwatch ingest`, `query`, `show`, `reprocess` and `db`: the store from the command line.

use std::path::{Path, PathBuf};

use borderwatch_extract::{Extractor, Options};
use borderwatch_model::Issue;
use borderwatch_store::{ClaimFilter, Ingested, SourceInput, Store};
use clap::{Subcommand, ValueEnum};

use crate::{load_reference, Failure, Outcome};

/// Which database: `--db`, `$BORDERWATCH_DB`, else `./borderwatch.db`.
pub fn db_path(explicit: &Option<PathBuf>) -> PathBuf {
    explicit
        .clone()
        .or_else(|| std::env::var_os("BORDERWATCH_DB").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("borderwatch.db"))
}

fn open(db: &Option<PathBuf>) -> Result<Store, Failure> {
    Store::open(&db_path(db)).map_err(|e| Failure::input(format!("error: {e}")))
}

fn store_err(e: borderwatch_store::StoreError) -> Failure {
    Failure::input(format!("error: {e}"))
}

/// UTC now as `YYYY-MM-DDTHH:MM:SSZ` (the store records when things were ingested).
fn now() -> String {
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

#[derive(clap::Args)]
pub struct IngestArgs {
    /// Report files or directories (read recursively): .txt, .md, .markdown, .html, .htm.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Publication date of the reports (YYYY-MM-DD), when they share one.
    #[arg(long, value_name = "DATE")]
    published: Option<String>,
}

const REPORT_EXTENSIONS: &[(&str, &str)] = &[
    ("txt", "text/plain"),
    ("md", "text/markdown"),
    ("markdown", "text/markdown"),
    ("html", "text/html"),
    ("htm", "text/html"),
];

fn media_type(p: &Path) -> Option<&'static str> {
    let ext = p.extension()?.to_str()?.to_ascii_lowercase();
    REPORT_EXTENSIONS
        .iter()
        .find(|(e, _)| *e == ext)
        .map(|(_, m)| *m)
}

/// Files under the paths, directories walked recursively in name order.
fn walk(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut stack: Vec<PathBuf> = paths.iter().rev().cloned().collect();
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            match std::fs::read_dir(&p) {
                Ok(rd) => {
                    let mut kids: Vec<PathBuf> =
                        rd.filter_map(Result::ok).map(|e| e.path()).collect();
                    kids.sort();
                    stack.extend(kids.into_iter().rev());
                }
                Err(e) => errors.push(format!("{}: cannot read directory: {e}", p.display())),
            }
        } else if p.exists() {
            files.push(p);
        } else {
            errors.push(format!("{}: no such file or directory", p.display()));
        }
    }
    (files, errors)
}

pub fn ingest(data: &Option<PathBuf>, db: &Option<PathBuf>, a: &IngestArgs) -> Outcome {
    let reference = load_reference(data)?;
    let extractor =
        Extractor::new(&reference).map_err(|e| Failure::input(format!("error: {e}")))?;
    let published = a
        .published
        .as_deref()
        .map(|d| {
            borderwatch_model::parse_date(d)
                .map_err(|e| Failure::input(format!("error: --published {d:?}: {e}")))
        })
        .transpose()?;
    let mut opts = Options::new(published.unwrap_or_else(crate::today));
    opts.published = published;
    let mut store = open(db)?;
    let run = store
        .begin_run(env!("CARGO_PKG_VERSION"), &now())
        .map_err(store_err)?;
    let (files, walk_errors) = walk(&a.paths);
    let (mut new, mut unchanged, mut failed, mut skipped) = (0i64, 0i64, 0i64, 0i64);
    let (mut claims, mut issues) = (0usize, 0usize);
    for e in &walk_errors {
        eprintln!("error: {e}");
        failed += 1;
    }
    let bar = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        indicatif::ProgressBar::new(files.len() as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    for path in &files {
        bar.inc(1);
        let name = path.display().to_string();
        let Some(media) = media_type(path) else {
            // Not a report: shipment files have their own command (`screen`) for now.
            skipped += 1;
            continue;
        };
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: {name}: cannot read: {e}");
                failed += 1;
                continue;
            }
        };
        let sha = borderwatch_store::sha256_hex(&bytes);
        if store.source_by_hash(&sha).map_err(store_err)?.is_some() {
            unchanged += 1;
            continue;
        }
        let x = match extractor.extract(&name, &bytes, &opts) {
            Ok(x) => x,
            Err(e) => {
                eprintln!("error: {name}: {}: {}", e.code, e.message);
                let mut issue = Issue::new(e.code, e.message).value(name.clone());
                issue.file = Some(name.clone());
                store.record_failure(run, &issue).map_err(store_err)?;
                failed += 1;
                continue;
            }
        };
        let src = SourceInput {
            name: &name,
            media_type: media,
            kind: "report",
            published: a.published.as_deref(),
            bytes: &bytes,
        };
        match store
            .ingest(
                run,
                &src,
                &x.claims,
                &x.issues,
                borderwatch_extract::VERSION,
                &now(),
            )
            .map_err(store_err)?
        {
            Ingested::New(_) => {
                new += 1;
                claims += x.claims.len();
                issues += x.issues.len();
            }
            Ingested::Unchanged(_) => unchanged += 1,
        }
    }
    bar.finish_and_clear();
    let total = files.len() as i64 + walk_errors.len() as i64;
    store
        .finish_run(run, &now(), [total, new, unchanged, failed])
        .map_err(store_err)?;
    println!(
        "files {total}: new {new}, unchanged {unchanged}, failed {failed}, skipped {skipped}; claims {claims}; shipments 0; rows rejected 0; issues {issues}"
    );
    Ok(if failed > 0 { 2 } else { 0 })
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
    Sources,
    Issues,
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
    /// Claim kind: movement, storage, condition, status, policy.
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
        w.write_record(r)?;
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
    match a.what {
        What::Claims => {
            let f = ClaimFilter {
                crossing: a.crossing.clone(),
                place: a.place.clone(),
                direction: a.direction.clone(),
                hs: a.hs.clone(),
                kind: a.kind.clone(),
                since: a.since.clone(),
                until: a.until.clone(),
                source: a.source.clone(),
                id: None,
                limit: a.limit,
            };
            let rows = store.claims(&f).map_err(store_err)?;
            if let QueryFormat::Json = a.format {
                // The whole claim, with the store's ids.
                let v: Vec<serde_json::Value> = rows
                    .iter()
                    .map(|r| {
                        let mut c = serde_json::to_value(&r.claim).unwrap_or_default();
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
                        s.published.unwrap_or_default(),
                        s.ingested_at,
                        s.size.to_string(),
                        s.claims.to_string(),
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
                    "published",
                    "ingested_at",
                    "bytes",
                    "claims",
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
    }
}

#[derive(Subcommand)]
pub enum ShowCommand {
    /// A stored claim with its evidence quoted.
    Claim { id: i64 },
}

pub fn show(db: &Option<PathBuf>, c: &ShowCommand) -> Outcome {
    let store = open(db)?;
    let ShowCommand::Claim { id } = c;
    let Some(r) = store.claim(*id).map_err(store_err)? else {
        return Err(Failure::input(format!("error: no claim {id}")));
    };
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
    Ok(0)
}

#[derive(Subcommand)]
pub enum DbCommand {
    /// Integrity, foreign keys, and every evidence span inside its archived source.
    Check,
    /// Copy the database with SQLite's online backup.
    Backup { path: PathBuf },
}

pub fn db(db: &Option<PathBuf>, c: &DbCommand) -> Outcome {
    let store = open(db)?;
    match c {
        DbCommand::Check => {
            let problems = store.check().map_err(store_err)?;
            let (s, cl, i) = store.counts().map_err(store_err)?;
            if problems.is_empty() {
                println!(
                    "ok: schema {}, {s} sources, {cl} claims, {i} issues",
                    store.schema_version().map_err(store_err)?
                );
                Ok(0)
            } else {
                Err(Failure {
                    code: 1,
                    lines: problems,
                })
            }
        }
        DbCommand::Backup { path } => {
            store.backup(path).map_err(store_err)?;
            println!("backed up to {}", path.display());
            Ok(0)
        }
    }
}

/// `reprocess`: the current extractor over every archived report, one transaction per source.
pub fn reprocess(data: &Option<PathBuf>, db: &Option<PathBuf>) -> Outcome {
    let reference = load_reference(data)?;
    let extractor =
        Extractor::new(&reference).map_err(|e| Failure::input(format!("error: {e}")))?;
    let mut store = open(db)?;
    let run = store
        .begin_run(env!("CARGO_PKG_VERSION"), &now())
        .map_err(store_err)?;
    let sources = store.sources().map_err(store_err)?;
    let (mut done, mut claims) = (0, 0);
    for s in &sources {
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
                        &x.claims,
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
    Ok(0)
}
