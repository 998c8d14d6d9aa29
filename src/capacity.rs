//! Capacity of the bucketed monitor daemon: what one monitor costs for the
//! buckets it owns. One pure function of the `monitor` settings, shared by
//! the check (a monitor over its memory budget is an error), the lowering
//! (the figures written to the bucket config) and the CLI (the table).
//!
//! For a monitor owning `k` of `B` buckets, with `E` expected clusters:
//!
//! - clusters owned = ⌈E × k / B⌉ (hashing spreads clusters evenly);
//! - checks per second = E × k / B / check interval;
//! - concurrent workers = ⌈checks per second × check timeout⌉ (a check
//!   holds its worker for up to the timeout);
//! - memory = E × per_cluster (every monitor caches the whole fleet's data
//!   model) + workers × per_worker.
//!
//! Everything is computed exactly in integers (wide, saturating), so the
//! figures are the same on every machine and never overflow.

use crate::model::buckets::DEFAULT_BUCKETS;
use crate::spec::Monitor;
use crate::units::{Duration, Size};

/// The `monitor` settings the capacity depends on, parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    pub buckets: u32,
    pub expected_clusters: u64,
    pub check_interval: Duration,
    pub check_timeout: Duration,
    pub per_cluster: Size,
    pub per_worker: Size,
    pub budget: Size,
}

/// What one monitor costs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Capacity {
    /// Buckets owned.
    pub buckets: u32,
    /// Clusters owned, rounded up.
    pub clusters: u64,
    /// Checks per second, rounded to two decimals (for display only).
    pub checks_per_second: f64,
    /// Concurrent workers, rounded up.
    pub workers: u64,
    /// Bytes caching every expected cluster's data model.
    pub cache_bytes: u128,
    /// Bytes of the workers.
    pub worker_bytes: u128,
    /// `cache_bytes + worker_bytes`.
    pub memory_bytes: u128,
    /// `memory_bytes` ≤ the budget.
    pub within_budget: bool,
}

impl Settings {
    /// The settings of a checked `monitor` section (`buckets` defaults to 256).
    pub fn of(m: &Monitor) -> Settings {
        Settings {
            buckets: m.buckets.unwrap_or(DEFAULT_BUCKETS),
            expected_clusters: m.expected_clusters,
            check_interval: *m.check_interval.value(),
            check_timeout: *m.check_timeout.value(),
            per_cluster: *m.memory.per_cluster.value(),
            per_worker: *m.memory.per_worker.value(),
            budget: *m.memory.budget.value(),
        }
    }

    /// The cost of a monitor owning `owned` buckets.
    pub fn capacity(&self, owned: u32) -> Capacity {
        let buckets = u128::from(self.buckets.max(1));
        let interval_ms = u128::from(self.check_interval.millis.max(1));
        // E × k: the owned share of the fleet, in 1/B clusters.
        let share = u128::from(self.expected_clusters) * u128::from(owned);
        let clusters = share.div_ceil(buckets);
        let checks_per_second = (share as f64 * 1000.0) / (buckets as f64 * interval_ms as f64);
        let workers = share
            .saturating_mul(u128::from(self.check_timeout.millis))
            .div_ceil(buckets * interval_ms);
        let cache_bytes =
            u128::from(self.expected_clusters).saturating_mul(u128::from(self.per_cluster.bytes));
        let worker_bytes = workers.saturating_mul(u128::from(self.per_worker.bytes));
        let memory_bytes = cache_bytes.saturating_add(worker_bytes);
        Capacity {
            buckets: owned,
            clusters: saturate(clusters),
            checks_per_second: (checks_per_second * 100.0).round() / 100.0,
            workers: saturate(workers),
            cache_bytes,
            worker_bytes,
            memory_bytes,
            within_budget: memory_bytes <= u128::from(self.budget.bytes),
        }
    }

    /// The most buckets one of `monitors` monitors owns: ⌈B / n⌉.
    pub fn busiest_share(&self, monitors: u32) -> u32 {
        self.buckets.div_ceil(monitors.max(1))
    }

