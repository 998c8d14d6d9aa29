//! Alertmanager's routing (`dispatch.Route.Match`): an alert enters at the
//! root; at every matching route the children are tried in order, the first
//! matching child wins unless it has `continue`; a matching route none of
//! whose children match receives the alert itself. A route without a
//! receiver inherits its parent's. The root receives when nothing else does.

use std::collections::BTreeMap;

use super::matcher::{Matcher, matches_all};

/// A node of a route tree, as the router sees it.
pub trait RouteNode: Sized {
    fn matchers(&self) -> &[Matcher];
    /// The receiver named on this route (`None`: inherited from the parent).
    fn receiver(&self) -> Option<&str>;
    fn continues(&self) -> bool;
    fn routes(&self) -> &[Self];
    /// Time intervals in which the route notifies no one.
    fn mute_time_intervals(&self) -> &[String] {
        &[]
    }
    /// Time intervals outside which the route notifies no one (empty: always active).
    fn active_time_intervals(&self) -> &[String] {
        &[]
    }
}

/// Whether `node` notifies no one at an instant, given whether each named
/// interval holds it (`None`: cannot tell). Muting does not change routing:
/// a muted route still matches and stops its later siblings, as in
/// Alertmanager. Intervals are the route's own, never inherited.
pub fn silenced<R: RouteNode>(node: &R, holds: impl Fn(&str) -> Option<bool>) -> Option<bool> {
    for name in node.mute_time_intervals() {
        if holds(name)? {
            return Some(true);
        }
    }
    let active = node.active_time_intervals();
    if active.is_empty() {
        return Some(false);
    }
    for name in active {
        if holds(name)? {
            return Some(false);
        }
    }
    Some(true)
}

/// One receiver an alert reaches, and the route that sent it there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub receiver: String,
    /// Child indices from the root to the receiving route (empty: the root).
    pub path: Vec<usize>,
}

/// Every receiver `labels` reach, in Alertmanager's order (a receiver
/// reached by two routes appears twice, as in `amtool config routes test`).
pub fn route<R: RouteNode>(root: &R, labels: &BTreeMap<String, String>) -> Vec<Delivery> {
    let mut out = Vec::new();
    let inherited = root.receiver().unwrap_or_default();
    walk(root, inherited, &mut Vec::new(), labels, &mut out);
    out
}

/// The receivers of [`route`], in order.
pub fn receivers<R: RouteNode>(root: &R, labels: &BTreeMap<String, String>) -> Vec<String> {
    route(root, labels)
        .into_iter()
        .map(|d| d.receiver)
        .collect()
}

/// The route at `path` (child indices from `root`).
pub fn node_at<'a, R: RouteNode>(root: &'a R, path: &[usize]) -> Option<&'a R> {
    path.iter().try_fold(root, |node, &i| node.routes().get(i))
}

/// Whether `node` matched (and so delivered somewhere).
fn walk<R: RouteNode>(
    node: &R,
    inherited: &str,
    path: &mut Vec<usize>,
    labels: &BTreeMap<String, String>,
    out: &mut Vec<Delivery>,
) -> bool {
    if !matches_all(node.matchers(), labels) {
        return false;
    }
    let receiver = node.receiver().unwrap_or(inherited);
    let before = out.len();
    for (i, child) in node.routes().iter().enumerate() {
        path.push(i);
        let matched = walk(child, receiver, path, labels, out);
        path.pop();
        if matched && !child.continues() {
            break;
        }
    }
    if out.len() == before {
        out.push(Delivery {
            receiver: receiver.to_owned(),
            path: path.clone(),
        });
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::parse_matchers;

    struct R {
        matchers: Vec<Matcher>,
        receiver: Option<&'static str>,
        cont: bool,
        routes: Vec<R>,
    }

    impl RouteNode for R {
        fn matchers(&self) -> &[Matcher] {
            &self.matchers
        }
        fn receiver(&self) -> Option<&str> {
            self.receiver
        }
        fn continues(&self) -> bool {
            self.cont
        }
        fn routes(&self) -> &[Self] {
            &self.routes
        }
    }

    fn r(m: &str, receiver: Option<&'static str>, cont: bool, routes: Vec<R>) -> R {
        R {
            matchers: if m.is_empty() {
                Vec::new()
            } else {
                parse_matchers(m).unwrap()
            },
            receiver,
            cont,
            routes,
        }
    }

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn fleet() -> R {
        r(
            "",
            Some("general"),
            false,
            vec![
                r(r#"severity="critical""#, Some("critical"), true, vec![]),
                r(
                    r#"severity="critical",team="backup""#,
                    Some("pager"),
                    false,
                    vec![],
                ),
                r(
                    r#"team="backup""#,
                    None,
                    false,
                    vec![r("x=1", Some("x"), false, vec![])],
                ),
            ],
        )
    }

    #[test]
    fn continue_keeps_matching_later_siblings() {
        let got = route(
            &fleet(),
            &labels(&[("severity", "critical"), ("team", "backup")]),
        );
        assert_eq!(
            got,
            [
                Delivery {
                    receiver: "critical".into(),
                    path: vec![0]
                },
                Delivery {
                    receiver: "pager".into(),
                    path: vec![1]
                },
            ]
        );
    }

    #[test]
    fn first_match_wins_without_continue() {
        let got = receivers(
            &fleet(),
            &labels(&[("severity", "critical"), ("team", "backup"), ("x", "1")]),
        );
        // routes[2] would match too, but routes[1] has no `continue`.
        assert_eq!(got, ["critical", "pager"]);
    }

    #[test]
    fn a_matching_parent_without_matching_children_receives_with_inherited_receiver() {
        let got = route(&fleet(), &labels(&[("team", "backup")]));
        assert_eq!(
            got,
            [Delivery {
                receiver: "general".into(),
                path: vec![2]
            }]
        );
        let got = route(&fleet(), &labels(&[("team", "backup"), ("x", "1")]));
        assert_eq!(got[0].path, [2, 0]);
        assert_eq!(got[0].receiver, "x");
    }

    #[test]
    fn the_root_receives_when_nothing_else_does() {
        let got = route(&fleet(), &labels(&[("severity", "warning")]));
        assert_eq!(
            got,
            [Delivery {
                receiver: "general".into(),
                path: vec![]
            }]
        );
    }

    #[test]
    fn only_continuing_matches_fall_back_to_the_root_only_if_nothing_matched() {
        // A continuing match counts: the root does not receive as well.
        let got = receivers(&fleet(), &labels(&[("severity", "critical")]));
        assert_eq!(got, ["critical"]);
        assert!(node_at(&fleet(), &[2, 0]).is_some());
        assert!(node_at(&fleet(), &[3]).is_none());
    }
}
