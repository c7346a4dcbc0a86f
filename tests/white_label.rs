//! White-label (issue 18, part 5): a second, fictional town — Horní Javoří,
//! `examples/horni-javori` — deploys the same kiosk by its config and content
//! alone. Every screen is rendered for it (in each of its languages, both
//! themes, larger text and portrait) and every slip printed for it is decoded
//! back: no trace of Litoměřice — its name in any form, its IČO, its town
//! hall's address or phone, its web — may appear on any of them; the second
//! town's own names, IČO and colours must.

use std::path::{Path, PathBuf};

use portal_kiosk::devportal::DemoTown;
use portal_kiosk::i18n::Language;
use portal_kiosk::payment::{Amount, CzechAccount};
use portal_kiosk::portal::types::{ContactDirectory, ElectionInfo, Obligation, ServiceCatalogue};
use portal_kiosk::receipt::{
    PROFILES, PaymentSlipData, ProofOfPaymentData, Slip, SlipOrigin, decode,
};
use portal_kiosk::ui::screenshot::{self, ScreenshotOptions, ThemeChoice};

/// What betrays Litoměřice, lower-cased: the name's stem (every case, the
/// adjective), the web domain, IČO, the town hall's address, phone and post code.
const LITOMERICE: [&str; 8] = [
    "litoměř",
    "litomer",
    "00263958",
    "mírové nám",
    "mírovém nám",
    "416 916",
    "412 01",
    "ústeckého kraje",
];

fn town_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/horni-javori")
}

fn traces(text: &str) -> Vec<&'static str> {
    let lower = text.to_lowercase();
    LITOMERICE
        .iter()
        .copied()
        .filter(|t| lower.contains(t))
        .collect()
}

/// The check must be able to fail: the Litoměřice kiosk is full of traces.
#[test]
fn the_check_finds_litomerice_on_the_litomerice_kiosk() {
    let town = DemoTown::bundled().unwrap();
    assert!(!traces(&town.town.portal_name).is_empty());
    assert!(!traces(&format!("IČO {}", town.town.ico)).is_empty());
    assert!(!traces("Volby do zastupitelstva Ústeckého kraje").is_empty());
    assert!(traces(&town_dir().join("kiosk.toml").display().to_string()).is_empty());
}

#[test]
fn every_screen_of_the_second_town_shows_it_and_nothing_of_litomerice() {
    let town = DemoTown::from_dir(&town_dir()).unwrap();
    assert_eq!(town.town.name, "Horní Javoří");
    assert_eq!(
        town.languages,
        [Language::Cs, Language::De, Language::En],
        "its own language set"
    );
    screenshot::init_headless().unwrap();
    let mut found = Vec::new();
    let mut rendered = 0;
    for (language, theme, large_text, (width, height)) in [
        (Language::Cs, ThemeChoice::Standard, false, (1920, 1080)),
        (Language::De, ThemeChoice::Contrast, true, (1080, 1920)),
        (Language::En, ThemeChoice::Standard, false, (1080, 1920)),
    ] {
        let shots = screenshot::render_all(&ScreenshotOptions {
            language,
            theme,
            large_text,
            width,
            height,
            town: town.clone(),
        })
        .unwrap();
        assert!(shots.len() >= 60, "{} screens", shots.len());
        for shot in &shots {
            rendered += 1;
            for e in &shot.elements {
                for t in traces(&e.label) {
                    found.push(format!(
                        "{} ({}): `{t}` in «{}»",
                        shot.name,
                        language.code(),
                        e.label
                    ));
                }
            }
        }
        let on = |name: &str| shots.iter().find(|s| s.name == name).unwrap();
        let says = |name: &str, what: &str| {
            assert!(
                on(name).elements.iter().any(|e| e.label.contains(what)),
                "{name} ({}) does not say «{what}»",
                language.code()
            )
        };
        // The town's own names where Litoměřice had its own.
        says("home", "Portál občana Horní Javoří");
        says("about", "Město Horní Javoří");
        if !large_text {
            // (With larger text in portrait it is further down the page.)
            says("about", "kiosk@hornijavori.example");
        }
        says("logged-out", "Portál občana Horní Javoří");
        if theme == ThemeChoice::Standard {
            // Its colour, drawn: the top bar of the home screen is its green.
            let home = on("home");
            let px = home.pixels.as_slice()[home.pixels.width() as usize * 20 + 400];
            assert_eq!((px.r, px.g, px.b), (0x1f, 0x4d, 0x2b), "the bar's colour");
        }
    }
    assert!(rendered >= 180, "{rendered} screens rendered");
    assert!(
        found.is_empty(),
        "{} traces of Litoměřice:\n{}",
        found.len(),
        found.join("\n")
    );
}

