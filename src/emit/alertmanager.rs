//! Alertmanager: the Alertmanager custom resource of the cluster
//! (`alertmanager/main.yaml`), and when the spec has routing, the raw
//! config (`alertmanager/alertmanager.yaml`), its message templates
//! (`alertmanager/monocle.tmpl`) and the Secret `alertmanager-<name>` the
//! operator reads both from (`alertmanager/secret.yaml`).
//!
//! The config is a serialized value, never templated text. Secrets are
//! referenced by file only: `*_file` as written, `*_secret` at the path
//! where the operator mounts the Secrets listed in the resource's `secrets`.

use serde_json::{Map, Value, json};

use super::{Emitted, yaml};
use crate::model::routing::{
    CONFIG_DIR, InhibitModel, PeriodModel, ReceiverModel, RouteModel, TEMPLATE_FILE,
    TimeIntervalModel,
};
use crate::model::{AlertmanagerModel, ClusterModel, MANAGED_BY, MANAGED_BY_LABEL};

/// The config's file name, and its key in the config Secret.
pub const CONFIG_FILE: &str = "alertmanager.yaml";

/// Message templates the default receiver texts refer to. Go templates:
/// Alertmanager parses and renders them. The file starts with the
/// generated header, which is plain text outside any `define`.
pub(crate) const TEMPLATES: &str = r#"{{/*
Default notification texts for monocle's receivers: the alert name,
cluster and severity in the title; per alert its summary, description and
runbook link (annotation `runbook_url`); firing alerts first.
*/}}

{{ define "monocle.title" -}}
[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }}
{{- with .CommonLabels.cluster }} in {{ . }}{{ end }}
{{- with .CommonLabels.severity }} ({{ . }}){{ end }}
{{- end }}

{{ define "monocle.alert" -}}
*{{ .Labels.alertname }}*
{{- with .Labels.cluster }} in `{{ . }}`{{ end }}
{{- with .Labels.severity }} ({{ . }}){{ end }}
{{- with .Annotations.summary }}: {{ . }}{{ end }}
{{- with .Annotations.description }}
    {{ . }}{{ end }}
{{- with .Annotations.runbook_url }}
    Runbook: <{{ . }}>{{ end }}
{{- end }}

{{ define "monocle.slack.title" }}{{ template "monocle.title" . }}{{ end }}

{{ define "monocle.slack.text" -}}
{{ if .Alerts.Firing }}*Firing*
{{ range .Alerts.Firing }}• {{ template "monocle.alert" . }}
{{ end }}{{ end }}
{{- if .Alerts.Resolved }}*Resolved*
{{ range .Alerts.Resolved }}• {{ template "monocle.alert" . }}
{{ end }}{{ end }}
{{- end }}

{{ define "monocle.pagerduty.description" }}{{ template "monocle.title" . }}{{ end }}

{{ define "monocle.pagerduty.severity" -}}
{{ if eq .CommonLabels.severity "critical" "error" "warning" "info" }}{{ .CommonLabels.severity }}{{ else }}critical{{ end }}
{{- end }}
"#;

/// What this emitter reads of a cluster (the key its files are shared by).
/// The routing without its tests, which only `monocle test` reads.
pub struct Input<'a> {
    pub alertmanager: &'a AlertmanagerModel,
    pub receivers: &'a [ReceiverModel],
    pub route: Option<&'a RouteModel>,
    pub inhibit: &'a [InhibitModel],
    pub time_intervals: &'a [TimeIntervalModel],
    pub resolve_timeout: Option<&'a str>,
}

impl<'a> Input<'a> {
    pub fn of(cluster: &'a ClusterModel) -> Self {
        let routing = &cluster.routing;
        Input {
            alertmanager: &cluster.alertmanager,
            receivers: &routing.receivers,
            route: routing.route.as_ref(),
            inhibit: &routing.inhibit,
            time_intervals: &routing.time_intervals,
            resolve_timeout: routing.resolve_timeout.as_deref(),
        }
    }
}

