//! KDL → [`Node`], guided by the spec's JSON schema so that KDL's nodes,
//! arguments and properties map onto the same tree YAML gives:
//!
//! - a section or field holding a map or struct is a node; scalar fields are
//!   its properties (or child nodes with one argument), maps and lists are
//!   its children;
//! - a list of structs is a node whose children are the items, or the items
//!   may be written directly, each a node named by the list's singular
//!   (`cluster`, `service`, `alert`, ...); an item's first argument is its
//!   `name` (or `uid`, or `title`);
//! - a list of scalars is a node with several arguments.
//!
//! Shapes the schema does not explain are passed through as-is, so the
//! schema check reports them (with "did you mean") like it does for YAML.

use crate::diagnostic::codes;
use kdl::{KdlDocument, KdlEntry, KdlNode, KdlValue};
use serde_json::Value;

use super::{Key, Node, NodeKind};
use crate::diagnostic::Diagnostic;
use crate::schema;
use crate::source::{SourceId, Span};

/// Fields an item's first argument may fill, in order of preference.
const ITEM_KEY_FIELDS: [&str; 4] = ["name", "uid", "title", "record"];

/// Deeper nesting than any spec needs; refusing it up front keeps the KDL
/// parser's recursion off the end of the stack.
const MAX_DEPTH: usize = 64;

pub fn parse(source: SourceId, text: &str) -> Result<Node, Vec<Diagnostic>> {
    if let Some(offset) = too_deep(text) {
        return Err(vec![
            Diagnostic::error(
                codes::KDL_TOO_DEEP,
                format!("nodes are nested more than {MAX_DEPTH} levels deep"),
            )
            .at(Span::new(source, offset, offset + 1))
            .label("too deep"),
        ]);
    }
    let doc = match KdlDocument::parse(text) {
        Ok(doc) => doc,
        Err(err) => {
            let mut diags: Vec<Diagnostic> = err
                .diagnostics
                .iter()
                .map(|d| {
                    let start = floor_boundary(text, d.span.offset());
                    let end = floor_boundary(text, d.span.offset() + d.span.len());
                    let message = d.message.clone().unwrap_or_else(|| "invalid KDL".into());
                    Diagnostic::error(
                        codes::KDL_SYNTAX,
                        format!("invalid KDL: {}", message.trim_end_matches('.')),
                    )
                    .at(Span::new(source, start, end))
                    .label(d.label.clone().unwrap_or_else(|| "here".into()))
                    .help_opt(d.help.clone())
                })
                .collect();
            // One mistake often yields several parser errors; the first is the one to fix.
            diags.truncate(1);
            if let Some(d) = diags.first_mut()
                && let Some(span) = d.span
                && let Some(word) = text
                    .get(span.start..)
                    .map(|t| t.split(|c: char| !c.is_alphanumeric()).next().unwrap_or(""))
                && matches!(word, "true" | "false" | "null")
            {
                d.help = Some(format!(
                    "KDL v2 writes `#{word}`; a bare `{word}` is not a value"
                ));
            }
            if diags.is_empty() {
                diags.push(
                    Diagnostic::error(codes::KDL_SYNTAX, "invalid KDL document")
                        .at(Span::new(source, 0, 0)),
                );
            }
            return Err(diags);
        }
    };
    let mut reader = Reader {
        source,
        text,
        errors: Vec::new(),
    };
    let root_span = Span::new(source, 0, 0);
    let entries = reader.object(&[], doc.nodes(), Some(schema::schema()));
    if reader.errors.is_empty() {
        Ok(Node::new(NodeKind::Map(entries), root_span))
    } else {
        Err(reader.errors)
    }
}

/// Offset of the first `{` past [`MAX_DEPTH`], counting braces outside
/// quoted strings (a cheap over-estimate is fine: real specs are shallow).
fn too_deep(text: &str) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '{' if !in_string => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
            }
            '}' if !in_string => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

