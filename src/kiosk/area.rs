//! The citizen area, the counter's desk, printing outcomes and the contacts, as
//! part of the flow core: what each screen waits for, the konto's selection, the
//! payment in flight and its polling, the variable symbol typed at the counter,
//! what the printer did, and the department on screen.
//!
//! Every request to an adapter carries an [`AttemptId`]; an answer is applied only
//! while its id is the one the slot waits for, and every end of a session empties
//! the slots, so an answer for a person who has left can never reach the screen.
//! Nothing here does I/O or names a Slint type; timing comes from the core's clock.

use std::collections::BTreeSet;
use std::time::Duration;

use super::ports::{AttemptId, PrinterState, SlipKind};
use super::{Command, Kiosk, Screen};
use crate::citizen::{
    self as model, CitizenRequest, CitizenResult, DashboardView, ObligationRowData, PayView,
    WatchKind,
};
use crate::portal::types::{
    Department, Obligation, PaymentIntent, PaymentState, Submission, Watchdog,
};

/// How often a pending payment's state is asked for.
pub const POLL_EVERY: Duration = Duration::from_secs(3);
/// How often the counter asks the printer how it is while the desk or service shows.
pub const STATUS_EVERY: Duration = Duration::from_secs(30);
/// "synchronizuji…" gives up after this long without news from the sync.
pub const SYNC_SHOWN_FOR: Duration = Duration::from_secs(60);
/// Slips of a staff session that can be printed again (the printer thread keeps as many).
pub const REPRINTS: u8 = 5;
/// The longest variable symbol (PAYMENTS.md: up to 10 digits).
pub const VS_MAX: usize = 10;

/// A user's intent in the citizen area, at the counter or on the contacts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AreaEvent {
    /// "Zaplatit" on one obligation.
    Pay(String),
    /// Select or deselect an obligation for paying together.
    ToggleSelect(String),
    PaySelected,
    /// After "expired" (or "failed"): a fresh payment for the same obligations.
    NewIntent,
    /// "Zkusit znovu" after a load failed.
    Retry,
    ToggleWatch(WatchKind),
    /// "Vytisknout platební údaje".
    PrintPayment,
    /// "Vytisknout potvrzení o zaplacení" (once paid).
    PrintProof,
    ClosePreview,
    /// Counter: a key of the variable-symbol pad (0–9).
    VsDigit(u8),
    VsErase,
    /// Counter: "Vyhledat".
    Search,
    /// Counter: "Vytisknout znovu".
    Reprint,
    /// Counter: "Zkušební tisk".
    TestPrint,
    /// Counter: print what waits for the printer.
    RetryWaiting,
    /// Counter: drop what waits for the printer.
    CancelWaiting,
    /// Counter: "Synchronizovat nyní".
    SyncNow,
    /// Counter: ask the printer how it is now.
    RefreshPrinter,
    /// Kontakty: a department from the list (an index).
    ChooseDepartment(usize),
    /// "Vytisknout kontakt".
    PrintDepartment,
}

/// What the printer thread reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrinterNews {
    /// The slip's picture is ready (it shows while the slip prints).
    Preview {
        kind: SlipKind,
    },
    Printed {
        kind: SlipKind,
        state: PrinterState,
    },
    /// Not printed: kept (anonymous) or held for this session (personal).
    NotPrinted {
        kind: SlipKind,
        state: Option<PrinterState>,
    },
    /// The slip could not be made (e.g. an invalid account).
    Invalid {
        kind: SlipKind,
    },
    /// The printer's state (None: no answer) and how many slips wait for it.
    Status {
        state: Option<PrinterState>,
        waiting: usize,
    },
}

