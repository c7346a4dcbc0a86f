//! Slint glue: binds the kiosk core ([`crate::kiosk`]) to the window. User intents
//! from the `Flow` global become [`KioskEvent`]s; the commands and view the core
//! returns are written back into the globals. The promotion loop's slides arrive
//! from the preparer thread through a channel drained on the UI thread.
//!
//! This module must never block the UI thread: no file, network or decoding work
//! happens here, only property updates.

mod citizen;
mod promo_driver;
pub mod screenshot;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use crate::config::Mode;
use crate::i18n::Language;
use crate::kiosk::{
    CardEvent, Command, Kiosk, KioskEvent, KioskSettings, KioskView, LoginOutcome, LoginRequest,
    Screen,
};
use crate::promo::Playlist;

pub use promo_driver::PromoDriver;

slint::include_modules!();

/// Monotonic time for the core: real time in production, Slint's mock time in tests.
pub type Clock = Rc<dyn Fn() -> Duration>;

/// A clock that starts at zero now.
pub fn system_clock() -> Clock {
    let start = Instant::now();
    Rc::new(move || start.elapsed())
}

/// Facts about this kiosk shown on the About screen.
#[derive(Debug, Clone)]
pub struct KioskIdentity {
    pub version: String,
    pub kiosk_id: String,
    pub site_name: String,
    /// The printer profile slips are laid out for.
    pub printer_profile: String,
}

impl KioskIdentity {
    pub fn new(kiosk_id: &str, site_name: &str) -> KioskIdentity {
        KioskIdentity {
            version: env!("CARGO_PKG_VERSION").to_string(),
            kiosk_id: kiosk_id.to_string(),
            site_name: site_name.to_string(),
            printer_profile: "epson-tm-t20".into(),
        }
    }

    pub fn with_printer_profile(mut self, profile: &str) -> KioskIdentity {
        self.printer_profile = profile.to_string();
        self
    }
}

/// Everything the UI needs to start.
pub struct UiSetup {
    pub settings: KioskSettings,
    pub identity: KioskIdentity,
    pub playlist: Playlist,
    /// Logical screen size the slides are prepared for.
    pub screen_size: (u32, u32),
    pub fade: Duration,
    pub clock: Clock,
    /// Who carries out logins; `None` where there is no reader (signage).
    pub login: Option<Box<dyn LoginBackend>>,
    /// The printer thread; `None` without a printer.
    pub printer: Option<crate::printing::PrintService>,
}

/// The adapters behind the login: signing, the backend session, the reader.
/// Each call returns at once; results come back as [`UiUpdate`]s.
pub trait LoginBackend {
    /// Called once by [`KioskUi::attach`]: where results and card news go.
    fn connect(&mut self, updates: UiUpdates);
    /// Sign the challenge and log in; answer with `UiUpdate::LoginResult`.
    fn authenticate(&self, request: LoginRequest);
    /// Read the IOK's tries again; answer with `UiUpdate::Card(CardEvent::Pin(..))`.
    fn reread_pin(&self);
    /// Log the session out at the backend and forget its token.
    fn end_session(&self);
    /// Counter: check a staff PIN and open a staff session; answer with
    /// `UiUpdate::StaffResult`.
    fn staff_authenticate(&self, pin: crate::kiosk::StaffPin);
    /// Ask the backend for the citizen's data; answer with `UiUpdate::Citizen`.
    /// Answers for a session that has ended meanwhile are never delivered.
    fn citizen(&self, request: crate::citizen::CitizenRequest);
    /// Whether there is a card reader behind it (a counter may have none).
    fn has_reader(&self) -> bool {
        true
    }
    /// Counter: whether any staff member can log in (`[[staff]]` entries read).
    fn has_staff(&self) -> bool {
        false
    }
    /// Demo only: a simulated card to insert and remove from the screen.
    fn demo_card(&self) -> Option<&dyn DemoCardControl> {
        None
    }
}

/// The demo's simulated card.
pub trait DemoCardControl {
    fn set_inserted(&self, inserted: bool);
    fn is_inserted(&self) -> bool;
}

pub fn screen_id(screen: Screen) -> ScreenId {
    match screen {
        Screen::Promo => ScreenId::Promo,
        Screen::Home => ScreenId::Home,
        Screen::Services => ScreenId::Services,
        Screen::Contacts => ScreenId::Contacts,
        Screen::Elections => ScreenId::Elections,
        Screen::Login => ScreenId::Login,
        Screen::Payment => ScreenId::Payment,
        Screen::About => ScreenId::About,
        Screen::Dashboard => ScreenId::Dashboard,
        Screen::LoggedOut => ScreenId::LoggedOut,
        Screen::Obligations => ScreenId::Obligations,
        Screen::Pay => ScreenId::Pay,
        Screen::Submissions => ScreenId::Submissions,
        Screen::Watchdog => ScreenId::Watchdog,
        Screen::StaffLogin => ScreenId::StaffLogin,
        Screen::Counter => ScreenId::Counter,
        Screen::Service => ScreenId::Service,
        Screen::ContactDetail => ScreenId::ContactDetail,
    }
}

