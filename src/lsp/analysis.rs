//! What the language server answers, as pure functions of a spec folder's
//! texts: diagnostics (the same pipeline as `monocle check`), hover texts
//! from the schema, completion of keys, enum values and defined names, and
//! the definition of a referenced name.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{SourceId, Sources};
use crate::syntax::{Node, NodeKind};

/// A position in a document: 0-based line and UTF-16 column, as LSP counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub character: usize,
}

/// The spec folder's files as the editor has them: open documents'
/// unsaved texts replace what is on disk.
pub fn load(folder: &Path, open: &BTreeMap<PathBuf, String>) -> Result<Sources, Vec<Diagnostic>> {
    let loaded = match crate::load::load(folder) {
        Ok(sources) => sources,
        Err(crate::load::LoadError::Spec { diags, .. }) => return Err(diags),
        Err(crate::load::LoadError::Io { path, source }) => {
            // Nothing in the folder to point at: the editor's log says why.
            eprintln!("monocle lsp: cannot read {}: {source}", path.display());
            return Err(Vec::new());
        }
    };
    let mut sources = Sources::default();
    sources.notes.clone_from(&loaded.notes);
    for (_, file) in loaded.iter() {
        let text = open
            .get(&file.path)
            .cloned()
            .unwrap_or_else(|| file.text.clone());
        sources.add(file.path.clone(), file.origin.clone(), text);
    }
    Ok(sources)
}

/// Every diagnostic of the folder, by file, as LSP diagnostics; every file
/// of the folder has an entry (an empty list clears the editor's).
pub fn diagnostics(
    folder: &Path,
    open: &BTreeMap<PathBuf, String>,
) -> BTreeMap<PathBuf, Vec<Value>> {
    let mut by_file: BTreeMap<PathBuf, Vec<Value>> = BTreeMap::new();
    for path in open.keys() {
        by_file.entry(path.clone()).or_default();
    }
    let sources = match load(folder, open) {
        Ok(sources) => sources,
        Err(diags) => {
            // The folder itself is wrong (no spec file, a link outside):
            // shown on each open document's first line.
            for list in by_file.values_mut() {
                list.extend(diags.iter().map(|d| lsp_diagnostic(d, None)));
            }
            return by_file;
        }
    };
    for (_, file) in sources.iter() {
        by_file.entry(file.path.clone()).or_default();
    }
    let diags = match crate::check_sources(sources) {
        Ok((checked, sources)) => (checked.warnings, sources),
        Err(crate::CompileError::Spec { sources, diags }) => (diags, sources),
        Err(crate::CompileError::Io { path, source }) => {
            eprintln!("monocle lsp: cannot read {}: {source}", path.display());
            return by_file;
        }
    };
    let (diags, sources) = diags;
    for d in &diags {
        match d.span {
            Some(span) => {
                let path = sources.get(span.source).path.clone();
                by_file
                    .entry(path)
                    .or_default()
                    .push(lsp_diagnostic(d, Some(&sources)));
            }
            None => {
                for list in by_file.values_mut() {
                    list.push(lsp_diagnostic(d, None));
                }
            }
        }
    }
    by_file
}

/// One diagnostic as LSP writes it: the code, the range of its span, the
/// message with the help line under it.
fn lsp_diagnostic(d: &Diagnostic, sources: Option<&Sources>) -> Value {
    let range = match (d.span, sources) {
        (Some(span), Some(sources)) => json!({
            "start": position(sources, span.source, span.start),
            "end": position(sources, span.source, span.end),
        }),
        _ => json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}),
    };
    let message = match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    };
    json!({
        "range": range,
        "severity": match d.severity { Severity::Error => 1, Severity::Warning => 2 },
        "code": d.code,
        "source": "monocle",
        "message": message,
    })
}

/// The LSP position of a byte offset.
fn position(sources: &Sources, id: SourceId, offset: usize) -> Value {
    let (line, _) = sources.line_col(id, offset);
    let text = &sources.get(id).text;
    let line_start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let character: usize = text[line_start..end].chars().map(char::len_utf16).sum();
    json!({"line": line - 1, "character": character})
}

