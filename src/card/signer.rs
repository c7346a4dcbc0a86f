//! The card's private key, reached through PKCS#11 (EOBCANKA.md): the state's
//! `libeopproxyp11.so` in production, SoftHSM2 in tests — the same code path.
//!
//! The PIN lives in a [`Pin`]: digits in a buffer that is wiped when dropped,
//! never formatted, never logged, passed to `C_Login` as bytes.

use std::path::{Path, PathBuf};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as P11Error, RvError};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::RawAuthPin;

pub use crate::kiosk::ports::Pin;

/// What the kiosk read from the card, to find the matching token.
#[derive(Clone, Copy)]
pub struct CardCertificates<'a> {
    pub short: &'a [u8],
    pub long: Option<&'a [u8]>,
}

/// The signature and the certificate that goes into the login token.
pub struct Signed {
    pub certificate: Vec<u8>,
    /// Raw r‖s (132 bytes for P-521).
    pub signature: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    #[error("the PIN was wrong")]
    WrongPin,
    #[error("the PIN is blocked")]
    Blocked,
    #[error("the PKCS#11 module cannot be used: {0}")]
    Module(String),
    #[error("no token in the PKCS#11 module belongs to this card")]
    NoToken,
    #[error("signing failed: {0}")]
    Failed(String),
}

/// Signs a login challenge with the card's key.
pub trait Signer: Send {
    fn sign(
        &mut self,
        card: CardCertificates<'_>,
        pin: &Pin,
        digest: &[u8; 64],
    ) -> Result<Signed, SignError>;
}

/// The production signer: a PKCS#11 module, loaded once and kept.
pub struct Pkcs11Signer {
    module: PathBuf,
    context: Option<Pkcs11>,
}

impl Pkcs11Signer {
    pub fn new(module: &Path) -> Pkcs11Signer {
        Pkcs11Signer {
            module: module.to_path_buf(),
            context: None,
        }
    }

    /// Loads and initialises the module (once); a clear reason when it cannot.
    pub fn context(&mut self) -> Result<&Pkcs11, SignError> {
        if self.context.is_none() {
            if !self.module.exists() {
                return Err(SignError::Module(format!(
                    "{} does not exist",
                    self.module.display()
                )));
            }
            let ctx = Pkcs11::new(&self.module)
                .map_err(|e| SignError::Module(format!("{}: {e}", self.module.display())))?;
            match ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
                Ok(()) | Err(P11Error::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
                Err(e) => {
                    return Err(SignError::Module(format!(
                        "{}: C_Initialize: {e}",
                        self.module.display()
                    )));
                }
            }
            self.context = Some(ctx);
        }
        self.context
            .as_ref()
            .ok_or_else(|| SignError::Module("not loaded".into()))
    }

    /// The token holding a certificate equal to one of the card's, with that
    /// certificate and its CKA_ID. With exactly one token and no match (a module
    /// that hides certificates until login), that token.
    fn find_token(
        ctx: &Pkcs11,
        card: CardCertificates<'_>,
    ) -> Result<(Slot, Option<CertificateAndId>), SignError> {
        let slots = ctx
            .get_slots_with_token()
            .map_err(|e| SignError::Failed(format!("C_GetSlotList: {e}")))?;
        for &slot in &slots {
            let Ok(session) = ctx.open_ro_session(slot) else {
                continue;
            };
            if let Some(found) = matching_certificate(&session, card) {
                return Ok((slot, Some(found)));
            }
        }
        match slots.as_slice() {
            [only] => Ok((*only, None)),
            _ => Err(SignError::NoToken),
        }
    }
}

/// A certificate's DER and its CKA_ID.
type CertificateAndId = (Vec<u8>, Vec<u8>);

fn certificates(session: &Session) -> Vec<CertificateAndId> {
    let Ok(handles) = session.find_objects(&[Attribute::Class(ObjectClass::CERTIFICATE)]) else {
        return Vec::new();
    };
    handles
        .into_iter()
        .filter_map(|h| {
            let attrs = session
                .get_attributes(h, &[AttributeType::Value, AttributeType::Id])
                .ok()?;
            let mut value = None;
            let mut id = Vec::new();
            for a in attrs {
                match a {
                    Attribute::Value(v) => value = Some(v),
                    Attribute::Id(i) => id = i,
                    _ => {}
                }
            }
            Some((value?, id))
        })
        .collect()
}

