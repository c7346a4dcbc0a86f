//! HTTP handlers of the development portal: the kiosk API under `/kiosk/v1/`
//! and the admin API under `/admin/v1/`.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use rusqlite::{OptionalExtension, params};
use sha2::{Digest, Sha256};
use utoipa::OpenApi;

use super::extract::{AdminAuth, KioskAuth};
use super::{Fault, PortalState};
use crate::portal::types::*;
use crate::portal::validate::Validate;

type AppState = State<Arc<PortalState>>;

pub fn router(state: Arc<PortalState>) -> Router {
    Router::new()
        .route("/kiosk/v1/openapi.json", get(openapi))
        .route("/kiosk/v1/promo", get(get_promo))
        .route("/kiosk/v1/services", get(get_services))
        .route("/kiosk/v1/contacts", get(get_contacts))
        .route("/kiosk/v1/elections", get(get_elections))
        .route("/kiosk/v1/assets/{sha256}", get(get_asset))
        .route("/kiosk/v1/events", post(post_events))
        .route("/kiosk/v1/heartbeat", post(post_heartbeat))
        .route(
            "/kiosk/v1/auth/challenge",
            post(super::auth::post_challenge),
        )
        .route("/kiosk/v1/auth/card", post(super::auth::post_card))
        .route("/kiosk/v1/auth/logout", post(super::auth::post_logout))
        .merge(super::staff::routes())
        .route("/admin/v1/auth", put(super::auth::put_settings))
        .route("/admin/v1/auth/sessions", get(super::auth::get_sessions))
        .route("/admin/v1/content/{collection}", put(put_content))
        .route("/admin/v1/assets", post(post_asset))
        .route(
            "/admin/v1/faults/{target}",
            put(put_fault).delete(delete_fault),
        )
        .route("/admin/v1/events", get(list_events))
        .route("/admin/v1/heartbeats", get(list_heartbeats))
        .merge(super::me::routes())
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(32 * 1024 * 1024))
        .with_state(state)
}

// ---------------------------------------------------------------- helpers

pub(super) fn problem(status: StatusCode, title: &str, detail: impl Into<String>) -> Response {
    typed_problem(status, "about:blank", title, detail.into(), None, None)
}

/// A problem+json answer of type `kind`, with an optional `Retry-After` and the
/// staff login's `missesLeft` extension member.
pub(super) fn typed_problem(
    status: StatusCode,
    kind: &str,
    title: &str,
    detail: String,
    retry_after: Option<u64>,
    misses_left: Option<u32>,
) -> Response {
    let json = match misses_left {
        None => serde_json::to_vec(&Problem {
            kind: kind.into(),
            title: title.into(),
            status: status.as_u16(),
            detail,
        }),
        Some(misses_left) => serde_json::to_vec(&StaffLoginRefusal {
            kind: kind.into(),
            title: title.into(),
            status: status.as_u16(),
            detail,
            misses_left,
        }),
    }
    .unwrap_or_default();
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "application/problem+json")],
        json,
    )
        .into_response();
    if let Some(seconds) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

pub(super) fn internal(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "development portal error");
    problem(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Internal error",
        e.to_string(),
    )
}

/// Takes one use of the fault set for `target`, if any.
pub(super) fn take_fault(state: &PortalState, target: &str) -> Option<Fault> {
    state
        .with_db(|c| {
            let row = c
                .query_row(
                    "SELECT fault, remaining FROM faults WHERE target = ?1",
                    [target],
                    |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
                )
                .optional()?;
            let Some((fault, remaining)) = row else {
                return Ok(None);
            };
            if remaining == 1 {
                c.execute("DELETE FROM faults WHERE target = ?1", [target])?;
            } else if remaining > 1 {
                c.execute(
                    "UPDATE faults SET remaining = remaining - 1 WHERE target = ?1",
                    [target],
                )?;
            }
            Ok(Fault::parse(&fault))
        })
        .ok()
        .flatten()
}

/// A 200 whose body dies halfway through.
pub(super) fn cut_off(content_type: &str, bytes: Vec<u8>) -> Response {
    let total = bytes.len();
    let half = Bytes::from(bytes[..total / 2].to_vec());
    let stream = futures_util::stream::iter(vec![
        Ok::<Bytes, std::io::Error>(half),
        Err(std::io::Error::other(
            "connection cut off by fault injection",
        )),
    ]);
    let mut response = Response::new(Body::from_stream(stream));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(total));
    response
}

fn if_none_match_hits(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .map(|t| t.trim().trim_start_matches("W/"))
                .any(|t| t == etag || t == "*")
        })
}

