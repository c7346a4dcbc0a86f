//! A simulated eObčanka: the card side of the APDUs in EOBCANKA.md, with T=0
//! habits (FCP via `61 xx`, GET DATA answered `6C xx` to Le 00), tries
//! counters and certificate files. It is the in-memory card of unit tests and
//! the demo, and the card behind the vpcd simulator.

use super::apdu::{CardTransport, TransportError};
use super::eobcanka::{AID_CARD_MANAGEMENT, AID_IDENTIFICATION, FID_LONG_CERT, FID_SHORT_CERT};

/// ATR of the 2018+ eObčanka.
pub const EOBCANKA_ATR: [u8; 19] = [
    0x3B, 0x7E, 0x94, 0x00, 0x00, 0x80, 0x25, 0xD2, 0x03, 0x10, 0x01, 0x00, 0x56, 0x00, 0x00, 0x00,
    0x02, 0x02, 0x00,
];

/// What a simulated card holds.
#[derive(Debug, Clone)]
pub struct SimProfile {
    pub atr: Vec<u8>,
    pub has_card_management: bool,
    pub document_number: String,
    /// bit 0 active, 0x04 blocked.
    pub iok_state: u8,
    pub iok_tries_left: u8,
    pub iok_max: u8,
    pub short_certificate: Vec<u8>,
    pub long_certificate: Vec<u8>,
    pub long_certificate_needs_pin: bool,
}

/// Placeholder DER-shaped bytes of a given length (a SEQUENCE with a pattern).
fn fake_der(len: usize, seed: u8) -> Vec<u8> {
    let body = len - 4;
    let mut v = vec![0x30, 0x82, (body >> 8) as u8, (body & 0xFF) as u8];
    v.extend((0..body).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)));
    v
}

impl SimProfile {
    /// A valid card of a (fictional) demo citizen, IOK 3 of 3 tries.
    pub fn valid() -> SimProfile {
        SimProfile {
            atr: EOBCANKA_ATR.to_vec(),
            has_card_management: true,
            document_number: "000123456".into(),
            iok_state: 0x01,
            iok_tries_left: 3,
            iok_max: 3,
            short_certificate: fake_der(575, 7),
            long_certificate: fake_der(998, 11),
            long_certificate_needs_pin: false,
        }
    }

    /// The same card with its IOK blocked.
    pub fn blocked() -> SimProfile {
        SimProfile {
            iok_state: 0x05,
            iok_tries_left: 0,
            ..SimProfile::valid()
        }
    }

