//! Alerting rules and SLOs of one cluster.

use std::collections::BTreeMap;

use crate::promql::escape;
use crate::spec::DurationText;
use crate::units::Duration;

/// One PrometheusRule in its own file: one rule group.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleFileModel {
    /// Path under the cluster's folder, e.g. `rules/velero.yaml`.
    pub path: String,
    /// Name of the PrometheusRule object.
    pub object: String,
    /// Name of the rule group.
    pub group: String,
    /// Evaluation interval of the group, when the spec sets one.
    pub interval: Option<String>,
    /// The team of its rules, when they all have the same one.
    pub team: Option<String>,
    pub shard: String,
    pub namespace: String,
    pub origin: String,
    /// Extra object labels (`prometheus.rule_labels`).
    pub object_labels: BTreeMap<String, String>,
    /// Its rules, in spec order.
    pub rules: Vec<RuleModel>,
}

/// One rule of a group.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleModel {
    Alert(AlertModel),
    Record(RecordModel),
}

/// A recording rule.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordModel {
    pub record: String,
    /// The service it belongs to, if any.
    pub service: Option<String>,
    pub expr: String,
    pub labels: BTreeMap<String, String>,
}

impl RuleFileModel {
    /// The alerting rules of the group.
    pub fn alerts(&self) -> impl Iterator<Item = &AlertModel> {
        self.rules.iter().filter_map(|r| match r {
            RuleModel::Alert(a) => Some(a),
            RuleModel::Record(_) => None,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AlertModel {
    pub name: String,
    /// The service it belongs to, if any.
    pub service: Option<String>,
    pub expr: String,
    pub for_: Option<String>,
    pub keep_firing_for: Option<String>,
    /// `severity`, `team`, `service` and the spec's extra labels.
    pub labels: BTreeMap<String, String>,
    /// `summary`, `description`, `runbook_url` and the spec's `annotations`.
    pub annotations: BTreeMap<String, String>,
}

/// The window placeholder of SLI queries.
pub const WINDOW: &str = "{{window}}";

/// One SLO, with its SLI as PromQL templates over `{{window}}`.
#[derive(Debug, Clone, PartialEq)]
pub struct SloModel {
    pub service: String,
    pub team: String,
    pub shard: String,
    pub namespace: String,
    pub origin: String,
    /// Extra object labels (`prometheus.rule_labels`).
    pub object_labels: BTreeMap<String, String>,
    pub name: String,
    /// Sloth's `sloth_id` (`<service>-<name>`, as written).
    pub id: String,
    /// The id as file and object names use it: lowercased, characters
    /// other than letters, digits and `-` replaced by `-`.
    pub file_id: String,
    /// Objective in percent, e.g. 99.9.
    pub objective: f64,
    /// The SLO period, as written (`30d`: it names the recorded series)
    /// and typed.
    pub window: DurationText,
    /// Error budget as a ratio (0.001 for 99.9%).
    pub error_budget: f64,
    pub description: Option<String>,
    /// The SLO's `labels`, on every recording rule and both alerts.
    pub labels: BTreeMap<String, String>,
    pub sli: SliModel,
    /// The windows the SLI is recorded over besides the period, shortest
    /// first: every window of the burn-rate conditions.
    pub sli_windows: Vec<Duration>,
    pub alert_name: String,
    /// The fast-burn alert.
    pub page: BurnAlertModel,
    /// The slow-burn alert.
    pub ticket: BurnAlertModel,
    pub min_events: Option<u64>,
}

/// An SLI as PromQL templates over `{{window}}`.
#[derive(Debug, Clone, PartialEq)]
pub enum SliModel {
    /// Rates of bad and of all events (event and latency SLIs).
    Events { errors: String, total: String },
    /// The error ratio itself.
    Raw { error_ratio: String },
}

impl SliModel {
    /// The rate of all events, when the SLI has one.
    pub fn total(&self) -> Option<&str> {
        match self {
            SliModel::Events { total, .. } => Some(total),
            SliModel::Raw { .. } => None,
        }
    }
}

/// One multiwindow burn-rate alert (page or ticket) of an SLO.
#[derive(Debug, Clone, PartialEq)]
pub struct BurnAlertModel {
    /// Severity label; `None` when the alert is disabled (its conditions
    /// still set the thresholds the SLO's unit test and dashboard use).
    pub severity: Option<String>,
    /// Either condition fires the alert.
    pub conditions: [BurnConditionModel; 2],
    /// The rule's labels: monocle's (`service`, `severity`, `slo`,
    /// `sloth_severity`, `team`), the SLO's `labels`, `alerting.labels`
    /// and the alert's own.
    pub labels: BTreeMap<String, String>,
    /// The rule's annotations: monocle's (`description`, `summary`,
    /// `title`) under `alerting.annotations` under the alert's own.
    pub annotations: BTreeMap<String, AnnotationModel>,
}

/// An annotation of an SLO alert.
#[derive(Debug, Clone, PartialEq)]
pub struct AnnotationModel {
    /// The Go template as written into the rule.
    pub text: String,
    /// What Prometheus renders it as, when that is known without the
    /// alert's labels and value (the SLO's unit test expects it).
    pub renders_as: Option<String>,
}

/// Fires when the error ratio over both windows exceeds `factor` × the
/// error budget.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BurnConditionModel {
    pub short: Duration,
    pub long: Duration,
    /// Burn rate: the error budget share this condition lets burn over
    /// `long`, scaled to the SLO window (30d: 14.4, 6, 3, 1).
    pub factor: f64,
}

impl SloModel {
    /// Label matchers selecting this SLO's Sloth series.
    pub fn selector(&self) -> String {
        format!(
            "{{sloth_id=\"{}\", sloth_service=\"{}\", sloth_slo=\"{}\"}}",
            escape(&self.id),
            escape(&self.service),
            escape(&self.name)
        )
    }
}