/// What the core asks the printer thread to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrintOrder {
    /// The payment slip of the payment on screen (personal: memory only).
    Payment(PaymentSlipOrder),
    /// The proof of payment, once the backend reports it paid (personal).
    Proof(PaymentSlipOrder),
    /// A department's contact slip (anonymous: kept until printed).
    Contact(Box<Department>),
    /// A service's slip (anonymous: kept until printed).
    Service(Box<crate::portal::types::Service>),
    /// A notice of the úřední deska (anonymous: kept until printed).
    Notice(Box<crate::noticeboard::BoardNotice>),
    /// Where to vote: the district and the next election (anonymous: no address).
    PollingPlace(Box<super::PollingPlaceOrder>),
    /// Counter: the latest slip of this session again.
    Reprint,
    /// Counter: the printer's test page.
    TestPage,
    /// Counter: print what waits.
    Retry,
    /// Counter: drop what waits.
    Cancel,
    /// Ask the printer how it is.
    Status,
    /// The session ended: its unprinted slips are dropped.
    EndSession,
}

/// What a payment slip or proof needs: the intent and what it pays. Its `Debug`
/// shows nothing of it (personal).
#[derive(Clone, PartialEq, Eq)]
pub struct PaymentSlipOrder {
    pub intent: PaymentIntent,
    /// The backend's titles of what is paid ("…; …").
    pub title: String,
    /// The first obligation's period ("2026").
    pub period: String,
}

impl std::fmt::Debug for PaymentSlipOrder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PaymentSlipOrder(..)")
    }
}

/// Whether a screen's data has arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LoadState {
    #[default]
    Idle,
    Loading,
    Ready,
    Failed,
}

/// Where the payment on the Platba screen is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PayState {
    #[default]
    Preparing,
    Ready,
    Paid,
    Expired,
    Failed,
    NotPayable,
}

/// What became of the last slip asked for, in words the UI chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PrintStatus {
    /// Nothing asked.
    #[default]
    None,
    Printing,
    Printed,
    PaperEnd,
    CoverOpen,
    Offline,
    NoPrinter,
    Invalid,
}

/// The printer as staff see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrinterStatus {
    /// This kiosk has no printer.
    None,
    /// Asked, no answer yet.
    Asking,
    /// The printer did not answer a status query.
    NoAnswer,
    State(PrinterState),
}

/// The citizen area's screens, ready to show (formatted, nothing to compute).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AreaView {
    /// Bumped at every change: the glue redraws the area only when it moved.
    pub revision: u64,
    /// The day the view was made for: dates are said relative to it
    /// ("zítra", "před 2 dny").
    pub today: chrono::NaiveDate,
    pub load: LoadState,
    pub dashboard: Option<DashboardView>,
    pub to_pay: Vec<ObligationRowData>,
    pub paid: Vec<ObligationRowData>,
    pub selected_count: usize,
    pub selected_total: String,
    pub pay_title: String,
    pub pay_state: PayState,
    /// The intent on screen (its id changes when a new one is made).
    pub pay: Option<(String, PayView)>,
    pub submissions: Vec<Submission>,
    pub watchdog: Vec<(WatchKind, bool)>,
    pub watchdog_email: String,
    pub watchdog_saving: bool,
    pub print_status: PrintStatus,
    pub preview_visible: bool,
    /// Counter.
    pub desk: DeskView,
    /// Kontakty.
    pub departments: Vec<Department>,
    pub department: Option<Department>,
}

/// The counter's desk.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeskView {
    pub vs: String,
    pub lookup: LoadState,
    pub looked_up_vs: String,
    pub payer_name: String,
    pub paid_count: usize,
    pub printer: Option<PrinterStatus>,
    pub waiting_jobs: usize,
    pub sync_requested: bool,
    pub reprint_count: u8,
    pub print_status: PrintStatus,
}

