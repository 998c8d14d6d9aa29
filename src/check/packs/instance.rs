//! One listing of a pack made into a spec fragment, and the listings of one
//! pack combined into one fragment.

use std::collections::{BTreeMap, BTreeSet};

use super::{Loaded, PACK_SECTIONS};
use crate::diagnostic::{Diagnostic, codes};
use crate::packs::{self, PACK_ALERT_KEYS};
use crate::source::Span;
use crate::syntax::{Key, Node, NodeKind};

/// The value of each param of the pack for one entry: the entry's, else
/// the pack's default.
pub fn params(pack: &Loaded, entry: &Node) -> BTreeMap<String, Node> {
    let mut params: BTreeMap<String, Node> = BTreeMap::new();
    if let Some(header) = pack.node.get("pack") {
        for name in pack.header.params.keys() {
            if let Some(default) = header.at_path(["params", name, "default"]) {
                params.insert(name.clone(), default.clone());
            }
        }
    }
    if let Some(NodeKind::Map(values)) = entry.get("params").map(|n| &n.kind) {
        for (key, value) in values {
            params.insert(key.name.clone(), value.clone());
        }
    }
    params
}

/// The pack's sections for one entry: alert overrides applied, params (see
/// [`params`]) and thresholds substituted, the entry's `clusters` on every
/// item.
pub fn instantiate(
    pack: &Loaded,
    entry: &Node,
    params: &BTreeMap<String, Node>,
    diags: &mut Vec<Diagnostic>,
) -> Node {
    let clusters = entry.get("clusters");
    let mut root = pack.node.clone();
    retain_keys(&mut root, |k| k != "pack");
    let pack_name = &pack.header.name;
    for section in PACK_SECTIONS {
        let Some(NodeKind::Seq(items)) = get_mut(&mut root, section).map(|n| &mut n.kind) else {
            continue;
        };
        if *section == "alerts" {
            items.retain_mut(|alert| tune_alert(alert, entry, pack_name, diags));
        }
        for item in items.iter_mut() {
            substitute(item, params, pack_name, diags);
            if let Some(clusters) = clusters {
                set_clusters(item, clusters);
            }
            // Items that go where their service goes take its shard.
            let own_shard = matches!(*section, "services" | "alerts" | "records")
                && item.get("service").is_none()
                && item.get("shard").is_none();
            if let Some(shard) = entry.get("shard")
                && own_shard
            {
                set(item, "shard", entry.key_span("shard"), shard.clone());
            }
        }
    }
    root
}

/// Applies the entry's override of this alert and its threshold; `false`
/// when the override disables it.
fn tune_alert(alert: &mut Node, entry: &Node, pack: &str, diags: &mut Vec<Diagnostic>) -> bool {
    let name = match alert.get("name").map(|n| &n.kind) {
        Some(NodeKind::Str(name)) => name.clone(),
        _ => String::new(),
    };
    // `Name` tunes every alert of that name, then `Name:severity` the one
    // of the severity the pack gives it.
    let severity = match alert.get("severity").map(|n| &n.kind) {
        Some(NodeKind::Str(s)) => s.clone(),
        _ => String::new(),
    };
    let one = format!("{name}:{severity}");
    let tunings: Vec<&Node> = [name.as_str(), one.as_str()]
        .iter()
        .filter_map(|key| entry.get("alerts")?.get(key))
        .collect();
    let threshold = tunings
        .iter()
        .rev()
        .find_map(|t| t.get("threshold"))
        .or_else(|| alert.get("threshold"))
        .and_then(packs::number);
    retain_keys(alert, |k| !PACK_ALERT_KEYS.contains(&k));
    for tuning in tunings {
        if matches!(
            tuning.get("disabled").map(|n| &n.kind),
            Some(NodeKind::Bool(true))
        ) {
            return false;
        }
        for key in ["for", "severity"] {
            if let Some(value) = tuning.get(key) {
                set(alert, key, tuning.key_span(key), value.clone());
            }
        }
        merge_map(alert, tuning, "labels");
        merge_annotations(alert, tuning);
    }
    let mut missing = false;
    each_string(alert, &mut |text, _| {
        if text.contains("{{") {
            let (out, unknown) = replace(text, |name| {
                (name == "threshold").then(|| threshold.map(|t| t.to_string()))
            });
            missing |= unknown;
            *text = out;
        }
    });
    if missing {
        diags.push(
            Diagnostic::error(codes::PACKS_INVALID, format!("alert `{name}` of pack `{pack}` uses `{{{{ threshold }}}}` but has no `threshold`"))
                .at(alert.get("expr").map_or(alert.blame_span(), Node::blame_span))
                .help("give the alert a `threshold:` with its default value"),
        );
    }
    true
}

