//! The kiosk walked through as a person would: touching buttons found by their
//! accessible labels on Slint's headless testing backend, with mock time.

mod support;

use std::time::{Duration, Instant};

use portal_kiosk::config::Mode;
use portal_kiosk::promo::Playlist;
use portal_kiosk::ui::{Flow, Promo, ScreenId};
use slint::ComponentHandle;
use support::{IDLE, buttons, kiosk, settle, shows, touch};

fn screen(app: &portal_kiosk::ui::AppWindow) -> ScreenId {
    app.global::<Flow>().get_screen()
}

fn demo() -> Playlist {
    Playlist::demo(Duration::from_secs(8))
}

#[test]
fn touching_the_loop_opens_home_with_every_tile() {
    let (app, _ui) = kiosk(Mode::Kiosk, demo());
    assert_eq!(screen(&app), ScreenId::Promo);
    assert!(
        buttons(&app, "Zpět").is_empty(),
        "the loop has no navigation bars"
    );
    touch(&app, "Dotkněte se obrazovky");
    assert_eq!(screen(&app), ScreenId::Home);
    assert!(shows(&app, "Dobrý den. Co potřebujete vyřídit?"));
    for tile in [
        "Přihlásit se občankou",
        "Zaplatit poplatek",
        "Služby úřadu",
        "Kontakty",
        "Volby",
        "O kiosku",
    ] {
        assert_eq!(buttons(&app, tile).len(), 1, "home has the {tile:?} tile");
    }
}

#[test]
fn each_tile_opens_its_screen_and_zpet_and_domu_lead_back() {
    let (app, _ui) = kiosk(Mode::Kiosk, demo());
    touch(&app, "Dotkněte se obrazovky");
    let tiles = [
        ("Přihlásit se občankou", ScreenId::Login),
        // Paying needs a login first.
        ("Zaplatit poplatek", ScreenId::Login),
        ("Služby úřadu", ScreenId::Services),
        ("Kontakty", ScreenId::Contacts),
        ("Volby", ScreenId::Elections),
        ("Úřední deska", ScreenId::Board),
        ("O kiosku", ScreenId::About),
    ];
    for (i, (tile, target)) in tiles.into_iter().enumerate() {
        touch(&app, tile);
        assert_eq!(screen(&app), target, "{tile} opens its screen");
        if target == ScreenId::Login {
            // No reader in this test: the login explains how to insert the card.
            assert!(shows(
                &app,
                "Vložte občanský průkaz do čtečky pod obrazovkou, čipem nahoru."
            ));
        } else if target == ScreenId::Contacts {
            // Nothing synced in this test: the town hall's number instead.
            assert!(shows(
                &app,
                "Kontakty zatím nejsou stažené z portálu. Telefon městského úřadu: +420 416 916 111."
            ));
        } else if target == ScreenId::Services {
            // Nothing synced in this test: the filing office's number instead.
            assert!(shows(
                &app,
                "Služby zatím nejsou stažené z portálu. Poradí vám na podatelně městského úřadu, telefon +420 416 916 111."
            ));
        } else if target == ScreenId::Elections {
            // Nothing synced in this test: where to ask instead.
            assert!(shows(
                &app,
                "Údaje o volbách zatím nejsou stažené z portálu. Informace o volbách vám dají na radnici, telefon +420 416 916 111."
            ));
        } else if target == ScreenId::Board {
            assert!(shows(
                &app,
                "Úřední deska zatím není stažená z portálu. Vyvěšené dokumenty najdete na úřední desce u radnice. Telefon městského úřadu: +420 416 916 111."
            ));
        } else if target != ScreenId::About {
            assert!(
                shows(&app, "Tuto část kiosku připravujeme."),
                "{tile} says honestly it is coming"
            );
        } else {
            assert!(shows(&app, "podporaportal@litomerice.cz"));
        }
        // Alternate the two ways home.
        touch(&app, if i % 2 == 0 { "Zpět" } else { "Domů" });
        assert_eq!(screen(&app), ScreenId::Home, "back home from {tile}");
    }
}

#[test]
fn volby_without_synced_data_says_where_to_ask_and_leads_home() {
    // Volby was the last "připravujeme" page a tile reached; it is built now.
    let (app, _ui) = kiosk(Mode::Kiosk, demo());
    touch(&app, "Dotkněte se obrazovky");
    touch(&app, "Volby");
    assert!(shows(
        &app,
        "Údaje o volbách zatím nejsou stažené z portálu. Informace o volbách vám dají na radnici, telefon +420 416 916 111."
    ));
    assert!(
        buttons(&app, "Kde volím?").is_empty(),
        "no lookup without data"
    );
    touch(&app, "Domů");
    assert_eq!(screen(&app), ScreenId::Home);
}

