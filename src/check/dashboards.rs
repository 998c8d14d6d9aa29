//! Dashboards: every panel query is checked at compile time — PromQL
//! parses with the dashboard's variables substituted, LogQL stream
//! selectors parse as label matchers, every `$variable` a query uses is
//! defined — and variable queries, panel contents, heights, thresholds and
//! uids make sense for Grafana.

use crate::diagnostic::codes;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::LazyLock;

use promql_parser::parser::{Expr, LabelModifier};
use regex::Regex;

use super::{Ctx, Item, Spec};
use crate::diagnostic::Diagnostic;
use crate::model::dashboards::{
    BUILTIN_VARIABLES, LOKI_VARIABLE, PROMETHEUS_VARIABLE, Stand, ref_id, slo_dashboard_uid,
    substitute, variable_refs,
};
use crate::names::{ValueError, check_label_name, did_you_mean, quoted};
use crate::source::Span;
use crate::spec::{
    Dashboard, Panel, PanelType, QueryFormat, Transformation, Variable, VariableType,
};

/// Checks every dashboard; returns what the queries group by (see
/// [`Spec::query_grouping`]).
pub fn check(spec: &Spec, ctx: &mut Ctx) -> BTreeMap<String, Vec<String>> {
    let mut grouping = BTreeMap::new();
    let records = super::promql::Records::of(spec);
    // Uids of the generated SLO dashboards, by service.
    let slo_uids: BTreeMap<String, &str> = spec
        .slos
        .iter()
        .map(|s| {
            (
                slo_dashboard_uid(&s.value.service),
                s.value.service.as_str(),
            )
        })
        .collect();
    for dashboard in &spec.dashboards {
        if let Some(service) = slo_uids.get(&dashboard.value.uid) {
            ctx.push(
                Diagnostic::error(
                    codes::DASHBOARDS_RESERVED_UID,
                    format!(
                        "dashboard uid `{}` is the uid of the generated SLO dashboard of service `{service}`",
                        dashboard.value.uid
                    ),
                )
                .at(dashboard.span(&["uid"]))
                .label("taken by a generated dashboard")
                .help("choose another uid: monocle generates `slo-<service>` for every service with SLOs"),
            );
        }
        let check = DashboardCheck::new(dashboard, &records);
        check.run(ctx);
        grouping.extend(check.grouping.into_inner());
    }
    grouping
}

/// One dashboard: its item and the variables its queries may use.
struct DashboardCheck<'a> {
    item: &'a Item<Dashboard>,
    records: &'a super::promql::Records<'a>,
    defined: Vec<&'a str>,
    grouping: RefCell<BTreeMap<String, Vec<String>>>,
}

impl<'a> DashboardCheck<'a> {
    fn new(item: &'a Item<Dashboard>, records: &'a super::promql::Records<'a>) -> Self {
        let mut defined = vec![PROMETHEUS_VARIABLE, LOKI_VARIABLE];
        defined.extend(item.value.variables.iter().map(|v| v.name.as_str()));
        DashboardCheck {
            item,
            records,
            defined,
            grouping: RefCell::default(),
        }
    }

    fn run(&self, ctx: &mut Ctx) {
        let d = &self.item.value;
        for (i, var) in d.variables.iter().enumerate() {
            let i = i.to_string();
            if var.name == PROMETHEUS_VARIABLE
                || var.name == LOKI_VARIABLE
                || var.name.starts_with("__")
            {
                ctx.push(
                    Diagnostic::error(
                        codes::DASHBOARDS_RESERVED_VARIABLE,
                        format!("variable name `{}` is reserved", var.name),
                    )
                    .at(self.item.span(&["variables", &i, "name"]))
                    .label("defined by monocle or Grafana")
                    .help("`$datasource` and `$loki` are the datasource variables every dashboard has; names starting with `__` are Grafana's"),
                );
            }
            self.variable_kind(ctx, var, &i);
            let Some(query) = &var.query else { continue };
            let span = self.item.span(&["variables", &i, "query"]);
            if self.undefined(ctx, query, span, Some(&var.name)) {
                continue;
            }
            if var.type_.unwrap_or_default() == VariableType::Query
                && let Err(err) = variable_query(query)
            {
                value_error(ctx, codes::DASHBOARDS_INVALID_VARIABLE_QUERY, span, err);
            }
        }
        for (a, annotation) in d.annotations.iter().enumerate() {
            let a = a.to_string();
            if let Some(color) = &annotation.color
                && let Err(err) = check_color(color)
            {
                let span = self.item.span(&["annotations", &a, "color"]);
                value_error(ctx, codes::DASHBOARDS_INVALID_COLOR, span, err);
            }
            match (&annotation.expr, &annotation.logql) {
                (Some(expr), None) => {
                    self.promql(ctx, expr, self.item.span(&["annotations", &a, "expr"]));
                }
                (None, Some(logql)) => {
                    self.logql(
                        ctx,
                        None,
                        logql,
                        self.item.span(&["annotations", &a, "logql"]),
                    );
                }
                (both, _) => {
                    let message = if both.is_some() {
                        format!(
                            "annotation `{}` has both `expr` and `logql`",
                            annotation.name
                        )
                    } else {
                        format!("annotation `{}` has no query", annotation.name)
                    };
                    ctx.push(
                        Diagnostic::error(codes::DASHBOARDS_ANNOTATION_QUERY, message)
                            .at(self.item.span(&["annotations", &a, "name"]))
                            .help("give an annotation exactly one of `expr` (PromQL) or `logql` (Loki): each result is an event"),
                    );
                }
            }
        }
        for (r, row) in d.rows.iter().enumerate() {
            for (p, panel) in row.panels.iter().enumerate() {
                let path = ["rows", &r.to_string(), "panels", &p.to_string()].map(str::to_owned);
                self.panel(ctx, panel, &path);
            }
        }
    }

