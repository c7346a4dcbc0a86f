//! End-to-end sync: the real development portal on a loopback port, the kiosk's
//! real HTTP client and a real SQLite store file. Faults are injected into the
//! portal through its admin API.

use std::path::{Path, PathBuf};
use std::time::Duration;

use portal_kiosk::devportal::{self, DEMO_KIOSK_ID, DEMO_KIOSK_TOKEN, RunningPortal};
use portal_kiosk::portal::PortalClient;
use portal_kiosk::portal::types::*;
use portal_kiosk::promo::Playlist;
use portal_kiosk::store::Store;
use portal_kiosk::sync::{PullOutcome, SyncEngine, SyncIntervals, SyncSettings};

struct Setup {
    dir: tempfile::TempDir,
    portal: RunningPortal,
}

impl Setup {
    async fn new() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let portal = devportal::start("127.0.0.1:0", &dir.path().join("portal.sqlite"), true)
            .await
            .unwrap();
        Setup { dir, portal }
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("kiosk")
    }

    fn engine_with_budget(&self, budget: u64) -> SyncEngine {
        let client = PortalClient::new(
            &self.portal.kiosk_api_url(),
            DEMO_KIOSK_TOKEN,
            None,
            Duration::from_secs(5),
        )
        .unwrap();
        let store = Store::open_in(&self.data_dir()).unwrap();
        SyncEngine::new(
            client,
            store,
            SyncSettings {
                kiosk_id: DEMO_KIOSK_ID.into(),
                assets_dir: self.data_dir().join("assets"),
                asset_budget: budget,
                intervals: SyncIntervals::default(),
            },
        )
    }

    fn engine(&self) -> SyncEngine {
        self.engine_with_budget(512 * 1024 * 1024)
    }

    fn admin(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        reqwest::Client::new()
            .request(
                method,
                format!("http://{}/admin/v1/{path}", self.portal.addr),
            )
            .bearer_auth(self.portal.state.admin_token())
    }

    async fn fault(&self, target: &str, fault: &str, times: i64) {
        let r = self
            .admin(reqwest::Method::PUT, &format!("faults/{target}"))
            .json(&serde_json::json!({ "fault": fault, "times": times }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204, "fault {fault} on {target}");
    }

    async fn backend_events(&self) -> Vec<serde_json::Value> {
        let v: serde_json::Value = self
            .admin(reqwest::Method::GET, "events")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v["events"].as_array().unwrap().clone()
    }
}

fn all_are(report: &portal_kiosk::sync::PassReport, outcome: PullOutcome) -> bool {
    report.collections.iter().all(|c| c.outcome == outcome)
}

fn outcomes(report: &portal_kiosk::sync::PassReport) -> Vec<(&'static str, PullOutcome)> {
    report
        .collections
        .iter()
        .map(|c| (c.collection, c.outcome))
        .collect()
}

#[tokio::test]
async fn first_sync_fetches_everything_and_keeps_queryable_records() {
    let s = Setup::new().await;
    let mut engine = s.engine();
    let report = engine.pass().await;
    assert!(report.all_ok(), "{report}");
    assert!(all_are(&report, PullOutcome::Fetched), "{report}");
    assert_eq!(report.assets.downloaded, 3, "the three demo pictures");
    let index = engine.store().known_assets().unwrap();
    assert_eq!(
        index.len(),
        3,
        "the store's asset index lists what is on disk"
    );
    assert!(report.heartbeat_ok);

    let store = engine.store();
    let services: ServiceCatalogue = store.load().unwrap();
    assert!(services.services.len() >= 60);
    assert!(
        !store.search_services("obcansky prukaz").unwrap().is_empty(),
        "search without diacritics works"
    );
    let contacts: ContactDirectory = store.load().unwrap();
    assert!(contacts.departments.len() >= 10);
    let elections: ElectionInfo = store.load().unwrap();
    // Every street range of every district leads back to its district.
    use portal_kiosk::portal::validate::{HouseNumbers, parse_numbers};
    for district in &elections.districts {
        for range in &district.streets {
            let n = match parse_numbers(&range.numbers).unwrap() {
                HouseNumbers::All | HouseNumbers::Odd => 1,
                HouseNumbers::Even => 2,
                HouseNumbers::Range(a, _) => a,
            };
            let found = store.polling_district(&range.street, n).unwrap().unwrap();
            assert_eq!(found.number, district.number, "{} {n}", range.street);
        }
    }

    // Every downloaded asset is on disk under its hash, with the right bytes.
    let promo: PromoPlaylist = store.load().unwrap();
    for asset in promo.slides.iter().filter_map(|s| s.asset.as_ref()) {
        let bytes = std::fs::read(s.data_dir().join("assets").join(&asset.sha256)).unwrap();
        assert_eq!(bytes.len() as u64, asset.size);
        let digest = <sha2::Sha256 as sha2::Digest>::digest(&bytes);
        assert_eq!(portal_kiosk::sync::hex_of(&digest), asset.sha256);
    }
    let playlist = Playlist::from_portal(
        &promo,
        &s.data_dir().join("assets"),
        chrono::Local::now().naive_local(),
        &[],
    );
    assert_eq!(
        playlist.len(),
        promo.slides.len(),
        "every synced slide is playable"
    );
}

