//! The eObčanka login and the citizen's session, as part of the flow core: what
//! the reader holds, the PIN being typed, the login in flight, the session and
//! its idle warning. Everything personal lives here only while it is needed and
//! is dropped on removal, logout, timeout and cancel.

use std::time::Duration;

use super::ports::{AttemptId, CardKind, EObcanka, Pin, PinState};
use super::{Command, Kiosk, Screen};
use crate::config::Mode;

/// What is in the reader, as far as the core knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardSlot {
    /// No news from the reader yet.
    Unknown,
    /// pcscd down or no reader.
    Unavailable,
    Empty,
    Reading,
    /// An eObčanka, read.
    EObcanka(Box<EObcanka>),
    NotEObcanka,
    /// A card that does not answer, or could not be read.
    Unreadable,
    /// A card is in, but what was read from it has been forgotten.
    Present,
}

impl CardSlot {
    pub fn is_present(&self) -> bool {
        !matches!(
            self,
            CardSlot::Unknown | CardSlot::Unavailable | CardSlot::Empty
        )
    }
}

/// The login screen's state; mirrors the UI's `LoginStage`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginStage {
    InsertCard,
    Reading,
    Pin,
    Verifying,
    Blocked,
    NotEObcanka,
    CardMute,
    ReaderProblem,
    ServiceError,
    RemoveCard,
}

impl LoginStage {
    pub const ALL: [LoginStage; 10] = [
        LoginStage::InsertCard,
        LoginStage::Reading,
        LoginStage::Pin,
        LoginStage::Verifying,
        LoginStage::Blocked,
        LoginStage::NotEObcanka,
        LoginStage::CardMute,
        LoginStage::ReaderProblem,
        LoginStage::ServiceError,
        LoginStage::RemoveCard,
    ];

    /// Stable machine name (screenshot files, logs).
    pub fn name(self) -> &'static str {
        match self {
            LoginStage::InsertCard => "insert-card",
            LoginStage::Reading => "reading",
            LoginStage::Pin => "pin",
            LoginStage::Verifying => "verifying",
            LoginStage::Blocked => "blocked",
            LoginStage::NotEObcanka => "not-eobcanka",
            LoginStage::CardMute => "card-mute",
            LoginStage::ReaderProblem => "reader-problem",
            LoginStage::ServiceError => "service-error",
            LoginStage::RemoveCard => "remove-card",
        }
    }
}

