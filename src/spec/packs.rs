//! `packs`: calibrated monitoring a spec takes in and tunes, and the
//! `pack` header of a pack file.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{DurationText, SelectorText};

/// A pack the spec takes in: a built-in one (`kubernetes`, `etcd`, ...) or
/// a pack folder of the spec's own.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackEntry {
    /// A built-in pack (`monocle packs` lists them) or the path of a pack
    /// folder holding `pack.yaml`, relative to this file (`./packs/company`).
    pub name: String,
    /// The clusters that get this pack. The same pack may be listed again
    /// with other, disjoint `clusters` to tune it per cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clusters: Option<SelectorText>,
    /// The Prometheus shard that scrapes the pack's services and evaluates
    /// its rules, when the spec has several shards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
    /// Values for the pack's params (`monocle packs show NAME` lists them).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, ParamValue>,
    /// Per-alert tuning, by alert name: applies to every alert of that name
    /// in the pack.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub alerts: BTreeMap<String, AlertOverride>,
}

/// A param's value: its type is the pack's to say.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ParamValue {
    Number(f64),
    Text(String),
}

/// Tuning of one alert of a pack.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertOverride {
    /// `true` leaves the alert out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
    /// How long the expression must hold before the alert fires.
    #[serde(default, rename = "for", skip_serializing_if = "Option::is_none")]
    pub for_: Option<DurationText>,
    /// The alert's severity (one of `severities`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    /// Labels added to the alert (a pack's own label of the same key is replaced).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Annotations added to the alert (`summary`, `description`, `runbook_url`, ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    /// The value the alert's expression compares with (`{{ threshold }}` in the pack).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
}

/// The `pack` section of a pack's `pack.yaml`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackHeader {
    /// The pack's name.
    pub name: String,
    /// One line: what the pack monitors.
    #[serde(default)]
    pub description: String,
    /// What a user must know to run it (shown by `monocle packs show`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Severities the pack's alerts use beyond the spec's (`none` for a Watchdog).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub severities: Vec<String>,
    /// The params a spec may set, used in the pack as `{{ params.<name> }}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, ParamSpec>,
}

/// One param of a pack.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParamSpec {
    #[serde(rename = "type")]
    pub kind: ParamType,
    pub default: ParamValue,
    #[serde(default)]
    pub description: String,
}

/// What a param holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ParamType {
    /// A Prometheus duration (`5m`).
    Duration,
    /// Any number.
    Number,
    /// A number from 0 to 100.
    Percent,
    /// One of the spec's `severities`.
    Severity,
    /// A Kubernetes label selector.
    Selector,
    /// Any text.
    String,
}

impl ParamType {
    pub fn name(self) -> &'static str {
        match self {
            ParamType::Duration => "duration",
            ParamType::Number => "number",
            ParamType::Percent => "percent",
            ParamType::Severity => "severity",
            ParamType::Selector => "selector",
            ParamType::String => "string",
        }
    }
}

impl ParamValue {
    /// The value as it is substituted into text.
    pub fn text(&self) -> String {
        match self {
            // Rust prints `1.0` as `1`, as PromQL authors write it.
            ParamValue::Number(n) => n.to_string(),
            ParamValue::Text(t) => t.clone(),
        }
    }
}