/// The area's state (personal parts forgotten with every session).
#[derive(Debug, Default)]
pub(super) struct Area {
    revision: u64,
    load: LoadState,
    /// The request the screen's load waits for ("Zkusit znovu" repeats it).
    pending: Option<(AttemptId, CitizenRequest)>,
    dashboard: Option<DashboardView>,
    obligations: Vec<Obligation>,
    selected: BTreeSet<String>,
    pay_ids: Vec<String>,
    pay_title: String,
    pay_state: PayState,
    intent: Option<PaymentIntent>,
    pay_view: Option<(String, PayView)>,
    /// The payment being made, and the state poll in flight.
    payment_request: Option<AttemptId>,
    poll_request: Option<AttemptId>,
    last_poll: Option<Duration>,
    submissions: Vec<Submission>,
    watchdog: Option<Watchdog>,
    save_request: Option<AttemptId>,
    print_status: PrintStatus,
    preview_visible: bool,
    /// The print orders whose answers the screen waits for (the citizen's, the desk's).
    print_job: Option<AttemptId>,
    desk_job: Option<AttemptId>,
    /// A staff session's payment slips and proofs not yet reported (each counted
    /// once as a slip to reprint).
    session_slips: BTreeSet<AttemptId>,
    /// Whether "Synchronizovat nyní" has a sync runner to wake.
    sync_available: bool,
    // Counter.
    vs: String,
    lookup: LoadState,
    lookup_request: Option<AttemptId>,
    looked_up_vs: String,
    payer_name: String,
    reprints: u8,
    desk_print_status: PrintStatus,
    // The kiosk's, not the person's: kept across sessions.
    printer: Option<PrinterStatus>,
    waiting_jobs: usize,
    status_asked_at: Option<Duration>,
    sync_requested_at: Option<Duration>,
    departments: Vec<Department>,
    department: Option<String>,
}

impl Area {
    pub(super) fn new(has_printer: bool) -> Area {
        Area {
            // Above the glue's "nothing drawn yet" (0): the first view is drawn.
            revision: 1,
            printer: (!has_printer).then_some(PrinterStatus::None),
            ..Area::default()
        }
    }

    /// Forgets everything of the person; the kiosk's own state stays.
    pub(super) fn forget_user(&mut self) {
        let kept = Area {
            revision: self.revision + 1,
            printer: self.printer,
            waiting_jobs: self.waiting_jobs,
            status_asked_at: self.status_asked_at,
            sync_requested_at: self.sync_requested_at,
            sync_available: self.sync_available,
            departments: std::mem::take(&mut self.departments),
            department: self.department.take(),
            ..Area::default()
        };
        *self = kept;
    }

    fn changed(&mut self) {
        self.revision += 1;
    }

    pub(super) fn view(&self, today: chrono::NaiveDate) -> AreaView {
        let (to_pay, paid) = model::obligation_rows(&self.obligations, &self.selected, today);
        AreaView {
            revision: self.revision,
            today,
            load: self.load,
            dashboard: self.dashboard.clone(),
            to_pay,
            paid,
            selected_count: self.selected.len(),
            selected_total: model::selected_total(&self.obligations, &self.selected)
                .unwrap_or_default(),
            pay_title: self.pay_title.clone(),
            pay_state: self.pay_state,
            pay: self.pay_view.clone(),
            submissions: self.submissions.clone(),
            watchdog: self
                .watchdog
                .as_ref()
                .map(model::watchdog_rows)
                .unwrap_or_default(),
            watchdog_email: self
                .watchdog
                .as_ref()
                .map(|w| w.channels.email.clone())
                .unwrap_or_default(),
            watchdog_saving: self.save_request.is_some(),
            print_status: self.print_status,
            preview_visible: self.preview_visible,
            desk: DeskView {
                vs: self.vs.clone(),
                lookup: self.lookup,
                looked_up_vs: self.looked_up_vs.clone(),
                payer_name: self.payer_name.clone(),
                paid_count: self.obligations.iter().filter(|o| o.paid).count(),
                printer: self.printer,
                waiting_jobs: self.waiting_jobs,
                sync_requested: self.sync_requested_at.is_some(),
                reprint_count: self.reprints,
                print_status: self.desk_print_status,
            },
            departments: self.departments.clone(),
            department: self.department_shown().cloned(),
        }
    }

    pub(super) fn departments(&self) -> &[Department] {
        &self.departments
    }

    /// The nástěnka on screen, if loaded (the citizen's: gone with the session).
    pub(super) fn dashboard(&self) -> Option<&DashboardView> {
        self.dashboard.as_ref()
    }

    fn department_shown(&self) -> Option<&Department> {
        let id = self.department.as_ref()?;
        self.departments.iter().find(|d| &d.id == id)
    }

    pub(super) fn revision(&self) -> u64 {
        self.revision
    }

    pub(super) fn set_sync_available(&mut self, available: bool) {
        self.sync_available = available;
    }
}

