//! Names: DNS-1123 where a name becomes a Kubernetes object or file name,
//! Prometheus label and alert names, and duplicates across all files.

use crate::diagnostic::codes;
use std::collections::BTreeMap;

use super::{Ctx, Item, Spec};
use crate::diagnostic::Diagnostic;
use crate::names::{
    ValueError, check_alert_name, check_dns1123_label, check_k8s_label_key, check_k8s_label_value,
    check_label_name, upper_camel,
};
use crate::source::Span;

pub fn check(spec: &Spec, ctx: &mut Ctx) {
    let clusters = spec
        .clusters
        .iter()
        .map(|c| (c.value.name.clone(), c.span(&["name"])));
    for (name, span) in clusters.clone() {
        dns_label(ctx, "cluster name", &name, span);
    }
    duplicates(ctx, "cluster", clusters);
    for cluster in &spec.clusters {
        for (key, value) in &cluster.value.labels {
            if let Err(e) = check_k8s_label_key(key) {
                ctx.value_error(
                    codes::NAMES_INVALID_LABEL_KEY,
                    cluster.key_span(&["labels"], key),
                    e,
                );
            }
            if let Err(e) = check_k8s_label_value(value) {
                ctx.value_error(
                    codes::NAMES_INVALID_LABEL_VALUE,
                    cluster.span(&["labels", key]),
                    e,
                );
            }
        }
        if let Some(p) = &cluster.value.prometheus {
            prometheus_names(ctx, p, |path| {
                cluster.span(&[&["prometheus"], path].concat())
            });
        }
    }
    if let Some(p) = &spec.prometheus {
        prometheus_names(ctx, &p.value, |path| p.span(path));
    }
    if let Some(am) = &spec.alertmanager
        && let Some(ns) = &am.value.namespace
    {
        dns_label(ctx, "namespace", ns, am.span(&["namespace"]));
    }

    let services = spec
        .services
        .iter()
        .map(|s| (s.value.name.clone(), s.span(&["name"])));
    duplicates(ctx, "service", services);
    service_objects(spec, ctx);
    for service in &spec.services {
        let s = &service.value;
        dns_label(ctx, "namespace", &s.namespace, service.span(&["namespace"]));
        // `team` becomes a label of every rule and alert, and text in the
        // SLO dashboard: a label value's characters only.
        if let Err(e) = check_k8s_label_value(&s.team) {
            ctx.value_error(
                codes::NAMES_INVALID_LABEL_VALUE,
                service.span(&["team"]),
                ValueError {
                    message: format!("invalid team `{}`: {}", s.team, e.message),
                    ..e
                },
            );
        }
        for (i, label) in s.drop_labels.iter().enumerate() {
            label_name(ctx, label, service.span(&["drop_labels", &i.to_string()]));
        }
    }

    if let Some(alloy) = &spec.alloy {
        if let Some(ns) = &alloy.value.namespace {
            dns_label(ctx, "namespace", ns, alloy.span(&["namespace"]));
        }
        let logs = alloy.value.logs.iter().enumerate();
        duplicates(
            ctx,
            "log pipeline",
            logs.clone().map(|(i, l)| {
                (
                    l.name.clone(),
                    alloy.span(&["logs", &i.to_string(), "name"]),
                )
            }),
        );
        for (i, log) in logs {
            let i = i.to_string();
            dns_label(
                ctx,
                "log pipeline name",
                &log.name,
                alloy.span(&["logs", &i, "name"]),
            );
            for (j, ns) in log.namespaces.iter().enumerate() {
                dns_label(
                    ctx,
                    "namespace",
                    ns,
                    alloy.span(&["logs", &i, "namespaces", &j.to_string()]),
                );
            }
            for (j, label) in log.labels.iter().enumerate() {
                label_name(
                    ctx,
                    label,
                    alloy.span(&["logs", &i, "labels", &j.to_string()]),
                );
            }
        }
    }

    rule_duplicates(spec, ctx);
    for alert in &spec.alerts {
        if let Err(e) = check_alert_name(&alert.value.name) {
            ctx.value_error(codes::NAMES_INVALID_ALERT_NAME, alert.span(&["name"]), e);
        }
        label_keys(ctx, alert, alert.value.labels.keys());
    }

    duplicates(
        ctx,
        "SLO",
        spec.slos.iter().map(|s| {
            (
                format!("{}` of service `{}", s.value.name, s.value.service),
                s.span(&["name"]),
            )
        }),
    );
    for slo in &spec.slos {
        if let Err(e) = super::slos::sloth_name(&slo.value.name) {
            let e = ValueError {
                message: format!("invalid SLO name `{}`: {}", slo.value.name, e.message),
                ..e
            };
            ctx.value_error(codes::NAMES_INVALID_SLO_NAME, slo.span(&["name"]), e);
        }
    }
    slo_alert_names(spec, ctx);
    slo_paths(spec, ctx);

    duplicates(
        ctx,
        "receiver",
        spec.receivers
            .iter()
            .map(|r| (r.value.name.clone(), r.span(&["name"]))),
    );
    duplicates(
        ctx,
        "time interval",
        spec.time_intervals
            .iter()
            .map(|i| (i.value.name.clone(), i.span(&["name"]))),
    );
    for receiver in &spec.receivers {
        if receiver.value.name.trim().is_empty() {
            ctx.push(
                Diagnostic::error(codes::NAMES_EMPTY_NAME, "a receiver needs a non-empty name")
                    .at(receiver.span(&["name"])),
            );
        }
    }

    duplicates(
        ctx,
        "dashboard",
        spec.dashboards
            .iter()
            .map(|d| (d.value.uid.clone(), d.span(&["uid"]))),
    );
    for dashboard in &spec.dashboards {
        let uid = &dashboard.value.uid;
        dns_label(ctx, "dashboard uid", uid, dashboard.span(&["uid"]));
        if uid.len() > 40 {
            ctx.push(
                Diagnostic::error(
                    codes::NAMES_UID_TOO_LONG,
                    format!("dashboard uid `{uid}` is longer than Grafana's 40 characters"),
                )
                .at(dashboard.span(&["uid"]))
                .help("shorten the uid; it must stay stable once dashboards are linked"),
            );
        }
        let vars = dashboard.value.variables.iter().enumerate();
        duplicates(
            ctx,
            "dashboard variable",
            vars.clone().map(|(i, v)| {
                (
                    v.name.clone(),
                    dashboard.span(&["variables", &i.to_string(), "name"]),
                )
            }),
        );
        for (i, var) in vars {
            label_name(
                ctx,
                &var.name,
                dashboard.span(&["variables", &i.to_string(), "name"]),
            );
        }
    }

    if let Some(monitor) = &spec.monitor {
        let names = monitor.value.monitors.iter().enumerate();
        duplicates(
            ctx,
            "monitor",
            names
                .clone()
                .map(|(i, m)| (m.clone(), monitor.span(&["monitors", &i.to_string()]))),
        );
        for (i, name) in names {
            dns_label(
                ctx,
                "monitor name",
                name,
                monitor.span(&["monitors", &i.to_string()]),
            );
        }
    }
}

