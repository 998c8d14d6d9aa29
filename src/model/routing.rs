//! The Alertmanager routing model of one cluster: the receivers, routes and
//! routing tests selected for it, matchers parsed, defaults applied.

use std::collections::{BTreeMap, BTreeSet};

use crate::routing::time::Period;
use crate::routing::{Matcher, RouteNode};

/// Where Prometheus Operator mounts the Secrets listed in an Alertmanager's `secrets`.
pub const SECRETS_DIR: &str = "/etc/alertmanager/secrets/";
/// Where Prometheus Operator mounts the keys of the config Secret (templates).
pub const CONFIG_DIR: &str = "/etc/alertmanager/config/";
/// The template file generated next to the config.
pub const TEMPLATE_FILE: &str = "monocle.tmpl";

/// Template references used when a receiver sets no text of its own; the
/// emitter's template file defines them.
pub const SLACK_TITLE: &str = r#"{{ template "monocle.slack.title" . }}"#;
pub const SLACK_TEXT: &str = r#"{{ template "monocle.slack.text" . }}"#;
pub const PAGERDUTY_SEVERITY: &str = r#"{{ template "monocle.pagerduty.severity" . }}"#;
pub const PAGERDUTY_DESCRIPTION: &str = r#"{{ template "monocle.pagerduty.description" . }}"#;

/// Receivers, route tree, inhibition rules and routing tests selected for one cluster.
/// `route` is `None` when the spec has no routing: nothing routing-related is emitted.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RoutingModel {
    /// Receivers selected for the cluster, in spec order.
    pub receivers: Vec<ReceiverModel>,
    pub route: Option<RouteModel>,
    pub inhibit: Vec<InhibitModel>,
    /// Routing tests selected for the cluster.
    pub tests: Vec<RoutingTestModel>,
    /// Every time interval of the spec, in spec order.
    pub time_intervals: Vec<TimeIntervalModel>,
    /// `global.resolve_timeout`, as written.
    pub resolve_timeout: Option<String>,
}

/// A named time interval.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeIntervalModel {
    pub name: String,
    pub periods: Vec<PeriodModel>,
}

/// One period of a time interval: its fields as written (emitted) and parsed
/// (evaluated by routing tests).
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodModel {
    /// `(start, end)`, `HH:MM`.
    pub times: Vec<(String, String)>,
    pub weekdays: Vec<String>,
    pub days_of_month: Vec<String>,
    pub months: Vec<String>,
    pub years: Vec<String>,
    pub location: Option<String>,
    pub parsed: Period,
}

impl RoutingModel {
    /// Whether the interval `name` holds the instant `at`: `None` when it
    /// is unknown or one of its locations is outside monocle's table.
    pub fn in_interval(&self, name: &str, at: i64) -> Option<bool> {
        let interval = self.time_intervals.iter().find(|i| i.name == name)?;
        let periods: Vec<Period> = interval.periods.iter().map(|p| p.parsed.clone()).collect();
        crate::routing::time::contains(&periods, at)
    }

    /// The receivers a test's alert notifies: routed as Alertmanager
    /// routes it, then, with `at`, without the deliveries of routes muted
    /// at that instant or outside their active intervals. `None` when an
    /// interval cannot be evaluated.
    pub fn notified(
        &self,
        labels: &BTreeMap<String, String>,
        at: Option<i64>,
    ) -> Option<Vec<String>> {
        let root = self.route.as_ref()?;
        let deliveries = crate::routing::route(root, labels);
        let Some(at) = at else {
            return Some(deliveries.into_iter().map(|d| d.receiver).collect());
        };
        let mut out = Vec::new();
        for d in deliveries {
            let node = crate::routing::router::node_at(root, &d.path)?;
            if !crate::routing::router::silenced(node, |name| self.in_interval(name, at))? {
                out.push(d.receiver);
            }
        }
        Some(out)
    }

    /// Kubernetes Secrets the receivers reference, sorted: by `*_secret`, or
    /// by a `*_file` under `/etc/alertmanager/secrets/<secret>/`. They are
    /// mounted into Alertmanager under `/etc/alertmanager/secrets/<name>/`.
    pub fn secrets(&self) -> Vec<String> {
        let mut secrets = BTreeSet::new();
        for r in &self.receivers {
            let sources = [
                r.slack.as_ref().map(|s| &s.webhook),
                r.pagerduty.as_ref().map(|p| &p.routing_key),
                r.webhook.as_ref().map(|w| &w.url),
                r.email.as_ref().and_then(|e| e.auth_password.as_ref()),
                r.opsgenie.as_ref().map(|o| &o.api_key),
            ];
            secrets.extend(
                sources
                    .into_iter()
                    .flatten()
                    .filter_map(SecretSource::secret),
            );
        }
        secrets.into_iter().map(str::to_owned).collect()
    }
}

