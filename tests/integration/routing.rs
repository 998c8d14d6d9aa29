//! Alertmanager routing against Alertmanager itself: every generated
//! `alertmanager.yaml` passes `amtool check-config` (templates included),
//! every routing test of the specs routes the same under `amtool config
//! routes test`, and a property test compares monocle's router with
//! amtool's on generated route trees and label sets. The Secret and the
//! Alertmanager resource validate against their schemas.
//!
//! Tests that need amtool (Debian package `prometheus-alertmanager`) skip
//! with a notice when it is missing, and fail under `CI=true`.

use crate::common::{self, Rng};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use monocle::model::Model;
use monocle::routing::matcher::escape;
use monocle::write::Artifact;
use serde_json::{Value, json};

/// The amtool binary, or `None` (after a notice) when it is missing
/// outside CI.
pub fn amtool() -> Option<&'static str> {
    let found = Command::new("amtool")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return Some("amtool");
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "amtool is required under CI=true: install the Debian package `prometheus-alertmanager`"
    );
    eprintln!("skipped: amtool not found (install `prometheus-alertmanager` to run this test)");
    None
}

fn run(cmd: &mut Command) -> (bool, String) {
    let out = cmd.output().expect("amtool runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn model(spec: &Path) -> Model {
    let sources = monocle::load::load(spec).expect("the spec loads");
    match monocle::compile_sources(sources, &monocle::Inputs::default()) {
        Ok((_, model)) => model,
        Err(err) => panic!("{} does not compile: {err:?}", spec.display()),
    }
}

fn artifact<'a>(artifacts: &'a [Artifact], path: &str) -> &'a Artifact {
    artifacts
        .iter()
        .find(|a| a.path == path)
        .unwrap_or_else(|| panic!("{path} is not generated"))
}

/// A label as amtool's command line reads it (`name="value"`, escaped).
fn label_arg(name: &str, value: &str) -> String {
    format!("{name}=\"{}\"", escape(value))
}

/// Receivers amtool routes `labels` to.
pub fn amtool_route(amtool: &str, config: &Path, labels: &BTreeMap<String, String>) -> Vec<String> {
    let mut cmd = Command::new(amtool);
    cmd.args(["config", "routes", "test", "--config.file"])
        .arg(config)
        .args(labels.iter().map(|(k, v)| label_arg(k, v)));
    let (ok, text) = run(&mut cmd);
    assert!(ok, "amtool config routes test failed:\n{text}");
    let line = text
        .lines()
        .find(|l| !l.starts_with("Warning:") && !l.trim().is_empty())
        .unwrap_or_default();
    line.trim().split(',').map(str::to_owned).collect()
}

#[test]
fn generated_alertmanager_configs_pass_amtool_check_config() {
    let Some(amtool) = amtool() else { return };
    let artifacts = common::compile_ok("specs");
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for config in artifacts
        .iter()
        .filter(|a| a.path.ends_with("/alertmanager/alertmanager.yaml"))
    {
        let cluster = config.path.split('/').next().unwrap();
        let folder = dir.path().join(cluster);
        std::fs::create_dir_all(&folder).unwrap();
        let path = folder.join("alertmanager.yaml");
        std::fs::write(&path, common::for_amtool_025(&config.bytes)).unwrap();
        let (ok, text) = run(Command::new(amtool).arg("check-config").arg(&path));
        assert!(ok, "{} fails amtool check-config:\n{text}", config.path);

        // The same config with its templates where amtool can read them, so
        // check-config parses the template file too.
        let template = artifact(&artifacts, &format!("{cluster}/alertmanager/monocle.tmpl"));
        let template_path = folder.join("monocle.tmpl");
        std::fs::write(&template_path, &template.bytes).unwrap();
        let mut value = common::yaml_value(
            std::str::from_utf8(&common::for_amtool_025(&config.bytes)).unwrap(),
        );
        assert_eq!(
            value["templates"],
            json!(["/etc/alertmanager/config/monocle.tmpl"]),
            "the config refers to its template where the operator mounts it"
        );
        value["templates"] = json!([template_path.to_str().unwrap()]);
        let local = folder.join("local.yaml");
        std::fs::write(&local, serde_json::to_string(&value).unwrap()).unwrap();
        let (ok, text) = run(Command::new(amtool).arg("check-config").arg(&local));
        assert!(
            ok && text.contains("1 templates"),
            "{} with its templates fails amtool check-config:\n{text}",
            config.path
        );
        checked += 1;
    }
    assert_eq!(
        checked, 3,
        "one Alertmanager config per cluster of the fleet"
    );
}

