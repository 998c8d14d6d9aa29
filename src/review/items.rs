//! What a reviewer cares about in a cluster's model, as named items with
//! plain-text fields: the unit of the semantic summary.

use std::collections::BTreeMap;

use crate::model::alloy::{AlloyModel, LogPipelineModel, LogsModel, MetricsModel};
use crate::model::dashboards::{
    AnnotationModel, DashboardModel, PanelModel, QueryModel, RowModel, ThresholdModel,
    VariableModel,
};
use crate::model::rules::{
    AlertModel, BurnAlertModel, RecordModel, RuleFileModel, RuleModel, SliModel, SloModel,
};
use crate::model::{
    AlertmanagerModel, ClusterModel, EndpointModel, MonitorModel, PrometheusModel, RelabelModel,
    ShardModel, StorageModel, TlsModel,
};
use crate::spec::{Legend, Link};

/// One reviewable thing in one cluster (an alert, an SLO, a receiver, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub kind: &'static str,
    pub name: String,
    /// What tells the item apart from others of its kind and name: the
    /// labels of a rule (alerts and records may share a name); empty for
    /// kinds whose names are unique.
    pub variant: BTreeMap<String, String>,
    pub fields: BTreeMap<String, String>,
}

impl Item {
    pub(super) fn new(kind: &'static str, name: impl Into<String>) -> Self {
        Item {
            kind,
            name: name.into(),
            variant: BTreeMap::new(),
            fields: BTreeMap::new(),
        }
    }

    pub(super) fn variant(mut self, labels: &BTreeMap<String, String>) -> Self {
        self.variant.clone_from(labels);
        self
    }

    pub(super) fn field(mut self, key: &str, value: impl ToString) -> Self {
        self.fields.insert(key.to_owned(), value.to_string());
        self
    }

    pub(super) fn opt(self, key: &str, value: Option<impl ToString>) -> Self {
        match value {
            Some(v) => self.field(key, v),
            None => self,
        }
    }

    pub(super) fn list<T: ToString>(self, key: &str, values: impl IntoIterator<Item = T>) -> Self {
        let joined: Vec<String> = values.into_iter().map(|v| v.to_string()).collect();
        if joined.is_empty() {
            self
        } else {
            self.field(key, joined.join(", "))
        }
    }
}

