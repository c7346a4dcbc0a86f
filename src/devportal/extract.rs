//! Who is asking the development portal, and how it says no: axum extractors
//! for the kiosk's bearer token ([`KioskAuth`]), the admin token
//! ([`AdminAuth`]), a citizen's session ([`CitizenSession`]) and a staff
//! session ([`StaffAuth`]), the request body ([`BodyBytes`]) and a path parameter
//! ([`PathParam`]), and [`ApiError`], the problem+json refusal that they and
//! the handlers answer with (handlers return [`Answer`] and use `?`). The body
//! and path extractors exist so that axum's own refusals (a body over the
//! limit, a path that is not UTF-8) are problem+json too, as the document says.
//!
//! It must never change the shape of a refusal: every one is rendered by
//! `handlers::problem`, byte for byte as before. It never logs a session
//! token or a citizen.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rusqlite::OptionalExtension;
use serde::de::Error as _;

use super::PortalState;
use super::handlers::{internal, problem, status_fault, typed_problem};
use crate::portal::client::{CITIZEN_SESSION, STAFF_SESSION};

/// What a handler answers: the response, or a refusal.
pub(super) type Answer = Result<Response, ApiError>;

/// A refusal of the development portal; its response is problem+json.
#[derive(Debug, thiserror::Error)]
pub(super) enum ApiError {
    /// A 4xx (or other) answer with its title and detail.
    #[error("{status} {title}: {detail}")]
    Problem {
        status: StatusCode,
        title: &'static str,
        detail: String,
    },
    /// Something broke inside the portal: logged, then a 500.
    #[error("internal error: {0}")]
    Internal(String),
    /// A refusal with its own problem type (`type`), optionally a
    /// `Retry-After` and the staff login's `missesLeft`.
    #[error("{status} {title}: {detail}")]
    Typed {
        status: StatusCode,
        kind: &'static str,
        title: &'static str,
        detail: String,
        retry_after: Option<u64>,
        misses_left: Option<u32>,
    },
    /// A status injected by a fault (`status:…` with an optional Retry-After).
    #[error("injected fault: status {status}")]
    Injected {
        status: u16,
        retry_after: Option<u64>,
    },
}

impl ApiError {
    pub(super) fn new(status: StatusCode, title: &'static str, detail: impl Into<String>) -> Self {
        ApiError::Problem {
            status,
            title,
            detail: detail.into(),
        }
    }

    pub(super) fn internal(e: impl std::fmt::Display) -> Self {
        ApiError::Internal(e.to_string())
    }

    /// A refusal whose problem has the type `kind` (a URI the kiosk tells apart).
    pub(super) fn typed(
        status: StatusCode,
        kind: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        ApiError::Typed {
            status,
            kind,
            title,
            detail: detail.into(),
            retry_after: None,
            misses_left: None,
        }
    }

    /// … answered with `Retry-After: seconds`.
    pub(super) fn retry_after(mut self, seconds: u64) -> Self {
        if let ApiError::Typed { retry_after, .. } = &mut self {
            *retry_after = Some(seconds);
        }
        self
    }

    /// … with the staff login's `missesLeft`.
    pub(super) fn misses_left(mut self, left: u32) -> Self {
        if let ApiError::Typed { misses_left, .. } = &mut self {
            *misses_left = Some(left);
        }
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Problem {
                status,
                title,
                detail,
            } => problem(status, title, detail),
            ApiError::Typed {
                status,
                kind,
                title,
                detail,
                retry_after,
                misses_left,
            } => typed_problem(status, kind, title, detail, retry_after, misses_left),
            ApiError::Internal(e) => internal(e),
            ApiError::Injected {
                status,
                retry_after,
            } => status_fault(status, retry_after),
        }
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

/// The kiosk id behind the request's bearer token, or a 401.
fn kiosk_id(state: &PortalState, headers: &HeaderMap) -> Result<String, ApiError> {
    let unauthorized = || {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            "a valid kiosk bearer token is required",
        )
    };
    let token = bearer(headers).ok_or_else(unauthorized)?;
    state
        .with_db(|c| {
            c.query_row(
                "SELECT kiosk_id FROM tokens WHERE token = ?1",
                [token],
                |r| r.get::<_, String>(0),
            )
            .optional()
        })
        .map_err(ApiError::internal)?
        .ok_or_else(unauthorized)
}

/// A request with a known kiosk's bearer token: the kiosk's id.
pub(super) struct KioskAuth(pub String);

