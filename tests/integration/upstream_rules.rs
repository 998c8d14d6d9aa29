//! kube-prometheus' node-exporter and kube-state-metrics rules, written in
//! the spec language, compile to the same rules as upstream's (apart from
//! the group layout), and promtool accepts them.

use crate::common;

use serde_json::{Value, json};

const DIR: &str = "tests/upstream/kube-prometheus";

/// Every rule of some PrometheusRule objects, as comparable JSON without
/// the group it is in, sorted.
pub fn rules(objects: &[Value]) -> Vec<String> {
    let mut out: Vec<String> = objects
        .iter()
        .flat_map(|o| o["spec"]["groups"].as_array().cloned().unwrap_or_default())
        .flat_map(|g| g["rules"].as_array().cloned().unwrap_or_default())
        .map(|r| {
            let field = |k: &str| r.get(k).cloned().unwrap_or(Value::Null);
            json!({
                "alert": field("alert"),
                "record": field("record"),
                "expr": field("expr"),
                "for": field("for"),
                "labels": field("labels"),
                "annotations": field("annotations"),
            })
            .to_string()
        })
        .collect();
    out.sort();
    out
}

#[test]
fn kube_prometheus_rules_compile_to_upstreams_rules() {
    let upstream: Vec<Value> = [
        "nodeExporter-prometheusRule.yaml",
        "kubeStateMetrics-prometheusRule.yaml",
    ]
    .iter()
    .map(|f| common::yaml_value(&std::fs::read_to_string(format!("{DIR}/{f}")).unwrap()))
    .collect();
    let artifacts = common::compile_ok(format!("{DIR}/spec.yaml"));
    let ours: Vec<Value> = artifacts
        .iter()
        .filter(|a| a.path.starts_with("prod/rules/"))
        .map(|a| common::yaml_value(std::str::from_utf8(&a.bytes).unwrap()))
        .collect();
    let (want, got) = (rules(&upstream), rules(&ours));
    assert!(!want.is_empty());
    for (w, g) in want.iter().zip(&got) {
        assert_eq!(w, g);
    }
    assert_eq!(want.len(), got.len());

    let Some(promtool) = common::tool("promtool") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["check".to_owned(), "rules".to_owned()];
    for (i, object) in ours.iter().enumerate() {
        let name = format!("rules-{i}.yaml");
        let groups = json!({ "groups": object["spec"]["groups"] });
        std::fs::write(dir.path().join(&name), groups.to_string()).unwrap();
        args.push(name);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (ok, output) = common::run(&promtool, &args, dir.path());
    assert!(ok, "promtool check rules failed:\n{output}");
}
