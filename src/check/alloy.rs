//! `alloy`: the URLs Alloy pushes to, and each log pipeline's parsing: a
//! `format: regex` pipeline needs a regex in RE2 syntax (what Alloy, a Go
//! program, compiles) with named groups; labels promoted from a regex or
//! gin line must be fields it extracts; `drop_levels` needs a `level`
//! field; and a pipeline may not overwrite the labels monocle sets on every
//! log line.

use crate::diagnostic::codes;
use regex::Regex;

use super::regexes::compile;
use super::{Ctx, Spec};
use crate::diagnostic::Diagnostic;
use crate::model::alloy::{GIN_ACCESS_LOG, LEVEL_FIELD};
use crate::spec::{AlloyScrape, LogFormat};

/// Labels monocle sets on every log line.
const STREAM_LABELS: [&str; 5] = ["namespace", "pod", "container", "app", "cluster"];

pub fn check(spec: &Spec, ctx: &mut Ctx) {
    let Some(alloy) = &spec.alloy else { return };
    let a = &alloy.value;
    if a.scrape == Some(AlloyScrape::Servicemonitors) && a.metrics_url.is_none() {
        ctx.push(
            Diagnostic::error(
                codes::ALLOY_MISSING_METRICS_URL,
                "`scrape: servicemonitors` needs a `metrics_url` to remote-write to",
            )
            .at(alloy.span(&["scrape"]))
            .help("add `metrics_url: http://<prometheus>/api/v1/write`"),
        );
    }
    if !a.logs.is_empty() && a.loki_url.is_none() {
        ctx.push(
            Diagnostic::error(
                codes::ALLOY_MISSING_LOKI_URL,
                "log pipelines need a `loki_url` to push to",
            )
            .at(alloy.span(&["logs"]))
            .help("add `loki_url: http://<loki>/loki/api/v1/push`"),
        );
    }
    for (key, url) in [("metrics_url", &a.metrics_url), ("loki_url", &a.loki_url)] {
        if let Some(url) = url
            && let Err(problem) = check_url(url)
        {
            ctx.push(
                Diagnostic::error(
                    codes::ALLOY_INVALID_URL,
                    format!("`{key}` is not an HTTP URL: {problem}"),
                )
                .at(alloy.span(&[key]))
                .label("not a URL")
                .help("write it like `http://loki.monitoring.svc:3100/loki/api/v1/push`"),
            );
        }
    }

    let gin_fields = Regex::new(GIN_ACCESS_LOG).ok().map(|re| group_names(&re));
    for (i, log) in a.logs.iter().enumerate() {
        let i = i.to_string();
        // The fields a regex or gin line yields, when known.
        let mut groups: Option<Vec<String>> = None;
        match (&log.format, &log.regex) {
            (LogFormat::Regex, None) => ctx.push(
                Diagnostic::error(
                    codes::ALLOY_MISSING_REGEX,
                    format!(
                        "log pipeline `{}` has `format: regex` but no `regex`",
                        log.name
                    ),
                )
                .at(alloy.span(&["logs", &i, "format"]))
                .help("add `regex:` with named groups, e.g. `^(?P<level>\\w+) (?P<msg>.*)$`"),
            ),
            (LogFormat::Regex, Some(pattern)) => {
                let span = alloy.span(&["logs", &i, "regex"]);
                if let Some(re) = compile(ctx, pattern, span) {
                    if let Some(problem) = re2_problem(pattern) {
                        ctx.push(
                            Diagnostic::error(
                                codes::ALLOY_REGEX_NOT_RE2,
                                format!(
                                    "the regex uses {problem}, which is not RE2 syntax"
                                ),
                            )
                            .at(span)
                            .label("not RE2")
                            .help(
                                "Alloy compiles log regexes with Go's regexp package, which reads RE2 syntax only",
                            ),
                        );
                    } else if re.capture_names().flatten().next().is_none() {
                        ctx.push(
                            Diagnostic::error(
                                codes::ALLOY_REGEX_WITHOUT_GROUPS,
                                "a log regex needs named groups to extract fields",
                            )
                            .at(span)
                            .help("name the parts you want, e.g. `(?P<level>\\w+)`"),
                        );
                    } else {
                        groups = Some(group_names(&re));
                    }
                }
            }
            (LogFormat::Gin, None) => {
                groups.clone_from(&gin_fields);
            }
            (_, Some(_)) => ctx.push(
                Diagnostic::error(
                    codes::ALLOY_UNUSED_REGEX,
                    format!(
                        "`regex` is only used with `format: regex`, not `{}`",
                        format_name(log.format)
                    ),
                )
                .at(alloy.span(&["logs", &i, "regex"]))
                .help("remove `regex` or set `format: regex`"),
            ),
            _ => {}
        }

        for (j, label) in log.labels.iter().enumerate() {
            let span = alloy.span(&["logs", &i, "labels", &j.to_string()]);
            if STREAM_LABELS.contains(&label.as_str()) {
                ctx.push(
                    Diagnostic::error(
                        codes::ALLOY_RESERVED_LABEL,
                        format!("label `{label}` is set by monocle on every log line"),
                    )
                    .at(span)
                    .label("would be overwritten")
                    .help(format!(
                        "monocle sets {}; promote the field under another name",
                        STREAM_LABELS.map(|l| format!("`{l}`")).join(", ")
                    )),
                );
            } else if let Some(groups) = &groups
                && !groups.contains(label)
            {
                ctx.push(
                    Diagnostic::error(
                        codes::ALLOY_UNKNOWN_FIELD,
                        format!(
                            "label `{label}` is not a field the {} extracts",
                            source_name(log.format)
                        ),
                    )
                    .at(span)
                    .label("not extracted")
                    .help(format!("the fields are {}", list(groups))),
                );
            }
        }

        if let (Some(groups), false) = (&groups, log.drop_levels.is_empty())
            && !groups.iter().any(|g| g == LEVEL_FIELD)
        {
            ctx.push(
                Diagnostic::error(
                    codes::ALLOY_NO_LEVEL_FIELD,
                    format!(
                        "`drop_levels` needs a `{LEVEL_FIELD}` field, and the {} has none",
                        source_name(log.format)
                    ),
                )
                .at(alloy.span(&["logs", &i, "drop_levels"]))
                .help(match log.format {
                    LogFormat::Gin => {
                        "gin access logs have no level; remove `drop_levels`".to_owned()
                    }
                    _ => format!("add a `(?P<{LEVEL_FIELD}>...)` group to the regex"),
                }),
            );
        }
    }
}

