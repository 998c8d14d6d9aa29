//! What it takes to run in a real cluster: RBAC and storage for the
//! Prometheus monocle runs, an Alertmanager Service it sends to, and the
//! "someone else runs Prometheus/Alertmanager" mode with `rule_labels`;
//! scrape fields of endpoints. Every object validates against the strict
//! upstream CRD schema.

use crate::common;

use std::collections::BTreeMap;

use monocle::write::Artifact;

fn by_path(artifacts: Vec<Artifact>) -> BTreeMap<String, serde_json::Value> {
    artifacts
        .into_iter()
        .filter(|a| a.path.ends_with(".yaml") && !a.path.contains("slo-tests/"))
        .filter(|a| !a.path.ends_with("alertmanager/alertmanager.yaml"))
        .map(|a| {
            let value = common::yaml_value(std::str::from_utf8(&a.bytes).unwrap());
            (a.path, value)
        })
        .collect()
}

/// Validates every object whose kind has a strict schema here; returns
/// how many were checked.
fn validate_all(objects: &BTreeMap<String, serde_json::Value>) -> usize {
    let schemas: BTreeMap<&str, jsonschema::Validator> = [
        ("Prometheus", "prometheus_v1.json"),
        ("PrometheusRule", "prometheusrule_v1.json"),
        ("ServiceMonitor", "servicemonitor_v1.json"),
        ("PodMonitor", "podmonitor_v1.json"),
        ("Alertmanager", "alertmanager_v1.json"),
        ("Secret", "secret_v1.json"),
    ]
    .into_iter()
    .map(|(kind, file)| {
        (
            kind,
            common::validator(&format!("tests/upstream/k8s/{file}")),
        )
    })
    .collect();
    let mut checked = 0;
    for (path, value) in objects {
        let Some(validator) = value["kind"].as_str().and_then(|k| schemas.get(k)) else {
            continue;
        };
        let errors = common::schema_errors(validator, value);
        assert!(errors.is_empty(), "{path} fails its CRD schema:\n{errors}");
        checked += 1;
    }
    checked
}

#[test]
fn the_reference_prometheus_has_an_account_allowed_to_discover_targets_and_storage() {
    let objects = by_path(common::compile_ok("specs"));
    assert!(validate_all(&objects) > 0);
    let prometheus: Vec<&serde_json::Value> = objects
        .values()
        .filter(|v| v["kind"] == "Prometheus")
        .collect();
    assert!(!prometheus.is_empty());
    for p in &prometheus {
        assert_eq!(p["spec"]["serviceAccountName"], "prometheus");
        assert_eq!(
            p["spec"]["storage"]["volumeClaimTemplate"]["spec"]["resources"]["requests"]["storage"],
            "100Gi"
        );
        // Alerts go to this cluster's own Alertmanager Service.
        assert_eq!(
            p["spec"]["alerting"]["alertmanagers"][0]["name"],
            "alertmanager-main"
        );
    }
    for cluster in ["prod-eu-1", "prod-us-1", "staging-eu-1"] {
        let role = &objects[&format!("{cluster}/prometheus/clusterrole.yaml")];
        let rules = role["rules"].as_array().unwrap();
        let can_list = |resource: &str| {
            rules.iter().any(|r| {
                r["resources"]
                    .as_array()
                    .is_some_and(|rs| rs.iter().any(|x| x == resource))
                    && r["verbs"].as_array().unwrap().iter().any(|v| v == "list")
            })
        };
        for resource in ["services", "endpoints", "endpointslices", "pods", "nodes"] {
            assert!(can_list(resource), "{cluster}: cannot list {resource}");
        }
        let binding = &objects[&format!("{cluster}/prometheus/clusterrolebinding.yaml")];
        assert_eq!(binding["subjects"][0]["name"], "prometheus");
        assert_eq!(binding["roleRef"]["name"], role["metadata"]["name"]);
        let service = &objects[&format!("{cluster}/alertmanager/service.yaml")];
        assert_eq!(service["spec"]["selector"]["alertmanager"], "main");
    }
}

const UNMANAGED: &str = r##"version: 1
clusters:
  - name: prod
prometheus:
  managed: false
  rule_labels: {release: kube-prometheus-stack}
alertmanager:
  managed: false
  config_secret: alertmanager-kube-prometheus-stack-alertmanager
