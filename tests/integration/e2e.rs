//! End to end: the reference spec's generated rules and Alertmanager config
//! run in the real daemons (Debian's `prometheus` and
//! `prometheus-alertmanager`, which `.ci/run` installs), on loopback only.
//!
//! The test compiles `specs/`, takes one production cluster's
//! PrometheusRules and `alertmanager.yaml`, and rewrites only what a test
//! must: `for` and the evaluation, scrape and grouping intervals become a
//! few seconds at most, and every receiver's secret file holds the address
//! of a webhook sink served by this test (one path per receiver; Debian's
//! Alertmanager 0.25 has no webhook `url_file`, so such a receiver gets the
//! address as `url`). A tiny exporter, also
//! served here, feeds series chosen so that some alerts fire and others do
//! not, and so that a critical alert inhibits its warning twin. The test then
//! asserts which receivers got which alerts, that the inhibited alert was
//! held back by Alertmanager (not merely never sent), that the quiet rules
//! were evaluated and stayed inactive, that every rule evaluated without
//! error, that no notification holds `<no value>` or an empty `in `, and
//! that Slack's `fallback` (push notifications) is the message's title.
//!
//! The companion tests change one routing line of the reference spec and
//! check the same assertions then fail, so this test cannot pass vacuously.
//!
//! Every wait polls against a deadline, and every process the test starts is
//! killed and waited for when its guard drops (also on a failed assertion).

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

/// The cluster whose outputs run: production, so every route applies.
const CLUSTER: &str = "prod-eu-1";
/// Upper bound for one run, startup included; a healthy run takes a
/// fraction of it.
const DEADLINE: Duration = Duration::from_secs(45);
/// After the expected notifications arrived, how long an unexpected one
/// (say, the inhibited alert) still has to show up: a few of the rewritten
/// group intervals.
const SETTLE: Duration = Duration::from_secs(4);

// ---------------------------------------------------------------------------
// The tests

#[test]
fn the_reference_spec_alerts_and_routes_in_real_prometheus_and_alertmanager() {
    let Some(run) = Run::of(Path::new("specs")) else {
        return;
    };
    eprintln!("the end-to-end run took {:?}", run.elapsed);
    let problems = run.problems();
    assert!(
        problems.is_empty(),
        "{}\n\n{}",
        problems.join("\n"),
        run.report()
    );
}

#[test]
fn the_end_to_end_test_fails_when_a_route_sends_to_another_receiver() {
    let dir = tempfile::tempdir().unwrap();
    let spec = mutated_spec(
        dir.path(),
        &[(
            // The production-only PagerDuty route now goes to Slack.
            "'team=\"backup\"']\n        receiver: pagerduty-backup",
            "'team=\"backup\"']\n        receiver: slack-general",
        )],
    );
    let Some(run) = Run::of(&spec) else {
        return;
    };
    let problems = run.problems();
    // Critical backup alerts now reach slack-general (and PagerDuty none).
    assert!(
        problems.iter().any(|p| {
            p.starts_with("slack-general was notified of ")
                || p.starts_with("pagerduty-backup was not notified of ")
        }),
        "changing a route's receiver went unnoticed: {problems:?}\n\n{}",
        run.report()
    );
}

#[test]
fn the_end_to_end_test_fails_when_inhibition_stops_holding() {
    let dir = tempfile::tempdir().unwrap();
    let spec = mutated_spec(
        dir.path(),
        &[(
            "    - source: ['severity=\"critical\"']\n      target: ['severity=\"warning\"']",
            "    - source: ['severity=\"critical\"']\n      target: ['severity=\"info\"']",
        )],
    );
    let Some(run) = Run::of(&spec) else {
        return;
    };
    let problems = run.problems();
    assert!(
        problems.iter().any(|p| p.contains(" is not inhibited")),
        "an inhibition rule that no longer holds went unnoticed: {problems:?}\n\n{}",
        run.report()
    );
}

