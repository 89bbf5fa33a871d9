//! One statement layer over the two engines a store lives on: SQLite (embedded, the default)
//! and PostgreSQL (a team's server). The store's queries are written once, in the SQL both
//! engines read (`?N` placeholders, `ON CONFLICT`, `CAST`), and run through [`Db`]; where the
//! dialects part (an id list, a pragma) the caller asks [`Db::is_pg`].
//!
//! Owns: placeholders (`?N` become `$N` for PostgreSQL), parameters ([`Param`]) and column values
//! ([`Cell`]) in the four storage classes both engines share, prepared-statement caches, and
//! transactions that nest as savepoints and roll back when dropped. Refuses: converting a value
//! to a type it does not fit (a NUMERIC, a negative count as `u64`) — an error names the column.

use std::cell::{Cell as StdCell, RefCell};
use std::collections::HashMap;

use postgres::types::{IsNull, ToSql, Type};

use crate::{Result, StoreError};

/// A connection to either engine (one per store, so the size of the larger does not matter).
#[allow(clippy::large_enum_variant)]
pub enum Db {
    Lite(rusqlite::Connection),
    Pg(Pg),
}

/// A PostgreSQL connection with its prepared statements (keyed by the SQL as written) and how
/// deep in transactions it is (PostgreSQL does not say; SQLite's autocommit flag does).
pub struct Pg {
    client: RefCell<postgres::Client>,
    statements: RefCell<HashMap<String, postgres::Statement>>,
    depth: StdCell<u32>,
}

impl Pg {
    pub fn new(client: postgres::Client) -> Pg {
        Pg {
            client: RefCell::new(client),
            statements: RefCell::new(HashMap::new()),
            depth: StdCell::new(0),
        }
    }

    fn statement(&self, sql: &str) -> Result<postgres::Statement> {
        if let Some(s) = self.statements.borrow().get(sql) {
            return Ok(s.clone());
        }
        let st = self
            .client
            .borrow_mut()
            .prepare(&placeholders(sql))
            .map_err(|e| pg_error(&e, sql))?;
        self.statements
            .borrow_mut()
            .insert(sql.to_string(), st.clone());
        Ok(st)
    }
}

/// A PostgreSQL error as the store reports it: the server's message, and the statement's first
/// words (never its parameters: they may be a source's text).
fn pg_error(e: &postgres::Error, sql: &str) -> StoreError {
    let head: String = sql.split_whitespace().take(6).collect::<Vec<_>>().join(" ");
    StoreError(format!(
        "PostgreSQL: {} (in `{head} …`)",
        crate::pg::pg_message(e)
    ))
}

/// `?N` and `?` placeholders as PostgreSQL's `$N`, outside quoted strings and identifiers.
pub fn placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut next = 0u32;
    let mut quote: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                out.push(c);
            }
            (Some(_), c) => out.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                out.push(c);
            }
            (None, '?') => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                if digits.is_empty() {
                    next += 1;
                    digits = next.to_string();
                } else if let Ok(n) = digits.parse::<u32>() {
                    next = next.max(n);
                }
                out.push('$');
                out.push_str(&digits);
            }
            (None, c) => out.push(c),
        }
    }
    out
}

/// A parameter, borrowed: one of the storage classes both engines share.
#[derive(Clone, Copy, Debug)]
pub enum Param<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
    Blob(&'a [u8]),
}

/// A parameter owned (a query built up from a filter keeps its arguments in these).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// What can be bound to a placeholder.
pub trait ToParam {
    fn param(&self) -> Param<'_>;
}

macro_rules! int_param {
    ($($t:ty),*) => {$(
        impl ToParam for $t {
            fn param(&self) -> Param<'_> {
                Param::Int(*self as i64)
            }
        }
    )*};
}
int_param!(i64, i32, u32, u16, u8, usize, u64);

