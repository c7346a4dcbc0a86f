//! SPAYD ("QR Platba", ČBA standard 1.2): the payment string a Czech banking app
//! reads from a QR code. The writer validates every field — a reader silently
//! truncates, so a too-long value would pay the wrong thing.

use std::fmt;

use super::account::{AccountError, CzechAccount, normalize_iban, validate_iban};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentError {
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error(
        "`{0}` is not an amount: expected e.g. 450 or 450.50, more than 0 and at most 9 999 999.99 CZK"
    )]
    Amount(String),
    #[error("the {which} symbol `{value}` must be 1 to 10 digits")]
    Symbol { which: &'static str, value: String },
    #[error("the message is {0} characters long after simplification; at most 60 are allowed")]
    MessageTooLong(usize),
}

/// An amount in hellers (1/100 CZK), > 0 and ≤ 9 999 999.99 CZK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Amount(u64);

impl Amount {
    pub const MAX_HELLERS: u64 = 999_999_999;

    pub fn from_hellers(h: u64) -> Result<Amount, PaymentError> {
        if h == 0 || h > Amount::MAX_HELLERS {
            return Err(PaymentError::Amount(format!("{}.{:02}", h / 100, h % 100)));
        }
        Ok(Amount(h))
    }

    /// Parses `450`, `450.5`, `450.50`, `450,50`, `1 500.00`.
    pub fn parse(text: &str) -> Result<Amount, PaymentError> {
        let bad = || PaymentError::Amount(text.to_string());
        let cleaned: String = text
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '\u{a0}'))
            .collect();
        let cleaned = cleaned.replace(',', ".");
        let (whole, frac) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
        if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || whole.len() > 7 {
            return Err(bad());
        }
        if frac.len() > 2 || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let whole: u64 = whole.parse().map_err(|_| bad())?;
        let frac: u64 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
        Amount::from_hellers(whole * 100 + frac).map_err(|_| bad())
    }

    pub fn hellers(self) -> u64 {
        self.0
    }
}

impl fmt::Display for Amount {
    /// `450.00` — the SPAYD form (≤ 10 characters).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

/// Czech formatting for people: `1 500,00 Kč`.
pub fn amount_czech(amount: Amount) -> String {
    let whole = (amount.0 / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push('\u{a0}');
        }
        grouped.push(c);
    }
    format!("{grouped},{:02}\u{a0}Kč", amount.0 % 100)
}

/// A variable, specific or constant symbol: 1–10 digits, leading zeros kept.
pub fn symbol(which: &'static str, value: &str) -> Result<String, PaymentError> {
    let v = value.trim();
    if v.is_empty() || v.len() > 10 || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PaymentError::Symbol {
            which,
            value: value.to_string(),
        });
    }
    Ok(v.to_string())
}

