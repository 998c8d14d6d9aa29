//! The Grafana Alloy configuration of one cluster (filled in by the Alloy work).

/// Alloy settings and the log pipelines selected for a cluster.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AlloyModel {}
