//! Burn-rate policy: the multiwindow, multi-burn-rate alerts of the SRE
//! workbook, as Sloth writes them. A page fires when 2% of the error budget
//! burns within an hour or 5% within six hours; a ticket when 10% burns
//! within a day or three days. Each condition also needs its short window
//! (a twelfth of the long one) over the threshold, so an alert stops soon
//! after the burn does.

use crate::model::rules::{BurnAlertModel, BurnConditionModel};
use crate::promql::round;
use crate::units::Duration;

/// A burn-rate condition before it is scaled to an SLO's window.
struct Condition {
    short: Duration,
    long: Duration,
    /// Share of the error budget this condition lets burn (percent).
    budget_share: f64,
}

const PAGE: [Condition; 2] = [
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
];

const TICKET: [Condition; 2] = [
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
];

/// The page alert of an SLO over `window`, at `severity` (`None`: off).
pub fn page(window: Duration, severity: Option<String>) -> BurnAlertModel {
    alert(&PAGE, window, severity)
}

/// The ticket alert of an SLO over `window`, at `severity` (`None`: off).
pub fn ticket(window: Duration, severity: Option<String>) -> BurnAlertModel {
    alert(&TICKET, window, severity)
}

fn alert(
    conditions: &[Condition; 2],
    window: Duration,
    severity: Option<String>,
) -> BurnAlertModel {
    BurnAlertModel {
        severity,
        conditions: conditions.each_ref().map(|c| BurnConditionModel {
            short: c.short,
            long: c.long,
            factor: factor(c, window),
        }),
    }
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

    fn factors(alert: &BurnAlertModel) -> Vec<f64> {
        alert.conditions.iter().map(|c| c.factor).collect()
    }

    #[test]
    fn factors_scale_with_the_window() {
        assert_eq!(factors(&page(Duration::days(30), None)), [14.4, 6.0]);
        assert_eq!(factors(&ticket(Duration::days(30), None)), [3.0, 1.0]);
        assert_eq!(factors(&page(Duration::days(28), None)), [13.44, 5.6]);
    }

    #[test]
    fn windows_print_as_sloth_names_them() {
        let windows: Vec<String> = PAGE
            .iter()
            .chain(&TICKET)
            .flat_map(|c| [c.short.to_string(), c.long.to_string()])
            .collect();
        assert_eq!(windows, ["5m", "1h", "30m", "6h", "2h", "1d", "6h", "3d"]);
    }
}
