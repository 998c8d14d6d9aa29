//! Routing checks that need Alertmanager's semantics: matcher syntax (routes and inhibition),
//! label names Alertmanager validates, routing tests evaluated per cluster,
//! routes that can never match, and unused receivers.

use crate::diagnostic::codes;
use std::collections::{BTreeMap, BTreeSet};

use super::merged::routes;
use super::merged::{InhibitMatchers, Matchers, RouteMatchers};
use super::selectors::cluster_labels;
use super::{Ctx, Item, Spec};
use crate::diagnostic::Diagnostic;
use crate::lower::routing::{NULL_RECEIVER, route_tree, routes_watchdog_to_null};
use crate::model::routing::RouteModel;
use crate::model::routing::TimeIntervalModel;
use crate::names::check_label_name;
use crate::routing::router::silenced;
use crate::routing::time::{Period, contains, known_location};
use crate::routing::{
    Delivery, MatchOp, Matcher, RouteNode, format_labels, matcher::matches_all, parse_matchers,
    route, test_alert_labels,
};
use crate::source::Span;
use crate::spec::{InstantText, Route, RoutingTest, SelectorText};
use crate::syntax::NodeKind;
use std::fmt::Write as _;

/// Checks routing; the parsed matchers (complete when no error was reported).
pub fn check(spec: &Spec, ctx: &mut Ctx) -> Matchers {
    let mut parsed = Matchers::default();
    for item in &spec.inhibit {
        let i = &item.value;
        let mut rule = InhibitMatchers::default();
        for (field, list, out) in [
            ("source", &i.source, &mut rule.source),
            ("target", &i.target, &mut rule.target),
        ] {
            for (n, text) in list.iter().enumerate() {
                out.extend(
                    matchers(ctx, text, item.span(&[field, &n.to_string()])).unwrap_or_default(),
                );
            }
        }
        parsed.inhibit.push(rule);
        for (n, label) in i.equal.iter().enumerate() {
            label_name(ctx, label, item.span(&["equal", &n.to_string()]));
        }
    }
    for test in &spec.routing_tests {
        for key in test.value.alert.keys() {
            label_name(ctx, key, test.key_span(&["alert"], key));
        }
    }
    let Some(root) = &spec.route else {
        no_route(spec, ctx);
        return parsed;
    };
    root_route(root, ctx);
    let mut valid = true;
    parsed.route = route_fields(root, &root.value, &[], ctx, &mut valid);
    if !valid {
        // Routing with a matcher left out would report misleading results.
        return parsed;
    }
    let clusters: Vec<Cluster> = spec
        .clusters
        .iter()
        .map(|c| Cluster {
            name: &c.value.name,
            region: c.value.region.as_deref(),
            labels: cluster_labels(&c.value),
        })
        .collect();
    // The trees lower emits, so the tests check what Alertmanager gets.
    // Clusters whose `clusters` selectors pick the same routes share one
    // tree: a fleet of 50 clusters with 10,000 routes built and searched
    // 50 identical trees (345 MB, 35 s) before.
    let all = routes(&root.value);
    let watchdog = routes_watchdog_to_null(spec, &parsed.route);
    let mut distinct: BTreeMap<Vec<bool>, usize> = BTreeMap::new();
    let mut built: Vec<RouteModel> = Vec::new();
    let which: Vec<usize> = clusters
        .iter()
        .map(|c| {
            let picks: Vec<bool> = all.iter().map(|(_, r)| c.selects(&r.clusters)).collect();
            *distinct.entry(picks).or_insert_with(|| {
                built.push(route_tree(
                    &root.value,
                    &parsed.route,
                    &|s| c.selects(s),
                    watchdog,
                ));
                built.len() - 1
            })
        })
        .collect();
    let trees: Vec<&RouteModel> = which.iter().map(|&i| &built[i]).collect();
    tests(spec, root, &clusters, &trees, ctx);
    unreachable_routes(root, &clusters, &trees, ctx);
    unused_receivers(spec, root, &clusters, &trees, watchdog, ctx);
    parsed
}

