//! Packs: calibrated monitoring of one component, written in the spec
//! language (a spec fragment plus a `pack` header of typed params). The
//! built-in ones are embedded here; `check::packs` takes them into a spec,
//! `monocle packs` shows them.

mod show;

use std::path::PathBuf;

use crate::spec::PackHeader;
use crate::syntax::{Node, NodeKind};

pub use show::{markdown, show};

/// A pack embedded in the binary.
pub struct Builtin {
    pub name: &'static str,
    /// `pack.yaml`.
    pub pack: &'static str,
    /// `tests.yaml`: promtool unit tests of the pack's alerts.
    pub tests: &'static str,
}

macro_rules! builtin {
    ($($name:literal),* $(,)?) => {
        /// Every built-in pack, by name.
        pub const BUILTIN: &[Builtin] = &[$(Builtin {
            name: $name,
            pack: include_str!(concat!("../../packs/", $name, "/pack.yaml")),
            tests: include_str!(concat!("../../packs/", $name, "/tests.yaml")),
        }),*];
    };
}

builtin![
    "alertmanager",
    "apiserver",
    "controller-manager",
    "coredns",
    "etcd",
    "kube-proxy",
    "kube-state-metrics",
    "kubelet",
    "kubernetes",
    "node",
    "prometheus",
    "scheduler",
    "velero",
];

/// The built-in pack of this name.
pub fn builtin(name: &str) -> Option<&'static Builtin> {
    BUILTIN.iter().find(|b| b.name == name)
}

/// How diagnostics name a built-in pack's file.
pub fn builtin_path(name: &str) -> PathBuf {
    PathBuf::from(format!("pack:{name}/pack.yaml"))
}

/// Whether a `packs[].name` is a folder path rather than a built-in name.
pub fn is_folder(name: &str) -> bool {
    name.contains('/') || name.starts_with('.')
}

/// What `packs show` and the docs tell about a pack.
#[derive(Debug, Clone, Default)]
pub struct PackInfo {
    pub header: PackHeader,
    pub alerts: Vec<AlertInfo>,
    pub records: Vec<String>,
    pub services: Vec<String>,
    pub slos: Vec<String>,
    pub dashboards: Vec<String>,
}

/// One alert of a pack, as written there.
#[derive(Debug, Clone, Default)]
pub struct AlertInfo {
    pub name: String,
    pub severity: String,
    pub for_: Option<String>,
    pub threshold: Option<f64>,
    pub why: Option<String>,
}

/// The alert keys a pack file may add to an alert: its threshold default
/// and the reason for its calibration.
pub const PACK_ALERT_KEYS: &[&str] = &["threshold", "why"];

/// Reads what a parsed pack file says about itself; `None` without a valid
/// `pack` header.
pub fn info(node: &Node) -> Option<PackInfo> {
    let header: PackHeader = serde_json::from_value(node.get("pack")?.to_json()).ok()?;
    let text = |n: &Node, key: &str| match n.get(key).map(|v| &v.kind) {
        Some(NodeKind::Str(s)) => Some(s.clone()),
        _ => None,
    };
    let items = |section: &str| match node.get(section).map(|n| &n.kind) {
        Some(NodeKind::Seq(items)) => items.clone(),
        _ => Vec::new(),
    };
    let names = |section: &str, key: &str| -> Vec<String> {
        items(section).iter().filter_map(|n| text(n, key)).collect()
    };
    let alerts = items("alerts")
        .iter()
        .map(|a| AlertInfo {
            name: text(a, "name").unwrap_or_default(),
            severity: text(a, "severity").unwrap_or_default(),
            for_: text(a, "for"),
            threshold: a.get("threshold").and_then(number),
            why: text(a, "why"),
        })
        .collect();
    Some(PackInfo {
        header,
        alerts,
        records: names("records", "record"),
        services: names("services", "name"),
        slos: names("slos", "name"),
        dashboards: names("dashboards", "title"),
    })
}

/// A number node's value.
pub fn number(node: &Node) -> Option<f64> {
    match node.kind {
        #[allow(clippy::cast_precision_loss)] // thresholds are small numbers
        NodeKind::Int(i) => Some(i as f64),
        NodeKind::Float(f) => Some(f),
        _ => None,
    }
}

/// Every built-in pack's info, in name order.
pub fn builtin_infos() -> Vec<PackInfo> {
    let mut all: Vec<PackInfo> = BUILTIN
        .iter()
        .filter_map(|b| {
            let node = crate::syntax::yaml::parse(crate::source::SourceId(0), b.pack).ok()?;
            info(&node)
        })
        .collect();
    all.sort_by(|a, b| a.header.name.cmp(&b.header.name));
    all
}
