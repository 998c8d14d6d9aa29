//! YAML → [`Node`] with spans, through serde-saphyr (serde_yaml is archived
//! upstream and keeps no spans on values).

use crate::diagnostic::codes;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned as YSpanned;

use super::{Key, Node, NodeKind};
use crate::diagnostic::Diagnostic;
use crate::source::{SourceId, Span};

/// Parses one YAML document. Syntax errors, duplicate keys and documents
/// that are not a map become a diagnostic at the place they were found.
pub fn parse(source: SourceId, text: &str) -> Result<Node, Vec<Diagnostic>> {
    // Most spec files are read straight from the parser's events; what that
    // reader cannot be sure of is read here.
    if let Some(node) = super::yaml_events::parse(source, text) {
        return Ok(node);
    }
    parse_with_serde(source, text)
}

/// [`parse`] through serde-saphyr alone.
pub(super) fn parse_with_serde(source: SourceId, text: &str) -> Result<Node, Vec<Diagnostic>> {
    let options = serde_saphyr::options! {
        duplicate_keys: serde_saphyr::options::DuplicateKeyPolicy::Error,
        // YAML 1.2 booleans only: `y`, `no` and `on` stay strings (the
        // "Norway problem" turns country codes and names into booleans).
        strict_booleans: true,
    };
    match serde_saphyr::from_str_with_options::<YSpanned<RawNode>>(text, options) {
        Ok(root) => Ok(root
            .value
            .into_node(source, span_of(source, text, &root.referenced))),
        Err(err) => {
            let span = err.location().map_or_else(
                || Span::new(source, 0, 0),
                |loc| span_of(source, text, &loc),
            );
            let message = clean_message(&err);
            let code = if message.starts_with("duplicate key") {
                codes::YAML_DUPLICATE_KEY
            } else if message.starts_with("the YAML is") {
                codes::YAML_LIMIT
            } else {
                codes::YAML_SYNTAX
            };
            Err(vec![
                Diagnostic::error(code, message).at(span).label("here"),
            ])
        }
    }
}

/// serde-saphyr's message carries its own position prefix and API hints;
/// ours comes from the span, so keep only the plain words.
fn clean_message(err: &serde_saphyr::Error) -> String {
    let text = err.to_string();
    let mut first = text.lines().next().unwrap_or("").trim();
    first = first.strip_prefix("error: ").unwrap_or(first);
    if first.starts_with("line ") {
        first = first.split_once(": ").map_or(first, |(_, rest)| rest);
    }
    if first.starts_with("multiple YAML documents") {
        return "a spec file holds one YAML document; split the `---` documents into files".into();
    }
    // Resource limits (see "Limits" in the README): say which, plainly.
    if let Some(budget) = first.strip_prefix("budget breached: ") {
        let what = budget.split([' ', '{']).next().unwrap_or(budget);
        let limit = match what {
            "Depth" => "nested more than 64 levels deep",
            "Nodes" | "Events" | "Aliases" | "Anchors" | "RecordedAnchorEvents" => {
                "too large: it has (or its aliases expand to) too many values"
            }
            _ => "over a resource limit",
        };
        return format!("the YAML is {limit} ({})", budget.trim());
    }
    if first.starts_with("recursion limit exceeded") {
        return "the YAML is nested too deeply (recursion limit exceeded)".into();
    }
    if let Some(key) = first.strip_prefix("duplicate mapping key: ") {
        let key = key.split(", set ").next().unwrap_or(key);
        return format!("duplicate key `{key}`");
    }
    let first = first.split("; use ").next().unwrap_or(first);
    format!("invalid YAML: {}", first.trim_end_matches('.'))
}

fn span_of(source: SourceId, text: &str, loc: &serde_saphyr::Location) -> Span {
    let span = loc.span();
    if let (Some(start), Some(len)) = (span.byte_offset(), span.byte_len()) {
        let start = (start as usize).min(text.len());
        Span::new(source, start, (start + len as usize).min(text.len()))
    } else {
        // Fall back to line/column when byte offsets are unavailable.
        let offset = line_col_to_offset(text, loc.line() as usize, loc.column() as usize);
        Span::new(source, offset, offset)
    }
}

