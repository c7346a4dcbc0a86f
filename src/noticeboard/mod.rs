//! The town's official notice board (úřední deska), read from the national
//! open-data format (OFN "Úřední desky", JSON-LD; NOTICE-BOARD.md), so that any
//! Czech town's board works without a line of code per town.
//!
//! [`read_board`] turns a board file into the kiosk's own [`NoticeBoard`]:
//! plain-text titles and descriptions, dates the kiosk can compare, agendas,
//! documents flagged for a QR code or not. One bad notice is refused with its
//! reason and the rest are kept; a file that is not JSON, not a board or larger
//! than its limit is an error. [`source`] fetches a board from a file or a
//! town's URL; the sync engine stores the result like any other collection.
//!
//! It must never panic on any input (a fuzz target holds it to that), never
//! interpret markup, and never log a notice's text: logs get counts and ids.

mod ofn;
pub mod source;
pub mod text;

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

pub use ofn::{DEFAULT_MAX_BYTES, read_board};

/// Longest title kept (characters); real titles are under 300.
pub const MAX_TITLE: usize = 500;
/// Longest description kept (characters).
pub const MAX_TEXT: usize = 20_000;
/// Longest document URL that still gets a QR code: a longer one makes a code too
/// dense to scan from the screen.
pub const MAX_QR_URL: usize = 1000;

/// A moment of the board: when a notice was posted, or until when it hangs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum BoardDate {
    /// `{"datum": "2026-11-03"}`.
    Day(NaiveDate),
    /// `{"datum_a_čas": "2026-11-03T10:00:00+01:00"}`: the day and the time as
    /// written (in the town's own offset, which is the town's local time).
    At(NaiveDate, NaiveTime),
    /// `{"nespecifikovaný": true}`: a permanent posting.
    Unspecified,
}

impl BoardDate {
    /// The calendar day it names (None: unspecified).
    pub fn day(self) -> Option<NaiveDate> {
        match self {
            BoardDate::Day(d) | BoardDate::At(d, _) => Some(d),
            BoardDate::Unspecified => None,
        }
    }

    /// The last day a notice "until" this still hangs: `…T00:00:00` means the
    /// end of the day before (None: it never ends).
    pub fn last_day(self) -> Option<NaiveDate> {
        match self {
            BoardDate::Day(d) => Some(d),
            BoardDate::At(d, t) if t == NaiveTime::MIN => Some(d.pred_opt().unwrap_or(d)),
            BoardDate::At(d, _) => Some(d),
            BoardDate::Unspecified => None,
        }
    }
}

/// One document of a notice (usually a PDF on the town's web).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BoardDocument {
    /// Its name, or the file name from its URL when it has none.
    pub name: String,
    pub url: String,
    /// Whether the kiosk may show the URL as a QR code: https, well-formed and
    /// short enough to scan. An http link is kept (its name is shown) but gets
    /// no code: the kiosk does not send people to unencrypted addresses.
    pub qr: bool,
}

/// A notice as the kiosk shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BoardNotice {
    /// The notice's IRI (or URL, or a digest of its content when it has neither).
    pub id: String,
    /// Its page on the town's web, when https (for the slip's QR code).
    #[serde(default)]
    pub url: Option<String>,
    pub title: String,
    /// The description in paragraphs; often empty.
    #[serde(default)]
    pub text: String,
    /// vyvěšení.
    pub posted: BoardDate,
    /// relevantní_do (unspecified: permanent).
    pub until: BoardDate,
    /// číslo jednací.
    #[serde(default)]
    pub reference: String,
    /// spisová značka.
    #[serde(default)]
    pub file_mark: String,
    #[serde(default)]
    pub agendas: Vec<String>,
    #[serde(default)]
    pub documents: Vec<BoardDocument>,
}

/// Where a notice stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeStatus {
    /// Posted from a later day.
    NotYetPosted,
    Current,
    /// Its relevantní_do has passed (a town forgot to take it down).
    Expired,
}

impl BoardNotice {
    pub fn status(&self, today: NaiveDate) -> NoticeStatus {
        if self.posted.day().is_some_and(|d| d > today) {
            NoticeStatus::NotYetPosted
        } else if self.until.last_day().is_some_and(|d| d < today) {
            NoticeStatus::Expired
        } else {
            NoticeStatus::Current
        }
    }

    pub fn is_current(&self, today: NaiveDate) -> bool {
        self.status(today) == NoticeStatus::Current
    }

    /// The address the printed slip's QR code leads to: the notice's page, or
    /// its first document that may have a code.
    pub fn slip_url(&self) -> Option<&str> {
        self.url
            .as_deref()
            .or_else(|| self.documents.iter().find(|d| d.qr).map(|d| d.url.as_str()))
    }
}

