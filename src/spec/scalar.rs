//! String-typed scalars whose schema carries a pattern, so editors flag a bad
//! duration or size while typing; the checker re-parses them with positions.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

macro_rules! pattern_string {
    ($(#[$doc:meta])* $name:ident, $schema_name:literal, $pattern:literal, $desc:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                $schema_name.into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({ "type": "string", "pattern": $pattern, "description": $desc })
            }
        }

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    };
}

pattern_string!(
    /// A Prometheus duration.
    DurationText,
    "Duration",
    "^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$",
    "A Prometheus duration such as `30s`, `5m`, `1h30m`, `1d` or `4w`."
);

pattern_string!(
    /// A byte size.
    SizeText,
    "Size",
    "^[0-9]+(\\.[0-9]+)?(B|KB|MB|GB|TB|Ki|Mi|Gi|Ti|KiB|MiB|GiB|TiB)?$",
    "A size such as `2KB`, `256MB` or `4Gi` (SI and IEC units)."
);

pattern_string!(
    /// A Kubernetes label selector string.
    SelectorText,
    "LabelSelector",
    "^.*$",
    "A Kubernetes label selector: `a=b`, `a!=b`, `a in (x, y)`, `a notin (x)`, `a`, `!a`; comma means and."
);