    fn span(&self, path: &[String], rest: &[&str]) -> Span {
        let mut full: Vec<&str> = path.iter().map(String::as_str).collect();
        full.extend_from_slice(rest);
        self.item.span(&full)
    }

    fn panel(&self, ctx: &mut Ctx, panel: &Panel, path: &[String]) {
        let is_text = panel.type_ == PanelType::Text;
        let has_promql = panel.expr.is_some() || !panel.queries.is_empty();
        if is_text && panel.content.is_none() {
            ctx.push(
                Diagnostic::error(
                    codes::DASHBOARDS_PANEL_CONTENT,
                    format!("text panel `{}` has no `content`", panel.title),
                )
                .at(self.span(path, &["title"]))
                .help("give it Markdown, e.g. `content: \"Runbook: https://...\"`"),
            );
        }
        if is_text && (has_promql || panel.logql.is_some()) {
            ctx.push(
                Diagnostic::error(
                    codes::DASHBOARDS_PANEL_CONTENT,
                    format!(
                        "text panel `{}` shows its `content`, not query results",
                        panel.title
                    ),
                )
                .at(self.span(path, &["title"]))
                .help("remove the query, or pick a panel type that shows data (`stat`, `timeseries`, ...)"),
            );
        }
        if !is_text && panel.content.is_some() {
            ctx.push(
                Diagnostic::error(
                    codes::DASHBOARDS_PANEL_CONTENT,
                    format!(
                        "only text panels show `content`; `{}` is not one",
                        panel.title
                    ),
                )
                .at(self.span(path, &["content"]))
                .help("write `type: text` for a Markdown panel, or remove `content`"),
            );
        }
        if panel.type_ == PanelType::Logs && has_promql && panel.logql.is_none() {
            let field = if panel.expr.is_some() {
                "expr"
            } else {
                "queries"
            };
            ctx.push(
                Diagnostic::error(
                    codes::DASHBOARDS_PANEL_DATASOURCE,
                    format!(
                        "logs panel `{}` needs a LogQL query, not PromQL",
                        panel.title
                    ),
                )
                .at(self.span(path, &[field]))
                .label("PromQL goes to Prometheus, which has no log lines")
                .help("write the query as `logql: '{namespace=\"...\"} |= \"error\"'`"),
            );
        }
        if panel.height == Some(0) {
            ctx.push(
                Diagnostic::error(
                    codes::DASHBOARDS_INVALID_HEIGHT,
                    "panel height 0 leaves nothing to show",
                )
                .at(self.span(path, &["height"]))
                .help("heights count grid rows of 30 pixels; 8 is a usual chart"),
            );
        }
        self.thresholds(ctx, panel, path);
        self.options(ctx, panel, path);
        self.extras(ctx, panel, path);

        if let Some(expr) = &panel.expr {
            self.promql(ctx, expr, self.span(path, &["expr"]));
        }
        for (q, query) in panel.queries.iter().enumerate() {
            let q = q.to_string();
            self.promql(ctx, &query.expr, self.span(path, &["queries", &q, "expr"]));
            if let Some(legend) = &query.legend {
                self.undefined(
                    ctx,
                    legend,
                    self.span(path, &["queries", &q, "legend"]),
                    None,
                );
            }
        }
        if let Some(logql) = &panel.logql {
            self.logql(ctx, Some(panel), logql, self.span(path, &["logql"]));
        }
        self.transformation_fields(ctx, panel, path);
    }

    /// The columns a table's queries give, when every query's can be
    /// known: table-format queries that aggregate `by` labels give `Time`,
    /// those labels and `Value` (`Value #A`, ... for several queries;
    /// joined frames number their repeated columns, `Time 1`, `pod 2`).
    /// `None` when a query's columns cannot be known.
    fn table_fields(&self, panel: &Panel) -> Option<Vec<String>> {
        if panel.type_ != PanelType::Table || panel.queries.is_empty() {
            return None;
        }
        let grouping = self.grouping.borrow();
        let count = panel.queries.len();
        let mut fields: Vec<String> = vec!["Time".into(), "Value".into(), "__name__".into()];
        for (i, query) in panel.queries.iter().enumerate() {
            if query.format.unwrap_or(QueryFormat::Table) != QueryFormat::Table {
                return None;
            }
            fields.push(format!("Value #{}", ref_id(i)));
            fields.extend(query.legend.iter().cloned());
            for label in grouping.get(&query.expr)? {
                fields.push(label.clone());
                fields.extend((1..=count).map(|n| format!("{label} {n}")));
            }
        }
        fields.extend((1..=count).map(|n| format!("Time {n}")));
        Some(fields)
    }

