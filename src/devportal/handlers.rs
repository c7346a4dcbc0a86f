//! HTTP handlers of the development portal: the kiosk API under `/kiosk/v1/`
//! and the admin API under `/admin/v1/`.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rusqlite::{OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::extract::{AdminAuth, BodyBytes, KioskAuth, PathParam, from_json};
use super::routes::{Routes, Served};
use super::{Fault, PortalState};
use crate::portal::types::*;
use crate::portal::validate::Validate;

type AppState = State<Arc<PortalState>>;

/// Every route of the development portal, recorded (routes.rs).
pub(super) fn routes() -> Routes {
    Routes::new()
        .get("/kiosk/v1/openapi.json", get_openapi_doc)
        .get("/kiosk/v1/promo", get_promo)
        .get("/kiosk/v1/services", get_services)
        .get("/kiosk/v1/contacts", get_contacts)
        .get("/kiosk/v1/elections", get_elections)
        .get("/kiosk/v1/notice-board", get_notice_board)
        .get("/kiosk/v1/assets/{sha256}", get_asset)
        .post("/kiosk/v1/events", post_events)
        .post("/kiosk/v1/heartbeat", post_heartbeat)
        .merge(super::auth::routes())
        .merge(super::device::routes())
        .merge(super::staff::routes())
        .put("/admin/v1/content/{collection}", put_content)
        .post("/admin/v1/assets", post_asset)
        .put("/admin/v1/faults/{target}", put_fault)
        .delete("/admin/v1/faults/{target}", delete_fault)
        .get("/admin/v1/events", list_events)
        .get("/admin/v1/heartbeats", list_heartbeats)
        .merge(super::me::routes())
        .merge(super::promo::routes())
}

/// The (method, path) pairs the router serves.
pub fn served() -> Vec<Served> {
    routes().into_parts().1
}

pub fn router(state: Arc<PortalState>) -> Router {
    let (routes, _) = routes().into_parts();
    routes
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

/// The largest request body the portal reads (an asset picture is the largest).
pub(super) const BODY_LIMIT: usize = 32 * 1024 * 1024;

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
    serve_collection_as(state, headers, name, "application/json").await
}

async fn serve_collection_as(
    state: Arc<PortalState>,
    headers: HeaderMap,
    name: &'static str,
    content_type: &'static str,
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
        // The playlist is signed as it is served (the key and the mode may
        // change while the portal runs); its ETag is of the served bytes.
        Ok(Some((json, _))) if name == "promo" => match state.promo.serve(&json) {
            Ok(served) => {
                let etag = super::etag_of(served.as_bytes());
                (served, etag)
            }
            Err(e) => return internal(e),
        },
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
                (header::CONTENT_TYPE, content_type),
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
                "notice-board" => "informace",
                _ => "elections",
            };
            return ok(format!("{{\"{key}\": \"not a list\"}}").into_bytes());
        }
        Some(Fault::NotModified) => {
            return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag.as_str())]).into_response();
        }
        Some(Fault::CutOff) => return cut_off(content_type, json.into_bytes()),
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

#[utoipa::path(get, path = "/kiosk/v1/promo", tag = "public", operation_id = "getPromo",
    security(("kioskToken" = [])),
    params(("If-None-Match" = Option<String>, Header, description = "The ETag of the copy the kiosk has")),
    responses((status = 200, description = "The playlist for this kiosk", body = PromoPlaylist,
                  headers(("ETag" = String, description = "Strong ETag of this version"))),
              (status = 304, description = "Not modified since the ETag in If-None-Match",
                  headers(("ETag" = String, description = "Strong ETag of this version"))),
              (status = 404, description = "Nothing published yet")))]
pub(super) async fn get_promo(
    State(state): AppState,
    _: KioskAuth,
    headers: HeaderMap,
) -> Response {
    serve_collection(state, headers, "promo").await
}

#[utoipa::path(get, path = "/kiosk/v1/services", tag = "public", operation_id = "getServices",
    security(("kioskToken" = [])),
    params(("If-None-Match" = Option<String>, Header, description = "The ETag of the copy the kiosk has")),
    responses((status = 200, description = "Life situations", body = ServiceCatalogue,
                  headers(("ETag" = String, description = "Strong ETag of this version"))),
              (status = 304, description = "Not modified since the ETag in If-None-Match",
                  headers(("ETag" = String, description = "Strong ETag of this version"))),
              (status = 404, description = "Nothing published yet")))]
pub(super) async fn get_services(
    State(state): AppState,
    _: KioskAuth,
    headers: HeaderMap,
) -> Response {
    serve_collection(state, headers, "services").await
}

