//! The night hours through the real window (Slint's testing backend, mock
//! time): at 22:00 the loop goes black and the backlight off; a touch on the
//! black screen wakes it to the home screen; at rest again it sleeps again;
//! the morning lights it and the loop plays.

mod support;

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use chrono::NaiveTime;
use portal_kiosk::config::Mode;
use portal_kiosk::kiosk::Screen;
use portal_kiosk::promo::Playlist;
use portal_kiosk::schedule::ScreenSleep;
use portal_kiosk::ui::Flow;
use slint::ComponentHandle;

fn at(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

fn seconds(n: u64) {
    for _ in 0..n {
        i_slint_backend_testing::mock_elapsed_time(Duration::from_secs(1));
    }
}

#[test]
fn the_night_blanks_the_loop_and_a_touch_wakes_it_to_the_home_screen() {
    let (app, ui) = support::kiosk(Mode::Kiosk, Playlist::demo(Duration::from_secs(8)));
    let backlight = tempfile::tempdir().unwrap();
    let bl_power = backlight.path().join("bl_power");
    std::fs::write(&bl_power, "0\n").unwrap();
    let now = Rc::new(Cell::new(at(21, 59)));
    let clock = now.clone();
    ui.set_screen_sleep(
        ScreenSleep::parse("22:00-06:00").unwrap(),
        Some(backlight.path().to_path_buf()),
        move || clock.get(),
    );
    seconds(2);
    assert!(!ui.asleep() && !app.global::<Flow>().get_asleep());
    assert!(!support::shows(&app, "Probudit obrazovku"));

    now.set(at(22, 0));
    seconds(2);
    assert!(ui.asleep());
    assert!(app.global::<Flow>().get_asleep());
    assert_eq!(
        std::fs::read_to_string(&bl_power).unwrap(),
        "4\n",
        "backlight off"
    );
    // Black over everything: the waking surface covers the whole window.
    let cover = support::buttons(&app, "Probudit obrazovku");
    assert_eq!(cover.len(), 1);
    assert_eq!(cover[0].size(), slint::LogicalSize::new(1920.0, 1080.0));
    assert_eq!(
        cover[0].absolute_position(),
        slint::LogicalPosition::new(0.0, 0.0)
    );

    support::touch(&app, "Probudit obrazovku");
    assert!(!ui.asleep());
    assert_eq!(ui.view().screen, Screen::Home);
    assert_eq!(
        std::fs::read_to_string(&bl_power).unwrap(),
        "0\n",
        "backlight on"
    );

    // Nobody uses it: back to rest after the idle time, and asleep again.
    seconds(support::IDLE.as_secs() + 2);
    assert_eq!(ui.view().screen, Screen::Promo);
    assert!(ui.asleep());

    now.set(at(6, 0));
    seconds(2);
    assert!(!ui.asleep() && !app.global::<Flow>().get_asleep());
    assert_eq!(std::fs::read_to_string(&bl_power).unwrap(), "0\n");
}
