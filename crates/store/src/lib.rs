//! The store: the only crate that speaks SQL.
//!
//! Owns: the SQLite schema and its numbered migrations, archiving sources byte for byte with
//! their SHA-256, storing claims (typed columns for what queries filter on, plus the whole claim
//! as JSON), evidence, goods, verdicts and issues, one transaction per source, and the queries
//! over them. WAL mode, so readers work while an ingest writes.
//!
//! Refuses: business rules. It does not extract, screen or decide; it stores what the stages
//! produced and answers queries. It never downloads anything.

use std::fmt;
use std::path::Path;

use borderwatch_model::{Claim, Issue};
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

mod schema;

pub use schema::SCHEMA_VERSION;

/// Helpers for tests that need a database in a state the store never writes itself.
pub mod testing {
    /// Sets the recorded schema version (to test that newer databases are refused).
    pub fn set_schema_version(path: &std::path::Path, v: i64) -> crate::Result<()> {
        let c = rusqlite::Connection::open(path)?;
        c.pragma_update(None, "user_version", v)?;
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
    /// `report` or `shipments`.
    pub kind: &'a str,
    pub published: Option<&'a str>,
    pub bytes: &'a [u8],
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
    pub limit: Option<usize>,
}

/// A stored claim with its ids.
#[derive(Debug, Clone)]
pub struct StoredClaim {
    pub id: i64,
    pub source_id: i64,
    pub source_name: String,
    pub extractor_version: String,
    pub claim: Claim,
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
    conn: Connection,
}

/// Lower-case hex SHA-256 of the bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

impl Store {
    /// Opens (creating when absent) and migrates the database at `path`. A database whose schema
    /// is newer than this binary knows is refused.
    pub fn open(path: &Path) -> Result<Store> {
        let conn = Connection::open(path)
            .map_err(|e| StoreError(format!("{}: cannot open: {e}", path.display())))?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mut store = Store { conn };
        schema::migrate(&mut store.conn)
            .map_err(|e| StoreError(format!("{}: {}", path.display(), e.0)))?;
        Ok(store)
    }

    /// The schema version recorded in the database.
    pub fn schema_version(&self) -> Result<i64> {
        schema::version(&self.conn)
    }

