//! `import rules`: Prometheus rule files and PrometheusRule objects (also in
//! multi-document files and `List`s) → `records` and `alerts`.

use serde_json::{Map, Value, json};

use super::{NoteKind, Notes, scalar, string_map, unknown_keys};
use crate::lower::rules::DEFAULT_SEVERITIES;

/// What an alert without a `severity` label gets: monocle requires one.
const NO_SEVERITY: &str = "none";

pub fn import(docs: &[Value], notes: &mut Notes<'_>) -> Map<String, Value> {
    let mut records = Vec::new();
    let mut alerts = Vec::new();
    for (i, doc) in docs.iter().enumerate() {
        collect(doc, &format!("doc{i}"), &mut records, &mut alerts, notes);
    }
    let mut used: Vec<String> = Vec::new();
    for alert in &alerts {
        if let Some(s) = alert["severity"].as_str()
            && !DEFAULT_SEVERITIES.contains(&s)
            && !used.iter().any(|u| u == s)
        {
            used.push(s.to_owned());
        }
    }
    let mut out = Map::new();
    if !used.is_empty() {
        let mut all: Vec<String> = DEFAULT_SEVERITIES.iter().map(|s| (*s).to_owned()).collect();
        all.extend(used);
        out.insert("severities".into(), json!(all));
    }
    if !records.is_empty() {
        out.insert("records".into(), Value::Array(records));
    }
    if !alerts.is_empty() {
        out.insert("alerts".into(), Value::Array(alerts));
    }
    out
}

/// One document: a rule file, a PrometheusRule, or a List of them.
fn collect(
    doc: &Value,
    path: &str,
    records: &mut Vec<Value>,
    alerts: &mut Vec<Value>,
    notes: &mut Notes<'_>,
) {
    if doc.get("groups").is_some() && doc.get("kind").is_none() {
        groups(
            &doc["groups"],
            &format!("{path}.groups"),
            records,
            alerts,
            notes,
        );
        return;
    }
    match doc["kind"].as_str() {
        Some("PrometheusRule") => {
            let name = doc["metadata"]["name"].as_str().unwrap_or("");
            let meta_labels = doc["metadata"]["labels"].as_object().map_or(0, Map::len);
            if meta_labels > 0 {
                notes.push(
                    NoteKind::Dropped,
                    &format!("{path}.metadata.labels"),
                    format!("PrometheusRule `{name}`'s own labels (monocle labels its PrometheusRules; set `prometheus.rule_labels` for the ones your Prometheus selects on)"),
                );
            }
            groups(
                &doc["spec"]["groups"],
                &format!("{path}.spec.groups"),
                records,
                alerts,
                notes,
            );
        }
        Some("List") => {
            for (i, item) in doc["items"].as_array().into_iter().flatten().enumerate() {
                collect(item, &format!("{path}.items[{i}]"), records, alerts, notes);
            }
        }
        other => notes.push(
            NoteKind::Dropped,
            path,
            format!(
                "a {} is not a rule file or a PrometheusRule",
                other.unwrap_or("document without `groups`")
            ),
        ),
    }
}

fn groups(
    value: &Value,
    path: &str,
    records: &mut Vec<Value>,
    alerts: &mut Vec<Value>,
    notes: &mut Notes<'_>,
) {
    for (g, group) in value.as_array().into_iter().flatten().enumerate() {
        let gpath = format!("{path}[{g}]");
        let Some(map) = group.as_object() else {
            continue;
        };
        let name = group["name"].as_str().unwrap_or("rules").to_owned();
        unknown_keys(
            map,
            &["name", "interval", "rules"],
            &gpath,
            notes,
            "a rule group setting the spec does not have (monocle's groups have a name and an interval)",
        );
        let interval = group.get("interval").and_then(scalar);
        for (r, rule) in group["rules"].as_array().into_iter().flatten().enumerate() {
            let rpath = format!("{gpath}.rules[{r}]");
            let Some(rule_map) = rule.as_object() else {
                continue;
            };
            let expr = rule.get("expr").and_then(scalar).unwrap_or_default();
            if let Some(record) = rule["record"].as_str() {
                unknown_keys(
                    rule_map,
                    &["record", "expr", "labels"],
                    &rpath,
                    notes,
                    "a recording rule field the spec does not have",
                );
                let mut out = Map::new();
                out.insert("record".into(), json!(record));
                out.insert("group".into(), json!(name));
                if let Some(interval) = &interval {
                    out.insert("interval".into(), json!(interval));
                }
                out.insert("expr".into(), json!(expr));
                let labels = string_map(&rule["labels"], &format!("{rpath}.labels"), notes);
                if !labels.is_empty() {
                    out.insert("labels".into(), Value::Object(labels));
                }
                records.push(Value::Object(out));
            } else if let Some(alert) = rule["alert"].as_str() {
                unknown_keys(
                    rule_map,
                    &[
                        "alert",
                        "expr",
                        "for",
                        "keep_firing_for",
                        "labels",
                        "annotations",
                    ],
                    &rpath,
                    notes,
                    "an alerting rule field the spec does not have",
                );
                alerts.push(alert_item(
                    alert,
                    &name,
                    interval.as_deref(),
                    &expr,
                    rule,
                    &rpath,
                    notes,
                ));
            } else {
                notes.push(
                    NoteKind::Dropped,
                    &rpath,
                    "a rule with neither `record` nor `alert`",
                );
            }
        }
    }
}

fn alert_item(
    name: &str,
    group: &str,
    interval: Option<&str>,
    expr: &str,
    rule: &Value,
    path: &str,
    notes: &mut Notes<'_>,
) -> Value {
    let mut labels = string_map(&rule["labels"], &format!("{path}.labels"), notes);
    let severity = match labels.remove("severity") {
        Some(Value::String(s)) if !s.is_empty() => s,
        _ => {
            notes.push(
                NoteKind::Approximated,
                &format!("{path}.labels"),
                format!("alert `{name}` has no `severity` label; it gets `severity: {NO_SEVERITY}` (monocle requires one)"),
            );
            NO_SEVERITY.to_owned()
        }
    };
    let mut out = Map::new();
    out.insert("name".into(), json!(name));
    out.insert("group".into(), json!(group));
    if let Some(interval) = interval {
        out.insert("interval".into(), json!(interval));
    }
    out.insert("expr".into(), json!(expr));
    for key in ["for", "keep_firing_for"] {
        if let Some(value) = rule.get(key).and_then(scalar) {
            out.insert(key.into(), json!(value));
        }
    }
    out.insert("severity".into(), json!(severity));
    if !labels.is_empty() {
        out.insert("labels".into(), Value::Object(labels));
    }
    let annotations = string_map(&rule["annotations"], &format!("{path}.annotations"), notes);
    if !annotations.is_empty() {
        out.insert("annotations".into(), Value::Object(annotations));
    }
    Value::Object(out)
}
