//! Issue 14 targets:
//!   * street suggestions per keystroke over all streets of the town (≤ 30 ms
//!     worst): every prefix of every street name typed letter by letter, and
//!     misspelled names that fall back to the closest names by edit distance —
//!     through the store (SQLite, as `Store::street_suggestions` answers) and
//!     through the in-memory index the flow core keeps; plus a city-sized
//!     index of 6,000 generated names for headroom;
//!   * reading and validating a generated 2,000-notice OFN board file (≤ 200 ms),
//!     and storing it.
//!
//! Run: `cargo bench --bench noticeboard`. Prints the median and worst.

use std::time::{Duration, Instant};

use portal_kiosk::elections::StreetIndex;
use portal_kiosk::noticeboard::{NoticeBoard, read_board};
use portal_kiosk::portal::types::ElectionInfo;
use portal_kiosk::portal::validate::Validate;
use portal_kiosk::store::Store;

fn report(name: &str, target_ms: f64, mut samples: Vec<Duration>) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = ms(samples[samples.len() / 2]);
    let worst = ms(*samples.last().unwrap_or(&Duration::ZERO));
    let verdict = if worst <= target_ms {
        "ok"
    } else {
        "OVER TARGET"
    };
    println!(
        "{name:<52} n={:<6} median {median:>8.3} ms   worst {worst:>8.3} ms   target ≤ {target_ms} ms (worst)   {verdict}",
        samples.len()
    );
}

/// What a citizen types: each name letter by letter, and each name with a
/// typo (two letters swapped in the middle) letter by letter.
fn keystrokes(names: &[String]) -> Vec<String> {
    let mut typed = Vec::new();
    for name in names {
        let chars: Vec<char> = name.chars().collect();
        for n in 1..=chars.len() {
            typed.push(chars[..n].iter().collect());
        }
        if chars.len() > 4 {
            let mut typo = chars.clone();
            typo.swap(2, 3);
            typo.push('x');
            for n in 3..=typo.len() {
                typed.push(typo[..n].iter().collect());
            }
        }
    }
    typed
}

fn generated_board(notices: usize) -> Vec<u8> {
    let seed: serde_json::Value =
        serde_json::from_str(include_str!("../assets/seed/notice-board.jsonld")).expect("seed");
    let items = seed["informace"].as_array().expect("informace");
    let mut board = seed.clone();
    let generated: Vec<serde_json::Value> = (0..notices)
        .map(|i| {
            let mut n = items[i % items.len()].clone();
            let iri = format!("https://www.litomerice.cz/uredni-deska/gen/{i}");
            n["iri"] = iri.clone().into();
            n["url"] = iri.into();
            n
        })
        .collect();
    board["informace"] = generated.into();
    serde_json::to_vec(&board).expect("json")
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --all-targets` runs this once
    // as a smoke test with fewer samples (in a debug build its figures mean
    // nothing; the full run took CI minutes).
    let full = std::env::args().any(|a| a == "--bench");
    let info: ElectionInfo =
        serde_json::from_str(include_str!("../assets/seed/elections.json")).expect("seed");
    let index = StreetIndex::new(&info);
    let names: Vec<String> = info
        .districts
        .iter()
        .flat_map(|d| d.streets.iter().map(|s| s.street.clone()))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let typed = keystrokes(&names);

    let dir = std::env::temp_dir().join(format!("portal-kiosk-bench-board-{}", std::process::id()));
    let mut store = Store::open_in(&dir).expect("store");
    store
        .replace(&info, "\"bench\"", chrono::Utc::now())
        .expect("elections stored");

    let samples: Vec<Duration> = typed
        .iter()
        .map(|t| {
            let start = Instant::now();
            std::hint::black_box(store.street_suggestions(t, 6).expect("suggestions"));
            start.elapsed()
        })
        .collect();
    report(
        &format!("street suggestions, store ({} streets)", names.len()),
        30.0,
        samples,
    );
    let samples: Vec<Duration> = typed
        .iter()
        .map(|t| {
            let start = Instant::now();
            std::hint::black_box(index.suggest(t, 6));
            start.elapsed()
        })
        .collect();
    report(
        &format!("street suggestions, core's index ({} streets)", index.len()),
        30.0,
        samples,
    );

    // A city-sized list: the town's names with generated variants.
    let big_names: Vec<String> = (0..if full { 6000 } else { 600 })
        .map(|i| format!("{} {}", names[i % names.len()], i / names.len()))
        .collect();
    let big = StreetIndex::from_names(big_names.iter().map(String::as_str));
    let big_typed = keystrokes(&big_names[..if full { 200 } else { 20 }]);
    let samples: Vec<Duration> = big_typed
        .iter()
        .map(|t| {
            let start = Instant::now();
            std::hint::black_box(big.suggest(t, 6));
            start.elapsed()
        })
        .collect();
    report(
        &format!("street suggestions, generated ({} streets)", big.len()),
        30.0,
        samples,
    );

    let notices = if full { 2000 } else { 200 };
    let (reads, stores) = if full { (20, 10) } else { (3, 2) };
    let bytes = generated_board(notices);
    println!(
        "generated board: {notices} notices, {:.1} MB",
        bytes.len() as f64 / 1e6
    );
    let mut board = NoticeBoard::default();
    let samples: Vec<Duration> = (0..reads)
        .map(|_| {
            let start = Instant::now();
            board = read_board(&bytes, 8 << 20).expect("a board");
            board.validate().expect("valid");
            start.elapsed()
        })
        .collect();
    assert_eq!(board.notices.len(), notices);
    report(
        &format!("read + validate a {notices}-notice board"),
        200.0,
        samples,
    );
    let samples: Vec<Duration> = (0..stores)
        .map(|i| {
            let start = Instant::now();
            store
                .replace(&board, &format!("\"{i}\""), chrono::Utc::now())
                .expect("stored");
            start.elapsed()
        })
        .collect();
    report(
        &format!("store a {notices}-notice board (one transaction)"),
        200.0,
        samples,
    );
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 5).expect("date");
    let samples: Vec<Duration> = (0..reads)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(store.current_notices(today, None).expect("notices"));
            start.elapsed()
        })
        .collect();
    report("what is posted today, from the store", 200.0, samples);
    let _ = std::fs::remove_dir_all(&dir);
}
