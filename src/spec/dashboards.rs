//! `dashboards`: declarative Grafana dashboards.

use std::collections::BTreeMap;

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
    /// What the dashboard is for (shown in Grafana's dashboard settings and
    /// search), before monocle's "generated" note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `browser` (default), `utc`, or a time zone such as `Europe/Paris`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Links shown at the top of the dashboard.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// Events drawn on every time series: a PromQL or LogQL query whose
    /// results are the events.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub annotations: Vec<Annotation>,
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

/// A link (of a dashboard or a panel).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Link {
    /// Text of the link.
    pub title: String,
    /// Where it goes; may use variables (`/d/abc?var-cluster=$cluster`).
    pub url: String,
}

/// An annotation query: its results are events drawn on time series.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Annotation {
    /// Name of the toggle at the top of the dashboard.
    pub name: String,
    /// PromQL query (Prometheus datasource): an event where it has a value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expr: Option<String>,
    /// LogQL query (Loki datasource): an event per log line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logql: Option<String>,
    /// Colour of the events: a Grafana colour name or `#rrggbb`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
}

/// Kind of a dashboard variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VariableType {
    #[default]
    Query,
    Custom,
    Interval,
    Constant,
    Textbox,
    Datasource,
}

/// What of a variable the dashboard shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VariableHide {
    #[default]
    Nothing,
    Label,
    Variable,
}

/// Order of a variable's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VariableSort {
    None,
    #[default]
    Alphabetical,
    AlphabeticalDesc,
    Numerical,
    NumericalDesc,
    CaseInsensitive,
    CaseInsensitiveDesc,
    Natural,
    NaturalDesc,
}

/// A dashboard variable.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Variable {
    /// Variable name, used as `$name` in queries.
    pub name: String,
    /// `query` (default), `custom`, `interval`, `constant`, `textbox` or
    /// `datasource`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<VariableType>,
    /// Shown instead of the name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// A query variable's Prometheus query, e.g. `label_values(up,
    /// cluster)`; a constant's value; a text box's default; a datasource
    /// variable's plugin (`prometheus`, `loki`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// The values of a custom variable, or of an interval variable
    /// (durations).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// Allow selecting several values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi: Option<bool>,
    /// Offer "All" (default: when `multi`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_all: Option<bool>,
    /// What "All" stands for (default `.*`, for `=~` matchers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all_value: Option<String>,
    /// `nothing` (default; a constant: `variable`), `label` or `variable`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hide: Option<VariableHide>,
    /// Keep only the values this regex matches (its first group, if any).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
    /// Order of the values (default `alphabetical`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<VariableSort>,
}

/// A row of panels.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Row {
    /// Row title.
    pub title: String,
    /// Start collapsed: the panels show when the row is opened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collapsed: Option<bool>,
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
    /// Links shown in the panel's corner.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// Options of some fields (series or columns) that differ from the
    /// panel's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<Override>,
    /// Grafana transformations of the query results, in order (instead of
    /// monocle's default ones for tables).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transformations: Vec<Transformation>,
    /// Repeat the panel for each selected value of this variable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat: Option<String>,
    /// `horizontal` (default) or `vertical`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat_direction: Option<RepeatDirection>,
    /// Width in grid columns (of 24); the rest of a row is shared evenly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    /// Height in grid rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
}

/// Which way a repeated panel's copies go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RepeatDirection {
    #[default]
    Horizontal,
    Vertical,
}

/// Options of the fields an override matches.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// Which fields: exactly one of `name`, `regex` or `query`.
    #[serde(rename = "match")]
    pub match_: OverrideMatch,
    /// Grafana unit id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Decimals shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 20))]
    pub decimals: Option<u32>,
    /// Lowest value of the fields' axis or gauge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Highest value of the fields' axis or gauge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Data links of the fields: each value links to a url, which may use
    /// variables and the value's row (`${__data.fields.Pod}`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// A fixed colour: a Grafana colour name or `#rrggbb`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Name shown instead of the field's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Hide the fields (a table's columns; a series from the chart,
    /// legend and tooltip).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden: Option<bool>,
}

/// The fields an override applies to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OverrideMatch {
    /// The field (column or series) of this name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The fields whose names this regex matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
    /// The fields of one query of the panel, by its Grafana refId: `A` is
    /// the first query, `B` the second, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
}

/// A Grafana transformation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Transformation {
    /// Merge the results of all queries into one table.
    Merge,
    /// Rename, and drop, columns.
    Organize(Organize),
    /// Join the results of all queries on one field (an outer join).
    JoinByField(JoinByField),
}

/// Columns to rename and to drop.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Organize {
    /// New names, by column name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub rename: BTreeMap<String, String>,
    /// Columns to drop.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
}

/// The field the queries' results are joined on.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinByField {
    /// Field name, e.g. `pod`.
    pub field: String,
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
