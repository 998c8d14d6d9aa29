//! Grafana dashboards of one cluster, and the dashboard-variable helpers
//! that check and lower share (where a `$variable` is in a query, and the
//! query with variables replaced so PromQL can parse it).

use std::sync::LazyLock;

use regex::Regex;

use crate::spec::{
    Draw, DurationText, Legend, Link, Override, QueryFormat, RepeatDirection, Stack,
    Transformation, VariableHide, VariableSort, VariableType,
};

/// One dashboard selected for a cluster (or generated for its SLOs).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DashboardModel {
    /// Stable Grafana uid; also names the files and the ConfigMap.
    pub uid: String,
    pub title: String,
    /// The spec's description, before the "generated" note.
    pub description: Option<String>,
    /// `browser`, `utc` or a time zone name.
    pub timezone: String,
    pub links: Vec<Link>,
    /// Grafana folder (the sidecar's `grafana_folder` annotation).
    pub folder: Option<String>,
    pub tags: Vec<String>,
    /// Default time range back from now, e.g. `24h`.
    pub time: DurationText,
    /// Auto-refresh interval; `None` is off.
    pub refresh: Option<DurationText>,
    /// Variables, in spec order.
    pub variables: Vec<VariableModel>,
    pub rows: Vec<RowModel>,
    /// Annotation queries shown on time series (firing alerts, events).
    pub annotations: Vec<AnnotationModel>,
    /// The spec files it came from, for the "generated from" note.
    pub origin: String,
}

/// A dashboard variable.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct VariableModel {
    pub name: String,
    pub kind: VariableType,
    pub label: Option<String>,
    /// The Prometheus query of a query variable, a constant's value, a
    /// text box's default, a datasource variable's plugin; else empty.
    pub query: String,
    /// A custom or interval variable's values.
    pub values: Vec<String>,
    /// Several values may be selected.
    pub multi: bool,
    /// "All" is offered.
    pub include_all: bool,
    /// What "All" stands for.
    pub all_value: Option<String>,
    pub hide: VariableHide,
    pub regex: Option<String>,
    pub sort: VariableSort,
}

/// A titled row; its panels are laid out left to right on the grid.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RowModel {
    pub title: String,
    /// Collapsed rows carry their panels inside.
    pub collapsed: bool,
    pub panels: Vec<PanelModel>,
}

/// Grafana panel plugins monocle emits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PanelKind {
    Stat,
    Gauge,
    #[default]
    Timeseries,
    Table,
    Piechart,
    Bargauge,
    Heatmap,
    Logs,
    Text,
}

impl PanelKind {
    /// The Grafana panel plugin id.
    pub fn plugin(self) -> &'static str {
        match self {
            PanelKind::Stat => "stat",
            PanelKind::Gauge => "gauge",
            PanelKind::Timeseries => "timeseries",
            PanelKind::Table => "table",
            PanelKind::Piechart => "piechart",
            PanelKind::Bargauge => "bargauge",
            PanelKind::Heatmap => "heatmap",
            PanelKind::Logs => "logs",
            PanelKind::Text => "text",
        }
    }
}

