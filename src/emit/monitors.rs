//! ServiceMonitors and PodMonitors (prometheus-operator `monitoring.coreos.com/v1`).

use serde_json::{Map, Value, json};

use super::{Emitted, yaml};
use crate::model::ClusterModel;
use crate::model::{EndpointModel, MonitorKind, MonitorModel, RelabelModel, TlsModel};
use crate::selector::{Operator, Selector};

/// What this emitter reads of a cluster (the key its files are shared by).
pub fn input(cluster: &ClusterModel) -> &[MonitorModel] {
    &cluster.monitors
}

/// The file of one monitor.
pub fn emit_one(m: &MonitorModel) -> Emitted {
    let folder = match m.kind {
        MonitorKind::Service => "servicemonitors",
        MonitorKind::Pod => "podmonitors",
    };
    yaml::resource(
        format!("{folder}/{}.yaml", m.name),
        Some(&m.origin),
        &object(m),
        true,
    )
}

fn object(m: &MonitorModel) -> Value {
    let (kind, endpoints_key) = match m.kind {
        MonitorKind::Service => ("ServiceMonitor", "endpoints"),
        MonitorKind::Pod => ("PodMonitor", "podMetricsEndpoints"),
    };
    let mut spec = Map::new();
    if let Some(job_label) = &m.job_label {
        spec.insert("jobLabel".into(), json!(job_label));
    }
    spec.insert("selector".into(), label_selector(&m.selector));
    spec.insert(
        "namespaceSelector".into(),
        json!({ "matchNames": [m.target_namespace] }),
    );
    spec.insert(
        endpoints_key.into(),
        Value::Array(m.endpoints.iter().map(|e| endpoint(m, e)).collect()),
    );
    if let Some(limit) = m.sample_limit {
        spec.insert("sampleLimit".into(), json!(limit));
    }
    json!({
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": kind,
        "metadata": {
            "name": m.name,
            "namespace": m.namespace,
            "labels": super::rules::object_labels(&m.team, &m.shard, &m.object_labels),
        },
        "spec": spec,
    })
}

fn endpoint(m: &MonitorModel, e: &EndpointModel) -> Value {
    let mut out = Map::new();
    out.insert("port".into(), json!(e.port));
    out.insert("path".into(), json!(e.path));
    if let Some(interval) = &e.interval {
        out.insert("interval".into(), json!(interval));
    }
    if let Some(timeout) = &e.scrape_timeout {
        out.insert("scrapeTimeout".into(), json!(timeout));
    }
    if let Some(scheme) = &e.scheme {
        out.insert("scheme".into(), json!(scheme));
    }
    if !e.params.is_empty() {
        out.insert("params".into(), json!(e.params));
    }
    if let Some(honor) = e.honor_labels {
        out.insert("honorLabels".into(), json!(honor));
    }
    if let Some((name, key)) = &e.bearer_token_secret {
        // PodMonitors spell the same field `authorization` only in newer
        // operators; `bearerTokenSecret` is accepted by both kinds.
        out.insert(
            "bearerTokenSecret".into(),
            json!({ "name": name, "key": key }),
        );
    }
    if let Some(file) = &e.bearer_token_file {
        out.insert("bearerTokenFile".into(), json!(file));
    }
    if let Some(tls) = &e.tls {
        out.insert("tlsConfig".into(), tls_config(m.kind, tls));
    }
    if !e.relabelings.is_empty() {
        out.insert(
            "relabelings".into(),
            Value::Array(e.relabelings.iter().map(relabel).collect()),
        );
    }
    let mut relabelings = Vec::new();
    if !m.drop_metrics.is_empty() {
        relabelings.push(json!({
            "sourceLabels": ["__name__"],
            "regex": m.drop_metrics.join("|"),
            "action": "drop",
        }));
    }
    if !m.drop_labels.is_empty() {
        relabelings.push(json!({
            "regex": format!("^({})$", m.drop_labels.join("|")),
            "action": "labeldrop",
        }));
    }
    // The spec's own steps run after monocle's drops, on what is left.
    relabelings.extend(e.metric_relabelings.iter().map(relabel));
    if !relabelings.is_empty() {
        out.insert("metricRelabelings".into(), Value::Array(relabelings));
    }
    Value::Object(out)
}

