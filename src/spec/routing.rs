//! `routing`: Alertmanager receivers, route tree, inhibition and tests.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{
    DayOfMonthRangeText, DurationText, InstantText, MonthRangeText, SelectorText, TimeOfDayText,
    WeekdayRangeText, YearRangeText,
};

/// Alert routing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Routing {
    /// Notification receivers (lists from several files are concatenated).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub receivers: Vec<Receiver>,
    /// The root of the route tree (in one file only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<Route>,
    /// Child routes of the root, written in any file (a team's routes in
    /// the team's file). They follow the root's own `routes`, ordered by
    /// file path, then by position in the file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<Route>,
    /// Inhibition rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inhibit: Vec<Inhibit>,
    /// Routing tests, evaluated at compile time.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tests: Vec<RoutingTest>,
    /// Named sets of times that routes mute or are active in
    /// (`mute_time_intervals`, `active_time_intervals`); any file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub time_intervals: Vec<TimeInterval>,
    /// Alertmanager's global settings (in one file only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global: Option<RoutingGlobal>,
}

/// Alertmanager's `global` section.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoutingGlobal {
    /// How long after its last update an alert without an end time is
    /// resolved (Alertmanager's default `5m`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolve_timeout: Option<DurationText>,
}

/// A named time interval: the instants in any of its `intervals`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeInterval {
    /// Name, unique; routes refer to it.
    pub name: String,
    /// Periods; an instant is in the interval when it is in any of them.
    pub intervals: Vec<TimePeriod>,
}

/// A period: the instants that satisfy every list given (a list left out
/// allows everything; within a list any entry).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimePeriod {
    /// Times of day, `start` included, `end` excluded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub times: Vec<TimeRange>,
    /// Weekdays, e.g. `monday:friday`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weekdays: Vec<WeekdayRangeText>,
    /// Days of the month, e.g. `1:7`; negative counts from the month's end.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub days_of_month: Vec<DayOfMonthRangeText>,
    /// Months, e.g. `december` or `1:3`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub months: Vec<MonthRangeText>,
    /// Years, e.g. `2026:2027`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub years: Vec<YearRangeText>,
    /// IANA time zone the fields are read in, e.g. `Europe/Berlin`; default UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// A range of the day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeRange {
    /// Start, `HH:MM` (included).
    pub start: TimeOfDayText,
    /// End, `HH:MM` (excluded; `24:00` is the end of the day).
    pub end: TimeOfDayText,
}

/// A notification receiver. Secrets are referenced by file or Kubernetes
/// Secret, never written inline: generated files are committed to git.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Receiver {
    /// Receiver name, unique.
    pub name: String,
    /// Slack notifications.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slack: Option<Slack>,
    /// PagerDuty notifications.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagerduty: Option<PagerDuty>,
    /// HTTP POSTs of Alertmanager's webhook payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook: Option<Webhook>,
    /// Email notifications.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Email>,
    /// Opsgenie alerts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opsgenie: Option<Opsgenie>,
    /// Cluster selector; default all clusters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clusters: Option<SelectorText>,
}

/// A key of a Kubernetes Secret in the Alertmanager namespace.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretRef {
    /// Secret name.
    pub name: String,
    /// Key in the Secret.
    pub key: String,
}

/// A receiver kind's credential fields: its secret (a Slack webhook URL, a
/// PagerDuty routing key) is read from a file mounted into Alertmanager or
/// from a key of a Kubernetes Secret, exactly one of the two, never written
/// inline. Every kind names its pair here, so checks and lowering treat all
/// kinds alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CredentialFields {
    /// The receiver kind's key, e.g. `slack`.
    pub kind: &'static str,
    /// What the secret is, e.g. `webhook URL`.
    pub what: &'static str,
    /// The field naming a file, e.g. `webhook_url_file`.
    pub file: &'static str,
    /// The field naming a Secret key, e.g. `webhook_secret`.
    pub secret: &'static str,
    /// The credential may be left out (an email receiver without SMTP
    /// authentication); it is never given twice.
    pub optional: bool,
}

