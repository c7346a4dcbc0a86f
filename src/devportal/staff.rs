//! The counter (staff desk) at the development portal: `/kiosk/v1/staff/…`,
//! and the staff audit for the town (`/admin/v1/staff/audit`).
//!
//! **The backend verifies the staff member.** The contract:
//!
//! - A *counter* is a kiosk registered at the backend as one (table
//!   `counters`); every other kiosk is a station, and its token opens no staff
//!   session: `POST /staff/login` answers 403 (`…/problems/not-a-counter`).
//! - The staff credential is the member's PIN (6 to 12 digits), sent in the
//!   body `{"pin": "…"}` with the counter's bearer token, and checked against
//!   the argon2id hashes of the staff allowed at that counter (tables
//!   `staff_members`, `counter_staff`; hashes made with `portal-kiosk
//!   staff-pin-hash`). Every hash is tried, so the time does not tell whose it
//!   is. A match opens a staff session bound to that kiosk (200, as before).
//! - Per counter device: a wrong PIN answers 401 (`…/problems/wrong-pin`) with
//!   `missesLeft`; the fifth in a row locks the counter's staff login for 60 s
//!   (429 `…/problems/staff-login-locked` with `Retry-After`), every further
//!   lockout doubling up to an hour; while locked no PIN is checked; a login
//!   resets it. The lockout is kept in SQLite, so a restart does not clear it.
//!   PIN checks of one counter are serialised, so parallel guesses cannot
//!   outrun the count.
//! - Lookups by variable symbol are `POST /staff/lookup` `{"vs": "…"}` (never a
//!   URL), at most 60 per 10 minutes per staff session (429
//!   `…/problems/too-many-lookups` with `Retry-After`).
//! - Every staff login (success or not: kiosk, staff member if known, time,
//!   outcome) and every lookup (staff member, kiosk, time, the VS) is written
//!   to the audit table in SQLite — at the backend, never on the kiosk — and
//!   `GET /admin/v1/staff/audit` returns it.
//!
//! Staff sessions end 15 minutes after their last use and live in memory. The
//! PIN is never logged or echoed (no request logging layer, refusals name no
//! value); nothing here logs a name, a symbol or an amount.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use argon2::password_hash::PasswordHashString;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use chrono::Utc;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zeroize::Zeroizing;

use super::PortalState;
use super::extract::{
    AdminAuth, Answer, ApiError, BodyBytes, KioskAuth, PathParam, StaffAuth, from_json,
};
use super::me::{before, body_error, intent_answer, json_answer, no_store};
use super::routes::Routes;
use crate::portal::client::STAFF_SESSION;
use crate::portal::types::*;
use crate::staff::{Lockout, Miss};

type AppState = State<Arc<PortalState>>;

/// How long a staff session lasts unused: every request of the session moves
/// its end on, so staff working at the counter are never cut off mid-queue.
const STAFF_SESSION_TTL: Duration = Duration::from_secs(15 * 60);
/// Lookups one staff session may make per [`LOOKUP_WINDOW`].
pub const LOOKUP_LIMIT: usize = 60;
pub const LOOKUP_WINDOW: Duration = Duration::from_secs(10 * 60);
/// Longest variable symbol (the Czech payment standard allows 10 digits).
const VS_MAX_DIGITS: usize = 10;
/// Longest staff id and display name the backend records.
const NAME_MAX_CHARS: usize = 64;
/// PIN checks (argon2id, 64 MiB each) running at once, over all counters.
const PARALLEL_PIN_CHECKS: usize = 2;

/// Live staff sessions (in memory), the lookup budgets, the portal's clock for
/// lockouts and budgets, and the gates that serialise a counter's PIN checks.
pub(crate) struct StaffState {
    sessions: Mutex<HashMap<String, StaffRecord>>,
    ttl: Duration,
    /// Added to the system clock (tests move time on; see `advance_clock`).
    clock_offset: Mutex<chrono::Duration>,
    gates: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    pin_checks: tokio::sync::Semaphore,
}

struct StaffRecord {
    kiosk: String,
    staff_id: String,
    expires_at: Timestamp,
    /// When this session's recent lookups were made (at most [`LOOKUP_LIMIT`]).
    lookups: VecDeque<Timestamp>,
}

/// Who is asking, behind a live staff session.
pub(super) struct StaffCaller {
    pub kiosk: String,
    pub staff_id: String,
    session: String,
}