impl Kiosk {
    pub(super) fn next_attempt(&mut self) -> AttemptId {
        self.attempts += 1;
        AttemptId(self.attempts)
    }

    /// A data request on behalf of the session on screen (None without one).
    fn fetch(&mut self, request: CitizenRequest) -> Option<(AttemptId, Command)> {
        let session = self.session.as_ref()?.id;
        let id = self.next_attempt();
        Some((
            id,
            Command::Fetch {
                id,
                session,
                request,
            },
        ))
    }

    /// A screen opened: what it loads.
    pub(super) fn screen_opened(&mut self, screen: Screen) -> Vec<Command> {
        let mut commands = Vec::new();
        if matches!(screen, Screen::Counter | Screen::Service) && self.has_staff_session() {
            commands.extend(self.ask_printer());
        }
        let request = match screen {
            Screen::Dashboard => CitizenRequest::Dashboard,
            Screen::Obligations => CitizenRequest::Obligations,
            Screen::Submissions => CitizenRequest::Submissions,
            Screen::Watchdog => CitizenRequest::Watchdog,
            // The payment screen is opened by "Zaplatit", which asked already.
            _ => return commands,
        };
        commands.extend(self.load(request));
        commands
    }

    fn load(&mut self, request: CitizenRequest) -> Vec<Command> {
        let Some((id, command)) = self.fetch(request.clone()) else {
            return Vec::new();
        };
        self.area.pending = Some((id, request));
        self.area.load = LoadState::Loading;
        self.area.changed();
        vec![command]
    }

    fn has_staff_session(&self) -> bool {
        self.session.as_ref().is_some_and(|s| s.staff)
    }

    /// Counter: how is the printer? (answered by `PrinterNews::Status`).
    fn ask_printer(&mut self) -> Vec<Command> {
        self.area.status_asked_at = Some(self.now);
        if self.area.printer == Some(PrinterStatus::None) {
            return Vec::new();
        }
        if self.area.printer.is_none() {
            self.area.printer = Some(PrinterStatus::Asking);
            self.area.changed();
        }
        let job = self.next_attempt();
        vec![Command::Print {
            job,
            order: PrintOrder::Status,
        }]
    }

    /// The clock moved on: polls and the counter's periodic questions.
    pub(super) fn area_tick(&mut self, now: Duration) -> Vec<Command> {
        let mut commands = Vec::new();
        if self.screen == Screen::Pay
            && self.area.poll_request.is_none()
            && let Some(intent) = &self.area.intent
            && intent.state == PaymentState::Pending
            && self
                .area
                .last_poll
                .is_none_or(|at| now.saturating_sub(at) >= POLL_EVERY)
        {
            let request = CitizenRequest::PaymentState(intent.id.clone());
            if let Some((id, command)) = self.fetch(request) {
                self.area.poll_request = Some(id);
                self.area.last_poll = Some(now);
                commands.push(command);
            }
        }
        if matches!(self.screen, Screen::Counter | Screen::Service)
            && self.has_staff_session()
            && self
                .area
                .status_asked_at
                .is_none_or(|at| now.saturating_sub(at) >= STATUS_EVERY)
        {
            commands.extend(self.ask_printer());
        }
        if self
            .area
            .sync_requested_at
            .is_some_and(|at| now.saturating_sub(at) >= SYNC_SHOWN_FOR)
        {
            self.area.sync_requested_at = None;
            self.area.changed();
        }
        commands
    }

    /// The sync engine reported (the data's age): "synchronizuji…" is over.
    pub(super) fn sync_reported(&mut self) -> Vec<Command> {
        if self.area.sync_requested_at.take().is_some() {
            self.area.changed();
        }
        Vec::new()
    }

    /// The town's departments arrived (public content); the one on screen stays
    /// while it is still there.
    pub(super) fn contacts(&mut self, departments: Vec<Department>) -> Vec<Command> {
        self.area.departments = departments;
        if self.area.department_shown().is_none() {
            self.area.department = None;
        }
        self.area.changed();
        Vec::new()
    }

