//! The per-cluster `kustomization.yaml` listing every Kubernetes object
//! file generated for the cluster (and, in the shared layout, the shared
//! folders it uses), and the one of each shared folder.

use serde_json::json;

use super::{Emitted, yaml};

pub const FILE: &str = "kustomization.yaml";

/// `files` are the cluster's other files (paths relative to the cluster).
pub fn emit<'a>(files: impl Iterator<Item = &'a Emitted>) -> Emitted {
    let resources = files
        .filter(|f| f.resource)
        .map(|f| f.path.clone())
        .collect();
    Emitted {
        path: FILE.to_owned(),
        bytes: render(resources).into(),
        resource: false,
    }
}

/// The bytes of a `kustomization.yaml` listing `resources` (files or
/// kustomization folders, relative to it), sorted.
pub fn render(mut resources: Vec<String>) -> Vec<u8> {
    resources.sort_unstable();
    let value = json!({
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": resources,
    });
    yaml::resource(FILE.to_owned(), None, &value, false)
        .bytes
        .to_vec()
}
