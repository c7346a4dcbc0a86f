//! The login and session adapters. [`CardLogin`] carries out the core's
//! `Authenticate` and `RereadPin`: challenge from the backend → the card signs
//! SHA-512(SHA-512(origin) ‖ SHA-512(nonce)) through the signer → Web eID token →
//! `POST /auth/card` → a session token. [`SessionData`] makes a session's requests
//! (`Fetch`) and ends it (`EndSession`). Tokens are held in memory only, each under
//! the [`AttemptId`] that opened it, and wiped on logout. Results go back to the
//! core through its [`EventSink`]; nothing blocks the UI thread, and nothing here
//! knows the UI.
//!
//! Logs say what happened, never who: no names, numbers, certificates or PINs.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use zeroize::Zeroizing;

use crate::card::{CardCertificates, ReaderEvent, ReaderMonitor, SignError, Signer};
use crate::citizen::{CitizenRequest, CitizenResult};
use crate::kiosk::ports::{
    AttemptId, CardLoginPort, DemoCardControl, EventSink, PhoneLoginPort, SessionPort,
    StaffLoginPort,
};
use crate::kiosk::{CardEvent, KioskEvent, LoginOutcome, LoginRequest};
use crate::portal::client::{PortalClient, PortalError};
use crate::portal::types::AuthCardRequest;
use crate::webeid::{AuthToken, signed_digest};

/// Where card events come from.
pub enum CardSource {
    /// The PC/SC reader whose name contains this pattern.
    Pcsc { pattern: String },
    /// No reader (a counter without one): only staff logins.
    Off,
    /// The demo's simulated card (in-process).
    #[cfg(feature = "devtools")]
    Demo(crate::card::demo::DemoCard),
}

/// Whose session a token opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Citizen,
    Staff,
}

/// A session's kind and its token.
type Held = (SessionKind, Zeroizing<String>);

/// The backend sessions' tokens, each under the attempt that opened it.
#[derive(Clone, Default)]
pub struct SessionTokens(Arc<Mutex<HashMap<AttemptId, Held>>>);

impl SessionTokens {
    pub fn put(&self, attempt: AttemptId, kind: SessionKind, token: String) {
        if let Ok(mut map) = self.0.lock() {
            map.insert(attempt, (kind, Zeroizing::new(token)));
        }
    }

    fn get(&self, attempt: AttemptId) -> Option<(SessionKind, Zeroizing<String>)> {
        let map = self.0.lock().ok()?;
        map.get(&attempt)
            .map(|(kind, token)| (*kind, Zeroizing::new(token.to_string())))
    }

    fn take(&self, attempt: AttemptId) -> Option<(SessionKind, Zeroizing<String>)> {
        self.0.lock().ok()?.remove(&attempt)
    }

