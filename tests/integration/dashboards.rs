//! Grafana dashboards: every generated dashboard validates against the
//! Grafana dashboard schema and each panel against its plugin's schema,
//! the grid has no overlaps and no gaps the spec did not ask for, every
//! query parses, the sidecar ConfigMaps hold the same JSON, and the SLO
//! dashboards read recording rules that the cluster really records.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use monocle::model::dashboards::{BUILTIN_VARIABLES, Stand, substitute, variable_refs};
use monocle::write::Artifact;
use serde_json::{Value, json};

const SCHEMAS: &str = "tests/upstream/grafana";

/// Every generated dashboard JSON: (path, value).
fn dashboards(artifacts: &[Artifact]) -> Vec<(String, Value)> {
    artifacts
        .iter()
        .filter(|a| a.path.contains("/dashboards/") && a.path.ends_with(".json"))
        .map(|a| {
            let value = serde_json::from_slice(&a.bytes)
                .unwrap_or_else(|e| panic!("{} is not JSON: {e}", a.path));
            (a.path.clone(), value)
        })
        .collect()
}

fn fleet() -> Vec<(String, Value)> {
    let found = dashboards(&common::compile_ok("specs"));
    assert!(
        found.len() >= 12,
        "expected 4 dashboards in each of the 3 clusters, found {}",
        found.len()
    );
    found
}

