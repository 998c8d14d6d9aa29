//! promql-parser compiles a `regex::Regex` for every `=~` and `!~` matcher
//! while it parses; a pattern with `.` takes about 30 µs and 0.4 MB of
//! scratch tables each time. A fleet's rules repeat a few patterns
//! thousands of times (at L in `cargo bench`, 2,450 matchers and 2
//! patterns), so the parser is given a stand-in for each pattern that
//! compiles at once, and the parsed matchers get the real pattern back,
//! compiled once per distinct text.
//!
//! A stand-in is `"\x01<n>"`, plus `|` when the pattern matches the empty
//! string: the parser refuses a selector whose every matcher matches it,
//! and that is the only use it makes of a matcher's pattern. Anything
//! unusual (a pattern that does not compile, a literal that does not
//! unquote, a backquoted one, text holding `\x01`, a parse that fails or
//! whose matchers do not all come back) parses the original text instead,
//! so the result and its errors are exactly the parser's own.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use promql_parser::label::{MatchOp, Matcher};
use promql_parser::parser::Expr;
use regex::Regex;

/// The mark that starts every stand-in; no spec text holds it when they are used.
const MARK: char = '\u{1}';

/// Parses `text` as promql-parser does, compiling each distinct pattern once.
pub fn parse(text: &str) -> Result<Expr, String> {
    match through_stand_ins(text) {
        Some(expr) => Ok(expr),
        None => promql_parser::parser::parse(text),
    }
}

/// The parse of `text` with stand-ins, when it can be had.
fn through_stand_ins(text: &str) -> Option<Expr> {
    let (stand_in, patterns) = stand_in(text)?;
    let mut expr = promql_parser::parser::parse(&stand_in).ok()?;
    let mut restored = vec![false; patterns.len()];
    (restore(&mut expr, &patterns, &mut restored) && restored.iter().all(|r| *r)).then_some(expr)
}

/// A pattern as the parser keeps it: its unquoted text and its compiled form.
struct Pattern {
    value: String,
    regex: Regex,
}

/// `text` with each quoted pattern after `=~` or `!~` replaced by its
/// stand-in, and the patterns in order; `None` when there are none or one
/// cannot stand in.
fn stand_in(text: &str) -> Option<(String, Vec<Pattern>)> {
    if text.contains(MARK) {
        return None;
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut patterns = Vec::new();
    let (mut i, mut copied) = (0, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'"' | b'\'' | b'`' => i = super::string_end(bytes, i),
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'=' | b'!' if bytes.get(i + 1) == Some(&b'~') => {
                let mut start = i + 2;
                while start < bytes.len() && bytes[start].is_ascii_whitespace() {
                    start += 1;
                }
                if !matches!(bytes.get(start), Some(b'"' | b'\'')) {
                    return None;
                }
                let end = super::string_end(bytes, start);
                let value = promql_parser::util::unquote_string(text.get(start..end)?).ok()?;
                let regex = compiled(&value)?;
                out.push_str(&text[copied..start]);
                out.push('"');
                out.push(MARK);
                out.push_str(&patterns.len().to_string());
                if regex.is_match("") {
                    out.push('|');
                }
                out.push('"');
                patterns.push(Pattern { value, regex });
                (i, copied) = (end, end);
            }
            _ => i += 1,
        }
    }
    if patterns.is_empty() {
        return None;
    }
    out.push_str(&text[copied..]);
    Some((out, patterns))
}

/// Puts the patterns back into the matchers that hold their stand-ins,
/// marking each restored; false when a regex matcher holds something else.
fn restore(expr: &mut Expr, patterns: &[Pattern], restored: &mut [bool]) -> bool {
    let matchers = match expr {
        Expr::Aggregate(e) => {
            return restore(&mut e.expr, patterns, restored)
                && e.param
                    .as_mut()
                    .is_none_or(|p| restore(p, patterns, restored));
        }
        Expr::Unary(e) => return restore(&mut e.expr, patterns, restored),
        Expr::Binary(e) => {
            return restore(&mut e.lhs, patterns, restored)
                && restore(&mut e.rhs, patterns, restored);
        }
        Expr::Paren(e) => return restore(&mut e.expr, patterns, restored),
        Expr::Subquery(e) => return restore(&mut e.expr, patterns, restored),
        Expr::Call(e) => {
            return e
                .args
                .args
                .iter_mut()
                .all(|a| restore(a, patterns, restored));
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
        .all(|m| restore_matcher(m, patterns, restored))
}

fn restore_matcher(m: &mut Matcher, patterns: &[Pattern], restored: &mut [bool]) -> bool {
    if !matches!(m.op, MatchOp::Re(_) | MatchOp::NotRe(_)) {
        return true;
    }
    let Some(index) = m
        .value
        .strip_prefix(MARK)
        .map(|v| v.trim_end_matches('|'))
        .and_then(|v| v.parse::<usize>().ok())
    else {
        return false;
    };
    let (Some(pattern), Some(done)) = (patterns.get(index), restored.get_mut(index)) else {
        return false;
    };
    if std::mem::replace(done, true) {
        return false;
    }
    m.value.clone_from(&pattern.value);
    let regex = pattern.regex.clone();
    m.op = match m.op {
        MatchOp::NotRe(_) => MatchOp::NotRe(regex),
        _ => MatchOp::Re(regex),
    };
    true
}

/// The pattern compiled as promql-parser compiles it (fully anchored), or
/// `None` where that takes its fallback for `{` or fails: the parser then
/// compiles it itself. Remembered per text; forgotten in bulk past a bound,
/// for the language server, which sees a new pattern at every keystroke.
fn compiled(value: &str) -> Option<Regex> {
    static COMPILED: Mutex<Option<HashMap<String, Option<Regex>>>> = Mutex::new(None);
    const MOST: usize = 4096;
    if let Some(known) = COMPILED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .as_ref()
        .and_then(|m| m.get(value))
    {
        return known.clone();
    }
    let regex = Regex::new(&format!("^(?:{value})$")).ok();
    let mut memo = COMPILED.lock().unwrap_or_else(PoisonError::into_inner);
    let memo = memo.get_or_insert_with(HashMap::new);
    if memo.len() >= MOST {
        memo.clear();
    }
    memo.insert(value.to_owned(), regex.clone());
    regex
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
    }

    #[test]
    fn stand_ins_compile_without_the_unicode_tables() {
        let (text, patterns) = stand_in(r#"x{a=~"5..", b!~".*"}"#).unwrap();
        assert_eq!(text, "x{a=~\"\u{1}0\", b!~\"\u{1}1|\"}");
        assert_eq!(patterns[1].value, ".*");
    }
}
