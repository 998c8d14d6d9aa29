//! Kubernetes label selectors in their string form (`kubectl -l`, apimachinery's
//! `labels.Parse`): `app=web,tier!=cache,env in (prod, staging),!canary`.
//!
//! The grammar, tokenisation and validation follow apimachinery so that anything
//! accepted here is accepted by Kubernetes. Two deliberate differences, both making
//! us stricter: `in`/`notin` lists may not be empty or contain empty items
//! (Kubernetes silently reads `in ()` as "the empty value"), and `<`/`>` comparisons
//! are rejected. Requirements keep the order they were written in (Kubernetes sorts
//! them by key), so generated output follows the spec.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use crate::names::{ValueError, check_k8s_label_key, check_k8s_label_value, quoted};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operator {
    Equals,
    NotEquals,
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    pub key: String,
    pub op: Operator,
    /// One value for `Equals`/`NotEquals`; sorted and deduplicated, never empty, for
    /// `In`/`NotIn`; empty for `Exists`/`DoesNotExist`.
    pub values: Vec<String>,
}

impl Requirement {
    /// Kubernetes semantics: `!=` and `notin` also match objects without the label.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let value = labels.get(&self.key);
        let listed = |v: &String| self.values.iter().any(|x| x == v);
        match self.op {
            Operator::Equals | Operator::In => value.is_some_and(listed),
            Operator::NotEquals | Operator::NotIn => !value.is_some_and(listed),
            Operator::Exists => value.is_some(),
            Operator::DoesNotExist => value.is_none(),
        }
    }
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let first = self.values.first().map_or("", String::as_str);
        match self.op {
            Operator::Equals => write!(f, "{}={first}", self.key),
            Operator::NotEquals => write!(f, "{}!={first}", self.key),
            Operator::In => write!(f, "{} in ({})", self.key, self.values.join(",")),
            Operator::NotIn => write!(f, "{} notin ({})", self.key, self.values.join(",")),
            Operator::Exists => write!(f, "{}", self.key),
            Operator::DoesNotExist => write!(f, "!{}", self.key),
        }
    }
}

/// A parsed label selector: all requirements must match (comma means AND). No
/// requirements (the empty string) matches everything.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selector {
    pub requirements: Vec<Requirement>,
}

impl Selector {
    /// Parses a selector string, stopping at the first error; the error's range is
    /// the exact bad token (or, when the input ends too early, the last token).
    pub fn parse(input: &str) -> Result<Selector, ValueError> {
        let tokens = lex(input);
        let mut parser = Parser {
            input,
            tokens,
            pos: 0,
        };
        let mut requirements = Vec::new();
        if parser.tokens.is_empty() {
            return Ok(Selector { requirements });
        }
        loop {
            requirements.push(parser.requirement()?);
            match parser.next() {
                None => break,
                Some(t) if t.kind == Kind::Comma => {
                    if parser.peek().is_none() {
                        return Err(ValueError::new(
                            t.start,
                            t.end,
                            "trailing `,` at the end of the selector",
                        )
                        .with_help("remove the `,` or add another requirement after it"));
                    }
                }
                Some(t) => {
                    return Err(ValueError::new(
                        t.start,
                        t.end,
                        format!(
                            "expected `,` or the end of the selector, found {}",
                            parser.describe(t)
                        ),
                    )
                    .with_help(
                        "separate requirements with `,` (e.g. `app=web,tier=db`); label values cannot contain spaces",
                    ));
                }
            }
        }
        Ok(Selector { requirements })
    }

    /// True when every requirement matches `labels`.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.requirements.iter().all(|r| r.matches(labels))
    }

    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }
}

impl FromStr for Selector {
    type Err = ValueError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Selector::parse(s)
    }
}

