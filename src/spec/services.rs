//! `services`, `alloy`, `alerts` and `slos`: what is scraped and what is
//! judged about it.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{DurationText, SelectorText};

/// A scrape target: one ServiceMonitor (or PodMonitor) per selected cluster.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Service name (DNS-1123 label), unique across the spec.
    pub name: String,
    /// Namespace the workload runs in.
    pub namespace: String,
    /// Owning team; set as the `team` label on alerts.
    pub team: String,
    /// Prometheus shard that scrapes it (optional when there is at most one shard).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
    /// `service` → ServiceMonitor (default), `pod` → PodMonitor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ServiceKind>,
    /// Label selector of the Kubernetes Services (or Pods) to scrape.
    pub selector: SelectorText,
    /// Ports to scrape.
    pub endpoints: Vec<Endpoint>,
    /// Per-scrape sample limit; a scrape over it fails rather than flooding Prometheus.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_limit: Option<u64>,
    /// Label names dropped at scrape time (cardinality control).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drop_labels: Vec<String>,
    /// Metric-name regexes dropped at scrape time.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drop_metrics: Vec<String>,
    /// Cluster selector; default all clusters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clusters: Option<SelectorText>,
}

/// What kind of monitor a service becomes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ServiceKind {
    // ServiceMonitor: targets found through Kubernetes Services.
    #[default]
    Service,
    // PodMonitor: targets found through Pods directly.
    Pod,
}

/// A scraped port.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    /// Name of the port to scrape.
    pub port: String,
    /// HTTP path (default `/metrics`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Scrape interval (default: the Prometheus scrape interval).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<DurationText>,
    /// `http` (default) or `https`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<Scheme>,
    /// TLS client settings; files live under `/etc/prometheus/secrets/<secret>/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<Tls>,
    /// Keep the target's own labels when they clash with the labels the operator
    /// sets (`job`, `namespace`, `service`, `pod`, `container`, `endpoint`, `instance`)
    /// instead of renaming them to `exported_*`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub honor_labels: Option<bool>,
    /// The Kubernetes Service (or Pod) label whose value becomes `job`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_label: Option<String>,
    /// Bearer token for the scrape, read from a key of a Secret in the monitor's namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bearer_token_secret: Option<super::SecretRef>,
    /// Bearer token read from a file of the Prometheus pod, e.g. its service
    /// account token `/var/run/secrets/kubernetes.io/serviceaccount/token`
    /// (the apiserver, kubelet and control-plane components accept it).
    /// ServiceMonitors only; not with `bearer_token_secret`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bearer_token_file: Option<String>,
    /// Scrape timeout (at most the scrape interval).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scrape_timeout: Option<DurationText>,
    /// HTTP query parameters of the scrape, e.g. `{module: [http_2xx]}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, Vec<String>>,
    /// Relabelings applied to the target before the scrape.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relabelings: Vec<Relabel>,
    /// Relabelings applied to every scraped series.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metric_relabelings: Vec<Relabel>,
}

/// One Prometheus relabel step (Prometheus `relabel_config` semantics).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Relabel {
    /// Labels whose values are joined with `separator` and matched against `regex`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub source_labels: Vec<String>,
    /// Separator between the joined source label values (default `;`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub separator: Option<String>,
    /// RE2 regex, anchored at both ends (default `(.*)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
    /// Label written by `replace`, `hashmod`, `lowercase` and `uppercase`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_label: Option<String>,
    /// Replacement with `$1`-style group references (default `$1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replacement: Option<String>,
    /// Modulus for `hashmod`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modulus: Option<u64>,
    /// What to do (default `replace`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<RelabelAction>,
}

/// A relabel action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RelabelAction {
    Replace,
    Keep,
    Drop,
    Keepequal,
    Dropequal,
    Hashmod,
    Labelmap,
    Labeldrop,
    Labelkeep,
    Lowercase,
    Uppercase,
}

impl RelabelAction {
    /// The action as Prometheus and the operator spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            RelabelAction::Replace => "replace",
            RelabelAction::Keep => "keep",
            RelabelAction::Drop => "drop",
            RelabelAction::Keepequal => "keepequal",
            RelabelAction::Dropequal => "dropequal",
            RelabelAction::Hashmod => "hashmod",
            RelabelAction::Labelmap => "labelmap",
            RelabelAction::Labeldrop => "labeldrop",
            RelabelAction::Labelkeep => "labelkeep",
            RelabelAction::Lowercase => "lowercase",
            RelabelAction::Uppercase => "uppercase",
        }
    }
}

