//! The citizen's own data at the development portal (`/kiosk/v1/me/…`):
//! nástěnka, konto plátce, payment intents, submissions and the hlídací pes.
//!
//! Every call needs the kiosk's bearer token and a live citizen session opened
//! by that same kiosk (`x-citizen-session`); anything else is a 401 "Session
//! ended". Answers are never cacheable (`Cache-Control: no-store`). What can
//! change (paid flags, intents, watchdog settings) lives in memory, in a copy
//! of `assets/seed/citizens.json` made at startup. Nothing here logs a name,
//! an amount, a symbol or an id.
//!
//! Paying is simulated: `POST /admin/v1/payments/{id}/paid` pays an intent,
//! and `PUT /admin/v1/payments` `{"autoPaySeconds", "intentTtlSeconds"}` makes
//! pending intents pay themselves after a while (evaluated lazily on the next
//! request) and sets how long an intent stays pending.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, Utc};
use rusqlite::OptionalExtension;

use super::extract::{
    AdminAuth, Answer, ApiError, BodyBytes, CitizenSession, PathParam, from_json,
};
use super::handlers::{cut_off, internal, problem, take_fault};
use super::routes::Routes;
use super::{Fault, PortalState};
use crate::portal::types::*;

type AppState = State<Arc<PortalState>>;

/// How long a payment intent stays pending unless told otherwise.
const DEFAULT_INTENT_TTL: Duration = Duration::from_secs(15 * 60);
/// Most obligations one intent may cover.
const MAX_OBLIGATIONS_PER_INTENT: usize = 1000;
/// SPAYD's largest amount: 9 999 999.99.
const MAX_AMOUNT_CENTS: i64 = 999_999_999;
/// Where the fictional payment gateway lives.
const GATEWAY_BASE: &str = "https://platby.example/litomerice/";

/// The mutable per-citizen data of the portal.
pub(crate) struct MeState {
    inner: Mutex<MeInner>,
}

pub(super) struct MeInner {
    /// Same order as `AuthState::citizens`.
    citizens: Vec<CitizenData>,
    intents: HashMap<String, IntentRecord>,
    auto_pay: Option<Duration>,
    intent_ttl: Duration,
}

struct CitizenData {
    polling_district: Option<u32>,
    obligations: Vec<Obligation>,
    submissions: Vec<Submission>,
    notices: Vec<Notice>,
    watchdog: Watchdog,
}

struct IntentRecord {
    citizen: usize,
    obligation_ids: Vec<String>,
    created_at: Timestamp,
    intent: PaymentIntent,
}

fn field<T: serde::de::DeserializeOwned>(
    citizen: &serde_json::Value,
    index: usize,
    name: &str,
) -> Result<T, String> {
    serde_json::from_value(citizen.get(name).cloned().unwrap_or_default())
        .map_err(|e| format!("citizens.json: citizen #{index}: {name}: {e}"))
}

