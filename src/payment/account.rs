//! Czech bank accounts and IBANs: parsing the domestic form `[prefix-]number/bank`,
//! the ČNB mod-11 check (decree 169/2011), and the ISO 13616 mod-97 check.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("`{0}` is not an account: expected [prefix-]number/bank or an IBAN")]
    Form(String),
    #[error("the account prefix {0} fails the mod-11 check")]
    PrefixChecksum(String),
    #[error("the account number {0} fails the mod-11 check")]
    NumberChecksum(String),
    #[error("the IBAN {0} fails the mod-97 check")]
    IbanChecksum(String),
    #[error("the IBAN {0} has the wrong length for its country")]
    IbanLength(String),
}

/// A Czech account, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CzechAccount {
    prefix: u64,
    number: u64,
    bank: String,
}

const NUMBER_WEIGHTS: [u64; 10] = [6, 3, 7, 9, 10, 5, 8, 4, 2, 1];
const PREFIX_WEIGHTS: [u64; 6] = [10, 5, 8, 4, 2, 1];

/// Weighted mod-11 sum of `value` written with `weights.len()` digits (right-aligned).
fn mod11_ok(value: u64, weights: &[u64]) -> bool {
    let digits = format!("{value:0width$}", width = weights.len());
    if digits.len() != weights.len() {
        return false;
    }
    let sum: u64 = digits
        .bytes()
        .zip(weights)
        .map(|(d, w)| u64::from(d - b'0') * w)
        .sum();
    sum.is_multiple_of(11)
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

impl CzechAccount {
    /// Parses and validates `[prefix-]number/bank`.
    pub fn parse_domestic(text: &str) -> Result<CzechAccount, AccountError> {
        let form = || AccountError::Form(text.to_string());
        let text = text.trim();
        let (account, bank) = text.split_once('/').ok_or_else(form)?;
        let (prefix, number) = match account.split_once('-') {
            Some((p, n)) => (p, n),
            None => ("0", account),
        };
        if !all_digits(prefix) || prefix.len() > 6 || !all_digits(number) || number.len() > 10 {
            return Err(form());
        }
        if bank.len() != 4 || !all_digits(bank) {
            return Err(form());
        }
        let prefix: u64 = prefix.parse().map_err(|_| form())?;
        let number: u64 = number.parse().map_err(|_| form())?;
        CzechAccount::new(prefix, number, bank)
    }

    fn new(prefix: u64, number: u64, bank: &str) -> Result<CzechAccount, AccountError> {
        if !mod11_ok(prefix, &PREFIX_WEIGHTS) {
            return Err(AccountError::PrefixChecksum(prefix.to_string()));
        }
        // At least two non-zero digits, and the weighted sum divisible by 11.
        let nonzero = format!("{number}").bytes().filter(|b| *b != b'0').count();
        if nonzero < 2 || !mod11_ok(number, &NUMBER_WEIGHTS) {
            return Err(AccountError::NumberChecksum(number.to_string()));
        }
        Ok(CzechAccount {
            prefix,
            number,
            bank: bank.to_string(),
        })
    }

    /// From a Czech IBAN (checked with mod-97 and mod-11).
    pub fn from_iban(iban: &str) -> Result<CzechAccount, AccountError> {
        let iban = normalize_iban(iban);
        validate_iban(&iban)?;
        if !iban.starts_with("CZ") {
            return Err(AccountError::Form(iban));
        }
        let bank = &iban[4..8];
        let prefix: u64 = iban[8..14]
            .parse()
            .map_err(|_| AccountError::Form(iban.clone()))?;
        let number: u64 = iban[14..24]
            .parse()
            .map_err(|_| AccountError::Form(iban.clone()))?;
        CzechAccount::new(prefix, number, bank)
    }

    /// Either form.
    pub fn parse(text: &str) -> Result<CzechAccount, AccountError> {
        if text.trim().to_ascii_uppercase().starts_with("CZ") {
            CzechAccount::from_iban(text)
        } else {
            CzechAccount::parse_domestic(text)
        }
    }

    pub fn iban(&self) -> String {
        let bban = format!("{}{:06}{:010}", self.bank, self.prefix, self.number);
        let check = 98 - mod97(&format!("{bban}CZ00"));
        format!("CZ{check:02}{bban}")
    }

    /// `19-2000145399/0800`, or `2000145399/0800` without a prefix.
    pub fn domestic(&self) -> String {
        if self.prefix == 0 {
            format!("{}/{}", self.number, self.bank)
        } else {
            format!("{}-{}/{}", self.prefix, self.number, self.bank)
        }
    }
}

impl fmt::Display for CzechAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.domestic())
    }
}

/// Upper case, no spaces.
pub fn normalize_iban(iban: &str) -> String {
    iban.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase()
}

