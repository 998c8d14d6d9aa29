//! References between items: services → shards, alerts and SLOs →
//! services, routes and routing tests → receivers (also per cluster, since
//! a receiver can be deselected where its route is not).

use crate::diagnostic::codes;
use std::collections::BTreeSet;

use super::merged::routes;
use super::placement::{ClusterShards, Placement};
use super::selectors::cluster_labels;
use super::{Ctx, Spec};
use crate::diagnostic::Diagnostic;
use crate::names::did_you_mean;
use crate::source::Span;
use crate::spec::SelectorText;

pub fn check(spec: &Spec, ctx: &mut Ctx) {
    shards(spec, ctx);
    let services: Vec<&str> = spec
        .services
        .iter()
        .map(|s| s.value.name.as_str())
        .collect();
    // Known services are found through the spec's index: a fleet has
    // thousands of alerts and services.
    let unknown = |name: &str| spec.service(name).is_none();
    for alert in &spec.alerts {
        if let Some(service) = &alert.value.service
            && unknown(service)
        {
            reference(ctx, "service", service, &services, alert.span(&["service"]));
        }
    }
    for slo in spec.slos.iter().filter(|s| unknown(&s.value.service)) {
        reference(
            ctx,
            "service",
            &slo.value.service,
            &services,
            slo.span(&["service"]),
        );
    }
    receivers(spec, ctx);
}

/// Shards named by services and rules, checked on every cluster the item
/// is emitted on against that cluster's shards (its own
/// `prometheus.shards`, or the fleet's), as lower places them. A shard
/// must be named when the fleet has several; on a cluster whose own list
/// has several, an item naming none goes to the first (as lower does).
fn shards(spec: &Spec, ctx: &mut Ctx) {
    let placement = Placement::of(spec);
    let fleet: Vec<&str> = spec
        .prometheus
        .as_ref()
        .and_then(|p| p.value.shards.as_ref())
        .map(|s| s.iter().map(|s| s.name.as_str()).collect())
        .unwrap_or_default();
    for service in &spec.services {
        let s = &service.value;
        match &s.shard {
            Some(shard) => named_shard(ctx, &placement, shard, service.span(&["shard"]), |c| {
                c.selects(&s.clusters)
            }),
            None if fleet.len() > 1 => ctx.push(
                Diagnostic::error(
                    codes::REFS_MISSING_SHARD,
                    format!("service `{}` must name its shard", s.name),
                )
                .at(service.span(&["name"]))
                .help(format!("add `shard:` with one of {}", quote(&fleet))),
            ),
            None => {}
        }
    }
    // Alerts and records are placed alike: on their service's shard, or on
    // the one they name.
    let rules = spec
        .alerts
        .iter()
        .map(|a| {
            let v = &a.value;
            (
                "alert",
                &v.name,
                &v.service,
                &v.shard,
                &v.clusters,
                a.span(&["name"]),
                a.span(&["shard"]),
            )
        })
        .chain(spec.records.iter().map(|r| {
            let v = &r.value;
            (
                "record",
                &v.record,
                &v.service,
                &v.shard,
                &v.clusters,
                r.span(&["record"]),
                r.span(&["shard"]),
            )
        }));
    for (kind, name, service, shard, clusters, name_span, shard_span) in rules {
        match (service, shard) {
            (None, Some(shard)) => {
                named_shard(ctx, &placement, shard, shard_span, |c| c.selects(clusters));
            }
            (None, None) if fleet.len() > 1 => ctx.push(
                Diagnostic::error(codes::REFS_MISSING_SHARD, format!("{kind} `{name}` has no service, so it must name its shard"))
                    .at(name_span)
                    .help(format!("add `shard:` with one of {}, or `service:` to evaluate it where the service is scraped", quote(&fleet))),
            ),
            (Some(service), Some(shard)) => {
                let Some(s) = spec.service(service) else {
                    continue;
                };
                // Where the rule is emitted, its service's shard decides.
                let mismatch = placement.clusters.iter().find_map(|c| {
                    let theirs = c.service_shard(&s.value);
                    (c.has_rule(clusters, Some(&s.value)) && &theirs != shard)
                        .then_some((c, theirs))
                });
                if let Some((c, theirs)) = mismatch {
                    let on = match c.name() {
                        Some(cluster) if c.own => format!(" on cluster `{cluster}`"),
                        _ => String::new(),
                    };
                    ctx.push(
                        Diagnostic::error(codes::RULES_SHARD_MISMATCH, format!("{kind} `{name}` names shard `{shard}`, but its service `{service}` is scraped by shard `{theirs}`{on}"))
                            .at(shard_span)
                            .label("not the service's shard")
                            .help(format!("remove `shard`: a{} {kind} of a service is evaluated where the service's series are", if kind == "alert" { "n" } else { "" })),
                    );
                }
            }
            _ => {}
        }
    }
}

