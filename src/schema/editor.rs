//! The published schema is the checker's schema plus what only an editor
//! needs, added here in one pass: value constraints the semantic checks own
//! (name patterns, bounds, absolute `*_file` paths, URLs, the `version`
//! const, one-of shapes), readable messages for them (`patternErrorMessage`,
//! `errorMessage`), Markdown hover texts (`markdownDescription`), the label
//! selector syntax on every selector, and defaults and examples a snippet
//! may insert.
//!
//! The checker does not validate with these constraints: `monocle check`
//! reports each of them itself, with its own code and exact span, so the
//! schema here only has to agree with it (tests run yaml-language-server
//! over the error corpus and the reference specs).

use serde_json::{Map, Value, json};

use crate::spec::{
    CREDENTIALS, DayOfMonthRangeText, DurationText, InstantText, MonthRangeText, SelectorText,
    SizeText, TimeOfDayText, WeekdayRangeText, YearRangeText,
};

/// DNS-1123 label, as `names::check_dns1123_label` accepts it.
const DNS_LABEL: &str = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
/// An SLO or service name, as `check::slos::sloth_name` accepts it.
const SLOTH_NAME: &str = "^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$";
const DNS_LABEL_MESSAGE: &str = "must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters";
/// Prometheus metric name (alerts and records), as `names::check_alert_name` accepts it.
const METRIC_NAME: &str = "^[a-zA-Z_:][a-zA-Z0-9_:]*$";
/// Prometheus label name, as `names::check_label_name` accepts it.
const LABEL_NAME: &str = "^[a-zA-Z_][a-zA-Z0-9_]*$";
const LABEL_NAME_MESSAGE: &str =
    "must be a Prometheus label name: letters, digits and '_', not starting with a digit";
/// An http(s) URL with a host and no whitespace, as `check::alloy::check_url` accepts it.
const URL: &str = "^https?://[^\\s/?#]+\\S*$";
const URL_MESSAGE: &str = "must be an http:// or https:// URL with a host and no spaces";

/// The label selector syntax, shown on every selector's hover.
pub const SELECTOR_SYNTAX: &str = "Label selector syntax (comma means *and*; empty selects everything):\n\n\
| written | selects |\n|---|---|\n\
| `key=value` or `key==value` | the label equals the value |\n\
| `key!=value` | the label differs from the value (or is absent) |\n\
| `key in (a, b)` | the label is one of the values |\n\
| `key notin (a, b)` | the label is none of the values (or is absent) |\n\
| `key` | the label exists |\n\
| `!key` | the label does not exist |\n\n\
Example: `environment=production, region in (eu-west-1, eu-central-1)`";

/// Adds the editor-only keywords to a copy of the checker's schema. Returns
/// the schema and the places this pass meant to annotate but did not find
/// (a renamed field); a test requires that list to be empty.
pub fn annotate(mut schema: Value) -> (Value, Vec<String>) {
    let mut pass = Pass {
        schema: &mut schema,
        missed: Vec::new(),
    };
    pass.root(
        "version",
        json!({"const": 1, "default": 1,
        "errorMessage": "monocle reads spec language version 1: write `version: 1`"}),
    );
    pass.names();
    pass.bounds();
    pass.urls();
    pass.one_ofs();
    pass.scalars();
    pass.enums();
    let missed = pass.missed;
    absolute_files(&mut schema);
    selectors(&mut schema);
    markdown(&mut schema);
    (schema, missed)
}

struct Pass<'a> {
    schema: &'a mut Value,
    missed: Vec<String>,
}

