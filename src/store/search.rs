//! Full-text search of the service catalogue and the contacts, in SQLite FTS5.
//!
//! The index is rebuilt from the stored records whenever services or contacts
//! are replaced (in the same transaction), so it never disagrees with them.
//! Words are folded (lower case, no Czech diacritics: FTS5's `unicode61
//! remove_diacritics 2` tokenizer does the same to the indexed text), matched
//! by prefix after a crude Czech stem ("občanku" → `obcan*` finds "občanský
//! průkaz"), and a word of five or more letters that matches nothing is
//! widened to the indexed words at most one edit away ("prihlasneí" → "prihlaseni").
//! Every word must match; when that finds nothing, any word may (ranked by how
//! many match). Ranking: BM25 over weighted columns (title ≫ keywords >
//! department = people > the rest), services whose title holds every word first.
//!
//! Slow enough (a millisecond or two) to belong on a background thread: the
//! kiosk asks through [`crate::search`], never from the UI thread.

use rusqlite::{Connection, params};

use super::{Result, fold, stem};
use crate::portal::types::{Department, Service};

/// FTS5's tokenizer as both indexes use it.
pub(super) const MIGRATION: &str = "CREATE VIRTUAL TABLE services_fts USING fts5(
         id UNINDEXED, title, keywords, department, people, body,
         tokenize = 'unicode61 remove_diacritics 2');
     CREATE VIRTUAL TABLE services_terms USING fts5vocab(services_fts, 'row');
     CREATE VIRTUAL TABLE contacts_fts USING fts5(
         department UNINDEXED, person UNINDEXED, name, role, phone, place,
         tokenize = 'unicode61 remove_diacritics 2');
     CREATE VIRTUAL TABLE contacts_terms USING fts5vocab(contacts_fts, 'row');";

/// Words that carry no meaning in a citizen's question ("ztratil jsem občanku").
const STOP_WORDS: &[&str] = &[
    "a",
    "i",
    "v",
    "ve",
    "na",
    "do",
    "z",
    "ze",
    "s",
    "se",
    "si",
    "k",
    "ke",
    "o",
    "u",
    "pro",
    "jak",
    "kde",
    "co",
    "jsem",
    "jsme",
    "je",
    "mi",
    "me",
    "mne",
    "chci",
    "potrebuji",
    "muj",
    "moje",
    "moji",
    "svuj",
    "svou",
    "sve",
    "za",
    "po",
    "od",
    "bych",
    "by",
    "to",
    "nebo",
    "the",
    "of",
];

/// How many indexed words a misspelt word may stand for.
const MAX_NEAR: usize = 24;

/// A contact found: a department, or one of its people (an index into `people`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactHit {
    pub department_id: String,
    pub person: Option<usize>,
}

/// Rebuilds both indexes from the `services` and `departments` tables.
pub(super) fn rebuild(conn: &Connection) -> Result<()> {
    let departments: Vec<Department> =
        super::read_json(conn, "SELECT json FROM departments ORDER BY position")?;
    let services: Vec<Service> =
        super::read_json(conn, "SELECT json FROM services ORDER BY position")?;
    conn.execute("DELETE FROM services_fts", [])?;
    conn.execute("DELETE FROM contacts_fts", [])?;
    let mut insert = conn.prepare(
        "INSERT INTO services_fts (id, title, keywords, department, people, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for s in &services {
        let department = departments
            .iter()
            .find(|d| d.id == s.department_id)
            .map(|d| d.name.as_str())
            .unwrap_or_default();
        let mut keywords = s.keywords.join(" ");
        keywords.push(' ');
        keywords.push_str(&s.categories.join(" "));
        let people = s
            .contact
            .as_ref()
            .map(|c| format!("{} {}", c.name, digit_suffixes(&c.phone)))
            .unwrap_or_default();
        let body = [
            s.summary.as_str(),
            &s.where_,
            &s.room,
            &s.how,
            &s.steps.join(" "),
            &s.with_whom,
            &s.cost,
            &s.bring.join(" "),
            &s.deadlines,
        ]
        .join(" ");
        insert.execute(params![s.id, s.title, keywords, department, people, body])?;
    }
    let mut insert = conn.prepare(
        "INSERT INTO contacts_fts (department, person, name, role, phone, place)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for d in &departments {
        let place = format!("{} {}", d.building, d.address);
        insert.execute(params![
            d.id,
            Option::<i64>::None,
            d.name,
            "",
            digit_suffixes(&d.phone),
            place
        ])?;
        for (i, p) in d.people.iter().enumerate() {
            insert.execute(params![
                d.id,
                i as i64,
                p.name,
                p.role,
                digit_suffixes(&p.phone),
                p.room
            ])?;
        }
    }
    Ok(())
}

