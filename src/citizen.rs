//! The logged-in citizen's area, without Slint: what the backend's `/me` answers
//! become on screen (amounts and dates in Czech form, obligations grouped and
//! checked one by one), and the payment QR code of an intent (PAYMENTS.md).
//!
//! Everything here is personal and lives in memory only, for one session.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use crate::payment::{Amount, CzechAccount, PaymentError, PaymentRequest, QrMatrix, amount_czech};
use crate::portal::types::{
    MeDashboard, Obligation, ObligationKind, PaymentIntent, PaymentState, SubmissionList, Watchdog,
};

/// What the area asks the backend for. Its `Debug` names the request only: a
/// variable symbol or an obligation id never reaches a log.
#[derive(Clone, PartialEq, Eq)]
pub enum CitizenRequest {
    Dashboard,
    Obligations,
    Submissions,
    Watchdog,
    SaveWatchdog(Watchdog),
    CreatePayment(Vec<String>),
    PaymentState(String),
    /// Counter: a payer's obligations by variable symbol.
    Lookup(String),
}

impl std::fmt::Debug for CitizenRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CitizenRequest::Dashboard => "Dashboard",
            CitizenRequest::Obligations => "Obligations",
            CitizenRequest::Submissions => "Submissions",
            CitizenRequest::Watchdog => "Watchdog",
            CitizenRequest::SaveWatchdog(_) => "SaveWatchdog(..)",
            CitizenRequest::CreatePayment(_) => "CreatePayment(..)",
            CitizenRequest::PaymentState(_) => "PaymentState(..)",
            CitizenRequest::Lookup(_) => "Lookup(..)",
        })
    }
}

/// What came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CitizenResult {
    Dashboard(MeDashboard),
    Obligations(Vec<Obligation>),
    Submissions(SubmissionList),
    Watchdog(Watchdog),
    WatchdogSaved(Watchdog),
    Payment(PaymentIntent),
    /// Counter: the payer and their obligations with the variable symbol asked for.
    Lookup {
        vs: String,
        found: crate::portal::types::StaffLookup,
    },
    /// The request failed; `session_ended` when the backend no longer knows the session.
    Failed {
        request: CitizenRequest,
        session_ended: bool,
        /// The backend refused the request itself (e.g. 422), not the network.
        refused: bool,
    },
}

/// "31. 10. 2026".
pub fn date_czech(d: NaiveDate) -> String {
    d.format("%-d. %-m. %Y").to_string()
}

/// "1 234,50 Kč" from the backend's "1234.50"; `None` if it is not an amount
/// (zero and negative amounts are not amounts one can pay).
pub fn amount_text(text: &str) -> Option<String> {
    Amount::parse(text).ok().map(amount_czech)
}

/// Why an obligation cannot be paid by QR code. The UI words each kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotPayable {
    /// Zero, negative or not a number.
    Amount,
    /// The account fails its checks (mod-97 / mod-11).
    Account,
    /// A symbol with letters or too long.
    Symbol,
}

impl NotPayable {
    /// The code the UI translates.
    pub fn code(self) -> &'static str {
        match self {
            NotPayable::Amount => "amount",
            NotPayable::Account => "account",
            NotPayable::Symbol => "symbol",
        }
    }
}

/// A payment request for these fields, or why there can be none.
pub fn payment_request(
    iban: &str,
    amount: &str,
    vs: &str,
    ss: &str,
    ks: &str,
    message: &str,
) -> Result<PaymentRequest, NotPayable> {
    let amount = Amount::parse(amount).map_err(|_| NotPayable::Amount)?;
    let mut request = PaymentRequest::new(iban)
        .map_err(|_| NotPayable::Account)?
        .amount(amount)
        .message_fitted(message);
    let symbol = |e: PaymentError| match e {
        PaymentError::Symbol { .. } => NotPayable::Symbol,
        _ => NotPayable::Account,
    };
    if !vs.trim().is_empty() {
        request = request.vs(vs).map_err(symbol)?;
    }
    if !ss.trim().is_empty() {
        request = request.ss(ss).map_err(symbol)?;
    }
    if !ks.trim().is_empty() {
        request = request.ks(ks).map_err(symbol)?;
    }
    Ok(request)
}

/// Whether an unpaid obligation can be paid by QR code.
pub fn check_obligation(o: &Obligation) -> Result<(), NotPayable> {
    payment_request(
        &o.account_iban,
        &o.amount_czk,
        &o.variable_symbol,
        &o.specific_symbol,
        &o.constant_symbol,
        &o.title,
    )
    .map(|_| ())
}

