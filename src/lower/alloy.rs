//! Lowers `alloy` for one cluster: the log pipelines its `clusters`
//! selectors pick, the ConfigMap namespace (default: the cluster's
//! Prometheus namespace) and, with `scrape: servicemonitors`, the monitors
//! to scrape (those monocle generates, in the Prometheus namespace).

use std::collections::BTreeMap;

use crate::check::Spec;
use crate::model::alloy::{AlloyModel, LogFormatModel, LogPipelineModel, LogsModel, MetricsModel};
use crate::source::Span;
use crate::spec::{AlloyScrape, Cluster, LogFormat};

/// `None` when the spec has no `alloy` section.
pub fn lower(
    spec: &Spec,
    selected: &impl Fn(&Option<crate::spec::SelectorText>) -> bool,
    cluster: &Cluster,
    origin: &impl Fn(Span) -> String,
) -> Option<AlloyModel> {
    let item = spec.alloy.as_ref()?;
    let alloy = &item.value;
    let fleet = spec
        .prometheus
        .as_ref()
        .map(|p| p.value.clone())
        .unwrap_or_default();
    let prometheus_namespace = super::prometheus(&fleet, cluster.prometheus.as_ref()).namespace;
    let pipelines: Vec<LogPipelineModel> = alloy
        .logs
        .iter()
        .filter(|l| selected(&l.clusters))
        .map(|l| LogPipelineModel {
            name: l.name.clone(),
            namespaces: l.namespaces.clone(),
            format: match l.format {
                LogFormat::Json => LogFormatModel::Json,
                LogFormat::Logfmt => LogFormatModel::Logfmt,
                LogFormat::Gin => LogFormatModel::Gin,
                LogFormat::Regex => LogFormatModel::Regex(l.regex.clone().unwrap_or_default()),
            },
            labels: l.labels.clone(),
            drop_levels: l.drop_levels.clone(),
        })
        .collect();
    let logs = match (&alloy.loki_url, pipelines.is_empty()) {
        (Some(url), false) => Some(LogsModel {
            loki_url: url.clone(),
            pipelines,
        }),
        _ => None,
    };
    let metrics = match (alloy.scrape, &alloy.metrics_url) {
        (Some(AlloyScrape::Servicemonitors), Some(url)) => Some(MetricsModel {
            url: url.clone(),
            monitor_namespace: prometheus_namespace.clone(),
            monitor_labels: BTreeMap::from([(
                crate::model::MANAGED_BY_LABEL.to_owned(),
                crate::model::MANAGED_BY.to_owned(),
            )]),
        }),
        _ => None,
    };
    Some(AlloyModel {
        cluster: cluster.name.clone(),
        namespace: alloy.namespace.clone().unwrap_or(prometheus_namespace),
        origin: origin(item.node.span),
        logs,
        metrics,
    })
}
