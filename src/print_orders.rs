//! The printing port: the core's [`PrintOrder`]s become jobs for the printer
//! thread ([`crate::printing`]), and the thread's [`PrintReport`]s become the
//! core's [`PrinterNews`]. The slips are laid out from the order's data here, on
//! the printer thread (the builder runs there), never on the UI thread.
//!
//! It must never keep an order's personal data beyond the job it builds.

use crate::kiosk::{PaymentSlipOrder, PrintOrder, PrinterNews, SlipKind};
use crate::payment::{Amount, CzechAccount};
use crate::portal::types::PaymentState;
use crate::printing::{PrintReport, PrintRequest};
use crate::receipt::slip::{PaymentSlipData, ProofOfPaymentData, Slip, SlipHeader};

/// The printer thread's job for an order.
pub fn request(order: PrintOrder) -> PrintRequest {
    match order {
        PrintOrder::Payment(_)
        | PrintOrder::Proof(_)
        | PrintOrder::Contact(_)
        | PrintOrder::Service(_)
        | PrintOrder::Notice(_)
        | PrintOrder::PollingPlace(_) => {
            let kind = kind_of(&order);
            PrintRequest::Slip {
                kind: kind.name(),
                // Contacts, services, notices and polling places are public
                // (a polling-place slip names the district, never the address
                // typed): kept in the queue until printed.
                personal: !matches!(
                    kind,
                    SlipKind::Contact
                        | SlipKind::Service
                        | SlipKind::Notice
                        | SlipKind::PollingPlace
                ),
                build: Box::new(move |header| slip(&order, header)),
            }
        }
        PrintOrder::Reprint => PrintRequest::Reprint,
        PrintOrder::TestPage => PrintRequest::TestPage,
        PrintOrder::Retry => PrintRequest::Retry,
        PrintOrder::Cancel => PrintRequest::Cancel,
        PrintOrder::Status => PrintRequest::Status,
        PrintOrder::EndSession => PrintRequest::EndSession,
    }
}

/// Which slip an order prints (the test page for orders that print none).
pub fn kind_of(order: &PrintOrder) -> SlipKind {
    match order {
        PrintOrder::Payment(_) => SlipKind::Payment,
        PrintOrder::Proof(_) => SlipKind::Proof,
        PrintOrder::Contact(_) => SlipKind::Contact,
        PrintOrder::Service(_) => SlipKind::Service,
        PrintOrder::Notice(_) => SlipKind::Notice,
        PrintOrder::PollingPlace(_) => SlipKind::PollingPlace,
        PrintOrder::Reprint => SlipKind::Reprint,
        PrintOrder::TestPage
        | PrintOrder::Retry
        | PrintOrder::Cancel
        | PrintOrder::Status
        | PrintOrder::EndSession => SlipKind::Test,
    }
}

/// The slip of an order that prints one, laid out under `header`.
pub fn slip(order: &PrintOrder, header: &SlipHeader) -> Option<Slip> {
    match order {
        PrintOrder::Payment(o) => Slip::payment_instruction(header, &payment_data(o)?).ok(),
        PrintOrder::Proof(o) => Some(Slip::proof_of_payment(header, &proof_data(o)?)),
        PrintOrder::Contact(d) => Some(Slip::contact(header, d)),
        PrintOrder::Service(s) => Some(Slip::service_information(header, s)),
        PrintOrder::Notice(n) => Some(Slip::board_notice(header, n)),
        PrintOrder::PollingPlace(p) => Some(Slip::polling_place(
            header,
            p.election.as_ref(),
            &p.district,
        )),
        _ => None,
    }
}

fn payment_data(o: &PaymentSlipOrder) -> Option<PaymentSlipData> {
    let intent = &o.intent;
    let symbol = |s: &str| (!s.is_empty()).then(|| s.to_string());
    Some(PaymentSlipData {
        what: o.title.clone(),
        period: o.period.clone(),
        amount: Amount::parse(&intent.amount_czk).ok()?,
        account: CzechAccount::from_iban(&intent.account_iban).ok()?,
        vs: symbol(&intent.variable_symbol),
        ss: symbol(&intent.specific_symbol),
        ks: symbol(&intent.constant_symbol),
        due: None,
    })
}

fn proof_data(o: &PaymentSlipOrder) -> Option<ProofOfPaymentData> {
    if o.intent.state != PaymentState::Paid {
        return None;
    }
    let pay = payment_data(o)?;
    Some(ProofOfPaymentData {
        what: pay.what,
        period: pay.period,
        amount: pay.amount,
        // The backend's date; an older backend without it: the day the kiosk saw it paid.
        paid_on: o
            .intent
            .paid_on
            .unwrap_or_else(|| chrono::Local::now().date_naive()),
        reference: o.intent.id.clone(),
    })
}

/// The printer thread's report as the core's news (None for a kind it does not know).
pub fn news(report: &PrintReport) -> Option<PrinterNews> {
    Some(match report {
        PrintReport::Printed { kind, state, .. } => PrinterNews::Printed {
            kind: SlipKind::from_name(kind)?,
            state: *state,
        },
        PrintReport::NotPrinted { kind, state } => PrinterNews::NotPrinted {
            kind: SlipKind::from_name(kind)?,
            state: *state,
        },
        PrintReport::Invalid { kind } => PrinterNews::Invalid {
            kind: SlipKind::from_name(kind)?,
        },
        PrintReport::Status { state, waiting } => PrinterNews::Status {
            state: *state,
            waiting: *waiting,
        },
        PrintReport::Preview { kind, .. } => PrinterNews::Preview {
            kind: SlipKind::from_name(kind)?,
        },
    })
}

/// The slip of an order drawn as the printer would print it, for a kiosk without
/// a printer (the details to copy): encoded for the profile, decoded back, drawn.
/// Slow (milliseconds): never call it on the UI thread. There is no slip number:
/// nothing is printed.
pub fn preview(
    order: &PrintOrder,
    profile: &crate::receipt::profiles::PrinterProfile,
    origin: &crate::receipt::SlipOrigin,
) -> Option<crate::printing::SlipPicture> {
    let header = origin.header(0, chrono::Local::now().naive_local());
    let bytes = slip(order, &header)?.encode(profile).ok()?;
    crate::printing::SlipPicture::of_bytes(&bytes, profile).ok()
}
