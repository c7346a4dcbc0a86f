//! Building and running a kiosk from its configuration: the store and the sync
//! engine, the portal client, the login's adapters (card reader, signer, staff
//! login), the printer thread, the window and its [`UiSetup`], then Slint's event
//! loop until the window closes. `run` and `demo` both start a kiosk through
//! [`run_kiosk`]; they differ only in their [`KioskOptions`].
//!
//! This module wires adapters together and decides nothing about the flow (that
//! is `kiosk`'s); it must never log personal data, and it never panics on a bad
//! config or a missing device: a part that cannot start is logged and left out.

use std::time::{Duration, Instant};

use slint::ComponentHandle;

use crate::config::{KioskConfig, Mode};
use crate::kiosk::{KioskSettings, SessionTimes};
use crate::ops;
use crate::portal::PortalClient;
use crate::portal::types::EventKind;
use crate::promo::Playlist;
use crate::store::Store;
use crate::sync::{self, SyncEngine, SyncHandle, SyncSettings};
use crate::ui::{self, AppWindow, KioskIdentity, KioskUi, UiSetup, UiUpdate};

/// Why a kiosk (or the runtime or sync engine it needs) could not start or run.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Portal(#[from] crate::portal::PortalError),
    #[error("cannot open the kiosk window: {0}")]
    Window(slint::PlatformError),
    #[error("the kiosk window failed: {0}")]
    EventLoop(slint::PlatformError),
}

/// Where logins come from.
pub enum CardChoice {
    /// The PC/SC reader and PKCS#11 module of the config.
    Reader,
    /// The demo's simulated card of this citizen.
    #[cfg(feature = "devtools")]
    Simulated(&'static crate::card::testcards::TestCitizen),
}

/// How to show a kiosk: what the config does not say, or what a command overrides.
pub struct KioskOptions {
    /// Full screen instead of a window of `size`.
    pub fullscreen: bool,
    /// Logical window size; the slides are prepared for it.
    pub size: (u32, u32),
    /// Close the window after this long (benchmarks and smoke tests).
    pub exit_after: Option<Duration>,
    /// When the process started: the startup time is logged from it.
    pub started: Instant,
    /// Where logins come from.
    pub card: CardChoice,
    /// Demo only: what the marked "DEMO: potvrdit v telefonu" control does
    /// (approves the code on screen at the embedded development portal).
    pub demo_phone: Option<crate::phone_login::DemoApprover>,
}

impl KioskOptions {
    /// The production kiosk: the config's screen and the real card reader.
    pub fn from_config(config: &KioskConfig, started: Instant) -> KioskOptions {
        KioskOptions {
            fullscreen: config.screen.fullscreen,
            size: config.screen.logical_size(),
            exit_after: None,
            started,
            card: CardChoice::Reader,
            demo_phone: None,
        }
    }
}

/// The kiosk's async runtime: two workers for the HTTP client, sync and printer I/O.
pub fn runtime() -> Result<tokio::runtime::Runtime, AppError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("kiosk-rt")
        .enable_all()
        .build()
        .map_err(AppError::Runtime)
}

/// The sync engine for this config, or why the kiosk runs without one.
pub fn sync_engine(config: &KioskConfig) -> Result<SyncEngine, AppError> {
    let store = Store::open_in(&config.storage.data_dir)?;
    let client = PortalClient::from_config(&config.backend)?;
    let settings = SyncSettings {
        kiosk_id: config.kiosk.id.clone(),
        assets_dir: config.storage.data_dir.join("assets"),
        asset_budget: config.sync.asset_budget_mb * 1024 * 1024,
        intervals: config.sync.intervals(),
    };
    let board = config
        .notice_board
        .settings(Duration::from_secs(config.backend.timeout_seconds));
    Ok(SyncEngine::new(client, store, settings)
        .with_notice_board(board)
        .with_playlist_trust(crate::promo::PlaylistTrust::from_config(&config.promo)))
}

