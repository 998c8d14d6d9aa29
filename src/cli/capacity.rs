//! The monitor daemon's capacity report as the CLI prints it (`monocle
//! monitor`, and `check`/`compile` on request): rendering only; the figures
//! come from `capacity` through the model.

use std::fmt::Write as _;

use crate::capacity::{bytes, thousands};
use crate::model::buckets::{BucketsModel, Ownership};

/// The capacity report as a text table, one row per monitor.
pub fn table(model: &BucketsModel) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "monitor daemon: {} buckets over {} monitor(s), {} expected clusters, checked every {} (timeout {})",
        thousands(model.buckets),
        model.monitors.len(),
        thousands(model.expected_clusters),
        model.check_interval,
        model.check_timeout
    );
    let header = [
        "monitor",
        "buckets",
        "clusters",
        "checks/s",
        "workers",
        "memory",
        "of budget",
    ];
    let budget = u128::from(model.memory.budget);
    let rows: Vec<[String; 7]> = model
        .monitors
        .iter()
        .map(|m| {
            let c = &m.capacity;
            let used = if budget == 0 {
                "-".to_owned()
            } else {
                format!("{:.1}%", c.memory_bytes as f64 * 100.0 / budget as f64)
            };
            [
                m.name.clone(),
                thousands(c.buckets),
                thousands(c.clusters),
                format!("{:.2}", c.checks_per_second),
                thousands(c.workers),
                bytes(c.memory_bytes),
                used,
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[&str]| {
        let mut text = String::new();
        for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
            if i == 0 {
                let _ = write!(text, "{cell:<width$}");
            } else {
                let _ = write!(text, "  {cell:>width$}");
            }
        }
        text.trim_end().to_owned()
    };
    let _ = writeln!(out, "{}", line(&header));
    for row in &rows {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        let _ = writeln!(out, "{}", line(&cells));
    }
    let _ = writeln!(
        out,
        "memory per monitor: {} cached per cluster, {} per worker; budget {}",
        bytes(model.memory.per_cluster.into()),
        bytes(model.memory.per_worker.into()),
        bytes(budget)
    );
    let _ = writeln!(out, "ownership: {}", ownership(&model.ownership));
    out
}

fn ownership(ownership: &Ownership) -> String {
    match ownership {
        Ownership::Canonical => "canonical (no previous bucket config)".to_owned(),
        Ownership::Kept {
            moved,
            resized_from: None,
        } => format!("kept from the previous bucket config, {moved} bucket(s) moved"),
        Ownership::Kept {
            moved,
            resized_from: Some(old),
        } => format!(
            "kept from the previous bucket config ({old} buckets, resized), {moved} bucket(s) moved"
        ),
        Ownership::Ignored { reason } => {
            format!("canonical (the previous bucket config was ignored: {reason})")
        }
    }
}