/// The same rule twice on one cluster. An alert's name is fine with other
/// labels (a warning/critical pair): Prometheus and Alertmanager tell
/// alerts apart by their label set. A record's name is fine with other
/// labels or another expression (kube-prometheus splits one record by verb
/// over several rules); the same one twice writes every series twice. On
/// disjoint clusters either is fine (a pack tuned per cluster).
fn rule_duplicates(spec: &Spec, ctx: &mut Ctx) {
    let cluster_labels: Vec<_> = spec
        .clusters
        .iter()
        .map(|c| super::selectors::cluster_labels(&c.value))
        .collect();
    // The clusters a rule is emitted on: its own selector's, within its
    // service's.
    let on = |clusters: Option<&crate::spec::SelectorText>, service: Option<&String>| {
        let service = service
            .and_then(|name| spec.service(name))
            .and_then(|s| s.value.clusters.as_ref());
        cluster_labels
            .iter()
            .map(|c| {
                [clusters, service]
                    .iter()
                    .flatten()
                    .all(|s| s.value().matches(c))
            })
            .collect::<Vec<bool>>()
    };
    let labelled = |labels: &BTreeMap<String, String>| {
        labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut rules: Vec<(String, String, Span, Vec<bool>, &str)> = Vec::new();
    for a in &spec.alerts {
        let mut labels = a.value.labels.clone();
        labels.insert("severity".into(), a.value.severity.clone());
        let owner = match &a.value.service {
            Some(service) => format!(" of service `{service}`"),
            None => String::new(),
        };
        let name = format!(
            "alert `{}`{owner} with labels `{}`",
            a.value.name,
            labelled(&labels)
        );
        rules.push((
            name.clone(),
            name,
            a.span(&["name"]),
            on(a.value.clusters.as_ref(), a.value.service.as_ref()),
            "give one of them other labels or disjoint `clusters`, or remove it",
        ));
    }
    for r in &spec.records {
        let v = &r.value;
        let labels = if v.labels.is_empty() {
            "no labels".to_owned()
        } else {
            format!("labels `{}`", labelled(&v.labels))
        };
        rules.push((
            format!(
                "record {}\n{}\n{}",
                v.record,
                labelled(&v.labels),
                v.expr.trim()
            ),
            format!(
                "recording rule `{}` with {labels} and the same expression",
                v.record
            ),
            r.span(&["record"]),
            on(v.clusters.as_ref(), v.service.as_ref()),
            "remove one of them, or give them disjoint `clusters`",
        ));
    }
    let mut seen: BTreeMap<String, Vec<(Span, Vec<bool>)>> = BTreeMap::new();
    for (key, name, span, on, help) in rules {
        let earlier = seen.entry(key).or_default();
        let clash = earlier.iter().find(|(_, other)| {
            other.iter().zip(&on).any(|(x, y)| *x && *y) || cluster_labels.is_empty()
        });
        if let Some((first, _)) = clash {
            ctx.push(
                Diagnostic::error(codes::NAMES_DUPLICATE, format!("duplicate {name}"))
                    .at(span)
                    .label("defined again here")
                    .related(*first, "first defined here")
                    .help(help),
            );
        }
        earlier.push((span, on));
    }
}

fn prometheus_names(ctx: &mut Ctx, p: &crate::spec::Prometheus, span: impl Fn(&[&str]) -> Span) {
    if let Some(ns) = &p.namespace {
        dns_label(ctx, "namespace", ns, span(&["namespace"]));
    }
    if let Some(shards) = &p.shards {
        let entries = shards
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.clone(), span(&["shards", &i.to_string(), "name"])));
        for (name, at) in entries.clone() {
            dns_label(ctx, "shard name", &name, at);
        }
        duplicates(ctx, "shard", entries);
    }
    if let Some(rw) = &p.remote_write {
        let entries = rw.iter().enumerate().map(|(i, r)| {
            (
                r.name.clone(),
                span(&["remote_write", &i.to_string(), "name"]),
            )
        });
        for (name, at) in entries.clone() {
            dns_label(ctx, "remote-write name", &name, at);
        }
        duplicates(ctx, "remote-write target", entries);
    }
}

