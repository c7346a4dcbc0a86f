//! The OFN "Úřední desky" reader (NOTICE-BOARD.md): JSON-LD as towns publish
//! it, read as plain JSON with the shapes seen in real files. Unknown keys are
//! ignored (towns add their own), unlike the kiosk's own contract; a notice
//! that makes no sense is refused with its reason and the rest are kept.

use std::collections::HashSet;

use chrono::{NaiveDate, NaiveDateTime};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::text::{Layout, plain_text};
use super::{
    BoardDate, BoardDocument, BoardError, BoardNotice, MAX_QR_URL, MAX_TEXT, MAX_TITLE,
    NoticeBoard, RefusedNotice,
};

/// The default size limit of a board file (`notice_board.max_bytes`): a town
/// with 2,000 notices publishes about 2 MB.
pub const DEFAULT_MAX_BYTES: u64 = 8 * 1024 * 1024;

/// The type a board names itself with.
const BOARD_TYPE: &str = "Úřední deska";

/// Reads a board file: at most `limit` bytes (checked before parsing), JSON,
/// a board. Notices that make no sense are in [`NoticeBoard::refused`].
pub fn read_board(bytes: &[u8], limit: u64) -> Result<NoticeBoard, BoardError> {
    if bytes.len() as u64 > limit {
        return Err(BoardError::TooLarge { limit });
    }
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| BoardError::NotJson(e.to_string()))?;
    let Value::Object(board) = value else {
        return Err(BoardError::NotABoard(format!(
            "its top level is {}, not an object",
            kind_of(&value)
        )));
    };
    let typed_board = match board.get("typ") {
        None => false,
        Some(t) if names_type(t, BOARD_TYPE) => true,
        Some(t) => {
            return Err(BoardError::NotABoard(format!(
                "its `typ` is {}, not \"{BOARD_TYPE}\"",
                short(t)
            )));
        }
    };
    let items: &[Value] = match board.get("informace") {
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(BoardError::NotABoard(format!(
                "its `informace` is {}, not a list of notices",
                kind_of(other)
            )));
        }
        None if typed_board => &[],
        None => {
            return Err(BoardError::NotABoard(
                "it has neither `\"typ\": \"Úřední deska\"` nor an `informace` list".into(),
            ));
        }
    };
    let page = board
        .get("stránka")
        .and_then(Value::as_str)
        .and_then(https_url);
    let mut notices = Vec::with_capacity(items.len());
    let mut refused = Vec::new();
    let mut seen = HashSet::new();
    for (position, item) in items.iter().enumerate() {
        let id = item
            .get("iri")
            .or_else(|| item.get("url"))
            .and_then(Value::as_str)
            .map(|s| plain_text(s, Layout::Line, MAX_QR_URL));
        match read_notice(item) {
            Ok(notice) if !seen.insert(notice.id.clone()) => refused.push(RefusedNotice {
                position,
                id,
                reason: "the same notice (its iri) appears earlier in the file".into(),
            }),
            Ok(notice) => notices.push(notice),
            Err(reason) => refused.push(RefusedNotice {
                position,
                id,
                reason,
            }),
        }
    }
    Ok(NoticeBoard {
        page,
        notices,
        refused,
    })
}

