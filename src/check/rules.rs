//! Alerting and recording rules as a whole: severities against the spec's
//! `severities`.

use crate::diagnostic::codes;
use std::collections::BTreeMap;

use super::Item;
use super::placement::Placement;
use super::{Ctx, Spec};
use crate::diagnostic::Diagnostic;
use crate::lower::rules::severities;
use crate::names::check_label_name;
use crate::names::did_you_mean;
use crate::source::Span;
use crate::spec::{Alert, BurnAlert};

/// The short forms of annotations: (field, annotation).
const SHORT_ANNOTATIONS: [(&str, &str); 3] = [
    ("summary", "summary"),
    ("description", "description"),
    ("runbook", "runbook_url"),
];

/// Annotation names are label names to Prometheus; a short form written
/// again under `annotations` would have to overwrite one of the two.
fn annotations(ctx: &mut Ctx, alert: &Item<Alert>) {
    let a = &alert.value;
    for key in a.annotations.keys() {
        if let Err(e) = check_label_name(key) {
            ctx.value_error(
                codes::NAMES_INVALID_LABEL_NAME,
                alert.key_span(&["annotations"], key),
                e,
            );
        }
    }
    for (field, annotation) in SHORT_ANNOTATIONS {
        let set = match field {
            "summary" => a.summary.is_some(),
            "description" => a.description.is_some(),
            _ => a.runbook.is_some(),
        };
        if set && a.annotations.contains_key(annotation) {
            ctx.push(
                Diagnostic::error(
                    codes::RULES_ANNOTATION_TWICE,
                    format!("annotation `{annotation}` is written twice: as `{field}` and under `annotations`"),
                )
                .at(alert.key_span(&["annotations"], annotation))
                .label("written again here")
                .related(alert.key_span(&[], field), "first written here")
                .help(format!("keep one of them; `{field}` is the short form of `annotations: {{{annotation}: ...}}`")),
            );
        }
    }
}

/// monocle sets `severity`, `team` and `service` on an alert: a label of
/// the spec with the same key and another value would be overwritten.
fn label_conflicts(spec: &Spec, ctx: &mut Ctx, alert: &Item<Alert>) {
    let a = &alert.value;
    let service_team = a
        .service
        .as_deref()
        .and_then(|name| spec.service(name))
        .map(|s| s.value.team.as_str());
    let (team, team_from) = match &a.team {
        Some(team) => (Some(team.as_str()), "`team`"),
        None => (service_team, "the service's `team`"),
    };
    let set: [(&str, Option<&str>, &str); 3] = [
        ("severity", Some(a.severity.as_str()), "`severity`"),
        ("team", team, team_from),
        ("service", a.service.as_deref(), "`service`"),
    ];
    for (key, value, from) in set {
        let (Some(value), Some(written)) = (value, a.labels.get(key)) else {
            continue;
        };
        if written == value {
            continue;
        }
        ctx.push(
            Diagnostic::error(
                codes::RULES_LABEL_CONFLICT,
                format!("label `{key}: {written}` conflicts with the `{key}: {value}` monocle sets from {from}"),
            )
            .at(alert.span(&["labels", key]))
            .label("would be overwritten")
            .help(format!("remove the label, or set {from} to `{written}`")),
        );
    }
}

pub fn check(spec: &Spec, ctx: &mut Ctx) {
    severity_list(spec, ctx);
    let known = severities(spec);
    let known: Vec<&str> = known.iter().map(String::as_str).collect();
    for alert in &spec.alerts {
        severity(
            ctx,
            &known,
            &alert.value.severity,
            alert.span(&["severity"]),
            None,
        );
        annotations(ctx, alert);
        label_conflicts(spec, ctx, alert);
        if let Some(team) = &alert.value.team
            && let Err(e) = crate::names::check_k8s_label_value(team)
        {
            ctx.value_error(codes::NAMES_INVALID_LABEL_VALUE, alert.span(&["team"]), e);
        }
    }
    groups(spec, ctx);
    records(spec, ctx);
    for slo in &spec.slos {
        let alerting = slo.value.alerting.clone().unwrap_or_default();
        for (which, alert, default) in [
            (
                "page",
                &alerting.page,
                crate::lower::slo::DEFAULT_PAGE_SEVERITY,
            ),
            (
                "ticket",
                &alerting.ticket,
                crate::lower::slo::DEFAULT_TICKET_SEVERITY,
            ),
        ] {
            match alert {
                Some(BurnAlert::Enabled(false)) => {}
                Some(BurnAlert::Settings(settings)) if settings.severity.is_some() => {
                    let value = settings.severity.as_deref().unwrap_or_default();
                    let span = slo.span(&["alerting", which, "severity"]);
                    severity(ctx, &known, value, span, None);
                }
                _ => {
                    let span = slo.span(&["alerting", which]);
                    let span = if alert.is_some() {
                        span
                    } else {
                        slo.span(&["name"])
                    };
                    severity(ctx, &known, default, span, Some(which));
                }
            }
        }
    }
}

