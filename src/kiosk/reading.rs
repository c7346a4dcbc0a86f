//! What "Číst nahlas" says on the screen shown: its heading, its main content in
//! reading order and the actions it offers — built from the same view models the
//! screens draw, never scraped from widgets.
//!
//! The screens' words are their own Czech strings, said in the language shown
//! through the bundled catalogues; the town's content (names of services,
//! notices, places, streets) stays Czech and is marked so, for the Czech voice.
//! Personal parts (the citizen's name, amounts, symbols, notices) are marked:
//! the core reads them only inside a session and only to headphones when the
//! site has them ([`Kiosk::reading`]); otherwise it says that it leaves them out.

use chrono::{Datelike, NaiveDate};

use super::{Kiosk, LoginStage, PayState, PhoneStage, Screen, SearchState};
use crate::i18n::{self, Language};

/// One stretch of speech in one voice.
#[derive(Clone, PartialEq, Eq)]
pub struct Spoken {
    pub lang: Language,
    pub text: String,
    /// The citizen's own data.
    pub personal: bool,
}

/// Where the sound goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Speaker,
    /// The headphone jack: personal data may be said there.
    Headphones,
}

/// What to say, in order.
#[derive(Clone, PartialEq, Eq)]
pub struct Script {
    pub parts: Vec<Spoken>,
    pub output: Output,
}

// The words may be personal: a debug print (the command log) shows only sizes.
impl std::fmt::Debug for Script {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Script")
            .field("parts", &self.parts.len())
            .field(
                "personal",
                &self.parts.iter().filter(|p| p.personal).count(),
            )
            .field("output", &self.output)
            .finish()
    }
}

impl std::fmt::Debug for Spoken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Spoken")
            .field("lang", &self.lang)
            .field("chars", &self.text.chars().count())
            .field("personal", &self.personal)
            .finish()
    }
}

