//! Logging in with a phone through the window, by accessible labels, with the
//! real adapters over loopback HTTP against the development portal (its
//! interval set to 1 s and the kiosk's floor with it, so a poll takes a
//! second): "Přihlásit se telefonem" → the QR code on screen decodes to the
//! approval page with the code shown → approved through the admin call →
//! the nástěnka with the citizen's name → logout, the session gone at the
//! backend; refused on the phone; an expired code and "Nový kód" (the old
//! code never accepted); a card inserted during the phone login (the code
//! abandoned at the backend); a backend that cannot give a code; the demo's
//! marked phone control.

mod support;

use std::sync::Arc;
use std::time::Duration;

use portal_kiosk::card::demo::DemoCard;
use portal_kiosk::card::testcards;
use portal_kiosk::config::Mode;
use portal_kiosk::devportal::RunningPortal;
use portal_kiosk::kiosk::SessionTimes;
use portal_kiosk::login::{CardLogin, CardSource};
use portal_kiosk::phone_login::{DemoApprover, PhoneLogin};
use portal_kiosk::portal::PortalClient;
use portal_kiosk::promo::Playlist;
use portal_kiosk::ui::{
    AppWindow, Citizen, Flow, KioskUi, LoadState, Login, LoginStage, Phone, PhoneStage, ScreenId,
    Session,
};
use slint::ComponentHandle;
use support::*;

struct Setup {
    app: AppWindow,
    ui: KioskUi,
    portal: RunningPortal,
    _dir: tempfile::TempDir,
}

/// The kiosk with the demo card and a phone login polling every second.
fn setup() -> Setup {
    setup_with(|_| None, None)
}

fn setup_with(
    demo: impl FnOnce(&RunningPortal) -> Option<DemoApprover>,
    client: Option<Arc<PortalClient>>,
) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let (portal, portal_client) = portal_and_client(dir.path());
    admin(
        runtime(),
        &portal,
        reqwest::Method::PUT,
        "auth/device",
        Some(r#"{"intervalSeconds": 1}"#),
    );
    let card = DemoCard::new(testcards::citizen("demo-jana").unwrap());
    let login = CardLogin::new(
        runtime().handle().clone(),
        portal_client.clone(),
        Box::new(card.signer()),
        CardSource::Demo(card),
    )
    .unwrap();
    let mut phone = PhoneLogin::new(
        runtime().handle().clone(),
        client.unwrap_or(portal_client),
        login.tokens(),
    )
    .with_poll_floor(Duration::from_secs(1));
    if let Some(approve) = demo(&portal) {
        phone = phone.with_demo_approver(approve);
    }
    let (app, ui) = kiosk_with_login(
        Mode::Kiosk,
        Playlist::demo(Duration::from_secs(8)),
        login.into_adapters().with_phone(phone),
        SessionTimes::default(),
    );
    Setup {
        app,
        ui,
        portal,
        _dir: dir,
    }
}

fn screen(app: &AppWindow) -> ScreenId {
    app.global::<Flow>().get_screen()
}

/// From the loop to the phone login's code on screen.
fn to_the_code(s: &Setup) {
    s.app.global::<Flow>().invoke_touch();
    settle();
    touch(&s.app, "Přihlásit se občankou");
    touch(&s.app, "Přihlásit se telefonem");
    assert_eq!(screen(&s.app), ScreenId::PhoneLogin);
    pump_until(&s.ui, "the code on screen", || {
        s.app.global::<Phone>().get_stage() == PhoneStage::Code
    });
}

/// The QR code on screen, read back with an independent decoder.
fn scanned(app: &AppWindow) -> String {
    let qr = app.global::<Phone>().get_qr();
    let pixels = qr.to_rgb8().expect("the QR code is a picture");
    // One pixel per module, as drawn; eight per module for the decoder.
    let (w, h) = (pixels.width(), pixels.height());
    let gray = image::GrayImage::from_fn(w * 8, h * 8, |x, y| {
        image::Luma([pixels.as_slice()[((y / 8) * w + x / 8) as usize].r])
    });
    let codes = portal_kiosk::payment::read_qr_codes(&gray);
    assert_eq!(codes.len(), 1, "one QR code: {codes:?}");
    codes[0].clone()
}

/// A decision through the admin API; its status.
fn decide(s: &Setup, body: serde_json::Value) -> u16 {
    let url = format!("http://{}/admin/v1/auth/device", s.portal.addr);
    runtime().block_on(async {
        reqwest::Client::new()
            .post(url)
            .bearer_auth(s.portal.state.admin_token())
            .json(&body)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    })
}

fn approve(s: &Setup, user_code: &str) {
    let status = decide(
        s,
        serde_json::json!({"userCode": user_code, "decision": "approve", "citizenId": "demo-jana"}),
    );
    assert_eq!(status, 204, "approving {user_code}");
}

fn live_sessions(s: &Setup) -> u64 {
    let text = admin(
        runtime(),
        &s.portal,
        reqwest::Method::GET,
        "auth/sessions",
        None,
    );
    serde_json::from_str::<serde_json::Value>(&text).unwrap()["live"]
        .as_u64()
        .unwrap()
}

