//! `import grafana`: dashboard JSON (or ConfigMaps holding it) →
//! `dashboards`. Panels become rows by Grafana's row panels (or by their
//! grid line when a dashboard has none), with the options the language
//! has; everything else is reported.

use serde_json::{Map, Value, json};

use super::{NoteKind, Notes, scalar};
use crate::model::dashboards::ref_id;

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
    if let Some(d) = json["description"].as_str().filter(|d| !d.is_empty()) {
        out.insert("description".into(), json!(d));
    }
    // Grafana's default (`browser`, or nothing) is monocle's too.
    if let Some(tz) = json["timezone"]
        .as_str()
        .filter(|t| !t.is_empty() && *t != "browser")
    {
        out.insert("timezone".into(), json!(tz));
    }
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
    let links = links(&json["links"], &format!("{path}.links"), notes);
    if !links.is_empty() {
        out.insert("links".into(), Value::Array(links));
    }
    let annotations = annotations(&json["annotations"], &format!("{path}.annotations"), notes);
    if !annotations.is_empty() {
        out.insert("annotations".into(), Value::Array(annotations));
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

/// Grafana's variable `sort` numbers, in order.
const SORTS: [&str; 9] = [
    "none",
    "alphabetical",
    "alphabetical_desc",
    "numerical",
    "numerical_desc",
    "case_insensitive",
    "case_insensitive_desc",
    "natural",
    "natural_desc",
];

fn variable(v: &Value, path: &str, notes: &mut Notes<'_>) -> Option<Value> {
    let name = v["name"].as_str()?;
    let kind = v["type"].as_str().unwrap_or("query");
    if kind == "datasource" && DATASOURCE_VARIABLES.contains(&name) {
        // monocle's dashboards have it already.
        return None;
    }
    let mut out = Map::new();
    out.insert("name".into(), json!(name));
    if kind != "query" {
        out.insert("type".into(), json!(kind));
    }
    if let Some(label) = v["label"].as_str().filter(|l| !l.is_empty() && *l != name) {
        out.insert("label".into(), json!(label));
    }
    let query = match &v["query"] {
        Value::String(q) => q.clone(),
        Value::Object(o) => o
            .get("query")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        other => scalar(other).unwrap_or_default(),
    };
    match kind {
        "query" | "constant" | "datasource" => {
            out.insert("query".into(), json!(query));
        }
        "textbox" => {
            if !query.is_empty() {
                out.insert("query".into(), json!(query));
            }
        }
        "custom" | "interval" => {
            // Grafana keeps the values as one comma-separated text.
            let values: Vec<Value> = query
                .split(',')
                .map(str::trim)
                .filter(|value| !value.is_empty())
                .map(|value| json!(value))
                .collect();
            if kind == "custom" && query.contains(" : ") {
                notes.push(
                    NoteKind::Approximated,
                    &format!("{path}.query"),
                    format!("variable `{name}`'s `text : value` pairs are kept as values"),
                );
            }
            if v["auto"] == true {
                notes.push(
                    NoteKind::Dropped,
                    &format!("{path}.auto"),
                    format!("variable `{name}`'s `auto` interval"),
                );
            }
            out.insert("values".into(), Value::Array(values));
        }
        other => {
            notes.push(
                NoteKind::Dropped,
                path,
                format!("variable `{name}` of type `{other}`"),
            );
            return None;
        }
    }
    let multi = v["multi"] == true;
    if multi {
        out.insert("multi".into(), json!(true));
    }
    let include_all = v["includeAll"] == true;
    // monocle offers "All" with `multi` unless told otherwise.
    if include_all != multi && kind != "constant" {
        out.insert("include_all".into(), json!(include_all));
    }
    if include_all {
        match v["allValue"].as_str().filter(|a| !a.is_empty()) {
            Some(all) => {
                out.insert("all_value".into(), json!(all));
            }
            None => notes.push(
                NoteKind::Approximated,
                &format!("{path}.allValue"),
                format!("variable `{name}`'s \"All\" is `.*`, not the list of its values"),
            ),
        }
    }
    let hide = match v["hide"].as_u64() {
        Some(1) => "label",
        Some(2) => "variable",
        _ => "nothing",
    };
    // A constant is hidden unless told otherwise.
    let default_hide = if kind == "constant" {
        "variable"
    } else {
        "nothing"
    };
    if hide != default_hide {
        out.insert("hide".into(), json!(hide));
    }
    if let Some(regex) = v["regex"].as_str().filter(|r| !r.is_empty()) {
        out.insert("regex".into(), json!(regex));
    }
    if kind == "query" {
        // Grafana's default is no sorting, monocle's alphabetical.
        let sort = usize::try_from(v["sort"].as_u64().unwrap_or(0)).unwrap_or(0);
        match SORTS.get(sort) {
            Some(&"alphabetical") => {}
            Some(sort) => {
                out.insert("sort".into(), json!(sort));
            }
            None => notes.push(
                NoteKind::Dropped,
                &format!("{path}.sort"),
                format!("variable `{name}`'s sort order {sort}"),
            ),
        }
        if v["refresh"].as_u64().is_some_and(|r| r != 2) {
            notes.push(
                NoteKind::Approximated,
                &format!("{path}.refresh"),
                format!("variable `{name}` refreshes on time range change"),
            );
        }
    }
    Some(Value::Object(out))
}

/// Dashboard or panel links; links to dashboards by tag are reported.
fn links(list: &Value, path: &str, notes: &mut Notes<'_>) -> Vec<Value> {
    let mut out = Vec::new();
    for (i, l) in list.as_array().into_iter().flatten().enumerate() {
        let lpath = format!("{path}[{i}]");
        let title = l["title"].as_str().unwrap_or_default();
        let kind = l["type"].as_str().unwrap_or("link");
        let Some(url) = l["url"].as_str().filter(|_| kind == "link") else {
            notes.push(
                NoteKind::Dropped,
                &lpath,
                format!("link `{title}` of type `{kind}` (a link is a title and a url)"),
            );
            continue;
        };
        out.push(json!({ "title": title, "url": url }));
        for key in ["targetBlank", "includeVars", "keepTime", "asDropdown"] {
            if l[key] == true {
                notes.push(
                    NoteKind::Dropped,
                    &format!("{lpath}.{key}"),
                    format!("link `{title}`'s `{key}`"),
                );
            }
        }
    }
    out
}

/// Annotation queries other than Grafana's built-in one (monocle's
/// dashboards have it).
fn annotations(json: &Value, path: &str, notes: &mut Notes<'_>) -> Vec<Value> {
    let mut out = Vec::new();
    for (i, a) in json["list"].as_array().into_iter().flatten().enumerate() {
        if a["builtIn"] == 1 {
            continue;
        }
        let apath = format!("{path}.list[{i}]");
        let name = a["name"].as_str().unwrap_or("Annotations");
        let plugin = a["datasource"]["type"]
            .as_str()
            .or_else(|| a["datasource"].as_str())
            .unwrap_or("prometheus");
        let key = match plugin {
            "loki" => "logql",
            p if p == "prometheus" || p.starts_with("${") || p.starts_with('$') => "expr",
            other => {
                notes.push(
                    NoteKind::Dropped,
                    &apath,
                    format!("annotation `{name}` from a `{other}` datasource"),
                );
                continue;
            }
        };
        let Some(expr) = a["expr"].as_str().filter(|e| !e.is_empty()) else {
            notes.push(
                NoteKind::Dropped,
                &apath,
                format!("annotation `{name}` without a query"),
            );
            continue;
        };
        let mut annotation = Map::new();
        annotation.insert("name".into(), json!(name));
        annotation.insert(key.into(), json!(expr));
        if let Some(color) = a["iconColor"].as_str().filter(|c| !c.is_empty()) {
            annotation.insert("color".into(), json!(color));
        }
        for key in ["titleFormat", "textFormat", "tagKeys"] {
            if a[key].as_str().is_some_and(|t| !t.is_empty()) {
                notes.push(
                    NoteKind::Dropped,
                    &format!("{apath}.{key}"),
                    format!("annotation `{name}`'s `{key}`"),
                );
            }
        }
        if a["enable"] == false || a["hide"] == true {
            notes.push(
                NoteKind::Approximated,
                &apath,
                format!("annotation `{name}` is shown and enabled"),
            );
        }
        out.push(Value::Object(annotation));
    }
    out
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
    let mut rows: Vec<(String, bool, Vec<Value>)> = Vec::new();
    let mut line = None;
    for (i, panel) in panels {
        let ppath = format!("{path}.panels[{i}]");
        if panel["type"] == "row" {
            rows.push((
                panel["title"].as_str().unwrap_or_default().to_owned(),
                panel["collapsed"] == true,
                Vec::new(),
            ));
            for (j, inner) in panel["panels"].as_array().into_iter().flatten().enumerate() {
                if let Some(p) = self::panel(inner, &format!("{ppath}.panels[{j}]"), notes) {
                    rows.last_mut().expect("just pushed").2.push(p);
                }
            }
            continue;
        }
        if !has_rows && line != Some(pos(panel, "y")) {
            line = Some(pos(panel, "y"));
            rows.push((String::new(), false, Vec::new()));
        }
        if rows.is_empty() {
            rows.push((String::new(), false, Vec::new()));
        }
        if let Some(p) = self::panel(panel, &ppath, notes) {
            rows.last_mut().expect("a row").2.push(p);
        }
    }
    rows.into_iter()
        .filter(|(_, _, panels)| !panels.is_empty())
        .map(|(title, collapsed, panels)| {
            if collapsed {
                json!({ "title": title, "collapsed": true, "panels": panels })
            } else {
                json!({ "title": title, "panels": panels })
            }
        })
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
    // Grafana's refId of each imported query, and monocle's.
    let mut ref_ids: Vec<(String, String)> = Vec::new();
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
    let steps = thresholds(&defaults["thresholds"]["steps"]);
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
            let mut queries = Vec::new();
            for (i, t) in targets.iter().enumerate() {
                if let Some(q) = query(t) {
                    // monocle names queries A, B, ... in order.
                    let grafana = t["refId"].as_str().map_or_else(|| ref_id(i), str::to_owned);
                    ref_ids.push((grafana, ref_id(queries.len())));
                    queries.push(q);
                }
            }
            out.insert("queries".into(), Value::Array(queries));
        }
    }
    if let (Some(w), Some(h)) = (p["gridPos"]["w"].as_u64(), p["gridPos"]["h"].as_u64()) {
        out.insert("width".into(), json!(w));
        out.insert("height".into(), json!(h));
    }
    let links = links(&p["links"], &format!("{path}.links"), notes);
    if !links.is_empty() {
        out.insert("links".into(), Value::Array(links));
    }
    let opath = format!("{path}.fieldConfig.overrides");
    let overrides: Vec<Value> = p["fieldConfig"]["overrides"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, o)| field_override(o, &ref_ids, title, &format!("{opath}[{i}]"), notes))
        .collect();
    if !overrides.is_empty() {
        out.insert("overrides".into(), Value::Array(overrides));
    }
    let tpath = format!("{path}.transformations");
    let transformations: Vec<Value> = p["transformations"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, t)| transformation(t, title, &format!("{tpath}[{i}]"), notes))
        .collect();
    if !transformations.is_empty() {
        out.insert("transformations".into(), Value::Array(transformations));
    }
    if let Some(repeat) = p["repeat"].as_str().filter(|r| !r.is_empty()) {
        out.insert("repeat".into(), json!(repeat));
        if p["repeatDirection"] == "v" {
            out.insert("repeat_direction".into(), json!("vertical"));
        }
        if p["maxPerRow"].is_number() {
            notes.push(
                NoteKind::Dropped,
                &format!("{path}.maxPerRow"),
                format!("panel `{title}`'s `maxPerRow`"),
            );
        }
    }
    Some(Value::Object(out))
}