/// One `informace`, or why it is refused.
fn read_notice(item: &Value) -> Result<BoardNotice, String> {
    let Value::Object(n) = item else {
        return Err(format!("it is {}, not an object", kind_of(item)));
    };
    let title = n
        .get("název")
        .map(|v| language_text(v, Layout::Line, MAX_TITLE))
        .unwrap_or_default();
    if title.is_empty() {
        return Err("it has no title (`název`)".into());
    }
    let text = n
        .get("popis")
        .map(|v| language_text(v, Layout::Paragraphs, MAX_TEXT))
        .unwrap_or_default();
    let posted = match n.get("vyvěšení") {
        None | Some(Value::Null) => return Err("it has no posting date (`vyvěšení`)".into()),
        Some(v) => moment(v).map_err(|e| format!("`vyvěšení`: {e}"))?,
    };
    if posted == BoardDate::Unspecified {
        return Err("its posting date (`vyvěšení`) is `nespecifikovaný`".into());
    }
    let until = match n.get("relevantní_do") {
        None | Some(Value::Null) => BoardDate::Unspecified,
        Some(v) => moment(v).map_err(|e| format!("`relevantní_do`: {e}"))?,
    };
    if let (Some(from), Some(to)) = (posted.day(), until.last_day())
        && to < from
    {
        return Err(format!(
            "it hangs until {to} (`relevantní_do`), before it was posted on {from}"
        ));
    }
    let url = n.get("url").and_then(Value::as_str).and_then(https_url);
    let iri = n
        .get("iri")
        .and_then(Value::as_str)
        .map(|s| plain_text(s, Layout::Line, MAX_QR_URL))
        .filter(|s| !s.is_empty());
    let reference = n.get("číslo_jednací").map(scalar_text).unwrap_or_default();
    let file_mark = n.get("spisová_značka").map(scalar_text).unwrap_or_default();
    let mut agendas = Vec::new();
    for a in one_or_many(n.get("agenda")) {
        let name = match a {
            Value::Object(o) => o
                .get("název")
                .map(|v| language_text(v, Layout::Line, 200))
                .unwrap_or_default(),
            other => scalar_text(other),
        };
        if !name.is_empty() && !agendas.contains(&name) {
            agendas.push(name);
        }
    }
    // Many towns add a plain `kategorie` of their own: it is the only grouping
    // some boards have, so it is offered for the agenda filter too.
    for k in one_or_many(n.get("kategorie")) {
        let name = scalar_text(k);
        if !name.is_empty() && !agendas.contains(&name) {
            agendas.push(name);
        }
    }
    let documents = one_or_many(n.get("dokument"))
        .enumerate()
        .filter_map(|(i, d)| document(i, d))
        .collect();
    let id = iri
        .or_else(|| url.clone())
        .unwrap_or_else(|| content_id(&title, posted, &reference));
    Ok(BoardNotice {
        id,
        url,
        title,
        text,
        posted,
        until,
        reference,
        file_mark,
        agendas,
        documents,
    })
}

/// A document with a URL (one without is of no use to anybody and dropped).
fn document(index: usize, d: &Value) -> Option<BoardDocument> {
    let Value::Object(d) = d else {
        return None;
    };
    let url = d.get("url").and_then(Value::as_str)?.trim();
    if url.is_empty() || url.len() > 4096 {
        return None;
    }
    let url_text = plain_text(url, Layout::Line, 4096);
    // A phone gets the URL in its normal form ("HTTPS://Example.cz" → "https://example.cz/").
    let (url_text, qr) = match https_url(&url_text) {
        Some(u) if u.len() <= MAX_QR_URL => (u, true),
        _ => (url_text, false),
    };
    let mut name = d
        .get("název")
        .map(|v| language_text(v, Layout::Line, MAX_TITLE))
        .unwrap_or_default();
    if name.is_empty() {
        name = file_name(&url_text).unwrap_or_else(|| format!("Dokument {}", index + 1));
    }
    Some(BoardDocument {
        name,
        url: url_text,
        qr,
    })
}

