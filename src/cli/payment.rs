//! `spayd`: the SPAYD ("QR Platba") string of a payment, and optionally its QR
//! code as a PNG, from the same library code the kiosk's payment screen uses.
//! It checks accounts and symbols and refuses what the library refuses.

/// Prints the SPAYD of the payment to `account`; with `qr_png`, also writes its
/// QR code there.
pub fn spayd(
    account: &str,
    amount: &str,
    vs: Option<&str>,
    ss: Option<&str>,
    ks: Option<&str>,
    msg: Option<&str>,
    qr_png: Option<&std::path::Path>,
) -> Result<(), String> {
    use portal_kiosk::payment::{Amount, PaymentRequest, QrMatrix};
    let build = || -> Result<PaymentRequest, portal_kiosk::payment::PaymentError> {
        let mut p = PaymentRequest::new(account)?.amount(Amount::parse(amount)?);
        if let Some(v) = vs {
            p = p.vs(v)?;
        }
        if let Some(v) = ss {
            p = p.ss(v)?;
        }
        if let Some(v) = ks {
            p = p.ks(v)?;
        }
        if let Some(m) = msg {
            p = p.message(m)?;
        }
        Ok(p)
    };
    let payment = build().map_err(|e| e.to_string())?;
    let text = payment.spayd();
    if let Some(path) = qr_png {
        let qr = QrMatrix::encode(&text).map_err(|e| format!("cannot make the QR code: {e}"))?;
        qr.to_image(8)
            .save(path)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    println!("{text}");
    Ok(())
}
