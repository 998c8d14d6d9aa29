//! `monocle import`: existing files (Prometheus rule files and
//! PrometheusRules, Sloth specs, Alertmanager configs, Grafana dashboards)
//! turned into spec
//! files. What the language cannot express is reported item by item (file,
//! path in the document, what was dropped or approximated), never dropped
//! silently; secrets found inline become file references with a note.

mod alertmanager;
mod grafana;
mod grafana_residue;
mod kdl;
mod packs;
mod rules;
mod sloth;

use serde_json::{Map, Value};

/// What an importer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Rules,
    Sloth,
    Alertmanager,
    Grafana,
}

/// Something of the input the spec does not hold exactly as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The input file.
    pub file: String,
    /// Where in it: document index and JSON-pointer-like path.
    pub path: String,
    pub kind: NoteKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteKind {
    /// Not in the spec at all.
    Dropped,
    /// In the spec, but not exactly as written.
    Approximated,
    /// A secret written inline, now a file reference the user must provide.
    Secret,
    /// Something the user must complete (a service an SLO needs).
    Todo,
    /// Taken from a built-in pack instead of copied.
    Pack,
}

impl NoteKind {
    pub fn word(self) -> &'static str {
        match self {
            NoteKind::Dropped => "dropped",
            NoteKind::Approximated => "approximated",
            NoteKind::Secret => "secret",
            NoteKind::Todo => "to complete",
            NoteKind::Pack => "from a pack",
        }
    }

    /// Whether the import lost or changed something (exit code 1).
    pub fn is_loss(self) -> bool {
        matches!(self, NoteKind::Dropped | NoteKind::Approximated)
    }
}

/// Collects notes about one input file.
pub struct Notes<'a> {
    file: &'a str,
    pub list: Vec<Note>,
}

impl<'a> Notes<'a> {
    pub fn new(file: &'a str) -> Self {
        Notes {
            file,
            list: Vec::new(),
        }
    }

    pub fn push(&mut self, kind: NoteKind, path: &str, message: impl Into<String>) {
        self.list.push(Note {
            file: self.file.to_owned(),
            path: path.to_owned(),
            kind,
            message: message.into(),
        });
    }
}

/// One imported file: the spec's sections, in the order a reader expects.
#[derive(Debug, Clone)]
pub struct Imported {
    pub sections: Map<String, Value>,
    pub notes: Vec<Note>,
}

/// How to import.
#[derive(Debug, Clone)]
pub struct Options {
    /// The period of Sloth SLOs (Sloth's `--default-slo-period`).
    pub window: String,
    /// Alerts a built-in pack defines become tunings of the pack.
    pub use_packs: bool,
    /// The syntax of the files written.
    pub syntax: Syntax,
}

/// Imports one input file. `Err` when it is not readable as the kind at all.
pub fn import(kind: Kind, file: &str, text: &str, options: &Options) -> Result<Imported, String> {
    let docs: Vec<Value> =
        serde_saphyr::from_multiple(text).map_err(|e| format!("{file} is not YAML: {e}"))?;
    let docs: Vec<Value> = docs.into_iter().filter(|d| !d.is_null()).collect();
    if docs.is_empty() {
        return Err(format!("{file} holds no document"));
    }
    let mut notes = Notes::new(file);
    let mut sections = match kind {
        Kind::Rules => rules::import(&docs, &mut notes),
        Kind::Sloth => sloth::import(&docs, &options.window, &mut notes),
        Kind::Alertmanager => alertmanager::import(&docs, &mut notes),
        Kind::Grafana => grafana::import(&docs, &mut notes),
    };
    if sections.is_empty() {
        return Err(format!(
            "{file} holds nothing `import {}` reads",
            kind_name(kind)
        ));
    }
    if options.use_packs {
        packs::recognise(&mut sections, &mut notes);
    }
    Ok(Imported {
        sections,
        notes: notes.list,
    })
}

pub fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Rules => "rules",
        Kind::Sloth => "sloth",
        Kind::Alertmanager => "alertmanager",
        Kind::Grafana => "grafana",
    }
}

/// `severities` is a section one file holds: the severities all imported
/// files need go to the first of them.
pub fn share_severities<'a>(imports: impl Iterator<Item = &'a mut Imported>) {
    let mut all: Vec<Value> = Vec::new();
    let mut first: Option<&'a mut Imported> = None;
    for imported in imports {
        if let Some(Value::Array(list)) = imported.sections.get("severities") {
            for s in list {
                if !all.contains(s) {
                    all.push(s.clone());
                }
            }
            if first.is_some() {
                imported.sections.shift_remove("severities");
            }
        }
        if first.is_none() && imported.sections.contains_key("severities") {
            first = Some(imported);
        }
    }
    if let Some(first) = first {
        first
            .sections
            .insert("severities".into(), Value::Array(all));
    }
}

/// The syntax imported files are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Yaml,
    Kdl,
}

/// The spec file text of an import in KDL: a comment naming the source,
/// then `version 1` and the sections.
pub fn kdl_text(imported: &Imported, source: &str) -> String {
    let mut spec = Map::new();
    spec.insert("version".into(), Value::from(1));
    spec.extend(imported.sections.clone());
    let text = format!(
        "// Imported by `monocle import` from `{}`.\n// It holds no clusters: it compiles with the spec that defines them.\n{}",
        source.replace(['\n', '\r'], " "),
        kdl::to_kdl(&spec)
    );
    crate::fmt::format(&text, true).unwrap_or(text)
}

/// The spec file text of an import: a comment naming the source, then
/// `version: 1` and the sections, in monocle's canonical layout.
pub fn spec_text(imported: &Imported, source: &str) -> String {
    let mut spec = Map::new();
    spec.insert("version".into(), Value::from(1));
    spec.extend(imported.sections.clone());
    let yaml = crate::emit::yaml::to_yaml(&Value::Object(spec));
    let text = format!(
        "# Imported by `monocle import` from `{}`.\n# It holds no clusters: it compiles with the spec that defines them.\n{yaml}",
        source.replace(['\n', '\r'], " ")
    );
    crate::fmt::format(&text, false).unwrap_or(text)
}

/// The text of a scalar (`for: 5m`, a label value written as a number).
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A map of strings (labels, annotations); other values are noted.
fn string_map(value: &Value, path: &str, notes: &mut Notes<'_>) -> Map<String, Value> {
    let mut out = Map::new();
    let Some(map) = value.as_object() else {
        if !value.is_null() {
            notes.push(NoteKind::Dropped, path, "not a map of strings");
        }
        return out;
    };
    for (key, v) in map {
        match scalar(v) {
            Some(text) => {
                out.insert(key.clone(), Value::String(text));
            }
            None => notes.push(NoteKind::Dropped, &format!("{path}.{key}"), "not a string"),
        }
    }
    out
}

/// Notes every key of `map` not in `known`.
fn unknown_keys(
    map: &Map<String, Value>,
    known: &[&str],
    path: &str,
    notes: &mut Notes<'_>,
    why: &str,
) {
    for key in map.keys() {
        if !known.contains(&key.as_str()) {
            notes.push(NoteKind::Dropped, &format!("{path}.{key}"), why.to_owned());
        }
    }
}
