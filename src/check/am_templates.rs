//! Receiver fields Alertmanager renders as Go templates (a Slack `title`,
//! `text` or `channel`, a PagerDuty `severity`). `amtool check-config`
//! does not parse them: Alertmanager parses and runs each one only when it
//! sends a notification, so a mistake there loses the notification. They
//! are checked here as `amtool template render` runs them against its
//! default data: the text parses, every function exists in Alertmanager's
//! templates (Go's built-ins and Alertmanager 0.25's `toUpper`, `toLower`,
//! `title`, `join`, `match`, `safeHtml`, `reReplaceAll`, `stringSlice`,
//! with their argument counts), every variable is declared, every field
//! exists on the value it is read from (`template.Data`, `Alert`, `KV`,
//! `Pair`…), `range` iterates over a list or map, and `template` names a
//! template that exists (monocle's `monocle.tmpl`, or one the field
//! defines).

use crate::names::ValueError;

/// The templates `monocle.tmpl` defines (see `emit::alertmanager`).
pub const MONOCLE_TEMPLATES: &[&str] = &[
    "monocle.title",
    "monocle.alert",
    "monocle.slack.title",
    "monocle.slack.text",
    "monocle.pagerduty.description",
    "monocle.pagerduty.severity",
];

/// What a value is, as far as a template can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    /// `template.Data`, the notification.
    Data,
    /// `template.Alerts` (or `[]Alert`).
    Alerts,
    Alert,
    /// `template.KV`: labels and annotations.
    Kv,
    /// `template.Pairs`.
    Pairs,
    Pair,
    Str,
    Strings,
    /// A value with fields and methods not modelled (a time): anything goes.
    Any,
    /// A number or boolean: it has no fields.
    Scalar,
}

impl Ty {
    fn go_name(self) -> &'static str {
        match self {
            Ty::Data => "template.Data",
            Ty::Alerts => "template.Alerts",
            Ty::Alert => "template.Alert",
            Ty::Kv => "template.KV",
            Ty::Pairs => "template.Pairs",
            Ty::Pair => "template.Pair",
            Ty::Str => "string",
            Ty::Strings => "[]string",
            Ty::Scalar => "a number or boolean",
            Ty::Any => "any",
        }
    }

    /// The type of `.name` on a value of this type, or `None` when Go's
    /// template engine would fail with "can't evaluate field". The second
    /// value is how many arguments a method needs.
    fn field(self, name: &str) -> Option<(Ty, usize)> {
        let found = match (self, name) {
            (Ty::Any, _) => (Ty::Any, 0),
            (Ty::Data, "Receiver" | "Status" | "ExternalURL") => (Ty::Str, 0),
            (Ty::Data, "Alerts") => (Ty::Alerts, 0),
            (Ty::Data, "GroupLabels" | "CommonLabels" | "CommonAnnotations") => (Ty::Kv, 0),
            (Ty::Alerts, "Firing" | "Resolved") => (Ty::Alerts, 0),
            (Ty::Alert, "Status" | "GeneratorURL" | "Fingerprint") => (Ty::Str, 0),
            (Ty::Alert, "Labels" | "Annotations") => (Ty::Kv, 0),
            (Ty::Alert, "StartsAt" | "EndsAt") => (Ty::Any, 0),
            (Ty::Kv, "SortedPairs") => (Ty::Pairs, 0),
            (Ty::Kv | Ty::Pairs, "Names" | "Values") => (Ty::Strings, 0),
            (Ty::Kv | Ty::Pairs, "String") => (Ty::Str, 0),
            (Ty::Kv, "Remove") => (Ty::Kv, 1),
            // Any other key of a map is a lookup: empty when missing.
            (Ty::Kv, _) => (Ty::Str, 0),
            (Ty::Pair, "Name" | "Value") => (Ty::Str, 0),
            _ => return None,
        };
        Some(found)
    }

    /// What `range` over a value of this type sets the dot to.
    fn element(self) -> Option<Ty> {
        match self {
            Ty::Alerts => Some(Ty::Alert),
            Ty::Pairs => Some(Ty::Pair),
            Ty::Kv | Ty::Strings => Some(Ty::Str),
            Ty::Any => Some(Ty::Any),
            Ty::Scalar => Some(Ty::Scalar),
            _ => None,
        }
    }
}

