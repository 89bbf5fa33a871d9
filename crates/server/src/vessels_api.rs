//! The vessel routes: the vessels the tracks show, one vessel's panel (identity over time,
//! events with their evidence) and positions as thinned lines for the map.
//!
//! Owns the HTTP shapes of vessels and tracks. Refuses putting a vessel together
//! (`pipeline::vessels`) and the raw track lines: evidence is the track file and its line
//! range, as on the map and in the exports — the lines themselves are source text, read
//! through `/api/sources/{id}` by those who may.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::Json;
use borderwatch_model::{TrackEvent, VesselRef};
use borderwatch_pipeline::vessels::{self, Identity, TrackLines, VesselSummary};
use borderwatch_store::PositionFilter;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::{IntoParams, ToSchema};

use crate::api::{NoParams, Q};
use crate::error::{ApiError, Code, ErrorBody};
use crate::AppState;

type St = State<Arc<AppState>>;

/// A vessel as its latest track identified it.
#[derive(Serialize, ToSchema)]
pub struct Vessel {
    pub mmsi: u32,
    pub name: Option<String>,
    pub imo: Option<u32>,
    /// ISO 3166-1 alpha-2 of the flag its MMSI claims.
    pub flag: Option<String>,
    /// Designated-vessel lists it matches (list, reference, listed name, basis).
    #[schema(value_type = Vec<Object>)]
    pub designated: Vec<Value>,
}

