//! Citizen login at the development portal, as a real backend would do it
//! (EOBCANKA.md): one outstanding challenge per kiosk, single use, expiring;
//! the Web eID token validated against the configured issuer (the test CA);
//! the certificate's serialNumber mapped to a demo citizen; sessions in memory.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use chrono::Utc;

use super::PortalState;
use super::extract::{AdminAuth, KioskAuth};
use super::handlers::{internal, problem};
use crate::portal::client::CITIZEN_SESSION;
use crate::portal::types::Timestamp;
use crate::portal::types::{AuthChallenge, AuthSession, CitizenSummary};
use crate::webeid::{self, TrustAnchors};

type AppState = State<Arc<PortalState>>;

/// The test issuing CA that the demo cards' certificates chain to.
pub const TEST_CA_PEM: &str = include_str!("../../assets/test-pki/ca.pem");
/// The demo citizens (shared with the `/me` endpoints).
pub const CITIZENS_JSON: &str = include_str!("../../assets/seed/citizens.json");

/// How long a session lasts at most.
const SESSION_TTL: Duration = Duration::from_secs(30 * 60);

pub struct AuthState {
    anchors: TrustAnchors,
    /// serialNumber of the certificate → index into `citizens`.
    by_serial: HashMap<String, usize>,
    pub(crate) citizens: Vec<serde_json::Value>,
    inner: Mutex<AuthInner>,
}

struct AuthInner {
    /// kiosk id → (nonce, expires at).
    challenges: HashMap<String, (String, Timestamp)>,
    /// session token → (kiosk id, citizen index, expires at).
    sessions: HashMap<String, (String, usize, Timestamp)>,
    nonce_ttl: Duration,
    /// The origin the card signs for: the portal's own address (set when it
    /// starts listening), or what the admin API set — never the client's Host
    /// header, which whoever sends the request chooses.
    origin: Option<String>,
}

impl AuthState {
    pub fn new() -> Result<AuthState, String> {
        let anchors = TrustAnchors::from_pem(TEST_CA_PEM)?;
        let doc: serde_json::Value =
            serde_json::from_str(CITIZENS_JSON).map_err(|e| format!("citizens.json: {e}"))?;
        let citizens = doc["citizens"]
            .as_array()
            .cloned()
            .ok_or("citizens.json has no citizens")?;
        let mut by_serial = HashMap::new();
        for (i, c) in citizens.iter().enumerate() {
            let subject = c["certificateSubject"].as_str().unwrap_or_default();
            if let Some(serial) = subject
                .split(',')
                .map(str::trim)
                .find_map(|part| part.strip_prefix("SERIALNUMBER="))
            {
                by_serial.insert(serial.to_string(), i);
            }
        }
        Ok(AuthState {
            anchors,
            by_serial,
            citizens,
            inner: Mutex::new(AuthInner {
                challenges: HashMap::new(),
                sessions: HashMap::new(),
                nonce_ttl: Duration::from_secs(300),
                origin: None,
            }),
        })
    }

    /// Sets the origin logins are validated for, unless the admin API chose one.
    pub(crate) fn default_origin(&self, origin: String) {
        self.lock().origin.get_or_insert(origin);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, AuthInner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The citizen (index into `citizens`) behind a session token sent by
    /// `kiosk_id`, if the session is live and was opened by that kiosk.
    pub(crate) fn citizen_index(&self, kiosk_id: &str, session: &str) -> Option<usize> {
        let inner = self.lock();
        let (kiosk, index, expires) = inner.sessions.get(session)?;
        (kiosk == kiosk_id && *expires > Utc::now()).then_some(*index)
    }
}

fn random_token(bytes: usize) -> Result<String, getrandom::Error> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf)?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf))
}

fn unauthorized(detail: impl Into<String>) -> Response {
    problem(StatusCode::UNAUTHORIZED, "Login refused", detail)
}

