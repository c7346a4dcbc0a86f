//! Text for the printer: Czech in code page 852 (Latin-2, table 18 on every
//! printer we support), with characters the page lacks transliterated — never
//! raw UTF-8, which a thermal printer prints as garbage.

/// The upper half (0x80–0xFF) of code page 852.
const CP852_HIGH: &str = "\u{00c7}\u{00fc}\u{00e9}\u{00e2}\u{00e4}\u{016f}\u{0107}\u{00e7}\u{0142}\u{00eb}\u{0150}\u{0151}\u{00ee}\u{0179}\u{00c4}\u{0106}\u{00c9}\u{0139}\u{013a}\u{00f4}\u{00f6}\u{013d}\u{013e}\u{015a}\u{015b}\u{00d6}\u{00dc}\u{0164}\u{0165}\u{0141}\u{00d7}\u{010d}\u{00e1}\u{00ed}\u{00f3}\u{00fa}\u{0104}\u{0105}\u{017d}\u{017e}\u{0118}\u{0119}\u{00ac}\u{017a}\u{010c}\u{015f}\u{00ab}\u{00bb}\u{2591}\u{2592}\u{2593}\u{2502}\u{2524}\u{00c1}\u{00c2}\u{011a}\u{015e}\u{2563}\u{2551}\u{2557}\u{255d}\u{017b}\u{017c}\u{2510}\u{2514}\u{2534}\u{252c}\u{251c}\u{2500}\u{253c}\u{0102}\u{0103}\u{255a}\u{2554}\u{2569}\u{2566}\u{2560}\u{2550}\u{256c}\u{00a4}\u{0111}\u{0110}\u{010e}\u{00cb}\u{010f}\u{0147}\u{00cd}\u{00ce}\u{011b}\u{2518}\u{250c}\u{2588}\u{2584}\u{0162}\u{016e}\u{2580}\u{00d3}\u{00df}\u{00d4}\u{0143}\u{0144}\u{0148}\u{0160}\u{0161}\u{0154}\u{00da}\u{0155}\u{0170}\u{00fd}\u{00dd}\u{0163}\u{00b4}\u{00ad}\u{02dd}\u{02db}\u{02c7}\u{02d8}\u{00a7}\u{00f7}\u{00b8}\u{00b0}\u{00a8}\u{02d9}\u{0171}\u{0158}\u{0159}\u{25a0}\u{00a0}";

fn high() -> impl Iterator<Item = (u8, char)> {
    CP852_HIGH
        .chars()
        .enumerate()
        .map(|(i, c)| (0x80 + i as u8, c))
}

/// A close ASCII or CP852 stand-in for a character CP852 lacks.
fn transliterate(c: char) -> &'static str {
    match c {
        '–' | '—' | '−' | '‐' => "-",
        '„' | '“' | '”' | '″' => "\"",
        '‚' | '‘' | '’' | '′' => "'",
        '…' => "...",
        '€' => "EUR",
        '•' | '·' => "*",
        '→' => "->",
        '\u{2009}' | '\u{202f}' => " ",
        _ => "?",
    }
}

/// Encodes text in CP852; returns the bytes and how many characters had to be
/// transliterated.
pub fn encode_cp852(text: &str) -> (Vec<u8>, usize) {
    let mut out = Vec::with_capacity(text.len());
    let mut replaced = 0;
    for c in text.chars() {
        if c.is_ascii() && !c.is_ascii_control() {
            out.push(c as u8);
        } else if let Some((b, _)) = high().find(|(_, h)| *h == c) {
            out.push(b);
        } else if c == '\n' {
            out.push(b'\n');
        } else {
            out.extend_from_slice(transliterate(c).as_bytes());
            replaced += 1;
        }
    }
    (out, replaced)
}

/// Decodes CP852 bytes (printable ones) back to text.
pub fn decode_cp852(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if b < 0x80 {
                b as char
            } else {
                CP852_HIGH.chars().nth((b - 0x80) as usize).unwrap_or('?')
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn czech_letters_have_the_bytes_of_receipts_md() {
        let expect = [
            ('á', 0xA0),
            ('č', 0x9F),
            ('ď', 0xD4),
            ('é', 0x82),
            ('ě', 0xD8),
            ('í', 0xA1),
            ('ň', 0xE5),
            ('ó', 0xA2),
            ('ř', 0xFD),
            ('š', 0xE7),
            ('ť', 0x9C),
            ('ú', 0xA3),
            ('ů', 0x85),
            ('ý', 0xEC),
            ('ž', 0xA7),
            ('Č', 0xAC),
            ('Ř', 0xFC),
            ('Š', 0xE6),
            ('Ž', 0xA6),
            ('Ů', 0xDE),
        ];
        for (c, b) in expect {
            assert_eq!(encode_cp852(&c.to_string()).0, vec![b], "{c}");
        }
        assert_eq!(
            encode_cp852("Město Litoměřice").0,
            [
                0x4D, 0xD8, 0x73, 0x74, 0x6F, 0x20, 0x4C, 0x69, 0x74, 0x6F, 0x6D, 0xD8, 0xFD, 0x69,
                0x63, 0x65
            ]
        );
    }

    #[test]
    fn missing_characters_are_transliterated_never_utf8() {
        let (bytes, replaced) = encode_cp852("Poplatek – „za psa“ 100 €");
        assert_eq!(decode_cp852(&bytes), "Poplatek - \"za psa\" 100 EUR");
        assert_eq!(replaced, 4);
        assert!(
            bytes
                .iter()
                .all(|b| *b < 0x80 || CP852_HIGH.chars().count() == 128)
        );
    }

    #[test]
    fn round_trip_of_all_czech_letters() {
        let text =
            "Příliš žluťoučký kůň úpěl ďábelské ódy. PŘÍLIŠ ŽLUŤOUČKÝ KŮŇ ÚPĚL ĎÁBELSKÉ ÓDY.";
        let (bytes, replaced) = encode_cp852(text);
        assert_eq!(replaced, 0);
        assert_eq!(decode_cp852(&bytes), text);
    }
}
