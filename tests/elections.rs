//! Volby and "Kde volím?" through the window, by accessible labels, on the
//! seed's elections synced from the real development portal into a real
//! store: Volby (the next election's days in words) → Kde volím? → the street
//! typed key by key on the on-screen keyboard → a split street's house number
//! on the numeric pad → the district and its room → the map's QR code decoded
//! → "Vytisknout" → the polling-place slip decoded; a street in one district;
//! an unknown street with the closest names and a number outside every range;
//! no election ahead.

mod support;

use std::sync::Arc;
use std::time::Duration;

use portal_kiosk::config::Mode;
use portal_kiosk::kiosk::SessionTimes;
use portal_kiosk::portal::types::ElectionInfo;
use portal_kiosk::promo::Playlist;
use portal_kiosk::ui::{AppWindow, Citizen, Flow, KioskUi, ScreenId, UiUpdate, Voting};
use slint::ComponentHandle;
use support::*;

struct Setup {
    app: AppWindow,
    ui: KioskUi,
    info: ElectionInfo,
    slips: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

/// The seed's elections pulled from the development portal into a store, and
/// what the store hands to a kiosk window (with a preview printer).
fn kiosk_with_elections() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let rt = runtime();
    let (portal, client) = portal_and_client(dir.path());
    let data = dir.path().join("kiosk");
    let mut engine = portal_kiosk::sync::SyncEngine::new(
        (*client).clone(),
        portal_kiosk::store::Store::open_in(&data).unwrap(),
        portal_kiosk::sync::SyncSettings {
            kiosk_id: "lt-test-01".into(),
            assets_dir: data.join("assets"),
            asset_budget: 64 << 20,
            intervals: portal_kiosk::sync::SyncIntervals::default(),
        },
    );
    let report = rt.block_on(engine.pull_named("elections")).unwrap();
    assert_eq!(report.outcome, portal_kiosk::sync::PullOutcome::Fetched);
    let snapshot = portal_kiosk::sync::runner::snapshot(&engine).unwrap();
    rt.block_on(portal.stop());
    let info = (*snapshot.elections).clone();
    let (printer, slips) = preview_printer(dir.path(), "epson-tm-t20");
    let (app, ui) = kiosk_full(
        Mode::Kiosk,
        Playlist::demo(Duration::from_secs(8)),
        portal_kiosk::login::Adapters::none(),
        SessionTimes::default(),
        Some(printer),
    );
    ui.updates()
        .send(UiUpdate::Elections(snapshot.elections.clone()));
    ui.pump_updates();
    touch(&app, "Dotkněte se obrazovky");
    Setup {
        app,
        ui,
        info,
        slips,
        _dir: dir,
    }
}

fn screen(app: &AppWindow) -> ScreenId {
    app.global::<Flow>().get_screen()
}

/// Types `text` key by key on the on-screen keyboard.
fn type_keys(app: &AppWindow, text: &str) {
    for c in text.chars() {
        match c {
            ' ' => touch(app, "mezera"),
            c => touch(app, &c.to_string()),
        }
    }
}

/// The value of a slip's "Label: value" line (the value is right-aligned).
fn field(text: &str, label: &str) -> Option<String> {
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{label}:")))
        .map(|v| v.trim().to_string())
}

fn qr_texts(image: &slint::Image) -> Vec<String> {
    let buffer = image.to_rgb8().expect("a pixel image");
    let gray = image::GrayImage::from_fn(buffer.width(), buffer.height(), |x, y| {
        image::Luma([buffer.as_slice()[(y * buffer.width() + x) as usize].r])
    });
    portal_kiosk::payment::read_qr_codes(&gray)
}

/// The slip the preview printer wrote last, decoded.
fn printed(s: &Setup) -> portal_kiosk::receipt::DecodedReceipt {
    let c = s.app.global::<Citizen>();
    pump_until(&s.ui, "printed", || {
        c.get_print_status() == portal_kiosk::ui::PrintStatus::Printed
    });
    let bin = std::fs::read_dir(&s.slips)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "bin"))
        .expect("a slip");
    portal_kiosk::receipt::decode::decode(&std::fs::read(bin).unwrap()).unwrap()
}

