//! The site config file (`kiosk-config/*.toml`): TOML text → types →
//! validation, with the error positions (line and column in characters)
//! computed for every error; and a staff PIN hash as the backend's records and
//! `staff-pin-hash` carry it (PHC string, argon2id only).
//!
//! For a config that passes, the values the kiosk derives from it at start
//! (durations, byte budgets, the printer URI) must be representable: the
//! validation is what keeps `app.rs`'s arithmetic from overflowing.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use portal_kiosk::config::KioskConfig;
use portal_kiosk::receipt::PrinterUri;

fuzz_target!(|data: &[u8]| {
    // The kiosk reads both files with `read_to_string`: only UTF-8 gets further.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match KioskConfig::parse(text, Path::new("fuzz.toml")) {
        Ok(config) => {
            assert!(PrinterUri::parse(&config.printer.uri).is_ok());
            let _ = config.screen.logical_size();
            let _ = config.idle.anonymous();
            let _ = config.sync.intervals();
            assert!(
                config
                    .sync
                    .asset_budget_mb
                    .checked_mul(1024 * 1024)
                    .is_some()
            );
            assert!(config.sync.stale_after_minutes.checked_mul(60).is_some());
            assert!(!config.languages.available.is_empty());
        }
        Err(errors) => {
            // Every error names its place in characters inside the text.
            for e in &errors.0 {
                if let Some(line) = e.line {
                    assert!(line >= 1 && line <= text.matches('\n').count() + 1);
                }
                if let Some(column) = e.column {
                    assert!(column >= 1 && column <= text.chars().count() + 1);
                }
            }
            let _ = errors.to_string();
        }
    }
    if let Ok(hash) = portal_kiosk::staff::check_pin_hash(text) {
        assert!(hash.as_str().starts_with("$argon2id$"));
    }
});
