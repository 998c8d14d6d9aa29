//! Which items a cluster gets: an item's `clusters` selector, parsed once
//! by `check`, against the cluster's labels.

use std::collections::BTreeMap;

use crate::spec::SelectorText;

/// Whether an item with this `clusters` selector belongs to a cluster with
/// these labels (no selector: every cluster).
pub fn selects(selector: &Option<SelectorText>, labels: &BTreeMap<String, String>) -> bool {
    selector.as_ref().is_none_or(|s| s.value().matches(labels))
}