pub const SLACK_WEBHOOK: CredentialFields = CredentialFields {
    kind: "slack",
    what: "webhook URL",
    file: "webhook_url_file",
    secret: "webhook_secret",
    optional: false,
};

pub const PAGERDUTY_KEY: CredentialFields = CredentialFields {
    kind: "pagerduty",
    what: "routing key",
    file: "routing_key_file",
    secret: "routing_key_secret",
    optional: false,
};

pub const WEBHOOK_URL: CredentialFields = CredentialFields {
    kind: "webhook",
    what: "webhook URL",
    file: "url_file",
    secret: "url_secret",
    optional: false,
};

pub const EMAIL_PASSWORD: CredentialFields = CredentialFields {
    kind: "email",
    what: "SMTP password",
    file: "auth_password_file",
    secret: "auth_password_secret",
    optional: true,
};

pub const OPSGENIE_KEY: CredentialFields = CredentialFields {
    kind: "opsgenie",
    what: "API key",
    file: "api_key_file",
    secret: "api_key_secret",
    optional: false,
};

/// Every receiver kind's credential fields.
pub const CREDENTIALS: &[CredentialFields] = &[
    SLACK_WEBHOOK,
    PAGERDUTY_KEY,
    WEBHOOK_URL,
    EMAIL_PASSWORD,
    OPSGENIE_KEY,
];

/// A receiver kind's credential as written: by file or by Secret.
#[derive(Debug, Clone, Copy)]
pub struct Credential<'a> {
    pub fields: &'static CredentialFields,
    pub file: Option<&'a str>,
    pub secret: Option<&'a SecretRef>,
}

/// Slack settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Slack {
    /// Channel, e.g. `#alerts`.
    pub channel: String,
    /// File holding the webhook URL, mounted into Alertmanager.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_url_file: Option<String>,
    /// Kubernetes Secret holding the webhook URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_secret: Option<SecretRef>,
    /// Message title template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Message text template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Also notify when alerts resolve.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_resolved: Option<bool>,
}

impl Slack {
    pub fn credential(&self) -> Credential<'_> {
        Credential {
            fields: &SLACK_WEBHOOK,
            file: self.webhook_url_file.as_deref(),
            secret: self.webhook_secret.as_ref(),
        }
    }
}

/// PagerDuty settings (Events API v2).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PagerDuty {
    /// File holding the integration routing key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routing_key_file: Option<String>,
    /// Kubernetes Secret holding the routing key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routing_key_secret: Option<SecretRef>,
    /// PagerDuty severity template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
}

impl PagerDuty {
    pub fn credential(&self) -> Credential<'_> {
        Credential {
            fields: &PAGERDUTY_KEY,
            file: self.routing_key_file.as_deref(),
            secret: self.routing_key_secret.as_ref(),
        }
    }
}

/// Webhook settings: Alertmanager POSTs its JSON payload to the URL.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Webhook {
    /// File holding the URL (it may carry a token), mounted into Alertmanager.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_file: Option<String>,
    /// Kubernetes Secret holding the URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_secret: Option<SecretRef>,
    /// Also notify when alerts resolve (Alertmanager's default: yes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_resolved: Option<bool>,
    /// At most this many alerts per message (0, the default: all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_alerts: Option<u32>,
}

impl Webhook {
    pub fn credential(&self) -> Credential<'_> {
        Credential {
            fields: &WEBHOOK_URL,
            file: self.url_file.as_deref(),
            secret: self.url_secret.as_ref(),
        }
    }
}

/// Email settings (SMTP).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Email {
    /// Recipient address(es), comma-separated; a Go template.
    pub to: String,
    /// Sender address.
    pub from: String,
    /// SMTP server, `host:port`.
    pub smarthost: String,
    /// SMTP user, when the server needs authentication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_username: Option<String>,
    /// File holding the SMTP password, mounted into Alertmanager.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_password_file: Option<String>,
    /// Kubernetes Secret holding the SMTP password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_password_secret: Option<SecretRef>,
    /// Require STARTTLS (Alertmanager's default: yes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_tls: Option<bool>,
}

