//! The counter (staff desk) at the development portal: `/kiosk/v1/staff/…`.
//!
//! Why `POST /staff/login` carries only a name: the kiosk checks the staff PIN
//! itself, against argon2id hashes in its credentials file (`crate::staff`).
//! So the PIN never leaves the kiosk — nothing to intercept, log or leak on the
//! way, and no PIN database at the backend — while the kiosk's per-device
//! bearer token authenticates the device that vouches for the member. The
//! backend binds the staff session to that kiosk (the session with another
//! kiosk's token is a 401) and ends it 15 minutes after its last use. A production backend
//! should further accept staff logins only from devices registered as counters
//! and keep an audit trail of staff sessions; this one accepts any known kiosk.
//!
//! With a live staff session the kiosk looks up any payer's obligations by
//! variable symbol and opens payment intents for them; both read and change
//! the same per-citizen state as `/me` (me.rs), so a payment made at a kiosk
//! shows at the counter and the other way round. Every answer is
//! `Cache-Control: no-store`; nothing here logs a name, a symbol or an amount.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use chrono::Utc;

use super::PortalState;
use super::extract::{Answer, ApiError, BodyBytes, KioskAuth, PathParam, StaffAuth, from_json};
use super::me::{before, body_error, intent_answer, json_answer, no_store};
use super::routes::Routes;
use crate::portal::client::STAFF_SESSION;
use crate::portal::types::*;

type AppState = State<Arc<PortalState>>;

/// How long a staff session lasts unused: every request of the session moves
/// its end on, so staff working at the counter are never cut off mid-queue.
const STAFF_SESSION_TTL: Duration = Duration::from_secs(15 * 60);
/// Longest staff name the backend records.
const NAME_MAX_CHARS: usize = 64;
/// Longest variable symbol (the Czech payment standard allows 10 digits).
const VS_MAX_DIGITS: usize = 10;

/// Live staff sessions, in memory.
pub(crate) struct StaffState {
    sessions: Mutex<HashMap<String, StaffRecord>>,
    ttl: Duration,
}

struct StaffRecord {
    kiosk: String,
    expires_at: Timestamp,
}

impl StaffState {
    pub(crate) fn new() -> StaffState {
        StaffState {
            sessions: Mutex::new(HashMap::new()),
            ttl: STAFF_SESSION_TTL,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, StaffRecord>> {
        self.sessions.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A new session of `kiosk` for `name`; ended sessions are forgotten.
    fn open(&self, kiosk: &str, name: &str, now: Timestamp) -> Result<StaffSession, String> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| e.to_string())?;
        let session = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        let expires_at = now + chrono::Duration::from_std(self.ttl).unwrap_or_default();
        let mut sessions = self.lock();
        sessions.retain(|_, r| r.expires_at > now);
        sessions.insert(
            session.clone(),
            StaffRecord {
                kiosk: kiosk.to_string(),
                expires_at,
            },
        );
        Ok(StaffSession {
            session,
            expires_at,
            name: name.to_string(),
        })
    }

    /// Whether `session` is live and was opened by `kiosk`; a live one is
    /// extended to `now` + the lifetime (sliding expiry).
    pub(super) fn is_live(&self, kiosk: &str, session: &str, now: Timestamp) -> bool {
        let ttl = chrono::Duration::from_std(self.ttl).unwrap_or_default();
        match self.lock().get_mut(session) {
            Some(r) if r.kiosk == kiosk && r.expires_at > now => {
                r.expires_at = r.expires_at.max(now + ttl);
                true
            }
            _ => false,
        }
    }

    /// Ends `session` if `kiosk` opened it.
    fn close(&self, kiosk: &str, session: &str) {
        let mut sessions = self.lock();
        if sessions.get(session).is_some_and(|r| r.kiosk == kiosk) {
            sessions.remove(session);
        }
    }
}

// ---------------------------------------------------------------- plumbing

/// The `vs` of a query string, if it is 1 to 10 digits (and nothing else).
fn variable_symbol(query: Option<&str>) -> Option<&str> {
    let vs = query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("vs="))?;
    ((1..=VS_MAX_DIGITS).contains(&vs.len()) && vs.bytes().all(|b| b.is_ascii_digit()))
        .then_some(vs)
}

