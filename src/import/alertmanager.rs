//! `import alertmanager`: an Alertmanager config (the YAML, or the Secret
//! holding it) → `routing`. Credentials written inline become `*_file`
//! references under the Secret folder monocle mounts, with a note telling
//! where to put each secret; `match`/`match_re` become matchers.

use serde_json::{Map, Value, json};

use super::{NoteKind, Notes, scalar, unknown_keys};

/// Where monocle's Alertmanager finds the Secrets it mounts.
const SECRETS_DIR: &str = "/etc/alertmanager/secrets";

pub fn import(docs: &[Value], notes: &mut Notes<'_>) -> Map<String, Value> {
    let mut out = Map::new();
    for (i, doc) in docs.iter().enumerate() {
        let path = format!("doc{i}");
        let config = if doc["kind"] == "Secret" {
            let Some(text) = secret_config(doc) else {
                notes.push(
                    NoteKind::Dropped,
                    &path,
                    "a Secret without an `alertmanager.yaml` key",
                );
                continue;
            };
            match serde_saphyr::from_str::<Value>(&text) {
                Ok(config) => config,
                Err(e) => {
                    notes.push(
                        NoteKind::Dropped,
                        &path,
                        format!("its `alertmanager.yaml` is not YAML: {e}"),
                    );
                    continue;
                }
            }
        } else if doc.get("route").is_some() || doc.get("receivers").is_some() {
            doc.clone()
        } else {
            notes.push(
                NoteKind::Dropped,
                &path,
                "not an Alertmanager config or the Secret holding one",
            );
            continue;
        };
        if out.contains_key("routing") {
            notes.push(
                NoteKind::Dropped,
                &path,
                "a second Alertmanager config in one file (one spec holds one routing tree)",
            );
            continue;
        }
        out.insert("routing".into(), routing(&config, &path, notes));
    }
    out
}

/// The `alertmanager.yaml` of a Secret, from `stringData` or base64 `data`.
fn secret_config(doc: &Value) -> Option<String> {
    if let Some(text) = doc["stringData"]["alertmanager.yaml"].as_str() {
        return Some(text.to_owned());
    }
    let encoded = doc["data"]["alertmanager.yaml"].as_str()?;
    String::from_utf8(base64(encoded)?).ok()
}

fn base64(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        }))
    };
    let digits: Vec<u8> = text
        .bytes()
        .filter(|b| !b.is_ascii_whitespace() && *b != b'=')
        .collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= value(c)? << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

fn routing(config: &Value, path: &str, notes: &mut Notes<'_>) -> Value {
    let mut routing = Map::new();
    if let Some(map) = config.as_object() {
        unknown_keys(
            map,
            &[
                "global",
                "route",
                "receivers",
                "inhibit_rules",
                "time_intervals",
                "mute_time_intervals",
                "templates",
            ],
            path,
            notes,
            "an Alertmanager setting the spec does not have",
        );
    }
    let global = &config["global"];
    if let Some(map) = global.as_object() {
        unknown_keys(
            map,
            &["resolve_timeout", "slack_api_url", "slack_api_url_file"],
            &format!("{path}.global"),
            notes,
            "a global setting the spec does not have",
        );
    }
    if config.get("templates").is_some() {
        notes.push(
            NoteKind::Dropped,
            &format!("{path}.templates"),
            "notification templates: monocle ships its own; set receivers' `title` and `text`",
        );
    }
    let receivers: Vec<Value> = config["receivers"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, r)| receiver(r, global, &format!("{path}.receivers[{i}]"), notes))
        .collect();
    routing.insert("receivers".into(), Value::Array(receivers));
    if config["route"].is_object() {
        routing.insert(
            "route".into(),
            route(&config["route"], &format!("{path}.route"), notes),
        );
    }
    let inhibit: Vec<Value> = config["inhibit_rules"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, rule)| inhibit_rule(rule, &format!("{path}.inhibit_rules[{i}]"), notes))
        .collect();
    if !inhibit.is_empty() {
        routing.insert("inhibit".into(), Value::Array(inhibit));
    }
    let mut intervals = Vec::new();
    for key in ["time_intervals", "mute_time_intervals"] {
        for (i, interval) in config[key].as_array().into_iter().flatten().enumerate() {
            intervals.push(time_interval(
                interval,
                &format!("{path}.{key}[{i}]"),
                notes,
            ));
        }
    }
    if !intervals.is_empty() {
        routing.insert("time_intervals".into(), Value::Array(intervals));
    }
    // After `receivers`, which `monocle fmt` puts first.
    if let Some(timeout) = global.get("resolve_timeout").and_then(scalar) {
        routing.insert("global".into(), json!({ "resolve_timeout": timeout }));
    }
    Value::Object(routing)
}

