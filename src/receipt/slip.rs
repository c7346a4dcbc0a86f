//! Slips as models, laid out for the paper's width: the payment instruction, the
//! service information slip and the test page. The same model gives the bytes
//! for the printer and the text lines the decoder must read back.

use chrono::NaiveDateTime;

use super::escpos::{Align, EscPos};
use super::profiles::PrinterProfile;
use crate::payment::{Amount, CzechAccount, PaymentError, PaymentRequest, amount_czech};
use crate::portal::types::Service;

/// The town at the head of every slip: from the site config's `[town]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlipTown {
    /// "Město Litoměřice".
    pub municipality: String,
    pub address: String,
    /// 8 digits, printed as "IČO 00263958".
    pub ico: String,
    /// The portal's address as people type it (the test page's QR code).
    pub web: String,
}

/// Who prints: this kiosk and its town (the printer thread's part of each header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlipOrigin {
    pub kiosk_id: String,
    pub town: SlipTown,
}

impl SlipOrigin {
    pub fn new(kiosk_id: impl Into<String>, town: &crate::town::TownSection) -> SlipOrigin {
        SlipOrigin {
            kiosk_id: kiosk_id.into(),
            town: town.slip_header(),
        }
    }

    /// The header of slip `slip_number` printed at `printed_at` (0: drawn for
    /// the screen only, never printed).
    pub fn header(&self, slip_number: u64, printed_at: NaiveDateTime) -> SlipHeader {
        SlipHeader {
            town: self.town.clone(),
            kiosk_id: self.kiosk_id.clone(),
            slip_number,
            printed_at,
        }
    }
}

/// What every slip carries at its head (the town) and its foot.
#[derive(Debug, Clone)]
pub struct SlipHeader {
    pub town: SlipTown,
    pub kiosk_id: String,
    /// Unique per kiosk, kept across restarts by the caller.
    pub slip_number: u64,
    pub printed_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlipLine {
    /// Large, bold, centred.
    Title(String),
    /// Bold, centred.
    Heading(String),
    /// Centred text.
    Centre(String),
    Text(String),
    /// "Label: value", the value right-aligned when it fits.
    Field {
        label: String,
        value: String,
    },
    Rule,
    Blank,
    Qr {
        payload: String,
        label: String,
    },
}

#[derive(Debug, Clone)]
pub struct Slip {
    pub lines: Vec<SlipLine>,
}

/// A payment the backend reports as received.
#[derive(Debug, Clone)]
pub struct ProofOfPaymentData {
    pub what: String,
    pub period: String,
    pub amount: Amount,
    pub paid_on: chrono::NaiveDate,
    /// The backend's reference of the payment.
    pub reference: String,
}

/// One payment as the backend's payment intent gave it.
#[derive(Debug, Clone)]
pub struct PaymentSlipData {
    pub what: String,
    pub period: String,
    pub amount: Amount,
    pub account: CzechAccount,
    pub vs: Option<String>,
    pub ss: Option<String>,
    pub ks: Option<String>,
    pub due: Option<chrono::NaiveDate>,
}

fn field(label: impl Into<String>, value: impl Into<String>) -> SlipLine {
    SlipLine::Field {
        label: label.into(),
        value: value.into(),
    }
}

/// What was (or is to be) paid: the same three lines on every payment slip.
fn fee_lines(
    lines: &mut Vec<SlipLine>,
    what: &str,
    period: &str,
    amount_label: &str,
    amount: Amount,
) {
    lines.push(field("Za", what));
    lines.push(field("Období", period));
    lines.push(field(
        amount_label,
        amount_czech(amount).replace('\u{a0}', " "),
    ));
}

fn town_header(lines: &mut Vec<SlipLine>, header: &SlipHeader) {
    let town = &header.town;
    lines.push(SlipLine::Heading(town.municipality.clone()));
    lines.push(SlipLine::Centre(town.address.clone()));
    lines.push(SlipLine::Centre(format!("IČO {}", town.ico)));
    lines.push(SlipLine::Rule);
}

fn foot(lines: &mut Vec<SlipLine>, header: &SlipHeader) {
    lines.push(SlipLine::Rule);
    // Number 0: drawn for the screen, never printed (no printer) — no number.
    lines.push(SlipLine::Centre(if header.slip_number == 0 {
        format!("Náhled z kiosku {}", header.kiosk_id)
    } else {
        format!(
            "Kiosek {}, doklad č. {}",
            header.kiosk_id, header.slip_number
        )
    }));
    lines.push(SlipLine::Centre(
        header.printed_at.format("%-d. %-m. %Y %H:%M").to_string(),
    ));
}

impl Slip {
    /// "Platební údaje": how to pay, with the QR code — not a proof of payment.
    pub fn payment_instruction(
        header: &SlipHeader,
        p: &PaymentSlipData,
    ) -> Result<Slip, PaymentError> {
        let mut request = PaymentRequest::new(&p.account.iban())?.amount(p.amount);
        if let Some(vs) = &p.vs {
            request = request.vs(vs)?;
        }
        if let Some(ss) = &p.ss {
            request = request.ss(ss)?;
        }
        if let Some(ks) = &p.ks {
            request = request.ks(ks)?;
        }
        let request = request.message_fitted(&format!("{} {}", p.what, p.period));
        let mut lines = Vec::new();
        town_header(&mut lines, header);
        lines.push(SlipLine::Title("Platební údaje".into()));
        lines.push(SlipLine::Blank);
        fee_lines(&mut lines, &p.what, &p.period, "Částka", p.amount);
        if let Some(due) = p.due {
            lines.push(field("Splatnost", due.format("%-d. %-m. %Y").to_string()));
        }
        lines.push(field("Účet", p.account.domestic()));
        lines.push(field("IBAN", p.account.iban()));
        for (label, v) in [
            ("Variabilní symbol", &p.vs),
            ("Specifický symbol", &p.ss),
            ("Konstantní symbol", &p.ks),
        ] {
            if let Some(v) = v {
                lines.push(field(label, v.clone()));
            }
        }
        lines.push(SlipLine::Blank);
        lines.push(SlipLine::Qr {
            payload: request.spayd(),
            label: "QR platba".into(),
        });
        lines.push(SlipLine::Heading("Toto není doklad o zaplacení.".into()));
        foot(&mut lines, header);
        Ok(Slip { lines })
    }

