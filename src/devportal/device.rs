//! Login with a phone at the development portal: the OAuth 2.0 Device
//! Authorization Grant (RFC 8628, PHONE-LOGIN.md) as the town's backend would
//! offer it. A kiosk asks `POST /kiosk/v1/auth/device` for a code, shows it as
//! a QR code, and polls `POST /kiosk/v1/auth/token`; the citizen approves on
//! the phone at the approval page (`/kod`), where — instead of the national
//! eID login a real portal runs there — a demo citizen is chosen. The session
//! the token endpoint then hands out is a citizen session like the card
//! login's (`auth::open_session`).
//!
//! A code is bound to the kiosk that asked for it (another kiosk's token gets
//! `invalid_grant`), is used once, expires (10 minutes unless the admin API
//! says otherwise), and polling faster than its interval answers `slow_down`
//! and adds 5 s to that interval. Codes live in memory only.
//!
//! It never logs a device code, a user code, a session or a citizen.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;

use super::PortalState;
use super::extract::{AdminAuth, BodyBytes, KioskAuth, from_json};
use super::handlers::{internal, problem};
use super::routes::Routes;
use crate::portal::types::{
    CITIZEN_SESSION_TOKEN_TYPE, DEVICE_CODE_GRANT, DeviceAuthorization, DeviceAuthorizationRequest,
    DeviceCancelRequest, DeviceCitizen, DeviceSession, DeviceTokenRequest, OAuthError,
    OAuthErrorCode, USER_CODE_ALPHABET,
};

type AppState = State<Arc<PortalState>>;

/// Where the approval page lives (the `verification_uri`): short, to be typed.
pub const APPROVAL_PATH: &str = "/kod";
/// How long a code lives unless the admin API says otherwise.
const DEFAULT_EXPIRES_IN: Duration = Duration::from_secs(10 * 60);
/// The polling interval handed out unless the admin API says otherwise.
const DEFAULT_INTERVAL_SECONDS: u64 = 5;
/// What `slow_down` adds to a code's interval (RFC 8628 §3.5).
const SLOW_DOWN_STEP_SECONDS: u64 = 5;
/// Expired, used and abandoned codes are remembered this long after their
/// expiry, so that a late poll gets `expired_token` rather than `invalid_grant`.
const REMEMBER_AFTER_EXPIRY: Duration = Duration::from_secs(10 * 60);
/// Most codes held at once (a fuzzer asks for thousands): the oldest go first.
const MAX_CODES: usize = 10_000;
/// An approval page's form is valid this long after it was shown.
const PAGE_TTL: Duration = Duration::from_secs(15 * 60);
/// Most approval forms outstanding at once.
const MAX_PAGES: usize = 10_000;
/// Limits the admin API accepts for tests.
const MAX_EXPIRES_IN_SECONDS: u64 = 3600;
const MAX_INTERVAL_SECONDS: u64 = 60;

/// Where a code is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CodeState {
    Pending,
    /// Approved for this citizen (index into `AuthState::citizens`).
    Approved(usize),
    Denied,
    /// The kiosk abandoned it.
    Cancelled,
    /// Its session was handed out.
    Used,
}

struct CodeRecord {
    kiosk: String,
    /// The eight characters without the dash.
    user_code: String,
    issued: Instant,
    expires: Instant,
    interval: u64,
    last_poll: Option<Instant>,
    state: CodeState,
}

struct DeviceInner {
    /// device code → record.
    codes: HashMap<String, CodeRecord>,
    /// user code (normalised) → device code.
    by_user_code: HashMap<String, String>,
    /// The approval pages' form tokens → (user code, shown at).
    pages: HashMap<String, (String, Instant)>,
    expires_in: Duration,
    interval: u64,
}

/// The live device codes and the approval pages' form tokens.
pub(crate) struct DeviceState {
    inner: Mutex<DeviceInner>,
    /// Added to the monotonic clock (tests move time on; `PortalState::advance_clock`).
    clock_offset: Mutex<Duration>,
}

