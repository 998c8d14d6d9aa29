//! SLO rules in Sloth's format (so Sloth dashboards work unchanged): SLI
//! recording rules per window, metadata rules, and multiwindow
//! multi-burn-rate page and ticket alerts. Next to each, a promtool unit
//! test that proves the alerts fire when they should and only then.

use serde_json::{Value, json};

use super::rules::rule_object;
use super::{Emitted, yaml};
use crate::model::ClusterModel;
use crate::model::rules::{BurnAlertModel, BurnConditionModel, SliModel, SloModel, WINDOW};
use crate::promql::{escape, number as num, round};

/// What this emitter reads of a cluster (the key its files are shared by).
pub fn input(cluster: &ClusterModel) -> &[SloModel] {
    &cluster.slos
}

/// The files of one SLO: its rules and, when it alerts, their unit test.
pub fn emit_one(slo: &SloModel) -> Vec<Emitted> {
    let mut files = Vec::new();
    let id = &slo.file_id;
    let mut rules = rule_object(
        &format!("{id}-slo"),
        &slo.namespace,
        &slo.team,
        &slo.shard,
        &slo.object_labels,
        groups(slo, false),
    );
    files.push(yaml::resource(
        format!("slos/{id}.yaml"),
        Some(&slo.origin),
        &rules,
        true,
    ));
    if slo.page.severity.is_some() || slo.ticket.severity.is_some() {
        // The same groups, as the test loads them: taken back, not built again.
        let mut groups = rules["spec"]["groups"].take();
        for_test(slo, &mut groups);
        files.push(yaml::resource(
            format!("slo-tests/{id}.rules.yaml"),
            Some(&slo.origin),
            &object! { "groups" => groups },
            false,
        ));
        files.push(yaml::resource(
            format!("slo-tests/{id}.test.yaml"),
            Some(&slo.origin),
            &unit_test(slo),
            false,
        ));
    }
    files
}

/// The three Sloth rule groups of an SLO. `for_test`: as the SLO's unit
/// test loads them, without the annotations whose rendering it cannot
/// know (templates reading the alert's labels or value).
pub fn groups(slo: &SloModel, for_test: bool) -> Vec<Value> {
    let mut groups = vec![sli_group(slo), meta_group(slo)];
    let alerts = alert_rules(slo, for_test);
    if !alerts.is_empty() {
        groups
            .push(object! { "name" => format!("sloth-slo-alerts-{}", slo.id), "rules" => alerts });
    }
    groups
}

/// [`groups`]`(slo, false)` made what `groups(slo, true)` builds: each
/// alert keeps only the annotations whose rendering the test knows.
fn for_test(slo: &SloModel, groups: &mut Value) {
    let alerts = [&slo.page, &slo.ticket]
        .into_iter()
        .filter(|alert| alert.severity.is_some());
    let rules = groups
        .as_array_mut()
        .and_then(|groups| groups.get_mut(2))
        .and_then(|group| group.get_mut("rules"))
        .and_then(Value::as_array_mut);
    for (rule, alert) in rules.into_iter().flatten().zip(alerts) {
        if let Some(Value::Object(annotations)) = rule.get_mut("annotations") {
            annotations.retain(|key, _| {
                alert
                    .annotations
                    .get(key)
                    .is_some_and(|a| a.renders_as.is_some())
            });
        }
    }
}

/// The labels of every recording rule: the SLO's and Sloth's.
fn sloth_labels(slo: &SloModel) -> serde_json::Map<String, Value> {
    let mut labels: serde_json::Map<String, Value> = slo
        .labels
        .iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    labels.insert("sloth_id".into(), json!(slo.id));
    labels.insert("sloth_service".into(), json!(slo.service));
    labels.insert("sloth_slo".into(), json!(slo.name));
    labels
}

fn record(name: &str, expr: String, labels: serde_json::Map<String, Value>) -> Value {
    object! { "record" => name, "expr" => expr, "labels" => labels }
}

