//! `output`: how the generated tree is laid out.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How the generated folder is laid out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Output {
    /// `shared` (default): a file whose bytes are the same in several
    /// clusters is stored once under `shared/`, and each cluster's
    /// `kustomization.yaml` refers to it; `per-cluster`: every cluster
    /// folder holds a full copy of its files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout: Option<Layout>,
    /// What delivers each cluster's folder to the cluster: `argocd` emits an
    /// Argo CD ApplicationSet (one Application per cluster, path
    /// `generated/<cluster>`), `flux` a Flux Kustomization per cluster.
    /// Both are written under `delivery/` and are not part of any cluster's
    /// kustomization: apply them where Argo CD or Flux runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<DeliveryTool>,
    /// The Git repository that holds the generated folder, for `delivery`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<Repository>,
}

/// The GitOps tool that delivers the generated folders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DeliveryTool {
    /// An Argo CD ApplicationSet with a list generator, one element per cluster.
    Argocd,
    /// One Flux Kustomization per cluster.
    Flux,
}

/// Where the generated folder lives in Git.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Repository {
    /// The repository's URL as Argo CD knows it (required for `argocd`),
    /// e.g. `https://github.com/acme/monitoring.git`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The branch, tag or commit to deliver (default `HEAD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// The generated folder's path inside the repository (default
    /// `generated`), relative, `/`-separated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The Flux GitRepository that fetches this repository (default
    /// `flux-system`, the one `flux bootstrap` creates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flux_source: Option<String>,
}

/// The layout of the generated folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    /// Identical files stored once under `shared/`, referenced by each cluster's kustomization.
    Shared,
    /// A complete copy of every file in each cluster's folder.
    PerCluster,
}
