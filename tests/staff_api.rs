//! The counter (staff) mode's backend and security part end to end, over real
//! HTTP on loopback to the real development portal and real SQLite files: the
//! backend verifies the staff PIN and refuses station kiosks, its lockout
//! (persistent, escalating), the lookup budget, the audit at the backend (and
//! nothing on the kiosk), the kiosk's own persistent escalating lockout, the
//! `staff-pin-hash` command, and the `/kiosk/v1/staff/…` contract between the
//! kiosk's client and the portal. Expected figures come from
//! `assets/seed/citizens.json`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

mod support;

use portal_kiosk::citizen::{CitizenRequest, CitizenResult};
use portal_kiosk::devportal::{
    self, DEMO_COUNTER_ID, DEMO_COUNTER_TOKEN, DEMO_KIOSK_ID, DEMO_KIOSK_TOKEN, DEMO_STAFF_ID,
    DEMO_STAFF_NAME, DEMO_STAFF_PIN, RunningPortal,
};
use portal_kiosk::kiosk::ports::{AttemptId, SessionPort, StaffLoginPort};
use portal_kiosk::kiosk::{KioskEvent, StaffOutcome, StaffPin};
use portal_kiosk::login::SessionTokens;
use portal_kiosk::portal::client::{StaffLoginError, read_token};
use portal_kiosk::portal::types::*;
use portal_kiosk::portal::{PortalClient, PortalError};
use portal_kiosk::staff::{self, Lockout, ManualClock, StaffLockout, StaffLogin};
use support::{citizen_login, client_with};

const CITIZENS: &str = include_str!("../assets/seed/citizens.json");
const PIN: &[u8] = DEMO_STAFF_PIN.as_bytes();
const WRONG: &[u8] = b"111111";
/// Jana Nováková's waste fee.
const JANA_VS: &str = "1100012011";

// ---------------------------------------------------------------- logs

/// Everything logged in this test binary (TRACE, the kiosk's and the portal's
/// code and their dependencies), for the test that no PIN or VS is in it.
static LOGS: Mutex<Vec<u8>> = Mutex::new(Vec::new());

struct Capture;

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        LOGS.lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Sends every log line of this process into [`LOGS`] (once, before a test starts).
fn capture_logs() {
    static INIT: std::sync::Once = std::sync::Once::new();
    INIT.call_once(|| {
        let _ = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(|| Capture)
            .try_init();
    });
}

// ---------------------------------------------------------------- helpers

struct Setup {
    _dir: tempfile::TempDir,
    portal: RunningPortal,
    /// The seeded counter's client.
    client: PortalClient,
    /// The seeded station kiosk's client.
    station: PortalClient,
}

impl Setup {
    async fn new() -> Setup {
        capture_logs();
        let dir = tempfile::tempdir().unwrap();
        let portal = devportal::start("127.0.0.1:0", &dir.path().join("portal.sqlite"), true)
            .await
            .unwrap();
        let client = client_with(&portal, DEMO_COUNTER_TOKEN);
        let station = client_with(&portal, DEMO_KIOSK_TOKEN);
        Setup {
            _dir: dir,
            portal,
            client,
            station,
        }
    }

    async fn staff_login(&self) -> String {
        let session = self.client.staff_login(PIN).await.unwrap();
        assert_eq!(session.name, DEMO_STAFF_NAME);
        session.session
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.portal.addr)
    }

    /// A raw request to a `/kiosk/v1/staff` path with the counter's token.
    fn raw(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        reqwest::Client::new()
            .request(method, self.url(&format!("/kiosk/v1/staff/{path}")))
            .bearer_auth(DEMO_COUNTER_TOKEN)
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

/// `POST /staff/login` `{"pin": pin}` with `token`, as any HTTP client sends it.
async fn raw_login(portal: &RunningPortal, token: &str, pin: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("http://{}/kiosk/v1/staff/login", portal.addr))
        .bearer_auth(token)
        .json(&serde_json::json!({ "pin": pin }))
        .send()
        .await
        .unwrap()
}

