//! YAML → [`Node`] straight from the parser's events, for the documents a
//! spec is made of. serde-saphyr reads the same events through serde's data
//! model: at fleet scale that layer cost more than the parsing itself (at L
//! half of the 630 M instructions of reading the spec).
//!
//! This reader takes only what it can read exactly as serde-saphyr does
//! (see `yaml::parse`): one document, a mapping at the root, no anchors,
//! aliases, tags or merge keys, keys that are strings, and plain scalars
//! whose type is beyond doubt. Anything else, and every error, answers
//! `None`, and the caller reads the text through serde-saphyr, so the
//! result, its spans and its diagnostics are serde-saphyr's own. A test
//! compares both readers on every YAML file of the repository.

use std::collections::HashSet;

use granit_parser::{Event, Options, Parser, ScalarStyle, Span as EventSpan, StrInput};

use super::{Key, Node, NodeKind};
use crate::source::{SourceId, Span};

// Documents near serde-saphyr's budget are left to it, which refuses them
// past its limits (see "Limits" in the README): half of each here.
/// Nesting (serde-saphyr: 64).
const MAX_DEPTH: usize = 32;
/// Parser events, comments included (serde-saphyr: 1,000,000).
const MAX_EVENTS: usize = 500_000;
/// Scalars, sequences and mappings (serde-saphyr: 250,000).
const MAX_NODES: usize = 125_000;
/// Bytes of scalar text (serde-saphyr: 64 MiB).
const MAX_SCALAR_BYTES: usize = 32 << 20;
/// Entries past which a mapping's keys are hashed to find duplicates.
const LARGE_MAP: usize = 16;
/// Comments the parser may hold while it looks ahead: serde-saphyr's
/// setting, under which the parser refuses longer runs in some places.
const BUFFERED_COMMENTS: usize = 32;

/// The document's tree, when this reader can be sure of it.
pub fn parse(source: SourceId, text: &str) -> Option<Node> {
    // The parser as serde-saphyr configures it (its budget's defaults are
    // the parser's own but for comments).
    let mut options = Options::default();
    options.set_emit_comments(true);
    options.max_buffered_comment_events = BUFFERED_COMMENTS;
    let mut reader = Reader {
        parser: Parser::new_from_str_with_options(text, options),
        source,
        len: text.len(),
        events: 0,
        nodes: 0,
        scalar_bytes: 0,
    };
    let (Event::StreamStart, _) = reader.next()? else {
        return None;
    };
    let (Event::DocumentStart(_, None), _) = reader.next()? else {
        return None;
    };
    let (event, span) = reader.next()?;
    if !matches!(event, Event::MappingStart(..)) {
        return None;
    }
    let root = reader.node(event, span, 0)?;
    let (Event::DocumentEnd, _) = reader.next()? else {
        return None;
    };
    let (Event::StreamEnd, _) = reader.next()? else {
        return None;
    };
    reader.parser.next_event().is_none().then_some(root)
}

struct Reader<'a> {
    parser: Parser<'a, StrInput<'a>>,
    source: SourceId,
    len: usize,
    events: usize,
    nodes: usize,
    scalar_bytes: usize,
}

impl<'a> Reader<'a> {
    /// The next event that is not a comment.
    fn next(&mut self) -> Option<(Event<'a>, EventSpan)> {
        loop {
            self.events += 1;
            if self.events > MAX_EVENTS {
                return None;
            }
            let (event, span) = self.parser.next_event()?.ok()?;
            if !matches!(event, Event::Comment(..)) {
                return Some((event, span));
            }
        }
    }

    /// serde-saphyr's span of an event: its byte range.
    fn span(&self, span: &EventSpan) -> Option<Span> {
        let start = span.start.byte_offset()?.min(self.len);
        let end = span.end.byte_offset()?.clamp(start, self.len);
        Some(Span::new(self.source, start, end))
    }

    fn node(&mut self, event: Event<'a>, span: EventSpan, depth: usize) -> Option<Node> {
        let span = self.span(&span)?;
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return None;
        }
        let kind = match event {
            Event::Scalar(value, style, 0, None) => {
                self.scalar_bytes += value.len();
                if self.scalar_bytes > MAX_SCALAR_BYTES {
                    return None;
                }
                scalar(&value, style)?
            }
            Event::SequenceStart(_, 0, None) if depth < MAX_DEPTH => {
                let mut items = Vec::new();
                loop {
                    let (event, span) = self.next()?;
                    if matches!(event, Event::SequenceEnd) {
                        break;
                    }
                    items.push(self.node(event, span, depth + 1)?);
                }
                NodeKind::Seq(items)
            }
            Event::MappingStart(_, 0, None) if depth < MAX_DEPTH => {
                let mut entries: Vec<(Key, Node)> = Vec::new();
                let mut seen: HashSet<String> = HashSet::new();
                loop {
                    let (event, key_span) = self.next()?;
                    let name = match event {
                        Event::MappingEnd => break,
                        Event::Scalar(name, style, 0, None) => key_text(name.into_owned(), style)?,
                        _ => return None,
                    };
                    // A key is a node of serde-saphyr's budget too.
                    self.nodes += 1;
                    self.scalar_bytes += name.len();
                    if self.nodes > MAX_NODES || self.scalar_bytes > MAX_SCALAR_BYTES {
                        return None;
                    }
                    // Duplicates are serde-saphyr's to report. Small maps are
                    // searched, large ones hashed.
                    let duplicate = if entries.len() < LARGE_MAP {
                        entries.iter().any(|(key, _)| key.name == name)
                    } else {
                        if seen.is_empty() {
                            seen.extend(entries.iter().map(|(key, _)| key.name.clone()));
                        }
                        !seen.insert(name.clone())
                    };
                    if duplicate {
                        return None;
                    }
                    let key = Key {
                        name,
                        span: self.span(&key_span)?,
                    };
                    let (event, span) = self.next()?;
                    entries.push((key, self.node(event, span, depth + 1)?));
                }
                NodeKind::Map(entries)
            }
            _ => return None,
        };
        Some(Node::new(kind, span))
    }
}

