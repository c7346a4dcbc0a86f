//! Volby and "Kde volím?", as part of the flow core: the next elections (or
//! the last one), the street typed on the on-screen keyboard with suggestions
//! after two letters, the house number on a numeric pad when the street is
//! split between districts, and the polling place with its slip.
//!
//! The street and number typed are the only input and are forgotten at rest;
//! they never reach a log, the store or the slip (which names the district,
//! not the address).

use std::sync::Arc;

use chrono::NaiveDate;

use super::{Command, Kiosk, PrintOrder, Screen, TextEdit};
use crate::elections::{self, Lookup, StreetIndex};
use crate::portal::types::{Election, ElectionInfo, PollingDistrict};
use crate::portal::validate::HouseNumbers;

/// Street suggestions shown at once (UX.md: at most six choices).
pub const SUGGESTIONS: usize = 6;
/// The longest street name typed.
pub const STREET_MAX: usize = 40;
/// The longest house number (číslo orientační) typed.
pub const NUMBER_MAX: usize = 4;

/// A touch on the elections' screens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VotingEvent {
    /// "Kde volím?": a fresh lookup.
    Start,
    /// A street from the suggestions shown (an index).
    ChooseStreet(usize),
    /// A key of the house-number pad (0–9).
    Digit(u8),
    Erase,
    /// "Najít" after the house number.
    Find,
    /// "Vytisknout" on the polling place.
    Print,
}

/// What the polling-place slip needs (public: no address of the citizen).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollingPlaceOrder {
    /// The next election, if one is scheduled.
    pub election: Option<Election>,
    pub district: PollingDistrict,
}

/// An election's days with their opening hours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElectionDays {
    pub title: String,
    pub days: Vec<(NaiveDate, String)>,
}

impl ElectionDays {
    fn of(e: &Election) -> ElectionDays {
        ElectionDays {
            title: e.title.clone(),
            days: e
                .days
                .iter()
                .enumerate()
                .map(|(i, d)| (*d, e.hours.get(i).cloned().unwrap_or_default()))
                .collect(),
        }
    }
}

/// Which house numbers of the chosen street vote in which district.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreetRangeView {
    pub district: u32,
    pub numbers: HouseNumbers,
}

/// What the elections' screens show.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VotingView {
    pub revision: u64,
    /// Whether the elections data was synced at all.
    pub synced: bool,
    pub upcoming: Vec<ElectionDays>,
    pub last: Option<ElectionDays>,
    pub typed: String,
    pub suggestions: Vec<String>,
    /// Nothing matches what was typed: the suggestions are the closest names.
    pub closest: bool,
    /// The street chosen, and its parts.
    pub street: String,
    pub ranges: Vec<StreetRangeView>,
    pub number: String,
    /// The number typed is in no district's range.
    pub outside: bool,
    pub district: Option<PollingDistrict>,
    /// Where the polling room is, as a link a phone opens.
    pub map_link: Option<String>,
}

#[derive(Debug)]
pub(super) struct Voting {
    revision: u64,
    info: Option<Arc<ElectionInfo>>,
    index: StreetIndex,
    typed: String,
    street: Option<String>,
    number: String,
    outside: bool,
    district: Option<u32>,
}

impl Default for Voting {
    fn default() -> Voting {
        Voting {
            // Above the glue's "nothing drawn yet" (0).
            revision: 1,
            info: None,
            index: StreetIndex::default(),
            typed: String::new(),
            street: None,
            number: String::new(),
            outside: false,
            district: None,
        }
    }
}

impl Voting {
    fn changed(&mut self) {
        self.revision += 1;
    }

    /// Nothing typed or found (the elections data stays: it is the town's).
    pub(super) fn forget_user(&mut self) {
        let info = self.info.take();
        let index = std::mem::take(&mut self.index);
        *self = Voting {
            revision: self.revision + 1,
            info,
            index,
            ..Voting::default()
        };
    }

    pub(super) fn revision(&self) -> u64 {
        self.revision
    }

    fn district(&self, number: u32) -> Option<&PollingDistrict> {
        elections::district(self.info.as_deref()?, number)
    }

    fn suggestions(&self) -> elections::Suggestions {
        self.index.suggest(&self.typed, SUGGESTIONS)
    }

    /// A fresh lookup: nothing typed, chosen or found.
    fn restart(&mut self) {
        self.typed.clear();
        self.street = None;
        self.number.clear();
        self.outside = false;
        self.district = None;
        self.changed();
    }
}

impl Kiosk {
    /// The elections data arrived from the store.
    pub(super) fn elections(&mut self, info: Arc<ElectionInfo>) -> Vec<Command> {
        let v = &mut self.voting;
        if v.info.as_ref().is_some_and(|i| **i == *info) {
            return Vec::new();
        }
        v.index = StreetIndex::new(&info);
        v.info = Some(info);
        // A district on screen that is gone is gone.
        if v.district.is_some_and(|d| v.district(d).is_none()) {
            v.district = None;
        }
        v.changed();
        Vec::new()
    }

