//! `monitor`: the external bucketed monitor daemon.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{DurationText, SizeText};

/// Bucketed monitor daemon settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Monitor {
    /// Number of buckets (a power of two, default 256).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buckets: Option<u32>,
    /// Monitor process names.
    pub monitors: Vec<String>,
    /// How often each cluster is checked.
    pub check_interval: DurationText,
    /// Timeout of one check (shorter than the interval).
    pub check_timeout: DurationText,
    /// Clusters expected in the whole fleet, for capacity planning.
    pub expected_clusters: u64,
    /// Memory model for the capacity report.
    pub memory: MonitorMemory,
}

/// Memory model of a monitor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MonitorMemory {
    /// Cached data model per cluster (every monitor caches all clusters).
    pub per_cluster: SizeText,
    /// Memory per concurrent worker.
    pub per_worker: SizeText,
    /// Budget per monitor; over it is a compile error.
    pub budget: SizeText,
}
