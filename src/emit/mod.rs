//! emit: model → artifacts. One module per output kind, each a pure
//! function of the model; none of them sees the spec or the disk.

/// A JSON object from `"key" => value` pairs, each value moved in with
/// `Value::from`. `json!` copies every value it interpolates through
/// serde: for rule groups, SLO rules and dashboard panels, a tenth of a
/// fleet's emit work was copying values just built. Defined before the
/// emitter modules so they see it.
macro_rules! object {
    ($($key:literal => $value:expr),* $(,)?) => {{
        let mut map = serde_json::Map::new();
        $(map.insert($key.to_owned(), serde_json::Value::from($value));)*
        serde_json::Value::Object(map)
    }};
}

pub(crate) mod alertmanager;
mod alloy;
mod buckets;
mod delivery;
pub(crate) mod grafana;
mod hash;
mod json;
mod kustomize;
pub mod layout;
mod monitors;
mod prometheus;
mod rules;
pub mod slo;
pub mod yaml;

use std::any::Any;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;

use crate::model::dashboards::DashboardModel;
use crate::model::rules::{RuleFileModel, SloModel};
use crate::model::{ClusterModel, Layout, Model, MonitorModel};

/// One output file: a path relative to the output folder ('/'-separated)
/// and its bytes. What emit hands to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// A file of one cluster, path relative to the cluster's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Emitted {
    pub path: String,
    /// Shared: the same file is in many clusters' parts.
    pub bytes: Arc<[u8]>,
    /// A Kubernetes object, listed in the cluster's `kustomization.yaml`.
    pub resource: bool,
}

/// The files one emitter produced for a cluster, possibly shared (the
/// same `Arc`) by every cluster with an equal view. The layout groups and
/// hashes a part's files once, not once per cluster that holds it: at
/// fleet scale the same part is in hundreds of clusters.
#[derive(Debug, Default)]
pub struct Part {
    files: Vec<Emitted>,
    items: std::sync::OnceLock<Vec<layout::PartItem>>,
}

impl Part {
    fn new(files: Vec<Emitted>) -> Self {
        Part {
            files,
            items: std::sync::OnceLock::new(),
        }
    }

    /// The part's files grouped into the layout's items, computed on
    /// first use.
    pub(crate) fn items(&self) -> &[layout::PartItem] {
        self.items.get_or_init(|| layout::group(&self.files))
    }
}

/// Every file monocle generates for a model, sorted by path.
pub fn emit(model: &Model) -> Vec<Artifact> {
    // Clusters are independent: emit them in parallel. The result is
    // sorted by path below, so it does not depend on scheduling.
    let emitter = Emitter::default();
    let mut artifacts: Vec<Artifact> = match model.layout {
        Layout::PerCluster => model
            .clusters
            .par_iter()
            .flat_map_iter(|cluster| emitter.cluster(cluster))
            .collect(),
        Layout::Shared => {
            let prepared: Vec<layout::Prepared> = model
                .clusters
                .par_iter()
                .map(|cluster| layout::prepare(cluster, emitter.files(cluster)))
                .collect();
            let mut shared = layout::SharedLayout::default();
            for p in prepared {
                shared.add(p);
            }
            let laid = shared.finish().artifacts.into_iter();
            laid.map(|file| Artifact {
                path: file.path,
                bytes: file.bytes.to_vec(),
            })
            .collect()
        }
    };
    artifacts.extend(emit_fleet(&model.fleet));
    artifacts.sort_by(|a, b| a.path.cmp(&b.path));
    artifacts
}

/// The fleet-wide files: the monitor daemon's bucket config and the
/// delivery objects.
pub fn emit_fleet(fleet: &crate::model::FleetModel) -> Vec<Artifact> {
    let buckets = fleet.buckets.iter().flat_map(buckets::emit);
    buckets
        .chain(fleet.delivery.iter().flat_map(delivery::emit))
        .collect()
}

/// Emits cluster by cluster, sharing the files that clusters with the same
/// selection have in common. Safe to use from several threads.
#[derive(Default)]
pub struct Emitter {
    shared: Shared,
}

impl Emitter {
    /// An emitter that keeps at most `budget` bytes of shared files.
    pub fn with_budget(budget: usize) -> Self {
        Emitter {
            shared: Shared {
                state: Mutex::default(),
                budget,
            },
        }
    }

