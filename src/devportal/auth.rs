//! Citizen login at the development portal, as a real backend would do it
//! (EOBCANKA.md): one outstanding challenge per kiosk, single use, expiring;
//! the Web eID token validated against the configured issuer (the test CA);
//! the certificate's serialNumber mapped to a demo citizen; sessions in memory.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use chrono::Utc;

use super::PortalState;
use super::extract::{AdminAuth, BodyBytes, KioskAuth, from_json};
use super::handlers::{internal, problem};
use super::routes::Routes;
use crate::portal::client::CITIZEN_SESSION;
use crate::portal::types::Timestamp;
use crate::portal::types::{AuthCardRequest, AuthChallenge, AuthSession, CitizenSummary};
use crate::webeid::{self, TrustAnchors};

type AppState = State<Arc<PortalState>>;

/// The test issuing CA that the demo cards' certificates chain to.
pub const TEST_CA_PEM: &str = include_str!("../../assets/test-pki/ca.pem");
/// The demo citizens (shared with the `/me` endpoints).
pub const CITIZENS_JSON: &str = include_str!("../../assets/seed/citizens.json");

/// How long a session lasts at most.
const SESSION_TTL: Duration = Duration::from_secs(30 * 60);
/// The longest challenge lifetime a test may set (a day).
const MAX_NONCE_TTL_SECONDS: u64 = 24 * 60 * 60;

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
    /// The demo citizens of a seed's `citizens.json`.
    pub fn new(citizens_json: &str) -> Result<AuthState, String> {
        let anchors = TrustAnchors::from_pem(TEST_CA_PEM)?;
        let doc: serde_json::Value =
            serde_json::from_str(citizens_json).map_err(|e| format!("citizens.json: {e}"))?;
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

    /// The portal's own origin (`http://127.0.0.1:PORT`, or what the admin API
    /// set): the phone login's approval page lives under it.
    pub(crate) fn origin(&self) -> Option<String> {
        self.lock().origin.clone()
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

/// The login routes of the kiosk API and their admin controls.
pub(super) fn routes() -> Routes {
    Routes::new()
        .post("/kiosk/v1/auth/challenge", post_challenge)
        .post("/kiosk/v1/auth/card", post_card)
        .post("/kiosk/v1/auth/logout", post_logout)
        .put("/admin/v1/auth", put_settings)
        .get("/admin/v1/auth/sessions", get_sessions)
        .post("/admin/v1/auth/sessions", post_session)
}

fn random_token(bytes: usize) -> Result<String, getrandom::Error> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf)?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf))
}

fn unauthorized(detail: impl Into<String>) -> Response {
    problem(StatusCode::UNAUTHORIZED, "Login refused", detail)
}

#[utoipa::path(post, path = "/kiosk/v1/auth/challenge", tag = "auth", operation_id = "authChallenge",
    security(("kioskToken" = [])),
    responses((status = 200, description = "A fresh nonce for the card to sign (EOBCANKA.md). \
        One outstanding challenge per kiosk: a new one replaces the old; it is used up by the next \
        POST /auth/card, whatever its outcome.", body = AuthChallenge)))]
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

#[utoipa::path(post, path = "/kiosk/v1/auth/card", tag = "auth", operation_id = "authCard",
    security(("kioskToken" = [])),
    request_body(content = AuthCardRequest, description = "The Web eID token (EOBCANKA.md): the card's \
        authentication certificate and its signature over the hash of the backend's origin and the nonce"),
    responses((status = 200, description = "A citizen session, sent back as `x-citizen-session`; \
        ends 30 minutes after the login at the latest", body = AuthSession),
              (status = 400, description = "The body is not `{\"token\": {…}}`"),
              (status = 401, description = "No kiosk token; no outstanding or an expired challenge; \
                  or a token that does not validate (certificate, signature, origin, nonce)"),
              (status = 403, description = "No portal account belongs to this card")))]
pub(super) async fn post_card(
    State(state): AppState,
    KioskAuth(kiosk): KioskAuth,
    BodyBytes(body): BodyBytes,
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
    match open_session(&state, kiosk, index, now) {
        Ok(session) => axum::Json(session).into_response(),
        Err(e) => internal(e),
    }
}

/// A new session of citizen `index` at `kiosk` (a card login's, an admin's
/// or a phone login's: they are the same session).
pub(super) fn open_session(
    state: &PortalState,
    kiosk: String,
    index: usize,
    now: Timestamp,
) -> Result<AuthSession, getrandom::Error> {
    let session = random_token(32)?;
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
    Ok(AuthSession {
        session,
        expires_at,
        citizen: CitizenSummary { display_name },
    })
}

#[utoipa::path(post, path = "/kiosk/v1/auth/logout", tag = "auth", operation_id = "authLogout",
    security(("kioskToken" = [])),
    params(("x-citizen-session" = Option<String>, Header, description = "The session to end")),
    responses((status = 204, description = "The session has ended (or had already, or was not this kiosk's)")))]
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

