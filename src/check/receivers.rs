//! Receivers, one kind at a time: each kind's credential (by file or by
//! Secret, exactly one; a safe file path; a valid Secret reference) and
//! secrets written inline into any of its values. A new receiver kind is
//! added to [`kinds`].

use crate::diagnostic::Diagnostic;
use crate::diagnostic::codes;
use crate::model::routing::SECRETS_DIR;
use crate::names::ValueError;
use crate::spec::{Credential, CredentialFields, PAGERDUTY_KEY, Receiver, SLACK_WEBHOOK};

use super::{Ctx, Item, Spec};

/// One receiver kind as the checks see it.
struct Kind<'a> {
    credential: Credential<'a>,
    /// The code for a credential given twice or not at all.
    code: &'static str,
    /// Its other text values (field, value): scanned for inline secrets,
    /// and checked as the templates Alertmanager renders them as when it
    /// notifies (see `am_templates`).
    texts: Vec<(&'static str, &'a str)>,
}

/// The kinds a receiver sets.
fn kinds(r: &Receiver) -> Vec<Kind<'_>> {
    let mut out = Vec::new();
    if let Some(s) = &r.slack {
        let mut texts = vec![("channel", s.channel.as_str())];
        texts.extend(s.title.as_deref().map(|t| ("title", t)));
        texts.extend(s.text.as_deref().map(|t| ("text", t)));
        out.push(Kind {
            credential: s.credential(),
            code: codes::ROUTING_SLACK_WEBHOOK,
            texts,
        });
    }
    if let Some(w) = &r.webhook {
        out.push(Kind {
            credential: w.credential(),
            code: codes::ROUTING_WEBHOOK_URL,
            texts: Vec::new(),
        });
    }
    if let Some(e) = &r.email {
        let mut texts = vec![("to", e.to.as_str())];
        texts.extend(e.auth_username.as_deref().map(|u| ("auth_username", u)));
        out.push(Kind {
            credential: e.credential(),
            code: codes::ROUTING_EMAIL_PASSWORD,
            texts,
        });
    }
    if let Some(o) = &r.opsgenie {
        out.push(Kind {
            credential: o.credential(),
            code: codes::ROUTING_OPSGENIE_KEY,
            texts: o
                .priority
                .as_deref()
                .map(|t| ("priority", t))
                .into_iter()
                .collect(),
        });
    }
    if let Some(p) = &r.pagerduty {
        out.push(Kind {
            credential: p.credential(),
            code: codes::ROUTING_PAGERDUTY_KEY,
            texts: p
                .severity
                .as_deref()
                .map(|t| ("severity", t))
                .into_iter()
                .collect(),
        });
    }
    out
}

pub fn check(spec: &Spec, ctx: &mut Ctx) {
    for receiver in &spec.receivers {
        let r = &receiver.value;
        inline_secret(receiver, ctx, &["name"], &r.name);
        if let Some(e) = &r.email {
            smarthost(receiver, &e.smarthost, ctx);
        }
        if let Some(o) = &r.opsgenie {
            for (n, responder) in o.responders.iter().enumerate() {
                let given = [&responder.name, &responder.id, &responder.username]
                    .iter()
                    .filter(|v| v.is_some())
                    .count();
                if given != 1 {
                    ctx.push(
                        Diagnostic::error(
                            codes::ROUTING_OPSGENIE_RESPONDER,
                            "an Opsgenie responder needs exactly one of `name`, `id` and `username`",
                        )
                        .at(receiver.span(&["opsgenie", "responders", &n.to_string()]))
                        .help("a team, schedule or escalation by `name` (or `id`), a user by `username` (or `id`)"),
                    );
                }
            }
        }
        for kind in kinds(r) {
            credential(receiver, &kind, ctx);
            let k = kind.credential.fields.kind;
            for (field, value) in kind.texts {
                inline_secret(receiver, ctx, &[k, field], value);
                if let Err(e) = super::am_templates::check(value) {
                    ctx.value_error(
                        codes::ROUTING_INVALID_TEMPLATE,
                        receiver.span(&[k, field]),
                        e,
                    );
                }
            }
        }
    }
}

/// Exactly one of the file and the Secret, each valid and neither inline.
fn credential(receiver: &Item<Receiver>, kind: &Kind, ctx: &mut Ctx) {
    let Credential {
        fields,
        file,
        secret,
    } = kind.credential;
    let CredentialFields {
        kind: k,
        file: file_field,
        secret: secret_field,
        ..
    } = *fields;
    let wrong = if fields.optional {
        file.is_some() && secret.is_some()
    } else {
        file.is_some() == secret.is_some()
    };
    if wrong {
        let (how, field_span) = if fields.optional {
            ("at most one", receiver.span(&[k, secret_field]))
        } else {
            ("exactly one", receiver.span(&[k]))
        };
        ctx.push(
            Diagnostic::error(
                kind.code,
                format!(
                    "{k} receiver `{}` needs {how} of `{file_field}` and `{secret_field}`",
                    receiver.value.name
                ),
            )
            .at(field_span)
            .help(format!(
                "point at a mounted file (`{file_field}`) or a Kubernetes Secret (`{secret_field}: {{name, key}}`)"
            )),
        );
    }
    if let Some(file) = file {
        let path = [k, file_field];
        super::values::secret_file(ctx, file, SECRETS_DIR, receiver.span(&path));
        inline_secret(receiver, ctx, &path, file);
    }
    if let Some(secret) = secret {
        super::values::secret_ref(ctx, secret, |f| receiver.span(&[k, secret_field, f]));
        inline_secret(receiver, ctx, &[k, secret_field, "name"], &secret.name);
        inline_secret(receiver, ctx, &[k, secret_field, "key"], &secret.key);
    }
}