/// One row of the konto, ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObligationRowData {
    pub id: String,
    /// Waste, dog, fine or other (an unknown kind is shown as other).
    pub kind: ObligationKind,
    pub title: String,
    pub period: String,
    pub amount: String,
    pub due: String,
    /// Days from today to the due date (negative: past), for words such as
    /// "zítra" or "před 3 dny"; 0 for a paid one.
    pub due_in_days: i64,
    pub paid_at: String,
    pub overdue: bool,
    pub paid: bool,
    pub problem: Option<NotPayable>,
    pub note: String,
    pub selected: bool,
}

/// The konto: unpaid first (oldest due date first), then paid (newest first).
pub fn obligation_rows(
    obligations: &[Obligation],
    selected: &BTreeSet<String>,
    today: NaiveDate,
) -> (Vec<ObligationRowData>, Vec<ObligationRowData>) {
    let row = |o: &Obligation| ObligationRowData {
        id: o.id.clone(),
        kind: o.kind.shown(),
        title: o.title.clone(),
        period: o.period.clone(),
        amount: amount_text(&o.amount_czk).unwrap_or_else(|| format!("{} Kč", o.amount_czk)),
        due: date_czech(o.due_date),
        due_in_days: if o.paid {
            0
        } else {
            (o.due_date - today).num_days()
        },
        paid_at: o.paid_at.map(date_czech).unwrap_or_default(),
        overdue: !o.paid && o.due_date < today,
        paid: o.paid,
        problem: if o.paid {
            None
        } else {
            check_obligation(o).err()
        },
        note: o.note.clone(),
        selected: selected.contains(&o.id),
    };
    let mut unpaid: Vec<&Obligation> = obligations.iter().filter(|o| !o.paid).collect();
    unpaid.sort_by_key(|o| (o.due_date, o.id.clone()));
    let mut paid: Vec<&Obligation> = obligations.iter().filter(|o| o.paid).collect();
    paid.sort_by_key(|o| std::cmp::Reverse((o.paid_at.unwrap_or(o.due_date), o.id.clone())));
    (
        unpaid.into_iter().map(row).collect(),
        paid.into_iter().map(row).collect(),
    )
}

/// The sum of the selected obligations, if every one is an amount.
pub fn selected_total(obligations: &[Obligation], selected: &BTreeSet<String>) -> Option<String> {
    let mut hellers = 0u64;
    for o in obligations.iter().filter(|o| selected.contains(&o.id)) {
        hellers += Amount::parse(&o.amount_czk).ok()?.hellers();
    }
    Amount::from_hellers(hellers).ok().map(amount_czech)
}

/// The payment screen's content for an intent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayView {
    pub state: PaymentState,
    pub amount: String,
    /// Domestic form "19-4260105309/0800" ("" when the account is broken).
    pub account: String,
    /// IBAN in groups of four.
    pub iban: String,
    pub vs: String,
    pub ss: String,
    pub ks: String,
    pub message: String,
    /// The SPAYD string and its QR code; `Err` = show the details as text only.
    pub qr: Result<(String, QrMatrix), NotPayable>,
    pub gateway_qr: Option<QrMatrix>,
}

pub fn pay_view(intent: &PaymentIntent) -> PayView {
    let request = payment_request(
        &intent.account_iban,
        &intent.amount_czk,
        &intent.variable_symbol,
        &intent.specific_symbol,
        &intent.constant_symbol,
        &intent.message,
    );
    let qr = request.and_then(|r| {
        let spayd = r.spayd();
        QrMatrix::encode(&spayd)
            .map(|m| (spayd, m))
            .map_err(|_| NotPayable::Amount)
    });
    let iban: String = intent
        .account_iban
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<Vec<_>>()
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ");
    PayView {
        state: intent.state,
        amount: amount_text(&intent.amount_czk)
            .unwrap_or_else(|| format!("{} Kč", intent.amount_czk)),
        account: CzechAccount::from_iban(&intent.account_iban)
            .map(|a| a.domestic())
            .unwrap_or_default(),
        iban,
        vs: intent.variable_symbol.clone(),
        ss: intent.specific_symbol.clone(),
        ks: intent.constant_symbol.clone(),
        message: intent.message.clone(),
        qr,
        gateway_qr: intent
            .gateway_url
            .as_deref()
            .filter(|u| u.starts_with("https://"))
            .and_then(|u| QrMatrix::encode(u).ok()),
    }
}

