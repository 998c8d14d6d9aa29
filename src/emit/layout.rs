//! Where each generated file goes, by `output.layout`.
//!
//! `per-cluster` writes every cluster's files into its own folder. `shared`
//! groups a cluster's files into items: a file and its companions with the
//! same stem (`dashboards/x.json` and `dashboards/x.yaml` are the item
//! `dashboards/x`). An item whose files are byte-identical in several
//! clusters is stored once, in a folder of its own under `shared/` with a
//! `kustomization.yaml`, and each of those clusters' `kustomization.yaml`
//! lists that folder. Kustomize's default load restrictor lets a
//! kustomization refer to another kustomization folder anywhere, but to a
//! plain file only inside its own folder: hence one small folder per item,
//! which Argo CD and Flux build without extra flags.
//!
//! Names depend on what an item is, never on its bytes, so a change to one
//! item changes that item's files and renames nothing else. The variant
//! most clusters use is `shared/<item>`; another variant is named after
//! what its clusters have in common (`shared/rules/api.environment-staging`)
//! or, failing that, after its clusters (`shared/rules/api.eu-1+eu-2`). A
//! variant of one cluster stays in that cluster's folder.

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Weak};

use rayon::prelude::*;

use super::{Artifact, ClusterFiles, Emitted, Part, kustomize};
use crate::model::ClusterModel;

/// The folder (under the output folder) of the files clusters share.
pub const SHARED_DIR: &str = "shared";
/// The folder (under [`SHARED_DIR`]) of the sets of clusters: each lists
/// the shared folders its clusters all use. No item is called this (items
/// are in the emitters' folders: `rules/`, `dashboards/`, ...).
pub const SETS_DIR: &str = "sets";

/// One cluster's files, each part grouped into items and hashed (done in
/// parallel, by the producers), ready for [`SharedLayout::add`].
pub struct Prepared {
    cluster: ClusterInfo,
    files: ClusterFiles,
}

impl Prepared {
    /// The cluster's files as they are in the per-cluster layout.
    pub fn into_artifacts(self) -> Vec<crate::emit::Artifact> {
        self.files.into_artifacts()
    }
}

/// One item of a part: its key, a hash of its files, and the files'
/// indexes in the part, sorted by path. Each emitter writes folders of its
/// own, so an item's files are all in one part.
#[derive(Debug)]
pub struct PartItem {
    key: String,
    hash: u64,
    files: Vec<usize>,
}

/// What a variant's name may be made of.
struct ClusterInfo {
    name: String,
    /// `environment`, `region`, then the labels, as (key, value).
    attributes: Vec<(String, String)>,
}

/// The item a file belongs to: its path up to the first `.` of its name.
pub fn item_key(path: &str) -> &str {
    let name_start = path.rfind('/').map_or(0, |i| i + 1);
    match path[name_start..].find('.') {
        Some(dot) => &path[..name_start + dot],
        None => path,
    }
}

/// Groups one part's files into items (the cluster's `kustomization.yaml`
/// is the layout's own) and hashes each item's files.
pub(crate) fn group(files: &[Emitted]) -> Vec<PartItem> {
    let mut grouped: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, file) in files.iter().enumerate() {
        if file.path != kustomize::FILE {
            grouped.entry(item_key(&file.path)).or_default().push(i);
        }
    }
    grouped
        .into_iter()
        .map(|(key, mut at)| {
            at.sort_by(|&a, &b| files[a].path.cmp(&files[b].path));
            let mut hasher = super::hash::FastHasher::default();
            for &i in &at {
                let file = &files[i];
                (&file.path, &file.bytes, file.resource).hash(&mut hasher);
            }
            PartItem {
                key: key.to_owned(),
                hash: hasher.finish(),
                files: at,
            }
        })
        .collect()
}

/// Groups and hashes one cluster's files.
pub fn prepare(cluster: &ClusterModel, files: ClusterFiles) -> Prepared {
    let mut attributes = Vec::new();
    if let Some(env) = &cluster.environment {
        attributes.push(("environment".to_owned(), env.clone()));
    }
    if let Some(region) = &cluster.region {
        attributes.push(("region".to_owned(), region.clone()));
    }
    for (key, value) in &cluster.labels {
        if key != "environment" && key != "region" {
            attributes.push((key.clone(), value.clone()));
        }
    }
    // Grouped here, on a producer's thread, so the layout's thread only
    // looks items up.
    for part in &files.parts {
        part.items();
    }
    Prepared {
        cluster: ClusterInfo {
            name: cluster.name.clone(),
            attributes,
        },
        files,
    }
}

