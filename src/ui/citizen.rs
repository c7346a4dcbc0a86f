//! The citizen area's glue: loads what a screen needs when it opens, turns the
//! backend's answers into the `Citizen` global (via [`crate::citizen`]), keeps
//! the konto's selection and the payment in flight, polls a pending payment, and
//! empties everything when the session ends.

use std::collections::BTreeSet;
use std::time::Duration;

use slint::{
    ComponentHandle, Image, ModelRc, Rgb8Pixel, SharedPixelBuffer, SharedString, VecModel,
};

use super::{
    AppWindow, Citizen, LoadState, NoticeRow, ObligationRow, PayState, Staff, SubmissionRow,
    WatchRow,
};
use crate::citizen::{self as model, CitizenRequest, CitizenResult};
use crate::kiosk::Screen;
use crate::payment::QrMatrix;
use crate::portal::types::{Obligation, PaymentIntent, PaymentState, Watchdog};

/// How often a pending payment's state is asked for.
pub const POLL_EVERY: Duration = Duration::from_secs(3);

#[derive(Default)]
pub(super) struct CitizenArea {
    obligations: Vec<Obligation>,
    selected: BTreeSet<String>,
    pay_ids: Vec<String>,
    intent: Option<PaymentIntent>,
    watchdog: Option<Watchdog>,
    /// What the current screen waits for (for "Zkusit znovu").
    pending: Option<CitizenRequest>,
    last_poll: Duration,
    pub(super) printer_profile: String,
    pub(super) kiosk_id: String,
    /// Counter: the variable symbol being typed, and the one whose answer is awaited.
    vs: String,
    awaited_vs: Option<String>,
}

/// The longest variable symbol (PAYMENTS.md: up to 10 digits).
const VS_MAX: usize = 10;

fn qr_image(matrix: &QrMatrix) -> Image {
    // 8 px per module: crisp when Slint scales it to the widget (pixelated).
    let gray = matrix.to_image(8);
    let mut buffer = SharedPixelBuffer::<Rgb8Pixel>::new(gray.width(), gray.height());
    for (dst, src) in buffer.make_mut_slice().iter_mut().zip(gray.pixels()) {
        let v = src.0[0];
        *dst = Rgb8Pixel { r: v, g: v, b: v };
    }
    Image::from_rgb8(buffer)
}

pub(super) fn gray_image(gray: &image::GrayImage) -> Image {
    let mut buffer = SharedPixelBuffer::<Rgb8Pixel>::new(gray.width(), gray.height());
    for (dst, src) in buffer.make_mut_slice().iter_mut().zip(gray.pixels()) {
        let v = src.0[0];
        *dst = Rgb8Pixel { r: v, g: v, b: v };
    }
    Image::from_rgb8(buffer)
}

fn model<T: Clone + 'static>(rows: Vec<T>) -> ModelRc<T> {
    ModelRc::new(VecModel::from(rows))
}

fn s(text: &str) -> SharedString {
    SharedString::from(text)
}

impl CitizenArea {
    pub(super) fn new(printer_profile: &str, kiosk_id: &str) -> CitizenArea {
        CitizenArea {
            printer_profile: printer_profile.to_string(),
            kiosk_id: kiosk_id.to_string(),
            ..CitizenArea::default()
        }
    }

    /// Forgets everything and empties the global.
    pub(super) fn clear(&mut self, app: &AppWindow) {
        let printer_profile = std::mem::take(&mut self.printer_profile);
        let kiosk_id = std::mem::take(&mut self.kiosk_id);
        *self = CitizenArea {
            printer_profile,
            kiosk_id,
            ..CitizenArea::default()
        };
        let c = app.global::<Citizen>();
        c.set_load(LoadState::Idle);
        c.set_unpaid_count(0);
        c.set_unpaid_total(s(""));
        c.set_overdue_count(0);
        c.set_nearest_due(s(""));
        c.set_open_submissions(0);
        c.set_notices(model(Vec::new()));
        c.set_has_election(false);
        for set in [
            Citizen::set_election_title,
            Citizen::set_election_date,
            Citizen::set_election_place,
            Citizen::set_election_address,
            Citizen::set_selected_total,
            Citizen::set_pay_title,
            Citizen::set_pay_amount,
            Citizen::set_pay_account,
            Citizen::set_pay_iban,
            Citizen::set_pay_vs,
            Citizen::set_pay_ss,
            Citizen::set_pay_ks,
            Citizen::set_pay_message,
            Citizen::set_watchdog_email,
        ] {
            set(&c, s(""));
        }
        c.set_to_pay(model(Vec::new()));
        c.set_paid(model(Vec::new()));
        c.set_selected_count(0);
        c.set_pay_state(PayState::Preparing);
        c.set_pay_qr(Image::default());
        c.set_pay_has_gateway(false);
        c.set_gateway_qr(Image::default());
        c.set_slip_preview(Image::default());
        c.set_slip_preview_visible(false);
        c.set_submissions(model(Vec::new()));
        c.set_watchdog(model(Vec::new()));
        c.set_watchdog_saving(false);
        let staff = app.global::<Staff>();
        staff.set_vs(s(""));
        staff.set_lookup(LoadState::Idle);
        staff.set_looked_up_vs(s(""));
        staff.set_payer_name(s(""));
        staff.set_paid_count(0);
    }