    /// A life situation to take home: where, how, what to bring, for how much.
    pub fn service_information(header: &SlipHeader, s: &Service) -> Slip {
        use crate::services::plain_text;
        let mut lines = Vec::new();
        town_header(&mut lines, header);
        lines.push(SlipLine::Title(plain_text(&s.title)));
        lines.push(SlipLine::Blank);
        let mut section = |label: &str, texts: Vec<String>| {
            let texts: Vec<String> = texts.into_iter().filter(|t| !t.is_empty()).collect();
            if !texts.is_empty() {
                lines.push(SlipLine::Heading(label.to_uppercase()));
                lines.extend(texts.into_iter().map(SlipLine::Text));
            }
        };
        section("Kde", vec![plain_text(&s.where_), plain_text(&s.room)]);
        let mut how = vec![plain_text(&s.how)];
        how.extend(
            s.steps
                .iter()
                .map(|t| plain_text(t))
                .filter(|t| !t.is_empty())
                .enumerate()
                .map(|(i, t)| format!("{}. {t}", i + 1)),
        );
        section("Jak", how);
        section("S kým", vec![plain_text(&s.with_whom)]);
        section("Za kolik", vec![plain_text(&s.cost)]);
        section(
            "S sebou",
            s.bring
                .iter()
                .map(|b| format!("- {}", plain_text(b)))
                .collect(),
        );
        section("Lhůty", vec![plain_text(&s.deadlines)]);
        section(
            "Formuláře",
            s.forms
                .iter()
                .map(|f| format!("- {} ({})", plain_text(&f.name), plain_text(&f.format)))
                .collect(),
        );
        // The reservation if it can be booked online, else the service's page;
        // never a link that is not https.
        let https = |u: &Option<String>| {
            u.as_deref()
                .map(str::trim)
                .filter(|u| crate::portal::validate::is_https_url(u))
                .map(str::to_string)
        };
        let qr = match (https(&s.reservation_url), https(&s.url)) {
            (Some(url), _) => Some((url, "Objednat se online")),
            (None, Some(url)) => Some((url, "Více na portálu")),
            (None, None) => None,
        };
        if let Some((payload, label)) = qr {
            lines.push(SlipLine::Blank);
            lines.push(SlipLine::Qr {
                payload,
                label: label.into(),
            });
        }
        foot(&mut lines, header);
        Slip { lines }
    }

