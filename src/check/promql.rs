//! PromQL expressions, parsed at compile time so a typo fails the build
//! instead of silently dropping a rule. promql-parser reports no positions,
//! so the whole expression is underlined.

use std::collections::BTreeSet;

use super::{Ctx, Spec};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::codes;
use crate::source::Span;
use promql_parser::parser::Expr;
use promql_parser::parser::value::ValueType;

pub fn check(spec: &Spec, ctx: &mut Ctx) {
    let owners = super::owners::Owners::of(spec);
    latency(ctx, spec, &owners);
    let records = Records::of(spec);
    ctx.each_parallel(&spec.alerts, |ctx, alert| {
        let span = alert.span(&["expr"]);
        if let Some(parsed) = expr(ctx, &alert.value.expr, span) {
            re2_matchers(ctx, &parsed, span);
            // Prometheus takes the rule but an alert fires once per series
            // of an instant vector: any other result never fires.
            let kind = match parsed.value_type() {
                ValueType::Vector => None,
                ValueType::Scalar => Some("a scalar"),
                ValueType::Matrix => Some("a range vector"),
                ValueType::String => Some("a string"),
            };
            if let Some(kind) = kind {
                ctx.push(
                    Diagnostic::error(codes::PROMQL_ALERT_NOT_A_VECTOR, format!("this alert expression is {kind}, so the alert can never fire"))
                        .at(span)
                        .label(format!("{kind}, not an instant vector"))
                        .help("an alert fires for each series of an instant vector: compare series, e.g. `rate(x[5m]) > 0`, or wrap a scalar in `vector(...)`"),
                );
            }
            undefined_records(ctx, &records, &parsed, span, |_| true);
            let service = alert.value.service.as_deref().unwrap_or_default();
            super::cardinality::dropped_grouping(ctx, &owners, service, &parsed, span);
            super::templates::labels(ctx, spec, alert, &parsed);
            super::operator_labels::check(ctx, &owners, service, &parsed, span);
        }
    });
    ctx.each_parallel(&spec.records, |ctx, record| {
        let span = record.span(&["expr"]);
        if let Some(parsed) = expr(ctx, &record.value.expr, span) {
            re2_matchers(ctx, &parsed, span);
            undefined_records(ctx, &records, &parsed, span, |_| true);
            let service = record.value.service.as_deref().unwrap_or_default();
            super::cardinality::dropped_grouping(ctx, &owners, service, &parsed, span);
            super::operator_labels::check(ctx, &owners, service, &parsed, span);
        }
    });
    ctx.each_parallel(&spec.slos, |ctx, slo| {
        let sli = &slo.value.sli;
        for (field, value) in [
            ("errors", &sli.errors),
            ("total", &sli.total),
            ("raw", &sli.raw),
        ] {
            let Some(text) = value else { continue };
            let span = slo.span(&["sli", field]);
            let (window, sloth_window) =
                (crate::model::rules::WINDOW, crate::lower::slo::SLOTH_WINDOW);
            if !text.contains(window) && !text.contains(sloth_window) {
                ctx.push(
                    Diagnostic::error(codes::SLO_MISSING_WINDOW, format!("the `{field}` query has no `{{{{window}}}}` placeholder"))
                        .at(span)
                        .label("range is fixed")
                        .help("write the range as `[{{window}}]` (or Sloth's `[{{.window}}]`), e.g. `sum(rate(requests_total[{{window}}]))`; monocle fills in 5m ... 30d"),
                );
                continue;
            }
            let sample = text.replace(window, "5m").replace(sloth_window, "5m");
            if let Some(parsed) = expr(ctx, &sample, span) {
                re2_matchers(ctx, &parsed, span);
                super::cardinality::dropped_grouping(
                    ctx,
                    &owners,
                    &slo.value.service,
                    &parsed,
                    span,
                );
                super::operator_labels::check(ctx, &owners, &slo.value.service, &parsed, span);
            }
        }
    });
}

/// A latency SLI's metric and selector become `<metric>_count{<selector>}`.
fn latency(ctx: &mut Ctx, spec: &Spec, owners: &super::owners::Owners) {
    for slo in &spec.slos {
        let Some(latency) = &slo.value.sli.latency else {
            continue;
        };
        if let Err(e) = crate::names::check_alert_name(&latency.metric) {
            ctx.value_error(
                codes::PROMQL_INVALID_METRIC,
                slo.span(&["sli", "latency", "metric"]),
                e,
            );
            continue;
        }
        if let Some(selector) = &latency.selector {
            let query = format!("{}_count{{{selector}}}", latency.metric);
            // The text lands inside `{...}` of generated queries: it must be
            // matchers and nothing else (`a="b"} or vector(1) or x{c="d"`
            // parses too, as a different query).
            let parsed = crate::promql::parse(&query).and_then(|e| match e {
                Expr::VectorSelector(_) => Ok(e),
                _ => Err("not only label matchers".to_owned()),
            });
            if let Ok(parsed) = &parsed {
                let span = slo.span(&["sli", "latency", "selector"]);
                super::operator_labels::check(ctx, owners, &slo.value.service, parsed, span);
            }
            if parsed.is_err() {
                ctx.push(
                    Diagnostic::error(codes::PROMQL_INVALID_SELECTOR, format!("`{selector}` is not a list of PromQL label matchers"))
                        .at(slo.span(&["sli", "latency", "selector"]))
                        .label("does not parse as matchers")
                        .help("write matchers as in `{...}`, e.g. `endpoint!=\"/healthz\", method=\"GET\"`"),
                );
            }
        }
    }
}

