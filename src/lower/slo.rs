//! SLOs → per-cluster SLO models: defaults (30d window, critical page,
//! warning ticket, `<Name>BudgetBurn`) and latency SLIs turned into
//! error/total queries.

use crate::check::Spec;
use crate::model::PrometheusModel;
use crate::model::rules::SloModel;
use crate::names::upper_camel;
use crate::promql::round;
use crate::source::Span;
use crate::spec::{BurnAlert, LatencySli, SelectorText, Service};
use crate::units::Duration;

use super::burn_rate;
use super::rules::service_shard;

pub const DEFAULT_WINDOW: Duration = Duration::days(30);
/// Severity of the fast-burn (page) alert unless the SLO names one.
pub const DEFAULT_PAGE_SEVERITY: &str = "critical";
/// Severity of the slow-burn (ticket) alert unless the SLO names one.
pub const DEFAULT_TICKET_SEVERITY: &str = "warning";

pub fn lower(
    spec: &Spec,
    services: &[&Service],
    selected: &impl Fn(&Option<SelectorText>) -> bool,
    prometheus: &PrometheusModel,
    origin: &impl Fn(Span) -> String,
) -> Vec<SloModel> {
    let by_name: std::collections::HashMap<&str, &Service> =
        services.iter().map(|s| (s.name.as_str(), *s)).collect();
    let mut slos: Vec<SloModel> = spec
        .slos
        .iter()
        .filter(|s| selected(&s.value.clusters))
        .filter_map(|item| {
            let s = &item.value;
            let service = *by_name.get(s.service.as_str())?;
            let window = s.window.clone().unwrap_or_else(|| DEFAULT_WINDOW.into());
            let window_length = *window.value();
            let (errors, total) = match &s.sli.latency {
                Some(latency) => latency_queries(latency),
                None => (
                    s.sli.errors.clone().unwrap_or_default(),
                    s.sli.total.clone().unwrap_or_default(),
                ),
            };
            let alerting = s.alerting.clone().unwrap_or_default();
            let severity = |alert: &Option<BurnAlert>, default: &str| match alert {
                Some(BurnAlert::Enabled(false)) => None,
                Some(BurnAlert::Settings(settings)) => Some(
                    settings
                        .severity
                        .clone()
                        .unwrap_or_else(|| default.to_owned()),
                ),
                _ => Some(default.to_owned()),
            };
            Some(SloModel {
                service: service.name.clone(),
                team: service.team.clone(),
                shard: service_shard(service, prometheus),
                namespace: prometheus.namespace.clone(),
                origin: origin(item.node.span),
                object_labels: prometheus.rule_labels.clone(),
                name: s.name.clone(),
                objective: s.objective,
                window,
                error_budget: round((100.0 - s.objective) / 100.0),
                description: s.description.clone(),
                errors,
                total,
                alert_name: alert_name(s),
                page: burn_rate::page(
                    window_length,
                    severity(&alerting.page, DEFAULT_PAGE_SEVERITY),
                ),
                ticket: burn_rate::ticket(
                    window_length,
                    severity(&alerting.ticket, DEFAULT_TICKET_SEVERITY),
                ),
                min_events: alerting.min_events,
            })
        })
        .collect();
    slos.sort_by(|a, b| (&a.service, &a.name).cmp(&(&b.service, &b.name)));
    slos
}

/// Requests slower than the threshold are errors: all requests minus those
/// in the `le = threshold` bucket.
pub fn latency_queries(latency: &LatencySli) -> (String, String) {
    let selector = latency.selector.as_deref().unwrap_or("").trim();
    let le = le_value(latency.threshold.value().as_secs_f64());
    let with = |extra: &str| match (selector.is_empty(), extra.is_empty()) {
        (true, true) => String::new(),
        (true, false) => format!("{{{extra}}}"),
        (false, true) => format!("{{{selector}}}"),
        (false, false) => format!("{{{selector}, {extra}}}"),
    };
    let metric = &latency.metric;
    let total = format!("sum(rate({metric}_count{}[{{{{window}}}}]))", with(""));
    let good = format!("sum(rate({metric}_bucket{}[{{{{window}}}}]))", with(&le));
    (format!("({total} - {good})"), total)
}

/// The `le` matcher of a bucket boundary. Exporters write whole numbers as
/// `1` or `1.0` (Prometheus 3 normalises to the latter), so both match.
fn le_value(seconds: f64) -> String {
    if seconds.fract() == 0.0 {
        format!("le=~\"{seconds}|{seconds}\\\\.0\"")
    } else {
        format!("le=\"{seconds}\"")
    }
}

/// The name of an SLO's burn-rate alerts: `alerting.name`, or the SLO's
/// name in UpperCamelCase + `BudgetBurn` (check refuses two SLOs whose
/// alerts would be named alike).
pub fn alert_name(slo: &crate::spec::Slo) -> String {
    slo.alerting
        .as_ref()
        .and_then(|a| a.name.clone())
        .unwrap_or_else(|| format!("{}BudgetBurn", upper_camel(&slo.name)))
}