impl ToParam for bool {
    fn param(&self) -> Param<'_> {
        Param::Int(i64::from(*self))
    }
}
impl ToParam for f64 {
    fn param(&self) -> Param<'_> {
        Param::Real(*self)
    }
}
impl ToParam for str {
    fn param(&self) -> Param<'_> {
        Param::Text(self)
    }
}
impl ToParam for String {
    fn param(&self) -> Param<'_> {
        Param::Text(self)
    }
}
impl ToParam for [u8] {
    fn param(&self) -> Param<'_> {
        Param::Blob(self)
    }
}
impl ToParam for Vec<u8> {
    fn param(&self) -> Param<'_> {
        Param::Blob(self)
    }
}
impl<T: ToParam + ?Sized> ToParam for &T {
    fn param(&self) -> Param<'_> {
        (**self).param()
    }
}
impl<T: ToParam> ToParam for Option<T> {
    fn param(&self) -> Param<'_> {
        self.as_ref().map_or(Param::Null, ToParam::param)
    }
}
impl ToParam for Value {
    fn param(&self) -> Param<'_> {
        match self {
            Value::Null => Param::Null,
            Value::Int(i) => Param::Int(*i),
            Value::Real(f) => Param::Real(*f),
            Value::Text(s) => Param::Text(s),
            Value::Blob(b) => Param::Blob(b),
        }
    }
}
impl ToParam for Param<'_> {
    fn param(&self) -> Param<'_> {
        *self
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}
impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::Real(f)
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Text(s)
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Text(s.to_string())
    }
}

