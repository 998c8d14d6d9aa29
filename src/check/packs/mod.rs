//! Packs taken into a spec. Each `packs[]` entry is instantiated into a
//! spec fragment (params and thresholds substituted, alert overrides
//! applied, the entry's `clusters` set on every item) that is then read like
//! any other file, so everything a pack brings meets the same checks.
//! Diagnostics inside a pack point into its file (`pack:etcd/pack.yaml`
//! for a built-in one); values a spec sets keep the spec's spans.

mod instance;
mod job;
mod params;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};

use super::merge::ParsedFile;
use super::selectors::cluster_labels;
use crate::diagnostic::{Diagnostic, codes};
use crate::names::did_you_mean;
use crate::packs;
use crate::source::{SourceId, Sources, Span};
use crate::spec::PackHeader;
use crate::syntax::{Node, NodeKind};

/// The sections a pack may hold besides its `pack` header.
pub const PACK_SECTIONS: &[&str] = &["services", "records", "alerts", "slos", "dashboards"];

/// What the packs of a spec add to it.
#[derive(Default)]
pub struct Expansion {
    /// One instantiated fragment per pack taken in.
    pub files: Vec<ParsedFile>,
    /// Severities packs use beyond the default ones (`none`), where declared.
    pub severities: Vec<(String, Span)>,
}

/// A pack file, read and parsed once however often a spec lists it.
struct Loaded {
    node: Node,
    header: PackHeader,
    /// Alert name → the severity and threshold default of each alert of
    /// that name (a warning/critical pair has two).
    alerts: BTreeMap<String, Vec<(String, Option<f64>)>>,
}

/// One `packs[]` entry that passed its checks.
struct Entry<'a> {
    node: &'a Node,
    /// The clusters it selects (indices into the spec's clusters).
    selected: BTreeSet<usize>,
}

pub fn expand(
    files: &[ParsedFile],
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
) -> Expansion {
    let clusters: Vec<(String, BTreeMap<String, String>)> = files
        .iter()
        .flat_map(|f| &f.spec.clusters)
        .map(|c| (c.name.clone(), cluster_labels(c)))
        .collect();
    let shards: Vec<String> = files
        .iter()
        .filter_map(|f| f.spec.prometheus.as_ref()?.shards.as_ref())
        .flatten()
        .map(|s| s.name.clone())
        .collect();
    let mut loaded: Vec<Option<Loaded>> = Vec::new();
    let mut by_path: HashMap<PathBuf, usize> = HashMap::new();
    let mut entries: BTreeMap<usize, Vec<Entry<'_>>> = BTreeMap::new();
    for file in files {
        let Some(NodeKind::Seq(list)) = file.node.get("packs").map(|n| &n.kind) else {
            continue;
        };
        for node in list {
            let Some((key, path, origin, text)) = resolve(node, sources, diags) else {
                continue;
            };
            let index = *by_path.entry(key).or_insert_with(|| {
                let id = sources.add(path, origin, text);
                loaded.push(load(id, &sources.get(id).text, diags));
                loaded.len() - 1
            });
            let Some(pack) = &loaded[index] else { continue };
            if !params::check_entry(node, &pack.header, &pack.alerts, diags) {
                continue;
            }
            if shards.len() > 1 && node.get("shard").is_none() {
                diags.push(missing_shard(node, &pack.header.name, &shards));
                continue;
            }
            let selected = selected(node, &clusters);
            let listed = entries.entry(index).or_default();
            if let Some(first) = listed.iter().find(|e| !e.selected.is_disjoint(&selected)) {
                diags.push(overlap(
                    node,
                    first.node,
                    &pack.header.name,
                    &clusters,
                    &first.selected,
                    &selected,
                ));
                continue;
            }
            listed.push(Entry { node, selected });
        }
    }
    let mut expansion = Expansion::default();
    for (index, listed) in entries {
        let Some(pack) = &loaded[index] else { continue };
        if let Some(node) = pack.node.get("pack") {
            for (i, severity) in pack.header.severities.iter().enumerate() {
                let span = node
                    .at_path(["severities", &i.to_string()])
                    .map_or(node.span, Node::blame_span);
                expansion.severities.push((severity.clone(), span));
            }
        }
        let fragments: Vec<(Node, &BTreeSet<usize>)> = listed
            .iter()
            .enumerate()
            .map(|(i, e)| {
                // A pack's own mistakes are told once, not once per listing.
                let mut sink = Vec::new();
                let params = instance::params(pack, e.node);
                let node = instance::instantiate(
                    pack,
                    e.node,
                    &params,
                    if i == 0 { &mut *diags } else { &mut sink },
                );
                job::check(&pack.header.name, e.node, &params, &node, diags);
                (node, &e.selected)
            })
            .collect();
        let node = instance::combine(fragments, &clusters);
        if let Some(file) = super::parse_fragment(sources, node, diags) {
            expansion.files.push(file);
        }
    }
    expansion
}