    /// Counter: a key of the variable-symbol pad.
    pub(super) fn vs_digit(&mut self, app: &AppWindow, digit: i32) {
        let Some(d) = u32::try_from(digit)
            .ok()
            .and_then(|d| char::from_digit(d, 10))
        else {
            return;
        };
        if self.vs.len() < VS_MAX {
            self.vs.push(d);
        }
        app.global::<Staff>().set_vs(s(&self.vs));
    }

    pub(super) fn vs_erase(&mut self, app: &AppWindow) {
        self.vs.pop();
        app.global::<Staff>().set_vs(s(&self.vs));
    }

    /// Counter: "Vyhledat" (or "Zkusit znovu"): the previous payer goes from the
    /// screen at once, the lookup shows progress.
    pub(super) fn search(&mut self, app: &AppWindow) -> Option<CitizenRequest> {
        if self.vs.is_empty() {
            return None;
        }
        self.obligations.clear();
        self.selected.clear();
        self.show_obligations(app);
        let staff = app.global::<Staff>();
        staff.set_payer_name(s(""));
        staff.set_paid_count(0);
        staff.set_looked_up_vs(s(&self.vs));
        staff.set_lookup(LoadState::Loading);
        self.awaited_vs = Some(self.vs.clone());
        Some(CitizenRequest::Lookup(self.vs.clone()))
    }

    /// A screen opened: what to load for it.
    pub(super) fn screen_shown(
        &mut self,
        app: &AppWindow,
        screen: Screen,
    ) -> Option<CitizenRequest> {
        let request = match screen {
            Screen::Dashboard => CitizenRequest::Dashboard,
            Screen::Obligations => CitizenRequest::Obligations,
            Screen::Submissions => CitizenRequest::Submissions,
            Screen::Watchdog => CitizenRequest::Watchdog,
            // The payment screen is opened by "Zaplatit", which asked already.
            _ => return None,
        };
        app.global::<Citizen>().set_load(LoadState::Loading);
        self.pending = Some(request.clone());
        Some(request)
    }

    pub(super) fn retry(&mut self, app: &AppWindow) -> Option<CitizenRequest> {
        let request = self.pending.clone()?;
        app.global::<Citizen>().set_load(LoadState::Loading);
        Some(request)
    }

    /// Pay these obligations: the payment screen shows "preparing" at once.
    pub(super) fn pay(&mut self, app: &AppWindow, ids: Vec<String>) -> Option<CitizenRequest> {
        if ids.is_empty() {
            return None;
        }
        let title = app_title(&self.obligations, &ids);
        self.pay_ids = ids.clone();
        self.intent = None;
        let c = app.global::<Citizen>();
        c.set_pay_title(s(&title));
        c.set_pay_state(PayState::Preparing);
        c.set_pay_qr(Image::default());
        c.set_pay_has_gateway(false);
        c.set_slip_preview_visible(false);
        c.set_load(LoadState::Ready);
        self.pending = Some(CitizenRequest::CreatePayment(ids.clone()));
        Some(CitizenRequest::CreatePayment(ids))
    }

    pub(super) fn pay_selected(&mut self, app: &AppWindow) -> Option<CitizenRequest> {
        let ids: Vec<String> = self.selected.iter().cloned().collect();
        self.pay(app, ids)
    }

    pub(super) fn new_intent(&mut self, app: &AppWindow) -> Option<CitizenRequest> {
        let ids = self.pay_ids.clone();
        let title = app.global::<Citizen>().get_pay_title();
        let request = self.pay(app, ids);
        app.global::<Citizen>().set_pay_title(title);
        request
    }