fn screen_from_id(id: ScreenId) -> Screen {
    match id {
        ScreenId::Promo => Screen::Promo,
        ScreenId::Home => Screen::Home,
        ScreenId::Services => Screen::Services,
        ScreenId::Contacts => Screen::Contacts,
        ScreenId::Elections => Screen::Elections,
        ScreenId::Login => Screen::Login,
        ScreenId::Payment => Screen::Payment,
        ScreenId::About => Screen::About,
        ScreenId::Dashboard => Screen::Dashboard,
        ScreenId::LoggedOut => Screen::LoggedOut,
        ScreenId::Obligations => Screen::Obligations,
        ScreenId::Pay => Screen::Pay,
        ScreenId::Submissions => Screen::Submissions,
        ScreenId::Watchdog => Screen::Watchdog,
        ScreenId::StaffLogin => Screen::StaffLogin,
        ScreenId::Counter => Screen::Counter,
        ScreenId::Service => Screen::Service,
        ScreenId::ContactDetail => Screen::ContactDetail,
    }
}

/// Switches the bundled translation. Czech is the source language of every string,
/// so it is selected as Slint's default (empty) language, not as a bundle.
pub fn select_language(language: Language) {
    let bundle = if language == Language::Cs {
        ""
    } else {
        language.code()
    };
    if let Err(e) = slint::select_bundled_translation(bundle) {
        tracing::warn!(language = language.code(), error = %e, "cannot switch language");
    }
}

/// Writes the core's view into the window's globals.
pub fn apply_view(app: &AppWindow, view: &KioskView) {
    let flow = app.global::<Flow>();
    flow.set_screen(screen_id(view.screen));
    flow.set_language(SharedString::from(view.language.code()));
    flow.set_can_go_back(view.can_go_back);
    let theme = app.global::<Theme>();
    theme.set_large_text(view.large_text);
    theme.set_high_contrast(view.high_contrast);
    let login = app.global::<Login>();
    login.set_stage(login_stage(view.login.stage));
    login.set_tries_left(i32::from(view.login.tries_left));
    login.set_tries_max(i32::from(view.login.tries_max));
    login.set_pin_length(view.login.pin_length as i32);
    login.set_pin_min(crate::card::Pin::MIN as i32);
    login.set_pin_max(crate::card::Pin::MAX as i32);
    login.set_wrong_pin(view.login.wrong_pin);
    let session = app.global::<Session>();
    match &view.session {
        Some(s) => {
            session.set_active(true);
            session.set_first_name(s.first_name.as_str().into());
            session.set_warning(s.warning_seconds.is_some());
            session.set_warning_seconds(s.warning_seconds.unwrap_or(0) as i32);
        }
        None => {
            session.set_active(false);
            session.set_first_name(SharedString::new());
            session.set_warning(false);
            session.set_warning_seconds(0);
        }
    }
    let staff = app.global::<Staff>();
    let s = &view.staff;
    staff.set_pin_length(s.pin_length as i32);
    staff.set_pin_min(crate::kiosk::STAFF_PIN_MIN as i32);
    staff.set_pin_max(crate::kiosk::STAFF_PIN_MAX as i32);
    staff.set_verifying(s.verifying);
    staff.set_wrong_attempts_left(s.wrong_attempts_left.map_or(-1, |n| n as i32));
    staff.set_locked_seconds(s.locked_seconds.unwrap_or(0).min(i32::MAX as u64) as i32);
    staff.set_service_error(s.service_error);
    staff.set_name(match &view.session {
        Some(session) if session.staff => session.first_name.as_str().into(),
        _ => SharedString::new(),
    });
    if staff.get_reader_state() != "none" {
        staff.set_reader_state(
            match view.reader {
                crate::kiosk::ReaderStatus::Unknown => "unknown",
                crate::kiosk::ReaderStatus::Ready => "ready",
                crate::kiosk::ReaderStatus::Problem => "problem",
            }
            .into(),
        );
    }
}

/// Kontakty: the list of departments.
pub(crate) fn show_departments(app: &AppWindow, departments: &[crate::portal::types::Department]) {
    let rows: Vec<DepartmentRow> = departments
        .iter()
        .map(|d| DepartmentRow {
            name: d.name.as_str().into(),
            building: d.building.as_str().into(),
            phone: d.phone.as_str().into(),
        })
        .collect();
    app.global::<Public>()
        .set_departments(ModelRc::new(VecModel::from(rows)));
}

/// Kontakty: one department on its screen (None: none chosen).
pub(crate) fn show_department(app: &AppWindow, d: Option<&crate::portal::types::Department>) {
    let p = app.global::<Public>();
    p.set_has_department(d.is_some());
    let text =
        |f: fn(&crate::portal::types::Department) -> &str| SharedString::from(d.map_or("", f));
    p.set_department_name(text(|d| &d.name));
    p.set_department_building(text(|d| &d.building));
    p.set_department_address(text(|d| &d.address));
    p.set_department_phone(text(|d| &d.phone));
    p.set_department_email(text(|d| &d.email));
    let hours: Vec<HoursRow> = d.map_or_else(Vec::new, |d| {
        d.office_hours
            .iter()
            .map(|h| HoursRow {
                day: h.day.as_str().into(),
                hours: format!("{}–{}", h.from, h.to).into(),
            })
            .collect()
    });
    p.set_department_hours(ModelRc::new(VecModel::from(hours)));
    let people: Vec<PersonRow> = d.map_or_else(Vec::new, |d| {
        d.people
            .iter()
            .map(|x| PersonRow {
                name: x.name.as_str().into(),
                role: x.role.as_str().into(),
                phone: x.phone.as_str().into(),
                room: x.room.as_str().into(),
            })
            .collect()
    });
    p.set_department_people(ModelRc::new(VecModel::from(people)));
}

