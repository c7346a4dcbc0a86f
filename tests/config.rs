//! Config files: every shipped file validates, and each kind of mistake is
//! reported with its file, line, column, key and what was expected.

use std::path::{Path, PathBuf};

use portal_kiosk::config::{KioskConfig, Mode};

fn shipped_configs() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_shipped_config_is_valid() {
    let files = shipped_configs();
    let names: Vec<_> = files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for expected in [
        "default.toml",
        "radnice-podloubi.toml",
        "nadrazi.toml",
        "nemocnice.toml",
        "prepazka.toml",
    ] {
        assert!(
            names.contains(&expected.to_string()),
            "{expected} is missing from kiosk-config/"
        );
    }
    for file in &files {
        if let Err(e) = KioskConfig::load(file) {
            panic!("{} is invalid:\n{e}", file.display());
        }
    }
}

#[test]
fn sites_have_their_modes_and_distinct_ids() {
    let load = |name: &str| {
        KioskConfig::load(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("kiosk-config")
                .join(name),
        )
        .unwrap()
    };
    assert_eq!(load("prepazka.toml").kiosk.mode, Mode::Counter);
    assert_eq!(load("nadrazi.toml").kiosk.mode, Mode::Kiosk);
    let portrait = load("radnice-podloubi.toml");
    assert_eq!(portrait.screen.logical_size(), (1080, 1920));
    let mut ids: Vec<String> = shipped_configs()
        .iter()
        .map(|f| KioskConfig::load(f).unwrap().kiosk.id)
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(
        ids.len(),
        shipped_configs().len(),
        "kiosk ids must be unique"
    );
}

const MINIMAL: &str = "[kiosk]\nid = \"lt-test-01\"\nsite = \"Test\"\nmode = \"kiosk\"\n\n[backend]\nurl = \"https://obcan.litomerice.cz/kiosk/v1/\"\ncredentials_file = \"/etc/portal-kiosk/credentials.toml\"\nca_file = \"/etc/portal-kiosk/portal-ca.pem\"\n\n[town]\nname = \"Horní Javoří\"\nmunicipality = \"Město Horní Javoří\"\nportal_name = \"Portál občana Horní Javoří\"\nweb = \"obcan.hornijavori.example\"\nico = \"71234560\"\naddress = \"Náměstí Míru 1, 123 45 Horní Javoří\"\nphone = \"+420 499 100 100\"\nsupport_email = \"kiosk@hornijavori.example\"\ncolors = { primary = \"#1f4d2b\", primary_dark = \"#12301a\", stripe = \"#c9a227\", highlight = \"#f2d675\" }\n";

#[test]
fn minimal_config_takes_documented_defaults() {
    let c = KioskConfig::parse(MINIMAL, Path::new("minimal.toml")).unwrap();
    assert_eq!(c.idle.anonymous_seconds, 90);
    assert_eq!(c.idle.warning_seconds, 30);
    assert_eq!(c.screen.logical_size(), (1920, 1080));
    assert_eq!(c.promo.transition_ms, 0);
    assert_eq!(c.languages.available.len(), 4);
}

/// (what is wrong, file text, line, column, key, words the message must contain)
type BrokenCase = (
    &'static str,
    String,
    usize,
    usize,
    Option<&'static str>,
    &'static str,
);

