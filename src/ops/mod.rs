//! Operating the kiosk under systemd: readiness and the watchdog.
//!
//! The watchdog is petted from a timer on the UI thread, so a frozen UI — the
//! failure a citizen would see — stops the pets and systemd restarts the kiosk.
//! Outside systemd (no `NOTIFY_SOCKET`) every call here does nothing.

use std::time::Duration;

use sd_notify::NotifyState;

/// Tells systemd that the kiosk is up (first frame on screen).
pub fn notify_ready(status: &str) {
    let _ = sd_notify::notify(&[NotifyState::Ready, NotifyState::Status(status)]);
}

/// How often to pet the watchdog, if systemd asked for one: half its timeout.
pub fn watchdog_interval() -> Option<Duration> {
    sd_notify::watchdog_enabled().map(|timeout| timeout / 2)
}

pub fn pet_watchdog() {
    let _ = sd_notify::notify(&[NotifyState::Watchdog]);
}

pub fn notify_stopping() {
    let _ = sd_notify::notify(&[NotifyState::Stopping]);
}
