//! `portal-kiosk session`: the unit's command line is computed from the site
//! config and the compositor is exec'd with it (a stand-in compositor here
//! prints what it was given).

use std::process::Command;

fn session(config: &str, compositor: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_portal-kiosk"))
        .args(["session", "--config", config, "--compositor", compositor])
        .output()
        .expect("run portal-kiosk session")
}

#[test]
fn the_compositor_gets_the_rotation_of_the_site_and_the_kiosk_inside() {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("cage");
    std::fs::write(&fake, "#!/bin/sh\necho \"$@\"\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    for (site, flags) in [
        ("radnice-podloubi", "-d -r --"),
        ("nemocnice", "-d -r --"),
        ("nadrazi", "-d --"),
    ] {
        let config = format!("{root}/kiosk-config/{site}.toml");
        let run = session(&config, fake.to_str().unwrap());
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let line = String::from_utf8_lossy(&run.stdout).trim().to_string();
        assert!(line.starts_with(flags), "{site}: {line}");
        assert!(
            line.ends_with(&format!("portal-kiosk run --config {config}")),
            "{site}: {line}"
        );
        assert!(
            !line.split(' ').any(|a| a == "-s"),
            "no console switching: {line}"
        );
    }
}

#[test]
fn a_broken_config_or_a_missing_compositor_is_said_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[kiosk]\nid = \"Bad Id\"\n").unwrap();
    let run = session(bad.to_str().unwrap(), "/bin/true");
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("invalid config"));

    let config = format!("{}/kiosk-config/nadrazi.toml", env!("CARGO_MANIFEST_DIR"));
    let run = session(&config, "/nonexistent/cage");
    assert_eq!(run.status.code(), Some(1));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains("cannot start the compositor `/nonexistent/cage`"),
        "{err}"
    );
}