impl Email {
    pub fn credential(&self) -> Credential<'_> {
        Credential {
            fields: &EMAIL_PASSWORD,
            file: self.auth_password_file.as_deref(),
            secret: self.auth_password_secret.as_ref(),
        }
    }
}

/// Opsgenie settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Opsgenie {
    /// File holding the API key, mounted into Alertmanager.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_file: Option<String>,
    /// Kubernetes Secret holding the API key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_secret: Option<SecretRef>,
    /// Priority, `P1` to `P5`, or a Go template giving one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    /// Who the alert goes to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub responders: Vec<OpsgenieResponder>,
}

impl Opsgenie {
    pub fn credential(&self) -> Credential<'_> {
        Credential {
            fields: &OPSGENIE_KEY,
            file: self.api_key_file.as_deref(),
            secret: self.api_key_secret.as_ref(),
        }
    }
}

/// An Opsgenie responder, by exactly one of `name`, `id` and `username`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OpsgenieResponder {
    /// What the responder is.
    #[serde(rename = "type")]
    pub kind: ResponderKind,
    /// The team's, schedule's or escalation's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its Opsgenie id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// A user's username.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}

/// Opsgenie responder types.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResponderKind {
    /// A team, by `name` or `id`.
    #[default]
    Team,
    /// Several teams (`name`: comma-separated team names).
    Teams,
    /// A user, by `username` or `id`.
    User,
    /// An escalation, by `name` or `id`.
    Escalation,
    /// A schedule, by `name` or `id`.
    Schedule,
}

impl ResponderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ResponderKind::Team => "team",
            ResponderKind::Teams => "teams",
            ResponderKind::User => "user",
            ResponderKind::Escalation => "escalation",
            ResponderKind::Schedule => "schedule",
        }
    }
}

/// A node of the Alertmanager route tree.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// Alertmanager matchers, e.g. `severity="critical"` (all must match).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub matchers: Vec<String>,
    /// Receiver of alerts that stop here (required on the root).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receiver: Option<String>,
    /// Keep matching later siblings after this route matched.
    #[serde(default, rename = "continue", skip_serializing_if = "Option::is_none")]
    pub continue_: Option<bool>,
    /// Labels alerts are grouped by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_by: Option<Vec<String>>,
    /// Wait before the first notification of a group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_wait: Option<DurationText>,
    /// Wait before notifying about new alerts of a group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_interval: Option<DurationText>,
    /// Wait before re-sending a notification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat_interval: Option<DurationText>,
    /// Child routes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<Route>,
    /// Time intervals in which this route notifies no one (it still
    /// matches; not on the root).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mute_time_intervals: Vec<String>,
    /// Time intervals outside which this route notifies no one (it still
    /// matches; not on the root).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub active_time_intervals: Vec<String>,
    /// Cluster selector; default all clusters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clusters: Option<SelectorText>,
}

/// An inhibition rule: alerts matching `target` are muted while one matching
/// `source` fires with equal values for `equal`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Inhibit {
    /// Matchers of the muting alert.
    pub source: Vec<String>,
    /// Matchers of the muted alerts.
    pub target: Vec<String>,
    /// Labels that must be equal in both.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub equal: Vec<String>,
}

/// A routing test: an alert's labels and the receivers it must reach, in order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoutingTest {
    /// Labels of the test alert.
    pub alert: BTreeMap<String, String>,
    /// Expected receivers, in order: those notified, when `at` is given
    /// (routes muted then, or not active then, notify no one).
    pub expect: Vec<String>,
    /// The instant the alert fires at, RFC 3339, for routes with time
    /// intervals; without it time intervals are ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<InstantText>,
    /// Cluster selector; default all clusters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clusters: Option<SelectorText>,
}
