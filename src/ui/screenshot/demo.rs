//! The screenshots' demo content, made the way the kiosk makes it: a real flow
//! core fed with the demo citizen's backend answers (from the development
//! portal's seed), so every screen shows what the core would show.

use crate::citizen::{CitizenRequest, CitizenResult};
use crate::config::Mode;
use crate::devportal::Seed;
use crate::i18n::Language;
use crate::kiosk::{
    AreaEvent, AreaView, CardEvent, CardKind, Command, EObcanka, Kiosk, KioskEvent, KioskSettings,
    LoginOutcome, PinState, PrintOrder, Screen, SessionTimes, StaffOutcome,
};

/// A demo kiosk core: a kiosk at time zero with the seed's departments.
fn demo_core(mode: Mode, seed: &Seed) -> Kiosk {
    let settings = KioskSettings {
        mode,
        idle_timeout: std::time::Duration::from_secs(90),
        default_language: Language::Cs,
        languages: Language::ALL.to_vec(),
        session: SessionTimes::default(),
    };
    let (mut core, _) = Kiosk::new(settings, std::time::Duration::ZERO);
    if let Ok(directory) =
        serde_json::from_str::<crate::portal::types::ContactDirectory>(&seed.contacts)
    {
        // The longest department is chosen: what must fit on the screen.
        let longest = directory
            .departments
            .iter()
            .enumerate()
            .max_by_key(|(_, d)| d.office_hours.len() + d.people.len())
            .map(|(i, _)| i);
        feed(&mut core, KioskEvent::Contacts(directory.departments), &[]);
        if let Some(i) = longest {
            feed(&mut core, KioskEvent::Touch, &[]);
            feed(
                &mut core,
                KioskEvent::Area(AreaEvent::ChooseDepartment(i)),
                &[],
            );
        }
    }
    core
}

/// Feeds an event; the data requests it makes are answered from `answers` (by
/// what they ask for). Returns the print orders it made.
fn feed(core: &mut Kiosk, event: KioskEvent, answers: &[CitizenResult]) -> Vec<PrintOrder> {
    let mut queue = vec![event];
    let mut orders = Vec::new();
    while let Some(event) = queue.pop() {
        for command in core.handle(event, std::time::Duration::ZERO) {
            match command {
                Command::Fetch { id, request, .. } => {
                    let answer = answers.iter().find(|a| {
                        matches!(
                            (&request, a),
                            (CitizenRequest::Dashboard, CitizenResult::Dashboard(_))
                                | (CitizenRequest::Obligations, CitizenResult::Obligations(_))
                                | (CitizenRequest::Submissions, CitizenResult::Submissions(_))
                                | (CitizenRequest::Watchdog, CitizenResult::Watchdog(_))
                                | (CitizenRequest::CreatePayment(_), CitizenResult::Payment(_))
                                | (CitizenRequest::Lookup(_), CitizenResult::Lookup { .. })
                        )
                    });
                    if let Some(result) = answer.cloned() {
                        queue.push(KioskEvent::Data { id, result });
                    }
                }
                Command::Authenticate { attempt, .. } => queue.push(KioskEvent::LoginResult {
                    attempt,
                    outcome: LoginOutcome::LoggedIn {
                        first_name: "Jana".into(),
                    },
                }),
                Command::StaffAuthenticate { attempt, .. } => queue.push(KioskEvent::StaffResult {
                    attempt,
                    outcome: StaffOutcome::LoggedIn {
                        name: "Eva Dvořáková".into(),
                    },
                }),
                Command::Print { order, .. } => orders.push(order),
                _ => {}
            }
        }
    }
    orders
}