#[test]
fn default_templates_render_the_alert() {
    let Some(amtool) = amtool() else { return };
    let artifacts = common::compile_ok("specs");
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("monocle.tmpl");
    std::fs::write(
        &template,
        &artifact(&artifacts, "prod-eu-1/alertmanager/monocle.tmpl").bytes,
    )
    .unwrap();
    let alert = |status: &str, summary: &str| {
        json!({
            "status": status,
            "labels": {"alertname": "VeleroBackupFailed", "cluster": "prod-eu-1", "severity": "critical"},
            "annotations": {"summary": summary, "runbook_url": "https://runbooks.example.com/velero#backup-failed"},
            "startsAt": "2024-01-01T00:00:00Z",
            "endsAt": "0001-01-01T00:00:00Z",
        })
    };
    let data = json!({
        "receiver": "slack-critical",
        "status": "firing",
        "alerts": [alert("firing", "Velero backup failed in prod-eu-1"), alert("firing", "Second failure"), alert("resolved", "Old failure")],
        "groupLabels": {"alertname": "VeleroBackupFailed", "cluster": "prod-eu-1"},
        "commonLabels": {"alertname": "VeleroBackupFailed", "cluster": "prod-eu-1", "severity": "critical"},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager.example.com",
    });
    let data_path = dir.path().join("data.json");
    std::fs::write(&data_path, data.to_string()).unwrap();
    let render = |name: &str| {
        let (ok, text) = run(Command::new(amtool)
            .args(["template", "render", "--template.glob"])
            .arg(&template)
            .arg("--template.data")
            .arg(&data_path)
            .arg(format!("--template.text={{{{ template \"{name}\" . }}}}")));
        assert!(ok, "{name} does not render:\n{text}");
        text
    };
    let title = render("monocle.slack.title");
    assert!(
        title.contains("[FIRING:2] VeleroBackupFailed in prod-eu-1 (critical)"),
        "{title}"
    );
    let text = render("monocle.slack.text");
    for part in [
        "*Firing*",
        "*VeleroBackupFailed* in `prod-eu-1` (critical): Velero backup failed in prod-eu-1",
        "Second failure",
        "Runbook: <https://runbooks.example.com/velero#backup-failed>",
        "*Resolved*",
        "Old failure",
    ] {
        assert!(text.contains(part), "`{part}` missing from:\n{text}");
    }
    assert_eq!(render("monocle.pagerduty.severity").trim(), "critical");
    assert!(render("monocle.pagerduty.description").contains("VeleroBackupFailed"));
}

/// Runs every routing test of the spec at `spec` through amtool
/// (`config routes test --verify.receivers`) on each cluster's generated
/// config, after checking monocle's router gives the expected receivers;
/// how many ran, and how many of them had an `at`.
fn routing_tests_agree_with_amtool(amtool: &str, spec: &Path) -> (usize, usize) {
    let artifacts = common::compile_ok(spec);
    let model = model(spec);
    let dir = tempfile::tempdir().unwrap();
    let mut tested = 0;
    let mut timed = 0;
    for cluster in &model.clusters {
        let route = cluster
            .routing
            .route
            .as_ref()
            .expect("the spec has routing");
        let config = dir.path().join(format!("{}.yaml", cluster.name));
        std::fs::write(
            &config,
            common::for_amtool_025(
                &artifact(
                    &artifacts,
                    &format!("{}/alertmanager/alertmanager.yaml", cluster.name),
                )
                .bytes,
            ),
        )
        .unwrap();
        for test in &cluster.routing.tests {
            let routed = monocle::routing::receivers(route, &test.labels);
            let ours = cluster.routing.notified(&test.labels, test.at);
            assert_eq!(
                ours.as_ref(),
                Some(&test.expect),
                "monocle's own evaluation (compile would fail otherwise)"
            );
            if test.at.is_none() {
                assert_eq!(routed, test.expect);
            } else {
                timed += 1;
            }
            // amtool routes without time: a muted route still matches, so
            // it must agree with monocle's routing before muting.
            let mut cmd = Command::new(amtool);
            cmd.args(["config", "routes", "test", "--config.file"])
                .arg(&config)
                .arg(format!("--verify.receivers={}", routed.join(",")))
                .args(test.labels.iter().map(|(k, v)| label_arg(k, v)));
            let (ok, text) = run(&mut cmd);
            assert!(
                ok,
                "in {}, amtool routes {:?} elsewhere than {:?}:\n{text}",
                cluster.name, test.labels, test.expect
            );
            tested += 1;
        }
    }
    (tested, timed)
}

#[test]
fn spec_routing_tests_agree_with_amtool() {
    let Some(amtool) = amtool() else { return };
    let (tested, _) = routing_tests_agree_with_amtool(amtool, Path::new("specs"));
    assert!(
        tested >= 6,
        "the fleet's routing tests in every cluster, ran {tested}"
    );
}

const TEAMS: &str = "tests/fixtures/teams";