fn chrono_of(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

impl StaffState {
    pub(crate) fn new() -> StaffState {
        StaffState {
            sessions: Mutex::new(HashMap::new()),
            ttl: STAFF_SESSION_TTL,
            clock_offset: Mutex::new(chrono::Duration::zero()),
            gates: Mutex::new(HashMap::new()),
            pin_checks: tokio::sync::Semaphore::new(PARALLEL_PIN_CHECKS),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, StaffRecord>> {
        self.sessions.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The portal's time for staff sessions, lockouts, budgets and the audit.
    pub(super) fn now(&self) -> Timestamp {
        Utc::now() + *self.clock_offset.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(super) fn advance_clock(&self, by: Duration) {
        *self.clock_offset.lock().unwrap_or_else(|p| p.into_inner()) += chrono_of(by);
    }

    /// The gate that lets one PIN check of `kiosk` run at a time.
    fn gate(&self, kiosk: &str) -> Arc<tokio::sync::Mutex<()>> {
        self.gates
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(kiosk.to_string())
            .or_default()
            .clone()
    }

    /// A new session of `kiosk` for staff member `staff_id`; ended sessions
    /// are forgotten.
    fn open(
        &self,
        kiosk: &str,
        staff_id: &str,
        name: &str,
        now: Timestamp,
    ) -> Result<StaffSession, String> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| e.to_string())?;
        let session = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        let expires_at = now + chrono_of(self.ttl);
        let mut sessions = self.lock();
        sessions.retain(|_, r| r.expires_at > now);
        sessions.insert(
            session.clone(),
            StaffRecord {
                kiosk: kiosk.to_string(),
                staff_id: staff_id.to_string(),
                expires_at,
                lookups: VecDeque::new(),
            },
        );
        Ok(StaffSession {
            session,
            expires_at,
            name: name.to_string(),
        })
    }

    /// The staff member of `session` if it is live and was opened by `kiosk`;
    /// a live one is extended to `now` + the lifetime (sliding expiry).
    pub(super) fn caller(&self, kiosk: &str, session: &str, now: Timestamp) -> Option<StaffCaller> {
        let ttl = chrono_of(self.ttl);
        match self.lock().get_mut(session) {
            Some(r) if r.kiosk == kiosk && r.expires_at > now => {
                r.expires_at = r.expires_at.max(now + ttl);
                Some(StaffCaller {
                    kiosk: kiosk.to_string(),
                    staff_id: r.staff_id.clone(),
                    session: session.to_string(),
                })
            }
            _ => None,
        }
    }

    /// Takes one lookup of the session's budget, or says in how many seconds
    /// the next one may be made.
    fn take_lookup(&self, session: &str, now: Timestamp) -> Result<(), u64> {
        let window = chrono_of(LOOKUP_WINDOW);
        let mut sessions = self.lock();
        let Some(record) = sessions.get_mut(session) else {
            return Ok(());
        };
        while record.lookups.front().is_some_and(|t| *t + window <= now) {
            record.lookups.pop_front();
        }
        if record.lookups.len() >= LOOKUP_LIMIT {
            let free_at = record.lookups.front().map_or(now, |t| *t + window);
            let wait = (free_at - now).to_std().unwrap_or_default();
            return Err((wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1));
        }
        record.lookups.push_back(now);
        Ok(())
    }

    /// Ends `session` if `kiosk` opened it.
    fn close(&self, kiosk: &str, session: &str) {
        let mut sessions = self.lock();
        if sessions.get(session).is_some_and(|r| r.kiosk == kiosk) {
            sessions.remove(session);
        }
    }
}

// ---------------------------------------------------------------- the staff records (SQLite)

/// The tables of counters, staff, lockouts and the audit (created on open).
pub(super) const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS counters (kiosk_id TEXT PRIMARY KEY);
    CREATE TABLE IF NOT EXISTS staff_members (id TEXT PRIMARY KEY, display_name TEXT NOT NULL,
        pin_hash TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS counter_staff (kiosk_id TEXT NOT NULL, staff_id TEXT NOT NULL,
        PRIMARY KEY (kiosk_id, staff_id));
    CREATE TABLE IF NOT EXISTS staff_lockouts (kiosk_id TEXT PRIMARY KEY, failures INTEGER NOT NULL,
        lockouts INTEGER NOT NULL, locked_until TEXT);
    CREATE TABLE IF NOT EXISTS staff_audit (seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL,
        kiosk_id TEXT NOT NULL, staff_id TEXT, action TEXT NOT NULL, outcome TEXT NOT NULL,
        variable_symbol TEXT);";

fn printable(text: &str) -> bool {
    let n = text.chars().count();
    (1..=NAME_MAX_CHARS).contains(&n) && !text.chars().any(char::is_control) && text.trim() == text
}

/// Registers `kiosk_id` as a counter.
pub(super) fn register_counter(
    conn: &rusqlite::Connection,
    kiosk_id: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO counters (kiosk_id) VALUES (?1)",
        [kiosk_id],
    )
    .map(|_| ())
}

/// Adds (or replaces) a staff member with their PIN's hash, allowed at `counters`.
pub(super) fn add_staff_member(
    conn: &rusqlite::Connection,
    id: &str,
    display_name: &str,
    pin_hash: &str,
    counters: &[&str],
) -> Result<(), String> {
    if !printable(id) || !printable(display_name) {
        return Err(format!(
            "a staff id and name are 1 to {NAME_MAX_CHARS} printable characters"
        ));
    }
    let hash = crate::staff::check_pin_hash(pin_hash)?;
    let tx = conn.unchecked_transaction().map_err(|e| e.to_string())?;
    tx.execute(
        "INSERT OR REPLACE INTO staff_members (id, display_name, pin_hash) VALUES (?1, ?2, ?3)",
        params![id, display_name, hash.as_str()],
    )
    .and_then(|_| tx.execute("DELETE FROM counter_staff WHERE staff_id = ?1", [id]))
    .map_err(|e| e.to_string())?;
    for counter in counters {
        tx.execute(
            "INSERT INTO counter_staff (kiosk_id, staff_id) VALUES (?1, ?2)",
            params![counter, id],
        )
        .map_err(|e| e.to_string())?;
    }
    tx.commit().map_err(|e| e.to_string())
}

fn is_counter(state: &PortalState, kiosk: &str) -> Result<bool, ApiError> {
    state
        .with_db(|c| {
            c.query_row(
                "SELECT 1 FROM counters WHERE kiosk_id = ?1",
                [kiosk],
                |_| Ok(()),
            )
            .optional()
        })
        .map(|found| found.is_some())
        .map_err(ApiError::internal)
}

/// A staff member allowed at a counter.
struct Member {
    id: String,
    name: String,
    hash: PasswordHashString,
}

fn members_at(state: &PortalState, kiosk: &str) -> Result<Vec<Member>, ApiError> {
    let rows = state
        .with_db(|c| {
            let mut stmt = c.prepare(
                "SELECT s.id, s.display_name, s.pin_hash FROM counter_staff c
                 JOIN staff_members s ON s.id = c.staff_id WHERE c.kiosk_id = ?1 ORDER BY s.id",
            )?;
            let rows = stmt.query_map([kiosk], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })
        .map_err(ApiError::internal)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, name, hash)| match crate::staff::check_pin_hash(&hash) {
            Ok(hash) => Some(Member { id, name, hash }),
            Err(e) => {
                tracing::error!(error = %e, "development portal: a stored staff PIN hash is unusable");
                None
            }
        })
        .collect())
}

fn load_lockout(state: &PortalState, kiosk: &str) -> Result<Lockout, ApiError> {
    let row =
        state
            .with_db(|c| {
                c.query_row(
                "SELECT failures, lockouts, locked_until FROM staff_lockouts WHERE kiosk_id = ?1",
                [kiosk],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, Option<String>>(2)?)),
            )
            .optional()
            })
            .map_err(ApiError::internal)?;
    let Some((failures, lockouts, until)) = row else {
        return Ok(Lockout::default());
    };
    let count = |n: i64| u32::try_from(n.max(0)).unwrap_or(u32::MAX);
    let locked_until = match until {
        None => None,
        Some(text) => Some(
            chrono::DateTime::parse_from_rfc3339(&text)
                .map_err(ApiError::internal)?
                .with_timezone(&Utc),
        ),
    };
    Ok(Lockout {
        failures: count(failures),
        lockouts: count(lockouts),
        locked_until,
    })
}