/// Parses one expression, reporting it when it does not parse.
pub fn expr(ctx: &mut Ctx, text: &str, span: Span) -> Option<Expr> {
    if let Err(message) = crate::promql::check_limits(text) {
        ctx.push(
            Diagnostic::error(codes::PROMQL_TOO_LARGE, message)
                .at(span)
                .label("too large to parse safely")
                .help("split the expression into recording rules; see \"Limits\" in the README"),
        );
        return None;
    }
    match crate::promql::parse(text) {
        Ok(expr) => Some(expr),
        Err(message) => {
            let first = message
                .lines()
                .next()
                .unwrap_or("invalid expression")
                .trim()
                .to_owned();
            ctx.push(
                Diagnostic::error(codes::PROMQL_INVALID, format!("invalid PromQL: {first}"))
                    .at(span)
                    .label("this expression does not parse"),
            );
            None
        }
    }
}

/// Every `=~`/`!~` matcher's regex must be RE2, as Prometheus reads it.
pub(super) fn re2_matchers(ctx: &mut Ctx, parsed: &Expr, span: Span) {
    use promql_parser::label::MatchOp;
    let mut matchers = Vec::new();
    super::operator_labels::selector_matchers(parsed, &mut matchers);
    for m in matchers {
        if matches!(m.op, MatchOp::Re(_) | MatchOp::NotRe(_)) {
            super::regexes::re2_text(ctx, &m.value, span);
        }
    }
}

/// The recording rules of a spec: its `records`, and those its SLOs write.
pub(super) struct Records<'a> {
    defined: BTreeSet<&'a str>,
    slos: bool,
}

impl<'a> Records<'a> {
    pub(super) fn of(spec: &'a Spec) -> Self {
        Records {
            defined: spec
                .records
                .iter()
                .map(|r| r.value.record.as_str())
                .collect(),
            slos: !spec.slos.is_empty(),
        }
    }

    fn defines(&self, name: &str) -> bool {
        self.defined.contains(name) || (self.slos && crate::lower::slo::writes_record(name))
    }
}

/// Series named like recording rules (`job:up:sum`, with a colon) that no
/// `records` entry defines: the rule would read nothing. Metrics without a
/// colon come from exporters, which the spec cannot know. Only names for
/// which `written` holds are reported (a dashboard's query has its
/// variables replaced, so a name made of one is not the spec's).
pub(super) fn undefined_records(
    ctx: &mut Ctx,
    records: &Records,
    parsed: &Expr,
    span: Span,
    written: impl Fn(&str) -> bool,
) {
    let mut missing = BTreeSet::new();
    walk(parsed, &mut |e| {
        let selector = match e {
            Expr::VectorSelector(v) => v,
            Expr::MatrixSelector(m) => &m.vs,
            _ => return,
        };
        if let Some(name) = &selector.name
            && name.contains(':')
            && !records.defines(name)
            && written(name)
        {
            missing.insert(name.clone());
        }
    });
    for name in missing {
        ctx.push(
            Diagnostic::warning(
                codes::RULES_UNDEFINED_RECORD,
                format!("`{name}` looks like a recording rule, but no `records` entry defines it"),
            )
            .at(span)
            .label("read here")
            .help(format!(
                "add `records: [{{record: {name}, expr: ...}}]`, or check the name for a typo"
            )),
        );
    }
}

/// Calls `visit` on `expr` and on every expression inside it, outermost
/// first: the one walk the PromQL lints share.
pub(super) fn walk<'e>(expr: &'e Expr, visit: &mut impl FnMut(&'e Expr)) {
    visit(expr);
    match expr {
        Expr::Aggregate(a) => {
            walk(&a.expr, visit);
            if let Some(param) = &a.param {
                walk(param, visit);
            }
        }
        Expr::Unary(u) => walk(&u.expr, visit),
        Expr::Binary(b) => {
            walk(&b.lhs, visit);
            walk(&b.rhs, visit);
        }
        Expr::Paren(p) => walk(&p.expr, visit),
        Expr::Subquery(s) => walk(&s.expr, visit),
        Expr::Call(c) => {
            for arg in &c.args.args {
                walk(arg, visit);
            }
        }
        Expr::VectorSelector(_)
        | Expr::MatrixSelector(_)
        | Expr::NumberLiteral(_)
        | Expr::StringLiteral(_)
        | Expr::Extension(_) => {}
    }
}
