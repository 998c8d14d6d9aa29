//! Grafana dashboards: the dashboard JSON (Grafana's classic JSON model,
//! datasources as template variables) and a ConfigMap per dashboard that
//! the Grafana sidecar loads: the spec's dashboards and the SLO dashboards
//! that `lower/slo_dashboards.rs` generates, rendered alike.

use serde_json::{Map, Value, json};

use super::json::{Json, Obj, jobject, jv};
use super::{Emitted, yaml};
use crate::model::dashboards::{
    AnnotationModel, DashboardModel, Datasource, LOKI_VARIABLE, PROMETHEUS_VARIABLE, PanelKind,
    PanelModel, QueryModel, ThresholdModel, VariableModel, ref_id,
};
use crate::model::{ClusterModel, MANAGED_BY, MANAGED_BY_LABEL};
use crate::spec::{
    Draw, DurationText, Legend, LegendMode, LegendPlacement, Link, Override, QueryFormat,
    RepeatDirection, Stack, Transformation, VariableHide, VariableSort, VariableType,
};

/// Grafana 12's dashboard model. The migrations to it (40: `refresh` is a
/// string, 41: no legacy time picker options) have nothing to change here.
pub const SCHEMA_VERSION: u32 = 41;
/// Columns of Grafana's grid.
pub const GRID_COLUMNS: u32 = 24;
/// Narrowest a panel without a width gets before the line wraps.
pub const MIN_AUTO_WIDTH: u32 = 4;

/// What the dashboards of a cluster depend on, and nothing else: the
/// emitter sees only this, and clusters that agree on it share the files.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Input<'a> {
    pub dashboards: &'a [DashboardModel],
    pub slo_dashboards: &'a [DashboardModel],
    /// Where the sidecar ConfigMaps go.
    pub namespace: &'a str,
}

impl<'a> Input<'a> {
    pub fn of(cluster: &'a ClusterModel) -> Self {
        Input {
            dashboards: &cluster.dashboards,
            slo_dashboards: &cluster.slo_dashboards,
            namespace: &cluster.prometheus.namespace,
        }
    }
}

/// The files of one dashboard: its ConfigMap (in `namespace`) and its JSON.
pub fn emit_one(dashboard: &DashboardModel, namespace: &str) -> Vec<Emitted> {
    let mut text = super::json::pretty(&dashboard_json(dashboard));
    text.push('\n');
    let config_map = config_map_file(dashboard, namespace, &text);
    let json = Emitted {
        path: format!("dashboards/{}.json", dashboard.uid),
        bytes: text.into_bytes().into(),
        resource: false,
    };
    vec![config_map, json]
}

/// The ConfigMap's file. The JSON is written as the YAML serializer writes
/// it (a literal block, each line indented), but not through it: the
/// serializer checks and copies the dashboard a character at a time, a
/// fifth of the rendering at fleet scale. The rest of the object is
/// serialized with a one-letter stand-in for the JSON, which is then
/// replaced; JSON the shortcut does not cover goes through the serializer.
/// A test holds both to the same bytes.
fn config_map_file(d: &DashboardModel, namespace: &str, json: &str) -> Emitted {
    let path = format!("dashboards/{}.yaml", d.uid);
    let serialized = || {
        yaml::resource(
            path.clone(),
            Some(&d.origin),
            &config_map(d, namespace, json),
            true,
        )
    };
    if !as_literal_block(json) {
        return serialized();
    }
    let mut text = yaml::header(Some(&d.origin));
    text.push_str(&yaml::to_yaml(&config_map(d, namespace, "x")));
    if !text.ends_with(": x\n") {
        return serialized();
    }
    text.truncate(text.len() - "x\n".len());
    // Each line with its newline (the JSON ends with one and holds no `\r`);
    // a dashboard is thousands of short lines, found with vector search.
    let json = json.as_bytes();
    let lines = memchr::memchr_iter(b'\n', json).count();
    let mut bytes = text.into_bytes();
    bytes.reserve(json.len() + 4 * lines + 2);
    bytes.extend_from_slice(b"|\n");
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', json) {
        bytes.extend_from_slice(b"    ");
        bytes.extend_from_slice(&json[start..=end]);
        start = end + 1;
    }
    Emitted {
        path,
        bytes: bytes.into(),
        resource: true,
    }
}

/// Whether the YAML serializer writes `text`, a value of a key at the
/// second level, as a literal block clipped to one final newline (`|`)
/// with each line indented by four spaces: characters a block may hold,
/// no leading space, no empty line, exactly one newline at the end.
fn as_literal_block(text: &str) -> bool {
    let allowed = |c: char| match c {
        '\u{2028}' | '\u{2029}' | '\u{FEFF}' => false,
        c => matches!(c as u32, 0xA0..=0xD7FF | 0xE000..=0xFFFD | 0x10000..),
    };
    text.ends_with('\n')
        && !text.starts_with([' ', '\n'])
        && !text.contains("\n\n")
        && yaml::all_chars(text, |b| matches!(b, b'\n' | 0x20..=0x7E), allowed)
}

