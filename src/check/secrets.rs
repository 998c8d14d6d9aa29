//! Secrets written inline anywhere in a spec are refused: generated files
//! are committed to git, so a secret may reach the outputs only by
//! reference (a mounted file or a Kubernetes Secret).
//!
//! Receivers have their own, stricter check (`routing.rs`, which also
//! knows PagerDuty keys); this one looks at every other string value and
//! map key of every file: credentials in URLs, private keys, well-known
//! token formats, and values of free-form map keys named like a password.

use crate::diagnostic::Diagnostic;
use crate::diagnostic::codes;
use crate::syntax::{Node, NodeKind};

use super::Ctx;

/// Free-form keys (labels, routing test alerts) whose value is a secret.
const SECRET_KEYS: [&str; 11] = [
    "password",
    "passwd",
    "api_key",
    "apikey",
    "access_key",
    "secret_key",
    "private_key",
    "client_secret",
    "auth_token",
    "bearer_token",
    "credentials",
];

pub(super) const HELP: &str = "keep secrets in a Kubernetes Secret or a mounted file and refer to it (`*_file`, `*_secret`); never write them into the spec";

/// Walks every file's tree; `routing.receivers` is left to `receivers.rs`.
pub fn check(nodes: &[&Node], ctx: &mut Ctx) {
    ctx.each_parallel(nodes, |ctx, node| walk(node, &mut Vec::new(), ctx));
}

fn walk<'a>(node: &'a Node, path: &mut Vec<&'a str>, ctx: &mut Ctx) {
    match &node.kind {
        NodeKind::Str(value) => {
            if let Some((start, end, what)) = find(value) {
                ctx.push(
                    Diagnostic::error(
                        codes::SECRETS_INLINE_SECRET,
                        format!("this looks like {what}: generated files are committed to git, so secrets are never written into the spec"),
                    )
                    .at(ctx.inner_span(node.span, start, end))
                    .label("inline secret")
                    .help(HELP),
                );
            }
        }
        NodeKind::Seq(items) => {
            for item in items {
                walk(item, path, ctx);
            }
        }
        NodeKind::Map(entries) => {
            if path.as_slice() == ["routing"] {
                // Receivers are checked by `routing.rs`.
                for (key, value) in entries.iter().filter(|(k, _)| k.name != "receivers") {
                    path.push(&key.name);
                    walk(value, path, ctx);
                    path.pop();
                }
                return;
            }
            for (key, value) in entries {
                let name = key.name.to_ascii_lowercase();
                let secret_key = SECRET_KEYS.iter().any(|k| {
                    name.strip_suffix(k)
                        .is_some_and(|rest| rest.is_empty() || rest.ends_with('_'))
                });
                let has_value = matches!(&value.kind, NodeKind::Str(s) if !s.is_empty());
                if !secret_key && let Some((start, end, what)) = find(&key.name) {
                    ctx.push(
                        Diagnostic::error(
                            codes::SECRETS_INLINE_SECRET,
                            format!("this key looks like {what}: generated files are committed to git, so secrets are never written into the spec"),
                        )
                        .at(ctx.inner_span(key.span, start, end))
                        .label("inline secret")
                        .help(HELP),
                    );
                    continue;
                }
                if secret_key && has_value {
                    ctx.push(
                        Diagnostic::error(
                            codes::SECRETS_INLINE_SECRET,
                            format!("`{}` looks like a secret: generated files are committed to git, so secrets are never written into the spec", key.name),
                        )
                        .at(key.span)
                        .label("inline secret")
                        .help(HELP),
                    );
                    continue;
                }
                path.push(&key.name);
                walk(value, path, ctx);
                path.pop();
            }
        }
        NodeKind::Null | NodeKind::Bool(_) | NodeKind::Int(_) | NodeKind::Float(_) => {}
    }
}

/// The byte range of the first secret-looking part of `value`, and what it
/// looks like. The search runs on the [`normalize`]d text, so encoding or
/// invisible characters cannot hide a secret; the range is `value`'s own.
pub fn find(value: &str) -> Option<(usize, usize, &'static str)> {
    // Nothing to undo in plain ASCII without escapes: search it as it is.
    if value.is_ascii() && !value.contains('%') {
        return find_normalized(value);
    }
    let (text, map) = normalize(value);
    find_normalized(&text).map(|(start, end, what)| (map[start], map[end], what))
}

