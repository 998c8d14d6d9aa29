//! emit: model → artifacts. One module per output kind, each a pure
//! function of the model; none of them sees the spec or the disk.

mod kustomize;
mod monitors;
pub mod yaml;

use crate::model::Model;
use crate::write::Artifact;

/// Every file monocle generates for a model, sorted by path.
pub fn emit(model: &Model) -> Vec<Artifact> {
    let mut artifacts = Vec::new();
    for cluster in &model.clusters {
        let mut files = monitors::emit(cluster);
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files.push(kustomize::emit(&files));
        artifacts.extend(files.into_iter().map(|a| Artifact {
            path: format!("{}/{}", cluster.name, a.path),
            bytes: a.bytes,
        }));
    }
    artifacts.sort_by(|a, b| a.path.cmp(&b.path));
    artifacts
}
