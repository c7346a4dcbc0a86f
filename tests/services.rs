//! Služby úřadu and the contacts search through the window, by accessible
//! labels, on the seed catalogue kept in a real SQLite store: home → Služby
//! úřadu → a life situation → a service → its form's QR code decoded back to
//! the form's URL → "Vytisknout" → the slip's ESC/POS bytes decoded; a search
//! typed key by key on the on-screen keyboard, with and without háčky and
//! čárky, by prefix and with a typo; the department view; the contacts search
//! by a person's name and by phone; and the bad inputs (nothing typed, nothing
//! found, markup and links that are not https, a thousand results).

mod support;

use std::time::Duration;

use portal_kiosk::config::Mode;
use portal_kiosk::kiosk::SessionTimes;
use portal_kiosk::portal::types::{ContactDirectory, Service, ServiceCatalogue};
use portal_kiosk::promo::Playlist;
use portal_kiosk::ui::{
    AppWindow, Citizen, Flow, KioskUi, ScreenId, SearchState, Services, UiUpdate,
};
use slint::{ComponentHandle, Model};
use support::*;

fn seed() -> (ServiceCatalogue, ContactDirectory) {
    let read = |name: &str| {
        std::fs::read_to_string(format!("{}/assets/seed/{name}", env!("CARGO_MANIFEST_DIR")))
            .unwrap()
    };
    (
        serde_json::from_str(&read("services.json")).unwrap(),
        serde_json::from_str(&read("contacts.json")).unwrap(),
    )
}

struct Setup {
    app: AppWindow,
    ui: KioskUi,
    slips: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

/// A kiosk with a preview printer whose store holds `services` and the seed's
/// contacts (as after a sync), searching that store.
fn kiosk_with(services: Vec<Service>) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let (_, contacts) = seed();
    let mut store = portal_kiosk::store::Store::open_in(&dir.path().join("data")).unwrap();
    let catalogue = ServiceCatalogue { services };
    store
        .replace(&contacts, "\"c\"", chrono::Utc::now())
        .unwrap();
    store
        .replace(&catalogue, "\"s\"", chrono::Utc::now())
        .unwrap();
    let (printer, slips) = preview_printer(dir.path(), "epson-tm-t20");
    let (app, ui) = kiosk_full(
        Mode::Kiosk,
        Playlist::demo(Duration::from_secs(8)),
        portal_kiosk::login::Adapters::none(),
        SessionTimes::default(),
        Some(printer),
    );
    ui.start_search(store.path());
    ui.updates().send(UiUpdate::Contacts(contacts.departments));
    ui.updates()
        .send(UiUpdate::Catalogue(std::sync::Arc::new(catalogue.services)));
    ui.pump_updates();
    touch(&app, "Dotkněte se obrazovky");
    Setup {
        app,
        ui,
        slips,
        _dir: dir,
    }
}

fn screen(app: &AppWindow) -> ScreenId {
    app.global::<Flow>().get_screen()
}

/// Types `text` key by key on the on-screen keyboard (digits on their layer).
fn type_keys(app: &AppWindow, text: &str) {
    let mut digits = false;
    for c in text.chars() {
        let want_digits = c.is_ascii_digit();
        if want_digits != digits {
            touch(app, if want_digits { "Číslice" } else { "Písmena" });
            digits = want_digits;
        }
        match c {
            ' ' => touch(app, "mezera"),
            c => touch(app, &c.to_string()),
        }
    }
    if digits {
        touch(app, "Písmena");
    }
}

/// The titles of the results once the search for what was typed has answered.
fn results(s: &Setup) -> Vec<String> {
    let services = s.app.global::<Services>();
    pump_until(&s.ui, "search answered", || {
        services.get_search() != SearchState::Searching
    });
    services
        .get_results()
        .iter()
        .map(|r| r.title.to_string())
        .collect()
}

fn qr_texts(image: &slint::Image) -> Vec<String> {
    let buffer = image.to_rgb8().expect("a pixel image");
    let gray = image::GrayImage::from_fn(buffer.width(), buffer.height(), |x, y| {
        image::Luma([buffer.as_slice()[(y * buffer.width() + x) as usize].r])
    });
    portal_kiosk::payment::read_qr_codes(&gray)
}