/// The sidecar's ConfigMap: the label it watches, the folder annotation it
/// reads, and the JSON under `<uid>.json`.
fn config_map(d: &DashboardModel, namespace: &str, json: &str) -> Value {
    let mut metadata = Map::new();
    metadata.insert("name".into(), json!(format!("grafana-dashboard-{}", d.uid)));
    metadata.insert("namespace".into(), json!(namespace));
    metadata.insert(
        "labels".into(),
        json!({ MANAGED_BY_LABEL: MANAGED_BY, "grafana_dashboard": "1" }),
    );
    if let Some(folder) = &d.folder {
        metadata.insert("annotations".into(), json!({ "grafana_folder": folder }));
    }
    let mut data = Map::new();
    data.insert(format!("{}.json", d.uid), json!(json));
    json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": metadata,
        "data": data,
    })
}

/// The "generated, do not edit" note (JSON has no comments).
fn generated_note(origin: &str) -> String {
    format!(
        "Generated by monocle from the spec `{origin}`. DO NOT EDIT: change the spec and run `monocle compile` instead."
    )
}

fn datasource_ref(datasource: Datasource) -> Option<Json> {
    match datasource {
        Datasource::Prometheus => Some(prometheus_ref()),
        Datasource::Loki => Some(jv!({ "type": "loki", "uid": format!("${{{LOKI_VARIABLE}}}") })),
        Datasource::None => None,
    }
}

fn prometheus_ref() -> Json {
    jv!({ "type": "prometheus", "uid": format!("${{{PROMETHEUS_VARIABLE}}}") })
}

pub fn dashboard_json(d: &DashboardModel) -> Json {
    let mut panels = Vec::new();
    let mut id = 0;
    let mut y = 0;
    for row in &d.rows {
        id += 1;
        let row_id = id;
        let row_y = y;
        y += 1;
        let (grids, next_y) = layout(&row.panels, y);
        let mut inside = Vec::new();
        for (panel, grid) in row.panels.iter().zip(grids) {
            id += 1;
            inside.push(panel_json(panel, id, grid));
        }
        // A collapsed row carries its panels, placed as they will be when
        // it opens; the next row follows it directly.
        let (carried, shown) = if row.collapsed {
            (inside, Vec::new())
        } else {
            y = next_y;
            (Vec::new(), inside)
        };
        panels.push(jobject! {
            "id" => row_id,
            "type" => "row",
            "title" => row.title.as_str(),
            "collapsed" => row.collapsed,
            "gridPos" => jv!({ "h": 1, "w": GRID_COLUMNS, "x": 0, "y": row_y }),
            "panels" => carried,
        });
        panels.extend(shown);
    }
    let note = generated_note(&d.origin);
    let description = match &d.description {
        Some(description) => format!("{description}\n\n{note}"),
        None => note,
    };
    jobject! {
        "uid" => d.uid.as_str(),
        "title" => d.title.as_str(),
        "description" => description,
        "tags" => jv!(d.tags),
        "timezone" => jv!(d.timezone),
        "editable" => false,
        "graphTooltip" => 1,
        "time" => jv!({ "from": format!("now-{}", grafana_interval(&d.time)), "to": "now" }),
        "refresh" => d.refresh.as_ref().map(grafana_interval).unwrap_or_default(),
        "schemaVersion" => SCHEMA_VERSION,
        "links" => d.links.iter().map(link).collect::<Vec<_>>(),
        "annotations" => jobject! { "list" => annotations(&d.annotations) },
        "templating" => jobject! { "list" => variables(d) },
        "panels" => panels,
    }
}

/// A link as Grafana's `DashboardLink` (panels use the same model).
fn link(l: &Link) -> Json {
    jv!({
        "title": l.title,
        "type": "link",
        "url": l.url,
        "icon": "external link",
        "tooltip": "",
        "tags": [],
        "asDropdown": false,
        "targetBlank": false,
        "includeVars": false,
        "keepTime": false,
    })
}

/// A Prometheus duration as Grafana's relative time and refresh syntax
/// reads it: one number and one unit (`1h30m` becomes `90m`).
fn grafana_interval(duration: &DurationText) -> String {
    let text = duration.as_str();
    let unit = text.trim_start_matches(|c: char| c.is_ascii_digit());
    if matches!(unit, "s" | "m" | "h" | "d" | "w" | "y") {
        return text.to_owned();
    }
    let seconds = duration.value().millis.div_ceil(1000).max(1);
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60)] {
        if seconds.is_multiple_of(size) {
            return format!("{}{unit}", seconds / size);
        }
    }
    format!("{seconds}s")
}

