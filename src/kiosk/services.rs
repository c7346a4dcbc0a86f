//! "Služby úřadu" and the contacts search, as part of the flow core: browsing
//! the catalogue by life situation or department, a service's detail, and the
//! search typed on the on-screen keyboard.
//!
//! The search itself runs in SQLite on a background thread: every keystroke
//! changes the query and sends one [`Command::Search`] with a fresh id; only the
//! answer for the latest id is shown, so a slow answer for "ob" never replaces
//! the results for "obc". What was typed is forgotten with everything else when
//! the kiosk returns to rest.

use std::sync::Arc;

use super::ports::AttemptId;
use super::{Command, Kiosk, PrintOrder, Screen};
use crate::portal::types::Service;
use crate::services::{self as model, Browse, GroupRow, ServiceDetail, ServiceRow};

/// The longest query kept (a finger resting on a key must not grow it forever).
pub const QUERY_MAX: usize = 60;

/// A touch on the services' or the contacts' screens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServicesEvent {
    /// "Podle životní situace" / "Podle odboru".
    Browse(Browse),
    /// A category or department from the list shown (an index).
    OpenGroup(usize),
    /// A service from a list or the results (its id).
    OpenService(String),
    /// "Hledat" on the services screen.
    Search,
    /// "Hledat" on the contacts screen.
    SearchContacts,
    /// A contact found (an index into the hits).
    OpenContactHit(usize),
    /// "Vytisknout" on a service.
    Print,
    /// "Objednat se": the reservation's QR code, or the office hours.
    ShowReservation(bool),
}

/// A key of the on-screen keyboard, applied to the text field of the screen shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextEdit {
    /// A key's text (a letter, a digit, a space).
    Insert(String),
    /// "⌫"
    Erase,
    /// "Smazat vše"
    Clear,
}

/// What a search looks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchQuery {
    Services(String),
    Contacts(String),
}

/// A contact found: a department (an id) or one of its people (an index).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactMatch {
    pub department_id: String,
    pub person: Option<usize>,
}

/// The search adapter's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchAnswer {
    /// Service ids, best first.
    Services(Vec<String>),
    Contacts(Vec<ContactMatch>),
    /// The store could not be searched.
    Failed,
}

/// Where a search stands (worded by the screens).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SearchState {
    /// Nothing typed: browsing is offered.
    #[default]
    Empty,
    Searching,
    Found,
    NoResults,
    Failed,
}

/// A contact found, ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactHitRow {
    pub title: String,
    /// Role, phone and room of a person; building and phone of a department.
    pub detail: String,
    /// The department it belongs to.
    pub department: String,
}

/// What the services' and the contacts' search screens show.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServicesView {
    pub revision: u64,
    pub browse: Browse,
    /// Categories or departments, with their counts.
    pub groups: Vec<GroupRow>,
    /// The category or department opened, and its services.
    pub list_title: String,
    pub list: Vec<ServiceRow>,
    pub query: String,
    pub search: SearchState,
    pub results: Vec<ServiceRow>,
    pub detail: Option<ServiceDetail>,
    /// "Objednat se" was tapped on the detail.
    pub reservation_shown: bool,
    pub contact_query: String,
    pub contact_search: SearchState,
    pub contact_hits: Vec<ContactHitRow>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Group {
    Category(String),
    Department(String),
}

/// The core's state of the catalogue and its searches.
#[derive(Debug)]
pub(super) struct Services {
    revision: u64,
    catalogue: Arc<Vec<Service>>,
    browse: Browse,
    group: Option<Group>,
    query: String,
    /// The search whose answer is awaited, and the last answer's ids.
    request: Option<AttemptId>,
    search: SearchState,
    hits: Vec<String>,
    detail: Option<String>,
    reservation_shown: bool,
    contact_query: String,
    contact_request: Option<AttemptId>,
    contact_search: SearchState,
    contact_hits: Vec<ContactMatch>,
}

impl Default for Services {
    fn default() -> Services {
        Services {
            // Above the glue's "nothing drawn yet" (0).
            revision: 1,
            catalogue: Arc::default(),
            browse: Browse::default(),
            group: None,
            query: String::new(),
            request: None,
            search: SearchState::Empty,
            hits: Vec::new(),
            detail: None,
            reservation_shown: false,
            contact_query: String::new(),
            contact_request: None,
            contact_search: SearchState::Empty,
            contact_hits: Vec::new(),
        }
    }
}

