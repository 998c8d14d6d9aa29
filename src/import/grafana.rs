//! `import grafana`: dashboard JSON (or ConfigMaps holding it) →
//! `dashboards`. Panels become rows by Grafana's row panels (or by their
//! grid line when a dashboard has none), with the options the language
//! has; everything else is reported.

use serde_json::{Map, Value, json};

use super::{NoteKind, Notes, scalar};

/// The datasource variables every monocle dashboard has.
const DATASOURCE_VARIABLES: &[&str] = &["datasource", "loki"];

pub fn import(docs: &[Value], notes: &mut Notes<'_>) -> Map<String, Value> {
    let mut dashboards = Vec::new();
    for (i, doc) in docs.iter().enumerate() {
        let path = format!("doc{i}");
        if doc["kind"] == "ConfigMap" {
            for (key, text) in doc["data"].as_object().into_iter().flatten() {
                let kpath = format!("{path}.data.{key}");
                match text.as_str().map(serde_json::from_str::<Value>) {
                    Some(Ok(json)) => dashboards.push(dashboard(&json, &kpath, notes)),
                    _ => notes.push(NoteKind::Dropped, &kpath, "not dashboard JSON"),
                }
            }
        } else if doc["kind"] == "List" {
            let items: Vec<Value> = doc["items"].as_array().cloned().unwrap_or_default();
            let inner = import(&items, notes);
            dashboards.extend(
                inner
                    .get("dashboards")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default(),
            );
        } else if doc.get("panels").is_some() || doc.get("rows").is_some() {
            dashboards.push(dashboard(doc, &path, notes));
        } else {
            notes.push(
                NoteKind::Dropped,
                &path,
                "not a Grafana dashboard or a ConfigMap holding one",
            );
        }
    }
    let mut out = Map::new();
    if !dashboards.is_empty() {
        out.insert("dashboards".into(), Value::Array(dashboards));
    }
    out
}

fn dashboard(json: &Value, path: &str, notes: &mut Notes<'_>) -> Value {
    let mut out = Map::new();
    let title = json["title"].as_str().unwrap_or("Imported dashboard");
    let uid = json["uid"].as_str().map_or_else(|| slug(title), slug);
    if json["uid"].as_str() != Some(uid.as_str()) {
        notes.push(
            NoteKind::Approximated,
            &format!("{path}.uid"),
            format!("the uid becomes `{uid}` (a DNS-1123 label of at most 40 characters)"),
        );
    }
    out.insert("uid".into(), json!(uid));
    out.insert("title".into(), json!(title));
    if let Some(tags) = json["tags"].as_array().filter(|t| !t.is_empty()) {
        out.insert("tags".into(), Value::Array(tags.clone()));
    }
    if let Some(from) = json["time"]["from"].as_str() {
        match from.strip_prefix("now-") {
            Some(span) if json["time"]["to"] == "now" => {
                out.insert("time".into(), json!(span));
            }
            _ => notes.push(
                NoteKind::Dropped,
                &format!("{path}.time"),
                "a time range that does not end now",
            ),
        }
    }
    if let Some(refresh) = json["refresh"].as_str().filter(|r| !r.is_empty()) {
        out.insert("refresh".into(), json!(refresh));
    }
    for key in ["links", "annotations"] {
        let has = match &json[key] {
            Value::Array(a) => !a.is_empty(),
            Value::Object(o) => o["list"]
                .as_array()
                .is_some_and(|l| l.iter().any(|a| a["builtIn"] != 1)),
            _ => false,
        };
        if has {
            notes.push(
                NoteKind::Dropped,
                &format!("{path}.{key}"),
                format!("dashboard {key}"),
            );
        }
    }
    let variables: Vec<Value> = json["templating"]["list"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, v)| variable(v, &format!("{path}.templating.list[{i}]"), notes))
        .collect();
    if !variables.is_empty() {
        out.insert("variables".into(), Value::Array(variables));
    }
    out.insert("rows".into(), Value::Array(rows(json, path, notes)));
    Value::Object(out)
}

