//! The phone login adapter (RFC 8628, PHONE-LOGIN.md): carries out the core's
//! `PhoneLogin` and `PhoneCancel` on the tokio runtime. It asks the backend
//! for a code, reports it, then polls the token endpoint at the backend's
//! interval — never faster than its own floor, 5 s more after every
//! `slow_down` — and gives up at the code's expiry whatever the backend keeps
//! answering. An approved code's session is held under the attempt's id in
//! the shared [`SessionTokens`], exactly as a card login's, so the core's
//! `Fetch` and `EndSession` work the same; a session that opens for an attempt
//! the core no longer waits for is ended by the core's `EndSession`.
//!
//! Cancelling stops the polling at its next wake-up (a poll already on the
//! wire finishes, so a session it opens is not lost but ended) and tells the
//! backend to forget the code. It never blocks the UI thread and never logs a
//! device code, a user code, a session token or a name.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;
use zeroize::Zeroizing;

use crate::kiosk::ports::{AttemptId, DemoPhoneControl, EventSink, PhoneLoginPort};
use crate::kiosk::{KioskEvent, PHONE_CODE_MAX_LIFE, PhoneCode, PhoneNews};
use crate::login::{SessionKind, SessionTokens};
use crate::portal::client::{DevicePoll, PortalClient, PortalError};

/// The kiosk never polls faster than this, whatever the backend says.
pub const POLL_FLOOR: Duration = Duration::from_secs(5);
/// The interval when the backend names none (RFC 8628 §3.2).
const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
/// What every `slow_down` adds (RFC 8628 §3.5).
const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);
/// Polls in a row that may fail (network, 5xx) before the login gives up.
const FAILURES_ALLOWED: u32 = 3;

/// The demo's phone: approves a user code for the demo citizen at the
/// embedded development portal.
pub type DemoApprover = Arc<dyn Fn(&str) + Send + Sync>;

/// The attempt being polled: how to stop it, and its code once known (the
/// demo's phone approves that one).
struct Running {
    attempt: AttemptId,
    cancel: watch::Sender<bool>,
    user_code: Option<String>,
}

type Current = Arc<Mutex<Option<Running>>>;

pub struct PhoneLogin {
    runtime: tokio::runtime::Handle,
    client: Arc<PortalClient>,
    tokens: SessionTokens,
    events: Option<EventSink>,
    floor: Duration,
    current: Current,
    demo: Option<DemoApprover>,
}

impl PhoneLogin {
    /// A phone login whose sessions go into `tokens` (the card login's, so
    /// that one session port serves both).
    pub fn new(
        runtime: tokio::runtime::Handle,
        client: Arc<PortalClient>,
        tokens: SessionTokens,
    ) -> PhoneLogin {
        PhoneLogin {
            runtime,
            client,
            tokens,
            events: None,
            floor: POLL_FLOOR,
            current: Arc::default(),
            demo: None,
        }
    }

    /// Tests and benchmarks: a lower floor (at least 1 s: the contract's
    /// intervals are whole seconds), so that a backend set to a 1-s interval
    /// is polled at it.
    pub fn with_poll_floor(mut self, floor: Duration) -> PhoneLogin {
        self.floor = floor.max(Duration::from_secs(1));
        self
    }

    /// Demo only: a marked control approves the code on screen with this.
    pub fn with_demo_approver(mut self, approve: DemoApprover) -> PhoneLogin {
        self.demo = Some(approve);
        self
    }
}

fn lock(current: &Current) -> std::sync::MutexGuard<'_, Option<Running>> {
    current.lock().unwrap_or_else(|p| p.into_inner())
}

impl PhoneLoginPort for PhoneLogin {
    fn connect(&mut self, events: EventSink) {
        self.events = Some(events);
    }

    fn start(&self, attempt: AttemptId) {
        let Some(events) = self.events.clone() else {
            return;
        };
        let (cancel, cancelled) = watch::channel(false);
        if let Some(previous) = lock(&self.current).replace(Running {
            attempt,
            cancel,
            user_code: None,
        }) {
            // One code at a time: the core abandons the old one first anyway.
            let _ = previous.cancel.send(true);
        }
        let poller = Poller {
            client: self.client.clone(),
            tokens: self.tokens.clone(),
            events,
            attempt,
            floor: self.floor,
            current: self.current.clone(),
            cancelled,
        };
        let current = self.current.clone();
        self.runtime.spawn(async move {
            poller.run().await;
            let mut running = lock(&current);
            if running.as_ref().is_some_and(|r| r.attempt == attempt) {
                *running = None;
            }
        });
    }

    fn cancel(&self, attempt: AttemptId) {
        let running = lock(&self.current);
        if let Some(r) = running.as_ref().filter(|r| r.attempt == attempt) {
            let _ = r.cancel.send(true);
        }
    }

    fn demo(&self) -> Option<&dyn DemoPhoneControl> {
        self.demo.as_ref().map(|_| self as &dyn DemoPhoneControl)
    }
}

impl DemoPhoneControl for PhoneLogin {
    fn approve(&self) {
        let code = lock(&self.current)
            .as_ref()
            .and_then(|r| r.user_code.clone());
        if let (Some(approve), Some(code)) = (self.demo.clone(), code) {
            // Off the UI thread, as a phone would be.
            self.runtime.spawn_blocking(move || approve(&code));
        }
    }
}

