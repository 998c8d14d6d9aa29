//! Merging the files of a spec: lists are concatenated, single sections may
//! be written in one file only.

use std::path::PathBuf;

use super::merged::{Item, Spec};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::codes;
use crate::source::Span;
use crate::spec::{Route, SpecFile};
use crate::syntax::{Key, Node, NodeKind};

/// One parsed, schema-valid file.
pub struct ParsedFile {
    pub node: Node,
    pub spec: SpecFile,
    /// The file's path, which orders the teams' `routing.routes`.
    pub path: PathBuf,
}

/// A file's `routing.routes`: its items, and the `routes` key.
struct TeamRoutes {
    path: PathBuf,
    key: Span,
    routes: Vec<Item<Route>>,
}

pub fn merge(files: Vec<ParsedFile>, diags: &mut Vec<Diagnostic>) -> Spec {
    let mut merged = Spec::default();
    let mut team_routes = Vec::new();
    for file in files {
        let ParsedFile { node, spec, path } = file;
        let section = |key: &str| node.get(key).cloned().unwrap_or_else(|| node.clone());
        let items = |path: &[&str]| -> Vec<Node> {
            match node.at_path(path.iter().copied()).map(|n| &n.kind) {
                Some(NodeKind::Seq(items)) => items.clone(),
                _ => Vec::new(),
            }
        };
        push_items(&mut merged.clusters, spec.clusters, items(&["clusters"]));
        push_items(&mut merged.services, spec.services, items(&["services"]));
        push_items(&mut merged.alerts, spec.alerts, items(&["alerts"]));
        push_items(&mut merged.records, spec.records, items(&["records"]));
        push_items(&mut merged.packs, spec.packs, items(&["packs"]));
        push_items(&mut merged.slos, spec.slos, items(&["slos"]));
        push_items(
            &mut merged.slo_windows,
            spec.slo_windows,
            items(&["slo_windows"]),
        );
        push_items(
            &mut merged.dashboards,
            spec.dashboards,
            items(&["dashboards"]),
        );
        set_single(
            &mut merged.prometheus,
            spec.prometheus,
            &node,
            "prometheus",
            diags,
        );
        set_single(
            &mut merged.alertmanager,
            spec.alertmanager,
            &node,
            "alertmanager",
            diags,
        );
        set_single(&mut merged.alloy, spec.alloy, &node, "alloy", diags);
        set_single(
            &mut merged.severities,
            spec.severities,
            &node,
            "severities",
            diags,
        );
        set_single(&mut merged.monitor, spec.monitor, &node, "monitor", diags);
        set_single(&mut merged.output, spec.output, &node, "output", diags);
        if let Some(routing) = spec.routing {
            let routing_node = section("routing");
            push_items(
                &mut merged.receivers,
                routing.receivers,
                items(&["routing", "receivers"]),
            );
            push_items(
                &mut merged.inhibit,
                routing.inhibit,
                items(&["routing", "inhibit"]),
            );
            push_items(
                &mut merged.routing_tests,
                routing.tests,
                items(&["routing", "tests"]),
            );
            push_items(
                &mut merged.time_intervals,
                routing.time_intervals,
                items(&["routing", "time_intervals"]),
            );
            set_single(
                &mut merged.routing_global,
                routing.global,
                &routing_node,
                "global",
                diags,
            );
            set_route(&mut merged.route, routing.route, &routing_node, diags);
            if !routing.routes.is_empty() {
                let mut routes = Vec::new();
                push_items(&mut routes, routing.routes, items(&["routing", "routes"]));
                team_routes.push(TeamRoutes {
                    key: routing_node.key_span("routes").unwrap_or(routing_node.span),
                    path,
                    routes,
                });
            }
        }
    }
    add_team_routes(&mut merged.route, team_routes, diags);
    merged
}