/// A copy of `specs/` with `replacements` applied to `fleet.yaml`, each of
/// which must find its text once. The spec's own routing tests are removed:
/// they would refuse the changed routes at compile time, and the point is
/// that the end-to-end test notices too.
fn mutated_spec(dir: &Path, replacements: &[(&str, &str)]) -> PathBuf {
    let spec = dir.join("specs");
    std::fs::create_dir(&spec).unwrap();
    for entry in std::fs::read_dir("specs").unwrap() {
        let path = entry.unwrap().path();
        if !path.is_file() {
            continue;
        }
        std::fs::copy(&path, spec.join(path.file_name().unwrap())).unwrap();
    }
    let fleet = spec.join("fleet.yaml");
    let mut text = std::fs::read_to_string(&fleet).unwrap();
    for (from, to) in replacements {
        assert_eq!(text.matches(from).count(), 1, "fleet.yaml: {from:?}");
        text = text.replace(from, to);
    }
    // The routing tests: `  tests:` and the lines indented deeper below it.
    let start = text
        .find("\n  tests:\n")
        .expect("fleet.yaml has routing tests")
        + 1;
    let mut end = start + "  tests:\n".len();
    for line in text[end..].split_inclusive('\n') {
        if !line.starts_with("   ") && !line.starts_with("  - ") {
            break;
        }
        end += line.len();
    }
    text.replace_range(start..end, "");
    std::fs::write(&fleet, text).unwrap();
    spec
}

// ---------------------------------------------------------------------------
// What must happen

/// The reference spec's routing, as the test feeds it: critical alerts of
/// the backup team go to `slack-critical` and, in production, to
/// `pagerduty-backup`; warnings go to `slack-general` unless a critical
/// alert of the same name holds them back.
struct Expected {
    /// Receiver → the alerts it must be notified of, and of no other.
    delivered: BTreeMap<&'static str, BTreeSet<String>>,
    /// The warning that its critical twin (same name) must inhibit.
    inhibited: String,
    /// Alerts whose series are fed but must not fire.
    quiet: Vec<&'static str>,
}

impl Expected {
    fn new(slo_alert: &str) -> Self {
        let critical: BTreeSet<String> = [
            "VeleroBackupFailed",
            "VeleroNoRecentBackup",
            "VeleroStorageLocationUnavailable",
            slo_alert,
        ]
        .into_iter()
        .map(String::from)
        .collect();
        Expected {
            delivered: BTreeMap::from([
                ("slack-critical", critical.clone()),
                ("pagerduty-backup", critical),
                (
                    "slack-general",
                    BTreeSet::from(["VeleroBackupSuccessRateLow".to_owned()]),
                ),
            ]),
            inhibited: slo_alert.to_owned(),
            // VeleroDailyBackupMissing: the last daily backup is 24.4 hours
            // old, past VeleroNoRecentBackup's 24 but not its 25.
            quiet: vec!["VeleroSchedulePaused", "VeleroDailyBackupMissing"],
        }
    }

    fn pairs(&self) -> BTreeSet<(String, String)> {
        self.delivered
            .iter()
            .flat_map(|(r, alerts)| alerts.iter().map(|a| (r.to_string(), a.clone())))
            .collect()
    }
}

/// The series the exporter serves at its `n`th scrape: counters grow by one
/// a scrape, so `increase` and the SLO's error ratio (every attempt fails)
/// are positive from the second scrape on.
fn metrics(n: u64, started_unix: u64) -> String {
    let daily = started_unix.saturating_sub(88_000);
    format!(
        "# TYPE velero_backup_failure_total counter\n\
         velero_backup_failure_total{{schedule=\"daily\"}} {n}\n\
         # TYPE velero_backup_attempt_total counter\n\
         velero_backup_attempt_total{{schedule=\"daily\"}} {n}\n\
         velero_backup_last_successful_timestamp{{schedule=\"daily\"}} {daily}\n\
         velero_backup_location_available{{backup_location=\"default\"}} 0\n\
         velero_schedule_paused{{schedule=\"daily\"}} 0\n\
         velero_cluster_backup_success_rate 50\n"
    )
}