impl Script {
    /// Everything said, one part per line (tests, `say`).
    pub fn text(&self) -> String {
        self.parts
            .iter()
            .map(|p| p.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The parts as (voice language, text) pairs for the synthesizer.
    pub fn voiced(&self) -> Vec<(Language, String)> {
        self.parts
            .iter()
            .map(|p| (p.lang, p.text.clone()))
            .collect()
    }
}

/// Said instead of personal data where it may not be said aloud.
pub const PERSONAL_LEFT_OUT: &str =
    "Osobní údaje nahlas nečtu. Najdete je na obrazovce, nebo použijte sluchátka.";
/// Introduces the actions of a screen.
pub const ACTIONS: &str = "Můžete zvolit:";
/// Said before a list is cut short.
pub const AND_MORE: &str = "a další, seznam pokračuje na obrazovce.";

/// The most list items read at once: the rest is on screen with Nahoru/Dolů.
const LIST_MAX: usize = 8;

/// Builds a script in the language shown.
struct Reader {
    lang: Language,
    parts: Vec<Spoken>,
}

#[cfg(test)]
thread_local! {
    static MISSING: std::cell::RefCell<std::collections::BTreeSet<String>> =
        const { std::cell::RefCell::new(std::collections::BTreeSet::new()) };
}

/// The phrases read since the last call that a catalogue lacks (tests).
#[cfg(test)]
pub(super) fn missing_translations() -> Vec<String> {
    MISSING.with(|m| std::mem::take(&mut *m.borrow_mut()).into_iter().collect())
}

impl Reader {
    /// A phrase of the screens in the language shown.
    fn tr(&self, msgid: &str) -> String {
        #[cfg(test)]
        if !i18n::translated(self.lang, msgid) {
            MISSING.with(|m| {
                m.borrow_mut()
                    .insert(format!("{}: {msgid}", self.lang.code()))
            });
        }
        i18n::tr(self.lang, msgid)
    }

    fn push(&mut self, lang: Language, text: String, personal: bool) {
        let text = text.trim().to_string();
        if text.is_empty() {
            return;
        }
        // Consecutive parts in one voice and of one kind are said in one go.
        if let Some(last) = self.parts.last_mut()
            && last.lang == lang
            && last.personal == personal
        {
            last.text.push(' ');
            last.text.push_str(&text);
            return;
        }
        self.parts.push(Spoken {
            lang,
            text,
            personal,
        });
    }

    /// The screens' own words, in the language shown.
    fn ui(&mut self, msgid: &str) {
        let text = sentence(self.tr(msgid));
        self.push(self.lang, text, false);
    }

    /// A template of the screens with its arguments (said in the language shown).
    fn ui_fill(&mut self, msgid: &str, args: &[&str]) {
        let text = sentence(i18n::fill(&self.tr(msgid), args));
        self.push(self.lang, text, false);
    }

    /// The town's content: said in Czech by the Czech voice.
    fn cz(&mut self, text: &str) {
        self.push(Language::Cs, sentence(speakable(text)), false);
    }

    /// A label in the language shown, then Czech content.
    fn labelled(&mut self, label: &str, content: &str) {
        if content.trim().is_empty() {
            return;
        }
        self.ui(label);
        self.cz(content);
    }

    /// The citizen's own data (said in Czech).
    fn personal(&mut self, text: &str) {
        self.push(Language::Cs, sentence(speakable(text)), true);
    }

    /// A label in the language shown, then the citizen's data.
    fn personal_labelled(&mut self, label: &str, content: &str) {
        if content.trim().is_empty() {
            return;
        }
        let label = sentence(self.tr(label));
        self.push(self.lang, label, true);
        self.personal(content);
    }

    /// A list of Czech content, cut after [`LIST_MAX`] items.
    fn cz_list<'a>(&mut self, items: impl IntoIterator<Item = &'a str>) {
        let items: Vec<&str> = items.into_iter().filter(|s| !s.trim().is_empty()).collect();
        for item in items.iter().take(LIST_MAX) {
            self.cz(item);
        }
        if items.len() > LIST_MAX {
            self.ui(AND_MORE);
        }
    }

    /// "Můžete zvolit: A, B, C." — the buttons' labels in the language shown.
    fn actions(&mut self, labels: &[&str]) {
        if labels.is_empty() {
            return;
        }
        let words: Vec<String> = labels.iter().map(|l| self.tr(l)).collect();
        let text = format!(
            "{} {}.",
            self.tr(ACTIONS),
            words.join(", ").trim_end_matches('.')
        );
        self.push(self.lang, text, false);
    }
}

/// Ends a sentence with a full stop, so the voice pauses between parts.
fn sentence(text: String) -> String {
    let t = text.trim_end();
    if t.is_empty() || t.ends_with(['.', '?', '!', ':', '…']) {
        t.to_string()
    } else {
        format!("{t}.")
    }
}

/// Symbols the voice would spell, in words ("Kč" → "korun", "č." → "číslo").
fn speakable(text: &str) -> String {
    text.replace(" Kč", " korun")
        .replace("č. dv.", "dveře")
        .replace("č. ", "číslo ")
        .replace(['–', '·'], ", ")
}

/// A day in words in `lang`: "3. listopadu 2026", "3 November 2026".
pub fn date_words(lang: Language, day: NaiveDate) -> String {
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    const DE: [&str; 12] = [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ];
    const UK: [&str; 12] = [
        "січня",
        "лютого",
        "березня",
        "квітня",
        "травня",
        "червня",
        "липня",
        "серпня",
        "вересня",
        "жовтня",
        "листопада",
        "грудня",
    ];
    let m = day.month0() as usize;
    let (d, y) = (day.day(), day.year());
    match lang {
        Language::Cs => crate::elections::date_in_words(day),
        Language::En => format!("{d} {} {y}", EN[m]),
        Language::De => format!("{d}. {} {y}", DE[m]),
        Language::Uk => format!("{d} {} {y}", UK[m]),
    }
}

impl Kiosk {
    /// What "Číst nahlas" says now, and where: personal parts only inside a
    /// session, and only to headphones when the site has them.
    pub fn reading(&self, today: NaiveDate) -> Script {
        let mut r = Reader {
            lang: self.language,
            parts: Vec::new(),
        };
        self.read_screen(&mut r, today);
        if let Some(view) = self.session_view()
            && let Some(seconds) = view.warning_seconds
        {
            r.ui("Jste tu ještě?");
            r.ui_fill(
                "Za {} s vás z bezpečnostních důvodů odhlásíme.",
                &[&seconds.to_string()],
            );
            r.actions(&["Pokračovat", "Odhlásit se"]);
        }
        let has_personal = r.parts.iter().any(|p| p.personal);
        let in_session = self.session.is_some();
        let output = if has_personal && in_session && self.speech.headphones {
            Output::Headphones
        } else {
            Output::Speaker
        };
        if has_personal && output == Output::Speaker {
            let lang = r.lang;
            let mut left_out = false;
            r.parts.retain(|p| {
                if p.personal {
                    left_out = true;
                }
                !p.personal
            });
            if left_out {
                r.parts.push(Spoken {
                    lang,
                    text: Reader {
                        lang,
                        parts: Vec::new(),
                    }
                    .tr(PERSONAL_LEFT_OUT),
                    personal: false,
                });
            }
        }
        Script {
            parts: r.parts,
            output,
        }
    }