/// The byte offset of an LSP position in `text`.
pub fn offset(text: &str, at: Position) -> usize {
    let mut line_start = 0;
    for _ in 0..at.line {
        match text[line_start..].find('\n') {
            Some(i) => line_start += i + 1,
            None => return text.len(),
        }
    }
    let mut units = 0;
    for (i, c) in text[line_start..].char_indices() {
        if units >= at.character || c == '\n' {
            return line_start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// The path of keys (and list positions) to the node at `offset`, and
/// whether the offset is on a key (rather than a value). A collection's
/// span is only where it starts, so the entry holding an offset is the
/// last one starting at or before it.
fn path_at(node: &Node, offset: usize, path: &mut Vec<String>) -> Option<bool> {
    match &node.kind {
        NodeKind::Map(entries) => {
            let (key, value) = entries.iter().rev().find(|(k, _)| k.span.start <= offset)?;
            path.push(key.name.clone());
            if offset <= key.span.end {
                return Some(true);
            }
            Some(path_at(value, offset, path).unwrap_or(false))
        }
        NodeKind::Seq(items) => {
            let (i, item) = items
                .iter()
                .enumerate()
                .rev()
                .find(|(_, item)| item.span.start <= offset)?;
            path.push(i.to_string());
            Some(path_at(item, offset, path).unwrap_or(false))
        }
        _ => None,
    }
}

fn parse(path: &Path, text: &str) -> Option<Node> {
    let id = SourceId(0);
    let is_kdl = path.extension().is_some_and(|e| e == "kdl");
    let parsed = if is_kdl {
        crate::syntax::kdl::parse(id, text)
    } else {
        crate::syntax::yaml::parse(id, text)
    };
    parsed.ok()
}

/// The hover text of the key or value at `at`: the schema's description of
/// that field, with its type.
pub fn hover(path: &Path, text: &str, at: Position) -> Option<String> {
    let tree = parse(path, text)?;
    let mut keys = Vec::new();
    path_at(&tree, offset(text, at), &mut keys)?;
    let schema = crate::schema::at_path(keys.iter().map(String::as_str))?;
    let field = field_schema(&keys)?;
    let description = field
        .get("description")
        .or_else(|| schema.get("description"))
        .and_then(Value::as_str)?;
    let mut text = format!("**{}**\n\n{description}", keys.last()?);
    let is_selector = field
        .get("$ref")
        .and_then(Value::as_str)
        .is_some_and(|r| r.ends_with(&format!("/{}", crate::spec::SelectorText::SCHEMA_NAME)));
    if is_selector {
        text.push_str("\n\n");
        text.push_str(crate::schema::editor::SELECTOR_SYNTAX);
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let values: Vec<String> = values
            .iter()
            .filter_map(Value::as_str)
            .map(|v| format!("`{v}`"))
            .collect();
        text.push_str(&format!("\n\nOne of {}.", values.join(", ")));
    }
    Some(text)
}

/// The unresolved schema of the field at `keys` (its own description, before
/// `$ref` is followed).
fn field_schema(keys: &[String]) -> Option<&'static Value> {
    let (last, parent) = keys.split_last()?;
    let parent = crate::schema::at_path(parent.iter().map(String::as_str))?;
    crate::schema::alternatives(parent)
        .into_iter()
        .find_map(|alt| match crate::schema::type_of(alt) {
            Some("object") => crate::schema::property(alt, last),
            Some("array") => alt.get("items"),
            _ => None,
        })
}

/// Which keys name an item defined elsewhere, and the section that defines it.
const REFERENCES: &[(&str, &str)] = &[
    ("service", "services"),
    ("receiver", "receivers"),
    ("shard", "shards"),
    ("mute_time_intervals", "time_intervals"),
    ("active_time_intervals", "time_intervals"),
];

/// Every name defined in the folder's files, by section (`services`,
/// `receivers`, `shards`), with where each is written.
fn definitions(sources: &Sources) -> BTreeMap<&'static str, Vec<(String, PathBuf, Value)>> {
    let mut found: BTreeMap<&'static str, Vec<(String, PathBuf, Value)>> = BTreeMap::new();
    for (id, file) in sources.iter() {
        let Some(tree) = parse(&file.path, &file.text) else {
            continue;
        };
        let mut add = |section: &'static str, list: Option<&Node>| {
            let Some(Node {
                kind: NodeKind::Seq(items),
                ..
            }) = list
            else {
                return;
            };
            for item in items {
                if let Some(
                    name @ Node {
                        kind: NodeKind::Str(value),
                        ..
                    },
                ) = item.get("name")
                {
                    let range = json!({
                        "start": position(sources, id, name.span.start),
                        "end": position(sources, id, name.span.end),
                    });
                    found.entry(section).or_default().push((
                        value.clone(),
                        file.path.clone(),
                        range,
                    ));
                }
            }
        };
        add("services", tree.get("services"));
        add("receivers", tree.at_path(["routing", "receivers"]));
        add(
            "time_intervals",
            tree.at_path(["routing", "time_intervals"]),
        );
        add("shards", tree.at_path(["prometheus", "shards"]));
        // A cluster's own shards are referenced like the fleet's (check
        // resolves them per cluster); the fleet's come first.
        if let Some(NodeKind::Seq(clusters)) = tree.get("clusters").map(|n| &n.kind) {
            for cluster in clusters {
                add("shards", cluster.at_path(["prometheus", "shards"]));
            }
        }
    }
    found
}