/// Three files, each owning its receivers, routes and tests (the platform
/// file the root): every config passes `amtool check-config`, every
/// team's test (run against the whole merged tree) routes the same under
/// amtool, and `monocle routes --cluster` draws exactly amtool's tree.
#[test]
fn team_files_compile_and_amtool_agrees() {
    let Some(amtool) = amtool() else { return };
    let artifacts = common::compile_ok(TEAMS);
    let dir = tempfile::tempdir().unwrap();
    let model = model(Path::new(TEAMS));
    let mut kinds = std::collections::BTreeSet::new();
    for cluster in &model.clusters {
        let config = dir.path().join(format!("{}.yaml", cluster.name));
        std::fs::write(
            &config,
            common::for_amtool_025(
                &artifact(
                    &artifacts,
                    &format!("{}/alertmanager/alertmanager.yaml", cluster.name),
                )
                .bytes,
            ),
        )
        .unwrap();
        let (ok, text) = run(Command::new(amtool).arg("check-config").arg(&config));
        assert!(ok, "{}: amtool check-config:\n{text}", cluster.name);
        let emitted = &artifact(
            &artifacts,
            &format!("{}/alertmanager/alertmanager.yaml", cluster.name),
        )
        .bytes;
        let value = common::yaml_value(std::str::from_utf8(emitted).unwrap());
        kinds.extend(
            value["receivers"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|r| r.as_object().unwrap().keys().cloned()),
        );
        assert!(
            value["receivers"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r.as_object().unwrap().len() == 1),
            "a null receiver"
        );
        assert!(
            String::from_utf8_lossy(emitted).contains("- url_file: /etc/alertmanager/secrets/"),
            "the webhook URL is read from the mounted Secret"
        );
        let out = Command::new(amtool)
            .args(["config", "routes", "show", "--config.file"])
            .arg(&config)
            .output()
            .unwrap();
        let theirs = String::from_utf8_lossy(&out.stdout);
        let ours = common::monocle(
            &["routes", TEAMS, "--cluster", &cluster.name],
            Path::new("."),
        );
        assert!(ours.status.success());
        assert_eq!(String::from_utf8_lossy(&ours.stdout), theirs);
    }
    for kind in [
        "slack_configs",
        "pagerduty_configs",
        "webhook_configs",
        "email_configs",
        "opsgenie_configs",
    ] {
        assert!(kinds.contains(kind), "no receiver has {kind}");
    }
    let (tested, timed) = routing_tests_agree_with_amtool(amtool, Path::new(TEAMS));
    assert!(timed > 0, "the fixture's tests at an instant ran");
    let written: usize = ["platform.yaml", "teams/payments.yaml", "teams/search.yaml"]
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(Path::new(TEAMS).join(f)).unwrap();
            let value = common::yaml_value(&text);
            assert!(
                value["routing"]["receivers"].is_array() && value["routing"]["tests"].is_array(),
                "{f} owns receivers and tests"
            );
            value["routing"]["tests"].as_array().map_or(0, Vec::len)
        })
        .sum();
    assert!(
        tested >= written,
        "every file's tests ran in at least one cluster: {tested} of {written}"
    );
}

/// The routes of `route.routes` as their receivers and matchers, in order.
fn child_routes(config: &Value) -> Vec<String> {
    config["route"]["routes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| format!("{} {}", r["receiver"], r["matchers"]))
        .collect()
}

/// Renaming a team's file so that it sorts before another team's moves its
/// child routes (and its receivers, a list concatenated in file order)
/// before the other team's, as docs/spec.md says; nothing else changes.
#[test]
fn moving_a_team_file_changes_only_the_order_of_its_routes() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("teams");
    std::fs::create_dir_all(copy.join("teams")).unwrap();
    for f in ["platform.yaml", "teams/payments.yaml"] {
        std::fs::copy(Path::new(TEAMS).join(f), copy.join(f)).unwrap();
    }
    // `a-search.yaml` sorts before `payments.yaml`; `search.yaml` after.
    std::fs::copy(
        Path::new(TEAMS).join("teams/search.yaml"),
        copy.join("teams/a-search.yaml"),
    )
    .unwrap();
    let before = common::compile_ok(TEAMS);
    let after = common::compile_ok(&copy);
    assert_eq!(before.len(), after.len());
    let mut reordered = 0;
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b.path, a.path);
        if b.bytes == a.bytes {
            continue;
        }
        assert!(
            b.path.ends_with("alertmanager/alertmanager.yaml")
                || b.path.ends_with("alertmanager/secret.yaml"),
            "{} changed",
            b.path
        );
        if !b.path.ends_with("alertmanager.yaml") {
            continue;
        }
        let (b, a) = (
            common::yaml_value(std::str::from_utf8(&b.bytes).unwrap()),
            common::yaml_value(std::str::from_utf8(&a.bytes).unwrap()),
        );
        let (old, new) = (child_routes(&b), child_routes(&a));
        let written = |file: &str, path: &[&str]| {
            let text = std::fs::read_to_string(Path::new(TEAMS).join(file)).unwrap();
            let mut value = common::yaml_value(&text);
            for key in path {
                value = value[*key].clone();
            }
            value.as_array().map_or(0, Vec::len)
        };
        // Every route of the fixture is in both clusters but the ones with
        // `clusters` (none at the top level of a team's routes).
        let platform = old.len()
            - written("teams/payments.yaml", &["routing", "routes"])
            - written("teams/search.yaml", &["routing", "routes"]);
        let payments = written("teams/payments.yaml", &["routing", "routes"]);
        let search = old.len() - platform - payments;
        // platform's own, then payments, then search → platform's, search, payments.
        let mut expected = old[..platform].to_vec();
        expected.extend_from_slice(&old[platform + payments..]);
        expected.extend_from_slice(&old[platform..platform + payments]);
        assert_eq!(
            new, expected,
            "search's {search} routes move before payments'"
        );
        let names = |v: &Value| -> Vec<String> {
            v["receivers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["name"].as_str().unwrap().to_owned())
                .collect()
        };
        let (mut old_names, mut new_names) = (names(&b), names(&a));
        assert_ne!(old_names, new_names, "receivers follow file order");
        old_names.sort();
        new_names.sort();
        assert_eq!(old_names, new_names);
        let mut b = b;
        let mut a = a;
        for v in [&mut b, &mut a] {
            v["route"]["routes"] = Value::Null;
            v["receivers"] = Value::Null;
        }
        assert_eq!(b, a, "nothing but the two orders changes");
        reordered += 1;
    }
    assert_eq!(reordered, 2, "both clusters' configs are reordered");
}

