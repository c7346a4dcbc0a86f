//! The úřední deska and the nástěnka's notices, as part of the flow core:
//! what is posted on a day (newest first), the agenda filter, the notice
//! opened and its slip; and a notice of the logged-in citizen's nástěnka read
//! in full on its own screen.
//!
//! The board is public content (synced); which notice is open is forgotten at
//! rest. A nástěnka notice is the citizen's: only its place in the nástěnka is
//! kept here, and it is forgotten with the session.

use std::sync::Arc;

use chrono::NaiveDate;

use super::{Command, Kiosk, PrintOrder, Screen};
use crate::noticeboard::{BoardNotice, NoticeStatus};

/// A touch on the board's screens or on a nástěnka notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BoardEvent {
    /// "Oblast: …": the list of agendas.
    ChooseAgendas,
    /// An agenda from that list (an index), or None for every notice.
    Agenda(Option<usize>),
    /// A notice from the list shown (an index).
    OpenNotice(usize),
    /// "Vytisknout" on a notice.
    Print,
    /// A notice of the nástěnka (an index, newest first).
    OpenDashboardNotice(usize),
    /// "Předchozí" / "Další" on a nástěnka notice.
    DashboardNoticeStep(i8),
}

/// One row of the board's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeItem {
    pub id: String,
    pub title: String,
    pub posted: Option<NaiveDate>,
    /// None: it hangs permanently.
    pub until: Option<NaiveDate>,
    pub agendas: String,
    pub documents: usize,
}

/// A notice opened, ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeDetail {
    pub notice: BoardNotice,
    pub posted: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    /// Taken down since it was opened (its last day passed): said on screen.
    pub expired: bool,
}

/// A nástěnka notice in full.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DashboardNotice {
    pub title: String,
    pub text: String,
    pub date: String,
    /// 1-based place among the nástěnka's notices, and how many there are.
    pub position: usize,
    pub count: usize,
}

/// What the board's screens show on a day.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BoardView {
    pub revision: u64,
    /// Whether any board was synced at all (none: the town hall's number is shown).
    pub synced: bool,
    /// What is posted, filtered by the agenda, newest first.
    pub notices: Vec<NoticeItem>,
    /// Everything posted, whatever the filter.
    pub total: usize,
    /// The agendas of what is posted, with their counts.
    pub agendas: Vec<(String, usize)>,
    pub agenda: Option<String>,
    pub notice: Option<NoticeDetail>,
    pub dashboard_notice: Option<DashboardNotice>,
}

/// The core's state of the board.
#[derive(Debug)]
pub(super) struct Board {
    revision: u64,
    /// None until a board arrives from the store.
    notices: Option<Arc<Vec<BoardNotice>>>,
    agenda: Option<String>,
    open: Option<String>,
    dashboard_notice: Option<usize>,
}

impl Default for Board {
    fn default() -> Board {
        Board {
            // Above the glue's "nothing drawn yet" (0).
            revision: 1,
            notices: None,
            agenda: None,
            open: None,
            dashboard_notice: None,
        }
    }
}

impl Board {
    fn changed(&mut self) {
        self.revision += 1;
    }

    /// Nothing chosen or opened (the board stays: it is the town's).
    pub(super) fn forget_user(&mut self) {
        let notices = self.notices.take();
        *self = Board {
            revision: self.revision + 1,
            notices,
            ..Board::default()
        };
    }

    pub(super) fn revision(&self) -> u64 {
        self.revision
    }

    fn all(&self) -> &[BoardNotice] {
        self.notices.as_deref().map_or(&[], Vec::as_slice)
    }

    /// What is posted on `today`, of the chosen agenda, newest first.
    fn current(&self, today: NaiveDate) -> Vec<&BoardNotice> {
        let mut list: Vec<&BoardNotice> = self
            .all()
            .iter()
            .filter(|n| n.is_current(today))
            .filter(|n| {
                self.agenda
                    .as_ref()
                    .is_none_or(|a| n.agendas.iter().any(|x| x == a))
            })
            .collect();
        crate::noticeboard::sort_newest_first(&mut list);
        list
    }

    fn agendas(&self, today: NaiveDate) -> Vec<(String, usize)> {
        let posted: Vec<&BoardNotice> = self.all().iter().filter(|n| n.is_current(today)).collect();
        crate::noticeboard::agendas_of(posted.iter().copied())
            .into_iter()
            .map(|a| {
                let count = posted.iter().filter(|n| n.agendas.contains(&a)).count();
                (a, count)
            })
            .collect()
    }
}

