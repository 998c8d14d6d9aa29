//! `prometheus` and `alertmanager` sections.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{DurationText, SizeText};

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
    pub memory: Option<SizeText>,
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
}