/// Canonical form: `a=b,a!=b,a in (x,y),a notin (x),a,!a` (requirements in source
/// order). Parsing the output gives back an equal selector.
impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.requirements.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{r}")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A run of anything that is not whitespace or one of `=!(),<>`; keywords `in`
    /// and `notin` are identifiers too and recognised by the parser from context.
    Ident,
    Eq,
    DoubleEq,
    NotEq,
    Bang,
    LParen,
    RParen,
    Comma,
    /// `<` or `>`: apimachinery's `gt`/`lt`, which we do not support.
    Compare,
}

#[derive(Debug, Clone, Copy)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
}

fn is_special(c: char) -> bool {
    matches!(c, '=' | '!' | '(' | ')' | ',' | '<' | '>')
}

/// Same whitespace as apimachinery; other (Unicode) space ends up inside an
/// identifier and is then reported as an invalid character in the key or value.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Splits the input into tokens; never fails, every character lands in some token
/// or is whitespace.
fn lex(input: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = input.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if is_space(c) {
            continue;
        }
        let followed_by_eq = chars.peek().is_some_and(|&(_, n)| n == '=');
        let (kind, end) = match c {
            '=' if followed_by_eq => {
                chars.next();
                (Kind::DoubleEq, start + 2)
            }
            '!' if followed_by_eq => {
                chars.next();
                (Kind::NotEq, start + 2)
            }
            '=' => (Kind::Eq, start + 1),
            '!' => (Kind::Bang, start + 1),
            '(' => (Kind::LParen, start + 1),
            ')' => (Kind::RParen, start + 1),
            ',' => (Kind::Comma, start + 1),
            '<' | '>' => (Kind::Compare, start + 1),
            _ => {
                let mut end = start + c.len_utf8();
                while let Some(&(i, n)) = chars.peek() {
                    if is_space(n) || is_special(n) {
                        break;
                    }
                    end = i + n.len_utf8();
                    chars.next();
                }
                (Kind::Ident, end)
            }
        };
        tokens.push(Token { kind, start, end });
    }
    tokens
}

struct Parser<'a> {
    input: &'a str,
    tokens: Vec<Token>,
    pos: usize,
}