/// Checks a route's matchers, `group_by` and intervals, then its
/// children's; their parsed matchers. `valid` turns false when a matcher is
/// invalid. `path` is the route's from the root (`routes`, index, ...).
fn route_fields(
    root: &Item<Route>,
    route: &Route,
    path: &[String],
    ctx: &mut Ctx,
    valid: &mut bool,
) -> RouteMatchers {
    let at = |field: &str| -> Vec<String> {
        let mut p = path.to_vec();
        p.push(field.to_owned());
        p
    };
    let mut ms = Vec::new();
    for (n, text) in route.matchers.iter().enumerate() {
        let p = at("matchers");
        let mut segs: Vec<&str> = p.iter().map(String::as_str).collect();
        let n = n.to_string();
        segs.push(&n);
        match matchers(ctx, text, root.span(&segs)) {
            Some(m) => ms.extend(m),
            None => *valid = false,
        }
    }
    group_by(ctx, root, &at("group_by"), route.group_by.as_deref());
    for (field, value) in [
        ("group_interval", &route.group_interval),
        ("repeat_interval", &route.repeat_interval),
    ] {
        let zero = value.as_ref().is_some_and(|d| d.value().millis == 0);
        if zero {
            let p = at(field);
            let segs: Vec<&str> = p.iter().map(String::as_str).collect();
            ctx.push(
                Diagnostic::error(
                    codes::ROUTING_ZERO_INTERVAL,
                    format!("`{field}` cannot be zero: Alertmanager refuses the config"),
                )
                .at(root.span(&segs))
                .help(if field == "group_interval" {
                    "Alertmanager's default is `5m`"
                } else {
                    "Alertmanager's default is `4h`"
                }),
            );
        }
    }
    let routes = route
        .routes
        .iter()
        .enumerate()
        .map(|(n, child)| {
            let mut p = at("routes");
            p.push(n.to_string());
            route_fields(root, child, &p, ctx, valid)
        })
        .collect();
    RouteMatchers {
        matchers: ms,
        routes,
    }
}

struct Cluster<'a> {
    name: &'a str,
    region: Option<&'a str>,
    labels: BTreeMap<String, String>,
}

impl Cluster<'_> {
    fn selects(&self, s: &Option<SelectorText>) -> bool {
        s.as_ref().is_none_or(|s| s.value().matches(&self.labels))
    }
}

/// A route's path in the spec (`routes`, index, ...) from its position.
fn spec_path(at: &[usize]) -> Vec<String> {
    at.iter()
        .flat_map(|i| ["routes".to_owned(), i.to_string()])
        .collect()
}

/// `routes[1] {team="backup"}`, or `root`.
fn describe(node: &RouteModel) -> String {
    let Some(index) = node.at.last() else {
        return "root".to_owned();
    };
    let ms: Vec<String> = node.matchers.iter().map(ToString::to_string).collect();
    format!("routes[{index}] {{{}}}", ms.join(", "))
}

/// Where to point at a route of a cluster's tree: its matchers, else its receiver.
fn node_span(root: &Item<Route>, node: &RouteModel) -> Span {
    let mut route = &root.value;
    for &i in &node.at {
        match route.routes.get(i) {
            Some(child) => route = child,
            None => break,
        }
    }
    route_span(root, &spec_path(&node.at), route)
}

/// Where to point at a route: its matchers, else its receiver.
fn route_span(root: &Item<Route>, path: &[String], route: &Route) -> Span {
    let mut segs: Vec<&str> = path.iter().map(String::as_str).collect();
    if !route.matchers.is_empty() {
        segs.push("matchers");
        return list_span(root, &segs);
    }
    if route.receiver.is_some() {
        segs.push("receiver");
    }
    root.span(&segs)
}

