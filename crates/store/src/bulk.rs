//! Reading every claim at once, as the analysis wants them: in id order, decoded on every core
//! while SQLite reads on, and without what the analysis never looks at.
//!
//! A million claims are read in a few seconds only when nothing is held twice: the rows travel
//! in batches (one text buffer each) from the reading thread to the decoding threads, the
//! quote and the verdicts are joined by merging ordered scans of their tables (no lookup per
//! claim), and the decoded claim leaves out the places merely mentioned, the earlier sentence a
//! claim refers back to, the verdict reasons and, unless asked for, who said it.

use std::borrow::Cow;
use std::sync::{mpsc, Arc, Mutex};

use borderwatch_model::{
    Change, Claim, ClaimKind, ClaimVerdict, ConditionValue, Direction, Evidence, GoodsItem, Load,
    Mode, Polarity, Quantity, RouteStatus, When,
};
use rusqlite::fallible_streaming_iterator::FallibleStreamingIterator;
use serde::de::IgnoredAny;
use serde::Deserialize;

use crate::{parse_status, split_measures, Result, Store, StoreError};

/// Rows per batch handed to a decoding thread.
const BATCH: usize = 4096;

/// What the lean read keeps of a stored claim's JSON; the parser steps over everything else
/// without keeping it.
#[derive(Deserialize)]
struct LeanClaim<'a> {
    kind: ClaimKind,
    from: Option<String>,
    to: Option<String>,
    via: Option<String>,
    #[serde(default)]
    at: Option<String>,
    direction: Direction,
    mode: Option<Mode>,
    load: Option<Load>,
    polarity: Polarity,
    hedged: bool,
    goods: Vec<GoodsItem>,
    quantities: Vec<Quantity>,
    when: Option<When>,
    #[serde(default)]
    status: Option<RouteStatus>,
    #[serde(default)]
    planned: bool,
    #[serde(default)]
    condition: Option<ConditionValue>,
    #[serde(default)]
    change: Option<Box<Change>>,
    #[serde(borrow)]
    evidence: LeanEvidence<'a>,
    /// Version-1 rows carry their verdicts; later ones keep them in `verdicts`.
    #[serde(default)]
    verdicts: Vec<ClaimVerdict>,
}

#[derive(Deserialize)]
struct LeanEvidence<'a> {
    span: [usize; 2],
    /// Empty since schema 2 (the quote lives in `evidence`).
    #[serde(borrow, default)]
    text: Cow<'a, str>,
    #[serde(borrow, default)]
    attribution: Option<Cow<'a, str>>,
    #[serde(default)]
    attribution_span: Option<[usize; 2]>,
    #[serde(default)]
    #[allow(dead_code)]
    context: IgnoredAny,
}

/// What one decoding thread did: its batches' claims, by batch number.
type Decoded<T> = Vec<(usize, Vec<T>)>;

/// A span of a batch's text buffer.
type Span = (u32, u32);

struct Row {
    id: i64,
    source_id: i64,
    json: Span,
    quote: Span,
    verdicts: std::ops::Range<usize>,
}

struct RawVerdict {
    hs: Span,
    status: Span,
    measures: Span,
    date: Span,
}

#[derive(Default)]
struct Batch {
    seq: usize,
    text: String,
    rows: Vec<Row>,
    verdicts: Vec<RawVerdict>,
}

impl Batch {
    /// An empty batch with room for as much as `other` holds.
    fn sized_as(other: &Batch) -> Batch {
        Batch {
            seq: 0,
            text: String::with_capacity(other.text.len()),
            rows: Vec::with_capacity(other.rows.len()),
            verdicts: Vec::with_capacity(other.verdicts.len()),
        }
    }

    fn push(&mut self, s: &str) -> Span {
        let start = self.text.len() as u32;
        self.text.push_str(s);
        (start, self.text.len() as u32)
    }

    fn get(&self, (a, b): Span) -> &str {
        &self.text[a as usize..b as usize]
    }

