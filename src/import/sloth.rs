//! `import sloth`: Sloth's `prometheus/v1` specs and `PrometheusServiceLevel`
//! objects → `slos`, with a service stub per Sloth service for the user to
//! complete (an SLO in monocle belongs to a scraped service); its
//! `AlertWindows` (`--slo-period-windows-path` files) → `slo_windows`.

use serde_json::{Map, Value, json};

use super::{NoteKind, Notes, scalar, string_map, unknown_keys};
use crate::lower::rules::DEFAULT_SEVERITIES;

/// Sloth's own default period, as `--default-slo-period` has it.
const SLOTH_DEFAULT_WINDOW: &str = "30d";

pub fn import(docs: &[Value], window: &str, notes: &mut Notes<'_>) -> Map<String, Value> {
    let mut services: Vec<Value> = Vec::new();
    let mut slos: Vec<Value> = Vec::new();
    let mut windows: Vec<Value> = Vec::new();
    for (i, doc) in docs.iter().enumerate() {
        let path = format!("doc{i}");
        if doc["kind"] == "AlertWindows" {
            windows.extend(alert_windows(doc, &path, notes));
            continue;
        }
        // Both forms hold the same fields; the CRD spells them in camelCase.
        let (spec, camel, spec_path) = if doc["kind"] == "PrometheusServiceLevel" {
            (&doc["spec"], true, format!("{path}.spec"))
        } else if doc["version"] == "prometheus/v1" {
            (doc, false, path.clone())
        } else {
            notes.push(
                NoteKind::Dropped,
                &path,
                "not a Sloth `prometheus/v1` spec or a PrometheusServiceLevel",
            );
            continue;
        };
        let Some(service) = spec["service"].as_str() else {
            notes.push(
                NoteKind::Dropped,
                &spec_path,
                "a Sloth spec without `service`",
            );
            continue;
        };
        if !services.iter().any(|s| s["name"] == service) {
            services.push(service_stub(service, spec));
            notes.push(
                NoteKind::Todo,
                &format!("{spec_path}.service"),
                format!("service `{service}` was created for its SLOs with placeholder namespace, selector and endpoint: complete them (Sloth does not scrape; monocle emits its ServiceMonitor)"),
            );
        }
        let common = string_map(&spec["labels"], &format!("{spec_path}.labels"), notes);
        for (s, slo) in spec["slos"].as_array().into_iter().flatten().enumerate() {
            let spath = format!("{spec_path}.slos[{s}]");
            if let Some(item) = slo_item(slo, service, &common, window, camel, &spath, notes) {
                slos.push(item);
            }
        }
    }
    let mut out = Map::new();
    let severities = used_severities(&slos);
    if !severities.is_empty() {
        let mut all: Vec<String> = DEFAULT_SEVERITIES.iter().map(|s| (*s).to_owned()).collect();
        all.extend(severities);
        out.insert("severities".into(), json!(all));
    }
    if !services.is_empty() {
        out.insert("services".into(), Value::Array(services));
    }
    if !slos.is_empty() {
        out.insert("slos".into(), Value::Array(slos));
    }
    if !windows.is_empty() {
        out.insert("slo_windows".into(), Value::Array(windows));
    }
    out
}

/// Sloth's `AlertWindows` (`sloth.slok.dev/v1`): the burn-rate conditions
/// of SLOs whose period is `sloPeriod`.
fn alert_windows(doc: &Value, path: &str, notes: &mut Notes<'_>) -> Option<Value> {
    let spec = &doc["spec"];
    let spec_path = format!("{path}.spec");
    let Some(period) = spec["sloPeriod"].as_str() else {
        notes.push(
            NoteKind::Dropped,
            &spec_path,
            "AlertWindows without `sloPeriod`",
        );
        return None;
    };
    if let Some(map) = spec.as_object() {
        unknown_keys(
            map,
            &["sloPeriod", "page", "ticket"],
            &spec_path,
            notes,
            "an AlertWindows field the spec does not have",
        );
    }
    let mut out = Map::new();
    out.insert("period".into(), json!(period));
    for alert in ["page", "ticket"] {
        let mut pair = Map::new();
        for speed in ["quick", "slow"] {
            let at = format!("{spec_path}.{alert}.{speed}");
            let w = &spec[alert][speed];
            // The number as written (`2`, not `2.0`).
            let budget = &w["errorBudgetPercent"];
            let (true, Some(short), Some(long)) = (
                budget.is_number(),
                w["shortWindow"].as_str(),
                w["longWindow"].as_str(),
            ) else {
                notes.push(
                    NoteKind::Dropped,
                    &at,
                    "needs `errorBudgetPercent`, `shortWindow` and `longWindow`; the whole AlertWindows is left out",
                );
                return None;
            };
            pair.insert(
                speed.into(),
                json!({"budget_percent": budget, "short": short, "long": long}),
            );
        }
        out.insert(alert.into(), Value::Object(pair));
    }
    Some(Value::Object(out))
}

/// A service for an SLO to belong to, with values to replace.
fn service_stub(name: &str, spec: &Value) -> Value {
    let team = spec["labels"]["owner"]
        .as_str()
        .or(spec["labels"]["team"].as_str())
        .unwrap_or("unknown");
    json!({
        "name": name,
        "namespace": name,
        "team": team,
        "selector": format!("app={name}"),
        "sample_limit": 10000,
        "endpoints": [{"port": "http"}],
    })
}