    /// "Potvrzení o zaplacení": printed only once the backend reports the payment.
    pub fn proof_of_payment(header: &SlipHeader, p: &ProofOfPaymentData) -> Slip {
        let mut lines = Vec::new();
        town_header(&mut lines, header);
        lines.push(SlipLine::Title("Potvrzení o zaplacení".into()));
        lines.push(SlipLine::Blank);
        fee_lines(&mut lines, &p.what, &p.period, "Zaplaceno", p.amount);
        lines.push(field("Dne", p.paid_on.format("%-d. %-m. %Y").to_string()));
        lines.push(field("Číslo platby", p.reference.clone()));
        foot(&mut lines, header);
        Slip { lines }
    }

    /// A department to take home: where, phone, e-mail, office hours.
    pub fn contact(header: &SlipHeader, d: &crate::portal::types::Department) -> Slip {
        let mut lines = Vec::new();
        town_header(&mut lines, header);
        lines.push(SlipLine::Title(d.name.clone()));
        lines.push(SlipLine::Blank);
        lines.push(SlipLine::Text(
            format!("{} {}", d.building, d.address).trim().to_string(),
        ));
        lines.push(field("Telefon", d.phone.clone()));
        if !d.email.is_empty() {
            lines.push(field("E-mail", d.email.clone()));
        }
        if !d.office_hours.is_empty() {
            lines.push(SlipLine::Heading("ÚŘEDNÍ HODINY".into()));
            for h in &d.office_hours {
                lines.push(field(h.day.clone(), format!("{}–{}", h.from, h.to)));
            }
        }
        foot(&mut lines, header);
        Slip { lines }
    }

    /// Where to vote: the next election (if one is scheduled) with its days and
    /// hours in words, the district, the polling room, how to get in and a QR
    /// code of its map. Never the citizen's address: only the district.
    pub fn polling_place(
        header: &SlipHeader,
        election: Option<&crate::portal::types::Election>,
        district: &crate::portal::types::PollingDistrict,
    ) -> Slip {
        let mut lines = Vec::new();
        town_header(&mut lines, header);
        lines.push(SlipLine::Title("Kde volím".into()));
        lines.push(SlipLine::Blank);
        if let Some(election) = election {
            lines.push(SlipLine::Heading(election.title.clone()));
            for (i, day) in election.days.iter().enumerate() {
                let hours = election.hours.get(i).cloned().unwrap_or_default();
                lines.push(field(
                    format!(
                        "{} {}",
                        crate::elections::day_in_words(*day),
                        chrono::Datelike::year(day)
                    ),
                    hours,
                ));
            }
        }
        lines.push(field("Volební okrsek", district.number.to_string()));
        lines.push(SlipLine::Text(district.place.clone()));
        lines.push(SlipLine::Text(district.address.clone()));
        lines.push(SlipLine::Text(district.room.clone()));
        for note in [&district.entrance, &district.accessibility]
            .into_iter()
            .flatten()
            .filter(|n| !n.trim().is_empty())
        {
            lines.push(SlipLine::Text(note.clone()));
        }
        if let Some(link) = district.map.as_deref().and_then(crate::elections::map_link) {
            lines.push(SlipLine::Qr {
                payload: link,
                label: "Mapa volební místnosti".into(),
            });
        }
        lines.push(SlipLine::Blank);
        lines.push(SlipLine::Centre(
            "S sebou: občanský průkaz nebo cestovní pas.".into(),
        ));
        foot(&mut lines, header);
        Slip { lines }
    }