/// The printer's state as a code the counter's status strip words.
fn printer_state_code(state: Option<crate::receipt::printer::PrinterState>) -> &'static str {
    use crate::receipt::printer::PrinterState as S;
    match state {
        Some(S::Ready) => "ready",
        Some(S::PaperNearEnd) => "paper-near-end",
        Some(S::PaperEnd) => "paper-end",
        Some(S::CoverOpen) => "cover-open",
        Some(S::Offline) => "offline",
        Some(S::NoAnswer) | None => "no-answer",
        Some(S::Unknown) => "unknown",
    }
}

/// The printer's answer as a code the UI words ("Vezměte si doklad", …).
fn print_status(report: &crate::printing::PrintReport) -> &'static str {
    use crate::printing::PrintReport as R;
    use crate::receipt::printer::PrinterState as S;
    match report {
        R::Printed { .. } => "printed",
        R::NotPrinted {
            state: Some(S::PaperEnd),
            ..
        } => "paper-end",
        R::NotPrinted {
            state: Some(S::CoverOpen),
            ..
        } => "cover-open",
        R::NotPrinted { .. } => "offline",
        R::Invalid { .. } => "invalid",
        R::Status { .. } | R::Preview { .. } => "",
    }
}

fn login_stage(stage: crate::kiosk::LoginStage) -> LoginStage {
    use crate::kiosk::LoginStage as S;
    match stage {
        S::InsertCard => LoginStage::InsertCard,
        S::Reading => LoginStage::Reading,
        S::Pin => LoginStage::Pin,
        S::Verifying => LoginStage::Verifying,
        S::Blocked => LoginStage::Blocked,
        S::NotEObcanka => LoginStage::NotEobcanka,
        S::CardMute => LoginStage::CardMute,
        S::ReaderProblem => LoginStage::ReaderProblem,
        S::ServiceError => LoginStage::ServiceError,
        S::RemoveCard => LoginStage::RemoveCard,
    }
}

/// Sets the static facts: offered languages and the About screen's identity.
pub fn apply_identity(app: &AppWindow, identity: &KioskIdentity, languages: &[Language]) {
    let flow = app.global::<Flow>();
    let codes: Vec<SharedString> = languages
        .iter()
        .map(|l| SharedString::from(l.code()))
        .collect();
    flow.set_languages(ModelRc::new(VecModel::from(codes)));
    flow.set_version(identity.version.clone().into());
    flow.set_kiosk_id(identity.kiosk_id.clone().into());
    flow.set_site_name(identity.site_name.clone().into());
}

/// News for the UI from other threads (the sync engine).
#[derive(Debug)]
pub enum UiUpdate {
    /// The synced playlist changed (or its schedule moved on).
    Playlist { playlist: Playlist, urgent: bool },
    /// How old the public data is; `stale` shows the small staff indicator.
    DataAge { stale: bool, as_of: String },
    /// News from the card reader.
    Card(CardEvent),
    /// A login attempt finished.
    LoginResult(LoginOutcome),
    /// Counter: a staff login finished.
    StaffResult(crate::kiosk::StaffOutcome),
    /// The town's departments (public content).
    Contacts(Vec<crate::portal::types::Department>),
    /// The backend refused the session mid-way.
    SessionLost,
    /// The citizen's data (or why it did not come).
    Citizen(crate::citizen::CitizenResult),
    /// What the printer did with a slip.
    Print(crate::printing::PrintReport),
}

impl From<crate::card::ReaderEvent> for CardEvent {
    fn from(event: crate::card::ReaderEvent) -> CardEvent {
        use crate::card::ReaderEvent as R;
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

/// Sends [`UiUpdate`]s to the UI thread from anywhere.
#[derive(Clone)]
pub struct UiUpdates(tokio::sync::mpsc::UnboundedSender<UiUpdate>);

impl UiUpdates {
    pub fn send(&self, update: UiUpdate) {
        let _ = self.0.send(update);
    }
}

/// Turns what the sync engine has into UI updates: the playlist as it plays now
/// (schedule, site, verified assets) and the age of the data.
pub fn updates_from_snapshot(
    snapshot: &crate::sync::ContentSnapshot,
    assets_dir: &std::path::Path,
    site_tags: &[&str],
    stale_after: Duration,
    fallback: &Playlist,
) -> Vec<UiUpdate> {
    let now = chrono::Local::now();
    let synced =
        Playlist::from_portal(&snapshot.playlist, assets_dir, now.naive_local(), site_tags);
    let urgent = snapshot.playlist.slides.iter().any(|s| s.urgent) && !synced.is_empty();
    let playlist = if synced.is_empty() {
        fallback.clone()
    } else {
        synced
    };
    let age = snapshot
        .synced_at
        .map(|t| (chrono::Utc::now() - t).to_std().unwrap_or_default());
    let stale = age.is_none_or(|a| a > stale_after);
    let as_of = snapshot
        .synced_at
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%-d. %-m. %H:%M")
                .to_string()
        })
        .unwrap_or_default();
    vec![
        UiUpdate::Playlist { playlist, urgent },
        UiUpdate::DataAge { stale, as_of },
        UiUpdate::Contacts(snapshot.contacts.clone()),
    ]
}