/// Collects every cluster's items, keeping each distinct one once, then
/// lays them out.
#[derive(Default)]
pub struct SharedLayout {
    clusters: Vec<ClusterInfo>,
    /// Each item's key and variants, and where each key is.
    items: Vec<(String, Vec<Variant>)>,
    keys: HashMap<String, usize>,
    /// The parts already laid out, by address: the (item, variant) of each
    /// of their items. Clusters with the same selection share parts, so
    /// most clusters are only added to known variants. The `Weak` keeps
    /// the part's allocation (not its files) alive, so its address cannot
    /// be reused by another part.
    parts: HashMap<usize, PlacedPart>,
}

/// A part laid out: kept alive by address, and the (item, variant) of each
/// of its items.
type PlacedPart = (Weak<Part>, Vec<(usize, usize)>);

/// A file of the layout. Its bytes are the emitter's own, not a copy: at
/// fleet scale they are tens of MB.
pub struct LaidFile {
    pub path: String,
    pub bytes: Arc<[u8]>,
}

/// One content of an item and the clusters (indexes) that have it.
struct Variant {
    hash: u64,
    files: Vec<Emitted>,
    clusters: Vec<usize>,
}

/// The laid-out output: the files, and which clusters use each shared folder.
pub struct Laid {
    pub artifacts: Vec<LaidFile>,
    /// Each shared folder (`shared/...`) and the set of clusters using it
    /// (an index into `sets`, whose entries index `names`). Names are looked
    /// up only when asked: a fleet's folders list hundreds of thousands of
    /// them, and a compile never asks.
    users: BTreeMap<String, usize>,
    sets: Vec<Vec<usize>>,
    names: Vec<String>,
}

impl Laid {
    /// Files no folder of which is shared (the per-cluster layout).
    pub fn unshared(artifacts: Vec<LaidFile>) -> Self {
        Laid {
            artifacts,
            users: BTreeMap::new(),
            sets: Vec::new(),
            names: Vec::new(),
        }
    }

    /// The clusters that use the file at `path`: those of its shared
    /// folder, or the cluster whose folder holds it (empty for fleet-wide
    /// files such as the bucket config).
    pub fn users_of(&self, path: &str) -> Vec<String> {
        if let Some(folder) = path.rsplit_once('/').map(|(folder, _)| folder)
            && let Some(&set) = self.users.get(folder)
        {
            let mut names: Vec<String> = self.sets[set]
                .iter()
                .map(|&c| self.names[c].clone())
                .collect();
            names.sort_unstable();
            return names;
        }
        Vec::new()
    }
}

impl SharedLayout {
    pub fn add(&mut self, prepared: Prepared) {
        let index = self.clusters.len();
        let Prepared { cluster, files } = prepared;
        self.clusters.push(cluster);
        for part in &files.parts {
            let address = Arc::as_ptr(part).addr();
            if !self.parts.contains_key(&address) {
                let placed: Vec<(usize, usize)> = part
                    .items()
                    .iter()
                    .map(|item| self.variant_of(part, item))
                    .collect();
                // A part only this cluster holds (its Prometheus, its
                // Alertmanager) can never come again: not remembered.
                if Arc::strong_count(part) == 1 {
                    join(&mut self.items, &placed, index);
                    continue;
                }
                self.parts.insert(address, (Arc::downgrade(part), placed));
            }
            join(&mut self.items, &self.parts[&address].1, index);
        }
    }

    /// The (item, variant) that holds `item` of `part`, added if new.
    fn variant_of(&mut self, part: &Part, item: &PartItem) -> (usize, usize) {
        let n = if let Some(&n) = self.keys.get(&item.key) {
            n
        } else {
            self.items.push((item.key.clone(), Vec::new()));
            self.keys.insert(item.key.clone(), self.items.len() - 1);
            self.items.len() - 1
        };
        let variants = &mut self.items[n].1;
        let same = |v: &Variant| {
            v.hash == item.hash
                && v.files.len() == item.files.len()
                && v.files
                    .iter()
                    .zip(&item.files)
                    .all(|(a, &i)| *a == part.files[i])
        };
        let variant = variants.iter().position(same).unwrap_or_else(|| {
            variants.push(Variant {
                hash: item.hash,
                files: item.files.iter().map(|&i| part.files[i].clone()).collect(),
                clusters: Vec::new(),
            });
            variants.len() - 1
        });
        (n, variant)
    }

