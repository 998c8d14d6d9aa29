//! SLOs as Sloth writes them: their labels, their alerts' labels and
//! annotations, and the burn-rate windows of `slo_windows`.

use std::collections::BTreeMap;

use super::{Ctx, Item, Spec};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::codes;
use crate::names::{ValueError, check_label_name};
use crate::source::Span;
use crate::spec::{BurnAlert, BurnWindow, Slo, SloWindows};

pub fn check(spec: &Spec, ctx: &mut Ctx) {
    for slo in &spec.slos {
        labels(spec, ctx, slo);
        annotations(ctx, slo);
        if slo.value.sli.raw.is_some()
            && let Some(alerting) = &slo.value.alerting
            && alerting.min_events.is_some()
        {
            ctx.push(
                Diagnostic::error(
                    codes::SLO_MIN_EVENTS_WITHOUT_TOTAL,
                    "`min_events` needs the SLI's count of events, and a `raw` SLI has none",
                )
                .at(slo.span(&["alerting", "min_events"]))
                .label("cannot be counted")
                .related(slo.span(&["sli", "raw"]), "an error ratio only")
                .help("write the SLI as `errors` and `total` to require a minimum of events, or remove `min_events`"),
            );
        }
    }
    windows(spec, ctx);
}

/// An SLO or service name Sloth accepts: letters, digits, `-`, `_` and
/// `.`, starting and ending with a letter or digit; at most 63 characters
/// (it becomes part of file and object names).
pub fn sloth_name(name: &str) -> Result<(), ValueError> {
    let ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    let help = "names look like `requests-availability` or `api_v2.latency`";
    if name.is_empty() {
        return Err(ValueError::new(0, 0, "the name is empty").with_help(help));
    }
    if name.len() > 63 {
        return Err(ValueError::new(63, name.len(), "longer than 63 characters").with_help(help));
    }
    if let Some((i, c)) = name.char_indices().find(|(_, c)| !ok(*c)) {
        return Err(ValueError::new(
            i,
            i + c.len_utf8(),
            format!("`{c}` is not allowed: only letters, digits, `-`, `_` and `.`"),
        )
        .with_help(help));
    }
    let ends = [name.chars().next(), name.chars().last()];
    if ends.iter().flatten().any(|c| !c.is_ascii_alphanumeric()) {
        return Err(
            ValueError::new(0, name.len(), "must start and end with a letter or digit")
                .with_help(help),
        );
    }
    Ok(())
}

/// The labels monocle sets on an SLO's alerts, by alert: a spec label of
/// the same key with another value would be overwritten.
fn monocle_alert_labels(
    spec: &Spec,
    slo: &Slo,
) -> Vec<(&'static str, BTreeMap<&'static str, String>)> {
    let team = spec.service(&slo.service).map(|s| s.value.team.clone());
    let alerting = slo.alerting.clone().unwrap_or_default();
    let mut out = Vec::new();
    for (kind, alert, default) in [
        (
            "page",
            &alerting.page,
            crate::lower::slo::DEFAULT_PAGE_SEVERITY,
        ),
        (
            "ticket",
            &alerting.ticket,
            crate::lower::slo::DEFAULT_TICKET_SEVERITY,
        ),
    ] {
        let severity = match alert {
            Some(BurnAlert::Enabled(false)) => continue,
            Some(BurnAlert::Settings(s)) => {
                s.severity.clone().unwrap_or_else(|| default.to_owned())
            }
            _ => default.to_owned(),
        };
        let mut set = BTreeMap::from([
            ("service", slo.service.clone()),
            ("severity", severity),
            ("slo", slo.name.clone()),
            ("sloth_severity", kind.to_owned()),
        ]);
        if let Some(team) = &team {
            set.insert("team", team.clone());
        }
        out.push((kind, set));
    }
    out
}

fn labels(spec: &Spec, ctx: &mut Ctx, slo: &Item<Slo>) {
    let s = &slo.value;
    let alerting = s.alerting.clone().unwrap_or_default();
    let settings = |kind: &str| match (kind, &alerting.page, &alerting.ticket) {
        ("page", Some(BurnAlert::Settings(p)), _) | ("ticket", _, Some(BurnAlert::Settings(p))) => {
            Some(p.clone())
        }
        _ => None,
    };
    // Where each label of the spec is written, and which alerts get it.
    let mut written: Vec<(Vec<&str>, &String, &String, Vec<&str>)> = Vec::new();
    for (k, v) in &s.labels {
        written.push((vec!["labels"], k, v, vec!["page", "ticket"]));
    }
    for (k, v) in &alerting.labels {
        written.push((vec!["alerting", "labels"], k, v, vec!["page", "ticket"]));
    }
    let page = settings("page").unwrap_or_default();
    let ticket = settings("ticket").unwrap_or_default();
    for (k, v) in &page.labels {
        written.push((vec!["alerting", "page", "labels"], k, v, vec!["page"]));
    }
    for (k, v) in &ticket.labels {
        written.push((vec!["alerting", "ticket", "labels"], k, v, vec!["ticket"]));
    }
    let set = monocle_alert_labels(spec, s);
    for (path, key, value, alerts) in written {
        let span = slo.key_span(&path, key);
        if let Err(e) = check_label_name(key) {
            ctx.value_error(codes::NAMES_INVALID_LABEL_NAME, span, e);
            continue;
        }
        if key.starts_with("sloth_") || key.starts_with("__") {
            ctx.push(
                Diagnostic::error(
                    codes::SLO_RESERVED_LABEL,
                    format!("label `{key}` is reserved: monocle sets the `sloth_*` labels of SLO rules, as Sloth does, and Prometheus owns `__*`"),
                )
                .at(span)
                .label("reserved label name")
                .help("choose another name; Sloth's dashboards and queries read the `sloth_*` labels"),
            );
            continue;
        }
        // Alert labels are templates; the SLO's own go on recording rules too.
        let value_span = slo.span(&[path.as_slice(), &[key.as_str()]].concat());
        if path[0] == "alerting"
            && let Err(e) = super::templates::check_template(value)
        {
            ctx.value_error(codes::ALERTS_INVALID_TEMPLATE, value_span, e);
        }
        for (kind, set) in &set {
            if !alerts.contains(kind) {
                continue;
            }
            let Some(monocle) = set.get(key.as_str()) else {
                continue;
            };
            if monocle == value {
                continue;
            }
            let hint = if key == "severity" {
                format!("set `alerting: {{{kind}: {{severity: {value}}}}}` instead")
            } else {
                "remove the label".to_owned()
            };
            ctx.push(
                Diagnostic::error(
                    codes::RULES_LABEL_CONFLICT,
                    format!("label `{key}: {value}` conflicts with the `{key}: {monocle}` monocle sets on this SLO's {kind} alert"),
                )
                .at(value_span)
                .label("would be overwritten")
                .help(hint),
            );
            break;
        }
    }
}

