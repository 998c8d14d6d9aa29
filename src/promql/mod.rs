//! Limits on PromQL text before it reaches promql-parser, whose cost grows
//! faster than its input: a chain of 32,000 binary operators took 21 s
//! (its `value_type` walks the chain at every level) and 100,000 unary
//! minuses 40 s. Every expression monocle parses goes through [`parse`].
//! Also the helpers that write PromQL text (string escaping, numbers).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use promql_parser::parser::Expr;

mod stand_ins;

/// Longest PromQL expression, in bytes.
pub const MAX_BYTES: usize = 64 * 1024;
/// Most operators (binary, unary, comparison, set) in one expression.
pub const MAX_OPERATORS: usize = 1_000;

/// Parses `text` after [`check_limits`].
pub fn parse(text: &str) -> Result<Expr, String> {
    let remembered = MEMO
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .as_mut()
        .and_then(|memo| memo.recall(text));
    if let Some(parsed) = remembered {
        return parsed;
    }
    let parsed = check_limits(text).and_then(|()| stand_ins::parse(text));
    if let Some(memo) = MEMO.lock().unwrap_or_else(PoisonError::into_inner).as_mut() {
        memo.current.insert(text.to_owned(), parsed.clone());
    }
    parsed
}

/// The parses of the last two checks, when [`remember_parses`] asked for
/// them: the language server checks the whole folder again on each change
/// while most expressions stay as they were, and parsing them is a third
/// of a check. A one-shot command never turns it on.
static MEMO: Mutex<Option<Memo>> = Mutex::new(None);

#[derive(Default)]
struct Memo {
    current: HashMap<String, Result<Expr, String>>,
    previous: HashMap<String, Result<Expr, String>>,
}

impl Memo {
    fn recall(&mut self, text: &str) -> Option<Result<Expr, String>> {
        if let Some(parsed) = self.current.get(text) {
            return Some(parsed.clone());
        }
        let parsed = self.previous.remove(text)?;
        self.current.insert(text.to_owned(), parsed.clone());
        Some(parsed)
    }
}

/// Remembers parses from now on, and starts a new round: what the round
/// before last parsed and the last did not use is forgotten, so memory
/// holds at most two checks' expressions.
pub fn remember_parses() {
    let mut memo = MEMO.lock().unwrap_or_else(PoisonError::into_inner);
    let memo = memo.get_or_insert_with(Memo::default);
    memo.previous = std::mem::take(&mut memo.current);
}

/// Refuses an expression past [`MAX_BYTES`] or [`MAX_OPERATORS`], saying which.
pub fn check_limits(text: &str) -> Result<(), String> {
    if text.len() > MAX_BYTES {
        return Err(format!(
            "the expression is {} bytes long, over monocle's limit of {MAX_BYTES}",
            text.len()
        ));
    }
    let operators = operators(text);
    if operators > MAX_OPERATORS {
        return Err(format!(
            "the expression has {operators} operators, over monocle's limit of {MAX_OPERATORS}"
        ));
    }
    Ok(())
}

/// An upper bound on the operators of `text`: operator characters and the
/// words `and`, `or`, `unless` and `atan2` outside strings, label matchers
/// (`{...}`), ranges (`[...]`) and comments.
fn operators(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut i, mut count, mut nested) = (0, 0usize, 0usize);
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'"' | b'\'' | b'`' => {
                i = string_end(bytes, i);
                continue;
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'{' | b'[' => nested += 1,
            b'}' | b']' => nested = nested.saturating_sub(1),
            _ if nested > 0 => {}
            b'+' | b'-' | b'*' | b'/' | b'%' | b'^' => count += 1,
            b'=' | b'!' | b'<' | b'>' => {
                count += 1;
                if bytes.get(i + 1) == Some(&b'=') {
                    i += 1;
                }
            }
            b if b.is_ascii_alphabetic() || b == b'_' => {
                let start = i;
                while i + 1 < bytes.len()
                    && (bytes[i + 1].is_ascii_alphanumeric() || matches!(bytes[i + 1], b'_' | b':'))
                {
                    i += 1;
                }
                let word = &text[start..=i];
                if ["and", "or", "unless", "atan2"]
                    .iter()
                    .any(|w| word.eq_ignore_ascii_case(w))
                {
                    count += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    count
}

/// Where the string literal starting at `start` ends (one past its closing
/// quote, or the end of the text), as the parser's lexer reads it.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() && bytes[i] != quote {
        if bytes[i] == b'\\' && quote != b'`' {
            i += 1;
        }
        i += 1;
    }
    (i + 1).min(bytes.len())
}

/// PromQL double-quoted string escaping (for label values monocle writes
/// into the queries it generates).
pub fn escape(s: &str) -> String {
    // Label values rarely hold any of these: one pass, one copy.
    if !s.contains(['\\', '"', '\n']) {
        return s.to_owned();
    }
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Rounds away binary noise (1 - 0.999 = 0.0010000000000000009).
pub fn round(x: f64) -> f64 {
    (x * 1e10).round() / 1e10
}

/// A number as monocle writes it into PromQL and texts: rounded, and
/// without a trailing `.0`.
pub fn number(x: f64) -> String {
    format!("{}", round(x))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_are_counted_outside_matchers_strings_and_ranges() {
        assert_eq!(operators("up"), 0);
        assert_eq!(operators(r#"sum(rate(x{a!="b-c", d=~"e+"}[5m])) > 0"#), 1);
        assert_eq!(operators("a + b - c and d unless e or f atan2 g"), 6);
        assert_eq!(operators("a == b != c <= d >= e < f > g"), 6);
        assert_eq!(operators("- - -1"), 3);
        assert_eq!(operators("order_total + android"), 1);
    }

    #[test]
    fn expressions_past_the_limits_are_refused_before_parsing() {
        let chain = vec!["up"; MAX_OPERATORS + 2].join(" + ");
        assert!(parse(&chain).unwrap_err().contains("operators"));
        let minuses = format!("{}1", "-".repeat(MAX_OPERATORS + 1));
        assert!(parse(&minuses).unwrap_err().contains("operators"));
        let long = format!("up{{a=\"{}\"}}", "x".repeat(MAX_BYTES));
        assert!(parse(&long).unwrap_err().contains("bytes"));
        let within = vec!["up"; MAX_OPERATORS].join(" + ");
        assert!(parse(&within).is_ok());
    }
}