#[test]
fn a_life_situation_leads_to_a_service_its_form_qr_and_its_slip() {
    let (catalogue, _) = seed();
    let s = kiosk_with(catalogue.services.clone());
    touch(&s.app, "Služby úřadu");
    assert_eq!(screen(&s.app), ScreenId::Services);
    touch(&s.app, "Doklady a evidence obyvatel");
    assert_eq!(screen(&s.app), ScreenId::ServiceList);
    let service = catalogue
        .services
        .iter()
        .find(|x| x.id == "trvaly-pobyt-prihlaseni")
        .unwrap();
    touch(&s.app, &service.title);
    assert_eq!(screen(&s.app), ScreenId::ServiceDetail);
    // Every part is there, page by page ("Dolů" pages a long text).
    let mut seen: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
    let parts = ["Kde", "Jak", "S kým", "Za kolik", "Co s sebou", "Formuláře"];
    for _ in 0..8 {
        seen.extend(parts.iter().copied().filter(|h| shows(&s.app, h)));
        touch(&s.app, "Dolů");
    }
    assert_eq!(seen.len(), parts.len(), "parts seen: {seen:?}");
    // Each form's QR code scans back to the form's own address.
    let forms = s.app.global::<Services>().get_forms();
    assert_eq!(forms.row_count(), service.forms.len());
    for (row, form) in forms.iter().zip(&service.forms) {
        assert!(row.has_qr);
        assert_eq!(qr_texts(&row.qr), vec![form.url.clone()]);
    }
    assert!(shows(&s.app, "ZFO: lze poslat datovou schránkou"));
    // "Objednat se": the reservation's QR code.
    touch(&s.app, "Objednat se");
    let services = s.app.global::<Services>();
    assert!(services.get_reservation_shown());
    assert_eq!(
        qr_texts(&services.get_reservation_qr()),
        vec![service.reservation_url.clone().unwrap()]
    );
    touch(&s.app, "Zavřít");

    touch(&s.app, "Vytisknout");
    let c = s.app.global::<Citizen>();
    assert!(c.get_slip_preview_visible());
    pump_until(&s.ui, "printed", || {
        c.get_print_status() == portal_kiosk::ui::PrintStatus::Printed
    });
    let bin = std::fs::read_dir(&s.slips)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "bin"))
        .expect("a slip");
    let decoded = portal_kiosk::receipt::decode::decode(&std::fs::read(bin).unwrap()).unwrap();
    let text = decoded.lines().join("\n");
    assert!(text.replace('\n', " ").contains(&service.title), "{text}");
    assert!(text.contains("KDE") && text.contains("S SEBOU"), "{text}");
    assert!(
        decoded
            .qr_payloads()
            .contains(&service.reservation_url.clone().unwrap()),
        "{text}"
    );
    touch(&s.app, "Zavřít");
    // Back leads to the list, then to the categories.
    touch(&s.app, "Zpět");
    assert_eq!(screen(&s.app), ScreenId::ServiceList);
    touch(&s.app, "Zpět");
    assert_eq!(screen(&s.app), ScreenId::Services);
}

#[test]
fn typed_searches_find_with_and_without_diacritics_by_prefix_and_with_a_typo() {
    let (catalogue, _) = seed();
    let s = kiosk_with(catalogue.services);
    touch(&s.app, "Služby úřadu");
    touch(&s.app, "Hledat");
    assert_eq!(screen(&s.app), ScreenId::ServiceSearch);
    assert_eq!(
        s.app.global::<Services>().get_search(),
        SearchState::Empty,
        "nothing typed: browsing is offered, not an error"
    );
    assert!(shows(&s.app, "Procházet služby"));

    for typed in ["přihlášení psa", "prihlaseni psa"] {
        type_keys(&s.app, typed);
        assert_eq!(s.app.global::<Services>().get_query(), typed);
        let found = results(&s);
        assert_eq!(
            found.first().map(String::as_str),
            Some("Přihlášení a odhlášení psa"),
            "{typed}"
        );
        touch(&s.app, "Smazat vše");
    }
    // A prefix: three letters find the ID card first.
    type_keys(&s.app, "obc");
    assert_eq!(results(&s)[0], "Vydání občanského průkazu");
    touch(&s.app, "Smazat");
    touch(&s.app, "Smazat");
    touch(&s.app, "Smazat");
    assert_eq!(s.app.global::<Services>().get_search(), SearchState::Empty);
    // One letter wrong in a longer word.
    type_keys(&s.app, "svadba");
    assert_eq!(results(&s)[0], "Uzavření manželství");
    touch(&s.app, "Smazat vše");
    // Nothing found: said, with browsing and the filing office's phone.
    type_keys(&s.app, "xqzw");
    assert!(results(&s).is_empty());
    assert_eq!(
        s.app.global::<Services>().get_search(),
        SearchState::NoResults
    );
    assert!(shows(&s.app, "Procházet služby"));
    // A result opens; "Zpět" returns to the search as it was.
    touch(&s.app, "Smazat vše");
    type_keys(&s.app, "svatba");
    let first = results(&s)[0].clone();
    touch(&s.app, &first);
    assert_eq!(screen(&s.app), ScreenId::ServiceDetail);
    touch(&s.app, "Zpět");
    assert_eq!(screen(&s.app), ScreenId::ServiceSearch);
    assert_eq!(s.app.global::<Services>().get_query(), "svatba");
}