impl MeState {
    /// Typed copies of the seed's citizens.
    pub(crate) fn new(citizens: &[serde_json::Value]) -> Result<MeState, String> {
        let citizens = citizens
            .iter()
            .enumerate()
            .map(|(i, c)| {
                Ok(CitizenData {
                    polling_district: c["pollingDistrict"]
                        .as_u64()
                        .and_then(|n| u32::try_from(n).ok()),
                    obligations: field(c, i, "obligations")?,
                    submissions: field(c, i, "submissions")?,
                    notices: field(c, i, "notices")?,
                    watchdog: field(c, i, "watchdog")?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(MeState {
            inner: Mutex::new(MeInner {
                citizens,
                intents: HashMap::new(),
                auto_pay: None,
                intent_ttl: DEFAULT_INTENT_TTL,
            }),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, MeInner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Pending intents pay themselves this long after they were created (None: never).
    pub(crate) fn set_auto_pay(&self, after: Option<Duration>) {
        self.lock().auto_pay = after;
    }
}

/// "Today" of the portal: the local date.
fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn to_chrono(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

/// An amount "1234.50" in hellers; None for anything else (sign, comma, 3 decimals).
pub(crate) fn cents(amount: &str) -> Option<i64> {
    let (whole, frac) = amount.split_once('.').unwrap_or((amount, ""));
    if whole.is_empty()
        || whole.len() > 12
        || frac.len() > 2
        || (amount.contains('.') && frac.is_empty())
        || !whole
            .bytes()
            .chain(frac.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let frac_cents = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().ok()? * 10,
        _ => frac.parse::<i64>().ok()?,
    };
    whole
        .parse::<i64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(frac_cents)
}

pub(crate) fn format_cents(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

impl MeInner {
    /// Brings every pending intent up to date: auto-paid or expired.
    fn settle(&mut self, now: Timestamp) {
        let auto_pay = self.auto_pay.map(to_chrono);
        let mut to_pay = Vec::new();
        for (id, record) in &mut self.intents {
            if record.intent.state != PaymentState::Pending {
                continue;
            }
            let expires_at = record.intent.expires_at;
            let pays_at = auto_pay.map(|d| record.created_at + d);
            if pays_at.is_some_and(|at| at <= now && at < expires_at) {
                to_pay.push(id.clone());
            } else if expires_at <= now {
                record.intent.state = PaymentState::Expired;
            }
        }
        for id in to_pay {
            self.pay(&id);
        }
    }

    /// Marks an intent and its obligations paid; false if there is no such intent.
    fn pay(&mut self, id: &str) -> bool {
        let Some(record) = self.intents.get_mut(id) else {
            return false;
        };
        if record.intent.state == PaymentState::Paid {
            return true;
        }
        record.intent.state = PaymentState::Paid;
        record.intent.paid_on = Some(today());
        let ids: HashSet<&str> = record.obligation_ids.iter().map(String::as_str).collect();
        let today = today();
        for o in &mut self.citizens[record.citizen].obligations {
            if ids.contains(o.id.as_str()) && !o.paid {
                o.paid = true;
                o.paid_at = Some(today);
            }
        }
        true
    }

    fn new_intent(
        &mut self,
        citizen: usize,
        ids: &[String],
        now: Timestamp,
    ) -> Result<PaymentIntent, &'static str> {
        if ids.is_empty() {
            return Err("choose at least one obligation to pay");
        }
        if ids.len() > MAX_OBLIGATIONS_PER_INTENT {
            return Err("too many obligations for one payment");
        }
        let mut seen = HashSet::new();
        if !ids.iter().all(|id| seen.insert(id.as_str())) {
            return Err("an obligation is listed twice");
        }
        let own = &self.citizens[citizen].obligations;
        let mut chosen = Vec::with_capacity(ids.len());
        for id in ids {
            // Someone else's obligation is as unknown as one that does not exist.
            let o = own
                .iter()
                .find(|o| &o.id == id)
                .ok_or("an obligation is not on this citizen's account")?;
            if o.paid {
                return Err("an obligation is paid already");
            }
            match cents(&o.amount_czk) {
                Some(c) if c > 0 => chosen.push((o, c)),
                _ => return Err("an obligation has no amount to pay"),
            }
        }
        let first = chosen[0].0;
        if chosen
            .iter()
            .any(|(o, _)| o.account_iban != first.account_iban)
        {
            return Err("the obligations are payable to different accounts; pay them separately");
        }
        let total: i64 = chosen.iter().map(|(_, c)| c).sum();
        if total > MAX_AMOUNT_CENTS {
            return Err("the total is too large for one payment");
        }
        let common = |get: fn(&Obligation) -> &String| {
            let value = get(first);
            if chosen.iter().all(|(o, _)| get(o) == value) {
                value.clone()
            } else {
                String::new()
            }
        };
        let (variable_symbol, message) = if chosen.len() == 1 {
            (first.variable_symbol.clone(), payee_message(&first.title))
        } else {
            (
                self.collective_vs()
                    .map_err(|_| "no random numbers available")?,
                format!("PLATBA {} POLOZEK", chosen.len()),
            )
        };
        let id = intent_id().map_err(|_| "no random numbers available")?;
        let intent = PaymentIntent {
            id: id.clone(),
            state: PaymentState::Pending,
            account_iban: first.account_iban.clone(),
            amount_czk: format_cents(total),
            variable_symbol,
            specific_symbol: common(|o| &o.specific_symbol),
            constant_symbol: common(|o| &o.constant_symbol),
            message,
            gateway_url: Some(format!("{GATEWAY_BASE}{id}")),
            expires_at: now + to_chrono(self.intent_ttl),
            paid_on: None,
        };
        self.intents.insert(
            id,
            IntentRecord {
                citizen,
                obligation_ids: ids.to_vec(),
                created_at: now,
                intent: intent.clone(),
            },
        );
        Ok(intent)
    }

    /// A fresh collective variable symbol: 10 digits starting with 9.
    fn collective_vs(&self) -> Result<String, getrandom::Error> {
        loop {
            let mut bytes = [0u8; 8];
            getrandom::fill(&mut bytes)?;
            let vs = format!("9{:09}", u64::from_le_bytes(bytes) % 1_000_000_000);
            if !self
                .intents
                .values()
                .any(|r| r.intent.variable_symbol == vs)
            {
                return Ok(vs);
            }
        }
    }
}

fn intent_id() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes)?;
    Ok(format!("pi-{}", crate::sync::hex_of(&bytes)))
}

/// The obligation's title for the payee: upper-case ASCII, cut at a word to 60.
fn payee_message(title: &str) -> String {
    let mut m = crate::payment::simplify_message(title);
    while m.len() > 60 {
        match m.rfind(' ') {
            Some(i) => m.truncate(i),
            None => m.truncate(60),
        }
    }
    if m.is_empty() { "PLATBA".into() } else { m }
}

/// The nástěnka figures for one citizen on `today`.
fn dashboard(
    citizen: &CitizenData,
    today: NaiveDate,
    elections: Option<&ElectionInfo>,
) -> MeDashboard {
    let unpaid: Vec<&Obligation> = citizen.obligations.iter().filter(|o| !o.paid).collect();
    let total: i64 = unpaid.iter().filter_map(|o| cents(&o.amount_czk)).sum();
    MeDashboard {
        unpaid_count: unpaid.len() as u32,
        unpaid_total_czk: format_cents(total),
        overdue_count: unpaid.iter().filter(|o| o.due_date < today).count() as u32,
        nearest_due_date: unpaid.iter().map(|o| o.due_date).min(),
        open_submissions: citizen
            .submissions
            .iter()
            .filter(|s| s.state != "closed")
            .count() as u32,
        notices: citizen.notices.clone(),
        next_election: elections.and_then(|info| next_election(info, citizen, today)),
    }
}

fn next_election(
    info: &ElectionInfo,
    citizen: &CitizenData,
    today: NaiveDate,
) -> Option<NextElection> {
    let number = citizen.polling_district?;
    let district = info.districts.iter().find(|d| d.number == number)?;
    let (election, date) = info
        .elections
        .iter()
        .filter_map(|e| {
            let day = e.days.iter().copied().filter(|d| *d >= today).min()?;
            Some((e, day))
        })
        .min_by_key(|(_, day)| *day)?;
    Some(NextElection {
        title: election.title.clone(),
        date,
        district: district.number,
        place: district.place.clone(),
        address: district.address.clone(),
    })
}

// ---------------------------------------------------------------- the counter (staff.rs)

impl MeState {
    /// Any payer's intent in its current state (intents are settled first).
    pub(super) fn intent(&self, id: &str) -> Option<PaymentIntent> {
        let mut me = self.lock();
        me.settle(Utc::now());
        me.intents.get(id).map(|r| r.intent.clone())
    }

    /// Every obligation, paid or not, whose variable symbol is `vs`, with its
    /// payer (an index into `AuthState::citizens`). Intents are settled first,
    /// so a payment made at a kiosk shows at the counter.
    pub(super) fn by_variable_symbol(&self, vs: &str) -> Vec<(usize, Obligation)> {
        let mut me = self.lock();
        me.settle(Utc::now());
        me.citizens
            .iter()
            .enumerate()
            .flat_map(|(payer, c)| {
                c.obligations
                    .iter()
                    .filter(|o| o.variable_symbol == vs)
                    .map(move |o| (payer, o.clone()))
            })
            .collect()
    }
}

impl MeInner {
    /// A payment intent, as `POST /me/payments` makes it, for whichever payer
    /// owns the obligations (all must be that one payer's).
    pub(super) fn payer_intent(
        &mut self,
        ids: &[String],
        now: Timestamp,
    ) -> Result<PaymentIntent, &'static str> {
        let Some(first) = ids.first() else {
            return Err("choose at least one obligation to pay");
        };
        let payer = self
            .citizens
            .iter()
            .position(|c| c.obligations.iter().any(|o| &o.id == first))
            .ok_or("an obligation is not known")?;
        self.new_intent(payer, ids, now)
    }
}

// ---------------------------------------------------------------- plumbing

/// A fault to apply after the normal answer was made (body-level faults).
pub(super) enum After {
    Nothing,
    NotJson,
    Truncated,
    WrongTypes,
    CutOff,
}

/// Takes the fault set for `target` and applies what can be applied before
/// answering: an injected status answers at once, a delay sleeps.
pub(super) async fn before(state: &PortalState, target: &str) -> Result<After, ApiError> {
    Ok(match take_fault(state, target) {
        Some(Fault::Status {
            status,
            retry_after,
        }) => {
            return Err(ApiError::Injected {
                status,
                retry_after,
            });
        }
        Some(Fault::Delay(delay)) | Some(Fault::AckDelay(delay)) => {
            tokio::time::sleep(delay).await;
            After::Nothing
        }
        Some(Fault::NotJson) => After::NotJson,
        Some(Fault::Truncated) => After::Truncated,
        Some(Fault::WrongTypes) => After::WrongTypes,
        Some(Fault::CutOff) => After::CutOff,
        Some(Fault::NotModified) | Some(Fault::WrongHash) | None => After::Nothing,
    })
}

pub(super) fn json_answer(
    status: StatusCode,
    value: &impl serde::Serialize,
    after: After,
) -> Response {
    let json = match serde_json::to_vec(value) {
        Ok(json) => json,
        Err(e) => return internal(e),
    };
    let ok = |body: Vec<u8>| {
        (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
    };
    match after {
        After::Nothing => ok(json),
        After::NotJson => ok(b"<html><body>Service temporarily unavailable</body></html>".to_vec()),
        After::Truncated => ok(json[..json.len() / 2].to_vec()),
        After::WrongTypes => ok(b"{\"items\": \"not a list\"}".to_vec()),
        After::CutOff => cut_off("application/json", json),
    }
}

/// A request body's error without echoing its values.
pub(super) fn body_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    if text.starts_with("unknown field") || text.starts_with("missing field") {
        text
    } else {
        format!(
            "{:?} error at line {} column {}",
            e.classify(),
            e.line(),
            e.column()
        )
    }
}

fn unprocessable(detail: &str) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "Cannot do that", detail)
}

pub(super) async fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The `/kiosk/v1/me/…` routes (never cacheable) and their admin controls.
pub(super) fn routes() -> Routes {
    let me = Routes::new()
        .get("/kiosk/v1/me/dashboard", get_dashboard)
        .get("/kiosk/v1/me/obligations", get_obligations)
        .post("/kiosk/v1/me/payments", post_payment)
        .get("/kiosk/v1/me/payments/{id}", get_payment)
        .get("/kiosk/v1/me/submissions", get_submissions)
        .get("/kiosk/v1/me/watchdog", get_watchdog)
        .put("/kiosk/v1/me/watchdog", put_watchdog)
        .map(|r| r.layer(axum::middleware::map_response(no_store)));
    Routes::new()
        .merge(me)
        .put("/admin/v1/payments", put_payment_settings)
        .post("/admin/v1/payments/{id}/paid", post_paid)
}

// ---------------------------------------------------------------- kiosk API

#[utoipa::path(get, path = "/kiosk/v1/me/dashboard", tag = "citizen", operation_id = "meGetDashboard",
    security(("kioskToken" = [], "citizenSession" = [])),
    responses((status = 200, description = "The nástěnka (Cache-Control: no-store)", body = MeDashboard),
              (status = 401, description = "No kiosk token, or the citizen session has ended (or is another kiosk's)")))]
pub(super) async fn get_dashboard(
    State(state): AppState,
    CitizenSession(index): CitizenSession,
) -> Answer {
    let after = before(&state, "me-dashboard").await?;
    let elections = state
        .with_db(|c| {
            c.query_row(
                "SELECT json FROM content WHERE collection = 'elections'",
                [],
                |r| r.get::<_, String>(0),
            )
            .optional()
        })
        .ok()
        .flatten()
        .and_then(|json| serde_json::from_str::<ElectionInfo>(&json).ok());
    let board = {
        let mut me = state.me.lock();
        me.settle(Utc::now());
        dashboard(&me.citizens[index], today(), elections.as_ref())
    };
    Ok(json_answer(StatusCode::OK, &board, after))
}

#[utoipa::path(get, path = "/kiosk/v1/me/obligations", tag = "citizen", operation_id = "meGetObligations",
    security(("kioskToken" = [], "citizenSession" = [])),
    responses((status = 200, description = "Every obligation since 2020 (no-store)", body = ObligationList),
              (status = 401, description = "No kiosk token, or the citizen session has ended (or is another kiosk's)")))]