    fn read_screen(&self, r: &mut Reader, today: NaiveDate) {
        match self.screen {
            Screen::Promo => {
                r.cz(&self.town.portal_name);
                r.ui("Dobrý den. Co potřebujete vyřídit?");
            }
            Screen::Home => self.read_home(r),
            Screen::Services => self.read_services(r, today),
            Screen::ServiceList => self.read_service_list(r, today),
            Screen::ServiceDetail => self.read_service_detail(r, today),
            Screen::ServiceSearch | Screen::ContactSearch => self.read_search(r, today),
            Screen::Contacts => self.read_contacts(r),
            Screen::ContactDetail => self.read_contact_detail(r, today),
            Screen::Elections => self.read_elections(r, today),
            Screen::WhereToVote | Screen::HouseNumber | Screen::PollingPlace => {
                self.read_where_to_vote(r, today)
            }
            Screen::Board | Screen::BoardAgendas | Screen::BoardNotice => self.read_board(r, today),
            Screen::DashboardNotice => self.read_dashboard_notice(r, today),
            Screen::Login | Screen::Payment => self.read_login(r),
            Screen::PhoneLogin => self.read_phone(r),
            Screen::LoginHelp => self.read_login_help(r),
            Screen::About => {
                r.ui("O kiosku");
                r.cz(&self.town.portal_name);
                r.ui("Tento program je svobodný software: můžete jej šířit a upravovat podle licence GNU General Public License verze 3 nebo (podle své volby) kterékoli pozdější verze, jak ji vydala Free Software Foundation.");
                r.actions(&["Zpět", "Domů"]);
            }
            Screen::LoggedOut => {
                r.ui("Byli jste odhlášeni.");
                r.ui("Údaje plátců byly z obrazovky smazány.");
                r.ui("Nezapomeňte si kartu.");
            }
            Screen::Dashboard => self.read_dashboard(r),
            Screen::Obligations => self.read_obligations(r),
            Screen::Pay => self.read_pay(r),
            Screen::Submissions => self.read_submissions(r),
            Screen::Watchdog => {
                r.ui("Hlídací pes");
                r.ui("Pošleme vám zprávu, když se stane něco z tohoto:");
                r.ui("Nový poplatek nebo platba");
                r.ui("Blíží se splatnost platby");
                r.ui("Změna stavu podání");
                r.ui("Blíží se volby");
                r.actions(&["Zpět", "Odhlásit se"]);
            }
            Screen::StaffLogin => {
                r.ui("Přihlášení obsluhy");
                r.ui("Zadejte svůj PIN obsluhy");
            }
            Screen::Counter => {
                r.ui("Přepážka městského úřadu: vyhledání plateb podle variabilního symbolu a tisk platebních údajů. PIN má 6 až 12 číslic.");
                r.ui("Zadejte variabilní symbol plátce a stiskněte Vyhledat.");
            }
            Screen::Service => {
                r.ui("Servis");
                r.actions(&["Zkušební tisk", "Synchronizovat nyní"]);
            }
        }
    }

    fn read_home(&self, r: &mut Reader) {
        r.cz(&self.town.portal_name);
        // The town's urgent notices first, in Czech (town content).
        for notice in &self.urgent_notices {
            r.cz(notice);
        }
        r.ui("Dobrý den. Co potřebujete vyřídit?");
        let tiles: [(&str, &str); 6] = [
            (
                "Přihlásit se občankou",
                "Vaše poplatky, podání a upozornění",
            ),
            ("Zaplatit poplatek", "Odpad, pes, pokuty – QR kódem"),
            ("Služby úřadu", "Co kde vyřídit a co s sebou"),
            ("Kontakty", "Odbory, telefony, úřední hodiny"),
            ("Volby", "Kde volím?"),
            ("Úřední deska", "Vyhlášky a oznámení města"),
        ];
        for (title, subtitle) in tiles {
            r.ui(title);
            r.ui(subtitle);
        }
        r.actions(&["O kiosku"]);
    }

    fn read_services(&self, r: &mut Reader, today: NaiveDate) {
        let v = self.services(today);
        r.ui("Služby úřadu");
        if v.groups.is_empty() {
            r.ui_fill(
                "Služby zatím nejsou stažené z portálu. Poradí vám na podatelně městského úřadu, telefon {}.",
                &[&self.town.phone],
            );
            return;
        }
        r.cz_list(v.groups.iter().map(|g| g.title.as_str()));
        r.actions(&["Podle životní situace", "Podle odboru", "Hledat"]);
    }

