//! Name checks and name helpers: Kubernetes DNS-1123 names and label keys/values,
//! Prometheus label and alert names, "did you mean" suggestions and UpperCamel casing.
//!
//! Every check returns a [`ValueError`] whose byte range is relative to the start of
//! the checked string, so the caller only has to add the string's own offset in the
//! spec file to underline the exact offending characters.

mod kubernetes;
mod prometheus;
mod suggest;

pub use kubernetes::{
    DNS1123_LABEL_MAX_LEN, DNS1123_SUBDOMAIN_MAX_LEN, K8S_LABEL_MAX_LEN, check_dns1123_label,
    check_dns1123_subdomain, check_k8s_label_key, check_k8s_label_value, object_name,
};
pub use prometheus::{check_alert_name, check_label_name, check_record_name};
pub use suggest::{did_you_mean, upper_camel};

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

#[cfg(test)]
mod tests {
    use super::suggest::levenshtein_within;
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
    fn object_names_are_lowercase_dns_labels() {
        assert_eq!(object_name("My_Service.v2"), "my-service-v2");
        assert_eq!(object_name("api-gateway"), "api-gateway");
        assert_eq!(object_name("café"), "caf-");
        // Every name Sloth accepts becomes a valid DNS-1123 label.
        for name in [
            "A",
            "a_b",
            "x.Y-z",
            "0_0",
            &format!("A{}Z", "_.".repeat(30)),
        ] {
            assert_eq!(check_dns1123_label(&object_name(name)), Ok(()), "{name}");
        }
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
