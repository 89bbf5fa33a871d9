//! The store: the only crate that speaks SQL.
//!
//! Owns: the SQLite schema and its numbered migrations, archiving sources byte for byte with
//! their SHA-256, storing claims (typed columns for what queries filter on, plus the whole claim
//! as JSON), evidence, goods, verdicts and issues, one transaction per source, and the queries
//! over them. WAL mode, so readers work while an ingest writes.
//!
//! Refuses: business rules. It does not extract, screen or decide; it stores what the stages
//! produced and answers queries. It never downloads anything.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use borderwatch_model::{Claim, ClaimVerdict, Issue, PositionChunk, Shipment, Status};
use rusqlite::Connection;

use crate::db::{params, Db, Param};
use sha2::{Digest, Sha256};

pub mod audit;
pub mod auth;
mod bulk;
pub mod copy;
pub mod db;
pub mod pg;
mod review;
mod schema;

pub use audit::{AuditEntry, AuditFilter, AuditRow};
pub use auth::{Role, SessionRow, TokenRow, User};
pub use copy::{copy, CopyReport, TableCopy};
pub use pg::Location;

pub use review::ReviewFilter;

pub use schema::SCHEMA_VERSION;

/// Helpers for tests that need a database in a state the store never writes itself.
pub mod testing {
    /// Sets the recorded schema version (to test that newer databases are refused).
    pub fn set_schema_version(path: &std::path::Path, v: i64) -> crate::Result<()> {
        let c = rusqlite::Connection::open(path)?;
        c.pragma_update(None, "user_version", v)?;
        Ok(())
    }

    /// Writes an SQLite database of another program (to test that it is never taken for a store).
    pub fn write_other_database(path: &std::path::Path) -> crate::Result<()> {
        let c = rusqlite::Connection::open(path)?;
        c.execute_batch(
            "CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('someone');",
        )?;
        Ok(())
    }

    /// Runs SQL on the database as it is, triggers included (to test what they refuse).
    pub fn run_sql(path: &std::path::Path, sql: &str) -> crate::Result<()> {
        let c = rusqlite::Connection::open(path)?;
        c.execute_batch(sql)
            .map_err(|e| crate::StoreError(format!("{e}")))?;
        Ok(())
    }

    /// As [`run_sql`], on either engine.
    pub fn run_sql_at(at: &crate::Location, sql: &str) -> crate::Result<()> {
        crate::Store::open_at(at, crate::Access::Existing)?
            .conn
            .batch(sql)
    }

    /// Overwrites a claim's stored JSON (to test that unreadable rows are reported).
    pub fn set_claim_json(at: &crate::Location, id: i64, json: &str) -> crate::Result<()> {
        let s = crate::Store::open_at(at, crate::Access::Existing)?;
        s.conn.execute(
            "UPDATE claims SET json = ?1 WHERE id = ?2",
            crate::db::params![json, id],
        )?;
        Ok(())
    }
}

/// The environment failed (cannot open, disk full, newer schema…): one line naming the cause.
#[derive(Debug)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError(format!("database: {e}"))
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// A source to archive.
#[derive(Debug, Clone)]
pub struct SourceInput<'a> {
    pub name: &'a str,
    pub media_type: &'a str,
    /// `report`, `shipments` or `track`.
    pub kind: &'a str,
    pub published: Option<&'a str>,
    pub bytes: &'a [u8],
}

/// A claim made ready for the store off the writer's thread: its slim JSON (the quote and the
/// verdicts live in their own tables), its time range and its distinct places.
#[derive(Debug, Clone)]
pub struct PreparedClaim {
    pub claim: Claim,
    json: String,
    time: (Option<String>, Option<String>),
    places: Vec<String>,
}

impl PreparedClaim {
    /// Pure: no SQL, so extraction workers can run it in parallel.
    pub fn new(claim: Claim) -> Result<PreparedClaim> {
        let mut slim = claim.clone();
        slim.evidence.text.clear();
        slim.verdicts.clear();
        let json = serde_json::to_string(&slim)
            .map_err(|e| StoreError(format!("cannot serialise a claim: {e}")))?;
        let time = claim.when.as_ref().map_or((None, None), |w| {
            (w.start.map(|d| d.to_string()), w.end.map(|d| d.to_string()))
        });
        let mut places: Vec<String> = Vec::with_capacity(claim.places.len() + 2);
        for p in claim
            .places
            .iter()
            .chain(&claim.from)
            .chain(&claim.to)
            .chain(&claim.at)
        {
            if !places.contains(p) {
                places.push(p.clone());
            }
        }
        Ok(PreparedClaim {
            claim,
            json,
            time,
            places,
        })
    }

    /// Prepares every claim of a source.
    pub fn all(claims: Vec<Claim>) -> Result<Vec<PreparedClaim>> {
        claims.into_iter().map(PreparedClaim::new).collect()
    }
}

/// A screened shipment row to store.
#[derive(Debug, Clone)]
pub struct ShipmentInput {
    /// The line of the file it came from.
    pub line: u64,
    pub shipment: Shipment,
    pub status: Status,
    pub measures: Vec<String>,
    pub reason: String,
}

/// What a source holds once read: a report's claims or a shipment file's screened rows.
#[derive(Debug, Clone, Copy)]
pub enum Content<'a> {
    Claims(&'a [PreparedClaim]),
    Shipments(&'a [ShipmentInput]),
    Track(Track<'a>),
}

/// A track file: how it was read, its events, each with the claim it makes (a voyage's) or
/// none, and its vessels' positions.
#[derive(Debug, Clone, Copy)]
pub struct Track<'a> {
    pub info: &'a TrackInfo,
    pub events: &'a [TrackEventInput],
    pub positions: &'a [PositionChunk],
}

/// How a track source was read: enough to read it again the same way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackInfo {
    /// `nmea` or `csv`.
    pub format: String,
    /// The time stated for the file (Unix seconds), if any.
    pub file_time: Option<i64>,
    /// Column overrides of a position table (`COLUMN=FIELD`).
    pub map: Vec<(String, String)>,
    /// Lines read, decoded and rejected.
    pub lines: [u64; 3],
}

/// One track event made ready for the store, with its claim.
#[derive(Debug, Clone)]
pub struct TrackEventInput {
    pub event: borderwatch_model::TrackEvent,
    pub json: String,
    pub claim: Option<PreparedClaim>,
}

impl TrackEventInput {
    pub fn new(
        event: borderwatch_model::TrackEvent,
        claim: Option<borderwatch_model::Claim>,
    ) -> Result<TrackEventInput> {
        let json =
            serde_json::to_string(&event).map_err(|e| StoreError(format!("track event: {e}")))?;
        let claim = match claim {
            Some(c) => Some(
                PreparedClaim::all(vec![c])?
                    .pop()
                    .ok_or_else(|| StoreError("track event: no claim".into()))?,
            ),
            None => None,
        };
        Ok(TrackEventInput { event, json, claim })
    }
}

/// Which positions to read: every field optional, combined with AND.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PositionFilter {
    pub mmsi: Option<u32>,
    /// Unix seconds, inclusive.
    pub since: Option<i64>,
    pub until: Option<i64>,
    /// South, west, north, east, degrees.
    pub bbox: Option<[f64; 4]>,
    /// Only these track sources (the sources a view as of a day knew).
    pub sources: Option<std::collections::HashSet<i64>>,
}

/// A vessel's stored positions from one track source, in brief.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PositionSummary {
    pub mmsi: u32,
    pub source_id: i64,
    pub count: u64,
    pub start: i64,
    pub end: i64,
}

/// The largest source the store archives, in bytes: SQLite's longest value, as the embedded
/// engine is built (a source is kept whole, so it can be read again the way it was).
pub const MAX_SOURCE_BYTES: u64 = 1_000_000_000;

/// A stored chunk of positions, with the track source it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredPositions {
    pub source_id: i64,
    pub chunk: PositionChunk,
}

/// A stored track event.
#[derive(Debug, Clone)]
pub struct StoredTrackEvent {
    pub id: i64,
    pub source_id: i64,
    /// The claim it made (a voyage's movement, a port call's storage), if any.
    pub claim_id: Option<i64>,
    pub event: borderwatch_model::TrackEvent,
}

/// What ingesting one source did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ingested {
    /// Archived with this id and its claims stored.
    New(i64),
    /// The same bytes were already archived under this id: nothing added.
    Unchanged(i64),
}