/// The portal's staff audit, oldest first.
async fn audit(portal: &RunningPortal) -> Vec<serde_json::Value> {
    let r = reqwest::Client::new()
        .get(format!("http://{}/admin/v1/staff/audit", portal.addr))
        .bearer_auth(portal.state.admin_token())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let log: serde_json::Value = r.json().await.unwrap();
    log["entries"].as_array().unwrap().clone()
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

fn refusal(result: Result<StaffSession, StaffLoginError>) -> StaffLoginError {
    match result {
        Err(e) => e,
        Ok(_) => panic!("expected the staff login to be refused"),
    }
}

/// The seconds of a backend lockout.
fn locked_for(result: Result<StaffSession, StaffLoginError>) -> u64 {
    match refusal(result) {
        StaffLoginError::Locked {
            retry_after: Some(d),
        } => d.as_secs(),
        other => panic!("expected a lockout with Retry-After, got {other:?}"),
    }
}

fn misses_left(result: Result<StaffSession, StaffLoginError>) -> u32 {
    match refusal(result) {
        StaffLoginError::WrongPin {
            misses_left: Some(n),
        } => n,
        other => panic!("expected a wrong PIN, got {other:?}"),
    }
}

/// Every file under `dir`, with its bytes.
fn files_in(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                found.push((path, bytes));
            }
        }
    }
    found
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// The kiosk's staff login adapter (and its session port) over `data_dir`,
/// talking to `client`, with outcomes and data answers on a channel.
struct Counter {
    staff: Box<dyn StaffLoginPort>,
    session: Box<dyn SessionPort>,
    events: tokio::sync::mpsc::UnboundedReceiver<KioskEvent>,
    lockout: Arc<StaffLockout>,
}

impl Counter {
    fn new(client: PortalClient, data_dir: &Path, clock: Arc<ManualClock>) -> Counter {
        let (tx, events) = tokio::sync::mpsc::unbounded_channel();
        let sink: portal_kiosk::kiosk::ports::EventSink = Arc::new(move |e| {
            let _ = tx.send(e);
        });
        let runtime = tokio::runtime::Handle::current();
        let client = Arc::new(client);
        let lockout = Arc::new(StaffLockout::open(data_dir).unwrap().with_clock(clock));
        // The session port shares the staff login's tokens, as in the kiosk.
        let tokens = SessionTokens::default();
        let mut staff: Box<dyn StaffLoginPort> = Box::new(StaffLogin::new(
            runtime.clone(),
            client.clone(),
            lockout.clone(),
            tokens.clone(),
        ));
        let mut session: Box<dyn SessionPort> = Box::new(portal_kiosk::login::SessionData::new(
            runtime, client, tokens,
        ));
        staff.connect(sink.clone());
        session.connect(sink);
        Counter {
            staff,
            session,
            events,
            lockout,
        }
    }

    async fn next(&mut self) -> KioskEvent {
        tokio::time::timeout(Duration::from_secs(20), self.events.recv())
            .await
            .expect("an answer from the adapter")
            .unwrap()
    }

    async fn log_in(&mut self, attempt: u64, pin: &[u8]) -> StaffOutcome {
        let attempt = AttemptId(attempt);
        self.staff
            .authenticate(attempt, StaffPin(zeroize::Zeroizing::new(pin.to_vec())));
        match self.next().await {
            KioskEvent::StaffResult {
                attempt: a,
                outcome,
            } if a == attempt => outcome,
            other => panic!("expected the staff result, got {other:?}"),
        }
    }
}

// ---------------------------------------------------------------- the backend verifies

/// A token lifted from a station kiosk opens no staff session, whatever it
/// sends: the portal refuses it before the PIN (403), counts nothing, and
/// audits the try.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_station_kiosks_token_cannot_open_a_staff_session() {
    let s = Setup::new().await;
    let r = raw_login(&s.portal, DEMO_KIOSK_TOKEN, DEMO_STAFF_PIN).await;
    assert_eq!(r.status(), 403);
    assert_eq!(
        r.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let problem: Problem = r.json().await.unwrap();
    assert_eq!(problem.kind, staff_problems::NOT_A_COUNTER);
    // Today's request shape (a staff name the kiosk vouched for) gets no further.
    let old = reqwest::Client::new()
        .post(s.url("/kiosk/v1/staff/login"))
        .bearer_auth(DEMO_KIOSK_TOKEN)
        .json(&serde_json::json!({ "staffName": DEMO_STAFF_NAME }))
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), 403);
    // The kiosk's client says what it is, however often it is tried.
    for _ in 0..7 {
        assert!(matches!(
            refusal(s.station.staff_login(PIN).await),
            StaffLoginError::NotACounter
        ));
    }
    // Nothing was counted against the real counter, which still logs in.
    assert_eq!(misses_left(s.client.staff_login(WRONG).await), 4);
    assert!(s.client.staff_login(PIN).await.is_ok());
    // A station cannot use a counter's session either.
    let session = s.staff_login().await;
    assert!(is_session_ended(
        s.station.staff_lookup(&session, JANA_VS).await
    ));
    // And the old request shape from the counter is a bad request, not a login.
    let old = s
        .raw(reqwest::Method::POST, "login")
        .json(&serde_json::json!({ "staffName": DEMO_STAFF_NAME }))
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), 400);

    let entries = audit(&s.portal).await;
    let refused: Vec<_> = entries
        .iter()
        .filter(|e| e["outcome"] == "not-a-counter")
        .collect();
    assert_eq!(refused.len(), 9);
    assert!(refused.iter().all(|e| e["kioskId"] == DEMO_KIOSK_ID
        && e["action"] == "login"
        && e["staffId"].is_null()));
}

