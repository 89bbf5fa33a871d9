//! The routes, their parameters and bodies, and the OpenAPI document generated from them.
//!
//! Conventions: every route rejects unknown query parameters (a typo is an error, not an
//! ignored filter; routes without parameters take `NoParams`); every malformed or unknown value
//! (an id not in the gazetteer, a detector that does not exist) is a `bad-parameter` naming the
//! parameter and the value; bodies arrive within the body timeout; extraction and uploads take
//! a heavy slot or are `busy`; attribution (who said it) is left out of claims and evidence unless
//! `include_attribution=true` is given; the claim list is paged by cursor (`after` = the last
//! id seen), so a page costs the same on a large store as on a small one.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use borderwatch_analyze::Corridor;
use borderwatch_model::{ClaimKind, Date, Direction, Finding, HsCode, Mode, Status};
use borderwatch_pipeline::{Kind, Prep, Prepared};
use borderwatch_screen::Goods;
use borderwatch_store::{ClaimFilter, StoredClaim};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::error::{ApiError, Code, ErrorBody};
use crate::AppState;

type St = State<Arc<AppState>>;
type ApiResult<T> = Result<Json<T>, ApiError>;

/// Claims per page unless `limit` says otherwise, and the most a page holds.
const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 500;

/// `POST /api/screen`: the most bytes of `words`, and the most goods candidates they may name
/// (a whole report is for `/api/extract`).
pub const MAX_WORDS_BYTES: usize = 4096;
pub const MAX_CANDIDATES: usize = 64;

/// The longest upload name, in bytes (a file name on common file systems).
pub const MAX_NAME_BYTES: usize = 255;

/// All routes: the API under `/api/`, the UI everywhere else.
pub fn router(state: Arc<AppState>) -> Router {
    let max_body = state.max_body;
    let routes = Router::new()
        .route("/api/health", get(health))
        .route("/api/places", get(places))
        .route("/api/corridors", get(corridors))
        .route("/api/corridors/{id}", get(corridor))
        .route("/api/claims", get(claims))
        .route("/api/claims/{id}", get(claim))
        .route(
            "/api/claims/{id}/reviews",
            get(crate::review_api::claim_reviews).post(crate::review_api::review_claim),
        )
        .route(
            "/api/sources/{id}/claims",
            post(crate::review_api::add_claim),
        )
        .route("/api/reviews/orphans", get(crate::review_api::orphans))
        .route("/api/reviews/queue", get(crate::review_api::queue))
        .route("/api/findings", get(findings))
        .route("/api/sources", get(sources).post(upload))
        .route("/api/sources/{id}", get(source))
        .route("/api/issues", get(issues))
        .route("/api/vessels", get(crate::vessels_api::list))
        .route("/api/vessels/{mmsi}", get(crate::vessels_api::detail))
        .route("/api/tracks", get(crate::vessels_api::tracks))
        .route("/api/screen", post(screen))
        .route("/api/extract", post(extract))
        .route("/api/openapi.json", get(openapi))
        .route(
            "/api/session",
            get(crate::auth::current)
                .post(crate::auth::sign_in)
                .delete(crate::auth::sign_out),
        )
        .route(
            "/api/users",
            get(crate::auth::users).post(crate::users_api::add),
        )
        .route("/api/users/{name}", post(crate::users_api::change))
        .route("/api/audit", get(crate::auth::audit_log))
        .route("/api/{*rest}", axum::routing::any(no_route))
        // Every route above, not the UI's files (the sign-in page is one of them).
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::auth::authenticate,
        ))
        .fallback(crate::ui::asset)
        .method_not_allowed_fallback(wrong_method)
        .layer(DefaultBodyLimit::max(max_body));
    harden(routes, state)
}

/// The layers every route sits behind, innermost first: the host and write checks, the audit
/// of what was done and refused, a panic answered as `internal` without its text, the security
/// headers on every answer.
pub fn harden(routes: Router<Arc<AppState>>, state: Arc<AppState>) -> Router {
    let tls = state.accounts.secure;
    routes
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::guard::guard,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::auth::audit_layer,
        ))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            |_: Box<dyn std::any::Any + Send>| {
                ApiError::new(Code::Internal, crate::FAILED).into_response()
            },
        ))
        .layer(axum::middleware::map_response(move |r: Response| {
            security_headers(r, tls)
        }))
        .with_state(state)
}

/// What an API answer may do in a browser: nothing (it is data, never a page).
const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// Headers on every answer: no sniffing a type, no framing, no referrer, no sharing with other
/// origins' pages (no CORS header is ever sent), a content security policy (the UI's files set
/// their own), API answers never cached, and HSTS over TLS.
async fn security_headers(mut r: Response, tls: bool) -> Response {
    let h = r.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(API_CSP),
        );
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if tls {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    r
}

async fn no_route(uri: axum::http::Uri) -> ApiError {
    ApiError::new(Code::NotFound, format!("no route {}", uri.path()))
}

async fn wrong_method(method: axum::http::Method, uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        Code::MethodNotAllowed,
        format!("{} does not take {method}", uri.path()),
    )
}

// ---------------------------------------------------------------------------------------------
// Extractors whose rejections are errors from the table.

/// Query parameters; a malformed or unknown one is `bad-parameter`.
pub struct Q<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Q<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| Q(v))
            .map_err(|e| ApiError::new(Code::BadParameter, e.body_text().to_lowercase()))
    }
}

/// A path id; a non-number is `bad-parameter`.
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::new(Code::BadParameter, e.body_text().to_lowercase()))?;
        raw.parse()
            .map(Id)
            .map_err(|_| ApiError::param("id", &raw, "not a number"))
    }
}

/// No query parameters: any given is `bad-parameter`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}

/// A body that did not arrive within the server's body timeout.
fn body_timeout(s: &AppState) -> ApiError {
    ApiError::new(
        Code::Timeout,
        format!(
            "the request body did not arrive within {} s",
            s.body_timeout.as_secs()
        ),
    )
}

/// A JSON body; bad JSON (a key given twice included) is `bad-body`, an oversize one
/// `payload-too-large`, a slow one `timeout`.
pub struct J<T>(pub T);

impl<T: serde::de::DeserializeOwned> FromRequest<Arc<AppState>> for J<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &Arc<AppState>) -> Result<Self, ApiError> {
        tokio::time::timeout(state.body_timeout, Json::<T>::from_request(req, state))
            .await
            .map_err(|_| body_timeout(state))?
            .map(|Json(v)| J(v))
            .map_err(|e| {
                let code = if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    Code::PayloadTooLarge
                } else {
                    Code::BadBody
                };
                ApiError::new(code, e.body_text().to_lowercase())
            })
    }
}

