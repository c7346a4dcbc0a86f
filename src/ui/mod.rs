//! Slint glue: binds the kiosk core ([`crate::kiosk`]) to the window. Each Slint
//! global has one small controller (`controllers/`) that turns its callbacks into
//! [`KioskEvent`]s and writes the core's view back into it; this module runs the
//! core's commands through the adapters' ports. No flow rule (interval, count,
//! timeout, what comes next) lives here: the core decides, the glue translates.
//!
//! This module must never block the UI thread: no file, network or decoding work
//! happens here, only property updates. It never reads UI state back as truth.

mod controllers;
mod promo_driver;
#[cfg(feature = "devtools")]
pub mod screenshot;
mod updates;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use slint::ComponentHandle;

use crate::config::Mode;
use crate::i18n::Language;
use crate::kiosk::{
    Command, Kiosk, KioskEvent, KioskSettings, KioskView, LoginOutcome, StaffOutcome,
};
use crate::login::Adapters;
use crate::promo::Playlist;

pub use controllers::citizen::gray_image;
pub use controllers::flow::{apply_identity, screen_id};
pub use promo_driver::PromoDriver;
pub use updates::{UiUpdate, UiUpdates, updates_from_snapshot};

slint::include_modules!();

/// Monotonic time for the core: real time in production, Slint's mock time in tests.
pub type Clock = Rc<dyn Fn() -> Duration>;

/// A clock that starts at zero now.
pub fn system_clock() -> Clock {
    let start = Instant::now();
    Rc::new(move || start.elapsed())
}

/// How long [`after_first_frame`] waits for a first frame before it runs its
/// callback anyway (systemd would otherwise count a kiosk whose compositor
/// never shows the window as failed to start, and restart it for ever).
pub const FIRST_FRAME_WAIT: Duration = Duration::from_secs(5);

/// Runs `then` once, after the window's first frame has been presented.
///
/// Slint's software renderer offers no rendering notifier, so this watches the
/// winit window's events: the first `RedrawRequested` is seen just before Slint
/// draws the frame and hands it to the compositor (or X server), and a zero
/// timer set then fires on the loop's next turn, after that present. Without a
/// frame within [`FIRST_FRAME_WAIT`] (a window that is not a winit one, a
/// compositor that never shows it) `then` runs then, with a warning. Keep the
/// returned timer alive until the loop runs.
pub fn after_first_frame(app: &AppWindow, then: impl FnOnce() + 'static) -> slint::Timer {
    use slint::winit_030::{EventResult, WinitWindowAccessor, winit::event::WindowEvent};
    type Pending = Rc<RefCell<Option<Box<dyn FnOnce()>>>>;
    let pending: Pending = Rc::new(RefCell::new(Some(Box::new(then))));
    let fire = {
        let pending = pending.clone();
        move || {
            if let Some(then) = pending.borrow_mut().take() {
                then();
            }
        }
    };
    let on_redraw = fire.clone();
    let waiting = pending.clone();
    app.window().on_winit_window_event(move |_, event| {
        if matches!(event, WindowEvent::RedrawRequested) && waiting.borrow().is_some() {
            slint::Timer::single_shot(Duration::ZERO, on_redraw.clone());
        }
        EventResult::Propagate
    });
    let give_up = slint::Timer::default();
    give_up.start(slint::TimerMode::SingleShot, FIRST_FRAME_WAIT, move || {
        if pending.borrow().is_some() {
            tracing::warn!("no frame presented yet; going on as if it were");
            fire();
        }
    });
    give_up
}

/// Facts about this kiosk shown on the About screen.
#[derive(Debug, Clone)]
pub struct KioskIdentity {
    pub version: String,
    pub kiosk_id: String,
    pub site_name: String,
    /// The printer profile slips are laid out for.
    pub printer_profile: String,
    /// The town this kiosk serves (names, logo, colours; white-label).
    pub town: crate::town::TownSection,
}

