//! Signed playlists and proof of play, end to end: the development portal on
//! a loopback port signs (or, told by its admin API, tampers with) the
//! playlist; the kiosk's real sync engine and store refuse what does not
//! verify and keep the last verified playlist. Proof-of-play events queued
//! during a six-hour outage reach the portal's report exactly once.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use portal_kiosk::devportal::{self, DEMO_KIOSK_ID, DEMO_KIOSK_TOKEN, RunningPortal};
use portal_kiosk::portal::PortalClient;
use portal_kiosk::portal::types::*;
use portal_kiosk::promo::{PlaylistSigner, PlaylistTrust, PublicKey, VerifyState};
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

    fn data_dir(&self, kiosk: &str) -> PathBuf {
        self.dir.path().join(kiosk)
    }

    fn client(&self, token: &str, timeout: Duration) -> PortalClient {
        PortalClient::new(&self.portal.kiosk_api_url(), token, None, timeout).unwrap()
    }

    fn engine_for(&self, kiosk: &str, token: &str, timeout: Duration) -> SyncEngine {
        let data = self.data_dir(kiosk);
        SyncEngine::new(
            self.client(token, timeout),
            Store::open_in(&data).unwrap(),
            SyncSettings {
                kiosk_id: kiosk.into(),
                assets_dir: data.join("assets"),
                asset_budget: 512 * 1024 * 1024,
                intervals: SyncIntervals::default(),
            },
        )
    }

    /// The demo kiosk requiring signatures by `keys`.
    fn engine(&self, keys: Vec<PublicKey>) -> SyncEngine {
        self.engine_for(DEMO_KIOSK_ID, DEMO_KIOSK_TOKEN, Duration::from_secs(5))
            .with_playlist_trust(PlaylistTrust {
                require_signature: true,
                keys,
            })
    }

    fn admin(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        reqwest::Client::new()
            .request(
                method,
                format!("http://{}/admin/v1/{path}", self.portal.addr),
            )
            .bearer_auth(self.portal.state.admin_token())
    }

    async fn signing(&self, mode: &str) {
        let r = self
            .admin(reqwest::Method::PUT, "promo/signing")
            .json(&serde_json::json!({ "mode": mode }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204, "mode {mode}");
    }

    async fn publish(&self, playlist: &PromoPlaylist) {
        let r = self
            .admin(reqwest::Method::PUT, "content/promo")
            .json(playlist)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
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

    async fn clear_fault(&self, target: &str) {
        let r = self
            .admin(reqwest::Method::DELETE, &format!("faults/{target}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204);
    }
}

fn titles(engine: &SyncEngine) -> Vec<String> {
    engine
        .playable_playlist()
        .unwrap()
        .expect("a playable playlist")
        .slides
        .iter()
        .map(|s| s.title.clone())
        .collect()
}

#[tokio::test]
async fn the_portal_publishes_its_key_and_the_kiosk_takes_only_verified_playlists() {
    let s = Setup::new().await;
    // The admin API shows the key to pin; it is the state's.
    let info: serde_json::Value = s
        .admin(reqwest::Method::GET, "promo/signing")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let key = s.portal.state.promo_public_key();
    assert_eq!(info["publicKey"], key.to_base64());
    assert_eq!(info["keyId"], key.id);
    assert_eq!(info["mode"], "signed");

    let mut engine = s.engine(vec![key.clone()]);
    let status = engine.playlist_verify_status();
    let first = engine.pull_promo().await;
    assert_eq!(first.outcome, PullOutcome::Fetched, "{:?}", first.error);
    let good = titles(&engine);
    assert!(!good.is_empty());
    assert_eq!(status.counts().state, VerifyState::Verified);

    // Tampered after signing, unsigned, signed by a stranger: each refused,
    // the verified playlist stays, and the heartbeat says so.
    for (mode, state) in [
        ("tampered", VerifyState::BadSignature),
        ("unsigned", VerifyState::Unsigned),
        ("wrong-key", VerifyState::UnknownKey),
    ] {
        s.signing(mode).await;
        let report = engine.pull_promo().await;
        assert_eq!(report.outcome, PullOutcome::Failed, "{mode}");
        let error = report.error.unwrap_or_default();
        assert!(error.contains("playlist refused"), "{mode}: {error}");
        assert_eq!(titles(&engine), good, "{mode}: the verified playlist stays");
        assert_eq!(status.counts().state, state, "{mode}");
        // The assets of the kept playlist are not touched.
        let assets = engine.sync_assets().await;
        assert_eq!(assets.failed, 0, "{mode}");
    }
    assert_eq!(status.counts().refused, 3);
    assert!(engine.heartbeat("ok", "ok").await);
    let beats: serde_json::Value = s
        .admin(reqwest::Method::GET, "heartbeats")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        beats[0]["playlist"],
        serde_json::json!({"state": "unknown-key", "required": true, "refused": 3})
    );
    assert_eq!(
        status.metric_samples(),
        vec![
            ("none", 0),
            ("verified", 0),
            ("unsigned", 0),
            ("unknown-key", 1),
            ("bad-signature", 0)
        ]
    );

    // Signed again: the same bytes as the kiosk has (304), verified again.
    s.signing("signed").await;
    assert_eq!(engine.pull_promo().await.outcome, PullOutcome::NotModified);
    assert_eq!(status.counts().state, VerifyState::Verified);

    // New content, signed: taken.
    let mut changed: PromoPlaylist = engine.store().load().unwrap();
    changed.signature = None;
    changed.slides[0].title = "Nový titulek".into();
    s.publish(&changed).await;
    assert_eq!(engine.pull_promo().await.outcome, PullOutcome::Fetched);
    assert_eq!(titles(&engine)[0], "Nový titulek");
    let stored: PromoPlaylist = engine.store().load().unwrap();
    assert!(stored.signature.is_some(), "the signature is stored too");

    // A full pass with a tampered playlist keeps the new one as well.
    s.signing("tampered").await;
    let pass = engine.pass().await;
    assert!(!pass.all_ok());
    assert_eq!(titles(&engine)[0], "Nový titulek");
}

#[tokio::test]
async fn a_kiosk_with_keys_but_not_requiring_them_takes_anything() {
    let s = Setup::new().await;
    s.signing("tampered").await;
    let mut engine = s
        .engine_for(DEMO_KIOSK_ID, DEMO_KIOSK_TOKEN, Duration::from_secs(5))
        .with_playlist_trust(PlaylistTrust {
            require_signature: false,
            keys: vec![s.portal.state.promo_public_key()],
        });
    assert_eq!(engine.pull_promo().await.outcome, PullOutcome::Fetched);
    let counts = engine.playlist_verify_status().counts();
    assert_eq!(
        (counts.state, counts.refused),
        (VerifyState::BadSignature, 0)
    );
    assert!(titles(&engine)[0].contains("(podvrženo)"));
}

#[tokio::test]
async fn key_rotation_over_the_wire() {
    let s = Setup::new().await;
    let old = PlaylistSigner::from_seed(&[1; 32]).unwrap();
    let new = PlaylistSigner::from_seed(&[2; 32]).unwrap();
    s.portal.state.set_promo_key(&[1; 32]).unwrap();
    let both = vec![old.public_key().clone(), new.public_key().clone()];
    let mut engine = s.engine(both);
    assert_eq!(engine.pull_promo().await.outcome, PullOutcome::Fetched);
    // The backend moves to the new key: a new signature, so new bytes.
    s.portal.state.set_promo_key(&[2; 32]).unwrap();
    assert_eq!(engine.pull_promo().await.outcome, PullOutcome::Fetched);
    assert_eq!(
        engine.playlist_verify_status().counts().state,
        VerifyState::Verified
    );
    // A kiosk that retired the old key refuses what is still signed with it.
    s.portal.state.set_promo_key(&[1; 32]).unwrap();
    let mut retired = s
        .engine_for("lt-other", DEMO_KIOSK_TOKEN, Duration::from_secs(5))
        .with_playlist_trust(PlaylistTrust {
            require_signature: true,
            keys: vec![new.public_key().clone()],
        });
    let report = retired.pull_promo().await;
    assert_eq!(report.outcome, PullOutcome::Failed);
    assert_eq!(
        retired.playlist_verify_status().counts().state,
        VerifyState::UnknownKey
    );
    // Nothing was stored: nothing synced plays.
    assert!(
        retired
            .playable_playlist()
            .unwrap()
            .unwrap()
            .slides
            .is_empty()
    );
}

#[tokio::test]
async fn a_stored_playlist_that_no_longer_verifies_is_not_played() {
    let s = Setup::new().await;
    let mut open = s.engine_for(DEMO_KIOSK_ID, DEMO_KIOSK_TOKEN, Duration::from_secs(5));
    s.signing("unsigned").await;
    assert_eq!(open.pull_promo().await.outcome, PullOutcome::Fetched);
    drop(open);
    // The site turns signatures on: the unsigned copy in the store is not played.
    let strict = s.engine(vec![s.portal.state.promo_public_key()]);
    assert_eq!(strict.playable_playlist().unwrap(), None);
}

/// The demo's setup (`EmbeddedPortal::configure`): signatures required, the
/// portal's key pinned; the kiosk's own engine (`app::sync_engine`) takes the
/// demo playlist, and refuses a tampered one.
#[tokio::test]
async fn the_demo_plays_signed_playlists() {
    let dir = tempfile::tempdir().unwrap();
    let embedded = devportal::start_embedded(&dir.path().join("portal"))
        .await
        .unwrap();
    let mut config = portal_kiosk::config::KioskConfig::embedded_default().unwrap();
    embedded.configure(&mut config);
    config.storage.data_dir = dir.path().join("data");
    assert!(config.promo.require_signature);
    let mut engine = portal_kiosk::app::sync_engine(&config).unwrap();
    let report = engine.pass().await;
    assert!(report.all_ok(), "{report}");
    let playing = engine.playable_playlist().unwrap().unwrap();
    assert!(playing.slides.len() >= 5, "the demo slides play");
    assert_eq!(
        engine.playlist_verify_status().counts().state,
        VerifyState::Verified
    );
    embedded
        .portal
        .state
        .set_promo_signing(devportal::SigningMode::Tampered);
    assert_eq!(engine.pull_promo().await.outcome, PullOutcome::Failed);
    assert_eq!(engine.playable_playlist().unwrap().unwrap(), playing);
}

/// Urgent notices over loopback: published with the playlist (and signed
/// with it), in force on the sites they target, gone when withdrawn or
/// expired; an expired one is refused at publication; a picture that fails
/// its hash leaves the notice as text.
#[tokio::test]
async fn urgent_notices_appear_target_expire_and_are_withdrawn() {
    use portal_kiosk::promo::notices::active_notices;
    let s = Setup::new().await;
    let mut engine = s.engine(vec![s.portal.state.promo_public_key()]);
    assert_eq!(engine.pull_promo().await.outcome, PullOutcome::Fetched);
    let mut playlist: PromoPlaylist = engine.store().load().unwrap();
    playlist.signature = None;
    let assets = s.data_dir(DEMO_KIOSK_ID).join("assets");
    // A picture of the notice: one of the demo slides' assets, stored at the portal.
    let picture = playlist
        .slides
        .iter()
        .find_map(|sl| sl.asset.clone())
        .unwrap();
    let now = chrono::Utc::now();
    let notice = |id: &str, sites: &[&str], minutes: i64| UrgentNotice {
        id: id.into(),
        severity: NoticeSeverity::Warning,
        title: format!("Uzavírka {id}"),
        body: "Objížďka přes Dlouhou".into(),
        asset: None,
        sites: sites.iter().map(|s| s.to_string()).collect(),
        starts_at: None,
        expires_at: now + chrono::Duration::minutes(minutes),
    };
    let mut with_picture = notice("namesti", &[], 60);
    with_picture.severity = NoticeSeverity::Critical;
    with_picture.asset = Some(picture.clone());
    playlist.notices = vec![
        with_picture,
        notice("nadrazi", &["lt-nadrazi-01"], 60),
        notice("kiosky", &["kiosk"], 60),
    ];
    // The picture's download fails its hash check once.
    s.fault("assets", "wrong-hash", -1).await;
    std::fs::remove_dir_all(&assets).ok();
    s.publish(&playlist).await;
    assert_eq!(engine.pull_promo().await.outcome, PullOutcome::Fetched);
    let report = engine.sync_assets().await;
    assert!(report.failed > 0, "{report:?}");
    let stored = engine.playable_playlist().unwrap().unwrap();
    let ids = |tags: &[&str], at: chrono::DateTime<chrono::Utc>| -> Vec<(String, bool)> {
        active_notices(&stored, at, tags, &assets)
            .into_iter()
            .map(|n| (n.id, n.picture.is_some()))
            .collect()
    };
    // Appears, and targets: the station gets its own, a kiosk the kiosks' one.
    assert_eq!(
        ids(&[DEMO_KIOSK_ID, "kiosk"], now),
        [
            ("namesti".to_string(), false),
            ("kiosky".to_string(), false)
        ],
        "the picture failed its hash: shown as text"
    );
    assert_eq!(
        ids(&["lt-nadrazi-01", "signage"], now).len(),
        2,
        "namesti and nadrazi"
    );
    // Expires: an hour later nothing is in force.
    assert!(
        ids(
            &[DEMO_KIOSK_ID, "kiosk"],
            now + chrono::Duration::minutes(61)
        )
        .is_empty()
    );
    // The picture downloads once the hash checks out.
    s.clear_fault("assets").await;
    assert_eq!(engine.sync_assets().await.failed, 0);
    assert_eq!(ids(&[DEMO_KIOSK_ID], now)[0], ("namesti".to_string(), true));

    // A playlist altered on the way is refused, its notices with it.
    s.signing("tampered").await;
    assert_eq!(engine.pull_promo().await.outcome, PullOutcome::Failed);
    s.signing("signed").await;

    // Withdrawn: the next playlist has no notices.
    playlist.notices.clear();
    s.publish(&playlist).await;
    assert_eq!(engine.pull_promo().await.outcome, PullOutcome::Fetched);
    let stored = engine.playable_playlist().unwrap().unwrap();
    assert!(active_notices(&stored, now, &[DEMO_KIOSK_ID, "kiosk"], &assets).is_empty());

    // Already expired: refused at publication.
    playlist.notices = vec![notice("stara", &[], -5)];
    let r = s
        .admin(reqwest::Method::PUT, "content/promo")
        .json(&playlist)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("expired already"));
}

#[test]
fn playlist_verify_exits_0_or_1() {
    let dir = tempfile::tempdir().unwrap();
    let signer = PlaylistSigner::from_seed(&[5; 32]).unwrap();
    let playlist: PromoPlaylist = serde_json::from_value(serde_json::json!({"slides": [
        {"id": "a", "kind": "text", "title": "Ahoj", "durationSeconds": 8},
        {"id": "b", "kind": "text", "title": "Nazdar", "durationSeconds": 8}]}))
    .unwrap();
    let signed = signer.sign(playlist);
    let good = dir.path().join("good.json");
    std::fs::write(&good, serde_json::to_vec(&signed).unwrap()).unwrap();
    let mut tampered = signed.clone();
    tampered.slides.swap(0, 1);
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, serde_json::to_vec(&tampered).unwrap()).unwrap();
    let keyfile = dir.path().join("key.pub");
    std::fs::write(&keyfile, signer.public_key().to_base64() + "\n").unwrap();
    let run = |file: &std::path::Path, key: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_portal-kiosk"))
            .args(["playlist", "verify"])
            .arg(file)
            .args(["--key", key])
            .output()
            .unwrap()
    };
    let ok = run(&good, &signer.public_key().to_base64());
    assert!(ok.status.success(), "{ok:?}");
    assert!(String::from_utf8_lossy(&ok.stdout).starts_with("verified: 2 slides"));
    let ok = run(&good, &format!("@{}", keyfile.display()));
    assert!(ok.status.success(), "{ok:?}");
    let refused = run(&bad, &signer.public_key().to_base64());
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&refused.stderr)
            .contains("refused: the playlist's signature does not match"),
        "{refused:?}"
    );
    let short = run(&good, "AAAA");
    assert_eq!(short.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&short.stderr).contains("3 bytes"),
        "{short:?}"
    );
}

