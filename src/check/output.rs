//! `output`: the layout of the generated folder and what delivers it. The
//! folders monocle writes beside the cluster folders (`shared/` in the
//! shared layout, `delivery/` with `output.delivery`) reserve their names.

use super::{Ctx, Item, Spec};
use crate::diagnostic::{Diagnostic, codes};
use crate::emit::layout::SHARED_DIR;
use crate::model::Layout;
use crate::model::delivery::DELIVERY_DIR;
use crate::names::check_dns1123_label;
use crate::spec::{DeliveryTool, Output};

pub fn check(spec: &Spec, ctx: &mut Ctx) {
    if crate::lower::layout(spec) == Layout::Shared {
        reserve(
            spec,
            ctx,
            SHARED_DIR,
            "the files the clusters share",
            "rename the cluster, or set `output: {layout: per-cluster}`",
        );
    }
    let Some(output) = &spec.output else {
        return;
    };
    if output.value.delivery.is_some() {
        reserve(
            spec,
            ctx,
            DELIVERY_DIR,
            "the Argo CD or Flux objects that deliver the clusters' folders",
            "rename the cluster",
        );
    }
    delivery(output, ctx);
}

fn reserve(spec: &Spec, ctx: &mut Ctx, folder: &str, holds: &str, help: &str) {
    for cluster in &spec.clusters {
        if cluster.value.name == folder {
            ctx.push(
                Diagnostic::error(
                    codes::OUTPUT_RESERVED_CLUSTER_NAME,
                    format!("a cluster named `{folder}` would share `{folder}/` with {holds}"),
                )
                .at(cluster.span(&["name"]))
                .help(help),
            );
        }
    }
}

fn delivery(output: &Item<Output>, ctx: &mut Ctx) {
    let repository = output.value.repository.as_ref();
    match (output.value.delivery, repository) {
        (None, Some(_)) => ctx.push(
            Diagnostic::warning(
                codes::OUTPUT_UNUSED_REPOSITORY,
                "`output.repository` is set, but nothing is delivered from it",
            )
            .at(output.key_span(&[], "repository"))
            .help("set `output.delivery: argocd` or `flux`, or remove `repository`"),
        ),
        (Some(DeliveryTool::Argocd), None | Some(crate::spec::Repository { url: None, .. })) => {
            let at = if repository.is_some() {
                output.key_span(&[], "repository")
            } else {
                output.span(&["delivery"])
            };
            ctx.push(
                Diagnostic::error(
                    codes::OUTPUT_MISSING_REPOSITORY,
                    "an Argo CD ApplicationSet needs the URL of the repository that holds the generated folder",
                )
                .at(at)
                .help("add `repository: {url: https://git.example.com/platform/monitoring.git}` to `output`"),
            );
        }
        _ => {}
    }
    let Some(repository) = repository else {
        return;
    };
    let invalid = |ctx: &mut Ctx, field: &str, message: String, help: &str| {
        ctx.push(
            Diagnostic::error(codes::OUTPUT_INVALID_REPOSITORY, message)
                .at(output.span(&["repository", field]))
                .help(help),
        );
    };
    if let Some(url) = &repository.url
        && !(url.contains("://") || url.starts_with("git@"))
    {
        invalid(
            ctx,
            "url",
            format!("`{url}` is not a repository URL"),
            "write it as Argo CD knows the repository: `https://…`, `ssh://…` or `git@host:path`",
        );
    }
    if let Some(revision) = &repository.revision
        && revision.trim().is_empty()
    {
        invalid(
            ctx,
            "revision",
            "the revision is empty".to_owned(),
            "name a branch, tag or commit, or leave `revision` out for `HEAD`",
        );
    }
    if let Some(path) = &repository.path
        && !relative_path(path)
    {
        invalid(
            ctx,
            "path",
            format!("`{path}` is not a relative path inside the repository"),
            "write the generated folder's path from the repository root, e.g. `generated` or `monitoring/generated`",
        );
    }
    if let Some(source) = &repository.flux_source
        && let Err(e) = check_dns1123_label(source)
    {
        invalid(
            ctx,
            "flux_source",
            format!("`{source}` cannot name a Flux GitRepository: {}", e.message),
            "name the GitRepository object Flux fetches this repository with (default `flux-system`)",
        );
    }
}

/// `a/b`, not empty, not absolute, no `.`/`..`/empty segment, no backslash.
fn relative_path(path: &str) -> bool {
    !path.is_empty()
        && !path.contains('\\')
        && path
            .split('/')
            .all(|segment| !segment.is_empty() && segment != "." && segment != "..")
}
