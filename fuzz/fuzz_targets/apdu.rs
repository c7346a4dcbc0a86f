//! The eObčanka over a card that answers from the fuzz input: APDU status words,
//! `61 xx` / `6C xx` chains, the FCP's TLV, chunked READ BINARY, then the PIN
//! state re-read the reader does on request, and the certificates' names.
//!
//! Input: the first byte chooses the ATR (0: the eObčanka's, 1: its variant,
//! otherwise the first answer chunk is the ATR); then one answer per command,
//! each as a length byte and that many bytes (data followed by SW1 SW2). The
//! length `FF` means the card went mute; at the end of the input the card is
//! removed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portal_kiosk::card::eobcanka::{ATR_PREFIX, read_iok, select_card_management};
use portal_kiosk::card::{CardKind, CardTransport, TransportError, read_card};
use portal_kiosk::webeid::identity_of;

struct FuzzCard<'a> {
    atr: Vec<u8>,
    script: &'a [u8],
    transmits: usize,
}

impl<'a> FuzzCard<'a> {
    fn chunk(script: &mut &'a [u8]) -> Option<Result<&'a [u8], TransportError>> {
        let (&len, rest) = script.split_first()?;
        if len == 0xFF {
            *script = rest;
            return Some(Err(TransportError::Mute));
        }
        let (answer, rest) = rest.split_at(usize::from(len).min(rest.len()));
        *script = rest;
        Some(Ok(answer))
    }
}

impl CardTransport for FuzzCard<'_> {
    fn atr(&self) -> Vec<u8> {
        self.atr.clone()
    }

    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        assert!(apdu.len() >= 4 && apdu.len() <= 5 + 255, "not a short APDU");
        self.transmits += 1;
        match FuzzCard::chunk(&mut self.script) {
            Some(answer) => answer.map(<[u8]>::to_vec),
            None => Err(TransportError::Removed),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, mut script)) = data.split_first() else {
        return;
    };
    let mut atr = ATR_PREFIX.to_vec();
    match which {
        0 => atr.extend_from_slice(&[0x80, 0x01]),
        1 => atr[7] = 0x02,
        _ => match FuzzCard::chunk(&mut script) {
            Some(Ok(custom)) => atr = custom.to_vec(),
            _ => atr.clear(),
        },
    }
    let mut card = FuzzCard {
        atr,
        script,
        transmits: 0,
    };
    match read_card(&mut card) {
        Ok(CardKind::EObcanka(info)) => {
            assert!(!info.short_certificate.is_empty());
            assert!(info.short_certificate.len() <= 8192);
            assert!(
                info.long_certificate
                    .as_ref()
                    .is_none_or(|c| c.len() <= 8192)
            );
            assert_eq!(info.document_number.trim(), info.document_number);
            assert!(info.iok.tries_left > 0 || info.iok.blocked);
            let _ = identity_of(&info.short_certificate);
            if let Some(long) = &info.long_certificate {
                let _ = identity_of(long);
            }
            // What the reader does when the kiosk asks for the PIN state again.
            if select_card_management(&mut card).is_ok() {
                let _ = read_iok(&mut card);
            }
        }
        Ok(CardKind::NotEObcanka) => {}
        Err(e) => {
            let _ = e.to_string();
        }
    }
    // Every answer consumes input: no command loop outlives the script.
    assert!(card.transmits <= data.len() + 1);
});
