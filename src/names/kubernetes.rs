//! Kubernetes names: DNS-1123 labels and subdomains, label keys and values.

#![allow(clippy::wildcard_imports)] // the name checks share their message helpers

use super::*;

/// Longest DNS-1123 label (namespace, service and most object names).
pub const DNS1123_LABEL_MAX_LEN: usize = 63;
/// Longest DNS-1123 subdomain (most other object names, label-key prefixes).
pub const DNS1123_SUBDOMAIN_MAX_LEN: usize = 253;
/// Longest name part of a Kubernetes label key, and longest label value.
pub const K8S_LABEL_MAX_LEN: usize = 63;

/// The form of a name that file names and Kubernetes object names take:
/// ASCII-lowercased, every character but a letter, a digit or `-`
/// replaced by `-` (Sloth's service and SLO names may hold `_` and `.`).
/// Lower applies it wherever a spec name becomes a file or object name;
/// check refuses two names that meet in it. Labels keep the name as written.
pub fn object_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

pub(super) fn is_dns_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
}

/// Checks one dot-free DNS-1123 label's characters and ends (not its length).
/// `full` is the whole value, for messages; `offset` is where `part` starts in it.
pub(super) fn check_dns_part(
    full: &str,
    part: &str,
    offset: usize,
    what: &str,
) -> Result<(), ValueError> {
    for (i, c) in part.char_indices() {
        if !is_dns_char(c) {
            let (start, end) = char_range(part, i);
            let message = if c.is_ascii_uppercase() {
                format!(
                    "uppercase letter `{c}` in {what} {}: only lowercase letters, digits and `-` are allowed",
                    quoted(full)
                )
            } else {
                format!(
                    "invalid character {} in {what} {}: only lowercase letters, digits and `-` are allowed",
                    describe_char(c),
                    quoted(full)
                )
            };
            return Err(ValueError::new(start, end, message).shifted(offset));
        }
    }
    // Only ASCII is left, so byte indexing below is safe.
    if part.starts_with('-') {
        return Err(ValueError::new(
            offset,
            offset + 1,
            format!(
                "{what} {} must start with a lowercase letter or digit, not `-`",
                quoted(full)
            ),
        ));
    }
    if part.ends_with('-') {
        let end = offset + part.len();
        return Err(ValueError::new(
            end - 1,
            end,
            format!(
                "{what} {} must end with a lowercase letter or digit, not `-`",
                quoted(full)
            ),
        ));
    }
    Ok(())
}

/// The lower-cased form of `s` with every run of other characters turned into one
/// `-` (dots kept when `keep_dots`), trimmed of `-`/`.` at the ends.
pub(super) fn dns_suggestion(s: &str, keep_dots: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut replacing = false;
    for c in s.chars() {
        let c = c.to_ascii_lowercase();
        if is_dns_char(c) || (keep_dots && c == '.') {
            out.push(c);
            replacing = false;
        } else if !replacing {
            out.push('-');
            replacing = true;
        }
    }
    out.trim_matches(|c| c == '-' || c == '.').to_string()
}

/// Adds "try `fixed`" to `err` when the mechanical fix of `s` passes `check`.
pub(super) fn with_suggestion(
    err: ValueError,
    s: &str,
    fixed: String,
    check: fn(&str) -> Result<(), ValueError>,
) -> ValueError {
    if fixed != s && check(&fixed).is_ok() {
        err.with_help(format!("try {}", quoted(&fixed)))
    } else {
        err
    }
}

pub(super) fn dns1123_label(s: &str) -> Result<(), ValueError> {
    if s.is_empty() {
        return Err(ValueError::new(0, 0, "DNS-1123 label must not be empty"));
    }
    check_dns_part(s, s, 0, "DNS-1123 label")?;
    if s.len() > DNS1123_LABEL_MAX_LEN {
        return Err(too_long(s, DNS1123_LABEL_MAX_LEN, "DNS-1123 label"));
    }
    Ok(())
}

/// Kubernetes DNS-1123 label (namespaces, most object names): at most 63 characters,
/// lowercase letters, digits and `-`, starting and ending with a letter or digit.
pub fn check_dns1123_label(s: &str) -> Result<(), ValueError> {
    dns1123_label(s).map_err(|err| {
        let err = err.with_help(
            "use lowercase letters, digits and `-`, starting and ending with a letter or digit",
        );
        with_suggestion(err, s, dns_suggestion(s, false), dns1123_label)
    })
}