#[test]
fn alertmanager_secret_and_resource_validate() {
    let secret = common::validator("tests/upstream/k8s/secret_v1.json");
    let resource = common::validator("tests/upstream/k8s/alertmanager_v1.json");
    let artifacts = common::compile_ok("specs");
    let mut checked = 0;
    for a in &artifacts {
        let validator = if a.path.ends_with("/alertmanager/secret.yaml") {
            &secret
        } else if a.path.ends_with("/alertmanager/main.yaml") {
            &resource
        } else {
            continue;
        };
        let text = std::str::from_utf8(&a.bytes).unwrap();
        let value = common::yaml_value(text);
        let errors = common::schema_errors(validator, &value);
        assert!(errors.is_empty(), "{} fails its schema:\n{errors}", a.path);
        checked += 1;
    }
    assert_eq!(checked, 6, "a Secret and an Alertmanager per cluster");

    // The Secret holds exactly the generated config and templates.
    let secret_value = common::yaml_value(
        std::str::from_utf8(&artifact(&artifacts, "prod-eu-1/alertmanager/secret.yaml").bytes)
            .unwrap(),
    );
    assert_eq!(secret_value["metadata"]["name"], "alertmanager-main");
    for (key, file) in [
        ("alertmanager.yaml", "alertmanager.yaml"),
        ("monocle.tmpl", "monocle.tmpl"),
    ] {
        let bytes = &artifact(&artifacts, &format!("prod-eu-1/alertmanager/{file}")).bytes;
        assert_eq!(
            secret_value["stringData"][key],
            std::str::from_utf8(bytes).unwrap()
        );
    }
    // The resource mounts the Secrets the receivers' files live in.
    let am = common::yaml_value(
        std::str::from_utf8(&artifact(&artifacts, "prod-eu-1/alertmanager/main.yaml").bytes)
            .unwrap(),
    );
    assert_eq!(am["spec"]["secrets"], json!(["pagerduty", "slack"]));
}

#[test]
fn strict_schemas_catch_misspelled_fields() {
    // Guards the test above: both schemas must be able to fail.
    let secret = common::validator("tests/upstream/k8s/secret_v1.json");
    let value = common::yaml_value(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: x}\nstringdata: {a: b}\n",
    );
    assert!(!common::schema_errors(&secret, &value).is_empty());
    let value = common::yaml_value(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: x}\ndata: {a: not base64!}\n",
    );
    assert!(!common::schema_errors(&secret, &value).is_empty());
    let resource = common::validator("tests/upstream/k8s/alertmanager_v1.json");
    let value = common::yaml_value(
        "apiVersion: monitoring.coreos.com/v1\nkind: Alertmanager\nmetadata: {name: main}\nspec: {replica: 3}\n",
    );
    assert!(!common::schema_errors(&resource, &value).is_empty());
}

#[test]
fn a_spec_without_routing_gets_only_the_alertmanager_resource_and_service() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec.yaml");
    std::fs::write(&spec, "version: 1\nclusters:\n  - name: prod\n").unwrap();
    let paths: Vec<String> = common::compile_ok(&spec)
        .into_iter()
        .map(|a| a.path)
        .filter(|p| p.contains("alertmanager"))
        .collect();
    assert_eq!(
        paths,
        [
            "prod/alertmanager/main.yaml",
            "prod/alertmanager/service.yaml"
        ]
    );
}

/// Warnings of a spec that must compile.
fn warnings(spec_text: &str) -> Vec<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec.yaml");
    std::fs::write(&spec, spec_text).unwrap();
    match monocle::compile(&spec) {
        Ok(compiled) => compiled
            .warnings
            .iter()
            .map(|d| (d.code.to_owned(), d.message.clone()))
            .collect(),
        Err(monocle::CompileError::Spec { sources, diags }) => panic!(
            "does not compile:\n{}",
            monocle::render::render(&diags, &sources, monocle::render::Format::Short, false)
        ),
        Err(e) => panic!("{e:?}"),
    }
}

const RECEIVERS: &str = "
version: 1
clusters:
  - {name: prod, environment: production}
  - {name: staging, environment: staging}
