//! Alertmanager matchers (`pkg/labels` of Alertmanager 0.25, the "classic"
//! syntax every Alertmanager since 0.22 reads): `name="value"`, with `=`,
//! `!=`, `=~` and `!~`, quoted or unquoted values, OpenMetrics escapes in
//! the value, and several matchers separated by commas in one string.
//!
//! The parser mirrors upstream's tolerance exactly (what Alertmanager reads,
//! monocle reads the same way) and reports every error with the byte range
//! of the offending characters. Regex matchers are fully anchored like
//! upstream (`^(?:re)$`), and RE2 syntax is translated where Rust's `regex`
//! reads the same text differently (`\d`, `\w`, `\s` and `\b` are ASCII in
//! RE2; `[` inside a class is a literal in RE2 but opens a nested class here).
//!
//! A matcher displays in its canonical form, `name="value"` with the value
//! escaped, which both the classic and the newer UTF-8 parser of
//! Alertmanager read the same way: that is what generated configs contain.

use std::collections::BTreeMap;
use std::fmt;

use regex::Regex;
use std::sync::Arc;

use crate::names::{ValueError, describe_char, quoted};

/// The four matcher operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchOp {
    Equal,
    NotEqual,
    Regex,
    NotRegex,
}

impl MatchOp {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchOp::Equal => "=",
            MatchOp::NotEqual => "!=",
            MatchOp::Regex => "=~",
            MatchOp::NotRegex => "!~",
        }
    }
}

impl fmt::Display for MatchOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One label matcher. A missing label matches like the empty value.
#[derive(Debug, Clone)]
pub struct Matcher {
    pub name: String,
    pub op: MatchOp,
    pub value: String,
    /// The anchored regex of `=~` and `!~`. Shared by the clones (one per
    /// cluster's route tree): a cloned `Regex` gets a cache pool of its
    /// own, and 50 clusters × 10,000 regex matchers took 1.2 GB that way.
    regex: Option<Arc<Regex>>,
}

impl PartialEq for Matcher {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.op == other.op && self.value == other.value
    }
}

impl Eq for Matcher {}

impl Matcher {
    /// A matcher; for regex operators the error is the regex crate's message.
    pub fn new(name: &str, op: MatchOp, value: &str) -> Result<Matcher, String> {
        let regex = match op {
            MatchOp::Regex | MatchOp::NotRegex => Some(Arc::new(compile_anchored(value)?)),
            MatchOp::Equal | MatchOp::NotEqual => None,
        };
        Ok(Matcher {
            name: name.to_owned(),
            op,
            value: value.to_owned(),
            regex,
        })
    }

    /// Whether a label with value `value` (`""` when absent) matches.
    pub fn matches_value(&self, value: &str) -> bool {
        match (self.op, &self.regex) {
            (MatchOp::Equal, _) => value == self.value,
            (MatchOp::NotEqual, _) => value != self.value,
            (MatchOp::Regex, Some(re)) => re.is_match(value),
            (MatchOp::NotRegex, Some(re)) => !re.is_match(value),
            // `new` always compiles the regex of regex operators.
            (MatchOp::Regex | MatchOp::NotRegex, None) => false,
        }
    }

    /// Whether the label set matches (a missing label is the empty value).
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.matches_value(labels.get(&self.name).map_or("", String::as_str))
    }
}

impl fmt::Display for Matcher {
    /// The canonical form: `name="value"`, the value escaped like OpenMetrics.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}\"{}\"", self.name, self.op, escape(&self.value))
    }
}

/// OpenMetrics escaping of a matcher value: `\`, line feed and `"`.
pub fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '"' => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out
}

/// All matchers must match.
pub fn matches_all(matchers: &[Matcher], labels: &BTreeMap<String, String>) -> bool {
    matchers.iter().all(|m| m.matches(labels))
}

const SYNTAX_HELP: &str =
    "write a matcher as `name=\"value\"`, with `=`, `!=`, `=~` (regex) or `!~`";

/// Whitespace as RE2's `\s` sees it (upstream trims with `\s*`).
fn is_re2_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\x0c' | '\r' | ' ')
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || c == ':'
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == ':'
}