/// Jana logged in through the core, each of her screens loaded, her first unpaid
/// obligation being paid; and the payment slip's print order.
pub(super) fn demo_citizen_area(seed: &Seed) -> (AreaView, Option<PrintOrder>) {
    let answers = demo_citizen_results(seed);
    let mut core = demo_core(Mode::Kiosk, seed);
    let card = EObcanka {
        document_number: "000000000".into(),
        iok: PinState {
            active: true,
            blocked: false,
            tries_left: 3,
            max_tries: 3,
        },
        short_certificate: Vec::new(),
        long_certificate: None,
    };
    let card = KioskEvent::Card(CardEvent::Read(CardKind::EObcanka(Box::new(card))));
    feed(&mut core, card, &answers);
    for _ in 0..4 {
        feed(&mut core, KioskEvent::PinDigit(1), &answers);
    }
    feed(&mut core, KioskEvent::PinConfirm, &answers);
    for screen in [Screen::Submissions, Screen::Watchdog, Screen::Obligations] {
        feed(&mut core, KioskEvent::Open(screen), &answers);
    }
    let first_unpaid = core.area().to_pay.first().map(|r| r.id.clone());
    if let Some(id) = first_unpaid {
        feed(&mut core, KioskEvent::Area(AreaEvent::Pay(id)), &answers);
    }
    let order = feed(
        &mut core,
        KioskEvent::Area(AreaEvent::PrintPayment),
        &answers,
    )
    .into_iter()
    .next();
    let mut area = core.area();
    area.preview_visible = false;
    area.print_status = crate::kiosk::PrintStatus::None;
    (area, order)
}

/// The counter: Eva Dvořáková at the counter has looked up Jana's waste fee by its variable symbol.
pub(super) fn demo_desk(seed: &Seed) -> AreaView {
    let mut core = demo_core(Mode::Counter, seed);
    let Some((vs, found)) = demo_lookup(seed) else {
        return core.area();
    };
    let answers = [CitizenResult::Lookup {
        vs: vs.clone(),
        found,
    }];
    feed(&mut core, KioskEvent::Touch, &answers);
    for _ in 0..6 {
        feed(&mut core, KioskEvent::StaffDigit(1), &answers);
    }
    feed(&mut core, KioskEvent::StaffConfirm, &answers);
    for d in vs.bytes() {
        feed(
            &mut core,
            KioskEvent::Area(AreaEvent::VsDigit(d - b'0')),
            &answers,
        );
    }
    feed(&mut core, KioskEvent::Area(AreaEvent::Search), &answers);
    core.area()
}

/// What the counter finds for the variable symbol of Jana's first unpaid obligation.
fn demo_lookup(seed: &Seed) -> Option<(String, crate::portal::types::StaffLookup)> {
    use crate::portal::types::*;
    let text: &str = &seed.citizens;
    let doc = serde_json::from_str::<serde_json::Value>(text).ok()?;
    let jana = &doc["citizens"][0];
    let obligations: Vec<Obligation> = serde_json::from_value(jana["obligations"].clone()).ok()?;
    let vs = obligations
        .iter()
        .find(|o| !o.paid)?
        .variable_symbol
        .clone();
    let found = StaffLookup {
        obligations: obligations
            .into_iter()
            .filter(|o| o.variable_symbol == vs)
            .collect(),
        payer_name: format!(
            "{} {}",
            jana["firstName"].as_str().unwrap_or_default(),
            jana["lastName"].as_str().unwrap_or_default()
        ),
    };
    Some((vs, found))
}

/// Jana's data as the backend would send it (from `assets/seed/citizens.json`).
fn demo_citizen_results(seed: &Seed) -> Vec<crate::citizen::CitizenResult> {
    use crate::citizen::CitizenResult as R;
    use crate::portal::types::*;
    let text: &str = &seed.citizens;
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    let jana = &doc["citizens"][0];
    let obligations: Vec<Obligation> =
        serde_json::from_value(jana["obligations"].clone()).unwrap_or_default();
    let today = chrono::Local::now().date_naive();
    let unpaid: Vec<&Obligation> = obligations.iter().filter(|o| !o.paid).collect();
    let total: u64 = unpaid
        .iter()
        .filter_map(|o| crate::payment::Amount::parse(&o.amount_czk).ok())
        .map(|a| a.hellers())
        .sum();
    let submissions: Vec<Submission> =
        serde_json::from_value(jana["submissions"].clone()).unwrap_or_default();
    let notices: Vec<Notice> = serde_json::from_value(jana["notices"].clone()).unwrap_or_default();
    let dashboard = MeDashboard {
        unpaid_count: unpaid.len() as u32,
        unpaid_total_czk: format!("{}.{:02}", total / 100, total % 100),
        overdue_count: unpaid.iter().filter(|o| o.due_date < today).count() as u32,
        nearest_due_date: unpaid.iter().map(|o| o.due_date).min(),
        open_submissions: submissions.iter().filter(|s| s.state != "closed").count() as u32,
        notices,
        next_election: next_election(seed, jana, today),
    };
    let mut results = vec![
        R::Dashboard(dashboard),
        R::Submissions(SubmissionList { submissions }),
    ];
    if let Ok(w) = serde_json::from_value::<Watchdog>(jana["watchdog"].clone()) {
        results.push(R::Watchdog(w));
    }
    if let Some(o) = unpaid.first() {
        results.push(R::Payment(PaymentIntent {
            id: "demo".into(),
            state: PaymentState::Pending,
            account_iban: o.account_iban.clone(),
            amount_czk: o.amount_czk.clone(),
            variable_symbol: o.variable_symbol.clone(),
            specific_symbol: o.specific_symbol.clone(),
            constant_symbol: o.constant_symbol.clone(),
            message: crate::payment::simplify_message(&o.title),
            gateway_url: Some("https://platby.example/demo".into()),
            expires_at: chrono::Utc::now(),
            paid_on: None,
        }));
    }
    results.push(R::Obligations(obligations));
    results
}