impl DeviceState {
    pub(crate) fn new() -> DeviceState {
        DeviceState {
            inner: Mutex::new(DeviceInner {
                codes: HashMap::new(),
                by_user_code: HashMap::new(),
                pages: HashMap::new(),
                expires_in: DEFAULT_EXPIRES_IN,
                interval: DEFAULT_INTERVAL_SECONDS,
            }),
            clock_offset: Mutex::new(Duration::ZERO),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, DeviceInner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn now(&self) -> Instant {
        Instant::now() + *self.clock_offset.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn advance_clock(&self, by: Duration) {
        *self.clock_offset.lock().unwrap_or_else(|p| p.into_inner()) += by;
    }
}

impl DeviceInner {
    /// Forgets codes long expired and forms no longer valid.
    fn purge(&mut self, now: Instant) {
        let gone: Vec<String> = self
            .codes
            .iter()
            .filter(|(_, r)| now.saturating_duration_since(r.expires) > REMEMBER_AFTER_EXPIRY)
            .map(|(d, _)| d.clone())
            .collect();
        for device_code in gone {
            self.forget(&device_code);
        }
        self.pages
            .retain(|_, (_, shown)| now.saturating_duration_since(*shown) < PAGE_TTL);
    }

    fn forget(&mut self, device_code: &str) {
        if let Some(record) = self.codes.remove(device_code)
            && self.by_user_code.get(&record.user_code).map(String::as_str) == Some(device_code)
        {
            self.by_user_code.remove(&record.user_code);
        }
    }

    /// The record of a live (not yet expired) code with this user code.
    fn live_by_user_code(&mut self, user_code: &str, now: Instant) -> Option<&mut CodeRecord> {
        let device_code = self.by_user_code.get(user_code)?;
        self.codes.get_mut(device_code).filter(|r| r.expires > now)
    }
}

/// A user code as typed: case and dashes (and spaces) ignored; None unless
/// it is eight characters of the alphabet.
pub fn normalise_user_code(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\u{2010}'..='\u{2015}'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.chars().count() == 8 && code.chars().all(|c| USER_CODE_ALPHABET.contains(c)))
        .then_some(code)
}

/// `WDJBMJHT` → `WDJB-MJHT`, as the kiosk shows it.
fn dashed(code: &str) -> String {
    format!("{}-{}", &code[..4], &code[4..])
}

fn random_user_code() -> Result<String, getrandom::Error> {
    let alphabet = USER_CODE_ALPHABET.as_bytes();
    let mut code = String::with_capacity(8);
    while code.len() < 8 {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes)?;
        // 240 = 12 × 20: bytes above it would favour the first letters.
        for b in bytes.into_iter().filter(|b| *b < 240) {
            if code.len() < 8 {
                code.push(alphabet[usize::from(b) % alphabet.len()] as char);
            }
        }
    }
    Ok(code)
}

fn random_secret() -> Result<String, getrandom::Error> {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// The kiosk's name and place, as the approval page names them (PHONE-LOGIN.md:
/// the citizen must see *where* the login will appear). The town's backend has
/// its register of kiosks; the development portal knows the shipped sites.
pub fn kiosk_place(kiosk_id: &str) -> (String, String) {
    let (name, place) = match kiosk_id {
        super::DEMO_KIOSK_ID => ("Ukázkový kiosek", "vývojový portál na tomto počítači"),
        "lt-radnice-01" => (
            "Kiosek v podloubí radnice",
            "Mírové náměstí 15/7, Litoměřice",
        ),
        "lt-nadrazi-01" => ("Kiosek na nádraží", "Nádraží Litoměřice město, hala"),
        "lt-nemocnice-01" => ("Kiosek v nemocnici", "Nemocnice Litoměřice, vstupní hala"),
        super::DEMO_COUNTER_ID => ("Přepážka podatelny", "Městský úřad, Mírové náměstí 15/7"),
        other => return (format!("Kiosek {other}"), "místo není v evidenci".into()),
    };
    (name.into(), place.into())
}

/// The phone-login routes of the kiosk API, the approval page and their admin controls.
pub(super) fn routes() -> Routes {
    Routes::new()
        .post("/kiosk/v1/auth/device", post_device)
        .post("/kiosk/v1/auth/token", post_token)
        .post("/kiosk/v1/auth/device/cancel", post_cancel)
        .map(|r| r.layer(axum::middleware::map_response(super::me::no_store)))
        .get(APPROVAL_PATH, get_approval)
        .post(APPROVAL_PATH, post_approval)
        .post("/admin/v1/auth/device", post_decision)
        .put("/admin/v1/auth/device", put_settings)
}

// ---------------------------------------------------------------- helpers

/// An OAuth error answer: 400, `application/json`, never cached (RFC 6749 §5.2).
fn oauth_error(error: OAuthErrorCode, description: &str, interval: Option<u64>) -> Response {
    let body = OAuthError {
        error,
        error_description: Some(description.into()),
        interval,
    };
    (
        StatusCode::BAD_REQUEST,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::PRAGMA, "no-cache"),
        ],
        serde_json::to_vec(&body).unwrap_or_default(),
    )
        .into_response()
}

fn json_no_store<T: serde::Serialize>(value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::PRAGMA, "no-cache"),
            ],
            body,
        )
            .into_response(),
        Err(e) => internal(e),
    }
}

