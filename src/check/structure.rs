//! Structural checks of one file against the spec's JSON schema, the way an
//! editor sees them: unknown keys, wrong types, missing keys and bad enum
//! values. Each schema error is mapped from its instance path back to the
//! span of the offending key or value, so the CLI and the editor agree.

use crate::diagnostic::codes;
use std::sync::OnceLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{ValidationError, Validator};
use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::names::did_you_mean;
use crate::schema;
use crate::source::Span;
use crate::syntax::{Node, NodeKind};

/// Keys people write when they mean to inline a secret; refused with a
/// pointer to the `*_file` / `*_secret` fields instead of "unknown key".
const INLINE_SECRET_KEYS: [&str; 9] = [
    "webhook_url",
    "auth_password",
    "password",
    "api_url",
    "url",
    "routing_key",
    "service_key",
    "token",
    "api_key",
];

fn validator() -> &'static Validator {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        // The schema is generated from our own types; failing to compile it
        // is a bug caught by the test suite, never an input problem.
        jsonschema::validator_for(schema::schema()).expect("generated schema compiles")
    })
}

/// All schema problems of one file's tree.
pub fn check(root: &Node) -> Vec<Diagnostic> {
    let instance = root.to_json();
    let mut diags = Vec::new();
    for error in validator().iter_errors(&instance) {
        report(root, &error, &mut diags);
    }
    // `severty: x` is one mistake, not two: drop "missing `severity`" when
    // an unknown key next to it already suggests `severity`.
    let suggested: Vec<(Option<Span>, String)> = diags
        .iter()
        .filter(|d| d.code == codes::SCHEMA_UNKNOWN_KEY)
        .filter_map(|d| {
            Some((
                d.span,
                d.help
                    .as_deref()?
                    .strip_prefix("did you mean `")?
                    .strip_suffix("`?")?
                    .to_owned(),
            ))
        })
        .collect();
    diags.retain(|d| {
        d.code != codes::SCHEMA_MISSING_KEY
            || !suggested.iter().any(|(span, key)| {
                span.map(|s| s.source) == d.span.map(|s| s.source)
                    && d.message.contains(&format!("`{key}`"))
            })
    });
    diags
}

