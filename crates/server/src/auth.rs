//! Who is asking, and whether their role allows it: sign-in, sessions, API tokens, roles per
//! route, and the audit of what they did.
//!
//! Owns: the two modes (a store without users is served to loopback only, as one analyst's
//! tool, and every request may do everything; a store with users answers only a session
//! cookie or an API token), the session cookie (`HttpOnly`, `SameSite=Strict`, `Secure` over
//! TLS) and the CSRF value every state-changing request of a session must carry, the sign-in
//! limits per account and per address, the role each route needs ([`required`]: the router
//! and the OpenAPI document read the same table), the refusals (`unauthenticated` 401,
//! `forbidden`/`csrf-failed` 403, `too-many-attempts` 429), and the audit layer that writes an
//! entry for every sign-in, upload, review, read of attribution or raw source text and
//! refused request.
//!
//! Refuses: storing anything itself (the store keeps users, sessions and the log) and
//! deciding what a route answers (the handlers redact; this only lets them be asked).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use borderwatch_store::auth::{self as store_auth, Role};
use borderwatch_store::{AuditEntry, AuditFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::{NoParams, J, Q};
use crate::error::{ApiError, Code, ErrorBody};
use crate::{AppState, Pool};

/// The session cookie's name.
pub const COOKIE: &str = "bw_session";
/// The header a session's writes carry the CSRF value in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Failed sign-ins allowed per account, and per address, in [`WINDOW`].
pub const MAX_FAILED_PER_ACCOUNT: u32 = 5;
pub const MAX_FAILED_PER_ADDRESS: u32 = 20;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// The longest password a sign-in is checked with.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Password checks run at once; one more sign-in is `busy`.
pub const MAX_PASSWORD_CHECKS: usize = 4;

/// How stale a session's last use may be before it is written again (one write a minute per
/// session, not one per request).
const TOUCH_EVERY: i64 = 60;

/// The address a connection came from (set by the server per connection).
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub SocketAddr);

/// Who a request is from.
#[derive(Debug, Clone)]
pub struct Principal {
    /// None in single-analyst mode (no users).
    pub user: Option<String>,
    pub role: Role,
    /// The session's CSRF value when signed in with the cookie.
    pub csrf: Option<String>,
    pub expires_at: Option<String>,
}

/// What a successful request did, for the audit log (a response extension).
#[derive(Debug, Clone)]
pub struct Event {
    pub action: &'static str,
    pub target: String,
    pub detail: Option<String>,
}

/// The accounts side of the server's state.
pub struct Accounts {
    /// Once the store has a user it always will (users are disabled, never removed).
    exist: AtomicBool,
    /// A writable connection pool for sessions and the audit log: the store's own, or one of
    /// its own when the store is served `--read-only`; none when read-only without users
    /// (single-analyst mode writes nothing then).
    pub writer: Option<Arc<Pool>>,
    pub session_ttl: Duration,
    /// A session unused this long has ended.
    pub session_idle: Duration,
    /// Cookies get `Secure` (served over TLS).
    pub secure: bool,
    limits: Mutex<Limits>,
    /// Password checks under way at once: each takes 19 MiB and tens of milliseconds, so a
    /// flood of sign-ins is `busy` rather than the server's memory.
    checks: tokio::sync::Semaphore,
    /// Unix seconds now (the binary's clock).
    pub secs: fn() -> i64,
}

#[derive(Default)]
struct Limits {
    by_account: HashMap<String, (u32, Instant)>,
    by_address: HashMap<IpAddr, (u32, Instant)>,
}

impl Limits {
    fn prune(&mut self) {
        if self.by_account.len() + self.by_address.len() > 10_000 {
            self.by_account.retain(|_, (_, t)| t.elapsed() < WINDOW);
            self.by_address.retain(|_, (_, t)| t.elapsed() < WINDOW);
        }
    }
}

