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

/// What the language can say about a Grafana panel, from dashboard JSON
/// (the original or monocle's), in panel order.
fn panel_fields(dashboard: &Value) -> Vec<Value> {
    let mut panels: Vec<&Value> = Vec::new();
    for p in dashboard["panels"].as_array().into_iter().flatten() {
        if p["type"] == "row" {
            panels.extend(p["panels"].as_array().into_iter().flatten());
        } else {
            panels.push(p);
        }
    }
    panels
        .iter()
        .map(|p| {
            let d = &p["fieldConfig"]["defaults"];
            let legend = &p["options"]["legend"];
            let targets: Vec<Value> = p["targets"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|t| {
                    serde_json::json!({
                        "expr": t["expr"],
                        "legendFormat": t["legendFormat"].as_str().filter(|l| !l.is_empty()),
                        "instant": t["instant"] == true,
                    })
                })
                .collect();
            serde_json::json!({
                "type": p["type"],
                "title": p["title"],
                "unit": d["unit"],
                "decimals": d["decimals"],
                "min": d["min"],
                "max": d["max"],
                "stacking": d["custom"]["stacking"]["mode"],
                "fillOpacity": d["custom"]["fillOpacity"],
                "legend": [legend["displayMode"].clone(), legend["placement"].clone(), legend["calcs"].clone()],
                "targets": targets,
                "size": [p["gridPos"]["w"].clone(), p["gridPos"]["h"].clone()],
            })
        })
        .collect()
}

/// Where the original leaves a field to Grafana's default and monocle
/// writes a value (docs/spec.md, "Importing existing files"): no stacking
/// is `none`, no legend is a list at the bottom, and a query without a
/// legend gets one from its grouping.
fn default_of_monocle(key: &str, original: &Value, ours: &Value) -> bool {
    match key {
        "stacking" => original.is_null() && ours == "none",
        "legend" => {
            original == &serde_json::json!([null, null, null])
                && ours == &serde_json::json!(["list", "bottom", []])
        }
        "targets" => {
            let (Some(o), Some(u)) = (original.as_array(), ours.as_array()) else {
                return false;
            };
            o.len() == u.len()
                && o.iter().zip(u).all(|(o, u)| {
                    o["expr"] == u["expr"]
                        && o["instant"] == u["instant"]
                        && (o["legendFormat"] == u["legendFormat"] || o["legendFormat"].is_null())
                })
        }
        _ => false,
    }
}

#[test]
fn kube_prometheus_dashboards_import_to_the_same_panels() {
    let dir = tempfile::tempdir().expect("tempdir");
    let names = ["k8s-resources-namespace", "node-rsrc-use", "nodes"];
    let inputs: Vec<String> = names
        .iter()
        .map(|n| format!("{KUBE_PROMETHEUS}/dashboards/{n}.json"))
        .collect();
    let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
    let (spec, code, report) = import("grafana", &inputs, dir.path());
    // Overrides, transformations and some variable options are reported.
    assert_eq!(code, Some(1), "{report}");
    assert!(report.contains("field overrides"), "{report}");
    // The panels read kube-prometheus' recording rules, which the imported
    // spec does not define: those warnings, and no other.
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
    let mut differ = Vec::new();
    for input in &inputs {
        let original: Value =
            serde_json::from_str(&std::fs::read_to_string(input).unwrap()).unwrap();
        let uid = original["uid"].as_str().unwrap();
        let ours = artifacts
            .iter()
            .find(|a| a.path == format!("prod/dashboards/{uid}.json"))
            .unwrap_or_else(|| panic!("no dashboard {uid}"));
        let ours: Value = serde_json::from_slice(&ours.bytes).unwrap();
        let (want, got) = (panel_fields(&original), panel_fields(&ours));
        assert_eq!(want.len(), got.len(), "{uid}: panel count");
        for (w, g) in want.iter().zip(&got) {
            for (key, value) in w.as_object().unwrap() {
                if value != &g[key] && !default_of_monocle(key, value, &g[key]) {
                    differ.push(format!(
                        "{uid} `{}` {key}: original {value}, ours {}",
                        w["title"], g[key]
                    ));
                }
            }
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
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
