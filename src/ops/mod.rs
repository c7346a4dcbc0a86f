//! Operating the kiosk under systemd: readiness and the watchdog.
//!
//! The watchdog is petted from a timer on the UI thread, so a frozen UI — the
//! failure a citizen would see — stops the pets and systemd restarts the kiosk.
//! Outside systemd (no `NOTIFY_SOCKET`) every call here does nothing.

pub mod metrics;

use std::time::Duration;

use sd_notify::NotifyState;

/// Keeps glibc's malloc from holding on to freed slide pictures: a block of
/// 1 MiB or more (a decoded or prepared slide is 6 MB at 1920×1080) is always
/// mapped on its own and returned to the system when freed. By default glibc
/// raises that threshold after the first such block is freed, after which
/// every slide's pixels stay in the heap for good.
pub fn return_large_blocks() {
    // SAFETY: mallopt with an integer parameter, before other threads start.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

/// Switches a sysfs backlight (`/sys/class/backlight/<name>`) on or off
/// through its `bl_power` (0 on, 4 powered down). Needs write access to it
/// (the package's udev rule gives the kiosk's group that).
pub fn set_backlight(dir: &std::path::Path, on: bool) -> std::io::Result<()> {
    std::fs::write(dir.join("bl_power"), if on { "0\n" } else { "4\n" })
}

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

/// Tells systemd what the kiosk is doing (`systemctl status`): a category of
/// screen, never anything of the person using it.
pub fn notify_status(status: &str) {
    let _ = sd_notify::notify(&[NotifyState::Status(status)]);
}

pub fn notify_stopping() {
    let _ = sd_notify::notify(&[NotifyState::Stopping]);
}

#[cfg(feature = "ui")]
use std::cell::Cell;
#[cfg(feature = "ui")]
use std::rc::Rc;
use std::sync::OnceLock;
use std::time::Instant;

static PROCESS_START: OnceLock<Instant> = OnceLock::new();

/// Marks the start of the process (call first thing in `main`).
pub fn mark_process_start() {
    let _ = PROCESS_START.set(Instant::now());
}

/// Keeps personal data out of core dumps: no core file at all (RLIMIT_CORE 0)
/// and the process not dumpable (nor attachable by another process of the
/// same user). The unit says `LimitCORE=0` too; this holds wherever it runs.
pub fn forbid_core_dumps() -> std::io::Result<()> {
    let none = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: plain system calls with a valid pointer to a local struct.
    let limit = unsafe { libc::setrlimit(libc::RLIMIT_CORE, &none) };
    if limit != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: prctl with integer arguments only.
    let dumpable = unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) };
    if dumpable != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// Time since [`mark_process_start`] (zero if it was never called).
pub fn since_process_start() -> Duration {
    PROCESS_START.get().map(|t| t.elapsed()).unwrap_or_default()
}

/// Measures how long the UI thread was unavailable: a timer that should fire every
/// `PROBE_INTERVAL` records how late it fires. Enabled by the benchmark only
/// (`PORTAL_KIOSK_STALL_PROBE=1`): its wake-ups would cost CPU in production.
#[cfg(feature = "ui")]
pub struct StallProbe {
    worst: Rc<Cell<Duration>>,
    _timer: slint::Timer,
    _report: slint::Timer,
}

#[cfg(feature = "ui")]
const PROBE_INTERVAL: Duration = Duration::from_millis(4);

#[cfg(feature = "ui")]
impl StallProbe {
    pub fn from_env() -> Option<StallProbe> {
        std::env::var_os("PORTAL_KIOSK_STALL_PROBE")?;
        let worst = Rc::new(Cell::new(Duration::ZERO));
        let last = Cell::new(Instant::now());
        let timer = slint::Timer::default();
        let w = worst.clone();
        timer.start(slint::TimerMode::Repeated, PROBE_INTERVAL, move || {
            let now = Instant::now();
            let late = now
                .duration_since(last.replace(now))
                .saturating_sub(PROBE_INTERVAL);
            if late > w.get() {
                w.set(late);
            }
        });
        let report = slint::Timer::default();
        let w = worst.clone();
        report.start(
            slint::TimerMode::Repeated,
            Duration::from_secs(10),
            move || {
                tracing::info!(
                    worst_stall_ms = w.get().as_secs_f64() * 1000.0,
                    "UI thread stall probe"
                );
            },
        );
        Some(StallProbe {
            worst,
            _timer: timer,
            _report: report,
        })
    }

    pub fn worst(&self) -> Duration {
        self.worst.get()
    }
}

#[cfg(test)]
mod core_dump_tests {
    #[test]
    fn the_kiosk_process_can_leave_no_core_dump() {
        super::forbid_core_dumps().unwrap();
        // SAFETY: prctl with integer arguments only.
        assert_eq!(unsafe { libc::prctl(libc::PR_GET_DUMPABLE, 0, 0, 0, 0) }, 0);
        let mut limit = libc::rlimit {
            rlim_cur: 1,
            rlim_max: 1,
        };
        // SAFETY: a valid pointer to a local struct.
        assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_CORE, &mut limit) }, 0);
        assert_eq!((limit.rlim_cur, limit.rlim_max), (0, 0));
    }
}
