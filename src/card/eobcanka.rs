//! Reading an eObčanka (EOBCANKA.md): recognised by its ATR prefix *and* a
//! successful SELECT of the card-management application; then the document
//! number, the IOK's state and tries, and the certificates (chunked READ
//! BINARY). Nothing here needs or sends a PIN: reading is not logging in.
//!
//! Never logs what it reads: the document number and certificates are personal.

use super::apdu::{CardError, CardTransport, Command, Status, expect_ok, send};
pub use crate::kiosk::ports::{CardKind, EObcanka, PinState};

/// ATR prefix of the 2018+ card (variants differ after it).
pub const ATR_PREFIX: [u8; 11] = [
    0x3B, 0x7E, 0x94, 0x00, 0x00, 0x80, 0x25, 0xD2, 0x03, 0x10, 0x01,
];
/// The variant seen in the wild with `25 02 03 10`.
const ATR_PREFIX_VARIANT: [u8; 11] = [
    0x3B, 0x7E, 0x94, 0x00, 0x00, 0x80, 0x25, 0x02, 0x03, 0x10, 0x01,
];

pub const AID_CARD_MANAGEMENT: [u8; 9] = [0xD2, 0x03, 0x10, 0x01, 0x00, 0x01, 0x00, 0x02, 0x02];
pub const AID_IDENTIFICATION: [u8; 10] =
    [0xD2, 0x03, 0x10, 0x01, 0x00, 0x01, 0x03, 0x02, 0x01, 0x00];
pub const FID_SHORT_CERT: [u8; 2] = [0x01, 0x32];
pub const FID_LONG_CERT: [u8; 2] = [0x00, 0x01];
/// Largest READ BINARY chunk.
const CHUNK: usize = 0xD0;
/// No certificate file on the card is anywhere near this.
const MAX_FILE: usize = 8192;

pub fn atr_is_eobcanka(atr: &[u8]) -> bool {
    atr.starts_with(&ATR_PREFIX) || atr.starts_with(&ATR_PREFIX_VARIANT)
}

fn select_aid(aid: &[u8]) -> Command {
    Command::new(0x00, 0xA4, 0x04, 0x0C).data(aid)
}

fn get_data(tag: u8) -> Command {
    Command::new(0x80, 0xCA, 0x01, tag).le(0)
}

fn one_byte(card: &mut dyn CardTransport, tag: u8, name: &'static str) -> Result<u8, CardError> {
    expect_ok(card, &get_data(tag), name)?
        .first()
        .copied()
        .ok_or(CardError::Malformed("empty GET DATA answer"))
}

/// Selects the card-management application (before [`read_iok`]).
pub fn select_card_management(card: &mut dyn CardTransport) -> Result<(), CardError> {
    expect_ok(
        card,
        &select_aid(&AID_CARD_MANAGEMENT),
        "SELECT card management",
    )
    .map(|_| ())
}

/// Reads the IOK's state, tries left and maximum (card-management application selected).
pub fn read_iok(card: &mut dyn CardTransport) -> Result<PinState, CardError> {
    let state = one_byte(card, 0x82, "GET DATA IOK state")?;
    let tries_left = one_byte(card, 0x83, "GET DATA IOK tries")?;
    let max_tries = one_byte(card, 0x84, "GET DATA IOK maximum")?;
    Ok(PinState {
        active: state & 0x01 != 0,
        blocked: state & 0x04 != 0 || tries_left == 0,
        tries_left,
        max_tries,
    })
}

/// File size from an FCP template: the value of tag `80` (one to four bytes;
/// an empty or longer value is no size).
fn fcp_size(fcp: &[u8]) -> Option<usize> {
    let body = match fcp {
        [0x62, len, rest @ ..] if usize::from(*len) <= rest.len() => &rest[..usize::from(*len)],
        _ => return None,
    };
    let mut i = 0;
    while i + 2 <= body.len() {
        let (tag, len) = (body[i], usize::from(body[i + 1]));
        let value = body.get(i + 2..i + 2 + len)?;
        if tag == 0x80 {
            if !(1..=4).contains(&value.len()) {
                return None;
            }
            return Some(
                value
                    .iter()
                    .fold(0usize, |acc, b| (acc << 8) | usize::from(*b)),
            );
        }
        i += 2 + len;
    }
    None
}