fn sli_group(slo: &SloModel) -> Value {
    let mut rules: Vec<Value> = slo
        .sli_windows
        .iter()
        .map(|w| {
            let w = w.to_string();
            let w = w.as_str();
            let expr = match &slo.sli {
                SliModel::Events { errors, total } => format!(
                    "({})\n/\n({})",
                    errors.replace(WINDOW, w),
                    total.replace(WINDOW, w)
                ),
                SliModel::Raw { error_ratio } => format!("({})", error_ratio.replace(WINDOW, w)),
            };
            let mut labels = sloth_labels(slo);
            labels.insert("sloth_window".into(), json!(w));
            record(&format!("slo:sli_error:ratio_rate{w}"), expr, labels)
        })
        .collect();
    // The period SLI averages the 5m ratios, like Sloth: cheap over 30 days.
    let sel = slo.selector();
    let mut labels = sloth_labels(slo);
    labels.insert("sloth_window".into(), json!(slo.window));
    rules.push(record(
        &format!("slo:sli_error:ratio_rate{}", slo.window),
        format!(
            "sum_over_time(slo:sli_error:ratio_rate5m{sel}[{w}])\n/ ignoring (sloth_window)\ncount_over_time(slo:sli_error:ratio_rate5m{sel}[{w}])",
            w = slo.window
        ),
        labels,
    ));
    object! { "name" => format!("sloth-slo-sli-recordings-{}", slo.id), "rules" => rules }
}

fn meta_group(slo: &SloModel) -> Value {
    let sel = slo.selector();
    let period_days = round(slo.window.value().as_secs_f64() / 3600.0 / 24.0);
    let burn = |sli: &str| {
        format!(
            "slo:sli_error:{sli}{sel}\n/ on(sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio{sel}"
        )
    };
    let mut info = sloth_labels(slo);
    info.insert("sloth_mode".into(), json!("cli-gen-prom"));
    info.insert("sloth_objective".into(), json!(num(slo.objective)));
    info.insert("sloth_spec".into(), json!("prometheus/v1"));
    info.insert("sloth_version".into(), json!("monocle"));
    let rules = vec![
        record(
            "slo:objective:ratio",
            format!("vector({})", num(slo.objective / 100.0)),
            sloth_labels(slo),
        ),
        record(
            "slo:error_budget:ratio",
            format!("vector(1-{})", num(slo.objective / 100.0)),
            sloth_labels(slo),
        ),
        record(
            "slo:time_period:days",
            format!("vector({})", num(period_days)),
            sloth_labels(slo),
        ),
        record(
            "slo:current_burn_rate:ratio",
            burn("ratio_rate5m"),
            sloth_labels(slo),
        ),
        record(
            "slo:period_burn_rate:ratio",
            burn(&format!("ratio_rate{}", slo.window)),
            sloth_labels(slo),
        ),
        record(
            "slo:period_error_budget_remaining:ratio",
            format!("1 - slo:period_burn_rate:ratio{sel}"),
            sloth_labels(slo),
        ),
        record("sloth_slo_info", "vector(1)".into(), info),
    ];
    object! { "name" => format!("sloth-slo-meta-recordings-{}", slo.id), "rules" => rules }
}

fn alert_rules(slo: &SloModel, for_test: bool) -> Vec<Value> {
    let mut rules = Vec::new();
    for alert in [&slo.page, &slo.ticket] {
        if alert.severity.is_none() {
            continue;
        }
        let blocks: Vec<String> = alert.conditions.iter().map(|c| condition(slo, c)).collect();
        let annotations: serde_json::Map<String, Value> = alert
            .annotations
            .iter()
            .filter(|(_, a)| !for_test || a.renders_as.is_some())
            .map(|(k, a)| (k.clone(), json!(a.text)))
            .collect();
        rules.push(object! {
            "alert" => slo.alert_name.as_str(),
            "expr" => blocks.join("\nor\n"),
            "labels" => json!(alert.labels),
            "annotations" => annotations,
        });
    }
    rules
}

fn condition(slo: &SloModel, c: &BurnConditionModel) -> String {
    let sel = slo.selector();
    let threshold = format!("({} * {})", num(c.factor), num(slo.error_budget));
    let mut block = format!(
        "(\n    max(slo:sli_error:ratio_rate{short}{sel} > {threshold}) without (sloth_window)\n    and\n    max(slo:sli_error:ratio_rate{long}{sel} > {threshold}) without (sloth_window)",
        short = c.short,
        long = c.long
    );
    if let (Some(min), Some(total)) = (slo.min_events, slo.sli.total()) {
        // Too few events make the ratio noise: require enough traffic.
        block.push_str(&format!(
            "\n    and on()\n    (({}) * {}) >= {min}",
            total.replace(WINDOW, &c.long.to_string()),
            num(c.long.as_secs_f64())
        ));
    }
    block.push_str("\n)");
    block
}