fn matching_certificate(session: &Session, card: CardCertificates<'_>) -> Option<CertificateAndId> {
    let certs = certificates(session);
    // The identification certificate (with clientAuth) is the one to log in with.
    if let Some(long) = card.long
        && let Some(c) = certs.iter().find(|(der, _)| der == long)
    {
        return Some(c.clone());
    }
    if certs.iter().any(|(der, _)| der == card.short) {
        // The card's long certificate was not readable without the PIN: take the
        // token's certificate that is not the short one, if there is one.
        return certs
            .iter()
            .find(|(der, _)| der != card.short)
            .or_else(|| certs.first())
            .cloned();
    }
    None
}

fn private_key(session: &Session, id: Option<&[u8]>) -> Result<ObjectHandle, SignError> {
    let mut template = vec![Attribute::Class(ObjectClass::PRIVATE_KEY)];
    if let Some(id) = id {
        template.push(Attribute::Id(id.to_vec()));
    }
    let keys = session
        .find_objects(&template)
        .map_err(|e| SignError::Failed(format!("C_FindObjects: {e}")))?;
    keys.first().copied().ok_or(SignError::NoToken)
}

fn login_error(e: P11Error) -> SignError {
    match e {
        P11Error::Pkcs11(RvError::PinIncorrect | RvError::PinInvalid | RvError::PinLenRange, _) => {
            SignError::WrongPin
        }
        P11Error::Pkcs11(RvError::PinLocked | RvError::PinExpired, _) => SignError::Blocked,
        other => SignError::Failed(format!("C_Login: {other}")),
    }
}

impl Signer for Pkcs11Signer {
    fn sign(
        &mut self,
        card: CardCertificates<'_>,
        pin: &Pin,
        digest: &[u8; 64],
    ) -> Result<Signed, SignError> {
        let ctx = self.context()?;
        let (slot, found) = Self::find_token(ctx, card)?;
        if ctx
            .get_token_info(slot)
            .is_ok_and(|info| info.user_pin_locked())
        {
            return Err(SignError::Blocked);
        }
        let session = ctx
            .open_ro_session(slot)
            .map_err(|e| SignError::Failed(format!("C_OpenSession: {e}")))?;
        let secret = RawAuthPin::new(Box::new(pin.expose().to_vec()));
        match session.login_with_raw(UserType::User, &secret) {
            Ok(()) | Err(P11Error::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {}
            Err(e) => {
                let err = login_error(e);
                if err == SignError::WrongPin
                    && ctx
                        .get_token_info(slot)
                        .is_ok_and(|info| info.user_pin_locked())
                {
                    return Err(SignError::Blocked);
                }
                return Err(err);
            }
        }
        drop(secret);
        // A module that hides certificates until login shows them now.
        let (certificate, id) = match found {
            Some(found) => found,
            None => matching_certificate(&session, card)
                .or_else(|| certificates(&session).into_iter().next())
                .ok_or(SignError::NoToken)?,
        };
        let key = private_key(&session, (!id.is_empty()).then_some(id.as_slice()))?;
        let signature = session
            .sign(&Mechanism::Ecdsa, key, digest)
            .map_err(|e| SignError::Failed(format!("C_Sign: {e}")));
        let _ = session.logout();
        Ok(Signed {
            certificate,
            signature: signature?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pin_takes_digits_only_up_to_ten() {
        let mut pin = Pin::new();
        assert!(!pin.push(10));
        for d in 0..10 {
            assert!(pin.push(d));
        }
        assert!(!pin.push(1));
        assert_eq!(pin.len(), 10);
        assert_eq!(pin.expose(), b"0123456789");
        pin.pop();
        assert_eq!(pin.expose(), b"012345678");
        let taken = pin.take();
        assert!(pin.is_empty());
        assert_eq!(taken.len(), 9);
        assert_eq!(format!("{taken:?}"), "Pin(9 digits)");
        assert!(Pin::from_digits("12a4").is_none());
        assert!(Pin::from_digits("1234").unwrap().is_complete());
        assert!(!Pin::from_digits("123").unwrap().is_complete());
    }

    #[test]
    fn a_missing_module_is_a_clear_error() {
        let mut signer = Pkcs11Signer::new(Path::new("/nonexistent/libeopproxyp11.so"));
        let pin = Pin::from_digits("1234").unwrap();
        let err = signer
            .sign(
                CardCertificates {
                    short: &[],
                    long: None,
                },
                &pin,
                &[0; 64],
            )
            .err()
            .unwrap();
        assert_eq!(
            err,
            SignError::Module("/nonexistent/libeopproxyp11.so does not exist".into())
        );
    }
}
