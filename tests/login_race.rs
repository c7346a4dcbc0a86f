//! A login can never land on the next person (issue 12, item 1): a property-based
//! state-machine test over two eObčanky.
//!
//! The real parts: the kiosk core ([`Kiosk`]), the real login and session
//! adapters of `src/login.rs` ([`CardLogin`]) with the demo cards' software
//! signer, and real HTTP over loopback to a *scripted backend* — a small axum
//! server that answers `/auth/challenge` at once, validates each Web eID token
//! (certificate chain, signature over its nonce), and then **holds** every
//! `/auth/card` answer until the test releases it, in any order, as a success
//! (a fresh session token and that citizen's first name), a 401 or a 503.
//!
//! Proptest generates up to 30 steps: insert card A or B (into an empty
//! reader), pull the card, type the right or a wrong PIN and confirm, release a
//! held login answer (the oldest, the newest or one chosen), let time pass (the
//! idle timeouts), "Odhlásit se", "Zrušit", "Zkusit znovu", and switch the
//! backend's `/me` between answering and 503. After each step every piece of
//! async work that can finish is waited for and its events go to the core, whose
//! commands run through the adapters as the UI runs them (`src/ui/mod.rs`).
//!
//! Checked after every event: a session on screen is the first name of the card
//! in the reader, opened by an attempt of *this* insertion of that card; a
//! nástěnka on screen was served for a session token of that card which is still
//! live. Checked after every step: the adapter holds a token only for the
//! session on screen, and every other token the backend issued has been logged
//! out there. At the end (every held answer released as a success, the card
//! pulled): every token the backend issued was logged out and the adapter holds
//! none.
//!
//! 128 cases with a fixed seed by default; `PROPTEST_CASES` and
//! `PROPTEST_RNG_SEED` explore more.

use std::collections::HashMap;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use portal_kiosk::card::demo::DemoCard;
use portal_kiosk::card::testcards::{TEST_CITIZENS, TestCitizen};
use portal_kiosk::card::{CardCertificates, Pin, SignError, Signed, Signer};
use portal_kiosk::config::Mode;
use portal_kiosk::i18n::Language;
use portal_kiosk::kiosk::ports::{CardLoginPort, EventSink, SessionPort};
use portal_kiosk::kiosk::{
    AttemptId, CardEvent, Command, Kiosk, KioskEvent, KioskSettings, LoginOutcome, SessionTimes,
    StaffOutcome,
};
use portal_kiosk::login::{CardLogin, CardSource, SessionTokens};
use portal_kiosk::portal::PortalClient;
use portal_kiosk::portal::types::{
    AuthCardRequest, AuthChallenge, AuthSession, CitizenSummary, MeDashboard, Problem,
};
use portal_kiosk::webeid::{self, AuthToken, TrustAnchors};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestError, TestRunner};

/// The first names the scripted backend greets the two cards' holders with:
/// card A is demo-jana's, card B demo-josef's (the first two demo citizens).
const NAMES: [&str; 2] = ["Jana", "Josef"];
const TEST_CA_PEM: &str = include_str!("../assets/test-pki/ca.pem");
/// How long nothing may happen before a step counts as settled.
const QUIET: Duration = Duration::from_millis(2);
/// A step that has not settled by then is a failure (a token nobody logs out,
/// a login that never answers).
const SETTLE_LIMIT: Duration = Duration::from_secs(5);

fn citizen(card: usize) -> &'static TestCitizen {
    &TEST_CITIZENS[card]
}

fn card_name(card: usize) -> char {
    ['A', 'B'][card]
}

