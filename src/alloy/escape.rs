//! Strings and identifiers: the only ways text enters an Alloy file.
//!
//! [`quote`] writes any string as a double-quoted Alloy literal that reads
//! back as exactly that string, escaping like Go's `strconv.Quote` (which is
//! what `alloy fmt` uses for labels and quoted keys): `"` and `\`, the C
//! escapes `\a \b \f \n \r \t \v`, other control characters as `\xNN`, and
//! invisible or unassigned-looking characters as `\uNNNN`/`\UNNNNNNNN`.
//! [`unquote`] reads a literal back. [`is_identifier`] and [`identifier`]
//! decide and make identifiers (block names, labels, attribute names).

use std::fmt;

use super::scan::{is_digit, is_letter};

/// `s` as a double-quoted Alloy string literal.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if is_printable(c) => out.push(c),
            c if (c as u32) < 0x1_0000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// `s` as a raw (backquoted) string literal, when it can be one that
/// prints and reads back unchanged: no backtick, and no control or
/// invisible character (a raw string takes them literally, and tabs and
/// line breaks would also be reformatted by `alloy fmt`).
pub fn raw(s: &str) -> Option<String> {
    let plain = s.chars().all(|c| {
        c != '`' && !c.is_control() && (c == ' ' || !c.is_whitespace()) && is_printable(c)
    });
    plain.then(|| format!("`{s}`"))
}

/// Characters written as themselves in a quoted string. ASCII control
/// characters are handled by the caller; this rules out the other
/// invisible ones: C1 controls, spaces other than U+0020, format
/// characters (a byte order mark inside a file is a syntax error in
/// Alloy), private-use characters and noncharacters.
fn is_printable(c: char) -> bool {
    let u = c as u32;
    if c.is_ascii() {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let format_chars: &[(u32, u32)] = &[
        (0x00ad, 0x00ad),
        (0x0600, 0x0605),
        (0x061c, 0x061c),
        (0x06dd, 0x06dd),
        (0x070f, 0x070f),
        (0x0890, 0x0891),
        (0x08e2, 0x08e2),
        (0x180e, 0x180e),
        (0x200b, 0x200f),
        (0x202a, 0x202e),
        (0x2060, 0x206f),
        (0xd800, 0xf8ff), // surrogates (unreachable in a char) and private use
        (0xfdd0, 0xfdef),
        (0xfeff, 0xfeff),
        (0xfff9, 0xfffb),
        (0x110bd, 0x110bd),
        (0x110cd, 0x110cd),
        (0x13430, 0x1343f),
        (0x1bca0, 0x1bca3),
        (0x1d173, 0x1d17a),
        (0xe0000, 0xe0fff),
        (0xf0000, 0x10ffff),
    ];
    if u & 0xfffe == 0xfffe {
        return false; // U+xxFFFE and U+xxFFFF are noncharacters
    }
    !format_chars.iter().any(|&(lo, hi)| (lo..=hi).contains(&u))
}

/// Why a literal could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnquoteError(pub String);

impl fmt::Display for UnquoteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UnquoteError {}

/// The value of a string literal as written in a file: `"..."` with
/// escapes, or a raw `` `...` `` string (carriage returns dropped).
pub fn unquote(lit: &str) -> Result<String, UnquoteError> {
    let err = |m: &str| Err(UnquoteError(m.to_owned()));
    if lit.len() >= 2 && lit.starts_with('`') && lit.ends_with('`') {
        let inner = &lit[1..lit.len() - 1];
        if inner.contains('`') {
            return err("a raw string cannot contain a backtick");
        }
        return Ok(inner.replace('\r', ""));
    }
    if lit.len() < 2 || !lit.starts_with('"') || !lit.ends_with('"') {
        return err("not a string literal");
    }
    let inner = &lit[1..lit.len() - 1];
    // `\xNN` and octal escapes are bytes, `\u` escapes are characters: build
    // bytes and check the result is UTF-8 at the end.
    let mut out: Vec<u8> = Vec::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return err("unescaped quote inside a string"),
            '\n' => return err("newline inside a string"),
            '\\' => {}
            c => {
                let mut buf = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                continue;
            }
        }
        let Some(e) = chars.next() else {
            return err("escape sequence not terminated");
        };
        let simple = match e {
            'a' => Some(0x07),
            'b' => Some(0x08),
            'f' => Some(0x0c),
            'n' => Some(b'\n'),
            'r' => Some(b'\r'),
            't' => Some(b'\t'),
            'v' => Some(0x0b),
            '\\' => Some(b'\\'),
            '"' => Some(b'"'),
            '\'' => Some(b'\''),
            _ => None,
        };
        if let Some(b) = simple {
            out.push(b);
            continue;
        }
        let (digits, radix, is_byte) = match e {
            '0'..='7' => (3, 8, true),
            'x' => (2, 16, true),
            'u' => (4, 16, false),
            'U' => (8, 16, false),
            _ => return err("unknown escape sequence"),
        };
        let mut text = String::new();
        if radix == 8 {
            text.push(e);
        }
        while text.len() < digits {
            match chars.next() {
                Some(d) if d.is_digit(radix) => text.push(d),
                _ => return err("malformed escape sequence"),
            }
        }
        let value = u32::from_str_radix(&text, radix).unwrap_or(u32::MAX);
        if is_byte {
            let Ok(b) = u8::try_from(value) else {
                return err("octal escape above 255");
            };
            out.push(b);
        } else {
            let Some(c) = char::from_u32(value) else {
                return err("escape sequence is invalid Unicode code point");
            };
            let mut buf = [0; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
    }
    String::from_utf8(out).map_err(|_| UnquoteError("escapes form invalid UTF-8".to_owned()))
}

/// An Alloy identifier: a letter or `_`, then letters, digits and `_`; not
/// `true`, `false` or `null`.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    is_letter(first)
        && chars.all(|c| is_letter(c) || is_digit(c))
        && !matches!(s, "true" | "false" | "null")
}

