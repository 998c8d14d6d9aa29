//! Burn-rate policy: the multiwindow, multi-burn-rate alerts of the SRE
//! workbook, as Sloth writes them. A page fires when 2% of the error budget
//! burns within an hour or 5% within six hours; a ticket when 10% burns
//! within a day or three days. Each condition also needs its short window
//! (a twelfth of the long one) over the threshold, so an alert stops soon
//! after the burn does.

use crate::model::rules::BurnConditionModel;
use crate::promql::round;
use crate::spec::{BurnWindow, SloWindows};
use crate::units::Duration;

/// A burn-rate condition before it is scaled to an SLO's window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Condition {
    pub short: Duration,
    pub long: Duration,
    /// Share of the error budget this condition lets burn (percent).
    pub budget_share: f64,
}

/// The conditions of both alerts of an SLO: each alert fires on either of
/// its two.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Policy {
    pub page: [Condition; 2],
    pub ticket: [Condition; 2],
}

/// The SRE workbook's windows, which Sloth ships as `google-30d` and
/// `google-28d` (the same numbers; the factors scale with the period).
pub const DEFAULT: Policy = Policy {
    page: [
        Condition {
            short: Duration::minutes(5),
            long: Duration::hours(1),
            budget_share: 2.0,
        },
        Condition {
            short: Duration::minutes(30),
            long: Duration::hours(6),
            budget_share: 5.0,
        },
    ],
    ticket: [
        Condition {
            short: Duration::hours(2),
            long: Duration::days(1),
            budget_share: 10.0,
        },
        Condition {
            short: Duration::hours(6),
            long: Duration::days(3),
            budget_share: 10.0,
        },
    ],
};

/// The policy of an SLO over `period`: the `slo_windows` entry of that
/// period (check refuses two), or [`DEFAULT`].
pub fn policy(windows: &[&SloWindows], period: Duration) -> Policy {
    let condition = |w: &BurnWindow| Condition {
        short: *w.short.value(),
        long: *w.long.value(),
        budget_share: w.budget_percent,
    };
    windows
        .iter()
        .find(|w| *w.period.value() == period)
        .map_or(DEFAULT, |w| Policy {
            page: [condition(&w.page.quick), condition(&w.page.slow)],
            ticket: [condition(&w.ticket.quick), condition(&w.ticket.slow)],
        })
}

/// The conditions of one alert, scaled to an SLO over `window`.
pub fn scaled(conditions: &[Condition; 2], window: Duration) -> [BurnConditionModel; 2] {
    conditions.each_ref().map(|c| BurnConditionModel {
        short: c.short,
        long: c.long,
        factor: factor(c, window),
    })
}

/// Every window the conditions of `policy` read, shortest first, without
/// `period` (Sloth records the SLI over each).
pub fn sli_windows(policy: &Policy, period: Duration) -> Vec<Duration> {
    let mut windows: Vec<Duration> = policy
        .page
        .iter()
        .chain(&policy.ticket)
        .flat_map(|c| [c.short, c.long])
        .filter(|w| *w != period)
        .collect();
    windows.sort_by_key(|w| w.millis);
    windows.dedup();
    windows
}

/// The budget share burnt over the long window, scaled to the SLO window
/// (30d: 14.4, 6, 3, 1; 28d: 13.44, 5.6, 2.8, 0.93).
fn factor(c: &Condition, window: Duration) -> f64 {
    let window_hours = window.as_secs_f64() / 3600.0;
    let long_hours = c.long.as_secs_f64() / 3600.0;
    round(c.budget_share / 100.0 * window_hours / long_hours)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn factors(conditions: &[Condition; 2], window: Duration) -> Vec<f64> {
        scaled(conditions, window)
            .iter()
            .map(|c| c.factor)
            .collect()
    }

    #[test]
    fn factors_scale_with_the_window() {
        assert_eq!(factors(&DEFAULT.page, Duration::days(30)), [14.4, 6.0]);
        assert_eq!(factors(&DEFAULT.ticket, Duration::days(30)), [3.0, 1.0]);
        assert_eq!(factors(&DEFAULT.page, Duration::days(28)), [13.44, 5.6]);
    }

    #[test]
    fn windows_print_as_sloth_names_them() {
        let windows: Vec<String> = sli_windows(&DEFAULT, Duration::days(30))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(windows, ["5m", "30m", "1h", "2h", "6h", "1d", "3d"]);
    }
}
