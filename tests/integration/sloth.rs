//! Sloth compatibility, measured: monocle specs equivalent to Sloth's
//! `getting-started` and `kubernetes-apiserver` examples compile to the
//! rules Sloth itself generated (`tests/upstream/sloth/*.gen.yml`): the
//! same groups, record and alert names, labels, the annotations the spec
//! sets, and expressions up to float formatting. The same promtool
//! scenarios (fast burn, slow burn, healthy) on raw request counters fire
//! the same alerts on both rule sets. The differences left are listed in
//! `docs/spec.md` and allowed here by name only.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::common;

const DIR: &str = "tests/upstream/sloth";

/// Labels monocle adds to every SLO alert that Sloth does not write into
/// the rule (`docs/spec.md`, "Sloth compatibility").
const MONOCLE_ALERT_LABELS: [&str; 3] = ["service", "slo", "team"];

/// The rule groups of Sloth's generated file for `example`.
fn sloth_groups(example: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(format!("{DIR}/{example}.gen.yml")).unwrap();
    common::yaml_value(&text)["groups"]
        .as_array()
        .cloned()
        .expect("Sloth's groups")
}

/// The rule groups monocle writes for the spec of `example`, in the order
/// of its SLOs.
fn monocle_groups(example: &str) -> Vec<Value> {
    spec_groups(
        std::path::Path::new(&format!("{DIR}/{example}.yaml")),
        std::path::Path::new(&format!("{DIR}/{example}.yaml")),
    )
}

/// The rule groups monocle writes for a spec (file or folder), in the
/// order of the SLOs of its file `slos_file`.
pub fn spec_groups(spec_path: &std::path::Path, slos_file: &std::path::Path) -> Vec<Value> {
    let artifacts = common::compile_ok(spec_path);
    let spec = common::yaml_value(&std::fs::read_to_string(slos_file).unwrap());
    let mut groups = Vec::new();
    for slo in spec["slos"].as_array().unwrap() {
        let id = format!(
            "{}-{}",
            slo["service"].as_str().unwrap(),
            slo["name"].as_str().unwrap()
        );
        let file = artifacts
            .iter()
            .find(|a| a.path == format!("prod/slos/{id}.yaml"))
            .unwrap_or_else(|| panic!("no rules for SLO {id}"));
        let object = common::yaml_value(std::str::from_utf8(&file.bytes).unwrap());
        groups.extend(object["spec"]["groups"].as_array().cloned().unwrap());
    }
    groups
}

/// An expression with its whitespace collapsed and every number written
/// with at most 10 significant digits (Sloth prints `0.9990000000000001`
/// and `0.0009999999999999432` where monocle prints `0.999` and `0.001`).
fn normal_expr(expr: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = expr.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            out.push(' ');
            continue;
        }
        // Quoted text (label values, regexes) stays as written.
        if c == '"' {
            out.push(c);
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(chars[i]);
                    i += 1;
                }
                if i < chars.len() {
                    out.push(chars[i]);
                    i += 1;
                }
            }
            if i < chars.len() {
                out.push('"');
                i += 1;
            }
            continue;
        }
        // A number starts at a digit that does not continue a name
        // (`ratio_rate5m`, `k8s`).
        let in_name = out
            .chars()
            .last()
            .is_some_and(|p| p.is_alphanumeric() || p == '_' || p == ':');
        if c.is_ascii_digit() && !in_name {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            // A duration (`5m`, `30d`) or a name part stays as written.
            if i < chars.len() && (chars[i].is_alphabetic() || chars[i] == '_') {
                out.push_str(&text);
                continue;
            }
            let value: f64 = text.parse().unwrap();
            out.push_str(&format!(
                "{}",
                format!("{value:.9e}").parse::<f64>().unwrap()
            ));
            continue;
        }
        out.push(c);
        i += 1;
    }
    out.trim().to_owned()
}

fn labels(rule: &Value) -> BTreeMap<String, String> {
    rule["labels"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// The annotations the Sloth spec of `example` sets on each SLO's alerts
/// (not Sloth's defaults), by SLO name.
fn spec_annotations(example: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let text = std::fs::read_to_string(format!("{DIR}/{example}.in.yml")).unwrap();
    let spec = common::yaml_value(&text);
    spec["slos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|slo| {
            let set = slo["alerting"]["annotations"]
                .as_object()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                        .collect()
                })
                .unwrap_or_default();
            (slo["name"].as_str().unwrap().to_owned(), set)
        })
        .collect()
}

/// Every rule of `ours` against the same rule of `theirs`; the problems.
fn compare(example: &str) -> Vec<String> {
    compare_groups(example, &monocle_groups(example), &[])
}