fn over(entry: Option<&(u32, Instant)>, max: u32) -> Option<Duration> {
    let (n, since) = entry?;
    let left = WINDOW.checked_sub(since.elapsed())?;
    (*n >= max).then_some(left)
}

fn count(map_entry: &mut (u32, Instant)) {
    if map_entry.1.elapsed() >= WINDOW {
        *map_entry = (0, Instant::now());
    }
    map_entry.0 += 1;
}

impl Accounts {
    pub fn new(
        exist: bool,
        writer: Option<Arc<Pool>>,
        session_ttl: Duration,
        session_idle: Duration,
        secure: bool,
        secs: fn() -> i64,
    ) -> Accounts {
        Accounts {
            exist: AtomicBool::new(exist),
            writer,
            session_ttl,
            session_idle,
            secure,
            limits: Mutex::new(Limits::default()),
            checks: tokio::sync::Semaphore::new(MAX_PASSWORD_CHECKS),
            secs,
        }
    }

    fn now(&self) -> String {
        store_auth::timestamp((self.secs)())
    }

    /// Refused when the account or the address has failed too often lately.
    fn check_limits(&self, name: &str, ip: Option<IpAddr>) -> Result<(), ApiError> {
        let l = self.limits.lock().map_err(|_| internal())?;
        let wait = over(l.by_account.get(name), MAX_FAILED_PER_ACCOUNT)
            .or_else(|| ip.and_then(|ip| over(l.by_address.get(&ip), MAX_FAILED_PER_ADDRESS)));
        match wait {
            Some(w) => Err(ApiError::new(
                Code::TooManyAttempts,
                format!(
                    "too many failed sign-ins for this account or from this address; try again \
                     in {} s",
                    w.as_secs().max(1)
                ),
            )
            .retry_after(w.as_secs().max(1))),
            None => Ok(()),
        }
    }

    fn failed(&self, name: &str, ip: Option<IpAddr>) {
        if let Ok(mut l) = self.limits.lock() {
            l.prune();
            count(
                l.by_account
                    .entry(name.to_string())
                    .or_insert((0, Instant::now())),
            );
            if let Some(ip) = ip {
                count(l.by_address.entry(ip).or_insert((0, Instant::now())));
            }
        }
    }

    fn succeeded(&self, name: &str) {
        if let Ok(mut l) = self.limits.lock() {
            l.by_account.remove(name);
        }
    }
}

fn internal() -> ApiError {
    ApiError::new(Code::Internal, crate::FAILED)
}

/// The role a route needs (`None`: anyone may ask — the sign-in route and this document).
/// Attribution (`include_attribution=true`) needs `source-handler` on every route on top.
pub fn required(method: &Method, path: &str) -> Option<Role> {
    let write = !(method == Method::GET || method == Method::HEAD);
    Some(match path {
        "/api/openapi.json" | "/api/session" => return None,
        "/api/users" | "/api/users/{name}" | "/api/audit" => Role::Admin,
        "/api/sources" if write => Role::Analyst,
        "/api/claims/{id}/reviews" | "/api/sources/{id}/claims" if write => Role::Analyst,
        "/api/extract" | "/api/reviews/queue" | "/api/reviews/orphans" | "/api/issues" => {
            Role::Analyst
        }
        "/api/health"
        | "/api/places"
        | "/api/corridors"
        | "/api/corridors/{id}"
        | "/api/claims"
        | "/api/claims/{id}"
        | "/api/claims/{id}/reviews"
        | "/api/findings"
        | "/api/sources"
        | "/api/sources/{id}"
        | "/api/vessels"
        | "/api/vessels/{mmsi}"
        | "/api/tracks"
        | "/api/screen" => Role::Viewer,
        // Not a route (answered `not-found` once signed in).
        "/api/{*rest}" => Role::Viewer,
        // A route missing from this table is for admins until someone decides otherwise.
        _ => Role::Admin,
    })
}