/// A phone number as tokens that match any tail of it by prefix: "+420 416 916
/// 126" → "420416916126 20416916126 … 126", so "916126", "916 126" and "126"
/// all find it.
fn digit_suffixes(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let mut out = Vec::new();
    for start in 0..digits.len().saturating_sub(2) {
        out.push(&digits[start..]);
    }
    out.join(" ")
}

/// The words of a query, folded, without stop words (all kept when every one
/// is a stop word: "kde" alone is still a question).
fn words(query: &str) -> Vec<String> {
    let all: Vec<String> = fold(query)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let meaningful: Vec<String> = all
        .iter()
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .cloned()
        .collect();
    if meaningful.is_empty() {
        all
    } else {
        meaningful
    }
}

/// Optimal string alignment distance, stopping early above 1 (only "one edit
/// away" matters here).
fn within_one_edit(a: &[char], b: &[char]) -> bool {
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let (n, m) = (a.len(), b.len());
    let mut prev2 = vec![0usize; m + 1];
    let mut prev: Vec<usize> = (0..=m).collect();
    let mut cur = vec![0usize; m + 1];
    for i in 1..=n {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
            row_min = row_min.min(d);
        }
        if row_min > 1 {
            return false;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[m] <= 1
}

/// Indexed words one edit away from `word` — as a whole word, or as the start
/// of a longer one (the citizen may not have finished typing).
fn near_terms(conn: &Connection, vocab: &str, word: &str) -> Result<Vec<String>> {
    let w: Vec<char> = word.chars().collect();
    let mut stmt = conn.prepare_cached(&format!("SELECT term FROM {vocab}"))?;
    let mut rows = stmt.query([])?;
    let mut near = Vec::new();
    while let Some(row) = rows.next()? {
        let term: String = row.get(0)?;
        let t: Vec<char> = term.chars().collect();
        let close = within_one_edit(&w, &t)
            || (t.len() > w.len()
                && (within_one_edit(&w, &t[..w.len()]) || within_one_edit(&w, &t[..w.len() + 1])));
        if close {
            near.push(term);
            if near.len() >= MAX_NEAR {
                break;
            }
        }
    }
    Ok(near)
}

/// Whether any indexed word starts with `prefix`.
fn has_prefix(conn: &Connection, vocab: &str, prefix: &str) -> Result<bool> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT 1 FROM {vocab} WHERE term >= ?1 AND term < ?1 || char(1114111) LIMIT 1"
    ))?;
    Ok(stmt.exists([prefix])?)
}

/// A word's stem for matching by prefix; numbers (a phone, a room) are kept whole.
fn word_stem(word: &str) -> String {
    if word.chars().all(|c| c.is_ascii_digit()) {
        word.to_string()
    } else {
        stem(word)
    }
}

/// One FTS5 group per query word: its stem as a prefix, or the words near it.
/// Every token is `[a-z0-9…]` after folding and splitting, quoted anyway.
fn groups(conn: &Connection, vocab: &str, query: &str) -> Result<Vec<String>> {
    let mut groups = Vec::new();
    for word in words(query) {
        let number = word.chars().all(|c| c.is_ascii_digit());
        let stem = word_stem(&word);
        let mut alternatives = vec![format!("\"{stem}\"*")];
        if !number && word.chars().count() >= 5 && !has_prefix(conn, vocab, &stem)? {
            alternatives.extend(
                near_terms(conn, vocab, &word)?
                    .into_iter()
                    .map(|t| format!("\"{t}\"")),
            );
        }
        groups.push(format!("({})", alternatives.join(" OR ")));
    }
    Ok(groups)
}

/// The ids of the services that match `query`, best first; empty for a query
/// without words.
pub(super) fn services(conn: &Connection, query: &str) -> Result<Vec<String>> {
    let groups = groups(conn, "services_terms", query)?;
    if groups.is_empty() {
        return Ok(Vec::new());
    }
    let words: Vec<String> = words(query).iter().map(|w| word_stem(w)).collect();
    let mut found = ranked_services(conn, &groups.join(" AND "), &words)?;
    if found.is_empty() && groups.len() > 1 {
        found = ranked_services(conn, &groups.join(" OR "), &words)?;
    }
    Ok(found)
}