impl FromRequestParts<Arc<PortalState>> for KioskAuth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<PortalState>,
    ) -> Result<Self, Self::Rejection> {
        kiosk_id(state, &parts.headers).map(KioskAuth)
    }
}

/// A request with the admin API's bearer token.
pub(super) struct AdminAuth;

impl FromRequestParts<Arc<PortalState>> for AdminAuth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<PortalState>,
    ) -> Result<Self, Self::Rejection> {
        if bearer(&parts.headers) == Some(state.admin_token.as_str()) {
            Ok(AdminAuth)
        } else {
            Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "Unauthorized",
                "the admin token is required",
            ))
        }
    }
}

/// A citizen's request: the kiosk's token and a live citizen session that the
/// same kiosk opened (`x-citizen-session`); the citizen's index into
/// `AuthState::citizens`. Anything else is a 401 "Session ended".
pub(super) struct CitizenSession(pub usize);

impl FromRequestParts<Arc<PortalState>> for CitizenSession {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<PortalState>,
    ) -> Result<Self, Self::Rejection> {
        let kiosk = kiosk_id(state, &parts.headers)?;
        parts
            .headers
            .get(CITIZEN_SESSION)
            .and_then(|v| v.to_str().ok())
            .and_then(|session| state.auth.citizen_index(&kiosk, session))
            .map(CitizenSession)
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "Session ended",
                    "the citizen session is not valid (any more); log in again",
                )
            })
    }
}

/// A counter's request: the kiosk's token and a live staff session of that
/// kiosk (`x-staff-session`), whose end this use moves on; who is asking.
/// Anything else is a 401 "Session ended".
pub(super) struct StaffAuth(pub super::staff::StaffCaller);

impl FromRequestParts<Arc<PortalState>> for StaffAuth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<PortalState>,
    ) -> Result<Self, Self::Rejection> {
        let kiosk = kiosk_id(state, &parts.headers)?;
        parts
            .headers
            .get(STAFF_SESSION)
            .and_then(|v| v.to_str().ok())
            .and_then(|session| state.staff.caller(&kiosk, session, state.staff.now()))
            .map(StaffAuth)
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "Session ended",
                    "the staff session is not valid (any more); log in again",
                )
            })
    }
}

/// The request's body, read whole (up to the router's body limit). A body
/// over the limit is a 413, one that cannot be read a 400, both problem+json.
pub(super) struct BodyBytes(pub Bytes);

impl FromRequest<Arc<PortalState>> for BodyBytes {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &Arc<PortalState>) -> Result<Self, Self::Rejection> {
        Bytes::from_request(req, state)
            .await
            .map(BodyBytes)
            .map_err(|e| {
                let title = if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    "Payload too large"
                } else {
                    "Bad request body"
                };
                ApiError::new(e.status(), title, e.body_text())
            })
    }
}

/// The one parameter of a path such as `/assets/{sha256}`, percent-decoded.
/// One that does not decode to UTF-8 is a 400 problem+json.
pub(super) struct PathParam(pub String);

impl FromRequestParts<Arc<PortalState>> for PathParam {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<PortalState>,
    ) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(p)| PathParam(p))
            .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "Bad path", e.body_text()))
    }
}

/// A JSON request body as `T`, read as the OpenAPI document's JSON Schema
/// reads it, where serde alone reads it differently:
///
/// - `2.0` is the same integer as `2`, so a whole number written with a
///   fraction is taken where an integer is expected (serde refuses it);
/// - an object is an object: serde also builds a struct from an array of its
///   fields in order (`[null, null]` for two optional fields), which the
///   document does not allow, so that is refused.
///
/// Any other refusal is serde's own, with its position.
pub(super) fn from_json<T>(body: &[u8]) -> serde_json::Result<T>
where
    T: serde::de::DeserializeOwned + serde::Serialize,
{
    let parsed = match serde_json::from_slice::<T>(body) {
        Ok(value) => Ok(value),
        Err(refusal) if refusal.is_data() => {
            let mut value = serde_json::from_slice::<serde_json::Value>(body)
                .map_err(|_| serde_json::Error::custom(&refusal))?;
            if whole_floats_to_integers(&mut value) {
                T::deserialize(value).map_err(|_| refusal)
            } else {
                Err(refusal)
            }
        }
        Err(refusal) => Err(refusal),
    }?;
    // Arrays are rare in request bodies; only then is the shape compared.
    if body.contains(&b'[') {
        let sent: serde_json::Value = serde_json::from_slice(body)?;
        let read = serde_json::to_value(&parsed)?;
        if let Some(at) = array_read_as_object(&sent, &read, String::new()) {
            return Err(serde_json::Error::custom(format!(
                "invalid type: array at `{at}`, expected an object"
            )));
        }
    }
    Ok(parsed)
}

