//! Labels the Prometheus Operator sets on every series it scrapes through a
//! monitor: `endpoint` (the port's name) and `namespace` (the target's)
//! among them. An application's own label of the same name is renamed
//! `exported_<name>` unless the endpoint sets `honor_labels`, so a query of
//! the service that selects on the application's value selects nothing.

use crate::diagnostic::codes;
use promql_parser::label::{MatchOp, Matcher};
use promql_parser::parser::Expr;

use super::Ctx;
use super::owners::Owners;
use crate::diagnostic::Diagnostic;
use crate::source::Span;
use crate::spec::Service;

/// Warns when a selector of `expr`, a query of `service` (empty for a rule
/// without one), selects on `endpoint` or `namespace` with a value the
/// operator never sets on the series it reads (see `owners`).
pub fn check(ctx: &mut Ctx, owners: &Owners, service: &str, expr: &Expr, span: Span) {
    for selector in super::owners::selectors(expr) {
        let Some(owner) = owners.of_selector(selector, service) else {
            continue;
        };
        if owner
            .services
            .iter()
            .any(|s| s.endpoints.iter().any(|e| e.honor_labels == Some(true)))
        {
            continue;
        }
        for m in &selector.matchers.matchers {
            let mut values: Vec<String> = Vec::new();
            for s in &owner.services {
                for v in operator_values(s, &m.name).unwrap_or_default() {
                    if !values.contains(&v) {
                        values.push(v);
                    }
                }
            }
            if values.is_empty() || matches_any(m, &values) {
                continue;
            }
            let shown = values
                .iter()
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(", ");
            ctx.push(
                Diagnostic::warning(
                    codes::PROMQL_OPERATOR_LABEL,
                    format!(
                        "`{}` is set by the Prometheus Operator to {shown} on service {}, so `{m}` selects nothing",
                        m.name,
                        owner.describe()
                    ),
                )
                .at(span)
                .label(format!("`{}` is not the application's label here", m.name))
                .help(format!(
                    "the application's own `{0}` is stored as `exported_{0}`: select on `exported_{0}`, or set `honor_labels: true` on the service's endpoint",
                    m.name
                )),
            );
        }
    }
}

/// The values the operator gives `label` on the service's series, when
/// monocle knows them.
fn operator_values(s: &Service, label: &str) -> Option<Vec<String>> {
    match label {
        "endpoint" => Some(s.endpoints.iter().map(|e| e.port.clone()).collect()),
        "namespace" => Some(vec![s.namespace.clone()]),
        _ => None,
    }
}

/// Whether a positive matcher can select one of `values`. Negative
/// matchers (`!=`, `!~`) keep every operator value they do not name, so
/// they are left alone.
fn matches_any(m: &Matcher, values: &[String]) -> bool {
    match &m.op {
        MatchOp::Equal => values.contains(&m.value),
        // The parser compiled the anchored pattern already.
        MatchOp::Re(re) => values.iter().any(|v| re.is_match(v)),
        MatchOp::NotEqual | MatchOp::NotRe(_) => true,
    }
}

pub(super) fn selector_matchers<'e>(expr: &'e Expr, out: &mut Vec<&'e Matcher>) {
    super::promql::walk(expr, &mut |e| match e {
        Expr::VectorSelector(v) => out.extend(&v.matchers.matchers),
        Expr::MatrixSelector(m) => out.extend(&m.vs.matchers.matchers),
        _ => {}
    });
}