    pub(super) fn voting_event(&mut self, event: VotingEvent) -> Vec<Command> {
        match event {
            VotingEvent::Start => {
                self.voting.restart();
                self.handle_open(Screen::WhereToVote)
            }
            VotingEvent::ChooseStreet(index) => {
                let Some(name) = self.voting.suggestions().names.get(index).cloned() else {
                    return Vec::new();
                };
                let v = &mut self.voting;
                v.street = Some(name.clone());
                v.number.clear();
                v.outside = false;
                v.district = None;
                v.changed();
                match elections::lookup(&v.index, &name, None) {
                    Lookup::Found(d) => {
                        v.district = Some(d);
                        self.handle_open(Screen::PollingPlace)
                    }
                    Lookup::NeedsNumber => self.handle_open(Screen::HouseNumber),
                    Lookup::UnknownStreet | Lookup::NumberOutside => Vec::new(),
                }
            }
            VotingEvent::Digit(d) => {
                let v = &mut self.voting;
                // A house number does not start with 0.
                if d <= 9 && v.number.len() < NUMBER_MAX && !(d == 0 && v.number.is_empty()) {
                    v.number.push(char::from(b'0' + d));
                    v.outside = false;
                    v.changed();
                }
                Vec::new()
            }
            VotingEvent::Erase => {
                let v = &mut self.voting;
                if v.number.pop().is_some() {
                    v.outside = false;
                    v.changed();
                }
                Vec::new()
            }
            VotingEvent::Find => {
                let v = &mut self.voting;
                let (Some(street), Ok(number)) = (v.street.clone(), v.number.parse::<u32>()) else {
                    return Vec::new();
                };
                match elections::lookup(&v.index, &street, Some(number)) {
                    Lookup::Found(d) => {
                        v.district = Some(d);
                        v.outside = false;
                        v.changed();
                        self.handle_open(Screen::PollingPlace)
                    }
                    Lookup::NumberOutside => {
                        v.outside = true;
                        v.district = None;
                        v.changed();
                        Vec::new()
                    }
                    Lookup::UnknownStreet | Lookup::NeedsNumber => Vec::new(),
                }
            }
            VotingEvent::Print => {
                let v = &self.voting;
                let Some(district) = v.district.and_then(|d| v.district(d)).cloned() else {
                    return Vec::new();
                };
                let election = v.info.as_deref().and_then(|i| {
                    elections::schedule(i, self.today())
                        .upcoming
                        .first()
                        .cloned()
                });
                self.print_public(PrintOrder::PollingPlace(Box::new(PollingPlaceOrder {
                    election,
                    district,
                })))
            }
        }
    }

    /// A key of the on-screen keyboard on "Kde volím?": edits the street typed.
    pub(super) fn voting_text(&mut self, edit: TextEdit) -> Vec<Command> {
        let v = &mut self.voting;
        let before = v.typed.clone();
        match edit {
            TextEdit::Insert(text) => {
                for c in text.chars().filter(|c| !c.is_control()) {
                    if v.typed.chars().count() >= STREET_MAX {
                        break;
                    }
                    if c == ' ' && (v.typed.is_empty() || v.typed.ends_with(' ')) {
                        continue;
                    }
                    v.typed.push(c);
                }
            }
            TextEdit::Erase => {
                v.typed.pop();
            }
            TextEdit::Clear => v.typed.clear(),
        }
        if v.typed != before {
            v.changed();
        }
        Vec::new()
    }

    /// The elections' view on `today`.
    pub fn voting(&self, today: NaiveDate) -> VotingView {
        let v = &self.voting;
        let schedule = v
            .info
            .as_deref()
            .map(|i| elections::schedule(i, today))
            .unwrap_or_default();
        let suggestions = v.suggestions();
        let street = v.street.as_deref().and_then(|s| v.index.street(s));
        let district = v.district.and_then(|d| v.district(d)).cloned();
        VotingView {
            revision: v.revision,
            synced: v.info.is_some(),
            upcoming: schedule.upcoming.iter().map(ElectionDays::of).collect(),
            last: schedule.last.as_ref().map(ElectionDays::of),
            typed: v.typed.clone(),
            suggestions: suggestions.names,
            closest: suggestions.closest,
            street: street.map(|s| s.name.clone()).unwrap_or_default(),
            ranges: street
                .map(|s| {
                    s.ranges
                        .iter()
                        .map(|r| StreetRangeView {
                            district: r.district,
                            numbers: r.numbers,
                        })
                        .collect()
                })
                .unwrap_or_default(),
            number: v.number.clone(),
            outside: v.outside,
            map_link: district
                .as_ref()
                .and_then(|d| d.map.as_deref())
                .and_then(elections::map_link),
            district,
        }
    }

    /// Bumped at every change of [`Kiosk::voting`].
    pub fn voting_revision(&self) -> u64 {
        self.voting.revision()
    }
}