fn annotations(extra: &[AnnotationModel]) -> Vec<Json> {
    let mut list = vec![jv!({
        "builtIn": 1,
        "datasource": { "type": "grafana", "uid": "-- Grafana --" },
        "enable": true,
        "hide": true,
        "iconColor": "rgba(0, 211, 255, 1)",
        "name": "Annotations & Alerts",
        "type": "dashboard",
    })];
    list.extend(extra.iter().map(|a| {
        let mut annotation = Obj::new();
        annotation.insert("name", jv!(a.name));
        annotation.insert(
            "datasource",
            datasource_ref(a.datasource).unwrap_or_else(prometheus_ref),
        );
        annotation.insert("enable", jv!(true));
        annotation.insert("hide", jv!(false));
        annotation.insert("iconColor", jv!(a.color));
        annotation.insert("expr", jv!(a.expr));
        if a.datasource == Datasource::Prometheus {
            annotation.insert("step", jv!("60s"));
        }
        if !a.title.is_empty() {
            annotation.insert("titleFormat", jv!(a.title));
        }
        if !a.text.is_empty() {
            annotation.insert("textFormat", jv!(a.text));
        }
        Json::Obj(annotation)
    }));
    list
}

fn variables(d: &DashboardModel) -> Vec<Json> {
    let datasource = |name: &str, label: &str, plugin: &str| {
        jv!({
            "name": name,
            "label": label,
            "type": "datasource",
            "query": plugin,
            "hide": 0,
            "includeAll": false,
            "multi": false,
            "options": [],
            "refresh": 1,
            "regex": "",
            "skipUrlSync": false,
        })
    };
    let mut list = vec![
        datasource(PROMETHEUS_VARIABLE, "Prometheus", "prometheus"),
        datasource(LOKI_VARIABLE, "Loki", "loki"),
    ];
    list.extend(d.variables.iter().map(variable));
    list
}

fn variable(v: &VariableModel) -> Json {
    let mut var = Obj::new();
    var.insert("name", jv!(v.name));
    var.insert("label", jv!(v.label.as_deref().unwrap_or(&v.name)));
    let kind = match v.kind {
        VariableType::Query => "query",
        VariableType::Custom => "custom",
        VariableType::Interval => "interval",
        VariableType::Constant => "constant",
        VariableType::Textbox => "textbox",
        VariableType::Datasource => "datasource",
    };
    var.insert("type", jv!(kind));
    match v.kind {
        VariableType::Query => {
            var.insert("datasource", prometheus_ref());
            var.insert("query", jv!(v.query));
            var.insert("definition", jv!(v.query));
        }
        // Grafana keeps a custom or interval variable's values as one
        // comma-separated query, and lists them as options.
        VariableType::Custom | VariableType::Interval => {
            var.insert("query", jv!(v.values.join(",")));
            let options: Vec<Json> = v
                .values
                .iter()
                .enumerate()
                .map(|(i, value)| jv!({ "selected": i == 0, "text": value, "value": value }))
                .collect();
            if let Some(first) = v.values.first() {
                var.insert("current", jv!({ "text": first, "value": first }));
            }
            var.insert("options", Json::Arr(options));
        }
        VariableType::Constant | VariableType::Textbox => {
            var.insert("query", jv!(v.query));
            var.insert("current", jv!({ "text": v.query, "value": v.query }));
        }
        VariableType::Datasource => {
            var.insert("query", jv!(v.query));
        }
    }
    let hide = match v.hide {
        VariableHide::Nothing => 0,
        VariableHide::Label => 1,
        VariableHide::Variable => 2,
    };
    var.insert("hide", jv!(hide));
    var.insert("includeAll", jv!(v.include_all));
    var.insert("multi", jv!(v.multi));
    if let Some(all) = v.all_value.as_ref().filter(|_| v.include_all) {
        var.insert("allValue", jv!(all));
    }
    if !var.contains_key("options") {
        var.insert("options", jv!([]));
    }
    if matches!(v.kind, VariableType::Query | VariableType::Datasource) {
        // Query variables refresh on time-range change: label values come
        // and go with the range.
        let refresh = if v.kind == VariableType::Query { 2 } else { 1 };
        var.insert("refresh", jv!(refresh));
        var.insert("regex", jv!(v.regex.as_deref().unwrap_or("")));
    }
    var.insert("skipUrlSync", jv!(false));
    if v.kind == VariableType::Query {
        let sort = match v.sort {
            VariableSort::None => 0,
            VariableSort::Alphabetical => 1,
            VariableSort::AlphabeticalDesc => 2,
            VariableSort::Numerical => 3,
            VariableSort::NumericalDesc => 4,
            VariableSort::CaseInsensitive => 5,
            VariableSort::CaseInsensitiveDesc => 6,
            VariableSort::Natural => 7,
            VariableSort::NaturalDesc => 8,
        };
        var.insert("sort", jv!(sort));
    }
    Json::Obj(var)
}

/// Whether a panel is repeated left to right.
fn repeats_across(p: &PanelModel) -> bool {
    p.repeat.is_some() && p.repeat_direction == RepeatDirection::Horizontal
}

/// A panel's place on Grafana's grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grid {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
}