/// Threshold steps: Grafana's base step (no value) is the spec's first,
/// whose value only has to be below the next (monocle writes the first
/// step as the base); a green base alone is monocle's default.
fn thresholds(steps: &Value) -> Vec<Value> {
    let steps: Vec<&Value> = steps.as_array().into_iter().flatten().collect();
    let numbered: Vec<Value> = steps
        .iter()
        .filter(|s| s["value"].is_number())
        .map(|s| json!({ "value": s["value"], "color": s["color"] }))
        .collect();
    let base = steps.iter().find(|s| !s["value"].is_number());
    let mut out = Vec::new();
    if let Some(base) = base.filter(|b| !numbered.is_empty() || b["color"] != "green") {
        let first = numbered.first().and_then(|s| s["value"].as_f64());
        let value = match first {
            Some(v) if v <= 0.0 => json!((v - 1.0).floor()),
            _ => json!(0),
        };
        out.push(json!({ "value": value, "color": base["color"] }));
    }
    out.extend(numbered);
    out
}

/// A field override: its matcher and the properties the language has;
/// `None` when none is left.
fn field_override(
    o: &Value,
    ref_ids: &[(String, String)],
    title: &str,
    path: &str,
    notes: &mut Notes<'_>,
) -> Option<Value> {
    let matcher = &o["matcher"];
    let id = matcher["id"].as_str().unwrap_or_default();
    let options = &matcher["options"];
    let by = match (id, options.as_str()) {
        ("byName", Some(name)) => json!({ "name": name }),
        ("byRegexp", Some(regex)) => json!({ "regex": regex }),
        ("byFrameRefID", Some(grafana)) => {
            if let Some((_, ours)) = ref_ids.iter().find(|(g, _)| g == grafana) {
                json!({ "query": ours })
            } else {
                notes.push(
                    NoteKind::Dropped,
                    path,
                    format!("panel `{title}`'s override of query `{grafana}`, which it lacks"),
                );
                return None;
            }
        }
        _ => {
            notes.push(
                NoteKind::Dropped,
                path,
                format!("panel `{title}`'s override matching fields `{id}`"),
            );
            return None;
        }
    };
    let mut out = Map::new();
    out.insert("match".into(), by);
    for (i, property) in o["properties"].as_array().into_iter().flatten().enumerate() {
        let pid = property["id"].as_str().unwrap_or_default();
        let value = &property["value"];
        let taken = match pid {
            "unit" => value.as_str().map(|u| ("unit", json!(u))),
            "decimals" => value.as_u64().map(|d| ("decimals", json!(d))),
            "min" | "max" if value.is_number() => Some((pid, value.clone())),
            "links" => data_links(value).map(|l| ("links", l)),
            "displayName" => value.as_str().map(|n| ("display_name", json!(n))),
            "color" if value["mode"] == "fixed" => {
                value["fixedColor"].as_str().map(|c| ("color", json!(c)))
            }
            "custom.hidden" => value.as_bool().map(|h| ("hidden", json!(h))),
            "custom.hideFrom"
                if value["legend"] == value["tooltip"] && value["legend"] == value["viz"] =>
            {
                value["viz"].as_bool().map(|h| ("hidden", json!(h)))
            }
            _ => None,
        };
        match taken {
            Some((key, value)) => {
                out.insert(key.into(), value);
            }
            None => notes.push(
                NoteKind::Dropped,
                &format!("{path}.properties[{i}]"),
                format!("panel `{title}`'s override property `{pid}`"),
            ),
        }
    }
    (out.len() > 1).then_some(Value::Object(out))
}

