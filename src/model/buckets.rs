//! The monitor daemon's bucket configuration: fleet-wide, not per cluster.
//!
//! Besides the model, this module owns the two rules the bucket config must
//! keep stable across runs and machines, as pure functions:
//!
//! - [`bucket_of`]: a cluster's bucket, a stable hash of its name that the
//!   daemon can reproduce from the description in the file header;
//! - [`assign`]: bucket ownership, balanced within one bucket and sticky
//!   like a lock file: given the previous owners, it moves the fewest
//!   buckets that balance allows.
//!
//! [`Previous::parse`] reads a bucket config monocle wrote earlier back;
//! anything it cannot trust is refused (and ownership starts canonical).

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use crate::capacity::Capacity;

/// Where the bucket config lives in the output folder; the next compile
/// reads it back to keep bucket ownership stable.
pub const BUCKETS_FILE: &str = "monitor/buckets.yaml";

/// `buckets` when the spec leaves it out.
pub const DEFAULT_BUCKETS: u32 = 256;
/// The largest bucket count (buckets are numbered with 16 bits).
pub const MAX_BUCKETS: u32 = 65536;
/// Version of the bucket config file format (its `version` key).
pub const FORMAT_VERSION: u32 = 1;
/// Name of the cluster hash, written in the file as `hash`.
pub const HASH_NAME: &str = "fnv1a64-fmix64";

/// A valid bucket count: a power of two from 1 to [`MAX_BUCKETS`].
pub fn valid_bucket_count(buckets: u32) -> bool {
    buckets.is_power_of_two() && buckets <= MAX_BUCKETS
}

/// Bucket ownership, cluster placement and the capacity report.
#[derive(Debug, Clone, PartialEq)]
pub struct BucketsModel {
    /// The bucket count (a power of two).
    pub buckets: u32,
    /// Prometheus duration text, normalized (`5m`).
    pub check_interval: String,
    pub check_timeout: String,
    pub expected_clusters: u64,
    pub memory: MemoryModel,
    /// Sorted by name.
    pub monitors: Vec<MonitorShare>,
    /// Every cluster of the spec, sorted by name.
    pub clusters: Vec<ClusterBucket>,
    /// How ownership was derived. Reported by `monocle monitor`, never
    /// written to the file (that would make the file depend on history
    /// beyond the previous file, and a second compile would rewrite it).
    pub ownership: Ownership,
}

/// The memory model, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryModel {
    pub per_cluster: u64,
    pub per_worker: u64,
    pub budget: u64,
}

/// One monitor process: the buckets it owns and what they cost.
#[derive(Debug, Clone, PartialEq)]
pub struct MonitorShare {
    pub name: String,
    /// Sorted ascending.
    pub buckets: Vec<u32>,
    pub capacity: Capacity,
}

/// A cluster of the spec, its bucket and the monitor owning that bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterBucket {
    pub name: String,
    pub bucket: u32,
    pub monitor: String,
}

/// Where bucket ownership came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ownership {
    /// No previous bucket config: the canonical assignment.
    Canonical,
    /// Kept from the previous bucket config; `moved` buckets changed owner.
    /// `resized_from` is the previous bucket count when it differed (each
    /// old bucket's owner then keeps the buckets it split into, or the
    /// bucket its halves merged into).
    Kept {
        moved: u32,
        resized_from: Option<u32>,
    },
    /// A previous bucket config existed but could not be trusted: the
    /// canonical assignment, and why.
    Ignored { reason: String },
}

// ---------------------------------------------------------------------------
// The cluster hash.

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

/// 64-bit FNV-1a (offset basis `0xcbf29ce484222325`, prime `0x100000001b3`).
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    fnv1a64_from(FNV_OFFSET, bytes)
}

/// FNV-1a continued from the state `hash` (the hash of a prefix).
fn fnv1a64_from(mut hash: u64, bytes: &[u8]) -> u64 {
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(FNV_PRIME);
    }
    hash
}

/// MurmurHash3's 64-bit finalizer. FNV-1a alone mixes its last bytes into
/// the high bits poorly (`prod-eu-1` and `prod-eu-2` would share a bucket);
/// after this every input bit affects every output bit.
pub fn fmix64(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^= x >> 33;
    x
}

/// The stable hash of a name: `fmix64(fnv1a64(utf8 bytes))`.
pub fn stable_hash(name: &str) -> u64 {
    fmix64(fnv1a64(name.as_bytes()))
}

