//! The counter's staff login and lookup, measured over loopback to the
//! development portal, which verifies the PIN (no target in the issue; the
//! figures show the desk's pace and back the README's "≈ 0.1 s per member"):
//! - `POST /staff/login` with the PIN: the portal checks it against the
//!   argon2id hashes (64 MiB, 3 passes) of the staff allowed at the counter,
//!   for 1 and 3 members — every hash is tried, so the time grows with them;
//! - the same through the kiosk's staff login adapter (its lockout in SQLite
//!   read and written on a blocking task, then the round trip);
//! - `POST /staff/lookup` `{"vs": …}`.
//!
//! Run: `cargo bench --bench staff`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use portal_kiosk::devportal::{self, DEMO_COUNTER_ID, DEMO_COUNTER_TOKEN, DEMO_STAFF_PIN};
use portal_kiosk::kiosk::ports::{AttemptId, StaffLoginPort};
use portal_kiosk::kiosk::{KioskEvent, StaffOutcome, StaffPin};
use portal_kiosk::login::SessionTokens;
use portal_kiosk::portal::PortalClient;
use portal_kiosk::staff::{StaffLockout, StaffLogin, hash_pin};

fn figures(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<52} median {:>8.2} ms   max {:>8.2} ms   (n = {})",
        ms(samples[samples.len() / 2]),
        ms(samples[samples.len() - 1]),
        samples.len()
    );
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --all-targets` runs this once
    // as a smoke test with fewer samples (in a debug build its figures mean
    // nothing; the full run took CI minutes).
    let full = std::env::args().any(|a| a == "--bench");
    let n = if full { 20 } else { 3 };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let portal = rt
        .block_on(devportal::start(
            "127.0.0.1:0",
            &dir.path().join("portal.sqlite"),
            true,
        ))
        .expect("portal");
    let client = Arc::new(
        PortalClient::new(
            &portal.kiosk_api_url(),
            DEMO_COUNTER_TOKEN,
            None,
            Duration::from_secs(5),
        )
        .expect("client"),
    );
    let pin = DEMO_STAFF_PIN.as_bytes();

    let login_round_trips = |n: usize| {
        let mut samples = Vec::new();
        rt.block_on(async {
            for _ in 0..n {
                let t = Instant::now();
                let session = client.staff_login(pin).await.expect("login");
                samples.push(t.elapsed());
                client.staff_logout(&session.session).await.expect("logout");
            }
        });
        samples
    };
    figures(
        "POST /staff/login, 1 member at the counter (loopback)",
        login_round_trips(n),
    );

    // Two more members at the counter: every hash is tried.
    let other = hash_pin(b"975310").expect("hash");
    for id in ["st-bench-2", "st-bench-3"] {
        portal
            .state
            .add_staff_member(id, id, &other, &[DEMO_COUNTER_ID])
            .expect("staff");
    }
    figures(
        "POST /staff/login, 3 members at the counter (loopback)",
        login_round_trips(n),
    );

    // The kiosk's adapter: its lockout in SQLite, then the round trip.
    let data = tempfile::tempdir().expect("tempdir");
    let lockout = Arc::new(StaffLockout::open(data.path()).expect("lockout"));
    let tokens = SessionTokens::default();
    let mut adapter = StaffLogin::new(rt.handle().clone(), client.clone(), lockout, tokens);
    let (tx, rx) = std::sync::mpsc::channel();
    adapter.connect(Arc::new(move |e| {
        let _ = tx.send(e);
    }));
    let mut samples = Vec::new();
    for i in 0..n as u64 {
        let t = Instant::now();
        adapter.authenticate(
            AttemptId(i),
            StaffPin(zeroize::Zeroizing::new(pin.to_vec())),
        );
        match rx.recv_timeout(Duration::from_secs(10)).expect("answer") {
            KioskEvent::StaffResult {
                outcome: StaffOutcome::LoggedIn { .. },
                ..
            } => samples.push(t.elapsed()),
            other => panic!("expected a login, got {other:?}"),
        }
    }
    figures("staff login adapter, 3 members (loopback)", samples);

    let mut lookups = Vec::new();
    rt.block_on(async {
        for _ in 0..n.div_ceil(4) {
            let session = client.staff_login(pin).await.expect("login");
            for _ in 0..10 {
                let t = Instant::now();
                let found = client
                    .staff_lookup(&session.session, "1100012011")
                    .await
                    .expect("lookup");
                lookups.push(t.elapsed());
                assert!(!found.obligations.is_empty());
            }
            client.staff_logout(&session.session).await.expect("logout");
        }
    });
    figures("POST /staff/lookup (loopback)", lookups);
}