#[utoipa::path(get, path = "/kiosk/v1/contacts", tag = "public", operation_id = "getContacts",
    security(("kioskToken" = [])),
    params(("If-None-Match" = Option<String>, Header, description = "The ETag of the copy the kiosk has")),
    responses((status = 200, description = "Departments and people", body = ContactDirectory,
                  headers(("ETag" = String, description = "Strong ETag of this version"))),
              (status = 304, description = "Not modified since the ETag in If-None-Match",
                  headers(("ETag" = String, description = "Strong ETag of this version"))),
              (status = 404, description = "Nothing published yet")))]
pub(super) async fn get_contacts(
    State(state): AppState,
    _: KioskAuth,
    headers: HeaderMap,
) -> Response {
    serve_collection(state, headers, "contacts").await
}

#[utoipa::path(get, path = "/kiosk/v1/elections", tag = "public", operation_id = "getElections",
    security(("kioskToken" = [])),
    params(("If-None-Match" = Option<String>, Header, description = "The ETag of the copy the kiosk has")),
    responses((status = 200, description = "Next elections and polling districts", body = ElectionInfo,
                  headers(("ETag" = String, description = "Strong ETag of this version"))),
              (status = 304, description = "Not modified since the ETag in If-None-Match",
                  headers(("ETag" = String, description = "Strong ETag of this version"))),
              (status = 404, description = "Nothing published yet")))]
pub(super) async fn get_elections(
    State(state): AppState,
    _: KioskAuth,
    headers: HeaderMap,
) -> Response {
    serve_collection(state, headers, "elections").await
}

#[utoipa::path(get, path = "/kiosk/v1/notice-board", tag = "public", operation_id = "getNoticeBoard",
    security(("kioskToken" = [])),
    params(("If-None-Match" = Option<String>, Header, description = "The ETag of the copy the kiosk has")),
    responses((status = 200, description = "The town's úřední deska in the national open-data format \
        (OFN Úřední desky, JSON-LD) as the town publishes it. The kiosk reads it leniently: unknown keys are \
        ignored, a notice without a title or with a date that does not parse is left out, markup is shown as \
        plain text", content_type = "application/ld+json", body = super::ofn::OfnNoticeBoard,
                  headers(("ETag" = String, description = "Strong ETag of this version"))),
              (status = 304, description = "Not modified since the ETag in If-None-Match",
                  headers(("ETag" = String, description = "Strong ETag of this version"))),
              (status = 404, description = "Nothing published yet")))]
pub(super) async fn get_notice_board(
    State(state): AppState,
    _: KioskAuth,
    headers: HeaderMap,
) -> Response {
    serve_collection_as(state, headers, "notice-board", "application/ld+json").await
}

#[utoipa::path(get, path = "/kiosk/v1/assets/{sha256}", tag = "public", operation_id = "getAsset",
    security(("kioskToken" = [])),
    params(("sha256" = String, Path, description = "Lower-case hex SHA-256 of the asset")),
    responses((status = 200, description = "The asset's bytes (immutable, cacheable forever)",
                  content(("image/png"), ("image/jpeg")),
                  headers(("Cache-Control" = String, description = "public, max-age=31536000, immutable"))),
              (status = 400, description = "The path does not decode to UTF-8"),
              (status = 404, description = "No such asset")))]
pub(super) async fn get_asset(
    State(state): AppState,
    PathParam(sha256): PathParam,
    _: KioskAuth,
) -> Response {
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

#[utoipa::path(post, path = "/kiosk/v1/events", tag = "kiosk", operation_id = "postEvents",
    security(("kioskToken" = [])),
    request_body(content = EventBatch, example = json!({"kioskId": "lt-demo-01", "events": [{
        "id": "0f8fad5b-d9cb-469f-a165-70867728950e", "kind": "proof-of-play",
        "occurredAt": "2026-03-02T08:15:00Z", "payload": {"slideId": "demo-1"}}]})),
    responses((status = 200, description = "The ids stored now or before: the kiosk may forget them. \
        Storing an id again has no further effect.", body = EventAck),
              (status = 400, description = "Not an event batch (an event's payload must be an object)"),
              (status = 403, description = "The batch names another kiosk than the token")))]