    /// Every file of the layout, sorted by path.
    pub fn finish(self) -> Laid {
        let SharedLayout {
            clusters,
            mut items,
            ..
        } = self;
        let mut artifacts = Vec::new();
        // Each kustomization's path and resources, rendered at the end on
        // every core: thousands of them, while the other threads wait.
        let mut kustomizations: Vec<(String, Vec<String>)> = Vec::new();
        let mut resources: Vec<Vec<String>> = vec![Vec::new(); clusters.len()];
        // The shared folders of each set of clusters (indexes, sorted).
        let mut sets: BTreeMap<Vec<usize>, Vec<String>> = BTreeMap::new();
        items.sort_by(|a, b| a.0.cmp(&b.0));
        for (key, mut variants) in items {
            let first_name = |v: &Variant| {
                v.clusters
                    .iter()
                    .map(|&c| clusters[c].name.as_str())
                    .min()
                    .unwrap_or_default()
                    .to_owned()
            };
            // The variant most clusters use first (ties: the one with the
            // first cluster by name), then the others by their first cluster.
            variants.sort_by_cached_key(|v| (std::cmp::Reverse(v.clusters.len()), first_name(v)));
            let names = variant_names(&clusters, &variants);
            let dir = key.rsplit_once('/').map(|(dir, _)| dir);
            for (n, variant) in variants.iter().enumerate() {
                if let [only] = variant.clusters[..] {
                    let cluster = &clusters[only].name;
                    for file in &variant.files {
                        if file.resource {
                            resources[only].push(file.path.clone());
                        }
                        artifacts.push(LaidFile {
                            path: format!("{cluster}/{}", file.path),
                            bytes: file.bytes.clone(),
                        });
                    }
                    continue;
                }
                let folder = match &names[n] {
                    None => format!("{SHARED_DIR}/{key}"),
                    Some(name) => format!("{SHARED_DIR}/{key}.{name}"),
                };
                let mut listed = Vec::new();
                for file in &variant.files {
                    let name = match dir {
                        Some(dir) => file.path.strip_prefix(dir).unwrap_or(&file.path),
                        None => &file.path,
                    };
                    let name = name.trim_start_matches('/');
                    if file.resource {
                        listed.push(name.to_owned());
                    }
                    artifacts.push(LaidFile {
                        path: format!("{folder}/{name}"),
                        bytes: file.bytes.clone(),
                    });
                }
                kustomizations.push((format!("{folder}/{}", kustomize::FILE), listed));
                let mut set = variant.clusters.clone();
                set.sort_unstable();
                sets.entry(set).or_default().push(folder);
            }
        }
        // Each shared folder's set of clusters, by its place in `sets`.
        let mut users = BTreeMap::new();
        for (n, folders) in sets.values().enumerate() {
            users.extend(folders.iter().map(|folder| (folder.clone(), n)));
        }
        // Each cluster lists the sets it belongs to, not every item: a
        // fleet's kustomizations would otherwise repeat the same long
        // lists in every cluster folder.
        let set_names = set_names(&clusters, sets.keys());
        let mut set_list = Vec::with_capacity(sets.len());
        for ((set, folders), name) in sets.into_iter().zip(set_names) {
            let folder = format!("{SHARED_DIR}/{SETS_DIR}/{name}");
            let listed = folders
                .iter()
                .map(|f| format!("../../{}", &f[SHARED_DIR.len() + 1..]));
            kustomizations.push((format!("{folder}/{}", kustomize::FILE), listed.collect()));
            for &c in &set {
                resources[c].push(format!("../{folder}"));
            }
            set_list.push(set);
        }
        for (cluster, listed) in clusters.iter().zip(resources) {
            kustomizations.push((format!("{}/{}", cluster.name, kustomize::FILE), listed));
        }
        artifacts.par_extend(
            kustomizations
                .into_par_iter()
                .map(|(path, listed)| LaidFile {
                    path,
                    bytes: kustomize::render(listed).into(),
                }),
        );
        // Paths are distinct: an unstable sort gives the same order.
        artifacts.par_sort_unstable_by(|a, b| a.path.cmp(&b.path));
        Laid {
            artifacts,
            users,
            sets: set_list,
            names: clusters.into_iter().map(|c| c.name).collect(),
        }
    }
}

