//! What an imported dashboard still loses after the importer took every
//! option the language has: the imported dashboard is compiled as
//! `monocle compile` would, and every setting of the original is compared
//! with the compiled one. A setting compiled differently, or left out
//! where Grafana's default differs from the original's value, is
//! reported, so settings the importer does not know are not lost
//! silently (tooltip mode, a stat's colour mode, a series' point size).
//!
//! The importer reports what it reads itself (queries' expressions,
//! thresholds, overrides, transformations, links, variables,
//! annotations); those parts are left to it here.

use serde_json::Value;

use super::{NoteKind, Notes};

/// An original panel the import kept, and where it is in the input.
pub struct KeptPanel<'a> {
    original: &'a Value,
    path: String,
}

impl<'a> KeptPanel<'a> {
    pub fn new(original: &'a Value, path: String) -> Self {
        KeptPanel { original, path }
    }

    /// An old `graph` or `singlestat` panel has settings of its own, none
    /// of which carry over: the importer says so once, not per setting.
    fn legacy(&self) -> bool {
        matches!(self.original["type"].as_str(), Some("graph" | "singlestat"))
    }
}

/// Dashboard settings the importer reads itself, or that describe the
/// stored copy rather than the dashboard (`id`, `version`, export
/// inputs). `editable` is not carried over on purpose: monocle's
/// dashboards are provisioned from the spec, so they are never editable.
const DASHBOARD_READ: &[&str] = &[
    "uid",
    "title",
    "description",
    "timezone",
    "tags",
    "time",
    "refresh",
    "links",
    "annotations",
    "templating",
    "panels",
    "rows",
    "id",
    "version",
    "iteration",
    "schemaVersion",
    "gnetId",
    "__inputs",
    "__requires",
    "__elements",
    "editable",
];

/// Panel settings the importer reads itself (or that only place it).
const PANEL_READ: &[&[&str]] = &[
    &["id"],
    &["gridPos"],
    &["type"],
    &["title"],
    &["description"],
    &["datasource"],
    &["pluginVersion"],
    &["targets"],
    &["fieldConfig", "overrides"],
    &["fieldConfig", "defaults", "thresholds", "steps"],
    &["links"],
    &["transformations"],
    &["repeat"],
    &["repeatDirection"],
    &["maxPerRow"],
    &["panels"],
    &["collapsed"],
    &["options", "content"],
];

/// Query settings the importer reads itself; `editorMode` is how
/// Grafana's editor shows the query, not what it asks.
const TARGET_READ: &[&str] = &["expr", "refId", "datasource", "legendFormat", "editorMode"];