/// A notice the reader refused, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RefusedNotice {
    /// Its place in the file's `informace` (0-based).
    pub position: usize,
    /// Its IRI or URL, when it has one.
    #[serde(default)]
    pub id: Option<String>,
    pub reason: String,
}

impl std::fmt::Display for RefusedNotice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "notice #{}", self.position + 1)?;
        if let Some(id) = &self.id {
            write!(f, " ({id})")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// A board as the kiosk keeps it: its own normalized notices, not the OFN.
///
/// Why not store the raw OFN: the reader's work (markup to text, dates that
/// come in three shapes, refusals) is done once per change instead of on every
/// screen; the screens and the store index plain fields (posting day, agenda);
/// a notice that was refused, or markup, never reaches the store; and one
/// town's quirks stay in the reader. The ETag of the source is kept with it, so
/// an unchanged board is not read again.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NoticeBoard {
    /// The board's page on the town's web (`stránka`), when https.
    #[serde(default)]
    pub page: Option<String>,
    /// In the file's order.
    pub notices: Vec<BoardNotice>,
    #[serde(default)]
    pub refused: Vec<RefusedNotice>,
}

/// Counts of a board on a day (`notice-board check`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BoardCounts {
    pub current: usize,
    pub expired: usize,
    pub not_yet_posted: usize,
    pub refused: usize,
}

impl NoticeBoard {
    pub fn counts(&self, today: NaiveDate) -> BoardCounts {
        let mut c = BoardCounts {
            refused: self.refused.len(),
            ..BoardCounts::default()
        };
        for n in &self.notices {
            match n.status(today) {
                NoticeStatus::Current => c.current += 1,
                NoticeStatus::Expired => c.expired += 1,
                NoticeStatus::NotYetPosted => c.not_yet_posted += 1,
            }
        }
        c
    }

    /// What is posted on `today`, newest first (then by title), optionally of one agenda.
    pub fn current<'a>(&'a self, today: NaiveDate, agenda: Option<&str>) -> Vec<&'a BoardNotice> {
        let mut list: Vec<&BoardNotice> = self
            .notices
            .iter()
            .filter(|n| n.is_current(today))
            .filter(|n| agenda.is_none_or(|a| n.agendas.iter().any(|x| x == a)))
            .collect();
        sort_newest_first(&mut list);
        list
    }

    /// The agendas of what is posted on `today`, alphabetically (Czech letters folded).
    pub fn agendas(&self, today: NaiveDate) -> Vec<String> {
        agendas_of(self.notices.iter().filter(|n| n.is_current(today)))
    }
}

/// Newest posting first; the same day by time, then by title.
pub fn sort_newest_first(list: &mut [&BoardNotice]) {
    list.sort_by(|a, b| {
        let key = |n: &BoardNotice| match n.posted {
            BoardDate::Day(d) => (Some(d), None),
            BoardDate::At(d, t) => (Some(d), Some(t)),
            BoardDate::Unspecified => (None, None),
        };
        key(b)
            .cmp(&key(a))
            .then_with(|| crate::store::fold(&a.title).cmp(&crate::store::fold(&b.title)))
    });
}

/// Distinct agendas, sorted as a Czech reader expects (diacritics folded).
pub fn agendas_of<'a>(notices: impl Iterator<Item = &'a BoardNotice>) -> Vec<String> {
    let mut all: Vec<String> = notices.flat_map(|n| n.agendas.iter().cloned()).collect();
    all.sort_by_key(|a| (crate::store::fold(a), a.clone()));
    all.dedup();
    all
}

/// Why a board could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BoardError {
    #[error("the board is larger than {limit} bytes (notice_board.max_bytes); it was not read")]
    TooLarge { limit: u64 },
    #[error("the board is not JSON: {0}")]
    NotJson(String),
    #[error("the file is not an OFN notice board (úřední deska): {0}")]
    NotABoard(String),
    #[error("cannot read the board: {0}")]
    Unreadable(String),
}

impl crate::portal::validate::Validate for NoticeBoard {
    const NAME: &'static str = "notice-board";

    /// The reader refuses bad notices one by one; a board where every notice
    /// was refused is refused as a whole (the town's format has changed, or the
    /// file is broken), so the kiosk keeps the board it has.
    fn validate(&self) -> Result<(), crate::portal::validate::Invalid> {
        let invalid = |reason: String| crate::portal::validate::Invalid {
            collection: Self::NAME,
            reason,
        };
        if self.notices.is_empty() && !self.refused.is_empty() {
            return Err(invalid(format!(
                "every one of its {} notices was refused; the first: {}",
                self.refused.len(),
                self.refused[0]
            )));
        }
        let mut seen = std::collections::HashSet::new();
        for n in &self.notices {
            if n.title.trim().is_empty() {
                return Err(invalid(format!("notice `{}` has no title", n.id)));
            }
            if !seen.insert(n.id.as_str()) {
                return Err(invalid(format!("notice `{}` appears twice", n.id)));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