/// The `/kiosk/v1/staff/…` routes, never cacheable.
pub(super) fn routes() -> Routes {
    Routes::new()
        .post("/kiosk/v1/staff/login", post_login)
        .get("/kiosk/v1/staff/obligations", get_obligations)
        .post("/kiosk/v1/staff/payments", post_payment)
        .get("/kiosk/v1/staff/payments/{id}", get_payment)
        .post("/kiosk/v1/staff/logout", post_logout)
        .map(|r| r.layer(axum::middleware::map_response(no_store)))
}

// ---------------------------------------------------------------- kiosk API

#[utoipa::path(post, path = "/kiosk/v1/staff/login", tag = "staff", operation_id = "staffLogin",
    security(("kioskToken" = [])),
    request_body(content = StaffLoginRequest, example = json!({"staffName": "Přepážka 1"})),
    responses((status = 200, description = "A staff session for this kiosk, ending 15 minutes after its last use (no-store). \
        The kiosk has verified the staff PIN itself: the PIN never leaves the kiosk, the device token \
        authenticates the kiosk.", body = StaffSession),
              (status = 400, description = "No or a bad staff name")))]
pub(super) async fn post_login(
    State(state): AppState,
    KioskAuth(kiosk): KioskAuth,
    BodyBytes(body): BodyBytes,
) -> Answer {
    let after = before(&state, "staff-login").await?;
    let request: StaffLoginRequest = from_json(&body)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "Bad staff login", body_error(&e)))?;
    let name = request.staff_name.trim();
    if name.is_empty()
        || name.chars().count() > NAME_MAX_CHARS
        || name.chars().any(char::is_control)
    {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "Bad staff login",
            format!("the staff name must be 1 to {NAME_MAX_CHARS} printable characters"),
        ));
    }
    match state.staff.open(&kiosk, name, Utc::now()) {
        Ok(session) => {
            tracing::info!(kiosk = %kiosk, "development portal: staff session opened");
            Ok(json_answer(StatusCode::OK, &session, after))
        }
        Err(e) => Err(ApiError::internal(e)),
    }
}

#[utoipa::path(get, path = "/kiosk/v1/staff/obligations", tag = "staff", operation_id = "staffLookup",
    security(("kioskToken" = [], "staffSession" = [])),
    params(("vs" = String, Query, pattern = "^[0-9]{1,10}$", example = "1100012011",
        description = "Variable symbol, 1 to 10 digits")),
    responses((status = 200, description = "The payer's obligations with this VS, paid and unpaid; \
        an empty list when none has it (no-store)", body = StaffLookup),
              (status = 400, description = "No VS, or not 1 to 10 digits"),
              (status = 401, description = "No kiosk token, or the staff session has ended")))]
pub(super) async fn get_obligations(
    State(state): AppState,
    _: StaffAuth,
    RawQuery(query): RawQuery,
) -> Answer {
    let vs = variable_symbol(query.as_deref()).ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "Bad variable symbol",
            format!("?vs= must be 1 to {VS_MAX_DIGITS} digits"),
        )
    })?;
    let after = before(&state, "staff-obligations").await?;
    let found = state.me.by_variable_symbol(vs);
    let mut payers: Vec<usize> = found.iter().map(|(payer, _)| *payer).collect();
    payers.dedup();
    let payer_name = payers
        .iter()
        .map(|&i| {
            let c = &state.auth.citizens[i];
            let first = c["firstName"].as_str().unwrap_or_default();
            let last = c["lastName"].as_str().unwrap_or_default();
            format!("{first} {last}").trim().to_string()
        })
        .collect::<Vec<_>>()
        .join(", ");
    let lookup = StaffLookup {
        obligations: found.into_iter().map(|(_, o)| o).collect(),
        payer_name,
    };
    Ok(json_answer(StatusCode::OK, &lookup, after))
}