#[tokio::test]
async fn a_sync_with_nothing_changed_is_all_not_modified() {
    let s = Setup::new().await;
    let mut engine = s.engine();
    engine.pass().await;
    let report = engine.pass().await;
    assert!(all_are(&report, PullOutcome::NotModified), "{report}");
    assert_eq!((report.assets.downloaded, report.assets.present), (0, 3));
}

#[tokio::test]
async fn published_content_reaches_the_kiosk() {
    let s = Setup::new().await;
    let mut engine = s.engine();
    engine.pass().await;

    // Staff publish a new picture slide through the admin API.
    let mut png = Vec::new();
    image::RgbImage::from_pixel(64, 36, image::Rgb([200, 30, 40]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let asset: AssetRef = s
        .admin(reqwest::Method::POST, "assets")
        .body(png)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut promo: PromoPlaylist = engine.store().load().unwrap();
    promo.slides.insert(
        0,
        PromoSlide {
            id: "advent-2026".into(),
            kind: SlideKind::Image,
            title: String::new(),
            body: String::new(),
            qr_url: None,
            asset: Some(asset.clone()),
            duration_seconds: 10,
            schedule: SlideSchedule::default(),
            priority: 5,
            urgent: false,
        },
    );
    let r = s
        .admin(reqwest::Method::PUT, "content/promo")
        .json(&promo)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    let report = engine.pass().await;
    assert_eq!(outcomes(&report)[0], ("promo", PullOutcome::Fetched));
    assert_eq!(report.assets.downloaded, 1);
    let stored: PromoPlaylist = engine.store().load().unwrap();
    assert_eq!(stored.slides[0].id, "advent-2026");
    let playlist = Playlist::from_portal(
        &stored,
        &s.data_dir().join("assets"),
        chrono::Local::now().naive_local(),
        &[],
    );
    assert_eq!(
        playlist.slides[0].id, "advent-2026",
        "higher priority plays first"
    );

    // Taking the slide out again removes its picture from the kiosk.
    promo.slides.remove(0);
    s.admin(reqwest::Method::PUT, "content/promo")
        .json(&promo)
        .send()
        .await
        .unwrap();
    let report = engine.pass().await;
    assert_eq!(report.assets.removed, 1);
    assert!(!s.data_dir().join("assets").join(&asset.sha256).exists());
}

#[tokio::test]
async fn invalid_content_is_refused_by_the_portal_too() {
    let s = Setup::new().await;
    let bad = serde_json::json!({ "slides": [ { "id": "x", "kind": "qr", "qrUrl": "http://evil.example/", "durationSeconds": 8 } ] });
    let r = s
        .admin(reqwest::Method::PUT, "content/promo")
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
}

#[tokio::test]
async fn a_wrong_token_gets_problem_json_401() {
    let s = Setup::new().await;
    let client = PortalClient::new(
        &s.portal.kiosk_api_url(),
        "wrong-token-0123456789",
        None,
        Duration::from_secs(5),
    )
    .unwrap();
    let err = client.fetch::<PromoPlaylist>(None).await.unwrap_err();
    match err {
        portal_kiosk::portal::PortalError::Status {
            status: 401,
            problem: Some(p),
            ..
        } => assert_eq!(p.title, "Unauthorized"),
        other => panic!("expected a 401 problem, got {other}"),
    }
}

/// Every fault leaves the last good copy in place and is reported.
#[tokio::test]
async fn faulty_responses_change_nothing() {
    let s = Setup::new().await;
    let mut engine = s.engine();
    engine.pass().await;
    let before: ServiceCatalogue = engine.store().load().unwrap();
    let etag_before = engine.store().sync_state("services").unwrap().etag;

    // Something changed on the backend, but each answer about it is broken.
    let mut changed = before.clone();
    changed.services.truncate(10);
    s.admin(reqwest::Method::PUT, "content/services")
        .json(&changed)
        .send()
        .await
        .unwrap();

    for (fault, words) in [
        ("not-json", "malformed"),
        ("truncated", "malformed"),
        ("wrong-types", "malformed"),
        // The connection dies mid-answer: reported as cut off or unreachable,
        // depending on whether the headers had left the server.
        ("cut-off", "cut off|unreachable"),
        ("status:500", "500"),
        ("status:429:retry=7", "429"),
    ] {
        s.fault("services", fault, 1).await;
        let report = engine.pull_named("services").await.unwrap();
        assert_eq!(report.outcome, PullOutcome::Failed, "{fault}");
        let error = report.error.clone().unwrap();
        assert!(
            words.split('|').any(|w| error.contains(w)),
            "{fault}: {error}"
        );
        if fault.starts_with("status:429") {
            assert_eq!(
                report.retry_after,
                Some(Duration::from_secs(7)),
                "Retry-After is passed on"
            );
        }
        let now: ServiceCatalogue = engine.store().load().unwrap();
        assert_eq!(now, before, "{fault} changed the stored services");
        assert_eq!(
            engine.store().sync_state("services").unwrap().etag,
            etag_before
        );
    }
    assert_eq!(engine.store().sync_state("services").unwrap().failures, 6);
    // And when the backend answers properly again, the change arrives.
    let report = engine.pull_named("services").await.unwrap();
    assert_eq!(report.outcome, PullOutcome::Fetched);
    assert_eq!(
        engine
            .store()
            .load::<ServiceCatalogue>()
            .unwrap()
            .services
            .len(),
        10
    );
    assert_eq!(engine.store().sync_state("services").unwrap().failures, 0);
}

#[tokio::test]
async fn a_304_for_something_never_fetched_is_an_error() {
    let s = Setup::new().await;
    let mut engine = s.engine();
    s.fault("contacts", "not-modified", 1).await;
    let report = engine.pull_named("contacts").await.unwrap();
    assert_eq!(report.outcome, PullOutcome::Failed);
    assert!(report.error.unwrap().contains("never fetched"));
    assert!(
        engine
            .store()
            .load::<ContactDirectory>()
            .unwrap()
            .departments
            .is_empty()
    );
}

#[tokio::test]
async fn broken_asset_downloads_never_reach_the_loop() {
    let s = Setup::new().await;
    let mut engine = s.engine();
    engine.pull_named("promo").await;
    for fault in ["wrong-hash", "cut-off"] {
        s.fault("assets", fault, -1).await;
        let report = engine.sync_assets().await;
        assert_eq!((report.downloaded, report.failed), (0, 3), "{fault}");
        let files: Vec<_> = std::fs::read_dir(s.data_dir().join("assets"))
            .unwrap()
            .collect();
        assert!(
            files.is_empty(),
            "{fault}: no file (not even a temp file) is left behind"
        );
        let stored: PromoPlaylist = engine.store().load().unwrap();
        let playable = Playlist::from_portal(
            &stored,
            &s.data_dir().join("assets"),
            chrono::Local::now().naive_local(),
            &[],
        );
        assert!(
            playable
                .slides
                .iter()
                .all(|sl| matches!(sl.kind, portal_kiosk::promo::SlideKind::Text { .. }))
        );
    }
    // Backend dies mid-download: same, and it recovers afterwards.
    s.admin(reqwest::Method::DELETE, "faults/assets")
        .send()
        .await
        .unwrap();
    assert_eq!(engine.sync_assets().await.downloaded, 3);
}

#[tokio::test]
async fn the_asset_budget_is_never_exceeded() {
    let s = Setup::new().await;
    // Room for one picture only (each demo picture is ~200 kB).
    let mut engine = s.engine_with_budget(250 * 1024);
    let report = engine.pass().await;
    assert_eq!(report.assets.downloaded, 1);
    assert_eq!(report.assets.over_budget, 2);
    let total: u64 = std::fs::read_dir(s.data_dir().join("assets"))
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    assert!(total <= 250 * 1024);
}

#[tokio::test]
async fn an_outage_keeps_the_content_and_recovery_resumes() {
    let s = Setup::new().await;
    let mut engine = s.engine();
    engine.pass().await;
    let addr = s.portal.addr;
    let db = s.dir.path().join("portal.sqlite");
    let Setup { dir, portal } = s;
    portal.stop().await;

    let report = engine.pass().await;
    assert!(all_are(&report, PullOutcome::Failed), "{report}");
    assert!(
        report.collections[0]
            .error
            .as_ref()
            .unwrap()
            .contains("unreachable")
    );
    assert!(
        engine
            .store()
            .load::<ServiceCatalogue>()
            .unwrap()
            .services
            .len()
            >= 60,
        "content survives the outage"
    );
    engine
        .store()
        .enqueue_event(
            EventKind::Error,
            chrono::Utc::now(),
            &serde_json::json!({"code": "test"}),
        )
        .unwrap();
    let report = engine.push_events().await;
    assert_eq!(
        (report.sent, report.pending),
        (0, 1),
        "events wait for the backend"
    );

    // The backend comes back on the same address.
    let portal = devportal::start(&addr.to_string(), &db, true)
        .await
        .unwrap();
    let report = engine.pass().await;
    assert!(all_are(&report, PullOutcome::NotModified), "{report}");
    assert_eq!((report.events.sent, report.events.pending), (1, 0));
    drop(portal);
    drop(dir);
}

#[tokio::test]
async fn ten_thousand_events_are_delivered_once_each() {
    let s = Setup::new().await;
    let mut engine = s.engine();
    let t0 = chrono::Utc::now() - chrono::Duration::hours(5);
    let events: Vec<_> = (0..10_000)
        .map(|i| {
            (
                EventKind::ProofOfPlay,
                t0 + chrono::Duration::milliseconds(i),
                serde_json::json!({ "slideId": "demo-1" }),
            )
        })
        .collect();
    engine.store_mut().enqueue_events(&events).unwrap();
    let report = engine.push_events().await;
    assert_eq!((report.sent, report.pending), (10_000, 0));
    let received = s.backend_events().await;
    assert_eq!(received.len(), 10_000);
    // The true time travels with the event, even hours later.
    let first = received
        .iter()
        .map(|e| e["occurredAt"].as_str().unwrap().to_string())
        .min()
        .unwrap();
    assert_eq!(first.parse::<chrono::DateTime<chrono::Utc>>().unwrap(), t0);
}

fn write_config(dir: &Path, url: &str) -> PathBuf {
    let creds = dir.join("credentials.toml");
    std::fs::write(&creds, format!("token = \"{DEMO_KIOSK_TOKEN}\"\n")).unwrap();
    let config = dir.join("kiosk.toml");
    std::fs::write(
        &config,
        format!(
            "[kiosk]\nid = \"{DEMO_KIOSK_ID}\"\nsite = \"Test\"\nmode = \"kiosk\"\n\n[town]\nname = \"Horní Javoří\"\nmunicipality = \"Město Horní Javoří\"\nportal_name = \"Portál občana Horní Javoří\"\nweb = \"obcan.hornijavori.example\"\nico = \"71234560\"\naddress = \"Náměstí Míru 1, 123 45 Horní Javoří\"\nphone = \"+420 499 100 100\"\nsupport_email = \"kiosk@hornijavori.example\"\ncolors = {{ primary = \"#1f4d2b\", primary_dark = \"#12301a\", stripe = \"#c9a227\", highlight = \"#f2d675\" }}\n\n[backend]\nurl = \"{url}\"\ncredentials_file = \"{}\"\n\n[storage]\ndata_dir = \"{}\"\n\n[logging]\nlevel = \"warn\"\nformat = \"terminal\"\n",
            creds.display(),
            dir.join("data").display()
        ),
    )
    .unwrap();
    config
}

// The portal must keep serving while this thread waits for the kiosk process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_arrive_exactly_once_across_a_kill_between_send_and_ack() {
    let s = Setup::new().await;
    let config = write_config(s.dir.path(), &s.portal.kiosk_api_url());
    let ids: Vec<uuid::Uuid> = {
        let store = Store::open_in(&s.dir.path().join("data")).unwrap();
        (0..25)
            .map(|i| {
                store
                    .enqueue_event(
                        EventKind::SlipPrinted,
                        chrono::Utc::now(),
                        &serde_json::json!({ "n": i }),
                    )
                    .unwrap()
            })
            .collect()
    };
    // The backend stores the batch but holds its acknowledgement for 30 s …
    s.fault("events", "ack-delay:30000", 1).await;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_portal-kiosk"))
        .args(["sync", "--config"])
        .arg(&config)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // … and the kiosk is killed (-9) while it waits.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while s.backend_events().await.len() < 25 {
        assert!(
            std::time::Instant::now() < deadline,
            "the batch never reached the backend"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    {
        let store = Store::open_in(&s.dir.path().join("data")).unwrap();
        assert_eq!(
            store.outbox_len().unwrap(),
            25,
            "unacknowledged events are still queued after the crash"
        );
    }
    // After the restart the same events are sent again; the backend keeps one of each.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_portal-kiosk"))
        .args(["sync", "--json", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["events"]["sent"], 25);
    assert_eq!(report["events"]["pending"], 0);
    let received = s.backend_events().await;
    assert_eq!(received.len(), 25, "exactly once");
    let mut got: Vec<String> = received
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    let mut want: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);
}

// The portal must keep serving while this thread waits for the kiosk process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_command_reports_per_collection_and_fails_when_the_backend_is_down() {
    let s = Setup::new().await;
    let config = write_config(s.dir.path(), &s.portal.kiosk_api_url());
    let run = |json: bool| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_portal-kiosk"));
        cmd.args(["sync", "--config"]).arg(&config);
        if json {
            cmd.arg("--json");
        }
        cmd.output().unwrap()
    };
    let out = run(false);
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    for line in [
        "promo      fetched",
        "services   fetched",
        "contacts   fetched",
        "elections  fetched",
    ] {
        assert!(text.contains(line), "{text}");
    }
    assert!(text.contains("assets     3 downloaded"), "{text}");
    let out = run(true);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        report["collections"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["outcome"] == "not-modified")
    );

    let Setup { dir, portal } = s;
    portal.stop().await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_portal-kiosk"))
        .args(["sync", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("promo      FAILED: backend unreachable")
    );
    drop(dir);
}

