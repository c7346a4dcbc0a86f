//! `notice-board check FILE|URL`: reads a town's OFN board as the kiosk would
//! (size limit, reader, the board's own sense) and says how many notices are
//! current, expired and refused, with the reason for each refused one. For a
//! town setting up its board, and for staff installing `[notice_board] source`.

use std::time::Duration;

use portal_kiosk::noticeboard::source::{self, BoardSource};
use portal_kiosk::noticeboard::{NoticeBoard, read_board};
use portal_kiosk::portal::validate::Validate;

/// Checks a board; fails when the input is not a board the kiosk would take.
pub fn check(input: &str, today: Option<chrono::NaiveDate>, max_bytes: u64) -> Result<(), String> {
    let source = BoardSource::from_argument(input)?;
    let bytes = match &source {
        BoardSource::File(path) => source::read_file(path, max_bytes).map_err(|e| e.to_string())?,
        BoardSource::Url(_) => {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| format!("cannot start the async runtime: {e}"))?;
            match rt
                .block_on(source::fetch(
                    &source,
                    None,
                    max_bytes,
                    Duration::from_secs(20),
                ))
                .map_err(|e| e.to_string())?
            {
                source::Fetched::Fresh { bytes, .. } => bytes,
                source::Fetched::NotModified => return Err("the server answered 304".into()),
            }
        }
        BoardSource::Backend => return Err("no file or URL given".into()),
    };
    let board = read_board(&bytes, max_bytes).map_err(|e| format!("{input}: {e}"))?;
    let today = today.unwrap_or_else(|| chrono::Local::now().date_naive());
    print!("{}", report(input, bytes.len(), &board, today));
    board
        .validate()
        .map_err(|e| format!("{input}: the kiosk would not take this board: {}", e.reason))
}

/// The report `check` prints.
pub fn report(input: &str, size: usize, board: &NoticeBoard, today: chrono::NaiveDate) -> String {
    let counts = board.counts(today);
    let mut out = format!(
        "{input}: an OFN notice board, {} bytes, {} notices on {today}\n",
        size,
        board.notices.len() + board.refused.len()
    );
    out.push_str(&format!("current          {}\n", counts.current));
    out.push_str(&format!("expired          {}\n", counts.expired));
    if counts.not_yet_posted > 0 {
        out.push_str(&format!("not yet posted   {}\n", counts.not_yet_posted));
    }
    out.push_str(&format!("refused          {}\n", counts.refused));
    for refused in &board.refused {
        out.push_str(&format!("  refused {refused}\n"));
    }
    let no_qr = board
        .notices
        .iter()
        .flat_map(|n| &n.documents)
        .filter(|d| !d.qr)
        .count();
    if no_qr > 0 {
        out.push_str(&format!(
            "documents without a QR code (not https, or too long): {no_qr}\n"
        ));
    }
    out
}