// ------------------------------------------------------------------ the steps

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Card {
    A,
    B,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Which {
    Oldest,
    Newest,
    /// The n-th held answer (modulo how many are held).
    Nth(u8),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// A session token and the citizen's first name.
    Success,
    /// 401 problem: the backend refused the card token.
    Refused,
    /// 503 problem.
    Unavailable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// Only when the reader is empty (otherwise nothing happens).
    Insert(Card),
    Remove,
    /// Type the card's IOK (or a wrong one) and confirm.
    TypePin {
        right: bool,
    },
    Release(Which, Answer),
    /// Seconds pass, then the clock ticks.
    Wait(u64),
    /// "Odhlásit se".
    Logout,
    /// "Zrušit" on the login screen.
    Cancel,
    /// "Zkusit znovu" after a service error.
    Retry,
    /// `/me/*` answers 503 (true) or answers (false).
    MeFails(bool),
}

fn op() -> impl Strategy<Value = Op> {
    let card = prop_oneof![Just(Card::A), Just(Card::B)];
    let which = prop_oneof![
        2 => Just(Which::Oldest),
        2 => Just(Which::Newest),
        1 => any::<u8>().prop_map(Which::Nth),
    ];
    let answer = prop_oneof![
        4 => Just(Answer::Success),
        1 => Just(Answer::Refused),
        1 => Just(Answer::Unavailable),
    ];
    prop_oneof![
        8 => card.prop_map(Op::Insert),
        5 => Just(Op::Remove),
        8 => prop::bool::weighted(0.85).prop_map(|right| Op::TypePin { right }),
        8 => (which, answer).prop_map(|(w, a)| Op::Release(w, a)),
        // Under the idle timeout, past it (90 s), past the session's end (150 s).
        1 => prop_oneof![Just(1u64), Just(30), Just(95), Just(160)].prop_map(Op::Wait),
        1 => Just(Op::Logout),
        1 => Just(Op::Cancel),
        1 => Just(Op::Retry),
        1 => any::<bool>().prop_map(Op::MeFails),
    ]
}

// ------------------------------------------------------------ scripted backend

/// A `/auth/card` request the test has not answered yet.
struct Held {
    card: usize,
    reply: tokio::sync::oneshot::Sender<Answer>,
}

struct Issued {
    token: String,
    card: usize,
    logged_out: bool,
}

#[derive(Default)]
struct Script {
    /// The nonce of the last challenge (single use, one per kiosk).
    nonce: Option<String>,
    /// Held login answers, oldest first.
    held: Vec<Held>,
    /// Every session token issued, in order (a dashboard's `unpaid_count` is
    /// its index + 1).
    issued: Vec<Issued>,
    /// `/me/*` requests received.
    me_requests: usize,
    me_fails: bool,
    /// Anything that must never happen: a token that does not validate, a
    /// logout of an unknown token, an unexpected path.
    wrong: Vec<String>,
}

struct Backend {
    script: Mutex<Script>,
    origin: String,
    anchors: TrustAnchors,
    /// The cards' certificates as they appear in a Web eID token.
    certificates: [String; 2],
}

impl Backend {
    fn lock(&self) -> MutexGuard<'_, Script> {
        self.script.lock().unwrap_or_else(|p| p.into_inner())
    }
}

type Shared = State<Arc<Backend>>;

fn problem(status: StatusCode, title: &str) -> Response {
    let body = Problem {
        kind: "about:blank".into(),
        title: title.into(),
        status: status.as_u16(),
        detail: String::new(),
    };
    (
        status,
        [(header::CONTENT_TYPE, "application/problem+json")],
        serde_json::to_vec(&body).unwrap(),
    )
        .into_response()
}

async fn challenge(State(backend): Shared) -> Response {
    let nonce = webeid::new_nonce().unwrap();
    backend.lock().nonce = Some(nonce.clone());
    Json(AuthChallenge {
        nonce,
        expires_at: chrono::Utc::now() + chrono::Duration::minutes(5),
    })
    .into_response()
}

