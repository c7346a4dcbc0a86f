//! The kiosk's flow as a state machine: which screen is shown, where Zpět and Domů
//! lead, when an idle kiosk goes back to the promotion loop, and what is reset then.
//!
//! It owns no sockets, files, threads or Slint types. Adapters feed it events with
//! the current monotonic time and carry out the commands it returns; every flow is
//! therefore tested with plain `#[test]`s and a fake clock. It must never hold
//! personal data beyond the login session, and it forgets that session on every
//! return to the loop.
//!
//! Every request it sends to an adapter (login, staff login, citizen data) carries
//! an [`AttemptId`]; a result for an attempt that is no longer current is never
//! shown (a late login is closed at the backend at once).

use std::time::Duration;

use crate::citizen::CitizenRequest;
use crate::config::Mode;
use crate::i18n::Language;

mod area;
mod board;
mod counter;
mod login;
mod phone;
pub mod ports;
mod reading;
mod services;
mod voting;
use area::Area;
pub use area::{
    AreaEvent, AreaView, DeskView, LoadState, PayState, PaymentSlipOrder, PrintOrder, PrintStatus,
    PrinterNews, PrinterStatus,
};
pub use board::{BoardEvent, BoardView, DashboardNotice, NoticeDetail, NoticeItem};
use counter::StaffLogin;
pub use counter::{STAFF_PIN_MAX, STAFF_PIN_MIN, StaffOutcome, StaffPin, StaffView};
pub use login::{CardSlot, LoginOutcome, LoginRequest, LoginStage, LoginView, SessionView};
use login::{Login, Session};
use phone::PhoneLogin;
pub use phone::{
    HelpPlace, LoginHelpView, PHONE_CODE_HOLD, PHONE_CODE_MAX_LIFE, PhoneCode, PhoneNews,
    PhoneStage, PhoneView, login_help,
};
pub use ports::{AttemptId, CardKind, EObcanka, Pin, PinState, PrinterState, SlipKind};
pub use reading::{Output, SPOKEN_PHRASES, Script, Spoken, date_words};
pub use services::{
    ContactHitRow, ContactMatch, QUERY_MAX, SearchAnswer, SearchQuery, SearchState, ServicesEvent,
    ServicesView, TextEdit,
};
pub use voting::{
    ElectionDays, NUMBER_MAX, PollingPlaceOrder, STREET_MAX, SUGGESTIONS, StreetRangeView,
    VotingEvent, VotingView,
};

/// Every screen the kiosk can show. Sections that are not built yet are real
/// screens that say so ("připravujeme"), never fakes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Screen {
    /// Full-screen promotion slides; a touch leads to [`Screen::Home`].
    Promo,
    Home,
    Services,
    Contacts,
    Elections,
    /// "Přihlásit se občankou": insert the eObčanka.
    Login,
    /// "Zaplatit poplatek": needs a login first.
    Payment,
    About,
    /// Nástěnka: the logged-in citizen's overview.
    Dashboard,
    /// "Byli jste odhlášeni. Nezapomeňte si kartu."
    LoggedOut,
    /// Konto plátce: obligations to pay and paid.
    Obligations,
    /// The payment QR code of one obligation (or several).
    Pay,
    /// Stav podání.
    Submissions,
    /// Hlídací pes.
    Watchdog,
    /// Counter mode: the staff PIN pad (where the counter rests).
    StaffLogin,
    /// Counter mode: a payer's obligations by variable symbol, the printer, reprints.
    Counter,
    /// Counter mode: the service screen (printer, reader, sync, version; test print, sync now).
    Service,
    /// One department of the contacts: where, phone, hours, people; print it.
    ContactDetail,
    /// The services of one life situation or department.
    ServiceList,
    /// One service: KDE, JAK, S KÝM, ZA KOLIK, forms, reservation; print it.
    ServiceDetail,
    /// The services searched with the on-screen keyboard.
    ServiceSearch,
    /// Departments and people searched with the on-screen keyboard.
    ContactSearch,
    /// "Přihlásit se telefonem": the QR code, the code, the address, a countdown.
    PhoneLogin,
    /// "Nemám PIN / nevím, jak se přihlásit": the IOK, where to get it, the
    /// phone login, paying in cash.
    LoginHelp,
    /// Úřední deska: what is posted now, newest first, by agenda.
    Board,
    /// The agendas of the úřední deska, to filter by one.
    BoardAgendas,
    /// One notice of the úřední deska: dates, reference, documents with QR codes.
    BoardNotice,
    /// A notice of the citizen's nástěnka in full.
    DashboardNotice,
    /// "Kde volím?": the street on the on-screen keyboard.
    WhereToVote,
    /// "Kde volím?": the house number, for a street split between districts.
    HouseNumber,
    /// The polling district and room found.
    PollingPlace,
}

