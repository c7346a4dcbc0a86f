//! The counter (staff desk) mode in the flow core: the staff PIN being typed,
//! the check in flight, the lockout countdown, and the staff session, which
//! times out like a citizen's (warning, "Pokračovat", then logged out).
//!
//! At the counter the card reader is only watched for its state: a card put in
//! does not start a citizen login and pulling it out ends nothing.

use std::time::Duration;

use zeroize::Zeroizing;

use super::login::Session;
use super::ports::AttemptId;
use super::{Command, Kiosk, Screen};
use crate::config::Mode;

/// The longest staff PIN (crate::staff accepts 6 to 12 digits).
pub const STAFF_PIN_MAX: usize = 12;
/// The shortest; "Potvrdit" is enabled from here on.
pub const STAFF_PIN_MIN: usize = 6;

/// A staff PIN on its way to be checked; its `Debug` shows only the length.
#[derive(PartialEq, Eq)]
pub struct StaffPin(pub Zeroizing<Vec<u8>>);

impl std::fmt::Debug for StaffPin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StaffPin({} digits)", self.0.len())
    }
}

/// How a staff login ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaffOutcome {
    /// The PIN is this member's and the backend opened a staff session.
    LoggedIn { name: String },
    /// Nobody's PIN; after `attempts_left` more the login locks.
    Wrong { attempts_left: u32 },
    /// Too many wrong PINs: try again in this many seconds.
    Locked { seconds_left: u64 },
    /// The backend does not know this kiosk as a counter: no staff can log in
    /// here until it is registered there.
    NotACounter,
    /// The backend or the network failed: "try again".
    Failed,
}

/// The staff login screen's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffView {
    /// Digits typed (the digits never leave the core).
    pub pin_length: usize,
    pub verifying: bool,
    /// The last PIN was wrong; this many more wrong ones lock the login.
    pub wrong_attempts_left: Option<u32>,
    /// Locked: seconds until a PIN is checked again.
    pub locked_seconds: Option<u64>,
    pub service_error: bool,
    /// The backend refused: this kiosk is not registered as a counter.
    pub not_a_counter: bool,
}

/// The staff PIN being typed and what became of the last one.
#[derive(Debug, Default)]
pub(super) struct StaffLogin {
    pin: Zeroizing<Vec<u8>>,
    /// The attempt being checked; only its result is accepted.
    verifying: Option<AttemptId>,
    wrong_attempts_left: Option<u32>,
    locked_until: Option<Duration>,
    service_error: bool,
    not_a_counter: bool,
}

impl Kiosk {
    fn counter(&self) -> bool {
        self.settings.mode == Mode::Counter
    }

    pub(super) fn staff_view(&self) -> StaffView {
        let s = &self.staff;
        StaffView {
            pin_length: s.pin.len(),
            verifying: s.verifying.is_some(),
            wrong_attempts_left: s.wrong_attempts_left,
            locked_seconds: s
                .locked_until
                .filter(|until| *until > self.now)
                .map(|until| (until - self.now).as_secs_f64().ceil() as u64),
            service_error: s.service_error,
            not_a_counter: s.not_a_counter,
        }
    }

    /// A typed staff PIN keeps the idle timer running on the resting screen.
    pub(super) fn staff_pin_typed(&self) -> bool {
        !self.staff.pin.is_empty()
    }

    /// Forgets the typed PIN and the last answer (the lockout stays: it is the
    /// kiosk's, not the person's).
    pub(super) fn reset_staff_login(&mut self) {
        let locked_until = self.staff.locked_until;
        self.staff = StaffLogin {
            locked_until,
            ..StaffLogin::default()
        };
    }

    pub(super) fn staff_digit(&mut self, digit: u8) -> Vec<Command> {
        let s = &mut self.staff;
        if self.settings.mode != Mode::Counter
            || self.screen != Screen::StaffLogin
            || s.verifying.is_some()
            || digit > 9
            || s.pin.len() >= STAFF_PIN_MAX
        {
            return Vec::new();
        }
        if s.pin.capacity() < STAFF_PIN_MAX {
            // Reserved while still empty: a growing buffer would leave copies
            // of typed digits behind in freed memory, out of the zeroizer's reach.
            s.pin.reserve_exact(STAFF_PIN_MAX);
        }
        s.pin.push(b'0' + digit);
        s.service_error = false;
        s.not_a_counter = false;
        Vec::new()
    }

    pub(super) fn staff_erase(&mut self) -> Vec<Command> {
        if self.staff.verifying.is_none() {
            self.staff.pin.pop();
        }
        Vec::new()
    }

    pub(super) fn staff_confirm(&mut self) -> Vec<Command> {
        let locked = self.staff.locked_until.is_some_and(|u| u > self.now);
        let s = &self.staff;
        if self.settings.mode != Mode::Counter
            || self.screen != Screen::StaffLogin
            || self.session.is_some()
            || s.verifying.is_some()
            || locked
            || s.pin.len() < STAFF_PIN_MIN
        {
            return Vec::new();
        }
        let attempt = self.next_attempt();
        let s = &mut self.staff;
        s.verifying = Some(attempt);
        s.service_error = false;
        s.not_a_counter = false;
        s.wrong_attempts_left = None;
        let pin = StaffPin(std::mem::take(&mut s.pin));
        vec![Command::StaffAuthenticate { attempt, pin }]
    }

    pub(super) fn staff_result(
        &mut self,
        attempt: AttemptId,
        outcome: StaffOutcome,
    ) -> Vec<Command> {
        if self.staff.verifying != Some(attempt) || self.screen != Screen::StaffLogin {
            if self.staff.verifying == Some(attempt) {
                // Left the login meanwhile: the pad must not stay "verifying".
                self.staff.verifying = None;
            }
            // Timed out or left meanwhile: a session opened now is closed at once.
            return match outcome {
                StaffOutcome::LoggedIn { .. } => vec![Command::EndSession(attempt)],
                _ => Vec::new(),
            };
        }
        self.staff.verifying = None;
        match outcome {
            StaffOutcome::LoggedIn { name } => {
                self.reset_staff_login();
                self.session = Some(Session {
                    id: attempt,
                    first_name: name,
                    confirm_name: None,
                    warned: false,
                    staff: true,
                });
                self.last_activity = self.now;
                self.history.clear();
                self.go(Screen::Counter, false)
            }
            StaffOutcome::Wrong { attempts_left } => {
                self.staff.wrong_attempts_left = Some(attempts_left);
                Vec::new()
            }
            StaffOutcome::Locked { seconds_left } => {
                self.staff.locked_until = Some(self.now + Duration::from_secs(seconds_left));
                Vec::new()
            }
            StaffOutcome::NotACounter => {
                self.staff.not_a_counter = true;
                Vec::new()
            }
            StaffOutcome::Failed => {
                self.staff.service_error = true;
                Vec::new()
            }
        }
    }

    /// Where "Domů" leads: Home, or at the counter the staff desk (or its login).
    pub(super) fn home_screen(&self) -> Screen {
        if !self.counter() {
            return Screen::Home;
        }
        if self.session.is_some() {
            Screen::Counter
        } else {
            Screen::StaffLogin
        }
    }

    /// At the counter, what a screen request leads to.
    pub(super) fn counter_guard(&self, target: Screen) -> Screen {
        match (target, self.session.is_some()) {
            (Screen::About, _) => Screen::About,
            (Screen::Counter | Screen::Pay | Screen::Service, true) => target,
            (_, true) => Screen::Counter,
            (_, false) => Screen::StaffLogin,
        }
    }
}
