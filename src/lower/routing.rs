//! Lowers `routing` for one cluster: receivers, routes and tests whose
//! `clusters` selector matches, matchers parsed, default templates applied.

use std::collections::BTreeMap;

use crate::check::Spec;
use crate::check::merged::RouteMatchers;
use crate::model::routing::{
    EmailModel, InhibitModel, OpsgenieModel, PAGERDUTY_DESCRIPTION, PAGERDUTY_SEVERITY,
    PagerDutyModel, PeriodModel, ReceiverModel, ResponderModel, RouteModel, RoutingModel,
    RoutingTestModel, SLACK_TEXT, SLACK_TITLE, SecretSource, SlackModel, TimeIntervalModel,
    WebhookModel,
};
use crate::routing::time::Period;
use crate::routing::{MatchOp, Matcher, test_alert_labels};
use crate::spec::{self, Credential, SelectorText};

/// The routing of the cluster whose selector labels are `labels` (see
/// `check::selectors::cluster_labels`: `name` is the cluster's name).
pub fn lower(
    spec: &Spec,
    labels: &BTreeMap<String, String>,
    selected: &impl Fn(&Option<SelectorText>) -> bool,
) -> RoutingModel {
    let Some(root) = &spec.route else {
        return RoutingModel::default();
    };
    let watchdog = routes_watchdog_to_null(spec, &spec.matchers.route);
    let mut receivers: Vec<ReceiverModel> = spec
        .receivers
        .iter()
        .map(|r| &r.value)
        .filter(|r| selected(&r.clusters))
        .map(receiver)
        .collect();
    if watchdog && !spec.receivers.iter().any(|r| r.value.name == NULL_RECEIVER) {
        receivers.push(ReceiverModel {
            name: NULL_RECEIVER.to_owned(),
            slack: None,
            pagerduty: None,
            webhook: None,
            email: None,
            opsgenie: None,
        });
    }
    let inhibit = spec
        .inhibit
        .iter()
        .zip(&spec.matchers.inhibit)
        .map(|(i, m)| InhibitModel {
            source: m.source.clone(),
            target: m.target.clone(),
            equal: i.value.equal.clone(),
        })
        .collect();
    let name = labels.get("name").map_or("", String::as_str);
    let region = spec
        .clusters
        .iter()
        .find(|c| c.value.name == name)
        .and_then(|c| c.value.region.as_deref());
    let tests = spec
        .routing_tests
        .iter()
        .map(|t| &t.value)
        .filter(|t| selected(&t.clusters))
        .map(|t| RoutingTestModel {
            labels: test_alert_labels(&t.alert, name, region),
            expect: t.expect.clone(),
            at: t.at.as_ref().map(|at| *at.value()),
        })
        .collect();
    RoutingModel {
        receivers,
        route: Some(route_tree(
            &root.value,
            &spec.matchers.route,
            selected,
            watchdog,
        )),
        inhibit,
        tests,
        time_intervals: time_intervals(spec),
        resolve_timeout: spec
            .routing_global
            .as_ref()
            .and_then(|g| g.value.resolve_timeout.as_ref())
            .map(|d| d.as_str().to_owned()),
    }
}

/// Every time interval of the spec, fields as written and parsed. All go
/// to every cluster: they are names, and routes of any cluster may use them.
pub fn time_intervals(spec: &Spec) -> Vec<TimeIntervalModel> {
    spec.time_intervals
        .iter()
        .map(|i| TimeIntervalModel {
            name: i.value.name.clone(),
            periods: i.value.intervals.iter().map(period).collect(),
        })
        .collect()
}

fn period(p: &spec::TimePeriod) -> PeriodModel {
    fn texts<T: ToString>(list: &[T]) -> Vec<String> {
        list.iter().map(ToString::to_string).collect()
    }
    PeriodModel {
        times: p
            .times
            .iter()
            .map(|t| (t.start.as_str().to_owned(), t.end.as_str().to_owned()))
            .collect(),
        weekdays: texts(&p.weekdays),
        days_of_month: texts(&p.days_of_month),
        months: texts(&p.months),
        years: texts(&p.years),
        location: p.location.clone(),
        parsed: Period {
            times: p
                .times
                .iter()
                .map(|t| (*t.start.value(), *t.end.value()))
                .collect(),
            weekdays: p.weekdays.iter().map(|r| *r.value()).collect(),
            days_of_month: p.days_of_month.iter().map(|r| *r.value()).collect(),
            months: p.months.iter().map(|r| *r.value()).collect(),
            years: p.years.iter().map(|r| *r.value()).collect(),
            location: p.location.clone(),
        },
    }
}

