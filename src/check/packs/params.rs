//! A `packs[]` entry against its pack: known params of the right type,
//! overrides of alerts the pack has.

use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, codes};
use crate::names::did_you_mean;
use crate::packs;
use crate::spec::{PackHeader, ParamType};
use crate::syntax::{Node, NodeKind};

/// Reports what is wrong with an entry; `true` when it can be instantiated.
pub fn check_entry(
    entry: &Node,
    header: &PackHeader,
    alerts: &BTreeMap<String, Vec<(String, Option<f64>)>>,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let before = diags.len();
    let pack = &header.name;
    if let Some(NodeKind::Map(values)) = entry.get("params").map(|n| &n.kind) {
        for (key, value) in values {
            let Some(param) = header.params.get(&key.name) else {
                let help = match did_you_mean(&key.name, header.params.keys().map(String::as_str)) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None if header.params.is_empty() => format!("pack `{pack}` has no params"),
                    None => format!("pack `{pack}` has {}", names(header.params.keys())),
                };
                diags.push(
                    Diagnostic::error(
                        codes::PACKS_UNKNOWN_PARAM,
                        format!("pack `{pack}` has no param `{}`", key.name),
                    )
                    .at(key.span)
                    .label("unknown param")
                    .help(help),
                );
                continue;
            };
            if let Err(why) = check_value(param.kind, value) {
                diags.push(
                    Diagnostic::error(
                        codes::PACKS_PARAM_TYPE,
                        format!("param `{}` {why}", key.name),
                    )
                    .at(value.blame_span())
                    .label(format!("not a {}", param.kind.name())),
                );
            }
        }
    }
    if let Some(NodeKind::Map(overrides)) = entry.get("alerts").map(|n| &n.kind) {
        for (key, value) in overrides {
            let Some(variants) = tuned(alerts, &key.name) else {
                let names = alerts.keys().map(String::as_str);
                let help = match did_you_mean(key.name.split(':').next().unwrap_or(""), names) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("`monocle packs show {pack}` lists its alerts"),
                };
                diags.push(
                    Diagnostic::error(
                        codes::PACKS_UNKNOWN_ALERT,
                        format!("pack `{pack}` has no alert `{}`", key.name),
                    )
                    .at(key.span)
                    .label("no such alert in the pack")
                    .help(help),
                );
                continue;
            };
            let Some(threshold) = value.get("threshold") else {
                continue;
            };
            let defaults: Vec<Option<f64>> = variants.iter().map(|(_, t)| *t).collect();
            if defaults.iter().all(Option::is_none) {
                diags.push(
                    Diagnostic::error(codes::PACKS_NO_THRESHOLD, format!("alert `{}` of pack `{pack}` has no threshold to set", key.name))
                        .at(threshold.blame_span())
                        .label("nothing to set")
                        .help("tune it with `for`, `severity`, `labels` or `disabled`, or copy it into `alerts` with your own expression"),
                );
            } else if defaults.windows(2).any(|w| w[0] != w[1]) {
                let keys: Vec<String> = variants
                    .iter()
                    .map(|(s, _)| format!("`{}:{s}`", key.name))
                    .collect();
                diags.push(
                    Diagnostic::error(codes::PACKS_AMBIGUOUS_OVERRIDE, format!("pack `{pack}` has {} alerts `{}` with different thresholds; this one threshold would replace them all", variants.len(), key.name))
                        .at(threshold.blame_span())
                        .label("which one?")
                        .help(format!("tune each by name and severity: {}", keys.join(", "))),
                );
            }
        }
    }
    diags.len() == before
}

/// Whether a value fits a param type; `Err` says why not ("must be ...").
pub fn check_value(kind: ParamType, value: &Node) -> Result<(), String> {
    let found = || format!("found {}", value.type_name());
    match (kind, &value.kind) {
        (ParamType::Number, _) if packs::number(value).is_some() => Ok(()),
        (ParamType::Number, _) => Err(format!("must be a number, {}", found())),
        (ParamType::Percent, _) => match packs::number(value) {
            Some(n) if (0.0..=100.0).contains(&n) => Ok(()),
            Some(n) => Err(format!("must be a percentage from 0 to 100, found {n}")),
            None => Err(format!(
                "must be a percentage (a number from 0 to 100), {}",
                found()
            )),
        },
        (ParamType::Duration, NodeKind::Str(s)) => crate::units::Duration::parse(s)
            .map(drop)
            .map_err(|e| format!("must be a duration: {}", e.message)),
        (ParamType::Selector, NodeKind::Str(s)) => crate::selector::Selector::parse(s)
            .map(drop)
            .map_err(|e| format!("must be a label selector: {}", e.message)),
        (ParamType::Severity | ParamType::String, NodeKind::Str(_)) => Ok(()),
        (kind, _) => Err(format!("must be a {} (a string), {}", kind.name(), found())),
    }
}

fn names<'a>(keys: impl Iterator<Item = &'a String>) -> String {
    let quoted: Vec<String> = keys.map(|k| format!("`{k}`")).collect();
    format!("params {}", quoted.join(", "))
}

/// The alerts an override key tunes: `Name` (all of that name) or
/// `Name:severity` (the one of that severity, as the pack writes it).
pub fn tuned<'a>(
    alerts: &'a BTreeMap<String, Vec<(String, Option<f64>)>>,
    key: &str,
) -> Option<Vec<&'a (String, Option<f64>)>> {
    if let Some(all) = alerts.get(key) {
        return Some(all.iter().collect());
    }
    let (name, severity) = key.rsplit_once(':')?;
    let one: Vec<_> = alerts
        .get(name)?
        .iter()
        .filter(|(s, _)| s == severity)
        .collect();
    (!one.is_empty()).then_some(one)
}