/// `value` with what hides a secret from a plain search undone, and for
/// each byte of the result (and its end) the offset in `value` it came
/// from: percent-escapes of printable ASCII are decoded, zero-width
/// characters and soft hyphens dropped, fullwidth forms (`／`, `：`, `＠`)
/// and other slash and dot lookalikes mapped to ASCII.
pub fn normalize(value: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(value.len());
    let mut map = Vec::with_capacity(value.len() + 1);
    let bytes = value.as_bytes();
    let mut i = 0;
    while i < value.len() {
        let c = value[i..].chars().next().unwrap_or_default();
        let width = c.len_utf8();
        let decoded = (c == '%' && i + 3 <= bytes.len())
            .then(|| std::str::from_utf8(&bytes[i + 1..i + 3]).ok())
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            .filter(|b| b.is_ascii_graphic() || *b == b' ');
        if let Some(b) = decoded {
            out.push(b as char);
            map.push(i);
            i += 3;
            continue;
        }
        let plain = match c {
            '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{00ad}' => None,
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0),
            '\u{2215}' | '\u{2044}' | '\u{29f8}' => Some('/'),
            '\u{3002}' | '\u{ff61}' => Some('.'),
            c => Some(c),
        };
        if let Some(plain) = plain {
            for _ in 0..plain.len_utf8() {
                map.push(i);
            }
            out.push(plain);
        }
        i += width;
    }
    map.push(value.len());
    (out, map)
}

/// Characters of a token (letters, digits, `-` and `_`).
fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_')
}

/// Whether the character before `at` ends a word (so `at` starts one).
fn starts_word(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .last()
        .is_none_or(|c| !c.is_ascii_alphanumeric() && c != '_')
}

/// The end of the run of characters from `from` that `keep` accepts.
fn run_end(text: &str, from: usize, keep: impl Fn(char) -> bool) -> usize {
    text[from..]
        .find(|c| !keep(c))
        .map_or(text.len(), |i| from + i)
}

/// Letters and digits both, as generated tokens have and words do not.
fn mixed(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_digit()) && s.chars().any(|c| c.is_ascii_alphabetic())
}

/// Query-string parameters that carry a credential, with their `=`.
const QUERY_NAMES: [&str; 9] = [
    "token=",
    "auth_token=",
    "access_token=",
    "api_key=",
    "apikey=",
    "password=",
    "secret=",
    "client_secret=",
    "private_token=",
];

/// The bytes a text holds, lower-cased: a text that lacks a byte of a
/// searched word cannot hold the word, and most spec strings (names,
/// labels, selectors) lack most of them, so their searches are skipped.
struct Present([bool; 256]);

impl Present {
    fn of(text: &str) -> Self {
        let mut present = [false; 256];
        for byte in text.bytes() {
            present[usize::from(byte.to_ascii_lowercase())] = true;
        }
        Present(present)
    }

    /// Whether `word` may occur (in any case) in the text.
    fn may_hold(&self, word: &str) -> bool {
        word.bytes()
            .all(|byte| self.0[usize::from(byte.to_ascii_lowercase())])
    }
}

