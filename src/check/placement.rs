//! Where services and rules land on each cluster, as lower places them: a
//! cluster's `prometheus.shards` replaces the fleet's, and a service or a
//! rule that names no shard goes to the first shard of its cluster. The
//! shard checks (references, rule groups) read this instead of the fleet's
//! list alone, so a cluster's own shards are checked where they apply.

use std::collections::BTreeMap;

use super::{Item, Spec};
use crate::model::PrometheusModel;
use crate::source::Span;
use crate::spec::{Cluster, SelectorText, Service};

/// The shards of one cluster.
pub struct ClusterShards<'a> {
    /// `None` when the spec has no cluster: the fleet's settings alone.
    pub cluster: Option<&'a Item<Cluster>>,
    labels: BTreeMap<String, String>,
    /// The cluster's Prometheus as lower builds it (its shards, in order).
    prometheus: PrometheusModel,
    /// The shards the spec lists for the cluster (its own list, or the
    /// fleet's), empty when neither lists any.
    pub listed: Vec<&'a str>,
    /// Whether `listed` is the cluster's own `prometheus.shards`.
    pub own: bool,
}

/// Every cluster's shards, in spec order.
pub struct Placement<'a> {
    pub clusters: Vec<ClusterShards<'a>>,
    /// The fleet's `prometheus.shards` and where it is written.
    fleet: Option<(Vec<&'a str>, Span)>,
}

impl<'a> Placement<'a> {
    pub fn of(spec: &'a Spec) -> Self {
        let fleet_settings = spec
            .prometheus
            .as_ref()
            .map(|p| p.value.clone())
            .unwrap_or_default();
        let fleet: Option<(Vec<&str>, Span)> = spec.prometheus.as_ref().and_then(|p| {
            let shards = p.value.shards.as_ref()?;
            Some((
                shards.iter().map(|s| s.name.as_str()).collect(),
                p.key_span(&[], "shards"),
            ))
        });
        let fleet_listed: Vec<&str> = fleet.as_ref().map(|f| f.0.clone()).unwrap_or_default();
        let mut clusters: Vec<ClusterShards> = spec
            .clusters
            .iter()
            .map(|c| {
                let own = c.value.prometheus.as_ref().and_then(|p| p.shards.as_ref());
                ClusterShards {
                    cluster: Some(c),
                    labels: super::selectors::cluster_labels(&c.value),
                    prometheus: crate::lower::prometheus(
                        &fleet_settings,
                        c.value.prometheus.as_ref(),
                    ),
                    listed: own.map_or_else(
                        || fleet_listed.clone(),
                        |s| s.iter().map(|s| s.name.as_str()).collect(),
                    ),
                    own: own.is_some(),
                }
            })
            .collect();
        if clusters.is_empty() {
            clusters.push(ClusterShards {
                cluster: None,
                labels: BTreeMap::new(),
                prometheus: crate::lower::prometheus(&fleet_settings, None),
                listed: fleet_listed,
                own: false,
            });
        }
        Placement { clusters, fleet }
    }

    /// Every shard name the spec lists anywhere (the fleet's first).
    pub fn all_listed(&self) -> Vec<&'a str> {
        let mut all: Vec<&str> = self.fleet.as_ref().map(|f| f.0.clone()).unwrap_or_default();
        for c in &self.clusters {
            for s in &c.listed {
                if !all.contains(s) {
                    all.push(s);
                }
            }
        }
        all
    }

    /// Where the list that `cluster` uses is written: its own
    /// `prometheus.shards`, or the fleet's.
    pub fn list_span(&self, cluster: &ClusterShards) -> Option<Span> {
        match cluster.cluster {
            Some(c) if cluster.own => Some(c.key_span(&["prometheus"], "shards")),
            _ => self.fleet.as_ref().map(|f| f.1),
        }
    }
}

impl ClusterShards<'_> {
    pub fn name(&self) -> Option<&str> {
        self.cluster.map(|c| c.value.name.as_str())
    }

    /// Whether an item with this `clusters` selector is emitted here.
    pub fn selects(&self, clusters: &Option<SelectorText>) -> bool {
        crate::lower::select::selects(clusters, &self.labels)
    }

    /// Whether a rule with this `clusters` and service is emitted here: a
    /// rule of a service goes only where the service is scraped.
    pub fn has_rule(&self, clusters: &Option<SelectorText>, service: Option<&Service>) -> bool {
        self.selects(clusters) && service.is_none_or(|s| self.selects(&s.clusters))
    }

    /// The namespace of this cluster's Prometheus, where lower puts the
    /// monitors.
    pub fn monitor_namespace(&self) -> &str {
        &self.prometheus.namespace
    }

    /// The shard that scrapes `service` here.
    pub fn service_shard(&self, service: &Service) -> String {
        crate::lower::rules::service_shard(service, &self.prometheus)
    }

    /// The shard that evaluates a rule of `service`, or naming `shard`, here.
    pub fn rule_shard(&self, shard: Option<&String>, service: Option<&Service>) -> String {
        crate::lower::rules::rule_shard(shard, service, &self.prometheus)
    }
}
