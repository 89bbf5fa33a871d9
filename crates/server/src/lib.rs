//! The borderwatch server: a JSON API over the store and the embedded web UI.
//!
//! Owns: HTTP — routes, request parsing and limits, the one table of API error codes
//! (`error.rs`), the OpenAPI document generated from the handlers (`api.rs`), the cache of
//! analyses by period (`cache.rs`), serving the built UI bundle (`ui.rs`), who may ask and who
//! may write (`guard.rs`), and what no client may hold (here): connections served by hyper with
//! a header timeout (also the idle limit), a stalled-write timeout and a connection cap; slots
//! for heavy requests that their work holds until it ends; panics answered without their text.
//!
//! Refuses: business rules. Screening, extraction, ingest and analysis are the library crates'
//! (through `pipeline`); SQL stays in `store`; argv and exit codes stay in `cli`. Reports are
//! data: the API returns their text as JSON strings and the UI shows it as text, never as markup.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::response::IntoResponse;
use tokio::io::{AsyncRead, AsyncWrite};

use borderwatch_extract::Extractor;
use borderwatch_model::Date;
use borderwatch_reference::Reference;
use borderwatch_screen::Screener;
use borderwatch_store::Store;

pub mod api;
pub mod auth;
mod cache;
pub mod error;
pub mod guard;
mod review_api;
mod tls;
mod ui;
mod users_api;
mod vessels_api;

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
    /// Names besides loopback that requests may give as their `Host` (`--allow-host`).
    pub allow_hosts: Vec<String>,
    /// How long a client has to send a request's head — from connecting, or from the end of
    /// the previous answer on a kept-alive connection (so it is also the idle timeout).
    pub header_timeout: Duration,
    /// How long a client has to send a request's whole body, and the longest it may take
    /// nothing of an answer being written to it.
    pub body_timeout: Duration,
    /// Connections served at once; one more is answered `busy` and closed.
    pub max_connections: usize,
    /// Heavy requests (extraction previews, uploads) run at once; one more is `busy`.
    pub max_heavy: usize,
    /// How long a sign-in lasts.
    pub session_ttl: Duration,
    /// How long a sign-in may go unused before it ends.
    pub session_idle: Duration,
    /// Serve HTTPS with this certificate chain and private key (PEM files).
    pub tls: Option<(PathBuf, PathBuf)>,
}

impl Config {
    /// The defaults of `borderwatch serve` for a store and an address.
    pub fn new(addr: SocketAddr, db: PathBuf) -> Config {
        Config {
            addr,
            db,
            read_only: false,
            max_body: 16 * 1024 * 1024,
            allow_hosts: Vec::new(),
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(60),
            max_connections: 256,
            max_heavy: std::thread::available_parallelism().map_or(2, |n| n.get()),
            session_ttl: Duration::from_secs(12 * 3600),
            session_idle: Duration::from_secs(3600),
            tls: None,
        }
    }
}

/// What every request shares.
pub struct AppState {
    pub reference: &'static Reference,
    pub extractor: Extractor<'static>,
    pub screener: Screener<'static>,
    pub pool: Arc<Pool>,
    pub read_only: bool,
    pub max_body: usize,
    /// The names a request's `Host` may give.
    pub hosts: guard::Hosts,
    pub body_timeout: Duration,
    /// Slots for heavy requests; a request takes one without waiting or is `busy`, and the
    /// work holds it until it ends (not until the client leaves).
    pub heavy: Arc<tokio::sync::Semaphore>,
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
    /// Users, sessions, sign-in limits and the audit log's writer.
    pub accounts: auth::Accounts,
}

/// The clock, from the caller (the binary owns it).
#[derive(Clone, Copy)]
pub struct Clock {
    pub today: fn() -> Date,
    pub now: fn() -> String,
    /// Seconds since 1970 (session expiries, audit times).
    pub secs: fn() -> i64,
}

/// A connection to the store, which must exist (a mistyped `--db` is an error, not a new empty
/// store): read-only (nothing migrated), or read-write (migrated on open).
fn open_store(path: &std::path::Path, read_only: bool) -> borderwatch_store::Result<Store> {
    if read_only {
        Store::open_read_only(path)
    } else {
        Store::open_existing(path)
    }
}

/// Store connections for blocking tasks: taken, used, given back.
pub struct Pool {
    pub path: PathBuf,
    read_only: bool,
    pub(crate) idle: Mutex<Vec<Store>>,
    /// At most this many store tasks at once: more would only contend for the cores and open
    /// more connections, each with a cold page cache.
    permits: tokio::sync::Semaphore,
}