fn find_normalized(value: &str) -> Option<(usize, usize, &'static str)> {
    let present = Present::of(value);
    let token_end = |from: usize| {
        value[from..]
            .find(|c: char| {
                c.is_whitespace() || matches!(c, '"' | '\'' | '>' | '|' | ')' | '`' | ',' | ';')
            })
            .map_or(value.len(), |i| from + i)
    };
    // `scheme://user:password@host`: credentials in a URL; a user alone
    // that looks generated is a token (`https://<token>@github.com`).
    let mut from = 0;
    while let Some(at) = present
        .may_hold("://")
        .then(|| value[from..].find("://").map(|i| from + i))
        .flatten()
    {
        let rest = &value[at + 3..];
        let authority_end = rest.find(['/', '?', '#', ' ']).unwrap_or(rest.len());
        let authority = &rest[..authority_end];
        if let Some(userinfo) = authority.rfind('@').map(|i| &authority[..i]) {
            if userinfo.contains(':') {
                return Some((at + 3, at + 3 + userinfo.len(), "a password in a URL"));
            }
            if userinfo.len() >= 20 && mixed(userinfo) && userinfo.chars().all(is_token_char) {
                return Some((at + 3, at + 3 + userinfo.len(), "a token in a URL"));
            }
        }
        from = at + 3;
    }
    // Computed once: the checks below search it for each name and prefix.
    let lower = value.to_ascii_lowercase();
    // `?token=...` and its kin in a query string (only after a `://`).
    let query_names: &[&str] = if value.contains("://") && value.contains('=') {
        &QUERY_NAMES
    } else {
        &[]
    };
    for name in query_names {
        let mut from = 0;
        while let Some(at) = lower[from..].find(name).map(|i| from + i) {
            let in_query = lower[..at].ends_with(['?', '&']) && lower[..at].contains("://");
            let start = at + name.len();
            let end = run_end(value, start, |c| !matches!(c, '&' | '#' | ' ' | '"' | '\''));
            let v = &value[start..end];
            let placeholder = v.starts_with('$') || v.starts_with("{{") || v.starts_with('<');
            if in_query && !v.is_empty() && !placeholder {
                return Some((at, end, "a credential in a URL's query"));
            }
            from = start;
        }
    }
    if present.may_hold("-----begin ")
        && let Some(at) = value.find("-----BEGIN ")
        && value[at..].contains("PRIVATE KEY")
    {
        return Some((at, token_end(at + 11), "a private key"));
    }
    if present.may_hold("hooks.slack.com/services/")
        && let Some(at) = lower.find("hooks.slack.com/services/")
    {
        return Some((at, token_end(at), "a Slack webhook URL"));
    }
    // A JSON web token: base64url `{"` header and payload, and a signature.
    let mut from = 0;
    while let Some(at) = present
        .may_hold("eyj")
        .then(|| value[from..].find("eyJ").map(|i| from + i))
        .flatten()
    {
        let end = run_end(value, at, |c| is_token_char(c) || c == '.');
        let parts: Vec<&str> = value[at..end].split('.').collect();
        if starts_word(value, at)
            && parts.len() == 3
            && parts[1].starts_with("eyJ")
            && parts.iter().all(|p| p.len() >= 4)
        {
            return Some((at, end, "a JSON web token"));
        }
        from = at + 3;
    }
    // `Authorization: Basic <base64 of user:password>`.
    let mut from = 0;
    while let Some(at) = present
        .may_hold("basic ")
        .then(|| lower[from..].find("basic ").map(|i| from + i))
        .flatten()
    {
        let start = at + 6;
        let end = run_end(value, start, |c| {
            c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')
        });
        if starts_word(value, at)
            && end - start >= 8
            && base64_decode(&value[start..end]).is_some_and(|b| b.contains(&b':'))
        {
            return Some((at, end, "HTTP basic credentials"));
        }
        from = start;
    }
    // Google API keys: `AIza` and 35 more characters (case matters).
    let mut from = 0;
    while let Some(at) = present
        .may_hold("aiza")
        .then(|| value[from..].find("AIza").map(|i| from + i))
        .flatten()
    {
        let end = run_end(value, at, is_token_char);
        if starts_word(value, at) && end - at == 39 {
            return Some((at, end, "a Google API key"));
        }
        from = at + 4;
    }
    // Prefixes of well-known token formats, followed by enough token text.
    for (prefix, what) in [
        ("xoxb-", "a Slack token"),
        ("xoxp-", "a Slack token"),
        ("xapp-", "a Slack token"),
        ("ghp_", "a GitHub token"),
        ("gho_", "a GitHub token"),
        ("ghs_", "a GitHub token"),
        ("ghu_", "a GitHub token"),
        ("github_pat_", "a GitHub token"),
        ("glpat-", "a GitLab token"),
        ("glsa_", "a Grafana service account token"),
        ("glc_", "a Grafana Cloud token"),
        ("akia", "an AWS access key"),
        ("sk_live_", "an API key"),
        ("bearer ", "a bearer token"),
    ]
    .into_iter()
    // A prefix and its 16 characters of token: shorter text holds none.
    .filter(|(prefix, _)| lower.len() >= 20 && present.may_hold(prefix))
    {
        let mut from = 0;
        while let Some(at) = lower[from..].find(prefix).map(|i| from + i) {
            let body_end = run_end(value, at + prefix.len(), |c| {
                is_token_char(c) || matches!(c, '.' | '=')
            });
            let body = &value[at + prefix.len()..body_end];
            let ends_token = value[body_end..]
                .chars()
                .next()
                .is_none_or(|c| !matches!(c, '+' | '/'));
            let tokenish = body.len() >= 16 && body.chars().any(|c| c.is_ascii_digit());
            if starts_word(&lower, at) && tokenish && ends_token {
                return Some((at, body_end, what));
            }
            from = at + prefix.len();
        }
    }
    // An AWS secret access key alone: 40 characters of base64 with upper
    // case, lower case and digits (unlike a hex commit id), standing alone.
    let is_b64 = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '/');
    // Shorter text holds no 40-character key.
    let mut i = if value.len() < 40 { value.len() } else { 0 };
    while i < value.len() {
        let end = run_end(value, i, is_b64);
        if end == i {
            i += value[i..].chars().next().map_or(1, char::len_utf8);
            continue;
        }
        let run = &value[i..end];
        let after = value[end..].chars().next();
        if run.len() == 40
            && after != Some('=')
            && run.chars().any(|c| c.is_ascii_uppercase())
            && run.chars().any(|c| c.is_ascii_lowercase())
            && run.chars().any(|c| c.is_ascii_digit())
            && !run.contains("//")
        {
            return Some((i, end, "an AWS secret access key"));
        }
        i = end;
    }
    None
}