pub(super) async fn get_obligations(
    State(state): AppState,
    CitizenSession(index): CitizenSession,
) -> Answer {
    let after = before(&state, "me-obligations").await?;
    let list = {
        let mut me = state.me.lock();
        me.settle(Utc::now());
        ObligationList {
            obligations: me.citizens[index].obligations.clone(),
        }
    };
    Ok(json_answer(StatusCode::OK, &list, after))
}

#[utoipa::path(post, path = "/kiosk/v1/me/payments", tag = "citizen", operation_id = "meCreatePayment",
    security(("kioskToken" = [], "citizenSession" = [])),
    request_body(content = PaymentIntentRequest, example = json!({"obligationIds": ["o-jana-odpad-2026"]})),
    responses((status = 201, description = "A new pending payment intent", body = PaymentIntent,
                  links(("GetPayment" = (operation_id = "meGetPayment",
                      parameters(("id" = "$response.body#/id")),
                      description = "Follow the intent until it is paid or expired")))),
              (status = 400, description = "Not a payment request (unknown fields are refused)"),
              (status = 401, description = "No kiosk token, or the citizen session has ended (or is another kiosk's)"),
              (status = 422, description = "Nothing to pay, unknown, paid, zero or on different accounts")))]
pub(super) async fn post_payment(
    State(state): AppState,
    CitizenSession(index): CitizenSession,
    BodyBytes(body): BodyBytes,
) -> Answer {
    intent_answer(&state, "me-payments", &body, |me, ids, now| {
        me.new_intent(index, ids, now)
    })
    .await
}

