//! The privacy scan (issue 12): the kiosk's flows run with TRACE logging of the
//! kiosk *and its dependencies* (reqwest, hyper, rustls, h2… through `log` and
//! `tracing`), its data directory, temporary directory and print queue on disk
//! as in service; afterwards every file there — the log included — is searched
//! for every personal string of the demo citizens (names, birth numbers,
//! document numbers, addresses, e-mails, variable symbols, amounts, obligation
//! titles of their own). None may be found once the sessions have ended.
//!
//! Flows: an eObčanka login (the demo card, the development portal over
//! loopback), nástěnka, konto, a payment with its QR code, the payment slip on
//! a TCP printer that is out of paper (the slip must never come out later), the
//! printer back and the slip printed, a backend 4xx whose problem text names
//! the citizen, a redirect, the card pulled; then the counter: staff login,
//! a payer looked up by variable symbol, a payment slip, logout; then a phone
//! login (issue 15): the code approved at the backend, the nástěnka and the
//! konto, logout, the view models emptied.
//!
//! One test in its own binary: it owns the process's log subscriber and TMPDIR.

mod support;

#[path = "support/test_printer.rs"]
mod test_printer;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use portal_kiosk::card::demo::DemoCard;
use portal_kiosk::card::testcards;
use portal_kiosk::config::Mode;
use portal_kiosk::kiosk::SessionTimes;
use portal_kiosk::login::{CardLogin, CardSource};
use portal_kiosk::promo::Playlist;
use portal_kiosk::ui::{
    Citizen, Flow, LoadState, Login, LoginStage, PayState, PrintStatus, ScreenId,
};
use slint::{ComponentHandle, Model};
use support::*;
use test_printer::{Scripted, test_printer};

/// The log file every subscriber line goes to.
#[derive(Clone)]
struct LogFile(Arc<Mutex<std::fs::File>>);

impl Write for LogFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.lock().unwrap().flush()
    }
}

