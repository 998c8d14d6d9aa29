//! The Alertmanager routing model of one cluster (filled in by the routing work).

/// Receivers, route tree, inhibition rules and routing tests selected for one cluster.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RoutingModel {}

impl RoutingModel {
    /// Kubernetes Secrets the receivers reference (`*_secret`), sorted:
    /// they are mounted into Alertmanager under `/etc/alertmanager/secrets/<name>/`.
    pub fn secrets(&self) -> Vec<String> {
        Vec::new()
    }
}
