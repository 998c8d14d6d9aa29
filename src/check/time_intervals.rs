//! Time intervals: each period's time ranges and location, the intervals
//! routes name (defined, never on the root), and intervals no route uses.
//! The syntax of each field is checked with the typed scalars
//! (`check/scalars.rs`); names are unique (`check/names.rs`).

use std::collections::BTreeSet;

use super::merged::routes;
use super::{Ctx, Spec};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::codes;
use crate::names::did_you_mean;
use crate::routing::time::{is_location, location_names};

pub fn check(spec: &Spec, ctx: &mut Ctx) {
    for item in &spec.time_intervals {
        for (i, period) in item.value.intervals.iter().enumerate() {
            let i = i.to_string();
            for (j, range) in period.times.iter().enumerate() {
                if range.start.value() >= range.end.value() {
                    ctx.push(
                        Diagnostic::error(
                            codes::ROUTING_INVALID_TIME_RANGE,
                            format!(
                                "this time range ends at {} before or when it starts at {}: Alertmanager refuses it",
                                range.end, range.start
                            ),
                        )
                        .at(item.span(&["intervals", &i, "times", &j.to_string(), "end"]))
                        .label("not after `start`")
                        .help("a range cannot pass midnight: write two, e.g. `{start: \"22:00\", end: \"24:00\"}` and `{start: \"00:00\", end: \"06:00\"}`"),
                    );
                }
            }
            if let Some(location) = &period.location
                && !is_location(location)
            {
                let help = match did_you_mean(location, location_names()) {
                    Some(zone) => format!("did you mean `{zone}`?"),
                    None => "write an IANA time zone such as `Europe/Berlin` or `America/New_York`, or `UTC`".to_owned(),
                };
                ctx.push(
                    Diagnostic::error(
                        codes::ROUTING_INVALID_LOCATION,
                        format!("`{location}` is not a time zone Alertmanager can load"),
                    )
                    .at(item.span(&["intervals", &i, "location"]))
                    .label("not in the IANA time zone database")
                    .help(help),
                );
            }
        }
    }
    let Some(root) = &spec.route else { return };
    let defined: Vec<&str> = spec
        .time_intervals
        .iter()
        .map(|i| i.value.name.as_str())
        .collect();
    let mut used = BTreeSet::new();
    let mut unknown = false;
    for (path, route) in routes(&root.value) {
        for (field, names) in [
            ("mute_time_intervals", &route.mute_time_intervals),
            ("active_time_intervals", &route.active_time_intervals),
        ] {
            let mut at: Vec<&str> = path.iter().map(String::as_str).collect();
            at.push(field);
            if path.is_empty() && !names.is_empty() {
                ctx.push(
                    Diagnostic::error(
                        codes::ROUTING_ROOT_TIME_INTERVALS,
                        format!("the root route cannot have `{field}`: Alertmanager refuses it"),
                    )
                    .at(root.key_span(&[], field))
                    .label("not allowed on the root")
                    .help("mute or activate a child route under `routes` instead"),
                );
            }
            for (n, name) in names.iter().enumerate() {
                used.insert(name.as_str());
                if defined.contains(&name.as_str()) {
                    continue;
                }
                unknown = true;
                let n = n.to_string();
                let mut span_path = at.clone();
                span_path.push(&n);
                let mut diag = Diagnostic::error(
                    codes::ROUTING_UNKNOWN_TIME_INTERVAL,
                    format!("unknown time interval `{name}`"),
                )
                .at(root.span(&span_path))
                .label("no time interval has this name");
                diag = match did_you_mean(name, defined.iter().copied()) {
                    Some(hint) => diag.help(format!("did you mean `{hint}`?")),
                    None if defined.is_empty() => diag.help(
                        "define it under `routing.time_intervals` (`{name, intervals: [{times, weekdays, ...}]}`)",
                    ),
                    None => diag.help(format!(
                        "defined time intervals: {}",
                        defined
                            .iter()
                            .map(|d| format!("`{d}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                };
                ctx.push(diag);
            }
        }
    }
    if unknown {
        // Often a typo of the one that would look unused: the error says enough.
        return;
    }
    for item in &spec.time_intervals {
        let name = item.value.name.as_str();
        if !used.contains(name) {
            ctx.push(
                Diagnostic::warning(
                    codes::ROUTING_UNUSED_TIME_INTERVAL,
                    format!("time interval `{name}` is not used by any route"),
                )
                .at(item.span(&["name"]))
                .label("unused")
                .help(format!(
                    "mute a route with `mute_time_intervals: [{name}]` (or `active_time_intervals`), or remove it"
                )),
            );
        }
    }
}
