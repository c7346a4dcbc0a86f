//! The counter (staff) mode's backend and security part end to end: staff PINs
//! hashed and checked with argon2id from the credentials file, the lockout on
//! a fake clock, the `staff-pin-hash` command, and the `/kiosk/v1/staff/…`
//! contract between the kiosk's real HTTP client and the real development
//! portal on loopback. Expected figures come from `assets/seed/citizens.json`.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

mod support;

use portal_kiosk::devportal::{self, DEMO_KIOSK_TOKEN, RunningPortal};
use portal_kiosk::portal::client::read_token;
use portal_kiosk::portal::types::*;
use portal_kiosk::portal::{PortalClient, PortalError};
use portal_kiosk::staff::{
    self, LOCKOUT, MAX_FAILURES, ManualClock, StaffMember, StaffPins, StaffVerdict,
};
use support::{citizen_login, client_with};

const CITIZENS: &str = include_str!("../assets/seed/citizens.json");

// ---------------------------------------------------------------- helpers

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

    async fn staff_login(&self) -> String {
        let session = self.client.staff_login("Přepážka 1").await.unwrap();
        assert_eq!(session.name, "Přepážka 1");
        session.session
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.portal.addr)
    }

    /// A raw request to a `/kiosk/v1/staff` path with the demo kiosk's token.
    fn raw(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        reqwest::Client::new()
            .request(method, self.url(&format!("/kiosk/v1/staff/{path}")))
            .bearer_auth(DEMO_KIOSK_TOKEN)
    }

    async fn mark_paid(&self, intent: &str) {
        let r = reqwest::Client::new()
            .post(self.url(&format!("/admin/v1/payments/{intent}/paid")))
            .bearer_auth(self.portal.state.admin_token())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204);
    }
}