async fn serve_collection(
    state: Arc<PortalState>,
    headers: HeaderMap,
    name: &'static str,
) -> Response {
    let fault = take_fault(&state, name);
    let row = state.with_db(|c| {
        c.query_row(
            "SELECT json, etag FROM content WHERE collection = ?1",
            [name],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
        )
        .optional()
    });
    let (json, etag) = match row {
        Ok(Some(row)) => row,
        Ok(None) => {
            return problem(
                StatusCode::NOT_FOUND,
                "Not found",
                format!("no {name} published"),
            );
        }
        Err(e) => return internal(e),
    };
    let ok = |body: Vec<u8>| {
        (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::ETAG, etag.as_str()),
            ],
            body,
        )
            .into_response()
    };
    match fault {
        Some(Fault::NotJson) => {
            return ok(b"<html><body>Service temporarily unavailable</body></html>".to_vec());
        }
        Some(Fault::Truncated) => return ok(json.as_bytes()[..json.len() / 2].to_vec()),
        Some(Fault::WrongTypes) => {
            let key = match name {
                "promo" => "slides",
                "services" => "services",
                "contacts" => "departments",
                _ => "elections",
            };
            return ok(format!("{{\"{key}\": \"not a list\"}}").into_bytes());
        }
        Some(Fault::NotModified) => {
            return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag.as_str())]).into_response();
        }
        Some(Fault::CutOff) => return cut_off("application/json", json.into_bytes()),
        Some(Fault::Status {
            status,
            retry_after,
        }) => return status_fault(status, retry_after),
        Some(Fault::Delay(delay)) => tokio::time::sleep(delay).await,
        Some(Fault::WrongHash) | Some(Fault::AckDelay(_)) | None => {}
    }
    if if_none_match_hits(&headers, &etag) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag.as_str())]).into_response();
    }
    ok(json.into_bytes())
}

pub(super) fn status_fault(status: u16, retry_after: Option<u64>) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = problem(
        code,
        "Injected fault",
        format!("the development portal was told to answer {status}"),
    );
    if let Some(seconds) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

// ---------------------------------------------------------------- kiosk API

#[utoipa::path(get, path = "/kiosk/v1/promo", tag = "public",
    responses((status = 200, description = "The playlist for this kiosk", body = PromoPlaylist),
              (status = 304, description = "Not modified since the ETag in If-None-Match")))]
async fn get_promo(State(state): AppState, _: KioskAuth, headers: HeaderMap) -> Response {
    serve_collection(state, headers, "promo").await
}

#[utoipa::path(get, path = "/kiosk/v1/services", tag = "public",
    responses((status = 200, description = "Life situations", body = ServiceCatalogue), (status = 304)))]
async fn get_services(State(state): AppState, _: KioskAuth, headers: HeaderMap) -> Response {
    serve_collection(state, headers, "services").await
}

#[utoipa::path(get, path = "/kiosk/v1/contacts", tag = "public",
    responses((status = 200, description = "Departments and people", body = ContactDirectory), (status = 304)))]
async fn get_contacts(State(state): AppState, _: KioskAuth, headers: HeaderMap) -> Response {
    serve_collection(state, headers, "contacts").await
}

#[utoipa::path(get, path = "/kiosk/v1/elections", tag = "public",
    responses((status = 200, description = "Next elections and polling districts", body = ElectionInfo), (status = 304)))]
async fn get_elections(State(state): AppState, _: KioskAuth, headers: HeaderMap) -> Response {
    serve_collection(state, headers, "elections").await
}

#[utoipa::path(get, path = "/kiosk/v1/assets/{sha256}", tag = "public",
    params(("sha256" = String, Path, description = "Lower-case hex SHA-256 of the asset")),
    responses((status = 200, description = "The asset's bytes (immutable)"), (status = 404, body = Problem)))]
async fn get_asset(State(state): AppState, Path(sha256): Path<String>, _: KioskAuth) -> Response {
    let fault = take_fault(&state, "assets");
    let row = state.with_db(|c| {
        c.query_row(
            "SELECT content_type, bytes FROM assets WHERE sha256 = ?1",
            [&sha256],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?)),
        )
        .optional()
    });
    let (content_type, mut bytes) = match row {
        Ok(Some(row)) => row,
        Ok(None) => return problem(StatusCode::NOT_FOUND, "Not found", "no such asset"),
        Err(e) => return internal(e),
    };
    match fault {
        Some(Fault::WrongHash) => {
            if let Some(b) = bytes.last_mut() {
                *b ^= 0xff;
            }
        }
        Some(Fault::CutOff) => return cut_off(&content_type, bytes),
        Some(Fault::Status {
            status,
            retry_after,
        }) => return status_fault(status, retry_after),
        _ => {}
    }
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type.as_str()),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        bytes,
    )
        .into_response()
}