pub fn emit(input: Input<'_>) -> Vec<Emitted> {
    let am = input.alertmanager;
    let mut files = Vec::new();
    if am.managed {
        files.push(yaml::resource(
            "alertmanager/main.yaml".to_owned(),
            None,
            &resource(am),
            true,
        ));
        files.push(yaml::resource(
            "alertmanager/service.yaml".to_owned(),
            None,
            &service(am),
            true,
        ));
    }
    let Some(route) = input.route else {
        return files;
    };
    let config_text = {
        let mut text = yaml::header(None);
        text.push_str(&yaml::to_yaml(&config(&input, route)));
        text
    };
    let templates_text = format!("{}{TEMPLATES}", yaml::header(None));
    let secret = json!({
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": am.config_secret,
            "namespace": am.namespace,
            "labels": labels(),
        },
        "type": "Opaque",
        "stringData": {
            CONFIG_FILE: config_text,
            TEMPLATE_FILE: templates_text,
        },
    });
    files.push(yaml::resource(
        "alertmanager/secret.yaml".to_owned(),
        None,
        &secret,
        true,
    ));
    files.push(Emitted {
        path: format!("alertmanager/{CONFIG_FILE}"),
        bytes: config_text.into_bytes().into(),
        resource: false,
    });
    files.push(Emitted {
        path: format!("alertmanager/{TEMPLATE_FILE}"),
        bytes: templates_text.into_bytes().into(),
        resource: false,
    });
    files
}

/// The Service in front of the managed Alertmanager, which its Prometheus
/// sends to.
pub fn service_name(am: &AlertmanagerModel) -> String {
    format!("alertmanager-{}", am.name)
}

/// Selects exactly this Alertmanager's pods (the operator labels them
/// `alertmanager: <name>`), unlike the namespace-wide `alertmanager-operated`.
fn service(am: &AlertmanagerModel) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {
            "name": service_name(am),
            "namespace": am.namespace,
            "labels": labels(),
        },
        "spec": {
            "selector": { "alertmanager": am.name, "app.kubernetes.io/name": "alertmanager" },
            "ports": [{ "name": "web", "port": 9093, "targetPort": "web" }],
        },
    })
}

fn labels() -> Value {
    json!({ MANAGED_BY_LABEL: MANAGED_BY })
}

/// The Alertmanager custom resource; the operator reads its config from
/// the Secret `alertmanager-<name>` by default.
fn resource(am: &AlertmanagerModel) -> Value {
    let mut spec = Map::new();
    spec.insert("replicas".into(), json!(am.replicas));
    if am.config_secret != format!("alertmanager-{}", am.name) {
        spec.insert("configSecret".into(), json!(am.config_secret));
    }
    if !am.secrets.is_empty() {
        spec.insert("secrets".into(), json!(am.secrets));
    }
    if let Some(storage) = &am.storage {
        spec.insert("storage".into(), super::prometheus::storage_spec(storage));
    }
    json!({
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "Alertmanager",
        "metadata": {
            "name": am.name,
            "namespace": am.namespace,
            "labels": labels(),
        },
        "spec": spec,
    })
}

/// The Alertmanager configuration file.
fn config(input: &Input<'_>, route: &RouteModel) -> Value {
    let mut c = Map::new();
    if let Some(resolve_timeout) = input.resolve_timeout {
        c.insert(
            "global".into(),
            json!({ "resolve_timeout": resolve_timeout }),
        );
    }
    c.insert(
        "templates".into(),
        json!([format!("{CONFIG_DIR}{TEMPLATE_FILE}")]),
    );
    c.insert("route".into(), route_value(route));
    c.insert(
        "receivers".into(),
        Value::Array(input.receivers.iter().map(receiver).collect()),
    );
    if !input.inhibit.is_empty() {
        c.insert(
            "inhibit_rules".into(),
            Value::Array(input.inhibit.iter().map(inhibit).collect()),
        );
    }
    if !input.time_intervals.is_empty() {
        c.insert(
            "time_intervals".into(),
            Value::Array(input.time_intervals.iter().map(time_interval).collect()),
        );
    }
    Value::Object(c)
}

/// A time interval in Alertmanager's form (`time_intervals`, read since
/// 0.24; lists left out of a period stay out).
fn time_interval(i: &TimeIntervalModel) -> Value {
    let periods: Vec<Value> = i
        .periods
        .iter()
        .map(|p| {
            let PeriodModel {
                times,
                weekdays,
                days_of_month,
                months,
                years,
                location,
                parsed: _, // what routing tests evaluate, the same fields
            } = p;
            let mut out = Map::new();
            if !times.is_empty() {
                let times: Vec<Value> = times
                    .iter()
                    .map(|(start, end)| json!({ "start_time": start, "end_time": end }))
                    .collect();
                out.insert("times".into(), Value::Array(times));
            }
            for (key, list) in [
                ("weekdays", weekdays),
                ("days_of_month", days_of_month),
                ("months", months),
                ("years", years),
            ] {
                if !list.is_empty() {
                    out.insert(key.into(), json!(list));
                }
            }
            if let Some(location) = location {
                out.insert("location".into(), json!(location));
            }
            Value::Object(out)
        })
        .collect();
    json!({ "name": i.name, "time_intervals": periods })
}

fn matchers(ms: &[crate::routing::Matcher]) -> Value {
    Value::Array(ms.iter().map(|m| json!(m.to_string())).collect())
}