/// Per counter: 4 wrong PINs count down, the 5th locks for 60 s (429 with
/// Retry-After) and the right PIN is not even checked; the lockout is in the
/// portal's SQLite, so a restart over the same file keeps it; every further
/// lockout doubles; a login resets it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_wrong_pins_lock_the_counter_at_the_backend_across_a_restart_and_lockouts_double() {
    capture_logs();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("portal.sqlite");
    let portal = devportal::start("127.0.0.1:0", &db, true).await.unwrap();
    let counter = client_with(&portal, DEMO_COUNTER_TOKEN);
    for left in (1..staff::MAX_FAILURES).rev() {
        assert_eq!(misses_left(counter.staff_login(WRONG).await), left);
    }
    let r = raw_login(&portal, DEMO_COUNTER_TOKEN, "111111").await;
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"].to_str().unwrap(), "60");
    assert_eq!(
        r.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let problem: Problem = r.json().await.unwrap();
    assert_eq!(problem.kind, staff_problems::LOCKED);
    // Locked: the right PIN is refused unchecked.
    let left = locked_for(counter.staff_login(PIN).await);
    assert!((1..=60).contains(&left), "{left}");

    // A restart of the portal over the same database keeps the lockout.
    portal.stop().await;
    let portal = devportal::start("127.0.0.1:0", &db, true).await.unwrap();
    let counter = client_with(&portal, DEMO_COUNTER_TOKEN);
    let left = locked_for(counter.staff_login(PIN).await);
    assert!((1..=60).contains(&left), "{left}");

    // Every further lockout doubles: 120 s, 240 s.
    let mut previous = 60;
    for expected in [120, 240] {
        portal
            .state
            .advance_clock(Duration::from_secs(previous + 1));
        previous = expected;
        for left in (1..staff::MAX_FAILURES).rev() {
            assert_eq!(misses_left(counter.staff_login(WRONG).await), left);
        }
        assert_eq!(locked_for(counter.staff_login(WRONG).await), expected);
        assert_eq!(locked_for(counter.staff_login(PIN).await), expected);
    }
    // Once it has run out, the right PIN logs in and everything is forgiven.
    portal.state.advance_clock(Duration::from_secs(241));
    assert!(counter.staff_login(PIN).await.is_ok());
    for left in (1..staff::MAX_FAILURES).rev() {
        assert_eq!(misses_left(counter.staff_login(WRONG).await), left);
    }
    assert_eq!(locked_for(counter.staff_login(WRONG).await), 60);

    let outcomes: Vec<String> = audit(&portal)
        .await
        .iter()
        .map(|e| e["outcome"].as_str().unwrap().to_string())
        .collect();
    for (outcome, n) in [
        ("wrong-pin", 16),
        ("locked-out", 4),
        ("locked", 4),
        ("success", 1),
    ] {
        assert_eq!(
            outcomes.iter().filter(|o| *o == outcome).count(),
            n,
            "{outcome}: {outcomes:?}"
        );
    }
}

