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
    let fleet = common::yaml_value(&std::fs::read_to_string("specs/fleet.yaml").unwrap());
    let errors = common::schema_errors(&validator, &fleet);
    assert!(
        errors.is_empty(),
        "specs/fleet.yaml fails the schema:\n{errors}"
    );
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