fn label_keys<'a, T>(ctx: &mut Ctx, item: &Item<T>, keys: impl Iterator<Item = &'a String>) {
    for key in keys {
        let span = item.key_span(&["labels"], key);
        if let Err(e) = check_label_name(key) {
            ctx.value_error(codes::NAMES_INVALID_LABEL_NAME, span, e);
        } else if key.starts_with("__") {
            // Prometheus drops them or (`__name__`) renames the series.
            ctx.push(
                Diagnostic::error(
                    codes::NAMES_RESERVED_LABEL,
                    format!(
                        "label `{key}` is reserved: names starting with `__` are Prometheus' own"
                    ),
                )
                .at(span)
                .label("reserved label name")
                .help("choose a name that does not start with `__`"),
            );
        }
    }
}

fn dns_label(ctx: &mut Ctx, what: &str, name: &str, span: Span) {
    if let Err(e) = check_dns1123_label(name) {
        let e = ValueError {
            message: format!("invalid {what} `{name}`: {}", e.message),
            ..e
        };
        ctx.value_error(codes::NAMES_INVALID_DNS_NAME, span, e);
    } else if is_windows_reserved(name) {
        ctx.push(
            Diagnostic::error(
                codes::NAMES_RESERVED_FILE_NAME,
                format!("{what} `{name}` would name a generated file or folder, and Windows reserves `{name}`"),
            )
            .at(span)
            .label("reserved on Windows")
            .help(format!("a checkout of the generated files on Windows cannot hold `{name}` or `{name}.yaml`; choose another name")),
        );
    }
}

