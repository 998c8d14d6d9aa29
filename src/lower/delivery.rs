//! `output.delivery`: the defaults of the Argo CD and Flux objects.

use crate::check::Spec;
use crate::model::delivery::{DeliveredCluster, DeliveryModel, DeliveryTool};
use crate::spec;

/// The generated folder's path in the repository when the spec does not say.
pub const DEFAULT_PATH: &str = "generated";
/// The revision Argo CD follows when the spec does not say.
pub const DEFAULT_REVISION: &str = "HEAD";
/// The GitRepository `flux bootstrap` creates, in Flux's namespace.
pub const DEFAULT_FLUX_SOURCE: &str = "flux-system";
pub const FLUX_NAMESPACE: &str = "flux-system";
pub const ARGOCD_NAMESPACE: &str = "argocd";
/// How often Flux compares the cluster with the folder. Flux's own examples
/// use 10m; drift is corrected within that time.
pub const FLUX_INTERVAL: &str = "10m";

pub fn lower(spec: &Spec) -> Option<DeliveryModel> {
    let output = &spec.output.as_ref()?.value;
    let repository = output.repository.clone().unwrap_or_default();
    let tool = match output.delivery? {
        spec::DeliveryTool::Argocd => DeliveryTool::Argocd {
            name: crate::model::MANAGED_BY.to_owned(),
            namespace: ARGOCD_NAMESPACE.to_owned(),
            // check refuses argocd without a URL.
            repository: repository.url.unwrap_or_default(),
            revision: repository
                .revision
                .unwrap_or_else(|| DEFAULT_REVISION.to_owned()),
            project: "default".to_owned(),
        },
        spec::DeliveryTool::Flux => DeliveryTool::Flux {
            namespace: FLUX_NAMESPACE.to_owned(),
            source: repository
                .flux_source
                .unwrap_or_else(|| DEFAULT_FLUX_SOURCE.to_owned()),
            interval: FLUX_INTERVAL.to_owned(),
        },
    };
    let fleet = spec
        .prometheus
        .as_ref()
        .map(|p| p.value.clone())
        .unwrap_or_default();
    let mut clusters: Vec<DeliveredCluster> = spec
        .clusters
        .iter()
        .map(|c| DeliveredCluster {
            name: c.value.name.clone(),
            namespace: super::prometheus(&fleet, c.value.prometheus.as_ref()).namespace,
        })
        .collect();
    clusters.sort_by(|a, b| a.name.cmp(&b.name));
    Some(DeliveryModel {
        tool,
        path: repository.path.map_or_else(
            || DEFAULT_PATH.to_owned(),
            |p| p.trim_end_matches('/').to_owned(),
        ),
        clusters,
    })
}
