//! The demo's card: a simulated eObčanka of a demo citizen in an in-process
//! "reader", inserted and removed from a clearly marked control on screen, and a
//! software signer holding the same test key. The card's IOK counter goes down
//! with every wrong PIN and blocks at zero, as a real card's does, and the reads
//! go through the same `read_card` as the PC/SC path.

use std::sync::{Arc, Mutex};

use p521::ecdsa::SigningKey;
use p521::ecdsa::signature::hazmat::PrehashSigner;
use p521::pkcs8::DecodePrivateKey;

use super::eobcanka::{self, read_card};
use super::reader::ReaderEvent;
use super::signer::{CardCertificates, Pin, SignError, Signed, Signer};
use super::sim::{SimCard, SimProfile};
use super::testcards::TestCitizen;

struct State {
    profile: SimProfile,
    inserted: bool,
}

/// The simulated card and its slot. Clones share the card.
#[derive(Clone)]
pub struct DemoCard {
    state: Arc<Mutex<State>>,
    citizen: &'static TestCitizen,
}

impl DemoCard {
    pub fn new(citizen: &'static TestCitizen) -> DemoCard {
        DemoCard {
            state: Arc::new(Mutex::new(State {
                profile: SimProfile::for_citizen(citizen),
                inserted: false,
            })),
            citizen,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whose card this is.
    pub fn citizen(&self) -> &'static TestCitizen {
        self.citizen
    }

    pub fn is_inserted(&self) -> bool {
        self.lock().inserted
    }

    /// Inserts or removes the card; returns what a reader would report.
    pub fn set_inserted(&self, inserted: bool) -> Vec<ReaderEvent> {
        let mut state = self.lock();
        if state.inserted == inserted {
            return Vec::new();
        }
        state.inserted = inserted;
        if !inserted {
            return vec![ReaderEvent::Removed];
        }
        let mut card = SimCard::new(state.profile.clone());
        let read = match read_card(&mut card) {
            Ok(kind) => ReaderEvent::Card(kind),
            Err(_) => ReaderEvent::ReadFailed,
        };
        vec![ReaderEvent::Reading, read]
    }

    /// The IOK state as the card reports it now.
    pub fn reread_pin(&self) -> Option<ReaderEvent> {
        let state = self.lock();
        if !state.inserted {
            return None;
        }
        let mut card = SimCard::new(state.profile.clone());
        eobcanka::select_card_management(&mut card).ok()?;
        eobcanka::read_iok(&mut card).ok().map(ReaderEvent::Pin)
    }

    /// A signer for this card: checks the test IOK and counts tries on the card.
    pub fn signer(&self) -> DemoSigner {
        DemoSigner { card: self.clone() }
    }
}

pub struct DemoSigner {
    card: DemoCard,
}

impl Signer for DemoSigner {
    fn sign(
        &mut self,
        card: CardCertificates<'_>,
        pin: &Pin,
        digest: &[u8; 64],
    ) -> Result<Signed, SignError> {
        let citizen = self.card.citizen;
        let mut state = self.card.lock();
        if !state.inserted {
            return Err(SignError::Failed("the card was removed".into()));
        }
        if card.short != citizen.short_certificate {
            return Err(SignError::NoToken);
        }
        let profile = &mut state.profile;
        if profile.iok_state & 0x04 != 0 || profile.iok_tries_left == 0 {
            return Err(SignError::Blocked);
        }
        if pin.expose() != citizen.pin.as_bytes() {
            profile.iok_tries_left -= 1;
            if profile.iok_tries_left == 0 {
                profile.iok_state |= 0x04;
                return Err(SignError::Blocked);
            }
            return Err(SignError::WrongPin);
        }
        profile.iok_tries_left = profile.iok_max;
        let key = SigningKey::from_pkcs8_pem(citizen.key_pem)
            .map_err(|_| SignError::Module("the demo key cannot be read".into()))?;
        let signature: p521::ecdsa::Signature = key
            .sign_prehash(digest)
            .map_err(|_| SignError::Failed("signing failed".into()))?;
        Ok(Signed {
            certificate: citizen.long_certificate.to_vec(),
            signature: signature.to_bytes().to_vec(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::testcards::TEST_CITIZENS;

    #[test]
    fn wrong_pins_count_down_on_the_card_and_block_it() {
        let demo = DemoCard::new(&TEST_CITIZENS[0]);
        let events = demo.set_inserted(true);
        let ReaderEvent::Card(crate::card::CardKind::EObcanka(info)) = &events[1] else {
            panic!("{events:?}")
        };
        let certs = CardCertificates {
            short: &info.short_certificate,
            long: info.long_certificate.as_deref(),
        };
        let mut signer = demo.signer();
        let wrong = Pin::from_digits("9999").unwrap();
        assert_eq!(
            signer.sign(certs, &wrong, &[1; 64]).err(),
            Some(SignError::WrongPin)
        );
        let Some(ReaderEvent::Pin(state)) = demo.reread_pin() else {
            panic!()
        };
        assert_eq!(state.tries_left, 2);
        let right = Pin::from_digits(TEST_CITIZENS[0].pin).unwrap();
        let signed = signer.sign(certs, &right, &[1; 64]).unwrap();
        assert_eq!(signed.signature.len(), 132);
        assert_eq!(
            demo.reread_pin(),
            Some(ReaderEvent::Pin(crate::card::PinState {
                active: true,
                blocked: false,
                tries_left: 3,
                max_tries: 3
            }))
        );
        for _ in 0..2 {
            assert_eq!(
                signer.sign(certs, &wrong, &[1; 64]).err(),
                Some(SignError::WrongPin)
            );
        }
        assert_eq!(
            signer.sign(certs, &wrong, &[1; 64]).err(),
            Some(SignError::Blocked)
        );
        assert_eq!(
            signer.sign(certs, &right, &[1; 64]).err(),
            Some(SignError::Blocked)
        );
        assert_eq!(demo.set_inserted(false), vec![ReaderEvent::Removed]);
    }
}