routing:
  receivers:
    - name: general
      slack: {channel: '#a', webhook_url_file: /etc/alertmanager/secrets/slack/general}
    - name: critical
      slack: {channel: '#b', webhook_secret: {name: slack, key: critical}}
";

#[test]
fn shadowed_routes_and_unused_receivers_are_warnings() {
    let found = warnings(&format!(
        "{RECEIVERS}
  route:
    receiver: general
    routes:
      - matchers: ['severity=~\"critical|warning\"']
        receiver: general
      - matchers: ['severity=\"critical\"', 'team=\"backup\"']
        receiver: critical
"
    ));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "monocle::routing::unreachable_route");
    assert!(found[0].1.contains("routes[0]"), "{}", found[0].1);

    let found = warnings(&format!(
        "{RECEIVERS}
  route:
    receiver: general
    routes:
      - matchers: ['severity=\"critical\"']
        receiver: general
        clusters: environment=production
      - matchers: ['severity=\"critical\"']
        receiver: critical
"
    ));
    let unreachable: Vec<&(String, String)> = found
        .iter()
        .filter(|(code, _)| code == "monocle::routing::unreachable_route")
        .collect();
    assert_eq!(unreachable.len(), 1, "{found:?}");
    assert!(
        unreachable[0].1.contains("in cluster `prod`"),
        "{}",
        unreachable[0].1
    );

    let found = warnings(&format!(
        "{RECEIVERS}
  route:
    receiver: general
"
    ));
    assert_eq!(
        found,
        [(
            "monocle::routing::unused_receiver".to_owned(),
            "receiver `critical` is not used by any route".to_owned()
        )]
    );
}

#[test]
fn secret_references_are_mounted_and_read_from_the_mount() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec.yaml");
    std::fs::write(
        &spec,
        format!(
            "{RECEIVERS}
    - name: pager
      pagerduty: {{routing_key_secret: {{name: pd, key: routing-key}}, severity: warning}}
  route:
    receiver: general
    routes:
      - {{matchers: ['severity=critical'], receiver: critical, continue: true}}
      - {{matchers: ['severity=critical'], receiver: pager}}
"
        ),
    )
    .unwrap();
    let artifacts = common::compile_ok(&spec);
    let config = common::yaml_value(
        std::str::from_utf8(&artifact(&artifacts, "prod/alertmanager/alertmanager.yaml").bytes)
            .unwrap(),
    );
    assert_eq!(
        config["receivers"][1]["slack_configs"][0]["api_url_file"],
        "/etc/alertmanager/secrets/slack/critical"
    );
    assert_eq!(
        config["receivers"][2]["pagerduty_configs"][0]["routing_key_file"],
        "/etc/alertmanager/secrets/pd/routing-key"
    );
    assert_eq!(
        config["receivers"][2]["pagerduty_configs"][0]["severity"],
        "warning"
    );
    assert_eq!(
        config["route"]["routes"][0]["matchers"],
        json!(["severity=\"critical\""])
    );
    let am = common::yaml_value(
        std::str::from_utf8(&artifact(&artifacts, "prod/alertmanager/main.yaml").bytes).unwrap(),
    );
    assert_eq!(am["spec"]["secrets"], json!(["pd", "slack"]));
}

const LABELS: [&str; 3] = ["severity", "team", "env"];
/// Values with the characters matcher quoting and escaping must survive,
/// and a non-ASCII letter that `\w` must not match (RE2 semantics).
const VALUES: [&str; 8] = [
    "critical",
    "warning",
    "backup",
    "a b",
    "x,y",
    "q\"t",
    "back\\slash",
    "é",
];
const REGEXES: [&str; 10] = [
    "critical|warning",
    "crit.*",
    ".*",
    ".+",
    "[a-c].*",
    "\\w+",
    "x,y|a b",
    "q\"t",
    "back\\\\slash",
    "(?i)CRITICAL",
];
const RECEIVER_NAMES: [&str; 4] = ["r0", "r1", "r2", "r3"];

fn random_matcher(rng: &mut Rng) -> String {
    let name = rng.pick(&LABELS);
    let op = rng.pick(&["=", "!=", "=~", "!~"]);
    let value = if op.contains('~') {
        *rng.pick(&REGEXES)
    } else if rng.chance(10) {
        ""
    } else {
        *rng.pick(&VALUES)
    };
    let plain = value.chars().all(|c| c.is_ascii_alphanumeric());
    if plain && !value.is_empty() && rng.chance(30) {
        // Unquoted, as people write them.
        format!("{name}{op}{value}")
    } else {
        format!("{name}{op}\"{}\"", escape(value))
    }
}

