//! The counter (mode = "counter") end to end: staff PINs checked by the
//! development portal (a staff member registered there with an argon2id hash,
//! allowed at the demo counter), its `/staff/…` endpoints on loopback, the
//! kiosk's lockout in its data directory, and a preview printer whose ESC/POS
//! bytes are decoded back. The window is walked by accessible labels, as a
//! screen reader would: staff PIN → lookup by variable symbol → pay → QR →
//! print → reprint → test page → logout; wrong PINs and the lockout (also after
//! a restart); the staff session's idle timeout; a backend that fails the
//! login; a kiosk the backend does not know as a counter.

mod support;

use std::cell::Cell;
use std::rc::Rc;
use std::sync::OnceLock;
use std::time::Duration;

use portal_kiosk::card::demo::DemoCard;
use portal_kiosk::card::testcards;
use portal_kiosk::config::Mode;
use portal_kiosk::devportal::{
    DEMO_COUNTER_ID, DEMO_COUNTER_TOKEN, DEMO_KIOSK_TOKEN, RunningPortal,
};
use portal_kiosk::kiosk::SessionTimes;
use portal_kiosk::login::{CardLogin, CardSource};
use portal_kiosk::promo::Playlist;
use portal_kiosk::staff::StaffLockout;
use portal_kiosk::ui::{AppWindow, Citizen, Flow, KioskUi, LoadState, PayState, ScreenId, Staff};
use slint::{ComponentHandle, Model};
use support::*;

const PIN: &str = "246810";
const NAME: &str = "Přepážka 2";

/// The staff member's PIN hash, for the portal's staff records; the hash is
/// slow on purpose: made once per test binary.
fn pin_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| portal_kiosk::staff::hash_pin(PIN.as_bytes()).unwrap())
}

struct Setup {
    app: AppWindow,
    ui: KioskUi,
    portal: RunningPortal,
    slips: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

fn setup(session: SessionTimes) -> Setup {
    setup_with(session, true, DEMO_COUNTER_TOKEN)
}

/// `staff`: whether the staff login could be set up on the kiosk; `token`:
/// the kiosk's (the demo counter's, or a station's).
fn setup_with(session: SessionTimes, staff: bool, token: &str) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let (portal, client) = portal_and_client_as(dir.path(), token);
    portal
        .state
        .add_staff_member("st-test-2", NAME, pin_hash(), &[DEMO_COUNTER_ID])
        .unwrap();
    let data_dir = dir.path().join("kiosk-data");
    // The counter has no reader here; the signer is never asked.
    let card = DemoCard::new(testcards::citizen("demo-jana").unwrap());
    let login = CardLogin::new(
        runtime().handle().clone(),
        client,
        Box::new(card.signer()),
        CardSource::Off,
    )
    .unwrap();
    let login = if staff {
        login.with_staff(StaffLockout::open(&data_dir).unwrap())
    } else {
        login
    };
    let slips = dir.path().join("slips");
    let printer = portal_kiosk::printing::PrintService::start(
        portal_kiosk::receipt::printer::PrinterUri::parse(&format!("preview:{}", slips.display()))
            .unwrap(),
        portal_kiosk::receipt::profiles::profile("epson-tm-t88").unwrap(),
        portal_kiosk::receipt::SlipOrigin::new(
            "lt-counter-01",
            &portal_kiosk::config::KioskConfig::embedded_default()
                .unwrap()
                .town,
        ),
        data_dir,
    )
    .unwrap();
    let (app, ui) = kiosk_full(
        Mode::Counter,
        Playlist::demo(Duration::from_secs(8)),
        login.into_adapters(),
        session,
        Some(printer),
    );
    Setup {
        app,
        ui,
        portal,
        slips,
        _dir: dir,
    }
}

fn screen(app: &AppWindow) -> ScreenId {
    app.global::<Flow>().get_screen()
}

fn type_digits(app: &AppWindow, digits: &str) {
    for d in digits.chars() {
        touch(app, &d.to_string());
    }
}

fn log_in(s: &Setup) {
    assert_eq!(screen(&s.app), ScreenId::StaffLogin);
    type_digits(&s.app, PIN);
    touch(&s.app, "Potvrdit");
    pump_until(&s.ui, "the counter", || screen(&s.app) == ScreenId::Counter);
}

/// The slips the preview printer got, oldest first: (file name, bytes).
fn slips(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut found: Vec<_> = std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "bin"))
                .collect()
        })
        .unwrap_or_else(|_| Vec::new());
    // "<kind>-<UTC time>.bin": in the order printed.
    found.sort_by_key(|p| {
        let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
        stem.split_once('-')
            .map(|(_, t)| t.to_string())
            .unwrap_or(stem)
    });
    found
        .into_iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

