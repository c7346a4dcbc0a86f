//! Receipt benchmarks (issue 6 targets): layout + encoding of a payment slip
//! (≤ 2 ms) and end to end to a loopback test printer that answers status
//! queries (≤ 100 ms). Run: `cargo bench --bench receipt`.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use portal_kiosk::payment::{Amount, CzechAccount};
use portal_kiosk::receipt::{PaymentSlipData, PrinterUri, Slip, printer, profile};

fn report(name: &str, target_ms: f64, mut samples: Vec<Duration>) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = ms(samples[samples.len() / 2]);
    let p99 = ms(samples[samples.len() * 99 / 100]);
    let verdict = if median <= target_ms {
        "ok"
    } else {
        "OVER TARGET"
    };
    println!(
        "{name:<44} median {median:>8.3} ms   p99 {p99:>8.3} ms   target ≤ {target_ms} ms   {verdict}"
    );
}

fn main() {
    let header = portal_kiosk::receipt::SlipOrigin::new(
        "lt-bench-01",
        &portal_kiosk::config::KioskConfig::embedded_default()
            .expect("the default config")
            .town,
    )
    .header(7, chrono::Local::now().naive_local());
    let data = PaymentSlipData {
        what: "Poplatek za komunální odpad".into(),
        period: "2026".into(),
        amount: Amount::parse("900").expect("amount"),
        account: CzechAccount::parse("19-4260105309/0800").expect("account"),
        vs: Some("1234567890".into()),
        ss: None,
        ks: Some("0558".into()),
        due: None,
    };
    let epson = profile("epson-tm-t20").expect("profile");
    let mut encode = Vec::new();
    for _ in 0..500 {
        let t = Instant::now();
        let slip = Slip::payment_instruction(&header, &data).expect("slip");
        std::hint::black_box(slip.encode(epson).expect("bytes"));
        encode.push(t.elapsed());
    }
    report("payment slip: layout + ESC/POS (native QR)", 2.0, encode);
    let clone = profile("xprinter-58").expect("profile");
    let mut raster = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        let slip = Slip::payment_instruction(&header, &data).expect("slip");
        std::hint::black_box(slip.encode(clone).expect("bytes"));
        raster.push(t.elapsed());
    }
    report("payment slip: layout + ESC/POS (raster QR)", 2.0, raster);

    // A loopback printer that answers every status query "ready".
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { return };
            std::thread::spawn(move || {
                let mut buf = [0u8; 8192];
                let mut prev = [0u8; 2];
                while let Ok(n) = conn.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    for &b in &buf[..n] {
                        if prev == [0x10, 0x04] {
                            let _ = conn.write_all(&[0x12]);
                        }
                        prev = [prev[1], b];
                    }
                }
            });
        }
    });
    let uri = PrinterUri::parse(&format!("tcp://{addr}")).expect("uri");
    let mut e2e = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        let bytes = Slip::payment_instruction(&header, &data)
            .expect("slip")
            .encode(epson)
            .expect("bytes");
        printer::print(&uri, &bytes, "bench").expect("printed");
        e2e.push(t.elapsed());
    }
    report(
        "payment slip to a loopback printer, with status",
        100.0,
        e2e,
    );
}
