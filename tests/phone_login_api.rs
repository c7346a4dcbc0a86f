//! The phone login's contract (RFC 8628) end to end over loopback HTTP against
//! the real development portal: the device authorization and token endpoints
//! with every OAuth error they answer, `slow_down` adding 5 s, a code bound to
//! the kiosk that asked, used once and expiring, the cancel call, the approval
//! page with its form token, the admin call — and the kiosk's client reading
//! each answer into its `DevicePoll`. Time is moved with the portal's test
//! clock (`PortalState::advance_clock`), never slept.

use std::time::Duration;

mod support;

use portal_kiosk::devportal::{self, DEMO_KIOSK_TOKEN, RunningPortal};
use portal_kiosk::portal::client::DevicePoll;
use portal_kiosk::portal::types::*;
use portal_kiosk::portal::{PortalClient, PortalError};
use reqwest::StatusCode;
use serde_json::Value;
use support::client_with;

/// Another kiosk registered at the same portal (the station's).
const OTHER_TOKEN: &str = "station-kiosk-token-7c1d9e2f4a6b";
const OTHER_KIOSK: &str = "lt-nadrazi-01";
const GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

struct Setup {
    _dir: tempfile::TempDir,
    portal: RunningPortal,
    client: PortalClient,
    http: reqwest::Client,
}

impl Setup {
    async fn new() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let portal = devportal::start("127.0.0.1:0", &dir.path().join("portal.sqlite"), true)
            .await
            .unwrap();
        portal
            .state
            .add_kiosk_token(OTHER_TOKEN, OTHER_KIOSK)
            .unwrap();
        let client = client_with(&portal, DEMO_KIOSK_TOKEN);
        Setup {
            _dir: dir,
            portal,
            client,
            http: reqwest::Client::new(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.portal.addr)
    }

