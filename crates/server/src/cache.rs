//! Analyses by period, computed once and shared: the corridor picture of a million claims takes
//! seconds, a request must not. An entry is keyed by the store's fingerprint (so an upload or an
//! ingest by another process makes the next request recompute) and the period asked for; the few
//! most recent entries are kept.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use borderwatch_analyze::{analyze_all, corridor_of_claim, Analysis, Options};
use borderwatch_model::Date;
use borderwatch_pipeline::Detail;
use tokio::sync::OnceCell;

use crate::{ApiError, AppState};

/// How many analyses are kept (whole store plus a few periods the UI asked for).
const KEEP: usize = 8;

/// One analysis and what the API needs besides it.
pub struct Picture {
    pub analysis: Analysis,
    /// The claims on each corridor (every period): the corridor panel lists them.
    pub claims_on: HashMap<String, Vec<i64>>,
    /// Response bodies already serialised, by the request's filters: the corridor picture of a
    /// large store runs to megabytes, and the map asks for the same few views again and again.
    bodies: Mutex<HashMap<String, axum::body::Bytes>>,
}

/// How many serialised bodies a picture keeps.
const BODIES: usize = 64;

impl Picture {
    /// The body for `key`, made by `make` the first time.
    pub fn body(&self, key: &str, make: impl FnOnce() -> Vec<u8>) -> axum::body::Bytes {
        if let Some(b) = self.bodies.lock().ok().and_then(|m| m.get(key).cloned()) {
            return b;
        }
        let b = axum::body::Bytes::from(make());
        if let Ok(mut m) = self.bodies.lock() {
            if m.len() >= BODIES {
                m.clear();
            }
            m.insert(key.to_string(), b.clone());
        }
        b
    }
}

type Key = ([i64; 4], Option<Date>, Option<Date>);
type Cell = Arc<OnceCell<Result<Arc<Picture>, ApiError>>>;

#[derive(Default)]
pub struct Cache {
    entries: Mutex<Vec<(Key, Cell)>>,
}

impl AppState {
    /// The analysis of the store as it is now, for this period.
    pub async fn picture(
        self: &Arc<Self>,
        since: Option<Date>,
        until: Option<Date>,
    ) -> Result<Arc<Picture>, ApiError> {
        let fp = self.pool.with(|s| Ok(s.fingerprint()?)).await?;
        let key = (fp, since, until);
        let cell = {
            let mut entries = self
                .cache
                .entries
                .lock()
                .map_err(|_| ApiError::new(crate::Code::Internal, "analysis cache poisoned"))?;
            match entries.iter().position(|(k, _)| *k == key) {
                Some(i) => {
                    // Most recently used last.
                    let e = entries.remove(i);
                    let cell = e.1.clone();
                    entries.push(e);
                    cell
                }
                None => {
                    let cell: Cell = Arc::new(OnceCell::new());
                    entries.push((key, cell.clone()));
                    if entries.len() > KEEP {
                        entries.remove(0);
                    }
                    cell
                }
            }
        };
        let state = self.clone();
        cell.get_or_init(|| async move {
            let reference = state.reference;
            let inner = state.clone();
            state
                .pool
                .with(move |s| {
                    // The reviewed state: rejected claims out, corrections in, added in.
                    let view = borderwatch_pipeline::reviewed::View {
                        as_of: None,
                        reviewed_only: false,
                        today: (inner.today)(),
                    };
                    let inputs = borderwatch_pipeline::reviewed::load_reviewed(
                        s,
                        Detail::Analysis { attribution: false },
                        &inner.screener,
                        &view,
                    )?
                    .inputs;
                    let options = Options {
                        since,
                        until,
                        include_attribution: false,
                        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
                        ..Options::with_units(&reference.cues.quantity)
                    };
                    let analysis = analyze_all(
                        &inputs.claims,
                        &inputs.shipments,
                        &inputs.tracks,
                        &reference.gazetteer,
                        &options,
                    );
                    let mut claims_on: HashMap<String, Vec<i64>> = HashMap::new();
                    for c in &inputs.claims {
                        if let Some(k) = corridor_of_claim(&c.claim) {
                            claims_on.entry(k).or_default().push(c.id);
                        }
                    }
                    Ok(Arc::new(Picture {
                        analysis,
                        claims_on,
                        bodies: Mutex::new(HashMap::new()),
                    }))
                })
                .await
        })
        .await
        .clone()
    }
}