fn store_lockout(state: &PortalState, kiosk: &str, lockout: &Lockout) -> Result<(), ApiError> {
    state
        .with_db(|c| {
            c.execute(
                "INSERT INTO staff_lockouts (kiosk_id, failures, lockouts, locked_until) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(kiosk_id) DO UPDATE SET failures = ?2, lockouts = ?3, locked_until = ?4",
                params![
                    kiosk,
                    i64::from(lockout.failures),
                    i64::from(lockout.lockouts),
                    lockout.locked_until.map(|t| t.to_rfc3339())
                ],
            )
        })
        .map(|_| ())
        .map_err(ApiError::internal)
}

// ---------------------------------------------------------------- the audit

/// What a staff audit entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum StaffAuditAction {
    Login,
    Lookup,
}

/// How it went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum StaffAuditOutcome {
    /// Logged in, or looked up.
    Success,
    /// A PIN of nobody allowed at this counter.
    WrongPin,
    /// A wrong PIN that locked the counter's staff login.
    LockedOut,
    /// Refused unchecked: the counter's staff login was locked.
    Locked,
    /// Refused: the kiosk is not a counter.
    NotACounter,
    /// Refused: no PIN of 6 to 12 digits.
    BadRequest,
    /// Refused: too many lookups in the session.
    RateLimited,
}

