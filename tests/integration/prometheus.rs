//! Prometheus outputs: CRD validity, promtool on every rule group and every
//! emitted unit test, and the burn-rate maths on synthetic series.

use crate::common;

use std::path::Path;

use monocle::write::Artifact;

fn yaml(artifact: &Artifact) -> serde_json::Value {
    common::yaml_value(std::str::from_utf8(&artifact.bytes).unwrap())
}

fn kind(value: &serde_json::Value) -> &str {
    value["kind"].as_str().unwrap_or_default()
}

/// Writes the rule groups of every PrometheusRule as plain rule files.
/// The rule files of cluster `prod`, and their paths.
fn rule_files(artifacts: &[Artifact]) -> (Vec<&Artifact>, Vec<&str>) {
    let rules: Vec<&Artifact> = artifacts
        .iter()
        .filter(|a| a.path.starts_with("prod/rules/"))
        .collect();
    let paths = rules.iter().map(|a| a.path.as_str()).collect();
    (rules, paths)
}

/// `promtool check rules` accepts every rule file of `artifacts`.
fn promtool_accepts_rules(artifacts: &[Artifact]) {
    let Some(promtool) = common::tool("promtool") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let files = write_rule_files(artifacts, dir.path());
    let mut args = vec!["check", "rules"];
    args.extend(files.iter().map(String::as_str));
    let (ok, output) = common::run(&promtool, &args, dir.path());
    assert!(ok, "promtool check rules failed:\n{output}");
}

fn write_rule_files(artifacts: &[Artifact], dir: &Path) -> Vec<String> {
    let mut names = Vec::new();
    for (i, artifact) in artifacts.iter().enumerate() {
        if !artifact.path.ends_with(".yaml") || artifact.path.contains("slo-tests/") {
            continue;
        }
        let value = yaml(artifact);
        if kind(&value) != "PrometheusRule" {
            continue;
        }
        let name = format!("rules-{i}.yaml");
        let groups = serde_json::json!({ "groups": value["spec"]["groups"] });
        std::fs::write(
            dir.join(&name),
            serde_json::to_string_pretty(&groups).unwrap(),
        )
        .unwrap();
        names.push(name);
    }
    names
}

#[test]
fn prometheus_resources_and_rules_validate_against_strict_crds() {
    let prometheus = common::validator("tests/upstream/k8s/prometheus_v1.json");
    let rules = common::validator("tests/upstream/k8s/prometheusrule_v1.json");
    let (mut n_prometheus, mut n_rules) = (0, 0);
    for artifact in common::compile_ok("specs") {
        if artifact.path.contains("slo-tests/") || !artifact.path.ends_with(".yaml") {
            continue;
        }
        let value = yaml(&artifact);
        let validator = match kind(&value) {
            "Prometheus" => {
                n_prometheus += 1;
                &prometheus
            }
            "PrometheusRule" => {
                n_rules += 1;
                &rules
            }
            _ => continue,
        };
        let errors = common::schema_errors(validator, &value);
        assert!(
            errors.is_empty(),
            "{} fails its CRD schema:\n{errors}",
            artifact.path
        );
    }
    // 3 clusters × 2 shards; 3 clusters × (2 alert files + 3 SLOs).
    assert_eq!((n_prometheus, n_rules), (6, 15));
}

