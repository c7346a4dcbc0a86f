//! "Kde volím?": from a street and a house number to the polling district,
//! over the synced elections data. Street suggestions while typing (after two
//! letters, diacritics and case ignored, names that start with what was typed
//! first, then names with a word that does, then names that contain it; the
//! closest names by edit distance when nothing matches), whether a street is
//! split between districts and by which house numbers, which election comes
//! next (or which was the last), and the dates in Czech words.
//!
//! Pure functions over [`ElectionInfo`]: no I/O, so the flow core uses them on
//! every keystroke and the store wraps them for its callers. Nothing here is
//! personal: a street and a number typed at a public kiosk are not kept.

use chrono::{Datelike, NaiveDate};

use crate::portal::types::{Election, ElectionInfo, PollingDistrict};
use crate::portal::validate::{HouseNumbers, parse_numbers};

/// Letters needed before suggestions appear.
pub const SUGGEST_FROM: usize = 2;

/// A street as the lookup knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Street {
    /// As the town writes it ("Boženy Němcové").
    pub name: String,
    /// Lower-case, without diacritics or punctuation ("bozeny nemcove").
    key: String,
    /// Which house numbers vote in which district, in the data's order.
    pub ranges: Vec<StreetPart>,
}

/// One district's part of a street.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreetPart {
    pub district: u32,
    pub numbers: HouseNumbers,
}

impl Street {
    /// Whether the street's house numbers vote in more than one district.
    pub fn is_split(&self) -> bool {
        self.ranges
            .iter()
            .any(|r| r.district != self.ranges[0].district)
    }

    /// The district of house number `n` (None: outside every range).
    pub fn district_of(&self, n: u32) -> Option<u32> {
        self.ranges
            .iter()
            .find(|r| r.numbers.contains(n))
            .map(|r| r.district)
    }
}

/// What the street field should offer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Suggestions {
    pub names: Vec<String>,
    /// No street matches what was typed: `names` are the closest by spelling.
    pub closest: bool,
}

/// Every street of the town, ready to be searched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StreetIndex {
    /// Sorted by their key (Czech alphabetical order, diacritics folded).
    streets: Vec<Street>,
}

impl StreetIndex {
    pub fn new(info: &ElectionInfo) -> StreetIndex {
        let mut streets: Vec<Street> = Vec::new();
        for d in &info.districts {
            for r in &d.streets {
                let Some(numbers) = parse_numbers(&r.numbers) else {
                    continue;
                };
                let key = search_key(&r.street);
                let part = StreetPart {
                    district: d.number,
                    numbers,
                };
                match streets.iter_mut().find(|s| s.key == key) {
                    Some(s) => s.ranges.push(part),
                    None => streets.push(Street {
                        name: r.street.trim().to_string(),
                        key,
                        ranges: vec![part],
                    }),
                }
            }
        }
        streets.sort_by(|a, b| a.key.cmp(&b.key).then_with(|| a.name.cmp(&b.name)));
        StreetIndex { streets }
    }

    /// From the street names alone, for callers that have no districts (a
    /// store query of the names; benchmarks).
    pub fn from_names<'a>(names: impl IntoIterator<Item = &'a str>) -> StreetIndex {
        let mut streets: Vec<Street> = names
            .into_iter()
            .map(|n| Street {
                name: n.trim().to_string(),
                key: search_key(n),
                ranges: Vec::new(),
            })
            .collect();
        streets.sort_by(|a, b| a.key.cmp(&b.key).then_with(|| a.name.cmp(&b.name)));
        streets.dedup_by(|a, b| a.key == b.key);
        StreetIndex { streets }
    }

    pub fn len(&self) -> usize {
        self.streets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.streets.is_empty()
    }

    /// The street with this name (diacritics, case and punctuation ignored).
    pub fn street(&self, name: &str) -> Option<&Street> {
        let key = search_key(name);
        self.streets.iter().find(|s| s.key == key)
    }

    /// At most `limit` streets for what was typed (nothing before two letters).
    pub fn suggest(&self, typed: &str, limit: usize) -> Suggestions {
        let key = search_key(typed);
        if key.chars().filter(|c| c.is_alphanumeric()).count() < SUGGEST_FROM || limit == 0 {
            return Suggestions::default();
        }
        // Rank 0: the name starts with it; 1: a later word does; 2: it is inside.
        let mut ranked: Vec<(u8, &Street)> = Vec::new();
        for s in &self.streets {
            let rank = if s.key.starts_with(&key) {
                0
            } else if s
                .key
                .match_indices(&key)
                .any(|(i, _)| s.key[..i].ends_with(' '))
            {
                1
            } else if s.key.contains(&key) {
                2
            } else {
                continue;
            };
            ranked.push((rank, s));
        }
        if !ranked.is_empty() {
            // Stable: within a rank the index's alphabetical order stays.
            ranked.sort_by_key(|(rank, _)| *rank);
            return Suggestions {
                names: ranked
                    .into_iter()
                    .take(limit)
                    .map(|(_, s)| s.name.clone())
                    .collect(),
                closest: false,
            };
        }
        Suggestions {
            names: self.closest(&key, limit),
            closest: true,
        }
    }

    /// The streets spelled most like `key`: against the whole name, each of its
    /// words, and its beginning as long as what was typed (a name typed half
    /// way with a mistake in it).
    fn closest(&self, key: &str, limit: usize) -> Vec<String> {
        let typed: Vec<char> = key.chars().collect();
        // A third of the letters wrong at most: further names help nobody.
        let most = (typed.len() / 3).max(2);
        let mut scored: Vec<(usize, &Street)> = self
            .streets
            .iter()
            .filter_map(|s| {
                let whole: Vec<char> = s.key.chars().collect();
                let start: Vec<char> = whole.iter().copied().take(typed.len()).collect();
                let words = s.key.split(' ').map(|w| w.chars().collect::<Vec<char>>());
                let best = std::iter::once(edit_distance(&typed, &whole))
                    .chain(std::iter::once(edit_distance(&typed, &start) + 1))
                    .chain(words.map(|w| edit_distance(&typed, &w)))
                    .min()?;
                (best <= most).then_some((best, s))
            })
            .collect();
        scored.sort_by_key(|(d, _)| *d);
        scored
            .into_iter()
            .take(limit)
            .map(|(_, s)| s.name.clone())
            .collect()
    }
}

