//! `monitor`: the bucketed monitor daemon's settings (durations, sizes,
//! bucket count, monitors) and its capacity against the memory budget,
//! with the same maths as the capacity report ([`crate::capacity`]).
//! Monitor names (unique, DNS labels) are checked with the other names.

use crate::diagnostic::codes;
use std::collections::BTreeSet;

use super::{Ctx, Spec};
use crate::capacity::{self, Settings};
use crate::diagnostic::Diagnostic;
use crate::model::buckets::{BUCKETS_FILE, DEFAULT_BUCKETS, MAX_BUCKETS, valid_bucket_count};

pub fn check(spec: &Spec, ctx: &mut Ctx) {
    let Some(item) = &spec.monitor else {
        return;
    };
    let m = &item.value;
    let settings = Settings::of(m);
    let (interval, timeout) = (settings.check_interval, settings.check_timeout);
    let mut timing_ok = true;
    {
        if timeout >= interval {
            timing_ok = false;
            ctx.push(
                Diagnostic::error(
                    codes::MONITOR_TIMEOUT_TOO_LONG,
                    format!(
                        "check timeout `{}` must be shorter than the check interval `{}`",
                        m.check_timeout.as_str(),
                        m.check_interval.as_str()
                    ),
                )
                .at(item.span(&["check_timeout"])),
            );
        } else if timeout.millis == 0 {
            timing_ok = false;
            ctx.push(
                Diagnostic::error(
                    codes::MONITOR_ZERO_TIMEOUT,
                    "a check timeout of zero would fail every check",
                )
                .at(item.span(&["check_timeout"]))
                .label("no time to check")
                .help("give a check the time it needs, e.g. `30s`"),
            );
        }
    }
    let buckets = settings.buckets;
    if !valid_bucket_count(buckets) {
        ctx.push(
            Diagnostic::error(
                codes::MONITOR_INVALID_BUCKETS,
                format!("bucket count {buckets} is not a power of two between 1 and {MAX_BUCKETS}"),
            )
            .at(item.span(&["buckets"]))
            .help(format!(
                "use {DEFAULT_BUCKETS} unless you have a reason not to"
            )),
        );
    }
    let monitors = m.monitors.iter().collect::<BTreeSet<_>>().len() as u32;
    if monitors == 0 {
        ctx.push(
            Diagnostic::error(
                codes::MONITOR_NO_MONITORS,
                "the monitor daemon needs at least one monitor",
            )
            .at(item.span(&["monitors"])),
        );
    } else if valid_bucket_count(buckets) && monitors > buckets {
        ctx.push(
            Diagnostic::warning(
                codes::MONITOR_IDLE_MONITORS,
                format!(
                    "{monitors} monitors share {buckets} bucket(s): {} of them will own no bucket",
                    monitors - buckets
                ),
            )
            .at(item.span(&["monitors"]))
            .help("raise `buckets`, or remove monitors"),
        );
    }

    let clusters = spec.clusters.len() as u64;
    if m.expected_clusters < clusters {
        ctx.push(
            Diagnostic::warning(
                codes::MONITOR_EXPECTED_CLUSTERS_TOO_LOW,
                format!(
                    "`expected_clusters` is {}, but the spec already has {clusters} clusters",
                    m.expected_clusters
                ),
            )
            .at(item.span(&["expected_clusters"]))
            .label("the capacity report plans for this many")
            .help(format!("plan for the whole fleet: at least {clusters}")),
        );
    }

    // The daemon's folder sits next to the cluster folders.
    let folder = BUCKETS_FILE.split('/').next().unwrap_or_default();
    for cluster in &spec.clusters {
        if cluster.value.name == folder {
            ctx.push(
                Diagnostic::error(
                    codes::MONITOR_RESERVED_CLUSTER_NAME,
                    format!(
                        "a cluster named `{folder}` would share `{folder}/` with the monitor daemon's bucket config"
                    ),
                )
                .at(cluster.span(&["name"]))
                .related(item.key_span(&[], "monitors"), "the spec configures the monitor daemon here")
                .help("rename the cluster"),
            );
        }
    }

    if !timing_ok || monitors == 0 || !valid_bucket_count(buckets) {
        return;
    }
    let share = settings.busiest_share(monitors);
    let busiest = settings.capacity(share);
    if busiest.within_budget {
        return;
    }
    let help = match settings.monitors_needed() {
        Some(needed) => {
            let share = settings.busiest_share(needed);
            format!(
                "{needed} monitors would fit (at most {share} buckets and {} each); or raise `memory.budget`",
                capacity::bytes(settings.capacity(share).memory_bytes)
            )
        }
        None => format!(
            "no number of monitors fits: every monitor caches all {} clusters ({}); raise `memory.budget` or lower `memory.per_cluster`",
            capacity::thousands(m.expected_clusters),
            capacity::bytes(busiest.cache_bytes)
        ),
    };
    ctx.push(
        Diagnostic::error(
            codes::MONITOR_OVER_BUDGET,
            format!(
                "the busiest monitor needs {}, over its {} memory budget: {} cached clusters × {} = {} + {} workers × {} = {}",
                capacity::bytes(busiest.memory_bytes),
                capacity::bytes(settings.budget.bytes.into()),
                capacity::thousands(m.expected_clusters),
                capacity::bytes(settings.per_cluster.bytes.into()),
                capacity::bytes(busiest.cache_bytes),
                capacity::thousands(busiest.workers),
                capacity::bytes(settings.per_worker.bytes.into()),
                capacity::bytes(busiest.worker_bytes),
            ),
        )
        .at(item.span(&["memory", "budget"]))
        .label(format!(
            "with {monitors} monitor(s) the busiest owns {share} of {buckets} buckets: {} clusters, {:.2} checks/s",
            capacity::thousands(busiest.clusters),
            busiest.checks_per_second
        ))
        .help(help),
    );
}
