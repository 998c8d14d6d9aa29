//! The semantic summary of a change: items added, removed or changed per
//! cluster, folded across clusters where the change is the same, and the
//! routing consequences.

use std::collections::{BTreeMap, BTreeSet};

use super::items::{Item, items};
use super::routing::consequences;
use crate::model::{ClusterModel, Model};

/// One line of the summary and the clusters it applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub kind: &'static str,
    pub text: String,
    pub clusters: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    pub lines: Vec<Line>,
    /// All clusters of either model, to print "all clusters".
    pub all_clusters: Vec<String>,
}

impl Summary {
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

/// Section order and titles.
pub const KINDS: [(&str, &str); 10] = [
    ("cluster", "Clusters"),
    ("alert", "Alerts"),
    ("slo", "SLOs"),
    ("receiver", "Receivers"),
    ("route", "Routes"),
    ("routing", "Routing consequences"),
    ("service", "Services"),
    ("dashboard", "Dashboards"),
    ("log pipeline", "Log pipelines"),
    ("prometheus", "Prometheus"),
];

pub fn summarize(old: &Model, new: &Model) -> Summary {
    let old_clusters: BTreeMap<&str, &ClusterModel> =
        old.clusters.iter().map(|c| (c.name.as_str(), c)).collect();
    let new_clusters: BTreeMap<&str, &ClusterModel> =
        new.clusters.iter().map(|c| (c.name.as_str(), c)).collect();
    let all: BTreeSet<&str> = old_clusters
        .keys()
        .chain(new_clusters.keys())
        .copied()
        .collect();

    // (kind, text) → clusters; BTreeMap keeps the output stable.
    let mut folded: BTreeMap<(usize, &'static str, String), Vec<String>> = BTreeMap::new();
    let mut add = |kind: &'static str, text: String, cluster: &str| {
        let order = KINDS
            .iter()
            .position(|(k, _)| *k == kind)
            .unwrap_or(KINDS.len());
        folded
            .entry((order, kind, text))
            .or_default()
            .push(cluster.to_owned());
    };
    for name in &all {
        match (old_clusters.get(name), new_clusters.get(name)) {
            (None, Some(_)) => add("cluster", format!("+ `{name}` added"), name),
            (Some(_), None) => add("cluster", format!("- `{name}` removed"), name),
            (Some(old), Some(new)) => {
                for (kind, text) in item_changes(&items(old), &items(new)) {
                    add(kind, text, name);
                }
                for (probe, before, after) in consequences(old, new) {
                    add("routing", format!("{probe}: {before} → {after}"), name);
                }
            }
            (None, None) => {}
        }
    }
    Summary {
        lines: folded
            .into_iter()
            .map(|((_, kind, text), clusters)| Line {
                kind,
                text,
                clusters,
            })
            .collect(),
        all_clusters: all.into_iter().map(str::to_owned).collect(),
    }
}

fn item_changes(old: &[Item], new: &[Item]) -> Vec<(&'static str, String)> {
    let key = |i: &Item| (i.kind, i.name.clone());
    let old_map: BTreeMap<_, &Item> = old.iter().map(|i| (key(i), i)).collect();
    let new_map: BTreeMap<_, &Item> = new.iter().map(|i| (key(i), i)).collect();
    let keys: BTreeSet<_> = old_map.keys().chain(new_map.keys()).cloned().collect();
    let mut out = Vec::new();
    for k in keys {
        let (kind, name) = (k.0, &k.1);
        match (old_map.get(&k), new_map.get(&k)) {
            (None, Some(_)) => out.push((kind, format!("+ `{name}` added"))),
            (Some(_), None) => out.push((kind, format!("- `{name}` removed"))),
            (Some(a), Some(b)) if a.fields != b.fields => {
                let fields: BTreeSet<&String> = a.fields.keys().chain(b.fields.keys()).collect();
                let changes: Vec<String> = fields
                    .into_iter()
                    .filter_map(|f| {
                        let (before, after) = (a.fields.get(f), b.fields.get(f));
                        (before != after).then(|| {
                            format!(
                                "{f} {} → {}",
                                before.map_or("(none)", String::as_str),
                                after.map_or("(none)", String::as_str)
                            )
                        })
                    })
                    .collect();
                out.push((kind, format!("~ `{name}`: {}", changes.join("; "))));
            }
            _ => {}
        }
    }
    out
}

fn clusters_text(line: &Line, all: &[String]) -> String {
    if line.clusters.len() == all.len() && all.len() > 1 {
        format!("all {} clusters", all.len())
    } else {
        line.clusters.join(", ")
    }
}

/// Plain text, grouped by kind.
pub fn render_text(summary: &Summary) -> String {
    if summary.is_empty() {
        return "No semantic changes.\n".to_owned();
    }
    let mut out = String::from("Semantic changes:\n");
    for (kind, title) in KINDS {
        let lines: Vec<&Line> = summary.lines.iter().filter(|l| l.kind == kind).collect();
        if lines.is_empty() {
            continue;
        }
        out.push_str(&format!("  {title}:\n"));
        for line in lines {
            out.push_str(&format!(
                "    {}  [{}]\n",
                line.text,
                clusters_text(line, &summary.all_clusters)
            ));
        }
    }
    out
}

/// Markdown for a pull-request comment.
pub fn render_markdown(summary: &Summary) -> String {
    let mut out = String::from("### monocle: semantic changes\n\n");
    if summary.is_empty() {
        out.push_str("No semantic changes.\n");
        return out;
    }
    for (kind, title) in KINDS {
        let lines: Vec<&Line> = summary.lines.iter().filter(|l| l.kind == kind).collect();
        if lines.is_empty() {
            continue;
        }
        out.push_str(&format!("**{title}**\n\n"));
        for line in lines {
            out.push_str(&format!(
                "- {} — _{}_\n",
                line.text,
                clusters_text(line, &summary.all_clusters)
            ));
        }
        out.push('\n');
    }
    out
}
