//! The languages the kiosk speaks. Czech is the default; English, German and
//! Ukrainian are bundled into the binary (gettext `.po` files compiled by
//! `slint-build`), so switching is instant and needs no files at run time.
//!
//! The same catalogues are read here for what Rust itself must word in the
//! language shown (what "Číst nahlas" says): one translation per phrase, kept
//! with the screens' own. A phrase missing from a catalogue is said in Czech,
//! never dropped; a test keeps every catalogue complete.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Cs,
    En,
    De,
    Uk,
}

impl Language {
    pub const ALL: [Language; 4] = [Language::Cs, Language::En, Language::De, Language::Uk];

    /// ISO 639-1 code, as used in config files and for the bundled translations.
    pub fn code(self) -> &'static str {
        match self {
            Language::Cs => "cs",
            Language::En => "en",
            Language::De => "de",
            Language::Uk => "uk",
        }
    }

    pub fn from_code(code: &str) -> Option<Language> {
        Language::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The language's own name, as shown on its switch button.
    pub fn native_name(self) -> &'static str {
        match self {
            Language::Cs => "Čeština",
            Language::En => "English",
            Language::De => "Deutsch",
            Language::Uk => "Українська",
        }
    }
}

const CATALOGUES: [(Language, &str); 3] = [
    (
        Language::En,
        include_str!("../ui/translations/en/LC_MESSAGES/portal-kiosk.po"),
    ),
    (
        Language::De,
        include_str!("../ui/translations/de/LC_MESSAGES/portal-kiosk.po"),
    ),
    (
        Language::Uk,
        include_str!("../ui/translations/uk/LC_MESSAGES/portal-kiosk.po"),
    ),
];

type Catalogue = HashMap<String, String>;

fn catalogues() -> &'static HashMap<Language, Catalogue> {
    static PARSED: OnceLock<HashMap<Language, Catalogue>> = OnceLock::new();
    PARSED.get_or_init(|| {
        CATALOGUES
            .iter()
            .map(|(lang, text)| (*lang, parse_po(text)))
            .collect()
    })
}

/// The translation of the Czech `msgid` into `lang` (the msgid itself in Czech
/// or when the catalogue lacks it).
pub fn tr(lang: Language, msgid: &str) -> String {
    lookup(lang, msgid).unwrap_or(msgid).to_string()
}

/// The translation, if the catalogue of `lang` has one (Czech always has).
pub fn lookup(lang: Language, msgid: &str) -> Option<&'static str> {
    if lang == Language::Cs {
        // Czech is the source: the msgid is the text itself.
        return None;
    }
    catalogues()
        .get(&lang)?
        .get(msgid)
        .map(String::as_str)
        .filter(|s| !s.is_empty())
}

/// Whether `lang` has its own words for `msgid` (Czech always does).
pub fn translated(lang: Language, msgid: &str) -> bool {
    lang == Language::Cs || lookup(lang, msgid).is_some()
}

/// `template` with each `{}` replaced by the next argument and each `{N}` by
/// the N-th, as Slint's `@tr` does; a missing argument is left empty.
pub fn fill(template: &str, args: &[&str]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut next = 0;
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let inside = &after[..close];
        let index = if inside.is_empty() {
            next += 1;
            Some(next - 1)
        } else {
            inside.parse::<usize>().ok()
        };
        match index {
            Some(i) => out.push_str(args.get(i).copied().unwrap_or("")),
            None => out.push_str(&rest[open..open + close + 2]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The `msgid` → `msgstr` pairs of a gettext catalogue (no plurals or contexts:
/// the kiosk's catalogues have none). Malformed lines are skipped.
fn parse_po(text: &str) -> Catalogue {
    #[derive(PartialEq)]
    enum Field {
        None,
        Id,
        Str,
    }
    let mut out = Catalogue::new();
    let mut field = Field::None;
    let (mut id, mut string) = (String::new(), String::new());
    let mut flush = |id: &mut String, string: &mut String| {
        if !id.is_empty() {
            out.insert(std::mem::take(id), std::mem::take(string));
        }
        id.clear();
        string.clear();
    };
    for line in text.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("msgid ") {
            flush(&mut id, &mut string);
            field = Field::Id;
            id.push_str(&unquote(rest));
        } else if let Some(rest) = line.strip_prefix("msgstr ") {
            field = Field::Str;
            string.push_str(&unquote(rest));
        } else if line.starts_with('"') {
            match field {
                Field::Id => id.push_str(&unquote(line)),
                Field::Str => string.push_str(&unquote(line)),
                Field::None => {}
            }
        } else if line.is_empty() || line.starts_with('#') {
            if field == Field::Str {
                flush(&mut id, &mut string);
            }
            field = Field::None;
        }
    }
    flush(&mut id, &mut string);
    out
}

/// A gettext string literal without its quotes, escapes resolved.
fn unquote(s: &str) -> String {
    let s = s.trim();
    let s = s.strip_prefix('"').unwrap_or(s);
    let s = s.strip_suffix('"').unwrap_or(s);
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_catalogues_translate_the_screens_words() {
        assert_eq!(tr(Language::En, "Kontakty"), "Contacts");
        assert_eq!(tr(Language::De, "Domů"), "Start");
        assert_eq!(tr(Language::Cs, "Kontakty"), "Kontakty");
        // Unknown: said in Czech, never dropped.
        assert_eq!(tr(Language::En, "Nic takového"), "Nic takového");
        assert!(!translated(Language::En, "Nic takového"));
        assert!(catalogues()[&Language::Uk].len() > 300);
    }

    #[test]
    fn po_strings_unescape_and_join_continuation_lines() {
        let c = parse_po(
            "msgid \"\"\nmsgstr \"\"\n\"Language: en\\n\"\n\n# c\nmsgid \"A \\\"b\\\"\"\nmsgstr \"\"\n\"one \"\n\"two\"\n\nmsgid \"x\"\nmsgstr \"\"\n",
        );
        assert_eq!(c["A \"b\""], "one two");
        assert_eq!(c["x"], "");
        assert_eq!(lookup(Language::En, "x"), None);
    }

    #[test]
    fn fill_replaces_placeholders_in_order() {
        assert_eq!(
            fill("Zbývající pokusy: {} ze {}", &["2", "3"]),
            "Zbývající pokusy: 2 ze 3"
        );
        assert_eq!(fill("{} a {}", &["jen"]), "jen a ");
        assert_eq!(fill("bez", &["x"]), "bez");
        assert_eq!(
            fill("čísla {0} až {1}: okrsek {2}", &["1", "9", "3"]),
            "čísla 1 až 9: okrsek 3"
        );
        assert_eq!(fill("{1} {0}", &["a", "b"]), "b a");
        assert_eq!(fill("{x} {", &["a"]), "{x} {");
    }

    #[test]
    fn codes_round_trip() {
        for l in Language::ALL {
            assert_eq!(Language::from_code(l.code()), Some(l));
        }
        assert_eq!(Language::from_code("sk"), None);
    }
}