impl Pass<'_> {
    /// Merges `add` into the schema at a JSON pointer; notes a miss.
    fn at(&mut self, pointer: &str, add: Value) {
        match self.schema.pointer_mut(pointer) {
            Some(Value::Object(target)) => merge(target, add),
            _ => self.missed.push(pointer.to_owned()),
        }
    }

    fn root(&mut self, property: &str, add: Value) {
        self.at(&format!("/properties/{property}"), add);
    }

    fn prop(&mut self, def: &str, property: &str, add: Value) {
        self.at(&format!("/$defs/{def}/properties/{property}"), add);
    }

    fn names(&mut self) {
        let dns = || json!({"pattern": DNS_LABEL, "maxLength": 63, "patternErrorMessage": DNS_LABEL_MESSAGE});
        for (def, property) in [
            ("Cluster", "name"),
            ("Service", "namespace"),
            ("Shard", "name"),
            ("RemoteWrite", "name"),
            ("LogPipeline", "name"),
            ("Prometheus", "namespace"),
            ("Alertmanager", "namespace"),
            ("Alloy", "namespace"),
        ] {
            self.prop(def, property, dns());
        }
        self.at("/$defs/LogPipeline/properties/namespaces/items", dns());
        self.at("/$defs/Monitor/properties/monitors/items", dns());
        let sloth = || {
            json!({"pattern": SLOTH_NAME, "maxLength": 63,
            "patternErrorMessage": "must be a Sloth name: letters, digits, '-', '_' and '.', starting and ending with a letter or digit, at most 63 characters"})
        };
        self.prop("Slo", "name", sloth());
        self.prop("Service", "name", sloth());
        self.prop("Alert", "name", json!({"pattern": METRIC_NAME,
            "patternErrorMessage": "must be a Prometheus metric name: letters, digits, '_' and ':', not starting with a digit (alert names look like HighErrorRate)"}));
        self.prop("Record", "record", json!({"pattern": METRIC_NAME,
            "patternErrorMessage": "must be a Prometheus metric name: letters, digits, '_' and ':', not starting with a digit (e.g. instance:node_cpu_utilisation:rate5m)"}));
        self.at(
            "/$defs/Service/properties/drop_labels/items",
            json!({"pattern": LABEL_NAME, "patternErrorMessage": LABEL_NAME_MESSAGE}),
        );
    }

    fn bounds(&mut self) {
        self.prop("Slo", "objective", json!({"exclusiveMinimum": 0, "exclusiveMaximum": 100,
            "examples": [99.9, 99.5, 99],
            "errorMessage": "objective is a percentage between 0 and 100, both excluded, e.g. 99.9"}));
        self.prop(
            "Service",
            "sample_limit",
            json!({"minimum": 1, "examples": [10000]}),
        );
        self.prop("Relabel", "modulus", json!({"examples": [4]}));
        self.prop(
            "Panel",
            "width",
            json!({"minimum": 1, "maximum": 24, "examples": [12, 24]}),
        );
        self.prop("Panel", "height", json!({"minimum": 1, "examples": [8]}));
        self.prop("Panel", "fill_opacity", json!({"examples": [10, 100]}));
        self.prop("Panel", "decimals", json!({"examples": [1, 2]}));
        self.prop(
            "Monitor",
            "buckets",
            json!({"default": crate::model::buckets::DEFAULT_BUCKETS, "examples": [256, 1024]}),
        );
        self.prop("Monitor", "expected_clusters", json!({"examples": [1000]}));
        self.prop("Prometheus", "replicas", json!({"default": 1}));
        self.prop("Alertmanager", "replicas", json!({"default": 3}));
        self.prop(
            "QueryLimits",
            "max_samples",
            json!({"examples": [50_000_000]}),
        );
        self.prop("QueryLimits", "max_concurrency", json!({"examples": [20]}));
        self.prop("SloAlerting", "min_events", json!({"examples": [100]}));
        self.prop("BurnWindow", "budget_percent", json!({"exclusiveMinimum": 0, "maximum": 100,
            "examples": [2, 5, 10],
            "errorMessage": "budget_percent is a share of the error budget in percent: over 0, at most 100"}));
        self.prop(
            "Slo",
            "window",
            json!({"default": crate::lower::slo::DEFAULT_WINDOW.to_string()}),
        );
        self.prop(
            "Prometheus",
            "namespace",
            json!({"default": crate::lower::DEFAULT_NAMESPACE}),
        );
        self.prop(
            "Prometheus",
            "scrape_interval",
            json!({"default": crate::lower::DEFAULT_SCRAPE_INTERVAL}),
        );
        self.prop(
            "Prometheus",
            "service_account",
            json!({"default": crate::lower::DEFAULT_SERVICE_ACCOUNT}),
        );
        self.prop(
            "Prometheus",
            "managed",
            json!({"default": crate::lower::DEFAULT_MANAGED}),
        );
        self.prop(
            "Endpoint",
            "path",
            json!({"default": "/metrics", "pattern": "^/",
            "patternErrorMessage": "a scrape path starts with '/'"}),
        );
    }

    fn urls(&mut self) {
        let url = || json!({"pattern": URL, "patternErrorMessage": URL_MESSAGE});
        for (def, property) in [
            ("Alert", "runbook"),
            ("RemoteWrite", "url"),
            ("Alloy", "loki_url"),
            ("Alloy", "metrics_url"),
        ] {
            self.prop(def, property, url());
        }
        // `runbook_url` under `annotations` is checked like `runbook`.
        for def in ["Alert", "SloAlerting", "BurnAlertSettings"] {
            let mut runbook = url();
            runbook["type"] = json!("string");
            self.prop(
                def,
                "annotations",
                json!({"properties": {"runbook_url": runbook}}),
            );
        }
    }

    /// Shapes that are one of several: an SLI is an event SLI or a latency
    /// SLI; a receiver credential comes from a file or a Secret.
    fn one_ofs(&mut self) {
        // Each kind of SLI requires its fields and forbids the others'
        // (`properties: {x: false}` rather than `not`, which editors
        // report as "Matches a schema that is not allowed").
        let kinds: Vec<&[&str]> = [&["errors", "total"][..], &["latency"], &["raw"]]
            .into_iter()
            .filter(|kind| {
                self.schema
                    .pointer(&format!("/$defs/Sli/properties/{}", kind[0]))
                    .is_some()
            })
            .collect();
        let names: Vec<String> = kinds
            .iter()
            .map(|kind| format!("`{}`", kind.join("` and `")))
            .collect();
        let sli = format!("an SLI is exactly one of {}", names.join(", or "));
        let alternatives: Vec<Value> = kinds
            .iter()
            .map(|kind| {
                let others: Map<String, Value> = kinds
                    .iter()
                    .filter(|other| other != &kind)
                    .flat_map(|other| other.iter())
                    .map(|field| ((*field).to_owned(), Value::Bool(false)))
                    .collect();
                json!({"required": kind, "properties": others, "errorMessage": sli})
            })
            .collect();
        self.at(
            "/$defs/Sli",
            json!({"oneOf": alternatives, "errorMessage": sli}),
        );
        for credential in CREDENTIALS {
            let reference = self
                .schema
                .pointer(&format!(
                    "/$defs/Receiver/properties/{}/$ref",
                    credential.kind
                ))
                .and_then(Value::as_str)
                .map(|r| r.trim_start_matches("#/$defs/").to_owned());
            let Some(def) = reference else {
                self.missed
                    .push(format!("/$defs/Receiver/properties/{}", credential.kind));
                continue;
            };
            let (file, secret) = (credential.file, credential.secret);
            if credential.optional {
                let message = format!(
                    "give the {} by at most one of `{file}` and `{secret}`",
                    credential.what
                );
                self.at(
                    &format!("/$defs/{def}"),
                    json!({"anyOf": [
                        {"properties": {secret: false}, "errorMessage": message},
                        {"properties": {file: false}, "errorMessage": message}
                    ], "errorMessage": message}),
                );
                continue;
            }
            let message = format!(
                "give the {} by exactly one of `{file}` (a file mounted into Alertmanager) or `{secret}` (a Kubernetes Secret key)",
                credential.what
            );
            self.at(
                &format!("/$defs/{def}"),
                json!({"oneOf": [
                    {"required": [file], "properties": {secret: false}, "errorMessage": message},
                    {"required": [secret], "properties": {file: false}, "errorMessage": message}
                ],
                "errorMessage": message}),
            );
        }
    }

    /// Every enum value gets its own hover text (`enumDescriptions`):
    /// the checker's plain enums from [`ENUM_DESCRIPTIONS`], and the enums
    /// schemars writes as `oneOf` consts (variants with doc comments)
    /// turned into a plain enum with those docs, which editors complete
    /// and report more readably ("Value is not accepted. Valid values: ...").
    fn enums(&mut self) {
        let Some(Value::Object(defs)) = self.schema.get_mut("$defs") else {
            self.missed.push("/$defs".to_owned());
            return;
        };
        for (name, def) in defs.iter_mut() {
            let Value::Object(def) = def else { continue };
            if let Some(Value::Array(alternatives)) = def.get("oneOf")
                && !alternatives.is_empty()
                && alternatives.iter().all(|a| a.get("const").is_some())
            {
                let values: Vec<Value> = alternatives.iter().map(|a| a["const"].clone()).collect();
                let texts: Vec<Value> = alternatives
                    .iter()
                    .map(|a| a.get("description").cloned().unwrap_or_default())
                    .collect();
                def.remove("oneOf");
                def.insert("type".into(), json!("string"));
                def.insert("enum".into(), Value::Array(values));
                def.insert("enumDescriptions".into(), Value::Array(texts));
                continue;
            }
            let Some(Value::Array(values)) = def.get("enum") else {
                continue;
            };
            let table = ENUM_DESCRIPTIONS.iter().find(|(def, _)| def == name);
            let mut texts = Vec::new();
            for value in values {
                let value = value.as_str().unwrap_or_default();
                match table.and_then(|(_, t)| t.iter().find(|(v, _)| *v == value)) {
                    Some((_, text)) => texts.push(json!(text)),
                    None => self
                        .missed
                        .push(format!("/$defs/{name}: enum value `{value}`")),
                }
            }
            def.insert("enumDescriptions".into(), Value::Array(texts));
        }
    }

    /// Readable messages for the typed scalars' patterns.
    fn scalars(&mut self) {
        self.at(&format!("/$defs/{}", DurationText::SCHEMA_NAME), json!({
            "patternErrorMessage": "not a Prometheus duration: write a number and a unit (ms, s, m, h, d, w, y) from largest to smallest unit, e.g. 30s, 5m, 1h30m",
            "examples": ["30s", "5m", "1h"]}));
        self.at(&format!("/$defs/{}", SizeText::SCHEMA_NAME), json!({
            "patternErrorMessage": "not a size: write a number and a unit (B, KB, MB, GB, TB, Ki, Mi, Gi, Ti, KiB, MiB, GiB, TiB), e.g. 256MB or 4Gi",
            "examples": ["256MB", "4Gi"]}));
        self.prop(
            "Resources",
            "cpu",
            json!({
            "pattern": "^([0-9]+(\\.[0-9]+)?|[0-9]+m)$",
            "patternErrorMessage": "not a CPU quantity: write cores (2, 0.5) or millicores (500m)",
            "examples": ["500m", "2"]}),
        );
        let time_fields = [
            (
                TimeOfDayText::SCHEMA_NAME,
                "not a time of day: write HH:MM from 00:00 to 24:00, e.g. 09:00",
                json!(["09:00", "17:30"]),
            ),
            (
                WeekdayRangeText::SCHEMA_NAME,
                "not a weekday: write monday ... sunday, or a range such as monday:friday",
                json!(["monday:friday", "saturday"]),
            ),
            (
                DayOfMonthRangeText::SCHEMA_NAME,
                "not a day of the month: write 1 to 31 (or -1 for the last day), or a range such as 1:7",
                json!(["1:7", "-1"]),
            ),
            (
                MonthRangeText::SCHEMA_NAME,
                "not a month: write january ... december or 1 to 12, or a range such as january:march",
                json!(["december", "1:3"]),
            ),
            (
                YearRangeText::SCHEMA_NAME,
                "not a year: write 2026, or a range such as 2026:2027",
                json!(["2026"]),
            ),
            (
                InstantText::SCHEMA_NAME,
                "not an RFC 3339 instant: write e.g. 2026-12-01T10:00:00Z",
                json!(["2026-12-01T10:00:00Z"]),
            ),
        ];
        for (name, message, examples) in time_fields {
            self.at(
                &format!("/$defs/{name}"),
                json!({"patternErrorMessage": message, "examples": examples}),
            );
        }
        self.at("/$defs/Quantity", json!({
            "patternErrorMessage": "not a Kubernetes quantity: write a number and an optional suffix (k, M, G, T, Ki, Mi, Gi, Ti), e.g. 512Mi or 10Gi",
            "examples": ["512Mi", "10Gi"]}));
        // Any text may be a selector as far as a pattern can tell; the
        // syntax goes into the hover instead.
        let selector = format!("/$defs/{}", SelectorText::SCHEMA_NAME);
        if let Some(Value::Object(def)) = self.schema.pointer_mut(&selector) {
            def.remove("pattern");
            def.insert(
                "markdownDescription".into(),
                Value::String(SELECTOR_SYNTAX.to_owned()),
            );
        } else {
            self.missed.push(selector);
        }
    }
}

