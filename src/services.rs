//! The service catalogue ("Služby úřadu") as the kiosk shows it: the groups to
//! browse by (life situation or department, with counts), the rows of a list,
//! and a service's detail laid out as KDE / JAK / S KÝM / ZA KOLIK with today's
//! office hours first. Pure: no I/O, no Slint; the texts are the backend's
//! (Czech) made plain, the words around them are the UI's.

use chrono::{Datelike, NaiveDate, Weekday};

use crate::portal::types::{Department, OfficeHours, Service};
use crate::portal::validate::is_https_url;

/// How the catalogue is browsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Browse {
    /// By life situation (the services' categories).
    #[default]
    Categories,
    /// By department (odbor).
    Departments,
}

/// A category or department with the number of its services.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRow {
    pub title: String,
    pub count: usize,
}

/// One service in a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceRow {
    pub id: String,
    pub title: String,
    /// The department (or the summary when no department is named).
    pub note: String,
}

/// What a form's format means for the citizen (worded by the UI).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    /// Print and fill in by hand.
    Pdf,
    /// Sent by datová schránka.
    Zfo,
    /// Filled in on a computer.
    Document,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormRow {
    pub name: String,
    /// "PDF", "ZFO" … as the backend says it.
    pub format: String,
    pub kind: FormKind,
    pub url: String,
    /// False for a link that is not https: shown, but no QR code.
    pub qr: bool,
}

/// Office hours of one day, worded ("8:00–17:00", "nonstop").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayHours {
    pub day: String,
    pub hours: String,
    pub today: bool,
}

/// A service, ready to show.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServiceDetail {
    pub id: String,
    pub title: String,
    pub summary: String,
    // KDE
    pub place: String,
    pub building: String,
    pub address: String,
    pub room: String,
    /// Today's hours first, then the following days.
    pub hours: Vec<DayHours>,
    /// The department has hours but none today.
    pub closed_today: bool,
    // JAK
    pub how: String,
    pub steps: Vec<String>,
    // S KÝM
    pub department: String,
    pub with_whom: String,
    pub contact_name: String,
    pub contact_phone: String,
    // ZA KOLIK
    pub cost: String,
    pub bring: Vec<String>,
    pub deadlines: String,
    pub forms: Vec<FormRow>,
    /// The reservation system's page ("Objednat se").
    pub reservation: Option<String>,
    /// The backend gave a reservation link that is not https (no QR code).
    pub reservation_refused: bool,
    /// What the slip's QR code points to (the reservation, else the service's page).
    pub slip_url: Option<String>,
}

/// Backend text as plain text: markup removed (never interpreted), the common
/// entities decoded, white space collapsed, no "null".
pub fn plain_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' if !in_tag => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if in_tag => {}
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    let collapsed = decoded.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.eq_ignore_ascii_case("null") || collapsed.eq_ignore_ascii_case("undefined") {
        String::new()
    } else {
        collapsed.replace(" .", ".").replace(" ,", ",")
    }
}

fn plain_list(items: &[String]) -> Vec<String> {
    items
        .iter()
        .map(|s| plain_text(s))
        .filter(|s| !s.is_empty())
        .collect()
}

/// The categories in Czech alphabetical order (diacritics after their letter,
/// roughly), each with its services.
pub fn categories(services: &[Service]) -> Vec<GroupRow> {
    let mut groups: Vec<GroupRow> = Vec::new();
    for s in services {
        for c in &s.categories {
            let c = plain_text(c);
            if c.is_empty() {
                continue;
            }
            match groups.iter_mut().find(|g| g.title == c) {
                Some(g) => g.count += 1,
                None => groups.push(GroupRow { title: c, count: 1 }),
            }
        }
    }
    groups.sort_by_key(|g| crate::store::fold(&g.title));
    groups
}

/// The departments that handle at least one service, in the directory's order.
pub fn departments(services: &[Service], directory: &[Department]) -> Vec<(String, GroupRow)> {
    directory
        .iter()
        .filter_map(|d| {
            let count = services.iter().filter(|s| s.department_id == d.id).count();
            (count > 0).then(|| {
                (
                    d.id.clone(),
                    GroupRow {
                        title: plain_text(&d.name),
                        count,
                    },
                )
            })
        })
        .collect()
}

/// A service as a row of a list.
pub fn row(s: &Service, directory: &[Department]) -> ServiceRow {
    let note = directory
        .iter()
        .find(|d| d.id == s.department_id)
        .map(|d| plain_text(&d.name))
        .unwrap_or_else(|| plain_text(&s.summary));
    ServiceRow {
        id: s.id.clone(),
        title: plain_text(&s.title),
        note,
    }
}

