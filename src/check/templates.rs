//! Alert annotations and labels pass to Prometheus as Go templates
//! (`{{ $labels.cluster }}`, `{{ $value }}`). An unbalanced `{{` or `}}`
//! would make Prometheus reject the whole rule group, so it is caught here.

use crate::diagnostic::codes;
use promql_parser::parser::Expr;

use super::result_labels::result_labels;
use super::{Ctx, Item, Spec};
use crate::diagnostic::Diagnostic;
use crate::names::ValueError;
use crate::spec::Alert;

pub fn check(spec: &Spec, ctx: &mut Ctx) {
    for alert in &spec.alerts {
        let a = &alert.value;
        for (field, value) in [
            ("summary", &a.summary),
            ("description", &a.description),
            ("runbook", &a.runbook),
        ] {
            if let Some(text) = value
                && let Err(e) = check_template(text)
            {
                ctx.value_error(codes::ALERTS_INVALID_TEMPLATE, alert.span(&[field]), e);
            }
        }
        for (key, value) in &a.labels {
            if let Err(e) = check_template(value) {
                ctx.value_error(
                    codes::ALERTS_INVALID_TEMPLATE,
                    alert.span(&["labels", key]),
                    e,
                );
            }
        }
        for (key, value) in &a.annotations {
            if let Err(e) = check_template(value) {
                ctx.value_error(
                    codes::ALERTS_INVALID_TEMPLATE,
                    alert.span(&["annotations", key]),
                    e,
                );
            }
        }
    }
}