const KEY_HELP: &str = "a requirement looks like `app=web`, `app!=web`, `app in (a, b)`, `app notin (a)`, `app` or `!app`";

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<Token> {
        self.tokens.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.peek()?;
        self.pos += 1;
        Some(t)
    }

    fn text(&self, t: Token) -> &'a str {
        &self.input[t.start..t.end]
    }

    /// A token for a message: `foo`, or `,` etc.
    fn describe(&self, t: Token) -> String {
        quoted(self.text(t))
    }

    fn is_word(&self, t: Token, word: &str) -> bool {
        t.kind == Kind::Ident && self.text(t) == word
    }

    /// Error for input that ends where more was needed: underlines the last token.
    fn ended(&self, message: impl Into<String>) -> ValueError {
        let (start, end) = self.tokens.last().map_or((0, 0), |t| (t.start, t.end));
        ValueError::new(start, end, message)
    }

    fn requirement(&mut self) -> Result<Requirement, ValueError> {
        let Some(t) = self.next() else {
            return Err(self
                .ended("expected a label requirement")
                .with_help(KEY_HELP));
        };
        match t.kind {
            Kind::Bang => {
                let key = match self.next() {
                    Some(k) if k.kind == Kind::Ident => self.key(k)?,
                    Some(other) => {
                        return Err(ValueError::new(
                            other.start,
                            other.end,
                            format!(
                                "expected a label key after `!`, found {}",
                                self.describe(other)
                            ),
                        )
                        .with_help("`!app` selects objects that do not have the label `app`"));
                    }
                    None => {
                        return Err(self
                            .ended("expected a label key after `!`")
                            .with_help("`!app` selects objects that do not have the label `app`"));
                    }
                };
                if let Some(after) = self.peek()
                    && after.kind != Kind::Comma
                {
                    return Err(ValueError::new(
                        after.start,
                        after.end,
                        format!("`!{key}` cannot be followed by {}", self.describe(after)),
                    )
                    .with_help(format!(
                        "`!{key}` alone selects objects without the label; to exclude values write `{key}!=value` or `{key} notin (a, b)`"
                    )));
                }
                Ok(Requirement {
                    key,
                    op: Operator::DoesNotExist,
                    values: Vec::new(),
                })
            }
            Kind::Ident => {
                let key = self.key(t)?;
                self.after_key(key)
            }
            Kind::Comma => {
                Err(
                    ValueError::new(t.start, t.end, "expected a label requirement before `,`")
                        .with_help("remove the extra `,`"),
                )
            }
            Kind::Eq | Kind::DoubleEq | Kind::NotEq => Err(ValueError::new(
                t.start,
                t.end,
                format!("missing label key before {}", self.describe(t)),
            )
            .with_help(KEY_HELP)),
            Kind::Compare => Err(compare_error(t)),
            Kind::LParen | Kind::RParen => Err(ValueError::new(
                t.start,
                t.end,
                format!("expected a label key, found {}", self.describe(t)),
            )
            .with_help(KEY_HELP)),
        }
    }

    /// Validates a key token; keywords cannot be keys, exactly as in Kubernetes.
    fn key(&self, t: Token) -> Result<String, ValueError> {
        let text = self.text(t);
        if text == "in" || text == "notin" {
            return Err(ValueError::new(
                t.start,
                t.end,
                format!("`{text}` is a keyword and cannot be used as a label key"),
            )
            .with_help(KEY_HELP));
        }
        check_k8s_label_key(text).map_err(|e| e.shifted(t.start))?;
        Ok(text.to_string())
    }

    fn value(&self, t: Token) -> Result<String, ValueError> {
        let text = self.text(t);
        check_k8s_label_value(text).map_err(|e| e.shifted(t.start))?;
        Ok(text.to_string())
    }

    fn after_key(&mut self, key: String) -> Result<Requirement, ValueError> {
        let exists = |key| Requirement {
            key,
            op: Operator::Exists,
            values: Vec::new(),
        };
        let Some(t) = self.peek() else {
            return Ok(exists(key));
        };
        let op = match t.kind {
            Kind::Comma => return Ok(exists(key)),
            Kind::Eq | Kind::DoubleEq => Operator::Equals,
            Kind::NotEq => Operator::NotEquals,
            Kind::Ident if self.is_word(t, "in") => Operator::In,
            Kind::Ident if self.is_word(t, "notin") => Operator::NotIn,
            Kind::Compare => return Err(compare_error(t)),
            _ => {
                let shown = quoted(&key);
                return Err(ValueError::new(
                    t.start,
                    t.end,
                    format!(
                        "expected `=`, `!=`, `in` or `notin` after label key {shown}, found {}",
                        self.describe(t)
                    ),
                )
                .with_help(format!(
                    "write `{key}=value`, `{key} in (a, b)` or just `{key}`; separate requirements with `,`"
                )));
            }
        };
        self.pos += 1;
        let values = match op {
            Operator::Equals | Operator::NotEquals => vec![self.exact_value(t)?],
            _ => self.value_list(&key, t)?,
        };
        Ok(Requirement { key, op, values })
    }

    /// The value after `=`, `==` or `!=`; absent means the empty value, as in
    /// Kubernetes (`tier=` selects objects whose `tier` label is empty).
    fn exact_value(&mut self, op: Token) -> Result<String, ValueError> {
        match self.peek() {
            None => Ok(String::new()),
            Some(t) if t.kind == Kind::Comma => Ok(String::new()),
            Some(t) if t.kind == Kind::Ident => {
                self.pos += 1;
                self.value(t)
            }
            Some(t) => {
                let err = ValueError::new(
                    t.start,
                    t.end,
                    format!(
                        "expected a label value after {}, found {}",
                        self.describe(op),
                        self.describe(t)
                    ),
                );
                Err(if t.kind == Kind::LParen {
                    err.with_help("to match one of several values write `key in (a, b)`")
                } else {
                    err.with_help("label values contain only letters, digits, `-`, `_` and `.`")
                })
            }
        }
    }

    /// `( value, value, ... )` after `in`/`notin`: at least one value, no empty items.
    fn value_list(&mut self, key: &str, keyword: Token) -> Result<Vec<String>, ValueError> {
        let word = self.text(keyword);
        let list_help =
            format!("write one or more values in parentheses, e.g. `{key} {word} (x, y)`");
        let open = match self.next() {
            Some(t) if t.kind == Kind::LParen => t,
            Some(t) => {
                return Err(ValueError::new(
                    t.start,
                    t.end,
                    format!("expected `(` after `{word}`, found {}", self.describe(t)),
                )
                .with_help(list_help));
            }
            None => {
                return Err(self
                    .ended(format!("expected `(` after `{word}`"))
                    .with_help(list_help));
            }
        };
        let unclosed = || {
            ValueError::new(open.start, open.end, "unclosed `(`: expected `)`")
                .with_help(format!("close the list, e.g. `{key} {word} (x, y)`"))
        };
        let mut values = Vec::new();
        loop {
            // A value is required here.
            match self.next() {
                None => return Err(unclosed()),
                Some(t) if t.kind == Kind::Ident => values.push(self.value(t)?),
                Some(t) if t.kind == Kind::RParen && values.is_empty() => {
                    return Err(ValueError::new(
                        open.start,
                        t.end,
                        format!("empty value list after `{word}`"),
                    )
                    .with_help(list_help));
                }
                Some(t) if matches!(t.kind, Kind::Comma | Kind::RParen) => {
                    // `(a,,b)`, `(,a)` or `(a,)`: point at the comma that has no value.
                    let comma = if t.kind == Kind::Comma {
                        t
                    } else {
                        self.tokens[self.pos - 2]
                    };
                    return Err(ValueError::new(
                        comma.start,
                        comma.end,
                        format!("empty item in the value list after `{word}`"),
                    )
                    .with_help("remove the extra `,`"));
                }
                Some(t) => {
                    return Err(ValueError::new(
                        t.start,
                        t.end,
                        format!("expected a label value, found {}", self.describe(t)),
                    )
                    .with_help(list_help));
                }
            }
            // Then either `,` and another value, or `)`.
            match self.next() {
                None => return Err(unclosed()),
                Some(t) if t.kind == Kind::Comma => {}
                Some(t) if t.kind == Kind::RParen => break,
                Some(t) => {
                    return Err(ValueError::new(
                        t.start,
                        t.end,
                        format!(
                            "expected `,` or `)` in the value list, found {}",
                            self.describe(t)
                        ),
                    )
                    .with_help("separate values with `,`, e.g. `(a, b)`"));
                }
            }
        }
        values.sort();
        values.dedup();
        Ok(values)
    }
}