/// A staff member logs in at the counter and looks a payer up, through the
/// kiosk's real adapters: the portal's audit has both (who, where, when, the
/// VS), and the kiosk's data directory has nothing of either.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_and_a_lookup_are_audited_at_the_backend_and_nowhere_on_the_kiosk() {
    let s = Setup::new().await;
    let kiosk = tempfile::tempdir().unwrap();
    let data_dir = kiosk.path().join("data");
    let started = chrono::Utc::now() - chrono::Duration::seconds(1);
    let mut counter = Counter::new(
        client_with(&s.portal, DEMO_COUNTER_TOKEN),
        &data_dir,
        Arc::new(ManualClock::new()),
    );
    assert_eq!(
        counter.log_in(1, PIN).await,
        StaffOutcome::LoggedIn {
            name: DEMO_STAFF_NAME.into()
        }
    );
    counter.session.request(
        AttemptId(2),
        AttemptId(1),
        CitizenRequest::Lookup(JANA_VS.into()),
    );
    match counter.next().await {
        KioskEvent::Data {
            id: AttemptId(2),
            result: CitizenResult::Lookup { vs, found },
        } => {
            assert_eq!(vs, JANA_VS);
            assert_eq!(found.payer_name, "Jana Nováková");
        }
        other => panic!("expected the lookup, got {other:?}"),
    }
    counter.session.end_session(AttemptId(1));

    let entries = audit(&s.portal).await;
    assert_eq!(entries.len(), 2, "{entries:?}");
    let (login, lookup) = (&entries[0], &entries[1]);
    assert_eq!(login["action"], "login");
    assert_eq!(login["outcome"], "success");
    assert_eq!(login["staffId"], DEMO_STAFF_ID);
    assert_eq!(login["kioskId"], DEMO_COUNTER_ID);
    assert!(login["variableSymbol"].is_null());
    assert_eq!(lookup["action"], "lookup");
    assert_eq!(lookup["outcome"], "success");
    assert_eq!(lookup["staffId"], DEMO_STAFF_ID);
    assert_eq!(lookup["kioskId"], DEMO_COUNTER_ID);
    assert_eq!(lookup["variableSymbol"], JANA_VS);
    for e in [login, lookup] {
        let at: chrono::DateTime<chrono::Utc> = e["at"].as_str().unwrap().parse().unwrap();
        assert!(at >= started && at <= chrono::Utc::now(), "{at}");
    }
    // `?after=` gives what came since.
    let r = reqwest::Client::new()
        .get(s.url(&format!("/admin/v1/staff/audit?after={}", login["seq"])))
        .bearer_auth(s.portal.state.admin_token())
        .send()
        .await
        .unwrap();
    let since: serde_json::Value = r.json().await.unwrap();
    assert_eq!(since["entries"].as_array().unwrap().len(), 1);
    // The audit is the town's: the admin token, not a kiosk's.
    for token in [DEMO_COUNTER_TOKEN, "not-a-token"] {
        let r = reqwest::Client::new()
            .get(s.url("/admin/v1/staff/audit"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
    }

    // On the kiosk: the lockout's counts and nothing else.
    assert_eq!(counter.lockout.state().unwrap(), Lockout::default());
    drop(counter);
    let files = files_in(kiosk.path());
    assert!(!files.is_empty());
    for (path, bytes) in &files {
        for secret in [
            JANA_VS,
            "Jana",
            "Nováková",
            DEMO_STAFF_NAME,
            DEMO_STAFF_ID,
            DEMO_STAFF_PIN,
            DEMO_COUNTER_TOKEN,
        ] {
            assert!(!contains(bytes, secret), "{secret} in {}", path.display());
        }
    }
}

/// The kiosk's own lockout (the first line): it follows the backend's
/// escalation, is kept in the kiosk's data directory so a new adapter (a
/// restarted kiosk) is still locked, and while locked nothing is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kiosks_own_lockout_escalates_and_survives_a_restart() {
    let s = Setup::new().await;
    let kiosk = tempfile::tempdir().unwrap();
    let data_dir = kiosk.path().join("data");
    let clock = Arc::new(ManualClock::new());
    let counter_client = || client_with(&s.portal, DEMO_COUNTER_TOKEN);
    let mut counter = Counter::new(counter_client(), &data_dir, clock.clone());
    for left in (1..staff::MAX_FAILURES).rev() {
        assert_eq!(
            counter.log_in(u64::from(left), WRONG).await,
            StaffOutcome::Wrong {
                attempts_left: left
            }
        );
    }
    assert_eq!(
        counter.log_in(10, WRONG).await,
        StaffOutcome::Locked { seconds_left: 60 }
    );
    drop(counter);
    let asked = audit(&s.portal).await.len();

    // Restarted: still locked, and the right PIN never leaves the kiosk.
    let mut counter = Counter::new(counter_client(), &data_dir, clock.clone());
    assert_eq!(
        counter.log_in(11, PIN).await,
        StaffOutcome::Locked { seconds_left: 60 }
    );
    assert_eq!(audit(&s.portal).await.len(), asked);

    // The next lockout doubles.
    clock.advance(Duration::from_secs(60));
    s.portal.state.advance_clock(Duration::from_secs(60));
    for left in (1..staff::MAX_FAILURES).rev() {
        assert_eq!(
            counter.log_in(20 + u64::from(left), WRONG).await,
            StaffOutcome::Wrong {
                attempts_left: left
            }
        );
    }
    assert_eq!(
        counter.log_in(30, WRONG).await,
        StaffOutcome::Locked { seconds_left: 120 }
    );
    let stored = counter.lockout.state().unwrap();
    assert_eq!((stored.failures, stored.lockouts), (0, 2));
    drop(counter);

    // Even against a backend that knows of no lockout (another portal, fresh
    // database), the restarted kiosk holds its own and asks nothing.
    let other_dir = tempfile::tempdir().unwrap();
    let fresh = devportal::start("127.0.0.1:0", &other_dir.path().join("p.sqlite"), true)
        .await
        .unwrap();
    let mut counter = Counter::new(
        client_with(&fresh, DEMO_COUNTER_TOKEN),
        &data_dir,
        clock.clone(),
    );
    clock.advance(Duration::from_secs(100));
    assert_eq!(
        counter.log_in(31, PIN).await,
        StaffOutcome::Locked { seconds_left: 20 }
    );
    assert!(audit(&fresh).await.is_empty());
    drop(counter);

    // Run out: the right PIN logs in and the kiosk forgives everything.
    clock.advance(Duration::from_secs(20));
    s.portal.state.advance_clock(Duration::from_secs(120));
    let mut counter = Counter::new(counter_client(), &data_dir, clock.clone());
    assert!(matches!(
        counter.log_in(40, PIN).await,
        StaffOutcome::LoggedIn { .. }
    ));
    assert_eq!(counter.lockout.state().unwrap(), Lockout::default());
}

