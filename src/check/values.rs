//! Scalar values: durations, sizes, Kubernetes quantities and ranges that
//! the schema cannot express precisely.

use super::{Ctx, Item, Spec};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::codes;
use crate::source::Span;
use crate::spec::{DurationText, PanelType, Prometheus};
use crate::units::{Duration, check_cpu_quantity, check_memory_quantity};

pub fn check(spec: &Spec, ctx: &mut Ctx) {
    if let Some(p) = &spec.prometheus {
        prometheus(ctx, &p.value, |path| p.span(path));
    }
    for cluster in &spec.clusters {
        if let Some(p) = &cluster.value.prometheus {
            prometheus(ctx, p, |path| {
                cluster.span(&[&["prometheus"], path].concat())
            });
        }
    }
    for service in &spec.services {
        if service.value.endpoints.is_empty() {
            ctx.push(
                Diagnostic::error(
                    codes::SERVICES_NO_ENDPOINTS,
                    format!(
                        "service `{}` has no endpoints to scrape",
                        service.value.name
                    ),
                )
                .at(service.span(&["endpoints"]))
                .help("add at least one endpoint, e.g. `endpoints: [{port: metrics}]`"),
            );
        }
        for (i, endpoint) in service.value.endpoints.iter().enumerate() {
            let i = i.to_string();
            positive(
                ctx,
                &endpoint.interval,
                service.span(&["endpoints", &i, "interval"]),
            );
            if let Some(file) = &endpoint.bearer_token_file {
                let span = service.span(&["endpoints", &i, "bearer_token_file"]);
                secret_file(ctx, file, crate::model::SECRETS_DIR, span);
                let conflict = if endpoint.bearer_token_secret.is_some() {
                    Some("a token from both a file and a Secret")
                } else if service.value.kind == Some(crate::spec::ServiceKind::Pod) {
                    Some("a token file on a PodMonitor, which cannot read one")
                } else {
                    None
                };
                if let Some(what) = conflict {
                    ctx.push(
                        Diagnostic::error(codes::SERVICES_BEARER_TOKEN_FILE, format!("this endpoint reads {what}"))
                            .at(span)
                            .help("use `bearer_token_secret` alone (PodMonitors read Secrets only), or `bearer_token_file` alone on a ServiceMonitor"),
                    );
                }
            }
            if let Some(tls) = &endpoint.tls {
                for (field, file) in [
                    ("ca_file", &tls.ca_file),
                    ("cert_file", &tls.cert_file),
                    ("key_file", &tls.key_file),
                ] {
                    if let Some(file) = file {
                        let span = service.span(&["endpoints", &i, "tls", field]);
                        secret_file(ctx, file, crate::model::SECRETS_DIR, span);
                    }
                }
            }
            if service.value.kind == Some(crate::spec::ServiceKind::Pod)
                && let Some(tls) = &endpoint.tls
            {
                for (field, file) in [
                    ("ca_file", &tls.ca_file),
                    ("cert_file", &tls.cert_file),
                    ("key_file", &tls.key_file),
                ] {
                    if let Some(file) = file
                        && crate::model::secret_file(file).is_none()
                    {
                        ctx.push(
                            Diagnostic::error(
                                codes::SERVICES_POD_TLS_FILE,
                                format!("`{file}` is not a key of a mounted Secret"),
                            )
                            .at(service.span(&["endpoints", &i, "tls", field]))
                            .label("PodMonitors cannot read arbitrary files")
                            .help(format!(
                                "PodMonitor TLS comes from Secrets: write `{}<secret>/<key>`",
                                crate::model::SECRETS_DIR
                            )),
                        );
                    }
                }
            }
            if let Some(path) = &endpoint.path
                && !path.starts_with('/')
            {
                ctx.push(
                    Diagnostic::error(
                        codes::SERVICES_INVALID_PATH,
                        format!("scrape path `{path}` must start with `/`"),
                    )
                    .at(service.span(&["endpoints", &i, "path"]))
                    .help(format!("write `/{path}`")),
                );
            }
        }
    }
    for alert in &spec.alerts {
        if let Some(runbook) = &alert.value.runbook {
            runbook_url(ctx, "`runbook`", runbook, alert.span(&["runbook"]));
        }
        if let Some(runbook) = alert.value.annotations.get(RUNBOOK_URL) {
            let span = alert.span(&["annotations", RUNBOOK_URL]);
            runbook_url(ctx, "annotation `runbook_url`", runbook, span);
        }
    }
    for slo in &spec.slos {
        slo_values(ctx, slo);
        let Some(alerting) = &slo.value.alerting else {
            continue;
        };
        let mut at = vec![(vec!["alerting"], &alerting.annotations)];
        for (kind, alert) in [("page", &alerting.page), ("ticket", &alerting.ticket)] {
            if let Some(crate::spec::BurnAlert::Settings(s)) = alert {
                at.push((vec!["alerting", kind], &s.annotations));
            }
        }
        for (mut path, annotations) in at {
            if let Some(runbook) = annotations.get(RUNBOOK_URL) {
                path.extend(["annotations", RUNBOOK_URL]);
                let span = slo.span(&path);
                runbook_url(ctx, "annotation `runbook_url`", runbook, span);
            }
        }
    }
    if let Some(item) = &spec.route {
        for (path, route) in super::merged::routes(&item.value) {
            for (field, value) in [
                ("group_wait", &route.group_wait),
                ("group_interval", &route.group_interval),
                ("repeat_interval", &route.repeat_interval),
            ] {
                let mut at: Vec<&str> = path.iter().map(String::as_str).collect();
                at.push(field);
                if field != "group_wait" {
                    positive(ctx, value, item.span(&at));
                }
            }
        }
    }
    for dashboard in &spec.dashboards {
        let d = &dashboard.value;
        if let Some(folder) = &d.folder
            && let Some(problem) = folder_problem(folder)
        {
            ctx.push(
                Diagnostic::error(
                    codes::DASHBOARDS_INVALID_FOLDER,
                    format!("folder `{}` {problem}", folder.escape_debug()),
                )
                .at(dashboard.span(&["folder"]))
                .label("the Grafana sidecar writes dashboards into this folder")
                .help("name the folder like `Velero` or `Teams/Backup`"),
            );
        }
        for (r, row) in d.rows.iter().enumerate() {
            for (p, panel) in row.panels.iter().enumerate() {
                let at = |field: &str| {
                    dashboard.span(&["rows", &r.to_string(), "panels", &p.to_string(), field])
                };
                if let Some(width) = panel.width
                    && !(1..=24).contains(&width)
                {
                    ctx.push(
                        Diagnostic::error(
                            codes::DASHBOARDS_INVALID_WIDTH,
                            format!("panel width {width} is outside the 24-column grid"),
                        )
                        .at(at("width"))
                        .help("use a width from 1 to 24"),
                    );
                }
                let queries = u8::from(panel.expr.is_some())
                    + u8::from(!panel.queries.is_empty())
                    + u8::from(panel.logql.is_some());
                let needs_query = !matches!(panel.type_, PanelType::Text);
                if needs_query && queries != 1 {
                    let message = if queries == 0 {
                        format!("panel `{}` has no query", panel.title)
                    } else {
                        format!(
                            "panel `{}` has more than one of `expr`, `queries` and `logql`",
                            panel.title
                        )
                    };
                    ctx.push(
                        Diagnostic::error(codes::DASHBOARDS_PANEL_QUERY, message)
                            .at(at("title"))
                            .help("give a panel exactly one of `expr`, `queries` (PromQL) or `logql` (Loki)"),
                    );
                }
            }
        }
    }
}