/// A flow list's items from the first to the last (its own span is only
/// its bracket); a block list's key, as [`Item::span`] gives it.
fn list_span<T>(item: &Item<T>, path: &[&str]) -> Span {
    let node = item.node.at_path(path.iter().copied());
    match node.map(|n| (&n.kind, n.span)) {
        Some((NodeKind::Seq(items), span)) if !items.is_empty() && span.start != span.end => {
            let first = items[0].blame_span();
            let last = items[items.len() - 1].blame_span();
            if first.source == last.source && first.start <= last.end {
                Span::new(first.source, first.start, last.end)
            } else {
                first
            }
        }
        _ => item.span(path),
    }
}

/// The matchers of one string, or `None` after reporting its error.
fn matchers(ctx: &mut Ctx, text: &str, span: Span) -> Option<Vec<Matcher>> {
    match parse_matchers(text) {
        Ok(ms) => {
            // Alertmanager's Go RE2 refuses some syntax `regex` takes.
            for m in ms
                .iter()
                .filter(|m| matches!(m.op, MatchOp::Regex | MatchOp::NotRegex))
            {
                super::regexes::re2_text(ctx, &m.value, span);
            }
            Some(ms)
        }
        Err(err) => {
            ctx.value_error(codes::ROUTING_INVALID_MATCHER, span, err);
            None
        }
    }
}

/// Alertmanager checks label names in `group_by`, `equal` and alerts.
fn label_name(ctx: &mut Ctx, name: &str, span: Span) {
    if let Err(err) = check_label_name(name) {
        ctx.value_error(codes::ROUTING_INVALID_LABEL_NAME, span, err);
    }
}

fn group_by(ctx: &mut Ctx, root: &Item<Route>, path: &[String], group_by: Option<&[String]>) {
    let Some(labels) = group_by else { return };
    let span = |n: usize| {
        let n = n.to_string();
        let mut segs: Vec<&str> = path.iter().map(String::as_str).collect();
        segs.push(&n);
        root.span(&segs)
    };
    let mut seen = BTreeSet::new();
    for (n, label) in labels.iter().enumerate() {
        if label == "..." {
            if labels.len() > 1 {
                ctx.push(
                    Diagnostic::error(
                        codes::ROUTING_INVALID_GROUP_BY,
                        "`...` groups by all labels and must be the only entry of `group_by`",
                    )
                    .at(span(n))
                    .help("write `group_by: ['...']`, or list the labels"),
                );
            }
            continue;
        }
        label_name(ctx, label, span(n));
        if !seen.insert(label.as_str()) {
            ctx.push(
                Diagnostic::error(
                    codes::ROUTING_INVALID_GROUP_BY,
                    format!("label `{label}` appears twice in `group_by`"),
                )
                .at(span(n))
                .label("duplicate")
                .help("remove one of them: Alertmanager refuses duplicates"),
            );
        }
    }
}

/// Things Alertmanager refuses on the root route.
fn root_route(root: &Item<Route>, ctx: &mut Ctx) {
    if !root.value.matchers.is_empty() {
        ctx.push(
            Diagnostic::error(
                codes::ROUTING_ROOT_MATCHERS,
                "the root route cannot have `matchers`: every alert enters the tree there",
            )
            .at(list_span(root, &["matchers"]))
            .label("not allowed on the root")
            .help("move the matchers to a child route under `routes`"),
        );
    }
    if root.value.clusters.is_some() {
        ctx.push(
            Diagnostic::error(
                codes::ROUTING_ROOT_CLUSTERS,
                "the root route cannot have `clusters`: every cluster's Alertmanager needs it",
            )
            .at(root.span(&["clusters"]))
            .help("select clusters on the child routes or on the receivers"),
        );
    }
}

/// Inhibition rules and tests mean nothing without a route tree (receivers
/// without one are reported by the reference checks).
fn no_route(spec: &Spec, ctx: &mut Ctx) {
    if !spec.receivers.is_empty() {
        return;
    }
    let span = if let Some(test) = spec.routing_tests.first() {
        test.span(&["alert"])
    } else if let Some(rule) = spec.inhibit.first() {
        rule.span(&["source"])
    } else {
        return;
    };
    ctx.push(
        Diagnostic::error(
            codes::ROUTING_NO_ROUTE,
            "routing tests and inhibition rules need `routing.route` and receivers",
        )
        .at(span)
        .help("add `routing: {receivers: [...], route: {receiver: ...}}`"),
    );
}