/// The running kiosk UI: the core, the promotion loop and the idle tick.
/// Dropping it stops the tick; keep it alive as long as the window runs.
pub struct KioskUi {
    inner: Rc<RefCell<Inner>>,
    updates: UiUpdates,
    pending_updates: Rc<RefCell<tokio::sync::mpsc::UnboundedReceiver<UiUpdate>>>,
    _tick: slint::Timer,
}

struct Inner {
    app: slint::Weak<AppWindow>,
    core: Kiosk,
    promo: PromoDriver,
    clock: Clock,
    login: Option<Box<dyn LoginBackend>>,
    citizen: citizen::CitizenArea,
    printer: Option<crate::printing::PrintService>,
    /// Counter: "Synchronizovat nyní", and when it was asked.
    sync_now: Option<Box<dyn Fn()>>,
    sync_requested_at: Option<Duration>,
    /// Counter: when the printer's state was last asked for.
    status_asked_at: Option<Duration>,
    /// Kontakty: the departments, and the one on screen.
    departments: Vec<crate::portal::types::Department>,
    department: Option<usize>,
}

/// How often the counter asks the printer how it is while the desk shows.
const STATUS_EVERY: Duration = Duration::from_secs(30);
/// "synchronizuji…" gives up after this long without news from the sync.
const SYNC_SHOWN_FOR: Duration = Duration::from_secs(60);
/// Slips of a staff session that can be printed again.
const REPRINTS: i32 = 5;