/// An error unless `shard` is a shard of every cluster `on` selects.
fn named_shard(
    ctx: &mut Ctx,
    placement: &Placement,
    shard: &str,
    span: Span,
    on: impl Fn(&ClusterShards) -> bool,
) {
    let all = placement.all_listed();
    if all.is_empty() {
        ctx.push(
            Diagnostic::error(
                codes::REFS_UNKNOWN_SHARD,
                format!("shard `{shard}` is not defined: `prometheus.shards` is empty"),
            )
            .at(span)
            .help("define the shard under `prometheus: {shards: [{name: ...}]}` or remove `shard`"),
        );
        return;
    }
    if !all.contains(&shard) {
        reference(ctx, "shard", shard, &all, span);
        return;
    }
    // Defined somewhere: it must be a shard of each cluster the item is on.
    let missing: Vec<&ClusterShards> = placement
        .clusters
        .iter()
        .filter(|c| on(c) && !c.listed.contains(&shard))
        .collect();
    let Some(first) = missing.first() else {
        return;
    };
    let cluster = first.name().unwrap_or_default();
    let others = match missing.len() - 1 {
        0 => String::new(),
        1 => " (and on 1 other cluster)".to_owned(),
        n => format!(" (and on {n} other clusters)"),
    };
    let mut diag = Diagnostic::error(
        codes::REFS_UNKNOWN_SHARD,
        format!("shard `{shard}` is not defined on cluster `{cluster}`{others}"),
    )
    .at(span)
    .label(format!("cluster `{cluster}` has no shard `{shard}`"))
    .help(format!(
        "add `{shard}` to the shards of cluster `{cluster}`, or narrow `clusters` to the clusters that have it"
    ));
    if let Some(list) = placement.list_span(first) {
        let whose = if first.own {
            format!("cluster `{cluster}`'s own shards: {}", quote(&first.listed))
        } else {
            format!(
                "the fleet's shards, which cluster `{cluster}` uses: {}",
                quote(&first.listed)
            )
        };
        diag = diag.related(list, whose);
    }
    ctx.push(diag);
}

fn receivers(spec: &Spec, ctx: &mut Ctx) {
    use crate::lower::routing::{NULL_RECEIVER, WATCHDOG};
    let names: Vec<&str> = spec
        .receivers
        .iter()
        .map(|r| r.value.name.as_str())
        .collect();
    let Some(root) = &spec.route else {
        if !spec.receivers.is_empty() {
            ctx.push(
                Diagnostic::error(
                    codes::ROUTING_NO_ROUTE,
                    "receivers are defined but `routing.route` is missing",
                )
                .at(spec.receivers[0].span(&["name"]))
                .help("add `routing: {route: {receiver: ...}}` naming the default receiver"),
            );
        }
        return;
    };
    if root.value.receiver.is_none() {
        ctx.push(
            Diagnostic::error(
                codes::ROUTING_ROOT_RECEIVER,
                "the root route needs a `receiver`: alerts that match no child route go there",
            )
            .at(root.span(&[]))
            .help("add `receiver:` with the default receiver"),
        );
    }
    let all_routes = routes(&root.value);
    for (path, route) in &all_routes {
        if let Some(receiver) = &route.receiver {
            let mut at: Vec<&str> = path.iter().map(String::as_str).collect();
            at.push("receiver");
            reference(ctx, "receiver", receiver, &names, root.span(&at));
        }
    }
    // The null receiver monocle adds for a Watchdog (see
    // `lower::routing::routes_watchdog_to_null`) can be expected too.
    let mut expectable = names.clone();
    if spec.alerts.iter().any(|a| a.value.name == WATCHDOG) && !names.contains(&NULL_RECEIVER) {
        expectable.push(NULL_RECEIVER);
    }
    for test in &spec.routing_tests {
        for (i, expected) in test.value.expect.iter().enumerate() {
            reference(
                ctx,
                "receiver",
                expected,
                &expectable,
                test.span(&["expect", &i.to_string()]),
            );
        }
    }

    // Per cluster, a selected route must not send to a deselected receiver.
    for cluster in &spec.clusters {
        let labels = cluster_labels(&cluster.value);
        let selected =
            |s: &Option<SelectorText>| s.as_ref().is_none_or(|s| s.value().matches(&labels));
        let available: BTreeSet<&str> = spec
            .receivers
            .iter()
            .filter(|r| selected(&r.value.clusters))
            .map(|r| r.value.name.as_str())
            .collect();
        let mut live_prefixes: Vec<Vec<String>> = Vec::new();
        for (path, route) in &all_routes {
            let parent_live = path.len() < 2
                || live_prefixes
                    .iter()
                    .any(|p| p.as_slice() == &path[..path.len() - 2]);
            if !(parent_live && selected(&route.clusters)) {
                continue;
            }
            live_prefixes.push(path.clone());
            if let Some(receiver) = &route.receiver
                && names.contains(&receiver.as_str())
                && !available.contains(receiver.as_str())
            {
                let mut at: Vec<&str> = path.iter().map(String::as_str).collect();
                at.push("receiver");
                ctx.push(
                    Diagnostic::error(
                        codes::ROUTING_DESELECTED_RECEIVER,
                        format!("in cluster `{}` this route sends to receiver `{receiver}`, which is not selected for that cluster", cluster.value.name),
                    )
                    .at(root.span(&at))
                    .label("receiver not available here")
                    .help("give the route the same `clusters` selector as its receiver, or widen the receiver's"),
                );
            }
        }
    }
}

/// An error unless `name` is one of `known`, with a "did you mean".
fn reference(ctx: &mut Ctx, what: &str, name: &str, known: &[&str], span: Span) {
    if known.contains(&name) {
        return;
    }
    let help = match did_you_mean(name, known.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None if known.is_empty() => format!("no {what} is defined"),
        None => format!("defined {what}s: {}", quote(known)),
    };
    ctx.push(
        Diagnostic::error(
            match what {
                "service" => codes::REFS_UNKNOWN_SERVICE,
                "shard" => codes::REFS_UNKNOWN_SHARD,
                _ => codes::REFS_UNKNOWN_RECEIVER,
            },
            format!("unknown {what} `{name}`"),
        )
        .at(span)
        .label(format!("no {what} has this name"))
        .help(help),
    );
}

fn quote(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