fn annotations(ctx: &mut Ctx, slo: &Item<Slo>) {
    let alerting = slo.value.alerting.clone().unwrap_or_default();
    let mut maps = vec![(
        vec!["alerting", "annotations"],
        alerting.annotations.clone(),
    )];
    for (kind, alert) in [("page", &alerting.page), ("ticket", &alerting.ticket)] {
        if let Some(BurnAlert::Settings(s)) = alert {
            maps.push((vec!["alerting", kind, "annotations"], s.annotations.clone()));
        }
    }
    for (path, map) in maps {
        for (key, text) in &map {
            if let Err(e) = check_label_name(key) {
                ctx.value_error(codes::NAMES_INVALID_LABEL_NAME, slo.key_span(&path, key), e);
            }
            if let Err(e) = super::templates::check_template(text) {
                let span = slo.span(&[path.as_slice(), &[key.as_str()]].concat());
                ctx.value_error(codes::ALERTS_INVALID_TEMPLATE, span, e);
            }
        }
    }
}

/// `slo_windows`: each period once, each condition a share of the budget
/// in (0, 100] over a short window shorter than its long one, which fits
/// in the period.
fn windows(spec: &Spec, ctx: &mut Ctx) {
    let mut seen: BTreeMap<u64, Span> = BTreeMap::new();
    for item in &spec.slo_windows {
        let w = &item.value;
        let period = *w.period.value();
        let period_span = item.span(&["period"]);
        if super::values::positive(ctx, &Some(w.period.clone()), period_span).is_none() {
            continue;
        }
        if let Some(first) = seen.insert(period.millis, period_span) {
            ctx.push(
                Diagnostic::error(
                    codes::SLO_WINDOWS_DUPLICATE_PERIOD,
                    format!(
                        "the burn-rate windows of period `{}` are written twice",
                        w.period
                    ),
                )
                .at(period_span)
                .label("written again here")
                .related(first, "first written here")
                .help("keep one `slo_windows` entry per period"),
            );
        }
        for (alert, which, condition) in conditions(w) {
            window(ctx, item, &[alert, which], condition, &w.period);
        }
    }
}

fn conditions(w: &SloWindows) -> [(&'static str, &'static str, &BurnWindow); 4] {
    [
        ("page", "quick", &w.page.quick),
        ("page", "slow", &w.page.slow),
        ("ticket", "quick", &w.ticket.quick),
        ("ticket", "slow", &w.ticket.slow),
    ]
}

fn window(
    ctx: &mut Ctx,
    item: &Item<SloWindows>,
    path: &[&str],
    c: &BurnWindow,
    period: &crate::spec::DurationText,
) {
    let at = |field: &str| item.span(&[path, &[field]].concat());
    if !(c.budget_percent > 0.0 && c.budget_percent <= 100.0) {
        ctx.push(
            Diagnostic::error(
                codes::SLO_WINDOWS_INVALID_BUDGET,
                format!(
                    "`budget_percent` {} is not a share of the error budget in percent (over 0, at most 100)",
                    c.budget_percent
                ),
            )
            .at(at("budget_percent"))
            .label("out of range")
            .help("the SRE workbook pages at 2 (1h) and 5 (6h), and tickets at 10 (1d, 3d)"),
        );
    }
    let short = super::values::positive(ctx, &Some(c.short.clone()), at("short"));
    let long = super::values::positive(ctx, &Some(c.long.clone()), at("long"));
    let (Some(short), Some(long)) = (short, long) else {
        return;
    };
    if short >= long {
        ctx.push(
            Diagnostic::error(
                codes::SLO_WINDOWS_SHORT_NOT_BELOW_LONG,
                format!("the short window `{}` is not shorter than the long window `{}`", c.short, c.long),
            )
            .at(at("short"))
            .label("not shorter")
            .related(at("long"), "the long window")
            .help("the short window confirms the burn still goes on; a twelfth of the long window is usual (5m for 1h)"),
        );
    }
    if long > *period.value() {
        ctx.push(
            Diagnostic::error(
                codes::SLO_WINDOWS_LONG_OVER_PERIOD,
                format!(
                    "the long window `{}` is longer than the SLO period `{period}`",
                    c.long
                ),
            )
            .at(at("long"))
            .label("longer than the period")
            .help("a condition reads the error ratio within the period; shorten the window"),
        );
    }
}