    pub(super) fn toggle_select(&mut self, app: &AppWindow, id: &str) {
        if !self.selected.remove(id) {
            let payable = self
                .obligations
                .iter()
                .any(|o| o.id == id && !o.paid && model::check_obligation(o).is_ok());
            if !payable {
                return;
            }
            self.selected.insert(id.to_string());
        }
        self.show_obligations(app);
    }

    pub(super) fn toggle_watch(&mut self, app: &AppWindow, kind: &str) -> Option<CitizenRequest> {
        let mut w = self.watchdog.clone()?;
        if !model::toggle_watch(&mut w, kind) {
            return None;
        }
        self.watchdog = Some(w.clone());
        self.show_watchdog(app);
        app.global::<Citizen>().set_watchdog_saving(true);
        Some(CitizenRequest::SaveWatchdog(w))
    }

    /// Every tick on the payment screen: ask again for a pending payment.
    pub(super) fn poll(&mut self, screen: Screen, now: Duration) -> Option<CitizenRequest> {
        let intent = self.intent.as_ref()?;
        if screen != Screen::Pay || intent.state != PaymentState::Pending {
            return None;
        }
        if now.saturating_sub(self.last_poll) < POLL_EVERY {
            return None;
        }
        self.last_poll = now;
        Some(CitizenRequest::PaymentState(intent.id.clone()))
    }

    /// An answer arrived. Returns true when the backend says the session is gone.
    pub(super) fn apply(&mut self, app: &AppWindow, result: CitizenResult) -> bool {
        let c = app.global::<Citizen>();
        match result {
            CitizenResult::Dashboard(d) => {
                let v = model::dashboard_view(&d);
                c.set_unpaid_count(v.unpaid_count as i32);
                c.set_unpaid_total(s(&v.unpaid_total));
                c.set_overdue_count(v.overdue_count as i32);
                c.set_nearest_due(s(&v.nearest_due));
                c.set_open_submissions(v.open_submissions as i32);
                c.set_notices(model(
                    v.notices
                        .iter()
                        .map(|(title, text, date)| NoticeRow {
                            title: s(title),
                            text: s(text),
                            date: s(date),
                        })
                        .collect(),
                ));
                c.set_has_election(v.election.is_some());
                if let Some((title, date, place, address)) = &v.election {
                    c.set_election_title(s(title));
                    c.set_election_date(s(date));
                    c.set_election_place(s(place));
                    c.set_election_address(s(address));
                }
                self.done(app, &CitizenRequest::Dashboard);
            }
            CitizenResult::Obligations(list) => {
                self.obligations = list;
                // A selection survives a reload only for what is still payable.
                let still: BTreeSet<String> = self
                    .obligations
                    .iter()
                    .filter(|o| !o.paid && self.selected.contains(&o.id))
                    .map(|o| o.id.clone())
                    .collect();
                self.selected = still;
                self.show_obligations(app);
                self.done(app, &CitizenRequest::Obligations);
            }
            CitizenResult::Submissions(list) => {
                let mut subs = list.submissions;
                // Open ones first, then by the latest activity.
                subs.sort_by_key(|x| (x.state == "closed", std::cmp::Reverse(x.last_activity_at)));
                c.set_submissions(model(
                    subs.iter()
                        .map(|x| SubmissionRow {
                            title: s(&x.title),
                            submitted: s(&model::date_czech(x.submitted_at.date_naive())),
                            state: s(&x.state_text),
                            last_activity: s(&model::date_czech(x.last_activity_at.date_naive())),
                            open: x.state != "closed",
                        })
                        .collect(),
                ));
                self.done(app, &CitizenRequest::Submissions);
            }
            CitizenResult::Watchdog(w) | CitizenResult::WatchdogSaved(w) => {
                c.set_watchdog_saving(false);
                self.watchdog = Some(w);
                self.show_watchdog(app);
                self.done(app, &CitizenRequest::Watchdog);
            }
            CitizenResult::Payment(intent) => {
                self.show_payment(app, &intent);
                self.intent = Some(intent);
            }
            CitizenResult::Lookup { vs, found } => {
                // Only the answer for the symbol last asked for.
                if self.awaited_vs.as_deref() != Some(vs.as_str()) {
                    return false;
                }
                self.awaited_vs = None;
                self.obligations = found.obligations;
                self.selected.clear();
                self.show_obligations(app);
                let staff = app.global::<Staff>();
                staff.set_payer_name(s(&found.payer_name));
                staff.set_paid_count(self.obligations.iter().filter(|o| o.paid).count() as i32);
                staff.set_lookup(LoadState::Ready);
            }
            CitizenResult::Failed {
                request,
                session_ended,
                refused,
            } => {
                if session_ended {
                    return true;
                }
                match request {
                    CitizenRequest::CreatePayment(_) => {
                        c.set_pay_state(if refused {
                            PayState::NotPayable
                        } else {
                            PayState::Failed
                        });
                    }
                    // A failed poll changes nothing: the next one may succeed.
                    CitizenRequest::PaymentState(_) => {}
                    CitizenRequest::Lookup(vs) => {
                        if self.awaited_vs.as_deref() == Some(vs.as_str()) {
                            self.awaited_vs = None;
                            app.global::<Staff>().set_lookup(LoadState::Failed);
                        }
                    }
                    CitizenRequest::SaveWatchdog(_) => {
                        c.set_watchdog_saving(false);
                        // Show what the backend has, not what failed to save.
                        self.pending = Some(CitizenRequest::Watchdog);
                        c.set_load(LoadState::Failed);
                    }
                    other => {
                        if self.pending.as_ref() == Some(&other) {
                            c.set_load(LoadState::Failed);
                        }
                    }
                }
            }
        }
        false
    }