/// Clusters where a routing test fails the same way.
struct Failure<'a> {
    clusters: Vec<&'a str>,
    /// The deliveries in the first of them.
    deliveries: Vec<Delivery>,
    /// Index of the first of them.
    first: usize,
}

/// Every routing test, in every cluster it is selected for. Clusters where
/// a test fails the same way are reported together.
fn tests(
    spec: &Spec,
    root: &Item<Route>,
    clusters: &[Cluster],
    trees: &[&RouteModel],
    ctx: &mut Ctx,
) {
    let known: BTreeSet<&str> = spec
        .receivers
        .iter()
        .map(|r| r.value.name.as_str())
        .collect();
    let intervals = crate::lower::routing::time_intervals(spec);
    for test in &spec.routing_tests {
        let t = &test.value;
        if t.expect.iter().any(|e| !known.contains(e.as_str())) {
            // Reported as an unknown receiver already.
            continue;
        }
        // (actual receivers, route description) → where it fails so.
        let mut failures: BTreeMap<(Vec<String>, String), Failure> = BTreeMap::new();
        for (c, (cluster, tree)) in clusters.iter().zip(trees).enumerate() {
            if !cluster.selects(&t.clusters) {
                continue;
            }
            let labels = test_alert_labels(&t.alert, cluster.name, cluster.region);
            let deliveries = route(*tree, &labels);
            let Some((got, silent)) = notified(tree, &deliveries, t.at.as_ref(), &intervals) else {
                unknown_location(test, &intervals, ctx);
                break;
            };
            if got == t.expect {
                continue;
            }
            let mut path = describe_deliveries(tree, &deliveries);
            if let Some(at) = &t.at
                && !silent.is_empty()
            {
                let _ = write!(
                    path,
                    "; at {at}, the routes to {} are muted or not active",
                    list(&silent)
                );
            }
            failures
                .entry((got, path))
                .or_insert_with(|| Failure {
                    clusters: Vec::new(),
                    deliveries,
                    first: c,
                })
                .clusters
                .push(cluster.name);
        }
        for ((got, path), failure) in failures {
            let Failure {
                clusters: names,
                deliveries,
                first,
            } = failure;
            let where_ = match names.as_slice() {
                [one] => format!("cluster `{one}`"),
                many => format!("clusters {}", list(many)),
            };
            let labels = test_alert_labels(&t.alert, clusters[first].name, clusters[first].region);
            let expected = if t.expect.is_empty() {
                "no receiver".to_owned()
            } else {
                list(&t.expect)
            };
            let mut diag = Diagnostic::error(
                codes::ROUTING_TEST_FAILED,
                format!(
                    "routing test fails in {where_}: expected {expected}, got {}",
                    list(&got)
                ),
            )
            .at(list_span(test, &["expect"]))
            .label("expected receivers")
            .help(format!(
                "{}the alert {} is routed {path}{}",
                if names.len() > 1 {
                    format!("in `{}`, ", clusters[first].name)
                } else {
                    String::new()
                },
                format_labels(&labels),
                skipped(trees[first], &deliveries, &labels)
            ));
            let mut seen = BTreeSet::new();
            for d in &deliveries {
                if let Some(node) = crate::routing::router::node_at(trees[first], &d.path)
                    && seen.insert(d.path.clone())
                {
                    diag = diag.related(
                        node_span(root, node),
                        format!("the alert reaches `{}` here", d.receiver),
                    );
                }
            }
            ctx.push(diag);
        }
    }
}