fn prometheus(ctx: &mut Ctx, p: &Prometheus, span: impl Fn(&[&str]) -> Span) {
    positive(ctx, &p.scrape_interval, span(&["scrape_interval"]));
    positive(ctx, &p.evaluation_interval, span(&["evaluation_interval"]));
    if let Some(q) = &p.query {
        positive(ctx, &q.timeout, span(&["query", "timeout"]));
    }
    for (i, rw) in p.remote_write.iter().flatten().enumerate() {
        if let Err(problem) = super::alloy::check_url(&rw.url) {
            ctx.push(
                Diagnostic::error(
                    codes::PROMETHEUS_INVALID_URL,
                    format!("remote write `url` is not an HTTP URL: {problem}"),
                )
                .at(span(&["remote_write", &i.to_string(), "url"]))
                .label("not a URL")
                .help("write it like `http://thanos-receive.monitoring.svc:19291/api/v1/receive`"),
            );
        }
    }
    if let Some(r) = &p.resources {
        if let Some(cpu) = &r.cpu
            && let Err(e) = check_cpu_quantity(cpu)
        {
            ctx.value_error(
                codes::UNITS_INVALID_QUANTITY,
                span(&["resources", "cpu"]),
                e,
            );
        }
        if let Some(memory) = &r.memory
            && let Err(e) = check_memory_quantity(memory.as_str())
        {
            ctx.value_error(
                codes::UNITS_INVALID_QUANTITY,
                span(&["resources", "memory"]),
                e,
            );
        }
    }
}