    /// A payment card: another ATR, no eObčanka applications.
    pub fn bank_card() -> SimProfile {
        SimProfile {
            atr: vec![
                0x3B, 0x68, 0x00, 0x00, 0x00, 0x73, 0xC8, 0x40, 0x12, 0x00, 0x90, 0x00,
            ],
            has_card_management: false,
            ..SimProfile::valid()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum App {
    None,
    CardManagement,
    Identification,
}

/// A card in the slot.
pub struct SimCard {
    pub profile: SimProfile,
    app: App,
    file: Option<[u8; 2]>,
    pending: Vec<u8>,
    /// Counters for tests.
    pub reads: usize,
    pub get_responses: usize,
    pub le_corrections: usize,
}

fn sw(data: &[u8], sw1: u8, sw2: u8) -> Vec<u8> {
    let mut v = data.to_vec();
    v.extend_from_slice(&[sw1, sw2]);
    v
}

impl SimCard {
    pub fn new(profile: SimProfile) -> SimCard {
        SimCard {
            profile,
            app: App::None,
            file: None,
            pending: Vec::new(),
            reads: 0,
            get_responses: 0,
            le_corrections: 0,
        }
    }

    fn file_bytes(&self) -> Option<&[u8]> {
        match self.file? {
            FID_SHORT_CERT => Some(&self.profile.short_certificate),
            FID_LONG_CERT => Some(&self.profile.long_certificate),
            _ => None,
        }
    }

    /// Answers one command APDU.
    pub fn respond(&mut self, apdu: &[u8]) -> Vec<u8> {
        if apdu.len() < 4 {
            return sw(&[], 0x67, 0x00);
        }
        let (cla, ins, p1, p2) = (apdu[0], apdu[1], apdu[2], apdu[3]);
        let rest = &apdu[4..];
        // Case 3/4: Lc + data (+ Le); case 2: Le only.
        let (data, le): (&[u8], Option<u8>) = match rest {
            [] => (&[], None),
            [le] => (&[], Some(*le)),
            [lc, tail @ ..] if tail.len() >= usize::from(*lc) => {
                let (d, after) = tail.split_at(usize::from(*lc));
                (d, after.first().copied())
            }
            _ => return sw(&[], 0x67, 0x00),
        };
        match (cla, ins) {
            (0x00, 0xA4) if p1 == 0x04 => {
                if data == AID_CARD_MANAGEMENT && self.profile.has_card_management {
                    self.app = App::CardManagement;
                    sw(&[], 0x90, 0x00)
                } else if data == AID_IDENTIFICATION && self.profile.has_card_management {
                    self.app = App::Identification;
                    sw(&[], 0x90, 0x00)
                } else {
                    sw(&[], 0x6A, 0x82)
                }
            }
            (0x00, 0xA4) if p1 == 0x08 => {
                let Ok(fid) = <[u8; 2]>::try_from(data) else {
                    return sw(&[], 0x67, 0x00);
                };
                if self.app != App::Identification
                    || (fid != FID_SHORT_CERT && fid != FID_LONG_CERT)
                {
                    return sw(&[], 0x6A, 0x82);
                }
                if fid == FID_LONG_CERT && self.profile.long_certificate_needs_pin {
                    return sw(&[], 0x69, 0x82);
                }
                self.file = Some(fid);
                let size = self.file_bytes().map_or(0, <[u8]>::len);
                // T=0: the FCP waits for a GET RESPONSE.
                self.pending = vec![
                    0x62,
                    0x04,
                    0x80,
                    0x02,
                    (size >> 8) as u8,
                    (size & 0xFF) as u8,
                ];
                sw(&[], 0x61, self.pending.len() as u8)
            }
            (0x00, 0xC0) => {
                self.get_responses += 1;
                let n = usize::from(le.unwrap_or(0)).min(self.pending.len());
                let out: Vec<u8> = self.pending.drain(..n).collect();
                sw(&out, 0x90, 0x00)
            }
            (0x80, 0xCA) if p1 == 0x01 && self.app == App::CardManagement => {
                let value: Vec<u8> = match p2 {
                    0x01 => self.profile.document_number.as_bytes().to_vec(),
                    0x82 => vec![self.profile.iok_state],
                    0x83 => vec![self.profile.iok_tries_left],
                    0x84 => vec![self.profile.iok_max],
                    0x8B => vec![0x01],
                    0x8C => vec![10],
                    0x8D => vec![10],
                    _ => return sw(&[], 0x6A, 0x88),
                };
                if le != Some(value.len() as u8) {
                    self.le_corrections += 1;
                    return sw(&[], 0x6C, value.len() as u8);
                }
                sw(&value, 0x90, 0x00)
            }
            (0x00, 0xB0) => {
                self.reads += 1;
                let offset = usize::from(p1) << 8 | usize::from(p2);
                let Some(file) = self.file_bytes() else {
                    return sw(&[], 0x69, 0x86);
                };
                if offset >= file.len() {
                    return sw(&[], 0x6B, 0x00);
                }
                let n = usize::from(le.unwrap_or(0)).max(1).min(file.len() - offset);
                let chunk = file[offset..offset + n].to_vec();
                sw(&chunk, 0x90, 0x00)
            }
            _ => sw(&[], 0x6D, 0x00),
        }
    }
}

impl CardTransport for SimCard {
    fn atr(&self) -> Vec<u8> {
        self.profile.atr.clone()
    }

    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        Ok(self.respond(apdu))
    }
}
