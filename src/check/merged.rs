//! The merged spec: every file's sections combined, each item keeping its
//! syntax subtree so later checks can point at any of its values.

use crate::routing::Matcher;
use crate::source::Span;
use crate::spec;
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
    pub alerts: Vec<Item<spec::Alert>>,
    pub slos: Vec<Item<spec::Slo>>,
    pub receivers: Vec<Item<spec::Receiver>>,
    pub route: Option<Item<spec::Route>>,
    pub inhibit: Vec<Item<spec::Inhibit>>,
    pub routing_tests: Vec<Item<spec::RoutingTest>>,
    pub dashboards: Vec<Item<spec::Dashboard>>,
    pub monitor: Option<Item<spec::Monitor>>,
    /// The matchers of `route` and `inhibit`, parsed by check: lower reads
    /// these, never the strings.
    pub matchers: Matchers,
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