/// Filters for `query claims`; every field is optional and they combine with AND.
#[derive(Debug, Clone, Default)]
pub struct ClaimFilter {
    pub crossing: Option<String>,
    /// A place id: matches from, to, at or any place the claim mentions.
    pub place: Option<String>,
    pub direction: Option<String>,
    /// An HS prefix (2, 4 or 6 digits).
    pub hs: Option<String>,
    pub kind: Option<String>,
    /// Claims whose time ends on or after this date (YYYY-MM-DD).
    pub since: Option<String>,
    /// Claims whose time starts on or before this date.
    pub until: Option<String>,
    /// Source name or id.
    pub source: Option<String>,
    /// One claim by its id.
    pub id: Option<i64>,
    /// The claims of one source, by its id.
    pub source_id: Option<i64>,
    /// Only these claims (a corridor's claims, as analysis found them).
    pub ids: Option<Vec<i64>>,
    /// Only ids greater than this: the cursor of the next page (results are in id order).
    pub after: Option<i64>,
    pub limit: Option<usize>,
    /// Leave verdict reasons empty (analysis needs the status only; a reason is long).
    pub skip_reasons: bool,
}

/// A claim row before its JSON is decoded: id, source id, source name, extractor version, JSON,
/// quote.
type RawClaim = (i64, i64, String, String, String, Option<String>);

/// A stored claim with its ids.
#[derive(Debug, Clone)]
pub struct StoredClaim {
    pub id: i64,
    pub source_id: i64,
    pub source_name: String,
    pub extractor_version: String,
    pub claim: Claim,
}

/// A stored shipment with its ids and verdict.
#[derive(Debug, Clone)]
pub struct StoredShipment {
    pub id: i64,
    pub source_id: i64,
    pub source_name: String,
    pub line: i64,
    pub shipment: Shipment,
    pub status: Status,
    pub measures: Vec<String>,
    pub reason: String,
}

/// An archived source, without its bytes.
#[derive(Debug, Clone)]
pub struct SourceRow {
    pub id: i64,
    pub sha256: String,
    pub name: String,
    pub media_type: String,
    pub kind: String,
    pub published: Option<String>,
    pub ingested_at: String,
    pub size: i64,
    pub claims: i64,
    pub shipments: i64,
}

/// A stored data problem.
#[derive(Debug, Clone)]
pub struct IssueRow {
    /// The source it was found in (null for a file that could not be archived).
    pub source: Option<String>,
    pub code: String,
    pub message: String,
    pub line: Option<i64>,
    pub value: Option<String>,
}

pub struct Store {
    conn: Db,
    /// Verdict reasons already stored (text → id): a reason is long and repeats across claims.
    /// Only committed rows enter it.
    reasons: HashMap<String, i64>,
    /// Reasons added inside the open batch: committed with it, forgotten if it rolls back.
    pending: HashMap<String, i64>,
    in_batch: bool,
}

/// The rows of a checking pragma other than "ok" (SQLite's quick check covers pages, records
/// and b-tree structure, not index contents); damage bad enough that SQLite stops the check is
/// itself the finding, not a failure to check.
fn pragma_check(conn: &Connection, sql: &str) -> Result<Vec<String>> {
    let run = || -> rusqlite::Result<Vec<String>> {
        let mut st = conn.prepare(sql)?;
        let rows = st.query_map([], |r| r.get::<_, String>(0))?;
        rows.filter(|r| r.as_deref().is_ok_and(|r| r != "ok") || r.is_err())
            .collect()
    };
    match run() {
        Ok(v) => Ok(v),
        Err(rusqlite::Error::SqliteFailure(e, msg))
            if matches!(
                e.code,
                rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase
            ) =>
        {
            Ok(vec![msg.unwrap_or_else(|| e.to_string())])
        }
        Err(e) => Err(e.into()),
    }
}

/// SQLite's quick check of the whole file (every page, not the indexes' contents): an error
/// naming the path and the first problems when the store is damaged.
fn quick_check(conn: &Connection, path: &Path) -> Result<()> {
    let problems = pragma_check(conn, "PRAGMA quick_check(5)")?;
    if problems.is_empty() {
        return Ok(());
    }
    Err(StoreError(format!(
        "{}: the store is damaged ({}); nothing was written — see `borderwatch db check`, or \
         restore a backup",
        path.display(),
        problems.join("; ")
    )))
}

/// Puts the database in WAL mode. Switching a new database's journal answers "busy" at once,
/// without the busy timeout, while another process does the same: wait for it here instead.
fn wal(conn: &Connection) -> Result<()> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            r => return Ok(r?),
        }
    }
}

/// Whether two paths name one file: the same device and inode when both exist, else the same
/// absolute path once the folder part is resolved (a file not written yet).
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return x.dev() == y.dev() && x.ino() == y.ino();
        }
    }
    let resolve = |p: &Path| -> Option<std::path::PathBuf> {
        if let Ok(c) = std::fs::canonicalize(p) {
            return Some(c);
        }
        let dir = match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        Some(std::fs::canonicalize(dir).ok()?.join(p.file_name()?))
    };
    match (resolve(a), resolve(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// What lies at a path, before a command deletes or replaces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    /// Nothing there.
    Absent,
    /// An empty file (SQLite's own new database).
    Empty,
    /// A borderwatch store.
    Store,
    /// Anything else, and why it is not a store.
    Other(String),
}

/// Looks at a file without changing it: the SQLite header, then the store's own tables.
pub fn probe(path: &Path) -> Probe {
    use std::io::Read;
    let meta = match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Probe::Absent,
        Err(e) => return Probe::Other(format!("cannot be read: {e}")),
        Ok(m) => m,
    };
    if !meta.is_file() {
        return Probe::Other("not a regular file".into());
    }
    if meta.len() == 0 {
        return Probe::Empty;
    }
    let mut head = [0u8; 16];
    let read = std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head));
    if read.is_err() || &head != b"SQLite format 3\0" {
        return Probe::Other("not an SQLite database".into());
    }
    let flags =
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let ours = Connection::open_with_flags(path, flags).and_then(|c| {
        c.query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN \
             ('sources', 'ingest_runs', 'claims', 'issues')",
            [],
            |r| r.get::<_, i64>(0),
        )
    });
    match ours {
        Ok(4) => Probe::Store,
        Ok(_) => Probe::Other("an SQLite database, but not a borderwatch store".into()),
        Err(e) => Probe::Other(format!("an SQLite database that cannot be read: {e}")),
    }
}

/// Lower-case hex SHA-256 of everything `r` yields, and how many bytes that was (a file hashed
/// in chunks, never held whole).
pub fn sha256_reader(mut r: impl std::io::Read) -> std::io::Result<(String, u64)> {
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut n = 0u64;
    loop {
        let k = r.read(&mut buf)?;
        if k == 0 {
            break;
        }
        h.update(&buf[..k]);
        n += k as u64;
    }
    Ok((h.finalize().iter().map(|b| format!("{b:02x}")).collect(), n))
}

/// Lower-case hex SHA-256 of the bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// How a command opens its store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Created when absent (an empty PostgreSQL database gets the schema), migrated.
    Create,
    /// Must already be a store: read commands, which should not answer from an empty one.
    Existing,
    /// As [`Access::Create`], after a check that the store is not damaged.
    Write,
    /// As [`Access::Existing`], after that same check (`serve`).
    ExistingWrite,
    /// Must already be a store at this binary's schema; nothing is created, migrated or written.
    ReadOnly,
}

impl Store {
    /// Opens the store at `at`: an SQLite file, or a PostgreSQL database by URL.
    pub fn open_at(at: &Location, access: Access) -> Result<Store> {
        match at {
            Location::Sqlite(path) => match access {
                Access::Create => Store::open(path),
                Access::Existing => Store::open_existing(path),
                Access::Write => Store::open_for_writing(path),
                Access::ExistingWrite => Store::open_existing_for_writing(path),
                Access::ReadOnly => Store::open_read_only(path),
            },
            Location::Postgres(url) => Ok(Store::with(Db::Pg(db::Pg::new(pg::open(url, access)?)))),
        }
    }

    fn with(conn: Db) -> Store {
        Store {
            conn,
            reasons: HashMap::new(),
            pending: HashMap::new(),
            in_batch: false,
        }
    }