/// Adds cluster `index` to the variants (item, variant) of `placed`.
fn join(items: &mut [(String, Vec<Variant>)], placed: &[(usize, usize)], index: usize) {
    for &(item, variant) in placed {
        items[item].1[variant].clusters.push(index);
    }
}

/// The name of each variant of an item (sorted as in `finish`): `None`
/// for the first, the one most clusters use.
fn variant_names(clusters: &[ClusterInfo], variants: &[Variant]) -> Vec<Option<String>> {
    let mut names: Vec<Option<String>> = vec![None];
    let mut taken = std::collections::BTreeSet::new();
    for variant in variants.iter().skip(1) {
        let members = |key: &str, value: &str| {
            let has = |c: usize| {
                clusters[c]
                    .attributes
                    .iter()
                    .any(|(k, v)| k == key && v == value)
            };
            // Exactly this variant's clusters, among those with the item.
            variant.clusters.iter().all(|&c| has(c))
                && variants
                    .iter()
                    .filter(|other| !std::ptr::eq(*other, variant))
                    .all(|other| other.clusters.iter().all(|&c| !has(c)))
        };
        let first = variant
            .clusters
            .iter()
            .copied()
            .min_by(|&a, &b| clusters[a].name.cmp(&clusters[b].name));
        let by_attribute = first.and_then(|first| {
            clusters[first]
                .attributes
                .iter()
                .filter(|(k, v)| members(k, v))
                .map(|(k, v)| format!("{}-{}", file_part(k), file_part(v)))
                .find(|name| !taken.contains(name))
        });
        let name = by_attribute.unwrap_or_else(|| {
            // Cluster names are DNS labels: `+` never occurs in them, nor
            // in an attribute's name, so these names are distinct.
            let mut names: Vec<&str> = variant
                .clusters
                .iter()
                .map(|&c| clusters[c].name.as_str())
                .collect();
            names.sort_unstable();
            if names.len() <= 3 {
                names.join("+")
            } else {
                format!("{}+{}-more", names[0], names.len() - 1)
            }
        });
        taken.insert(name.clone());
        names.push(Some(name));
    }
    names
}

/// The name of each set of clusters (indexes), in the given order: `all`,
/// or what its clusters and no others have in common (`environment-staging`),
/// or its clusters (`a+b`, up to three; `<first>+<n>-more-<hash>`).
fn set_names<'a>(
    clusters: &[ClusterInfo],
    sets: impl Iterator<Item = &'a Vec<usize>>,
) -> Vec<String> {
    let mut taken = std::collections::BTreeSet::new();
    let mut names = Vec::new();
    for set in sets {
        let exactly = |key: &str, value: &str| {
            let has = |c: &ClusterInfo| c.attributes.iter().any(|(k, v)| k == key && v == value);
            clusters
                .iter()
                .enumerate()
                .all(|(i, c)| has(c) == set.binary_search(&i).is_ok())
        };
        let mut members: Vec<&str> = set.iter().map(|&c| clusters[c].name.as_str()).collect();
        members.sort_unstable();
        let by_attribute = || {
            clusters[set[0]]
                .attributes
                .iter()
                .filter(|(k, v)| exactly(k, v))
                .map(|(k, v)| format!("{}-{}", file_part(k), file_part(v)))
                .find(|name| !taken.contains(name))
        };
        let name = if set.len() == clusters.len() {
            "all".to_owned()
        } else if let Some(name) = by_attribute() {
            name
        } else if members.len() <= 3 {
            members.join("+")
        } else {
            // Two sets may share a first cluster and a size: the hash of
            // the members (stable while they are) tells them apart.
            // FNV-1a: the same on every machine and Rust release.
            let mut hash: u32 = 0x811c_9dc5;
            for byte in members.join("+").bytes() {
                hash = (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193);
            }
            format!("{}+{}-more-{hash:08x}", members[0], members.len() - 1)
        };
        taken.insert(name.clone());
        names.push(name);
    }
    names
}

