//! Pull-request review: the semantic summary of `diff --base` on a
//! throwaway git repository, GitHub annotations, the CI recipe, and `fmt`.

use crate::common;

use std::path::Path;
use std::process::Command;

use common::monocle;

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=test", "-c", "user.email=test@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn fleet() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/fleet.yaml")).unwrap()
}

/// A repository whose first commit holds fleet.yaml and whose work tree
/// holds `edited`; returns the `diff --base HEAD` summary (before the file
/// diffs) and the exit code.
/// A git repository whose first commit holds fleet.yaml and whose work
/// tree holds `edited` instead.
fn repo_with(edited: &str) -> tempfile::TempDir {
    repo_between(&fleet(), edited)
}

/// A git repository whose first commit holds `base` as specs/fleet.yaml
/// and whose work tree holds `edited` instead.
fn repo_between(base: &str, edited: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("specs")).unwrap();
    std::fs::write(d.join("specs/fleet.yaml"), base).unwrap();
    git(d, &["init", "-q"]);
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "base"]);
    std::fs::write(d.join("specs/fleet.yaml"), edited).unwrap();
    dir
}

fn review(edited: &str) -> (String, Option<i32>) {
    review_between(&fleet(), edited)
}

fn review_between(base: &str, edited: &str) -> (String, Option<i32>) {
    let dir = repo_between(base, edited);
    let out = monocle(&["diff", "--base", "HEAD", "--stat"], dir.path());
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let summary = text.split("\n\n").next().unwrap_or_default().to_owned();
    (summary, out.status.code())
}

fn edit(from: &str, to: &str) -> String {
    let text = fleet();
    assert!(text.contains(from), "fleet.yaml lacks {from:?}");
    text.replacen(from, to, 1)
}

#[test]
fn no_change_gives_an_empty_summary_and_exit_0() {
    let (summary, code) = review(&fleet());
    assert_eq!(code, Some(0));
    assert_eq!(summary.trim(), "No semantic changes.");
}

#[test]
fn a_changed_alert_threshold_is_one_folded_line() {
    let (summary, code) = review(&edit(
        "expr: increase(velero_backup_failure_total[1h]) > 0",
        "expr: increase(velero_backup_failure_total[1h]) > 2",
    ));
    assert_eq!(code, Some(1), "a change exits 1, like `diff`");
    assert!(
        summary.contains("~ `VeleroBackupFailed`: expr increase(velero_backup_failure_total[1h]) > 0 → increase(velero_backup_failure_total[1h]) > 2  [all 3 clusters]"),
        "{summary}"
    );
}

#[test]
fn a_changed_severity_shows_where_the_alert_is_routed_now() {
    let (summary, code) = review(&edit(
        "    for: 1h\n    severity: warning\n",
        "    for: 1h\n    severity: critical\n",
    ));
    assert_eq!(code, Some(1));
    assert!(
        summary.contains("alert `VeleroSchedulePaused`: slack-general → slack-critical, pagerduty-backup  [prod-eu-1, prod-us-1]"),
        "{summary}"
    );
    assert!(
        summary.contains(
            "alert `VeleroSchedulePaused`: slack-general → slack-critical  [staging-eu-1]"
        ),
        "{summary}"
    );
}

/// fleet.yaml with a warning/critical pair of one alert name.
fn with_pair(warning: &str, critical: &str) -> String {
    let pair = format!(
        "alerts:
  - name: VeleroBackupSlow
    service: velero
    {warning}
  - name: VeleroBackupSlow
    service: velero
    {critical}
"
    );
    let text = fleet();
    assert!(text.contains("\nalerts:\n"));
    text.replacen("alerts:\n", &pair, 1)
}

#[test]
fn each_variant_of_a_shared_alert_name_is_reviewed_as_itself() {
    let warning = "expr: velero_backup_duration_seconds > 600\n    severity: warning";
    let critical = "expr: velero_backup_duration_seconds > 1800\n    severity: critical";
    let base = with_pair(warning, critical);
    // A change to the critical variant alone is that variant's.
    let (summary, code) = review_between(
        &base,
        &with_pair(warning, &critical.replace("1800", "3600")),
    );
    assert_eq!(code, Some(1));
    assert!(
        summary.contains("~ `VeleroBackupSlow{severity=\"critical\"}`: expr velero_backup_duration_seconds > 1800 → velero_backup_duration_seconds > 3600  [all 3 clusters]"),
        "{summary}"
    );
    assert!(!summary.contains("severity=\"warning\"}`"), "{summary}");
    // The warning variant made critical (with a label keeping the two
    // apart): its change and where it is routed now, as that variant.
    let (summary, _) = review_between(
        &base,
        &with_pair(
            &format!(
                "{}\n    labels: {{tier: slow}}",
                warning.replace("warning", "critical")
            ),
            critical,
        ),
    );
    assert!(
        summary.contains("~ `VeleroBackupSlow{severity=\"warning\"}`: labels "),
        "{summary}"
    );
    assert!(
        summary.contains("alert `VeleroBackupSlow{severity=\"warning\"}`: slack-general → slack-critical, pagerduty-backup  [prod-eu-1, prod-us-1]"),
        "{summary}"
    );
    assert!(!summary.contains("severity=\"critical\"}`"), "{summary}");
}

