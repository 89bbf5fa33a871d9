//! Reviews in the store: appended, never changed, read back by source or by the day they
//! were made.
//!
//! Owns the `reviews` table's rows. Refuses attaching reviews to claims (the analysis does, by
//! anchor) and checking what a review says (the command line and the server build them).

use crate::db::{params, ToParam};
use borderwatch_model::{ClaimKind, RejectReason, Review, ReviewAction};

use crate::{Result, Store, StoreError};

/// Which reviews to read; the fields combine with AND.
#[derive(Debug, Clone, Default)]
pub struct ReviewFilter {
    /// The reviews of one source.
    pub source_id: Option<i64>,
    /// Reviews made on or before this day (`YYYY-MM-DD`): the state as known then.
    pub until: Option<String>,
}

fn json<T: serde::Serialize>(v: &Option<T>) -> Result<Option<String>> {
    v.as_ref()
        .map(|v| {
            serde_json::to_string(v)
                .map_err(|e| StoreError(format!("cannot serialise a review: {e}")))
        })
        .transpose()
}

/// A stored JSON column back as its value.
fn decode<T: serde::de::DeserializeOwned>(
    id: i64,
    what: &str,
    v: Option<String>,
) -> Result<Option<T>> {
    v.map(|v| {
        serde_json::from_str(&v)
            .map_err(|e| StoreError(format!("review {id}: stored {what} unreadable: {e}")))
    })
    .transpose()
}

fn kind_of(s: &str) -> Option<ClaimKind> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
}

impl Store {
    /// Appends a review (its `id` and `source` are ignored: the store gives the id, the
    /// source's name comes from the source) and returns its id. The source must exist and the
    /// span lie inside it; the subject, when given, must be an earlier review.
    pub fn add_review(&self, r: &Review) -> Result<i64> {
        let size: Option<i64> = self.conn.query_opt(
            "SELECT size FROM sources WHERE id = ?1",
            params![r.source_id],
            |row| row.get(0),
        )?;
        let Some(size) = size else {
            return Err(StoreError(format!("no source {}", r.source_id)));
        };
        if r.span[0] > r.span[1] || r.span[1] as i64 > size {
            return Err(StoreError(format!(
                "span {}..{} lies outside source {} ({size} bytes)",
                r.span[0], r.span[1], r.source_id
            )));
        }
        if let Some(s) = r.subject {
            let known: Option<i64> =
                self.conn
                    .query_opt("SELECT id FROM reviews WHERE id = ?1", params![s], |row| {
                        row.get(0)
                    })?;
            if known.is_none() {
                return Err(StoreError(format!("no review {s} to follow")));
            }
        }
        self.conn.insert(
            "INSERT INTO reviews (subject, action, source_id, span_start, span_end, kind, \
             claim_id, reason, was, correction, claim, reviewer, reviewed_at, note, \
             extractor_version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, \
             ?14, ?15)",
            params![
                r.subject,
                r.action.as_str(),
                r.source_id,
                r.span[0] as i64,
                r.span[1] as i64,
                r.kind.as_str(),
                r.claim_id,
                r.reason.map(|x| x.as_str()),
                json(&r.was)?,
                json(&r.correction)?,
                json(&r.claim)?,
                r.reviewer,
                r.at,
                r.note,
                r.extractor_version,
            ],
        )
    }

    /// Reviews matching the filter, oldest first.
    pub fn reviews(&self, f: &ReviewFilter) -> Result<Vec<Review>> {
        let mut sql = String::from(
            "SELECT r.id, r.subject, r.action, r.source_id, s.name, r.span_start, r.span_end, \
             r.kind, r.claim_id, r.reason, r.was, r.correction, r.claim, r.reviewer, \
             r.reviewed_at, r.note, r.extractor_version FROM reviews r \
             JOIN sources s ON s.id = r.source_id WHERE 1 = 1",
        );
        let mut args: Vec<crate::db::Value> = Vec::new();
        if let Some(id) = f.source_id {
            sql.push_str(" AND r.source_id = ?");
            args.push(id.into());
        }
        if let Some(d) = &f.until {
            // Timestamps start with their day: everything of that day sorts before its end.
            sql.push_str(" AND substr(r.reviewed_at, 1, 10) <= ?");
            args.push(d.clone().into());
        }
        sql.push_str(" ORDER BY r.id");
        type Row = (
            i64,
            Option<i64>,
            String,
            i64,
            String,
            i64,
            i64,
            String,
            Option<i64>,
            Option<String>,
            [Option<String>; 3],
            [String; 2],
            Option<String>,
            String,
        );
        let args: Vec<crate::db::Param> = args.iter().map(ToParam::param).collect();
        let rows = self.conn.query(&sql, &args, |r| -> Result<Row> {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                [r.get(10)?, r.get(11)?, r.get(12)?],
                [r.get(13)?, r.get(14)?],
                r.get(15)?,
                r.get(16)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (
                id,
                subject,
                action,
                source_id,
                source,
                a,
                b,
                kind,
                claim_id,
                reason,
                [was, correction, claim],
                [reviewer, at],
                note,
                extractor_version,
            ) = row;
            let bad = |what: &str, v: &str| StoreError(format!("review {id}: stored {what} {v:?}"));
            out.push(Review {
                id,
                subject,
                action: ReviewAction::parse(&action).ok_or_else(|| bad("action", &action))?,
                source_id,
                source,
                span: [a as usize, b as usize],
                kind: kind_of(&kind).ok_or_else(|| bad("kind", &kind))?,
                claim_id,
                was: decode(id, "values", was)?,
                reason: reason
                    .map(|r| RejectReason::parse(&r).ok_or_else(|| bad("reason", &r)))
                    .transpose()?,
                correction: decode(id, "correction", correction)?,
                claim: decode(id, "claim", claim)?,
                reviewer,
                at,
                note,
                extractor_version,
            });
        }
        Ok(out)
    }
}