/// Every personal string of every demo citizen, as the backend holds them and
/// as the kiosk would show or print them.
fn personal_strings() -> Vec<String> {
    let doc: serde_json::Value =
        serde_json::from_str(include_str!("../assets/seed/citizens.json")).unwrap();
    let mut out: Vec<String> = Vec::new();
    let mut add = |s: &str| {
        let s = s.trim();
        // Short strings (a period "2026", an empty symbol) are not personal and
        // would be found in any file.
        if s.chars().count() >= 5 && !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    };
    for c in doc["citizens"].as_array().unwrap() {
        let first = c["firstName"].as_str().unwrap_or_default();
        let last = c["lastName"].as_str().unwrap_or_default();
        add(last);
        add(&format!("{first} {last}"));
        add(&last.to_uppercase());
        add(c["address"].as_str().unwrap_or_default());
        if let Some(subject) = c["certificateSubject"].as_str() {
            for part in subject.split(',') {
                if let Some(cn) = part.trim().strip_prefix("CN=") {
                    add(cn);
                }
                if let Some(serial) = part.trim().strip_prefix("SERIALNUMBER=") {
                    add(serial);
                }
            }
        }
        for (_, v) in c["watchdog"]["channels"].as_object().into_iter().flatten() {
            add(v.as_str().unwrap_or_default());
        }
        for o in c["obligations"].as_array().into_iter().flatten() {
            add(o["variableSymbol"].as_str().unwrap_or_default());
            // Amounts as the backend sends them and as screens and slips show them.
            let amount = o["amountCzk"].as_str().unwrap_or_default();
            if let Some((crowns, hellers)) = amount.split_once('.') {
                let crowns: i64 = crowns.parse().unwrap_or(0);
                // Round figures ("500.00") are everywhere; only distinctive ones count.
                if crowns >= 1000 || hellers != "00" {
                    add(amount);
                    add(&format!("{crowns},{hellers} Kč"));
                }
            }
        }
        for s in c["submissions"].as_array().into_iter().flatten() {
            add(s["stateText"].as_str().unwrap_or_default());
        }
    }
    // The demo cards: document numbers, birth numbers and names on the chip.
    for card in testcards::TEST_CITIZENS.iter() {
        add(card.document_number);
    }
    out
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn screen(s: &Kiosk) -> ScreenId {
    s.app.global::<Flow>().get_screen()
}

struct Kiosk {
    app: portal_kiosk::ui::AppWindow,
    ui: portal_kiosk::ui::KioskUi,
}

/// Lets mock time run while pumping (the 1-s tick polls payments and printers).
fn pump_ticking(k: &Kiosk, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(std::time::Instant::now() < deadline, "timed out: {what}");
        i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(500));
        k.ui.pump_updates();
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn counter_flow(
    client: Arc<portal_kiosk::portal::PortalClient>,
    data: &Path,
    printer: &str,
    vs: &str,
) {
    let card = DemoCard::new(testcards::citizen("demo-jana").unwrap());
    let login = CardLogin::new(
        runtime().handle().clone(),
        client,
        Box::new(card.signer()),
        CardSource::Off,
    )
    .unwrap()
    .with_staff(portal_kiosk::staff::StaffLockout::open(data).unwrap());
    let print = portal_kiosk::printing::PrintService::start(
        portal_kiosk::receipt::printer::PrinterUri::parse(&format!("tcp://{printer}")).unwrap(),
        portal_kiosk::receipt::profiles::profile("epson-tm-t88").unwrap(),
        portal_kiosk::receipt::SlipOrigin::new(
            "lt-prepazka-01",
            &portal_kiosk::config::KioskConfig::embedded_default()
                .unwrap()
                .town,
        ),
        data.to_path_buf(),
    )
    .unwrap();
    let (app, ui) = kiosk_full(
        Mode::Counter,
        Playlist::demo(Duration::from_secs(8)),
        login.into_adapters(),
        SessionTimes::default(),
        Some(print),
    );
    let k = Kiosk { app, ui };
    assert_eq!(screen(&k), ScreenId::StaffLogin);
    for d in portal_kiosk::devportal::DEMO_STAFF_PIN.chars() {
        touch(&k.app, &d.to_string());
    }
    touch(&k.app, "Potvrdit");
    pump_until(&k.ui, "the counter", || screen(&k) == ScreenId::Counter);
    for d in vs.chars() {
        touch(&k.app, &d.to_string());
    }
    touch(&k.app, "Vyhledat");
    let staff = k.app.global::<portal_kiosk::ui::Staff>();
    pump_until(&k.ui, "lookup", || staff.get_lookup() == LoadState::Ready);
    let c = k.app.global::<Citizen>();
    let first = c
        .get_to_pay()
        .iter()
        .find(|r| r.payable)
        .expect("a payable obligation");
    touch(&k.app, &format!("Zaplatit: {}", first.title));
    pump_until(&k.ui, "QR", || c.get_pay_state() == PayState::Ready);
    touch(&k.app, "Vytisknout platební údaje");
    pump_until(&k.ui, "printed", || {
        c.get_print_status() == PrintStatus::Printed
    });
    touch(&k.app, "Zavřít");
    touch(&k.app, "Zpět");
    touch(&k.app, "Odhlásit se");
    pump_until(&k.ui, "logged out", || screen(&k) != ScreenId::Counter);
    assert_eq!(staff.get_payer_name(), "");
}

/// A phone login (RFC 8628) of another demo citizen on the demo kiosk: the
/// code approved at the backend, the nástěnka, the konto, "Odhlásit se", back
/// to the loop; afterwards nothing of the citizen is left in the view models.
fn phone_flow(
    client: Arc<portal_kiosk::portal::PortalClient>,
    portal: std::net::SocketAddr,
    admin_token: String,
) {
    let card = DemoCard::new(testcards::citizen("demo-jana").unwrap());
    let login = CardLogin::new(
        runtime().handle().clone(),
        client.clone(),
        Box::new(card.signer()),
        CardSource::Off,
    )
    .unwrap();
    let phone = portal_kiosk::phone_login::PhoneLogin::new(
        runtime().handle().clone(),
        client,
        login.tokens(),
    )
    .with_poll_floor(Duration::from_secs(1));
    let (app, ui) = kiosk_full(
        Mode::Kiosk,
        Playlist::demo(Duration::from_secs(8)),
        login.into_adapters().with_phone(phone),
        SessionTimes::default(),
        None,
    );
    let k = Kiosk { app, ui };
    k.app.global::<Flow>().invoke_touch();
    settle();
    touch(&k.app, "Přihlásit se občankou");
    touch(&k.app, "Přihlásit se telefonem");
    let phone = k.app.global::<portal_kiosk::ui::Phone>();
    pump_until(&k.ui, "the code", || {
        phone.get_stage() == portal_kiosk::ui::PhoneStage::Code
    });
    let user_code = phone.get_user_code().to_string();
    let status = runtime().block_on(async {
        reqwest::Client::new()
            .post(format!("http://{portal}/admin/v1/auth/device"))
            .bearer_auth(&admin_token)
            .json(&serde_json::json!({"userCode": user_code, "decision": "approve", "citizenId": "demo-tereza"}))
            .send()
            .await
            .unwrap()
            .status()
    });
    assert_eq!(status, 204);
    let c = k.app.global::<Citizen>();
    pump_until(&k.ui, "nástěnka by phone", || {
        screen(&k) == ScreenId::Dashboard && c.get_load() == LoadState::Ready
    });
    let session = k.app.global::<portal_kiosk::ui::Session>();
    assert!(!session.get_confirm_name().is_empty());
    touch(&k.app, "Poplatky a platby");
    pump_until(&k.ui, "konto by phone", || {
        screen(&k) == ScreenId::Obligations && c.get_load() == LoadState::Ready
    });
    assert!(c.get_to_pay().row_count() + c.get_paid().row_count() > 0);
    touch(&k.app, "Odhlásit se");
    assert_eq!(screen(&k), ScreenId::LoggedOut);
    pump_ticking(&k, "back on the loop", || screen(&k) == ScreenId::Promo);
    assert_eq!(session.get_first_name(), "");
    assert_eq!(session.get_confirm_name(), "");
    assert_eq!(phone.get_user_code(), "");
    assert_eq!(c.get_to_pay().row_count(), 0);
    assert_eq!(c.get_paid().row_count(), 0);
    assert_eq!(c.get_notices().row_count(), 0);
    assert!(k.ui.view().session.is_none());
}

#[test]
fn nothing_personal_is_left_on_disk_or_in_the_trace_log() {
    // The scanned places: the kiosk's data directory, its temporary directory
    // and its log. The development portal (the town's backend) keeps its own
    // database elsewhere: holding citizens' data is its job.
    let root = tempfile::tempdir().unwrap();
    let backend_dir = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let tmp = root.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    // SAFETY: set before this test starts any thread of its own; the harness's
    // threads do not read the environment.
    unsafe { std::env::set_var("TMPDIR", &tmp) };
    let log_path = root.path().join("kiosk.log");
    let log = LogFile(Arc::new(Mutex::new(
        std::fs::File::create(&log_path).unwrap(),
    )));
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("trace"))
        .with_ansi(false)
        .with_writer(move || log.clone())
        .init();

    let (portal, client) = portal_and_client(backend_dir.path());
    let printer = test_printer(Scripted::PaperEnd);
    let print = portal_kiosk::printing::PrintService::start(
        portal_kiosk::receipt::printer::PrinterUri::parse(&format!("tcp://{}", printer.addr))
            .unwrap(),
        portal_kiosk::receipt::profiles::profile("epson-tm-t20").unwrap(),
        portal_kiosk::receipt::SlipOrigin::new(
            "lt-test-01",
            &portal_kiosk::config::KioskConfig::embedded_default()
                .unwrap()
                .town,
        ),
        data.clone(),
    )
    .unwrap();

    // ---------------------------------------------------------------- the card
    let card = DemoCard::new(testcards::citizen("demo-jana").unwrap());
    let login = CardLogin::new(
        runtime().handle().clone(),
        client.clone(),
        Box::new(card.signer()),
        CardSource::Demo(card.clone()),
    )
    .unwrap();
    let (app, ui) = kiosk_full(
        Mode::Kiosk,
        Playlist::demo(Duration::from_secs(8)),
        login.into_adapters(),
        SessionTimes::default(),
        Some(print),
    );
    let k = Kiosk { app, ui };
    k.app.global::<Flow>().invoke_touch();
    settle();
    touch(&k.app, "Přihlásit se občankou");
    touch(&k.app, "DEMO: vložit kartu");
    pump_until(&k.ui, "PIN pad", || {
        k.app.global::<Login>().get_stage() == LoginStage::Pin
    });
    for d in card.citizen().pin.chars() {
        touch(&k.app, &d.to_string());
    }
    touch(&k.app, "Potvrdit");
    let c = k.app.global::<Citizen>();
    pump_until(&k.ui, "nástěnka", || {
        screen(&k) == ScreenId::Dashboard && c.get_load() == LoadState::Ready
    });
    touch(&k.app, "Poplatky a platby");
    pump_until(&k.ui, "konto", || {
        screen(&k) == ScreenId::Obligations && c.get_load() == LoadState::Ready
    });
    let first = c
        .get_to_pay()
        .iter()
        .find(|r| r.payable)
        .expect("a payable obligation");
    touch(&k.app, &format!("Zaplatit: {}", first.title));
    pump_until(&k.ui, "QR", || c.get_pay_state() == PayState::Ready);
    let vs = c.get_pay_vs().to_string();
    assert!(!vs.is_empty());

    // Out of paper: the slip is not printed, and is said so.
    touch(&k.app, "Vytisknout platební údaje");
    pump_until(&k.ui, "paper out", || {
        c.get_print_status() == PrintStatus::PaperEnd
    });
    touch(&k.app, "Zavřít");

    // The citizen leaves; the roll is changed; nothing may come out now.
    k.app.global::<Login>().invoke_demo_remove_card();
    k.ui.pump_updates();
    assert_eq!(screen(&k), ScreenId::LoggedOut);
    *printer.state.lock().unwrap() = Scripted::Ready;
    pump_ticking(&k, "back on the loop", || screen(&k) == ScreenId::Promo);
    std::thread::sleep(Duration::from_millis(500));
    k.ui.pump_updates();
    let printed = String::from_utf8_lossy(&printer.received.lock().unwrap()).to_string();
    assert!(
        !printed.contains(&vs),
        "the slip of a citizen who left came out for the next one"
    );

    drop(k);

    // ---------------------------------------------------------------- the counter
    // Another window on its own thread (the testing backend is per thread):
    // the demo counter's token, the staff PIN checked by the backend, a payer
    // looked up by the variable symbol, the payment slip printed, logout.
    let counter_client = client_with(&portal, portal_kiosk::devportal::DEMO_COUNTER_TOKEN);
    let counter_data = data.clone();
    let counter_printer = printer.addr.clone();
    let counter_vs = vs.clone();
    std::thread::spawn(move || {
        counter_flow(
            std::sync::Arc::new(counter_client),
            &counter_data,
            &counter_printer,
            &counter_vs,
        )
    })
    .join()
    .expect("the counter flow");
    assert!(
        String::from_utf8_lossy(&printer.received.lock().unwrap()).contains(&vs),
        "the counter's slip was printed"
    );

    // ---------------------------------------------------------------- the phone
    // A phone login on the demo kiosk, its window on a thread of its own too.
    admin(
        runtime(),
        &portal,
        reqwest::Method::PUT,
        "auth/device",
        Some(r#"{"intervalSeconds": 1}"#),
    );
    let phone_client = client.clone();
    let (addr, admin_token) = (portal.addr, portal.state.admin_token().to_string());
    std::thread::spawn(move || phone_flow(phone_client, addr, admin_token))
        .join()
        .expect("the phone flow");

    // ---------------------------------------------------------------- the scan
    drop(portal);
    std::thread::sleep(Duration::from_millis(300));
    let personal = personal_strings();
    assert!(personal.len() > 40, "{personal:?}");
    let mut files = Vec::new();
    files_under(root.path(), &mut files);
    assert!(
        files.iter().any(|f| f.starts_with(&data)),
        "the kiosk wrote its data directory"
    );
    let logged = std::fs::read_to_string(&log_path).unwrap();
    assert!(logged.contains("citizen logged in"), "the log was captured");
    assert!(
        logged.contains("phone login: citizen logged in"),
        "the phone flow ran and was logged"
    );
    assert!(
        logged.contains("TRACE"),
        "dependencies logged at TRACE as well"
    );
    let mut found = Vec::new();
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for p in &personal {
            if text.contains(p.as_str()) {
                let at = text.find(p.as_str()).unwrap();
                let from = text.floor_char_boundary(at.saturating_sub(80));
                let to = text.ceil_char_boundary((at + p.len() + 40).min(text.len()));
                found.push(format!(
                    "{}: {p:?} in …{}…",
                    file.display(),
                    &text[from..to]
                ));
            }
        }
    }
    eprintln!(
        "privacy scan: {} personal strings searched in {} files ({} bytes of log)",
        personal.len(),
        files.len(),
        logged.len()
    );
    if std::env::var_os("PRIVACY_SCAN_KEEP").is_some() {
        let kept = Path::new(env!("CARGO_TARGET_TMPDIR")).join("privacy-scan-kept");
        let _ = std::fs::remove_dir_all(&kept);
        std::fs::create_dir_all(&kept).unwrap();
        std::fs::copy(&log_path, kept.join("kiosk.log")).unwrap();
        for f in &files {
            eprintln!("scanned {}", f.display());
        }
    }
    assert!(
        found.is_empty(),
        "personal data found:\n{}",
        found.join("\n")
    );
}
