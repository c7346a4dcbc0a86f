//! `card-info` and `card-sim`: what is in the PC/SC readers, and (with
//! `devtools`) a simulated eObčanka put into pcscd's virtual reader. Personal
//! data read from a card is masked unless `--show-personal` asks for it, and is
//! never logged.

/// `card-info`: readers, and what is in them. Personal data (document number,
/// names from the certificate) is masked unless asked for.
pub fn card_info(pattern: Option<&str>, json: bool, show_personal: bool) -> Result<(), String> {
    use portal_kiosk::card::{CardKind, reader};
    let readers = reader::list_readers()?;
    let pattern = pattern.map(str::to_lowercase);
    let mask = |s: &str| -> String {
        if show_personal {
            s.to_string()
        } else {
            let n = s.chars().count();
            let tail: String = s.chars().skip(n.saturating_sub(2)).collect();
            format!("{}{tail}", "*".repeat(n.saturating_sub(2)))
        }
    };
    let mut out = Vec::new();
    for r in readers.iter().filter(|r| {
        pattern
            .as_ref()
            .is_none_or(|p| r.name.to_lowercase().contains(p))
    }) {
        let mut entry = serde_json::json!({ "reader": r.name, "cardPresent": r.card_present });
        if r.card_present {
            entry["atr"] = serde_json::json!(r.atr);
            match reader::read_card_in(&r.name) {
                Ok(CardKind::EObcanka(card)) => {
                    entry["eobcanka"] = serde_json::json!(true);
                    entry["documentNumber"] = serde_json::json!(mask(&card.document_number));
                    entry["iok"] = serde_json::json!({
                        "triesLeft": card.iok.tries_left,
                        "maxTries": card.iok.max_tries,
                        "blocked": card.iok.blocked,
                    });
                    let cert = card.long_certificate.as_deref();
                    entry["identificationCertificateReadable"] = serde_json::json!(cert.is_some());
                    if let Some(id) = cert.and_then(portal_kiosk::webeid::identity_of) {
                        entry["holder"] =
                            serde_json::json!(mask(&id.common_name.unwrap_or_default()));
                    }
                }
                Ok(CardKind::NotEObcanka) => entry["eobcanka"] = serde_json::json!(false),
                Err(e) => entry["error"] = serde_json::json!(e),
            }
        }
        out.push(entry);
    }
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?
        );
    } else if out.is_empty() {
        println!(
            "no card reader{}",
            if pattern.is_some() { " matches" } else { "" }
        );
    } else {
        for e in &out {
            println!("reader: {}", e["reader"].as_str().unwrap_or_default());
            if e["cardPresent"] != serde_json::json!(true) {
                println!("  no card");
                continue;
            }
            println!("  ATR: {}", e["atr"].as_str().unwrap_or_default());
            match e["eobcanka"].as_bool() {
                Some(true) => {
                    println!("  eObčanka: yes");
                    println!(
                        "  document number: {}",
                        e["documentNumber"].as_str().unwrap_or_default()
                    );
                    println!(
                        "  IOK: {} of {} tries left{}",
                        e["iok"]["triesLeft"],
                        e["iok"]["maxTries"],
                        if e["iok"]["blocked"] == serde_json::json!(true) {
                            " (BLOCKED)"
                        } else {
                            ""
                        }
                    );
                    if let Some(h) = e["holder"].as_str() {
                        println!("  holder: {h}");
                    }
                }
                Some(false) => println!("  eObčanka: no (another kind of card)"),
                None => println!("  error: {}", e["error"].as_str().unwrap_or_default()),
            }
        }
    }
    Ok(())
}

/// `card-sim`: serves the simulated card of `profile` to vpcd at `vpcd` until
/// vpcd closes the connection.
#[cfg(feature = "devtools")]
pub fn card_sim(vpcd: &str, profile: &str) -> Result<(), String> {
    portal_kiosk::card::testcards::load_profile(profile).and_then(|profile| {
        portal_kiosk::card::vpicc::serve(vpcd, profile).map_err(|e| e.to_string())
    })
}
