//! Headless screenshots of every screen: Slint's testing backend with the software
//! renderer, no display needed. Used by `portal-kiosk screenshot`, by the README's
//! pictures and by tests that look at rendered pixels (blank screens, contrast).

use std::path::{Path, PathBuf};

use slint::{ComponentHandle, Rgba8Pixel, SharedPixelBuffer};

use super::{
    AppWindow, KioskIdentity, PrintStatus, PrinterStatus, Promo, apply_area, apply_identity,
    apply_view, promo_driver::slide_view, select_language,
};
use crate::i18n::Language;
use crate::kiosk::{
    AreaView, KioskView, LoginStage, LoginView, PhoneStage, PhoneView, ReaderStatus, Screen,
    SessionView, StaffView,
};

mod demo;
use crate::promo::{Playlist, PlaylistSlide, SlideKind, prepare_slide};
use demo::{demo_board, demo_citizen_area, demo_desk, demo_services, demo_voting};

/// Which of the two themes to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemeChoice {
    Standard,
    Contrast,
}

#[derive(Debug, Clone)]
pub struct ScreenshotOptions {
    pub language: Language,
    pub theme: ThemeChoice,
    pub large_text: bool,
    pub width: u32,
    pub height: u32,
    /// The town shown: its names, logo, colours, languages and demo content.
    pub town: crate::devportal::DemoTown,
}

#[derive(Debug, thiserror::Error)]
pub enum ScreenshotError {
    #[error("cannot start the headless renderer: {0}")]
    Platform(String),
    #[error("cannot render screen {screen}: {message}")]
    Render { screen: String, message: String },
    #[error("cannot write {path}: {message}")]
    Write { path: PathBuf, message: String },
}

/// Installs the headless platform for this thread. Call once, before any window exists.
pub fn init_headless() -> Result<(), ScreenshotError> {
    use i_slint_backend_testing::{TestingBackend, TestingBackendOptions};
    slint::platform::set_platform(Box::new(TestingBackend::new(TestingBackendOptions {
        mock_time: true,
        threading: false,
        renderer_name: Some("software".into()),
    })))
    .map_err(|e| ScreenshotError::Platform(e.to_string()))
}

/// A rendered screen: its file stem, pixels, and what the accessibility tree
/// says is on it (texts and buttons with their boxes), for checks made from
/// the picture.
pub struct Shot {
    pub name: String,
    pub pixels: SharedPixelBuffer<Rgba8Pixel>,
    pub elements: Vec<ShotElement>,
}

/// A text or button of a rendered screen: its box in physical pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct ShotElement {
    pub button: bool,
    /// Its text does not fit its box (a KText says so: ui/widgets/text.slint).
    pub cut: bool,
    pub label: String,
    pub enabled: bool,
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

/// The texts and buttons the accessibility tree has on screen now.
fn shot_elements(app: &AppWindow) -> Vec<ShotElement> {
    use i_slint_backend_testing::{AccessibleRole, ElementQuery};
    let scale = app.window().scale_factor();
    ElementQuery::from_root(app)
        .match_descendants()
        .match_predicate(|e| {
            matches!(
                e.accessible_role(),
                Some(AccessibleRole::Text | AccessibleRole::Button)
            ) || is_cut(e)
        })
        .find_all()
        .into_iter()
        .map(|e| {
            let (position, size) = (e.absolute_position(), e.size());
            ShotElement {
                button: e.accessible_role() == Some(AccessibleRole::Button),
                cut: is_cut(&e),
                label: e
                    .accessible_label()
                    .map(|l| l.to_string())
                    .unwrap_or_default(),
                enabled: e.accessible_enabled().unwrap_or(true),
                x: position.x * scale,
                y: position.y * scale,
                width: size.width * scale,
                height: size.height * scale,
            }
        })
        .collect()
}

/// Whether a shown text says it does not fit its box (hidden ones do not count).
fn is_cut(e: &i_slint_backend_testing::ElementHandle) -> bool {
    e.accessible_description().is_some_and(|d| d == "cut") && e.computed_opacity() > 0.0
}