/// A raw body (uploads); an oversize one is `payload-too-large`, a slow one `timeout`.
pub struct Raw(pub Bytes);

impl FromRequest<Arc<AppState>> for Raw {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &Arc<AppState>) -> Result<Self, ApiError> {
        let read = tokio::time::timeout(state.body_timeout, Bytes::from_request(req, state));
        read.await
            .map_err(|_| body_timeout(state))?
            .map(Raw)
            .map_err(|e| {
                let code = if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    Code::PayloadTooLarge
                } else {
                    Code::BadBody
                };
                ApiError::new(code, e.body_text().to_lowercase())
            })
    }
}

// ---------------------------------------------------------------------------------------------
// Parameter parsing with precise messages.

fn date(name: &str, v: &Option<String>) -> Result<Option<Date>, ApiError> {
    v.as_deref()
        .map(|d| borderwatch_model::parse_date(d).map_err(|e| ApiError::param(name, d, e)))
        .transpose()
}

fn direction(v: &Option<String>) -> Result<Option<Direction>, ApiError> {
    v.as_deref()
        .map(|d| {
            Direction::parse_loose(d)
                .ok_or_else(|| ApiError::param("direction", d, "expected inbound or outbound"))
        })
        .transpose()
}

fn mode(v: &Option<String>) -> Result<Option<Mode>, ApiError> {
    v.as_deref()
        .map(|m| m.parse::<Mode>().map_err(|e| ApiError::param("mode", m, e)))
        .transpose()
}

fn status(v: &Option<String>) -> Result<Option<Status>, ApiError> {
    v.as_deref()
        .map(|s| {
            s.parse::<Status>().map_err(|_| {
                ApiError::param(
                    "status",
                    s,
                    "expected prohibited, capped, review or permitted",
                )
            })
        })
        .transpose()
}

fn hs_prefix(v: &Option<String>) -> Result<Option<String>, ApiError> {
    v.as_deref()
        .map(|h| {
            HsCode::parse(h)
                .map(|c| c.as_str().to_string())
                .map_err(|e| ApiError::param("hs", h, e))
        })
        .transpose()
}

fn kind(v: &Option<String>) -> Result<Option<String>, ApiError> {
    const KINDS: [ClaimKind; 6] = [
        ClaimKind::Movement,
        ClaimKind::Storage,
        ClaimKind::Condition,
        ClaimKind::Status,
        ClaimKind::Policy,
        ClaimKind::Mention,
    ];
    v.as_deref()
        .map(|k| {
            KINDS
                .iter()
                .find(|x| x.as_str() == k)
                .map(|x| x.as_str().to_string())
                .ok_or_else(|| {
                    ApiError::param(
                        "kind",
                        k,
                        "expected movement, storage, condition, status or policy",
                    )
                })
        })
        .transpose()
}

/// A corridor id as the analysis forms them: a crossing id, or `place>place` of two places.
fn corridor_id(s: &AppState, c: &str) -> Result<(), ApiError> {
    let gz = &s.reference.gazetteer;
    let known = gz.crossing(c).is_some()
        || c.split_once('>')
            .is_some_and(|(a, b)| gz.place(a).is_some() && gz.place(b).is_some());
    if known {
        Ok(())
    } else {
        Err(ApiError::param(
            "corridor",
            c,
            "expected a crossing id or a leg `place>place` of two place ids",
        ))
    }
}

/// A value quoted in a message, cut to a readable length.
fn short(v: &str) -> String {
    match v.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &v[..i]),
        None => v.to_string(),
    }
}

/// An upload's name: one file name, printable, of a sane length.
fn upload_name(raw: &str) -> Result<String, ApiError> {
    let name = raw.trim();
    let bad = |why: &str| Err(ApiError::param("name", &short(raw), why));
    if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\']) {
        return bad("expected a file name");
    }
    if name.len() > MAX_NAME_BYTES {
        return bad(&format!(
            "{} bytes; a name has at most {MAX_NAME_BYTES}",
            name.len()
        ));
    }
    // Control characters (newlines forge log and table lines) and the bidirectional controls
    // that make `txt.exe` read as `exe.txt`.
    if let Some(c) = name.chars().find(|&c| {
        c.is_control()
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}')
    }) {
        return bad(&format!(
            "it holds the control character U+{:04X}",
            c as u32
        ));
    }
    Ok(name.to_string())
}

// ---------------------------------------------------------------------------------------------
// Bodies.

/// Server and store at a glance.
#[derive(Serialize, ToSchema)]
pub struct Health {
    pub version: &'static str,
    pub read_only: bool,
    /// Whether this binary carries the web UI.
    pub ui: bool,
    pub sources: i64,
    pub claims: i64,
    pub shipments: i64,
}

/// The gazetteer: every place and crossing with every alias (DESIGN.md §5, `places`).
#[derive(Serialize, ToSchema)]
pub struct Places {
    #[schema(value_type = Vec<Object>)]
    pub places: Value,
    #[schema(value_type = Vec<Object>)]
    pub crossings: Value,
}

/// The corridor picture for a period (DESIGN.md §5, `analyze`).
#[derive(Serialize, ToSchema)]
pub struct Corridors {
    #[schema(value_type = Option<String>)]
    pub since: Option<Date>,
    #[schema(value_type = Option<String>)]
    pub until: Option<Date>,
    /// Sources analysed and how many of them are independent of one another.
    pub sources: usize,
    pub independent_sources: usize,
    /// Corridors with their flows (direction × mode × year), conditions and status timeline.
    #[schema(value_type = Vec<Object>)]
    pub corridors: Vec<Corridor>,
}

/// A corridor as the map needs it: its flows' evidence and prohibited share, without the goods
/// lists, quantities, conditions and timeline (`detail=true`, or `/api/corridors/{id}`).
#[derive(Serialize, ToSchema)]
pub struct CorridorSummary {
    pub id: String,
    /// `crossing` or `leg`.
    pub kind: &'static str,
    pub name: String,
    pub ends: [String; 2],
    pub claims: usize,
    /// Of `claims`, how many a person confirmed, corrected or added.
    pub reviewed: usize,
    pub independent_sources: usize,
    pub flows: Vec<FlowSummary>,
}