fn route_value(r: &RouteModel) -> Value {
    let mut out = Map::new();
    if let Some(receiver) = &r.receiver {
        out.insert("receiver".into(), json!(receiver));
    }
    if !r.matchers.is_empty() {
        out.insert("matchers".into(), matchers(&r.matchers));
    }
    if r.continue_ {
        out.insert("continue".into(), json!(true));
    }
    if let Some(group_by) = &r.group_by {
        out.insert("group_by".into(), json!(group_by));
    }
    let intervals = [
        ("group_wait", &r.group_wait),
        ("group_interval", &r.group_interval),
        ("repeat_interval", &r.repeat_interval),
    ];
    for (key, value) in intervals {
        if let Some(value) = value {
            out.insert(key.into(), json!(value));
        }
    }
    for (key, names) in [
        ("mute_time_intervals", &r.mute_time_intervals),
        ("active_time_intervals", &r.active_time_intervals),
    ] {
        if !names.is_empty() {
            out.insert(key.into(), json!(names));
        }
    }
    if !r.routes.is_empty() {
        out.insert(
            "routes".into(),
            Value::Array(r.routes.iter().map(route_value).collect()),
        );
    }
    Value::Object(out)
}

fn receiver(r: &ReceiverModel) -> Value {
    let mut out = Map::new();
    out.insert("name".into(), json!(r.name));
    if let Some(s) = &r.slack {
        let mut slack = Map::new();
        slack.insert("channel".into(), json!(s.channel));
        slack.insert("api_url_file".into(), json!(s.webhook.path()));
        if let Some(send_resolved) = s.send_resolved {
            slack.insert("send_resolved".into(), json!(send_resolved));
        }
        slack.insert("title".into(), json!(s.title));
        slack.insert("fallback".into(), json!(s.fallback));
        slack.insert("text".into(), json!(s.text));
        out.insert("slack_configs".into(), json!([slack]));
    }
    if let Some(p) = &r.pagerduty {
        out.insert(
            "pagerduty_configs".into(),
            json!([{
                "routing_key_file": p.routing_key.path(),
                "severity": p.severity,
                "description": p.description,
            }]),
        );
    }
    if let Some(w) = &r.webhook {
        // `url_file` is Alertmanager 0.26+ (the URL often holds a token).
        let mut webhook = Map::new();
        webhook.insert("url_file".into(), json!(w.url.path()));
        if let Some(send_resolved) = w.send_resolved {
            webhook.insert("send_resolved".into(), json!(send_resolved));
        }
        if let Some(max_alerts) = w.max_alerts {
            webhook.insert("max_alerts".into(), json!(max_alerts));
        }
        out.insert("webhook_configs".into(), json!([webhook]));
    }
    if let Some(e) = &r.email {
        let mut email = Map::new();
        email.insert("to".into(), json!(e.to));
        email.insert("from".into(), json!(e.from));
        email.insert("smarthost".into(), json!(e.smarthost));
        if let Some(user) = &e.auth_username {
            email.insert("auth_username".into(), json!(user));
        }
        if let Some(password) = &e.auth_password {
            email.insert("auth_password_file".into(), json!(password.path()));
        }
        if let Some(require_tls) = e.require_tls {
            email.insert("require_tls".into(), json!(require_tls));
        }
        out.insert("email_configs".into(), json!([email]));
    }
    if let Some(o) = &r.opsgenie {
        let mut opsgenie = Map::new();
        opsgenie.insert("api_key_file".into(), json!(o.api_key.path()));
        if let Some(priority) = &o.priority {
            opsgenie.insert("priority".into(), json!(priority));
        }
        if !o.responders.is_empty() {
            let responders: Vec<Value> = o
                .responders
                .iter()
                .map(|r| {
                    let mut out = Map::new();
                    for (key, value) in
                        [("id", &r.id), ("name", &r.name), ("username", &r.username)]
                    {
                        if let Some(value) = value {
                            out.insert(key.into(), json!(value));
                        }
                    }
                    out.insert("type".into(), json!(r.kind));
                    Value::Object(out)
                })
                .collect();
            opsgenie.insert("responders".into(), Value::Array(responders));
        }
        out.insert("opsgenie_configs".into(), json!([opsgenie]));
    }
    Value::Object(out)
}

fn inhibit(i: &InhibitModel) -> Value {
    let mut out = Map::new();
    out.insert("source_matchers".into(), matchers(&i.source));
    out.insert("target_matchers".into(), matchers(&i.target));
    if !i.equal.is_empty() {
        out.insert("equal".into(), json!(i.equal));
    }
    Value::Object(out)
}