    /// The files of one cluster (paths under `<cluster>/`), sorted by path.
    pub fn cluster(&self, cluster: &ClusterModel) -> Vec<Artifact> {
        self.cluster_files(cluster).into_artifacts()
    }

    /// [`Emitter::files`] and the cluster's `kustomization.yaml` listing
    /// them: the cluster's folder in the per-cluster layout. (The shared
    /// layout writes kustomizations of its own.)
    pub fn cluster_files(&self, cluster: &ClusterModel) -> ClusterFiles {
        let mut files = self.files(cluster);
        let kustomization = kustomize::emit(files.parts.iter().flat_map(|p| p.files.iter()));
        files.parts.push(Arc::new(Part::new(vec![kustomization])));
        files
    }

    /// The files of one cluster (without its `kustomization.yaml`),
    /// without copying the ones it shares.
    ///
    /// A shared emitter gets a narrow view of the model (its input type),
    /// and two clusters share its files exactly when their views are
    /// equal: an emitter cannot read a field its view lacks, so it cannot
    /// share one cluster's files with another that differs in it. Within
    /// a view each item (a rule group, an SLO, a dashboard) is rendered
    /// once per distinct item, so clusters that select differently still
    /// render the items they have in common once.
    pub fn files(&self, cluster: &ClusterModel) -> ClusterFiles {
        let fingerprint = selection_fingerprint(cluster);
        let mut stored: Option<Arc<ClusterModel>> = None;
        // One view per shared emitter: it is both what the emitter reads
        // and what two clusters must agree on to share its files.
        macro_rules! shared {
            ($slot:expr, $view:expr, $emit:expr) => {
                self.shared.get_or_emit(
                    ($slot, fingerprint),
                    &|other: &Arc<ClusterModel>| $view(other).same(&$view(cluster)),
                    || {
                        stored
                            .get_or_insert_with(|| Arc::new(cluster.clone()))
                            .clone()
                    },
                    || $emit($view(cluster)),
                )
            };
        }
        let dashboards = |input: grafana::Input<'_>| -> Vec<Emitted> {
            let dashboards: Vec<&DashboardModel> = input
                .dashboards
                .iter()
                .chain(input.slo_dashboards)
                .collect();
            let namespace = input.namespace;
            self.items_with(
                ITEM_SLOTS + 3,
                &dashboards,
                |d| &d.uid,
                |(other, ns): &(DashboardModel, String), d| other == *d && ns == namespace,
                |d| ((*d).clone(), namespace.to_owned()),
                |d| grafana::emit_one(d, namespace),
            )
        };
        let parts: Vec<Arc<Part>> = vec![
            shared!(0, monitors::input, |items: &[_]| self.items(
                ITEM_SLOTS,
                items,
                |m: &MonitorModel| &m.name,
                |m| vec![monitors::emit_one(m)]
            )),
            shared!(1, rules::input, |items: &[_]| self.items(
                ITEM_SLOTS + 1,
                items,
                |f: &RuleFileModel| &f.path,
                |f| vec![rules::emit_one(f)]
            )),
            shared!(2, slo::input, |items: &[_]| self.items(
                ITEM_SLOTS + 2,
                items,
                |s: &SloModel| &s.name,
                slo::emit_one
            )),
            shared!(3, grafana::Input::of, dashboards),
            // Per-cluster by nature (external labels, the cluster's name).
            Arc::new(Part::new(prometheus::emit(cluster))),
            // A fleet's clusters have a few Alertmanager setups between them.
            shared!(4, alertmanager::Input::of, alertmanager::emit),
            Arc::new(Part::new(alloy::emit(cluster))),
        ];
        ClusterFiles {
            cluster: cluster.name.clone(),
            parts,
        }
    }

    /// The files of each item, each rendered once per distinct item: two
    /// clusters that select differently still share most items.
    fn items<T: Clone + PartialEq + Send + Sync + 'static>(
        &self,
        slot: usize,
        items: &[T],
        name: impl Fn(&T) -> &str,
        emit: impl Fn(&T) -> Vec<Emitted>,
    ) -> Vec<Emitted> {
        self.items_with(
            slot,
            items,
            name,
            |other: &T, item| other == item,
            T::clone,
            emit,
        )
    }

    /// [`items`](Self::items) with the input kept for comparison (`keep`,
    /// compared with `same`) apart from the item. Threads share the work:
    /// an item another thread is rendering is skipped and collected at
    /// the end, so two threads that start on clusters alike (each half of
    /// the fleet starts on one) split its items instead of both rendering
    /// all of them, and neither waits while there is other work.
    fn items_with<T, K: Any + Send + Sync>(
        &self,
        slot: usize,
        items: &[T],
        name: impl Fn(&T) -> &str,
        same: impl Fn(&K, &T) -> bool,
        keep: impl Fn(&T) -> K,
        emit: impl Fn(&T) -> Vec<Emitted>,
    ) -> Vec<Emitted> {
        let mut parts: Vec<Option<Arc<Part>>> = vec![None; items.len()];
        let mut elsewhere = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let mut hasher = hash::FastHasher::default();
            name(item).hash(&mut hasher);
            let key = (slot, hasher.finish());
            match self
                .shared
                .claim(key, &|k: &K| same(k, item), || keep(item))
            {
                Lookup::Ready(part) => parts[i] = Some(part),
                Lookup::Claimed(claim) => parts[i] = Some(claim.fill(emit(item))),
                Lookup::Rendering(cell) => elsewhere.push((i, cell)),
            }
        }
        for (i, cell) in elsewhere {
            parts[i] = Some(cell.wait().clone());
        }
        parts
            .iter()
            .flatten()
            .flat_map(|part| part.files.iter().cloned())
            .collect()
    }
}