/// Every kind of slip, for the second town, from its own content, on every
/// printer profile: the town's header, and nothing of Litoměřice.
#[test]
fn every_slip_of_the_second_town_is_its_own() {
    let town = DemoTown::from_dir(&town_dir()).unwrap();
    let origin = SlipOrigin::new("hj-radnice-01", &town.town);
    let header = origin.header(
        12,
        chrono::NaiveDate::from_ymd_opt(2026, 12, 5)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap(),
    );
    let seed = &town.seed;
    let citizens: serde_json::Value = serde_json::from_str(&seed.citizens).unwrap();
    let obligations: Vec<Obligation> =
        serde_json::from_value(citizens["citizens"][0]["obligations"].clone()).unwrap();
    let unpaid = obligations.iter().find(|o| !o.paid).unwrap();
    let payment = PaymentSlipData {
        what: unpaid.title.clone(),
        period: unpaid.period.clone(),
        amount: Amount::parse(&unpaid.amount_czk).unwrap(),
        account: CzechAccount::from_iban(&unpaid.account_iban).unwrap(),
        vs: Some(unpaid.variable_symbol.clone()),
        ss: None,
        ks: None,
        due: Some(unpaid.due_date),
    };
    let services: ServiceCatalogue = serde_json::from_str(&seed.services).unwrap();
    let contacts: ContactDirectory = serde_json::from_str(&seed.contacts).unwrap();
    let elections: ElectionInfo = serde_json::from_str(&seed.elections).unwrap();
    let board =
        portal_kiosk::noticeboard::read_board(seed.notice_board.as_bytes(), 1 << 20).unwrap();
    let mut slips = vec![
        (
            "payment",
            Slip::payment_instruction(&header, &payment).unwrap(),
        ),
        (
            "proof",
            Slip::proof_of_payment(
                &header,
                &ProofOfPaymentData {
                    what: unpaid.title.clone(),
                    period: unpaid.period.clone(),
                    amount: Amount::parse(&unpaid.amount_czk).unwrap(),
                    paid_on: unpaid.due_date,
                    reference: "PL-2026-000123".into(),
                },
            ),
        ),
        (
            "polling-place",
            Slip::polling_place(
                &header,
                elections.elections.first(),
                &elections.districts[0],
            ),
        ),
    ];
    slips.extend(
        services
            .services
            .iter()
            .map(|s| ("service", Slip::service_information(&header, s))),
    );
    slips.extend(
        contacts
            .departments
            .iter()
            .map(|d| ("contact", Slip::contact(&header, d))),
    );
    slips.extend(
        board
            .notices
            .iter()
            .map(|n| ("notice", Slip::board_notice(&header, n))),
    );
    let mut found = Vec::new();
    for profile in PROFILES {
        slips.push(("test", Slip::test_page(&header, profile)));
        for (kind, slip) in &slips {
            let Ok(bytes) = slip.encode(profile) else {
                continue;
            };
            let receipt = decode(&bytes).unwrap();
            let text = receipt.lines().join("\n");
            assert!(
                text.contains("Město Horní Javoří") && text.contains("IČO 71234560"),
                "{kind} on {}: no town header:\n{text}",
                profile.name
            );
            for t in traces(&text)
                .into_iter()
                .chain(receipt.qr_payloads().iter().flat_map(|q| traces(q)))
            {
                found.push(format!("{kind} on {}: `{t}`", profile.name));
            }
        }
        slips.pop();
    }
    assert!(
        found.is_empty(),
        "{} traces of Litoměřice on slips:\n{}",
        found.len(),
        found.join("\n")
    );
}

