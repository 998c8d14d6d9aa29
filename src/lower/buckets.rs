//! Lowers `monitor` into the bucket configuration. `previous` is the bucket
//! config file monocle generated last time, if the output folder holds one:
//! ownership is sticky like a lock file. A previous file that cannot be
//! trusted (see [`Previous::parse`]) is ignored and ownership starts from
//! the canonical assignment; `monocle monitor` says so and why (lowering
//! reports no diagnostics).

use std::collections::BTreeSet;

use crate::capacity::Settings;
use crate::check::Spec;
use crate::model::buckets::{
    BucketsModel, ClusterBucket, MemoryModel, MonitorShare, Ownership, Previous, assign, bucket_of,
    valid_bucket_count,
};

pub fn lower(spec: &Spec, previous: Option<&[u8]>) -> Option<BucketsModel> {
    let m = &spec.monitor.as_ref()?.value;
    let settings = Settings::of(m);
    let names: Vec<&str> = m
        .monitors
        .iter()
        .map(String::as_str)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if names.is_empty() {
        return None;
    }
    let buckets = settings.buckets;
    if !valid_bucket_count(buckets) {
        return None;
    }

    let previous = previous.map(Previous::parse);
    let (prior, mut ownership) = match &previous {
        None => (Vec::new(), Ownership::Canonical),
        Some(Err(reason)) => (
            Vec::new(),
            Ownership::Ignored {
                reason: reason.clone(),
            },
        ),
        Some(Ok(p)) => (
            p.owners(buckets),
            Ownership::Kept {
                moved: 0,
                resized_from: (p.buckets != buckets).then_some(p.buckets),
            },
        ),
    };
    let owners = assign(buckets, &names, &prior);
    if let Ownership::Kept { moved, .. } = &mut ownership {
        *moved = owners
            .iter()
            .enumerate()
            .filter(|(b, o)| prior.get(*b).copied().flatten() != Some(names[**o]))
            .count() as u32;
    }

    let mut owned: Vec<Vec<u32>> = vec![Vec::new(); names.len()];
    for (bucket, &owner) in owners.iter().enumerate() {
        owned[owner].push(bucket as u32);
    }
    let monitors = names
        .iter()
        .zip(owned)
        .map(|(name, buckets)| MonitorShare {
            name: (*name).to_owned(),
            capacity: settings.capacity(buckets.len() as u32),
            buckets,
        })
        .collect();
    let mut clusters: Vec<ClusterBucket> = spec
        .clusters
        .iter()
        .map(|c| {
            let bucket = bucket_of(&c.value.name, buckets);
            ClusterBucket {
                name: c.value.name.clone(),
                bucket,
                monitor: names[owners[bucket as usize]].to_owned(),
            }
        })
        .collect();
    clusters.sort_by(|a, b| a.name.cmp(&b.name));

    Some(BucketsModel {
        buckets,
        check_interval: settings.check_interval.to_string(),
        check_timeout: settings.check_timeout.to_string(),
        expected_clusters: settings.expected_clusters,
        memory: MemoryModel {
            per_cluster: settings.per_cluster.bytes,
            per_worker: settings.per_worker.bytes,
            budget: settings.budget.bytes,
        },
        monitors,
        clusters,
        ownership,
    })
}