/// The kiosk shows the backend's lockout (429 Retry-After) even when its own
/// count had not got there, and a station kiosk says it is no counter.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kiosk_takes_the_backends_lockout_and_its_not_a_counter() {
    let s = Setup::new().await;
    // The backend's count is at 4 misses (another kiosk with the counter's
    // token, or a wiped data directory); this kiosk has counted none.
    for _ in 1..staff::MAX_FAILURES {
        s.client.staff_login(WRONG).await.unwrap_err();
    }
    let kiosk = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new());
    let mut counter = Counter::new(
        client_with(&s.portal, DEMO_COUNTER_TOKEN),
        kiosk.path(),
        clock.clone(),
    );
    assert_eq!(
        counter.log_in(1, WRONG).await,
        StaffOutcome::Locked { seconds_left: 60 }
    );
    assert_eq!(counter.lockout.state().unwrap().lockouts, 1);
    // … and counts it locally: a restart does not clear it.
    let mut counter = Counter::new(
        client_with(&s.portal, DEMO_COUNTER_TOKEN),
        kiosk.path(),
        clock,
    );
    assert_eq!(
        counter.log_in(2, PIN).await,
        StaffOutcome::Locked { seconds_left: 60 }
    );

    let station_dir = tempfile::tempdir().unwrap();
    let mut station = Counter::new(
        client_with(&s.portal, DEMO_KIOSK_TOKEN),
        station_dir.path(),
        Arc::new(ManualClock::new()),
    );
    assert_eq!(station.log_in(1, PIN).await, StaffOutcome::NotACounter);
    // A refusal of the device is no wrong PIN.
    assert_eq!(station.lockout.state().unwrap(), Lockout::default());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lookups_are_limited_to_sixty_in_ten_minutes_per_staff_session() {
    let s = Setup::new().await;
    let session = s.staff_login().await;
    for _ in 0..devportal::LOOKUP_LIMIT {
        s.client.staff_lookup(&session, "1").await.unwrap();
    }
    match s.client.staff_lookup(&session, JANA_VS).await {
        Err(PortalError::Status {
            status: 429,
            problem: Some(problem),
            retry_after: Some(wait),
        }) => {
            assert_eq!(problem.kind, staff_problems::TOO_MANY_LOOKUPS);
            assert!(
                wait > Duration::ZERO && wait <= devportal::LOOKUP_WINDOW,
                "{wait:?}"
            );
        }
        other => panic!("expected a 429, got {:?}", other.map(|_| ())),
    }
    // The budget is the session's: another session of the counter looks up.
    let second = s.staff_login().await;
    assert!(s.client.staff_lookup(&second, JANA_VS).await.is_ok());
    // Ten minutes on, the first one may again.
    s.portal.state.advance_clock(devportal::LOOKUP_WINDOW);
    assert!(s.client.staff_lookup(&session, JANA_VS).await.is_ok());

    let entries = audit(&s.portal).await;
    let limited: Vec<_> = entries
        .iter()
        .filter(|e| e["outcome"] == "rate-limited")
        .collect();
    assert_eq!(limited.len(), 1);
    assert_eq!(limited[0]["variableSymbol"], JANA_VS);
    assert_eq!(limited[0]["staffId"], DEMO_STAFF_ID);
}

