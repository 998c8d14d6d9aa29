//! Alerts → one rule file per service, with the labels every alert carries.

use crate::check::Spec;
use crate::model::PrometheusModel;
use crate::model::rules::{AlertModel, RuleFileModel};
use crate::source::Span;
use crate::spec::{SelectorText, Service};

/// The severities alerts may use when the spec sets no `severities`.
pub const DEFAULT_SEVERITIES: &[&str] = &["critical", "warning", "info"];

/// The severities of the spec: its `severities`, or the default list.
pub fn severities(spec: &Spec) -> Vec<String> {
    spec.severities.as_ref().map_or_else(
        || DEFAULT_SEVERITIES.iter().map(|s| (*s).to_owned()).collect(),
        |s| s.value.clone(),
    )
}

pub fn lower(
    spec: &Spec,
    services: &[&Service],
    selected: &impl Fn(&Option<SelectorText>) -> bool,
    prometheus: &PrometheusModel,
    origin: &impl Fn(Span) -> String,
) -> Vec<RuleFileModel> {
    let mut files: Vec<RuleFileModel> = services
        .iter()
        .filter_map(|service| {
            let items: Vec<_> = spec
                .alerts
                .iter()
                .filter(|a| a.value.service == service.name && selected(&a.value.clusters))
                .collect();
            let first = items.first()?;
            let alerts = items
                .iter()
                .map(|item| {
                    let a = &item.value;
                    let mut labels = a.labels.clone();
                    labels.insert("severity".into(), a.severity.clone());
                    labels.insert("team".into(), service.team.clone());
                    labels.insert("service".into(), service.name.clone());
                    // check refuses a short form written as an annotation too.
                    let mut annotations = a.annotations.clone();
                    for (key, value) in [
                        ("summary", &a.summary),
                        ("description", &a.description),
                        ("runbook_url", &a.runbook),
                    ] {
                        if let Some(v) = value {
                            annotations.insert(key.to_owned(), v.clone());
                        }
                    }
                    AlertModel {
                        name: a.name.clone(),
                        expr: a.expr.clone(),
                        for_: a.for_.as_ref().map(|d| d.as_str().to_owned()),
                        keep_firing_for: a.keep_firing_for.as_ref().map(|d| d.as_str().to_owned()),
                        labels,
                        annotations,
                    }
                })
                .collect();
            Some(RuleFileModel {
                service: service.name.clone(),
                team: service.team.clone(),
                shard: service_shard(service, prometheus),
                namespace: prometheus.namespace.clone(),
                origin: origin(first.node.span),
                object_labels: prometheus.rule_labels.clone(),
                alerts,
            })
        })
        .collect();
    files.sort_by(|a, b| a.service.cmp(&b.service));
    files
}

/// The shard that scrapes a service (the only one when it names none).
pub fn service_shard(service: &Service, prometheus: &PrometheusModel) -> String {
    service
        .shard
        .clone()
        .unwrap_or_else(|| prometheus.shards[0].name.clone())
}
