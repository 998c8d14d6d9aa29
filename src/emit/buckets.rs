//! The monitor daemon's bucket config, `monitor/buckets.yaml`: the bucket
//! count and hash, check settings, each monitor's buckets and capacity, and
//! each cluster's bucket. Its header documents the hash so the daemon can
//! place clusters the spec does not list; `monocle compile` reads the file
//! back ([`crate::model::buckets::Previous`]) to keep ownership sticky.

use serde::Serialize;

use super::Artifact;
use super::yaml;
use crate::model::buckets::{BUCKETS_FILE, BucketsModel, FORMAT_VERSION, HASH_NAME};

#[derive(Serialize)]
struct File<'a> {
    version: u32,
    hash: &'static str,
    buckets: u32,
    check_interval: &'a str,
    check_timeout: &'a str,
    expected_clusters: u64,
    memory: Memory,
    monitors: Vec<Monitor<'a>>,
    clusters: Vec<Cluster<'a>>,
}

#[derive(Serialize)]
struct Memory {
    per_cluster_bytes: u64,
    per_worker_bytes: u64,
    budget_bytes: u64,
}

#[derive(Serialize)]
struct Monitor<'a> {
    name: &'a str,
    /// The worker pool size.
    workers: u64,
    capacity: Capacity,
    /// Sorted ascending.
    buckets: &'a [u32],
}

#[derive(Serialize)]
struct Capacity {
    buckets: u32,
    clusters: u64,
    checks_per_second: f64,
    memory_bytes: u64,
}

#[derive(Serialize)]
struct Cluster<'a> {
    name: &'a str,
    bucket: u32,
    monitor: &'a str,
}

/// What the daemon needs to know to read the file, after the usual header.
const ABOUT: &str = "\
#
# Bucket config of the monitor daemon. Every bucket has exactly one owner;
# owners differ by at most one bucket. monocle reads this file back on the
# next compile and keeps each bucket with its owner where balance allows.
#
# Bucket of a cluster (`hash: fnv1a64-fmix64`), in 64-bit wrapping arithmetic:
#   h = 0xcbf29ce484222325; for each UTF-8 byte c of the name:
#       h = (h xor c) * 0x100000001b3                     (FNV-1a 64)
#   h ^= h >> 33; h *= 0xff51afd7ed558ccd; h ^= h >> 33;
#   h *= 0xc4ceb9fe1a85ec53; h ^= h >> 33                 (MurmurHash3 fmix64)
#   bucket = floor(h * buckets / 2^64)          (the top log2(buckets) bits)
# Clusters not listed below belong to the bucket this gives.
#
# Capacity of a monitor owning k buckets (sizes in bytes, KB = 1000 B):
#   clusters = ceil(expected_clusters * k / buckets)
#   checks_per_second = expected_clusters * k / buckets / check_interval
#   workers = ceil(expected_clusters * k / buckets * check_timeout / check_interval)
#   memory_bytes = expected_clusters * per_cluster + workers * per_worker
";

/// Files under `monitor/` (paths relative to the output folder).
pub fn emit(buckets: &BucketsModel) -> Vec<Artifact> {
    let file = File {
        version: FORMAT_VERSION,
        hash: HASH_NAME,
        buckets: buckets.buckets,
        check_interval: &buckets.check_interval,
        check_timeout: &buckets.check_timeout,
        expected_clusters: buckets.expected_clusters,
        memory: Memory {
            per_cluster_bytes: buckets.memory.per_cluster,
            per_worker_bytes: buckets.memory.per_worker,
            budget_bytes: buckets.memory.budget,
        },
        monitors: buckets
            .monitors
            .iter()
            .map(|m| Monitor {
                name: &m.name,
                workers: m.capacity.workers,
                capacity: Capacity {
                    buckets: m.capacity.buckets,
                    clusters: m.capacity.clusters,
                    checks_per_second: m.capacity.checks_per_second,
                    // Within the budget (a u64) once the spec checked.
                    memory_bytes: u64::try_from(m.capacity.memory_bytes).unwrap_or(u64::MAX),
                },
                buckets: &m.buckets,
            })
            .collect(),
        clusters: buckets
            .clusters
            .iter()
            .map(|c| Cluster {
                name: &c.name,
                bucket: c.bucket,
                monitor: &c.monitor,
            })
            .collect(),
    };
    let mut text = yaml::header(None);
    text.push_str(ABOUT);
    text.push_str(&yaml::serialize(&file));
    vec![Artifact {
        path: BUCKETS_FILE.to_owned(),
        bytes: text.into_bytes(),
    }]
}
