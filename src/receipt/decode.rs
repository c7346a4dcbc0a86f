//! Reads ESC/POS bytes back: text lines in the selected code page with their
//! styles, QR payloads (native `GS ( k`, or raster images decoded with rqrr),
//! feeds and cuts. Used by the tests, by `portal-kiosk receipt-decode` and by the
//! preview. An unknown command is an error, not a guess.

use serde::Serialize;

use super::codepage::decode_cp852;
use super::escpos::{ESC, FS, GS};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecodedLine {
    pub text: String,
    pub bold: bool,
    /// "left", "centre", "right".
    pub align: &'static str,
    pub width: u8,
    pub height: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum DecodedItem {
    Line(DecodedLine),
    Qr { payload: String, native: bool },
    Feed { lines: u8 },
    Cut,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecodedReceipt {
    pub code_table: Option<u8>,
    pub items: Vec<DecodedItem>,
}

impl DecodedReceipt {
    pub fn lines(&self) -> Vec<String> {
        self.items
            .iter()
            .filter_map(|i| match i {
                DecodedItem::Line(l) => Some(l.text.clone()),
                _ => None,
            })
            .collect()
    }

    pub fn qr_payloads(&self) -> Vec<String> {
        self.items
            .iter()
            .filter_map(|i| match i {
                DecodedItem::Qr { payload, .. } => Some(payload.clone()),
                _ => None,
            })
            .collect()
    }

    pub fn cuts(&self) -> usize {
        self.items
            .iter()
            .filter(|i| matches!(i, DecodedItem::Cut))
            .count()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("the stream ends inside a command at byte {0}")]
    Truncated(usize),
    #[error("unknown command {0:02X} {1:02X} at byte {2}")]
    Unknown(u8, u8, usize),
    #[error("a raster image at byte {0} holds no readable QR code")]
    RasterUnreadable(usize),
    #[error("code table {0} is not one this decoder reads (only 852 / table 18)")]
    CodeTable(u8),
}

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], DecodeError> {
        let start = self.pos;
        let end = start
            .checked_add(n)
            .filter(|e| *e <= self.bytes.len())
            .ok_or(DecodeError::Truncated(start))?;
        self.pos = end;
        Ok(&self.bytes[start..end])
    }

    fn byte(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take(1)?[0])
    }
}

pub fn decode(bytes: &[u8]) -> Result<DecodedReceipt, DecodeError> {
    let mut out = DecodedReceipt::default();
    let mut c = Cursor { bytes, pos: 0 };
    let (mut bold, mut align, mut width, mut height) = (false, "left", 1u8, 1u8);
    let mut text: Vec<u8> = Vec::new();
    let mut qr_data: Option<Vec<u8>> = None;
    while c.pos < bytes.len() {
        let at = c.pos;
        let b = c.byte()?;
        match b {
            b'\n' => {
                if out.code_table.is_some_and(|t| t != 18) {
                    return Err(DecodeError::CodeTable(out.code_table.unwrap_or_default()));
                }
                out.items.push(DecodedItem::Line(DecodedLine {
                    text: decode_cp852(&text),
                    bold,
                    align,
                    width,
                    height,
                }));
                text.clear();
            }
            ESC => match c.byte()? {
                b'@' => {
                    (bold, align, width, height) = (false, "left", 1, 1);
                }
                b't' => out.code_table = Some(c.byte()?),
                b'a' => {
                    align = match c.byte()? {
                        1 | b'1' => "centre",
                        2 | b'2' => "right",
                        _ => "left",
                    }
                }
                b'E' => bold = c.byte()? & 1 == 1,
                b'd' => {
                    let lines = c.byte()?;
                    out.items.push(DecodedItem::Feed { lines });
                }
                other => return Err(DecodeError::Unknown(ESC, other, at)),
            },
            FS => match c.byte()? {
                b'.' => {}
                other => return Err(DecodeError::Unknown(FS, other, at)),
            },
            GS => match c.byte()? {
                b'!' => {
                    let n = c.byte()?;
                    width = (n >> 4) + 1;
                    height = (n & 0x0F) + 1;
                }
                b'V' => {
                    let m = c.byte()?;
                    if m == 0x41 || m == 0x42 {
                        c.byte()?;
                    }
                    out.items.push(DecodedItem::Cut);
                }
                b'(' => {
                    if c.byte()? != b'k' {
                        return Err(DecodeError::Unknown(GS, b'(', at));
                    }
                    let len = {
                        let p = c.take(2)?;
                        usize::from(p[0]) + 256 * usize::from(p[1])
                    };
                    let body = c.take(len)?.to_vec();
                    match body.as_slice() {
                        [0x31, 0x50, 0x30, data @ ..] => qr_data = Some(data.to_vec()),
                        [0x31, 0x51, 0x30] => {
                            let payload =
                                String::from_utf8_lossy(&qr_data.take().unwrap_or_default())
                                    .into_owned();
                            out.items.push(DecodedItem::Qr {
                                payload,
                                native: true,
                            });
                            // The LF that follows the symbol ends its line, not a text line.
                            if bytes.get(c.pos) == Some(&b'\n') {
                                c.pos += 1;
                            }
                        }
                        [0x31, ..] => {} // model, size, error correction
                        _ => return Err(DecodeError::Unknown(GS, b'(', at)),
                    }
                }
                b'v' => {
                    let head = c.take(6)?.to_vec();
                    let (wb, h) = (
                        usize::from(head[2]) + 256 * usize::from(head[3]),
                        usize::from(head[4]) + 256 * usize::from(head[5]),
                    );
                    let data = c.take(wb * h)?.to_vec();
                    // An image without a row or a column holds no code (and the QR
                    // reader must never see an empty picture).
                    let payload = (wb > 0 && h > 0)
                        .then(|| decode_raster_qr(&data, wb, h))
                        .flatten()
                        .ok_or(DecodeError::RasterUnreadable(at))?;
                    out.items.push(DecodedItem::Qr {
                        payload,
                        native: false,
                    });
                    // The LF that follows a raster image is its line, not text.
                    if bytes.get(c.pos) == Some(&b'\n') {
                        c.pos += 1;
                    }
                }
                other => return Err(DecodeError::Unknown(GS, other, at)),
            },
            0x10 => {
                // DLE EOT n: a status query inside a job.
                c.take(2)?;
            }
            b'\r' => {}
            other if other < 0x20 => return Err(DecodeError::Unknown(other, 0, at)),
            printable => text.push(printable),
        }
    }
    Ok(out)
}

