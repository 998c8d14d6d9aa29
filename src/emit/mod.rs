//! emit: model → artifacts. One module per output kind, each a pure
//! function of the model; none of them sees the spec or the disk.

mod alertmanager;
mod alloy;
mod buckets;
mod grafana;
mod kustomize;
mod monitors;
mod prometheus;
mod rules;
pub mod slo;
pub mod yaml;

use rayon::prelude::*;

use crate::model::{ClusterModel, Model};
use crate::write::Artifact;

/// A file of one cluster, path relative to the cluster's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Emitted {
    pub path: String,
    pub bytes: Vec<u8>,
    /// A Kubernetes object, listed in the cluster's `kustomization.yaml`.
    pub resource: bool,
}

/// Every file monocle generates for a model, sorted by path.
pub fn emit(model: &Model) -> Vec<Artifact> {
    // Clusters are independent: emit them in parallel. The result is
    // sorted by path below, so it does not depend on scheduling.
    let mut artifacts: Vec<Artifact> = model
        .clusters
        .par_iter()
        .flat_map_iter(|cluster| {
            cluster_files(cluster).into_iter().map(|f| Artifact {
                path: format!("{}/{}", cluster.name, f.path),
                bytes: f.bytes,
            })
        })
        .collect();
    if let Some(buckets) = &model.buckets {
        artifacts.extend(buckets::emit(buckets));
    }
    artifacts.sort_by(|a, b| a.path.cmp(&b.path));
    artifacts
}

fn cluster_files(cluster: &ClusterModel) -> Vec<Emitted> {
    let emitters: [fn(&ClusterModel) -> Vec<Emitted>; 7] = [
        monitors::emit,
        prometheus::emit,
        rules::emit,
        slo::emit,
        alertmanager::emit,
        grafana::emit,
        alloy::emit,
    ];
    let mut files: Vec<Emitted> = emitters.iter().flat_map(|emit| emit(cluster)).collect();
    files.push(kustomize::emit(&files));
    files
}