/// One corridor × direction × mode × year, in figures.
#[derive(Serialize, ToSchema)]
pub struct FlowSummary {
    #[schema(value_type = String)]
    pub direction: Direction,
    #[schema(value_type = Option<String>)]
    pub mode: Option<Mode>,
    /// `YYYY` or `undated`.
    pub period: String,
    pub claims: usize,
    /// Of `claims`, how many a person confirmed, corrected or added.
    pub reviewed: usize,
    pub shipments: usize,
    pub independent_sources: usize,
    pub loaded: usize,
    pub empty: usize,
    pub negated: usize,
    pub goods_items: usize,
    pub prohibited_items: usize,
    pub prohibited_share: f64,
}

impl CorridorSummary {
    fn of(c: &Corridor) -> CorridorSummary {
        CorridorSummary {
            id: c.id.clone(),
            kind: c.kind,
            name: c.name.clone(),
            ends: c.ends.clone(),
            claims: c.claims,
            reviewed: c.reviewed,
            independent_sources: c.independent_sources,
            flows: c
                .flows
                .iter()
                .map(|f| FlowSummary {
                    direction: f.direction,
                    mode: f.mode,
                    period: f.period.clone(),
                    claims: f.claims,
                    reviewed: f.reviewed,
                    shipments: f.shipments,
                    independent_sources: f.independent_sources,
                    loaded: f.loaded,
                    empty: f.empty,
                    negated: f.negated,
                    goods_items: f.goods_items,
                    prohibited_items: f.prohibited_items,
                    prohibited_share: f.prohibited_share,
                })
                .collect(),
        }
    }
}

/// The corridor picture in figures, for the map (the default of `/api/corridors`).
#[derive(Serialize, ToSchema)]
pub struct CorridorSummaries {
    #[schema(value_type = Option<String>)]
    pub since: Option<Date>,
    #[schema(value_type = Option<String>)]
    pub until: Option<Date>,
    pub sources: usize,
    pub independent_sources: usize,
    pub corridors: Vec<CorridorSummary>,
}

/// One corridor and the findings that name it.
#[derive(Serialize, ToSchema)]
pub struct CorridorDetail {
    #[schema(value_type = Object)]
    pub corridor: Corridor,
    #[schema(value_type = Vec<Object>)]
    pub findings: Vec<Finding>,
}

/// A page of claims in id order; `next` is the cursor for the following page (null at the end).
#[derive(Serialize, ToSchema)]
pub struct ClaimPage {
    #[schema(value_type = Vec<Object>)]
    pub claims: Vec<Value>,
    pub next: Option<i64>,
    pub limit: usize,
}

/// One claim (DESIGN.md §5, `extract`, with the store's `id` and `source_id`).
#[derive(Serialize, ToSchema)]
pub struct ClaimOne {
    #[schema(value_type = Object)]
    pub claim: Value,
}

/// The findings of every detector (DESIGN.md §5).
#[derive(Serialize, ToSchema)]
pub struct Findings {
    #[schema(value_type = Vec<Object>)]
    pub findings: Vec<Finding>,
}

/// An archived source, without its bytes.
#[derive(Serialize, ToSchema)]
pub struct SourceMeta {
    pub id: i64,
    pub name: String,
    pub sha256: String,
    pub media_type: String,
    /// `report` or `shipments`.
    pub kind: String,
    pub published: Option<String>,
    pub ingested_at: String,
    pub size: i64,
    pub claims: i64,
    pub shipments: i64,
}

#[derive(Serialize, ToSchema)]
pub struct SourceList {
    pub sources: Vec<SourceMeta>,
}

/// Where a claim's evidence lies in its source.
#[derive(Serialize, ToSchema)]
pub struct EvidenceSpan {
    pub claim: i64,
    pub kind: String,
    /// Byte offsets into the source as archived.
    pub span: [usize; 2],
    pub quote: String,
}

/// A source, its evidence spans, and its text when asked for (`text=true`).
#[derive(Serialize, ToSchema)]
pub struct SourceDetail {
    pub source: SourceMeta,
    pub evidence: Vec<EvidenceSpan>,
    /// The archived bytes as UTF-8 (invalid bytes replaced); spans are offsets into the bytes.
    /// Unless attribution was asked for, who said it is overwritten in place (same byte
    /// length), and a text that cannot be decoded is left out.
    pub text: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct IssueList {
    #[schema(value_type = Vec<Object>)]
    pub issues: Vec<Value>,
}

/// Goods to screen: an HS code, or words the goods lexicon knows.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScreenRequest {
    /// 2 to 10 digits.
    #[schema(pattern = "^[0-9]{2,10}$")]
    pub hs: Option<String>,
    /// Goods in plain words ("rice cookers and tires"); used when `hs` is absent.
    #[schema(max_length = 4096)]
    pub words: Option<String>,
    /// `inbound` (into the DPRK) or `outbound`.
    #[schema(pattern = "^(inbound|outbound)$")]
    pub direction: String,
    /// YYYY-MM-DD; default today.
    #[schema(format = Date)]
    pub date: Option<String>,
    /// A product type finer than HS (e.g. `condensate`).
    pub product: Option<String>,
    /// Value per item in USD (luxury thresholds).
    #[schema(minimum = 0)]
    pub value_usd: Option<f64>,
}

/// Verdicts with the measures they cite.
#[derive(Serialize, ToSchema)]
pub struct ScreenResponse {
    #[schema(value_type = Vec<Object>)]
    pub verdicts: Vec<borderwatch_screen::Verdict>,
}

/// Report text to extract claims from; nothing is stored.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtractRequest {
    pub text: String,
    /// A file name: its extension says plain text, Markdown or HTML (default `pasted.txt`).
    pub name: Option<String>,
    /// YYYY-MM-DD: resolves relative times ("on Monday").
    #[schema(format = Date)]
    pub published: Option<String>,
    /// Keep who said it in the claims (it can identify a person).
    pub include_attribution: Option<bool>,
}

#[derive(Serialize, ToSchema, Default)]
pub struct ExtractResponse {
    /// Claims with byte spans into the UTF-8 of `text`.
    #[schema(value_type = Vec<Object>)]
    pub claims: Vec<Value>,
    #[schema(value_type = Vec<Object>)]
    pub issues: Vec<borderwatch_model::Issue>,
    #[schema(value_type = Option<String>)]
    pub published: Option<Date>,
}

