//! The UI thread's worst stall while a payment slip prints (issue 11, item 5:
//! target ≤ 16 ms, one frame at 60 Hz). The real window on Slint's headless
//! testing backend, the development portal on loopback, the demo card's login,
//! a raster-QR printer profile (`xprinter-58`) and a `preview:` printer in a
//! temporary directory; then, on the payment screen, "Vytisknout platební
//! údaje" is touched n times.
//!
//! Measured on the UI thread only: the touch (the button's callback runs inside
//! it) and every `pump_updates` call until the printer's report is applied (the
//! status says "printed" and the preview is on screen); the sleeps between pumps
//! are the UI thread being free. A stall is the longest single call of one print.
//! Only the public API the UI tests use (labels, `KioskUi`), so the bench
//! survives a rewrite of the UI's insides. Last, the picture's two steps timed
//! apart: drawing it from the bytes (the printer thread's work) and wrapping the
//! pixels in an image and showing it (all the UI thread does with it).
//!
//! Run: `cargo bench --bench ui_stall` (n = 25; `UI_STALL_N` for another n).

use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use i_slint_backend_testing::{AccessibleRole, ElementHandle};
use portal_kiosk::card::demo::DemoCard;
use portal_kiosk::card::testcards;
use portal_kiosk::config::Mode;
use portal_kiosk::i18n::Language;
use portal_kiosk::kiosk::{KioskSettings, SessionTimes};
use portal_kiosk::login::{CardLogin, CardSource};
use portal_kiosk::promo::Playlist;
use portal_kiosk::ui::{
    AppWindow, Citizen, Clock, Flow, KioskIdentity, KioskUi, LoadState, Login, LoginStage,
    PayState, PrintStatus, ScreenId, UiSetup,
};
use slint::platform::PointerEventButton;
use slint::{ComponentHandle, Model};

const PROFILE: &str = "xprinter-58";
const TARGET_MS: f64 = 16.0;

fn settle() {
    i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(250));
}

/// The one button labelled `label` now on screen.
fn button(app: &AppWindow, label: &str) -> ElementHandle {
    let found: Vec<_> = ElementHandle::find_by_accessible_label(app, label)
        .filter(|e| e.accessible_role() == Some(AccessibleRole::Button))
        .collect();
    assert_eq!(found.len(), 1, "buttons labelled {label:?}");
    found.into_iter().next().expect("one button")
}

fn touch(app: &AppWindow, label: &str) {
    button(app, label).mock_single_click(PointerEventButton::Left);
    settle();
}

