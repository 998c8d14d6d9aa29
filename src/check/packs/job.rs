//! A pack's `job` param against the job its monitor gives the series.
//! Packs whose alerts select `job="{{ params.job }}"` take the job label
//! from a label of the scraped Service (`job_label`); when the `selector`
//! pins that label to another value than `job`, every alert of the pack
//! selects series that do not exist and never fires, which nothing else
//! would tell (the Helm chart's node exporter is `prometheus-node-exporter`,
//! kube-prometheus' is `node-exporter`).

use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, codes};
use crate::selector::{Operator, Selector};
use crate::syntax::{Node, NodeKind};

/// Warns when an instantiated listing's services get another job than the
/// listing's `job` param (`params`: the listing's values of the pack's
/// params).
pub fn check(
    pack: &str,
    entry: &Node,
    params: &BTreeMap<String, Node>,
    instance: &Node,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(NodeKind::Str(wanted)) = params.get("job").map(|n| &n.kind) else {
        return;
    };
    let Some(NodeKind::Seq(services)) = instance.get("services").map(|n| &n.kind) else {
        return;
    };
    let Some((label, job)) = services
        .iter()
        .filter_map(pinned_job)
        .find(|(_, job)| job != wanted)
    else {
        return;
    };
    let blamed = entry
        .at_path(["params", "job"])
        .or_else(|| entry.at_path(["params", "selector"]))
        .or_else(|| entry.get("name"))
        .unwrap_or(entry);
    diags.push(
        Diagnostic::warning(
            codes::PACKS_JOB_MISMATCH,
            format!(
                "pack `{pack}` alerts on `job=\"{wanted}\"`, but the series it scrapes get `job=\"{job}\"`, so its alerts never fire"
            ),
        )
        .at(blamed.blame_span())
        .label(format!("`{label}`, the job label, is `{job}` here"))
        .help(format!(
            "set `job: {job}` in this entry's `params` (or a `selector` that pins `{label}={wanted}`)"
        )),
    );
}

/// The label a service's monitor takes the job from (`job_label`), and
/// the value its selector pins it to.
fn pinned_job(service: &Node) -> Option<(String, String)> {
    let Some(NodeKind::Seq(endpoints)) = service.get("endpoints").map(|n| &n.kind) else {
        return None;
    };
    let label = endpoints
        .iter()
        .find_map(|e| match &e.get("job_label")?.kind {
            NodeKind::Str(label) => Some(label.clone()),
            _ => None,
        })?;
    let NodeKind::Str(selector) = &service.get("selector")?.kind else {
        return None;
    };
    let selector = Selector::parse(selector).ok()?;
    let pinned = selector.requirements.into_iter().find(|r| {
        r.key == label && matches!(r.op, Operator::Equals | Operator::In) && r.values.len() == 1
    })?;
    Some((label, pinned.values.into_iter().next()?))
}
