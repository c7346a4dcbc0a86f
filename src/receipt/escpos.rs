//! ESC/POS bytes, written by hand and kept under test (RECEIPTS.md): the
//! `escpos` crate's defaults (QR model 1, EC level H, UTF-8 fall-through) are
//! wrong for Czech slips, and every byte here is checked by the decoder.

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

/// Builds the byte stream of one slip for one printer profile.
pub struct EscPos<'p> {
    profile: &'p PrinterProfile,
    bytes: Vec<u8>,
    /// Characters that had to be transliterated (logged, never personal).
    pub replaced: usize,
}

impl<'p> EscPos<'p> {
    /// Initialises the printer and selects the profile's code table.
    pub fn new(profile: &'p PrinterProfile) -> EscPos<'p> {
        let mut bytes = vec![ESC, b'@'];
        if profile.cancel_kanji {
            bytes.extend_from_slice(&[FS, b'.']);
        }
        bytes.extend_from_slice(&[ESC, b't', profile.code_table]);
        EscPos {
            profile,
            bytes,
            replaced: 0,
        }
    }

    pub fn align(&mut self, align: Align) -> &mut Self {
        self.bytes.extend_from_slice(&[ESC, b'a', align as u8]);
        self
    }

    pub fn bold(&mut self, on: bool) -> &mut Self {
        self.bytes.extend_from_slice(&[ESC, b'E', u8::from(on)]);
        self
    }

    /// Character size, width and height 1..=8.
    pub fn size(&mut self, width: u8, height: u8) -> &mut Self {
        let (w, h) = (width.clamp(1, 8) - 1, height.clamp(1, 8) - 1);
        self.bytes.extend_from_slice(&[GS, b'!', (w << 4) | h]);
        self
    }

    /// One line of text (already fitted to the paper), ended by LF.
    pub fn line(&mut self, text: &str) -> &mut Self {
        let (encoded, replaced) = encode_cp852(text);
        self.replaced += replaced;
        self.bytes
            .extend(encoded.into_iter().filter(|b| *b != b'\n'));
        self.bytes.push(b'\n');
        self
    }

    pub fn feed(&mut self, lines: u8) -> &mut Self {
        self.bytes.extend_from_slice(&[ESC, b'd', lines]);
        self
    }

    /// A QR code: native (`GS ( k`, model 2, EC M) where the printer has it,
    /// otherwise as a raster image (`GS v 0`).
    pub fn qr(&mut self, payload: &str) -> Result<&mut Self, qrcode::types::QrError> {
        if self.profile.native_qr {
            let data = payload.as_bytes();
            let len = data.len() + 3;
            self.bytes
                .extend_from_slice(&[GS, b'(', b'k', 4, 0, 0x31, 0x41, 0x32, 0x00]); // model 2
            self.bytes.extend_from_slice(&[
                GS,
                b'(',
                b'k',
                3,
                0,
                0x31,
                0x43,
                self.profile.qr_module_dots,
            ]);
            self.bytes
                .extend_from_slice(&[GS, b'(', b'k', 3, 0, 0x31, 0x45, 0x31]); // EC level M
            self.bytes.extend_from_slice(&[
                GS,
                b'(',
                b'k',
                (len & 0xFF) as u8,
                (len >> 8) as u8,
                0x31,
                0x50,
                0x30,
            ]);
            self.bytes.extend_from_slice(data);
            self.bytes
                .extend_from_slice(&[GS, b'(', b'k', 3, 0, 0x31, 0x51, 0x30]); // print
            self.bytes.push(b'\n');
        } else {
            let matrix = QrMatrix::encode(payload)?;
            let image = matrix.to_image(u32::from(self.profile.qr_module_dots));
            self.raster(&image);
        }
        Ok(self)
    }

    /// A 1-bit raster image (`GS v 0`, normal density), dark = printed.
    fn raster(&mut self, image: &image::GrayImage) {
        let width_bytes = image.width().div_ceil(8);
        let height = image.height();
        self.bytes.extend_from_slice(&[
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
                self.bytes.push(byte);
            }
        }
        self.bytes.push(b'\n');
    }

    /// Feeds past the cutter and cuts (partial cut keeps the slip hanging).
    pub fn cut(&mut self) -> &mut Self {
        self.bytes.extend_from_slice(&[GS, b'V', 0x42, 3]);
        self
    }

    pub fn finish(self) -> Vec<u8> {
        self.bytes
    }
}