/// Upper-case ASCII without diacritics, `*` dropped, spaces collapsed.
pub fn simplify_message(text: &str) -> String {
    let ascii: String = text
        .chars()
        .map(|c| match c {
            'á' | 'ä' | 'Á' | 'Ä' => 'A',
            'č' | 'Č' => 'C',
            'ď' | 'Ď' => 'D',
            'é' | 'ě' | 'É' | 'Ě' => 'E',
            'í' | 'Í' => 'I',
            'ň' | 'Ň' => 'N',
            'ó' | 'ö' | 'Ó' | 'Ö' => 'O',
            'ř' | 'Ř' => 'R',
            'š' | 'Š' => 'S',
            'ť' | 'Ť' => 'T',
            'ú' | 'ů' | 'ü' | 'Ú' | 'Ů' | 'Ü' => 'U',
            'ý' | 'Ý' => 'Y',
            'ž' | 'Ž' => 'Z',
            '–' | '—' => '-',
            c if c.is_ascii_alphanumeric() || " $%+-./:".contains(c) => c.to_ascii_uppercase(),
            _ => ' ',
        })
        .collect();
    ascii.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A payment to encode. Build with [`PaymentRequest::new`] and the setters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRequest {
    /// Normalised, validated IBAN.
    pub iban: String,
    pub amount: Option<Amount>,
    pub vs: Option<String>,
    pub ss: Option<String>,
    pub ks: Option<String>,
    pub message: Option<String>,
}

impl PaymentRequest {
    /// From an IBAN or a Czech domestic account.
    pub fn new(account: &str) -> Result<PaymentRequest, PaymentError> {
        let iban = if account
            .trim()
            .chars()
            .take(2)
            .all(|c| c.is_ascii_alphabetic())
        {
            let iban = normalize_iban(account);
            validate_iban(&iban)?;
            if iban.starts_with("CZ") {
                CzechAccount::from_iban(&iban)?; // domestic mod-11 as well
            }
            iban
        } else {
            CzechAccount::parse_domestic(account)?.iban()
        };
        Ok(PaymentRequest {
            iban,
            amount: None,
            vs: None,
            ss: None,
            ks: None,
            message: None,
        })
    }

    pub fn amount(mut self, amount: Amount) -> Self {
        self.amount = Some(amount);
        self
    }

    pub fn vs(mut self, vs: &str) -> Result<Self, PaymentError> {
        self.vs = Some(symbol("variable", vs)?);
        Ok(self)
    }

    pub fn ss(mut self, ss: &str) -> Result<Self, PaymentError> {
        self.ss = Some(symbol("specific", ss)?);
        Ok(self)
    }

    pub fn ks(mut self, ks: &str) -> Result<Self, PaymentError> {
        self.ks = Some(symbol("constant", ks)?);
        Ok(self)
    }

    /// A message for the payee: simplified, and refused if longer than 60 characters.
    pub fn message(mut self, text: &str) -> Result<Self, PaymentError> {
        let m = simplify_message(text);
        if m.chars().count() > 60 {
            return Err(PaymentError::MessageTooLong(m.chars().count()));
        }
        self.message = (!m.is_empty()).then_some(m);
        Ok(self)
    }

    /// A message the kiosk composes itself: simplified and cut at a word to fit.
    pub fn message_fitted(mut self, text: &str) -> Self {
        let mut m = simplify_message(text);
        while m.chars().count() > 60 {
            match m.rfind(' ') {
                Some(i) => m.truncate(i),
                None => m = m.chars().take(60).collect(),
            }
        }
        self.message = (!m.is_empty()).then_some(m);
        self
    }

    /// The SPAYD string: ACC first, then AM, CC, MSG, X-VS, X-SS, X-KS.
    pub fn spayd(&self) -> String {
        let mut s = format!("SPD*1.0*ACC:{}", self.iban);
        if let Some(a) = self.amount {
            s.push_str(&format!("*AM:{a}*CC:CZK"));
        }
        if let Some(m) = &self.message {
            s.push_str(&format!("*MSG:{}", m.replace('*', "%2A")));
        }
        for (key, value) in [("X-VS", &self.vs), ("X-SS", &self.ss), ("X-KS", &self.ks)] {
            if let Some(v) = value {
                s.push_str(&format!("*{key}:{v}"));
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reproduces_the_published_example() {
        let p = PaymentRequest::new("CZ2806000000000168540115")
            .unwrap()
            .amount(Amount::parse("450.00").unwrap())
            .message("Platba za zboží")
            .unwrap()
            .vs("1234567890")
            .unwrap();
        assert_eq!(
            p.spayd(),
            "SPD*1.0*ACC:CZ2806000000000168540115*AM:450.00*CC:CZK*MSG:PLATBA ZA ZBOZI*X-VS:1234567890"
        );
    }

    #[test]
    fn domestic_accounts_are_written_as_iban() {
        let p = PaymentRequest::new("19-2000145399/0800").unwrap();
        assert_eq!(p.spayd(), "SPD*1.0*ACC:CZ6508000000192000145399");
    }

    #[test]
    fn amounts_parse_and_format_exactly() {
        assert_eq!(Amount::parse("450").unwrap().to_string(), "450.00");
        assert_eq!(Amount::parse("450,5").unwrap().to_string(), "450.50");
        assert_eq!(Amount::parse("1 500.05").unwrap().to_string(), "1500.05");
        assert_eq!(
            Amount::parse("9999999.99").unwrap().to_string(),
            "9999999.99"
        );
        assert_eq!(Amount::parse("9999999.99").unwrap().to_string().len(), 10);
        for bad in [
            "0", "0.00", "-5", "10000000", "1.234", "abc", "", "1.2.3", "12e3",
        ] {
            assert!(Amount::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(
            amount_czech(Amount::parse("1500").unwrap()),
            "1\u{a0}500,00\u{a0}Kč"
        );
        assert_eq!(
            amount_czech(Amount::parse("98.5").unwrap()),
            "98,50\u{a0}Kč"
        );
    }

    #[test]
    fn symbols_keep_leading_zeros_and_refuse_letters() {
        let p = PaymentRequest::new("CZ6508000000192000145399")
            .unwrap()
            .ks("0558")
            .unwrap()
            .ss("0000000001")
            .unwrap();
        assert_eq!(
            p.spayd(),
            "SPD*1.0*ACC:CZ6508000000192000145399*X-SS:0000000001*X-KS:0558"
        );
        for bad in ["12AB34", "12345678901", "", " ", "-1"] {
            assert!(symbol("variable", bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn messages_are_upper_case_ascii_escaped_and_limited() {
        assert_eq!(
            simplify_message("Poplatek za psa – Žofie, č. 12*"),
            "POPLATEK ZA PSA - ZOFIE C. 12"
        );
        let long =
            "Poplatek za komunální odpad pro domácnost v ulici Dlouhá číslo dvanáct za rok 2026";
        assert!(matches!(
            PaymentRequest::new("168540115/0600").unwrap().message(long),
            Err(PaymentError::MessageTooLong(_))
        ));
        let fitted = PaymentRequest::new("168540115/0600")
            .unwrap()
            .message_fitted(long);
        let m = fitted.message.unwrap();
        assert!(
            m.len() <= 60 && long.to_uppercase().starts_with(&m[..10]),
            "{m}"
        );
        assert!(!m.ends_with(' '));
        // No raw '*' can ever reach the string inside a value.
        let p = PaymentRequest {
            message: Some("A*B".into()),
            ..PaymentRequest::new("168540115/0600").unwrap()
        };
        assert!(p.spayd().ends_with("MSG:A%2AB"));
    }

    #[test]
    fn invalid_accounts_are_refused() {
        assert!(PaymentRequest::new("CZ6601000000194260107208").is_err());
        assert!(PaymentRequest::new("19-2000145398/0800").is_err());
        assert!(PaymentRequest::new("not an account").is_err());
    }
}
