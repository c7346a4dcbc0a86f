//! The kiosk's malloc setting (`ops::return_large_blocks`, called first thing
//! in `main`): slide-sized blocks go back to the system when freed. Without it
//! glibc keeps them in the heap after the first one is freed — the promotion
//! loop's 6-MB slides then stayed resident for good (~24 MB of the loop's PSS).

fn rss_anon_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("RssAnon:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap()
}

/// Like the loop: the preparer thread decodes and prepares each slide, the UI
/// thread holds the one on screen and the next, and drops the one that faded out.
fn churn() {
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(1);
    let preparer = std::thread::spawn(move || {
        for i in 0..12u8 {
            let decoded = vec![i; 1920 * 1080 * 3];
            let mut prepared = decoded.clone();
            prepared[0] = i.wrapping_add(1);
            drop(decoded);
            if tx.send(prepared).is_err() {
                break;
            }
        }
    });
    let mut held: Vec<Vec<u8>> = Vec::new();
    for slide in rx {
        held.push(slide);
        if held.len() > 2 {
            held.remove(0);
        }
    }
    preparer.join().unwrap();
    drop(held);
}

#[test]
fn freed_slides_leave_the_process() {
    portal_kiosk::ops::return_large_blocks();
    churn();
    let before = rss_anon_kb();
    churn();
    let after = rss_anon_kb();
    // Nothing of the 12 slides stays resident (a little slack for the test harness).
    assert!(
        after < before + 2048,
        "RssAnon grew from {before} kB to {after} kB"
    );
    assert!(
        after < 10 * 1024 + before.min(after),
        "RssAnon {after} kB holds slides"
    );
    // And while held, two slides are resident: the measure sees them.
    let two: Vec<Vec<u8>> = (0..2u8).map(|i| vec![i + 1; 1920 * 1080 * 3]).collect();
    let holding = rss_anon_kb();
    assert!(holding > after + 10 * 1024, "{holding} kB with two slides");
    drop(two);
    assert!(rss_anon_kb() < holding - 10 * 1024, "returned when freed");
}
