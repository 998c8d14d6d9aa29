//! Lowers `monitor` into the bucket configuration (filled in by the monitor
//! work). `previous` is the bucket config file monocle generated last time,
//! if the output folder holds one: ownership is sticky like a lock file.

use crate::check::Spec;
use crate::model::buckets::BucketsModel;

pub fn lower(_spec: &Spec, _previous: Option<&[u8]>) -> Option<BucketsModel> {
    None
}
