//! Regular expressions written in the spec: scrape-time `drop_metrics` here,
//! Alloy log regexes in `alloy.rs` (with [`compile`]). Prometheus and Alloy
//! use RE2; the `regex` crate accepts the same syntax (no backreferences,
//! no look-around), so a pattern it rejects would be rejected at runtime
//! too.

use crate::diagnostic::codes;
use regex::Regex;

use super::{Ctx, Spec};
use crate::diagnostic::Diagnostic;
use crate::source::Span;

pub fn check(spec: &Spec, ctx: &mut Ctx) {
    for service in &spec.services {
        for (i, pattern) in service.value.drop_metrics.iter().enumerate() {
            let span = service.span(&["drop_metrics", &i.to_string()]);
            if compile(ctx, pattern, span).is_some() {
                re2(ctx, pattern, span);
            }
        }
    }
}

/// Compiles a pattern as RE2 would, reporting the parser's explanation.
pub(super) fn compile(ctx: &mut Ctx, pattern: &str, span: Span) -> Option<Regex> {
    match Regex::new(pattern) {
        Ok(re) => Some(re),
        Err(err) => {
            let text = err.to_string();
            let reason = text
                .lines()
                .rev()
                .find_map(|l| l.trim().strip_prefix("error: "))
                .unwrap_or("invalid regular expression")
                .to_owned();
            ctx.push(
                Diagnostic::error(
                    codes::REGEX_INVALID,
                    format!("invalid regular expression: {reason}"),
                )
                .at(span)
                .label("does not compile"),
            );
            None
        }
    }
}

/// Reports syntax the `regex` crate accepts but RE2 (Prometheus,
/// Alertmanager) refuses; `pattern` must already compile.
pub(super) fn re2(ctx: &mut Ctx, pattern: &str, span: Span) {
    report(ctx, pattern, span, super::alloy::re2_problem(pattern));
}

/// For RE2 text (PromQL and routing matchers, which monocle translates for
/// `regex` rather than reading as Rust syntax): what Go's RE2 refuses that
/// the translation lets through, `(?<name>` and repeat counts over 1000.
pub(super) fn re2_text(ctx: &mut Ctx, pattern: &str, span: Span) {
    report(ctx, pattern, span, re2_text_problem(pattern));
}

fn re2_text_problem(pattern: &str) -> Option<String> {
    let bytes = pattern.as_bytes();
    let (mut i, mut in_class) = (0, false);
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'[' if !in_class => {
                in_class = true;
                // `[]` and `[^]` start with a literal `]`.
                if bytes.get(i + 1) == Some(&b'^') {
                    i += 1;
                }
                if bytes.get(i + 1) == Some(&b']') {
                    i += 1;
                }
            }
            b']' if in_class => in_class = false,
            b'(' if !in_class
                && pattern[i..].starts_with("(?<")
                && !pattern[i..].starts_with("(?<=")
                && !pattern[i..].starts_with("(?<!") =>
            {
                return Some(
                    "the group syntax `(?<name>...)`, which older RE2 (Go before 1.22) refuses"
                        .to_owned(),
                );
            }
            b'{' if !in_class => {
                let inner: String = pattern[i + 1..].chars().take_while(|&c| c != '}').collect();
                if let Some(problem) = repeat_count_problem(&inner) {
                    return Some(problem);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// RE2 refuses repeat counts over 1000; `inner` is what stands between `{`
/// and `}` (which is a plain brace, not a repeat, unless it is `n`, `n,` or `n,m`).
pub(super) fn repeat_count_problem(inner: &str) -> Option<String> {
    let counts: Vec<&str> = inner.split(',').collect();
    let is_repeat = counts.len() <= 2
        && !counts[0].trim().is_empty()
        && counts
            .iter()
            .all(|n| n.trim().chars().all(|c| c.is_ascii_digit()));
    let too_many = counts
        .iter()
        .any(|n| n.trim().parse::<u64>().is_ok_and(|n| n > 1000));
    (is_repeat && too_many).then(|| format!("a repeat count over 1000 (`{{{inner}}}`)"))
}

fn report(ctx: &mut Ctx, pattern: &str, span: Span, problem: Option<String>) {
    if let Some(problem) = problem {
        ctx.push(
            Diagnostic::error(
                codes::REGEX_NOT_RE2,
                format!("`{pattern}` is not RE2, Prometheus' regex engine: it uses {problem}"),
            )
            .at(span)
            .label("not RE2")
            .help("Prometheus and Alertmanager use Go's RE2: no look-around, backreferences or repeat counts over 1000; name groups `(?P<name>...)`"),
        );
    }
}