/// The receivers notified, and those silenced by time intervals at the
/// test's instant (none without `at`); `None` when an interval's location
/// cannot be evaluated. An unknown interval name (reported already) holds
/// never.
fn notified(
    tree: &RouteModel,
    deliveries: &[Delivery],
    at: Option<&InstantText>,
    intervals: &[TimeIntervalModel],
) -> Option<(Vec<String>, Vec<String>)> {
    let (mut got, mut silent) = (Vec::new(), Vec::new());
    for d in deliveries {
        let muted = match (at, crate::routing::router::node_at(tree, &d.path)) {
            (Some(at), Some(node)) => silenced(node, |name| holds(intervals, name, *at.value()))?,
            _ => false,
        };
        if muted {
            silent.push(d.receiver.clone());
        } else {
            got.push(d.receiver.clone());
        }
    }
    Some((got, silent))
}

/// Whether interval `name` holds the instant `at`.
fn holds(intervals: &[TimeIntervalModel], name: &str, at: i64) -> Option<bool> {
    let Some(interval) = intervals.iter().find(|i| i.name == name) else {
        return Some(false);
    };
    let periods: Vec<Period> = interval.periods.iter().map(|p| p.parsed.clone()).collect();
    contains(&periods, at)
}

/// A routing test at an instant in `Local`, the Alertmanager machine's own
/// zone, which monocle cannot know.
fn unknown_location(test: &Item<RoutingTest>, intervals: &[TimeIntervalModel], ctx: &mut Ctx) {
    let unknown: BTreeSet<&str> = intervals
        .iter()
        .flat_map(|i| &i.periods)
        .filter_map(|p| p.location.as_deref())
        .filter(|l| !known_location(l))
        .collect();
    ctx.push(
        Diagnostic::error(
            codes::ROUTING_UNKNOWN_LOCATION,
            format!(
                "this routing test needs the time zone {}, which monocle cannot evaluate",
                list(&unknown.into_iter().collect::<Vec<_>>())
            ),
        )
        .at(test.span(&["at"]))
        .label("evaluated here")
        .help("`Local` is the zone of the machine Alertmanager runs on, which the spec does not say: name the zone (e.g. `Europe/Berlin`), or test without `at`"),
    );
}

/// `root → routes[0] {severity="critical"} ⇒ `x`; root → ... ⇒ `y``.
fn describe_deliveries(tree: &RouteModel, deliveries: &[Delivery]) -> String {
    let steps: Vec<String> = deliveries
        .iter()
        .map(|d| {
            let mut node = tree;
            let mut parts = vec![describe(node)];
            for &i in &d.path {
                node = &node.routes[i];
                let mut part = describe(node);
                if node.continues() {
                    part.push_str(" (continue)");
                }
                parts.push(part);
            }
            let fallback = if d.path.is_empty() {
                " (no child route matches)"
            } else {
                ""
            };
            format!("{} ⇒ `{}`{fallback}", parts.join(" → "), d.receiver)
        })
        .collect();
    steps.join("; and ")
}

/// Later siblings that match too but are never tried because an earlier
/// match has no `continue`: the usual reason a test fails.
fn skipped(
    tree: &RouteModel,
    deliveries: &[Delivery],
    labels: &BTreeMap<String, String>,
) -> String {
    let mut notes = BTreeSet::new();
    for d in deliveries {
        let mut parent = tree;
        for &i in &d.path {
            let node = &parent.routes[i];
            if !node.continues() {
                for later in &parent.routes[i + 1..] {
                    if matches_all(&later.matchers, labels) {
                        notes.insert(format!(
                            "{} matches too, but comes after {}, which has no `continue`",
                            describe(later),
                            describe(node)
                        ));
                    }
                }
            }
            parent = node;
        }
    }
    notes.into_iter().map(|n| format!("; {n}")).collect()
}

/// Why a route can never match.
#[derive(Clone)]
enum Unreachable {
    /// An earlier sibling (at this path) without `continue` takes its alerts.
    Shadowed(Vec<String>, String),
    /// Its own matchers contradict each other.
    Contradiction,
}