/// Lays out a row's panels from line `y`: left to right, a panel without
/// a width sharing the rest of its line evenly (at least
/// [`MIN_AUTO_WIDTH`]), wrapping when the next panel does not fit. Every
/// panel of a line is as tall as the tallest, so Grafana's gravity never
/// pulls the next line up into a hole. Returns the grids and the next free
/// line.
pub fn layout(panels: &[PanelModel], y: u32) -> (Vec<Grid>, u32) {
    // Grafana lays a horizontally repeated panel's copies over whole lines
    // from the left edge, whatever its width: it gets lines of its own.
    let owned: Vec<PanelModel>;
    let panels = if panels.iter().any(repeats_across) {
        owned = panels
            .iter()
            .map(|p| {
                let mut p = p.clone();
                if repeats_across(&p) {
                    p.width = Some(GRID_COLUMNS);
                }
                p
            })
            .collect();
        &owned[..]
    } else {
        panels
    };
    let want = |p: &PanelModel| p.width.unwrap_or(MIN_AUTO_WIDTH).clamp(1, GRID_COLUMNS);
    let mut lines: Vec<Vec<&PanelModel>> = Vec::new();
    let mut used = 0;
    for panel in panels {
        match lines.last_mut() {
            Some(line) if used + want(panel) <= GRID_COLUMNS => line.push(panel),
            _ => {
                lines.push(vec![panel]);
                used = 0;
            }
        }
        used += want(panel);
    }
    let mut grids = Vec::with_capacity(panels.len());
    let mut y = y;
    for line in lines {
        let fixed: u32 = line
            .iter()
            .filter_map(|p| p.width)
            .map(|w| w.min(GRID_COLUMNS))
            .sum();
        let autos = line.iter().filter(|p| p.width.is_none()).count() as u32;
        let rest = GRID_COLUMNS.saturating_sub(fixed);
        let share = rest.checked_div(autos).unwrap_or(0);
        let extra = rest.checked_rem(autos).unwrap_or(0);
        let h = line.iter().map(|p| p.height.max(1)).max().unwrap_or(1);
        let mut x = 0;
        let mut auto = 0;
        for panel in line {
            let w = if let Some(w) = panel.width {
                w.clamp(1, GRID_COLUMNS)
            } else {
                auto += 1;
                share + u32::from(auto <= extra)
            };
            grids.push(Grid { x, y, w, h });
            x += w;
        }
        y += h;
    }
    (grids, y)
}

fn panel_json(p: &PanelModel, id: u32, grid: Grid) -> Json {
    let mut panel = Obj::new();
    panel.insert("id", jv!(id));
    panel.insert("type", jv!(p.kind.plugin()));
    panel.insert("title", jv!(p.title));
    if let Some(description) = &p.description {
        panel.insert("description", jv!(description));
    }
    panel.insert(
        "gridPos",
        jv!({ "h": grid.h, "w": grid.w, "x": grid.x, "y": grid.y }),
    );
    if !p.links.is_empty() {
        panel.insert("links", Json::Arr(p.links.iter().map(link).collect()));
    }
    if let Some(repeat) = &p.repeat {
        panel.insert("repeat", jv!(repeat));
        let direction = match p.repeat_direction {
            RepeatDirection::Horizontal => "h",
            RepeatDirection::Vertical => "v",
        };
        panel.insert("repeatDirection", jv!(direction));
    }
    if let Some(datasource) = datasource_ref(p.datasource) {
        panel.insert("datasource", datasource);
        let targets: Vec<Json> = p
            .queries
            .iter()
            .enumerate()
            .map(|(i, q)| target(p, i, q))
            .collect();
        panel.insert("targets", Json::Arr(targets));
    }
    if let Some(interval) = &p.interval {
        panel.insert("interval", jv!(grafana_interval(interval)));
    }
    panel.insert("fieldConfig", field_config(p));
    panel.insert("options", options(p));
    let transformations = if !p.transformations.is_empty() {
        p.transformations.iter().map(transformation).collect()
    } else if p.kind == PanelKind::Table {
        table_transformations(p)
    } else {
        Vec::new()
    };
    if !transformations.is_empty() {
        panel.insert("transformations", Json::Arr(transformations));
    }
    Json::Obj(panel)
}

fn transformation(t: &Transformation) -> Json {
    match t {
        Transformation::Merge => jv!({ "id": "merge", "options": {} }),
        Transformation::Organize(o) => {
            let exclude: Obj = o.exclude.iter().map(|c| (c.clone(), jv!(true))).collect();
            jv!({
                "id": "organize",
                "options": { "excludeByName": exclude, "indexByName": {}, "renameByName": o.rename },
            })
        }
        Transformation::JoinByField(j) => jv!({
            "id": "joinByField",
            "options": { "byField": j.field, "mode": "outer" },
        }),
    }
}

