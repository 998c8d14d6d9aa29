//! Prometheus custom resources: one per shard, each selecting exactly the
//! monitors and rules labelled with its shard.

use serde_json::{Map, Value, json};

use super::{Emitted, yaml};
use crate::model::{ClusterModel, SHARD_LABEL, ShardModel};

pub fn emit(cluster: &ClusterModel) -> Vec<Emitted> {
    cluster
        .prometheus
        .shards
        .iter()
        .map(|shard| {
            yaml::resource(
                format!("prometheus/{}.yaml", shard.name),
                None,
                &object(cluster, shard),
                true,
            )
        })
        .collect()
}

fn object(cluster: &ClusterModel, shard: &ShardModel) -> Value {
    let p = &cluster.prometheus;
    let selector = json!({ "matchLabels": { SHARD_LABEL: shard.name } });
    let mut spec = Map::new();
    spec.insert("replicas".into(), json!(p.replicas));
    if let Some(retention) = &p.retention {
        spec.insert("retention".into(), json!(retention));
    }
    spec.insert("scrapeInterval".into(), json!(p.scrape_interval));
    spec.insert("evaluationInterval".into(), json!(p.evaluation_interval));
    let mut external = Map::new();
    external.insert("cluster".into(), json!(cluster.name));
    if let Some(region) = &cluster.region {
        external.insert("region".into(), json!(region));
    }
    spec.insert("externalLabels".into(), Value::Object(external));
    let mut requests = Map::new();
    if let Some(cpu) = &p.cpu {
        requests.insert("cpu".into(), json!(cpu));
    }
    if let Some(memory) = &p.memory {
        requests.insert("memory".into(), json!(memory));
    }
    if !requests.is_empty() {
        let mut resources = Map::new();
        // Memory is also the limit: an OOM-killed Prometheus is easier to
        // reason about than one that starves its node.
        if let Some(memory) = &p.memory {
            resources.insert("limits".into(), json!({ "memory": memory }));
        }
        resources.insert("requests".into(), Value::Object(requests));
        spec.insert("resources".into(), Value::Object(resources));
    }
    let mut query = Map::new();
    if let Some(v) = p.max_samples {
        query.insert("maxSamples".into(), json!(v));
    }
    if let Some(v) = p.max_concurrency {
        query.insert("maxConcurrency".into(), json!(v));
    }
    if let Some(v) = &p.query_timeout {
        query.insert("timeout".into(), json!(v));
    }
    if !query.is_empty() {
        spec.insert("query".into(), Value::Object(query));
    }
    if !p.remote_write.is_empty() {
        let targets: Vec<Value> = p
            .remote_write
            .iter()
            .map(|(name, url)| json!({ "name": name, "url": url }))
            .collect();
        spec.insert("remoteWrite".into(), Value::Array(targets));
    }
    // Monitors and rules live in the Prometheus namespace; the shard label
    // is what splits them between shards.
    let here = json!({ "matchLabels": { "kubernetes.io/metadata.name": p.namespace } });
    spec.insert("serviceMonitorSelector".into(), selector.clone());
    spec.insert("serviceMonitorNamespaceSelector".into(), here.clone());
    spec.insert("podMonitorSelector".into(), selector.clone());
    spec.insert("podMonitorNamespaceSelector".into(), here.clone());
    spec.insert("ruleSelector".into(), selector);
    spec.insert("ruleNamespaceSelector".into(), here);
    if !shard.secrets.is_empty() {
        spec.insert("secrets".into(), json!(shard.secrets));
    }
    spec.insert(
        "alerting".into(),
        json!({ "alertmanagers": [{
            "namespace": cluster.alertmanager.namespace,
            "name": "alertmanager-operated",
            "port": "web",
        }] }),
    );
    json!({
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "Prometheus",
        "metadata": {
            "name": shard.name,
            "namespace": p.namespace,
            "labels": {
                "app.kubernetes.io/managed-by": "monocle",
                SHARD_LABEL: shard.name,
            },
        },
        "spec": spec,
    })
}