impl Services {
    fn changed(&mut self) {
        self.revision += 1;
    }

    /// Back to browsing, nothing typed (the catalogue stays: it is the town's).
    pub(super) fn forget_user(&mut self) {
        let catalogue = std::mem::take(&mut self.catalogue);
        *self = Services {
            revision: self.revision + 1,
            catalogue,
            ..Services::default()
        };
    }

    pub(super) fn revision(&self) -> u64 {
        self.revision
    }

    fn service(&self, id: &str) -> Option<&Service> {
        self.catalogue.iter().find(|s| s.id == id)
    }

    fn group_services(&self, group: &Group) -> Vec<&Service> {
        self.catalogue
            .iter()
            .filter(|s| match group {
                Group::Category(c) => s.categories.iter().any(|x| model::plain_text(x) == *c),
                Group::Department(d) => s.department_id == *d,
            })
            .collect()
    }
}

impl Kiosk {
    /// The town's service catalogue arrived (public content). A service on
    /// screen stays while it is still there.
    pub(super) fn catalogue(&mut self, services: Arc<Vec<Service>>) -> Vec<Command> {
        let s = &mut self.services;
        s.catalogue = services;
        if s.detail.as_ref().is_some_and(|id| s.service(id).is_none()) {
            s.detail = None;
        }
        s.hits.retain(|id| s.catalogue.iter().any(|x| &x.id == id));
        s.changed();
        Vec::new()
    }

    pub(super) fn services_event(&mut self, event: ServicesEvent) -> Vec<Command> {
        match event {
            ServicesEvent::Browse(browse) => {
                if self.services.browse != browse {
                    self.services.browse = browse;
                    self.services.changed();
                }
                Vec::new()
            }
            ServicesEvent::OpenGroup(index) => {
                let group = match self.services.browse {
                    Browse::Categories => model::categories(&self.services.catalogue)
                        .get(index)
                        .map(|g| Group::Category(g.title.clone())),
                    Browse::Departments => {
                        model::departments(&self.services.catalogue, self.area.departments())
                            .get(index)
                            .map(|(id, _)| Group::Department(id.clone()))
                    }
                };
                let Some(group) = group else {
                    return Vec::new();
                };
                self.services.group = Some(group);
                self.services.changed();
                self.handle_open(Screen::ServiceList)
            }
            ServicesEvent::OpenService(id) => {
                if self.services.service(&id).is_none() {
                    return Vec::new();
                }
                self.services.detail = Some(id);
                self.services.reservation_shown = false;
                self.services.changed();
                self.handle_open(Screen::ServiceDetail)
            }
            ServicesEvent::Search => {
                let s = &mut self.services;
                s.query.clear();
                s.request = None;
                s.hits.clear();
                s.search = SearchState::Empty;
                s.changed();
                self.handle_open(Screen::ServiceSearch)
            }
            ServicesEvent::SearchContacts => {
                let s = &mut self.services;
                s.contact_query.clear();
                s.contact_request = None;
                s.contact_hits.clear();
                s.contact_search = SearchState::Empty;
                s.changed();
                self.handle_open(Screen::ContactSearch)
            }
            ServicesEvent::OpenContactHit(index) => {
                let Some(hit) = self.services.contact_hits.get(index) else {
                    return Vec::new();
                };
                let Some(position) = self
                    .area
                    .departments()
                    .iter()
                    .position(|d| d.id == hit.department_id)
                else {
                    return Vec::new();
                };
                self.area_event(super::AreaEvent::ChooseDepartment(position))
            }
            ServicesEvent::Print => {
                let Some(service) = self
                    .services
                    .detail
                    .as_ref()
                    .and_then(|id| self.services.service(id))
                    .cloned()
                else {
                    return Vec::new();
                };
                self.print_public(PrintOrder::Service(Box::new(service)))
            }
            ServicesEvent::ShowReservation(shown) => {
                if self.services.reservation_shown != shown {
                    self.services.reservation_shown = shown;
                    self.services.changed();
                }
                Vec::new()
            }
        }
    }

