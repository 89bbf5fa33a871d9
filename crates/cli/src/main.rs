//! The `borderwatch` binary: argument parsing, exit codes, progress bars and wiring.
//!
//! Owns argv, the clock ("today" for screening without `--date`), the user's data directory and
//! exit codes (0 success; 1 the command found what `--fail-on` asked about; 2 usage or input
//! errors). Refuses business rules: every decision is made by the library crates.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod ais_cmd;
mod analyze_cmd;
mod extract_cmd;
mod guard;
mod hs_cmd;
mod places;
mod pool;
mod review_cmd;
mod rules;
mod screen_cmd;
mod serve_cmd;
mod sim_cmd;
mod store_cmd;
mod users_cmd;

/// Turns field reports, shipment records and trade data into an evidence-linked picture of what
/// crosses the DPRK's borders, and screens goods against the UN sanctions rulebook.
#[derive(Parser)]
#[command(name = "borderwatch", version, max_term_width = 100)]
struct Cli {
    /// Directory whose pack files (gazetteer/, hs/, regimes/) replace the embedded ones, file by
    /// file; also where `hs import` keeps the official nomenclature. Default: $BORDERWATCH_DATA,
    /// else ~/.local/share/borderwatch.
    #[arg(long, global = true, value_name = "DIR")]
    data: Option<PathBuf>,
    /// The store: default $BORDERWATCH_DB, else ./borderwatch.db.
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the gazetteer: places and crossings with every alias.
    #[command(
        after_help = "Examples:\n  borderwatch places --format json\n  borderwatch places --format geojson > border.geojson\n  borderwatch places --format csv"
    )]
    Places(places::Args),
    /// List the sanctions rulebook with citations.
    #[command(
        after_help = "Examples:\n  borderwatch rules\n  borderwatch rules --format json | jq '.measures[].id'"
    )]
    Rules(rules::Args),
    /// Look up HS codes and goods words; import the official nomenclature.
    #[command(subcommand)]
    Hs(hs_cmd::HsCommand),
    /// Screen goods × direction × date against the rulebook: one item, or a file of shipments.
    #[command(after_help = screen_cmd::EXAMPLES)]
    Screen(screen_cmd::Args),
    /// Extract evidence-linked claims from reports (plain text, Markdown, HTML).
    #[command(after_help = extract_cmd::EXAMPLES)]
    Extract(extract_cmd::Args),
    /// Archive reports in the store and extract their claims (one transaction per file; the same
    /// bytes again add nothing).
    #[command(
        after_help = "Examples:\n  borderwatch ingest reports/\n  borderwatch --db work.db ingest --published 2023-05-20 a.txt b.html"
    )]
    Ingest(store_cmd::IngestArgs),
    /// Query the store: claims (with filters), sources, issues.
    #[command(
        after_help = "Examples:\n  borderwatch query claims --crossing quanhe-wonjong --direction inbound --hs 84\n  borderwatch query claims --place cn.dandong --since 2023-01-01 --format json\n  borderwatch query sources"
    )]
    Query(store_cmd::QueryArgs),
    /// Show one stored item with its evidence.
    #[command(subcommand)]
    Show(store_cmd::ShowCommand),
    /// Re-run the current extractor over every archived report, replacing its claims
    /// (reviews stay, re-attached to the claims that now cover their spans).
    Reprocess,
    /// Confirm, reject, correct and add claims; a claim's history; reviews left orphaned;
    /// the reviewed sources as gold files.
    #[command(after_help = review_cmd::EXAMPLES)]
    Review(review_cmd::ReviewArgs),
    /// The store itself: check, backup.
    #[command(subcommand)]
    Db(store_cmd::DbCommand),
    /// The corridor picture and the findings of every detector, as Markdown, JSON or HTML.
    #[command(
        after_help = "Examples:\n  borderwatch analyze\n  borderwatch analyze --format html --out report.html\n  borderwatch analyze --since 2023-01-01 --format json | jq '.findings[].title'"
    )]
    Analyze(analyze_cmd::AnalyzeArgs),
    /// Corridors, places, claims and vessel tracks for other tools: GeoJSON, KML, CSV,
    /// FollowTheMoney.
    #[command(
        after_help = "Examples:\n  borderwatch export --format geojson --out corridors.geojson\n  borderwatch export --format csv --what claims > claims.csv\n  borderwatch export --format ftm > entities.jsonl\n  borderwatch export --format kml --what tracks --out tracks.kml"
    )]
    Export(analyze_cmd::ExportArgs),
    /// The main job: ingest reports and shipment files, then write the HTML report.
    #[command(
        after_help = "Examples:\n  borderwatch --db examples.db run --fresh examples --out report.html"
    )]
    Run(analyze_cmd::RunArgs),
    /// Serve the API and the web UI over the store (loopback by default).
    #[command(
        after_help = "Examples:\n  borderwatch --db examples.db serve\n  borderwatch serve --addr 127.0.0.1:9000 --read-only"
    )]
    Serve(serve_cmd::Args),
    /// Simulate the border network: ground-truth shipments, daily flows, observer reports;
    /// `simulate compare A B` for what-ifs.
    #[command(
        after_help = "Examples:\n  borderwatch simulate --out sim/\n  borderwatch simulate --scenario default --days 90 --set crossing.quanhe-wonjong.inspection.prohibited=0.8 --out sim/\n  borderwatch simulate compare default tighten-quanhe --html compare.html\n  borderwatch simulate compare default default --set-b crossing.changbai-hyesan.inspection.prohibited=0.8"
    )]
    Simulate(sim_cmd::Args),
    /// Vessel tracks (AIS NMEA, position tables): positions, vessels, events at sea.
    #[command(after_help = ais_cmd::EXAMPLES)]
    Ais(ais_cmd::Args),
    /// Accounts of a team server: add, list, disable, set a role, reset a password, tokens.
    #[command(subcommand, after_help = users_cmd::EXAMPLES)]
    Users(users_cmd::UsersCommand),
    /// The audit log: sign-ins, uploads, reviews, reads of attribution, refusals, user changes.
    #[command(
        after_help = "Examples:\n  borderwatch audit --since 2026-01-01\n  borderwatch audit --user ana --action read-attribution\n  borderwatch audit --action refused --format json\n  borderwatch audit --head"
    )]
    Audit(users_cmd::AuditArgs),
    /// Check the reference packs (the embedded ones, or those under --data).
    #[command(subcommand)]
    Data(DataCommand),
}

