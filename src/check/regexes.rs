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
            compile(
                ctx,
                pattern,
                service.span(&["drop_metrics", &i.to_string()]),
            );
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