#[tokio::test]
async fn openapi_document_is_served_and_describes_the_contract() {
    let s = Setup::new().await;
    let doc: serde_json::Value = reqwest::get(format!("{}openapi.json", s.portal.kiosk_api_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        doc["openapi"].as_str().map(|v| v.starts_with('3')),
        Some(true)
    );
    for path in [
        "/kiosk/v1/promo",
        "/kiosk/v1/services",
        "/kiosk/v1/events",
        "/kiosk/v1/assets/{sha256}",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing");
    }
    assert!(doc["components"]["schemas"].get("PromoSlide").is_some());
}

#[tokio::test]
async fn the_running_engine_publishes_snapshots_and_obeys_sync_now() {
    let s = Setup::new().await;
    let engine = s.engine();
    let (handle, commands) = portal_kiosk::sync::SyncHandle::new();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let task = tokio::spawn(portal_kiosk::sync::runner::run(
        engine,
        commands,
        move |snapshot| {
            let _ = tx.send(snapshot);
        },
    ));
    // First the store's (empty) copy at once, then the synced content.
    let first = rx.recv().await.unwrap();
    assert!(first.playlist.slides.is_empty());
    let synced = tokio::time::timeout(Duration::from_secs(20), rx.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(synced.playlist.slides.len(), 6);
    assert!(synced.synced_at.is_some());
    // The departments for Kontakty come with it (14 in the seed).
    assert!(first.contacts.is_empty());
    assert_eq!(synced.contacts.len(), 14);

    handle.enqueue(
        EventKind::ProofOfPlay,
        serde_json::json!({ "slideId": "demo-1" }),
    );
    handle.sync_now();
    tokio::time::timeout(Duration::from_secs(20), async {
        while s.backend_events().await.is_empty() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("the queued play reaches the backend after sync now");
    handle.shutdown();
    tokio::time::timeout(Duration::from_secs(10), task)
        .await
        .unwrap()
        .unwrap();
}

#[test]
fn data_age_is_stale_only_past_the_threshold_and_survives_clock_jumps() {
    use portal_kiosk::sync::ContentSnapshot;
    use portal_kiosk::ui::{UiUpdate, updates_from_snapshot};
    let dir = tempfile::tempdir().unwrap();
    let fallback = Playlist::demo(Duration::from_secs(8));
    let age = |synced_at: Option<chrono::DateTime<chrono::Utc>>| {
        let snapshot = ContentSnapshot {
            playlist: PromoPlaylist {
                slides: vec![],
                signature: None,
                notices: Vec::new(),
            },
            contacts: Vec::new(),
            services: Default::default(),
            notice_board: Default::default(),
            elections: Default::default(),
            synced_at,
        };
        let updates = updates_from_snapshot(
            &snapshot,
            dir.path(),
            &[],
            Duration::from_secs(3 * 3600),
            &fallback,
        );
        let playlist_is_fallback = updates.iter().any(|u| matches!(u, UiUpdate::Playlist { playlist, .. } if playlist.ids() == fallback.ids()));
        assert!(
            playlist_is_fallback,
            "an empty store plays the bundled slides"
        );
        updates
            .into_iter()
            .find_map(|u| match u {
                UiUpdate::DataAge { stale, as_of } => Some((stale, as_of)),
                _ => None,
            })
            .unwrap()
    };
    let now = chrono::Utc::now();
    assert_eq!(age(None), (true, String::new()), "never synced");
    assert!(!age(Some(now - chrono::Duration::minutes(10))).0);
    let (stale, as_of) = age(Some(now - chrono::Duration::hours(5)));
    assert!(stale);
    assert!(as_of.contains(':'), "{as_of}");
    // The wall clock was set back after the last sync: the sync looks to be in the future.
    assert!(
        !age(Some(now + chrono::Duration::hours(2))).0,
        "a clock jump is not an outage"
    );
}

#[tokio::test]
async fn a_backend_unreachable_at_start_leaves_an_empty_store_and_a_clear_report() {
    let dir = tempfile::tempdir().unwrap();
    // Port 1 on loopback: refused at once, like a backend that is down.
    let client = PortalClient::new(
        "http://127.0.0.1:1/kiosk/v1/",
        DEMO_KIOSK_TOKEN,
        None,
        Duration::from_secs(2),
    )
    .unwrap();
    let store = Store::open_in(dir.path()).unwrap();
    store
        .enqueue_event(
            EventKind::SessionStarted,
            chrono::Utc::now(),
            &serde_json::json!({}),
        )
        .unwrap();
    let mut engine = SyncEngine::new(
        client,
        store,
        SyncSettings {
            kiosk_id: DEMO_KIOSK_ID.into(),
            assets_dir: dir.path().join("assets"),
            asset_budget: 1 << 20,
            intervals: SyncIntervals::default(),
        },
    );
    let report = engine.pass().await;
    assert!(all_are(&report, PullOutcome::Failed), "{report}");
    assert!(report.collections.iter().all(|c| {
        c.error
            .as_deref()
            .is_some_and(|e| e.starts_with("backend unreachable"))
    }));
    assert_eq!(report.events.pending, 1, "the queued event waits");
    assert!(!report.heartbeat_ok);
    assert!(
        engine
            .store()
            .load::<PromoPlaylist>()
            .unwrap()
            .slides
            .is_empty()
    );
    assert_eq!(engine.store().sync_state("promo").unwrap().failures, 1);
    // What the UI gets: an empty playlist (it plays the bundled slides) and no sync time.
    let snapshot = portal_kiosk::sync::runner::snapshot(&engine).unwrap();
    assert!(snapshot.playlist.slides.is_empty() && snapshot.synced_at.is_none());
}
