//! ESC/POS bytes of a slip. The generic commands (initialise, alignment, bold,
//! character size, feed, the native QR code with model 2 and EC level M) come
//! from the `escpos` crate's command builder; what it gets wrong for Czech slips
//! is written here by hand, each place saying why: the code table (`FS .` and
//! `ESC t n` by printer profile), the text in CP852, the line end, the raster
//! QR code and the partial cut. Every byte is checked by the decoder (unit tests
//! below, `tests/receipts.rs`). This module never logs a slip's text or QR payload.

use escpos::driver::Driver;
use escpos::printer::Printer;
use escpos::utils::{JustifyMode, Protocol, QRCodeCorrectionLevel, QRCodeModel, QRCodeOption};

use super::codepage::encode_cp852;
use super::profiles::PrinterProfile;
use crate::payment::QrMatrix;

pub const ESC: u8 = 0x1B;
pub const GS: u8 = 0x1D;
pub const FS: u8 = 0x1C;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left = 0,
    Centre = 1,
    Right = 2,
}

/// The crate's builder writes into this driver; `finish` takes the bytes out.
#[derive(Default)]
struct Capture(std::cell::RefCell<Vec<u8>>);

impl Driver for Capture {
    fn name(&self) -> String {
        "capture".into()
    }

    fn write(&self, data: &[u8]) -> escpos::errors::Result<()> {
        self.0.borrow_mut().extend_from_slice(data);
        Ok(())
    }

    fn read(&self, _buf: &mut [u8]) -> escpos::errors::Result<usize> {
        Ok(0)
    }

    fn flush(&self) -> escpos::errors::Result<()> {
        Ok(())
    }
}

type Built<'a> = escpos::errors::Result<&'a mut Printer<Capture>>;

/// Builds the byte stream of one slip for one printer profile.
pub struct EscPos<'p> {
    profile: &'p PrinterProfile,
    printer: Printer<Capture>,
    /// Characters that had to be transliterated (logged, never personal).
    pub replaced: usize,
}