/// What each value of the spec's plain enums means (shown on hover and in
/// completion). A value missing here fails the schema test.
const ENUM_DESCRIPTIONS: &[(&str, &[(&str, &str)])] = &[
    (
        "ServiceKind",
        &[
            (
                "service",
                "A ServiceMonitor: targets found through Kubernetes Services.",
            ),
            (
                "pod",
                "A PodMonitor: targets found through Pods directly, for workloads without a Service.",
            ),
        ],
    ),
    (
        "Scheme",
        &[
            ("http", "Scrape over plain HTTP."),
            (
                "https",
                "Scrape over TLS (see `tls` for the CA and client certificate).",
            ),
        ],
    ),
    (
        "RelabelAction",
        &[
            (
                "replace",
                "Write `replacement` (with regex groups) into `target_label`.",
            ),
            (
                "keep",
                "Keep only targets or series whose `source_labels` match `regex`.",
            ),
            (
                "drop",
                "Drop targets or series whose `source_labels` match `regex`.",
            ),
            (
                "keepequal",
                "Keep when the joined `source_labels` equal `target_label`.",
            ),
            (
                "dropequal",
                "Drop when the joined `source_labels` equal `target_label`.",
            ),
            (
                "hashmod",
                "Write the hash of `source_labels` modulo `modulus` into `target_label` (sharding).",
            ),
            (
                "labelmap",
                "Copy every label whose name matches `regex` to the name `replacement` makes.",
            ),
            (
                "labeldrop",
                "Remove every label whose name matches `regex`.",
            ),
            (
                "labelkeep",
                "Remove every label whose name does not match `regex`.",
            ),
            (
                "lowercase",
                "Write the lower-cased joined `source_labels` into `target_label`.",
            ),
            (
                "uppercase",
                "Write the upper-cased joined `source_labels` into `target_label`.",
            ),
        ],
    ),
    (
        "AlloyScrape",
        &[
            (
                "none",
                "Alloy ships logs only; Prometheus scrapes the metrics.",
            ),
            (
                "servicemonitors",
                "Alloy also scrapes the ServiceMonitors and PodMonitors monocle emits.",
            ),
        ],
    ),
    (
        "LogFormat",
        &[
            ("json", "One JSON object per line."),
            ("logfmt", "`key=value` pairs, as Go services often log."),
            ("gin", "Gin's access log line."),
            (
                "regex",
                "A line parsed by your RE2 `regex` with named groups.",
            ),
        ],
    ),
    (
        "PanelType",
        &[
            ("stat", "One big number, optionally with a sparkline."),
            ("gauge", "A value against its min and max."),
            ("timeseries", "Lines or bars over time."),
            (
                "table",
                "Rows of values, one per series or per row of a table query.",
            ),
            ("piechart", "Parts of a whole."),
            ("bargauge", "One bar per series, against min and max."),
            (
                "heatmap",
                "Buckets over time, coloured by count (histograms).",
            ),
            ("logs", "Log lines from Loki."),
            ("text", "Markdown text."),
        ],
    ),
    (
        "Stack",
        &[
            ("none", "Each series on its own (default)."),
            ("normal", "Series stacked on top of each other."),
            (
                "percent",
                "Series stacked as shares of their total, to 100%.",
            ),
        ],
    ),
    (
        "Draw",
        &[
            ("lines", "A line through the points (default)."),
            ("bars", "A bar per point."),
            ("points", "The points alone."),
        ],
    ),
    (
        "LegendMode",
        &[
            ("list", "Series names in a list (default)."),
            (
                "table",
                "A table: a line per series, a column per `calcs` value.",
            ),
            ("hidden", "No legend."),
        ],
    ),
    (
        "LegendPlacement",
        &[
            ("bottom", "Below the panel (default)."),
            ("right", "To the right of the panel."),
        ],
    ),
    (
        "LegendCalc",
        &[
            ("lastNotNull", "The last value that is not null."),
            ("last", "The last value, null or not."),
            ("firstNotNull", "The first value that is not null."),
            ("first", "The first value, null or not."),
            ("mean", "The mean."),
            ("median", "The median."),
            ("min", "The smallest value."),
            ("max", "The largest value."),
            ("sum", "The sum of all values."),
            ("count", "The number of values."),
            ("range", "Largest minus smallest value."),
            ("delta", "The total increase, counter resets allowed for."),
            ("diff", "Last value minus first value."),
            ("stdDev", "The standard deviation."),
            ("variance", "The variance."),
        ],
    ),
    (
        "VariableType",
        &[
            ("query", "Values from a Prometheus query (default)."),
            ("custom", "Values listed in `values`."),
            (
                "interval",
                "Durations listed in `values`, for `[$var]` ranges.",
            ),
            ("constant", "A hidden fixed value, in `query`."),
            (
                "textbox",
                "Free text typed by the viewer; `query` is the default.",
            ),
            (
                "datasource",
                "A choice of datasource of the plugin in `query`.",
            ),
        ],
    ),
    (
        "VariableHide",
        &[
            ("nothing", "Show the label and the value (default)."),
            ("label", "Show the value only."),
            ("variable", "Show nothing (default for constants)."),
        ],
    ),
    (
        "VariableSort",
        &[
            ("none", "In the order the query returns them."),
            ("alphabetical", "Alphabetical (default)."),
            ("alphabetical_desc", "Alphabetical, descending."),
            ("numerical", "Numerical."),
            ("numerical_desc", "Numerical, descending."),
            ("case_insensitive", "Alphabetical, ignoring case."),
            (
                "case_insensitive_desc",
                "Alphabetical, ignoring case, descending.",
            ),
            ("natural", "Natural order (`a2` before `a10`)."),
            ("natural_desc", "Natural order, descending."),
        ],
    ),
    (
        "RepeatDirection",
        &[
            (
                "horizontal",
                "Copies side by side over whole lines (default).",
            ),
            ("vertical", "Copies one below the other."),
        ],
    ),
    (
        "QueryFormat",
        &[
            ("time_series", "Series over time (Grafana's default)."),
            ("table", "A table: a column per label, one for the value."),
            ("heatmap", "Histogram buckets sorted by `le`, for heatmaps."),
        ],
    ),
];

