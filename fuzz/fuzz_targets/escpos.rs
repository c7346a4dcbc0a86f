//! The ESC/POS decoder (`portal-kiosk receipt-decode`, the slip preview) and the
//! printer's answers: the first byte chooses.
//!
//! - even: the rest is an ESC/POS stream for `receipt::decode`, whose result is
//!   also written out as the command's JSON;
//! - odd: the rest is what a printer link answered to the three `DLE EOT n`
//!   status queries (split in three), and the printer URI parser gets it as text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portal_kiosk::receipt::printer::{state_from_status, status_reply};
use portal_kiosk::receipt::{DecodedItem, PrinterUri, decode};

fuzz_target!(init: let_rqrr_panics_be_caught(), |data: &[u8]| fuzz(data));

/// rqrr, the QR reader behind raster images, asserts on some degenerate
/// pictures (upstream WanzenBug/rqrr#54); `payment::read_qr_codes` catches that
/// panic and the decoder reports the image unreadable. libfuzzer-sys aborts on
/// every panic, caught or not: rqrr's own go on to that catch, any other still
/// aborts.
fn let_rqrr_panics_be_caught() {
    let abort = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !info.location().is_some_and(|l| l.file().contains("/rqrr-")) {
            abort(info);
        }
    }));
}

fn fuzz(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    if selector & 1 == 0 {
        let Ok(receipt) = decode(rest) else {
            return;
        };
        let _ = serde_json::to_string(&receipt);
        let lines = receipt.lines().len();
        let qr = receipt.qr_payloads().len();
        assert!(lines + qr + receipt.cuts() <= receipt.items.len());
        for item in &receipt.items {
            if let DecodedItem::Line(l) = item {
                assert!((1..=16).contains(&l.width) && (1..=16).contains(&l.height));
            }
        }
    } else {
        // Up to 64 bytes per answer, as the link reads them.
        let mut answers = rest.chunks(rest.len().div_ceil(3).clamp(1, 64));
        let mut reply = || answers.next().and_then(status_reply);
        if let (Some(a), Some(b), Some(c)) = (reply(), reply(), reply()) {
            let _ = state_from_status(a, b, c);
        }
        let _ = PrinterUri::parse(&String::from_utf8_lossy(rest));
    }
}