/// Login settings for tests; an absent field is left as it is.
#[derive(serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AuthSettings {
    /// How long a challenge stays valid (default 300).
    #[schema(maximum = 86400)]
    nonce_ttl_seconds: Option<u64>,
    /// The origin the Web eID token must name, instead of `http://` + the Host header.
    origin: Option<String>,
}

/// `PUT /admin/v1/auth`: challenge lifetime and origin, for tests.
#[utoipa::path(put, path = "/admin/v1/auth", tag = "admin", operation_id = "adminPutAuthSettings",
    security(("adminToken" = [])),
    request_body(content = AuthSettings, example = json!({"nonceTtlSeconds": 300})),
    responses((status = 204, description = "Set"),
              (status = 400, description = "Not auth settings (unknown fields are refused)"),
              (status = 422, description = "A challenge lifetime over a day")))]
pub(super) async fn put_settings(
    State(state): AppState,
    _: AdminAuth,
    BodyBytes(body): BodyBytes,
) -> Response {
    let settings: AuthSettings = match from_json(&body) {
        Ok(s) => s,
        Err(e) => return problem(StatusCode::BAD_REQUEST, "Bad auth settings", e.to_string()),
    };
    if settings
        .nonce_ttl_seconds
        .is_some_and(|s| s > MAX_NONCE_TTL_SECONDS)
    {
        return problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Bad auth settings",
            format!("nonceTtlSeconds must be at most {MAX_NONCE_TTL_SECONDS}"),
        );
    }
    let mut inner = state.auth.lock();
    if let Some(ttl) = settings.nonce_ttl_seconds {
        inner.nonce_ttl = Duration::from_secs(ttl);
    }
    if settings.origin.is_some() {
        inner.origin = settings.origin;
    }
    StatusCode::NO_CONTENT.into_response()
}

/// How many citizen sessions are live.
#[derive(serde::Serialize, utoipa::ToSchema)]
struct LiveSessions {
    live: usize,
}

/// `GET /admin/v1/auth/sessions`: how many sessions are live (for tests).
#[utoipa::path(get, path = "/admin/v1/auth/sessions", tag = "admin", operation_id = "adminCountSessions",
    security(("adminToken" = [])),
    responses((status = 200, description = "The number of live citizen sessions", body = LiveSessions)))]
pub(super) async fn get_sessions(State(state): AppState, _: AdminAuth) -> Response {
    let now = Utc::now();
    let live = state
        .auth
        .lock()
        .sessions
        .values()
        .filter(|(_, _, e)| *e > now)
        .count();
    axum::Json(LiveSessions { live }).into_response()
}

/// A citizen session to open without a card.
#[derive(serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SessionRequest {
    /// A demo citizen's id from `assets/seed/citizens.json` ("demo-jana").
    citizen_id: String,
    /// The kiosk the session is for (it works only with that kiosk's token).
    kiosk_id: String,
}

/// `POST /admin/v1/auth/sessions`: a citizen session as a card login on
/// `kioskId` would open it, for tools that cannot sign with a demo card
/// (`tools/api-fuzz`).
#[utoipa::path(post, path = "/admin/v1/auth/sessions", tag = "admin", operation_id = "adminOpenSession",
    security(("adminToken" = [])),
    request_body(content = SessionRequest,
        example = json!({"citizenId": "demo-jana", "kioskId": "lt-demo-01"})),
    responses((status = 201, description = "A citizen session, as POST /kiosk/v1/auth/card answers it", body = AuthSession),
              (status = 400, description = "Not a session request"),
              (status = 422, description = "No such demo citizen or kiosk")))]
pub(super) async fn post_session(
    State(state): AppState,
    _: AdminAuth,
    BodyBytes(body): BodyBytes,
) -> Response {
    let request: SessionRequest = match from_json(&body) {
        Ok(r) => r,
        Err(e) => {
            return problem(
                StatusCode::BAD_REQUEST,
                "Bad session request",
                e.to_string(),
            );
        }
    };
    let Some(index) = state
        .auth
        .citizens
        .iter()
        .position(|c| c["id"].as_str() == Some(request.citizen_id.as_str()))
    else {
        return problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Unknown citizen",
            "no demo citizen has this id",
        );
    };
    let known_kiosk = state.with_db(|c| {
        c.query_row(
            "SELECT COUNT(*) FROM tokens WHERE kiosk_id = ?1",
            [&request.kiosk_id],
            |r| r.get::<_, i64>(0),
        )
    });
    match known_kiosk {
        Ok(0) => {
            return problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Unknown kiosk",
                "no kiosk token belongs to this kiosk id",
            );
        }
        Ok(_) => {}
        Err(e) => return internal(e),
    }
    match open_session(&state, request.kiosk_id, index, Utc::now()) {
        Ok(session) => (StatusCode::CREATED, axum::Json(session)).into_response(),
        Err(e) => internal(e),
    }
}