/// A spec override as Grafana's matcher and properties.
fn field_override(kind: PanelKind, o: &Override) -> Json {
    let m = &o.match_;
    let matcher = if let Some(name) = &m.name {
        jv!({ "id": "byName", "options": name })
    } else if let Some(regex) = &m.regex {
        jv!({ "id": "byRegexp", "options": regex })
    } else {
        jv!({ "id": "byFrameRefID", "options": m.query.clone().unwrap_or_default() })
    };
    let mut properties = Vec::new();
    if let Some(unit) = &o.unit {
        properties.push(jv!({ "id": "unit", "value": unit }));
    }
    if let Some(decimals) = o.decimals {
        properties.push(jv!({ "id": "decimals", "value": decimals }));
    }
    if let Some(min) = o.min {
        properties.push(jv!({ "id": "min", "value": number(min) }));
    }
    if let Some(max) = o.max {
        properties.push(jv!({ "id": "max", "value": number(max) }));
    }
    if !o.links.is_empty() {
        // Data links are a title and a url (Grafana's `DataLink`).
        let links: Vec<Json> = o
            .links
            .iter()
            .map(|l| jv!({ "title": l.title, "url": l.url }))
            .collect();
        properties.push(jobject! { "id" => "links", "value" => links });
    }
    if let Some(color) = &o.color {
        properties.push(jv!({ "id": "color", "value": { "mode": "fixed", "fixedColor": color } }));
    }
    if let Some(name) = &o.display_name {
        properties.push(jv!({ "id": "displayName", "value": name }));
    }
    if let Some(hidden) = o.hidden {
        // A table hides a column; charts hide a series everywhere.
        properties.push(if kind == PanelKind::Table {
            jv!({ "id": "custom.hidden", "value": hidden })
        } else {
            jv!({
                "id": "custom.hideFrom",
                "value": { "legend": hidden, "tooltip": hidden, "viz": hidden },
            })
        });
    }
    jobject! { "matcher" => matcher, "properties" => properties }
}

/// The value columns of a table: `Value` (one query) or `Value #A`, ...
/// (several, merged), renamed to the query legends.
fn value_columns(p: &PanelModel) -> Vec<String> {
    p.queries
        .iter()
        .enumerate()
        .map(|(i, q)| match (&q.legend, p.queries.len()) {
            (Some(legend), _) => legend.clone(),
            (None, 1) => "Value".to_owned(),
            (None, _) => format!("Value #{}", ref_id(i)),
        })
        .collect()
}

/// Several queries become one table (a column per query, named by its
/// legend); hidden columns are dropped.
fn table_transformations(p: &PanelModel) -> Vec<Json> {
    let mut list = Vec::new();
    if p.queries.len() > 1 {
        list.push(jv!({ "id": "merge", "options": {} }));
    }
    let hidden: Obj = p
        .hidden_columns
        .iter()
        .map(|c| (c.clone(), jv!(true)))
        .collect();
    let renamed: Obj = if p.queries.len() > 1 {
        p.queries
            .iter()
            .enumerate()
            .filter_map(|(i, q)| Some((format!("Value #{}", ref_id(i)), jv!(q.legend.as_ref()?))))
            .collect()
    } else {
        p.queries
            .first()
            .and_then(|q| q.legend.as_ref())
            .map(|l| ("Value".to_owned(), jv!(l)))
            .into_iter()
            .collect()
    };
    if !hidden.is_empty() || !renamed.is_empty() {
        list.push(jv!({
            "id": "organize",
            "options": { "excludeByName": hidden, "indexByName": {}, "renameByName": renamed },
        }));
    }
    list
}

fn target(p: &PanelModel, index: usize, q: &QueryModel) -> Json {
    let mut t = Obj::new();
    t.insert("refId", jv!(ref_id(index)));
    if let Some(datasource) = datasource_ref(p.datasource) {
        t.insert("datasource", datasource);
    }
    t.insert("editorMode", jv!("code"));
    t.insert("expr", jv!(q.expr));
    if p.datasource == Datasource::Loki {
        if let Some(legend) = &q.legend {
            t.insert("legendFormat", jv!(legend));
        }
        t.insert("queryType", jv!("range"));
    } else {
        t.insert("legendFormat", jv!(q.legend.as_deref().unwrap_or("__auto")));
        // Tables and pie charts show one value per series: no range needed.
        let instant = q
            .instant
            .unwrap_or(matches!(p.kind, PanelKind::Table | PanelKind::Piechart));
        t.insert("range", jv!(!instant));
        t.insert("instant", jv!(instant));
        let format = q.format.or(match p.kind {
            PanelKind::Table => Some(QueryFormat::Table),
            PanelKind::Heatmap => Some(QueryFormat::Heatmap),
            _ => None,
        });
        if let Some(format) = format {
            let format = match format {
                QueryFormat::TimeSeries => "time_series",
                QueryFormat::Table => "table",
                QueryFormat::Heatmap => "heatmap",
            };
            t.insert("format", jv!(format));
        }
    }
    Json::Obj(t)
}

/// A number as written in a spec: `85`, not `85.0`.
fn number(x: f64) -> Json {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        jv!(x as i64)
    } else {
        jv!(x)
    }
}