/// URL scheme of a scrape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scheme {
    Http,
    Https,
}

/// TLS client settings of a scrape.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tls {
    /// CA certificate file, e.g. `/etc/prometheus/secrets/etcd-client/ca.crt`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<String>,
    /// Client certificate file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert_file: Option<String>,
    /// Client key file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_file: Option<String>,
    /// Server name checked against the certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_name: Option<String>,
    /// Skip certificate verification (avoid in production).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insecure_skip_verify: Option<bool>,
}

/// Grafana Alloy settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Alloy {
    /// Namespace of the Alloy ConfigMap (default: the Prometheus namespace).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `none` (default) or `servicemonitors`: Alloy also scrapes the generated monitors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scrape: Option<AlloyScrape>,
    /// Remote-write URL for scraped metrics (needed with `scrape: servicemonitors`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics_url: Option<String>,
    /// Loki push URL for logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loki_url: Option<String>,
    /// Log pipelines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub logs: Vec<LogPipeline>,
}

/// What Alloy scrapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlloyScrape {
    None,
    Servicemonitors,
}

/// A log pipeline: pod logs of some namespaces, parsed and shipped to Loki.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LogPipeline {
    /// Pipeline name (DNS-1123 label).
    pub name: String,
    /// Namespaces whose pod logs it collects.
    pub namespaces: Vec<String>,
    /// Log line format.
    pub format: LogFormat,
    /// RE2 regex with named groups (format `regex` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
    /// Extracted fields promoted to Loki labels.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<String>,
    /// Log levels dropped before shipping.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drop_levels: Vec<String>,
    /// Cluster selector; default all clusters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clusters: Option<SelectorText>,
}

/// How log lines are parsed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    #[default]
    Json,
    Logfmt,
    // Gin access logs.
    Gin,
    // A user regex with named groups.
    Regex,
}

/// A Prometheus alerting rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Alert {
    /// Alert name (a valid Prometheus metric name, e.g. `VeleroBackupFailed`).
    pub name: String,
    /// The service it belongs to; sets the `service` and `team` labels, and
    /// the alert goes where the service is scraped. Leave it out for an
    /// alert on targets someone else scrapes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// Prometheus shard that evaluates it, for an alert without `service`
    /// (needed when there are several shards).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
    /// Owning team, set as the `team` label (default: the service's team).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// Rule group (default `<service>.alerts`, or `alerts` without a
    /// service). Each group is one PrometheusRule in its own file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("examples" = ["node-exporter", "kubernetes-apps"]))]
    pub group: Option<String>,
    /// Evaluation interval of the rule group; the rules of a group agree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<DurationText>,
    /// PromQL expression, checked at compile time.
    pub expr: String,
    /// How long the expression must hold before the alert fires.
    #[serde(default, rename = "for", skip_serializing_if = "Option::is_none")]
    pub for_: Option<DurationText>,
    /// How long the alert keeps firing after the expression stops holding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_firing_for: Option<DurationText>,
    /// The `severity` label: one of `severities` (default `critical`,
    /// `warning`, `info`).
    #[schemars(extend("examples" = ["critical", "warning", "info"]))]
    pub severity: String,
    /// One-line summary annotation (Go templates like `{{ $labels.cluster }}` allowed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Longer description annotation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Runbook URL, emitted as the `runbook_url` annotation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runbook: Option<String>,
    /// More annotations (Go templates allowed). `summary`, `description` and
    /// `runbook` above are short forms of `summary`, `description` and
    /// `runbook_url`; writing one both ways is an error.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    /// Extra labels.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Cluster selector; default all clusters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clusters: Option<SelectorText>,
}

