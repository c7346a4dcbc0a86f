//! Every slip on every printer profile: encoded, decoded back, and compared with
//! what was meant — text lines in Czech, QR payloads, the code table and the cut.

use chrono::NaiveDate;
use portal_kiosk::payment::{Amount, CzechAccount};
use portal_kiosk::portal::types::ServiceCatalogue;
use portal_kiosk::receipt::{PROFILES, PaymentSlipData, Slip, SlipHeader, decode};

fn header() -> SlipHeader {
    portal_kiosk::receipt::SlipOrigin::new(
        "lt-nadrazi-01",
        &portal_kiosk::config::KioskConfig::embedded_default()
            .expect("the default config")
            .town,
    )
    .header(
        1042,
        NaiveDate::from_ymd_opt(2026, 11, 27)
            .unwrap()
            .and_hms_opt(10, 15, 0)
            .unwrap(),
    )
}

fn payment() -> PaymentSlipData {
    PaymentSlipData {
        what: "Poplatek ze psů – Žeryk".into(),
        period: "2026".into(),
        amount: Amount::parse("800").unwrap(),
        account: CzechAccount::parse("19-4260107208/0100").unwrap(),
        vs: Some("0012345678".into()),
        ss: None,
        ks: Some("0558".into()),
        due: NaiveDate::from_ymd_opt(2026, 6, 30),
    }
}

fn service_slip() -> Slip {
    let catalogue: ServiceCatalogue =
        serde_json::from_str(include_str!("../assets/seed/services.json")).unwrap();
    let service = catalogue
        .services
        .iter()
        .find(|s| !s.bring.is_empty())
        .unwrap();
    Slip::service_information(&header(), service)
}

fn proof_slip() -> Slip {
    Slip::proof_of_payment(
        &header(),
        &portal_kiosk::receipt::ProofOfPaymentData {
            what: "Poplatek ze psů".into(),
            period: "2026".into(),
            amount: Amount::parse("800").unwrap(),
            paid_on: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            reference: "PL-2026-000123".into(),
        },
    )
}

fn contact_slip() -> Slip {
    let contacts: portal_kiosk::portal::types::ContactDirectory =
        serde_json::from_str(include_str!("../assets/seed/contacts.json")).unwrap();
    Slip::contact(&header(), &contacts.departments[0])
}

fn polling_slip() -> Slip {
    let info: portal_kiosk::portal::types::ElectionInfo =
        serde_json::from_str(include_str!("../assets/seed/elections.json")).unwrap();
    Slip::polling_place(&header(), info.elections.last(), &info.districts[0])
}

/// The seed board's notice with the longest title and the most documents.
fn notice_slip() -> Slip {
    let board = portal_kiosk::noticeboard::read_board(
        include_bytes!("../assets/seed/notice-board.jsonld"),
        1 << 20,
    )
    .unwrap();
    let notice = board
        .notices
        .iter()
        .max_by_key(|n| (n.documents.len(), n.title.len()))
        .unwrap();
    Slip::board_notice(&header(), notice)
}

#[test]
fn every_slip_on_every_profile_decodes_to_the_intended_text_and_qr() {
    let pay = Slip::payment_instruction(&header(), &payment()).unwrap();
    for profile in PROFILES {
        let slips = [
            ("payment", pay.clone()),
            ("service", service_slip()),
            ("test", Slip::test_page(&header(), profile)),
            ("proof", proof_slip()),
            ("contact", contact_slip()),
            ("polling", polling_slip()),
            ("notice", notice_slip()),
        ];
        for (name, slip) in slips {
            let bytes = slip.encode(profile).unwrap();
            let decoded = decode(&bytes).unwrap_or_else(|e| panic!("{}/{name}: {e}", profile.name));
            assert_eq!(decoded.code_table, Some(18), "{}/{name}", profile.name);
            assert_eq!(
                decoded.lines(),
                slip.text_lines(profile.columns),
                "{}/{name}",
                profile.name
            );
            assert!(
                decoded
                    .lines()
                    .iter()
                    .all(|l| l.chars().count() <= profile.columns),
                "{}/{name}: a line is too wide",
                profile.name
            );
            assert_eq!(decoded.cuts(), 1, "{}/{name}", profile.name);
            let expected_qr: Vec<String> = slip
                .lines
                .iter()
                .filter_map(|l| match l {
                    portal_kiosk::receipt::slip::SlipLine::Qr { payload, .. } => {
                        Some(payload.clone())
                    }
                    _ => None,
                })
                .collect();
            assert_eq!(
                decoded.qr_payloads(),
                expected_qr,
                "{}/{name}",
                profile.name
            );
            let native = decoded.items.iter().any(|i| {
                matches!(
                    i,
                    portal_kiosk::receipt::DecodedItem::Qr { native: true, .. }
                )
            });
            assert_eq!(
                native,
                profile.native_qr && !expected_qr.is_empty(),
                "{}: native QR only where the printer has it (and the slip has a code)",
                profile.name
            );
        }
    }
}