/// What an upload stored.
#[derive(Serialize, ToSchema)]
pub struct Uploaded {
    pub source: i64,
    /// False when the same bytes were already archived (nothing added).
    pub new: bool,
    pub claims: usize,
    pub shipments: usize,
    pub rejected: usize,
    /// Data problems found, one line each.
    pub issues: Vec<String>,
}

// ---------------------------------------------------------------------------------------------
// Query parameters.

#[derive(Deserialize, IntoParams, Default)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// Leave out what ended before this date (YYYY-MM-DD).
    #[param(format = Date)]
    pub since: Option<String>,
    /// Leave out what started after this date.
    #[param(format = Date)]
    pub until: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CorridorQuery {
    #[param(format = Date)]
    pub since: Option<String>,
    #[param(format = Date)]
    pub until: Option<String>,
    /// Only flows in this direction (`inbound`, `outbound`).
    pub direction: Option<String>,
    /// Only flows by this mode (`rail`, `road`, `sea`, …).
    pub mode: Option<String>,
    /// Goods class: only flows carrying goods with this verdict (`prohibited`, `capped`,
    /// `review`, `permitted`).
    pub status: Option<String>,
    /// Only flows carrying goods of this HS chapter (or a code inside it).
    pub hs: Option<String>,
    /// Every figure (goods by chapter, quantities, conditions, timeline) instead of the summary
    /// the map draws; on a large store that is megabytes.
    pub detail: Option<bool>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ClaimQuery {
    /// A corridor id: a crossing (`dandong-sinuiju`) or a leg (`cn.longkou>kp.nampo-port`).
    pub corridor: Option<String>,
    pub crossing: Option<String>,
    /// A place id: from, to, at or any place the claim mentions.
    pub place: Option<String>,
    pub direction: Option<String>,
    /// An HS prefix.
    pub hs: Option<String>,
    /// movement, storage, condition, status or policy.
    pub kind: Option<String>,
    #[param(format = Date)]
    pub since: Option<String>,
    #[param(format = Date)]
    pub until: Option<String>,
    /// A source name or id.
    pub source: Option<String>,
    /// The cursor: claims with a larger id (the `next` of the previous page).
    pub after: Option<i64>,
    /// Claims per page (default 50, at most 500).
    pub limit: Option<usize>,
    /// Keep who said it in the evidence (it can identify a person).
    pub include_attribution: Option<bool>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AttributionQuery {
    pub include_attribution: Option<bool>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FindingQuery {
    #[param(format = Date)]
    pub since: Option<String>,
    #[param(format = Date)]
    pub until: Option<String>,
    /// A detector id (`segregation`, `empty-backhaul`, …).
    pub kind: Option<String>,
    /// Findings that name this corridor.
    pub corridor: Option<String>,
    /// Findings scoring at least this (0..1).
    pub min_score: Option<f64>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SourceQuery {
    /// Include the source's text.
    pub text: Option<bool>,
    pub include_attribution: Option<bool>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The file name: its extension says report (.txt .md .html) or shipment file (.csv
    /// .jsonl); it names the source.
    #[param(min_length = 1, max_length = 255)]
    pub name: String,
    /// YYYY-MM-DD: the report's publication date (else the date it states, else none).
    #[param(format = Date)]
    pub published: Option<String>,
    /// `auto` (default), `report` or `shipments`.
    #[param(pattern = "^(auto|report|shipments)$")]
    pub kind: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Handlers.

#[utoipa::path(get, path = "/api/health", responses((status = 200, body = Health)))]
async fn health(State(s): St, Q(_): Q<NoParams>) -> ApiResult<Health> {
    let c = s.counts().await?;
    Ok(Json(Health {
        version: env!("CARGO_PKG_VERSION"),
        read_only: s.read_only,
        ui: crate::ui::built(),
        sources: c.sources,
        claims: c.claims,
        shipments: c.shipments,
    }))
}

#[utoipa::path(get, path = "/api/places", responses((status = 200, body = Places)))]
async fn places(State(s): St, Q(_): Q<NoParams>) -> ApiResult<Places> {
    let g = &s.reference.gazetteer;
    Ok(Json(Places {
        places: serde_json::to_value(&g.places).unwrap_or_default(),
        crossings: serde_json::to_value(&g.crossings).unwrap_or_default(),
    }))
}

/// Keeps the flows that match; a corridor with none left is dropped when a flow filter is given.
fn filter_corridor(c: &Corridor, q: &CorridorFlowFilter) -> Option<Corridor> {
    if q.is_empty() {
        return Some(c.clone());
    }
    let mut out = c.clone();
    out.flows.retain(|f| {
        q.direction.is_none_or(|d| f.direction == d)
            && q.mode.is_none_or(|m| f.mode == Some(m))
            && q.status.is_none_or(|st| {
                f.goods.iter().any(|g| match st {
                    Status::Prohibited => g.prohibited > 0,
                    Status::Capped => g.capped > 0,
                    Status::Review => g.review > 0,
                    Status::Permitted => g.permitted > 0,
                })
            })
            && q.hs.as_deref().is_none_or(|h| {
                let chapter = &h[..2.min(h.len())];
                f.goods.iter().any(|g| g.chapter == chapter)
            })
    });
    (!out.flows.is_empty()).then_some(out)
}

struct CorridorFlowFilter {
    direction: Option<Direction>,
    mode: Option<Mode>,
    status: Option<Status>,
    hs: Option<String>,
}

impl CorridorFlowFilter {
    fn is_empty(&self) -> bool {
        self.direction.is_none()
            && self.mode.is_none()
            && self.status.is_none()
            && self.hs.is_none()
    }
}

#[utoipa::path(get, path = "/api/corridors", params(CorridorQuery),
    responses((status = 200, body = CorridorSummaries,
               description = "The summary; with detail=true the body is `Corridors`"),
              (status = 400, body = ErrorBody)))]
async fn corridors(State(s): St, Q(q): Q<CorridorQuery>) -> Result<Response, ApiError> {
    let since = date("since", &q.since)?;
    let until = date("until", &q.until)?;
    let f = CorridorFlowFilter {
        direction: direction(&q.direction)?,
        mode: mode(&q.mode)?,
        status: status(&q.status)?,
        hs: hs_prefix(&q.hs)?,
    };
    let p = s.picture(since, until).await?;
    let detail = q.detail.unwrap_or(false);
    let key = format!(
        "{:?}|{:?}|{:?}|{:?}|{detail}",
        f.direction, f.mode, f.status, f.hs
    );
    let body = p.body(&key, || {
        let a = &p.analysis;
        let kept = a.corridors.iter().filter_map(|c| filter_corridor(c, &f));
        if detail {
            serde_json::to_vec(&Corridors {
                since,
                until,
                sources: a.sources,
                independent_sources: a.independent_sources,
                corridors: kept.collect(),
            })
        } else {
            serde_json::to_vec(&CorridorSummaries {
                since,
                until,
                sources: a.sources,
                independent_sources: a.independent_sources,
                corridors: kept.map(|c| CorridorSummary::of(&c)).collect(),
            })
        }
        .unwrap_or_default()
    });
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

#[utoipa::path(get, path = "/api/corridors/{id}", params(("id" = String, Path), PeriodQuery),
    responses((status = 200, body = CorridorDetail), (status = 404, body = ErrorBody)))]
async fn corridor(
    State(s): St,
    Path(id): Path<String>,
    Q(q): Q<PeriodQuery>,
) -> ApiResult<CorridorDetail> {
    let p = s
        .picture(date("since", &q.since)?, date("until", &q.until)?)
        .await?;
    let c = p
        .analysis
        .corridors
        .iter()
        .find(|c| c.id == id)
        .ok_or_else(|| {
            ApiError::new(Code::NotFound, format!("no corridor {id:?} in this period"))
        })?;
    Ok(Json(CorridorDetail {
        corridor: c.clone(),
        findings: p
            .analysis
            .findings
            .iter()
            .filter(|f| f.corridors.contains(&id))
            .cloned()
            .collect(),
    }))
}

/// A stored claim as the API gives it: the claim with the store's ids, attribution left out
/// unless asked for.
pub(crate) fn claim_json(r: StoredClaim, attribution: bool) -> Value {
    let c = if attribution {
        r.claim
    } else {
        r.claim.redacted()
    };
    let mut v = serde_json::to_value(&c).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.insert("id".into(), r.id.into());
        o.insert("source_id".into(), r.source_id.into());
        o.insert("source".into(), r.source_name.into());
        o.insert("extractor_version".into(), r.extractor_version.into());
    }
    v
}

#[utoipa::path(get, path = "/api/claims", params(ClaimQuery),
    responses((status = 200, body = ClaimPage), (status = 400, body = ErrorBody)))]