/// A promtool unit test driving the recorded SLI ratios directly: the SLI
/// recording rules see no raw metrics and record nothing, so the input
/// series stand in for them while every other rule runs as deployed.
fn unit_test(slo: &SloModel) -> Value {
    let b = slo.error_budget;
    // The ratios sit between the thresholds of this SLO's own factors
    // (they scale with its window), with margins wider than rounding.
    let factors = |alert: &BurnAlertModel| -> Vec<f64> {
        alert.conditions.iter().map(|c| c.factor).collect()
    };
    let (page, ticket) = (factors(&slo.page), factors(&slo.ticket));
    let lowest = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    let highest = page.iter().chain(&ticket).copied().fold(0.0, f64::max);
    let (min_page, min_ticket) = (lowest(&page), lowest(&ticket));
    let series = series_names(slo);
    let mut tests = Vec::new();
    let page_possible = slo.page.severity.is_some() && min_page * b < 1.0;
    if page_possible {
        tests.push(scenario(
            slo,
            &series,
            "error ratio over the page thresholds pages (and tickets)",
            (1.05 * highest * b).min(1.0),
            true,
            true,
        ));
    }
    if slo.ticket.severity.is_some() && min_ticket * b < 1.0 {
        tests.push(scenario(
            slo,
            &series,
            "error ratio between ticket and page thresholds only tickets",
            (f64::midpoint(min_ticket, min_page) * b).min(1.0),
            false,
            true,
        ));
    }
    tests.push(scenario(
        slo,
        &series,
        "healthy error ratio fires nothing",
        0.5 * min_ticket.min(min_page) * b,
        false,
        false,
    ));
    object! {
        "rule_files" => vec![format!("{}.rules.yaml", slo.file_id)],
        "evaluation_interval" => "1m",
        "tests" => tests,
    }
}

/// The input series of an SLO's tests, one per SLI window: the same in
/// each scenario, which differ only in their values.
fn series_names(slo: &SloModel) -> Vec<String> {
    let mut labels: String = slo
        .labels
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\", ", escape(v)))
        .collect();
    labels.push_str(&format!(
        "sloth_id=\"{}\", sloth_service=\"{}\", sloth_slo=\"{}\", sloth_window=\"",
        escape(&slo.id),
        escape(&slo.service),
        escape(&slo.name)
    ));
    slo.sli_windows
        .iter()
        .map(|w| format!("slo:sli_error:ratio_rate{w}{{{labels}{w}\"}}"))
        .collect()
}

fn scenario(
    slo: &SloModel,
    series_names: &[String],
    name: &str,
    ratio: f64,
    page: bool,
    ticket: bool,
) -> Value {
    let values = format!("{}+0x30", num(ratio));
    let series: Vec<Value> = series_names
        .iter()
        .map(|series| json!({ "series": series, "values": values }))
        .collect();
    let mut expected = Vec::new();
    for (alert, fires) in [(&slo.page, page), (&slo.ticket, ticket)] {
        if alert.severity.is_some() && fires {
            let mut labels: std::collections::BTreeMap<String, Value> = alert
                .labels
                .iter()
                .map(|(k, v)| (k.clone(), json!(v)))
                .collect();
            labels.extend(sloth_labels(slo));
            let annotations: std::collections::BTreeMap<&String, &String> = alert
                .annotations
                .iter()
                .filter_map(|(k, a)| Some((k, a.renders_as.as_ref()?)))
                .collect();
            expected.push(json!({ "exp_labels": labels, "exp_annotations": annotations }));
        }
    }
    let alert_rule_test = object! {
        "eval_time" => "10m",
        "alertname" => slo.alert_name.as_str(),
        "exp_alerts" => expected,
    };
    object! {
        "name" => name,
        "interval" => "1m",
        "input_series" => series,
        "alert_rule_test" => vec![alert_rule_test],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_test_groups_are_the_deployed_ones_without_unknown_annotations() {
        let model = crate::reference_model();
        let mut compared = 0;
        for slo in model.clusters.iter().flat_map(|c| c.slos.iter()) {
            let mut deployed = Value::Array(groups(slo, false));
            for_test(slo, &mut deployed);
            assert_eq!(deployed, Value::Array(groups(slo, true)), "{}", slo.id);
            compared += 1;
        }
        assert!(compared > 0, "the reference spec has SLOs");
        // One whose test cannot know an annotation's rendering.
        let mut slo = model.clusters[0].slos[0].clone();
        let annotation = slo.page.annotations.values_mut().next().expect("annotated");
        annotation.renders_as = None;
        let mut deployed = Value::Array(groups(&slo, false));
        for_test(&slo, &mut deployed);
        let expected = Value::Array(groups(&slo, true));
        assert_ne!(expected, Value::Array(groups(&slo, false)));
        assert_eq!(deployed, expected);
    }
}
