//! The eObčanka: APDUs over a transport, recognising and reading the card, the
//! PC/SC reader monitor and the PKCS#11 signer; with `devtools`, also a
//! simulated card, the demo citizens' cards and the vpcd card simulator.
//! Nothing here logs card data or ever sends a PIN.

pub mod apdu;
#[cfg(feature = "devtools")]
pub mod demo;
pub mod eobcanka;
pub mod reader;
pub mod signer;
#[cfg(any(test, feature = "devtools"))]
pub mod sim;
#[cfg(feature = "devtools")]
pub mod testcards;
#[cfg(feature = "devtools")]
pub mod vpicc;

pub use apdu::{CardError, CardTransport, Command, Status, TransportError};
pub use eobcanka::{CardKind, EObcanka, PinState, read_card};
pub use reader::{ReaderEvent, ReaderMonitor, ReaderProblem};
pub use signer::{CardCertificates, Pin, Pkcs11Signer, SignError, Signed, Signer};