impl Screen {
    /// Every screen, in the order the screenshot command renders them.
    pub const ALL: [Screen; 31] = [
        Screen::Promo,
        Screen::Home,
        Screen::Services,
        Screen::Contacts,
        Screen::Elections,
        Screen::Login,
        Screen::Payment,
        Screen::About,
        Screen::Dashboard,
        Screen::LoggedOut,
        Screen::Obligations,
        Screen::Pay,
        Screen::Submissions,
        Screen::Watchdog,
        Screen::StaffLogin,
        Screen::Counter,
        Screen::Service,
        Screen::ContactDetail,
        Screen::ServiceList,
        Screen::ServiceDetail,
        Screen::ServiceSearch,
        Screen::ContactSearch,
        Screen::PhoneLogin,
        Screen::LoginHelp,
        Screen::Board,
        Screen::BoardAgendas,
        Screen::BoardNotice,
        Screen::DashboardNotice,
        Screen::WhereToVote,
        Screen::HouseNumber,
        Screen::PollingPlace,
    ];

    /// Stable machine name: used for screenshot file names and logs.
    pub fn name(self) -> &'static str {
        match self {
            Screen::Promo => "promo",
            Screen::Home => "home",
            Screen::Services => "services",
            Screen::Contacts => "contacts",
            Screen::Elections => "elections",
            Screen::Login => "login",
            Screen::Payment => "payment",
            Screen::About => "about",
            Screen::Dashboard => "dashboard",
            Screen::LoggedOut => "logged-out",
            Screen::Obligations => "obligations",
            Screen::Pay => "pay",
            Screen::Submissions => "submissions",
            Screen::Watchdog => "watchdog",
            Screen::StaffLogin => "staff-login",
            Screen::Counter => "counter",
            Screen::Service => "service",
            Screen::ContactDetail => "contact-detail",
            Screen::ServiceList => "service-list",
            Screen::ServiceDetail => "service-detail",
            Screen::ServiceSearch => "service-search",
            Screen::ContactSearch => "contact-search",
            Screen::PhoneLogin => "phone-login",
            Screen::LoginHelp => "login-help",
            Screen::Board => "board",
            Screen::BoardAgendas => "board-agendas",
            Screen::BoardNotice => "board-notice",
            Screen::DashboardNotice => "dashboard-notice",
            Screen::WhereToVote => "where-to-vote",
            Screen::HouseNumber => "house-number",
            Screen::PollingPlace => "polling-place",
        }
    }

    /// Screens that show the logged-in citizen's data.
    /// What kind of screen this is, for systemd's STATUS and monitoring:
    /// `promo`, `public`, `login`, `citizen` or `counter` — never more.
    pub fn category(self) -> &'static str {
        match self {
            Screen::Promo => "promo",
            Screen::Home
            | Screen::Services
            | Screen::ServiceList
            | Screen::ServiceDetail
            | Screen::ServiceSearch
            | Screen::Contacts
            | Screen::ContactDetail
            | Screen::ContactSearch
            | Screen::Elections
            | Screen::WhereToVote
            | Screen::HouseNumber
            | Screen::PollingPlace
            | Screen::Board
            | Screen::BoardAgendas
            | Screen::BoardNotice
            | Screen::About => "public",
            Screen::Login | Screen::Payment | Screen::PhoneLogin | Screen::LoginHelp => "login",
            Screen::Dashboard
            | Screen::DashboardNotice
            | Screen::Obligations
            | Screen::Pay
            | Screen::Submissions
            | Screen::Watchdog
            | Screen::LoggedOut => "citizen",
            Screen::StaffLogin | Screen::Counter | Screen::Service => "counter",
        }
    }

    pub fn is_personal(self) -> bool {
        matches!(
            self,
            Screen::Dashboard
                | Screen::DashboardNotice
                | Screen::Obligations
                | Screen::Pay
                | Screen::Submissions
                | Screen::Watchdog
                | Screen::Counter
        )
    }
}