fn variable(v: &Value, path: &str, notes: &mut Notes<'_>) -> Option<Value> {
    let name = v["name"].as_str()?;
    let kind = v["type"].as_str().unwrap_or("query");
    if kind == "datasource" && DATASOURCE_VARIABLES.contains(&name) {
        // monocle's dashboards have it already.
        return None;
    }
    if kind != "query" {
        notes.push(
            NoteKind::Dropped,
            path,
            format!("variable `{name}` of type `{kind}` (only query variables are imported)"),
        );
        return None;
    }
    let query = match &v["query"] {
        Value::String(q) => q.clone(),
        Value::Object(o) => o
            .get("query")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        _ => String::new(),
    };
    let mut out = Map::new();
    out.insert("name".into(), json!(name));
    out.insert("query".into(), json!(query));
    if v["multi"] == true {
        out.insert("multi".into(), json!(true));
    }
    for key in ["includeAll", "allValue", "regex", "label", "hide", "sort"] {
        let set = match &v[key] {
            Value::String(s) => !s.is_empty(),
            Value::Bool(b) => *b,
            Value::Number(n) => n.as_f64() != Some(0.0),
            _ => false,
        };
        if set {
            notes.push(
                NoteKind::Dropped,
                &format!("{path}.{key}"),
                format!("variable `{name}`'s `{key}`"),
            );
        }
    }
    Some(Value::Object(out))
}

