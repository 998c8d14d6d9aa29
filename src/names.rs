//! Name checks and name helpers: Kubernetes DNS-1123 names and label keys/values,
//! Prometheus label and alert names, "did you mean" suggestions and UpperCamel casing.
//!
//! Every check returns a [`ValueError`] whose byte range is relative to the start of
//! the checked string, so the caller only has to add the string's own offset in the
//! spec file to underline the exact offending characters.

use std::fmt;

/// An error inside one string value: byte offsets relative to the start of the string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    pub start: usize,
    pub end: usize,
    pub message: String,
    pub help: Option<String>,
}

impl ValueError {
    pub fn new(start: usize, end: usize, message: impl Into<String>) -> Self {
        ValueError {
            start,
            end,
            message: message.into(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Moves the range right by `by` bytes: used when a string was checked as a
    /// slice of a larger value (a label key inside a selector, say).
    pub fn shifted(mut self, by: usize) -> Self {
        self.start = self.start.saturating_add(by);
        self.end = self.end.saturating_add(by);
        self
    }
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ValueError {}

/// Longest DNS-1123 label (namespace, service and most object names).
pub const DNS1123_LABEL_MAX_LEN: usize = 63;
/// Longest DNS-1123 subdomain (most other object names, label-key prefixes).
pub const DNS1123_SUBDOMAIN_MAX_LEN: usize = 253;
/// Longest name part of a Kubernetes label key, and longest label value.
pub const K8S_LABEL_MAX_LEN: usize = 63;

/// `s` in backticks for a message, shortened so a pasted megabyte does not end up
/// in the terminal.
pub(crate) fn quoted(s: &str) -> String {
    const MAX_CHARS: usize = 40;
    match s.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => format!("`{}…`", &s[..cut]),
        None => format!("`{s}`"),
    }
}

/// A character for a message: invisible ones are named rather than printed.
pub(crate) fn describe_char(c: char) -> String {
    match c {
        ' ' => "space".to_string(),
        c if c.is_whitespace() || c.is_control() => format!("U+{:04X}", c as u32),
        c => format!("`{c}`"),
    }
}

/// Byte range of the character starting at byte `i` of `s` (empty range at the end).
pub(crate) fn char_range(s: &str, i: usize) -> (usize, usize) {
    let len = s[i..].chars().next().map_or(0, char::len_utf8);
    (i, i + len)
}

/// Largest char boundary in `s` that is `<= i`.
fn floor_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Error for a value that is longer than `max` bytes: underlines the excess.
fn too_long(s: &str, max: usize, what: &str) -> ValueError {
    ValueError::new(
        floor_boundary(s, max),
        s.len(),
        format!(
            "{what} is {} characters long; the maximum is {max}",
            s.len()
        ),
    )
}

fn is_dns_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
}

/// Checks one dot-free DNS-1123 label's characters and ends (not its length).
/// `full` is the whole value, for messages; `offset` is where `part` starts in it.
fn check_dns_part(full: &str, part: &str, offset: usize, what: &str) -> Result<(), ValueError> {
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
fn dns_suggestion(s: &str, keep_dots: bool) -> String {
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
fn with_suggestion(
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

fn dns1123_label(s: &str) -> Result<(), ValueError> {
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

fn dns1123_subdomain(s: &str) -> Result<(), ValueError> {
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

fn is_k8s_label_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// Shared body of the label-key name part and label-value checks: at most 63
/// characters of `[A-Za-z0-9._-]`, alphanumeric at both ends. Empty passes here.
fn check_k8s_label_part(part: &str, what: &str) -> Result<(), ValueError> {
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

/// `s` with every character outside `[A-Za-z0-9_]` (plus `:` when `colons`) replaced
/// by `_`, and `_` prepended when it would start with a digit.
fn underscore_suggestion(s: &str, colons: bool) -> String {
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
fn check_prom_name(s: &str, what: &str, colons: bool) -> Result<(), ValueError> {
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

/// Levenshtein distance between `a` and `b`, or `None` once it must exceed `max`
/// (bounded so that long inputs stay cheap).
fn levenshtein_within(a: &[char], b: &[char], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, cb) in b.iter().enumerate() {
            let substitute = prev[j] + usize::from(ca != cb);
            cur[j + 1] = substitute.min(prev[j + 1] + 1).min(cur[j] + 1);
            row_min = row_min.min(cur[j + 1]);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    Some(prev[b.len()]).filter(|d| *d <= max)
}

/// The candidate closest to `word`, if any is within `max(1, chars(word) / 3)` edits.
/// Words over 256 characters get no suggestion.
///
/// Distance is Levenshtein over lower-cased characters (so `CRITICAL` finds
/// `critical`); ties go to the smaller case-sensitive distance, then to the
/// alphabetically first candidate, so the answer never depends on input order.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    // Nobody misspells a keyword this long; the cap keeps the O(n*m) distance cheap.
    const MAX_WORD_CHARS: usize = 256;
    let exact: Vec<char> = word.chars().take(MAX_WORD_CHARS + 1).collect();
    if exact.len() > MAX_WORD_CHARS {
        return None;
    }
    let folded: Vec<char> = word.chars().flat_map(char::to_lowercase).collect();
    let max = (exact.len() / 3).max(1);
    let mut best: Option<(usize, usize, &'a str)> = None;
    for candidate in candidates {
        let cand_folded: Vec<char> = candidate.chars().flat_map(char::to_lowercase).collect();
        let Some(distance) = levenshtein_within(&folded, &cand_folded, max) else {
            continue;
        };
        let cand_exact: Vec<char> = candidate.chars().collect();
        let exact_distance =
            levenshtein_within(&exact, &cand_exact, usize::MAX).unwrap_or(usize::MAX);
        let key = (distance, exact_distance, candidate);
        if best.is_none_or(|b| key < b) {
            best = Some(key);
        }
    }
    best.map(|(_, _, candidate)| candidate)
}

/// UpperCamel form of a kebab/snake/dotted/spaced name, for alert and recording-rule
/// names: `api-availability` → `ApiAvailability`, `backup_success` → `BackupSuccess`.
/// Every non-alphanumeric character separates words; the rest of each word is kept
/// as written, so `HTTP-errors` → `HTTPErrors`.
pub fn upper_camel(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split(|c: char| !c.is_alphanumeric()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err<T: fmt::Debug>(r: Result<T, ValueError>) -> ValueError {
        r.expect_err("expected an error")
    }

    fn range(e: &ValueError) -> (usize, usize) {
        (e.start, e.end)
    }

    #[test]
    fn value_error_helpers() {
        let e = ValueError::new(1, 3, "bad").with_help("fix it").shifted(10);
        assert_eq!(range(&e), (11, 13));
        assert_eq!(e.help.as_deref(), Some("fix it"));
        assert_eq!(e.to_string(), "bad");
        let e = ValueError::new(usize::MAX - 1, usize::MAX, "x").shifted(5);
        assert_eq!(range(&e), (usize::MAX, usize::MAX));
    }

    #[test]
    fn dns_label_valid() {
        for ok in [
            "a",
            "0",
            "abc",
            "a-b",
            "a--b",
            "web-1",
            "1abc",
            &"a".repeat(63),
        ] {
            assert_eq!(check_dns1123_label(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn dns_label_uppercase_points_at_char_and_suggests_lowercase() {
        let e = err(check_dns1123_label("MyApp"));
        assert_eq!(range(&e), (0, 1));
        assert!(e.message.contains("uppercase letter `M`"), "{}", e.message);
        assert_eq!(e.help.as_deref(), Some("try `myapp`"));
    }

    #[test]
    fn dns_label_invalid_char() {
        let e = err(check_dns1123_label("api_gateway"));
        assert_eq!(range(&e), (3, 4));
        assert!(e.message.contains("invalid character `_`"), "{}", e.message);
        assert_eq!(e.help.as_deref(), Some("try `api-gateway`"));

        let e = err(check_dns1123_label("my app"));
        assert_eq!(range(&e), (2, 3));
        assert!(e.message.contains("space"), "{}", e.message);

        let e = err(check_dns1123_label("a.b"));
        assert_eq!(range(&e), (1, 2));
        assert_eq!(e.help.as_deref(), Some("try `a-b`"));
    }

    #[test]
    fn dns_label_unicode_range_covers_whole_char() {
        // `é` is two bytes: the range must cover both.
        let e = err(check_dns1123_label("café"));
        assert_eq!(range(&e), (3, 5));
        assert!(e.message.contains("`é`"));
        // Suggestion drops the trailing replacement dash.
        assert_eq!(e.help.as_deref(), Some("try `caf`"));
    }

    #[test]
    fn dns_label_ends() {
        let e = err(check_dns1123_label("-abc"));
        assert_eq!(range(&e), (0, 1));
        assert!(e.message.contains("must start"));
        assert_eq!(e.help.as_deref(), Some("try `abc`"));

        let e = err(check_dns1123_label("abc-"));
        assert_eq!(range(&e), (3, 4));
        assert!(e.message.contains("must end"));
    }

    #[test]
    fn dns_label_empty_and_long() {
        let e = err(check_dns1123_label(""));
        assert_eq!(range(&e), (0, 0));
        assert!(e.help.is_some());

        let long = "a".repeat(70);
        let e = err(check_dns1123_label(&long));
        assert_eq!(range(&e), (63, 70));
        assert!(e.message.contains("70 characters"), "{}", e.message);
        // Lowercasing cannot shorten it, so there is no "try" suggestion.
        assert!(!e.help.unwrap().starts_with("try"));
    }

    #[test]
    fn dns_label_no_suggestion_when_fix_invalid() {
        let e = err(check_dns1123_label("___"));
        assert!(!e.help.unwrap().starts_with("try"));
    }

    #[test]
    fn dns_subdomain() {
        for ok in [
            "a",
            "example.com",
            "a-b.c-d.e",
            "kube-system",
            &"a".repeat(100),
        ] {
            assert_eq!(check_dns1123_subdomain(ok), Ok(()), "{ok}");
        }
        let e = err(check_dns1123_subdomain("example..com"));
        assert_eq!(range(&e), (8, 9));
        let e = err(check_dns1123_subdomain(".example"));
        assert_eq!(range(&e), (0, 1));
        let e = err(check_dns1123_subdomain("example."));
        assert_eq!(range(&e), (7, 8));
        let e = err(check_dns1123_subdomain("example.-com"));
        assert_eq!(range(&e), (8, 9));
        let e = err(check_dns1123_subdomain("example.com-"));
        assert_eq!(range(&e), (11, 12));
        let e = err(check_dns1123_subdomain("Example.COM"));
        assert_eq!(range(&e), (0, 1));
        assert_eq!(e.help.as_deref(), Some("try `example.com`"));
        let e = err(check_dns1123_subdomain(""));
        assert_eq!(range(&e), (0, 0));
        let long = ["a"; 130].join(".");
        let e = err(check_dns1123_subdomain(&long));
        assert_eq!(range(&e), (253, 259));
    }

    #[test]
    fn k8s_label_keys() {
        for ok in [
            "app",
            "app.kubernetes.io/name",
            "example.com/Tier_1",
            "A",
            "a.b-c_d",
            &"x".repeat(63),
        ] {
            assert_eq!(check_k8s_label_key(ok), Ok(()), "{ok}");
        }
        let e = err(check_k8s_label_key("a/b/c"));
        assert_eq!(range(&e), (3, 4));
        let e = err(check_k8s_label_key("/name"));
        assert_eq!(range(&e), (0, 1));
        let e = err(check_k8s_label_key("example.com/"));
        assert_eq!(range(&e), (11, 12));
        let e = err(check_k8s_label_key("Example.com/name"));
        assert_eq!(range(&e), (0, 1));
        assert!(e.message.contains("prefix"), "{}", e.message);
        let e = err(check_k8s_label_key("example.com/na~me"));
        assert_eq!(range(&e), (14, 15));
        let e = err(check_k8s_label_key("example.com/-name"));
        assert_eq!(range(&e), (12, 13));
        let e = err(check_k8s_label_key("name_"));
        assert_eq!(range(&e), (4, 5));
        let e = err(check_k8s_label_key(&format!("p/{}", "x".repeat(64))));
        assert_eq!(range(&e), (65, 66));
        let e = err(check_k8s_label_key(""));
        assert_eq!(range(&e), (0, 0));
    }

    #[test]
    fn k8s_label_values() {
        for ok in ["", "a", "v1.2.3", "A_b-C", &"9".repeat(63)] {
            assert_eq!(check_k8s_label_value(ok), Ok(()), "{ok}");
        }
        assert_eq!(range(&err(check_k8s_label_value("a b"))), (1, 2));
        assert_eq!(range(&err(check_k8s_label_value(".a"))), (0, 1));
        assert_eq!(range(&err(check_k8s_label_value("a."))), (1, 2));
        assert_eq!(
            range(&err(check_k8s_label_value(&"a".repeat(64)))),
            (63, 64)
        );
        assert_eq!(range(&err(check_k8s_label_value("ü"))), (0, 2));
    }

    #[test]
    fn prometheus_label_names() {
        for ok in ["a", "_", "__name__", "service_tier", "Team2"] {
            assert_eq!(check_label_name(ok), Ok(()), "{ok}");
        }
        let e = err(check_label_name("service-tier"));
        assert_eq!(range(&e), (7, 8));
        assert_eq!(e.help.as_deref(), Some("try `service_tier`"));
        let e = err(check_label_name("2xx"));
        assert_eq!(range(&e), (0, 1));
        assert_eq!(e.help.as_deref(), Some("try `_2xx`"));
        let e = err(check_label_name("a:b"));
        assert_eq!(range(&e), (1, 2));
        let e = err(check_label_name("zoné"));
        assert_eq!(range(&e), (3, 5));
        let e = err(check_label_name(""));
        assert_eq!(range(&e), (0, 0));
        assert!(e.help.is_some());
    }

    #[test]
    fn alert_names() {
        for ok in ["HighErrorRate", "a:b", ":x", "_", "Api_5xx"] {
            assert_eq!(check_alert_name(ok), Ok(()), "{ok}");
        }
        let e = err(check_alert_name("api-availability"));
        assert_eq!(range(&e), (3, 4));
        assert_eq!(e.help.as_deref(), Some("try `ApiAvailability`"));
        // The first problem is reported: the leading digit, not the `-`.
        let e = err(check_alert_name("5xx-errors"));
        assert_eq!(range(&e), (0, 1));
        assert_eq!(e.help.as_deref(), Some("try `_5xx_errors`"));
        let e = err(check_alert_name("9"));
        assert_eq!(range(&e), (0, 1));
        assert_eq!(e.help.as_deref(), Some("try `_9`"));
    }

    #[test]
    fn did_you_mean_picks_closest() {
        let c = ["critical", "warning", "info"];
        assert_eq!(did_you_mean("critcal", c), Some("critical"));
        assert_eq!(did_you_mean("CRITICAL", c), Some("critical"));
        assert_eq!(did_you_mean("warn", c), None); // 3 edits, 4/3 = 1 allowed
        assert_eq!(did_you_mean("warnin", c), Some("warning"));
        assert_eq!(did_you_mean("zzzzzz", c), None);
        assert_eq!(did_you_mean("x", std::iter::empty()), None);
        assert_eq!(did_you_mean("info", c), Some("info"));
    }

    #[test]
    fn did_you_mean_tie_breaks_deterministically() {
        // `bat` and `cat` are both one edit from `hat`: alphabetical wins, in any order.
        assert_eq!(did_you_mean("hat", ["cat", "bat"]), Some("bat"));
        assert_eq!(did_you_mean("hat", ["bat", "cat"]), Some("bat"));
        // Same folded distance: the case-exact one wins over alphabetical order.
        assert_eq!(did_you_mean("Foo", ["foo", "Foo"]), Some("Foo"));
        assert_eq!(did_you_mean("foo", ["Foo", "foo"]), Some("foo"));
    }

    #[test]
    fn levenshtein_basics() {
        let v = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(levenshtein_within(&v("kitten"), &v("sitting"), 10), Some(3));
        assert_eq!(levenshtein_within(&v("kitten"), &v("sitting"), 2), None);
        assert_eq!(levenshtein_within(&v(""), &v("ab"), 2), Some(2));
        assert_eq!(levenshtein_within(&v("ab"), &v(""), 1), None);
        assert_eq!(levenshtein_within(&v("same"), &v("same"), 0), Some(0));
    }

    #[test]
    fn upper_camel_cases() {
        assert_eq!(upper_camel("api-availability"), "ApiAvailability");
        assert_eq!(upper_camel("backup_success"), "BackupSuccess");
        assert_eq!(upper_camel("HTTP-errors"), "HTTPErrors");
        assert_eq!(upper_camel("a.b c--d__e"), "ABCDE");
        assert_eq!(upper_camel("5xx-rate"), "5xxRate");
        assert_eq!(upper_camel("already"), "Already");
        assert_eq!(upper_camel(""), "");
        assert_eq!(upper_camel("---"), "");
        assert_eq!(upper_camel("straße-über"), "StraßeÜber");
    }

    #[test]
    fn quoted_truncates() {
        assert_eq!(quoted("abc"), "`abc`");
        let long = "é".repeat(100);
        let q = quoted(&long);
        assert!(q.ends_with("…`"));
        assert_eq!(q.chars().count(), 40 + 3);
    }

    #[test]
    fn odd_inputs_never_panic() {
        let long = "x".repeat(100_000);
        let long_unicode = "ü-".repeat(50_000);
        let odd = [
            "",
            " ",
            "\0",
            "\n\t",
            "é",
            "🦀",
            "a🦀b",
            "/",
            "//",
            ".",
            "-",
            "日本語/名前",
            "\u{200b}",
            long.as_str(),
            long_unicode.as_str(),
        ];
        for s in odd {
            type Check = fn(&str) -> Result<(), ValueError>;
            let checks: [Check; 6] = [
                check_dns1123_label,
                check_dns1123_subdomain,
                check_label_name,
                check_alert_name,
                check_k8s_label_key,
                check_k8s_label_value,
            ];
            for check in checks {
                if let Err(e) = check(s) {
                    assert!(e.start <= e.end && e.end <= s.len(), "{s:?}: {e:?}");
                    assert!(s.is_char_boundary(e.start) && s.is_char_boundary(e.end));
                    assert!(e.message.len() < 400, "message too long for {s:?}");
                }
            }
            let _ = did_you_mean(s, ["critical", s, "🦀", ""]);
            let _ = upper_camel(s);
        }
    }
}