impl KioskIdentity {
    pub fn new(kiosk_id: &str, site_name: &str, town: &crate::town::TownSection) -> KioskIdentity {
        KioskIdentity {
            version: env!("CARGO_PKG_VERSION").to_string(),
            kiosk_id: kiosk_id.to_string(),
            site_name: site_name.to_string(),
            printer_profile: crate::receipt::profiles::DEFAULT_PROFILE.into(),
            town: town.clone(),
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
    /// Where prepared slide pictures are kept between rounds of the loop
    /// (`None`: decoded every time).
    pub slide_cache: Option<std::path::PathBuf>,
    pub clock: Clock,
    /// The card login, the staff login and the sessions' requests (any may be absent).
    pub adapters: Adapters,
    /// The printer thread; `None` without a printer.
    pub printer: Option<crate::printing::PrintService>,
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

/// Writes the core's view (without the citizen area) into the window's globals.
pub fn apply_view(app: &AppWindow, view: &KioskView) {
    apply_view_drawn(app, view, &mut controllers::phone::PhoneDrawn::default());
}

/// … remembering what of the phone login is drawn already (its QR code).
fn apply_view_drawn(app: &AppWindow, view: &KioskView, phone: &mut controllers::phone::PhoneDrawn) {
    controllers::flow::apply(app, view);
    controllers::login::apply(app, view);
    controllers::staff::apply(app, view);
    controllers::phone::apply(app, view, phone);
}

/// Writes the citizen area's, the desk's and the contacts' view (and the login
/// help, which comes from the contacts).
pub fn apply_area(app: &AppWindow, area: &crate::kiosk::AreaView) {
    controllers::citizen::apply(app, area, &mut controllers::citizen::Drawn::default());
    controllers::staff::apply_desk(app, &area.desk);
    controllers::public::apply(app, area);
    controllers::phone::apply_help(app, &crate::kiosk::login_help(&area.departments));
}

/// The running kiosk UI: the core, the promotion loop and the idle tick.
/// Dropping it stops the tick; keep it alive as long as the window runs.
pub struct KioskUi {
    inner: Rc<RefCell<Inner>>,
    updates: UiUpdates,
    pending_updates: Rc<RefCell<tokio::sync::mpsc::UnboundedReceiver<UiUpdate>>>,
    _tick: slint::Timer,
}

pub(crate) struct Inner {
    app: slint::Weak<AppWindow>,
    core: Kiosk,
    promo: PromoDriver,
    clock: Clock,
    adapters: Adapters,
    identity: KioskIdentity,
    printer: Option<crate::printing::PrintService>,
    /// Counter: what "Synchronizovat nyní" wakes.
    sync_now: Option<Box<dyn Fn()>>,
    /// What of the citizen area is on screen already (drawn once per change).
    drawn: controllers::citizen::Drawn,
    /// The phone login's QR code on screen (drawn once per code).
    phone_drawn: controllers::phone::PhoneDrawn,
    /// The slip picture the printer thread sent last, until the core says to show it.
    picture: Option<crate::printing::SlipPicture>,
    /// Sends updates to this thread (the no-printer preview is drawn elsewhere).
    updates: UiUpdates,
    /// Searches the store off this thread (None: searching answers "failed").
    search: Option<crate::search::SearchWorker>,
    /// The services' revision on screen, and what of it is drawn.
    drawn_services: u64,
    services_drawn: controllers::services::Drawn,
    /// The board's and the elections' revisions on screen, and what of them is drawn.
    drawn_board: u64,
    drawn_voting: u64,
    board_drawn: controllers::board::Drawn,
    /// "Číst nahlas" (None: this kiosk does not speak).
    speaker: Option<crate::speech::Speaker>,
    /// The site's night hours, if it has any.
    night: Option<NightWatch>,
}

/// Checks the site's night hours against the wall clock once a tick.
struct NightWatch {
    sleep: crate::schedule::ScreenSleep,
    /// The panel's backlight directory, switched off while asleep.
    backlight: Option<std::path::PathBuf>,
    /// Local time of day (a mock in tests).
    wall: Box<dyn Fn() -> chrono::NaiveTime>,
    /// What the core was last told.
    told: Option<bool>,
}

impl KioskUi {
    /// Binds a window to a fresh kiosk core.
    pub fn attach(app: &AppWindow, setup: UiSetup) -> KioskUi {
        apply_identity(app, &setup.identity, &setup.settings.languages);
        app.global::<Flow>()
            .set_interactive(setup.settings.mode != Mode::Signage);
        app.global::<Flow>()
            .set_counter(setup.settings.mode == Mode::Counter);
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<UiUpdate>();
        let updates = UiUpdates(tx);
        let mut adapters = setup.adapters;
        if let Some(card) = adapters.card.as_mut() {
            card.connect(updates.event_sink());
        }
        if let Some(staff) = adapters.staff.as_mut() {
            staff.connect(updates.event_sink());
        }
        if let Some(session) = adapters.session.as_mut() {
            session.connect(updates.event_sink());
        }
        if let Some(phone) = adapters.phone.as_mut() {
            phone.connect(updates.event_sink());
        }
        if let Some(printer) = &setup.printer {
            let sink = updates.clone();
            printer.set_job_reporter(move |job, report| sink.send(UiUpdate::Print { job, report }));
        }
        let (mut core, commands) = Kiosk::new(setup.settings, (setup.clock)());
        let reader = adapters.card.as_ref().is_some_and(|c| c.has_reader());
        core.set_equipment(setup.printer.is_some(), reader);
        core.set_town(setup.identity.town.words());
        core.set_phone_available(adapters.phone.is_some());
        app.global::<Phone>()
            .set_demo(adapters.phone.as_ref().is_some_and(|p| p.demo().is_some()));
        let promo = PromoDriver::new(
            app,
            setup.playlist,
            setup.screen_size,
            setup.fade,
            setup.slide_cache,
        );
        controllers::staff::set_configured(
            app,
            adapters.staff.as_ref().is_some_and(|s| s.has_staff()),
        );
        let demo = adapters
            .card
            .as_ref()
            .is_some_and(|c| c.demo_card().is_some());
        app.global::<Login>().set_demo_card(demo);
        let inner = Rc::new(RefCell::new(Inner {
            app: app.as_weak(),
            core,
            promo,
            clock: setup.clock,
            adapters,
            identity: setup.identity,
            printer: setup.printer,
            sync_now: None,
            drawn: controllers::citizen::Drawn::default(),
            phone_drawn: controllers::phone::PhoneDrawn::default(),
            picture: None,
            updates: updates.clone(),
            search: None,
            drawn_services: 0,
            services_drawn: controllers::services::Drawn::default(),
            drawn_board: 0,
            drawn_voting: 0,
            board_drawn: controllers::board::Drawn::default(),
            speaker: None,
            night: None,
        }));
        inner.borrow_mut().run(commands);
        controllers::flow::bind(app, &inner);
        controllers::login::bind(app, &inner);
        controllers::citizen::bind(app, &inner);
        controllers::staff::bind(app, &inner);
        controllers::public::bind(app, &inner);
        controllers::services::bind(app, &inner);
        controllers::phone::bind(app, &inner);
        controllers::board::bind(app, &inner);

        let tick = slint::Timer::default();
        let weak = Rc::downgrade(&inner);
        tick.start(
            slint::TimerMode::Repeated,
            Duration::from_secs(1),
            move || {
                if let Some(inner) = weak.upgrade() {
                    let mut inner = inner.borrow_mut();
                    inner.dispatch(KioskEvent::Tick);
                    inner.watch_the_night();
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
            updates,
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
        let mut inner = self.inner.borrow_mut();
        inner.sync_now = Some(Box::new(f));
        inner.core.set_sync_available(true);
    }

    /// Searches of the services and contacts run on a thread over the store at
    /// `path` (read-only).
    pub fn start_search(&self, path: &std::path::Path) {
        match crate::search::SearchWorker::start(path, self.updates.event_sink()) {
            Ok(worker) => self.inner.borrow_mut().search = Some(worker),
            Err(e) => tracing::error!(error = %e, "cannot start the search thread"),
        }
    }

    /// "Číst nahlas" speaks through `engine`, starting at `volume` (1–10);
    /// personal data is said only when `engine` has a headphone output.
    pub fn start_speech(&self, engine: crate::speech::Engine, volume: u8) {
        let headphones = engine.headphone_device.is_some();
        let sink = self.updates.event_sink();
        let speaker = crate::speech::Speaker::start(engine, volume, move |news| match news {
            crate::speech::SpeechNews::Started { latency } => {
                tracing::debug!(latency_ms = latency.as_millis() as u64, "speaking")
            }
            crate::speech::SpeechNews::Finished | crate::speech::SpeechNews::Failed => {
                sink(KioskEvent::SpeechEnded)
            }
        });
        let mut inner = self.inner.borrow_mut();
        inner.speaker = Some(speaker);
        inner.core.set_speech(true, headphones, volume);
        let view = inner.core.view();
        drop(inner);
        if let Some(app) = self.inner.borrow().app.upgrade() {
            controllers::flow::apply(&app, &view);
        }
    }

    /// The site's night hours (`[screen] sleep`), checked against `wall` (local
    /// time of day) every second; `backlight` is switched off while asleep.
    pub fn set_screen_sleep(
        &self,
        sleep: crate::schedule::ScreenSleep,
        backlight: Option<std::path::PathBuf>,
        wall: impl Fn() -> chrono::NaiveTime + 'static,
    ) {
        let mut inner = self.inner.borrow_mut();
        inner.night = (!sleep.is_never()).then(|| NightWatch {
            sleep,
            backlight,
            wall: Box::new(wall),
            told: None,
        });
        inner.watch_the_night();
    }

    /// Whether the screen is blank for the night.
    pub fn asleep(&self) -> bool {
        self.inner.borrow().core.asleep()
    }

    /// What "Číst nahlas" would say now (for tests).
    pub fn reading(&self) -> crate::kiosk::Script {
        self.inner
            .borrow()
            .core
            .reading(chrono::Local::now().date_naive())
    }

    /// The services' view (for tests).
    pub fn services(&self) -> crate::kiosk::ServicesView {
        self.inner
            .borrow()
            .core
            .services(chrono::Local::now().date_naive())
    }

    /// The board's view today (for tests).
    pub fn board(&self) -> crate::kiosk::BoardView {
        self.inner
            .borrow()
            .core
            .board(chrono::Local::now().date_naive())
    }

    /// The elections' view today (for tests).
    pub fn voting(&self) -> crate::kiosk::VotingView {
        self.inner
            .borrow()
            .core
            .voting(chrono::Local::now().date_naive())
    }

    /// Calls `f` for every promotion slide that goes on screen (proof of play).
    pub fn on_play(&self, f: impl Fn(&crate::promo::PlaylistSlide) + 'static) {
        self.inner.borrow().promo.on_play(f);
    }

    /// The core's current view (for tests and diagnostics).
    pub fn view(&self) -> KioskView {
        self.inner.borrow().core.view()
    }

    /// The citizen area's view (for tests).
    pub fn area(&self) -> crate::kiosk::AreaView {
        self.inner.borrow().core.area()
    }

    /// Feeds an event as if it came from the window.
    pub fn dispatch(&self, event: KioskEvent) {
        self.inner.borrow_mut().dispatch(event);
    }

    /// Delivers slides the preparer has finished (drives the loop without an event loop).
    pub fn pump_promo(&self) {
        self.inner.borrow_mut().promo.pump();
    }

    /// Whether the loop holds its next slide prepared (memory: a picture is 6 MB).
    pub fn promo_next_is_ready(&self) -> bool {
        self.inner.borrow().promo.next_is_ready()
    }
}

/// Decodes an urgent notice's picture on a thread of its own (never on the
/// UI thread) and shows it if the same notice is still on screen.
fn show_notice_picture(app: slint::Weak<AppWindow>, title: String, path: std::path::PathBuf) {
    let spawned = std::thread::Builder::new()
        .name("notice-picture".into())
        .spawn(move || {
            let source = crate::promo::SlideImage::File(path);
            match crate::promo::prepare_picture(&source, 640, 640) {
                Ok(pixels) => {
                    let _ = app.upgrade_in_event_loop(move |app| {
                        let promo = app.global::<Promo>();
                        if promo.get_notice_shown() && promo.get_notice_title() == title.as_str() {
                            promo.set_notice_picture(slint::Image::from_rgb8(pixels));
                            promo.set_notice_has_picture(true);
                        }
                    });
                }
                Err(e) => tracing::warn!(error = %e, "the urgent notice's picture cannot be shown"),
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "no thread for the urgent notice's picture");
    }
}

impl Inner {
    fn apply_update(&mut self, update: UiUpdate) {
        match update {
            UiUpdate::Playlist { playlist, urgent } => self.promo.set_playlist(playlist, urgent),
            UiUpdate::Notices(notices) => {
                if let Some(app) = self.app.upgrade() {
                    let promo = app.global::<Promo>();
                    let first = notices.first();
                    promo.set_notice_shown(first.is_some());
                    promo.set_notice_critical(first.is_some_and(|n| {
                        n.severity == crate::portal::types::NoticeSeverity::Critical
                    }));
                    promo.set_notice_label(
                        first
                            .map(|n| crate::promo::notices::label(n.severity))
                            .unwrap_or_default()
                            .into(),
                    );
                    promo.set_notice_title(first.map(|n| n.title.as_str()).unwrap_or("").into());
                    promo.set_notice_body(first.map(|n| n.body.as_str()).unwrap_or("").into());
                    promo.set_notice_more(notices.len().saturating_sub(1) as i32);
                    promo.set_notice_has_picture(false);
                    if let Some(picture) = first.and_then(|n| n.picture.clone()) {
                        show_notice_picture(
                            self.app.clone(),
                            first.map(|n| n.title.clone()).unwrap_or_default(),
                            picture,
                        );
                    }
                }
                let spoken = notices.iter().map(crate::promo::notices::spoken).collect();
                self.dispatch(KioskEvent::UrgentNotices(spoken));
            }
            UiUpdate::DataAge { stale, as_of } => {
                if let Some(app) = self.app.upgrade() {
                    let flow = app.global::<Flow>();
                    flow.set_data_stale(stale);
                    flow.set_data_as_of(as_of.into());
                }
                self.dispatch(KioskEvent::SyncReported);
            }
            UiUpdate::Contacts(departments) => self.dispatch(KioskEvent::Contacts(departments)),
            UiUpdate::Catalogue(services) => self.dispatch(KioskEvent::Catalogue(services)),
            UiUpdate::NoticeBoard(notices) => self.dispatch(KioskEvent::NoticeBoard(notices)),
            UiUpdate::Elections(info) => self.dispatch(KioskEvent::Elections(info)),
            UiUpdate::Print { job, report } => {
                crate::ops::metrics::metrics().printer_report(&report);
                let news = crate::print_orders::news(&report);
                if let crate::printing::PrintReport::Preview { picture, .. } = report {
                    self.picture = Some(picture);
                }
                if let Some(news) = news {
                    let job = job.map(crate::kiosk::AttemptId);
                    self.dispatch(KioskEvent::Printer { job, news });
                }
                // A picture the core did not ask to show is dropped at once.
                self.picture = None;
            }
            UiUpdate::Core(event) => self.dispatch(event),
        }
    }

    /// Tells the core when the night hours begin or end.
    fn watch_the_night(&mut self) {
        let Some(watch) = self.night.as_mut() else {
            return;
        };
        let asleep = watch.sleep.asleep_at((watch.wall)());
        if watch.told != Some(asleep) {
            watch.told = Some(asleep);
            tracing::info!(asleep, "night hours");
            self.dispatch(KioskEvent::Schedule { asleep });
        }
    }

    pub(crate) fn dispatch(&mut self, event: KioskEvent) {
        let now = (self.clock)();
        let commands = self.core.handle(event, now);
        let metrics = crate::ops::metrics::metrics();
        for tally in self.core.take_tallies() {
            match tally {
                crate::kiosk::Tally::SessionStarted(kind) => metrics.session_started(kind),
                crate::kiosk::Tally::SessionEnded(reason) => metrics.session_ended(reason),
            }
        }
        metrics.set_reader_present(self.core.reader_present());
        self.run(commands);
    }

    /// Carries out the core's commands through the ports, then draws its view.
    fn run(&mut self, commands: Vec<Command>) {
        let Some(app) = self.app.upgrade() else {
            return;
        };
        let mut answers = Vec::new();
        for command in commands {
            tracing::debug!(?command, "kiosk command");
            match command {
                Command::ShowScreen(screen) => {
                    tracing::info!(screen = screen.name(), "screen");
                    crate::ops::notify_status(&format!("screen: {}", screen.category()));
                    crate::ops::metrics::metrics().set_screen(screen.category());
                }
                Command::StartPromo => self.promo.start(),
                Command::StopPromo => self.promo.stop(),
                Command::ApplyLanguage(language) => select_language(language),
                Command::ForgetUser => {
                    if let Some(session) = &self.adapters.session {
                        session.forget_user();
                    }
                    if let Some(printer) = &self.printer {
                        printer.send(crate::printing::PrintRequest::EndSession);
                    }
                    controllers::citizen::forget(&app, &mut self.drawn);
                    self.picture = None;
                }
                Command::Authenticate { attempt, request } => match &self.adapters.card {
                    Some(card) => card.authenticate(attempt, request),
                    None => answers.push(KioskEvent::LoginResult {
                        attempt,
                        outcome: LoginOutcome::Failed,
                    }),
                },
                Command::StaffAuthenticate { attempt, pin } => match &self.adapters.staff {
                    Some(staff) => staff.authenticate(attempt, pin),
                    None => answers.push(KioskEvent::StaffResult {
                        attempt,
                        outcome: StaffOutcome::Failed,
                    }),
                },
                Command::RereadPin => {
                    if let Some(card) = &self.adapters.card {
                        card.reread_pin();
                    }
                }
                Command::EndSession(session) => {
                    if let Some(port) = &self.adapters.session {
                        port.end_session(session);
                    }
                }
                Command::Fetch {
                    id,
                    session,
                    request,
                } => match &self.adapters.session {
                    Some(port) => port.request(id, session, request),
                    None => answers.push(KioskEvent::Data {
                        id,
                        result: crate::citizen::CitizenResult::Failed {
                            request,
                            session_ended: true,
                            refused: false,
                        },
                    }),
                },
                Command::Print { job, order } => match &self.printer {
                    Some(printer) => {
                        printer.send_job(Some(job.0), crate::print_orders::request(order))
                    }
                    None => tracing::warn!("a print order without a printer"),
                },
                Command::Preview { job, order } => {
                    // Drawn off the UI thread; it comes back like the printer's picture.
                    let updates = self.updates.clone();
                    let profile = crate::receipt::profiles::profile_or_default(
                        &self.identity.printer_profile,
                    );
                    let origin = crate::receipt::SlipOrigin::new(
                        self.identity.kiosk_id.clone(),
                        &self.identity.town,
                    );
                    let kind = crate::print_orders::kind_of(&order).name();
                    let drawn = std::thread::Builder::new()
                        .name("slip-preview".into())
                        .spawn(move || {
                            let report =
                                match crate::print_orders::preview(&order, profile, &origin) {
                                    Some(picture) => {
                                        crate::printing::PrintReport::Preview { kind, picture }
                                    }
                                    None => crate::printing::PrintReport::Invalid { kind },
                                };
                            updates.send(UiUpdate::Print {
                                job: Some(job.0),
                                report,
                            });
                        });
                    if let Err(e) = drawn {
                        tracing::warn!(error = %e, "cannot draw the slip preview");
                    }
                }
                Command::ClearSlipPicture => {
                    app.global::<Citizen>()
                        .set_slip_preview(slint::Image::default());
                }
                Command::ShowSlipPicture => {
                    if let Some(picture) = self.picture.take() {
                        controllers::citizen::show_picture(&app, &picture);
                    }
                }
                Command::SyncNow => {
                    if let Some(f) = &self.sync_now {
                        f();
                    }
                }
                Command::Search { id, query } => match &self.search {
                    Some(worker) => worker.search(id, query),
                    None => answers.push(KioskEvent::SearchResult {
                        id,
                        answer: crate::kiosk::SearchAnswer::Failed,
                    }),
                },
                Command::PhoneLogin { attempt } => match &self.adapters.phone {
                    Some(phone) => phone.start(attempt),
                    None => answers.push(KioskEvent::Phone {
                        attempt,
                        news: crate::kiosk::PhoneNews::Failed,
                    }),
                },
                Command::PhoneCancel(attempt) => {
                    if let Some(phone) = &self.adapters.phone {
                        phone.cancel(attempt);
                    }
                }
                Command::Speak(script) => match &self.speaker {
                    Some(speaker) => speaker.speak(script),
                    None => answers.push(KioskEvent::SpeechEnded),
                },
                Command::StopSpeaking => {
                    if let Some(speaker) = &self.speaker {
                        speaker.stop();
                    }
                }
                Command::SetVolume(volume) => {
                    if let Some(speaker) = &self.speaker {
                        speaker.set_volume(volume);
                    }
                }
                Command::Blank(asleep) => {
                    app.global::<Flow>().set_asleep(asleep);
                    let metrics = crate::ops::metrics::metrics();
                    metrics.set_asleep(asleep);
                    if !asleep {
                        metrics.set_screen(self.core.screen().category());
                    }
                    crate::ops::notify_status(if asleep {
                        "screen: asleep"
                    } else {
                        "screen: awake"
                    });
                    if let Some(dir) = self.night.as_ref().and_then(|n| n.backlight.as_ref())
                        && let Err(e) = crate::ops::set_backlight(dir, !asleep)
                    {
                        tracing::warn!(error = %e, "cannot switch the backlight; the screen is black only");
                    }
                }
            }
        }
        self.draw(&app);
        // Answers the glue gives itself (no adapter) go through the core too.
        for answer in answers {
            let now = (self.clock)();
            let commands = self.core.handle(answer, now);
            self.run(commands);
        }
    }

    fn draw(&mut self, app: &AppWindow) {
        let view = self.core.view();
        apply_view_drawn(app, &view, &mut self.phone_drawn);
        if self.core.area_revision() != self.drawn.revision {
            let area = self.core.area();
            controllers::citizen::apply(app, &area, &mut self.drawn);
            controllers::staff::apply_desk(app, &area.desk);
            controllers::public::apply(app, &area);
            controllers::phone::apply_help(app, &crate::kiosk::login_help(&area.departments));
        }
        if self.core.services_revision() != self.drawn_services {
            self.drawn_services = self.core.services_revision();
            let view = self.core.services(chrono::Local::now().date_naive());
            controllers::services::apply(app, &view, &mut self.services_drawn);
        }
        if self.core.board_revision() != self.drawn_board {
            self.drawn_board = self.core.board_revision();
            let view = self.core.board(chrono::Local::now().date_naive());
            controllers::board::apply_board(app, &view, &mut self.board_drawn);
        }
        if self.core.voting_revision() != self.drawn_voting {
            self.drawn_voting = self.core.voting_revision();
            let view = self.core.voting(chrono::Local::now().date_naive());
            controllers::board::apply_voting(app, &view, &mut self.board_drawn);
        }
        if let Some(card) = self.adapters.card.as_ref().and_then(|c| c.demo_card()) {
            app.global::<Login>()
                .set_demo_card_inserted(card.is_inserted());
        }
    }
}
