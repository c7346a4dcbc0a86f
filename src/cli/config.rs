//! `check-config`: validates config files the way `run` loads them, so a
//! broken file — or one with a demo-only setting such as a `preview:` printer —
//! is found before the kiosk starts (systemd's `ExecStartPre`).
//! It only reads the files, never the backend or a device.

use std::path::{Path, PathBuf};

use portal_kiosk::config::KioskConfig;

/// Prints `ok FILE` or every error with its place; fails if any file is invalid.
pub fn check_config(files: &[PathBuf], installed_in: Option<&Path>) -> Result<(), String> {
    let mut bad = 0;
    for file in files {
        let dir = installed_in
            .or_else(|| file.parent())
            .unwrap_or(Path::new("."));
        match KioskConfig::load_for_service_in(file, dir) {
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
