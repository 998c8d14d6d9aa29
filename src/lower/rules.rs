//! Alerts → one rule file per rule group (by default one per service),
//! with the labels every alert carries; the naming of groups and files.

use std::collections::BTreeMap;

use crate::check::Spec;
use crate::model::PrometheusModel;
use crate::model::rules::{AlertModel, RecordModel, RuleFileModel, RuleModel};
use crate::source::Span;
use crate::spec::{Alert, Record, SelectorText, Service};

/// The severities alerts may use when the spec sets no `severities`.
pub const DEFAULT_SEVERITIES: &[&str] = &["critical", "warning", "info"];

/// The severities of the spec: its `severities`, or the default list.
pub fn severities(spec: &Spec) -> Vec<String> {
    spec.severities.as_ref().map_or_else(
        || DEFAULT_SEVERITIES.iter().map(|s| (*s).to_owned()).collect(),
        |s| s.value.clone(),
    )
}

/// The rule group of an alert: its `group`, or `<service>.alerts`, or
/// `alerts` for an alert without a service.
pub fn alert_group(alert: &Alert) -> String {
    alert.group.clone().unwrap_or_else(|| match &alert.service {
        Some(service) => format!("{service}.alerts"),
        None => "alerts".to_owned(),
    })
}

/// The PrometheusRule object of a group: its name as an object name
/// (`names::object_name`) with no `-` at either end (`velero.alerts` →
/// `velero-alerts`).
pub fn group_object(group: &str) -> String {
    crate::names::object_name(group)
        .trim_matches('-')
        .to_owned()
}

/// The file of a group: `rules/<object>.yaml`, where a trailing `.alerts`
/// is left out (`velero.alerts` → `rules/velero.yaml`, as before groups
/// could be named).
pub fn group_path(group: &str) -> String {
    let stem = group
        .strip_suffix(".alerts")
        .filter(|s| !s.is_empty())
        .unwrap_or(group);
    format!("rules/{}.yaml", group_object(stem))
}

/// The shard and team of an alert (its own, or its service's).
pub fn alert_placement(
    alert: &Alert,
    service: Option<&Service>,
    prometheus: &PrometheusModel,
) -> (String, Option<String>) {
    let shard = match service {
        Some(s) => service_shard(s, prometheus),
        None => alert
            .shard
            .clone()
            .unwrap_or_else(|| prometheus.shards[0].name.clone()),
    };
    let team = alert
        .team
        .clone()
        .or_else(|| service.map(|s| s.team.clone()));
    (shard, team)
}

/// The rule group of a recording rule: its `group`, or
/// `<service>.records`, or `records` without a service.
pub fn record_group(record: &Record) -> String {
    record
        .group
        .clone()
        .unwrap_or_else(|| match &record.service {
            Some(service) => format!("{service}.records"),
            None => "records".to_owned(),
        })
}

/// The shard of a rule: its service's, or its own, or the first.
pub fn rule_shard(
    shard: Option<&String>,
    service: Option<&Service>,
    prometheus: &PrometheusModel,
) -> String {
    match service {
        Some(s) => service_shard(s, prometheus),
        None => shard
            .cloned()
            .unwrap_or_else(|| prometheus.shards[0].name.clone()),
    }
}

/// A rule placed in its group, before groups are built.
struct Placed {
    span: Span,
    group: String,
    shard: String,
    team: Option<String>,
    interval: Option<String>,
    rule: RuleModel,
}

pub fn lower(
    spec: &Spec,
    services: &[&Service],
    selected: &impl Fn(&Option<SelectorText>) -> bool,
    prometheus: &PrometheusModel,
    origin: &impl Fn(Span) -> String,
) -> Vec<RuleFileModel> {
    // A rule of a service goes only where the service is scraped. Looked
    // up by name: a fleet has thousands of rules and services.
    let by_name: std::collections::HashMap<&str, &Service> =
        services.iter().map(|s| (s.name.as_str(), *s)).collect();
    let service_of = |name: &Option<String>| -> Option<Option<&Service>> {
        match name {
            Some(name) => by_name.get(name.as_str()).map(|s| Some(*s)),
            None => Some(None),
        }
    };
    let mut placed: Vec<Placed> = Vec::new();
    for item in &spec.alerts {
        let a = &item.value;
        if !selected(&a.clusters) {
            continue;
        }
        let Some(service) = service_of(&a.service) else {
            continue;
        };
        let (shard, team) = alert_placement(a, service, prometheus);
        let mut labels = a.labels.clone();
        labels.insert("severity".into(), a.severity.clone());
        if let Some(team) = &team {
            labels.insert("team".into(), team.clone());
        }
        if let Some(service) = &a.service {
            labels.insert("service".into(), service.clone());
        }
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
        placed.push(Placed {
            span: item.node.span,
            group: alert_group(a),
            shard,
            team,
            interval: a.interval.as_ref().map(|d| d.as_str().to_owned()),
            rule: RuleModel::Alert(AlertModel {
                name: a.name.clone(),
                service: a.service.clone(),
                expr: a.expr.clone(),
                for_: a.for_.as_ref().map(|d| d.as_str().to_owned()),
                keep_firing_for: a.keep_firing_for.as_ref().map(|d| d.as_str().to_owned()),
                labels,
                annotations,
            }),
        });
    }
    for item in &spec.records {
        let r = &item.value;
        if !selected(&r.clusters) {
            continue;
        }
        let Some(service) = service_of(&r.service) else {
            continue;
        };
        placed.push(Placed {
            span: item.node.span,
            group: record_group(r),
            shard: rule_shard(r.shard.as_ref(), service, prometheus),
            team: service.map(|s| s.team.clone()),
            interval: r.interval.as_ref().map(|d| d.as_str().to_owned()),
            rule: RuleModel::Record(RecordModel {
                record: r.record.clone(),
                service: r.service.clone(),
                expr: r.expr.clone(),
                labels: r.labels.clone(),
            }),
        });
    }
    // Spec order within a group: by file, then position in the file.
    placed.sort_by_key(|p| (p.span.source, p.span.start));
    let mut groups: BTreeMap<String, RuleFileModel> = BTreeMap::new();
    for p in placed {
        // check makes the rules of a group agree on shard and interval.
        let file = groups
            .entry(p.group.clone())
            .or_insert_with(|| RuleFileModel {
                path: group_path(&p.group),
                object: group_object(&p.group),
                group: p.group.clone(),
                interval: None,
                team: p.team.clone(),
                shard: p.shard.clone(),
                namespace: prometheus.namespace.clone(),
                origin: origin(p.span),
                object_labels: prometheus.rule_labels.clone(),
                rules: Vec::new(),
            });
        if file.interval.is_none() {
            file.interval = p.interval;
        }
        if file.team != p.team {
            file.team = None;
        }
        file.rules.push(p.rule);
    }
    let mut files: Vec<RuleFileModel> = groups.into_values().collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// The shard that scrapes a service (the only one when it names none).
pub fn service_shard(service: &Service, prometheus: &PrometheusModel) -> String {
    service
        .shard
        .clone()
        .unwrap_or_else(|| prometheus.shards[0].name.clone())
}
