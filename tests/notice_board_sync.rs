//! The úřední deska synced like the other collections: the real development
//! portal on loopback serving the seeded OFN board, the kiosk's real client,
//! reader and SQLite store. ETags and 304, a new board replacing the old,
//! broken answers changing nothing, the offline copy surviving an outage and a
//! restart; and the other sources of `[notice_board] source`: a file on the
//! kiosk and the town's own URL (which never gets the kiosk's token).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::NaiveDate;
use portal_kiosk::devportal::{self, DEMO_KIOSK_ID, DEMO_KIOSK_TOKEN, RunningPortal};
use portal_kiosk::noticeboard::NoticeBoard;
use portal_kiosk::noticeboard::source::BoardSource;
use portal_kiosk::portal::PortalClient;
use portal_kiosk::store::Store;
use portal_kiosk::sync::{BoardSettings, PullOutcome, SyncEngine, SyncIntervals, SyncSettings};

const SEED: &str = include_str!("../assets/seed/notice-board.jsonld");

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 5).unwrap()
}

fn engine(portal_url: &str, data: &Path, board: BoardSettings) -> SyncEngine {
    let client =
        PortalClient::new(portal_url, DEMO_KIOSK_TOKEN, None, Duration::from_secs(5)).unwrap();
    SyncEngine::new(
        client,
        Store::open_in(data).unwrap(),
        SyncSettings {
            kiosk_id: DEMO_KIOSK_ID.into(),
            assets_dir: data.join("assets"),
            asset_budget: 64 << 20,
            intervals: SyncIntervals::default(),
        },
    )
    .with_notice_board(board)
}

async fn admin(
    portal: &RunningPortal,
    method: reqwest::Method,
    path: &str,
    body: String,
) -> reqwest::StatusCode {
    reqwest::Client::new()
        .request(method, format!("http://{}/admin/v1/{path}", portal.addr))
        .bearer_auth(portal.state.admin_token())
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
}

async fn fault(portal: &RunningPortal, fault: &str) {
    let body = serde_json::json!({ "fault": fault, "times": 1 }).to_string();
    let status = admin(portal, reqwest::Method::PUT, "faults/notice-board", body).await;
    assert_eq!(status, 204, "{fault}");
}

fn titles(store: &Store) -> Vec<String> {
    store
        .current_notices(today(), None)
        .unwrap()
        .into_iter()
        .map(|n| n.title)
        .collect()
}

