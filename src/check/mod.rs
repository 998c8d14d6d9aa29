//! check: parsed files → one merged, validated spec. Every problem of a
//! stage is collected; the pipeline stops only between stages.

mod alloy;
pub mod am_templates;
mod cardinality;
mod context;
mod dashboards;
mod deployment;
mod go_actions;
mod merge;
pub mod merged;
mod monitor;
mod names;
mod operator_labels;
mod output;
mod owners;
mod packs;
mod placement;
mod promql;
mod receivers;
mod refs;
mod regexes;
mod result_labels;
mod routing;
mod rules;
mod scalars;
mod scrape;
mod secrets;
pub mod selectors;
mod slos;
pub mod structure;
mod templates;
mod time_intervals;
mod values;

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::diagnostic::codes;
use crate::source::{SourceId, Sources, Span};
use crate::spec::SpecFile;
use crate::syntax::{self, Node, NodeKind};
pub use context::Ctx;
use merge::ParsedFile;
pub use merged::{Item, Spec};

/// The checked spec and the warnings found on the way.
#[derive(Debug)]
pub struct Checked {
    pub spec: Spec,
    pub warnings: Vec<Diagnostic>,
}

/// Parses, validates and merges all files. `Err` holds every error (and
/// warning) of the first stage that failed.
pub fn check(sources: &mut Sources) -> Result<Checked, Vec<Diagnostic>> {
    let mut diags = sources.notes.clone();
    // Files are independent until merged: a folder of team files is read
    // on every core (in order, so the result does not depend on timing).
    let read: Vec<(Option<ParsedFile>, Vec<Diagnostic>)> = {
        let sources: &Sources = sources;
        let all: Vec<_> = sources.iter().collect();
        all.into_par_iter()
            .map(|(id, file)| {
                let is_kdl = file.path.extension().is_some_and(|e| e == "kdl");
                let mut found = Vec::new();
                let parsed = read_file(sources, id, &file.text, is_kdl, &mut found);
                (parsed, found)
            })
            .collect()
    };
    let mut files = Vec::new();
    for (parsed, found) in read {
        files.extend(parsed);
        diags.extend(found);
    }
    if diags.iter().any(Diagnostic::is_error) {
        return Err(sorted(diags));
    }
    let packs = packs::expand(&files, sources, &mut diags);
    files.extend(packs.files);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(sorted(diags));
    }
    let sources: &Sources = sources;

    let mut scan = Ctx::new(sources);
    secrets::check(
        &files.iter().map(|f| &f.node).collect::<Vec<_>>(),
        &mut scan,
    );
    diags.extend(scan.diags);
    let mut spec = merge::merge(files, &mut diags);
    merge::add_severities(&mut spec, packs.severities);
    let mut ctx = Ctx::new(sources);
    ctx.diags = diags;
    if spec.clusters.is_empty() {
        ctx.diags.push(
            Diagnostic::error(
                codes::SPEC_NO_CLUSTERS,
                "the spec declares no clusters, so nothing would be generated",
            )
            .at(Span::new(SourceId(0), 0, 0))
            .help("add a `clusters:` list with at least one cluster"),
        );
    }
    run_checks(&mut spec, &mut ctx);
    let diags = sorted(ctx.diags);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags);
    }
    Ok(Checked {
        spec,
        warnings: diags,
    })
}

/// The checks of the merged spec, on three threads: each reads the spec,
/// and their diagnostics are kept in the order the checks are listed in,
/// so the result does not depend on timing. Two of them learn what lower
/// reads (the routing matchers, the dashboards' grouping); no check reads
/// those. On a pool of their own whose threads have a main thread's
/// stack, not rayon's global workers: some checks recurse as deep as the
/// input nests. Three lists, not two: with two, the longer one ran alone
/// for a fifth of the check.
fn run_checks(spec: &mut Spec, ctx: &mut Ctx) {
    let sources = ctx.sources;
    let read: &Spec = spec;
    // PromQL and what follows it in the list (the PromQL check spreads
    // over the pool's threads itself).
    let middle = move || {
        let mut own = Ctx::new(sources);
        promql::check(read, &mut own);
        regexes::check(read, &mut own);
        time_intervals::check(read, &mut own);
        let matchers = routing::check(read, &mut own);
        templates::check(read, &mut own);
        cardinality::check(read, &mut own);
        let grouping = dashboards::check(read, &mut own);
        (matchers, grouping, own.diags)
    };
    // The rules and what follows them, whose diagnostics come after the
    // first list's (`second`) and after the middle's (`last`).
    let rules = move || {
        let (mut second, mut last) = (Ctx::new(sources), Ctx::new(sources));
        for check in [rules::check, slos::check, receivers::check] {
            check(read, &mut second);
        }
        for check in [alloy::check, monitor::check, output::check] {
            check(read, &mut last);
        }
        (second.diags, last.diags)
    };
    let first = |ctx: &mut Ctx| {
        for check in [
            names::check,
            values::check,
            scrape::check,
            deployment::check,
            selectors::check,
            refs::check,
        ] {
            check(read, ctx);
        }
    };
    let ((matchers, grouping, middle), ((second, last), ())) = if let Some(pool) = check_pool() {
        pool.install(|| rayon::join(middle, || rayon::join(rules, || first(ctx))))
    } else {
        // No threads to be had: the same work on this one.
        first(ctx);
        (middle(), (rules(), ()))
    };
    ctx.diags.extend(second);
    ctx.diags.extend(middle);
    ctx.diags.extend(last);
    spec.matchers = matchers;
    spec.query_grouping = grouping;
}

