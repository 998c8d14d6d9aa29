//! The spec's JSON schema, generated from the spec types, and a small walker
//! over it that the KDL reader and the schema-error mapper share. The
//! published schema (`schemas/monocle.schema.json`, for editors) is this
//! one plus what only an editor needs ([`editor`]).

pub mod editor;

use std::sync::OnceLock;

use schemars::generate::SchemaSettings;
use serde_json::Value;

use crate::spec::SpecFile;

/// The schema as a JSON value (generated once per process).
pub fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let generator = SchemaSettings::draft2020_12().into_generator();
        let mut value = generator.into_root_schema_for::<SpecFile>().to_value();
        drop_null(&mut value);
        value
    })
}

/// `Option` means "may be left out", not "may be null": a YAML `key:` with
/// no value is a mistake worth reporting, so null is removed from the schema.
fn drop_null(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".into(), only);
                }
            }
            let null_branch = |v: &Value| v.get("type").is_some_and(|t| t == "null");
            if let Some(Value::Array(alts)) = map.get("anyOf")
                && alts.len() == 2
                && alts.iter().any(null_branch)
            {
                let other = alts.iter().find(|v| !null_branch(v)).cloned();
                map.remove("anyOf");
                if let Some(Value::Object(other)) = other {
                    for (k, v) in other {
                        map.entry(k).or_insert(v);
                    }
                }
            }
            map.values_mut().for_each(drop_null);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_null),
        _ => {}
    }
}

/// The published schema: the checker's plus the editor's keywords.
pub fn published() -> Value {
    editor::annotate(schema().clone()).0
}

/// The schema text checked in as `schemas/monocle.schema.json`.
pub fn schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&published()).unwrap_or_default();
    text.push('\n');
    text
}

/// Follows `$ref`s to the definition a subschema stands for.
pub fn resolve(mut schema: &Value) -> &Value {
    for _ in 0..16 {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let name = reference.trim_start_matches("#/$defs/");
                match self::schema().get("$defs").and_then(|d| d.get(name)) {
                    Some(def) => schema = def,
                    None => break,
                }
            }
            None => break,
        }
    }
    schema
}

/// The alternatives of a subschema (`anyOf`/`oneOf`), resolved; the schema
/// itself when it has none.
pub fn alternatives(schema: &Value) -> Vec<&Value> {
    let schema = resolve(schema);
    for key in ["anyOf", "oneOf"] {
        if let Some(list) = schema.get(key).and_then(Value::as_array) {
            return list.iter().map(resolve).collect();
        }
    }
    vec![schema]
}

/// The JSON type a (resolved) subschema expects, if it names one.
pub fn type_of(schema: &Value) -> Option<&str> {
    let schema = resolve(schema);
    match schema.get("type") {
        Some(Value::String(t)) => Some(t),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).find(|t| *t != "null"),
        _ if schema.get("enum").is_some() || schema.get("const").is_some() => Some("string"),
        _ => None,
    }
}

/// The object alternative of a subschema, when it can be a map.
pub fn object_schema(schema: &Value) -> Option<&Value> {
    alternatives(schema)
        .into_iter()
        .find(|s| type_of(s) == Some("object"))
}

/// The declared properties of an object schema.
pub fn property<'a>(object: &'a Value, name: &str) -> Option<&'a Value> {
    object.get("properties").and_then(|p| p.get(name))
}

pub fn property_names(object: &Value) -> Vec<&str> {
    object
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

/// The schema of the value at an instance path (keys and list indices).
pub fn at_path<'a>(path: impl IntoIterator<Item = &'a str>) -> Option<&'static Value> {
    let mut current: &'static Value = schema();
    for segment in path {
        let alts = alternatives(current);
        current = alts.iter().find_map(|alt| match type_of(alt) {
            Some("object") => property(alt, segment)
                .or_else(|| alt.get("additionalProperties").filter(|v| v.is_object())),
            Some("array") => alt.get("items"),
            _ => None,
        })?;
    }
    Some(resolve(current))
}