    fn done(&mut self, app: &AppWindow, request: &CitizenRequest) {
        if self.pending.as_ref() == Some(request) {
            app.global::<Citizen>().set_load(LoadState::Ready);
        }
    }

    fn show_obligations(&self, app: &AppWindow) {
        let today = chrono::Local::now().date_naive();
        let (unpaid, paid) = model::obligation_rows(&self.obligations, &self.selected, today);
        let row = |r: &model::ObligationRowData| ObligationRow {
            id: s(&r.id),
            kind: s(r.kind),
            title: s(&r.title),
            period: s(&r.period),
            amount: s(&r.amount),
            due: s(&r.due),
            paid_at: s(&r.paid_at),
            overdue: r.overdue,
            paid: r.paid,
            payable: !r.paid && r.problem.is_none(),
            note: s(r.problem.map_or(r.note.as_str(), |p| p.code())),
            selected: r.selected,
        };
        let c = app.global::<Citizen>();
        c.set_to_pay(model(unpaid.iter().map(row).collect()));
        c.set_paid(model(paid.iter().map(row).collect()));
        c.set_selected_count(self.selected.len() as i32);
        c.set_selected_total(s(
            &model::selected_total(&self.obligations, &self.selected).unwrap_or_default()
        ));
    }

    fn show_watchdog(&self, app: &AppWindow) {
        let Some(w) = &self.watchdog else { return };
        let c = app.global::<Citizen>();
        c.set_watchdog(model(
            model::watchdog_rows(w)
                .into_iter()
                .map(|(kind, on)| WatchRow {
                    kind: s(kind),
                    label: s(""),
                    on,
                })
                .collect(),
        ));
        c.set_watchdog_email(s(&w.channels.email));
    }

    fn show_payment(&self, app: &AppWindow, intent: &PaymentIntent) {
        let v = model::pay_view(intent);
        let c = app.global::<Citizen>();
        c.set_pay_amount(s(&v.amount));
        c.set_pay_account(s(&v.account));
        c.set_pay_iban(s(&v.iban));
        c.set_pay_vs(s(&v.vs));
        c.set_pay_ss(s(&v.ss));
        c.set_pay_ks(s(&v.ks));
        c.set_pay_message(s(&v.message));
        let changed = self.intent.as_ref().is_none_or(|old| old.id != intent.id);
        if changed {
            if let Ok((_, matrix)) = &v.qr {
                c.set_pay_qr(qr_image(matrix));
            }
            c.set_pay_has_gateway(v.gateway_qr.is_some());
            if let Some(g) = &v.gateway_qr {
                c.set_gateway_qr(qr_image(g));
            }
        }
        c.set_pay_state(match (v.state, &v.qr) {
            (PaymentState::Paid, _) => PayState::Paid,
            (PaymentState::Expired, _) => PayState::Expired,
            (PaymentState::Pending, Ok(_)) => PayState::Ready,
            (PaymentState::Pending, Err(_)) => PayState::NotPayable,
        });
    }