/// Where an entry's pack is: its key (one per pack), path, origin and text.
fn resolve(
    entry: &Node,
    sources: &Sources,
    diags: &mut Vec<Diagnostic>,
) -> Option<(PathBuf, PathBuf, String, String)> {
    let name_node = entry.get("name")?;
    let NodeKind::Str(name) = &name_node.kind else {
        return None;
    };
    if !packs::is_folder(name) {
        if let Some(builtin) = packs::builtin(name) {
            let path = packs::builtin_path(name);
            let origin = path.display().to_string();
            return Some((path.clone(), path, origin, builtin.pack.to_owned()));
        }
        let help = match did_you_mean(name, packs::BUILTIN.iter().map(|b| b.name)) {
            Some(s) => format!("did you mean `{s}`? (`monocle packs` lists the built-in packs)"),
            None => "`monocle packs` lists the built-in packs; a pack folder of your own is named by its path, e.g. `./packs/company`".to_owned(),
        };
        diags.push(
            Diagnostic::error(
                codes::PACKS_UNKNOWN,
                format!("there is no built-in pack `{name}`"),
            )
            .at(name_node.span)
            .label("unknown pack")
            .help(help),
        );
        return None;
    }
    let file = sources.get(entry.span.source);
    let base = file.path.parent().unwrap_or(Path::new("."));
    match crate::load::read_pack(&lexical(&base.join(name))) {
        Ok((path, text)) => {
            let origin_dir = Path::new(&file.origin).parent().unwrap_or(Path::new(""));
            let origin = normalize(&origin_dir.join(name).join(crate::load::PACK_FILE));
            // One pack however its path is spelled; diagnostics name the
            // file as the spec's path does.
            let key = std::fs::canonicalize(&path).unwrap_or(path.clone());
            Some((key, path, origin, text))
        }
        Err(why) => {
            diags.push(
                Diagnostic::error(
                    codes::PACKS_NOT_FOUND,
                    format!("pack folder `{name}` cannot be read: {why}"),
                )
                .at(name_node.span)
                .label("no pack here")
                .help("a pack folder holds a `pack.yaml`; its path is relative to this file"),
            );
            None
        }
    }
}

/// A path without its `.` components, as a reader writes it.
fn lexical(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| *c != Component::CurDir)
        .collect()
}

/// `a/./b/../c` → `a/c`, with `/` separators: an origin as a reader writes it.
fn normalize(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if parts.last().is_some_and(|p| p != "..") => {
                parts.pop();
            }
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    parts.join("/")
}