/// A form-encoded body as `T`. A body with another content type, a parameter
/// given twice or a missing one is refused with the reason.
fn form<T: serde::de::DeserializeOwned>(headers: &HeaderMap, body: &[u8]) -> Result<T, String> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        });
    match content_type.as_deref() {
        Some("application/x-www-form-urlencoded") => {}
        None if body.is_empty() => {}
        _ => return Err("the body must be application/x-www-form-urlencoded".into()),
    }
    // Every parameter is `name=value` (RFC 6749 appendix B); a bare word is
    // not a form but something else sent with a form's content type.
    if body
        .split(|b| *b == b'&')
        .any(|pair| !pair.is_empty() && !pair.contains(&b'='))
    {
        return Err("the body is not name=value pairs".into());
    }
    serde_urlencoded::from_bytes(body).map_err(|e| e.to_string())
}

fn valid_client_id(id: &str) -> bool {
    (1..=40).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// `client_id`, when given, must be well formed and name the token's kiosk:
/// the refusal if it does not.
fn client_refusal(client_id: Option<&str>, kiosk: &str) -> Option<Response> {
    match client_id {
        Some(id) if !valid_client_id(id) => Some(oauth_error(
            OAuthErrorCode::InvalidRequest,
            "client_id is not a kiosk id",
            None,
        )),
        Some(id) if id != kiosk => Some(oauth_error(
            OAuthErrorCode::InvalidClient,
            "client_id is not the kiosk the bearer token names",
            None,
        )),
        _ => None,
    }
}

// ---------------------------------------------------------------- kiosk API

/// [`DeviceAuthorizationRequest`] as sent: its scope as a string, so that an
/// unknown one is told apart (`invalid_scope`) from a malformed body.
#[derive(serde::Deserialize)]
struct RawDeviceRequest {
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    scope: Option<String>,
}

#[utoipa::path(post, path = "/kiosk/v1/auth/device", tag = "auth", operation_id = "authDevice",
    security(("kioskToken" = [])),
    request_body(content = DeviceAuthorizationRequest, content_type = "application/x-www-form-urlencoded",
        description = "RFC 8628 §3.1: `scope=citizen` (required here: the one scope there is) and, \
            optionally, `client_id` (the kiosk is the one its token names)"),
    responses((status = 200, description = "A code for the citizen's phone (RFC 8628 §3.2): show \
        `verification_uri_complete` as a QR code and `user_code` large; poll POST /auth/token with \
        `device_code` every `interval` seconds until `expires_in` passes (Cache-Control: no-store)",
        body = DeviceAuthorization),
              (status = 400, description = "An OAuth error (RFC 6749 §5.2): `invalid_request` (not a \
                  form, no scope, a parameter twice, a malformed client_id), `invalid_client` (client_id names \
                  another kiosk), `invalid_scope` (a scope other than `citizen`)",
                  body = OAuthError, content_type = "application/json")))]
pub(super) async fn post_device(
    State(state): AppState,
    KioskAuth(kiosk): KioskAuth,
    headers: HeaderMap,
    BodyBytes(body): BodyBytes,
) -> Response {
    let request: RawDeviceRequest = match form(&headers, &body) {
        Ok(r) => r,
        Err(e) => return oauth_error(OAuthErrorCode::InvalidRequest, &e, None),
    };
    if let Some(refusal) = client_refusal(request.client_id.as_deref(), &kiosk) {
        return refusal;
    }
    // A space-separated list (RFC 6749 §3.3) of which `citizen` is the only one.
    let Some(scope) = request.scope.as_deref() else {
        return oauth_error(
            OAuthErrorCode::InvalidRequest,
            "scope=citizen is required",
            None,
        );
    };
    if scope.split(' ').any(|scope| scope != "citizen") {
        return oauth_error(
            OAuthErrorCode::InvalidScope,
            "the only scope is `citizen`",
            None,
        );
    }
    let origin = state
        .auth
        .origin()
        .unwrap_or_else(|| "http://localhost".into());
    let (device_code, user_code, expires_in, interval) = {
        let now = state.device.now();
        let mut inner = state.device.lock();
        inner.purge(now);
        if inner.codes.len() >= MAX_CODES
            && let Some(oldest) = inner
                .codes
                .iter()
                .min_by_key(|(_, r)| r.issued)
                .map(|(d, _)| d.clone())
        {
            inner.forget(&oldest);
        }
        let (device_code, user_code) = loop {
            let (Ok(device_code), Ok(user_code)) = (random_secret(), random_user_code()) else {
                return internal("no random numbers for a device code");
            };
            if !inner.by_user_code.contains_key(&user_code) {
                break (device_code, user_code);
            }
        };
        let (expires_in, interval) = (inner.expires_in, inner.interval);
        inner
            .by_user_code
            .insert(user_code.clone(), device_code.clone());
        inner.codes.insert(
            device_code.clone(),
            CodeRecord {
                kiosk,
                user_code: user_code.clone(),
                issued: now,
                expires: now + expires_in,
                interval,
                last_poll: None,
                state: CodeState::Pending,
            },
        );
        (device_code, user_code, expires_in, interval)
    };
    let shown = dashed(&user_code);
    json_no_store(&DeviceAuthorization {
        device_code,
        verification_uri: format!("{origin}{APPROVAL_PATH}"),
        verification_uri_complete: Some(format!("{origin}{APPROVAL_PATH}?code={shown}")),
        user_code: shown,
        expires_in: expires_in.as_secs(),
        interval: Some(interval),
    })
}