fn line_col_to_offset(text: &str, line: usize, col: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return offset
                + l.char_indices()
                    .nth(col.saturating_sub(1))
                    .map_or(l.len(), |(b, _)| b);
        }
        offset += l.len();
    }
    text.len()
}

/// Intermediate tree whose children keep serde-saphyr locations until the
/// source id is known.
enum RawNode {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<YSpanned<RawNode>>),
    Map(Vec<(YSpanned<String>, YSpanned<RawNode>)>),
}

impl RawNode {
    fn into_node(self, source: SourceId, span: Span) -> Node {
        // Spans are recomputed against the text by the caller for the root;
        // children carry their own locations.
        let kind = match self {
            RawNode::Null => NodeKind::Null,
            RawNode::Bool(b) => NodeKind::Bool(b),
            RawNode::Int(i) => NodeKind::Int(i),
            RawNode::Float(f) => NodeKind::Float(f),
            RawNode::Str(s) => NodeKind::Str(s),
            RawNode::Seq(items) => NodeKind::Seq(
                items
                    .into_iter()
                    .map(|item| {
                        let span = raw_span(source, &item.referenced);
                        item.value.into_node(source, span)
                    })
                    .collect(),
            ),
            RawNode::Map(entries) => NodeKind::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| {
                        let key = Key {
                            span: raw_span(source, &k.referenced),
                            name: k.value,
                        };
                        let span = raw_span(source, &v.referenced);
                        (key, v.value.into_node(source, span))
                    })
                    .collect(),
            ),
        };
        Node::new(kind, span)
    }
}

fn raw_span(source: SourceId, loc: &serde_saphyr::Location) -> Span {
    let span = loc.span();
    let start = span.byte_offset().unwrap_or(0) as usize;
    let len = span.byte_len().unwrap_or(0) as usize;
    Span::new(source, start, start + len)
}

impl<'de> Deserialize<'de> for RawNode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawNode;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_unit<E>(self) -> Result<RawNode, E> {
        Ok(RawNode::Null)
    }
    fn visit_none<E>(self) -> Result<RawNode, E> {
        Ok(RawNode::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<RawNode, D::Error> {
        RawNode::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<RawNode, E> {
        Ok(RawNode::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<RawNode, E> {
        Ok(RawNode::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawNode, E> {
        i64::try_from(v)
            .map(RawNode::Int)
            .map_err(|_| E::custom(format!("integer {v} is too large")))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<RawNode, E> {
        i64::try_from(v)
            .map(RawNode::Int)
            .map_err(|_| E::custom(format!("integer {v} is too large")))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<RawNode, E> {
        i64::try_from(v)
            .map(RawNode::Int)
            .map_err(|_| E::custom(format!("integer {v} is too large")))
    }
    fn visit_f64<E>(self, v: f64) -> Result<RawNode, E> {
        Ok(RawNode::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<RawNode, E> {
        Ok(RawNode::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<RawNode, E> {
        Ok(RawNode::Str(v))
    }
    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<RawNode, E> {
        Err(E::custom("binary values are not supported"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawNode, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<YSpanned<RawNode>>()? {
            items.push(item);
        }
        Ok(RawNode::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawNode, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<YSpanned<KeyText>>()? {
            let value = map.next_value::<YSpanned<RawNode>>()?;
            let key = YSpanned::new(key.value.0, key.referenced, key.defined);
            entries.push((key, value));
        }
        Ok(RawNode::Map(entries))
    }
}

/// A map key: scalars are accepted and kept as their text.
struct KeyText(String);

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = KeyText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_str<E>(self, v: &str) -> Result<KeyText, E> {
                Ok(KeyText(v.to_owned()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_unit<E>(self) -> Result<KeyText, E> {
                Ok(KeyText("null".to_owned()))
            }
        }
        deserializer.deserialize_any(KeyVisitor)
    }
}