/// `severities` entries: non-empty (Prometheus drops an empty label) and
/// each once.
fn severity_list(spec: &Spec, ctx: &mut Ctx) {
    let Some(item) = &spec.severities else { return };
    let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
    for (i, name) in item.value.iter().enumerate() {
        let span = item.span(&[&i.to_string()]);
        if name.trim().is_empty() {
            ctx.push(
                Diagnostic::error(codes::NAMES_EMPTY_NAME, "a severity must not be empty")
                    .at(span)
                    .help("Prometheus drops an empty label, so the alert would have no `severity`"),
            );
        } else if let Some(first) = seen.insert(name, span) {
            ctx.push(
                Diagnostic::error(
                    codes::NAMES_DUPLICATE,
                    format!("duplicate severity `{name}`"),
                )
                .at(span)
                .label("listed again here")
                .related(first, "first listed here")
                .help("list each severity once"),
            );
        }
    }
}

/// An error unless `value` is one of the spec's severities. `default_of`
/// names the SLO alert (`page`, `ticket`) whose default severity it is.
fn severity(ctx: &mut Ctx, known: &[&str], value: &str, span: Span, default_of: Option<&str>) {
    if known.contains(&value) {
        return;
    }
    let listed = known
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let diag = if let Some(which) = default_of {
        Diagnostic::error(
            codes::ALERTS_UNKNOWN_SEVERITY,
            format!("this SLO's {which} alert has the default severity `{value}`, which is not one of `severities`"),
        )
        .at(span)
        .label(format!("{which} alert with severity `{value}`"))
        .help(format!(
            "set `alerting: {{{which}: {{severity: ...}}}}` to one of {listed}, or add `{value}` to `severities`"
        ))
    } else {
        let help = match did_you_mean(value, known.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!(
                "the spec's severities are {listed}; add `{value}` to `severities` to use it"
            ),
        };
        Diagnostic::error(
            codes::ALERTS_UNKNOWN_SEVERITY,
            format!("unknown severity `{value}`"),
        )
        .at(span)
        .label("not one of `severities`")
        .help(help)
    };
    ctx.push(diag);
}

/// Where a group was first seen, its first rule and that rule's shard on
/// each cluster (of [`Placement`]), and the first interval set.
type GroupSeen<'a> = (Span, Vec<Option<(String, Span)>>, Option<(&'a str, Span)>);

/// One rule as the group checks see it.
struct Entry<'a> {
    group: String,
    /// Its shard on each cluster of [`Placement`], `None` where it is not
    /// emitted.
    shards: Vec<Option<String>>,
    interval: Option<(&'a str, Span)>,
    /// Where to point at the rule's group (its `group`, or its name).
    at: Span,
}

/// A rule's `service`, `shard` and `clusters`: what decides where it runs.
type RulePlace<'s> = (
    Option<&'s String>,
    Option<&'s String>,
    &'s Option<crate::spec::SelectorText>,
);

/// The shard of a rule on each cluster, as lower places it.
fn rule_shards(
    spec: &Spec,
    placement: &Placement,
    service: Option<&String>,
    shard: Option<&String>,
    clusters: &Option<crate::spec::SelectorText>,
) -> Vec<Option<String>> {
    // A rule of an unknown service (refs' error) is emitted nowhere.
    let service = match service {
        Some(name) => match spec.service(name) {
            Some(s) => Some(&s.value),
            None => return vec![None; placement.clusters.len()],
        },
        None => None,
    };
    placement
        .clusters
        .iter()
        .map(|c| {
            c.has_rule(clusters, service)
                .then(|| c.rule_shard(shard, service))
        })
        .collect()
}