pub(super) fn dns1123_subdomain(s: &str) -> Result<(), ValueError> {
    const WHAT: &str = "DNS-1123 subdomain";
    if s.is_empty() {
        return Err(ValueError::new(
            0,
            0,
            "DNS-1123 subdomain must not be empty",
        ));
    }
    let mut offset = 0;
    for part in s.split('.') {
        if part.is_empty() {
            // Point at the dot that ends (or starts) the empty part.
            let dot = if offset < s.len() { offset } else { offset - 1 };
            return Err(ValueError::new(
                dot,
                dot + 1,
                format!(
                    "empty part in {WHAT} {}: dots must separate non-empty labels",
                    quoted(s)
                ),
            ));
        }
        check_dns_part(s, part, offset, WHAT)?;
        offset += part.len() + 1;
    }
    // Like Kubernetes, only the total length is limited, not each dotted part.
    if s.len() > DNS1123_SUBDOMAIN_MAX_LEN {
        return Err(too_long(s, DNS1123_SUBDOMAIN_MAX_LEN, WHAT));
    }
    Ok(())
}

/// Kubernetes DNS-1123 subdomain: at most 253 characters, dot-separated DNS-1123
/// labels (each part is not length-limited, matching Kubernetes).
pub fn check_dns1123_subdomain(s: &str) -> Result<(), ValueError> {
    dns1123_subdomain(s).map_err(|err| {
        let err = err.with_help(
            "use lowercase letters, digits, `-` and `.`, each dot-separated part starting and ending with a letter or digit",
        );
        with_suggestion(err, s, dns_suggestion(s, true), dns1123_subdomain)
    })
}

pub(super) fn is_k8s_label_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// Shared body of the label-key name part and label-value checks: at most 63
/// characters of `[A-Za-z0-9._-]`, alphanumeric at both ends. Empty passes here.
pub(super) fn check_k8s_label_part(part: &str, what: &str) -> Result<(), ValueError> {
    const HELP: &str =
        "use letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit";
    for (i, c) in part.char_indices() {
        if !is_k8s_label_char(c) {
            let (start, end) = char_range(part, i);
            return Err(ValueError::new(
                start,
                end,
                format!(
                    "invalid character {} in {what} {}",
                    describe_char(c),
                    quoted(part)
                ),
            )
            .with_help(HELP));
        }
    }
    // All ASCII from here on.
    if let Some(first) = part.chars().next().filter(|c| !c.is_ascii_alphanumeric()) {
        return Err(ValueError::new(
            0,
            1,
            format!(
                "{what} {} must start with a letter or digit, not `{first}`",
                quoted(part)
            ),
        )
        .with_help(HELP));
    }
    if let Some(last) = part.chars().last().filter(|c| !c.is_ascii_alphanumeric()) {
        return Err(ValueError::new(
            part.len() - 1,
            part.len(),
            format!(
                "{what} {} must end with a letter or digit, not `{last}`",
                quoted(part)
            ),
        )
        .with_help(HELP));
    }
    if part.len() > K8S_LABEL_MAX_LEN {
        return Err(too_long(part, K8S_LABEL_MAX_LEN, what));
    }
    Ok(())
}

/// Kubernetes label key (a "qualified name"): an optional DNS-1123 subdomain prefix
/// and `/`, then a name of at most 63 characters of `[A-Za-z0-9._-]` that starts and
/// ends with a letter or digit.
pub fn check_k8s_label_key(s: &str) -> Result<(), ValueError> {
    if s.is_empty() {
        return Err(ValueError::new(0, 0, "label key must not be empty"));
    }
    let (prefix, name, name_offset) = match s.split_once('/') {
        Some((prefix, name)) => (Some(prefix), name, prefix.len() + 1),
        None => (None, s, 0),
    };
    if let Some(extra) = name.find('/') {
        let at = name_offset + extra;
        return Err(ValueError::new(
            at,
            at + 1,
            format!("label key {} has more than one `/`", quoted(s)),
        )
        .with_help("a label key is `name` or `prefix/name`, e.g. `app.kubernetes.io/name`"));
    }
    if let Some(prefix) = prefix {
        if prefix.is_empty() {
            return Err(ValueError::new(
                0,
                1,
                format!("label key {} has an empty prefix before `/`", quoted(s)),
            )
            .with_help("remove the leading `/` or write a prefix like `example.com/`"));
        }
        check_dns1123_subdomain(prefix).map_err(|err| ValueError {
            message: format!("in the prefix of label key {}: {}", quoted(s), err.message),
            ..err
        })?;
    }
    if name.is_empty() {
        return Err(ValueError::new(
            s.len() - 1,
            s.len(),
            format!("label key {} has an empty name after `/`", quoted(s)),
        )
        .with_help("write the name after the prefix, e.g. `example.com/tier`"));
    }
    check_k8s_label_part(name, "label key name").map_err(|err| err.shifted(name_offset))
}

/// Kubernetes label value: empty, or at most 63 characters of `[A-Za-z0-9._-]` that
/// start and end with a letter or digit.
pub fn check_k8s_label_value(s: &str) -> Result<(), ValueError> {
    check_k8s_label_part(s, "label value")
}