/// "08:00" → "8:00".
fn clock(t: &str) -> String {
    t.strip_prefix('0')
        .filter(|rest| rest.len() == 4)
        .unwrap_or(t)
        .to_string()
}

/// The Czech name of a weekday, as the backend writes office-hour days.
pub fn czech_weekday(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "pondělí",
        Weekday::Tue => "úterý",
        Weekday::Wed => "středa",
        Weekday::Thu => "čtvrtek",
        Weekday::Fri => "pátek",
        Weekday::Sat => "sobota",
        Weekday::Sun => "neděle",
    }
}

/// A department's office hours worded, from today on (today first, marked):
/// several spans of one day on one line, 00:00–23:59 as "nonstop".
pub fn hours_from_today(hours: &[OfficeHours], today: NaiveDate) -> Vec<DayHours> {
    let mut days: Vec<DayHours> = Vec::new();
    for h in hours {
        let day = plain_text(&h.day);
        let span = if h.from == "00:00" && (h.to == "23:59" || h.to == "24:00") {
            "nonstop".to_string()
        } else {
            format!("{}–{}", clock(&h.from), clock(&h.to))
        };
        match days.iter_mut().find(|d| d.day == day) {
            Some(d) => {
                d.hours.push_str(", ");
                d.hours.push_str(&span);
            }
            None => days.push(DayHours {
                day,
                hours: span,
                today: false,
            }),
        }
    }
    // Rotate so that today (or the next day with hours) comes first.
    let order = |d: &DayHours| {
        let idx = (0..7).find(|i| {
            let wd = Weekday::try_from(*i as u8).unwrap_or(Weekday::Mon);
            czech_weekday(wd) == d.day.to_lowercase()
        });
        idx.map(|i| (i + 7 - today.weekday().num_days_from_monday()) % 7)
            .unwrap_or(7)
    };
    days.sort_by_key(order);
    let today_name = czech_weekday(today.weekday());
    for d in &mut days {
        d.today = d.day.to_lowercase() == today_name;
    }
    days
}

fn form_kind(format: &str) -> FormKind {
    match format.trim().to_ascii_uppercase().as_str() {
        "PDF" => FormKind::Pdf,
        "ZFO" => FormKind::Zfo,
        "DOC" | "DOCX" | "ODT" | "RTF" => FormKind::Document,
        _ => FormKind::Other,
    }
}