impl LoginView {
    /// The view of a login screen without a card.
    pub fn idle() -> LoginView {
        LoginView {
            stage: LoginStage::InsertCard,
            tries_left: 0,
            tries_max: 0,
            pin_length: 0,
            wrong_pin: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginView {
    pub stage: LoginStage,
    pub tries_left: u8,
    pub tries_max: u8,
    /// How many digits are typed (the digits never leave the core).
    pub pin_length: usize,
    pub wrong_pin: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionView {
    pub first_name: String,
    /// A phone login's session: whose it is ("J. Nováková"), shown before any data.
    pub confirm_name: Option<String>,
    /// A staff member at the counter.
    pub staff: bool,
    /// Seconds left on the idle warning, when it shows.
    pub warning_seconds: Option<u32>,
}

/// How a login attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginOutcome {
    LoggedIn {
        first_name: String,
    },
    WrongPin,
    Blocked,
    /// The backend, the network or the signer failed: "try again".
    Failed,
}

/// What the adapter needs to log in: the card's certificates and the PIN.
#[derive(PartialEq, Eq)]
pub struct LoginRequest {
    pub short_certificate: Vec<u8>,
    pub long_certificate: Option<Vec<u8>>,
    pub pin: Pin,
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LoginRequest(..)")
    }
}

/// A login in progress.
#[derive(Debug)]
pub(super) struct Login {
    pub(super) pin: Pin,
    pub(super) tries_left: u8,
    pub(super) tries_max: u8,
    pub(super) wrong_pin: bool,
    pub(super) blocked: bool,
    /// The attempt being verified; only its result is accepted.
    pub(super) verifying: Option<AttemptId>,
    pub(super) service_error: bool,
}

impl Login {
    fn new(iok: PinState) -> Login {
        Login {
            pin: Pin::new(),
            tries_left: iok.tries_left,
            tries_max: iok.max_tries,
            wrong_pin: false,
            blocked: iok.blocked || iok.tries_left == 0,
            verifying: None,
            service_error: false,
        }
    }
}

/// The logged-in citizen.
#[derive(Debug)]
pub(super) struct Session {
    /// The attempt that opened it: requests and the logout name it.
    pub(super) id: AttemptId,
    pub(super) first_name: String,
    /// Opened by a phone (RFC 8628): the name shown so the person at the
    /// kiosk sees whose session it is. No card ends it by coming out.
    pub(super) confirm_name: Option<String>,
    pub(super) warned: bool,
    /// A staff member at the counter, not a citizen.
    pub(super) staff: bool,
}

impl Session {
    /// How it was opened, for monitoring: `card`, `phone` or `staff`.
    pub(super) fn kind(&self) -> &'static str {
        if self.staff {
            "staff"
        } else if self.confirm_name.is_some() {
            "phone"
        } else {
            "card"
        }
    }
}

impl Kiosk {
    pub fn login_stage(&self) -> LoginStage {
        match &self.card {
            CardSlot::Unavailable => LoginStage::ReaderProblem,
            CardSlot::Unknown | CardSlot::Empty => LoginStage::InsertCard,
            _ if self.must_remove => LoginStage::RemoveCard,
            CardSlot::Reading => LoginStage::Reading,
            CardSlot::NotEObcanka => LoginStage::NotEObcanka,
            CardSlot::Unreadable => LoginStage::CardMute,
            CardSlot::Present => LoginStage::RemoveCard,
            CardSlot::EObcanka(card) => match &self.login {
                None => LoginStage::RemoveCard,
                Some(l) if l.blocked || card.iok.blocked => LoginStage::Blocked,
                Some(l) if l.verifying.is_some() => LoginStage::Verifying,
                Some(l) if l.service_error => LoginStage::ServiceError,
                Some(_) => LoginStage::Pin,
            },
        }
    }

    pub(super) fn login_view(&self) -> LoginView {
        let login = self.login.as_ref();
        LoginView {
            stage: self.login_stage(),
            tries_left: login.map_or(0, |l| l.tries_left),
            tries_max: login.map_or(0, |l| l.tries_max),
            pin_length: login.map_or(0, |l| l.pin.len()),
            wrong_pin: login.is_some_and(|l| l.wrong_pin),
        }
    }

    /// How long the session on screen may stand still before the warning:
    /// shorter for a phone's session.
    pub(super) fn session_idle(&self) -> Duration {
        match &self.session {
            Some(s) if s.confirm_name.is_some() => self.settings.session.phone_idle,
            _ => self.settings.session.idle,
        }
    }

    /// Whether the session on screen came from a phone (a card in the reader
    /// is not its card).
    fn phone_session(&self) -> bool {
        self.session
            .as_ref()
            .is_some_and(|s| s.confirm_name.is_some())
    }

    pub(super) fn session_view(&self) -> Option<SessionView> {
        self.session.as_ref().map(|s| {
            let ends = self.last_activity + self.session_idle() + self.settings.session.warning;
            SessionView {
                first_name: s.first_name.clone(),
                confirm_name: s.confirm_name.clone(),
                staff: s.staff,
                warning_seconds: s
                    .warned
                    .then(|| ends.saturating_sub(self.now).as_secs_f64().ceil() as u32),
            }
        })
    }

    pub fn has_session(&self) -> bool {
        self.session.is_some()
    }