/// What the OpenAPI document says a route needs.
pub fn required_text(method: &Method, path: &str) -> String {
    match required(method, path) {
        None => "Open: no session or token needed.".into(),
        Some(r) => {
            let text = if path == "/api/sources/{id}" {
                " `text=true` needs analyst (speakers withheld);"
            } else {
                ""
            };
            format!(
                "Role: {r} or above.{text} `include_attribution=true` needs source-handler. \
                 Without a session or token (when the store has users): 401 unauthenticated; \
                 a role too low: 403 forbidden."
            )
        }
    }
}

fn query_flag(q: Option<&str>, name: &str) -> bool {
    q.unwrap_or("").split('&').any(|kv| {
        kv.split_once('=')
            .is_some_and(|(k, v)| k == name && v == "true")
    })
}

fn cookie(h: &HeaderMap) -> Option<String> {
    h.get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == COOKIE && !v.is_empty()).then(|| v.to_string())
        })
}

fn bearer(h: &HeaderMap) -> Option<Result<String, ApiError>> {
    let v = h.get(header::AUTHORIZATION)?;
    let t = v
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer ").map(str::trim))
        .filter(|t| !t.is_empty());
    Some(t.map(str::to_string).ok_or_else(|| {
        ApiError::new(
            Code::Unauthenticated,
            "authorization: expected \"Bearer TOKEN\" with a token from `borderwatch users token`",
        )
    }))
}

/// Equal in time independent of where the strings differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

impl AppState {
    /// Whether the store has users (checked again until it does).
    pub async fn team(self: &Arc<Self>) -> Result<bool, ApiError> {
        if self.accounts.exist.load(Ordering::Relaxed) {
            return Ok(true);
        }
        let n = self.pool.with(|s| Ok(s.user_count()?)).await?;
        if n > 0 {
            self.accounts.exist.store(true, Ordering::Relaxed);
        }
        Ok(n > 0)
    }

    /// The request's principal: everyone in single-analyst mode; else the token's or the
    /// session's user, or none.
    async fn principal(self: &Arc<Self>, h: &HeaderMap) -> Result<Option<Principal>, ApiError> {
        if !self.team().await? {
            return Ok(Some(Principal {
                user: None,
                role: Role::Admin,
                csrf: None,
                expires_at: None,
            }));
        }
        let now = self.accounts.now();
        if let Some(token) = bearer(h) {
            let token = token?;
            let u = self
                .pool
                .with(move |s| Ok(s.token_user(&token, &now)?))
                .await?;
            return match u {
                Some(u) => Ok(Some(Principal {
                    user: Some(u.name),
                    role: u.role,
                    csrf: None,
                    expires_at: None,
                })),
                None => Err(ApiError::new(
                    Code::Unauthenticated,
                    "the token is unknown, expired or revoked, or its user is disabled",
                )),
            };
        }
        let Some(secret) = cookie(h) else {
            return Ok(None);
        };
        let row = self
            .pool
            .with(move |s| Ok(s.session(&secret, &now)?))
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let now_secs = (self.accounts.secs)();
        let idle = self.accounts.session_idle.as_secs() as i64;
        let idle_since = store_auth::timestamp(now_secs - idle);
        let stale = store_auth::timestamp(now_secs - TOUCH_EVERY);
        if let Some(w) = self.accounts.writer.clone() {
            let now = store_auth::timestamp(now_secs);
            let id = row.id;
            if row.seen_at <= idle_since {
                // Unused too long: ended, as if signed out.
                w.with(move |s| Ok(s.end_session_id(id, &now)?)).await?;
                return Ok(None);
            }
            if row.seen_at <= stale {
                w.with(move |s| Ok(s.touch_session(id, &now)?)).await?;
            }
        }
        Ok(Some(row).map(|r| Principal {
            user: Some(r.user.name),
            role: r.user.role,
            csrf: Some(r.csrf),
            expires_at: Some(r.expires_at),
        }))
    }