    /// How many sessions are held (tests: every stale one must be gone).
    pub fn len(&self) -> usize {
        self.0.lock().map_or(0, |m| m.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The core's ports for a kiosk's logins and sessions.
pub struct Adapters {
    pub card: Option<Box<dyn CardLoginPort>>,
    pub staff: Option<Box<dyn StaffLoginPort>>,
    pub session: Option<Box<dyn SessionPort>>,
    /// The phone login (RFC 8628); its sessions are in the same tokens as the
    /// card login's, so `session` serves both.
    pub phone: Option<Box<dyn PhoneLoginPort>>,
}

impl Adapters {
    /// No reader, no staff, no backend session (signage, screenshots).
    pub fn none() -> Adapters {
        Adapters {
            card: None,
            staff: None,
            session: None,
            phone: None,
        }
    }

    /// The same adapters with a phone login (built on the card login's
    /// tokens: `CardLogin::tokens`).
    pub fn with_phone(mut self, phone: crate::phone_login::PhoneLogin) -> Adapters {
        self.phone = Some(Box::new(phone));
        self
    }
}

pub struct CardLogin {
    runtime: tokio::runtime::Handle,
    client: Arc<PortalClient>,
    origin: String,
    signer: Arc<Mutex<Box<dyn Signer>>>,
    tokens: SessionTokens,
    source: CardSource,
    monitor: Option<ReaderMonitor>,
    events: Option<EventSink>,
    observer: Option<ReaderObserver>,
    /// Counter mode: the kiosk's staff login lockout (the backend checks PINs).
    staff: Option<Arc<crate::staff::StaffLockout>>,
}

/// Sees every reader event as it arrives on the reader thread (metrics, benchmarks).
pub type ReaderObserver = Arc<dyn Fn(&ReaderEvent) + Send + Sync>;

impl CardLogin {
    pub fn new(
        runtime: tokio::runtime::Handle,
        client: Arc<PortalClient>,
        signer: Box<dyn Signer>,
        source: CardSource,
    ) -> Result<CardLogin, String> {
        let origin = crate::webeid::origin_of(client.base_url())
            .ok_or_else(|| format!("no origin in the backend URL {}", client.base_url()))?;
        Ok(CardLogin {
            runtime,
            client,
            origin,
            signer: Arc::new(Mutex::new(signer)),
            tokens: SessionTokens::default(),
            source,
            monitor: None,
            events: None,
            observer: None,
            staff: None,
        })
    }

    /// Counter mode: staff log in with their PIN, which the backend checks
    /// (`/staff/login`), behind the kiosk's own `lockout`.
    pub fn with_staff(mut self, lockout: crate::staff::StaffLockout) -> CardLogin {
        self.staff = Some(Arc::new(lockout));
        self
    }

    /// Sets a function that sees every reader event first (before `connect`).
    pub fn observe_reader(&mut self, observer: ReaderObserver) {
        self.observer = Some(observer);
    }

    /// The backend sessions held (for tests).
    pub fn tokens(&self) -> SessionTokens {
        self.tokens.clone()
    }

    /// Splits into the core's three ports: the card login, the staff login (with
    /// `with_staff`) and the sessions' requests; they share the session tokens.
    pub fn into_adapters(self) -> Adapters {
        let session = SessionData::new(
            self.runtime.clone(),
            self.client.clone(),
            self.tokens.clone(),
        );
        let staff = self.staff.clone().map(|lockout| {
            Box::new(crate::staff::StaffLogin::new(
                self.runtime.clone(),
                self.client.clone(),
                lockout,
                self.tokens.clone(),
            )) as Box<dyn StaffLoginPort>
        });
        Adapters {
            card: Some(Box::new(self)),
            staff,
            session: Some(Box::new(session)),
            phone: None,
        }
    }
}

fn send_card(events: &EventSink, event: ReaderEvent) {
    events(KioskEvent::Card(CardEvent::from(event)));
}

impl From<ReaderEvent> for CardEvent {
    fn from(event: ReaderEvent) -> CardEvent {
        use ReaderEvent as R;
        match event {
            R::Ready => CardEvent::Ready,
            R::Unavailable(_) => CardEvent::Unavailable,
            R::Reading => CardEvent::Reading,
            R::Card(kind) => CardEvent::Read(kind),
            R::Mute | R::ReadFailed => CardEvent::Unreadable,
            R::Removed => CardEvent::Removed,
            R::Pin(state) => CardEvent::Pin(state),
        }
    }
}

impl CardLoginPort for CardLogin {
    fn connect(&mut self, events: EventSink) {
        if let CardSource::Pcsc { pattern } = &self.source {
            let sink = events.clone();
            let observer = self.observer.clone();
            match ReaderMonitor::start(pattern, move |event| {
                if let Some(observe) = &observer {
                    observe(&event);
                }
                tracing::info!(event = reader_event_name(&event), "card reader");
                send_card(&sink, event);
            }) {
                Ok(monitor) => self.monitor = Some(monitor),
                Err(e) => {
                    tracing::error!(error = %e, "cannot start the card reader thread");
                    send_card(
                        &events,
                        ReaderEvent::Unavailable(crate::card::ReaderProblem::NoService),
                    );
                }
            }
        }
        self.events = Some(events);
    }

    fn authenticate(&self, attempt: AttemptId, request: LoginRequest) {
        let Some(events) = self.events.clone() else {
            return;
        };
        let client = self.client.clone();
        let signer = self.signer.clone();
        let tokens = self.tokens.clone();
        let origin = self.origin.clone();
        self.runtime.spawn(async move {
            let outcome = login(&client, &signer, &origin, request).await;
            let outcome = match outcome {
                Ok((first_name, token)) => {
                    // Held under its attempt: the core decides whether it is shown
                    // (a stale one is ended with `EndSession(attempt)`).
                    tokens.put(attempt, SessionKind::Citizen, token);
                    LoginOutcome::LoggedIn { first_name }
                }
                Err(outcome) => outcome,
            };
            events(KioskEvent::LoginResult { attempt, outcome });
        });
    }

    fn reread_pin(&self) {
        match &self.source {
            CardSource::Off => {}
            CardSource::Pcsc { .. } => {
                if let Some(monitor) = &self.monitor {
                    monitor.reread_pin();
                }
            }
            #[cfg(feature = "devtools")]
            CardSource::Demo(card) => {
                if let (Some(events), Some(event)) = (&self.events, card.reread_pin()) {
                    send_card(events, event);
                }
            }
        }
    }

    fn has_reader(&self) -> bool {
        !matches!(self.source, CardSource::Off)
    }

    fn demo_card(&self) -> Option<&dyn DemoCardControl> {
        match &self.source {
            #[cfg(feature = "devtools")]
            CardSource::Demo(_) => Some(self),
            CardSource::Pcsc { .. } | CardSource::Off => None,
        }
    }
}

#[cfg(feature = "devtools")]
impl DemoCardControl for CardLogin {
    fn set_inserted(&self, inserted: bool) {
        if let (CardSource::Demo(card), Some(events)) = (&self.source, &self.events) {
            for event in card.set_inserted(inserted) {
                send_card(events, event);
            }
        }
    }

    fn is_inserted(&self) -> bool {
        match &self.source {
            CardSource::Demo(card) => card.is_inserted(),
            CardSource::Pcsc { .. } | CardSource::Off => false,
        }
    }
}

#[cfg(not(feature = "devtools"))]
impl DemoCardControl for CardLogin {
    fn set_inserted(&self, _inserted: bool) {}
    fn is_inserted(&self) -> bool {
        false
    }
}

fn reader_event_name(event: &ReaderEvent) -> &'static str {
    match event {
        ReaderEvent::Ready => "ready",
        ReaderEvent::Unavailable(crate::card::ReaderProblem::NoService) => "pcscd-down",
        ReaderEvent::Unavailable(crate::card::ReaderProblem::NoReader) => "no-reader",
        ReaderEvent::Reading => "reading",
        ReaderEvent::Card(crate::card::CardKind::EObcanka(_)) => "eobcanka",
        ReaderEvent::Card(crate::card::CardKind::NotEObcanka) => "not-eobcanka",
        ReaderEvent::Mute => "mute",
        ReaderEvent::ReadFailed => "read-failed",
        ReaderEvent::Removed => "removed",
        ReaderEvent::Pin(_) => "pin-state",
    }
}

/// A session's requests to the backend (citizen or staff), and its end.
pub struct SessionData {
    runtime: tokio::runtime::Handle,
    client: Arc<PortalClient>,
    tokens: SessionTokens,
    events: Option<EventSink>,
    /// Bumped whenever the user is forgotten: answers for an older user are dropped.
    generation: Arc<AtomicU64>,
}

impl SessionData {
    pub fn new(
        runtime: tokio::runtime::Handle,
        client: Arc<PortalClient>,
        tokens: SessionTokens,
    ) -> SessionData {
        SessionData {
            runtime,
            client,
            tokens,
            events: None,
            generation: Arc::new(AtomicU64::new(0)),
        }
    }
}

impl SessionPort for SessionData {
    fn connect(&mut self, events: EventSink) {
        self.events = Some(events);
    }

    fn request(&self, id: AttemptId, session: AttemptId, request: CitizenRequest) {
        let Some(events) = self.events.clone() else {
            return;
        };
        let token = self.tokens.get(session);
        let generation = self.generation.clone();
        let current = generation.load(Ordering::SeqCst);
        let client = self.client.clone();
        self.runtime.spawn(async move {
            let result = match token {
                Some((SessionKind::Staff, token)) => staff_call(&client, &token, request).await,
                Some((SessionKind::Citizen, token)) => citizen_call(&client, &token, request).await,
                None => CitizenResult::Failed {
                    request,
                    session_ended: true,
                    refused: false,
                },
            };
            // The person left meanwhile: their data must not reach the screen.
            if generation.load(Ordering::SeqCst) == current {
                events(KioskEvent::Data { id, result });
            }
        });
    }

    fn end_session(&self, session: AttemptId) {
        let Some((kind, token)) = self.tokens.take(session) else {
            return;
        };
        let client = self.client.clone();
        self.runtime.spawn(async move {
            let ended = match kind {
                SessionKind::Staff => client.staff_logout(&token).await,
                SessionKind::Citizen => client.auth_logout(&token).await,
            };
            match ended {
                Ok(()) => tracing::info!(?kind, "session ended"),
                Err(e) => {
                    tracing::warn!(?kind, error = %e, "logout at the backend failed; the session expires there")
                }
            }
        });
    }

    fn forget_user(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }
}

/// Counter: the requests a staff session may make (a payer's obligations by
/// variable symbol, a payment intent and its state); anything else is refused.
async fn staff_call(client: &PortalClient, token: &str, request: CitizenRequest) -> CitizenResult {
    let result = match &request {
        CitizenRequest::Lookup(vs) => {
            client
                .staff_lookup(token, vs)
                .await
                .map(|found| CitizenResult::Lookup {
                    vs: vs.clone(),
                    found,
                })
        }
        CitizenRequest::CreatePayment(ids) => client
            .staff_payment(token, ids)
            .await
            .map(CitizenResult::Payment),
        CitizenRequest::PaymentState(id) => client
            .staff_payment_state(token, id)
            .await
            .map(CitizenResult::Payment),
        _ => {
            return CitizenResult::Failed {
                request,
                session_ended: false,
                refused: true,
            };
        }
    };
    result.unwrap_or_else(|e| failed(request, &e))
}

fn failed(request: CitizenRequest, e: &PortalError) -> CitizenResult {
    tracing::warn!(error = %e, "citizen or staff data request failed");
    CitizenResult::Failed {
        session_ended: e.is_session_ended(),
        refused: matches!(
            e,
            PortalError::Status {
                status: 400..=499,
                ..
            }
        ),
        request,
    }
}

async fn citizen_call(
    client: &PortalClient,
    token: &str,
    request: CitizenRequest,
) -> CitizenResult {
    let result = match &request {
        CitizenRequest::Dashboard => client
            .me_dashboard(token)
            .await
            .map(CitizenResult::Dashboard),
        CitizenRequest::Obligations => client
            .me_obligations(token)
            .await
            .map(|l| CitizenResult::Obligations(l.obligations)),
        CitizenRequest::Submissions => client
            .me_submissions(token)
            .await
            .map(CitizenResult::Submissions),
        CitizenRequest::Watchdog => client.me_watchdog(token).await.map(CitizenResult::Watchdog),
        CitizenRequest::SaveWatchdog(w) => client
            .put_me_watchdog(token, w)
            .await
            .map(|()| CitizenResult::WatchdogSaved(w.clone())),
        CitizenRequest::CreatePayment(ids) => client
            .create_payment(token, ids)
            .await
            .map(CitizenResult::Payment),
        CitizenRequest::PaymentState(id) => {
            client.payment(token, id).await.map(CitizenResult::Payment)
        }
        // The counter's lookup is not a citizen's to make.
        CitizenRequest::Lookup(_) => {
            return CitizenResult::Failed {
                request,
                session_ended: false,
                refused: true,
            };
        }
    };
    result.unwrap_or_else(|e| failed(request, &e))
}

/// One login attempt, start to end: the citizen's name and the session token, or
/// how it failed.
pub async fn login(
    client: &PortalClient,
    signer: &Arc<Mutex<Box<dyn Signer>>>,
    origin: &str,
    request: LoginRequest,
) -> Result<(String, String), LoginOutcome> {
    let challenge = match client.auth_challenge().await {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "login: no challenge from the backend");
            return Err(LoginOutcome::Failed);
        }
    };
    let digest = signed_digest(origin, &challenge.nonce);
    let signer = signer.clone();
    let signed = tokio::task::spawn_blocking(move || {
        let certificates = CardCertificates {
            short: &request.short_certificate,
            long: request.long_certificate.as_deref(),
        };
        let mut signer = signer.lock().unwrap_or_else(|p| p.into_inner());
        // `request` (with the PIN) is dropped — and wiped — when this closure ends.
        signer.sign(certificates, &request.pin, &digest)
    })
    .await;
    let signed = match signed {
        Ok(Ok(signed)) => signed,
        Ok(Err(SignError::WrongPin)) => {
            tracing::info!("login: wrong PIN");
            return Err(LoginOutcome::WrongPin);
        }
        Ok(Err(SignError::Blocked)) => {
            tracing::info!("login: PIN blocked");
            return Err(LoginOutcome::Blocked);
        }
        Ok(Err(e)) => {
            tracing::error!(error = %e, "login: signing failed");
            return Err(LoginOutcome::Failed);
        }
        Err(_) => {
            tracing::error!("login: the signing task failed");
            return Err(LoginOutcome::Failed);
        }
    };
    let body = AuthCardRequest {
        token: AuthToken::new(&signed.certificate, &signed.signature),
    };
    match client.auth_card(&body).await {
        Ok(auth) => {
            tracing::info!("login: citizen logged in");
            Ok((auth.citizen.display_name, auth.session))
        }
        Err(PortalError::Status { status, .. }) => {
            tracing::warn!(status, "login: the backend refused the card token");
            Err(LoginOutcome::Failed)
        }
        Err(e) => {
            tracing::warn!(error = %e, "login: backend unreachable");
            Err(LoginOutcome::Failed)
        }
    }
}
