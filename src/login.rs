//! The login adapter: carries out the core's `Authenticate`, `RereadPin` and
//! `EndSession` commands. A login is: challenge from the backend → the card signs
//! SHA-512(SHA-512(origin) ‖ SHA-512(nonce)) through the signer → Web eID token →
//! `POST /auth/card` → a session token, held here in memory only and wiped on
//! logout. Results go back to the UI thread as [`UiUpdate`]s; nothing blocks it.
//!
//! Logs say what happened, never who: no names, numbers, certificates or PINs.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use zeroize::Zeroizing;

use crate::card::{CardCertificates, ReaderEvent, ReaderMonitor, SignError, Signer};
use crate::citizen::{CitizenRequest, CitizenResult};
use crate::kiosk::{CardEvent, LoginOutcome, LoginRequest, StaffOutcome, StaffPin};
use crate::portal::client::{PortalClient, PortalError};
use crate::portal::types::AuthCardRequest;
use crate::ui::{DemoCardControl, LoginBackend, UiUpdate, UiUpdates};
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

pub struct CardLogin {
    runtime: tokio::runtime::Handle,
    client: Arc<PortalClient>,
    origin: String,
    signer: Arc<Mutex<Box<dyn Signer>>>,
    session: Arc<Mutex<Option<Zeroizing<String>>>>,
    source: CardSource,
    monitor: Option<ReaderMonitor>,
    updates: Option<UiUpdates>,
    observer: Option<ReaderObserver>,
    /// Bumped at every end of a session: answers for an older one are dropped.
    generation: Arc<AtomicU64>,
    /// Counter mode: the staff PINs and the staff session's token.
    staff: Option<Arc<crate::staff::StaffPins>>,
    staff_session: Arc<Mutex<Option<Zeroizing<String>>>>,
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
            session: Arc::new(Mutex::new(None)),
            source,
            monitor: None,
            updates: None,
            observer: None,
            generation: Arc::new(AtomicU64::new(0)),
            staff: None,
            staff_session: Arc::new(Mutex::new(None)),
        })
    }

    /// Counter mode: staff log in with these PINs (checked here, on a blocking
    /// task) and the backend's `/staff/login`.
    pub fn with_staff(mut self, pins: crate::staff::StaffPins) -> CardLogin {
        self.staff = Some(Arc::new(pins));
        self
    }

    /// Sets a function that sees every reader event first (before `connect`).
    pub fn observe_reader(&mut self, observer: ReaderObserver) {
        self.observer = Some(observer);
    }

    /// Whether a backend session is held (for tests).
    pub fn has_session(&self) -> bool {
        self.session.lock().is_ok_and(|s| s.is_some())
    }
}

fn send_card(updates: &UiUpdates, event: ReaderEvent) {
    updates.send(UiUpdate::Card(CardEvent::from(event)));
}