/// Selects a file by id and reads it whole. `Ok(None)` when the card says the
/// file needs the PIN (`69 82`): not readable now, not an error.
pub fn read_file(card: &mut dyn CardTransport, fid: [u8; 2]) -> Result<Option<Vec<u8>>, CardError> {
    let selected = send(card, &Command::new(0x00, 0xA4, 0x08, 0x00).data(&fid).le(0))?;
    match selected.status {
        Status::Ok => {}
        Status::SecurityNotSatisfied => return Ok(None),
        status => {
            return Err(CardError::Status {
                command: "SELECT FILE",
                status,
            });
        }
    }
    let size = fcp_size(&selected.data).ok_or(CardError::Malformed("no file size in the FCP"))?;
    if size > MAX_FILE {
        return Err(CardError::Malformed("file larger than any certificate"));
    }
    let mut out = Vec::with_capacity(size);
    while out.len() < size {
        let offset = out.len();
        let want = (size - offset).min(CHUNK) as u8;
        let read = Command::new(0x00, 0xB0, (offset >> 8) as u8, (offset & 0xFF) as u8).le(want);
        let r = send(card, &read)?;
        match r.status {
            Status::Ok if !r.data.is_empty() => out.extend_from_slice(&r.data),
            Status::Ok => return Err(CardError::Malformed("READ BINARY returned nothing")),
            Status::SecurityNotSatisfied => return Ok(None),
            status => {
                return Err(CardError::Status {
                    command: "READ BINARY",
                    status,
                });
            }
        }
    }
    out.truncate(size);
    Ok(Some(out))
}

