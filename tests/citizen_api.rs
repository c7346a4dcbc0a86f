//! The citizen-data part of the contract (`/kiosk/v1/me/…`) end to end: the
//! real development portal on loopback, the kiosk's real HTTP client, and a
//! login the way the kiosk does it (challenge, the demo card's signature, token).
//! Expected figures are computed here from `assets/seed/*.json`, not copied.

use std::time::{Duration, Instant};

mod support;

use portal_kiosk::devportal::{self, DEMO_KIOSK_TOKEN, RunningPortal};
use portal_kiosk::portal::types::*;
use portal_kiosk::portal::{PortalClient, PortalError};
use support::{citizen_login, client_with};

const CITIZENS: &str = include_str!("../assets/seed/citizens.json");
const ELECTIONS: &str = include_str!("../assets/seed/elections.json");

struct Setup {
    _dir: tempfile::TempDir,
    portal: RunningPortal,
    client: PortalClient,
}

impl Setup {
    async fn new() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let portal = devportal::start("127.0.0.1:0", &dir.path().join("portal.sqlite"), true)
            .await
            .unwrap();
        let client = client_with(&portal, DEMO_KIOSK_TOKEN);
        Setup {
            _dir: dir,
            portal,
            client,
        }
    }

    /// Logs a demo citizen in as the kiosk does; returns the session token.
    async fn login(&self, id: &str) -> String {
        citizen_login(&self.client, id).await
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.portal.addr)
    }

    fn admin(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        reqwest::Client::new()
            .request(method, self.url(&format!("/admin/v1/{path}")))
            .bearer_auth(self.portal.state.admin_token())
    }

    async fn payment_settings(&self, settings: serde_json::Value) {
        let r = self
            .admin(reqwest::Method::PUT, "payments")
            .json(&settings)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204, "{settings}");
    }

    async fn mark_paid(&self, intent: &str) -> u16 {
        self.admin(reqwest::Method::POST, &format!("payments/{intent}/paid"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    async fn fault(&self, target: &str, fault: &str, times: i64) {
        let r = self
            .admin(reqwest::Method::PUT, &format!("faults/{target}"))
            .json(&serde_json::json!({ "fault": fault, "times": times }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204, "fault {fault} on {target}");
    }

    /// A raw GET of a `/me` path with the demo kiosk's token and this session.
    async fn raw_me(&self, path: &str, session: Option<&str>) -> reqwest::Response {
        let mut request = reqwest::Client::new()
            .get(self.url(&format!("/kiosk/v1/me/{path}")))
            .bearer_auth(DEMO_KIOSK_TOKEN);
        if let Some(session) = session {
            request = request.header("x-citizen-session", session);
        }
        request.send().await.unwrap()
    }
}

/// The seed's record of a citizen.
fn seed(id: &str) -> serde_json::Value {
    let doc: serde_json::Value = serde_json::from_str(CITIZENS).unwrap();
    doc["citizens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .cloned()
        .unwrap()
}

fn seed_obligations(id: &str) -> Vec<serde_json::Value> {
    seed(id)["obligations"].as_array().unwrap().clone()
}

/// "1958.33" → 195833 (the seed's amounts all have two decimals).
fn hellers(amount: &str) -> i64 {
    let (whole, frac) = amount.split_once('.').unwrap();
    whole.parse::<i64>().unwrap() * 100 + frac.parse::<i64>().unwrap()
}

fn date(value: &serde_json::Value) -> chrono::NaiveDate {
    value.as_str().unwrap().parse().unwrap()
}

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// The 422's detail, or a panic with what came instead.
fn refused<T>(result: Result<T, PortalError>) -> String {
    match result {
        Err(PortalError::Status {
            status: 422,
            problem: Some(problem),
            ..
        }) => {
            assert!(!problem.detail.is_empty());
            problem.detail
        }
        Err(e) => panic!("expected 422, got {e}"),
        Ok(_) => panic!("expected 422, got a success"),
    }
}

fn is_session_ended<T>(result: Result<T, PortalError>) -> bool {
    matches!(result, Err(e) if e.is_session_ended())
}

// ---------------------------------------------------------------- dashboard

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_adds_up_what_the_seed_holds() {
    let s = Setup::new().await;
    let session = s.login("demo-jana").await;
    let board = s.client.me_dashboard(&session).await.unwrap();

    let jana = seed("demo-jana");
    let today = today();
    let unpaid: Vec<&serde_json::Value> = jana["obligations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["paid"] == false)
        .collect();
    assert!(
        !unpaid.is_empty(),
        "the seed should leave Jana something to pay"
    );
    let total: i64 = unpaid
        .iter()
        .map(|o| hellers(o["amountCzk"].as_str().unwrap()))
        .sum();
    assert_eq!(board.unpaid_count as usize, unpaid.len());
    assert_eq!(
        board.unpaid_total_czk,
        format!("{}.{:02}", total / 100, total % 100)
    );
    assert_eq!(
        board.overdue_count as usize,
        unpaid
            .iter()
            .filter(|o| date(&o["dueDate"]) < today)
            .count()
    );
    assert_eq!(
        board.nearest_due_date,
        unpaid.iter().map(|o| date(&o["dueDate"])).min()
    );
    assert_eq!(
        board.open_submissions as usize,
        jana["submissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["state"] != "closed")
            .count()
    );
    assert_eq!(
        serde_json::to_value(&board.notices).unwrap(),
        jana["notices"]
    );

    // The next election at Jana's polling station.
    let info: ElectionInfo = serde_json::from_str(ELECTIONS).unwrap();
    let district_number = jana["pollingDistrict"].as_u64().unwrap() as u32;
    let district = info
        .districts
        .iter()
        .find(|d| d.number == district_number)
        .unwrap();
    let expected = info
        .elections
        .iter()
        .filter_map(|e| {
            e.days
                .iter()
                .filter(|d| **d >= today)
                .min()
                .map(|d| (e, *d))
        })
        .min_by_key(|(_, d)| *d);
    match (expected, &board.next_election) {
        (Some((election, day)), Some(next)) => {
            assert_eq!(next.title, election.title);
            assert_eq!(next.date, day);
            assert_eq!(next.district, district.number);
            assert_eq!(next.place, district.place);
            assert_eq!(next.address, district.address);
        }
        (None, None) => {}
        (expected, got) => panic!(
            "election expected: {}, got: {}",
            expected.is_some(),
            got.is_some()
        ),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_election_is_announced_when_none_is_ahead() {
    let s = Setup::new().await;
    // Publish elections that are all over.
    let mut info: ElectionInfo = serde_json::from_str(ELECTIONS).unwrap();
    for e in &mut info.elections {
        e.days = vec![chrono::NaiveDate::from_ymd_opt(2021, 10, 8).unwrap()];
        // One day, one opening time (the contract checks they pair up).
        e.hours.truncate(1);
    }
    let r = s
        .admin(reqwest::Method::PUT, "content/elections")
        .json(&info)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    let session = s.login("demo-josef").await;
    let board = s.client.me_dashboard(&session).await.unwrap();
    assert!(board.next_election.is_none());
}

// ---------------------------------------------------------------- obligations, submissions

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn obligations_come_as_the_seed_has_them_broken_ones_included() {
    let s = Setup::new().await;
    let session = s.login("demo-tereza").await;
    let list = s.client.me_obligations(&session).await.unwrap();
    assert_eq!(
        serde_json::to_value(&list.obligations).unwrap(),
        serde_json::Value::Array(seed_obligations("demo-tereza"))
    );
    let note = |n: &str| {
        list.obligations
            .iter()
            .find(|o| o.note == n)
            .unwrap_or_else(|| panic!("no obligation noted {n:?}"))
    };
    assert_eq!(
        note("invalid IBAN for tests").account_iban,
        "CZ6601000000194260107208"
    );
    assert_eq!(
        note("invalid variable symbol for tests").variable_symbol,
        "12AB34"
    );
    assert_eq!(note("zero amount for tests").amount_czk, "0.00");

    let session = s.login("demo-podnikatel").await;
    let list = s.client.me_obligations(&session).await.unwrap();
    assert_eq!(list.obligations.len(), 500);
    assert_eq!(
        serde_json::to_value(&list.obligations).unwrap(),
        serde_json::Value::Array(seed_obligations("demo-podnikatel"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submissions_come_with_their_states_and_offsets() {
    let s = Setup::new().await;
    let session = s.login("demo-jana").await;
    let list = s.client.me_submissions(&session).await.unwrap();
    assert_eq!(
        serde_json::to_value(&list.submissions).unwrap(),
        seed("demo-jana")["submissions"]
    );
}

// ---------------------------------------------------------------- payments

fn unpaid_on(id: &str, account: &str) -> Vec<serde_json::Value> {
    seed_obligations(id)
        .into_iter()
        .filter(|o| o["paid"] == false && o["accountIban"] == account)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_obligation_is_paid_with_its_own_symbols() {
    let s = Setup::new().await;
    let session = s.login("demo-jana").await;
    let obligation = seed_obligations("demo-jana")
        .into_iter()
        .find(|o| o["paid"] == false)
        .unwrap();
    let id = obligation["id"].as_str().unwrap().to_string();
    let before = chrono::Utc::now();
    let intent = s.client.create_payment(&session, &[id]).await.unwrap();
    let after = chrono::Utc::now();
    assert_eq!(intent.state, PaymentState::Pending);
    assert_eq!(intent.amount_czk, obligation["amountCzk"]);
    assert_eq!(intent.account_iban, obligation["accountIban"]);
    assert_eq!(intent.variable_symbol, obligation["variableSymbol"]);
    assert_eq!(intent.specific_symbol, obligation["specificSymbol"]);
    assert_eq!(intent.constant_symbol, obligation["constantSymbol"]);
    assert_eq!(intent.message, "POPLATEK ZA KOMUNALNI ODPAD 2026");
    let gateway = intent.gateway_url.as_deref().unwrap();
    assert!(
        gateway.starts_with("https://") && gateway.ends_with(&intent.id),
        "{gateway}"
    );
    // Pending for the default 15 minutes.
    let fifteen = chrono::Duration::minutes(15);
    assert!(
        intent.expires_at >= before + fifteen && intent.expires_at <= after + fifteen,
        "{}",
        intent.expires_at - before
    );
    let again = s.client.payment(&session, &intent.id).await.unwrap();
    assert_eq!(again, intent);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_obligations_on_one_account_get_a_collective_symbol() {
    let s = Setup::new().await;
    let session = s.login("demo-podnikatel").await;
    let account = "CZ6001000000194260107208";
    let chosen: Vec<serde_json::Value> = unpaid_on("demo-podnikatel", account)
        .into_iter()
        .take(3)
        .collect();
    assert_eq!(chosen.len(), 3);
    let ids: Vec<String> = chosen
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_string())
        .collect();
    let total: i64 = chosen
        .iter()
        .map(|o| hellers(o["amountCzk"].as_str().unwrap()))
        .sum();
    let intent = s.client.create_payment(&session, &ids).await.unwrap();
    assert_eq!(
        intent.amount_czk,
        format!("{}.{:02}", total / 100, total % 100)
    );
    assert_eq!(intent.account_iban, account);
    assert_eq!(intent.variable_symbol.len(), 10);
    assert!(intent.variable_symbol.starts_with('9'));
    assert!(intent.variable_symbol.bytes().all(|b| b.is_ascii_digit()));
    assert!(
        chosen
            .iter()
            .all(|o| o["variableSymbol"] != intent.variable_symbol)
    );
    assert_eq!(intent.message, "PLATBA 3 POLOZEK");
    // Each intent gets its own collective symbol.
    let other = s.client.create_payment(&session, &ids[..2]).await.unwrap();
    assert_ne!(other.variable_symbol, intent.variable_symbol);
    assert_ne!(other.id, intent.id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_accounts_and_symbols_are_passed_on_not_repaired() {
    let s = Setup::new().await;
    let session = s.login("demo-tereza").await;
    for note in [
        "invalid IBAN for tests",
        "invalid variable symbol for tests",
    ] {
        let o = seed_obligations("demo-tereza")
            .into_iter()
            .find(|o| o["note"] == note)
            .unwrap();
        let intent = s
            .client
            .create_payment(&session, &[o["id"].as_str().unwrap().to_string()])
            .await
            .unwrap();
        assert_eq!(intent.account_iban, o["accountIban"], "{note}");
        assert_eq!(intent.variable_symbol, o["variableSymbol"], "{note}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn impossible_payments_are_refused_with_a_reason() {
    let s = Setup::new().await;
    let tereza = s.login("demo-tereza").await;
    let by_note = |note: &str| {
        seed_obligations("demo-tereza")
            .into_iter()
            .find(|o| o["note"] == note)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let fine = seed_obligations("demo-tereza")
        .into_iter()
        .find(|o| o["paid"] == false && o["kind"] == "fine")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let paid = seed_obligations("demo-tereza")
        .into_iter()
        .find(|o| o["paid"] == true)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let jana_unpaid = seed_obligations("demo-jana")
        .into_iter()
        .find(|o| o["paid"] == false)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let vs = by_note("invalid variable symbol for tests");
    let cases: Vec<(&str, Vec<String>)> = vec![
        ("empty", vec![]),
        ("unknown", vec!["o-nobody-1".into()]),
        ("someone else's", vec![jana_unpaid]),
        ("already paid", vec![paid]),
        ("zero amount", vec![by_note("zero amount for tests")]),
        ("different accounts", vec![fine, vs.clone()]),
        ("twice", vec![vs.clone(), vs]),
    ];
    for (what, ids) in cases {
        let detail = refused(s.client.create_payment(&tereza, &ids).await);
        assert!(detail.is_ascii(), "{what}: {detail}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paid_intent_pays_its_obligations() {
    let s = Setup::new().await;
    let session = s.login("demo-jana").await;
    let unpaid: Vec<String> = seed_obligations("demo-jana")
        .into_iter()
        .filter(|o| o["paid"] == false)
        .map(|o| o["id"].as_str().unwrap().to_string())
        .collect();
    let intent = s
        .client
        .create_payment(&session, &unpaid[..1])
        .await
        .unwrap();
    assert_eq!(s.mark_paid("pi-no-such-intent").await, 404);
    assert_eq!(s.mark_paid(&intent.id).await, 204);
    let now = s.client.payment(&session, &intent.id).await.unwrap();
    assert_eq!(now.state, PaymentState::Paid);

    let list = s.client.me_obligations(&session).await.unwrap();
    let o = list.obligations.iter().find(|o| o.id == unpaid[0]).unwrap();
    assert!(o.paid);
    assert_eq!(o.paid_at, Some(today()));
    let board = s.client.me_dashboard(&session).await.unwrap();
    assert_eq!(board.unpaid_count as usize, unpaid.len() - 1);
    // Paid is paid: no second intent for it.
    refused(s.client.create_payment(&session, &unpaid[..1]).await);

    // Another citizen does not see Jana's intent.
    let josef = s.login("demo-josef").await;
    match s.client.payment(&josef, &intent.id).await {
        Err(PortalError::Status { status: 404, .. }) => {}
        other => panic!("expected 404, got {:?}", other.map(|_| ())),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_intents_expire_or_pay_themselves_when_told() {
    let s = Setup::new().await;
    let session = s.login("demo-podnikatel").await;
    let ids: Vec<String> = unpaid_on("demo-podnikatel", "CZ6001000000194260107208")
        .into_iter()
        .map(|o| o["id"].as_str().unwrap().to_string())
        .collect();

    s.payment_settings(serde_json::json!({ "intentTtlSeconds": 1 }))
        .await;
    let intent = s.client.create_payment(&session, &ids[..1]).await.unwrap();
    assert_eq!(intent.state, PaymentState::Pending);
    tokio::time::sleep(Duration::from_millis(1300)).await;
    let later = s.client.payment(&session, &intent.id).await.unwrap();
    assert_eq!(later.state, PaymentState::Expired);
    let list = s.client.me_obligations(&session).await.unwrap();
    assert!(
        !list
            .obligations
            .iter()
            .find(|o| o.id == ids[0])
            .unwrap()
            .paid
    );

    s.payment_settings(serde_json::json!({ "autoPaySeconds": 1, "intentTtlSeconds": 60 }))
        .await;
    let intent = s.client.create_payment(&session, &ids[1..3]).await.unwrap();
    assert_eq!(
        s.client.payment(&session, &intent.id).await.unwrap().state,
        PaymentState::Pending
    );
    tokio::time::sleep(Duration::from_millis(1300)).await;
    assert_eq!(
        s.client.payment(&session, &intent.id).await.unwrap().state,
        PaymentState::Paid
    );
    let list = s.client.me_obligations(&session).await.unwrap();
    for id in &ids[1..3] {
        let o = list.obligations.iter().find(|o| &o.id == id).unwrap();
        assert!(o.paid && o.paid_at == Some(today()));
    }

    // null turns automatic paying off again.
    s.payment_settings(serde_json::json!({ "autoPaySeconds": null }))
        .await;
    let intent = s.client.create_payment(&session, &ids[3..4]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1300)).await;
    assert_eq!(
        s.client.payment(&session, &intent.id).await.unwrap().state,
        PaymentState::Pending
    );
}

// ---------------------------------------------------------------- watchdog

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_watchdog_is_stored_per_citizen() {
    let s = Setup::new().await;
    let session = s.login("demo-jana").await;
    let original = s.client.me_watchdog(&session).await.unwrap();
    assert_eq!(
        serde_json::to_value(&original).unwrap(),
        seed("demo-jana")["watchdog"]
    );
    let wanted = Watchdog {
        new_obligation: false,
        due_date_approaching: true,
        submission_changed: true,
        election: false,
        channels: WatchdogChannels {
            email: "jana@example.cz".into(),
            sms: "+420 123 456 789".into(),
        },
    };
    s.client.put_me_watchdog(&session, &wanted).await.unwrap();
    assert_eq!(s.client.me_watchdog(&session).await.unwrap(), wanted);

    // Josef's settings are his own.
    let josef = s.login("demo-josef").await;
    assert_eq!(
        serde_json::to_value(s.client.me_watchdog(&josef).await.unwrap()).unwrap(),
        seed("demo-josef")["watchdog"]
    );

    // A bad address is refused and changes nothing.
    let mut bad = wanted.clone();
    bad.channels.email = "not an address".into();
    refused(s.client.put_me_watchdog(&session, &bad).await);
    assert_eq!(s.client.me_watchdog(&session).await.unwrap(), wanted);

    // Unknown fields are refused.
    let r = reqwest::Client::new()
        .put(s.url("/kiosk/v1/me/watchdog"))
        .bearer_auth(DEMO_KIOSK_TOKEN)
        .header("x-citizen-session", &session)
        .json(&serde_json::json!({
            "newObligation": true, "dueDateApproaching": true, "submissionChanged": true,
            "election": true, "channels": { "email": "", "sms": "" }, "postalMail": true
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(s.client.me_watchdog(&session).await.unwrap(), wanted);
}

// ---------------------------------------------------------------- sessions, headers

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_live_session_of_this_kiosk_the_session_has_ended() {
    let s = Setup::new().await;
    let session = s.login("demo-jana").await;
    assert!(s.client.me_dashboard(&session).await.is_ok());

    // No session header at all.
    let r = s.raw_me("dashboard", None).await;
    assert_eq!(r.status(), 401);
    assert_eq!(
        r.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let problem: Problem = r.json().await.unwrap();
    assert_eq!(problem.title, "Session ended");

    // A made-up session.
    let made_up = "bm90LWEtcmVhbC1zZXNzaW9uLXRva2VuLWF0LWFsbC0xMjM";
    assert!(is_session_ended(s.client.me_dashboard(made_up).await));
    assert!(is_session_ended(s.client.me_obligations(made_up).await));
    assert!(is_session_ended(
        s.client.create_payment(made_up, &["x".into()]).await
    ));
    assert!(is_session_ended(s.client.payment(made_up, "pi-x").await));
    assert!(is_session_ended(s.client.me_submissions(made_up).await));
    assert!(is_session_ended(s.client.me_watchdog(made_up).await));
    assert!(is_session_ended(
        s.client
            .put_me_watchdog(made_up, &Watchdog::default())
            .await
    ));

    // The same session sent by another kiosk.
    s.portal
        .state
        .add_kiosk_token("second-kiosk-token-5d1a9c", "lt-test-02")
        .unwrap();
    let other_kiosk = client_with(&s.portal, "second-kiosk-token-5d1a9c");
    assert!(is_session_ended(other_kiosk.me_dashboard(&session).await));
    assert!(is_session_ended(other_kiosk.me_obligations(&session).await));
    // … which does not end it for the kiosk that opened it.
    assert!(s.client.me_dashboard(&session).await.is_ok());

    // After logout.
    s.client.auth_logout(&session).await.unwrap();
    assert!(is_session_ended(s.client.me_dashboard(&session).await));
    assert!(is_session_ended(s.client.me_watchdog(&session).await));

    // A wrong kiosk token is refused too.
    let stranger = client_with(&s.portal, "not-a-kiosk-token-0000");
    let session = s.login("demo-jana").await;
    assert!(stranger.me_dashboard(&session).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn citizen_answers_are_never_cacheable() {
    let s = Setup::new().await;
    let session = s.login("demo-jana").await;
    for path in [
        "dashboard",
        "obligations",
        "submissions",
        "watchdog",
        "payments/pi-none",
    ] {
        for session in [Some(session.as_str()), None] {
            let r = s.raw_me(path, session).await;
            assert_eq!(
                r.headers()
                    .get("cache-control")
                    .map(|v| v.to_str().unwrap()),
                Some("no-store"),
                "{path} (status {})",
                r.status()
            );
        }
    }
}

// ---------------------------------------------------------------- faults

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_slowness_and_errors_reach_the_kiosk() {
    let s = Setup::new().await;
    let session = s.login("demo-jana").await;

    s.fault("me-dashboard", "delay:800", 1).await;
    let started = Instant::now();
    s.client.me_dashboard(&session).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(800));
    let started = Instant::now();
    s.client.me_dashboard(&session).await.unwrap();
    assert!(started.elapsed() < Duration::from_millis(800));

    s.fault("me-obligations", "status:503", 1).await;
    match s.client.me_obligations(&session).await {
        Err(PortalError::Status { status: 503, .. }) => {}
        other => panic!("expected 503, got {:?}", other.map(|_| ())),
    }
    s.client.me_obligations(&session).await.unwrap();

    s.fault("me-payments", "status:500", 1).await;
    let unpaid = seed_obligations("demo-jana")
        .into_iter()
        .find(|o| o["paid"] == false)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    match s
        .client
        .create_payment(&session, std::slice::from_ref(&unpaid))
        .await
    {
        Err(PortalError::Status { status: 500, .. }) => {}
        other => panic!("expected 500, got {:?}", other.map(|_| ())),
    }
    s.client.create_payment(&session, &[unpaid]).await.unwrap();

    s.fault("me-dashboard", "not-json", 1).await;
    assert!(matches!(
        s.client.me_dashboard(&session).await,
        Err(PortalError::Malformed(_))
    ));

    // A client with a short timeout gives up on a slow backend.
    s.fault("me-dashboard", "delay:1500", 1).await;
    let impatient = PortalClient::new(
        &s.portal.kiosk_api_url(),
        DEMO_KIOSK_TOKEN,
        None,
        Duration::from_millis(300),
    )
    .unwrap();
    assert!(matches!(
        impatient.me_dashboard(&session).await,
        Err(PortalError::Timeout(_))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_describes_the_citizen_endpoints() {
    let doc: serde_json::Value = serde_json::from_str(&devportal::openapi_json()).unwrap();
    for path in [
        "/kiosk/v1/me/dashboard",
        "/kiosk/v1/me/obligations",
        "/kiosk/v1/me/payments",
        "/kiosk/v1/me/payments/{id}",
        "/kiosk/v1/me/submissions",
        "/kiosk/v1/me/watchdog",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path}");
    }
    assert!(doc["paths"]["/kiosk/v1/me/watchdog"].get("put").is_some());
    for schema in [
        "MeDashboard",
        "Obligation",
        "ObligationKind",
        "PaymentIntent",
        "PaymentIntentRequest",
        "PaymentState",
        "Submission",
        "Watchdog",
    ] {
        assert!(
            doc["components"]["schemas"].get(schema).is_some(),
            "{schema}"
        );
    }
}

#[test]
fn citizen_types_keep_personal_data_out_of_debug_output() {
    let jana = seed("demo-jana");
    let list: ObligationList = serde_json::from_value(serde_json::json!({
        "obligations": jana["obligations"]
    }))
    .unwrap();
    let printed = format!("{list:?} {:?}", list.obligations[0]);
    assert!(!printed.contains("1100012011"), "{printed}");
    assert!(!printed.contains("CZ77"), "{printed}");
    // A kind the kiosk does not know yet is shown as "other".
    let kind: ObligationKind = serde_json::from_str("\"parking\"").unwrap();
    assert_eq!(kind, ObligationKind::Unknown);
    assert_eq!(kind.shown(), ObligationKind::Other);
}

/// The origin a login is checked for is the portal's own, not what the
/// client's Host header claims: a token signed for another site (a phishing
/// page that relays a card's signature) is refused even with a matching Host.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_is_checked_for_the_portals_origin_not_the_host_header() {
    let s = Setup::new().await;
    let citizen = portal_kiosk::card::testcards::citizen("demo-jana").unwrap();
    let card = portal_kiosk::card::demo::DemoCard::new(citizen);
    card.set_inserted(true);
    let sign_for = |origin: &str, nonce: &str| {
        support::auth_token(
            &mut card.signer(),
            portal_kiosk::card::CardCertificates {
                short: citizen.short_certificate,
                long: Some(citizen.long_certificate),
            },
            citizen.pin,
            origin,
            nonce,
        )
    };
    let post = |token: portal_kiosk::webeid::AuthToken, host: &'static str| {
        reqwest::Client::new()
            .post(s.url("/kiosk/v1/auth/card"))
            .bearer_auth(DEMO_KIOSK_TOKEN)
            .header("host", host)
            .json(&AuthCardRequest { token })
            .send()
    };
    let nonce = s.client.auth_challenge().await.unwrap().nonce;
    let forged = post(sign_for("http://evil.example", &nonce), "evil.example")
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);

    // The same card signing for the portal's own origin gets in.
    let origin = portal_kiosk::webeid::origin_of(s.client.base_url()).unwrap();
    let nonce = s.client.auth_challenge().await.unwrap().nonce;
    let own = post(sign_for(&origin, &nonce), "evil.example")
        .await
        .unwrap();
    assert_eq!(own.status(), 200);
}