    pub(super) fn area_event(&mut self, event: AreaEvent) -> Vec<Command> {
        use AreaEvent as E;
        let personal = !matches!(
            event,
            E::ChooseDepartment(_) | E::PrintDepartment | E::ClosePreview
        );
        if personal && self.session.is_none() {
            return Vec::new();
        }
        let staff_only = matches!(
            event,
            E::VsDigit(_)
                | E::VsErase
                | E::Search
                | E::Reprint
                | E::TestPrint
                | E::RetryWaiting
                | E::CancelWaiting
                | E::SyncNow
                | E::RefreshPrinter
        );
        if staff_only && !self.has_staff_session() {
            return Vec::new();
        }
        match event {
            E::Pay(id) => self.pay(vec![id], None),
            E::PaySelected => {
                let ids: Vec<String> = self.area.selected.iter().cloned().collect();
                self.pay(ids, None)
            }
            E::NewIntent => {
                let ids = self.area.pay_ids.clone();
                let title = self.area.pay_title.clone();
                self.pay(ids, Some(title))
            }
            E::ToggleSelect(id) => {
                if !self.area.selected.remove(&id) {
                    let payable = self
                        .area
                        .obligations
                        .iter()
                        .any(|o| o.id == id && !o.paid && model::check_obligation(o).is_ok());
                    if !payable {
                        return Vec::new();
                    }
                    self.area.selected.insert(id);
                }
                self.area.changed();
                Vec::new()
            }
            E::Retry => match self.area.pending.clone() {
                Some((_, request)) => self.load(request),
                None => Vec::new(),
            },
            E::ToggleWatch(kind) => {
                let Some(mut w) = self.area.watchdog.clone() else {
                    return Vec::new();
                };
                model::toggle_watch(&mut w, kind);
                self.area.watchdog = Some(w.clone());
                let Some((id, command)) = self.fetch(CitizenRequest::SaveWatchdog(w)) else {
                    return Vec::new();
                };
                self.area.save_request = Some(id);
                self.area.changed();
                vec![command]
            }
            E::PrintPayment => self.print_payment(false),
            E::PrintProof => self.print_payment(true),
            E::ClosePreview => {
                self.area.preview_visible = false;
                self.area.changed();
                Vec::new()
            }
            E::VsDigit(d) => {
                if d <= 9 && self.area.vs.len() < VS_MAX {
                    self.area.vs.push(char::from(b'0' + d));
                    self.area.changed();
                }
                Vec::new()
            }
            E::VsErase => {
                self.area.vs.pop();
                self.area.changed();
                Vec::new()
            }
            E::Search => self.search(),
            E::Reprint => self.print(PrintOrder::Reprint, true),
            E::TestPrint => self.print(PrintOrder::TestPage, true),
            E::RetryWaiting => self.print(PrintOrder::Retry, true),
            E::CancelWaiting => self.print(PrintOrder::Cancel, true),
            E::RefreshPrinter => self.ask_printer(),
            E::SyncNow => {
                if !self.area.sync_available {
                    return Vec::new();
                }
                self.area.sync_requested_at = Some(self.now);
                self.area.changed();
                vec![Command::SyncNow]
            }
            E::ChooseDepartment(index) => {
                let Some(d) = self.area.departments.get(index) else {
                    return Vec::new();
                };
                self.area.department = Some(d.id.clone());
                self.area.changed();
                self.handle_open(Screen::ContactDetail)
            }
            E::PrintDepartment => {
                let Some(d) = self.area.department_shown().cloned() else {
                    return Vec::new();
                };
                self.print_public(PrintOrder::Contact(Box::new(d)))
            }
        }
    }

    /// A public slip (a contact, a service): the preview shows, the slip goes to
    /// the printer, the outcome shows as for a payment slip.
    pub(super) fn print_public(&mut self, order: PrintOrder) -> Vec<Command> {
        self.area.preview_visible = true;
        self.print(order, false)
    }

    /// "Vytisknout platební údaje" (or, once paid, the proof of payment): the
    /// preview shows, the slip goes to the printer.
    fn print_payment(&mut self, proof: bool) -> Vec<Command> {
        let Some(order) = self.payment_slip_order(proof) else {
            self.set_print_status(PrintStatus::Invalid, false);
            return Vec::new();
        };
        self.area.preview_visible = true;
        let order = if proof {
            PrintOrder::Proof(order)
        } else {
            PrintOrder::Payment(order)
        };
        self.print(order, false)
    }