fn random_route(rng: &mut Rng, depth: usize) -> Value {
    let mut route = serde_json::Map::new();
    let count = rng.below(3);
    let mut matchers: Vec<String> = (0..count).map(|_| random_matcher(rng)).collect();
    if matchers.len() == 2 && rng.chance(30) {
        // Several matchers in one string, as Alertmanager allows.
        matchers = vec![matchers.join(", ")];
    }
    if !matchers.is_empty() {
        route.insert("matchers".into(), json!(matchers));
    }
    if rng.chance(70) {
        route.insert("receiver".into(), json!(rng.pick(&RECEIVER_NAMES)));
    }
    if rng.chance(40) {
        route.insert("continue".into(), json!(true));
    }
    // Time intervals change who is notified, never the routing amtool
    // shows: they must not change the agreement.
    if rng.chance(20) {
        route.insert("mute_time_intervals".into(), json!([rng.pick(&INTERVALS)]));
    }
    if rng.chance(20) {
        route.insert(
            "active_time_intervals".into(),
            json!([rng.pick(&INTERVALS)]),
        );
    }
    if depth < 2 && rng.chance(40) {
        let children: Vec<Value> = (0..=rng.below(3))
            .map(|_| random_route(rng, depth + 1))
            .collect();
        route.insert("routes".into(), Value::Array(children));
    }
    Value::Object(route)
}

const INTERVALS: [&str; 2] = ["nights", "weekends"];

/// A receiver of a random kind (a null receiver included).
fn random_receiver(rng: &mut Rng, name: &str) -> Value {
    let secret = json!({"name": "receivers", "key": name});
    match rng.below(6) {
        0 => {
            json!({"name": name, "slack": {"channel": "#c", "webhook_url_file": format!("/etc/alertmanager/secrets/slack/{name}")}})
        }
        1 => json!({"name": name, "pagerduty": {"routing_key_secret": secret}}),
        2 => json!({"name": name, "webhook": {"url_secret": secret, "max_alerts": rng.below(10)}}),
        3 => {
            json!({"name": name, "email": {"to": "x@example.com", "from": "am@example.com", "smarthost": "smtp.example.com:587", "auth_password_secret": secret}})
        }
        4 => {
            json!({"name": name, "opsgenie": {"api_key_secret": secret, "priority": "P2", "responders": [{"type": "team", "name": "sre"}]}})
        }
        _ => json!({"name": name}),
    }
}

/// A spec folder: the platform file (receivers, time intervals, the root
/// and its own routes) and up to two team files, each with its own
/// receiver and `routing.routes`; (file name, content) pairs.
fn random_spec(rng: &mut Rng) -> Vec<(String, Value)> {
    let receivers: Vec<Value> = RECEIVER_NAMES
        .iter()
        .map(|name| random_receiver(rng, name))
        .collect();
    let children: Vec<Value> = (0..=rng.below(3)).map(|_| random_route(rng, 1)).collect();
    let platform = json!({
        "version": 1,
        "clusters": [{"name": "c"}],
        "routing": {
            "receivers": receivers,
            "time_intervals": [
                {"name": "nights", "intervals": [{"times": [{"start": "00:00", "end": "07:00"}, {"start": "20:00", "end": "24:00"}], "location": "Europe/Berlin"}]},
                {"name": "weekends", "intervals": [{"weekdays": ["saturday", "sunday"]}]},
            ],
            "route": {"receiver": "r0", "routes": children},
        },
    });
    let mut files = vec![("platform.yaml".to_owned(), platform)];
    for team in 0..rng.below(3) {
        let routes: Vec<Value> = (0..=rng.below(2)).map(|_| random_route(rng, 1)).collect();
        let own = format!("team{team}");
        files.push((
            format!("teams/{own}.yaml"),
            json!({
                "version": 1,
                "routing": {
                    "receivers": [random_receiver(rng, &own)],
                    "routes": routes,
                },
            }),
        ));
    }
    files
}

fn random_labels(rng: &mut Rng) -> BTreeMap<String, String> {
    let mut labels = BTreeMap::new();
    for name in LABELS {
        if rng.chance(70) {
            labels.insert(name.to_owned(), (*rng.pick(&VALUES)).to_owned());
        }
    }
    labels
}

/// One label set against one generated config.
struct Case {
    config: PathBuf,
    labels: BTreeMap<String, String>,
    /// monocle's receivers.
    ours: Vec<String>,
    /// The spec, for messages.
    spec: String,
}