/// Long-lived threads with [`CHECK_STACK`]: one per list of checks, or
/// one per core where there are more (the PromQL check spreads over the
/// pool). A pool, not threads started per check: the language server
/// checks on every change, and threads that end leave their allocator
/// pages behind (its peak at L rose by a quarter), where a pool's workers
/// reuse theirs. `None` when threads cannot be started.
fn check_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        rayon::ThreadPoolBuilder::new()
            .num_threads(cores.max(3))
            .stack_size(CHECK_STACK)
            .thread_name(|i| format!("monocle-check-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// The stack of the threads that run the checks. Some checks recurse as
/// deep as a PromQL expression nests: 20,000 nested parentheses take 14 MB
/// in a release build, and the 64 KiB expression limit allows 32,000.
/// Only the pages a check touches are ever committed.
const CHECK_STACK: usize = 64 << 20;

/// Runs `f` on a thread with the check's stack: tests that read the
/// repository's hostile files, which nest deep, need it.
#[cfg(test)]
pub(crate) fn on_check_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(CHECK_STACK)
        .spawn(f)
        .expect("a thread")
        .join()
        .expect("the test passed");
}

fn sorted(diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut all = crate::diagnostic::Diagnostics::default();
    all.extend(diags);
    all.into_sorted()
}

/// One file: syntax, then schema, then the typed form.
fn read_file(
    sources: &Sources,
    id: SourceId,
    text: &str,
    is_kdl: bool,
    diags: &mut Vec<Diagnostic>,
) -> Option<ParsedFile> {
    if text.trim().is_empty() || is_only_comments(text, is_kdl) {
        diags.push(
            Diagnostic::error(codes::LOAD_EMPTY_FILE, "this spec file is empty")
                .at(Span::new(id, 0, 0))
                .help("start the file with `version: 1`, or remove it"),
        );
        return None;
    }
    let parsed = if is_kdl {
        syntax::kdl::parse(id, text)
    } else {
        syntax::yaml::parse(id, text)
    };
    let node = match parsed {
        Ok(node) => node,
        Err(errors) => {
            diags.extend(errors);
            return None;
        }
    };
    if !matches!(node.kind, NodeKind::Map(_)) {
        diags.push(
            Diagnostic::error(
                codes::SCHEMA_WRONG_TYPE,
                format!(
                    "a spec file must be a map of sections, found {}",
                    node.type_name()
                ),
            )
            .at(node.blame_span())
            .help("start the file with `version: 1` followed by sections such as `clusters:`"),
        );
        return None;
    }
    let spec = typed(sources, &node, diags)?;
    if spec.version != 1 {
        let span = node
            .get("version")
            .map_or(node.blame_span(), Node::blame_span);
        diags.push(
            Diagnostic::error(
                codes::SPEC_UNSUPPORTED_VERSION,
                format!("spec language version {} is not supported", spec.version),
            )
            .at(span)
            .label("unsupported version")
            .help("this monocle reads `version: 1`"),
        );
        return None;
    }
    Some(ParsedFile {
        node,
        spec,
        path: sources.get(id).path.clone(),
    })
}

/// Schema, scalars, then the typed form of a file's tree.
fn typed(sources: &Sources, node: &Node, diags: &mut Vec<Diagnostic>) -> Option<SpecFile> {
    let structural = structure::check(node);
    if !structural.is_empty() {
        diags.extend(structural);
        return None;
    }
    let mut scalar_ctx = Ctx::new(sources);
    scalars::check(node, &mut scalar_ctx);
    if !scalar_ctx.diags.is_empty() {
        diags.extend(scalar_ctx.diags);
        return None;
    }
    // Read straight from the tree; serde_json's way (for its messages) when
    // that fails.
    if let Ok(spec) = crate::syntax::from_node(node) {
        return Some(spec);
    }
    match serde_json::from_value(node.to_json()) {
        Ok(spec) => Some(spec),
        Err(err) => {
            diags.push(
                Diagnostic::error(codes::SCHEMA_INVALID_VALUE, format!("invalid value: {err}"))
                    .at(node.blame_span()),
            );
            None
        }
    }
}

/// A pack's instantiated fragment, read like a file.
fn parse_fragment(
    sources: &Sources,
    node: Node,
    diags: &mut Vec<Diagnostic>,
) -> Option<ParsedFile> {
    let spec = typed(sources, &node, diags)?;
    let path = sources.get(node.span.source).path.clone();
    Some(ParsedFile { node, spec, path })
}

fn is_only_comments(text: &str, is_kdl: bool) -> bool {
    let marker = if is_kdl { "//" } else { "#" };
    text.lines()
        .map(str::trim)
        .all(|l| l.is_empty() || l.starts_with(marker) || (!is_kdl && l == "---"))
}
