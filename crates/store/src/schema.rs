//! Numbered migrations. The schema version lives in `PRAGMA user_version`; each migration runs
//! in its own transaction and bumps it. A database newer than this binary is refused.

use rusqlite::Connection;

use crate::StoreError;

/// Migrations in order; index + 1 is the version each one brings the database to.
const MIGRATIONS: &[&str] = &[
    // 1: sources, runs, claims with their evidence, goods, places and verdicts, issues.
    "
    CREATE TABLE ingest_runs (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        tool_version TEXT NOT NULL,
        files INTEGER, new INTEGER, unchanged INTEGER, failed INTEGER
    );
    CREATE TABLE sources (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        media_type TEXT NOT NULL,
        kind TEXT NOT NULL,
        published TEXT,
        ingested_at TEXT NOT NULL,
        run_id INTEGER REFERENCES ingest_runs(id),
        size INTEGER NOT NULL,
        bytes BLOB NOT NULL
    );
    CREATE TABLE claims (
        id INTEGER PRIMARY KEY,
        source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        crossing TEXT,
        from_place TEXT,
        to_place TEXT,
        at_place TEXT,
        direction TEXT NOT NULL,
        mode TEXT,
        polarity TEXT NOT NULL,
        time_start TEXT,
        time_end TEXT,
        extractor_version TEXT NOT NULL,
        json TEXT NOT NULL
    );
    CREATE INDEX claims_source ON claims(source_id);
    CREATE INDEX claims_crossing ON claims(crossing, direction);
    CREATE INDEX claims_kind ON claims(kind);
    CREATE INDEX claims_time ON claims(time_start, time_end);
    CREATE INDEX claims_time_end ON claims(time_end);
    CREATE TABLE evidence (
        claim_id INTEGER PRIMARY KEY REFERENCES claims(id) ON DELETE CASCADE,
        span_start INTEGER NOT NULL,
        span_end INTEGER NOT NULL,
        quote TEXT NOT NULL,
        attribution TEXT
    );
    CREATE TABLE claim_goods (
        claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
        text TEXT NOT NULL,
        hs TEXT, hs2 TEXT, hs4 TEXT
    );
    CREATE INDEX claim_goods_claim ON claim_goods(claim_id);
    CREATE INDEX claim_goods_hs ON claim_goods(hs);
    CREATE TABLE claim_places (
        claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
        place TEXT NOT NULL,
        PRIMARY KEY (claim_id, place)
    ) WITHOUT ROWID;
    CREATE INDEX claim_places_place ON claim_places(place);
    CREATE TABLE verdicts (
        claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
        hs TEXT NOT NULL,
        status TEXT NOT NULL,
        measures TEXT NOT NULL,
        date TEXT NOT NULL
    );
    CREATE INDEX verdicts_claim ON verdicts(claim_id);
    CREATE TABLE issues (
        id INTEGER PRIMARY KEY,
        source_id INTEGER REFERENCES sources(id) ON DELETE CASCADE,
        run_id INTEGER REFERENCES ingest_runs(id),
        file TEXT,
        code TEXT NOT NULL,
        message TEXT NOT NULL,
        line INTEGER,
        value TEXT
    );
    ",
];

/// The schema version this binary writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub(crate) fn version(conn: &Connection) -> crate::Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

pub(crate) fn migrate(conn: &mut Connection) -> crate::Result<()> {
    let v = version(conn)?;
    if v > SCHEMA_VERSION {
        return Err(StoreError(format!(
            "database schema version {v} is newer than this borderwatch knows ({SCHEMA_VERSION}); \
             use a newer borderwatch"
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(v as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)
            .map_err(|e| StoreError(format!("migration {}: {e}", i + 1)))?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}