pub(super) async fn post_events(
    State(state): AppState,
    KioskAuth(kiosk_id): KioskAuth,
    BodyBytes(body): BodyBytes,
) -> Response {
    let fault = take_fault(&state, "events");
    if let Some(Fault::Status {
        status,
        retry_after,
    }) = fault
    {
        return status_fault(status, retry_after);
    }
    let batch: EventBatch = match from_json(&body) {
        Ok(b) => b,
        Err(e) => return problem(StatusCode::BAD_REQUEST, "Bad event batch", e.to_string()),
    };
    // The document says an object (every event the kiosk makes has one).
    if let Some(i) = batch.events.iter().position(|e| !e.payload.is_object()) {
        return problem(
            StatusCode::BAD_REQUEST,
            "Bad event batch",
            format!("events[{i}].payload is not an object"),
        );
    }
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

#[utoipa::path(post, path = "/kiosk/v1/heartbeat", tag = "kiosk", operation_id = "postHeartbeat",
    security(("kioskToken" = [])),
    request_body(content = Heartbeat, example = json!({"kioskId": "lt-demo-01", "version": "0.1.0",
        "uptimeSeconds": 3600, "lastSyncAt": "2026-03-02T08:15:00Z", "printer": "ok", "reader": "ok",
        "freeDiskBytes": 10_000_000_000u64,
        "playlist": {"state": "verified", "required": true, "refused": 0}})),
    responses((status = 204, description = "Recorded"),
              (status = 400, description = "Not a heartbeat")))]
pub(super) async fn post_heartbeat(
    State(state): AppState,
    KioskAuth(kiosk_id): KioskAuth,
    BodyBytes(body): BodyBytes,
) -> Response {
    let heartbeat: Heartbeat = match from_json(&body) {
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

#[utoipa::path(get, path = "/kiosk/v1/openapi.json", tag = "public", operation_id = "getOpenApi",
    responses((status = 200, description = "This document (OpenAPI 3.1); no token needed",
        body = inline(Object))))]
pub(super) async fn get_openapi_doc() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        super::openapi::openapi_json(),
    )
        .into_response()
}

async fn not_found() -> Response {
    problem(StatusCode::NOT_FOUND, "Not found", "no such endpoint")
}

/// A method the path does not serve (axum adds the `Allow` header).
async fn method_not_allowed() -> Response {
    problem(
        StatusCode::METHOD_NOT_ALLOWED,
        "Method not allowed",
        "the path does not serve this method",
    )
}

// ---------------------------------------------------------------- admin API

/// The collections the admin API can publish.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)] // only its schema is used: the path is matched as text
enum Collection {
    Promo,
    Services,
    Contacts,
    Elections,
    #[serde(rename = "notice-board")]
    NoticeBoard,
}

/// A collection's document, validated exactly as the kiosk validates it.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(untagged)]
#[allow(dead_code)] // only its schema is used
enum AnyCollection {
    Promo(PromoPlaylist),
    Services(ServiceCatalogue),
    Contacts(ContactDirectory),
    Elections(ElectionInfo),
    NoticeBoard(super::ofn::OfnNoticeBoard),
}

/// Publishes a collection (validated exactly as the kiosk validates it; the
/// notice board is an OFN document, read by the kiosk's reader and kept as sent).
#[utoipa::path(put, path = "/admin/v1/content/{collection}", tag = "admin", operation_id = "adminPutContent",
    security(("adminToken" = [])),
    params(("collection" = inline(Collection), Path, description = "Which collection")),
    request_body(content = inline(AnyCollection), description = "The collection's document, of the collection's type"),
    responses((status = 200, description = "Published; no body",
                  headers(("ETag" = String, description = "The new version's ETag"))),
              (status = 404, description = "No such collection"),
              (status = 422, description = "Not a valid document of this collection")))]
pub(super) async fn put_content(
    State(state): AppState,
    PathParam(collection): PathParam,
    _: AdminAuth,
    BodyBytes(body): BodyBytes,
) -> Response {
    let canonical = match collection.as_str() {
        "promo" => canonical::<PromoPlaylist>(&body).and_then(|json| {
            // A notice that has expired already is a mistake of whoever
            // publishes it (a kiosk would never show it).
            let playlist: PromoPlaylist = serde_json::from_str(&json).map_err(|e| e.to_string())?;
            let now = chrono::Utc::now();
            match playlist.notices.iter().find(|n| n.expires_at <= now) {
                Some(n) => Err(format!("notice `{}` has expired already", n.id)),
                None => Ok(json),
            }
        }),
        "services" => canonical::<ServiceCatalogue>(&body),
        "contacts" => canonical::<ContactDirectory>(&body),
        "elections" => canonical::<ElectionInfo>(&body),
        // The board is kept as the town published it (OFN), once the kiosk's
        // reader accepts it: it is the reader that the kiosk must exercise.
        "notice-board" => super::seed::check_board(&body),
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
    let value: C = from_json(body).map_err(|e| e.to_string())?;
    value.validate().map_err(|e| e.to_string())?;
    serde_json::to_string(&value).map_err(|e| e.to_string())
}

/// Stores an asset; answers its `AssetRef` (hash, size, pixel size).
#[utoipa::path(post, path = "/admin/v1/assets", tag = "admin", operation_id = "adminPostAsset",
    security(("adminToken" = [])),
    request_body(description = "A PNG or JPEG picture", content(("image/png"), ("image/jpeg"))),
    responses((status = 200, description = "Stored: its reference for a slide", body = AssetRef),
              (status = 422, description = "Not a PNG or JPEG picture")))]