#[utoipa::path(post, path = "/kiosk/v1/auth/token", tag = "auth", operation_id = "authToken",
    security(("kioskToken" = [])),
    request_body(content = DeviceTokenRequest, content_type = "application/x-www-form-urlencoded",
        description = "RFC 8628 §3.4: `grant_type=urn:ietf:params:oauth:grant-type:device_code` and the \
            `device_code` from POST /auth/device"),
    responses((status = 200, description = "Approved on the phone: a citizen session, used exactly as \
        the card login's (`x-citizen-session`); the code is used up (Cache-Control: no-store)",
        body = DeviceSession),
              (status = 400, description = "An OAuth error (RFC 8628 §3.5): `authorization_pending` \
                  (keep polling), `slow_down` (polled sooner than the interval after the last poll, \
                  or after the code was issued: the interval grows by 5 s, given in `interval`), \
                  `access_denied` (refused on the phone), `expired_token` (get a new code), \
                  `invalid_grant` (no such code, another kiosk's, used or abandoned), \
                  `unsupported_grant_type`, `invalid_client`, `invalid_request`",
                  body = OAuthError, content_type = "application/json")))]
pub(super) async fn post_token(
    State(state): AppState,
    KioskAuth(kiosk): KioskAuth,
    headers: HeaderMap,
    BodyBytes(body): BodyBytes,
) -> Response {
    let request: DeviceTokenRequest = match form(&headers, &body) {
        Ok(r) => r,
        Err(e) => return oauth_error(OAuthErrorCode::InvalidRequest, &e, None),
    };
    if let Some(refusal) = client_refusal(request.client_id.as_deref(), &kiosk) {
        return refusal;
    }
    if request.grant_type != DEVICE_CODE_GRANT {
        return oauth_error(
            OAuthErrorCode::UnsupportedGrantType,
            "grant_type must be urn:ietf:params:oauth:grant-type:device_code",
            None,
        );
    }
    let approved = {
        let now = state.device.now();
        let mut inner = state.device.lock();
        let Some(record) = inner
            .codes
            .get_mut(&request.device_code)
            // Another kiosk's code is as unknown as one never issued, and its
            // polls do not touch the owner's rate.
            .filter(|r| r.kiosk == kiosk)
        else {
            return oauth_error(OAuthErrorCode::InvalidGrant, "no such device code", None);
        };
        match record.state {
            CodeState::Used | CodeState::Cancelled => {
                return oauth_error(
                    OAuthErrorCode::InvalidGrant,
                    "the code was used or abandoned",
                    None,
                );
            }
            _ if record.expires <= now => {
                return oauth_error(OAuthErrorCode::ExpiredToken, "the code has expired", None);
            }
            CodeState::Denied => {
                return oauth_error(
                    OAuthErrorCode::AccessDenied,
                    "the citizen refused on the phone",
                    None,
                );
            }
            CodeState::Pending | CodeState::Approved(_) => {}
        }
        let since = record.last_poll.unwrap_or(record.issued);
        record.last_poll = Some(now);
        if now.saturating_duration_since(since) < Duration::from_secs(record.interval) {
            record.interval += SLOW_DOWN_STEP_SECONDS;
            return oauth_error(
                OAuthErrorCode::SlowDown,
                "polled sooner than the interval; it is 5 s longer now",
                Some(record.interval),
            );
        }
        match record.state {
            CodeState::Approved(citizen) => {
                record.state = CodeState::Used;
                citizen
            }
            _ => {
                return oauth_error(
                    OAuthErrorCode::AuthorizationPending,
                    "not approved on the phone yet",
                    None,
                );
            }
        }
    };
    let session = match super::auth::open_session(&state, kiosk, approved, Utc::now()) {
        Ok(session) => session,
        Err(e) => return internal(e),
    };
    let expires_in = (session.expires_at - Utc::now()).num_seconds().max(0) as u64;
    json_no_store(&DeviceSession {
        access_token: session.session,
        token_type: CITIZEN_SESSION_TOKEN_TYPE.into(),
        expires_in,
        citizen: DeviceCitizen {
            display_name: session.citizen.display_name,
            confirm_name: confirm_name(&state.auth.citizens[approved]),
        },
    })
}

/// "J. Nováková": the first initial and the surname.
fn confirm_name(citizen: &serde_json::Value) -> String {
    let first = citizen["firstName"].as_str().unwrap_or_default();
    let last = citizen["lastName"].as_str().unwrap_or_default();
    match first.chars().next() {
        Some(initial) => format!("{initial}. {last}"),
        None => last.to_string(),
    }
}

