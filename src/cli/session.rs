//! `session --config FILE`: the systemd unit's entry. It reads the site config
//! and replaces itself with the Wayland kiosk compositor (cage) running the
//! kiosk as its only client, the output rotated as `screen.rotation` says —
//! cage takes rotation only as `-r` flags on its command line, which a unit
//! file cannot compute from the config. Touch follows: wlroots maps touch
//! input through the output's transform.
//!
//! Never `-s`: with it a USB keyboard could switch to a text console.

use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};

use portal_kiosk::config::KioskConfig;

/// cage's arguments: no VT switching (`-s` left out), `-d` (no client-side
/// decorations), one `-r` (90° clockwise) per quarter turn, then the kiosk.
pub fn compositor_args(rotation: u32, kiosk: &Path, config: &Path) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec!["-d".into()];
    for _ in 0..(rotation / 90) % 4 {
        args.push("-r".into());
    }
    args.extend([
        "--".into(),
        kiosk.as_os_str().to_owned(),
        "run".into(),
        "--config".into(),
        config.as_os_str().to_owned(),
    ]);
    args
}

/// Execs the compositor; returns only if that failed.
pub fn session(config: PathBuf, compositor: &str) -> Result<(), String> {
    let loaded =
        KioskConfig::load_for_service(&config).map_err(|e| format!("invalid config: {e}"))?;
    let kiosk = std::env::current_exe().map_err(|e| format!("cannot find myself: {e}"))?;
    let config = std::path::absolute(&config).unwrap_or(config);
    let error = std::process::Command::new(compositor)
        .args(compositor_args(loaded.screen.rotation, &kiosk, &config))
        .exec();
    Err(format!(
        "cannot start the compositor `{compositor}`: {error}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quarter_turn_is_one_r_and_no_console_switching() {
        let args = |rotation| {
            compositor_args(
                rotation,
                Path::new("/usr/bin/portal-kiosk"),
                Path::new("/etc/k.toml"),
            )
            .into_iter()
            .map(|a| a.into_string().unwrap())
            .collect::<Vec<_>>()
            .join(" ")
        };
        assert_eq!(
            args(0),
            "-d -- /usr/bin/portal-kiosk run --config /etc/k.toml"
        );
        assert_eq!(
            args(90),
            "-d -r -- /usr/bin/portal-kiosk run --config /etc/k.toml"
        );
        assert_eq!(
            args(180),
            "-d -r -r -- /usr/bin/portal-kiosk run --config /etc/k.toml"
        );
        assert_eq!(
            args(270),
            "-d -r -r -r -- /usr/bin/portal-kiosk run --config /etc/k.toml"
        );
        assert!(!args(90).contains("-s"));
    }
}
