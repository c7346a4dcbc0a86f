//! `run`: the production entry, a kiosk with a site's configuration. The
//! kiosk itself is built by `portal_kiosk::app`; this only loads the config,
//! starts logging and the runtime. It must stay free of demo shortcuts.

use std::path::PathBuf;
use std::time::Instant;

use portal_kiosk::app::{self, KioskOptions};
use portal_kiosk::config::KioskConfig;
use portal_kiosk::logging;

/// Runs the kiosk of the config at `path` until its window closes.
pub fn run(path: PathBuf, started: Instant) -> Result<(), String> {
    portal_kiosk::ops::forbid_core_dumps()
        .map_err(|e| format!("cannot turn off core dumps: {e}"))?;
    let config =
        KioskConfig::load_for_service(&path).map_err(|e| format!("invalid config: {e}"))?;
    logging::init(&config.logging.level, config.logging.format);
    let rt = app::runtime().map_err(|e| e.to_string())?;
    app::run_kiosk(&config, &rt, KioskOptions::from_config(&config, started))
        .map_err(|e| e.to_string())
}