fn format_name(format: LogFormat) -> &'static str {
    match format {
        LogFormat::Json => "json",
        LogFormat::Logfmt => "logfmt",
        LogFormat::Gin => "gin",
        LogFormat::Regex => "regex",
    }
}

fn source_name(format: LogFormat) -> &'static str {
    match format {
        LogFormat::Gin => "gin access log",
        _ => "regex",
    }
}

fn group_names(re: &Regex) -> Vec<String> {
    re.capture_names().flatten().map(str::to_owned).collect()
}

fn list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An `http://` or `https://` URL with a host and no blanks.
pub(super) fn check_url(url: &str) -> Result<(), String> {
    let Some(rest) = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
    else {
        return Err("it must start with `http://` or `https://`".to_owned());
    };
    if let Some(c) = url.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(
            format!("it contains {}", c.escape_debug()).replace("contains  ", "contains a space")
        );
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() {
        return Err("it has no host".to_owned());
    }
    Ok(())
}

/// The first construct of `pattern` that Rust's `regex` crate accepts but
/// RE2 (Go's `regexp`) does not, as a noun phrase. Assumes the pattern
/// compiles with `regex`.
pub(super) fn re2_problem(pattern: &str) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    let mut class_depth = 0usize;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            '\\' => match next {
                Some('<' | '>') => {
                    return Some(format!(
                        "the word-boundary escape `\\{}`",
                        next.unwrap_or_default()
                    ));
                }
                Some('b' | 'B') if chars.get(i + 2) == Some(&'{') => {
                    return Some("the word-boundary escape `\\b{...}`".to_owned());
                }
                Some('x') if chars.get(i + 2) == Some(&'{') => {
                    i = chars[i..]
                        .iter()
                        .position(|&c| c == '}')
                        .map_or(chars.len(), |p| p + i);
                }
                Some('p' | 'P') if chars.get(i + 2) == Some(&'{') => {
                    let end = chars[i..].iter().position(|&c| c == '}').map(|p| p + i);
                    let name: String = chars[i + 3..end.unwrap_or(chars.len())].iter().collect();
                    if name.contains(['=', ':']) {
                        return Some(format!("the property query `\\p{{{name}}}`"));
                    }
                    i = end.unwrap_or(chars.len());
                }
                _ => i += 1,
            },
            '[' if class_depth == 0 => {
                class_depth = 1;
                // A `]` or `^]` right after the opening is a literal.
                if chars.get(i + 1) == Some(&'^') {
                    i += 1;
                }
                if chars.get(i + 1) == Some(&']') {
                    i += 1;
                }
            }
            '[' => {
                if next == Some(':') {
                    // `[:alpha:]` POSIX class
                    let end = (i + 2..chars.len().saturating_sub(1))
                        .find(|&k| chars[k] == ':' && chars[k + 1] == ']');
                    i = end.map_or(i, |k| k + 1);
                } else {
                    return Some(
                        "a class nested in a character class (a bracket is `\\[`)".to_owned(),
                    );
                }
            }
            ']' if class_depth > 0 => class_depth -= 1,
            '&' | '-' | '~' if class_depth > 0 && next == Some(c) => {
                return Some(format!("the class set operation `{c}{c}`"));
            }
            '(' if class_depth == 0 && next == Some('?') => {
                let rest: String = chars[i + 2..].iter().collect();
                // Go reads `(?<name>` only since 1.22; the promtool and
                // amtool monocle is tested against (Go 1.19) refuse it.
                if rest.starts_with('<') && !rest.starts_with("<=") && !rest.starts_with("<!") {
                    return Some(
                        "the group syntax `(?<name>...)`, which older RE2 (Go before 1.22) refuses; write `(?P<name>...)`"
                            .to_owned(),
                    );
                }
                if let Some(name) = rest
                    .strip_prefix("P<")
                    .or_else(|| rest.strip_prefix('<'))
                    .and_then(|r| r.split_once('>'))
                    .map(|(name, _)| name)
                {
                    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                        return Some(format!(
                            "the group name `{name}`, with characters other than letters, digits and `_`"
                        ));
                    }
                } else {
                    let flags: String =
                        rest.chars().take_while(|&c| c != ')' && c != ':').collect();
                    if let Some(bad) = flags.chars().find(|c| !"imsU-".contains(*c)) {
                        return Some(format!("the flag `{bad}` (in `(?{flags}`)"));
                    }
                }
            }
            '{' if class_depth == 0 => {
                let inner: String = chars[i + 1..].iter().take_while(|&&c| c != '}').collect();
                if let Some(problem) = super::regexes::repeat_count_problem(&inner) {
                    return Some(problem);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn re2_accepts_what_alloy_accepts() {
        for ok in [
            r"^(?P<level>\w+) (?P<msg>.*)$",
            r"(?P<x>a)[[:alpha:]]+[]a][^]b]\p{Greek}\pL(?i)(?s:x){2,1000}",
            r"\x{1001}",
            r"\{[0-9]+\}",
            r"x{1,}",
        ] {
            assert_eq!(re2_problem(ok), None, "{ok}");
        }
    }

    #[test]
    fn re2_rejects_rust_only_syntax() {
        for bad in [
            r"(?x) a",
            r"(?R)a",
            r"[a[bc]]",
            r"[a-z&&[^aeiou]]",
            r"[a--b]",
            r"\<word\>",
            r"\b{start}x",
            r"\p{sc=Greek}",
            r"a{1001}",
            r"(?P<a.b>x)",
            r"(?<name>x)",
        ] {
            assert!(re2_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn gin_regex_reads_gins_default_access_log() {
        let re = Regex::new(GIN_ACCESS_LOG).unwrap();
        assert_eq!(re2_problem(GIN_ACCESS_LOG), None);
        for line in [
            r#"[GIN] 2024/01/02 - 15:04:05 | 200 |   1.234ms |  10.0.0.1 | GET "/path""#,
            r#"[GIN] 2024/01/02 - 15:04:05 | 200 |       1.234ms |        10.0.0.1 | GET      "/path""#,
        ] {
            let caps = re.captures(line).unwrap_or_else(|| panic!("{line}"));
            assert_eq!(&caps["status"], "200");
            assert_eq!(&caps["latency"], "1.234ms");
            assert_eq!(&caps["client_ip"], "10.0.0.1");
            assert_eq!(&caps["method"], "GET");
            assert_eq!(&caps["path"], "/path");
        }
        let caps = re
            .captures(r#"[GIN] 2024/01/02 - 15:04:05 | 404 |      12.5µs |      ::1 | POST     "/a\"b?c=d""#)
            .unwrap();
        assert_eq!(&caps["latency"], "12.5µs");
        assert_eq!(&caps["client_ip"], "::1");
        assert_eq!(&caps["path"], r#"/a\"b?c=d"#);
        assert_eq!(
            group_names(&re),
            ["status", "latency", "client_ip", "method", "path"]
        );
    }

    #[test]
    fn urls() {
        assert!(check_url("http://loki.monitoring.svc:3100/loki/api/v1/push").is_ok());
        assert!(check_url("https://x").is_ok());
        assert!(check_url("loki:3100").is_err());
        assert!(check_url("http:///path").is_err());
        assert!(check_url("http://a b").is_err());
    }
}
