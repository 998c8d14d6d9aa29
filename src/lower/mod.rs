//! lower: checked spec → per-cluster model. The one place where defaults and
//! naming conventions are applied.

mod alloy;
mod buckets;
mod burn_rate;
pub(crate) mod dashboards;
mod delivery;
pub mod routing;
pub mod rules;
pub(crate) mod select;
pub mod slo;
mod slo_dashboards;

use std::cell::RefCell;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::check::Spec;
use crate::check::selectors::cluster_labels;
use crate::model::dashboards::DashboardModel;
use crate::model::rules::{RuleFileModel, SloModel};
use crate::model::{
    AlertmanagerModel, ClusterModel, DEFAULT_SHARD, EndpointModel, Model, MonitorKind,
    MonitorModel, PrometheusModel, RelabelModel, ShardModel, StorageModel, TlsModel,
};
use crate::source::Sources;
use crate::spec::{self, Prometheus, Scheme, SelectorText, ServiceKind};

pub const DEFAULT_NAMESPACE: &str = "monitoring";
/// Prometheus' scrape interval when the spec sets none.
pub const DEFAULT_SCRAPE_INTERVAL: &str = "30s";

/// `previous_buckets`: the bucket config monocle wrote last time, if any.
pub fn lower(spec: &Spec, sources: &Sources, previous_buckets: Option<&[u8]>) -> Model {
    let lowering = Lowering::new(spec, sources);
    // Clusters are lowered in parallel; `collect` keeps their order.
    let clusters = lowering
        .order()
        .into_par_iter()
        .map(|i| lowering.cluster(i))
        .collect();
    Model {
        clusters,
        fleet: fleet(spec, previous_buckets),
        layout: layout(spec),
    }
}

/// `output.layout`, `shared` when the spec does not say.
pub fn layout(spec: &Spec) -> crate::model::Layout {
    let layout = spec.output.as_ref().and_then(|o| o.value.layout);
    match layout {
        Some(spec::Layout::PerCluster) => crate::model::Layout::PerCluster,
        Some(spec::Layout::Shared) | None => crate::model::Layout::Shared,
    }
}

/// Lowers one cluster at a time, so a large fleet can be compiled without
/// holding every cluster's model at once. Shared across threads.
pub struct Lowering<'a> {
    spec: &'a Spec,
    sources: &'a Sources,
    fleet: Prometheus,
    /// The latest selections lowered, newest last (at most [`MEMO_SIZE`]).
    memo: Mutex<VecDeque<Memo>>,
}

/// How many selections [`Lowering`] keeps: a fleet has a few kinds of
/// cluster (production, staging, a region with extra services), each
/// lowered once; a fleet of all-different clusters loses only the reuse.
const MEMO_SIZE: usize = 16;

/// What a cluster's monitors, rules, SLOs and dashboards depend on: its
/// Prometheus settings and the answer of every `clusters` selector the
/// lowering asked. A cluster with the same settings and answers gets the
/// same parts, so they are lowered once and shared (an L fleet has 200
/// clusters and 8 selections).
struct Memo {
    prometheus: PrometheusModel,
    answers: Vec<(SelectorText, bool)>,
    parts: Selection,
}

/// The parts of a cluster's model that only depend on what it selects.
#[derive(Clone)]
struct Selection {
    monitors: Arc<Vec<MonitorModel>>,
    rule_files: Arc<Vec<RuleFileModel>>,
    slos: Arc<Vec<SloModel>>,
    slo_dashboards: Arc<Vec<DashboardModel>>,
    dashboards: Arc<Vec<DashboardModel>>,
}

