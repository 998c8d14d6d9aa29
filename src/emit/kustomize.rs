//! The per-cluster `kustomization.yaml` listing every Kubernetes object
//! file generated for the cluster.

use serde_json::json;

use super::{Emitted, yaml};

pub const FILE: &str = "kustomization.yaml";

/// `files` are the cluster's other files (paths relative to the cluster).
pub fn emit<'a>(files: impl Iterator<Item = &'a Emitted>) -> Emitted {
    let mut resources: Vec<&str> = files
        .filter(|f| f.resource)
        .map(|f| f.path.as_str())
        .collect();
    resources.sort_unstable();
    let value = json!({
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": resources,
    });
    yaml::resource(FILE.to_owned(), None, &value, false)
}
