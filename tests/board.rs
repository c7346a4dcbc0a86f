//! The úřední deska through the window, by accessible labels: a board in OFN
//! JSON-LD published on the real development portal, pulled by the kiosk's
//! sync engine into a real store, handed to the window as the running kiosk
//! does (its content snapshot) → the "Úřední deska" tile → newest first → a
//! notice with its dates in words → its document's QR code decoded back to
//! the document's URL → "Vytisknout" → the notice slip's ESC/POS bytes decoded
//! (title, dates, reference, QR of the notice's page); the agenda filter; a
//! non-https document without a QR code; 2,000 notices paged; a nástěnka
//! notice opened in full.

mod support;

use std::time::Duration;

use chrono::NaiveDate;
use portal_kiosk::config::Mode;
use portal_kiosk::elections::date_in_words;
use portal_kiosk::kiosk::SessionTimes;
use portal_kiosk::promo::Playlist;
use portal_kiosk::ui::{AppWindow, Board, Citizen, Flow, KioskUi, ScreenId};
use serde_json::json;
use slint::{ComponentHandle, Model};
use support::*;

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn day(offset: i64) -> String {
    (today() + chrono::Duration::days(offset)).to_string()
}

/// An OFN notice posted `posted` days from today, hanging `until` days from today.
fn ofn_notice(n: usize, title: &str, posted: i64, until: i64, agenda: &str) -> serde_json::Value {
    let iri = format!("https://www.litomerice.cz/uredni-deska/test/{n}");
    json!({
        "typ": ["Digitální objekt", "Informace na úřední desce"],
        "iri": iri, "url": iri,
        "název": { "cs": title },
        "popis": { "cs": format!("<p>Text oznámení {n}.</p>") },
        "vyvěšení": { "typ": "Časový okamžik", "datum": day(posted) },
        "relevantní_do": { "typ": "Časový okamžik", "datum": day(until) },
        "číslo_jednací": format!("MULT/{n}/2026"),
        "agenda": [ { "typ": "Agenda", "název": { "cs": agenda } } ],
        "dokument": [
            { "typ": "Digitální objekt", "název": { "cs": format!("Oznámení {n}") },
              "url": format!("https://www.litomerice.cz/files/uredni-deska/{n}.pdf") }
        ]
    })
}

fn ofn_board(informace: Vec<serde_json::Value>) -> String {
    json!({
        "@context": "https://ofn.gov.cz/úřední-desky/2021-07-20/kontexty/úřední-deska.jsonld",
        "typ": "Úřední deska",
        "stránka": "https://www.litomerice.cz/uredni-deska",
        "informace": informace
    })
    .to_string()
}