impl Pool {
    pub(crate) fn open(&self) -> Result<Store, ApiError> {
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
        blocking(move || {
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
    }
}

/// What a 500 says when the server itself failed: never the panic's text (it can quote the
/// data it was working on); that goes to the server's log only.
pub const FAILED: &str = "the server failed on this request (a bug; its log has the details)";

/// Runs `f` on the blocking pool; a panic in it is `internal` with [`FAILED`].
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| ApiError::new(Code::Internal, FAILED))?
}

/// Set when the request that started some work is gone (answered, or its client hung up):
/// work that checks it stops early, and its result is dropped.
#[derive(Clone, Default)]
pub struct Gone(Arc<AtomicBool>);

impl Gone {
    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
    /// The flag the extractor checks.
    pub fn flag(&self) -> Arc<AtomicBool> {
        self.0.clone()
    }
    /// A guard that sets the flag when the request's future is dropped.
    pub fn on_drop(&self) -> SetOnDrop {
        SetOnDrop(self.0.clone())
    }
}

pub struct SetOnDrop(Arc<AtomicBool>);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
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

/// Builds the state: the store is opened (checked and migrated, unless read-only) once up front
/// so a bad path or a damaged store fails at start, not at the first request.
pub fn state(
    config: &Config,
    reference: &'static Reference,
    clock: Clock,
) -> Result<Arc<AppState>, String> {
    let names = config
        .allow_hosts
        .iter()
        .map(|n| guard::host_part(n).ok_or_else(|| format!("--allow-host {n:?}: not a host name")))
        .collect::<Result<Vec<_>, _>>()?;
    let hosts = guard::Hosts {
        names,
        bound: Some(config.addr.ip()).filter(|ip| !ip.is_unspecified()),
    };
    // A store that takes uploads is checked first, as `ingest` checks it.
    let first = if config.read_only {
        Store::open_read_only(&config.db)
    } else {
        Store::open_existing_for_writing(&config.db)
    }
    .map_err(|e| e.0)?;
    let users = first.user_count().map_err(|e| e.0)?;
    // Without users nobody signs in: anyone who reaches the port could read everything, so
    // only this machine may.
    if users == 0 && !config.addr.ip().is_loopback() {
        return Err(format!(
            "--addr {}: the store has no users, so every request may read everything (single-\
             analyst mode) and only loopback is served; add users first (`borderwatch users \
             add NAME --role admin`), or listen on 127.0.0.1 or [::1]",
            config.addr
        ));
    }
    let permits = || {
        tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()) * 2)
    };
    let pool = Arc::new(Pool {
        path: config.db.clone(),
        read_only: config.read_only,
        idle: Mutex::new(vec![first]),
        permits: permits(),
    });
    // Sessions and the audit log are written even when the store is served read-only (then
    // on a connection of their own); read-only without users writes nothing.
    let writer = if !config.read_only {
        Some(pool.clone())
    } else if users > 0 {
        let w = Store::open_existing(&config.db).map_err(|e| {
            format!(
                "{e} (the store has users: sessions and the audit log are written even with \
                 --read-only)"
            )
        })?;
        Some(Arc::new(Pool {
            path: config.db.clone(),
            read_only: false,
            idle: Mutex::new(vec![w]),
            permits: permits(),
        }))
    } else {
        None
    };
    let accounts = auth::Accounts::new(
        users > 0,
        writer,
        config.session_ttl,
        config.session_idle,
        config.tls.is_some(),
        clock.secs,
    );
    let extractor = Extractor::new(reference)?;
    Ok(Arc::new(AppState {
        reference,
        extractor,
        screener: Screener::new(&reference.rulebook, &reference.hs),
        pool,
        read_only: config.read_only,
        max_body: config.max_body,
        hosts,
        body_timeout: config.body_timeout,
        heavy: Arc::new(tokio::sync::Semaphore::new(config.max_heavy.max(1))),
        cache: cache::Cache::default(),
        counts: Mutex::new(None),
        upload: tokio::sync::Mutex::new(()),
        today: clock.today,
        now: clock.now,
        accounts,
    }))
}

