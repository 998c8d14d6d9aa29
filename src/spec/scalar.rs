//! Scalars written as strings whose meaning is a typed value: a duration, a
//! size, a label selector. Their schema carries a pattern so editors flag a
//! bad one while typing; `check` reports a bad one at its exact characters
//! (`check/scalars.rs`) before the spec is deserialized, and deserializing
//! parses each exactly once, so every stage after `check` reads the typed
//! value and none parses the text again.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::selector::Selector;
use crate::units::{Duration, Size};

/// A scalar kept as written (for messages and for outputs that repeat the
/// spec's spelling) together with its parsed value.
macro_rules! typed_string {
    ($(#[$doc:meta])* $name:ident($value:ty, $parse:path), $schema_name:literal, $pattern:literal, $desc:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name {
            text: String,
            value: $value,
        }

        impl $name {
            /// The value as the spec spells it.
            pub fn as_str(&self) -> &str {
                &self.text
            }

            /// The parsed value.
            pub fn value(&self) -> &$value {
                &self.value
            }

            /// Parses `text`; the error is the one `check` reports.
            pub fn parse(text: &str) -> Result<Self, crate::names::ValueError> {
                Ok($name {
                    text: text.to_owned(),
                    value: $parse(text)?,
                })
            }

            /// The schema definition's name, which `check/scalars.rs` looks
            /// for to find every value of this type in a file.
            pub const SCHEMA_NAME: &'static str = $schema_name;
        }

        // Two values are the same when they are spelled the same: the text
        // is what outputs repeat and what reviews compare.
        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.text == other.text
            }
        }
        impl Eq for $name {}
        impl PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
                Some(self.cmp(other))
            }
        }
        impl Ord for $name {
            fn cmp(&self, other: &Self) -> Ordering {
                self.text.cmp(&other.text)
            }
        }
        impl Hash for $name {
            fn hash<H: Hasher>(&self, state: &mut H) {
                self.text.hash(state);
            }
        }

        /// As the spec spells it.
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.text)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.text)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                $name::parse(&text).map_err(|e| serde::de::Error::custom(e.message))
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                $schema_name.into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({ "type": "string", "pattern": $pattern, "description": $desc })
            }
        }
    };
}

typed_string!(
    /// A Prometheus duration.
    DurationText(Duration, Duration::parse),
    "Duration",
    "^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$",
    "A Prometheus duration such as `30s`, `5m`, `1h30m`, `1d` or `4w`."
);

typed_string!(
    /// A byte size.
    SizeText(Size, Size::parse),
    "Size",
    "^[0-9]+(\\.[0-9]+)?(B|KB|MB|GB|TB|Ki|Mi|Gi|Ti|KiB|MiB|GiB|TiB)?$",
    "A size such as `2KB`, `256MB` or `4Gi` (SI and IEC units)."
);

typed_string!(
    /// A Kubernetes label selector string.
    SelectorText(Selector, Selector::parse),
    "LabelSelector",
    "^.*$",
    "A Kubernetes label selector: `a=b`, `a!=b`, `a in (x, y)`, `a notin (x)`, `a`, `!a`; comma means and."
);

typed_string!(
    /// A time of day, `HH:MM` (Alertmanager's `start_time`/`end_time`).
    TimeOfDayText(crate::routing::time::TimeOfDay, crate::routing::time::parse_time),
    "TimeOfDay",
    "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$",
    "A time of day, `HH:MM` from `00:00` to `24:00`."
);

typed_string!(
    /// A weekday or a range of them.
    WeekdayRangeText(crate::routing::time::Range, crate::routing::time::parse_weekdays),
    "WeekdayRange",
    "^[A-Za-z]+(:[A-Za-z]+)?$",
    "A weekday (`monday`) or a range of them (`monday:friday`)."
);

typed_string!(
    /// A day of the month or a range of them.
    DayOfMonthRangeText(crate::routing::time::Range, crate::routing::time::parse_days_of_month),
    "DayOfMonthRange",
    "^-?[0-9]{1,2}(:-?[0-9]{1,2})?$",
    "A day of the month (`1`, `-1` for the last) or a range (`1:7`, `-3:-1`)."
);

typed_string!(
    /// A month or a range of them.
    MonthRangeText(crate::routing::time::Range, crate::routing::time::parse_months),
    "MonthRange",
    "^[A-Za-z0-9]+(:[A-Za-z0-9]+)?$",
    "A month (`january` or `1`) or a range (`january:march`)."
);

typed_string!(
    /// A year or a range of them.
    YearRangeText(crate::routing::time::Range, crate::routing::time::parse_years),
    "YearRange",
    "^[0-9]+(:[0-9]+)?$",
    "A year (`2026`) or a range (`2026:2028`)."
);

typed_string!(
    /// An instant, RFC 3339.
    InstantText(i64, crate::routing::time::parse_instant),
    "Instant",
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$",
    "An instant, RFC 3339: `2026-12-01T10:00:00Z` or `2026-12-01T11:00:00+01:00`."
);

/// A Kubernetes resource quantity (`512Mi`, `10Gi`): checked where it is
/// used (`check/values.rs`, `check/deployment.rs`) and emitted as written,
/// since Kubernetes, not monocle, reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct QuantityText(pub String);

impl QuantityText {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl JsonSchema for QuantityText {
    fn schema_name() -> Cow<'static, str> {
        "Quantity".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^[0-9]+(\\.[0-9]+)?([EPTGMk]|[EPTGMK]i|[eE][+-]?[0-9]+)?$",
            "description": "A Kubernetes quantity such as `512Mi` or `10Gi`."
        })
    }
}

/// `0s`: a zero duration, as the spec would spell it.
impl Default for DurationText {
    fn default() -> Self {
        DurationText {
            text: "0s".to_owned(),
            value: Duration { millis: 0 },
        }
    }
}

/// The empty selector, which selects everything.
impl Default for SelectorText {
    fn default() -> Self {
        SelectorText {
            text: String::new(),
            value: Selector::default(),
        }
    }
}

/// A duration monocle chooses (a default), spelled canonically (`30d`, `5m`).
impl From<Duration> for DurationText {
    fn from(value: Duration) -> Self {
        DurationText {
            text: value.to_string(),
            value,
        }
    }
}