    /// Transformations naming a column the table's queries cannot give.
    fn transformation_fields(&self, ctx: &mut Ctx, panel: &Panel, path: &[String]) {
        let Some(mut fields) = self.table_fields(panel) else {
            return;
        };
        for (t, transformation) in panel.transformations.iter().enumerate() {
            let t = t.to_string();
            let mut named: Vec<(&str, Span)> = Vec::new();
            match transformation {
                Transformation::Merge => {}
                Transformation::JoinByField(join) => named.push((
                    &join.field,
                    self.span(path, &["transformations", &t, "join_by_field", "field"]),
                )),
                Transformation::Organize(organize) => {
                    let mut at: Vec<&str> = path.iter().map(String::as_str).collect();
                    at.extend(["transformations", &t, "organize", "rename"]);
                    for old in organize.rename.keys() {
                        named.push((old, self.item.key_span(&at, old)));
                    }
                    for (e, column) in organize.exclude.iter().enumerate() {
                        let e = e.to_string();
                        named.push((
                            column,
                            self.span(path, &["transformations", &t, "organize", "exclude", &e]),
                        ));
                    }
                }
            }
            for (name, span) in named {
                if fields.iter().any(|f| f == name) {
                    continue;
                }
                let help = match did_you_mean(name, fields.iter().map(String::as_str)) {
                    Some(similar) => format!("did you mean `{similar}`?"),
                    None => format!(
                        "the queries give the columns {}",
                        fields
                            .iter()
                            .filter(|f| !f.ends_with(|c: char| c.is_ascii_digit()))
                            .map(|f| format!("`{f}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                ctx.push(
                    Diagnostic::error(
                        codes::DASHBOARDS_UNKNOWN_FIELD,
                        format!(
                            "no query of table `{}` gives a column `{name}`",
                            panel.title
                        ),
                    )
                    .at(span)
                    .label("not a column of this table")
                    .help(help),
                );
            }
            // A renamed column goes by its new name from here on.
            if let Transformation::Organize(organize) = transformation {
                fields.extend(organize.rename.values().cloned());
            }
        }
    }

    /// What a variable's type needs and uses.
    fn variable_kind(&self, ctx: &mut Ctx, var: &Variable, i: &str) {
        let kind = var.type_.unwrap_or_default();
        let (needs, uses_values, uses_query) = match kind {
            VariableType::Query => (Some("query"), false, true),
            VariableType::Custom | VariableType::Interval => (Some("values"), true, false),
            VariableType::Constant => (Some("query"), false, true),
            VariableType::Datasource => (Some("query"), false, true),
            VariableType::Textbox => (None, false, true),
        };
        let has = |field: &str| match field {
            "query" => var.query.is_some(),
            _ => !var.values.is_empty(),
        };
        let what = match kind {
            VariableType::Query => "its Prometheus query, e.g. `query: label_values(up, cluster)`",
            VariableType::Custom => "its values, e.g. `values: [prod, staging]`",
            VariableType::Interval => "its intervals, e.g. `values: [1m, 5m, 1h]`",
            VariableType::Constant => "its value in `query`",
            VariableType::Datasource => {
                "the datasource plugin in `query`, e.g. `query: prometheus`"
            }
            VariableType::Textbox => "",
        };
        if let Some(field) = needs.filter(|f| !has(f)) {
            ctx.push(
                Diagnostic::error(
                    codes::DASHBOARDS_VARIABLE_KIND,
                    format!(
                        "{} variable `{}` has no `{field}`",
                        type_label(kind),
                        var.name
                    ),
                )
                .at(self.item.span(&["variables", i, "name"]))
                .help(format!("give it {what}")),
            );
        }
        for (field, used) in [("values", uses_values), ("query", uses_query)] {
            if has(field) && !used {
                ctx.push(
                    Diagnostic::error(
                        codes::DASHBOARDS_VARIABLE_KIND,
                        format!("a {} variable does not use `{field}`", type_label(kind)),
                    )
                    .at(self.item.key_span(&["variables", i], field))
                    .help(format!("give it {what}, or change its `type`")),
                );
            }
        }
    }

    /// A panel's links, overrides and repeat.
    fn extras(&self, ctx: &mut Ctx, panel: &Panel, path: &[String]) {
        let queries = if panel.queries.is_empty() {
            usize::from(panel.expr.is_some() || panel.logql.is_some())
        } else {
            panel.queries.len()
        };
        for (o, item) in panel.overrides.iter().enumerate() {
            let o = o.to_string();
            let m = &item.match_;
            let ways = [m.name.is_some(), m.regex.is_some(), m.query.is_some()]
                .iter()
                .filter(|b| **b)
                .count();
            if ways != 1 {
                ctx.push(
                    Diagnostic::error(
                        codes::DASHBOARDS_OVERRIDE_MATCH,
                        format!("an override matches by {ways} of `name`, `regex` and `query`"),
                    )
                    .at(self.span(path, &["overrides", &o, "match"]))
                    .help("match fields exactly one way: `{name: Pod}`, `{regex: \"/%/\"}` or `{query: B}`"),
                );
            }
            if let Some(query) = &m.query {
                let known: Vec<String> = (0..queries).map(ref_id).collect();
                if !known.contains(query) {
                    ctx.push(
                        Diagnostic::error(
                            codes::DASHBOARDS_OVERRIDE_MATCH,
                            format!("panel `{}` has no query `{query}`", panel.title),
                        )
                        .at(self.span(path, &["overrides", &o, "match", "query"]))
                        .label("not a query of this panel")
                        .help(if known.is_empty() {
                            "the panel has no queries".to_owned()
                        } else {
                            format!(
                                "queries are named by their Grafana refId, in order: {}",
                                known
                                    .iter()
                                    .map(|k| format!("`{k}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        }),
                    );
                }
            }
            if let Some(color) = &item.color
                && let Err(err) = check_color(color)
            {
                let span = self.span(path, &["overrides", &o, "color"]);
                value_error(ctx, codes::DASHBOARDS_INVALID_COLOR, span, err);
            }
        }
        if let Some(repeat) = &panel.repeat
            && !self.defined.contains(&repeat.as_str())
        {
            let help = match did_you_mean(repeat, self.defined.iter().copied()) {
                Some(similar) => format!("did you mean `{similar}`?"),
                None => "repeat a variable defined under the dashboard's `variables:`".to_owned(),
            };
            ctx.push(
                Diagnostic::error(
                    codes::DASHBOARDS_UNDEFINED_VARIABLE,
                    format!(
                        "dashboard `{}` defines no variable `{repeat}` to repeat panel `{}` for",
                        self.item.value.uid, panel.title
                    ),
                )
                .at(self.span(path, &["repeat"]))
                .help(help),
            );
        }
    }

    /// Options set on a panel whose type does not have them.
    fn options(&self, ctx: &mut Ctx, panel: &Panel, path: &[String]) {
        let legend = panel.legend.as_ref();
        let set = [
            (&[][..], "unit", panel.unit.is_some()),
            (&[], "thresholds", !panel.thresholds.is_empty()),
            (&[], "decimals", panel.decimals.is_some()),
            (&[], "min", panel.min.is_some()),
            (&[], "max", panel.max.is_some()),
            (&[], "stack", panel.stack.is_some()),
            (&[], "fill_opacity", panel.fill_opacity.is_some()),
            (&[], "draw", panel.draw.is_some()),
            (&[], "span_nulls", panel.span_nulls.is_some()),
            (&[], "interval", panel.interval.is_some()),
            (&[], "legend", legend.is_some()),
            (&[], "overrides", !panel.overrides.is_empty()),
            (&[], "transformations", !panel.transformations.is_empty()),
            (
                &["legend"],
                "placement",
                legend.is_some_and(|l| l.placement.is_some()),
            ),
            (
                &["legend"],
                "calcs",
                legend.is_some_and(|l| !l.calcs.is_empty()),
            ),
        ];
        for (parent, key, present) in set {
            let types = option_types(parent.first().copied(), key);
            if !present || types.contains(&panel.type_) {
                continue;
            }
            let name = if parent.is_empty() {
                key.to_owned()
            } else {
                format!("{}.{key}", parent.join("."))
            };
            let mut at: Vec<&str> = path.iter().map(String::as_str).collect();
            at.extend_from_slice(parent);
            let kinds: Vec<String> = types
                .iter()
                .map(|t| format!("`{}`", type_name(*t)))
                .collect();
            ctx.push(
                Diagnostic::error(
                    codes::DASHBOARDS_PANEL_OPTION,
                    format!("a {} panel has no `{name}`", type_name(panel.type_)),
                )
                .at(self.item.key_span(&at, key))
                .label("not an option of this panel type")
                .help(format!(
                    "`{name}` is an option of {} panels; remove it or change the panel's `type`",
                    kinds.join(", ")
                )),
            );
        }
    }

    fn thresholds(&self, ctx: &mut Ctx, panel: &Panel, path: &[String]) {
        for (i, step) in panel.thresholds.iter().enumerate() {
            let at = i.to_string();
            if let Err(err) = check_color(&step.color) {
                value_error(
                    ctx,
                    codes::DASHBOARDS_INVALID_COLOR,
                    self.span(path, &["thresholds", &at, "color"]),
                    err,
                );
            }
            if i > 0 {
                let before = panel.thresholds[i - 1].value;
                if step.value <= before {
                    ctx.push(
                        Diagnostic::error(
                            codes::DASHBOARDS_THRESHOLDS_ORDER,
                            format!(
                                "threshold {} is not above the one before it ({before})",
                                step.value
                            ),
                        )
                        .at(self.span(path, &["thresholds", &at, "value"]))
                        .label("out of order")
                        .help("list thresholds lowest first; each colour applies from its value up to the next"),
                    );
                }
            }
        }
    }

    /// Reports every variable `text` uses that the dashboard does not
    /// define (or, for a variable's own query, the variable itself).
    /// Returns whether there was one.
    fn undefined(&self, ctx: &mut Ctx, text: &str, span: Span, own: Option<&str>) -> bool {
        let mut found = false;
        for r in variable_refs(text) {
            let name = r.name.as_str();
            if BUILTIN_VARIABLES.contains(&name) {
                continue;
            }
            let err = if own == Some(name) {
                ValueError::new(
                    r.start,
                    r.end,
                    format!("variable `${name}` is used in its own query"),
                )
                .with_help("a variable's query may use the variables defined before it, not itself")
            } else if self.defined.contains(&name) {
                continue;
            } else {
                let candidates = self
                    .defined
                    .iter()
                    .copied()
                    .chain(BUILTIN_VARIABLES.iter().copied())
                    .filter(|c| Some(*c) != own);
                let help = if let Some(similar) = did_you_mean(name, candidates) {
                    format!("did you mean `${similar}`?")
                } else {
                    let mut names: Vec<String> = Vec::new();
                    for d in &self.defined {
                        let name = format!("`${d}`");
                        if !names.contains(&name) {
                            names.push(name);
                        }
                    }
                    format!(
                        "define it under the dashboard's `variables:` (it has {})",
                        names.join(", ")
                    )
                };
                ValueError::new(
                    r.start,
                    r.end,
                    format!(
                        "dashboard `{}` defines no variable `${name}`",
                        self.item.value.uid
                    ),
                )
                .with_help(help)
            };
            value_error(ctx, codes::DASHBOARDS_UNDEFINED_VARIABLE, span, err);
            found = true;
        }
        found
    }

    /// A PromQL panel query: parsed with its variables replaced, first by
    /// names (`by ($label)`), then by numbers (`topk($n, ...)`).
    fn promql(&self, ctx: &mut Ctx, text: &str, span: Span) {
        if self.undefined(ctx, text, span, None) {
            return;
        }
        let names = substitute(text, Stand::Identifier);
        if let Ok(parsed) = crate::promql::parse(&names) {
            if let Some(labels) = promql_grouping(&parsed) {
                self.grouping.borrow_mut().insert(text.to_owned(), labels);
            }
            // Grafana sends the query to Prometheus: its regexes are RE2.
            super::promql::re2_matchers(ctx, &parsed, span);
            // A name a variable stands in for is not written in the query.
            let written = |name: &str| text.contains(name);
            super::promql::undefined_records(ctx, self.records, &parsed, span, written);
            return;
        }
        let numbers = substitute(text, Stand::Number);
        if numbers != names
            && let Ok(parsed) = crate::promql::parse(&numbers)
        {
            super::promql::re2_matchers(ctx, &parsed, span);
            return;
        }
        super::promql::expr(ctx, &names, span);
    }

    /// A LogQL query of a panel, or of an annotation (`panel` is `None`).
    fn logql(&self, ctx: &mut Ctx, panel: Option<&Panel>, text: &str, span: Span) {
        if self.undefined(ctx, text, span, None) {
            return;
        }
        let selectors = match stream_selectors(text) {
            Ok(selectors) => selectors,
            Err(err) => {
                value_error(ctx, codes::DASHBOARDS_INVALID_LOGQL, span, err);
                return;
            }
        };
        if selectors.is_empty() {
            ctx.push(
                Diagnostic::error(
                    codes::DASHBOARDS_INVALID_LOGQL,
                    "a LogQL query needs a stream selector",
                )
                .at(span)
                .label("no `{...}` here")
                .help("select the streams first, e.g. `{namespace=\"velero\"} |= \"error\"`"),
            );
            return;
        }
        if let Some(labels) = logql_grouping(text) {
            self.grouping.borrow_mut().insert(text.to_owned(), labels);
        }
        for (start, end) in selectors {
            let selector = &text[start..end];
            let parsed = crate::promql::parse(&substitute(selector, Stand::Identifier));
            let message = match parsed {
                Ok(Expr::VectorSelector(_)) => continue,
                Ok(_) => "not a list of label matchers".to_owned(),
                Err(e) => e
                    .lines()
                    .next()
                    .unwrap_or("does not parse")
                    .trim()
                    .to_owned(),
            };
            value_error(ctx,
                codes::DASHBOARDS_INVALID_LOGQL,
                span,
                ValueError::new(
                    start,
                    end,
                    format!(
                        "stream selector {} is not a list of label matchers: {message}",
                        quoted(selector)
                    ),
                )
                .with_help("write matchers like `{namespace=\"velero\", app=~\"velero|restic\"}`; at least one must match a non-empty value"),
            );
        }
        let Some(panel) = panel else { return };
        let is_log_query = text.trim_start().starts_with('{');
        let wants_metric = matches!(
            panel.type_,
            PanelType::Stat | PanelType::Gauge | PanelType::Timeseries | PanelType::Piechart
        );
        if panel.type_ == PanelType::Logs && !is_log_query {
            ctx.push(
                Diagnostic::error(
                    codes::DASHBOARDS_LOGQL_KIND,
                    format!("logs panel `{}` needs a log query, found a metric query", panel.title),
                )
                .at(span)
                .help("start the query with its stream selector, e.g. `{namespace=\"velero\"} |= \"error\"`; use a timeseries panel for counts"),
            );
        } else if wants_metric && is_log_query {
            ctx.push(
                Diagnostic::error(
                    codes::DASHBOARDS_LOGQL_KIND,
                    format!(
                        "panel `{}` draws numbers but its LogQL query returns log lines",
                        panel.title
                    ),
                )
                .at(span)
                .help("count the lines, e.g. `sum by (level) (count_over_time({namespace=\"velero\"} | logfmt [$__auto]))`, or use a logs panel"),
            );
        }
    }
}

/// The panel types that have an option (`parent` is `legend` for the
/// legend's own keys), as Grafana's panel plugins define them.
fn option_types(parent: Option<&str>, key: &str) -> &'static [PanelType] {
    use PanelType::{Bargauge, Gauge, Heatmap, Logs, Piechart, Stat, Table, Text, Timeseries};
    match (parent, key) {
        (None, "unit" | "decimals") => {
            &[Stat, Gauge, Bargauge, Timeseries, Table, Piechart, Heatmap]
        }
        (None, "thresholds") => &[Stat, Gauge, Bargauge, Timeseries, Table, Piechart],
        (None, "min" | "max") => &[Stat, Gauge, Bargauge, Timeseries, Table, Heatmap],
        (None, "stack" | "fill_opacity" | "draw" | "span_nulls") => &[Timeseries],
        (None, "interval") => &[
            Stat, Gauge, Bargauge, Timeseries, Table, Piechart, Heatmap, Logs,
        ],
        (None, "legend") => &[Timeseries, Piechart, Bargauge, Heatmap],
        // A heatmap's legend is its colour scale: shown or hidden.
        (Some("legend"), _) => &[Timeseries, Piechart, Bargauge],
        _ => &[
            Stat, Gauge, Bargauge, Timeseries, Table, Piechart, Heatmap, Logs, Text,
        ],
    }
}

/// A variable type as the spec writes it, with its article's noun.
fn type_label(t: VariableType) -> &'static str {
    match t {
        VariableType::Query => "query",
        VariableType::Custom => "custom",
        VariableType::Interval => "interval",
        VariableType::Constant => "constant",
        VariableType::Textbox => "textbox",
        VariableType::Datasource => "datasource",
    }
}

/// A panel type as the spec writes it.
fn type_name(t: PanelType) -> &'static str {
    match t {
        PanelType::Stat => "stat",
        PanelType::Gauge => "gauge",
        PanelType::Timeseries => "timeseries",
        PanelType::Table => "table",
        PanelType::Piechart => "piechart",
        PanelType::Bargauge => "bargauge",
        PanelType::Heatmap => "heatmap",
        PanelType::Logs => "logs",
        PanelType::Text => "text",
    }
}

/// Reports `err` inside the string at `span`, its offsets mapped from the
/// string's value to its spelling in the file.
fn value_error(ctx: &mut Ctx, code: &'static str, span: Span, err: ValueError) {
    let err = source_offsets(ctx, span, err);
    ctx.value_error(code, span, err);
}

/// `err` counts bytes of the string's value; a quoted string in the file
/// may spell some of them as escapes (`\"` in YAML and KDL, `''` in YAML
/// single quotes). Maps the offsets so the underline lands on the right
/// characters (relative to the text after the opening quote).
fn source_offsets(ctx: &Ctx, span: Span, err: ValueError) -> ValueError {
    let raw = ctx
        .sources
        .get(span.source)
        .text
        .get(span.start..span.end)
        .unwrap_or("");
    let (doubled, inner) = match raw.chars().next() {
        Some('"') if !raw.starts_with("\"\"\"") => (false, &raw[1..]),
        Some('\'') => (true, &raw[1..]),
        // Plain scalars and KDL raw strings have no escapes.
        _ => return err,
    };
    let map = |offset: usize| {
        let (mut raw_at, mut value_at) = (0, 0);
        while raw_at < inner.len() && value_at < offset {
            let (raw_len, value_len) = escape_unit(&inner[raw_at..], doubled);
            raw_at += raw_len;
            value_at += value_len;
        }
        raw_at
    };
    ValueError {
        start: map(err.start),
        end: map(err.end),
        ..err
    }
}

/// Bytes in the file and in the value of the next character of a quoted
/// string.
fn escape_unit(rest: &str, doubled: bool) -> (usize, usize) {
    let mut chars = rest.chars();
    let Some(c) = chars.next() else {
        return (0, 0);
    };
    if doubled {
        return if rest.starts_with("''") {
            (2, 1)
        } else {
            (c.len_utf8(), c.len_utf8())
        };
    }
    if c != '\\' {
        return (c.len_utf8(), c.len_utf8());
    }
    let hex = |digits: &str| {
        u32::from_str_radix(digits, 16)
            .ok()
            .and_then(char::from_u32)
    };
    let body = &rest[1..];
    let (raw_len, decoded) = match chars.next() {
        Some('u') if body.starts_with("u{") => match body.find('}') {
            Some(close) => (1 + close + 1, hex(&body[2..close])),
            None => (2, None),
        },
        Some(kind @ ('x' | 'u' | 'U')) => {
            let digits = match kind {
                'x' => 2,
                'u' => 4,
                _ => 8,
            };
            let end = (1 + digits).min(body.len());
            (1 + end, body.get(1..end).and_then(hex))
        }
        Some(next) => (1 + next.len_utf8(), Some(next)),
        None => (1, None),
    };
    (raw_len, decoded.map_or(1, char::len_utf8))
}

/// `[a, b]` for a query whose outermost aggregation is `by (a, b)`.
fn promql_grouping(parsed: &Expr) -> Option<Vec<String>> {
    let mut top = parsed;
    while let Expr::Paren(inner) = top {
        top = &inner.expr;
    }
    let Expr::Aggregate(aggregate) = top else {
        return None;
    };
    match &aggregate.modifier {
        Some(LabelModifier::Include(labels)) if !labels.labels.is_empty() => {
            Some(labels.labels.clone())
        }
        _ => None,
    }
}

/// The LogQL counterpart of [`promql_grouping`]: `sum by (level) (...)`
/// groups by `level`.
fn logql_grouping(query: &str) -> Option<Vec<String>> {
    let rest = query.trim_start();
    let (_, rest) = rest.split_once(|c: char| !c.is_ascii_alphanumeric() && c != '_')?;
    let rest = rest
        .trim_start()
        .strip_prefix("by")?
        .trim_start()
        .strip_prefix('(')?;
    let (labels, _) = rest.split_once(')')?;
    let labels: Vec<String> = labels
        .split(',')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    (!labels.is_empty()).then_some(labels)
}

/// Parses a PromQL query with its variables replaced: as names first,
/// then as numbers.
fn parse_promql(text: &str) -> Result<Expr, String> {
    let names = substitute(text, Stand::Identifier);
    match crate::promql::parse(&names) {
        Ok(expr) => Ok(expr),
        Err(err) => {
            let numbers = substitute(text, Stand::Number);
            if numbers == names {
                return Err(err);
            }
            crate::promql::parse(&numbers).map_err(|_| err)
        }
    }
}

/// Byte ranges of the `{...}` stream selectors of a LogQL query (outside
/// its strings), or where the query is unbalanced.
fn stream_selectors(text: &str) -> Result<Vec<(usize, usize)>, ValueError> {
    let bytes = text.as_bytes();
    let mut selectors = Vec::new();
    let mut open: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            quote @ (b'"' | b'`') => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    if quote == b'"' && bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                if i >= bytes.len() {
                    return Err(ValueError::new(
                        start,
                        start + 1,
                        "unclosed string in LogQL query",
                    )
                    .with_help(format!("close it with {}", quote as char)));
                }
            }
            // `${var}` is a variable, not a selector.
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                while i < bytes.len() && bytes[i] != b'}' {
                    i += 1;
                }
            }
            b'{' => {
                if let Some(start) = open {
                    return Err(
                        ValueError::new(start, i + 1, "`{` inside a stream selector")
                            .with_help("close the selector with `}` before opening another"),
                    );
                }
                open = Some(i);
            }
            b'}' => match open.take() {
                Some(start) => selectors.push((start, i + 1)),
                None => {
                    return Err(ValueError::new(i, i + 1, "unmatched `}` in LogQL query")
                        .with_help("a stream selector is written `{label=\"value\", ...}`"));
                }
            },
            _ => {}
        }
        i += 1;
    }
    if let Some(start) = open {
        return Err(
            ValueError::new(start, text.len(), "unclosed stream selector in LogQL query")
                .with_help("close the selector with `}`"),
        );
    }
    Ok(selectors)
}

/// `label_values(...)`, `label_names(...)`, `metrics(...)`, `query_result(...)`.
static VARIABLE_QUERY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?s)^\s*(label_values|label_names|metrics|query_result)\s*\((.*)\)\s*$")
        .expect("valid pattern")
});

