//! Synthetic fleet specs in the language of `specs/fleet.yaml`, split across
//! files the way teams split them: one shared `fleet.yaml` (clusters,
//! Prometheus, routing root, monitor) and one file per team (services,
//! alerts, SLOs, dashboards, receivers). Deterministic for a given size.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::Path;

#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub name: &'static str,
    pub clusters: usize,
    pub services: usize,
    pub alerts: usize,
    pub slos: usize,
    pub dashboards: usize,
}

pub const S: Size = Size {
    name: "S",
    clusters: 5,
    services: 20,
    alerts: 50,
    slos: 10,
    dashboards: 5,
};
pub const M: Size = Size {
    name: "M",
    clusters: 50,
    services: 200,
    alerts: 500,
    slos: 100,
    dashboards: 20,
};
pub const L: Size = Size {
    name: "L",
    clusters: 200,
    services: 1000,
    alerts: 2000,
    slos: 500,
    dashboards: 100,
};

const TEAMS: usize = 20;
const ENVIRONMENTS: [&str; 3] = ["production", "staging", "development"];
const REGIONS: [&str; 4] = ["westeurope", "eastus", "westus", "northeurope"];

/// Writes the spec files of `size` into `dir` (which must exist).
pub fn write(dir: &Path, size: Size) -> std::io::Result<()> {
    std::fs::write(dir.join("fleet.yaml"), shared(size))?;
    let teams = TEAMS.min(size.services);
    for team in 0..teams {
        std::fs::write(
            dir.join(format!("team-{team:02}.yaml")),
            team_file(size, team, teams),
        )?;
    }
    Ok(())
}

fn shared(size: Size) -> String {
    let mut s = String::from("version: 1\nclusters:\n");
    for c in 0..size.clusters {
        let env = ENVIRONMENTS[c % ENVIRONMENTS.len()];
        let region = REGIONS[c % REGIONS.len()];
        let _ = writeln!(
            s,
            "  - name: {}-{c:03}\n    environment: {env}\n    region: {region}\n    labels: {{tier: {}}}",
            &env[..4],
            if c % 2 == 0 { "gold" } else { "silver" }
        );
        if c % 10 == 9 {
            s.push_str("    prometheus: {retention: 7d, replicas: 1, storage: {size: 20Gi}}\n");
        }
    }
    s.push_str(
        "prometheus:
  namespace: monitoring
  retention: 30d
  storage: {size: 100Gi}
  replicas: 2
  scrape_interval: 30s
  evaluation_interval: 30s
  resources: {cpu: '1', memory: 8Gi}
  query: {max_samples: 50000000, max_concurrency: 8, timeout: 2m}
  remote_write:
    - name: thanos
      url: http://thanos-receive.monitoring.svc:19291/api/v1/receive
  shards:
    - name: infra
    - name: apps
alertmanager:
  replicas: 3
alloy:
  scrape: servicemonitors
  metrics_url: http://prometheus-operated.monitoring.svc:9090/api/v1/write
  loki_url: http://loki.monitoring.svc:3100/loki/api/v1/push
  logs:
    - name: platform
      namespaces: [kube-system]
      format: json
      labels: [level]
      drop_levels: [debug]
routing:
  receivers:
    - name: default
      slack:
        channel: '#alerts'
        webhook_url_file: /etc/alertmanager/secrets/slack/default
  route:
    receiver: default
    group_by: [alertname, cluster]
    group_wait: 30s
    group_interval: 5m
    repeat_interval: 4h
    routes:
",
    );
    for team in 0..TEAMS.min(size.services) {
        let _ = writeln!(
            s,
            "      - matchers: ['team=\"team-{team:02}\"']\n        receiver: team-{team:02}-slack\n        routes:\n          - matchers: ['severity=\"critical\"']\n            receiver: team-{team:02}-pager\n            clusters: environment=production"
        );
    }
    s.push_str(
        "monitor:
  buckets: 256
  monitors: [monitor-0, monitor-1, monitor-2]
  check_interval: 5m
  check_timeout: 30s
  expected_clusters: 50000
  memory: {per_cluster: 2KB, per_worker: 2KB, budget: 256MB}
",
    );
    s
}

/// Items `i` in `0..total` that belong to `team` (round robin).
fn owned(total: usize, team: usize, teams: usize) -> impl Iterator<Item = usize> {
    (0..total).filter(move |i| i % teams == team)
}