/// A service laid out for its screen, with its department's place and hours.
pub fn detail(s: &Service, directory: &[Department], today: NaiveDate) -> ServiceDetail {
    let department = directory.iter().find(|d| d.id == s.department_id);
    let hours = department
        .map(|d| hours_from_today(&d.office_hours, today))
        .unwrap_or_default();
    let closed_today = !hours.is_empty() && !hours.iter().any(|h| h.today);
    let (contact_name, contact_phone) = s
        .contact
        .as_ref()
        .map(|c| (plain_text(&c.name), plain_text(&c.phone)))
        .unwrap_or_default();
    let reservation_given = s
        .reservation_url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty());
    let reservation = reservation_given
        .filter(|u| is_https_url(u))
        .map(str::to_string);
    let page = s
        .url
        .as_deref()
        .map(str::trim)
        .filter(|u| is_https_url(u))
        .map(str::to_string);
    ServiceDetail {
        id: s.id.clone(),
        title: plain_text(&s.title),
        summary: plain_text(&s.summary),
        place: plain_text(&s.where_),
        building: department
            .map(|d| plain_text(&d.building))
            .unwrap_or_default(),
        address: department
            .map(|d| plain_text(&d.address))
            .unwrap_or_default(),
        room: plain_text(&s.room),
        hours,
        closed_today,
        how: plain_text(&s.how),
        steps: plain_list(&s.steps),
        department: department.map(|d| plain_text(&d.name)).unwrap_or_default(),
        with_whom: plain_text(&s.with_whom),
        contact_name,
        contact_phone,
        cost: plain_text(&s.cost),
        bring: plain_list(&s.bring),
        deadlines: plain_text(&s.deadlines),
        forms: s
            .forms
            .iter()
            .map(|f| FormRow {
                name: plain_text(&f.name),
                format: plain_text(&f.format),
                kind: form_kind(&f.format),
                url: f.url.trim().to_string(),
                qr: is_https_url(f.url.trim()),
            })
            .filter(|f| !f.name.is_empty() || !f.url.is_empty())
            .collect(),
        reservation_refused: reservation_given.is_some() && reservation.is_none(),
        slip_url: reservation.clone().or(page),
        reservation,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portal::types::{Form, ServiceContact};

    fn service() -> Service {
        serde_json::from_value(serde_json::json!({
            "id": "x", "title": "Vydání <b>občanského</b> průkazu", "updatedAt": "2026-01-01"
        }))
        .unwrap()
    }

    fn hours(day: &str, from: &str, to: &str) -> OfficeHours {
        OfficeHours {
            day: day.into(),
            from: from.into(),
            to: to.into(),
        }
    }

    #[test]
    fn markup_is_shown_as_plain_text() {
        assert_eq!(
            plain_text("<p>Přijďte <script>alert(1)</script>osobně&nbsp;&amp; včas.</p>"),
            "Přijďte alert(1) osobně & včas."
        );
        assert_eq!(plain_text("null"), "");
        assert_eq!(plain_text("a < b"), "a");
        assert_eq!(plain_text("1 &lt; 2"), "1 < 2");
    }

    #[test]
    fn a_service_with_only_a_title_has_no_empty_parts() {
        let d = detail(
            &service(),
            &[],
            NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
        );
        assert_eq!(d.title, "Vydání občanského průkazu");
        assert!(d.place.is_empty() && d.how.is_empty() && d.cost.is_empty());
        assert!(d.hours.is_empty() && !d.closed_today);
        assert!(d.forms.is_empty() && d.reservation.is_none() && d.slip_url.is_none());
    }

    #[test]
    fn links_that_are_not_https_get_no_qr_code() {
        let mut s = service();
        s.forms = vec![
            Form {
                name: "Žádost".into(),
                format: "ZFO".into(),
                url: "https://obcan.litomerice.cz/f.zfo".into(),
            },
            Form {
                name: "Stará".into(),
                format: "pdf".into(),
                url: "http://example.cz/f.pdf".into(),
            },
        ];
        s.reservation_url = Some("ftp://rezervace".into());
        s.url = Some("https://obcan.litomerice.cz/sluzby/x".into());
        s.contact = Some(ServiceContact {
            name: "Hana Pokorná".into(),
            phone: "+420 416 916 126".into(),
        });
        let d = detail(&s, &[], NaiveDate::from_ymd_opt(2026, 12, 7).unwrap());
        assert_eq!(d.forms[0].kind, FormKind::Zfo);
        assert!(d.forms[0].qr);
        assert_eq!(d.forms[1].kind, FormKind::Pdf);
        assert!(!d.forms[1].qr);
        assert!(d.reservation.is_none() && d.reservation_refused);
        assert_eq!(
            d.slip_url.as_deref(),
            Some("https://obcan.litomerice.cz/sluzby/x")
        );
        assert_eq!(d.contact_phone, "+420 416 916 126");
    }

    #[test]
    fn office_hours_start_today_and_say_nonstop() {
        let list = [
            hours("pondělí", "08:00", "12:00"),
            hours("pondělí", "13:00", "17:00"),
            hours("středa", "08:00", "17:00"),
            hours("pátek", "00:00", "23:59"),
        ];
        // 2026-12-09 is a Wednesday.
        let days = hours_from_today(&list, NaiveDate::from_ymd_opt(2026, 12, 9).unwrap());
        let shown: Vec<(&str, &str, bool)> = days
            .iter()
            .map(|d| (d.day.as_str(), d.hours.as_str(), d.today))
            .collect();
        assert_eq!(
            shown,
            vec![
                ("středa", "8:00–17:00", true),
                ("pátek", "nonstop", false),
                ("pondělí", "8:00–12:00, 13:00–17:00", false),
            ]
        );
        // A Tuesday: closed today, Wednesday comes first.
        let days = hours_from_today(&list, NaiveDate::from_ymd_opt(2026, 12, 8).unwrap());
        assert_eq!(days[0].day, "středa");
        assert!(!days.iter().any(|d| d.today));
    }

    #[test]
    fn categories_are_counted_and_sorted() {
        let mut a = service();
        a.categories = vec!["Psi a zvířata".into(), "Doklady".into()];
        let mut b = service();
        b.categories = vec!["Doklady".into()];
        let groups = categories(&[a, b]);
        assert_eq!(
            groups,
            vec![
                GroupRow {
                    title: "Doklady".into(),
                    count: 2
                },
                GroupRow {
                    title: "Psi a zvířata".into(),
                    count: 1
                }
            ]
        );
    }
}