/// An override's data links, when each is a title and a url alone.
fn data_links(value: &Value) -> Option<Value> {
    let links = value.as_array()?;
    let plain = links.iter().all(|l| {
        l.as_object().is_some_and(|o| {
            o.keys()
                .all(|k| matches!(k.as_str(), "title" | "url" | "targetBlank"))
                && l["targetBlank"] != true
        }) && l["title"].is_string()
            && l["url"].is_string()
    });
    plain.then(|| {
        Value::Array(
            links
                .iter()
                .map(|l| json!({ "title": l["title"], "url": l["url"] }))
                .collect(),
        )
    })
}

/// A transformation the language has; others are reported.
fn transformation(t: &Value, title: &str, path: &str, notes: &mut Notes<'_>) -> Option<Value> {
    let id = t["id"].as_str().unwrap_or_default();
    let options = &t["options"];
    match id {
        "merge" => Some(json!("merge")),
        "organize" => {
            let mut organize = Map::new();
            let rename: Map<String, Value> = options["renameByName"]
                .as_object()
                .into_iter()
                .flatten()
                .filter_map(|(k, v)| {
                    Some((k.clone(), json!(v.as_str().filter(|v| !v.is_empty())?)))
                })
                .collect();
            if !rename.is_empty() {
                organize.insert("rename".into(), Value::Object(rename));
            }
            let exclude: Vec<Value> = options["excludeByName"]
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(_, v)| **v == true)
                .map(|(k, _)| json!(k))
                .collect();
            if !exclude.is_empty() {
                organize.insert("exclude".into(), Value::Array(exclude));
            }
            if options["indexByName"]
                .as_object()
                .is_some_and(|i| !i.is_empty())
            {
                notes.push(
                    NoteKind::Dropped,
                    &format!("{path}.options.indexByName"),
                    format!("panel `{title}`'s column order (`organize` `indexByName`)"),
                );
            }
            Some(json!({ "organize": organize }))
        }
        "joinByField" => {
            let Some(field) = options["byField"].as_str() else {
                notes.push(
                    NoteKind::Dropped,
                    path,
                    format!("panel `{title}`'s `joinByField` without a field"),
                );
                return None;
            };
            if options["mode"].as_str().is_some_and(|m| m != "outer") {
                notes.push(
                    NoteKind::Approximated,
                    &format!("{path}.options.mode"),
                    format!("panel `{title}`'s `joinByField` becomes an outer join"),
                );
            }
            Some(json!({ "join_by_field": { "field": field } }))
        }
        other => {
            notes.push(
                NoteKind::Dropped,
                path,
                format!("panel `{title}`'s transformation `{other}`"),
            );
            None
        }
    }
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
