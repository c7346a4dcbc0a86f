//! Every UI string ships in all four languages: each `@tr("…")` in ui/ has a
//! non-empty translation in en, de and uk, with the same `{}` placeholders,
//! and no translation file carries strings the UI no longer has.

use std::collections::BTreeMap;
use std::path::Path;

/// Reads a quoted string starting after its opening quote; returns it unescaped and the rest.
fn quoted(s: &str) -> Option<(String, &str)> {
    let mut out = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, &s[i + 1..])),
            '\\' => match chars.next()?.1 {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

/// The screens' `@tr` strings, and what "Číst nahlas" says beyond them.
fn ui_strings() -> Vec<String> {
    let mut found: Vec<String> = portal_kiosk::kiosk::SPOKEN_PHRASES
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("ui")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "slint") {
                let text = std::fs::read_to_string(&path).unwrap();
                let mut rest = text.as_str();
                while let Some(at) = rest.find("@tr(\"") {
                    let (s, after) = quoted(&rest[at + 5..]).expect("unterminated @tr string");
                    if !found.contains(&s) {
                        found.push(s);
                    }
                    rest = after;
                }
            }
        }
    }
    found
}

/// msgid → msgstr of a .po file (single- and multi-line entries).
fn po_entries(lang: &str) -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("ui/translations")
        .join(lang)
        .join("LC_MESSAGES/portal-kiosk.po");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut entries = BTreeMap::new();
    let (mut id, mut value, mut in_str) = (None::<String>, String::new(), false);
    let mut flush = |id: &mut Option<String>, value: &mut String| {
        if let Some(k) = id.take()
            && !k.is_empty()
        {
            entries.insert(k, std::mem::take(value));
        }
        value.clear();
    };
    for line in text.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("msgid \"") {
            flush(&mut id, &mut value);
            id = Some(quoted(rest).unwrap().0);
            in_str = false;
        } else if let Some(rest) = line.strip_prefix("msgstr \"") {
            value = quoted(rest).unwrap().0;
            in_str = true;
        } else if let Some(rest) = line.strip_prefix('"') {
            let part = quoted(rest).unwrap().0;
            if in_str {
                value.push_str(&part);
            } else if let Some(k) = id.as_mut() {
                k.push_str(&part);
            }
        }
    }
    flush(&mut id, &mut value);
    entries
}

#[test]
fn every_ui_string_is_translated_into_every_language() {
    let strings = ui_strings();
    assert!(
        strings.len() >= 30,
        "found only {} @tr strings",
        strings.len()
    );
    for lang in ["en", "de", "uk"] {
        let po = po_entries(lang);
        for s in &strings {
            let t = po
                .get(s)
                .unwrap_or_else(|| panic!("{lang}: no translation of {s:?}"));
            assert!(!t.trim().is_empty(), "{lang}: empty translation of {s:?}");
            assert_eq!(
                t.matches("{}").count(),
                s.matches("{}").count(),
                "{lang}: placeholders of {s:?}"
            );
        }
        for id in po.keys() {
            assert!(
                strings.contains(id),
                "{lang}: stale translation of {id:?}, no longer in the UI"
            );
        }
    }
}

#[test]
fn translations_are_really_in_their_language() {
    // A cheap guard against copy-paste: Ukrainian is in Cyrillic, and no
    // translation simply repeats a long Czech sentence.
    let strings = ui_strings();
    let uk = po_entries("uk");
    let cyrillic = uk
        .values()
        .filter(|t| t.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c)))
        .count();
    assert!(
        cyrillic * 10 >= uk.len() * 8,
        "only {cyrillic} of {} Ukrainian strings are Cyrillic",
        uk.len()
    );
    for lang in ["en", "de", "uk"] {
        let po = po_entries(lang);
        for s in strings.iter().filter(|s| s.len() > 25) {
            assert_ne!(po.get(s), Some(s), "{lang}: {s:?} is not translated");
        }
    }
}
