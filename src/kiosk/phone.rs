//! The phone login as part of the flow core (PHONE-LOGIN.md, RFC 8628): the
//! citizen touches "Přihlásit se telefonem", the adapter asks the backend for
//! a code, the screen shows it as a QR code with the code itself, the address
//! and a countdown, and the citizen approves on the phone; the session that
//! opens is a citizen session like the card login's (nástěnka, konto, payment,
//! printing, logout), with its own, shorter idle time.
//!
//! Every request names an [`AttemptId`]; news for an attempt the core no
//! longer waits for is dropped, and a session it opened is ended at once.
//! Leaving the code's screen in any way (Zrušit, Zpět, Domů, a card inserted,
//! the loop returning) abandons the code: polling stops and the backend is
//! told. The core keeps its own clock on the code's expiry, whatever the
//! backend says, and never accepts an expired code's session.
//!
//! Nothing personal is kept here but the name of the session that opened, and
//! the user code (which lets a phone log in here) never reaches a log.

use std::time::Duration;

use super::ports::AttemptId;
use super::{Command, Kiosk, Screen};
use crate::config::Mode;

/// The code's screen stays this long without a touch even if the code lives
/// longer: the citizen may be busy with the login on the phone, but a code
/// left on a public screen is abandoned in the end.
pub const PHONE_CODE_HOLD: Duration = Duration::from_secs(5 * 60);
/// The longest life the kiosk gives a code, whatever the backend says.
pub const PHONE_CODE_MAX_LIFE: Duration = Duration::from_secs(15 * 60);

/// Where the phone login is; mirrors the UI's `PhoneStage`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneStage {
    /// Asking the backend for a code.
    Requesting,
    /// The code is on screen; the adapter polls.
    Code,
    /// The code expired before anyone approved it: "Nový kód".
    Expired,
    /// The citizen refused on the phone.
    Denied,
    /// The backend answered garbage, an error, or nothing: use the card.
    Failed,
}

impl PhoneStage {
    pub const ALL: [PhoneStage; 5] = [
        PhoneStage::Requesting,
        PhoneStage::Code,
        PhoneStage::Expired,
        PhoneStage::Denied,
        PhoneStage::Failed,
    ];

    /// Stable machine name (screenshot files, logs).
    pub fn name(self) -> &'static str {
        match self {
            PhoneStage::Requesting => "requesting",
            PhoneStage::Code => "code",
            PhoneStage::Expired => "expired",
            PhoneStage::Denied => "denied",
            PhoneStage::Failed => "failed",
        }
    }

    fn waiting(self) -> bool {
        matches!(self, PhoneStage::Requesting | PhoneStage::Code)
    }
}

/// A code from the backend, as the kiosk shows it (already checked by the
/// client: addresses, sizes).
#[derive(Clone, PartialEq, Eq)]
pub struct PhoneCode {
    /// What the citizen compares on the phone ("WDJB-MJHT").
    pub user_code: String,
    /// The approval page, for typing.
    pub verification_uri: String,
    /// The approval page with the code, for the QR code.
    pub verification_uri_complete: Option<String>,
    /// How long the code lives from now.
    pub expires_in: Duration,
}

impl std::fmt::Debug for PhoneCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The user code lets a phone log in on this kiosk: not for logs.
        f.debug_struct("PhoneCode")
            .field("expires_in", &self.expires_in)
            .finish_non_exhaustive()
    }
}

/// What the phone login adapter reports for an attempt.
#[derive(Clone, PartialEq, Eq)]
pub enum PhoneNews {
    Code(PhoneCode),
    /// Approved: the adapter holds the session's token under the attempt.
    LoggedIn {
        first_name: String,
        /// "J. Nováková": shown before any data, so the person at the kiosk
        /// sees whose session opened.
        confirm_name: String,
    },
    Denied,
    Expired,
    Failed,
}

impl std::fmt::Debug for PhoneNews {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PhoneNews::Code(code) => write!(f, "Code({code:?})"),
            // Names stay out of debug output.
            PhoneNews::LoggedIn { .. } => f.write_str("LoggedIn(..)"),
            PhoneNews::Denied => f.write_str("Denied"),
            PhoneNews::Expired => f.write_str("Expired"),
            PhoneNews::Failed => f.write_str("Failed"),
        }
    }
}

/// The phone login's screen, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneView {
    /// Whether this kiosk offers the phone login at all.
    pub available: bool,
    pub stage: PhoneStage,
    /// "WDJB-MJHT" while a code is on screen, else empty.
    pub user_code: String,
    /// The approval page's address for typing, without `https://`.
    pub address: String,
    /// What the QR code holds (the address with the code), else empty.
    pub qr: String,
    /// Seconds until the code expires (0 without one).
    pub seconds_left: u32,
}

