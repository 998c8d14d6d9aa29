//! Packs: a company's own pack and the built-in ones taken into a spec,
//! tuned per cluster, their alerts proven by promtool unit tests, their
//! docs generated.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use monocle::write::Artifact;
use serde_json::{Value, json};

use crate::common;

const COMPANY: &str = "tests/fixtures/company-pack";

/// A spec around `packs` on a production and a staging cluster.
fn spec(packs: &str) -> String {
    format!(
        "version: 1
clusters:
  - name: prod-eu
    environment: production
  - name: staging-eu
    environment: staging
routing:
  receivers:
    - name: default
      slack: {{channel: \"#alerts\", webhook_url_file: /etc/alertmanager/secrets/slack/url}}
  route:
    receiver: default
packs:
{packs}"
    )
}

/// Compiles specs written, one after the other, into one folder next to a
/// copy of the company pack (one folder: the files' headers name it).
fn compile_with_company_pack(texts: &[&str]) -> Vec<Vec<Artifact>> {
    let dir = tempfile::tempdir().expect("tempdir");
    let pack = dir.path().join("packs/company");
    std::fs::create_dir_all(&pack).expect("pack folder");
    std::fs::copy(
        Path::new(COMPANY).join("packs/company/pack.yaml"),
        pack.join("pack.yaml"),
    )
    .expect("copy pack");
    texts
        .iter()
        .map(|text| {
            std::fs::write(dir.path().join("spec.yaml"), text).expect("write spec");
            common::compile_ok(dir.path())
        })
        .collect()
}

/// Every alerting and recording rule a cluster gets, by rule name and labels.
fn rules(artifacts: &[Artifact], cluster: &str) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for group in groups(artifacts, cluster) {
        for rule in group["rules"].as_array().into_iter().flatten() {
            let name = rule["alert"]
                .as_str()
                .or(rule["record"].as_str())
                .unwrap_or("");
            let key = format!("{name} {}", rule["labels"]["severity"]);
            assert!(
                out.insert(key.clone(), rule.clone()).is_none(),
                "{key} twice"
            );
        }
    }
    out
}

/// The rule groups of every PrometheusRule of a cluster.
fn groups(artifacts: &[Artifact], cluster: &str) -> Vec<Value> {
    artifacts
        .iter()
        .filter(|a| a.path.starts_with(&format!("{cluster}/")))
        .filter_map(|a| {
            let text = String::from_utf8_lossy(&a.bytes);
            if !text.contains("kind: PrometheusRule") {
                return None;
            }
            Some(common::yaml_value(&text)["spec"]["groups"].clone())
        })
        .flat_map(|g| g.as_array().cloned().unwrap_or_default())
        .collect()
}

#[test]
fn a_company_pack_in_the_spec_folder_works_like_a_built_in_one() {
    let artifacts = common::compile_ok(Path::new(COMPANY).join("spec.yaml"));
    for cluster in ["prod-eu", "staging-eu"] {
        let rules = rules(&artifacts, cluster);
        let backlog = &rules["QueueBacklog \"warning\""];
        assert_eq!(backlog["expr"], "sum by (queue) (queue_depth) > 1000");
        assert_eq!(backlog["for"], "15m");
        assert!(rules.contains_key("QueueWorkerDown \"critical\""));
        assert!(
            artifacts
                .iter()
                .any(|a| a.path == format!("{cluster}/servicemonitors/queue-worker.yaml")),
            "{cluster}: the pack's service is scraped"
        );
    }
}

#[test]
fn an_override_on_production_changes_exactly_that_alert_there() {
    let compiled = compile_with_company_pack(&[
        &spec("  - name: ./packs/company\n"),
        &spec(
            "  - name: ./packs/company
    clusters: environment=production
    alerts:
      QueueBacklog: {for: 30m, severity: critical, threshold: 5000}
      QueueWorkerDown: {disabled: true}
  - name: ./packs/company
    clusters: environment!=production
",
        ),
    ]);
    let (plain, tuned) = (&compiled[0], &compiled[1]);
    // Staging: byte for byte what the untuned pack gives.
    let files = |artifacts: &[Artifact], cluster: &str| -> BTreeMap<String, String> {
        artifacts
            .iter()
            .filter(|a| a.path.starts_with(&format!("{cluster}/")))
            .map(|a| {
                (
                    a.path.clone(),
                    String::from_utf8_lossy(&a.bytes).into_owned(),
                )
            })
            .collect()
    };
    assert_eq!(files(plain, "staging-eu"), files(tuned, "staging-eu"));
    // Production: only the two alerts differ.
    let (before, after) = (rules(plain, "prod-eu"), rules(tuned, "prod-eu"));
    let changed: BTreeSet<&String> = before
        .keys()
        .chain(after.keys())
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    assert_eq!(
        changed,
        [
            "QueueBacklog \"critical\"",
            "QueueBacklog \"warning\"",
            "QueueWorkerDown \"critical\""
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect::<BTreeSet<_>>()
        .iter()
        .collect()
    );
    let backlog = &after["QueueBacklog \"critical\""];
    assert_eq!(backlog["expr"], "sum by (queue) (queue_depth) > 5000");
    assert_eq!(backlog["for"], "30m");
    let mut was = before["QueueBacklog \"warning\""].clone();
    was["expr"] = backlog["expr"].clone();
    was["for"] = backlog["for"].clone();
    was["labels"]["severity"] = "critical".into();
    was["annotations"]["summary"] = backlog["annotations"]["summary"].clone();
    assert_eq!(&was, backlog, "nothing else of the alert changed");
    assert!(!after.contains_key("QueueWorkerDown \"critical\""));
    // Everything but the rules is the same on production too.
    let other = |artifacts: &[Artifact]| -> BTreeMap<String, String> {
        files(artifacts, "prod-eu")
            .into_iter()
            .filter(|(path, _)| !path.contains("/rules/"))
            .collect()
    };
    assert_eq!(other(plain), other(tuned));
}

// --- Built-in packs --------------------------------------------------------

/// A spec holding the given built-in packs on one cluster.
pub(super) fn builtin_spec(names: &[&str]) -> String {
    let entries: String = names.iter().map(|n| format!("  - name: {n}\n")).collect();
    format!(
        "version: 1
clusters:
  - name: test
routing:
  receivers:
    - name: default
      slack: {{channel: \"#alerts\", webhook_url_file: /etc/alertmanager/secrets/slack/url}}
  route:
    receiver: default
packs:
{entries}"
    )
}

pub(super) fn builtin_names() -> Vec<&'static str> {
    monocle::packs::BUILTIN.iter().map(|b| b.name).collect()
}

/// The rules of `groups` for a promtool unit test: annotations are text
/// for people, and tests pin labels only.
fn without_annotations(groups: &[Value]) -> Value {
    let mut groups = groups.to_vec();
    for group in &mut groups {
        for rule in group["rules"].as_array_mut().into_iter().flatten() {
            if let Some(rule) = rule.as_object_mut() {
                rule.remove("annotations");
            }
        }
    }
    json!({ "groups": groups })
}

fn promtool_test(promtool: &Path, rules: &Value, tests: &Value) -> (bool, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut tests = tests.clone();
    tests["rule_files"] = json!(["rules.json"]);
    std::fs::write(dir.path().join("rules.json"), rules.to_string()).expect("write rules");
    std::fs::write(dir.path().join("tests.json"), tests.to_string()).expect("write tests");
    common::run(promtool, &["test", "rules", "tests.json"], dir.path())
}

/// Alert name → (tested firing, tested quiet) in a pack's `tests.yaml`.
/// Quiet is tested by a case expecting no alert, or by a firing case whose
/// input holds a series of the alert's metrics that no expected alert
/// matches (promtool expects exactly the listed alerts, so that series was
/// proven quiet: the usual "one series above, one just below" test).
fn coverage(tests: &Value, exprs: &BTreeMap<String, String>) -> BTreeMap<String, (bool, bool)> {
    let mut out: BTreeMap<String, (bool, bool)> = BTreeMap::new();
    for test in tests["tests"].as_array().into_iter().flatten() {
        let series: Vec<(String, BTreeMap<String, String>)> = test["input_series"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["series"].as_str().map(parse_series))
            .collect();
        for case in test["alert_rule_test"].as_array().into_iter().flatten() {
            let name = case["alertname"].as_str().unwrap_or_default().to_owned();
            let expected: Vec<&Value> = case["exp_alerts"]
                .as_array()
                .into_iter()
                .flatten()
                .collect();
            let expr = exprs.get(&name).map_or("", String::as_str);
            let unmatched = series.iter().any(|(metric, labels)| {
                expr.contains(metric.as_str())
                    && !expected.iter().any(|e| {
                        e["exp_labels"].as_object().is_some_and(|exp| {
                            exp.iter().all(|(k, v)| {
                                labels.get(k).is_none_or(|l| Some(l.as_str()) == v.as_str())
                            })
                        })
                    })
            });
            let entry = out.entry(name).or_default();
            entry.0 |= !expected.is_empty();
            entry.1 |= expected.is_empty() || unmatched;
        }
    }
    out
}

/// `metric{a="b",c="d"}` → (metric, labels).
fn parse_series(text: &str) -> (String, BTreeMap<String, String>) {
    let (metric, rest) = text.split_once('{').unwrap_or((text, "}"));
    let mut labels = BTreeMap::new();
    let body = rest.trim_end().trim_end_matches('}');
    let mut rest = body;
    while let Some((key, after)) = rest.split_once("=\"") {
        let Some(end) = after.find('"') else { break };
        labels.insert(
            key.trim().trim_start_matches(',').trim().to_owned(),
            after[..end].to_owned(),
        );
        rest = &after[end + 1..];
    }
    (metric.trim().to_owned(), labels)
}

#[test]
fn every_built_in_pack_alert_fires_at_its_threshold_and_not_below() {
    let names = builtin_names();
    assert!(!names.is_empty(), "monocle embeds its built-in packs");
    let Some(promtool) = common::tool("promtool") else {
        return;
    };
    let mut problems = Vec::new();
    for builtin in monocle::packs::BUILTIN {
        let artifacts = common::compile_text(&builtin_spec(&[builtin.name]));
        let groups = groups(&artifacts, "test");
        let tests = common::yaml_value(builtin.tests);
        let exprs: BTreeMap<String, String> = groups
            .iter()
            .flat_map(|g| g["rules"].as_array().cloned().unwrap_or_default())
            .filter_map(|r| {
                Some((
                    r["alert"].as_str()?.to_owned(),
                    r["expr"].as_str()?.to_owned(),
                ))
            })
            .collect();
        let tested = coverage(&tests, &exprs);
        for group in &groups {
            for rule in group["rules"].as_array().into_iter().flatten() {
                let Some(alert) = rule["alert"].as_str() else {
                    continue;
                };
                // An SLO's burn-rate alerts are monocle's own, proven by the
                // SLO unit tests it emits (prometheus.rs) and sloth.rs; an
                // always-firing alert (the Watchdog) has no quiet side.
                if rule["labels"]["sloth_severity"].is_string() {
                    continue;
                }
                let always = rule["expr"] == "vector(1)";
                match tested.get(alert) {
                    Some((true, true)) => {}
                    Some((true, false)) if always => {}
                    Some((fires, _)) => problems.push(format!(
                        "{}: {alert} has no test where it {}",
                        builtin.name,
                        if *fires { "stays quiet" } else { "fires" }
                    )),
                    None => problems.push(format!("{}: {alert} has no test", builtin.name)),
                }
            }
        }
        let (ok, output) = promtool_test(&promtool, &without_annotations(&groups), &tests);
        if !ok {
            problems.push(format!(
                "{}: promtool test rules failed:\n{output}",
                builtin.name
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_pack_test_that_expects_the_wrong_thing_fails() {
    // Guards the test above: the same harness must be able to say no.
    let Some(promtool) = common::tool("promtool") else {
        return;
    };
    let Some(builtin) = monocle::packs::BUILTIN.first() else {
        panic!("monocle embeds its built-in packs");
    };
    let artifacts = common::compile_text(&builtin_spec(&[builtin.name]));
    let mut tests = common::yaml_value(builtin.tests);
    for test in tests["tests"].as_array_mut().into_iter().flatten() {
        for case in test["alert_rule_test"].as_array_mut().into_iter().flatten() {
            let fires = case["exp_alerts"].as_array().is_some_and(|a| !a.is_empty());
            case["exp_alerts"] = if fires {
                json!([])
            } else {
                json!([{ "exp_labels": { "never": "seen" } }])
            };
        }
    }
    let groups = groups(&artifacts, "test");
    let (ok, _) = promtool_test(&promtool, &without_annotations(&groups), &tests);
    assert!(!ok, "promtool accepted the opposite expectations");
}

#[test]
fn every_built_in_pack_compiles_alone_and_all_together_on_one_cluster() {
    let names = builtin_names();
    for name in &names {
        let artifacts = common::compile_text(&builtin_spec(&[name]));
        assert!(
            !groups(&artifacts, "test").is_empty(),
            "{name} brings rules"
        );
    }
    let all = common::compile_text(&builtin_spec(&names));
    // Without a warning: a pack is calibrated, not something to clean up.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("spec.yaml");
    std::fs::write(&path, builtin_spec(&names)).expect("write spec");
    let compiled = monocle::compile(&path).expect("compiles");
    let warnings: Vec<String> = compiled
        .warnings
        .iter()
        .map(|d| monocle::render::short(d, &compiled.sources))
        .collect();
    assert!(warnings.is_empty(), "{}", warnings.join("\n"));
    let Some(promtool) = common::tool("promtool") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let mut files = Vec::new();
    for (i, group) in groups(&all, "test").into_iter().enumerate() {
        let file = format!("{i}.json");
        std::fs::write(
            dir.path().join(&file),
            json!({ "groups": [group] }).to_string(),
        )
        .expect("write rules");
        files.push(file);
    }
    let mut args = vec!["check", "rules"];
    args.extend(files.iter().map(String::as_str));
    let (ok, output) = common::run(&promtool, &args, dir.path());
    assert!(ok, "promtool check rules failed:\n{output}");
}

#[test]
fn docs_list_every_built_in_pack() {
    let path = PathBuf::from("docs/packs.md");
    let expected = monocle::packs::markdown(&monocle::packs::builtin_infos());
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).expect("write docs/packs.md");
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/packs.md is stale: run `UPDATE_DOCS=1 cargo test --test integration -- packs::docs`"
    );
    for name in builtin_names() {
        assert!(
            actual.contains(&format!("## `{name}`")),
            "{name} is documented"
        );
    }
}

#[test]
fn packs_lists_and_shows_every_built_in_pack() {
    let dir = tempfile::tempdir().expect("tempdir");
    let list = common::monocle(&["packs"], dir.path());
    assert!(list.status.success());
    let list = String::from_utf8_lossy(&list.stdout);
    for builtin in monocle::packs::BUILTIN {
        assert!(
            list.contains(builtin.name),
            "`packs` lists {}",
            builtin.name
        );
        let show = common::monocle(&["packs", "show", builtin.name], dir.path());
        assert!(show.status.success());
        let text = String::from_utf8_lossy(&show.stdout);
        let node = common::yaml_value(builtin.pack);
        for alert in node["alerts"].as_array().into_iter().flatten() {
            let name = alert["name"].as_str().unwrap_or_default();
            assert!(
                text.contains(name),
                "`packs show {}` shows {name}",
                builtin.name
            );
            assert!(
                alert["why"].is_string(),
                "{}: {name} says why",
                builtin.name
            );
        }
    }
    let unknown = common::monocle(&["packs", "show", "no-such-pack"], dir.path());
    assert_eq!(unknown.status.code(), Some(1));
}

#[test]
fn packs_run_on_the_shard_their_entry_names() {
    // The reference spec has two shards: a pack names the one that runs it.
    let dir = tempfile::tempdir().expect("tempdir");
    for entry in std::fs::read_dir("specs").expect("specs") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, dir.path().join(path.file_name().expect("name"))).expect("copy");
    }
    std::fs::write(
        dir.path().join("packs.yaml"),
        "version: 1\npacks:\n  - name: node\n    shard: infra\n  - name: kubernetes\n    shard: infra\n",
    )
    .expect("write");
    let artifacts = common::compile_ok(dir.path());
    let rules = artifacts
        .iter()
        .find(|a| {
            a.path.contains("/rules/")
                && String::from_utf8_lossy(&a.bytes).contains("alert: NodeFilesystemSpaceFillingUp")
        })
        .expect("the node pack's rules");
    assert!(String::from_utf8_lossy(&rules.bytes).contains("monocle.dev/shard: infra"));
}

/// The prometheus pack's Watchdog fires forever. By default it goes to a
/// null receiver, never to the root's Slack channel; a route that names it
/// (the team's dead man's switch) takes over. amtool routes the generated
/// config as monocle's router does in the spec's routing tests.
#[test]
fn the_watchdog_goes_to_a_null_receiver_unless_a_route_names_it() {
    let Some(amtool) = common::tool("amtool") else {
        return;
    };
    let routed = |extra_route: &str, extra_receiver: &str, watchdog_to: &str| {
        let text = format!(
            "version: 1
clusters:
  - name: prod-eu
routing:
  receivers:
    - name: default
      slack: {{channel: \"#alerts\", webhook_url_file: /etc/alertmanager/secrets/slack/url}}
{extra_receiver}
  route:
    receiver: default
    routes:
{extra_route}
      - matchers: ['severity=\"critical\"']
        receiver: default
  tests:
    - alert: {{alertname: Watchdog, severity: none}}
      expect: ['{watchdog_to}']
    - alert: {{alertname: TargetDown, severity: warning}}
      expect: [default]
packs:
  - name: prometheus
"
        );
        let artifacts = common::compile_text(&text);
        let config = artifacts
            .iter()
            .find(|a| a.path == "prod-eu/alertmanager/alertmanager.yaml")
            .expect("alertmanager.yaml");
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("alertmanager.yaml");
        std::fs::write(&path, common::for_amtool_025(&config.bytes)).expect("write config");
        let route = |name: &str, severity: &str| {
            let labels = BTreeMap::from([
                ("alertname".to_owned(), name.to_owned()),
                ("severity".to_owned(), severity.to_owned()),
            ]);
            crate::routing::amtool_route(amtool.to_str().expect("utf-8 path"), &path, &labels)
        };
        assert_eq!(route("TargetDown", "warning"), ["default"]);
        (
            route("Watchdog", "none"),
            common::yaml_value(std::str::from_utf8(&config.bytes).expect("utf-8"))["receivers"]
                .as_array()
                .expect("receivers")
                .iter()
                .map(|r| r["name"].as_str().unwrap_or_default().to_owned())
                .collect::<Vec<_>>(),
        )
    };
    let (to, receivers) = routed("", "", "null");
    assert_eq!(to, ["null"]);
    assert_eq!(receivers, ["default", "null"]);
    let (to, receivers) = routed(
        "      - matchers: ['alertname=\"Watchdog\"']\n        receiver: deadman",
        "    - name: deadman\n      webhook: {url_file: /etc/alertmanager/secrets/deadman/url}",
        "deadman",
    );
    assert_eq!(to, ["deadman"]);
    assert_eq!(receivers, ["default", "deadman"]);
}

/// The Services the Prometheus Operator creates itself, by the label that
/// selects them: a monitor without `jobLabel` gets the Service's name as
/// its job, and these are the only Service names a pack can know.
const OPERATOR_SERVICES: [(&str, &str, &str); 2] = [
    ("operated-prometheus", "true", "prometheus-operated"),
    ("operated-alertmanager", "true", "alertmanager-operated"),
];

/// What one generated monitor gives its series: the job (when the monitor
/// fixes it) and the labels its relabelings write.
struct Scrape {
    monitor: String,
    job: Option<String>,
    /// Per endpoint, the labels its relabelings write, with the value when
    /// it is known (`__metrics_path__` copied, or a fixed replacement).
    endpoints: Vec<BTreeMap<String, Option<String>>>,
}

/// The job a monitor's targets get: the value of the Service's (Pod's)
/// `jobLabel` label when the selector requires one, else the Service's
/// name (known only for the operator's own Services) or, for a PodMonitor,
/// `<namespace>/<name>`; a relabeling that writes `job` outright wins.
fn scrape(monitor: &Value) -> Scrape {
    let spec = &monitor["spec"];
    let match_labels = &spec["selector"]["matchLabels"];
    let required = |label: &str| -> Option<String> {
        if let Some(v) = match_labels[label].as_str() {
            return Some(v.to_owned());
        }
        spec["selector"]["matchExpressions"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|e| e["key"] == label && e["operator"] == "In")
            .and_then(|e| match e["values"].as_array().map(Vec::as_slice) {
                Some([one]) => one.as_str().map(str::to_owned),
                _ => None,
            })
    };
    let mut job = match spec["jobLabel"].as_str() {
        Some(label) => required(label),
        None => None,
    };
    if job.is_none() {
        job = if monitor["kind"] == "PodMonitor" {
            Some(format!(
                "{}/{}",
                monitor["metadata"]["namespace"]
                    .as_str()
                    .unwrap_or_default(),
                monitor["metadata"]["name"].as_str().unwrap_or_default()
            ))
        } else {
            OPERATOR_SERVICES
                .iter()
                .find(|(label, value, _)| required(label).as_deref() == Some(*value))
                .map(|(_, _, name)| (*name).to_owned())
        };
    }
    let key = if monitor["kind"] == "PodMonitor" {
        "podMetricsEndpoints"
    } else {
        "endpoints"
    };
    let mut endpoints = Vec::new();
    for endpoint in spec[key].as_array().into_iter().flatten() {
        let path = endpoint["path"].as_str().unwrap_or("/metrics");
        let mut written = BTreeMap::new();
        for r in endpoint["relabelings"].as_array().into_iter().flatten() {
            let action = r["action"].as_str().unwrap_or("replace");
            let Some(target) = r["targetLabel"].as_str() else {
                continue;
            };
            if !action.eq_ignore_ascii_case("replace") {
                continue;
            }
            let plain = r["regex"].is_null() && r["replacement"].is_null();
            let value = match r["sourceLabels"].as_array().map(Vec::as_slice) {
                None => r["replacement"].as_str().map(str::to_owned),
                Some([source]) if source == "__metrics_path__" && plain => Some(path.to_owned()),
                Some(_) => None,
            };
            if target == "job" {
                job.clone_from(&value);
            }
            written.insert(target.to_owned(), value);
        }
        endpoints.push(written);
    }
    Scrape {
        monitor: monitor["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        job,
        endpoints,
    }
}

/// Every PromQL expression of a cluster's files: rules (alerts, records,
/// SLO rules) and dashboard queries (Grafana's `$__range` and friends made
/// durations so they parse).
fn all_exprs(artifacts: &[Artifact], cluster: &str) -> Vec<String> {
    fn collect(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    match (key.as_str(), v.as_str()) {
                        ("expr", Some(text)) => out.push(text.to_owned()),
                        _ => collect(v, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
            _ => {}
        }
    }
    let interval = regex::Regex::new(r"\$__\w+").expect("regex");
    let mut out = Vec::new();
    for a in artifacts
        .iter()
        .filter(|a| a.path.starts_with(&format!("{cluster}/")))
    {
        let text = String::from_utf8_lossy(&a.bytes);
        let value = if a.path.ends_with(".json") {
            serde_json::from_str(&text).unwrap_or(Value::Null)
        } else if text.contains("kind: PrometheusRule") {
            common::yaml_value(&text)
        } else {
            continue;
        };
        let mut exprs = Vec::new();
        collect(&value, &mut exprs);
        out.extend(
            exprs
                .iter()
                .map(|e| interval.replace_all(e, "5m").into_owned()),
        );
    }
    out
}

/// The label matchers of each selector in `expr`.
fn matchers(expr: &promql_parser::parser::Expr, out: &mut Vec<Vec<promql_parser::label::Matcher>>) {
    use promql_parser::parser::Expr;
    match expr {
        Expr::VectorSelector(v) => out.push(v.matchers.matchers.clone()),
        Expr::MatrixSelector(m) => out.push(m.vs.matchers.matchers.clone()),
        Expr::Aggregate(a) => {
            matchers(&a.expr, out);
            if let Some(p) = &a.param {
                matchers(p, out);
            }
        }
        Expr::Unary(u) => matchers(&u.expr, out),
        Expr::Binary(b) => {
            matchers(&b.lhs, out);
            matchers(&b.rhs, out);
        }
        Expr::Paren(p) => matchers(&p.expr, out),
        Expr::Subquery(s) => matchers(&s.expr, out),
        Expr::Call(c) => c.args.args.iter().for_each(|a| matchers(a, out)),
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => {}
    }
}

/// The bug the promtool tests cannot see (they feed series that already
/// carry every label): a built-in pack's query selecting a `job` no
/// generated monitor gives, or a `metrics_path` the monitor of that job
/// never writes. KubeletDown's `metrics_path="/metrics"` matched nothing
/// until the kubelet's endpoints wrote the label, and CoreDNS' job was the
/// kube-dns Service's name, which RKE2 calls otherwise.
#[test]
fn every_built_in_pack_query_selects_a_job_and_path_some_monitor_gives() {
    use promql_parser::label::MatchOp;
    let artifacts = common::compile_text(&builtin_spec(&builtin_names()));
    let scrapes: Vec<Scrape> = artifacts
        .iter()
        .filter(|a| a.path.starts_with("test/"))
        .filter_map(|a| {
            let text = String::from_utf8_lossy(&a.bytes);
            (text.contains("kind: ServiceMonitor") || text.contains("kind: PodMonitor"))
                .then(|| scrape(&common::yaml_value(&text)))
        })
        .collect();
    assert!(!scrapes.is_empty(), "the packs bring monitors");
    let mut problems = BTreeSet::new();
    for s in &scrapes {
        if s.job.is_none() {
            problems.insert(format!(
                "monitor {}: its job is the name of a Service the pack cannot know (set job_label to a label its selector requires)",
                s.monitor
            ));
        }
    }
    let exprs = all_exprs(&artifacts, "test");
    assert!(!exprs.is_empty(), "the packs bring queries");
    for expr in &exprs {
        let parsed =
            monocle::promql::parse(expr).unwrap_or_else(|e| panic!("{expr} does not parse: {e}"));
        let mut selectors = Vec::new();
        matchers(&parsed, &mut selectors);
        for found in &selectors {
            // The monitors whose series this selector can match, by job.
            let selected: Vec<&Scrape> = scrapes
                .iter()
                .filter(|s| {
                    let job = s.job.as_deref().unwrap_or_default();
                    found
                        .iter()
                        .filter(|m| m.name == "job")
                        .all(|m| m.is_match(job))
                })
                .collect();
            for m in found {
                if !matches!(m.op, MatchOp::Equal | MatchOp::Re(_)) {
                    continue;
                }
                if m.name == "job" && selected.is_empty() {
                    problems.insert(format!("`{m}`: no monitor gives that job, in {expr}"));
                }
                let writes = |s: &&Scrape| {
                    s.endpoints.iter().any(|written| {
                        written
                            .get("metrics_path")
                            .is_some_and(|v| v.as_deref().is_none_or(|v| m.is_match(v)))
                    })
                };
                if m.name == "metrics_path" && !selected.iter().any(writes) {
                    problems.insert(format!(
                        "`{m}`: no endpoint of a monitor with that job writes that metrics_path, in {expr}"
                    ));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{}",
        problems.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn a_selector_that_gives_the_series_another_job_than_the_alerts_select_is_told() {
    let warnings = |packs: &str| -> Vec<String> {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("spec.yaml");
        std::fs::write(&path, spec(packs)).expect("write spec");
        let compiled = monocle::compile(&path).expect("compiles");
        compiled
            .warnings
            .iter()
            .map(|d| format!("{} {}", d.code, d.message))
            .collect()
    };
    // The prometheus-node-exporter Helm chart's Service, with the pack's
    // default job (kube-prometheus' name): the alerts would never fire.
    let helm = "app.kubernetes.io/name=prometheus-node-exporter";
    let told = warnings(&format!(
        "  - name: node\n    params: {{selector: {helm}}}\n"
    ));
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(
        told[0].contains("job_mismatch") && told[0].contains("prometheus-node-exporter"),
        "{told:?}"
    );
    // With the job to match, or with the defaults, nothing to tell.
    let matched = format!(
        "  - name: node\n    params: {{selector: {helm}, job: prometheus-node-exporter}}\n"
    );
    assert_eq!(warnings(&matched), Vec::<String>::new());
    assert_eq!(warnings("  - name: node\n"), Vec::<String>::new());
}
