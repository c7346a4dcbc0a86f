//! `print-test` and `receipt-decode`: a slip with demo content to a real or
//! preview printer, and ESC/POS bytes read back as text. Both only print what
//! they are given or invented content, never a citizen's data.

/// Prints a `test`, `payment`, `service`, `notice` or `polling-place` slip with demo content to the
/// printer at `uri`; fails with the printer's state in words if it cannot.
pub fn print_test(uri: &str, profile_name: &str, which: &str) -> Result<(), String> {
    use portal_kiosk::payment::{Amount, CzechAccount};
    use portal_kiosk::receipt::{PaymentSlipData, PrinterUri, Slip, printer, profile};
    let uri = PrinterUri::parse(uri).map_err(|e| e.to_string())?;
    let profile = profile(profile_name).ok_or_else(|| {
        format!(
            "unknown printer profile `{profile_name}`; expected one of {}",
            portal_kiosk::config::PRINTER_PROFILES.join(", ")
        )
    })?;
    // The documented default config's town (a test slip carries no site).
    let town = portal_kiosk::config::KioskConfig::embedded_default()
        .map_err(|e| format!("the built-in default config is invalid: {e}"))?
        .town;
    let header = portal_kiosk::receipt::SlipOrigin::new("lt-demo-01", &town)
        .header(1, chrono::Local::now().naive_local());
    let slip = match which {
        "payment" => {
            let account = CzechAccount::parse("19-4260107208/0100").map_err(|e| e.to_string())?;
            let amount = Amount::parse("800").map_err(|e| e.to_string())?;
            let data = PaymentSlipData {
                what: "Poplatek ze psů".into(),
                period: "2026".into(),
                amount,
                account,
                vs: Some("1234567890".into()),
                ss: None,
                ks: None,
                due: chrono::NaiveDate::from_ymd_opt(2026, 6, 30),
            };
            Slip::payment_instruction(&header, &data).map_err(|e| e.to_string())?
        }
        "service" => {
            let catalogue: portal_kiosk::portal::types::ServiceCatalogue =
                serde_json::from_str(include_str!("../../assets/seed/services.json"))
                    .map_err(|e| e.to_string())?;
            let service = catalogue.services.first().ok_or("no demo service")?;
            Slip::service_information(&header, service)
        }
        "notice" => {
            let board = portal_kiosk::noticeboard::read_board(
                include_bytes!("../../assets/seed/notice-board.jsonld"),
                portal_kiosk::noticeboard::DEFAULT_MAX_BYTES,
            )
            .map_err(|e| e.to_string())?;
            let notice = board.notices.first().ok_or("no demo notice")?;
            Slip::board_notice(&header, notice)
        }
        "polling-place" => {
            let info: portal_kiosk::portal::types::ElectionInfo =
                serde_json::from_str(include_str!("../../assets/seed/elections.json"))
                    .map_err(|e| e.to_string())?;
            let district = info.districts.first().ok_or("no demo district")?;
            Slip::polling_place(&header, info.elections.last(), district)
        }
        _ => Slip::test_page(&header, profile),
    };
    let bytes = slip
        .encode(profile)
        .map_err(|e| format!("cannot encode the slip: {e}"))?;
    match printer::print(&uri, &bytes, &format!("print-test-{which}")) {
        Ok(done) => {
            println!("printed {} bytes; printer: {}", bytes.len(), done.after);
            Ok(())
        }
        Err(printer::PrinterError::NotReady(state)) => Err(format!("printer: {state}")),
        Err(e) => Err(e.to_string()),
    }
}

/// Prints the text lines (with their style), QR payloads, feeds and cuts of
/// the ESC/POS bytes in `file`, or all of it as JSON.
pub fn receipt_decode(file: &std::path::Path, json: bool) -> Result<(), String> {
    use portal_kiosk::receipt::{DecodedItem, decode};
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let receipt = decode(&bytes).map_err(|e| format!("{}: {e}", file.display()))?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&receipt).map_err(|e| e.to_string())?
        );
        return Ok(());
    }
    for item in &receipt.items {
        match item {
            DecodedItem::Line(l) => {
                let style = format!(
                    "{}{}{}",
                    if l.bold { "B" } else { " " },
                    if l.width > 1 || l.height > 1 {
                        "W"
                    } else {
                        " "
                    },
                    match l.align {
                        "centre" => "C",
                        "right" => "R",
                        _ => " ",
                    }
                );
                println!("{style} | {}", l.text);
            }
            DecodedItem::Qr { payload, native } => {
                println!(
                    "    | [QR{}] {payload}",
                    if *native { "" } else { " raster" }
                )
            }
            DecodedItem::Feed { lines } => println!("    | [FEED {lines}]"),
            DecodedItem::Cut => println!("    | [CUT]"),
        }
    }
    Ok(())
}
