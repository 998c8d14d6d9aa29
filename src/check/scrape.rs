//! How a service is scraped: sample limits, scrape timeouts, the job label,
//! bearer tokens and relabel steps. Prometheus validates relabel configs
//! only when it loads them, so a mistake here would drop the whole scrape
//! config in the cluster; it is caught at compile time instead.

use super::{Ctx, Item, Spec};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::codes;
use crate::names::check_label_name;
use crate::source::Span;
use crate::spec::{Relabel, RelabelAction, Service};
use crate::units::Duration;

pub fn check(spec: &Spec, ctx: &mut Ctx) {
    let fleet_interval = spec
        .prometheus
        .as_ref()
        .and_then(|p| p.value.scrape_interval.as_ref())
        .map_or_else(
            || Duration::parse(crate::lower::DEFAULT_SCRAPE_INTERVAL).ok(),
            |d| Some(*d.value()),
        );
    for service in &spec.services {
        sample_limit(ctx, service);
        job_label(ctx, service);
        indistinct_endpoints(ctx, service);
        for (i, endpoint) in service.value.endpoints.iter().enumerate() {
            let i = i.to_string();
            let at = |path: &[&str]| service.span(&[&["endpoints", i.as_str()], path].concat());
            let timeout =
                super::values::positive(ctx, &endpoint.scrape_timeout, at(&["scrape_timeout"]));
            let interval = endpoint
                .interval
                .as_ref()
                .map(|d| *d.value())
                .or(fleet_interval);
            if let (Some(timeout), Some(interval)) = (timeout, interval)
                && timeout.millis > interval.millis
            {
                ctx.push(
                    Diagnostic::error(
                        codes::SERVICES_SCRAPE_TIMEOUT_TOO_LONG,
                        "the scrape timeout is longer than the scrape interval",
                    )
                    .at(at(&["scrape_timeout"]))
                    .label("longer than the interval")
                    .help("Prometheus refuses such a scrape config: make the timeout at most the interval"),
                );
            }
            if let Some(secret) = &endpoint.bearer_token_secret {
                super::values::secret_ref(ctx, secret, |f| at(&["bearer_token_secret", f]));
            }
            for (key, values) in &endpoint.params {
                if key.trim().is_empty() || values.is_empty() {
                    ctx.push(
                        Diagnostic::error(
                            codes::SERVICES_INVALID_PARAMS,
                            format!("scrape parameter `{key}` needs a name and at least one value"),
                        )
                        .at(at(&["params", key]))
                        .help("write parameters as lists, e.g. `params: {module: [http_2xx]}`"),
                    );
                }
            }
            for (field, steps) in [
                ("relabelings", &endpoint.relabelings),
                ("metric_relabelings", &endpoint.metric_relabelings),
            ] {
                for (j, step) in steps.iter().enumerate() {
                    let j = j.to_string();
                    relabel(ctx, step, |f: &[&str]| {
                        at(&[&[field, j.as_str()], f].concat())
                    });
                }
            }
        }
    }
}

fn sample_limit(ctx: &mut Ctx, service: &Item<Service>) {
    if service.value.sample_limit == Some(0) {
        ctx.push(
            Diagnostic::warning(
                codes::CARDINALITY_SAMPLE_LIMIT_ZERO,
                format!(
                    "`sample_limit: 0` sets no limit at all on service `{}`",
                    service.value.name
                ),
            )
            .at(service.span(&["sample_limit"]))
            .label("0 means unlimited")
            .help("set it a little above the series count the target exposes today"),
        );
    }
}

/// The operator has one `jobLabel` per monitor, so the endpoints that
/// name one must agree.
fn job_label(ctx: &mut Ctx, service: &Item<Service>) {
    let mut first: Option<(&str, Span)> = None;
    for (i, endpoint) in service.value.endpoints.iter().enumerate() {
        let Some(label) = &endpoint.job_label else {
            continue;
        };
        let span = service.span(&["endpoints", &i.to_string(), "job_label"]);
        if let Err(e) = crate::names::check_k8s_label_key(label) {
            ctx.value_error(codes::SERVICES_INVALID_JOB_LABEL, span, e);
            continue;
        }
        match first {
            None => first = Some((label, span)),
            Some((name, at)) if name != label => ctx.push(
                Diagnostic::error(
                    codes::SERVICES_JOB_LABEL_CONFLICT,
                    format!(
                        "endpoints of service `{}` name different job labels",
                        service.value.name
                    ),
                )
                .at(span)
                .label(format!("`{label}` here"))
                .related(at, format!("`{name}` here"))
                .help("a monitor has one job label: use the same `job_label` on every endpoint"),
            ),
            Some(_) => {}
        }
    }
}