impl StaffAuditAction {
    fn as_str(self) -> &'static str {
        match self {
            StaffAuditAction::Login => "login",
            StaffAuditAction::Lookup => "lookup",
        }
    }
}

impl StaffAuditOutcome {
    fn as_str(self) -> &'static str {
        match self {
            StaffAuditOutcome::Success => "success",
            StaffAuditOutcome::WrongPin => "wrong-pin",
            StaffAuditOutcome::LockedOut => "locked-out",
            StaffAuditOutcome::Locked => "locked",
            StaffAuditOutcome::NotACounter => "not-a-counter",
            StaffAuditOutcome::BadRequest => "bad-request",
            StaffAuditOutcome::RateLimited => "rate-limited",
        }
    }
}

/// One staff login or lookup, as the backend recorded it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StaffAuditEntry {
    /// Ascending: `?after=` the last one read gives what came since.
    pub seq: i64,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    pub kiosk_id: String,
    /// The staff member; none for a login whose PIN matched nobody.
    pub staff_id: Option<String>,
    pub action: StaffAuditAction,
    pub outcome: StaffAuditOutcome,
    /// The variable symbol looked up (lookups only).
    pub variable_symbol: Option<String>,
}

/// `GET /admin/v1/staff/audit`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StaffAuditLog {
    pub entries: Vec<StaffAuditEntry>,
}

/// Writes an audit entry; without it nothing is answered (fails closed).
fn audit(
    state: &PortalState,
    kiosk: &str,
    staff_id: Option<&str>,
    action: StaffAuditAction,
    outcome: StaffAuditOutcome,
    vs: Option<&str>,
) -> Result<(), ApiError> {
    let at = state.staff.now().to_rfc3339();
    state
        .with_db(|c| {
            c.execute(
                "INSERT INTO staff_audit (at, kiosk_id, staff_id, action, outcome, variable_symbol)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![at, kiosk, staff_id, action.as_str(), outcome.as_str(), vs],
            )
        })
        .map(|_| ())
        .map_err(ApiError::internal)
}

// ---------------------------------------------------------------- plumbing

/// Whether `vs` is 1 to 10 digits (and nothing else).
fn is_variable_symbol(vs: &str) -> bool {
    (1..=VS_MAX_DIGITS).contains(&vs.len()) && vs.bytes().all(|b| b.is_ascii_digit())
}

/// The `/kiosk/v1/staff/…` routes, never cacheable, and the staff audit.
pub(super) fn routes() -> Routes {
    Routes::new()
        .post("/kiosk/v1/staff/login", post_login)
        .post("/kiosk/v1/staff/lookup", post_lookup)
        .post("/kiosk/v1/staff/payments", post_payment)
        .get("/kiosk/v1/staff/payments/{id}", get_payment)
        .post("/kiosk/v1/staff/logout", post_logout)
        .get("/admin/v1/staff/audit", get_audit)
        .map(|r| r.layer(axum::middleware::map_response(no_store)))
}

fn not_a_counter() -> ApiError {
    ApiError::typed(
        StatusCode::FORBIDDEN,
        staff_problems::NOT_A_COUNTER,
        "Not a counter",
        "this kiosk is not registered as a counter: no staff can log in here",
    )
}