fn thresholds(steps: &[ThresholdModel]) -> Json {
    let mut list = Vec::new();
    match steps.split_first() {
        // The spec's lowest step is Grafana's base step (from -Infinity).
        Some((base, rest)) => {
            list.push(jv!({ "color": base.color, "value": null }));
            list.extend(
                rest.iter()
                    .map(|s| jv!({ "color": s.color, "value": number(s.value) })),
            );
        }
        None => list.push(jv!({ "color": "green", "value": null })),
    }
    jobject! { "mode" => "absolute", "steps" => list }
}

fn field_config(p: &PanelModel) -> Json {
    let mut defaults = Obj::new();
    if matches!(p.kind, PanelKind::Logs | PanelKind::Text) {
        return jobject! { "defaults" => defaults, "overrides" => Vec::<Json>::new() };
    }
    if p.kind == PanelKind::Heatmap {
        // A heatmap's unit, decimals and bounds are those of its y axis
        // (`options.yAxis`); its cells take colours from a scheme.
        defaults.insert(
            "custom",
            jv!({
                "hideFrom": { "legend": false, "tooltip": false, "viz": false },
                "scaleDistribution": { "type": "linear" },
            }),
        );
        let overrides: Vec<Json> = p
            .overrides
            .iter()
            .map(|o| field_override(p.kind, o))
            .collect();
        return jobject! { "defaults" => defaults, "overrides" => overrides };
    }
    if let Some(unit) = &p.unit {
        defaults.insert("unit", jv!(unit));
    }
    if let Some(decimals) = p.decimals {
        defaults.insert("decimals", jv!(decimals));
    }
    if let Some(min) = p.min {
        defaults.insert("min", number(min));
    }
    if let Some(max) = p.max {
        defaults.insert("max", number(max));
    }
    if let Some(no_value) = &p.no_value {
        defaults.insert("noValue", jv!(no_value));
    }
    let color_mode = match p.kind {
        PanelKind::Timeseries | PanelKind::Piechart => "palette-classic",
        _ => "thresholds",
    };
    defaults.insert("color", jv!({ "mode": color_mode }));
    defaults.insert("thresholds", thresholds(&p.thresholds));
    let mut overrides = Vec::new();
    match p.kind {
        PanelKind::Timeseries => {
            let style = if p.thresholds.len() > 1 {
                "dashed"
            } else {
                "off"
            };
            defaults.insert(
                "custom",
                jv!({
                    "drawStyle": match p.draw.unwrap_or(Draw::Lines) {
                        Draw::Lines => "line",
                        Draw::Bars => "bars",
                        Draw::Points => "points",
                    },
                    "lineWidth": 1,
                    "lineInterpolation": "linear",
                    "fillOpacity": p.fill_opacity.unwrap_or(DEFAULT_FILL_OPACITY),
                    "gradientMode": "none",
                    // Points drawn alone need to be shown.
                    "showPoints": if p.draw == Some(Draw::Points) { "always" } else { "never" },
                    "spanNulls": p.span_nulls.unwrap_or(false),
                    "axisPlacement": "auto",
                    "stacking": {
                        "mode": match p.stack.unwrap_or(Stack::None) {
                            Stack::None => "none",
                            Stack::Normal => "normal",
                            Stack::Percent => "percent",
                        },
                        "group": "A",
                    },
                    "thresholdsStyle": { "mode": style },
                }),
            );
        }
        PanelKind::Table => {
            // No `cellOptions`: Grafana's default is `auto`, and the
            // upstream schema cannot tell an `auto` cell from the others.
            defaults.insert("custom", jv!({ "align": "auto", "inspect": false }));
            if !p.thresholds.is_empty() {
                // Colour the values by threshold, not the label columns.
                overrides.push(jv!({
                    "matcher": {
                        "id": "byNames",
                        "options": { "mode": "include", "names": value_columns(p) },
                    },
                    "properties": [{
                        "id": "custom.cellOptions",
                        "value": { "type": "color-background", "mode": "basic" },
                    }],
                }));
            }
        }
        PanelKind::Piechart => {
            defaults.insert(
                "custom",
                jv!({ "hideFrom": { "legend": false, "tooltip": false, "viz": false } }),
            );
        }
        _ => {}
    }
    overrides.extend(p.overrides.iter().map(|o| field_override(p.kind, o)));
    jobject! { "defaults" => defaults, "overrides" => overrides }
}

/// Area opacity of a timeseries when the spec gives none.
pub const DEFAULT_FILL_OPACITY: u32 = 10;