// ---------------------------------------------------------------- proof of play

/// Plays every 20 s at two kiosks through a six-hour backend outage that
/// crosses midnight in Prague; then a lost acknowledgement and a batch sent
/// twice. The report counts every play once.
#[tokio::test]
async fn six_hours_of_outage_lose_no_play_and_count_none_twice() {
    let s = Setup::new().await;
    const OTHER_TOKEN: &str = "test-token-nadrazi-7f3a";
    const OTHER_ID: &str = "lt-nadrazi-01";
    s.portal
        .state
        .add_kiosk_token(OTHER_TOKEN, OTHER_ID)
        .unwrap();
    // A short timeout so that a delayed acknowledgement counts as lost.
    let timeout = Duration::from_secs(1);
    let mut kiosks = [
        s.engine_for(DEMO_KIOSK_ID, DEMO_KIOSK_TOKEN, timeout),
        s.engine_for(OTHER_ID, OTHER_TOKEN, timeout),
    ];

    // 2027-05-09 20:00 UTC = 22:00 CEST, to 02:00 UTC = 04:00 CEST next day.
    let start: Timestamp = "2027-05-09T20:00:00Z".parse().unwrap();
    let mut expected: BTreeMap<(String, String, String), u64> = BTreeMap::new();
    for (k, engine) in kiosks.iter_mut().enumerate() {
        let site = if k == 0 { DEMO_KIOSK_ID } else { OTHER_ID };
        let mut events = Vec::new();
        for i in 0..(6 * 3600 / 20) {
            let at = start + chrono::Duration::seconds(20 * i + k as i64);
            let slide = ["demo-1", "demo-2", "demo-3"][(i % 3) as usize];
            let day = portal_kiosk::promo::prague::to_local(at).date().to_string();
            *expected
                .entry((day, site.to_string(), slide.to_string()))
                .or_default() += 1;
            events.push((
                EventKind::ProofOfPlay,
                at,
                serde_json::json!({"slideId": slide, "seconds": 8}),
            ));
        }
        engine.store_mut().enqueue_events(&events).unwrap();
    }
    let total: u64 = expected.values().sum();
    assert_eq!(total, 2 * 1080);

    // The outage: every push fails, nothing is lost.
    s.fault("events", "status:503", -1).await;
    for engine in kiosks.iter_mut() {
        for _ in 0..3 {
            let r = engine.push_events().await;
            assert!(r.error.is_some());
            assert_eq!((r.sent, r.pending), (0, 1080));
        }
    }
    // Recovery, but the first batch's acknowledgement is late (stored, and
    // the kiosk gives up waiting): it is sent again.
    s.clear_fault("events").await;
    s.fault("events", "ack-delay:2500", 1).await;
    let lost = kiosks[0].push_events().await;
    assert!(lost.error.is_some(), "the acknowledgement was lost");
    assert_eq!(
        lost.pending, 1080,
        "nothing forgotten without an acknowledgement"
    );
    // What the kiosk will send again, kept to resend once more by hand.
    let first_batch = kiosks[0]
        .store()
        .outbox_batch(portal_kiosk::sync::EVENT_BATCH)
        .unwrap();
    for engine in kiosks.iter_mut() {
        let r = engine.push_events().await;
        assert!(r.error.is_none(), "{:?}", r.error);
        assert_eq!(r.pending, 0);
    }
    // A batch sent once more (a kiosk restored from a backup, a retry).
    let ack = s
        .client(DEMO_KIOSK_TOKEN, Duration::from_secs(5))
        .send_events(&EventBatch {
            kiosk_id: DEMO_KIOSK_ID.into(),
            events: first_batch.clone(),
        })
        .await
        .unwrap();
    assert_eq!(ack.accepted.len(), first_batch.len());

    let report: devportal::ProofOfPlayReport = s
        .admin(reqwest::Method::GET, "reports/proof-of-play")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(report.total_plays, total);
    let got: BTreeMap<(String, String, String), u64> = report
        .rows
        .iter()
        .map(|r| ((r.day.clone(), r.site.clone(), r.slide_id.clone()), r.plays))
        .collect();
    assert_eq!(got, expected);
    // Two Prague days: 22:00–24:00 on the 9th, 00:00–04:00 on the 10th.
    let day_total = |day: &str| -> u64 {
        report
            .rows
            .iter()
            .filter(|r| r.day == day)
            .map(|r| r.plays)
            .sum()
    };
    assert_eq!(day_total("2027-05-09"), 2 * 360);
    assert_eq!(day_total("2027-05-10"), 2 * 720);
    assert!(report.rows.iter().all(|r| r.seconds == 8 * r.plays));

    let csv = s
        .admin(reqwest::Method::GET, "reports/proof-of-play?format=csv")
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()[reqwest::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = csv.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "day,site,slide_id,plays,seconds");
    assert_eq!(lines.len(), 1 + report.rows.len());
    assert!(
        lines.contains(&"2027-05-09,lt-demo-01,demo-1,120,960"),
        "{csv}"
    );
    let bad = s
        .admin(reqwest::Method::GET, "reports/proof-of-play?format=xml")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
}