/// A phone login in progress.
#[derive(Debug)]
pub(super) struct PhoneLogin {
    /// The attempt the adapter works on; only its news is taken.
    pub(super) attempt: AttemptId,
    pub(super) stage: PhoneStage,
    code: Option<PhoneCode>,
    /// When the code expires (the core's own clock).
    expires_at: Option<Duration>,
    /// When the stage last changed (the idle timer counts from it).
    since: Duration,
}

impl Kiosk {
    /// Whether the adapter is there (set once at start, like the equipment).
    pub fn set_phone_available(&mut self, available: bool) {
        self.phone_available = available;
    }

    pub(super) fn phone_view(&self) -> PhoneView {
        let phone = self.phone.as_ref();
        let code = phone.and_then(|p| p.code.as_ref());
        PhoneView {
            available: self.phone_available && self.settings.mode == Mode::Kiosk,
            stage: phone.map_or(PhoneStage::Requesting, |p| p.stage),
            user_code: code.map_or_else(String::new, |c| c.user_code.clone()),
            address: code.map_or_else(String::new, |c| {
                c.verification_uri
                    .trim_start_matches("https://")
                    .trim_end_matches('/')
                    .to_string()
            }),
            qr: code.map_or_else(String::new, |c| {
                c.verification_uri_complete
                    .clone()
                    .unwrap_or_else(|| c.verification_uri.clone())
            }),
            seconds_left: phone
                .and_then(|p| p.expires_at)
                .filter(|_| code.is_some())
                .map_or(0, |at| {
                    at.saturating_sub(self.now).as_secs_f64().ceil() as u32
                }),
        }
    }

    /// "Přihlásit se telefonem", "Nový kód", "Zkusit znovu": a fresh code.
    pub(super) fn phone_start(&mut self) -> Vec<Command> {
        if !self.phone_available || self.settings.mode != Mode::Kiosk || self.session.is_some() {
            return Vec::new();
        }
        let mut commands = self.abandon_phone();
        if let Some(mut login) = self.login.take() {
            // A card login half-way (its PIN typed) is given up for the phone.
            login.pin.clear();
            self.must_remove = self.card.is_present();
            commands.push(self.forget_user());
        }
        let attempt = self.next_attempt();
        self.phone = Some(PhoneLogin {
            attempt,
            stage: PhoneStage::Requesting,
            code: None,
            expires_at: None,
            since: self.now,
        });
        commands.push(Command::PhoneLogin { attempt });
        if self.screen != Screen::PhoneLogin {
            commands.extend(self.go(Screen::PhoneLogin, true));
        }
        commands
    }

    /// "Zrušit" (or "Přihlásit se občankou" after a failure): back to the
    /// choice of login; the code is abandoned on the way out.
    pub(super) fn phone_cancel(&mut self) -> Vec<Command> {
        if self.screen != Screen::PhoneLogin {
            return self.abandon_phone();
        }
        if self.history.last() == Some(&Screen::Login) {
            self.history.pop();
        }
        self.go(Screen::Login, false)
    }

    /// The phone login ends without a session: polling stops and the backend
    /// forgets the code (if one was still live).
    pub(super) fn abandon_phone(&mut self) -> Vec<Command> {
        match self.phone.take() {
            Some(p) if p.stage.waiting() => vec![Command::PhoneCancel(p.attempt)],
            _ => Vec::new(),
        }
    }

    pub(super) fn phone_news(&mut self, attempt: AttemptId, news: PhoneNews) -> Vec<Command> {
        let waiting = self
            .phone
            .as_ref()
            .is_some_and(|p| p.attempt == attempt && p.stage.waiting());
        if !waiting || self.session.is_some() {
            // Abandoned, expired, or replaced by a new code: a session it
            // opened anyway is closed at once and never shown.
            tracing::info!(
                attempt = attempt.0,
                "a phone login result for an attempt no longer current: dropped"
            );
            return match news {
                PhoneNews::LoggedIn { .. } => vec![Command::EndSession(attempt)],
                _ => Vec::new(),
            };
        }
        let now = self.now;
        let Some(phone) = self.phone.as_mut() else {
            return Vec::new();
        };
        match news {
            PhoneNews::Code(code) => {
                if phone.stage == PhoneStage::Requesting {
                    phone.expires_at = Some(now + code.expires_in.min(PHONE_CODE_MAX_LIFE));
                    phone.code = Some(code);
                    phone.stage = PhoneStage::Code;
                    phone.since = now;
                }
                Vec::new()
            }
            PhoneNews::LoggedIn {
                first_name,
                confirm_name,
            } => {
                self.phone = None;
                self.session = Some(super::login::Session {
                    id: attempt,
                    first_name,
                    confirm_name: Some(confirm_name),
                    warned: false,
                    staff: false,
                });
                self.last_activity = now;
                self.history.clear();
                tracing::info!(attempt = attempt.0, "phone login: citizen logged in");
                self.go(Screen::Dashboard, false)
            }
            PhoneNews::Denied | PhoneNews::Expired | PhoneNews::Failed => {
                phone.stage = match news {
                    PhoneNews::Denied => PhoneStage::Denied,
                    PhoneNews::Expired => PhoneStage::Expired,
                    _ => PhoneStage::Failed,
                };
                phone.code = None;
                phone.expires_at = None;
                phone.since = now;
                Vec::new()
            }
        }
    }