/// Equality of emitter views, with a fast path for views of the very same
/// lowered parts (clusters that select alike share them, see `lower`): a
/// fleet's clusters would otherwise compare megabytes of model each.
trait SameView {
    fn same(&self, other: &Self) -> bool;
}

impl<T: PartialEq> SameView for &[T] {
    fn same(&self, other: &Self) -> bool {
        std::ptr::eq(*self, *other) || self == other
    }
}

impl SameView for grafana::Input<'_> {
    fn same(&self, other: &Self) -> bool {
        self.dashboards.same(&other.dashboards)
            && self.slo_dashboards.same(&other.slo_dashboards)
            && self.namespace == other.namespace
    }
}

impl SameView for alertmanager::Input<'_> {
    fn same(&self, other: &Self) -> bool {
        self.alertmanager == other.alertmanager
            && self.receivers == other.receivers
            && self.route == other.route
            && self.inhibit == other.inhibit
            && self.time_intervals == other.time_intervals
            && self.resolve_timeout == other.resolve_timeout
    }
}

/// Where the per-item entries of [`Shared`] start (the whole-emitter
/// entries use the slots below).
const ITEM_SLOTS: usize = 10;

/// The files of one cluster: emitted for it, or shared (not copied) with
/// the clusters of the same selection.
pub struct ClusterFiles {
    cluster: String,
    parts: Vec<Arc<Part>>,
}

impl ClusterFiles {
    /// Every file as (path under `<cluster>/`, bytes), in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (String, &Arc<[u8]>)> {
        self.parts
            .iter()
            .flat_map(|p| p.files.iter())
            .map(|f| (format!("{}/{}", self.cluster, f.path), &f.bytes))
    }

    /// The files as artifacts, sorted by path.
    pub fn into_artifacts(self) -> Vec<Artifact> {
        let mut files: Vec<Artifact> = self
            .iter()
            .map(|(path, bytes)| Artifact {
                path,
                bytes: bytes.to_vec(),
            })
            .collect();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }
}

/// A cheap summary of what a cluster selects, to find the clusters it may
/// share files with; the emitter's full comparison decides.
fn selection_fingerprint(c: &ClusterModel) -> u64 {
    let mut hasher = hash::FastHasher::default();
    c.prometheus.namespace.hash(&mut hasher);
    for m in c.monitors.iter() {
        m.name.hash(&mut hasher);
    }
    for r in c.rule_files.iter() {
        (&r.path, r.rules.len()).hash(&mut hasher);
    }
    for s in c.slos.iter() {
        (&s.service, &s.name).hash(&mut hasher);
    }
    for d in c.dashboards.iter() {
        d.uid.hash(&mut hasher);
    }
    hasher.finish()
}