// ---------------------------------------------------------------------------
// One run

/// What one run observed.
struct Run {
    expected: Expected,
    /// Every alert name in the rules the run loaded.
    alert_names: BTreeSet<String>,
    /// (receiver, alert) for every notification the sink got.
    delivered: BTreeSet<(String, String)>,
    /// Every notification: the receiver (sink path) and the body.
    notifications: Vec<(String, String)>,
    /// Alertmanager's alerts (`/api/v2/alerts`) at the end.
    am_alerts: Value,
    /// Prometheus's alerting rules (`/api/v1/rules?type=alert`) at the end.
    rules: Value,
    /// The first failure of the harness itself (a daemon that did not start).
    harness: Option<String>,
    logs: Vec<(String, PathBuf)>,
    elapsed: Duration,
    _dir: tempfile::TempDir,
}

impl Run {
    /// Compiles `spec`, runs both daemons on its outputs and observes them;
    /// `None` when the daemons are not installed (and not under CI).
    fn of(spec: &Path) -> Option<Run> {
        let prometheus = common::tool("prometheus")?;
        let alertmanager = common::tool("prometheus-alertmanager")?;
        let started = Instant::now();
        let dir = tempfile::tempdir().unwrap();
        let artifacts = common::compile_ok(spec);
        let outputs: BTreeMap<String, &[u8]> = artifacts
            .iter()
            .filter_map(|a| {
                let path = a.path.strip_prefix(&format!("{CLUSTER}/"))?;
                Some((path.to_owned(), a.bytes.as_slice()))
            })
            .collect();
        assert!(!outputs.is_empty(), "no outputs for {CLUSTER}");

        let sink = Sink::start();
        let scrapes = Arc::new(AtomicU64::new(0));
        let started_unix = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let exporter = {
            let scrapes = Arc::clone(&scrapes);
            Server::start(move |_, path, _| {
                if path != "/metrics" {
                    return (404, String::new());
                }
                let n = scrapes.fetch_add(1, Ordering::SeqCst);
                (200, metrics(n, started_unix))
            })
        };

        let am_config = alertmanager_config(&outputs, dir.path(), sink.server.port);
        let am_port = free_port();
        let am = Daemon::start(
            "alertmanager",
            &alertmanager,
            &[
                format!("--config.file={}", am_config.display()),
                format!("--storage.path={}", dir.path().join("am-data").display()),
                format!("--web.listen-address=127.0.0.1:{am_port}"),
                // No gossip: a single instance, and nothing but loopback.
                "--cluster.listen-address=".to_owned(),
            ],
            dir.path(),
        );

        let (rule_files, alert_names, external_labels) = rule_files(&outputs, dir.path());
        let slo_alert = slo_alert_name(&outputs);
        let prom_config = dir.path().join("prometheus.json");
        let config = json!({
            "global": {
                "scrape_interval": "1s",
                "scrape_timeout": "1s",
                "evaluation_interval": "1s",
                "external_labels": external_labels,
            },
            "rule_files": rule_files,
            "scrape_configs": [{
                "job_name": "velero",
                "static_configs": [{ "targets": [format!("127.0.0.1:{}", exporter.port)] }],
            }],
            "alerting": {
                "alertmanagers": [{
                    "static_configs": [{ "targets": [format!("127.0.0.1:{am_port}")] }],
                }],
            },
        });
        std::fs::write(&prom_config, config.to_string()).unwrap();
        let prom_port = free_port();
        let prom = Daemon::start(
            "prometheus",
            &prometheus,
            &[
                format!("--config.file={}", prom_config.display()),
                format!(
                    "--storage.tsdb.path={}",
                    dir.path().join("prom-data").display()
                ),
                format!("--web.listen-address=127.0.0.1:{prom_port}"),
                // Resend firing alerts every second, not every minute, in
                // case Alertmanager missed the first send.
                "--rules.alert.resend-delay=1s".to_owned(),
            ],
            dir.path(),
        );

        let mut run = Run {
            expected: Expected::new(&slo_alert),
            alert_names,
            delivered: BTreeSet::new(),
            notifications: Vec::new(),
            am_alerts: Value::Null,
            rules: Value::Null,
            harness: None,
            logs: vec![
                ("alertmanager".to_owned(), am.log.clone()),
                ("prometheus".to_owned(), prom.log.clone()),
            ],
            elapsed: Duration::ZERO,
            _dir: dir,
        };
        let deadline = started + DEADLINE;
        for (name, port) in [("alertmanager", am_port), ("prometheus", prom_port)] {
            if !poll(deadline, || {
                get(port, "/-/ready").is_some_and(|(status, _)| status == 200)
            }) {
                run.harness = Some(format!("{name} was not ready in {DEADLINE:?}"));
                run.elapsed = started.elapsed();
                return Some(run);
            }
        }

        // Until every expected notification arrived and the inhibited alert
        // is seen held back, or something unexpected arrived (the outcome is
        // then known), or the deadline.
        let expected = run.expected.pairs();
        let mut settled_at: Option<Instant> = None;
        while Instant::now() < deadline {
            run.observe(&sink, am_port, prom_port);
            let unexpected = !run.delivered.is_subset(&expected);
            let complete = run.delivered == expected && run.inhibition_problem().is_none();
            if unexpected {
                break;
            }
            if complete {
                let at = *settled_at.get_or_insert_with(Instant::now);
                if at.elapsed() >= SETTLE {
                    break;
                }
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        run.observe(&sink, am_port, prom_port);
        run.elapsed = started.elapsed();
        drop(prom);
        drop(am);
        Some(run)
    }

    /// Reads what the sink got and what both daemons say now.
    fn observe(&mut self, sink: &Sink, am_port: u16, prom_port: u16) {
        self.notifications
            .clone_from(&sink.requests.lock().unwrap());
        self.delivered = self
            .notifications
            .iter()
            .flat_map(|(receiver, body)| {
                self.alert_names
                    .iter()
                    .filter(|name| mentions(body, name))
                    .map(|name| (receiver.clone(), name.clone()))
            })
            .collect();
        if let Some((200, body)) = get(am_port, "/api/v2/alerts") {
            self.am_alerts = serde_json::from_str(&body).unwrap_or(Value::Null);
        }
        if let Some((200, body)) = get(prom_port, "/api/v1/rules?type=alert") {
            self.rules = serde_json::from_str(&body).unwrap_or(Value::Null);
        }
    }

    /// Everything that did not go as the spec says, one line each.
    fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if let Some(harness) = &self.harness {
            problems.push(harness.clone());
        }
        let expected = self.expected.pairs();
        for (receiver, alert) in expected.difference(&self.delivered) {
            problems.push(format!("{receiver} was not notified of {alert}"));
        }
        for (receiver, alert) in self.delivered.difference(&expected) {
            problems.push(format!(
                "{receiver} was notified of {alert}, which it must not be"
            ));
        }
        if let Some(problem) = self.inhibition_problem() {
            problems.push(problem);
        }
        let rules = self.alerting_rules();
        if rules.is_empty() {
            problems.push("Prometheus reported no alerting rules".to_owned());
        }
        for rule in &rules {
            let name = rule["name"].as_str().unwrap_or_default();
            if rule["health"] != "ok" {
                problems.push(format!(
                    "rule {name} is {}: {}",
                    rule["health"], rule["lastError"]
                ));
            }
        }
        for quiet in &self.expected.quiet {
            let evaluated: Vec<&Value> = rules
                .iter()
                .copied()
                .filter(|r| r["name"] == *quiet)
                .collect();
            if evaluated.is_empty() {
                problems.push(format!("rule {quiet} was not loaded"));
            }
            for rule in evaluated {
                if rule["state"] != "inactive" || rule["health"] != "ok" {
                    problems.push(format!(
                        "{quiet} must stay quiet, is {} ({})",
                        rule["state"], rule["health"]
                    ));
                }
            }
        }
        for (receiver, body) in &self.notifications {
            problems.extend(
                template_holes(body)
                    .into_iter()
                    .map(|hole| format!("a notification to {receiver} holds {hole}")),
            );
            problems.extend(slack_fallback_problem(body).map(|p| format!("{receiver}: {p}")));
        }
        problems
    }

    /// `None` when Alertmanager holds the warning back (suppressed by an
    /// inhibition) while its critical twin is active.
    fn inhibition_problem(&self) -> Option<String> {
        let alerts = self.am_alerts.as_array()?;
        let named = |severity: &str| {
            alerts.iter().find(|a| {
                a["labels"]["alertname"] == self.expected.inhibited.as_str()
                    && a["labels"]["severity"] == severity
            })
        };
        let Some(warning) = named("warning") else {
            return Some(format!(
                "Alertmanager never got the warning {} that must be inhibited",
                self.expected.inhibited
            ));
        };
        if named("critical").is_none() {
            return Some(format!(
                "Alertmanager never got the critical {} that inhibits its warning",
                self.expected.inhibited
            ));
        }
        let inhibited = warning["status"]["state"] == "suppressed"
            && warning["status"]["inhibitedBy"]
                .as_array()
                .is_some_and(|by| !by.is_empty());
        (!inhibited).then(|| {
            format!(
                "the warning {} is not inhibited: {}",
                self.expected.inhibited, warning["status"]
            )
        })
    }

    fn alerting_rules(&self) -> Vec<&Value> {
        self.rules["data"]["groups"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|g| g["rules"].as_array().into_iter().flatten())
            .collect()
    }

    /// What a failure message needs: timing, notifications, daemon logs.
    fn report(&self) -> String {
        let mut out = format!("run took {:?}\nnotifications:\n", self.elapsed);
        for (receiver, body) in &self.notifications {
            out.push_str(&format!("  {receiver}: {body}\n"));
        }
        out.push_str(&format!("alertmanager alerts: {}\n", self.am_alerts));
        for (name, log) in &self.logs {
            let text = std::fs::read_to_string(log).unwrap_or_default();
            let tail: Vec<&str> = text.lines().rev().take(20).collect();
            out.push_str(&format!("{name} log (last lines):\n"));
            for line in tail.iter().rev() {
                out.push_str(&format!("  {line}\n"));
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------
// The test-only rewrites of the generated files

/// The cluster's PrometheusRules as plain rule files (`spec.groups`), with
/// every `for` a second and no group interval of their own; also every
/// alert name, and the external labels the cluster's Prometheus sets.
fn rule_files(
    outputs: &BTreeMap<String, &[u8]>,
    dir: &Path,
) -> (Vec<String>, BTreeSet<String>, Value) {
    let mut files = Vec::new();
    let mut names = BTreeSet::new();
    let mut external: Option<Value> = None;
    for (path, bytes) in outputs {
        if !path.ends_with(".yaml") {
            continue;
        }
        let object = common::yaml_value(&String::from_utf8_lossy(bytes));
        match object["kind"].as_str() {
            Some("Prometheus") => {
                let labels = object["spec"]["externalLabels"].clone();
                // Every shard of a cluster labels its series alike, so one
                // Prometheus stands for all of them.
                if let Some(seen) = &external {
                    assert_eq!(
                        seen, &labels,
                        "{path}: external labels differ between shards"
                    );
                }
                external = Some(labels);
            }
            Some("PrometheusRule") => {
                let mut groups = object["spec"]["groups"].clone();
                for group in groups.as_array_mut().expect("spec.groups is a list") {
                    let group = group.as_object_mut().expect("a group is a map");
                    group.remove("interval");
                    for rule in group["rules"].as_array_mut().expect("rules is a list") {
                        if let Some(name) = rule["alert"].as_str() {
                            names.insert(name.to_owned());
                        }
                        if rule.get("for").is_some() {
                            rule["for"] = json!("1s");
                        }
                    }
                }
                let file = dir.join(format!("rules-{}.json", files.len()));
                std::fs::write(&file, json!({ "groups": groups }).to_string()).unwrap();
                files.push(file.display().to_string());
            }
            _ => {}
        }
    }
    let external = external.expect("the cluster has a Prometheus");
    assert!(
        external["cluster"] == CLUSTER,
        "external labels {external} lack the cluster"
    );
    (files, names, external)
}

/// The name of the SLO `backup-success`'s alert, read from the rules (its
/// page and ticket alerts share it), so a renaming does not break the test.
fn slo_alert_name(outputs: &BTreeMap<String, &[u8]>) -> String {
    let mut names = BTreeSet::new();
    let mut severities = BTreeSet::new();
    for bytes in outputs.values() {
        let Ok(object) = serde_saphyr::from_str::<Value>(&String::from_utf8_lossy(bytes)) else {
            continue;
        };
        if object["kind"] != "PrometheusRule" {
            continue;
        }
        for group in object["spec"]["groups"].as_array().into_iter().flatten() {
            for rule in group["rules"].as_array().into_iter().flatten() {
                if rule["labels"]["slo"] == "backup-success"
                    && rule["labels"]["service"] == "velero"
                {
                    names.insert(rule["alert"].as_str().unwrap_or_default().to_owned());
                    severities.insert(
                        rule["labels"]["severity"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned(),
                    );
                }
            }
        }
    }
    assert_eq!(
        names.len(),
        1,
        "the SLO's page and ticket alerts: {names:?}"
    );
    assert_eq!(
        severities,
        BTreeSet::from(["critical".to_owned(), "warning".to_owned()]),
        "the SLO pages (critical) and tickets (warning)"
    );
    names.pop_first().unwrap()
}

/// The cluster's `alertmanager.yaml` as the test runs it: templates from
/// the temporary folder, short intervals, and every receiver pointed
/// at the sink under its own path.
fn alertmanager_config(outputs: &BTreeMap<String, &[u8]>, dir: &Path, sink_port: u16) -> PathBuf {
    let text = outputs
        .get("alertmanager/alertmanager.yaml")
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .expect("the cluster has alertmanager/alertmanager.yaml");
    let mut config = common::yaml_value(&text);
    if let Some(templates) = config["templates"].as_array_mut() {
        for template in templates {
            let name = template
                .as_str()
                .and_then(|t| t.rsplit('/').next())
                .expect("a template path")
                .to_owned();
            let bytes = outputs
                .iter()
                .find(|(path, _)| path.rsplit('/').next() == Some(&name))
                .map_or_else(
                    || panic!("no output named {name} for the template"),
                    |(_, bytes)| *bytes,
                );
            let file = dir.join(&name);
            std::fs::write(&file, bytes).unwrap();
            *template = json!(file.display().to_string());
        }
    }
    shorten_intervals(&mut config["route"]);
    let secrets = dir.join("secrets");
    std::fs::create_dir_all(&secrets).unwrap();
    for receiver in config["receivers"].as_array_mut().expect("receivers") {
        let name = receiver["name"]
            .as_str()
            .expect("a receiver name")
            .to_owned();
        let url = format!("http://127.0.0.1:{sink_port}/{name}");
        for (kind, configs) in receiver.as_object_mut().unwrap().iter_mut() {
            if kind == "name" {
                continue;
            }
            for (i, integration) in configs
                .as_array_mut()
                .unwrap_or_else(|| panic!("{name}: {kind} is a list"))
                .iter_mut()
                .enumerate()
            {
                let integration = integration.as_object_mut().expect("a receiver config");
                let file_keys: Vec<String> = integration
                    .keys()
                    .filter(|k| k.ends_with("_file"))
                    .cloned()
                    .collect();
                for key in file_keys {
                    let file = secrets.join(format!("{name}-{kind}-{i}-{key}"));
                    let content = match key.as_str() {
                        // Files that hold the address itself.
                        "api_url_file" | "url_file" => url.clone(),
                        // Keys (PagerDuty's routing key): any text does.
                        _ => "e2e-test-key".to_owned(),
                    };
                    std::fs::write(&file, content).unwrap();
                    integration.insert(key.clone(), json!(file.display().to_string()));
                }
                match kind.as_str() {
                    "slack_configs" => {}
                    "pagerduty_configs" => {
                        integration.insert("url".to_owned(), json!(url));
                    }
                    "webhook_configs" => {
                        // Alertmanager 0.25 (Debian's) has no webhook
                        // `url_file`: give it the address directly.
                        if integration.remove("url_file").is_some() {
                            integration.insert("url".to_owned(), json!(url));
                        }
                    }
                    other => {
                        panic!("{name}: teach the end-to-end test to point {other} at the sink")
                    }
                }
            }
        }
    }
    let file = dir.join("alertmanager.json");
    std::fs::write(&file, config.to_string()).unwrap();
    file
}

fn shorten_intervals(route: &mut Value) {
    let Some(map) = route.as_object_mut() else {
        return;
    };
    for (key, value) in [
        // A few evaluations: an inhibiting alert that turns firing one
        // evaluation after its target (their rules may see the recorded
        // series one evaluation apart) still holds the target back.
        ("group_wait", "3s"),
        ("group_interval", "1s"),
        ("repeat_interval", "1h"),
    ] {
        if map.contains_key(key) {
            map.insert(key.to_owned(), json!(value));
        }
    }
    if let Some(routes) = map.get_mut("routes").and_then(Value::as_array_mut) {
        routes.iter_mut().for_each(shorten_intervals);
    }
}

// ---------------------------------------------------------------------------
// Reading notifications

/// Whether `text` holds `name` as a whole word (alert names may prefix one
/// another).
fn mentions(text: &str, name: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(name).any(|(i, _)| {
        !text[..i].chars().next_back().is_some_and(word)
            && !text[i + name.len()..].chars().next().is_some_and(word)
    })
}

/// Template output that rendered nothing: Go's `<no value>`, or `in `
/// followed by nothing (a label the alert does not carry). Checked in every
/// string of the JSON body, where Go escapes `<` and `>`.
fn template_holes(body: &str) -> Vec<String> {
    let value: Value = match serde_json::from_str(body) {
        Ok(value) => value,
        Err(_) => Value::String(body.to_owned()),
    };
    let mut strings = Vec::new();
    collect_strings(&value, &mut strings);
    let mut holes = Vec::new();
    for s in strings {
        if s.contains("<no value>") {
            holes.push(format!("`<no value>` in {s:?}"));
        }
        for (i, _) in s.match_indices("in ") {
            let starts_word = !s[..i]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric);
            let rest = &s[i + 3..];
            let empty = rest.is_empty()
                || rest.starts_with(char::is_whitespace)
                || ["``", "\"\"", "''", ":", ",", ")", "."]
                    .iter()
                    .any(|p| rest.starts_with(p));
            if starts_word && empty {
                holes.push(format!("an empty `in ` in {s:?}"));
            }
        }
    }
    holes
}

/// A Slack message's `fallback` (the text of push and desktop
/// notifications) must be its title, not Alertmanager's default text.
fn slack_fallback_problem(body: &str) -> Option<String> {
    let value: Value = serde_json::from_str(body).ok()?;
    let attachments = value["attachments"].as_array()?;
    attachments.iter().find_map(|a| {
        let title = a["title"].as_str().unwrap_or_default();
        (title.is_empty() || a["fallback"] != title).then(|| {
            format!(
                "Slack fallback {} is not the title {title:?}",
                a["fallback"]
            )
        })
    })
}

fn collect_strings<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::String(s) => out.push(s),
        Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        Value::Object(map) => map.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

// ---------------------------------------------------------------------------
// Processes and loopback HTTP

/// A daemon, killed and waited for when dropped.
struct Daemon {
    child: Child,
    log: PathBuf,
}

impl Daemon {
    fn start(name: &str, program: &Path, args: &[String], dir: &Path) -> Daemon {
        let log = dir.join(format!("{name}.log"));
        let out = std::fs::File::create(&log).unwrap();
        let child = Command::new(program)
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap_or_else(|e| panic!("{name} does not start: {e}"));
        Daemon { child, log }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nothing listens on now (the daemon binds it right after).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Polls `ready` every 100 ms until it holds or `deadline` passes.
fn poll(deadline: Instant, mut ready: impl FnMut() -> bool) -> bool {
    while Instant::now() < deadline {
        if ready() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

/// A GET on loopback: (status, body), `None` when nothing answers.
fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    // HTTP/1.0: the server closes the connection and sends no chunks.
    write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).ok()?;
    let text = String::from_utf8_lossy(&response);
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, body.to_owned()))
}

type Handler = dyn Fn(&str, &str, &[u8]) -> (u16, String) + Send + Sync;

/// A minimal HTTP server on loopback (one request per connection), stopped
/// and joined when dropped.
struct Server {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start(
        handler: impl Fn(&str, &str, &[u8]) -> (u16, String) + Send + Sync + 'static,
    ) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Box<Handler> = Box::new(handler);
        let thread = {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    match listener.accept() {
                        Ok((stream, _)) => serve(stream, &*handler),
                        Err(_) => std::thread::sleep(Duration::from_millis(10)),
                    }
                }
            })
        };
        Server {
            port,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Reads one request (headers, then a `Content-Length` or chunked body)
/// and writes the handler's answer.
fn serve(mut stream: TcpStream, handler: &Handler) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => data.extend_from_slice(&buf[..n]),
        }
        if data.len() > 1 << 20 {
            return;
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut lines = head.lines();
    let mut request = lines.next().unwrap_or_default().split_whitespace();
    let method = request.next().unwrap_or_default().to_owned();
    let path = request.next().unwrap_or_default().to_owned();
    let header = |name: &str| {
        head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    };
    let chunked = header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
    let length: usize = header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = data[head_end..].to_vec();
    let complete = |body: &[u8]| {
        if chunked {
            body.windows(5).any(|w| w == b"0\r\n\r\n")
        } else {
            body.len() >= length
        }
    };
    while !complete(&body) && body.len() < 1 << 20 {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => body.extend_from_slice(&buf[..n]),
        }
    }
    if chunked {
        body = dechunk(&body);
    }
    let (status, answer) = handler(&method, &path, &body);
    let _ = write!(
        stream,
        "HTTP/1.1 {status} X\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
        answer.len()
    );
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(i) = data.windows(2).position(|w| w == b"\r\n") {
        let size = std::str::from_utf8(&data[..i])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next().unwrap_or("").trim(), 16).ok())
            .unwrap_or(0);
        if size == 0 || data.len() < i + 2 + size {
            break;
        }
        out.extend_from_slice(&data[i + 2..i + 2 + size]);
        data = &data[(i + 4 + size).min(data.len())..];
    }
    out
}

/// The webhook sink: records every POST as (receiver = the path without its
/// slash, body) and answers 200.
struct Sink {
    server: Server,
    requests: Arc<Mutex<Vec<(String, String)>>>,
}

impl Sink {
    fn start() -> Sink {
        let requests = Arc::new(Mutex::new(Vec::new()));
        let server = {
            let requests = Arc::clone(&requests);
            Server::start(move |method, path, body| {
                if method == "POST" {
                    requests.lock().unwrap().push((
                        path.trim_start_matches('/').to_owned(),
                        String::from_utf8_lossy(body).into_owned(),
                    ));
                }
                (200, "{\"ok\":true}".to_owned())
            })
        };
        Sink { server, requests }
    }
}
