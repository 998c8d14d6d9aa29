//! What delivers each cluster's generated folder to the cluster: an Argo CD
//! ApplicationSet or Flux Kustomizations (`output.delivery`).

/// The folder beside the cluster folders that holds the delivery objects.
pub const DELIVERY_DIR: &str = "delivery";

#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryModel {
    pub tool: DeliveryTool,
    /// The generated folder's path in the repository, no trailing `/`.
    pub path: String,
    /// The clusters, by name.
    pub clusters: Vec<DeliveredCluster>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DeliveryTool {
    Argocd {
        /// The ApplicationSet's name and namespace.
        name: String,
        namespace: String,
        repository: String,
        revision: String,
        project: String,
    },
    Flux {
        /// Where the Kustomizations live (Flux's own namespace).
        namespace: String,
        /// The GitRepository they read.
        source: String,
        interval: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeliveredCluster {
    pub name: String,
    /// Where objects without a namespace go (the Prometheus namespace).
    pub namespace: String,
}
