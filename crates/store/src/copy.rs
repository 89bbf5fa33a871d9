//! `db copy`: a whole store moved between SQLite and PostgreSQL, every table row for row, in one
//! transaction of the destination that commits only when each table's row count and SHA-256
//! read back from the destination equal the source's.
//!
//! The tables and columns are the SQLite schema this binary writes (migrated into a store in
//! memory), so a table added by a migration is copied without a change here; the PostgreSQL
//! schema (`pg_schema.sql`) must have the same columns, which the copy checks before it starts.
//! PostgreSQL is written with binary `COPY`. Rows are read and hashed in primary-key order
//! (text keys in byte order, SQLite's and PostgreSQL's `"C"` collation alike), each value as its
//! type tag and bytes, so equal hashes mean equal tables.
//!
//! Refuses: a destination that already holds anything (an SQLite path that exists, a
//! PostgreSQL database with tables), a source at another schema version, and a value whose
//! type is not its column's (named by table, row and column).

use std::path::Path;

use postgres::binary_copy::BinaryCopyInWriter;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{IsNull, ToSql, Type};
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use sha2::{Digest, Sha256};

use crate::pg::{self, Location};
use crate::{schema, Result, Store, StoreError};

/// One table as copied: how many rows, and the hash of them all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCopy {
    pub table: String,
    pub rows: u64,
    pub sha256: String,
}