/// The definition of the name at `at` when it is a reference (`service:`,
/// `receiver:`, `shard:`): (file, LSP range of the defining name).
pub fn definition(sources: &Sources, path: &Path, at: Position) -> Option<(PathBuf, Value)> {
    let (_, file) = sources.iter().find(|(_, f)| f.path == path)?;
    let tree = parse(path, &file.text)?;
    let offset = offset(&file.text, at);
    let mut keys = Vec::new();
    let on_key = path_at(&tree, offset, &mut keys)?;
    // An item of a list of names (`mute_time_intervals: [a]`) is named by
    // the list's key.
    let key = keys.iter().rev().find(|k| k.parse::<usize>().is_err())?;
    let section = REFERENCES.iter().find(|(k, _)| k == key).map(|(_, s)| *s)?;
    if on_key {
        return None;
    }
    let value = tree.at_path(keys.iter().map(String::as_str))?;
    let NodeKind::Str(name) = &value.kind else {
        return None;
    };
    let definitions = definitions(sources);
    definitions
        .get(section)?
        .iter()
        .find(|(defined, _, _)| defined == name)
        .map(|(_, file, range)| (file.clone(), range.clone()))
}

/// Completion items at `at`: after `key: ` the values the field takes (an
/// enum's values, or the names a reference may take); elsewhere the keys of
/// the enclosing map that are not written yet.
pub fn completion(sources: &Sources, text: &str, at: Position) -> Vec<Value> {
    let line = text.lines().nth(at.line).unwrap_or_default();
    let before: String = line.chars().take(at.character).collect();
    let mut keys = enclosing_keys(text, at.line, &before);
    let trimmed = before.trim_start().trim_start_matches("- ");
    let value_of = trimmed.split_once(':').map(|(k, _)| k.trim());
    if let Some(items) = super::packs::completion(&keys, value_of, text, at.line) {
        return items;
    }
    // An item of a list of names: `- ` under `mute_time_intervals:`.
    let list_key = keys.iter().rev().find(|k| k.parse::<usize>().is_err());
    if before.trim_start().starts_with('-')
        && value_of.is_none()
        && let Some((_, section)) = REFERENCES
            .iter()
            .find(|(k, _)| Some(&(*k).to_owned()) == list_key)
    {
        return names_of(sources, section);
    }
    if let Some((key, _)) = trimmed.split_once(':') {
        // A value: enum values or defined names.
        let key = key.trim().to_owned();
        if let Some((_, section)) = REFERENCES.iter().find(|(k, _)| *k == key) {
            return names_of(sources, section);
        }
        keys.push(key);
        let Some(schema) = crate::schema::at_path(keys.iter().map(String::as_str)) else {
            return Vec::new();
        };
        let values = schema
            .get("enum")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let published = crate::schema::published();
        let texts = enum_texts(&published, schema);
        return values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| {
                let v = v.as_str()?;
                Some(json!({"label": v, "kind": 20, "documentation": texts.get(i).cloned().unwrap_or_default()}))
            })
            .collect();
    }
    let Some(object) = crate::schema::at_path(keys.iter().map(String::as_str))
        .and_then(crate::schema::object_schema)
    else {
        return Vec::new();
    };
    let written = written_keys(text, at.line, &before);
    crate::schema::property_names(object)
        .into_iter()
        .filter(|name| !written.iter().any(|w| w == name))
        .map(|name| {
            let documentation = crate::schema::property(object, name)
                .and_then(|p| p.get("description"))
                .cloned()
                .unwrap_or_default();
            json!({"label": name, "kind": 10, "insertText": format!("{name}: "), "documentation": documentation})
        })
        .collect()
}

/// Completion items: the names a section of the folder defines.
fn names_of(sources: &Sources, section: &str) -> Vec<Value> {
    let mut offered = BTreeSet::new();
    definitions(sources)
        .get(section)
        .into_iter()
        .flatten()
        // A shard several clusters list is offered once.
        .filter(|(name, _, _)| offered.insert(name.clone()))
        .map(|(name, _, _)| json!({"label": name, "kind": 18, "detail": format!("defined in {section}")}))
        .collect()
}

