//! Payments by QR code: Czech accounts and IBANs, the SPAYD string ("QR Platba",
//! PAYMENTS.md) and its QR image. The kiosk never makes up an account or a
//! symbol — they come from the backend — but it checks every one before showing
//! a code: an invalid account gets the details as text with a note, never a QR.

pub mod account;
pub mod spayd;

pub use account::{AccountError, CzechAccount, validate_iban};
pub use spayd::{Amount, PaymentError, PaymentRequest, amount_czech, simplify_message};

/// Quiet zone around every QR code, in modules (the standard's minimum).
pub const QUIET_ZONE: u32 = 4;

/// A QR code as dark/light modules (EC level M), without its quiet zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    pub width: u32,
    /// Row-major, `true` = dark.
    pub modules: Vec<bool>,
}

impl QrMatrix {
    pub fn encode(text: &str) -> Result<QrMatrix, qrcode::types::QrError> {
        let code =
            qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)?;
        let width = code.width() as u32;
        let modules = code
            .to_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect();
        Ok(QrMatrix { width, modules })
    }

    pub fn dark(&self, x: u32, y: u32) -> bool {
        x < self.width && y < self.width && self.modules[(y * self.width + x) as usize]
    }

    /// A greyscale picture with the quiet zone, `module_px` pixels per module.
    pub fn to_image(&self, module_px: u32) -> image::GrayImage {
        let module_px = module_px.max(1);
        let side = (self.width + 2 * QUIET_ZONE) * module_px;
        image::GrayImage::from_fn(side, side, |x, y| {
            let (mx, my) = (x / module_px, y / module_px);
            let dark =
                mx >= QUIET_ZONE && my >= QUIET_ZONE && self.dark(mx - QUIET_ZONE, my - QUIET_ZONE);
            image::Luma([if dark { 0 } else { 255 }])
        })
    }
}

/// Reads every QR code in a greyscale picture (dark < 128) with an independent
/// decoder (rqrr): how tests prove a code scans, and how the receipt decoder
/// reads raster QR codes back. A picture rqrr cannot cope with has no codes.
pub fn read_qr_codes(img: &image::GrayImage) -> Vec<String> {
    // rqrr asserts on some degenerate pictures (its perspective maps a point out
    // of i32: upstream WanzenBug/rqrr#54, open), and the receipt decoder hands it
    // raster images from any ESC/POS stream. Its panic is caught here; it carries
    // no picture data, only the assertion.
    std::panic::catch_unwind(|| {
        let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
            img.width() as usize,
            img.height() as usize,
            |x, y| img.get_pixel(x as u32, y as u32).0[0],
        );
        prepared
            .detect_grids()
            .into_iter()
            .filter_map(|g| g.decode().ok().map(|(_, text)| text))
            .collect()
    })
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes a picture that must hold exactly one code.
    fn decode(img: &image::GrayImage) -> String {
        let codes = read_qr_codes(img);
        assert_eq!(
            codes.len(),
            1,
            "exactly one readable QR code in the picture"
        );
        codes[0].clone()
    }

    #[test]
    fn every_payment_qr_decodes_back_to_its_spayd() {
        let cases = [
            PaymentRequest::new("CZ2806000000000168540115")
                .unwrap()
                .amount(Amount::parse("450").unwrap()),
            PaymentRequest::new("19-4260105309/0800")
                .unwrap()
                .amount(Amount::parse("900").unwrap())
                .vs("1234567890")
                .unwrap()
                .ks("0558")
                .unwrap()
                .message_fitted(
                    "Poplatek za komunální odpad 2026 – Jana Nováková, Dlouhá 12, Litoměřice",
                ),
            PaymentRequest::new("CZ5408000000274260109502")
                .unwrap()
                .amount(Amount::parse("9999999.99").unwrap()),
        ];
        for p in cases {
            let spayd = p.spayd();
            for module_px in [3, 6, 10] {
                let img = QrMatrix::encode(&spayd).unwrap().to_image(module_px);
                assert_eq!(decode(&img), spayd, "module {module_px}px");
            }
        }
    }

    #[test]
    fn image_has_the_quiet_zone() {
        let m = QrMatrix::encode("SPD*1.0*ACC:CZ6508000000192000145399").unwrap();
        let img = m.to_image(5);
        assert_eq!(img.width(), (m.width + 8) * 5);
        for i in 0..(QUIET_ZONE * 5) {
            assert_eq!(img.get_pixel(i, i).0[0], 255);
        }
        assert_eq!(
            img.get_pixel(QUIET_ZONE * 5, QUIET_ZONE * 5).0[0],
            0,
            "finder pattern corner"
        );
    }
}