/// Parses one matcher like upstream's `ParseMatcher`.
pub fn parse_matcher(s: &str) -> Result<Matcher, ValueError> {
    let bytes = s.as_bytes();
    let mut pos = s
        .char_indices()
        .find(|&(_, c)| !is_re2_space(c))
        .map_or(s.len(), |(i, _)| i);
    if pos == s.len() {
        return Err(ValueError::new(0, s.len(), "empty matcher").with_help(SYNTAX_HELP));
    }
    let name_start = pos;
    let first = s[pos..].chars().next().unwrap_or(' ');
    if !is_name_start(first) {
        let end = pos + first.len_utf8();
        let message = if matches!(first, '=' | '!') {
            "a matcher starts with a label name, found an operator".to_owned()
        } else if first == '"' {
            "a matcher's label name is written without quotes".to_owned()
        } else {
            format!(
                "a label name cannot start with {}: it starts with a letter, `_` or `:`",
                describe_char(first)
            )
        };
        return Err(ValueError::new(pos, end, message).with_help(SYNTAX_HELP));
    }
    while pos < s.len() && is_name_char(bytes[pos] as char) {
        pos += 1;
    }
    let name = &s[name_start..pos];
    while pos < s.len() && is_re2_space(bytes[pos] as char) {
        pos += 1;
    }
    let rest = &s[pos..];
    let op = if rest.starts_with("=~") {
        MatchOp::Regex
    } else if rest.starts_with("!=") {
        MatchOp::NotEqual
    } else if rest.starts_with("!~") {
        MatchOp::NotRegex
    } else if rest.starts_with('=') {
        MatchOp::Equal
    } else {
        return Err(match rest.chars().next() {
            None => ValueError::new(
                name_start,
                pos,
                format!("matcher {} has no operator and value", quoted(s.trim())),
            )
            .with_help(SYNTAX_HELP),
            Some(c) => {
                let end = pos + c.len_utf8();
                let message = if pos == name_start + name.len() && !is_re2_space(c) {
                    format!(
                        "{} is not allowed in a label name (letters, digits, `_` and `:`)",
                        describe_char(c)
                    )
                } else {
                    format!(
                        "expected `=`, `!=`, `=~` or `!~` after label name `{name}`, found {}",
                        describe_char(c)
                    )
                };
                ValueError::new(pos, end, message).with_help(SYNTAX_HELP)
            }
        });
    };
    pos += op.as_str().len();
    if op == MatchOp::Equal && s[pos..].starts_with('=') {
        return Err(
            ValueError::new(pos - 1, pos + 1, "`==` is not a matcher operator")
                .with_help(format!("write `{name}=` for equality")),
        );
    }
    while pos < s.len() && is_re2_space(bytes[pos] as char) {
        pos += 1;
    }
    let mut end = s.len();
    while end > pos && is_re2_space(bytes[end - 1] as char) {
        end -= 1;
    }
    let value = unescape(s, pos, end)?;
    let value_range = (pos, end);
    Matcher::new(name, op, &value).map_err(|err| {
        ValueError::new(
            value_range.0,
            value_range.1,
            format!(
                "invalid regular expression in matcher: {}",
                first_line(&err)
            ),
        )
        .with_help("Alertmanager regexes use RE2 syntax and must match the whole label value")
    })
}

fn first_line(err: &str) -> String {
    // The regex crate's messages draw the pattern over several lines; keep
    // the last line, which says what is wrong.
    err.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(err)
        .trim()
        .trim_start_matches("error: ")
        .to_owned()
}

/// Upstream's value unescaping: an optional surrounding pair of quotes,
/// `\"`, `\\` and `\n` escapes, any other backslash literal. `start..end`
/// is the raw value inside `s`.
fn unescape(s: &str, start: usize, end: usize) -> Result<String, ValueError> {
    let mut raw = &s[start..end];
    let mut offset = start;
    let mut expect_closing = false;
    if let Some(rest) = raw.strip_prefix('"') {
        raw = rest;
        offset += 1;
        expect_closing = true;
    }
    let quote_help = "escape a double quote inside the value as `\\\"`";
    let mut value = String::with_capacity(raw.len());
    let mut escaped = false;
    for (i, c) in raw.char_indices() {
        if escaped {
            escaped = false;
            match c {
                'n' => value.push('\n'),
                '"' | '\\' => value.push(c),
                c => {
                    value.push('\\');
                    value.push(c);
                }
            }
            continue;
        }
        match c {
            '\\' if i < raw.len() - 1 => escaped = true,
            '\\' => value.push('\\'),
            '"' => {
                if !expect_closing || i < raw.len() - 1 {
                    return Err(ValueError::new(
                        offset + i,
                        offset + i + 1,
                        "unescaped double quote in matcher value",
                    )
                    .with_help(quote_help));
                }
                expect_closing = false;
            }
            c => value.push(c),
        }
    }
    if expect_closing {
        return Err(ValueError::new(
            start,
            start + 1,
            "matcher value opens a double quote it never closes",
        )
        .with_help(quote_help));
    }
    Ok(value)
}