/// The descriptions of an enum's values in the published schema (matched
/// by the value list, since the walker reads the checker's schema).
fn enum_texts(published: &Value, schema: &Value) -> Vec<String> {
    let Some(values) = schema.get("enum") else {
        return Vec::new();
    };
    let defs = published.get("$defs").and_then(Value::as_object);
    defs.into_iter()
        .flatten()
        .find(|(_, def)| def.get("enum") == Some(values))
        .and_then(|(_, def)| def.get("enumDescriptions"))
        .and_then(Value::as_array)
        .map(|texts| {
            texts
                .iter()
                .map(|t| t.as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The keys already written in the cursor's map: the lines at the
/// cursor's indentation above and below it, up to the map's ends (read
/// from the text, which may not parse while typing).
fn written_keys(text: &str, line: usize, before: &str) -> Vec<String> {
    let indent_of = |l: &str| l.len() - l.trim_start().len();
    let col = indent_of(before);
    let lines: Vec<&str> = text.lines().collect();
    let key_at = |l: &str| -> Option<(usize, bool, String)> {
        let trimmed = l.trim_start();
        let is_item = trimmed.starts_with("- ");
        let content = if is_item { &trimmed[2..] } else { trimmed };
        let key = content.split_once(':').map(|(k, _)| k.trim().to_owned())?;
        let content_col = indent_of(l) + if is_item { 2 } else { 0 };
        Some((content_col, is_item, key))
    };
    let mut written = Vec::new();
    for l in lines.iter().take(line).rev() {
        if l.trim().is_empty() || l.trim_start().starts_with('#') {
            continue;
        }
        match key_at(l) {
            Some((c, is_item, key)) if c == col => {
                written.push(key);
                if is_item {
                    break;
                }
            }
            Some((c, _, _)) if c < col => break,
            _ if indent_of(l) < col => break,
            _ => {}
        }
    }
    for l in lines.iter().skip(line + 1) {
        if l.trim().is_empty() || l.trim_start().starts_with('#') {
            continue;
        }
        match key_at(l) {
            Some((c, false, key)) if c == col => written.push(key),
            _ if indent_of(l) <= col => break,
            _ => {}
        }
    }
    written
}

/// The keys (and list positions, as `0`) that lead to the map the cursor's
/// line is in, read from indentation so that it works while the document
/// does not parse (a key half typed).
fn enclosing_keys(text: &str, line: usize, before: &str) -> Vec<String> {
    let indent_of = |l: &str| l.len() - l.trim_start().len();
    let mut keys = Vec::new();
    // The column the cursor's content starts at; a new `- ` item is a list
    // position of its own.
    let mut col = indent_of(before);
    if before.trim_start().starts_with('-') {
        keys.push("0".to_owned());
    }
    let lines: Vec<&str> = text.lines().take(line).collect();
    for previous in lines.into_iter().rev() {
        if col == 0 {
            break;
        }
        let trimmed = previous.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let own = indent_of(previous);
        let is_item = trimmed.starts_with("- ") || trimmed == "-";
        let content_col = if is_item { own + 2 } else { own };
        if is_item && content_col == col {
            // A key of this item's map, as the cursor's.
            keys.push("0".to_owned());
            col = own;
            continue;
        }
        if content_col < col {
            let content = if is_item {
                trimmed[1..].trim_start()
            } else {
                trimmed
            };
            if let Some((key, rest)) = content.split_once(':')
                && rest.trim().is_empty()
            {
                keys.push(key.trim().to_owned());
            }
            col = content_col;
            if is_item {
                keys.push("0".to_owned());
                col = own;
            }
        }
    }
    keys.reverse();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_enclosing_keys_come_from_indentation() {
        let text = "version: 1\nservices:\n  - name: api\n    endpoints:\n      - port: http\n        pa\n";
        let keys = |line: usize, before: &str| enclosing_keys(text, line, before);
        assert_eq!(keys(5, "        pa"), ["services", "0", "endpoints", "0"]);
        assert_eq!(keys(3, "    end"), ["services", "0"]);
        assert_eq!(keys(2, "  - "), ["services", "0"]);
        assert_eq!(keys(1, "ser"), Vec::<String>::new());
    }

    #[test]
    fn offsets_count_utf16_units() {
        let text = "a: é\nbb: 1\n";
        assert_eq!(
            offset(
                text,
                Position {
                    line: 1,
                    character: 2
                }
            ),
            text.find(": 1").unwrap()
        );
        assert_eq!(
            offset(
                text,
                Position {
                    line: 0,
                    character: 4
                }
            ),
            "a: é".len()
        );
    }
}

#[cfg(test)]
mod hover_tests {
    use super::*;

    #[test]
    fn hover_on_a_key_shows_its_description() {
        let text = "version: 1\nalerts:\n  - name: X\n    expr: up == 0\n";
        let shown = hover(
            Path::new("t.yaml"),
            text,
            Position {
                line: 3,
                character: 5,
            },
        );
        assert!(
            shown.as_deref().is_some_and(|s| s.contains("**expr**")),
            "{shown:?}"
        );
    }
}