#[derive(Subcommand)]
enum DataCommand {
    /// Validate the packs and print every problem found.
    #[command(
        after_help = "Examples:\n  borderwatch data check\n  borderwatch --data ./my-packs data check"
    )]
    Check,
}

/// A failure to report: one line per cause, and the exit code.
pub struct Failure {
    pub code: u8,
    pub lines: Vec<String>,
}

impl Failure {
    pub fn input(msg: impl Into<String>) -> Failure {
        Failure {
            code: 2,
            lines: vec![msg.into()],
        }
    }
}

impl From<borderwatch_reference::LoadError> for Failure {
    fn from(e: borderwatch_reference::LoadError) -> Failure {
        Failure::input(format!("error: {e}"))
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Failure {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Failure {
                code: 0,
                lines: vec![],
            };
        }
        Failure::input(format!("error: {e}"))
    }
}

impl From<csv::Error> for Failure {
    fn from(e: csv::Error) -> Failure {
        match e.into_kind() {
            csv::ErrorKind::Io(io) => io.into(),
            other => Failure::input(format!("error: {other:?}")),
        }
    }
}

pub type Outcome = Result<u8, Failure>;

/// The user's data directory: --data, $BORDERWATCH_DATA, or ~/.local/share/borderwatch.
pub fn data_dir(explicit: &Option<PathBuf>) -> Option<PathBuf> {
    if let Some(d) = explicit {
        return Some(d.clone());
    }
    if let Some(d) = std::env::var_os("BORDERWATCH_DATA") {
        return Some(PathBuf::from(d));
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(base.join("borderwatch"))
}

/// Loads the reference packs the run works with.
pub fn load_reference(
    explicit: &Option<PathBuf>,
) -> Result<borderwatch_reference::Reference, Failure> {
    let dir = data_dir(explicit);
    if let Some(d) = explicit {
        if !d.is_dir() {
            return Err(Failure::input(format!(
                "error: --data {}: not a directory",
                d.display()
            )));
        }
    }
    let dir = dir.filter(|d| d.is_dir());
    Ok(borderwatch_reference::Reference::load(dir.as_deref())?)
}

/// Today's date (UTC), the default screening date.
pub fn today() -> borderwatch_model::Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let epoch = borderwatch_model::Date::from_ymd_opt(1970, 1, 1).expect("valid date");
    epoch + chrono::Days::new(secs / 86_400)
}