    /// Opens (creating when absent) and migrates the database at `path`. A database whose schema
    /// is newer than this binary knows is refused.
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_checked(path, false)
    }

    fn open_checked(path: &Path, check: bool) -> Result<Store> {
        let existed = std::fs::metadata(path).is_ok_and(|m| m.len() > 0);
        let conn = Connection::open(path)
            .map_err(|e| StoreError(format!("{}: cannot open: {e}", path.display())))?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        if check && existed {
            // Before anything is written, even the switch to WAL.
            quick_check(&conn, path)?;
        }
        wal(&conn)?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // A larger page cache and rarer checkpoints: index pages stay hot across the many small
        // per-file transactions of an ingest, and are written back once rather than per commit.
        conn.pragma_update(None, "cache_size", -65_536)?;
        conn.pragma_update(None, "wal_autocheckpoint", 16_384)?;
        conn.set_prepared_statement_cache_capacity(64);
        let mut store = Store::with(Db::Lite(conn));
        schema::migrate(store.lite_mut()?)
            .map_err(|e| StoreError(format!("{}: {}", path.display(), e.0)))?;
        Ok(store)
    }

    /// Opens an existing store (what read commands use): a path with no file is refused rather
    /// than created as an empty store that answers every question with nothing.
    pub fn open_existing(path: &Path) -> Result<Store> {
        if !path.exists() {
            return Err(StoreError(format!(
                "{}: no such store (check --db or $BORDERWATCH_DB; `ingest` creates one)",
                path.display()
            )));
        }
        Store::open(path)
    }

    /// Opens (creating when absent) for writing, after a quick check of the whole file: a
    /// damaged store takes nothing more, since new sources written over broken pages would be
    /// lost with them.
    pub fn open_for_writing(path: &Path) -> Result<Store> {
        Store::open_checked(path, true)
    }

    /// Opens an existing store for writing (`serve`): refused when absent, as
    /// [`Store::open_existing`], and when damaged, as [`Store::open_for_writing`].
    pub fn open_existing_for_writing(path: &Path) -> Result<Store> {
        if !path.exists() {
            return Store::open_existing(path);
        }
        Store::open_for_writing(path)
    }

    /// The quick check a write is preceded by, on a connection of its own: a connection kept
    /// open would answer from the pages it holds, and a long-running writer (the server) must
    /// see damage done to the file since it opened it.
    pub fn check_before_writing(path: &Path) -> Result<()> {
        let conn = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| StoreError(format!("{}: cannot open: {e}", path.display())))?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        quick_check(&conn, path)
    }

    /// Opens an existing database for reading only (`serve --read-only`): nothing is created or
    /// migrated, and a database at another schema version is refused with what to do.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        if !path.exists() {
            return Err(StoreError(format!("{}: no such database", path.display())));
        }
        let conn = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| StoreError(format!("{}: cannot open: {e}", path.display())))?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        conn.pragma_update(None, "cache_size", -65_536)?;
        let v = schema::version(&conn)?;
        if v != schema::SCHEMA_VERSION {
            return Err(StoreError(format!(
                "{}: schema version {v}, this binary reads {} (open it once without --read-only \
                 to migrate)",
                path.display(),
                schema::SCHEMA_VERSION
            )));
        }
        conn.set_prepared_statement_cache_capacity(64);
        Ok(Store::with(Db::Lite(conn)))
    }

    /// Runs `f` in one read transaction, so every query in it sees the same state of the store
    /// even while another process ingests (WAL). Inside an open transaction, `f` simply joins it.
    pub fn snapshot<T>(&self, f: impl FnOnce(&Store) -> Result<T>) -> Result<T> {
        if !self.conn.is_autocommit() {
            return f(self);
        }
        self.conn.batch(if self.conn.is_pg() {
            "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
        } else {
            "BEGIN DEFERRED"
        })?;
        let out = f(self);
        // A read transaction has nothing to keep: ending it can only fail if the connection has.
        let end = self.conn.batch("COMMIT");
        let out = out?;
        end?;
        Ok(out)
    }

    /// Changes whenever sources, claims, shipments or reviews are added or replaced: the
    /// largest id of each, and of the ingest runs (every write — ingest, reprocess, upload — starts a run, so a
    /// replacement that reuses ids still changes it). Cheap: four index lookups.
    pub fn fingerprint(&self) -> Result<[i64; 4]> {
        let max = |t: &str| -> Result<i64> {
            self.conn.query_row(
                &format!("SELECT coalesce(max(id), 0) FROM {t}"),
                params![],
                |r| r.get(0),
            )
        };
        // Runs and reviews share the last place: both ids only grow, so their sum changes
        // whenever either does.
        Ok([
            max("sources")?,
            max("claims")?,
            max("shipments")?,
            max("ingest_runs")? + max("reviews")?,
        ])
    }

    /// The schema version recorded in the database.
    pub fn schema_version(&self) -> Result<i64> {
        match &self.conn {
            Db::Lite(c) => schema::version(c),
            Db::Pg(_) => Ok(SCHEMA_VERSION),
        }
    }

    /// The SQLite connection of an embedded store (migrations, pragmas, blobs, copies).
    fn lite_mut(&mut self) -> Result<&mut Connection> {
        match &mut self.conn {
            Db::Lite(c) => Ok(c),
            Db::Pg(_) => Err(StoreError("this needs an SQLite store".into())),
        }
    }

    /// As [`Store::lite_mut`], to read.
    fn lite_ref(&self) -> Result<&Connection> {
        self.conn
            .lite()
            .ok_or_else(|| StoreError("this needs an SQLite store".into()))
    }

    /// Starts an ingest run and returns its id.
    pub fn begin_run(&self, tool_version: &str, now: &str) -> Result<i64> {
        self.conn.insert(
            "INSERT INTO ingest_runs (started_at, tool_version) VALUES (?1, ?2)",
            params![now, tool_version],
        )
    }

    /// Records the paths a run was given, as given: only here, never in a source's name.
    pub fn record_run_paths(&self, run: i64, paths: &[String]) -> Result<()> {
        let json = serde_json::to_string(paths)
            .map_err(|e| StoreError(format!("cannot serialise paths: {e}")))?;
        self.conn.execute(
            "UPDATE ingest_runs SET paths = ?2 WHERE id = ?1",
            params![run, json],
        )?;
        Ok(())
    }

    /// Closes a run with its counts.
    pub fn finish_run(&self, run: i64, now: &str, counts: [i64; 4]) -> Result<()> {
        self.conn.execute(
            "UPDATE ingest_runs SET finished_at = ?2, files = ?3, new = ?4, unchanged = ?5, \
             failed = ?6 WHERE id = ?1",
            params![run, now, counts[0], counts[1], counts[2], counts[3]],
        )?;
        Ok(())
    }

    /// The id of an archived source with these bytes, if any.
    pub fn source_by_hash(&self, sha256: &str) -> Result<Option<i64>> {
        self.conn.query_opt(
            "SELECT id FROM sources WHERE sha256 = ?1",
            params![sha256],
            |r| r.get(0),
        )
    }

    /// Opens a batch: the sources ingested until [`Store::commit_batch`] commit together.
    /// Batching saves a commit per file; a crash or a failed insert loses the open batch whole
    /// and never part of a file.
    pub fn begin_batch(&mut self) -> Result<()> {
        if !self.in_batch {
            self.conn.begin()?;
            self.in_batch = true;
        }
        Ok(())
    }

    /// Commits the open batch, if any.
    pub fn commit_batch(&mut self) -> Result<()> {
        if self.in_batch {
            if let Err(e) = self.conn.end(true) {
                let _ = self.conn.end(false);
                self.in_batch = false;
                self.pending.clear();
                return Err(e);
            }
            self.in_batch = false;
            self.reasons.extend(self.pending.drain());
        }
        Ok(())
    }

    fn staged(&mut self, staged: HashMap<String, i64>) {
        if self.in_batch {
            self.pending.extend(staged);
        } else {
            self.reasons.extend(staged);
        }
    }

    /// The SHA-256 of every archived source (an ingest skips these before reading them further).
    pub fn source_hashes(&self) -> Result<std::collections::HashSet<String>> {
        let mut out = std::collections::HashSet::new();
        self.conn
            .each("SELECT sha256 FROM sources", params![], |r| {
                out.insert(r.get(0)?);
                Ok(())
            })?;
        Ok(out)
    }

    /// Archives a source with its claims (or shipments) and issues in one transaction. The same
    /// bytes again add nothing.
    pub fn ingest(
        &mut self,
        run: i64,
        src: &SourceInput,
        content: Content,
        issues: &[Issue],
        extractor_version: &str,
        now: &str,
    ) -> Result<Ingested> {
        if self.in_batch {
            // Inside a batch the batch is the transaction: a failure rolls the whole batch back
            // (its files are not stored, and a re-run ingests them), so no file is ever partial.
            let mut reasons = Reasons::new(&self.reasons, &self.pending);
            let r = write_source(
                &self.conn,
                &mut reasons,
                run,
                src,
                content,
                issues,
                extractor_version,
                now,
            );
            let staged = reasons.staged;
            match r {
                Ok(done) => {
                    self.pending.extend(staged);
                    Ok(done)
                }
                Err(e) => {
                    let _ = self.conn.end(false);
                    self.in_batch = false;
                    self.pending.clear();
                    Err(StoreError(format!("{e} (the open batch was rolled back)")))
                }
            }
        } else {
            let tx = self.conn.transaction(true)?;
            let mut reasons = Reasons::new(&self.reasons, &self.pending);
            let done = write_source(
                &tx,
                &mut reasons,
                run,
                src,
                content,
                issues,
                extractor_version,
                now,
            )?;
            tx.commit()?;
            let staged = reasons.staged;
            self.reasons.extend(staged);
            Ok(done)
        }
    }

    /// Archives a shipment file whose bytes and rows arrive as a stream, inside one savepoint
    /// (of the open batch, or a transaction of its own): memory does not grow with the file.
    /// `fill` pushes the file's bytes into the [`Archive`] (it hashes them and writes them into
    /// the source's blob, sized `src.size` up front) and its rows into [`FileRows`]. If `fill`
    /// fails, or the bytes are not the `src.size` bytes whose SHA-256 is `src.sha256`, the file
    /// leaves nothing behind and why comes back as `Ok(Err(..))`; the batch goes on. The same
    /// bytes archived before add nothing (known from the hash before anything is written). The
    /// source row is never rewritten: rewriting it would read its whole blob into memory.
    pub fn ingest_streamed<E>(
        &mut self,
        run: i64,
        src: &StreamedSource,
        now: &str,
        fill: impl FnOnce(&mut Archive, &mut FileRows) -> std::result::Result<(), E>,
    ) -> Result<std::result::Result<Ingested, Stopped<E>>> {
        let tx = self.conn.transaction(true)?;
        let mut reasons = Reasons::new(&self.reasons, &self.pending);
        let r = stream_source(&tx, &mut reasons, run, src, now, fill);
        let staged = reasons.staged;
        match r {
            Ok(Ok(Ingested::New(id))) => {
                tx.commit()?;
                self.staged(staged);
                Ok(Ok(Ingested::New(id)))
            }
            // Dropping the transaction rolls the file back.
            other => other,
        }
    }

    /// Replaces a source's claims and issues with new ones, in one transaction (`reprocess`).
    pub fn replace_claims(
        &mut self,
        source_id: i64,
        run: i64,
        claims: &[PreparedClaim],
        issues: &[Issue],
        extractor_version: &str,
    ) -> Result<()> {
        self.replace_source(source_id, run, issues, |tx, reasons| {
            insert_claims(tx, reasons, source_id, claims, extractor_version, None)
        })
    }

    /// Replaces what a source gave (its claims and issues, and what `insert` adds) in one
    /// savepoint: whole or not at all.
    fn replace_source(
        &mut self,
        source_id: i64,
        run: i64,
        issues: &[Issue],
        insert: impl FnOnce(&Db, &mut Reasons) -> Result<()>,
    ) -> Result<()> {
        let tx = self.conn.transaction(true)?;
        tx.execute(
            "DELETE FROM claims WHERE source_id = ?1",
            params![source_id],
        )?;
        tx.execute(
            "DELETE FROM issues WHERE source_id = ?1",
            params![source_id],
        )?;
        let mut reasons = Reasons::new(&self.reasons, &self.pending);
        insert(&tx, &mut reasons)?;
        insert_issues(&tx, source_id, run, issues)?;
        tx.commit()?;
        let staged = reasons.staged;
        self.staged(staged);
        Ok(())
    }

    /// How a track source was read, if it is one.
    pub fn track_source(&self, source_id: i64) -> Result<Option<TrackInfo>> {
        let row = self.conn.query_opt(
            "SELECT format, file_time, map, lines_read, decoded, rejected FROM track_sources \
                 WHERE source_id = ?1",
            params![source_id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<i64>>(1)?,
                    r.get::<_, String>(2)?,
                    [
                        r.get::<_, i64>(3)?,
                        r.get::<_, i64>(4)?,
                        r.get::<_, i64>(5)?,
                    ],
                ))
            },
        )?;
        Ok(row.map(|(format, file_time, map, n)| TrackInfo {
            format,
            file_time,
            map: map
                .lines()
                .filter_map(|l| l.split_once('='))
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            lines: n.map(|x| x as u64),
        }))
    }

    /// Replaces a track source's events, their claims, its issues and how it was read, in one
    /// transaction (`reprocess`).
    pub fn replace_track(
        &mut self,
        source_id: i64,
        run: i64,
        track: Track,
        issues: &[Issue],
        extractor_version: &str,
    ) -> Result<()> {
        self.replace_source(source_id, run, issues, |tx, reasons| {
            for table in ["track_events", "track_sources", "track_positions"] {
                tx.execute(
                    &format!("DELETE FROM {table} WHERE source_id = ?1"),
                    params![source_id],
                )?;
            }
            insert_track(tx, reasons, source_id, track, extractor_version)
        })
    }

    /// The position chunks that may hold positions matching `f` (a chunk is returned whole:
    /// the caller unpacks it and keeps the positions it wants), by vessel then time.
    pub fn positions(&self, f: &PositionFilter) -> Result<Vec<StoredPositions>> {
        let mut sql = String::from(
            "SELECT source_id, mmsi, time_start, time_end, south, west, north, east, count, \
             columns FROM track_positions WHERE 1 = 1",
        );
        let mut args: Vec<db::Value> = Vec::new();
        let mut cond = |sql: &mut String, c: &str, v: db::Value| {
            args.push(v);
            sql.push_str(&format!(" AND {c} ?{}", args.len()));
        };
        if let Some(m) = f.mmsi {
            cond(&mut sql, "mmsi =", i64::from(m).into());
        }
        if let Some(t) = f.since {
            cond(&mut sql, "time_end >=", t.into());
        }
        if let Some(t) = f.until {
            cond(&mut sql, "time_start <=", t.into());
        }
        if let Some([s, w, n, e]) = f.bbox {
            cond(&mut sql, "north >=", s.into());
            cond(&mut sql, "east >=", w.into());
            cond(&mut sql, "south <=", n.into());
            cond(&mut sql, "west <=", e.into());
        }
        sql.push_str(" ORDER BY mmsi, time_start, id");
        let args: Vec<Param> = args.iter().map(db::ToParam::param).collect();
        let mut out = self.conn.query(&sql, &args, |r| {
            Ok(StoredPositions {
                source_id: r.get(0)?,
                chunk: PositionChunk {
                    mmsi: r.get::<_, i64>(1)? as u32,
                    start: r.get(2)?,
                    end: r.get(3)?,
                    bbox: [r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?],
                    count: r.get::<_, i64>(8)? as u32,
                    data: r.get(9)?,
                },
            })
        })?;
        if let Some(keep) = &f.sources {
            out.retain(|p| keep.contains(&p.source_id));
        }
        Ok(out)
    }

    /// Per vessel and track source with positions: how many, and the first and last time, by
    /// MMSI then source.
    pub fn position_summary(&self) -> Result<Vec<PositionSummary>> {
        self.conn.query(
            "SELECT mmsi, source_id, CAST(sum(count) AS BIGINT), min(time_start), max(time_end) \
             FROM track_positions GROUP BY mmsi, source_id ORDER BY mmsi, source_id",
            params![],
            |r| {
                Ok(PositionSummary {
                    mmsi: r.get::<_, i64>(0)? as u32,
                    source_id: r.get(1)?,
                    count: r.get::<_, i64>(2)? as u64,
                    start: r.get(3)?,
                    end: r.get(4)?,
                })
            },
        )
    }

    /// A vessel's stored track events, in time order: its own, and the encounters it had
    /// with another (a row is indexed by its first vessel).
    pub fn vessel_events(&self, mmsi: u32) -> Result<Vec<StoredTrackEvent>> {
        let mut events = self.events_where(
            "WHERE mmsi = ?1 OR kind = 'encounter' ORDER BY time_start, id",
            &[i64::from(mmsi)],
        )?;
        events.retain(|e| e.event.vessels.iter().any(|v| v.mmsi == mmsi));
        Ok(events)
    }

    /// Every stored track event, in source then time order.
    pub fn track_events(&self) -> Result<Vec<StoredTrackEvent>> {
        self.events_where("ORDER BY source_id, time_start, id", &[])
    }

    fn events_where(&self, tail: &str, args: &[i64]) -> Result<Vec<StoredTrackEvent>> {
        let args: Vec<Param> = args.iter().map(db::ToParam::param).collect();
        let rows = self.conn.query(
            &format!("SELECT id, source_id, claim_id, json FROM track_events {tail}"),
            &args,
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                    r.get::<_, String>(3)?,
                ))
            },
        )?;
        let mut out = Vec::new();
        for (id, source_id, claim_id, json) in rows {
            let event = serde_json::from_str(&json)
                .map_err(|e| StoreError(format!("track event {id}: {e}")))?;
            out.push(StoredTrackEvent {
                id,
                source_id,
                claim_id,
                event,
            });
        }
        Ok(out)
    }

    /// Records a file that could not be read as a source (no source row: nothing was archived).
    pub fn record_failure(&self, run: i64, issue: &Issue) -> Result<()> {
        insert_issue(&self.conn, None, run, issue)
    }

    /// The archived bytes of a source.
    pub fn source_bytes(&self, id: i64) -> Result<Option<Vec<u8>>> {
        self.conn.query_opt(
            "SELECT bytes FROM sources WHERE id = ?1",
            params![id],
            |r| r.get(0),
        )
    }

    /// Every archived source, oldest first.
    pub fn sources(&self) -> Result<Vec<SourceRow>> {
        self.source_rows("", None)
    }

    /// One archived source by id, without its bytes.
    pub fn source(&self, id: i64) -> Result<Option<SourceRow>> {
        Ok(self.source_rows("WHERE s.id = ?1", Some(id))?.pop())
    }

    fn source_rows(&self, filter: &str, id: Option<i64>) -> Result<Vec<SourceRow>> {
        let sql = format!(
            "SELECT s.id, s.sha256, s.name, s.media_type, s.kind, s.published, s.ingested_at, \
             s.size, (SELECT count(*) FROM claims c WHERE c.source_id = s.id), \
             (SELECT count(*) FROM shipments h WHERE h.source_id = s.id) \
             FROM sources s {filter} ORDER BY s.id"
        );
        let args: Vec<Param> = id.iter().map(db::ToParam::param).collect();
        self.conn.query(&sql, &args, |r| {
            Ok(SourceRow {
                id: r.get(0)?,
                sha256: r.get(1)?,
                name: r.get(2)?,
                media_type: r.get(3)?,
                kind: r.get(4)?,
                published: r.get(5)?,
                ingested_at: r.get(6)?,
                size: r.get(7)?,
                claims: r.get(8)?,
                shipments: r.get(9)?,
            })
        })
    }

    /// Claims matching the filter, in the order they were stored.
    pub fn claims(&self, f: &ClaimFilter) -> Result<Vec<StoredClaim>> {
        let sql = String::from(
            "SELECT c.id, c.source_id, s.name, c.extractor_version, c.json, e.quote FROM claims c \
             JOIN sources s ON s.id = c.source_id LEFT JOIN evidence e ON e.claim_id = c.id \
             WHERE 1 = 1",
        );
        let mut q = Query::new(&sql, self.conn.is_pg());
        if let Some(v) = &f.crossing {
            q.and(" AND c.crossing = ?", v);
        }
        match (&f.place, &f.kind) {
            // claim_places holds from, to, at and every mentioned place, with the claim's kind
            // (indexed by place and kind, so a place and a kind never read the claims rows).
            (Some(p), Some(k)) => q.and_each(
                " AND c.id IN (SELECT p.claim_id FROM claim_places p WHERE p.place = ? AND p.kind = ?)",
                &[p, k],
            ),
            (Some(p), None) => q.and(
                " AND c.id IN (SELECT claim_id FROM claim_places WHERE place = ?)",
                p,
            ),
            _ => {}
        }
        let mut add = |cond: &str, v: &str| q.and(cond, v);
        if let Some(v) = &f.direction {
            add(" AND c.direction = ?", v);
        }
        if let Some(v) = &f.hs {
            // A prefix as an index range: codes are digits, and ':' sorts right after '9'.
            add(
                " AND c.id IN (SELECT claim_id FROM claim_goods WHERE hs >= ? AND hs < ? || ':')",
                v,
            );
        }
        if let Some(v) = &f.kind {
            add(" AND c.kind = ?", v);
        }
        if let Some(v) = &f.since {
            add(" AND c.time_end >= ?", v);
        }
        if let Some(v) = &f.until {
            add(" AND c.time_start <= ?", v);
        }
        q.finish(f, "c", "c.id");
        let raw: Vec<RawClaim> = self.conn.query(&q.sql, &q.params(), |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        // Verdicts: one ordered pass over the table for a whole-store read, a lookup per claim
        // for a filtered one (few rows).
        let whole = q.args.is_empty() && f.limit.is_none();
        let mut verdicts: HashMap<i64, Vec<ClaimVerdict>> = HashMap::new();
        let reasons: HashMap<i64, String> = if f.skip_reasons {
            HashMap::new()
        } else {
            let mut m = HashMap::new();
            self.conn
                .each("SELECT id, text FROM reasons", params![], |r| {
                    m.insert(r.get(0)?, r.get(1)?);
                    Ok(())
                })?;
            m
        };
        let verdict = |r: &db::Row| -> Result<(i64, String, String, String, String, i64)> {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        };
        let mut add_verdict = |(id, hs, status, measures, date, reason_id): (
            i64,
            String,
            String,
            String,
            String,
            i64,
        )|
         -> Result<()> {
            verdicts.entry(id).or_default().push(ClaimVerdict {
                hs,
                status: parse_status(id, &status)?,
                measures: split_measures(&measures),
                date: borderwatch_model::parse_date(&date).map_err(|e| {
                    StoreError(format!("claim {id}: stored verdict date {date:?}: {e}"))
                })?,
                reason: reasons.get(&reason_id).cloned().unwrap_or_default(),
            });
            Ok(())
        };
        const VERDICT_COLS: &str =
            "SELECT claim_id, hs, status, measures, date, reason_id FROM verdicts";
        if whole {
            self.conn.each(
                &format!("{VERDICT_COLS} ORDER BY claim_id, ord"),
                params![],
                |r| add_verdict(verdict(r)?),
            )?;
        } else {
            let sql = format!("{VERDICT_COLS} WHERE claim_id = ?1 ORDER BY ord");
            for r in &raw {
                self.conn
                    .each(&sql, params![r.0], |r| add_verdict(verdict(r)?))?;
            }
        }
        // JSON decoding is the bulk of a large read: spread it over the cores, each thread
        // building finished claims for its share (no intermediate copies of large vectors).
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let chunk = raw.len().div_ceil(threads).max(1);
        let mut parts: Vec<Vec<RawClaim>> = Vec::new();
        let mut raw = raw;
        while raw.len() > chunk {
            let rest = raw.split_off(chunk);
            parts.push(raw);
            raw = rest;
        }
        parts.push(raw);
        let decoded: Vec<Result<Vec<StoredClaim>>> = std::thread::scope(|sc| {
            let handles: Vec<_> = parts
                .into_iter()
                .map(|part| {
                    sc.spawn(move || {
                        let mut out = Vec::with_capacity(part.len());
                        for (id, source_id, source_name, extractor_version, json, quote) in part {
                            let mut claim: Claim = serde_json::from_str(&json).map_err(|e| {
                                StoreError(format!("claim {id}: stored JSON unreadable: {e}"))
                            })?;
                            // Since schema 2 the quote and the verdicts live in their tables.
                            if claim.evidence.text.is_empty() {
                                claim.evidence.text = quote.unwrap_or_default();
                            }
                            // The stored name, not the path the JSON may have been written
                            // with before schema 4.
                            claim.source.clone_from(&source_name);
                            out.push(StoredClaim {
                                id,
                                source_id,
                                source_name,
                                extractor_version,
                                claim,
                            });
                        }
                        Ok(out)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err(StoreError("a decoding thread failed".into())))
                })
                .collect()
        });
        let mut out: Vec<StoredClaim> = Vec::new();
        for part in decoded {
            let part = part?;
            if out.is_empty() {
                out = part;
                out.reserve(chunk * threads);
            } else {
                out.extend(part);
            }
        }
        // Since schema 2 the verdicts live in their table only (version-1 JSON carries its own).
        for c in &mut out {
            if c.claim.verdicts.is_empty() {
                if let Some(v) = verdicts.remove(&c.id) {
                    c.claim.verdicts = v;
                }
            }
        }
        Ok(out)
    }

    /// One claim by id.
    pub fn claim(&self, id: i64) -> Result<Option<StoredClaim>> {
        let f = ClaimFilter {
            id: Some(id),
            ..Default::default()
        };
        Ok(self.claims(&f)?.into_iter().next())
    }

    /// Stored issues, oldest first.
    pub fn issues(&self) -> Result<Vec<IssueRow>> {
        self.conn.query(
            "SELECT s.name, i.code, i.message, i.line, i.value FROM issues i \
             LEFT JOIN sources s ON s.id = i.source_id ORDER BY i.id",
            params![],
            |r| {
                Ok(IssueRow {
                    source: r.get(0)?,
                    code: r.get(1)?,
                    message: r.get(2)?,
                    line: r.get(3)?,
                    value: r.get(4)?,
                })
            },
        )
    }

    /// Integrity and foreign-key checks plus the store's own: every claim's evidence span lies
    /// inside its archived source, and the audit log's chain is whole. Empty when all is well.
    pub fn check(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        // PostgreSQL checks its pages and enforces the foreign keys itself.
        if let Some(conn) = self.conn.lite() {
            out.extend(
                pragma_check(conn, "PRAGMA integrity_check")?
                    .into_iter()
                    .map(|r| format!("integrity: {r}")),
            );
            if !out.is_empty() {
                // The store's own checks read the damaged tables: the integrity report is the
                // answer.
                return Ok(out);
            }
            let mut st = conn.prepare("PRAGMA foreign_key_check")?;
            let n = st.query_map([], |_| Ok(()))?.count();
            if n > 0 {
                out.push(format!("{n} rows break a foreign key"));
            }
        }
        let bad: i64 = self.conn.query_row(
            "SELECT count(*) FROM evidence e JOIN claims c ON c.id = e.claim_id \
             JOIN sources s ON s.id = c.source_id WHERE e.span_end > s.size OR e.span_start > e.span_end",
            params![],
            |r| r.get(0),
        )?;
        if bad > 0 {
            out.push(format!("{bad} evidence spans lie outside their source"));
        }
        let bad: i64 = self.conn.query_row(
            "SELECT count(*) FROM reviews r JOIN sources s ON s.id = r.source_id \
             WHERE r.span_end > s.size OR r.span_start > r.span_end",
            params![],
            |r| r.get(0),
        )?;
        if bad > 0 {
            out.push(format!("{bad} review spans lie outside their source"));
        }
        out.extend(self.check_audit()?);
        Ok(out)
    }

    /// Copies the database to `path` with SQLite's online backup (readers and writers may run).
    /// An existing file is replaced only when `replace` is true, and never the store itself.
    /// The copy is written to a temporary file beside the target and renamed over it when
    /// complete, so an interrupted backup leaves the old target (or nothing), never half a copy.
    pub fn backup(&self, path: &Path, replace: bool) -> Result<()> {
        let shown = path.display();
        let Some(conn) = self.conn.lite() else {
            return Err(StoreError(
                "a PostgreSQL store is backed up with pg_dump, or copied to a file with \
                 `borderwatch db copy`"
                    .into(),
            ));
        };
        if let Some(own) = conn.path().filter(|p| !p.is_empty()) {
            if same_file(Path::new(own), path) {
                return Err(StoreError(format!(
                    "{shown}: is the store itself; back up to another file"
                )));
            }
        }
        if path.is_dir() {
            return Err(StoreError(format!("{shown}: is a directory")));
        }
        if path.exists() && !replace {
            return Err(StoreError(format!(
                "{shown}: already exists (give --force to replace it)"
            )));
        }
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => std::path::PathBuf::from("."),
        };
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| StoreError(format!("{shown}: names no file")))?;
        let tmp = dir.join(format!(".{file}.tmp-{}", std::process::id()));
        let copy = || -> Result<()> {
            let mut dst = Connection::open(&tmp)
                .map_err(|e| StoreError(format!("{}: cannot open: {e}", tmp.display())))?;
            let b = rusqlite::backup::Backup::new(conn, &mut dst)?;
            b.run_to_completion(256, std::time::Duration::from_millis(0), None)?;
            drop(b);
            // A rollback journal, not WAL, while it is a temporary file: the rename must carry
            // the whole copy, with nothing left in a side file.
            dst.pragma_update(None, "journal_mode", "DELETE")?;
            dst.close().map_err(|(_, e)| StoreError::from(e))?;
            Ok(())
        };
        if let Err(e) = copy() {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        // Side files of a store that was at the target would be read as part of the copy.
        for side in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{side}", path.display()));
        }
        std::fs::rename(&tmp, path).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            StoreError(format!("{shown}: cannot put the copy in place: {e}"))
        })
    }

    /// Row counts.
    pub fn counts(&self) -> Result<Counts> {
        let one = |sql: &str| -> Result<i64> { self.conn.query_row(sql, params![], |r| r.get(0)) };
        Ok(Counts {
            sources: one("SELECT count(*) FROM sources")?,
            claims: one("SELECT count(*) FROM claims")?,
            shipments: one("SELECT count(*) FROM shipments")?,
            issues: one("SELECT count(*) FROM issues")?,
        })
    }

    /// Shipments matching the filter (`kind` does not apply), in source then line order.
    pub fn shipments(&self, f: &ClaimFilter) -> Result<Vec<StoredShipment>> {
        let mut q = Query::new_in(
            self.conn.is_pg(),
            "SELECT h.id, h.source_id, s.name, h.line, h.record_id, h.date, h.hs, h.description, \
             h.direction, h.quantity, h.unit, h.value_usd, h.origin, h.destination, h.crossing, \
             h.mode, h.status, h.measures, r.text FROM shipments h \
             JOIN sources s ON s.id = h.source_id JOIN reasons r ON r.id = h.reason_id WHERE 1 = 1",
        );
        if let Some(v) = &f.crossing {
            q.and(" AND h.crossing = ?", v);
        }
        if let Some(v) = &f.place {
            q.and(" AND (h.origin = ? OR h.destination = ?)", v);
        }
        if let Some(v) = &f.direction {
            q.and(" AND h.direction = ?", v);
        }
        if let Some(v) = &f.hs {
            q.and(" AND h.hs >= ? AND h.hs < ? || ':'", v);
        }
        if let Some(v) = &f.since {
            q.and(" AND h.date >= ?", v);
        }
        if let Some(v) = &f.until {
            q.and(" AND h.date <= ?", v);
        }
        q.finish(f, "h", "h.source_id, h.line");
        let rows = self.conn.query(&q.sql, &q.params(), |r| {
            Ok((
                (
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, Option<String>>(7)?,
                    r.get::<_, String>(8)?,
                ),
                (
                    r.get::<_, Option<f64>>(9)?,
                    r.get::<_, Option<String>>(10)?,
                    r.get::<_, Option<f64>>(11)?,
                    r.get::<_, Option<String>>(12)?,
                    r.get::<_, Option<String>>(13)?,
                    r.get::<_, Option<String>>(14)?,
                    r.get::<_, Option<String>>(15)?,
                    r.get::<_, String>(16)?,
                    r.get::<_, String>(17)?,
                    r.get::<_, String>(18)?,
                ),
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (
                (id, source_id, source_name, line, record_id, date, hs, description, direction),
                (
                    quantity,
                    unit,
                    value_usd,
                    origin,
                    destination,
                    crossing,
                    mode,
                    status,
                    measures,
                    reason,
                ),
            ) = row;
            let bad = |what: &str, v: &str, e: String| {
                StoreError(format!("shipment {id}: stored {what} {v:?}: {e}"))
            };
            out.push(StoredShipment {
                id,
                source_id,
                source_name,
                line,
                shipment: Shipment {
                    id: record_id,
                    hs: hs
                        .as_deref()
                        .map(|h| borderwatch_model::HsCode::parse(h).map_err(|e| bad("hs", h, e)))
                        .transpose()?,
                    description,
                    direction: borderwatch_model::Direction::parse_loose(&direction)
                        .ok_or_else(|| bad("direction", &direction, "not a direction".into()))?,
                    date: borderwatch_model::parse_date(&date)
                        .map_err(|e| bad("date", &date, e))?,
                    quantity,
                    unit,
                    value_usd,
                    product: None,
                    origin,
                    destination,
                    crossing,
                    mode: mode
                        .as_deref()
                        .map(|m| m.parse().map_err(|e| bad("mode", m, e)))
                        .transpose()?,
                },
                status: parse_status(id, &status)?,
                measures: split_measures(&measures),
                reason,
            });
        }
        Ok(out)
    }
}

/// A filtered query under construction: conditions with `?` placeholders, each bound to the
/// filter's value once more.
struct Query {
    sql: String,
    args: Vec<db::Value>,
    pg: bool,
}

impl Query {
    fn new(select: &str, pg: bool) -> Query {
        Query::new_in(pg, select)
    }

    fn new_in(pg: bool, select: &str) -> Query {
        Query {
            sql: select.to_string(),
            args: Vec::new(),
            pg,
        }
    }

    fn params(&self) -> Vec<Param<'_>> {
        self.args.iter().map(db::ToParam::param).collect()
    }
    /// The conditions every query shares (source, id), then the order and the limit.
    fn finish(&mut self, f: &ClaimFilter, alias: &str, order: &str) {
        if let Some(v) = &f.source {
            self.and(" AND (s.name = ? OR CAST(s.id AS TEXT) = ?)", v);
        }
        if let Some(id) = f.id {
            self.and_value(&format!(" AND {alias}.id = ?"), id.into());
        }
        if let Some(id) = f.source_id {
            self.and_value(&format!(" AND {alias}.source_id = ?"), id.into());
        }
        if let Some(ids) = &f.ids {
            let list: Vec<String> = ids.iter().map(i64::to_string).collect();
            // An id list as one JSON array parameter, however long it is.
            let each = if self.pg {
                "SELECT CAST(value AS BIGINT) FROM json_array_elements_text(CAST(? AS json))"
            } else {
                "SELECT value FROM json_each(?)"
            };
            self.and(
                &format!(" AND {alias}.id IN ({each})"),
                &format!("[{}]", list.join(",")),
            );
        }
        if let Some(after) = f.after {
            self.and_value(&format!(" AND {alias}.id > ?"), after.into());
        }
        self.sql.push_str(&format!(" ORDER BY {order}"));
        if let Some(l) = f.limit {
            self.sql.push_str(&format!(" LIMIT {l}"));
        }
    }

    /// Adds a condition; every `?` in it takes `v`.
    fn and(&mut self, cond: &str, v: &str) {
        self.and_each(cond, &[v]);
    }

    /// Adds a condition with one `?`, bound to `v`.
    fn and_value(&mut self, cond: &str, v: db::Value) {
        let (head, tail) = cond.split_once('?').unwrap_or((cond, ""));
        self.args.push(v);
        self.sql
            .push_str(&format!("{head}?{}{tail}", self.args.len()));
    }

    /// Adds a condition whose `?`s take these values in turn (the last one repeats).
    fn and_each(&mut self, cond: &str, vs: &[&str]) {
        for (i, part) in cond.split('?').enumerate() {
            if i > 0 {
                let v = vs[(i - 1).min(vs.len() - 1)];
                self.args.push(v.into());
                self.sql.push_str(&format!("?{}", self.args.len()));
            }
            self.sql.push_str(part);
        }
    }
}

/// Row counts of the main tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub sources: i64,
    pub claims: i64,
    pub shipments: i64,
    pub issues: i64,
}

