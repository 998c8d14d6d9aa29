//! Routing in review terms: receivers and routes as items, and the
//! consequences of a change: which receivers each routing test and each
//! alert reach before and after.

use std::collections::BTreeMap;

use super::items::Item;
use crate::model::ClusterModel;
use crate::model::routing::{
    EmailModel, OpsgenieModel, PagerDutyModel, ReceiverModel, ResponderModel, RouteModel,
    SecretSource, SlackModel, WebhookModel,
};
use crate::model::rules::{AlertModel, RuleFileModel};
use crate::routing::test_alert_labels;

/// `2026-12-01T10:00:00Z`, for a probe's name.
fn instant(at: i64) -> String {
    crate::routing::time::format_instant(at)
}

fn secret(source: &SecretSource) -> String {
    source.path()
}

pub fn items(cluster: &ClusterModel) -> Vec<Item> {
    let mut out = Vec::new();
    let r = &cluster.routing;
    for receiver in &r.receivers {
        let ReceiverModel {
            name,
            slack,
            pagerduty,
            webhook,
            email,
            opsgenie,
        } = receiver;
        let mut item = Item::new("receiver", name);
        if let Some(slack) = slack {
            let SlackModel {
                channel,
                webhook,
                title,
                fallback: _, // the title, for push notifications
                text,
                send_resolved,
            } = slack;
            item = item
                .field("slack channel", channel)
                .field("slack webhook", secret(webhook))
                .field("slack title", title)
                .field("slack text", text)
                .opt("send_resolved", *send_resolved);
        }
        if let Some(pd) = pagerduty {
            let PagerDutyModel {
                routing_key,
                severity,
                description,
            } = pd;
            item = item
                .field("pagerduty key", secret(routing_key))
                .field("pagerduty severity", severity)
                .field("pagerduty description", description);
        }
        if let Some(w) = webhook {
            let WebhookModel {
                url,
                send_resolved,
                max_alerts,
            } = w;
            item = item
                .field("webhook url", secret(url))
                .opt("send_resolved", *send_resolved)
                .opt("max_alerts", *max_alerts);
        }
        if let Some(e) = email {
            let EmailModel {
                to,
                from,
                smarthost,
                auth_username,
                auth_password,
                require_tls,
            } = e;
            item = item
                .field("email to", to)
                .field("email from", from)
                .field("email smarthost", smarthost)
                .opt("email auth_username", auth_username.as_ref())
                .opt("email password", auth_password.as_ref().map(secret))
                .opt("require_tls", *require_tls);
        }
        if let Some(o) = opsgenie {
            let OpsgenieModel {
                api_key,
                priority,
                responders,
            } = o;
            let responders: Vec<String> = responders
                .iter()
                .map(|r| {
                    let ResponderModel {
                        kind,
                        name,
                        id,
                        username,
                    } = r;
                    let who = name.as_ref().or(id.as_ref()).or(username.as_ref());
                    format!("{kind} {}", who.map_or("", String::as_str))
                })
                .collect();
            item = item
                .field("opsgenie key", secret(api_key))
                .opt("opsgenie priority", priority.as_ref())
                .opt(
                    "opsgenie responders",
                    (!responders.is_empty()).then(|| responders.join(", ")),
                );
        }
        out.push(item);
    }
    if let Some(root) = &r.route {
        routes(root, "root", &mut out);
    }
    out
}

/// Routes are named by their matchers (stable across reordering), the root by "root".
fn routes(route: &RouteModel, name: &str, out: &mut Vec<Item>) {
    let RouteModel {
        receiver,
        matchers: _, // the route's name
        continue_,
        group_by,
        group_wait,
        group_interval,
        repeat_interval,
        routes: children,
        mute_time_intervals,
        active_time_intervals,
        at: _, // where the spec wrote it, not what it does
    } = route;
    let list = |names: &[String]| (!names.is_empty()).then(|| names.join(", "));
    out.push(
        Item::new("route", name)
            .opt("receiver", receiver.as_ref())
            .opt("continue", continue_.then_some(true))
            .opt("group_by", group_by.as_ref().map(|g| g.join(", ")))
            .opt("group_wait", group_wait.as_ref())
            .opt("group_interval", group_interval.as_ref())
            .opt("repeat_interval", repeat_interval.as_ref())
            .opt("mute_time_intervals", list(mute_time_intervals))
            .opt("active_time_intervals", list(active_time_intervals)),
    );
    for child in children {
        let matchers: Vec<String> = child.matchers.iter().map(ToString::to_string).collect();
        let child_name = if matchers.is_empty() {
            format!("{name} > (any)")
        } else {
            format!("{name} > {}", matchers.join(", "))
        };
        routes(child, &child_name, out);
    }
}