/// Adds the keys of `add` to `target`; an `examples` or `default` already
/// written on the field wins, other keys (bounds, patterns) replace the
/// generated ones (an unsigned integer's `minimum: 0`).
fn merge(target: &mut Map<String, Value>, add: Value) {
    if let Value::Object(add) = add {
        for (key, value) in add {
            if key == "examples" || key == "default" {
                target.entry(key).or_insert(value);
            } else {
                target.insert(key, value);
            }
        }
    }
}

/// Every `*_file` string property names a file inside the Prometheus or
/// Alertmanager container: an absolute path.
fn absolute_files(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = map.get_mut("properties") {
                for (name, property) in properties.iter_mut() {
                    if name.ends_with("_file")
                        && property.get("type").is_some_and(|t| t == "string")
                        && let Value::Object(property) = property
                    {
                        merge(
                            property,
                            json!({"pattern": "^/",
                            "patternErrorMessage": "must be an absolute path (starting with '/') of a file mounted into the container, e.g. /etc/alertmanager/secrets/<secret>/<key>"}),
                        );
                    }
                }
            }
            map.values_mut().for_each(absolute_files);
        }
        Value::Array(items) => items.iter_mut().for_each(absolute_files),
        _ => {}
    }
}

/// Every property whose value is a label selector shows the syntax on
/// hover below its own description (an editor shows the property's text,
/// not the referenced definition's).
fn selectors(value: &mut Value) {
    let reference = format!("#/$defs/{}", SelectorText::SCHEMA_NAME);
    walk_objects(value, &mut |map| {
        if map.get("$ref").and_then(Value::as_str) == Some(reference.as_str()) {
            let own = map
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            map.insert(
                "markdownDescription".into(),
                Value::String(format!("{own}\n\n{SELECTOR_SYNTAX}")),
            );
        }
    });
}