fn parse_status(id: i64, s: &str) -> Result<Status> {
    s.parse()
        .map_err(|e| StoreError(format!("row {id}: stored status: {e}")))
}

fn split_measures(s: &str) -> Vec<String> {
    s.split(';')
        .filter(|m| !m.is_empty())
        .map(str::to_string)
        .collect()
}

/// Reason ids for one transaction: the committed cache, plus reasons this transaction added
/// (merged into the cache only after it commits, so a rollback leaves no stale id behind).
struct Reasons<'c> {
    committed: &'c HashMap<String, i64>,
    pending: &'c HashMap<String, i64>,
    staged: HashMap<String, i64>,
}

impl<'c> Reasons<'c> {
    fn new(committed: &'c HashMap<String, i64>, pending: &'c HashMap<String, i64>) -> Self {
        Reasons {
            committed,
            pending,
            staged: HashMap::new(),
        }
    }
    fn id(&mut self, tx: &Db, text: &str) -> Result<i64> {
        if let Some(&id) = self
            .committed
            .get(text)
            .or_else(|| self.pending.get(text))
            .or_else(|| self.staged.get(text))
        {
            return Ok(id);
        }
        tx.execute(
            "INSERT INTO reasons (text) VALUES (?1) ON CONFLICT DO NOTHING",
            params![text],
        )?;
        let id: i64 = tx.query_row(
            "SELECT id FROM reasons WHERE text = ?1",
            params![text],
            |r| r.get(0),
        )?;
        self.staged.insert(text.to_string(), id);
        Ok(id)
    }
}

