//! The audit log in the store: appended, never changed, chained by hash.
//!
//! Owns the `audit` and `audit_head` rows and the chain's check. Each entry's hash is the
//! SHA-256 of the previous entry's hash and the entry's own fields (its id included), and the
//! head row holds the last id and hash: an entry edited, removed or reordered breaks the chain,
//! and entries cut off the end disagree with the head. (Whoever can write the file can rewrite
//! the whole chain and its head; `borderwatch audit --head` prints the head so that it can be
//! noted somewhere else and compared.)
//!
//! Refuses: deciding what is audited (the server and the command line do) and reading or
//! writing anything but the log.

use crate::db::params;

use crate::{sha256_hex, Result, Store, StoreError};

/// The `prev` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One thing that happened, as the caller says it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditEntry {
    /// `YYYY-MM-DDTHH:MM:SSZ`.
    pub at: String,
    /// The user name, `cli:NAME` for the command line, none when nobody was signed in.
    pub actor: Option<String>,
    /// What: `sign-in`, `sign-out`, `upload`, `review`, `read-attribution`, `read-text`,
    /// `export`, `user-add`, `user-role`, `user-disable`, `user-enable`, `user-reset`,
    /// `token-add`, `token-revoke`, `refused`.
    pub action: String,
    /// The ids acted on (`claim 12`, `source 3`, `user ana`, a route).
    pub target: Option<String>,
    /// Where from: the client's address.
    pub address: Option<String>,
    /// `ok`, or the error code it was refused with.
    pub outcome: String,
    /// Anything else worth keeping, one line (never attribution or source text).
    pub detail: Option<String>,
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub id: i64,
    pub entry: AuditEntry,
    pub hash: String,
}

/// Which entries to read; the fields combine with AND.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Entries at or after this time (a date `YYYY-MM-DD` or a full time).
    pub since: Option<String>,
    pub actor: Option<String>,
    pub action: Option<String>,
    /// The latest this many (default: all).
    pub limit: Option<usize>,
}

fn chain_hash(id: i64, prev: &str, e: &AuditEntry) -> String {
    // A JSON array: unambiguous field boundaries, whatever the fields hold.
    let fields = serde_json::json!([
        id, prev, e.at, e.actor, e.action, e.target, e.address, e.outcome, e.detail
    ]);
    sha256_hex(fields.to_string().as_bytes())
}

impl Store {
    /// Appends an entry, chained to the last; returns its id.
    pub fn append_audit(&self, e: &AuditEntry) -> Result<i64> {
        // The write lock first, so two writers never chain to the same previous entry (SQLite's
        // `BEGIN IMMEDIATE`; on PostgreSQL a lock on the head row's table, which also covers
        // the first entry, when there is no row to lock yet).
        let tx = self.conn.transaction(true)?;
        if tx.is_pg() {
            tx.batch("LOCK TABLE audit_head IN SHARE ROW EXCLUSIVE MODE")?;
        }
        let run = || -> Result<i64> {
            let (last, prev): (i64, String) = tx
                .query_opt(
                    "SELECT id, hash FROM audit_head WHERE one = 1",
                    params![],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?
                .unwrap_or((0, GENESIS.to_string()));
            let id = last + 1;
            let hash = chain_hash(id, &prev, e);
            tx.execute(
                "INSERT INTO audit (id, at, actor, action, target, address, outcome, detail, \
                 prev, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    id, e.at, e.actor, e.action, e.target, e.address, e.outcome, e.detail, prev,
                    hash
                ],
            )?;
            tx.execute(
                "INSERT INTO audit_head (one, id, hash) VALUES (1, ?1, ?2) \
                 ON CONFLICT (one) DO UPDATE SET id = excluded.id, hash = excluded.hash",
                params![id, hash],
            )?;
            Ok(id)
        };
        let id = run()?;
        tx.commit()?;
        Ok(id)
    }

