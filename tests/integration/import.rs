//! `monocle import` on real upstream files: kube-prometheus' rules and
//! Alertmanager config, Sloth's examples. Each round trip compiles the
//! imported spec (with a file that defines the cluster) and compares the
//! output with the original.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common;

const KUBE_PROMETHEUS: &str = "tests/upstream/kube-prometheus";
const SLOTH: &str = "tests/upstream/sloth";

/// Runs `monocle import KIND FILES --out <dir>/imported` and adds a file
/// defining one cluster `prod`; the spec folder and the exit code.
fn import(kind: &str, files: &[&str], dir: &Path) -> (PathBuf, Option<i32>, String) {
    let spec = dir.join("spec");
    let out = spec.join("imported");
    let cwd = std::env::current_dir().expect("cwd");
    let files: Vec<String> = files
        .iter()
        .map(|f| cwd.join(f).display().to_string())
        .collect();
    let mut args = vec!["import", kind];
    args.extend(files.iter().map(String::as_str));
    let out_arg = out.display().to_string();
    args.extend(["--out", &out_arg]);
    let run = common::monocle(&args, dir);
    std::fs::write(
        spec.join("clusters.yaml"),
        "version: 1\nclusters:\n  - name: prod\n",
    )
    .expect("write clusters");
    (
        spec,
        run.status.code(),
        String::from_utf8_lossy(&run.stderr).into_owned(),
    )
}

/// `check` and `fmt --check` accept the imported folder, without warnings.
fn checks_clean(spec: &Path) {
    let spec_arg = spec.display().to_string();
    let check = common::monocle(&["check", "--deny-warnings", &spec_arg], spec);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let fmt = common::monocle(&["fmt", "--check", &spec_arg], spec);
    assert!(
        fmt.status.success(),
        "{}",
        String::from_utf8_lossy(&fmt.stdout)
    );
}

#[test]
fn kube_prometheus_rules_import_to_the_same_rules() {
    let files = [
        "tests/upstream/kube-prometheus/nodeExporter-prometheusRule.yaml",
        "tests/upstream/kube-prometheus/kubeStateMetrics-prometheusRule.yaml",
    ];
    let dir = tempfile::tempdir().expect("tempdir");
    let (spec, code, report) = import("rules", &files, dir.path());
    // The PrometheusRules' own metadata labels are reported, so exit 1.
    assert_eq!(code, Some(1), "{report}");
    assert!(report.contains("metadata.labels: dropped"), "{report}");
    checks_clean(&spec);
    let upstream: Vec<Value> = files
        .iter()
        .map(|f| common::yaml_value(&std::fs::read_to_string(f).expect("read")))
        .collect();
    let ours: Vec<Value> = common::compile_ok(&spec)
        .iter()
        .filter(|a| a.path.starts_with("prod/rules/"))
        .map(|a| common::yaml_value(std::str::from_utf8(&a.bytes).expect("utf8")))
        .collect();
    let (want, got) = (
        crate::upstream_rules::rules(&upstream),
        crate::upstream_rules::rules(&ours),
    );
    assert!(!want.is_empty());
    assert_eq!(want, got);
}

#[test]
fn importing_twice_gives_the_same_bytes_and_never_overwrites() {
    let files = ["tests/upstream/kube-prometheus/nodeExporter-prometheusRule.yaml"];
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (spec_a, ..) = import("rules", &files, a.path());
    let (spec_b, ..) = import("rules", &files, b.path());
    let read = |spec: &Path| {
        std::fs::read(spec.join("imported/nodeExporter-prometheusRule.yaml")).expect("imported")
    };
    assert_eq!(read(&spec_a), read(&spec_b));
    // Again into the same folder: refused, the file unchanged.
    let before = read(&spec_a);
    let (_, code, report) = import("rules", &files, a.path());
    assert_eq!(code, Some(2), "{report}");
    assert!(report.contains("never overwrites"), "{report}");
    assert_eq!(read(&spec_a), before);
}

