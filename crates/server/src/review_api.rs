//! The review routes: a claim's reviews and a new one (confirm, reject, correct), a claim
//! added on a span of a source, the orphaned reviews.
//!
//! Owns the HTTP shapes of reviews. Refuses making them (`pipeline::review`) and any write
//! when the server is read-only. Who said it stays out of answers unless
//! `include_attribution=true`; a note's likely speakers likewise.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use borderwatch_model::{
    redact, Attachment, ClaimKind, Correction, RejectReason, Review, ReviewAction,
};
use borderwatch_pipeline::review::{self, Judgement, Refused, Target};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::api::{AttributionQuery, Id, NoParams, J, Q};
use crate::error::{ApiError, Code, ErrorBody};
use crate::AppState;

type St = State<Arc<AppState>>;

fn refused(e: Refused) -> ApiError {
    match e {
        Refused::NotFound(m) => ApiError::new(Code::NotFound, m),
        Refused::Bad(m) => ApiError::new(Code::BadBody, m),
    }
}

/// The reviewer a review is recorded under: the signed-in user when there are accounts (the
/// name in the body is then ignored), else the name given.
fn signed_reviewer(user: Option<String>, given: &str) -> Result<String, ApiError> {
    match user {
        Some(u) => Ok(u),
        None => reviewer(given),
    }
}

fn writable(s: &AppState) -> Result<(), ApiError> {
    if s.read_only {
        return Err(ApiError::new(
            Code::ReadOnly,
            "the server runs with --read-only: reviews are refused",
        ));
    }
    Ok(())
}

/// A review as answered: the stored review (an added claim's quote and the note with who
/// said it withheld unless asked for), where it stands and the claim it is on.
fn review_json(r: &Review, at: Option<&(Attachment, Option<i64>)>, attribution: bool) -> Value {
    let mut r = if attribution { r.clone() } else { r.redacted() };
    if !attribution {
        r.note = r.note.as_deref().map(redact::text);
    }
    let mut v = serde_json::to_value(&r).unwrap_or_default();
    if let (Some(o), Some((a, claim))) = (v.as_object_mut(), at) {
        o.insert("attachment".into(), a.as_str().into());
        o.insert("on_claim".into(), claim.map_or(Value::Null, Value::from));
    }
    v
}

/// The claim a review route names: a stored claim's id (`123`), or the claim a review added
/// (`a7`, or `-7` as claim exports write it).
pub struct ClaimTarget(pub Target);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClaimTarget {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|e| ApiError::new(Code::BadParameter, e.body_text().to_lowercase()))?;
        let added = raw.strip_prefix('-').map(|n| format!("a{n}"));
        Target::parse(added.as_deref().unwrap_or(&raw))
            .map(ClaimTarget)
            .ok_or_else(|| {
                ApiError::param(
                    "id",
                    &raw,
                    "a claim id (123) or a claim a review added (a7 or -7)",
                )
            })
    }
}

/// A claim's reviews, oldest first, and the state they leave it in.
#[derive(Serialize, ToSchema)]
pub struct ReviewList {
    /// `confirmed`, `corrected`, `rejected`, `added`, or null when nobody reviewed it.
    pub state: Option<&'static str>,
    /// Each review: id, action, reason, correction, reviewer, at, note, attachment
    /// (`attached`, `agreed`, `added`, `orphaned`), on_claim.
    #[schema(value_type = Vec<Object>)]
    pub reviews: Vec<Value>,
}

#[utoipa::path(get, path = "/api/claims/{id}/reviews",
    params(("id" = String, Path, description = "a claim id, or a7 / -7 for the claim review 7 added"), AttributionQuery),
    responses((status = 200, body = ReviewList), (status = 404, body = ErrorBody)))]
pub async fn claim_reviews(
    State(s): St,
    ClaimTarget(target): ClaimTarget,
    Q(q): Q<AttributionQuery>,
) -> Result<Json<ReviewList>, ApiError> {
    let attribution = q.include_attribution.unwrap_or(false);
    s.pool
        .with(move |st| {
            let (subject, state) = review::find(st, target)?.map_err(refused)?;
            let list = review::reviews_of(&state, &subject)
                .into_iter()
                .map(|r| review_json(r, state.attached.reviews.get(&r.id), attribution))
                .collect();
            let judged = match target {
                Target::Claim(id) => state.attached.claims.get(&id).map(|j| j.state.as_str()),
                Target::Added(_) => state
                    .attached
                    .added
                    .iter()
                    .find(|a| Some(a.subject) == subject.subject)
                    .map(|a| a.state.as_str()),
            };
            Ok(Json(ReviewList {
                state: judged,
                reviews: list,
            }))
        })
        .await
}

