//! A direct printer of JSON values as block YAML, byte for byte what
//! serde-saphyr writes with our options, for the shapes our emitters build.
//!
//! serde-saphyr's serializer was most of the CPU time of a fleet compile: it
//! goes through serde's data model and decides each scalar's style with
//! general rules. The printer writes the common shapes directly and answers
//! `None` for anything it cannot promise to write the same way (a sequence in
//! a sequence, a multi-line string as a sequence item or one a literal
//! block cannot hold), so the caller falls back to the serializer. Scalars whose style it
//! does not decide itself (quoting, numbers other than integers) are asked of
//! the serializer one by one. `tests.rs` compares both on every file of the
//! reference spec and on generated values.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write as _;

use crate::emit::hash::FastState;

use serde_json::{Map, Value};

/// Spaces per nesting level (serde-saphyr's default `indent_step`).
const STEP: usize = 2;

/// The YAML document of `value`, or `None` where only the serializer knows.
pub fn print(value: &Value) -> Option<String> {
    let Value::Object(map) = value else {
        return None;
    };
    if map.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(1024);
    block_map(map, 0, false, &mut out)?;
    Some(out)
}

/// A mapping whose keys start at column `indent`; `after_dash` when its
/// first key follows a sequence item's `- ` on the same line.
fn block_map(
    map: &Map<String, Value>,
    indent: usize,
    after_dash: bool,
    out: &mut String,
) -> Option<()> {
    for (index, (key, value)) in map.iter().enumerate() {
        if index > 0 || !after_dash {
            push_spaces(out, indent);
        }
        key_text(key, out)?;
        out.push(':');
        match value {
            Value::Object(inner) if !inner.is_empty() => {
                out.push('\n');
                block_map(inner, indent + STEP, false, out)?;
            }
            // Compact list indent: a mapping's sequence items start at its keys' column.
            Value::Array(items) if !items.is_empty() => {
                out.push('\n');
                block_seq(items, indent, out)?;
            }
            Value::String(text) if text.contains('\n') => {
                out.push(' ');
                literal_block(text, indent + STEP, out)?;
            }
            scalar => {
                out.push(' ');
                scalar_text(scalar, out)?;
                out.push('\n');
            }
        }
    }
    Some(())
}

/// A sequence whose dashes are at column `indent`.
fn block_seq(items: &[Value], indent: usize, out: &mut String) -> Option<()> {
    for item in items {
        push_spaces(out, indent);
        out.push_str("- ");
        match item {
            Value::Object(inner) if !inner.is_empty() => {
                block_map(inner, indent + STEP, true, out)?;
            }
            Value::Array(inner) if !inner.is_empty() => return None,
            Value::String(text) if text.contains('\n') => return None,
            scalar => {
                scalar_text(scalar, out)?;
                out.push('\n');
            }
        }
    }
    Some(())
}

/// A scalar (or empty collection) in value position, without its newline.
fn scalar_text(value: &Value, out: &mut String) -> Option<()> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(number) if number.is_i64() || number.is_u64() => {
            let _ = write!(out, "{number}");
        }
        Value::String(text) => match plain_or_quoted(text) {
            Some(Style::Plain) => out.push_str(text),
            Some(Style::Quoted) => {
                // Printable ASCII: only `\` and `"` are escaped.
                out.push('"');
                for c in text.chars() {
                    if matches!(c, '\\' | '"') {
                        out.push('\\');
                    }
                    out.push(c);
                }
                out.push('"');
            }
            // Strings that may need more than quotes: the serializer decides.
            None => serialized_line(value, out)?,
        },
        Value::Object(map) if map.is_empty() => out.push_str("{}"),
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        // Floats: the serializer decides.
        other => serialized_line(other, out)?,
    }
    Some(())
}

/// `value` as the serializer writes it, when that is one line.
fn serialized_line(value: &Value, out: &mut String) -> Option<()> {
    // A fleet's files repeat the same few scalars the printer leaves to the
    // serializer (sample values of SLO tests, paths, sizes) tens of
    // thousands of times, and each call sets up the whole serializer.
    // Strings only: numbers equal as values may print apart (0.0 and -0.0).
    thread_local! {
        static LINES: RefCell<HashMap<String, Option<String>, FastState>> = RefCell::default();
    }
    const MOST: usize = 4096;
    let Value::String(text) = value else {
        return push_line(serialized(value), out);
    };
    let known = LINES.with_borrow(|lines| {
        let line = lines.get(text)?;
        if let Some(line) = line {
            out.push_str(line);
        }
        Some(line.is_some())
    });
    if let Some(known) = known {
        return known.then_some(());
    }
    let line = one_line(serialized(value));
    if let Some(line) = &line {
        out.push_str(line);
    }
    let written = line.is_some();
    LINES.with_borrow_mut(|lines| {
        if lines.len() >= MOST {
            lines.clear();
        }
        lines.insert(text.clone(), line);
    });
    written.then_some(())
}

/// The serializer's document when it is one line, without its newline.
fn one_line(text: Option<String>) -> Option<String> {
    let mut text = text?;
    text.pop().filter(|c| *c == '\n')?;
    (!text.contains('\n')).then_some(text)
}

fn push_line(text: Option<String>, out: &mut String) -> Option<()> {
    out.push_str(&one_line(text)?);
    Some(())
}

/// A mapping key, plain when it certainly may be, else as the serializer
/// writes it.
fn key_text(key: &str, out: &mut String) -> Option<()> {
    if is_plain_key(key) {
        out.push_str(key);
        return Some(());
    }
    let mut probe = Map::new();
    probe.insert(key.to_owned(), Value::Null);
    let text = serialized(&Value::Object(probe))?;
    let written = text.strip_suffix(": null\n")?;
    if written.contains('\n') || written.starts_with('?') {
        return None;
    }
    out.push_str(written);
    Some(())
}

