//! The merged spec: every file's sections combined, each item keeping its
//! syntax subtree so later checks can point at any of its values.

use std::collections::BTreeMap;

use crate::routing::Matcher;
use crate::source::Span;
use crate::spec::{self, SelectorText};
use crate::syntax::Node;

/// A spec item (or single section) with the syntax it was read from.
#[derive(Debug, Clone)]
pub struct Item<T> {
    pub value: T,
    pub node: Node,
}

impl<T> Item<T> {
    /// The span of a value inside the item, by keys and list indices; the
    /// nearest existing ancestor when the value was left out.
    pub fn span(&self, path: &[&str]) -> Span {
        let mut node = &self.node;
        let mut key_span = None;
        for segment in path {
            match node.at_path([*segment]) {
                Some(child) => {
                    key_span = node.key_span(segment);
                    node = child;
                }
                None => break,
            }
        }
        // A block map or list has no span of its own: blame its key.
        match key_span {
            Some(key) if node.span.start == node.span.end => key,
            _ => node.blame_span(),
        }
    }

    /// The span of a key inside the item (for "defined here" pointers).
    pub fn key_span(&self, parent: &[&str], key: &str) -> Span {
        self.node
            .at_path(parent.iter().copied())
            .and_then(|n| n.key_span(key))
            .unwrap_or_else(|| self.span(parent))
    }
}

/// All files of a spec, merged. Lists are concatenated in file order.
#[derive(Debug, Clone, Default)]
pub struct Spec {
    pub clusters: Vec<Item<spec::Cluster>>,
    pub prometheus: Option<Item<spec::Prometheus>>,
    pub alertmanager: Option<Item<spec::Alertmanager>>,
    pub services: Vec<Item<spec::Service>>,
    pub alloy: Option<Item<spec::Alloy>>,
    /// `severities`, when a file sets it.
    pub severities: Option<Item<Vec<String>>>,
    pub alerts: Vec<Item<spec::Alert>>,
    pub records: Vec<Item<spec::Record>>,
    pub slos: Vec<Item<spec::Slo>>,
    pub slo_windows: Vec<Item<spec::SloWindows>>,
    pub receivers: Vec<Item<spec::Receiver>>,
    pub route: Option<Item<spec::Route>>,
    pub inhibit: Vec<Item<spec::Inhibit>>,
    pub routing_tests: Vec<Item<spec::RoutingTest>>,
    pub time_intervals: Vec<Item<spec::TimeInterval>>,
    /// `routing.global`, when a file sets it.
    pub routing_global: Option<Item<spec::RoutingGlobal>>,
    pub dashboards: Vec<Item<spec::Dashboard>>,
    pub monitor: Option<Item<spec::Monitor>>,
    pub output: Option<Item<spec::Output>>,
    /// The spec's `packs` entries (their items are merged like a file's).
    pub packs: Vec<Item<spec::PackEntry>>,
    /// The matchers of `route` and `inhibit`, parsed by check: lower reads
    /// these, never the strings.
    pub matchers: Matchers,
    /// Learned by parsing dashboard queries, so that lower need not parse
    /// them again: the labels the outermost aggregation of a query groups
    /// by (`sum by (a, b) (...)`), keyed by the query's text.
    pub query_grouping: BTreeMap<String, Vec<String>>,
    /// Where the first service of each name is in `services`, built on the
    /// first lookup: checks look a service up for each alert, rule and
    /// selector, and a fleet has thousands of services.
    service_index: std::sync::OnceLock<std::collections::HashMap<String, usize>>,
}

impl Spec {
    /// The first service named `name`.
    pub fn service(&self, name: &str) -> Option<&Item<spec::Service>> {
        let index = self.service_index.get_or_init(|| {
            let mut index = std::collections::HashMap::new();
            for (i, s) in self.services.iter().enumerate() {
                index.entry(s.value.name.clone()).or_insert(i);
            }
            index
        });
        match index.get(name).and_then(|&i| self.services.get(i)) {
            Some(found) if found.value.name == name => Some(found),
            // Not found, or the services changed after the index was built
            // (a miss is an unknown service, an error): look again.
            _ => self.services.iter().find(|s| s.value.name == name),
        }
    }
}

/// Matchers parsed by check (filled once the spec is valid).
#[derive(Debug, Clone, Default)]
pub struct Matchers {
    /// The route tree's matchers, shaped like `route`.
    pub route: RouteMatchers,
    /// Each inhibition rule's, in spec order.
    pub inhibit: Vec<InhibitMatchers>,
}

/// One route's matchers (all its strings together) and its children's, in
/// the order of the route's `routes`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RouteMatchers {
    pub matchers: Vec<Matcher>,
    pub routes: Vec<RouteMatchers>,
}

/// An inhibition rule's matchers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InhibitMatchers {
    pub source: Vec<Matcher>,
    pub target: Vec<Matcher>,
}

/// A `clusters` selector of the spec and where it is written.
pub struct ClustersField<'a> {
    pub selector: &'a Option<SelectorText>,
    pub span: Span,
    /// For an item of a service: what it is (`alert `x``, for messages) and
    /// its service's name. It is emitted only where the service is scraped.
    pub of_service: Option<(String, &'a str)>,
}