/// One attempt's work on the runtime.
struct Poller {
    client: Arc<PortalClient>,
    tokens: SessionTokens,
    events: EventSink,
    attempt: AttemptId,
    floor: Duration,
    current: Current,
    cancelled: watch::Receiver<bool>,
}

impl Poller {
    fn report(&self, news: PhoneNews) {
        (self.events)(KioskEvent::Phone {
            attempt: self.attempt,
            news,
        });
    }

    fn is_cancelled(&self) -> bool {
        *self.cancelled.borrow()
    }

    /// Sleeps `wait`, or less if the attempt is cancelled; whether it was.
    async fn sleep_or_cancel(&mut self, wait: Duration) -> bool {
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            changed = self.cancelled.changed() => {
                // The sender gone means the attempt was replaced: cancelled too.
                if changed.is_err() {
                    return true;
                }
            }
        }
        self.is_cancelled()
    }

    async fn abandon(&self, device_code: &str) {
        match self.client.device_cancel(device_code).await {
            Ok(()) => tracing::info!(attempt = self.attempt.0, "phone login: code abandoned"),
            Err(e) => tracing::warn!(
                attempt = self.attempt.0,
                error = %e,
                "phone login: the backend was not told the code is abandoned; it expires there"
            ),
        }
    }

    async fn run(mut self) {
        let code = match self.client.device_authorization().await {
            Ok(code) => code,
            Err(e) => {
                tracing::warn!(attempt = self.attempt.0, error = %e, "phone login: no code from the backend");
                self.report(PhoneNews::Failed);
                return;
            }
        };
        let device_code = Zeroizing::new(code.device_code.clone());
        if self.is_cancelled() {
            self.abandon(&device_code).await;
            return;
        }
        let life = Duration::from_secs(code.expires_in).min(PHONE_CODE_MAX_LIFE);
        let deadline = tokio::time::Instant::now() + life;
        let mut interval = code
            .interval
            .map_or(DEFAULT_INTERVAL, Duration::from_secs)
            .max(self.floor);
        if let Some(running) = lock(&self.current)
            .as_mut()
            .filter(|r| r.attempt == self.attempt)
        {
            running.user_code = Some(code.user_code.clone());
        }
        tracing::info!(
            attempt = self.attempt.0,
            expires_in = life.as_secs(),
            interval = interval.as_secs(),
            "phone login: code on screen"
        );
        self.report(PhoneNews::Code(PhoneCode {
            user_code: code.user_code.trim().to_string(),
            verification_uri: code.verification_uri.clone(),
            verification_uri_complete: code.verification_uri_complete.clone(),
            expires_in: life,
        }));
        let mut failures = 0;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                // The backend's "pending" or "slow_down" do not keep a code alive.
                tracing::info!(attempt = self.attempt.0, "phone login: the code expired");
                self.report(PhoneNews::Expired);
                return;
            }
            if self.sleep_or_cancel(interval.min(left)).await {
                self.abandon(&device_code).await;
                return;
            }
            if tokio::time::Instant::now() >= deadline {
                continue;
            }
            let poll = self.client.device_token(&device_code).await;
            match poll {
                Ok(DevicePoll::Pending) => failures = 0,
                Ok(DevicePoll::SlowDown { interval: said }) => {
                    failures = 0;
                    interval = interval
                        .saturating_add(SLOW_DOWN_STEP)
                        .max(said.unwrap_or_default());
                    tracing::info!(
                        attempt = self.attempt.0,
                        interval = interval.as_secs(),
                        "phone login: slow_down; polling less often"
                    );
                }
                Ok(DevicePoll::Session(session)) => {
                    // Held under the attempt; the core shows it, or ends it if
                    // the attempt is over (cancelled while this poll ran).
                    self.tokens
                        .put(self.attempt, SessionKind::Citizen, session.access_token);
                    tracing::info!(
                        attempt = self.attempt.0,
                        "phone login: approved on the phone"
                    );
                    self.report(PhoneNews::LoggedIn {
                        first_name: session.citizen.display_name,
                        confirm_name: session.citizen.confirm_name,
                    });
                    return;
                }
                Ok(DevicePoll::Denied) => {
                    tracing::info!(
                        attempt = self.attempt.0,
                        "phone login: refused on the phone"
                    );
                    self.report(PhoneNews::Denied);
                    return;
                }
                Ok(DevicePoll::Expired) => {
                    tracing::info!(
                        attempt = self.attempt.0,
                        "phone login: the backend says the code expired"
                    );
                    self.report(PhoneNews::Expired);
                    return;
                }
                Ok(DevicePoll::Refused(error)) => {
                    tracing::warn!(
                        attempt = self.attempt.0,
                        error = error.as_str(),
                        "phone login: the backend refused the code"
                    );
                    self.report(PhoneNews::Failed);
                    return;
                }
                Err(e) => {
                    failures += 1;
                    tracing::warn!(attempt = self.attempt.0, error = %e, failures, "phone login: a poll failed");
                    if let Some(after) = e.retry_after() {
                        interval = interval.max(after);
                    }
                    let hopeless = matches!(
                        e,
                        PortalError::Malformed(_)
                            | PortalError::Redirect { .. }
                            | PortalError::TooLarge { .. }
                            | PortalError::Status {
                                status: 401 | 403 | 404,
                                ..
                            }
                    );
                    if hopeless || failures >= FAILURES_ALLOWED {
                        self.abandon(&device_code).await;
                        self.report(PhoneNews::Failed);
                        return;
                    }
                }
            }
        }
    }
}