#[test]
fn idle_returns_to_the_loop_after_the_timeout_not_before() {
    let (app, _ui) = kiosk(Mode::Kiosk, demo());
    touch(&app, "Dotkněte se obrazovky");
    touch(&app, "Kontakty");
    i_slint_backend_testing::mock_elapsed_time(IDLE - Duration::from_secs(5));
    assert_eq!(screen(&app), ScreenId::Contacts);
    // A touch on empty space restarts the timer.
    touch(&app, "Zpět");
    i_slint_backend_testing::mock_elapsed_time(IDLE - Duration::from_secs(5));
    assert_eq!(screen(&app), ScreenId::Home);
    i_slint_backend_testing::mock_elapsed_time(Duration::from_secs(6));
    settle();
    assert_eq!(screen(&app), ScreenId::Promo);
    assert!(buttons(&app, "Domů").is_empty());
}

#[test]
fn a_touch_on_empty_space_keeps_the_kiosk_awake() {
    use slint::platform::{PointerEventButton, WindowEvent};
    let (app, _ui) = kiosk(Mode::Kiosk, demo());
    touch(&app, "Dotkněte se obrazovky");
    touch(&app, "Kontakty");
    i_slint_backend_testing::mock_elapsed_time(IDLE - Duration::from_secs(5));
    // Left margin of the page, level with the text: no button there.
    let position = slint::LogicalPosition::new(40.0, 540.0);
    app.window().dispatch_event(WindowEvent::PointerPressed {
        position,
        button: PointerEventButton::Left,
    });
    app.window().dispatch_event(WindowEvent::PointerReleased {
        position,
        button: PointerEventButton::Left,
    });
    settle();
    i_slint_backend_testing::mock_elapsed_time(IDLE - Duration::from_secs(5));
    assert_eq!(
        screen(&app),
        ScreenId::Contacts,
        "the touch restarted the idle timer"
    );
    i_slint_backend_testing::mock_elapsed_time(Duration::from_secs(6));
    settle();
    assert_eq!(screen(&app), ScreenId::Promo);
}

#[test]
fn old_data_shows_a_calm_note_for_staff() {
    use portal_kiosk::ui::UiUpdate;
    let (app, ui) = kiosk(Mode::Kiosk, demo());
    touch(&app, "Dotkněte se obrazovky");
    assert!(!shows(&app, "Údaje z 27. 11. 09:12"));
    ui.updates().send(UiUpdate::DataAge {
        stale: true,
        as_of: "27. 11. 09:12".into(),
    });
    ui.pump_updates();
    settle();
    assert!(shows(&app, "Údaje z 27. 11. 09:12"));
    ui.updates().send(UiUpdate::DataAge {
        stale: false,
        as_of: "27. 11. 12:00".into(),
    });
    ui.pump_updates();
    settle();
    assert!(
        !shows(&app, "Údaje z 27. 11. 12:00"),
        "fresh data needs no note"
    );
}

#[test]
fn a_new_playlist_takes_over_after_the_current_slide() {
    let (app, ui) = kiosk(Mode::Kiosk, demo());
    let promo = app.global::<Promo>();
    pump_until(&ui, || promo.get_show_b());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.toml");
    std::fs::write(
        &path,
        "[[slide]]\nkind = \"text\"\ntitle = \"Nový obsah\"\nseconds = 5\n",
    )
    .unwrap();
    let fresh = Playlist::load(&path, Duration::from_secs(8)).unwrap();
    ui.updates().send(portal_kiosk::ui::UiUpdate::Playlist {
        playlist: fresh,
        urgent: false,
    });
    ui.pump_updates();
    assert!(
        promo.get_slot_b().is_image,
        "the slide on screen finishes its time"
    );
    i_slint_backend_testing::mock_elapsed_time(Duration::from_secs(10));
    pump_until(&ui, || {
        promo.get_slot_a().title == "Nový obsah" || promo.get_slot_b().title == "Nový obsah"
    });
    assert_eq!(promo.get_count(), 1);
}

#[test]
fn language_switch_is_instant_and_resets_on_the_loop() {
    let (app, _ui) = kiosk(Mode::Kiosk, demo());
    touch(&app, "Dotkněte se obrazovky");
    touch(&app, "English");
    assert_eq!(
        app.global::<Flow>().get_language(),
        portal_kiosk::ui::Lang::En
    );
    assert_eq!(
        buttons(&app, "Back").len(),
        1,
        "the bar speaks English at once"
    );
    assert!(buttons(&app, "Zpět").is_empty());
    touch(&app, "Українська");
    assert_eq!(buttons(&app, "Назад").len(), 1);
    touch(&app, "Deutsch");
    assert_eq!(buttons(&app, "Zurück").len(), 1);
    touch(&app, &larger_text_in_german(&app));
    assert!(app.global::<portal_kiosk::ui::Theme>().get_large_text());

    i_slint_backend_testing::mock_elapsed_time(IDLE + Duration::from_secs(1));
    settle();
    assert_eq!(screen(&app), ScreenId::Promo);
    assert_eq!(
        app.global::<Flow>().get_language(),
        portal_kiosk::ui::Lang::Cs
    );
    assert!(
        !app.global::<portal_kiosk::ui::Theme>().get_large_text(),
        "larger text is reset too"
    );
    touch(&app, "Dotkněte se obrazovky");
    assert_eq!(
        buttons(&app, "Zpět").len(),
        1,
        "Czech again for the next person"
    );
}