/// A relabel step in the operator's `RelabelConfig` spelling.
fn relabel(r: &RelabelModel) -> Value {
    let mut out = Map::new();
    if !r.source_labels.is_empty() {
        out.insert("sourceLabels".into(), json!(r.source_labels));
    }
    let fields = [
        ("separator", &r.separator),
        ("regex", &r.regex),
        ("targetLabel", &r.target_label),
        ("replacement", &r.replacement),
    ];
    for (key, value) in fields {
        if let Some(value) = value {
            out.insert(key.into(), json!(value));
        }
    }
    if let Some(modulus) = r.modulus {
        out.insert("modulus".into(), json!(modulus));
    }
    if let Some(action) = &r.action {
        out.insert("action".into(), json!(action));
    }
    Value::Object(out)
}

/// ServiceMonitors read TLS files mounted into Prometheus; PodMonitors only
/// take Secret references, so a file under `/etc/prometheus/secrets/<secret>/<key>`
/// becomes a reference to that key of that Secret (the check stage makes
/// sure every PodMonitor TLS file has that shape).
fn tls_config(kind: MonitorKind, tls: &TlsModel) -> Value {
    let mut t = Map::new();
    let files = [
        ("ca", "caFile", &tls.ca_file),
        ("cert", "certFile", &tls.cert_file),
        ("keySecret", "keyFile", &tls.key_file),
    ];
    for (secret_key, file_key, value) in files {
        let Some(path) = value else { continue };
        match (kind, crate::model::secret_file(path)) {
            (MonitorKind::Pod, Some((name, key))) if secret_key == "keySecret" => {
                t.insert(secret_key.into(), json!({ "name": name, "key": key }));
            }
            (MonitorKind::Pod, Some((name, key))) => {
                t.insert(
                    secret_key.into(),
                    json!({ "secret": { "name": name, "key": key } }),
                );
            }
            _ => {
                t.insert(file_key.into(), json!(path));
            }
        }
    }
    if let Some(server_name) = &tls.server_name {
        t.insert("serverName".into(), json!(server_name));
    }
    if let Some(skip) = tls.insecure_skip_verify {
        t.insert("insecureSkipVerify".into(), json!(skip));
    }
    Value::Object(t)
}

/// A Kubernetes `LabelSelector`: equality requirements become
/// `matchLabels`, everything else `matchExpressions`.
fn label_selector(selector: &Selector) -> Value {
    let mut labels = Map::new();
    let mut expressions = Vec::new();
    for r in &selector.requirements {
        match r.op {
            Operator::Equals => {
                labels.insert(
                    r.key.clone(),
                    json!(r.values.first().cloned().unwrap_or_default()),
                );
            }
            Operator::NotEquals => {
                expressions.push(json!({ "key": r.key, "operator": "NotIn", "values": r.values }));
            }
            Operator::In => {
                expressions.push(json!({ "key": r.key, "operator": "In", "values": r.values }));
            }
            Operator::NotIn => {
                expressions.push(json!({ "key": r.key, "operator": "NotIn", "values": r.values }));
            }
            Operator::Exists => expressions.push(json!({ "key": r.key, "operator": "Exists" })),
            Operator::DoesNotExist => {
                expressions.push(json!({ "key": r.key, "operator": "DoesNotExist" }));
            }
        }
    }
    let mut out = Map::new();
    if !labels.is_empty() {
        // serde_json keeps insertion order; sort for stable output.
        let mut sorted: Vec<(String, Value)> = labels.into_iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        out.insert(
            "matchLabels".into(),
            Value::Object(sorted.into_iter().collect()),
        );
    }
    if !expressions.is_empty() {
        out.insert("matchExpressions".into(), Value::Array(expressions));
    }
    Value::Object(out)
}