/// A receiver: its first Slack and PagerDuty configs (monocle has one of
/// each per receiver); other integrations are noted.
fn receiver(value: &Value, global: &Value, path: &str, notes: &mut Notes<'_>) -> Option<Value> {
    let name = value["name"].as_str()?;
    let mut out = Map::new();
    out.insert("name".into(), json!(name));
    if let Some(map) = value.as_object() {
        for key in map.keys() {
            if !["name", "slack_configs", "pagerduty_configs"].contains(&key.as_str()) {
                notes.push(
                    NoteKind::Dropped,
                    &format!("{path}.{key}"),
                    format!(
                        "receiver `{name}`: `{key}` is an integration monocle does not emit yet"
                    ),
                );
            }
        }
    }
    for (key, kind) in [
        ("slack_configs", "slack"),
        ("pagerduty_configs", "pagerduty"),
    ] {
        let configs = value[key].as_array().cloned().unwrap_or_default();
        for extra in 1..configs.len() {
            notes.push(
                NoteKind::Dropped,
                &format!("{path}.{key}[{extra}]"),
                format!("receiver `{name}` has more than one {kind} integration; monocle keeps the first (split it into receivers with `continue: true` routes)"),
            );
        }
        let Some(config) = configs.first() else {
            continue;
        };
        let cpath = format!("{path}.{key}[0]");
        let item = if kind == "slack" {
            slack(config, global, name, &cpath, notes)
        } else {
            pagerduty(config, name, &cpath, notes)
        };
        out.insert(kind.into(), item);
    }
    Some(Value::Object(out))
}

fn slack(
    config: &Value,
    global: &Value,
    receiver: &str,
    path: &str,
    notes: &mut Notes<'_>,
) -> Value {
    let mut out = Map::new();
    if let Some(map) = config.as_object() {
        unknown_keys(
            map,
            &[
                "channel",
                "api_url",
                "api_url_file",
                "title",
                "text",
                "send_resolved",
            ],
            path,
            notes,
            "a Slack setting monocle does not emit",
        );
    }
    let channel = config["channel"].as_str().unwrap_or("#alerts");
    if config["channel"].is_null() {
        notes.push(
            NoteKind::Approximated,
            path,
            format!("receiver `{receiver}`'s Slack config names no channel; it gets `#alerts`"),
        );
    }
    out.insert("channel".into(), json!(channel));
    let inline = config["api_url"]
        .as_str()
        .or(global["slack_api_url"].as_str());
    let file = config["api_url_file"]
        .as_str()
        .or(global["slack_api_url_file"].as_str());
    let file = match (file, inline) {
        (Some(file), _) => file.to_owned(),
        (None, Some(_)) => {
            let secret = format!("{}-slack", secret_name(receiver));
            notes.push(
                NoteKind::Secret,
                &format!("{path}.api_url"),
                format!("receiver `{receiver}`'s Slack webhook URL was written inline: put it in key `url` of Secret `{secret}` in the Alertmanager's namespace (it is mounted at {SECRETS_DIR}/{secret}/url)"),
            );
            format!("{SECRETS_DIR}/{secret}/url")
        }
        (None, None) => {
            notes.push(NoteKind::Todo, path, format!("receiver `{receiver}`'s Slack config has no webhook URL: set `webhook_url_file`"));
            format!("{SECRETS_DIR}/{}-slack/url", secret_name(receiver))
        }
    };
    out.insert("webhook_url_file".into(), json!(file));
    for key in ["title", "text"] {
        if let Some(v) = config[key].as_str() {
            out.insert(key.into(), json!(v));
        }
    }
    if let Some(b) = config["send_resolved"].as_bool() {
        out.insert("send_resolved".into(), json!(b));
    }
    Value::Object(out)
}