fn locked(seconds: u64) -> ApiError {
    ApiError::typed(
        StatusCode::TOO_MANY_REQUESTS,
        staff_problems::LOCKED,
        "Staff login locked",
        format!("too many wrong PINs at this counter; try again in {seconds} s"),
    )
    .retry_after(seconds)
}

// ---------------------------------------------------------------- kiosk API

#[utoipa::path(post, path = "/kiosk/v1/staff/login", tag = "staff", operation_id = "staffLogin",
    security(("kioskToken" = [])),
    request_body(content = StaffLoginRequest, example = json!({"pin": "123456"})),
    responses((status = 200, description = "The PIN is that of a staff member allowed at this counter: \
        a staff session for this kiosk, ending 15 minutes after its last use (no-store). A login resets \
        the counter's lockout.", body = StaffSession),
              (status = 400, description = "No PIN, or not 6 to 12 digits (not counted as a miss)",
               body = Problem, content_type = "application/problem+json"),
              (status = 401, description = "Not a known kiosk (`about:blank`), or a PIN of nobody allowed at \
               this counter (`…/problems/wrong-pin`, with `missesLeft`)",
               body = StaffLoginRefusal, content_type = "application/problem+json"),
              (status = 403, description = "This kiosk is not registered as a counter \
               (`…/problems/not-a-counter`); the PIN is not checked",
               body = Problem, content_type = "application/problem+json"),
              (status = 429, description = "This counter's staff login is locked after 5 wrong PINs in a row \
               (`…/problems/staff-login-locked`): 60 s, doubling with every further lockout up to an hour. \
               The PIN is not checked.", body = Problem, content_type = "application/problem+json",
               headers(("Retry-After" = u64, description = "Seconds until a PIN is checked again")))))]
pub(super) async fn post_login(
    State(state): AppState,
    KioskAuth(kiosk): KioskAuth,
    BodyBytes(body): BodyBytes,
) -> Answer {
    use StaffAuditAction::Login;
    let after = before(&state, "staff-login").await?;
    if !is_counter(&state, &kiosk)? {
        audit(
            &state,
            &kiosk,
            None,
            Login,
            StaffAuditOutcome::NotACounter,
            None,
        )?;
        tracing::warn!(kiosk = %kiosk, "development portal: staff login refused, not a counter");
        return Err(not_a_counter());
    }
    let pin = match from_json::<StaffLoginRequest>(&body) {
        Ok(mut request) => Zeroizing::new(std::mem::take(&mut request.pin).into_bytes()),
        Err(e) => {
            audit(
                &state,
                &kiosk,
                None,
                Login,
                StaffAuditOutcome::BadRequest,
                None,
            )?;
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "Bad staff login",
                body_error(&e),
            ));
        }
    };
    if !crate::staff::is_valid_pin(&pin) {
        audit(
            &state,
            &kiosk,
            None,
            Login,
            StaffAuditOutcome::BadRequest,
            None,
        )?;
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "Bad staff login",
            "the PIN must be 6 to 12 digits",
        ));
    }
    // One PIN check of this counter at a time: the count cannot be outrun.
    let gate = state.staff.gate(&kiosk);
    let _turn = gate.lock().await;
    let mut lockout = load_lockout(&state, &kiosk)?;
    if let Some(seconds) = lockout.locked_for(state.staff.now()) {
        audit(&state, &kiosk, None, Login, StaffAuditOutcome::Locked, None)?;
        return Err(locked(seconds));
    }
    let members = members_at(&state, &kiosk)?;
    let hashes: Vec<PasswordHashString> = members.iter().map(|m| m.hash.clone()).collect();
    let found = {
        let _permit = state
            .staff
            .pin_checks
            .acquire()
            .await
            .map_err(ApiError::internal)?;
        tokio::task::spawn_blocking(move || crate::staff::verify_pin(&pin, &hashes))
            .await
            .map_err(ApiError::internal)?
    };
    let now = state.staff.now();
    let Some(member) = found.and_then(|i| members.get(i)) else {
        let miss = lockout.miss(now);
        store_lockout(&state, &kiosk, &lockout)?;
        return match miss {
            Miss::Wrong { attempts_left } => {
                audit(
                    &state,
                    &kiosk,
                    None,
                    Login,
                    StaffAuditOutcome::WrongPin,
                    None,
                )?;
                Err(ApiError::typed(
                    StatusCode::UNAUTHORIZED,
                    staff_problems::WRONG_PIN,
                    "Wrong PIN",
                    format!("no staff member of this counter has this PIN; {attempts_left} more wrong PINs lock the staff login"),
                )
                .misses_left(attempts_left))
            }
            Miss::Locked { seconds_left } => {
                audit(
                    &state,
                    &kiosk,
                    None,
                    Login,
                    StaffAuditOutcome::LockedOut,
                    None,
                )?;
                tracing::warn!(kiosk = %kiosk, seconds_left, "development portal: a counter's staff login locked");
                Err(locked(seconds_left))
            }
        };
    };
    lockout.success();
    store_lockout(&state, &kiosk, &lockout)?;
    audit(
        &state,
        &kiosk,
        Some(&member.id),
        Login,
        StaffAuditOutcome::Success,
        None,
    )?;
    let session = state
        .staff
        .open(&kiosk, &member.id, &member.name, now)
        .map_err(ApiError::internal)?;
    tracing::info!(kiosk = %kiosk, "development portal: staff session opened");
    Ok(json_answer(StatusCode::OK, &session, after))
}