    fn read_service_list(&self, r: &mut Reader, today: NaiveDate) {
        let v = self.services(today);
        r.cz(&v.list_title);
        r.ui("Vyberte službu.");
        r.cz_list(v.list.iter().map(|s| s.title.as_str()));
    }

    fn read_service_detail(&self, r: &mut Reader, today: NaiveDate) {
        let v = self.services(today);
        let Some(d) = v.detail else {
            r.ui("Služby úřadu");
            return;
        };
        r.cz(&d.title);
        r.cz(&d.summary);
        r.labelled("Kde", &d.place);
        r.cz(&d.address);
        if !d.room.is_empty() {
            r.ui_fill("Místnost: {}", &[]);
            r.cz(&d.room);
        }
        if d.closed_today {
            r.ui("Dnes se neúřaduje.");
        } else if let Some(h) = d.hours.iter().find(|h| h.today) {
            r.ui("Úřední hodiny:");
            r.cz(&format!("{}: {}", h.day, h.hours));
        }
        r.labelled("Jak", &d.how);
        r.cz_list(d.steps.iter().map(String::as_str));
        r.labelled("S kým", &d.with_whom);
        r.labelled("Za kolik", &d.cost);
        if !d.bring.is_empty() {
            r.ui("Co s sebou");
            r.cz_list(d.bring.iter().map(String::as_str));
        }
        let mut actions = vec!["Vytisknout"];
        if d.reservation.is_some() {
            actions.push("Objednat se");
        }
        r.actions(&actions);
    }

    fn read_search(&self, r: &mut Reader, today: NaiveDate) {
        let v = self.services(today);
        let contacts = self.screen == Screen::ContactSearch;
        let (query, state) = if contacts {
            (&v.contact_query, v.contact_search)
        } else {
            (&v.query, v.search)
        };
        r.ui(if contacts {
            "Hledat v kontaktech"
        } else {
            "Hledat službu"
        });
        match state {
            SearchState::Empty => r.ui(if contacts {
                "Napište jméno úředníka, název odboru, číslo telefonu nebo dveří."
            } else {
                "Napište pár písmen, například „občanka“, „pes“ nebo „svatba“. Háčky a čárky psát nemusíte."
            }),
            SearchState::Searching => r.ui("Hledám…"),
            SearchState::NoResults => r.ui_fill(
                if contacts {
                    "Pro „{0}“ jsme nic nenašli. Ústředna městského úřadu: {1}."
                } else {
                    "Pro „{0}“ jsme nic nenašli. Zkuste jiné slovo, nebo služby procházejte. Poradí vám také na podatelně, telefon {1}."
                },
                &[query, &self.town.phone],
            ),
            SearchState::Failed => r.ui(if contacts {
                "Hledání teď nefunguje. Kontakty můžete procházet."
            } else {
                "Hledání teď nefunguje. Služby můžete procházet podle životní situace nebo odboru."
            }),
            SearchState::Found if contacts => {
                for hit in v.contact_hits.iter().take(LIST_MAX) {
                    r.cz(&hit.title);
                    r.cz(&hit.detail);
                }
            }
            SearchState::Found => r.cz_list(v.results.iter().map(|s| s.title.as_str())),
        }
    }

    fn read_contacts(&self, r: &mut Reader) {
        let area = self.area();
        r.ui("Kontakty");
        if area.departments.is_empty() {
            r.ui_fill(
                "Kontakty zatím nejsou stažené z portálu. Telefon městského úřadu: {}.",
                &[&self.town.phone],
            );
            return;
        }
        r.ui("Vyberte odbor nebo kancelář.");
        r.cz_list(area.departments.iter().map(|d| d.name.as_str()));
        r.actions(&["Hledat"]);
    }

    fn read_contact_detail(&self, r: &mut Reader, today: NaiveDate) {
        let area = self.area();
        r.ui("Kontakty");
        let Some(d) = area.department else {
            return;
        };
        r.cz(&d.name);
        r.labelled("Budova", &d.building);
        r.labelled("Adresa", &d.address);
        r.labelled("Telefon", &d.phone);
        r.labelled("E-mail", &d.email.replace('@', " zavináč "));
        if !d.office_hours.is_empty() {
            r.ui("Úřední hodiny");
            let hours = crate::services::hours_from_today(&d.office_hours, today);
            for h in hours.iter().take(LIST_MAX) {
                r.cz(&format!("{}: {}", h.day, h.hours));
            }
        }
        r.actions(&["Vytisknout kontakt"]);
    }

