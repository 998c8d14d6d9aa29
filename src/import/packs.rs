//! `import rules --packs`: an imported alert that a built-in pack defines
//! (same name and severity) becomes a tuning of that pack instead of a copy.
//! The pack's own expression, threshold and texts replace the imported
//! ones, which is reported alert by alert.

use serde_json::{Map, Value, json};

use super::{NoteKind, Notes};
use crate::packs::{self, PackInfo};

pub fn recognise(sections: &mut Map<String, Value>, notes: &mut Notes<'_>) {
    let infos = packs::builtin_infos();
    let Some(Value::Array(alerts)) = sections.get_mut("alerts") else {
        return;
    };
    // Pack name → override key → override.
    let mut entries: Vec<(String, Map<String, Value>)> = Vec::new();
    let mut kept = Vec::new();
    for alert in alerts.drain(..) {
        let name = alert["name"].as_str().unwrap_or_default().to_owned();
        let severity = alert["severity"].as_str().unwrap_or_default().to_owned();
        let Some(pack) = pack_of(&infos, &name, &severity) else {
            kept.push(alert);
            continue;
        };
        let default_for = pack
            .alerts
            .iter()
            .find(|a| a.name == name && a.severity == severity)
            .and_then(|a| a.for_.clone());
        let mut tuning = Map::new();
        if let Some(f) = alert["for"].as_str()
            && Some(f) != default_for.as_deref()
        {
            tuning.insert("for".into(), json!(f));
        }
        if let Some(labels) = alert["labels"].as_object()
            && !labels.is_empty()
        {
            tuning.insert("labels".into(), Value::Object(labels.clone()));
        }
        let pairs = pack.alerts.iter().filter(|a| a.name == name).count();
        let key = if pairs > 1 {
            format!("{name}:{severity}")
        } else {
            name.clone()
        };
        notes.push(
            NoteKind::Pack,
            &format!("alert {name}"),
            format!("taken from pack `{}` (its expression, threshold and texts; `for` and labels kept as overrides)", pack.header.name),
        );
        let index = entries
            .iter()
            .position(|(p, _)| *p == pack.header.name)
            .unwrap_or_else(|| {
                entries.push((pack.header.name.clone(), Map::new()));
                entries.len() - 1
            });
        entries[index].1.insert(key, Value::Object(tuning));
    }
    *alerts = kept;
    if alerts.is_empty() {
        sections.remove("alerts");
    }
    if entries.is_empty() {
        return;
    }
    // The packs taken bring their own recording rules: the imported ones of
    // the same name would be defined twice.
    let used: Vec<&PackInfo> = entries
        .iter()
        .filter_map(|(name, _)| infos.iter().find(|p| p.header.name == *name))
        .collect();
    if let Some(Value::Array(records)) = sections.get_mut("records") {
        records.retain(|r| {
            let name = r["record"].as_str().unwrap_or_default();
            let Some(pack) = used.iter().find(|p| p.records.iter().any(|x| x == name)) else {
                return true;
            };
            notes.push(
                NoteKind::Pack,
                &format!("record {name}"),
                format!("taken from pack `{}`", pack.header.name),
            );
            false
        });
        if records.is_empty() {
            sections.remove("records");
        }
    }
    let list: Vec<Value> = entries
        .into_iter()
        .map(|(name, overrides)| {
            let overrides: Map<String, Value> = overrides
                .into_iter()
                .filter(|(_, v)| v.as_object().is_some_and(|o| !o.is_empty()))
                .collect();
            if overrides.is_empty() {
                json!({ "name": name })
            } else {
                json!({ "name": name, "alerts": overrides })
            }
        })
        .collect();
    sections.insert("packs".into(), Value::Array(list));
}

fn pack_of<'a>(infos: &'a [PackInfo], name: &str, severity: &str) -> Option<&'a PackInfo> {
    infos.iter().find(|p| {
        p.alerts
            .iter()
            .any(|a| a.name == name && a.severity == severity)
    })
}