/// The annotation Alertmanager's and Grafana's alert views link as the
/// runbook.
const RUNBOOK_URL: &str = "runbook_url";

/// A runbook link (`runbook`, or `runbook_url` under `annotations`) is an
/// http(s) address: it is what a paged engineer clicks.
fn runbook_url(ctx: &mut Ctx, what: &str, url: &str, span: Span) {
    if let Err(problem) = super::alloy::check_url(url) {
        ctx.push(
            Diagnostic::error(
                codes::ALERTS_INVALID_RUNBOOK,
                format!("{what} is not an HTTP URL: {problem}"),
            )
            .at(span)
            .label("not a link")
            .help("write the runbook's address, like `https://runbooks.example.com/service#alert`"),
        );
    }
}

fn slo_values(ctx: &mut Ctx, slo: &Item<crate::spec::Slo>) {
    let s = &slo.value;
    if !(s.objective > 0.0 && s.objective < 100.0) {
        ctx.push(
            Diagnostic::error(
                codes::SLO_INVALID_OBJECTIVE,
                format!(
                    "objective {} is not a percentage between 0 and 100 (exclusive)",
                    s.objective
                ),
            )
            .at(slo.span(&["objective"]))
            .help("write the target in percent, e.g. `99.9`"),
        );
    }
    positive(ctx, &s.window, slo.span(&["window"]));
    let events = s.sli.errors.is_some() || s.sli.total.is_some();
    let kinds = usize::from(events)
        + usize::from(s.sli.raw.is_some())
        + usize::from(s.sli.latency.is_some());
    if kinds != 1 {
        ctx.push(
            Diagnostic::error(codes::SLO_INVALID_SLI, format!("SLO `{}` needs exactly one SLI: `errors` with `total`, `raw`, or `latency`", s.name))
                .at(slo.span(&["sli"]))
                .help("write one of `sli: {errors: ..., total: ...}`, `sli: {raw: <error ratio>}` or `sli: {latency: {metric, threshold}}`"),
        );
    } else if events {
        for (field, value) in [("errors", &s.sli.errors), ("total", &s.sli.total)] {
            if value.is_none() {
                ctx.push(
                    Diagnostic::error(
                        codes::SLO_INVALID_SLI,
                        format!("SLO `{}` has an events SLI without `{field}`", s.name),
                    )
                    .at(slo.span(&["sli"]))
                    .help(format!(
                        "add `{field}:` with a PromQL rate using `[{{{{window}}}}]`"
                    )),
                );
            }
        }
    }
    // A latency threshold is a typed duration, parsed with the file.
}