/// A connection whose writes fail once the client has taken nothing for `limit`: a client that
/// asks for a large answer and never reads it would otherwise hold its connection for ever.
struct Stall<T> {
    io: T,
    limit: Duration,
    since: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl<T> Stall<T> {
    fn new(io: T, limit: Duration) -> Stall<T> {
        Stall {
            io,
            limit,
            since: None,
        }
    }

    /// Called when a write cannot proceed: pending until the limit, then an error.
    fn stalled<R>(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Result<R>> {
        let limit = self.limit;
        let t = self
            .since
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        match t.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the client took nothing of the answer in time",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn track<R>(
        &mut self,
        p: Poll<std::io::Result<R>>,
        cx: &mut Context<'_>,
    ) -> Poll<std::io::Result<R>> {
        match p {
            Poll::Ready(r) => {
                self.since = None;
                Poll::Ready(r)
            }
            Poll::Pending => self.stalled(cx),
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Stall<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Stall<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let p = Pin::new(&mut this.io).poll_write(cx, buf);
        this.track(p, cx)
    }
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let p = Pin::new(&mut this.io).poll_write_vectored(cx, bufs);
        this.track(p, cx)
    }
    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let p = Pin::new(&mut this.io).poll_flush(cx);
        this.track(p, cx)
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let p = Pin::new(&mut this.io).poll_shutdown(cx);
        this.track(p, cx)
    }
}

/// What a connection over the cap is told.
const FULL: &str = "the server has as many connections as it serves at once; try again shortly";

/// Connections over the cap that are answered `busy` at once; more are closed unanswered.
const TURNED_AWAY: usize = 64;

/// Serves until interrupted (Ctrl-C). `ready` is told the bound address (port 0 picks one).
///
/// Connections are served by hyper directly (not `axum::serve`) for what axum does not set:
/// the header read timeout (which also ends a kept-alive connection that goes quiet) and the
/// connection cap.
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
        let tls = match &config.tls {
            Some((cert, key)) => Some(tls::acceptor(cert, key)?),
            None => None,
        };
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
        let app = api::router(state);
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(config.header_timeout);
        let mut full = http.clone();
        full.keep_alive(false);
        let slots = Arc::new(tokio::sync::Semaphore::new(config.max_connections.max(1)));
        let turning_away = Arc::new(tokio::sync::Semaphore::new(TURNED_AWAY));
        let graceful = hyper_util::server::graceful::GracefulShutdown::new();
        let stop = tokio::signal::ctrl_c();
        tokio::pin!(stop);
        loop {
            let (tcp, peer) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(c) => c,
                    Err(_) => {
                        // Out of file descriptors or the like: let connections close first.
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
                _ = &mut stop => break,
            };
            let io = Stall::new(tcp, config.body_timeout);
            match slots.clone().try_acquire_owned() {
                Ok(slot) => {
                    // Each request knows the address it came from (the audit log's "from where").
                    let app = app.clone().layer(axum::Extension(auth::Peer(peer)));
                    let svc = hyper_util::service::TowerToHyperService::new(app);
                    let watcher = graceful.watcher();
                    let http = http.clone();
                    let tls = tls.clone();
                    let handshake = config.header_timeout;
                    tokio::spawn(async move {
                        match tls {
                            None => {
                                let io = hyper_util::rt::TokioIo::new(io);
                                let _ = watcher.watch(http.serve_connection(io, svc)).await;
                            }
                            Some(acceptor) => {
                                // The handshake is held to the header timeout, like a request's
                                // head: a client that opens and says nothing is let go.
                                let shake = tokio::time::timeout(handshake, acceptor.accept(io));
                                if let Ok(Ok(stream)) = shake.await {
                                    let io = hyper_util::rt::TokioIo::new(stream);
                                    let _ = watcher.watch(http.serve_connection(io, svc)).await;
                                }
                            }
                        }
                        drop(slot);
                    });
                }
                Err(_) => {
                    // Over the cap: the request is answered `busy` and the connection closed;
                    // past a few of those, the connection is closed at once. (Over TLS the
                    // connection is closed: a handshake is work the cap is there to avoid.)
                    let Ok(turned) = turning_away.clone().try_acquire_owned() else {
                        continue;
                    };
                    if tls.is_some() {
                        drop(turned);
                        continue;
                    }
                    let io = hyper_util::rt::TokioIo::new(io);
                    let svc = hyper::service::service_fn(|_req| async {
                        let busy = ApiError::new(Code::Busy, FULL);
                        Ok::<_, std::convert::Infallible>(busy.into_response())
                    });
                    let conn = full.serve_connection(io, svc);
                    tokio::spawn(async move {
                        let _ = tokio::time::timeout(config.header_timeout * 2, conn).await;
                        drop(turned);
                    });
                }
            }
        }
        // Requests under way finish (for a while); new ones are not read.
        let _ = tokio::time::timeout(Duration::from_secs(10), graceful.shutdown()).await;
        Ok(())
    })
}