#[test]
fn prometheus_resources_select_their_shard_and_mount_tls_secrets() {
    let artifacts = common::compile_ok("specs");
    let find = |path: &str| yaml(artifacts.iter().find(|a| a.path == path).unwrap());
    let infra = find("prod-eu-1/prometheus/infra.yaml");
    assert_eq!(
        infra["spec"]["serviceMonitorSelector"]["matchLabels"]["monocle.dev/shard"],
        "infra"
    );
    assert_eq!(infra["spec"]["secrets"], serde_json::json!(["etcd-client"]));
    assert_eq!(infra["spec"]["externalLabels"]["cluster"], "prod-eu-1");
    assert_eq!(infra["spec"]["externalLabels"]["region"], "westeurope");
    assert_eq!(infra["spec"]["query"]["maxSamples"], 30000000);
    let apps = find("prod-eu-1/prometheus/apps.yaml");
    assert!(apps["spec"].get("secrets").is_none());
    // staging overrides retention and replicas.
    let staging = find("staging-eu-1/prometheus/apps.yaml");
    assert_eq!(staging["spec"]["retention"], "7d");
    assert_eq!(staging["spec"]["replicas"], 1);
    // A shard's rules carry its label.
    let rules = find("prod-eu-1/rules/velero.yaml");
    assert_eq!(rules["metadata"]["labels"]["monocle.dev/shard"], "apps");
    // Production-only alerts stay out of staging.
    let has_daily = |cluster: &str| {
        String::from_utf8_lossy(
            &artifacts
                .iter()
                .find(|a| a.path == format!("{cluster}/rules/velero.yaml"))
                .unwrap()
                .bytes,
        )
        .contains("VeleroDailyBackupMissing")
    };
    assert!(has_daily("prod-eu-1") && !has_daily("staging-eu-1"));
}

#[test]
fn promtool_checks_every_rule_group() {
    let Some(promtool) = common::tool("promtool") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let files = write_rule_files(&common::compile_ok("specs"), dir.path());
    assert_eq!(files.len(), 15);
    let mut args = vec!["check", "rules"];
    args.extend(files.iter().map(String::as_str));
    let (ok, output) = common::run(&promtool, &args, dir.path());
    assert!(ok, "promtool check rules failed:\n{output}");
}

#[test]
fn promtool_runs_every_emitted_slo_unit_test() {
    let Some(promtool) = common::tool("promtool") else {
        return;
    };
    let artifacts = common::compile_ok("specs");
    let tests: Vec<&Artifact> = artifacts
        .iter()
        .filter(|a| a.path.contains("/slo-tests/"))
        .collect();
    assert_eq!(
        tests.len(),
        3 * 3 * 2,
        "a rules file and a test file per SLO per cluster"
    );
    for cluster in ["prod-eu-1", "prod-us-1", "staging-eu-1"] {
        let dir = tempfile::tempdir().unwrap();
        let mut test_files = Vec::new();
        for a in tests
            .iter()
            .filter(|a| a.path.starts_with(&format!("{cluster}/")))
        {
            let name = a.path.rsplit('/').next().unwrap().to_owned();
            std::fs::write(dir.path().join(&name), &a.bytes).unwrap();
            if name.ends_with(".test.yaml") {
                test_files.push(name);
            }
        }
        let mut args = vec!["test", "rules"];
        args.extend(test_files.iter().map(String::as_str));
        let (ok, output) = common::run(&promtool, &args, dir.path());
        assert!(ok, "{cluster}: promtool test rules failed:\n{output}");
    }
}