    /// A key of the on-screen keyboard: edits the field of the screen shown and
    /// searches again.
    pub(super) fn text_edit(&mut self, edit: TextEdit) -> Vec<Command> {
        let contacts = match self.screen {
            Screen::ServiceSearch => false,
            Screen::ContactSearch => true,
            _ => return Vec::new(),
        };
        let s = &mut self.services;
        let field = if contacts {
            &mut s.contact_query
        } else {
            &mut s.query
        };
        let before = field.clone();
        match edit {
            TextEdit::Insert(text) => {
                for c in text.chars().filter(|c| !c.is_control()) {
                    if field.chars().count() >= QUERY_MAX {
                        break;
                    }
                    // No leading space and no two in a row: they find nothing new.
                    if c == ' ' && (field.is_empty() || field.ends_with(' ')) {
                        continue;
                    }
                    field.push(c);
                }
            }
            TextEdit::Erase => {
                field.pop();
            }
            TextEdit::Clear => field.clear(),
        }
        if *field == before {
            return Vec::new();
        }
        let query = field.clone();
        let blank = query.trim().is_empty();
        let id = (!blank).then(|| self.next_attempt());
        let s = &mut self.services;
        if contacts {
            s.contact_request = id;
            s.contact_search = if blank {
                SearchState::Empty
            } else {
                SearchState::Searching
            };
            if blank {
                s.contact_hits.clear();
            }
        } else {
            s.request = id;
            s.search = if blank {
                SearchState::Empty
            } else {
                SearchState::Searching
            };
            if blank {
                s.hits.clear();
            }
        }
        s.changed();
        match id {
            Some(id) => vec![Command::Search {
                id,
                query: if contacts {
                    SearchQuery::Contacts(query)
                } else {
                    SearchQuery::Services(query)
                },
            }],
            None => Vec::new(),
        }
    }

    /// The search adapter answered `id`: shown only if it is the latest.
    pub(super) fn search_answer(&mut self, id: AttemptId, answer: SearchAnswer) -> Vec<Command> {
        let s = &mut self.services;
        match answer {
            SearchAnswer::Services(ids) if s.request == Some(id) => {
                s.request = None;
                s.search = if ids.is_empty() {
                    SearchState::NoResults
                } else {
                    SearchState::Found
                };
                s.hits = ids;
                s.changed();
            }
            SearchAnswer::Contacts(hits) if s.contact_request == Some(id) => {
                s.contact_request = None;
                s.contact_search = if hits.is_empty() {
                    SearchState::NoResults
                } else {
                    SearchState::Found
                };
                s.contact_hits = hits;
                s.changed();
            }
            SearchAnswer::Failed if s.request == Some(id) => {
                s.request = None;
                s.search = SearchState::Failed;
                s.hits.clear();
                s.changed();
            }
            SearchAnswer::Failed if s.contact_request == Some(id) => {
                s.contact_request = None;
                s.contact_search = SearchState::Failed;
                s.contact_hits.clear();
                s.changed();
            }
            _ => {}
        }
        Vec::new()
    }

