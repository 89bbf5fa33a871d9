//! The PostgreSQL side of the store: where a store lives (`--db` a path or a `postgres://`
//! URL), connecting without ever printing a password, and creating the schema in an empty
//! database.
//!
//! Refuses: writing into a database that already has tables (it may be another program's, or a
//! store with data), and any schema it did not create (`borderwatch_meta` names the application
//! and the schema version, as SQLite's `user_version` does).

use std::fmt;
use std::path::PathBuf;

use crate::{Result, StoreError, SCHEMA_VERSION};

/// The PostgreSQL schema, equal table for table and column for column to SQLite's at
/// [`SCHEMA_VERSION`] (a test compares the two).
const SCHEMA: &str = include_str!("pg_schema.sql");

/// Its secondary indexes, built once the rows are in (see [`create_indexes`]).
const INDEXES: &str = include_str!("pg_indexes.sql");

/// The SQLite schema version the PostgreSQL schema above matches.
const PG_SCHEMA_MATCHES: i64 = 8;

/// Where a store lives.
#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(PathBuf),
    /// A `postgres://` or `postgresql://` URL, password and all (never shown: see `Display`).
    Postgres(String),
}

impl Location {
    /// A `postgres://…` or `postgresql://…` URL is PostgreSQL; anything else is an SQLite path.
    pub fn parse(s: &str) -> Location {
        let lower = s.get(..13).unwrap_or(s).to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            Location::Postgres(s.to_string())
        } else {
            Location::Sqlite(PathBuf::from(s))
        }
    }
}

impl From<&std::path::Path> for Location {
    fn from(p: &std::path::Path) -> Location {
        Location::Sqlite(p.to_path_buf())
    }
}

impl From<&PathBuf> for Location {
    fn from(p: &PathBuf) -> Location {
        Location::Sqlite(p.clone())
    }
}

impl From<&Location> for Location {
    fn from(l: &Location) -> Location {
        l.clone()
    }
}

/// The location as it may be printed: a URL's password (and query string, which may carry one)
/// is left out.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Sqlite(p) => write!(f, "{}", p.display()),
            Location::Postgres(url) => f.write_str(&redact_url(url)),
        }
    }
}

impl fmt::Debug for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// `postgres://user:secret@host/db?password=x` → `postgres://user:***@host/db`.
pub fn redact_url(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
    let rest = rest.split_once('?').map_or(rest, |(r, _)| r);
    let shown = match rest.rsplit_once('@') {
        Some((user, host)) => match user.split_once(':') {
            Some((name, _)) => format!("{name}:***@{host}"),
            None => format!("{user}@{host}"),
        },
        None => rest.to_string(),
    };
    format!("{scheme}://{shown}")
}

/// A connection error without the URL (the driver's message never carries the password, but a
/// message is built here from the redacted form only, to be sure).
pub(crate) fn connect(url: &str) -> Result<postgres::Client> {
    postgres::Client::connect(url, postgres::NoTls).map_err(|e| {
        StoreError(format!(
            "{}: cannot connect: {}",
            redact_url(url),
            pg_message(&e)
        ))
    })
}

/// A PostgreSQL error as one line: the server's message when there is one.
pub(crate) fn pg_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => match db.detail() {
            Some(d) => format!("{} ({d})", db.message()),
            None => db.message().to_string(),
        },
        None => {
            // The driver's own errors chain their cause (a refused connection, say).
            let mut s = e.to_string();
            let mut src = std::error::Error::source(e);
            while let Some(c) = src {
                s.push_str(": ");
                s.push_str(&c.to_string());
                src = c.source();
            }
            s
        }
    }
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        StoreError(format!("postgresql: {}", pg_message(&e)))
    }
}

