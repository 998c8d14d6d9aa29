//! Review of a change for a pull request: the semantic summary of what the
//! spec change does to each cluster, then the file diffs.

mod items;
pub mod report;
mod routing;
pub mod summary;
mod variants;

pub use summary::{Summary, render_markdown, render_text};

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::check::Checked;
use crate::model::{ClusterModel, Layout};
use crate::source::Sources;
use crate::{Inputs, emit, lower};
use report::{FileDiff, FileView, file_diffs};

/// One version of the spec, checked.
pub type Version<'a> = (&'a Checked, &'a Sources);

/// Reviews a change cluster by cluster: each cluster of either version is
/// lowered and emitted in both (in parallel, one pair at a time per
/// thread), and only its summary lines and changed files' diffs are kept,
/// so memory follows the size of the change, not of the fleet's output
/// (in the shared layout, the size of the fleet's distinct files). A file
/// clusters share is diffed once and names the clusters using it. The
/// files are sorted by path.
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
    let per_cluster = lower::layout(&old.0.spec) == Layout::PerCluster
        && lower::layout(&new.0.spec) == Layout::PerCluster;
    let index = |checked: &Checked| -> BTreeMap<String, usize> {
        let clusters = checked.spec.clusters.iter().enumerate();
        clusters.map(|(i, c)| (c.value.name.clone(), i)).collect()
    };
    let (old_index, new_index) = (index(old.0), index(new.0));
    let mut names: Vec<&String> = old_index.keys().chain(new_index.keys()).collect();
    names.sort_unstable();
    names.dedup();
    let reviewed: Vec<_> = names
        .into_par_iter()
        .map(|name| {
            let old_model = old_index.get(name).map(|&i| old_lowering.cluster(i));
            let new_model = new_index.get(name).map(|&i| new_lowering.cluster(i));
            let lines = summary::cluster_lines(name, old_model.as_ref(), new_model.as_ref());
            let files_of = |emitter: &emit::Emitter, m| {
                if per_cluster {
                    emitter.cluster_files(m)
                } else {
                    emitter.files(m)
                }
            };
            let old_files = old_model.as_ref().map(|m| (m, files_of(&old_emitter, m)));
            let new_files = new_model.as_ref().map(|m| (m, files_of(&new_emitter, m)));
            let files = if per_cluster {
                Files::Diffs(file_diffs(
                    old_files
                        .iter()
                        .flat_map(|(_, f)| f.iter())
                        .map(|(p, b)| (p, &b[..])),
                    new_files
                        .iter()
                        .flat_map(|(_, f)| f.iter())
                        .map(|(p, b)| (p, &b[..])),
                    view,
                ))
            } else {
                let prepare = |files: Option<(&ClusterModel, emit::ClusterFiles)>| {
                    files.map(|(m, f)| emit::layout::prepare(m, f))
                };
                Files::Prepared(Box::new((prepare(old_files), prepare(new_files))))
            };
            ((name.clone(), lines), files)
        })
        .collect();
    let mut lines = Vec::new();
    let mut files = Vec::new();
    let (mut old_laid, mut new_laid) = (
        Laying::new(lower::layout(&old.0.spec)),
        Laying::new(lower::layout(&new.0.spec)),
    );
    for (cluster_lines, cluster_files) in reviewed {
        lines.push(cluster_lines);
        match cluster_files {
            Files::Diffs(diffs) => files.push(diffs),
            Files::Prepared(both) => {
                let (old, new) = *both;
                old_laid.add(old);
                new_laid.add(new);
            }
        }
    }
    if !per_cluster {
        let (old_laid, new_laid) = (old_laid.finish(), new_laid.finish());
        let mut diffs = file_diffs(
            old_laid
                .artifacts
                .iter()
                .map(|a| (a.path.clone(), &*a.bytes)),
            new_laid
                .artifacts
                .iter()
                .map(|a| (a.path.clone(), &*a.bytes)),
            view,
        );
        for diff in &mut diffs {
            let mut users = old_laid.users_of(&diff.path);
            users.extend(new_laid.users_of(&diff.path));
            users.sort_unstable();
            users.dedup();
            report::attribute(diff, &users, view);
        }
        files.push(diffs);
    }
    let fleet = |version: Version<'_>| {
        emit::emit_fleet(&lower::fleet(
            &version.0.spec,
            inputs.previous_buckets.as_deref(),
        ))
    };
    let (old_fleet, new_fleet) = (fleet(old), fleet(new));
    files.push(file_diffs(
        old_fleet
            .iter()
            .map(|a| (a.path.clone(), a.bytes.as_slice())),
        new_fleet
            .iter()
            .map(|a| (a.path.clone(), a.bytes.as_slice())),
        view,
    ));
    let mut files: Vec<FileDiff> = files.into_iter().flatten().collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    (summary::fold(lines), files)
}

/// What the review keeps of one cluster's files: their diffs when both
/// versions are per-cluster, else the files to lay out.
enum Files {
    Diffs(Vec<FileDiff>),
    Prepared(
        Box<(
            Option<emit::layout::Prepared>,
            Option<emit::layout::Prepared>,
        )>,
    ),
}

/// One version's files, laid out as that version says.
enum Laying {
    Shared(emit::layout::SharedLayout),
    PerCluster(Vec<emit::Artifact>),
}

impl Laying {
    fn new(layout: Layout) -> Self {
        match layout {
            Layout::Shared => Laying::Shared(emit::layout::SharedLayout::default()),
            Layout::PerCluster => Laying::PerCluster(Vec::new()),
        }
    }

    fn add(&mut self, prepared: Option<emit::layout::Prepared>) {
        let Some(prepared) = prepared else { return };
        match self {
            Laying::Shared(layout) => layout.add(prepared),
            Laying::PerCluster(artifacts) => artifacts.extend(prepared.into_artifacts()),
        }
    }

    fn finish(self) -> emit::layout::Laid {
        match self {
            Laying::Shared(layout) => layout.finish(),
            Laying::PerCluster(artifacts) => emit::layout::Laid::unshared(
                artifacts
                    .into_iter()
                    .map(|a| emit::layout::LaidFile {
                        path: a.path,
                        bytes: a.bytes.into(),
                    })
                    .collect(),
            ),
        }
    }
}
