//! What a reviewer cares about in a cluster's model, as named items with
//! plain-text fields: the unit of the semantic summary.

use std::collections::BTreeMap;

use crate::model::ClusterModel;

/// One reviewable thing in one cluster (an alert, an SLO, a receiver, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub kind: &'static str,
    pub name: String,
    pub fields: BTreeMap<String, String>,
}

impl Item {
    pub(super) fn new(kind: &'static str, name: impl Into<String>) -> Self {
        Item {
            kind,
            name: name.into(),
            fields: BTreeMap::new(),
        }
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

/// Every reviewable item of a cluster, in a stable order.
pub fn items(cluster: &ClusterModel) -> Vec<Item> {
    let mut out = Vec::new();
    let p = &cluster.prometheus;
    for shard in &p.shards {
        out.push(
            Item::new("prometheus", &shard.name)
                .field("replicas", p.replicas)
                .opt("retention", p.retention.as_ref())
                .field("scrape_interval", &p.scrape_interval)
                .field("evaluation_interval", &p.evaluation_interval)
                .opt("cpu", p.cpu.as_ref())
                .opt("memory", p.memory.as_ref())
                .opt("max_samples", p.max_samples)
                .opt("max_concurrency", p.max_concurrency)
                .opt("query_timeout", p.query_timeout.as_ref())
                .list(
                    "remote_write",
                    p.remote_write.iter().map(|(n, u)| format!("{n}={u}")),
                )
                .list("secrets", &shard.secrets),
        );
    }
    for m in &cluster.monitors {
        let endpoints = m.endpoints.iter().map(|e| {
            let mut text = format!("{}{}", e.port, e.path);
            if let Some(i) = &e.interval {
                text.push_str(&format!(" every {i}"));
            }
            if let Some(s) = &e.scheme {
                text.push_str(&format!(" ({s})"));
            }
            text
        });
        out.push(
            Item::new("service", &m.name)
                .field("namespace", &m.target_namespace)
                .field("team", &m.team)
                .field("shard", &m.shard)
                .field("kind", format!("{:?}", m.kind).to_lowercase())
                .field("selector", &m.selector)
                .list("endpoints", endpoints)
                .opt("sample_limit", m.sample_limit)
                .list("drop_labels", &m.drop_labels)
                .list("drop_metrics", &m.drop_metrics),
        );
    }
    for file in &cluster.rule_files {
        for a in &file.alerts {
            out.push(
                Item::new("alert", &a.name)
                    .field("service", &file.service)
                    .field("expr", &a.expr)
                    .opt("for", a.for_.as_ref())
                    .field("labels", map(&a.labels))
                    .field("annotations", map(&a.annotations)),
            );
        }
    }
    for s in &cluster.slos {
        out.push(
            Item::new("slo", s.id())
                .field("objective", format!("{}%", s.objective))
                .field("window", &s.window)
                .field("errors", &s.errors)
                .field("total", &s.total)
                .field("alert", &s.alert_name)
                .field("page", s.page.as_deref().unwrap_or("off"))
                .field("ticket", s.ticket.as_deref().unwrap_or("off"))
                .opt("min_events", s.min_events),
        );
    }
    for d in &cluster.dashboards {
        let panels = d.rows.iter().flat_map(|r| {
            r.panels
                .iter()
                .map(move |p| format!("{}/{} ({})", r.title, p.title, p.kind.plugin()))
        });
        let queries = d
            .rows
            .iter()
            .flat_map(|r| &r.panels)
            .flat_map(|p| &p.queries)
            .map(|q| q.expr.clone());
        out.push(
            Item::new("dashboard", &d.uid)
                .field("title", &d.title)
                .opt("folder", d.folder.as_ref())
                .list("tags", &d.tags)
                .field("time", &d.time)
                .opt("refresh", d.refresh.as_ref())
                .list(
                    "variables",
                    d.variables
                        .iter()
                        .map(|v| format!("{}={}", v.name, v.query)),
                )
                .list("panels", panels)
                .list("queries", queries),
        );
    }
    if let Some(logs) = cluster.alloy.as_ref().and_then(|a| a.logs.as_ref()) {
        for p in &logs.pipelines {
            out.push(
                Item::new("log pipeline", &p.name)
                    .list("namespaces", &p.namespaces)
                    .field("format", format!("{:?}", p.format))
                    .list("labels", &p.labels)
                    .list("drop_levels", &p.drop_levels)
                    .field("loki_url", &logs.loki_url),
            );
        }
    }
    out.extend(super::routing::items(cluster));
    out
}