/// Descriptions are Markdown (backticks around keys and values): editors
/// that render Markdown read `markdownDescription` and
/// `markdownEnumDescriptions`; `description` becomes plain text, so no
/// editor shows escaped backticks.
fn markdown(value: &mut Value) {
    walk_objects(value, &mut |map| {
        if let Some(Value::String(text)) = map.get("description") {
            let text = text.clone();
            map.entry("markdownDescription")
                .or_insert_with(|| Value::String(text.clone()));
            map.insert("description".into(), Value::String(plain(&text)));
        }
        if let Some(Value::Array(texts)) = map.get("enumDescriptions") {
            let texts = texts.clone();
            map.insert(
                "markdownEnumDescriptions".into(),
                Value::Array(texts.clone()),
            );
            let plain_texts = texts
                .iter()
                .map(|t| Value::String(plain(t.as_str().unwrap_or_default())))
                .collect();
            map.insert("enumDescriptions".into(), Value::Array(plain_texts));
        }
    });
}

/// Markdown as plain text: no backticks, doc-comment line breaks joined.
pub fn plain(markdown: &str) -> String {
    markdown
        .replace('`', "")
        .split('\n')
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
}

fn walk_objects(value: &mut Value, f: &mut impl FnMut(&mut Map<String, Value>)) {
    match value {
        Value::Object(map) => {
            f(map);
            map.values_mut().for_each(|v| walk_objects(v, f));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| walk_objects(v, f)),
        _ => {}
    }
}