/// The dashboard in words and numbers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DashboardView {
    pub unpaid_count: u32,
    pub unpaid_total: String,
    pub overdue_count: u32,
    pub nearest_due: String,
    /// The nearest due date itself (for words such as "zítra").
    pub nearest_due_day: Option<NaiveDate>,
    pub open_submissions: u32,
    /// (title, text, date), newest first.
    pub notices: Vec<(String, String, String)>,
    /// The notices' days, in the same order.
    pub notice_days: Vec<NaiveDate>,
    /// (title, date, place, address).
    pub election: Option<(String, String, String, String)>,
}

pub fn dashboard_view(d: &MeDashboard) -> DashboardView {
    let mut notices: Vec<_> = d.notices.iter().collect();
    notices.sort_by_key(|n| std::cmp::Reverse(n.date));
    DashboardView {
        unpaid_count: d.unpaid_count,
        unpaid_total: amount_text(&d.unpaid_total_czk).unwrap_or_else(|| "0,00\u{a0}Kč".into()),
        overdue_count: d.overdue_count,
        // A due date already past is no "nearest due date": it is overdue, and
        // the overdue count says so.
        nearest_due: d
            .nearest_due_date
            .filter(|day| *day >= chrono::Local::now().date_naive())
            .map(date_czech)
            .unwrap_or_default(),
        nearest_due_day: d
            .nearest_due_date
            .filter(|day| *day >= chrono::Local::now().date_naive()),
        notice_days: notices.iter().map(|n| n.date).collect(),
        open_submissions: d.open_submissions,
        notices: notices
            .into_iter()
            .map(|n| (n.title.clone(), n.text.clone(), date_czech(n.date)))
            .collect(),
        election: d.next_election.as_ref().map(|e| {
            (
                e.title.clone(),
                date_czech(e.date),
                e.place.clone(),
                e.address.clone(),
            )
        }),
    }
}

/// One switch of the hlídací pes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WatchKind {
    NewObligation,
    DueDate,
    Submission,
    Election,
}

/// The hlídací pes switches in a fixed order: (kind, on).
pub fn watchdog_rows(w: &Watchdog) -> Vec<(WatchKind, bool)> {
    vec![
        (WatchKind::NewObligation, w.new_obligation),
        (WatchKind::DueDate, w.due_date_approaching),
        (WatchKind::Submission, w.submission_changed),
        (WatchKind::Election, w.election),
    ]
}