fn broken_cases() -> Vec<BrokenCase> {
    vec![
        (
            "unknown key",
            MINIMAL.replace("mode = \"kiosk\"", "mode = \"kiosk\"\ncolour = \"blue\""),
            5,
            1,
            Some("kiosk.colour"),
            "unknown field `colour`",
        ),
        (
            "wrong type",
            format!(
                "{MINIMAL}\n[screen]\nwidth = \"wide\"\nheight = 1080\nrotation = 0\nfullscreen = true\n"
            ),
            23,
            9,
            Some("screen.width"),
            "invalid type",
        ),
        (
            "unknown mode",
            MINIMAL.replace("mode = \"kiosk\"", "mode = \"tablet\""),
            4,
            8,
            Some("kiosk.mode"),
            "unknown variant `tablet`",
        ),
        (
            "missing section",
            "[kiosk]\nid = \"lt-x\"\nsite = \"X\"\nmode = \"kiosk\"\n".to_string(),
            1,
            1,
            None,
            // [town] is required too, and comes before [backend].
            "missing field `town`",
        ),
        (
            "not TOML",
            MINIMAL.replace("site = \"Test\"", "site = \"Test"),
            3,
            13,
            None,
            "not valid TOML",
        ),
        (
            "idle too short",
            format!(
                "{MINIMAL}\n[idle]\nanonymous_seconds = 5\nsession_seconds = 120\nwarning_seconds = 30\nlogged_out_seconds = 8\n"
            ),
            23,
            21,
            Some("idle.anonymous_seconds"),
            "expected 30 to 3600",
        ),
        (
            "warning shorter than WCAG allows",
            format!(
                "{MINIMAL}\n[idle]\nanonymous_seconds = 90\nsession_seconds = 120\nwarning_seconds = 10\nlogged_out_seconds = 8\n"
            ),
            25,
            19,
            Some("idle.warning_seconds"),
            "at least 20 s",
        ),
        (
            "plain http to a remote backend",
            MINIMAL.replace(
                "https://obcan.litomerice.cz/kiosk/v1/",
                "http://obcan.litomerice.cz/kiosk/v1/",
            ),
            7,
            7,
            Some("backend.url"),
            "expected an https:// URL",
        ),
        (
            "bad rotation",
            format!(
                "{MINIMAL}\n[screen]\nwidth = 1920\nheight = 1080\nrotation = 45\nfullscreen = true\n"
            ),
            25,
            12,
            Some("screen.rotation"),
            "expected 0, 90, 180 or 270",
        ),
        (
            "night hours that are not hours",
            format!("{MINIMAL}\n[screen]\nsleep = \"22:00-6\"\n"),
            23,
            9,
            Some("screen.sleep"),
            "`6` is not a time of day",
        ),
        (
            "metrics published beyond the machine",
            format!("{MINIMAL}\n[metrics]\nlisten = \"0.0.0.0:9464\"\n"),
            23,
            10,
            Some("metrics.listen"),
            "not a loopback address",
        ),
        (
            "default language not offered",
            format!("{MINIMAL}\n[languages]\ndefault = \"de\"\navailable = [\"cs\", \"en\"]\n"),
            23,
            11,
            Some("languages.default"),
            "not in languages.available",
        ),
        (
            "unknown printer profile",
            format!(
                "{MINIMAL}\n[printer]\nenabled = true\nuri = \"file:/dev/usb/lp0\"\nprofile = \"laser\"\n"
            ),
            25,
            11,
            Some("printer.profile"),
            "unknown printer profile `laser`",
        ),
        (
            "bad kiosk id",
            MINIMAL.replace("lt-test-01", "Kiosk Nádraží"),
            2,
            6,
            Some("kiosk.id"),
            "not a valid kiosk id",
        ),
        (
            "remote backend without a trust anchor",
            MINIMAL.replace(PINNED, ""),
            6,
            1,
            Some("backend"),
            "system_roots = true",
        ),
        (
            "system roots and a pinned CA at once",
            format!("{MINIMAL}\n[backend.tls]\nsystem_roots = true\n"),
            23,
            16,
            Some("backend.tls.system_roots"),
            "together with backend.ca_file",
        ),
        (
            "unknown TLS key",
            format!("{MINIMAL}\n[backend.tls]\npin = \"sha256\"\n"),
            23,
            1,
            Some("backend.tls.pin"),
            "unknown field `pin`",
        ),
        (
            "body limit too small",
            format!("{MINIMAL}\n[backend.max_body_bytes]\nservices = 10\n"),
            23,
            12,
            Some("backend.max_body_bytes.services"),
            "expected 1024 to 268435456 (default 8388608)",
        ),
        (
            "unknown kind of body",
            format!("{MINIMAL}\n[backend.max_body_bytes]\nvideos = 1024\n"),
            23,
            1,
            Some("backend.max_body_bytes.videos"),
            "unknown field `videos`",
        ),
        (
            "plain http to a host that only starts like localhost",
            MINIMAL.replace(
                "https://obcan.litomerice.cz/kiosk/v1/",
                "http://localhost.evil.example/kiosk/v1/",
            ),
            7,
            7,
            Some("backend.url"),
            "expected an https:// URL",
        ),
        (
            "user and password in the backend URL",
            MINIMAL.replace(
                "https://obcan.litomerice.cz/kiosk/v1/",
                "https://kiosk:s3cret@obcan.litomerice.cz/kiosk/v1/",
            ),
            7,
            7,
            Some("backend.url"),
            "user name or password",
        ),
        (
            "a relative notice board file",
            format!("{MINIMAL}\n[notice_board]\nsource = \"deska.jsonld\"\n"),
            23,
            10,
            Some("notice_board.source"),
            "not an absolute path",
        ),
        (
            "a notice board over plain http",
            format!(
                "{MINIMAL}\n[notice_board]\nsource = \"http://www.litomerice.cz/deska.jsonld\"\n"
            ),
            23,
            10,
            Some("notice_board.source"),
            "expected an https:// URL",
        ),
        (
            "a notice board limit too small",
            format!("{MINIMAL}\n[notice_board]\nmax_bytes = 1000\n"),
            23,
            13,
            Some("notice_board.max_bytes"),
            "1000 bytes is out of range; expected 65536 to 67108864",
        ),
    ]
}