/// Routes shadowed by an earlier sibling without `continue`, or whose
/// matchers contradict each other: a warning, per route, naming the
/// clusters when it happens in only some of those the route is in.
fn unreachable_routes(
    root: &Item<Route>,
    clusters: &[Cluster],
    trees: &[&RouteModel],
    ctx: &mut Ctx,
) {
    let mut present: BTreeMap<Vec<String>, usize> = BTreeMap::new();
    let mut found: BTreeMap<Vec<String>, (Unreachable, Vec<&str>)> = BTreeMap::new();
    // Each distinct tree is searched once (its siblings pairwise), then
    // counted for every cluster that has it.
    let mut done: Vec<(*const RouteModel, Vec<&str>)> = Vec::new();
    for (cluster, tree) in clusters.iter().zip(trees) {
        let ptr: *const RouteModel = *tree;
        match done.iter_mut().find(|(p, _)| *p == ptr) {
            Some((_, names)) => names.push(cluster.name),
            None => done.push((ptr, vec![cluster.name])),
        }
    }
    for (ptr, names) in done {
        let tree = trees
            .iter()
            .find(|t| std::ptr::eq(**t, ptr))
            .copied()
            .unwrap_or(trees[0]);
        let mut stack = vec![tree];
        while let Some(node) = stack.pop() {
            for (j, child) in node.routes.iter().enumerate() {
                *present.entry(spec_path(&child.at)).or_default() += names.len();
                let reason = if contradictory(&child.matchers) {
                    Some(Unreachable::Contradiction)
                } else {
                    node.routes[..j]
                        .iter()
                        .find(|earlier| {
                            !earlier.continues() && shadows(&earlier.matchers, &child.matchers)
                        })
                        .map(|e| Unreachable::Shadowed(spec_path(&e.at), describe(e)))
                };
                match reason {
                    Some(reason) => found
                        .entry(spec_path(&child.at))
                        .or_insert_with(|| (reason, Vec::new()))
                        .1
                        .extend(&names),
                    None => stack.push(child),
                }
            }
        }
    }
    let all = routes(&root.value);
    let span_of = |path: &[String]| {
        all.iter()
            .find(|(p, _)| p.as_slice() == path)
            .map_or_else(|| root.span(&[]), |(p, r)| route_span(root, p, r))
    };
    for (path, (reason, names)) in found {
        let where_ = if present.get(&path) == Some(&names.len()) {
            String::new()
        } else {
            match names.as_slice() {
                [one] => format!(" in cluster `{one}`"),
                many => format!(" in clusters {}", list(many)),
            }
        };
        let diag = match reason {
            Unreachable::Shadowed(by, described) => {
                Diagnostic::warning(
                    codes::ROUTING_UNREACHABLE_ROUTE,
                    format!(
                        "this route can never match{where_}: the earlier sibling {described} takes every alert it would match and has no `continue`"
                    ),
                )
                .at(span_of(&path))
                .label("unreachable")
                .related(span_of(&by), "this route matches first")
                .help("move this route above the other one, make its matchers disjoint, or add `continue: true` to the earlier route")
            }
            Unreachable::Contradiction => Diagnostic::warning(
                codes::ROUTING_UNREACHABLE_ROUTE,
                format!("this route can never match{where_}: its matchers contradict each other"),
            )
            .at(span_of(&path))
            .label("no label set matches all of these")
            .help("remove the contradicting matcher"),
        };
        ctx.push(diag);
    }
}

/// Every label set matching all of `later` also matches all of `earlier`.
/// Sound, not complete: it finds the cases people write.
fn shadows(earlier: &[Matcher], later: &[Matcher]) -> bool {
    earlier.iter().all(|m| {
        later.iter().any(|l| {
            l == m || (l.name == m.name && l.op == MatchOp::Equal && m.matches_value(&l.value))
        })
    })
}

/// No label set matches all of `ms`: an equality another matcher on the
/// same label refuses.
fn contradictory(ms: &[Matcher]) -> bool {
    ms.iter().any(|eq| {
        eq.op == MatchOp::Equal
            && ms
                .iter()
                .any(|m| m.name == eq.name && !m.matches_value(&eq.value))
    })
}