#[test]
fn a_panel_option_and_prometheus_storage_are_semantic_changes() {
    let edited = edit(
        "            unit: percent\n",
        "            unit: percentunit\n",
    )
    .replacen("  storage: {size: 100Gi}", "  storage: {size: 200Gi}", 1);
    let (summary, code) = review(&edited);
    assert_eq!(code, Some(1));
    assert!(
        summary.contains("unit percent → percentunit"),
        "a panel's unit must show:\n{summary}"
    );
    assert!(
        summary.contains("storage 100Gi → 200Gi"),
        "the Prometheus storage must show:\n{summary}"
    );
}

#[test]
fn a_change_in_one_environment_names_its_clusters() {
    let (summary, _) = review(&edit(
        "    for: 10m\n",
        "    for: 10m\n    clusters: environment=production\n",
    ));
    assert!(
        summary.contains("- `VeleroStorageLocationUnavailable` removed  [staging-eu-1]"),
        "{summary}"
    );
}

#[test]
fn a_change_touching_every_cluster_is_folded_into_one_line() {
    let (summary, _) = review(&edit(
        "  evaluation_interval: 30s",
        "  evaluation_interval: 1m",
    ));
    assert!(
        summary.contains("~ `apps`: evaluation_interval 30s → 1m  [all 3 clusters]"),
        "{summary}"
    );
    assert_eq!(
        summary.matches("evaluation_interval").count(),
        2,
        "one line per shard, not per cluster:\n{summary}"
    );
}

#[test]
fn a_new_receiver_and_route_show_their_routing_consequence() {
    let with_receiver = edit(
        "    - name: pagerduty-backup\n",
        "    - name: slack-backup\n      slack:\n        channel: \"#backup\"\n        webhook_url_file: /etc/alertmanager/secrets/slack/backup\n    - name: pagerduty-backup\n",
    );
    let edited = with_receiver
        .replacen(
            "    routes:\n",
            "    routes:\n      - matchers: ['team=\"backup\"', 'severity=\"warning\"']\n        receiver: slack-backup\n",
            1,
        )
        .replacen("      expect: [slack-general]", "      expect: [slack-backup]", 1);
    let (summary, _) = review(&edited);
    assert!(
        summary.contains("Receivers:\n    + `slack-backup` added  [all 3 clusters]"),
        "{summary}"
    );
    assert!(
        summary.contains("Routes:\n    + `root > team=\"backup\", severity=\"warning\"` added"),
        "{summary}"
    );
    assert!(
        summary.contains("routing test {alertname=\"VeleroBackupSuccessRateLow\", severity=\"warning\", team=\"backup\"}: slack-general → slack-backup  [all 3 clusters]"),
        "{summary}"
    );
    assert!(
        summary.contains("alert `VeleroBackupSuccessRateLow`: slack-general → slack-backup"),
        "{summary}"
    );
}

/// A repository whose first commit holds the three-file teams fixture
/// under `specs/`; `edit` changes the work tree's copy before review.
fn teams_review(edit: impl Fn(&Path)) -> String {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/teams");
    for file in ["platform.yaml", "teams/payments.yaml", "teams/search.yaml"] {
        let to = d.join("specs").join(file);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(fixture.join(file), to).unwrap();
    }
    git(d, &["init", "-q"]);
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "base"]);
    edit(&d.join("specs"));
    let out = monocle(&["diff", "--base", "HEAD", "--stat"], d);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.split("\n\n").next().unwrap_or_default().to_owned()
}