/// Renders every screen with demo content. The headless platform must be installed.
pub fn render_all(options: &ScreenshotOptions) -> Result<Vec<Shot>, ScreenshotError> {
    let app = AppWindow::new().map_err(|e| ScreenshotError::Platform(e.to_string()))?;
    app.window()
        .set_size(slint::PhysicalSize::new(options.width, options.height));
    let demo = &options.town;
    let identity = KioskIdentity::new("demo-01", "Ukázkový kiosek", &demo.town);
    apply_identity(&app, &identity, &demo.languages);
    select_language(options.language);
    let playlist = Playlist::from_demo_slides(&demo.seed.promo, std::time::Duration::from_secs(8));
    app.show()
        .map_err(|e| ScreenshotError::Platform(e.to_string()))?;

    let mut shots = Vec::new();
    let mut snap = |name: String| -> Result<(), ScreenshotError> {
        // Let layouts, conditional elements and animations settle.
        i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_millis(1000));
        let pixels = app
            .window()
            .take_snapshot()
            .map_err(|e| ScreenshotError::Render {
                screen: name.clone(),
                message: e.to_string(),
            })?;
        let elements = shot_elements(&app);
        shots.push(Shot {
            name,
            pixels,
            elements,
        });
        Ok(())
    };
    let base = KioskView {
        screen: Screen::Promo,
        language: options.language,
        large_text: options.large_text,
        high_contrast: options.theme == ThemeChoice::Contrast,
        can_go_back: false,
        login: LoginView::idle(),
        session: None,
        staff: StaffView {
            pin_length: 0,
            verifying: false,
            wrong_attempts_left: None,
            locked_seconds: None,
            service_error: false,
            not_a_counter: false,
        },
        reader: ReaderStatus::Ready,
        phone: PhoneView {
            available: true,
            stage: PhoneStage::Requesting,
            user_code: String::new(),
            address: String::new(),
            qr: String::new(),
            seconds_left: 0,
        },
        // The bar as a kiosk with speech shows it.
        speech: crate::kiosk::SpeechView {
            available: true,
            speaking: false,
            volume: 7,
        },
    };
    let citizen = |warning_seconds| SessionView {
        first_name: "Jana".into(),
        confirm_name: None,
        staff: false,
        warning_seconds,
    };
    // The citizen area shows a demo citizen's data (Jana, from the seed), as the
    // real core makes it from the backend's answers.
    let seed = &demo.seed;
    let (area, payment_order) = demo_citizen_area(seed);
    let desk = demo_desk(seed);
    apply_area(&app, &area);
    let services = demo_services(seed);
    let board = demo_board(&area, seed);
    let voting = demo_voting(seed);
    for screen in Screen::ALL {
        let view = KioskView {
            screen,
            session: screen.is_personal().then(|| citizen(None)),
            // Zpět as it is on the way there: enabled beyond the first screens.
            can_go_back: !matches!(
                screen,
                Screen::Promo
                    | Screen::Home
                    | Screen::Counter
                    | Screen::StaffLogin
                    | Screen::Dashboard
                    | Screen::LoggedOut
            ),
            ..base.clone()
        };
        apply_view(&app, &view);
        apply_area(&app, &area);
        if screen == Screen::Login {
            // Every stage of the login, the PIN pad twice: typing, and after a wrong PIN.
            for stage in LoginStage::ALL {
                let mut login = LoginView {
                    stage,
                    tries_left: 3,
                    tries_max: 3,
                    pin_length: 2,
                    wrong_pin: false,
                };
                if stage == LoginStage::Blocked {
                    login.tries_left = 0;
                }
                apply_view(
                    &app,
                    &KioskView {
                        login: login.clone(),
                        ..view.clone()
                    },
                );
                snap(format!("login-{}", stage.name()))?;
                if stage == LoginStage::Pin {
                    login.tries_left = 1;
                    login.pin_length = 0;
                    login.wrong_pin = true;
                    apply_view(
                        &app,
                        &KioskView {
                            login,
                            ..view.clone()
                        },
                    );
                    snap("login-pin-wrong".into())?;
                }
            }
            continue;
        }
        if screen == Screen::Pay {
            snap(screen.name().to_string())?;
            // The slip as printed, with the printer's answer: taken, or a problem.
            if let Some(order) = &payment_order {
                let profile =
                    crate::receipt::profiles::profile_or_default(&identity.printer_profile);
                if let Some(picture) = crate::print_orders::preview(
                    order,
                    profile,
                    &crate::receipt::SlipOrigin::new(identity.kiosk_id.clone(), &identity.town),
                ) {
                    super::controllers::citizen::show_picture(&app, &picture);
                }
            }
            let citizen = app.global::<super::Citizen>();
            citizen.set_slip_preview_visible(true);
            for (name, status) in [
                ("printed", PrintStatus::Printed),
                ("paper-end", PrintStatus::PaperEnd),
                ("offline", PrintStatus::Offline),
            ] {
                citizen.set_print_status(status);
                snap(format!("pay-print-{name}"))?;
            }
            citizen.set_slip_preview_visible(false);
            citizen.set_print_status(PrintStatus::None);
            continue;
        }
        if screen == Screen::StaffLogin {
            // A counter whose staff login could not be set up says so before anyone types.
            let staff = app.global::<super::Staff>();
            staff.set_configured(false);
            snap(format!("{}-no-staff", screen.name()))?;
            staff.set_configured(true);
            let staff = |pin_length, wrong_attempts_left, locked_seconds| KioskView {
                staff: StaffView {
                    pin_length,
                    verifying: false,
                    wrong_attempts_left,
                    locked_seconds,
                    service_error: false,
                    not_a_counter: false,
                },
                ..view.clone()
            };
            apply_view(&app, &staff(4, None, None));
            snap(screen.name().to_string())?;
            apply_view(&app, &staff(0, Some(3), None));
            snap(format!("{}-wrong", screen.name()))?;
            apply_view(&app, &staff(0, None, Some(42)));
            snap(format!("{}-locked", screen.name()))?;
            // The backend does not know this kiosk as a counter.
            let mut refused = staff(0, None, None);
            refused.staff.not_a_counter = true;
            apply_view(&app, &refused);
            snap(format!("{}-not-a-counter", screen.name()))?;
            continue;
        }
        if screen == Screen::Counter {
            // Eva Dvořáková at the counter has looked up Jana's waste fee by its variable symbol.
            let view = KioskView {
                session: Some(SessionView {
                    first_name: "Eva Dvořáková".into(),
                    confirm_name: None,
                    staff: true,
                    warning_seconds: None,
                }),
                ..view.clone()
            };
            apply_view(&app, &view);
            apply_area(&app, &AreaView::default());
            let staff = app.global::<super::Staff>();
            staff.set_printer_state(PrinterStatus::Ready);
            staff.set_reprint_count(1);
            snap(format!("{}-empty", screen.name()))?;
            apply_area(&app, &desk);
            staff.set_printer_state(PrinterStatus::Ready);
            snap(screen.name().to_string())?;
            staff.set_printer_state(PrinterStatus::PaperEnd);
            staff.set_print_status(PrintStatus::PaperEnd);
            snap(format!("{}-printer-problem", screen.name()))?;
            apply_area(&app, &area);
            continue;
        }
        if matches!(
            screen,
            Screen::Services
                | Screen::ServiceList
                | Screen::ServiceDetail
                | Screen::ServiceSearch
                | Screen::ContactSearch
        ) {
            for (name, _, state) in services.iter().filter(|(_, s, _)| *s == screen) {
                super::controllers::services::apply(
                    &app,
                    state,
                    &mut super::controllers::services::Drawn::default(),
                );
                snap(name.clone())?;
            }
            continue;
        }
        if matches!(
            screen,
            Screen::Board | Screen::BoardAgendas | Screen::BoardNotice | Screen::DashboardNotice
        ) {
            for (name, _, state) in board.iter().filter(|(_, s, _)| *s == screen) {
                super::controllers::board::apply_board(
                    &app,
                    state,
                    &mut super::controllers::board::Drawn::default(),
                );
                snap(name.clone())?;
            }
            continue;
        }
        if matches!(
            screen,
            Screen::Elections | Screen::WhereToVote | Screen::HouseNumber | Screen::PollingPlace
        ) {
            for (name, _, state) in voting.iter().filter(|(_, s, _)| *s == screen) {
                super::controllers::board::apply_voting(
                    &app,
                    state,
                    &mut super::controllers::board::Drawn::default(),
                );
                snap(name.clone())?;
            }
            continue;
        }
        if screen == Screen::Service {
            apply_view(
                &app,
                &KioskView {
                    session: Some(SessionView {
                        first_name: "Eva Dvořáková".into(),
                        confirm_name: None,
                        staff: true,
                        warning_seconds: None,
                    }),
                    ..view.clone()
                },
            );
            let staff = app.global::<super::Staff>();
            staff.set_printer_state(PrinterStatus::PaperEnd);
            staff.set_waiting_jobs(2);
            staff.set_print_status(PrintStatus::None);
            app.global::<super::Flow>()
                .set_data_as_of("27. 11. 2026 9:41".into());
            snap(screen.name().to_string())?;
            continue;
        }
        if screen == Screen::PhoneLogin {
            // Every stage; the code as the demo portal would give it.
            for stage in PhoneStage::ALL {
                let code = stage == PhoneStage::Code;
                let text = |s: &str| if code { s.to_string() } else { String::new() };
                let phone = PhoneView {
                    stage,
                    user_code: text("WDJB-MJHT"),
                    address: text(&format!("{}/kod", demo.town.web)),
                    qr: text(&format!("https://{}/kod?code=WDJB-MJHT", demo.town.web)),
                    seconds_left: if code { 581 } else { 0 },
                    ..base.phone.clone()
                };
                apply_view(
                    &app,
                    &KioskView {
                        phone,
                        ..view.clone()
                    },
                );
                snap(format!("{}-{}", screen.name(), stage.name()))?;
            }
            continue;
        }
        if screen == Screen::LoginHelp {
            snap(screen.name().to_string())?;
            // Before the first sync: no contacts, the town hall's number instead.
            super::controllers::phone::apply_help(&app, &Default::default());
            snap(format!("{}-no-contacts", screen.name()))?;
            apply_area(&app, &area);
            continue;
        }
        if screen == Screen::Dashboard {
            // A phone's session says whose it is in the top bar.
            apply_view(
                &app,
                &KioskView {
                    session: Some(SessionView {
                        confirm_name: Some("J. Nováková".into()),
                        ..citizen(None)
                    }),
                    ..view.clone()
                },
            );
            snap(format!("{}-phone", screen.name()))?;
            apply_view(&app, &view);
            snap(screen.name().to_string())?;
            apply_view(
                &app,
                &KioskView {
                    session: Some(citizen(Some(27))),
                    ..view.clone()
                },
            );
            snap("session-warning".into())?;
            continue;
        }
        if screen == Screen::Promo {
            // The first image slide and the first text slide with a QR code.
            let first_image = playlist
                .slides
                .iter()
                .find(|s| matches!(s.kind, SlideKind::Image(_)));
            let first_text = playlist.slides.iter().find(|s| {
                matches!(
                    &s.kind,
                    SlideKind::Text {
                        qr_url: Some(_),
                        ..
                    }
                )
            });
            for (suffix, slide) in [("", first_image), ("-text", first_text)] {
                let Some(slide) = slide else { continue };
                show_slide(&app, slide, options)?;
                snap(format!("{}{suffix}", screen.name()))?;
            }
            // An urgent notice over the loop, with a picture.
            show_notice(&app, true);
            if let Some(SlideKind::Image(source)) = first_image.map(|s| &s.kind)
                && let Ok(pixels) = crate::promo::prepare_picture(source, 640, 640)
            {
                let promo = app.global::<Promo>();
                promo.set_notice_picture(slint::Image::from_rgb8(pixels));
                promo.set_notice_has_picture(true);
            }
            snap(format!("{}-notice", screen.name()))?;
            show_notice(&app, false);
            app.global::<Promo>().set_slot_a(Default::default());
        } else if screen == Screen::Home {
            snap(screen.name().to_string())?;
            // "Číst nahlas" reading: "Přestat číst" and the volume beside it.
            let mut reading = view.clone();
            reading.speech.speaking = true;
            apply_view(&app, &reading);
            snap("home-reading".into())?;
            apply_view(&app, &view);
            // An urgent notice as the home screen's banner.
            show_notice(&app, true);
            snap("home-notice".into())?;
            show_notice(&app, false);
        } else {
            snap(screen.name().to_string())?;
        }
    }
    let _ = app.hide();
    Ok(shots)
}

