//! Property tests: the reference spec (`specs/fleet.yaml`, and its KDL form)
//! mutated at random — bytes deleted, tokens inserted, lines duplicated,
//! swapped or re-indented, values replaced by hostile ones — must compile
//! or fail with error diagnostics that each blame a valid span in the text,
//! and never panic.
//!
//! The case count is kept small so `cargo test` stays fast; raise it with
//! `MONOCLE_PROPTEST_CASES=5000 cargo test --test integration mutations::`.

use crate::common;

use monocle::source::Sources;
use proptest::prelude::*;
use proptest::sample::Index;

/// Text that often means something to YAML, KDL, PromQL, templates or
/// monocle's own checks.
const TOKENS: &[&str] = &[
    "",
    " ",
    "\n",
    "\t",
    ":",
    ": ",
    "- ",
    "-",
    "#",
    "&a ",
    "*a",
    "<<: ",
    "!!str ",
    "---\n",
    "...",
    "{",
    "}",
    "[",
    "]",
    ",",
    "\"",
    "'",
    "\\",
    "|\n",
    ">\n",
    "~",
    "null",
    "true",
    "#true",
    "=",
    "0",
    "-1",
    "0s",
    "-5m",
    "1e400",
    "9223372036854775808",
    ".nan",
    ".inf",
    "1.5",
    "99999999999d",
    "{{",
    "}}",
    "{{ $labels.x }}",
    "{%",
    "../",
    "/",
    "..",
    "\0",
    "\u{feff}",
    "\u{202e}",
    "\u{430}",
    "é",
    "ok",
    "velero",
    "prod-eu-1",
    "apps",
    "critical",
    "slack-general",
    "5m",
    "le",
    "sum(rate(x[5m]))",
    "(",
    ")",
    "=~",
    "!=",
    "severity=\"critical\"",
    "x in (a, b)",
    "$cluster",
    "https://user:pw@host/",
    "version: 1\n",
];

#[derive(Debug, Clone)]
enum Mutation {
    Delete(Index, usize),
    Insert(Index, &'static str),
    ReplaceWord(Index, &'static str),
    DuplicateLine(Index),
    SwapLines(Index, Index),
    Indent(Index, bool),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let token = prop::sample::select(TOKENS);
    prop_oneof![
        (any::<Index>(), 1usize..40).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (any::<Index>(), token.clone()).prop_map(|(i, t)| Mutation::Insert(i, t)),
        (any::<Index>(), token).prop_map(|(i, t)| Mutation::ReplaceWord(i, t)),
        any::<Index>().prop_map(Mutation::DuplicateLine),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (any::<Index>(), any::<bool>()).prop_map(|(i, more)| Mutation::Indent(i, more)),
    ]
}

/// The nearest char boundary at or before `i`.
fn floor(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(text: &str, m: &Mutation) -> String {
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_owned).collect();
    match m {
        Mutation::Delete(at, n) => {
            let start = floor(text, at.index(text.len() + 1));
            let end = floor(text, start + n);
            format!("{}{}", &text[..start], &text[end..])
        }
        Mutation::Insert(at, token) => {
            let at = floor(text, at.index(text.len() + 1));
            format!("{}{token}{}", &text[..at], &text[at..])
        }
        Mutation::ReplaceWord(at, token) => {
            // The word (run of non-blank, non-punctuation characters) at `at`.
            let at = floor(text, at.index(text.len() + 1));
            let is_word = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '.');
            let start = text[..at].rfind(|c| !is_word(c)).map_or(0, |i| i + 1);
            let end = text[at..]
                .find(|c| !is_word(c))
                .map_or(text.len(), |i| at + i);
            format!("{}{token}{}", &text[..start], &text[end..])
        }
        Mutation::DuplicateLine(i) => {
            let i = i.index(lines.len());
            let line = lines[i].clone();
            lines.insert(i, line);
            lines.concat()
        }
        Mutation::SwapLines(a, b) => {
            let (a, b) = (a.index(lines.len()), b.index(lines.len()));
            lines.swap(a, b);
            lines.concat()
        }
        Mutation::Indent(i, more) => {
            let i = i.index(lines.len());
            lines[i] = if *more {
                format!("  {}", lines[i])
            } else {
                lines[i].trim_start().to_owned()
            };
            lines.concat()
        }
    }
}

/// Compiles one file in memory; a failure must come with error
/// diagnostics, each with a valid span in the file, and render.
fn check(name: &str, text: &str) -> Result<(), TestCaseError> {
    let mut sources = Sources::default();
    sources.add(name.into(), "mutated".into(), text.to_owned());
    let Err(err) = monocle::compile_sources(sources, &monocle::Inputs::default()) else {
        return Ok(());
    };
    let monocle::CompileError::Spec { sources, diags } = err else {
        return Err(TestCaseError::fail("an I/O error without any I/O"));
    };
    prop_assert!(
        diags.iter().any(monocle::diagnostic::Diagnostic::is_error),
        "failed without an error"
    );
    for d in diags.iter().filter(|d| d.is_error()) {
        let Some(span) = d.span else {
            return Err(TestCaseError::fail(format!("{} has no span", d.code)));
        };
        let text = &sources.get(span.source).text;
        prop_assert!(
            span.start <= span.end
                && span.end <= text.len()
                && text.is_char_boundary(span.start)
                && text.is_char_boundary(span.end),
            "{} has an invalid span {:?} in a {}-byte text",
            d.code,
            span,
            text.len()
        );
    }
    monocle::render::render(&diags, &sources, monocle::render::Format::Human, false);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(common::proptest_cases(40)))]

    #[test]
    fn mutated_fleet_yaml_never_panics(mutations in prop::collection::vec(mutation(), 1..4)) {
        let mut text = std::fs::read_to_string("specs/fleet.yaml").unwrap();
        for m in &mutations {
            text = apply(&text, m);
        }
        check("fleet.yaml", &text)?;
    }

    #[test]
    fn mutated_fleet_kdl_never_panics(mutations in prop::collection::vec(mutation(), 1..4)) {
        let mut text = std::fs::read_to_string("tests/kdl/fleet.kdl").unwrap();
        for m in &mutations {
            text = apply(&text, m);
        }
        check("fleet.kdl", &text)?;
    }
}