    /// Entries matching the filter, oldest first.
    pub fn audit(&self, f: &AuditFilter) -> Result<Vec<AuditRow>> {
        // No limit: SQLite's -1, PostgreSQL's NULL.
        let limit = match f.limit {
            Some(n) => Some(n as i64),
            None if self.conn.is_pg() => None,
            None => Some(-1),
        };
        let mut out = self.conn.query(
            "SELECT id, at, actor, action, target, address, outcome, detail, hash FROM audit \
             WHERE (CAST(?1 AS TEXT) IS NULL OR at >= ?1) AND (CAST(?2 AS TEXT) IS NULL OR actor = ?2) \
             AND (CAST(?3 AS TEXT) IS NULL OR action = ?3) ORDER BY id DESC LIMIT ?4",
            params![f.since, f.actor, f.action, limit],
            |r| {
                Ok(AuditRow {
                    id: r.get(0)?,
                    entry: entry(r)?,
                    hash: r.get(8)?,
                })
            },
        )?;
        out.reverse();
        Ok(out)
    }

    /// The last entry's id and hash (none for an empty log).
    pub fn audit_head(&self) -> Result<Option<(i64, String)>> {
        self.conn.query_opt(
            "SELECT id, hash FROM audit_head WHERE one = 1",
            params![],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    /// The chain's problems, one line each (empty when whole).
    pub fn check_audit(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let mut last: (i64, String) = (0, GENESIS.to_string());
        self.conn.each(
            "SELECT id, at, actor, action, target, address, outcome, detail, prev, hash \
             FROM audit ORDER BY id",
            params![],
            |r| {
                let id: i64 = r.get(0)?;
                let e = entry(r)?;
                let prev: String = r.get(8)?;
                let hash: String = r.get(9)?;
                if id != last.0 + 1 || prev != last.1 {
                    out.push(format!(
                    "audit: entry {id} does not follow entry {} (entries were removed or changed)",
                    last.0
                ));
                }
                if chain_hash(id, &prev, &e) != hash {
                    out.push(format!(
                        "audit: entry {id} does not match its hash (it was changed after it was \
                     written)"
                    ));
                }
                last = (id, hash);
                Ok(())
            },
        )?;
        let head = self.audit_head()?;
        match head {
            None if last.0 == 0 => {}
            None => out.push(format!(
                "audit: the log has {} entries but no head (the head was removed)",
                last.0
            )),
            Some((id, hash)) => {
                if id != last.0 || hash != last.1 {
                    out.push(format!(
                        "audit: the log ends at entry {} but its head names entry {id} (entries \
                         were removed from the end, or the head was changed)",
                        last.0
                    ));
                }
            }
        }
        if out.len() > 20 {
            let n = out.len();
            out.truncate(20);
            out.push(format!("audit: … {} more problems", n - 20));
        }
        Ok(out)
    }
}

/// An entry from columns 1–7 of a row that selects `id, at, actor, action, target, address,
/// outcome, detail` first (both the log's reader and its check do).
fn entry(r: &crate::db::Row) -> Result<AuditEntry> {
    Ok(AuditEntry {
        at: r.get(1)?,
        actor: r.get(2)?,
        action: r.get(3)?,
        target: r.get(4)?,
        address: r.get(5)?,
        outcome: r.get(6)?,
        detail: r.get(7)?,
    })
}
/// Helpers for tests that need a log the store never writes itself.
pub mod testing {
    use super::*;

    /// Runs SQL on the log with its triggers dropped (to test that the check finds it), on
    /// either engine.
    pub fn tamper(at: impl Into<crate::Location>, sql: &str) -> Result<()> {
        let s = crate::Store::open_at(&at.into(), crate::Access::Existing)?;
        let on = if s.conn.is_pg() { " ON audit" } else { "" };
        s.conn.batch(&format!(
            "DROP TRIGGER IF EXISTS audit_never_changes{on}; \
             DROP TRIGGER IF EXISTS audit_never_goes{on};"
        ))?;
        s.conn
            .batch(sql)
            .map_err(|e| StoreError(format!("tamper: {}", e.0)))
    }
}