/// Where `sent` has an array that serde read as an object (struct), if anywhere.
fn array_read_as_object(
    sent: &serde_json::Value,
    read: &serde_json::Value,
    at: String,
) -> Option<String> {
    use serde_json::Value;
    match (sent, read) {
        (Value::Array(_), Value::Object(_)) => Some(if at.is_empty() { "/".into() } else { at }),
        (Value::Array(sent), Value::Array(read)) => sent
            .iter()
            .zip(read)
            .enumerate()
            .find_map(|(i, (s, r))| array_read_as_object(s, r, format!("{at}/{i}"))),
        (Value::Object(sent), Value::Object(read)) => sent.iter().find_map(|(key, s)| {
            read.get(key)
                .and_then(|r| array_read_as_object(s, r, format!("{at}/{key}")))
        }),
        _ => None,
    }
}

/// Largest magnitude a float spells exactly as an integer (2^53).
const EXACT_FLOAT_INTEGER: f64 = 9_007_199_254_740_992.0;

/// Replaces whole floats (`2.0`) by integers; whether it replaced any.
fn whole_floats_to_integers(value: &mut serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::Number(n) if n.is_f64() => {
            let Some(f) = n.as_f64() else { return false };
            if f.fract() != 0.0 || f.abs() > EXACT_FLOAT_INTEGER {
                return false;
            }
            // Exact: |f| ≤ 2^53 and whole.
            *value = Value::from(f as i64);
            true
        }
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |any, v| whole_floats_to_integers(v) | any),
        Value::Object(map) => map
            .values_mut()
            .fold(false, |any, v| whole_floats_to_integers(v) | any),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_number_written_as_a_float_near_2_pow_52_is_still_whole() {
        // Found by schemathesis: without exact float parsing this read as
        // 4187711647394910.5 and a valid heartbeat was refused.
        #[derive(serde::Deserialize, serde::Serialize)]
        struct Disk {
            free: u64,
        }
        let disk: Disk = from_json(br#"{"free": 4187711647394910.0}"#).unwrap();
        assert_eq!(disk.free, 4_187_711_647_394_910);
    }

    #[derive(serde::Deserialize, serde::Serialize, Debug, PartialEq)]
    struct Counts {
        n: u64,
        list: Vec<u8>,
        ratio: Option<f64>,
    }

    #[test]
    fn whole_floats_are_integers_as_in_json_schema() {
        let c: Counts = from_json(br#"{"n": 24769.0, "list": [1.0, 2], "ratio": 0.5}"#).unwrap();
        assert_eq!(
            c,
            Counts {
                n: 24769,
                list: vec![1, 2],
                ratio: Some(0.5)
            }
        );
        // A fraction is still refused, with serde's own message and position.
        let e = from_json::<Counts>(br#"{"n": 1.5, "list": []}"#).unwrap_err();
        assert!(e.to_string().contains("line 1 column"), "{e}");
        assert!(from_json::<Counts>(br#"{"n": -1.0, "list": []}"#).is_err());
        assert!(from_json::<Counts>(br#"{"n": 1e300, "list": []}"#).is_err());
        assert!(from_json::<Counts>(b"{\"n\": 1").unwrap_err().is_eof());
    }

    #[derive(serde::Deserialize, serde::Serialize, Debug, PartialEq)]
    struct Outer {
        inner: Vec<Counts>,
        any: serde_json::Value,
    }

    #[test]
    fn objects_written_as_arrays_are_refused() {
        // serde alone takes a struct's fields as an array, in order.
        assert!(serde_json::from_slice::<Counts>(b"[1, [], null]").is_ok());
        let e = from_json::<Counts>(b"[1, [], null]").unwrap_err();
        assert!(e.is_data() && e.to_string().contains("array at `/`"), "{e}");
        let e =
            from_json::<Outer>(br#"{"inner": [{"n": 1, "list": []}, [2, [], null]], "any": 0}"#)
                .unwrap_err();
        assert!(e.to_string().contains("`/inner/1`"), "{e}");
        // Arrays where the type has arrays, or takes any JSON, are fine.
        let ok: Outer =
            from_json(br#"{"inner": [{"n": 1, "list": [1, 2]}], "any": [[1], {"a": [2]}]}"#)
                .unwrap();
        assert_eq!(ok.inner[0].list, vec![1, 2]);
    }
}