/// A cluster's bucket: `floor(stable_hash(name) × buckets / 2^64)`, which
/// for a power-of-two count is the top `log2(buckets)` bits of the hash.
/// It depends on nothing but the name and the bucket count, so adding
/// clusters or monitors never moves a cluster to another bucket; doubling
/// the count splits bucket `b` into `2b` and `2b + 1`.
pub fn bucket_of(name: &str, buckets: u32) -> u32 {
    let wide = u128::from(stable_hash(name)) * u128::from(buckets);
    // < buckets ≤ u32::MAX by construction.
    (wide >> 64) as u32
}

/// How much a monitor wants `bucket` (rendezvous hashing): the canonical
/// assignment gives each bucket to the monitor that wants it most. This is
/// [`stable_hash`] of `"<monitor>/<bucket>"`, from `prefix`, the FNV-1a
/// state after `"<monitor>/"` (computed once per monitor: [`prefix`]).
fn preference(prefix: u64, bucket: u32) -> u64 {
    let mut digits = [0u8; 10];
    let mut start = digits.len();
    let mut rest = bucket;
    loop {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    fmix64(fnv1a64_from(prefix, &digits[start..]))
}

fn prefix(monitor: &str) -> u64 {
    fnv1a64_from(fnv1a64(monitor.as_bytes()), b"/")
}

// ---------------------------------------------------------------------------
// Ownership.

/// Owners of `buckets` buckets among `monitors` (distinct names, any order):
/// `result[b]` indexes `monitors`. `previous[b]` is bucket `b`'s owner in
/// the previous bucket config (`previous` may be shorter: missing buckets
/// had no owner).
///
/// Every bucket gets exactly one owner and owners differ by at most one
/// bucket. Among all such assignments, this one keeps the most buckets with
/// their previous owner, so it moves exactly the buckets that must move:
///
/// 1. Quotas: with `n` monitors each owns `buckets / n`, and `buckets % n`
///    of them one more; the extra ones go to the monitors that held the
///    most buckets before (ties: by name), which is what maximizes the
///    buckets kept (a monitor keeps `min(held, quota)`).
/// 2. Each monitor keeps its previous buckets up to its quota (preferring
///    the ones it wants most, see below); the rest, and the buckets of
///    monitors that are gone, are free.
/// 3. Free buckets, in ascending order, go to the monitor with room that
///    wants them most (rendezvous hashing over [`stable_hash`] of
///    `"<monitor>/<bucket>"`; ties by name).
///
/// Without a previous config every bucket is free, so the canonical
/// assignment is step 3 alone. The result depends only on the inputs (not
/// on the order of `monitors`); with an unchanged, balanced previous config
/// nothing moves.
pub fn assign(buckets: u32, monitors: &[&str], previous: &[Option<&str>]) -> Vec<usize> {
    let n = monitors.len();
    if n == 0 {
        return Vec::new();
    }
    let total = buckets as usize;
    let index: BTreeMap<&str, usize> = monitors.iter().enumerate().map(|(i, m)| (*m, i)).collect();
    let prefixes: Vec<u64> = monitors.iter().map(|m| prefix(m)).collect();
    let mut held: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (bucket, owner) in previous.iter().take(total).enumerate() {
        if let Some(&m) = owner.and_then(|o| index.get(o)) {
            held[m].push(bucket as u32);
        }
    }

    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        held[b]
            .len()
            .cmp(&held[a].len())
            .then_with(|| monitors[a].cmp(monitors[b]))
    });
    let mut quota = vec![total / n; n];
    for &m in order.iter().take(total % n) {
        quota[m] += 1;
    }

    let mut owner = vec![usize::MAX; total];
    let mut load = vec![0usize; n];
    for (m, mut kept) in held.into_iter().enumerate() {
        if kept.len() > quota[m] {
            kept.sort_by_key(|&b| (Reverse(preference(prefixes[m], b)), b));
            kept.truncate(quota[m]);
        }
        load[m] = kept.len();
        for b in kept {
            owner[b as usize] = m;
        }
    }
    for (bucket, slot) in owner.iter_mut().enumerate() {
        if *slot != usize::MAX {
            continue;
        }
        let best = (0..n)
            .filter(|&m| load[m] < quota[m])
            .max_by_key(|&m| (preference(prefixes[m], bucket as u32), Reverse(monitors[m])));
        // The quotas sum to `total`, so some monitor always has room.
        if let Some(m) = best {
            *slot = m;
            load[m] += 1;
        }
    }
    owner
}

// ---------------------------------------------------------------------------
// The previous bucket config.

/// Ownership read back from a bucket config monocle wrote earlier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Previous {
    pub buckets: u32,
    /// Bucket → owner; a bucket may be missing (it had no owner).
    pub owners: BTreeMap<u32, String>,
}