/// Something that happened, as the core sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KioskEvent {
    /// Any touch anywhere (keeps the kiosk awake; on the loop, opens Home).
    Touch,
    /// A tile or link asked for a screen.
    Open(Screen),
    /// "Zpět".
    Back,
    /// "Domů".
    Home,
    ChooseLanguage(Language),
    ToggleLargeText,
    ToggleHighContrast,
    /// Periodic clock tick: lets the idle timer fire.
    Tick,
    /// The card reader reported something.
    Card(CardEvent),
    /// A key of the PIN pad: a digit 0–9.
    PinDigit(u8),
    PinErase,
    PinConfirm,
    /// "Zrušit" on the login screens.
    LoginCancel,
    /// "Zkusit znovu" after a service error.
    LoginRetry,
    /// A login attempt finished.
    LoginResult {
        attempt: AttemptId,
        outcome: LoginOutcome,
    },
    /// "Pokračovat" on the idle warning.
    KeepAlive,
    /// "Odhlásit se".
    Logout,
    /// The backend ended or refused the session mid-way.
    SessionLost,
    /// Counter: a key of the staff PIN pad (0–9).
    StaffDigit(u8),
    StaffErase,
    StaffConfirm,
    /// A staff PIN check (and backend login) finished.
    StaffResult {
        attempt: AttemptId,
        outcome: StaffOutcome,
    },
    /// A touch in the citizen area, at the counter's desk or on the contacts.
    Area(AreaEvent),
    /// The backend answered the data request `id`.
    Data {
        id: AttemptId,
        result: crate::citizen::CitizenResult,
    },
    /// The printer thread reported; `job` names the print order it answers.
    Printer {
        job: Option<AttemptId>,
        news: PrinterNews,
    },
    /// The town's departments (public content, synced).
    Contacts(Vec<crate::portal::types::Department>),
    /// The sync engine reported how old the public data is.
    SyncReported,
    /// The town's urgent notices in force here, as "Číst nahlas" says them
    /// on the home screen (most severe first; empty: none).
    UrgentNotices(Vec<String>),
    /// The town's service catalogue (public content, synced).
    Catalogue(std::sync::Arc<Vec<crate::portal::types::Service>>),
    /// A touch on the services' or contacts' screens.
    Services(ServicesEvent),
    /// A key of the on-screen keyboard.
    Text(TextEdit),
    /// The search adapter answered the search `id`.
    SearchResult {
        id: AttemptId,
        answer: SearchAnswer,
    },
    /// "Přihlásit se telefonem", "Nový kód", "Zkusit znovu" on the phone login.
    PhoneStart,
    /// "Zrušit" on the phone login (back to the choice of login).
    PhoneCancel,
    /// The phone login adapter reported on an attempt.
    Phone {
        attempt: AttemptId,
        news: PhoneNews,
    },
    /// The town's úřední deska (public content, synced).
    NoticeBoard(std::sync::Arc<Vec<crate::noticeboard::BoardNotice>>),
    /// The elections and polling districts (public content, synced).
    Elections(std::sync::Arc<crate::portal::types::ElectionInfo>),
    /// A touch on the board's screens or on a nástěnka notice.
    Board(BoardEvent),
    /// A touch on the elections' screens.
    Voting(VotingEvent),
    /// "Číst nahlas": read the screen, or stop reading.
    ReadAloud,
    /// "Hlasitost −" / "Hlasitost +".
    Volume(VolumeStep),
    /// The speech adapter said everything (or could not).
    SpeechEnded,
    /// The site's night hours began (`asleep`) or ended: the screen sleeps
    /// once the kiosk is at rest, and wakes at a touch, a card or the morning.
    Schedule {
        asleep: bool,
    },
}

/// A tap on the volume buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VolumeStep {
    Quieter,
    Louder,
}

/// The reader's news, as the core needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardEvent {
    /// Reader present, no card.
    Ready,
    /// pcscd down or no reader.
    Unavailable,
    /// A card went in and is being read.
    Reading,
    Read(CardKind),
    /// A card is in but does not answer (or could not be read).
    Unreadable,
    Removed,
    /// The IOK's state read again.
    Pin(PinState),
}

/// What the adapters must do. Screen, language and accessibility switches are
/// also in [`KioskView`]; commands say what *changed*, so adapters can start and
/// stop work (the promotion loop decodes images only while it is shown).
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    ShowScreen(Screen),
    StartPromo,
    StopPromo,
    ApplyLanguage(Language),
    /// Forget everything of the current user: view models, inputs, the session.
    ForgetUser,
    /// Sign the challenge with the card and log in (answered by `LoginResult`
    /// naming `attempt`).
    Authenticate {
        attempt: AttemptId,
        request: LoginRequest,
    },
    /// Read the IOK's tries again (answered by `Card(Pin(..))`).
    RereadPin,
    /// End this backend session (logout call) and drop its token; also sent for a
    /// session that opened after its attempt stopped being current.
    EndSession(AttemptId),
    /// Counter: check the staff PIN and open a staff session (answered by `StaffResult`).
    StaffAuthenticate {
        attempt: AttemptId,
        pin: StaffPin,
    },
    /// Ask the backend on behalf of `session` (answered by `Data` naming `id`).
    Fetch {
        id: AttemptId,
        session: AttemptId,
        request: CitizenRequest,
    },
    /// Hand the printer thread an order (answered by `Printer` naming `job`).
    Print {
        job: AttemptId,
        order: PrintOrder,
    },
    /// No printer: draw the slip of this order as it would print, off the UI
    /// thread (answered by `Printer` with `PrinterNews::Preview` naming `job`).
    Preview {
        job: AttemptId,
        order: PrintOrder,
    },
    /// Show the picture of the slip the printer thread (or the preview) just drew.
    ShowSlipPicture,
    /// A new slip was ordered: the last one's picture leaves the screen.
    ClearSlipPicture,
    /// Counter: wake the sync runner now.
    SyncNow,
    /// Search the stored catalogue or contacts (answered by `SearchResult`
    /// naming `id`), off the UI thread.
    Search {
        id: AttemptId,
        query: SearchQuery,
    },
    /// Ask for a phone-login code and poll it (answered by `Phone` naming `attempt`).
    PhoneLogin {
        attempt: AttemptId,
    },
    /// Stop polling this phone login and tell the backend to forget its code.
    PhoneCancel(AttemptId),
    /// Say this (answered by `SpeechEnded`); whatever was being said stops.
    Speak(Script),
    /// Stop saying anything at once.
    StopSpeaking,
    /// The volume step (1–10) from now on, also for what is being said.
    SetVolume(u8),
    /// Blank the screen (and switch its backlight off where it can) or light it again.
    Blank(bool),
}