/// Every rule of `ours` against the same rule of Sloth's generated file for
/// `example`, leaving out labels in `ignored` (added by Sloth's example
/// script, not its spec); the problems.
pub fn compare_groups(example: &str, ours: &[Value], ignored: &[&str]) -> Vec<String> {
    let (theirs, ours) = (sloth_groups(example), ours.to_vec());
    let annotations = spec_annotations(example);
    let mut problems = Vec::new();
    let names = |groups: &[Value]| -> Vec<String> {
        groups
            .iter()
            .map(|g| g["name"].as_str().unwrap().to_owned())
            .collect()
    };
    if names(&theirs) != names(&ours) {
        problems.push(format!(
            "groups differ:\n  Sloth:   {:?}\n  monocle: {:?}",
            names(&theirs),
            names(&ours)
        ));
        return problems;
    }
    for (their_group, our_group) in theirs.iter().zip(&ours) {
        let group = their_group["name"].as_str().unwrap();
        let (their_rules, our_rules) = (
            their_group["rules"].as_array().unwrap(),
            our_group["rules"].as_array().unwrap(),
        );
        if their_rules.len() != our_rules.len() {
            problems.push(format!(
                "{group}: {} rules in Sloth's, {} in monocle's",
                their_rules.len(),
                our_rules.len()
            ));
            continue;
        }
        // The SLO's own labels, which its recorded series carry into the
        // alerts in both rule sets.
        let slo_labels = labels(&our_rules[0]);
        for (their, our) in their_rules.iter().zip(our_rules) {
            let name = |r: &Value| {
                r.get("record")
                    .or_else(|| r.get("alert"))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            let rule = format!("{group}/{}", name(their));
            if name(their) != name(our)
                || their.get("alert").is_some() != our.get("alert").is_some()
            {
                problems.push(format!("{rule}: monocle writes {} here", name(our)));
                continue;
            }
            let (te, oe) = (
                normal_expr(their["expr"].as_str().unwrap()),
                normal_expr(our["expr"].as_str().unwrap()),
            );
            if te != oe {
                problems.push(format!(
                    "{rule}: expressions differ\n  Sloth:   {te}\n  monocle: {oe}"
                ));
            }
            let (tl, ol) = (labels(their), labels(our));
            for (key, value) in &tl {
                // `sloth_slo_info` names its generator.
                if key == "sloth_version" || ignored.contains(&key.as_str()) {
                    continue;
                }
                if ol.get(key) != Some(value) {
                    problems.push(format!(
                        "{rule}: label {key}: Sloth {value:?}, monocle {:?}",
                        ol.get(key)
                    ));
                }
            }
            let is_alert = their.get("alert").is_some();
            for key in ol.keys().filter(|k| !tl.contains_key(*k)) {
                let allowed = is_alert
                    && (MONOCLE_ALERT_LABELS.contains(&key.as_str())
                        || slo_labels.contains_key(key));
                if !allowed {
                    problems.push(format!("{rule}: monocle adds label {key}"));
                }
            }
            if is_alert {
                let slo = tl
                    .get("sloth_slo")
                    .cloned()
                    .unwrap_or_else(|| slo_labels.get("sloth_slo").cloned().unwrap_or_default());
                for (key, value) in annotations.get(&slo).into_iter().flatten() {
                    let got = our["annotations"][key].as_str();
                    if got != Some(value) || their["annotations"][key].as_str() != Some(value) {
                        problems.push(format!(
                            "{rule}: annotation {key}: spec {value:?}, monocle {got:?}"
                        ));
                    }
                }
            }
        }
    }
    problems
}

#[test]
fn getting_started_compiles_to_sloths_rules() {
    let problems = compare("getting-started");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn kubernetes_apiserver_compiles_to_sloths_rules() {
    let problems = compare("kubernetes-apiserver");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_comparison_can_fail() {
    // A different factor, label or name is reported, not normalised away.
    assert_ne!(
        normal_expr("(14.4 * 0.001)"),
        normal_expr("(13.44 * 0.001)")
    );
    assert_eq!(
        normal_expr("(14.4 * 0.0009999999999999432)\n"),
        normal_expr("(14.4 * 0.001)")
    );
    assert_eq!(normal_expr("vector(0.9990000000000001)"), "vector(0.999)");
    assert_eq!(normal_expr("rate(x[5m])  >  1"), "rate(x[5m]) > 1");
    assert_ne!(normal_expr("ratio_rate5m"), normal_expr("ratio_rate30m"));
}

/// Raw request counters of one SLO whose errors burn its budget `burn`
/// times over: `(series, values)` pairs, 90 minutes at one sample a
/// minute.
fn counters(slo: &str, budget: f64, burn: f64) -> Vec<(String, String)> {
    const TOTAL: f64 = 10_000.0;
    let bad = (TOTAL * budget * burn).round();
    let good = TOTAL - bad;
    let series = |s: &str, per_min: f64| (s.to_owned(), format!("0+{per_min}x90"));
    match slo {
        "myservice-requests-availability" => vec![
            series(
                r#"http_request_duration_seconds_count{job="myservice",code="500"}"#,
                bad,
            ),
            series(
                r#"http_request_duration_seconds_count{job="myservice",code="200"}"#,
                good,
            ),
        ],
        "k8s-apiserver-requests-availability" => vec![
            series(r#"apiserver_request_total{code="500"}"#, bad),
            series(r#"apiserver_request_total{code="200"}"#, good),
        ],
        "k8s-apiserver-requests-latency" => vec![
            series(
                r#"apiserver_request_duration_seconds_count{verb="GET"}"#,
                TOTAL,
            ),
            series(
                r#"apiserver_request_duration_seconds_bucket{verb="GET",le="0.4"}"#,
                good,
            ),
        ],
        other => panic!("no counters for {other}"),
    }
}

/// Which alerts of an SLO a scenario fires: (page, ticket).
struct Scenario {
    name: &'static str,
    burn: f64,
    page: bool,
    ticket: bool,
}

const SCENARIOS: [Scenario; 3] = [
    // 20x: over the page's 14.4x and the ticket's 3x.
    Scenario {
        name: "fast burn",
        burn: 20.0,
        page: true,
        ticket: true,
    },
    // 4x: over the ticket's 3x, under the page's 6x.
    Scenario {
        name: "slow burn",
        burn: 4.0,
        page: false,
        ticket: true,
    },
    Scenario {
        name: "healthy",
        burn: 0.5,
        page: false,
        ticket: false,
    },
];

/// A promtool unit test of `groups` (annotations removed: they are
/// compared as text above) for one scenario; `lie` expects the opposite of
/// what should fire, to prove the test can fail.
fn promtool_test(groups: &[Value], scenario: &Scenario, lie: bool) -> (Value, Value) {
    let mut groups = groups.to_vec();
    let mut inputs = Vec::new();
    let mut by_alert: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for group in &mut groups {
        let rules = group["rules"].as_array_mut().unwrap();
        for rule in rules.iter_mut() {
            if let Some(rule) = rule.as_object_mut() {
                rule.remove("annotations");
            }
        }
    }
    // The SLI group of each SLO, then its alerts.
    for pair in groups.chunks(3) {
        let sli = &pair[0]["rules"][0];
        let mut series_labels = labels(sli);
        series_labels.remove("sloth_window");
        let id = series_labels["sloth_id"].clone();
        let objective: f64 = pair[1]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["record"] == "sloth_slo_info")
            .map(|r| {
                r["labels"]["sloth_objective"]
                    .as_str()
                    .unwrap()
                    .parse()
                    .unwrap()
            })
            .unwrap();
        let budget = (100.0 - objective) / 100.0;
        for (series, values) in counters(&id, budget, scenario.burn) {
            inputs.push(json!({ "series": series, "values": values }));
        }
        for alert in pair[2]["rules"].as_array().unwrap() {
            let name = alert["alert"].as_str().unwrap().to_owned();
            let kind = alert["labels"]["sloth_severity"].as_str().unwrap();
            let fires = (kind == "page" && scenario.page) || (kind == "ticket" && scenario.ticket);
            let expected = by_alert.entry(name).or_default();
            if fires != lie {
                let mut labels = series_labels.clone();
                labels.extend(self::labels(alert));
                expected.push(json!({ "exp_labels": labels }));
            }
        }
    }
    let tests: Vec<Value> = ["30m", "90m"]
        .iter()
        .flat_map(|at| {
            by_alert.iter().map(move |(name, alerts)| {
                json!({ "eval_time": at, "alertname": name, "exp_alerts": alerts })
            })
        })
        .collect();
    let test = json!({
        "rule_files": ["rules.json"],
        "evaluation_interval": "1m",
        "tests": [{
            "name": scenario.name,
            "interval": "1m",
            "input_series": inputs,
            "alert_rule_test": tests,
        }],
    });
    (json!({ "groups": groups }), test)
}

fn run_promtool(promtool: &std::path::Path, rules: &Value, test: &Value) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rules.json"), rules.to_string()).unwrap();
    std::fs::write(dir.path().join("test.json"), test.to_string()).unwrap();
    common::run(promtool, &["test", "rules", "test.json"], dir.path())
}

#[test]
fn burn_scenarios_fire_the_same_alerts_on_sloths_and_monocles_rules() {
    let Some(promtool) = common::tool("promtool") else {
        return;
    };
    for example in ["getting-started", "kubernetes-apiserver"] {
        for (who, groups) in [
            ("Sloth", sloth_groups(example)),
            ("monocle", monocle_groups(example)),
        ] {
            for scenario in &SCENARIOS {
                let (rules, test) = promtool_test(&groups, scenario, false);
                let (ok, output) = run_promtool(&promtool, &rules, &test);
                assert!(ok, "{example}, {who}'s rules, {}:\n{output}", scenario.name);
                let (rules, test) = promtool_test(&groups, scenario, true);
                let (ok, _) = run_promtool(&promtool, &rules, &test);
                assert!(
                    !ok,
                    "{example}, {who}'s rules, {}: the opposite expectation passed too",
                    scenario.name
                );
            }
        }
    }
}
