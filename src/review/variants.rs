//! Rules that share a name: two alerts may when their labels differ (a
//! warning/critical pair), and Prometheus and Alertmanager tell them apart
//! by their label sets. The review pairs each variant of one version with
//! the same variant of the other, so a change to one is reported as that
//! variant, named by the labels that tell the name's variants apart.

use std::collections::{BTreeMap, BTreeSet};

/// One thing of a name on each side of a change, and the name to show.
pub type Paired<'a, T> = (String, Option<&'a T>, Option<&'a T>);

/// Pairs the items of one name in the old and new versions: an item with
/// the same labels on both sides first; then, when one item is left on
/// each side, those two (the variant's labels changed, as a lone alert's
/// severity may); the rest are added or removed. The name shown is `name`
/// when there is one item on each side at most, else `name{labels}` with
/// the labels whose values differ among the name's items (old and new),
/// the old item's for a change.
pub fn pair<'a, T>(
    name: &str,
    old: &[&'a T],
    new: &[&'a T],
    labels: impl Fn(&T) -> &BTreeMap<String, String>,
) -> Vec<Paired<'a, T>> {
    let mut pairs: Vec<(Option<&T>, Option<&T>)> = Vec::new();
    let mut left: Vec<Option<&T>> = new.iter().copied().map(Some).collect();
    let mut unmatched_old = Vec::new();
    for &o in old {
        let same = left
            .iter_mut()
            .find(|n| n.is_some_and(|n| labels(n) == labels(o)));
        match same {
            Some(n) => pairs.push((Some(o), n.take())),
            None => unmatched_old.push(o),
        }
    }
    let unmatched_new: Vec<&T> = left.into_iter().flatten().collect();
    if let ([o], [n]) = (unmatched_old.as_slice(), unmatched_new.as_slice()) {
        pairs.push((Some(*o), Some(*n)));
    } else {
        pairs.extend(unmatched_old.into_iter().map(|o| (Some(o), None)));
        pairs.extend(unmatched_new.into_iter().map(|n| (None, Some(n))));
    }
    if old.len() <= 1 && new.len() <= 1 {
        return pairs
            .into_iter()
            .map(|(o, n)| (name.to_owned(), o, n))
            .collect();
    }
    let all: Vec<&BTreeMap<String, String>> = old.iter().chain(new).map(|i| labels(i)).collect();
    let keys: BTreeSet<&String> = all.iter().flat_map(|l| l.keys()).collect();
    let telling: Vec<&String> = keys
        .into_iter()
        .filter(|k| all.iter().any(|l| l.get(*k) != all[0].get(*k)))
        .collect();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    pairs
        .into_iter()
        .filter_map(|(o, n)| {
            let shown = labels(o.or(n)?);
            let told: BTreeMap<String, String> = telling
                .iter()
                .filter_map(|k| Some(((*k).clone(), shown.get(*k)?.clone())))
                .collect();
            let mut display = if told.is_empty() {
                name.to_owned()
            } else {
                format!("{name}{}", crate::routing::format_labels(&told))
            };
            // Variants with equal labels (records may differ by expression
            // only): numbered in the model's order, which is the spec's.
            let count = seen.entry(display.clone()).or_default();
            *count += 1;
            if *count > 1 {
                display.push_str(&format!(" #{count}"));
            }
            Some((display, o, n))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn shown(pairs: &[Paired<'_, BTreeMap<String, String>>]) -> Vec<(String, bool, bool)> {
        pairs
            .iter()
            .map(|(name, o, n)| (name.clone(), o.is_some(), n.is_some()))
            .collect()
    }

    #[test]
    fn variants_pair_by_labels_and_are_named_by_what_tells_them_apart() {
        let (warning, critical) = (
            labels(&[("severity", "warning"), ("team", "a")]),
            labels(&[("severity", "critical"), ("team", "a")]),
        );
        let page = labels(&[("severity", "critical"), ("team", "a"), ("page", "yes")]);
        let pairs = pair("X", &[&warning, &critical], &[&critical, &warning], |l| l);
        assert_eq!(
            shown(&pairs),
            [
                ("X{severity=\"warning\"}".to_owned(), true, true),
                ("X{severity=\"critical\"}".to_owned(), true, true),
            ]
        );
        // The critical variant gains a label: still that variant, changed.
        let pairs = pair("X", &[&warning, &critical], &[&warning, &page], |l| l);
        assert_eq!(
            shown(&pairs),
            [
                ("X{severity=\"warning\"}".to_owned(), true, true),
                ("X{severity=\"critical\"}".to_owned(), true, true),
            ]
        );
        // A lone alert keeps its bare name, whatever its labels do.
        let pairs = pair("X", &[&warning], &[&critical], |l| l);
        assert_eq!(shown(&pairs), [("X".to_owned(), true, true)]);
        let pairs = pair("X", &[&warning], &[&warning, &critical], |l| l);
        assert_eq!(
            shown(&pairs),
            [
                ("X{severity=\"warning\"}".to_owned(), true, true),
                ("X{severity=\"critical\"}".to_owned(), false, true),
            ]
        );
        let same = pair("r", &[&warning, &warning], &[&warning], |l| l);
        assert_eq!(
            shown(&same),
            [
                ("r".to_owned(), true, true),
                ("r #2".to_owned(), true, false)
            ]
        );
    }
}