/// A panel's `options.legend`: the spec's legend over the kind's default.
fn legend(p: &PanelModel, mode: LegendMode, placement: LegendPlacement) -> Obj {
    let spec = p.legend.clone().unwrap_or_default();
    let mode = spec.mode.unwrap_or(mode);
    let placement = spec.placement.unwrap_or(placement);
    let mut legend = Obj::new();
    let calcs: Vec<&str> = spec.calcs.iter().map(|c| c.id()).collect();
    legend.insert("calcs", jv!(calcs));
    // Grafana hides a legend by `showLegend`, keeping a list display mode.
    let display = match mode {
        LegendMode::Table => "table",
        LegendMode::List | LegendMode::Hidden => "list",
    };
    legend.insert("displayMode", jv!(display));
    legend.insert(
        "placement",
        jv!(match placement {
            LegendPlacement::Bottom => "bottom",
            LegendPlacement::Right => "right",
        }),
    );
    legend.insert("showLegend", jv!(mode != LegendMode::Hidden));
    legend
}

/// A pie chart's legend: a table on the right with each part's value and
/// share, unless the spec says otherwise.
fn piechart_legend(p: &PanelModel) -> Obj {
    let mut legend = legend(p, LegendMode::Table, LegendPlacement::Right);
    legend.insert("values", jv!(["value", "percent"]));
    legend
}

/// Whether the spec hides the legend.
fn legend_hidden(legend: Option<&Legend>) -> bool {
    legend.and_then(|l| l.mode) == Some(LegendMode::Hidden)
}

fn reduce_options() -> Json {
    jv!({ "calcs": ["lastNotNull"], "fields": "", "values": false })
}

