//! The per-cluster `kustomization.yaml` listing every Kubernetes object
//! file generated for the cluster.

use serde_json::json;

use super::yaml;
use crate::write::Artifact;

pub const FILE: &str = "kustomization.yaml";

/// `files` are the cluster's artifacts (paths relative to the cluster).
pub fn emit(files: &[Artifact]) -> Artifact {
    let mut resources: Vec<&str> = files
        .iter()
        .map(|f| f.path.as_str())
        .filter(|p| p.ends_with(".yaml") && *p != FILE)
        .collect();
    resources.sort_unstable();
    let value = json!({
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": resources,
    });
    yaml::artifact(FILE.to_owned(), None, &value)
}