    /// Appends to the audit log (nothing in read-only single-analyst mode).
    pub async fn audit(self: &Arc<Self>, e: AuditEntry) -> Result<(), ApiError> {
        let Some(w) = self.accounts.writer.clone() else {
            return Ok(());
        };
        w.with(move |s| Ok(s.append_audit(&e)?)).await.map(|_| ())
    }
}

fn unauthenticated() -> ApiError {
    ApiError::new(
        Code::Unauthenticated,
        "sign in (POST /api/session) or send an API token (Authorization: Bearer TOKEN)",
    )
}

/// The route layer: who is asking, whether their role allows the route and what it asks for,
/// and the CSRF value of a session's writes.
pub async fn authenticate(
    State(s): State<Arc<AppState>>,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| req.uri().path().to_string());
    let method = req.method().clone();
    let principal = match s.principal(req.headers()).await {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let Some(need) = required(&method, &path) else {
        if let Some(p) = principal {
            req.extensions_mut().insert(p);
        }
        return next.run(req).await;
    };
    let Some(p) = principal else {
        return unauthenticated().into_response();
    };
    let who = p.user.clone().unwrap_or_default();
    if p.role < need {
        let mut r = ApiError::new(
            Code::Forbidden,
            format!("{method} {path} needs the role {need}; {who} is {}", p.role),
        )
        .into_response();
        r.extensions_mut().insert(p);
        return r;
    }
    let query = req.uri().query().map(str::to_string);
    let attribution = query_flag(query.as_deref(), "include_attribution");
    let text = path == "/api/sources/{id}" && query_flag(query.as_deref(), "text");
    let refuse = if attribution && p.role < Role::SourceHandler {
        Some(format!(
            "include_attribution=true needs the role source-handler; {who} is {}",
            p.role
        ))
    } else if text && p.role < Role::Analyst {
        Some(format!(
            "a source's text (text=true) needs the role analyst; {who} is {}",
            p.role
        ))
    } else {
        None
    };
    if let Some(why) = refuse {
        let mut r = ApiError::new(Code::Forbidden, why).into_response();
        r.extensions_mut().insert(p);
        return r;
    }
    let write = !(method == Method::GET || method == Method::HEAD);
    if write {
        if let Some(want) = &p.csrf {
            let got = req
                .headers()
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !same(got, want) {
                let mut r = ApiError::new(
                    Code::CsrfFailed,
                    format!(
                        "a signed-in write must carry the header {CSRF_HEADER} with the value \
                         GET /api/session gives"
                    ),
                )
                .into_response();
                r.extensions_mut().insert(p);
                return r;
            }
        }
    }
    let target = match &query {
        Some(q) => format!("{}?{q}", req.uri().path()),
        None => req.uri().path().to_string(),
    };
    req.extensions_mut().insert(p.clone());
    let mut r = next.run(req).await;
    let action = match (&method, path.as_str()) {
        (&Method::POST, "/api/sources") => Some("upload"),
        (&Method::POST, "/api/claims/{id}/reviews" | "/api/sources/{id}/claims") => Some("review"),
        _ if attribution && text => Some("read-text"),
        _ if attribution => Some("read-attribution"),
        _ => None,
    };
    if r.status().is_success() && r.extensions().get::<Event>().is_none() {
        if let Some(action) = action {
            r.extensions_mut().insert(Event {
                action,
                target,
                detail: None,
            });
        }
    }
    r.extensions_mut().insert(p);
    r
}

/// Codes that are refusals of who asks or how (audited as `refused`).
fn refusal(c: Code) -> bool {
    matches!(
        c,
        Code::Unauthenticated
            | Code::Forbidden
            | Code::CsrfFailed
            | Code::TooManyAttempts
            | Code::HostNotAllowed
            | Code::CrossOriginWrite
            | Code::SignInFailed
    )
}