/// Standard base64 (with or without padding); `None` when it is not.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::find;

    #[test]
    fn finds_secrets_and_leaves_ordinary_text_alone() {
        for (text, found) in [
            (
                "https://user:hunter2@thanos.example.com/api/v1/receive",
                "user:hunter2",
            ),
            ("-----BEGIN RSA PRIVATE KEY-----\nMIIE", "-----BEGIN RSA"),
            (
                "see https://hooks.slack.com/services/T0/B0/XXXX",
                "hooks.slack.com/services/T0/B0/XXXX",
            ),
            (
                "token ghp_0123456789abcdefghijABCDEFGHIJ012345",
                "ghp_0123456789abcdefghijABCDEFGHIJ012345",
            ),
            ("AKIAIOSFODNN7EXAMPLE1", "AKIAIOSFODNN7EXAMPLE1"),
            (
                "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.x1",
                "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x1",
            ),
            // Each class found since the second hostile corpus.
            (
                "https://ghp_0123456789abcdefghijABCDEFGHIJ012345@github.com/o/r.git",
                "ghp_0123456789abcdefghijABCDEFGHIJ012345",
            ),
            (
                "https://0123456789abcdef0123456789abcdef01234567@github.com/o/r",
                "0123456789abcdef0123456789abcdef01234567",
            ),
            ("https://user%3Ahunter2@example.com/", "user%3Ahunter2"),
            (
                "https://hooks.slack.com/services/T0\u{200b}/B0/XXXX",
                "hooks.slack.com/services/T0\u{200b}/B0/XXXX",
            ),
            (
                "https://hooks.slack.com／services/T0/B0/XXXX",
                "hooks.slack.com／services/T0/B0/XXXX",
            ),
            ("glpat-0123456789abcdefABCD", "glpat-0123456789abcdefABCD"),
            (
                "key=AIzaSyA0123456789abcdefghijklmnopqrstuv",
                "AIzaSyA0123456789abcdefghijklmnopqrstuv",
            ),
            (
                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
            ),
            (
                "Authorization: Basic dXNlcjpodW50ZXIy",
                "Basic dXNlcjpodW50ZXIy",
            ),
            (
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            ),
            (
                "https://api.example.com/v1?auth_token=s3cr3t&x=1",
                "auth_token=s3cr3t",
            ),
            ("https://loki.example.com/push?token=abc", "token=abc"),
        ] {
            let (start, end, _) = find(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(&text[start..end], found);
        }
        for text in [
            "http://thanos-receive.monitoring.svc:19291/api/v1/receive",
            "https://runbooks.example.com/velero#backup-failed",
            "mailto:oncall@example.com",
            "https://user@example.com/x",
            "{{ $labels.cluster }} is down",
            "akia is a name",
            "bearer of bad news",
            "/etc/prometheus/secrets/etcd-client/tls.key",
            // Near misses of the newer classes.
            "Basic auth protects the endpoint",
            "100% of requests, 50%3 of errors",
            "commit 0123456789abcdef0123456789abcdef01234567",
            "https://x-access-token@github.com/o/r",
            "https://example.com/?token=${TOKEN}",
            "https://example.com/?token={{ .token }}",
            "the token= field",
            "eyJ is how JSON starts in base64",
            "sum(rate(http_requests_total{job=\"api\"}[5m])) by (instance, code, method)",
        ] {
            assert_eq!(find(text), None, "{text}");
        }
    }
}