/// Parses a pack file and reads its header; `None` (with diagnostics) when
/// it is not a usable pack.
fn load(id: SourceId, text: &str, diags: &mut Vec<Diagnostic>) -> Option<Loaded> {
    let node = match crate::syntax::yaml::parse(id, text) {
        Ok(node) => node,
        Err(errors) => {
            diags.extend(errors);
            return None;
        }
    };
    let invalid =
        |message: String, span: Span| Diagnostic::error(codes::PACKS_INVALID, message).at(span);
    let Some(header_node) = node.get("pack") else {
        diags.push(
            invalid("this pack file has no `pack` section".into(), Span::new(id, 0, 0))
                .help("start it with `version: 1` and `pack: {name: ..., description: ..., params: {...}}`"),
        );
        return None;
    };
    let header: PackHeader = match serde_json::from_value(header_node.to_json()) {
        Ok(h) => h,
        Err(e) => {
            diags.push(invalid(
                format!("invalid `pack` section: {e}"),
                header_node.blame_span(),
            ));
            return None;
        }
    };
    let mut ok = true;
    if let NodeKind::Map(entries) = &node.kind {
        for (key, _) in entries {
            if !["version", "pack"].contains(&key.name.as_str())
                && !PACK_SECTIONS.contains(&key.name.as_str())
            {
                diags.push(
                    invalid(format!("a pack cannot hold `{}`", key.name), key.span)
                        .label("not a pack section")
                        .help(format!(
                            "a pack holds {}; the rest belongs in the spec",
                            listed(PACK_SECTIONS)
                        )),
                );
                ok = false;
            }
        }
    }
    for (name, param) in &header.params {
        let default = header_node.at_path(["params", name, "default"]);
        if let Some(default) = default
            && let Err(why) = params::check_value(param.kind, default)
        {
            diags.push(
                Diagnostic::error(
                    codes::PACKS_PARAM_TYPE,
                    format!("the default of param `{name}` {why}"),
                )
                .at(default.blame_span()),
            );
            ok = false;
        }
    }
    let mut alerts = BTreeMap::new();
    if let Some(NodeKind::Seq(items)) = node.get("alerts").map(|n| &n.kind) {
        for alert in items {
            let Some(NodeKind::Str(name)) = alert.get("name").map(|n| &n.kind) else {
                continue;
            };
            let threshold = alert.get("threshold");
            if let Some(t) = threshold
                && packs::number(t).is_none()
            {
                diags.push(invalid(
                    format!(
                        "alert `{name}`'s `threshold` must be a number, found {}",
                        t.type_name()
                    ),
                    t.blame_span(),
                ));
                ok = false;
            }
            let severity = match alert.get("severity").map(|n| &n.kind) {
                Some(NodeKind::Str(s)) => s.clone(),
                _ => String::new(),
            };
            alerts
                .entry(name.clone())
                .or_insert_with(Vec::new)
                .push((severity, threshold.and_then(packs::number)));
        }
    }
    ok.then_some(Loaded {
        node,
        header,
        alerts,
    })
}

/// The clusters an entry selects.
fn selected(entry: &Node, clusters: &[(String, BTreeMap<String, String>)]) -> BTreeSet<usize> {
    let selector = match entry.get("clusters").map(|n| &n.kind) {
        Some(NodeKind::Str(text)) => crate::selector::Selector::parse(text).ok(),
        _ => None,
    };
    clusters
        .iter()
        .enumerate()
        .filter(|(_, (_, labels))| selector.as_ref().is_none_or(|s| s.matches(labels)))
        .map(|(i, _)| i)
        .collect()
}

fn overlap(
    again: &Node,
    first: &Node,
    pack: &str,
    clusters: &[(String, BTreeMap<String, String>)],
    first_selected: &BTreeSet<usize>,
    selected: &BTreeSet<usize>,
) -> Diagnostic {
    let both: Vec<String> = first_selected
        .intersection(selected)
        .map(|&i| format!("`{}`", clusters[i].0))
        .collect();
    let at = |n: &Node| {
        n.get("clusters")
            .or_else(|| n.get("name"))
            .map_or(n.span, Node::blame_span)
    };
    Diagnostic::error(
        codes::PACKS_OVERLAP,
        format!("pack `{pack}` is listed twice for cluster {}", both.join(", ")),
    )
    .at(at(again))
    .label("overlaps an earlier listing")
    .related(at(first), "listed here first")
    .help("give each listing of a pack disjoint `clusters` (e.g. `environment=production` and `environment!=production`)")
}

/// A pack on a spec with several shards must say which one runs it, or
/// each of its items would say so, in the pack's file.
fn missing_shard(entry: &Node, pack: &str, shards: &[String]) -> Diagnostic {
    let names: Vec<String> = shards.iter().map(|s| format!("`{s}`")).collect();
    Diagnostic::error(
        codes::PACKS_MISSING_SHARD,
        format!("pack `{pack}` names no shard, and the spec has several"),
    )
    .at(entry.get("name").map_or(entry.span, Node::blame_span))
    .label("which Prometheus shard runs it?")
    .help(format!(
        "add `shard:` with one of {} to this entry",
        names.join(", ")
    ))
}

fn listed(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    quoted.join(", ")
}