    /// A print order to the printer thread; the outcome shows on the citizen's
    /// screens (or, with `desk`, on the counter's).
    fn print(&mut self, order: PrintOrder, desk: bool) -> Vec<Command> {
        if self.area.printer == Some(PrinterStatus::None) {
            self.set_print_status(PrintStatus::NoPrinter, desk);
            // The slip is still shown as it would print: the details to copy.
            return match order {
                PrintOrder::Payment(_)
                | PrintOrder::Proof(_)
                | PrintOrder::Contact(_)
                | PrintOrder::Service(_)
                | PrintOrder::Notice(_)
                | PrintOrder::PollingPlace(_) => {
                    let job = self.next_attempt();
                    self.area.print_job = Some(job);
                    vec![Command::ClearSlipPicture, Command::Preview { job, order }]
                }
                _ => Vec::new(),
            };
        }
        let slip = matches!(
            order,
            PrintOrder::Payment(_)
                | PrintOrder::Proof(_)
                | PrintOrder::Contact(_)
                | PrintOrder::Service(_)
                | PrintOrder::Notice(_)
                | PrintOrder::PollingPlace(_)
                | PrintOrder::Reprint
                | PrintOrder::TestPage
        );
        let job = self.next_attempt();
        let mut commands = Vec::new();
        if slip {
            self.set_print_status(PrintStatus::Printing, desk);
            // Only this order's answers reach the screen.
            if desk {
                self.area.desk_job = Some(job);
            } else {
                self.area.print_job = Some(job);
                // The last slip's picture goes before this one's arrives.
                commands.push(Command::ClearSlipPicture);
            }
            if self.has_staff_session()
                && matches!(order, PrintOrder::Payment(_) | PrintOrder::Proof(_))
            {
                self.area.session_slips.insert(job);
            }
        } else if matches!(order, PrintOrder::Retry | PrintOrder::Cancel) {
            self.set_print_status(PrintStatus::None, true);
        }
        commands.push(Command::Print { job, order });
        commands
    }

    fn set_print_status(&mut self, status: PrintStatus, desk: bool) {
        if desk {
            self.area.desk_print_status = status;
        } else {
            self.area.print_status = status;
            // The counter prints the citizen's slips from the payment screen; its
            // status line says the same.
            if self.has_staff_session() {
                self.area.desk_print_status = status;
            }
        }
        self.area.changed();
    }

    fn payment_slip_order(&self, proof: bool) -> Option<PaymentSlipOrder> {
        let intent = self.area.intent.clone()?;
        if proof && intent.state != PaymentState::Paid {
            return None;
        }
        Some(PaymentSlipOrder {
            title: self.area.pay_title.clone(),
            period: self
                .area
                .obligations
                .iter()
                .find(|o| self.area.pay_ids.first() == Some(&o.id))
                .map(|o| o.period.clone())
                .unwrap_or_default(),
            intent,
        })
    }

    /// Pay these obligations: the payment screen shows "preparing" at once.
    fn pay(&mut self, ids: Vec<String>, title: Option<String>) -> Vec<Command> {
        if ids.is_empty() {
            return Vec::new();
        }
        let Some((id, command)) = self.fetch(CitizenRequest::CreatePayment(ids.clone())) else {
            return Vec::new();
        };
        let a = &mut self.area;
        a.pay_title = title.unwrap_or_else(|| pay_title(&a.obligations, &ids));
        a.pay_ids = ids;
        a.intent = None;
        a.pay_view = None;
        a.payment_request = Some(id);
        a.poll_request = None;
        a.last_poll = None;
        a.pay_state = PayState::Preparing;
        a.preview_visible = false;
        a.print_status = PrintStatus::None;
        a.load = LoadState::Ready;
        a.pending = None;
        a.changed();
        let mut commands = vec![command];
        if self.screen != Screen::Pay {
            commands.extend(self.handle_open(Screen::Pay));
        }
        commands
    }

