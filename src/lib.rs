//! monocle: one monitoring spec in, Prometheus Operator, Alertmanager,
//! Grafana and Alloy configuration out.
//!
//! The pipeline, one owner per stage:
//! [`load`] (files → sources) → [`syntax`] (YAML/KDL → spanned tree) →
//! [`check`] (schema, names, references; all diagnostics) → [`lower`]
//! (per-cluster [`model`]) → [`emit`] (artifacts) → [`write`](mod@write) (the only code
//! that touches the output folder).

pub mod alloy;
pub mod capacity;
pub mod check;
pub mod cli;
pub mod diagnostic;
pub mod diff;
pub mod emit;
pub mod fmt;
pub mod import;
pub mod load;
pub mod lower;
pub mod lsp;
pub mod model;
pub mod names;
pub mod packs;
pub mod promql;
pub mod render;
pub mod review;
pub mod routing;
pub mod schema;
pub mod selector;
pub mod source;
pub mod spec;
pub mod syntax;
pub mod units;
pub mod write;

use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use diagnostic::Diagnostic;
use emit::Artifact;
use source::Sources;

/// A successful compile: every generated file, and the warnings.
#[derive(Debug)]
pub struct Compiled {
    pub artifacts: Vec<Artifact>,
    pub warnings: Vec<Diagnostic>,
    pub sources: Sources,
}

/// Why a compile failed: the same two cases as loading.
pub type CompileError = load::LoadError;

/// Loads and checks a spec (a file or a folder).
pub fn check_spec(path: &Path) -> Result<(check::Checked, Sources), CompileError> {
    check_sources(load::load(path)?)
}

/// Checks already loaded sources.
pub fn check_sources(mut sources: Sources) -> Result<(check::Checked, Sources), CompileError> {
    match check::check(&mut sources) {
        Ok(checked) => Ok((checked, sources)),
        Err(diags) => Err(CompileError::Spec { sources, diags }),
    }
}

/// The whole pipeline up to the artifacts; nothing is written.
pub fn compile(path: &Path) -> Result<Compiled, CompileError> {
    compile_with(path, &Inputs::default())
}

/// What a compile may read besides the spec: state monocle generated
/// earlier and keeps stable (read by the caller, through the writer).
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// The previous bucket config (`monitor/buckets.yaml`), for sticky ownership.
    pub previous_buckets: Option<Vec<u8>>,
}

/// The whole pipeline with extra inputs; nothing is written.
pub fn compile_with(path: &Path, inputs: &Inputs) -> Result<Compiled, CompileError> {
    compile_sources(load::load(path)?, inputs).map(|(compiled, _)| compiled)
}

/// Checks, lowers and emits loaded sources, all in memory (tests and small
/// specs; the CLI streams instead); also returns the model.
pub fn compile_sources(
    sources: Sources,
    inputs: &Inputs,
) -> Result<(Compiled, model::Model), CompileError> {
    let (checked, sources) = check_sources(sources)?;
    let model = lower::lower(&checked.spec, &sources, inputs.previous_buckets.as_deref());
    let artifacts = emit::emit(&model);
    Ok((
        Compiled {
            artifacts,
            warnings: checked.warnings,
            sources,
        },
        model,
    ))
}

/// Lowers and emits a checked spec cluster by cluster, handing each file
/// (path, bytes) to `sink`. In the per-cluster layout a cluster's files go
/// as soon as it is ready, so memory holds a few clusters' output rather
/// than the fleet's; in the shared layout memory holds each distinct file
/// once and everything goes at the end. Clusters are produced in parallel
/// and files arrive in no particular order; `sink` runs on the calling
/// thread. An error from `sink` stops the producers and is returned.
pub fn emit_streaming<E>(
    checked: &check::Checked,
    sources: &Sources,
    inputs: &Inputs,
    sink: impl FnMut(String, &Arc<[u8]>) -> Result<(), E>,
) -> Result<(), E> {
    emit_streaming_with_progress(checked, sources, inputs, Release::Free, sink, |_| {})
}

