//! A town's notice board (OFN "Úřední desky", JSON-LD) as the kiosk reads it
//! from a file, the town's URL or the backend: bytes → size limit → JSON →
//! the kiosk's own notices, with refusals. Never a panic; and what the reader
//! accepts holds the promises the screens rely on: plain one-line titles
//! within their length, dates that compare, ids unique, a QR flag only on an
//! https URL short enough to scan, and the kiosk's own form round-tripping
//! through the store's JSON.
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use portal_kiosk::noticeboard::source::BoardSource;
use portal_kiosk::noticeboard::text::{Layout, plain_text};
use portal_kiosk::noticeboard::{MAX_QR_URL, MAX_TITLE, NoticeBoard, read_board};
use portal_kiosk::portal::validate::Validate;

fuzz_target!(|data: &[u8]| {
    let limit = 1 << 20;
    match read_board(data, limit) {
        Ok(board) => check(&board),
        Err(e) => {
            let _ = e.to_string();
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        for layout in [Layout::Line, Layout::Paragraphs] {
            let plain = plain_text(text, layout, 300);
            assert!(plain.chars().count() <= 300);
            assert!(!plain.chars().any(|c| c.is_control() && c != '\n'));
            if layout == Layout::Line {
                assert!(!plain.contains('\n'));
            }
        }
        let _ = BoardSource::from_config(text);
        let _ = BoardSource::from_argument(text);
    }
});

fn check(board: &NoticeBoard) {
    let _ = board.validate();
    let mut ids = std::collections::HashSet::new();
    for n in &board.notices {
        assert!(ids.insert(n.id.as_str()), "duplicate id");
        assert!(!n.title.is_empty());
        assert!(n.title.chars().count() <= MAX_TITLE);
        assert!(!n.title.contains('\n'));
        assert!(n.posted.day().is_some());
        if let (Some(from), Some(to)) = (n.posted.day(), n.until.last_day()) {
            assert!(from <= to);
        }
        for d in &n.documents {
            assert!(!d.name.is_empty());
            if d.qr {
                assert!(d.url.starts_with("https://") && d.url.len() <= MAX_QR_URL);
            }
        }
        if let Some(url) = n.slip_url() {
            assert!(url.starts_with("https://"));
        }
    }
    for day in ["2026-12-05", "1990-01-01", "2200-12-31"] {
        let today: NaiveDate = day.parse().unwrap();
        let counts = board.counts(today);
        assert_eq!(
            counts.current + counts.expired + counts.not_yet_posted,
            board.notices.len()
        );
        let current = board.current(today, None);
        assert_eq!(current.len(), counts.current);
        for agenda in board.agendas(today).iter().take(3) {
            assert!(board.current(today, Some(agenda)).len() <= current.len());
        }
    }
    let json = serde_json::to_string(board).unwrap();
    let back: NoticeBoard = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, board);
}
