//! `monocle packs show NAME` and `docs/packs.md`: a pack's knobs, alerts and
//! the reasons for its defaults, from the pack itself.

use std::fmt::Write as _;

use super::PackInfo;

/// The text `monocle packs show NAME` prints.
pub fn show(pack: &PackInfo) -> String {
    let mut out = String::new();
    let h = &pack.header;
    let _ = writeln!(out, "{}: {}", h.name, h.description);
    if let Some(notes) = &h.notes {
        let _ = writeln!(out, "\n{}", notes.trim_end());
    }
    if !h.params.is_empty() {
        let _ = writeln!(out, "\nparams:");
        for (name, p) in &h.params {
            let _ = writeln!(
                out,
                "  {name} ({}, default {}): {}",
                p.kind.name(),
                p.default.text(),
                p.description
            );
        }
    }
    let _ = writeln!(out, "\nalerts:");
    for a in &pack.alerts {
        let mut knobs = vec![format!("severity {}", a.severity)];
        if let Some(t) = a.threshold {
            knobs.push(format!("threshold {t}"));
        }
        if let Some(f) = &a.for_ {
            knobs.push(format!("for {f}"));
        }
        let _ = writeln!(out, "  {} ({})", a.name, knobs.join(", "));
        if let Some(why) = &a.why {
            let _ = writeln!(out, "      {}", why.trim());
        }
    }
    for (what, names) in [
        ("services", &pack.services),
        ("records", &pack.records),
        ("slos", &pack.slos),
        ("dashboards", &pack.dashboards),
    ] {
        if !names.is_empty() {
            let _ = writeln!(out, "\n{what}: {}", names.join(", "));
        }
    }
    out
}

/// `docs/packs.md`: every built-in pack, generated (a test keeps it current).
pub fn markdown(packs: &[PackInfo]) -> String {
    let mut out = String::from(
        "# Built-in packs\n\n\
         <!-- Generated from packs/*/pack.yaml by `UPDATE_DOCS=1 cargo test --test integration -- packs::docs`; do not edit. -->\n\n\
         Take a pack in with `packs: [{name: NAME}]`; tune it per cluster with\n\
         `params` and `alerts: {AlertName: {disabled, for, severity, labels, annotations, threshold}}`\n\
         (see \"Packs\" in `docs/spec.md`). Severity policy: **critical** = a person must act now;\n\
         **warning** = act during working hours; **info** = context for other alerts.\n",
    );
    for pack in packs {
        let h = &pack.header;
        let _ = write!(out, "\n## `{}`\n\n{}\n", h.name, h.description);
        if let Some(notes) = &h.notes {
            let _ = write!(out, "\n{}\n", notes.trim_end());
        }
        if !h.params.is_empty() {
            out.push_str("\n| param | type | default | meaning |\n|---|---|---|---|\n");
            for (name, p) in &h.params {
                let _ = writeln!(
                    out,
                    "| `{name}` | {} | `{}` | {} |",
                    p.kind.name(),
                    p.default.text(),
                    cell(&p.description)
                );
            }
        }
        out.push_str("\n| alert | severity | threshold | for | why |\n|---|---|---|---|---|\n");
        for a in &pack.alerts {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} |",
                a.name,
                a.severity,
                a.threshold.map_or(String::new(), |t| t.to_string()),
                a.for_.as_deref().unwrap_or(""),
                cell(a.why.as_deref().unwrap_or(""))
            );
        }
        for (what, names) in [
            ("Services", &pack.services),
            ("Records", &pack.records),
            ("SLOs", &pack.slos),
            ("Dashboards", &pack.dashboards),
        ] {
            if !names.is_empty() {
                let list: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                let _ = write!(out, "\n{what}: {}.\n", list.join(", "));
            }
        }
    }
    out
}

/// Text inside a Markdown table cell: one line, no column breaks.
fn cell(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}