pub(super) async fn post_asset(
    State(state): AppState,
    _: AdminAuth,
    BodyBytes(body): BodyBytes,
) -> Response {
    match super::seed::store_asset(&state, &body) {
        Ok(asset) => axum::Json(asset).into_response(),
        Err(e) => problem(StatusCode::UNPROCESSABLE_ENTITY, "Invalid asset", e),
    }
}

/// A fault to inject (faults.rs): `not-json`, `truncated`, `wrong-types`,
/// `not-modified`, `wrong-hash`, `cut-off`, `status:CODE[:retry=SECONDS]`,
/// `ack-delay:MS` or `delay:MS`.
#[derive(serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct FaultRequest {
    fault: String,
    /// How many requests it applies to (0 counts as 1; negative: until cleared).
    #[serde(default = "one")]
    times: i64,
}

fn one() -> i64 {
    1
}

/// Makes the next requests of a target fail in a chosen way, for tests.
#[utoipa::path(put, path = "/admin/v1/faults/{target}", tag = "admin", operation_id = "adminPutFault",
    security(("adminToken" = [])),
    params(("target" = String, Path, description = "promo, services, contacts, elections, assets, events, \
        me-dashboard, me-obligations, me-payments, me-submissions, me-watchdog, staff-login, \
        staff-obligations or staff-payments")),
    request_body(content = FaultRequest, example = json!({"fault": "status:503:retry=2", "times": 1})),
    responses((status = 204, description = "Set"),
              (status = 400, description = "Not a fault request, or an unknown fault")))]
pub(super) async fn put_fault(
    State(state): AppState,
    PathParam(target): PathParam,
    _: AdminAuth,
    BodyBytes(body): BodyBytes,
) -> Response {
    let request: FaultRequest = match from_json(&body) {
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

/// Clears the fault of a target.
#[utoipa::path(delete, path = "/admin/v1/faults/{target}", tag = "admin", operation_id = "adminDeleteFault",
    security(("adminToken" = [])),
    params(("target" = String, Path, description = "As for PUT")),
    responses((status = 204, description = "Cleared (or there was none)")))]
pub(super) async fn delete_fault(
    State(state): AppState,
    PathParam(target): PathParam,
    _: AdminAuth,
) -> Response {
    match state.with_db(|c| c.execute("DELETE FROM faults WHERE target = ?1", [target])) {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => internal(e),
    }
}

/// An event as the portal stored it.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct StoredEvent {
    #[schema(format = Uuid)]
    id: String,
    kiosk_id: String,
    kind: String,
    #[schema(format = DateTime)]
    occurred_at: String,
    #[schema(value_type = Object)]
    payload: serde_json::Value,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct StoredEvents {
    count: usize,
    events: Vec<StoredEvent>,
}

/// Every event received, oldest first.
#[utoipa::path(get, path = "/admin/v1/events", tag = "admin", operation_id = "adminListEvents",
    security(("adminToken" = [])),
    responses((status = 200, description = "The events by the time they happened", body = StoredEvents)))]
pub(super) async fn list_events(State(state): AppState, _: AdminAuth) -> Response {
    let rows = state.with_db(|c| {
        let mut stmt = c.prepare(
            "SELECT id, kiosk_id, kind, occurred_at, payload FROM events ORDER BY occurred_at, id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(StoredEvent {
                id: r.get(0)?,
                kiosk_id: r.get(1)?,
                kind: r.get(2)?,
                occurred_at: r.get(3)?,
                payload: serde_json::from_str(&r.get::<_, String>(4)?).unwrap_or_default(),
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
    });
    match rows {
        Ok(events) => axum::Json(StoredEvents {
            count: events.len(),
            events,
        })
        .into_response(),
        Err(e) => internal(e),
    }
}

/// The last heartbeat of every kiosk.
#[utoipa::path(get, path = "/admin/v1/heartbeats", tag = "admin", operation_id = "adminListHeartbeats",
    security(("adminToken" = [])),
    responses((status = 200, description = "One heartbeat per kiosk, by kiosk id", body = Vec<Heartbeat>)))]
pub(super) async fn list_heartbeats(State(state): AppState, _: AdminAuth) -> Response {
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