    /// Screens that need a login lead to it; the login screen leads a logged-in
    /// citizen to the dashboard.
    pub(super) fn guard(&self, target: Screen) -> Screen {
        if self.settings.mode == Mode::Counter {
            return self.counter_guard(target);
        }
        match (target, self.session.is_some()) {
            (Screen::Payment, false) => Screen::Login,
            (t, false) if t.is_personal() => Screen::Login,
            (Screen::Login | Screen::PhoneLogin, true) => Screen::Dashboard,
            // The code's screen is opened by "Přihlásit se telefonem" only.
            (Screen::PhoneLogin, false) if self.phone.is_none() => Screen::Login,
            // "Zaplatit poplatek" leads a logged-in citizen to the konto.
            (Screen::Payment, true) => Screen::Obligations,
            (Screen::StaffLogin | Screen::Counter | Screen::Service, _) => Screen::Home,
            (t, _) => t,
        }
    }

    pub(super) fn tick(&mut self, now: Duration) -> Vec<Command> {
        let session_idle = self.session_idle();
        if let Some(session) = self.session.as_mut() {
            let idle = now.saturating_sub(self.last_activity);
            let times = self.settings.session;
            if idle >= session_idle + times.warning {
                return self.end_session(now);
            }
            if idle >= session_idle {
                session.warned = true;
            }
            return Vec::new();
        }
        match self.idle_deadline() {
            Some(deadline) if now >= deadline => self.return_to_rest(),
            _ => Vec::new(),
        }
    }

    pub(super) fn card_event(&mut self, event: super::CardEvent, now: Duration) -> Vec<Command> {
        use super::CardEvent as E;
        if self.settings.mode == Mode::Counter {
            // The counter only shows the reader's state (staff diagnostics).
            self.card = match event {
                E::Ready | E::Removed => CardSlot::Empty,
                E::Unavailable => CardSlot::Unavailable,
                E::Pin(_) => return Vec::new(),
                _ => CardSlot::Present,
            };
            return Vec::new();
        }
        match event {
            E::Ready | E::Removed => {
                let was_present = self.card.is_present();
                self.card = CardSlot::Empty;
                self.must_remove = false;
                // A phone's session is not the card's: taking out a card
                // (someone else's, left in) does not end it.
                if self.session.is_some() && !self.phone_session() {
                    return self.end_session(now);
                }
                if let Some(mut login) = self.login.take() {
                    login.pin.clear();
                    return vec![self.forget_user()];
                }
                let _ = was_present;
                Vec::new()
            }
            E::Unavailable => {
                self.card = CardSlot::Unavailable;
                self.must_remove = false;
                if self.session.is_some() && !self.phone_session() {
                    return self.end_session(now);
                }
                self.login = None;
                Vec::new()
            }
            E::Reading => {
                // A card wins: a phone's session ends (a card means a person
                // at the kiosk who logs in with it), and a code on screen is
                // abandoned when the login screen replaces it.
                let mut commands = if self.phone_session() {
                    self.end_session(now)
                } else {
                    Vec::new()
                };
                self.card = CardSlot::Reading;
                self.must_remove = false;
                self.login = None;
                commands.extend(self.wake_for_card(now));
                commands
            }
            E::Read(CardKind::EObcanka(card)) => {
                if self.session.is_some() {
                    return Vec::new();
                }
                self.login = Some(Login::new(card.iok));
                self.card = CardSlot::EObcanka(card);
                self.wake_for_card(now)
            }
            E::Read(CardKind::NotEObcanka) => {
                self.card = CardSlot::NotEObcanka;
                self.wake_for_card(now)
            }
            E::Unreadable => {
                self.card = CardSlot::Unreadable;
                self.wake_for_card(now)
            }
            E::Pin(state) => {
                if let Some(login) = self.login.as_mut() {
                    login.tries_left = login.tries_left.min(state.tries_left);
                    login.blocked |= state.blocked || login.tries_left == 0;
                }
                Vec::new()
            }
        }
    }

