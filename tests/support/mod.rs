//! Shared helpers for UI tests: a kiosk window on Slint's headless testing
//! backend with mock time, and "touch the button labelled X" as a person would.
#![allow(dead_code)]

use std::rc::Rc;
use std::time::Duration;

use i_slint_backend_testing::ElementHandle;
use portal_kiosk::config::Mode;
use portal_kiosk::i18n::Language;
use portal_kiosk::kiosk::{KioskSettings, SessionTimes};
use portal_kiosk::login::Adapters;
use portal_kiosk::promo::Playlist;
use portal_kiosk::ui::{AppWindow, Clock, KioskIdentity, KioskUi, UiSetup};
use slint::ComponentHandle;
use slint::platform::PointerEventButton;

pub const IDLE: Duration = Duration::from_secs(90);

/// A kiosk window on this test thread (each test thread has its own backend).
pub fn kiosk(mode: Mode, playlist: Playlist) -> (AppWindow, KioskUi) {
    kiosk_with_login(mode, playlist, Adapters::none(), SessionTimes::default())
}

/// A kiosk window with a login backend and session times of the test's choice.
pub fn kiosk_with_login(
    mode: Mode,
    playlist: Playlist,
    adapters: Adapters,
    session: SessionTimes,
) -> (AppWindow, KioskUi) {
    kiosk_full(mode, playlist, adapters, session, None)
}

/// … and a printer thread.
pub fn kiosk_full(
    mode: Mode,
    playlist: Playlist,
    adapters: Adapters,
    session: SessionTimes,
    printer: Option<portal_kiosk::printing::PrintService>,
) -> (AppWindow, KioskUi) {
    i_slint_backend_testing::init_no_event_loop();
    let app = AppWindow::new().expect("window");
    app.window().set_size(slint::PhysicalSize::new(1920, 1080));
    app.show().expect("show");
    let clock: Clock =
        Rc::new(|| Duration::from_millis(i_slint_backend_testing::get_mocked_time()));
    let setup = UiSetup {
        settings: KioskSettings {
            mode,
            idle_timeout: IDLE,
            default_language: Language::Cs,
            languages: Language::ALL.to_vec(),
            session,
        },
        identity: KioskIdentity::new(
            "lt-test-01",
            "Testovací kiosek",
            &portal_kiosk::config::KioskConfig::embedded_default()
                .unwrap()
                .town,
        ),
        playlist,
        screen_size: (1920, 1080),
        fade: Duration::from_millis(160),
        slide_cache: None,
        clock,
        adapters,
        printer,
    };
    let ui = KioskUi::attach(&app, setup);
    settle();
    (app, ui)
}

/// Lets layouts, conditional elements and animations settle (250 ms of mock time).
pub fn settle() {
    i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(250));
}

/// Buttons (accessible role button) with this label that are on screen now.
pub fn buttons(app: &AppWindow, label: &str) -> Vec<ElementHandle> {
    ElementHandle::find_by_accessible_label(app, label)
        .filter(|e| e.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::Button))
        .collect()
}

/// Whether any element (text or button) with this label is on screen.
pub fn shows(app: &AppWindow, label: &str) -> bool {
    ElementHandle::find_by_accessible_label(app, label)
        .next()
        .is_some()
}

/// Touches the one button labelled `label`, at its centre, like a finger would.
pub fn touch(app: &AppWindow, label: &str) {
    let found = buttons(app, label);
    assert_eq!(
        found.len(),
        1,
        "expected exactly one button labelled {label:?}, found {}",
        found.len()
    );
    found[0].mock_single_click(PointerEventButton::Left);
    settle();
}

/// Delivers updates from other threads until `done` holds (10 s real time at most).
pub fn pump_until(ui: &KioskUi, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        ui.pump_updates();
        if done() {
            i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(20));
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for: {what}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A call to the development portal's admin API; panics unless it succeeds.
pub fn admin(
    rt: &tokio::runtime::Runtime,
    portal: &portal_kiosk::devportal::RunningPortal,
    method: reqwest::Method,
    path: &str,
    body: Option<&str>,
) -> String {
    let url = format!("http://{}/admin/v1/{path}", portal.addr);
    rt.block_on(async {
        let mut req = reqwest::Client::new()
            .request(method, url)
            .bearer_auth(portal.state.admin_token());
        if let Some(b) = body {
            req = req
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        let resp = req.send().await.unwrap();
        assert!(
            resp.status().is_success(),
            "admin {path}: {}",
            resp.status()
        );
        resp.text().await.unwrap()
    })
}

/// pcscd with vpcd and the SoftHSM2 tokens, started once per test binary.
pub fn card_env() {
    static ENV: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    ENV.get_or_init(|| {
        let root = env!("CARGO_MANIFEST_DIR");
        let out = std::process::Command::new(format!("{root}/tools/card-test-env"))
            .arg("start")
            .output()
            .expect("run tools/card-test-env");
        assert!(
            out.status.success(),
            "tools/card-test-env start failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        let conf = stdout
            .lines()
            .find_map(|l| l.strip_prefix("export SOFTHSM2_CONF="))
            .expect("SOFTHSM2_CONF from card-test-env");
        if std::env::var("SOFTHSM2_CONF").ok().as_deref() != Some(conf) {
            // SAFETY: set once, before any PKCS#11 module is loaded in this process.
            unsafe { std::env::set_var("SOFTHSM2_CONF", conf) };
        }
    });
}

/// One tokio runtime per test binary, for the development portal and the adapters.
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    })
}