/// Alertmanager parses `smarthost` as `host:port` when it loads the config.
fn smarthost(receiver: &Item<Receiver>, value: &str, ctx: &mut Ctx) {
    let ok = value.rsplit_once(':').is_some_and(|(host, port)| {
        !host.is_empty()
            && !host.contains(char::is_whitespace)
            && !port.is_empty()
            && port.bytes().all(|b| b.is_ascii_digit())
    });
    if !ok {
        ctx.push(
            Diagnostic::error(
                codes::ROUTING_INVALID_SMARTHOST,
                format!("`{value}` is not `host:port`: Alertmanager refuses the config"),
            )
            .at(receiver.span(&["email", "smarthost"]))
            .help("write the SMTP server with its port, e.g. `smtp.example.com:587`"),
        );
    }
}

/// How to keep a secret out of the spec, for a kind's credential.
pub fn keep_out_help(c: &CredentialFields) -> String {
    format!(
        "keep the {} in a Kubernetes Secret and reference it with `{}: {{name, key}}`, or in a file mounted into Alertmanager named by `{}: {SECRETS_DIR}<secret>/<key>`",
        c.what, c.secret, c.file
    )
}

/// A receiver value that holds a secret (a Slack webhook URL or token, a
/// PagerDuty routing key) is refused: generated files are committed.
fn inline_secret(receiver: &Item<Receiver>, ctx: &mut Ctx, path: &[&str], value: &str) {
    // Receiver fields are not scanned by `secrets.rs`: its classes too.
    let (start, end, what, help) = match find_secret(value) {
        Some((start, end, kind)) => {
            let (what, fields) = match kind {
                Secret::SlackWebhook => ("a Slack webhook URL", &SLACK_WEBHOOK),
                Secret::SlackToken => ("a Slack token", &SLACK_WEBHOOK),
                Secret::PagerDutyKey => ("a PagerDuty routing key", &PAGERDUTY_KEY),
            };
            (start, end, what, keep_out_help(fields))
        }
        None => match super::secrets::find(value) {
            Some((start, end, what)) => (start, end, what, super::secrets::HELP.to_owned()),
            None => return,
        },
    };
    ctx.value_error(
        codes::ROUTING_INLINE_SECRET,
        receiver.span(path),
        ValueError::new(
            start,
            end,
            format!("this looks like {what}: generated files are committed to git, so secrets are never written into the spec"),
        )
        .with_help(help),
    );
}

/// What a secret written inline looks like.
enum Secret {
    SlackWebhook,
    SlackToken,
    PagerDutyKey,
}

/// The byte range of the first secret-looking part of `value`, looked for
/// in its normalized form (percent-escapes, invisible and fullwidth
/// characters undone) as every other string is.
fn find_secret(value: &str) -> Option<(usize, usize, Secret)> {
    let (text, map) = super::secrets::normalize(value);
    find_normalized(&text).map(|(start, end, kind)| (map[start], map[end], kind))
}

fn find_normalized(value: &str) -> Option<(usize, usize, Secret)> {
    let lower = value.to_ascii_lowercase();
    let token_end = |from: usize| {
        value[from..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '>' | '|' | ')' | '`'))
            .map_or(value.len(), |i| from + i)
    };
    if let Some(at) = lower.find("hooks.slack.com") {
        let start = ["https://", "http://"]
            .iter()
            .find(|scheme| lower[..at].ends_with(*scheme))
            .map_or(at, |scheme| at - scheme.len());
        return Some((start, token_end(at), Secret::SlackWebhook));
    }
    for prefix in ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xapp-"] {
        if let Some(at) = lower.find(prefix)
            && lower[..at]
                .chars()
                .last()
                .is_none_or(|c| !c.is_ascii_alphanumeric())
            && token_end(at) - at > prefix.len() + 8
        {
            return Some((at, token_end(at), Secret::SlackToken));
        }
    }
    // A run of exactly 32 letters and digits, with both: an integration key.
    let bytes = value.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
        let run = &bytes[start..i];
        if run.len() == 32
            && run.iter().any(u8::is_ascii_digit)
            && run.iter().any(u8::is_ascii_alphabetic)
        {
            return Some((start, i, Secret::PagerDutyKey));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_inline_secrets() {
        let url = "https://hooks.slack.com/services/T000/B000/XXXXXXXX";
        let text = format!("see {url} now");
        let (start, end, _) = find_secret(&text).unwrap();
        assert_eq!(&text[start..end], url);
        let key = "0123456789abcdef0123456789abcdef";
        let (start, end, kind) = find_secret(&format!("/etc/{key}")).unwrap();
        assert_eq!((start, end), (5, 37));
        assert!(matches!(kind, Secret::PagerDutyKey));
        assert!(find_secret("xoxb-123456789012-abcdefghijkl").is_some());
        for fine in [
            "#alerts",
            "/etc/alertmanager/secrets/slack/general",
            "{{ template \"monocle.slack.title\" . }}",
            "0123456789abcdef0123456789abcdef0",
            "abcdefghijklmnopqrstuvwxyzabcdef",
        ] {
            assert!(find_secret(fine).is_none(), "{fine}");
        }
    }

    #[test]
    fn help_names_each_kind_s_fields() {
        assert_eq!(
            keep_out_help(&SLACK_WEBHOOK),
            "keep the webhook URL in a Kubernetes Secret and reference it with `webhook_secret: {name, key}`, or in a file mounted into Alertmanager named by `webhook_url_file: /etc/alertmanager/secrets/<secret>/<key>`"
        );
    }
}