/// No PIN and no variable symbol reaches a log line, the kiosk's or the
/// portal's or their dependencies' (TRACE), through a login, wrong PINs, a
/// lockout and lookups.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pin_and_the_variable_symbol_never_reach_a_log() {
    let s = Setup::new().await;
    let pin = "80604020";
    let hash = staff::hash_pin(pin.as_bytes()).unwrap();
    s.portal
        .state
        .add_staff_member("st-log-test", "Přepážka 9", &hash, &[DEMO_COUNTER_ID])
        .unwrap();
    let kiosk = tempfile::tempdir().unwrap();
    let mut counter = Counter::new(
        client_with(&s.portal, DEMO_COUNTER_TOKEN),
        kiosk.path(),
        Arc::new(ManualClock::new()),
    );
    assert!(matches!(
        counter.log_in(1, b"80604021").await,
        StaffOutcome::Wrong { .. }
    ));
    assert!(matches!(
        counter.log_in(2, pin.as_bytes()).await,
        StaffOutcome::LoggedIn { .. }
    ));
    let vs = "1200023012";
    counter.session.request(
        AttemptId(3),
        AttemptId(2),
        CitizenRequest::Lookup(vs.into()),
    );
    assert!(matches!(counter.next().await, KioskEvent::Data { .. }));
    let station = client_with(&s.portal, DEMO_KIOSK_TOKEN);
    refusal(station.staff_login(pin.as_bytes()).await);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let logs = String::from_utf8_lossy(&LOGS.lock().unwrap()).into_owned();
    assert!(
        logs.contains("staff session opened"),
        "the logs were captured"
    );
    for secret in [pin, "80604021", vs, "Přepážka 9", "Josef"] {
        assert!(!logs.contains(secret), "{secret} was logged");
    }
}

/// `demo --mode counter`: the embedded portal's counter credentials let the
/// demo staff member in with the PIN the login screen shows; the station's do not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_counter_logs_in_with_the_demo_staff_pin() {
    let dir = tempfile::tempdir().unwrap();
    let embedded = devportal::start_embedded(dir.path()).await.unwrap();
    let token = read_token(&embedded.counter_credentials_file).unwrap();
    assert_eq!(token, DEMO_COUNTER_TOKEN);
    let counter = client_with(&embedded.portal, &token);
    let session = counter.staff_login(PIN).await.unwrap();
    assert_eq!(session.name, DEMO_STAFF_NAME);
    assert_eq!(misses_left(counter.staff_login(b"654321").await), 4);
    let station = client_with(
        &embedded.portal,
        &read_token(&embedded.credentials_file).unwrap(),
    );
    assert!(matches!(
        refusal(station.staff_login(PIN).await),
        StaffLoginError::NotACounter
    ));
}

/// The kiosk holds no staff hashes any more: a credentials file that still
/// has them is refused with a reason (a hash on a kiosk's disk can be guessed
/// offline); the token alone is read.
#[test]
fn a_credentials_file_with_staff_hashes_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("credentials.toml");
    std::fs::write(&path, format!("token = \"{DEMO_COUNTER_TOKEN}\"\n")).unwrap();
    assert_eq!(read_token(&path).unwrap(), DEMO_COUNTER_TOKEN);
    let hash = "$argon2id$v=19$m=65536,t=3,p=1$b6kQSzx/OoiOFoohzKRJPg$S9UADnhPtbi6vO031V9j9rXD1zbwZBUudz97c2ZwtZY";
    std::fs::write(
        &path,
        format!(
            "token = \"{DEMO_COUNTER_TOKEN}\"\n\n[[staff]]\nname = \"Přepážka 1\"\npin_hash = \"{hash}\"\n"
        ),
    )
    .unwrap();
    let e = read_token(&path).unwrap_err().to_string();
    assert!(e.contains("[[staff]]") && e.contains("backend"), "{e}");
    assert!(!e.contains("argon2id"), "{e}");
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

