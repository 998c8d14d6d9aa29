//! Differential property test: a spec monocle accepts must produce output
//! the real tools accept. Specs are generated from a small valid one by
//! choosing each hostile-prone field (alert expression, templates, labels,
//! regexes, routing matchers, SLO window) from pools of values that are
//! valid, invalid, or valid for Rust but not for the Go tools; whenever
//! `monocle::compile` succeeds, `promtool check rules`, `promtool test
//! rules` (the generated SLO tests) and `amtool check-config` must pass.
//!
//! Under `CI=true` a missing promtool or amtool fails the test (see
//! `common::tool`). Raise the case count with `MONOCLE_PROPTEST_CASES`.

use crate::common;

use std::path::Path;

use proptest::prelude::*;

const EXPRS: &[&str] = &[
    "up == 0",
    "sum by (job) (rate(http_requests_total{code=~\"5..\"}[5m])) > 1",
    "up{job=~\"a{1001}\"} == 0",
    "up{job=~\"(?<n>a)\"} == 0",
    "up{job=~\"(?P<n>a)\"} == 0",
    "up[5m]",
    "1 > bool 0",
    "\"firing\"",
    "vector(1)",
    "absent(up{job=\"api\"})",
    "rate(x[5m] offset 1h) > 0",
    "max_over_time(up[1h:5m]) == 0",
    "up unless on (job) up",
    "histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m]))) > 1",
    "up == 0 or",
];

const TEXTS: &[&str] = &[
    "API down",
    "{{ $labels.job }} is down",
    "{{ $value | humanize }} errors",
    "{{ evil }}",
    "{{ if }}x{{ end }}",
    "{{ if gt $value 1.0 }}high{{ end }}",
    "{{ printf \"%.2f\" $value }}",
    "{{ .Labels.job }}",
    "{{",
    "}} {{",
    "{{/* comment */}}",
    "{{ $externalLabels.cluster }}",
    "{{ range $labels }}x{{ end }}",
];

const LABELS: &[(&str, &str)] = &[
    ("tier", "gold"),
    ("__name__", "x"),
    ("__tmp", "x"),
    ("le", "0.5"),
    ("a.b", "x"),
    ("page", "{{ $labels.job }}"),
    ("runbook_anchor", "#x"),
    ("priority", "P1"),
];

const DROPS: &[&str] = &[
    "go_.*",
    "x{1001}",
    "x_(?<n>a)",
    "x_(?P<n>a)",
    "(?i)debug_.*",
    "\\p{Greek}+",
];

const MATCHERS: &[&str] = &[
    "severity=\"critical\"",
    "team=~\"web|db\"",
    "team=~\"(?<x>a)\"",
    "team=~\"a{1001}\"",
    "alertname!~\"Watchdog\"",
    "team=\"x\\\"y\"",
];

const WINDOWS: &[&str] = &["1h", "1d", "7d", "14d", "28d", "30d", "45d", "90d", "365d"];

fn spec(
    expr: &str,
    summary: &str,
    label: (&str, &str),
    drop: &str,
    matcher: &str,
    window: &str,
) -> String {
    let q = |s: &str| serde_json::to_string(s).unwrap();
    format!(
        r##"version: 1
clusters:
  - {{name: prod, environment: production, region: westeurope}}
services:
  - name: api
    namespace: web
    team: web
    selector: app=api
    sample_limit: 10000
    endpoints: [{{port: metrics}}]
    drop_metrics: [{drop}]
alerts:
  - name: ApiDown
    service: api
    expr: {expr}
    severity: critical
    summary: {summary}
    labels: {{{key}: {value}}}
slos:
  - name: availability
    service: api
    objective: 99.9
    window: {window}
    description: API answers
    sli:
      errors: sum(rate(http_requests_total{{code=~"5.."}}[{{{{window}}}}]))
      total: sum(rate(http_requests_total[{{{{window}}}}]))
routing:
  receivers:
    - name: slack
      slack:
        channel: "#alerts"
        webhook_url_file: /etc/alertmanager/secrets/slack/url
    - name: pager
      slack:
        channel: "#pager"
        webhook_url_file: /etc/alertmanager/secrets/slack/url
  route:
    receiver: slack
    routes:
      - matchers: [{matcher}]
        receiver: pager
"##,
        drop = q(drop),
        expr = q(expr),
        summary = q(summary),
        key = q(label.0),
        value = q(label.1),
        matcher = q(matcher),
    )
}

/// What promtool and amtool say about the outputs (empty when they agree).
fn upstream(artifacts: &[monocle::write::Artifact], dir: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let (Some(promtool), Some(amtool)) = (common::tool("promtool"), common::tool("amtool")) else {
        return problems;
    };
    let mut rules = Vec::new();
    let mut tests = Vec::new();
    for (i, a) in artifacts.iter().enumerate() {
        let name = a.path.rsplit('/').next().unwrap().to_owned();
        if a.path.contains("/slo-tests/") {
            std::fs::write(dir.join(&name), &a.bytes).unwrap();
            if name.ends_with(".test.yaml") {
                tests.push(name);
            }
            continue;
        }
        if a.path.ends_with("/alertmanager/alertmanager.yaml") {
            std::fs::write(dir.join("alertmanager.yaml"), &a.bytes).unwrap();
            let (ok, text) = common::run(&amtool, &["check-config", "alertmanager.yaml"], dir);
            if !ok {
                problems.push(format!("amtool check-config:\n{text}"));
            }
            continue;
        }
        if !a.path.ends_with(".yaml") {
            continue;
        }
        let value = common::yaml_value(&String::from_utf8_lossy(&a.bytes));
        if value["kind"] == "PrometheusRule" {
            let file = format!("rules-{i}.json");
            let groups = serde_json::json!({ "groups": value["spec"]["groups"] });
            std::fs::write(dir.join(&file), groups.to_string()).unwrap();
            rules.push(file);
        }
    }
    for (args, files) in [(["check", "rules"], &rules), (["test", "rules"], &tests)] {
        if files.is_empty() {
            continue;
        }
        let mut all: Vec<&str> = args.to_vec();
        all.extend(files.iter().map(String::as_str));
        let (ok, text) = common::run(&promtool, &all, dir);
        if !ok {
            problems.push(format!("promtool {}:\n{text}", args.join(" ")));
        }
    }
    problems
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(common::proptest_cases(48)))]

    #[test]
    fn what_monocle_accepts_promtool_and_amtool_accept(
        expr in prop::sample::select(EXPRS),
        summary in prop::sample::select(TEXTS),
        label in prop::sample::select(LABELS),
        drop in prop::sample::select(DROPS),
        matcher in prop::sample::select(MATCHERS),
        window in prop::sample::select(WINDOWS),
    ) {
        let text = spec(expr, summary, label, drop, matcher, window);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("spec.yaml");
        std::fs::write(&path, &text).unwrap();
        if let Ok(compiled) = monocle::compile(&path) {
            let problems = upstream(&compiled.artifacts, dir.path());
            prop_assert!(problems.is_empty(), "monocle accepted:\n{}\nbut:\n{}", text, problems.join("\n"));
        }
    }
}