fn decode_raster_qr(data: &[u8], width_bytes: usize, height: usize) -> Option<String> {
    let width = (width_bytes * 8) as u32;
    let img = image::GrayImage::from_fn(width, height as u32, |x, y| {
        let byte = data[y as usize * width_bytes + x as usize / 8];
        image::Luma([if byte & (0x80 >> (x % 8)) != 0 {
            0
        } else {
            255
        }])
    });
    crate::payment::read_qr_codes(&img).into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_and_truncated_commands_are_errors() {
        assert_eq!(
            decode(&[ESC, b'Z', 1]).unwrap_err(),
            DecodeError::Unknown(ESC, b'Z', 0)
        );
        assert_eq!(
            decode(&[GS, b'(', b'k', 10, 0, 0x31]).unwrap_err(),
            DecodeError::Truncated(5)
        );
        assert_eq!(decode(&[ESC]).unwrap_err(), DecodeError::Truncated(1));
    }

    #[test]
    fn a_raster_image_without_columns_or_rows_is_unreadable_not_a_panic() {
        // Found by the `escpos` fuzz target: `GS v 0` with a width of 0 bytes made
        // an empty picture, and the QR reader indexed past its end.
        const ZERO_WIDTH: &[u8] =
            b"\x1b@\x1c.\x1bt\x12\x1ba4\x1bE  900,0900,00 K\x9f\n\x1dv0\x01\x00\x00\x02\x00";
        assert_eq!(
            decode(ZERO_WIDTH).unwrap_err(),
            DecodeError::RasterUnreadable(29)
        );
        // No rows: the same.
        assert_eq!(
            decode(&[GS, b'v', b'0', 0, 2, 0, 0, 0]).unwrap_err(),
            DecodeError::RasterUnreadable(0)
        );
    }

    #[test]
    fn a_raster_image_the_qr_reader_chokes_on_is_unreadable_not_a_panic() {
        // Found by the `escpos` fuzz target: rqrr's "assertion failed: x >=
        // i32::MIN as f64" on this 16 × 37 image (upstream rqrr#54) took
        // receipt-decode down.
        const DEGENERATE: &[u8] = &[
            0x1D, 0x76, 0x30, 0x00, 0x02, 0x00, 0x25, 0x00, 0x00, 0x00, 0xBD, 0xEF, 0xBF, 0x2E,
            0x1B, 0x74, 0xB0, 0x03, 0x76, 0x00, 0x1D, 0xEA, 0xEA, 0xEA, 0xEA, 0x16, 0x12, 0x00,
            0x00, 0xBB, 0xEB, 0xEA, 0x16, 0x1D, 0xEA, 0xEA, 0xEA, 0x00, 0x30, 0x2A, 0x22, 0x22,
            0x22, 0x22, 0x00, 0x3F, 0xEB, 0xEA, 0x16, 0x1F, 0xEA, 0xEA, 0xEA, 0xEA, 0xEA, 0xEA,
            0xF0, 0x16, 0x12, 0x00, 0x00, 0xBB, 0xEB, 0xEA, 0x16, 0x1D, 0xEA, 0x1E, 0xEA, 0xEA,
            0x00, 0x00, 0xBB, 0x60, 0xEE, 0xEA, 0xEA, 0x3F, 0x62, 0x00, 0xBB, 0x00,
        ];
        assert_eq!(
            decode(DEGENERATE).unwrap_err(),
            DecodeError::RasterUnreadable(0)
        );
    }

    #[test]
    fn text_styles_are_tracked() {
        let r = decode(&[
            ESC, b'@', ESC, b't', 18, ESC, b'a', 1, ESC, b'E', 1, GS, b'!', 0x11, 0x9F, b'\n',
        ])
        .unwrap();
        assert_eq!(
            r.items,
            vec![DecodedItem::Line(DecodedLine {
                text: "č".into(),
                bold: true,
                align: "centre",
                width: 2,
                height: 2
            })]
        );
    }
}