#[utoipa::path(post, path = "/kiosk/v1/auth/device/cancel", tag = "auth", operation_id = "authDeviceCancel",
    security(("kioskToken" = [])),
    request_body(content = DeviceCancelRequest, content_type = "application/x-www-form-urlencoded",
        description = "The code the kiosk abandons (not part of RFC 8628: Zrušit, a card inserted, \
            the loop returning)"),
    responses((status = 204, description = "The code can no longer be approved or used (or it was \
        unknown, another kiosk's, or over already: the answer is the same)"),
              (status = 400, description = "Not a form with a device_code")))]
pub(super) async fn post_cancel(
    State(state): AppState,
    KioskAuth(kiosk): KioskAuth,
    headers: HeaderMap,
    BodyBytes(body): BodyBytes,
) -> Response {
    let request: DeviceCancelRequest = match form(&headers, &body) {
        Ok(r) => r,
        Err(e) => return problem(StatusCode::BAD_REQUEST, "Bad cancel request", e),
    };
    let mut inner = state.device.lock();
    if let Some(record) = inner
        .codes
        .get_mut(&request.device_code)
        .filter(|r| r.kiosk == kiosk)
        && matches!(record.state, CodeState::Pending | CodeState::Approved(_))
    {
        record.state = CodeState::Cancelled;
    }
    StatusCode::NO_CONTENT.into_response()
}

// ---------------------------------------------------------------- the approval page

/// What the citizen decided on the approval page.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
enum PageDecision {
    /// "Potvrdit"
    Confirm,
    /// "Odmítnout"
    Deny,
}

/// The approval page's form.
#[derive(serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
struct ApprovalForm {
    /// The user code the page was shown for.
    code: String,
    /// The form token of the page shown (single use, 15 minutes).
    csrf: String,
    decision: PageDecision,
    /// The demo citizen who logs in (`assets/seed/citizens.json`); needed to confirm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    citizen: Option<String>,
}

#[derive(serde::Deserialize)]
struct ApprovalQuery {
    #[serde(default)]
    code: Option<String>,
}

/// Escapes text for HTML element content and attribute values.
fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A whole page: big plain text for a phone, no scripts, no framing by others.
fn page(title: &str, body: &str) -> Response {
    let document = format!(
        "<!DOCTYPE html>\n<html lang=\"cs\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title} – Portál občana (vývojový portál)</title>\
<style>body{{font-family:sans-serif;font-size:1.25rem;line-height:1.5;max-width:36rem;margin:1rem auto;padding:0 1rem;color:#111}}\
h1{{font-size:1.6rem}}.code{{font-family:monospace;font-size:2rem;letter-spacing:.1em}}\
.note{{background:#fff4d6;border-left:.4rem solid #b35c00;padding:.5rem 1rem}}\
button,input{{font-size:1.25rem;padding:.6rem 1rem;margin:.3rem 0}}label{{display:block;margin:.4rem 0}}</style>\
</head><body><h1>{title}</h1>\n{body}\n<p><small>Vývojový portál: místo přihlášení přes NIA \
(bankovní identita, Mobilní klíč eGovernmentu) zde vyberete ukázkového občana.</small></p></body></html>\n",
        title = html(title),
    );
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
                ),
            ),
            (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
        ],
        document,
    )
        .into_response()
}

/// The form for typing the code (with a sentence above it, if any).
fn code_entry(message: &str) -> Response {
    let message = if message.is_empty() {
        String::new()
    } else {
        format!("<p class=\"note\">{}</p>", html(message))
    };
    page(
        "Přihlášení na kiosku",
        &format!(
            "{message}<form method=\"get\" action=\"{APPROVAL_PATH}\">\
<label for=\"code\">Opište kód z obrazovky kiosku (8 písmen, například WDJB-MJHT):</label>\
<input id=\"code\" name=\"code\" autocomplete=\"off\" autocapitalize=\"characters\" maxlength=\"12\">\
<button type=\"submit\">Pokračovat</button></form>"
        ),
    )
}

