//! The slip as a picture: what the decoder read from the bytes, drawn on
//! thermal-paper width in a monospaced font (font A is 12 × 24 dots), QR codes
//! as modules. Used by the `preview:` driver (PNG files) and by the printer
//! thread, which sends the picture to the screen as plain gray pixels
//! ([`SlipPicture`]). Drawing from the decoded bytes, not from the model, shows
//! what the printer would really print. Never call it on the UI thread: decoding
//! a raster QR code and drawing the text take tens of milliseconds.

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use image::{GrayImage, Luma};

use super::decode::{DecodeError, DecodedItem, DecodedReceipt};
use super::profiles::PrinterProfile;
use crate::payment::{QUIET_ZONE, QrMatrix};

const REGULAR: &[u8] = include_bytes!("../../assets/fonts/NotoSansMono-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../../assets/fonts/NotoSansMono-Bold.ttf");
const LINE_DOTS: u32 = 30;
const MARGIN: u32 = 8;

/// A slip's picture as plain gray pixels (0 black … 255 white), row by row:
/// made off the UI thread and `Send`, so the screen only wraps it in an image.
/// It may show personal data: its `Debug` says only its size.
#[derive(Clone, PartialEq, Eq)]
pub struct SlipPicture {
    pub width: u32,
    pub height: u32,
    /// `width × height` bytes, the top row first.
    pub pixels: Vec<u8>,
}

impl SlipPicture {
    /// The picture of ESC/POS `bytes` as `profile`'s paper shows them (its
    /// `columns` wide: `columns × 12 + 16` pixels).
    pub fn of_bytes(bytes: &[u8], profile: &PrinterProfile) -> Result<SlipPicture, DecodeError> {
        let decoded = super::decode::decode(bytes)?;
        Ok(SlipPicture::from(render(&decoded, profile.columns)))
    }

    /// Back to an image (tests, diagnostics).
    pub fn to_gray_image(&self) -> Option<GrayImage> {
        GrayImage::from_raw(self.width, self.height, self.pixels.clone())
    }
}

impl From<GrayImage> for SlipPicture {
    fn from(img: GrayImage) -> SlipPicture {
        let (width, height) = img.dimensions();
        SlipPicture {
            width,
            height,
            pixels: img.into_raw(),
        }
    }
}

impl std::fmt::Debug for SlipPicture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SlipPicture({} × {})", self.width, self.height)
    }
}

/// Draws `receipt` for paper `columns` characters wide.
pub fn render(receipt: &DecodedReceipt, columns: usize) -> GrayImage {
    let (Ok(regular), Ok(bold)) = (
        FontRef::try_from_slice(REGULAR),
        FontRef::try_from_slice(BOLD),
    ) else {
        return GrayImage::from_pixel(1, 1, Luma([255]));
    };
    let char_w = 12u32;
    let width = columns as u32 * char_w + 2 * MARGIN;
    // First pass: the height.
    let mut height = MARGIN;
    let mut qr_codes = Vec::new();
    for item in &receipt.items {
        match item {
            DecodedItem::Line(l) => height += LINE_DOTS * u32::from(l.height.max(1)),
            DecodedItem::Qr { payload, .. } => {
                let m = QrMatrix::encode(payload).ok();
                height += m
                    .as_ref()
                    .map_or(LINE_DOTS, |m| (m.width + 2 * QUIET_ZONE) * 5);
                qr_codes.push(m);
            }
            DecodedItem::Feed { lines } => height += LINE_DOTS * u32::from(*lines),
            DecodedItem::Cut => height += 12,
        }
    }
    let mut img = GrayImage::from_pixel(width, height + MARGIN, Luma([255]));
    let mut y = MARGIN;
    let mut qr_iter = qr_codes.into_iter();
    for item in &receipt.items {
        match item {
            DecodedItem::Line(l) => {
                let (w, h) = (u32::from(l.width.max(1)), u32::from(l.height.max(1)));
                let font = if l.bold { &bold } else { &regular };
                let scale = PxScale {
                    x: 20.0 * w as f32,
                    y: 24.0 * h as f32,
                };
                let scaled = font.as_scaled(scale);
                let text_w = l.text.chars().count() as u32 * char_w * w;
                let x0 = match l.align {
                    "centre" => MARGIN + (width - 2 * MARGIN).saturating_sub(text_w) / 2,
                    "right" => (width - MARGIN).saturating_sub(text_w),
                    _ => MARGIN,
                };
                for (i, c) in l.text.chars().enumerate() {
                    let x = x0 as f32 + (i as u32 * char_w * w) as f32;
                    let mut g = scaled.scaled_glyph(c);
                    g.position = point(x, y as f32 + scaled.ascent());
                    if let Some(outlined) = font.outline_glyph(g) {
                        let bounds = outlined.px_bounds();
                        outlined.draw(|gx, gy, coverage| {
                            let px = bounds.min.x as i64 + i64::from(gx);
                            let py = bounds.min.y as i64 + i64::from(gy);
                            if px >= 0
                                && py >= 0
                                && (px as u32) < img.width()
                                && (py as u32) < img.height()
                            {
                                let p = img.get_pixel_mut(px as u32, py as u32);
                                let v = (255.0 * (1.0 - coverage.clamp(0.0, 1.0))) as u8;
                                p.0[0] = p.0[0].min(v);
                            }
                        });
                    }
                }
                y += LINE_DOTS * h;
            }
            DecodedItem::Qr { .. } => match qr_iter.next().flatten() {
                Some(m) => {
                    let code = m.to_image(5);
                    let x0 = (width.saturating_sub(code.width())) / 2;
                    image::imageops::overlay(&mut img, &code, i64::from(x0), i64::from(y));
                    y += code.height();
                }
                None => y += LINE_DOTS,
            },
            DecodedItem::Feed { lines } => y += LINE_DOTS * u32::from(*lines),
            DecodedItem::Cut => {
                for x in (0..width).step_by(8) {
                    for dx in 0..4 {
                        if x + dx < width && y + 6 < img.height() {
                            img.put_pixel(x + dx, y + 6, Luma([120]));
                        }
                    }
                }
                y += 12;
            }
        }
    }
    img
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receipt::{Slip, decode, profile};

    #[test]
    fn the_preview_shows_text_and_a_qr_that_scans() {
        let header = crate::receipt::SlipOrigin::new(
            "lt-test-01",
            &crate::config::KioskConfig::embedded_default()
                .expect("the default config")
                .town,
        )
        .header(
            1,
            chrono::NaiveDate::from_ymd_opt(2026, 11, 27)
                .unwrap()
                .and_hms_opt(9, 0, 0)
                .unwrap(),
        );
        let p = profile("epson-tm-t20").unwrap();
        let receipt = decode(&Slip::test_page(&header, p).encode(p).unwrap()).unwrap();
        let img = render(&receipt, p.columns);
        assert_eq!(img.width(), 48 * 12 + 16);
        let dark = img.pixels().filter(|px| px.0[0] < 100).count();
        assert!(dark > 5_000, "text and QR are drawn ({dark} dark pixels)");
        assert_eq!(
            crate::payment::read_qr_codes(&img),
            vec!["https://obcan.litomerice.cz/".to_string()]
        );
    }
}