/// An identifier made from any string: ASCII letters, digits and `_` are
/// kept, every other character becomes `_`, and a leading digit (or an
/// empty or keyword result) gets a `_` prefix. `velero-manager` →
/// `velero_manager`. Different inputs can give the same identifier; callers
/// that need distinct labels deduplicate.
pub fn identifier(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) || !is_identifier(&out) {
        out.insert(0, '_');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_like_go() {
        assert_eq!(quote("plain"), r#""plain""#);
        assert_eq!(quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(quote("l1\nl2\t}"), r#""l1\nl2\t}""#);
        assert_eq!(quote("\u{0}\u{1b}\u{7f}"), r#""\x00\x1b\x7f""#);
        assert_eq!(quote("é😀"), "\"é😀\"");
        assert_eq!(quote("\u{feff}\u{a0}\u{2028}"), r#""\ufeff\u00a0\u2028""#);
        assert_eq!(quote("\u{10fffe}"), r#""\U0010fffe""#);
    }

    #[test]
    fn unquote_reads_back_every_escape() {
        for s in [
            "",
            "a\"b",
            "\\",
            "x\ny\r\t\u{7}\u{8}\u{c}\u{b}",
            "\u{0}é😀\u{feff}",
            "${x}",
        ] {
            assert_eq!(unquote(&quote(s)).unwrap(), s);
        }
        assert_eq!(
            unquote(r#""\x41\101\u00e9\U0001F600\'""#).unwrap(),
            "AAé😀'"
        );
        assert_eq!(unquote("`a\\n\r\nb`").unwrap(), "a\\n\nb");
        assert!(unquote(r#""\xff""#).is_err());
        assert!(unquote(r#""\q""#).is_err());
    }

    #[test]
    fn raw_strings_only_when_they_read_back_the_same() {
        assert_eq!(
            raw(r"^\d+ (?P<x>.*)$").as_deref(),
            Some(r"`^\d+ (?P<x>.*)$`")
        );
        assert_eq!(raw("a`b"), None);
        assert_eq!(raw("a\tb"), None);
        assert_eq!(raw("a\u{a0}b"), None);
        for s in [r"\w+", "é", ""] {
            assert_eq!(unquote(&raw(s).unwrap()).unwrap(), s);
        }
    }

    #[test]
    fn identifiers() {
        assert!(is_identifier("pods"));
        assert!(is_identifier("_x1"));
        assert!(is_identifier("ünïcode"));
        assert!(!is_identifier("1x"));
        assert!(!is_identifier("with space"));
        assert!(!is_identifier("a-b"));
        assert!(!is_identifier("true"));
        assert!(!is_identifier(""));
        assert_eq!(identifier("velero-manager"), "velero_manager");
        assert_eq!(identifier("9lives"), "_9lives");
        assert_eq!(identifier(""), "_");
        assert_eq!(identifier("null"), "_null");
        assert_eq!(identifier("a\"}b"), "a__b");
    }
}