/// Parses a comma-separated list of matchers like upstream's
/// `ParseMatchers` (optionally in braces: `{a="b", c=~"d"}`). Unlike
/// upstream, a string with no matcher at all is an error: in a spec it is
/// always a mistake.
pub fn parse_matchers(s: &str) -> Result<Vec<Matcher>, ValueError> {
    let mut body = s;
    let mut offset = 0;
    if let Some(rest) = body.strip_prefix('{') {
        body = rest;
        offset = 1;
    }
    body = body.strip_suffix('}').unwrap_or(body);

    let mut tokens: Vec<(usize, usize)> = Vec::new();
    let mut inside_quotes = false;
    let mut escaped = false;
    let mut token_start = 0;
    for (i, c) in body.char_indices() {
        match c {
            ',' if !inside_quotes => {
                tokens.push((token_start, i));
                token_start = i + 1;
            }
            ',' => escaped = false,
            '"' if !escaped => inside_quotes = !inside_quotes,
            '"' => escaped = false,
            '\\' => escaped = !escaped,
            _ => escaped = false,
        }
    }
    // Upstream trims the last token (and drops it when blank), not the others.
    let last = &body[token_start..];
    let trimmed = last.trim();
    if !trimmed.is_empty() {
        let lead = last.len() - last.trim_start().len();
        tokens.push((token_start + lead, token_start + lead + trimmed.len()));
    }
    if tokens.is_empty() {
        return Err(ValueError::new(0, s.len(), "empty matcher").with_help(SYNTAX_HELP));
    }
    tokens
        .into_iter()
        .map(|(start, end)| parse_matcher(&body[start..end]).map_err(|e| e.shifted(offset + start)))
        .collect()
}

/// `^(?:re)$` with RE2's meaning.
fn compile_anchored(re: &str) -> Result<Regex, String> {
    let translated = translate_re2(re)?;
    Regex::new(&format!("^(?:{translated})$")).map_err(|e| e.to_string())
}

const ASCII_DIGIT: &str = "[0-9]";
const ASCII_NOT_DIGIT: &str = "[^0-9]";
const ASCII_WORD: &str = "[0-9A-Za-z_]";
const ASCII_NOT_WORD: &str = "[^0-9A-Za-z_]";
const RE2_SPACE: &str = r"[\t\n\x0C\r ]";
const RE2_NOT_SPACE: &str = r"[^\t\n\x0C\r ]";

/// Rewrites an RE2 pattern so Rust's `regex` reads it the way Go does:
/// Perl classes are ASCII-only in RE2 (Unicode in `regex`), `\Q...\E`
/// quotes literally, and inside a bracket class `[`, `&&`, `--` and `~~`
/// are plain characters in RE2 but class syntax in `regex`.
fn translate_re2(re: &str) -> Result<String, String> {
    let mut out = String::with_capacity(re.len() + 8);
    let chars: Vec<char> = re.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                let Some(&next) = chars.get(i + 1) else {
                    return Err("trailing backslash at end of expression".to_owned());
                };
                if next == 'Q' {
                    // Literal text up to `\E` (or the end).
                    let mut j = i + 2;
                    while j < chars.len() && !(chars[j] == '\\' && chars.get(j + 1) == Some(&'E')) {
                        out.push_str(&regex::escape(&chars[j].to_string()));
                        j += 1;
                    }
                    i = if j < chars.len() { j + 2 } else { j };
                    continue;
                }
                i += escape_sequence(&chars, i, &mut out, false);
            }
            '[' => i += class(&chars, i, &mut out)?,
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(out)
}

