//! Every answer of the backend: JSON → the contract's types → the kiosk's own
//! checks → what the kiosk makes of it (views, the playlist, slips). The first
//! byte chooses the answer (low four bits) and the printer profile slips are
//! laid out for (high bits); the rest is the body.
//!
//! Slips made from an answer must decode back to exactly the lines and QR
//! payloads of their model, one cut, no line wider than the paper — what
//! `tests/receipts.rs` asserts for the seed data, here for any data the backend
//! may send.
#![no_main]

use std::collections::BTreeSet;
use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};
use libfuzzer_sys::fuzz_target;
use portal_kiosk::citizen;
use portal_kiosk::kiosk::{PaymentSlipOrder, PrintOrder};
use portal_kiosk::portal::PortalError;
use portal_kiosk::portal::types::*;
use portal_kiosk::portal::validate::Validate;
use portal_kiosk::print_orders;
use portal_kiosk::promo::{Playlist, prepare_slide};
use portal_kiosk::receipt::slip::{Slip, SlipHeader, SlipLine, SlipTown};
use portal_kiosk::receipt::{DecodedItem, PROFILES, PrinterProfile, decode};
use serde::de::DeserializeOwned;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let profile = &PROFILES[usize::from(selector >> 4) % PROFILES.len()];
    match selector & 0x0F {
        0 => {
            if let Some(p) = collection::<PromoPlaylist>(body) {
                let site = ["lt-radnice-01", "kiosk"];
                let playlist = Playlist::from_portal(&p, Path::new("/nonexistent"), now(), &site);
                assert!(playlist.len() <= p.slides.len());
                // Text and QR slides as the preparer thread draws them (pictures
                // are not on disk here, so none is chosen).
                for i in 0..playlist.len().min(2) {
                    if let Some(slide) = playlist.get(i) {
                        let _ = prepare_slide(slide, 1920, 1080);
                    }
                }
            }
        }
        1 => {
            if let Some(c) = collection::<ServiceCatalogue>(body) {
                for s in c.services.iter().take(2) {
                    round_trip(&Slip::service_information(&header(), s), profile);
                }
            }
        }
        2 => {
            if let Some(c) = collection::<ContactDirectory>(body) {
                for d in c.departments.iter().take(2) {
                    let order = PrintOrder::Contact(Box::new(d.clone()));
                    if let Some(slip) = print_orders::slip(&order, &header()) {
                        round_trip(&slip, profile);
                    }
                }
            }
        }
        3 => {
            if let Some(e) = collection::<ElectionInfo>(body) {
                for (election, district) in e.elections.iter().zip(&e.districts).take(2) {
                    round_trip(&Slip::polling_place(&header(), Some(election), district), profile);
                }
            }
        }
        4 => {
            if let Some(d) = answer::<MeDashboard>(body) {
                let _ = citizen::dashboard_view(&d);
            }
        }
        5 => {
            if let Some(list) = answer::<ObligationList>(body) {
                obligations(&list.obligations);
            }
        }
        6 => {
            if let Some(intent) = answer::<PaymentIntent>(body) {
                let view = citizen::pay_view(&intent);
                if let Ok((spayd, _)) = &view.qr {
                    assert!(spayd.starts_with("SPD*1.0*ACC:"));
                }
                let order = PaymentSlipOrder {
                    title: intent.message.clone(),
                    period: intent.id.clone(),
                    intent,
                };
                for order in [PrintOrder::Payment(order.clone()), PrintOrder::Proof(order)] {
                    if let Some(slip) = print_orders::slip(&order, &header()) {
                        round_trip(&slip, profile);
                    }
                }
            }
        }
        7 => {
            let _ = answer::<SubmissionList>(body);
        }
        8 => {
            if let Some(mut w) = answer::<Watchdog>(body) {
                for (kind, _) in citizen::watchdog_rows(&w.clone()) {
                    citizen::toggle_watch(&mut w, kind);
                }
            }
        }
        9 => {
            let _ = answer::<StaffSession>(body);
        }
        10 => {
            if let Some(found) = answer::<StaffLookup>(body) {
                obligations(&found.obligations);
            }
        }
        11 => {
            let _ = answer::<AuthChallenge>(body);
        }
        12 => {
            let _ = answer::<AuthSession>(body);
        }
        13 => {
            let _ = answer::<EventAck>(body);
        }
        _ => {
            // An error answer's problem+json, as the client reads and logs it.
            let problem = serde_json::from_slice::<Problem>(body).ok();
            let error = PortalError::Status {
                status: 422,
                problem,
                retry_after: None,
            };
            let _ = error.to_string();
        }
    }
});

/// A public collection as the sync engine takes it: parsed, then validated.
fn collection<C: Validate + DeserializeOwned>(body: &[u8]) -> Option<C> {
    let value: C = serde_json::from_slice(body).ok()?;
    value.validate().ok()?;
    Some(value)
}

/// A personal answer (never cached): parsed only; the views check each item.
fn answer<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    serde_json::from_slice(body).ok()
}

fn obligations(list: &[Obligation]) {
    let all: BTreeSet<String> = list.iter().map(|o| o.id.clone()).collect();
    let (unpaid, paid) = citizen::obligation_rows(list, &all, today());
    assert_eq!(unpaid.len() + paid.len(), list.len());
    let _ = citizen::selected_total(list, &all);
    for o in list.iter().take(4) {
        if citizen::check_obligation(o).is_ok() {
            // A payable obligation always makes a payment request and its QR text.
            let request = citizen::payment_request(
                &o.account_iban,
                &o.amount_czk,
                &o.variable_symbol,
                &o.specific_symbol,
                &o.constant_symbol,
                &o.title,
            );
            assert!(request.is_ok_and(|r| r.spayd().is_ascii()));
        }
    }
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 18).unwrap_or_default()
}

fn now() -> NaiveDateTime {
    today().and_hms_opt(10, 30, 0).unwrap_or_default()
}

fn header() -> SlipHeader {
    SlipHeader {
        town: SlipTown {
            municipality: "Město Litoměřice".into(),
            address: "Mírové náměstí 15/7, 412 01 Litoměřice".into(),
            ico: "00263958".into(),
            web: "obcan.litomerice.cz".into(),
        },
        kiosk_id: "lt-radnice-01".into(),
        slip_number: 42,
        printed_at: now(),
    }
}

/// Encodes the slip for `profile` and reads the bytes back.
fn round_trip(slip: &Slip, profile: &PrinterProfile) {
    let Ok(bytes) = slip.encode(profile) else {
        // Only a QR payload beyond any QR version is refused.
        return;
    };
    let decoded = match decode(&bytes) {
        Ok(d) => d,
        Err(e) => panic!(
            "{}: the kiosk's own slip does not decode: {e}",
            profile.name
        ),
    };
    assert_eq!(decoded.code_table, Some(profile.code_table));
    assert_eq!(
        decoded.lines(),
        slip.text_lines(profile.columns),
        "{}",
        profile.name
    );
    for line in decoded.lines() {
        assert!(
            line.chars().count() <= profile.columns,
            "{}: a line is wider than the paper: {line:?}",
            profile.name
        );
    }
    assert_eq!(decoded.cuts(), 1);
    let expected_qr: Vec<String> = slip
        .lines
        .iter()
        .filter_map(|l| match l {
            SlipLine::Qr { payload, .. } => Some(payload.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(decoded.qr_payloads(), expected_qr, "{}", profile.name);
    let native = decoded
        .items
        .iter()
        .any(|i| matches!(i, DecodedItem::Qr { native: true, .. }));
    assert_eq!(native, profile.native_qr && !expected_qr.is_empty());
}