    /// Counter: "Vyhledat" (or "Zkusit znovu"): the previous payer goes from the
    /// screen at once, the lookup shows progress.
    fn search(&mut self) -> Vec<Command> {
        if self.area.vs.is_empty() {
            return Vec::new();
        }
        let vs = self.area.vs.clone();
        let Some((id, command)) = self.fetch(CitizenRequest::Lookup(vs.clone())) else {
            return Vec::new();
        };
        let a = &mut self.area;
        a.obligations.clear();
        a.selected.clear();
        a.payer_name.clear();
        a.looked_up_vs = vs;
        a.lookup = LoadState::Loading;
        a.lookup_request = Some(id);
        a.changed();
        vec![command]
    }

    /// An answer from the backend. Applied only while its id is awaited.
    pub(super) fn data(&mut self, id: AttemptId, result: CitizenResult) -> Vec<Command> {
        if self.session.is_none() {
            return Vec::new();
        }
        let a = &mut self.area;
        let pending = a.pending.as_ref().is_some_and(|(p, _)| *p == id);
        let awaited = pending
            || a.payment_request == Some(id)
            || a.poll_request == Some(id)
            || a.save_request == Some(id)
            || a.lookup_request == Some(id);
        if !awaited {
            tracing::debug!(id = id.0, "an answer nobody waits for any more: dropped");
            return Vec::new();
        }
        a.changed();
        match result {
            CitizenResult::Dashboard(d) if pending => {
                a.dashboard = Some(model::dashboard_view(&d));
                a.load = LoadState::Ready;
            }
            CitizenResult::Obligations(list) if pending => {
                a.obligations = list;
                // A selection survives a reload only for what is still payable.
                let still: BTreeSet<String> = a
                    .obligations
                    .iter()
                    .filter(|o| !o.paid && a.selected.contains(&o.id))
                    .map(|o| o.id.clone())
                    .collect();
                a.selected = still;
                a.load = LoadState::Ready;
            }
            CitizenResult::Submissions(list) if pending => {
                let mut subs = list.submissions;
                // Open ones first, then by the latest activity.
                subs.sort_by_key(|x| (x.state == "closed", std::cmp::Reverse(x.last_activity_at)));
                a.submissions = subs;
                a.load = LoadState::Ready;
            }
            CitizenResult::Watchdog(w) if pending => {
                a.watchdog = Some(w);
                a.load = LoadState::Ready;
            }
            CitizenResult::WatchdogSaved(w) if a.save_request == Some(id) => {
                a.save_request = None;
                a.watchdog = Some(w);
            }
            CitizenResult::Payment(intent)
                if a.payment_request == Some(id) || a.poll_request == Some(id) =>
            {
                if a.payment_request == Some(id) {
                    a.payment_request = None;
                } else {
                    a.poll_request = None;
                }
                let view = model::pay_view(&intent);
                a.pay_state = match (intent.state, &view.qr) {
                    (PaymentState::Paid, _) => PayState::Paid,
                    (PaymentState::Expired, _) => PayState::Expired,
                    (PaymentState::Pending, Ok(_)) => PayState::Ready,
                    (PaymentState::Pending, Err(_)) => PayState::NotPayable,
                };
                a.pay_view = Some((intent.id.clone(), view));
                a.intent = Some(intent);
            }
            CitizenResult::Lookup { found, .. } if a.lookup_request == Some(id) => {
                a.lookup_request = None;
                a.obligations = found.obligations;
                a.selected.clear();
                a.payer_name = found.payer_name;
                a.lookup = LoadState::Ready;
            }
            CitizenResult::Failed {
                request,
                session_ended,
                refused,
            } => {
                if session_ended {
                    let now = self.now;
                    return self.end_session(now);
                }
                match request {
                    CitizenRequest::CreatePayment(_) => {
                        a.payment_request = None;
                        a.pay_state = if refused {
                            PayState::NotPayable
                        } else {
                            PayState::Failed
                        };
                    }
                    // A failed poll changes nothing: the next one may succeed.
                    CitizenRequest::PaymentState(_) => a.poll_request = None,
                    CitizenRequest::Lookup(_) => {
                        a.lookup_request = None;
                        a.lookup = LoadState::Failed;
                    }
                    CitizenRequest::SaveWatchdog(_) => {
                        a.save_request = None;
                        if self.screen == Screen::Watchdog {
                            // Show what the backend has, not what failed to save.
                            a.pending = Some((id, CitizenRequest::Watchdog));
                            a.load = LoadState::Failed;
                        } else {
                            // Another screen shows: the switches reload when opened.
                            a.watchdog = None;
                        }
                    }
                    _ => a.load = LoadState::Failed,
                }
            }
            other => {
                tracing::warn!(
                    answer = answer_name(&other),
                    "an answer that does not fit its request: dropped"
                );
            }
        }
        Vec::new()
    }

