//! The semantic summary of a change: items added, removed or changed per
//! cluster, folded across clusters where the change is the same, and the
//! routing consequences.

use std::collections::{BTreeMap, BTreeSet};

use super::items::{Item, items};
use super::routing::consequences;
use crate::model::ClusterModel;

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
pub const KINDS: [(&str, &str); 13] = [
    ("cluster", "Clusters"),
    ("alert", "Alerts"),
    ("slo", "SLOs"),
    ("receiver", "Receivers"),
    ("route", "Routes"),
    ("routing", "Routing consequences"),
    ("service", "Services"),
    ("dashboard", "Dashboards"),
    ("panel", "Panels"),
    ("log pipeline", "Log pipelines"),
    ("alloy scrape", "Alloy scraping"),
    ("prometheus", "Prometheus"),
    ("alertmanager", "Alertmanager"),
];

/// What a change does to one cluster (`None`: the cluster is not in that
/// version of the spec), as (kind, text) lines.
pub fn cluster_lines(
    name: &str,
    old: Option<&ClusterModel>,
    new: Option<&ClusterModel>,
) -> Vec<(&'static str, String)> {
    match (old, new) {
        (None, Some(_)) => vec![("cluster", format!("+ `{name}` added"))],
        (Some(_), None) => vec![("cluster", format!("- `{name}` removed"))],
        (Some(old), Some(new)) => {
            let mut lines = item_changes(&items(old), &items(new));
            for (probe, before, after) in consequences(old, new) {
                lines.push(("routing", format!("{probe}: {before} → {after}")));
            }
            lines
        }
        (None, None) => Vec::new(),
    }
}

/// Folds the lines of every cluster (each cluster of either version once,
/// sorted by name) into the summary: a change made the same way in
/// several clusters is one line naming them.
pub fn fold(per_cluster: Vec<(String, Vec<(&'static str, String)>)>) -> Summary {
    // (kind, text) → clusters; BTreeMap keeps the output stable.
    let mut folded: BTreeMap<(usize, &'static str, String), Vec<String>> = BTreeMap::new();
    let mut all = Vec::new();
    for (name, lines) in per_cluster {
        for (kind, text) in lines {
            let order = KINDS
                .iter()
                .position(|(k, _)| *k == kind)
                .unwrap_or(KINDS.len());
            folded
                .entry((order, kind, text))
                .or_default()
                .push(name.clone());
        }
        all.push(name);
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
        all_clusters: all,
    }
}

fn item_changes(old: &[Item], new: &[Item]) -> Vec<(&'static str, String)> {
    // Items of one kind and name, old and new: rules may share a name.
    type Sides<'a> = (Vec<&'a Item>, Vec<&'a Item>);
    let mut named: BTreeMap<(&'static str, &str), Sides> = BTreeMap::new();
    for i in old {
        named.entry((i.kind, &i.name)).or_default().0.push(i);
    }
    for i in new {
        named.entry((i.kind, &i.name)).or_default().1.push(i);
    }
    let mut out = Vec::new();
    for ((kind, name), (olds, news)) in named {
        for (name, a, b) in super::variants::pair(name, &olds, &news, |i| &i.variant) {
            match (a, b) {
                (None, Some(_)) => out.push((kind, format!("+ `{name}` added"))),
                (Some(_), None) => out.push((kind, format!("- `{name}` removed"))),
                (Some(a), Some(b)) if a.fields != b.fields => {
                    let fields: BTreeSet<&String> =
                        a.fields.keys().chain(b.fields.keys()).collect();
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
                markdown_inline(&line.text),
                markdown_inline(&clusters_text(line, &summary.all_clusters))
            ));
        }
        out.push('\n');
    }
    out
}

/// A summary line as Markdown that shows the text and nothing else: spec
/// text cannot open an HTML comment (`<!--` would hide the rest of the
/// review), forge a heading, link or image, or end the line. The line's
/// own `` `name` `` spans stay code spans, each fenced so no backtick in it
/// can close it; everything else has Markdown and HTML punctuation escaped.
pub fn markdown_inline(text: &str) -> String {
    let text = crate::render::escape_text(text);
    let mut out = String::with_capacity(text.len() + 16);
    let mut parts = text.split('`');
    // Between the first and second backtick, the third and fourth, ...: code.
    let mut in_code = false;
    let mut pending_code: Option<&str> = None;
    for part in parts.by_ref() {
        if in_code {
            pending_code = Some(part);
        } else {
            if let Some(code) = pending_code.take() {
                out.push_str(&code_span(code));
            }
            escape_markdown(part, &mut out);
        }
        in_code = !in_code;
    }
    // An unclosed span: its backtick is literal text.
    if let Some(code) = pending_code {
        out.push_str("\\`");
        escape_markdown(code, &mut out);
    }
    out
}

fn code_span(s: &str) -> String {
    let run = crate::render::longest_backtick_run(s);
    let fence = "`".repeat(run + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') || s.is_empty() {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

fn escape_markdown(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '*' | '_' | '[' | ']' | '!' | '|' | '#' | '(' | ')' => {
                out.push('\\');
                out.push(c);
            }
            // The line's own `~ ` (changed) prefix; any other strikes through.
            '~' if out.is_empty() => out.push(c),
            '~' => out.push_str("\\~"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod kinds_tests {
    use super::KINDS;

    /// A kind missing from [`KINDS`] would never be printed: every item
    /// kind of the reference spec (which has each kind) must have a section.
    #[test]
    fn every_item_kind_has_a_section() {
        let (checked, sources) =
            crate::check_spec(std::path::Path::new("specs")).expect("the reference spec compiles");
        let model = crate::lower::lower(&checked.spec, &sources, None);
        for cluster in &model.clusters {
            for item in super::super::items::items(cluster) {
                assert!(
                    KINDS.iter().any(|(kind, _)| *kind == item.kind),
                    "item kind `{}` has no section in KINDS",
                    item.kind
                );
            }
        }
    }
}