/// `POST …/payments`, shared by the citizen (`/me`) and the counter
/// (`/staff`): parses `{obligationIds}`, settles the intents, lets `make` open
/// a new one, and answers 201 with it (or 400/422).
pub(super) async fn intent_answer(
    state: &PortalState,
    fault_target: &str,
    body: &[u8],
    make: impl FnOnce(&mut MeInner, &[String], Timestamp) -> Result<PaymentIntent, &'static str>,
) -> Answer {
    let after = before(state, fault_target).await?;
    let request: PaymentIntentRequest = from_json(body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "Bad payment request",
            body_error(&e),
        )
    })?;
    let created = {
        let mut me = state.me.lock();
        let now = Utc::now();
        me.settle(now);
        make(&mut me, &request.obligation_ids, now)
    };
    match created {
        Ok(intent) => {
            tracing::info!(
                obligations = request.obligation_ids.len(),
                "development portal: payment intent created"
            );
            Ok(json_answer(StatusCode::CREATED, &intent, after))
        }
        Err(detail) => Err(unprocessable(detail)),
    }
}

#[utoipa::path(get, path = "/kiosk/v1/me/payments/{id}", tag = "citizen", operation_id = "meGetPayment",
    security(("kioskToken" = [], "citizenSession" = [])),
    params(("id" = String, Path, description = "The intent's id")),
    responses((status = 200, description = "The intent in its current state", body = PaymentIntent),
              (status = 401, description = "No kiosk token, or the citizen session has ended (or is another kiosk's)"),
              (status = 400, description = "The path does not decode to UTF-8"),
              (status = 404, description = "No such intent of this citizen")))]