fn compare_error(t: Token) -> ValueError {
    ValueError::new(t.start, t.end, "`<` and `>` comparisons are not supported")
        .with_help("use `=`, `!=`, `in` or `notin`")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Selector {
        Selector::parse(s).unwrap_or_else(|e| panic!("{s:?}: {e:?}"))
    }

    fn perr(s: &str) -> ValueError {
        Selector::parse(s).expect_err(s)
    }

    fn range(e: &ValueError) -> (usize, usize) {
        (e.start, e.end)
    }

    fn req(key: &str, op: Operator, values: &[&str]) -> Requirement {
        Requirement {
            key: key.to_string(),
            op,
            values: values
                .iter()
                .map(std::string::ToString::to_string)
                .collect(),
        }
    }

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn parses_every_operator() {
        let s = parse("a=b, c==d ,e!=f,g in (y, x, y),h notin (z),i,!j");
        assert_eq!(
            s.requirements,
            vec![
                req("a", Operator::Equals, &["b"]),
                req("c", Operator::Equals, &["d"]),
                req("e", Operator::NotEquals, &["f"]),
                req("g", Operator::In, &["x", "y"]),
                req("h", Operator::NotIn, &["z"]),
                req("i", Operator::Exists, &[]),
                req("j", Operator::DoesNotExist, &[]),
            ]
        );
        assert_eq!(s.to_string(), "a=b,c=d,e!=f,g in (x,y),h notin (z),i,!j");
    }

    #[test]
    fn empty_selector_matches_everything() {
        for s in ["", "   ", "\t\n"] {
            let sel = parse(s);
            assert!(sel.is_empty());
            assert_eq!(sel, Selector::default());
            assert!(sel.matches(&labels(&[])));
            assert!(sel.matches(&labels(&[("a", "b")])));
            assert_eq!(sel.to_string(), "");
        }
    }

    #[test]
    fn whitespace_and_prefixed_keys() {
        let s = parse("  app.kubernetes.io/name = web ,\tteam  in(a,b)  ,! example.com/canary ");
        assert_eq!(
            s.to_string(),
            "app.kubernetes.io/name=web,team in (a,b),!example.com/canary"
        );
        // No space needed around `in` before `(`, but `in` must stand alone.
        assert_eq!(parse("x in(a)").to_string(), "x in (a)");
    }

    #[test]
    fn empty_values_after_equals() {
        assert_eq!(
            parse("a=").requirements,
            vec![req("a", Operator::Equals, &[""])]
        );
        assert_eq!(
            parse("a!=,b=c").requirements,
            vec![
                req("a", Operator::NotEquals, &[""]),
                req("b", Operator::Equals, &["c"])
            ]
        );
        assert_eq!(parse("a=").to_string(), "a=");
    }

    #[test]
    fn keywords_are_values_but_not_keys() {
        assert_eq!(parse("a=in").to_string(), "a=in");
        assert_eq!(parse("a in (in, notin)").to_string(), "a in (in,notin)");
        let e = perr("in=a");
        assert_eq!(range(&e), (0, 2));
        let e = perr("!notin");
        assert_eq!(range(&e), (1, 6));
    }

    #[test]
    fn display_round_trips() {
        for s in [
            "a=b,c!=d,e in (x,y),f notin (z),g,!h",
            "example.com/x=Y_1.2-3",
            "a=",
            "",
        ] {
            let sel = parse(s);
            assert_eq!(sel.to_string(), s);
            assert_eq!(parse(&sel.to_string()), sel);
        }
    }

    #[test]
    fn matching_semantics() {
        let l = labels(&[("app", "web"), ("tier", "frontend"), ("empty", "")]);
        let m = |s: &str| parse(s).matches(&l);
        assert!(m("app=web"));
        assert!(m("app==web"));
        assert!(!m("app=db"));
        assert!(!m("missing=web"));
        assert!(m("app!=db"));
        assert!(!m("app!=web"));
        assert!(
            m("missing!=web"),
            "NotEquals matches when the key is absent"
        );
        assert!(m("app in (db, web)"));
        assert!(!m("app in (db)"));
        assert!(!m("missing in (web)"));
        assert!(m("app notin (db)"));
        assert!(!m("app notin (db, web)"));
        assert!(
            m("missing notin (web)"),
            "NotIn matches when the key is absent"
        );
        assert!(m("app"));
        assert!(!m("missing"));
        assert!(m("!missing"));
        assert!(!m("!app"));
        assert!(m("empty="));
        assert!(m("empty"));
        assert!(!m("app="));
        assert!(m("app=web,tier=frontend"));
        assert!(!m("app=web,tier=backend"), "comma is AND");
    }

    #[test]
    fn error_missing_operator() {
        let e = perr("app web");
        assert_eq!(range(&e), (4, 7));
        assert_eq!(
            e.message,
            "expected `=`, `!=`, `in` or `notin` after label key `app`, found `web`"
        );
        assert!(
            e.help
                .unwrap()
                .starts_with("write `app=value`, `app in (a, b)` or just `app`")
        );

        let e = perr("app (a)");
        assert_eq!(range(&e), (4, 5));
        let e = perr("app ! = x");
        assert_eq!(range(&e), (4, 5));
    }

    #[test]
    fn error_between_requirements() {
        let e = perr("a=b c=d");
        assert_eq!(range(&e), (4, 5));
        assert!(e.message.contains("expected `,`"), "{}", e.message);
        let e = perr("a=b=c");
        assert_eq!(range(&e), (3, 4));
        let e = perr("a in (b) c");
        assert_eq!(range(&e), (9, 10));
    }

    #[test]
    fn error_commas() {
        let e = perr("a=b,");
        assert_eq!(range(&e), (3, 4));
        assert!(e.message.contains("trailing"));
        let e = perr(",a");
        assert_eq!(range(&e), (0, 1));
        let e = perr("a,,b");
        assert_eq!(range(&e), (2, 3));
        let e = perr(",");
        assert_eq!(range(&e), (0, 1));
    }

    #[test]
    fn error_bang() {
        let e = perr("!a=b");
        assert_eq!(range(&e), (2, 3));
        assert!(
            e.message.contains("`!a` cannot be followed by `=`"),
            "{}",
            e.message
        );
        assert!(e.help.unwrap().contains("`a!=value`"));
        let e = perr("!");
        assert_eq!(range(&e), (0, 1));
        let e = perr("!,a");
        assert_eq!(range(&e), (1, 2));
        let e = perr("!!a");
        assert_eq!(range(&e), (1, 2));
        let e = perr("!a in (b)");
        assert_eq!(range(&e), (3, 5));
    }

    #[test]
    fn error_missing_key() {
        let e = perr("=a");
        assert_eq!(range(&e), (0, 1));
        let e = perr(" != a");
        assert_eq!(range(&e), (1, 3));
        let e = perr("(a)");
        assert_eq!(range(&e), (0, 1));
        let e = perr(")");
        assert_eq!(range(&e), (0, 1));
    }

    #[test]
    fn error_bad_value_after_equals() {
        let e = perr("a=(b)");
        assert_eq!(range(&e), (2, 3));
        assert!(e.help.unwrap().contains("`key in (a, b)`"));
        let e = perr("a==!b");
        assert_eq!(range(&e), (3, 4));
        let e = perr("a= =b");
        assert_eq!(range(&e), (3, 4));
    }

    #[test]
    fn error_lists() {
        let e = perr("a in");
        assert_eq!(range(&e), (2, 4));
        assert!(e.message.contains("expected `(` after `in`"));
        let e = perr("a notin b");
        assert_eq!(range(&e), (8, 9));
        let e = perr("a in ()");
        assert_eq!(range(&e), (5, 7));
        assert!(e.message.contains("empty value list"));
        let e = perr("a in (b");
        assert_eq!(range(&e), (5, 6));
        assert!(e.message.contains("unclosed"));
        let e = perr("a in (b,");
        assert_eq!(range(&e), (5, 6));
        let e = perr("a in (");
        assert_eq!(range(&e), (5, 6));
        let e = perr("a in (b c)");
        assert_eq!(range(&e), (8, 9));
        let e = perr("a in (b,,c)");
        assert_eq!(range(&e), (8, 9));
        let e = perr("a in (,b)");
        assert_eq!(range(&e), (6, 7));
        let e = perr("a in (b,)");
        assert_eq!(range(&e), (7, 8));
        let e = perr("a in ((b))");
        assert_eq!(range(&e), (6, 7));
        let e = perr("a in (b=c)");
        assert_eq!(range(&e), (7, 8));
    }

    #[test]
    fn error_invalid_key_and_value_chars() {
        let e = perr("ap p_=x,b@d=1");
        // `ap` then `p_`: the second identifier is where an operator should be.
        assert_eq!(range(&e), (3, 5));
        let e = perr("a=b,b@d=1");
        assert_eq!(range(&e), (5, 6));
        assert!(e.message.contains("invalid character `@`"), "{}", e.message);
        let e = perr("Example.com/a=1");
        assert_eq!(range(&e), (0, 1));
        let e = perr("a=b/c");
        assert_eq!(range(&e), (3, 4));
        let e = perr("a in (ok, -bad)");
        assert_eq!(range(&e), (10, 11));
        let e = perr(&format!("a={}", "v".repeat(64)));
        assert_eq!(range(&e), (65, 66));
        let e = perr("é=1");
        assert_eq!(range(&e), (0, 2));
        let e = perr("a=\u{a0}b");
        assert_eq!(range(&e), (2, 4));
    }

    #[test]
    fn error_comparisons() {
        let e = perr("a>1");
        assert_eq!(range(&e), (1, 2));
        assert!(e.message.contains("not supported"));
        let e = perr("<");
        assert_eq!(range(&e), (0, 1));
    }

    /// Tiny deterministic generator: no dependencies, same strings every run.
    fn pseudo_random_strings(alphabet: &[&str], count: usize) -> Vec<String> {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize
        };
        (0..count)
            .map(|_| {
                let len = next() % 12;
                (0..len)
                    .map(|_| alphabet[next() % alphabet.len()])
                    .collect()
            })
            .collect()
    }

    #[test]
    fn generated_inputs_never_panic_and_round_trip() {
        let alphabet = [
            "a", "b", "=", "==", "!", "!=", "(", ")", ",", " ", "in", "notin", "/", ".", "-", "é",
            "<",
        ];
        let l = labels(&[("a", "b"), ("b", "")]);
        let mut accepted = 0;
        for s in pseudo_random_strings(&alphabet, 20_000) {
            match Selector::parse(&s) {
                Ok(sel) => {
                    accepted += 1;
                    let _ = sel.matches(&l);
                    assert_eq!(parse(&sel.to_string()), sel, "{s:?}");
                }
                Err(e) => {
                    assert!(e.start <= e.end && e.end <= s.len(), "{s:?}: {e:?}");
                    assert!(s.is_char_boundary(e.start) && s.is_char_boundary(e.end));
                    assert!(
                        e.start < e.end || s.trim().is_empty() || e.end == 0,
                        "{s:?}: {e:?}"
                    );
                }
            }
        }
        assert!(accepted > 100, "generator should hit valid selectors too");
    }

    #[test]
    fn odd_inputs_never_panic() {
        let long_ok = vec!["a=b"; 5_000].join(",");
        let long_key = "k".repeat(100_000);
        let long_parens = "(".repeat(10_000);
        let long_list = format!("a in ({}", "x,".repeat(10_000));
        let odd = [
            "",
            "🦀",
            "🦀=🦀",
            "a in (🦀)",
            "\0",
            "!=!=",
            "==",
            "===",
            "!",
            "!!",
            "(",
            ")",
            "in",
            "notin",
            "a in in",
            "a notin notin (",
            "a=b,,",
            "\u{2028}",
            long_ok.as_str(),
            long_key.as_str(),
            long_parens.as_str(),
            long_list.as_str(),
        ];
        for s in odd {
            match Selector::parse(s) {
                Ok(sel) => {
                    let _ = sel.matches(&labels(&[("a", "b")]));
                    assert_eq!(parse(&sel.to_string()), sel);
                }
                Err(e) => {
                    assert!(e.start <= e.end && e.end <= s.len(), "{s:?}: {e:?}");
                    assert!(s.is_char_boundary(e.start) && s.is_char_boundary(e.end));
                    assert!(e.message.len() < 400, "message too long for {s:?}");
                }
            }
        }
    }
}