    fn read_elections(&self, r: &mut Reader, today: NaiveDate) {
        let v = self.voting(today);
        r.ui("Volby");
        if !v.synced {
            r.ui_fill(
                "Údaje o volbách zatím nejsou stažené z portálu. Informace o volbách vám dají na radnici, telefon {}.",
                &[&self.town.phone],
            );
            return;
        }
        if v.upcoming.is_empty() {
            match &v.last {
                Some(last) => {
                    let day = last
                        .days
                        .first()
                        .map(|(d, _)| date_words(r.lang, *d))
                        .unwrap_or_default();
                    r.ui_fill(
                        "Žádné volby teď nejsou vyhlášené. Naposledy se volilo: {0}, {1}. Až budou další volby vyhlášené, najdete je tady.",
                        &[&last.title, &day],
                    );
                }
                None => {
                    r.ui("Žádné volby teď nejsou vyhlášené. Až budou vyhlášené, najdete je tady.")
                }
            }
        } else {
            r.ui("Vyhlášené volby:");
            for e in &v.upcoming {
                r.cz(&e.title);
                for (day, hours) in &e.days {
                    let words = date_words(r.lang, *day);
                    r.push(r.lang, sentence(format!("{words}, {hours}")), false);
                }
            }
        }
        r.ui("Ve které volební místnosti volíte, zjistíte podle ulice, kde bydlíte.");
        r.actions(&["Kde volím?"]);
    }

    fn read_where_to_vote(&self, r: &mut Reader, today: NaiveDate) {
        let v = self.voting(today);
        match self.screen {
            Screen::WhereToVote => {
                r.ui("Kde volím?");
                if v.typed.chars().count() < 2 {
                    r.ui("Napište název ulice, kde bydlíte. Stačí první dvě písmena, háčky a čárky psát nemusíte.");
                } else if v.suggestions.is_empty() {
                    r.ui_fill(
                        "Ulici „{0}“ v seznamu volebních okrsků nemáme. Zkontrolujte název, nebo zavolejte na radnici: {1}.",
                        &[&v.typed, &self.town.phone],
                    );
                } else {
                    if v.closest {
                        r.ui_fill(
                            "Ulici „{}“ v seznamu volebních okrsků nemáme. Měli jste na mysli:",
                            &[&v.typed],
                        );
                    }
                    r.cz_list(v.suggestions.iter().map(String::as_str));
                }
            }
            Screen::HouseNumber => {
                r.ui_fill(
                    "Ulice {} patří do více volebních okrsků. Zadejte číslo domu: číslo orientační, na modré tabulce u vchodu.",
                    &[&v.street],
                );
                if v.outside {
                    r.ui_fill(
                        "Číslo {0} v ulici {1} nepatří do žádného volebního okrsku. Zkontrolujte číslo, nebo zavolejte na radnici: {2}.",
                        &[&v.number, &v.street, &self.town.phone],
                    );
                }
                r.actions(&["Najít"]);
            }
            _ => match &v.district {
                Some(d) => {
                    r.ui("Vaše volební místnost");
                    r.ui_fill("Volební okrsek č. {}", &[&d.number.to_string()]);
                    r.cz(&d.place);
                    r.cz(&d.address);
                    if !d.room.is_empty() {
                        r.ui_fill("Místnost: {}", &[]);
                        r.cz(&d.room);
                    }
                    if let Some(entrance) = &d.entrance {
                        r.cz(entrance);
                    }
                    if let Some(access) = &d.accessibility {
                        r.cz(access);
                    }
                    r.ui("S sebou: občanský průkaz nebo cestovní pas.");
                    r.actions(&["Vytisknout"]);
                }
                None => r.ui_fill(
                    "Volební místnost jsme nenašli. Zavolejte na radnici: {}.",
                    &[&self.town.phone],
                ),
            },
        }
    }