/// The audit layer (outside the host and write checks, so their refusals are logged too).
/// An entry that cannot be written turns the answer into `store-failed`: nothing audited is
/// answered unlogged.
pub async fn audit_layer(State(s): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let address = req.extensions().get::<Peer>().map(|p| p.0.ip().to_string());
    let asked = match req.uri().query() {
        Some(q) => format!("{} {}?{q}", req.method(), req.uri().path()),
        None => format!("{} {}", req.method(), req.uri().path()),
    };
    let r = next.run(req).await;
    if r.extensions().get::<NotAudited>().is_some() {
        return r;
    }
    let actor = r
        .extensions()
        .get::<Principal>()
        .and_then(|p| p.user.clone());
    let code = r.extensions().get::<Code>().copied();
    let event = r.extensions().get::<Event>().cloned();
    let entry = match (event, code) {
        (Some(e), _) => AuditEntry {
            at: s.accounts.now(),
            actor,
            action: e.action.into(),
            target: Some(e.target),
            address,
            outcome: code.map_or("ok", Code::as_str).into(),
            detail: e.detail,
        },
        (None, Some(c)) if refusal(c) => AuditEntry {
            at: s.accounts.now(),
            actor,
            action: "refused".into(),
            target: Some(asked),
            address,
            outcome: c.as_str().into(),
            detail: None,
        },
        _ => return r,
    };
    match s.audit(entry).await {
        Ok(()) => r,
        Err(e) => ApiError::new(
            Code::StoreFailed,
            format!(
                "the audit log could not be written ({}); nothing was answered",
                e.message
            ),
        )
        .into_response(),
    }
}

// ---------------------------------------------------------------------------------------------
// The session routes.

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    pub name: String,
    pub password: String,
}

/// Who is signed in.
#[derive(Serialize, ToSchema)]
pub struct SessionInfo {
    /// `single` (no users: loopback only, everything allowed) or `team`.
    pub mode: &'static str,
    pub user: Option<String>,
    pub role: String,
    /// Send it as `X-CSRF-Token` with every write of this session.
    pub csrf: Option<String>,
    pub expires_at: Option<String>,
}

fn info(mode: &'static str, p: &Principal) -> SessionInfo {
    SessionInfo {
        mode,
        user: p.user.clone(),
        role: p.role.to_string(),
        csrf: p.csrf.clone(),
        expires_at: p.expires_at.clone(),
    }
}

fn set_cookie(value: &str, max_age: u64, secure: bool) -> HeaderValue {
    let v = format!(
        "{COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[utoipa::path(get, path = "/api/session",
    responses((status = 200, body = SessionInfo), (status = 401, body = ErrorBody)))]
pub async fn current(
    State(s): State<Arc<AppState>>,
    p: Option<axum::Extension<Principal>>,
    Q(_): Q<NoParams>,
) -> Result<Response, ApiError> {
    let team = s.team().await?;
    match p {
        Some(axum::Extension(p)) => {
            Ok(Json(info(if team { "team" } else { "single" }, &p)).into_response())
        }
        // Asking whether one is signed in is not a refused request: the page asks on load.
        None => {
            let mut r = unauthenticated().into_response();
            r.extensions_mut().insert(NotAudited);
            Ok(r)
        }
    }
}

/// A refusal the audit layer leaves out.
#[derive(Clone, Copy)]
pub struct NotAudited;

#[utoipa::path(post, path = "/api/session", request_body = SignIn,
    responses((status = 200, body = SessionInfo, description = "Signed in; the cookie is set"),
              (status = 401, body = ErrorBody, description = "sign-in-failed"),
              (status = 429, body = ErrorBody, description = "too-many-attempts")))]
