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

const HELP: &str = "keep secrets in a Kubernetes Secret or a mounted file and refer to it (`*_file`, `*_secret`); never write them into the spec";

/// Walks every file's tree; `routing.receivers` is left to the routing check.
pub fn check(nodes: &[&Node], ctx: &mut Ctx) {
    for node in nodes {
        walk(node, &mut Vec::new(), ctx);
    }
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
                let secret_key = SECRET_KEYS
                    .iter()
                    .any(|k| name == *k || name.ends_with(&format!("_{k}")));
                let has_value = matches!(&value.kind, NodeKind::Str(s) if !s.is_empty());
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
/// looks like.
pub fn find(value: &str) -> Option<(usize, usize, &'static str)> {
    let token_end = |from: usize| {
        value[from..]
            .find(|c: char| {
                c.is_whitespace() || matches!(c, '"' | '\'' | '>' | '|' | ')' | '`' | ',' | ';')
            })
            .map_or(value.len(), |i| from + i)
    };
    // `scheme://user:password@host`: credentials in a URL.
    let mut from = 0;
    while let Some(at) = value[from..].find("://").map(|i| from + i) {
        let rest = &value[at + 3..];
        let authority_end = rest.find(['/', '?', '#', ' ']).unwrap_or(rest.len());
        let authority = &rest[..authority_end];
        if let Some(userinfo) = authority.rfind('@').map(|i| &authority[..i])
            && userinfo.contains(':')
        {
            return Some((at + 3, at + 3 + userinfo.len(), "a password in a URL"));
        }
        from = at + 3;
    }
    if let Some(at) = value.find("-----BEGIN ")
        && value[at..].contains("PRIVATE KEY")
    {
        return Some((at, token_end(at + 11), "a private key"));
    }
    let lower = value.to_ascii_lowercase();
    if let Some(at) = lower.find("hooks.slack.com/services/") {
        return Some((at, token_end(at), "a Slack webhook URL"));
    }
    // Prefixes of well-known token formats, followed by enough token text.
    for (prefix, what) in [
        ("xoxb-", "a Slack token"),
        ("xoxp-", "a Slack token"),
        ("xapp-", "a Slack token"),
        ("ghp_", "a GitHub token"),
        ("github_pat_", "a GitHub token"),
        ("glsa_", "a Grafana service account token"),
        ("glc_", "a Grafana Cloud token"),
        ("akia", "an AWS access key"),
        ("sk_live_", "an API key"),
        ("bearer ", "a bearer token"),
    ] {
        let mut from = 0;
        while let Some(at) = lower[from..].find(prefix).map(|i| from + i) {
            let starts_word = lower[..at]
                .chars()
                .last()
                .is_none_or(|c| !c.is_ascii_alphanumeric() && c != '_');
            let body = &value[at + prefix.len()..token_end(at + prefix.len())];
            let tokenish = body.len() >= 16
                && body
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '='))
                && body.chars().any(|c| c.is_ascii_digit());
            if starts_word && tokenish {
                return Some((at, at + prefix.len() + body.len(), what));
            }
            from = at + prefix.len();
        }
    }
    None
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
        ] {
            assert_eq!(find(text), None, "{text}");
        }
    }
}
