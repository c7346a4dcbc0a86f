//! `demo` (feature `devtools`): the whole kiosk on built-in content with no
//! setup — the embedded development portal on loopback as the backend, a
//! simulated card of a demo citizen (or the real reader), the preview printer,
//! everything in a temporary directory removed at the end. Never part of a
//! production build: it carries demo keys and the demo staff PIN.

use std::path::Path;
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

/// What `demo` was asked for on the command line.
pub struct DemoArgs {
    pub mode: ModeArg,
    pub fullscreen: bool,
    pub size: (u32, u32),
    pub exit_after: Option<f64>,
    pub card: String,
    pub citizen: String,
    pub town: Option<std::path::PathBuf>,
}

/// Runs the demo kiosk until its window closes or `exit_after` seconds pass.
pub fn demo(args: DemoArgs, started: Instant) -> Result<(), String> {
    let DemoArgs {
        mode,
        fullscreen,
        size,
        exit_after,
        card,
        citizen,
        town,
    } = args;
    let (card, citizen, town) = (card.as_str(), citizen.as_str(), town.as_deref());
    let mut config = KioskConfig::embedded_default()
        .map_err(|e| format!("the built-in demo config is invalid: {e}"))?;
    // Another town: its names, logo, colours and languages, and its content
    // in the embedded portal.
    let demo_town = match town {
        Some(dir) => portal_kiosk::devportal::DemoTown::from_dir(dir)?,
        None => portal_kiosk::devportal::DemoTown::bundled()?,
    };
    config.town = demo_town.town.clone();
    config.languages.available = demo_town.languages.clone();
    if !config
        .languages
        .available
        .contains(&config.languages.default)
        && let Some(first) = config.languages.available.first()
    {
        config.languages.default = *first;
    }
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
            .block_on(portal_kiosk::devportal::start_embedded_with(
                &dir.path().join("portal"),
                &demo_town.seed,
            ))
            .map_err(|e| format!("cannot start the embedded development portal: {e}"))?;
        // Its address, the demo kiosk's token, and its playlist key pinned
        // with signatures required.
        embedded.configure(&mut config);
        if config.kiosk.mode == Mode::Counter {
            // The demo counter is registered at the portal as a counter.
            config.backend.credentials_file = embedded.counter_credentials_file.clone();
            config.kiosk.id = portal_kiosk::devportal::DEMO_COUNTER_ID.into();
        }
        embedded
    };
    config.storage.data_dir = dir.path().join("data");
    // Slips go to the preview printer: ESC/POS bytes, text and a picture per slip.
    config.printer.uri = format!("preview:{}", dir.path().join("slips").display());
    // "Přihlásit se telefonem": the code is approved at the portal's approval
    // page from a browser on this machine (its address is on the kiosk's
    // screen too), or by the marked demo control, for the demo citizen.
    let approval_page = format!(
        "http://{}{}",
        _portal.portal.addr,
        portal_kiosk::devportal::APPROVAL_PATH
    );
    println!("demo: phone login approval page: {approval_page}");
    tracing::info!(%approval_page, "demo: the phone login's approval page");
    let demo_phone: portal_kiosk::phone_login::DemoApprover = {
        let state = _portal.portal.state.clone();
        let citizen = citizen.to_string();
        std::sync::Arc::new(move |user_code: &str| {
            if let Err(e) = state.decide_device_code(user_code, Some(&citizen)) {
                tracing::warn!(?e, "demo: the demo phone could not approve the code");
            }
        })
    };
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
        demo_phone: Some(demo_phone),
    };
    app::run_kiosk(&config, &rt, options).map_err(|e| e.to_string())
}

/// A temporary directory for a demo run: a fresh, unpredictable name, readable
/// by this user only (0700), removed when the demo ends — normally, on Ctrl-C or
/// SIGTERM (the kiosk leaves its event loop, see `app::run_kiosk`) and when a
/// panic unwinds. A run that was killed outright cannot clean up after itself;
/// the next demo removes what such runs left (their process is gone).
struct DemoDir(tempfile::TempDir);

/// Name prefix of demo directories: `portal-kiosk-demo-<pid>-<random>`.
const PREFIX: &str = "portal-kiosk-demo-";

impl DemoDir {
    fn new() -> Result<DemoDir, String> {
        let temp = std::env::temp_dir();
        remove_abandoned(&temp);
        let dir = tempfile::Builder::new()
            .prefix(&format!("{PREFIX}{}-", std::process::id()))
            .tempdir_in(&temp)
            .map_err(|e| {
                format!(
                    "cannot create a temporary directory in {}: {e}",
                    temp.display()
                )
            })?;
        Ok(DemoDir(dir))
    }

    fn path(&self) -> &Path {
        self.0.path()
    }
}

/// Removes demo directories whose process no longer runs.
fn remove_abandoned(temp: &Path) {
    let Ok(entries) = std::fs::read_dir(temp) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(PREFIX)) else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        let alive = Path::new("/proc").join(pid.to_string()).exists();
        let own = entry.metadata().is_ok_and(|m| {
            use std::os::unix::fs::MetadataExt;
            m.is_dir() && m.uid() == unsafe { libc::geteuid() }
        });
        if !alive && own {
            match std::fs::remove_dir_all(entry.path()) {
                Ok(()) => tracing::info!(
                    pid,
                    "removed the directory of an earlier demo that was killed"
                ),
                Err(e) => {
                    tracing::warn!(pid, error = %e, "cannot remove an earlier demo's directory")
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abandoned_demo_directories_go_and_live_ones_stay() {
        let temp = tempfile::tempdir().unwrap();
        // No process has this pid (above the kernel's pid_max of 2^22).
        let dead = temp.path().join(format!("{PREFIX}4194305-abc"));
        let live = temp
            .path()
            .join(format!("{PREFIX}{}-def", std::process::id()));
        let other = temp.path().join("portal-kiosk-demo-notes");
        for d in [&dead, &live, &other] {
            std::fs::create_dir_all(d.join("data")).unwrap();
        }
        remove_abandoned(temp.path());
        assert!(!dead.exists());
        assert!(live.exists());
        assert!(other.exists());
    }
}