async fn claims(State(s): St, Q(q): Q<ClaimQuery>) -> ApiResult<ClaimPage> {
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(ApiError::param(
            "limit",
            &limit.to_string(),
            format!("expected 1 to {MAX_LIMIT}"),
        ));
    }
    let since = date("since", &q.since)?;
    let until = date("until", &q.until)?;
    let gz = &s.reference.gazetteer;
    if let Some(c) = &q.crossing {
        if gz.crossing(c).is_none() {
            return Err(ApiError::param("crossing", c, "no crossing with this id"));
        }
    }
    if let Some(p) = &q.place {
        if gz.place(p).is_none() {
            return Err(ApiError::param("place", p, "no place with this id"));
        }
    }
    let mut f = ClaimFilter {
        crossing: q.crossing.clone(),
        place: q.place.clone(),
        direction: direction(&q.direction)?.map(|d| d.to_string()),
        hs: hs_prefix(&q.hs)?,
        kind: kind(&q.kind)?,
        since: since.map(|d| d.to_string()),
        until: until.map(|d| d.to_string()),
        source: q.source.clone(),
        after: q.after,
        // One more than asked tells whether there is a next page.
        limit: Some(limit + 1),
        ..Default::default()
    };
    if let Some(c) = &q.corridor {
        if s.reference.gazetteer.crossing(c).is_some() {
            f.crossing = Some(c.clone());
        } else {
            // A malformed id is an error; a corridor the store has no claims on has none.
            corridor_id(&s, c)?;
            let p = s.picture(None, None).await?;
            f.ids = Some(p.claims_on.get(c).cloned().unwrap_or_default());
        }
    }
    let attribution = q.include_attribution.unwrap_or(false);
    let mut rows = s.pool.with(move |st| Ok(st.claims(&f)?)).await?;
    let next = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|r| r.id)
    } else {
        None
    };
    Ok(Json(ClaimPage {
        claims: rows
            .into_iter()
            .map(|r| claim_json(r, attribution))
            .collect(),
        next,
        limit,
    }))
}

#[utoipa::path(get, path = "/api/claims/{id}", params(("id" = i64, Path), AttributionQuery),
    responses((status = 200, body = ClaimOne), (status = 404, body = ErrorBody)))]
async fn claim(State(s): St, Id(id): Id, Q(q): Q<AttributionQuery>) -> ApiResult<ClaimOne> {
    let r = s.pool.with(move |st| Ok(st.claim(id)?)).await?;
    let r = r.ok_or_else(|| ApiError::new(Code::NotFound, format!("no claim {id}")))?;
    Ok(Json(ClaimOne {
        claim: claim_json(r, q.include_attribution.unwrap_or(false)),
    }))
}

#[utoipa::path(get, path = "/api/findings", params(FindingQuery),
    responses((status = 200, body = Findings), (status = 400, body = ErrorBody)))]
async fn findings(State(s): St, Q(q): Q<FindingQuery>) -> ApiResult<Findings> {
    if let Some(k) = &q.kind {
        if !borderwatch_analyze::detectors::IDS.contains(&k.as_str()) {
            return Err(ApiError::param(
                "kind",
                k,
                format!(
                    "expected a detector id: {}",
                    borderwatch_analyze::detectors::IDS.join(", ")
                ),
            ));
        }
    }
    if let Some(c) = &q.corridor {
        corridor_id(&s, c)?;
    }
    if let Some(m) = q.min_score {
        if !(0.0..=1.0).contains(&m) {
            return Err(ApiError::param(
                "min_score",
                &m.to_string(),
                "expected 0 to 1",
            ));
        }
    }
    let p = s
        .picture(date("since", &q.since)?, date("until", &q.until)?)
        .await?;
    Ok(Json(Findings {
        findings: p
            .analysis
            .findings
            .iter()
            .filter(|f| q.kind.as_ref().is_none_or(|k| &f.kind == k))
            .filter(|f| q.corridor.as_ref().is_none_or(|c| f.corridors.contains(c)))
            .filter(|f| q.min_score.is_none_or(|m| f.score >= m))
            .cloned()
            .collect(),
    }))
}

fn meta(r: borderwatch_store::SourceRow) -> SourceMeta {
    SourceMeta {
        id: r.id,
        name: r.name,
        sha256: r.sha256,
        media_type: r.media_type,
        kind: r.kind,
        published: r.published,
        ingested_at: r.ingested_at,
        size: r.size,
        claims: r.claims,
        shipments: r.shipments,
    }
}

