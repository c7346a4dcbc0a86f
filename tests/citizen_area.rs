//! The citizen area end to end: a simulated eObčanka (the demo card and its
//! signer) logs in against the development portal on loopback; the window is
//! walked by accessible labels: nástěnka → konto → pay → paid, the idle warning,
//! the timeout wipe, the card pulled mid-payment — and afterwards no personal
//! string is left in the UI's models, the kiosk's SQLite files or the log.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use portal_kiosk::card::demo::DemoCard;
use portal_kiosk::card::testcards;
use portal_kiosk::config::Mode;
use portal_kiosk::devportal::RunningPortal;
use portal_kiosk::kiosk::SessionTimes;
use portal_kiosk::login::{CardLogin, CardSource};
use portal_kiosk::promo::Playlist;
use portal_kiosk::ui::{
    AppWindow, Citizen, Flow, KioskUi, LoadState, Login, LoginStage, NotPayable, PayState,
    ScreenId, Session,
};
use slint::{ComponentHandle, Model};
use support::*;

/// Everything the kiosk logs in this test binary.
#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn log() -> &'static LogBuffer {
    static LOG: OnceLock<LogBuffer> = OnceLock::new();
    LOG.get_or_init(|| {
        let buffer = LogBuffer::default();
        let writer = buffer.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .init();
        buffer
    })
}