/// Reads what is in the slot.
pub fn read_card(card: &mut dyn CardTransport) -> Result<CardKind, CardError> {
    if !atr_is_eobcanka(&card.atr()) {
        return Ok(CardKind::NotEObcanka);
    }
    match send(card, &select_aid(&AID_CARD_MANAGEMENT))?.status {
        Status::Ok => {}
        Status::NotFound | Status::NotSupported => return Ok(CardKind::NotEObcanka),
        status => {
            return Err(CardError::Status {
                command: "SELECT card management",
                status,
            });
        }
    }
    let number = expect_ok(card, &get_data(0x01), "GET DATA document number")?;
    let document_number = String::from_utf8(number)
        .map_err(|_| CardError::Malformed("document number is not text"))?
        .trim_matches(char::from(0))
        .trim()
        .to_string();
    let iok = read_iok(card)?;
    expect_ok(
        card,
        &select_aid(&AID_IDENTIFICATION),
        "SELECT identification",
    )?;
    // An empty file is no certificate: without one the card cannot log in.
    let short_certificate = read_file(card, FID_SHORT_CERT)?
        .filter(|c| !c.is_empty())
        .ok_or(CardError::Malformed(
            "the authorization certificate is not readable",
        ))?;
    let long_certificate = read_file(card, FID_LONG_CERT)?.filter(|c| !c.is_empty());
    Ok(CardKind::EObcanka(Box::new(EObcanka {
        document_number,
        iok,
        short_certificate,
        long_certificate,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::sim::{SimCard, SimProfile};

    #[test]
    fn a_valid_card_is_read_whole() {
        let profile = SimProfile::valid();
        let mut card = SimCard::new(profile.clone());
        let CardKind::EObcanka(info) = read_card(&mut card).unwrap() else {
            panic!("not recognised")
        };
        assert_eq!(info.document_number, profile.document_number);
        assert_eq!(
            info.iok,
            PinState {
                active: true,
                blocked: false,
                tries_left: 3,
                max_tries: 3
            }
        );
        assert_eq!(info.short_certificate, profile.short_certificate);
        assert_eq!(
            info.long_certificate.as_deref(),
            Some(profile.long_certificate.as_slice())
        );
        // The long file needed several READ BINARY chunks, and the answers came via 61xx / 6Cxx.
        assert!(card.reads >= 5, "{} reads", card.reads);
        assert!(card.get_responses > 0 && card.le_corrections > 0);
        // Personal data never shows in debug output.
        assert!(!format!("{info:?}").contains(&profile.document_number));
    }

    #[test]
    fn a_blocked_iok_and_tries_left_are_reported() {
        let mut card = SimCard::new(SimProfile::blocked());
        let CardKind::EObcanka(info) = read_card(&mut card).unwrap() else {
            panic!()
        };
        assert!(info.iok.blocked);
        assert_eq!(info.iok.tries_left, 0);
        let mut p = SimProfile::valid();
        p.iok_tries_left = 1;
        let CardKind::EObcanka(info) = read_card(&mut SimCard::new(p)).unwrap() else {
            panic!()
        };
        assert_eq!((info.iok.tries_left, info.iok.blocked), (1, false));
    }

    #[test]
    fn other_cards_are_not_taken_for_an_eobcanka() {
        assert_eq!(
            read_card(&mut SimCard::new(SimProfile::bank_card())).unwrap(),
            CardKind::NotEObcanka
        );
        // The right ATR but not the application: still not an eObčanka.
        let mut p = SimProfile::valid();
        p.has_card_management = false;
        assert_eq!(
            read_card(&mut SimCard::new(p)).unwrap(),
            CardKind::NotEObcanka
        );
    }

    #[test]
    fn a_long_certificate_behind_the_pin_is_not_an_error() {
        let mut p = SimProfile::valid();
        p.long_certificate_needs_pin = true;
        let CardKind::EObcanka(info) = read_card(&mut SimCard::new(p)).unwrap() else {
            panic!()
        };
        assert_eq!(info.long_certificate, None);
    }

    #[test]
    fn fcp_sizes_parse_and_nonsense_is_refused() {
        assert_eq!(fcp_size(&[0x62, 0x04, 0x80, 0x02, 0x03, 0xE6]), Some(998));
        assert_eq!(
            fcp_size(&[
                0x62, 0x09, 0x83, 0x02, 0x00, 0x01, 0x80, 0x02, 0x02, 0x3F, 0x00
            ]),
            Some(575)
        );
        assert_eq!(fcp_size(&[0x62, 0x10, 0x80]), None);
        assert_eq!(fcp_size(&[0x6F, 0x00]), None);
        // Found by the `apdu` fuzz target: an empty size is no size (it read as 0),
        // and one longer than four bytes overflowed into a wrong small size.
        assert_eq!(fcp_size(&[0x62, 0x04, 0x80, 0x00, 0x02, 0x7E]), None);
        let mut nine = vec![0x62, 0x0B, 0x80, 0x09, 0x01];
        nine.extend_from_slice(&[0; 7]);
        nine.push(0x10);
        assert_eq!(fcp_size(&nine), None);
    }

    /// A card answering from an input of the `apdu` fuzz target
    /// (fuzz/fuzz_targets/apdu.rs): the first byte chooses the ATR (0: the
    /// eObčanka's, 1: its variant), then one answer per command as a length byte
    /// and that many bytes; at the end of the input the card is removed.
    struct Scripted<'a> {
        atr: Vec<u8>,
        script: &'a [u8],
    }

    impl<'a> Scripted<'a> {
        fn new(input: &'a [u8]) -> Scripted<'a> {
            let mut atr = ATR_PREFIX.to_vec();
            if input[0] == 1 {
                atr[7] = 0x02;
            }
            Scripted {
                atr,
                script: &input[1..],
            }
        }
    }

    impl CardTransport for Scripted<'_> {
        fn atr(&self) -> Vec<u8> {
            self.atr.clone()
        }
        fn transmit(&mut self, _apdu: &[u8]) -> Result<Vec<u8>, crate::card::TransportError> {
            let (&len, rest) = self
                .script
                .split_first()
                .ok_or(crate::card::TransportError::Removed)?;
            let (answer, rest) = rest.split_at(usize::from(len).min(rest.len()));
            self.script = rest;
            Ok(answer.to_vec())
        }
    }

    #[test]
    fn an_empty_certificate_file_is_not_a_card_to_log_in_with() {
        // Found by the `apdu` fuzz target: the authorization certificate's FCP
        // gave an empty size (`80 00`), the card was read as an eObčanka with an
        // empty certificate, and the kiosk would have asked for the PIN of a card
        // that cannot sign in.
        const EMPTY_SIZE: &[u8] = &[
            0x01, 0x02, 0x90, 0x00, 0x02, 0x6C, 0x09, 0x0B, 0x39, 0x30, 0x30, 0x30, 0x30, 0x30,
            0x30, 0x30, 0x31, 0x90, 0x00, 0x03, 0x01, 0x90, 0x00, 0x03, 0x03, 0x90, 0x00, 0x03,
            0x03, 0x90, 0x00, 0x02, 0x90, 0x00, 0x08, 0x62, 0x04, 0x80, 0x00, 0x02, 0x7E, 0x90,
            0x00, 0xF6, 0xA3, 0x6F, 0x2F, 0x6D, 0xB9, 0xC2, 0x71, 0x92, 0x0A, 0x02, 0x69, 0x82,
        ];
        assert_eq!(
            read_card(&mut Scripted::new(EMPTY_SIZE)),
            Err(CardError::Malformed("no file size in the FCP"))
        );
        // The same card with a size of zero (`80 01 00`): a file with no bytes.
        let mut zero = EMPTY_SIZE[..34].to_vec();
        zero.extend_from_slice(&[0x09, 0x62, 0x05, 0x80, 0x01, 0x00, 0x02, 0x7E, 0x90, 0x00]);
        zero.extend_from_slice(&[0x02, 0x69, 0x82]);
        assert_eq!(
            read_card(&mut Scripted::new(&zero)),
            Err(CardError::Malformed(
                "the authorization certificate is not readable"
            ))
        );
    }
}