#[utoipa::path(post, path = "/kiosk/v1/staff/payments", tag = "staff", operation_id = "staffCreatePayment",
    security(("kioskToken" = [], "staffSession" = [])),
    request_body(content = PaymentIntentRequest, example = json!({"obligationIds": ["o-josef-pes-2026"]})),
    responses((status = 201, description = "A new pending payment intent for the obligations' payer", body = PaymentIntent,
                  links(("GetPayment" = (operation_id = "staffGetPayment",
                      parameters(("id" = "$response.body#/id")),
                      description = "Follow the intent until it is paid or expired")))),
              (status = 400, description = "Not a payment request (unknown fields are refused)"),
              (status = 401, description = "No kiosk token, or the staff session has ended"),
              (status = 422, description = "Nothing to pay, unknown, paid, zero, of several payers or on different accounts")))]
pub(super) async fn post_payment(
    State(state): AppState,
    _: StaffAuth,
    BodyBytes(body): BodyBytes,
) -> Answer {
    intent_answer(&state, "staff-payments", &body, |me, ids, now| {
        me.payer_intent(ids, now)
    })
    .await
}

#[utoipa::path(get, path = "/kiosk/v1/staff/payments/{id}", tag = "staff", operation_id = "staffGetPayment",
    security(("kioskToken" = [], "staffSession" = [])),
    params(("id" = String, Path, description = "The intent's id")),
    responses((status = 200, description = "The intent in its current state (no-store)", body = PaymentIntent),
              (status = 400, description = "The path does not decode to UTF-8"),
              (status = 401, description = "No kiosk token, or the staff session has ended"),
              (status = 404, description = "No such intent")))]
pub(super) async fn get_payment(
    State(state): AppState,
    PathParam(id): PathParam,
    _: StaffAuth,
) -> Answer {
    let after = before(&state, "staff-payments").await?;
    // The counter may follow any payer's intent (it makes them for anyone).
    match state.me.intent(&id) {
        Some(intent) => Ok(json_answer(StatusCode::OK, &intent, after)),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "Not found",
            "no such payment",
        )),
    }
}

#[utoipa::path(post, path = "/kiosk/v1/staff/logout", tag = "staff", operation_id = "staffLogout",
    security(("kioskToken" = [])),
    params(("x-staff-session" = Option<String>, Header, description = "The session to end")),
    responses((status = 204, description = "The session has ended (or had already)")))]
pub(super) async fn post_logout(
    State(state): AppState,
    KioskAuth(kiosk): KioskAuth,
    headers: HeaderMap,
) -> Response {
    if let Some(session) = headers.get(STAFF_SESSION).and_then(|v| v.to_str().ok()) {
        state.staff.close(&kiosk, session);
    }
    StatusCode::NO_CONTENT.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_symbols_are_one_to_ten_digits() {
        assert_eq!(variable_symbol(Some("vs=1100012011")), Some("1100012011"));
        assert_eq!(variable_symbol(Some("x=1&vs=7")), Some("7"));
        for bad in [
            None,
            Some(""),
            Some("vs="),
            Some("vs=12345678901"),
            Some("vs=12AB34"),
            Some("vs=%31"),
            Some("vs=-1"),
            Some("v=1"),
        ] {
            assert_eq!(variable_symbol(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn sessions_belong_to_their_kiosk_and_expire() {
        let staff = StaffState::new();
        let now = Utc::now();
        let s = staff.open("k1", "Přepážka 1", now).unwrap();
        assert_eq!(s.name, "Přepážka 1");
        assert!(staff.is_live("k1", &s.session, now));
        assert!(!staff.is_live("k2", &s.session, now));
        // Unused for 15 minutes: over. Used, it lasts 15 minutes from the use.
        let minutes = chrono::Duration::minutes;
        let used = staff.open("k1", "Přepážka 1", now).unwrap();
        assert!(!staff.is_live("k1", &s.session, now + minutes(15)));
        assert!(staff.is_live("k1", &used.session, now + minutes(10)));
        assert!(staff.is_live("k1", &used.session, now + minutes(24)));
        assert!(!staff.is_live("k1", &used.session, now + minutes(39)));
        let s = staff.open("k1", "Přepážka 1", now).unwrap();
        // Another kiosk cannot end it; its own can.
        staff.close("k2", &s.session);
        assert!(staff.is_live("k1", &s.session, now));
        staff.close("k1", &s.session);
        assert!(!staff.is_live("k1", &s.session, now));
    }
}
