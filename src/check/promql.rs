//! PromQL expressions, parsed at compile time so a typo fails the build
//! instead of silently dropping a rule. promql-parser reports no positions,
//! so the whole expression is underlined.

use super::{Ctx, Spec};
use crate::diagnostic::Diagnostic;
use crate::source::Span;

pub fn check(spec: &Spec, ctx: &mut Ctx) {
    for alert in &spec.alerts {
        expr(ctx, &alert.value.expr, alert.span(&["expr"]));
    }
    for slo in &spec.slos {
        for field in ["errors", "total"] {
            let value = match field {
                "errors" => &slo.value.sli.errors,
                _ => &slo.value.sli.total,
            };
            let Some(text) = value else { continue };
            let span = slo.span(&["sli", field]);
            if !text.contains("{{window}}") {
                ctx.push(
                    Diagnostic::error("monocle::slo::missing_window", format!("the `{field}` query has no `{{{{window}}}}` placeholder"))
                        .at(span)
                        .label("range is fixed")
                        .help("write the range as `[{{window}}]`, e.g. `sum(rate(requests_total[{{window}}]))`; monocle fills in 5m ... 30d"),
                );
                continue;
            }
            expr(ctx, &text.replace("{{window}}", "5m"), span);
        }
    }
}

fn expr(ctx: &mut Ctx, text: &str, span: Span) {
    if let Err(message) = promql_parser::parser::parse(text) {
        let first = message
            .lines()
            .next()
            .unwrap_or("invalid expression")
            .trim()
            .to_owned();
        ctx.push(
            Diagnostic::error(
                "monocle::promql::invalid",
                format!("invalid PromQL: {first}"),
            )
            .at(span)
            .label("this expression does not parse"),
        );
    }
}