/// `{{ params.x }}` in every string of an item: a whole-string placeholder
/// becomes the value itself (a number stays a number, and a spec's value
/// keeps its span); others are replaced as text.
fn substitute(
    item: &mut Node,
    params: &BTreeMap<String, Node>,
    pack: &str,
    diags: &mut Vec<Diagnostic>,
) {
    walk(item, &mut |node| {
        let NodeKind::Str(text) = &node.kind else {
            return;
        };
        if !text.contains("{{") {
            return;
        }
        if let Some(name) = whole_param(text)
            && let Some(value) = params.get(name)
        {
            *node = value.clone();
            return;
        }
        let mut undefined = Vec::new();
        let (out, _) = replace(text, |placeholder| {
            let name = placeholder.strip_prefix("params.")?;
            let value = params.get(name).map(scalar_text);
            if value.is_none() {
                undefined.push(name.to_owned());
            }
            Some(value)
        });
        for name in undefined {
            let help = match crate::names::did_you_mean(&name, params.keys().map(String::as_str)) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "declare it under `pack.params`".to_owned(),
            };
            diags.push(
                Diagnostic::error(
                    codes::PACKS_UNDEFINED_PARAM,
                    format!("pack `{pack}` uses param `{name}`, which it does not declare"),
                )
                .at(node.span)
                .label("undeclared param")
                .help(help),
            );
        }
        node.kind = NodeKind::Str(out);
    });
}

/// The param a string consists of, if it is exactly `{{ params.x }}`.
fn whole_param(text: &str) -> Option<&str> {
    let inner = text.trim().strip_prefix("{{")?.strip_suffix("}}")?;
    if inner.contains("{{") || inner.contains("}}") {
        return None;
    }
    inner.trim().strip_prefix("params.")
}

/// Replaces `{{ name }}` placeholders the lookup knows (`Some(Some(v))`);
/// `Some(None)` marks one it should know but has no value for (the second
/// result); `None` leaves the text as it is (a Go template).
fn replace(text: &str, mut lookup: impl FnMut(&str) -> Option<Option<String>>) -> (String, bool) {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut unknown = false;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open..].find("}}") else {
            break;
        };
        let placeholder = &rest[open + 2..open + close];
        out.push_str(&rest[..open]);
        match lookup(placeholder.trim()) {
            Some(Some(value)) => out.push_str(&value),
            Some(None) => {
                unknown = true;
                out.push_str(&rest[open..open + close + 2]);
            }
            None => out.push_str(&rest[open..open + close + 2]),
        }
        rest = &rest[open + close + 2..];
    }
    out.push_str(rest);
    (out, unknown)
}

