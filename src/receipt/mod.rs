//! Receipts: slip models laid out for 58 mm and 80 mm paper, ESC/POS encoding
//! with Czech in code page 852 and QR codes (native or raster), printer
//! profiles, and a decoder of the bytes for tests, diagnostics and previews.
//!
//! A slip with personal data exists only while its citizen's session does; this
//! module never logs slip contents.

pub mod codepage;
pub mod decode;
pub mod escpos;
pub mod preview;
pub mod printer;
pub mod profiles;
pub mod queue;
pub mod slip;

pub use decode::{DecodedItem, DecodedReceipt, decode};
pub use printer::{PrinterError, PrinterState, PrinterUri};
pub use profiles::{PROFILES, PrinterProfile, profile};
pub use queue::{JobOutcome, PrintJob, PrintQueue};
pub use slip::{PaymentSlipData, ProofOfPaymentData, Slip, SlipHeader, SlipOrigin, SlipTown};