/// How many bytes of emitted files `Shared` keeps at most. Without a
/// bound a fleet whose clusters all select differently would keep every
/// cluster's files to the end, which is the whole output; past it the
/// oldest entries go (those clusters' files are emitted again if needed).
pub const SHARED_BUDGET: usize = 128 << 20;

/// Files that clusters with the same selection share: emitted once, then
/// handed out again. Each entry keeps the model of the cluster it was
/// emitted for, compared in full, so sharing can never mix up two clusters.
struct Shared {
    state: Mutex<SharedState>,
    budget: usize,
}

impl Default for Shared {
    fn default() -> Self {
        Shared {
            state: Mutex::default(),
            budget: SHARED_BUDGET,
        }
    }
}

#[derive(Default)]
struct SharedState {
    entries: HashMap<(usize, u64), Vec<SharedEntry>, hash::FastState>,
    /// Entries oldest first: slot, id and size in bytes.
    age: std::collections::VecDeque<((usize, u64), u64, usize)>,
    bytes: usize,
    next_id: u64,
}

/// An entry's id, what it was emitted for (a cluster's model, or one
/// item), and the files (set once rendered: an item's entry is made when a
/// thread starts rendering it, so others know).
type SharedEntry = (u64, Box<dyn Any + Send + Sync>, Arc<OnceLock<Arc<Part>>>);

/// What [`Shared::claim`] found.
enum Lookup<'s> {
    /// The files, rendered.
    Ready(Arc<Part>),
    /// Nothing: the caller renders the files and fills the claim.
    Claimed(Claim<'s>),
    /// Another thread is rendering the files.
    Rendering(Arc<OnceLock<Arc<Part>>>),
}

/// An entry a thread is rendering. Dropped unfilled (a panic while
/// rendering), it is filled with no files so that no thread waits forever;
/// the panic still fails the compile.
struct Claim<'s> {
    shared: &'s Shared,
    slot: (usize, u64),
    id: u64,
    cell: Arc<OnceLock<Arc<Part>>>,
}

impl Claim<'_> {
    fn fill(self, files: Vec<Emitted>) -> Arc<Part> {
        let part = Arc::new(Part::new(files));
        let _ = self.cell.set(part.clone());
        let size = part.files.iter().map(|f| f.bytes.len()).sum();
        self.shared.account(self.slot, self.id, size);
        part
    }
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        let _ = self.cell.set(Arc::default());
    }
}

impl Shared {
    /// The files emitted for an input that `same` accepts, else `emit`'s
    /// (kept with `keep()`, the input to compare later ones with).
    fn get_or_emit<K: Any + Send + Sync>(
        &self,
        slot: (usize, u64),
        same: &dyn Fn(&K) -> bool,
        keep: impl FnOnce() -> K,
        emit: impl FnOnce() -> Vec<Emitted>,
    ) -> Arc<Part> {
        match self.claim(slot, same, keep) {
            Lookup::Ready(part) => part,
            Lookup::Claimed(claim) => claim.fill(emit()),
            // Whole emitters' files are not waited for: their items are
            // shared item by item (see `Emitter::items_with`).
            Lookup::Rendering(_) => Arc::new(Part::new(emit())),
        }
    }