/// Per-site settings the core needs.
#[derive(Debug, Clone)]
pub struct KioskSettings {
    pub mode: Mode,
    pub idle_timeout: Duration,
    pub default_language: Language,
    pub languages: Vec<Language>,
    pub session: SessionTimes,
}

/// How long a logged-in citizen may stand still, and the warning before logout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionTimes {
    /// Idle time before the warning appears.
    pub idle: Duration,
    /// How long the warning counts down (≥ 20 s, UX.md).
    pub warning: Duration,
    /// How long "Byli jste odhlášeni" stays before the loop.
    pub logged_out: Duration,
    /// Idle time before the warning for a session opened by a phone: shorter,
    /// as no card comes out to end it (PHONE-LOGIN.md).
    pub phone_idle: Duration,
}

impl Default for SessionTimes {
    fn default() -> Self {
        SessionTimes {
            idle: Duration::from_secs(120),
            warning: Duration::from_secs(30),
            logged_out: Duration::from_secs(8),
            phone_idle: Duration::from_secs(60),
        }
    }
}

/// Everything the UI shows that the core decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KioskView {
    pub screen: Screen,
    pub language: Language,
    pub large_text: bool,
    pub high_contrast: bool,
    /// Whether "Zpět" leads anywhere but Home.
    pub can_go_back: bool,
    pub login: LoginView,
    /// The logged-in citizen (or staff member at the counter), if any.
    pub session: Option<SessionView>,
    /// Counter: the staff login.
    pub staff: StaffView,
    /// The card reader's state (staff diagnostics at the counter).
    pub reader: ReaderStatus,
    /// The phone login.
    pub phone: PhoneView,
    /// "Číst nahlas".
    pub speech: SpeechView,
}

/// "Číst nahlas" as the bar shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpeechView {
    /// This kiosk can speak (the button is shown).
    pub available: bool,
    pub speaking: bool,
    /// 1–10.
    pub volume: u8,
}

/// The loudest volume step.
pub const VOLUME_MAX: u8 = 10;

/// The speech output's state in the core.
#[derive(Debug, Clone, Copy)]
struct Speech {
    available: bool,
    /// The site has a headphone jack: personal data may be said there.
    headphones: bool,
    /// The site's volume, back at rest.
    default_volume: u8,
    volume: u8,
    speaking: bool,
}

/// The card reader as staff see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReaderStatus {
    /// No news from the reader yet.
    Unknown,
    Ready,
    /// pcscd down or no reader.
    Problem,
    /// This kiosk has no reader configured.
    None,
}

/// The state machine itself.
#[derive(Debug)]
pub struct Kiosk {
    settings: KioskSettings,
    screen: Screen,
    history: Vec<Screen>,
    language: Language,
    large_text: bool,
    high_contrast: bool,
    last_activity: Duration,
    /// What is in the reader.
    card: CardSlot,
    /// A card left in after a session or a cancelled login must come out first.
    must_remove: bool,
    login: Option<Login>,
    session: Option<Session>,
    /// Counter: the staff PIN being typed.
    staff: StaffLogin,
    /// When the logged-out screen appeared.
    logged_out_at: Option<Duration>,
    /// The citizen area, the counter's desk, printing and contacts.
    area: Area,
    /// Služby úřadu and the searches.
    services: services::Services,
    /// The úřední deska and the nástěnka notice opened.
    board: board::Board,
    /// Volby and "Kde volím?".
    voting: voting::Voting,
    /// The last attempt id handed out.
    attempts: u64,
    /// Whether this kiosk has a card reader at all.
    has_reader: bool,
    /// The phone login in progress, if any.
    phone: Option<PhoneLogin>,
    /// Whether a phone login adapter is there.
    phone_available: bool,
    /// The time of the latest event.
    now: Duration,
    /// "Číst nahlas".
    speech: Speech,
    /// Sessions opened and ended since the adapters last took them (for the
    /// metrics; see [`Kiosk::take_tallies`]).
    tallies: Vec<Tally>,
    /// The site's night hours are on.
    night: bool,
    /// The screen is blank.
    asleep: bool,
    /// The urgent notices in force, as said aloud (town content, Czech).
    urgent_notices: Vec<String>,
    /// The town's names read aloud (from the site config).
    town: TownWords,
}