impl<'p> EscPos<'p> {
    /// Initialises the printer and selects the profile's code table.
    pub fn new(profile: &'p PrinterProfile) -> EscPos<'p> {
        // No page code in the options: the crate's `init` then sends `ESC @` alone.
        let mut p = EscPos {
            profile,
            printer: Printer::new(Capture::default(), Protocol::default(), None),
            replaced: 0,
        };
        p.build(|b| b.init());
        // Hand-written because the crate has no command to leave the Chinese/Kanji
        // mode that clones start in (`FS .`), and its `page_code` knows only Epson's
        // table numbers (Star has CP852 as 5, which the crate calls PC865) and makes
        // its text writer fall through to UTF-8 for characters outside its table.
        if profile.cancel_kanji {
            p.raw(&[FS, b'.']);
        }
        p.raw(&[ESC, b't', profile.code_table]);
        p
    }

    /// Runs one command of the crate's builder. It fails only on arguments out of
    /// range, which the callers here clamp first; a failure is logged (the error
    /// names the command, never slip text) and the command left out.
    fn build(&mut self, command: impl FnOnce(&mut Printer<Capture>) -> Built<'_>) {
        if let Err(e) = command(&mut self.printer) {
            tracing::error!(error = %e, "the ESC/POS builder refused a command");
        }
    }

    /// Bytes the crate's builder must not touch, passed through as they are.
    fn raw(&mut self, bytes: &[u8]) {
        self.build(|b| b.custom(bytes));
    }

    pub fn align(&mut self, align: Align) -> &mut Self {
        let mode = match align {
            Align::Left => JustifyMode::LEFT,
            Align::Centre => JustifyMode::CENTER,
            Align::Right => JustifyMode::RIGHT,
        };
        self.build(|b| b.justify(mode));
        self
    }

    pub fn bold(&mut self, on: bool) -> &mut Self {
        self.build(|b| b.bold(on));
        self
    }

    /// Character size, width and height 1..=8.
    pub fn size(&mut self, width: u8, height: u8) -> &mut Self {
        let (w, h) = (width.clamp(1, 8), height.clamp(1, 8));
        self.build(|b| b.size(w, h));
        self
    }

    /// One line of text (already fitted to the paper), ended by LF.
    ///
    /// Hand-written because the crate's `write` looks characters up in its own
    /// table and sends anything missing from it as UTF-8 (garbage on paper, where
    /// we transliterate: `–` → `-`), and its `writeln` ends a line with `ESC d 1`
    /// instead of LF, which would change every line's bytes.
    pub fn line(&mut self, text: &str) -> &mut Self {
        let (mut encoded, replaced) = encode_cp852(text);
        self.replaced += replaced;
        encoded.retain(|b| *b != b'\n');
        encoded.push(b'\n');
        self.raw(&encoded);
        self
    }

    pub fn feed(&mut self, lines: u8) -> &mut Self {
        self.build(|b| b.feeds(lines));
        self
    }

    /// A QR code: native (`GS ( k`, model 2, EC M) where the printer has it,
    /// otherwise as a raster image (`GS v 0`).
    pub fn qr(&mut self, payload: &str) -> Result<&mut Self, qrcode::types::QrError> {
        if self.profile.native_qr {
            // The crate's default QR option is model 1 with EC level H: model 2 and
            // M are set explicitly (RECEIPTS.md); the unit test below pins the bytes.
            let option = QRCodeOption::new(
                QRCodeModel::Model2,
                self.profile.qr_module_dots,
                QRCodeCorrectionLevel::M,
            );
            // Its only refusal is data over 7089 bytes; its message quotes the
            // payload (personal data), so it is neither logged nor passed on.
            if self.printer.qrcode_option(payload, option).is_err() {
                return Err(qrcode::types::QrError::DataTooLong);
            }
            self.raw(b"\n");
        } else {
            let matrix = QrMatrix::encode(payload)?;
            let image = matrix.to_image(u32::from(self.profile.qr_module_dots));
            self.raster(&image);
        }
        Ok(self)
    }

    /// A 1-bit raster image (`GS v 0`, normal density), dark = printed.
    ///
    /// Hand-written because the crate's bit image (feature `graphics`) takes an
    /// encoded picture file, rescales it to its own maximum size and thresholds it
    /// itself; our QR image is already drawn at the printer's dots, module by module.
    fn raster(&mut self, image: &image::GrayImage) {
        let width_bytes = image.width().div_ceil(8);
        let height = image.height();
        let mut bytes = Vec::with_capacity(8 + (width_bytes * height) as usize + 1);
        bytes.extend_from_slice(&[
            GS,
            b'v',
            b'0',
            0,
            (width_bytes & 0xFF) as u8,
            (width_bytes >> 8) as u8,
            (height & 0xFF) as u8,
            (height >> 8) as u8,
        ]);
        for y in 0..height {
            for xb in 0..width_bytes {
                let mut byte = 0u8;
                for bit in 0..8 {
                    let x = xb * 8 + bit;
                    if x < image.width() && image.get_pixel(x, y).0[0] < 128 {
                        byte |= 0x80 >> bit;
                    }
                }
                bytes.push(byte);
            }
        }
        bytes.push(b'\n');
        self.raw(&bytes);
    }

    /// Feeds past the cutter and cuts (partial cut keeps the slip hanging).
    ///
    /// Hand-written because the crate's `partial_cut` sends `GS V 65 1`, which is
    /// function B's *full* cut (after a one-dot feed): the slip would drop to the
    /// floor. `GS V 66 3` is the partial cut after feeding three dots.
    pub fn cut(&mut self) -> &mut Self {
        self.raw(&[GS, b'V', 0x42, 3]);
        self
    }

    pub fn finish(mut self) -> Vec<u8> {
        // `print` hands the built commands to the capture driver, which cannot fail.
        self.build(|b| b.print());
        self.printer.driver().0.into_inner()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receipt::profiles::profile;

    /// The bytes RECEIPTS.md lists, command by command: the crate's builder must
    /// produce exactly these, and the hand-written ones must stay as they are.
    #[test]
    fn every_command_has_the_bytes_of_receipts_md() {
        let epson = profile("epson-tm-t20").unwrap();
        let mut p = EscPos::new(epson);
        p.align(Align::Centre)
            .bold(true)
            .size(2, 2)
            .line("č")
            .align(Align::Right)
            .bold(false)
            .size(9, 0)
            .feed(3);
        p.qr("ABC").unwrap();
        p.cut();
        assert_eq!(
            p.finish(),
            [
                &[ESC, b'@', ESC, b't', 18][..],
                &[ESC, b'a', 1, ESC, b'E', 1, GS, b'!', 0x11, 0x9F, b'\n'],
                &[ESC, b'a', 2, ESC, b'E', 0, GS, b'!', 0x70, ESC, b'd', 3],
                &[GS, b'(', b'k', 4, 0, 0x31, 0x41, 0x32, 0x00], // model 2
                &[GS, b'(', b'k', 3, 0, 0x31, 0x43, 6],          // module 6 dots
                &[GS, b'(', b'k', 3, 0, 0x31, 0x45, 0x31],       // EC level M
                &[GS, b'(', b'k', 6, 0, 0x31, 0x50, 0x30, b'A', b'B', b'C'],
                &[GS, b'(', b'k', 3, 0, 0x31, 0x51, 0x30, b'\n'], // print
                &[GS, b'V', 0x42, 3],                             // partial cut
            ]
            .concat()
        );
    }

    #[test]
    fn clones_leave_kanji_mode_before_the_code_table() {
        let p = EscPos::new(profile("xprinter-58").unwrap());
        assert_eq!(p.finish(), [ESC, b'@', FS, b'.', ESC, b't', 18]);
    }

    #[test]
    fn a_raster_qr_code_decodes_to_its_payload() {
        let mut p = EscPos::new(profile("xprinter-58").unwrap());
        p.qr("https://obcan.litomerice.cz/").unwrap();
        let bytes = p.finish();
        assert_eq!(&bytes[7..10], &[GS, b'v', b'0']);
        let decoded = crate::receipt::decode(&bytes).unwrap();
        assert_eq!(decoded.qr_payloads(), ["https://obcan.litomerice.cz/"]);
    }
}