pub(super) async fn post_challenge(
    State(state): AppState,
    KioskAuth(kiosk): KioskAuth,
) -> Response {
    let nonce = match webeid::new_nonce() {
        Ok(n) => n,
        Err(e) => return internal(e),
    };
    let mut inner = state.auth.lock();
    let expires_at = Utc::now()
        + chrono::Duration::from_std(inner.nonce_ttl).unwrap_or(chrono::Duration::minutes(5));
    // One outstanding challenge per kiosk: a new one replaces the old.
    inner.challenges.insert(kiosk, (nonce.clone(), expires_at));
    axum::Json(AuthChallenge { nonce, expires_at }).into_response()
}

pub(super) async fn post_card(
    State(state): AppState,
    KioskAuth(kiosk): KioskAuth,
    body: Bytes,
) -> Response {
    let token_json = match serde_json::from_slice::<serde_json::Value>(&body) {
        Ok(v) if v.get("token").is_some_and(|t| t.is_object()) => v["token"].to_string(),
        _ => {
            return problem(
                StatusCode::BAD_REQUEST,
                "Bad login request",
                "the body must be {\"token\": {…}}",
            );
        }
    };
    // The challenge is used up by this attempt, whatever its outcome.
    let (challenge, origin_override) = {
        let mut inner = state.auth.lock();
        (inner.challenges.remove(&kiosk), inner.origin.clone())
    };
    let Some((nonce, expires_at)) = challenge else {
        return unauthorized("no outstanding challenge (it was used already or never issued)");
    };
    let now = Utc::now();
    if expires_at <= now {
        return unauthorized("the challenge has expired");
    }
    let Some(origin) = origin_override else {
        return problem(
            StatusCode::SERVICE_UNAVAILABLE,
            "No origin",
            "the portal does not know its origin yet",
        );
    };
    let identity = match webeid::validate(
        &token_json,
        &origin,
        &nonce,
        &state.auth.anchors,
        now.timestamp(),
    ) {
        Ok(identity) => identity,
        Err(e) => return unauthorized(e.to_string()),
    };
    let Some(&index) = identity
        .serial_number
        .as_ref()
        .and_then(|s| state.auth.by_serial.get(s))
    else {
        return problem(
            StatusCode::FORBIDDEN,
            "Unknown citizen",
            "no portal account belongs to this card",
        );
    };
    let session = match random_token(32) {
        Ok(s) => s,
        Err(e) => return internal(e),
    };
    let expires_at = now + chrono::Duration::from_std(SESSION_TTL).unwrap_or_default();
    state
        .auth
        .lock()
        .sessions
        .insert(session.clone(), (kiosk, index, expires_at));
    let display_name = state.auth.citizens[index]["firstName"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    axum::Json(AuthSession {
        session,
        expires_at,
        citizen: CitizenSummary { display_name },
    })
    .into_response()
}

pub(super) async fn post_logout(
    State(state): AppState,
    _: KioskAuth,
    headers: HeaderMap,
) -> Response {
    if let Some(session) = headers.get(CITIZEN_SESSION).and_then(|v| v.to_str().ok()) {
        state.auth.lock().sessions.remove(session);
    }
    StatusCode::NO_CONTENT.into_response()
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AuthSettings {
    nonce_ttl_seconds: Option<u64>,
    origin: Option<String>,
}

/// `PUT /admin/v1/auth`: challenge lifetime and origin, for tests.
pub(super) async fn put_settings(State(state): AppState, _: AdminAuth, body: Bytes) -> Response {
    let settings: AuthSettings = match serde_json::from_slice(&body) {
        Ok(s) => s,
        Err(e) => return problem(StatusCode::BAD_REQUEST, "Bad auth settings", e.to_string()),
    };
    let mut inner = state.auth.lock();
    if let Some(ttl) = settings.nonce_ttl_seconds {
        inner.nonce_ttl = Duration::from_secs(ttl);
    }
    if settings.origin.is_some() {
        inner.origin = settings.origin;
    }
    StatusCode::NO_CONTENT.into_response()
}

/// `GET /admin/v1/auth/sessions`: how many sessions are live (for tests).
pub(super) async fn get_sessions(State(state): AppState, _: AdminAuth) -> Response {
    let now = Utc::now();
    let live = state
        .auth
        .lock()
        .sessions
        .values()
        .filter(|(_, _, e)| *e > now)
        .count();
    axum::Json(serde_json::json!({ "live": live })).into_response()
}
