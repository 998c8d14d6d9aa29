//! Review of a change for a pull request: the semantic summary of what the
//! spec change does to each cluster, then the file diffs.

mod items;
pub mod report;
mod routing;
pub mod summary;

pub use summary::{Summary, render_markdown, render_text};

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::check::Checked;
use crate::source::Sources;
use crate::{Inputs, emit, lower};
use report::{FileDiff, FileView, file_diffs};

/// One version of the spec, checked.
pub type Version<'a> = (&'a Checked, &'a Sources);

/// Reviews a change cluster by cluster: each cluster of either version is
/// lowered and emitted in both (in parallel, one pair at a time per
/// thread), and only its summary lines and changed files' diffs are kept,
/// so memory follows the size of the change, not of the fleet's output.
/// The files are sorted by path.
pub fn review(
    old: Version<'_>,
    new: Version<'_>,
    inputs: &Inputs,
    view: FileView,
) -> (Summary, Vec<FileDiff>) {
    let (old_lowering, new_lowering) = (
        lower::Lowering::new(&old.0.spec, old.1),
        lower::Lowering::new(&new.0.spec, new.1),
    );
    let (old_emitter, new_emitter) = (emit::Emitter::default(), emit::Emitter::default());
    let index = |checked: &Checked| -> BTreeMap<String, usize> {
        let clusters = checked.spec.clusters.iter().enumerate();
        clusters.map(|(i, c)| (c.value.name.clone(), i)).collect()
    };
    let (old_index, new_index) = (index(old.0), index(new.0));
    let mut names: Vec<&String> = old_index.keys().chain(new_index.keys()).collect();
    names.sort_unstable();
    names.dedup();
    let per_cluster: Vec<_> = names
        .into_par_iter()
        .map(|name| {
            let old_model = old_index.get(name).map(|&i| old_lowering.cluster(i));
            let new_model = new_index.get(name).map(|&i| new_lowering.cluster(i));
            let lines = summary::cluster_lines(name, old_model.as_ref(), new_model.as_ref());
            let old_files = old_model.map(|m| old_emitter.files(&m));
            let new_files = new_model.map(|m| new_emitter.files(&m));
            let diffs = file_diffs(
                old_files.iter().flat_map(super::emit::ClusterFiles::iter),
                new_files.iter().flat_map(super::emit::ClusterFiles::iter),
                view,
            );
            ((name.clone(), lines), diffs)
        })
        .collect();
    let (lines, mut files): (Vec<_>, Vec<Vec<FileDiff>>) = per_cluster.into_iter().unzip();
    let buckets = |version: Version<'_>| {
        let model = lower::lower_buckets(&version.0.spec, inputs.previous_buckets.as_deref());
        model
            .iter()
            .flat_map(emit::emit_buckets)
            .collect::<Vec<_>>()
    };
    let (old_buckets, new_buckets) = (buckets(old), buckets(new));
    files.push(file_diffs(
        old_buckets
            .iter()
            .map(|a| (a.path.clone(), a.bytes.as_slice())),
        new_buckets
            .iter()
            .map(|a| (a.path.clone(), a.bytes.as_slice())),
        view,
    ));
    let mut files: Vec<FileDiff> = files.into_iter().flatten().collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    (summary::fold(lines), files)
}