/// A name as the search compares it: lower case, no diacritics, punctuation
/// and runs of spaces as one space ("Kpt. Jaroše" → "kpt jarose").
pub fn search_key(text: &str) -> String {
    let folded = crate::store::fold(text);
    let mut out = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Levenshtein distance (insertions, deletions, substitutions), two rows.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut row = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = prev[j] + usize::from(ca != cb);
            row[j + 1] = substitution.min(prev[j + 1] + 1).min(row[j] + 1);
        }
        std::mem::swap(&mut prev, &mut row);
    }
    prev[b.len()]
}

/// Where an address votes, as the screen needs to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// Not a street of the town.
    UnknownStreet,
    /// The street is split: the house number decides.
    NeedsNumber,
    /// No district takes this house number of the street.
    NumberOutside,
    Found(u32),
}

/// Looks up a street (and, for a split street, a house number).
pub fn lookup(index: &StreetIndex, street: &str, number: Option<u32>) -> Lookup {
    let Some(s) = index.street(street) else {
        return Lookup::UnknownStreet;
    };
    match number {
        // A street that is not split needs no number; a number given for it
        // is still checked ("Dlouhá 1200" may be outside every range).
        None if !s.is_split() => match &s.ranges[..] {
            [only] if only.numbers == HouseNumbers::All => Lookup::Found(only.district),
            [] => Lookup::UnknownStreet,
            _ => Lookup::NeedsNumber,
        },
        None => Lookup::NeedsNumber,
        Some(n) => s
            .district_of(n)
            .map_or(Lookup::NumberOutside, Lookup::Found),
    }
}

/// Which elections the screen speaks of on `today`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ElectionSchedule {
    /// Elections with a voting day today or later, the soonest first.
    pub upcoming: Vec<Election>,
    /// The most recent election entirely in the past (for "no election is
    /// scheduled; the last one was …").
    pub last: Option<Election>,
}

pub fn schedule(info: &ElectionInfo, today: NaiveDate) -> ElectionSchedule {
    let mut upcoming: Vec<Election> = info
        .elections
        .iter()
        .filter(|e| e.days.iter().any(|d| *d >= today))
        .cloned()
        .collect();
    upcoming.sort_by_key(|e| e.days.iter().copied().filter(|d| *d >= today).min());
    let last = info
        .elections
        .iter()
        .filter(|e| !e.days.is_empty() && e.days.iter().all(|d| *d < today))
        .max_by_key(|e| e.days.iter().copied().max())
        .cloned();
    ElectionSchedule { upcoming, last }
}

/// The district with this number.
pub fn district(info: &ElectionInfo, number: u32) -> Option<&PollingDistrict> {
    info.districts.iter().find(|d| d.number == number)
}

const WEEKDAYS: [&str; 7] = [
    "pondělí",
    "úterý",
    "středa",
    "čtvrtek",
    "pátek",
    "sobota",
    "neděle",
];
const MONTHS_GENITIVE: [&str; 12] = [
    "ledna",
    "února",
    "března",
    "dubna",
    "května",
    "června",
    "července",
    "srpna",
    "září",
    "října",
    "listopadu",
    "prosince",
];