/// A function: its least and greatest argument counts and result.
fn function(name: &str) -> Option<(usize, usize, Ty)> {
    const MANY: usize = usize::MAX;
    Some(match name {
        "toUpper" | "toLower" | "title" => (1, 1, Ty::Str),
        "join" => (2, 2, Ty::Str),
        "match" => (2, 2, Ty::Scalar),
        "safeHtml" => (1, 1, Ty::Str),
        "reReplaceAll" => (3, 3, Ty::Str),
        "stringSlice" => (0, MANY, Ty::Strings),
        "and" | "or" => (1, MANY, Ty::Any),
        "not" => (1, 1, Ty::Scalar),
        "len" => (1, 1, Ty::Scalar),
        "eq" => (2, MANY, Ty::Scalar),
        "ne" | "lt" | "le" | "gt" | "ge" => (2, 2, Ty::Scalar),
        "index" => (1, MANY, Ty::Any),
        "slice" => (1, 4, Ty::Any),
        "print" | "println" => (0, MANY, Ty::Str),
        "printf" => (1, MANY, Ty::Str),
        "html" | "js" | "urlquery" => (0, MANY, Ty::Str),
        "call" => (1, MANY, Ty::Any),
        _ => return None,
    })
}

/// One token of an action.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    /// `.A.B` (empty for `.`).
    Field(Vec<String>),
    /// `$x.A.B` (`$` alone is named "").
    Var(String, Vec<String>),
    Str(String),
    Num,
    Pipe,
    Open,
    /// `)` and the fields read from the parenthesized value.
    Close(Vec<String>),
    Declare,
    Comma,
}

/// A token and its byte range in the field.
type Spanned = (Tok, usize, usize);

fn err(start: usize, end: usize, message: impl Into<String>) -> ValueError {
    ValueError::new(start, end, message)
}

/// The tokens of the action `text[start..end]`.
fn lex(text: &str, start: usize, end: usize) -> Result<Vec<Spanned>, ValueError> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = start;
    let chain = |i: &mut usize| {
        let mut parts = Vec::new();
        while *i < end && bytes[*i] == b'.' {
            let s = *i + 1;
            let mut j = s;
            while j < end && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
                j += 1;
            }
            if j == s {
                break;
            }
            parts.push(text[s..j].to_owned());
            *i = j;
        }
        parts
    };
    while i < end {
        let b = bytes[i];
        let s = i;
        match b {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'"' | b'`' | b'\'' => {
                i = super::go_actions::quoted_end(bytes, s, end)
                    .ok_or_else(|| err(s, end, "unterminated quoted text"))?;
                let inner = &text[s + 1..i - 1];
                out.push((Tok::Str(inner.replace("\\\"", "\"")), s, i));
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = text[i..end].find("*/").map_or(end, |k| i + k + 2);
            }
            b'|' => {
                i += 1;
                out.push((Tok::Pipe, s, i));
            }
            b'(' => {
                i += 1;
                out.push((Tok::Open, s, i));
            }
            b')' => {
                i += 1;
                let fields = chain(&mut i);
                out.push((Tok::Close(fields), s, i));
            }
            b',' => {
                i += 1;
                out.push((Tok::Comma, s, i));
            }
            b':' if bytes.get(i + 1) == Some(&b'=') => {
                i += 2;
                out.push((Tok::Declare, s, i));
            }
            b'=' => {
                i += 1;
                out.push((Tok::Declare, s, i));
            }
            b'.' if bytes
                .get(i + 1)
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_') =>
            {
                let fields = chain(&mut i);
                out.push((Tok::Field(fields), s, i));
            }
            b'.' => {
                i += 1;
                out.push((Tok::Field(Vec::new()), s, i));
            }
            b'$' => {
                i += 1;
                while i < end && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                let name = text[s + 1..i].to_owned();
                let fields = chain(&mut i);
                out.push((Tok::Var(name, fields), s, i));
            }
            b'-' | b'+' | b'0'..=b'9' => {
                i += 1;
                while i < end
                    && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'.' | b'_'))
                {
                    i += 1;
                }
                out.push((Tok::Num, s, i));
            }
            b if b.is_ascii_alphabetic() || b == b'_' => {
                while i < end && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                out.push((Tok::Ident(text[s..i].to_owned()), s, i));
            }
            _ => {
                let len = text[s..].chars().next().map_or(1, char::len_utf8);
                return Err(err(s, s + len, "unexpected character in an action"));
            }
        }
    }
    Ok(out)
}

