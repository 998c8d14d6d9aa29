//! The monitor daemon's bucket config under `monitor/` (filled in by the monitor work).

use crate::model::buckets::BucketsModel;
use crate::write::Artifact;

/// Files under `monitor/` (paths relative to the output folder).
pub fn emit(_buckets: &BucketsModel) -> Vec<Artifact> {
    Vec::new()
}