#[utoipa::path(post, path = "/kiosk/v1/events", tag = "kiosk", request_body = EventBatch,
    responses((status = 200, description = "Ids stored now or before", body = EventAck), (status = 400, body = Problem)))]
async fn post_events(
    State(state): AppState,
    KioskAuth(kiosk_id): KioskAuth,
    body: Bytes,
) -> Response {
    let fault = take_fault(&state, "events");
    if let Some(Fault::Status {
        status,
        retry_after,
    }) = fault
    {
        return status_fault(status, retry_after);
    }
    let batch: EventBatch = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => return problem(StatusCode::BAD_REQUEST, "Bad event batch", e.to_string()),
    };
    if batch.kiosk_id != kiosk_id {
        return problem(
            StatusCode::FORBIDDEN,
            "Wrong kiosk",
            "the batch names another kiosk than the token",
        );
    }
    let received_at = chrono::Utc::now().to_rfc3339();
    let stored = state.with_db(|c| {
        let tx = c.unchecked_transaction()?;
        {
            let mut stmt = tx.prepare(
                "INSERT OR IGNORE INTO events (id, kiosk_id, kind, occurred_at, received_at, payload) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for e in &batch.events {
                stmt.execute(params![
                    e.id.to_string(),
                    kiosk_id,
                    e.kind.as_str(),
                    e.occurred_at.to_rfc3339(),
                    received_at,
                    e.payload.to_string()
                ])?;
            }
        }
        tx.commit()
    });
    if let Err(e) = stored {
        return internal(e);
    }
    if let Some(Fault::AckDelay(delay)) = fault {
        tokio::time::sleep(delay).await;
    }
    let ack = EventAck {
        accepted: batch.events.iter().map(|e| e.id).collect(),
    };
    axum::Json(ack).into_response()
}

#[utoipa::path(post, path = "/kiosk/v1/heartbeat", tag = "kiosk", request_body = Heartbeat,
    responses((status = 204, description = "Recorded")))]
async fn post_heartbeat(
    State(state): AppState,
    KioskAuth(kiosk_id): KioskAuth,
    body: Bytes,
) -> Response {
    let heartbeat: Heartbeat = match serde_json::from_slice(&body) {
        Ok(h) => h,
        Err(e) => return problem(StatusCode::BAD_REQUEST, "Bad heartbeat", e.to_string()),
    };
    let json = serde_json::to_string(&heartbeat).unwrap_or_default();
    match state.with_db(|c| {
        c.execute(
            "INSERT OR REPLACE INTO heartbeats (kiosk_id, json, received_at) VALUES (?1, ?2, ?3)",
            params![kiosk_id, json, chrono::Utc::now().to_rfc3339()],
        )
    }) {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => internal(e),
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Portál občana – kiosk API",
        version = "1",
        description = "The contract between the Litoměřice citizen-portal kiosks and the portal backend (KIOSK-API.md)."
    ),
    paths(
        super::staff::post_login,
        super::staff::post_lookup,
        super::staff::post_payment,
        super::staff::get_payment,
        super::staff::post_logout,
        super::staff::get_audit,
        get_promo,
        get_services,
        get_contacts,
        get_elections,
        get_asset,
        post_events,
        post_heartbeat,
        super::me::get_dashboard,
        super::me::get_obligations,
        super::me::post_payment,
        super::me::get_payment,
        super::me::get_submissions,
        super::me::get_watchdog,
        super::me::put_watchdog
    ),
    components(schemas(
        StaffLoginRequest,
        StaffSession,
        StaffLoginRefusal,
        StaffLookupRequest,
        StaffLookup,
        super::staff::StaffAuditLog,
        super::staff::StaffAuditEntry,
        super::staff::StaffAuditAction,
        super::staff::StaffAuditOutcome,
        PromoPlaylist,
        PromoSlide,
        SlideKind,
        AssetRef,
        SlideSchedule,
        ServiceCatalogue,
        Service,
        Form,
        ContactDirectory,
        Department,
        Person,
        OfficeHours,
        ElectionInfo,
        Election,
        PollingDistrict,
        StreetRange,
        EventBatch,
        KioskEventRecord,
        EventKind,
        EventAck,
        Heartbeat,
        Problem,
        AuthChallenge,
        AuthCardRequest,
        AuthSession,
        CitizenSummary,
        MeDashboard,
        Notice,
        NextElection,
        ObligationList,
        Obligation,
        ObligationKind,
        PaymentIntentRequest,
        PaymentIntent,
        PaymentState,
        SubmissionList,
        Submission,
        Watchdog,
        WatchdogChannels
    ))
)]
struct KioskApi;