impl LoginBackend for CardLogin {
    fn connect(&mut self, updates: UiUpdates) {
        if let CardSource::Pcsc { pattern } = &self.source {
            let sink = updates.clone();
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
                        &updates,
                        ReaderEvent::Unavailable(crate::card::ReaderProblem::NoService),
                    );
                }
            }
        }
        self.updates = Some(updates);
    }

    fn authenticate(&self, request: LoginRequest) {
        let Some(updates) = self.updates.clone() else {
            return;
        };
        let client = self.client.clone();
        let signer = self.signer.clone();
        let session = self.session.clone();
        let origin = self.origin.clone();
        self.runtime.spawn(async move {
            let outcome = login(&client, &signer, &session, &origin, request).await;
            updates.send(UiUpdate::LoginResult(outcome));
        });
    }

    fn staff_authenticate(&self, pin: StaffPin) {
        let Some(updates) = self.updates.clone() else {
            return;
        };
        let Some(pins) = self.staff.clone() else {
            tracing::error!("staff login: no [[staff]] PINs configured");
            updates.send(UiUpdate::StaffResult(StaffOutcome::Failed));
            return;
        };
        let client = self.client.clone();
        let session = self.staff_session.clone();
        self.runtime.spawn(async move {
            let outcome = staff_login(&client, pins, &session, pin).await;
            updates.send(UiUpdate::StaffResult(outcome));
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
                if let (Some(updates), Some(event)) = (&self.updates, card.reread_pin()) {
                    send_card(updates, event);
                }
            }
        }
    }

    fn citizen(&self, request: CitizenRequest) {
        let Some(updates) = self.updates.clone() else {
            return;
        };
        let token_of = |slot: &Arc<Mutex<Option<Zeroizing<String>>>>| {
            slot.lock()
                .ok()
                .and_then(|s| s.as_ref().map(|t| Zeroizing::new(t.to_string())))
        };
        let staff_token = token_of(&self.staff_session);
        let token = token_of(&self.session);
        let generation = self.generation.clone();
        let current = generation.load(Ordering::SeqCst);
        let client = self.client.clone();
        self.runtime.spawn(async move {
            let result = match (staff_token, token) {
                (Some(token), _) => staff_call(&client, &token, request).await,
                (None, Some(token)) => citizen_call(&client, &token, request).await,
                (None, None) => CitizenResult::Failed {
                    request,
                    session_ended: true,
                    refused: false,
                },
            };
            // The citizen left meanwhile: their data must not reach the screen.
            if generation.load(Ordering::SeqCst) == current {
                updates.send(UiUpdate::Citizen(result));
            }
        });
    }

    fn end_session(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        if let Some(token) = self.staff_session.lock().ok().and_then(|mut s| s.take()) {
            let client = self.client.clone();
            self.runtime.spawn(async move {
                match client.staff_logout(&token).await {
                    Ok(()) => tracing::info!("staff session ended"),
                    Err(e) => tracing::warn!(error = %e, "staff logout at the backend failed; the session expires there"),
                }
            });
        }
        let token = self.session.lock().ok().and_then(|mut s| s.take());
        let Some(token) = token else {
            return;
        };
        let client = self.client.clone();
        self.runtime.spawn(async move {
            match client.auth_logout(&token).await {
                Ok(()) => tracing::info!("citizen session ended"),
                Err(e) => tracing::warn!(error = %e, "logout at the backend failed; the session expires there"),
            }
        });
    }

    fn has_reader(&self) -> bool {
        !matches!(self.source, CardSource::Off)
    }

    fn has_staff(&self) -> bool {
        self.staff.is_some()
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
        if let (CardSource::Demo(card), Some(updates)) = (&self.source, &self.updates) {
            for event in card.set_inserted(inserted) {
                send_card(updates, event);
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

/// Counter: the staff PIN checked against the credentials' hashes (slow on
/// purpose: on a blocking task), then a staff session from the backend.
async fn staff_login(
    client: &PortalClient,
    pins: Arc<crate::staff::StaffPins>,
    session: &Arc<Mutex<Option<Zeroizing<String>>>>,
    pin: StaffPin,
) -> StaffOutcome {
    use crate::staff::StaffVerdict;
    let verdict = tokio::task::spawn_blocking(move || pins.verify(&pin.0)).await;
    let member = match verdict {
        Ok(StaffVerdict::Staff(member)) => member,
        Ok(StaffVerdict::Wrong { attempts_left }) => {
            tracing::info!(attempts_left, "staff login: wrong PIN");
            return StaffOutcome::Wrong { attempts_left };
        }
        Ok(StaffVerdict::Locked { seconds_left }) => {
            tracing::warn!(seconds_left, "staff login: locked after wrong PINs");
            return StaffOutcome::Locked { seconds_left };
        }
        Err(_) => {
            tracing::error!("staff login: the PIN check failed");
            return StaffOutcome::Failed;
        }
    };
    match client.staff_login(&member.name).await {
        Ok(opened) => {
            if let Ok(mut s) = session.lock() {
                *s = Some(Zeroizing::new(opened.session));
            }
            tracing::info!("staff login: staff session opened");
            StaffOutcome::LoggedIn { name: opened.name }
        }
        Err(e) => {
            tracing::warn!(error = %e, "staff login: the backend refused or is unreachable");
            StaffOutcome::Failed
        }
    }
}

/// Counter: the requests a staff session may make (a payer's obligations by
/// variable symbol, a payment intent and its state); anything else is refused.
async fn staff_call(client: &PortalClient, token: &str, request: CitizenRequest) -> CitizenResult {
    let result = match &request {
        CitizenRequest::Lookup(vs) => {
            client
                .staff_obligations(token, vs)
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

/// One login attempt, start to end.
pub async fn login(
    client: &PortalClient,
    signer: &Arc<Mutex<Box<dyn Signer>>>,
    session: &Arc<Mutex<Option<Zeroizing<String>>>>,
    origin: &str,
    request: LoginRequest,
) -> LoginOutcome {
    let challenge = match client.auth_challenge().await {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "login: no challenge from the backend");
            return LoginOutcome::Failed;
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
            return LoginOutcome::WrongPin;
        }
        Ok(Err(SignError::Blocked)) => {
            tracing::info!("login: PIN blocked");
            return LoginOutcome::Blocked;
        }
        Ok(Err(e)) => {
            tracing::error!(error = %e, "login: signing failed");
            return LoginOutcome::Failed;
        }
        Err(_) => {
            tracing::error!("login: the signing task failed");
            return LoginOutcome::Failed;
        }
    };
    let body = AuthCardRequest {
        token: AuthToken::new(&signed.certificate, &signed.signature),
    };
    match client.auth_card(&body).await {
        Ok(auth) => {
            if let Ok(mut s) = session.lock() {
                *s = Some(Zeroizing::new(auth.session));
            }
            tracing::info!("login: citizen logged in");
            LoginOutcome::LoggedIn {
                first_name: auth.citizen.display_name,
            }
        }
        Err(PortalError::Status { status, .. }) => {
            tracing::warn!(status, "login: the backend refused the card token");
            LoginOutcome::Failed
        }
        Err(e) => {
            tracing::warn!(error = %e, "login: backend unreachable");
            LoginOutcome::Failed
        }
    }
}