    /// The entry for an input that `same` accepts, or a new one the
    /// caller is to fill (kept with `keep()`, the input to compare later
    /// ones with).
    fn claim<K: Any + Send + Sync>(
        &self,
        slot: (usize, u64),
        same: &dyn Fn(&K) -> bool,
        keep: impl FnOnce() -> K,
    ) -> Lookup<'_> {
        let Ok(mut state) = self.state.lock() else {
            // Another thread panicked holding the lock: render without sharing.
            return Lookup::Claimed(Claim {
                shared: self,
                slot,
                id: u64::MAX,
                cell: Arc::default(),
            });
        };
        if let Some((_, _, cell)) = state.entries.get(&slot).and_then(|v| {
            v.iter()
                .find(|(_, input, _)| input.downcast_ref::<K>().is_some_and(same))
        }) {
            return match cell.get() {
                Some(part) => Lookup::Ready(part.clone()),
                None => Lookup::Rendering(cell.clone()),
            };
        }
        let id = state.next_id;
        state.next_id += 1;
        let cell = Arc::new(OnceLock::new());
        let input: Box<dyn Any + Send + Sync> = Box::new(keep());
        state
            .entries
            .entry(slot)
            .or_default()
            .push((id, input, cell.clone()));
        Lookup::Claimed(Claim {
            shared: self,
            slot,
            id,
            cell,
        })
    }

    /// Counts a filled entry's bytes against the budget, evicting the
    /// oldest filled entries past it.
    fn account(&self, slot: (usize, u64), id: u64, size: usize) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        state.age.push_back((slot, id, size));
        state.bytes += size;
        while state.bytes > self.budget
            && let Some((old_slot, old_id, old_size)) = state.age.pop_front()
        {
            state.bytes -= old_size;
            if let Some(list) = state.entries.get_mut(&old_slot) {
                list.retain(|(id, _, _)| *id != old_id);
                if list.is_empty() {
                    state.entries.remove(&old_slot);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Model {
        crate::reference_model()
    }

    #[test]
    fn an_item_is_always_in_one_part() {
        // The shared layout groups items part by part (see `layout::group`).
        let model = model();
        let emitter = Emitter::default();
        for cluster in &model.clusters {
            let files = emitter.files(cluster);
            let mut owner: HashMap<&str, usize> = HashMap::new();
            for (p, part) in files.parts.iter().enumerate() {
                for file in &part.files {
                    let key = layout::item_key(&file.path);
                    let first = *owner.entry(key).or_insert(p);
                    assert_eq!(first, p, "{}: `{key}` is in two parts", cluster.name);
                }
            }
            assert!(owner.len() > 1, "{} has items", cluster.name);
        }
    }

    #[test]
    fn threads_racing_on_one_selection_render_each_item_once() {
        // Both threads start on the same cluster at once, as rayon's two
        // halves of a fleet do on clusters alike: every item file must be
        // the very same allocation in both results (rendered once), and
        // the files those of a lone emitter.
        let model = model();
        let cluster = &model.clusters[0];
        let expected = Emitter::default().cluster(cluster);
        for _ in 0..20 {
            let emitter = Emitter::default();
            let start = std::sync::Barrier::new(2);
            let (a, b) = std::thread::scope(|scope| {
                let run = || {
                    start.wait();
                    emitter.files(cluster)
                };
                let other = scope.spawn(run);
                let mine = run();
                (mine, other.join().expect("no panic"))
            });
            // The whole-emitter parts (the first four) hold the items.
            for (pa, pb) in a.parts.iter().zip(&b.parts).take(4) {
                for (fa, fb) in pa.files.iter().zip(&pb.files) {
                    assert!(
                        Arc::ptr_eq(&fa.bytes, &fb.bytes),
                        "{} rendered twice",
                        fa.path
                    );
                }
            }
            assert_eq!(
                a.into_artifacts(),
                expected
                    .iter()
                    .filter(|f| !f.path.ends_with("/kustomization.yaml"))
                    .cloned()
                    .collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn a_claim_dropped_unfilled_never_leaves_a_thread_waiting() {
        let shared = Shared::default();
        let same = |_: &u8| true;
        match shared.claim((0, 0), &same, || 0u8) {
            Lookup::Claimed(claim) => drop(claim),
            _ => panic!("the first claim renders"),
        }
        match shared.claim((0, 0), &same, || 0u8) {
            Lookup::Ready(part) => assert!(part.files.is_empty()),
            _ => panic!("a dropped claim is filled"),
        }
    }

    #[test]
    fn the_shared_budget_bounds_memory_and_never_changes_output() {
        let model = model();
        let unbounded = Emitter::default();
        let expected: Vec<Vec<Artifact>> = model
            .clusters
            .iter()
            .map(|c| unbounded.cluster(c))
            .collect();
        let kept = |e: &Emitter| e.shared.state.lock().unwrap().bytes;
        assert!(kept(&unbounded) > 0, "the reference spec shares files");
        for budget in [0, 1, 10_000, kept(&unbounded) / 2] {
            let bounded = Emitter::with_budget(budget);
            // Twice round, so evicted entries are emitted again.
            for _ in 0..2 {
                for (cluster, want) in model.clusters.iter().zip(&expected) {
                    assert_eq!(&bounded.cluster(cluster), want, "budget {budget}");
                    assert!(kept(&bounded) <= budget, "budget {budget}");
                }
            }
        }
    }
}