/// What a copy did, table by table (checked equal on both sides).
#[derive(Debug, Clone)]
pub struct CopyReport {
    pub tables: Vec<TableCopy>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum ColType {
    Int,
    Real,
    Text,
    Blob,
}

impl ColType {
    fn pg(self) -> Type {
        match self {
            ColType::Int => Type::INT8,
            ColType::Real => Type::FLOAT8,
            ColType::Text => Type::TEXT,
            ColType::Blob => Type::BYTEA,
        }
    }
}

#[derive(Debug)]
struct Table {
    name: String,
    columns: Vec<(String, ColType)>,
    /// The primary key's columns, in key order (`rowid` tables: `id`).
    key: Vec<String>,
    /// An `id` the destination generates for later rows (PostgreSQL: an identity column).
    identity: bool,
}

impl Table {
    fn column_list(&self) -> String {
        self.columns
            .iter()
            .map(|(c, _)| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `SELECT` of every column in key order; PostgreSQL's text keys compared byte by byte.
    fn select(&self, postgres: bool) -> String {
        let order = self
            .key
            .iter()
            .map(|k| {
                let text = self
                    .columns
                    .iter()
                    .any(|(c, t)| c == k && *t == ColType::Text);
                if postgres && text {
                    format!("\"{k}\" COLLATE \"C\"")
                } else {
                    format!("\"{k}\"")
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "SELECT {} FROM \"{}\" ORDER BY {order}",
            self.column_list(),
            self.name
        )
    }
}

/// A value on its way from one engine to the other.
#[derive(Debug)]
enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl Value {
    /// Feeds the value to a table's hash: a type tag, then its bytes (lengths first, so no two
    /// rows run together into the same stream).
    fn hash(&self, h: &mut Sha256) {
        match self {
            Value::Null => h.update([0]),
            Value::Int(i) => {
                h.update([1]);
                h.update(i.to_le_bytes());
            }
            Value::Real(f) => {
                h.update([2]);
                h.update(f.to_bits().to_le_bytes());
            }
            Value::Text(s) => {
                h.update([3]);
                h.update((s.len() as u64).to_le_bytes());
                h.update(s.as_bytes());
            }
            Value::Blob(b) => {
                h.update([4]);
                h.update((b.len() as u64).to_le_bytes());
                h.update(b);
            }
        }
    }
}

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) => i.to_sql(ty, out),
            Value::Real(f) => f.to_sql(ty, out),
            Value::Text(s) => s.to_sql(ty, out),
            Value::Blob(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(ty: &Type) -> bool {
        [Type::INT8, Type::FLOAT8, Type::TEXT, Type::BYTEA].contains(ty)
    }

    postgres::types::to_sql_checked!();
}

/// The tables of the SQLite schema this binary writes, read off a store migrated in memory.
fn catalogue() -> Result<Vec<Table>> {
    let mut conn = Connection::open_in_memory()?;
    schema::migrate(&mut conn)?;
    let names: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<std::result::Result<_, _>>()?;
    let mut tables = Vec::new();
    for name in names {
        let mut st = conn.prepare(&format!("PRAGMA table_info(\"{name}\")"))?;
        let cols: Vec<(String, String, i64)> = st
            .query_map([], |r| Ok((r.get(1)?, r.get(2)?, r.get(5)?)))?
            .collect::<std::result::Result<_, _>>()?;
        let mut columns = Vec::new();
        for (c, ty, _) in &cols {
            let t = match ty.to_ascii_uppercase().as_str() {
                "INTEGER" => ColType::Int,
                "REAL" => ColType::Real,
                "TEXT" => ColType::Text,
                "BLOB" => ColType::Blob,
                other => {
                    return Err(StoreError(format!(
                        "table {name} column {c}: type {other:?} has no PostgreSQL counterpart"
                    )))
                }
            };
            columns.push((c.clone(), t));
        }
        let mut key: Vec<(i64, String)> = cols
            .iter()
            .filter(|(_, _, pk)| *pk > 0)
            .map(|(c, _, pk)| (*pk, c.clone()))
            .collect();
        key.sort();
        let key: Vec<String> = key.into_iter().map(|(_, c)| c).collect();
        let identity =
            key == ["id"] && columns.iter().any(|(c, t)| c == "id" && *t == ColType::Int);
        tables.push(Table {
            name,
            columns,
            key,
            identity,
        });
    }
    Ok(tables)
}

/// One SQLite value as the column's type, or an error naming where it is.
fn from_sqlite(v: ValueRef<'_>, t: &Table, col: usize, key: &str) -> Result<Value> {
    let (name, ty) = &t.columns[col];
    let bad = |found: &str| {
        StoreError(format!(
            "table {} row {key} column {name}: a {found} value in a {ty:?} column; run \
             `borderwatch db check` on the source",
            t.name
        ))
    };
    Ok(match (v, ty) {
        (ValueRef::Null, _) => Value::Null,
        (ValueRef::Integer(i), ColType::Int) => Value::Int(i),
        (ValueRef::Integer(i), ColType::Real) => Value::Real(i as f64),
        (ValueRef::Real(f), ColType::Real) => Value::Real(f),
        (ValueRef::Text(s), ColType::Text) => Value::Text(
            std::str::from_utf8(s)
                .map_err(|_| bad("non-UTF-8 text"))?
                .to_string(),
        ),
        (ValueRef::Blob(b), ColType::Blob) => Value::Blob(b.to_vec()),
        (ValueRef::Integer(_), _) => return Err(bad("integer")),
        (ValueRef::Real(_), _) => return Err(bad("real")),
        (ValueRef::Text(_), _) => return Err(bad("text")),
        (ValueRef::Blob(_), _) => return Err(bad("blob")),
    })
}

fn from_pg(r: &postgres::Row, t: &Table, col: usize) -> Result<Value> {
    let v = match t.columns[col].1 {
        ColType::Int => r.try_get::<_, Option<i64>>(col)?.map(Value::Int),
        ColType::Real => r.try_get::<_, Option<f64>>(col)?.map(Value::Real),
        ColType::Text => r.try_get::<_, Option<String>>(col)?.map(Value::Text),
        ColType::Blob => r.try_get::<_, Option<Vec<u8>>>(col)?.map(Value::Blob),
    };
    Ok(v.unwrap_or(Value::Null))
}

/// Reads one SQLite row of `t` into `row`.
fn sqlite_row(r: &rusqlite::Row<'_>, t: &Table, row: &mut Vec<Value>) -> Result<()> {
    row.clear();
    for i in 0..t.columns.len() {
        let key = key_of(row);
        row.push(from_sqlite(r.get_ref(i)?, t, i, &key)?);
    }
    Ok(())
}

/// Reads one PostgreSQL row of `t` into `row`.
fn pg_row(r: &postgres::Row, t: &Table, row: &mut Vec<Value>) -> Result<()> {
    row.clear();
    for i in 0..t.columns.len() {
        row.push(from_pg(r, t, i)?);
    }
    Ok(())
}

/// A row's key for messages: its first key column.
fn key_of(row: &[Value]) -> String {
    match row.first() {
        Some(Value::Int(i)) => i.to_string(),
        Some(Value::Text(s)) => format!("{s:?}"),
        _ => "?".into(),
    }
}

/// Counts and hashes a table as rows come.
struct Tally {
    rows: u64,
    hash: Sha256,
}

impl Tally {
    fn new() -> Tally {
        Tally {
            rows: 0,
            hash: Sha256::new(),
        }
    }

    fn add(&mut self, row: &[Value]) {
        self.rows += 1;
        for v in row {
            v.hash(&mut self.hash);
        }
    }

    fn finish(self, table: &str) -> TableCopy {
        TableCopy {
            table: table.to_string(),
            rows: self.rows,
            sha256: hex(&self.hash.finalize()),
        }
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Copies the store at `src` to `dst` (one SQLite, one PostgreSQL) and returns what was copied,
/// checked on both sides.
pub fn copy(src: &Location, dst: &Location) -> Result<CopyReport> {
    let tables = catalogue()?;
    match (src, dst) {
        (Location::Sqlite(s), Location::Postgres(url)) => sqlite_to_pg(s, url, dst, &tables),
        (Location::Postgres(url), Location::Sqlite(d)) => pg_to_sqlite(url, src, d, &tables),
        (Location::Sqlite(_), Location::Sqlite(_)) => Err(StoreError(
            "both stores are SQLite files: use `borderwatch db backup PATH`".into(),
        )),
        (Location::Postgres(_), Location::Postgres(_)) => Err(StoreError(
            "both stores are PostgreSQL: use pg_dump and pg_restore, which keep everything".into(),
        )),
    }
}

/// The columns of `t` in the PostgreSQL database must be the catalogue's, in its types.
fn check_columns(tx: &mut postgres::Transaction<'_>, t: &Table, shown: &str) -> Result<()> {
    let rows = tx.query(
        "SELECT column_name::text, data_type::text FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
        &[&t.name],
    )?;
    let have: Vec<(String, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    let want: Vec<(String, String)> = t
        .columns
        .iter()
        .map(|(c, ty)| {
            let pg = match ty {
                ColType::Int => "bigint",
                ColType::Real => "double precision",
                ColType::Text => "text",
                ColType::Blob => "bytea",
            };
            (c.clone(), pg.to_string())
        })
        .collect();
    if have != want {
        return Err(StoreError(format!(
            "{shown}: table {} has columns {have:?}, the store's schema {want:?}",
            t.name
        )));
    }
    Ok(())
}

fn sqlite_to_pg(src: &Path, url: &str, dst: &Location, tables: &[Table]) -> Result<CopyReport> {
    let shown = dst.to_string();
    let store = Store::open_read_only(src)?;
    let mut client = pg::connect(url)?;
    store.snapshot(|store| {
        let mut tx = client.transaction()?;
        pg::create_schema(&mut tx, &shown)?;
        let mut report = Vec::new();
        for t in tables {
            check_columns(&mut tx, t, &shown)?;
            let mut sent = Tally::new();
            {
                let sink = tx.copy_in(&format!(
                    "COPY \"{}\" ({}) FROM STDIN BINARY",
                    t.name,
                    t.column_list()
                ))?;
                let types: Vec<Type> = t.columns.iter().map(|(_, ty)| ty.pg()).collect();
                let mut w = BinaryCopyInWriter::new(sink, &types);
                let mut st = store.lite_ref()?.prepare(&t.select(false))?;
                let mut rows = st.query([])?;
                let mut row: Vec<Value> = Vec::with_capacity(t.columns.len());
                while let Some(r) = rows.next()? {
                    sqlite_row(r, t, &mut row)?;
                    sent.add(&row);
                    let refs: Vec<&(dyn ToSql + Sync)> =
                        row.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
                    w.write(&refs)
                        .map_err(|e| copy_error(&shown, t, &key_of(&row), &e))?;
                }
                w.finish().map_err(|e| copy_error(&shown, t, "(end)", &e))?;
            }
            if t.identity {
                tx.execute(
                    &format!(
                        "SELECT setval(pg_get_serial_sequence('\"{0}\"', 'id'), \
                         coalesce(max(id), 0) + 1, false) FROM \"{0}\"",
                        t.name
                    ),
                    &[],
                )?;
            }
            let sent = sent.finish(&t.name);
            let got = pg_tally(&mut tx, t)?;
            same(&sent, &got, &shown)?;
            report.push(sent);
        }
        // The foreign keys are checked now that every table is in (PostgreSQL builds no index
        // while their checks are pending), then the secondary indexes are built once.
        tx.batch_execute("SET CONSTRAINTS ALL IMMEDIATE")
            .map_err(|e| StoreError(format!("{shown}: {}", pg::pg_message(&e))))?;
        pg::create_indexes(&mut tx)?;
        tx.commit().map_err(|e| {
            StoreError(format!(
                "{shown}: the copy did not commit: {}",
                pg::pg_message(&e)
            ))
        })?;
        Ok(CopyReport { tables: report })
    })
}

fn copy_error(shown: &str, t: &Table, key: &str, e: &postgres::Error) -> StoreError {
    StoreError(format!(
        "{shown}: table {} row {key}: {}",
        t.name,
        pg::pg_message(e)
    ))
}

fn pg_tally(db: &mut impl postgres::GenericClient, t: &Table) -> Result<TableCopy> {
    let mut tally = Tally::new();
    let mut rows = db.query_raw(&t.select(true), std::iter::empty::<i64>())?;
    let mut row: Vec<Value> = Vec::with_capacity(t.columns.len());
    while let Some(r) = rows.next()? {
        pg_row(&r, t, &mut row)?;
        tally.add(&row);
    }
    Ok(tally.finish(&t.name))
}

fn sqlite_tally(conn: &Connection, t: &Table) -> Result<TableCopy> {
    let mut tally = Tally::new();
    let mut st = conn.prepare(&t.select(false))?;
    let mut rows = st.query([])?;
    let mut row: Vec<Value> = Vec::with_capacity(t.columns.len());
    while let Some(r) = rows.next()? {
        sqlite_row(r, t, &mut row)?;
        tally.add(&row);
    }
    Ok(tally.finish(&t.name))
}

fn same(sent: &TableCopy, got: &TableCopy, shown: &str) -> Result<()> {
    if sent != got {
        return Err(StoreError(format!(
            "{shown}: table {} read back {} rows (sha256 {}), the source has {} (sha256 {}); \
             nothing was committed",
            sent.table, got.rows, got.sha256, sent.rows, sent.sha256
        )));
    }
    Ok(())
}

fn pg_to_sqlite(url: &str, src: &Location, dst: &Path, tables: &[Table]) -> Result<CopyReport> {
    let shown = src.to_string();
    if dst.exists() {
        return Err(StoreError(format!(
            "{}: already exists; copy into a new path (nothing was changed)",
            dst.display()
        )));
    }
    let mut client = pg::connect(url)?;
    // One consistent view of the source, however long the copy takes.
    let mut from = client
        .build_transaction()
        .isolation_level(postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()?;
    pg::check_schema(&mut from, &shown)?;
    // Written beside the destination and renamed over it once whole: an interrupted copy
    // leaves no store at DST.
    let tmp = dst.with_file_name(format!(
        ".{}.copy-{}",
        dst.file_name().and_then(|n| n.to_str()).unwrap_or("store"),
        std::process::id()
    ));
    let _ = std::fs::remove_file(&tmp);
    let result = (|| {
        let mut store = Store::open(&tmp)?;
        let report = {
            let tx = store.lite_mut()?.transaction()?;
            tx.pragma_update(None, "defer_foreign_keys", "ON")?;
            let mut report = Vec::new();
            for t in tables {
                check_empty(&tx, t, dst)?;
                let mut sent = Tally::new();
                let marks = vec!["?"; t.columns.len()].join(", ");
                let mut ins = tx.prepare(&format!(
                    "INSERT INTO \"{}\" ({}) VALUES ({marks})",
                    t.name,
                    t.column_list()
                ))?;
                let mut rows = from.query_raw(&t.select(true), std::iter::empty::<i64>())?;
                let mut row: Vec<Value> = Vec::with_capacity(t.columns.len());
                while let Some(r) = rows.next()? {
                    pg_row(&r, t, &mut row)?;
                    sent.add(&row);
                    let params = rusqlite::params_from_iter(row.iter().map(to_sqlite));
                    ins.execute(params).map_err(|e| {
                        StoreError(format!(
                            "{}: table {} row {}: {e}",
                            dst.display(),
                            t.name,
                            key_of(&row)
                        ))
                    })?;
                }
                let sent = sent.finish(&t.name);
                let got = sqlite_tally(&tx, t)?;
                same(&sent, &got, &dst.display().to_string())?;
                report.push(sent);
            }
            tx.commit()?;
            report
        };
        drop(store);
        Ok(CopyReport { tables: report })
    })();
    from.commit()?;
    match result {
        Ok(r) => {
            std::fs::rename(&tmp, dst).map_err(|e| {
                StoreError(format!(
                    "{}: cannot move the copy into place: {e}",
                    dst.display()
                ))
            })?;
            for ext in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{ext}", tmp.display()));
            }
            Ok(r)
        }
        Err(e) => {
            for ext in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{ext}", tmp.display()));
            }
            Err(e)
        }
    }
}

fn check_empty(tx: &Connection, t: &Table, dst: &Path) -> Result<()> {
    let n: i64 = tx.query_row(&format!("SELECT count(*) FROM \"{}\"", t.name), [], |r| {
        r.get(0)
    })?;
    if n > 0 {
        return Err(StoreError(format!(
            "{}: a new store already has {n} rows in {}",
            dst.display(),
            t.name
        )));
    }
    Ok(())
}

fn to_sqlite(v: &Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as V;
    match v {
        Value::Null => V::Null,
        Value::Int(i) => V::Integer(*i),
        Value::Real(f) => V::Real(*f),
        Value::Text(s) => V::Text(s.clone()),
        Value::Blob(b) => V::Blob(b.clone()),
    }
}

/// The row counts and hashes of every table of the SQLite store at `path`, as `copy` computes
/// them (to compare a store with its copy).
pub fn table_hashes(path: &Path) -> Result<Vec<TableCopy>> {
    let store = Store::open_read_only(path)?;
    let tables = catalogue()?;
    store.snapshot(|s| {
        tables
            .iter()
            .map(|t| sqlite_tally(s.lite_ref()?, t))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every table of the schema can be copied: each column has a PostgreSQL type and each table
    /// a key to order its rows by.
    #[test]
    fn every_table_has_types_and_a_key() {
        let tables = catalogue().unwrap();
        assert!(tables.len() >= 19, "{}", tables.len());
        for t in &tables {
            assert!(!t.key.is_empty(), "{} has no key", t.name);
        }
        let claims = tables.iter().find(|t| t.name == "claims").unwrap();
        assert!(claims.identity);
        let places = tables.iter().find(|t| t.name == "claim_places").unwrap();
        assert_eq!(places.key, ["claim_id", "place"]);
        assert!(places.select(true).contains("\"place\" COLLATE \"C\""));
    }

    /// The hash tells apart what a plain concatenation would not.
    #[test]
    fn values_are_hashed_with_their_type_and_length() {
        let h = |row: &[Value]| {
            let mut t = Tally::new();
            t.add(row);
            t.finish("t").sha256
        };
        assert_ne!(
            h(&[Value::Text("ab".into()), Value::Text("c".into())]),
            h(&[Value::Text("a".into()), Value::Text("bc".into())])
        );
        assert_ne!(h(&[Value::Int(1)]), h(&[Value::Real(1.0)]));
        assert_ne!(h(&[Value::Null]), h(&[Value::Text(String::new())]));
    }
}