fn pagerduty(config: &Value, receiver: &str, path: &str, notes: &mut Notes<'_>) -> Value {
    let mut out = Map::new();
    if let Some(map) = config.as_object() {
        unknown_keys(
            map,
            &["routing_key", "routing_key_file", "service_key", "severity"],
            path,
            notes,
            "a PagerDuty setting monocle does not emit",
        );
    }
    let file = if let Some(file) = config["routing_key_file"].as_str() {
        file.to_owned()
    } else {
        let secret = format!("{}-pagerduty", secret_name(receiver));
        let which = if config["service_key"].is_string() {
            "service_key"
        } else {
            "routing_key"
        };
        if which == "service_key" {
            notes.push(
                NoteKind::Approximated,
                &format!("{path}.service_key"),
                format!("receiver `{receiver}` uses a PagerDuty Events v1 `service_key`; monocle sends Events v2 with a routing key"),
            );
        }
        notes.push(
            NoteKind::Secret,
            &format!("{path}.{which}"),
            format!("receiver `{receiver}`'s PagerDuty key was written inline: put it in key `routing-key` of Secret `{secret}` (mounted at {SECRETS_DIR}/{secret}/routing-key)"),
        );
        format!("{SECRETS_DIR}/{secret}/routing-key")
    };
    out.insert("routing_key_file".into(), json!(file));
    if let Some(s) = config["severity"].as_str() {
        out.insert("severity".into(), json!(s));
    }
    Value::Object(out)
}

/// A Kubernetes Secret name made of a receiver name.
fn secret_name(receiver: &str) -> String {
    let mut name: String = receiver
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    name = name.trim_matches('-').to_owned();
    if name.is_empty() {
        name = "receiver".into();
    }
    format!("alertmanager-{name}")
}

fn route(value: &Value, path: &str, notes: &mut Notes<'_>) -> Value {
    let mut out = Map::new();
    if let Some(map) = value.as_object() {
        unknown_keys(
            map,
            &[
                "receiver",
                "group_by",
                "group_wait",
                "group_interval",
                "repeat_interval",
                "matchers",
                "match",
                "match_re",
                "continue",
                "routes",
                "mute_time_intervals",
                "active_time_intervals",
            ],
            path,
            notes,
            "a route setting the spec does not have",
        );
    }
    let matchers = matchers(value, "matchers", "match", "match_re");
    if !matchers.is_empty() {
        out.insert("matchers".into(), json!(matchers));
    }
    if let Some(r) = value["receiver"].as_str() {
        out.insert("receiver".into(), json!(r));
    }
    if let Some(c) = value["continue"].as_bool() {
        out.insert("continue".into(), json!(c));
    }
    if let Some(group_by) = value["group_by"].as_array() {
        out.insert("group_by".into(), Value::Array(group_by.clone()));
    }
    for key in ["group_wait", "group_interval", "repeat_interval"] {
        if let Some(v) = value.get(key).and_then(scalar) {
            out.insert(key.into(), json!(v));
        }
    }
    for key in ["mute_time_intervals", "active_time_intervals"] {
        if let Some(list) = value[key].as_array() {
            out.insert(key.into(), Value::Array(list.clone()));
        }
    }
    let routes: Vec<Value> = value["routes"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, r)| route(r, &format!("{path}.routes[{i}]"), notes))
        .collect();
    if !routes.is_empty() {
        out.insert("routes".into(), Value::Array(routes));
    }
    Value::Object(out)
}

/// Matchers as written, then the deprecated `match` (equality) and
/// `match_re` (regex) maps as matchers of the same meaning.
fn matchers(value: &Value, list: &str, equal: &str, regex: &str) -> Vec<String> {
    let mut out: Vec<String> = value[list]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m.as_str().map(str::to_owned))
        .collect();
    for (key, op) in [(equal, "="), (regex, "=~")] {
        for (name, v) in value[key].as_object().into_iter().flatten() {
            if let Some(v) = scalar(v) {
                out.push(format!("{name}{op}{}", quote(&v)));
            }
        }
    }
    out
}

