//! Which items a cluster gets. Every distinct `clusters` selector of the
//! spec is parsed once, not once per cluster: at fleet scale the same few
//! selectors are asked thousands of times.

use std::collections::{BTreeMap, HashMap};
use std::sync::RwLock;

use crate::selector::Selector;
use crate::spec::SelectorText;

/// Parsed selectors, shared by every cluster (and every thread).
#[derive(Debug, Default)]
pub struct Selectors {
    parsed: RwLock<HashMap<String, Option<Selector>>>,
}

impl Selectors {
    /// Whether an item with this `clusters` selector belongs to a cluster
    /// with these labels (no selector: every cluster; an invalid one, which
    /// the check stage already reported: none).
    pub fn selects(
        &self,
        selector: &Option<SelectorText>,
        labels: &BTreeMap<String, String>,
    ) -> bool {
        let Some(text) = selector else { return true };
        if let Ok(parsed) = self.parsed.read()
            && let Some(entry) = parsed.get(text.as_str())
        {
            return entry.as_ref().is_some_and(|s| s.matches(labels));
        }
        let entry = Selector::parse(text.as_str()).ok();
        let result = entry.as_ref().is_some_and(|s| s.matches(labels));
        if let Ok(mut parsed) = self.parsed.write() {
            parsed.insert(text.as_str().to_owned(), entry);
        }
        result
    }
}