fn seed_citizen(id: &str) -> serde_json::Value {
    let doc: serde_json::Value = serde_json::from_str(CITIZENS).unwrap();
    doc["citizens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .cloned()
        .unwrap()
}

/// The seed's obligation `id` of citizen `citizen`.
fn seed_obligation(citizen: &str, id: &str) -> serde_json::Value {
    seed_citizen(citizen)["obligations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == id)
        .cloned()
        .unwrap()
}

/// Ids of the seed's obligations (any citizen) with variable symbol `vs`.
fn seed_ids_with_vs(vs: &str) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_str(CITIZENS).unwrap();
    doc["citizens"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["obligations"].as_array().unwrap().iter())
        .filter(|o| o["variableSymbol"] == vs)
        .map(|o| o["id"].as_str().unwrap().to_string())
        .collect()
}

fn is_session_ended<T>(result: Result<T, PortalError>) -> bool {
    matches!(result, Err(e) if e.is_session_ended())
}

fn status_of<T>(result: Result<T, PortalError>) -> u16 {
    match result {
        Err(PortalError::Status { status, .. }) => status,
        Err(e) => panic!("expected an HTTP status, got {e}"),
        Ok(_) => panic!("expected an HTTP status, got a success"),
    }
}

fn credentials(token: &str, staff: &[(&str, &str)]) -> String {
    let mut text = format!("token = \"{token}\"\n");
    for (name, hash) in staff {
        text.push_str(&format!(
            "\n[[staff]]\nname = \"{name}\"\npin_hash = \"{hash}\"\n"
        ));
    }
    text
}

fn two_members() -> StaffPins {
    let first = staff::hash_pin(b"24681357").unwrap();
    let second = staff::hash_pin(b"975310").unwrap();
    StaffPins::from_toml(&credentials(
        DEMO_KIOSK_TOKEN,
        &[
            ("Přepážka 1", first.as_str()),
            ("Přepážka 2", second.as_str()),
        ],
    ))
    .unwrap()
}

fn member(name: &str) -> StaffVerdict {
    StaffVerdict::Staff(StaffMember { name: name.into() })
}

// ---------------------------------------------------------------- PINs on the kiosk

#[test]
fn a_hashed_pin_verifies_and_a_wrong_one_does_not() {
    let hash = staff::hash_pin(b"24681357").unwrap();
    assert!(
        hash.starts_with("$argon2id$v=19$m=65536,t=3,p=1$"),
        "{hash}"
    );
    assert!(!hash.contains("24681357"));
    // A fresh random salt every time.
    assert_ne!(hash, staff::hash_pin(b"24681357").unwrap());

    let pins = two_members();
    assert_eq!(pins.len(), 2);
    assert_eq!(pins.verify(b"24681357"), member("Přepážka 1"));
    assert_eq!(pins.verify(b"975310"), member("Přepážka 2"));
    assert_eq!(
        pins.verify(b"24681358"),
        StaffVerdict::Wrong {
            attempts_left: MAX_FAILURES - 1
        }
    );
    // Not a PIN at all counts as a wrong one.
    assert_eq!(
        pins.verify(b"12ab"),
        StaffVerdict::Wrong {
            attempts_left: MAX_FAILURES - 2
        }
    );
    // A right PIN starts the count afresh.
    assert_eq!(pins.verify(b"975310"), member("Přepážka 2"));
    assert_eq!(
        pins.verify(b"000000"),
        StaffVerdict::Wrong {
            attempts_left: MAX_FAILURES - 1
        }
    );
    assert!(staff::hash_pin(b"12345").is_err());
    assert!(staff::hash_pin(b"1234567890123").is_err());
}

#[test]
fn five_wrong_pins_lock_the_staff_login_for_a_minute() {
    assert_eq!((MAX_FAILURES, LOCKOUT), (5, Duration::from_secs(60)));
    let clock = Arc::new(ManualClock::new());
    let pins = two_members().with_clock(clock.clone());
    for left in (1..MAX_FAILURES).rev() {
        assert_eq!(
            pins.verify(b"111111"),
            StaffVerdict::Wrong {
                attempts_left: left
            }
        );
    }
    assert_eq!(
        pins.verify(b"111111"),
        StaffVerdict::Locked { seconds_left: 60 }
    );
    // Locked: even the right PIN is refused, without being checked.
    assert_eq!(
        pins.verify(b"24681357"),
        StaffVerdict::Locked { seconds_left: 60 }
    );
    clock.advance(Duration::from_millis(30_500));
    assert_eq!(
        pins.verify(b"24681357"),
        StaffVerdict::Locked { seconds_left: 30 }
    );
    clock.advance(Duration::from_millis(29_000));
    assert_eq!(
        pins.verify(b"24681357"),
        StaffVerdict::Locked { seconds_left: 1 }
    );
    clock.advance(Duration::from_millis(500));
    // Released after the minute: the right PIN works, and the count is fresh.
    assert_eq!(pins.verify(b"24681357"), member("Přepážka 1"));
    assert_eq!(
        pins.verify(b"111111"),
        StaffVerdict::Wrong {
            attempts_left: MAX_FAILURES - 1
        }
    );
    // And it locks again after five more.
    for _ in 1..MAX_FAILURES {
        pins.verify(b"111111");
    }
    assert!(matches!(
        pins.verify(b"975310"),
        StaffVerdict::Locked { .. }
    ));
}

/// `demo --mode counter`: the embedded portal's credentials let the demo staff
/// member in with the PIN the login screen shows, and nobody with another.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_counter_logs_in_with_the_demo_staff_pin() {
    let dir = tempfile::tempdir().unwrap();
    let embedded = devportal::start_embedded(dir.path()).await.unwrap();
    let pins = StaffPins::from_credentials(&embedded.credentials_file).unwrap();
    assert_eq!(
        pins.verify(devportal::DEMO_STAFF_PIN.as_bytes()),
        StaffVerdict::Staff(StaffMember {
            name: devportal::DEMO_STAFF_NAME.into()
        })
    );
    assert!(matches!(pins.verify(b"654321"), StaffVerdict::Wrong { .. }));
    assert_eq!(
        read_token(&embedded.credentials_file).unwrap().as_str(),
        DEMO_KIOSK_TOKEN
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_credentials_file_with_staff_still_gives_the_kiosk_its_token() {
    let s = Setup::new().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("credentials.toml");
    let first = staff::hash_pin(b"24681357").unwrap();
    let second = staff::hash_pin(b"975310").unwrap();
    std::fs::write(
        &path,
        credentials(
            DEMO_KIOSK_TOKEN,
            &[
                ("Přepážka 1", first.as_str()),
                ("Přepážka 2", second.as_str()),
            ],
        ),
    )
    .unwrap();

    let token = read_token(&path).unwrap();
    assert_eq!(token, DEMO_KIOSK_TOKEN);
    let pins = StaffPins::from_credentials(&path).unwrap();
    assert_eq!(
        pins.names().collect::<Vec<_>>(),
        ["Přepážka 1", "Přepážka 2"]
    );
    assert_eq!(pins.verify(b"975310"), member("Přepážka 2"));

    // The token read from that file works at the backend.
    let client = client_with(&s.portal, &token);
    let StaffVerdict::Staff(who) = pins.verify(b"24681357") else {
        panic!("the PIN should match");
    };
    let session = client.staff_login(&who.name).await.unwrap();
    assert_eq!(session.name, "Přepážka 1");
    assert!(
        client
            .staff_obligations(&session.session, "1")
            .await
            .is_ok()
    );

    // A kiosk's file without staff keeps working for the token, but nobody
    // can log in at a counter with it.
    std::fs::write(&path, credentials(DEMO_KIOSK_TOKEN, &[])).unwrap();
    assert_eq!(read_token(&path).unwrap(), DEMO_KIOSK_TOKEN);
    assert!(StaffPins::from_credentials(&path).is_err());
    // A typo in a staff entry is an error, not an ignored line.
    std::fs::write(
        &path,
        format!(
            "{}\n[[staff]]\nname = \"A\"\npinhash = \"{first}\"\n",
            credentials(DEMO_KIOSK_TOKEN, &[])
        ),
    )
    .unwrap();
    assert!(StaffPins::from_credentials(&path).is_err());
}

fn staff_pin_hash(stdin: &[u8]) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_portal-kiosk"))
        .arg("staff-pin-hash")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn the_staff_pin_hash_command_prints_a_hash_that_verifies() {
    let out = staff_pin_hash(b"80604020\n");
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let hash = stdout.trim_end();
    assert!(hash.starts_with("$argon2id$v=19$"), "{stdout}");
    assert_eq!(stdout.lines().count(), 1);
    assert!(
        !stdout.contains("80604020") && !String::from_utf8_lossy(&out.stderr).contains("80604020")
    );
    let pins =
        StaffPins::from_toml(&credentials(DEMO_KIOSK_TOKEN, &[("Přepážka 3", hash)])).unwrap();
    assert_eq!(pins.verify(b"80604020"), member("Přepážka 3"));

    for bad in [
        &b"12ab\n"[..],
        b"12345\n",
        b"1234567890123\n",
        b"",
        b" 123456\n",
    ] {
        let out = staff_pin_hash(bad);
        assert_eq!(out.status.code(), Some(1), "{bad:?}");
        assert!(out.stdout.is_empty());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("6 to 12 digits"), "{stderr}");
        assert!(!stderr.contains("12ab"), "{stderr}");
    }
}

// ---------------------------------------------------------------- the staff API

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_look_up_a_payer_by_variable_symbol() {
    let s = Setup::new().await;
    let session = s.staff_login().await;
    let jana_vs = seed_obligation("demo-jana", "o-jana-odpad-2026")["variableSymbol"]
        .as_str()
        .unwrap()
        .to_string();

    let lookup = s
        .client
        .staff_obligations(&session, &jana_vs)
        .await
        .unwrap();
    assert_eq!(lookup.payer_name, "Jana Nováková");
    let ids: Vec<&str> = lookup.obligations.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, seed_ids_with_vs(&jana_vs));
    assert!(ids.len() > 1, "paid and unpaid ones: {}", ids.len());
    assert!(
        lookup
            .obligations
            .iter()
            .all(|o| o.variable_symbol == jana_vs)
    );
    assert!(lookup.obligations.iter().any(|o| o.paid));
    assert!(lookup.obligations.iter().any(|o| !o.paid));
    // As the seed has them, field by field.
    let unpaid = lookup
        .obligations
        .iter()
        .find(|o| o.id == "o-jana-odpad-2026")
        .unwrap();
    let expected: Obligation =
        serde_json::from_value(seed_obligation("demo-jana", "o-jana-odpad-2026")).unwrap();
    assert!(*unpaid == expected);

    // Another payer's symbol finds only that payer.
    let josef = s
        .client
        .staff_obligations(&session, "1200023012")
        .await
        .unwrap();
    assert_eq!(josef.payer_name, "Josef Dvořák");
    assert_eq!(
        josef
            .obligations
            .iter()
            .map(|o| o.id.clone())
            .collect::<Vec<_>>(),
        seed_ids_with_vs("1200023012")
    );

    // Nobody has it: an empty answer, not an error.
    for vs in ["1", "9999999999"] {
        let none = s.client.staff_obligations(&session, vs).await.unwrap();
        assert!(none.obligations.is_empty());
        assert_eq!(none.payer_name, "");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_variable_symbol_is_a_400() {
    let s = Setup::new().await;
    let session = s.staff_login().await;
    for vs in ["", "12AB34", "12345678901", "-1", "1 2", "１２３"] {
        assert_eq!(
            status_of(s.client.staff_obligations(&session, vs).await),
            400,
            "{vs:?}"
        );
    }
    // No vs at all.
    let r = s
        .raw(reqwest::Method::GET, "obligations")
        .header("x-staff-session", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let problem: Problem = r.json().await.unwrap();
    assert_eq!(problem.status, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_live_staff_session_of_this_kiosk_the_session_has_ended() {
    let s = Setup::new().await;
    let session = s.staff_login().await;
    assert!(s.client.staff_obligations(&session, "1").await.is_ok());

    // No session header.
    let r = s
        .raw(reqwest::Method::GET, "obligations?vs=1100012011")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let problem: Problem = r.json().await.unwrap();
    assert_eq!(problem.title, "Session ended");
    let r = s
        .raw(reqwest::Method::POST, "payments")
        .json(&serde_json::json!({ "obligationIds": ["o-jana-odpad-2026"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    // A made-up session, checked before the symbol.
    let made_up = "bm90LWEtcmVhbC1zdGFmZi1zZXNzaW9uLTEyMzQ1Njc4OTA";
    assert!(is_session_ended(
        s.client.staff_obligations(made_up, "1100012011").await
    ));
    assert!(is_session_ended(
        s.client.staff_obligations(made_up, "bad").await
    ));
    assert!(is_session_ended(
        s.client
            .staff_payment(made_up, &["o-jana-odpad-2026".into()])
            .await
    ));

    // A citizen's session is not a staff session.
    let citizen = citizen_login(&s.client, "demo-jana").await;
    assert!(is_session_ended(
        s.client.staff_obligations(&citizen, "1").await
    ));

    // The session sent by another kiosk.
    s.portal
        .state
        .add_kiosk_token("second-kiosk-token-8e2f4b", "lt-test-02")
        .unwrap();
    let other = client_with(&s.portal, "second-kiosk-token-8e2f4b");
    assert!(is_session_ended(
        other.staff_obligations(&session, "1").await
    ));
    other.staff_logout(&session).await.unwrap();
    // … which neither works nor ends it for the kiosk that opened it.
    assert!(s.client.staff_obligations(&session, "1").await.is_ok());

    // A stranger without a kiosk token cannot even log in.
    let stranger = client_with(&s.portal, "not-a-kiosk-token-0000");
    assert_eq!(status_of(stranger.staff_login("Přepážka 1").await), 401);
    // Nor with a name that is no name.
    for name in ["", "   ", "a\u{7}b", &"x".repeat(65)] {
        assert_eq!(status_of(s.client.staff_login(name).await), 400, "{name:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_staff_payment_intent_is_for_the_obligation_and_its_payer() {
    let s = Setup::new().await;
    let session = s.staff_login().await;
    let seed = seed_obligation("demo-jana", "o-jana-odpad-2026");
    let vs = seed["variableSymbol"].as_str().unwrap();

    let intent = s
        .client
        .staff_payment(&session, &["o-jana-odpad-2026".into()])
        .await
        .unwrap();
    assert_eq!(intent.state, PaymentState::Pending);
    assert_eq!(intent.variable_symbol, vs);
    assert_eq!(intent.amount_czk, seed["amountCzk"].as_str().unwrap());
    assert_eq!(intent.account_iban, seed["accountIban"].as_str().unwrap());
    assert_eq!(
        intent.constant_symbol,
        seed["constantSymbol"].as_str().unwrap()
    );
    assert!(intent.message.is_ascii() && intent.message.len() <= 60);

    // The counter follows its state until paid; unknown ids and ended sessions fail.
    let state = s
        .client
        .staff_payment_state(&session, &intent.id)
        .await
        .unwrap();
    assert_eq!(state.state, PaymentState::Pending);
    assert_eq!(state.paid_on, None);
    assert_eq!(
        status_of(
            s.client
                .staff_payment_state(&session, "no-such-intent")
                .await
        ),
        404
    );
    assert!(is_session_ended(
        s.client
            .staff_payment_state("not-a-session", &intent.id)
            .await
    ));

    // Paid: the counter sees it, and so does the citizen at a kiosk.
    s.mark_paid(&intent.id).await;
    let state = s
        .client
        .staff_payment_state(&session, &intent.id)
        .await
        .unwrap();
    assert_eq!(state.state, PaymentState::Paid);
    // The date the money arrived, for the proof of payment.
    assert_eq!(state.paid_on, Some(chrono::Local::now().date_naive()));
    let lookup = s.client.staff_obligations(&session, vs).await.unwrap();
    let o = lookup
        .obligations
        .iter()
        .find(|o| o.id == "o-jana-odpad-2026")
        .unwrap();
    assert!(o.paid && o.paid_at.is_some());
    let citizen = citizen_login(&s.client, "demo-jana").await;
    let list = s.client.me_obligations(&citizen).await.unwrap();
    assert!(
        list.obligations
            .iter()
            .find(|o| o.id == "o-jana-odpad-2026")
            .unwrap()
            .paid
    );

    // A payment made at a kiosk shows at the counter.
    let josef = citizen_login(&s.client, "demo-josef").await;
    let kiosk_intent = s
        .client
        .create_payment(&josef, &["o-josef-pes-2026".into()])
        .await
        .unwrap();
    let before = s
        .client
        .staff_obligations(&session, "1200023012")
        .await
        .unwrap();
    assert!(
        !before
            .obligations
            .iter()
            .find(|o| o.id == "o-josef-pes-2026")
            .unwrap()
            .paid
    );
    s.mark_paid(&kiosk_intent.id).await;
    let after = s
        .client
        .staff_obligations(&session, "1200023012")
        .await
        .unwrap();
    assert!(
        after
            .obligations
            .iter()
            .find(|o| o.id == "o-josef-pes-2026")
            .unwrap()
            .paid
    );

    // What cannot be paid is refused with a reason, as at the kiosk.
    for ids in [
        vec![],
        vec!["o-jana-odpad-2026".to_string()], // paid now
        vec!["o-nobody".to_string()],          // unknown
        vec!["o-tereza-pokuta-2026-1".into(), "o-pod-0002".into()], // two payers
    ] {
        assert_eq!(
            status_of(s.client.staff_payment(&session, &ids).await),
            422,
            "{ids:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_ends_the_staff_session() {
    let s = Setup::new().await;
    let session = s.staff_login().await;
    let second = s.staff_login().await;
    assert_ne!(session, second);
    assert!(s.client.staff_obligations(&session, "1").await.is_ok());

    s.client.staff_logout(&session).await.unwrap();
    assert!(is_session_ended(
        s.client.staff_obligations(&session, "1").await
    ));
    assert!(is_session_ended(
        s.client
            .staff_payment(&session, &["o-jana-odpad-2026".into()])
            .await
    ));
    // Logging out twice is fine; other sessions live on.
    s.client.staff_logout(&session).await.unwrap();
    assert!(s.client.staff_obligations(&second, "1").await.is_ok());
    let r = s
        .raw(reqwest::Method::POST, "logout")
        .header("x-staff-session", &second)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert!(is_session_ended(
        s.client.staff_obligations(&second, "1").await
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_answers_are_never_cacheable() {
    let s = Setup::new().await;
    let session = s.staff_login().await;
    let answers = [
        s.raw(reqwest::Method::POST, "login")
            .json(&serde_json::json!({ "staffName": "Přepážka 1" }))
            .send()
            .await
            .unwrap(),
        s.raw(reqwest::Method::GET, "obligations?vs=1100012011")
            .header("x-staff-session", &session)
            .send()
            .await
            .unwrap(),
        s.raw(reqwest::Method::GET, "obligations?vs=1100012011")
            .send()
            .await
            .unwrap(),
        s.raw(reqwest::Method::POST, "payments")
            .header("x-staff-session", &session)
            .json(&serde_json::json!({ "obligationIds": ["o-jana-odpad-2026"] }))
            .send()
            .await
            .unwrap(),
        s.raw(reqwest::Method::POST, "logout")
            .header("x-staff-session", &session)
            .send()
            .await
            .unwrap(),
    ];
    for r in answers {
        assert_eq!(
            r.headers()
                .get("cache-control")
                .map(|v| v.to_str().unwrap()),
            Some("no-store"),
            "{} (status {})",
            r.url().path(),
            r.status()
        );
    }
}

#[test]
fn the_openapi_document_describes_the_staff_endpoints() {
    let doc: serde_json::Value = serde_json::from_str(&devportal::openapi_json()).unwrap();
    for (path, method) in [
        ("/kiosk/v1/staff/login", "post"),
        ("/kiosk/v1/staff/obligations", "get"),
        ("/kiosk/v1/staff/payments", "post"),
        ("/kiosk/v1/staff/payments/{id}", "get"),
        ("/kiosk/v1/staff/logout", "post"),
    ] {
        assert!(doc["paths"][path].get(method).is_some(), "{method} {path}");
    }
    for schema in ["StaffLoginRequest", "StaffSession", "StaffLookup"] {
        assert!(
            doc["components"]["schemas"].get(schema).is_some(),
            "{schema}"
        );
    }
    let lookup = &doc["components"]["schemas"]["StaffLookup"]["properties"];
    assert!(lookup.get("payerName").is_some() && lookup.get("obligations").is_some());
}

#[test]
fn staff_types_keep_names_and_tokens_out_of_debug_output() {
    let session = StaffSession {
        session: "c2VjcmV0LXN0YWZmLXNlc3Npb24".into(),
        expires_at: chrono::Utc::now(),
        name: "Přepážka 1".into(),
    };
    let lookup = StaffLookup {
        obligations: vec![
            serde_json::from_value(seed_obligation("demo-jana", "o-jana-odpad-2026")).unwrap(),
        ],
        payer_name: "Jana Nováková".into(),
    };
    let request = StaffLoginRequest {
        staff_name: "Přepážka 1".into(),
    };
    let printed = format!("{session:?} {lookup:?} {request:?}");
    for secret in ["c2VjcmV0", "Přepážka", "Jana", "1100012011"] {
        assert!(!printed.contains(secret), "{printed}");
    }
    // The wire format is camelCase.
    let json = serde_json::to_value(&lookup).unwrap();
    assert!(json.get("payerName").is_some());
    assert!(
        serde_json::to_value(&request)
            .unwrap()
            .get("staffName")
            .is_some()
    );
}