/// Seconds since 1970 (session expiries and audit times of the server).
pub fn unix_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// A closed pipe ends the command quietly, as it ends `cat` or `grep`, instead of failing the
/// next `println!`. The server keeps Rust's default (ignored): a client that hangs up must not
/// end it.
fn quiet_on_closed_pipe(command: &Command) {
    #[cfg(unix)]
    if !matches!(command, Command::Serve(_)) {
        // SAFETY: called before any thread starts; SIG_DFL is a valid disposition for SIGPIPE.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
    #[cfg(not(unix))]
    let _ = command;
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    quiet_on_closed_pipe(&cli.command);
    let outcome = match &cli.command {
        Command::Places(a) => places::run(&cli.data, a),
        Command::Rules(a) => rules::run(&cli.data, a),
        Command::Hs(c) => hs_cmd::run(&cli.data, c),
        Command::Screen(a) => screen_cmd::run(&cli.data, a),
        Command::Extract(a) => extract_cmd::run(&cli.data, a),
        Command::Ingest(a) => store_cmd::ingest(&cli.data, &cli.db, a),
        Command::Query(a) => store_cmd::query(&cli.db, a),
        Command::Show(c) => store_cmd::show(&cli.db, c),
        Command::Reprocess => store_cmd::reprocess(&cli.data, &cli.db),
        Command::Review(a) => review_cmd::run(&cli.data, &cli.db, a),
        Command::Db(c) => store_cmd::db(&cli.db, c),
        Command::Analyze(a) => analyze_cmd::analyze(&cli.data, &cli.db, a),
        Command::Export(a) => analyze_cmd::export(&cli.data, &cli.db, a),
        Command::Run(a) => analyze_cmd::run(&cli.data, &cli.db, a),
        Command::Simulate(a) => sim_cmd::run(&cli.data, a),
        Command::Serve(a) => serve_cmd::run(&cli.data, &cli.db, a),
        Command::Ais(a) => ais_cmd::run(&cli.data, a),
        Command::Users(c) => users_cmd::users(&cli.db, c),
        Command::Audit(a) => users_cmd::audit_log(&cli.db, a),
        Command::Data(DataCommand::Check) => data_check(&cli.data),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            for l in &f.lines {
                eprintln!("{l}");
            }
            ExitCode::from(f.code)
        }
    }
}

fn data_check(data: &Option<PathBuf>) -> Outcome {
    let r = load_reference(data)?;
    let problems = r.validate();
    if problems.is_empty() {
        println!(
            "ok: {} places, {} crossings, {} hs chapters, {} headings, {} lexicon phrases, {} measures",
            r.gazetteer.places.len(),
            r.gazetteer.crossings.len(),
            r.hs.chapters.len(),
            r.hs.headings.len(),
            r.hs.phrase_count(),
            r.rulebook.measures.len()
        );
        Ok(0)
    } else {
        Err(Failure {
            code: 2,
            lines: problems,
        })
    }
}

// The extraction workers and the store's writer allocate many small strings at once; glibc's
// allocator serialises them on arena locks, mimalloc keeps a heap per thread.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
