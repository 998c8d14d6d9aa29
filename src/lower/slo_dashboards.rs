//! The generated SLO dashboards: one per service with SLOs in a cluster,
//! built on the Sloth-compatible recording rules of `emit/slo.rs`, and
//! rendered by `emit/grafana.rs` like any other dashboard.

use std::collections::BTreeMap;

use super::dashboards::DEFAULT_TIMEZONE;
use crate::model::dashboards::{
    AnnotationModel, DashboardModel, Datasource, PanelKind, PanelModel, QueryModel, RowModel,
    SLO_FOLDER, ThresholdModel, slo_dashboard_uid,
};
use crate::model::rules::{BurnAlertModel, SloModel};
use crate::promql::{escape, number as num, round};
use crate::units::Duration;

use super::slo::DEFAULT_WINDOW;

/// SLI windows whose burn rates the burn-rate panel draws: the shortest
/// (now) and the long window of each burn-rate condition.
fn burn_windows(slo: &SloModel) -> Vec<Duration> {
    let mut windows: Vec<Duration> = slo
        .page
        .conditions
        .iter()
        .chain(&slo.ticket.conditions)
        .map(|c| c.long)
        .chain(slo.sli_windows.first().copied())
        .filter(|w| w != slo.window.value())
        .collect();
    windows.sort_by_key(|w| w.millis);
    windows.dedup();
    windows
}

/// `s` as a Markdown code span that no backtick in it can close (so no
/// Markdown or HTML in it is rendered).
fn code_span(s: &str) -> String {
    let s = s.replace('\n', " ");
    let run = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(run + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// Markdown table cell escaping.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// One dashboard per service with SLOs in this cluster. `known`: SLOs
/// lowered for other selections with their dashboards (from this
/// function), whose dashboard a service with equal SLOs takes as it is: a
/// fleet's selections mostly share their services' SLOs, and building a
/// dashboard is a few hundred strings per SLO.
pub fn lower<'k>(
    slos: &[SloModel],
    known: impl Iterator<Item = (&'k [SloModel], &'k [DashboardModel])>,
) -> Vec<DashboardModel> {
    let known: Vec<(Vec<ServiceSlos>, &[DashboardModel])> = known
        .map(|(slos, dashboards)| (by_service(slos), dashboards))
        .collect();
    by_service(slos)
        .into_iter()
        .map(|(service, slos)| {
            known
                .iter()
                .find_map(|(groups, dashboards)| {
                    let index = groups.binary_search_by(|(s, _)| s.cmp(&service)).ok()?;
                    (groups[index].1 == slos).then(|| dashboards.get(index).cloned())?
                })
                .unwrap_or_else(|| slo_dashboard(service, &slos))
        })
        .collect()
}

/// A service's name and its SLOs.
type ServiceSlos<'s> = (&'s str, Vec<&'s SloModel>);

/// SLOs by service, sorted by name: the order of [`lower`]'s dashboards.
fn by_service(slos: &[SloModel]) -> Vec<ServiceSlos<'_>> {
    let mut by_service: BTreeMap<&str, Vec<&SloModel>> = BTreeMap::new();
    for slo in slos {
        by_service.entry(&slo.service).or_default().push(slo);
    }
    by_service.into_iter().collect()
}

fn slo_dashboard(service: &str, slos: &[&SloModel]) -> DashboardModel {
    let mut origins: Vec<&str> = slos.iter().map(|s| s.origin.as_str()).collect();
    origins.sort_unstable();
    origins.dedup();
    let origin = origins.join(", ");
    let longest = slos
        .iter()
        .max_by_key(|s| *s.window.value())
        .map_or_else(|| DEFAULT_WINDOW.into(), |s| s.window.clone());
    let mut rows = vec![RowModel {
        title: "Overview".to_owned(),
        collapsed: false,
        panels: vec![overview(service, slos, &origin)],
    }];
    rows.extend(slos.iter().map(|slo| slo_row(slo)));
    DashboardModel {
        uid: slo_dashboard_uid(service),
        title: format!("SLOs / {service}"),
        description: None,
        timezone: DEFAULT_TIMEZONE.to_owned(),
        links: Vec::new(),
        folder: Some(SLO_FOLDER.to_owned()),
        tags: vec!["slo".to_owned(), service.to_owned()],
        time: longest,
        refresh: Some(Duration::minutes(5).into()),
        variables: Vec::new(),
        rows,
        annotations: vec![AnnotationModel {
            name: "Burn-rate alerts".to_owned(),
            datasource: Datasource::Prometheus,
            expr: format!(
                "ALERTS{{alertstate=\"firing\", sloth_service=\"{}\"}}",
                escape(service)
            ),
            title: "{{alertname}} ({{sloth_severity}})".to_owned(),
            text: "SLO {{sloth_slo}} is burning its error budget too fast".to_owned(),
            color: "red".to_owned(),
        }],
        origin,
    }
}