fn pointer_segments(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

fn report(root: &Node, error: &ValidationError<'_>, diags: &mut Vec<Diagnostic>) {
    let path = pointer_segments(error.instance_path().as_str());
    let Some(node) = root.at_path(path.iter().map(String::as_str)) else {
        return;
    };
    // A block map or list has no span of its own: blame its key.
    let parent_key = path.split_last().and_then(|(last, parent)| {
        root.at_path(parent.iter().map(String::as_str))?
            .key_span(last)
    });
    let blame = match parent_key {
        Some(key) if node.span.start == node.span.end => key,
        _ => node.blame_span(),
    };
    // A list item is named by its list: `expect[0]`, not `0`.
    let field = match path.as_slice() {
        [.., list, index] if index.parse::<usize>().is_ok() => format!("{list}[{index}]"),
        [.., last] => last.clone(),
        [] => "the spec".to_owned(),
    };
    let place = describe(&path);
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let object = schema::at_path(path.iter().map(String::as_str));
            let known = object.map(schema::property_names).unwrap_or_default();
            // One pass over the map, not one search per unknown key: a map
            // with tens of thousands of bogus keys stays linear.
            let key_spans: std::collections::HashMap<&str, Span> = match &node.kind {
                NodeKind::Map(entries) => entries
                    .iter()
                    .map(|(k, _)| (k.name.as_str(), k.span))
                    .collect(),
                _ => std::collections::HashMap::new(),
            };
            for key in unexpected {
                let span = key_spans.get(key.as_str()).copied().unwrap_or(blame);
                let parent = path.iter().rev().find(|s| s.parse::<usize>().is_err());
                let receiver_kind = crate::spec::CREDENTIALS
                    .iter()
                    .find(|c| parent.is_some_and(|p| p == c.kind));
                if let Some(c) = receiver_kind
                    && INLINE_SECRET_KEYS.contains(&key.as_str())
                {
                    let hint = format!(
                        "reference the {} with `{}: {}...` or `{}: {{name, key}}`",
                        c.what,
                        c.file,
                        crate::model::routing::SECRETS_DIR,
                        c.secret
                    );
                    diags.push(
                        Diagnostic::error(
                            codes::ROUTING_INLINE_SECRET,
                            format!("`{key}` would put a secret into generated files, which are committed to git"),
                        )
                        .at(span)
                        .label("inline secret")
                        .help(hint),
                    );
                    continue;
                }
                let suggestion = did_you_mean(key, known.iter().copied());
                let help = match suggestion {
                    // Alertmanager's old matcher fields, still common in examples.
                    _ if matches!(key.as_str(), "match" | "match_re") && known.contains(&"matchers") => {
                        "`match` and `match_re` are deprecated in Alertmanager; write `matchers: ['severity=\"critical\"', 'team=~\"db|web\"']`".to_owned()
                    }
                    Some(s) => format!("did you mean `{s}`?"),
                    None if known.is_empty() => "remove this key".to_owned(),
                    None => format!("known keys here: {}", quote_list(&known)),
                };
                diags.push(
                    Diagnostic::error(
                        codes::SCHEMA_UNKNOWN_KEY,
                        format!("unknown key `{key}` in {place}"),
                    )
                    .at(span)
                    .label("unknown key")
                    .help(help),
                );
            }
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            diags.push(
                Diagnostic::error(
                    codes::SCHEMA_MISSING_KEY,
                    format!("missing required key `{name}` in {place}"),
                )
                .at(blame)
                .label(format!("`{name}` is missing here"))
                .help(format!("add `{name}: ...`")),
            );
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => type_words(&t.to_string()),
                TypeKind::Multiple(ts) => {
                    let words: Vec<String> =
                        ts.iter().map(|t| type_words(&t.to_string())).collect();
                    words.join(" or ")
                }
            };
            diags.push(
                Diagnostic::error(
                    codes::SCHEMA_WRONG_TYPE,
                    format!("`{field}` must be {expected}, found {}", node.type_name()),
                )
                .at(blame)
                .label(format!("expected {expected}"))
                .help_opt(wrong_type_help(&path, &node.kind, &expected)),
            );
        }
        ValidationErrorKind::Enum { options } => {
            let allowed: Vec<&str> = options
                .as_array()
                .map(|o| o.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let found = match &node.kind {
                NodeKind::Str(s) => s.clone(),
                _ => node.type_name().to_owned(),
            };
            let help = match did_you_mean(&found, allowed.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("use one of {}", quote_list(&allowed)),
            };
            diags.push(
                Diagnostic::error(
                    codes::SCHEMA_INVALID_VALUE,
                    format!(
                        "`{found}` is not a valid `{field}`; expected one of {}",
                        quote_list(&allowed)
                    ),
                )
                .at(blame)
                .label("invalid value")
                .help(help),
            );
        }
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            // Report the alternative whose type fits the value: its errors
            // are the ones that explain what is wrong.
            let fitting = context.iter().find(|branch| {
                !branch.iter().any(|e| {
                    matches!(e.kind(), ValidationErrorKind::Type { .. })
                        && e.instance_path().as_str() == error.instance_path().as_str()
                })
            });
            match fitting {
                Some(branch) if !branch.is_empty() => {
                    for e in branch {
                        report(root, e, diags);
                    }
                }
                _ => diags.push(
                    Diagnostic::error(
                        codes::SCHEMA_WRONG_TYPE,
                        format!("`{field}` has the wrong shape: found {}", node.type_name()),
                    )
                    .at(blame)
                    .help(alternatives_help(&path)),
                ),
            }
        }
        // Patterns (durations, sizes) are re-checked by the value checks,
        // which can point at the exact bad character.
        ValidationErrorKind::Pattern { .. } => {}
        ValidationErrorKind::Minimum { limit }
        | ValidationErrorKind::ExclusiveMinimum { limit } => {
            diags.push(
                Diagnostic::error(
                    codes::SCHEMA_INVALID_VALUE,
                    format!("`{field}` must be at least {limit}"),
                )
                .at(blame)
                .label("too small"),
            );
        }
        ValidationErrorKind::Maximum { limit }
        | ValidationErrorKind::ExclusiveMaximum { limit } => {
            diags.push(
                Diagnostic::error(
                    codes::SCHEMA_INVALID_VALUE,
                    format!("`{field}` must be at most {limit}"),
                )
                .at(blame)
                .label("too large"),
            );
        }
        _ => {
            diags.push(
                Diagnostic::error(
                    codes::SCHEMA_INVALID_VALUE,
                    format!("invalid `{field}`: {error}"),
                )
                .at(blame),
            );
        }
    }
}

fn alternatives_help(path: &[String]) -> String {
    let Some(schema) = schema::at_path(path.iter().map(String::as_str)) else {
        return "see the spec language reference".into();
    };
    let kinds: Vec<String> = schema::alternatives(schema)
        .iter()
        .filter_map(|s| schema::type_of(s))
        .map(type_words)
        .collect();
    if kinds.is_empty() {
        "see the spec language reference".into()
    } else {
        format!("write {}", kinds.join(" or "))
    }
}

fn type_words(json_type: &str) -> String {
    match json_type {
        "object" => "a map",
        "array" => "a list",
        "string" => "a string",
        "integer" => "an integer",
        "number" => "a number",
        "boolean" => "`true` or `false`",
        "null" => "nothing",
        other => other,
    }
    .to_owned()
}

fn quote_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    quoted.join(", ")
}

/// "`services[2].endpoints[0]`" for a path, "the spec" for the root.
pub fn describe(path: &[String]) -> String {
    if path.is_empty() {
        return "the spec".to_owned();
    }
    let mut out = String::new();
    for segment in path {
        if segment.parse::<usize>().is_ok() {
            out.push_str(&format!("[{segment}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(segment);
        }
    }
    format!("`{out}`")
}

/// Mistakes common enough to explain beyond the type.
fn wrong_type_help(path: &[String], kind: &NodeKind, expected: &str) -> Option<String> {
    let in_endpoint = path.len() >= 3 && path[path.len() - 3] == "endpoints";
    match (path.last().map(String::as_str), kind) {
        (Some("port"), NodeKind::Int(n)) if in_endpoint => Some(format!(
            "`port` is the name of the Service's (or Pod's) port, not its number: write the port's `name`, e.g. `port: metrics` for `ports: [{{name: metrics, port: {n}}}]`"
        )),
        // `expect: [null]` names the receiver `null` to a person, not to YAML.
        (_, NodeKind::Null) if expected == "a string" => Some(
            "YAML reads a bare `null`, `~` or an empty value as nothing: to mean the word, quote it (`'null'`)".to_owned(),
        ),
        _ => None,
    }
}
