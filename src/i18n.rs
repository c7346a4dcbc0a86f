//! The languages the kiosk speaks. Czech is the default; English, German and
//! Ukrainian are bundled into the binary (gettext `.po` files compiled by
//! `slint-build`), so switching is instant and needs no files at run time.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for l in Language::ALL {
            assert_eq!(Language::from_code(l.code()), Some(l));
        }
        assert_eq!(Language::from_code("sk"), None);
    }
}