/// When an alert fires: `critical at 14.4× over 1h and 5m, or ...`.
fn conditions(alert: &BurnAlertModel) -> String {
    let Some(severity) = &alert.severity else {
        return "off".to_owned();
    };
    let parts: Vec<String> = alert
        .conditions
        .iter()
        .map(|c| format!("{}× over {} and {}", num(c.factor), c.long, c.short))
        .collect();
    format!("{severity} at {}", parts.join(", or "))
}

/// A text panel: what the SLOs are and when their alerts fire.
fn overview(service: &str, slos: &[&SloModel], origin: &str) -> PanelModel {
    let team = slos.first().map_or("", |s| s.team.as_str());
    let mut content = format!(
        "SLOs of service **{service}** (team {}), generated by monocle from {}: change the spec, not this dashboard.\n\n\
         | SLO | objective | window | alert | page | ticket | description |\n\
         |---|---|---|---|---|---|---|\n",
        code_span(team),
        code_span(origin)
    );
    for slo in slos {
        content.push_str(&format!(
            "| {} | {}% | {} | `{}` | {} | {} | {} |\n",
            cell(&slo.name),
            num(slo.objective),
            slo.window,
            cell(&slo.alert_name),
            conditions(&slo.page),
            conditions(&slo.ticket),
            cell(slo.description.as_deref().unwrap_or("")),
        ));
    }
    content.push_str(
        "\nA burn rate of 1 spends exactly the error budget over the SLO window; an alert fires when both of its windows burn faster than its factor.\n",
    );
    PanelModel {
        kind: PanelKind::Text,
        title: format!("{service} SLOs"),
        content: Some(content),
        height: 4 + slos.len() as u32,
        ..PanelModel::default()
    }
}

fn prometheus(expr: String, legend: Option<&str>) -> QueryModel {
    QueryModel {
        expr,
        legend: legend.map(str::to_owned),
        instant: None,
        format: None,
    }
}

fn steps(steps: &[(f64, &str)]) -> Vec<ThresholdModel> {
    steps
        .iter()
        .map(|(value, color)| ThresholdModel {
            value: *value,
            color: (*color).to_owned(),
        })
        .collect()
}