/// What becomes of the lowered fleet and the rendered items once the
/// files are handed to the sink.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Release {
    /// Freed (on another thread, while the files are written).
    Free,
    /// Left in memory: for a process that ends right after the compile
    /// (the command line), whose exit returns the memory at once. Freeing
    /// a fleet's model object by object costs a core tens of milliseconds
    /// while the files are written.
    Leave,
}

/// [`emit_streaming`], calling `progress` on the calling thread with the
/// number of clusters whose files have all gone to `sink` (for a progress
/// line; the total is `checked.spec.clusters.len()`).
pub fn emit_streaming_with_progress<E>(
    checked: &check::Checked,
    sources: &Sources,
    inputs: &Inputs,
    release: Release,
    mut sink: impl FnMut(String, &Arc<[u8]>) -> Result<(), E>,
    mut progress: impl FnMut(usize),
) -> Result<(), E> {
    let spec = &checked.spec;
    let lowering = lower::Lowering::new(spec, sources);
    let emitter = emit::Emitter::default();
    let order = lowering.order();
    if lower::layout(spec) == model::Layout::Shared {
        // Which files clusters share is known only once every cluster is
        // in, so the distinct files are kept (never the copies) and
        // written at the end.
        let mut layout = emit::layout::SharedLayout::default();
        std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<emit::layout::Prepared>(2);
            let (lowering, emitter, order) = (&lowering, &emitter, &order);
            scope.spawn(move || {
                let _ = order.par_iter().try_for_each_with(tx, |tx, &i| {
                    let cluster = lowering.cluster(i);
                    let files = emitter.files(&cluster);
                    tx.send(emit::layout::prepare(&cluster, files))
                });
            });
            for (done, prepared) in rx.iter().enumerate() {
                layout.add(prepared);
                progress(done + 1);
            }
        });
        let laid = layout.finish();
        std::thread::scope(|scope| {
            // Freeing the lowered parts and rendered items of a fleet
            // takes tens of milliseconds: done while the files are written.
            match release {
                Release::Free => drop(scope.spawn(move || drop((lowering, emitter, order)))),
                Release::Leave => std::mem::forget((lowering, emitter, order)),
            }
            laid.artifacts
                .into_iter()
                .try_for_each(|artifact| sink(artifact.path, &artifact.bytes))
        })?;
    } else {
        stream_clusters(&lowering, &emitter, &order, &mut sink, &mut progress)?;
        if release == Release::Leave {
            std::mem::forget((lowering, emitter, order));
        }
    }
    let fleet = lower::fleet(spec, inputs.previous_buckets.as_deref());
    for artifact in emit::emit_fleet(&fleet) {
        sink(artifact.path, &Arc::from(artifact.bytes))?;
    }
    Ok(())
}

/// The per-cluster layout, streamed: each cluster's files go to `sink` as
/// soon as the cluster is ready.
fn stream_clusters<E>(
    lowering: &lower::Lowering<'_>,
    emitter: &emit::Emitter,
    order: &[usize],
    sink: &mut impl FnMut(String, &Arc<[u8]>) -> Result<(), E>,
    progress: &mut impl FnMut(usize),
) -> Result<(), E> {
    std::thread::scope(|scope| {
        // A short queue bounds memory: producers wait while the sink (the
        // disk) catches up.
        let (tx, rx) = std::sync::mpsc::sync_channel::<emit::ClusterFiles>(2);
        scope.spawn(move || {
            // A failed send means the sink gave up: stop producing.
            let _ = order.par_iter().try_for_each_with(tx, |tx, &i| {
                tx.send(emitter.cluster_files(&lowering.cluster(i)))
            });
        });
        // Returning early drops `rx`, which makes the producers' sends fail.
        rx.iter().enumerate().try_for_each(|(done, files)| {
            files
                .iter()
                .try_for_each(|(path, bytes)| sink(path, bytes))?;
            progress(done + 1);
            Ok(())
        })
    })
}

/// The reference spec (`specs/fleet.yaml`), checked and lowered, for unit
/// tests that need a real model.
#[cfg(test)]
pub(crate) fn reference_model() -> model::Model {
    let (checked, sources) =
        check_spec(Path::new("specs/fleet.yaml")).expect("the reference spec is valid");
    lower::lower(&checked.spec, &sources, None)
}
