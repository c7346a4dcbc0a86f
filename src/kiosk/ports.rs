//! The core's vocabulary and its ports: the words the flows speak (card kind, PIN
//! state, PIN, attempt ids, slip kinds, printer state) and the traits the adapters
//! implement. The core defines them; `card`, `login`, `staff`, `printing` and `ui`
//! depend on them, never the reverse.
//!
//! Nothing here may do I/O or name a Slint type.

use std::sync::Arc;

use zeroize::Zeroizing;

use super::{KioskEvent, LoginRequest, StaffPin};
use crate::citizen::CitizenRequest;

/// One request the core sent to an adapter (a login, a data call, a print). Every
/// answer names the id it answers; the core drops answers whose id is no longer
/// the one it waits for, so a late answer can never reach the wrong screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AttemptId(pub u64);

/// Where adapters send what happened (from any thread).
pub type EventSink = Arc<dyn Fn(KioskEvent) + Send + Sync>;

/// A PIN's state as the card reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PinState {
    pub active: bool,
    pub blocked: bool,
    pub tries_left: u8,
    pub max_tries: u8,
}

/// What the kiosk learns from an eObčanka without a PIN.
#[derive(Clone, PartialEq, Eq)]
pub struct EObcanka {
    pub document_number: String,
    pub iok: PinState,
    /// The authorization certificate (DER).
    pub short_certificate: Vec<u8>,
    /// The identification certificate (DER), if the card lets it be read without a PIN.
    pub long_certificate: Option<Vec<u8>>,
}

impl std::fmt::Debug for EObcanka {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Personal data stays out of debug output (and so out of logs and panics).
        f.debug_struct("EObcanka")
            .field("iok", &self.iok)
            .finish_non_exhaustive()
    }
}

/// What is in the slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardKind {
    EObcanka(Box<EObcanka>),
    /// Some other card (a bank card, a health-insurance card).
    NotEObcanka,
}

/// The IOK as typed on the PIN pad: 4–10 ASCII digits.
pub struct Pin(Zeroizing<Vec<u8>>);

impl Pin {
    pub const MIN: usize = 4;
    pub const MAX: usize = 10;

    pub fn new() -> Pin {
        Pin(Zeroizing::new(Vec::with_capacity(Self::MAX)))
    }

    /// Adds a digit (0–9); false when the PIN is full or `digit` is not a digit.
    pub fn push(&mut self, digit: u8) -> bool {
        if digit > 9 || self.0.len() >= Self::MAX {
            return false;
        }
        self.0.push(b'0' + digit);
        true
    }

    pub fn pop(&mut self) {
        if let Some(last) = self.0.last_mut() {
            *last = 0;
        }
        self.0.pop();
    }

    pub fn clear(&mut self) {
        self.0.iter_mut().for_each(|b| *b = 0);
        self.0.clear();
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn is_complete(&self) -> bool {
        self.0.len() >= Self::MIN
    }

    /// Takes the digits out, leaving this PIN empty.
    pub fn take(&mut self) -> Pin {
        Pin(std::mem::replace(
            &mut self.0,
            Zeroizing::new(Vec::with_capacity(Self::MAX)),
        ))
    }

    pub fn from_digits(digits: &str) -> Option<Pin> {
        let mut pin = Pin::new();
        for c in digits.chars() {
            if !pin.push(c.to_digit(10)? as u8) {
                return None;
            }
        }
        Some(pin)
    }

    pub(crate) fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl Default for Pin {
    fn default() -> Self {
        Pin::new()
    }
}

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Pin({} digits)", self.0.len())
    }
}

impl PartialEq for Pin {
    /// Compares lengths only: the digits are nobody's business, tests included.
    fn eq(&self, other: &Pin) -> bool {
        self.0.len() == other.0.len()
    }
}
impl Eq for Pin {}

/// The eObčanka login: the reader's news, signing the challenge, the login call.
/// Each call returns at once; answers come back through the [`EventSink`].
pub trait CardLoginPort {
    /// Called once at start: where reader news and login results go.
    fn connect(&mut self, events: EventSink);
    /// Sign the challenge and log in; answer with `KioskEvent::LoginResult` naming `attempt`.
    fn authenticate(&self, attempt: AttemptId, request: LoginRequest);
    /// Read the IOK's tries again; answer with `KioskEvent::Card(CardEvent::Pin(..))`.
    fn reread_pin(&self);
    /// Whether there is a card reader behind it (a counter may have none).
    fn has_reader(&self) -> bool {
        true
    }
    /// Demo only: a simulated card to insert and remove from the screen.
    fn demo_card(&self) -> Option<&dyn DemoCardControl> {
        None
    }
}

