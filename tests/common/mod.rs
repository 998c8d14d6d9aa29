//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::Path;

use monocle::write::Artifact;

/// Compiles a spec that must be valid, failing the test with its rendered
/// diagnostics otherwise.
pub fn compile_ok(path: impl AsRef<Path>) -> Vec<Artifact> {
    match monocle::compile(path.as_ref()) {
        Ok(compiled) => compiled.artifacts,
        Err(monocle::CompileError::Spec { sources, diags }) => panic!(
            "{} does not compile:\n{}",
            path.as_ref().display(),
            monocle::render::render(&diags, &sources, monocle::render::Format::Short, false)
        ),
        Err(monocle::CompileError::Io { path, source }) => {
            panic!("cannot read {}: {source}", path.display())
        }
    }
}

/// A YAML or JSON file as a JSON value.
pub fn yaml_value(text: &str) -> serde_json::Value {
    serde_saphyr::from_str(text).expect("valid YAML")
}

pub fn validator(schema_path: &str) -> jsonschema::Validator {
    let text =
        std::fs::read_to_string(schema_path).unwrap_or_else(|e| panic!("{schema_path}: {e}"));
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

/// All validation errors, one per line (empty when valid).
pub fn schema_errors(validator: &jsonschema::Validator, value: &serde_json::Value) -> String {
    validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect::<Vec<_>>()
        .join("\n")
}
