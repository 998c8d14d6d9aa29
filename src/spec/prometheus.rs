//! `prometheus` and `alertmanager` sections.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use super::{DurationText, QuantityText};

/// Prometheus settings. Fleet-wide in `prometheus`; the same fields override
/// them per cluster in `clusters[].prometheus`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Prometheus {
    /// Namespace of the Prometheus resources and generated monitors (default `monitoring`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// How long samples are kept, e.g. `45d`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention: Option<DurationText>,
    /// Prometheus replicas per shard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<u32>,
    /// Default scrape interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scrape_interval: Option<DurationText>,
    /// Rule evaluation interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluation_interval: Option<DurationText>,
    /// CPU and memory requested by each Prometheus pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    /// Query limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<QueryLimits>,
    /// Remote-write targets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_write: Option<Vec<RemoteWrite>>,
    /// Prometheus shards: one Prometheus resource each, selecting its own monitors and rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shards: Option<Vec<Shard>>,
    /// ServiceAccount the Prometheus pods run as (default `prometheus`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account: Option<String>,
    /// Emit the ServiceAccount, ClusterRole and ClusterRoleBinding Prometheus needs to
    /// discover targets (default `true`). Without them a real cluster scrapes nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rbac: Option<bool>,
    /// Persistent volume per Prometheus pod. Without it the data lives in an
    /// emptyDir and is lost on every restart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<Storage>,
    /// `false`: emit no Prometheus resources, RBAC or storage; the rules and monitors
    /// are for a Prometheus someone else runs (default `true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed: Option<bool>,
    /// Labels put on every PrometheusRule, ServiceMonitor and PodMonitor so that an
    /// existing Prometheus selects them, e.g. `release: kube-prometheus-stack`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_labels: Option<BTreeMap<String, String>>,
}

/// A PersistentVolumeClaim template.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Storage {
    /// Requested size, a Kubernetes quantity such as `100Gi`.
    pub size: QuantityText,
    /// StorageClass (default: the cluster's default class).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
}

/// Kubernetes resource quantities.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Resources {
    /// CPU quantity, e.g. `500m` or `2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<String>,
    /// Memory quantity, e.g. `4Gi`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<QuantityText>,
}

/// Prometheus query engine limits.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QueryLimits {
    /// Maximum samples a single query may load into memory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_samples: Option<u64>,
    /// Maximum number of queries executed concurrently.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_concurrency: Option<u32>,
    /// Maximum time a query may take before it is aborted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<DurationText>,
}

/// A remote-write endpoint.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RemoteWrite {
    /// Name of the queue (DNS-1123 label).
    pub name: String,
    /// URL samples are pushed to.
    pub url: String,
}

/// A Prometheus shard.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Shard {
    /// Shard name (DNS-1123 label); services pick it with `shard`.
    pub name: String,
}

/// Alertmanager settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Alertmanager {
    /// Alertmanager replicas (default 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<u32>,
    /// Namespace (default: the Prometheus namespace).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Persistent volume per Alertmanager pod (silences and notification log survive restarts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<Storage>,
    /// `false`: emit no Alertmanager resource; the routing is still checked and its
    /// config Secret still emitted, for an Alertmanager someone else runs (default `true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed: Option<bool>,
    /// Name of the Secret holding the Alertmanager config (default `alertmanager-main`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_secret: Option<String>,
}
