//! The monitor daemon's bucket configuration: fleet-wide, not per cluster
//! (filled in by the monitor work).

/// Bucket ownership, cluster placement and the capacity report.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BucketsModel {}

/// Where the bucket config lives in the output folder; the next compile
/// reads it back to keep bucket ownership stable.
pub const BUCKETS_FILE: &str = "monitor/buckets.yaml";