/// Device names Windows reserves in any folder, with any extension.
fn is_windows_reserved(name: &str) -> bool {
    let digit = |rest: &str| rest.len() == 1 && rest.as_bytes()[0].is_ascii_digit() && rest != "0";
    matches!(name, "con" | "prn" | "aux" | "nul")
        || name.strip_prefix("com").is_some_and(digit)
        || name.strip_prefix("lpt").is_some_and(digit)
}

fn label_name(ctx: &mut Ctx, name: &str, span: Span) {
    if let Err(e) = check_label_name(name) {
        ctx.value_error(codes::NAMES_INVALID_LABEL_NAME, span, e);
    }
}

/// The pack file `span` is in (`pack:etcd/pack.yaml`, or a pack folder's
/// `pack.yaml`), if it is in one.
fn pack_file(ctx: &Ctx, span: Span) -> Option<String> {
    let path = &ctx.sources.get(span.source).path;
    (path.file_name()? == crate::load::PACK_FILE).then(|| path.display().to_string())
}

/// Every name that was already taken is an error pointing at both places.
fn duplicates(ctx: &mut Ctx, what: &str, entries: impl Iterator<Item = (String, Span)>) {
    let mut seen: BTreeMap<String, Span> = BTreeMap::new();
    for (name, span) in entries {
        match seen.get(&name) {
            Some(first) => {
                let packs = (pack_file(ctx, *first), pack_file(ctx, span));
                let help = match packs {
                    // One pack listed twice (per-cluster tuning) whose params
                    // shape the item differently in each listing.
                    (Some(a), Some(b)) if a == b => format!(
                        "the pack in `{a}` is listed more than once with params that change its {what} `{name}`, and a {what} is the same on every cluster: give the params it uses the same value in every listing (alert thresholds and overrides may differ)"
                    ),
                    // The spec already does by hand what a pack now brings.
                    (Some(pack), _) | (None, Some(pack)) => format!(
                        "the pack in `{pack}` brings its own {what} `{name}`: remove the spec's and tune the pack's with its params and alert overrides, or leave the pack out"
                    ),
                    (None, None) => format!(
                        "rename one of them; each {what} name must be unique across all spec files"
                    ),
                };
                ctx.push(
                    Diagnostic::error(codes::NAMES_DUPLICATE, format!("duplicate {what} `{name}`"))
                        .at(span)
                        .label("defined again here")
                        .related(*first, "first defined here")
                        .help(help),
                );
            }
            None => {
                seen.insert(name, span);
            }
        }
    }
}

