//! Alerting and recording rules as a whole: severities against the spec's
//! `severities`.

use crate::diagnostic::codes;
use std::collections::BTreeMap;

use super::{Ctx, Spec};
use crate::diagnostic::Diagnostic;
use crate::lower::rules::severities;
use crate::names::did_you_mean;
use crate::source::Span;
use crate::spec::BurnAlert;

pub fn check(spec: &Spec, ctx: &mut Ctx) {
    severity_list(spec, ctx);
    let known = severities(spec);
    let known: Vec<&str> = known.iter().map(String::as_str).collect();
    for alert in &spec.alerts {
        severity(
            ctx,
            &known,
            &alert.value.severity,
            alert.span(&["severity"]),
            None,
        );
    }
    for slo in &spec.slos {
        let alerting = slo.value.alerting.clone().unwrap_or_default();
        for (which, alert, default) in [
            (
                "page",
                &alerting.page,
                crate::lower::slo::DEFAULT_PAGE_SEVERITY,
            ),
            (
                "ticket",
                &alerting.ticket,
                crate::lower::slo::DEFAULT_TICKET_SEVERITY,
            ),
        ] {
            match alert {
                Some(BurnAlert::Enabled(false)) => {}
                Some(BurnAlert::Settings(settings)) if settings.severity.is_some() => {
                    let value = settings.severity.as_deref().unwrap_or_default();
                    let span = slo.span(&["alerting", which, "severity"]);
                    severity(ctx, &known, value, span, None);
                }
                _ => {
                    let span = slo.span(&["alerting", which]);
                    let span = if alert.is_some() {
                        span
                    } else {
                        slo.span(&["name"])
                    };
                    severity(ctx, &known, default, span, Some(which));
                }
            }
        }
    }
}

/// `severities` entries: non-empty (Prometheus drops an empty label) and
/// each once.
fn severity_list(spec: &Spec, ctx: &mut Ctx) {
    let Some(item) = &spec.severities else { return };
    let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
    for (i, name) in item.value.iter().enumerate() {
        let span = item.span(&[&i.to_string()]);
        if name.trim().is_empty() {
            ctx.push(
                Diagnostic::error(codes::NAMES_EMPTY_NAME, "a severity must not be empty")
                    .at(span)
                    .help("Prometheus drops an empty label, so the alert would have no `severity`"),
            );
        } else if let Some(first) = seen.insert(name, span) {
            ctx.push(
                Diagnostic::error(
                    codes::NAMES_DUPLICATE,
                    format!("duplicate severity `{name}`"),
                )
                .at(span)
                .label("listed again here")
                .related(first, "first listed here")
                .help("list each severity once"),
            );
        }
    }
}

/// An error unless `value` is one of the spec's severities. `default_of`
/// names the SLO alert (`page`, `ticket`) whose default severity it is.
fn severity(ctx: &mut Ctx, known: &[&str], value: &str, span: Span, default_of: Option<&str>) {
    if known.contains(&value) {
        return;
    }
    let listed = known
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let diag = if let Some(which) = default_of {
        Diagnostic::error(
            codes::ALERTS_UNKNOWN_SEVERITY,
            format!("this SLO's {which} alert has the default severity `{value}`, which is not one of `severities`"),
        )
        .at(span)
        .label(format!("{which} alert with severity `{value}`"))
        .help(format!(
            "set `alerting: {{{which}: {{severity: ...}}}}` to one of {listed}, or add `{value}` to `severities`"
        ))
    } else {
        let help = match did_you_mean(value, known.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!(
                "the spec's severities are {listed}; add `{value}` to `severities` to use it"
            ),
        };
        Diagnostic::error(
            codes::ALERTS_UNKNOWN_SEVERITY,
            format!("unknown severity `{value}`"),
        )
        .at(span)
        .label("not one of `severities`")
        .help(help)
    };
    ctx.push(diag);
}