/// "3. listopadu 2026".
pub fn date_in_words(d: NaiveDate) -> String {
    format!(
        "{}. {} {}",
        d.day(),
        MONTHS_GENITIVE[d.month0() as usize],
        d.year()
    )
}

/// "pátek 2. října".
pub fn day_in_words(d: NaiveDate) -> String {
    format!(
        "{} {}. {}",
        WEEKDAYS[d.weekday().num_days_from_monday() as usize],
        d.day(),
        MONTHS_GENITIVE[d.month0() as usize]
    )
}

/// "pátek 2. října 14:00–22:00 a sobota 3. října 8:00–14:00".
pub fn days_in_words(e: &Election) -> String {
    let parts: Vec<String> = e
        .days
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let hours = e.hours.get(i).map(String::as_str).unwrap_or("").trim();
            if hours.is_empty() {
                day_in_words(*d)
            } else {
                format!("{} {hours}", day_in_words(*d))
            }
        })
        .collect();
    match parts.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} a {last}", init.join(", ")),
    }
}

/// A link a phone opens for the polling room's map: an https link as the town
/// gave it, or for a `geo:` point the same point on Mapy.cz (a phone's camera
/// app does not open `geo:` URIs everywhere). None for anything else.
pub fn map_link(map: &str) -> Option<String> {
    let map = map.trim();
    if map.starts_with("https://") && !map.contains(char::is_whitespace) {
        return Some(map.to_string());
    }
    let (lat, lon) = geo_point(map)?;
    Some(format!(
        "https://mapy.cz/fnc/v1/showmap?center={lon},{lat}&zoom=17&marker=true"
    ))
}