/// The label of the larger-text switch as shown now (German while this test runs).
fn larger_text_in_german(app: &portal_kiosk::ui::AppWindow) -> String {
    let candidates = [
        "Größere Schrift",
        "Größerer Text",
        "Große Schrift",
        "Schrift vergrößern",
    ];
    candidates
        .iter()
        .find(|c| !buttons(app, c).is_empty())
        .map(|c| c.to_string())
        .unwrap_or_else(|| panic!("no German larger-text button among {candidates:?}"))
}

#[test]
fn high_contrast_switch_changes_the_theme() {
    let (app, _ui) = kiosk(Mode::Kiosk, demo());
    touch(&app, "Dotkněte se obrazovky");
    let theme = app.global::<portal_kiosk::ui::Theme>();
    let before = theme.get_background();
    touch(&app, "Vysoký kontrast");
    assert!(theme.get_high_contrast());
    assert_ne!(theme.get_background(), before);
    touch(&app, "Vysoký kontrast");
    assert!(!theme.get_high_contrast());
}

#[test]
fn signage_neither_invites_nor_takes_touches() {
    let (app, ui) = kiosk(Mode::Signage, demo());
    assert!(
        !shows(&app, "Dotkněte se obrazovky"),
        "no touch hint on a display-only screen"
    );
    ui.dispatch(portal_kiosk::kiosk::KioskEvent::Touch);
    settle();
    assert_eq!(screen(&app), ScreenId::Promo);
}

#[test]
fn counter_starts_on_the_staff_login_and_rests_there() {
    let (app, _ui) = kiosk(Mode::Counter, demo());
    assert_eq!(screen(&app), ScreenId::StaffLogin);
    // Without a staff member, "O kiosku" is all there is besides the PIN pad.
    assert!(buttons(&app, "Kontakty").is_empty());
    touch(&app, "1");
    i_slint_backend_testing::mock_elapsed_time(IDLE + Duration::from_secs(1));
    settle();
    assert_eq!(screen(&app), ScreenId::StaffLogin);
    assert_eq!(app.global::<portal_kiosk::ui::Staff>().get_pin_length(), 0);
}

/// Waits (in real time) for the preparer thread and delivers its slides.
fn pump_until(ui: &portal_kiosk::ui::KioskUi, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "the promo slide never arrived");
        std::thread::sleep(Duration::from_millis(20));
        ui.pump_promo();
    }
}

#[test]
fn the_loop_shows_prepared_slides_in_order_and_frees_them_when_left() {
    let (app, ui) = kiosk(Mode::Kiosk, demo());
    let promo = app.global::<Promo>();
    pump_until(&ui, || promo.get_show_b());
    let first = promo.get_slot_b();
    assert!(first.is_image, "the demo loop opens with its picture");
    assert_eq!(
        first.image.size().width,
        1920,
        "the slide was scaled to the screen off the UI thread"
    );
    assert_eq!(promo.get_position(), 0);

    // Slide 0's whole time passes in one step: slide 1, asked for just before
    // it was up, follows as soon as it is ready.
    std::thread::sleep(Duration::from_millis(300));
    ui.pump_promo();
    i_slint_backend_testing::mock_elapsed_time(Duration::from_secs(10));
    pump_until(&ui, || promo.get_position() == 1);
    assert!(!promo.get_show_b(), "the second slide went into layer A");
    let second = promo.get_slot_a();
    assert!(
        !second.is_image && second.has_qr,
        "the second demo slide is text with a QR code"
    );
    i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(500));
    assert_eq!(
        promo.get_slot_b().image.size().width,
        0,
        "the faded-out picture was released"
    );

    touch(&app, "Dotkněte se obrazovky");
    assert_eq!(
        promo.get_slot_a().title,
        "",
        "leaving the loop releases its slides"
    );
    assert_eq!(promo.get_slot_b().image.size().width, 0);
}

