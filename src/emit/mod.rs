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

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

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
    let emitter = Emitter::default();
    let mut artifacts: Vec<Artifact> = model
        .clusters
        .par_iter()
        .flat_map_iter(|cluster| emitter.cluster(cluster))
        .collect();
    if let Some(buckets) = &model.buckets {
        artifacts.extend(emit_buckets(buckets));
    }
    artifacts.sort_by(|a, b| a.path.cmp(&b.path));
    artifacts
}

/// The fleet-wide files (the monitor daemon's bucket config).
pub fn emit_buckets(buckets: &crate::model::buckets::BucketsModel) -> Vec<Artifact> {
    buckets::emit(buckets)
}

/// Emits cluster by cluster, sharing the files that clusters with the same
/// selection have in common. Safe to use from several threads.
#[derive(Default)]
pub struct Emitter {
    shared: Shared,
}

impl Emitter {
    /// The files of one cluster (paths under `<cluster>/`), sorted by path.
    pub fn cluster(&self, cluster: &ClusterModel) -> Vec<Artifact> {
        let mut files: Vec<Artifact> = cluster_files(cluster, &self.shared)
            .into_iter()
            .map(|f| Artifact {
                path: format!("{}/{}", cluster.name, f.path),
                bytes: f.bytes,
            })
            .collect();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }
}

/// An emitter and the part of the cluster model its output depends on
/// (`None`: the output is specific to the cluster).
type EmitterFn = (
    fn(&ClusterModel) -> Vec<Emitted>,
    fn(&ClusterModel) -> Option<String>,
);

const EMITTERS: [EmitterFn; 7] = [
    (monitors::emit, |c| Some(format!("{:?}", c.monitors))),
    (prometheus::emit, |_| None),
    (rules::emit, |c| Some(format!("{:?}", c.rule_files))),
    (slo::emit, |c| Some(format!("{:?}", c.slos))),
    (alertmanager::emit, |_| None),
    (grafana::emit, |c| {
        Some(format!(
            "{:?}{:?}{}",
            c.dashboards, c.slos, c.prometheus.namespace
        ))
    }),
    (alloy::emit, |_| None),
];

/// Files that clusters with the same selection share: emitted once, then
/// copied. Keys are the model parts themselves (compared in full, hashed
/// only to find them), so sharing can never mix up two clusters.
#[derive(Default)]
struct Shared {
    entries: Mutex<HashMap<(usize, u64), Vec<SharedEntry>>>,
}

/// A model part (its debug text) and the files emitted for it.
type SharedEntry = (String, Arc<Vec<Emitted>>);

impl Shared {
    fn get_or_emit(
        &self,
        emitter: usize,
        key: String,
        emit: impl FnOnce() -> Vec<Emitted>,
    ) -> Vec<Emitted> {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        key.hash(&mut hasher);
        let slot = (emitter, hasher.finish());
        if let Ok(entries) = self.entries.lock()
            && let Some((_, files)) = entries
                .get(&slot)
                .and_then(|v| v.iter().find(|(k, _)| *k == key))
        {
            return files.as_ref().clone();
        }
        let files = Arc::new(emit());
        if let Ok(mut entries) = self.entries.lock() {
            entries.entry(slot).or_default().push((key, files.clone()));
        }
        files.as_ref().clone()
    }
}

fn cluster_files(cluster: &ClusterModel, shared: &Shared) -> Vec<Emitted> {
    let mut files: Vec<Emitted> = Vec::new();
    for (i, (emit, part)) in EMITTERS.iter().enumerate() {
        match part(cluster) {
            Some(key) => files.extend(shared.get_or_emit(i, key, || emit(cluster))),
            None => files.extend(emit(cluster)),
        }
    }
    files.push(kustomize::emit(&files));
    files
}