fn team_file(size: Size, team: usize, teams: usize) -> String {
    let t = format!("team-{team:02}");
    let mut s = String::from("version: 1\nservices:\n");
    for i in owned(size.services, team, teams) {
        let shard = if i % 5 == 0 { "infra" } else { "apps" };
        let kind = if i % 7 == 0 { "\n    kind: pod" } else { "" };
        let clusters = if i % 4 == 3 {
            "\n    clusters: environment=production"
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "  - name: svc-{i:04}\n    namespace: ns-{ns:03}\n    team: {t}\n    shard: {shard}{kind}\n    selector: app.kubernetes.io/name=svc-{i:04}\n    endpoints:\n      - port: metrics\n        interval: 30s\n    sample_limit: 50000\n    drop_labels: [request_id]{clusters}",
            ns = i % 97
        );
    }
    s.push_str("alerts:\n");
    for i in owned(size.alerts, team, teams) {
        let svc = pick_service(size, team, teams, i);
        let (sev, for_) = match i % 3 {
            0 => ("critical", "5m"),
            1 => ("warning", "15m"),
            _ => ("info", "1h"),
        };
        let _ = writeln!(
            s,
            "  - name: Svc{svc:04}Alert{i:04}\n    service: svc-{svc:04}\n    expr: sum by (cluster) (rate(http_requests_total{{service=\"svc-{svc:04}\", code=~\"5..\"}}[5m])) / sum by (cluster) (rate(http_requests_total{{service=\"svc-{svc:04}\"}}[5m])) > 0.0{}\n    for: {for_}\n    severity: {sev}\n    summary: Error ratio of svc-{svc:04} is {{{{ $value | humanizePercentage }}}} in {{{{ $externalLabels.cluster }}}}\n    runbook: https://runbooks.example.com/svc-{svc:04}#errors",
            1 + i % 9
        );
    }
    let slos: Vec<usize> = owned(size.slos, team, teams).collect();
    if !slos.is_empty() {
        s.push_str("slos:\n");
    }
    for i in slos {
        let svc = pick_service(size, team, teams, i);
        if i % 2 == 0 {
            let _ = writeln!(
                s,
                "  - name: availability-{i:04}\n    service: svc-{svc:04}\n    objective: 99.9\n    sli:\n      errors: sum(rate(http_requests_total{{service=\"svc-{svc:04}\", code=~\"5..\"}}[{{{{window}}}}]))\n      total: sum(rate(http_requests_total{{service=\"svc-{svc:04}\"}}[{{{{window}}}}]))"
            );
        } else {
            let _ = writeln!(
                s,
                "  - name: latency-{i:04}\n    service: svc-{svc:04}\n    objective: 99\n    window: 28d\n    sli:\n      latency:\n        metric: http_request_duration_seconds\n        threshold: 500ms\n        selector: service=\"svc-{svc:04}\""
            );
        }
    }
    let boards: Vec<usize> = owned(size.dashboards, team, teams).collect();
    if !boards.is_empty() {
        s.push_str("dashboards:\n");
    }
    for i in boards {
        let svc = pick_service(size, team, teams, i);
        let _ = writeln!(
            s,
            "  - uid: board-{i:04}
    title: Service svc-{svc:04}
    folder: {t}
    tags: [{t}]
    time: 6h
    refresh: 1m
    variables:
      - name: cluster
        query: label_values(up, cluster)
        multi: true
    rows:
      - title: Traffic
        panels:
          - type: stat
            title: Request rate
            expr: sum(rate(http_requests_total{{service=\"svc-{svc:04}\", cluster=~\"$cluster\"}}[5m]))
            unit: reqps
          - type: timeseries
            title: Errors by code
            queries:
              - expr: sum by (code) (rate(http_requests_total{{service=\"svc-{svc:04}\", cluster=~\"$cluster\"}}[$__rate_interval]))
                legend: '{{{{code}}}}'
      - title: Logs
        panels:
          - type: logs
            title: Errors
            logql: '{{namespace=\"ns-{ns:03}\"}} |= \"error\"'",
            ns = svc % 97
        );
    }
    let _ = write!(
        s,
        "routing:
  receivers:
    - name: {t}-slack
      slack:
        channel: '#{t}'
        webhook_url_file: /etc/alertmanager/secrets/slack/{t}
    - name: {t}-pager
      pagerduty:
        routing_key_file: /etc/alertmanager/secrets/pagerduty/{t}
      clusters: environment=production
  tests:
    - alert: {{alertname: Probe, team: {t}, severity: warning}}
      expect: [{t}-slack]
"
    );
    s
}

/// A service owned by `team` for item `i` (services are round robin too).
fn pick_service(size: Size, team: usize, teams: usize, i: usize) -> usize {
    let owned: Vec<usize> = owned(size.services, team, teams).collect();
    owned[i / teams % owned.len()]
}