#[utoipa::path(get, path = "/api/sources", responses((status = 200, body = SourceList)))]
async fn sources(State(s): St, Q(_): Q<NoParams>) -> ApiResult<SourceList> {
    let rows = s.pool.with(|st| Ok(st.sources()?)).await?;
    Ok(Json(SourceList {
        sources: rows.into_iter().map(meta).collect(),
    }))
}

#[utoipa::path(get, path = "/api/sources/{id}", params(("id" = i64, Path), SourceQuery),
    responses((status = 200, body = SourceDetail), (status = 404, body = ErrorBody)))]
async fn source(State(s): St, Id(id): Id, Q(q): Q<SourceQuery>) -> ApiResult<SourceDetail> {
    let with_text = q.text.unwrap_or(false);
    let attribution = q.include_attribution.unwrap_or(false);
    let (row, claims, text) = s
        .pool
        .with(move |st| {
            let Some(row) = st.source(id)? else {
                return Err(ApiError::new(Code::NotFound, format!("no source {id}")));
            };
            let claims = st.claims(&ClaimFilter {
                source_id: Some(id),
                skip_reasons: true,
                ..Default::default()
            })?;
            let bytes = if with_text {
                st.source_bytes(id)?
            } else {
                None
            };
            // Withheld in the text too: every claim's attribution by its span in the bytes,
            // and every likely speaker (decoding is work for this blocking thread).
            let text = bytes.and_then(|b| {
                if attribution {
                    return Some(String::from_utf8_lossy(&b).into_owned());
                }
                let spans: Vec<[usize; 2]> = claims
                    .iter()
                    .filter_map(|r| r.claim.evidence.attribution_span)
                    .collect();
                borderwatch_extract::redact::source_text(&row.name, &b, &spans)
            });
            Ok((row, claims, text))
        })
        .await?;
    Ok(Json(SourceDetail {
        source: meta(row),
        evidence: claims
            .into_iter()
            .map(|r| {
                let e = &r.claim.evidence;
                EvidenceSpan {
                    claim: r.id,
                    kind: r.claim.kind.as_str().to_string(),
                    span: e.span,
                    quote: if attribution {
                        e.text.clone()
                    } else {
                        e.redacted_text()
                    },
                }
            })
            .collect(),
        text,
    }))
}

#[utoipa::path(get, path = "/api/issues", responses((status = 200, body = IssueList)))]
async fn issues(State(s): St, Q(_): Q<NoParams>) -> ApiResult<IssueList> {
    let rows = s.pool.with(|st| Ok(st.issues()?)).await?;
    Ok(Json(IssueList {
        issues: rows
            .into_iter()
            .map(|i| {
                serde_json::json!({"source": i.source, "code": i.code, "message": i.message,
                                   "line": i.line, "value": i.value})
            })
            .collect(),
    }))
}

#[utoipa::path(post, path = "/api/screen", request_body = ScreenRequest,
    responses((status = 200, body = ScreenResponse), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 408, body = ErrorBody),
              (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn screen(
    State(s): St,
    Q(_): Q<NoParams>,
    J(r): J<ScreenRequest>,
) -> ApiResult<ScreenResponse> {
    let dir = Direction::parse_loose(&r.direction).ok_or_else(|| {
        ApiError::param("direction", &r.direction, "expected inbound or outbound")
    })?;
    let day = date("date", &r.date)?.unwrap_or_else(s.today);
    // As the batch path reads a row's value: a negative value would pass under a luxury
    // threshold.
    if let Some(v) = r.value_usd {
        if !(v.is_finite() && v >= 0.0) {
            return Err(ApiError::param(
                "value_usd",
                &v.to_string(),
                "expected a non-negative number",
            ));
        }
    }
    if let Some(w) = &r.words {
        if w.len() > MAX_WORDS_BYTES {
            return Err(ApiError::new(
                Code::PayloadTooLarge,
                format!(
                    "words: {} bytes; at most {MAX_WORDS_BYTES} (screen a report with \
                     /api/extract)",
                    w.len()
                ),
            ));
        }
    }
    let verdicts = match (&r.hs, &r.words) {
        (Some(hs), _) => {
            let code = HsCode::parse(hs).map_err(|e| ApiError::param("hs", hs, e))?;
            let goods = Goods {
                hs: code,
                product: r.product.clone(),
                value_usd: r.value_usd,
                confidence: 1.0,
                phrase: None,
            };
            vec![s.screener.screen(&goods, dir, day)]
        }
        (None, Some(words)) => {
            let goods = s.screener.goods_from_words(words);
            if goods.len() > MAX_CANDIDATES {
                return Err(ApiError::new(
                    Code::BadInput,
                    format!(
                        "words name {} goods candidates; at most {MAX_CANDIDATES} per request",
                        goods.len()
                    ),
                ));
            }
            let v: Vec<_> = goods
                .iter()
                .map(|g| s.screener.screen(g, dir, day))
                .collect();
            if v.is_empty() {
                return Err(ApiError::new(
                    Code::UnknownGoods,
                    format!(
                        "words {:?}: the goods lexicon knows none of these words; give hs",
                        short(words)
                    ),
                ));
            }
            v
        }
        (None, None) => {
            return Err(ApiError::new(Code::BadBody, "give hs or words"));
        }
    };
    Ok(Json(ScreenResponse { verdicts }))
}

#[utoipa::path(post, path = "/api/extract", request_body = ExtractRequest,
    responses((status = 200, body = ExtractResponse), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 408, body = ErrorBody),
              (status = 413, body = ErrorBody), (status = 422, body = ErrorBody),
              (status = 503, body = ErrorBody, description = "Busy: try again shortly")))]