/// `staff-pin-hash` makes the hash the backend's staff records hold.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_staff_pin_hash_command_prints_a_hash_the_backend_accepts() {
    let out = staff_pin_hash(b"80604020\n");
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let hash = stdout.trim_end();
    assert!(
        hash.starts_with("$argon2id$v=19$m=65536,t=3,p=1$"),
        "{stdout}"
    );
    assert_eq!(stdout.lines().count(), 1);
    assert!(
        !stdout.contains("80604020") && !String::from_utf8_lossy(&out.stderr).contains("80604020")
    );
    let s = Setup::new().await;
    s.portal
        .state
        .add_staff_member("st-3", "Přepážka 3", hash, &[DEMO_COUNTER_ID])
        .unwrap();
    let session = s.client.staff_login(b"80604020").await.unwrap();
    assert_eq!(session.name, "Přepážka 3");
    // A weak or foreign hash is refused by the backend.
    let cheap =
        "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0$M2Y0YzJlNTY2ZGI4NDk5ZWZiM2M3ZTAzYjA2OTc2NDQ";
    for bad in [cheap, "secret"] {
        assert!(
            s.portal
                .state
                .add_staff_member("st-4", "Přepážka 4", bad, &[DEMO_COUNTER_ID])
                .is_err()
        );
    }

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_staff_login_is_a_400_and_no_miss() {
    let s = Setup::new().await;
    for body in [
        serde_json::json!({}),
        serde_json::json!({ "pin": 123456 }),
        serde_json::json!({ "pin": "12345" }),
        serde_json::json!({ "pin": "12ab56" }),
        serde_json::json!({ "pin": "1234567890123" }),
        serde_json::json!({ "pin": "123456", "staffName": "x" }),
    ] {
        let r = s
            .raw(reqwest::Method::POST, "login")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{body}");
        let problem: Problem = r.json().await.unwrap();
        assert!(!problem.detail.contains("123456"), "{}", problem.detail);
    }
    assert_eq!(misses_left(s.client.staff_login(WRONG).await), 4);
    // A stranger without a kiosk token cannot even try.
    let stranger = client_with(&s.portal, "not-a-kiosk-token-0000");
    match refusal(stranger.staff_login(PIN).await) {
        StaffLoginError::Portal(PortalError::Status { status: 401, .. }) => {}
        other => panic!("expected a 401, got {other:?}"),
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
    assert_eq!(jana_vs, JANA_VS);

    let lookup = s.client.staff_lookup(&session, &jana_vs).await.unwrap();
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
    let josef = s.client.staff_lookup(&session, "1200023012").await.unwrap();
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
        let none = s.client.staff_lookup(&session, vs).await.unwrap();
        assert!(none.obligations.is_empty());
        assert_eq!(none.payer_name, "");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_variable_symbol_is_a_400_and_the_old_query_is_gone() {
    let s = Setup::new().await;
    let session = s.staff_login().await;
    for vs in ["", "12AB34", "12345678901", "-1", "1 2", "１２３"] {
        assert_eq!(
            status_of(s.client.staff_lookup(&session, vs).await),
            400,
            "{vs:?}"
        );
    }
    // No vs at all, or one in the URL: not a lookup.
    for (path, body) in [
        ("lookup", serde_json::json!({})),
        ("lookup?vs=1100012011", serde_json::json!({})),
        ("lookup", serde_json::json!({ "vs": 1100012011u64 })),
    ] {
        let r = s
            .raw(reqwest::Method::POST, path)
            .header("x-staff-session", &session)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{path} {body}");
        assert_eq!(
            r.headers()["content-type"].to_str().unwrap(),
            "application/problem+json"
        );
        let problem: Problem = r.json().await.unwrap();
        assert_eq!(problem.status, 400);
    }
    // `GET /staff/obligations?vs=` is no more.
    let r = s
        .raw(reqwest::Method::GET, "obligations?vs=1100012011")
        .header("x-staff-session", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_live_staff_session_of_this_kiosk_the_session_has_ended() {
    let s = Setup::new().await;
    let session = s.staff_login().await;
    assert!(s.client.staff_lookup(&session, "1").await.is_ok());

    // No session header.
    let r = s
        .raw(reqwest::Method::POST, "lookup")
        .json(&serde_json::json!({ "vs": JANA_VS }))
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
        s.client.staff_lookup(made_up, JANA_VS).await
    ));
    assert!(is_session_ended(
        s.client.staff_lookup(made_up, "bad").await
    ));
    assert!(is_session_ended(
        s.client
            .staff_payment(made_up, &["o-jana-odpad-2026".into()])
            .await
    ));

    // A citizen's session is not a staff session.
    let citizen = citizen_login(&s.station, "demo-jana").await;
    assert!(is_session_ended(s.client.staff_lookup(&citizen, "1").await));

    // The session sent by another kiosk, even another counter.
    s.portal
        .state
        .add_kiosk_token("second-kiosk-token-8e2f4b", "lt-test-02")
        .unwrap();
    s.portal.state.register_counter("lt-test-02").unwrap();
    let other = client_with(&s.portal, "second-kiosk-token-8e2f4b");
    assert!(is_session_ended(other.staff_lookup(&session, "1").await));
    other.staff_logout(&session).await.unwrap();
    // … which neither works nor ends it for the kiosk that opened it.
    assert!(s.client.staff_lookup(&session, "1").await.is_ok());
    // The demo staff member is not allowed at that counter.
    assert_eq!(misses_left(other.staff_login(PIN).await), 4);
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
    let lookup = s.client.staff_lookup(&session, vs).await.unwrap();
    let o = lookup
        .obligations
        .iter()
        .find(|o| o.id == "o-jana-odpad-2026")
        .unwrap();
    assert!(o.paid && o.paid_at.is_some());
    let citizen = citizen_login(&s.station, "demo-jana").await;
    let list = s.station.me_obligations(&citizen).await.unwrap();
    assert!(
        list.obligations
            .iter()
            .find(|o| o.id == "o-jana-odpad-2026")
            .unwrap()
            .paid
    );

    // A payment made at a kiosk shows at the counter.
    let josef = citizen_login(&s.station, "demo-josef").await;
    let kiosk_intent = s
        .station
        .create_payment(&josef, &["o-josef-pes-2026".into()])
        .await
        .unwrap();
    let before = s.client.staff_lookup(&session, "1200023012").await.unwrap();
    assert!(
        !before
            .obligations
            .iter()
            .find(|o| o.id == "o-josef-pes-2026")
            .unwrap()
            .paid
    );
    s.mark_paid(&kiosk_intent.id).await;
    let after = s.client.staff_lookup(&session, "1200023012").await.unwrap();
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
    assert!(s.client.staff_lookup(&session, "1").await.is_ok());

    s.client.staff_logout(&session).await.unwrap();
    assert!(is_session_ended(s.client.staff_lookup(&session, "1").await));
    assert!(is_session_ended(
        s.client
            .staff_payment(&session, &["o-jana-odpad-2026".into()])
            .await
    ));
    // Logging out twice is fine; other sessions live on.
    s.client.staff_logout(&session).await.unwrap();
    assert!(s.client.staff_lookup(&second, "1").await.is_ok());
    let r = s
        .raw(reqwest::Method::POST, "logout")
        .header("x-staff-session", &second)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert!(is_session_ended(s.client.staff_lookup(&second, "1").await));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_answers_are_never_cacheable() {
    let s = Setup::new().await;
    let session = s.staff_login().await;
    let lookup = serde_json::json!({ "vs": JANA_VS });
    let answers = [
        s.raw(reqwest::Method::POST, "login")
            .json(&serde_json::json!({ "pin": DEMO_STAFF_PIN }))
            .send()
            .await
            .unwrap(),
        s.raw(reqwest::Method::POST, "login")
            .json(&serde_json::json!({ "pin": "111111" }))
            .send()
            .await
            .unwrap(),
        raw_login(&s.portal, DEMO_KIOSK_TOKEN, DEMO_STAFF_PIN).await,
        s.raw(reqwest::Method::POST, "lookup")
            .header("x-staff-session", &session)
            .json(&lookup)
            .send()
            .await
            .unwrap(),
        s.raw(reqwest::Method::POST, "lookup")
            .json(&lookup)
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
        reqwest::Client::new()
            .get(s.url("/admin/v1/staff/audit"))
            .bearer_auth(s.portal.state.admin_token())
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
        ("/kiosk/v1/staff/lookup", "post"),
        ("/kiosk/v1/staff/payments", "post"),
        ("/kiosk/v1/staff/payments/{id}", "get"),
        ("/kiosk/v1/staff/logout", "post"),
        ("/admin/v1/staff/audit", "get"),
    ] {
        assert!(doc["paths"][path].get(method).is_some(), "{method} {path}");
    }
    assert!(doc["paths"].get("/kiosk/v1/staff/obligations").is_none());
    for schema in [
        "StaffLoginRequest",
        "StaffSession",
        "StaffLoginRefusal",
        "StaffLookupRequest",
        "StaffLookup",
        "StaffAuditLog",
        "StaffAuditEntry",
    ] {
        assert!(
            doc["components"]["schemas"].get(schema).is_some(),
            "{schema}"
        );
    }
    let login = &doc["paths"]["/kiosk/v1/staff/login"]["post"]["responses"];
    for status in ["400", "401", "403", "429"] {
        assert!(
            login[status]["content"]
                .get("application/problem+json")
                .is_some(),
            "{status}: {}",
            login[status]
        );
    }
    assert!(login["429"]["headers"].get("Retry-After").is_some());
    let lookup = &doc["paths"]["/kiosk/v1/staff/lookup"]["post"];
    assert!(
        lookup["responses"]["429"]["headers"]
            .get("Retry-After")
            .is_some()
    );
    assert!(lookup.get("requestBody").is_some());
    let request = &doc["components"]["schemas"]["StaffLoginRequest"]["properties"];
    assert!(request.get("pin").is_some() && request.get("staffName").is_none());
    let lookup = &doc["components"]["schemas"]["StaffLookup"]["properties"];
    assert!(lookup.get("payerName").is_some() && lookup.get("obligations").is_some());
}

#[test]
fn staff_types_keep_pins_names_and_tokens_out_of_debug_output() {
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
        pin: "80604020".into(),
    };
    let lookup_request = StaffLookupRequest { vs: JANA_VS.into() };
    let printed = format!("{session:?} {lookup:?} {request:?} {lookup_request:?}");
    for secret in ["c2VjcmV0", "Přepážka", "Jana", JANA_VS, "80604020"] {
        assert!(!printed.contains(secret), "{printed}");
    }
    // The wire format is camelCase, the PIN and the VS in the body.
    let json = serde_json::to_value(&lookup).unwrap();
    assert!(json.get("payerName").is_some());
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        serde_json::json!({ "pin": "80604020" })
    );
    assert_eq!(
        serde_json::to_value(&lookup_request).unwrap(),
        serde_json::json!({ "vs": JANA_VS })
    );
}
