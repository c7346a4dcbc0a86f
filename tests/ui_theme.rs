//! UX.md's numbers checked against what is rendered: text contrast of every
//! token pair in both themes, type sizes, and the size and spacing of every
//! button on every screen as laid out at 1920×1080 (and in portrait).

mod support;

use i_slint_backend_testing::{AccessibleRole, ElementRoot};
use portal_kiosk::config::Mode;
use portal_kiosk::kiosk::ports::{AttemptId, EventSink, SessionPort, StaffLoginPort};
use portal_kiosk::kiosk::{KioskEvent, Screen};
use portal_kiosk::promo::Playlist;
use portal_kiosk::ui::{AppWindow, Theme};
use slint::{Color, ComponentHandle};
use std::time::Duration;

fn luminance(c: Color) -> f64 {
    let channel = |v: u8| {
        let s = v as f64 / 255.0;
        if s <= 0.03928 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(c.red()) + 0.7152 * channel(c.green()) + 0.0722 * channel(c.blue())
}

fn contrast(a: Color, b: Color) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[test]
fn every_text_colour_pair_meets_aaa_in_both_themes() {
    let (app, _ui) = support::kiosk(Mode::Kiosk, Playlist::default());
    let t = app.global::<Theme>();
    for high_contrast in [false, true] {
        t.set_high_contrast(high_contrast);
        let pairs = [
            ("text on background", t.get_text(), t.get_background()),
            ("text on surface", t.get_text(), t.get_surface()),
            (
                "text on pressed surface",
                t.get_text(),
                t.get_surface_pressed(),
            ),
            ("muted text on surface", t.get_text_muted(), t.get_surface()),
            (
                "muted text on background",
                t.get_text_muted(),
                t.get_background(),
            ),
            ("accent text on surface", t.get_accent(), t.get_surface()),
            ("text on accent", t.get_on_accent(), t.get_accent()),
            (
                "text on pressed accent",
                t.get_on_accent(),
                t.get_accent_pressed(),
            ),
            ("bar text on bar", t.get_on_bar(), t.get_bar()),
            ("bar text on bar button", t.get_on_bar(), t.get_bar_button()),
            (
                "bar text on pressed bar button",
                t.get_on_bar(),
                t.get_bar_button_pressed(),
            ),
            (
                "selected bar button",
                t.get_on_bar_button_selected(),
                t.get_bar_button_selected(),
            ),
            ("slide text", t.get_slide_text(), t.get_slide_background()),
            (
                "slide body",
                t.get_slide_text_soft(),
                t.get_slide_background(),
            ),
        ];
        for (what, fg, bg) in pairs {
            let ratio = contrast(fg, bg);
            assert!(
                ratio >= 7.0,
                "{what} (high contrast: {high_contrast}) is only {ratio:.2}:1"
            );
        }
        // Inactive controls: plainly inactive, still readable (UX.md: never below 4.5:1).
        for (what, fg, bg) in [
            ("inactive bar button", t.get_on_bar_disabled(), t.get_bar()),
            ("inactive button", t.get_text_disabled(), t.get_background()),
        ] {
            let ratio = contrast(fg, bg);
            assert!(
                ratio >= 4.5,
                "{what} (high contrast: {high_contrast}) is only {ratio:.2}:1"
            );
        }
    }
}

#[test]
fn type_and_target_sizes_meet_ux_minimums() {
    let (app, _ui) = support::kiosk(Mode::Kiosk, Playlist::default());
    let t = app.global::<Theme>();
    for large in [false, true] {
        t.set_large_text(large);
        assert!(
            t.get_font_small() >= 28.0,
            "smallest text {} px",
            t.get_font_small()
        );
        assert!(t.get_font_body() >= 28.0);
        assert!(t.get_font_heading() >= 40.0);
        assert!(t.get_font_title() >= 40.0);
    }
    t.set_large_text(true);
    assert!(
        t.get_font_body() >= 1.25 * 32.0,
        "larger text is noticeably larger"
    );
    assert!(t.get_touch_min() >= 96.0);
    assert!(t.get_gap() >= 16.0);
}

struct Target {
    label: String,
    x: f32,
    y: f32,
    w: f32,
    h: f32,
}

fn targets(app: &AppWindow) -> Vec<Target> {
    let mut found = Vec::new();
    let root = app.root_element();
    root.query_descendants()
        .match_accessible_role(AccessibleRole::Button)
        .find_all()
        .into_iter()
        .filter(|e| e.accessible_enabled() != Some(false))
        .for_each(|e| {
            let p = e.absolute_position();
            let s = e.size();
            found.push(Target {
                label: e
                    .accessible_label()
                    .map(|l| l.to_string())
                    .unwrap_or_default(),
                x: p.x,
                y: p.y,
                w: s.width,
                h: s.height,
            })
        });
    found
}

/// The on-screen keyboard's area, if one is shown: its keys may sit 8 px apart
/// (as on every phone keyboard; each is still ≥ 96 px), but 16 px from anything else.
fn keyboard_area(app: &AppWindow) -> Option<Target> {
    let e = i_slint_backend_testing::ElementHandle::find_by_accessible_label(app, "Klávesnice")
        .next()?;
    let (p, s) = (e.absolute_position(), e.size());
    Some(Target {
        label: "Klávesnice".into(),
        x: p.x,
        y: p.y,
        w: s.width,
        h: s.height,
    })
}

fn inside(t: &Target, area: &Target) -> bool {
    t.x >= area.x - 0.5
        && t.y >= area.y - 0.5
        && t.x + t.w <= area.x + area.w + 0.5
        && t.y + t.h <= area.y + area.h + 0.5
}

fn check_targets(app: &AppWindow, screen: &str) {
    let all = targets(app);
    let keyboard = keyboard_area(app);
    let key = |t: &Target| keyboard.as_ref().is_some_and(|k| inside(t, k));
    assert!(!all.is_empty(), "{screen}: no buttons found");
    for t in &all {
        assert!(
            t.w >= 96.0 && t.h >= 96.0,
            "{screen}: {:?} is {}×{} px",
            t.label,
            t.w,
            t.h
        );
    }
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            let gap_x = (b.x - (a.x + a.w)).max(a.x - (b.x + b.w));
            let gap_y = (b.y - (a.y + a.h)).max(a.y - (b.y + b.h));
            let gap = gap_x.max(gap_y);
            let min = if key(a) && key(b) { 8.0 } else { 16.0 };
            assert!(
                gap >= min,
                "{screen}: {:?} and {:?} are {gap} px apart",
                a.label,
                b.label
            );
        }
    }
}