/// A template that reads `$labels.X` gets an empty string when the alert's
/// series have no `X`: after an aggregation that drops it, or for the
/// external labels (`cluster`, `region`), which Prometheus adds only when
/// it sends the alert, never while the rule runs.
pub fn labels(ctx: &mut Ctx, spec: &Spec, alert: &Item<Alert>, expr: &Expr) {
    let result = result_labels(expr);
    let external = external_labels(spec);
    let a = &alert.value;
    let fields = [
        (vec!["summary"], &a.summary),
        (vec!["description"], &a.description),
    ];
    let label_fields = a
        .labels
        .iter()
        .map(|(k, v)| (vec!["labels", k.as_str()], Some(v)))
        .chain(
            a.annotations
                .iter()
                .map(|(k, v)| (vec!["annotations", k.as_str()], Some(v))),
        );
    let texts = fields
        .into_iter()
        .map(|(path, v)| (path, v.as_ref()))
        .chain(label_fields);
    for (path, text) in texts {
        let Some(text) = text else { continue };
        for (start, end, label) in label_reads(text) {
            let span = ctx.inner_span(alert.span(&path), start, end);
            let is_external = external.contains(&label);
            let diag = if !result.can_carry(&label) {
                let kept = match &result {
                    super::result_labels::ResultLabels::Only(only) if only.is_empty() => {
                        "the expression's result has no labels at all".to_owned()
                    }
                    super::result_labels::ResultLabels::Only(only) => format!(
                        "the result only has {}",
                        only.iter()
                            .map(|l| format!("`{l}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    super::result_labels::ResultLabels::AnyExcept(_) => {
                        format!("the expression removes `{label}`")
                    }
                };
                let help = if is_external {
                    format!(
                        "`{label}` is an external label: write `{{{{ $externalLabels.{label} }}}}`"
                    )
                } else {
                    format!(
                        "keep `{label}` in the result, e.g. add it to `by (...)`, or drop it from the template"
                    )
                };
                Diagnostic::error(
                    codes::ALERTS_TEMPLATE_LABEL_MISSING,
                    format!("`$labels.{label}` is always empty: {kept}"),
                )
                .at(span)
                .label("always empty")
                .help(help)
            } else if is_external {
                let why = if result.is_narrowed() {
                    format!(
                        "the expression aggregates by `{label}`, but external labels do not exist where the rule runs"
                    )
                } else {
                    format!(
                        "`{label}` is an external label, added only when Prometheus sends the alert"
                    )
                };
                Diagnostic::warning(
                    codes::ALERTS_TEMPLATE_EXTERNAL_LABEL,
                    format!("`$labels.{label}` is empty when the rule runs: {why}"),
                )
                .at(span)
                .label("empty in the notification")
                .help(format!("write `{{{{ $externalLabels.{label} }}}}`"))
            } else {
                continue;
            };
            ctx.push(diag);
        }
    }
}

/// The labels Prometheus adds to everything it sends (see `emit::prometheus`).
fn external_labels(spec: &Spec) -> Vec<String> {
    let mut labels = vec![crate::model::CLUSTER_LABEL.to_owned()];
    if spec.clusters.iter().any(|c| c.value.region.is_some()) {
        labels.push(crate::model::REGION_LABEL.to_owned());
    }
    labels
}

/// Every `$labels.X`, `.Labels.X` and `index $labels "X"` in a template,
/// with its byte range.
fn label_reads(text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    for prefix in ["$labels.", ".Labels."] {
        let mut from = 0;
        while let Some(i) = text[from..].find(prefix).map(|i| from + i) {
            let name_start = i + prefix.len();
            let len = text[name_start..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(text.len() - name_start);
            // `$labels.X` inside `$labels.Xyz` of another prefix is not a read.
            let follows_dollar = prefix == ".Labels." && i > 0 && text[..i].ends_with('$');
            if len > 0 && !follows_dollar {
                out.push((
                    i,
                    name_start + len,
                    text[name_start..name_start + len].to_owned(),
                ));
            }
            from = name_start;
        }
    }
    let mut from = 0;
    while let Some(i) = text[from..].find("index $labels ").map(|i| from + i) {
        let rest = &text[i + "index $labels ".len()..];
        if let Some(quoted) = rest.strip_prefix('"')
            && let Some(end) = quoted.find('"')
        {
            let stop = i + "index $labels ".len() + 1 + end + 1;
            out.push((i, stop, quoted[..end].to_owned()));
        }
        from = i + 1;
    }
    out.sort();
    out
}

/// A Prometheus alert template promtool accepts: balanced braces, then
/// every action made of known functions, keywords, fields, variables and
/// literals, `if`/`with`/`range` with an argument and closed by `end`.
pub fn check_template(text: &str) -> Result<(), ValueError> {
    balanced(text)?;
    actions(text)
}

/// Functions of Go's `text/template` and those Prometheus adds for alerts:
/// the function map of `template/template.go` in Prometheus 3.14.0 (the
/// HTML-only `tmpl` of console pages aside). `toDuration`, `now` and
/// `urlQueryEscape` are newer than Debian's promtool 2.42, which refuses
/// them; every other name here is in 2.42 too.
const FUNCTIONS: &[&str] = &[
    "and",
    "call",
    "html",
    "index",
    "slice",
    "js",
    "len",
    "not",
    "or",
    "print",
    "printf",
    "println",
    "urlquery",
    "eq",
    "ge",
    "gt",
    "le",
    "lt",
    "ne",
    "query",
    "first",
    "label",
    "value",
    "strvalue",
    "args",
    "reReplaceAll",
    "safeHtml",
    "match",
    "title",
    "toUpper",
    "toLower",
    "graphLink",
    "tableLink",
    "sortByLabel",
    "humanize",
    "humanize1024",
    "humanizeDuration",
    "humanizePercentage",
    "humanizeTimestamp",
    "toTime",
    "pathPrefix",
    "externalURL",
    "parseDuration",
    "stripPort",
    "stripDomain",
    "toDuration",
    "now",
    "urlQueryEscape",
];
const KEYWORDS: &[&str] = &[
    "if", "else", "end", "range", "with", "define", "template", "block", "break", "continue",
    "true", "false", "nil",
];

/// Checks each `{{ ... }}` action (the braces are balanced).
fn actions(text: &str) -> Result<(), ValueError> {
    let mut depth: Vec<(usize, usize)> = Vec::new();
    // An unclosed `{{` is reported by the balance check.
    let found = super::go_actions::actions(text).unwrap_or_default();
    for super::go_actions::Action {
        open,
        close: after,
        start,
        end,
    } in found
    {
        let close = after - 2;
        let inner = text[start..end].trim();
        if inner.starts_with("/*") {
            continue;
        }
        let words = words(text, start, end);
        let first = words.first().map(|w| &text[w.0..w.1]);
        let needs_argument = matches!(first, Some("if" | "with" | "range" | "template"))
            || (first == Some("else") && words.len() > 1);
        if needs_argument {
            let keyword_count = if first == Some("else") { 2 } else { 1 };
            let has_argument = inner.split_whitespace().count() > keyword_count
                || (inner.contains(['$', '.', '"', '('])
                    && inner.split_whitespace().count() >= keyword_count);
            if !has_argument {
                return Err(ValueError::new(
                    open,
                    close + 2,
                    format!("`{{{{ {inner} }}}}` has no argument"),
                )
                .with_help("write a condition, e.g. `{{ if gt $value 1.0 }}...{{ end }}`"));
            }
        }
        match first {
            Some("if" | "with" | "range" | "define" | "block") => depth.push((open, close + 2)),
            // `pop` in the guard: an `end` closes the innermost block.
            Some("end") if depth.pop().is_none() => {
                return Err(ValueError::new(
                    open,
                    close + 2,
                    "`{{ end }}` without an open `if`, `with` or `range`",
                )
                .with_help("remove it, or open the block it ends"));
            }
            _ => {}
        }
        for &(a, b) in &words {
            let word = &text[a..b];
            if !KEYWORDS.contains(&word) && !FUNCTIONS.contains(&word) {
                return Err(ValueError::new(a, b, format!("`{word}` is not a function Prometheus templates know"))
                    .with_help("read labels with `$labels.name` and the value with `$value`; functions include `humanize`, `printf`, `reReplaceAll`, `toUpper`"));
            }
        }
    }
    if let Some((a, b)) = depth.pop() {
        return Err(ValueError::new(a, b, "this block has no `{{ end }}`")
            .with_help("close it with `{{ end }}`"));
    }
    Ok(())
}

/// Bare identifiers of an action between `start` and `end` (not fields
/// `.x`, variables `$x`, numbers or text in quotes), as byte ranges.
fn words(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = start;
    while i < end {
        let b = bytes[i];
        match b {
            b'"' | b'`' | b'\'' => i = super::go_actions::quoted_end(bytes, i, end).unwrap_or(end),
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = text[i..end].find("*/").map_or(end, |k| i + k + 2);
            }
            b if b.is_ascii_alphabetic() || b == b'_' => {
                let s = i;
                while i < end && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                let prev = text[..s].chars().last();
                if !matches!(prev, Some('.' | '$')) {
                    out.push((s, i));
                }
            }
            b if b.is_ascii_digit() || b == b'$' || b == b'.' => {
                // A number, a variable or a field chain: skip its word part.
                i += 1;
                while i < end
                    && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'_' | b'.'))
                {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// Every `{{` is closed by a `}}` before the next `{{`, and no `}}` stands alone.
fn balanced(text: &str) -> Result<(), ValueError> {
    let mut rest = 0;
    while rest < text.len() {
        let open = text[rest..].find("{{").map(|i| rest + i);
        let close = text[rest..].find("}}").map(|i| rest + i);
        match (open, close) {
            (None, None) => return Ok(()),
            (Some(o), c) if c.is_none_or(|c| c > o) => {
                let inner_start = o + 2;
                let end = text[inner_start..].find("}}").map(|i| inner_start + i);
                let nested = text[inner_start..].find("{{").map(|i| inner_start + i);
                match end {
                    Some(e) if nested.is_none_or(|n| n > e) => rest = e + 2,
                    _ => {
                        return Err(ValueError::new(o, o + 2, "unclosed `{{` in template")
                            .with_help(
                                "close the action with `}}`, e.g. `{{ $labels.cluster }}`",
                            ));
                    }
                }
            }
            (_, Some(c)) => {
                return Err(
                    ValueError::new(c, c + 2, "`}}` without an opening `{{` in template")
                        .with_help("remove it, or open the action with `{{`"),
                );
            }
            _ => return Ok(()),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{check_template, label_reads};

    #[test]
    fn label_reads_are_found_with_their_positions() {
        let reads =
            label_reads(r#"{{ $labels.job }} in {{ .Labels.cluster }}, {{ index $labels "a-b" }}"#);
        let names: Vec<&str> = reads.iter().map(|r| r.2.as_str()).collect();
        assert_eq!(names, ["job", "cluster", "a-b"]);
        assert_eq!((reads[0].0, reads[0].1), (3, 14));
        assert!(label_reads("{{ $externalLabels.cluster }} {{ $value }}").is_empty());
    }

    #[test]
    fn balanced_templates_pass() {
        for ok in [
            "",
            "plain",
            "{{ $value }} failed",
            "a {{ $labels.x }} b {{ $value | humanize }}",
            "{ single } braces",
        ] {
            assert!(check_template(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn actions_promtool_refuses_are_refused() {
        for bad in [
            "{{ evil }}",
            "{{ if }}x{{ end }}",
            "{{ end }}",
            "{{ if $value }}x",
            "{{ $value | nosuch }}",
            "{{ range }}{{ end }}",
        ] {
            assert!(check_template(bad).is_err(), "{bad}");
        }
        for ok in [
            "{{ if gt $value 1.0 }}high{{ else }}low{{ end }}",
            "{{ printf \"%.2f\" $value }} {{ $value | humanizePercentage }}",
            "{{- /* note */ -}} {{ .Labels.job }} {{ $labels.instance | reReplaceAll \":.*\" \"\" }}",
            "{{ with $labels.x }}{{ . }}{{ end }} {{ range $i, $l := $labels }}{{ $l }}{{ end }}",
            "{{ index $labels \"a-b\" }} {{ $externalLabels.cluster }} {{ 1 }}",
            "{{ $value | toDuration }} at {{ now | humanizeTimestamp }} {{ $labels.job | urlQueryEscape }}",
        ] {
            assert!(check_template(ok).is_ok(), "{ok}: {:?}", check_template(ok));
        }
    }

    #[test]
    fn unbalanced_templates_point_at_the_braces() {
        let e = check_template("backup {{ $labels.cluster failed").unwrap_err();
        assert_eq!((e.start, e.end), (7, 9));
        let e = check_template("oops }} here").unwrap_err();
        assert_eq!((e.start, e.end), (5, 7));
        let e = check_template("{{ a {{ b }}").unwrap_err();
        assert_eq!((e.start, e.end), (0, 2));
    }
}