#[test]
fn a_wrong_expectation_makes_the_emitted_unit_test_fail() {
    // Guards the test above: promtool must be able to say no.
    let Some(promtool) = common::tool("promtool") else {
        return;
    };
    let artifacts = common::compile_ok("specs");
    let dir = tempfile::tempdir().unwrap();
    for a in artifacts.iter().filter(|a| {
        a.path
            .starts_with("prod-eu-1/slo-tests/velero-backup-success")
    }) {
        let name = a.path.rsplit('/').next().unwrap();
        let mut text = String::from_utf8_lossy(&a.bytes).into_owned();
        if name.ends_with(".test.yaml") {
            text = text.replace("severity: warning", "severity: info");
        }
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let (ok, _) = common::run(
        &promtool,
        &["test", "rules", "velero-backup-success.test.yaml"],
        dir.path(),
    );
    assert!(!ok, "promtool accepted a wrong expectation");
}

fn slo_spec(objective: &str, window: &str, extra: &str) -> String {
    format!(
        "version: 1
clusters: [{{name: test}}]
services:
  - name: api
    namespace: api
    team: web
    selector: app=api
    sample_limit: 1000
    endpoints: [{{port: http}}]
slos:
  - name: availability
    service: api
    objective: {objective}
    window: {window}
    sli:
      errors: sum(rate(http_requests_total{{code=~\"5..\"}}[{{{{window}}}}]))
      total: sum(rate(http_requests_total[{{{{window}}}}]))
{extra}"
    )
}

fn slo_groups(artifacts: &[Artifact]) -> serde_json::Value {
    let rule = artifacts
        .iter()
        .find(|a| a.path == "test/slos/api-availability.yaml")
        .expect("SLO rules");
    serde_json::json!({ "groups": yaml(rule)["spec"]["groups"] })
}

/// Runs a promtool unit test over raw request counters: `errors_per_min`
/// of `total_per_min` requests fail, for 90 minutes.
fn burn_test(
    promtool: &Path,
    artifacts: &[Artifact],
    errors_per_min: u32,
    total_per_min: u32,
    expected: &str,
) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("rules.json"),
        slo_groups(artifacts).to_string(),
    )
    .unwrap();
    let good = total_per_min - errors_per_min;
    let test = format!(
        "rule_files: [rules.json]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'http_requests_total{{code=\"500\"}}'
        values: '0+{errors_per_min}x90'
      - series: 'http_requests_total{{code=\"200\"}}'
        values: '0+{good}x90'
    alert_rule_test:
      - eval_time: 90m
        alertname: AvailabilityBudgetBurn
        exp_alerts: {expected}
"
    );
    std::fs::write(dir.path().join("test.yaml"), test).unwrap();
    common::run(promtool, &["test", "rules", "test.yaml"], dir.path())
}

const PAGE_AND_TICKET: &str = "
          - exp_labels: {service: api, severity: critical, slo: availability, sloth_severity: page, team: web, sloth_id: api-availability, sloth_service: api, sloth_slo: availability}
            exp_annotations: {summary: 'api SLO `availability` is burning its error budget too fast', title: '(page) api availability SLO error budget burn rate is too high'}
          - exp_labels: {service: api, severity: warning, slo: availability, sloth_severity: ticket, team: web, sloth_id: api-availability, sloth_service: api, sloth_slo: availability}
            exp_annotations: {summary: 'api SLO `availability` is burning its error budget too fast', title: '(ticket) api availability SLO error budget burn rate is too high'}";

#[test]
fn slo_of_99_9_over_30d_pages_at_2_percent_errors_and_stays_quiet_at_0_05() {
    let Some(promtool) = common::tool("promtool") else {
        return;
    };
    let artifacts = common::compile_text(&slo_spec("99.9", "30d", ""));
    // 2% errors burn the budget 20x: over the 14.4x page threshold.
    let (ok, output) = burn_test(&promtool, &artifacts, 2, 100, PAGE_AND_TICKET);
    assert!(ok, "expected a page at 2% errors:\n{output}");
    // 0.05% errors burn it at 0.5x: nothing fires.
    let (ok, output) = burn_test(&promtool, &artifacts, 1, 2000, "[]");
    assert!(ok, "expected silence at 0.05% errors:\n{output}");
    // And the test can fail: silence is wrong at 2%.
    let (ok, _) = burn_test(&promtool, &artifacts, 2, 100, "[]");
    assert!(!ok);
}

#[test]
fn slo_factors_follow_the_slo_window() {
    let text =
        |window: &str| slo_groups(&common::compile_text(&slo_spec("99.9", window, ""))).to_string();
    let d30 = text("30d");
    for factor in [
        "(14.4 * 0.001)",
        "(6 * 0.001)",
        "(3 * 0.001)",
        "(1 * 0.001)",
    ] {
        assert!(d30.contains(factor), "30d lacks {factor}");
    }
    let d28 = text("28d");
    for factor in [
        "(13.44 * 0.001)",
        "(5.6 * 0.001)",
        "(2.8 * 0.001)",
        "(0.9333333333 * 0.001)",
    ] {
        assert!(d28.contains(factor), "28d lacks {factor}");
    }
    assert!(d28.contains("slo:sli_error:ratio_rate28d") && d28.contains("vector(28)"));
}

#[test]
fn slo_28d_rules_pass_promtool() {
    let Some(promtool) = common::tool("promtool") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let artifacts = common::compile_text(&slo_spec(
        "99.5",
        "28d",
        "    alerting: {min_events: 100, ticket: false}\n",
    ));
    std::fs::write(
        dir.path().join("rules.json"),
        slo_groups(&artifacts).to_string(),
    )
    .unwrap();
    let (ok, output) = common::run(&promtool, &["check", "rules", "rules.json"], dir.path());
    assert!(ok, "{output}");
    let groups = slo_groups(&artifacts).to_string();
    assert!(groups.contains(">= 100"), "min_events guard missing");
    assert!(
        !groups.contains("sloth_severity\":\"ticket"),
        "ticket was disabled"
    );
}

#[test]
fn latency_sli_counts_requests_slower_than_the_threshold_bucket() {
    let artifacts = common::compile_ok("specs");
    let rule = artifacts
        .iter()
        .find(|a| a.path == "prod-eu-1/slos/velero-manager-api-latency.yaml")
        .unwrap();
    let text = String::from_utf8_lossy(&rule.bytes);
    assert!(text.contains(
        "velero_manager_api_request_duration_seconds_bucket{endpoint!=\"/healthz\", le=\"0.5\"}[5m]"
    ), "{text}");
}

/// A warning/critical pair under one name, `keep_firing_for`, and
/// annotations beyond the short forms, as kube-prometheus writes them.
const RULE_FEATURES: &str = r"version: 1
clusters:
  - name: prod
severities: [critical, warning, info, none]
services:
  - name: node
    namespace: monitoring
    team: platform
    selector: app=node-exporter
    endpoints: [{port: metrics}]
    sample_limit: 10000
alerts:
  - name: NodeFilesystemAlmostOutOfSpace
    service: node
    expr: node_filesystem_avail_bytes / node_filesystem_size_bytes * 100 < 5
    for: 30m
    keep_firing_for: 10m
    severity: warning
    summary: Filesystem has less than 5% space left.
    annotations:
      dashboard_url: https://grafana.example.com/d/node
      runbook_url: https://runbooks.example.com/node#space
  - name: NodeFilesystemAlmostOutOfSpace
    service: node
    expr: node_filesystem_avail_bytes / node_filesystem_size_bytes * 100 < 3
    for: 30m
    severity: critical
    summary: Filesystem has less than 3% space left.
    labels:
      severity: critical
";

#[test]
fn same_name_alerts_keep_firing_for_and_annotations_pass_promtool() {
    let artifacts = common::compile_text(RULE_FEATURES);
    let file = artifacts
        .iter()
        .find(|a| a.path == "prod/rules/node.yaml")
        .expect("the node rules");
    common::snapshots().bind(|| {
        insta::assert_snapshot!(std::str::from_utf8(&file.bytes).unwrap());
    });
    promtool_accepts_rules(&artifacts);
}

/// Alerts on targets someone else scrapes: no `service`, a named group with
/// an interval, and one without a group (the `alerts` group).
const UNOWNED_ALERTS: &str = r#"version: 1
clusters:
  - name: prod
severities: [critical, warning, info, none]
alerts:
  - name: Watchdog
    group: General rules
    interval: 1m
    expr: vector(1)
    severity: none
    annotations:
      description: This alert is always firing, to check the alerting pipeline.
  - name: TargetDown
    group: General rules
    team: platform
    expr: 100 * (count by (job, namespace, service) (up == 0) / count by (job, namespace, service) (up)) > 10
    for: 10m
    severity: warning
    summary: 'Some targets of {{ $labels.service }} are down.'
  - name: NodeClockNotSynchronising
    expr: min_over_time(node_timex_sync_status{job="node-exporter"}[5m]) == 0
    for: 10m
    keep_firing_for: 5m
    severity: warning
"#;

#[test]
fn alerts_without_a_service_go_to_their_groups_and_pass_promtool() {
    let artifacts = common::compile_text(UNOWNED_ALERTS);
    let (rules, paths) = rule_files(&artifacts);
    assert_eq!(
        paths,
        ["prod/rules/alerts.yaml", "prod/rules/general-rules.yaml"]
    );
    common::snapshots().bind(|| {
        for file in &rules {
            insta::assert_snapshot!(file.path.clone(), std::str::from_utf8(&file.bytes).unwrap());
        }
    });
    promtool_accepts_rules(&artifacts);
}

/// Recording rules beside alerts: a named group holding both (in spec
/// order), a service's default records group, and a group interval.
const RECORDS: &str = r#"version: 1
clusters:
  - name: prod
services:
  - name: node
    namespace: monitoring
    team: platform
    selector: app=node-exporter
    endpoints: [{port: metrics}]
    sample_limit: 10000
records:
  - record: instance:node_num_cpu:sum
    service: node
    expr: count without (cpu, mode) (node_cpu_seconds_total{mode="idle"})
  - record: instance:node_load1_per_cpu:ratio
    group: node-exporter.rules
    interval: 1m
    expr: node_load1 / instance:node_num_cpu:sum
    labels:
      source: node
alerts:
  - name: NodeHighLoad
    group: node-exporter.rules
    expr: instance:node_load1_per_cpu:ratio > 2
    for: 15m
    keep_firing_for: 5m
    severity: warning
"#;

#[test]
fn records_and_alerts_share_groups_and_pass_promtool() {
    let artifacts = common::compile_text(RECORDS);
    let (rules, paths) = rule_files(&artifacts);
    assert_eq!(
        paths,
        [
            "prod/rules/node-exporter-rules.yaml",
            "prod/rules/node-records.yaml"
        ]
    );
    common::snapshots().bind(|| {
        for file in &rules {
            insta::assert_snapshot!(
                format!("records_{}", file.path),
                std::str::from_utf8(&file.bytes).unwrap()
            );
        }
    });
    promtool_accepts_rules(&artifacts);
}

/// Sloth's knobs on one SLO: `labels`, `alerting` labels and annotations
/// (shared and per alert), a `raw` SLI written with `{{.window}}`, and the
/// 7d windows of Sloth's own example (`slo_windows`).
const SLOTH_KNOBS: &str = r#"version: 1
clusters: [{name: test}]
severities: [critical, warning, pageteam, slack]
services:
  - name: api
    namespace: api
    team: web
    selector: app=api
    sample_limit: 1000
    endpoints: [{port: http}]
slos:
  - name: requests.availability_v2
    service: api
    objective: 99.9
    window: 7d
    labels: {tier: "2", owner: web}
    sli:
      raw: 1 - (sum(rate(http_requests_total{code!~"5.."}[{{.window}}])) / sum(rate(http_requests_total[{{.window}}])))
    alerting:
      name: ApiHighErrorRate
      labels: {category: availability}
      annotations:
        summary: High error rate on api requests
        runbook_url: https://runbooks.example.com/api
      page:
        severity: pageteam
        labels: {routing_key: web}
      ticket:
        severity: slack
        labels: {slack_channel: '#alerts-web'}
        annotations:
          dashboard: 'value {{ $value }}'
slo_windows:
  - period: 7d
    page:
      quick: {budget_percent: 8, short: 5m, long: 1h}
      slow: {budget_percent: 12.5, short: 30m, long: 6h}
    ticket:
      quick: {budget_percent: 20, short: 2h, long: 1d}
      slow: {budget_percent: 42, short: 6h, long: 3d}
"#;

#[test]
fn sloth_knobs_reach_the_rules_and_their_unit_test_passes() {
    let artifacts = common::compile_text(SLOTH_KNOBS);
    let rule = artifacts
        .iter()
        .find(|a| a.path == "test/slos/api-requests-availability-v2.yaml")
        .expect("the SLO's rules, named in lower case with `-`");
    let value = yaml(rule);
    assert_eq!(
        value["metadata"]["name"],
        "api-requests-availability-v2-slo"
    );
    let groups = &value["spec"]["groups"];
    let sli = &groups[0]["rules"];
    let first = &sli[0];
    assert_eq!(first["record"], "slo:sli_error:ratio_rate5m");
    assert_eq!(first["labels"]["tier"], "2");
    assert_eq!(first["labels"]["sloth_id"], "api-requests.availability_v2");
    assert!(
        first["expr"].as_str().unwrap().contains("[5m]"),
        "{{.window}} is filled in: {}",
        first["expr"]
    );
    let alerts = groups[2]["rules"].as_array().unwrap();
    let page = &alerts[0];
    assert_eq!(page["alert"], "ApiHighErrorRate");
    for (key, value) in [
        ("severity", "pageteam"),
        ("routing_key", "web"),
        ("category", "availability"),
        ("tier", "2"),
        ("sloth_severity", "page"),
    ] {
        assert_eq!(page["labels"][key], value, "page label {key}");
    }
    assert_eq!(
        page["annotations"]["summary"],
        "High error rate on api requests"
    );
    // Sloth's 7d windows: 8% of the budget in 1h is 13.44x.
    assert!(
        page["expr"].as_str().unwrap().contains("(13.44 * 0.001)"),
        "{}",
        page["expr"]
    );
    let ticket = &alerts[1];
    assert_eq!(ticket["labels"]["slack_channel"], "#alerts-web");
    assert_eq!(ticket["labels"].get("routing_key"), None);
    assert_eq!(ticket["annotations"]["dashboard"], "value {{ $value }}");
    assert_eq!(page["annotations"].get("dashboard"), None);
    promtool_accepts_rules(&artifacts);
    let Some(promtool) = common::tool("promtool") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut tests = Vec::new();
    for a in artifacts
        .iter()
        .filter(|a| a.path.starts_with("test/slo-tests/"))
    {
        let name = a.path.rsplit('/').next().unwrap().to_owned();
        std::fs::write(dir.path().join(&name), &a.bytes).unwrap();
        if name.ends_with(".test.yaml") {
            tests.push(name);
        }
    }
    assert!(!tests.is_empty(), "the SLO alerts, so it has a unit test");
    let mut args = vec!["test", "rules"];
    args.extend(tests.iter().map(String::as_str));
    let (ok, output) = common::run(&promtool, &args, dir.path());
    assert!(ok, "promtool test rules failed:\n{output}");
}

/// The records of every PrometheusRule under `prefix`, by name.
fn recorded(artifacts: &[Artifact], prefix: &str) -> Vec<String> {
    let mut names = Vec::new();
    for artifact in artifacts.iter().filter(|a| a.path.starts_with(prefix)) {
        let value = yaml(artifact);
        if kind(&value) != "PrometheusRule" {
            continue;
        }
        for group in value["spec"]["groups"].as_array().unwrap() {
            for rule in group["rules"].as_array().unwrap() {
                if let Some(name) = rule["record"].as_str() {
                    names.push(name.to_owned());
                }
            }
        }
    }
    names
}

/// One recording rule, the same on two clusters by two routes: its own
/// `clusters`, and its service's.
const RECORD_PER_CLUSTER: &str = r#"version: 1
clusters:
  - {name: prod, environment: production}
  - {name: staging, environment: staging}
services:
  - {name: node, namespace: monitoring, team: infra, selector: app=node, sample_limit: 1000, endpoints: [{port: metrics}], clusters: environment=production}
  - {name: node-staging, namespace: monitoring, team: infra, selector: app=node, sample_limit: 1000, endpoints: [{port: metrics}], clusters: environment=staging}
records:
  - {record: "instance:node_num_cpu:sum", expr: count without (cpu) (node_cpu_seconds_total), service: node}
  - {record: "instance:node_num_cpu:sum", expr: count without (cpu) (node_cpu_seconds_total), service: node-staging}
  - {record: "job:up:sum", expr: sum by (job) (up), clusters: environment=production}
  - {record: "job:up:sum", expr: sum by (job) (up), clusters: environment=staging}
"#;

#[test]
fn the_same_record_on_disjoint_clusters_is_one_rule_on_each() {
    let artifacts = common::compile_text(RECORD_PER_CLUSTER);
    for cluster in ["prod/", "staging/"] {
        let mut names = recorded(&artifacts, cluster);
        names.sort();
        assert_eq!(
            names,
            ["instance:node_num_cpu:sum", "job:up:sum"],
            "{cluster}"
        );
    }
    promtool_accepts_rules(&artifacts);

    // Without its `clusters`, the second `job:up:sum` is on prod too.
    let shared = RECORD_PER_CLUSTER.replace("(up), clusters: environment=staging}", "(up)}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("spec.yaml"), shared).unwrap();
    let Err(monocle::CompileError::Spec { diags, .. }) = monocle::compile(dir.path()) else {
        panic!("the same record twice on prod must not compile");
    };
    let codes: Vec<&str> = diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.code)
        .collect();
    assert_eq!(codes, ["monocle::names::duplicate"], "{diags:?}");
}

/// Every recording rule an SLO writes is one check knows of: a dashboard or
/// alert reading it gets no `rules::undefined_record` warning.
#[test]
fn check_knows_every_record_an_slo_writes() {
    let artifacts = common::compile_text(SLOTH_KNOBS);
    let names = recorded(&artifacts, "test/slos/");
    assert!(
        names.iter().any(|n| n.starts_with("slo:sli_error:")),
        "{names:?}"
    );
    for name in &names {
        assert!(monocle::lower::slo::writes_record(name), "{name}");
    }
    for name in [
        "slo:sli_error:ratio_rate",
        "slo:objective:ratios",
        "job:up:sum",
    ] {
        assert!(!monocle::lower::slo::writes_record(name), "{name}");
    }
}

/// A shard only one cluster lists, and a rule group whose rules are on
/// different shards on clusters they never share.
const CLUSTER_SHARDS: &str = r#"version: 1
prometheus:
  shards: [{name: apps}]
clusters:
  - name: prod
  - name: edge
    prometheus:
      shards: [{name: apps}, {name: batch}]
services:
  - {name: reports, namespace: data, team: data, selector: app=reports, sample_limit: 1000, endpoints: [{port: metrics}], shard: batch, clusters: name=edge}
  - {name: api, namespace: web, team: web, selector: app=api, sample_limit: 1000, endpoints: [{port: metrics}]}
alerts:
  - {name: ReportsDown, service: reports, group: availability, expr: 'up{job="reports"} == 0', severity: critical}
  - {name: ApiDown, service: api, group: availability, clusters: name=prod, expr: 'up{job="api"} == 0', severity: critical}
"#;

#[test]
fn a_shard_of_one_cluster_places_what_names_it_there() {
    let artifacts = common::compile_text(CLUSTER_SHARDS);
    let find = |path: &str| {
        yaml(
            artifacts
                .iter()
                .find(|a| a.path == path)
                .unwrap_or_else(|| panic!("no {path}")),
        )
    };
    let shard =
        |value: &serde_json::Value| value["metadata"]["labels"]["monocle.dev/shard"].clone();
    assert_eq!(shard(&find("edge/servicemonitors/reports.yaml")), "batch");
    assert_eq!(shard(&find("edge/servicemonitors/api.yaml")), "apps");
    assert_eq!(shard(&find("edge/rules/availability.yaml")), "batch");
    assert_eq!(shard(&find("prod/rules/availability.yaml")), "apps");
    let batch = find("edge/prometheus/batch.yaml");
    assert_eq!(
        batch["spec"]["ruleSelector"]["matchLabels"]["monocle.dev/shard"],
        "batch"
    );
    promtool_accepts_rules(&artifacts);
}

/// The scrape lints of rules (operator labels, dropped labels) by whose
/// series each selector reads: job `api` (a `job_label` pinned by the
/// selector) is service api's, job `monitoring/batch` the PodMonitor's. A
/// rule without a service is linted only where a `job="..."` names one; a
/// rule of a service that selects another service's job is linted against
/// that one.
const SCRAPE_LINTS: &str = r#"version: 1
clusters:
  - name: prod
services:
  - name: api
    namespace: web
    team: web
    selector: app=api
    sample_limit: 1000
    endpoints: [{port: http, job_label: app}]
    drop_labels: [user]
  - name: batch
    kind: pod
    namespace: jobs
    team: data
    selector: app=batch
    sample_limit: 1000
    endpoints: [{port: metrics}]
alerts:
  - name: ApiWrongNamespace
    team: web
    expr: up{job="api", namespace="default"} == 0
    severity: warning
  - name: ApiByUser
    team: web
    expr: sum by (user) (rate(requests_total{job="api"}[5m])) > 1
    severity: warning
  - name: NoJobSaysNothing
    team: web
    expr: sum by (user) (rate(requests_total{namespace="default", endpoint="x"}[5m])) > 1
    severity: warning
  - name: UnknownJobSaysNothing
    team: web
    expr: sum by (user) (rate(requests_total{job="elsewhere", endpoint="x"}[5m])) > 1
    severity: warning
  - name: MixedJobsKeepTheLabel
    team: web
    expr: sum by (user) (rate(requests_total{job="api"}[5m]) or rate(requests_total[5m])) > 1
    severity: warning
  - name: BatchReadsApi
    service: batch
    expr: up{job="api", endpoint="metrics"} == 0
    severity: warning
  - name: BatchOwnEndpoint
    service: batch
    expr: up{endpoint="http"} == 0
    severity: warning
"#;

#[test]
fn scrape_lints_follow_the_job_a_selector_reads() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec.yaml");
    std::fs::write(&spec, SCRAPE_LINTS).unwrap();
    let compiled = monocle::compile(&spec).unwrap_or_else(|e| panic!("{e:?}"));
    let mut found: Vec<(String, &str)> = compiled
        .warnings
        .iter()
        .filter(|d| d.code.contains("operator_label") || d.code.contains("dropped_label"))
        .map(|d| {
            let at = d.span.unwrap();
            let (line, _) = compiled.sources.line_col(at.source, at.start);
            let alert = SCRAPE_LINTS
                .lines()
                .take(line)
                .filter(|l| l.contains("- name: "))
                .last();
            (alert.unwrap().trim().to_owned(), d.code)
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            (
                "- name: ApiByUser".to_owned(),
                "monocle::cardinality::dropped_label"
            ),
            (
                "- name: ApiWrongNamespace".to_owned(),
                "monocle::promql::operator_label"
            ),
            // `endpoint` of job `api` is `http`, not batch's `metrics`.
            (
                "- name: BatchOwnEndpoint".to_owned(),
                "monocle::promql::operator_label"
            ),
            (
                "- name: BatchReadsApi".to_owned(),
                "monocle::promql::operator_label"
            ),
        ]
    );
}