/// Places every file's `routing.routes` after the root's own `routes`,
/// ordered by file path (compared by components, as the loader walks a
/// folder: `a/b.yaml` before `a-b.yaml`), then by position in the file. The
/// root's syntax tree gets the routes' own nodes, so every later check
/// points into the file a route is written in.
fn add_team_routes(
    root: &mut Option<Item<Route>>,
    mut team_routes: Vec<TeamRoutes>,
    diags: &mut Vec<Diagnostic>,
) {
    // Stable: the files of one path keep their order, as do their routes.
    team_routes.sort_by(|a, b| a.path.components().cmp(b.path.components()));
    let Some(first) = team_routes.first().map(|t| t.key) else {
        return;
    };
    let Some(root) = root else {
        diags.push(
            Diagnostic::error(
                codes::ROUTING_NO_ROUTE,
                "`routing.routes` adds child routes to the root route, but no file writes `routing.route`",
            )
            .at(first)
            .label("child routes of a root that is missing")
            .help("one file (usually the platform team's) writes the root: `routing: {route: {receiver: ...}}`"),
        );
        return;
    };
    let NodeKind::Map(entries) = &mut root.node.kind else {
        // The root route is a map (the schema says so); nothing to point at.
        return;
    };
    if !entries.iter().any(|(k, _)| k.name == "routes") {
        let key = Key {
            name: "routes".to_owned(),
            span: first,
        };
        let empty = Span::new(first.source, first.start, first.start);
        entries.push((key, Node::new(NodeKind::Seq(Vec::new()), empty)));
    }
    let Some((_, list)) = entries.iter_mut().find(|(k, _)| k.name == "routes") else {
        return;
    };
    if !matches!(list.kind, NodeKind::Seq(_)) {
        list.kind = NodeKind::Seq(Vec::new());
    }
    for file in team_routes {
        for item in file.routes {
            if let NodeKind::Seq(nodes) = &mut list.kind {
                nodes.push(item.node);
            }
            root.value.routes.push(item.value);
        }
    }
}

/// Severities the spec's packs use (`none` for a Watchdog) join the
/// spec's own, or the default ones when it sets none.
pub fn add_severities(spec: &mut Spec, added: Vec<(String, crate::source::Span)>) {
    for (severity, span) in added {
        let item = spec.severities.get_or_insert_with(|| Item {
            value: crate::lower::rules::DEFAULT_SEVERITIES
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            node: Node::new(NodeKind::Seq(Vec::new()), span),
        });
        if !item.value.contains(&severity) {
            item.value.push(severity);
        }
    }
}

/// Like [`set_single`], but when one `route` is the root (it has a
/// receiver) and the other is a team's partial tree, the root is kept
/// whatever the file order and the partial one gets the error: checking
/// routes against a root without a receiver would only add a cascade.
fn set_route(
    slot: &mut Option<Item<crate::spec::Route>>,
    value: Option<crate::spec::Route>,
    parent: &Node,
    diags: &mut Vec<Diagnostic>,
) {
    let partial_first = slot.as_ref().is_some_and(|f| f.value.receiver.is_none())
        && value.as_ref().is_some_and(|v| v.receiver.is_some());
    if !partial_first {
        set_single(slot, value, parent, "route", diags);
        return;
    }
    let partial = slot.take();
    set_single(slot, value, parent, "route", diags);
    if let (Some(partial), Some(root)) = (partial, slot.as_ref()) {
        diags.push(duplicate_section(
            "route",
            partial.node.span,
            root.node.span,
        ));
    }
}

fn duplicate_section(
    key: &str,
    again: crate::source::Span,
    first: crate::source::Span,
) -> Diagnostic {
    let help = if key == "route" {
        "`routing.route` is the root of the one route tree, written in one file: write a team's child routes as `routing.routes` in the team's own file".to_owned()
    } else {
        format!("`{key}` may appear in one file only; merge the two")
    };
    Diagnostic::error(
        codes::SPEC_DUPLICATE_SECTION,
        format!("section `{key}` is written in more than one file"),
    )
    .at(again)
    .label("written again here")
    .related(first, "the one that counts")
    .help(help)
}

fn push_items<T>(into: &mut Vec<Item<T>>, values: Vec<T>, nodes: Vec<Node>) {
    into.extend(
        values
            .into_iter()
            .zip(nodes)
            .map(|(value, node)| Item { value, node }),
    );
}

fn set_single<T>(
    slot: &mut Option<Item<T>>,
    value: Option<T>,
    parent: &Node,
    key: &str,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(value) = value else { return };
    let Some(node) = parent.get(key).cloned() else {
        return;
    };
    let key_span = parent.key_span(key).unwrap_or(node.span);
    if let Some(first) = slot {
        diags.push(duplicate_section(key, key_span, first_key_span(first)));
        return;
    }
    *slot = Some(Item {
        value,
        node: key_node(node, key_span),
    });
}

/// Single sections remember their key's span in an otherwise empty span
/// (their value node may be a block with no span of its own).
fn key_node(mut node: Node, key_span: crate::source::Span) -> Node {
    if node.span.start == node.span.end {
        node.span = key_span;
    }
    node
}

fn first_key_span<T>(item: &Item<T>) -> crate::source::Span {
    item.node.span
}