    /// Starts an ingest run and returns its id.
    pub fn begin_run(&self, tool_version: &str, now: &str) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO ingest_runs (started_at, tool_version) VALUES (?1, ?2)",
            params![now, tool_version],
        )?;
        Ok(self.conn.last_insert_rowid())
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
        Ok(self
            .conn
            .query_row("SELECT id FROM sources WHERE sha256 = ?1", [sha256], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Archives a source with its claims and issues in one transaction. The same bytes again add
    /// nothing.
    pub fn ingest(
        &mut self,
        run: i64,
        src: &SourceInput,
        claims: &[Claim],
        issues: &[Issue],
        extractor_version: &str,
        now: &str,
    ) -> Result<Ingested> {
        let sha = sha256_hex(src.bytes);
        let tx = self.conn.transaction()?;
        if let Some(id) = tx
            .query_row("SELECT id FROM sources WHERE sha256 = ?1", [&sha], |r| {
                r.get(0)
            })
            .optional()?
        {
            return Ok(Ingested::Unchanged(id));
        }
        tx.execute(
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
        let source_id = tx.last_insert_rowid();
        insert_claims(&tx, source_id, claims, extractor_version)?;
        insert_issues(&tx, source_id, run, issues)?;
        tx.commit()?;
        Ok(Ingested::New(source_id))
    }

    /// Replaces a source's claims and issues with new ones, in one transaction (`reprocess`).
    pub fn replace_claims(
        &mut self,
        source_id: i64,
        run: i64,
        claims: &[Claim],
        issues: &[Issue],
        extractor_version: &str,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM claims WHERE source_id = ?1", [source_id])?;
        tx.execute("DELETE FROM issues WHERE source_id = ?1", [source_id])?;
        insert_claims(&tx, source_id, claims, extractor_version)?;
        insert_issues(&tx, source_id, run, issues)?;
        tx.commit()?;
        Ok(())
    }

    /// Records a file that could not be read as a source (no source row: nothing was archived).
    pub fn record_failure(&self, run: i64, issue: &Issue) -> Result<()> {
        insert_issue(&self.conn, None, run, issue)
    }

    /// The archived bytes of a source.
    pub fn source_bytes(&self, id: i64) -> Result<Option<Vec<u8>>> {
        Ok(self
            .conn
            .query_row("SELECT bytes FROM sources WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Every archived source, oldest first.
    pub fn sources(&self) -> Result<Vec<SourceRow>> {
        let mut st = self.conn.prepare(
            "SELECT s.id, s.sha256, s.name, s.media_type, s.kind, s.published, s.ingested_at, \
             s.size, (SELECT count(*) FROM claims c WHERE c.source_id = s.id) \
             FROM sources s ORDER BY s.id",
        )?;
        let rows = st.query_map([], |r| {
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
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Claims matching the filter, in source then claim order.
    pub fn claims(&self, f: &ClaimFilter) -> Result<Vec<StoredClaim>> {
        let mut sql = String::from(
            "SELECT c.id, c.source_id, s.name, c.extractor_version, c.json FROM claims c \
             JOIN sources s ON s.id = c.source_id WHERE 1 = 1",
        );
        let mut args: Vec<String> = Vec::new();
        // Each `?` in a condition binds the filter's value once more.
        let mut add = |cond: &str, v: &str| {
            for (i, part) in cond.split('?').enumerate() {
                if i > 0 {
                    args.push(v.to_string());
                    sql.push_str(&format!("?{}", args.len()));
                }
                sql.push_str(part);
            }
        };
        if let Some(v) = &f.crossing {
            add(" AND c.crossing = ?", v);
        }
        if let Some(v) = &f.place {
            // claim_places holds from, to, at and every mentioned place (indexed by place).
            add(
                " AND c.id IN (SELECT claim_id FROM claim_places WHERE place = ?)",
                v,
            );
        }
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
        if let Some(v) = &f.source {
            add(" AND (s.name = ? OR CAST(s.id AS TEXT) = ?)", v);
        }
        if let Some(id) = f.id {
            add(" AND c.id = CAST(? AS INTEGER)", &id.to_string());
        }
        sql.push_str(" ORDER BY c.source_id, c.id");
        if let Some(l) = f.limit {
            sql.push_str(&format!(" LIMIT {l}"));
        }
        let mut st = self.conn.prepare(&sql)?;
        let rows = st.query_map(rusqlite::params_from_iter(args.iter()), |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, source_id, source_name, extractor_version, json) = row?;
            let claim: Claim = serde_json::from_str(&json)
                .map_err(|e| StoreError(format!("claim {id}: stored JSON unreadable: {e}")))?;
            out.push(StoredClaim {
                id,
                source_id,
                source_name,
                extractor_version,
                claim,
            });
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
        let mut st = self.conn.prepare(
            "SELECT s.name, i.code, i.message, i.line, i.value FROM issues i \
             LEFT JOIN sources s ON s.id = i.source_id ORDER BY i.id",
        )?;
        let rows = st.query_map([], |r| {
            Ok(IssueRow {
                source: r.get(0)?,
                code: r.get(1)?,
                message: r.get(2)?,
                line: r.get(3)?,
                value: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Integrity and foreign-key checks plus the store's own: every claim's evidence span lies
    /// inside its archived source. Empty when all is well.
    pub fn check(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let mut st = self.conn.prepare("PRAGMA integrity_check")?;
        for r in st.query_map([], |r| r.get::<_, String>(0))? {
            let r = r?;
            if r != "ok" {
                out.push(format!("integrity: {r}"));
            }
        }
        let mut st = self.conn.prepare("PRAGMA foreign_key_check")?;
        let n = st.query_map([], |_| Ok(()))?.count();
        if n > 0 {
            out.push(format!("{n} rows break a foreign key"));
        }
        let bad: i64 = self.conn.query_row(
            "SELECT count(*) FROM evidence e JOIN claims c ON c.id = e.claim_id \
             JOIN sources s ON s.id = c.source_id WHERE e.span_end > s.size OR e.span_start > e.span_end",
            [],
            |r| r.get(0),
        )?;
        if bad > 0 {
            out.push(format!("{bad} evidence spans lie outside their source"));
        }
        Ok(out)
    }

    /// Copies the database to `path` with SQLite's online backup (readers and writers may run).
    pub fn backup(&self, path: &Path) -> Result<()> {
        let mut dst = Connection::open(path)
            .map_err(|e| StoreError(format!("{}: cannot open: {e}", path.display())))?;
        let b = rusqlite::backup::Backup::new(&self.conn, &mut dst)?;
        b.run_to_completion(256, std::time::Duration::from_millis(0), None)?;
        Ok(())
    }

    /// Row counts: (sources, claims, issues).
    pub fn counts(&self) -> Result<(i64, i64, i64)> {
        let one = |sql: &str| -> Result<i64> { Ok(self.conn.query_row(sql, [], |r| r.get(0))?) };
        Ok((
            one("SELECT count(*) FROM sources")?,
            one("SELECT count(*) FROM claims")?,
            one("SELECT count(*) FROM issues")?,
        ))
    }
}

fn insert_claims(
    tx: &rusqlite::Transaction,
    source_id: i64,
    claims: &[Claim],
    extractor_version: &str,
) -> Result<()> {
    let mut ins = tx.prepare_cached(
        "INSERT INTO claims (source_id, kind, crossing, from_place, to_place, at_place, \
         direction, mode, polarity, time_start, time_end, extractor_version, json) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?;
    let mut ev = tx.prepare_cached(
        "INSERT INTO evidence (claim_id, span_start, span_end, quote, attribution) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut gd = tx.prepare_cached(
        "INSERT INTO claim_goods (claim_id, text, hs, hs2, hs4) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut pl =
        tx.prepare_cached("INSERT OR IGNORE INTO claim_places (claim_id, place) VALUES (?1, ?2)")?;
    let mut vd = tx.prepare_cached(
        "INSERT INTO verdicts (claim_id, hs, status, measures, date) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for c in claims {
        let json = serde_json::to_string(c)
            .map_err(|e| StoreError(format!("cannot serialise a claim: {e}")))?;
        let (ts, te) = c.when.as_ref().map_or((None, None), |w| {
            (w.start.map(|d| d.to_string()), w.end.map(|d| d.to_string()))
        });
        ins.execute(params![
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
            ts,
            te,
            extractor_version,
            json
        ])?;
        let id = tx.last_insert_rowid();
        ev.execute(params![
            id,
            c.evidence.span[0] as i64,
            c.evidence.span[1] as i64,
            c.evidence.text,
            c.evidence.attribution
        ])?;
        for g in &c.goods {
            let hs = g.hs.as_deref();
            gd.execute(params![
                id,
                g.text,
                hs,
                hs.and_then(|h| h.get(..2)),
                hs.and_then(|h| h.get(..4))
            ])?;
        }
        for p in c.places.iter().chain(&c.from).chain(&c.to).chain(&c.at) {
            pl.execute(params![id, p])?;
        }
        for v in &c.verdicts {
            vd.execute(params![
                id,
                v.hs,
                v.status.as_str(),
                v.measures.join(";"),
                v.date.to_string()
            ])?;
        }
    }
    Ok(())
}

fn insert_issues(
    tx: &rusqlite::Transaction,
    source_id: i64,
    run: i64,
    issues: &[Issue],
) -> Result<()> {
    for i in issues {
        insert_issue(tx, Some(source_id), run, i)?;
    }
    Ok(())
}

fn insert_issue(conn: &Connection, source_id: Option<i64>, run: i64, i: &Issue) -> Result<()> {
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