impl KioskUi {
    /// Binds a window to a fresh kiosk core.
    pub fn attach(app: &AppWindow, setup: UiSetup) -> KioskUi {
        apply_identity(app, &setup.identity, &setup.settings.languages);
        app.global::<Flow>()
            .set_interactive(setup.settings.mode != Mode::Signage);
        app.global::<Flow>()
            .set_counter(setup.settings.mode == Mode::Counter);
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<UiUpdate>();
        let mut login_backend = setup.login;
        if let Some(backend) = login_backend.as_mut() {
            backend.connect(UiUpdates(tx.clone()));
        }
        if let Some(printer) = &setup.printer {
            let sink = UiUpdates(tx.clone());
            printer.set_reporter(move |r| sink.send(UiUpdate::Print(r)));
        }
        let (core, commands) = Kiosk::new(setup.settings, (setup.clock)());
        let promo = PromoDriver::new(app, setup.playlist, setup.screen_size, setup.fade);
        let inner = Rc::new(RefCell::new(Inner {
            app: app.as_weak(),
            core,
            promo,
            clock: setup.clock,
            login: login_backend,
            printer: setup.printer,
            citizen: citizen::CitizenArea::new(
                &setup.identity.printer_profile,
                &setup.identity.kiosk_id,
            ),
            sync_now: None,
            sync_requested_at: None,
            status_asked_at: None,
            departments: Vec::new(),
            department: None,
        }));
        if inner.borrow().printer.is_none() {
            app.global::<Staff>().set_printer_state("none".into());
        }
        let (reader, staff) = inner
            .borrow()
            .login
            .as_ref()
            .map_or((false, false), |l| (l.has_reader(), l.has_staff()));
        app.global::<Staff>().set_configured(staff);
        if !reader {
            app.global::<Staff>().set_reader_state("none".into());
        }
        inner.borrow_mut().run(commands);

        let flow = app.global::<Flow>();
        let bind = |event: KioskEvent| {
            let weak = Rc::downgrade(&inner);
            move || {
                if let Some(inner) = weak.upgrade() {
                    inner.borrow_mut().dispatch(event.clone());
                }
            }
        };
        flow.on_touch(bind(KioskEvent::Touch));
        flow.on_back(bind(KioskEvent::Back));
        flow.on_home(bind(KioskEvent::Home));
        flow.on_toggle_large_text(bind(KioskEvent::ToggleLargeText));
        flow.on_toggle_contrast(bind(KioskEvent::ToggleHighContrast));
        let weak = Rc::downgrade(&inner);
        flow.on_open(move |id| {
            if let Some(inner) = weak.upgrade() {
                inner
                    .borrow_mut()
                    .dispatch(KioskEvent::Open(screen_from_id(id)));
            }
        });
        let weak = Rc::downgrade(&inner);
        flow.on_choose_language(move |code| {
            if let (Some(inner), Some(language)) = (weak.upgrade(), Language::from_code(&code)) {
                inner
                    .borrow_mut()
                    .dispatch(KioskEvent::ChooseLanguage(language));
            }
        });

        let login = app.global::<Login>();
        let weak = Rc::downgrade(&inner);
        login.on_digit(move |d| {
            if let (Some(inner), Ok(d)) = (weak.upgrade(), u8::try_from(d)) {
                inner.borrow_mut().dispatch(KioskEvent::PinDigit(d));
            }
        });
        login.on_erase(bind(KioskEvent::PinErase));
        login.on_confirm(bind(KioskEvent::PinConfirm));
        login.on_cancel(bind(KioskEvent::LoginCancel));
        login.on_retry(bind(KioskEvent::LoginRetry));
        let session = app.global::<Session>();
        session.on_keep_alive(bind(KioskEvent::KeepAlive));
        session.on_logout(bind(KioskEvent::Logout));
        let demo = inner
            .borrow()
            .login
            .as_ref()
            .is_some_and(|l| l.demo_card().is_some());
        login.set_demo_card(demo);
        for inserted in [true, false] {
            let weak = Rc::downgrade(&inner);
            let f = move || {
                if let Some(inner) = weak.upgrade() {
                    let inner = inner.borrow();
                    if let Some(card) = inner.login.as_ref().and_then(|l| l.demo_card()) {
                        card.set_inserted(inserted);
                    }
                }
            };
            if inserted {
                login.on_demo_insert_card(f);
            } else {
                login.on_demo_remove_card(f);
            }
        }

        let citizen = app.global::<Citizen>();
        let weak = Rc::downgrade(&inner);
        citizen.on_pay(move |id| {
            if let Some(inner) = weak.upgrade() {
                inner
                    .borrow_mut()
                    .citizen_action(|c, app| c.pay(app, vec![id.to_string()]), true);
            }
        });
        let weak = Rc::downgrade(&inner);
        citizen.on_pay_selected(move || {
            if let Some(inner) = weak.upgrade() {
                inner
                    .borrow_mut()
                    .citizen_action(|c, app| c.pay_selected(app), true);
            }
        });
        let weak = Rc::downgrade(&inner);
        citizen.on_new_intent(move || {
            if let Some(inner) = weak.upgrade() {
                inner
                    .borrow_mut()
                    .citizen_action(|c, app| c.new_intent(app), false);
            }
        });
        let weak = Rc::downgrade(&inner);
        citizen.on_retry(move || {
            if let Some(inner) = weak.upgrade() {
                inner
                    .borrow_mut()
                    .citizen_action(|c, app| c.retry(app), false);
            }
        });
        let weak = Rc::downgrade(&inner);
        citizen.on_toggle_select(move |id| {
            if let Some(inner) = weak.upgrade() {
                inner.borrow_mut().citizen_action(
                    |c, app| {
                        c.toggle_select(app, &id);
                        None
                    },
                    false,
                );
            }
        });
        let weak = Rc::downgrade(&inner);
        citizen.on_toggle_watch(move |kind| {
            if let Some(inner) = weak.upgrade() {
                inner
                    .borrow_mut()
                    .citizen_action(|c, app| c.toggle_watch(app, &kind), false);
            }
        });
        let weak = Rc::downgrade(&inner);
        citizen.on_print_payment(move || {
            if let Some(inner) = weak.upgrade() {
                inner.borrow_mut().print_payment(false);
            }
        });
        let weak = Rc::downgrade(&inner);
        citizen.on_print_proof(move || {
            if let Some(inner) = weak.upgrade() {
                inner.borrow_mut().print_payment(true);
            }
        });
        let weak = Rc::downgrade(&inner);
        // Anonymous slips (a contact) show the preview too: no session needed to close it.
        citizen.on_close_preview(move || {
            if let Some(inner) = weak.upgrade() {
                let mut inner = inner.borrow_mut();
                if let Some(app) = inner.app.upgrade() {
                    app.global::<Citizen>().set_slip_preview_visible(false);
                }
                inner.dispatch(KioskEvent::Touch);
            }
        });

        let staff = app.global::<Staff>();
        let weak = Rc::downgrade(&inner);
        staff.on_digit(move |d| {
            if let (Some(inner), Ok(d)) = (weak.upgrade(), u8::try_from(d)) {
                inner.borrow_mut().dispatch(KioskEvent::StaffDigit(d));
            }
        });
        staff.on_erase(bind(KioskEvent::StaffErase));
        staff.on_confirm(bind(KioskEvent::StaffConfirm));
        let weak = Rc::downgrade(&inner);
        staff.on_vs_digit(move |d| {
            if let Some(inner) = weak.upgrade() {
                inner.borrow_mut().citizen_action(
                    |c, app| {
                        c.vs_digit(app, d);
                        None
                    },
                    false,
                );
            }
        });
        let weak = Rc::downgrade(&inner);
        staff.on_vs_erase(move || {
            if let Some(inner) = weak.upgrade() {
                inner.borrow_mut().citizen_action(
                    |c, app| {
                        c.vs_erase(app);
                        None
                    },
                    false,
                );
            }
        });
        let weak = Rc::downgrade(&inner);
        staff.on_search(move || {
            if let Some(inner) = weak.upgrade() {
                inner
                    .borrow_mut()
                    .citizen_action(|c, app| c.search(app), false);
            }
        });
        let weak = Rc::downgrade(&inner);
        staff.on_reprint(move || {
            if let Some(inner) = weak.upgrade() {
                inner
                    .borrow_mut()
                    .staff_print(crate::printing::PrintRequest::Reprint);
            }
        });
        let weak = Rc::downgrade(&inner);
        staff.on_test_print(move || {
            if let Some(inner) = weak.upgrade() {
                inner
                    .borrow_mut()
                    .staff_print(crate::printing::PrintRequest::TestPage);
            }
        });
        for (retry, request) in [(true, "retry"), (false, "cancel")] {
            let weak = Rc::downgrade(&inner);
            let f = move || {
                if let Some(inner) = weak.upgrade() {
                    tracing::info!(request, "staff: waiting print jobs");
                    inner.borrow_mut().staff_print(if retry {
                        crate::printing::PrintRequest::Retry
                    } else {
                        crate::printing::PrintRequest::Cancel
                    });
                }
            };
            if retry {
                staff.on_retry_waiting(f);
            } else {
                staff.on_cancel_waiting(f);
            }
        }
        let weak = Rc::downgrade(&inner);
        staff.on_sync_now(move || {
            if let Some(inner) = weak.upgrade() {
                inner.borrow_mut().sync_now();
            }
        });
        let weak = Rc::downgrade(&inner);
        staff.on_refresh_status(move || {
            if let Some(inner) = weak.upgrade() {
                inner.borrow_mut().ask_printer_status();
            }
        });

        let public = app.global::<Public>();
        let weak = Rc::downgrade(&inner);
        public.on_choose_department(move |i| {
            if let (Some(inner), Ok(i)) = (weak.upgrade(), usize::try_from(i)) {
                inner.borrow_mut().choose_department(i);
            }
        });
        let weak = Rc::downgrade(&inner);
        public.on_print_department(move || {
            if let Some(inner) = weak.upgrade() {
                inner.borrow_mut().print_department();
            }
        });

        let tick = slint::Timer::default();
        let weak = Rc::downgrade(&inner);
        tick.start(
            slint::TimerMode::Repeated,
            Duration::from_secs(1),
            move || {
                if let Some(inner) = weak.upgrade() {
                    inner.borrow_mut().dispatch(KioskEvent::Tick);
                }
            },
        );
        let pending_updates = Rc::new(RefCell::new(rx));
        let receiver = pending_updates.clone();
        let weak = Rc::downgrade(&inner);
        let spawned = slint::spawn_local(async move {
            loop {
                let update = std::future::poll_fn(|cx| receiver.borrow_mut().poll_recv(cx)).await;
                match (update, weak.upgrade()) {
                    (Some(update), Some(inner)) => inner.borrow_mut().apply_update(update),
                    _ => break,
                }
            }
        });
        if spawned.is_err() {
            tracing::debug!("no event loop; UI updates are delivered by pump_updates()");
        }
        KioskUi {
            inner,
            updates: UiUpdates(tx),
            pending_updates,
            _tick: tick,
        }
    }