#[test]
fn every_button_is_big_enough_and_far_enough_from_the_next() {
    let (app, ui) = support::kiosk(Mode::Kiosk, Playlist::default());
    ui.dispatch(KioskEvent::Touch);
    for (w, h) in [(1920, 1080), (1080, 1920)] {
        app.window().set_size(slint::PhysicalSize::new(w, h));
        for large_text in [false, true] {
            if ui.view().large_text != large_text {
                ui.dispatch(KioskEvent::ToggleLargeText);
            }
            for screen in Screen::ALL
                .into_iter()
                .filter(|s| *s != Screen::Promo && *s != Screen::Home)
            {
                ui.dispatch(KioskEvent::Open(screen));
                i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(300));
                check_targets(
                    &app,
                    &format!("{} at {w}×{h}, large text {large_text}", screen.name()),
                );
                ui.dispatch(KioskEvent::Home);
            }
            i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(300));
            check_targets(&app, &format!("home at {w}×{h}, large text {large_text}"));
            // 6 tiles, "O kiosku", 4 languages, 2 switches (Zpět and Domů are disabled on Home).
            assert_eq!(targets(&app).len(), 13, "home's buttons at {w}×{h}");
        }
    }
}

/// Answers the counter's staff login and lookup at once (the layout is under
/// test here, not the backend: `tests/counter_mode.rs` has the real one).
struct InstantStaff(Option<EventSink>);

impl StaffLoginPort for InstantStaff {
    fn connect(&mut self, events: EventSink) {
        self.0 = Some(events);
    }
    fn authenticate(&self, attempt: AttemptId, _pin: portal_kiosk::kiosk::StaffPin) {
        if let Some(events) = &self.0 {
            events(KioskEvent::StaffResult {
                attempt,
                outcome: portal_kiosk::kiosk::StaffOutcome::LoggedIn {
                    name: "Eva Dvořáková".into(),
                },
            });
        }
    }
    fn has_staff(&self) -> bool {
        true
    }
}

struct InstantDesk(Option<EventSink>);

impl SessionPort for InstantDesk {
    fn connect(&mut self, events: EventSink) {
        self.0 = Some(events);
    }
    fn request(
        &self,
        id: AttemptId,
        _session: AttemptId,
        request: portal_kiosk::citizen::CitizenRequest,
    ) {
        let (Some(events), portal_kiosk::citizen::CitizenRequest::Lookup(vs)) = (&self.0, request)
        else {
            return;
        };
        let obligation = serde_json::json!({
            "id": "o-1", "kind": "waste", "title": "Poplatek za komunální odpad 2026",
            "period": "2026", "amountCzk": "900.00", "dueDate": "2026-10-31", "paid": false,
            "paidAt": null, "accountIban": "CZ7708000000194260105309", "variableSymbol": vs,
            "specificSymbol": "", "constantSymbol": "0558",
            "note": "Po splatnosti – nezaplacený poplatek může správce navýšit až na trojnásobek."
        });
        events(KioskEvent::Data {
            id,
            result: portal_kiosk::citizen::CitizenResult::Lookup {
                vs,
                found: portal_kiosk::portal::types::StaffLookup {
                    obligations: vec![serde_json::from_value(obligation).unwrap()],
                    payer_name: "Jana Nováková".into(),
                },
            },
        });
    }
    fn end_session(&self, _session: AttemptId) {}
}