#[test]
fn the_notice_board_source_is_the_backend_a_file_or_the_towns_url() {
    use portal_kiosk::noticeboard::source::BoardSource;
    let timeout = std::time::Duration::from_secs(10);
    let c = KioskConfig::parse(MINIMAL, Path::new("minimal.toml")).unwrap();
    assert_eq!(
        c.notice_board.settings(timeout).source,
        BoardSource::Backend
    );
    assert_eq!(c.notice_board.max_bytes, 8 * 1024 * 1024);
    assert_eq!(c.sync.notice_board_seconds, 900);
    let with = |source: &str| {
        let text = format!("{MINIMAL}\n[notice_board]\nsource = \"{source}\"\n");
        KioskConfig::parse(&text, Path::new("site.toml"))
            .unwrap()
            .notice_board
            .settings(timeout)
            .source
    };
    assert_eq!(
        with("/var/lib/portal-kiosk/deska.jsonld"),
        BoardSource::File("/var/lib/portal-kiosk/deska.jsonld".into())
    );
    assert_eq!(
        with("https://www.litomerice.cz/uredni-deska.jsonld"),
        BoardSource::Url("https://www.litomerice.cz/uredni-deska.jsonld".into())
    );
}

const PINNED: &str = "ca_file = \"/etc/portal-kiosk/portal-ca.pem\"\n";