#[test]
fn sloth_examples_import_to_sloths_rules() {
    for example in ["getting-started", "kubernetes-apiserver"] {
        let dir = tempfile::tempdir().expect("tempdir");
        let input = format!("{SLOTH}/{example}.in.yml");
        let (spec, code, report) = import("sloth", &[&input], dir.path());
        // Each Sloth service becomes a service stub to complete: reported,
        // but nothing lost.
        assert!(report.contains("to complete"), "{report}");
        assert_eq!(code, Some(0), "{report}");
        checks_clean(&spec);
        let slos_file = spec.join(format!("imported/{example}.in.yaml"));
        let ours = crate::sloth::spec_groups(&spec, &slos_file);
        // `cmd` is added by Sloth's example script, not its spec (SOURCES).
        let problems = crate::sloth::compare_groups(example, &ours, &["cmd"]);
        assert!(problems.is_empty(), "{example}:\n{}", problems.join("\n"));
    }
}

#[test]
fn unreadable_input_is_an_error_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "groups: [\n").unwrap();
    let out = dir.path().join("out");
    let run = common::monocle(
        &[
            "import",
            "rules",
            bad.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(run.status.code(), Some(2));
    assert!(!out.exists());
}

#[test]
fn kube_prometheus_alertmanager_secret_imports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = format!("{KUBE_PROMETHEUS}/alertmanager-secret.yaml");
    let (spec, code, report) = import("alertmanager", &[&input], dir.path());
    assert_eq!(code, Some(0), "{report}");
    checks_clean(&spec);
}