struct Reader<'t> {
    source: SourceId,
    text: &'t str,
    errors: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn span(&self, span: miette::SourceSpan) -> Span {
        let start = floor_boundary(self.text, span.offset());
        let end = floor_boundary(self.text, span.offset() + span.len());
        Span::new(self.source, start, end)
    }

    fn name_key(&self, node: &KdlNode) -> Key {
        Key {
            name: node.name().value().to_owned(),
            span: self.span(node.name().span()),
        }
    }

    /// The span of an entry's value (a property's span also covers `key=`).
    fn value_span(&self, entry: &KdlEntry) -> Span {
        let span = self.span(entry.span());
        if entry.name().is_some()
            && let Some(eq) = self.text[span.start..span.end].find('=')
        {
            return Span::new(self.source, span.start + eq + 1, span.end);
        }
        span
    }

    fn scalar(&mut self, entry: &KdlEntry) -> Node {
        let span = self.value_span(entry);
        let kind = match entry.value() {
            KdlValue::String(s) => NodeKind::Str(s.clone()),
            KdlValue::Integer(i) => {
                if let Ok(i) = i64::try_from(*i) {
                    NodeKind::Int(i)
                } else {
                    self.errors.push(
                        Diagnostic::error(
                            codes::KDL_NUMBER_TOO_LARGE,
                            format!("integer {i} is too large"),
                        )
                        .at(span),
                    );
                    NodeKind::Null
                }
            }
            KdlValue::Float(f) => NodeKind::Float(*f),
            KdlValue::Bool(b) => NodeKind::Bool(*b),
            KdlValue::Null => NodeKind::Null,
        };
        Node::new(kind, span)
    }

    /// Map entries from a node's properties and children, for an object or
    /// map schema (`None` when the schema does not know the place).
    fn object(
        &mut self,
        props: &[&KdlEntry],
        children: &[KdlNode],
        object: Option<&Value>,
    ) -> Vec<(Key, Node)> {
        let mut entries: Vec<(Key, Node)> = Vec::new();
        for entry in props {
            if let Some(name) = entry.name() {
                let key = Key {
                    name: name.value().to_owned(),
                    span: self.span(name.span()),
                };
                let value = self.scalar(entry);
                self.insert(&mut entries, key, value, false);
            }
        }
        for child in children {
            let name = child.name().value();
            let field = object.and_then(|o| field_schema(o, name));
            let key = self.name_key(child);
            if let Some(field) = field {
                let appends = is_list_of_structs(field);
                let value = self.value(child, Some(field));
                self.insert(&mut entries, key, value, appends);
            } else if let Some((list, items)) = object.and_then(|o| list_for_singular(o, name)) {
                let item = self.item(child, Some(items));
                let key = Key {
                    name: list.to_owned(),
                    span: key.span,
                };
                let span = item.span;
                self.insert(
                    &mut entries,
                    key,
                    Node::new(NodeKind::Seq(vec![item]), span),
                    true,
                );
            } else {
                let value = self.value(child, None);
                self.insert(&mut entries, key, value, false);
            }
        }
        entries
    }

    /// Adds an entry; list items written as repeated nodes are appended, any
    /// other repeated key is a duplicate.
    fn insert(&mut self, entries: &mut Vec<(Key, Node)>, key: Key, value: Node, appends: bool) {
        if let Some((first, existing)) = entries.iter_mut().find(|(k, _)| k.name == key.name) {
            if appends
                && let (NodeKind::Seq(items), NodeKind::Seq(more)) =
                    (&mut existing.kind, value.kind)
            {
                items.extend(more);
                return;
            }
            self.errors.push(
                Diagnostic::error(
                    codes::KDL_DUPLICATE_KEY,
                    format!("duplicate key `{}`", key.name),
                )
                .at(key.span)
                .label("written again here")
                .related(first.span, "first written here"),
            );
            return;
        }
        entries.push((key, value));
    }

    /// The value of a field written as a child node.
    fn value(&mut self, node: &KdlNode, schema: Option<&Value>) -> Node {
        let span = self.span(node.name().span());
        let (args, props, children) = parts(node);

        if let Some(items) = schema.and_then(list_items) {
            if schema::object_schema(items).is_some() && !(props.is_empty() && args.is_empty()) {
                // `remote_write name="x" url="y"`: the node is itself one item.
                let item = self.item(node, Some(items));
                return Node::new(NodeKind::Seq(vec![item]), span);
            }
            let item_fields = schema::object_schema(items);
            let is_one_item = item_fields.is_some_and(|o| {
                !children.is_empty()
                    && children
                        .iter()
                        .all(|c| schema::property(o, c.name().value()).is_some())
            });
            if is_one_item {
                // `inhibit { source ...; target ... }`: the children are the
                // fields of one unnamed item.
                let item = self.item(node, Some(items));
                return Node::new(NodeKind::Seq(vec![item]), span);
            }
            if !children.is_empty() {
                let expected = singular(node.name().value());
                for child in children.iter().filter(|c| c.name().value() != expected) {
                    self.errors.push(
                        Diagnostic::error(
                            codes::KDL_UNEXPECTED_NODE,
                            format!(
                                "`{}` holds `{expected}` items, not `{}`",
                                node.name().value(),
                                child.name().value()
                            ),
                        )
                        .at(self.span(child.name().span()))
                        .help(format!("name each item `{expected}`")),
                    );
                }
                let list = children.iter().map(|c| self.item(c, Some(items))).collect();
                return Node::new(NodeKind::Seq(list), span);
            }
            let list = args.iter().map(|a| self.scalar(a)).collect();
            return Node::new(NodeKind::Seq(list), span);
        }
        let object = schema.and_then(schema::object_schema);
        if props.is_empty() && children.is_empty() {
            return match args.as_slice() {
                [one] => self.scalar(one),
                [] if object.is_some() => Node::new(NodeKind::Map(Vec::new()), span),
                [] => Node::new(NodeKind::Null, span),
                many => Node::new(
                    NodeKind::Seq(many.iter().map(|a| self.scalar(a)).collect()),
                    span,
                ),
            };
        }
        if let Some(extra) = args.first() {
            self.errors.push(
                Diagnostic::error(
                    codes::KDL_UNEXPECTED_ARGUMENT,
                    format!("`{}` takes no arguments here", node.name().value()),
                )
                .at(self.value_span(extra))
                .help("write fields as properties (`key=value`) or child nodes"),
            );
        }
        let entries = match object {
            Some(o) if o.get("properties").is_none() => self.map(&props, children),
            other => self.object(&props, children, other),
        };
        Node::new(NodeKind::Map(entries), span)
    }

    /// A free-form map (`labels tier="gold"` or `labels { tier "gold" }`).
    fn map(&mut self, props: &[&KdlEntry], children: &[KdlNode]) -> Vec<(Key, Node)> {
        let mut entries = self.object(props, &[], None);
        for child in children {
            let key = self.name_key(child);
            let value = self.value(child, None);
            self.insert(&mut entries, key, value, false);
        }
        entries
    }

    /// One list item: its first argument fills its key field.
    fn item(&mut self, node: &KdlNode, items: Option<&Value>) -> Node {
        let span = self.span(node.name().span());
        let object = items.and_then(schema::object_schema);
        let Some(object) = object else {
            return self.value(node, items);
        };
        let (args, props, children) = parts(node);
        let mut entries = Vec::new();
        let key_field = ITEM_KEY_FIELDS
            .into_iter()
            .find(|f| schema::property(object, f).is_some());
        // An item that may also be a scalar (`transformation "merge"`
        // beside `transformation { organize ... }`).
        if let ([arg], [], [], None) = (args.as_slice(), props.as_slice(), children, key_field)
            && items.is_some_and(|i| {
                schema::alternatives(i)
                    .iter()
                    .any(|a| schema::type_of(a) == Some("string"))
            })
        {
            return self.scalar(arg);
        }
        for (i, arg) in args.iter().enumerate() {
            match key_field {
                Some(field) if i == 0 => {
                    let value = self.scalar(arg);
                    entries.push((
                        Key {
                            name: field.to_owned(),
                            span: value.span,
                        },
                        value,
                    ));
                }
                _ => self.errors.push(
                    Diagnostic::error(
                        codes::KDL_UNEXPECTED_ARGUMENT,
                        format!(
                            "`{}` takes at most one argument (its {})",
                            node.name().value(),
                            key_field.unwrap_or("name")
                        ),
                    )
                    .at(self.value_span(arg))
                    .help("write other fields as properties, e.g. `key=\"value\"`"),
                ),
            }
        }
        let rest = self.object(&props, children, Some(object));
        for (key, value) in rest {
            self.insert(&mut entries, key, value, false);
        }
        Node::new(NodeKind::Map(entries), span)
    }
}