#[test]
fn a_code_scanned_and_approved_on_the_phone_opens_the_nastenka_until_logout() {
    let s = setup();
    to_the_code(&s);
    let phone = s.app.global::<Phone>();
    let user_code = phone.get_user_code().to_string();
    assert_eq!(user_code.len(), 9, "{user_code}");
    assert!(shows(&s.app, &user_code), "the code is on screen");
    let page = format!("http://{}/kod", s.portal.addr);
    assert_eq!(phone.get_address(), page.trim_start_matches("https://"));
    assert!(shows(&s.app, &page), "the address for typing is on screen");
    assert_eq!(
        scanned(&s.app),
        format!("{page}?code={user_code}"),
        "the QR code leads to the approval page with this code"
    );
    assert!(phone.get_time_left().starts_with("10:") || phone.get_time_left().starts_with("9:"));
    assert_eq!(live_sessions(&s), 0);

    approve(&s, &user_code);
    let c = s.app.global::<Citizen>();
    pump_until(&s.ui, "the nástěnka", || {
        screen(&s.app) == ScreenId::Dashboard && c.get_load() == LoadState::Ready
    });
    let session = s.app.global::<Session>();
    assert_eq!(session.get_first_name(), "Jana");
    assert_eq!(session.get_confirm_name(), "J. Nováková");
    assert!(shows(&s.app, "Přihlášení telefonem: J. Nováková"));
    assert!(shows(&s.app, "Dobrý den, Jana"));
    assert!(shows(&s.app, "Po skončení se prosím odhlaste."));
    assert!(
        c.get_unpaid_count() > 0,
        "the nástěnka's data came with the phone's session"
    );
    assert_eq!(live_sessions(&s), 1);

    // The konto works with it like with a card's session.
    touch(&s.app, "Poplatky a platby");
    pump_until(&s.ui, "konto", || {
        screen(&s.app) == ScreenId::Obligations && c.get_load() == LoadState::Ready
    });
    touch(&s.app, "Odhlásit se");
    assert_eq!(screen(&s.app), ScreenId::LoggedOut);
    assert_eq!(session.get_confirm_name(), "");
    assert!(!shows(&s.app, "Přihlášení telefonem: J. Nováková"));
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while live_sessions(&s) != 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the session is ended at the backend"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn refused_on_the_phone_says_so_and_leads_back_to_the_choice() {
    let s = setup();
    to_the_code(&s);
    let user_code = s.app.global::<Phone>().get_user_code().to_string();
    assert_eq!(
        decide(
            &s,
            serde_json::json!({"userCode": user_code, "decision": "deny"})
        ),
        204
    );
    pump_until(&s.ui, "refused", || {
        s.app.global::<Phone>().get_stage() == PhoneStage::Denied
    });
    assert!(shows(&s.app, "Přihlášení bylo v telefonu odmítnuto."));
    assert!(!shows(&s.app, &user_code), "the code left the screen");
    touch(&s.app, "Zpět na výběr přihlášení");
    assert_eq!(screen(&s.app), ScreenId::Login);
    assert!(!s.app.global::<Session>().get_active());
    assert_eq!(live_sessions(&s), 0);
}