    /// "Vytisknout platební údaje" (or, once paid, "Vytisknout potvrzení o
    /// zaplacení"): the slip shown as the printer prints it.
    pub(super) fn print_preview(&self, app: &AppWindow, proof: bool) {
        let Some(intent) = &self.intent else { return };
        let Some(image) = self.slip_picture(intent, proof) else {
            return;
        };
        let c = app.global::<Citizen>();
        c.set_slip_preview(gray_image(&image));
        c.set_slip_preview_visible(true);
    }

    /// The payment slip of the payment in flight, as a job for the printer thread.
    pub(super) fn payment_slip_job(&self) -> Option<crate::printing::SlipBuilder> {
        let data = self.slip_data(self.intent.as_ref()?)?;
        Some(Box::new(move |header| {
            crate::receipt::slip::Slip::payment_instruction(header, &data).ok()
        }))
    }

    /// The proof of payment, once the backend reports the payment paid.
    pub(super) fn proof_slip_job(&self) -> Option<crate::printing::SlipBuilder> {
        let data = self.proof_data(self.intent.as_ref()?)?;
        Some(Box::new(move |header| {
            Some(crate::receipt::slip::Slip::proof_of_payment(header, &data))
        }))
    }

    fn proof_data(
        &self,
        intent: &PaymentIntent,
    ) -> Option<crate::receipt::slip::ProofOfPaymentData> {
        if intent.state != PaymentState::Paid {
            return None;
        }
        let pay = self.slip_data(intent)?;
        Some(crate::receipt::slip::ProofOfPaymentData {
            what: pay.what,
            period: pay.period,
            amount: pay.amount,
            // The backend's date; an older backend without it: the day the kiosk saw it paid.
            paid_on: intent
                .paid_on
                .unwrap_or_else(|| chrono::Local::now().date_naive()),
            reference: intent.id.clone(),
        })
    }

    fn slip_data(&self, intent: &PaymentIntent) -> Option<crate::receipt::slip::PaymentSlipData> {
        let title = app_title(&self.obligations, &self.pay_ids);
        Some(crate::receipt::slip::PaymentSlipData {
            what: title,
            period: self
                .obligations
                .iter()
                .find(|o| self.pay_ids.first() == Some(&o.id))
                .map(|o| o.period.clone())
                .unwrap_or_default(),
            amount: crate::payment::Amount::parse(&intent.amount_czk).ok()?,
            account: crate::payment::CzechAccount::from_iban(&intent.account_iban).ok()?,
            vs: (!intent.variable_symbol.is_empty()).then(|| intent.variable_symbol.clone()),
            ss: (!intent.specific_symbol.is_empty()).then(|| intent.specific_symbol.clone()),
            ks: (!intent.constant_symbol.is_empty()).then(|| intent.constant_symbol.clone()),
            due: None,
        })
    }

    fn slip_picture(&self, intent: &PaymentIntent, proof: bool) -> Option<image::GrayImage> {
        use crate::receipt::slip::{Slip, SlipHeader};
        let profile = crate::receipt::profiles::profile(&self.printer_profile)
            .or_else(|| crate::receipt::profiles::profile("epson-tm-t20"))?;
        let header = SlipHeader {
            kiosk_id: self.kiosk_id.clone(),
            slip_number: 0,
            printed_at: chrono::Local::now().naive_local(),
        };
        let slip = if proof {
            Slip::proof_of_payment(&header, &self.proof_data(intent)?)
        } else {
            Slip::payment_instruction(&header, &self.slip_data(intent)?).ok()?
        };
        slip_picture_of(&slip, profile)
    }
}

/// A slip drawn as the printer prints it: encoded for the profile, decoded back, drawn.
pub(super) fn slip_picture_of(
    slip: &crate::receipt::slip::Slip,
    profile: &crate::receipt::profiles::PrinterProfile,
) -> Option<image::GrayImage> {
    let bytes = slip.encode(profile).ok()?;
    let decoded = crate::receipt::decode::decode(&bytes).ok()?;
    Some(crate::receipt::preview::render(&decoded, profile.columns))
}

/// What is being paid, in the backend's own words: the titles, at most three.
fn app_title(obligations: &[Obligation], ids: &[String]) -> String {
    let titles: Vec<&str> = ids
        .iter()
        .filter_map(|id| obligations.iter().find(|o| &o.id == id))
        .map(|o| o.title.as_str())
        .collect();
    let mut text = titles
        .iter()
        .take(3)
        .copied()
        .collect::<Vec<_>>()
        .join("; ");
    if titles.len() > 3 {
        text.push_str("; …");
    }
    text
}