#[utoipa::path(post, path = "/kiosk/v1/staff/lookup", tag = "staff", operation_id = "staffLookup",
    security(("kioskToken" = [], "staffSession" = [])),
    request_body(content = StaffLookupRequest, example = json!({"vs": "1100012011"})),
    responses((status = 200, description = "The payer's obligations with this VS, paid and unpaid; \
        an empty list when none has it (no-store). Audited at the backend: staff member, kiosk, time, VS.",
        body = StaffLookup),
              (status = 400, description = "No VS, or not 1 to 10 digits", body = Problem,
               content_type = "application/problem+json"),
              (status = 401, description = "Session ended", body = Problem,
               content_type = "application/problem+json"),
              (status = 429, description = "More than 60 lookups in 10 minutes in this staff session \
               (`…/problems/too-many-lookups`)", body = Problem, content_type = "application/problem+json",
               headers(("Retry-After" = u64, description = "Seconds until the next lookup is allowed")))))]
pub(super) async fn post_lookup(
    State(state): AppState,
    StaffAuth(caller): StaffAuth,
    BodyBytes(body): BodyBytes,
) -> Answer {
    use StaffAuditAction::Lookup;
    let bad = || {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "Bad variable symbol",
            format!("vs must be 1 to {VS_MAX_DIGITS} digits"),
        )
    };
    let request: StaffLookupRequest = from_json(&body)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "Bad lookup", body_error(&e)))?;
    let vs = request.vs.as_str();
    if !is_variable_symbol(vs) {
        return Err(bad());
    }
    let after = before(&state, "staff-lookup").await?;
    let staff = Some(caller.staff_id.as_str());
    if let Err(seconds) = state.staff.take_lookup(&caller.session, state.staff.now()) {
        audit(
            &state,
            &caller.kiosk,
            staff,
            Lookup,
            StaffAuditOutcome::RateLimited,
            Some(vs),
        )?;
        return Err(ApiError::typed(
            StatusCode::TOO_MANY_REQUESTS,
            staff_problems::TOO_MANY_LOOKUPS,
            "Too many lookups",
            format!(
                "at most {LOOKUP_LIMIT} lookups in {} minutes per staff session",
                LOOKUP_WINDOW.as_secs() / 60
            ),
        )
        .retry_after(seconds));
    }
    audit(
        &state,
        &caller.kiosk,
        staff,
        Lookup,
        StaffAuditOutcome::Success,
        Some(vs),
    )?;
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

// ---------------------------------------------------------------- admin API

#[utoipa::path(get, path = "/admin/v1/staff/audit", tag = "admin", operation_id = "adminStaffAudit",
    security(("adminToken" = [])),
    params(("after" = Option<i64>, Query, description = "Only entries with a larger `seq` (what came since the last read)")),
    responses((status = 200, description = "Every staff login (success or not) and every lookup with its VS, \
        oldest first (no-store). Needs the admin bearer token.", body = StaffAuditLog),
              (status = 400, description = "`after` is not a whole number", body = Problem,
               content_type = "application/problem+json"),
              (status = 401, description = "Not the admin token", body = Problem,
               content_type = "application/problem+json")))]