fn slip_text(bytes: &[u8]) -> String {
    portal_kiosk::receipt::decode::decode(bytes)
        .unwrap()
        .lines()
        .join("\n")
}

fn rows(
    model: slint::ModelRc<portal_kiosk::ui::ObligationRow>,
) -> Vec<portal_kiosk::ui::ObligationRow> {
    model.iter().collect()
}

#[test]
fn staff_look_up_a_payer_pay_print_reprint_and_log_out() {
    let s = setup(SessionTimes::default());
    let staff = s.app.global::<Staff>();
    let c = s.app.global::<Citizen>();
    assert_eq!(
        staff.get_reader_state(),
        portal_kiosk::ui::ReaderState::None,
        "this counter has no reader"
    );
    log_in(&s);
    assert_eq!(staff.get_name(), NAME);
    assert!(shows(&s.app, &format!("Přepážka · {NAME}")));
    // The printer was asked how it is (a preview printer cannot tell).
    pump_until(&s.ui, "printer state", || {
        staff.get_printer_state() != portal_kiosk::ui::PrinterStatus::Asking
    });
    assert_eq!(
        staff.get_printer_state(),
        portal_kiosk::ui::PrinterStatus::Unknown
    );
    assert!(shows(&s.app, "Tiskárna: stav nelze zjistit"));

    // Jana's waste fee by its variable symbol: the VS is shown as typed.
    type_digits(&s.app, "1100012011");
    assert_eq!(staff.get_vs(), "1100012011");
    assert!(shows(&s.app, "Variabilní symbol: 1100012011"));
    // The eleventh digit does not fit a VS.
    touch(&s.app, "5");
    assert_eq!(staff.get_vs(), "1100012011");
    touch(&s.app, "Vyhledat");
    assert_eq!(staff.get_lookup(), LoadState::Loading);
    pump_until(&s.ui, "lookup", || staff.get_lookup() == LoadState::Ready);
    assert_eq!(staff.get_payer_name(), "Jana Nováková");
    assert_eq!(staff.get_paid_count(), 6);
    let to_pay = rows(c.get_to_pay());
    assert_eq!(to_pay.len(), 1);
    assert_eq!(to_pay[0].title, "Poplatek za komunální odpad 2026");

    // Pay: the QR code on screen carries this VS.
    touch(&s.app, "Zaplatit: Poplatek za komunální odpad 2026");
    assert_eq!(screen(&s.app), ScreenId::Pay);
    pump_until(&s.ui, "payment ready", || {
        c.get_pay_state() == PayState::Ready
    });
    assert_eq!(c.get_pay_vs(), "1100012011");
    let qr = c.get_pay_qr().to_rgb8().unwrap();
    let gray = image::GrayImage::from_fn(qr.width(), qr.height(), |x, y| {
        let p = qr.as_slice()[(y * qr.width() + x) as usize];
        image::Luma([p.r])
    });
    let decoded = portal_kiosk::payment::read_qr_codes(&gray);
    assert_eq!(decoded.len(), 1);
    assert!(decoded[0].contains("X-VS:1100012011"), "{}", decoded[0]);

    // Print the payment slip: it reaches the printer, decoded back.
    touch(&s.app, "Vytisknout platební údaje");
    pump_until(&s.ui, "printed", || {
        c.get_print_status() == portal_kiosk::ui::PrintStatus::Printed
    });
    let printed = slips(&s.slips);
    assert_eq!(printed.len(), 1);
    let text = slip_text(&printed[0].1);
    assert!(text.contains("1100012011"), "{text}");
    assert!(text.contains("900,00 Kč"), "{text}");
    assert_eq!(staff.get_reprint_count(), 1);
    touch(&s.app, "Zavřít");

    // The payer pays; the screen follows (polled every 3 s) and prints the proof.
    admin(
        runtime(),
        &s.portal,
        reqwest::Method::PUT,
        "payments",
        Some(r#"{"autoPaySeconds": 0}"#),
    );
    i_slint_backend_testing::mock_elapsed_time(Duration::from_secs(3));
    s.ui.dispatch(portal_kiosk::kiosk::KioskEvent::Tick);
    pump_until(&s.ui, "paid", || c.get_pay_state() == PayState::Paid);
    assert!(shows(&s.app, "Zaplaceno"));
    touch(&s.app, "Vytisknout potvrzení o zaplacení");
    pump_until(&s.ui, "proof printed", || slips(&s.slips).len() == 2);
    let proof = slip_text(&slips(&s.slips)[1].1);
    assert!(proof.contains("Potvrzení o zaplacení"), "{proof}");
    assert!(proof.contains("900,00 Kč"), "{proof}");
    assert!(proof.contains(&chrono::Local::now().format("%-d. %-m. %Y").to_string()));
    pump_until(&s.ui, "proof reported", || {
        c.get_print_status() == portal_kiosk::ui::PrintStatus::Printed
    });
    assert_eq!(staff.get_reprint_count(), 2);
    touch(&s.app, "Zavřít");

    // Back at the desk: the last slip again, byte for byte.
    touch(&s.app, "Zpět na přepážku");
    assert_eq!(screen(&s.app), ScreenId::Counter);
    touch(&s.app, "Vytisknout znovu");
    pump_until(&s.ui, "reprinted", || slips(&s.slips).len() == 3);
    pump_until(&s.ui, "reprint reported", || {
        staff.get_print_status() == portal_kiosk::ui::PrintStatus::Printed
    });
    let printed = slips(&s.slips);
    assert_eq!(printed[2].1, printed[1].1);
    // The service screen: the test page, and "Synchronizovat nyní" wakes the sync.
    let synced = Rc::new(Cell::new(0));
    let count = synced.clone();
    s.ui.on_sync_now(move || count.set(count.get() + 1));
    touch(&s.app, "Servis");
    assert_eq!(screen(&s.app), ScreenId::Service);
    assert!(shows(&s.app, "Tiskárna:"));
    // Nothing waits for the printer: nothing to print or cancel.
    pump_until(&s.ui, "queue state", || shows(&s.app, "žádné"));
    assert_eq!(
        buttons(&s.app, "Zrušit čekající")[0].accessible_enabled(),
        Some(false)
    );
    touch(&s.app, "Zkušební tisk");
    pump_until(&s.ui, "test page", || slips(&s.slips).len() == 4);
    assert!(slip_text(&slips(&s.slips)[3].1).contains("Zkušební tisk"));
    touch(&s.app, "Synchronizovat nyní");
    assert_eq!(synced.get(), 1);
    assert!(staff.get_sync_requested());
    // Asked once: the button waits for the sync to report.
    assert_eq!(
        buttons(&s.app, "Synchronizovat nyní")[0].accessible_enabled(),
        Some(false)
    );
    touch(&s.app, "Zpět");
    assert_eq!(screen(&s.app), ScreenId::Counter);

    // A symbol nobody has: said so, and the previous payer is gone from the screen.
    for _ in 0..10 {
        touch(&s.app, "Smazat");
    }
    assert_eq!(staff.get_vs(), "");
    type_digits(&s.app, "999");
    touch(&s.app, "Vyhledat");
    assert_eq!(staff.get_payer_name(), "");
    assert!(rows(c.get_to_pay()).is_empty());
    pump_until(&s.ui, "no payer", || staff.get_lookup() == LoadState::Ready);
    assert!(shows(
        &s.app,
        "Variabilní symbol 999 nepatří žádnému plátci."
    ));

    // Log out: nothing of the payer or the staff member is left in the UI.
    type_digits(&s.app, "1");
    touch(&s.app, "Odhlásit se");
    assert_eq!(screen(&s.app), ScreenId::LoggedOut);
    assert!(shows(&s.app, "Údaje plátců byly z obrazovky smazány."));
    assert!(!shows(&s.app, "Nezapomeňte si kartu."));
    assert_eq!(staff.get_vs(), "");
    assert_eq!(staff.get_name(), "");
    assert_eq!(staff.get_payer_name(), "");
    assert_eq!(staff.get_reprint_count(), 0);
    assert!(rows(c.get_to_pay()).is_empty());
    assert_eq!(c.get_pay_vs(), "");
    // The next one starts at the staff login.
    i_slint_backend_testing::mock_elapsed_time(SessionTimes::default().logged_out);
    s.ui.dispatch(portal_kiosk::kiosk::KioskEvent::Tick);
    assert_eq!(screen(&s.app), ScreenId::StaffLogin);
    // Reprinting needs a staff session: nothing more is printed.
    assert_eq!(slips(&s.slips).len(), 4);
}

#[test]
fn wrong_staff_pins_count_down_and_lock_the_login() {
    let s = setup(SessionTimes::default());
    let staff = s.app.global::<Staff>();
    // "Potvrdit" waits for six digits.
    type_digits(&s.app, "11111");
    let confirm = buttons(&s.app, "Potvrdit");
    assert_eq!(confirm.len(), 1);
    assert_eq!(confirm[0].accessible_enabled(), Some(false));
    for left in (1..=4).rev() {
        type_digits(&s.app, "1");
        touch(&s.app, "Potvrdit");
        assert!(staff.get_verifying());
        assert_eq!(staff.get_pin_length(), 0);
        pump_until(&s.ui, "wrong PIN", || {
            staff.get_wrong_attempts_left() == left
        });
        assert!(shows(
            &s.app,
            &format!("Nesprávný PIN. Zbývající pokusy před zablokováním: {left}")
        ));
        type_digits(&s.app, "11111");
    }
    type_digits(&s.app, "1");
    touch(&s.app, "Potvrdit");
    pump_until(&s.ui, "locked", || staff.get_locked_seconds() > 0);
    assert!(staff.get_locked_seconds() <= 60);
    assert_eq!(screen(&s.app), ScreenId::StaffLogin);
    // Locked: even the right PIN cannot be confirmed.
    type_digits(&s.app, PIN);
    let confirm = buttons(&s.app, "Potvrdit");
    assert_eq!(confirm[0].accessible_enabled(), Some(false));
    assert!(s.ui.view().session.is_none());
}

#[test]
fn a_staff_session_times_out_after_the_warning() {
    let times = SessionTimes {
        idle: Duration::from_secs(60),
        warning: Duration::from_secs(20),
        logged_out: Duration::from_secs(5),
        ..SessionTimes::default()
    };
    let s = setup(times);
    let staff = s.app.global::<Staff>();
    log_in(&s);
    type_digits(&s.app, "1100012011");
    touch(&s.app, "Vyhledat");
    pump_until(&s.ui, "lookup", || staff.get_lookup() == LoadState::Ready);
    // The warning, and "Pokračovat" keeps the session.
    i_slint_backend_testing::mock_elapsed_time(times.idle);
    s.ui.dispatch(portal_kiosk::kiosk::KioskEvent::Tick);
    settle();
    assert!(shows(&s.app, "Pokračovat"));
    touch(&s.app, "Pokračovat");
    assert_eq!(screen(&s.app), ScreenId::Counter);
    // Left alone: logged out, the payer wiped, then the staff login again.
    i_slint_backend_testing::mock_elapsed_time(times.idle + times.warning);
    s.ui.dispatch(portal_kiosk::kiosk::KioskEvent::Tick);
    assert_eq!(screen(&s.app), ScreenId::LoggedOut);
    assert_eq!(staff.get_payer_name(), "");
    assert!(rows(s.app.global::<Citizen>().get_to_pay()).is_empty());
    i_slint_backend_testing::mock_elapsed_time(times.logged_out);
    s.ui.dispatch(portal_kiosk::kiosk::KioskEvent::Tick);
    assert_eq!(screen(&s.app), ScreenId::StaffLogin);
}

#[test]
fn a_counter_whose_staff_login_could_not_start_says_so_before_anyone_types() {
    let s = setup_with(SessionTimes::default(), false, DEMO_COUNTER_TOKEN);
    assert!(shows(
        &s.app,
        "Přihlášení obsluhy na tomto kiosku nefunguje. Obraťte se prosím na správce kiosku (podporaportal@litomerice.cz)."
    ));
    type_digits(&s.app, PIN);
    assert_eq!(
        buttons(&s.app, "Potvrdit")[0].accessible_enabled(),
        Some(false)
    );
    assert_eq!(screen(&s.app), ScreenId::StaffLogin);
}

#[test]
fn a_failing_backend_says_so_and_the_next_try_logs_in() {
    let s = setup(SessionTimes::default());
    let staff = s.app.global::<Staff>();
    admin(
        runtime(),
        &s.portal,
        reqwest::Method::PUT,
        "faults/staff-login",
        Some(r#"{"fault": "status:503", "times": 1}"#),
    );
    type_digits(&s.app, PIN);
    touch(&s.app, "Potvrdit");
    pump_until(&s.ui, "service error", || staff.get_service_error());
    assert!(shows(
        &s.app,
        "Přihlášení se nepodařilo: portál neodpovídá. Zkuste to prosím znovu."
    ));
    assert_eq!(screen(&s.app), ScreenId::StaffLogin);
    log_in(&s);
    assert_eq!(staff.get_name(), NAME);
}

#[test]
fn a_kiosk_the_backend_does_not_know_as_a_counter_says_so() {
    // A station kiosk's token, set up as a counter: the backend refuses it.
    let s = setup_with(SessionTimes::default(), true, DEMO_KIOSK_TOKEN);
    let staff = s.app.global::<Staff>();
    type_digits(&s.app, PIN);
    touch(&s.app, "Potvrdit");
    pump_until(&s.ui, "refused", || staff.get_not_a_counter());
    assert!(shows(
        &s.app,
        "Tento kiosk není v portálu zaregistrován jako přepážka, obsluha se na něm nemůže přihlásit. Obraťte se prosím na správce kiosku (podporaportal@litomerice.cz)."
    ));
    assert_eq!(screen(&s.app), ScreenId::StaffLogin);
    assert!(s.ui.view().session.is_none());
    assert!(!staff.get_service_error());
    assert_eq!(staff.get_wrong_attempts_left(), -1);
    // Typing again clears the message.
    type_digits(&s.app, "1");
    assert!(!staff.get_not_a_counter());
}
