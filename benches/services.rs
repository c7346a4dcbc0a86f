//! Služby úřadu benchmarks (issue 13 targets), on 1,000 services generated from
//! the seed catalogue (each seed service in 13 variants with their own titles
//! and keywords) in a real SQLite store:
//!   * search per keystroke: from the key press to the results in the view
//!     model — the core handles the key, the search runs in the store over a
//!     read-only connection (as the search thread does), the core takes the
//!     answer and the view model is built (target: worst ≤ 30 ms);
//!   * opening a service detail: the core opens it, the view model is built and
//!     its QR codes are drawn (target ≤ 50 ms).
//!
//! Run: `cargo bench --bench services`. Prints the median and worst.

use std::sync::Arc;
use std::time::{Duration, Instant};

use portal_kiosk::config::Mode;
use portal_kiosk::i18n::Language;
use portal_kiosk::kiosk::{
    Command, Kiosk, KioskEvent, KioskSettings, ServicesEvent, SessionTimes, TextEdit,
};
use portal_kiosk::portal::types::{ContactDirectory, Service, ServiceCatalogue};
use portal_kiosk::search::Reader;
use portal_kiosk::store::Store;

const WORDS: [&str; 13] = [
    "žádost",
    "změna",
    "potvrzení",
    "výpis",
    "oznámení",
    "povolení",
    "registrace",
    "ohlášení",
    "prodloužení",
    "zrušení",
    "duplikát",
    "příspěvek",
    "evidence",
];

/// 1,000 services: the 77 of the seed and variants of them.
fn thousand(seed: &[Service]) -> Vec<Service> {
    let mut out = Vec::with_capacity(1000);
    'outer: for (round, word) in WORDS.iter().enumerate() {
        for s in seed {
            if out.len() == 1000 {
                break 'outer;
            }
            let mut v = s.clone();
            if round > 0 {
                v.id = format!("{}-{round}", s.id);
                v.title = format!("{} – {word}", s.title);
                v.keywords.push(format!("{word} {round}"));
            }
            out.push(v);
        }
    }
    out
}

fn report(name: &str, target_ms: f64, mut samples: Vec<Duration>) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = ms(samples[samples.len() / 2]);
    let worst = ms(*samples.last().unwrap());
    let verdict = if worst <= target_ms {
        "ok"
    } else {
        "OVER TARGET"
    };
    println!(
        "{name:<44} n={:<5} median {median:7.2} ms  worst {worst:7.2} ms  (target worst ≤ {target_ms} ms: {verdict})",
        samples.len()
    );
}

fn main() {
    let seed: ServiceCatalogue =
        serde_json::from_str(include_str!("../assets/seed/services.json")).unwrap();
    let contacts: ContactDirectory =
        serde_json::from_str(include_str!("../assets/seed/contacts.json")).unwrap();
    let services = thousand(&seed.services);
    assert_eq!(services.len(), 1000);
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    let now = chrono::Utc::now();
    store.replace(&contacts, "\"c\"", now).unwrap();
    store
        .replace(
            &ServiceCatalogue {
                services: services.clone(),
            },
            "\"s\"",
            now,
        )
        .unwrap();
    let reader = Reader::open(store.path()).unwrap();
    let settings = KioskSettings {
        mode: Mode::Kiosk,
        idle_timeout: Duration::from_secs(90),
        default_language: Language::Cs,
        languages: Language::ALL.to_vec(),
        session: SessionTimes::default(),
    };
    let (mut core, _) = Kiosk::new(settings, Duration::ZERO);
    let t = Duration::ZERO;
    core.handle(KioskEvent::Contacts(contacts.departments), t);
    core.handle(KioskEvent::Catalogue(Arc::new(services.clone())), t);
    core.handle(KioskEvent::Touch, t);
    let today = chrono::Local::now().date_naive();

    let queries = [
        "přihlášení psa",
        "obcansky prukaz",
        "ztratil jsem občanku",
        "svadba",
        "rodny list",
        "parkovaci karta",
        "potvrzeni",
        "xqzw",
        "e",
    ];
    let mut per_key = Vec::new();
    for _round in 0..5 {
        for q in queries {
            core.handle(KioskEvent::Services(ServicesEvent::Search), t);
            for c in q.chars() {
                let start = Instant::now();
                let commands = core.handle(KioskEvent::Text(TextEdit::Insert(c.to_string())), t);
                for command in commands {
                    if let Command::Search { id, query } = command {
                        let answer = reader.answer(&query).unwrap();
                        core.handle(KioskEvent::SearchResult { id, answer }, t);
                    }
                }
                let view = core.services(today);
                std::hint::black_box(&view.results);
                per_key.push(start.elapsed());
            }
        }
    }
    report("search per keystroke (1,000 services)", 30.0, per_key);

    let mut open = Vec::new();
    for s in services.iter().step_by(7).take(140) {
        let start = Instant::now();
        core.handle(
            KioskEvent::Services(ServicesEvent::OpenService(s.id.clone())),
            t,
        );
        let view = core.services(today);
        if let Some(d) = &view.detail {
            for url in d
                .forms
                .iter()
                .filter(|f| f.qr)
                .map(|f| f.url.as_str())
                .chain(d.reservation.as_deref())
            {
                let m = portal_kiosk::payment::QrMatrix::encode(url).unwrap();
                std::hint::black_box(m.to_image(8));
            }
        }
        open.push(start.elapsed());
        core.handle(KioskEvent::Back, t);
    }
    report("open a service detail (with its QR codes)", 50.0, open);
}