#[test]
fn the_payment_slip_says_what_a_citizen_needs() {
    let slip = Slip::payment_instruction(&header(), &payment()).unwrap();
    let lines = slip.text_lines(48);
    let text = lines.join("\n");
    for needed in [
        "Město Litoměřice",
        "Mírové náměstí 15/7, 412 01 Litoměřice",
        "IČO 00263958",
        "Platební údaje",
        "800,00 Kč",
        "19-4260107208/0100",
        "CZ6001000000194260107208",
        "0012345678",
        "QR platba",
        "Toto není doklad o zaplacení.",
        "Kiosek lt-nadrazi-01, doklad č. 1042",
        "27. 11. 2026 10:15",
    ] {
        assert!(text.contains(needed), "missing {needed:?} in\n{text}");
    }
    let spayd = decode(
        &slip
            .encode(portal_kiosk::receipt::profile("epson-tm-t20").unwrap())
            .unwrap(),
    )
    .unwrap()
    .qr_payloads();
    assert_eq!(
        spayd,
        vec![
            "SPD*1.0*ACC:CZ6001000000194260107208*AM:800.00*CC:CZK*MSG:POPLATEK ZE PSU - ZERYK 2026*X-VS:0012345678*X-KS:0558"
        ]
    );
}

#[test]
fn czech_text_is_sent_as_cp852_bytes() {
    let slip = Slip::payment_instruction(&header(), &payment()).unwrap();
    let bytes = slip
        .encode(portal_kiosk::receipt::profile("xprinter-58").unwrap())
        .unwrap();
    let town = [
        0x4D, 0xD8, 0x73, 0x74, 0x6F, 0x20, 0x4C, 0x69, 0x74, 0x6F, 0x6D, 0xD8, 0xFD, 0x69, 0x63,
        0x65,
    ];
    assert!(
        bytes.windows(town.len()).any(|w| w == town),
        "\"Město Litoměřice\" in CP852"
    );
    assert!(
        bytes.starts_with(&[0x1B, 0x40, 0x1C, 0x2E, 0x1B, 0x74, 18]),
        "init, cancel Kanji, code table 18"
    );
    assert!(
        !String::from_utf8_lossy(&bytes).contains("ě"),
        "no UTF-8 Czech letters reach the printer"
    );
}

#[test]
fn receipt_decode_command_reads_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("slip.bin");
    let slip = Slip::test_page(
        &header(),
        portal_kiosk::receipt::profile("rongta-rp326").unwrap(),
    );
    std::fs::write(
        &file,
        slip.encode(portal_kiosk::receipt::profile("rongta-rp326").unwrap())
            .unwrap(),
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_portal-kiosk"))
        .args(["receipt-decode"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Příliš žluťoučký kůň úpěl ďábelské ódy."),
        "{text}"
    );
    assert!(text.contains("[QR] https://obcan.litomerice.cz/"), "{text}");
    assert!(text.contains("[CUT]"), "{text}");
    let json = std::process::Command::new(env!("CARGO_BIN_EXE_portal-kiosk"))
        .args(["receipt-decode", "--json"])
        .arg(&file)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["codeTable"], 18);
    std::fs::write(&file, [0x1B, 0x5A]).unwrap();
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_portal-kiosk"))
        .args(["receipt-decode"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown command 1B 5A at byte 0"));
}

#[test]
fn the_other_slips_carry_their_facts() {
    let proof = proof_slip().text_lines(42).join("\n");
    for needed in [
        "Potvrzení o zaplacení",
        "800,00 Kč",
        "20. 11. 2026",
        "PL-2026-000123",
    ] {
        assert!(proof.contains(needed), "{needed} missing in\n{proof}");
    }
    assert!(
        !proof.contains("QR platba"),
        "a proof of payment asks for no payment"
    );
    let polling = polling_slip().text_lines(32).join("\n");
    assert!(
        polling.contains("Volební okrsek") && polling.contains("cestovní pas"),
        "{polling}"
    );
    let contact = contact_slip().text_lines(48).join("\n");
    assert!(
        contact.contains("Telefon") && contact.contains("ÚŘEDNÍ HODINY"),
        "{contact}"
    );
}