/// A block being checked: what closes it and the dot inside it.
struct Block {
    keyword: &'static str,
    at: (usize, usize),
    outer_dot: Ty,
    /// Variables declared before it opened (they go out of scope at `end`).
    vars: usize,
}

struct Checker<'a> {
    text: &'a str,
    dot: Ty,
    vars: Vec<(String, Ty)>,
    blocks: Vec<Block>,
    /// Templates the field itself defines.
    defined: Vec<String>,
}

/// Checks one receiver field as Alertmanager renders it.
pub fn check(text: &str) -> Result<(), ValueError> {
    let mut checker = Checker {
        text,
        dot: Ty::Data,
        vars: vec![(String::new(), Ty::Data)],
        blocks: Vec::new(),
        defined: defines(text),
    };
    let found = super::go_actions::actions(text).map_err(|open| {
        err(open, open + 2, "unclosed `{{` in template").with_help("close the action with `}}`")
    })?;
    for a in found {
        checker.action(lex(text, a.start, a.end)?, (a.open, a.close))?;
    }
    if let Some(block) = checker.blocks.pop() {
        return Err(err(block.at.0, block.at.1, "this block has no `{{ end }}`")
            .with_help("close it with `{{ end }}`"));
    }
    Ok(())
}

/// The names of the templates `text` defines.
fn defines(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for keyword in ["define", "block"] {
        let mut from = 0;
        while let Some(i) = text[from..].find(keyword).map(|i| from + i) {
            from = i + keyword.len();
            let rest = text[from..].trim_start();
            if let Some(quoted) = rest.strip_prefix('"')
                && let Some(end) = quoted.find('"')
            {
                names.push(quoted[..end].to_owned());
            }
        }
    }
    names
}