fn ranked_services(conn: &Connection, expr: &str, stems: &[String]) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT f.id, f.title, bm25(services_fts, 0.0, 10.0, 6.0, 3.0, 3.0, 1.0), s.position
         FROM services_fts f JOIN services s ON s.id = f.id
         WHERE services_fts MATCH ?1",
    )?;
    let mut rows: Vec<(String, Ranking)> = stmt
        .query_map([expr], |r| {
            let title: String = r.get(1)?;
            Ok((r.get(0)?, title, r.get(2)?, r.get(3)?))
        })?
        .map(|r| {
            r.map(|(id, title, rank, position): (String, String, f64, i64)| {
                let title = fold(&title);
                let title_words: Vec<&str> = title
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .collect();
                let at = |s: &String| title_words.iter().position(|w| w.starts_with(s.as_str()));
                let in_title = stems.iter().filter(|s| at(s).is_some()).count();
                // The words in the citizen's order, side by side ("rodný list").
                let phrase = stems.len() > 1
                    && stems.windows(2).all(
                        |p| matches!((at(&p[0]), at(&p[1])), (Some(a), Some(b)) if b == a + 1),
                    );
                let fit = Ranking {
                    in_title,
                    phrase,
                    title_len: title_words.len(),
                    rank,
                    position,
                };
                (id, fit)
            })
        })
        .collect::<rusqlite::Result<_>>()?;
    rows.sort_by_key(|r| r.1);
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// How well a service fits, best first when sorted: more of the citizen's
/// words in the title, those words side by side, a shorter title (the words
/// are more of it), BM25 (lower is better), then the catalogue's own order.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Ranking {
    in_title: usize,
    phrase: bool,
    title_len: usize,
    rank: f64,
    position: i64,
}

impl Eq for Ranking {}

impl PartialOrd for Ranking {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ranking {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other
            .in_title
            .cmp(&self.in_title)
            .then(other.phrase.cmp(&self.phrase))
            .then(self.title_len.cmp(&other.title_len))
            .then(self.rank.total_cmp(&other.rank))
            .then(self.position.cmp(&other.position))
    }
}

/// Departments and people that match `query` (by name, role, phone or room),
/// best first; every word must match.
pub(super) fn contacts(conn: &Connection, query: &str) -> Result<Vec<ContactHit>> {
    let groups = groups(conn, "contacts_terms", query)?;
    if groups.is_empty() {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare_cached(
        "SELECT department, person FROM contacts_fts WHERE contacts_fts MATCH ?1
         ORDER BY bm25(contacts_fts, 0.0, 0.0, 10.0, 3.0, 5.0, 2.0)",
    )?;
    let hits = stmt
        .query_map([groups.join(" AND ")], |r| {
            Ok(ContactHit {
                department_id: r.get(0)?,
                person: r.get::<_, Option<i64>>(1)?.map(|p| p as usize),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn one_edit_means_one_edit() {
        assert!(within_one_edit(&chars("prihlaseni"), &chars("prihlaseni")));
        assert!(within_one_edit(&chars("prihlasni"), &chars("prihlaseni")));
        assert!(within_one_edit(&chars("prihlasenii"), &chars("prihlaseni")));
        assert!(within_one_edit(&chars("prihalseni"), &chars("prihlaseni")));
        assert!(within_one_edit(&chars("prihlaxeni"), &chars("prihlaseni")));
        assert!(!within_one_edit(&chars("prihalsni"), &chars("prihlaseni")));
        assert!(!within_one_edit(&chars("svatba"), &chars("matrika")));
    }

    #[test]
    fn phone_numbers_match_by_any_tail() {
        let s = digit_suffixes("+420 416 916 126");
        let tokens: Vec<&str> = s.split(' ').collect();
        assert!(tokens.contains(&"420416916126"));
        assert!(tokens.contains(&"916126"));
        assert!(tokens.contains(&"126"));
        assert!(!tokens.contains(&"26"));
    }

    #[test]
    fn stop_words_go_unless_nothing_else_is_left() {
        assert_eq!(words("Ztratil jsem občanku"), vec!["ztratil", "obcanku"]);
        assert_eq!(words("kde"), vec!["kde"]);
        assert_eq!(words("  \"*OR( "), vec!["or"]);
        assert!(words(" -- ").is_empty());
    }
}