pub(super) async fn get_audit(
    State(state): AppState,
    _: AdminAuth,
    RawQuery(query): RawQuery,
) -> Answer {
    let after = match query
        .as_deref()
        .unwrap_or_default()
        .split('&')
        .find_map(|pair| pair.strip_prefix("after="))
    {
        None => 0,
        Some(n) => n.parse::<i64>().map_err(|_| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "Bad query",
                "after must be a whole number",
            )
        })?,
    };
    let rows = state
        .with_db(|c| {
            let mut stmt = c.prepare(
                "SELECT seq, at, kiosk_id, staff_id, action, outcome, variable_symbol
                 FROM staff_audit WHERE seq > ?1 ORDER BY seq",
            )?;
            let rows = stmt.query_map([after], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, Option<String>>(6)?,
                ))
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })
        .map_err(ApiError::internal)?;
    let mut entries = Vec::with_capacity(rows.len());
    for (seq, at, kiosk_id, staff_id, action, outcome, variable_symbol) in rows {
        let text = |s: String| serde_json::Value::String(s);
        entries.push(StaffAuditEntry {
            seq,
            at: chrono::DateTime::parse_from_rfc3339(&at)
                .map_err(ApiError::internal)?
                .with_timezone(&Utc),
            kiosk_id,
            staff_id,
            action: serde_json::from_value(text(action)).map_err(ApiError::internal)?,
            outcome: serde_json::from_value(text(outcome)).map_err(ApiError::internal)?,
            variable_symbol,
        });
    }
    Ok(json_answer(
        StatusCode::OK,
        &StaffAuditLog { entries },
        super::me::After::Nothing,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_symbols_are_one_to_ten_digits() {
        assert!(is_variable_symbol("1100012011"));
        assert!(is_variable_symbol("7"));
        for bad in ["", "12345678901", "12AB34", "%31", "-1", " 1", "１２３"] {
            assert!(!is_variable_symbol(bad), "{bad:?}");
        }
    }

    #[test]
    fn sessions_belong_to_their_kiosk_and_expire() {
        let staff = StaffState::new();
        let now = Utc::now();
        let s = staff.open("k1", "st-1", "Přepážka 1", now).unwrap();
        assert_eq!(s.name, "Přepážka 1");
        assert_eq!(
            staff.caller("k1", &s.session, now).unwrap().staff_id,
            "st-1"
        );
        assert!(staff.caller("k2", &s.session, now).is_none());
        // Unused for 15 minutes: over. Used, it lasts 15 minutes from the use.
        let minutes = chrono::Duration::minutes;
        let used = staff.open("k1", "st-1", "Přepážka 1", now).unwrap();
        assert!(staff.caller("k1", &s.session, now + minutes(15)).is_none());
        assert!(
            staff
                .caller("k1", &used.session, now + minutes(10))
                .is_some()
        );
        assert!(
            staff
                .caller("k1", &used.session, now + minutes(24))
                .is_some()
        );
        assert!(
            staff
                .caller("k1", &used.session, now + minutes(39))
                .is_none()
        );
        let s = staff.open("k1", "st-1", "Přepážka 1", now).unwrap();
        // Another kiosk cannot end it; its own can.
        staff.close("k2", &s.session);
        assert!(staff.caller("k1", &s.session, now).is_some());
        staff.close("k1", &s.session);
        assert!(staff.caller("k1", &s.session, now).is_none());
    }

    #[test]
    fn a_session_makes_sixty_lookups_in_ten_minutes() {
        let staff = StaffState::new();
        let now = Utc::now();
        let s = staff.open("k1", "st-1", "Přepážka 1", now).unwrap().session;
        let other = staff.open("k1", "st-1", "Přepážka 1", now).unwrap().session;
        let seconds = chrono::Duration::seconds;
        for i in 0..LOOKUP_LIMIT as i64 {
            assert_eq!(staff.take_lookup(&s, now + seconds(i)), Ok(()));
        }
        // The 61st waits until the first leaves the window.
        assert_eq!(staff.take_lookup(&s, now + seconds(100)), Err(500));
        assert_eq!(staff.take_lookup(&other, now + seconds(100)), Ok(()));
        assert_eq!(staff.take_lookup(&s, now + seconds(600)), Ok(()));
        assert_eq!(staff.take_lookup(&s, now + seconds(600)), Err(1));
    }
}