/// Reports every setting of `original` (a dashboard, whose kept panels
/// are `kept` in the order of the import) that compiling `imported` (its
/// spec) does not give back.
pub fn report(
    original: &Value,
    imported: &Value,
    kept: &[KeptPanel<'_>],
    path: &str,
    notes: &mut Notes<'_>,
) {
    let Ok(dashboard) = serde_json::from_value::<crate::spec::Dashboard>(imported.clone()) else {
        notes.push(
            NoteKind::Approximated,
            path,
            "the imported dashboard does not compile, so what it lost could not be compared: run `monocle check` on it",
        );
        return;
    };
    let model = crate::lower::dashboards::standalone(&dashboard);
    let compiled = serde_json::Value::from(crate::emit::grafana::dashboard_json(&model));
    let mut lost = Vec::new();
    for (key, value) in original.as_object().into_iter().flatten() {
        if !DASHBOARD_READ.contains(&key.as_str()) {
            let mut at = vec![key.clone()];
            compare(value, &compiled, &mut at, &Scope::Dashboard, &mut lost);
        }
    }
    for (at, value, ours) in lost.drain(..) {
        notes.push(
            NoteKind::Dropped,
            &format!("{path}.{at}"),
            format!("the dashboard's `{at}` {value}, {ours}"),
        );
    }
    variables(original, &compiled, path, notes);
    let compiled_panels = panels(&compiled);
    if compiled_panels.len() != kept.len() {
        return;
    }
    for (kept, ours) in kept.iter().zip(compiled_panels) {
        if kept.legacy() {
            continue;
        }
        let title = kept.original["title"].as_str().unwrap_or_default();
        let kind = ours["type"].as_str().unwrap_or_default();
        for (key, value) in kept.original.as_object().into_iter().flatten() {
            let mut at = vec![key.clone()];
            compare(value, ours, &mut at, &Scope::Panel(kind), &mut lost);
        }
        let theirs = kept.original["targets"].as_array();
        let ours_targets = ours["targets"].as_array();
        let kept_targets = theirs
            .into_iter()
            .flatten()
            .enumerate()
            .filter(|(_, t)| t["expr"].is_string());
        for ((i, target), compiled) in kept_targets.zip(ours_targets.into_iter().flatten()) {
            for (key, value) in target.as_object().into_iter().flatten() {
                if TARGET_READ.contains(&key.as_str()) {
                    continue;
                }
                let mut one = Vec::new();
                compare(
                    value,
                    compiled,
                    &mut vec![key.clone()],
                    &Scope::Target,
                    &mut one,
                );
                lost.extend(
                    one.into_iter()
                        .map(|(at, value, ours)| (format!("targets[{i}].{at}"), value, ours)),
                );
            }
        }
        for (at, value, ours) in lost.drain(..) {
            notes.push(
                NoteKind::Dropped,
                &format!("{}.{at}", kept.path),
                format!("panel `{title}`'s `{at}` {value}, {ours}"),
            );
        }
    }
}

/// Variable settings the importer reads itself; `current` and `options`
/// are the selection and values Grafana saved at export, which it
/// queries again on load.
const VARIABLE_READ: &[&str] = &[
    "name",
    "type",
    "label",
    "query",
    "definition",
    "current",
    "options",
    "datasource",
    "multi",
    "includeAll",
    "allValue",
    "hide",
    "regex",
    "sort",
    "refresh",
    "auto",
];

/// Reports the settings of each imported variable that compiling does
/// not give back (a variable the importer dropped is reported already).
fn variables(original: &Value, compiled: &Value, path: &str, notes: &mut Notes<'_>) {
    let compiled_list = compiled["templating"]["list"].as_array();
    for (i, v) in original["templating"]["list"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let name = v["name"].as_str().unwrap_or_default();
        let Some(ours) = compiled_list
            .into_iter()
            .flatten()
            .find(|c| c["name"] == name)
        else {
            continue;
        };
        let mut lost = Vec::new();
        for (key, value) in v.as_object().into_iter().flatten() {
            if !VARIABLE_READ.contains(&key.as_str()) {
                compare(
                    value,
                    ours,
                    &mut vec![key.clone()],
                    &Scope::Variable,
                    &mut lost,
                );
            }
        }
        for (at, value, ours) in lost {
            notes.push(
                NoteKind::Dropped,
                &format!("{path}.templating.list[{i}].{at}"),
                format!("variable `{name}`'s `{at}` {value}, {ours}"),
            );
        }
    }
}

/// Where a setting is, for its Grafana default.
enum Scope<'a> {
    Dashboard,
    Variable,
    /// A panel of this Grafana type.
    Panel(&'a str),
    Target,
}

/// A lost setting: its dotted path, its value, what compiling gives.
type Lost = (String, String, String);

/// Compares `value`, at `at` in the original, with the same place of
/// `compiled`, the compiled object at the same level as the original's
/// root.
fn compare(
    value: &Value,
    compiled: &Value,
    at: &mut Vec<String>,
    scope: &Scope<'_>,
    lost: &mut Vec<Lost>,
) {
    if let Scope::Panel(_) = scope
        && PANEL_READ
            .iter()
            .any(|read| at.len() >= read.len() && read.iter().zip(at.iter()).all(|(r, a)| r == a))
    {
        return;
    }
    if let Value::Object(map) = value {
        for (key, inner) in map {
            at.push(key.clone());
            compare(inner, compiled, at, scope, lost);
            at.pop();
        }
        return;
    }
    if unset(value) {
        return;
    }
    let ours = compiled_value(compiled, at);
    let kept = match &ours {
        Some(ours) => same(value, ours),
        None => default(scope, &at.join(".")).is_some_and(|d| same(value, &d)),
    };
    if !kept {
        let compiled = match ours {
            Some(ours) => format!("compiled as {ours}"),
            None => "which the language cannot set (compiled: Grafana's default)".to_owned(),
        };
        lost.push((at.join("."), value.to_string(), compiled));
    }
}

/// The compiled value at `at`; legacy legend keys read as what they
/// became.
fn compiled_value(compiled: &Value, at: &[String]) -> Option<Value> {
    let dotted = at.join(".");
    let legend = &compiled["options"]["legend"];
    match dotted.as_str() {
        "options.legend.asTable" if legend.is_object() => {
            return Some(Value::Bool(legend["displayMode"] == "table"));
        }
        "options.legend.show" if legend["showLegend"].is_boolean() => {
            return Some(legend["showLegend"].clone());
        }
        _ => {}
    }
    let mut here = compiled;
    for key in at {
        here = here.get(key)?;
    }
    (!here.is_null()).then(|| here.clone())
}

/// A setting written as nothing: Grafana reads it as its default.
fn unset(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

fn same(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => (x - y).abs() <= f64::EPSILON * x.abs().max(1.0),
        _ => a == b,
    }
}

/// Grafana's default of a setting monocle does not write (from its
/// panel and dashboard schemas); `None` when there is none, so any
/// value is a loss.
fn default(scope: &Scope<'_>, dotted: &str) -> Option<Value> {
    let text = match scope {
        Scope::Dashboard => match dotted {
            "fiscalYearStartMonth" => "0",
            "liveNow"
            | "hideControls"
            | "sharedCrosshair"
            | "timepicker.hidden"
            | "timepicker.collapse" => "false",
            "timepicker.enable" => "true",
            "style" => "\"dark\"",
            "timepicker.refresh_intervals" => {
                r#"["5s","10s","30s","1m","5m","15m","30m","1h","2h","1d"]"#
            }
            "timepicker.time_options" => r#"["5m","15m","1h","6h","12h","24h","2d","7d","30d"]"#,
            _ => return None,
        },
        Scope::Variable => match dotted {
            "skipUrlSync" => "false",
            "auto_count" => "30",
            "auto_min" => "\"10s\"",
            _ => return None,
        },
        Scope::Target => match dotted {
            "intervalFactor" => "1",
            "hide" | "exemplar" | "instant" => "false",
            "range" => "true",
            "format" => "\"time_series\"",
            _ => return None,
        },
        Scope::Panel(kind) => panel_default(kind, dotted)?,
    };
    serde_json::from_str(text).ok()
}

fn panel_default(kind: &str, dotted: &str) -> Option<&'static str> {
    let custom = dotted.strip_prefix("fieldConfig.defaults.custom.");
    Some(match (kind, dotted, custom) {
        (_, "transparent" | "hideTimeOverride", _) => "false",
        (_, "fieldConfig.defaults.thresholds.mode", _) => "\"absolute\"",
        (_, "options.legend.showLegend" | "options.legend.show", _) => "true",
        (_, "options.legend.asTable", _) => "false",
        (_, "options.legend.displayMode", _) => "\"list\"",
        (_, "options.legend.placement", _) => "\"bottom\"",
        (_, "options.tooltip.mode", _) => "\"single\"",
        (_, "options.tooltip.sort", _) => "\"none\"",
        (_, "options.tooltip.hideZeros", _) => "false",
        (_, "options.tooltip.maxHeight", _) => "600",
        (_, _, Some("hideFrom.legend" | "hideFrom.tooltip" | "hideFrom.viz")) => "false",
        (_, _, Some("axisBorderShow" | "axisCenteredZero" | "insertNulls")) => "false",
        (_, _, Some("axisColorMode")) => "\"text\"",
        (_, _, Some("axisPlacement")) => "\"auto\"",
        (_, _, Some("barAlignment")) => "0",
        (_, _, Some("barWidthFactor")) => "0.6",
        (_, _, Some("pointSize")) => "5",
        (_, _, Some("lineWidth")) => "1",
        (_, _, Some("lineInterpolation")) => "\"linear\"",
        (_, _, Some("lineStyle.fill")) => "\"solid\"",
        (_, _, Some("gradientMode")) => "\"none\"",
        (_, _, Some("scaleDistribution.type")) => "\"linear\"",
        (_, _, Some("stacking.group")) => "\"A\"",
        (_, _, Some("thresholdsStyle.mode")) => "\"off\"",
        ("table", _, Some("align" | "cellOptions.type")) => "\"auto\"",
        ("table", _, Some("inspect" | "filterable")) => "false",
        ("table", "options.showHeader", _) => "true",
        ("table", "options.cellHeight", _) => "\"sm\"",
        ("table", "options.footer.show" | "options.footer.countRows", _) => "false",
        ("table", "options.footer.enablePagination", _) => "false",
        _ => return None,
    })
}

/// A compiled dashboard's panels other than rows, in order (a collapsed
/// row's inside it).
fn panels(compiled: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    for p in compiled["panels"].as_array().into_iter().flatten() {
        if p["type"] == "row" {
            out.extend(p["panels"].as_array().into_iter().flatten());
        } else {
            out.push(p);
        }
    }
    out
}
