//! promql-parser is slow for what a fleet asks of it: an LR parser with
//! error recovery takes about 150,000 instructions for a 160-character rule,
//! and it compiles a `regex::Regex` for every `=~` and `!~` matcher (a
//! pattern with `.` takes about 30 µs and 0.4 MB of scratch tables). A
//! fleet's rules are a few shapes filled in with each service's label
//! values (at L in `cargo bench`, 2,700 expressions, 14 shapes, 2
//! patterns). So the parser is given the expression's shape: each matcher's
//! quoted value replaced by a stand-in. A shape is parsed once; each
//! expression of that shape gets a copy with its own values put back, and
//! each distinct pattern is compiled once.
//!
//! A stand-in is `"\x01<n>"`; a regex stand-in ends with `|` when the
//! pattern matches the empty string. The parser refuses a selector whose
//! every matcher matches the empty string, and that is the only use it
//! makes of a matcher's value, so empty values and `__name__` (which the
//! parser compares with the metric name) are left in place. Anything
//! unusual (a pattern that does not compile, a literal that does not
//! unquote, a backquoted pattern, text holding `\x01`, a shape that does
//! not parse or whose matchers do not all come back) parses the original
//! text instead, so the result and its errors are exactly the parser's own.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use promql_parser::label::{MatchOp, Matcher};
use promql_parser::parser::Expr;
use regex::Regex;

/// The mark that starts every stand-in; no spec text holds it when they are used.
const MARK: char = '\u{1}';

/// How many shapes and patterns are remembered before they are forgotten in
/// bulk: the language server sees new ones at every keystroke.
const MOST: usize = 4096;

/// Parses `text` as promql-parser does, parsing each shape and compiling
/// each distinct pattern once.
pub fn parse(text: &str) -> Result<Expr, String> {
    match through_stand_ins(text) {
        Some(expr) => Ok(expr),
        None => promql_parser::parser::parse(text),
    }
}

/// The parse of `text` through its shape, when it can be had.
fn through_stand_ins(text: &str) -> Option<Expr> {
    let (shape, values) = stand_in(text)?;
    let mut expr = parsed_shape(&shape)?;
    let mut restored = vec![false; values.len()];
    (restore(&mut expr, &values, &mut restored) && restored.iter().all(|r| *r)).then_some(expr)
}

/// The parse of a shape, remembered (failures too: the original text is
/// then parsed for its error).
fn parsed_shape(shape: &str) -> Option<Expr> {
    static SHAPES: Remembered<Option<Expr>> = Remembered::new();
    SHAPES.get_or(shape, || promql_parser::parser::parse(shape).ok())
}

/// Values computed from a text, kept for the whole process and forgotten
/// in bulk past [`MOST`] (the language server sees new texts at every
/// keystroke).
struct Remembered<V>(Mutex<Option<HashMap<String, V>>>);

impl<V: Clone> Remembered<V> {
    const fn new() -> Self {
        Remembered(Mutex::new(None))
    }

    fn get_or(&self, text: &str, compute: impl FnOnce() -> V) -> V {
        if let Some(known) = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .and_then(|m| m.get(text))
        {
            return known.clone();
        }
        // Computed outside the lock: two threads may both compute a text.
        let value = compute();
        let mut memo = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let memo = memo.get_or_insert_with(HashMap::new);
        if memo.len() >= MOST {
            memo.clear();
        }
        memo.insert(text.to_owned(), value.clone());
        value
    }
}

/// What a stand-in holds the place of.
enum StoodIn {
    /// A pattern as the parser keeps it: its unquoted text and its compiled form.
    Pattern { value: String, regex: Regex },
    /// The unquoted value of an `=` or `!=` matcher.
    Value(String),
}

