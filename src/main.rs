//! `portal-kiosk`: the command line. Every command exits 0 on success and
//! non-zero with a one-line reason otherwise; nothing here panics on bad input.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand, ValueEnum};
use slint::ComponentHandle;

use portal_kiosk::config::{KioskConfig, Mode};
use portal_kiosk::i18n::Language;
use portal_kiosk::kiosk::KioskSettings;
use portal_kiosk::promo::Playlist;
use portal_kiosk::ui::screenshot::{self, ScreenshotOptions, ThemeChoice};
use portal_kiosk::ui::{self, AppWindow, KioskIdentity, KioskUi, UiSetup};
use portal_kiosk::{logging, ops};

#[derive(Parser)]
#[command(
    name = "portal-kiosk",
    version,
    about = "Self-service kiosk of the Litoměřice citizen portal"
)]
struct Cli {
    #[command(subcommand)]
    command: CliCommand,
}

#[derive(Subcommand)]
enum CliCommand {
    /// Run the kiosk with a site's configuration (the production entry).
    Run {
        #[arg(long)]
        config: PathBuf,
    },
    /// Run the whole kiosk on built-in demo content; no setup needed.
    Demo {
        #[arg(long, value_enum, default_value = "kiosk")]
        mode: ModeArg,
        /// Full screen instead of a window.
        #[arg(long)]
        fullscreen: bool,
        /// Window size, e.g. 1920x1080 or 1080x1920.
        #[arg(long, default_value = "1920x1080", value_parser = parse_size)]
        size: (u32, u32),
        /// Exit after this many seconds (benchmarks and smoke tests).
        #[arg(long)]
        exit_after: Option<f64>,
    },
    /// Validate config files: prints `ok FILE` or every error with its place.
    CheckConfig {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Render every screen to DIR/<screen>.png headlessly (no display needed).
    Screenshot {
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value = "cs")]
        lang: String,
        #[arg(long, value_enum, default_value = "standard")]
        theme: ThemeArg,
        /// Render with the larger-text switch on.
        #[arg(long)]
        large_text: bool,
        #[arg(long, default_value = "1920x1080", value_parser = parse_size)]
        size: (u32, u32),
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ModeArg {
    Kiosk,
    Signage,
    Counter,
}

#[derive(Clone, Copy, ValueEnum)]
enum ThemeArg {
    Standard,
    Contrast,
}

fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let (w, h) = text
        .split_once(['x', 'X'])
        .ok_or("expected WIDTHxHEIGHT, e.g. 1920x1080")?;
    let parse = |s: &str| {
        s.trim()
            .parse::<u32>()
            .map_err(|_| format!("`{s}` is not a whole number"))
    };
    let (w, h) = (parse(w)?, parse(h)?);
    if !(320..=7680).contains(&w) || !(320..=7680).contains(&h) {
        return Err("width and height must be 320 to 7680".into());
    }
    Ok((w, h))
}

fn main() -> ExitCode {
    let started = Instant::now();
    let cli = Cli::parse();
    let result = match cli.command {
        CliCommand::Run { config } => run(config, started),
        CliCommand::Demo {
            mode,
            fullscreen,
            size,
            exit_after,
        } => demo(mode, fullscreen, size, exit_after, started),
        CliCommand::CheckConfig { files } => check_config(&files),
        CliCommand::Screenshot {
            out,
            lang,
            theme,
            large_text,
            size,
        } => take_screenshots(out, &lang, theme, large_text, size),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(reason) => {
            eprintln!("portal-kiosk: {reason}");
            ExitCode::FAILURE
        }
    }
}

fn check_config(files: &[PathBuf]) -> Result<(), String> {
    let mut bad = 0;
    for file in files {
        match KioskConfig::load(file) {
            Ok(_) => println!("ok {}", file.display()),
            Err(errors) => {
                bad += 1;
                for e in &errors.0 {
                    println!("error {e}");
                }
            }
        }
    }
    if bad == 0 {
        Ok(())
    } else {
        Err(format!("{bad} of {} config files are invalid", files.len()))
    }
}