/// A team changes a route in its own file: the review names the route and
/// shows which routing tests (of any file, at their instants) now reach
/// which receivers, before → after.
#[test]
fn a_team_s_route_change_shows_who_its_tests_reach_now() {
    let summary = teams_review(|specs| {
        let path = specs.join("teams/search.yaml");
        let text = std::fs::read_to_string(&path).unwrap();
        let from = "    - matchers: ['team=\"search\"', 'severity=~\"critical|warning\"']\n      receiver: search-slack\n";
        assert!(text.contains(from), "search.yaml lacks its route");
        let to = "    - matchers: ['team=\"search\"', 'severity=~\"critical|warning\"']\n      receiver: search-email\n";
        // The team updates its tests with the route, as check requires.
        let text = text
            .replacen(from, to, 1)
            .replace("expect: [search-slack]", "expect: [search-email]");
        std::fs::write(&path, text).unwrap();
    });
    assert!(
        summary.contains("`root > team=\"search\", severity=~\"critical|warning\"`"),
        "{summary}"
    );
    assert!(
        summary.contains(
            "routing test {alertname=\"IndexLag\", severity=\"warning\", team=\"search\"}: search-slack → search-email  [all 2 clusters]"
        ),
        "{summary}"
    );
    assert!(
        summary.contains(
            "routing test {alertname=\"IndexLag\", severity=\"warning\", team=\"search\"} at 2026-12-07T03:00:00Z: search-slack → search-email"
        ),
        "{summary}"
    );
    // At the instant the route is muted nobody is notified either way: no line.
    assert!(!summary.contains("at 2026-12-06T03:00:00Z"), "{summary}");
}

#[test]
fn a_removed_dashboard_is_reported() {
    let text = fleet();
    let start = text.find("dashboards:\n").unwrap();
    let end = text.find("monitor:\n").unwrap();
    let edited = format!("{}{}", &text[..start], &text[end..]);
    let (summary, _) = review(&edited);
    assert!(
        summary.contains("- `velero-daily-overview` removed  [all 3 clusters]"),
        "{summary}"
    );
}

#[test]
fn a_change_to_a_shared_file_is_one_diff_naming_the_clusters_using_it() {
    let dir = repo_with(&edit(
        "expr: velero_cluster_backup_success_rate < 85",
        "expr: velero_cluster_backup_success_rate < 80",
    ));
    let out = monocle(&["diff", "--base", "HEAD", "--stat"], dir.path());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            " shared/rules/velero-manager/velero-manager.yaml | +1 -1 \
             (used by 3 clusters: prod-eu-1, prod-us-1, staging-eu-1)\n"
        ),
        "{text}"
    );
    assert!(text.contains(" 1 files changed"), "{text}");
    let out = monocle(&["diff", "--base", "HEAD"], dir.path());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "# shared/rules/velero-manager/velero-manager.yaml: used by 3 clusters: \
             prod-eu-1, prod-us-1, staging-eu-1\n"
        ),
        "{text}"
    );
}

#[test]
fn markdown_review_has_the_summary_and_collapsed_file_diffs() {
    let dir = repo_with(&edit("  replicas: 2\n", "  replicas: 3\n"));
    let d = dir.path();
    let out = monocle(&["diff", "--base", "HEAD", "--format", "markdown"], d);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("### monocle: semantic changes"), "{text}");
    // staging-eu-1 overrides replicas, so only production changes.
    assert!(
        text.contains("- ~ `apps`: replicas 2 → 3 — _prod-eu-1, prod-us-1_"),
        "{text}"
    );
    assert!(
        text.contains("<details><summary>Generated files:") && text.contains("```diff\n"),
        "{text}"
    );
}

#[test]
fn github_annotations_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.yaml"),
        "version: 1\nclusters:\n  - name: prod\n    regoin: eu\nservices:\n  - name: api\n    namespace: api\n    team: web\n    selector: \"app in (a\"\n    endpoints: [{port: http}]\n",
    )
    .unwrap();
    let out = monocle(&["check", "bad.yaml", "--format", "github"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    common::snapshots().bind(|| insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout)));
    // A semantic error beside a warning: both become annotations.
    std::fs::write(dir.path().join("bad.yaml"), "version: 1\nclusters:\n  - name: prod\nservices:\n  - name: api\n    namespace: api\n    team: web\n    selector: app=api\n    endpoints: [{port: http}]\nalerts:\n  - name: ApiDown\n    service: apx\n    expr: up == 0\n    severity: critical\n    summary: down\n").unwrap();
    let out = monocle(&["compile", "bad.yaml", "--format", "github"], dir.path());
    common::snapshots().bind(|| {
        insta::assert_snapshot!("github_semantic", String::from_utf8_lossy(&out.stdout));
    });
}