#[test]
fn the_counters_buttons_are_big_enough_and_far_enough_apart() {
    let (app, ui) = support::kiosk_with_login(
        Mode::Counter,
        Playlist::default(),
        portal_kiosk::login::Adapters {
            card: None,
            staff: Some(Box::new(InstantStaff(None))),
            session: Some(Box::new(InstantDesk(None))),
            phone: None,
        },
        portal_kiosk::kiosk::SessionTimes::default(),
    );
    let staff = app.global::<portal_kiosk::ui::Staff>();
    for (w, h) in [(1920, 1080), (1080, 1920)] {
        app.window().set_size(slint::PhysicalSize::new(w, h));
        for large_text in [false, true] {
            if ui.view().large_text != large_text {
                ui.dispatch(KioskEvent::ToggleLargeText);
            }
            let at = format!("at {w}×{h}, large text {large_text}");
            ui.dispatch(KioskEvent::Logout);
            ui.dispatch(KioskEvent::Touch);
            i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(300));
            assert_eq!(ui.view().screen, Screen::StaffLogin, "{at}");
            check_targets(&app, &format!("staff login {at}"));
            for _ in 0..6 {
                ui.dispatch(KioskEvent::StaffDigit(1));
            }
            ui.dispatch(KioskEvent::StaffConfirm);
            ui.pump_updates();
            assert_eq!(ui.view().screen, Screen::Counter, "{at}");
            staff.invoke_vs_digit(4);
            staff.invoke_search();
            ui.pump_updates();
            i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(300));
            assert_eq!(staff.get_payer_name(), "Jana Nováková");
            check_targets(&app, &format!("counter with a payer {at}"));
            ui.dispatch(KioskEvent::Open(Screen::Service));
            i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(300));
            check_targets(&app, &format!("service {at}"));
        }
    }
}

/// Answers "Přihlásit se telefonem" at once with a code, and lets the test
/// bring the later stages (issue 15).
struct InstantPhone(
    Option<EventSink>,
    std::rc::Rc<std::cell::Cell<Option<AttemptId>>>,
);

impl portal_kiosk::kiosk::ports::PhoneLoginPort for InstantPhone {
    fn connect(&mut self, events: EventSink) {
        self.0 = Some(events);
    }
    fn start(&self, attempt: AttemptId) {
        self.1.set(Some(attempt));
        if let Some(events) = &self.0 {
            events(KioskEvent::Phone {
                attempt,
                news: portal_kiosk::kiosk::PhoneNews::Code(portal_kiosk::kiosk::PhoneCode {
                    user_code: "WDJB-MJHT".into(),
                    verification_uri: "https://obcan.litomerice.cz/kod".into(),
                    verification_uri_complete: Some(
                        "https://obcan.litomerice.cz/kod?code=WDJB-MJHT".into(),
                    ),
                    expires_in: Duration::from_secs(600),
                }),
            });
        }
    }
    fn cancel(&self, _attempt: AttemptId) {}
}

#[test]
fn the_phone_logins_buttons_are_big_enough_and_far_enough_apart() {
    use portal_kiosk::kiosk::PhoneNews;
    let attempt = std::rc::Rc::new(std::cell::Cell::new(None));
    let mut adapters = portal_kiosk::login::Adapters::none();
    adapters.phone = Some(Box::new(InstantPhone(None, attempt.clone())));
    let (app, ui) = support::kiosk_with_login(
        Mode::Kiosk,
        Playlist::default(),
        adapters,
        portal_kiosk::kiosk::SessionTimes::default(),
    );
    ui.dispatch(KioskEvent::Touch);
    for (w, h) in [(1920, 1080), (1080, 1920)] {
        app.window().set_size(slint::PhysicalSize::new(w, h));
        for large_text in [false, true] {
            if ui.view().large_text != large_text {
                ui.dispatch(KioskEvent::ToggleLargeText);
            }
            let at = |what: &str| format!("{what} at {w}×{h}, large text {large_text}");
            ui.dispatch(KioskEvent::Open(Screen::Login));
            i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(300));
            check_targets(&app, &at("the login with the phone's way"));
            for news in [
                None,
                Some(PhoneNews::Expired),
                Some(PhoneNews::Denied),
                Some(PhoneNews::Failed),
            ] {
                ui.dispatch(KioskEvent::PhoneStart);
                ui.pump_updates();
                if let (Some(news), Some(attempt)) = (news.clone(), attempt.get()) {
                    ui.dispatch(KioskEvent::Phone { attempt, news });
                }
                i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(300));
                assert_eq!(ui.view().screen, Screen::PhoneLogin);
                check_targets(&app, &at(&format!("the phone login ({news:?})")));
                ui.dispatch(KioskEvent::PhoneCancel);
            }
            ui.dispatch(KioskEvent::Home);
        }
    }
}
