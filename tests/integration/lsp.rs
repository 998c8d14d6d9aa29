//! `monocle lsp` driven over stdio as an editor drives it: every
//! error-corpus case gives the same codes and ranges as `monocle check
//! --format json`; a change is re-checked with its siblings; hover,
//! completion and go-to-definition answer on the reference spec.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::common;
use crate::lsp_client::{Client, uri};

fn server(root: &Path) -> Client {
    Client::start(Path::new(env!("CARGO_BIN_EXE_monocle")), &["lsp"], root)
}

/// A corpus case copied into a folder of its own (the spec folder the
/// server checks), and the file to open in it.
fn case_folder(case: &Path, into: &Path) -> PathBuf {
    let folder = into.join(case.file_stem().unwrap());
    std::fs::create_dir_all(&folder).unwrap();
    if case.is_dir() {
        // Pack folders below the case come along.
        let mut files: Vec<PathBuf> = walkdir::WalkDir::new(case)
            .into_iter()
            .map(|e| e.unwrap().into_path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        for file in &files {
            let to = folder.join(file.strip_prefix(case).unwrap());
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(file, to).unwrap();
        }
        let top = files.iter().find(|f| f.parent() == Some(case)).unwrap();
        folder.join(top.file_name().unwrap())
    } else {
        let file = folder.join(case.file_name().unwrap());
        std::fs::copy(case, &file).unwrap();
        file
    }
}

/// (code, file name, [start line, start column, end line, end column]), 1-based.
type Found = (String, String, [u64; 4]);

/// What `monocle check --format json` reports for a folder.
fn check_json(folder: &Path) -> BTreeSet<Found> {
    let output = common::monocle(
        &["check", "--format", "json", folder.to_str().unwrap()],
        folder,
    );
    let items: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap_or_default();
    items
        .iter()
        .map(|d| {
            let file = d["file"].as_str().unwrap_or_default();
            let name = Path::new(file)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned());
            // A problem with no place (an empty folder) is at 1:1 in an
            // editor, which has no other place to show it.
            let at = d["line"].as_u64().map_or([1, 1, 1, 1], |line| {
                [
                    line,
                    d["column"].as_u64().unwrap_or_default(),
                    d["end_line"].as_u64().unwrap_or_default(),
                    d["end_column"].as_u64().unwrap_or_default(),
                ]
            });
            (
                d["code"].as_str().unwrap_or_default().to_owned(),
                name.unwrap_or_default(),
                at,
            )
        })
        .collect()
}

/// What the server publishes for a file, in the same terms.
fn published(client: &mut Client, file: &Path) -> BTreeSet<Found> {
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    client
        .diagnostics(file)
        .iter()
        .map(|d| {
            let range = &d["range"];
            let n = |v: &Value| v.as_u64().unwrap_or_default() + 1;
            let at = [
                n(&range["start"]["line"]),
                n(&range["start"]["character"]),
                n(&range["end"]["line"]),
                n(&range["end"]["character"]),
            ];
            (
                d["code"].as_str().unwrap_or_default().to_owned(),
                name.clone(),
                at,
            )
        })
        .collect()
}

#[test]
fn every_corpus_case_gives_the_codes_and_ranges_of_check() {
    let dir = tempfile::tempdir().unwrap();
    let mut cases: Vec<PathBuf> = std::fs::read_dir("tests/errors")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name() != Some("snapshots".as_ref()))
        .collect();
    cases.sort();
    let mut client = server(dir.path());
    let mut differences = Vec::new();
    for case in &cases {
        let file = case_folder(case, dir.path());
        let folder = file.parent().unwrap();
        let mut expected = check_json(folder);
        // The server publishes per file: compare this file's problems
        // (and those without a file).
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        expected.retain(|(_, f, _)| *f == name || f.is_empty());
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        client.open(&file, &text);
        let got = published(&mut client, &file);
        if got != expected {
            differences.push(format!(
                "{}:\n  check: {expected:?}\n  lsp:   {got:?}",
                case.display()
            ));
        }
    }
    assert!(
        differences.is_empty(),
        "monocle lsp and monocle check disagree:\n{}",
        differences.join("\n")
    );
}

/// A team's own file beside the reference spec: an alert on a service
/// that fleet.yaml defines.
const TEAM: &str = "version: 1\nalerts:\n  - name: VeleroTeamBackupSlow\n    service: velero\n    expr: histogram_quantile(0.99, sum by (le) (rate(velero_backup_duration_seconds_bucket[1h]))) > 3600\n    severity: warning\n    summary: Backups take over an hour\n";