/// The town's own words the core reads aloud: from the site config, never
/// from the code (white-label; see `crate::town`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TownWords {
    pub portal_name: String,
    pub phone: String,
    /// The town hall's address (the podatelna).
    pub address: String,
    pub web: String,
    pub municipality: String,
    pub support_email: String,
}

/// A session opened or ended, for monitoring: how and why, never whose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tally {
    /// `card`, `phone` or `staff`.
    SessionStarted(&'static str),
    /// `logout`, `card_removed`, `idle`, `expired`, `replaced` or `error`.
    SessionEnded(&'static str),
}

impl Kiosk {
    /// A kiosk at rest at time `now` (monotonic time since an arbitrary start).
    pub fn new(settings: KioskSettings, now: Duration) -> (Kiosk, Vec<Command>) {
        let screen = resting_screen(settings.mode);
        let kiosk = Kiosk {
            language: settings.default_language,
            settings,
            screen,
            history: Vec::new(),
            large_text: false,
            high_contrast: false,
            last_activity: now,
            card: CardSlot::Unknown,
            must_remove: false,
            login: None,
            session: None,
            staff: StaffLogin::default(),
            logged_out_at: None,
            area: Area::new(true),
            services: services::Services::default(),
            board: board::Board::default(),
            voting: voting::Voting::default(),
            urgent_notices: Vec::new(),
            has_reader: true,
            phone: None,
            phone_available: false,
            attempts: 0,
            now,
            speech: Speech {
                available: false,
                headphones: false,
                default_volume: 7,
                volume: 7,
                speaking: false,
            },
            tallies: Vec::new(),
            night: false,
            asleep: false,
            town: TownWords::default(),
        };
        let mut commands = vec![
            Command::ApplyLanguage(kiosk.language),
            Command::ShowScreen(screen),
        ];
        if screen == Screen::Promo {
            commands.push(Command::StartPromo);
        }
        (kiosk, commands)
    }

    pub fn view(&self) -> KioskView {
        KioskView {
            screen: self.screen,
            language: self.language,
            large_text: self.large_text,
            high_contrast: self.high_contrast,
            can_go_back: !self.history.is_empty(),
            login: self.login_view(),
            session: self.session_view(),
            staff: self.staff_view(),
            reader: match self.card {
                _ if !self.has_reader => ReaderStatus::None,
                CardSlot::Unknown => ReaderStatus::Unknown,
                CardSlot::Unavailable => ReaderStatus::Problem,
                _ => ReaderStatus::Ready,
            },
            phone: self.phone_view(),
            speech: SpeechView {
                available: self.speech.available,
                speaking: self.speech.speaking,
                volume: self.speech.volume,
            },
        }
    }

    pub fn screen(&self) -> Screen {
        self.screen
    }

    /// What this kiosk has: without a printer "Vytisknout" says so at once; without
    /// a reader staff see "není nastavena". Both are assumed until said otherwise.
    pub fn set_equipment(&mut self, printer: bool, reader: bool) {
        self.area = Area::new(printer);
        self.has_reader = reader;
    }

    /// Whether this kiosk can speak, whether it has headphones (personal data
    /// is said only there), and its volume step (1–10) at rest.
    /// The town's names, as the site config gives them.
    pub fn set_town(&mut self, town: TownWords) {
        self.town = town;
    }

    pub fn set_speech(&mut self, available: bool, headphones: bool, volume: u8) {
        let volume = volume.clamp(1, VOLUME_MAX);
        self.speech = Speech {
            available,
            headphones,
            default_volume: volume,
            volume,
            speaking: false,
        };
    }

    /// Whether a sync runner answers "Synchronizovat nyní" (none: the button
    /// does nothing rather than promise a sync).
    pub fn set_sync_available(&mut self, available: bool) {
        self.area.set_sync_available(available);
    }

    /// The citizen area's, the desk's and the contacts' view (formatted).
    pub fn area(&self) -> AreaView {
        self.area.view(chrono::Local::now().date_naive())
    }

    /// Bumped at every change of [`Kiosk::area`]: redraw only when it moved.
    pub fn area_revision(&self) -> u64 {
        self.area.revision()
    }

    pub fn settings(&self) -> &KioskSettings {
        &self.settings
    }

    /// When the idle timer will fire if nothing happens (None on the resting screen).
    /// With a session: when the session ends (the warning comes before).
    pub fn idle_deadline(&self) -> Option<Duration> {
        if self.session.is_some() {
            return Some(self.last_activity + self.session_idle() + self.settings.session.warning);
        }
        if let Some(deadline) = self.phone_deadline() {
            return Some(deadline);
        }
        if let Some(at) = self.logged_out_at {
            return Some(at + self.settings.session.logged_out);
        }
        (self.screen != resting_screen(self.settings.mode) || self.is_personalised())
            .then(|| self.last_activity + self.settings.idle_timeout)
    }

    fn is_personalised(&self) -> bool {
        self.language != self.settings.default_language
            || self.speech.volume != self.speech.default_volume
            || self.large_text
            || self.high_contrast
            || self.staff_pin_typed()
    }

    /// Whether the screen is blank for the night.
    pub fn asleep(&self) -> bool {
        self.asleep
    }

    /// At night the screen sleeps whenever the kiosk comes to rest on the loop
    /// (never in the middle of somebody's use); anything that leaves the loop —
    /// a touch, a card — or the morning lights it again.
    fn sleep_or_wake(&mut self, commands: &mut Vec<Command>) {
        let resting = self.screen == Screen::Promo
            && self.session.is_none()
            && self.login.is_none()
            && self.phone.is_none();
        if self.asleep && !(self.night && resting) {
            self.asleep = false;
            commands.insert(0, Command::Blank(false));
            if self.screen == Screen::Promo && !commands.contains(&Command::StartPromo) {
                commands.push(Command::StartPromo);
            }
        } else if !self.asleep && self.night && resting {
            self.asleep = true;
            commands.retain(|c| *c != Command::StartPromo);
            commands.push(Command::StopPromo);
            commands.push(Command::StopSpeaking);
            commands.push(Command::Blank(true));
        }
    }

    /// Whether the card reader is there and answering (for monitoring).
    pub fn reader_present(&self) -> bool {
        self.has_reader && !matches!(self.card, CardSlot::Unknown | CardSlot::Unavailable)
    }

    /// The sessions opened and ended since the last call (oldest first).
    pub fn take_tallies(&mut self) -> Vec<Tally> {
        std::mem::take(&mut self.tallies)
    }

    /// Feeds one event at time `now`; returns what the adapters must do.
    pub fn handle(&mut self, event: KioskEvent, now: Duration) -> Vec<Command> {
        let before = (self.screen, self.language, self.session.is_some());
        let session_before = self.session.as_ref().map(|s| (s.id, s.kind()));
        let why = end_reason(&event);
        let mut commands = self.handle_event(event, now);
        let session_after = self.session.as_ref().map(|s| (s.id, s.kind()));
        if session_before != session_after {
            if session_before.is_some() {
                self.tallies.push(Tally::SessionEnded(why));
            }
            if let Some((_, kind)) = session_after {
                self.tallies.push(Tally::SessionStarted(kind));
            }
        }
        self.sleep_or_wake(&mut commands);
        // Reading stops when what it reads goes: another screen, another
        // language, a session that ended.
        if self.speech.speaking && before != (self.screen, self.language, self.session.is_some()) {
            self.speech.speaking = false;
            commands.push(Command::StopSpeaking);
        }
        commands
    }

    fn handle_event(&mut self, event: KioskEvent, now: Duration) -> Vec<Command> {
        self.now = now;
        if let KioskEvent::Schedule { asleep } = event {
            // Signage displays sleep at night too.
            self.night = asleep;
            return Vec::new();
        }
        if self.settings.mode == Mode::Signage {
            // Display-only: nothing a passer-by does changes the screen.
            return Vec::new();
        }
        // Card events and results are not the citizen's touches: they do not
        // hold off the idle timer (a card left in must not keep a session alive).
        let user_action = !matches!(
            event,
            KioskEvent::Tick
                | KioskEvent::Card(_)
                | KioskEvent::LoginResult { .. }
                | KioskEvent::StaffResult { .. }
                | KioskEvent::SessionLost
                | KioskEvent::Data { .. }
                | KioskEvent::Printer { .. }
                | KioskEvent::Contacts(_)
                | KioskEvent::SyncReported
                | KioskEvent::UrgentNotices(_)
                | KioskEvent::Catalogue(_)
                | KioskEvent::SearchResult { .. }
                | KioskEvent::Phone { .. }
                | KioskEvent::NoticeBoard(_)
                | KioskEvent::Elections(_)
                | KioskEvent::SpeechEnded
                | KioskEvent::Schedule { .. }
        );
        if user_action {
            self.last_activity = now;
            if let Some(session) = self.session.as_mut()
                && (session.warned || event == KioskEvent::KeepAlive)
            {
                // Only "Pokračovat" (or any touch, equally deliberate) clears the warning.
                session.warned = false;
            }
        }
        match event {
            KioskEvent::Tick => {
                let mut commands = self.phone_tick(now);
                commands.extend(self.tick(now));
                commands.extend(self.area_tick(now));
                commands
            }
            KioskEvent::Touch => match self.screen {
                Screen::Promo => self.go(Screen::Home, false),
                Screen::LoggedOut => {
                    self.logged_out_at = None;
                    let mut commands = self.reset_personal();
                    let home = self.home_screen();
                    commands.extend(self.go(home, false));
                    commands
                }
                _ => Vec::new(),
            },
            KioskEvent::Card(card) => self.card_event(card, now),
            KioskEvent::PinDigit(d) => {
                if self.login_stage() == LoginStage::Pin
                    && let Some(login) = self.login.as_mut()
                {
                    login.pin.push(d);
                }
                Vec::new()
            }
            KioskEvent::PinErase => {
                if let Some(login) = self.login.as_mut() {
                    login.pin.pop();
                }
                Vec::new()
            }
            KioskEvent::PinConfirm => self.confirm_pin(),
            KioskEvent::LoginCancel => {
                self.login = None;
                self.must_remove = self.card.is_present();
                self.history.clear();
                let mut commands = vec![self.forget_user()];
                let home = self.home_screen();
                if self.screen != home {
                    commands.extend(self.go(home, false));
                }
                commands
            }
            KioskEvent::LoginRetry => {
                if let Some(login) = self.login.as_mut() {
                    login.service_error = false;
                }
                Vec::new()
            }
            KioskEvent::LoginResult { attempt, outcome } => self.login_result(attempt, outcome),
            KioskEvent::StaffDigit(d) => self.staff_digit(d),
            KioskEvent::StaffErase => self.staff_erase(),
            KioskEvent::StaffConfirm => self.staff_confirm(),
            KioskEvent::StaffResult { attempt, outcome } => self.staff_result(attempt, outcome),
            KioskEvent::Area(event) => self.area_event(event),
            KioskEvent::Data { id, result } => self.data(id, result),
            KioskEvent::Printer { job, news } => self.printer_news(job, news),
            KioskEvent::Contacts(departments) => self.contacts(departments),
            KioskEvent::SyncReported => self.sync_reported(),
            KioskEvent::UrgentNotices(spoken) => {
                self.urgent_notices = spoken;
                Vec::new()
            }
            KioskEvent::Catalogue(services) => self.catalogue(services),
            KioskEvent::Services(event) => self.services_event(event),
            KioskEvent::Text(edit) if self.screen == Screen::WhereToVote => self.voting_text(edit),
            KioskEvent::Text(edit) => self.text_edit(edit),
            KioskEvent::SearchResult { id, answer } => self.search_answer(id, answer),
            KioskEvent::PhoneStart => self.phone_start(),
            KioskEvent::PhoneCancel => self.phone_cancel(),
            KioskEvent::Phone { attempt, news } => self.phone_news(attempt, news),
            KioskEvent::NoticeBoard(notices) => self.notice_board(notices),
            KioskEvent::Elections(info) => self.elections(info),
            KioskEvent::Board(event) => self.board_event(event),
            KioskEvent::Voting(event) => self.voting_event(event),
            KioskEvent::KeepAlive => Vec::new(),
            KioskEvent::ReadAloud => self.read_aloud(),
            KioskEvent::Volume(step) => self.volume(step),
            KioskEvent::SpeechEnded => {
                self.speech.speaking = false;
                Vec::new()
            }
            KioskEvent::Schedule { .. } => Vec::new(),
            KioskEvent::Logout | KioskEvent::SessionLost => {
                if self.session.is_some() {
                    self.end_session(now)
                } else {
                    Vec::new()
                }
            }
            KioskEvent::Open(target) => self.handle_open(target),
            KioskEvent::Back => {
                let home = self.home_screen();
                match self.history.pop() {
                    Some(previous) => {
                        let previous = self.guard(previous);
                        self.go(previous, false)
                    }
                    None if self.screen != home && self.screen != Screen::Promo => {
                        self.go(home, false)
                    }
                    None => Vec::new(),
                }
            }
            KioskEvent::Home => {
                self.history.clear();
                let home = self.home_screen();
                if self.screen == home || self.screen == Screen::Promo {
                    Vec::new()
                } else {
                    self.go(home, false)
                }
            }
            KioskEvent::ChooseLanguage(language) => {
                if language == self.language || !self.settings.languages.contains(&language) {
                    return Vec::new();
                }
                self.language = language;
                vec![Command::ApplyLanguage(language)]
            }
            KioskEvent::ToggleLargeText => {
                self.large_text = !self.large_text;
                Vec::new()
            }
            KioskEvent::ToggleHighContrast => {
                self.high_contrast = !self.high_contrast;
                Vec::new()
            }
        }
    }

    /// A tile, link or button asked for a screen.
    fn handle_open(&mut self, target: Screen) -> Vec<Command> {
        let target = self.guard(target);
        if target == self.screen || target == Screen::Promo || target == Screen::LoggedOut {
            return Vec::new();
        }
        if self.screen == Screen::Promo {
            // A tile cannot be touched on the loop; treat it as the wake-up touch.
            return self.go(Screen::Home, false);
        }
        let push = self.screen != Screen::Home || target != Screen::Home;
        self.go(target, push)
    }

    /// Forgets the person's data in the core and tells the adapters to do the same.
    fn forget_user(&mut self) -> Command {
        self.area.forget_user();
        self.services.forget_user();
        self.board.forget_user();
        self.voting.forget_user();
        Command::ForgetUser
    }

    /// Moves to `target`; with `push`, the current screen is remembered for "Zpět".
    fn go(&mut self, target: Screen, push: bool) -> Vec<Command> {
        let mut commands = Vec::new();
        if push && self.screen != Screen::Promo {
            self.history.push(self.screen);
        }
        if target == self.home_screen() {
            self.history.clear();
        }
        if self.screen == Screen::Promo && target != Screen::Promo {
            commands.push(Command::StopPromo);
        }
        if self.screen == Screen::PhoneLogin && target != Screen::PhoneLogin {
            // Leaving the code's screen in any way abandons the code.
            commands.extend(self.abandon_phone());
        }
        self.screen = target;
        commands.push(Command::ShowScreen(target));
        commands.extend(self.screen_opened(target));
        commands
    }

    /// Personal choices back to the site's defaults; the user's data forgotten.
    fn reset_personal(&mut self) -> Vec<Command> {
        let mut commands = self.abandon_phone();
        commands.push(self.forget_user());
        self.history.clear();
        self.large_text = false;
        self.high_contrast = false;
        if let Some(mut login) = self.login.take() {
            login.pin.clear();
        }
        self.reset_staff_login();
        if self.language != self.settings.default_language {
            self.language = self.settings.default_language;
            commands.push(Command::ApplyLanguage(self.language));
        }
        if self.speech.volume != self.speech.default_volume {
            self.speech.volume = self.speech.default_volume;
            commands.push(Command::SetVolume(self.speech.volume));
        }
        commands
    }

    /// "Číst nahlas": read this screen, or stop.
    fn read_aloud(&mut self) -> Vec<Command> {
        if !self.speech.available {
            return Vec::new();
        }
        if self.speech.speaking {
            self.speech.speaking = false;
            return vec![Command::StopSpeaking];
        }
        let script = self.reading(chrono::Local::now().date_naive());
        if script.parts.is_empty() {
            return Vec::new();
        }
        self.speech.speaking = true;
        vec![Command::Speak(script)]
    }

    fn volume(&mut self, step: VolumeStep) -> Vec<Command> {
        let volume = match step {
            VolumeStep::Quieter => self.speech.volume.saturating_sub(1).max(1),
            VolumeStep::Louder => (self.speech.volume + 1).min(VOLUME_MAX),
        };
        if !self.speech.available || volume == self.speech.volume {
            return Vec::new();
        }
        self.speech.volume = volume;
        vec![Command::SetVolume(volume)]
    }

    /// Idle: back to the loop (or Home at the counter), every personal choice reset.
    fn return_to_rest(&mut self) -> Vec<Command> {
        let rest = resting_screen(self.settings.mode);
        self.logged_out_at = None;
        if self.login.is_some() && self.card.is_present() {
            // An abandoned login: the card stays in, the next person must take it out.
            self.must_remove = true;
        }
        let mut commands = self.reset_personal();
        if self.screen != rest {
            self.screen = rest;
            commands.push(Command::ShowScreen(rest));
            if rest == Screen::Promo {
                commands.push(Command::StartPromo);
            }
        }
        commands
    }
}

/// Where a kiosk of this mode rests when nobody uses it.
/// Why a session that `event` ended, ended.
fn end_reason(event: &KioskEvent) -> &'static str {
    match event {
        KioskEvent::Logout => "logout",
        KioskEvent::Card(CardEvent::Removed | CardEvent::Ready) => "card_removed",
        // A card inserted during a phone's session takes over the kiosk.
        KioskEvent::Card(CardEvent::Reading) => "replaced",
        KioskEvent::Tick => "idle",
        KioskEvent::SessionLost | KioskEvent::Data { .. } => "expired",
        _ => "error",
    }
}

pub fn resting_screen(mode: Mode) -> Screen {
    match mode {
        Mode::Kiosk | Mode::Signage => Screen::Promo,
        Mode::Counter => Screen::StaffLogin,
    }
}

#[cfg(test)]
mod board_tests;
#[cfg(test)]
mod phone_tests;
#[cfg(test)]
mod reading_tests;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;
