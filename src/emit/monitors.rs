//! ServiceMonitors and PodMonitors (prometheus-operator `monitoring.coreos.com/v1`).

use serde_json::{Map, Value, json};

use super::{Emitted, yaml};
use crate::model::{ClusterModel, EndpointModel, MonitorKind, MonitorModel, SHARD_LABEL, TlsModel};
use crate::selector::{Operator, Selector};

pub fn emit(cluster: &ClusterModel) -> Vec<Emitted> {
    cluster
        .monitors
        .iter()
        .map(|m| {
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
        })
        .collect()
}

fn object(m: &MonitorModel) -> Value {
    let (kind, endpoints_key) = match m.kind {
        MonitorKind::Service => ("ServiceMonitor", "endpoints"),
        MonitorKind::Pod => ("PodMonitor", "podMetricsEndpoints"),
    };
    let mut spec = Map::new();
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
            "labels": {
                "app.kubernetes.io/managed-by": "monocle",
                "monocle.dev/team": m.team,
                SHARD_LABEL: m.shard,
            },
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
    if let Some(scheme) = &e.scheme {
        out.insert("scheme".into(), json!(scheme));
    }
    if let Some(tls) = &e.tls {
        out.insert("tlsConfig".into(), tls_config(m.kind, tls));
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
    if !relabelings.is_empty() {
        out.insert("metricRelabelings".into(), Value::Array(relabelings));
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
                expressions.push(json!({ "key": r.key, "operator": "NotIn", "values": r.values }))
            }
            Operator::In => {
                expressions.push(json!({ "key": r.key, "operator": "In", "values": r.values }))
            }
            Operator::NotIn => {
                expressions.push(json!({ "key": r.key, "operator": "NotIn", "values": r.values }))
            }
            Operator::Exists => expressions.push(json!({ "key": r.key, "operator": "Exists" })),
            Operator::DoesNotExist => {
                expressions.push(json!({ "key": r.key, "operator": "DoesNotExist" }))
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
