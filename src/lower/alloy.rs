//! Lowers `alloy` for one cluster (filled in by the Alloy work).

use std::collections::BTreeMap;

use crate::check::Spec;
use crate::model::alloy::AlloyModel;

pub fn lower(_spec: &Spec, _labels: &BTreeMap<String, String>) -> Option<AlloyModel> {
    None
}