#[test]
fn the_next_slide_is_prepared_only_just_before_its_turn() {
    let (app, ui) = kiosk(Mode::Kiosk, demo());
    let promo = app.global::<Promo>();
    pump_until(&ui, || promo.get_show_b());
    // The first picture stands for 9 s (the demo playlist). Its successor is
    // not decoded and held all that time, only in the last half second.
    std::thread::sleep(Duration::from_millis(500));
    ui.pump_promo();
    assert!(
        !ui.promo_next_is_ready(),
        "the next slide was prepared at once"
    );
    i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(8_000));
    std::thread::sleep(Duration::from_millis(500));
    ui.pump_promo();
    assert!(!ui.promo_next_is_ready(), "prepared 1 s before its turn");
    i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(600));
    pump_until(&ui, || ui.promo_next_is_ready());
    assert_eq!(
        promo.get_position(),
        0,
        "the first slide has its whole time"
    );
    i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(500));
    assert_eq!(promo.get_position(), 1);
    assert!(!ui.promo_next_is_ready());
}

#[test]
fn a_playlist_of_broken_images_falls_back_instead_of_going_dark() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("broken.jpg"), b"not a picture").unwrap();
    let path = dir.path().join("playlist.toml");
    std::fs::write(&path, "[[slide]]\nkind = \"image\"\nimage = \"broken.jpg\"\n\n[[slide]]\nkind = \"image\"\nimage = \"missing.png\"\n").unwrap();
    let playlist = Playlist::load(&path, Duration::from_secs(8)).unwrap();
    let (app, ui) = kiosk(Mode::Kiosk, playlist);
    let promo = app.global::<Promo>();
    pump_until(&ui, || promo.get_show_b());
    assert_eq!(promo.get_slot_b().title, "Portál občana Litoměřice");
    // Good content replaces the fallback at once, without waiting for a retry.
    ui.updates().send(portal_kiosk::ui::UiUpdate::Playlist {
        playlist: demo(),
        urgent: false,
    });
    ui.pump_updates();
    pump_until(&ui, || {
        promo.get_slot_a().is_image || promo.get_slot_b().is_image
    });
}

#[test]
fn every_slide_put_on_screen_is_counted_once() {
    let (app, ui) = kiosk(Mode::Kiosk, demo());
    let plays = std::rc::Rc::new(std::cell::RefCell::new(Vec::<String>::new()));
    let sink = plays.clone();
    ui.on_play(move |slide| sink.borrow_mut().push(slide.id.clone()));
    let promo = app.global::<Promo>();
    pump_until(&ui, || promo.get_show_b());
    assert_eq!(*plays.borrow(), vec!["bundled-1"]);
    std::thread::sleep(Duration::from_millis(300));
    ui.pump_promo();
    i_slint_backend_testing::mock_elapsed_time(Duration::from_secs(10));
    pump_until(&ui, || promo.get_position() == 1);
    assert_eq!(*plays.borrow(), vec!["bundled-1", "bundled-2"]);
    // Leaving the loop counts nothing more.
    touch(&app, "Dotkněte se obrazovky");
    i_slint_backend_testing::mock_elapsed_time(Duration::from_secs(30));
    assert_eq!(plays.borrow().len(), 2);
}

#[test]
fn an_urgent_notice_covers_the_loop_shows_on_home_and_goes_when_withdrawn() {
    use portal_kiosk::portal::types::NoticeSeverity;
    use portal_kiosk::promo::notices::ActiveNotice;
    use portal_kiosk::ui::UiUpdate;
    let (app, ui) = kiosk(Mode::Kiosk, demo());
    let promo = app.global::<Promo>();
    assert!(!promo.get_notice_shown());
    let notice = |id: &str, severity, title: &str| ActiveNotice {
        id: id.into(),
        severity,
        title: title.into(),
        body: "Dnes od 8 do 14 hodin.".into(),
        picture: None,
        expires_at: chrono::Utc::now() + chrono::Duration::hours(1),
    };
    ui.updates().send(UiUpdate::Notices(vec![
        notice("voda", NoticeSeverity::Critical, "Výpadek vody"),
        notice("namesti", NoticeSeverity::Info, "Uzavírka náměstí"),
    ]));
    ui.pump_updates();
    assert!(promo.get_notice_shown());
    assert!(promo.get_notice_critical());
    assert_eq!(promo.get_notice_more(), 1);
    assert!(shows(&app, "Varování: Výpadek vody"), "over the loop");
    assert!(shows(&app, "Výpadek vody"));
    // The loop still opens home, where the notice is a banner.
    touch(&app, "Dotkněte se obrazovky");
    assert_eq!(screen(&app), ScreenId::Home);
    assert!(shows(&app, "Varování:"));
    assert!(shows(
        &app,
        "Varování: Výpadek vody. Dnes od 8 do 14 hodin."
    ));
    // Withdrawn (or expired): gone from home at once.
    ui.updates().send(UiUpdate::Notices(Vec::new()));
    ui.pump_updates();
    assert!(!promo.get_notice_shown());
    assert!(!shows(&app, "Varování:"));
}