/// 200 generated spec folders (a platform file with the root, up to two
/// team files with `routing.routes`, routes muted or activated by time
/// intervals, receivers of every kind and null ones): amtool loads each
/// generated config and routes random label sets as monocle's router does.
#[test]
fn router_agrees_with_amtool_on_generated_trees() {
    let Some(amtool) = amtool() else { return };
    const TREES: usize = 200;
    const LABEL_SETS: usize = 2;
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng::new(0x6d6f_6e6f_636c_6521);
    let started = std::time::Instant::now();
    let mut cases: Vec<Case> = Vec::new();
    let (mut team_routes, mut timed, mut kinds) = (0, 0, std::collections::BTreeSet::new());
    for n in 0..TREES {
        let files = random_spec(&mut rng);
        let spec_path = dir.path().join(format!("spec-{n}"));
        let mut spec = String::new();
        for (name, value) in &files {
            let text = serde_json::to_string_pretty(value).unwrap();
            let path = spec_path.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &text).unwrap();
            spec.push_str(&format!("# {name}\n{text}\n"));
            team_routes += value["routing"]["routes"].as_array().map_or(0, Vec::len);
            for receiver in value["routing"]["receivers"]
                .as_array()
                .into_iter()
                .flatten()
            {
                kinds.insert(
                    receiver
                        .as_object()
                        .unwrap()
                        .keys()
                        .filter(|k| *k != "name")
                        .map(String::as_str)
                        .collect::<String>(),
                );
            }
        }
        timed += usize::from(spec.contains("_time_intervals"));
        let sources = monocle::load::load(&spec_path).expect("the spec loads");
        let Ok((compiled, model)) = monocle::compile_sources(sources, &monocle::Inputs::default())
        else {
            panic!("generated spec does not compile:\n{spec}")
        };
        let config = dir.path().join(format!("alertmanager-{n}.yaml"));
        std::fs::write(
            &config,
            common::for_amtool_025(
                &artifact(&compiled.artifacts, "c/alertmanager/alertmanager.yaml").bytes,
            ),
        )
        .unwrap();
        let route = model.clusters[0].routing.route.clone().unwrap();
        for _ in 0..LABEL_SETS {
            let labels = random_labels(&mut rng);
            let ours = monocle::routing::receivers(&route, &labels);
            cases.push(Case {
                config: config.clone(),
                labels,
                ours,
                spec: spec.clone(),
            });
        }
    }
    assert!(cases.len() >= 200);
    // The trees exercise what they should: team files, intervals, every kind.
    assert!(team_routes > TREES / 2, "team routes: {team_routes}");
    assert!(timed > TREES / 4, "trees with time intervals: {timed}");
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["", "email", "opsgenie", "pagerduty", "slack", "webhook"],
        "every receiver kind, and a null receiver"
    );
    eprintln!("generated {} cases in {:?}", cases.len(), started.elapsed());

    let threads = std::thread::available_parallelism()
        .map_or(2, std::num::NonZero::get)
        .min(8);
    let chunk = cases.len().div_ceil(threads);
    let failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = cases
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .filter_map(|Case { config, labels, ours, spec }| {
                            let theirs = amtool_route(amtool, config, labels);
                            (theirs != *ours).then(|| {
                                format!(
                                    "labels {labels:?}: monocle {ours:?}, amtool {theirs:?}\nspec: {spec}\nconfig:\n{}",
                                    std::fs::read_to_string(config).unwrap_or_default()
                                )
                            })
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {} cases disagree; first:\n{}",
        failures.len(),
        cases.len(),
        failures[0]
    );
}