async fn extract(
    State(s): St,
    crate::auth::Who(who): crate::auth::Who,
    Q(_): Q<NoParams>,
    J(r): J<ExtractRequest>,
) -> Result<Response, ApiError> {
    let attribution = r.include_attribution.unwrap_or(false);
    if attribution && who.role < borderwatch_store::Role::SourceHandler {
        return Err(ApiError::new(
            Code::Forbidden,
            format!(
                "include_attribution needs the role source-handler; {} is {}",
                who.user.as_deref().unwrap_or(""),
                who.role
            ),
        ));
    }
    let published = date("published", &r.published)?;
    let name = match &r.name {
        Some(n) => upload_name(n)?,
        None => "pasted.txt".into(),
    };
    let slot = heavy_slot(&s)?;
    let gone = crate::Gone::default();
    let _leaving = gone.on_drop();
    let mut opts = borderwatch_extract::Options::new(published.unwrap_or_else(s.today));
    opts.published = published;
    opts.cancel = Some(gone.flag());
    let state = s.clone();
    let x = crate::blocking(move || {
        let _slot = slot;
        let x = state
            .extractor
            .extract(&name, r.text.as_bytes(), &opts)
            .map_err(|e| ApiError::new(Code::BadInput, format!("{}: {}", e.code, e.message)))?;
        // The body is built here too: for a large report that is work as well.
        Ok(gone
            .is_set()
            .then(ExtractResponse::default)
            .unwrap_or_else(|| ExtractResponse {
                claims: x
                    .claims
                    .iter()
                    .map(|c| {
                        if attribution {
                            serde_json::to_value(c)
                        } else {
                            serde_json::to_value(c.redacted())
                        }
                        .unwrap_or_default()
                    })
                    .collect(),
                issues: x.issues,
                published: x.published,
            }))
    })
    .await?;
    let mut resp = Json(x).into_response();
    if attribution {
        resp.extensions_mut().insert(crate::auth::Event {
            action: "read-attribution",
            target: "/api/extract".into(),
            detail: Some("an extraction preview with attribution".into()),
        });
    }
    Ok(resp)
}

/// A slot for a heavy request, taken without waiting: a client that sends more heavy requests
/// than there are slots is told to come back (`busy`) instead of queueing work without bound.
/// The slot moves into the work and is given back when the work ends, even if the client left
/// before.
fn heavy_slot(s: &AppState) -> Result<tokio::sync::OwnedSemaphorePermit, ApiError> {
    s.heavy.clone().try_acquire_owned().map_err(|_| {
        ApiError::new(
            Code::Busy,
            "as many extractions and uploads as the server runs at once are under way; try \
             again shortly",
        )
    })
}

#[utoipa::path(post, path = "/api/sources", params(UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
                 description = "The file's bytes"),
    responses((status = 201, body = Uploaded, description = "Archived"),
              (status = 200, body = Uploaded, description = "The same bytes were already archived"),
              (status = 403, body = ErrorBody), (status = 408, body = ErrorBody),
              (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
              (status = 422, body = ErrorBody),
              (status = 503, body = ErrorBody, description = "Busy: try again shortly")))]
async fn upload(State(s): St, Q(q): Q<UploadQuery>, Raw(body): Raw) -> Result<Response, ApiError> {
    if s.read_only {
        return Err(ApiError::new(
            Code::ReadOnly,
            "the server runs with --read-only: uploads are refused",
        ));
    }
    let name = upload_name(&q.name)?;
    let kind = match q.kind.as_deref() {
        None | Some("auto") => Kind::Auto,
        Some("report") => Kind::Report,
        Some("shipments") => Kind::Shipments,
        Some(k) => {
            return Err(ApiError::param(
                "kind",
                k,
                "expected auto, report or shipments",
            ))
        }
    };
    let published = date("published", &q.published)?;
    let slot = heavy_slot(&s)?;
    let gone = crate::Gone::default();
    let _leaving = gone.on_drop();
    let _one_writer = s.upload.lock().await;
    let state = s.clone();
    let written = s
        .pool
        .with(move |st| {
            let _slot = slot;
            let mut opts = borderwatch_extract::Options::new(published.unwrap_or_else(state.today));
            opts.published = published;
            opts.cancel = Some(gone.flag());
            let known = std::collections::HashSet::new();
            // Tracks without receiver times are rejected line by line: an upload states no
            // time for the file.
            let tracks =
                borderwatch_pipeline::TrackSetup::embedded(&state.reference.gazetteer, None);
            let prep = Prep {
                extractor: &state.extractor,
                screener: &state.screener,
                gazetteer: &state.reference.gazetteer,
                opts: &opts,
                kind,
                map: &[],
                known: &known,
                tracks: Some(&tracks),
            };
            let p = prep.prepare(&name, body.to_vec());
            match &p {
                Prepared::Skipped | Prepared::SkippedWith(_) => {
                    return Err(ApiError::new(
                        Code::UnsupportedFile,
                        format!(
                            "{name}: neither a report (.txt .md .html), a shipment file (.csv \
                             .jsonl) nor a vessel track (.nmea .ais); give kind=report or \
                             kind=shipments"
                        ),
                    ))
                }
                Prepared::Failed(i) => {
                    return Err(ApiError::new(
                        Code::BadInput,
                        format!("{name}: {}: {}", i.code, i.message),
                    ))
                }
                _ => {}
            }
            // The client left before the answer: store nothing it cannot know about (it will
            // send the file again; the same bytes are archived once either way).
            if gone.is_set() {
                return Err(ApiError::new(
                    Code::BadInput,
                    "the client left; nothing stored",
                ));
            }
            // Damage done to the store since it was opened is found before this write adds
            // to it (and would be lost with it).
            borderwatch_store::Store::check_before_writing(&state.pool.path)?;
            let now = (state.now)();
            let run = st.begin_run(env!("CARGO_PKG_VERSION"), &now)?;
            let w = borderwatch_pipeline::write(st, run, &name, &p, &now)?;
            st.finish_run(run, &now, [1, w.new as i64, (!w.new) as i64, 0])?;
            let issues = match &p {
                Prepared::Report { issues, .. } | Prepared::Shipments { issues, .. } => {
                    issues.iter().map(|i| i.to_string()).collect()
                }
                Prepared::Track { rejected, .. } => {
                    rejected.iter().map(|i| i.to_string()).collect()
                }
                _ => Vec::new(),
            };
            Ok((w, issues))
        })
        .await?;
    let (w, issues) = written;
    let body = Uploaded {
        source: w.source.unwrap_or_default(),
        new: w.new,
        claims: w.claims,
        shipments: w.shipments,
        rejected: w.rejected,
        issues: if w.new { issues } else { Vec::new() },
    };
    let code = if w.new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((code, Json(body)).into_response())
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "borderwatch API",
        description = "The corridor picture, claims with their evidence, findings, sources, \
                       screening and extraction over a borderwatch store. Errors are \
                       `{\"error\": {\"code\", \"message\"}}` with a code from one table. \
                       Requests must name this server as their Host (loopback or a name given \
                       with --allow-host); a write (POST) must come from this server's own \
                       origin when it names one, and say what it sends with a content type a \
                       web page cannot send to another origin (application/json, \
                       application/octet-stream) or carry the header X-Borderwatch. When the \
                       store has users, every route but this document and /api/session needs \
                       a session (the cookie from POST /api/session; its writes carry \
                       X-CSRF-Token) or an API token (Authorization: Bearer TOKEN), and the \
                       role each operation names in x-borderwatch-role (viewer < analyst < \
                       source-handler < admin)."
    ),
    paths(
        health,
        places,
        corridors,
        corridor,
        claims,
        claim,
        findings,
        sources,
        source,
        issues,
        screen,
        extract,
        upload,
        openapi,
        crate::review_api::claim_reviews,
        crate::review_api::review_claim,
        crate::review_api::add_claim,
        crate::review_api::orphans,
        crate::vessels_api::list,
        crate::vessels_api::detail,
        crate::vessels_api::tracks,
        crate::auth::current,
        crate::auth::sign_in,
        crate::auth::sign_out,
        crate::auth::users,
        crate::users_api::add,
        crate::users_api::change,
        crate::auth::audit_log
    ),
    components(schemas(ErrorBody, Corridors)),
    modifiers(&EveryRoute)
)]
pub struct ApiDoc;