/// A matcher value in double quotes, escaped as Alertmanager reads it.
fn quote(value: &str) -> String {
    let mut out = String::from('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn inhibit_rule(value: &Value, path: &str, notes: &mut Notes<'_>) -> Value {
    if let Some(map) = value.as_object() {
        unknown_keys(
            map,
            &[
                "source_matchers",
                "target_matchers",
                "source_match",
                "source_match_re",
                "target_match",
                "target_match_re",
                "equal",
            ],
            path,
            notes,
            "an inhibition setting the spec does not have",
        );
    }
    let mut out = Map::new();
    out.insert(
        "source".into(),
        json!(matchers(
            value,
            "source_matchers",
            "source_match",
            "source_match_re"
        )),
    );
    out.insert(
        "target".into(),
        json!(matchers(
            value,
            "target_matchers",
            "target_match",
            "target_match_re"
        )),
    );
    if let Some(equal) = value["equal"].as_array() {
        out.insert("equal".into(), Value::Array(equal.clone()));
    }
    Value::Object(out)
}

fn time_interval(value: &Value, path: &str, notes: &mut Notes<'_>) -> Value {
    let name = value["name"].as_str().unwrap_or_default();
    let intervals: Vec<Value> = value["time_intervals"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, period)| {
            let ppath = format!("{path}.time_intervals[{i}]");
            let mut out = Map::new();
            if let Some(map) = period.as_object() {
                unknown_keys(
                    map,
                    &[
                        "times",
                        "weekdays",
                        "days_of_month",
                        "months",
                        "years",
                        "location",
                    ],
                    &ppath,
                    notes,
                    "a time interval field the spec does not have",
                );
            }
            if let Some(times) = period["times"].as_array() {
                let times: Vec<Value> = times
                    .iter()
                    .map(|t| json!({ "start": t["start_time"], "end": t["end_time"] }))
                    .collect();
                out.insert("times".into(), Value::Array(times));
            }
            for key in ["weekdays", "days_of_month", "months", "years"] {
                if let Some(list) = period[key].as_array() {
                    let list: Vec<Value> =
                        list.iter().filter_map(scalar).map(Value::String).collect();
                    out.insert(key.into(), Value::Array(list));
                }
            }
            if let Some(location) = period["location"].as_str() {
                out.insert("location".into(), json!(location));
            }
            Value::Object(out)
        })
        .collect();
    json!({ "name": name, "intervals": intervals })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_decodes_padded_and_unpadded_text() {
        assert_eq!(base64("cm91dGU6IHt9").as_deref(), Some(&b"route: {}"[..]));
        assert_eq!(base64("YQ==").as_deref(), Some(&b"a"[..]));
        assert_eq!(base64("YWI").as_deref(), Some(&b"ab"[..]));
        assert_eq!(base64("*"), None);
    }

    #[test]
    fn match_and_match_re_become_matchers_of_the_same_meaning() {
        let route = json!({"match": {"team": "a\"b"}, "match_re": {"severity": "crit.*"}});
        assert_eq!(
            matchers(&route, "matchers", "match", "match_re"),
            ["team=\"a\\\"b\"", "severity=~\"crit.*\""]
        );
    }

    #[test]
    fn inline_secrets_become_files_with_a_note() {
        let config = json!({
            "route": {"receiver": "Team A"},
            "receivers": [{"name": "Team A", "slack_configs": [{"channel": "#a", "api_url": "https://hooks.slack.com/x"}]}],
        });
        let mut notes = Notes::new("am.yaml");
        let routing = routing(&config, "doc0", &mut notes);
        assert_eq!(
            routing["receivers"][0]["slack"]["webhook_url_file"],
            "/etc/alertmanager/secrets/alertmanager-team-a-slack/url"
        );
        assert!(!routing.to_string().contains("hooks.slack.com"));
        assert_eq!(notes.list.len(), 1);
        assert_eq!(notes.list[0].kind, NoteKind::Secret);
    }
}
