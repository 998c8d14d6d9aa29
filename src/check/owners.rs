//! Whose series a query's selector reads, so the lints that know how a
//! service is scraped (the labels the operator sets, the labels it drops)
//! apply that knowledge only where it holds. A selector whose `job="..."`
//! names the job of services of the spec reads their series, whatever rule
//! it is in (an alert without a service often reads another team's
//! series). Any other selector reads the series of the rule's own service,
//! unless its `job="..."` names a job that service's series never carry; a
//! rule without a service then says nothing.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use promql_parser::label::MatchOp;
use promql_parser::parser::{Expr, VectorSelector};

use super::Spec;
use super::placement::Placement;
use crate::spec::{RelabelAction, Service};

/// The services of a spec by the job of their series.
pub struct Owners<'a> {
    jobs: BTreeMap<String, Vec<&'a Service>>,
    /// Names of the services whose job is known (on every cluster).
    known: BTreeSet<&'a str>,
    /// Every service by name (a name may come from several pack listings):
    /// looked up for each selector, of which a fleet has tens of thousands.
    by_name: HashMap<&'a str, Vec<&'a Service>>,
}

/// The services a selector reads, and the `job` value that says so (none
/// when they are the rule's own service, by default).
pub struct Owner<'a, 'e> {
    pub services: Vec<&'a Service>,
    pub job: Option<&'e str>,
}

impl Owner<'_, '_> {
    /// The services' names, each once, for messages: `` `a` `` or
    /// `` `a` (`job="x"`) ``.
    pub fn describe(&self) -> String {
        let names: BTreeSet<&str> = self.services.iter().map(|s| s.name.as_str()).collect();
        let names = names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ");
        match self.job {
            Some(job) => format!("{names} (`job=\"{job}\"`)"),
            None => names,
        }
    }
}

impl<'a> Owners<'a> {
    pub fn of(spec: &'a Spec) -> Self {
        let placement = Placement::of(spec);
        let mut jobs: BTreeMap<String, Vec<&Service>> = BTreeMap::new();
        let mut known = BTreeSet::new();
        for item in &spec.services {
            let s = &item.value;
            if rewrites_job(s) {
                continue;
            }
            // A PodMonitor's job names the namespace its cluster's
            // Prometheus keeps monitors in, which clusters may change.
            let mut mine = BTreeSet::new();
            for cluster in placement.clusters.iter().filter(|c| c.selects(&s.clusters)) {
                if let Some(job) = crate::lower::job(s, cluster.monitor_namespace()) {
                    mine.insert(job);
                }
            }
            if !mine.is_empty() {
                known.insert(s.name.as_str());
            }
            for job in mine {
                jobs.entry(job).or_default().push(s);
            }
        }
        let mut by_name: HashMap<&str, Vec<&Service>> = HashMap::new();
        for item in &spec.services {
            by_name
                .entry(&item.value.name)
                .or_default()
                .push(&item.value);
        }
        Owners {
            jobs,
            known,
            by_name,
        }
    }

    /// The services whose series `selector`, in a rule of `service` (empty
    /// when it has none), reads, when the spec says.
    pub fn of_selector<'e>(
        &self,
        selector: &'e VectorSelector,
        service: &str,
    ) -> Option<Owner<'a, 'e>> {
        let job = selector
            .matchers
            .matchers
            .iter()
            .find(|m| m.name == "job" && matches!(m.op, MatchOp::Equal))
            .map(|m| m.value.as_str());
        if let Some(job) = job {
            if let Some(services) = self.jobs.get(job) {
                return Some(Owner {
                    services: services.clone(),
                    job: Some(job),
                });
            }
            if self.known.contains(service) {
                // Another job than the service's own: someone else's series.
                return None;
            }
        }
        // Pack listings with disjoint clusters may each bring the service.
        let services = self.by_name.get(service)?;
        Some(Owner {
            services: services.clone(),
            job: None,
        })
    }
}

/// Every vector selector of `expr` (a range's too).
pub fn selectors(expr: &Expr) -> Vec<&VectorSelector> {
    let mut out = Vec::new();
    super::promql::walk(expr, &mut |e| match e {
        Expr::VectorSelector(v) => out.push(v),
        Expr::MatrixSelector(m) => out.push(&m.vs),
        _ => {}
    });
    out
}

/// Whether the service's own relabelings (or `drop_labels`) may change or
/// remove the `job` the operator sets, so its series' job is not known.
fn rewrites_job(s: &Service) -> bool {
    if s.drop_labels.iter().any(|l| l == "job") {
        return true;
    }
    s.endpoints
        .iter()
        .flat_map(|e| e.relabelings.iter().chain(&e.metric_relabelings))
        .any(|r| {
            let regex = || {
                let re = r.regex.as_deref().unwrap_or("(.*)");
                regex::Regex::new(&format!("^(?:{re})$")).map_or(true, |re| re.is_match("job"))
            };
            match r.action {
                Some(RelabelAction::Labelmap) => true,
                Some(RelabelAction::Labeldrop) => regex(),
                Some(RelabelAction::Labelkeep) => !regex(),
                _ => r.target_label.as_deref() == Some("job"),
            }
        })
}