struct Setup {
    app: AppWindow,
    ui: KioskUi,
    slips: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

/// The board published on the development portal, synced into a store, and
/// what the store has handed to a kiosk window (with a preview printer).
fn kiosk_with_board(board: String) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let rt = runtime();
    let (portal, client) = portal_and_client(dir.path());
    admin(
        rt,
        &portal,
        reqwest::Method::PUT,
        "content/notice-board",
        Some(&board),
    );
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
    let report = rt.block_on(engine.pull_notice_board());
    assert_eq!(
        report.outcome,
        portal_kiosk::sync::PullOutcome::Fetched,
        "{:?}",
        report.error
    );
    let snapshot = portal_kiosk::sync::runner::snapshot(&engine).unwrap();
    let (printer, slips) = preview_printer(dir.path(), "epson-tm-t20");
    let (app, ui) = kiosk_full(
        Mode::Kiosk,
        Playlist::demo(Duration::from_secs(8)),
        portal_kiosk::login::Adapters::none(),
        SessionTimes::default(),
        Some(printer),
    );
    let fallback = Playlist::demo(Duration::from_secs(8));
    for update in portal_kiosk::ui::updates_from_snapshot(
        &snapshot,
        &data.join("assets"),
        &["lt-test-01"],
        Duration::from_secs(3600),
        &fallback,
    ) {
        ui.updates().send(update);
    }
    ui.pump_updates();
    rt.block_on(portal.stop());
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

fn listed(app: &AppWindow) -> Vec<String> {
    app.global::<Board>()
        .get_notices()
        .iter()
        .map(|n| n.title.to_string())
        .collect()
}

#[test]
fn a_notice_opens_with_its_dates_in_words_its_document_qr_scans_and_its_slip_prints() {
    let s = kiosk_with_board(ofn_board(vec![
        ofn_notice(1, "Záměr pronájmu nebytových prostor", -3, 12, "Majetek"),
        ofn_notice(
            2,
            "<b>Veřejná vyhláška</b> – stavební povolení",
            -1,
            14,
            "Stavební řízení",
        ),
        ofn_notice(3, "Oznámení, které už nevisí", -30, -2, "Majetek"),
        ofn_notice(4, "Rozpočtové opatření č. 9", -10, 365, "Rozpočet"),
    ]));
    touch(&s.app, "Úřední deska");
    assert_eq!(screen(&s.app), ScreenId::Board);
    assert_eq!(
        listed(&s.app),
        [
            "Veřejná vyhláška – stavební povolení",
            "Záměr pronájmu nebytových prostor",
            "Rozpočtové opatření č. 9",
        ],
        "what hangs today, newest first, markup gone, the expired one left out"
    );
    assert!(shows(&s.app, "Vyvěšeno je 3 oznámení, nejnovější nahoře."));

    touch(&s.app, "Záměr pronájmu nebytových prostor");
    assert_eq!(screen(&s.app), ScreenId::BoardNotice);
    let posted = date_in_words(today() - chrono::Duration::days(3));
    let until = date_in_words(today() + chrono::Duration::days(12));
    assert!(
        shows(&s.app, &format!("vyvěšeno {posted}, visí do {until}")),
        "the dates in words"
    );
    assert!(shows(&s.app, "Číslo jednací: MULT/1/2026"));
    assert!(shows(&s.app, "Oblast: Majetek"));
    assert!(shows(&s.app, "Text oznámení 1."));
    let documents = s.app.global::<Board>().get_documents();
    assert_eq!(documents.row_count(), 1);
    let document = documents.row_data(0).unwrap();
    assert!(document.has_qr);
    assert_eq!(
        qr_texts(&document.qr),
        vec!["https://www.litomerice.cz/files/uredni-deska/1.pdf".to_string()]
    );

    touch(&s.app, "Vytisknout");
    let c = s.app.global::<Citizen>();
    assert!(c.get_slip_preview_visible(), "the slip shows as printed");
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
    let flat = text.replace('\n', " ");
    assert!(flat.contains("Záměr pronájmu nebytových prostor"), "{text}");
    assert_eq!(field(&text, "Vyvěšeno"), Some(posted.clone()), "{text}");
    assert_eq!(field(&text, "Visí do"), Some(until.clone()), "{text}");
    assert_eq!(
        field(&text, "Číslo jednací").as_deref(),
        Some("MULT/1/2026"),
        "{text}"
    );
    assert_eq!(
        decoded.qr_payloads(),
        vec!["https://www.litomerice.cz/uredni-deska/test/1".to_string()],
        "the slip's QR code leads to the notice"
    );
    touch(&s.app, "Zavřít");
    touch(&s.app, "Zpět");
    assert_eq!(screen(&s.app), ScreenId::Board);
}

#[test]
fn the_agenda_filter_and_a_document_without_a_qr_code() {
    let mut http = ofn_notice(
        5,
        "Krajský úřad – veřejná vyhláška",
        -2,
        20,
        "Územní plánování",
    );
    http["dokument"] = json!([
        { "název": { "cs": "Vyhláška kraje" }, "url": "http://www.kr-ustecky.cz/vyhlaska.pdf" }
    ]);
    let s = kiosk_with_board(ofn_board(vec![
        ofn_notice(1, "Záměr prodeje pozemku", -3, 12, "Majetek"),
        http,
        ofn_notice(4, "Rozpočtové opatření č. 9", -10, 365, "Rozpočet"),
    ]));
    touch(&s.app, "Úřední deska");
    touch(&s.app, "Vybrat oblast");
    assert_eq!(screen(&s.app), ScreenId::BoardAgendas);
    touch(&s.app, "Územní plánování");
    assert_eq!(screen(&s.app), ScreenId::Board);
    assert_eq!(listed(&s.app), ["Krajský úřad – veřejná vyhláška"]);
    assert!(shows(&s.app, "Oblast „Územní plánování“: 1 z 3 oznámení."));
    touch(&s.app, "Krajský úřad – veřejná vyhláška");
    let documents = s.app.global::<Board>().get_documents();
    assert!(!documents.row_data(0).unwrap().has_qr);
    assert!(shows(
        &s.app,
        "Odkaz na dokument není zabezpečený, QR kód proto neukazujeme. Dokument visí na úřední desce radnice."
    ));
    touch(&s.app, "Zpět");
    touch(&s.app, "Jiná oblast");
    touch(&s.app, "Všechna oznámení");
    assert_eq!(listed(&s.app).len(), 3);
}

#[test]
fn two_thousand_notices_are_listed_and_paged_without_freezing() {
    let notices: Vec<serde_json::Value> = (0..2000)
        .map(|n| {
            ofn_notice(
                n,
                &format!("Oznámení číslo {n}"),
                -((n % 60) as i64),
                30,
                if n % 2 == 0 { "Sudá" } else { "Lichá" },
            )
        })
        .collect();
    let s = kiosk_with_board(ofn_board(notices));
    let started = std::time::Instant::now();
    touch(&s.app, "Úřední deska");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "opening the list took {:?}",
        started.elapsed()
    );
    assert_eq!(listed(&s.app).len(), 2000);
    assert!(shows(
        &s.app,
        "Vyvěšeno je 2000 oznámení, nejnovější nahoře."
    ));
    // Page down by the big button: later notices come on screen.
    let first = listed(&s.app)[0].clone();
    assert!(shows(&s.app, &first));
    for _ in 0..5 {
        touch(&s.app, "Dolů");
    }
    assert!(!shows(&s.app, &first), "paged away from the first notice");
    touch(&s.app, "Nahoru");
}

#[test]
fn without_a_synced_board_the_screen_says_where_the_board_hangs() {
    let (app, _ui) = kiosk(Mode::Kiosk, Playlist::demo(Duration::from_secs(8)));
    touch(&app, "Dotkněte se obrazovky");
    touch(&app, "Úřední deska");
    assert!(shows(
        &app,
        "Úřední deska zatím není stažená z portálu. Vyvěšené dokumenty najdete na úřední desce u radnice. Telefon městského úřadu: +420 416 916 111."
    ));
}