/// A key's text as serde-saphyr gives it, for keys that are strings there
/// (and integers and booleans, whose text is the same); `<<` is a merge.
fn key_text(name: String, style: ScalarStyle) -> Option<String> {
    if style != ScalarStyle::Plain {
        return Some(name);
    }
    match scalar(&name, style)? {
        NodeKind::Str(_) | NodeKind::Int(_) | NodeKind::Bool(_) if name != "<<" => Some(name),
        _ => None,
    }
}

/// A scalar's value where its type is certain: quoted and block scalars
/// are strings; plain ones are null, `true`, `false`, decimal integers and
/// fractions, or text that starts like no number, date or special word.
fn scalar(value: &str, style: ScalarStyle) -> Option<NodeKind> {
    if style != ScalarStyle::Plain {
        return Some(NodeKind::Str(value.to_owned()));
    }
    let kind = match value {
        "" | "~" | "null" | "Null" | "NULL" => NodeKind::Null,
        "true" => NodeKind::Bool(true),
        "false" => NodeKind::Bool(false),
        _ => {
            let bytes = value.as_bytes();
            match bytes[0] {
                b'a'..=b'z' | b'A'..=b'Z' if !is_special_word(value) => {
                    NodeKind::Str(value.to_owned())
                }
                b'/' | b'$' | b'(' | b'_' => NodeKind::Str(value.to_owned()),
                b'.' if value.starts_with("./") || value.starts_with("../") => {
                    NodeKind::Str(value.to_owned())
                }
                b'0'..=b'9' | b'-' => {
                    if let Some(int) = decimal_integer(value) {
                        NodeKind::Int(int)
                    } else if is_decimal_fraction(value) {
                        // serde-saphyr refuses what overflows to infinity.
                        NodeKind::Float(value.parse().ok().filter(|f: &f64| f.is_finite())?)
                    } else if is_quantity(bytes.strip_prefix(b"-").unwrap_or(bytes))
                        || is_arithmetic(bytes)
                    {
                        NodeKind::Str(value.to_owned())
                    } else {
                        return None;
                    }
                }
                _ => return None,
            }
        }
    };
    Some(kind)
}

/// Words some YAML reader takes for a boolean, null or special float.
fn is_special_word(value: &str) -> bool {
    const WORDS: [&str; 12] = [
        "null", "true", "false", "yes", "no", "on", "off", "y", "n", "nan", "inf", "infinity",
    ];
    WORDS.iter().any(|word| value.eq_ignore_ascii_case(word))
}

/// `0`, `42`, `-7`: no sign `+`, no leading zero, no separators, in range.
fn decimal_integer(value: &str) -> Option<i64> {
    let digits = value.strip_prefix('-').unwrap_or(value);
    let plain = !digits.is_empty()
        && digits.len() <= 18
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
        && value != "-0";
    plain.then(|| value.parse().ok())?
}

/// `99.9`, `-0.5`: digits, one point, digits; no exponent.
fn is_decimal_fraction(value: &str) -> bool {
    let digits = value.strip_prefix('-').unwrap_or(value);
    digits.split_once('.').is_some_and(|(whole, fraction)| {
        !whole.is_empty()
            && !fraction.is_empty()
            && whole.bytes().all(|b| b.is_ascii_digit())
            && fraction.bytes().all(|b| b.is_ascii_digit())
            && (whole == "0" || !whole.starts_with('0'))
    })
}

/// `100 * sum(x) / sum(y)`: a number, a space and more, which no YAML
/// reader takes for a number (those hold no space) or a date (`2001-12-14
/// 21:59:43`, whose first word is a date).
fn is_arithmetic(bytes: &[u8]) -> bool {
    bytes[0].is_ascii_digit()
        && bytes
            .iter()
            .position(|&b| b == b' ')
            .is_some_and(|space| bytes[..space].iter().all(u8::is_ascii_digit))
}

