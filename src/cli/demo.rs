//! `demo` (feature `devtools`): the whole kiosk on built-in content with no
//! setup — the embedded development portal on loopback as the backend, a
//! simulated card of a demo citizen (or the real reader), the preview printer,
//! everything in a temporary directory removed at the end. Never part of a
//! production build: it carries demo keys and the demo staff PIN.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::ValueEnum;
use portal_kiosk::app::{self, CardChoice, KioskOptions};
use portal_kiosk::config::{KioskConfig, Mode};
use portal_kiosk::logging;

/// `--mode`.
#[derive(Clone, Copy, ValueEnum)]
pub enum ModeArg {
    Kiosk,
    Signage,
    Counter,
}

/// Runs the demo kiosk until its window closes or `exit_after` seconds pass.
pub fn demo(
    mode: ModeArg,
    fullscreen: bool,
    size: (u32, u32),
    exit_after: Option<f64>,
    started: Instant,
    card: &str,
    citizen: &str,
) -> Result<(), String> {
    let mut config = KioskConfig::embedded_default()
        .map_err(|e| format!("the built-in demo config is invalid: {e}"))?;
    config.kiosk.mode = match mode {
        ModeArg::Kiosk => Mode::Kiosk,
        ModeArg::Signage => Mode::Signage,
        ModeArg::Counter => Mode::Counter,
    };
    logging::init(&config.logging.level, config.logging.format);
    let exit_after = match exit_after {
        Some(s) if s.is_finite() && s > 0.0 => Some(Duration::from_secs_f64(s)),
        Some(_) => return Err("--exit-after must be a positive number of seconds".into()),
        None => None,
    };
    let rt = app::runtime().map_err(|e| e.to_string())?;
    let dir = DemoDir::new()?;
    // The embedded development portal plays the town's backend on loopback.
    let _portal = {
        let embedded = rt
            .block_on(portal_kiosk::devportal::start_embedded(
                &dir.0.join("portal"),
            ))
            .map_err(|e| format!("cannot start the embedded development portal: {e}"))?;
        config.backend.url = embedded.portal.kiosk_api_url();
        config.backend.credentials_file = embedded.credentials_file.clone();
        if config.kiosk.mode == Mode::Counter {
            // The demo counter is registered at the portal as a counter.
            config.backend.credentials_file = embedded.counter_credentials_file.clone();
            config.kiosk.id = portal_kiosk::devportal::DEMO_COUNTER_ID.into();
        }
        embedded
    };
    config.storage.data_dir = dir.0.join("data");
    // Slips go to the preview printer: ESC/POS bytes, text and a picture per slip.
    config.printer.uri = format!("preview:{}", dir.0.join("slips").display());
    let card = match card {
        "reader" => CardChoice::Reader,
        _ => CardChoice::Simulated(
            portal_kiosk::card::testcards::citizen(citizen)
                .ok_or_else(|| format!("no demo citizen {citizen}"))?,
        ),
    };
    let options = KioskOptions {
        fullscreen,
        size,
        exit_after,
        started,
        card,
    };
    app::run_kiosk(&config, &rt, options).map_err(|e| e.to_string())
}

/// A temporary directory for a demo run, removed when the demo ends.
struct DemoDir(PathBuf);

impl DemoDir {
    fn new() -> Result<DemoDir, String> {
        let dir = std::env::temp_dir().join(format!("portal-kiosk-demo-{}", std::process::id()));
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        Ok(DemoDir(dir))
    }
}

impl Drop for DemoDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