/// Builds the kiosk for `config` and runs its window until it closes (or
/// `exit_after` passes). What the store already has plays at once, even with no
/// network; the sync engine, the login and the printer start when they can.
pub fn run_kiosk(
    config: &KioskConfig,
    rt: &tokio::runtime::Runtime,
    options: KioskOptions,
) -> Result<(), AppError> {
    let KioskOptions {
        fullscreen,
        size,
        exit_after,
        started,
        card,
        demo_phone,
    } = options;
    let default_duration = Duration::from_secs(config.promo.default_slide_seconds);
    let fallback = match &config.promo.playlist {
        Some(file) => Playlist::load(file, default_duration).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "local playlist unusable; playing the town's own slide");
            Playlist::town(&config.town, default_duration)
        }),
        None => Playlist::town(&config.town, default_duration),
    };
    let assets_dir = config.storage.data_dir.join("assets");
    let site_tags: Vec<String> = vec![
        config.kiosk.id.clone(),
        config.kiosk.mode.as_str().to_string(),
    ];
    let stale_after = Duration::from_secs(config.sync.stale_after_minutes * 60);

    // What the store already has plays at once, even with no network.
    let engine = match sync_engine(config) {
        Ok(engine) => Some(engine),
        Err(reason) => {
            tracing::error!(%reason, "running without backend sync; showing the bundled content");
            None
        }
    };
    let first = engine.as_ref().and_then(sync::runner::snapshot);
    let tags: Vec<&str> = site_tags.iter().map(String::as_str).collect();
    let first_updates = first
        .as_ref()
        .map(|s| ui::updates_from_snapshot(s, &assets_dir, &tags, stale_after, &fallback))
        .unwrap_or_default();
    let playlist = first_updates
        .iter()
        .find_map(|u| match u {
            UiUpdate::Playlist { playlist, .. } => Some(playlist.clone()),
            _ => None,
        })
        .unwrap_or_else(|| fallback.clone());

    #[cfg(feature = "devtools")]
    let demo = matches!(card, CardChoice::Simulated(_));
    let login = login_backend(config, rt, card, demo_phone);
    let kiosk_ui_and_app = start_ui(config, playlist, size, fullscreen, login)?;
    let (app, kiosk_ui) = &kiosk_ui_and_app;
    #[cfg(feature = "devtools")]
    if demo && config.kiosk.mode == Mode::Counter {
        app.global::<ui::Staff>()
            .set_demo_pin(crate::devportal::DEMO_STAFF_PIN.into());
    }
    for update in first_updates.into_iter().filter(|u| {
        matches!(
            u,
            UiUpdate::DataAge { .. }
                | UiUpdate::Notices(_)
                | UiUpdate::Contacts(_)
                | UiUpdate::Catalogue(_)
                | UiUpdate::NoticeBoard(_)
                | UiUpdate::Elections(_)
        )
    }) {
        kiosk_ui.updates().send(update);
    }
    kiosk_ui.start_search(&config.storage.data_dir.join(crate::store::STORE_FILE));
    // Validated with the config: a bad range never gets here.
    if let Ok(sleep) = crate::schedule::ScreenSleep::parse(&config.screen.sleep) {
        let backlight = (!config.screen.backlight.is_empty())
            .then(|| std::path::PathBuf::from(&config.screen.backlight));
        // Prague civil time, as the playlists' schedules: whatever the PC's
        // own time zone says.
        kiosk_ui.set_screen_sleep(sleep, backlight, || {
            crate::promo::prague::now_local().time()
        });
    }
    // For citizens at a kiosk: not on a display nobody touches, nor at the
    // staff's desk.
    if config.speech.enabled && config.kiosk.mode == crate::config::Mode::Kiosk {
        kiosk_ui.start_speech(config.speech.engine(), config.speech.volume);
    }

    let (handle, commands) = SyncHandle::new();
    let mut sync_task = None;
    if let Some(engine) = engine {
        let updates = kiosk_ui.updates();
        let fallback = fallback.clone();
        sync_task = Some(
            rt.spawn(sync::runner::run(engine, commands, move |snapshot| {
                let tags: Vec<&str> = site_tags.iter().map(String::as_str).collect();
                for update in
                    ui::updates_from_snapshot(&snapshot, &assets_dir, &tags, stale_after, &fallback)
                {
                    updates.send(update);
                }
            })),
        );
        let now = handle.clone();
        kiosk_ui.on_sync_now(move || now.sync_now());
        let plays = handle.clone();
        kiosk_ui.on_play(move |slide| {
            ops::metrics::metrics().slide_played();
            plays.enqueue(
                EventKind::ProofOfPlay,
                serde_json::json!({ "slideId": slide.id, "seconds": slide.duration.as_secs() }),
            );
        });
    }

    // Readiness and first-frame timing: READY once the first frame is presented.
    let mode = config.kiosk.mode.as_str();
    let _ready = ui::after_first_frame(app, move || {
        tracing::info!(
            mode,
            startup_ms = started.elapsed().as_millis() as u64,
            "kiosk window up, first frame presented"
        );
        ops::notify_ready("showing the kiosk");
    });
    let watchdog = slint::Timer::default();
    if let Some(interval) = ops::watchdog_interval() {
        watchdog.start(slint::TimerMode::Repeated, interval, ops::pet_watchdog);
    }
    // The UI thread's beat for `portal_kiosk_ui_stall_max_seconds`.
    let beat = slint::Timer::default();
    if config.metrics.enabled {
        let metrics = ops::metrics::metrics();
        metrics.ui_beat();
        beat.start(slint::TimerMode::Repeated, ops::metrics::UI_BEAT, || {
            ops::metrics::metrics().ui_beat()
        });
        let listen = config.metrics.listen;
        rt.spawn(async move {
            match ops::metrics::serve(listen, metrics).await {
                Ok(addr) => tracing::info!(%addr, "metrics endpoint up"),
                // Another kiosk process on this machine, or a bad address: the
                // kiosk runs on without its metrics.
                Err(e) => tracing::error!(error = %e, "no metrics endpoint"),
            }
        });
    }
    let probe = ops::StallProbe::from_env();
    #[cfg(feature = "devtools")]
    let _freeze = freeze_for_tests();
    let quit = slint::Timer::default();
    if let Some(after) = exit_after {
        quit.start(slint::TimerMode::SingleShot, after, || {
            let _ = slint::quit_event_loop();
        });
    }
    // SIGTERM (systemd stopping the unit) and SIGINT (Ctrl-C) leave the event
    // loop instead of killing the process: the code below and every `Drop` run —
    // the demo's temporary directory among them.
    rt.spawn(async {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            tracing::warn!("cannot watch for stop signals");
            return;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
        tracing::info!("stop signal: leaving the event loop");
        let _ = slint::invoke_from_event_loop(|| {
            let _ = slint::quit_event_loop();
        });
    });
    let result = app.run().map_err(AppError::EventLoop);
    ops::notify_stopping();
    let stopping = Instant::now();
    if let Some(probe) = probe {
        tracing::info!(
            worst_stall_ms = probe.worst().as_secs_f64() * 1000.0,
            "UI thread stall probe, final"
        );
    }
    // Whoever is logged in is logged out (the backend session ends, the
    // screen's models are wiped) before anything else stops.
    kiosk_ui.dispatch(crate::kiosk::KioskEvent::Logout);
    handle.shutdown();
    if let Some(task) = sync_task {
        // Events handed over are stored; a pull under way is abandoned.
        if rt
            .block_on(async { tokio::time::timeout(SYNC_STOP_WAIT, task).await })
            .is_err()
        {
            tracing::warn!("the sync engine did not stop in time");
        }
    }
    // The reader's thread (its PC/SC wait cancelled), the printer's and the
    // speech's stop with their owners.
    drop(kiosk_ui_and_app);
    tracing::info!(
        stop_ms = stopping.elapsed().as_millis() as u64,
        "kiosk stopped"
    );
    result
}

