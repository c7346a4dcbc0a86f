//! Sync benchmarks against the development portal on loopback (issue 3 targets):
//!   * a pass with nothing changed: one conditional request per collection (304s);
//!   * the first full sync of the seeded content, without asset bytes;
//!   * delivering 10,000 queued events.
//!
//! Run: `cargo bench --bench sync`. Prints the median and worst of several runs.

use std::time::{Duration, Instant};

use portal_kiosk::devportal::{self, DEMO_KIOSK_ID, DEMO_KIOSK_TOKEN};
use portal_kiosk::portal::PortalClient;
use portal_kiosk::portal::types::EventKind;
use portal_kiosk::store::{COLLECTIONS, Store};
use portal_kiosk::sync::{PullOutcome, SyncEngine, SyncIntervals, SyncSettings};

fn engine(url: &str, dir: &std::path::Path) -> SyncEngine {
    let client =
        PortalClient::new(url, DEMO_KIOSK_TOKEN, None, Duration::from_secs(10)).expect("client");
    let store = Store::open_in(dir).expect("store");
    SyncEngine::new(
        client,
        store,
        SyncSettings {
            kiosk_id: DEMO_KIOSK_ID.into(),
            assets_dir: dir.join("assets"),
            asset_budget: 512 << 20,
            intervals: SyncIntervals::default(),
        },
    )
}

fn report(name: &str, target_ms: f64, mut samples: Vec<Duration>) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = ms(samples[samples.len() / 2]);
    let worst = ms(*samples.last().unwrap_or(&Duration::ZERO));
    let verdict = if median <= target_ms {
        "ok"
    } else {
        "OVER TARGET"
    };
    println!(
        "{name:<44} median {median:>8.1} ms   worst {worst:>8.1} ms   target ≤ {target_ms} ms   {verdict}"
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let tmp = std::env::temp_dir().join(format!("portal-kiosk-bench-{}", std::process::id()));
    rt.block_on(async {
        let portal = devportal::start("127.0.0.1:0", &tmp.join("portal.sqlite"), true)
            .await
            .expect("portal");
        let url = portal.kiosk_api_url();

        // First full sync (collections only; asset bytes are excluded by the target).
        let mut first = Vec::new();
        for run in 0..7 {
            let dir = tmp.join(format!("first-{run}"));
            let mut e = engine(&url, &dir);
            let t = Instant::now();
            let mut fetched = 0;
            for c in COLLECTIONS {
                if e.pull_named(c).await.map(|r| r.outcome) == Some(PullOutcome::Fetched) {
                    fetched += 1;
                }
            }
            first.push(t.elapsed());
            assert_eq!(
                fetched,
                COLLECTIONS.len(),
                "every collection was really fetched"
            );
        }
        report("first full sync of the seeded content", 1000.0, first);

        // Nothing changed: four conditional GETs answered 304.
        let dir = tmp.join("steady");
        let mut e = engine(&url, &dir);
        e.pass().await;
        let mut steady = Vec::new();
        for _ in 0..30 {
            let t = Instant::now();
            for c in COLLECTIONS {
                let outcome = e.pull_named(c).await.map(|r| r.outcome);
                assert_eq!(outcome, Some(PullOutcome::NotModified), "{c} answered 304");
            }
            steady.push(t.elapsed());
        }
        report("sync pass with nothing changed (4 × 304)", 50.0, steady);

        // 10,000 queued events.
        let mut delivery = Vec::new();
        for _ in 0..3 {
            let now = chrono::Utc::now();
            let events: Vec<_> = (0..10_000)
                .map(|i| {
                    (
                        EventKind::ProofOfPlay,
                        now,
                        serde_json::json!({ "slideId": format!("s{}", i % 7) }),
                    )
                })
                .collect();
            e.store_mut().enqueue_events(&events).expect("enqueue");
            let t = Instant::now();
            let r = e.push_events().await;
            delivery.push(t.elapsed());
            assert_eq!((r.sent, r.pending), (10_000, 0), "all delivered");
        }
        report("deliver 10,000 queued events", 5000.0, delivery);
        portal.stop().await;
    });
    let _ = std::fs::remove_dir_all(&tmp);
}
