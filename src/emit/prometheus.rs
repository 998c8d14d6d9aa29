//! Prometheus custom resources: one per shard, each selecting exactly the
//! monitors and rules labelled with its shard.

use serde_json::{Map, Value, json};

use super::{Emitted, yaml};
use crate::model::{
    CLUSTER_LABEL, ClusterModel, MANAGED_BY, MANAGED_BY_LABEL, REGION_LABEL, SHARD_LABEL,
    ShardModel, StorageModel,
};

pub fn emit(cluster: &ClusterModel) -> Vec<Emitted> {
    let p = &cluster.prometheus;
    if !p.managed {
        return Vec::new();
    }
    let mut files: Vec<Emitted> = p
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
        .collect();
    if p.rbac
        && let Some(account) = &p.service_account
    {
        for (file, object) in rbac(&p.namespace, account) {
            files.push(yaml::resource(
                format!("prometheus/{file}.yaml"),
                None,
                &object,
                true,
            ));
        }
    }
    files
}

/// What Prometheus needs to discover and scrape targets: without it the
/// pods run as `default`, which may list nothing, and every target is missing.
fn rbac(namespace: &str, account: &str) -> [(&'static str, Value); 3] {
    // Cluster-scoped names carry the namespace: two Prometheus setups in one
    // Kubernetes cluster must not share (and overwrite) one role.
    let role = format!("monocle-{namespace}-{account}");
    let labels = json!({ MANAGED_BY_LABEL: MANAGED_BY });
    let service_account = json!({
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": { "name": account, "namespace": namespace, "labels": labels },
    });
    let cluster_role = json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": { "name": role, "labels": labels },
        "rules": [
            {
                "apiGroups": [""],
                "resources": ["services", "endpoints", "pods", "nodes", "nodes/metrics", "configmaps"],
                "verbs": ["get", "list", "watch"],
            },
            {
                "apiGroups": ["discovery.k8s.io"],
                "resources": ["endpointslices"],
                "verbs": ["get", "list", "watch"],
            },
            {
                "apiGroups": ["networking.k8s.io"],
                "resources": ["ingresses"],
                "verbs": ["get", "list", "watch"],
            },
            { "nonResourceURLs": ["/metrics"], "verbs": ["get"] },
        ],
    });
    let binding = json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRoleBinding",
        "metadata": { "name": role, "labels": labels },
        "roleRef": { "apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role },
        "subjects": [{ "kind": "ServiceAccount", "name": account, "namespace": namespace }],
    });
    [
        ("serviceaccount", service_account),
        ("clusterrole", cluster_role),
        ("clusterrolebinding", binding),
    ]
}

/// The operator's `storage` field: one PersistentVolumeClaim per pod.
pub fn storage_spec(storage: &StorageModel) -> Value {
    let mut claim = Map::new();
    if let Some(class) = &storage.class {
        claim.insert("storageClassName".into(), json!(class));
    }
    claim.insert("accessModes".into(), json!(["ReadWriteOnce"]));
    claim.insert(
        "resources".into(),
        json!({ "requests": { "storage": storage.size } }),
    );
    json!({ "volumeClaimTemplate": { "spec": claim } })
}

fn object(cluster: &ClusterModel, shard: &ShardModel) -> Value {
    let p = &cluster.prometheus;
    let selector = json!({ "matchLabels": { SHARD_LABEL: shard.name } });
    let mut spec = Map::new();
    spec.insert("replicas".into(), json!(p.replicas));
    if let Some(account) = &p.service_account {
        spec.insert("serviceAccountName".into(), json!(account));
    }
    if let Some(storage) = &p.storage {
        spec.insert("storage".into(), storage_spec(storage));
    }
    if let Some(retention) = &p.retention {
        spec.insert("retention".into(), json!(retention));
    }
    spec.insert("scrapeInterval".into(), json!(p.scrape_interval));
    spec.insert("evaluationInterval".into(), json!(p.evaluation_interval));
    let mut external = Map::new();
    external.insert(CLUSTER_LABEL.into(), json!(cluster.name));
    if let Some(region) = &cluster.region {
        external.insert(REGION_LABEL.into(), json!(region));
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
    // Our own Alertmanager's Service, so another Alertmanager in the
    // namespace does not get these alerts too; the namespace-wide
    // `alertmanager-operated` when someone else runs it.
    let am = &cluster.alertmanager;
    let service = if am.managed {
        super::alertmanager::service_name(am)
    } else {
        "alertmanager-operated".to_owned()
    };
    spec.insert(
        "alerting".into(),
        json!({ "alertmanagers": [{
            "namespace": am.namespace,
            "name": service,
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
                MANAGED_BY_LABEL: MANAGED_BY,
                SHARD_LABEL: shard.name,
            },
        },
        "spec": spec,
    })
}