    /// The core's own clock on the code: at expiry the code leaves the screen
    /// and the adapter stops, even if the backend keeps saying "pending" or
    /// "slow_down".
    pub(super) fn phone_tick(&mut self, now: Duration) -> Vec<Command> {
        let Some(phone) = self.phone.as_mut() else {
            return Vec::new();
        };
        match phone.expires_at {
            Some(at) if phone.stage == PhoneStage::Code && now >= at => {
                phone.stage = PhoneStage::Expired;
                phone.code = None;
                phone.expires_at = None;
                phone.since = at;
                vec![Command::PhoneCancel(phone.attempt)]
            }
            _ => Vec::new(),
        }
    }

    /// When the phone login's screen goes back to the loop: a live code is
    /// held up to [`PHONE_CODE_HOLD`] without a touch (never past its expiry,
    /// never sooner than the usual idle time); after it, the usual idle time.
    pub(super) fn phone_deadline(&self) -> Option<Duration> {
        if self.screen != Screen::PhoneLogin {
            return None;
        }
        let phone = self.phone.as_ref()?;
        let idle = self.settings.idle_timeout;
        let from = self.last_activity.max(phone.since);
        Some(match (phone.stage, phone.expires_at) {
            (PhoneStage::Code, Some(at)) => (self.last_activity + PHONE_CODE_HOLD)
                .min(at)
                .max(from + idle),
            _ => from + idle,
        })
    }
}

/// Where the help for those who cannot log in sends them: the office for ID
/// cards and the cash desk, from the synced contacts (public content).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LoginHelpView {
    pub id_cards: Option<HelpPlace>,
    pub cashier: Option<HelpPlace>,
}

/// One place of the help: where, which door, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpPlace {
    /// The department ("Odbor správní …").
    pub department: String,
    /// Where exactly: the person's role when it names the place (the cash desk
    /// is in another building than its department), else the building.
    pub place: String,
    pub address: String,
    /// The door ("S 002"), if the contacts say.
    pub room: String,
    pub phone: String,
    /// ("pondělí, středa", "08:00–17:00"): days with the same hours together.
    pub hours: Vec<(String, String)>,
}

/// Office hours with the days of equal hours on one line, in the order the
/// days come: fewer lines to read than one per day.
fn grouped_hours(hours: &[crate::portal::types::OfficeHours]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for h in hours {
        let span = format!("{}–{}", h.from, h.to);
        match out.iter_mut().find(|(_, s)| *s == span) {
            Some((days, _)) => {
                days.push_str(", ");
                days.push_str(&h.day);
            }
            None => out.push((h.day.clone(), span)),
        }
    }
    out
}

/// Finds the ID-card office and the cash desk in the departments: by the role
/// of the person who does it (the contacts have no other marker), else by the
/// department's name. None when the contacts do not say (before the first
/// sync): the screen then gives the town hall's number.
pub fn login_help(departments: &[crate::portal::types::Department]) -> LoginHelpView {
    let find = |words: &[&str]| {
        let matches = |text: &str| {
            let text = text.to_lowercase();
            words.iter().any(|w| text.contains(w))
        };
        departments
            .iter()
            .find_map(|d| {
                d.people
                    .iter()
                    .find(|p| matches(&p.role))
                    .map(|p| (d, Some(p)))
            })
            .or_else(|| {
                departments
                    .iter()
                    .find(|d| matches(&d.name))
                    .map(|d| (d, None))
            })
            .map(|(d, person)| {
                // A role that names its own place ("hlavní pokladna (Pekařská
                // 114/2)": the cash desk is not in its department's building)
                // replaces the building and the department's address.
                let own_place = person.filter(|p| p.role.contains(char::is_numeric));
                HelpPlace {
                    department: d.name.clone(),
                    place: own_place.map_or_else(|| d.building.clone(), |p| p.role.clone()),
                    // Not twice: a building named by its street and number.
                    address: match d.address.split(',').next() {
                        _ if own_place.is_some() => String::new(),
                        Some(street) if d.building.contains(street.trim()) => String::new(),
                        _ => d.address.clone(),
                    },
                    room: person.map_or_else(String::new, |p| p.room.clone()),
                    phone: person
                        .map(|p| p.phone.clone())
                        .filter(|p| !p.is_empty())
                        .unwrap_or_else(|| d.phone.clone()),
                    hours: grouped_hours(&d.office_hours),
                }
            })
    };
    LoginHelpView {
        id_cards: find(&["občanské průkazy", "občanských průkazů", "obcanske prukazy"]),
        cashier: find(&["pokladna", "pokladny"]),
    }
}