/// ISO 13616: letters → numbers (A = 10 … Z = 35), remainder mod 97 of the digit string.
fn mod97(text: &str) -> u32 {
    let mut rem: u32 = 0;
    for c in text.chars() {
        let v = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'A'..='Z' => c as u32 - 'A' as u32 + 10,
            _ => continue,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem
}

/// Checks an IBAN of any country (length for CZ and SK exactly; 15–34 otherwise).
pub fn validate_iban(iban: &str) -> Result<(), AccountError> {
    let iban = normalize_iban(iban);
    // ASCII first: only then may the string be sliced by byte positions.
    let ok_chars = iban
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && iban.len() >= 15
        && iban.len() <= 34
        && iban[..2].bytes().all(|b| b.is_ascii_uppercase())
        && iban[2..4].bytes().all(|b| b.is_ascii_digit());
    if !ok_chars {
        return Err(AccountError::Form(iban));
    }
    if iban.starts_with("CZ") || iban.starts_with("SK") {
        if !iban[4..].bytes().all(|b| b.is_ascii_digit()) {
            return Err(AccountError::Form(iban));
        }
        if iban.len() != 24 {
            return Err(AccountError::IbanLength(iban));
        }
    }
    let rearranged = format!("{}{}", &iban[4..], &iban[..4]);
    if mod97(&rearranged) != 1 {
        return Err(AccountError::IbanChecksum(iban));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domestic_account_becomes_the_published_iban() {
        let a = CzechAccount::parse_domestic("19-2000145399/0800").unwrap();
        assert_eq!(a.iban(), "CZ6508000000192000145399");
        assert_eq!(a.domestic(), "19-2000145399/0800");
        let b = CzechAccount::parse_domestic("168540115/0600").unwrap();
        assert_eq!(b.iban(), "CZ2806000000000168540115");
        assert_eq!(b.domestic(), "168540115/0600");
    }

    #[test]
    fn iban_round_trips_to_domestic() {
        let a = CzechAccount::from_iban("CZ65 0800 0000 1920 0014 5399").unwrap();
        assert_eq!(a.domestic(), "19-2000145399/0800");
        // The town's seed accounts.
        for (iban, domestic) in [
            ("CZ7708000000194260105309", "19-4260105309/0800"),
            ("CZ6001000000194260107208", "19-4260107208/0100"),
            ("CZ5408000000274260109502", "27-4260109502/0800"),
        ] {
            assert_eq!(CzechAccount::from_iban(iban).unwrap().domestic(), domestic);
            assert_eq!(CzechAccount::parse_domestic(domestic).unwrap().iban(), iban);
        }
    }

    #[test]
    fn bad_accounts_are_refused_with_their_reason() {
        assert!(matches!(
            CzechAccount::parse_domestic("19-2000145398/0800"),
            Err(AccountError::NumberChecksum(_))
        ));
        assert!(matches!(
            CzechAccount::parse_domestic("18-2000145399/0800"),
            Err(AccountError::PrefixChecksum(_))
        ));
        assert!(matches!(
            CzechAccount::parse_domestic("2000145399"),
            Err(AccountError::Form(_))
        ));
        assert!(matches!(
            CzechAccount::parse_domestic("2000145399/08000"),
            Err(AccountError::Form(_))
        ));
        assert!(matches!(
            CzechAccount::parse_domestic("12345678901/0800"),
            Err(AccountError::Form(_))
        ));
        assert!(matches!(
            CzechAccount::parse_domestic("10/0800"),
            Err(AccountError::NumberChecksum(_))
        ));
        assert!(matches!(
            CzechAccount::from_iban("CZ6601000000194260107208"),
            Err(AccountError::IbanChecksum(_))
        ));
        assert!(matches!(
            CzechAccount::from_iban("CZ650800000019200014539"),
            Err(AccountError::IbanLength(_))
        ));
        assert!(matches!(
            CzechAccount::from_iban("CZ65 0800 X000 1920 0014 5399"),
            Err(AccountError::Form(_))
        ));
    }

    #[test]
    fn non_ascii_input_is_refused_not_a_panic() {
        for bad in [
            "aČ6508000000192000145399",
            "CZ65 0800 0000 1920 0014 539ž",
            "ŽŽŽŽŽŽŽŽŽŽŽŽŽŽŽŽ",
        ] {
            assert!(
                matches!(validate_iban(bad), Err(AccountError::Form(_))),
                "{bad}"
            );
            assert!(CzechAccount::parse(bad).is_err(), "{bad}");
        }
        assert!(CzechAccount::parse_domestic("19-20001453ž9/0800").is_err());
    }

    #[test]
    fn foreign_ibans_are_checked_by_mod_97() {
        assert!(validate_iban("DE89370400440532013000").is_ok());
        assert!(validate_iban("DE89370400440532013001").is_err());
        assert!(validate_iban("GB29NWBK60161331926819").is_ok());
    }
}
