//! The spec's JSON schema: fresh, accepted by the reference spec, and
//! failing the corpus fixtures that are schema errors.

use crate::common;

const SCHEMA: &str = "schemas/monocle.schema.json";

#[test]
fn checked_in_schema_is_fresh() {
    let on_disk = std::fs::read_to_string(SCHEMA).unwrap_or_default();
    assert!(
        on_disk == monocle::schema::schema_text(),
        "{SCHEMA} is stale: run `cargo run -- schema > {SCHEMA}`"
    );
}

#[test]
fn reference_spec_validates_against_the_schema() {
    let validator = common::validator(SCHEMA);
    let mut checked = 0;
    for entry in std::fs::read_dir("specs").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let spec = common::yaml_value(&std::fs::read_to_string(&path).unwrap());
        let errors = common::schema_errors(&validator, &spec);
        assert!(
            errors.is_empty(),
            "{} fails the schema:\n{errors}",
            path.display()
        );
        checked += 1;
    }
    assert!(checked > 0, "no spec in specs/");
}

#[test]
fn reference_spec_points_editors_at_the_schema() {
    let first = std::fs::read_to_string("specs/fleet.yaml").unwrap();
    assert!(first.starts_with("# yaml-language-server: $schema=../schemas/monocle.schema.json"));
}

#[test]
fn schema_error_fixtures_fail_the_schema() {
    let validator = common::validator(SCHEMA);
    let mut checked = 0;
    for entry in std::fs::read_dir("tests/errors").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let is_schema_error = text.lines().next().is_some_and(|l| {
            l.contains("monocle::schema::") || l.contains("monocle::routing::inline_secret")
        });
        if !is_schema_error {
            continue;
        }
        let Ok(value) = serde_saphyr::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        assert!(
            !common::schema_errors(&validator, &value).is_empty(),
            "{} is a schema error fixture but passes the schema",
            path.display()
        );
        checked += 1;
    }
    assert!(
        checked >= 4,
        "expected several schema-error fixtures, found {checked}"
    );
}

/// The diagnostic codes whose checks the published schema expresses too
/// (patterns, bounds, `const`, `oneOf`, absolute paths): an editor flags
/// these while typing. The rest (references, PromQL, routing tests, ...)
/// need monocle itself (`monocle check`, `monocle lsp`).
const SCHEMA_EXPRESSES: &[&str] = &[
    "monocle::schema::invalid_value",
    "monocle::schema::missing_key",
    "monocle::schema::unknown_key",
    "monocle::schema::wrong_type",
    "monocle::spec::unsupported_version",
    "monocle::names::invalid_dns_name",
    "monocle::names::invalid_alert_name",
    "monocle::names::invalid_record_name",
    "monocle::units::invalid_duration",
    "monocle::units::invalid_size",
    "monocle::units::invalid_quantity",
    "monocle::slo::invalid_objective",
    "monocle::slo::invalid_sli",
    "monocle::names::invalid_slo_name",
    "monocle::slo::windows_invalid_budget",
    "monocle::alerts::invalid_runbook",
    "monocle::alloy::invalid_url",
    "monocle::prometheus::invalid_url",
    "monocle::secrets::invalid_secret_file",
    "monocle::routing::slack_webhook",
    "monocle::routing::pagerduty_key",
    "monocle::routing::webhook_url",
    "monocle::routing::opsgenie_key",
    "monocle::routing::email_password",
    "monocle::routing::inline_secret",
    "monocle::cardinality::sample_limit_zero",
    "monocle::dashboards::invalid_width",
    "monocle::dashboards::invalid_height",
    "monocle::services::invalid_path",
];

/// The YAML error-corpus cases: (path, expected code, text).
fn corpus() -> Vec<(std::path::PathBuf, String, String)> {
    let mut cases = Vec::new();
    for entry in std::fs::read_dir("tests/errors").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let code = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect: "))
            .and_then(|l| l.split_whitespace().next())
            .unwrap_or_default()
            .to_owned();
        cases.push((path, code, text));
    }
    cases.sort();
    cases
}

