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
    Bargauge,
    Heatmap,
    Logs,
    Text,
}

/// How a timeseries stacks its series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stack {
    None,
    Normal,
    Percent,
}

/// How a timeseries draws its series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Draw {
    Lines,
    Bars,
    Points,
}

/// How a legend lists the series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LegendMode {
    List,
    Table,
    Hidden,
}

/// Where a legend goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LegendPlacement {
    Bottom,
    Right,
}

/// A value a legend shows for each series (Grafana's reducer ids).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum LegendCalc {
    #[serde(rename = "lastNotNull")]
    LastNotNull,
    #[serde(rename = "last")]
    Last,
    #[serde(rename = "firstNotNull")]
    FirstNotNull,
    #[serde(rename = "first")]
    First,
    #[serde(rename = "mean")]
    Mean,
    #[serde(rename = "median")]
    Median,
    #[serde(rename = "min")]
    Min,
    #[serde(rename = "max")]
    Max,
    #[serde(rename = "sum")]
    Sum,
    #[serde(rename = "count")]
    Count,
    #[serde(rename = "range")]
    Range,
    #[serde(rename = "delta")]
    Delta,
    #[serde(rename = "diff")]
    Diff,
    #[serde(rename = "stdDev")]
    StdDev,
    #[serde(rename = "variance")]
    Variance,
}

impl LegendCalc {
    /// Grafana's reducer id.
    pub fn id(self) -> &'static str {
        match self {
            LegendCalc::LastNotNull => "lastNotNull",
            LegendCalc::Last => "last",
            LegendCalc::FirstNotNull => "firstNotNull",
            LegendCalc::First => "first",
            LegendCalc::Mean => "mean",
            LegendCalc::Median => "median",
            LegendCalc::Min => "min",
            LegendCalc::Max => "max",
            LegendCalc::Sum => "sum",
            LegendCalc::Count => "count",
            LegendCalc::Range => "range",
            LegendCalc::Delta => "delta",
            LegendCalc::Diff => "diff",
            LegendCalc::StdDev => "stdDev",
            LegendCalc::Variance => "variance",
        }
    }
}

/// A panel's legend.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Legend {
    /// `list` (default), `table` (one line per series, with `calcs` as
    /// columns) or `hidden`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<LegendMode>,
    /// `bottom` (default) or `right`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placement: Option<LegendPlacement>,
    /// Values shown for each series, e.g. `[lastNotNull, max]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calcs: Vec<LegendCalc>,
}

/// What a query returns to Grafana.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QueryFormat {
    TimeSeries,
    Table,
    Heatmap,
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
    /// Shown when hovering the panel's title (Markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
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
    /// Decimals shown (default: Grafana picks by the value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 20))]
    pub decimals: Option<u32>,
    /// Lowest value of the axis or gauge (default: from the data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Highest value of the axis or gauge (default: from the data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Absolute thresholds, lowest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub thresholds: Vec<Threshold>,
    /// Timeseries: stack the series (`normal`, `percent`) or not (`none`,
    /// default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stack: Option<Stack>,
    /// Timeseries: opacity of the area under a line, 0 to 100 (default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 100))]
    pub fill_opacity: Option<u32>,
    /// Timeseries: `lines` (default), `bars` or `points`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draw: Option<Draw>,
    /// Timeseries: connect lines across missing points (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span_nulls: Option<bool>,
    /// Minimum query interval (`$__interval` never goes below it), e.g. `1m`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<DurationText>,
    /// Legend of a timeseries, piechart, bargauge or heatmap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legend: Option<Legend>,
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
    /// Query one instant (the end of the range) instead of the range
    /// (default: instant for tables and pie charts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instant: Option<bool>,
    /// `time_series`, `table` or `heatmap` (default: `table` for tables,
    /// `heatmap` for heatmaps, otherwise `time_series`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<QueryFormat>,
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