/// The latitude and longitude of a `geo:LAT,LON[,ALT][;…]` URI, if on the globe.
pub fn geo_point(map: &str) -> Option<(f64, f64)> {
    let rest = map.trim().strip_prefix("geo:")?;
    let coordinates = rest.split(';').next()?;
    let mut parts = coordinates.split(',');
    let lat: f64 = parts.next()?.trim().parse().ok()?;
    let lon: f64 = parts.next()?.trim().parse().ok()?;
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portal::types::StreetRange;

    fn info() -> ElectionInfo {
        let district = |n: u32, streets: &[(&str, &str)]| PollingDistrict {
            number: n,
            place: format!("Škola {n}"),
            address: "Litoměřice".into(),
            room: "přízemí".into(),
            entrance: None,
            accessibility: None,
            map: None,
            streets: streets
                .iter()
                .map(|(s, r)| StreetRange {
                    street: (*s).into(),
                    numbers: (*r).into(),
                })
                .collect(),
        };
        let election = |id: &str, days: &[&str]| Election {
            id: id.into(),
            title: id.into(),
            days: days.iter().map(|d| d.parse().unwrap()).collect(),
            hours: vec!["14:00–22:00".into(), "8:00–14:00".into()],
        };
        ElectionInfo {
            elections: vec![
                election("kraj-2028", &["2028-10-06", "2028-10-07"]),
                election("obce-2026", &["2026-10-02", "2026-10-03"]),
                election("prezident-2028", &["2028-01-14", "2028-01-15"]),
                election("snemovna-2025", &["2025-10-03", "2025-10-04"]),
            ],
            districts: vec![
                district(
                    1,
                    &[
                        ("Dlouhá", "odd"),
                        ("Na Valech", "all"),
                        ("Boženy Němcové", "all"),
                    ],
                ),
                district(
                    2,
                    &[
                        ("Dlouhá", "even"),
                        ("Kpt. Jaroše", "all"),
                        ("Dlážděná", "all"),
                    ],
                ),
                district(7, &[("Masarykova", "1-40"), ("Palackého", "all")]),
                district(8, &[("Masarykova", "41-300"), ("Mírové náměstí", "all")]),
            ],
        }
    }

    fn names(s: Suggestions) -> Vec<String> {
        s.names
    }

    #[test]
    fn suggestions_start_at_two_letters_and_ignore_diacritics_and_case() {
        let index = StreetIndex::new(&info());
        assert_eq!(index.len(), 8);
        assert!(names(index.suggest("d", 8)).is_empty());
        assert!(names(index.suggest(" D. ", 8)).is_empty());
        assert_eq!(names(index.suggest("dl", 8)), ["Dlážděná", "Dlouhá"]);
        assert_eq!(names(index.suggest("DLA", 8)), ["Dlážděná"]);
        assert_eq!(names(index.suggest("mírové", 8)), ["Mírové náměstí"]);
        assert_eq!(names(index.suggest("kpt jar", 8)), ["Kpt. Jaroše"]);
    }

    #[test]
    fn names_that_start_with_it_come_first_then_words_then_inside() {
        let index = StreetIndex::new(&info());
        // "na": Na Valech starts with it; Mírové náměstí has a word that does;
        // Dlážděná only contains it.
        assert_eq!(
            names(index.suggest("na", 8)),
            ["Na Valech", "Mírové náměstí", "Dlážděná"]
        );
        assert_eq!(
            names(index.suggest("na", 2)),
            ["Na Valech", "Mírové náměstí"]
        );
        let s = index.suggest("ova", 8);
        assert!(!s.closest);
        assert_eq!(s.names, ["Masarykova"]);
    }

    #[test]
    fn an_unknown_street_gets_the_closest_names() {
        let index = StreetIndex::new(&info());
        let s = index.suggest("Masarikova", 3);
        assert!(s.closest);
        assert_eq!(s.names[0], "Masarykova");
        let s = index.suggest("Nemcova", 3);
        assert!(s.closest);
        assert_eq!(s.names, ["Boženy Němcové"]);
        let s = index.suggest("Dluha", 3);
        assert_eq!(s.names.first().map(String::as_str), Some("Dlouhá"), "{s:?}");
        let far = index.suggest("Xyzzyqwerty", 3);
        assert!(far.closest && far.names.is_empty());
    }

    #[test]
    fn split_streets_need_a_number_and_say_which_numbers_vote_where() {
        let index = StreetIndex::new(&info());
        let dlouha = index.street("dlouha").unwrap();
        assert!(dlouha.is_split());
        assert_eq!(dlouha.ranges.len(), 2);
        assert_eq!(dlouha.district_of(7), Some(1));
        assert_eq!(dlouha.district_of(8), Some(2));
        assert!(!index.street("Na Valech").unwrap().is_split());
        assert_eq!(lookup(&index, "Na Valech", None), Lookup::Found(1));
        assert_eq!(lookup(&index, "Dlouhá", None), Lookup::NeedsNumber);
        assert_eq!(lookup(&index, "Dlouhá", Some(12)), Lookup::Found(2));
        assert_eq!(lookup(&index, "Masarykova", Some(40)), Lookup::Found(7));
        assert_eq!(lookup(&index, "Masarykova", Some(41)), Lookup::Found(8));
        assert_eq!(
            lookup(&index, "Masarykova", Some(301)),
            Lookup::NumberOutside
        );
        assert_eq!(lookup(&index, "Masarykova", Some(0)), Lookup::NumberOutside);
        assert_eq!(lookup(&index, "Hlavní", None), Lookup::UnknownStreet);
    }

    #[test]
    fn the_next_election_or_the_last_one() {
        let i = info();
        let on = |d: &str| schedule(&i, d.parse().unwrap());
        let s = on("2026-12-05");
        let ids: Vec<&str> = s.upcoming.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["prezident-2028", "kraj-2028"]);
        assert_eq!(s.last.unwrap().id, "obce-2026");
        // On the second voting day it is still upcoming.
        assert_eq!(on("2026-10-03").upcoming[0].id, "obce-2026");
        let after = on("2029-01-01");
        assert!(after.upcoming.is_empty());
        assert_eq!(after.last.unwrap().id, "kraj-2028");
        assert_eq!(on("2020-01-01").last, None);
    }

    #[test]
    fn dates_in_czech_words() {
        let i = info();
        let obce = i.elections.iter().find(|e| e.id == "obce-2026").unwrap();
        assert_eq!(
            days_in_words(obce),
            "pátek 2. října 14:00–22:00 a sobota 3. října 8:00–14:00"
        );
        assert_eq!(
            date_in_words("2026-11-03".parse().unwrap()),
            "3. listopadu 2026"
        );
        let three = Election {
            days: ["2026-01-01", "2026-01-02", "2026-01-03"]
                .map(|d| d.parse().unwrap())
                .to_vec(),
            hours: vec![],
            ..obce.clone()
        };
        assert_eq!(
            days_in_words(&three),
            "čtvrtek 1. ledna, pátek 2. ledna a sobota 3. ledna"
        );
    }

    #[test]
    fn map_links_for_phones() {
        assert_eq!(
            map_link("geo:50.53492,14.12938").as_deref(),
            Some("https://mapy.cz/fnc/v1/showmap?center=14.12938,50.53492&zoom=17&marker=true")
        );
        assert_eq!(
            map_link("https://mapa.litomerice.cz/?okrsek=1").as_deref(),
            Some("https://mapa.litomerice.cz/?okrsek=1")
        );
        assert_eq!(geo_point("geo:50.5,14.1;u=35"), Some((50.5, 14.1)));
        for bad in [
            "geo:91,14",
            "geo:50",
            "http://mapa.cz/",
            "javascript:x",
            "geo:a,b",
        ] {
            assert_eq!(map_link(bad), None, "{bad}");
        }
    }
}
