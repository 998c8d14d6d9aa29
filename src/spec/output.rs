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