pub async fn sign_in(
    State(s): State<Arc<AppState>>,
    peer: Option<axum::Extension<Peer>>,
    Q(_): Q<NoParams>,
    J(b): J<SignIn>,
) -> Response {
    // The name as given is the client's text: quoted when it is not a user name.
    let name = if store_auth::check_name(&b.name).is_ok() {
        b.name.clone()
    } else {
        format!("{:?}", b.name.chars().take(64).collect::<String>())
    };
    let event = |r: &mut Response| {
        r.extensions_mut().insert(Event {
            action: "sign-in",
            target: format!("user {name}"),
            detail: None,
        });
    };
    let ip = peer.map(|p| p.0 .0.ip());
    let out = sign_in_inner(&s, b, ip).await;
    let mut r = match out {
        Ok(r) => r,
        Err(e) => e.into_response(),
    };
    event(&mut r);
    r
}

async fn sign_in_inner(
    s: &Arc<AppState>,
    b: SignIn,
    ip: Option<IpAddr>,
) -> Result<Response, ApiError> {
    if !s.team().await? {
        return Err(ApiError::new(
            Code::SignInFailed,
            "the store has no users: the server runs in single-analyst mode and needs no sign-in",
        ));
    }
    let Some(writer) = s.accounts.writer.clone() else {
        return Err(ApiError::new(
            Code::ReadOnly,
            "the server was started --read-only before the store had users, so it cannot \
             record sessions; start it again",
        ));
    };
    s.accounts.check_limits(&b.name, ip)?;
    // No account has such a name or password: refused without the slow check (a megabyte of
    // password would otherwise be hashed).
    if store_auth::check_name(&b.name).is_err() || b.password.len() > MAX_PASSWORD_BYTES {
        s.accounts.failed(&b.name, ip);
        return Err(ApiError::new(
            Code::SignInFailed,
            "wrong name or password (or the account is disabled)",
        ));
    }
    let _check = s.accounts.checks.try_acquire().map_err(|_| {
        ApiError::new(
            Code::Busy,
            "as many sign-ins as the server checks at once are under way; try again shortly",
        )
    })?;
    let name = b.name.clone();
    let found = crate::blocking({
        let pool = s.pool.clone();
        move || {
            let row = pool_sync(&pool, |st| Ok(st.password_hash(&name)?))?;
            // A missing account costs a hash check too.
            let ok = match &row {
                Some((_, h)) => store_auth::verify_password(h, &b.password),
                None => {
                    store_auth::verify_password(store_auth::dummy_hash(), &b.password);
                    false
                }
            };
            Ok(row.filter(|_| ok).map(|(u, _)| u))
        }
    })
    .await?;
    let Some(user) = found else {
        s.accounts.failed(&b.name, ip);
        return Err(ApiError::new(
            Code::SignInFailed,
            "wrong name or password (or the account is disabled)",
        ));
    };
    s.accounts.succeeded(&b.name);
    let secret = store_auth::random_hex(32)?;
    let csrf = store_auth::random_hex(32)?;
    let now_secs = (s.accounts.secs)();
    let ttl = s.accounts.session_ttl.as_secs();
    let now = store_auth::timestamp(now_secs);
    let expires = store_auth::timestamp(now_secs + ttl as i64);
    let (sec, cs, ex) = (secret.clone(), csrf.clone(), expires.clone());
    let addr = ip.map(|i| i.to_string());
    let uid = user.id;
    writer
        .with(move |st| Ok(st.add_session(uid, &sec, &cs, addr.as_deref(), &now, &ex)?))
        .await?;
    let p = Principal {
        user: Some(user.name),
        role: user.role,
        csrf: Some(csrf),
        expires_at: Some(expires),
    };
    let mut r = Json(info("team", &p)).into_response();
    r.headers_mut().insert(
        header::SET_COOKIE,
        set_cookie(&secret, ttl, s.accounts.secure),
    );
    r.extensions_mut().insert(p);
    Ok(r)
}

/// Runs `f` on a connection of the pool from a blocking thread already.
fn pool_sync<T>(
    pool: &Arc<Pool>,
    f: impl FnOnce(&mut borderwatch_store::Store) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
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
}