/// `text` with anything but ASCII letters, digits, `-` and `_` replaced by
/// `-`, to be a safe part of a folder name.
fn file_part(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// The files as the per-cluster layout has them, from either layout's
/// files: every cluster folder complete, with the kustomization that lists
/// them; other files (the bucket config) as they are. For tests and tools
/// that read one cluster's files; a shared layout expands to exactly the
/// per-cluster layout's bytes.
pub fn expand(artifacts: &[Artifact]) -> Vec<Artifact> {
    let files: BTreeMap<&str, &[u8]> = artifacts
        .iter()
        .map(|a| (a.path.as_str(), a.bytes.as_slice()))
        .collect();
    // The files directly in `folder`, but its kustomization: (name, bytes).
    let in_folder = |folder: &str| {
        let prefix = format!("{folder}/");
        files
            .range(prefix.as_str()..)
            .take_while(|(path, _)| path.starts_with(&prefix))
            .map(|(path, bytes)| (path[prefix.len()..].to_owned(), *bytes))
            .filter(|(name, _)| !name.contains('/') && name != kustomize::FILE)
            .collect::<Vec<_>>()
    };
    let resources = |folder: &str| -> Vec<String> {
        #[derive(serde::Deserialize)]
        struct Kustomization {
            #[serde(default)]
            resources: Vec<String>,
        }
        let path = format!("{folder}/{}", kustomize::FILE);
        files
            .get(path.as_str())
            .and_then(|bytes| serde_saphyr::from_slice::<Kustomization>(bytes).ok())
            .map(|k| k.resources)
            .unwrap_or_default()
    };
    let clusters: Vec<&str> = files
        .keys()
        .filter_map(|path| path.strip_suffix(&format!("/{}", kustomize::FILE)))
        .filter(|folder| !folder.contains('/'))
        .collect();
    let mut out = Vec::new();
    for cluster in &clusters {
        let prefix = format!("{cluster}/");
        for (path, bytes) in files.range(prefix.as_str()..) {
            if !path.starts_with(&prefix) {
                break;
            }
            if path[prefix.len()..] != *kustomize::FILE {
                out.push(Artifact {
                    path: (*path).to_owned(),
                    bytes: bytes.to_vec(),
                });
            }
        }
        let mut listed = Vec::new();
        let mut folders: Vec<String> = Vec::new();
        for resource in resources(cluster) {
            match resource.strip_prefix("../") {
                Some(folder) => folders.push(folder.to_owned()),
                None => listed.push(resource),
            }
        }
        // Shared folders, and the folders of sets, which list others
        // (`../../rules/api` from `shared/sets/all`).
        while let Some(folder) = folders.pop() {
            // `shared/rules/api.x` holds what the cluster has in `rules/`.
            let item = folder
                .strip_prefix(&format!("{SHARED_DIR}/"))
                .unwrap_or(&folder);
            let at = |name: &str| match item.rsplit_once('/') {
                Some((dir, _)) => format!("{dir}/{name}"),
                None => name.to_owned(),
            };
            for (name, bytes) in in_folder(&folder) {
                out.push(Artifact {
                    path: format!("{cluster}/{}", at(&name)),
                    bytes: bytes.to_vec(),
                });
            }
            for resource in resources(&folder) {
                match resource.strip_prefix("../../") {
                    Some(other) => folders.push(format!("{SHARED_DIR}/{other}")),
                    None => listed.push(at(&resource)),
                }
            }
        }
        out.push(Artifact {
            path: format!("{cluster}/{}", kustomize::FILE),
            bytes: kustomize::render(listed),
        });
    }
    let taken = |path: &str| {
        path.split_once('/')
            .is_some_and(|(first, _)| first == SHARED_DIR || clusters.contains(&first))
    };
    out.extend(artifacts.iter().filter(|a| !taken(&a.path)).cloned());
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_is_a_path_up_to_the_first_dot_of_its_name() {
        assert_eq!(item_key("rules/api.yaml"), "rules/api");
        assert_eq!(item_key("slo-tests/a-b.test.yaml"), "slo-tests/a-b");
        assert_eq!(item_key("dir.d/x.json"), "dir.d/x");
        assert_eq!(item_key("plain"), "plain");
    }

    #[test]
    fn file_parts_keep_only_safe_characters() {
        assert_eq!(file_part("example.com/tier"), "example-com-tier");
        assert_eq!(file_part("gold_1-x"), "gold_1-x");
    }
}