    fn decode<T>(
        &self,
        attribution: bool,
        make: &(impl Fn(i64, i64, Claim) -> T + Sync),
    ) -> Result<Vec<T>> {
        let mut out = Vec::with_capacity(self.rows.len());
        for r in &self.rows {
            let id = r.id;
            let lean: LeanClaim = serde_json::from_str(self.get(r.json))
                .map_err(|e| StoreError(format!("claim {id}: stored JSON unreadable: {e}")))?;
            let mut verdicts = lean.verdicts;
            for v in &self.verdicts[r.verdicts.clone()] {
                let date = self.get(v.date);
                verdicts.push(ClaimVerdict {
                    hs: self.get(v.hs).to_string(),
                    status: parse_status(id, self.get(v.status))?,
                    measures: split_measures(self.get(v.measures)),
                    date: borderwatch_model::parse_date(date).map_err(|e| {
                        StoreError(format!("claim {id}: stored verdict date {date:?}: {e}"))
                    })?,
                    reason: String::new(),
                });
            }
            let e = lean.evidence;
            let quote = self.get(r.quote);
            let claim = Claim {
                source: String::new(),
                kind: lean.kind,
                from: lean.from,
                to: lean.to,
                via: lean.via,
                at: lean.at,
                direction: lean.direction,
                mode: lean.mode,
                load: lean.load,
                polarity: lean.polarity,
                hedged: lean.hedged,
                goods: lean.goods,
                quantities: lean.quantities,
                when: lean.when,
                places: Vec::new(),
                status: lean.status,
                planned: lean.planned,
                condition: lean.condition,
                change: lean.change,
                evidence: Evidence {
                    span: e.span,
                    text: if e.text.is_empty() {
                        quote.to_string()
                    } else {
                        e.text.into_owned()
                    },
                    attribution: e.attribution.filter(|_| attribution).map(Cow::into_owned),
                    attribution_span: e.attribution_span,
                    context: None,
                },
                verdicts,
            };
            out.push(make(id, r.source_id, claim));
        }
        Ok(out)
    }
}

impl Store {
    /// Every stored claim in id order, for the analysis: `make` turns each (claim id, source
    /// id, claim) into what the caller keeps, on the decoding threads.
    ///
    /// The claims come without `places` (every place merely mentioned), the evidence's
    /// `context`, the claim's `source` name (callers have the sources) and verdict reasons;
    /// the attribution is kept only when `attribution` is true.
    pub fn claims_for_analysis<T: Send>(
        &self,
        attribution: bool,
        make: impl Fn(i64, i64, Claim) -> T + Sync,
    ) -> Result<Vec<T>> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let (tx, rx) = mpsc::sync_channel::<Batch>(2 * threads);
        // Only the decoders hold the receiver: should they all stop, it is dropped, and the
        // reader's next send fails instead of waiting for ever.
        let rx = Arc::new(Mutex::new(rx));
        let make = &make;
        let (read, decoded) = std::thread::scope(|s| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    let rx = Arc::clone(&rx);
                    s.spawn(move || {
                        let mut done = Vec::new();
                        let mut failed = None;
                        loop {
                            let next = match rx.lock() {
                                Ok(r) => r.recv(),
                                Err(_) => break,
                            };
                            let Ok(batch) = next else { break };
                            // After a failure, keep draining so the reader never blocks.
                            if failed.is_none() {
                                match batch.decode(attribution, make) {
                                    Ok(v) => done.push((batch.seq, v)),
                                    Err(e) => failed = Some(e),
                                }
                            }
                        }
                        match failed {
                            Some(e) => Err(e),
                            None => Ok(done),
                        }
                    })
                })
                .collect();
            drop(rx);
            let read = self.read_batches(tx);
            let decoded: Vec<Result<Decoded<T>>> = workers
                .into_iter()
                .map(|w| {
                    w.join()
                        .unwrap_or_else(|_| Err(StoreError("a decoding thread failed".into())))
                })
                .collect();
            (read, decoded)
        });
        read?;
        let mut parts = Vec::new();
        for d in decoded {
            parts.extend(d?);
        }
        parts.sort_unstable_by_key(|(seq, _)| *seq);
        let mut out = Vec::with_capacity(parts.iter().map(|(_, v)| v.len()).sum());
        for (_, v) in parts {
            out.extend(v);
        }
        Ok(out)
    }

    /// The reading side: claims, quotes and verdicts as three ordered scans merged by claim id.
    fn read_batches(&self, tx: mpsc::SyncSender<Batch>) -> Result<()> {
        let Some(conn) = self.conn.lite() else {
            return self.read_batches_joined(tx);
        };
        let mut claims = conn.prepare("SELECT id, source_id, json FROM claims ORDER BY id")?;
        let mut quotes = conn.prepare("SELECT claim_id, quote FROM evidence ORDER BY claim_id")?;
        let mut verdicts = conn.prepare(
            "SELECT claim_id, hs, status, measures, date FROM verdicts ORDER BY claim_id, ord",
        )?;
        let mut claims = claims.query([])?;
        let mut quotes = quotes.query([])?;
        let mut verdicts = verdicts.query([])?;
        quotes.advance()?;
        verdicts.advance()?;
        let mut batch = Batch::default();
        let mut seq = 0;
        while let Some(c) = claims.next()? {
            let id: i64 = c.get(0)?;
            let source_id: i64 = c.get(1)?;
            let json = batch.push(text(c, 2, id)?);
            // Every stored claim has a quote row; a quote of no claim is passed over.
            let mut q = (0, 0);
            while let Some(r) = quotes.get() {
                let qid: i64 = r.get(0)?;
                if qid > id {
                    break;
                }
                if qid == id {
                    q = batch.push(text(r, 1, id)?);
                }
                quotes.advance()?;
            }
            let first = batch.verdicts.len();
            while let Some(r) = verdicts.get() {
                let vid: i64 = r.get(0)?;
                if vid > id {
                    break;
                }
                if vid == id {
                    let v = RawVerdict {
                        hs: batch.push(text(r, 1, id)?),
                        status: batch.push(text(r, 2, id)?),
                        measures: batch.push(text(r, 3, id)?),
                        date: batch.push(text(r, 4, id)?),
                    };
                    batch.verdicts.push(v);
                }
                verdicts.advance()?;
            }
            batch.rows.push(Row {
                id,
                source_id,
                json,
                quote: q,
                verdicts: first..batch.verdicts.len(),
            });
            if batch.rows.len() == BATCH {
                batch.seq = seq;
                seq += 1;
                // The next batch starts at this one's size: grown from empty, its text would be
                // copied a dozen times over on the one reading thread.
                let next = Batch::sized_as(&batch);
                let full = std::mem::replace(&mut batch, next);
                if tx.send(full).is_err() {
                    return Err(StoreError("the claim decoders stopped".into()));
                }
            }
        }
        if !batch.rows.is_empty() {
            batch.seq = seq;
            // The receivers only stop early on a panic, reported by the caller.
            let _ = tx.send(batch);
        }
        Ok(())
    }
}

