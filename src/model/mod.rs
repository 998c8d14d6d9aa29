//! model: the checked spec lowered per cluster, defaults applied, names
//! resolved, no spans. Emitters read only this.

use std::collections::BTreeMap;
use std::sync::Arc;

pub mod alloy;
pub mod buckets;
pub mod dashboards;
pub mod delivery;
pub mod routing;
pub mod rules;

use crate::selector::Selector;
use alloy::AlloyModel;
use buckets::BucketsModel;
use dashboards::DashboardModel;
use routing::RoutingModel;
use rules::{RuleFileModel, SloModel};

/// Everything monocle generates is derived from this.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub clusters: Vec<ClusterModel>,
    pub fleet: FleetModel,
    pub layout: Layout,
}

/// What is generated once for the whole fleet, beside the cluster folders.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FleetModel {
    /// The monitor daemon's bucket config, when the spec has `monitor`.
    pub buckets: Option<BucketsModel>,
    /// The Argo CD or Flux objects, when the spec has `output.delivery`.
    pub delivery: Option<delivery::DeliveryModel>,
}

/// How the output folder is laid out (`output.layout`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Layout {
    /// Files identical in several clusters stored once under `shared/`.
    #[default]
    Shared,
    /// Every cluster folder holds all its files.
    PerCluster,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ClusterModel {
    pub name: String,
    pub environment: Option<String>,
    pub region: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub prometheus: PrometheusModel,
    /// ServiceMonitors and PodMonitors selected for this cluster, by name.
    ///
    /// This and the other `Arc` fields depend only on what the cluster
    /// selects: clusters that select alike share them (see `lower`).
    pub monitors: Arc<Vec<MonitorModel>>,
    pub alertmanager: AlertmanagerModel,
    pub routing: RoutingModel,
    /// Alerting rules, one file per service that has alerts here.
    pub rule_files: Arc<Vec<RuleFileModel>>,
    pub slos: Arc<Vec<SloModel>>,
    pub dashboards: Arc<Vec<DashboardModel>>,
    /// One generated dashboard per service with SLOs here (from `slos`).
    pub slo_dashboards: Arc<Vec<DashboardModel>>,
    pub alloy: Option<AlloyModel>,
}

/// The Alertmanager resource of a cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertmanagerModel {
    /// Resource name; the operator reads its config from Secret `alertmanager-<name>`.
    pub name: String,
    pub namespace: String,
    pub replicas: u32,
    /// Kubernetes Secrets mounted under `/etc/alertmanager/secrets/<name>/`.
    pub secrets: Vec<String>,
    /// `false`: someone else runs the Alertmanager; only its config Secret is emitted.
    pub managed: bool,
    /// The Secret holding the config.
    pub config_secret: String,
    pub storage: Option<StorageModel>,
}

/// A PersistentVolumeClaim template.
#[derive(Debug, Clone, PartialEq)]
pub struct StorageModel {
    pub size: String,
    pub class: Option<String>,
}

/// Prometheus settings after per-cluster overrides.
#[derive(Debug, Clone, PartialEq)]
pub struct PrometheusModel {
    pub namespace: String,
    pub retention: Option<String>,
    pub replicas: u32,
    pub scrape_interval: String,
    pub evaluation_interval: String,
    pub cpu: Option<String>,
    pub memory: Option<String>,
    pub max_samples: Option<u64>,
    pub max_concurrency: Option<u32>,
    pub query_timeout: Option<String>,
    pub remote_write: Vec<(String, String)>,
    pub shards: Vec<ShardModel>,
    /// `false`: someone else runs Prometheus; no Prometheus resources, RBAC or storage.
    pub managed: bool,
    /// The ServiceAccount the pods run as; always set when `rbac` is.
    pub service_account: Option<String>,
    /// Emit the ServiceAccount, ClusterRole and ClusterRoleBinding.
    pub rbac: bool,
    pub storage: Option<StorageModel>,
    /// Labels on every PrometheusRule and monitor, for a Prometheus that selects by them.
    pub rule_labels: BTreeMap<String, String>,
}

/// One Prometheus resource.
#[derive(Debug, Clone, PartialEq)]
pub struct ShardModel {
    pub name: String,
    /// Secrets holding the TLS files its monitors read, mounted under [`SECRETS_DIR`].
    pub secrets: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MonitorKind {
    Service,
    Pod,
}

/// One ServiceMonitor or PodMonitor.
#[derive(Debug, Clone, PartialEq)]
pub struct MonitorModel {
    pub name: String,
    pub kind: MonitorKind,
    /// Where the monitor object lives (the Prometheus namespace).
    pub namespace: String,
    /// Where the scraped workload runs.
    pub target_namespace: String,
    pub team: String,
    pub shard: String,
    pub selector: Selector,
    pub endpoints: Vec<EndpointModel>,
    pub sample_limit: Option<u64>,
    pub drop_labels: Vec<String>,
    pub drop_metrics: Vec<String>,
    /// The Service (or Pod) label whose value becomes `job`.
    pub job_label: Option<String>,
    /// Extra object labels (`prometheus.rule_labels`).
    pub object_labels: BTreeMap<String, String>,
    /// The spec file it came from, for the "generated from" header.
    pub origin: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EndpointModel {
    pub port: String,
    pub path: String,
    pub interval: Option<String>,
    pub scheme: Option<String>,
    pub tls: Option<TlsModel>,
    pub honor_labels: Option<bool>,
    /// Secret name and key of the bearer token.
    pub bearer_token_secret: Option<(String, String)>,
    /// A file of the Prometheus pod holding the bearer token.
    pub bearer_token_file: Option<String>,
    pub scrape_timeout: Option<String>,
    pub params: BTreeMap<String, Vec<String>>,
    pub relabelings: Vec<RelabelModel>,
    pub metric_relabelings: Vec<RelabelModel>,
}

/// One relabel step as the operator's `RelabelConfig` spells it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RelabelModel {
    pub source_labels: Vec<String>,
    pub separator: Option<String>,
    pub regex: Option<String>,
    pub target_label: Option<String>,
    pub replacement: Option<String>,
    pub modulus: Option<u64>,
    pub action: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TlsModel {
    pub ca_file: Option<String>,
    pub cert_file: Option<String>,
    pub key_file: Option<String>,
    pub server_name: Option<String>,
    pub insecure_skip_verify: Option<bool>,
}

/// External labels every Prometheus adds to what it sends (alerts, remote
/// write); absent while its rules run.
pub const CLUSTER_LABEL: &str = "cluster";
pub const REGION_LABEL: &str = "region";

/// The label every object monocle generates carries, with [`MANAGED_BY`].
pub const MANAGED_BY_LABEL: &str = "app.kubernetes.io/managed-by";
pub const MANAGED_BY: &str = "monocle";
/// The label naming the team of a generated rule or monitor object.
pub const TEAM_LABEL: &str = "monocle.dev/team";

/// The label Prometheus resources select their shard's objects by.
pub const SHARD_LABEL: &str = "monocle.dev/shard";
/// The shard used when `prometheus.shards` is empty.
pub const DEFAULT_SHARD: &str = "default";
/// Where Prometheus Operator mounts the Secrets listed in a Prometheus's `secrets`.
pub const SECRETS_DIR: &str = "/etc/prometheus/secrets/";

/// `/etc/prometheus/secrets/<secret>/<key>` → `(secret, key)`.
pub fn secret_file(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix(SECRETS_DIR)?;
    let (secret, key) = rest.split_once('/')?;
    (!secret.is_empty() && !key.is_empty() && !key.contains('/')).then_some((secret, key))
}