impl Selection {
    /// Takes the lowered part of an earlier selection wherever it is equal
    /// to this one's. Clusters that select differently often have equal
    /// parts (the same dashboards when only a monitor differs), and the
    /// emitter shares the files of one part at the cost of a pointer
    /// comparison, but has to compare equal parts in separate allocations
    /// item by item for every cluster (at L, 100 of 200 clusters: 30 ms).
    fn share_equal_parts(&mut self, known: &[Selection]) {
        fn share<T: PartialEq>(part: &mut Arc<Vec<T>>, known: impl Iterator<Item = Arc<Vec<T>>>) {
            for other in known {
                if Arc::ptr_eq(part, &other) || **part == *other {
                    *part = other;
                    return;
                }
            }
        }
        share(&mut self.monitors, known.iter().map(|k| k.monitors.clone()));
        share(
            &mut self.rule_files,
            known.iter().map(|k| k.rule_files.clone()),
        );
        share(&mut self.slos, known.iter().map(|k| k.slos.clone()));
        share(
            &mut self.slo_dashboards,
            known.iter().map(|k| k.slo_dashboards.clone()),
        );
        share(
            &mut self.dashboards,
            known.iter().map(|k| k.dashboards.clone()),
        );
    }
}

impl<'a> Lowering<'a> {
    pub fn new(spec: &'a Spec, sources: &'a Sources) -> Self {
        let fleet = spec
            .prometheus
            .as_ref()
            .map(|p| p.value.clone())
            .unwrap_or_default();
        Lowering {
            spec,
            sources,
            fleet,
            memo: Mutex::default(),
        }
    }

    /// Cluster indices in output order (by name).
    pub fn order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.spec.clusters.len()).collect();
        order.sort_by(|a, b| {
            self.spec.clusters[*a]
                .value
                .name
                .cmp(&self.spec.clusters[*b].value.name)
        });
        order
    }

    /// The model of the cluster at `index` in the spec.
    pub fn cluster(&self, index: usize) -> ClusterModel {
        let (spec, sources) = (self.spec, self.sources);
        let c = &spec.clusters[index].value;
        let labels = cluster_labels(c);
        let selected = |s: &Option<SelectorText>| select::selects(s, &labels);
        let mut prometheus = prometheus(&self.fleet, c.prometheus.as_ref());
        let parts = self.selection(&prometheus, &labels);
        for shard in &mut prometheus.shards {
            shard.secrets = shard_secrets(&parts.monitors, &shard.name);
        }
        let origin = |span: crate::source::Span| sources.get(span.source).origin.clone();
        let routing = routing::lower(spec, &labels, &selected);
        let alertmanager = alertmanager(spec, &prometheus, routing.secrets());
        ClusterModel {
            routing,
            alertmanager,
            name: c.name.clone(),
            environment: c.environment.clone(),
            region: c.region.clone(),
            labels: c.labels.clone(),
            prometheus,
            monitors: parts.monitors,
            rule_files: parts.rule_files,
            slo_dashboards: parts.slo_dashboards,
            slos: parts.slos,
            dashboards: parts.dashboards,
            alloy: alloy::lower(spec, &selected, c, &origin),
        }
    }

    /// The parts of a cluster that depend on what it selects: from the
    /// memo when a cluster with the same answers was lowered, else lowered
    /// here while recording which selectors were asked.
    fn selection(
        &self,
        prometheus: &PrometheusModel,
        labels: &std::collections::BTreeMap<String, String>,
    ) -> Selection {
        let same = |memo: &Memo| {
            memo.prometheus == *prometheus
                && memo
                    .answers
                    .iter()
                    .all(|(s, answer)| s.value().matches(labels) == *answer)
        };
        if let Ok(memo) = self.memo.lock()
            && let Some(found) = memo.iter().find(|m| same(m))
        {
            return found.parts.clone();
        }
        let answers: RefCell<Vec<(SelectorText, bool)>> = RefCell::default();
        let selected = |s: &Option<SelectorText>| {
            let Some(s) = s else { return true };
            let answer = s.value().matches(labels);
            let mut answers = answers.borrow_mut();
            if !answers.iter().any(|(asked, _)| asked == s) {
                answers.push((s.clone(), answer));
            }
            answer
        };
        let known: Vec<Selection> = self
            .memo
            .lock()
            .map(|memo| memo.iter().map(|m| m.parts.clone()).collect())
            .unwrap_or_default();
        let mut parts = self.lower_selection(prometheus, &selected, &known);
        parts.share_equal_parts(&known);
        if let Ok(mut memo) = self.memo.lock() {
            if memo.len() == MEMO_SIZE {
                memo.pop_front();
            }
            memo.push_back(Memo {
                prometheus: prometheus.clone(),
                answers: answers.into_inner(),
                parts: parts.clone(),
            });
        }
        parts
    }

    /// Lowers what a cluster selects; `selected` is the cluster's only input.
    fn lower_selection(
        &self,
        prometheus: &PrometheusModel,
        selected: &impl Fn(&Option<SelectorText>) -> bool,
        known: &[Selection],
    ) -> Selection {
        let (spec, sources) = (self.spec, self.sources);
        let services: Vec<&spec::Service> = spec
            .services
            .iter()
            .filter(|s| selected(&s.value.clusters))
            .map(|s| &s.value)
            .collect();
        let mut monitors: Vec<MonitorModel> = spec
            .services
            .iter()
            .filter(|s| selected(&s.value.clusters))
            .map(|s| {
                monitor(
                    &s.value,
                    prometheus,
                    sources.get(s.node.span.source).origin.clone(),
                )
            })
            .collect();
        monitors.sort_by(|a, b| a.name.cmp(&b.name));
        let origin = |span: crate::source::Span| sources.get(span.source).origin.clone();
        let rule_files = rules::lower(spec, &services, selected, prometheus, &origin);
        let slos = slo::lower(spec, &services, selected, prometheus, &origin);
        Selection {
            monitors: Arc::new(monitors),
            rule_files: Arc::new(rule_files),
            slo_dashboards: Arc::new(slo_dashboards::lower(
                &slos,
                known.iter().map(|k| (&k.slos[..], &k.slo_dashboards[..])),
            )),
            slos: Arc::new(slos),
            dashboards: Arc::new(dashboards::lower(spec, selected, &origin)),
        }
    }
}