/// Flips one switch.
pub fn toggle_watch(w: &mut Watchdog, kind: WatchKind) {
    let flag = match kind {
        WatchKind::NewObligation => &mut w.new_obligation,
        WatchKind::DueDate => &mut w.due_date_approaching,
        WatchKind::Submission => &mut w.submission_changed,
        WatchKind::Election => &mut w.election,
    };
    *flag = !*flag;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obligation(
        id: &str,
        amount: &str,
        iban: &str,
        vs: &str,
        due: &str,
        paid: bool,
    ) -> Obligation {
        Obligation {
            id: id.into(),
            kind: ObligationKind::Waste,
            title: "Poplatek za komunální odpad 2026".into(),
            period: "2026".into(),
            amount_czk: amount.into(),
            due_date: due.parse().unwrap(),
            paid,
            paid_at: paid.then(|| "2026-03-01".parse().unwrap()),
            account_iban: iban.into(),
            variable_symbol: vs.into(),
            specific_symbol: String::new(),
            constant_symbol: "0558".into(),
            note: String::new(),
        }
    }

    const GOOD: &str = "CZ7708000000194260105309";

    #[test]
    fn each_row_knows_how_many_days_its_due_date_is_from_today() {
        let today = "2026-11-27".parse().unwrap();
        let list = vec![
            obligation("past", "900.00", GOOD, "1100012011", "2026-11-24", false),
            obligation("today", "900.00", GOOD, "1100012012", "2026-11-27", false),
            obligation(
                "tomorrow",
                "900.00",
                GOOD,
                "1100012013",
                "2026-11-28",
                false,
            ),
            obligation("later", "900.00", GOOD, "1100012014", "2026-12-11", false),
            obligation("paid", "900.00", GOOD, "1100012015", "2026-11-20", true),
        ];
        let (unpaid, paid) = obligation_rows(&list, &BTreeSet::new(), today);
        let days: Vec<_> = unpaid
            .iter()
            .map(|r| (r.id.as_str(), r.due_in_days, r.overdue))
            .collect();
        assert_eq!(
            days,
            vec![
                ("past", -3, true),
                ("today", 0, false),
                ("tomorrow", 1, false),
                ("later", 14, false),
            ]
        );
        assert_eq!(paid[0].due_in_days, 0, "a paid one has no distance to say");
    }

    #[test]
    fn broken_obligations_are_shown_with_their_reason_and_no_qr() {
        let today = "2026-11-27".parse().unwrap();
        let list = vec![
            obligation("ok", "900.00", GOOD, "1100012011", "2026-10-31", false),
            obligation(
                "iban",
                "350.00",
                "CZ6601000000194260107208",
                "1400034013",
                "2026-12-31",
                false,
            ),
            obligation("vs", "350.00", GOOD, "12AB34", "2026-12-31", false),
            obligation("zero", "0.00", GOOD, "1400034015", "2026-12-31", false),
            obligation("neg", "-5.00", GOOD, "1400034016", "2026-12-31", false),
            obligation("old", "498.00", GOOD, "1100012011", "2020-10-31", true),
        ];
        let (unpaid, paid) = obligation_rows(&list, &BTreeSet::new(), today);
        let problems: Vec<_> = unpaid.iter().map(|r| (r.id.as_str(), r.problem)).collect();
        assert_eq!(
            problems,
            vec![
                ("ok", None),
                ("iban", Some(NotPayable::Account)),
                ("neg", Some(NotPayable::Amount)),
                ("vs", Some(NotPayable::Symbol)),
                ("zero", Some(NotPayable::Amount)),
            ]
        );
        assert!(unpaid[0].overdue, "due 31. 10. 2026, today 27. 11.");
        assert_eq!(unpaid[0].amount, "900,00\u{a0}Kč");
        assert_eq!(unpaid[0].due, "31. 10. 2026");
        assert_eq!(paid.len(), 1);
        assert_eq!(paid[0].paid_at, "1. 3. 2026");
        assert!(!paid[0].overdue);
    }

    #[test]
    fn an_intent_becomes_a_qr_code_that_scans_to_its_spayd() {
        let intent = PaymentIntent {
            id: "p1".into(),
            state: PaymentState::Pending,
            account_iban: GOOD.into(),
            amount_czk: "1398.00".into(),
            variable_symbol: "9000000001".into(),
            specific_symbol: String::new(),
            constant_symbol: "0558".into(),
            message: "PLATBA 2 POLOZEK".into(),
            gateway_url: Some("https://platby.example/litomerice/p1".into()),
            expires_at: chrono::Utc::now(),
            paid_on: None,
        };
        let view = pay_view(&intent);
        assert_eq!(view.account, "19-4260105309/0800");
        assert_eq!(view.iban, "CZ77 0800 0000 1942 6010 5309");
        assert_eq!(view.amount, "1\u{a0}398,00\u{a0}Kč");
        let (spayd, matrix) = view.qr.unwrap();
        assert_eq!(
            spayd,
            "SPD*1.0*ACC:CZ7708000000194260105309*AM:1398.00*CC:CZK*MSG:PLATBA 2 POLOZEK*X-VS:9000000001*X-KS:0558"
        );
        let decoded = crate::payment::read_qr_codes(&matrix.to_image(6));
        assert_eq!(decoded, vec![spayd]);
        let gateway = crate::payment::read_qr_codes(&view.gateway_qr.unwrap().to_image(6));
        assert_eq!(
            gateway,
            vec!["https://platby.example/litomerice/p1".to_string()]
        );
        // A broken account from the backend: details as text, no QR.
        let broken = PaymentIntent {
            account_iban: "CZ6601000000194260107208".into(),
            gateway_url: Some("http://not-https.example".into()),
            ..intent
        };
        let view = pay_view(&broken);
        assert_eq!(view.qr.err(), Some(NotPayable::Account));
        assert_eq!(view.account, "");
        assert!(view.gateway_qr.is_none(), "only https links become codes");
    }

    #[test]
    fn selection_total_and_watchdog_switches() {
        let list = vec![
            obligation("a", "900.00", GOOD, "1", "2026-10-31", false),
            obligation("b", "498.50", GOOD, "2", "2026-10-31", false),
        ];
        let selected: BTreeSet<String> = ["a".to_string(), "b".to_string()].into();
        assert_eq!(
            selected_total(&list, &selected).as_deref(),
            Some("1\u{a0}398,50\u{a0}Kč")
        );
        let mut w = Watchdog::default();
        toggle_watch(&mut w, WatchKind::DueDate);
        assert!(w.due_date_approaching);
        assert_eq!(watchdog_rows(&w)[1], (WatchKind::DueDate, true));
    }
}