    fn read_board(&self, r: &mut Reader, today: NaiveDate) {
        let v = self.board(today);
        r.ui("Úřední deska");
        if !v.synced {
            r.ui_fill(
                "Úřední deska zatím není stažená z portálu. Vyvěšené dokumenty najdete na úřední desce u radnice. Telefon městského úřadu: {}.",
                &[&self.town.phone],
            );
            return;
        }
        match self.screen {
            Screen::BoardAgendas => {
                r.ui("Vyberte oblast, o kterou se zajímáte.");
                r.cz_list(v.agendas.iter().map(|(title, _)| title.as_str()));
            }
            Screen::BoardNotice => match &v.notice {
                Some(n) => {
                    r.cz(&n.notice.title);
                    if n.expired {
                        r.ui("Doba vyvěšení tohoto oznámení už skončila.");
                    }
                    let posted = n.posted.map(|d| date_words(r.lang, d)).unwrap_or_default();
                    match n.until {
                        Some(until) => r.ui_fill(
                            "vyvěšeno {0}, visí do {1}",
                            &[&posted, &date_words(r.lang, until)],
                        ),
                        None => r.ui_fill("vyvěšeno {0}, visí trvale", &[&posted]),
                    }
                    r.cz(&n.notice.text);
                    let docs = n.notice.documents.len();
                    if docs == 0 {
                        r.ui("Oznámení nemá přiložené dokumenty. Plné znění visí na úřední desce radnice.");
                    } else {
                        r.ui_fill("Dokumentů: {}", &[&docs.to_string()]);
                        r.ui("Naskenujte QR kód telefonem a dokument si otevřete doma.");
                    }
                    r.actions(&["Vytisknout"]);
                }
                None => r.ui("Toto oznámení už na úřední desce nevisí."),
            },
            _ => {
                if v.notices.is_empty() {
                    r.ui("Na úřední desce teď nic není vyvěšeno.");
                    return;
                }
                r.ui_fill(
                    "Vyvěšeno je {} oznámení, nejnovější nahoře.",
                    &[&v.total.to_string()],
                );
                r.cz_list(v.notices.iter().map(|n| n.title.as_str()));
                r.actions(&["Vybrat oblast"]);
            }
        }
    }

    fn read_dashboard_notice(&self, r: &mut Reader, today: NaiveDate) {
        let v = self.board(today);
        r.ui("Oznámení");
        match v.dashboard_notice {
            Some(n) => {
                r.personal(&n.title);
                r.personal(&n.date);
                r.personal(&n.text);
                r.ui_fill("{} z {}", &[&n.position.to_string(), &n.count.to_string()]);
                r.actions(&["Předchozí oznámení", "Další oznámení"]);
            }
            None => r.ui("Oznámení se nepodařilo načíst."),
        }
    }

    fn read_login(&self, r: &mut Reader) {
        let login = self.login_view();
        match login.stage {
            LoginStage::InsertCard => {
                r.ui("Přihlásit se občankou");
                r.ui("Vložte občanský průkaz do čtečky pod obrazovkou, čipem nahoru.");
                r.ui("Budete potřebovat identifikační osobní kód (IOK), 4 až 10 číslic.");
                let mut actions = Vec::new();
                if self.phone_available {
                    actions.push("Přihlásit se telefonem");
                }
                actions.push("Nemám PIN / nevím, jak se přihlásit");
                r.actions(&actions);
            }
            LoginStage::Reading => {
                r.ui("Čtu občanský průkaz…");
                r.ui("Nevytahujte kartu.");
            }
            LoginStage::Pin => {
                if login.wrong_pin {
                    r.ui("Nesprávný IOK.");
                    if login.tries_left == 1 {
                        r.ui("Pozor: další nesprávný IOK kartu zablokuje.");
                    }
                }
                r.ui("Zadejte identifikační osobní kód (IOK)");
                r.ui_fill(
                    "Zbývající pokusy: {} ze {}",
                    &[&login.tries_left.to_string(), &login.tries_max.to_string()],
                );
                r.actions(&["Zrušit"]);
            }
            LoginStage::Verifying => r.ui("Ověřuji vaši totožnost…"),
            LoginStage::Blocked => {
                r.ui("Identifikační osobní kód (IOK) je zablokovaný.");
                r.ui_fill(
                "Odblokovat ho můžete deblokačním osobním kódem (DOK) v aplikaci eObčanka na počítači se čtečkou karet nebo na přepážce občanských průkazů městského úřadu ({}).",
                &[&self.town.address],
            );
                r.ui("Vyjměte prosím kartu.");
            }
            LoginStage::NotEObcanka => {
                r.ui("Tato karta není občanský průkaz s čipem.");
                r.ui("Vyjměte ji prosím a vložte občanský průkaz čipem nahoru.");
            }
            LoginStage::CardMute => {
                r.ui("Kartu se nepodařilo přečíst.");
                r.ui("Možná je vložená obráceně. Vyjměte ji a vložte čipem nahoru, čipem napřed.");
            }
            LoginStage::ReaderProblem => {
                r.ui("Čtečka karet nefunguje.");
                r.ui(
                    "Přihlásit se teď nelze. Obraťte se prosím na obsluhu nebo to zkuste později.",
                );
            }
            LoginStage::ServiceError => {
                r.ui("Přihlášení se nepodařilo.");
                r.ui("Spojení s portálem nefunguje. Zkuste to prosím za chvíli.");
                r.actions(&["Zkusit znovu", "Zrušit"]);
            }
            LoginStage::RemoveCard => {
                r.ui("Nejdříve prosím vyjměte kartu ze čtečky.");
                r.ui("Potom do čtečky vložte svůj občanský průkaz, čipem nahoru.");
            }
        }
    }

