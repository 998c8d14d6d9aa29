//! Dashboards' JSON: a light value type the dashboard emitter builds
//! ([`Json`], with the [`jv!`] macro shaped like `serde_json::json!`), and
//! a printer writing byte for byte what `serde_json::to_string_pretty`
//! writes: two-space indent, `": "` after keys, `[]` and `{}` for empty
//! collections, serde_json's escapes and numbers.
//!
//! Dashboards are the largest files of a fleet. Built as `serde_json`
//! values, each key was a `String` allocated and hashed (SipHash, into an
//! `IndexMap`) and each value copied through serde; printed by serde_json,
//! each token went through a formatter call. Together that was a sixth
//! of a fleet compile's instructions. The tests compare both printers on
//! every dashboard of the reference spec and on generated values.

use std::borrow::Cow;
use std::fmt::Write as _;

use serde_json::Value;

/// A JSON value as the dashboard emitter builds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Int(i64),
    /// Printed as serde_json prints it; `null` when not finite, as
    /// serde_json makes such a float.
    Float(f64),
    Str(Cow<'static, str>),
    Arr(Vec<Json>),
    Obj(Obj),
}

/// An object's entries in insertion order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Obj(Vec<(Cow<'static, str>, Json)>);

impl Obj {
    pub fn new() -> Self {
        Obj(Vec::new())
    }

    /// Sets `key`, in place when it is already there (as a map does).
    pub fn insert(&mut self, key: impl Into<Cow<'static, str>>, value: Json) {
        let key = key.into();
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, old)) => *old = value,
            None => self.0.push((key, value)),
        }
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<K: Into<Cow<'static, str>>> FromIterator<(K, Json)> for Obj {
    fn from_iter<I: IntoIterator<Item = (K, Json)>>(iter: I) -> Self {
        let mut obj = Obj::new();
        for (key, value) in iter {
            obj.insert(key, value);
        }
        obj
    }
}

impl From<Json> for Value {
    fn from(json: Json) -> Value {
        match json {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(b),
            Json::Int(i) => Value::from(i),
            Json::Float(f) => Value::from(f),
            Json::Str(s) => Value::String(s.into_owned()),
            Json::Arr(items) => Value::Array(items.into_iter().map(Value::from).collect()),
            Json::Obj(Obj(entries)) => Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.into_owned(), Value::from(v)))
                    .collect(),
            ),
        }
    }
}

/// What the [`jv!`] macro takes as a value: by reference, like
/// `serde_json::json!`.
pub trait ToJson {
    fn to_json(&self) -> Json;
}

impl ToJson for Json {
    fn to_json(&self) -> Json {
        self.clone()
    }
}

impl ToJson for Obj {
    fn to_json(&self) -> Json {
        Json::Obj(self.clone())
    }
}

impl ToJson for str {
    fn to_json(&self) -> Json {
        Json::Str(Cow::Owned(self.to_owned()))
    }
}

impl ToJson for String {
    fn to_json(&self) -> Json {
        Json::Str(Cow::Owned(self.clone()))
    }
}

impl ToJson for bool {
    fn to_json(&self) -> Json {
        Json::Bool(*self)
    }
}

impl ToJson for f64 {
    fn to_json(&self) -> Json {
        Json::Float(*self)
    }
}

macro_rules! int_to_json {
    ($($t:ty),*) => {$(
        impl ToJson for $t {
            fn to_json(&self) -> Json {
                Json::Int(i64::from(*self))
            }
        }
    )*};
}
int_to_json!(i32, u32, i64, u8);

impl<T: ToJson + ?Sized> ToJson for &T {
    fn to_json(&self) -> Json {
        (**self).to_json()
    }
}

