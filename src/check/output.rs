//! `output`: the layout of the generated folder. In the shared layout the
//! folder of shared files sits beside the cluster folders, so no cluster
//! may take its name.

use super::{Ctx, Spec};
use crate::diagnostic::{Diagnostic, codes};
use crate::emit::layout::SHARED_DIR;
use crate::model::Layout;

pub fn check(spec: &Spec, ctx: &mut Ctx) {
    if crate::lower::layout(spec) != Layout::Shared {
        return;
    }
    for cluster in &spec.clusters {
        if cluster.value.name == SHARED_DIR {
            ctx.push(
                Diagnostic::error(
                    codes::OUTPUT_RESERVED_CLUSTER_NAME,
                    format!(
                        "a cluster named `{SHARED_DIR}` would share `{SHARED_DIR}/` with the files the clusters share"
                    ),
                )
                .at(cluster.span(&["name"]))
                .help("rename the cluster, or set `output: {layout: per-cluster}`"),
            );
        }
    }
}
