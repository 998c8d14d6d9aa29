//! Grafana dashboards of one cluster (filled in by the dashboards work).

/// One dashboard selected for a cluster.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DashboardModel {}
