//! Regular expressions written in the spec (scrape-time `drop_metrics`, Alloy
//! log regexes). Prometheus and Alloy use RE2; the `regex` crate accepts the
//! same syntax (no backreferences, no look-around), so a pattern it rejects
//! would be rejected at runtime too.

use regex::Regex;

use super::{Ctx, Spec};
use crate::diagnostic::Diagnostic;
use crate::source::Span;
use crate::spec::{AlloyScrape, LogFormat};

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
    let Some(alloy) = &spec.alloy else { return };
    let a = &alloy.value;
    if a.scrape == Some(AlloyScrape::Servicemonitors) && a.metrics_url.is_none() {
        ctx.push(
            Diagnostic::error(
                "monocle::alloy::missing_metrics_url",
                "`scrape: servicemonitors` needs a `metrics_url` to remote-write to",
            )
            .at(alloy.span(&["scrape"]))
            .help("add `metrics_url: http://<prometheus>/api/v1/write`"),
        );
    }
    if !a.logs.is_empty() && a.loki_url.is_none() {
        ctx.push(
            Diagnostic::error(
                "monocle::alloy::missing_loki_url",
                "log pipelines need a `loki_url` to push to",
            )
            .at(alloy.span(&["logs"]))
            .help("add `loki_url: http://<loki>/loki/api/v1/push`"),
        );
    }
    for (i, log) in a.logs.iter().enumerate() {
        let i = i.to_string();
        match (&log.format, &log.regex) {
            (LogFormat::Regex, None) => ctx.push(
                Diagnostic::error(
                    "monocle::alloy::missing_regex",
                    format!(
                        "log pipeline `{}` has `format: regex` but no `regex`",
                        log.name
                    ),
                )
                .at(alloy.span(&["logs", &i, "format"]))
                .help("add `regex:` with named groups, e.g. `^(?P<level>\\w+) (?P<msg>.*)$`"),
            ),
            (LogFormat::Regex, Some(pattern)) => {
                let span = alloy.span(&["logs", &i, "regex"]);
                if let Some(re) = compile(ctx, pattern, span)
                    && re.capture_names().flatten().next().is_none()
                {
                    ctx.push(
                        Diagnostic::error(
                            "monocle::alloy::regex_without_groups",
                            "a log regex needs named groups to extract fields",
                        )
                        .at(span)
                        .help("name the parts you want, e.g. `(?P<level>\\w+)`"),
                    );
                }
            }
            (_, Some(_)) => ctx.push(
                Diagnostic::error(
                    "monocle::alloy::unused_regex",
                    format!(
                        "`regex` is only used with `format: regex`, not `{}`",
                        format_name(log.format)
                    ),
                )
                .at(alloy.span(&["logs", &i, "regex"]))
                .help("remove `regex` or set `format: regex`"),
            ),
            _ => {}
        }
    }
}

fn format_name(format: LogFormat) -> &'static str {
    match format {
        LogFormat::Json => "json",
        LogFormat::Logfmt => "logfmt",
        LogFormat::Gin => "gin",
        LogFormat::Regex => "regex",
    }
}

/// Compiles a pattern as RE2 would, reporting the parser's explanation.
fn compile(ctx: &mut Ctx, pattern: &str, span: Span) -> Option<Regex> {
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
                    "monocle::regex::invalid",
                    format!("invalid regular expression: {reason}"),
                )
                .at(span)
                .label("does not compile"),
            );
            None
        }
    }
}