/// A multi-line string as a literal block whose lines start at `column`,
/// after its header on the current line.
fn literal_block(text: &str, column: usize, out: &mut String) -> Option<()> {
    // What a block scalar cannot hold the serializer writes double-quoted.
    if !all_chars(
        text,
        |b| matches!(b, b'\n' | b'\t' | b' '..=b'~'),
        fits_block,
    ) {
        return None;
    }
    let content = text.trim_end_matches('\n');
    if content.is_empty() {
        return None;
    }
    let trailing = text.len() - content.len();
    out.push('|');
    // A first line that starts with spaces needs the indentation stated.
    let first = content
        .split('\n')
        .find(|line| !line.is_empty())
        .unwrap_or("");
    if first.starts_with(' ') {
        let _ = write!(out, "{STEP}");
    }
    match trailing {
        0 => out.push('-'),
        1 => {}
        _ => out.push('+'),
    }
    out.push('\n');
    for line in content.split('\n') {
        if !line.is_empty() {
            push_spaces(out, column);
            out.push_str(line);
        }
        out.push('\n');
    }
    for _ in 1..trailing {
        out.push('\n');
    }
    Some(())
}

/// Whether every character of `text` passes: ASCII bytes are tested as
/// bytes by `ascii`, and only the other characters are decoded, for
/// `other` (a fleet's rules and dashboards are megabytes of block text).
pub fn all_chars(text: &str, ascii: impl Fn(u8) -> bool, other: impl Fn(char) -> bool) -> bool {
    // Tested a chunk at a time without branching, which the compiler turns
    // into vector instructions: most text is ASCII that passes.
    const CHUNK: usize = 32;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + CHUNK)
            && chunk
                .iter()
                .fold(true, |ok, &b| ok & b.is_ascii() & ascii(b))
        {
            i += CHUNK;
            continue;
        }
        if bytes[i].is_ascii() {
            if !ascii(bytes[i]) {
                return false;
            }
            i += 1;
        } else {
            match text[i..].chars().next() {
                Some(c) if other(c) => i += c.len_utf8(),
                _ => return false,
            }
        }
    }
    true
}

/// Characters a literal block holds as they are (serde-saphyr's rule:
/// printable, no carriage return, byte order mark or Unicode line breaks).
fn fits_block(c: char) -> bool {
    matches!(c, '\n' | '\t' | ' '..='~' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
        && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
}

/// Words YAML 1.1 readers take for booleans, null or special floats.
const RESERVED: [&str; 11] = [
    "null", "true", "false", "nan", "inf", "yes", "y", "on", "no", "n", "off",
];

fn is_reserved(text: &str) -> bool {
    RESERVED.iter().any(|word| text.eq_ignore_ascii_case(word))
}

/// Keys of letters, digits and `_-./` that start with a letter: plain
/// unless they spell a reserved word.
fn is_plain_key(key: &str) -> bool {
    let bytes = key.as_bytes();
    bytes.first().is_some_and(u8::is_ascii_alphabetic)
        && bytes
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/'))
        && !is_reserved(key)
}

/// How a one-line string is written in value position.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    /// Double-quoted.
    Quoted,
}

/// The style serde-saphyr gives a one-line value, where it is certain; the
/// rest (outside printable ASCII, one character, or what may read as a
/// number, date or boolean) is asked of the serializer.
fn plain_or_quoted(text: &str) -> Option<Style> {
    let bytes = text.as_bytes();
    // Both tests run over every byte without a branch, which the compiler
    // vectorizes: most values are queries and selectors of some length.
    let printable = bytes
        .iter()
        .fold(true, |ok, &b| ok & (b' '..=b'~').contains(&b));
    if bytes.len() < 2 || !printable {
        return None;
    }
    let (first, last) = (bytes[0], bytes[bytes.len() - 1]);
    let comment_or_mapping = bytes.iter().zip(&bytes[1..]).fold(0u8, |found, (&a, &b)| {
        found
            | (u8::from(a == b':') & u8::from(b == b' '))
            | (u8::from(a == b' ') & u8::from(b == b'#'))
    }) != 0;
    // What a plain scalar cannot be: it would lose its edges, start an
    // indicator, a comment or a mapping.
    if first == b' '
        || last == b' '
        || last == b':'
        || b",:[]{}#&*!|>'\"%@`".contains(&first)
        || comment_or_mapping
    {
        return Some(Style::Quoted);
    }
    if ((first.is_ascii_alphabetic() || first == b'(') && !is_reserved(text)) || is_duration(bytes)
    {
        return Some(Style::Plain);
    }
    None
}

/// `5m`, `1h30m`: digits and Prometheus duration units, which no YAML
/// reader takes for a number or a date.
fn is_duration(bytes: &[u8]) -> bool {
    bytes[0].is_ascii_digit()
        && bytes.iter().any(u8::is_ascii_alphabetic)
        && bytes
            .iter()
            .all(|b| b.is_ascii_digit() || matches!(b, b'm' | b's' | b'h' | b'd' | b'w' | b'y'))
}

fn push_spaces(out: &mut String, count: usize) {
    const SPACES: &str = "                                                                ";
    let mut left = count;
    while left > 0 {
        let now = left.min(SPACES.len());
        out.push_str(&SPACES[..now]);
        left -= now;
    }
}

/// What serde-saphyr writes for `value` alone, with our options.
pub fn serialized(value: &Value) -> Option<String> {
    serde_saphyr::to_string_with_options(value, super::options()).ok()
}