/// The seed with one notice's title changed and one notice added.
fn next_version() -> String {
    let mut board: serde_json::Value = serde_json::from_str(SEED).unwrap();
    let items = board["informace"].as_array_mut().unwrap();
    items[0]["název"]["cs"] = "Zasedání zastupitelstva se přesouvá na 17. prosince 2026".into();
    let mut new = items[1].clone();
    new["iri"] = "https://www.litomerice.cz/uredni-deska/2026/9999".into();
    new["url"] = new["iri"].clone();
    new["název"]["cs"] = "Oznámení o svozu vánočních stromků".into();
    new["vyvěšení"] = serde_json::json!({ "datum": "2026-12-05" });
    items.push(new);
    board.to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_board_syncs_with_etags_and_its_offline_copy_survives_an_outage_and_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let portal = devportal::start("127.0.0.1:0", &dir.path().join("portal.sqlite"), true)
        .await
        .unwrap();
    let data = dir.path().join("kiosk");
    let mut e = engine(&portal.kiosk_api_url(), &data, BoardSettings::default());

    let first = e.pull_notice_board().await;
    assert_eq!(first.outcome, PullOutcome::Fetched, "{:?}", first.error);
    let stored: NoticeBoard = e.store().load().unwrap();
    assert_eq!(stored.notices.len(), 46);
    assert!(stored.refused.is_empty());
    let shown = titles(e.store());
    assert_eq!(shown.len(), 39, "current on 5 December 2026");
    assert_eq!(
        shown[..3],
        [
            "Program podpory sportu a volného času na rok 2027 – vyhlášení dotačního programu",
            "Oznámení o změně úředních hodin podatelny od 1. ledna 2027",
            "Výběrové řízení na pozici vedoucí odboru sociálních věcí",
        ],
        "newest first (the one with a time first on its day), markup gone"
    );
    assert_eq!(
        e.store()
            .current_notices(today(), Some("Územní plánování"))
            .unwrap()
            .len(),
        3
    );

    let again = e.pull_notice_board().await;
    assert_eq!(again.outcome, PullOutcome::NotModified, "{:?}", again.error);

    let status = admin(
        &portal,
        reqwest::Method::PUT,
        "content/notice-board",
        next_version(),
    )
    .await;
    assert_eq!(status, 200);
    let changed = e.pull_notice_board().await;
    assert_eq!(changed.outcome, PullOutcome::Fetched);
    let shown = titles(e.store());
    assert_eq!(shown.len(), 40);
    assert!(shown.contains(&"Zasedání zastupitelstva se přesouvá na 17. prosince 2026".into()));
    assert!(shown.contains(&"Oznámení o svozu vánočních stromků".into()));

    // The backend goes away: the pull fails, the board stays.
    portal.stop().await;
    let down = e.pull_notice_board().await;
    assert_eq!(down.outcome, PullOutcome::Failed);
    assert_eq!(titles(e.store()).len(), 40);
    drop(e);
    // A restarted kiosk reads it from its store file before any sync.
    let reopened = Store::open_in(&data).unwrap();
    assert_eq!(titles(&reopened).len(), 40);
    assert_eq!(
        reopened.sync_state("notice-board").unwrap().failures,
        1,
        "the failure is recorded for staff"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_answers_change_nothing_and_the_portal_publishes_only_boards() {
    let dir = tempfile::tempdir().unwrap();
    let portal = devportal::start("127.0.0.1:0", &dir.path().join("portal.sqlite"), true)
        .await
        .unwrap();
    let mut e = engine(
        &portal.kiosk_api_url(),
        &dir.path().join("kiosk"),
        BoardSettings::default(),
    );
    assert_eq!(e.pull_notice_board().await.outcome, PullOutcome::Fetched);
    let before: NoticeBoard = e.store().load().unwrap();
    for (f, expected) in [
        ("not-json", "the board is not JSON"),
        ("truncated", "the board is not JSON"),
        ("wrong-types", "`informace` is a text, not a list"),
        ("cut-off", ""),
        ("status:500", "backend answered 500"),
    ] {
        fault(&portal, f).await;
        let report = e.pull_notice_board().await;
        assert_eq!(report.outcome, PullOutcome::Failed, "{f}");
        let error = report.error.unwrap_or_default();
        assert!(error.contains(expected), "{f}: {error}");
        let after: NoticeBoard = e.store().load().unwrap();
        assert_eq!(after, before, "{f} changed the stored board");
    }

    // A board larger than the kiosk's limit is not read.
    let mut small = engine(
        &portal.kiosk_api_url(),
        &dir.path().join("small"),
        BoardSettings {
            max_bytes: 16 * 1024,
            ..BoardSettings::default()
        },
    );
    let report = small.pull_notice_board().await;
    assert_eq!(report.outcome, PullOutcome::Failed);
    assert!(
        report.error.unwrap().contains("(notice_board.max_bytes)"),
        "the setting is named"
    );

    for (body, why) in [
        ("<html></html>".to_string(), "not JSON"),
        ("{\"departments\": []}".to_string(), "not a board"),
        (
            "{\"typ\": \"Úřední deska\", \"informace\": [{\"název\": \"x\"}]}".to_string(),
            "every notice refused",
        ),
    ] {
        let status = admin(&portal, reqwest::Method::PUT, "content/notice-board", body).await;
        assert_eq!(status, 422, "{why}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_board_file_on_the_kiosk_is_read_when_it_changes_and_a_broken_one_keeps_the_last() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("uredni-deska.jsonld");
    std::fs::write(&file, SEED).unwrap();
    // No backend at all: the board does not need one.
    let mut e = engine(
        "http://127.0.0.1:9/kiosk/v1/",
        &dir.path().join("kiosk"),
        BoardSettings {
            source: BoardSource::File(file.clone()),
            max_bytes: 1 << 20,
            timeout: Duration::from_secs(2),
        },
    );
    assert_eq!(e.pull_notice_board().await.outcome, PullOutcome::Fetched);
    assert_eq!(titles(e.store()).len(), 39);
    assert_eq!(
        e.pull_notice_board().await.outcome,
        PullOutcome::NotModified
    );

    std::fs::write(&file, next_version()).unwrap();
    assert_eq!(e.pull_notice_board().await.outcome, PullOutcome::Fetched);
    assert_eq!(titles(e.store()).len(), 40);

    for (content, expected) in [
        (
            "{\"typ\": \"Úřední deska\", \"informace\": [{\"název\": \"x\"}]}".to_string(),
            "every one of its 1 notices was refused",
        ),
        ("[]".to_string(), "not an OFN notice board"),
        ("x".repeat(2 << 20), "larger than 1048576 bytes"),
    ] {
        std::fs::write(&file, content).unwrap();
        let report = e.pull_notice_board().await;
        assert_eq!(report.outcome, PullOutcome::Failed);
        assert!(
            report.error.as_deref().unwrap_or("").contains(expected),
            "{:?}",
            report.error
        );
        assert_eq!(titles(e.store()).len(), 40, "the last good board stays");
    }
    std::fs::remove_file(&file).unwrap();
    assert_eq!(e.pull_notice_board().await.outcome, PullOutcome::Failed);
    assert_eq!(titles(e.store()).len(), 40);
}

/// A town's web server on loopback: serves the board with an ETag, answers
/// 304 to it, and records every request's head.
fn town_server(board: String) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut buf = vec![0u8; 16 * 1024];
            let n = stream.read(&mut buf).unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..n]).to_lowercase();
            let answer = if head.contains("if-none-match: \"town-v1\"") {
                "HTTP/1.1 304 Not Modified\r\nETag: \"town-v1\"\r\nConnection: close\r\n\r\n"
                    .to_string()
            } else {
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/ld+json\r\nETag: \"town-v1\"\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n{board}",
                    board.len()
                )
            };
            log.lock().unwrap().push(head);
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    (format!("http://{addr}/uredni-deska.jsonld"), seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_towns_own_url_is_pulled_with_etags_and_never_gets_the_kiosks_token() {
    let dir = tempfile::tempdir().unwrap();
    let (url, seen) = town_server(SEED.to_string());
    let mut e = engine(
        "http://127.0.0.1:9/kiosk/v1/",
        &dir.path().join("kiosk"),
        BoardSettings {
            source: BoardSource::from_config(&url).unwrap(),
            max_bytes: 1 << 20,
            timeout: Duration::from_secs(2),
        },
    );
    assert_eq!(e.pull_notice_board().await.outcome, PullOutcome::Fetched);
    assert_eq!(titles(e.store()).len(), 39);
    assert_eq!(
        e.pull_notice_board().await.outcome,
        PullOutcome::NotModified
    );
    let requests = seen.lock().unwrap().clone();
    assert_eq!(requests.len(), 2);
    for head in &requests {
        assert!(!head.contains("authorization"), "{head}");
        assert!(!head.contains(&DEMO_KIOSK_TOKEN.to_lowercase()), "{head}");
    }
    assert!(requests[1].contains("if-none-match: \"town-v1\""));
}