/// The parts of the file [`Previous::parse`] reads; anything else in it is
/// ignored, so fields can be added to the format without losing stickiness.
/// All optional, so that a file of another version says so rather than
/// failing on a missing field.
#[derive(Deserialize)]
struct PreviousFile {
    version: Option<u32>,
    hash: Option<String>,
    buckets: Option<u32>,
    monitors: Option<Vec<PreviousMonitor>>,
}

#[derive(Deserialize)]
struct PreviousMonitor {
    name: String,
    buckets: Vec<u32>,
}

impl Previous {
    /// Parses a previous bucket config. A file this version of monocle
    /// could not have written — not YAML, another format version or hash,
    /// a bad bucket count, a bucket out of range or owned twice, a monitor
    /// listed twice — is refused with the reason: guessing at its meaning
    /// could silently give one bucket two owners.
    pub fn parse(bytes: &[u8]) -> Result<Previous, String> {
        let text = std::str::from_utf8(bytes).map_err(|_| "it is not UTF-8".to_owned())?;
        let file: PreviousFile = serde_saphyr::from_str(text).map_err(|e| {
            let message = e.to_string();
            let mut first = message.lines().next().unwrap_or_default();
            first = first.strip_prefix("error: ").unwrap_or(first);
            if first.starts_with("line ") {
                first = first.split_once(": ").map_or(first, |(_, rest)| rest);
            }
            format!("it is not a bucket config ({first})")
        })?;
        let missing = |key: &str| format!("it is not a bucket config (no `{key}`)");
        let version = file.version.ok_or_else(|| missing("version"))?;
        if version != FORMAT_VERSION {
            return Err(format!(
                "it has format version {version}, this monocle writes {FORMAT_VERSION}"
            ));
        }
        let hash = file.hash.ok_or_else(|| missing("hash"))?;
        if hash != HASH_NAME {
            return Err(format!(
                "it uses the hash `{hash}`, this monocle uses `{HASH_NAME}`"
            ));
        }
        let buckets = file.buckets.ok_or_else(|| missing("buckets"))?;
        if !valid_bucket_count(buckets) {
            return Err(format!(
                "its bucket count {buckets} is not a power of two up to {MAX_BUCKETS}"
            ));
        }
        let mut names = BTreeSet::new();
        let mut owners = BTreeMap::new();
        for monitor in file.monitors.ok_or_else(|| missing("monitors"))? {
            if !names.insert(monitor.name.clone()) {
                return Err(format!("it lists monitor `{}` twice", monitor.name));
            }
            for bucket in monitor.buckets {
                if bucket >= buckets {
                    return Err(format!(
                        "monitor `{}` owns bucket {bucket}, outside 0..{buckets}",
                        monitor.name
                    ));
                }
                if let Some(first) = owners.insert(bucket, monitor.name.clone()) {
                    return Err(format!(
                        "bucket {bucket} is owned by both `{first}` and `{}`",
                        monitor.name
                    ));
                }
            }
        }
        Ok(Previous { buckets, owners })
    }