/// A judgement of a claim.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    /// `confirm`, `reject` or `correct`.
    pub action: String,
    /// For `reject`: not-a-movement, wrong-place, wrong-goods, wrong-direction, duplicate, other.
    pub reason: Option<String>,
    /// For `correct`: the new values, any of kind, from, to, via, at, direction, mode, load,
    /// polarity, goods (`[{"text", "hs", "confidence", "span"}]`), quantities, when; null
    /// clears a field.
    #[schema(value_type = Option<Object>)]
    pub correction: Option<Value>,
    /// Who reviews.
    pub reviewer: String,
    pub note: Option<String>,
}

/// The review stored.
#[derive(Serialize, ToSchema)]
pub struct ReviewMade {
    #[schema(value_type = Object)]
    pub review: Value,
}

fn reviewer(r: &str) -> Result<String, ApiError> {
    let r = r.trim();
    if r.is_empty() || r.len() > 200 || r.chars().any(char::is_control) {
        return Err(ApiError::new(
            Code::BadBody,
            "reviewer: give a name (1 to 200 characters, no control characters)",
        ));
    }
    Ok(r.to_string())
}

fn correction(v: Option<Value>) -> Result<Option<Correction>, ApiError> {
    v.map(|v| {
        serde_json::from_value(v)
            .map_err(|e| ApiError::new(Code::BadBody, format!("correction: {e}")))
    })
    .transpose()
}