/// A source whose bytes are streamed into the store ([`Store::ingest_streamed`]).
#[derive(Debug, Clone)]
pub struct StreamedSource<'a> {
    pub name: &'a str,
    pub media_type: &'a str,
    pub kind: &'a str,
    pub published: Option<&'a str>,
    /// The file's size: the blob is made this long before the bytes arrive.
    pub size: u64,
    /// The SHA-256 the bytes are expected to have (hashed once already, by whoever judged the
    /// file); bytes that hash otherwise changed in between.
    pub sha256: &'a str,
}

/// Why a streamed source was not stored.
#[derive(Debug)]
pub enum Stopped<E> {
    /// What the caller's `fill` gave.
    Fill(E),
    /// The bytes were not those expected: the file changed after it was first read.
    Changed(String),
}

/// Where a streamed source's bytes go: hashed, and written into its blob in order.
pub struct Archive<'c> {
    sink: Sink<'c>,
    hasher: Sha256,
    written: u64,
    size: u64,
}

impl Archive<'_> {
    /// The next bytes of the source. More bytes than the size given is an error.
    pub fn bytes(&mut self, b: &[u8]) -> std::io::Result<()> {
        if self.written + b.len() as u64 > self.size {
            return Err(std::io::Error::other(format!(
                "more than the {} bytes the file had when opened",
                self.size
            )));
        }
        use std::io::Write;
        match &mut self.sink {
            Sink::Blob(blob) => blob.write_all(b)?,
            Sink::Buffer(v) => v.extend_from_slice(b),
        }
        self.hasher.update(b);
        self.written += b.len() as u64;
        Ok(())
    }

    /// Bytes archived so far.
    pub fn written(&self) -> u64 {
        self.written
    }
}