#[test]
fn the_department_view_lists_a_departments_services() {
    let (catalogue, contacts) = seed();
    let s = kiosk_with(catalogue.services.clone());
    touch(&s.app, "Služby úřadu");
    touch(&s.app, "Podle odboru");
    let matrika = contacts
        .departments
        .iter()
        .find(|d| d.id == "matrika")
        .unwrap();
    touch(&s.app, &matrika.name);
    assert_eq!(screen(&s.app), ScreenId::ServiceList);
    let listed: Vec<String> = s
        .app
        .global::<Services>()
        .get_list()
        .iter()
        .map(|r| r.id.to_string())
        .collect();
    let expected: Vec<String> = catalogue
        .services
        .iter()
        .filter(|x| x.department_id == "matrika")
        .map(|x| x.id.clone())
        .collect();
    assert_eq!(listed, expected);
}

#[test]
fn contacts_are_found_by_a_persons_name_and_by_phone() {
    let (catalogue, contacts) = seed();
    let s = kiosk_with(catalogue.services);
    touch(&s.app, "Kontakty");
    touch(&s.app, "Hledat");
    assert_eq!(screen(&s.app), ScreenId::ContactSearch);
    let services = s.app.global::<Services>();
    let hits = |s: &Setup| {
        pump_until(&s.ui, "contacts search answered", || {
            services.get_contact_search() != SearchState::Searching
        });
        services
            .get_contact_hits()
            .iter()
            .map(|h| h.title.to_string())
            .collect::<Vec<_>>()
    };
    type_keys(&s.app, "pokorna");
    assert_eq!(hits(&s).first().map(String::as_str), Some("Hana Pokorná"));
    touch(&s.app, "Smazat vše");
    type_keys(&s.app, "916126");
    assert_eq!(hits(&s).first().map(String::as_str), Some("Hana Pokorná"));
    // The person's department opens.
    touch(&s.app, "Hana Pokorná");
    assert_eq!(screen(&s.app), ScreenId::ContactDetail);
    let spravni = contacts
        .departments
        .iter()
        .find(|d| d.id == "odbor-spravni")
        .unwrap();
    assert_eq!(
        s.app
            .global::<portal_kiosk::ui::Public>()
            .get_department_name(),
        spravni.name.as_str()
    );
}

#[test]
fn bad_backend_text_is_plain_and_unsafe_links_get_no_qr_code() {
    let (catalogue, _) = seed();
    let mut odd: Service = serde_json::from_value(serde_json::json!({
        "id": "odd",
        "title": "<b>Velmi</b> dlouhý název služby s nesmírně dlouhým slovem Nejneobhospodařovávatelnějšími pozemky",
        "categories": ["Úřad a samospráva"],
        "cost": "null",
        "forms": [{"name": "Stará žádost", "format": "PDF", "url": "http://example.cz/zadost.pdf"}],
        "reservationUrl": "http://rezervace.example.cz",
        "updatedAt": "2026-01-01"
    }))
    .unwrap();
    odd.how = "<script>alert(1)</script>Přijďte osobně.".into();
    let mut services = catalogue.services;
    services.push(odd);
    let s = kiosk_with(services);
    s.ui.dispatch(portal_kiosk::kiosk::KioskEvent::Services(
        portal_kiosk::kiosk::ServicesEvent::OpenService("odd".into()),
    ));
    settle();
    let services = s.app.global::<Services>();
    assert_eq!(screen(&s.app), ScreenId::ServiceDetail);
    assert!(
        services.get_title().starts_with("Velmi dlouhý"),
        "{}",
        services.get_title()
    );
    assert!(!services.get_how().contains('<'));
    // "null" and missing parts leave no empty section.
    assert!(services.get_cost().is_empty());
    assert!(!shows(&s.app, "Za kolik"));
    assert!(!shows(&s.app, "Kde"));
    let form = services.get_forms().row_data(0).unwrap();
    assert!(!form.has_qr);
    assert!(shows(
        &s.app,
        "Odkaz není zabezpečený, QR kód proto neukazujeme. Formulář dostanete na podatelně."
    ));
    assert!(!services.get_has_reservation());
}

#[test]
fn a_thousand_results_are_a_paged_list() {
    let (catalogue, _) = seed();
    let base = catalogue.services[0].clone();
    let services: Vec<Service> = (0..1200)
        .map(|i| Service {
            id: format!("sluzba-{i}"),
            title: format!("Potvrzení číslo {i}"),
            ..base.clone()
        })
        .collect();
    let s = kiosk_with(services);
    touch(&s.app, "Služby úřadu");
    touch(&s.app, "Hledat");
    type_keys(&s.app, "potvrzeni");
    assert_eq!(results(&s).len(), 1200);
    // The list pages: "Dolů" moves it, "Nahoru" comes back.
    touch(&s.app, "Dolů");
    touch(&s.app, "Nahoru");
    assert_eq!(screen(&s.app), ScreenId::ServiceSearch);
}