#[utoipa::path(post, path = "/api/claims/{id}/reviews",
    params(("id" = String, Path, description = "a claim id, or a7 / -7 for the claim review 7 added")),
    request_body = ReviewRequest,
    responses((status = 201, body = ReviewMade), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn review_claim(
    State(s): St,
    crate::auth::Who(who): crate::auth::Who,
    ClaimTarget(target): ClaimTarget,
    Q(_): Q<NoParams>,
    J(b): J<ReviewRequest>,
) -> Result<Response, ApiError> {
    writable(&s)?;
    let action = match ReviewAction::parse(&b.action) {
        Some(a @ (ReviewAction::Confirm | ReviewAction::Reject | ReviewAction::Correct)) => a,
        _ => {
            return Err(ApiError::new(
                Code::BadBody,
                format!("action {:?}: expected confirm, reject or correct", b.action),
            ))
        }
    };
    let reason = b
        .reason
        .as_deref()
        .map(|r| {
            RejectReason::parse(r).ok_or_else(|| {
                ApiError::new(
                    Code::BadBody,
                    format!(
                        "reason {r:?}: expected not-a-movement, wrong-place, wrong-goods, \
                         wrong-direction, duplicate or other"
                    ),
                )
            })
        })
        .transpose()?;
    if action == ReviewAction::Reject && reason.is_none() {
        return Err(ApiError::new(Code::BadBody, "a rejection gives a reason"));
    }
    let j = Judgement {
        action,
        reason,
        correction: correction(b.correction)?,
        reviewer: signed_reviewer(who.user, &b.reviewer)?,
        at: (s.now)(),
        note: b.note,
    };
    let state = s.clone();
    let r = s
        .pool
        .with(move |st| review::judge(st, &state.reference.gazetteer, target, j)?.map_err(refused))
        .await?;
    let body = ReviewMade {
        review: review_json(&r, None, false),
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// A claim the extractor missed, on bytes `span` of the source.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddRequest {
    pub span: [usize; 2],
    /// movement, storage, condition, status or policy.
    pub kind: String,
    /// The claim's values, as a correction's (goods and quantities without a span are placed
    /// at their words in the selection).
    #[schema(value_type = Option<Object>)]
    pub values: Option<Value>,
    pub reviewer: String,
    pub note: Option<String>,
}

#[utoipa::path(post, path = "/api/sources/{id}/claims", params(("id" = i64, Path)),
    request_body = AddRequest,
    responses((status = 201, body = ReviewMade), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn add_claim(
    State(s): St,
    crate::auth::Who(who): crate::auth::Who,
    Id(id): Id,
    Q(_): Q<NoParams>,
    J(b): J<AddRequest>,
) -> Result<Response, ApiError> {
    writable(&s)?;
    let kind: ClaimKind = serde_json::from_value(Value::String(b.kind.clone())).map_err(|_| {
        ApiError::new(
            Code::BadBody,
            format!(
                "kind {:?}: expected movement, storage, condition, status or policy",
                b.kind
            ),
        )
    })?;
    let mut values = correction(b.values)?.unwrap_or_default();
    let j = Judgement {
        action: ReviewAction::Add,
        reason: None,
        correction: None,
        reviewer: signed_reviewer(who.user, &b.reviewer)?,
        at: (s.now)(),
        note: b.note,
    };
    let span = b.span;
    let state = s.clone();
    let r = s
        .pool
        .with(move |st| {
            let (src, quote) = review::selection(st, id, span)?.map_err(refused)?;
            review::place_in(&mut values, &quote, span);
            review::add_claim(
                st,
                &state.reference.gazetteer,
                &state.screener,
                &src,
                span,
                &quote,
                kind,
                &values,
                j,
                (state.today)(),
                borderwatch_extract::VERSION,
            )?
            .map_err(refused)
        })
        .await?;
    let body = ReviewMade {
        review: review_json(&r, None, false),
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// Reviews whose claim today's extraction no longer has.
#[derive(Serialize, ToSchema)]
pub struct Orphans {
    /// Each review, with `text`: the words at its span (who said it withheld unless asked).
    #[schema(value_type = Vec<Object>)]
    pub reviews: Vec<Value>,
}

#[utoipa::path(get, path = "/api/reviews/orphans", params(AttributionQuery),
    responses((status = 200, body = Orphans)))]
pub async fn orphans(State(s): St, Q(q): Q<AttributionQuery>) -> Result<Json<Orphans>, ApiError> {
    let attribution = q.include_attribution.unwrap_or(false);
    s.pool
        .with(move |st| {
            let list = review::orphans(st)?
                .into_iter()
                .map(|(r, words)| {
                    let mut v = review_json(&r, Some(&(Attachment::Orphaned, None)), attribution);
                    let words = if attribution {
                        words
                    } else {
                        redact::text(&words)
                    };
                    if let Some(o) = v.as_object_mut() {
                        o.insert("text".into(), words.into());
                    }
                    v
                })
                .collect();
            Ok(Json(Orphans { reviews: list }))
        })
        .await
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// At most this many claims (1 to 500; default 50).
    pub limit: Option<usize>,
    pub include_attribution: Option<bool>,
}

/// Claims nobody has reviewed yet, those behind findings first.
#[derive(Serialize, ToSchema)]
pub struct Queue {
    /// Each: `why` (the first finding citing the claim, or empty) and `claim` (as
    /// `/api/claims/{id}` gives it).
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<Value>,
}

#[utoipa::path(get, path = "/api/reviews/queue", params(QueueQuery),
    responses((status = 200, body = Queue), (status = 400, body = ErrorBody)))]
pub async fn queue(State(s): St, Q(q): Q<QueueQuery>) -> Result<Json<Queue>, ApiError> {
    let limit = q.limit.unwrap_or(50);
    if limit == 0 || limit > 500 {
        return Err(ApiError::param(
            "limit",
            &limit.to_string(),
            "expected 1 to 500",
        ));
    }
    let attribution = q.include_attribution.unwrap_or(false);
    let picture = s.picture(None, None).await?;
    let mut cited: Vec<(i64, String)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for f in &picture.analysis.findings {
        for e in &f.evidence {
            if let Some(c) = e.claim {
                if seen.insert(c) {
                    cited.push((c, format!("finding {}", f.id)));
                }
            }
        }
    }
    s.pool
        .with(move |st| {
            // Claims with a review attached are done.
            let reviews = st.reviews(&borderwatch_store::ReviewFilter::default())?;
            let sources: std::collections::BTreeSet<i64> =
                reviews.iter().map(|r| r.source_id).collect();
            let mut reviewed = std::collections::HashSet::new();
            for src in sources {
                reviewed.extend(review::source_state(st, src)?.attached.claims.into_keys());
            }
            let mut items = Vec::new();
            for (id, why) in &cited {
                if items.len() >= limit {
                    break;
                }
                if reviewed.contains(id) {
                    continue;
                }
                if let Some(c) = st.claim(*id)? {
                    items.push(serde_json::json!({
                        "why": why,
                        "claim": crate::api::claim_json(c, attribution),
                    }));
                }
            }
            // Then the rest, in id order, a page at a time.
            let mut after = None;
            while items.len() < limit {
                let page = st.claims(&borderwatch_store::ClaimFilter {
                    after,
                    limit: Some(200),
                    ..Default::default()
                })?;
                let Some(last) = page.last().map(|c| c.id) else {
                    break;
                };
                after = Some(last);
                for c in page {
                    if items.len() >= limit {
                        break;
                    }
                    if reviewed.contains(&c.id) || seen.contains(&c.id) {
                        continue;
                    }
                    items.push(serde_json::json!({
                        "why": "",
                        "claim": crate::api::claim_json(c, attribution),
                    }));
                }
            }
            Ok(Json(Queue { items }))
        })
        .await
}