    fn read_phone(&self, r: &mut Reader) {
        let v = self.phone_view();
        r.ui("Přihlásit se telefonem");
        match v.stage {
            PhoneStage::Requesting => r.ui("Připravuji kód pro váš telefon…"),
            PhoneStage::Code => {
                r.ui("1. Naskenujte QR kód fotoaparátem telefonu, nebo v telefonu otevřete adresu");
                r.push(
                    Language::Cs,
                    sentence(v.address.replace('.', " tečka ")),
                    false,
                );
                r.ui("2. Zkontrolujte, že telefon ukazuje stejný kód:");
                // Letter by letter: a code is not a word.
                let spelled: Vec<String> = v
                    .user_code
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric())
                    .map(|c| c.to_string())
                    .collect();
                r.push(Language::Cs, sentence(spelled.join(", ")), false);
                r.ui("3. Přihlaste se v telefonu jako na Portálu občana a přihlášení potvrďte.");
                r.actions(&["Zrušit"]);
            }
            PhoneStage::Expired => {
                r.ui("Platnost kódu vypršela.");
                r.ui("Tento kód už nikdo nepotvrdí. Chcete-li se přihlásit telefonem, vyžádejte si nový.");
                r.actions(&["Nový kód", "Zpět na výběr přihlášení"]);
            }
            PhoneStage::Denied => {
                r.ui("Přihlášení bylo v telefonu odmítnuto.");
                r.ui("Nikdo se nepřihlásil. Můžete se přihlásit občankou, nebo telefonem znovu.");
                r.actions(&["Zkusit znovu", "Zpět na výběr přihlášení"]);
            }
            PhoneStage::Failed => {
                r.ui("Přihlášení telefonem teď nefunguje.");
                r.ui("Spojení s portálem se nepodařilo. Přihlaste se prosím občankou, nebo to zkuste za chvíli.");
                r.actions(&["Přihlásit se občankou", "Zkusit znovu"]);
            }
        }
    }

    fn read_login_help(&self, r: &mut Reader) {
        let area = self.area();
        let help = super::login_help(&area.departments);
        r.ui("Jak se přihlásit");
        r.ui("Nemáte IOK, nebo je zablokovaný?");
        r.ui("IOK je PIN vaší občanky: 4 až 10 číslic. Nový vám nastaví na přepážce občanských průkazů; vezměte s sebou občanku.");
        match &help.id_cards {
            Some(place) => {
                r.cz(&place.department);
                r.labelled("Kde", &place.place);
                r.cz(&place.address);
                r.labelled("Dveře", &place.room);
            }
            None => r.ui_fill(
                "Zeptejte se na podatelně městského úřadu, {0}, telefon {1}.",
                &[&self.town.address, &self.town.phone],
            ),
        }
        if self.phone_available {
            r.ui("Přihlášení telefonem");
            r.ui("Přihlašujete se na Portál občana v telefonu? Pak to jde i tady, bez občanky a bez IOK: naskenujete QR kód a v telefonu přihlášení potvrdíte.");
        }
        r.ui("Zaplatit můžete i bez přihlášení");
        r.ui("Poplatky zaplatíte v hotovosti nebo kartou na pokladně městského úřadu, nebo s pomocí úředníka u přepážky.");
        if self.phone_available {
            r.actions(&["Přihlásit se telefonem"]);
        }
    }

