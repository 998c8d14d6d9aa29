//! Prometheus label names and alert (metric-style) names.

#![allow(clippy::wildcard_imports)] // the name checks share their message helpers

use super::*;

/// `s` with every character outside `[A-Za-z0-9_]` (plus `:` when `colons`) replaced
/// by `_`, and `_` prepended when it would start with a digit.
pub(super) fn underscore_suggestion(s: &str, colons: bool) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || (colons && c == ':') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// Shared body of the Prometheus name checks; `colons` allows `:` anywhere.
pub(super) fn check_prom_name(s: &str, what: &str, colons: bool) -> Result<(), ValueError> {
    let allowed = if colons {
        "letters, digits, `_` and `:`"
    } else {
        "letters, digits and `_`"
    };
    if s.is_empty() {
        return Err(ValueError::new(0, 0, format!("{what} must not be empty")));
    }
    for (i, c) in s.char_indices() {
        let ok = c.is_ascii_alphanumeric() || c == '_' || (colons && c == ':');
        if !ok {
            let (start, end) = char_range(s, i);
            return Err(ValueError::new(
                start,
                end,
                format!(
                    "invalid character {} in {what} {}: only {allowed} are allowed",
                    describe_char(c),
                    quoted(s)
                ),
            ));
        }
        if i == 0 && c.is_ascii_digit() {
            return Err(ValueError::new(
                0,
                1,
                format!("{what} {} must not start with a digit", quoted(s)),
            ));
        }
    }
    Ok(())
}

/// Prometheus label name (classic, pre-UTF-8 rules): `[a-zA-Z_][a-zA-Z0-9_]*`.
pub fn check_label_name(s: &str) -> Result<(), ValueError> {
    check_prom_name(s, "label name", false).map_err(|err| {
        let fixed = underscore_suggestion(s, false);
        if fixed.is_empty() {
            err.with_help("label names look like `team` or `service_tier`")
        } else {
            err.with_help(format!("try {}", quoted(&fixed)))
        }
    })
}

/// Alert name, held to Prometheus metric-name rules so it is safe everywhere it ends
/// up (rule files, Alertmanager routes, Grafana): `[a-zA-Z_:][a-zA-Z0-9_:]*`.
pub fn check_alert_name(s: &str) -> Result<(), ValueError> {
    check_prom_name(s, "alert name", true).map_err(|err| {
        // Alert names are conventionally UpperCamel, so prefer that fix.
        let camel = upper_camel(s);
        let fixed = if check_prom_name(&camel, "", true).is_ok() {
            camel
        } else {
            underscore_suggestion(s, true)
        };
        if fixed.is_empty() || fixed == s {
            err.with_help("alert names look like `HighErrorRate`")
        } else {
            err.with_help(format!("try {}", quoted(&fixed)))
        }
    })
}

/// Recording-rule name: a Prometheus metric name, `[a-zA-Z_:][a-zA-Z0-9_:]*`
/// (colons by convention separate level, metric and operations).
pub fn check_record_name(s: &str) -> Result<(), ValueError> {
    check_prom_name(s, "record name", true).map_err(|err| {
        let fixed = underscore_suggestion(s, true);
        if fixed.is_empty() || fixed == s {
            err.with_help("record names look like `instance:node_cpu_utilisation:rate5m`")
        } else {
            err.with_help(format!("try {}", quoted(&fixed)))
        }
    })
}