pub(super) async fn get_payment(
    State(state): AppState,
    PathParam(id): PathParam,
    CitizenSession(index): CitizenSession,
) -> Answer {
    let after = before(&state, "me-payments").await?;
    let intent = {
        let mut me = state.me.lock();
        me.settle(Utc::now());
        me.intents
            .get(&id)
            .filter(|r| r.citizen == index)
            .map(|r| r.intent.clone())
    };
    match intent {
        Some(intent) => Ok(json_answer(StatusCode::OK, &intent, after)),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "Not found",
            "no such payment",
        )),
    }
}

#[utoipa::path(get, path = "/kiosk/v1/me/submissions", tag = "citizen", operation_id = "meGetSubmissions",
    security(("kioskToken" = [], "citizenSession" = [])),
    responses((status = 200, description = "Submissions and their states (no-store)", body = SubmissionList),
              (status = 401, description = "No kiosk token, or the citizen session has ended (or is another kiosk's)")))]
pub(super) async fn get_submissions(
    State(state): AppState,
    CitizenSession(index): CitizenSession,
) -> Answer {
    let after = before(&state, "me-submissions").await?;
    let list = SubmissionList {
        submissions: state.me.lock().citizens[index].submissions.clone(),
    };
    Ok(json_answer(StatusCode::OK, &list, after))
}

