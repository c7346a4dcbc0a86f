//! Kontakty through the window by accessible labels: the synced departments
//! listed, one opened (where, phone, hours, people), "Zpět" to the list, and
//! "Vytisknout kontakt" printing the contact slip to a preview printer whose
//! ESC/POS bytes are decoded back.

mod support;

use std::time::Duration;

use portal_kiosk::config::Mode;
use portal_kiosk::kiosk::SessionTimes;
use portal_kiosk::portal::types::ContactDirectory;
use portal_kiosk::promo::Playlist;
use portal_kiosk::ui::{Citizen, Flow, Public, ScreenId, UiUpdate};
use slint::ComponentHandle;
use support::*;

fn seed() -> ContactDirectory {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/seed/contacts.json"
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn a_department_opens_shows_how_to_reach_it_and_prints() {
    let dir = tempfile::tempdir().unwrap();
    let (printer, slips) = preview_printer(dir.path(), "epson-tm-t20");
    let (app, ui) = kiosk_full(
        Mode::Kiosk,
        Playlist::demo(Duration::from_secs(8)),
        portal_kiosk::login::Adapters::none(),
        SessionTimes::default(),
        Some(printer),
    );
    let directory = seed();
    ui.updates()
        .send(UiUpdate::Contacts(directory.departments.clone()));
    ui.pump_updates();
    let screen = || app.global::<Flow>().get_screen();

    touch(&app, "Dotkněte se obrazovky");
    touch(&app, "Kontakty");
    assert_eq!(screen(), ScreenId::Contacts);
    let first = &directory.departments[0];
    let second = &directory.departments[1];
    assert!(shows(&app, &first.name));

    touch(&app, &second.name);
    assert_eq!(screen(), ScreenId::ContactDetail);
    assert!(shows(&app, &format!("Telefon: {}", second.phone)));
    assert!(shows(&app, &format!("Adresa: {}", second.address)));
    // Today's hours first and marked, "8:00" without a leading zero.
    let today = chrono::Local::now().date_naive();
    for h in portal_kiosk::services::hours_from_today(&second.office_hours, today) {
        let day = if h.today {
            format!("Dnes ({})", h.day)
        } else {
            h.day.clone()
        };
        assert!(shows(&app, &format!("{day}: {}", h.hours)), "{day}");
    }
    for p in &second.people {
        assert!(shows(&app, &p.name));
    }

    // "Zpět" leads to the list, not home.
    touch(&app, "Zpět");
    assert_eq!(screen(), ScreenId::Contacts);
    touch(&app, &first.name);
    assert_eq!(
        app.global::<Public>().get_department_name(),
        first.name.as_str()
    );

    // A new sync that keeps the department keeps it on screen.
    ui.updates()
        .send(UiUpdate::Contacts(directory.departments.clone()));
    ui.pump_updates();
    assert_eq!(
        app.global::<Public>().get_department_name(),
        first.name.as_str()
    );

    touch(&app, "Vytisknout kontakt");
    let c = app.global::<Citizen>();
    assert!(c.get_slip_preview_visible(), "the slip is shown as printed");
    pump_until(&ui, "printed", || {
        c.get_print_status() == portal_kiosk::ui::PrintStatus::Printed
    });
    let bin = std::fs::read_dir(&slips)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "bin"))
        .expect("a slip");
    let text = portal_kiosk::receipt::decode::decode(&std::fs::read(bin).unwrap())
        .unwrap()
        .lines()
        .join("\n");
    assert!(text.contains(&first.name), "{text}");
    assert!(text.contains(&first.phone), "{text}");
    assert!(text.contains("ÚŘEDNÍ HODINY"), "{text}");
    touch(&app, "Zavřít");
    assert!(!c.get_slip_preview_visible());
}

#[test]
fn without_synced_contacts_the_screen_gives_the_town_halls_number() {
    let (app, _ui) = kiosk(Mode::Kiosk, Playlist::demo(Duration::from_secs(8)));
    touch(&app, "Dotkněte se obrazovky");
    touch(&app, "Kontakty");
    assert!(shows(
        &app,
        "Kontakty zatím nejsou stažené z portálu. Telefon městského úřadu: +420 416 916 111."
    ));
}