fn map(labels: &BTreeMap<String, String>) -> String {
    labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every reviewable item of a cluster, in a stable order. Model structs are
/// destructured without `..`: a new field does not compile until the review
/// shows it (or says here why it need not).
pub fn items(cluster: &ClusterModel) -> Vec<Item> {
    let mut out = Vec::new();
    prometheus(&cluster.prometheus, &mut out);
    for m in cluster.monitors.iter() {
        out.push(monitor(m));
    }
    for file in cluster.rule_files.iter() {
        let RuleFileModel {
            path: _,   // follows from the group's name
            object: _, // follows from the group's name
            group,
            interval,
            team: _,  // shown on each alert as its `team` label
            shard: _, // shown on the service, or the default shard
            namespace: _,
            origin: _,        // the spec file, not a behaviour
            object_labels: _, // `rule_labels`, shown on the Prometheus
            rules,
        } = file;
        for rule in rules {
            let a = match rule {
                RuleModel::Alert(a) => a,
                RuleModel::Record(r) => {
                    let RecordModel {
                        record,
                        service,
                        expr,
                        labels,
                    } = r;
                    out.push(
                        Item::new("record", record)
                            .variant(labels)
                            .opt("service", service.as_ref())
                            .field("group", group)
                            .opt("interval", interval.as_ref())
                            .field("expr", expr)
                            .field("labels", map(labels)),
                    );
                    continue;
                }
            };
            let AlertModel {
                name,
                service,
                expr,
                for_,
                keep_firing_for,
                labels,
                annotations,
            } = a;
            out.push(
                Item::new("alert", name)
                    .variant(labels)
                    .opt("service", service.as_ref())
                    .field("group", group)
                    .opt("interval", interval.as_ref())
                    .field("expr", expr)
                    .opt("for", for_.as_ref())
                    .opt("keep_firing_for", keep_firing_for.as_ref())
                    .field("labels", map(labels))
                    .field("annotations", map(annotations)),
            );
        }
    }
    for s in cluster.slos.iter() {
        out.push(slo(s));
    }
    for d in cluster.dashboards.iter() {
        dashboard(d, &mut out);
    }
    // `cluster.slo_dashboards` follow from the SLOs shown above.
    if let Some(alloy) = &cluster.alloy {
        alloy_items(alloy, &mut out);
    }
    let AlertmanagerModel {
        name,
        namespace,
        replicas,
        secrets,
        managed,
        config_secret,
        storage,
    } = &cluster.alertmanager;
    out.push(
        Item::new("alertmanager", name)
            .field("namespace", namespace)
            .field("replicas", replicas)
            .list("secrets", secrets)
            .field("managed", managed)
            .field("config_secret", config_secret)
            .opt("storage", storage.as_ref().map(storage_text)),
    );
    out.extend(super::routing::items(cluster));
    out
}

fn storage_text(s: &StorageModel) -> String {
    let StorageModel { size, class } = s;
    match class {
        Some(class) => format!("{size} ({class})"),
        None => size.clone(),
    }
}

fn prometheus(p: &PrometheusModel, out: &mut Vec<Item>) {
    let PrometheusModel {
        namespace,
        retention,
        replicas,
        scrape_interval,
        evaluation_interval,
        cpu,
        memory,
        max_samples,
        max_concurrency,
        query_timeout,
        remote_write,
        shards,
        managed,
        service_account,
        rbac,
        storage,
        rule_labels,
    } = p;
    for shard in shards {
        let ShardModel { name, secrets } = shard;
        out.push(
            Item::new("prometheus", name)
                .field("namespace", namespace)
                .field("replicas", replicas)
                .opt("retention", retention.as_ref())
                .field("scrape_interval", scrape_interval)
                .field("evaluation_interval", evaluation_interval)
                .opt("cpu", cpu.as_ref())
                .opt("memory", memory.as_ref())
                .opt("max_samples", *max_samples)
                .opt("max_concurrency", *max_concurrency)
                .opt("query_timeout", query_timeout.as_ref())
                .list(
                    "remote_write",
                    remote_write.iter().map(|(n, u)| format!("{n}={u}")),
                )
                .list("secrets", secrets)
                .field("managed", managed)
                .opt("service_account", service_account.as_ref())
                .field("rbac", rbac)
                .opt("storage", storage.as_ref().map(storage_text))
                .opt(
                    "rule_labels",
                    (!rule_labels.is_empty()).then(|| map(rule_labels)),
                ),
        );
    }
}

fn monitor(m: &MonitorModel) -> Item {
    let MonitorModel {
        name,
        kind,
        namespace: _, // the Prometheus namespace, shown there
        target_namespace,
        team,
        shard,
        selector,
        endpoints,
        sample_limit,
        drop_labels,
        drop_metrics,
        job_label,
        object_labels: _, // `rule_labels`, shown on the Prometheus
        origin: _,
    } = m;
    let endpoints = endpoints.iter().map(endpoint_text);
    Item::new("service", name)
        .field("namespace", target_namespace)
        .field("team", team)
        .field("shard", shard)
        .field("kind", format!("{kind:?}").to_lowercase())
        .field("selector", selector)
        .list("endpoints", endpoints)
        .opt("sample_limit", *sample_limit)
        .list("drop_labels", drop_labels)
        .list("drop_metrics", drop_metrics)
        .opt("job_label", job_label.as_ref())
}

fn endpoint_text(e: &EndpointModel) -> String {
    let EndpointModel {
        port,
        path,
        interval,
        scheme,
        tls,
        honor_labels,
        bearer_token_secret,
        bearer_token_file,
        scrape_timeout,
        params,
        relabelings,
        metric_relabelings,
    } = e;
    let mut text = format!("{port}{path}");
    if let Some(i) = interval {
        text.push_str(&format!(" every {i}"));
    }
    if let Some(t) = scrape_timeout {
        text.push_str(&format!(" timeout {t}"));
    }
    if let Some(s) = scheme {
        text.push_str(&format!(" ({s})"));
    }
    if let Some(tls) = tls {
        let TlsModel {
            ca_file,
            cert_file,
            key_file,
            server_name,
            insecure_skip_verify,
        } = tls;
        let files = [ca_file, cert_file, key_file].into_iter().flatten();
        text.push_str(&format!(
            " tls[{}",
            files.cloned().collect::<Vec<_>>().join(" ")
        ));
        if let Some(name) = server_name {
            text.push_str(&format!(" server {name}"));
        }
        if *insecure_skip_verify == Some(true) {
            text.push_str(" insecure");
        }
        text.push(']');
    }
    if let Some(honor) = honor_labels {
        text.push_str(&format!(" honor_labels={honor}"));
    }
    if let Some((name, key)) = bearer_token_secret {
        text.push_str(&format!(" token {name}/{key}"));
    }
    if let Some(file) = bearer_token_file {
        text.push_str(&format!(" token file {file}"));
    }
    for (key, values) in params {
        text.push_str(&format!(" {key}={}", values.join("|")));
    }
    for (what, steps) in [
        ("relabel", relabelings),
        ("metric_relabel", metric_relabelings),
    ] {
        for step in steps {
            text.push_str(&format!(" {what}[{}]", relabel_text(step)));
        }
    }
    text
}

fn relabel_text(r: &RelabelModel) -> String {
    let RelabelModel {
        source_labels,
        separator,
        regex,
        target_label,
        replacement,
        modulus,
        action,
    } = r;
    let mut parts = vec![action.clone().unwrap_or_else(|| "replace".to_owned())];
    if !source_labels.is_empty() {
        parts.push(format!(
            "from {}",
            source_labels.join(separator.as_deref().unwrap_or(";"))
        ));
    }
    if let Some(regex) = regex {
        parts.push(format!("~{regex}"));
    }
    if let Some(target) = target_label {
        parts.push(format!("to {target}"));
    }
    if let Some(r) = replacement {
        parts.push(format!("= {r}"));
    }
    if let Some(m) = modulus {
        parts.push(format!("mod {m}"));
    }
    parts.join(" ")
}

fn slo(s: &SloModel) -> Item {
    let SloModel {
        service: _, // part of the id
        team: _,
        shard: _,
        namespace: _,
        origin: _,
        object_labels: _,
        name: _, // part of the id
        id,
        file_id: _, // follows from `id`
        objective,
        window,
        error_budget: _, // follows from `objective`
        description,
        labels,
        sli,
        sli_windows: _, // follow from the conditions, shown by `page` and `ticket`
        alert_name,
        page,
        ticket,
        min_events,
    } = s;
    let item = Item::new("slo", id)
        .field("objective", format!("{objective}%"))
        .field("window", window)
        .opt("description", description.as_ref())
        .opt("labels", (!labels.is_empty()).then(|| map(labels)));
    let item = match sli {
        SliModel::Events { errors, total } => item.field("errors", errors).field("total", total),
        SliModel::Raw { error_ratio } => item.field("raw", error_ratio),
    };
    item.field("alert", alert_name)
        .field("page", burn_alert(page))
        .field("ticket", burn_alert(ticket))
        .opt("min_events", *min_events)
}

/// A burn-rate alert: its severity (or `off`), its conditions, and its
/// labels and annotations.
fn burn_alert(alert: &BurnAlertModel) -> String {
    let BurnAlertModel {
        severity,
        conditions,
        labels,
        annotations,
    } = alert;
    let Some(severity) = severity else {
        return "off".to_owned();
    };
    let conditions: Vec<String> = conditions
        .iter()
        .map(|c| {
            format!(
                "{}x over {} and {}",
                crate::promql::number(c.factor),
                c.long,
                c.short
            )
        })
        .collect();
    let annotations: BTreeMap<String, String> = annotations
        .iter()
        .map(|(k, a)| (k.clone(), a.text.clone()))
        .collect();
    format!(
        "{severity} at {}; labels {}; annotations {}",
        conditions.join(", or "),
        map(labels),
        map(&annotations)
    )
}

fn dashboard(d: &DashboardModel, out: &mut Vec<Item>) {
    let DashboardModel {
        uid,
        title,
        description,
        timezone,
        links,
        folder,
        tags,
        time,
        refresh,
        variables,
        rows,
        annotations,
        origin: _,
    } = d;
    let variables = variables.iter().map(|v| {
        let VariableModel {
            name,
            kind,
            label,
            query,
            values,
            multi,
            include_all,
            all_value,
            hide,
            regex,
            sort,
        } = v;
        let mut text = format!("{name} ({kind:?})={query}");
        if !values.is_empty() {
            text.push_str(&format!(" [{}]", values.join(", ")));
        }
        if let Some(label) = label {
            text.push_str(&format!(" label {label}"));
        }
        if *multi {
            text.push_str(" (multi)");
        }
        if *include_all {
            text.push_str(&format!(" (all: {})", all_value.as_deref().unwrap_or("")));
        }
        if let Some(regex) = regex {
            text.push_str(&format!(" regex {regex}"));
        }
        text.push_str(&format!(" hide {hide:?} sort {sort:?}"));
        text
    });
    let annotations = annotations.iter().map(|a| {
        let AnnotationModel {
            name,
            datasource,
            expr,
            title,
            text,
            color,
        } = a;
        format!("{name}: {datasource:?} {expr} [{title}] {text} {color}")
    });
    let links = links.iter().map(link);
    out.push(
        Item::new("dashboard", uid)
            .field("title", title)
            .opt("description", description.as_ref())
            .field("timezone", timezone)
            .list("links", links)
            .opt("folder", folder.as_ref())
            .list("tags", tags)
            .field("time", time)
            .opt("refresh", refresh.as_ref())
            .list("variables", variables)
            .list(
                "rows",
                rows.iter().map(|r| {
                    if r.collapsed {
                        format!("{} (collapsed)", r.title)
                    } else {
                        r.title.clone()
                    }
                }),
            )
            .list("annotations", annotations),
    );
    for row in rows {
        let RowModel {
            title: row_title,
            collapsed: _, // shown with the dashboard's rows
            panels,
        } = row;
        for p in panels {
            out.push(panel(uid, row_title, p));
        }
    }
}

fn link(l: &Link) -> String {
    let Link { title, url } = l;
    format!("{title}: {url}")
}

fn panel(uid: &str, row: &str, p: &PanelModel) -> Item {
    let PanelModel {
        kind,
        title,
        description,
        datasource: _, // follows from the kind and the queries
        queries,
        content,
        unit,
        decimals,
        min,
        max,
        no_value,
        thresholds,
        hidden_columns,
        stack,
        fill_opacity,
        draw,
        span_nulls,
        interval,
        legend,
        links,
        overrides,
        transformations,
        repeat,
        repeat_direction,
        width,
        height,
    } = p;
    let queries = queries.iter().map(|q| {
        let QueryModel {
            expr,
            legend,
            instant,
            format,
        } = q;
        let mut text = expr.clone();
        if let Some(legend) = legend {
            text.push_str(&format!(" as {legend}"));
        }
        if let Some(instant) = instant {
            text.push_str(if *instant { " (instant)" } else { " (range)" });
        }
        if let Some(format) = format {
            text.push_str(&format!(" ({format:?})"));
        }
        text
    });
    let legend = legend.as_ref().map(|l| {
        let Legend {
            mode,
            placement,
            calcs,
        } = l;
        let calcs: Vec<&str> = calcs.iter().map(|c| c.id()).collect();
        format!("{mode:?} {placement:?} [{}]", calcs.join(", "))
    });
    let thresholds = thresholds.iter().map(|t| {
        let ThresholdModel { value, color } = t;
        format!("{value}:{color}")
    });
    Item::new("panel", format!("{uid}/{row}/{title}"))
        .field("type", kind.plugin())
        .opt("description", description.as_ref())
        .list("queries", queries)
        .opt("content", content.as_ref())
        .opt("unit", unit.as_ref())
        .opt("decimals", *decimals)
        .opt("min", *min)
        .opt("max", *max)
        .opt("no_value", no_value.as_ref())
        .list("thresholds", thresholds)
        .list("hidden_columns", hidden_columns)
        .opt("stack", stack.map(|s| format!("{s:?}")))
        .opt("fill_opacity", *fill_opacity)
        .opt("draw", draw.map(|d| format!("{d:?}")))
        .opt("span_nulls", *span_nulls)
        .opt("interval", interval.as_ref())
        .opt("legend", legend)
        .list("links", links.iter().map(link))
        .list("overrides", overrides.iter().map(|o| format!("{o:?}")))
        .list(
            "transformations",
            transformations.iter().map(|t| format!("{t:?}")),
        )
        .opt(
            "repeat",
            repeat
                .as_ref()
                .map(|r| format!("{r} ({repeat_direction:?})")),
        )
        .opt("width", *width)
        .field("height", height)
}

fn alloy_items(alloy: &AlloyModel, out: &mut Vec<Item>) {
    let AlloyModel {
        cluster: _,
        namespace,
        origin: _,
        logs,
        metrics,
    } = alloy;
    if let Some(LogsModel {
        loki_url,
        pipelines,
    }) = logs
    {
        for p in pipelines {
            let LogPipelineModel {
                name,
                namespaces,
                format,
                labels,
                drop_levels,
            } = p;
            out.push(
                Item::new("log pipeline", name)
                    .field("alloy namespace", namespace)
                    .list("namespaces", namespaces)
                    .field("format", format!("{format:?}"))
                    .list("labels", labels)
                    .list("drop_levels", drop_levels)
                    .field("loki_url", loki_url),
            );
        }
    }
    if let Some(MetricsModel {
        url,
        monitor_namespace,
        monitor_labels,
    }) = metrics
    {
        out.push(
            Item::new("alloy scrape", namespace)
                .field("remote_write", url)
                .field("monitor_namespace", monitor_namespace)
                .field("monitor_labels", map(monitor_labels)),
        );
    }
}
