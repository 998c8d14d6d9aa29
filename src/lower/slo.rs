//! SLOs → per-cluster SLO models: defaults (30d window, critical page,
//! warning ticket, `<Name>BudgetBurn`) and latency SLIs turned into
//! error/total queries.

use std::collections::BTreeMap;

use crate::check::Spec;
use crate::model::PrometheusModel;
use crate::model::rules::{AnnotationModel, BurnAlertModel, SliModel, SloModel, WINDOW};
use crate::names::upper_camel;
use crate::promql::round;
use crate::source::Span;
use crate::spec::{
    BurnAlert, BurnAlertSettings, LatencySli, SelectorText, Service, Sli, Slo, SloAlerting,
    SloWindows,
};
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
    let slo_windows: Vec<&SloWindows> = spec.slo_windows.iter().map(|w| &w.value).collect();
    let mut slos: Vec<SloModel> = spec
        .slos
        .iter()
        .filter(|s| selected(&s.value.clusters))
        .filter_map(|item| {
            let s = &item.value;
            let service = *by_name.get(s.service.as_str())?;
            let window = s.window.clone().unwrap_or_else(|| DEFAULT_WINDOW.into());
            let window_length = *window.value();
            let policy = burn_rate::policy(&slo_windows, window_length);
            let alerting = s.alerting.clone().unwrap_or_default();
            let alert = |kind: &str, alert: &Option<BurnAlert>, conditions, default: &str| {
                let settings = match alert {
                    Some(BurnAlert::Settings(settings)) => settings.clone(),
                    _ => BurnAlertSettings::default(),
                };
                let severity = match alert {
                    Some(BurnAlert::Enabled(false)) => None,
                    _ => Some(
                        settings
                            .severity
                            .clone()
                            .unwrap_or_else(|| default.to_owned()),
                    ),
                };
                let mut labels = BTreeMap::from([
                    ("service".to_owned(), service.name.clone()),
                    ("slo".to_owned(), s.name.clone()),
                    ("sloth_severity".to_owned(), kind.to_owned()),
                    ("team".to_owned(), service.team.clone()),
                ]);
                // Check refuses a spec label that would change one of these.
                labels.extend(s.labels.clone());
                labels.extend(alerting.labels.clone());
                labels.extend(settings.labels.clone());
                if let Some(severity) = &severity {
                    labels.insert("severity".to_owned(), severity.clone());
                }
                BurnAlertModel {
                    severity,
                    conditions: burn_rate::scaled(conditions, window_length),
                    labels,
                    annotations: annotations(s, kind, &alerting, &settings),
                }
            };
            Some(SloModel {
                service: service.name.clone(),
                team: service.team.clone(),
                shard: service_shard(service, prometheus),
                namespace: prometheus.namespace.clone(),
                origin: origin(item.node.span),
                object_labels: prometheus.rule_labels.clone(),
                name: s.name.clone(),
                id: id(&s.service, &s.name),
                file_id: crate::names::object_name(&id(&s.service, &s.name)),
                objective: s.objective,
                window,
                error_budget: round((100.0 - s.objective) / 100.0),
                description: s.description.clone(),
                labels: s.labels.clone(),
                sli: sli(&s.sli),
                sli_windows: burn_rate::sli_windows(&policy, window_length),
                alert_name: alert_name(s),
                page: alert("page", &alerting.page, &policy.page, DEFAULT_PAGE_SEVERITY),
                ticket: alert(
                    "ticket",
                    &alerting.ticket,
                    &policy.ticket,
                    DEFAULT_TICKET_SEVERITY,
                ),
                min_events: alerting.min_events,
            })
        })
        .collect();
    slos.sort_by(|a, b| (&a.service, &a.name).cmp(&(&b.service, &b.name)));
    slos
}

/// Sloth's `sloth_id` of an SLO.
pub fn id(service: &str, slo: &str) -> String {
    format!("{service}-{slo}")
}

/// Whether an SLO writes a recording rule of this name (Sloth's names:
/// `slo:sli_error:ratio_rate<window>` for each window its SLI and alerts
/// read, and the per-SLO metadata); what `emit::slo` writes.
pub fn writes_record(name: &str) -> bool {
    const META: &[&str] = &[
        "slo:objective:ratio",
        "slo:error_budget:ratio",
        "slo:time_period:days",
        "slo:current_burn_rate:ratio",
        "slo:period_burn_rate:ratio",
        "slo:period_error_budget_remaining:ratio",
        "sloth_slo_info",
    ];
    META.contains(&name)
        || name
            .strip_prefix("slo:sli_error:ratio_rate")
            .is_some_and(|w| {
                w.starts_with(|c: char| c.is_ascii_digit())
                    && w.chars().all(|c| c.is_ascii_alphanumeric())
            })
}

/// The SLI as templates over `{{window}}`; `{{.window}}` (Sloth's
/// spelling) is the same placeholder.
fn sli(sli: &Sli) -> SliModel {
    let window = |q: &Option<String>| {
        q.as_deref()
            .unwrap_or_default()
            .replace(SLOTH_WINDOW, WINDOW)
    };
    match (&sli.latency, &sli.raw) {
        (Some(latency), _) => {
            let (errors, total) = latency_queries(latency);
            SliModel::Events { errors, total }
        }
        (None, Some(_)) => SliModel::Raw {
            error_ratio: window(&sli.raw),
        },
        (None, None) => SliModel::Events {
            errors: window(&sli.errors),
            total: window(&sli.total),
        },
    }
}

/// Sloth's spelling of the window placeholder.
pub const SLOTH_WINDOW: &str = "{{.window}}";

/// Go template text that renders as `s` exactly: every `{{` becomes an
/// action printing it.
fn template_literal(s: &str) -> String {
    s.replace("{{", r#"{{ "{{" }}"#)
}

/// monocle's annotations of an SLO alert, under the SLO's
/// `alerting.annotations`, under the alert's own.
fn annotations(
    slo: &Slo,
    kind: &str,
    alerting: &SloAlerting,
    settings: &BurnAlertSettings,
) -> BTreeMap<String, AnnotationModel> {
    let known = |text: String| AnnotationModel {
        renders_as: Some(text.clone()),
        text,
    };
    let mut out = BTreeMap::new();
    if let Some(description) = &slo.description {
        // Annotations are Go templates; a description is plain text.
        out.insert(
            "description".to_owned(),
            AnnotationModel {
                text: template_literal(description),
                renders_as: Some(description.clone()),
            },
        );
    }
    out.insert(
        "summary".to_owned(),
        known(format!(
            "{} SLO `{}` is burning its error budget too fast",
            slo.service, slo.name
        )),
    );
    out.insert(
        "title".to_owned(),
        known(format!(
            "({kind}) {} {} SLO error budget burn rate is too high",
            slo.service, slo.name
        )),
    );
    for (key, text) in alerting.annotations.iter().chain(&settings.annotations) {
        // Text without an action renders as itself; a template needs the
        // alert's labels and value.
        let renders_as = (!text.contains("{{")).then(|| text.clone());
        out.insert(
            key.clone(),
            AnnotationModel {
                text: text.clone(),
                renders_as,
            },
        );
    }
    out
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
    let total = format!("sum(rate({metric}_count{}[{WINDOW}]))", with(""));
    let good = format!("sum(rate({metric}_bucket{}[{WINDOW}]))", with(&le));
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