/// A validator for one definition of a schema file that has no root `$ref`.
fn definition(file: &str, name: &str) -> Option<jsonschema::Validator> {
    let path = format!("{SCHEMAS}/{file}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    schema.get("definitions")?.get(name)?;
    schema["$ref"] = json!(format!("#/definitions/{name}"));
    Some(jsonschema::validator_for(&schema).expect("schema compiles"))
}

fn panels(dashboard: &Value) -> &Vec<Value> {
    dashboard["panels"].as_array().expect("panels is a list")
}

/// Every panel but rows, those inside collapsed rows included.
fn all_panels(dashboard: &Value) -> Vec<&Value> {
    let mut found = Vec::new();
    for panel in panels(dashboard) {
        if panel["type"] == "row" {
            found.extend(panel["panels"].as_array().into_iter().flatten());
        } else {
            found.push(panel);
        }
    }
    found
}

/// The dashboard schema, with one correction: cog turned the CUE `_`
/// (any value) of `DynamicConfigValue.value` and `MatcherConfig.options`
/// into "an object", so an override setting `unit: "bytes"` on the field
/// matched by name (`options: "Memory"`), which Grafana reads, would fail
/// it. Everything else is as upstream.
fn dashboard_validator() -> jsonschema::Validator {
    let path = format!("{SCHEMAS}/dashboard.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    for (definition, property) in [
        ("DynamicConfigValue", "value"),
        ("MatcherConfig", "options"),
    ] {
        let value = &mut schema["definitions"][definition]["properties"][property];
        assert_eq!(value["type"], "object", "the schema's {definition} changed");
        *value = json!({});
    }
    jsonschema::validator_for(&schema).expect("schema compiles")
}

/// Panel-plugin and datasource-query validators, by plugin.
struct PanelSchemas {
    prometheus: jsonschema::Validator,
    loki: jsonschema::Validator,
    plugins: BTreeMap<String, (jsonschema::Validator, Option<jsonschema::Validator>)>,
}

impl PanelSchemas {
    fn new() -> Self {
        PanelSchemas {
            prometheus: common::validator(&format!("{SCHEMAS}/dataqueries/prometheus.json")),
            loki: common::validator(&format!("{SCHEMAS}/dataqueries/loki.json")),
            plugins: BTreeMap::new(),
        }
    }

    /// Validates one panel's options, custom field config and targets.
    fn check(&mut self, path: &str, panel: &Value) {
        let kind = panel["type"].as_str().expect("panel type").to_owned();
        let (options, custom) = self.plugins.entry(kind.clone()).or_insert_with(|| {
            let file = format!("panels/{kind}.json");
            (
                definition(&file, "Options").expect("the plugin has Options"),
                definition(&file, "FieldConfig"),
            )
        });
        let title = panel["title"].as_str().unwrap_or_default();
        let errors = common::schema_errors(options, &panel["options"]);
        assert!(errors.is_empty(), "{path}: `{title}` options:\n{errors}");
        let field_custom = &panel["fieldConfig"]["defaults"]["custom"];
        if let Some(custom) = custom.as_ref().filter(|_| !field_custom.is_null()) {
            let errors = common::schema_errors(custom, field_custom);
            assert!(
                errors.is_empty(),
                "{path}: `{title}` custom field config:\n{errors}"
            );
        }
        let datasource = panel["datasource"]["type"].as_str();
        for target in panel["targets"].as_array().into_iter().flatten() {
            let validator = match datasource {
                Some("prometheus") => &self.prometheus,
                Some("loki") => &self.loki,
                other => panic!("{path}: `{title}` has datasource {other:?}"),
            };
            let errors = common::schema_errors(validator, target);
            assert!(errors.is_empty(), "{path}: `{title}` target:\n{errors}");
            assert_eq!(
                target["datasource"], panel["datasource"],
                "{path}: `{title}`"
            );
        }
    }
}

#[test]
fn every_dashboard_validates_against_the_grafana_schema() {
    let validator = dashboard_validator();
    for (path, dashboard) in fleet() {
        let errors = common::schema_errors(&validator, &dashboard);
        assert!(
            errors.is_empty(),
            "{path} fails the dashboard schema:\n{errors}"
        );
        let version = dashboard["schemaVersion"].as_u64().unwrap_or_default();
        assert!(
            version >= 39,
            "{path}: schemaVersion {version} is not current"
        );
        assert!(
            dashboard.get("id").is_none_or(Value::is_null),
            "{path}: id must be null"
        );
    }
}

#[test]
fn every_panel_validates_against_its_plugin_schema() {
    let mut schemas = PanelSchemas::new();
    let mut types = BTreeSet::new();
    for (path, dashboard) in fleet() {
        for panel in all_panels(&dashboard) {
            types.insert(panel["type"].as_str().expect("panel type").to_owned());
            schemas.check(&path, panel);
        }
    }
    let all: BTreeSet<String> = [
        "stat",
        "gauge",
        "timeseries",
        "table",
        "piechart",
        "bargauge",
        "heatmap",
        "logs",
        "text",
    ]
    .map(str::to_owned)
    .into();
    assert_eq!(
        types, all,
        "the fleet's dashboards should use every panel type"
    );
}

const EVERY_OPTION: &str = "tests/fixtures/dashboards/every-option.yaml";

#[test]
fn a_dashboard_with_every_option_validates_and_keeps_its_shape() {
    let found = dashboards(&common::compile_ok(EVERY_OPTION));
    let (path, dashboard) = found.first().expect("the every-option dashboard");
    let errors = common::schema_errors(&dashboard_validator(), dashboard);
    assert!(
        errors.is_empty(),
        "{path} fails the dashboard schema:\n{errors}"
    );
    let mut schemas = PanelSchemas::new();
    for panel in all_panels(dashboard) {
        schemas.check(path, panel);
    }
    let (checked, _) = monocle::check_spec(Path::new(EVERY_OPTION)).expect("fixture checks");
    let widths = widths_of(&checked.spec);
    check_grid(path, dashboard, widths.get("every-option"));
    // A collapsed row carries its panels; the next row follows it.
    let rows: Vec<&Value> = panels(dashboard)
        .iter()
        .filter(|p| p["type"] == "row")
        .collect();
    let details = rows.last().unwrap();
    assert_eq!(details["collapsed"], true);
    assert!(!details["panels"].as_array().unwrap().is_empty());
    common::snapshots().bind(|| {
        insta::assert_snapshot!(
            "every_option_dashboard",
            serde_json::to_string_pretty(dashboard).unwrap()
        );
    });
}

/// The dashboards the built-in packs write (not the SLO dashboards monocle
/// makes for their SLOs), every pack on one cluster.
fn pack_dashboards() -> Vec<(String, Value)> {
    let uids: BTreeSet<String> = monocle::packs::BUILTIN
        .iter()
        .flat_map(|b| {
            let pack = common::yaml_value(b.pack);
            let dashboards = pack["dashboards"].as_array().cloned().unwrap_or_default();
            dashboards
                .into_iter()
                .map(|d| d["uid"].as_str().unwrap_or_default().to_owned())
        })
        .collect();
    let names = super::packs::builtin_names();
    dashboards(&common::compile_text(&super::packs::builtin_spec(&names)))
        .into_iter()
        .filter(|(_, d)| d["uid"].as_str().is_some_and(|u| uids.contains(u)))
        .collect()
}

/// A pack's dashboard is read by people who did not write it: besides
/// validating like the fleet's, each value says its unit (Grafana would
/// guess one from the numbers), a timeseries legend either summarises its
/// series (`calcs`) or is hidden, and bars have a minimum interval (bars
/// of `increase(x[1h])` drawn at a shorter step count each event several
/// times).
#[test]
fn built_in_pack_dashboards_validate_and_say_what_they_show() {
    let validator = dashboard_validator();
    let mut schemas = PanelSchemas::new();
    let found = pack_dashboards();
    assert!(!found.is_empty(), "a built-in pack brings dashboards");
    for (path, dashboard) in &found {
        let errors = common::schema_errors(&validator, dashboard);
        assert!(
            errors.is_empty(),
            "{path} fails the dashboard schema:\n{errors}"
        );
        check_grid(path, dashboard, None);
        for panel in all_panels(dashboard) {
            schemas.check(path, panel);
            let title = panel["title"].as_str().unwrap_or_default();
            let unit = match panel["type"].as_str() {
                Some("text" | "logs") => continue,
                Some("heatmap") => &panel["options"]["yAxis"]["unit"],
                _ => &panel["fieldConfig"]["defaults"]["unit"],
            };
            assert!(
                unit.as_str().is_some_and(|u| !u.is_empty()),
                "{path}: `{title}` has no unit"
            );
            if panel["type"] != "timeseries" {
                continue;
            }
            let legend = &panel["options"]["legend"];
            let calcs = legend["calcs"].as_array().is_some_and(|c| !c.is_empty());
            assert!(
                legend["showLegend"] == false || calcs,
                "{path}: `{title}` has a legend without calcs"
            );
            if panel["fieldConfig"]["defaults"]["custom"]["drawStyle"] == "bars" {
                assert!(
                    panel["interval"].as_str().is_some_and(|i| !i.is_empty()),
                    "{path}: `{title}` draws bars without a minimum interval"
                );
            }
        }
    }
}

#[test]
fn the_schemas_catch_mistakes() {
    // Guards the two tests above: they must be able to fail.
    let dashboard = dashboard_validator();
    let (_, mut value) = fleet().remove(0);
    value["panels"][1]["datasource"] = json!("Prometheus");
    assert!(!common::schema_errors(&dashboard, &value).is_empty());
    let stat = definition("panels/stat.json", "Options").unwrap();
    let options = json!({ "reduceOptions": { "calcs": ["lastNotNull"] }, "colourMode": "value" });
    assert!(!common::schema_errors(&stat, &options).is_empty());
}

#[test]
fn datasources_are_template_variables() {
    for (path, dashboard) in fleet() {
        let list = dashboard["templating"]["list"].as_array().unwrap();
        let datasources: Vec<(&str, &str)> = list
            .iter()
            .filter(|v| v["type"] == "datasource")
            .map(|v| (v["name"].as_str().unwrap(), v["query"].as_str().unwrap()))
            .collect();
        assert_eq!(
            datasources,
            [("datasource", "prometheus"), ("loki", "loki")],
            "{path}"
        );
        for variable in list.iter().filter(|v| v["type"] == "query") {
            assert_eq!(
                variable["datasource"],
                json!({ "type": "prometheus", "uid": "${datasource}" }),
                "{path}"
            );
        }
        for panel in panels(&dashboard) {
            let expected = match panel["datasource"]["type"].as_str() {
                Some("prometheus") => "${datasource}",
                Some("loki") => "${loki}",
                _ => continue,
            };
            assert_eq!(panel["datasource"]["uid"], expected, "{path}");
            let refs: Vec<&str> = panel["targets"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["refId"].as_str().unwrap())
                .collect();
            let want: Vec<String> = (0..refs.len())
                .map(|i| char::from(b'A' + i as u8).to_string())
                .collect();
            assert_eq!(refs, want, "{path}: refIds");
        }
    }
}

#[test]
fn every_query_parses_and_uses_defined_variables() {
    let mut checked = 0;
    for (path, dashboard) in fleet() {
        let mut defined: BTreeSet<String> = dashboard["templating"]["list"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["name"].as_str().unwrap().to_owned())
            .collect();
        defined.extend(BUILTIN_VARIABLES.iter().map(|s| (*s).to_owned()));
        for panel in panels(&dashboard) {
            for target in panel["targets"].as_array().into_iter().flatten() {
                let expr = target["expr"].as_str().unwrap();
                for r in variable_refs(expr) {
                    assert!(defined.contains(&r.name), "{path}: `${}` in {expr}", r.name);
                }
                if panel["datasource"]["type"] == "prometheus" {
                    let parsed = promql_parser::parser::parse(&substitute(expr, Stand::Identifier));
                    assert!(parsed.is_ok(), "{path}: {expr}: {parsed:?}");
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 100, "checked only {checked} queries");
}

/// The spec's panel widths, by dashboard uid, in panel order (rows
/// flattened); dashboards not in the spec (SLO ones) are absent.
fn spec_widths() -> BTreeMap<String, Vec<Vec<Option<u32>>>> {
    let (checked, _) = monocle::check_spec(Path::new("specs")).expect("specs check");
    widths_of(&checked.spec)
}

/// The widths a spec gives, as the grid check reads them: a panel repeated
/// horizontally takes whole lines (24 columns), as Grafana lays its copies.
fn widths_of(spec: &monocle::check::Spec) -> BTreeMap<String, Vec<Vec<Option<u32>>>> {
    spec.dashboards
        .iter()
        .map(|d| {
            let rows = d
                .value
                .rows
                .iter()
                .map(|r| {
                    r.panels
                        .iter()
                        .map(|p| {
                            let across = p.repeat.is_some()
                                && p.repeat_direction
                                    != Some(monocle::spec::RepeatDirection::Vertical);
                            if across { Some(24) } else { p.width }
                        })
                        .collect()
                })
                .collect();
            (d.value.uid.clone(), rows)
        })
        .collect()
}

#[derive(Debug, Clone, Copy)]
struct Rect {
    x: u64,
    y: u64,
    w: u64,
    h: u64,
}

fn rect(panel: &Value) -> Rect {
    let g = &panel["gridPos"];
    let n = |k: &str| {
        g[k].as_u64()
            .unwrap_or_else(|| panic!("gridPos.{k} in {panel}"))
    };
    Rect {
        x: n("x"),
        y: n("y"),
        w: n("w"),
        h: n("h"),
    }
}

/// Checks one dashboard's grid: rows span the grid, each row's panels
/// follow it in lines that start at the left edge and touch each other,
/// every panel of a line is equally tall, lines stack without holes, no
/// two panels overlap, and a line is short of 24 columns only when the
/// spec gave every panel on it a width.
fn check_grid(path: &str, dashboard: &Value, widths: Option<&Vec<Vec<Option<u32>>>>) {
    let no_overlap = |what: &str, list: &[&Value]| {
        let rects: Vec<Rect> = list.iter().map(|p| rect(p)).collect();
        for (i, a) in rects.iter().enumerate() {
            assert!(
                a.w >= 1 && a.h >= 1 && a.x + a.w <= 24,
                "{path}: {what} panel {i} off the grid: {a:?}"
            );
            for (j, b) in rects.iter().enumerate().skip(i + 1) {
                let apart =
                    a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
                assert!(
                    apart,
                    "{path}: {what} panels {i} and {j} overlap: {a:?} {b:?}"
                );
            }
        }
    };
    let top: Vec<&Value> = panels(dashboard).iter().collect();
    no_overlap("shown", &top);
    // Each row with its panels: those after it, or those a collapsed row
    // carries (placed as they will be when it opens).
    let mut groups: Vec<(&Value, Vec<&Value>)> = Vec::new();
    for panel in top {
        if panel["type"] == "row" {
            let carried: Vec<&Value> = panel["panels"].as_array().into_iter().flatten().collect();
            if panel["collapsed"] == true {
                no_overlap("collapsed", &carried);
            } else {
                assert!(carried.is_empty(), "{path}: an open row carries panels");
            }
            groups.push((panel, carried));
        } else {
            groups
                .last_mut()
                .unwrap_or_else(|| panic!("{path}: a panel before the first row"))
                .1
                .push(panel);
        }
    }
    let mut bottom = 0;
    for (row_index, (row, list)) in groups.iter().enumerate() {
        let row_rect = rect(row);
        assert_eq!(
            (row_rect.x, row_rect.y, row_rect.w, row_rect.h),
            (0, bottom, 24, 1),
            "{path}: row {row_index}"
        );
        let mut line_bottom = row_rect.y + 1;
        let mut i = 0;
        while i < list.len() {
            let line_y = rect(list[i]).y;
            assert_eq!(
                line_y, line_bottom,
                "{path}: a line must start where the last one ended"
            );
            let mut x = 0;
            let mut h = None;
            let mut all_explicit = true;
            while i < list.len() && rect(list[i]).y == line_y {
                let panel = rect(list[i]);
                assert_eq!(
                    panel.x, x,
                    "{path}: gap or overlap before panel {i} of row {row_index}"
                );
                assert_eq!(
                    *h.get_or_insert(panel.h),
                    panel.h,
                    "{path}: a line's panels differ in height"
                );
                let explicit = widths
                    .map(|rows| rows[row_index][i])
                    .is_some_and(|w| w.is_some());
                all_explicit &= explicit;
                x += panel.w;
                i += 1;
            }
            assert!(
                x == 24 || (widths.is_some() && all_explicit),
                "{path}: a line of row {row_index} ends at column {x} though some widths were left to monocle"
            );
            line_bottom += h.unwrap_or(0);
        }
        if let Some(rows) = widths {
            assert_eq!(
                list.len(),
                rows[row_index].len(),
                "{path}: panels of row {row_index}"
            );
        }
        bottom = if row["collapsed"] == true {
            row_rect.y + 1
        } else {
            line_bottom
        };
    }
}

#[test]
fn the_grid_has_no_overlaps_and_no_gaps_beyond_the_spec_widths() {
    let widths = spec_widths();
    for (path, dashboard) in fleet() {
        let uid = dashboard["uid"].as_str().unwrap();
        check_grid(&path, &dashboard, widths.get(uid));
    }
}

#[test]
fn panels_wrap_when_a_line_is_full() {
    let spec = r"version: 1
clusters:
  - name: prod
dashboards:
  - uid: grid
    title: Grid
    rows:
      - title: wrap
        panels:
          - {type: stat, title: a, expr: up, width: 18}
          - {type: stat, title: b, expr: up}
          - {type: stat, title: c, expr: up}
          - {type: timeseries, title: d, expr: up, width: 6}
          - {type: stat, title: e, expr: up, height: 3}
      - title: short
        panels:
          - {type: stat, title: f, expr: up, width: 6}
          - {type: stat, title: g, expr: up, width: 6}
";
    let found = dashboards(&common::compile_text(spec));
    let (path, dashboard) = found
        .iter()
        .find(|(p, _)| p.ends_with("/grid.json"))
        .expect("the grid dashboard");
    let grid: Vec<(u64, u64, u64, u64)> = panels(dashboard)
        .iter()
        .map(rect)
        .map(|r| (r.x, r.y, r.w, r.h))
        .collect();
    assert_eq!(
        grid,
        [
            (0, 0, 24, 1),  // row "wrap"
            (0, 1, 18, 4),  // a
            (18, 1, 6, 4),  // b shares the rest of the first line
            (0, 5, 9, 8),   // c and e share what d leaves, as tall as d
            (9, 5, 6, 8),   // d
            (15, 5, 9, 8),  // e
            (0, 13, 24, 1), // row "short"
            (0, 14, 6, 4),  // f
            (6, 14, 6, 4),  // g: the spec leaves columns 12-23 empty
        ]
    );
    let widths = vec![
        vec![Some(18), None, None, Some(6), None],
        vec![Some(6), Some(6)],
    ];
    check_grid(path, dashboard, Some(&widths));
}

#[test]
fn config_maps_hold_the_dashboard_for_the_sidecar() {
    let artifacts = common::compile_ok("specs");
    let by_path: BTreeMap<&str, &Artifact> =
        artifacts.iter().map(|a| (a.path.as_str(), a)).collect();
    let folders = BTreeMap::from([
        ("velero-daily-overview", "Velero"),
        ("velero-operations", "Velero"),
        ("slo-velero", "SLOs"),
        ("slo-velero-manager", "SLOs"),
    ]);
    let mut checked = 0;
    for (path, dashboard) in dashboards(&artifacts) {
        let uid = dashboard["uid"].as_str().unwrap();
        let (cluster, _) = path.split_once('/').unwrap();
        let yaml_path = path.replace(".json", ".yaml");
        let config_map = by_path
            .get(yaml_path.as_str())
            .unwrap_or_else(|| panic!("{path} has no ConfigMap"));
        let text = std::str::from_utf8(&config_map.bytes).unwrap();
        assert!(text.starts_with("# Generated by monocle"), "{yaml_path}");
        let value = common::yaml_value(text);
        assert_eq!(value["apiVersion"], "v1");
        assert_eq!(value["kind"], "ConfigMap");
        assert_eq!(
            value["metadata"]["labels"]["grafana_dashboard"], "1",
            "{yaml_path}"
        );
        assert_eq!(
            value["metadata"]["annotations"]["grafana_folder"], folders[uid],
            "{yaml_path}"
        );
        let json_text = std::str::from_utf8(&by_path[path.as_str()].bytes).unwrap();
        assert_eq!(
            value["data"][format!("{uid}.json")],
            json_text,
            "{yaml_path}"
        );
        let kustomization =
            std::str::from_utf8(&by_path[format!("{cluster}/kustomization.yaml").as_str()].bytes)
                .unwrap();
        let listed = format!("- dashboards/{uid}.yaml\n");
        assert!(
            kustomization.contains(&listed),
            "{cluster}: {uid} not in kustomization"
        );
        assert!(!kustomization.contains(&format!("dashboards/{uid}.json")));
        checked += 1;
    }
    assert_eq!(checked, 12);
}

#[test]
fn json_files_say_they_are_generated() {
    for (path, dashboard) in fleet() {
        let description = dashboard["description"].as_str().unwrap_or_default();
        assert!(
            description.contains("Generated by monocle from the spec `specs/")
                && description.contains("DO NOT EDIT"),
            "{path}: {description}"
        );
    }
}

/// Names recorded by the cluster's SLO rules, with the `sloth_id`s.
fn recorded(artifacts: &[Artifact], cluster: &str) -> BTreeSet<(String, String)> {
    let mut names = BTreeSet::new();
    for artifact in artifacts
        .iter()
        .filter(|a| a.path.starts_with(&format!("{cluster}/slos/")))
    {
        let value = common::yaml_value(std::str::from_utf8(&artifact.bytes).unwrap());
        for group in value["spec"]["groups"].as_array().unwrap() {
            for rule in group["rules"].as_array().unwrap() {
                if let (Some(record), Some(id)) =
                    (rule["record"].as_str(), rule["labels"]["sloth_id"].as_str())
                {
                    names.insert((record.to_owned(), id.to_owned()));
                }
            }
        }
    }
    names
}

#[test]
fn slo_dashboards_read_the_recorded_slo_series() {
    let artifacts = common::compile_ok("specs");
    let series = regex::Regex::new(r#"(slo:[a-z_:0-9]+)\{sloth_id="([^"]+)""#).unwrap();
    let mut seen = BTreeSet::new();
    for (path, dashboard) in dashboards(&artifacts) {
        let uid = dashboard["uid"].as_str().unwrap();
        if !uid.starts_with("slo-") {
            continue;
        }
        let (cluster, _) = path.split_once('/').unwrap();
        let recorded = recorded(&artifacts, cluster);
        assert!(!recorded.is_empty(), "{cluster} records no SLO series");
        let mut titles = BTreeSet::new();
        for panel in panels(&dashboard) {
            titles.insert(panel["title"].as_str().unwrap().to_owned());
            for target in panel["targets"].as_array().into_iter().flatten() {
                let expr = target["expr"].as_str().unwrap();
                for caps in series.captures_iter(expr) {
                    let key = (caps[1].to_owned(), caps[2].to_owned());
                    assert!(
                        recorded.contains(&key),
                        "{path}: {expr} reads {key:?}, which is not recorded"
                    );
                    seen.insert(caps[1].to_owned());
                }
            }
        }
        for title in [
            "Objective",
            "SLI over 30d",
            "Error budget remaining",
            "Current burn rate",
            "Burn rate over 30d",
            "Burn rate by window",
            "Firing burn-rate alerts",
        ] {
            assert!(titles.contains(title), "{path} has no `{title}` panel");
        }
        let annotations = dashboard["annotations"]["list"].as_array().unwrap();
        assert!(
            annotations
                .iter()
                .any(|a| a["expr"].as_str().is_some_and(|e| e.starts_with("ALERTS{"))),
            "{path}: no alert annotations"
        );
    }
    for name in [
        "slo:objective:ratio",
        "slo:sli_error:ratio_rate30d",
        "slo:period_error_budget_remaining:ratio",
        "slo:current_burn_rate:ratio",
        "slo:period_burn_rate:ratio",
        "slo:error_budget:ratio",
    ] {
        assert!(seen.contains(name), "no SLO dashboard reads {name}");
    }
}

#[test]
fn slo_dashboards_follow_the_cluster_slos() {
    let spec = r#"version: 1
clusters:
  - name: prod
    environment: production
  - name: dev
    environment: dev
services:
  - name: api
    namespace: api
    team: web
    selector: app=api
    endpoints: [{port: http}]
slos:
  - name: availability
    service: api
    objective: 99.5
    window: 28d
    clusters: environment=production
    sli:
      errors: sum(rate(http_requests_total{code=~"5.."}[{{window}}]))
      total: sum(rate(http_requests_total[{{window}}]))
"#;
    let artifacts = common::compile_text(spec);
    let paths: Vec<&str> = artifacts
        .iter()
        .map(|a| a.path.as_str())
        .filter(|p| p.contains("/dashboards/"))
        .collect();
    assert_eq!(
        paths,
        [
            "prod/dashboards/slo-api.json",
            "prod/dashboards/slo-api.yaml"
        ]
    );
    let (_, dashboard) = dashboards(&artifacts).remove(0);
    let text = dashboard.to_string();
    // 28d windows page at 13.44x and 5.6x.
    assert!(
        text.contains("critical at 13.44× over 1h and 5m, or 5.6× over 6h and 30m"),
        "{text}"
    );
    assert_eq!(dashboard["time"]["from"], "now-28d");
}

#[test]
fn dashboards_follow_their_cluster_selector_and_variables_in_every_syntax() {
    let spec = r#"version: 1
clusters:
  - name: prod
    environment: production
  - name: dev
    environment: dev
dashboards:
  - uid: prod-only
    title: Production
    clusters: environment=production
    time: 1h30m
    variables:
      - {name: cluster, query: "label_values(up, cluster)"}
      - {name: job, query: 'label_values(up{cluster="$cluster"}, job)', multi: true}
    rows:
      - title: All syntaxes
        panels:
          - type: timeseries
            title: rates
            queries:
              - expr: sum by (job) (rate(up{cluster="${cluster}", job=~"${job:regex}"}[$__rate_interval]))
              - expr: topk(5, up{cluster="[[cluster]]"} offset $__interval)
                legend: "{{job}} on $cluster"
"#;
    let artifacts = common::compile_text(spec);
    let found = dashboards(&artifacts);
    let paths: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(paths, ["prod/dashboards/prod-only.json"]);
    let dashboard = &found[0].1;
    assert_eq!(dashboard["time"]["from"], "now-90m");
    let targets = &panels(dashboard)[1]["targets"];
    assert_eq!(
        targets[0]["legendFormat"], "{{job}}",
        "legend from `by (job)`"
    );
    assert_eq!(targets[1]["legendFormat"], "{{job}} on $cluster");
    let job = &dashboard["templating"]["list"][3];
    assert_eq!(
        (job["multi"].as_bool(), job["includeAll"].as_bool()),
        (Some(true), Some(true))
    );
}

#[test]
fn panel_options_land_where_grafana_reads_them() {
    let spec = r#"version: 1
clusters:
  - name: prod
dashboards:
  - uid: options
    title: Options
    rows:
      - title: All
        panels:
          - type: stat
            title: s
            description: hover text
            expr: up
            decimals: 2
            min: 0
            max: 1
          - type: timeseries
            title: t
            queries:
              - {expr: up, legend: "{{job}}", instant: true, format: table}
            stack: percent
            fill_opacity: 100
            draw: bars
            span_nulls: true
            interval: 1h30m
            legend: {mode: table, placement: right, calcs: [lastNotNull, max]}
          - type: bargauge
            title: b
            expr: up
            legend: {mode: list}
          - type: heatmap
            title: h
            expr: sum by (le) (rate(x_bucket[$__rate_interval]))
            unit: s
            decimals: 1
            legend: {mode: hidden}
"#;
    let found = dashboards(&common::compile_text(spec));
    let dashboard = &found[0].1;
    let p = panels(dashboard);
    let (stat, series, bars, heat) = (&p[1], &p[2], &p[3], &p[4]);
    assert_eq!(stat["description"], "hover text");
    assert_eq!(
        (
            &stat["fieldConfig"]["defaults"]["decimals"],
            &stat["fieldConfig"]["defaults"]["min"],
            &stat["fieldConfig"]["defaults"]["max"]
        ),
        (&json!(2), &json!(0), &json!(1))
    );
    let custom = &series["fieldConfig"]["defaults"]["custom"];
    assert_eq!(custom["stacking"]["mode"], "percent");
    assert_eq!(custom["fillOpacity"], 100);
    assert_eq!(custom["drawStyle"], "bars");
    assert_eq!(custom["spanNulls"], true);
    assert_eq!(series["interval"], "90m");
    assert_eq!(
        series["options"]["legend"],
        json!({"calcs": ["lastNotNull", "max"], "displayMode": "table", "placement": "right", "showLegend": true})
    );
    let target = &series["targets"][0];
    assert_eq!(
        (&target["instant"], &target["range"], &target["format"]),
        (&json!(true), &json!(false), &json!("table"))
    );
    assert_eq!(bars["options"]["legend"]["showLegend"], true);
    assert_eq!(heat["options"]["yAxis"]["unit"], "s");
    assert_eq!(heat["options"]["yAxis"]["decimals"], 1);
    assert_eq!(heat["options"]["legend"], json!({"show": false}));
    assert_eq!(heat["targets"][0]["format"], "heatmap");
    assert!(heat["fieldConfig"]["defaults"].get("unit").is_none());
}