/// Receivers no route sends to, at all or in some clusters they are selected for.
fn unused_receivers(
    spec: &Spec,
    root: &Item<Route>,
    clusters: &[Cluster],
    trees: &[&RouteModel],
    watchdog: bool,
    ctx: &mut Ctx,
) {
    let mut referenced: BTreeSet<&str> = routes(&root.value)
        .into_iter()
        .filter_map(|(_, r)| r.receiver.as_deref())
        .collect();
    if watchdog {
        referenced.insert(NULL_RECEIVER);
    }
    if referenced
        .iter()
        .any(|name| !spec.receivers.iter().any(|r| r.value.name == *name))
    {
        // A route names an unknown receiver, often a typo of the one that
        // would look unused: the error says enough.
        return;
    }
    let used_in: Vec<BTreeSet<&str>> = trees
        .iter()
        .map(|tree| {
            let mut used = BTreeSet::new();
            let mut stack: Vec<&RouteModel> = vec![*tree];
            while let Some(node) = stack.pop() {
                used.extend(node.receiver());
                stack.extend(&node.routes);
            }
            used
        })
        .collect();
    for receiver in &spec.receivers {
        let name = receiver.value.name.as_str();
        if !referenced.contains(name) {
            ctx.push(
                Diagnostic::warning(
                    codes::ROUTING_UNUSED_RECEIVER,
                    format!("receiver `{name}` is not used by any route"),
                )
                .at(receiver.span(&["name"]))
                .label("unused")
                .help(format!(
                    "send alerts to it with `receiver: {name}` on a route, or remove it"
                )),
            );
            continue;
        }
        let idle: Vec<&str> = clusters
            .iter()
            .zip(&used_in)
            .filter(|(c, used)| c.selects(&receiver.value.clusters) && !used.contains(name))
            .map(|(c, _)| c.name)
            .collect();
        if idle.is_empty() {
            continue;
        }
        let where_ = match idle.as_slice() {
            [one] => format!("cluster `{one}`"),
            many => format!("clusters {}", list(many)),
        };
        ctx.push(
            Diagnostic::warning(
                codes::ROUTING_UNUSED_RECEIVER,
                format!(
                    "receiver `{name}` is selected for {where_}, but no route there sends to it"
                ),
            )
            .at(receiver.span(&["name"]))
            .label("unused there")
            .help("give the receiver the same `clusters` selector as the routes that use it"),
        );
    }
}

/// `` `a`, `b` ``.
fn list<S: AsRef<str>>(items: &[S]) -> String {
    if items.is_empty() {
        return "no receiver".to_owned();
    }
    items
        .iter()
        .map(|i| format!("`{}`", i.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::parse_matchers;

    fn ms(s: &str) -> Vec<Matcher> {
        parse_matchers(s).unwrap()
    }

    #[test]
    fn shadowing_is_implication() {
        assert!(shadows(&[], &ms(r#"a="1""#)));
        assert!(shadows(&ms(r#"a="1""#), &ms(r#"a="1",b="2""#)));
        assert!(shadows(&ms(r#"a=~"1|2""#), &ms(r#"a="1""#)));
        assert!(shadows(&ms(r#"a!="3""#), &ms(r#"a="1""#)));
        assert!(!shadows(&ms(r#"a="1",b="2""#), &ms(r#"a="1""#)));
        assert!(!shadows(&ms(r#"a=~"1|2""#), &ms(r#"a=~"1""#)));
        assert!(!shadows(&ms(r#"a="1""#), &ms(r#"b="1""#)));
    }

    #[test]
    fn contradictions() {
        assert!(contradictory(&ms(r#"a="1",a="2""#)));
        assert!(contradictory(&ms(r#"a="1",a!="1""#)));
        assert!(contradictory(&ms(r#"a="x",a=~"y.*""#)));
        assert!(!contradictory(&ms(r#"a="1",b="2""#)));
        assert!(!contradictory(&ms(r#"a!="1",a!="2""#)));
    }
}