#[derive(Debug, Clone, PartialEq)]
/// A receiver; one with no integration at all is a null receiver (its
/// alerts notify no one, e.g. a Watchdog's or a silenced team's).
pub struct ReceiverModel {
    pub name: String,
    pub slack: Option<SlackModel>,
    pub pagerduty: Option<PagerDutyModel>,
    pub webhook: Option<WebhookModel>,
    pub email: Option<EmailModel>,
    pub opsgenie: Option<OpsgenieModel>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WebhookModel {
    pub url: SecretSource,
    /// `None`: Alertmanager's default (resolved notifications are sent).
    pub send_resolved: Option<bool>,
    pub max_alerts: Option<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EmailModel {
    pub to: String,
    pub from: String,
    pub smarthost: String,
    pub auth_username: Option<String>,
    pub auth_password: Option<SecretSource>,
    /// `None`: Alertmanager's default (STARTTLS required).
    pub require_tls: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OpsgenieModel {
    pub api_key: SecretSource,
    pub priority: Option<String>,
    pub responders: Vec<ResponderModel>,
}

/// An Opsgenie responder: its type and the one of name, id, username given.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponderModel {
    pub kind: String,
    pub name: Option<String>,
    pub id: Option<String>,
    pub username: Option<String>,
}

/// Where Alertmanager reads a secret value from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// A file mounted into Alertmanager.
    File(String),
    /// A key of a Kubernetes Secret mounted by the operator.
    Secret { name: String, key: String },
}

impl SecretSource {
    /// The file Alertmanager reads.
    pub fn path(&self) -> String {
        match self {
            SecretSource::File(path) => path.clone(),
            SecretSource::Secret { name, key } => format!("{SECRETS_DIR}{name}/{key}"),
        }
    }

    /// The Kubernetes Secret that must be mounted for [`Self::path`] to exist.
    pub fn secret(&self) -> Option<&str> {
        match self {
            SecretSource::Secret { name, .. } => Some(name),
            SecretSource::File(path) => {
                let rest = path.strip_prefix(SECRETS_DIR)?;
                let (secret, key) = rest.split_once('/')?;
                (!secret.is_empty() && !key.is_empty()).then_some(secret)
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SlackModel {
    pub channel: String,
    pub webhook: SecretSource,
    pub title: String,
    /// Plain-text summary for push and desktop notifications.
    pub fallback: String,
    pub text: String,
    /// `None`: Alertmanager's default (no resolved notifications).
    pub send_resolved: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PagerDutyModel {
    pub routing_key: SecretSource,
    pub severity: String,
    pub description: String,
}

/// A route with the children selected for the cluster.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RouteModel {
    pub receiver: Option<String>,
    pub matchers: Vec<Matcher>,
    pub continue_: bool,
    pub group_by: Option<Vec<String>>,
    pub group_wait: Option<String>,
    pub group_interval: Option<String>,
    pub repeat_interval: Option<String>,
    pub routes: Vec<RouteModel>,
    pub mute_time_intervals: Vec<String>,
    pub active_time_intervals: Vec<String>,
    /// Where the route is in the spec's tree: its index under `routes` at
    /// each level from the root (diagnostics point there; not emitted).
    pub at: Vec<usize>,
}

impl RouteNode for RouteModel {
    fn matchers(&self) -> &[Matcher] {
        &self.matchers
    }
    fn receiver(&self) -> Option<&str> {
        self.receiver.as_deref()
    }
    fn continues(&self) -> bool {
        self.continue_
    }
    fn routes(&self) -> &[Self] {
        &self.routes
    }
    fn mute_time_intervals(&self) -> &[String] {
        &self.mute_time_intervals
    }
    fn active_time_intervals(&self) -> &[String] {
        &self.active_time_intervals
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct InhibitModel {
    pub source: Vec<Matcher>,
    pub target: Vec<Matcher>,
    pub equal: Vec<String>,
}

/// A routing test as evaluated in the cluster: the alert's labels include
/// the external labels Prometheus adds (`cluster`, `region`; see
/// [`crate::routing::test_alert_labels`]).
#[derive(Debug, Clone, PartialEq)]
pub struct RoutingTestModel {
    pub labels: BTreeMap<String, String>,
    pub expect: Vec<String>,
    /// The instant the test evaluates time intervals at (Unix seconds).
    pub at: Option<i64>,
}
