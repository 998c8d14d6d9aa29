//! Lowers `dashboards` for one cluster: the dashboards its selector
//! matches, with default time range, panel heights and legends applied.

use std::collections::BTreeMap;

use crate::check::Spec;
use crate::model::dashboards::{
    AnnotationModel, DashboardModel, Datasource, PanelKind, PanelModel, QueryModel, RowModel,
    ThresholdModel, VariableModel,
};
use crate::source::Span;
use crate::spec::{self, PanelType, VariableHide, VariableType};
use crate::units::Duration;

/// Time zone of a dashboard that names none: the viewer's.
pub const DEFAULT_TIMEZONE: &str = "browser";

/// Grafana's own default time range.
pub const DEFAULT_TIME: Duration = Duration::hours(6);

pub fn lower(
    spec: &Spec,
    selected: &impl Fn(&Option<crate::spec::SelectorText>) -> bool,
    origin: &impl Fn(Span) -> String,
) -> Vec<DashboardModel> {
    let mut dashboards: Vec<DashboardModel> = spec
        .dashboards
        .iter()
        .filter(|d| selected(&d.value.clusters))
        .map(|item| dashboard(&item.value, &spec.query_grouping, origin(item.node.span)))
        .collect();
    dashboards.sort_by(|a, b| a.uid.cmp(&b.uid));
    dashboards
}

/// One dashboard lowered on its own, with no spec around it (no query
/// grouping, no origin): what `import grafana` compiles its result with to
/// see what it lost.
pub fn standalone(d: &spec::Dashboard) -> DashboardModel {
    dashboard(d, &Grouping::new(), String::new())
}

fn dashboard(d: &spec::Dashboard, grouping: &Grouping, origin: String) -> DashboardModel {
    DashboardModel {
        uid: d.uid.clone(),
        title: d.title.clone(),
        description: d.description.clone(),
        timezone: d
            .timezone
            .clone()
            .unwrap_or_else(|| DEFAULT_TIMEZONE.to_owned()),
        links: d.links.clone(),
        folder: d.folder.clone(),
        tags: d.tags.clone(),
        time: d.time.clone().unwrap_or_else(|| DEFAULT_TIME.into()),
        refresh: d.refresh.clone(),
        variables: d.variables.iter().map(variable).collect(),
        rows: d
            .rows
            .iter()
            .map(|r| RowModel {
                title: r.title.clone(),
                collapsed: r.collapsed.unwrap_or(false),
                panels: r.panels.iter().map(|p| panel(p, grouping)).collect(),
            })
            .collect(),
        annotations: d
            .annotations
            .iter()
            .map(|a| {
                let (datasource, expr) = match (&a.expr, &a.logql) {
                    (_, Some(logql)) => (Datasource::Loki, logql.clone()),
                    (expr, None) => (Datasource::Prometheus, expr.clone().unwrap_or_default()),
                };
                AnnotationModel {
                    name: a.name.clone(),
                    datasource,
                    expr,
                    title: String::new(),
                    text: String::new(),
                    color: a
                        .color
                        .clone()
                        .unwrap_or_else(|| DEFAULT_ANNOTATION_COLOR.to_owned()),
                }
            })
            .collect(),
        origin,
    }
}

/// Colour of a spec annotation's events when it names none.
pub const DEFAULT_ANNOTATION_COLOR: &str = "red";

fn variable(v: &spec::Variable) -> VariableModel {
    let kind = v.type_.unwrap_or_default();
    let multi = v.multi.unwrap_or(false);
    let include_all = v.include_all.unwrap_or(multi);
    VariableModel {
        name: v.name.clone(),
        kind,
        label: v.label.clone(),
        query: v.query.clone().unwrap_or_default(),
        values: v.values.clone(),
        multi,
        include_all,
        // "All" as a regex, not a list of every value: queries use `=~`.
        all_value: v
            .all_value
            .clone()
            .or_else(|| include_all.then(|| ".*".to_owned())),
        // A constant is not for the viewer to see.
        hide: v.hide.unwrap_or(if kind == VariableType::Constant {
            VariableHide::Variable
        } else {
            VariableHide::Nothing
        }),
        regex: v.regex.clone(),
        sort: v.sort.unwrap_or_default(),
    }
}