/// Copies the escape at `chars[i] == '\\'`, translated; returns its length.
fn escape_sequence(chars: &[char], i: usize, out: &mut String, in_class: bool) -> usize {
    let next = chars[i + 1];
    let replacement = match next {
        'd' => Some(ASCII_DIGIT),
        'D' => Some(ASCII_NOT_DIGIT),
        'w' => Some(ASCII_WORD),
        'W' => Some(ASCII_NOT_WORD),
        's' => Some(RE2_SPACE),
        'S' => Some(RE2_NOT_SPACE),
        'b' if !in_class => Some(r"(?-u:\b)"),
        'B' if !in_class => Some(r"(?-u:\B)"),
        _ => None,
    };
    if let Some(r) = replacement {
        out.push_str(r);
        return 2;
    }
    // `\p{Greek}`, `\x{263a}`: copy the braces along.
    if matches!(next, 'p' | 'P' | 'x') && chars.get(i + 2) == Some(&'{') {
        let mut j = i + 2;
        while j < chars.len() && chars[j] != '}' {
            j += 1;
        }
        let end = (j + 1).min(chars.len());
        out.extend(&chars[i..end]);
        return end - i;
    }
    out.push('\\');
    out.push(next);
    2
}

/// Copies the bracket class starting at `chars[i] == '['`; returns its length.
fn class(chars: &[char], i: usize, out: &mut String) -> Result<usize, String> {
    let mut j = i + 1;
    out.push('[');
    if chars.get(j) == Some(&'^') {
        out.push('^');
        j += 1;
    }
    // A `]` right after the opening is a literal in both dialects.
    if chars.get(j) == Some(&']') {
        out.push_str(r"\]");
        j += 1;
    }
    while j < chars.len() {
        let c = chars[j];
        match c {
            ']' => {
                out.push(']');
                return Ok(j + 1 - i);
            }
            '[' if chars.get(j + 1) == Some(&':') => {
                // `[:alpha:]`: the same ASCII classes in both dialects.
                let close = (j + 2..chars.len().saturating_sub(1))
                    .find(|&k| chars[k] == ':' && chars[k + 1] == ']');
                if let Some(k) = close {
                    out.extend(&chars[j..k + 2]);
                    j = k + 2;
                } else {
                    out.push_str(r"\[");
                    j += 1;
                }
            }
            '[' | '&' | '~' => {
                out.push('\\');
                out.push(c);
                j += 1;
            }
            '-' if chars.get(j + 1) == Some(&'-') => {
                out.push_str(r"\-");
                j += 1;
            }
            '\\' => {
                if j + 1 >= chars.len() {
                    return Err("trailing backslash at end of expression".to_owned());
                }
                j += escape_sequence(chars, j, out, true);
            }
            c => {
                out.push(c);
                j += 1;
            }
        }
    }
    Err("missing closing `]` of a character class".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Matcher {
        parse_matcher(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn err(s: &str) -> ValueError {
        match parse_matchers(s) {
            Ok(ms) => panic!("{s} parsed as {ms:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn parses_the_four_operators() {
        assert_eq!(m(r#"severity="critical""#).op, MatchOp::Equal);
        assert_eq!(m(r#"severity!="critical""#).op, MatchOp::NotEqual);
        assert_eq!(m(r#"severity=~"crit.*""#).op, MatchOp::Regex);
        assert_eq!(m(r#"severity!~"crit.*""#).op, MatchOp::NotRegex);
    }

    #[test]
    fn unquoted_values_and_whitespace_like_upstream() {
        let x = m("  team = backup  ");
        assert_eq!((x.name.as_str(), x.value.as_str()), ("team", "backup"));
        assert_eq!(m("a=b c").value, "b c");
        assert_eq!(m(r#"a="b c ""#).value, "b c ");
        assert_eq!(m("a=").value, "");
        assert_eq!(m(r#"a="""#).value, "");
        assert_eq!(m("job:x_1=y").name, "job:x_1");
    }

    #[test]
    fn escapes_like_openmetrics() {
        assert_eq!(m(r#"a="x\"y""#).value, "x\"y");
        assert_eq!(m(r#"a="x\\y""#).value, "x\\y");
        assert_eq!(m(r#"a="x\ny""#).value, "x\ny");
        // A spurious escape stays a literal backslash.
        assert_eq!(m(r#"a="x\qy""#).value, "x\\qy");
        assert_eq!(m(r"a=x\").value, "x\\");
    }

    #[test]
    fn displays_canonically() {
        assert_eq!(m("a = b").to_string(), r#"a="b""#);
        assert_eq!(m(r#"a=~"x\"y\\z""#).to_string(), r#"a=~"x\"y\\z""#);
        let round = m(r#"a!="line\nbreak""#);
        assert_eq!(m(&round.to_string()), round);
    }

    #[test]
    fn errors_point_at_the_bad_characters() {
        let e = err(r#"severity=="critical""#);
        assert_eq!((e.start, e.end), (8, 10), "{}", e.message);
        let e = err(r#"team-name="x""#);
        assert_eq!((e.start, e.end), (4, 5), "{}", e.message);
        assert!(e.message.contains("`-`"), "{}", e.message);
        let e = err(r#"team "x""#);
        assert_eq!((e.start, e.end), (5, 6), "{}", e.message);
        let e = err("severity");
        assert_eq!((e.start, e.end), (0, 8), "{}", e.message);
        let e = err(r#""a"="b""#);
        assert_eq!((e.start, e.end), (0, 1), "{}", e.message);
        let e = err(r#"a="b"#);
        assert_eq!((e.start, e.end), (2, 3), "{}", e.message);
        let e = err(r#"a="b"c""#);
        assert_eq!((e.start, e.end), (4, 5), "{}", e.message);
        let e = err(r#"a=~"(x""#);
        assert_eq!((e.start, e.end), (3, 7), "{}", e.message);
        assert!(e.message.starts_with("invalid regular expression"));
        let e = err("");
        assert_eq!(e.message, "empty matcher");
    }

    #[test]
    fn splits_lists_at_commas_outside_quotes() {
        let ms = parse_matchers(r#"{a="x,y", b=~"c|d",c!=e}"#).unwrap();
        let shown: Vec<String> = ms.iter().map(ToString::to_string).collect();
        assert_eq!(shown, [r#"a="x,y""#, r#"b=~"c|d""#, r#"c!="e""#]);
        assert_eq!(parse_matchers(r#"a="b","#).unwrap().len(), 1);
        // Errors in later matchers point into the whole string.
        let e = err(r#"a="b", c-d="e""#);
        assert_eq!((e.start, e.end), (8, 9), "{}", e.message);
        let e = err(r#"a="b",,c="d""#);
        assert_eq!(e.message, "empty matcher");
    }

    #[test]
    fn regexes_are_anchored() {
        let x = m(r#"a=~"crit""#);
        assert!(x.matches_value("crit"));
        assert!(!x.matches_value("critical"));
        assert!(!x.matches_value("xcrit"));
        let alt = m(r#"a=~"b|c""#);
        assert!(alt.matches_value("b") && alt.matches_value("c") && !alt.matches_value("bc"));
        let neg = m(r#"a!~"b|c""#);
        assert!(neg.matches_value("") && !neg.matches_value("c"));
    }

    #[test]
    fn missing_labels_match_as_empty() {
        let labels = BTreeMap::from([("a".to_owned(), "1".to_owned())]);
        assert!(m(r#"b="""#).matches(&labels));
        assert!(m(r#"b!="x""#).matches(&labels));
        assert!(m(r#"b=~".*""#).matches(&labels));
        assert!(!m(r#"b=~".+""#).matches(&labels));
    }

    #[test]
    fn regexes_read_like_re2() {
        // Perl classes are ASCII in RE2.
        assert!(!m(r#"a=~"\d""#).matches_value("٣"));
        assert!(m(r#"a=~"\d+""#).matches_value("42"));
        assert!(!m(r#"a=~"\w""#).matches_value("é"));
        assert!(m(r#"a=~"[\w-]+""#).matches_value("ab-c_1"));
        assert!(!m(r#"a=~"\s""#).matches_value("\u{a0}"));
        assert!(m(r#"a=~"x\b.*""#).matches_value("x y"));
        // `[` and `&&` are literals inside an RE2 class.
        assert!(m(r#"a=~"[[]""#).matches_value("["));
        assert!(m(r#"a=~"[a&&b]+""#).matches_value("a&b"));
        assert!(m(r#"a=~"[[:digit:]x]+""#).matches_value("1x2"));
        assert!(m(r#"a=~"\Qa.b\E""#).matches_value("a.b"));
        assert!(!m(r#"a=~"\Qa.b\E""#).matches_value("axb"));
        assert!(m(r#"a=~"\p{Greek}+""#).matches_value("αβ"));
        assert!(m(r#"a=~"(?i)CRIT""#).matches_value("crit"));
        assert!(m(r#"a=~"[]a]+""#).matches_value("]a"));
    }
}