/// The reference spec and [`TEAM`] in a folder of their own.
fn reference(dir: &Path) -> PathBuf {
    for file in ["fleet.yaml", "velero-operations.yaml"] {
        std::fs::copy(Path::new("specs").join(file), dir.join(file)).unwrap();
    }
    std::fs::write(dir.join("team.yaml"), TEAM).unwrap();
    dir.join("fleet.yaml")
}

/// The 0-based (line, character) of the first `needle` after line `from`.
fn find(text: &str, needle: &str, from: usize) -> (usize, usize) {
    text.lines()
        .enumerate()
        .skip(from)
        .find_map(|(n, line)| line.find(needle).map(|c| (n, c)))
        .unwrap_or_else(|| panic!("`{needle}` not in the text"))
}

fn at(file: &Path, (line, character): (usize, usize)) -> Value {
    json!({"textDocument": {"uri": uri(file)}, "position": {"line": line, "character": character}})
}

#[test]
fn a_change_is_checked_with_its_siblings_and_fixed_again() {
    let dir = tempfile::tempdir().unwrap();
    let fleet = reference(dir.path());
    let team = dir.path().join("team.yaml");
    let text = std::fs::read_to_string(&team).unwrap();
    let mut client = server(dir.path());
    client.open(&team, &text);
    assert_eq!(client.diagnostics(&team), Vec::<Value>::new());
    // The team file names a service another file defines; renaming the
    // reference breaks it there and nowhere else.
    let (line, column) = find(&text, "service: velero", 0);
    let broken: String = text
        .lines()
        .enumerate()
        .map(|(n, l)| {
            if n == line {
                format!("{}service: veleroo\n", &l[..column])
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&team), "version": 2}, "contentChanges": [{"text": broken}]}),
    );
    let diagnostics = client.diagnostics(&team);
    assert!(
        diagnostics
            .iter()
            .any(|d| d["code"] == "monocle::refs::unknown_service"
                && d["range"]["start"]["line"] == json!(line)),
        "{diagnostics:?}"
    );
    assert!(fleet.exists());
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&team), "version": 3}, "contentChanges": [{"text": text}]}),
    );
    assert_eq!(client.diagnostics(&team), Vec::<Value>::new());
}

#[test]
fn a_sibling_written_on_disk_after_open_is_checked_on_the_next_change() {
    let dir = tempfile::tempdir().unwrap();
    reference(dir.path());
    let team = dir.path().join("team.yaml");
    let text = std::fs::read_to_string(&team).unwrap();
    let mut client = server(dir.path());
    client.open(&team, &text);
    assert_eq!(client.diagnostics(&team), Vec::<Value>::new());
    // Written by another tool (a `git pull`), not through the editor.
    let sibling = dir.path().join("other.yaml");
    let written = TEAM
        .replace("VeleroTeamBackupSlow", "OtherTeamAlert")
        .replace("service: velero", "service: nosuch");
    std::fs::write(&sibling, &written).unwrap();
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&team), "version": 2}, "contentChanges": [{"text": text}]}),
    );
    let line = find(&written, "service: nosuch", 0).0;
    let diagnostics = client.diagnostics(&sibling);
    assert!(
        diagnostics
            .iter()
            .any(|d| d["code"] == "monocle::refs::unknown_service"
                && d["range"]["start"]["line"] == json!(line)),
        "{diagnostics:?}"
    );
}