    /// The services' view, formatted for `today`.
    pub fn services(&self, today: chrono::NaiveDate) -> ServicesView {
        let s = &self.services;
        let directory = self.area.departments();
        let groups = match s.browse {
            Browse::Categories => model::categories(&s.catalogue),
            Browse::Departments => model::departments(&s.catalogue, directory)
                .into_iter()
                .map(|(_, g)| g)
                .collect(),
        };
        let (list_title, list) = match &s.group {
            Some(group) => (
                match group {
                    Group::Category(c) => c.clone(),
                    Group::Department(id) => directory
                        .iter()
                        .find(|d| &d.id == id)
                        .map(|d| model::plain_text(&d.name))
                        .unwrap_or_default(),
                },
                s.group_services(group)
                    .into_iter()
                    .map(|x| model::row(x, directory))
                    .collect(),
            ),
            None => (String::new(), Vec::new()),
        };
        let contact_hits = s
            .contact_hits
            .iter()
            .filter_map(|hit| {
                let d = directory.iter().find(|d| d.id == hit.department_id)?;
                let department = model::plain_text(&d.name);
                Some(match hit.person.and_then(|i| d.people.get(i)) {
                    Some(p) => ContactHitRow {
                        title: model::plain_text(&p.name),
                        detail: [p.role.as_str(), &p.phone, &p.room]
                            .iter()
                            .map(|x| model::plain_text(x))
                            .filter(|x| !x.is_empty())
                            .collect::<Vec<_>>()
                            .join(" · "),
                        department,
                    },
                    None => ContactHitRow {
                        title: department.clone(),
                        detail: [d.building.as_str(), &d.phone]
                            .iter()
                            .map(|x| model::plain_text(x))
                            .filter(|x| !x.is_empty())
                            .collect::<Vec<_>>()
                            .join(" · "),
                        department,
                    },
                })
            })
            .collect();
        ServicesView {
            revision: s.revision,
            browse: s.browse,
            groups,
            list_title,
            list,
            query: s.query.clone(),
            search: s.search,
            results: s
                .hits
                .iter()
                .filter_map(|id| s.service(id))
                .map(|x| model::row(x, directory))
                .collect(),
            detail: s
                .detail
                .as_ref()
                .and_then(|id| s.service(id))
                .map(|x| model::detail(x, directory, today)),
            reservation_shown: s.reservation_shown,
            contact_query: s.contact_query.clone(),
            contact_search: s.contact_search,
            contact_hits,
        }
    }

    /// Bumped at every change of [`Kiosk::services`].
    pub fn services_revision(&self) -> u64 {
        // The department names shown come from the contacts: a change there shows too.
        self.services.revision() + self.area.revision()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::config::Mode;
    use crate::i18n::Language;
    use crate::kiosk::{KioskEvent, KioskSettings, SessionTimes};

    fn kiosk_with_catalogue() -> Kiosk {
        let settings = KioskSettings {
            mode: Mode::Kiosk,
            idle_timeout: Duration::from_secs(90),
            default_language: Language::Cs,
            languages: Language::ALL.to_vec(),
            session: SessionTimes::default(),
        };
        let (mut k, _) = Kiosk::new(settings, Duration::ZERO);
        let catalogue: crate::portal::types::ServiceCatalogue =
            serde_json::from_str(include_str!("../../assets/seed/services.json")).unwrap();
        let contacts: crate::portal::types::ContactDirectory =
            serde_json::from_str(include_str!("../../assets/seed/contacts.json")).unwrap();
        k.handle(KioskEvent::Contacts(contacts.departments), Duration::ZERO);
        k.handle(
            KioskEvent::Catalogue(Arc::new(catalogue.services)),
            Duration::ZERO,
        );
        k.handle(KioskEvent::Touch, Duration::ZERO);
        k
    }

    fn searches(commands: &[Command]) -> Vec<(AttemptId, SearchQuery)> {
        commands
            .iter()
            .filter_map(|c| match c {
                Command::Search { id, query } => Some((*id, query.clone())),
                _ => None,
            })
            .collect()
    }

    fn today() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
    }

    #[test]
    fn every_key_searches_again_and_only_the_newest_answer_shows() {
        let mut k = kiosk_with_catalogue();
        let t = Duration::from_secs(1);
        k.handle(KioskEvent::Open(Screen::Services), t);
        k.handle(KioskEvent::Services(ServicesEvent::Search), t);
        assert_eq!(k.screen(), Screen::ServiceSearch);
        let first = searches(&k.handle(KioskEvent::Text(TextEdit::Insert("o".into())), t));
        let second = searches(&k.handle(KioskEvent::Text(TextEdit::Insert("b".into())), t));
        assert_eq!(first[0].1, SearchQuery::Services("o".into()));
        assert_eq!(second[0].1, SearchQuery::Services("ob".into()));
        assert_eq!(k.services(today()).search, SearchState::Searching);
        // The answer for "ob" arrives first; the late one for "o" is dropped.
        let ob = vec!["obcansky-prukaz".to_string()];
        k.handle(
            KioskEvent::SearchResult {
                id: second[0].0,
                answer: SearchAnswer::Services(ob),
            },
            t,
        );
        k.handle(
            KioskEvent::SearchResult {
                id: first[0].0,
                answer: SearchAnswer::Services(vec!["snatek".into()]),
            },
            t,
        );
        let view = k.services(today());
        assert_eq!(view.search, SearchState::Found);
        assert_eq!(view.query, "ob");
        assert_eq!(
            view.results
                .iter()
                .map(|r| r.id.as_str())
                .collect::<Vec<_>>(),
            ["obcansky-prukaz"]
        );
        // Erasing everything shows browsing, not "nothing found", and asks nothing.
        k.handle(KioskEvent::Text(TextEdit::Erase), t);
        let cleared = k.handle(KioskEvent::Text(TextEdit::Clear), t);
        assert!(searches(&cleared).is_empty());
        let view = k.services(today());
        assert_eq!(view.search, SearchState::Empty);
        assert!(view.results.is_empty());
    }