/// Which datasource variable a panel's queries go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Datasource {
    /// A text panel: no queries.
    #[default]
    None,
    Prometheus,
    Loki,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct PanelModel {
    pub kind: PanelKind,
    pub title: String,
    pub description: Option<String>,
    pub datasource: Datasource,
    /// PromQL or LogQL queries (refId A, B, ... in order).
    pub queries: Vec<QueryModel>,
    /// Markdown of a text panel.
    pub content: Option<String>,
    /// Grafana unit id.
    pub unit: Option<String>,
    pub decimals: Option<u32>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Shown instead of "No data".
    pub no_value: Option<String>,
    /// Absolute threshold steps, lowest first; the first is the base step
    /// (Grafana's `-Infinity`), so its value is not used.
    pub thresholds: Vec<ThresholdModel>,
    /// Table columns to hide (Grafana's organize transformation).
    pub hidden_columns: Vec<String>,
    /// Timeseries stacking; `None` is Grafana's default (not stacked).
    pub stack: Option<Stack>,
    /// Timeseries area opacity, 0 to 100; `None` is monocle's 10.
    pub fill_opacity: Option<u32>,
    /// Timeseries draw style; `None` is lines.
    pub draw: Option<Draw>,
    /// Timeseries: connect lines across missing points.
    pub span_nulls: Option<bool>,
    /// Minimum query interval.
    pub interval: Option<DurationText>,
    /// Legend; `None` is the panel kind's default legend.
    pub legend: Option<Legend>,
    /// Links in the panel's corner.
    pub links: Vec<Link>,
    /// Field overrides (besides those monocle adds for tables).
    pub overrides: Vec<Override>,
    /// The spec's transformations; empty keeps the kind's defaults.
    pub transformations: Vec<Transformation>,
    /// Variable the panel is repeated for.
    pub repeat: Option<String>,
    pub repeat_direction: RepeatDirection,
    /// Grid columns (of 24); `None` shares the rest of the line evenly.
    pub width: Option<u32>,
    /// Grid rows; a line of panels is as tall as its tallest panel.
    pub height: u32,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct QueryModel {
    pub expr: String,
    /// Grafana `legendFormat`, e.g. `{{cluster}}`.
    pub legend: Option<String>,
    /// Instant query; `None` is the panel kind's default.
    pub instant: Option<bool>,
    /// Result format; `None` is the panel kind's default.
    pub format: Option<QueryFormat>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ThresholdModel {
    pub value: f64,
    pub color: String,
}

/// A Prometheus annotation query (events drawn on time series).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AnnotationModel {
    pub name: String,
    /// Prometheus (PromQL) or Loki (LogQL).
    pub datasource: Datasource,
    pub expr: String,
    pub title: String,
    pub text: String,
    pub color: String,
}

/// `A`, `B`, ... `Z`, `AA`, `AB`, ...
pub fn ref_id(index: usize) -> String {
    let mut n = index + 1;
    let mut id = Vec::new();
    while n > 0 {
        n -= 1;
        id.push(b'A' + (n % 26) as u8);
        n /= 26;
    }
    id.reverse();
    String::from_utf8(id).unwrap_or_default()
}

/// The Prometheus datasource variable every dashboard defines.
pub const PROMETHEUS_VARIABLE: &str = "datasource";
/// The Loki datasource variable every dashboard defines.
pub const LOKI_VARIABLE: &str = "loki";

/// Grafana's global variables a query may use without defining them.
pub const BUILTIN_VARIABLES: &[&str] = &[
    "__interval",
    "__interval_ms",
    "__rate_interval",
    "__rate_interval_ms",
    "__range",
    "__range_s",
    "__range_ms",
    "__auto",
    "__from",
    "__to",
    "__now",
    "__dashboard",
    "__name",
    "__org",
    "__user",
    "__timezone",
    "__timeFilter",
    "timeFilter",
];

/// Built-in variables that stand for a duration (`[$__rate_interval]`).
const DURATION_VARIABLES: &[&str] = &["__interval", "__rate_interval", "__range", "__auto"];

/// Folder of the generated SLO dashboards.
pub const SLO_FOLDER: &str = "SLOs";

/// Grafana's longest dashboard uid.
pub const UID_MAX_LEN: usize = 40;

/// Uid of the generated SLO dashboard of a service: `slo-<service>` (its
/// object name, `names::object_name`), cut
/// to Grafana's 40 characters with a stable hash of the full name when
/// longer (service names may have 63).
pub fn slo_dashboard_uid(service: &str) -> String {
    let uid = format!("slo-{}", crate::names::object_name(service));
    if uid.len() <= UID_MAX_LEN {
        return uid;
    }
    // FNV-1a: stable across runs and machines, unlike std's hasher.
    let hash = service.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    let suffix = format!("-{:08x}", hash as u32);
    let head = uid[..UID_MAX_LEN - suffix.len()].trim_end_matches('-');
    format!("{head}{suffix}")
}

/// A `$name`, `${name}`, `${name:format}` or `[[name]]` in a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariableRef {
    pub name: String,
    /// Byte range of the whole reference in the query.
    pub start: usize,
    pub end: usize,
}