/// The routing of the cluster at `index` in the spec, lowered alone (for
/// `monocle routes`, which needs nothing else of the cluster).
pub fn cluster_routing(spec: &Spec, index: usize) -> crate::model::routing::RoutingModel {
    let labels = cluster_labels(&spec.clusters[index].value);
    let selected = |s: &Option<SelectorText>| select::selects(s, &labels);
    routing::lower(spec, &labels, &selected)
}

/// What is generated once for the fleet: the bucket config and the
/// delivery objects.
pub fn fleet(spec: &Spec, previous_buckets: Option<&[u8]>) -> crate::model::FleetModel {
    crate::model::FleetModel {
        buckets: buckets::lower(spec, previous_buckets),
        delivery: delivery::lower(spec),
    }
}

/// The monitor daemon's bucket config alone (for `check` and `monitor`).
pub fn lower_buckets(
    spec: &Spec,
    previous_buckets: Option<&[u8]>,
) -> Option<crate::model::buckets::BucketsModel> {
    buckets::lower(spec, previous_buckets)
}

/// The Secrets holding TLS files that a shard's monitors read.
fn shard_secrets(monitors: &[MonitorModel], shard: &str) -> Vec<String> {
    let secrets: std::collections::BTreeSet<String> = monitors
        .iter()
        .filter(|m| m.shard == shard)
        .flat_map(|m| &m.endpoints)
        .filter_map(|e| e.tls.as_ref())
        .flat_map(|t| [&t.ca_file, &t.cert_file, &t.key_file])
        .flatten()
        .filter_map(|file| crate::model::secret_file(file).map(|(secret, _)| secret.to_owned()))
        .collect();
    secrets.into_iter().collect()
}

/// Name of the Alertmanager resource in every cluster.
pub const ALERTMANAGER_NAME: &str = "main";
/// `prometheus.managed` and `alertmanager.managed` when unset: monocle runs them.
pub const DEFAULT_MANAGED: bool = true;
/// The ServiceAccount Prometheus runs as unless the spec names one.
pub const DEFAULT_SERVICE_ACCOUNT: &str = "prometheus";

fn storage(s: &spec::Storage) -> StorageModel {
    StorageModel {
        size: s.size.0.clone(),
        class: s.class.clone(),
    }
}