    /// A sender other threads use to update the UI.
    pub fn updates(&self) -> UiUpdates {
        self.updates.clone()
    }

    /// Delivers queued updates (for use without an event loop).
    pub fn pump_updates(&self) {
        let mut queued = Vec::new();
        while let Ok(u) = self.pending_updates.borrow_mut().try_recv() {
            queued.push(u);
        }
        for u in queued {
            self.inner.borrow_mut().apply_update(u);
        }
    }

    /// What "Synchronizovat nyní" at the counter does (the sync runner's handle).
    pub fn on_sync_now(&self, f: impl Fn() + 'static) {
        self.inner.borrow_mut().sync_now = Some(Box::new(f));
    }

    /// Calls `f` for every promotion slide that goes on screen (proof of play).
    pub fn on_play(&self, f: impl Fn(&crate::promo::PlaylistSlide) + 'static) {
        self.inner.borrow().promo.on_play(f);
    }

    /// The core's current view (for tests and diagnostics).
    pub fn view(&self) -> KioskView {
        self.inner.borrow().core.view()
    }

    /// Feeds an event as if it came from the window.
    pub fn dispatch(&self, event: KioskEvent) {
        self.inner.borrow_mut().dispatch(event);
    }

    /// Delivers slides the preparer has finished (drives the loop without an event loop).
    pub fn pump_promo(&self) {
        self.inner.borrow_mut().promo.pump();
    }
}