/// The demo urgent notice (a water outage) on, or off.
fn show_notice(app: &AppWindow, on: bool) {
    let promo = app.global::<Promo>();
    promo.set_notice_shown(on);
    promo.set_notice_critical(false);
    promo.set_notice_label(
        crate::promo::notices::label(crate::portal::types::NoticeSeverity::Warning).into(),
    );
    promo.set_notice_title("Výpadek vody v ulici Dlouhá".into());
    promo.set_notice_body("Dnes od 8 do 14 hodin. Cisterna s pitnou vodou stojí u radnice.".into());
    promo.set_notice_more(0);
    if !on {
        promo.set_notice_has_picture(false);
    }
}

fn show_slide(
    app: &AppWindow,
    slide: &PlaylistSlide,
    options: &ScreenshotOptions,
) -> Result<(), ScreenshotError> {
    let prepared = prepare_slide(slide, options.width, options.height).map_err(|e| {
        ScreenshotError::Render {
            screen: "promo".into(),
            message: e.to_string(),
        }
    })?;
    let promo = app.global::<Promo>();
    promo.set_count(4);
    promo.set_position(0);
    promo.set_show_b(false);
    promo.set_slot_a(slide_view(&prepared));
    Ok(())
}

/// Writes shots as `DIR/<screen>.png`; returns the paths written.
pub fn write_pngs(shots: &[Shot], dir: &Path) -> Result<Vec<PathBuf>, ScreenshotError> {
    std::fs::create_dir_all(dir).map_err(|e| ScreenshotError::Write {
        path: dir.to_path_buf(),
        message: e.to_string(),
    })?;
    let mut written = Vec::new();
    for shot in shots {
        let path = dir.join(format!("{}.png", shot.name));
        let (w, h) = (shot.pixels.width(), shot.pixels.height());
        let img =
            image::RgbaImage::from_raw(w, h, shot.pixels.as_bytes().to_vec()).ok_or_else(|| {
                ScreenshotError::Write {
                    path: path.clone(),
                    message: "pixel buffer has the wrong size".into(),
                }
            })?;
        img.save(&path).map_err(|e| ScreenshotError::Write {
            path: path.clone(),
            message: e.to_string(),
        })?;
        written.push(path);
    }
    Ok(written)
}