async fn card(State(backend): Shared, Json(request): Json<AuthCardRequest>) -> Response {
    let nonce = backend.lock().nonce.take();
    let json = serde_json::to_string(&request.token).unwrap();
    let valid = nonce.is_some_and(|nonce| {
        webeid::validate(
            &json,
            &backend.origin,
            &nonce,
            &backend.anchors,
            chrono::Utc::now().timestamp(),
        )
        .is_ok()
    });
    let card = backend
        .certificates
        .iter()
        .position(|c| *c == request.token.unverified_certificate);
    let (card, answer) = {
        let mut script = backend.lock();
        let Some(card) = card.filter(|_| valid) else {
            script
                .wrong
                .push("a card token that does not validate".into());
            return problem(StatusCode::UNAUTHORIZED, "Login refused");
        };
        let (reply, answer) = tokio::sync::oneshot::channel();
        script.held.push(Held { card, reply });
        (card, answer)
    };
    match answer.await {
        Ok(Answer::Success) => {
            let mut script = backend.lock();
            let token = format!("session-{}-{}", script.issued.len() + 1, card_name(card));
            script.issued.push(Issued {
                token: token.clone(),
                card,
                logged_out: false,
            });
            Json(AuthSession {
                session: token,
                expires_at: chrono::Utc::now() + chrono::Duration::minutes(15),
                citizen: CitizenSummary {
                    display_name: NAMES[card].into(),
                },
            })
            .into_response()
        }
        Ok(Answer::Refused) => problem(StatusCode::UNAUTHORIZED, "Login refused"),
        Ok(Answer::Unavailable) | Err(_) => {
            problem(StatusCode::SERVICE_UNAVAILABLE, "Try again later")
        }
    }
}

fn session_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-citizen-session")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

async fn logout(State(backend): Shared, headers: HeaderMap) -> Response {
    let session = session_of(&headers);
    let mut script = backend.lock();
    match script
        .issued
        .iter_mut()
        .find(|i| Some(&i.token) == session.as_ref())
    {
        Some(issued) => issued.logged_out = true,
        None => script.wrong.push("a logout of a token never issued".into()),
    }
    StatusCode::NO_CONTENT.into_response()
}

async fn dashboard(State(backend): Shared, headers: HeaderMap) -> Response {
    let session = session_of(&headers);
    let mut script = backend.lock();
    script.me_requests += 1;
    if script.me_fails {
        return problem(StatusCode::SERVICE_UNAVAILABLE, "Try again later");
    }
    let Some(serial) = script
        .issued
        .iter()
        .position(|i| !i.logged_out && Some(&i.token) == session.as_ref())
    else {
        return problem(StatusCode::UNAUTHORIZED, "Session ended");
    };
    Json(MeDashboard {
        // Names the session the data was served for.
        unpaid_count: serial as u32 + 1,
        unpaid_total_czk: "0.00".into(),
        overdue_count: 0,
        nearest_due_date: None,
        open_submissions: 0,
        notices: Vec::new(),
        next_election: None,
    })
    .into_response()
}

async fn unexpected(State(backend): Shared, uri: axum::http::Uri) -> Response {
    backend
        .lock()
        .wrong
        .push(format!("unexpected request {}", uri.path()));
    StatusCode::NOT_FOUND.into_response()
}

/// The scripted backend on 127.0.0.1:0; stops when dropped.
struct Server {
    backend: Arc<Backend>,
    url: String,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    fn start() -> Server {
        let listener = runtime()
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let certificate = |card: usize| {
            AuthToken::new(citizen(card).long_certificate, &[]).unverified_certificate
        };
        let backend = Arc::new(Backend {
            script: Mutex::new(Script::default()),
            origin: format!("http://{addr}"),
            anchors: TrustAnchors::from_pem(TEST_CA_PEM).unwrap(),
            certificates: [certificate(0), certificate(1)],
        });
        let app = axum::Router::new()
            .route("/kiosk/v1/auth/challenge", post(challenge))
            .route("/kiosk/v1/auth/card", post(card))
            .route("/kiosk/v1/auth/logout", post(logout))
            .route("/kiosk/v1/me/dashboard", get(dashboard))
            .fallback(unexpected)
            .with_state(backend.clone());
        let task = runtime().spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Server {
            backend,
            url: format!("http://{addr}/kiosk/v1/"),
            task,
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Held answers end as 503, so no adapter task waits forever.
        self.backend.lock().held.clear();
        self.task.abort();
    }
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    })
}

// ------------------------------------------------------------ the two cards

/// Signs with whichever of the two demo cards the request's certificate names,
/// as a PKCS#11 module with both tokens would.
struct TwoCards([DemoCard; 2]);

impl Signer for TwoCards {
    fn sign(
        &mut self,
        card: CardCertificates<'_>,
        pin: &Pin,
        digest: &[u8; 64],
    ) -> Result<Signed, SignError> {
        let demo = self
            .0
            .iter()
            .find(|d| d.citizen().short_certificate == card.short)
            .ok_or(SignError::NoToken)?;
        demo.signer().sign(card, pin, digest)
    }
}