    #[test]
    fn keys_on_other_screens_do_nothing_and_the_query_is_bounded() {
        let mut k = kiosk_with_catalogue();
        let t = Duration::from_secs(1);
        assert!(
            k.handle(KioskEvent::Text(TextEdit::Insert("a".into())), t)
                .is_empty()
        );
        k.handle(KioskEvent::Services(ServicesEvent::Search), t);
        k.handle(KioskEvent::Text(TextEdit::Insert("  ".into())), t);
        assert_eq!(k.services(today()).query, "");
        k.handle(KioskEvent::Text(TextEdit::Insert("x".repeat(500))), t);
        assert_eq!(k.services(today()).query.chars().count(), QUERY_MAX);
    }

    #[test]
    fn browsing_counts_and_opens_a_service_and_back_returns_to_the_list() {
        let mut k = kiosk_with_catalogue();
        let t = Duration::from_secs(1);
        k.handle(KioskEvent::Open(Screen::Services), t);
        let view = k.services(today());
        let total: usize = view.groups.iter().map(|g| g.count).sum();
        assert!(total >= 77, "every service is in at least one category");
        let docs = view
            .groups
            .iter()
            .position(|g| g.title == "Doklady a evidence obyvatel")
            .unwrap();
        k.handle(KioskEvent::Services(ServicesEvent::OpenGroup(docs)), t);
        assert_eq!(k.screen(), Screen::ServiceList);
        let view = k.services(today());
        assert_eq!(view.list.len(), view.groups[docs].count);
        k.handle(
            KioskEvent::Services(ServicesEvent::OpenService("obcansky-prukaz".into())),
            t,
        );
        assert_eq!(k.screen(), Screen::ServiceDetail);
        let detail = k.services(today()).detail.unwrap();
        assert_eq!(detail.title, "Vydání občanského průkazu");
        assert!(detail.department.starts_with("Odbor správní"));
        assert!(detail.reservation.is_some());
        k.handle(KioskEvent::Back, t);
        assert_eq!(k.screen(), Screen::ServiceList);
        // By department: the seed's departments that have services.
        k.handle(
            KioskEvent::Services(ServicesEvent::Browse(crate::services::Browse::Departments)),
            t,
        );
        let departments = k.services(today()).groups;
        assert!(
            departments.iter().any(|g| g.title.starts_with("Matrika")),
            "{departments:?}"
        );
    }

    #[test]
    fn printing_a_service_is_an_anonymous_order_and_the_query_is_forgotten_at_rest() {
        let mut k = kiosk_with_catalogue();
        let t = Duration::from_secs(1);
        k.handle(KioskEvent::Services(ServicesEvent::Search), t);
        k.handle(KioskEvent::Text(TextEdit::Insert("svatba".into())), t);
        k.handle(
            KioskEvent::Services(ServicesEvent::OpenService("snatek".into())),
            t,
        );
        let commands = k.handle(KioskEvent::Services(ServicesEvent::Print), t);
        assert!(commands.iter().any(|c| matches!(
            c,
            Command::Print { order: PrintOrder::Service(s), .. } if s.id == "snatek"
        )));
        assert!(k.area().preview_visible);
        // Idle: back to the loop, nothing typed is kept.
        k.handle(KioskEvent::Tick, Duration::from_secs(200));
        assert_eq!(k.screen(), Screen::Promo);
        let view = k.services(today());
        assert!(view.query.is_empty() && view.detail.is_none() && view.results.is_empty());
        assert!(!view.groups.is_empty(), "the catalogue itself stays");
    }
}