/// The confirmation for a live code: where the kiosk is, who logs in.
fn confirmation(state: &PortalState, user_code: &str, kiosk: &str, message: &str) -> Response {
    let Ok(csrf) = random_secret() else {
        return internal("no random numbers for the form");
    };
    {
        let now = state.device.now();
        let mut inner = state.device.lock();
        inner.purge(now);
        if inner.pages.len() >= MAX_PAGES {
            inner.pages.clear();
        }
        inner.pages.insert(csrf.clone(), (user_code.into(), now));
    }
    let (name, place) = kiosk_place(kiosk);
    let mut citizens = String::new();
    for (i, c) in state.auth.citizens.iter().enumerate() {
        let id = c["id"].as_str().unwrap_or_default();
        let shown = format!(
            "{} {}",
            c["firstName"].as_str().unwrap_or_default(),
            c["lastName"].as_str().unwrap_or_default()
        );
        citizens.push_str(&format!(
            "<label><input type=\"radio\" name=\"citizen\" value=\"{}\"{}> {}</label>",
            html(id),
            if i == 0 { " checked" } else { "" },
            html(&shown)
        ));
    }
    let message = if message.is_empty() {
        String::new()
    } else {
        format!("<p class=\"note\">{}</p>", html(message))
    };
    page(
        "Přihlásit se na kiosku?",
        &format!(
            "{message}<p>Přihlášení se otevře na kiosku:<br><strong>{name}</strong>, {place}</p>\
<p>Kód: <span class=\"code\">{code}</span><br>Zkontrolujte, že je stejný jako na obrazovce kiosku.</p>\
<p class=\"note\">Potvrďte jen tehdy, když před tímto kioskem právě stojíte vy. \
Kód, který vám někdo poslal nebo nadiktoval, nikdy nepotvrzujte.</p>\
<form method=\"post\" action=\"{APPROVAL_PATH}\">\
<input type=\"hidden\" name=\"code\" value=\"{code}\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
<fieldset><legend>Kdo se přihlašuje (ukázkoví občané)</legend>{citizens}</fieldset>\
<button type=\"submit\" name=\"decision\" value=\"confirm\">Potvrdit</button> \
<button type=\"submit\" name=\"decision\" value=\"deny\">Odmítnout</button></form>",
            name = html(&name),
            place = html(&place),
            code = html(&dashed(user_code)),
            csrf = html(&csrf),
        ),
    )
}

#[utoipa::path(get, path = "/kod", tag = "approval", operation_id = "approvalPage",
    params(("code" = Option<String>, Query, description = "The user code, with or without its dash, \
        in any case (as in `verification_uri_complete`)")),
    responses((status = 200, description = "The approval page for the citizen's phone (HTML, Czech): \
        without a code or with one that is not live, the form to type it; with a live code, the \
        kiosk's name and place, a demo citizen to choose, \"Potvrdit\" and \"Odmítnout\"",
        content_type = "text/html", body = String)))]
pub(super) async fn get_approval(State(state): AppState, RawQuery(query): RawQuery) -> Response {
    let typed = query
        .as_deref()
        .and_then(|q| serde_urlencoded::from_str::<ApprovalQuery>(q).ok())
        .and_then(|q| q.code)
        .unwrap_or_default();
    if typed.trim().is_empty() {
        return code_entry("");
    }
    let Some(user_code) = normalise_user_code(&typed) else {
        return code_entry("Takový kód neexistuje. Zkontrolujte ho prosím.");
    };
    let now = state.device.now();
    let kiosk = {
        let mut inner = state.device.lock();
        match inner.live_by_user_code(&user_code, now) {
            Some(r) if r.state == CodeState::Pending => Some(r.kiosk.clone()),
            _ => None,
        }
    };
    match kiosk {
        Some(kiosk) => confirmation(&state, &user_code, &kiosk, ""),
        None => code_entry(
            "Tento kód neplatí: vypršel, byl už použit, nebo ho kiosek zrušil. \
             Na kiosku si vyžádejte nový.",
        ),
    }
}

#[utoipa::path(post, path = "/kod", tag = "approval", operation_id = "approvalDecide",
    request_body(content = ApprovalForm, content_type = "application/x-www-form-urlencoded",
        description = "The approval page's form"),
    responses((status = 200, description = "The outcome as a page (HTML, Czech): confirmed (the \
        kiosk opens the session at its next poll), refused, or — for a code that is not live, a \
        form that expired or was used, no citizen chosen — the form again with the reason",
        content_type = "text/html", body = String),
              (status = 400, description = "Not the page's form")))]
