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
    if let Some(problem) = super::alloy::re2_problem(pattern) {
        ctx.push(
            Diagnostic::error(
                codes::REGEX_NOT_RE2,
                format!("`{pattern}` uses {problem}, which RE2 (Prometheus' regex engine) does not accept"),
            )
            .at(span)
            .label("not RE2")
            .help("Prometheus and Alertmanager use Go's RE2: no look-around, backreferences or repeat counts over 1000"),
        );
    }
}