/// The phone login (RFC 8628): a code from the backend, then polling until the
/// citizen approves on the phone. Each call returns at once; news comes back
/// as `KioskEvent::Phone` naming the attempt.
pub trait PhoneLoginPort {
    fn connect(&mut self, events: EventSink);
    /// Ask for a code and poll it; a session it opens is held under `attempt`
    /// (ended by `SessionPort::end_session(attempt)` like a card's).
    fn start(&self, attempt: AttemptId);
    /// Stop polling `attempt` and tell the backend to forget its code.
    fn cancel(&self, attempt: AttemptId);
    /// Demo only: approve the code on screen as a phone would.
    fn demo(&self) -> Option<&dyn DemoPhoneControl> {
        None
    }
}

/// The demo's stand-in for the citizen's phone.
pub trait DemoPhoneControl {
    /// Approves the code on screen for the demo citizen.
    fn approve(&self);
}

/// Counter: the staff PIN check and the staff session's opening.
pub trait StaffLoginPort {
    fn connect(&mut self, events: EventSink);
    /// Have the PIN checked and a staff session opened; answer with `KioskEvent::StaffResult`.
    fn authenticate(&self, attempt: AttemptId, pin: StaffPin);
    /// Whether staff can log in here at all (false: the login could not be set up).
    fn has_staff(&self) -> bool;
}

/// What a session (a citizen's or a staff member's) asks of the backend, and its end.
pub trait SessionPort {
    fn connect(&mut self, events: EventSink);
    /// Ask the backend on behalf of `session`; answer with `KioskEvent::Data` naming `id`.
    fn request(&self, id: AttemptId, session: AttemptId, request: CitizenRequest);
    /// End this session at the backend and forget its token. Also used for a
    /// session that opened too late to be shown.
    fn end_session(&self, session: AttemptId);
    /// Everything of the current user is being forgotten: answers still in flight
    /// are dropped.
    fn forget_user(&self) {}
}

/// The demo's simulated card.
pub trait DemoCardControl {
    fn set_inserted(&self, inserted: bool);
    fn is_inserted(&self) -> bool;
}

/// What the printer reported, in states staff and citizens understand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PrinterState {
    Ready,
    /// Still prints, but staff should change the roll soon.
    PaperNearEnd,
    PaperEnd,
    CoverOpen,
    Offline,
    /// A bidirectional link that did not answer a status query.
    NoAnswer,
    /// The link cannot tell (a plain file or pipe, the preview printer).
    Unknown,
}

impl PrinterState {
    pub fn can_print(self) -> bool {
        matches!(
            self,
            PrinterState::Ready | PrinterState::PaperNearEnd | PrinterState::Unknown
        )
    }

    /// For the log, the staff screen and `print-test`.
    pub fn describe(self) -> &'static str {
        match self {
            PrinterState::Ready => "ready",
            PrinterState::PaperNearEnd => "paper near end",
            PrinterState::PaperEnd => "paper end",
            PrinterState::CoverOpen => "cover open",
            PrinterState::Offline => "offline",
            PrinterState::NoAnswer => "does not answer a status query",
            PrinterState::Unknown => "status unknown (one-way link)",
        }
    }

    /// For the citizen, in plain Czech (the UI translates it).
    pub fn citizen_message(self) -> &'static str {
        match self {
            PrinterState::Ready | PrinterState::PaperNearEnd | PrinterState::Unknown => "Tisknu…",
            PrinterState::PaperEnd => {
                "V tiskárně došel papír. Obraťte se prosím na obsluhu nebo si údaje opište z obrazovky."
            }
            PrinterState::CoverOpen => "Tiskárna je otevřená. Obraťte se prosím na obsluhu.",
            PrinterState::Offline | PrinterState::NoAnswer => {
                "Tiskárna teď nefunguje. Údaje si prosím opište nebo vyfoťte z obrazovky."
            }
        }
    }
}

impl std::fmt::Display for PrinterState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.describe())
    }
}

/// Which slip a print order or a printer's report is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SlipKind {
    Payment,
    Proof,
    Contact,
    Service,
    PollingPlace,
    Test,
    Reprint,
    /// A notice of the úřední deska.
    Notice,
}

impl SlipKind {
    /// Stable machine name (the print queue, logs).
    pub fn name(self) -> &'static str {
        match self {
            SlipKind::Payment => "payment",
            SlipKind::Proof => "proof",
            SlipKind::Contact => "contact",
            SlipKind::Service => "service",
            SlipKind::PollingPlace => "polling-place",
            SlipKind::Test => "test",
            SlipKind::Reprint => "reprint",
            SlipKind::Notice => "notice",
        }
    }

    pub fn from_name(name: &str) -> Option<SlipKind> {
        [
            SlipKind::Payment,
            SlipKind::Proof,
            SlipKind::Contact,
            SlipKind::Service,
            SlipKind::PollingPlace,
            SlipKind::Test,
            SlipKind::Reprint,
            SlipKind::Notice,
        ]
        .into_iter()
        .find(|k| k.name() == name)
    }
}