impl Spec {
    /// Every `clusters` selector of the spec (set or not), in section order.
    /// The one list of what carries one: a new section does not compile
    /// until it is sorted here, and a test compares the types with the
    /// schema's.
    pub fn clusters_fields(&self) -> Vec<ClustersField<'_>> {
        let Spec {
            clusters: _,
            prometheus: _,
            alertmanager: _,
            services,
            alloy,
            severities: _,
            alerts,
            records,
            slos,
            slo_windows: _,
            receivers,
            route,
            inhibit: _,
            routing_tests,
            time_intervals: _,
            routing_global: _,
            dashboards,
            monitor: _,
            output: _,
            packs,
            matchers: _,
            query_grouping: _,
            service_index: _,
        } = self;
        let field = |selector, span| ClustersField {
            selector,
            span,
            of_service: None,
        };
        let mut out = Vec::new();
        out.extend(
            services
                .iter()
                .map(|s| field(&s.value.clusters, s.span(&["clusters"]))),
        );
        out.extend(alerts.iter().map(|a| {
            ClustersField {
                selector: &a.value.clusters,
                span: a.span(&["clusters"]),
                of_service: a
                    .value
                    .service
                    .as_deref()
                    .map(|service| (format!("alert `{}`", a.value.name), service)),
            }
        }));
        out.extend(records.iter().map(|r| {
            ClustersField {
                selector: &r.value.clusters,
                span: r.span(&["clusters"]),
                of_service: r
                    .value
                    .service
                    .as_deref()
                    .map(|service| (format!("record `{}`", r.value.record), service)),
            }
        }));
        out.extend(slos.iter().map(|s| ClustersField {
            selector: &s.value.clusters,
            span: s.span(&["clusters"]),
            of_service: Some((format!("SLO `{}`", s.value.name), s.value.service.as_str())),
        }));
        if let Some(alloy) = alloy {
            out.extend(alloy.value.logs.iter().enumerate().map(|(i, log)| {
                field(
                    &log.clusters,
                    alloy.span(&["logs", &i.to_string(), "clusters"]),
                )
            }));
        }
        out.extend(
            dashboards
                .iter()
                .map(|d| field(&d.value.clusters, d.span(&["clusters"]))),
        );
        out.extend(
            receivers
                .iter()
                .map(|r| field(&r.value.clusters, r.span(&["clusters"]))),
        );
        out.extend(
            routing_tests
                .iter()
                .map(|t| field(&t.value.clusters, t.span(&["clusters"]))),
        );
        out.extend(
            packs
                .iter()
                .map(|p| field(&p.value.clusters, p.span(&["clusters"]))),
        );
        if let Some(item) = route {
            for (path, route) in routes(&item.value) {
                let mut at: Vec<&str> = path.iter().map(String::as_str).collect();
                at.push("clusters");
                out.push(field(&route.clusters, item.span(&at)));
            }
        }
        out
    }
}

/// Every route of the tree with its path from the root (`routes`, index, ...).
pub fn routes(root: &spec::Route) -> Vec<(Vec<String>, &spec::Route)> {
    let mut out = vec![(Vec::new(), root)];
    let mut i = 0;
    while i < out.len() {
        let (path, route) = (out[i].0.clone(), out[i].1);
        for (n, child) in route.routes.iter().enumerate() {
            let mut child_path = path.clone();
            child_path.push("routes".into());
            child_path.push(n.to_string());
            out.push((child_path, child));
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_service_is_found_by_name_first_of_its_name_and_after_changes() {
        use crate::source::{SourceId, Span};
        use crate::syntax::{Node, NodeKind};
        let item = |name: &str, team: &str| super::Item {
            value: crate::spec::Service {
                name: name.to_owned(),
                team: team.to_owned(),
                ..Default::default()
            },
            node: Node::new(NodeKind::Null, Span::new(SourceId(0), 0, 0)),
        };
        let mut spec = super::Spec {
            services: vec![item("a", "first"), item("b", "b"), item("a", "second")],
            ..Default::default()
        };
        assert_eq!(
            spec.service("a").map(|s| s.value.team.as_str()),
            Some("first")
        );
        assert!(spec.service("c").is_none());
        // Services added or reordered after the first lookup are still found.
        spec.services.push(item("c", "c"));
        spec.services.swap(0, 1);
        assert_eq!(spec.service("c").map(|s| s.value.team.as_str()), Some("c"));
        assert_eq!(
            spec.service("a").map(|s| s.value.team.as_str()),
            Some("first")
        );
    }

    /// The spec types [`super::Spec::clusters_fields`] walks.
    const WALKED: &[&str] = &[
        "Service",
        "Alert",
        "Record",
        "Slo",
        "LogPipeline",
        "Dashboard",
        "Receiver",
        "RoutingTest",
        "Route",
        "PackEntry",
    ];

    /// A type that gains a `clusters` selector fails here until
    /// `clusters_fields` walks it (and `WALKED` names it).
    #[test]
    fn every_clusters_selector_is_walked() {
        let defs = crate::schema::schema()["$defs"]
            .as_object()
            .expect("the schema has $defs");
        let mut with: Vec<&str> = defs
            .iter()
            .filter(|(_, d)| d["properties"]["clusters"]["$ref"] == "#/$defs/LabelSelector")
            .map(|(name, _)| name.as_str())
            .collect();
        with.sort_unstable();
        let mut walked = WALKED.to_vec();
        walked.sort_unstable();
        assert_eq!(with, walked);
    }
}
