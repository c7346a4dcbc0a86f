//! The eObčanka login over the real parts: pcscd with the vsmartcard virtual
//! reader, the card simulator speaking the vpcd protocol, SoftHSM2 holding the
//! card's key behind PKCS#11, the development portal over loopback HTTP, and the
//! kiosk's window driven by the accessible labels of its buttons.
//!
//! Needs `tools/card-test-env start` (pcscd as root + SoftHSM2 tokens);
//! `tools/test-all` and CI run it first. Without it these tests fail: they
//! never skip.

mod support;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use portal_kiosk::card::sim::SimProfile;
use portal_kiosk::card::testcards::{TEST_CITIZENS, load_profile};
use portal_kiosk::card::vpicc::InsertedCard;
use portal_kiosk::card::{
    CardCertificates, CardKind, Pin, Pkcs11Signer, ReaderEvent, ReaderMonitor, SignError, Signer,
};
use portal_kiosk::config::Mode;
use portal_kiosk::devportal::{self, DEMO_KIOSK_TOKEN, EmbeddedPortal};
use portal_kiosk::kiosk::SessionTimes;
use portal_kiosk::login::{CardLogin, CardSource};
use portal_kiosk::portal::PortalClient;
use portal_kiosk::portal::types::AuthCardRequest;
use portal_kiosk::promo::Playlist;
use portal_kiosk::ui::{AppWindow, Flow, KioskUi, Login, LoginStage, ScreenId, Session};
use portal_kiosk::webeid::AuthToken;
use slint::ComponentHandle;
use support::*;

const VPCD: &str = "127.0.0.1:35963";
const READER: &str = "Virtual PCD 00 00";
const SOFTHSM: &str = "/usr/lib/softhsm/libsofthsm2.so";

/// One card slot and one pcscd: the tests take turns.
fn exclusive() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    let guard = LOCK.lock().unwrap_or_else(|p| p.into_inner());
    card_env();
    guard
}

fn portal() -> (EmbeddedPortal, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let portal = runtime()
        .block_on(devportal::start_embedded(dir.path()))
        .unwrap();
    (portal, dir)
}

fn client(portal: &EmbeddedPortal) -> Arc<PortalClient> {
    Arc::new(
        PortalClient::new(
            &portal.portal.kiosk_api_url(),
            DEMO_KIOSK_TOKEN,
            None,
            Duration::from_secs(5),
        )
        .unwrap(),
    )
}

fn admin(
    portal: &EmbeddedPortal,
    method: reqwest::Method,
    path: &str,
    body: Option<&str>,
) -> String {
    support::admin(runtime(), &portal.portal, method, path, body)
}

fn live_sessions(portal: &EmbeddedPortal) -> u64 {
    let text = admin(portal, reqwest::Method::GET, "auth/sessions", None);
    serde_json::from_str::<serde_json::Value>(&text).unwrap()["live"]
        .as_u64()
        .unwrap()
}