/// A node's arguments, properties and children.
fn parts(node: &KdlNode) -> (Vec<&KdlEntry>, Vec<&KdlEntry>, &[KdlNode]) {
    let (props, args) = node.entries().iter().partition(|e| e.name().is_some());
    let children = node.children().map_or(&[][..], KdlDocument::nodes);
    (args, props, children)
}

/// The schema of a declared field of an object schema.
fn field_schema<'a>(object: &'a Value, name: &str) -> Option<&'a Value> {
    let object = schema::object_schema(object)?;
    schema::property(object, name)
        .or_else(|| object.get("additionalProperties").filter(|v| v.is_object()))
}

/// The item schema of a list schema.
fn list_items(schema: &Value) -> Option<&Value> {
    schema::alternatives(schema)
        .into_iter()
        .find(|s| schema::type_of(s) == Some("array"))
        .and_then(|s| s.get("items"))
}

fn is_list_of_structs(schema: &Value) -> bool {
    list_items(schema).and_then(schema::object_schema).is_some()
}

/// The list field whose items a singular node name stands for
/// (`cluster` → `clusters`, `query` → `queries`).
fn list_for_singular<'a>(object: &'a Value, name: &str) -> Option<(&'a str, &'a Value)> {
    let object = schema::object_schema(object)?;
    let properties = object.get("properties")?.as_object()?;
    properties.iter().find_map(|(list, field)| {
        (list.as_str() != name && singular(list) == name)
            .then(|| list_items(field).map(|items| (list.as_str(), items)))
            .flatten()
    })
}

/// `clusters` → `cluster`, `queries` → `query`; names without a plural
/// (`remote_write`, `inhibit`) stand for their items too.
pub(crate) fn singular(list: &str) -> String {
    list.strip_suffix("ies")
        .map(|stem| format!("{stem}y"))
        .or_else(|| list.strip_suffix('s').map(str::to_owned))
        .unwrap_or_else(|| list.to_owned())
}