/// The error answers any route can give, added to each operation the document lists: a client
/// generated from the document then knows every status it may see, not only a route's own.
struct EveryRoute;

impl utoipa::Modify for EveryRoute {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        // Every route: unknown or malformed parameters, a Host not allowed, the connection cap,
        // the store failing. Writes also: a cross-origin or simple-typed write, a slow or
        // oversize body.
        const ANY: &[(&str, &str)] = &[
            ("400", "bad-parameter: a parameter is unknown or malformed"),
            ("403", "host-not-allowed: the request names another host"),
            ("500", "store-failed or internal"),
            ("503", "busy: the server is at its limit; try again shortly"),
        ];
        const WRITE: &[(&str, &str)] = &[
            ("400", "bad-parameter or bad-body"),
            ("403", "host-not-allowed, cross-origin-write or read-only"),
            ("408", "timeout: the body did not arrive in time"),
            ("413", "payload-too-large"),
        ];
        const SIGNED_IN: &[(&str, &str)] = &[
            (
                "401",
                "unauthenticated: the store has users and no session or token was sent",
            ),
            (
                "403",
                "forbidden: the role does not allow the route or what it asks for \
                 (include_attribution needs source-handler); csrf-failed: a session's write \
                 without X-CSRF-Token; host-not-allowed; for writes also cross-origin-write or \
                 read-only",
            ),
        ];
        for (path, item) in doc.paths.paths.iter_mut() {
            let ops = [
                (&mut item.get, ANY, axum::http::Method::GET),
                (&mut item.post, WRITE, axum::http::Method::POST),
                (&mut item.delete, WRITE, axum::http::Method::DELETE),
            ];
            for (op, extra, method) in ops {
                let Some(op) = op else { continue };
                // The role each route needs, from the table the server checks.
                let role = crate::auth::required_text(&method, path);
                op.description = Some(match op.description.take() {
                    Some(d) if !d.is_empty() => format!("{d}\n\n{role}"),
                    _ => role,
                });
                let needs = crate::auth::required(&method, path);
                let mut ext = utoipa::openapi::extensions::Extensions::default();
                ext.insert(
                    "x-borderwatch-role".into(),
                    needs.map_or(Value::Null, |r| Value::from(r.as_str())),
                );
                op.extensions
                    .get_or_insert_with(Default::default)
                    .merge(ext);
                let signed = if needs.is_some() { SIGNED_IN } else { &[] };
                for (status, what) in signed.iter().chain(ANY.iter()).chain(extra.iter()) {
                    op.responses
                        .responses
                        .entry(status.to_string())
                        .or_insert_with(|| {
                            ResponseBuilder::new()
                                .description(*what)
                                .content(
                                    "application/json",
                                    ContentBuilder::new()
                                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                                        .build(),
                                )
                                .build()
                                .into()
                        });
                }
            }
        }
    }
}

#[utoipa::path(get, path = "/api/openapi.json",
    responses((status = 200, description = "This document", content_type = "application/json")))]
async fn openapi(Q(_): Q<NoParams>) -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use tower::ServiceExt;

    fn state() -> Arc<AppState> {
        let reference: &'static borderwatch_reference::Reference = Box::leak(Box::new(
            borderwatch_reference::Reference::embedded().unwrap(),
        ));
        let dir = std::env::temp_dir().join(format!("bw-server-unit-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let db = dir.join("unit.db");
        drop(borderwatch_store::Store::open(&db).unwrap());
        let config = crate::Config::new("127.0.0.1:0".parse().unwrap(), db);
        let clock = crate::Clock {
            today: || borderwatch_model::parse_date("2024-01-01").unwrap(),
            now: || "2024-01-01T00:00:00Z".to_string(),
            secs: || 1_704_067_200,
        };
        crate::state(&config, reference, clock).unwrap()
    }

    async fn answer(app: Router, path: &str) -> (StatusCode, String) {
        let req = axum::http::Request::get(path)
            .header(header::HOST, "127.0.0.1")
            .body(Body::empty())
            .unwrap();
        let r = app.oneshot(req).await.unwrap();
        let st = r.status();
        let b = axum::body::to_bytes(r.into_body(), 1 << 20).await.unwrap();
        (st, String::from_utf8_lossy(&b).into_owned())
    }

    /// A handler that panics, on the async side or on the blocking pool, is `internal` from the
    /// table and its text (which may quote the data at hand) stays out of the answer.
    #[tokio::test]
    async fn a_panic_is_internal_without_its_text() {
        let s = state();
        let routes = Router::new()
            .route(
                "/async",
                get(|| async {
                    if true {
                        panic!("secret source text");
                    }
                    "unreachable"
                }),
            )
            .route(
                "/blocking",
                get(|| async {
                    crate::blocking(|| -> Result<&'static str, ApiError> {
                        panic!("secret source text")
                    })
                    .await
                }),
            );
        let app = harden(routes, s);
        for path in ["/async", "/blocking"] {
            let (st, body) = answer(app.clone(), path).await;
            assert_eq!(st, StatusCode::INTERNAL_SERVER_ERROR, "{path}: {body}");
            let v: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(v["error"]["code"], "internal", "{path}: {body}");
            assert!(!body.contains("secret"), "{path}: {body}");
        }
    }
}