    /// A notice of the úřední deska to take home: its title, when it was posted
    /// and until when it hangs, its reference, and a QR code of its page (or
    /// of its first document) — never its whole text, which may be pages long.
    pub fn board_notice(header: &SlipHeader, n: &crate::noticeboard::BoardNotice) -> Slip {
        use crate::elections::date_in_words;
        let mut lines = Vec::new();
        town_header(&mut lines, header);
        lines.push(SlipLine::Title("Úřední deska".into()));
        lines.push(SlipLine::Blank);
        lines.push(SlipLine::Heading(n.title.clone()));
        if let Some(d) = n.posted.day() {
            lines.push(field("Vyvěšeno", date_in_words(d)));
        }
        lines.push(field(
            "Visí do",
            n.until
                .last_day()
                .map_or_else(|| "trvale".to_string(), date_in_words),
        ));
        if !n.reference.is_empty() {
            lines.push(field("Číslo jednací", n.reference.clone()));
        }
        if !n.file_mark.is_empty() {
            lines.push(field("Spisová značka", n.file_mark.clone()));
        }
        if !n.agendas.is_empty() {
            lines.push(field("Agenda", n.agendas.join(", ")));
        }
        if !n.documents.is_empty() {
            lines.push(SlipLine::Heading("DOKUMENTY".into()));
            for d in &n.documents {
                lines.push(SlipLine::Text(format!("- {}", d.name)));
            }
        }
        match n.slip_url() {
            Some(url) => lines.push(SlipLine::Qr {
                payload: url.to_string(),
                label: if n.url.is_some() {
                    "Oznámení na webu města".into()
                } else {
                    "Dokument oznámení".into()
                },
            }),
            None => lines.push(SlipLine::Centre(
                "Plné znění visí na úřední desce radnice.".into(),
            )),
        }
        foot(&mut lines, header);
        Slip { lines }
    }

    /// For staff: every Czech letter, sizes, a QR code and the cut.
    pub fn test_page(header: &SlipHeader, profile: &PrinterProfile) -> Slip {
        let mut lines = Vec::new();
        town_header(&mut lines, header);
        lines.push(SlipLine::Title("Zkušební tisk".into()));
        lines.push(field("Profil", profile.name));
        lines.push(field("Znaků na řádek", profile.columns.to_string()));
        lines.push(SlipLine::Text(
            "Příliš žluťoučký kůň úpěl ďábelské ódy.".into(),
        ));
        lines.push(SlipLine::Text(
            "PŘÍLIŠ ŽLUŤOUČKÝ KŮŇ ÚPĚL ĎÁBELSKÉ ÓDY.".into(),
        ));
        lines.push(SlipLine::Qr {
            payload: format!("https://{}/", header.town.web),
            label: header.town.web.clone(),
        });
        foot(&mut lines, header);
        Slip { lines }
    }

    /// The text lines as printed on paper of `columns` characters (QR codes as
    /// their label line), exactly what a decoder of the bytes must read back.
    pub fn text_lines(&self, columns: usize) -> Vec<String> {
        self.render(columns)
            .into_iter()
            .filter_map(|r| match r {
                Rendered::Line { text, .. } => Some(text),
                Rendered::Qr(_) => None,
            })
            .collect()
    }

    fn render(&self, columns: usize) -> Vec<Rendered> {
        let mut out = Vec::new();
        // What the paper will show: characters the code page lacks already replaced,
        // so that wrapping counts what is printed; a line break inside a value (the
        // backend's text) is a space, as `EscPos::line` never ends a line early.
        let printable = |t: &str| {
            super::codepage::decode_cp852(&super::codepage::encode_cp852(t).0).replace('\n', " ")
        };
        let line = |text: String, align: Align, bold: bool, wide: bool| Rendered::Line {
            text,
            align,
            bold,
            wide,
        };
        for l in &self.lines {
            match l {
                SlipLine::Title(t) => {
                    for w in wrap(&printable(t), columns / 2) {
                        out.push(line(w, Align::Centre, true, true));
                    }
                }
                SlipLine::Heading(t) => {
                    for w in wrap(&printable(t), columns) {
                        out.push(line(w, Align::Centre, true, false));
                    }
                }
                SlipLine::Centre(t) => {
                    for w in wrap(&printable(t), columns) {
                        out.push(line(w, Align::Centre, false, false));
                    }
                }
                SlipLine::Text(t) => {
                    for w in wrap(&printable(t), columns) {
                        out.push(line(w, Align::Left, false, false));
                    }
                }
                SlipLine::Field { label, value } => {
                    let label = printable(&format!("{label}:"));
                    let value = &printable(value);
                    let used = label.chars().count() + 1 + value.chars().count();
                    if used <= columns {
                        let pad = columns - label.chars().count() - value.chars().count();
                        out.push(line(
                            format!("{label}{}{value}", " ".repeat(pad)),
                            Align::Left,
                            false,
                            false,
                        ));
                    } else {
                        // A label can come from the backend (an office-hours day):
                        // wrapped like any text, never wider than the paper.
                        for w in wrap(&label, columns) {
                            out.push(line(w, Align::Left, false, false));
                        }
                        for w in wrap(value, columns.saturating_sub(2).max(8)) {
                            out.push(line(format!("  {w}"), Align::Left, false, false));
                        }
                    }
                }
                SlipLine::Rule => out.push(line("-".repeat(columns), Align::Left, false, false)),
                SlipLine::Blank => out.push(line(String::new(), Align::Left, false, false)),
                SlipLine::Qr { payload, label } => {
                    out.push(Rendered::Qr(payload.clone()));
                    out.push(line(printable(label), Align::Centre, true, false));
                }
            }
        }
        out
    }

