//! The eObčanka: APDUs over a transport, recognising and reading the card, and a
//! simulated card. The PC/SC monitor, the PKCS#11 signer and the login flow
//! (issue 4) build on these. Nothing here logs card data or ever sends a PIN.

pub mod apdu;
#[cfg(feature = "devtools")]
pub mod demo;
pub mod eobcanka;
pub mod reader;
pub mod signer;
pub mod sim;
#[cfg(feature = "devtools")]
pub mod testcards;
pub mod vpicc;

pub use apdu::{CardError, CardTransport, Command, Status, TransportError};
pub use eobcanka::{CardKind, EObcanka, PinState, read_card};
pub use reader::{ReaderEvent, ReaderMonitor, ReaderProblem};
pub use signer::{CardCertificates, Pin, Pkcs11Signer, SignError, Signed, Signer};