/// An optional duration that must not be zero; its value when it is set
/// and positive.
pub(super) fn positive(
    ctx: &mut Ctx,
    value: &Option<DurationText>,
    span: Span,
) -> Option<Duration> {
    let d = *value.as_ref()?.value();
    if d.millis == 0 {
        ctx.push(
            Diagnostic::error(
                codes::UNITS_ZERO_DURATION,
                "this duration must be longer than zero",
            )
            .at(span)
            .label("zero")
            .help("write a positive duration such as `30s` or `5m`"),
        );
        return None;
    }
    Some(d)
}

/// Why a dashboard folder cannot be used as the sidecar's folder path.
fn folder_problem(folder: &str) -> Option<&'static str> {
    if folder.trim().is_empty() {
        return Some("is empty");
    }
    if folder.chars().any(|c| c.is_control() || c == '\\') {
        return Some("holds a control character or a backslash");
    }
    if folder.starts_with('/')
        || folder
            .split('/')
            .any(|p| p.is_empty() || p == "." || p == "..")
    {
        return Some(
            "is not a relative folder path: it is absolute, or has an empty, `.` or `..` part",
        );
    }
    None
}

/// A file a secret is read from: an absolute, normalized path; under the
/// mounted-Secrets folder, `<secret>/<key>` with a valid Secret name and key.
pub(super) fn secret_file(ctx: &mut Ctx, path: &str, dir: &str, span: Span) {
    let problem = if !path.starts_with('/') {
        Some("is not an absolute path".to_owned())
    } else if path.chars().any(char::is_control) {
        Some("holds a control character".to_owned())
    } else if path[1..]
        .split('/')
        .any(|p| p.is_empty() || p == "." || p == "..")
    {
        Some("has an empty, `.` or `..` part".to_owned())
    } else if let Some(rest) = path.strip_prefix(dir) {
        match rest.split_once('/') {
            Some((secret, key)) if !key.contains('/') => {
                crate::names::check_dns1123_subdomain(secret)
                    .err()
                    .map(|e| {
                        format!(
                            "names the Secret `{secret}`, which is invalid: {}",
                            e.message
                        )
                    })
                    .or_else(|| {
                        secret_key_problem(key).map(|p| format!("names the key `{key}`, which {p}"))
                    })
            }
            _ => Some(format!("must be `{dir}<secret>/<key>`")),
        }
    } else {
        None
    };
    if let Some(problem) = problem {
        ctx.push(
            Diagnostic::error(
                codes::SECRETS_INVALID_SECRET_FILE,
                format!("secret file `{}` {problem}", path.escape_debug()),
            )
            .at(span)
            .label("not a safe secret path")
            .help(format!(
                "mount the Secret and name its key: `{dir}<secret>/<key>`"
            )),
        );
    }
}

/// A `{name, key}` reference to a Kubernetes Secret.
pub(super) fn secret_ref(
    ctx: &mut Ctx,
    secret: &crate::spec::SecretRef,
    span: impl Fn(&str) -> Span,
) {
    if let Err(e) = crate::names::check_dns1123_subdomain(&secret.name) {
        ctx.value_error(codes::SECRETS_INVALID_SECRET_NAME, span("name"), e);
    }
    if let Some(problem) = secret_key_problem(&secret.key) {
        ctx.push(
            Diagnostic::error(
                codes::SECRETS_INVALID_SECRET_NAME,
                format!("Secret key `{}` {problem}", secret.key.escape_debug()),
            )
            .at(span("key"))
            .help("Secret keys are letters, digits, `-`, `_` and `.`"),
        );
    }
}

/// Kubernetes Secret keys: `[-._a-zA-Z0-9]+`, not `.` or `..`.
fn secret_key_problem(key: &str) -> Option<&'static str> {
    let valid = !key.is_empty()
        && key != "."
        && key != ".."
        && key.len() <= 253
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    (!valid)
        .then_some("is not a valid Secret key (letters, digits, `-`, `_`, `.`; not `.` or `..`)")
}