/// The citizen's next election and polling place, from the seed's elections
/// and her district (as the backend answers in the nástěnka).
fn next_election(
    seed: &Seed,
    citizen: &serde_json::Value,
    today: chrono::NaiveDate,
) -> Option<crate::portal::types::NextElection> {
    let info: crate::portal::types::ElectionInfo = serde_json::from_str(&seed.elections).ok()?;
    let number = u32::try_from(citizen["pollingDistrict"].as_u64()?).ok()?;
    let district = info.districts.iter().find(|d| d.number == number)?;
    let (date, election) = info
        .elections
        .iter()
        .filter_map(|e| e.days.iter().find(|d| **d >= today).map(|d| (*d, e)))
        .min_by_key(|(d, _)| *d)?;
    Some(crate::portal::types::NextElection {
        title: election.title.clone(),
        date,
        district: number,
        place: district.place.clone(),
        address: district.address.clone(),
    })
}

/// The services' and the contacts search's screens with the seed catalogue, as
/// the core shows them: browsing by category and by department, a category's
/// list, a detail with forms (and its "Objednat se"), searches typed on the
/// keyboard (found, nothing typed, nothing found) and a contacts search. The
/// searches run in a real store in a temporary directory.
pub fn demo_services(
    seed: &Seed,
) -> Vec<(String, crate::kiosk::Screen, crate::kiosk::ServicesView)> {
    use crate::kiosk::{SearchQuery, ServicesEvent, TextEdit};
    use crate::portal::types::{ContactDirectory, ServiceCatalogue};
    use crate::services::Browse;
    let (services, contacts): (&str, &str) = (&seed.services, &seed.contacts);
    let (Ok(catalogue), Ok(directory)) = (
        serde_json::from_str::<ServiceCatalogue>(services),
        serde_json::from_str::<ContactDirectory>(contacts),
    ) else {
        return Vec::new();
    };
    let Ok(dir) = tempfile::tempdir() else {
        return Vec::new();
    };
    let Ok(mut store) = crate::store::Store::open_in(dir.path()) else {
        return Vec::new();
    };
    let now = chrono::Utc::now();
    if store.replace(&directory, "seed", now).is_err()
        || store.replace(&catalogue, "seed", now).is_err()
    {
        return Vec::new();
    }
    let mut core = demo_core(Mode::Kiosk, seed);
    let today = chrono::Local::now().date_naive();
    let mut shots = Vec::new();
    let run = |core: &mut Kiosk, event: KioskEvent| {
        let mut queue = vec![event];
        while let Some(event) = queue.pop() {
            for command in core.handle(event, std::time::Duration::ZERO) {
                if let Command::Search { id, query } = command {
                    let answer = match query {
                        SearchQuery::Services(q) => crate::kiosk::SearchAnswer::Services(
                            store.search_service_ids(&q).unwrap_or_default(),
                        ),
                        SearchQuery::Contacts(q) => crate::kiosk::SearchAnswer::Contacts(
                            store
                                .search_contacts(&q)
                                .unwrap_or_default()
                                .into_iter()
                                .map(|h| crate::kiosk::ContactMatch {
                                    department_id: h.department_id,
                                    person: h.person,
                                })
                                .collect(),
                        ),
                    };
                    queue.push(KioskEvent::SearchResult { id, answer });
                }
            }
        }
    };
    run(
        &mut core,
        KioskEvent::Catalogue(std::sync::Arc::new(catalogue.services.clone())),
    );
    run(&mut core, KioskEvent::Open(Screen::Services));
    shots.push(("services".into(), Screen::Services, core.services(today)));
    run(
        &mut core,
        KioskEvent::Services(ServicesEvent::Browse(Browse::Departments)),
    );
    shots.push((
        "services-departments".into(),
        Screen::Services,
        core.services(today),
    ));
    run(
        &mut core,
        KioskEvent::Services(ServicesEvent::Browse(Browse::Categories)),
    );
    run(&mut core, KioskEvent::Services(ServicesEvent::OpenGroup(0)));
    shots.push((
        "service-list".into(),
        Screen::ServiceList,
        core.services(today),
    ));
    // A service with forms (one by datová schránka) and a reservation.
    let detailed = catalogue
        .services
        .iter()
        .filter(|s| s.reservation_url.is_some())
        .max_by_key(|s| s.forms.len())
        .map(|s| s.id.clone())
        .unwrap_or_default();
    run(
        &mut core,
        KioskEvent::Services(ServicesEvent::OpenService(detailed)),
    );
    shots.push((
        "service-detail".into(),
        Screen::ServiceDetail,
        core.services(today),
    ));
    run(
        &mut core,
        KioskEvent::Services(ServicesEvent::ShowReservation(true)),
    );
    shots.push((
        "service-detail-reservation".into(),
        Screen::ServiceDetail,
        core.services(today),
    ));
    run(&mut core, KioskEvent::Services(ServicesEvent::Search));
    shots.push((
        "service-search-empty".into(),
        Screen::ServiceSearch,
        core.services(today),
    ));
    run(
        &mut core,
        KioskEvent::Text(TextEdit::Insert("přihlášení".into())),
    );
    shots.push((
        "service-search".into(),
        Screen::ServiceSearch,
        core.services(today),
    ));
    run(&mut core, KioskEvent::Text(TextEdit::Clear));
    run(&mut core, KioskEvent::Text(TextEdit::Insert("xqzw".into())));
    shots.push((
        "service-search-none".into(),
        Screen::ServiceSearch,
        core.services(today),
    ));
    run(&mut core, KioskEvent::Open(Screen::Contacts));
    run(
        &mut core,
        KioskEvent::Services(ServicesEvent::SearchContacts),
    );
    run(
        &mut core,
        KioskEvent::Text(TextEdit::Insert("pokorna".into())),
    );
    shots.push((
        "contact-search".into(),
        Screen::ContactSearch,
        core.services(today),
    ));
    shots
}

