//! Alerting rules and SLOs of one cluster.

use std::collections::BTreeMap;

use crate::spec::DurationText;

/// One PrometheusRule: the alerts of one service.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleFileModel {
    pub service: String,
    pub team: String,
    pub shard: String,
    pub namespace: String,
    pub origin: String,
    /// Extra object labels (`prometheus.rule_labels`).
    pub object_labels: BTreeMap<String, String>,
    pub alerts: Vec<AlertModel>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AlertModel {
    pub name: String,
    pub expr: String,
    pub for_: Option<String>,
    pub keep_firing_for: Option<String>,
    /// `severity`, `team`, `service` and the spec's extra labels.
    pub labels: BTreeMap<String, String>,
    /// `summary`, `description`, `runbook_url` and the spec's `annotations`.
    pub annotations: BTreeMap<String, String>,
}

/// One SLO, with its SLI as two PromQL templates over `{{window}}`.
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
    /// Objective in percent, e.g. 99.9.
    pub objective: f64,
    /// The SLO period as written (`30d`) and in hours.
    pub window: DurationText,
    pub window_hours: f64,
    pub description: Option<String>,
    /// Rate of bad events, with `{{window}}` for the range.
    pub errors: String,
    /// Rate of all events, with `{{window}}` for the range.
    pub total: String,
    pub alert_name: String,
    /// Severity of the page alert; `None` when disabled.
    pub page: Option<String>,
    /// Severity of the ticket alert; `None` when disabled.
    pub ticket: Option<String>,
    pub min_events: Option<u64>,
}

impl SloModel {
    /// Sloth's `sloth_id`.
    pub fn id(&self) -> String {
        format!("{}-{}", self.service, self.name)
    }
}