/// A Prometheus recording rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// The recorded metric's name (a Prometheus metric name; colons allowed,
    /// e.g. `instance:node_cpu_utilisation:rate5m`).
    pub record: String,
    /// PromQL expression, checked at compile time.
    pub expr: String,
    /// Labels added to the recorded series.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// The service whose series it reads: the rule goes where the service is
    /// scraped (its shard and clusters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// Prometheus shard that evaluates it, for a rule without `service`
    /// (needed when there are several shards).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
    /// Rule group (default `<service>.records`, or `records` without a service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Evaluation interval of the rule group; the rules of a group agree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<DurationText>,
    /// Cluster selector; default all clusters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clusters: Option<SelectorText>,
}

/// A service level objective.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Slo {
    /// SLO name, unique per service: letters, digits, `-`, `_` and `.`,
    /// starting and ending with a letter or digit (Sloth's names). File and
    /// object names use it lowercased, other characters replaced by `-`.
    pub name: String,
    /// The service it measures.
    pub service: String,
    /// Target in percent, 0 < objective < 100, e.g. `99.9`.
    pub objective: f64,
    /// SLO window (default `30d`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<DurationText>,
    /// What the SLO promises, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Labels on every recording rule and both alerts of the SLO (Sloth's
    /// `labels`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// The service level indicator.
    pub sli: Sli,
    /// Burn-rate alerting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alerting: Option<SloAlerting>,
    /// Cluster selector; default all clusters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clusters: Option<SelectorText>,
}

/// Exactly one of `errors` + `total` (event SLI), `raw` or `latency`.
/// `{{.window}}` (Sloth's spelling) may stand for `{{window}}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sli {
    /// PromQL rate of bad events, with `{{window}}` as the range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<String>,
    /// PromQL rate of all events, with `{{window}}` as the range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<String>,
    /// PromQL error ratio (bad events / all events, 0 to 1), with
    /// `{{window}}` as the range (Sloth's `raw.error_ratio_query`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
    /// A latency SLI over a histogram.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<LatencySli>,
}

/// Requests faster than `threshold` are good.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LatencySli {
    /// Histogram metric name (without `_bucket`).
    pub metric: String,
    /// Threshold; must be a bucket boundary (`le`) of the histogram, e.g. `500ms`.
    pub threshold: DurationText,
    /// Extra PromQL label matchers, e.g. `endpoint!="/healthz"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<String>,
}

/// Burn-rate alerting of an SLO.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SloAlerting {
    /// Alert name (default: the SLO name in UpperCamelCase + `BudgetBurn`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Labels on both alerts.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Annotations of both alerts (Go templates allowed); they replace
    /// monocle's `summary` and `title` when they name them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    /// Fast-burn alert (default severity `critical`); `false` disables it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<BurnAlert>,
    /// Slow-burn alert (default severity `warning`); `false` disables it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<BurnAlert>,
    /// Minimum events in the long window before a burn-rate alert may fire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_events: Option<u64>,
}

/// A burn-rate alert: settings, or `false` to disable it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum BurnAlert {
    // `false` disables the alert; `true` keeps the defaults.
    Enabled(bool),
    Settings(BurnAlertSettings),
}

/// Settings of one burn-rate alert.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BurnAlertSettings {
    /// Severity of the alert: one of `severities`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("examples" = ["critical", "warning"]))]
    pub severity: Option<String>,
    /// Labels of this alert only (over the SLO's `alerting.labels`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Annotations of this alert only (over `alerting.annotations`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

/// The burn-rate alert windows of SLOs over one period (Sloth's
/// `AlertWindows`): an SLO whose `window` equals `period` uses them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SloWindows {
    /// The SLO period these windows are for, e.g. `7d`.
    pub period: DurationText,
    /// The page (fast-burn) alert's two conditions.
    pub page: BurnWindows,
    /// The ticket (slow-burn) alert's two conditions.
    pub ticket: BurnWindows,
}

/// The two conditions of a burn-rate alert; either fires it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BurnWindows {
    /// The faster-burning condition (shorter windows).
    pub quick: BurnWindow,
    /// The slower-burning condition.
    pub slow: BurnWindow,
}

/// One multiwindow condition: `budget_percent` of the error budget burns
/// within `long`, and the burn still holds over `short`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BurnWindow {
    /// Share of the period's error budget, in percent (0 < x <= 100), that
    /// burns within `long` when the condition fires.
    pub budget_percent: f64,
    /// The short window (shorter than `long`), e.g. `5m`.
    pub short: DurationText,
    /// The long window, e.g. `1h`.
    pub long: DurationText,
}