// ------------------------------------------------------------ the kiosk

fn settings() -> KioskSettings {
    KioskSettings {
        mode: Mode::Kiosk,
        idle_timeout: Duration::from_secs(90),
        default_language: Language::Cs,
        languages: Language::ALL.to_vec(),
        session: SessionTimes::default(),
    }
}

/// What the cases reached (so a run that never races fails, too).
#[derive(Default, Debug)]
struct Seen {
    sessions_shown: usize,
    stale_sessions_ended: usize,
    tokens_issued: usize,
    dashboards_shown: usize,
}

impl Seen {
    fn add(&mut self, other: &Seen) {
        self.sessions_shown += other.sessions_shown;
        self.stale_sessions_ended += other.stale_sessions_ended;
        self.tokens_issued += other.tokens_issued;
        self.dashboards_shown += other.dashboards_shown;
    }
}

/// One case: the backend, the adapters, the core and a model of the reader.
struct World {
    server: Server,
    core: Kiosk,
    now: Duration,
    card: Box<dyn CardLoginPort>,
    session: Box<dyn SessionPort>,
    tokens: SessionTokens,
    events: mpsc::Receiver<KioskEvent>,
    sink: mpsc::Sender<KioskEvent>,
    cards: [DemoCard; 2],
    /// The card in the reader.
    reader: Option<usize>,
    /// Counts insertions: a session must come from this insertion's attempt.
    insertion: u64,
    /// Each login attempt: whose card, which insertion.
    attempts: HashMap<AttemptId, (usize, u64)>,
    /// The attempt whose result opened the session on screen.
    session_attempt: Option<AttemptId>,
    authenticates: usize,
    results: usize,
    fetches: usize,
    /// What happened, step by step (for the failure message).
    trace: Vec<String>,
    seen: Seen,
}

impl World {
    fn new() -> World {
        let server = Server::start();
        let cards = [DemoCard::new(citizen(0)), DemoCard::new(citizen(1))];
        let client = Arc::new(
            PortalClient::new(
                &server.url,
                "race-kiosk-token",
                None,
                Duration::from_secs(60),
            )
            .unwrap(),
        );
        let login = CardLogin::new(
            runtime().handle().clone(),
            client,
            Box::new(TwoCards(cards.clone())),
            CardSource::Off,
        )
        .unwrap();
        let tokens = login.tokens();
        let adapters = login.into_adapters();
        let (sink, events) = mpsc::channel();
        let to_test = |tx: mpsc::Sender<KioskEvent>| -> EventSink {
            Arc::new(move |event| {
                let _ = tx.send(event);
            })
        };
        let mut card = adapters.card.unwrap();
        card.connect(to_test(sink.clone()));
        let mut session = adapters.session.unwrap();
        session.connect(to_test(sink.clone()));
        let (core, _) = Kiosk::new(settings(), Duration::ZERO);
        World {
            server,
            core,
            now: Duration::ZERO,
            card,
            session,
            tokens,
            events,
            sink,
            cards,
            reader: None,
            insertion: 0,
            attempts: HashMap::new(),
            session_attempt: None,
            authenticates: 0,
            results: 0,
            fetches: 0,
            trace: Vec::new(),
            seen: Seen::default(),
        }
    }