const VARIABLE_QUERY_HELP: &str = "write `label_values(metric, label)`, `label_values(label)`, `label_names()`, `metrics(regex)` or `query_result(expr)`";

/// A Prometheus variable query as Grafana's datasource reads it; anything
/// else is taken as a series selector.
fn variable_query(query: &str) -> Result<(), ValueError> {
    let Some(caps) = VARIABLE_QUERY.captures(query) else {
        return parse_promql(query).map(|_| ()).map_err(|e| {
            ValueError::new(
                0,
                query.len(),
                format!(
                    "{} is not a Prometheus variable query: {}",
                    quoted(query),
                    first_line(&e)
                ),
            )
            .with_help(VARIABLE_QUERY_HELP)
        });
    };
    let function = caps.get(1).map_or("", |m| m.as_str());
    let (offset, args) = caps.get(2).map_or((0, ""), |m| (m.start(), m.as_str()));
    let promql = |text: &str, at: usize| {
        parse_promql(text).map(|_| ()).map_err(|e| {
            ValueError::new(
                at,
                at + text.len(),
                format!("invalid PromQL in `{function}`: {}", first_line(&e)),
            )
            .with_help(VARIABLE_QUERY_HELP)
        })
    };
    match function {
        "label_values" => {
            let (selector, label, label_at) = match split_last_arg(args) {
                Some(comma) => (Some(&args[..comma]), &args[comma + 1..], offset + comma + 1),
                None => (None, args, offset),
            };
            let trimmed = label.trim_start();
            let label_at = label_at + label.len() - trimmed.len();
            check_label_name(trimmed.trim_end())
                .map_err(|e| e.shifted(label_at).with_help(VARIABLE_QUERY_HELP))?;
            match selector {
                Some(selector) if selector.trim().is_empty() => Err(ValueError::new(
                    offset,
                    offset + selector.len(),
                    "`label_values` has an empty metric",
                )
                .with_help(VARIABLE_QUERY_HELP)),
                Some(selector) => promql(selector, offset),
                None => Ok(()),
            }
        }
        "label_names" if args.trim().is_empty() => Ok(()),
        "metrics" => Regex::new(args.trim()).map(|_| ()).map_err(|e| {
            ValueError::new(
                offset,
                offset + args.len(),
                format!("invalid regex in `metrics`: {}", first_line(&e.to_string())),
            )
        }),
        _ => promql(args, offset),
    }
}