/// Prometheus' own rules for a relabel step (`relabel.Config.Validate`).
/// Endpoints on one port (the kubelet's `/metrics` and `/metrics/cadvisor`)
/// get the same job, instance and `endpoint` labels, so their `up` series,
/// and any metric both expose, collide. Any relabeling on either may tell
/// them apart (a label written on one is enough); only endpoints with none
/// are reported.
fn indistinct_endpoints(ctx: &mut Ctx, service: &Item<Service>) {
    let endpoints = &service.value.endpoints;
    for (b, later) in endpoints.iter().enumerate() {
        if !later.relabelings.is_empty() {
            continue;
        }
        let Some(a) = endpoints[..b]
            .iter()
            .position(|e| e.port == later.port && e.relabelings.is_empty())
        else {
            continue;
        };
        let (a_text, b_text) = (a.to_string(), b.to_string());
        ctx.push(
            Diagnostic::warning(
                codes::SERVICES_INDISTINCT_ENDPOINTS,
                format!(
                    "endpoints {a} and {b} of service `{}` both scrape port `{}`, and their series get the same labels: Prometheus keeps one of each pair of samples",
                    service.value.name, later.port
                ),
            )
            .at(service.span(&["endpoints", &b_text, "port"]))
            .label("same port, same labels")
            .related(service.span(&["endpoints", &a_text, "port"]), "this endpoint")
            .help("write the path into a label on each: `relabelings: [{source_labels: [__metrics_path__], target_label: metrics_path}]`"),
        );
    }
}

fn relabel(ctx: &mut Ctx, step: &Relabel, span: impl Fn(&[&str]) -> Span) {
    let action = step.action.unwrap_or(RelabelAction::Replace);
    let name = action.as_str();
    for (k, label) in step.source_labels.iter().enumerate() {
        if let Err(e) = check_label_name(label) {
            ctx.value_error(
                codes::RELABEL_INVALID_LABEL,
                span(&["source_labels", &k.to_string()]),
                e,
            );
        }
    }
    if let Some(regex) = &step.regex {
        // Prometheus anchors relabel regexes at both ends.
        if super::regexes::compile(ctx, &format!("^(?:{regex})$"), span(&["regex"])).is_some() {
            super::regexes::re2(ctx, regex, span(&["regex"]));
        }
    }
    let needs_target = matches!(
        action,
        RelabelAction::Replace
            | RelabelAction::Hashmod
            | RelabelAction::Lowercase
            | RelabelAction::Uppercase
            | RelabelAction::Keepequal
            | RelabelAction::Dropequal
    );
    match &step.target_label {
        None if needs_target => ctx.push(
            Diagnostic::error(
                codes::RELABEL_MISSING_TARGET,
                format!("a `{name}` relabel step needs a `target_label`"),
            )
            .at(span(&[]))
            .help("name the label it writes, e.g. `target_label: pod`"),
        ),
        Some(target) if action == RelabelAction::Replace => {
            // `replace` may build the label name from groups: `${1}`, `$name`.
            let plain = target.replace(['$', '{', '}'], "");
            if let Err(e) = check_label_name(&plain) {
                ctx.push(
                    Diagnostic::error(
                        codes::RELABEL_INVALID_LABEL,
                        format!("`{target}` is not a valid label name: {}", e.message),
                    )
                    .at(span(&["target_label"]))
                    .help("label names are letters, digits and `_`, not starting with a digit; `${1}` may insert a group"),
                );
            }
        }
        Some(target) if needs_target => {
            if let Err(e) = check_label_name(target) {
                ctx.value_error(codes::RELABEL_INVALID_LABEL, span(&["target_label"]), e);
            }
        }
        _ => {}
    }
    if action == RelabelAction::Hashmod && step.modulus.unwrap_or(0) == 0 {
        ctx.push(
            Diagnostic::error(
                codes::RELABEL_MISSING_MODULUS,
                "a `hashmod` relabel step needs a `modulus` above zero",
            )
            .at(span(&[]))
            .help("add e.g. `modulus: 4` to spread targets over four shards"),
        );
    }
    // Fields an action ignores are most likely a misunderstanding of it.
    let ignored: &[(&str, bool)] = match action {
        RelabelAction::Labeldrop | RelabelAction::Labelkeep => &[
            ("source_labels", !step.source_labels.is_empty()),
            ("separator", step.separator.is_some()),
            ("target_label", step.target_label.is_some()),
            ("replacement", step.replacement.is_some()),
        ],
        RelabelAction::Keep | RelabelAction::Drop => &[
            ("target_label", step.target_label.is_some()),
            ("replacement", step.replacement.is_some()),
        ],
        _ => &[],
    };
    let modulus = [(
        "modulus",
        step.modulus.is_some() && action != RelabelAction::Hashmod,
    )];
    for (field, set) in ignored.iter().chain(&modulus) {
        if *set {
            ctx.push(
                Diagnostic::error(
                    codes::RELABEL_UNUSED_FIELD,
                    format!("`{field}` has no effect in a `{name}` relabel step"),
                )
                .at(span(&[field]))
                .label("ignored by this action")
                .help("remove it, or choose the action that uses it"),
            );
        }
    }
}