    fn script(&self) -> MutexGuard<'_, Script> {
        self.server.backend.lock()
    }

    /// One event into the core at the current time; its commands through the
    /// adapters; then the screen checked.
    fn feed(&mut self, event: KioskEvent) -> Result<(), String> {
        let result_of = match &event {
            KioskEvent::LoginResult { attempt, outcome } => {
                self.results += 1;
                self.trace.push(format!(
                    "login result {} {}",
                    attempt.0,
                    match outcome {
                        LoginOutcome::LoggedIn { first_name } => first_name.as_str(),
                        LoginOutcome::WrongPin => "wrong PIN",
                        LoginOutcome::Blocked => "blocked",
                        LoginOutcome::Failed => "failed",
                    }
                ));
                Some(*attempt)
            }
            _ => None,
        };
        let had_session = self.core.has_session();
        let on_screen = self.session_attempt;
        let commands = self.core.handle(event, self.now);
        match (had_session, self.core.has_session()) {
            (false, true) => {
                let attempt =
                    result_of.ok_or("a session opened without a login result".to_string())?;
                self.session_attempt = Some(attempt);
                self.seen.sessions_shown += 1;
            }
            (_, false) => self.session_attempt = None,
            (true, true) => {}
        }
        self.run(commands, on_screen);
        self.check_screen()
    }

    /// The core's commands through the real adapters, as `src/ui/mod.rs` runs
    /// them; `on_screen` is the session shown before the event.
    fn run(&mut self, commands: Vec<Command>, on_screen: Option<AttemptId>) {
        for command in commands {
            match command {
                Command::ForgetUser => self.session.forget_user(),
                Command::Authenticate { attempt, request } => {
                    let card = self
                        .reader
                        .expect("a login starts with a card in the reader");
                    self.attempts.insert(attempt, (card, self.insertion));
                    self.authenticates += 1;
                    self.trace
                        .push(format!("attempt {} for {}", attempt.0, card_name(card)));
                    self.card.authenticate(attempt, request);
                }
                Command::RereadPin => {
                    // What `CardSource::Demo` does: the card's answer comes as an event.
                    if let Some(event) = self.reader.and_then(|c| self.cards[c].reread_pin()) {
                        let _ = self.sink.send(KioskEvent::Card(CardEvent::from(event)));
                    }
                }
                Command::EndSession(attempt) => {
                    if Some(attempt) != on_screen {
                        self.seen.stale_sessions_ended += 1;
                    }
                    self.trace.push(format!("end session {}", attempt.0));
                    self.session.end_session(attempt);
                }
                Command::Fetch {
                    id,
                    session,
                    request,
                } => {
                    self.fetches += 1;
                    self.session.request(id, session, request);
                }
                Command::StaffAuthenticate { attempt, .. } => {
                    let _ = self.sink.send(KioskEvent::StaffResult {
                        attempt,
                        outcome: StaffOutcome::Failed,
                    });
                }
                Command::ShowScreen(_)
                | Command::StartPromo
                | Command::StopPromo
                | Command::ApplyLanguage(_)
                | Command::Print { .. }
                | Command::Preview { .. }
                | Command::ShowSlipPicture
                | Command::ClearSlipPicture
                | Command::SyncNow
                | Command::Search { .. }
                | Command::Speak(_)
                | Command::StopSpeaking
                | Command::SetVolume(_)
                | Command::Blank(_) => {}
                // No phone login here (its races are in src/kiosk/phone_tests.rs).
                Command::PhoneLogin { .. } | Command::PhoneCancel(_) => {}
            }
        }
    }

    /// Whatever is on screen belongs to the card in the reader.
    fn check_screen(&mut self) -> Result<(), String> {
        let view = self.core.view();
        if let Some(session) = &view.session {
            let Some(card) = self.reader else {
                return Err(format!(
                    "{}'s session is on screen with the reader empty",
                    session.first_name
                ));
            };
            if session.first_name != NAMES[card] || session.staff {
                return Err(format!(
                    "{}'s session is on screen while card {} ({}) is in the reader",
                    session.first_name,
                    card_name(card),
                    NAMES[card]
                ));
            }
            let attempt = self.session_attempt.ok_or("a session without an attempt")?;
            let (owner, insertion) = self.attempts[&attempt];
            if (owner, insertion) != (card, self.insertion) {
                return Err(format!(
                    "the session on screen was opened by attempt {} of card {} (insertion {}), \
                     not by the card in the reader ({}, insertion {})",
                    attempt.0,
                    card_name(owner),
                    insertion,
                    card_name(card),
                    self.insertion
                ));
            }
        }
        if let Some(dashboard) = self.core.area().dashboard {
            self.seen.dashboards_shown += 1;
            let (Some(card), true) = (self.reader, view.session.is_some()) else {
                return Err("a nástěnka is on screen without a session".into());
            };
            let script = self.script();
            let Some(issued) = script.issued.get(dashboard.unpaid_count as usize - 1) else {
                return Err("a nástěnka of no session".into());
            };
            if issued.card != card || issued.logged_out {
                return Err(format!(
                    "the nástěnka on screen was served for {} (card {}{}) while card {} is in",
                    issued.token,
                    card_name(issued.card),
                    if issued.logged_out {
                        ", logged out"
                    } else {
                        ""
                    },
                    card_name(card)
                ));
            }
        }
        Ok(())
    }

    /// Feeds the adapters' events until nothing more can happen on its own:
    /// every login is either held at the backend or answered, every `/me`
    /// request reached the backend, every issued token is held by the adapter
    /// or logged out, and no event came for a moment.
    fn pump(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + SETTLE_LIMIT;
        let mut last_event = Instant::now();
        loop {
            if let Ok(event) = self.events.recv_timeout(Duration::from_millis(1)) {
                self.feed(event)?;
                while let Ok(event) = self.events.try_recv() {
                    self.feed(event)?;
                }
                last_event = Instant::now();
            }
            let (parked, me_requests, live) = {
                let script = self.script();
                let live = script.issued.iter().filter(|i| !i.logged_out).count();
                (script.held.len(), script.me_requests, live)
            };
            let logins = self.authenticates == self.results + parked;
            let fetches = me_requests >= self.fetches;
            let tokens = live == self.tokens.len();
            if logins && fetches && tokens && last_event.elapsed() >= QUIET {
                return Ok(());
            }
            if Instant::now() > deadline && logins && fetches && live > self.tokens.len() {
                return Err(format!(
                    "{} session token(s) the backend issued are neither held by the adapter \
                     nor logged out",
                    live - self.tokens.len()
                ));
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "did not settle: {} logins started, {} answered, {} held at the backend; \
                     {} fetches, {} reached the backend; {} tokens live at the backend, {} held \
                     by the adapter",
                    self.authenticates,
                    self.results,
                    parked,
                    self.fetches,
                    me_requests,
                    live,
                    self.tokens.len()
                ));
            }
        }
    }

    fn step(&mut self, op: Op) -> Result<(), String> {
        self.trace.push(format!("{op:?}"));
        match op {
            Op::Insert(card) => {
                if self.reader.is_some() {
                    return Ok(());
                }
                let card = card as usize;
                self.reader = Some(card);
                self.insertion += 1;
                for event in self.cards[card].set_inserted(true) {
                    self.feed(KioskEvent::Card(CardEvent::from(event)))?;
                }
            }
            Op::Remove => {
                let Some(card) = self.reader.take() else {
                    return Ok(());
                };
                for event in self.cards[card].set_inserted(false) {
                    self.feed(KioskEvent::Card(CardEvent::from(event)))?;
                }
            }
            Op::TypePin { right } => {
                let pin = match self.reader {
                    Some(card) if right => citizen(card).pin,
                    Some(card) if citizen(card).pin == "0000" => "9999",
                    _ => "0000",
                };
                for digit in pin.bytes() {
                    self.feed(KioskEvent::PinDigit(digit - b'0'))?;
                }
                self.feed(KioskEvent::PinConfirm)?;
            }
            Op::Release(which, answer) => {
                let mut script = self.script();
                let n = script.held.len();
                if n == 0 {
                    return Ok(());
                }
                let index = match which {
                    Which::Oldest => 0,
                    Which::Newest => n - 1,
                    Which::Nth(i) => i as usize % n,
                };
                let held = script.held.remove(index);
                drop(script);
                self.trace.push(format!(
                    "released card {}'s login as {answer:?}",
                    card_name(held.card)
                ));
                let _ = held.reply.send(answer);
            }
            Op::Wait(seconds) => {
                self.now += Duration::from_secs(seconds);
                self.feed(KioskEvent::Tick)?;
            }
            Op::Logout => self.feed(KioskEvent::Logout)?,
            Op::Cancel => self.feed(KioskEvent::LoginCancel)?,
            Op::Retry => self.feed(KioskEvent::LoginRetry)?,
            Op::MeFails(fails) => self.script().me_fails = fails,
        }
        self.pump()?;
        self.check_held_tokens()
    }

    /// Settled: the adapter holds a token only for the session on screen (every
    /// stale one is logged out, `pump` waited for that).
    fn check_held_tokens(&self) -> Result<(), String> {
        let expected = usize::from(self.core.has_session());
        if self.tokens.len() != expected {
            return Err(format!(
                "the adapter holds {} session tokens with {} session on screen",
                self.tokens.len(),
                expected
            ));
        }
        Ok(())
    }

    /// Every held answer released as a success, the card pulled: nothing is left.
    fn finish(&mut self) -> Result<(), String> {
        while !self.script().held.is_empty() {
            self.step(Op::Release(Which::Oldest, Answer::Success))?;
        }
        self.step(Op::Remove)?;
        self.pump()?;
        if self.core.has_session() {
            return Err("a session is on screen after the card was pulled".into());
        }
        if !self.tokens.is_empty() {
            return Err(format!(
                "the adapter still holds {} session tokens",
                self.tokens.len()
            ));
        }
        let script = self.script();
        if let Some(issued) = script.issued.iter().find(|i| !i.logged_out) {
            return Err(format!("{} was never logged out", issued.token));
        }
        if let Some(wrong) = script.wrong.first() {
            return Err(format!("the backend saw {wrong}"));
        }
        let issued = script.issued.len();
        drop(script);
        self.seen.tokens_issued += issued;
        Ok(())
    }
}

