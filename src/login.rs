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
use crate::kiosk::{CardEvent, LoginOutcome, LoginRequest};
use crate::portal::client::{PortalClient, PortalError};
use crate::portal::types::AuthCardRequest;
use crate::ui::{DemoCardControl, LoginBackend, UiUpdate, UiUpdates};
use crate::webeid::{AuthToken, signed_digest};

/// Where card events come from.
pub enum CardSource {
    /// The PC/SC reader whose name contains this pattern.
    Pcsc { pattern: String },
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
        })
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

    fn reread_pin(&self) {
        match &self.source {
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
        let token = self
            .session
            .lock()
            .ok()
            .and_then(|s| s.as_ref().map(|t| Zeroizing::new(t.to_string())));
        let generation = self.generation.clone();
        let current = generation.load(Ordering::SeqCst);
        let client = self.client.clone();
        self.runtime.spawn(async move {
            let result = match token {
                Some(token) => citizen_call(&client, &token, request).await,
                None => CitizenResult::Failed {
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

    fn demo_card(&self) -> Option<&dyn DemoCardControl> {
        match &self.source {
            #[cfg(feature = "devtools")]
            CardSource::Demo(_) => Some(self),
            CardSource::Pcsc { .. } => None,
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
            CardSource::Pcsc { .. } => false,
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
    };
    result.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "citizen data request failed");
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
    })
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