#[utoipa::path(delete, path = "/api/session",
    responses((status = 204, description = "Signed out; the cookie is cleared")))]
pub async fn sign_out(
    State(s): State<Arc<AppState>>,
    p: Option<axum::Extension<Principal>>,
    headers: HeaderMap,
    Q(_): Q<NoParams>,
) -> Result<Response, ApiError> {
    let Some(axum::Extension(p)) = p else {
        return Err(unauthenticated());
    };
    // Signing out is a write: a session's needs its CSRF value (a page elsewhere must not
    // sign the user out either).
    if let Some(want) = &p.csrf {
        let got = headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !same(got, want) {
            return Err(ApiError::new(
                Code::CsrfFailed,
                format!("signing out must carry the header {CSRF_HEADER}"),
            ));
        }
    }
    if let (Some(secret), Some(w)) = (cookie(&headers), s.accounts.writer.clone()) {
        let now = s.accounts.now();
        w.with(move |st| Ok(st.end_session(&secret, &now)?)).await?;
    }
    let mut r = StatusCode::NO_CONTENT.into_response();
    r.headers_mut()
        .insert(header::SET_COOKIE, set_cookie("", 0, s.accounts.secure));
    r.extensions_mut().insert(Event {
        action: "sign-out",
        target: format!("user {}", p.user.clone().unwrap_or_default()),
        detail: None,
    });
    r.extensions_mut().insert(p);
    Ok(r)
}

// ---------------------------------------------------------------------------------------------
// Admin routes: users and the audit log.

