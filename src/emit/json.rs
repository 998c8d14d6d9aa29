//! A direct printer of JSON values, byte for byte what
//! `serde_json::to_string_pretty` writes: two-space indent, `": "` after
//! keys, `[]` and `{}` for empty collections, serde_json's escapes.
//!
//! Dashboards are the largest files of a fleet; serde_json's serializer
//! goes through serde's data model and a formatter call per token, and
//! was a sixth of a fleet compile's instructions. The tests compare both
//! on every dashboard of the reference spec and on generated values.

use std::fmt::Write as _;

use serde_json::Value;

/// `value` pretty-printed as serde_json does, without a final newline.
pub fn pretty(value: &Value) -> String {
    let mut out = String::with_capacity(4096);
    write_value(value, 0, &mut out);
    out
}

fn write_value(value: &Value, depth: usize, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        // serde_json prints a number as its `Display` does.
        Value::Number(number) => {
            let _ = write!(out, "{number}");
        }
        Value::String(text) => write_string(text, out),
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                new_line(depth + 1, out);
                write_value(item, depth + 1, out);
            }
            new_line(depth, out);
            out.push(']');
        }
        Value::Object(map) if map.is_empty() => out.push_str("{}"),
        Value::Object(map) => {
            out.push('{');
            for (index, (key, item)) in map.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                new_line(depth + 1, out);
                write_string(key, out);
                out.push_str(": ");
                write_value(item, depth + 1, out);
            }
            new_line(depth, out);
            out.push('}');
        }
    }
}

/// A newline and the indent of `depth`, in one copy where it can.
fn new_line(depth: usize, out: &mut String) {
    const LINE: &str = "\n                                                                ";
    if let Some(line) = LINE.get(..1 + 2 * depth) {
        out.push_str(line);
    } else {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    }
}

/// A string in quotes with serde_json's escapes: `"`, `\`, and control
/// characters (short forms where JSON has them, else `\u00XX`); all else,
/// DEL and non-ASCII included, as it is.
fn write_string(text: &str, out: &mut String) {
    out.push('"');
    // Most strings (queries, titles, keys) escape nothing: tested without
    // a branch per byte, they are copied whole.
    let escapes = text
        .as_bytes()
        .iter()
        .fold(0u8, |found, &b| found | u8::from(needs_escape(b)));
    if escapes == 0 {
        out.push_str(text);
    } else {
        let mut start = 0;
        for (here, byte) in text.bytes().enumerate() {
            if needs_escape(byte) {
                // Escaped bytes are ASCII, so these are character boundaries.
                out.push_str(&text[start..here]);
                push_escape(byte, out);
                start = here + 1;
            }
        }
        out.push_str(&text[start..]);
    }
    out.push('"');
}

fn needs_escape(byte: u8) -> bool {
    byte < 0x20 || byte == b'"' || byte == b'\\'
}

fn push_escape(byte: u8, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    match byte {
        b'"' => out.push_str("\\\""),
        b'\\' => out.push_str("\\\\"),
        b'\n' => out.push_str("\\n"),
        b'\r' => out.push_str("\\r"),
        b'\t' => out.push_str("\\t"),
        0x08 => out.push_str("\\b"),
        0x0c => out.push_str("\\f"),
        _ => {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::{Value, json};

    use super::pretty;

    fn same_as_serde_json(value: &Value) {
        let expected = serde_json::to_string_pretty(value).expect("JSON values serialize");
        assert_eq!(pretty(value), expected, "{value:?}");
    }

    #[test]
    fn prints_what_serde_json_prints() {
        for value in [
            json!(null),
            json!({}),
            json!([]),
            json!({ "a": [], "b": {}, "c": [[], {}, [1, [2, {"d": null}]]] }),
            json!([
                "\"quoted\" \\ back",
                "tab\there\nnew\r\u{8}\u{c}",
                "\u{0}\u{1f}\u{7f}",
                "ünïcödé ☃ 𝄞"
            ]),
            json!([
                0,
                -1,
                u64::MAX,
                i64::MIN,
                0.5,
                -0.0,
                1e300,
                1.0e-7,
                100.0,
                1.234_567_890_123_456_7
            ]),
            json!({ "\"key\"\n": true, "": false }),
        ] {
            same_as_serde_json(&value);
        }
        // Deeper than the indent the printer copies in one piece.
        let deep = (0..40).fold(json!("leaf"), |inner, depth| {
            if depth % 2 == 0 {
                json!([inner])
            } else {
                json!({ "k": inner })
            }
        });
        same_as_serde_json(&deep);
    }

    #[test]
    fn prints_every_dashboard_of_the_reference_spec_as_serde_json_does() {
        let model = crate::reference_model();
        let dashboards: Vec<_> = model
            .clusters
            .iter()
            .flat_map(|c| c.dashboards.iter().chain(c.slo_dashboards.iter()))
            .collect();
        assert!(!dashboards.is_empty(), "the reference spec has dashboards");
        for dashboard in dashboards {
            same_as_serde_json(&crate::emit::grafana::dashboard_json(dashboard));
        }
    }

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            any::<String>().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 64, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec((any::<String>(), inner), 0..6)
                    .prop_map(|entries| Value::Object(entries.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn prints_any_value_as_serde_json_does(value in any_json()) {
            same_as_serde_json(&value);
        }
    }
}