/// A second town's config with a brand field missing or wrong is refused
/// with the file, line and key; a logo that is not a picture or too big too.
#[test]
fn a_broken_town_config_is_refused_with_line_and_key() {
    use portal_kiosk::config::KioskConfig;
    let text = std::fs::read_to_string(town_dir().join("kiosk.toml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kiosk.toml");
    let error = |text: &str| {
        std::fs::write(&file, text).unwrap();
        KioskConfig::load(&file)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    // A required field missing: the table is named, with its line.
    let missing = error(&text.replace("ico = \"71234560\"\n", ""));
    assert!(missing.contains("missing field `ico`"), "{missing}");
    assert!(missing.contains("town"), "{missing}");
    assert!(missing.contains("kiosk.toml:10"), "{missing}");
    // A wrong IČO and a colour too light for white text: line and key each.
    let wrong = error(
        &text
            .replace("ico = \"71234560\"", "ico = \"71234561\"")
            .replace("primary = \"#1f4d2b\"", "primary = \"#5b8a68\""),
    );
    assert!(wrong.contains("kiosk.toml:15:7: key `town.ico`"), "{wrong}");
    assert!(wrong.contains("key `town.colors.primary`"), "{wrong}");
    assert!(wrong.contains(":1"), "{wrong}");
    // The shipped one is valid as it is…
    assert_eq!(error(&text), "");
    // …but a kiosk in service checks its logo: here it is not beside the copy.
    let service = KioskConfig::load_for_service(&file)
        .unwrap_err()
        .to_string();
    assert!(service.contains("key `town.logo`"), "{service}");
    std::fs::write(dir.path().join("logo.png"), b"<svg>not a png</svg>").unwrap();
    let service = KioskConfig::load_for_service(&file)
        .unwrap_err()
        .to_string();
    assert!(service.contains("not a PNG or JPEG"), "{service}");
    std::fs::write(
        dir.path().join("logo.png"),
        vec![0u8; portal_kiosk::town::LOGO_MAX_BYTES as usize + 1],
    )
    .unwrap();
    let service = KioskConfig::load_for_service(&file)
        .unwrap_err()
        .to_string();
    assert!(service.contains("at most 1048576 bytes"), "{service}");
    std::fs::copy(town_dir().join("logo.png"), dir.path().join("logo.png")).unwrap();
    assert!(KioskConfig::load_for_service(&file).is_ok());
}

/// The development portal seeded with the second town's content serves it
/// over the kiosk API — its services, contacts, elections and its own slides —
/// as a kiosk of that town fetches them (HTTP over loopback).
#[test]
fn the_development_portal_serves_the_second_towns_content() {
    use portal_kiosk::portal::client::{Fetched, PortalClient};
    use portal_kiosk::portal::types::PromoPlaylist;
    let town = DemoTown::from_dir(&town_dir()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let portal = portal_kiosk::devportal::start_embedded_with(dir.path(), &town.seed)
            .await
            .unwrap();
        let client = PortalClient::new(
            &portal.portal.kiosk_api_url(),
            portal_kiosk::devportal::DEMO_KIOSK_TOKEN,
            None,
            std::time::Duration::from_secs(10),
        )
        .unwrap();
        let Fetched::Fresh {
            value: contacts, ..
        } = client.fetch::<ContactDirectory>(None).await.unwrap()
        else {
            panic!("no contacts")
        };
        assert!(
            contacts
                .departments
                .iter()
                .all(|d| traces(&d.address).is_empty())
        );
        assert!(
            contacts
                .departments
                .iter()
                .any(|d| d.address.contains("Horní Javoří"))
        );
        let Fetched::Fresh {
            value: services, ..
        } = client.fetch::<ServiceCatalogue>(None).await.unwrap()
        else {
            panic!("no services")
        };
        let own: ServiceCatalogue = serde_json::from_str(&town.seed.services).unwrap();
        assert_eq!(services.services.len(), own.services.len());
        let Fetched::Fresh { value: promo, .. } =
            client.fetch::<PromoPlaylist>(None).await.unwrap()
        else {
            panic!("no playlist")
        };
        assert_eq!(promo.slides.len(), 3);
        assert_eq!(promo.slides[0].title, "Portál občana Horní Javoří");
        let json = serde_json::to_string(&promo).unwrap();
        assert!(traces(&json).is_empty(), "{json}");
        portal.portal.stop().await;
    });
}
