//! The counter's staff login and lookup, measured (no target in the issue; the
//! figures back the README's "≈ 0.1 s per member" and show the desk's pace):
//! - a staff PIN checked against argon2id hashes (64 MiB, 3 passes) for 1 and
//!   3 members — every hash is tried, so the time grows with the members;
//! - `POST /staff/login` + `GET /staff/obligations?vs=` over loopback to the
//!   development portal.
//!
//! Run: `cargo bench --bench staff`.

use std::time::{Duration, Instant};

use portal_kiosk::devportal::{self, DEMO_KIOSK_TOKEN};
use portal_kiosk::portal::PortalClient;
use portal_kiosk::staff::{StaffPins, StaffVerdict, hash_pin};

fn figures(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<46} median {:>8.2} ms   max {:>8.2} ms   (n = {})",
        ms(samples[samples.len() / 2]),
        ms(samples[samples.len() - 1]),
        samples.len()
    );
}

fn main() {
    let hash = hash_pin(b"246810").expect("hash");
    for members in [1usize, 3] {
        let mut text = String::new();
        for i in 0..members {
            text.push_str(&format!(
                "[[staff]]\nname = \"Přepážka {i}\"\npin_hash = \"{hash}\"\n"
            ));
        }
        let pins = StaffPins::from_toml(&text).expect("staff");
        let mut samples = Vec::new();
        for _ in 0..10 {
            let t = Instant::now();
            let verdict = pins.verify(b"246810");
            samples.push(t.elapsed());
            assert!(matches!(verdict, StaffVerdict::Staff(_)));
        }
        figures(&format!("staff PIN check, {members} member(s)"), samples);
    }

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
    let client = PortalClient::new(
        &portal.kiosk_api_url(),
        DEMO_KIOSK_TOKEN,
        None,
        Duration::from_secs(5),
    )
    .expect("client");
    let (mut logins, mut lookups) = (Vec::new(), Vec::new());
    rt.block_on(async {
        for _ in 0..50 {
            let t = Instant::now();
            let session = client.staff_login("Přepážka 1").await.expect("login");
            logins.push(t.elapsed());
            let t = Instant::now();
            let found = client
                .staff_obligations(&session.session, "1100012011")
                .await
                .expect("lookup");
            lookups.push(t.elapsed());
            assert!(!found.obligations.is_empty());
            client.staff_logout(&session.session).await.expect("logout");
        }
    });
    figures("POST /staff/login (loopback)", logins);
    figures("GET /staff/obligations?vs= (loopback)", lookups);
}