fn item(n: &BoardNotice) -> NoticeItem {
    NoticeItem {
        id: n.id.clone(),
        title: n.title.clone(),
        posted: n.posted.day(),
        until: n.until.last_day(),
        agendas: n.agendas.join(", "),
        documents: n.documents.len(),
    }
}

impl Kiosk {
    /// A board arrived from the store (the same one again changes nothing).
    pub(super) fn notice_board(&mut self, notices: Arc<Vec<BoardNotice>>) -> Vec<Command> {
        let b = &mut self.board;
        if b.notices
            .as_ref()
            .is_some_and(|n| Arc::ptr_eq(n, &notices) || **n == *notices)
        {
            return Vec::new();
        }
        b.notices = Some(notices);
        // An agenda nobody posts in any more is no filter.
        if let Some(a) = &b.agenda
            && !b.all().iter().any(|n| n.agendas.contains(a))
        {
            b.agenda = None;
        }
        b.changed();
        Vec::new()
    }

    /// The kiosk's day (the list a touch picks from is the one shown today).
    pub(super) fn today(&self) -> NaiveDate {
        chrono::Local::now().date_naive()
    }

    pub(super) fn board_event(&mut self, event: BoardEvent) -> Vec<Command> {
        let today = self.today();
        match event {
            BoardEvent::ChooseAgendas => self.handle_open(Screen::BoardAgendas),
            BoardEvent::Agenda(index) => {
                let agenda = match index {
                    None => None,
                    Some(i) => match self.board.agendas(today).get(i) {
                        Some((a, _)) => Some(a.clone()),
                        None => return Vec::new(),
                    },
                };
                self.board.agenda = agenda;
                self.board.changed();
                if self.screen == Screen::BoardAgendas {
                    // Back to the list it was chosen for.
                    let now = self.now;
                    return self.handle(super::KioskEvent::Back, now);
                }
                Vec::new()
            }
            BoardEvent::OpenNotice(index) => {
                let Some(id) = self.board.current(today).get(index).map(|n| n.id.clone()) else {
                    return Vec::new();
                };
                self.board.open = Some(id);
                self.board.changed();
                self.handle_open(Screen::BoardNotice)
            }
            BoardEvent::Print => {
                let Some(notice) = self.open_notice().cloned() else {
                    return Vec::new();
                };
                self.print_public(PrintOrder::Notice(Box::new(notice)))
            }
            BoardEvent::OpenDashboardNotice(index) => {
                let count = self.area.dashboard().map_or(0, |d| d.notices.len());
                if index >= count {
                    return Vec::new();
                }
                self.board.dashboard_notice = Some(index);
                self.board.changed();
                self.handle_open(Screen::DashboardNotice)
            }
            BoardEvent::DashboardNoticeStep(step) => {
                let count = self.area.dashboard().map_or(0, |d| d.notices.len());
                let Some(at) = self.board.dashboard_notice else {
                    return Vec::new();
                };
                let next = at as i64 + i64::from(step);
                if (0..count as i64).contains(&next) {
                    self.board.dashboard_notice = Some(next as usize);
                    self.board.changed();
                }
                Vec::new()
            }
        }
    }

    fn open_notice(&self) -> Option<&BoardNotice> {
        let id = self.board.open.as_ref()?;
        self.board.all().iter().find(|n| &n.id == id)
    }

    /// The board's view on `today`.
    pub fn board(&self, today: NaiveDate) -> BoardView {
        let b = &self.board;
        let current = b.current(today);
        let total = b.all().iter().filter(|n| n.is_current(today)).count();
        let notice = self.open_notice().map(|n| NoticeDetail {
            posted: n.posted.day(),
            until: n.until.last_day(),
            expired: n.status(today) == NoticeStatus::Expired,
            notice: n.clone(),
        });
        let dashboard_notice = b.dashboard_notice.and_then(|i| {
            let notices = &self.area.dashboard()?.notices;
            let (title, text, date) = notices.get(i)?;
            Some(DashboardNotice {
                title: title.clone(),
                text: text.clone(),
                date: date.clone(),
                position: i + 1,
                count: notices.len(),
            })
        });
        BoardView {
            revision: b.revision,
            synced: b.notices.is_some(),
            notices: current.into_iter().map(item).collect(),
            total,
            agendas: b.agendas(today),
            agenda: b.agenda.clone(),
            notice,
            dashboard_notice,
        }
    }

    /// Bumped at every change of [`Kiosk::board`] (the nástěnka's notices are
    /// the citizen area's: a change there shows too).
    pub fn board_revision(&self) -> u64 {
        self.board.revision() + self.area.revision()
    }
}
