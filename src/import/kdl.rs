//! Imported spec files in KDL (`--syntax kdl`): the same tree as the YAML
//! form, written the way `syntax::kdl` reads it (sections and structs as
//! nodes with children, list items as nodes named by the list's singular
//! with their name as argument, lists of scalars as arguments).

use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::syntax::kdl::singular;

/// A spec file's sections as KDL text.
pub fn to_kdl(spec: &Map<String, Value>) -> String {
    let mut out = String::new();
    for (key, value) in spec {
        node(&mut out, 0, key, value);
    }
    out
}

fn node(out: &mut String, depth: usize, name: &str, value: &Value) {
    let pad = "    ".repeat(depth);
    match value {
        // Items written directly, each named by the list's singular (a
        // wrapping `records { record ... }` would read `record` as the
        // item's own field).
        // A list mixing structs and scalars (`transformations: [merge,
        // {organize: ...}]`) writes each scalar as an item node with one
        // argument.
        Value::Array(items) if items.iter().any(Value::is_object) => {
            let item_name = singular(name);
            for item in items {
                if item.is_object() {
                    item_node(out, depth, &item_name, item);
                } else {
                    let _ = writeln!(out, "{pad}{} {}", ident(&item_name), literal(item));
                }
            }
        }
        Value::Array(items) => {
            let args: Vec<String> = items.iter().map(literal).collect();
            let _ = writeln!(out, "{pad}{} {}", ident(name), args.join(" "));
        }
        Value::Object(map) => {
            let _ = writeln!(out, "{pad}{} {{", ident(name));
            for (k, v) in map {
                node(out, depth + 1, k, v);
            }
            let _ = writeln!(out, "{pad}}}");
        }
        scalar => {
            let _ = writeln!(out, "{pad}{} {}", ident(name), literal(scalar));
        }
    }
}

/// A list item: its identifying field (`name`, `uid`, `title` or
/// `record`, as `syntax::kdl` reads it) as the node's argument.
fn item_node(out: &mut String, depth: usize, name: &str, item: &Value) {
    let Some(map) = item.as_object() else {
        node(out, depth, name, item);
        return;
    };
    let key = ["name", "uid", "title", "record"]
        .into_iter()
        .find(|k| map.get(*k).is_some_and(Value::is_string));
    let Some(key) = key else {
        node(out, depth, name, item);
        return;
    };
    let pad = "    ".repeat(depth);
    let rest: Vec<(&String, &Value)> = map.iter().filter(|(k, _)| k.as_str() != key).collect();
    let _ = write!(out, "{pad}{} {}", ident(name), literal(&map[key]));
    if rest.is_empty() {
        out.push('\n');
        return;
    }
    out.push_str(" {\n");
    for (k, v) in rest {
        node(out, depth + 1, k, v);
    }
    let _ = writeln!(out, "{pad}}}");
}

/// A node name: bare when KDL allows it, else a quoted string.
fn ident(name: &str) -> String {
    let bare = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && !matches!(name, "true" | "false" | "null" | "inf" | "nan");
    if bare { name.to_owned() } else { quoted(name) }
}

fn literal(value: &Value) -> String {
    match value {
        Value::String(s) => quoted(s),
        Value::Bool(b) => format!("#{b}"),
        Value::Null => "#null".to_owned(),
        Value::Number(n) => n.to_string(),
        other => quoted(&other.to_string()),
    }
}

/// A KDL string with every character that needs it escaped.
fn quoted(text: &str) -> String {
    let mut out = String::from('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