/// Development builds only: `PORTAL_KIOSK_TEST_FREEZE_UI_AFTER_MS=N` freezes
/// the UI thread N ms after start — the failure the watchdog exists for, made
/// on purpose by the supervisor test (tests/unit_cage.rs).
#[cfg(feature = "devtools")]
fn freeze_for_tests() -> Option<slint::Timer> {
    let after: u64 = std::env::var("PORTAL_KIOSK_TEST_FREEZE_UI_AFTER_MS")
        .ok()?
        .parse()
        .ok()?;
    let timer = slint::Timer::default();
    timer.start(
        slint::TimerMode::SingleShot,
        Duration::from_millis(after),
        || {
            tracing::warn!("test hook: freezing the UI thread");
            loop {
                std::thread::sleep(Duration::from_secs(3600));
            }
        },
    );
    Some(timer)
}

/// How long a stopping kiosk waits for the sync engine (systemd allows 10 s;
/// the kiosk promises 5).
const SYNC_STOP_WAIT: Duration = Duration::from_secs(3);

/// The login's adapters for this config; none in signage mode or with the reader
/// off. A kiosk (not a counter) with `[phone_login] enabled` also logs in with
/// a phone, into the same session tokens.
fn login_backend(
    config: &KioskConfig,
    rt: &tokio::runtime::Runtime,
    card: CardChoice,
    demo_phone: Option<crate::phone_login::DemoApprover>,
) -> crate::login::Adapters {
    use crate::login::{Adapters, CardLogin, CardSource};
    let counter = config.kiosk.mode == Mode::Counter;
    if config.kiosk.mode == Mode::Signage || (!config.card_reader.enabled && !counter) {
        return Adapters::none();
    }
    let client = match PortalClient::from_config(&config.backend) {
        Ok(c) => std::sync::Arc::new(c),
        Err(e) => {
            tracing::error!(error = %e, "card login disabled: no backend client");
            return Adapters::none();
        }
    };
    let (signer, source): (Box<dyn crate::card::Signer>, CardSource) = match card {
        // A counter without a reader still has its staff logins.
        _ if counter && !config.card_reader.enabled => (
            Box::new(crate::card::Pkcs11Signer::new(
                &config.card_reader.pkcs11_module,
            )),
            CardSource::Off,
        ),
        // The demo counter has no simulated card: the reader shows as not set up.
        #[cfg(feature = "devtools")]
        CardChoice::Simulated(_) if counter => (
            Box::new(crate::card::Pkcs11Signer::new(
                &config.card_reader.pkcs11_module,
            )),
            CardSource::Off,
        ),
        CardChoice::Reader => (
            Box::new(crate::card::Pkcs11Signer::new(
                &config.card_reader.pkcs11_module,
            )),
            CardSource::Pcsc {
                pattern: config.card_reader.name_pattern.clone(),
            },
        ),
        #[cfg(feature = "devtools")]
        CardChoice::Simulated(citizen) => {
            let card = crate::card::demo::DemoCard::new(citizen);
            (Box::new(card.signer()), CardSource::Demo(card))
        }
    };
    let phone_client = client.clone();
    match CardLogin::new(rt.handle().clone(), client, signer, source) {
        Ok(login) if counter => {
            match crate::staff::StaffLockout::open(&config.storage.data_dir) {
                Ok(lockout) => login.with_staff(lockout).into_adapters(),
                Err(e) => {
                    // Without its lockout the counter takes no PINs; it still
                    // starts, and its login says staff cannot log in here.
                    tracing::error!(error = %e, "counter: no staff login without its lockout store");
                    login.into_adapters()
                }
            }
        }
        Ok(login) if config.phone_login.enabled && config.kiosk.mode == Mode::Kiosk => {
            let mut phone = crate::phone_login::PhoneLogin::new(
                rt.handle().clone(),
                phone_client,
                login.tokens(),
            );
            if let Some(approve) = demo_phone {
                phone = phone.with_demo_approver(approve);
            }
            login.into_adapters().with_phone(phone)
        }
        Ok(login) => login.into_adapters(),
        Err(e) => {
            tracing::error!(error = %e, "card login disabled");
            Adapters::none()
        }
    }
}