#[test]
fn the_ci_workflow_is_valid_yaml_calling_only_real_commands() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("examples/ci/github-actions.yaml")).unwrap();
    let workflow = common::yaml_value(&text);
    let steps = workflow["jobs"]["monocle"]["steps"]
        .as_array()
        .expect("steps");
    let mut calls = 0;
    for step in steps {
        let Some(run) = step["run"].as_str() else {
            continue;
        };
        for command in run
            .split(['|', '>', ';'])
            .map(str::trim)
            .filter(|c| c.starts_with("monocle "))
        {
            let words: Vec<&str> = command.split_whitespace().collect();
            let help = monocle(&[words[1], "--help"], root);
            assert_eq!(
                help.status.code(),
                Some(0),
                "`{command}`: no such subcommand"
            );
            let help = String::from_utf8_lossy(&help.stdout).into_owned();
            for flag in words.iter().filter(|w| w.starts_with("--")) {
                assert!(
                    help.contains(*flag),
                    "`{command}`: `{flag}` is not a flag of `monocle {}`",
                    words[1]
                );
            }
            calls += 1;
        }
    }
    assert!(
        calls >= 3,
        "the workflow should run check, compile --check and diff"
    );
    let hooks =
        common::yaml_value(&std::fs::read_to_string(root.join(".pre-commit-hooks.yaml")).unwrap());
    for hook in hooks.as_array().unwrap() {
        let entry = hook["entry"].as_str().unwrap();
        let words: Vec<&str> = entry.split_whitespace().collect();
        assert_eq!(words[0], "monocle");
        assert_eq!(
            monocle(&[words[1], "--help"], root).status.code(),
            Some(0),
            "{entry}"
        );
    }
}

#[test]
fn fmt_is_idempotent_and_keeps_every_comment_of_fleet_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("specs")).unwrap();
    std::fs::write(d.join("specs/fleet.yaml"), fleet()).unwrap();
    let out = monocle(&["fmt"], d);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let once = std::fs::read_to_string(d.join("specs/fleet.yaml")).unwrap();
    assert_eq!(
        monocle(&["fmt", "--check"], d).status.code(),
        Some(0),
        "fmt is not idempotent"
    );
    assert_eq!(monocle(&["fmt"], d).status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(d.join("specs/fleet.yaml")).unwrap(),
        once
    );
    let comments = |text: &str| -> Vec<String> {
        let mut c: Vec<String> = text
            .lines()
            .filter(|l| l.trim_start().starts_with('#'))
            .map(|l| l.trim().to_owned())
            .collect();
        c.sort();
        c
    };
    assert_eq!(comments(&fleet()), comments(&once));
    // Same meaning: both compile to the same files.
    let original = tempfile::tempdir().unwrap();
    std::fs::create_dir(original.path().join("specs")).unwrap();
    std::fs::write(original.path().join("specs/fleet.yaml"), fleet()).unwrap();
    assert!(
        common::compile_ok(d.join("specs")) == common::compile_ok(original.path().join("specs")),
        "formatting changed what the spec compiles to"
    );
    // And --check notices an unformatted file: a cluster's name not first.
    let canonical = "  - name: prod-us-1\n    environment: production\n";
    assert_eq!(fleet().matches(canonical).count(), 1);
    let unformatted = fleet().replace(
        canonical,
        "  - environment: production\n    name: prod-us-1\n",
    );
    std::fs::write(d.join("specs/fleet.yaml"), unformatted).unwrap();
    assert_eq!(monocle(&["fmt", "--check"], d).status.code(), Some(1));
}

#[test]
fn spec_text_in_a_markdown_review_is_escaped() {
    // A summary that would hide the rest of the comment, forge a heading on
    // a line of its own, show an image and a link, and break out of a code
    // span.
    let hostile = r#"    summary: "No backup <!-- ![x](https://e.example/x.png) [y](https://e.example) `x` \n# Forged ~~gone~~ <b>bold</b>""#;
    let dir = repo_with(&edit(
        "    summary: No successful backup in 24 hours",
        hostile,
    ));
    let out = monocle(
        &["diff", "--base", "HEAD", "--format", "markdown"],
        dir.path(),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let summary = text.split("<details>").next().unwrap();
    assert!(summary.contains("No backup"), "{text}");
    for forged in ["<!--", "![", "](", "<b>", "~~"] {
        assert!(!summary.contains(forged), "{forged:?} in:\n{summary}");
    }
    assert!(
        summary.lines().filter(|l| l.starts_with('#')).count() == 1,
        "only the review's own heading:\n{summary}"
    );
    // The file diffs sit in a block no line of theirs can close.
    let fence = text
        .lines()
        .find(|l| l.starts_with("```") && l.ends_with("diff"))
        .unwrap();
    let fence = fence.trim_end_matches("diff");
    assert_eq!(
        text.lines()
            .filter(|l| l.trim_start().starts_with(fence))
            .count(),
        2,
        "{text}"
    );
}