#[derive(Serialize, ToSchema)]
pub struct UserInfo {
    pub name: String,
    pub role: String,
    pub disabled: bool,
    pub created_at: String,
    pub changed_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct UserList {
    pub users: Vec<UserInfo>,
}

#[utoipa::path(get, path = "/api/users", responses((status = 200, body = UserList)))]
pub async fn users(
    State(s): State<Arc<AppState>>,
    Q(_): Q<NoParams>,
) -> Result<Json<UserList>, ApiError> {
    let rows = s.pool.with(|st| Ok(st.users()?)).await?;
    Ok(Json(UserList {
        users: rows.into_iter().map(user_info).collect(),
    }))
}

pub(crate) fn user_info(u: borderwatch_store::User) -> UserInfo {
    UserInfo {
        name: u.name,
        role: u.role.to_string(),
        disabled: u.disabled,
        created_at: u.created_at,
        changed_at: u.changed_at,
    }
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Entries at or after this date or time.
    pub since: Option<String>,
    pub user: Option<String>,
    pub action: Option<String>,
    /// The latest N (default 200, at most 5000).
    pub limit: Option<usize>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditEntryOut {
    pub id: i64,
    pub at: String,
    pub actor: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub address: Option<String>,
    pub outcome: String,
    pub detail: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditList {
    pub entries: Vec<AuditEntryOut>,
}

#[utoipa::path(get, path = "/api/audit", params(AuditQuery),
    responses((status = 200, body = AuditList)))]
pub async fn audit_log(
    State(s): State<Arc<AppState>>,
    Q(q): Q<AuditQuery>,
) -> Result<Json<AuditList>, ApiError> {
    let limit = q.limit.unwrap_or(200);
    if limit == 0 || limit > 5000 {
        return Err(ApiError::param(
            "limit",
            &limit.to_string(),
            "expected 1 to 5000",
        ));
    }
    if let Some(d) = &q.since {
        if d.len() < 10 || borderwatch_model::parse_date(&d[..10]).is_err() {
            return Err(ApiError::param(
                "since",
                d,
                "expected YYYY-MM-DD or a full time",
            ));
        }
    }
    let f = AuditFilter {
        since: q.since,
        actor: q.user,
        action: q.action,
        limit: Some(limit),
    };
    let rows = s.pool.with(move |st| Ok(st.audit(&f)?)).await?;
    Ok(Json(AuditList {
        entries: rows
            .into_iter()
            .map(|r| AuditEntryOut {
                id: r.id,
                at: r.entry.at,
                actor: r.entry.actor,
                action: r.entry.action,
                target: r.entry.target,
                address: r.entry.address,
                outcome: r.entry.outcome,
                detail: r.entry.detail,
            })
            .collect(),
    }))
}

/// The principal of a request behind [`authenticate`] (single-analyst mode: everyone).
pub struct Who(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for Who {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<Principal>()
            .cloned()
            .map(Who)
            .ok_or_else(unauthenticated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_has_a_role_and_writes_need_more() {
        assert_eq!(required(&Method::GET, "/api/session"), None);
        assert_eq!(required(&Method::GET, "/api/claims"), Some(Role::Viewer));
        assert_eq!(required(&Method::POST, "/api/sources"), Some(Role::Analyst));
        assert_eq!(required(&Method::GET, "/api/sources"), Some(Role::Viewer));
        assert_eq!(required(&Method::GET, "/api/audit"), Some(Role::Admin));
        assert_eq!(required(&Method::GET, "/api/{*rest}"), Some(Role::Viewer));
        assert_eq!(required(&Method::GET, "/api/new-route"), Some(Role::Admin));
    }

    /// Every operation of the document is in the table by name (none falls to the default).
    #[test]
    fn every_documented_route_is_in_the_table() {
        use utoipa::OpenApi;
        let doc = crate::api::ApiDoc::openapi();
        let listed = [
            "/api/health",
            "/api/places",
            "/api/corridors",
            "/api/corridors/{id}",
            "/api/claims",
            "/api/claims/{id}",
            "/api/claims/{id}/reviews",
            "/api/findings",
            "/api/sources",
            "/api/sources/{id}",
            "/api/sources/{id}/claims",
            "/api/screen",
            "/api/extract",
            "/api/issues",
            "/api/reviews/queue",
            "/api/reviews/orphans",
            "/api/vessels",
            "/api/vessels/{mmsi}",
            "/api/tracks",
            "/api/openapi.json",
            "/api/session",
            "/api/users",
            "/api/users/{name}",
            "/api/audit",
        ];
        for path in doc.paths.paths.keys() {
            assert!(
                listed.contains(&path.as_str()),
                "{path} is not in the role table"
            );
        }
    }

    #[test]
    fn flags_and_cookies() {
        assert!(query_flag(
            Some("a=1&include_attribution=true"),
            "include_attribution"
        ));
        assert!(!query_flag(
            Some("include_attribution=false"),
            "include_attribution"
        ));
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, "x=1; bw_session=abc".parse().unwrap());
        assert_eq!(cookie(&h).as_deref(), Some("abc"));
        assert!(same("abc", "abc") && !same("abc", "abd") && !same("abc", "ab"));
    }

    #[test]
    fn limits_lock_out_after_failures() {
        let a = Accounts::new(
            true,
            None,
            Duration::from_secs(60),
            Duration::from_secs(60),
            false,
            || 0,
        );
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        for _ in 0..MAX_FAILED_PER_ACCOUNT {
            assert!(a.check_limits("ana", Some(ip)).is_ok());
            a.failed("ana", Some(ip));
        }
        let e = a.check_limits("ana", Some(ip)).unwrap_err();
        assert_eq!(e.code, Code::TooManyAttempts);
        // Another account from the same address is still let in, until the address's limit.
        assert!(a.check_limits("bo", Some(ip)).is_ok());
        for i in 0..MAX_FAILED_PER_ADDRESS {
            a.failed(&format!("u{i}"), Some(ip));
        }
        assert!(a.check_limits("bo", Some(ip)).is_err());
        assert!(a
            .check_limits("bo", Some("10.0.0.2".parse().unwrap()))
            .is_ok());
    }
}
