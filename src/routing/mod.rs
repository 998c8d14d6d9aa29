//! Alertmanager semantics monocle needs at compile time: the matcher
//! syntax ([`matcher`]) and the routing of an alert through a route tree
//! ([`router`]), and time intervals ([`time`]). They follow Alertmanager 0.25, whose `amtool` the test
//! suite compares them with.

pub mod matcher;
pub mod router;
pub mod time;

use std::collections::BTreeMap;

pub use matcher::{MatchOp, Matcher, parse_matcher, parse_matchers};
pub use router::{Delivery, RouteNode, receivers, route};

/// The labels a routing test's alert reaches Alertmanager with in a
/// cluster: Prometheus adds its external labels `cluster` (and `region`,
/// when the cluster has one) to every alert, unless the alert sets them.
pub fn test_alert_labels(
    alert: &BTreeMap<String, String>,
    cluster: &str,
    region: Option<&str>,
) -> BTreeMap<String, String> {
    let mut labels = alert.clone();
    labels
        .entry("cluster".to_owned())
        .or_insert_with(|| cluster.to_owned());
    if let Some(region) = region {
        labels
            .entry("region".to_owned())
            .or_insert_with(|| region.to_owned());
    }
    labels
}

/// A label set as Alertmanager shows it: `{a="x", b="y"}`.
pub fn format_labels(labels: &BTreeMap<String, String>) -> String {
    let pairs: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", matcher::escape(v)))
        .collect();
    format!("{{{}}}", pairs.join(", "))
}
