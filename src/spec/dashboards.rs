//! `dashboards`: declarative Grafana dashboards.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{DurationText, SelectorText};

/// A Grafana dashboard.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dashboard {
    /// Stable dashboard uid (DNS-1123 label, at most 40 characters).
    pub uid: String,
    /// Title shown in Grafana.
    pub title: String,
    /// Grafana folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folder: Option<String>,
    /// Dashboard tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Default time range, e.g. `24h` (now-24h to now).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<DurationText>,
    /// Auto-refresh interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh: Option<DurationText>,
    /// Query variables.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variables: Vec<Variable>,
    /// Rows of panels.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<Row>,
    /// Cluster selector; default all clusters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clusters: Option<SelectorText>,
}

/// A dashboard query variable.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Variable {
    /// Variable name, used as `$name` in queries.
    pub name: String,
    /// Prometheus variable query, e.g. `label_values(up, cluster)`.
    pub query: String,
    /// Allow selecting several values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi: Option<bool>,
}

/// A row of panels.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Row {
    /// Row title.
    pub title: String,
    /// Panels, laid out left to right on the 24-column grid.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub panels: Vec<Panel>,
}

/// Panel type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PanelType {
    Stat,
    Gauge,
    Timeseries,
    Table,
    Piechart,
    Logs,
    Text,
}

/// A dashboard panel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Panel {
    /// Panel type.
    #[serde(rename = "type")]
    pub type_: PanelType,
    /// Panel title.
    pub title: String,
    /// One PromQL query (Prometheus datasource).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expr: Option<String>,
    /// Several PromQL queries with legends.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub queries: Vec<PanelQuery>,
    /// A LogQL query (Loki datasource).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logql: Option<String>,
    /// Markdown content of a text panel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// Grafana unit id, e.g. `percent`, `s`, `bytes`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Absolute thresholds, lowest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub thresholds: Vec<Threshold>,
    /// Width in grid columns (of 24); the rest of a row is shared evenly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    /// Height in grid rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
}

/// A PromQL query of a panel.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PanelQuery {
    /// PromQL expression.
    pub expr: String,
    /// Legend format, e.g. `{{cluster}}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legend: Option<String>,
}

/// A threshold step.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    /// Lower bound of the step.
    pub value: f64,
    /// Colour name or `#rrggbb`.
    pub color: String,
}