/// Parameters for a statement, by position: `params![a, b]`.
macro_rules! params {
    () => { &[] as &[$crate::db::Param] };
    ($($x:expr),+ $(,)?) => {
        &[$($crate::db::ToParam::param(&$x)),+] as &[$crate::db::Param]
    };
}
pub(crate) use params;

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match *self {
            Param::Null => ValueRef::Null,
            Param::Int(i) => ValueRef::Integer(i),
            Param::Real(f) => ValueRef::Real(f),
            Param::Text(s) => ValueRef::Text(s.as_bytes()),
            Param::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

/// PostgreSQL infers a placeholder's type from where it stands; a value is sent as that type
/// when it fits (an integer as INT4 or DOUBLE, say) and refused when it does not.
impl ToSql for Param<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match *self {
            Param::Null => Ok(IsNull::Yes),
            Param::Int(i) => match *ty {
                Type::INT4 => i32::try_from(i)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(i)?.to_sql(ty, out),
                Type::FLOAT8 => (i as f64).to_sql(ty, out),
                Type::BOOL => (i != 0).to_sql(ty, out),
                Type::TEXT | Type::VARCHAR => i.to_string().to_sql(ty, out),
                _ => i.to_sql(ty, out),
            },
            Param::Real(f) => f.to_sql(ty, out),
            Param::Text(s) => s.to_sql(ty, out),
            Param::Blob(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

/// A column's value, borrowed from its row.
#[derive(Clone, Copy, Debug)]
pub enum Cell<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
    Blob(&'a [u8]),
}

/// What a column can be read as.
pub trait FromCell: Sized {
    fn from_cell(c: Cell<'_>) -> std::result::Result<Self, String>;
}

fn wrong(c: Cell<'_>, want: &str) -> String {
    let got = match c {
        Cell::Null => "NULL",
        Cell::Int(_) => "an integer",
        Cell::Real(_) => "a real",
        Cell::Text(_) => "text",
        Cell::Blob(_) => "a blob",
    };
    format!("{got} where {want} was expected")
}

macro_rules! int_cell {
    ($($t:ty),*) => {$(
        impl FromCell for $t {
            fn from_cell(c: Cell<'_>) -> std::result::Result<Self, String> {
                match c {
                    Cell::Int(i) => <$t>::try_from(i)
                        .map_err(|_| format!("{i} does not fit {}", stringify!($t))),
                    c => Err(wrong(c, "an integer")),
                }
            }
        }
    )*};
}
int_cell!(i64, i32, u32, u16, u8, usize, u64);

impl FromCell for bool {
    fn from_cell(c: Cell<'_>) -> std::result::Result<Self, String> {
        i64::from_cell(c).map(|i| i != 0)
    }
}
impl FromCell for f64 {
    fn from_cell(c: Cell<'_>) -> std::result::Result<Self, String> {
        match c {
            Cell::Real(f) => Ok(f),
            Cell::Int(i) => Ok(i as f64),
            c => Err(wrong(c, "a number")),
        }
    }
}
impl FromCell for String {
    fn from_cell(c: Cell<'_>) -> std::result::Result<Self, String> {
        match c {
            Cell::Text(s) => Ok(s.to_string()),
            c => Err(wrong(c, "text")),
        }
    }
}
impl FromCell for Vec<u8> {
    fn from_cell(c: Cell<'_>) -> std::result::Result<Self, String> {
        match c {
            Cell::Blob(b) => Ok(b.to_vec()),
            Cell::Text(s) => Ok(s.as_bytes().to_vec()),
            c => Err(wrong(c, "a blob")),
        }
    }
}
impl<T: FromCell> FromCell for Option<T> {
    fn from_cell(c: Cell<'_>) -> std::result::Result<Self, String> {
        match c {
            Cell::Null => Ok(None),
            c => T::from_cell(c).map(Some),
        }
    }
}

/// A row of either engine.
pub enum Row<'a> {
    Lite(&'a rusqlite::Row<'a>),
    Pg(&'a postgres::Row),
}

/// A column index (by position only: the store's queries name their columns in order).
pub trait RowIndex {
    fn index(self) -> usize;
}
impl RowIndex for usize {
    fn index(self) -> usize {
        self
    }
}

impl<'a> Row<'a> {
    /// The value of column `i`, borrowed.
    pub fn cell(&self, i: usize) -> Result<Cell<'a>> {
        match *self {
            Row::Lite(r) => {
                use rusqlite::types::ValueRef;
                Ok(match r.get_ref(i)? {
                    ValueRef::Null => Cell::Null,
                    ValueRef::Integer(v) => Cell::Int(v),
                    ValueRef::Real(v) => Cell::Real(v),
                    ValueRef::Text(t) => Cell::Text(std::str::from_utf8(t).map_err(|e| {
                        StoreError(format!("column {i}: text that is not UTF-8 ({e})"))
                    })?),
                    ValueRef::Blob(b) => Cell::Blob(b),
                })
            }
            Row::Pg(r) => pg_cell(r, i),
        }
    }

    /// Column `i` read as `T` (`r.get::<_, T>(i)`, as rusqlite spells it).
    pub fn get<I: RowIndex, T: FromCell>(&self, i: I) -> Result<T> {
        let i = i.index();
        T::from_cell(self.cell(i)?).map_err(|e| StoreError(format!("column {i}: {e}")))
    }
}

fn pg_cell<'a>(r: &'a postgres::Row, i: usize) -> Result<Cell<'a>> {
    let col = r
        .columns()
        .get(i)
        .ok_or_else(|| StoreError(format!("column {i}: no such column")))?;
    let bad = |e: postgres::Error| StoreError(format!("column {i}: {e}"));
    let ty = col.type_();
    Ok(match *ty {
        Type::INT8 => r.try_get::<_, Option<i64>>(i).map_err(bad)?.map(Cell::Int),
        Type::INT4 => r
            .try_get::<_, Option<i32>>(i)
            .map_err(bad)?
            .map(|v| Cell::Int(v.into())),
        Type::INT2 => r
            .try_get::<_, Option<i16>>(i)
            .map_err(bad)?
            .map(|v| Cell::Int(v.into())),
        Type::BOOL => r
            .try_get::<_, Option<bool>>(i)
            .map_err(bad)?
            .map(|v| Cell::Int(v.into())),
        Type::FLOAT8 => r.try_get::<_, Option<f64>>(i).map_err(bad)?.map(Cell::Real),
        Type::FLOAT4 => r
            .try_get::<_, Option<f32>>(i)
            .map_err(bad)?
            .map(|v| Cell::Real(v.into())),
        Type::BYTEA => r
            .try_get::<_, Option<&[u8]>>(i)
            .map_err(bad)?
            .map(Cell::Blob),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => r
            .try_get::<_, Option<&str>>(i)
            .map_err(bad)?
            .map(Cell::Text),
        _ => {
            return Err(StoreError(format!(
                "column {i} ({}): PostgreSQL type {ty} is not one the store reads (cast it)",
                col.name()
            )))
        }
    }
    .unwrap_or(Cell::Null))
}

fn pg_params<'p>(params: &'p [Param<'p>]) -> Vec<&'p (dyn ToSql + Sync)> {
    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
}

impl Db {
    pub fn is_pg(&self) -> bool {
        matches!(self, Db::Pg(_))
    }

    /// The SQLite connection, for what only SQLite has (pragmas, blobs, backups).
    pub fn lite(&self) -> Option<&rusqlite::Connection> {
        match self {
            Db::Lite(c) => Some(c),
            Db::Pg(_) => None,
        }
    }

    /// Runs one statement; the number of rows it changed.
    pub fn execute(&self, sql: &str, params: &[Param]) -> Result<usize> {
        match self {
            Db::Lite(c) => Ok(c
                .prepare_cached(sql)?
                .execute(rusqlite::params_from_iter(params))?),
            Db::Pg(p) => {
                let st = p.statement(sql)?;
                let n = p
                    .client
                    .borrow_mut()
                    .execute(&st, &pg_params(params))
                    .map_err(|e| pg_error(&e, sql))?;
                Ok(n as usize)
            }
        }
    }

    /// Runs an `INSERT` into a table with an `id` key and returns the new row's id.
    pub fn insert(&self, sql: &str, params: &[Param]) -> Result<i64> {
        match self {
            Db::Lite(c) => {
                c.prepare_cached(sql)?
                    .execute(rusqlite::params_from_iter(params))?;
                Ok(c.last_insert_rowid())
            }
            Db::Pg(_) => self.query_row(&format!("{sql} RETURNING id"), params, |r| r.get(0)),
        }
    }

    /// Calls `f` on each row, in order, without holding them all.
    pub fn each(
        &self,
        sql: &str,
        params: &[Param],
        mut f: impl FnMut(&Row) -> Result<()>,
    ) -> Result<()> {
        match self {
            Db::Lite(c) => {
                let mut st = c.prepare_cached(sql)?;
                let mut rows = st.query(rusqlite::params_from_iter(params))?;
                while let Some(r) = rows.next()? {
                    f(&Row::Lite(r))?;
                }
                Ok(())
            }
            Db::Pg(p) => {
                use postgres::fallible_iterator::FallibleIterator;
                let st = p.statement(sql)?;
                let mut client = p.client.borrow_mut();
                let mut rows = client
                    .query_raw(&st, params.iter())
                    .map_err(|e| pg_error(&e, sql))?;
                while let Some(r) = rows.next().map_err(|e| pg_error(&e, sql))? {
                    f(&Row::Pg(&r))?;
                }
                Ok(())
            }
        }
    }

    /// Every row, each turned into a `T` by `f`.
    pub fn query<T>(
        &self,
        sql: &str,
        params: &[Param],
        mut f: impl FnMut(&Row) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.each(sql, params, |r| {
            out.push(f(r)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// The first row, if there is one.
    pub fn query_opt<T>(
        &self,
        sql: &str,
        params: &[Param],
        f: impl FnOnce(&Row) -> Result<T>,
    ) -> Result<Option<T>> {
        match self {
            Db::Lite(c) => {
                let mut st = c.prepare_cached(sql)?;
                let mut rows = st.query(rusqlite::params_from_iter(params))?;
                match rows.next()? {
                    Some(r) => Ok(Some(f(&Row::Lite(r))?)),
                    None => Ok(None),
                }
            }
            Db::Pg(p) => {
                let st = p.statement(sql)?;
                let row = p
                    .client
                    .borrow_mut()
                    .query_opt(&st, &pg_params(params))
                    .map_err(|e| pg_error(&e, sql))?;
                row.as_ref().map(|r| f(&Row::Pg(r))).transpose()
            }
        }
    }

    /// The first row, which must exist.
    pub fn query_row<T>(
        &self,
        sql: &str,
        params: &[Param],
        f: impl FnOnce(&Row) -> Result<T>,
    ) -> Result<T> {
        self.query_opt(sql, params, f)?.ok_or_else(|| {
            StoreError(format!(
                "no row from `{}`",
                sql.split_whitespace().take(6).collect::<Vec<_>>().join(" ")
            ))
        })
    }

    /// Statements with no parameters, run as one batch.
    pub fn batch(&self, sql: &str) -> Result<()> {
        match self {
            Db::Lite(c) => Ok(c.execute_batch(sql)?),
            Db::Pg(p) => p
                .client
                .borrow_mut()
                .batch_execute(sql)
                .map_err(|e| pg_error(&e, sql)),
        }
    }

    /// Whether no transaction is open.
    pub fn is_autocommit(&self) -> bool {
        match self {
            Db::Lite(c) => c.is_autocommit(),
            Db::Pg(p) => p.depth.get() == 0,
        }
    }

    /// Opens a transaction — a savepoint inside one already open — that commits with
    /// [`Tx::commit`] and rolls back when dropped uncommitted. `write` takes SQLite's write lock
    /// at once (`BEGIN IMMEDIATE`), so two writers queue rather than fail at commit.
    pub fn transaction(&self, write: bool) -> Result<Tx<'_>> {
        let nested = !self.is_autocommit();
        let depth = match self {
            Db::Pg(p) => p.depth.get(),
            Db::Lite(_) => 0,
        };
        let name = format!("bw_tx{depth}");
        if nested {
            self.batch(&format!("SAVEPOINT {name}"))?;
        } else {
            self.batch(match (self.is_pg(), write) {
                (true, _) => "BEGIN",
                (false, true) => "BEGIN IMMEDIATE",
                (false, false) => "BEGIN DEFERRED",
            })?;
        }
        if let Db::Pg(p) = self {
            p.depth.set(depth + 1);
        }
        Ok(Tx {
            db: self,
            savepoint: nested.then_some(name),
            done: false,
        })
    }

    /// Begins a transaction left open past this call (a batch of sources); ended by
    /// [`Db::end`].
    pub fn begin(&self) -> Result<()> {
        self.batch(if self.is_pg() {
            "BEGIN"
        } else {
            "BEGIN IMMEDIATE"
        })?;
        if let Db::Pg(p) = self {
            p.depth.set(p.depth.get() + 1);
        }
        Ok(())
    }

    /// Ends the transaction [`Db::begin`] opened: commits it, or rolls it back.
    pub fn end(&self, commit: bool) -> Result<()> {
        let r = self.batch(if commit { "COMMIT" } else { "ROLLBACK" });
        if let Db::Pg(p) = self {
            p.depth.set(p.depth.get().saturating_sub(1));
        }
        r
    }
}

/// An open transaction or savepoint: rolled back when dropped without [`Tx::commit`].
pub struct Tx<'a> {
    db: &'a Db,
    savepoint: Option<String>,
    done: bool,
}

impl Tx<'_> {
    pub fn commit(mut self) -> Result<()> {
        self.done = true;
        let r = match &self.savepoint {
            Some(n) => self.db.batch(&format!("RELEASE {n}")),
            None => self.db.batch("COMMIT"),
        };
        if r.is_err() && self.savepoint.is_none() {
            let _ = self.db.batch("ROLLBACK");
        }
        self.leave();
        r
    }

    fn leave(&self) {
        if let Db::Pg(p) = self.db {
            p.depth.set(p.depth.get().saturating_sub(1));
        }
    }
}

impl std::ops::Deref for Tx<'_> {
    type Target = Db;
    fn deref(&self) -> &Db {
        self.db
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        // Nothing to report from a drop: a failed rollback leaves the engine to end the
        // transaction when the connection closes, which also discards it.
        let _ = match &self.savepoint {
            Some(n) => self.db.batch(&format!("ROLLBACK TO {n}; RELEASE {n}")),
            None => self.db.batch("ROLLBACK"),
        };
        self.leave();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_dollars_outside_quotes() {
        assert_eq!(
            placeholders("SELECT a FROM t WHERE b = ?2 AND c = ?1"),
            "SELECT a FROM t WHERE b = $2 AND c = $1"
        );
        assert_eq!(
            placeholders("UPDATE t SET a = ? WHERE b = '?' AND \"c?\" = ?"),
            "UPDATE t SET a = $1 WHERE b = '?' AND \"c?\" = $2"
        );
        assert_eq!(placeholders("x = ?3 OR y = ?"), "x = $3 OR y = $4");
    }

    #[test]
    fn sqlite_round_trip_and_rollback_on_drop() {
        let db = Db::Lite(rusqlite::Connection::open_in_memory().unwrap());
        db.batch("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b REAL, c BLOB)")
            .unwrap();
        let id = db
            .insert(
                "INSERT INTO t (a, b, c) VALUES (?1, ?2, ?3)",
                params!["x", 1.5, vec![1u8, 2]],
            )
            .unwrap();
        assert_eq!(id, 1);
        {
            let tx = db.transaction(true).unwrap();
            tx.execute("DELETE FROM t", params![]).unwrap();
        }
        let row: (String, f64, Vec<u8>, Option<i64>) = db
            .query_row(
                "SELECT a, b, c, NULL FROM t WHERE id = ?1",
                params![id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        assert_eq!(row, ("x".to_string(), 1.5, vec![1, 2], None));
        let err = db
            .query_row("SELECT a FROM t", params![], |r| r.get::<_, i64>(0))
            .unwrap_err();
        assert_eq!(err.0, "column 0: text where an integer was expected");
    }
}