/// A group is one PrometheusRule on one shard with one interval, and two
/// groups never share a file or an object name.
fn groups<'s>(spec: &'s Spec, ctx: &mut Ctx) {
    use crate::lower::rules::{alert_group, group_object, group_path, record_group};
    let placement = Placement::of(spec);
    // What an alert and a record have in common for grouping: its group,
    // where it runs, its interval and where to point at its group.
    let entry = |group: String,
                 (service, shard, clusters): RulePlace<'s>,
                 interval: Option<(&'s str, Span)>,
                 at: Span| Entry {
        group,
        shards: rule_shards(spec, &placement, service, shard, clusters),
        interval,
        at,
    };
    let mut entries: Vec<Entry> = Vec::new();
    for alert in &spec.alerts {
        let a = &alert.value;
        let named = if a.group.is_some() { "group" } else { "name" };
        entries.push(entry(
            alert_group(a),
            (a.service.as_ref(), a.shard.as_ref(), &a.clusters),
            a.interval
                .as_ref()
                .map(|i| (i.as_str(), alert.span(&["interval"]))),
            alert.span(&[named]),
        ));
    }
    for record in &spec.records {
        let r = &record.value;
        let named = if r.group.is_some() { "group" } else { "record" };
        entries.push(entry(
            record_group(r),
            (r.service.as_ref(), r.shard.as_ref(), &r.clusters),
            r.interval
                .as_ref()
                .map(|i| (i.as_str(), record.span(&["interval"]))),
            record.span(&[named]),
        ));
    }
    // group → (its first rule, the first interval set)
    let mut seen: BTreeMap<String, GroupSeen> = BTreeMap::new();
    let mut files: BTreeMap<String, (String, Span)> = BTreeMap::new();
    let mut objects: BTreeMap<String, (String, Span)> = BTreeMap::new();
    for entry in entries {
        let Entry {
            group,
            shards,
            interval,
            at: group_span,
        } = entry;
        let Some((_, first_shards, first_interval)) = seen.get_mut(&group) else {
            let object = group_object(&group);
            if object.is_empty() {
                ctx.push(
                    Diagnostic::error(codes::NAMES_INVALID_DNS_NAME, format!("rule group `{group}` has no letter or digit to name its file and object by"))
                        .at(group_span)
                        .help("name the group with letters and digits, e.g. `node-exporter`"),
                );
            }
            for (kind, name, taken) in [
                ("file", group_path(&group), &mut files),
                ("object", object, &mut objects),
            ] {
                if let Some((other, at)) = taken.get(&name) {
                    ctx.push(
                        Diagnostic::error(codes::RULES_GROUP_CONFLICT, format!("rule groups `{group}` and `{other}` would both be written to {kind} `{name}`"))
                            .at(group_span)
                            .label(format!("same {kind}"))
                            .related(*at, "the other group")
                            .help("rename one of the groups"),
                    );
                } else {
                    taken.insert(name, (group.clone(), group_span));
                }
            }
            let firsts = shards
                .into_iter()
                .map(|s| s.map(|s| (s, group_span)))
                .collect();
            seen.insert(group, (group_span, firsts, interval));
            continue;
        };
        // The first cluster where the group's first rule there is on
        // another shard: a cluster's own shards can part rules that agree
        // on the fleet's.
        let clash = placement
            .clusters
            .iter()
            .zip(&shards)
            .zip(first_shards.iter())
            .find_map(|((cluster, shard), first)| match (shard, first) {
                (Some(shard), Some((first, at))) if shard != first => {
                    Some((cluster, shard, first, *at))
                }
                _ => None,
            });
        if let Some((cluster, shard, first_shard, first_at)) = clash {
            // Name the cluster only where its own shards decide.
            let on = match cluster.name() {
                Some(name) if cluster.own => format!(" on cluster `{name}`"),
                _ => String::new(),
            };
            ctx.push(
                Diagnostic::error(codes::RULES_GROUP_CONFLICT, format!("rule group `{group}` would hold rules of shard `{first_shard}` and of shard `{shard}`{on}"))
                    .at(group_span)
                    .label(format!("evaluated by shard `{shard}`{on}"))
                    .related(first_at, format!("on shard `{first_shard}`"))
                    .help("a group is one PrometheusRule that one shard loads: put the rules of each shard in their own group"),
            );
        }
        // Later rules compare with the first rule on each cluster.
        for (first, shard) in first_shards.iter_mut().zip(shards) {
            if first.is_none() {
                *first = shard.map(|s| (s, group_span));
            }
        }
        match (&first_interval, interval) {
            (Some((first_value, first_at)), Some((value, at))) if *first_value != value => {
                ctx.push(
                    Diagnostic::error(codes::RULES_GROUP_CONFLICT, format!("rule group `{group}` is given two intervals, `{first_value}` and `{value}`"))
                        .at(at)
                        .label("another interval")
                        .related(*first_at, "first set here")
                        .help("a group has one evaluation interval: set the same `interval` on its rules, or on one of them"),
                );
            }
            (None, Some(_)) => *first_interval = interval,
            _ => {}
        }
    }
}

/// Recording rules: a valid metric name, valid label names, a known service.
fn records(spec: &Spec, ctx: &mut Ctx) {
    let services: Vec<&str> = spec
        .services
        .iter()
        .map(|s| s.value.name.as_str())
        .collect();
    for record in &spec.records {
        let r = &record.value;
        if let Err(e) = crate::names::check_record_name(&r.record) {
            ctx.value_error(
                codes::NAMES_INVALID_RECORD_NAME,
                record.span(&["record"]),
                e,
            );
        }
        for key in r.labels.keys() {
            if let Err(e) = check_label_name(key) {
                ctx.value_error(
                    codes::NAMES_INVALID_LABEL_NAME,
                    record.key_span(&["labels"], key),
                    e,
                );
            }
        }
        if let Some(service) = &r.service
            && !services.contains(&service.as_str())
        {
            let help = match did_you_mean(service, services.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "name a service of the spec, or leave `service` out".to_owned(),
            };
            ctx.push(
                Diagnostic::error(
                    codes::REFS_UNKNOWN_SERVICE,
                    format!("unknown service `{service}`"),
                )
                .at(record.span(&["service"]))
                .label("no service has this name")
                .help(help),
            );
        }
    }
}