    /// A card went in: the login screen comes up wherever the kiosk was.
    fn wake_for_card(&mut self, now: Duration) -> Vec<Command> {
        if self.settings.mode == Mode::Signage || self.session.is_some() {
            return Vec::new();
        }
        self.last_activity = now;
        let mut commands = Vec::new();
        if self.screen == Screen::LoggedOut {
            self.logged_out_at = None;
            commands.extend(self.reset_personal());
        }
        if self.screen == Screen::PhoneLogin && self.history.last() == Some(&Screen::Login) {
            // The card's login replaces the phone's: Zpět does not lead to it twice.
            self.history.pop();
        }
        if self.screen != Screen::Login {
            let push = !matches!(
                self.screen,
                Screen::Home | Screen::Promo | Screen::LoggedOut | Screen::PhoneLogin
            );
            commands.extend(self.go(Screen::Login, push));
        }
        commands
    }

    pub(super) fn confirm_pin(&mut self) -> Vec<Command> {
        if self.login_stage() != LoginStage::Pin {
            return Vec::new();
        }
        let CardSlot::EObcanka(card) = &self.card else {
            return Vec::new();
        };
        let Some(login) = self.login.as_mut() else {
            return Vec::new();
        };
        if !login.pin.is_complete() {
            return Vec::new();
        }
        let request = LoginRequest {
            short_certificate: card.short_certificate.clone(),
            long_certificate: card.long_certificate.clone(),
            pin: login.pin.take(),
        };
        let attempt = self.next_attempt();
        if let Some(login) = self.login.as_mut() {
            login.verifying = Some(attempt);
            login.wrong_pin = false;
        }
        vec![Command::Authenticate { attempt, request }]
    }

    pub(super) fn login_result(
        &mut self,
        attempt: AttemptId,
        outcome: LoginOutcome,
    ) -> Vec<Command> {
        let current = self
            .login
            .as_ref()
            .is_some_and(|l| l.verifying == Some(attempt));
        if !current {
            // The card came out, the login was cancelled or another card's login
            // is under way: a session the backend opened for this attempt is
            // closed at once and never shown.
            tracing::info!(
                attempt = attempt.0,
                "a login result for an attempt no longer current: dropped"
            );
            return match outcome {
                LoginOutcome::LoggedIn { .. } => vec![Command::EndSession(attempt)],
                _ => Vec::new(),
            };
        }
        let Some(login) = self.login.as_mut() else {
            return Vec::new();
        };
        login.verifying = None;
        match outcome {
            LoginOutcome::LoggedIn { first_name } => {
                self.login = None;
                // Nothing read from the card is needed any more.
                self.card = CardSlot::Present;
                self.session = Some(Session {
                    id: attempt,
                    first_name,
                    confirm_name: None,
                    warned: false,
                    staff: false,
                });
                self.last_activity = self.now;
                self.history.clear();
                self.go(Screen::Dashboard, false)
            }
            LoginOutcome::WrongPin => {
                login.wrong_pin = true;
                login.tries_left = login.tries_left.saturating_sub(1);
                login.blocked = login.tries_left == 0;
                vec![Command::RereadPin]
            }
            LoginOutcome::Blocked => {
                login.blocked = true;
                login.tries_left = 0;
                Vec::new()
            }
            LoginOutcome::Failed => {
                login.service_error = true;
                Vec::new()
            }
        }
    }

    /// Logout, removal, timeout or a backend error: the session ends, everything
    /// of it is forgotten, and the privacy message shows.
    pub(super) fn end_session(&mut self, now: Duration) -> Vec<Command> {
        let Some(session) = self.session.take() else {
            return Vec::new();
        };
        if let Some(mut login) = self.login.take() {
            login.pin.clear();
        }
        if self.card.is_present() {
            self.card = CardSlot::Present;
            self.must_remove = true;
        }
        self.logged_out_at = Some(now);
        self.history.clear();
        let mut commands = vec![Command::EndSession(session.id), self.forget_user()];
        commands.extend(self.go(Screen::LoggedOut, false));
        commands
    }
}