impl Inner {
    fn apply_update(&mut self, update: UiUpdate) {
        match update {
            UiUpdate::Playlist { playlist, urgent } => self.promo.set_playlist(playlist, urgent),
            UiUpdate::DataAge { stale, as_of } => {
                if let Some(app) = self.app.upgrade() {
                    let flow = app.global::<Flow>();
                    flow.set_data_stale(stale);
                    flow.set_data_as_of(as_of.into());
                    // The sync has reported: "synchronizuji…" is over.
                    self.sync_requested_at = None;
                    app.global::<Staff>().set_sync_requested(false);
                }
            }
            UiUpdate::Card(event) => self.dispatch(KioskEvent::Card(event)),
            UiUpdate::LoginResult(outcome) => self.dispatch(KioskEvent::LoginResult(outcome)),
            UiUpdate::StaffResult(outcome) => self.dispatch(KioskEvent::StaffResult(outcome)),
            UiUpdate::Contacts(departments) => {
                // The one on screen stays if it is still there (by id).
                let shown = self
                    .department
                    .and_then(|i| self.departments.get(i))
                    .map(|d| d.id.clone());
                self.departments = departments;
                self.department =
                    shown.and_then(|id| self.departments.iter().position(|d| d.id == id));
                if let Some(app) = self.app.upgrade() {
                    show_departments(&app, &self.departments);
                    self.show_department(&app);
                }
            }
            UiUpdate::SessionLost => self.dispatch(KioskEvent::SessionLost),
            UiUpdate::Print(report) => {
                if let Some(app) = self.app.upgrade() {
                    use crate::printing::PrintReport as R;
                    let staff = app.global::<Staff>();
                    let state = match &report {
                        R::Printed { state, .. } => Some(Some(*state)),
                        R::NotPrinted { state, .. } | R::Status { state, .. } => Some(*state),
                        R::Invalid { .. } => None,
                        R::Preview { .. } => return, // the UI still draws its own preview
                    };
                    if let Some(state) = state {
                        staff.set_printer_state(printer_state_code(state).into());
                    }
                    if let R::Status { waiting, .. } = report {
                        staff.set_waiting_jobs(waiting.min(i32::MAX as usize) as i32);
                        return;
                    }
                    // What waits may have changed: the service screen shows it.
                    if matches!(self.core.screen(), Screen::Counter | Screen::Service) {
                        self.ask_printer_status();
                    }
                    let status = print_status(&report);
                    app.global::<Citizen>().set_print_status(status.into());
                    staff.set_print_status(status.into());
                    // A slip of this staff session (not a reprint or a test page) can
                    // be printed again until the session ends.
                    if self.core.has_session()
                        && matches!(&report, R::Printed { kind, .. } | R::NotPrinted { kind, .. } if *kind == "payment" || *kind == "proof")
                    {
                        staff.set_reprint_count((staff.get_reprint_count() + 1).min(REPRINTS));
                    }
                }
            }
            UiUpdate::Citizen(result) => {
                // Nothing of a session that has ended may reach the screen.
                if !self.core.has_session() {
                    return;
                }
                let Some(app) = self.app.upgrade() else {
                    return;
                };
                if self.citizen.apply(&app, result) {
                    self.dispatch(KioskEvent::SessionLost);
                }
            }
        }
    }

    fn dispatch(&mut self, event: KioskEvent) {
        let now = (self.clock)();
        let tick = event == KioskEvent::Tick;
        let commands = self.core.handle(event, now);
        self.run(commands);
        if tick && let Some(request) = self.citizen.poll(self.core.screen(), now) {
            self.request(request);
        }
        if tick && matches!(self.core.screen(), Screen::Counter | Screen::Service) {
            if self
                .status_asked_at
                .is_none_or(|at| now.saturating_sub(at) >= STATUS_EVERY)
            {
                self.ask_printer_status();
            }
            if let Some(at) = self.sync_requested_at
                && now.saturating_sub(at) >= SYNC_SHOWN_FOR
                && let Some(app) = self.app.upgrade()
            {
                self.sync_requested_at = None;
                app.global::<Staff>().set_sync_requested(false);
            }
        }
    }

    /// Kontakty: a department chosen from the list.
    fn choose_department(&mut self, index: usize) {
        if index >= self.departments.len() {
            return;
        }
        self.department = Some(index);
        if let Some(app) = self.app.upgrade() {
            self.show_department(&app);
        }
        self.dispatch(KioskEvent::Open(Screen::ContactDetail));
    }

    fn show_department(&self, app: &AppWindow) {
        show_department(app, self.department.and_then(|i| self.departments.get(i)));
    }

    /// "Vytisknout kontakt": an anonymous slip, kept in the queue until printed.
    fn print_department(&mut self) {
        let Some(app) = self.app.upgrade() else {
            return;
        };
        let Some(department) = self
            .department
            .and_then(|i| self.departments.get(i))
            .cloned()
        else {
            return;
        };
        let citizen = app.global::<Citizen>();
        let profile = crate::receipt::profiles::profile(&self.citizen.printer_profile)
            .or_else(|| crate::receipt::profiles::profile("epson-tm-t20"));
        if let Some(profile) = profile {
            let header = crate::receipt::slip::SlipHeader {
                kiosk_id: self.citizen.kiosk_id.clone(),
                slip_number: 0,
                printed_at: chrono::Local::now().naive_local(),
            };
            let slip = crate::receipt::slip::Slip::contact(&header, &department);
            if let Some(picture) = citizen::slip_picture_of(&slip, profile) {
                citizen.set_slip_preview(citizen::gray_image(&picture));
                citizen.set_slip_preview_visible(true);
            }
        }
        match &self.printer {
            Some(printer) => {
                citizen.set_print_status("printing".into());
                printer.send(crate::printing::PrintRequest::Slip {
                    kind: "contact",
                    personal: false,
                    build: Box::new(move |header| {
                        Some(crate::receipt::slip::Slip::contact(header, &department))
                    }),
                });
            }
            None => citizen.set_print_status("no-printer".into()),
        }
        self.dispatch(KioskEvent::Touch);
    }

    /// Counter: how is the printer? (answered by a `PrintReport::Status`).
    fn ask_printer_status(&mut self) {
        self.status_asked_at = Some((self.clock)());
        if let Some(printer) = &self.printer {
            printer.send(crate::printing::PrintRequest::Status);
        }
    }