impl<T: ToJson> ToJson for [T] {
    fn to_json(&self) -> Json {
        Json::Arr(self.iter().map(ToJson::to_json).collect())
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn to_json(&self) -> Json {
        self.as_slice().to_json()
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn to_json(&self) -> Json {
        self.as_ref().map_or(Json::Null, ToJson::to_json)
    }
}

impl<K: AsRef<str>, V: ToJson> ToJson for std::collections::BTreeMap<K, V> {
    fn to_json(&self) -> Json {
        Json::Obj(
            self.iter()
                .map(|(k, v)| (k.as_ref().to_owned(), v.to_json()))
                .collect(),
        )
    }
}

impl From<Obj> for Json {
    fn from(obj: Obj) -> Json {
        Json::Obj(obj)
    }
}

impl From<Vec<Json>> for Json {
    fn from(items: Vec<Json>) -> Json {
        Json::Arr(items)
    }
}

impl From<&str> for Json {
    fn from(text: &str) -> Json {
        Json::Str(Cow::Owned(text.to_owned()))
    }
}

impl From<String> for Json {
    fn from(text: String) -> Json {
        Json::Str(Cow::Owned(text))
    }
}

impl From<bool> for Json {
    fn from(b: bool) -> Json {
        Json::Bool(b)
    }
}

impl From<u32> for Json {
    fn from(n: u32) -> Json {
        Json::Int(i64::from(n))
    }
}

impl From<i32> for Json {
    fn from(n: i32) -> Json {
        Json::Int(i64::from(n))
    }
}

/// An object of moved-in values: `jobject! { "key" => value, ... }`, each
/// value turned into [`Json`] with `From` (no copy, unlike [`jv!`]).
macro_rules! jobject {
    ($($key:literal => $value:expr),* $(,)?) => {{
        let mut object = $crate::emit::json::Obj::new();
        $(object.insert($key, $crate::emit::json::Json::from($value));)*
        $crate::emit::json::Json::Obj(object)
    }};
}
pub(crate) use jobject;

/// `serde_json::json!`'s syntax for [`Json`]: literal objects and arrays
/// with `null`, `true`, `false` and expressions (taken by reference,
/// through [`ToJson`], so copied). Keys are string literals or
/// parenthesized expressions. Shaped after serde_json's own macro. A
/// value already built as [`Json`] is moved in with [`jobject!`] instead.
macro_rules! jv {
    // Arrays: elements munched one at a time.
    (@array [$($elems:expr,)*]) => { vec![$($elems,)*] };
    (@array [$($elems:expr),*]) => { vec![$($elems),*] };
    (@array [$($elems:expr,)*] null $($rest:tt)*) => {
        $crate::emit::json::jv!(@array [$($elems,)* $crate::emit::json::jv!(null)] $($rest)*)
    };
    (@array [$($elems:expr,)*] true $($rest:tt)*) => {
        $crate::emit::json::jv!(@array [$($elems,)* $crate::emit::json::jv!(true)] $($rest)*)
    };
    (@array [$($elems:expr,)*] false $($rest:tt)*) => {
        $crate::emit::json::jv!(@array [$($elems,)* $crate::emit::json::jv!(false)] $($rest)*)
    };
    (@array [$($elems:expr,)*] [$($array:tt)*] $($rest:tt)*) => {
        $crate::emit::json::jv!(@array [$($elems,)* $crate::emit::json::jv!([$($array)*])] $($rest)*)
    };
    (@array [$($elems:expr,)*] {$($map:tt)*} $($rest:tt)*) => {
        $crate::emit::json::jv!(@array [$($elems,)* $crate::emit::json::jv!({$($map)*})] $($rest)*)
    };
    (@array [$($elems:expr,)*] $next:expr, $($rest:tt)*) => {
        $crate::emit::json::jv!(@array [$($elems,)* $crate::emit::json::jv!($next),] $($rest)*)
    };
    (@array [$($elems:expr,)*] $last:expr) => {
        $crate::emit::json::jv!(@array [$($elems,)* $crate::emit::json::jv!($last)])
    };
    (@array [$($elems:expr),*] , $($rest:tt)*) => {
        $crate::emit::json::jv!(@array [$($elems,)*] $($rest)*)
    };

    // Objects: a key's tokens collected up to its colon, then its value.
    (@object $object:ident () () ()) => {};
    (@object $object:ident [$($key:tt)+] ($value:expr) , $($rest:tt)*) => {
        $object.insert($($key)+, $value);
        $crate::emit::json::jv!(@object $object () ($($rest)*) ($($rest)*));
    };
    (@object $object:ident [$($key:tt)+] ($value:expr)) => {
        $object.insert($($key)+, $value);
    };
    (@object $object:ident ($($key:tt)+) (: null $($rest:tt)*) $copy:tt) => {
        $crate::emit::json::jv!(@object $object [$($key)+] ($crate::emit::json::jv!(null)) $($rest)*);
    };
    (@object $object:ident ($($key:tt)+) (: true $($rest:tt)*) $copy:tt) => {
        $crate::emit::json::jv!(@object $object [$($key)+] ($crate::emit::json::jv!(true)) $($rest)*);
    };
    (@object $object:ident ($($key:tt)+) (: false $($rest:tt)*) $copy:tt) => {
        $crate::emit::json::jv!(@object $object [$($key)+] ($crate::emit::json::jv!(false)) $($rest)*);
    };
    (@object $object:ident ($($key:tt)+) (: [$($array:tt)*] $($rest:tt)*) $copy:tt) => {
        $crate::emit::json::jv!(@object $object [$($key)+] ($crate::emit::json::jv!([$($array)*])) $($rest)*);
    };
    (@object $object:ident ($($key:tt)+) (: {$($map:tt)*} $($rest:tt)*) $copy:tt) => {
        $crate::emit::json::jv!(@object $object [$($key)+] ($crate::emit::json::jv!({$($map)*})) $($rest)*);
    };
    (@object $object:ident ($($key:tt)+) (: $value:expr , $($rest:tt)*) $copy:tt) => {
        $crate::emit::json::jv!(@object $object [$($key)+] ($crate::emit::json::jv!($value)) , $($rest)*);
    };
    (@object $object:ident ($($key:tt)+) (: $value:expr) $copy:tt) => {
        $crate::emit::json::jv!(@object $object [$($key)+] ($crate::emit::json::jv!($value)));
    };
    (@object $object:ident () (($key:expr) : $($rest:tt)*) $copy:tt) => {
        $crate::emit::json::jv!(@object $object ($key) (: $($rest)*) (: $($rest)*));
    };
    (@object $object:ident ($($key:tt)*) ($tt:tt $($rest:tt)*) $copy:tt) => {
        $crate::emit::json::jv!(@object $object ($($key)* $tt) ($($rest)*) ($($rest)*));
    };

    (null) => { $crate::emit::json::Json::Null };
    (true) => { $crate::emit::json::Json::Bool(true) };
    (false) => { $crate::emit::json::Json::Bool(false) };
    ([]) => { $crate::emit::json::Json::Arr(Vec::new()) };
    ([ $($tt:tt)+ ]) => { $crate::emit::json::Json::Arr($crate::emit::json::jv!(@array [] $($tt)+)) };
    ({}) => { $crate::emit::json::Json::Obj($crate::emit::json::Obj::new()) };
    ({ $($tt:tt)+ }) => {
        $crate::emit::json::Json::Obj({
            let mut object = $crate::emit::json::Obj::new();
            $crate::emit::json::jv!(@object object () ($($tt)+) ($($tt)+));
            object
        })
    };
    ($other:expr) => { $crate::emit::json::ToJson::to_json(&$other) };
}
pub(crate) use jv;

/// `value` pretty-printed as serde_json prints it, without a final
/// newline.
pub fn pretty(value: &Json) -> String {
    let mut out = String::with_capacity(16 * 1024);
    write_value(value, 0, &mut out);
    out
}

fn write_value(value: &Json, depth: usize, out: &mut String) {
    match value {
        Json::Null => out.push_str("null"),
        Json::Bool(true) => out.push_str("true"),
        Json::Bool(false) => out.push_str("false"),
        Json::Int(n) => {
            let _ = write!(out, "{n}");
        }
        // serde_json prints a float as its `Number`'s `Display` does, and
        // makes a float that is not finite `null`.
        Json::Float(x) => match serde_json::Number::from_f64(*x) {
            Some(number) => {
                let _ = write!(out, "{number}");
            }
            None => out.push_str("null"),
        },
        Json::Str(text) => write_string(text, out),
        Json::Arr(items) if items.is_empty() => out.push_str("[]"),
        Json::Arr(items) => {
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
        Json::Obj(Obj(entries)) if entries.is_empty() => out.push_str("{}"),
        Json::Obj(Obj(entries)) => {
            out.push('{');
            for (index, (key, item)) in entries.iter().enumerate() {
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

    use super::{Json, Obj, pretty};

    /// The same value as the dashboard emitter would build it.
    fn from_value(value: &Value) -> Json {
        match value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => match n.as_i64() {
                Some(i) => Json::Int(i),
                None => Json::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            Value::String(s) => Json::from(s.clone()),
            Value::Array(items) => Json::Arr(items.iter().map(from_value).collect()),
            Value::Object(map) => Json::Obj(
                map.iter()
                    .map(|(k, v)| (k.clone(), from_value(v)))
                    .collect::<Obj>(),
            ),
        }
    }

    fn same_as_serde_json(json: &Json) {
        let value = Value::from(json.clone());
        let expected = serde_json::to_string_pretty(&value).expect("JSON values serialize");
        assert_eq!(pretty(json), expected, "{value:?}");
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
                i64::MAX,
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
            same_as_serde_json(&from_value(&value));
        }
        // Deeper than the indent the printer copies in one piece.
        let deep = (0..40).fold(jv!("leaf"), |inner, depth| {
            if depth % 2 == 0 {
                jv!([inner])
            } else {
                jv!({ "k": inner })
            }
        });
        same_as_serde_json(&deep);
        // Floats that are not finite: null, as serde_json makes them.
        same_as_serde_json(&jv!([f64::NAN, f64::INFINITY, 1.5]));
    }

    #[test]
    fn the_macro_builds_what_serde_json_builds() {
        let name = String::from("svc \"a\"");
        let numbers = vec![1u32, 2];
        let maybe: Option<&str> = None;
        // The same tokens through both macros.
        macro_rules! both {
            ($($tokens:tt)+) => {
                (jv!($($tokens)+), json!($($tokens)+))
            };
        }
        let (built, expected) = both!({
            "name": name,
            "nested": { "list": [1, "two", null, true, false, { "x": 0.5 }], "empty": {} },
            "numbers": numbers,
            "absent": maybe,
            ("computed".to_owned()): [],
            "last": -7,
        });
        assert_eq!(Value::from(built), expected);
    }

    #[test]
    fn an_object_keeps_the_place_of_a_key_set_again() {
        let mut object = Obj::new();
        object.insert("a", jv!(1));
        object.insert("b", jv!(2));
        object.insert("a", jv!(3));
        assert_eq!(pretty(&Json::Obj(object)), "{\n  \"a\": 3,\n  \"b\": 2\n}");
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
            same_as_serde_json(&from_value(&value));
        }
    }
}