/// Plays one case; what it reached, or what went wrong and the steps before.
fn play(ops: &[Op]) -> Result<Seen, String> {
    let mut world = World::new();
    let outcome = ops
        .iter()
        .try_for_each(|&op| world.step(op))
        .and_then(|()| world.finish());
    match outcome {
        Ok(()) => Ok(std::mem::take(&mut world.seen)),
        Err(e) => {
            let from = world.trace.len().saturating_sub(40);
            Err(format!("{e}\n  trace: {}", world.trace[from..].join(" → ")))
        }
    }
}

// ------------------------------------------------------------ the tests

#[test]
fn a_session_on_screen_always_belongs_to_the_card_in_the_reader() {
    let started = Instant::now();
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 128;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(0x4c69_746f_6d65);
    }
    config.failure_persistence = None;
    let cases = config.cases;
    let seen = Mutex::new(Seen::default());
    let mut runner = TestRunner::new(config);
    let result = runner.run(&prop::collection::vec(op(), 1..=30), |ops| {
        let case = play(&ops).map_err(TestCaseError::fail)?;
        seen.lock().unwrap().add(&case);
        Ok(())
    });
    match result {
        Ok(()) => {}
        Err(TestError::Fail(reason, ops)) => {
            panic!("counterexample (shrunk): {ops:#?}\n{reason}")
        }
        Err(e) => panic!("{e}"),
    }
    let seen = seen.into_inner().unwrap();
    eprintln!(
        "login_race: {cases} cases in {:.1} s; {seen:?}",
        started.elapsed().as_secs_f64()
    );
    // The cases reached the races they are about.
    assert!(seen.sessions_shown > cases as usize / 4, "{seen:?}");
    assert!(seen.stale_sessions_ended > cases as usize / 8, "{seen:?}");
    assert!(seen.dashboards_shown > 0, "{seen:?}");
}

/// The scenario, step by step: A is pulled while its `/auth/card` is
/// slow, B goes in and verifies, A's success arrives first — it is logged out,
/// never shown — then B's own opens B's session.
#[test]
fn a_late_login_of_a_pulled_card_is_logged_out_and_never_shown() {
    use Op::*;
    let mut world = World::new();
    for op in [
        Insert(Card::A),
        TypePin { right: true },
        Remove,
        Insert(Card::B),
        TypePin { right: true },
    ] {
        world.step(op).unwrap();
    }
    assert_eq!(world.script().held.len(), 2, "both logins are held");
    world.step(Release(Which::Oldest, Answer::Success)).unwrap();
    assert!(!world.core.has_session(), "A's session must not open for B");
    assert!(
        world.script().issued[0].logged_out,
        "A's late session is logged out at the backend"
    );
    world.step(Release(Which::Oldest, Answer::Success)).unwrap();
    assert_eq!(world.core.view().session.unwrap().first_name, "Josef");
    world.finish().unwrap();
}