/// The development portal on loopback with its store in `dir`, and a client of
/// the demo kiosk (2-s timeout).
pub fn portal_and_client(
    dir: &std::path::Path,
) -> (
    portal_kiosk::devportal::RunningPortal,
    std::sync::Arc<portal_kiosk::portal::PortalClient>,
) {
    portal_and_client_as(dir, portal_kiosk::devportal::DEMO_KIOSK_TOKEN)
}

/// … and a client with this kiosk token (e.g. the demo counter's).
pub fn portal_and_client_as(
    dir: &std::path::Path,
    token: &str,
) -> (
    portal_kiosk::devportal::RunningPortal,
    std::sync::Arc<portal_kiosk::portal::PortalClient>,
) {
    let portal = runtime()
        .block_on(portal_kiosk::devportal::start(
            "127.0.0.1:0",
            &dir.join("portal.sqlite"),
            true,
        ))
        .unwrap();
    let client = portal_kiosk::portal::PortalClient::new(
        &portal.kiosk_api_url(),
        token,
        None,
        Duration::from_secs(2),
    )
    .unwrap();
    (portal, std::sync::Arc::new(client))
}

/// A printer thread printing to a preview printer in `dir/slips` (returned).
pub fn preview_printer(
    dir: &std::path::Path,
    profile: &str,
) -> (portal_kiosk::printing::PrintService, std::path::PathBuf) {
    let slips = dir.join("slips");
    let service = portal_kiosk::printing::PrintService::start(
        portal_kiosk::receipt::printer::PrinterUri::parse(&format!("preview:{}", slips.display()))
            .unwrap(),
        portal_kiosk::receipt::profiles::profile(profile).unwrap(),
        portal_kiosk::receipt::SlipOrigin::new(
            "lt-test-01",
            &portal_kiosk::config::KioskConfig::embedded_default()
                .unwrap()
                .town,
        ),
        dir.join("kiosk-data"),
    )
    .unwrap();
    (service, slips)
}

/// A client of `portal`'s kiosk API with this bearer token (10-s timeout).
pub fn client_with(
    portal: &portal_kiosk::devportal::RunningPortal,
    token: &str,
) -> portal_kiosk::portal::PortalClient {
    portal_kiosk::portal::PortalClient::new(
        &portal.kiosk_api_url(),
        token,
        None,
        Duration::from_secs(10),
    )
    .unwrap()
}

/// The Web eID token for `nonce` at `origin`: the card's certificates and the
/// signature that `signer` makes with `pin`.
pub fn auth_token(
    signer: &mut dyn portal_kiosk::card::Signer,
    card: portal_kiosk::card::CardCertificates<'_>,
    pin: &str,
    origin: &str,
    nonce: &str,
) -> portal_kiosk::webeid::AuthToken {
    let signed = signer
        .sign(
            card,
            &portal_kiosk::card::Pin::from_digits(pin).unwrap(),
            &portal_kiosk::webeid::signed_digest(origin, nonce),
        )
        .unwrap();
    portal_kiosk::webeid::AuthToken::new(&signed.certificate, &signed.signature)
}

/// Logs the demo citizen `id` in over the API as the kiosk does (challenge,
/// the demo card's signature with its IOK, token); returns the session token.
pub async fn citizen_login(client: &portal_kiosk::portal::PortalClient, id: &str) -> String {
    let citizen = portal_kiosk::card::testcards::citizen(id).unwrap();
    let card = portal_kiosk::card::demo::DemoCard::new(citizen);
    card.set_inserted(true);
    let origin = portal_kiosk::webeid::origin_of(client.base_url()).unwrap();
    let nonce = client.auth_challenge().await.unwrap().nonce;
    let token = auth_token(
        &mut card.signer(),
        portal_kiosk::card::CardCertificates {
            short: citizen.short_certificate,
            long: Some(citizen.long_certificate),
        },
        citizen.pin,
        &origin,
        &nonce,
    );
    client
        .auth_card(&portal_kiosk::portal::types::AuthCardRequest { token })
        .await
        .unwrap()
        .session
}