/// The last path segment of a URL, decoded ("1525%20příloha.pdf" → "1525 příloha.pdf").
fn file_name(url: &str) -> Option<String> {
    let parsed = reqwest::Url::parse(url).ok()?;
    let segment = parsed.path_segments()?.rev().find(|s| !s.is_empty())?;
    let decoded = percent_decode(segment);
    let name = plain_text(&decoded, Layout::Line, 200);
    (!name.is_empty()).then_some(name)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `url` if it is an https URL with a host, without white space (as plain text).
fn https_url(url: &str) -> Option<String> {
    let url = url.trim();
    if url.contains(char::is_whitespace) || url.chars().any(char::is_control) {
        return None;
    }
    // The URL parser repairs "https:/host" and "https:\\host" into a host it
    // guesses; a notice's link must say what it means.
    let scheme = url.get(..8)?;
    if !scheme.eq_ignore_ascii_case("https://") {
        return None;
    }
    let parsed = reqwest::Url::parse(url).ok()?;
    (parsed.scheme() == "https"
        && parsed.host_str().is_some_and(|h| !h.is_empty())
        && parsed.username().is_empty()
        && parsed.password().is_none())
    .then(|| parsed.to_string())
}

/// A `Časový okamžik`: `datum`, `datum_a_čas` or `nespecifikovaný` (its `typ`
/// may be missing). A bare date string is accepted too.
fn moment(v: &Value) -> Result<BoardDate, String> {
    let o: &Map<String, Value> = match v {
        Value::Object(o) => o,
        Value::String(s) => return day(s).map(BoardDate::Day),
        other => return Err(format!("{} is not a date", kind_of(other))),
    };
    if let Some(at) = o.get("datum_a_čas") {
        let Value::String(s) = at else {
            return Err(format!("`datum_a_čas` is {}, not a text", kind_of(at)));
        };
        return date_time(s);
    }
    if let Some(d) = o.get("datum") {
        let Value::String(s) = d else {
            return Err(format!("`datum` is {}, not a text", kind_of(d)));
        };
        return day(s).map(BoardDate::Day);
    }
    match o.get("nespecifikovaný") {
        Some(Value::Bool(true)) => Ok(BoardDate::Unspecified),
        Some(Value::String(s)) if s.trim() == "true" => Ok(BoardDate::Unspecified),
        _ => Err("it has neither `datum`, `datum_a_čas` nor `nespecifikovaný: true`".into()),
    }
}

/// A plausible year for a notice: anything else is a typo or garbage.
fn plausible(d: NaiveDate) -> Result<NaiveDate, String> {
    use chrono::Datelike;
    if (1990..=2200).contains(&d.year()) {
        Ok(d)
    } else {
        Err(format!("the year {} is not plausible", d.year()))
    }
}

/// "2026-11-03" (an xsd:date may carry a zone: "2026-11-03Z", "2026-11-03+01:00").
fn day(s: &str) -> Result<NaiveDate, String> {
    let s = s.trim();
    let date_part = s.get(..10).unwrap_or(s);
    let zone = s.get(10..).unwrap_or("");
    let zone_ok = zone.is_empty() || zone == "Z" || is_offset(zone);
    match NaiveDate::parse_from_str(date_part, "%Y-%m-%d") {
        Ok(d) if zone_ok && date_part.len() == 10 => plausible(d),
        _ => Err(format!("`{}` is not a date (YYYY-MM-DD)", shorten(s))),
    }
}

fn is_offset(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 6
        && (b[0] == b'+' || b[0] == b'-')
        && b[1..3].iter().all(u8::is_ascii_digit)
        && b[3] == b':'
        && b[4..6].iter().all(u8::is_ascii_digit)
}

/// "2026-11-03T10:00:00+01:00" (or without a zone: the town's local time).
fn date_time(s: &str) -> Result<BoardDate, String> {
    let s = s.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        let local = t.naive_local();
        return plausible(local.date()).map(|d| BoardDate::At(d, local.time()));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, format) {
            return plausible(t.date()).map(|d| BoardDate::At(d, t.time()));
        }
    }
    Err(format!(
        "`{}` is not a date and time (YYYY-MM-DDThh:mm:ss+hh:mm)",
        shorten(s)
    ))
}

/// A language map's Czech text (or its first non-empty one), or a plain string.
fn language_text(v: &Value, layout: Layout, max: usize) -> String {
    match v {
        Value::String(s) => plain_text(s, layout, max),
        Value::Object(map) => {
            let pick = |key: &str| {
                map.get(key)
                    .map(|v| language_text(v, layout, max))
                    .filter(|t| !t.is_empty())
            };
            pick("cs")
                .or_else(|| pick("@value"))
                .or_else(|| {
                    map.values()
                        .map(|v| language_text(v, layout, max))
                        .find(|t| !t.is_empty())
                })
                .unwrap_or_default()
        }
        // A list of language maps or strings: the first that says something.
        Value::Array(list) => list
            .iter()
            .take(16)
            .map(|v| language_text(v, layout, max))
            .find(|t| !t.is_empty())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// A reference number or a category: a string, or a number some exports write.
fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => plain_text(s, Layout::Line, 200),
        Value::Number(n) => n.to_string(),
        Value::Object(_) | Value::Array(_) => language_text(v, Layout::Line, 200),
        _ => String::new(),
    }
}

/// A value that is one item or a list of them.
fn one_or_many(v: Option<&Value>) -> impl Iterator<Item = &Value> {
    let list: &[Value] = match v {
        None | Some(Value::Null) => &[],
        Some(Value::Array(items)) => items,
        Some(one) => std::slice::from_ref(one),
    };
    list.iter()
}

/// Whether a `typ` (a string or a list of them) names `wanted`.
fn names_type(t: &Value, wanted: &str) -> bool {
    match t {
        Value::String(s) => s.trim() == wanted,
        Value::Array(list) => list
            .iter()
            .any(|x| x.as_str().is_some_and(|s| s.trim() == wanted)),
        _ => false,
    }
}

/// A stable id for a notice with neither iri nor url: the same notice in the
/// next version of the file gets the same id.
fn content_id(title: &str, posted: BoardDate, reference: &str) -> String {
    let mut h = Sha256::new();
    h.update(title.as_bytes());
    h.update([0]);
    h.update(format!("{posted:?}").as_bytes());
    h.update([0]);
    h.update(reference.as_bytes());
    let digest = h.finalize();
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("urn:notice:{hex}")
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A short quote of a value for a message.
fn short(v: &Value) -> String {
    match v {
        Value::String(s) => format!("\"{}\"", shorten(s)),
        other => kind_of(other).to_string(),
    }
}

fn shorten(s: &str) -> String {
    plain_text(s, Layout::Line, 40)
}