/// `5m`, `1h30m`, `10Gi`, `2.5k`: digits followed by letters, in runs, where
/// no letter could make a number (`e` of an exponent, `x`, `o` or `b` of a
/// base, `_` separators) and nothing reads as a date or a time.
fn is_quantity(bytes: &[u8]) -> bool {
    if !bytes.first().is_some_and(u8::is_ascii_digit)
        || (bytes[0] == b'0' && bytes.get(1).is_some_and(|b| !b.is_ascii_alphabetic()))
    {
        return false;
    }
    let mut i = 0;
    let mut points = 0;
    while i < bytes.len() {
        let digits_start = i;
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
            points += usize::from(bytes[i] == b'.');
            i += 1;
        }
        let letters_start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        let letters = &bytes[letters_start..i];
        if letters_start == digits_start
            || letters.is_empty()
            || matches!(
                letters[0],
                b'e' | b'E' | b'x' | b'X' | b'o' | b'O' | b'b' | b'B'
            )
            || bytes[letters_start - 1] == b'.'
        {
            return false;
        }
    }
    points <= 1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both readers on a text: this one must agree with serde-saphyr
    /// wherever it answers. Whether it answered.
    fn agrees(name: &str, text: &str) -> bool {
        let ours = parse(SourceId(0), text);
        let serde = super::super::yaml::parse_with_serde(SourceId(0), text);
        match (ours, serde) {
            (None, _) => false,
            (Some(ours), Ok(serde)) => {
                assert!(ours == serde, "{name}: the readers disagree");
                true
            }
            (Some(_), Err(e)) => {
                panic!("{name}: serde-saphyr refuses what this reader took: {e:?}")
            }
        }
    }

    #[test]
    fn every_yaml_file_of_the_repository_reads_as_serde_saphyr_reads_it() {
        crate::check::on_check_stack(compare_every_yaml_file);
    }

    fn compare_every_yaml_file() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut read = 0;
        let mut files = 0;
        for entry in walkdir::WalkDir::new(root)
            .into_iter()
            .filter_entry(|e| !matches!(e.file_name().to_str(), Some("target" | ".git")))
            .filter_map(Result::ok)
        {
            let path = entry.path();
            if !matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml")
            ) {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            files += 1;
            read += usize::from(agrees(&path.display().to_string(), &text));
        }
        // Most files are read here; the rest (anchors, tags, errors) fall back.
        assert!(read * 2 > files, "{read} of {files} files read");
        let spec = std::fs::read_to_string(root.join("specs/fleet.yaml")).unwrap();
        assert!(
            agrees("specs/fleet.yaml", &spec),
            "the reference spec is read here"
        );
    }

    #[test]
    fn what_is_not_certain_is_left_to_serde_saphyr() {
        for text in [
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "<<: {a: 1}\n",
            "a: 1\na: 2\n",
            "a: yes\n",
            "a: True\n",
            "a: 0x1F\n",
            "a: 1e3\n",
            "a: 012\n",
            "a: 2001-12-14\n",
            "a: 12:30\n",
            "a: .inf\n",
            "a: +1\n",
            "a: 1_000\n",
            "[1, 2]\n",
            "a: 1\n---\nb: 2\n",
            "%YAML 1.2\n---\na: 1\n",
            "? [a]\n: 1\n",
            "a: [unterminated\n",
            "a: 99999999999999999999\n",
            // Found by review: an overflowing fraction, a long run of comments
            // the parser must buffer, and more values than the budget allows.
            &format!("a: 1{}.0\n", "0".repeat(400)),
            &format!("a: -1{}.5\n", "0".repeat(400)),
            &format!("a:\n{}  b: 1\n", "# c\n".repeat(40)),
            &format!("a: [{}]\n", vec!["0"; 250_001].join(",")),
            &(0..130_000)
                .map(|i| format!("k{i}: 1\n"))
                .collect::<String>(),
            // A duplicate in a large map (its keys hashed).
            &(0..20)
                .map(|i| format!("k{}: 1\n", i % 19))
                .collect::<String>(),
        ] {
            assert!(parse(SourceId(0), text).is_none(), "{text:?}");
        }
        for text in [
            "a: 1\nb: -2\nc: 0.5\nd: 5m\ne: 10Gi\nf: ~\ng:\nh: true\ni: 'x'\n",
            "a: \"b\"\nc: |\n  d\n  e\nf: >\n  g\n  h\n",
            "a: {b: [1, two, {c: d}]}\n# comment\n",
            "a:\n  - b: c\n    d: e\n  - f\n",
            "1: one\ntrue: yes-ish\n",
            "expr: sum(rate(x{a=\"b\"}[5m])) > 0.5\npath: /metrics\nv: $x\n",
        ] {
            assert!(agrees(text, text), "{text:?}");
        }
        // Either reader, as long as they agree.
        for text in [
            "a: 1\r\nb: x\r\n",
            "\u{feff}a: 1\n",
            "ключ: значение\nb: \"\\u00e9\"\n",
            "a:\n\t- b\n",
            "a: b: c\n",
            "a:\n  - b\n - c\n",
            "a: 'it''s'\nb: \"x\\ny\"\n",
            "a: x # note\nb: |+\n  keep\n\n",
            "a: 0s\nb: -5m\nc: 100 * x\nd: 2001-12-14 21:59:43\n",
            "",
            "# only a comment\n",
            "a: 1\n...\n",
        ] {
            agrees(text, text);
        }
    }
}
