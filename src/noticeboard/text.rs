//! Markup in a town's board turned into plain text. Towns paste titles and
//! descriptions from their web editors, so `<p>`, `<br>`, `&nbsp;` and
//! `&bdquo;` turn up in what should be plain words. The kiosk never
//! interprets markup: tags are dropped (a line break where they break a line),
//! the entities a Czech editor produces are decoded, scripts and styles vanish
//! with their content, control characters become spaces, and the result is
//! bounded in length. Anything that only looks like a tag (`a < b`) stays as
//! it is.

/// How the text is to be laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One line: every run of white space (line breaks included) is one space.
    Line,
    /// Paragraphs: line breaks kept, at most one empty line between paragraphs.
    Paragraphs,
}

/// Plain text of `input` in at most `max_chars` characters (cut at a word
/// with "…" when longer).
pub fn plain_text(input: &str, layout: Layout, max_chars: usize) -> String {
    let raw = if input.contains(['<', '&']) {
        strip_markup(input)
    } else {
        input.to_string()
    };
    let tidy = tidy_whitespace(&raw, layout);
    cut(&tidy, max_chars)
}

/// Elements whose content is never text for a reader.
const HIDDEN: [&str; 4] = ["script", "style", "head", "title"];
/// Elements that end a line (opening or closing).
const BREAKING: [&str; 16] = [
    "br",
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "tr",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "section",
];

fn strip_markup(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut rest = input;
    while let Some(c) = rest.chars().next() {
        match c {
            '<' => match tag_at(rest) {
                Some(tag) => {
                    rest = &rest[tag.len..];
                    if let Some(name) = tag.name {
                        if !tag.closing && HIDDEN.contains(&name.as_str()) {
                            // Skip to the element's end tag (or the end of the text).
                            rest = skip_element(rest, &name);
                        } else if BREAKING.contains(&name.as_str()) {
                            out.push('\n');
                        } else if name == "td" || name == "th" {
                            out.push(' ');
                        }
                    }
                }
                None => {
                    out.push('<');
                    rest = &rest[1..];
                }
            },
            '&' => {
                let (decoded, used) = entity_at(rest);
                out.push_str(&decoded);
                rest = &rest[used..];
            }
            _ => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out
}

/// A tag (or comment, or declaration) at the start of `text`.
struct Tag {
    /// Bytes it takes, `<` and `>` included.
    len: usize,
    /// Lower-case element name; None for comments and declarations.
    name: Option<String>,
    closing: bool,
}

fn tag_at(text: &str) -> Option<Tag> {
    debug_assert!(text.starts_with('<'));
    let after = &text[1..];
    if let Some(comment) = after.strip_prefix("!--") {
        let end = comment.find("-->")?;
        return Some(Tag {
            len: 4 + end + 3,
            name: None,
            closing: false,
        });
    }
    let first = after.chars().next()?;
    let (closing, body) = match first {
        '/' => (true, &after[1..]),
        '!' | '?' => {
            let end = after.find('>')?;
            return Some(Tag {
                len: 1 + end + 1,
                name: None,
                closing: false,
            });
        }
        _ => (false, after),
    };
    // A tag starts with a letter: "a < b" and "<3" are text.
    if !body.chars().next()?.is_ascii_alphabetic() {
        return None;
    }
    let name: String = body
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    // The tag ends at the first `>` outside quotes.
    let mut quote: Option<char> = None;
    for (i, c) in body.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => {
                let len = (text.len() - body.len()) + i + 1;
                return Some(Tag {
                    len,
                    name: Some(name),
                    closing,
                });
            }
            (None, '<') => return None,
            _ => {}
        }
    }
    None
}

/// The rest of the text after `</name>` (case-insensitive); empty if it never ends.
fn skip_element<'a>(text: &'a str, name: &str) -> &'a str {
    let lower = text.to_ascii_lowercase();
    let end = format!("</{name}");
    match lower.find(&end) {
        Some(at) => {
            let after = &text[at..];
            match after.find('>') {
                Some(gt) => &after[gt + 1..],
                None => "",
            }
        }
        None => "",
    }
}

