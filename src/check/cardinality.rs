//! Cardinality lints (warnings): a service scraped without `sample_limit`,
//! and queries that aggregate `by` a label the service drops at scrape
//! time (the result collapses into one series, silently).

use crate::diagnostic::codes;
use promql_parser::parser::{Expr, LabelModifier};

use super::{Ctx, Spec};
use crate::diagnostic::Diagnostic;
use crate::source::Span;

pub fn check(spec: &Spec, ctx: &mut Ctx) {
    for service in &spec.services {
        if service.value.sample_limit.is_none() {
            ctx.push(
                Diagnostic::warning(
                    codes::CARDINALITY_NO_SAMPLE_LIMIT,
                    format!("service `{}` has no `sample_limit`", service.value.name),
                )
                .at(service.span(&["name"]))
                .label("one bad deploy can flood Prometheus with series")
                .help("set `sample_limit` a little above the series count it exposes today"),
            );
        }
    }
}

/// Warns when `expr` groups `by` a label that `service` drops at scrape.
pub fn dropped_grouping(ctx: &mut Ctx, spec: &Spec, service: &str, expr: &Expr, span: Span) {
    let Some(item) = spec.services.iter().find(|s| s.value.name == service) else {
        return;
    };
    let dropped = &item.value.drop_labels;
    let mut grouping = Vec::new();
    by_labels(expr, &mut grouping);
    for label in grouping.iter().filter(|l| dropped.contains(l)) {
        ctx.push(
            Diagnostic::warning(
                codes::CARDINALITY_DROPPED_LABEL,
                format!("this query aggregates by `{label}`, which service `{service}` drops at scrape time"),
            )
            .at(span)
            .label(format!("`{label}` is always empty here"))
            .help(format!("remove `{label}` from `by (...)` or from the service's `drop_labels`")),
        );
    }
}

/// Every label named in a `by (...)` clause.
fn by_labels(expr: &Expr, out: &mut Vec<String>) {
    super::promql::walk(expr, &mut |e| {
        if let Expr::Aggregate(a) = e
            && let Some(LabelModifier::Include(labels)) = &a.modifier
        {
            out.extend(labels.labels.iter().cloned());
        }
    });
}
