//! Completion inside `packs` entries: built-in pack names, and the params
//! and alerts of the pack an entry names.

use serde_json::{Value, json};

use crate::packs::{self, PackInfo};

/// Completion items when the cursor is inside a `packs` entry; `None`
/// elsewhere (or when nothing specific is known).
pub fn completion(
    keys: &[String],
    value_of: Option<&str>,
    text: &str,
    line: usize,
) -> Option<Vec<Value>> {
    let [first, _index, rest @ ..] = keys else {
        return None;
    };
    if first != "packs" {
        return None;
    }
    match (rest, value_of) {
        ([], Some("name")) => Some(
            packs::builtin_infos()
                .iter()
                .map(|p| json!({"label": p.header.name, "kind": 9, "detail": p.header.description}))
                .collect(),
        ),
        ([section], None) if section == "params" || section == "alerts" => {
            let pack = entry_pack(text, line)?;
            Some(if section == "params" {
                pack.header
                    .params
                    .iter()
                    .map(|(name, p)| {
                        json!({"label": name, "kind": 5, "insertText": format!("{name}: "),
                               "detail": format!("{} (default {})", p.kind.name(), p.default.text()),
                               "documentation": p.description})
                    })
                    .collect()
            } else {
                pack.alerts
                    .iter()
                    .map(|a| {
                        json!({"label": a.name, "kind": 5, "insertText": format!("{}: ", a.name),
                               "detail": format!("severity {}", a.severity),
                               "documentation": a.why.clone().unwrap_or_default()})
                    })
                    .collect()
            })
        }
        _ => None,
    }
}

/// The built-in pack the entry around `line` names: the nearest `name:`
/// above it, less indented than the line.
fn entry_pack(text: &str, line: usize) -> Option<PackInfo> {
    let lines: Vec<&str> = text.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let own = lines.get(line).map_or(usize::MAX, |l| indent(l));
    let name = lines[..line.min(lines.len())].iter().rev().find_map(|l| {
        let body = l.trim_start().trim_start_matches("- ");
        let value = body.strip_prefix("name:")?.trim();
        (indent(l) < own).then(|| value.trim_matches(['"', '\'']).to_owned())
    })?;
    packs::builtin_infos()
        .into_iter()
        .find(|p| p.header.name == name)
}