fn pump_until(ui: &KioskUi, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        ui.pump_updates();
        if done() {
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Median and max; against the 16-ms target where the UI thread is measured.
fn figures(name: &str, mut samples: Vec<Duration>, ui_thread: bool) {
    samples.sort();
    let median = ms(samples[samples.len() / 2]);
    let max = ms(samples[samples.len() - 1]);
    let verdict = match (ui_thread, max <= TARGET_MS) {
        (false, _) => "(off the UI thread)".to_string(),
        (true, true) => format!("target ≤ {TARGET_MS} ms   ok"),
        (true, false) => format!("target ≤ {TARGET_MS} ms   OVER TARGET"),
    };
    println!(
        "{name:<44} n {n:>3}   median {median:>8.2} ms   max {max:>8.2} ms   {verdict}",
        n = samples.len()
    );
}

fn main() {
    let n: usize = std::env::var("UI_STALL_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(25)
        .max(1);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let portal = rt
        .block_on(portal_kiosk::devportal::start(
            "127.0.0.1:0",
            &dir.path().join("portal.sqlite"),
            true,
        ))
        .expect("development portal");
    let client = portal_kiosk::portal::PortalClient::new(
        &portal.kiosk_api_url(),
        portal_kiosk::devportal::DEMO_KIOSK_TOKEN,
        None,
        Duration::from_secs(2),
    )
    .expect("client");
    let card = DemoCard::new(testcards::citizen("demo-jana").expect("demo citizen"));
    let login = CardLogin::new(
        rt.handle().clone(),
        Arc::new(client),
        Box::new(card.signer()),
        CardSource::Demo(card.clone()),
    )
    .expect("card login");
    let slips = dir.path().join("slips");
    let printer = portal_kiosk::printing::PrintService::start(
        portal_kiosk::receipt::printer::PrinterUri::parse(&format!("preview:{}", slips.display()))
            .expect("printer uri"),
        portal_kiosk::receipt::profiles::profile(PROFILE).expect("profile"),
        portal_kiosk::receipt::SlipOrigin::new(
            "lt-bench-01",
            &portal_kiosk::config::KioskConfig::embedded_default()
                .unwrap()
                .town,
        ),
        dir.path().join("kiosk-data"),
    )
    .expect("printer thread");

    i_slint_backend_testing::init_no_event_loop();
    let app = AppWindow::new().expect("window");
    app.window().set_size(slint::PhysicalSize::new(1920, 1080));
    app.show().expect("show");
    let clock: Clock =
        Rc::new(|| Duration::from_millis(i_slint_backend_testing::get_mocked_time()));
    let ui = KioskUi::attach(
        &app,
        UiSetup {
            settings: KioskSettings {
                mode: Mode::Kiosk,
                idle_timeout: Duration::from_secs(90),
                default_language: Language::Cs,
                languages: Language::ALL.to_vec(),
                session: SessionTimes::default(),
            },
            identity: KioskIdentity::new(
                "lt-bench-01",
                "Kiosek pro měření",
                &portal_kiosk::config::KioskConfig::embedded_default()
                    .expect("default config")
                    .town,
            )
            .with_printer_profile(PROFILE),
            playlist: Playlist::demo(Duration::from_secs(8)),
            screen_size: (1920, 1080),
            fade: Duration::from_millis(160),
            slide_cache: None,
            clock,
            adapters: login.into_adapters(),
            printer: Some(printer),
        },
    );
    settle();

    // Log in with the demo card and open the payment of the first payable obligation.
    app.global::<Flow>().invoke_touch();
    settle();
    touch(&app, "Přihlásit se občankou");
    touch(&app, "DEMO: vložit kartu");
    pump_until(&ui, "PIN pad", || {
        app.global::<Login>().get_stage() == LoginStage::Pin
    });
    for d in card.citizen().pin.chars() {
        touch(&app, &d.to_string());
    }
    touch(&app, "Potvrdit");
    let c = app.global::<Citizen>();
    pump_until(&ui, "nástěnka", || {
        app.global::<Flow>().get_screen() == ScreenId::Dashboard && c.get_load() == LoadState::Ready
    });
    touch(&app, "Poplatky a platby");
    pump_until(&ui, "konto", || c.get_load() == LoadState::Ready);
    let first = c
        .get_to_pay()
        .iter()
        .find(|r| r.payable)
        .expect("a payable obligation");
    touch(&app, &format!("Zaplatit: {}", first.title));
    pump_until(&ui, "QR", || c.get_pay_state() == PayState::Ready);

    let mut touches = Vec::new();
    let mut applies = Vec::new();
    let mut stalls = Vec::new();
    for i in 0..n {
        let print = button(&app, "Vytisknout platební údaje");
        let t = Instant::now();
        print.mock_single_click(PointerEventButton::Left);
        let touch_time = t.elapsed();
        // The status left "printed" of the previous slip: it must go through
        // "printing" (or anything else) before this slip's report counts.
        let mut busy = c.get_print_status() != PrintStatus::Printed;
        // Pump until the report is applied; each pump is UI-thread time.
        let mut pumping = Duration::ZERO;
        let mut longest_pump = Duration::ZERO;
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let t = Instant::now();
            i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(16));
            ui.pump_updates();
            let spent = t.elapsed();
            pumping += spent;
            longest_pump = longest_pump.max(spent);
            let status = c.get_print_status();
            busy |= status != PrintStatus::Printed;
            if busy && status == PrintStatus::Printed && c.get_slip_preview_visible() {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "print {i}: no report (status {:?})",
                c.get_print_status()
            );
            std::thread::sleep(Duration::from_millis(2));
        }
        touches.push(touch_time);
        applies.push(pumping);
        stalls.push(touch_time.max(longest_pump));
        touch(&app, "Zavřít");
        assert!(!c.get_slip_preview_visible(), "the preview closes");
    }
    let bin = std::fs::read_dir(&slips)
        .expect("the preview printer's directory")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "bin"))
        .expect("the preview printer got the slips");
    let bytes = std::fs::read(bin).expect("a printed slip");

    println!("UI thread while printing a payment slip, profile {PROFILE}:");
    figures("touch \"Vytisknout platební údaje\"", touches, true);
    figures("pumping until the report is applied", applies, true);
    figures("worst single UI-thread call (the stall)", stalls, true);

    // Once the UI shows the printer thread's picture (PrintReport::Preview), what
    // stays on the UI thread is wrapping its pixels in an image and showing it.
    let profile = portal_kiosk::receipt::profiles::profile(PROFILE).expect("profile");
    let mut drawing = Vec::new();
    let mut showing = Vec::new();
    for _ in 0..n {
        let t = Instant::now();
        let picture = portal_kiosk::printing::SlipPicture::of_bytes(&bytes, profile)
            .expect("the printed slip decodes");
        drawing.push(t.elapsed());
        let t = Instant::now();
        c.set_slip_preview(slip_image(&picture));
        c.set_slip_preview_visible(true);
        i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(16));
        showing.push(t.elapsed());
        c.set_slip_preview_visible(false);
    }
    println!("The same slip's picture, each step timed apart:");
    figures("printer thread: decode + draw the picture", drawing, false);
    figures("UI thread: picture → image, shown", showing, true);
}

/// What the UI does with a `SlipPicture`: gray pixels into an RGB image.
fn slip_image(picture: &portal_kiosk::printing::SlipPicture) -> slint::Image {
    let mut buffer =
        slint::SharedPixelBuffer::<slint::Rgb8Pixel>::new(picture.width, picture.height);
    for (dst, &v) in buffer
        .make_mut_slice()
        .iter_mut()
        .zip(picture.pixels.iter())
    {
        *dst = slint::Rgb8Pixel { r: v, g: v, b: v };
    }
    slint::Image::from_rgb8(buffer)
}