    /// What the printer thread reported. The printer's state is the kiosk's and
    /// always shown; what became of a slip only for the order the screen waits for.
    pub(super) fn printer_news(
        &mut self,
        job: Option<AttemptId>,
        news: PrinterNews,
    ) -> Vec<Command> {
        let citizens = job.is_some() && job == self.area.print_job;
        let desks = job.is_some() && job == self.area.desk_job;
        if let PrinterNews::Preview { .. } = news {
            return if citizens && self.area.preview_visible {
                vec![Command::ShowSlipPicture]
            } else {
                Vec::new()
            };
        }
        let state = match &news {
            PrinterNews::Printed { state, .. } => Some(Some(*state)),
            PrinterNews::NotPrinted { state, .. } | PrinterNews::Status { state, .. } => {
                Some(*state)
            }
            PrinterNews::Invalid { .. } | PrinterNews::Preview { .. } => None,
        };
        if let Some(state) = state
            && self.area.printer != Some(PrinterStatus::None)
        {
            self.area.printer = Some(state.map_or(PrinterStatus::NoAnswer, PrinterStatus::State));
        }
        self.area.changed();
        if let PrinterNews::Status { waiting, .. } = news {
            self.area.waiting_jobs = waiting;
            return Vec::new();
        }
        let (kind, status) = match news {
            PrinterNews::Printed { kind, .. } => (kind, PrintStatus::Printed),
            PrinterNews::NotPrinted { kind, state } => (
                kind,
                match state {
                    Some(PrinterState::PaperEnd) => PrintStatus::PaperEnd,
                    Some(PrinterState::CoverOpen) => PrintStatus::CoverOpen,
                    _ => PrintStatus::Offline,
                },
            ),
            PrinterNews::Invalid { kind } => (kind, PrintStatus::Invalid),
            PrinterNews::Status { .. } | PrinterNews::Preview { .. } => return Vec::new(),
        };
        if citizens || desks {
            self.set_print_status(status, desks);
        }
        if citizens && status == PrintStatus::Invalid {
            // Nothing to show: no picture of this slip will come.
            self.area.preview_visible = false;
        }
        // A slip of this staff session (not a reprint or a test page) can be
        // printed again until the session ends.
        let of_this_session = job.is_some_and(|j| self.area.session_slips.remove(&j));
        if of_this_session
            && matches!(kind, SlipKind::Payment | SlipKind::Proof)
            && status != PrintStatus::Invalid
        {
            self.area.reprints = (self.area.reprints + 1).min(REPRINTS);
        }
        // What waits may have changed: the desk and service screens show it.
        if matches!(self.screen, Screen::Counter | Screen::Service) && self.has_staff_session() {
            return self.ask_printer();
        }
        Vec::new()
    }
}

/// What is being paid, in the backend's own words: the titles, at most three.
fn pay_title(obligations: &[Obligation], ids: &[String]) -> String {
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

fn answer_name(result: &CitizenResult) -> &'static str {
    match result {
        CitizenResult::Dashboard(_) => "dashboard",
        CitizenResult::Obligations(_) => "obligations",
        CitizenResult::Submissions(_) => "submissions",
        CitizenResult::Watchdog(_) => "watchdog",
        CitizenResult::WatchdogSaved(_) => "watchdog-saved",
        CitizenResult::Payment(_) => "payment",
        CitizenResult::Lookup { .. } => "lookup",
        CitizenResult::Failed { .. } => "failed",
    }
}