#[test]
fn a_remote_backend_needs_a_pinned_ca_or_system_roots_said_explicitly() {
    let parse = |text: &str| KioskConfig::parse(text, Path::new("site.toml"));
    let unpinned = MINIMAL.replace(PINNED, "");
    let err = parse(&unpinned).unwrap_err().to_string();
    assert!(
        err.starts_with("site.toml:6:1: key `backend`")
            && err.contains("ca_file = \"/etc/portal-kiosk/portal-ca.pem\"")
            && err.contains("`system_roots = true` in [backend.tls]"),
        "{err}"
    );

    let pinned = parse(MINIMAL).unwrap();
    assert!(pinned.backend.ca_file.is_some());
    assert!(!pinned.backend.tls.system_roots);

    let system = parse(&format!("{unpinned}\n[backend.tls]\nsystem_roots = true\n")).unwrap();
    assert!(system.backend.tls.system_roots && system.backend.ca_file.is_none());
    // `system_roots = false` is no choice at all.
    assert!(
        parse(&format!(
            "{unpinned}\n[backend.tls]\nsystem_roots = false\n"
        ))
        .is_err()
    );

    // A backend on loopback (the development portal, a local proxy) needs neither.
    for url in [
        "http://127.0.0.1:8080/kiosk/v1/",
        "http://[::1]:8080/kiosk/v1/",
        "HTTP://LOCALHOST:8080/kiosk/v1/",
        "https://localhost:8443/kiosk/v1/",
    ] {
        let text = unpinned.replace("https://obcan.litomerice.cz/kiosk/v1/", url);
        assert!(parse(&text).is_ok(), "{url}");
    }

    // `sync` (like `run`, which loads the config the same way) refuses to start.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("unpinned.toml");
    std::fs::write(&file, &unpinned).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_portal-kiosk"))
        .args(["sync", "--config"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("key `backend`") && stderr.contains("system_roots = true"),
        "{stderr}"
    );
}

#[test]
fn body_limits_have_defaults_and_can_be_set_per_kind() {
    let c = KioskConfig::parse(MINIMAL, Path::new("minimal.toml")).unwrap();
    let limits = &c.backend.max_body_bytes;
    assert_eq!(limits.promo, 1024 * 1024);
    assert_eq!(limits.services, 8 * 1024 * 1024);
    assert_eq!(limits.contacts, 2 * 1024 * 1024);
    assert_eq!(limits.elections, 2 * 1024 * 1024);
    assert_eq!(limits.events, 64 * 1024);
    assert_eq!(limits.auth, 64 * 1024);
    assert_eq!(limits.me, 4 * 1024 * 1024);
    assert_eq!(limits.staff, 4 * 1024 * 1024);
    assert_eq!(limits.problem, 16 * 1024);

    let c = KioskConfig::parse(
        &format!("{MINIMAL}\n[backend.max_body_bytes]\npromo = 2_097_152\n"),
        Path::new("site.toml"),
    )
    .unwrap();
    assert_eq!(c.backend.max_body_bytes.promo, 2 * 1024 * 1024);
    assert_eq!(c.backend.max_body_bytes.services, 8 * 1024 * 1024);

    // Every limit out of range is reported, each with its own key.
    let errors = KioskConfig::parse(
        &format!("{MINIMAL}\n[backend.max_body_bytes]\nme = 0\nproblem = 1_000_000_000\n"),
        Path::new("site.toml"),
    )
    .unwrap_err()
    .0;
    let keys: Vec<_> = errors.iter().filter_map(|e| e.key.clone()).collect();
    assert_eq!(
        keys,
        vec![
            "backend.max_body_bytes.me",
            "backend.max_body_bytes.problem"
        ]
    );
}

#[test]
fn credentials_in_the_backend_url_are_refused_without_repeating_them() {
    for url in [
        "https://kiosk:s3cret@obcan.litomerice.cz/kiosk/v1/",
        "https://s3cret@obcan.litomerice.cz/kiosk/v1/",
        "http://s3cret@127.0.0.1:8080/kiosk/v1/",
    ] {
        let text = MINIMAL.replace("https://obcan.litomerice.cz/kiosk/v1/", url);
        let err = KioskConfig::parse(&text, Path::new("site.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("user name or password"), "{url}: {err}");
        assert!(!err.contains("s3cret"), "{url}: {err}");
    }
}

#[test]
fn each_broken_file_gives_its_precise_error() {
    for (what, text, line, column, key, words) in broken_cases() {
        let errors = match KioskConfig::parse(&text, Path::new("site.toml")) {
            Ok(_) => panic!("{what}: accepted a broken config"),
            Err(e) => e.0,
        };
        let e = &errors[0];
        assert_eq!(e.file, PathBuf::from("site.toml"), "{what}");
        assert_eq!(
            (e.line, e.column),
            (Some(line), Some(column)),
            "{what}: {e}"
        );
        assert_eq!(e.key.as_deref(), key, "{what}: {e}");
        assert!(
            e.message.contains(words),
            "{what}: {:?} should contain {words:?}",
            e.message
        );
        let shown = e.to_string();
        assert!(
            shown.starts_with(&format!("site.toml:{line}:{column}")),
            "{what}: {shown}"
        );
    }
}

#[test]
fn all_semantic_errors_are_reported_at_once() {
    let text = format!(
        "{}\n[idle]\nanonymous_seconds = 5\nsession_seconds = 5\nwarning_seconds = 30\nlogged_out_seconds = 8\n",
        MINIMAL.replace("lt-test-01", "BAD ID")
    );
    let errors = KioskConfig::parse(&text, Path::new("x.toml"))
        .unwrap_err()
        .0;
    let keys: Vec<_> = errors.iter().filter_map(|e| e.key.clone()).collect();
    assert_eq!(
        keys,
        vec!["kiosk.id", "idle.anonymous_seconds", "idle.session_seconds"]
    );
}

#[test]
fn check_config_command_reports_ok_and_errors() {
    let exe = env!("CARGO_BIN_EXE_portal-kiosk");
    let good = Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config/nadrazi.toml");
    let out = std::process::Command::new(exe)
        .arg("check-config")
        .arg(&good)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("ok {}", good.display())
    );

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        MINIMAL.replace("mode = \"kiosk\"", "mode = \"tablet\""),
    )
    .unwrap();
    let out = std::process::Command::new(exe)
        .arg("check-config")
        .arg(&good)
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("error {}:4:8: key `kiosk.mode`", bad.display())),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.trim(),
        "portal-kiosk: 1 of 2 config files are invalid"
    );

    let missing = dir.path().join("missing.toml");
    let out = std::process::Command::new(exe)
        .arg("check-config")
        .arg(&missing)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("cannot read the file"));
}

/// A `preview:` printer writes personal slips to files: fine for the demo and
/// tests, refused by `run` and `check-config` (a kiosk in service), with its place.
#[test]
fn run_and_check_config_refuse_a_preview_printer() {
    let exe = env!("CARGO_BIN_EXE_portal-kiosk");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("preview.toml");
    let slips = dir.path().join("slips");
    std::fs::write(
        &file,
        format!(
            "{MINIMAL}\n[printer]\nuri = \"preview:{}\"\n",
            slips.display()
        ),
    )
    .unwrap();
    // The library still reads it (the demo and the tests use such printers)…
    assert!(KioskConfig::load(&file).is_ok());
    // …a kiosk in service does not.
    let line = MINIMAL.lines().count() + 3;
    for command in ["check-config", "run"] {
        let mut cmd = std::process::Command::new(exe);
        cmd.arg(command);
        if command == "run" {
            cmd.arg("--config");
        }
        let out = cmd
            .arg(&file)
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .output()
            .unwrap();
        assert!(
            !out.status.success(),
            "{command} accepted a preview printer"
        );
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            text.contains(&format!("{}:{line}:7: key `printer.uri`", file.display()))
                && text.contains("for the demo and tests only"),
            "{command}: {text}"
        );
    }
    assert!(!slips.exists(), "nothing may have been written");
}