    /// The fewest monitors whose busiest one fits the budget, or `None`
    /// when none does (caching the fleet alone is over the budget, and a
    /// monitor owns at least one bucket).
    pub fn monitors_needed(&self) -> Option<u32> {
        // Memory only falls as monitors are added, and stops falling once
        // each owns a single bucket: a binary search over 1..=B.
        if !self
            .capacity(self.busiest_share(self.buckets))
            .within_budget
        {
            return None;
        }
        let (mut low, mut high) = (1, self.buckets.max(1));
        while low < high {
            let mid = low + (high - low) / 2;
            if self.capacity(self.busiest_share(mid)).within_budget {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        Some(low)
    }
}

fn saturate(x: u128) -> u64 {
    u64::try_from(x).unwrap_or(u64::MAX)
}

/// `1,234,567`.
pub fn thousands(n: impl Into<u128>) -> String {
    let digits = n.into().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Bytes in SI units with one decimal where it matters, written like sizes
/// in a spec: `103.4MB`, `256MB`, `2KB`, `512B` (`KB` is 1000 bytes).
pub fn bytes(n: u128) -> String {
    const UNITS: [&str; 7] = ["B", "KB", "MB", "GB", "TB", "PB", "EB"];
    let mut unit = 0;
    let mut scale: u128 = 1;
    while unit + 1 < UNITS.len() && n >= scale * 1000 {
        scale *= 1000;
        unit += 1;
    }
    if unit + 1 == UNITS.len() && n >= scale * 1000 {
        return format!("{}EB", thousands(n / scale));
    }
    // Tenths, rounded half up, in integers.
    let tenths = (n * 10 + scale / 2) / scale;
    if tenths.is_multiple_of(10) {
        format!("{}{}", tenths / 10, UNITS[unit])
    } else {
        format!("{}.{}{}", tenths / 10, tenths % 10, UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(expected: u64, budget: &str) -> Settings {
        Settings {
            buckets: 256,
            expected_clusters: expected,
            check_interval: Duration::parse("5m").unwrap(),
            check_timeout: Duration::parse("30s").unwrap(),
            per_cluster: Size::parse("2KB").unwrap(),
            per_worker: Size::parse("2KB").unwrap(),
            budget: Size::parse(budget).unwrap(),
        }
    }

    #[test]
    fn reference_figures() {
        let s = settings(50_000, "256MB");
        let c = s.capacity(86);
        assert_eq!(c.clusters, 16_797);
        assert_eq!(c.checks_per_second, 55.99);
        assert_eq!(c.workers, 1_680);
        assert_eq!(c.memory_bytes, 100_000_000 + 1_680 * 2_000);
        assert!(c.within_budget);
        assert_eq!(s.busiest_share(3), 86);
        assert_eq!(s.monitors_needed(), Some(1));
    }

    #[test]
    fn monitors_needed_is_the_smallest_that_fits() {
        let s = settings(50_000, "103MB");
        let n = s.monitors_needed().unwrap();
        assert!(s.capacity(s.busiest_share(n)).within_budget);
        assert!(!s.capacity(s.busiest_share(n - 1)).within_budget);
        assert_eq!(n, 4);
        assert_eq!(settings(50_000, "100MB").monitors_needed(), None);
    }

    #[test]
    fn huge_values_saturate() {
        let mut s = settings(u64::MAX, "1KB");
        s.check_timeout = Duration {
            millis: crate::units::MAX_DURATION_MILLIS - 1,
        };
        s.check_interval = Duration {
            millis: crate::units::MAX_DURATION_MILLIS,
        };
        s.buckets = 1;
        let c = s.capacity(1);
        assert!(!c.within_budget);
        assert_eq!(s.monitors_needed(), None);
    }

    #[test]
    fn formats() {
        assert_eq!(thousands(0u32), "0");
        assert_eq!(thousands(999u32), "999");
        assert_eq!(thousands(1_000u32), "1,000");
        assert_eq!(thousands(1_234_567u64), "1,234,567");
        assert_eq!(bytes(0), "0B");
        assert_eq!(bytes(999), "999B");
        assert_eq!(bytes(2_000), "2KB");
        assert_eq!(bytes(103_360_000), "103.4MB");
        assert_eq!(bytes(256_000_000), "256MB");
        assert_eq!(bytes(999_960_000), "1000MB");
        assert_eq!(
            bytes(u128::MAX),
            format!("{}EB", thousands(u128::MAX / 10u128.pow(18)))
        );
    }
}