/// The cases the published schema rejects, and those it should but does not.
fn schema_flagged() -> (Vec<(std::path::PathBuf, String)>, Vec<String>) {
    let validator = common::validator(SCHEMA);
    let (mut flagged, mut missed) = (Vec::new(), Vec::new());
    for (path, code, text) in corpus() {
        // An empty document is the loader's concern (`load::empty_file`);
        // editors show nothing for one.
        let Ok(value) = serde_saphyr::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        if value.is_null() {
            continue;
        }
        if !common::schema_errors(&validator, &value).is_empty() {
            flagged.push((path, text));
        } else if SCHEMA_EXPRESSES.contains(&code.as_str()) {
            missed.push(format!("{} ({code})", path.display()));
        }
    }
    (flagged, missed)
}

#[test]
fn the_published_schema_flags_every_case_it_can_express() {
    let (flagged, missed) = schema_flagged();
    assert!(
        missed.is_empty(),
        "the published schema accepts these corpus cases:\n{}",
        missed.join("\n")
    );
    assert!(!flagged.is_empty());
}

#[test]
fn the_editor_pass_finds_every_place_it_annotates() {
    let (_, missed) = monocle::schema::editor::annotate(monocle::schema::schema().clone());
    assert!(
        missed.is_empty(),
        "the editor schema pass did not find (renamed field? new enum value without a description in src/schema/editor.rs?):\n{}",
        missed.join("\n")
    );
}

/// What yaml-language-server says of a corpus case, one line per diagnostic.
fn language_server_messages(
    client: &mut crate::lsp_client::Client,
    dir: &std::path::Path,
    path: &std::path::Path,
    text: &str,
) -> Vec<String> {
    // The corpus' first line is its `# expect:` comment: a modeline in its
    // place points the server at the schema and keeps every line number.
    let schema = crate::lsp_client::uri(&dir.join("monocle.schema.json"));
    let rest = text.split_once('\n').map_or("", |(_, rest)| rest);
    let text = format!("# yaml-language-server: $schema={schema}\n{rest}");
    let file = dir.join(path.file_name().unwrap());
    std::fs::write(&file, &text).unwrap();
    client.open(&file, &text);
    client
        .diagnostics(&file)
        .iter()
        .map(|d| {
            format!(
                "{}:{}: {}",
                d["range"]["start"]["line"].as_u64().unwrap_or_default() + 1,
                d["range"]["start"]["character"]
                    .as_u64()
                    .unwrap_or_default()
                    + 1,
                d["message"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

/// Under `CI=true` a missing yaml-language-server (npm) fails this test.
#[test]
fn yaml_language_server_flags_every_schema_case_with_a_readable_message() {
    let Some(server) = common::tool("yaml-language-server") else {
        return;
    };
    let (flagged, _) = schema_flagged();
    let dir = tempfile::tempdir().unwrap();
    let schema = dir.path().join("monocle.schema.json");
    std::fs::copy(SCHEMA, &schema).unwrap();
    let mut client = crate::lsp_client::Client::start(&server, &["--stdio"], dir.path());
    let mut failures = Vec::new();
    let mut report = Vec::new();
    for (path, text) in &flagged {
        let messages = language_server_messages(&mut client, dir.path(), path, text);
        let name = path.file_name().unwrap().to_string_lossy();
        // Raw regexes and "matches a schema that is not allowed" read as
        // noise; each schema keyword the editor pass adds has a message.
        let unreadable = messages
            .iter()
            .filter(|m| {
                m.contains("does not match the pattern")
                    || m.contains("^(")
                    || m.contains("Matches a schema that is not allowed")
            })
            .collect::<Vec<_>>();
        if messages.is_empty() {
            failures.push(format!("{name}: no diagnostic"));
        } else if !unreadable.is_empty() {
            failures.push(format!("{name}: unreadable: {unreadable:?}"));
        }
        report.push(format!("{name}\n  {}", messages.join("\n  ")));
    }
    if std::env::var_os("MONOCLE_SHOW_LSP").is_some() {
        eprintln!("{}", report.join("\n"));
    }
    assert!(
        failures.is_empty(),
        "yaml-language-server on the error corpus:\n{}\n\nall messages:\n{}",
        failures.join("\n"),
        report.join("\n")
    );
}