/// Rows: Grafana's row panels (collapsed ones carry their panels inside),
/// or one row per grid line.
fn rows(json: &Value, path: &str, notes: &mut Notes<'_>) -> Vec<Value> {
    let mut panels: Vec<(usize, &Value)> = json["panels"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .collect();
    let pos = |p: &Value, k: &str| p["gridPos"][k].as_i64().unwrap_or(0);
    panels.sort_by_key(|(_, p)| (pos(p, "y"), pos(p, "x")));
    let has_rows = panels.iter().any(|(_, p)| p["type"] == "row");
    let mut rows: Vec<(String, Vec<Value>)> = Vec::new();
    let mut line = None;
    for (i, panel) in panels {
        let ppath = format!("{path}.panels[{i}]");
        if panel["type"] == "row" {
            rows.push((
                panel["title"].as_str().unwrap_or_default().to_owned(),
                Vec::new(),
            ));
            for (j, inner) in panel["panels"].as_array().into_iter().flatten().enumerate() {
                if let Some(p) = self::panel(inner, &format!("{ppath}.panels[{j}]"), notes) {
                    rows.last_mut().expect("just pushed").1.push(p);
                }
            }
            continue;
        }
        if !has_rows && line != Some(pos(panel, "y")) {
            line = Some(pos(panel, "y"));
            rows.push((String::new(), Vec::new()));
        }
        if rows.is_empty() {
            rows.push((String::new(), Vec::new()));
        }
        if let Some(p) = self::panel(panel, &ppath, notes) {
            rows.last_mut().expect("a row").1.push(p);
        }
    }
    rows.into_iter()
        .filter(|(_, panels)| !panels.is_empty())
        .map(|(title, panels)| json!({ "title": title, "panels": panels }))
        .collect()
}

fn panel(p: &Value, path: &str, notes: &mut Notes<'_>) -> Option<Value> {
    let title = p["title"].as_str().unwrap_or_default();
    let grafana_type = p["type"].as_str().unwrap_or_default();
    let kind = match grafana_type {
        "stat" | "gauge" | "timeseries" | "table" | "piechart" | "bargauge" | "heatmap"
        | "logs" | "text" => grafana_type,
        "graph" => {
            notes.push(
                NoteKind::Approximated,
                path,
                format!("panel `{title}`: the old `graph` panel becomes a `timeseries`"),
            );
            "timeseries"
        }
        "singlestat" => {
            notes.push(
                NoteKind::Approximated,
                path,
                format!("panel `{title}`: the old `singlestat` panel becomes a `stat`"),
            );
            "stat"
        }
        other => {
            notes.push(
                NoteKind::Dropped,
                path,
                format!("panel `{title}` of type `{other}`"),
            );
            return None;
        }
    };
    let mut out = Map::new();
    out.insert("type".into(), json!(kind));
    out.insert("title".into(), json!(title));
    if let Some(d) = p["description"].as_str().filter(|d| !d.is_empty()) {
        out.insert("description".into(), json!(d));
    }
    let defaults = &p["fieldConfig"]["defaults"];
    if let Some(unit) = defaults["unit"].as_str() {
        out.insert("unit".into(), json!(unit));
    }
    for key in ["decimals", "min", "max"] {
        if defaults[key].is_number() {
            out.insert(key.into(), defaults[key].clone());
        }
    }
    let custom = &defaults["custom"];
    if let Some(mode) = custom["stacking"]["mode"].as_str() {
        out.insert("stack".into(), json!(mode));
    }
    if let Some(fill) = custom["fillOpacity"].as_u64() {
        out.insert("fill_opacity".into(), json!(fill));
    }
    if let Some(draw) = custom["drawStyle"].as_str() {
        let draw = match draw {
            "line" => "lines",
            "bars" => "bars",
            _ => "points",
        };
        out.insert("draw".into(), json!(draw));
    }
    if let Some(span) = custom["spanNulls"].as_bool() {
        out.insert("span_nulls".into(), json!(span));
    }
    if let Some(interval) = p["interval"].as_str().filter(|i| !i.is_empty()) {
        out.insert("interval".into(), json!(interval));
    }
    let legend = &p["options"]["legend"];
    if legend.is_object() && matches!(kind, "timeseries" | "piechart") {
        let mut l = Map::new();
        if legend["showLegend"] == false {
            l.insert("mode".into(), json!("hidden"));
        } else if let Some(mode) = legend["displayMode"].as_str() {
            l.insert("mode".into(), json!(mode));
        }
        if let Some(place) = legend["placement"].as_str() {
            l.insert("placement".into(), json!(place));
        }
        if let Some(calcs) = legend["calcs"].as_array().filter(|c| !c.is_empty()) {
            l.insert("calcs".into(), Value::Array(calcs.clone()));
        }
        if !l.is_empty() {
            out.insert("legend".into(), Value::Object(l));
        }
    }
    let steps: Vec<Value> = defaults["thresholds"]["steps"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["value"].is_number())
        .map(|s| json!({ "value": s["value"], "color": s["color"] }))
        .collect();
    if !steps.is_empty() {
        out.insert("thresholds".into(), Value::Array(steps));
    }
    if kind == "text" {
        out.insert(
            "content".into(),
            json!(p["options"]["content"].as_str().unwrap_or_default()),
        );
    } else {
        let targets: Vec<&Value> = p["targets"].as_array().into_iter().flatten().collect();
        if kind == "logs" {
            if let Some(expr) = targets.first().and_then(|t| t["expr"].as_str()) {
                out.insert("logql".into(), json!(expr));
            }
        } else {
            let queries: Vec<Value> = targets.iter().filter_map(|t| query(t)).collect();
            out.insert("queries".into(), Value::Array(queries));
        }
    }
    if let (Some(w), Some(h)) = (p["gridPos"]["w"].as_u64(), p["gridPos"]["h"].as_u64()) {
        out.insert("width".into(), json!(w));
        out.insert("height".into(), json!(h));
    }
    for (key, what) in [
        ("links", "links"),
        ("transformations", "transformations"),
        ("repeat", "repeat"),
    ] {
        let set = match &p[key] {
            Value::Array(a) => !a.is_empty(),
            Value::String(s) => !s.is_empty(),
            Value::Null => false,
            _ => true,
        };
        if set {
            notes.push(
                NoteKind::Dropped,
                &format!("{path}.{key}"),
                format!("panel `{title}`'s {what}"),
            );
        }
    }
    if p["fieldConfig"]["overrides"]
        .as_array()
        .is_some_and(|o| !o.is_empty())
    {
        notes.push(
            NoteKind::Dropped,
            &format!("{path}.fieldConfig.overrides"),
            format!("panel `{title}`'s field overrides"),
        );
    }
    Some(Value::Object(out))
}

fn query(t: &Value) -> Option<Value> {
    let expr = t["expr"].as_str()?;
    let mut out = Map::new();
    out.insert("expr".into(), json!(expr));
    if let Some(legend) = t["legendFormat"].as_str().filter(|l| !l.is_empty()) {
        out.insert("legend".into(), json!(legend));
    }
    if t["instant"] == true {
        out.insert("instant".into(), json!(true));
    }
    if let Some(format) = t["format"].as_str().and_then(|f| scalar(&json!(f))) {
        out.insert("format".into(), json!(format));
    }
    Some(Value::Object(out))
}

/// A DNS-1123 label of at most 40 characters.
fn slug(text: &str) -> String {
    let mut out: String = text
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    while out.contains("--") {
        out = out.replace("--", "-");
    }
    let out = out.trim_matches('-');
    let out: String = out.chars().take(40).collect();
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        "imported".to_owned()
    } else {
        out.to_owned()
    }
}