/// Grafana's own pattern for variables in queries (`\w` is ASCII there).
static VARIABLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\$([A-Za-z0-9_]+)|\[\[([A-Za-z0-9_]+?)(?::[A-Za-z0-9_]+)?\]\]|\$\{([A-Za-z0-9_]+)(?:\.[^:^}]+)?(?::[^}]+)?\}",
    )
    .expect("valid pattern")
});

/// Every variable reference in `text`, in order. All-digit names (`$1` in
/// a `label_replace` replacement) are regex groups, not variables: Grafana
/// leaves them alone, and so does this.
pub fn variable_refs(text: &str) -> Vec<VariableRef> {
    VARIABLE
        .captures_iter(text)
        .filter_map(|c| {
            let whole = c.get(0)?;
            let name = c.get(1).or_else(|| c.get(2)).or_else(|| c.get(3))?.as_str();
            (!name.bytes().all(|b| b.is_ascii_digit())).then(|| VariableRef {
                name: name.to_owned(),
                start: whole.start(),
                end: whole.end(),
            })
        })
        .collect()
}

/// What a variable stands for when a query is parsed at compile time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stand {
    /// Outside strings and ranges: a label or metric name (`by ($label)`).
    Identifier,
    /// Outside strings and ranges: a number (`> $threshold`, `topk($n, ...)`).
    Number,
}

/// `text` with every variable replaced by something of the right kind for
/// PromQL: a plain word inside strings, `5m` in ranges and after `offset`,
/// a number for the millisecond and second built-ins, and otherwise what
/// `stand` says.
pub fn substitute(text: &str, stand: Stand) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for r in variable_refs(text) {
        let before = &text[..r.start];
        out.push_str(&text[last..r.start]);
        let replacement = if in_string(before) {
            r.name.clone()
        } else if DURATION_VARIABLES.contains(&r.name.as_str()) || in_range(before) {
            "5m".to_owned()
        } else if r.name.starts_with("__") || stand == Stand::Number {
            "1".to_owned()
        } else {
            // `x` first: a name may not start with a digit.
            format!("x{}", r.name)
        };
        out.push_str(&replacement);
        last = r.end;
    }
    out.push_str(&text[last..]);
    out
}

/// Whether the end of `before` is inside a PromQL string literal.
fn in_string(before: &str) -> bool {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in before.chars() {
        match quote {
            Some(_) if escaped => escaped = false,
            Some('`') if c == '`' => quote = None,
            Some(q) if q != '`' && c == '\\' => escaped = true,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if matches!(c, '"' | '\'' | '`') => quote = Some(c),
            None => {}
        }
    }
    quote.is_some()
}

/// Whether the end of `before` is a range or subquery (`[`, `[1h:`) or
/// follows `offset`.
fn in_range(before: &str) -> bool {
    let trimmed = before.trim_end();
    if trimmed.ends_with("offset") {
        return true;
    }
    match (trimmed.rfind('['), trimmed.rfind(']')) {
        (Some(open), Some(close)) => open > close,
        (Some(_), None) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_variable_syntax() {
        let refs = variable_refs(
            r#"x{a=~"$a", b="${b}", c="${c:regex}", d="[[d]]"}[$__rate_interval] $1"#,
        );
        let names: Vec<&str> = refs.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c", "d", "__rate_interval"]);
        assert_eq!(&r#"x{a=~"$a""#[refs[0].start..refs[0].end], "$a");
    }

    #[test]
    fn substitutes_by_context() {
        assert_eq!(
            substitute(
                r#"sum by ($group) (rate(x{cluster=~"${cluster}"}[$__rate_interval] offset $shift)) > $min"#,
                Stand::Identifier
            ),
            r#"sum by (xgroup) (rate(x{cluster=~"cluster"}[5m] offset 5m)) > xmin"#
        );
        assert_eq!(
            substitute("topk($n, x) / $__range_s", Stand::Number),
            "topk(1, x) / 1"
        );
        assert_eq!(substitute("x[1h:$step]", Stand::Identifier), "x[1h:5m]");
    }

    #[test]
    fn slo_uids_fit_grafana() {
        assert_eq!(slo_dashboard_uid("velero"), "slo-velero");
        let long = slo_dashboard_uid(&"a".repeat(63));
        assert_eq!(long.len(), UID_MAX_LEN);
        assert_ne!(long, slo_dashboard_uid(&format!("{}b", "a".repeat(62))));
    }
}