/// The tables of the current schema in `db`, by name.
pub(crate) fn tables(db: &mut impl postgres::GenericClient) -> Result<Vec<String>> {
    let rows = db.query(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
        &[],
    )?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// Creates the store's tables (keys and constraints included, secondary indexes not: see
/// [`create_indexes`]) in an empty database, inside the caller's transaction.
pub(crate) fn create_schema(tx: &mut postgres::Transaction<'_>, shown: &str) -> Result<()> {
    let existing = tables(tx)?;
    if !existing.is_empty() {
        let mut names = existing.clone();
        names.truncate(5);
        return Err(StoreError(format!(
            "{shown}: not an empty database ({} tables, among them {}); copy into a new database \
             (createdb) so that nothing there is overwritten",
            existing.len(),
            names.join(", ")
        )));
    }
    tx.batch_execute(SCHEMA)?;
    tx.execute(
        "INSERT INTO borderwatch_meta (key, value) VALUES ('application', 'borderwatch'), \
         ('schema', $1)",
        &[&PG_SCHEMA_MATCHES.to_string()],
    )?;
    Ok(())
}

/// Builds the secondary indexes, after a bulk load inside the same transaction.
pub(crate) fn create_indexes(tx: &mut postgres::Transaction<'_>) -> Result<()> {
    tx.batch_execute(INDEXES)?;
    Ok(())
}

/// Connects to the database at `url` and makes sure it holds a store: an empty database gets
/// the schema when `access` may create one; any other database must be a borderwatch store at
/// this binary's schema. Openers racing on one empty database queue on an advisory lock, so
/// exactly one creates the schema.
pub(crate) fn open(url: &str, access: crate::Access) -> Result<postgres::Client> {
    use crate::Access;
    let shown = redact_url(url);
    let mut client = connect(url)?;
    let creates = matches!(access, Access::Create | Access::Write);
    if creates {
        let mut tx = client.transaction()?;
        // Any number shared by every borderwatch opener; released when the transaction ends.
        tx.execute("SELECT pg_advisory_xact_lock(7361524109)", &[])?;
        if tables(&mut tx)?.is_empty() {
            create_schema(&mut tx, &shown)?;
            create_indexes(&mut tx)?;
        } else {
            check_schema(&mut tx, &shown)?;
        }
        tx.commit()?;
    } else {
        if tables(&mut client)?.is_empty() {
            return Err(StoreError(format!(
                "{shown}: no store in this database yet (`ingest` or `db copy` creates one)"
            )));
        }
        check_schema(&mut client, &shown)?;
    }
    if access == Access::ReadOnly {
        client.batch_execute("SET default_transaction_read_only = on")?;
    }
    Ok(client)
}

/// Checks that `db` holds a borderwatch store at the schema this binary reads.
pub(crate) fn check_schema(db: &mut impl postgres::GenericClient, shown: &str) -> Result<()> {
    if !tables(db)?.iter().any(|t| t == "borderwatch_meta") {
        return Err(StoreError(format!(
            "{shown}: not a borderwatch store (no borderwatch_meta table)"
        )));
    }
    let rows = db.query(
        "SELECT key, value FROM borderwatch_meta WHERE key IN ('application', 'schema')",
        &[],
    )?;
    let get = |k: &str| {
        rows.iter()
            .find(|r| r.get::<_, String>(0) == k)
            .map(|r| r.get::<_, String>(1))
    };
    if get("application").as_deref() != Some("borderwatch") {
        return Err(StoreError(format!("{shown}: not a borderwatch store")));
    }
    let v: i64 = get("schema").and_then(|v| v.parse().ok()).unwrap_or(-1);
    if v != SCHEMA_VERSION || v != PG_SCHEMA_MATCHES {
        return Err(StoreError(format!(
            "{shown}: schema version {v}, this binary reads {SCHEMA_VERSION}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_postgres_and_paths_are_sqlite() {
        assert!(matches!(
            Location::parse("postgres://u@h/db"),
            Location::Postgres(_)
        ));
        assert!(matches!(
            Location::parse("PostgreSQL://u@h/db"),
            Location::Postgres(_)
        ));
        assert!(matches!(
            Location::parse("postgres.db"),
            Location::Sqlite(_)
        ));
        assert!(matches!(Location::parse("./x/y.db"), Location::Sqlite(_)));
    }

    #[test]
    fn a_password_is_never_shown() {
        let cases = [
            (
                "postgres://ana:s3cret@db.local:5432/bw",
                "postgres://ana:***@db.local:5432/bw",
            ),
            (
                "postgres://ana@db.local/bw?password=s3cret",
                "postgres://ana@db.local/bw",
            ),
            ("postgresql://h/bw", "postgresql://h/bw"),
            ("postgres://a:b:c@h/bw", "postgres://a:***@h/bw"),
        ];
        for (url, want) in cases {
            assert_eq!(redact_url(url), want);
            let shown = Location::parse(url).to_string();
            assert!(!shown.contains("s3cret"), "{shown}");
        }
    }

    /// The PostgreSQL schema is written for the SQLite schema it copies.
    #[test]
    fn the_schema_matches_the_sqlite_version() {
        assert_eq!(PG_SCHEMA_MATCHES, SCHEMA_VERSION);
    }
}
