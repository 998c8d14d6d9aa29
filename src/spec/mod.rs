//! The spec language v1 as Rust types: serde for reading, schemars for the
//! JSON schema editors use. No logic lives here; checks are in `check/`.
//!
//! Doc comments become the schema's descriptions (shown on hover).

mod dashboards;
mod monitor;
mod output;
mod packs;
mod prometheus;
mod routing;
mod scalar;
mod services;

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use dashboards::*;
pub use monitor::*;
pub use output::*;
pub use packs::*;
pub use prometheus::*;
pub use routing::*;
pub use scalar::*;
pub use services::*;

/// One monocle spec file. A spec is one file or a folder of files whose lists
/// are concatenated; single sections may appear in one file only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "monocle spec", extend("$id" = "https://monocle.dev/schemas/monocle.schema.json"))]
pub struct SpecFile {
    /// Spec language version. Must be `1`; every file of a spec declares it.
    pub version: u32,
    /// The Kubernetes clusters to generate configuration for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clusters: Vec<Cluster>,
    /// Fleet-wide Prometheus settings (one Prometheus per shard per cluster).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prometheus: Option<Prometheus>,
    /// Fleet-wide Alertmanager settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alertmanager: Option<Alertmanager>,
    /// Scrape targets: each becomes a ServiceMonitor or PodMonitor.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<Service>,
    /// Grafana Alloy: log pipelines and optional ServiceMonitor scraping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alloy: Option<Alloy>,
    /// The severity values alerts may use (the `severity` label). Default
    /// `[critical, warning, info]`; add `none` for a Watchdog-style alert,
    /// or use your own names. Written in one file only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend(
        "default" = ["critical", "warning", "info"],
        "examples" = [["critical", "warning", "info", "none"], ["page", "ticket", "info"]]
    ))]
    pub severities: Option<Vec<String>>,
    /// Prometheus alerting rules, grouped per service.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alerts: Vec<Alert>,
    /// Prometheus recording rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<Record>,
    /// Service level objectives: Sloth-compatible recording rules and burn-rate alerts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub slos: Vec<Slo>,
    /// Burn-rate alert windows per SLO period (Sloth's `AlertWindows`);
    /// SLOs of other periods use the SRE workbook's, scaled.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub slo_windows: Vec<SloWindows>,
    /// Alertmanager receivers, route tree, inhibition rules and routing tests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routing: Option<Routing>,
    /// Grafana dashboards.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dashboards: Vec<Dashboard>,
    /// The external bucketed monitor daemon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitor: Option<Monitor>,
    /// How the generated folder is laid out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<Output>,
    /// Packs: calibrated monitoring of a component (built in, or a pack
    /// folder of your own), tuned per cluster instead of forked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub packs: Vec<PackEntry>,
}

/// A Kubernetes cluster of the fleet.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cluster {
    /// Cluster name (DNS-1123 label); becomes the `cluster` external label and the output folder.
    pub name: String,
    /// Environment, e.g. `production`; selectable with `clusters: environment=production`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// Cloud region; becomes the `region` external label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Free-form labels, selectable with `clusters` selectors.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Overrides of any fleet-wide `prometheus` field for this cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prometheus: Option<Prometheus>,
}
