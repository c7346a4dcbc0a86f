//! Accounts, IBANs, amounts, symbols and the SPAYD fields: everything the
//! backend sends for a payment passes these checks before a QR code is shown.
//! Input: text fields separated by newlines — account, amount, variable,
//! specific and constant symbol, message.
//!
//! Besides "never panics", the round trips the kiosk relies on are checked: a
//! valid account reads back the same from its IBAN and its domestic form, a
//! valid amount from its SPAYD form, and the SPAYD string never carries a field
//! separator inside a value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portal_kiosk::citizen::{amount_text, payment_request};
use portal_kiosk::payment::spayd::symbol;
use portal_kiosk::payment::{
    Amount, CzechAccount, PaymentRequest, amount_czech, simplify_message, validate_iban,
};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut fields = text.split('\n');
    let mut next = || fields.next().unwrap_or("");
    let (account, amount, vs, ss, ks, message) = (next(), next(), next(), next(), next(), next());

    // Accounts in either form.
    let _ = validate_iban(account);
    let _ = CzechAccount::parse_domestic(account);
    let _ = CzechAccount::from_iban(account);
    if let Ok(a) = CzechAccount::parse(account) {
        let iban = a.iban();
        assert!(
            validate_iban(&iban).is_ok(),
            "a valid account's IBAN fails mod-97"
        );
        assert_eq!(CzechAccount::from_iban(&iban).as_ref(), Ok(&a));
        assert_eq!(CzechAccount::parse_domestic(&a.domestic()).as_ref(), Ok(&a));
    }

    // Amounts.
    if let Ok(a) = Amount::parse(amount) {
        assert!(a.hellers() > 0 && a.hellers() <= Amount::MAX_HELLERS);
        assert_eq!(Amount::parse(&a.to_string()).ok(), Some(a));
        assert!(
            a.to_string().len() <= 10,
            "SPAYD allows 10 characters for AM"
        );
        let _ = amount_czech(a);
    }
    let _ = amount_text(amount);

    // Symbols: only digits come out.
    for (which, value) in [("variable", vs), ("specific", ss), ("constant", ks)] {
        if let Ok(s) = symbol(which, value) {
            assert!(!s.is_empty() && s.len() <= 10 && s.bytes().all(|b| b.is_ascii_digit()));
        }
    }

    // Messages: simplified text is upper-case ASCII without `*`, and stable.
    let simple = simplify_message(message);
    assert!(
        simple
            .bytes()
            .all(|b| b.is_ascii() && b != b'*' && !b.is_ascii_lowercase())
    );
    assert_eq!(simplify_message(&simple), simple);

    // The whole request, as the citizen's area builds it from an obligation.
    if let Ok(request) = payment_request(account, amount, vs, ss, ks, message) {
        check_spayd(&request);
    }
    if let Ok(request) = PaymentRequest::new(account) {
        let fitted = request.clone().message_fitted(message);
        assert!(
            fitted
                .message
                .as_ref()
                .is_none_or(|m| m.chars().count() <= 60)
        );
        if let Ok(strict) = request.message(message) {
            assert_eq!(
                strict.message, fitted.message,
                "a fitting message is not cut"
            );
        }
        check_spayd(&fitted);
    }
});

fn check_spayd(request: &PaymentRequest) {
    let spayd = request.spayd();
    assert!(spayd.starts_with("SPD*1.0*ACC:"));
    // Every value is one field: `*` separates fields and nothing else.
    for field in spayd.split('*').skip(2) {
        let (key, value) = field.split_once(':').expect("every field is KEY:value");
        assert!(
            matches!(key, "ACC" | "AM" | "CC" | "MSG" | "X-VS" | "X-SS" | "X-KS"),
            "unexpected SPAYD key {key}"
        );
        assert!(!value.is_empty(), "empty SPAYD value for {key}");
    }
    assert!(
        spayd.is_ascii(),
        "SPAYD must be ASCII for every banking app"
    );
}
