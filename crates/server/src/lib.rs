//! The borderwatch server: a JSON API over the store and the embedded web UI.
//!
//! Owns: HTTP — routes, request parsing and limits, the one table of API error codes
//! (`error.rs`), the OpenAPI document generated from the handlers (`api.rs`), the cache of
//! analyses by period (`cache.rs`), and serving the built UI bundle (`ui.rs`).
//!
//! Refuses: business rules. Screening, extraction, ingest and analysis are the library crates'
//! (through `pipeline`); SQL stays in `store`; argv and exit codes stay in `cli`. Reports are
//! data: the API returns their text as JSON strings and the UI shows it as text, never as markup.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use borderwatch_extract::Extractor;
use borderwatch_model::Date;
use borderwatch_reference::Reference;
use borderwatch_screen::Screener;
use borderwatch_store::Store;

pub mod api;
mod cache;
pub mod error;
mod ui;

pub use error::{ApiError, Code};

/// How to serve.
#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub db: PathBuf,
    /// Refuse uploads and open the store read-only.
    pub read_only: bool,
    /// The largest request body (uploads, extraction previews) in bytes.
    pub max_body: usize,
}

/// What every request shares.
pub struct AppState {
    pub reference: &'static Reference,
    pub extractor: Extractor<'static>,
    pub screener: Screener<'static>,
    pub pool: Arc<Pool>,
    pub read_only: bool,
    pub max_body: usize,
    cache: cache::Cache,
    /// The store's counts at a fingerprint (counting a million rows takes a while).
    counts: Mutex<Option<([i64; 4], borderwatch_store::Counts)>>,
    /// Uploads are written one at a time (SQLite has one writer; this keeps them from waiting
    /// on its lock).
    upload: tokio::sync::Mutex<()>,
    /// Today's date: the default screening date and the date extraction resolves against when a
    /// report states none.
    pub today: fn() -> Date,
    /// Now as `YYYY-MM-DDTHH:MM:SSZ` (when a source was ingested).
    pub now: fn() -> String,
}

/// The clock, from the caller (the binary owns it).
#[derive(Clone, Copy)]
pub struct Clock {
    pub today: fn() -> Date,
    pub now: fn() -> String,
}

/// A connection: read-only (nothing created or migrated), or read-write (migrated on open).
fn open_store(path: &std::path::Path, read_only: bool) -> borderwatch_store::Result<Store> {
    if read_only {
        Store::open_read_only(path)
    } else {
        Store::open(path)
    }
}

/// Store connections for blocking tasks: taken, used, given back.
pub struct Pool {
    path: PathBuf,
    read_only: bool,
    idle: Mutex<Vec<Store>>,
    /// At most this many store tasks at once: more would only contend for the cores and open
    /// more connections, each with a cold page cache.
    permits: tokio::sync::Semaphore,
}

impl Pool {
    fn open(&self) -> Result<Store, ApiError> {
        Ok(open_store(&self.path, self.read_only)?)
    }

    /// Runs `f` with a store connection on the blocking pool.
    pub async fn with<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&mut Store) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| ApiError::new(Code::Internal, format!("store pool closed: {e}")))?;
        let pool = self.clone();
        tokio::task::spawn_blocking(move || {
            let taken = pool.idle.lock().ok().and_then(|mut v| v.pop());
            let mut store = match taken {
                Some(s) => s,
                None => pool.open()?,
            };
            let r = f(&mut store);
            if let Ok(mut v) = pool.idle.lock() {
                v.push(store);
            }
            r
        })
        .await
        .map_err(|e| ApiError::new(Code::Internal, format!("request task failed: {e}")))?
    }
}

impl AppState {
    /// How many sources, claims, shipments and issues the store holds (counted again only when
    /// it changed).
    pub async fn counts(self: &Arc<Self>) -> Result<borderwatch_store::Counts, ApiError> {
        let fp = self.pool.with(|s| Ok(s.fingerprint()?)).await?;
        if let Some((at, c)) = self.counts.lock().ok().and_then(|g| *g) {
            if at == fp {
                return Ok(c);
            }
        }
        let c = self.pool.with(|s| Ok(s.counts()?)).await?;
        if let Ok(mut g) = self.counts.lock() {
            *g = Some((fp, c));
        }
        Ok(c)
    }
}

/// Builds the state: the store is opened (and migrated, unless read-only) once up front so a bad
/// path fails at start, not at the first request.
pub fn state(
    config: &Config,
    reference: &'static Reference,
    clock: Clock,
) -> Result<Arc<AppState>, String> {
    let first = open_store(&config.db, config.read_only).map_err(|e| e.0)?;
    let extractor = Extractor::new(reference)?;
    Ok(Arc::new(AppState {
        reference,
        extractor,
        screener: Screener::new(&reference.rulebook, &reference.hs),
        pool: Arc::new(Pool {
            path: config.db.clone(),
            read_only: config.read_only,
            idle: Mutex::new(vec![first]),
            permits: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()) * 2,
            ),
        }),
        read_only: config.read_only,
        max_body: config.max_body,
        cache: cache::Cache::default(),
        counts: Mutex::new(None),
        upload: tokio::sync::Mutex::new(()),
        today: clock.today,
        now: clock.now,
    }))
}

/// Serves until interrupted (Ctrl-C). `ready` is told the bound address (port 0 picks one).
pub fn serve(
    config: Config,
    reference: &'static Reference,
    clock: Clock,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), String> {
    let state = state(&config, reference, clock)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .map_err(|e| format!("{}: cannot listen: {e}", config.addr))?;
        let addr = listener
            .local_addr()
            .map_err(|e| format!("{}: {e}", config.addr))?;
        // Warm the whole-period analysis so the first map load does not wait for it.
        let warm = state.clone();
        tokio::spawn(async move {
            let _ = warm.picture(None, None).await;
        });
        ready(addr);
        axum::serve(listener, api::router(state))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| format!("server failed: {e}"))
    })
}