impl Store {
    /// The reading side on PostgreSQL, whose connection runs one query at a time: claims with
    /// their quote and verdicts in one ordered join (a claim's JSON comes once per verdict and
    /// is kept from its first row).
    fn read_batches_joined(&self, tx: mpsc::SyncSender<Batch>) -> Result<()> {
        let mut batch = Batch::default();
        let mut seq = 0;
        let mut last = None;
        let send = |batch: &mut Batch, seq: &mut usize| -> Result<()> {
            batch.seq = *seq;
            *seq += 1;
            let next = Batch::sized_as(batch);
            let full = std::mem::replace(batch, next);
            tx.send(full)
                .map_err(|_| StoreError("the claim decoders stopped".into()))
        };
        self.conn.each(
            "SELECT c.id, c.source_id, c.json, e.quote, v.hs, v.status, v.measures, v.date \
             FROM claims c LEFT JOIN evidence e ON e.claim_id = c.id \
             LEFT JOIN verdicts v ON v.claim_id = c.id ORDER BY c.id, v.ord",
            crate::db::params![],
            |r| {
                let id: i64 = r.get(0)?;
                if last != Some(id) {
                    if batch.rows.len() == BATCH {
                        send(&mut batch, &mut seq)?;
                    }
                    last = Some(id);
                    let source_id: i64 = r.get(1)?;
                    let json = batch.push(cell_text(r, 2, id)?);
                    let quote = match r.cell(3)? {
                        crate::db::Cell::Null => (0, 0),
                        _ => batch.push(cell_text(r, 3, id)?),
                    };
                    let at = batch.verdicts.len();
                    batch.rows.push(Row {
                        id,
                        source_id,
                        json,
                        quote,
                        verdicts: at..at,
                    });
                }
                if !matches!(r.cell(4)?, crate::db::Cell::Null) {
                    let v = RawVerdict {
                        hs: batch.push(cell_text(r, 4, id)?),
                        status: batch.push(cell_text(r, 5, id)?),
                        measures: batch.push(cell_text(r, 6, id)?),
                        date: batch.push(cell_text(r, 7, id)?),
                    };
                    batch.verdicts.push(v);
                    if let Some(row) = batch.rows.last_mut() {
                        row.verdicts.end = batch.verdicts.len();
                    }
                }
                Ok(())
            },
        )?;
        if !batch.rows.is_empty() {
            batch.seq = seq;
            let _ = tx.send(batch);
        }
        Ok(())
    }
}

/// A text column of a row of either engine read for claim `id`.
fn cell_text<'r>(r: &crate::db::Row<'r>, i: usize, id: i64) -> Result<&'r str> {
    match r.cell(i)? {
        crate::db::Cell::Text(s) => Ok(s),
        _ => Err(StoreError(format!(
            "claim {id}: stored column {i} is not text"
        ))),
    }
}

/// A text column of a row read for claim `id`, or an error naming both.
fn text<'r>(r: &'r rusqlite::Row, i: usize, id: i64) -> Result<&'r str> {
    r.get_ref(i)?.as_str().map_err(|e| {
        StoreError(format!(
            "claim {id}: stored column {:?} is not text: {e}",
            r.as_ref().column_name(i).unwrap_or("?")
        ))
    })
}