/// The row of one SLO: its numbers now, its burn rates and budget over
/// time, and its firing burn-rate alerts.
fn slo_row(slo: &SloModel) -> RowModel {
    let sel = slo.selector();
    let window = &slo.window;
    let objective = round(slo.objective / 100.0);
    // Burning this fast pages within hours (the 6h page condition).
    let page_rate = slo.page.conditions[1].factor;
    let burn_steps = steps(&[(0.0, "green"), (1.0, "orange"), (page_rate, "red")]);
    let budget_steps = steps(&[(0.0, "red"), (0.0, "orange"), (0.25, "green")]);
    let stat =
        |title: String, description: String, expr: String, unit: &str, width: u32| PanelModel {
            kind: PanelKind::Stat,
            title,
            description: Some(description),
            datasource: Datasource::Prometheus,
            queries: vec![prometheus(expr, None)],
            unit: Some(unit.to_owned()),
            width: Some(width),
            height: 5,
            ..PanelModel::default()
        };
    let burn_queries = burn_windows(slo)
        .iter()
        .map(|w| {
            let w = w.to_string();
            prometheus(
                format!(
                    "max(slo:sli_error:ratio_rate{w}{sel})\n/\nmax(slo:error_budget:ratio{sel})"
                ),
                Some(&w),
            )
        })
        .collect();
    let panels = vec![
        PanelModel {
            thresholds: steps(&[(0.0, "blue")]),
            ..stat(
                "Objective".to_owned(),
                format!("Share of good events the SLO promises over {window}."),
                format!("max(slo:objective:ratio{sel})"),
                "percentunit",
                4,
            )
        },
        PanelModel {
            thresholds: steps(&[(0.0, "red"), (objective, "green")]),
            decimals: Some(3),
            ..stat(
                format!("SLI over {window}"),
                format!("Share of good events over the last {window}; red below the objective."),
                format!("1 - max(slo:sli_error:ratio_rate{window}{sel})"),
                "percentunit",
                5,
            )
        },
        PanelModel {
            kind: PanelKind::Gauge,
            thresholds: budget_steps.clone(),
            min: Some(0.0),
            max: Some(1.0),
            ..stat(
                "Error budget remaining".to_owned(),
                format!("Share of the {window} error budget left; negative when spent."),
                format!("max(slo:period_error_budget_remaining:ratio{sel})"),
                "percentunit",
                5,
            )
        },
        PanelModel {
            thresholds: burn_steps.clone(),
            decimals: Some(2),
            ..stat(
                "Current burn rate".to_owned(),
                format!(
                    "Error budget burn rate over the last 5m: 1 spends exactly the budget over {window}; red from {}× (a page within hours).",
                    num(page_rate)
                ),
                format!("max(slo:current_burn_rate:ratio{sel})"),
                "none",
                5,
            )
        },
        PanelModel {
            thresholds: steps(&[(0.0, "green"), (0.8, "orange"), (1.0, "red")]),
            decimals: Some(2),
            ..stat(
                format!("Burn rate over {window}"),
                format!(
                    "Error budget burn rate over the whole {window}: above 1 the SLO is missed."
                ),
                format!("max(slo:period_burn_rate:ratio{sel})"),
                "none",
                5,
            )
        },
        PanelModel {
            kind: PanelKind::Timeseries,
            title: "Burn rate by window".to_owned(),
            description: Some(format!(
                "Error budget burn rate over the windows the burn-rate alerts use. Page: {}. Ticket: {}.",
                conditions(&slo.page),
                conditions(&slo.ticket)
            )),
            datasource: Datasource::Prometheus,
            queries: burn_queries,
            unit: Some("none".to_owned()),
            thresholds: burn_steps,
            width: Some(10),
            height: 8,
            ..PanelModel::default()
        },
        PanelModel {
            kind: PanelKind::Timeseries,
            title: "Error budget remaining".to_owned(),
            description: Some(format!(
                "Share of the {window} error budget left over time."
            )),
            datasource: Datasource::Prometheus,
            queries: vec![prometheus(
                format!("max(slo:period_error_budget_remaining:ratio{sel})"),
                Some("remaining"),
            )],
            unit: Some("percentunit".to_owned()),
            thresholds: budget_steps,
            width: Some(7),
            height: 8,
            ..PanelModel::default()
        },
        PanelModel {
            kind: PanelKind::Table,
            title: "Firing burn-rate alerts".to_owned(),
            description: Some(format!(
                "`{}` alerts firing now (page: fast burn, ticket: slow burn).",
                slo.alert_name
            )),
            datasource: Datasource::Prometheus,
            queries: vec![prometheus(
                format!(
                    "ALERTS{{alertstate=\"firing\", sloth_id=\"{}\"}}",
                    escape(&slo.id)
                ),
                None,
            )],
            no_value: Some("No burn-rate alert is firing".to_owned()),
            hidden_columns: [
                "Time",
                "Value",
                "__name__",
                "alertstate",
                "service",
                "slo",
                "sloth_id",
                "sloth_service",
                "sloth_slo",
                "team",
            ]
            .map(str::to_owned)
            .to_vec(),
            width: Some(7),
            height: 8,
            ..PanelModel::default()
        },
    ];
    RowModel {
        collapsed: false,
        title: format!("{}: {}% over {window}", slo.name, num(slo.objective)),
        panels,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dashboard_is_taken_from_a_known_selection_only_for_equal_slos() {
        let model = crate::reference_model();
        let slos: Vec<SloModel> = model.clusters[0].slos.to_vec();
        assert!(!slos.is_empty(), "the reference spec has SLOs");
        let built = lower(&slos, std::iter::empty());
        assert_eq!(
            lower(&slos, std::iter::once((&slos[..], &built[..]))),
            built
        );
        // A known selection whose SLO differs (and whose dashboard is not
        // what it would build): its dashboard is not taken.
        let mut changed = slos.clone();
        changed[0].objective -= 0.5;
        let mut decoy = built.clone();
        for d in &mut decoy {
            d.title.push_str(" (decoy)");
        }
        let mixed = lower(&slos, std::iter::once((&changed[..], &decoy[..])));
        let uid = slo_dashboard_uid(&slos[0].service);
        assert!(
            mixed.len() == built.len() && built.len() > 1,
            "services with SLOs"
        );
        for ((got, fresh), known) in mixed.iter().zip(&built).zip(&decoy) {
            // Only the service whose SLO differs is built again.
            let expected = if got.uid == uid { fresh } else { known };
            assert!(got == expected, "{}", got.uid);
        }
        let taken = lower(&slos, std::iter::once((&slos[..], &decoy[..])));
        assert!(taken == decoy, "equal SLOs take the known dashboards");
    }
}