#[test]
fn an_expired_code_offers_a_new_one_and_the_old_is_never_accepted() {
    let s = setup();
    admin(
        runtime(),
        &s.portal,
        reqwest::Method::PUT,
        "auth/device",
        Some(r#"{"expiresInSeconds": 2}"#),
    );
    to_the_code(&s);
    let old = s.app.global::<Phone>().get_user_code().to_string();
    pump_until(&s.ui, "expired", || {
        s.app.global::<Phone>().get_stage() == PhoneStage::Expired
    });
    assert!(shows(&s.app, "Platnost kódu vypršela."));
    assert!(!shows(&s.app, &old));
    // Approving the old code on a phone now changes nothing.
    assert_eq!(
        decide(
            &s,
            serde_json::json!({"userCode": old, "decision": "approve", "citizenId": "demo-jana"})
        ),
        404
    );
    admin(
        runtime(),
        &s.portal,
        reqwest::Method::PUT,
        "auth/device",
        Some(r#"{"expiresInSeconds": 600}"#),
    );
    touch(&s.app, "Nový kód");
    pump_until(&s.ui, "a new code", || {
        s.app.global::<Phone>().get_stage() == PhoneStage::Code
    });
    let new = s.app.global::<Phone>().get_user_code().to_string();
    assert_ne!(new, old);
    approve(&s, &new);
    pump_until(&s.ui, "the nástěnka", || {
        screen(&s.app) == ScreenId::Dashboard
    });
    assert_eq!(live_sessions(&s), 1);
}

#[test]
fn a_card_inserted_during_the_phone_login_wins_and_the_code_is_abandoned() {
    let s = setup();
    to_the_code(&s);
    let user_code = s.app.global::<Phone>().get_user_code().to_string();
    touch(&s.app, "DEMO: vložit kartu");
    pump_until(&s.ui, "the PIN pad", || {
        s.app.global::<Login>().get_stage() == LoginStage::Pin
    });
    assert_eq!(screen(&s.app), ScreenId::Login);
    // The backend was told: nobody can approve that code any more.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        let status = decide(
            &s,
            serde_json::json!({"userCode": user_code, "decision": "approve", "citizenId": "demo-jana"}),
        );
        if status == 409 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the code is still open at the backend ({status})"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // The card's login goes on as usual.
    for d in "1234".chars() {
        touch(&s.app, &d.to_string());
    }
    touch(&s.app, "Potvrdit");
    pump_until(&s.ui, "the nástěnka", || {
        screen(&s.app) == ScreenId::Dashboard
    });
    assert_eq!(
        s.app.global::<Session>().get_confirm_name(),
        "",
        "a card's session"
    );
    assert_eq!(live_sessions(&s), 1);
}

#[test]
fn a_backend_that_gives_no_code_says_so_and_offers_the_card() {
    // Nothing listens there: the device request fails as a 5xx or garbage would.
    let nowhere = Arc::new(
        PortalClient::new(
            "http://127.0.0.1:9/kiosk/v1/",
            portal_kiosk::devportal::DEMO_KIOSK_TOKEN,
            None,
            Duration::from_secs(2),
        )
        .unwrap(),
    );
    let s = setup_with(|_| None, Some(nowhere));
    s.app.global::<Flow>().invoke_touch();
    settle();
    touch(&s.app, "Přihlásit se občankou");
    touch(&s.app, "Přihlásit se telefonem");
    pump_until(&s.ui, "failed", || {
        s.app.global::<Phone>().get_stage() == PhoneStage::Failed
    });
    assert!(shows(&s.app, "Přihlášení telefonem teď nefunguje."));
    touch(&s.app, "Přihlásit se občankou");
    assert_eq!(screen(&s.app), ScreenId::Login);
    assert!(shows(
        &s.app,
        "Vložte občanský průkaz do čtečky pod obrazovkou, čipem nahoru."
    ));
}

#[test]
fn the_demos_marked_phone_control_approves_the_code_on_screen() {
    let s = setup_with(
        |portal| {
            let state = portal.state.clone();
            Some(Arc::new(move |code: &str| {
                state.decide_device_code(code, Some("demo-josef")).unwrap();
            }) as DemoApprover)
        },
        None,
    );
    to_the_code(&s);
    touch(&s.app, "DEMO: potvrdit v telefonu");
    pump_until(&s.ui, "the nástěnka", || {
        screen(&s.app) == ScreenId::Dashboard
    });
    assert_eq!(s.app.global::<Session>().get_confirm_name(), "J. Dvořák");
}

#[test]
fn the_help_is_one_touch_from_the_payment_tile_and_the_login() {
    let s = setup();
    s.app.global::<Flow>().invoke_touch();
    settle();
    // "Zaplatit poplatek" without a login leads to the login, and the help is there.
    touch(&s.app, "Zaplatit poplatek");
    assert_eq!(screen(&s.app), ScreenId::Login);
    touch(&s.app, "Nemám PIN / nevím, jak se přihlásit");
    assert_eq!(screen(&s.app), ScreenId::LoginHelp);
    assert!(shows(&s.app, "Nemáte IOK, nebo je zablokovaný?"));
    assert!(shows(&s.app, "Zaplatit můžete i bez přihlášení"));
    // The phone login from the help.
    touch(&s.app, "Přihlásit se telefonem");
    assert_eq!(screen(&s.app), ScreenId::PhoneLogin);
    touch(&s.app, "Zrušit");
    assert_eq!(screen(&s.app), ScreenId::Login);
}

#[test]
fn a_blocked_card_leads_to_the_help_in_one_touch() {
    let s = setup();
    s.app.global::<Flow>().invoke_touch();
    settle();
    touch(&s.app, "Přihlásit se občankou");
    touch(&s.app, "DEMO: vložit kartu");
    let login = s.app.global::<Login>();
    // Three wrong IOKs block the demo card, as a real one.
    for _ in 0..3 {
        pump_until(&s.ui, "the PIN pad", || {
            login.get_stage() == LoginStage::Pin
        });
        for d in "9999".chars() {
            touch(&s.app, &d.to_string());
        }
        touch(&s.app, "Potvrdit");
        pump_until(&s.ui, "the answer", || {
            login.get_stage() != LoginStage::Verifying
        });
        if login.get_stage() == LoginStage::Pin {
            assert!(
                shows(&s.app, "Nesprávný IOK."),
                "the error uses the heading's word"
            );
        }
    }
    pump_until(&s.ui, "blocked", || {
        login.get_stage() == LoginStage::Blocked
    });
    touch(&s.app, "Nemám PIN / nevím, jak se přihlásit");
    assert_eq!(screen(&s.app), ScreenId::LoginHelp);
    touch(&s.app, "Zpět");
    assert_eq!(screen(&s.app), ScreenId::Login);
    assert_eq!(login.get_stage(), LoginStage::Blocked);
}
