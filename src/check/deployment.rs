//! What it takes for the generated Prometheus and Alertmanager to run in a
//! real cluster: storage that outlives a restart, valid account, Secret and
//! label names, and labels that an existing Prometheus selects by.

use crate::diagnostic::codes;
use std::collections::BTreeSet;

use super::{Ctx, Spec};
use crate::diagnostic::Diagnostic;
use crate::names::{check_dns1123_subdomain, check_k8s_label_key, check_k8s_label_value};
use crate::source::Span;
use crate::spec::{Prometheus, Storage};

/// Labels monocle puts on its own objects; `rule_labels` may not change them.
const OWN_LABELS: [&str; 3] = [
    crate::model::MANAGED_BY_LABEL,
    crate::model::TEAM_LABEL,
    crate::model::SHARD_LABEL,
];

pub fn check(spec: &Spec, ctx: &mut Ctx) {
    if let Some(p) = &spec.prometheus {
        settings(ctx, &p.value, |path| p.span(path));
    }
    for cluster in &spec.clusters {
        if let Some(p) = &cluster.value.prometheus {
            settings(ctx, p, |path| {
                cluster.span(&[&["prometheus"], path].concat())
            });
        }
    }
    if let Some(am) = &spec.alertmanager {
        if let Some(storage) = &am.value.storage {
            storage_values(ctx, storage, |path| am.span(&[&["storage"], path].concat()));
        }
        if let Some(secret) = &am.value.config_secret
            && let Err(e) = check_dns1123_subdomain(secret)
        {
            ctx.value_error(
                codes::NAMES_INVALID_DNS_NAME,
                am.span(&["config_secret"]),
                e,
            );
        }
    }
    ephemeral_retention(spec, ctx);
}

fn settings(ctx: &mut Ctx, p: &Prometheus, span: impl Fn(&[&str]) -> Span) {
    if let Some(storage) = &p.storage {
        storage_values(ctx, storage, |path| span(&[&["storage"], path].concat()));
    }
    if let Some(account) = &p.service_account
        && let Err(e) = check_dns1123_subdomain(account)
    {
        ctx.value_error(codes::NAMES_INVALID_DNS_NAME, span(&["service_account"]), e);
    }
    for (key, value) in p.rule_labels.iter().flatten() {
        let at = span(&["rule_labels", key]);
        if OWN_LABELS.contains(&key.as_str()) {
            ctx.push(
                Diagnostic::error(
                    codes::PROMETHEUS_OWN_RULE_LABEL,
                    format!("`{key}` is a label monocle sets on its objects itself"),
                )
                .at(at)
                .label("would be overwritten")
                .help("choose another label for your Prometheus to select by"),
            );
            continue;
        }
        if let Err(e) = check_k8s_label_key(key) {
            ctx.value_error(codes::NAMES_INVALID_LABEL_KEY, at, e);
        } else if let Err(e) = check_k8s_label_value(value) {
            ctx.value_error(codes::NAMES_INVALID_LABEL_VALUE, at, e);
        }
    }
}

fn storage_values(ctx: &mut Ctx, storage: &Storage, span: impl Fn(&[&str]) -> Span) {
    if let Err(e) = crate::units::check_memory_quantity(storage.size.as_str()) {
        ctx.value_error(codes::UNITS_INVALID_QUANTITY, span(&["size"]), e);
    }
    if let Some(class) = &storage.class
        && let Err(e) = check_dns1123_subdomain(class)
    {
        ctx.value_error(codes::NAMES_INVALID_DNS_NAME, span(&["class"]), e);
    }
}

/// A retention longer than a day without storage keeps data in an
/// emptyDir: every restart loses it, and with it every long SLO window.
fn ephemeral_retention(spec: &Spec, ctx: &mut Ctx) {
    let fleet = spec.prometheus.as_ref();
    let mut reported = BTreeSet::new();
    for cluster in &spec.clusters {
        let own = cluster.value.prometheus.as_ref();
        let managed = own
            .and_then(|p| p.managed)
            .or_else(|| fleet.and_then(|p| p.value.managed))
            .unwrap_or(crate::lower::DEFAULT_MANAGED);
        let storage = own.is_some_and(|p| p.storage.is_some())
            || fleet.is_some_and(|p| p.value.storage.is_some());
        if !managed || storage {
            continue;
        }
        let (retention, span) = match (own.and_then(|p| p.retention.as_ref()), fleet) {
            (Some(r), _) => (r, cluster.span(&["prometheus", "retention"])),
            (None, Some(f)) => match &f.value.retention {
                Some(r) => (r, f.span(&["retention"])),
                None => continue,
            },
            (None, None) => continue,
        };
        let days = retention.value();
        if days.millis <= 24 * 3600 * 1000 || !reported.insert(span) {
            continue;
        }
        ctx.push(
            Diagnostic::warning(
                codes::PROMETHEUS_NO_STORAGE,
                format!(
                    "retention `{}` without `storage`: Prometheus keeps its data in an emptyDir and loses it on every restart",
                    retention.as_str()
                ),
            )
            .at(span)
            .label("lost on restart")
            .help("add `storage: {size: 50Gi}` (and `class` if the cluster has no default StorageClass)"),
        );
    }
}