#[utoipa::path(get, path = "/kiosk/v1/me/watchdog", tag = "citizen", operation_id = "meGetWatchdog",
    security(("kioskToken" = [], "citizenSession" = [])),
    responses((status = 200, description = "The hlídací pes settings (no-store)", body = Watchdog),
              (status = 401, description = "No kiosk token, or the citizen session has ended (or is another kiosk's)")))]
pub(super) async fn get_watchdog(
    State(state): AppState,
    CitizenSession(index): CitizenSession,
) -> Answer {
    let after = before(&state, "me-watchdog").await?;
    let watchdog = state.me.lock().citizens[index].watchdog.clone();
    Ok(json_answer(StatusCode::OK, &watchdog, after))
}

/// Light checks of the notification channels ("" switches a channel off).
fn check_watchdog(w: &Watchdog) -> Result<(), &'static str> {
    let email = &w.channels.email;
    if !email.is_empty() {
        let ok = email.len() <= 254
            && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            });
        if !ok {
            return Err("the e-mail address is not valid");
        }
    }
    let sms = &w.channels.sms;
    if !sms.is_empty() {
        let rest = sms.strip_prefix('+').unwrap_or(sms);
        let digits = rest.chars().filter(char::is_ascii_digit).count();
        let ok = rest.chars().all(|c| c.is_ascii_digit() || c == ' ') && (9..=15).contains(&digits);
        if !ok {
            return Err("the phone number for SMS is not valid");
        }
    }
    Ok(())
}

#[utoipa::path(put, path = "/kiosk/v1/me/watchdog", tag = "citizen", operation_id = "mePutWatchdog",
    security(("kioskToken" = [], "citizenSession" = [])),
    request_body(content = Watchdog, example = json!({"newObligation": true, "dueDateApproaching": true,
        "submissionChanged": false, "election": true,
        "channels": {"email": "jana.novakova@example.cz", "sms": "+420 603 123 456"}})),
    responses((status = 204, description = "Stored"),
              (status = 400, description = "Not a watchdog document (unknown fields are refused)"),
              (status = 401, description = "No kiosk token, or the citizen session has ended (or is another kiosk's)"),
              (status = 422, description = "An e-mail address or phone number that cannot be right")))]
pub(super) async fn put_watchdog(
    State(state): AppState,
    CitizenSession(index): CitizenSession,
    BodyBytes(body): BodyBytes,
) -> Answer {
    before(&state, "me-watchdog").await?;
    let watchdog: Watchdog = from_json(&body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "Bad watchdog settings",
            body_error(&e),
        )
    })?;
    check_watchdog(&watchdog).map_err(unprocessable)?;
    state.me.lock().citizens[index].watchdog = watchdog;
    Ok(StatusCode::NO_CONTENT.into_response())
}

// ---------------------------------------------------------------- admin API

/// Absent: unchanged; null: off; a number: set.
fn double_option<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<u64>>, D::Error> {
    <Option<u64> as serde::Deserialize>::deserialize(d).map(Some)
}

/// The longest time a test may set for paying or expiring intents (a week):
/// more would overflow the portal's timestamps.
const MAX_SETTING_SECONDS: u64 = 7 * 24 * 60 * 60;

/// Simulated payments; an absent field is left as it is.
#[derive(serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PaymentSettings {
    /// Pending intents pay themselves this long after they were made; null: never.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<u64>, maximum = 604800)]
    auto_pay_seconds: Option<Option<u64>>,
    /// How long an intent stays pending (default 900).
    #[serde(default)]
    #[schema(maximum = 604800)]
    intent_ttl_seconds: Option<u64>,
}

