//! `portal-kiosk screenshot` renders every screen headlessly, and none is blank.

use std::path::Path;
use std::process::Command;

const SCREENS: [&str; 41] = [
    "promo",
    "promo-text",
    "promo-notice",
    "home",
    "home-notice",
    "services",
    "contacts",
    "elections",
    "login-insert-card",
    "login-reading",
    "login-pin",
    "login-pin-wrong",
    "login-verifying",
    "login-blocked",
    "login-not-eobcanka",
    "login-card-mute",
    "login-reader-problem",
    "login-service-error",
    "login-remove-card",
    "payment",
    "about",
    "dashboard",
    "session-warning",
    "logged-out",
    "obligations",
    "pay",
    "pay-print-printed",
    "pay-print-paper-end",
    "pay-print-offline",
    "submissions",
    "watchdog",
    "staff-login",
    "staff-login-wrong",
    "staff-login-locked",
    "staff-login-no-staff",
    "staff-login-not-a-counter",
    "counter-empty",
    "counter",
    "counter-printer-problem",
    "service",
    "contact-detail",
];

fn colours(path: &Path) -> usize {
    let img = image::open(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .to_rgb8();
    let mut seen = std::collections::HashSet::new();
    for p in img.pixels().step_by(5) {
        seen.insert(p.0);
    }
    seen.len()
}

fn run(args: &[&str], out: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_portal-kiosk"))
        .arg("screenshot")
        .arg("--out")
        .arg(out)
        .args(args)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .status()
        .unwrap();
    assert!(status.success(), "screenshot {args:?} failed");
}

#[test]
fn screenshot_writes_a_non_blank_png_for_every_screen() {
    let dir = tempfile::tempdir().unwrap();
    run(&[], dir.path());
    for screen in SCREENS {
        let path = dir.path().join(format!("{screen}.png"));
        let img = image::open(&path).unwrap();
        assert_eq!((img.width(), img.height()), (1920, 1080), "{screen}");
        let n = colours(&path);
        // Anti-aliased text alone gives dozens of shades; a blank or flat screen a handful.
        assert!(n > 40, "{screen}.png looks blank ({n} colours)");
    }
}

#[test]
fn screenshots_in_other_languages_themes_and_sizes_differ() {
    let cs = tempfile::tempdir().unwrap();
    let uk = tempfile::tempdir().unwrap();
    let contrast = tempfile::tempdir().unwrap();
    run(&["--size", "1080x1920"], cs.path());
    run(&["--size", "1080x1920", "--lang", "uk"], uk.path());
    run(
        &["--size", "1080x1920", "--theme", "contrast", "--large-text"],
        contrast.path(),
    );
    for screen in ["home", "about"] {
        let a = std::fs::read(cs.path().join(format!("{screen}.png"))).unwrap();
        let b = std::fs::read(uk.path().join(format!("{screen}.png"))).unwrap();
        let c = std::fs::read(contrast.path().join(format!("{screen}.png"))).unwrap();
        assert_ne!(a, b, "{screen}: Ukrainian looks like Czech");
        assert_ne!(
            a, c,
            "{screen}: the contrast theme looks like the standard one"
        );
        let img = image::open(uk.path().join(format!("{screen}.png"))).unwrap();
        assert_eq!((img.width(), img.height()), (1080, 1920));
    }
}

#[test]
fn screenshot_rejects_an_unknown_language_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_portal-kiosk"))
        .args(["screenshot", "--lang", "sk", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "portal-kiosk: unknown language `sk`; expected cs, en, de or uk"
    );
}