/// The day the board's and the elections' screenshots show: the seed's board
/// and elections are written around it.
fn demo_day() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 12, 5).unwrap_or_default()
}

/// The úřední deska with the seed's OFN board as the core lists it on the
/// demo day (all, one agenda, the agendas), two notices opened (one with
/// three documents, one whose document link is plain http: no QR code), and
/// the demo citizen's first nástěnka notice in full.
pub fn demo_board(area: &AreaView, seed: &Seed) -> Vec<(String, Screen, crate::kiosk::BoardView)> {
    use crate::kiosk::{BoardEvent, DashboardNotice, NoticeDetail};
    let text: &str = &seed.notice_board;
    let Ok(board) = crate::noticeboard::read_board(text.as_bytes(), 1 << 20) else {
        return Vec::new();
    };
    let mut core = demo_core(Mode::Kiosk, seed);
    let day = demo_day();
    feed(
        &mut core,
        KioskEvent::NoticeBoard(std::sync::Arc::new(board.notices.clone())),
        &[],
    );
    let mut shots = vec![("board".to_string(), Screen::Board, core.board(day))];
    shots.push((
        "board-agendas".to_string(),
        Screen::BoardAgendas,
        core.board(day),
    ));
    // The core picks the agenda from the list it shows today.
    if let Some(i) = core
        .board(chrono::Local::now().date_naive())
        .agendas
        .iter()
        .position(|(a, _)| a == "Územní plánování")
    {
        feed(
            &mut core,
            KioskEvent::Board(BoardEvent::Agenda(Some(i))),
            &[],
        );
        shots.push(("board-agenda".to_string(), Screen::Board, core.board(day)));
    }
    let detail = |pick: &dyn Fn(&crate::noticeboard::BoardNotice) -> bool| {
        board
            .notices
            .iter()
            .find(|n| pick(n))
            .map(|n| NoticeDetail {
                posted: n.posted.day(),
                until: n.until.last_day(),
                expired: n.status(day) == crate::noticeboard::NoticeStatus::Expired,
                notice: n.clone(),
            })
    };
    let list = core.board(day);
    for (name, notice) in [
        (
            "board-notice",
            detail(&|n| n.documents.len() == 3 && !n.text.is_empty()),
        ),
        (
            "board-notice-no-qr",
            detail(&|n| n.documents.iter().any(|d| !d.qr)),
        ),
    ] {
        if notice.is_some() {
            shots.push((
                name.to_string(),
                Screen::BoardNotice,
                crate::kiosk::BoardView {
                    notice,
                    ..list.clone()
                },
            ));
        }
    }
    if let Some(dashboard) = &area.dashboard
        && let Some((title, text, date)) = dashboard.notices.first()
    {
        shots.push((
            "dashboard-notice".to_string(),
            Screen::DashboardNotice,
            crate::kiosk::BoardView {
                dashboard_notice: Some(DashboardNotice {
                    title: title.clone(),
                    text: text.clone(),
                    date: date.clone(),
                    position: 1,
                    count: dashboard.notices.len(),
                }),
                ..list.clone()
            },
        ));
    }
    shots
}

