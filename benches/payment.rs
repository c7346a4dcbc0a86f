//! SPAYD + QR image for a payment (issue 5 target: ≤ 5 ms).
//! Run: `cargo bench --bench payment`.

use std::time::{Duration, Instant};

use portal_kiosk::payment::{Amount, PaymentRequest, QrMatrix};

fn main() {
    let mut samples: Vec<Duration> = Vec::new();
    for i in 0..500u64 {
        let t = Instant::now();
        let p = PaymentRequest::new("19-4260105309/0800")
            .and_then(|p| p.vs(&format!("{}", 1_000_000 + i)))
            .map(|p| {
                p.amount(Amount::from_hellers(90_000 + i).unwrap())
                    .message_fitted("Poplatek za komunální odpad 2026")
            })
            .expect("valid payment");
        let text = p.spayd();
        let img = QrMatrix::encode(&text).expect("qr").to_image(8);
        std::hint::black_box(img);
        samples.push(t.elapsed());
    }
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = ms(samples[samples.len() / 2]);
    let p99 = ms(samples[samples.len() * 99 / 100]);
    let verdict = if median <= 5.0 { "ok" } else { "OVER TARGET" };
    println!(
        "SPAYD + QR image (8 px modules)              median {median:>8.3} ms   p99 {p99:>8.3} ms   target ≤ 5 ms   {verdict}"
    );
}
