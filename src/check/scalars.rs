//! Typed scalars (durations, sizes, label selectors, time-interval fields
//! and instants) of one file, found by
//! walking the file's tree beside the generated schema: wherever the schema
//! says `Duration`, `Size` or `LabelSelector`, the string is parsed and a bad
//! one reported at its exact characters. This runs before the file is
//! deserialized, so deserializing (which parses each value once more, into
//! the typed spec) cannot fail on them, and no section can be forgotten.

use serde_json::Value;

use super::Ctx;
use crate::diagnostic::codes;
use crate::names::ValueError;
use crate::schema;
use crate::spec::{
    DayOfMonthRangeText, DurationText, InstantText, MonthRangeText, SelectorText, SizeText,
    TimeOfDayText, WeekdayRangeText, YearRangeText,
};
use crate::syntax::{Node, NodeKind};

/// Reports every typed scalar of `root` that does not parse.
pub fn check(root: &Node, ctx: &mut Ctx) {
    let schema = schema::schema();
    walk(root, schema, schema, ctx);
}

fn walk(node: &Node, at: &Value, root: &Value, ctx: &mut Ctx) {
    if let Some(reference) = at.get("$ref").and_then(Value::as_str) {
        let name = reference.strip_prefix("#/$defs/").unwrap_or(reference);
        if let NodeKind::Str(text) = &node.kind
            && let Some((code, result)) = parse(name, text)
        {
            if let Err(e) = result {
                ctx.value_error(code, node.blame_span(), e);
            }
            return;
        }
        if let Some(definition) = root.get("$defs").and_then(|d| d.get(name)) {
            walk(node, definition, root, ctx);
        }
        return;
    }
    for keyword in ["anyOf", "oneOf", "allOf"] {
        for alternative in at
            .get(keyword)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            walk(node, alternative, root, ctx);
        }
    }
    match &node.kind {
        NodeKind::Map(entries) => {
            let properties = at.get("properties");
            let additional = at.get("additionalProperties").filter(|v| v.is_object());
            for (key, value) in entries {
                if let Some(sub) = properties.and_then(|p| p.get(&key.name)).or(additional) {
                    walk(value, sub, root, ctx);
                }
            }
        }
        NodeKind::Seq(items) => {
            if let Some(sub) = at.get("items") {
                for item in items {
                    walk(item, sub, root, ctx);
                }
            }
        }
        _ => {}
    }
}

/// The code and parse result of a string whose schema is `name`, or `None`
/// when `name` is not a typed scalar.
fn parse(name: &str, text: &str) -> Option<(&'static str, Result<(), ValueError>)> {
    Some(match name {
        DurationText::SCHEMA_NAME => (
            codes::UNITS_INVALID_DURATION,
            DurationText::parse(text).map(drop),
        ),
        SizeText::SCHEMA_NAME => (codes::UNITS_INVALID_SIZE, SizeText::parse(text).map(drop)),
        SelectorText::SCHEMA_NAME => (codes::SELECTOR_INVALID, SelectorText::parse(text).map(drop)),
        TimeOfDayText::SCHEMA_NAME => (
            codes::ROUTING_INVALID_TIME,
            TimeOfDayText::parse(text).map(drop),
        ),
        WeekdayRangeText::SCHEMA_NAME => (
            codes::ROUTING_INVALID_WEEKDAY,
            WeekdayRangeText::parse(text).map(drop),
        ),
        DayOfMonthRangeText::SCHEMA_NAME => (
            codes::ROUTING_INVALID_DATE_RANGE,
            DayOfMonthRangeText::parse(text).map(drop),
        ),
        MonthRangeText::SCHEMA_NAME => (
            codes::ROUTING_INVALID_DATE_RANGE,
            MonthRangeText::parse(text).map(drop),
        ),
        YearRangeText::SCHEMA_NAME => (
            codes::ROUTING_INVALID_DATE_RANGE,
            YearRangeText::parse(text).map(drop),
        ),
        InstantText::SCHEMA_NAME => (
            codes::ROUTING_INVALID_INSTANT,
            InstantText::parse(text).map(drop),
        ),
        _ => return None,
    })
}
