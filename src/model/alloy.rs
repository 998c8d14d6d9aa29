//! The Grafana Alloy configuration of one cluster: pod logs of selected
//! namespaces parsed and shipped to Loki, and optionally the generated
//! ServiceMonitors and PodMonitors scraped and remote-written.

use std::collections::BTreeMap;

/// The ConfigMap holding the config, and the key Alloy's Helm chart reads.
pub const CONFIG_MAP_NAME: &str = "alloy-config";
pub const CONFIG_KEY: &str = "config.alloy";

/// Gin's default access log line (`gin.Logger()` without colours, as it
/// writes when stdout is not a terminal, e.g. in a pod):
///
/// ```text
/// [GIN] 2024/01/02 - 15:04:05 | 200 |    1.234ms |        10.0.0.1 | GET      "/path"
/// ```
///
/// The status, latency and client IP are padded; the path is Go-quoted.
/// Named groups: `status`, `latency`, `client_ip`, `method`, `path`.
pub const GIN_ACCESS_LOG: &str = r#"^\[GIN\] \d{4}/\d{2}/\d{2} - \d{2}:\d{2}:\d{2} \|\s*(?P<status>\d{3})\s*\|\s*(?P<latency>[^|\s]+)\s*\|\s*(?P<client_ip>[^|\s]*)\s*\|\s*(?P<method>[A-Z]+)\s+"(?P<path>(?:[^"\\]|\\.)*)""#;

/// Alloy for one cluster.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AlloyModel {
    /// The cluster's name: the `cluster` label of every log line and the
    /// `cluster` external label of every scraped series.
    pub cluster: String,
    /// Namespace of the ConfigMap.
    pub namespace: String,
    /// The spec file the `alloy` section came from.
    pub origin: String,
    /// Log pipelines, when any is selected for the cluster.
    pub logs: Option<LogsModel>,
    /// Scraping of the generated monitors (`scrape: servicemonitors`).
    pub metrics: Option<MetricsModel>,
}

/// The log pipelines of a cluster and where they push.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LogsModel {
    /// Loki push URL.
    pub loki_url: String,
    pub pipelines: Vec<LogPipelineModel>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct LogPipelineModel {
    pub name: String,
    /// Namespaces whose pod logs it takes.
    pub namespaces: Vec<String>,
    pub format: LogFormatModel,
    /// Extracted fields promoted to labels.
    pub labels: Vec<String>,
    /// Values of the extracted `level` field whose lines are dropped.
    pub drop_levels: Vec<String>,
}

/// How a pipeline parses its lines.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum LogFormatModel {
    #[default]
    Json,
    Logfmt,
    /// Gin access logs, parsed with [`GIN_ACCESS_LOG`].
    Gin,
    /// A user regex (RE2) with named groups.
    Regex(String),
}

/// The extracted field that `drop_levels` matches.
pub const LEVEL_FIELD: &str = "level";

/// Scraping of the monitors monocle generates.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MetricsModel {
    /// Remote-write URL.
    pub url: String,
    /// Where the monitors live (the Prometheus namespace).
    pub monitor_namespace: String,
    /// Labels every generated monitor carries.
    pub monitor_labels: BTreeMap<String, String>,
}