impl Checker<'_> {
    fn action(&mut self, toks: Vec<Spanned>, at: (usize, usize)) -> Result<(), ValueError> {
        let Some((first, s, e)) = toks.first().cloned() else {
            // A comment, or an empty action (which Go refuses).
            let inner =
                self.text[at.0 + 2..at.1 - 2].trim_matches(|c: char| c == '-' || c.is_whitespace());
            if inner.starts_with("/*") {
                return Ok(());
            }
            return Err(err(at.0, at.1, "empty action").with_help("remove the `{{ }}`"));
        };
        let rest = &toks[1..];
        let keyword = match &first {
            Tok::Ident(w) => w.as_str(),
            _ => "",
        };
        match keyword {
            "if" | "with" | "range" => {
                if rest.is_empty() {
                    return Err(
                        err(at.0, at.1, format!("`{keyword}` has no argument")).with_help(
                            "write a condition, e.g. `{{ if .CommonLabels.severity }}...{{ end }}`",
                        ),
                    );
                }
                let vars = self.vars.len();
                let ty = self.pipeline(rest, keyword == "range")?;
                let inner = match keyword {
                    "with" => ty,
                    "range" => ty.element().ok_or_else(|| {
                        err(rest[0].1, rest[rest.len() - 1].2, format!("`range` can't iterate over {}", ty.go_name()))
                            .with_help("range over a list, e.g. `.Alerts`, `.Alerts.Firing` or `.CommonLabels.SortedPairs`")
                    })?,
                    _ => self.dot,
                };
                let keyword = match keyword {
                    "if" => "if",
                    "with" => "with",
                    _ => "range",
                };
                self.blocks.push(Block {
                    keyword,
                    at,
                    outer_dot: self.dot,
                    vars,
                });
                self.dot = inner;
                Ok(())
            }
            "else" => {
                let Some(block) = self.blocks.last() else {
                    return Err(err(s, e, "`{{ else }}` outside an `if`, `with` or `range`"));
                };
                let outer = block.outer_dot;
                let vars = block.vars;
                self.vars.truncate(vars);
                self.dot = outer;
                if let Some((Tok::Ident(k), ..)) = rest.first()
                    && (k == "if" || k == "with")
                {
                    let ty = self.pipeline(&rest[1..], false)?;
                    if k == "with" {
                        self.dot = ty;
                    }
                }
                Ok(())
            }
            "end" => {
                let Some(block) = self.blocks.pop() else {
                    return Err(err(
                        s,
                        e,
                        "`{{ end }}` without an open `if`, `with`, `range` or `define`",
                    )
                    .with_help("remove it, or open the block it ends"));
                };
                self.dot = block.outer_dot;
                self.vars.truncate(block.vars);
                Ok(())
            }
            "define" | "block" => {
                let vars = self.vars.len();
                if keyword == "block" {
                    self.pipeline(&rest[1.min(rest.len())..], false)?;
                }
                self.blocks.push(Block {
                    keyword: "define",
                    at,
                    outer_dot: self.dot,
                    vars,
                });
                // Its dot is whatever a caller passes.
                self.dot = Ty::Any;
                self.vars.push((String::new(), Ty::Any));
                Ok(())
            }
            "template" => {
                let Some((Tok::Str(name), ns, ne)) = rest.first() else {
                    return Err(err(s, e, "`template` needs a quoted template name"));
                };
                if !MONOCLE_TEMPLATES.contains(&name.as_str()) && !self.defined.contains(name) {
                    return Err(err(*ns, *ne, format!("template \"{name}\" is not defined"))
                        .with_help(format!(
                            "the templates monocle.tmpl defines are {}",
                            MONOCLE_TEMPLATES
                                .iter()
                                .map(|t| format!("`{t}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )));
                }
                if rest.len() > 1 {
                    self.pipeline(&rest[1..], false)?;
                }
                Ok(())
            }
            "break" | "continue" => {
                if !self.blocks.iter().any(|b| b.keyword == "range") {
                    return Err(err(s, e, format!("`{keyword}` outside a `range`")));
                }
                Ok(())
            }
            _ => self.pipeline(&toks, false).map(drop),
        }
    }

    /// Checks a pipeline (with an optional declaration) and returns its
    /// type; for `range`, `$i, $e :=` declares the index and the element.
    fn pipeline(&mut self, toks: &[Spanned], range: bool) -> Result<Ty, ValueError> {
        // A declaration: `$x :=` or `$i, $e :=`.
        let declare = toks.iter().position(|t| t.0 == Tok::Declare);
        let (names, body) = match declare {
            Some(d) => {
                let names: Vec<(String, usize, usize)> = toks[..d]
                    .iter()
                    .filter_map(|(t, s, e)| match t {
                        Tok::Var(n, f) if f.is_empty() => Some((n.clone(), *s, *e)),
                        _ => None,
                    })
                    .collect();
                (names, &toks[d + 1..])
            }
            None => (Vec::new(), toks),
        };
        if body.is_empty() {
            let (s, e) = toks.first().map_or((0, 0), |t| (t.1, t.2));
            return Err(err(s, e, "missing value in the action"));
        }
        let ty = self.commands(body)?;
        match names.as_slice() {
            [] => {}
            [(one, ..)] if range => {
                let elem = ty.element().unwrap_or(Ty::Any);
                self.vars.push((one.clone(), elem));
            }
            [(one, ..)] => self.vars.push((one.clone(), ty)),
            [(i, ..), (e, ..)] => {
                self.vars.push((i.clone(), Ty::Any));
                self.vars.push((e.clone(), ty.element().unwrap_or(Ty::Any)));
            }
            [_, _, (_, s, e), ..] => return Err(err(*s, *e, "too many variables declared")),
        }
        Ok(ty)
    }

    /// `cmd | cmd | …`: each command's result is the last argument of the next.
    fn commands(&mut self, toks: &[Spanned]) -> Result<Ty, ValueError> {
        let mut piped = None;
        let mut depth = 0;
        let mut start = 0;
        for (i, (t, ..)) in toks.iter().enumerate() {
            match t {
                Tok::Open => depth += 1,
                Tok::Close(_) => depth -= 1,
                Tok::Pipe if depth == 0 => {
                    piped = Some(self.command(&toks[start..i], piped)?);
                    start = i + 1;
                }
                _ => {}
            }
        }
        self.command(&toks[start..], piped)
    }

    /// One command: a function call, or a single value.
    fn command(&mut self, toks: &[Spanned], piped: Option<Ty>) -> Result<Ty, ValueError> {
        let Some((first, s, e)) = toks.first() else {
            return Err(err(0, 0, "missing command in a pipeline"));
        };
        let piped_count = usize::from(piped.is_some());
        // The operands after `from`, each with its type.
        let operands = |this: &mut Self, from: usize| -> Result<Vec<Ty>, ValueError> {
            let mut args = Vec::new();
            let mut i = from;
            while i < toks.len() {
                let (ty, next) = this.operand(toks, i)?;
                args.push(ty);
                i = next;
            }
            Ok(args)
        };
        if let Tok::Ident(name) = first {
            if matches!(name.as_str(), "true" | "false" | "nil") {
                return self.no_arguments(toks, Ty::Scalar, piped);
            }
            let Some((min, max, result)) = function(name) else {
                return Err(unknown_function(name, *s, *e));
            };
            let args = operands(self, 1)?;
            let got = args.len() + piped_count;
            if got < min || got > max {
                let want = if min == max {
                    format!("{min}")
                } else if max == usize::MAX {
                    format!("at least {min}")
                } else {
                    format!("{min} to {max}")
                };
                return Err(err(
                    *s,
                    *e,
                    format!("wrong number of arguments for `{name}`: it takes {want}, here {got}"),
                ));
            }
            if name == "index" {
                let base = args.first().copied().or(piped).unwrap_or(Ty::Any);
                return Ok(match base {
                    Ty::Kv | Ty::Strings => Ty::Str,
                    Ty::Alerts => Ty::Alert,
                    Ty::Pairs => Ty::Pair,
                    _ => Ty::Any,
                });
            }
            return Ok(result);
        }
        let (ty, next) = self.operand(toks, 0)?;
        let args = operands(self, next)?;
        let got = args.len() + piped_count;
        let need = self.method_arity(first).unwrap_or(0);
        if got != need {
            let end = toks[toks.len() - 1].2;
            let message = if need > 0 {
                format!("wrong number of arguments for this method: it takes {need}, here {got}")
            } else {
                "can't give an argument to a value that is not a function".to_owned()
            };
            return Err(err(*s, end.max(*e), message));
        }
        Ok(ty)
    }

    fn no_arguments(&self, toks: &[Spanned], ty: Ty, piped: Option<Ty>) -> Result<Ty, ValueError> {
        if toks.len() > 1 || piped.is_some() {
            return Err(err(
                toks[0].1,
                toks[toks.len() - 1].2,
                "can't give an argument to a value that is not a function",
            ));
        }
        Ok(ty)
    }

    /// How many arguments the method a field chain ends in takes, if it is one.
    fn method_arity(&self, tok: &Tok) -> Option<usize> {
        let (mut ty, fields) = match tok {
            Tok::Field(f) => (self.dot, f),
            Tok::Var(n, f) => (self.var(n)?, f),
            _ => return None,
        };
        let (last, init) = fields.split_last()?;
        for f in init {
            ty = ty.field(f)?.0;
        }
        ty.field(last).map(|(_, n)| n).filter(|n| *n > 0)
    }

    fn var(&self, name: &str) -> Option<Ty> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, t)| *t)
    }

    /// The operand at `toks[i]`: its type and the index after it.
    fn operand(&mut self, toks: &[Spanned], i: usize) -> Result<(Ty, usize), ValueError> {
        let (tok, s, e) = &toks[i];
        match tok {
            Tok::Str(_) => Ok((Ty::Str, i + 1)),
            Tok::Num => Ok((Ty::Scalar, i + 1)),
            Tok::Ident(name) if matches!(name.as_str(), "true" | "false" | "nil") => {
                Ok((Ty::Scalar, i + 1))
            }
            Tok::Ident(name) => {
                // A function as an argument: called with no arguments.
                let Some((min, _, result)) = function(name) else {
                    return Err(unknown_function(name, *s, *e));
                };
                if min > 0 {
                    return Err(err(
                        *s,
                        *e,
                        format!(
                            "`{name}` needs arguments: write it in parentheses, e.g. `({name} …)`"
                        ),
                    ));
                }
                Ok((result, i + 1))
            }
            Tok::Field(fields) => Ok((self.chain(self.dot, fields, *s, *e)?, i + 1)),
            Tok::Var(name, fields) => {
                let Some(ty) = self.var(name) else {
                    return Err(err(*s, *s + 1 + name.len(), format!("undefined variable \"${name}\""))
                        .with_help("Alertmanager templates read the notification from `.` (`.CommonLabels.severity`, `.Alerts`); `$labels` and `$value` exist only in Prometheus rules"));
                };
                Ok((self.chain(ty, fields, *s, *e)?, i + 1))
            }
            Tok::Open => {
                let mut depth = 0;
                let mut close = i;
                while close < toks.len() {
                    match toks[close].0 {
                        Tok::Open => depth += 1,
                        Tok::Close(_) => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    close += 1;
                }
                if close >= toks.len() {
                    return Err(err(*s, *e, "unclosed `(`"));
                }
                let ty = self.commands(&toks[i + 1..close])?;
                let Tok::Close(fields) = &toks[close].0 else {
                    unreachable!()
                };
                Ok((
                    self.chain(ty, fields, toks[close].1, toks[close].2)?,
                    close + 1,
                ))
            }
            Tok::Close(_) => Err(err(*s, *e, "unexpected `)`")),
            Tok::Pipe | Tok::Declare | Tok::Comma => {
                Err(err(*s, *e, "unexpected punctuation in an action"))
            }
        }
    }

    /// The type of reading `fields` one after another from `ty`.
    fn chain(&self, mut ty: Ty, fields: &[String], s: usize, e: usize) -> Result<Ty, ValueError> {
        for (n, f) in fields.iter().enumerate() {
            let Some((next, arity)) = ty.field(f) else {
                return Err(err(
                    s,
                    e,
                    format!("can't evaluate field {f} in type {}", ty.go_name()),
                )
                .with_help(help_for(ty)));
            };
            // A method that needs arguments cannot be read mid-chain.
            if arity > 0 && n + 1 < fields.len() {
                return Err(err(
                    s,
                    e,
                    format!("`{f}` needs {arity} argument(s): call it in parentheses"),
                ));
            }
            ty = next;
        }
        Ok(ty)
    }
}

fn unknown_function(name: &str, start: usize, end: usize) -> ValueError {
    err(
        start,
        end,
        format!("function \"{name}\" is not defined in Alertmanager templates"),
    )
    .with_help(
        "Alertmanager 0.25 has Go's built-ins and `toUpper`, `toLower`, `title`, `join`, \
         `match`, `safeHtml`, `reReplaceAll`, `stringSlice`",
    )
}

fn help_for(ty: Ty) -> String {
    let fields = match ty {
        Ty::Data => {
            "`.Receiver`, `.Status`, `.Alerts`, `.GroupLabels`, `.CommonLabels`, `.CommonAnnotations`, `.ExternalURL`"
        }
        Ty::Alerts => "`.Firing`, `.Resolved`, or `range` over it for each alert's `.Labels`",
        Ty::Alert => {
            "`.Status`, `.Labels`, `.Annotations`, `.StartsAt`, `.EndsAt`, `.GeneratorURL`, `.Fingerprint`"
        }
        Ty::Pairs => "`.Names`, `.Values`, or `range` over it for `.Name` and `.Value`",
        Ty::Pair => "`.Name`, `.Value`",
        _ => "a text value has no fields",
    };
    format!("a {} has {fields}", ty.go_name())
}

#[cfg(test)]
mod tests {
    use super::check;

    /// Texts `amtool template render` (0.25, default data, monocle.tmpl)
    /// renders; `tests/integration/am_templates.rs` runs amtool on them.
    const RENDERS: &[&str] = &[
        "",
        "plain text",
        "{{ template \"monocle.slack.title\" . }}",
        "[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} {{ .GroupLabels.cluster }}",
        "{{ range .Alerts.Firing }}{{ .Labels.alertname }}: {{ .Annotations.summary }} {{ .StartsAt }}{{ end }}",
        "{{ range $i, $a := .Alerts }}{{ $i }} {{ $a.Labels.severity }}{{ end }}",
        "{{ range .CommonLabels.SortedPairs }}{{ .Name }}={{ .Value }} {{ end }}",
        "{{ .CommonLabels.Names | join \", \" }} {{ len .Alerts }}",
        "{{ if eq .CommonLabels.severity \"critical\" }}page{{ else if .CommonLabels.team }}{{ .CommonLabels.team }}{{ else }}none{{ end }}",
        "{{ with .CommonAnnotations.summary }}{{ . }}{{ end }} {{ $.Receiver }}",
        "{{ (index .Alerts 0).Labels.alertname }} {{ index .CommonLabels \"a-b\" }}",
        "{{ define \"mine\" }}x{{ end }}{{ template \"mine\" . }}",
        "{{ (.CommonLabels.Remove (stringSlice \"a\")).Names | join \",\" }}",
        "{{- /* a comment */ -}} {{ printf \"%d alerts\" (len .Alerts) }}",
        "{{ reReplaceAll \"-.*\" \"\" .CommonLabels.instance | title }}",
        "{{ $s := .Status }}{{ $s }}",
    ];

    /// Texts that pass `amtool check-config` (it does not parse receiver
    /// fields) but fail when Alertmanager renders them.
    const FAILS: &[&str] = &[
        "{{ .Alerts.Labels.severity }}",
        "{{ .Foo }}",
        "{{ $labels.instance }}",
        "{{ $value }}",
        "{{ template \"nosuch\" . }}",
        "{{ toUpper }}",
        "{{ range .Status }}x{{ end }}",
        "{{ .Status.Foo }}",
        "{{ .CommonLabels.foo.bar }}",
        "{{ .CommonLabels.Remove }}",
        "{{ humanize 1 }}",
        "{{ trimSpace .Status }}",
        "{{ if }}x{{ end }}",
        "{{ range .Alerts }}{{ .Labels }}",
        "{{ .Receiver \"x\" }}",
        "{{ end }}",
        "{{ range .Alerts }}{{ .Value }}{{ end }}",
    ];

    #[test]
    fn the_monocle_templates_are_the_ones_monocle_tmpl_defines() {
        let mut defined = super::defines(crate::emit::alertmanager::TEMPLATES);
        defined.sort();
        let mut listed: Vec<&str> = super::MONOCLE_TEMPLATES.to_vec();
        listed.sort_unstable();
        assert_eq!(defined, listed);
        // And monocle.tmpl itself passes (its dot is whatever a caller passes).
        check(crate::emit::alertmanager::TEMPLATES).unwrap();
    }

    #[test]
    fn what_alertmanager_renders_passes() {
        for ok in RENDERS {
            assert!(check(ok).is_ok(), "{ok}: {:?}", check(ok));
        }
    }

    #[test]
    fn what_fails_at_notification_time_is_refused() {
        for bad in FAILS {
            assert!(check(bad).is_err(), "{bad}");
        }
        let e = check("see {{ .Alerts.Labels }}").unwrap_err();
        assert_eq!((e.start, e.end), (7, 21));
        assert!(
            e.message.contains("field Labels in type template.Alerts"),
            "{}",
            e.message
        );
    }
}