fn scalar_text(node: &Node) -> String {
    match &node.kind {
        NodeKind::Str(s) => s.clone(),
        NodeKind::Int(i) => i.to_string(),
        NodeKind::Float(f) => f.to_string(),
        NodeKind::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

/// The entry's `clusters` on an item, narrowing the item's own.
fn set_clusters(item: &mut Node, clusters: &Node) {
    let combined = match (item.get("clusters").map(|n| &n.kind), &clusters.kind) {
        (Some(NodeKind::Str(own)), NodeKind::Str(entry)) => {
            Node::new(NodeKind::Str(format!("{own},{entry}")), clusters.span)
        }
        _ => clusters.clone(),
    };
    set(item, "clusters", Some(clusters.span), combined);
}

/// Labels (or another map) of the override added to the alert's.
fn merge_map(alert: &mut Node, tuning: &Node, key: &str) {
    let Some(NodeKind::Map(added)) = tuning.get(key).map(|n| &n.kind) else {
        return;
    };
    if alert.get(key).is_none() {
        set(
            alert,
            key,
            Some(tuning.key_span(key).unwrap_or(tuning.span)),
            Node::new(NodeKind::Map(Vec::new()), tuning.span),
        );
    }
    let Some(target) = get_mut(alert, key) else {
        return;
    };
    for (k, v) in added {
        set(target, &k.name, Some(k.span), v.clone());
    }
}

/// Annotations of the override: `summary`, `description` and `runbook_url`
/// replace the alert's short forms where it uses them.
fn merge_annotations(alert: &mut Node, tuning: &Node) {
    let Some(NodeKind::Map(added)) = tuning.get("annotations").map(|n| &n.kind) else {
        return;
    };
    let mut rest = Vec::new();
    for (k, v) in added {
        let short = match k.name.as_str() {
            "summary" => "summary",
            "description" => "description",
            "runbook_url" => "runbook",
            _ => "",
        };
        if !short.is_empty() && alert.get(short).is_some() {
            set(alert, short, Some(k.span), v.clone());
        } else {
            rest.push((k.clone(), v.clone()));
        }
    }
    let tuning = Node::new(
        NodeKind::Map(vec![(
            Key {
                name: "annotations".into(),
                span: tuning.span,
            },
            Node::new(NodeKind::Map(rest), tuning.span),
        )]),
        tuning.span,
    );
    merge_map(alert, &tuning, "annotations");
}

/// Several listings of one pack as one fragment: an item that is the same
/// in every listing (apart from `clusters`) is kept once for all their
/// clusters, so only what a listing tunes differs between them.
pub fn combine(
    fragments: Vec<(Node, &BTreeSet<usize>)>,
    clusters: &[(String, BTreeMap<String, String>)],
) -> Node {
    let mut fragments = fragments.into_iter();
    let Some((mut root, first_selected)) = fragments.next() else {
        return Node::new(NodeKind::Null, Span::new(crate::source::SourceId(0), 0, 0));
    };
    let rest: Vec<(Node, &BTreeSet<usize>)> = fragments.collect();
    if rest.is_empty() {
        return root;
    }
    for section in PACK_SECTIONS {
        // Items in first-seen order, each with the clusters of every
        // listing that has it.
        let mut merged: Vec<(serde_json::Value, Node, BTreeSet<usize>, usize)> = Vec::new();
        let listings =
            std::iter::once((&root, first_selected)).chain(rest.iter().map(|(n, s)| (n, *s)));
        for (node, selected) in listings {
            let Some(NodeKind::Seq(items)) = node.get(section).map(|n| &n.kind) else {
                continue;
            };
            for item in items {
                let mut key = item.to_json();
                if let Some(map) = key.as_object_mut() {
                    map.remove("clusters");
                }
                let own = item_clusters(item, selected, clusters);
                match merged.iter_mut().find(|(k, ..)| *k == key) {
                    Some((_, _, union, count)) => {
                        union.extend(own);
                        *count += 1;
                    }
                    None => merged.push((key, item.clone(), own, 1)),
                }
            }
        }
        let items: Vec<Node> = merged
            .into_iter()
            .map(|(_, mut item, union, count)| {
                if count > 1 {
                    let span = item.get("clusters").map_or(item.span, |n| n.span);
                    let names: Vec<&str> = union.iter().map(|&i| clusters[i].0.as_str()).collect();
                    let selector = format!("name in ({})", names.join(","));
                    set(
                        &mut item,
                        "clusters",
                        Some(span),
                        Node::new(NodeKind::Str(selector), span),
                    );
                }
                item
            })
            .collect();
        if let Some(slot) = get_mut(&mut root, section) {
            slot.kind = NodeKind::Seq(items);
        } else if !items.is_empty() {
            let span = root.span;
            set(
                &mut root,
                section,
                None,
                Node::new(NodeKind::Seq(items), span),
            );
        }
    }
    root
}

/// The clusters an item of a listing goes to: the listing's, narrowed by
/// the item's own selector.
fn item_clusters(
    item: &Node,
    selected: &BTreeSet<usize>,
    clusters: &[(String, BTreeMap<String, String>)],
) -> BTreeSet<usize> {
    let selector = match item.get("clusters").map(|n| &n.kind) {
        Some(NodeKind::Str(text)) => crate::selector::Selector::parse(text).ok(),
        _ => None,
    };
    selected
        .iter()
        .copied()
        .filter(|&i| selector.as_ref().is_none_or(|s| s.matches(&clusters[i].1)))
        .collect()
}

fn get_mut<'a>(node: &'a mut Node, key: &str) -> Option<&'a mut Node> {
    match &mut node.kind {
        NodeKind::Map(entries) => entries
            .iter_mut()
            .find(|(k, _)| k.name == key)
            .map(|(_, v)| v),
        _ => None,
    }
}

/// Sets a map entry, replacing one of the same key in place.
fn set(node: &mut Node, key: &str, key_span: Option<Span>, value: Node) {
    let NodeKind::Map(entries) = &mut node.kind else {
        return;
    };
    if let Some((_, slot)) = entries.iter_mut().find(|(k, _)| k.name == key) {
        *slot = value;
    } else {
        let span = key_span.unwrap_or(value.span);
        entries.push((
            Key {
                name: key.to_owned(),
                span,
            },
            value,
        ));
    }
}

fn retain_keys(node: &mut Node, keep: impl Fn(&str) -> bool) {
    if let NodeKind::Map(entries) = &mut node.kind {
        entries.retain(|(k, _)| keep(&k.name));
    }
}

fn walk(node: &mut Node, f: &mut impl FnMut(&mut Node)) {
    f(node);
    match &mut node.kind {
        NodeKind::Seq(items) => items.iter_mut().for_each(|n| walk(n, f)),
        NodeKind::Map(entries) => entries.iter_mut().for_each(|(_, n)| walk(n, f)),
        _ => {}
    }
}

fn each_string(node: &mut Node, f: &mut impl FnMut(&mut String, Span)) {
    walk(node, &mut |n| {
        let span = n.span;
        if let NodeKind::Str(s) = &mut n.kind {
            f(s, span);
        }
    });
}