pub fn openapi_json() -> String {
    KioskApi::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], openapi_json()).into_response()
}

async fn not_found() -> Response {
    problem(StatusCode::NOT_FOUND, "Not found", "no such endpoint")
}

// ---------------------------------------------------------------- admin API

/// Publishes a collection (validated exactly as the kiosk validates it).
async fn put_content(
    State(state): AppState,
    Path(collection): Path<String>,
    _: AdminAuth,
    body: Bytes,
) -> Response {
    let canonical = match collection.as_str() {
        "promo" => canonical::<PromoPlaylist>(&body),
        "services" => canonical::<ServiceCatalogue>(&body),
        "contacts" => canonical::<ContactDirectory>(&body),
        "elections" => canonical::<ElectionInfo>(&body),
        _ => return problem(StatusCode::NOT_FOUND, "Not found", "no such collection"),
    };
    let json = match canonical {
        Ok(json) => json,
        Err(e) => return problem(StatusCode::UNPROCESSABLE_ENTITY, "Invalid content", e),
    };
    match super::seed::publish(&state, &collection, &json) {
        Ok(etag) => (StatusCode::OK, [(header::ETAG, etag)]).into_response(),
        Err(e) => internal(e),
    }
}

fn canonical<C: Validate + serde::Serialize + serde::de::DeserializeOwned>(
    body: &[u8],
) -> Result<String, String> {
    let value: C = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    value.validate().map_err(|e| e.to_string())?;
    serde_json::to_string(&value).map_err(|e| e.to_string())
}

/// Stores an asset; answers its `AssetRef` (hash, size, pixel size).
async fn post_asset(State(state): AppState, _: AdminAuth, body: Bytes) -> Response {
    match super::seed::store_asset(&state, &body) {
        Ok(asset) => axum::Json(asset).into_response(),
        Err(e) => problem(StatusCode::UNPROCESSABLE_ENTITY, "Invalid asset", e),
    }
}

#[derive(serde::Deserialize)]
struct FaultRequest {
    fault: String,
    #[serde(default = "one")]
    times: i64,
}

fn one() -> i64 {
    1
}

async fn put_fault(
    State(state): AppState,
    Path(target): Path<String>,
    _: AdminAuth,
    body: Bytes,
) -> Response {
    let request: FaultRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return problem(StatusCode::BAD_REQUEST, "Bad fault", e.to_string()),
    };
    if Fault::parse(&request.fault).is_none() {
        return problem(
            StatusCode::BAD_REQUEST,
            "Bad fault",
            format!("unknown fault `{}`", request.fault),
        );
    }
    match state.with_db(|c| {
        c.execute(
            "INSERT OR REPLACE INTO faults (target, fault, remaining) VALUES (?1, ?2, ?3)",
            params![
                target,
                request.fault,
                if request.times == 0 { 1 } else { request.times }
            ],
        )
    }) {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => internal(e),
    }
}

async fn delete_fault(
    State(state): AppState,
    Path(target): Path<String>,
    _: AdminAuth,
) -> Response {
    match state.with_db(|c| c.execute("DELETE FROM faults WHERE target = ?1", [target])) {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => internal(e),
    }
}

async fn list_events(State(state): AppState, _: AdminAuth) -> Response {
    let rows = state.with_db(|c| {
        let mut stmt = c.prepare("SELECT id, kiosk_id, kind, occurred_at, payload FROM events ORDER BY occurred_at, id")?;
        let rows = stmt.query_map([], |r| {
            Ok(serde_json::json!({
                "id": r.get::<_, String>(0)?,
                "kioskId": r.get::<_, String>(1)?,
                "kind": r.get::<_, String>(2)?,
                "occurredAt": r.get::<_, String>(3)?,
                "payload": serde_json::from_str::<serde_json::Value>(&r.get::<_, String>(4)?).unwrap_or_default(),
            }))
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
    });
    match rows {
        Ok(events) => axum::Json(serde_json::json!({ "count": events.len(), "events": events }))
            .into_response(),
        Err(e) => internal(e),
    }
}

async fn list_heartbeats(State(state): AppState, _: AdminAuth) -> Response {
    let rows = state.with_db(|c| {
        let mut stmt = c.prepare("SELECT json FROM heartbeats ORDER BY kiosk_id")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
    });
    match rows {
        Ok(list) => {
            let values: Vec<serde_json::Value> = list
                .iter()
                .filter_map(|j| serde_json::from_str(j).ok())
                .collect();
            axum::Json(values).into_response()
        }
        Err(e) => internal(e),
    }
}

/// SHA-256 as lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    crate::sync::hex_of(&Sha256::digest(bytes))
}
