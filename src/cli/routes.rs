//! `routes`: each cluster's route tree, drawn as `amtool config routes
//! show` draws it, so a team sees where its `routing.routes` landed.

use std::fmt::Write as _;
use std::path::Path;

use super::output::Settings;
use super::{FAILED, OK};
use crate::model::routing::RouteModel;
use crate::routing::Matcher;

pub fn routes(spec: &Path, cluster: Option<&str>, settings: Settings) -> u8 {
    let (checked, sources) = match crate::check_spec(spec) {
        Ok(checked) => checked,
        Err(err) => return settings.failure(err),
    };
    if let Err(code) = settings.warnings(&checked.warnings, &sources, "") {
        return code;
    }
    let spec = &checked.spec;
    let mut order: Vec<usize> = (0..spec.clusters.len()).collect();
    order.sort_by(|a, b| {
        spec.clusters[*a]
            .value
            .name
            .cmp(&spec.clusters[*b].value.name)
    });
    if let Some(name) = cluster {
        order.retain(|&i| spec.clusters[i].value.name == name);
        if order.is_empty() {
            let names: Vec<&str> = spec
                .clusters
                .iter()
                .map(|c| c.value.name.as_str())
                .collect();
            eprintln!(
                "error: the spec has no cluster `{name}` (it has {})",
                names.join(", ")
            );
            return FAILED;
        }
    }
    if spec.route.is_none() {
        eprintln!("the spec has no `routing.route`: there is no route tree to show");
        return OK;
    }
    let mut out = String::new();
    for &index in &order {
        let routing = crate::lower::cluster_routing(spec, index);
        let Some(root) = &routing.route else { continue };
        if cluster.is_none() {
            // amtool's drawing ends with an empty line, which separates them.
            let _ = writeln!(out, "cluster {}:", spec.clusters[index].value.name);
        }
        out.push_str(&show(root));
    }
    say!("{out}");
    OK
}

/// The tree as amtool 0.25 prints it (`Routing tree:`, then treeprint's
/// drawing, then an empty line): matchers sorted as Alertmanager sorts
/// them, `default-route` for a route without matchers, `continue: true`
/// when set, and the receiver each route sends to (inherited when it names
/// none).
pub fn show(root: &RouteModel) -> String {
    let mut out = String::from("Routing tree:\n.\n");
    let receiver = root.receiver.as_deref().unwrap_or_default();
    branch(root, receiver, "", true, &mut out);
    out.push('\n');
    out
}

fn branch(node: &RouteModel, inherited: &str, prefix: &str, last: bool, out: &mut String) {
    let receiver = node.receiver.as_deref().unwrap_or(inherited);
    let _ = writeln!(
        out,
        "{prefix}{}{}",
        if last { "└── " } else { "├── " },
        slug(node, receiver)
    );
    // treeprint continues a branch with `│`, two no-break spaces, a space.
    let inner = format!("{prefix}{}", if last { "    " } else { "│\u{a0}\u{a0} " });
    for (i, child) in node.routes.iter().enumerate() {
        branch(child, receiver, &inner, i + 1 == node.routes.len(), out);
    }
}

/// `{a="1",b=~"x"}  continue: true  receiver: r`.
fn slug(node: &RouteModel, receiver: &str) -> String {
    let mut text = if node.matchers.is_empty() {
        "default-route".to_owned()
    } else {
        let mut sorted: Vec<&Matcher> = node.matchers.iter().collect();
        // Alertmanager's `labels.Matchers` order: name, value, then type
        // (`MatchOp` is declared in Alertmanager's type order).
        sorted.sort_by(|a, b| (&a.name, &a.value, a.op).cmp(&(&b.name, &b.value, b.op)));
        let parts: Vec<String> = sorted.iter().map(ToString::to_string).collect();
        format!("{{{}}}", parts.join(","))
    };
    if node.continue_ {
        text.push_str("  continue: true");
    }
    let _ = write!(text, "  receiver: {receiver}");
    text
}