services:
  - name: pg
    namespace: db
    team: data
    selector: app=pg
    sample_limit: 5000
    endpoints:
      - port: metrics
        honor_labels: true
        job_label: app.kubernetes.io/name
        scrape_timeout: 10s
        params: {collect: [database, locks]}
        bearer_token_secret: {name: pg-exporter, key: token}
        relabelings:
          - {source_labels: [__meta_kubernetes_pod_node_name], target_label: node}
          - {action: hashmod, source_labels: [__address__], modulus: 4, target_label: __tmp_shard}
        metric_relabelings:
          - {action: labeldrop, regex: pod_template_hash}
          - {source_labels: [__name__], regex: "go_.*", action: drop}
  - name: worker
    namespace: db
    team: data
    kind: pod
    selector: app=worker
    sample_limit: 5000
    endpoints:
      - {port: metrics, honor_labels: false, scrape_timeout: 5s}
alerts:
  - name: PgDown
    service: pg
    expr: pg_up == 0
    severity: critical
routing:
  receivers:
    - name: default
      slack: {channel: "#db", webhook_url_file: /etc/alertmanager/secrets/slack/db}
  route:
    receiver: default
"##;

#[test]
fn unmanaged_prometheus_and_alertmanager_get_only_rules_monitors_and_config() {
    let objects = by_path(common::compile_text(UNMANAGED));
    assert!(validate_all(&objects) >= 4);
    let kinds: Vec<&str> = objects
        .values()
        .filter_map(|v| v["kind"].as_str())
        .collect();
    for absent in [
        "Prometheus",
        "Alertmanager",
        "ServiceAccount",
        "ClusterRole",
        "Service",
    ] {
        assert!(!kinds.contains(&absent), "{absent} emitted: {kinds:?}");
    }
    let secret = &objects["prod/alertmanager/secret.yaml"];
    assert_eq!(
        secret["metadata"]["name"],
        "alertmanager-kube-prometheus-stack-alertmanager"
    );
    for path in [
        "prod/rules/pg.yaml",
        "prod/servicemonitors/pg.yaml",
        "prod/podmonitors/worker.yaml",
    ] {
        assert_eq!(
            objects[path]["metadata"]["labels"]["release"], "kube-prometheus-stack",
            "{path}"
        );
    }
    let monitor = &objects["prod/servicemonitors/pg.yaml"];
    assert_eq!(monitor["spec"]["jobLabel"], "app.kubernetes.io/name");
    let endpoint = &monitor["spec"]["endpoints"][0];
    assert_eq!(endpoint["honorLabels"], true);
    assert_eq!(endpoint["scrapeTimeout"], "10s");
    assert_eq!(endpoint["params"]["collect"][1], "locks");
    assert_eq!(endpoint["bearerTokenSecret"]["key"], "token");
    assert_eq!(endpoint["relabelings"][1]["modulus"], 4);
    assert_eq!(endpoint["metricRelabelings"][1]["action"], "drop");
    common::snapshots().bind(|| {
        insta::assert_snapshot!(
            "unmanaged_servicemonitor",
            serde_json::to_string_pretty(monitor).unwrap()
        );
    });
}

#[test]
fn a_custom_config_secret_is_named_in_the_managed_alertmanager() {
    let spec = UNMANAGED.replace(
        "alertmanager:\n  managed: false\n",
        "alertmanager:\n  storage: {size: 1Gi, class: fast}\n",
    );
    assert_ne!(spec, UNMANAGED);
    let objects = by_path(common::compile_text(&spec));
    validate_all(&objects);
    let am = &objects["prod/alertmanager/main.yaml"];
    assert_eq!(
        am["spec"]["configSecret"],
        "alertmanager-kube-prometheus-stack-alertmanager"
    );
    let claim = &am["spec"]["storage"]["volumeClaimTemplate"]["spec"];
    assert_eq!(claim["storageClassName"], "fast");
    assert_eq!(claim["resources"]["requests"]["storage"], "1Gi");
}

/// A team file that writes a partial `routing.route` gets one error on
/// that file, whichever file comes first.
#[test]
fn a_partial_second_route_is_one_error_on_the_partial_file_in_any_order() {
    let fleet = std::fs::read_to_string("specs/fleet.yaml").unwrap();
    let team = "version: 1\nrouting:\n  route:\n    routes:\n      - matchers: ['team=\"web\"']\n        receiver: slack-general\n";
    for team_file in ["a-team.yaml", "z-team.yaml"] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("fleet.yaml"), &fleet).unwrap();
        std::fs::write(dir.path().join(team_file), team).unwrap();
        let Err(monocle::CompileError::Spec { sources, diags }) = monocle::compile(dir.path())
        else {
            panic!("{team_file}: a second route must not compile");
        };
        let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
        assert_eq!(errors.len(), 1, "{team_file}: {diags:?}");
        assert_eq!(errors[0].code, "monocle::spec::duplicate_section");
        let span = errors[0].span.unwrap();
        assert!(
            sources.get(span.source).path.ends_with(team_file),
            "{team_file}: blamed {:?}",
            sources.get(span.source).path
        );
    }
}