/// Regex corners where RE2 and Rust's `regex` read the same text
/// differently, each checked against amtool: one route per regex (all with
/// `continue`), one amtool run per label value.
#[test]
fn regex_matchers_agree_with_amtool() {
    let Some(amtool) = amtool() else { return };
    const PATTERNS: [&str; 24] = [
        r"\w+",
        r"\W",
        r"\d+",
        r"\D",
        r"\s",
        r"\S+",
        r"[\w.]+",
        r"[^\d]+",
        r"\bx.*",
        r"[[]",
        r"[a&&b]+",
        r"[a~~b]+",
        r"[[:alpha:]]+",
        r"\Qa.b\E",
        r"\pL+",
        r"(?i)É",
        r".",
        r"(?s).",
        r"a|b",
        r"x*",
        r"[]a]+",
        r"\x41",
        r"\.",
        r"a\.b|axb",
    ];
    const SUBJECTS: [&str; 16] = [
        "", "é", "٣", "42", "x y", "\u{a0}", "[", "a&b", "a~b", "a.b", "axb", "A", "]a", "\n",
        "ab", "x",
    ];
    let routes: Vec<Value> = PATTERNS
        .iter()
        .enumerate()
        .map(|(i, p)| json!({"matchers": [format!("v=~\"{}\"", escape(p))], "receiver": format!("r{i}"), "continue": true}))
        .collect();
    let mut receivers: Vec<Value> = (0..PATTERNS.len())
        .map(|i| json!({"name": format!("r{i}"), "slack": {"channel": "#c", "webhook_url_file": "/etc/alertmanager/secrets/s/k"}}))
        .collect();
    receivers.push(json!({"name": "none", "slack": {"channel": "#c", "webhook_url_file": "/etc/alertmanager/secrets/s/k"}}));
    let spec = json!({
        "version": 1,
        "clusters": [{"name": "c"}],
        "routing": {"receivers": receivers, "route": {"receiver": "none", "routes": routes}},
    });
    let dir = tempfile::tempdir().unwrap();
    let spec_path = dir.path().join("spec.yaml");
    std::fs::write(&spec_path, serde_json::to_string_pretty(&spec).unwrap()).unwrap();
    let sources = monocle::load::load(&spec_path).expect("the spec loads");
    let Ok((compiled, model)) = monocle::compile_sources(sources, &monocle::Inputs::default())
    else {
        panic!("the regex spec does not compile")
    };
    let config = dir.path().join("alertmanager.yaml");
    std::fs::write(
        &config,
        common::for_amtool_025(
            &artifact(&compiled.artifacts, "c/alertmanager/alertmanager.yaml").bytes,
        ),
    )
    .unwrap();
    let route = model.clusters[0].routing.route.as_ref().unwrap();
    let mut failures = Vec::new();
    for subject in SUBJECTS {
        let labels = BTreeMap::from([("v".to_owned(), subject.to_owned())]);
        let ours = monocle::routing::receivers(route, &labels);
        let theirs = amtool_route(amtool, &config, &labels);
        if ours != theirs {
            let name = |r: &String| {
                r.strip_prefix('r')
                    .and_then(|i| i.parse::<usize>().ok())
                    .map_or_else(|| r.clone(), |i| PATTERNS[i].to_owned())
            };
            failures.push(format!(
                "{subject:?}: monocle matches {:?}, amtool {:?}",
                ours.iter().map(name).collect::<Vec<_>>(),
                theirs.iter().map(name).collect::<Vec<_>>()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Receiver fields are Go templates Alertmanager parses and runs only when
/// it notifies: `amtool check-config` takes them whatever they say. Each
/// text here is rendered by `amtool template render` (with its default
/// data and the generated `monocle.tmpl`), and monocle must accept exactly
/// those that render; for each refused one, check-config passing shows
/// the failure would only have surfaced at notification time.
#[test]
fn receiver_templates_monocle_refuses_are_exactly_those_amtool_cannot_render() {
    let Some(amtool) = common::tool("amtool") else {
        return;
    };
    let renders = [
        "{{ template \"monocle.slack.text\" . }}",
        "[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} {{ .GroupLabels.cluster }}",
        "{{ range .Alerts.Firing }}{{ .Labels.alertname }} {{ .StartsAt }}{{ end }}",
        "{{ range $i, $a := .Alerts }}{{ $i }} {{ $a.Labels.severity }}{{ end }}",
        "{{ range .CommonLabels.SortedPairs }}{{ .Name }}={{ .Value }} {{ end }}",
        "{{ .CommonLabels.Names | join \", \" }} {{ len .Alerts }}",
        "{{ if eq .CommonLabels.severity \"critical\" }}p{{ else if .CommonLabels.team }}t{{ else }}n{{ end }}",
        "{{ (index .Alerts 0).Labels.alertname }} {{ index .CommonLabels \"a-b\" }}",
        "{{ define \"mine\" }}x{{ end }}{{ template \"mine\" . }}",
        "{{ (.CommonLabels.Remove (stringSlice \"a\")).Names | join \",\" }}",
        "{{ reReplaceAll \"-.*\" \"\" .CommonLabels.instance | title }} {{ $.ExternalURL }}",
        "{{ with .CommonAnnotations.summary }}{{ . }}{{ end }}",
    ];
    let fails = [
        "{{ .Alerts.Labels.severity }}",
        "{{ .Foo }}",
        "{{ $labels.instance }}",
        "{{ template \"nosuch\" . }}",
        "{{ toUpper }}",
        "{{ range .Status }}x{{ end }}",
        "{{ .Status.Foo }}",
        "{{ .CommonLabels.foo.bar }}",
        "{{ .CommonLabels.Remove }}",
        "{{ humanize 1 }}",
        "{{ trimSpace .Status }}",
        "{{ range .Alerts }}{{ .Value }}{{ end }}",
        "{{ .Receiver \"x\" }}",
    ];
    let dir = tempfile::tempdir().unwrap();
    let tmpl = dir.path().join("monocle.tmpl");
    let artifacts = common::compile_ok("specs/fleet.yaml");
    let generated = artifacts
        .iter()
        .find(|a| a.path.ends_with("alertmanager/monocle.tmpl"))
        .expect("the fleet has routing");
    std::fs::write(&tmpl, &generated.bytes).unwrap();
    let glob = format!("--template.glob={}", tmpl.display());
    let mut wrong = Vec::new();
    for (text, should_render) in renders
        .iter()
        .map(|t| (t, true))
        .chain(fails.iter().map(|t| (t, false)))
    {
        let accepted = monocle::check::am_templates::check(text).is_ok();
        let (rendered, output) = common::run(
            &amtool,
            &[
                "template",
                "render",
                &glob,
                &format!("--template.text={text}"),
            ],
            dir.path(),
        );
        if accepted != rendered || rendered != should_render {
            wrong.push(format!(
                "{text}: monocle accepts: {accepted}, amtool renders: {rendered}: {output}"
            ));
        }
        if !should_render {
            let config = format!(
                "route:\n  receiver: slack\nreceivers:\n  - name: slack\n    slack_configs:\n      \
                 - api_url: http://127.0.0.1:1/hook\n        channel: '#alerts'\n        title: {}\n\
                 templates:\n  - {}\n",
                serde_json::to_string(text).unwrap(),
                tmpl.display()
            );
            let path = dir.path().join("alertmanager.yaml");
            std::fs::write(&path, config).unwrap();
            let (ok, output) = common::run(
                &amtool,
                &["check-config", path.to_str().unwrap()],
                dir.path(),
            );
            if !ok {
                wrong.push(format!("{text}: check-config refuses it already: {output}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