#[test]
fn kube_prometheus_alertmanager_routes_like_the_original_under_amtool() {
    let Some(amtool) = crate::routing::amtool() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let input = format!("{KUBE_PROMETHEUS}/alertmanager-secret.yaml");
    let (spec, ..) = import("alertmanager", &[&input], dir.path());
    let secret = common::yaml_value(&std::fs::read_to_string(&input).expect("read"));
    let original = dir.path().join("original.yaml");
    std::fs::write(
        &original,
        secret["stringData"]["alertmanager.yaml"]
            .as_str()
            .expect("config"),
    )
    .expect("write");
    let artifacts = common::compile_ok(&spec);
    let ours = dir.path().join("ours.yaml");
    let config = artifacts
        .iter()
        .find(|a| a.path == "prod/alertmanager/alertmanager.yaml")
        .expect("the Alertmanager config");
    std::fs::write(&ours, &config.bytes).expect("write");
    // Label sets over the names and values the config's matchers use.
    let mut rng = common::Rng::new(22);
    let mut differ = Vec::new();
    for _ in 0..200 {
        let mut labels = std::collections::BTreeMap::new();
        for (name, values) in [
            (
                "alertname",
                &[
                    "Watchdog",
                    "InfoInhibitor",
                    "KubePodCrashLooping",
                    "TargetDown",
                ][..],
            ),
            ("severity", &["critical", "warning", "info", "none"][..]),
            ("namespace", &["monitoring", "shop"][..]),
        ] {
            if rng.chance(80) {
                labels.insert(name.to_owned(), (*rng.pick(values)).to_owned());
            }
        }
        let (want, got) = (
            crate::routing::amtool_route(amtool, &original, &labels),
            crate::routing::amtool_route(amtool, &ours, &labels),
        );
        if want != got {
            differ.push(format!("{labels:?}: original {want:?}, imported {got:?}"));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

#[test]
fn with_packs_alerts_a_built_in_pack_defines_become_its_tunings() {
    let files = [
        "tests/upstream/kube-prometheus/nodeExporter-prometheusRule.yaml",
        "tests/upstream/kube-prometheus/kubeStateMetrics-prometheusRule.yaml",
    ];
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = dir.path().join("spec");
    let cwd = std::env::current_dir().expect("cwd");
    let mut args: Vec<String> = ["import", "rules", "--packs", "--out"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    args.push(spec.join("imported").display().to_string());
    args.extend(files.iter().map(|f| cwd.join(f).display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = common::monocle(&args, dir.path());
    let report = String::from_utf8_lossy(&run.stderr);
    assert!(report.contains("taken from pack `node`"), "{report}");
    std::fs::write(
        spec.join("clusters.yaml"),
        "version: 1\nclusters:\n  - name: prod\n",
    )
    .unwrap();
    checks_clean(&spec);
    let imported =
        std::fs::read_to_string(spec.join("imported/nodeExporter-prometheusRule.yaml")).unwrap();
    assert!(imported.contains("packs:"), "{imported}");
    // Every alert name of the originals still fires from the result.
    let ours: String = common::compile_ok(&spec)
        .iter()
        .filter(|a| a.path.starts_with("prod/"))
        .map(|a| String::from_utf8_lossy(&a.bytes).into_owned())
        .collect();
    for file in files {
        let upstream = common::yaml_value(&std::fs::read_to_string(file).unwrap());
        for group in upstream["spec"]["groups"].as_array().unwrap() {
            for rule in group["rules"].as_array().unwrap() {
                if let Some(alert) = rule["alert"].as_str() {
                    assert!(
                        ours.contains(&format!("alert: {alert}\n")),
                        "{alert} is gone"
                    );
                }
            }
        }
    }
}

const DASHBOARDS: [&str; 3] = ["k8s-resources-namespace", "node-rsrc-use", "nodes"];
const DASHBOARD_FIXTURE: &str = "tests/fixtures/kube-prometheus-dashboards";

/// `monocle import grafana` still writes the committed fixture, and reports
/// the same items (`UPDATE_FIXTURES=1` rewrites both).
#[test]
fn kube_prometheus_dashboards_import_to_the_fixture() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("imported");
    let cwd = std::env::current_dir().expect("cwd");
    let inputs: Vec<String> = DASHBOARDS
        .iter()
        .map(|n| format!("{KUBE_PROMETHEUS}/dashboards/{n}.json"))
        .collect();
    let mut args = vec!["import", "grafana"];
    args.extend(inputs.iter().map(String::as_str));
    let out_arg = out.display().to_string();
    args.extend(["--out", &out_arg]);
    let run = common::monocle(&args, &cwd);
    // What the language lacks is reported, so exit 1.
    let report = String::from_utf8_lossy(&run.stderr)
        .lines()
        .filter(|l| !l.starts_with("wrote "))
        .map(|l| format!("{l}\n"))
        .collect::<String>();
    assert_eq!(run.status.code(), Some(1), "{report}");
    let fixture = Path::new(DASHBOARD_FIXTURE);
    let update = std::env::var_os("UPDATE_FIXTURES").is_some();
    let mut files: Vec<(String, Vec<u8>)> = DASHBOARDS
        .iter()
        .map(|n| {
            let name = format!("{n}.yaml");
            let bytes = std::fs::read(out.join(&name)).expect("imported");
            (name, bytes)
        })
        .collect();
    files.push(("import-report.txt".to_owned(), report.into_bytes()));
    for (name, bytes) in files {
        let path = fixture.join(&name);
        if update {
            std::fs::create_dir_all(fixture).expect("mkdir");
            std::fs::write(&path, &bytes).expect("write fixture");
        }
        let want = std::fs::read(&path).unwrap_or_default();
        assert!(
            want == bytes,
            "{} differs from what `monocle import grafana` writes (UPDATE_FIXTURES=1 rewrites it):\n{}",
            path.display(),
            String::from_utf8_lossy(&bytes)
        );
    }
}

/// A difference between an original dashboard and monocle's: what it is
/// about (the token `docs/spec.md` explains it by) and where.
struct Difference {
    token: String,
    message: String,
}

/// Key → value of what the language can say about a dashboard, in a flat
/// map so that each field compares on its own.
type Fields = std::collections::BTreeMap<String, Value>;

/// A panel's or dashboard's links as comparable values.
fn link_fields(links: &Value) -> Vec<Value> {
    links
        .as_array()
        .into_iter()
        .flatten()
        .map(|l| {
            serde_json::json!({
                "title": l["title"],
                "type": l["type"].as_str().unwrap_or("link"),
                "url": l["url"],
                "tags": l["tags"].as_array().filter(|t| !t.is_empty()),
            })
        })
        .collect()
}

/// Dashboard-level fields (`dashboard.*`) and each panel's fields
/// (`<title>#<n>.*`), from dashboard JSON (the original or monocle's).
fn dashboard_fields(d: &Value) -> Fields {
    let mut f = Fields::new();
    // Without the note monocle adds, which names the spec file.
    let description = d["description"].as_str().map(|d| {
        let own = match d.rsplit_once("\n\n") {
            Some((own, note)) if note.starts_with("Generated by monocle") => own,
            None if d.starts_with("Generated by monocle") => "",
            _ => d,
        };
        own.to_owned()
    });
    f.insert(
        "dashboard.description".into(),
        description.filter(|d| !d.is_empty()).into(),
    );
    for key in ["title", "tags", "timezone", "refresh", "time"] {
        f.insert(format!("dashboard.{key}"), d[key].clone());
    }
    for (i, l) in link_fields(&d["links"]).into_iter().enumerate() {
        f.insert(format!("dashboard.links[{i}]"), l);
    }
    for a in d["annotations"]["list"].as_array().into_iter().flatten() {
        if a["builtIn"] != 1 {
            let name = a["name"].as_str().unwrap_or_default();
            f.insert(
                format!("dashboard.annotations.{name}"),
                serde_json::json!([a["datasource"]["type"], a["expr"], a["iconColor"]]),
            );
        }
    }
    for v in d["templating"]["list"].as_array().into_iter().flatten() {
        let name = v["name"].as_str().unwrap_or_default();
        if v["type"] == "datasource" && name == "datasource" {
            continue;
        }
        let query = v["query"]["query"]
            .as_str()
            .map_or(v["query"].clone(), Into::into);
        let fields = [
            ("type", v["type"].clone()),
            ("query", query),
            ("label", v["label"].as_str().unwrap_or(name).into()),
            ("hide", v["hide"].as_u64().unwrap_or(0).into()),
            ("includeAll", (v["includeAll"] == true).into()),
            (
                "allValue",
                v["allValue"].as_str().filter(|a| !a.is_empty()).into(),
            ),
            ("multi", (v["multi"] == true).into()),
            ("regex", v["regex"].as_str().unwrap_or_default().into()),
            ("sort", v["sort"].as_u64().unwrap_or(0).into()),
            ("refresh", v["refresh"].clone()),
        ];
        for (key, value) in fields {
            f.insert(format!("dashboard.variables.{name}.{key}"), value);
        }
    }
    let mut panels: Vec<&Value> = Vec::new();
    for p in d["panels"].as_array().into_iter().flatten() {
        if p["type"] == "row" {
            f.insert(
                format!(
                    "row `{}`.collapsed",
                    p["title"].as_str().unwrap_or_default()
                ),
                (p["collapsed"] == true).into(),
            );
            panels.extend(p["panels"].as_array().into_iter().flatten());
        } else {
            panels.push(p);
        }
    }
    for (n, p) in panels.iter().enumerate() {
        let at = format!("panel {n} `{}`", p["title"].as_str().unwrap_or_default());
        let mut put = |key: &str, value: Value| {
            f.insert(format!("{at}.{key}"), value);
        };
        let d = &p["fieldConfig"]["defaults"];
        let legend = &p["options"]["legend"];
        put("type", p["type"].clone());
        put("description", p["description"].clone());
        put("unit", d["unit"].clone());
        put("decimals", d["decimals"].clone());
        put("min", d["min"].clone());
        put("max", d["max"].clone());
        // No thresholds is a green base step alone.
        let steps: Vec<Value> = d["thresholds"]["steps"].as_array().map_or_else(
            || vec![serde_json::json!(["green", null])],
            |steps| {
                steps
                    .iter()
                    .map(|s| serde_json::json!([s["color"], s["value"]]))
                    .collect()
            },
        );
        put("thresholds", steps.into());
        put("stacking", d["custom"]["stacking"]["mode"].clone());
        put("fillOpacity", d["custom"]["fillOpacity"].clone());
        put("drawStyle", d["custom"]["drawStyle"].clone());
        put("spanNulls", d["custom"]["spanNulls"].clone());
        put("content", p["options"]["content"].clone());
        put("repeatDirection", p["repeatDirection"].clone());
        put(
            "legend",
            serde_json::json!([legend["displayMode"], legend["placement"], legend["calcs"]]),
        );
        put(
            "size",
            serde_json::json!([p["gridPos"]["w"], p["gridPos"]["h"]]),
        );
        put("interval", p["interval"].clone());
        put("repeat", p["repeat"].clone());
        put("links", link_fields(&p["links"]).into());
        for (i, t) in p["targets"].as_array().into_iter().flatten().enumerate() {
            put(
                &format!("targets[{i}]"),
                serde_json::json!({
                    "expr": t["expr"],
                    "instant": t["instant"] == true,
                    "format": t["format"].as_str().unwrap_or("time_series"),
                }),
            );
            put(
                &format!("targets[{i}].legendFormat"),
                t["legendFormat"].as_str().filter(|l| !l.is_empty()).into(),
            );
        }
        for o in p["fieldConfig"]["overrides"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let m = &o["matcher"];
            for property in o["properties"].as_array().into_iter().flatten() {
                put(
                    &format!(
                        "overrides[{}:{}].{}",
                        m["id"].as_str().unwrap_or_default(),
                        m["options"],
                        property["id"].as_str().unwrap_or_default()
                    ),
                    property["value"].clone(),
                );
            }
        }
        let mut seen = std::collections::BTreeMap::<String, usize>::new();
        for t in p["transformations"].as_array().into_iter().flatten() {
            let id = t["id"].as_str().unwrap_or_default().to_owned();
            let n = seen.entry(id.clone()).or_default();
            *n += 1;
            let at = format!("transformations.{id}#{n}");
            match t["options"].as_object() {
                Some(options) if !options.is_empty() => {
                    for (key, value) in options {
                        // An empty map is Grafana's default.
                        if value.as_object().is_some_and(serde_json::Map::is_empty) {
                            continue;
                        }
                        put(&format!("{at}.{key}"), value.clone());
                    }
                }
                _ => put(&at, true.into()),
            }
        }
    }
    f
}

/// Why an original field and monocle's differ: the token `docs/spec.md`
/// lists the difference under (`None`: unexplained).
fn difference_token(key: &str, original: &Value, ours: &Value) -> String {
    let field = key.rsplit('.').next().unwrap_or(key);
    // Grafana's defaults that monocle writes out.
    match field {
        "stacking" if original.is_null() && ours == "none" => return "stacking: none".into(),
        "legend"
            if original == &serde_json::json!([null, null, null])
                && ours == &serde_json::json!(["list", "bottom", []]) =>
        {
            return "legend: list at the bottom".into();
        }
        "legendFormat" if original.is_null() => return "legendFormat".into(),
        "drawStyle" if original.is_null() && ours == "line" => return "drawStyle: line".into(),
        "spanNulls" if original.is_null() && ours == false => return "spanNulls: false".into(),
        _ => {}
    }
    // What every monocle dashboard has.
    if original.is_null() {
        if key.starts_with("dashboard.variables.loki.") {
            return "loki".into();
        }
        if key.starts_with("row ") {
            return "row panels".into();
        }
        if key.contains(".overrides[byNames:") {
            return "byNames".into();
        }
    }
    if key.contains(".overrides[") {
        // The override property monocle lacks (a Grafana property id such
        // as `custom.lineStyle`).
        let property = key.split("].").nth(1).unwrap_or(field);
        return property.to_owned();
    }
    if let Some(rest) = key.split(".transformations.").nth(1) {
        let id = rest.split('#').next().unwrap_or(rest);
        return match (field, id) {
            ("indexByName", _) => "indexByName".into(),
            (_, "merge" | "organize" | "joinByField") => "transformation chains".into(),
            _ => id.to_owned(),
        };
    }
    if (key.contains(".links[") || field == "links")
        && let Some(kind) = original["type"].as_str().filter(|k| *k != "link")
    {
        return format!("links of type {kind}");
    }
    format!("{field} (unexplained)")
}

/// The differences `docs/spec.md` explains: the backticked token opening
/// each item of the list after "The comparison test accepts".
fn explained_differences() -> Vec<String> {
    let doc = std::fs::read_to_string("docs/spec.md").expect("docs/spec.md");
    let start = doc
        .find("The comparison test accepts")
        .expect("docs/spec.md lists the accepted differences");
    doc[start..]
        .lines()
        .skip(1)
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| {
            let l = l.trim_start().strip_prefix("- `")?;
            Some(l.split('`').next()?.to_owned())
        })
        .collect()
}

fn compare_dashboards(original: &Value, ours: &Value, out: &mut Vec<Difference>) {
    let uid = original["uid"].as_str().unwrap_or_default();
    let (want, got) = (dashboard_fields(original), dashboard_fields(ours));
    let keys: std::collections::BTreeSet<&String> = want.keys().chain(got.keys()).collect();
    for key in keys {
        let (w, g) = (
            want.get(key).unwrap_or(&Value::Null),
            got.get(key).unwrap_or(&Value::Null),
        );
        if w != g {
            out.push(Difference {
                token: difference_token(key, w, g),
                message: format!("{uid} {key}: original {w}, ours {g}"),
            });
        }
    }
}

/// The fixture — kube-prometheus' three dashboards written in the spec
/// language — compiles to dashboards equal to the originals field by
/// field (dashboard settings, links, annotations, variables; each panel's
/// type, units, legends, stacking, queries, links, overrides and
/// transformations), apart from the differences `docs/spec.md` lists.
#[test]
fn kube_prometheus_dashboards_in_the_spec_language_match_the_originals() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = dir.path().join("spec");
    std::fs::create_dir_all(spec.join("imported")).unwrap();
    for n in DASHBOARDS {
        std::fs::copy(
            format!("{DASHBOARD_FIXTURE}/{n}.yaml"),
            spec.join(format!("imported/{n}.yaml")),
        )
        .expect("fixture");
    }
    std::fs::write(
        spec.join("clusters.yaml"),
        "version: 1\nclusters:\n  - name: prod\n",
    )
    .unwrap();
    // The panels read kube-prometheus' recording rules, which the spec
    // does not define: those warnings, and no other.
    let spec_arg = spec.display().to_string();
    let check = common::monocle(&["check", "--format", "short", &spec_arg], &spec);
    assert!(check.status.success());
    let warnings = String::from_utf8_lossy(&check.stderr).into_owned();
    let undefined: Vec<&str> = warnings
        .lines()
        .filter(|l| l.contains(": warning: "))
        .map(|l| {
            assert!(l.contains("monocle::rules::undefined_record"), "{l}");
            l.split('`').nth(1).unwrap_or_default()
        })
        .collect();
    for record in [
        "instance:node_cpu_utilisation:rate5m",
        "node_namespace_pod_container:container_cpu_usage_seconds_total:sum_rate5m",
    ] {
        assert!(undefined.contains(&record), "{record}: {warnings}");
    }
    assert!(undefined.iter().all(|r| r.contains(':')), "{warnings}");
    let fmt = common::monocle(&["fmt", "--check", &spec_arg], &spec);
    assert!(fmt.status.success());
    let artifacts = common::compile_ok(&spec);
    let mut differences = Vec::new();
    for n in DASHBOARDS {
        let path = format!("{KUBE_PROMETHEUS}/dashboards/{n}.json");
        let original: Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let uid = original["uid"].as_str().unwrap();
        let ours = artifacts
            .iter()
            .find(|a| a.path == format!("prod/dashboards/{uid}.json"))
            .unwrap_or_else(|| panic!("no dashboard {uid}"));
        let ours: Value = serde_json::from_slice(&ours.bytes).unwrap();
        compare_dashboards(&original, &ours, &mut differences);
    }
    let explained = explained_differences();
    let unexplained: Vec<&str> = differences
        .iter()
        .filter(|d| !explained.contains(&d.token))
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        unexplained.is_empty(),
        "differences docs/spec.md does not explain:\n{}",
        unexplained.join("\n")
    );
    // Every difference docs/spec.md explains still occurs.
    for token in &explained {
        assert!(
            differences.iter().any(|d| &d.token == token),
            "docs/spec.md explains `{token}`, which no longer differs"
        );
    }
}

/// Every option of the language survives Grafana: the every-option
/// dashboard compiled, imported back and compiled again is the same
/// dashboard, field by field, and the import reports nothing.
#[test]
fn every_dashboard_option_imports_back_from_its_grafana_json() {
    let every = common::compile_ok("tests/fixtures/dashboards/every-option.yaml");
    let json = every
        .iter()
        .find(|a| a.path == "prod/dashboards/every-option.json")
        .expect("the every-option dashboard");
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("every-option.json");
    std::fs::write(&input, &json.bytes).expect("write");
    let (spec, code, report) = import("grafana", &[input.to_str().unwrap()], dir.path());
    assert_eq!(code, Some(0), "{report}");
    checks_clean(&spec);
    let again = common::compile_ok(&spec);
    let ours = again
        .iter()
        .find(|a| a.path == "prod/dashboards/every-option.json")
        .expect("the imported dashboard");
    let (original, ours): (Value, Value) = (
        serde_json::from_slice(&json.bytes).unwrap(),
        serde_json::from_slice(&ours.bytes).unwrap(),
    );
    let mut differences = Vec::new();
    compare_dashboards(&original, &ours, &mut differences);
    let messages: Vec<&str> = differences.iter().map(|d| d.message.as_str()).collect();
    assert!(messages.is_empty(), "{}", messages.join("\n"));
}

#[test]
fn kdl_imports_read_as_the_same_tree_as_yaml_imports() {
    use monocle::source::SourceId;
    let cases: [(&str, Vec<String>); 4] = [
        (
            "rules",
            vec![format!(
                "{KUBE_PROMETHEUS}/nodeExporter-prometheusRule.yaml"
            )],
        ),
        (
            "sloth",
            vec![
                format!("{SLOTH}/getting-started.in.yml"),
                format!("{SLOTH}/kubernetes-apiserver.in.yml"),
            ],
        ),
        (
            "alertmanager",
            vec![format!("{KUBE_PROMETHEUS}/alertmanager-secret.yaml")],
        ),
        (
            "grafana",
            vec![format!("{KUBE_PROMETHEUS}/dashboards/nodes.json")],
        ),
    ];
    let cwd = std::env::current_dir().unwrap();
    for (kind, files) in cases {
        let dir = tempfile::tempdir().unwrap();
        let mut trees = Vec::new();
        for syntax in ["yaml", "kdl"] {
            let out = dir.path().join(syntax);
            let mut args = vec![
                "import".to_owned(),
                kind.to_owned(),
                "--syntax".into(),
                syntax.into(),
                "--out".into(),
            ];
            args.push(out.display().to_string());
            args.extend(files.iter().map(|f| cwd.join(f).display().to_string()));
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            common::monocle(&args, dir.path());
            let mut written: Vec<_> = std::fs::read_dir(&out)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            written.sort();
            let parsed: Vec<Value> = written
                .iter()
                .map(|path| {
                    let text = std::fs::read_to_string(path).unwrap();
                    let node = if syntax == "kdl" {
                        monocle::syntax::kdl::parse(SourceId(0), &text)
                    } else {
                        monocle::syntax::yaml::parse(SourceId(0), &text)
                    };
                    node.unwrap_or_else(|_| panic!("{} does not parse", path.display()))
                        .to_json()
                })
                .collect();
            trees.push(parsed);
        }
        assert!(!trees[0].is_empty(), "{kind}: nothing imported");
        assert_eq!(
            trees[0], trees[1],
            "{kind}: the KDL import differs from the YAML one"
        );
        // Both compile with a clusters file.
        let kdl = dir.path().join("kdl");
        std::fs::write(
            kdl.join("clusters.yaml"),
            "version: 1\nclusters:\n  - name: prod\n",
        )
        .unwrap();
        checks_clean(&kdl);
    }
}

/// The burn factors of an SLO rules file's alerts: the `N` of every
/// `> (N * objective)` condition, in order.
fn burn_factors(rules: &str) -> Vec<String> {
    rules
        .split("> (")
        .skip(1)
        .filter_map(|rest| rest.split_once(" * ").map(|(n, _)| n.to_owned()))
        .collect()
}

/// Sloth's AlertWindows files (its built-in Google windows for 28 and 30
/// days) import as `slo_windows`, number for number, and drive the burn
/// factors: with the 28-day windows the page alert burns at 13.44× (2 % of
/// 28 days in 1 hour); with a copy whose page budget is doubled, at 26.88×.
#[test]
fn sloth_alert_windows_import_as_slo_windows() {
    for period in ["28d", "30d"] {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = format!("{SLOTH}/google-{period}.yaml");
        let (spec, code, report) = import("sloth", &[&file], dir.path());
        assert_eq!(code, Some(0), "{report}");
        let upstream = common::yaml_value(&std::fs::read_to_string(&file).expect("read"));
        let imported = common::yaml_value(
            &std::fs::read_to_string(spec.join(format!("imported/google-{period}.yaml")))
                .expect("imported"),
        );
        let windows = &imported["slo_windows"][0];
        assert_eq!(windows["period"], upstream["spec"]["sloPeriod"]);
        for alert in ["page", "ticket"] {
            for speed in ["quick", "slow"] {
                let (ours, theirs) = (&windows[alert][speed], &upstream["spec"][alert][speed]);
                assert_eq!(ours["budget_percent"], theirs["errorBudgetPercent"]);
                assert_eq!(ours["short"], theirs["shortWindow"]);
                assert_eq!(ours["long"], theirs["longWindow"]);
            }
        }
    }
    let factors = |windows: &str| {
        let dir = tempfile::tempdir().expect("tempdir");
        let copy = dir.path().join("windows.yaml");
        std::fs::write(&copy, windows).expect("write windows");
        let cwd = std::env::current_dir().expect("cwd");
        let slos = cwd.join(SLOTH).join("getting-started.in.yml");
        let slos = slos.display().to_string();
        let copy = copy.display().to_string();
        let spec = dir.path().join("spec");
        let out = spec.join("imported").display().to_string();
        let run = common::monocle(
            &[
                "import", "sloth", &slos, &copy, "--window", "28d", "--out", &out,
            ],
            dir.path(),
        );
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        std::fs::write(
            spec.join("clusters.yaml"),
            "version: 1\nclusters:\n  - name: prod\n",
        )
        .expect("write clusters");
        checks_clean(&spec);
        let artifacts = common::compile_ok(&spec);
        let rules = artifacts
            .iter()
            .find(|a| a.path == "prod/slos/myservice-requests-availability.yaml")
            .expect("the SLO's rules");
        burn_factors(std::str::from_utf8(&rules.bytes).expect("utf-8"))
    };
    let google = std::fs::read_to_string(format!("{SLOTH}/google-28d.yaml")).expect("read");
    assert_eq!(
        factors(&google),
        [
            "13.44",
            "13.44",
            "5.6",
            "5.6",
            "2.8",
            "2.8",
            "0.9333333333",
            "0.9333333333"
        ]
    );
    let doubled = google.replacen("errorBudgetPercent: 2\n", "errorBudgetPercent: 4\n", 1);
    assert_ne!(doubled, google);
    assert_eq!(factors(&doubled)[..2], ["26.88", "26.88"]);
}

/// Settings the language has no word for are reported one by one, where
/// they are, with what compiling gives instead; settings left at Grafana's
/// default are not (a dashboard exported from Grafana writes them all).
#[test]
fn grafana_settings_the_language_lacks_are_reported_each() {
    let dashboard = serde_json::json!({
        "uid": "lacks", "title": "Lacks", "graphTooltip": 0, "liveNow": false,
        "timepicker": { "refresh_intervals": ["5s","10s","30s","1m","5m","15m","30m","1h","2h","1d"] },
        "templating": { "list": [
            { "name": "job", "type": "query", "query": "label_values(up, job)", "refresh": 2, "sort": 1, "skipUrlSync": true },
            { "name": "pod", "type": "query", "query": "label_values(up, pod)", "refresh": 2, "sort": 1, "skipUrlSync": false }
        ] },
        "panels": [
            { "type": "timeseries", "title": "Rate", "gridPos": { "x": 0, "y": 0, "w": 12, "h": 8 },
              "targets": [{ "refId": "A", "expr": "rate(x[5m])", "hide": false, "intervalFactor": 1 }],
              "fieldConfig": { "defaults": { "unit": "reqps", "custom": {
                  "pointSize": 5, "axisPlacement": "auto", "lineWidth": 3,
                  "hideFrom": { "legend": false, "tooltip": false, "viz": false } } },
                "overrides": [] },
              "options": { "tooltip": { "mode": "single", "sort": "desc" },
                           "legend": { "showLegend": true, "displayMode": "list", "placement": "bottom" } } },
            { "type": "stat", "title": "Up", "gridPos": { "x": 12, "y": 0, "w": 12, "h": 8 },
              "targets": [{ "refId": "A", "expr": "up", "exemplar": true }],
              "options": { "colorMode": "value", "textMode": "auto" } }
        ]
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("lacks.json");
    std::fs::write(&input, dashboard.to_string()).expect("write");
    let (spec, code, report) = import("grafana", &[input.to_str().unwrap()], dir.path());
    assert_eq!(code, Some(1), "{report}");
    let mut lost: Vec<&str> = report
        .lines()
        .filter_map(|l| l.split_once(": dropped: ").map(|(at, _)| at))
        .filter_map(|at| at.rsplit_once(": ").map(|(_, path)| path))
        .collect();
    lost.sort_unstable();
    assert_eq!(
        lost,
        [
            "doc0.graphTooltip",
            "doc0.panels[0].fieldConfig.defaults.custom.lineWidth",
            "doc0.panels[0].options.tooltip.mode",
            "doc0.panels[1].options.colorMode",
            "doc0.panels[1].targets[0].exemplar",
            "doc0.templating.list[0].skipUrlSync",
        ],
        "{report}"
    );
    assert!(
        report.contains("`options.tooltip.mode` \"single\", compiled as \"multi\""),
        "{report}"
    );
    checks_clean(&spec);
}