/// Waits until pcscd sees the reader empty: vpcd takes the next card only
/// after it noticed the last one leave.
fn wait_reader_empty() {
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        let readers = portal_kiosk::card::reader::list_readers().unwrap_or_default();
        if readers.iter().any(|r| r.name == READER && !r.card_present) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the reader did not become empty: {readers:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn insert(profile: &str) -> InsertedCard {
    wait_reader_empty();
    InsertedCard::insert(VPCD, load_profile(profile).unwrap()).expect("vpcd listens on 35963")
}

/// A kiosk window whose logins go through the real reader, SoftHSM2 and the portal.
fn kiosk_on_reader(portal: &EmbeddedPortal, session: SessionTimes) -> (AppWindow, KioskUi) {
    // The previous test's card may still be leaving the reader: a kiosk started
    // now would see it as a card put in.
    wait_reader_empty();
    let login = CardLogin::new(
        runtime().handle().clone(),
        client(portal),
        Box::new(Pkcs11Signer::new(std::path::Path::new(SOFTHSM))),
        CardSource::Pcsc {
            pattern: READER.into(),
        },
    )
    .unwrap();
    let (app, ui) = kiosk_with_login(
        Mode::Kiosk,
        Playlist::demo(Duration::from_secs(8)),
        login.into_adapters(),
        session,
    );
    // The reader thread reports the empty reader first.
    pump_until(&ui, "reader ready", || {
        app.global::<Login>().get_stage() == LoginStage::InsertCard
    });
    (app, ui)
}

fn stage(app: &AppWindow) -> LoginStage {
    app.global::<Login>().get_stage()
}

fn screen(app: &AppWindow) -> ScreenId {
    app.global::<Flow>().get_screen()
}

fn type_pin(app: &AppWindow, pin: &str) {
    for d in pin.chars() {
        touch(app, &d.to_string());
    }
}

fn wait_stage(app: &AppWindow, ui: &KioskUi, want: LoginStage) {
    pump_until(ui, &format!("login stage {want:?}"), || stage(app) == want);
}

#[test]
fn the_right_pin_logs_in_and_pulling_the_card_logs_out_everywhere() {
    let _one = exclusive();
    let (portal, _dir) = portal();
    let (app, ui) = kiosk_on_reader(&portal, SessionTimes::default());
    assert_eq!(screen(&app), ScreenId::Promo);

    let card = insert("demo-jana");
    // Inserting the card wakes the kiosk straight into the login.
    wait_stage(&app, &ui, LoginStage::Pin);
    assert_eq!(screen(&app), ScreenId::Login);
    assert_eq!(app.global::<Login>().get_tries_left(), 3);
    assert_eq!(app.global::<Login>().get_tries_max(), 3);

    type_pin(&app, "1234");
    assert_eq!(app.global::<Login>().get_pin_length(), 4);
    touch(&app, "Potvrdit");
    pump_until(&ui, "dashboard", || screen(&app) == ScreenId::Dashboard);
    assert_eq!(app.global::<Session>().get_first_name(), "Jana");
    assert!(app.global::<Session>().get_active());
    assert!(shows(&app, "Dobrý den, Jana"));
    assert_eq!(live_sessions(&portal), 1);

    card.remove();
    pump_until(&ui, "logged out", || screen(&app) == ScreenId::LoggedOut);
    assert!(!app.global::<Session>().get_active());
    assert_eq!(app.global::<Session>().get_first_name(), "");
    assert!(!shows(&app, "Dobrý den, Jana"));
    // The kiosk told the backend: the session is gone there too.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while live_sessions(&portal) != 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "backend session not ended"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn two_wrong_pins_count_down_then_the_right_one_logs_in() {
    let _one = exclusive();
    let (portal, _dir) = portal();
    let (app, ui) = kiosk_on_reader(&portal, SessionTimes::default());
    let _card = insert("demo-josef");
    wait_stage(&app, &ui, LoginStage::Pin);
    for tries_left in [2, 1] {
        type_pin(&app, "9999");
        touch(&app, "Potvrdit");
        pump_until(&ui, "wrong PIN shown", || {
            app.global::<Login>().get_wrong_pin() && stage(&app) == LoginStage::Pin
        });
        assert_eq!(app.global::<Login>().get_tries_left(), tries_left);
        assert_eq!(
            app.global::<Login>().get_pin_length(),
            0,
            "the PIN pad starts empty"
        );
    }
    type_pin(&app, TEST_CITIZENS[1].pin);
    touch(&app, "Potvrdit");
    pump_until(&ui, "dashboard", || screen(&app) == ScreenId::Dashboard);
    assert_eq!(app.global::<Session>().get_first_name(), "Josef");
}

#[test]
fn a_blocked_card_gets_the_explanation_and_no_pin_pad() {
    let _one = exclusive();
    let (portal, _dir) = portal();
    let (app, ui) = kiosk_on_reader(&portal, SessionTimes::default());
    let path = format!(
        "{}/assets/cards/jana-blocked.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let _card = insert(&path);
    wait_stage(&app, &ui, LoginStage::Blocked);
    assert!(buttons(&app, "Potvrdit").is_empty());
    assert!(buttons(&app, "5").is_empty());
}

#[test]
fn a_bank_card_is_not_an_eobcanka() {
    let _one = exclusive();
    let (portal, _dir) = portal();
    let (app, ui) = kiosk_on_reader(&portal, SessionTimes::default());
    let card = insert("bank-card");
    wait_stage(&app, &ui, LoginStage::NotEobcanka);
    card.remove();
    wait_stage(&app, &ui, LoginStage::InsertCard);
}

#[test]
fn pulling_the_card_during_pin_entry_forgets_the_digits() {
    let _one = exclusive();
    let (portal, _dir) = portal();
    let (app, ui) = kiosk_on_reader(&portal, SessionTimes::default());
    let card = insert("demo-tereza");
    wait_stage(&app, &ui, LoginStage::Pin);
    type_pin(&app, "11");
    assert_eq!(app.global::<Login>().get_pin_length(), 2);
    card.remove();
    wait_stage(&app, &ui, LoginStage::InsertCard);
    assert_eq!(app.global::<Login>().get_pin_length(), 0);
    assert_eq!(screen(&app), ScreenId::Login);
    // The next card starts from nothing.
    let _card = insert("demo-tereza");
    wait_stage(&app, &ui, LoginStage::Pin);
    assert_eq!(app.global::<Login>().get_pin_length(), 0);
    assert_eq!(live_sessions(&portal), 0);
}

#[test]
fn logout_with_the_card_left_in_asks_for_it_before_the_next_login() {
    let _one = exclusive();
    let (portal, _dir) = portal();
    let (app, ui) = kiosk_on_reader(&portal, SessionTimes::default());
    let card = insert("demo-jana");
    wait_stage(&app, &ui, LoginStage::Pin);
    type_pin(&app, "1234");
    touch(&app, "Potvrdit");
    pump_until(&ui, "dashboard", || screen(&app) == ScreenId::Dashboard);
    let logout = buttons(&app, "Odhlásit se");
    assert!(!logout.is_empty());
    logout[0].mock_single_click(slint::platform::PointerEventButton::Left);
    settle();
    assert_eq!(screen(&app), ScreenId::LoggedOut);
    // The next person touches the screen and asks to log in: the old card must go first.
    touch_anywhere(&app);
    touch(&app, "Přihlásit se občankou");
    assert_eq!(stage(&app), LoginStage::RemoveCard);
    card.remove();
    wait_stage(&app, &ui, LoginStage::InsertCard);
}

fn touch_anywhere(app: &AppWindow) {
    app.global::<Flow>().invoke_touch();
    settle();
}

#[test]
fn losing_the_reader_says_so_and_it_recovers_when_the_reader_returns() {
    let _one = exclusive();
    let (portal, _dir) = portal();
    let (app, ui) = kiosk_on_reader(&portal, SessionTimes::default());
    let root = env!("CARGO_MANIFEST_DIR");
    let run = |cmd: &str| {
        let out = std::process::Command::new(format!("{root}/tools/card-test-env"))
            .arg(cmd)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{cmd}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    // Open the login screen, then the PC/SC service (and with it the reader) goes away.
    touch_anywhere(&app);
    touch(&app, "Přihlásit se občankou");
    run("pcscd-stop");
    wait_stage(&app, &ui, LoginStage::ReaderProblem);
    run("pcscd-start");
    wait_stage(&app, &ui, LoginStage::InsertCard);
    let _card = insert("demo-jana");
    wait_stage(&app, &ui, LoginStage::Pin);
}

// ------------------------------------------------- protocol, without the UI

/// Reads the card in the reader with the monitor; returns its certificates.
fn read_in_reader() -> Box<portal_kiosk::card::EObcanka> {
    let (tx, rx) = std::sync::mpsc::channel();
    let monitor = ReaderMonitor::start(READER, move |e| {
        let _ = tx.send(e);
    })
    .unwrap();
    let card = loop {
        match rx
            .recv_timeout(Duration::from_secs(10))
            .expect("reader event")
        {
            ReaderEvent::Card(CardKind::EObcanka(card)) => break card,
            ReaderEvent::Card(other) => panic!("{other:?}"),
            _ => {}
        }
    };
    monitor.stop();
    card
}

fn token_for(
    signer: &mut dyn Signer,
    card: &portal_kiosk::card::EObcanka,
    pin: &str,
    origin: &str,
    nonce: &str,
) -> AuthToken {
    auth_token(
        signer,
        CardCertificates {
            short: &card.short_certificate,
            long: card.long_certificate.as_deref(),
        },
        pin,
        origin,
        nonce,
    )
}

fn refused(
    result: Result<portal_kiosk::portal::types::AuthSession, portal_kiosk::portal::PortalError>,
) -> String {
    match result {
        Err(portal_kiosk::portal::PortalError::Status {
            status: 401,
            problem,
            ..
        }) => problem.map(|p| p.detail).unwrap_or_default(),
        other => panic!("expected 401, got {other:?}"),
    }
}

#[test]
fn tokens_are_single_use_expire_and_are_bound_to_the_origin() {
    let _one = exclusive();
    let (portal, _dir) = portal();
    let client = client(&portal);
    let origin = portal_kiosk::webeid::origin_of(client.base_url()).unwrap();
    let _card = insert("demo-jana");
    let card = read_in_reader();
    let mut signer = Pkcs11Signer::new(std::path::Path::new(SOFTHSM));
    let rt = runtime();

    // A good token logs in once …
    let nonce = rt.block_on(client.auth_challenge()).unwrap().nonce;
    let token = token_for(&mut signer, &card, "1234", &origin, &nonce);
    let request = AuthCardRequest { token };
    let session = rt.block_on(client.auth_card(&request)).unwrap();
    assert_eq!(session.citizen.display_name, "Jana");
    // … and never again (replay).
    let detail = refused(rt.block_on(client.auth_card(&request)));
    assert!(detail.contains("no outstanding challenge"), "{detail}");

    // A token signed for another origin (a phishing site) is refused.
    let nonce = rt.block_on(client.auth_challenge()).unwrap().nonce;
    let token = token_for(
        &mut signer,
        &card,
        "1234",
        "https://obcan.litomerice.cz.evil.example",
        &nonce,
    );
    let detail = refused(rt.block_on(client.auth_card(&AuthCardRequest { token })));
    assert!(detail.contains("signature does not verify"), "{detail}");

    // An expired challenge is refused even with a good signature.
    admin(
        &portal,
        reqwest::Method::PUT,
        "auth",
        Some(r#"{"nonceTtlSeconds": 1}"#),
    );
    let nonce = rt.block_on(client.auth_challenge()).unwrap().nonce;
    std::thread::sleep(Duration::from_millis(1100));
    let token = token_for(&mut signer, &card, "1234", &origin, &nonce);
    let detail = refused(rt.block_on(client.auth_card(&AuthCardRequest { token })));
    assert!(detail.contains("expired"), "{detail}");
}

#[test]
fn the_softhsm_signer_finds_the_cards_token_and_reports_wrong_pins() {
    let _one = exclusive();
    let mut signer = Pkcs11Signer::new(std::path::Path::new(SOFTHSM));
    for citizen in &TEST_CITIZENS {
        let certs = CardCertificates {
            short: citizen.short_certificate,
            long: Some(citizen.long_certificate),
        };
        let signed = signer
            .sign(certs, &Pin::from_digits(citizen.pin).unwrap(), &[7; 64])
            .unwrap();
        assert_eq!(
            signed.certificate, citizen.long_certificate,
            "{}",
            citizen.id
        );
        assert_eq!(signed.signature.len(), 132);
        assert_eq!(
            signer
                .sign(certs, &Pin::from_digits("000000").unwrap(), &[7; 64])
                .err(),
            Some(SignError::WrongPin)
        );
    }
    // A card whose long certificate needs the PIN to be read: found by the short one,
    // and the identification certificate comes from the token.
    let jana = &TEST_CITIZENS[0];
    let signed = signer
        .sign(
            CardCertificates {
                short: jana.short_certificate,
                long: None,
            },
            &Pin::from_digits(jana.pin).unwrap(),
            &[7; 64],
        )
        .unwrap();
    assert_eq!(signed.certificate, jana.long_certificate);
    // A card no token belongs to.
    let stranger = SimProfile::bank_card();
    assert_eq!(
        signer
            .sign(
                CardCertificates {
                    short: &stranger.short_certificate,
                    long: None,
                },
                &Pin::from_digits(jana.pin).unwrap(),
                &[7; 64],
            )
            .err(),
        Some(SignError::NoToken)
    );
}