    /// The previous owner of each of `buckets` buckets. When the bucket count
    /// changed (both are powers of two), a cluster's new bucket is its old
    /// bucket's split or merge (see [`bucket_of`]): a split bucket keeps its
    /// owner; a merged bucket goes to the owner of most of its halves (ties:
    /// the lower half), so most clusters stay with their monitor.
    pub fn owners(&self, buckets: u32) -> Vec<Option<&str>> {
        let old = self.buckets;
        (0..buckets)
            .map(|b| {
                if buckets >= old {
                    let shift = (buckets / old).trailing_zeros();
                    self.owners.get(&(b >> shift)).map(String::as_str)
                } else {
                    let shift = (old / buckets).trailing_zeros();
                    let first = b << shift;
                    let mut votes: BTreeMap<&str, (u32, Reverse<u32>)> = BTreeMap::new();
                    for child in first..first + (1 << shift) {
                        if let Some(owner) = self.owners.get(&child) {
                            let entry = votes.entry(owner).or_insert((0, Reverse(child)));
                            entry.0 += 1;
                        }
                    }
                    votes
                        .into_iter()
                        .max_by_key(|(_, vote)| *vote)
                        .map(|(owner, _)| owner)
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_matches_the_reference_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn preference_hashes_monitor_slash_bucket() {
        for bucket in [0, 7, 10, 255, 65535, u32::MAX] {
            assert_eq!(
                preference(prefix("monitor-0"), bucket),
                stable_hash(&format!("monitor-0/{bucket}"))
            );
        }
    }

    #[test]
    fn fmix64_matches_murmur3() {
        assert_eq!(fmix64(0), 0);
        // fmix64 is a bijection; spot-check it moves nearby inputs far apart.
        let (a, b) = (fmix64(1), fmix64(2));
        assert!((a ^ b).count_ones() > 16, "{a:x} {b:x}");
    }

    #[test]
    fn bucket_is_the_top_bits_of_the_hash() {
        for name in ["prod-eu-1", "prod-us-1", "staging-eu-1", "x"] {
            let h = stable_hash(name);
            assert_eq!(bucket_of(name, 1), 0);
            assert_eq!(u64::from(bucket_of(name, 256)), h >> 56);
            assert_eq!(u64::from(bucket_of(name, 65536)), h >> 48);
            assert_eq!(bucket_of(name, 512) >> 1, bucket_of(name, 256));
        }
    }

    #[test]
    fn similar_names_spread_over_buckets() {
        let used: BTreeSet<u32> = (0..1000)
            .map(|i| bucket_of(&format!("cluster-{i}"), 256))
            .collect();
        // 1000 balls in 256 bins leave about 5 empty.
        assert!(used.len() > 240, "{} buckets used", used.len());
    }

    #[test]
    fn canonical_assignment_is_balanced_and_order_independent() {
        let owners = assign(256, &["a", "b", "c"], &[]);
        let mut loads = [0; 3];
        for &o in &owners {
            loads[o] += 1;
        }
        assert_eq!(loads.iter().sum::<i32>(), 256);
        assert!(loads.iter().max().unwrap() - loads.iter().min().unwrap() <= 1);
        let reversed = assign(256, &["c", "b", "a"], &[]);
        let names = ["a", "b", "c"];
        let back = ["c", "b", "a"];
        for b in 0..256 {
            assert_eq!(names[owners[b]], back[reversed[b]]);
        }
    }

    #[test]
    fn unchanged_previous_moves_nothing() {
        let monitors = ["m0", "m1", "m2"];
        let first = assign(256, &monitors, &[]);
        let previous: Vec<Option<&str>> = first.iter().map(|&o| Some(monitors[o])).collect();
        assert_eq!(assign(256, &monitors, &previous), first);
    }

    #[test]
    fn previous_resize_follows_the_hash() {
        let previous = Previous {
            buckets: 4,
            owners: [(0, "a"), (1, "b"), (2, "b"), (3, "a")]
                .into_iter()
                .map(|(b, o)| (b, o.to_owned()))
                .collect(),
        };
        assert_eq!(
            previous.owners(8),
            [
                Some("a"),
                Some("a"),
                Some("b"),
                Some("b"),
                Some("b"),
                Some("b"),
                Some("a"),
                Some("a")
            ]
        );
        // Halves 0,1 = a,b: a tie goes to the lower half; 2,3 = b,a likewise.
        assert_eq!(previous.owners(2), [Some("a"), Some("b")]);
        assert_eq!(previous.owners(1), [Some("a")]);
    }

    #[test]
    fn foreign_previous_files_are_refused() {
        let ok = "version: 1\nhash: fnv1a64-fmix64\nbuckets: 4\nmonitors:\n  - {name: a, buckets: [0, 1]}\n  - {name: b, buckets: [2, 3]}\n";
        assert_eq!(Previous::parse(ok.as_bytes()).unwrap().owners.len(), 4);
        for (bad, why) in [
            ("\u{0}\u{ff}", "not"),
            ("- a\n- b\n", "not a bucket config"),
            ("", "not a bucket config"),
            ("version: 1\n", "no `hash`"),
            ("hash: x\n", "no `version`"),
            (&ok.replace("version: 1", "version: 2"), "format version 2"),
            (&ok.replace("fnv1a64-fmix64", "crc32"), "hash `crc32`"),
            (&ok.replace("buckets: 4", "buckets: 3"), "bucket count 3"),
            (&ok.replace("[2, 3]", "[2, 4]"), "bucket 4, outside"),
            (&ok.replace("[2, 3]", "[1, 3]"), "bucket 1 is owned by both"),
            (&ok.replace("name: b", "name: a"), "monitor `a` twice"),
        ] {
            let err = Previous::parse(bad.as_bytes()).unwrap_err();
            assert!(err.contains(why), "{bad:?}: {err}");
        }
        assert!(
            Previous::parse(&[0xff, 0xfe])
                .unwrap_err()
                .contains("UTF-8")
        );
    }
}