/// A label set to route, and the instant a routing test evaluates time
/// intervals at.
type Probe = (BTreeMap<String, String>, Option<i64>);

/// Label sets whose routing a reviewer wants to see: each routing test's
/// alert (at its instant, when it has one), keyed by a readable name.
fn test_probes(cluster: &ClusterModel) -> BTreeMap<String, Probe> {
    let mut out = BTreeMap::new();
    for test in &cluster.routing.tests {
        // Name it by the labels the spec wrote, so the same test folds
        // across clusters; the probe keeps the cluster's own labels.
        let mut written = test.labels.clone();
        if written.get("cluster") == Some(&cluster.name) {
            written.remove("cluster");
        }
        if written.get("region") == cluster.region.as_ref() {
            written.remove("region");
        }
        let mut name = format!("routing test {}", crate::routing::format_labels(&written));
        if let Some(at) = test.at {
            name.push_str(&format!(" at {}", instant(at)));
        }
        out.insert(name, (test.labels.clone(), test.at));
    }
    out
}

/// Each alert rule's static labels, old and new, each variant of a shared
/// name paired with the same variant of the other version.
fn alert_probes(
    old: &ClusterModel,
    new: &ClusterModel,
) -> Vec<(String, Option<Probe>, Option<Probe>)> {
    let mut named: BTreeMap<&str, (Vec<&AlertModel>, Vec<&AlertModel>)> = BTreeMap::new();
    for alert in old.rule_files.iter().flat_map(RuleFileModel::alerts) {
        named.entry(&alert.name).or_default().0.push(alert);
    }
    for alert in new.rule_files.iter().flat_map(RuleFileModel::alerts) {
        named.entry(&alert.name).or_default().1.push(alert);
    }
    let probe = |cluster: &ClusterModel, alert: &AlertModel| -> Probe {
        let mut labels = alert.labels.clone();
        labels.insert("alertname".into(), alert.name.clone());
        let labels = test_alert_labels(&labels, &cluster.name, cluster.region.as_deref());
        (labels, None)
    };
    named
        .into_iter()
        .flat_map(|(name, (olds, news))| super::variants::pair(name, &olds, &news, |a| &a.labels))
        .map(|(name, a, b)| {
            (
                format!("alert `{name}`"),
                a.map(|a| probe(old, a)),
                b.map(|b| probe(new, b)),
            )
        })
        .collect()
}

/// `(probe, before, after)` for every probe whose receivers changed.
pub fn consequences(old: &ClusterModel, new: &ClusterModel) -> Vec<(String, String, String)> {
    let reach = |cluster: &ClusterModel, (labels, at): &Probe| -> String {
        if cluster.routing.route.is_none() {
            return "nobody (no routing)".to_owned();
        }
        match cluster.routing.notified(labels, *at) {
            Some(list) if list.is_empty() => "nobody".to_owned(),
            Some(list) => list.join(", "),
            // A zone monocle cannot evaluate (check refuses such a test).
            None => "unknown".to_owned(),
        }
    };
    // Each side routes its own labels: an alert whose severity changed is
    // routed as it was through the old tree and as it is through the new.
    // A probe that exists on one side only is routed with those labels on both.
    let (before_tests, after_tests) = (test_probes(old), test_probes(new));
    let names: std::collections::BTreeSet<&String> =
        before_tests.keys().chain(after_tests.keys()).collect();
    let tests = names.into_iter().map(|name| {
        (
            name.clone(),
            before_tests.get(name).cloned(),
            after_tests.get(name).cloned(),
        )
    });
    let mut out: Vec<(String, String, String)> = tests
        .chain(alert_probes(old, new))
        .filter_map(|(name, old_labels, new_labels)| {
            let old_labels = old_labels.or_else(|| new_labels.clone())?;
            let new_labels = new_labels.unwrap_or_else(|| old_labels.clone());
            let (before, after) = (reach(old, &old_labels), reach(new, &new_labels));
            (before != after).then_some((name, before, after))
        })
        .collect();
    out.sort();
    out
}