    /// A form POST to the kiosk API with this kiosk token.
    async fn form(&self, path: &str, token: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .bearer_auth(token)
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// A new code for the demo kiosk, as JSON.
    async fn code(&self) -> Value {
        let r = self
            .form(
                "/kiosk/v1/auth/device",
                DEMO_KIOSK_TOKEN,
                &[("scope", "citizen")],
            )
            .await;
        assert_eq!(r.status(), 200);
        r.json().await.unwrap()
    }

    /// One poll with this token: the status and the JSON answer.
    async fn poll_as(&self, token: &str, device_code: &str) -> (StatusCode, Value) {
        let r = self
            .form(
                "/kiosk/v1/auth/token",
                token,
                &[("grant_type", GRANT), ("device_code", device_code)],
            )
            .await;
        let status = r.status();
        if status == 400 {
            assert_eq!(
                r.headers()["content-type"],
                "application/json",
                "OAuth errors are JSON"
            );
            assert_eq!(r.headers()["cache-control"], "no-store");
        }
        (status, r.json().await.unwrap())
    }

    async fn poll(&self, device_code: &str) -> (StatusCode, Value) {
        self.poll_as(DEMO_KIOSK_TOKEN, device_code).await
    }

    /// The OAuth error of a poll (panics on a success).
    async fn error(&self, device_code: &str) -> String {
        let (status, body) = self.poll(device_code).await;
        assert_eq!(status, 400, "{body}");
        body["error"].as_str().unwrap().to_string()
    }

    fn wait(&self, seconds: u64) {
        self.portal
            .state
            .advance_clock(Duration::from_secs(seconds));
    }

    async fn decide(&self, body: Value) -> StatusCode {
        self.http
            .post(self.url("/admin/v1/auth/device"))
            .bearer_auth(self.portal.state.admin_token())
            .json(&body)
            .send()
            .await
            .unwrap()
            .status()
    }

    async fn approve(&self, user_code: &str, citizen: &str) {
        let status = self
            .decide(serde_json::json!({"userCode": user_code, "decision": "approve", "citizenId": citizen}))
            .await;
        assert_eq!(status, 204);
    }

    async fn live_sessions(&self) -> u64 {
        let r: Value = self
            .http
            .get(self.url("/admin/v1/auth/sessions"))
            .bearer_auth(self.portal.state.admin_token())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        r["live"].as_u64().unwrap()
    }
}

fn device_code(code: &Value) -> &str {
    code["device_code"].as_str().unwrap()
}

fn user_code(code: &Value) -> &str {
    code["user_code"].as_str().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_has_the_shape_rfc_8628_gives_it() {
    let s = Setup::new().await;
    let r = s
        .form(
            "/kiosk/v1/auth/device",
            DEMO_KIOSK_TOKEN,
            &[("scope", "citizen")],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/json");
    assert_eq!(r.headers()["cache-control"], "no-store");
    let code: Value = r.json().await.unwrap();
    let user = user_code(&code);
    assert_eq!(user.len(), 9, "{user}");
    assert_eq!(&user[4..5], "-");
    assert!(
        user.chars()
            .filter(|c| *c != '-')
            .all(|c| USER_CODE_ALPHABET.contains(c)),
        "{user}"
    );
    let origin = format!("http://{}", s.portal.addr);
    assert_eq!(code["verification_uri"], format!("{origin}/kod"));
    assert_eq!(
        code["verification_uri_complete"],
        format!("{origin}/kod?code={user}")
    );
    assert_eq!(code["expires_in"], 600);
    assert_eq!(code["interval"], 5);
    assert!(device_code(&code).len() >= 40, "a device code is a secret");

    // Two codes never share a user code or a device code.
    let other = s.code().await;
    assert_ne!(user_code(&other), user);
    assert_ne!(device_code(&other), device_code(&code));

    // The kiosk's client reads and checks the same answer; its Debug shows no secret.
    let read = s.client.device_authorization().await.unwrap();
    assert_eq!(read.interval, Some(5));
    let shown = format!("{read:?}");
    assert!(!shown.contains(&read.device_code) && !shown.contains(&read.user_code));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_device_endpoint_refuses_what_oauth_refuses() {
    let s = Setup::new().await;
    let error = |r: reqwest::Response| async move {
        assert_eq!(r.status(), 400);
        assert_eq!(r.headers()["content-type"], "application/json");
        let body: Value = r.json().await.unwrap();
        body["error"].as_str().unwrap().to_string()
    };
    let r = s
        .form(
            "/kiosk/v1/auth/device",
            DEMO_KIOSK_TOKEN,
            &[("scope", "admin")],
        )
        .await;
    assert_eq!(error(r).await, "invalid_scope");
    let r = s
        .form(
            "/kiosk/v1/auth/device",
            DEMO_KIOSK_TOKEN,
            &[("scope", "citizen"), ("client_id", OTHER_KIOSK)],
        )
        .await;
    assert_eq!(error(r).await, "invalid_client");
    // Its own id is fine; an id that is not a kiosk id is malformed.
    let r = s
        .form(
            "/kiosk/v1/auth/device",
            DEMO_KIOSK_TOKEN,
            &[("scope", "citizen"), ("client_id", "lt-demo-01")],
        )
        .await;
    assert_eq!(r.status(), 200);
    let r = s
        .form(
            "/kiosk/v1/auth/device",
            DEMO_KIOSK_TOKEN,
            &[("scope", "citizen"), ("client_id", "Lt Demo")],
        )
        .await;
    assert_eq!(error(r).await, "invalid_request");
    // A parameter twice, or a JSON body, is not a request.
    let r = s
        .form(
            "/kiosk/v1/auth/device",
            DEMO_KIOSK_TOKEN,
            &[("scope", "citizen"), ("scope", "citizen")],
        )
        .await;
    assert_eq!(error(r).await, "invalid_request");
    let r = s
        .http
        .post(s.url("/kiosk/v1/auth/device"))
        .bearer_auth(DEMO_KIOSK_TOKEN)
        .json(&serde_json::json!({"scope": "citizen"}))
        .send()
        .await
        .unwrap();
    assert_eq!(error(r).await, "invalid_request");
    // A bare word with a form's content type is not a form (the fuzzer's find).
    let r = s
        .http
        .post(s.url("/kiosk/v1/auth/device"))
        .bearer_auth(DEMO_KIOSK_TOKEN)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("AAA")
        .send()
        .await
        .unwrap();
    assert_eq!(error(r).await, "invalid_request");
    // No scope (an empty form, or no body at all) is not a request here.
    let r = s.form("/kiosk/v1/auth/device", DEMO_KIOSK_TOKEN, &[]).await;
    assert_eq!(error(r).await, "invalid_request");
    let r = s
        .http
        .post(s.url("/kiosk/v1/auth/device"))
        .bearer_auth(DEMO_KIOSK_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(error(r).await, "invalid_request");
    // Without a kiosk token: the API's usual 401 problem.
    let r = s
        .http
        .post(s.url("/kiosk/v1/auth/device"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn polling_too_fast_slows_down_by_five_seconds_each_time() {
    let s = Setup::new().await;
    let code = s.code().await;
    let dc = device_code(&code);
    // At once after the code was issued: too fast (interval 5 s).
    let (_, body) = s.poll(dc).await;
    assert_eq!(body["error"], "slow_down");
    assert_eq!(body["interval"], 10, "5 s more");
    // 6 s later is still too fast for 10 s: 15 now.
    s.wait(6);
    let (_, body) = s.poll(dc).await;
    assert_eq!(body["error"], "slow_down");
    assert_eq!(body["interval"], 15);
    // 14 s later: too fast again; the interval is counted from the last poll.
    s.wait(14);
    assert_eq!(s.error(dc).await, "slow_down");
    s.wait(20);
    assert_eq!(s.error(dc).await, "authorization_pending");
    // The interval stays at 20 for every later poll.
    s.wait(19);
    assert_eq!(s.error(dc).await, "slow_down");
    s.wait(25);
    assert_eq!(s.error(dc).await, "authorization_pending");

    // The kiosk's client: SlowDown with the interval in force, Pending.
    let code = s.client.device_authorization().await.unwrap();
    match s.client.device_token(&code.device_code).await.unwrap() {
        DevicePoll::SlowDown { interval } => assert_eq!(interval, Some(Duration::from_secs(10))),
        other => panic!("{other:?}"),
    }
    s.wait(10);
    assert!(matches!(
        s.client.device_token(&code.device_code).await.unwrap(),
        DevicePoll::Pending
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approved_code_opens_one_citizen_session_for_the_me_calls() {
    let s = Setup::new().await;
    let code = s.client.device_authorization().await.unwrap();
    s.wait(5);
    assert!(matches!(
        s.client.device_token(&code.device_code).await.unwrap(),
        DevicePoll::Pending
    ));
    let before = s.live_sessions().await;
    // Approved as the phone would, with the code typed in lower case without its dash.
    s.approve(&code.user_code.replace('-', "").to_lowercase(), "demo-jana")
        .await;
    s.wait(5);
    let session = match s.client.device_token(&code.device_code).await.unwrap() {
        DevicePoll::Session(session) => session,
        other => panic!("{other:?}"),
    };
    assert_eq!(session.token_type, "citizen-session");
    assert_eq!(session.citizen.display_name, "Jana");
    assert_eq!(session.citizen.confirm_name, "J. Nováková");
    assert!(session.expires_in > 0 && session.expires_in <= 30 * 60);
    assert_eq!(format!("{session:?}"), "DeviceSession(..)");
    assert_eq!(s.live_sessions().await, before + 1);

    // The session is a citizen session like the card login's.
    let dashboard = s.client.me_dashboard(&session.access_token).await.unwrap();
    assert!(dashboard.unpaid_count > 0);
    s.client
        .me_obligations(&session.access_token)
        .await
        .unwrap();

    // Single use: the next poll, however late, gets nothing.
    s.wait(5);
    let (status, body) = s.poll(&code.device_code).await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    assert!(matches!(
        s.client.device_token(&code.device_code).await.unwrap(),
        DevicePoll::Refused(OAuthErrorCode::InvalidGrant)
    ));
    // The approval cannot be repeated either.
    let again = s
        .decide(serde_json::json!({"userCode": code.user_code, "decision": "approve", "citizenId": "demo-josef"}))
        .await;
    assert_eq!(again, 409);

    // Logout ends it like a card session.
    s.client.auth_logout(&session.access_token).await.unwrap();
    assert!(matches!(
        s.client.me_dashboard(&session.access_token).await,
        Err(PortalError::SessionEnded)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_is_bound_to_the_kiosk_that_asked_for_it() {
    let s = Setup::new().await;
    let code = s.code().await;
    let dc = device_code(&code);
    s.approve(user_code(&code), "demo-josef").await;
    // The station kiosk's token cannot poll the demo kiosk's code, however
    // often: invalid_grant, and the owner's rate is not touched.
    for _ in 0..3 {
        let (status, body) = s.poll_as(OTHER_TOKEN, dc).await;
        assert_eq!(
            (status.as_u16(), body["error"].as_str()),
            (400, Some("invalid_grant"))
        );
    }
    s.wait(5);
    let (status, body) = s.poll(dc).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["citizen"]["displayName"], "Josef");
    let session = body["access_token"].as_str().unwrap().to_string();
    // And the session works only with the kiosk that asked.
    let other = client_with(&s.portal, OTHER_TOKEN);
    assert!(matches!(
        other.me_dashboard(&session).await,
        Err(PortalError::SessionEnded)
    ));
    s.client.me_dashboard(&session).await.unwrap();
    // A client_id naming another kiosk is refused as that.
    let r = s
        .form(
            "/kiosk/v1/auth/token",
            DEMO_KIOSK_TOKEN,
            &[
                ("grant_type", GRANT),
                ("device_code", dc),
                ("client_id", OTHER_KIOSK),
            ],
        )
        .await;
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_expired_unknown_and_malformed_polls_each_say_so() {
    let s = Setup::new().await;
    // access_denied: refused on the phone, and it stays refused.
    let denied = s.code().await;
    let status = s
        .decide(serde_json::json!({"userCode": user_code(&denied), "decision": "deny"}))
        .await;
    assert_eq!(status, 204);
    s.wait(5);
    assert_eq!(s.error(device_code(&denied)).await, "access_denied");
    let code = s.client.device_authorization().await.unwrap();
    s.decide(serde_json::json!({"userCode": code.user_code, "decision": "deny"}))
        .await;
    s.wait(5);
    assert!(matches!(
        s.client.device_token(&code.device_code).await.unwrap(),
        DevicePoll::Denied
    ));

    // expired_token: a short-lived code (set through the admin API) left alone.
    let r = s
        .http
        .put(s.url("/admin/v1/auth/device"))
        .bearer_auth(s.portal.state.admin_token())
        .json(&serde_json::json!({"expiresInSeconds": 60}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let short = s.code().await;
    assert_eq!(short["expires_in"], 60);
    let client_code = s.client.device_authorization().await.unwrap();
    s.wait(61);
    assert_eq!(s.error(device_code(&short)).await, "expired_token");
    assert!(matches!(
        s.client
            .device_token(&client_code.device_code)
            .await
            .unwrap(),
        DevicePoll::Expired
    ));
    // An expired code can no longer be approved: the old one is never accepted.
    let late = s
        .decide(serde_json::json!({"userCode": user_code(&short), "decision": "approve", "citizenId": "demo-jana"}))
        .await;
    assert_eq!(late, 404);
    assert_eq!(s.error(device_code(&short)).await, "expired_token");

    // invalid_grant: a code never issued.
    assert_eq!(s.error("no-such-device-code").await, "invalid_grant");
    // unsupported_grant_type and invalid_request.
    let live = s.code().await;
    let r = s
        .form(
            "/kiosk/v1/auth/token",
            DEMO_KIOSK_TOKEN,
            &[
                ("grant_type", "authorization_code"),
                ("device_code", device_code(&live)),
            ],
        )
        .await;
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"],
        "unsupported_grant_type"
    );
    let r = s
        .form(
            "/kiosk/v1/auth/token",
            DEMO_KIOSK_TOKEN,
            &[("grant_type", GRANT)],
        )
        .await;
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_request");
    let r = s
        .form(
            "/kiosk/v1/auth/token",
            DEMO_KIOSK_TOKEN,
            &[
                ("grant_type", GRANT),
                ("device_code", device_code(&live)),
                ("device_code", device_code(&live)),
            ],
        )
        .await;
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_request");
    let r = s
        .http
        .post(s.url("/kiosk/v1/auth/token"))
        .bearer_auth(DEMO_KIOSK_TOKEN)
        .json(&serde_json::json!({"grant_type": GRANT, "device_code": device_code(&live)}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_request");
    // None of these malformed polls counted as one: the code polls fine.
    s.wait(5);
    assert_eq!(s.error(device_code(&live)).await, "authorization_pending");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_code_can_be_neither_approved_nor_used() {
    let s = Setup::new().await;
    let code = s.client.device_authorization().await.unwrap();
    // Another kiosk cannot cancel it.
    let other = client_with(&s.portal, OTHER_TOKEN);
    other.device_cancel(&code.device_code).await.unwrap();
    let page = s
        .http
        .get(s.url(&format!("/kod?code={}", code.user_code)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Přihlásit se na kiosku?"),
        "still live: {page}"
    );
    let approved_by_then = s.code().await;
    s.approve(user_code(&approved_by_then), "demo-jana").await;
    // The owner can: before and after an approval.
    s.client.device_cancel(&code.device_code).await.unwrap();
    s.client
        .device_cancel(device_code(&approved_by_then))
        .await
        .unwrap();
    s.wait(5);
    assert_eq!(s.error(&code.device_code).await, "invalid_grant");
    assert_eq!(
        s.error(device_code(&approved_by_then)).await,
        "invalid_grant"
    );
    let late = s
        .decide(serde_json::json!({"userCode": code.user_code, "decision": "approve", "citizenId": "demo-jana"}))
        .await;
    assert_eq!(late, 409);
    // The page says the code is over.
    let page = s
        .http
        .get(s.url(&format!("/kod?code={}", code.user_code)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Tento kód neplatí"), "{page}");
    // A cancel without a device code is malformed (problem+json, not OAuth).
    let r = s
        .form("/kiosk/v1/auth/device/cancel", DEMO_KIOSK_TOKEN, &[])
        .await;
    assert_eq!(r.status(), 400);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
}

/// The hidden form token of an approval page.
fn csrf_of(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a form token") + 19;
    page[at..].split('"').next().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_approval_page_names_the_kiosk_and_confirms_with_its_form_token() {
    let s = Setup::new().await;
    let get = |path: String| {
        let http = s.http.clone();
        async move { http.get(path).send().await.unwrap() }
    };
    // Without a code: the form to type it.
    let r = get(s.url("/kod")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/html; charset=utf-8");
    assert_eq!(r.headers()["x-frame-options"], "DENY");
    assert!(
        r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    let page = r.text().await.unwrap();
    assert!(page.contains("Opište kód z obrazovky kiosku"), "{page}");

    // With the code typed loosely: the kiosk's name and place, the citizens.
    let code = s.code().await;
    let typed = user_code(&code).replace('-', " ").to_lowercase();
    let page = get(s.url(&format!("/kod?code={}", typed.replace(' ', "+"))))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Ukázkový kiosek"), "{page}");
    assert!(page.contains(user_code(&code)), "the code to compare");
    assert!(
        page.contains("Jana Nováková") && page.contains("Potvrdit") && page.contains("Odmítnout")
    );
    let csrf = csrf_of(&page);

    // An echoed code is escaped (no markup from the address bar).
    let page = get(s.url("/kod?code=%3Cscript%3E"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains("<script>"));

    let post = |form: Vec<(&'static str, String)>| {
        let http = s.http.clone();
        let url = s.url("/kod");
        async move { http.post(url).form(&form).send().await.unwrap() }
    };
    // A made-up form token is refused, and uses up nothing.
    let r = post(vec![
        ("code", user_code(&code).to_string()),
        ("csrf", "made-up".into()),
        ("decision", "confirm".into()),
        ("citizen", "demo-josef".into()),
    ])
    .await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Stránka vypršela"));
    s.wait(5);
    assert_eq!(s.error(device_code(&code)).await, "authorization_pending");
    // The page's own token confirms for the citizen chosen.
    let form = vec![
        ("code", user_code(&code).to_string()),
        ("csrf", csrf.clone()),
        ("decision", "confirm".into()),
        ("citizen", "demo-josef".into()),
    ];
    let r = post(form.clone()).await;
    assert!(r.text().await.unwrap().contains("Potvrzeno"));
    // The same form again (a reload): its token is used up.
    assert!(
        post(form)
            .await
            .text()
            .await
            .unwrap()
            .contains("Stránka vypršela")
    );
    s.wait(5);
    let (status, body) = s.poll(device_code(&code)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["citizen"]["confirmName"], "J. Dvořák");

    // "Odmítnout" on a page refuses.
    let code = s.code().await;
    let page = get(s.url(&format!("/kod?code={}", user_code(&code))))
        .await
        .text()
        .await
        .unwrap();
    let r = post(vec![
        ("code", user_code(&code).to_string()),
        ("csrf", csrf_of(&page)),
        ("decision", "deny".into()),
    ])
    .await;
    assert!(r.text().await.unwrap().contains("Odmítnuto"));
    s.wait(5);
    assert_eq!(s.error(device_code(&code)).await, "access_denied");
    // A form token shown for one code does not decide another.
    let first = s.code().await;
    let second = s.code().await;
    let page = get(s.url(&format!("/kod?code={}", user_code(&first))))
        .await
        .text()
        .await
        .unwrap();
    let r = post(vec![
        ("code", user_code(&second).to_string()),
        ("csrf", csrf_of(&page)),
        ("decision", "confirm".into()),
        ("citizen", "demo-jana".into()),
    ])
    .await;
    assert!(r.text().await.unwrap().contains("Stránka vypršela"));
    // Not the page's form at all: 400 problem+json.
    let r = post(vec![("code", "x".into())]).await;
    assert_eq!(r.status(), 400);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_call_refuses_what_it_cannot_decide() {
    let s = Setup::new().await;
    let code = s.code().await;
    for (body, status) in [
        (
            serde_json::json!({"userCode": user_code(&code), "decision": "approve"}),
            422,
        ),
        (
            serde_json::json!({"userCode": user_code(&code), "decision": "approve", "citizenId": "nobody"}),
            422,
        ),
        (
            serde_json::json!({"userCode": "BBBB-BBBB", "decision": "deny"}),
            404,
        ),
        (
            serde_json::json!({"userCode": user_code(&code), "decision": "maybe"}),
            400,
        ),
    ] {
        assert_eq!(s.decide(body.clone()).await, status, "{body}");
    }
    let r = s
        .http
        .put(s.url("/admin/v1/auth/device"))
        .bearer_auth(s.portal.state.admin_token())
        .json(&serde_json::json!({"intervalSeconds": 0}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    // A shorter interval (for the UI tests) is handed out with new codes.
    let r = s
        .http
        .put(s.url("/admin/v1/auth/device"))
        .bearer_auth(s.portal.state.admin_token())
        .json(&serde_json::json!({"intervalSeconds": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(s.code().await["interval"], 1);
    // Without the admin token: 401.
    let r = s
        .http
        .post(s.url("/admin/v1/auth/device"))
        .json(&serde_json::json!({"userCode": user_code(&code), "decision": "deny"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}
