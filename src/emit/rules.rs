//! PrometheusRules of alerts: one per rule group, picked up by its shard.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::{Emitted, yaml};
use crate::model::ClusterModel;
use crate::model::rules::{AlertModel, RecordModel, RuleFileModel, RuleModel};
use crate::model::{MANAGED_BY, MANAGED_BY_LABEL, SHARD_LABEL, TEAM_LABEL};

/// What this emitter reads of a cluster (the key its files are shared by).
pub fn input(cluster: &ClusterModel) -> &[RuleFileModel] {
    &cluster.rule_files
}

/// The file of one rule group (rendered on its own, so clusters
/// with different selections still render a shared file once).
pub fn emit_one(file: &RuleFileModel) -> Emitted {
    let mut group = Map::new();
    group.insert("name".into(), json!(file.group));
    if let Some(interval) = &file.interval {
        group.insert("interval".into(), json!(interval));
    }
    group.insert(
        "rules".into(),
        Value::Array(file.rules.iter().map(rule).collect()),
    );
    let mut object = rule_object(
        &file.object,
        &file.namespace,
        file.team.as_deref().unwrap_or_default(),
        &file.shard,
        &file.object_labels,
        vec![Value::Object(group)],
    );
    // A group whose rules belong to several teams (or none) is no team's.
    if file.team.is_none()
        && let Some(labels) = object["metadata"]["labels"].as_object_mut()
    {
        labels.remove(TEAM_LABEL);
    }
    yaml::resource(file.path.clone(), Some(&file.origin), &object, true)
}

/// A PrometheusRule object around rule groups, labelled for its shard.
pub fn rule_object(
    name: &str,
    namespace: &str,
    team: &str,
    shard: &str,
    extra_labels: &BTreeMap<String, String>,
    groups: Vec<Value>,
) -> Value {
    object! {
        "apiVersion" => "monitoring.coreos.com/v1",
        "kind" => "PrometheusRule",
        "metadata" => object! {
            "name" => name,
            "namespace" => namespace,
            "labels" => object_labels(team, shard, extra_labels),
        },
        "spec" => object! { "groups" => groups },
    }
}

/// Labels of a generated rule or monitor object: monocle's own, then the
/// ones an existing Prometheus selects by (check keeps them from clashing).
pub fn object_labels(team: &str, shard: &str, extra: &BTreeMap<String, String>) -> Value {
    let mut labels = Map::new();
    labels.insert(MANAGED_BY_LABEL.into(), json!(MANAGED_BY));
    labels.insert(TEAM_LABEL.into(), json!(team));
    labels.insert(SHARD_LABEL.into(), json!(shard));
    for (key, value) in extra {
        labels.insert(key.clone(), json!(value));
    }
    Value::Object(labels)
}

fn rule(rule: &RuleModel) -> Value {
    match rule {
        RuleModel::Alert(alert) => alerting(alert),
        RuleModel::Record(record) => recording(record),
    }
}

fn recording(record: &RecordModel) -> Value {
    let mut rule = Map::new();
    rule.insert("record".into(), json!(record.record));
    rule.insert("expr".into(), json!(record.expr));
    if !record.labels.is_empty() {
        rule.insert("labels".into(), json!(record.labels));
    }
    Value::Object(rule)
}

fn alerting(alert: &AlertModel) -> Value {
    let mut rule = Map::new();
    rule.insert("alert".into(), json!(alert.name));
    rule.insert("expr".into(), json!(alert.expr));
    if let Some(for_) = &alert.for_ {
        rule.insert("for".into(), json!(for_));
    }
    if let Some(keep) = &alert.keep_firing_for {
        rule.insert("keep_firing_for".into(), json!(keep));
    }
    rule.insert("labels".into(), json!(alert.labels));
    if !alert.annotations.is_empty() {
        rule.insert("annotations".into(), json!(alert.annotations));
    }
    Value::Object(rule)
}