#[test]
fn kde_volim_a_split_street_its_house_number_the_room_its_map_and_the_slip() {
    let s = kiosk_with_elections();
    touch(&s.app, "Volby");
    assert_eq!(screen(&s.app), ScreenId::Elections);
    let today = chrono::Local::now().date_naive();
    let schedule = portal_kiosk::elections::schedule(&s.info, today);
    if let Some(next) = schedule.upcoming.first() {
        // "pátek 14. ledna 2028, 14:00–22:00": the day in words with its hours.
        let first = format!(
            "{} {}, {}",
            portal_kiosk::elections::day_in_words(next.days[0]),
            chrono::Datelike::year(&next.days[0]),
            next.hours[0]
        );
        assert!(shows(&s.app, &next.title));
        assert!(shows(&s.app, &first), "{first}");
    }

    touch(&s.app, "Kde volím?");
    assert_eq!(screen(&s.app), ScreenId::WhereToVote);
    assert!(shows(
        &s.app,
        "Napište název ulice, kde bydlíte. Stačí první dvě písmena, háčky a čárky psát nemusíte."
    ));
    type_keys(&s.app, "d");
    assert!(
        buttons(&s.app, "Dlouhá").is_empty(),
        "nothing after one letter"
    );
    type_keys(&s.app, "lo");
    touch(&s.app, "Dlouhá");
    assert_eq!(screen(&s.app), ScreenId::HouseNumber);
    assert!(shows(&s.app, "liché domy: okrsek 1"));
    assert!(shows(&s.app, "sudé domy: okrsek 2"));
    touch(&s.app, "1");
    touch(&s.app, "2");
    touch(&s.app, "Najít");
    assert_eq!(screen(&s.app), ScreenId::PollingPlace);
    let district = s.info.districts.iter().find(|d| d.number == 2).unwrap();
    assert!(shows(&s.app, "Volební okrsek č. 2"));
    assert!(shows(&s.app, "pro adresu Dlouhá 12"));
    assert!(shows(&s.app, &district.place));
    assert!(shows(&s.app, &district.address));
    assert!(shows(&s.app, &format!("Místnost: {}", district.room)));
    assert!(shows(&s.app, district.accessibility.as_deref().unwrap()));
    let map = portal_kiosk::elections::map_link(district.map.as_deref().unwrap()).unwrap();
    let voting = s.app.global::<Voting>();
    assert!(voting.get_has_map());
    assert_eq!(qr_texts(&voting.get_map_qr()), vec![map.clone()]);

    touch(&s.app, "Vytisknout");
    let decoded = printed(&s);
    let text = decoded.lines().join("\n");
    let flat = text.replace('\n', " ");
    assert!(flat.contains("Kde volím"), "{text}");
    assert_eq!(
        field(&text, "Volební okrsek").as_deref(),
        Some("2"),
        "{text}"
    );
    assert!(flat.contains(&district.place), "{text}");
    assert!(
        !flat.contains("Dlouhá 12"),
        "the slip names no address: {text}"
    );
    assert_eq!(decoded.qr_payloads(), vec![map]);
    touch(&s.app, "Zavřít");
    // Zpět: the number, then the street as typed.
    touch(&s.app, "Zpět");
    assert_eq!(screen(&s.app), ScreenId::HouseNumber);
    touch(&s.app, "Zpět");
    assert_eq!(screen(&s.app), ScreenId::WhereToVote);
    assert_eq!(voting.get_typed(), "dlo");
}

#[test]
fn a_street_in_one_district_goes_straight_to_its_room() {
    let s = kiosk_with_elections();
    touch(&s.app, "Volby");
    touch(&s.app, "Kde volím?");
    type_keys(&s.app, "veit");
    touch(&s.app, "Veitova");
    assert_eq!(screen(&s.app), ScreenId::PollingPlace);
    assert!(shows(&s.app, "Volební okrsek č. 1"));
    assert!(shows(&s.app, "pro ulici Veitova"));
}

#[test]
fn an_unknown_street_gets_the_closest_names_and_a_number_outside_every_range_is_said_so() {
    let s = kiosk_with_elections();
    touch(&s.app, "Volby");
    touch(&s.app, "Kde volím?");
    type_keys(&s.app, "masarikova");
    assert!(shows(
        &s.app,
        "Ulici „masarikova“ v seznamu volebních okrsků nemáme. Měli jste na mysli:"
    ));
    touch(&s.app, "Masarykova");
    assert_eq!(screen(&s.app), ScreenId::HouseNumber);
    assert!(shows(&s.app, "čísla 1 až 40: okrsek 7"));
    for d in ["3", "0", "1"] {
        touch(&s.app, d);
    }
    touch(&s.app, "Najít");
    assert_eq!(screen(&s.app), ScreenId::HouseNumber);
    assert!(shows(
        &s.app,
        "Číslo 301 v ulici Masarykova nepatří do žádného volebního okrsku. Zkontrolujte číslo, nebo zavolejte na radnici: +420 416 916 111."
    ));
    touch(&s.app, "Smazat");
    touch(&s.app, "Najít");
    assert_eq!(screen(&s.app), ScreenId::PollingPlace);
    assert!(shows(&s.app, "Volební okrsek č. 7"));

    // A name nothing resembles: the town hall's number.
    touch(&s.app, "Zpět");
    touch(&s.app, "Zpět");
    touch(&s.app, "Smazat vše");
    type_keys(&s.app, "xyzzy");
    assert!(shows(
        &s.app,
        "Ulici „xyzzy“ v seznamu volebních okrsků nemáme. Zkontrolujte název, nebo zavolejte na radnici: +420 416 916 111."
    ));
}

#[test]
fn with_no_election_ahead_volby_names_the_last_one_and_the_lookup_still_works() {
    let s = kiosk_with_elections();
    let mut info = s.info.clone();
    info.elections.retain(|e| {
        e.days
            .iter()
            .all(|d| *d < chrono::Local::now().date_naive())
    });
    assert!(!info.elections.is_empty(), "the seed has a past election");
    s.ui.updates()
        .send(UiUpdate::Elections(Arc::new(info.clone())));
    s.ui.pump_updates();
    touch(&s.app, "Volby");
    let last = info.elections.iter().max_by_key(|e| e.days[0]).unwrap();
    assert!(shows(
        &s.app,
        &format!(
            "Žádné volby teď nejsou vyhlášené. Naposledy se volilo: {}, {}. Až budou další volby vyhlášené, najdete je tady.",
            last.title,
            portal_kiosk::elections::date_in_words(last.days[0])
        )
    ));
    touch(&s.app, "Kde volím?");
    type_keys(&s.app, "veit");
    touch(&s.app, "Veitova");
    assert!(shows(&s.app, "Volební okrsek č. 1"));
}