fn receiver(r: &spec::Receiver) -> ReceiverModel {
    ReceiverModel {
        name: r.name.clone(),
        slack: r.slack.as_ref().map(|s| {
            let title = s.title.clone().unwrap_or_else(|| SLACK_TITLE.to_owned());
            SlackModel {
                channel: s.channel.clone(),
                webhook: source(s.credential()),
                // Without it notifications show Alertmanager's own default text.
                fallback: title.clone(),
                title,
                text: s.text.clone().unwrap_or_else(|| SLACK_TEXT.to_owned()),
                send_resolved: s.send_resolved,
            }
        }),
        pagerduty: r.pagerduty.as_ref().map(|p| PagerDutyModel {
            routing_key: source(p.credential()),
            severity: p
                .severity
                .clone()
                .unwrap_or_else(|| PAGERDUTY_SEVERITY.to_owned()),
            description: PAGERDUTY_DESCRIPTION.to_owned(),
        }),
        webhook: r.webhook.as_ref().map(|w| WebhookModel {
            url: source(w.credential()),
            send_resolved: w.send_resolved,
            max_alerts: w.max_alerts,
        }),
        email: r.email.as_ref().map(|e| {
            let password = e.credential();
            EmailModel {
                to: e.to.clone(),
                from: e.from.clone(),
                smarthost: e.smarthost.clone(),
                auth_username: e.auth_username.clone(),
                auth_password: (password.file.is_some() || password.secret.is_some())
                    .then(|| source(password)),
                require_tls: e.require_tls,
            }
        }),
        opsgenie: r.opsgenie.as_ref().map(|o| OpsgenieModel {
            api_key: source(o.credential()),
            priority: o.priority.clone(),
            responders: o
                .responders
                .iter()
                .map(|r| ResponderModel {
                    kind: r.kind.as_str().to_owned(),
                    name: r.name.clone(),
                    id: r.id.clone(),
                    username: r.username.clone(),
                })
                .collect(),
        }),
    }
}

/// The check stage makes sure exactly one of the two is set.
fn source(c: Credential) -> SecretSource {
    match (c.file, c.secret) {
        (_, Some(s)) => SecretSource::Secret {
            name: s.name.clone(),
            key: s.key.clone(),
        },
        (Some(f), None) => SecretSource::File(f.to_owned()),
        (None, None) => SecretSource::File(String::new()),
    }
}

/// The alert the `prometheus` pack (and kube-prometheus) fires forever, for
/// a dead man's switch outside the cluster.
pub const WATCHDOG: &str = "Watchdog";

/// The receiver with no integration that takes the Watchdog by default; a
/// spec that defines a receiver of this name gets its own.
pub const NULL_RECEIVER: &str = "null";

/// Whether the route tree starts with monocle's route sending `Watchdog` to
/// the `null` receiver: the spec has an alert of that name and no route
/// picks alerts by that name. Without it the always-firing alert reaches
/// the root's receiver every repeat interval; a team that sends it to its
/// dead man's switch writes that route, and the default steps aside.
pub fn routes_watchdog_to_null(spec: &Spec, matchers: &RouteMatchers) -> bool {
    fn names_watchdog(m: &RouteMatchers) -> bool {
        m.matchers.iter().any(|m| {
            m.name == "alertname"
                && matches!(m.op, MatchOp::Equal | MatchOp::Regex)
                && m.matches_value(WATCHDOG)
        }) || m.routes.iter().any(names_watchdog)
    }
    spec.alerts.iter().any(|a| a.value.name == WATCHDOG) && !names_watchdog(matchers)
}

/// The route tree of one cluster: the routes whose `clusters` selector
/// selects it, with the matchers check parsed, after the Watchdog's route
/// when `watchdog` (see [`routes_watchdog_to_null`]). The one builder of
/// the tree: check runs the routing tests and finds unreachable routes on
/// it too.
pub fn route_tree(
    root: &spec::Route,
    matchers: &RouteMatchers,
    selected: &dyn Fn(&Option<SelectorText>) -> bool,
    watchdog: bool,
) -> RouteModel {
    let mut tree = route(root, matchers, Vec::new(), selected);
    if watchdog {
        let name = Matcher::new("alertname", MatchOp::Equal, WATCHDOG)
            .expect("a literal equality matcher is valid");
        tree.routes.insert(
            0,
            RouteModel {
                receiver: Some(NULL_RECEIVER.to_owned()),
                matchers: vec![name],
                // Not in the spec: diagnostics about it point at the root.
                at: Vec::new(),
                ..RouteModel::default()
            },
        );
    }
    tree
}

fn route(
    r: &spec::Route,
    m: &RouteMatchers,
    at: Vec<usize>,
    selected: &dyn Fn(&Option<SelectorText>) -> bool,
) -> RouteModel {
    let routes = r
        .routes
        .iter()
        .zip(&m.routes)
        .enumerate()
        .filter(|(_, (c, _))| selected(&c.clusters))
        .map(|(i, (c, cm))| {
            let mut child = at.clone();
            child.push(i);
            route(c, cm, child, selected)
        })
        .collect();
    RouteModel {
        receiver: r.receiver.clone(),
        matchers: m.matchers.clone(),
        continue_: r.continue_.unwrap_or(false),
        group_by: r.group_by.clone(),
        group_wait: r.group_wait.as_ref().map(|d| d.as_str().to_owned()),
        group_interval: r.group_interval.as_ref().map(|d| d.as_str().to_owned()),
        repeat_interval: r.repeat_interval.as_ref().map(|d| d.as_str().to_owned()),
        routes,
        mute_time_intervals: r.mute_time_intervals.clone(),
        active_time_intervals: r.active_time_intervals.clone(),
        at,
    }
}
