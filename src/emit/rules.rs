//! PrometheusRules of alerts: one per service, picked up by its shard.

use serde_json::{Map, Value, json};

use super::{Emitted, yaml};
use crate::model::rules::AlertModel;
use crate::model::{ClusterModel, SHARD_LABEL};

pub fn emit(cluster: &ClusterModel) -> Vec<Emitted> {
    cluster
        .rule_files
        .iter()
        .map(|file| {
            let groups = vec![json!({
                "name": format!("{}.alerts", file.service),
                "rules": file.alerts.iter().map(rule).collect::<Vec<_>>(),
            })];
            yaml::resource(
                format!("rules/{}.yaml", file.service),
                Some(&file.origin),
                &rule_object(
                    &format!("{}-alerts", file.service),
                    &file.namespace,
                    &file.team,
                    &file.shard,
                    groups,
                ),
                true,
            )
        })
        .collect()
}

/// A PrometheusRule object around rule groups, labelled for its shard.
pub fn rule_object(
    name: &str,
    namespace: &str,
    team: &str,
    shard: &str,
    groups: Vec<Value>,
) -> Value {
    json!({
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": {
                "app.kubernetes.io/managed-by": "monocle",
                "monocle.dev/team": team,
                SHARD_LABEL: shard,
            },
        },
        "spec": { "groups": groups },
    })
}

fn rule(alert: &AlertModel) -> Value {
    let mut rule = Map::new();
    rule.insert("alert".into(), json!(alert.name));
    rule.insert("expr".into(), json!(alert.expr));
    if let Some(for_) = &alert.for_ {
        rule.insert("for".into(), json!(for_));
    }
    rule.insert("labels".into(), json!(alert.labels));
    if !alert.annotations.is_empty() {
        rule.insert("annotations".into(), json!(alert.annotations));
    }
    Value::Object(rule)
}