fn slo_item(
    slo: &Value,
    service: &str,
    common: &Map<String, Value>,
    window: &str,
    camel: bool,
    path: &str,
    notes: &mut Notes<'_>,
) -> Option<Value> {
    let key =
        |snake: &'static str, camel_case: &'static str| if camel { camel_case } else { snake };
    let name = slo["name"].as_str()?;
    let map = slo.as_object()?;
    unknown_keys(
        map,
        &[
            "name",
            "objective",
            "description",
            "labels",
            "sli",
            "alerting",
        ],
        path,
        notes,
        "an SLO field the spec does not have",
    );
    let mut out = Map::new();
    out.insert("name".into(), json!(name));
    out.insert("service".into(), json!(service));
    out.insert("objective".into(), slo["objective"].clone());
    if window != SLOTH_DEFAULT_WINDOW {
        out.insert("window".into(), json!(window));
    }
    if let Some(d) = slo["description"].as_str() {
        out.insert("description".into(), json!(d));
    }
    let mut labels = common.clone();
    labels.extend(string_map(&slo["labels"], &format!("{path}.labels"), notes));
    if !labels.is_empty() {
        out.insert("labels".into(), Value::Object(labels));
    }
    let sli = &slo["sli"];
    let events = &sli["events"];
    let raw = &sli["raw"];
    if events.is_object() {
        out.insert(
            "sli".into(),
            json!({
                "errors": events[key("error_query", "errorQuery")],
                "total": events[key("total_query", "totalQuery")],
            }),
        );
    } else if raw.is_object() {
        out.insert(
            "sli".into(),
            json!({ "raw": raw[key("error_ratio_query", "errorRatioQuery")] }),
        );
    } else {
        notes.push(
            NoteKind::Dropped,
            &format!("{path}.sli"),
            format!("SLO `{name}`'s SLI is a Sloth plugin, which monocle does not run: write its error and total queries as `sli.errors`/`sli.total`"),
        );
        return None;
    }
    let alerting = &slo["alerting"];
    if alerting.is_object() {
        let apath = format!("{path}.alerting");
        let mut a = Map::new();
        if let Some(n) = alerting["name"].as_str() {
            a.insert("name".into(), json!(n));
        }
        let labels = string_map(&alerting["labels"], &format!("{apath}.labels"), notes);
        if !labels.is_empty() {
            a.insert("labels".into(), Value::Object(labels));
        }
        let annotations = string_map(
            &alerting["annotations"],
            &format!("{apath}.annotations"),
            notes,
        );
        if !annotations.is_empty() {
            a.insert("annotations".into(), Value::Object(annotations));
        }
        for (sloth, ours) in [
            (key("page_alert", "pageAlert"), "page"),
            (key("ticket_alert", "ticketAlert"), "ticket"),
        ] {
            if let Some(burn) = burn_alert(
                &alerting[sloth],
                &format!("{apath}.{sloth}"),
                name,
                ours,
                notes,
            ) {
                a.insert(ours.into(), burn);
            }
        }
        if !a.is_empty() {
            out.insert("alerting".into(), Value::Object(a));
        }
    }
    Some(Value::Object(out))
}

/// A page or ticket alert: Sloth sets its severity as a label.
fn burn_alert(
    value: &Value,
    path: &str,
    slo: &str,
    which: &str,
    notes: &mut Notes<'_>,
) -> Option<Value> {
    if !value.is_object() {
        notes.push(
            NoteKind::Approximated,
            path,
            format!("SLO `{slo}`'s {which} alert has no severity label in Sloth; monocle gives it its default severity"),
        );
        return None;
    }
    if value["disable"] == json!(true) {
        return Some(json!(false));
    }
    let mut labels = string_map(&value["labels"], &format!("{path}.labels"), notes);
    let mut out = Map::new();
    match labels.remove("severity").as_ref().and_then(scalar) {
        Some(severity) => {
            out.insert("severity".into(), json!(severity));
        }
        None => notes.push(
            NoteKind::Approximated,
            &format!("{path}.labels"),
            format!("SLO `{slo}`'s {which} alert has no severity label in Sloth; monocle gives it its default severity"),
        ),
    }
    if !labels.is_empty() {
        out.insert("labels".into(), Value::Object(labels));
    }
    let annotations = string_map(&value["annotations"], &format!("{path}.annotations"), notes);
    if !annotations.is_empty() {
        out.insert("annotations".into(), Value::Object(annotations));
    }
    Some(Value::Object(out))
}

/// Severities the SLOs' alerts use beyond the default ones.
fn used_severities(slos: &[Value]) -> Vec<String> {
    let mut used: Vec<String> = Vec::new();
    for slo in slos {
        for which in ["page", "ticket"] {
            if let Some(s) = slo["alerting"][which]["severity"].as_str()
                && !DEFAULT_SEVERITIES.contains(&s)
                && !used.iter().any(|u| u == s)
            {
                used.push(s.to_owned());
            }
        }
    }
    used
}