/// The byte index of the comma before the last argument (outside strings
/// and brackets).
fn split_last_arg(args: &str) -> Option<usize> {
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut last = None;
    for (i, c) in args.char_indices() {
        match quote {
            Some(_) if escaped => escaped = false,
            Some(_) if c == '\\' => escaped = true,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' | '`' => quote = Some(c),
                '(' | '{' | '[' => depth += 1,
                ')' | '}' | ']' => depth -= 1,
                ',' if depth == 0 => last = Some(i),
                _ => {}
            },
        }
    }
    last
}

fn first_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("does not parse")
        .to_owned()
}

/// Grafana colours: a name (`green`, `dark-red`), `#rgb`/`#rrggbb` (with
/// optional alpha), or `rgb(...)`/`rgba(...)`/`hsl(...)`.
fn check_color(color: &str) -> Result<(), ValueError> {
    if let Some(hex) = color.strip_prefix('#') {
        let ok = matches!(hex.len(), 3 | 4 | 6 | 8) && hex.chars().all(|c| c.is_ascii_hexdigit());
        return if ok {
            Ok(())
        } else {
            Err(ValueError::new(
                0,
                color.len(),
                format!("{} is not a hex colour", quoted(color)),
            )
            .with_help("write `#rrggbb`, e.g. `#73bf69`"))
        };
    }
    let functional = ["rgb(", "rgba(", "hsl(", "hsla("]
        .iter()
        .any(|f| color.starts_with(f))
        && color.ends_with(')');
    let named = !color.is_empty() && color.chars().all(|c| c.is_ascii_alphabetic() || c == '-');
    if functional || named {
        Ok(())
    } else {
        Err(ValueError::new(
            0,
            color.len(),
            format!("{} is not a colour", quoted(color)),
        )
        .with_help("use a Grafana colour name (`green`, `orange`, `red`, `dark-red`, ...) or `#rrggbb`"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_stream_selectors_outside_strings() {
        let q = r#"sum by (level) (count_over_time({namespace="velero", app=~"${app}"} |= "{x}" | line_format `{{.msg}}` [5m]))"#;
        let found = stream_selectors(q).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(
            &q[found[0].0..found[0].1],
            r#"{namespace="velero", app=~"${app}"}"#
        );
        assert!(stream_selectors(r#"{a="b""#).is_err());
        assert!(stream_selectors(r#"{a="b"} }"#).is_err());
    }

    #[test]
    fn reads_variable_queries() {
        assert!(variable_query("label_values(up{job=\"x\"}, cluster)").is_ok());
        assert!(variable_query("label_values(cluster)").is_ok());
        assert!(variable_query("label_names()").is_ok());
        assert!(variable_query("metrics(velero_.*)").is_ok());
        assert!(variable_query("query_result(topk(5, up))").is_ok());
        assert!(variable_query("up{job=\"x\"}").is_ok());
        let err = variable_query("label_values(up, clus-ter)").unwrap_err();
        assert_eq!(&"label_values(up, clus-ter)"[err.start..err.end], "-");
        let err = variable_query("label_values(up{a=}, cluster)").unwrap_err();
        assert_eq!(err.start, "label_values(".len());
        assert!(variable_query("label values of up").is_err());
    }

    #[test]
    fn promql_with_variables_parses() {
        assert!(parse_promql(r#"sum(rate(x{c=~"$c"}[$__rate_interval])) by ($by)"#).is_ok());
        assert!(parse_promql("topk($n, x)").is_ok());
        assert!(parse_promql("sum(x").is_err());
    }

    #[test]
    fn escapes_in_the_file_count_once() {
        assert_eq!(escape_unit("\\\"x", false), (2, 1));
        assert_eq!(escape_unit("\\u00e9x", false), (6, 2));
        assert_eq!(escape_unit("\\u{1F600}", false), (9, 4));
        assert_eq!(escape_unit("''x", true), (2, 1));
        assert_eq!(escape_unit("é", false), (2, 2));
    }

    #[test]
    fn colors() {
        assert!(check_color("green").is_ok());
        assert!(check_color("dark-red").is_ok());
        assert!(check_color("#73bf69").is_ok());
        assert!(check_color("rgba(0, 0, 0, 0.5)").is_ok());
        assert!(check_color("#73bf6").is_err());
        assert!(check_color("green!").is_err());
    }
}