impl From<&VesselRef> for Vessel {
    fn from(v: &VesselRef) -> Vessel {
        Vessel {
            mmsi: v.mmsi,
            name: v.name.clone(),
            imo: v.imo,
            flag: v.flag.clone(),
            designated: v
                .designated
                .iter()
                .map(|d| {
                    json!({"list": d.list, "reference": d.reference,
                           "listed_name": d.listed_name, "basis": d.basis})
                })
                .collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct VesselItem {
    pub vessel: Vessel,
    /// Track events by kind (`port-call`, `voyage`, `dark`, `encounter`, …).
    pub events: BTreeMap<String, usize>,
    pub positions: u64,
    /// First and last seen, RFC 3339 UTC.
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct VesselList {
    pub vessels: Vec<VesselItem>,
}

#[derive(Serialize, ToSchema)]
pub struct IdentityItem {
    pub name: Option<String>,
    pub imo: Option<u32>,
    pub flag: Option<String>,
    pub first_seen: String,
    pub last_seen: String,
}

/// A track file and the range of its lines an event rests on.
#[derive(Serialize, ToSchema)]
pub struct TrackCitation {
    pub source: String,
    pub source_id: i64,
    /// First and last line, 1-based.
    pub lines: [u64; 2],
}

#[derive(Serialize, ToSchema)]
pub struct VesselEvent {
    pub id: i64,
    pub kind: String,
    pub start: String,
    pub end: String,
    pub summary: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// A port call's port; a voyage's ports.
    pub at: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub direction: Option<String>,
    /// The other vessel of an encounter.
    pub with: Vec<Vessel>,
    /// The claim the event makes (a voyage's movement), if any.
    pub claim: Option<i64>,
    /// The event's figures (hours, km, speeds).
    #[schema(value_type = Object)]
    pub detail: Value,
    pub evidence: Vec<TrackCitation>,
}

#[derive(Serialize, ToSchema)]
pub struct VesselDetail {
    pub vessel: VesselItem,
    /// Every name, IMO number and flag the tracks showed it under, in the order first seen.
    pub identities: Vec<IdentityItem>,
    pub events: Vec<VesselEvent>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TrackQuery {
    /// Only this vessel.
    pub mmsi: Option<u32>,
    /// Positions from this day (YYYY-MM-DD, UTC) ...
    #[param(format = Date)]
    pub since: Option<String>,
    /// ... to this day, inclusive.
    #[param(format = Date)]
    pub until: Option<String>,
    /// Tracks crossing this box: `south,west,north,east` in degrees.
    pub bbox: Option<String>,
    /// The web-map zoom the lines are thinned for (0–20, default 8); lowered until the answer
    /// holds at most 20,000 points.
    pub zoom: Option<f64>,
}

use borderwatch_pipeline::vessels::rfc3339;

fn item(v: &VesselSummary) -> VesselItem {
    VesselItem {
        vessel: Vessel::from(&v.vessel),
        events: v
            .events
            .iter()
            .map(|(k, n)| (k.as_str().to_string(), *n))
            .collect(),
        positions: v.positions,
        first_seen: v.first.map(rfc3339),
        last_seen: v.last.map(rfc3339),
    }
}

#[utoipa::path(get, path = "/api/vessels", responses((status = 200, body = VesselList)))]
pub async fn list(State(s): St, Q(_): Q<NoParams>) -> Result<Json<VesselList>, ApiError> {
    let all = s.pool.with(|st| Ok(vessels::vessels(st)?)).await?;
    Ok(Json(VesselList {
        vessels: all.iter().map(item).collect(),
    }))
}

/// A path MMSI; anything but a number of up to nine digits is `bad-parameter`.
pub struct Mmsi(pub u32);

impl<S: Send + Sync> FromRequestParts<S> for Mmsi {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::new(Code::BadParameter, e.body_text()))?;
        match raw.parse::<u32>() {
            Ok(m) if raw.len() <= 9 => Ok(Mmsi(m)),
            _ => Err(ApiError::param(
                "mmsi",
                &raw,
                "expected an MMSI (up to nine digits)",
            )),
        }
    }
}

fn event(id: i64, source_id: i64, claim: Option<i64>, e: &TrackEvent, mmsi: u32) -> VesselEvent {
    VesselEvent {
        id,
        kind: e.kind.as_str().to_string(),
        start: rfc3339(e.start),
        end: rfc3339(e.end),
        summary: e.summary.clone(),
        lat: e.lat,
        lon: e.lon,
        at: e.at.clone(),
        from: e.from.clone(),
        to: e.to.clone(),
        direction: e.direction.map(|d| d.as_str().to_string()),
        with: e
            .vessels
            .iter()
            .filter(|v| v.mmsi != mmsi)
            .map(Vessel::from)
            .collect(),
        claim,
        detail: e.detail.clone(),
        evidence: e
            .evidence
            .iter()
            .map(|l| TrackCitation {
                source: l.source.clone(),
                source_id,
                lines: l.lines,
            })
            .collect(),
    }
}

fn identity(i: &Identity) -> IdentityItem {
    IdentityItem {
        name: i.name.clone(),
        imo: i.imo,
        flag: i.flag.clone(),
        first_seen: rfc3339(i.first),
        last_seen: rfc3339(i.last),
    }
}

#[utoipa::path(get, path = "/api/vessels/{mmsi}", params(("mmsi" = u32, Path)),
    responses((status = 200, body = VesselDetail), (status = 404, body = ErrorBody)))]
pub async fn detail(
    State(s): St,
    Mmsi(mmsi): Mmsi,
    Q(_): Q<NoParams>,
) -> Result<Json<VesselDetail>, ApiError> {
    let vessels::VesselRecord {
        summary,
        events,
        positions,
    } = s
        .pool
        .with(move |st| Ok(vessels::vessel(st, mmsi)?))
        .await?;
    let Some(summary) = summary else {
        return Err(ApiError::new(
            Code::NotFound,
            format!("no vessel with MMSI {mmsi} in the tracks"),
        ));
    };
    Ok(Json(VesselDetail {
        vessel: item(&summary),
        identities: vessels::identities(mmsi, &events, &positions)
            .iter()
            .map(identity)
            .collect(),
        events: events
            .iter()
            .map(|e| event(e.id, e.source_id, e.claim_id, &e.event, mmsi))
            .collect(),
    }))
}

fn day_secs(name: &str, v: &Option<String>, end: bool) -> Result<Option<i64>, ApiError> {
    let Some(d) = v.as_deref() else {
        return Ok(None);
    };
    let date = borderwatch_model::parse_date(d).map_err(|e| ApiError::param(name, d, e))?;
    vessels::day_secs(date, end)
        .map(Some)
        .ok_or_else(|| ApiError::param(name, d, "not a day"))
}

fn bbox(v: &Option<String>) -> Result<Option<[f64; 4]>, ApiError> {
    let Some(raw) = v.as_deref() else {
        return Ok(None);
    };
    let bad = |why: &str| ApiError::param("bbox", raw, why);
    let n: Vec<f64> = raw
        .split(',')
        .map(|x| x.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad("expected four numbers: south,west,north,east"))?;
    let [s, w, no, e] =
        <[f64; 4]>::try_from(n).map_err(|_| bad("expected four numbers: south,west,north,east"))?;
    if !(-90.0..=90.0).contains(&s) || !(-90.0..=90.0).contains(&no) || s > no {
        return Err(bad("latitudes must be within ±90 with south ≤ north"));
    }
    if !(-180.0..=180.0).contains(&w) || !(-180.0..=180.0).contains(&e) || w > e {
        return Err(bad("longitudes must be within ±180 with west ≤ east"));
    }
    Ok(Some([s, w, no, e]))
}

/// The lines as GeoJSON: a `LineString` per line (a `Point` for a lone position), with the
/// vessel's MMSI and the first and last time.
fn geojson(t: &TrackLines) -> Value {
    let features: Vec<Value> = t
        .lines
        .iter()
        .map(|l| {
            let coords: Vec<[f64; 2]> = l.points.iter().map(|p| [p.lon, p.lat]).collect();
            let geometry = match coords.as_slice() {
                [one] => json!({"type": "Point", "coordinates": one}),
                _ => json!({"type": "LineString", "coordinates": coords}),
            };
            json!({
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "mmsi": l.mmsi,
                    "start": l.points.first().map(|p| rfc3339(p.time)),
                    "end": l.points.last().map(|p| rfc3339(p.time)),
                    "points": l.points.len(),
                },
            })
        })
        .collect();
    json!({"type": "FeatureCollection", "zoom": t.zoom, "positions": t.read, "features": features})
}

#[utoipa::path(get, path = "/api/tracks", params(TrackQuery),
    responses((status = 200, description = "GeoJSON FeatureCollection of the vessels' lines, \
        with `zoom` (what they are thinned for) and `positions` (read before thinning)",
        content_type = "application/geo+json"), (status = 400, body = ErrorBody)))]
pub async fn tracks(State(s): St, Q(q): Q<TrackQuery>) -> Result<Json<Value>, ApiError> {
    let f = PositionFilter {
        mmsi: q.mmsi,
        since: day_secs("since", &q.since, false)?,
        until: day_secs("until", &q.until, true)?,
        bbox: bbox(&q.bbox)?,
        sources: None,
    };
    let zoom = match q.zoom {
        Some(z) if !(0.0..=20.0).contains(&z) => {
            return Err(ApiError::param("zoom", &z.to_string(), "expected 0 to 20"))
        }
        z => z.unwrap_or(8.0),
    };
    let lines = s
        .pool
        .with(move |st| Ok(vessels::track_lines(st, &f, zoom, vessels::MAX_POINTS)?))
        .await?;
    Ok(Json(geojson(&lines)))
}