/// A service name may use Sloth's characters; what is named after it
/// (its monitor, rule file, SLO dashboard) takes its object name, so two
/// services must not meet there, and that name must not be one Windows
/// reserves for files.
fn service_objects(spec: &Spec, ctx: &mut Ctx) {
    let mut seen: BTreeMap<String, &Item<crate::spec::Service>> = BTreeMap::new();
    for service in &spec.services {
        let name = &service.value.name;
        let span = service.span(&["name"]);
        if let Err(e) = super::slos::sloth_name(name) {
            let e = ValueError {
                message: format!("invalid service name `{name}`: {}", e.message),
                ..e
            };
            ctx.value_error(codes::NAMES_INVALID_SERVICE_NAME, span, e);
            continue;
        }
        let object = crate::names::object_name(name);
        if is_windows_reserved(&object) {
            ctx.push(
                Diagnostic::error(
                    codes::NAMES_RESERVED_FILE_NAME,
                    format!("service `{name}` would name generated files `{object}.yaml`, and Windows reserves `{object}`"),
                )
                .at(span)
                .label("reserved on Windows")
                .help("a checkout of the generated files on Windows cannot hold them; choose another name"),
            );
        }
        let Some(first) = seen.get(&object).copied() else {
            seen.insert(object, service);
            continue;
        };
        // The same name twice is reported as a duplicate already.
        if first.value.name == *name {
            continue;
        }
        ctx.push(
            Diagnostic::error(
                codes::NAMES_DERIVED_NAME_COLLISION,
                format!(
                    "services `{name}` and `{}` would both name their monitor, rule file and SLO dashboard `{object}`",
                    first.value.name
                ),
            )
            .at(span)
            .label("same object name")
            .related(first.span(&["name"]), "this service is named so too")
            .help("file and object names are lowercased, with every character but letters, digits and `-` as `-`: rename one of the services"),
        );
    }
}

/// Two SLOs whose burn-rate alerts get one name page, route and silence as
/// one alert; a rule file of each would still load, so nothing else says so.
///
/// `slos/<service>-<slo>.yaml`, lowercased with `_` and `.` as `-`:
/// service `a-b` with SLO `c` and service `a` with SLO `b-c` would write
/// the same file, and so would SLOs `api.read` and `api_read`.
fn slo_paths(spec: &Spec, ctx: &mut Ctx) {
    let mut seen: BTreeMap<String, &Item<crate::spec::Slo>> = BTreeMap::new();
    for slo in &spec.slos {
        let id = crate::lower::slo::id(&slo.value.service, &slo.value.name);
        let file = crate::names::object_name(&id);
        let Some(first) = seen.get(&file).copied() else {
            seen.insert(file, slo);
            continue;
        };
        // The same name twice is reported as a duplicate already.
        if first.value.service == slo.value.service && first.value.name == slo.value.name {
            continue;
        }
        ctx.push(
            Diagnostic::error(
                codes::NAMES_DERIVED_NAME_COLLISION,
                format!(
                    "SLO `{}` of service `{}` and SLO `{}` of service `{}` would both be written to `slos/{file}.yaml`",
                    slo.value.name, slo.value.service, first.value.name, first.value.service
                ),
            )
            .at(slo.span(&["name"]))
            .label("same output file")
            .related(first.span(&["name"]), "this SLO is written there too")
            .help("file and object names are lowercased, with `_` and `.` as `-`: rename one of the SLOs"),
        );
    }
}

fn slo_alert_names(spec: &Spec, ctx: &mut Ctx) {
    let mut seen: BTreeMap<String, &Item<crate::spec::Slo>> = BTreeMap::new();
    for slo in &spec.slos {
        let name = crate::lower::slo::alert_name(&slo.value);
        let Some(first) = seen.get(&name) else {
            seen.insert(name, slo);
            continue;
        };
        if first.value.name == slo.value.name && first.value.service == slo.value.service {
            continue; // a duplicate SLO, reported as such
        }
        let explicit = slo
            .value
            .alerting
            .as_ref()
            .is_some_and(|a| a.name.is_some());
        let span = if explicit {
            slo.span(&["alerting", "name"])
        } else {
            slo.span(&["name"])
        };
        let suggestion = format!(
            "{}{}BudgetBurn",
            upper_camel(&slo.value.service),
            upper_camel(&slo.value.name)
        );
        ctx.push(
            Diagnostic::error(
                codes::NAMES_DUPLICATE_SLO_ALERT,
                format!(
                    "SLO `{}` of service `{}` would name its alerts `{name}`, like SLO `{}` of service `{}`",
                    slo.value.name, slo.value.service, first.value.name, first.value.service
                ),
            )
            .at(span)
            .label("same alert name")
            .related(first.span(&["name"]), "first used here")
            .help(format!(
                "give one of them its own `alerting: {{name: {suggestion}}}` so routes and silences can tell them apart"
            )),
        );
    }
}