/// SQLite writes into the blob sized up front; PostgreSQL has no incremental writes to a
/// `bytea`, so the bytes are gathered and written with the source once they are all in.
enum Sink<'c> {
    Blob(rusqlite::blob::Blob<'c>),
    Buffer(Vec<u8>),
}

/// Where a streamed shipment file's rows and issues go, as they are read.
pub struct FileRows<'c, 'r> {
    tx: &'c Db,
    reasons: &'r mut Reasons<'c>,
    source_id: i64,
    run: i64,
    pub shipments: usize,
    pub issues: usize,
}

impl FileRows<'_, '_> {
    pub fn shipment(&mut self, row: &ShipmentInput) -> Result<()> {
        insert_shipments(
            self.tx,
            self.reasons,
            self.source_id,
            std::slice::from_ref(row),
        )?;
        self.shipments += 1;
        Ok(())
    }

    pub fn issue(&mut self, issue: &Issue) -> Result<()> {
        insert_issue(self.tx, Some(self.source_id), self.run, issue)?;
        self.issues += 1;
        Ok(())
    }
}

#[allow(clippy::type_complexity)]
fn stream_source<'c, E>(
    tx: &'c Db,
    reasons: &mut Reasons<'c>,
    run: i64,
    src: &StreamedSource,
    now: &str,
    fill: impl FnOnce(&mut Archive, &mut FileRows) -> std::result::Result<(), E>,
) -> Result<std::result::Result<Ingested, Stopped<E>>> {
    if let Some(id) = tx.query_opt(
        "SELECT id FROM sources WHERE sha256 = ?1",
        params![src.sha256],
        |r| r.get(0),
    )? {
        return Ok(Ok(Ingested::Unchanged(id)));
    }
    let pg = tx.is_pg();
    let bytes = if pg { "?9" } else { "zeroblob(?8)" };
    let (size, empty) = (src.size as i64, Vec::<u8>::new());
    let all = params![
        src.sha256,
        src.name,
        src.media_type,
        src.kind,
        src.published,
        now,
        run,
        size,
        empty
    ];
    let source_id = tx.insert(
        &format!(
            "INSERT INTO sources (sha256, name, media_type, kind, published, ingested_at, \
             run_id, size, bytes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, {bytes})"
        ),
        &all[..if pg { 9 } else { 8 }],
    )?;
    let sink = match tx.lite() {
        Some(c) => {
            Sink::Blob(c.blob_open(rusqlite::MAIN_DB, "sources", "bytes", source_id, false)?)
        }
        None => Sink::Buffer(Vec::new()),
    };
    let mut archive = Archive {
        sink,
        hasher: Sha256::new(),
        written: 0,
        size: src.size,
    };
    let mut rows = FileRows {
        tx,
        reasons,
        source_id,
        run,
        shipments: 0,
        issues: 0,
    };
    if let Err(e) = fill(&mut archive, &mut rows) {
        return Ok(Err(Stopped::Fill(e)));
    }
    let Archive {
        sink,
        hasher,
        written,
        ..
    } = archive;
    match sink {
        Sink::Blob(blob) => blob.close()?,
        Sink::Buffer(bytes) => {
            tx.execute(
                "UPDATE sources SET bytes = ?2 WHERE id = ?1",
                params![source_id, bytes],
            )?;
        }
    }
    let sha: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if written != src.size || sha != src.sha256 {
        return Ok(Err(Stopped::Changed(format!(
            "{written} bytes with SHA-256 {sha}, where {} bytes with {} were read first",
            src.size, src.sha256
        ))));
    }
    Ok(Ok(Ingested::New(source_id)))
}

