//! `sync`: one sync pass against the backend with a site's config, its report
//! printed as text or JSON. The running kiosk syncs by itself; this is for
//! installing and diagnosing a kiosk. It writes the store the kiosk uses.

use std::path::PathBuf;

use portal_kiosk::config::KioskConfig;
use portal_kiosk::{app, logging};

/// Runs one pass and prints per collection fetched / not modified / failed;
/// fails if anything failed.
pub fn sync_once(path: PathBuf, json: bool) -> Result<(), String> {
    let config = KioskConfig::load(&path).map_err(|e| format!("invalid config: {e}"))?;
    logging::init(&config.logging.level, config.logging.format);
    let rt = app::runtime().map_err(|e| e.to_string())?;
    let mut engine = app::sync_engine(&config).map_err(|e| e.to_string())?;
    let report = rt.block_on(engine.pass());
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?
        );
    } else {
        println!("{report}");
    }
    if report.all_ok() {
        Ok(())
    } else {
        Err("the sync pass had failures (see above)".into())
    }
}