    /// Counter: a reprint or a test page, for a logged-in staff member only.
    fn staff_print(&mut self, request: crate::printing::PrintRequest) {
        let Some(app) = self.app.upgrade() else {
            return;
        };
        if !self.core.view().session.is_some_and(|s| s.staff) {
            return;
        }
        let staff = app.global::<Staff>();
        match &self.printer {
            Some(printer) => {
                // A slip is printing; what waits shows in its count instead.
                let slip = matches!(
                    request,
                    crate::printing::PrintRequest::Reprint
                        | crate::printing::PrintRequest::TestPage
                );
                staff.set_print_status(if slip { "printing" } else { "" }.into());
                printer.send(request);
            }
            None => staff.set_print_status("no-printer".into()),
        }
        self.dispatch(KioskEvent::Touch);
    }

    /// Counter: "Synchronizovat nyní".
    fn sync_now(&mut self) {
        let Some(app) = self.app.upgrade() else {
            return;
        };
        if !self.core.view().session.is_some_and(|s| s.staff) {
            return;
        }
        if let Some(f) = &self.sync_now {
            f();
            self.sync_requested_at = Some((self.clock)());
            app.global::<Staff>().set_sync_requested(true);
        }
        self.dispatch(KioskEvent::Touch);
    }

    /// "Vytisknout platební údaje": the preview on screen, and the slip to the
    /// printer thread (a personal slip: memory only, dropped with the session).
    fn print_payment(&mut self, proof: bool) {
        let Some(app) = self.app.upgrade() else {
            return;
        };
        if !self.core.has_session() {
            return;
        }
        self.citizen.print_preview(&app, proof);
        let citizen = app.global::<Citizen>();
        let (kind, job) = if proof {
            ("proof", self.citizen.proof_slip_job())
        } else {
            ("payment", self.citizen.payment_slip_job())
        };
        match (&self.printer, job) {
            (Some(printer), Some(build)) => {
                citizen.set_print_status("printing".into());
                printer.send(crate::printing::PrintRequest::Slip {
                    kind,
                    personal: true,
                    build,
                });
            }
            (None, _) => citizen.set_print_status("no-printer".into()),
            (_, None) => citizen.set_print_status("invalid".into()),
        }
        self.dispatch(KioskEvent::Touch);
    }

    fn request(&self, request: crate::citizen::CitizenRequest) {
        if let Some(login) = &self.login {
            login.citizen(request);
        }
    }

    /// A touch in the citizen area: counts as activity, may ask the backend,
    /// and with `open_pay` shows the payment screen.
    fn citizen_action(
        &mut self,
        f: impl FnOnce(&mut citizen::CitizenArea, &AppWindow) -> Option<crate::citizen::CitizenRequest>,
        open_pay: bool,
    ) {
        let Some(app) = self.app.upgrade() else {
            return;
        };
        if !self.core.has_session() {
            return;
        }
        let request = f(&mut self.citizen, &app);
        let opened = request.is_some() && open_pay;
        if let Some(request) = request {
            self.request(request);
        }
        // Any of these is a touch: it keeps the session awake.
        self.dispatch(if opened {
            KioskEvent::Open(Screen::Pay)
        } else {
            KioskEvent::Touch
        });
    }

    fn run(&mut self, commands: Vec<Command>) {
        let Some(app) = self.app.upgrade() else {
            return;
        };
        for command in commands {
            tracing::debug!(?command, "kiosk command");
            match command {
                Command::ShowScreen(screen) => {
                    tracing::info!(screen = screen.name(), "screen");
                    if matches!(screen, Screen::Counter | Screen::Service) {
                        self.ask_printer_status();
                    }
                    if self.core.has_session()
                        && let Some(request) = self.citizen.screen_shown(&app, screen)
                        && let Some(login) = &self.login
                    {
                        login.citizen(request);
                    }
                }
                Command::StartPromo => self.promo.start(),
                Command::StopPromo => self.promo.stop(),
                Command::ApplyLanguage(language) => select_language(language),
                // The core forgot its part; here the citizen area's view models
                // are emptied (apply_view below empties the session's).
                Command::ForgetUser => {
                    self.citizen.clear(&app);
                    app.global::<Citizen>()
                        .set_print_status(SharedString::new());
                    let staff = app.global::<Staff>();
                    staff.set_print_status(SharedString::new());
                    staff.set_reprint_count(0);
                    if let Some(printer) = &self.printer {
                        printer.send(crate::printing::PrintRequest::EndSession);
                    }
                }
                Command::Authenticate(request) => match &self.login {
                    Some(login) => login.authenticate(request),
                    None => {
                        let outcome = KioskEvent::LoginResult(LoginOutcome::Failed);
                        // A failed login asks for nothing more.
                        let _ = self.core.handle(outcome, (self.clock)());
                    }
                },
                Command::StaffAuthenticate(pin) => match &self.login {
                    Some(login) => login.staff_authenticate(pin),
                    None => {
                        let outcome = KioskEvent::StaffResult(crate::kiosk::StaffOutcome::Failed);
                        let _ = self.core.handle(outcome, (self.clock)());
                    }
                },
                Command::RereadPin => {
                    if let Some(login) = &self.login {
                        login.reread_pin();
                    }
                }
                Command::EndSession => {
                    if let Some(login) = &self.login {
                        login.end_session();
                    }
                }
            }
        }
        apply_view(&app, &self.core.view());
        if let Some(card) = self.login.as_ref().and_then(|l| l.demo_card()) {
            app.global::<Login>()
                .set_demo_card_inserted(card.is_inserted());
        }
    }
}