/// Archives one source with what it holds, inside the caller's transaction.
#[allow(clippy::too_many_arguments)]
fn write_source(
    tx: &Db,
    reasons: &mut Reasons,
    run: i64,
    src: &SourceInput,
    content: Content,
    issues: &[Issue],
    extractor_version: &str,
    now: &str,
) -> Result<Ingested> {
    let sha = sha256_hex(src.bytes);
    if let Some(id) = tx.query_opt(
        "SELECT id FROM sources WHERE sha256 = ?1",
        params![sha],
        |r| r.get(0),
    )? {
        return Ok(Ingested::Unchanged(id));
    }
    let source_id = tx.insert(
        "INSERT INTO sources (sha256, name, media_type, kind, published, ingested_at, run_id, \
         size, bytes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            sha,
            src.name,
            src.media_type,
            src.kind,
            src.published,
            now,
            run,
            src.bytes.len() as i64,
            src.bytes
        ],
    )?;
    match content {
        Content::Claims(claims) => {
            insert_claims(tx, reasons, source_id, claims, extractor_version, None)?
        }
        Content::Shipments(rows) => insert_shipments(tx, reasons, source_id, rows)?,
        Content::Track(t) => insert_track(tx, reasons, source_id, t, extractor_version)?,
    }
    insert_issues(tx, source_id, run, issues)?;
    Ok(Ingested::New(source_id))
}