struct Setup {
    app: AppWindow,
    ui: KioskUi,
    card: DemoCard,
    portal: RunningPortal,
    slips: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

fn setup(citizen: &str, session: SessionTimes) -> Setup {
    setup_with(citizen, session, false)
}

/// With `printer`, slips go to a preview printer in `Setup::slips`.
fn setup_with(citizen: &str, session: SessionTimes, printer: bool) -> Setup {
    log();
    let dir = tempfile::tempdir().unwrap();
    let (portal, client) = portal_and_client(dir.path());
    let card = DemoCard::new(testcards::citizen(citizen).unwrap());
    let login = CardLogin::new(
        runtime().handle().clone(),
        client,
        Box::new(card.signer()),
        CardSource::Demo(card.clone()),
    )
    .unwrap();
    let (printer, slips) = if printer {
        let (service, slips) = preview_printer(dir.path(), "epson-tm-t20");
        (Some(service), slips)
    } else {
        (None, dir.path().join("slips"))
    };
    let (app, ui) = kiosk_full(
        Mode::Kiosk,
        Playlist::demo(Duration::from_secs(8)),
        login.into_adapters(),
        session,
        printer,
    );
    Setup {
        app,
        ui,
        card,
        portal,
        slips,
        _dir: dir,
    }
}

fn screen(app: &AppWindow) -> ScreenId {
    app.global::<Flow>().get_screen()
}

fn admin(s: &Setup, method: reqwest::Method, path: &str, body: Option<&str>) {
    support::admin(runtime(), &s.portal, method, path, body);
}

/// Inserts the card with the demo control, types the IOK, waits for the nástěnka.
fn log_in(s: &Setup) {
    s.app.global::<Flow>().invoke_touch();
    settle();
    touch(&s.app, "Přihlásit se občankou");
    touch(&s.app, "DEMO: vložit kartu");
    pump_until(&s.ui, "PIN pad", || {
        s.app.global::<Login>().get_stage() == LoginStage::Pin
    });
    for d in s.card.citizen().pin.chars() {
        touch(&s.app, &d.to_string());
    }
    touch(&s.app, "Potvrdit");
    pump_until(&s.ui, "nástěnka loaded", || {
        screen(&s.app) == ScreenId::Dashboard
            && s.app.global::<Citizen>().get_load() == LoadState::Ready
    });
}

fn rows(
    model: slint::ModelRc<portal_kiosk::ui::ObligationRow>,
) -> Vec<portal_kiosk::ui::ObligationRow> {
    model.iter().collect()
}

#[test]
fn login_dashboard_konto_pay_and_paid() {
    let s = setup("demo-jana", SessionTimes::default());
    log_in(&s);
    let c = s.app.global::<Citizen>();
    // The nástěnka agrees with the backend's data of Jana.
    let unpaid: Vec<_> = citizen_json("demo-jana")["obligations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["paid"] == false)
        .cloned()
        .collect();
    assert_eq!(c.get_unpaid_count() as usize, unpaid.len());
    assert!(!unpaid.is_empty());
    assert!(shows(&s.app, "Dobrý den, Jana"));

    touch(&s.app, "Poplatky a platby");
    pump_until(&s.ui, "konto loaded", || {
        screen(&s.app) == ScreenId::Obligations && c.get_load() == LoadState::Ready
    });
    let to_pay = rows(c.get_to_pay());
    assert_eq!(to_pay.len(), unpaid.len());
    let first = to_pay
        .iter()
        .find(|r| r.payable)
        .expect("a payable obligation");
    let paid_before = rows(c.get_paid()).len();

    touch(&s.app, &format!("Zaplatit: {}", first.title));
    assert_eq!(screen(&s.app), ScreenId::Pay);
    pump_until(&s.ui, "QR ready", || c.get_pay_state() == PayState::Ready);
    assert_eq!(c.get_pay_amount(), first.amount);
    assert!(!c.get_pay_vs().is_empty());
    // The QR code on screen scans to a SPAYD of this amount and symbol.
    let qr = c.get_pay_qr();
    let buffer = qr.to_rgb8().expect("a pixel image");
    let gray = image::GrayImage::from_fn(buffer.width(), buffer.height(), |x, y| {
        let p = buffer.as_slice()[(y * buffer.width() + x) as usize];
        image::Luma([p.r])
    });
    let decoded = portal_kiosk::payment::read_qr_codes(&gray);
    assert_eq!(decoded.len(), 1);
    assert!(decoded[0].starts_with("SPD*1.0*ACC:CZ"), "{}", decoded[0]);
    assert!(
        decoded[0].contains(&format!("X-VS:{}", c.get_pay_vs())),
        "{}",
        decoded[0]
    );

    // The print preview shows the slip.
    touch(&s.app, "Vytisknout platební údaje");
    assert!(c.get_slip_preview_visible());
    // The slip is drawn off the UI thread and arrives a moment later.
    pump_until(&s.ui, "the slip's picture", || {
        c.get_slip_preview().size().height > 200
    });
    touch(&s.app, "Zavřít");

    // The bank pays (the development portal pays pending intents now); the
    // screen's polling notices.
    admin(
        &s,
        reqwest::Method::PUT,
        "payments",
        Some(r#"{"autoPaySeconds": 0}"#),
    );
    pump_until_ticking(&s, "Zaplaceno", || c.get_pay_state() == PayState::Paid);
    assert!(shows(&s.app, "Zaplaceno"));

    // Back in the konto the obligation is paid.
    touch(&s.app, "Poplatky a platby");
    pump_until(&s.ui, "konto reloaded", || {
        screen(&s.app) == ScreenId::Obligations && c.get_load() == LoadState::Ready
    });
    assert_eq!(rows(c.get_paid()).len(), paid_before + 1);
}

/// Pumps and lets mock time run (the 1-s tick polls the payment).
fn pump_until_ticking(s: &Setup, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(std::time::Instant::now() < deadline, "timed out: {what}");
        i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(1000));
        s.ui.pump_updates();
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn citizen_json(id: &str) -> serde_json::Value {
    let doc: serde_json::Value =
        serde_json::from_str(include_str!("../assets/seed/citizens.json")).unwrap();
    doc["citizens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
        .clone()
}

#[test]
fn broken_obligations_are_text_without_a_pay_button() {
    let s = setup("demo-tereza", SessionTimes::default());
    log_in(&s);
    touch(&s.app, "Poplatky a platby");
    let c = s.app.global::<Citizen>();
    pump_until(&s.ui, "konto", || c.get_load() == LoadState::Ready);
    let to_pay = rows(c.get_to_pay());
    for (title, problem) in [
        ("TEST – platba s chybným IBAN", NotPayable::Account),
        (
            "TEST – platba s nečíselným variabilním symbolem",
            NotPayable::Symbol,
        ),
        ("TEST – platba s nulovou částkou", NotPayable::Amount),
    ] {
        let row = to_pay.iter().find(|r| r.title == title).unwrap();
        assert!(!row.payable, "{title}");
        assert_eq!(row.problem, problem);
        assert!(buttons(&s.app, &format!("Zaplatit: {title}")).is_empty());
    }
}

#[test]
fn the_idle_warning_counts_down_and_pokracovat_keeps_the_session() {
    let times = SessionTimes {
        idle: Duration::from_secs(60),
        warning: Duration::from_secs(20),
        logged_out: Duration::from_secs(5),
        ..SessionTimes::default()
    };
    let s = setup("demo-jana", times);
    log_in(&s);
    let session = s.app.global::<Session>();
    i_slint_backend_testing::mock_elapsed_time(Duration::from_secs(61));
    assert!(session.get_warning());
    assert!(session.get_warning_seconds() >= 18 && session.get_warning_seconds() <= 20);
    touch(&s.app, "Pokračovat");
    assert!(!session.get_warning());
    assert_eq!(screen(&s.app), ScreenId::Dashboard);
    assert_eq!(session.get_first_name(), "Jana");
}

#[test]
fn the_timeout_wipes_everything_and_nothing_personal_remains() {
    let times = SessionTimes {
        idle: Duration::from_secs(60),
        warning: Duration::from_secs(20),
        logged_out: Duration::from_secs(5),
        ..SessionTimes::default()
    };
    let s = setup("demo-jana", times);
    let kiosk_store = tempfile::tempdir().unwrap();
    let store = portal_kiosk::store::Store::open_in(kiosk_store.path()).unwrap();
    log_in(&s);
    touch(&s.app, "Poplatky a platby");
    let c = s.app.global::<Citizen>();
    pump_until(&s.ui, "konto", || c.get_load() == LoadState::Ready);
    assert!(c.get_to_pay().row_count() > 0);

    // Nobody touches anything: warning, then logout, then the loop.
    for _ in 0..82 {
        i_slint_backend_testing::mock_elapsed_time(Duration::from_secs(1));
    }
    assert_eq!(screen(&s.app), ScreenId::LoggedOut);
    assert!(shows(&s.app, "Byli jste odhlášeni."));
    for _ in 0..6 {
        i_slint_backend_testing::mock_elapsed_time(Duration::from_secs(1));
    }
    assert_eq!(screen(&s.app), ScreenId::Promo);
    s.ui.pump_updates();

    // The UI's models hold nothing of Jana.
    assert_eq!(s.app.global::<Session>().get_first_name(), "");
    assert!(!s.app.global::<Session>().get_active());
    assert_eq!(c.get_to_pay().row_count(), 0);
    assert_eq!(c.get_paid().row_count(), 0);
    assert_eq!(c.get_unpaid_total(), "");
    assert_eq!(c.get_notices().row_count(), 0);
    assert_eq!(c.get_pay_vs(), "");
    assert_eq!(c.get_pay_amount(), "");
    assert_eq!(c.get_load(), LoadState::Idle);

    let jana = citizen_json("demo-jana");
    let mut personal: Vec<String> = vec![
        jana["firstName"].as_str().unwrap().into(),
        jana["lastName"].as_str().unwrap().into(),
        jana["address"].as_str().unwrap().into(),
        "900000001".into(),
        "NOVÁKOVÁ".into(),
    ];
    for o in jana["obligations"].as_array().unwrap() {
        personal.push(o["variableSymbol"].as_str().unwrap().into());
        personal.push(o["title"].as_str().unwrap().into());
    }
    // … nor do the kiosk's SQLite files …
    drop(store);
    for entry in std::fs::read_dir(kiosk_store.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for p in &personal {
            assert!(!text.contains(p.as_str()), "the store holds {p:?}");
        }
    }
    // … nor the log.
    let logged = String::from_utf8_lossy(&log().0.lock().unwrap()).to_string();
    assert!(logged.contains("citizen logged in"), "the log was captured");
    for p in &personal {
        assert!(!logged.contains(p.as_str()), "the log holds {p:?}");
    }
}

#[test]
fn pulling_the_card_during_payment_logs_out_at_once() {
    let s = setup("demo-josef", SessionTimes::default());
    log_in(&s);
    touch(&s.app, "Poplatky a platby");
    let c = s.app.global::<Citizen>();
    pump_until(&s.ui, "konto", || c.get_load() == LoadState::Ready);
    let first = rows(c.get_to_pay())
        .into_iter()
        .find(|r| r.payable)
        .unwrap();
    touch(&s.app, &format!("Zaplatit: {}", first.title));
    pump_until(&s.ui, "QR ready", || c.get_pay_state() == PayState::Ready);
    // The demo's card control (what the on-screen DEMO button calls).
    s.app.global::<Login>().invoke_demo_remove_card();
    s.ui.pump_updates();
    assert_eq!(screen(&s.app), ScreenId::LoggedOut);
    assert_eq!(c.get_pay_amount(), "");
    assert_eq!(c.get_pay_state(), PayState::Preparing);
    assert_eq!(s.app.global::<Session>().get_first_name(), "");
}

#[test]
fn a_slow_backend_shows_progress_then_a_retry() {
    let s = setup("demo-jana", SessionTimes::default());
    log_in(&s);
    admin(
        &s,
        reqwest::Method::PUT,
        "faults/me-obligations",
        Some(r#"{"fault": "delay:3000", "times": 1}"#),
    );
    touch(&s.app, "Poplatky a platby");
    let c = s.app.global::<Citizen>();
    // Progress at once, before any answer.
    assert_eq!(c.get_load(), LoadState::Loading);
    assert!(shows(&s.app, "Načítám…"));
    // The client gives up after its 2-s timeout: a retry button.
    pump_until(&s.ui, "failed", || c.get_load() == LoadState::Failed);
    touch(&s.app, "Zkusit znovu");
    pump_until(&s.ui, "loaded on retry", || {
        c.get_load() == LoadState::Ready
    });
    assert!(c.get_to_pay().row_count() > 0);
}

#[test]
fn five_hundred_obligations_load_and_scroll() {
    let s = setup("demo-podnikatel", SessionTimes::default());
    log_in(&s);
    touch(&s.app, "Poplatky a platby");
    let c = s.app.global::<Citizen>();
    pump_until(&s.ui, "konto", || c.get_load() == LoadState::Ready);
    assert_eq!(c.get_to_pay().row_count() + c.get_paid().row_count(), 500);
    let before = buttons(&s.app, "Dolů").len();
    assert!(before >= 1, "a Dolů button to scroll without dragging");
}

#[test]
fn the_payment_slip_goes_to_the_printer_and_the_screen_says_take_it() {
    let s = setup_with("demo-jana", SessionTimes::default(), true);
    log_in(&s);
    touch(&s.app, "Poplatky a platby");
    let c = s.app.global::<Citizen>();
    pump_until(&s.ui, "konto", || c.get_load() == LoadState::Ready);
    let first = rows(c.get_to_pay())
        .into_iter()
        .find(|r| r.payable)
        .unwrap();
    touch(&s.app, &format!("Zaplatit: {}", first.title));
    pump_until(&s.ui, "QR ready", || c.get_pay_state() == PayState::Ready);
    let vs = c.get_pay_vs().to_string();
    touch(&s.app, "Vytisknout platební údaje");
    pump_until(&s.ui, "printed", || {
        c.get_print_status() == portal_kiosk::ui::PrintStatus::Printed
    });
    // The slip the printer got: ESC/POS decoded back, with this payment's VS and QR.
    let bin = std::fs::read_dir(&s.slips)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "bin"))
        .expect("a slip in the preview printer");
    let decoded = portal_kiosk::receipt::decode::decode(&std::fs::read(bin).unwrap()).unwrap();
    let text = decoded.lines().join("\n");
    assert!(text.contains(&vs), "{text}");
    assert!(
        decoded
            .qr_payloads()
            .iter()
            .any(|q| q.contains(&format!("X-VS:{vs}")))
    );
    // Logging out forgets the printing state too.
    s.app.global::<Login>().invoke_demo_remove_card();
    s.ui.pump_updates();
    assert_eq!(c.get_print_status(), portal_kiosk::ui::PrintStatus::None);
}

/// A notice of the nástěnka opens in full on its own screen (it is cut short
/// on the nástěnka), steps to the next one, and stays reachable with larger
/// text, where the nástěnka may have no room for a single notice (one button
/// "Přečíst oznámení" stands in their place then).
#[test]
fn a_nastenka_notice_opens_in_full_and_larger_text_keeps_it_reachable() {
    let s = setup("demo-jana", SessionTimes::default());
    log_in(&s);
    let notices = citizen_json("demo-jana")["notices"]
        .as_array()
        .unwrap()
        .clone();
    let mut notices: Vec<(String, String, String)> = notices
        .iter()
        .map(|n| {
            (
                n["date"].as_str().unwrap().to_string(),
                n["title"].as_str().unwrap().to_string(),
                n["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    notices.sort_by(|a, b| b.0.cmp(&a.0));
    let (_, newest_title, newest_text) = notices[0].clone();
    let compact = format!("Přečíst oznámení ({})", notices.len());
    // The newest notice by its title, or the one button when none fits.
    let open_newest = |s: &Setup| {
        let by_title = buttons(&s.app, &newest_title).len();
        let by_compact = buttons(&s.app, &compact).len();
        assert_eq!(
            by_title + by_compact,
            1,
            "the notices are reachable (title {by_title}, one button {by_compact})"
        );
        touch(
            &s.app,
            if by_title == 1 {
                &newest_title
            } else {
                &compact
            },
        );
        assert_eq!(screen(&s.app), ScreenId::DashboardNotice);
        assert!(shows(&s.app, &newest_title));
        assert!(shows(&s.app, &newest_text), "the whole text");
    };
    open_newest(&s);
    assert!(shows(&s.app, &format!("1 z {}", notices.len())));
    touch(&s.app, "Další oznámení");
    assert!(shows(&s.app, &notices[1].1));
    assert!(shows(&s.app, &notices[1].2));
    touch(&s.app, "Zpět");
    assert_eq!(screen(&s.app), ScreenId::Dashboard);
    let c = s.app.global::<Citizen>();
    pump_until(&s.ui, "nástěnka loaded again", || {
        c.get_load() == LoadState::Ready
    });

    touch(&s.app, "Větší písmo");
    open_newest(&s);
    touch(&s.app, "Zpět");
    touch(&s.app, "Odhlásit se");
    pump_until(&s.ui, "logged out", || {
        screen(&s.app) == ScreenId::LoggedOut
    });
    let board = s.app.global::<portal_kiosk::ui::Board>();
    assert_eq!(
        board.get_dashboard_title(),
        "",
        "the notice is gone with the session"
    );
    assert_eq!(board.get_dashboard_text(), "");
}