/// Labels each query groups by, keyed by its text.
type Grouping = BTreeMap<String, Vec<String>>;

fn panel(p: &spec::Panel, grouping: &Grouping) -> PanelModel {
    let kind = match p.type_ {
        PanelType::Stat => PanelKind::Stat,
        PanelType::Gauge => PanelKind::Gauge,
        PanelType::Timeseries => PanelKind::Timeseries,
        PanelType::Table => PanelKind::Table,
        PanelType::Piechart => PanelKind::Piechart,
        PanelType::Bargauge => PanelKind::Bargauge,
        PanelType::Heatmap => PanelKind::Heatmap,
        PanelType::Logs => PanelKind::Logs,
        PanelType::Text => PanelKind::Text,
    };
    let prometheus = |q: &spec::PanelQuery| QueryModel {
        expr: q.expr.clone(),
        legend: q
            .legend
            .clone()
            .or_else(|| default_legend(grouping, &q.expr)),
        instant: q.instant,
        format: q.format,
    };
    let (datasource, queries) = if let Some(logql) = &p.logql {
        (
            Datasource::Loki,
            vec![QueryModel {
                expr: logql.clone(),
                legend: default_legend(grouping, logql),
                instant: None,
                format: None,
            }],
        )
    } else if let Some(expr) = &p.expr {
        (
            Datasource::Prometheus,
            vec![prometheus(&spec::PanelQuery {
                expr: expr.clone(),
                ..spec::PanelQuery::default()
            })],
        )
    } else if !p.queries.is_empty() {
        let queries = p.queries.iter().map(prometheus).collect();
        (Datasource::Prometheus, queries)
    } else {
        (Datasource::None, Vec::new())
    };
    PanelModel {
        kind,
        title: p.title.clone(),
        description: p.description.clone(),
        datasource,
        queries,
        content: p.content.clone(),
        unit: p.unit.clone(),
        decimals: p.decimals,
        min: p.min,
        max: p.max,
        no_value: None,
        thresholds: p
            .thresholds
            .iter()
            .map(|t| ThresholdModel {
                value: t.value,
                color: t.color.clone(),
            })
            .collect(),
        // A table of an instant query repeats the time and metric name on
        // every line.
        hidden_columns: if kind == PanelKind::Table {
            vec!["Time".to_owned(), "__name__".to_owned()]
        } else {
            Vec::new()
        },
        stack: p.stack,
        fill_opacity: p.fill_opacity,
        draw: p.draw,
        span_nulls: p.span_nulls,
        interval: p.interval.clone(),
        legend: p.legend.clone(),
        links: p.links.clone(),
        overrides: p.overrides.clone(),
        transformations: p.transformations.clone(),
        repeat: p.repeat.clone(),
        repeat_direction: p.repeat_direction.unwrap_or_default(),
        width: p.width,
        height: p.height.unwrap_or_else(|| default_height(kind)),
    }
}

/// Grid rows a panel of each kind gets when the spec gives no height.
pub fn default_height(kind: PanelKind) -> u32 {
    match kind {
        PanelKind::Stat | PanelKind::Text => 4,
        PanelKind::Gauge => 6,
        PanelKind::Timeseries
        | PanelKind::Table
        | PanelKind::Piechart
        | PanelKind::Bargauge
        | PanelKind::Heatmap => 8,
        PanelKind::Logs => 10,
    }
}

/// `{{a}} {{b}}` for a query that aggregates `by (a, b)` (as `check` found
/// it), so series are named by what tells them apart instead of
/// `{a="x", b="y"}`.
fn default_legend(grouping: &Grouping, query: &str) -> Option<String> {
    let labels = grouping.get(query)?;
    Some(
        labels
            .iter()
            .map(|l| format!("{{{{{l}}}}}"))
            .collect::<Vec<_>>()
            .join(" "),
    )
}