fn alertmanager(
    spec: &Spec,
    prometheus: &PrometheusModel,
    secrets: Vec<String>,
) -> AlertmanagerModel {
    let settings = spec.alertmanager.as_ref().map(|a| &a.value);
    AlertmanagerModel {
        name: ALERTMANAGER_NAME.to_owned(),
        namespace: settings
            .and_then(|a| a.namespace.clone())
            .unwrap_or_else(|| prometheus.namespace.clone()),
        replicas: settings.and_then(|a| a.replicas).unwrap_or(3),
        secrets,
        managed: settings.and_then(|a| a.managed).unwrap_or(DEFAULT_MANAGED),
        // The operator's own default for an Alertmanager named `main`.
        config_secret: settings
            .and_then(|a| a.config_secret.clone())
            .unwrap_or_else(|| format!("alertmanager-{ALERTMANAGER_NAME}")),
        storage: settings.and_then(|a| a.storage.as_ref()).map(storage),
    }
}

/// Fleet settings with a cluster's overrides on top.
pub(crate) fn prometheus(fleet: &Prometheus, over: Option<&Prometheus>) -> PrometheusModel {
    let empty = Prometheus::default();
    let over = over.unwrap_or(&empty);
    let pick = |f: fn(&Prometheus) -> Option<String>| f(over).or_else(|| f(fleet));
    let resources = |f: fn(&spec::Resources) -> Option<String>| {
        over.resources
            .as_ref()
            .and_then(f)
            .or_else(|| fleet.resources.as_ref().and_then(f))
    };
    let query = over
        .query
        .clone()
        .or_else(|| fleet.query.clone())
        .unwrap_or_default();
    let shards: Vec<ShardModel> = over
        .shards
        .as_ref()
        .or(fleet.shards.as_ref())
        .map(|s| s.iter().map(|s| s.name.clone()).collect())
        .filter(|s: &Vec<String>| !s.is_empty())
        .unwrap_or_else(|| vec![DEFAULT_SHARD.to_owned()])
        .into_iter()
        .map(|name| ShardModel {
            name,
            secrets: Vec::new(),
        })
        .collect();
    let rbac = over.rbac.or(fleet.rbac).unwrap_or(true);
    PrometheusModel {
        namespace: pick(|p| p.namespace.clone()).unwrap_or_else(|| DEFAULT_NAMESPACE.to_owned()),
        retention: pick(|p| p.retention.as_ref().map(|d| d.as_str().to_owned())),
        replicas: over.replicas.or(fleet.replicas).unwrap_or(1),
        scrape_interval: pick(|p| p.scrape_interval.as_ref().map(|d| d.as_str().to_owned()))
            .unwrap_or_else(|| DEFAULT_SCRAPE_INTERVAL.to_owned()),
        evaluation_interval: pick(|p| {
            p.evaluation_interval
                .as_ref()
                .map(|d| d.as_str().to_owned())
        })
        .unwrap_or_else(|| "30s".to_owned()),
        cpu: resources(|r| r.cpu.clone()),
        memory: resources(|r| r.memory.as_ref().map(|m| m.0.clone())),
        max_samples: query.max_samples,
        max_concurrency: query.max_concurrency,
        query_timeout: query.timeout.map(|t| t.as_str().to_owned()),
        remote_write: over
            .remote_write
            .as_ref()
            .or(fleet.remote_write.as_ref())
            .map(|rw| rw.iter().map(|r| (r.name.clone(), r.url.clone())).collect())
            .unwrap_or_default(),
        shards,
        managed: over.managed.or(fleet.managed).unwrap_or(DEFAULT_MANAGED),
        // Without RBAC monocle does not know of an account unless one is named.
        service_account: pick(|p| p.service_account.clone())
            .or_else(|| rbac.then(|| DEFAULT_SERVICE_ACCOUNT.to_owned())),
        rbac,
        storage: over
            .storage
            .as_ref()
            .or(fleet.storage.as_ref())
            .map(storage),
        rule_labels: over
            .rule_labels
            .clone()
            .or_else(|| fleet.rule_labels.clone())
            .unwrap_or_default(),
    }
}