pub(super) async fn post_approval(
    State(state): AppState,
    headers: HeaderMap,
    BodyBytes(body): BodyBytes,
) -> Response {
    let request: ApprovalForm = match form(&headers, &body) {
        Ok(r) => r,
        Err(e) => return problem(StatusCode::BAD_REQUEST, "Bad approval form", e),
    };
    let Some(user_code) = normalise_user_code(&request.code) else {
        return code_entry("Takový kód neexistuje. Zkontrolujte ho prosím.");
    };
    let now = state.device.now();
    // The form token is used up by this answer, whatever it is.
    let page_ok = {
        let mut inner = state.device.lock();
        inner.purge(now);
        inner
            .pages
            .remove(&request.csrf)
            .is_some_and(|(code, _)| code == user_code)
    };
    if !page_ok {
        return code_entry("Stránka vypršela. Opište prosím kód z kiosku znovu.");
    }
    let citizen = request.citizen.as_deref().and_then(|id| {
        state
            .auth
            .citizens
            .iter()
            .position(|c| c["id"].as_str() == Some(id))
    });
    let kiosk = {
        let mut inner = state.device.lock();
        let Some(record) = inner
            .live_by_user_code(&user_code, now)
            .filter(|r| r.state == CodeState::Pending)
        else {
            return code_entry(
                "Tento kód neplatí: vypršel, byl už použit, nebo ho kiosek zrušil. \
                 Na kiosku si vyžádejte nový.",
            );
        };
        match (request.decision, citizen) {
            (PageDecision::Confirm, None) => {
                let kiosk = record.kiosk.clone();
                drop(inner);
                return confirmation(
                    &state,
                    &user_code,
                    &kiosk,
                    "Vyberte prosím, kdo se přihlašuje.",
                );
            }
            (PageDecision::Confirm, Some(i)) => record.state = CodeState::Approved(i),
            (PageDecision::Deny, _) => record.state = CodeState::Denied,
        }
        record.kiosk.clone()
    };
    let (name, _) = kiosk_place(&kiosk);
    match request.decision {
        PageDecision::Confirm => page(
            "Potvrzeno",
            &format!(
                "<p>Hotovo. Na obrazovce kiosku ({}) se za chvíli otevře vaše nástěnka.</p>\
<p>Až skončíte, na kiosku se odhlaste tlačítkem „Odhlásit se“.</p>",
                html(&name)
            ),
        ),
        PageDecision::Deny => page(
            "Odmítnuto",
            "<p>Přihlášení jste odmítli. Na kiosku se nikdo nepřihlásí.</p>",
        ),
    }
}

// ---------------------------------------------------------------- admin API

/// Approve or deny a code without the page (tests, the demo's control).
#[derive(serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DeviceDecision {
    /// The code as the kiosk shows it (dash and case do not matter).
    user_code: String,
    decision: AdminDecision,
    /// The demo citizen who logs in (`demo-jana`); needed to approve.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    citizen_id: Option<String>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
enum AdminDecision {
    Approve,
    Deny,
}

/// Why a code could not be decided.
#[derive(Debug, PartialEq, Eq)]
pub enum DecideError {
    /// No live code has this user code (never issued, or expired).
    NoSuchCode,
    /// It was decided, used or abandoned already.
    NotPending,
    UnknownCitizen,
}

impl PortalState {
    /// Approves a live code for a demo citizen (`Some(id)`), or denies it
    /// (`None`), as the approval page does (the demo's control, tests).
    pub fn decide_device_code(
        &self,
        user_code: &str,
        citizen_id: Option<&str>,
    ) -> Result<(), DecideError> {
        let user_code = normalise_user_code(user_code).ok_or(DecideError::NoSuchCode)?;
        let citizen = match citizen_id {
            Some(id) => Some(
                self.auth
                    .citizens
                    .iter()
                    .position(|c| c["id"].as_str() == Some(id))
                    .ok_or(DecideError::UnknownCitizen)?,
            ),
            None => None,
        };
        let now = self.device.now();
        let mut inner = self.device.lock();
        let record = inner
            .live_by_user_code(&user_code, now)
            .ok_or(DecideError::NoSuchCode)?;
        if record.state != CodeState::Pending {
            return Err(DecideError::NotPending);
        }
        record.state = match citizen {
            Some(i) => CodeState::Approved(i),
            None => CodeState::Denied,
        };
        Ok(())
    }
}

/// `POST /admin/v1/auth/device`: approve or deny a code as the phone would.
#[utoipa::path(post, path = "/admin/v1/auth/device", tag = "admin", operation_id = "adminDecideDeviceCode",
    security(("adminToken" = [])),
    request_body(content = DeviceDecision,
        example = json!({"userCode": "WDJB-MJHT", "decision": "approve", "citizenId": "demo-jana"})),
    responses((status = 204, description = "Decided: the kiosk's next poll gets the session or access_denied"),
              (status = 400, description = "Not a decision (unknown fields are refused)"),
              (status = 404, description = "No live code has this user code"),
              (status = 409, description = "The code was decided, used or abandoned already"),
              (status = 422, description = "No such demo citizen, or approve without citizenId")))]
pub(super) async fn post_decision(
    State(state): AppState,
    _: AdminAuth,
    BodyBytes(body): BodyBytes,
) -> Response {
    let request: DeviceDecision = match from_json(&body) {
        Ok(r) => r,
        Err(e) => return problem(StatusCode::BAD_REQUEST, "Bad decision", e.to_string()),
    };
    let citizen = match (request.decision, request.citizen_id.as_deref()) {
        (AdminDecision::Approve, None) => {
            return problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "No citizen",
                "approving needs citizenId",
            );
        }
        (AdminDecision::Approve, Some(id)) => Some(id),
        (AdminDecision::Deny, _) => None,
    };
    match state.decide_device_code(&request.user_code, citizen) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(DecideError::NoSuchCode) => problem(
            StatusCode::NOT_FOUND,
            "No such code",
            "no live code has this user code",
        ),
        Err(DecideError::NotPending) => problem(
            StatusCode::CONFLICT,
            "Not pending",
            "the code was decided, used or abandoned already",
        ),
        Err(DecideError::UnknownCitizen) => problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Unknown citizen",
            "no demo citizen has this id",
        ),
    }
}