#[test]
fn hover_completion_and_definition_answer_on_the_reference_spec() {
    let dir = tempfile::tempdir().unwrap();
    let fleet = reference(dir.path());
    let team = dir.path().join("team.yaml");
    let text = std::fs::read_to_string(&team).unwrap();
    let mut client = server(dir.path());
    client.open(&team, &text);
    assert_eq!(client.diagnostics(&team), Vec::<Value>::new());

    // Hover on a key shows the field's documentation.
    let (line, column) = find(&text, "expr:", 0);
    let hover = client.request("textDocument/hover", at(&team, (line, column + 1)));
    let shown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(shown.contains("**expr**") && shown.len() > 20, "{hover}");

    // Go to definition: the service an alert names is defined in fleet.yaml.
    let (line, column) = find(&text, "service: velero", 0);
    let target = client.request(
        "textDocument/definition",
        at(&team, (line, column + "service: ".len() + 2)),
    );
    assert_eq!(target["uri"], json!(uri(&fleet)), "{target}");
    let fleet_text = std::fs::read_to_string(&fleet).unwrap();
    let defined = target["range"]["start"]["line"].as_u64().unwrap() as usize;
    assert!(
        fleet_text
            .lines()
            .nth(defined)
            .unwrap()
            .contains("name: velero"),
        "{target}"
    );

    // Completion of a value: the services the folder defines.
    let completing = format!("{text}  - service: \n");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&team), "version": 2}, "contentChanges": [{"text": completing}]}),
    );
    let line = completing.lines().count() - 1;
    let items = client.request(
        "textDocument/completion",
        at(&team, (line, "  - service: ".len())),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert!(labels.contains(&"velero"), "{labels:?}");

    // Completion of keys: those of an alert not written yet.
    let completing = format!("{text}  - name: X\n    \n");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&team), "version": 3}, "contentChanges": [{"text": completing}]}),
    );
    let line = completing.lines().count() - 1;
    let items = client.request("textDocument/completion", at(&team, (line, 4)));
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert!(
        labels.contains(&"expr") && labels.contains(&"severity") && !labels.contains(&"name"),
        "{labels:?}"
    );
}

#[test]
fn completion_offers_packs_their_params_and_their_alerts() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("spec.yaml");
    let mut client = server(dir.path());
    let labels =
        |client: &mut crate::lsp_client::Client, text: &str, at_line: usize, column: usize| {
            client.open(&file, text);
            let items = client.request("textDocument/completion", at(&file, (at_line, column)));
            items
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|i| i["label"].as_str().map(str::to_owned))
                .collect::<Vec<String>>()
        };
    let names = labels(&mut client, "version: 1\npacks:\n  - name: \n", 2, 10);
    assert!(names.iter().any(|n| n == "node"), "{names:?}");
    let params = labels(
        &mut client,
        "version: 1\npacks:\n  - name: node\n    params:\n      \n",
        4,
        6,
    );
    assert!(params.iter().any(|n| n == "namespace"), "{params:?}");
    let alerts = labels(
        &mut client,
        "version: 1\npacks:\n  - name: node\n    alerts:\n      \n",
        4,
        6,
    );
    assert!(
        alerts.iter().any(|n| n == "NodeFilesystemSpaceFillingUp"),
        "{alerts:?}"
    );
}

#[test]
fn completion_and_definition_know_receivers_and_time_intervals() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("spec.yaml");
    let text = "version: 1
clusters:
  - name: prod
routing:
  receivers:
    - name: oncall
  time_intervals:
    - name: weekends
      intervals:
        - weekdays: [saturday, sunday]
  route:
    receiver: oncall
    routes:
      - matchers: ['team=\"web\"']
        receiver: oncall
        mute_time_intervals:
          - weekends
";
    std::fs::write(&file, text).unwrap();
    let mut client = server(dir.path());
    client.open(&file, text);
    let labels = |items: Value| -> Vec<String> {
        items
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|i| i["label"].as_str().map(str::to_owned))
            .collect()
    };
    let receivers = labels(client.request("textDocument/completion", at(&file, (11, 14))));
    assert!(receivers.iter().any(|n| n == "oncall"), "{receivers:?}");
    let target = client.request("textDocument/definition", at(&file, (16, 13)));
    assert_eq!(target["range"]["start"]["line"], 7, "{target}");
    let completing = format!("{text}          - \n");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&file), "version": 2}, "contentChanges": [{"text": completing}]}),
    );
    let intervals = labels(client.request("textDocument/completion", at(&file, (17, 12))));
    assert!(intervals.iter().any(|n| n == "weekends"), "{intervals:?}");
}

#[test]
fn a_shard_only_a_cluster_lists_completes_and_resolves() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("spec.yaml");
    let text = "version: 1
prometheus:
  shards:
    - name: apps
clusters:
  - name: prod
  - name: edge
    prometheus:
      shards:
        - name: apps
        - name: batch
services:
  - name: reports
    shard: batch
";
    std::fs::write(&file, text).unwrap();
    let mut client = server(dir.path());
    client.open(&file, text);
    let target = client.request("textDocument/definition", at(&file, (13, 12)));
    assert_eq!(target["range"]["start"]["line"], 10, "{target}");
    let shards: Vec<String> = client
        .request("textDocument/completion", at(&file, (13, 11)))
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["label"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(shards, ["apps", "batch"]);
}