fn run(path: PathBuf, started: Instant) -> Result<(), String> {
    let config = KioskConfig::load(&path).map_err(|e| format!("invalid config: {e}"))?;
    logging::init(&config.logging.level, config.logging.format);
    let default_duration = Duration::from_secs(config.promo.default_slide_seconds);
    let playlist = match &config.promo.playlist {
        Some(file) => Playlist::load(file, default_duration).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "local playlist unusable; playing the bundled demo slides");
            Playlist::demo(default_duration)
        }),
        None => Playlist::demo(default_duration),
    };
    let size = config.screen.logical_size();
    start_ui(
        &config,
        playlist,
        size,
        config.screen.fullscreen,
        None,
        started,
    )
}

fn demo(
    mode: ModeArg,
    fullscreen: bool,
    size: (u32, u32),
    exit_after: Option<f64>,
    started: Instant,
) -> Result<(), String> {
    let mut config = KioskConfig::embedded_default();
    config.kiosk.mode = match mode {
        ModeArg::Kiosk => Mode::Kiosk,
        ModeArg::Signage => Mode::Signage,
        ModeArg::Counter => Mode::Counter,
    };
    logging::init(&config.logging.level, config.logging.format);
    let playlist = Playlist::demo(Duration::from_secs(config.promo.default_slide_seconds));
    let exit_after = match exit_after {
        Some(s) if s.is_finite() && s > 0.0 => Some(Duration::from_secs_f64(s)),
        Some(_) => return Err("--exit-after must be a positive number of seconds".into()),
        None => None,
    };
    start_ui(&config, playlist, size, fullscreen, exit_after, started)
}

fn start_ui(
    config: &KioskConfig,
    playlist: Playlist,
    size: (u32, u32),
    fullscreen: bool,
    exit_after: Option<Duration>,
    started: Instant,
) -> Result<(), String> {
    if config.screen.rotation != 0 && std::env::var_os("SLINT_KMS_ROTATION").is_none() {
        // Honoured by the linuxkms backend; under X11/Wayland the compositor rotates.
        // SAFETY: single-threaded at this point; no other thread reads the environment yet.
        unsafe { std::env::set_var("SLINT_KMS_ROTATION", config.screen.rotation.to_string()) };
    }
    let app = AppWindow::new().map_err(|e| format!("cannot open the kiosk window: {e}"))?;
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
    };
    let setup = UiSetup {
        settings,
        identity: KioskIdentity::new(&config.kiosk.id, &config.kiosk.site),
        playlist,
        screen_size: size,
        fade: Duration::from_millis(config.promo.transition_ms),
        clock: ui::system_clock(),
    };
    let kiosk_ui = KioskUi::attach(&app, setup);

    // Readiness and first-frame timing: the first frame is drawn once the loop runs.
    let ready = slint::Timer::default();
    let mode = config.kiosk.mode.as_str();
    ready.start(slint::TimerMode::SingleShot, Duration::ZERO, move || {
        tracing::info!(
            mode,
            startup_ms = started.elapsed().as_millis() as u64,
            "kiosk window up"
        );
        ops::notify_ready("showing the kiosk");
    });
    let watchdog = slint::Timer::default();
    if let Some(interval) = ops::watchdog_interval() {
        watchdog.start(slint::TimerMode::Repeated, interval, ops::pet_watchdog);
    }
    let quit = slint::Timer::default();
    if let Some(after) = exit_after {
        quit.start(slint::TimerMode::SingleShot, after, || {
            let _ = slint::quit_event_loop();
        });
    }
    let result = app
        .run()
        .map_err(|e| format!("the kiosk window failed: {e}"));
    ops::notify_stopping();
    drop(kiosk_ui);
    result
}

fn take_screenshots(
    out: PathBuf,
    lang: &str,
    theme: ThemeArg,
    large_text: bool,
    size: (u32, u32),
) -> Result<(), String> {
    let language = Language::from_code(lang)
        .ok_or_else(|| format!("unknown language `{lang}`; expected cs, en, de or uk"))?;
    screenshot::init_headless().map_err(|e| e.to_string())?;
    let options = ScreenshotOptions {
        language,
        theme: match theme {
            ThemeArg::Standard => ThemeChoice::Standard,
            ThemeArg::Contrast => ThemeChoice::Contrast,
        },
        large_text,
        width: size.0,
        height: size.1,
    };
    let shots = screenshot::render_all(&options).map_err(|e| e.to_string())?;
    let written = screenshot::write_pngs(&shots, &out).map_err(|e| e.to_string())?;
    for path in written {
        println!("{}", path.display());
    }
    Ok(())
}