/// The printer thread for this config; none in signage mode or with the printer off.
fn print_service(config: &KioskConfig) -> Option<crate::printing::PrintService> {
    use crate::receipt::{printer::PrinterUri, profiles};
    if config.kiosk.mode == Mode::Signage || !config.printer.enabled {
        return None;
    }
    let uri = match PrinterUri::parse(&config.printer.uri) {
        Ok(u) => u,
        Err(e) => {
            tracing::error!(error = %e, "printing disabled");
            return None;
        }
    };
    let profile = profiles::profile(&config.printer.profile)?;
    crate::printing::PrintService::start(
        uri,
        profile,
        crate::receipt::SlipOrigin::new(config.kiosk.id.clone(), &config.town),
        config.storage.data_dir.clone(),
    )
    .map_err(|e| tracing::error!(error = %e, "cannot start the printer thread"))
    .ok()
}

fn start_ui(
    config: &KioskConfig,
    playlist: Playlist,
    size: (u32, u32),
    fullscreen: bool,
    adapters: crate::login::Adapters,
) -> Result<(AppWindow, KioskUi), AppError> {
    if config.screen.rotation != 0 && std::env::var_os("SLINT_KMS_ROTATION").is_none() {
        // Honoured by the linuxkms backend; under X11/Wayland the compositor rotates.
        // SAFETY: no other thread reads the environment while the window is created.
        unsafe { std::env::set_var("SLINT_KMS_ROTATION", config.screen.rotation.to_string()) };
    }
    let app = AppWindow::new().map_err(AppError::Window)?;
    if fullscreen {
        app.window().set_fullscreen(true);
    } else {
        app.window()
            .set_size(slint::LogicalSize::new(size.0 as f32, size.1 as f32));
    }
    let settings = KioskSettings {
        mode: config.kiosk.mode,
        idle_timeout: config.idle.anonymous(),
        default_language: config.languages.default,
        languages: config.languages.available.clone(),
        session: SessionTimes {
            idle: Duration::from_secs(config.idle.session_seconds),
            warning: Duration::from_secs(config.idle.warning_seconds),
            logged_out: Duration::from_secs(config.idle.logged_out_seconds),
            phone_idle: config.idle.phone_session(),
        },
    };
    let setup = UiSetup {
        settings,
        identity: KioskIdentity::new(&config.kiosk.id, &config.kiosk.site, &config.town)
            .with_printer_profile(&config.printer.profile),
        playlist,
        screen_size: size,
        fade: Duration::from_millis(config.promo.transition_ms),
        slide_cache: Some(config.storage.data_dir.join("slide-cache")),
        clock: ui::system_clock(),
        adapters,
        printer: print_service(config),
    };
    let kiosk_ui = KioskUi::attach(&app, setup);
    Ok((app, kiosk_ui))
}