/// `PUT /admin/v1/payments`: simulated payments (`autoPaySeconds`, null = off)
/// and how long intents stay pending (`intentTtlSeconds`).
#[utoipa::path(put, path = "/admin/v1/payments", tag = "admin", operation_id = "adminPutPaymentSettings",
    security(("adminToken" = [])),
    request_body(content = PaymentSettings, example = json!({"autoPaySeconds": 20, "intentTtlSeconds": 900})),
    responses((status = 204, description = "Set"),
              (status = 400, description = "Not payment settings (unknown fields are refused)"),
              (status = 422, description = "A time over a week")))]
pub(super) async fn put_payment_settings(
    State(state): AppState,
    _: AdminAuth,
    BodyBytes(body): BodyBytes,
) -> Response {
    let settings: PaymentSettings = match from_json(&body) {
        Ok(s) => s,
        Err(e) => {
            return problem(
                StatusCode::BAD_REQUEST,
                "Bad payment settings",
                e.to_string(),
            );
        }
    };
    let too_long = |s: &Option<u64>| s.is_some_and(|s| s > MAX_SETTING_SECONDS);
    if too_long(&settings.intent_ttl_seconds)
        || settings.auto_pay_seconds.is_some_and(|s| too_long(&s))
    {
        return problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Bad payment settings",
            format!("times must be at most {MAX_SETTING_SECONDS} seconds"),
        );
    }
    let mut me = state.me.lock();
    if let Some(auto_pay) = settings.auto_pay_seconds {
        me.auto_pay = auto_pay.map(Duration::from_secs);
    }
    if let Some(ttl) = settings.intent_ttl_seconds {
        me.intent_ttl = Duration::from_secs(ttl);
    }
    StatusCode::NO_CONTENT.into_response()
}

/// `POST /admin/v1/payments/{id}/paid`: the money has arrived.
#[utoipa::path(post, path = "/admin/v1/payments/{id}/paid", tag = "admin", operation_id = "adminMarkPaid",
    security(("adminToken" = [])),
    params(("id" = String, Path, description = "The intent's id")),
    responses((status = 204, description = "The intent and its obligations are paid (or were)"),
              (status = 400, description = "The path does not decode to UTF-8"),
              (status = 404, description = "No such intent")))]
pub(super) async fn post_paid(
    State(state): AppState,
    PathParam(id): PathParam,
    _: AdminAuth,
) -> Response {
    let mut me = state.me.lock();
    me.settle(Utc::now());
    if me.pay(&id) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        problem(StatusCode::NOT_FOUND, "Not found", "no such payment")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_parse_strictly() {
        assert_eq!(cents("1958.33"), Some(195_833));
        assert_eq!(cents("900.00"), Some(90_000));
        assert_eq!(cents("900"), Some(90_000));
        assert_eq!(cents("0.5"), Some(50));
        assert_eq!(cents("0.00"), Some(0));
        for bad in ["", "-1.00", "1,00", "1.", ".5", "1.234", "1 000.00", "abc"] {
            assert_eq!(cents(bad), None, "{bad}");
        }
        assert_eq!(format_cents(159_800), "1598.00");
        assert_eq!(format_cents(5), "0.05");
    }

    #[test]
    fn messages_are_upper_case_ascii_and_fit() {
        assert_eq!(
            payee_message("Poplatek za komunální odpad 2026"),
            "POPLATEK ZA KOMUNALNI ODPAD 2026"
        );
        let long = payee_message(
            "Poplatek z pobytu – leden 2020 (Penzion U Svobodů, 58 nocí) a ještě mnohem delší text",
        );
        assert!(long.len() <= 60 && long.is_ascii(), "{long}");
        assert_eq!(payee_message("!!!"), "PLATBA");
    }

    #[test]
    fn the_seed_citizens_load() {
        let auth = super::super::auth::AuthState::new(super::super::auth::CITIZENS_JSON).unwrap();
        let me = MeState::new(&auth.citizens).unwrap();
        let inner = me.lock();
        assert_eq!(inner.citizens.len(), 4);
        assert_eq!(inner.citizens[3].obligations.len(), 500);
    }
}
