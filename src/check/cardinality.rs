//! Cardinality lints (warnings): a service scraped without `sample_limit`,
//! and queries that aggregate `by` a label the service drops at scrape
//! time (the result collapses into one series, silently).

use crate::diagnostic::codes;
use promql_parser::parser::{Expr, LabelModifier};

use std::collections::BTreeSet;

use super::owners::Owners;
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

/// Warns when `expr`, a query of `service` (empty for a rule without
/// one), groups `by` a label that every series it aggregates loses at
/// scrape: each selector inside reads a service that drops it (see
/// `owners`; a selector whose services are not known keeps the label
/// possible).
pub fn dropped_grouping(ctx: &mut Ctx, owners: &Owners, service: &str, expr: &Expr, span: Span) {
    let mut warned = BTreeSet::new();
    super::promql::walk(expr, &mut |e| {
        let Expr::Aggregate(a) = e else { return };
        let Some(LabelModifier::Include(labels)) = &a.modifier else {
            return;
        };
        let selectors = super::owners::selectors(&a.expr);
        let read: Option<Vec<_>> = selectors
            .iter()
            .map(|v| owners.of_selector(v, service))
            .collect();
        let Some(read) = read.filter(|r| !r.is_empty()) else {
            return;
        };
        for label in &labels.labels {
            let dropped = read
                .iter()
                .all(|o| o.services.iter().all(|s| s.drop_labels.contains(label)));
            if !dropped || !warned.insert(label.clone()) {
                continue;
            }
            let mut named: Vec<String> = Vec::new();
            for o in &read {
                let d = o.describe();
                if !named.contains(&d) {
                    named.push(d);
                }
            }
            let named = named.join(", ");
            ctx.push(
                Diagnostic::warning(
                    codes::CARDINALITY_DROPPED_LABEL,
                    format!("this query aggregates by `{label}`, which service {named} drops at scrape time"),
                )
                .at(span)
                .label(format!("`{label}` is always empty here"))
                .help(format!("remove `{label}` from `by (...)` or from the service's `drop_labels`")),
            );
        }
    });
}