/// `text` with each matcher's quoted value replaced by its stand-in, and
/// the values in order; `None` when a pattern cannot stand in.
fn stand_in(text: &str) -> Option<(String, Vec<StoodIn>)> {
    // Copying and restoring a parsed shape recurse through it: deep ones
    // (thousands of parentheses or operators) go to the parser alone.
    if text.contains(MARK) || super::operators(text) > MAX_NESTING || nesting(text) > MAX_NESTING {
        return None;
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut values = Vec::new();
    let (mut i, mut copied) = (0, 0);
    while i < bytes.len() {
        let next = bytes.get(i + 1).copied();
        let op_len = match (bytes[i], next) {
            (b'"' | b'\'' | b'`', _) => {
                i = super::string_end(bytes, i);
                continue;
            }
            (b'#', _) => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            (b'=' | b'!', Some(b'~')) => {
                let start = value_start(bytes, i + 2);
                if !matches!(bytes.get(start), Some(b'"' | b'\'')) {
                    return None;
                }
                let end = super::string_end(bytes, start);
                let value = unquoted(text.get(start..end)?)?;
                let regex = compiled(&value)?;
                out.push_str(&text[copied..start]);
                push_mark(&mut out, values.len(), regex.is_match(""));
                values.push(StoodIn::Pattern { value, regex });
                (i, copied) = (end, end);
                continue;
            }
            // Comparisons.
            (b'=' | b'<' | b'>', Some(b'=')) => {
                i += 2;
                continue;
            }
            (b'!', Some(b'=')) => 2,
            (b'=', _) => 1,
            _ => {
                i += 1;
                continue;
            }
        };
        let start = value_start(bytes, i + op_len);
        i += op_len;
        if label_before(bytes, i - op_len).is_none_or(|name| name == b"__name__")
            || !matches!(bytes.get(start), Some(b'"' | b'\''))
        {
            continue;
        }
        let end = super::string_end(bytes, start);
        let Some(value) = text.get(start..end).and_then(unquoted) else {
            continue;
        };
        if value.is_empty() {
            continue;
        }
        out.push_str(&text[copied..start]);
        push_mark(&mut out, values.len(), false);
        values.push(StoodIn::Value(value));
        (i, copied) = (end, end);
    }
    out.push_str(&text[copied..]);
    Some((out, values))
}

/// A quoted value as the parser unquotes it; `None` for one holding a line
/// break, which the parser's lexer may refuse where unquoting would not.
fn unquoted(quoted: &str) -> Option<String> {
    if quoted.contains(['\n', '\r']) {
        return None;
    }
    promql_parser::util::unquote_string(quoted).ok()
}

/// How deep a shape may nest, in brackets or in operators.
const MAX_NESTING: usize = 64;

/// The deepest nesting of brackets in `text` outside strings.
fn nesting(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut i, mut depth, mut deepest) = (0, 0usize, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'"' | b'\'' | b'`' => {
                i = super::string_end(bytes, i);
                continue;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    deepest
}

/// Where a matcher's value starts: past the whitespace after its operator.
fn value_start(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() && bytes[at].is_ascii_whitespace() {
        at += 1;
    }
    at
}

/// The label name right before the operator at `op`, when it is a plain one.
fn label_before(bytes: &[u8], op: usize) -> Option<&[u8]> {
    let mut end = op;
    while end > 0 && bytes[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    let mut start = end;
    while start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
        start -= 1;
    }
    (start < end).then(|| &bytes[start..end])
}

/// The quoted stand-in of value `index`.
fn push_mark(out: &mut String, index: usize, matches_empty: bool) {
    out.push('"');
    out.push(MARK);
    out.push_str(&index.to_string());
    if matches_empty {
        out.push('|');
    }
    out.push('"');
}

/// Puts the values back into the matchers that hold their stand-ins,
/// marking each restored; false when a matcher holds something else.
fn restore(expr: &mut Expr, values: &[StoodIn], restored: &mut [bool]) -> bool {
    let matchers = match expr {
        Expr::Aggregate(e) => {
            return restore(&mut e.expr, values, restored)
                && e.param
                    .as_mut()
                    .is_none_or(|p| restore(p, values, restored));
        }
        Expr::Unary(e) => return restore(&mut e.expr, values, restored),
        Expr::Binary(e) => {
            return restore(&mut e.lhs, values, restored) && restore(&mut e.rhs, values, restored);
        }
        Expr::Paren(e) => return restore(&mut e.expr, values, restored),
        Expr::Subquery(e) => return restore(&mut e.expr, values, restored),
        Expr::Call(e) => {
            return e.args.args.iter_mut().all(|a| restore(a, values, restored));
        }
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) => return true,
        Expr::Extension(_) => return false,
        Expr::VectorSelector(vs) => &mut vs.matchers,
        Expr::MatrixSelector(ms) => &mut ms.vs.matchers,
    };
    matchers
        .matchers
        .iter_mut()
        .chain(matchers.or_matchers.iter_mut().flatten())
        .all(|m| restore_matcher(m, values, restored))
}

fn restore_matcher(m: &mut Matcher, values: &[StoodIn], restored: &mut [bool]) -> bool {
    let regex_op = matches!(m.op, MatchOp::Re(_) | MatchOp::NotRe(_));
    let Some(index) = m
        .value
        .strip_prefix(MARK)
        .map(|v| v.trim_end_matches('|'))
        .and_then(|v| v.parse::<usize>().ok())
    else {
        // Every pattern stands in; values are left in place where they cannot.
        return !regex_op;
    };
    let (Some(stood_in), Some(done)) = (values.get(index), restored.get_mut(index)) else {
        return false;
    };
    if std::mem::replace(done, true) {
        return false;
    }
    match stood_in {
        StoodIn::Pattern { value, regex } if regex_op => {
            m.value.clone_from(value);
            m.op = match m.op {
                MatchOp::NotRe(_) => MatchOp::NotRe(regex.clone()),
                _ => MatchOp::Re(regex.clone()),
            };
            true
        }
        StoodIn::Value(value) if !regex_op => {
            m.value.clone_from(value);
            true
        }
        _ => false,
    }
}

/// The pattern compiled as promql-parser compiles it (fully anchored), or
/// `None` where that takes its fallback for `{` or fails: the parser then
/// compiles it itself. Remembered per text.
fn compiled(value: &str) -> Option<Regex> {
    static COMPILED: Remembered<Option<Regex>> = Remembered::new();
    COMPILED.get_or(value, || Regex::new(&format!("^(?:{value})$")).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parser's own result, compared through its printed form and the
    /// patterns' compiled text (a `Regex` has no equality).
    fn same_as_parser(text: &str) {
        let ours = parse(text);
        let theirs = promql_parser::parser::parse(text);
        match (&ours, &theirs) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a.to_string(), b.to_string(), "{text}");
                assert_eq!(format!("{a:?}"), format!("{b:?}"), "{text}");
            }
            (Err(a), Err(b)) => assert_eq!(a, b, "{text}"),
            _ => panic!("{text}: {ours:?} against {theirs:?}"),
        }
    }

    #[test]
    fn parses_exactly_as_the_parser() {
        for text in [
            r#"sum(rate(http_requests_total{code=~"5..", job!~'a|b'}[5m])) by (job)"#,
            r#"x{a=~"\\d+\\.\\d+"} / on(a) group_left y{b!~""}"#,
            r#"topk(3, x{a=~"é.*"}) or label_replace(y, "z", "$1", "w", "=~\"(.*)\"")"#,
            r#"{__name__=~"up|down", job=~"."}"#,
            r#"x{a=~"a" or b=~"b"}"#,
            "x{a=~\n  \"c.*\" # why\n}",
            r#"max_over_time(x{a=~"b.*"}[1h:5m])"#,
            r#"sum by (cluster) (rate(http_requests_total{service="svc-0000", code=~"5.."}[5m])) / sum by (cluster) (rate(http_requests_total{service="svc-0000"}[5m])) > 0.01"#,
            r#"sum by (cluster) (rate(http_requests_total{service="svc-0001", code=~"5.."}[5m])) / sum by (cluster) (rate(http_requests_total{service="svc-0001"}[5m])) > 0.01"#,
            r#"x{a!="b", c="", d = 'e'} == bool 1 >= 2 <= x{f="g"}"#,
            r#"{__name__="up", job="x"} != 1"#,
            r#"{"a"="b", c="d"}"#,
            "x{a=\"b\"} # c=\"d\"\n",
            r#"label_replace(x{a="b"}, "c", "$1", "d", "=\"(.*)\"")"#,
            r#"x{a="\u00e9\"q"} and y{b='it\'s'}"#,
            "vector(1)",
        ] {
            assert!(through_stand_ins(text).is_some(), "{text}");
            same_as_parser(text);
        }
        for text in [
            // Left to the parser alone: refused (its message is kept), a
            // backquoted pattern, text holding the mark.
            r#"{job=~".*"}"#,
            r#"{job=~".*", a!~"x"}"#,
            r#"x{a=~"("}"#,
            r#"x{a=~"\q"}"#,
            r"x{a=~`b.*`}",
            r#"x{a=~"b{1,"}"#,
            "x{a=~\"\u{1}0\"}",
            r#"x{a=~"unterminated}"#,
            r"x{a=~ }",
        ] {
            assert!(through_stand_ins(text).is_none(), "{text}");
            same_as_parser(text);
        }
        // Refused by the parser, whose message is kept: every matcher
        // matches the empty string, a name set twice, a raw line break or a
        // bad escape in a value, comparisons with strings.
        for text in [
            r#"{a!="b"}"#,
            r#"{a=""}"#,
            r#"up{__name__="x", a="b"}"#,
            "x{a=\"b\nc\"}",
            r#"x{a="\z"}"#,
            r#"x != "a""#,
            r#"x = "a""#,
            r#"x{a="b"} == "c""#,
            r#"x{a="b"} = "c""#,
            r#"x{a=`b`, c="unterminated}"#,
        ] {
            assert!(parse(text).is_err(), "{text}");
            same_as_parser(text);
        }
        let deep = format!("{}x{{a=\"b\"}}{}", "(".repeat(65), ")".repeat(65));
        let long = vec![r#"x{a="b"}"#; 66].join(" + ");
        for text in ["\u{1}", "x{a=\"\u{1}\"}", &deep, &long] {
            assert!(through_stand_ins(text).is_none(), "{text}");
            same_as_parser(text);
        }
    }

    #[test]
    fn stand_ins_compile_without_the_unicode_tables() {
        let (text, values) = stand_in(r#"x{a=~"5..", b!~".*"}"#).unwrap();
        assert_eq!(text, "x{a=~\"\u{1}0\", b!~\"\u{1}1|\"}");
        assert!(matches!(&values[1], StoodIn::Pattern { value, .. } if value == ".*"));
    }

    #[test]
    fn expressions_of_one_shape_share_it() {
        let shape = |text| stand_in(text).unwrap().0;
        let a = r#"sum(rate(x{service="a", code=~"5.."}[5m])) > 0.01"#;
        let b = r#"sum(rate(x{service='b-c', code=~"5.."}[5m])) > 0.01"#;
        assert_eq!(shape(a), shape(b));
        assert_eq!(
            shape(a),
            "sum(rate(x{service=\"\u{1}0\", code=~\"\u{1}1\"}[5m])) > 0.01"
        );
        // Left in place: empty values, the metric name, quoted label names.
        let kept = r#"x{a="", __name__="y", "b"="c"}"#;
        assert_eq!(shape(kept), kept);
    }
}