fn options(p: &PanelModel) -> Json {
    match p.kind {
        PanelKind::Stat => jv!({
            "reduceOptions": reduce_options(),
            "orientation": "auto",
            "textMode": "auto",
            "colorMode": if p.thresholds.is_empty() { "none" } else { "background" },
            "graphMode": "area",
            "justifyMode": "auto",
            "wideLayout": true,
            "showPercentChange": false,
            "percentChangeColorMode": "standard",
        }),
        PanelKind::Gauge => jv!({
            "reduceOptions": reduce_options(),
            "orientation": "auto",
            "showThresholdLabels": false,
            "showThresholdMarkers": true,
            "sizing": "auto",
            "minVizWidth": 75,
            "minVizHeight": 75,
        }),
        PanelKind::Timeseries => jv!({
            "legend": legend(p, LegendMode::List, LegendPlacement::Bottom),
            "tooltip": { "mode": "multi", "sort": "desc" },
        }),
        PanelKind::Bargauge => jv!({
            "reduceOptions": reduce_options(),
            "orientation": "horizontal",
            "displayMode": "gradient",
            "valueMode": "color",
            "namePlacement": "auto",
            "showUnfilled": true,
            "sizing": "auto",
            "minVizWidth": 8,
            "minVizHeight": 16,
            "maxVizHeight": 300,
            "legend": legend(p, LegendMode::Hidden, LegendPlacement::Bottom),
        }),
        PanelKind::Heatmap => {
            let mut y_axis = Obj::new();
            y_axis.insert("axisPlacement", jv!("left"));
            y_axis.insert("reverse", jv!(false));
            if let Some(unit) = &p.unit {
                y_axis.insert("unit", jv!(unit));
            }
            if let Some(decimals) = p.decimals {
                y_axis.insert("decimals", jv!(decimals));
            }
            if let Some(min) = p.min {
                y_axis.insert("min", number(min));
            }
            if let Some(max) = p.max {
                y_axis.insert("max", number(max));
            }
            jv!({
                "calculate": false,
                "cellGap": 1,
                "color": {
                    "mode": "scheme",
                    "scheme": "Oranges",
                    "fill": "dark-orange",
                    "scale": "exponential",
                    "exponent": 0.5,
                    "steps": 64,
                    "reverse": false,
                },
                "filterValues": { "le": 1e-9 },
                "rowsFrame": { "layout": "auto" },
                "showValue": "auto",
                "yAxis": y_axis,
                "legend": { "show": !legend_hidden(p.legend.as_ref()) },
                "tooltip": { "mode": "single", "yHistogram": false, "showColorScale": false },
                "exemplars": { "color": "rgba(255,0,255,0.7)" },
                "selectionMode": "x",
            })
        }
        PanelKind::Table => jv!({
            "showHeader": true,
            "cellHeight": "sm",
            "frameIndex": 0,
            "footer": { "show": false, "reducer": ["sum"], "countRows": false },
        }),
        PanelKind::Piechart => jv!({
            "reduceOptions": reduce_options(),
            "pieType": "pie",
            "displayLabels": ["percent"],
            "legend": piechart_legend(p),
            "tooltip": { "mode": "single", "sort": "none" },
            "orientation": "auto",
        }),
        PanelKind::Logs => jv!({
            "showTime": true,
            "showLabels": false,
            "showCommonLabels": false,
            "wrapLogMessage": true,
            "prettifyLogMessage": false,
            "enableLogDetails": true,
            "enableInfiniteScrolling": true,
            "dedupStrategy": "none",
            "sortOrder": "Descending",
            "showLogContextToggle": true,
        }),
        PanelKind::Text => jv!({
            "mode": "markdown",
            "content": p.content.clone().unwrap_or_default(),
            "code": { "language": "plaintext", "showLineNumbers": false, "showMiniMap": false },
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn panel(width: Option<u32>, height: u32) -> PanelModel {
        PanelModel {
            width,
            height,
            ..PanelModel::default()
        }
    }

    #[test]
    fn the_config_map_is_the_bytes_the_serializer_writes() {
        let model = crate::reference_model();
        let mut shortcut = 0;
        let mut dashboards: Vec<&DashboardModel> = Vec::new();
        for cluster in &model.clusters {
            dashboards.extend(
                cluster
                    .dashboards
                    .iter()
                    .chain(cluster.slo_dashboards.iter()),
            );
        }
        assert!(!dashboards.is_empty());
        // Characters a block holds as they are, and ones it cannot hold.
        let unusual: Vec<DashboardModel> =
            ["Café → latency ×2", "a\u{2028}b", "\u{FEFF}x", "tab\there"]
                .into_iter()
                .map(|title| {
                    let mut d = dashboards[0].clone();
                    d.title = title.into();
                    d
                })
                .collect();
        for d in dashboards.into_iter().chain(&unusual) {
            let mut json = crate::emit::json::pretty(&dashboard_json(d));
            json.push('\n');
            let serialized = yaml::resource(
                String::new(),
                Some(&d.origin),
                &config_map(d, "monitoring", &json),
                true,
            );
            assert_eq!(
                String::from_utf8_lossy(&config_map_file(d, "monitoring", &json).bytes),
                String::from_utf8_lossy(&serialized.bytes),
                "{}",
                d.uid
            );
            shortcut += usize::from(as_literal_block(&json));
        }
        assert!(shortcut > 1, "the shortcut was taken");
        assert!(!as_literal_block("x\u{2028}y\n"));
        assert!(!as_literal_block(" {\n"));
        assert!(!as_literal_block("{\n\n}\n"));
        assert!(as_literal_block("{\n  \"a\": \"×\"\n}\n"));
        for refused in [
            "",
            "\n",
            "a\u{1}\n",
            "a\u{7f}\n",
            "a\u{85}\n",
            "a\u{feff}\n",
            "a\tb\n",
            "a",
        ] {
            assert!(!as_literal_block(refused), "{refused:?}");
        }
        assert!(as_literal_block("a\u{a0}\u{10000} ✓\nb\n"));
    }

    #[test]
    fn auto_widths_share_the_rest_of_a_line() {
        let (grids, next) = layout(&[panel(Some(12), 8), panel(None, 4), panel(None, 4)], 1);
        let xw: Vec<(u32, u32)> = grids.iter().map(|g| (g.x, g.w)).collect();
        assert_eq!(xw, [(0, 12), (12, 6), (18, 6)]);
        assert!(grids.iter().all(|g| g.h == 8 && g.y == 1));
        assert_eq!(next, 9);
    }

    #[test]
    fn uneven_shares_go_to_the_first_panels() {
        let panels: Vec<PanelModel> = (0..5).map(|_| panel(None, 4)).collect();
        let (grids, _) = layout(&panels, 0);
        let widths: Vec<u32> = grids.iter().map(|g| g.w).collect();
        assert_eq!(widths, [5, 5, 5, 5, 4]);
    }

    #[test]
    fn full_lines_wrap() {
        let panels = [
            panel(Some(18), 4),
            panel(None, 4),
            panel(None, 6),
            panel(Some(6), 2),
        ];
        let (grids, next) = layout(&panels, 0);
        assert_eq!(
            grids,
            [
                Grid {
                    x: 0,
                    y: 0,
                    w: 18,
                    h: 4
                },
                Grid {
                    x: 18,
                    y: 0,
                    w: 6,
                    h: 4
                },
                Grid {
                    x: 0,
                    y: 4,
                    w: 18,
                    h: 6
                },
                Grid {
                    x: 18,
                    y: 4,
                    w: 6,
                    h: 6
                },
            ]
        );
        assert_eq!(next, 10);
    }

    #[test]
    fn explicit_widths_may_leave_the_line_short() {
        let (grids, _) = layout(&[panel(Some(6), 4), panel(Some(6), 4)], 0);
        assert_eq!((grids[1].x, grids[1].w), (6, 6));
    }

    #[test]
    fn ref_ids_continue_past_z() {
        assert_eq!(ref_id(0), "A");
        assert_eq!(ref_id(25), "Z");
        assert_eq!(ref_id(26), "AA");
    }

    #[test]
    fn intervals_use_one_unit() {
        assert_eq!(
            grafana_interval(&DurationText::parse("24h").unwrap()),
            "24h"
        );
        assert_eq!(
            grafana_interval(&DurationText::parse("1h30m").unwrap()),
            "90m"
        );
        assert_eq!(
            grafana_interval(&DurationText::parse("1d12h").unwrap()),
            "36h"
        );
        assert_eq!(
            grafana_interval(&DurationText::parse("1500ms").unwrap()),
            "2s"
        );
    }
}