fn relabels(steps: &[spec::Relabel]) -> Vec<RelabelModel> {
    steps
        .iter()
        .map(|r| RelabelModel {
            source_labels: r.source_labels.clone(),
            separator: r.separator.clone(),
            regex: r.regex.clone(),
            target_label: r.target_label.clone(),
            replacement: r.replacement.clone(),
            modulus: r.modulus,
            action: r.action.map(|a| a.as_str().to_owned()),
        })
        .collect()
}

/// The `job` label the Prometheus Operator gives the series of service
/// `s`'s monitor, which lower places in `monitor_namespace`, when the spec
/// decides it. With a `job_label` the job is that label's value on the
/// scraped object: known when the selector pins the label to one value.
/// Without one a ServiceMonitor's job is the Kubernetes Service's name,
/// which the spec does not know, and a PodMonitor's is
/// `<monitor namespace>/<monitor name>`. Relabelings that rewrite `job`
/// are the caller's to consider.
pub fn job(s: &spec::Service, monitor_namespace: &str) -> Option<String> {
    use crate::selector::Operator;
    if let Some(label) = s.endpoints.iter().find_map(|e| e.job_label.as_ref()) {
        return s
            .selector
            .value()
            .requirements
            .iter()
            .find(|r| {
                &r.key == label
                    && matches!(r.op, Operator::Equals | Operator::In)
                    && r.values.len() == 1
            })
            .map(|r| r.values[0].clone());
    }
    match s.kind.unwrap_or_default() {
        ServiceKind::Service => None,
        ServiceKind::Pod => Some(format!(
            "{monitor_namespace}/{}",
            crate::names::object_name(&s.name)
        )),
    }
}

fn monitor(s: &spec::Service, prometheus: &PrometheusModel, origin: String) -> MonitorModel {
    MonitorModel {
        // The object and its file; series keep the service's name as written.
        name: crate::names::object_name(&s.name),
        kind: match s.kind.unwrap_or_default() {
            ServiceKind::Service => MonitorKind::Service,
            ServiceKind::Pod => MonitorKind::Pod,
        },
        namespace: prometheus.namespace.clone(),
        target_namespace: s.namespace.clone(),
        team: s.team.clone(),
        shard: s
            .shard
            .clone()
            .unwrap_or_else(|| prometheus.shards[0].name.clone()),
        selector: s.selector.value().clone(),
        endpoints: s
            .endpoints
            .iter()
            .map(|e| EndpointModel {
                port: e.port.clone(),
                path: e.path.clone().unwrap_or_else(|| "/metrics".to_owned()),
                interval: e.interval.as_ref().map(|d| d.as_str().to_owned()),
                scheme: e.scheme.map(|s| match s {
                    Scheme::Http => "http".to_owned(),
                    Scheme::Https => "https".to_owned(),
                }),
                tls: e.tls.as_ref().map(|t| TlsModel {
                    ca_file: t.ca_file.clone(),
                    cert_file: t.cert_file.clone(),
                    key_file: t.key_file.clone(),
                    server_name: t.server_name.clone(),
                    insecure_skip_verify: t.insecure_skip_verify,
                }),
                honor_labels: e.honor_labels,
                bearer_token_secret: e
                    .bearer_token_secret
                    .as_ref()
                    .map(|s| (s.name.clone(), s.key.clone())),
                bearer_token_file: e.bearer_token_file.clone(),
                scrape_timeout: e.scrape_timeout.as_ref().map(|d| d.as_str().to_owned()),
                params: e.params.clone(),
                relabelings: relabels(&e.relabelings),
                metric_relabelings: relabels(&e.metric_relabelings),
            })
            .collect(),
        sample_limit: s.sample_limit,
        drop_labels: s.drop_labels.clone(),
        drop_metrics: s.drop_metrics.clone(),
        // check makes sure every endpoint that names a job label names the same one.
        job_label: s.endpoints.iter().find_map(|e| e.job_label.clone()),
        object_labels: prometheus.rule_labels.clone(),
        origin,
    }
}
