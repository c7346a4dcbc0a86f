//! The `spayd` command as staff and tests use it: the string, the QR picture
//! (decoded back with an independent decoder), and a reason for every refusal.

use std::process::Command;

fn spayd(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_portal-kiosk"))
        .arg("spayd")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn prints_the_spayd_of_a_domestic_account() {
    let out = spayd(&[
        "--account",
        "19-2000145399/0800",
        "--amount",
        "1500",
        "--vs",
        "0012345678",
        "--ks",
        "0558",
        "--msg",
        "Poplatek ze psů 2026",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "SPD*1.0*ACC:CZ6508000000192000145399*AM:1500.00*CC:CZK*MSG:POPLATEK ZE PSU 2026*X-VS:0012345678*X-KS:0558"
    );
}

#[test]
fn writes_a_qr_png_that_scans_back_to_the_same_string() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("qr.png");
    let out = spayd(&[
        "--account",
        "CZ2806000000000168540115",
        "--amount",
        "450.00",
        "--vs",
        "1234567890",
        "--qr-png",
        png.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let printed = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let img = image::open(&png).unwrap().to_luma8();
    assert_eq!(portal_kiosk::payment::read_qr_codes(&img), vec![printed]);
}

#[test]
fn refuses_invalid_input_with_a_reason() {
    for (args, reason) in [
        (
            vec!["--account", "19-2000145398/0800", "--amount", "100"],
            "fails the mod-11 check",
        ),
        (
            vec!["--account", "CZ6601000000194260107208", "--amount", "100"],
            "fails the mod-97 check",
        ),
        (
            vec!["--account", "168540115/0600", "--amount", "0"],
            "is not an amount",
        ),
        (
            vec!["--account", "168540115/0600", "--amount", "-10"],
            "is not an amount",
        ),
        (
            vec!["--account", "168540115/0600", "--amount", "12.345"],
            "is not an amount",
        ),
        (
            vec![
                "--account",
                "168540115/0600",
                "--amount",
                "10",
                "--vs",
                "12AB34",
            ],
            "variable symbol `12AB34`",
        ),
        (
            vec![
                "--account",
                "168540115/0600",
                "--amount",
                "10",
                "--ss",
                "12345678901",
            ],
            "specific symbol",
        ),
        (
            vec![
                "--account",
                "168540115/0600",
                "--amount",
                "10",
                "--msg",
                "Poplatek za komunální odpad pro domácnost v ulici Dlouhá číslo dvanáct",
            ],
            "at most 60",
        ),
    ] {
        let out = spayd(&args);
        assert!(!out.status.success(), "{args:?} accepted");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with("portal-kiosk: ") && err.contains(reason),
            "{args:?}: {err}"
        );
        assert!(
            out.stdout.is_empty(),
            "nothing printed for a refused payment"
        );
    }
}