/// Phone-login settings for tests; an absent field is left as it is.
#[derive(serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DeviceSettings {
    /// How long new codes live (default 600).
    #[schema(minimum = 1, maximum = 3600)]
    expires_in_seconds: Option<u64>,
    /// The polling interval new codes get (default 5).
    #[schema(minimum = 1, maximum = 60)]
    interval_seconds: Option<u64>,
}

/// `PUT /admin/v1/auth/device`: code lifetime and interval, for tests.
#[utoipa::path(put, path = "/admin/v1/auth/device", tag = "admin", operation_id = "adminPutDeviceSettings",
    security(("adminToken" = [])),
    request_body(content = DeviceSettings, example = json!({"expiresInSeconds": 60, "intervalSeconds": 1})),
    responses((status = 204, description = "Set (for codes issued from now on)"),
              (status = 400, description = "Not device settings (unknown fields are refused)"),
              (status = 422, description = "A lifetime outside 1–3600 s or an interval outside 1–60 s")))]
pub(super) async fn put_settings(
    State(state): AppState,
    _: AdminAuth,
    BodyBytes(body): BodyBytes,
) -> Response {
    let settings: DeviceSettings = match from_json(&body) {
        Ok(s) => s,
        Err(e) => {
            return problem(
                StatusCode::BAD_REQUEST,
                "Bad device settings",
                e.to_string(),
            );
        }
    };
    if settings
        .expires_in_seconds
        .is_some_and(|s| !(1..=MAX_EXPIRES_IN_SECONDS).contains(&s))
        || settings
            .interval_seconds
            .is_some_and(|s| !(1..=MAX_INTERVAL_SECONDS).contains(&s))
    {
        return problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Bad device settings",
            format!(
                "expiresInSeconds must be 1 to {MAX_EXPIRES_IN_SECONDS}, intervalSeconds 1 to {MAX_INTERVAL_SECONDS}"
            ),
        );
    }
    let mut inner = state.device.lock();
    if let Some(s) = settings.expires_in_seconds {
        inner.expires_in = Duration::from_secs(s);
    }
    if let Some(s) = settings.interval_seconds {
        inner.interval = s;
    }
    StatusCode::NO_CONTENT.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_codes_are_eight_letters_of_the_alphabet_and_typed_loosely() {
        for _ in 0..200 {
            let code = random_user_code().unwrap();
            assert_eq!(code.len(), 8);
            assert!(
                code.chars().all(|c| USER_CODE_ALPHABET.contains(c)),
                "{code}"
            );
            assert_eq!(normalise_user_code(&dashed(&code)), Some(code.clone()));
            assert_eq!(
                normalise_user_code(&dashed(&code).to_lowercase()),
                Some(code)
            );
        }
        assert_eq!(normalise_user_code(" wdjb mjht "), Some("WDJBMJHT".into()));
        assert_eq!(normalise_user_code("WDJB–MJHT"), Some("WDJBMJHT".into()));
        // Vowels and digits are not in the alphabet; length matters.
        for bad in [
            "WDJB-MJHA",
            "WDJB-MJH1",
            "WDJB-MJH",
            "WDJB-MJHTT",
            "",
            "ŽDJB-MJHT",
        ] {
            assert_eq!(normalise_user_code(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_letter_of_the_alphabet_comes_up_about_equally() {
        let mut counts = HashMap::new();
        for _ in 0..2000 {
            for c in random_user_code().unwrap().chars() {
                *counts.entry(c).or_insert(0u32) += 1;
            }
        }
        // 16 000 letters over 20: 800 each; a biased modulo would push the first
        // letters far above the last.
        assert_eq!(counts.len(), 20);
        assert!(
            counts.values().all(|n| (600..1000).contains(n)),
            "{counts:?}"
        );
    }

    #[test]
    fn pages_escape_what_they_echo() {
        assert_eq!(html("<script>\"'&"), "&lt;script&gt;&quot;&#39;&amp;");
    }

    #[test]
    fn the_confirm_name_is_an_initial_and_the_surname() {
        let c = serde_json::json!({"firstName": "Jana", "lastName": "Nováková"});
        assert_eq!(confirm_name(&c), "J. Nováková");
        let c = serde_json::json!({"firstName": "Čestmír", "lastName": "Dvořák"});
        assert_eq!(confirm_name(&c), "Č. Dvořák");
    }
}
