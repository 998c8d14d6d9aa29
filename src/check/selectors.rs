//! Label selectors: a service's Kubernetes selector and the `clusters`
//! selector any item may carry.

use crate::diagnostic::codes;
use std::collections::BTreeMap;

use super::{Ctx, Spec};
use crate::diagnostic::Diagnostic;
use crate::selector::Selector;
use crate::source::Span;
use crate::spec::{Cluster, SelectorText};

/// The labels a `clusters` selector sees: `name`, `environment`, `region`
/// and the cluster's own labels.
pub fn cluster_labels(cluster: &Cluster) -> BTreeMap<String, String> {
    let mut labels = cluster.labels.clone();
    labels.insert("name".into(), cluster.name.clone());
    if let Some(env) = &cluster.environment {
        labels.insert("environment".into(), env.clone());
    }
    if let Some(region) = &cluster.region {
        labels.insert("region".into(), region.clone());
    }
    labels
}

pub fn check(spec: &Spec, ctx: &mut Ctx) {
    let clusters: Vec<BTreeMap<String, String>> = spec
        .clusters
        .iter()
        .map(|c| cluster_labels(&c.value))
        .collect();
    let check_clusters = |ctx: &mut Ctx, value: &Option<SelectorText>, span: Span| {
        let Some(text) = value else { return };
        if !clusters.is_empty() && !clusters.iter().any(|c| text.value().matches(c)) {
            ctx.push(
                Diagnostic::warning(
                    codes::SELECTOR_MATCHES_NOTHING,
                    format!("cluster selector `{}` matches no cluster", text.as_str()),
                )
                .at(span)
                .label("selects nothing")
                .help(
                    "clusters are selected by `name`, `environment`, `region` and their `labels`",
                ),
            );
        }
    };
    for s in &spec.services {
        let text = s.value.selector.as_str();
        if text.trim().is_empty() {
            ctx.push(
                Diagnostic::error(codes::SELECTOR_EMPTY, format!("service `{}` has an empty selector, which would scrape every object in its namespace", s.value.name))
                    .at(s.span(&["selector"]))
                    .help("select the workload's objects, e.g. `app.kubernetes.io/name=my-app`"),
            );
        } else {
            duplicate_keys(ctx, s.value.selector.value(), s.span(&["selector"]));
        }
    }
    // An item of a service is emitted only where its service is scraped:
    // a `clusters` outside those would make its rules vanish silently.
    let selected = |text: &Option<SelectorText>| -> Vec<bool> {
        match text {
            None => vec![true; clusters.len()],
            Some(t) => clusters.iter().map(|c| t.value().matches(c)).collect(),
        }
    };
    let within_service = |ctx: &mut Ctx,
                          what: String,
                          service: &str,
                          value: &Option<SelectorText>,
                          span: Span| {
        let Some(text) = value else { return };
        let Some(service_item) = spec.service(service) else {
            return;
        };
        let (own, theirs) = (selected(value), selected(&service_item.value.clusters));
        if clusters.is_empty() || own.iter().zip(&theirs).any(|(a, b)| *a && *b) {
            return;
        }
        let service_clusters = service_item
            .value
            .clusters
            .as_ref()
            .map_or("all clusters".to_owned(), |c| format!("`{}`", c.as_str()));
        ctx.push(
                Diagnostic::error(
                    codes::SELECTOR_OUTSIDE_SERVICE,
                    format!(
                        "{what} selects none of the clusters service `{service}` is scraped in, so it would produce no rule anywhere"
                    ),
                )
                .at(span)
                .label(format!("`{}` and the service's {service_clusters} do not overlap", text.as_str()))
                .help("an item of a service goes only where its service is; widen the service's `clusters` or fix this selector"),
            );
    };
    for field in spec.clusters_fields() {
        match field.of_service {
            Some((what, service)) => {
                within_service(ctx, what, service, field.selector, field.span);
            }
            None => check_clusters(ctx, field.selector, field.span),
        }
    }
}

/// `app=a,app=b`: Kubernetes matches nothing, and as `matchLabels` (a map)
/// only the last value would remain, so the monitor would select `app=b`.
fn duplicate_keys(ctx: &mut Ctx, selector: &Selector, span: Span) {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for r in &selector.requirements {
        if r.op != crate::selector::Operator::Equals {
            continue;
        }
        let value = r.values.first().map_or("", String::as_str);
        if let Some(first) = seen.insert(&r.key, value) {
            ctx.push(
                Diagnostic::error(
                    codes::SELECTOR_DUPLICATE_KEY,
                    format!(
                        "the selector requires `{}` twice (`{first}` and `{value}`)",
                        r.key
                    ),
                )
                .at(span)
                .label("the same key twice")
                .help(format!(
                    "keep one `{}=...`; for either value write `{} in ({first}, {value})`",
                    r.key, r.key
                )),
            );
        }
    }
}