/// Volby and "Kde volím?" with the seed's elections as the core shows them on
/// the demo day: the elections ahead (and, a day after them all, the last
/// one), suggestions for "dl", the closest names for a misspelt street, the
/// house number of a split street (and one outside every range), and the
/// polling place found.
pub fn demo_voting(seed: &Seed) -> Vec<(String, Screen, crate::kiosk::VotingView)> {
    use crate::kiosk::{TextEdit, VotingEvent};
    let text: &str = &seed.elections;
    let Ok(info) = serde_json::from_str::<crate::portal::types::ElectionInfo>(text) else {
        return Vec::new();
    };
    let mut core = demo_core(Mode::Kiosk, seed);
    let day = demo_day();
    feed(&mut core, KioskEvent::Touch, &[]);
    feed(
        &mut core,
        KioskEvent::Elections(std::sync::Arc::new(info)),
        &[],
    );
    feed(&mut core, KioskEvent::Open(Screen::Elections), &[]);
    let mut shots = vec![("elections".to_string(), Screen::Elections, core.voting(day))];
    let after_all = chrono::NaiveDate::from_ymd_opt(2029, 1, 10).unwrap_or(day);
    shots.push((
        "elections-none-ahead".to_string(),
        Screen::Elections,
        core.voting(after_all),
    ));
    feed(&mut core, KioskEvent::Voting(VotingEvent::Start), &[]);
    shots.push((
        "where-to-vote".to_string(),
        Screen::WhereToVote,
        core.voting(day),
    ));
    let typed = |core: &mut Kiosk, text: &str| {
        feed(core, KioskEvent::Text(TextEdit::Clear), &[]);
        feed(core, KioskEvent::Text(TextEdit::Insert(text.into())), &[]);
    };
    typed(&mut core, "Masarikova");
    shots.push((
        "where-to-vote-unknown".to_string(),
        Screen::WhereToVote,
        core.voting(day),
    ));
    typed(&mut core, "dl");
    shots.push((
        "where-to-vote-suggestions".to_string(),
        Screen::WhereToVote,
        core.voting(day),
    ));
    let choose = |core: &mut Kiosk, street: &str| {
        if let Some(i) = core
            .voting(day)
            .suggestions
            .iter()
            .position(|s| s == street)
        {
            feed(core, KioskEvent::Voting(VotingEvent::ChooseStreet(i)), &[]);
        }
    };
    typed(&mut core, "masaryk");
    choose(&mut core, "Masarykova");
    for d in [3, 0, 1] {
        feed(&mut core, KioskEvent::Voting(VotingEvent::Digit(d)), &[]);
    }
    feed(&mut core, KioskEvent::Voting(VotingEvent::Find), &[]);
    shots.push((
        "house-number-outside".to_string(),
        Screen::HouseNumber,
        core.voting(day),
    ));
    feed(&mut core, KioskEvent::Back, &[]);
    typed(&mut core, "dlouha");
    choose(&mut core, "Dlouhá");
    for d in [1, 2] {
        feed(&mut core, KioskEvent::Voting(VotingEvent::Digit(d)), &[]);
    }
    shots.push((
        "house-number".to_string(),
        Screen::HouseNumber,
        core.voting(day),
    ));
    feed(&mut core, KioskEvent::Voting(VotingEvent::Find), &[]);
    shots.push((
        "polling-place".to_string(),
        Screen::PollingPlace,
        core.voting(day),
    ));
    shots
}