    /// The bytes for a printer of this profile, ending in a cut.
    pub fn encode(&self, profile: &PrinterProfile) -> Result<Vec<u8>, qrcode::types::QrError> {
        let mut p = EscPos::new(profile);
        for r in self.render(profile.columns) {
            match r {
                Rendered::Line {
                    text,
                    align,
                    bold,
                    wide,
                } => {
                    p.align(align)
                        .bold(bold)
                        .size(if wide { 2 } else { 1 }, if wide { 2 } else { 1 })
                        .line(&text);
                }
                Rendered::Qr(payload) => {
                    p.align(Align::Centre).size(1, 1).bold(false);
                    p.qr(&payload)?;
                }
            }
        }
        p.align(Align::Left).bold(false).size(1, 1).feed(3).cut();
        if p.replaced > 0 {
            tracing::info!(
                replaced = p.replaced,
                "characters transliterated for the printer's code page"
            );
        }
        Ok(p.finish())
    }
}

enum Rendered {
    Line {
        text: String,
        align: Align,
        bold: bool,
        wide: bool,
    },
    Qr(String),
}

/// Wraps at word boundaries to `width` characters; a Czech one-letter word
/// (k, s, v, z, o, u, a, i) never ends a line; overlong words are split.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let len = |words: &[String]| {
        words.iter().map(|w| w.chars().count()).sum::<usize>() + words.len().saturating_sub(1)
    };
    for word in text.split_whitespace() {
        let mut word = word.to_string();
        while word.chars().count() > width {
            if !current.is_empty() {
                lines.push(current.join(" "));
                current.clear();
            }
            let head: String = word.chars().take(width).collect();
            word = word.chars().skip(width).collect();
            lines.push(head);
        }
        current.push(word);
        if len(&current) > width {
            let last = current.pop().unwrap_or_default();
            let mut carry = vec![last];
            // Do not leave a one-letter preposition or conjunction at the line's end
            // (unless the word after it fills the next line on its own).
            if current.len() > 1
                && len(&carry) + 2 <= width
                && current.last().is_some_and(|w| {
                    w.chars().count() == 1 && "kKsSvVzZoOuUaAiI".contains(w.as_str())
                })
            {
                carry.insert(0, current.pop().unwrap_or_default());
            }
            lines.push(current.join(" "));
            current = carry;
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current.join(" "));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_respects_width_and_czech_one_letter_words() {
        let lines = wrap("Poplatek za psa a kočku v domě u nádraží", 16);
        assert!(lines.iter().all(|l| l.chars().count() <= 16), "{lines:?}");
        assert!(
            lines
                .iter()
                .all(|l| !l.ends_with(" a") && !l.ends_with(" v") && !l.ends_with(" u")),
            "{lines:?}"
        );
        assert_eq!(lines.join(" "), "Poplatek za psa a kočku v domě u nádraží");
        assert_eq!(wrap("Nejneobhospodařovávatelnějšími", 10).len(), 3);
        assert_eq!(wrap("", 10), vec![String::new()]);
    }

    #[test]
    fn a_one_letter_word_stays_behind_when_the_next_word_fills_a_line() {
        // Found by the `backend` fuzz target (a service's text with a 32-character
        // word after "a", on 58 mm paper): carrying the one-letter word to the
        // next line made that line 34 characters wide.
        let fuzzed = format!("zákonný zástupce a {}dítě musí", "\u{7f}".repeat(28));
        let text = crate::receipt::codepage::decode_cp852(
            &crate::receipt::codepage::encode_cp852(&fuzzed).0,
        );
        let lines = wrap(&text, 32);
        assert!(lines.iter().all(|l| l.chars().count() <= 32), "{lines:?}");
        // The everyday case: a link after a preposition.
        let lines = wrap("Formulář najdete v https://obcan.litomerice.cz/pas", 32);
        assert_eq!(
            lines,
            ["Formulář najdete v", "https://obcan.litomerice.cz/pas"]
        );
        // A shorter word still takes the one-letter word along.
        assert_eq!(
            wrap("Formulář najdete v aplikaci", 20),
            ["Formulář najdete", "v aplikaci"]
        );
    }

    fn test_header() -> SlipHeader {
        crate::receipt::SlipOrigin::new(
            "lt-radnice-01",
            &crate::config::KioskConfig::embedded_default()
                .expect("the default config")
                .town,
        )
        .header(
            1,
            chrono::NaiveDate::from_ymd_opt(2026, 11, 18)
                .and_then(|d| d.and_hms_opt(10, 30, 0))
                .unwrap(),
        )
    }

    #[test]
    fn a_slip_drawn_only_for_the_screen_carries_no_number() {
        let mut header = test_header();
        let numbered = Slip::contact(&header, &department("+420 416 916 111", "pondělí"));
        assert!(
            numbered
                .text_lines(48)
                .iter()
                .any(|l| l.contains("doklad č. 1"))
        );
        header.slip_number = 0;
        let drawn = Slip::contact(&header, &department("+420 416 916 111", "pondělí"));
        let lines = drawn.text_lines(48);
        assert!(lines.iter().all(|l| !l.contains("č. 0")), "{lines:?}");
        assert!(
            lines.iter().any(|l| l.contains("Náhled z kiosku")),
            "{lines:?}"
        );
    }

    fn department(phone: &str, day: &str) -> crate::portal::types::Department {
        crate::portal::types::Department {
            id: "odbor".into(),
            name: "Odbor správní".into(),
            building: String::new(),
            address: "Mírové náměstí 15/7".into(),
            phone: phone.into(),
            email: String::new(),
            office_hours: vec![crate::portal::types::OfficeHours {
                day: day.into(),
                from: "08:00".into(),
                to: "17:00".into(),
            }],
            people: Vec::new(),
        }
    }

    /// Every profile prints exactly the slip's text lines, none wider than its paper.
    fn assert_prints_as_modelled(slip: &Slip) {
        for profile in crate::receipt::PROFILES {
            let lines = slip.text_lines(profile.columns);
            assert!(
                lines.iter().all(|l| l.chars().count() <= profile.columns),
                "{}: {lines:?}",
                profile.name
            );
            let printed = crate::receipt::decode(&slip.encode(profile).unwrap()).unwrap();
            assert_eq!(printed.lines(), lines, "{}", profile.name);
        }
    }

    #[test]
    fn a_line_break_in_a_value_prints_as_a_space() {
        // Found with the `backend` fuzz target's slip check: a phone number with a
        // line break ("+420 416\n916 111") fitted its line in the model, but the
        // printer got it without the break: "+420 416916 111", a wrong number.
        let slip = Slip::contact(&test_header(), &department("+420 416\n916 111", "pondělí"));
        assert!(
            slip.text_lines(48)
                .iter()
                .any(|l| l.ends_with(" +420 416 916 111"))
        );
        assert_prints_as_modelled(&slip);
    }

    #[test]
    fn a_label_longer_than_the_paper_is_wrapped() {
        // Found by the `backend` fuzz target: a contact slip's office-hours day
        // (the backend's text) is a field label, and a long one was printed as
        // one line wider than 58 mm paper.
        let day = format!("st{}ředa", "[".repeat(100));
        let slip = Slip::contact(&test_header(), &department("+420 416 916 111", &day));
        assert_prints_as_modelled(&slip);
    }
}