fn insert_claims(
    tx: &Db,
    reasons: &mut Reasons,
    source_id: i64,
    claims: &[PreparedClaim],
    extractor_version: &str,
    mut ids: Option<&mut Vec<i64>>,
) -> Result<()> {
    let ins: &str =
        "INSERT INTO claims (source_id, kind, crossing, from_place, to_place, at_place, \
         direction, mode, polarity, time_start, time_end, extractor_version, json) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
    let ev: &str = "INSERT INTO evidence (claim_id, span_start, span_end, quote, attribution) \
         VALUES (?1, ?2, ?3, ?4, ?5)";
    let gd: &str = "INSERT INTO claim_goods (claim_id, ord, text, hs, hs2, hs4) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
    let pl: &str = "INSERT INTO claim_places (claim_id, place, kind) VALUES (?1, ?2, ?3)";
    let vd: &str = "INSERT INTO verdicts (claim_id, ord, hs, status, measures, date, reason_id) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    for p in claims {
        let c = &p.claim;
        let id = tx.insert(
            ins,
            params![
                source_id,
                c.kind.as_str(),
                c.via,
                c.from,
                c.to,
                c.at,
                c.direction.as_str(),
                c.mode.map(|m| m.as_str()),
                match c.polarity {
                    borderwatch_model::Polarity::Affirmed => "affirmed",
                    borderwatch_model::Polarity::Negated => "negated",
                },
                p.time.0,
                p.time.1,
                extractor_version,
                p.json
            ],
        )?;

        if let Some(ids) = ids.as_deref_mut() {
            ids.push(id);
        }
        tx.execute(
            ev,
            params![
                id,
                c.evidence.span[0] as i64,
                c.evidence.span[1] as i64,
                c.evidence.text,
                c.evidence.attribution
            ],
        )?;
        for (i, g) in c.goods.iter().enumerate() {
            let hs = g.hs.as_deref();
            tx.execute(
                gd,
                params![
                    id,
                    i as i64,
                    g.text,
                    hs,
                    hs.and_then(|h| h.get(..2)),
                    hs.and_then(|h| h.get(..4))
                ],
            )?;
        }
        for place in &p.places {
            tx.execute(pl, params![id, place, c.kind.as_str()])?;
        }
        for (i, v) in c.verdicts.iter().enumerate() {
            let reason = reasons.id(tx, &v.reason)?;
            tx.execute(
                vd,
                params![
                    id,
                    i as i64,
                    v.hs,
                    v.status.as_str(),
                    v.measures.join(";"),
                    v.date.to_string(),
                    reason
                ],
            )?;
        }
    }
    Ok(())
}

fn insert_track(
    tx: &Db,
    reasons: &mut Reasons,
    source_id: i64,
    track: Track,
    extractor_version: &str,
) -> Result<()> {
    let Track {
        info,
        events,
        positions,
    } = track;
    let map: Vec<String> = info.map.iter().map(|(a, b)| format!("{a}={b}")).collect();
    tx.execute(
        "INSERT INTO track_sources (source_id, format, file_time, map, lines_read, decoded, \
         rejected) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            source_id,
            info.format,
            info.file_time,
            map.join("\n"),
            info.lines[0] as i64,
            info.lines[1] as i64,
            info.lines[2] as i64
        ],
    )?;
    for e in events {
        let mut ids = Vec::new();
        if let Some(c) = &e.claim {
            insert_claims(
                tx,
                reasons,
                source_id,
                std::slice::from_ref(c),
                extractor_version,
                Some(&mut ids),
            )?;
        }
        tx.execute("INSERT INTO track_events (source_id, kind, mmsi, time_start, time_end, claim_id, json) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", params![
            source_id,
            e.event.kind.as_str(),
            e.event.vessels.first().map_or(0, |v| v.mmsi as i64),
            e.event.start,
            e.event.end,
            ids.first(),
            e.json
        ])?;
    }
    insert_positions(tx, source_id, positions)
}

fn insert_positions(tx: &Db, source_id: i64, chunks: &[PositionChunk]) -> Result<()> {
    let ins: &str =
        "INSERT INTO track_positions (source_id, mmsi, time_start, time_end, south, west, north, \
         east, count, columns) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
    for c in chunks {
        let [s, w, n, e] = c.bbox;
        tx.execute(
            ins,
            params![
                source_id,
                i64::from(c.mmsi),
                c.start,
                c.end,
                s,
                w,
                n,
                e,
                i64::from(c.count),
                c.data
            ],
        )?;
    }
    Ok(())
}

fn insert_shipments(
    tx: &Db,
    reasons: &mut Reasons,
    source_id: i64,
    rows: &[ShipmentInput],
) -> Result<()> {
    let ins: &str =
        "INSERT INTO shipments (source_id, line, record_id, date, hs, hs2, hs4, description, \
         direction, quantity, unit, value_usd, origin, destination, crossing, mode, status, \
         measures, reason_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, \
         ?14, ?15, ?16, ?17, ?18, ?19)";
    for r in rows {
        let s = &r.shipment;
        let hs = s.hs.as_ref().map(|h| h.as_str());
        let reason = reasons.id(tx, &r.reason)?;
        tx.execute(
            ins,
            params![
                source_id,
                r.line as i64,
                s.id,
                s.date.to_string(),
                hs,
                hs.and_then(|h| h.get(..2)),
                hs.and_then(|h| h.get(..4)),
                s.description,
                s.direction.as_str(),
                s.quantity,
                s.unit,
                s.value_usd,
                s.origin,
                s.destination,
                s.crossing,
                s.mode.map(|m| m.as_str()),
                r.status.as_str(),
                r.measures.join(";"),
                reason
            ],
        )?;
    }
    Ok(())
}

fn insert_issues(tx: &Db, source_id: i64, run: i64, issues: &[Issue]) -> Result<()> {
    for i in issues {
        insert_issue(tx, Some(source_id), run, i)?;
    }
    Ok(())
}

fn insert_issue(conn: &Db, source_id: Option<i64>, run: i64, i: &Issue) -> Result<()> {
    conn.execute(
        "INSERT INTO issues (source_id, run_id, file, code, message, line, value) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            source_id,
            run,
            i.file,
            i.code.as_str(),
            i.message,
            i.line.map(|l| l as i64),
            i.value
        ],
    )?;
    Ok(())
}