/// The character(s) an entity at the start of `text` stands for, and the bytes
/// it takes. An unknown or unfinished entity is the `&` itself.
fn entity_at(text: &str) -> (String, usize) {
    let literal = ("&".to_string(), 1);
    let Some(semi) = text[1..].char_indices().take(12).find(|(_, c)| *c == ';') else {
        return literal;
    };
    let name = &text[1..1 + semi.0];
    let used = 1 + semi.0 + 1;
    let decoded = if let Some(number) = name.strip_prefix('#') {
        let value = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => number.parse::<u32>().ok(),
        };
        match value.and_then(char::from_u32) {
            Some('\0') => return (String::new(), used),
            Some(c) => c,
            None => return literal,
        }
    } else {
        match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "nbsp" => ' ',
            "ndash" => '–',
            "mdash" => '—',
            "hellip" => '…',
            "bdquo" => '„',
            "ldquo" => '“',
            "rdquo" => '”',
            "sbquo" => '‚',
            "lsquo" => '‘',
            "rsquo" => '’',
            "laquo" => '«',
            "raquo" => '»',
            "euro" => '€',
            "copy" => '©',
            "sect" => '§',
            "deg" => '°',
            "times" => '×',
            "shy" => return (String::new(), used),
            _ => return literal,
        }
    };
    (decoded.to_string(), used)
}

/// White space as the layout wants it; control characters (and the invisible
/// formatting ones) become spaces.
fn tidy_whitespace(text: &str, layout: Layout) -> String {
    let mut lines: Vec<String> = Vec::new();
    for line in text.split(['\n', '\r', '\u{2028}', '\u{2029}']) {
        let mut clean = String::with_capacity(line.len());
        let mut space = false;
        for c in line.chars() {
            let blank = c.is_whitespace()
                || c.is_control()
                || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}');
            if blank {
                space = !clean.is_empty();
            } else {
                if space {
                    clean.push(' ');
                    space = false;
                }
                clean.push(c);
            }
        }
        lines.push(clean);
    }
    match layout {
        Layout::Line => lines
            .into_iter()
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
        Layout::Paragraphs => {
            let mut out = String::new();
            let mut blank = false;
            for line in lines {
                if line.is_empty() {
                    blank = !out.is_empty();
                    continue;
                }
                if !out.is_empty() {
                    out.push_str(if blank { "\n\n" } else { "\n" });
                }
                blank = false;
                out.push_str(&line);
            }
            out
        }
    }
}

/// At most `max_chars` characters; a longer text is cut after a word and ends in "…".
fn cut(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let keep: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    let at_word = match keep.rfind(char::is_whitespace) {
        Some(i) if i > keep.len() / 2 => &keep[..i],
        _ => &keep[..],
    };
    format!("{}…", at_word.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(s: &str) -> String {
        plain_text(s, Layout::Line, 1000)
    }

    #[test]
    fn tags_are_dropped_and_never_interpreted() {
        assert_eq!(
            line("<b>Veřejná vyhláška</b> – <i>oznámení</i>"),
            "Veřejná vyhláška – oznámení"
        );
        assert_eq!(
            line("Oprava <script>alert('x')</script>chodníku"),
            "Oprava chodníku"
        );
        assert_eq!(line("<a href=\"x>y\">odkaz</a>"), "odkaz");
        assert_eq!(line("<!-- komentář --> Text"), "Text");
        assert_eq!(line("<STYLE>p{color:red}</STYLE>Text"), "Text");
    }

    #[test]
    fn what_only_looks_like_markup_stays() {
        assert_eq!(line("a < b a 3 > 2"), "a < b a 3 > 2");
        assert_eq!(line("<3 Litoměřice"), "<3 Litoměřice");
        assert_eq!(line("nedokončený <b tag"), "nedokončený <b tag");
        assert_eq!(line("Tom & Jerry; &neznámá; &"), "Tom & Jerry; &neznámá; &");
    }

    #[test]
    fn entities_a_czech_editor_writes_are_decoded() {
        assert_eq!(
            line("&bdquo;Zahrádky&ldquo;&nbsp;&ndash; k.&nbsp;ú. Litoměřice &amp; okolí"),
            "„Zahrádky“ – k. ú. Litoměřice & okolí"
        );
        assert_eq!(line("&#268;&#x10C;&#0;x&#xD800;"), "ČČx&#xD800;");
        assert_eq!(line("roz&shy;počet"), "rozpočet");
    }

    #[test]
    fn paragraphs_keep_their_breaks_and_lines_join() {
        let html = "<p>První odstavec.</p>\n\n\n<p>Druhý<br>řádek.</p>";
        assert_eq!(
            plain_text(html, Layout::Paragraphs, 1000),
            "První odstavec.\n\nDruhý\nřádek."
        );
        assert_eq!(line(html), "První odstavec. Druhý řádek.");
        assert_eq!(line("a\u{0007}b\u{202e}c\t\td"), "a b c d");
    }

    #[test]
    fn long_text_is_cut_at_a_word() {
        let text = "slovo ".repeat(100);
        let cut = plain_text(&text, Layout::Line, 40);
        assert!(cut.chars().count() <= 40, "{cut}");
        assert!(cut.ends_with("slovo…"), "{cut}");
        assert_eq!(plain_text("krátký", Layout::Line, 40), "krátký");
    }
}