    fn read_dashboard(&self, r: &mut Reader) {
        let area = self.area();
        r.ui("Nástěnka");
        if let Some(s) = self.session_view() {
            let greeting = i18n::fill(&r.tr("Dobrý den, {}"), &[&s.first_name]);
            r.push(r.lang, sentence(greeting), true);
        }
        if let Some(d) = &area.dashboard {
            if d.unpaid_count == 0 {
                r.ui("Nemáte žádné neuhrazené platby.");
            } else {
                r.push(
                    r.lang,
                    sentence(i18n::fill(
                        &r.tr("Neuhrazené platby: {}"),
                        &[&d.unpaid_count.to_string()],
                    )),
                    true,
                );
                r.personal(&d.unpaid_total);
                if d.overdue_count > 0 {
                    r.push(
                        r.lang,
                        sentence(i18n::fill(
                            &r.tr("Po splatnosti: {}"),
                            &[&d.overdue_count.to_string()],
                        )),
                        true,
                    );
                }
            }
            if d.open_submissions > 0 {
                r.push(
                    r.lang,
                    sentence(i18n::fill(
                        &r.tr("Rozpracovaná podání: {}"),
                        &[&d.open_submissions.to_string()],
                    )),
                    true,
                );
            }
            for (title, _, _) in d.notices.iter().take(3) {
                r.personal(title);
            }
        }
        r.actions(&[
            "Poplatky a platby",
            "Moje podání",
            "Hlídací pes",
            "Odhlásit se",
        ]);
    }

    fn read_obligations(&self, r: &mut Reader) {
        let area = self.area();
        r.ui("Poplatky a platby");
        if area.to_pay.is_empty() {
            r.ui("Nemáte žádné neuhrazené platby.");
        } else {
            r.ui("K zaplacení");
            for o in area.to_pay.iter().take(LIST_MAX) {
                r.personal(&o.title);
                r.personal(&o.amount);
                if o.overdue {
                    r.ui("Po splatnosti");
                }
            }
            r.actions(&["Zaplatit"]);
        }
    }

    fn read_pay(&self, r: &mut Reader) {
        let area = self.area();
        r.ui("Platba");
        match area.pay_state {
            PayState::Preparing => r.ui("Připravuji platební údaje…"),
            PayState::Expired => {
                r.ui("Platební údaje vypršely.");
                r.actions(&["Připravit nové"]);
            }
            PayState::Failed => {
                r.ui("Platbu se nepodařilo připravit.");
                r.actions(&["Zkusit znovu"]);
            }
            PayState::NotPayable => r.ui("Tuto platbu nelze zaplatit QR kódem. Zaplaťte ji prosím na pokladně městského úřadu."),
            PayState::Paid => {
                r.ui("Zaplaceno");
                r.ui("Děkujeme. Platba byla přijata.");
                r.actions(&["Vytisknout potvrzení o zaplacení"]);
            }
            PayState::Ready => {
                let gateway = area
                    .pay
                    .as_ref()
                    .is_some_and(|(_, pay)| pay.gateway_qr.is_some());
                r.ui(if gateway {
                    "Velký kód naskenujte v mobilní bance (QR platba). Malý kód otevře platbu kartou v telefonu."
                } else {
                    "Naskenujte kód v mobilní bance (QR platba)."
                });
                if let Some((_, pay)) = &area.pay {
                    r.personal_labelled("Částka", &pay.amount);
                    r.personal_labelled("Variabilní symbol", &spell_digits(&pay.vs));
                }
                r.ui("Čekáme na platbu… Až ji banka potvrdí, uvidíte tu „Zaplaceno“.");
                if self.settings.mode != crate::config::Mode::Counter {
                    match super::login_help(&area.departments).cashier {
                        Some(c) if !c.room.is_empty() => r.ui_fill(
                            "Hotově nebo kartou můžete zaplatit také na pokladně městského úřadu: {}, dveře {}.",
                            &[&c.place, &c.room],
                        ),
                        _ => r.ui("Hotově nebo kartou můžete zaplatit také na pokladně městského úřadu."),
                    }
                }
                r.actions(&["Vytisknout platební údaje"]);
            }
        }
    }

    fn read_submissions(&self, r: &mut Reader) {
        let area = self.area();
        r.ui("Moje podání");
        if area.submissions.is_empty() {
            r.ui("Nemáte žádná podání.");
        }
        for s in area.submissions.iter().take(LIST_MAX) {
            r.personal(&s.title);
            r.personal(&s.state_text);
        }
    }
}

/// Digits one by one ("1 2 3"): a symbol is not a number to be said as one.
fn spell_digits(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_digit)
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every phrase [`Kiosk::reading`] may say that the screens do not: the
/// catalogues carry them beside the screens' own (tests/translations.rs).
pub const SPOKEN_PHRASES: [&str; 3] = [PERSONAL_LEFT_OUT, ACTIONS, AND_MORE];
