//! Alertmanager's time intervals (`timeinterval` of Alertmanager 0.25):
//! the syntax of `times`, `weekdays`, `days_of_month`, `months` and
//! `years`, and whether an instant falls in an interval, so routing tests
//! can say `at: 2026-12-01T10:00:00Z`.
//!
//! Locations: Alertmanager reads any IANA zone from the machine's tz
//! database. monocle's results must not depend on the machine, so it
//! evaluates zones with the IANA database compiled into it (chrono-tz);
//! `Local`, the Alertmanager machine's own zone, cannot be known, and a
//! routing test at an instant in it is a diagnostic, not a guess.

use std::fmt;

use crate::names::ValueError;

/// An inclusive range of numbers (weekdays 0 = Sunday, days of month
/// (negative: from the month's end), months 1–12, years).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub begin: i32,
    pub end: i32,
}

impl Range {
    fn contains(self, n: i32) -> bool {
        self.begin <= n && n <= self.end
    }
}

/// Minutes since midnight, 0–1440 (`24:00` is the end of the day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimeOfDay(pub u16);

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

/// An error blaming the whole value `text`.
fn err(text: &str, message: impl Into<String>) -> ValueError {
    ValueError::new(0, text.len(), message)
}

/// `HH:MM`, `00:00` to `24:00`, as Alertmanager's `start_time`/`end_time`.
pub fn parse_time(text: &str) -> Result<TimeOfDay, ValueError> {
    let bad = || {
        err(
            text,
            format!("`{text}` is not a time of day: write `HH:MM` from `00:00` to `24:00`"),
        )
    };
    let (h, m) = text.split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 || !(h.bytes().chain(m.bytes())).all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if m > 59 || h > 24 || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(TimeOfDay(h * 60 + m))
}

const WEEKDAYS: [&str; 7] = [
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
];

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// `begin:end` or one value, each parsed by `one`.
fn range(text: &str, one: impl Fn(&str) -> Result<i32, ValueError>) -> Result<Range, ValueError> {
    if let Some((b, e)) = text.split_once(':') {
        Ok(Range {
            begin: one(b)?,
            end: one(e)?,
        })
    } else {
        let n = one(text)?;
        Ok(Range { begin: n, end: n })
    }
}

/// `monday`, `monday:friday` (names in any case, as Alertmanager reads them).
pub fn parse_weekdays(text: &str) -> Result<Range, ValueError> {
    let one = |name: &str| {
        WEEKDAYS
            .iter()
            .position(|d| d.eq_ignore_ascii_case(name.trim()))
            .and_then(|i| i32::try_from(i).ok())
            .ok_or_else(|| {
                err(text, format!(
                    "`{name}` is not a weekday: write `monday` ... `sunday`, or a range such as `monday:friday`"
                ))
            })
    };
    let r = range(text, one)?;
    if r.begin > r.end {
        return Err(err(
            text,
            format!(
                "`{text}` ends before it starts: a weekday range runs from Sunday to Saturday (write two ranges for `saturday:sunday`)"
            ),
        ));
    }
    Ok(r)
}

fn number(piece: &str) -> Option<i32> {
    piece.trim().parse::<i32>().ok()
}

/// `1`, `1:15`, `-3:-1` (from the month's end); 1–31 or −31–−1.
pub fn parse_days_of_month(text: &str) -> Result<Range, ValueError> {
    let r = range(text, |t| {
        number(t).ok_or_else(|| err(text, format!("`{t}` is not a day of the month")))
    })?;
    for n in [r.begin, r.end] {
        if n == 0 || !(-31..=31).contains(&n) {
            return Err(err(
                text,
                format!(
                    "`{text}`: a day of the month is 1 to 31, or -31 to -1 counting from the month's end"
                ),
            ));
        }
    }
    // Alertmanager's test: a negative day counts as 30 + day, so `1:-1`
    // passes and `-1:5` does not.
    let plain = |n: i32| if n < 0 { 30 + n } else { n };
    if plain(r.begin) > plain(r.end) {
        return Err(err(text, format!("`{text}` ends before it starts")));
    }
    Ok(r)
}

/// `january`, `1`, `january:march`, `1:3`.
pub fn parse_months(text: &str) -> Result<Range, ValueError> {
    let one = |t: &str| {
        let t = t.trim();
        if let Some(i) = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(t)) {
            return Ok(i32::try_from(i).unwrap_or(0) + 1);
        }
        match t.parse::<i32>() {
            Ok(n) if (1..=12).contains(&n) => Ok(n),
            _ => Err(err(
                text,
                format!("`{t}` is not a month: write `january` ... `december` or 1 to 12"),
            )),
        }
    };
    let r = range(text, one)?;
    if r.begin > r.end {
        return Err(err(text, format!("`{text}` ends before it starts")));
    }
    Ok(r)
}

/// `2026`, `2026:2028`.
pub fn parse_years(text: &str) -> Result<Range, ValueError> {
    let r = range(text, |t| match number(t) {
        Some(n) if n > 0 => Ok(n),
        _ => Err(err(text, format!("`{t}` is not a year"))),
    })?;
    if r.begin > r.end {
        return Err(err(text, format!("`{text}` ends before it starts")));
    }
    Ok(r)
}

/// An RFC 3339 instant (`2026-12-01T10:00:00Z`, `2026-12-01T11:00:00+01:00`),
/// as seconds since the Unix epoch.
pub fn parse_instant(text: &str) -> Result<i64, ValueError> {
    let bad = || {
        err(
            text,
            format!("`{text}` is not an RFC 3339 instant such as `2026-12-01T10:00:00Z`"),
        )
    };
    let b = text.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') {
        return Err(bad());
    }
    if b[13] != b':' || b[16] != b':' {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| -> Result<i64, ValueError> {
        let s = text.get(r).ok_or_else(bad)?;
        if !s.bytes().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        s.parse().map_err(|_| bad())
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut rest = &text[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(bad());
        }
        rest = &frac[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first() {
                Some(b'+') => 1,
                Some(b'-') => -1,
                _ => return Err(bad()),
            };
            let r = &rest[1..];
            if r.len() != 5 || r.as_bytes()[2] != b':' {
                return Err(bad());
            }
            let (h, m) = (&r[..2], &r[3..]);
            let h: i64 = h.parse().map_err(|_| bad())?;
            let m: i64 = m.parse().map_err(|_| bad())?;
            if h > 23 || m > 59 {
                return Err(bad());
            }
            sign * (h * 3600 + m * 60)
        }
    };
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return Err(bad());
    }
    Ok(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count (inverse of [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = if month <= 2 {
        yoe + era * 400 + 1
    } else {
        yoe + era * 400
    };
    (year, month, day)
}

/// An instant as RFC 3339 in UTC (`2026-12-01T10:00:00Z`).
pub fn format_instant(instant: i64) -> String {
    let t = local(instant, 0);
    let second = instant.rem_euclid(60);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{second:02}Z",
        t.year,
        t.month,
        t.day,
        t.minute / 60,
        t.minute % 60
    )
}

/// A local date and time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Local {
    pub year: i64,
    pub month: i64,
    pub day: i64,
    /// 0 = Sunday.
    pub weekday: i64,
    /// Minutes since midnight.
    pub minute: i64,
}

fn local(instant: i64, offset: i64) -> Local {
    let t = instant + offset;
    let days = t.div_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    Local {
        year,
        month,
        day,
        // 1970-01-01 was a Thursday.
        weekday: (days + 4).rem_euclid(7),
        minute: t.rem_euclid(86_400) / 60,
    }
}

/// The offset (seconds east of UTC) of zone `name` at `instant`, or `None`
/// for `Local` or a name the IANA database does not have.
pub fn offset(name: &str, instant: i64) -> Option<i64> {
    use chrono::{Offset, TimeZone};
    let zone: chrono_tz::Tz = name.parse().ok()?;
    let utc = chrono::DateTime::from_timestamp(instant, 0)?.naive_utc();
    Some(i64::from(
        zone.offset_from_utc_datetime(&utc).fix().local_minus_utc(),
    ))
}

/// Whether Alertmanager (Go's `time.LoadLocation`) can read `name`: `UTC`,
/// `Local` or a zone of the IANA database.
pub fn is_location(name: &str) -> bool {
    name == "Local" || name.parse::<chrono_tz::Tz>().is_ok()
}

/// Every zone name of the IANA database, for suggestions.
pub fn location_names() -> impl Iterator<Item = &'static str> {
    chrono_tz::TZ_VARIANTS.iter().map(|zone| zone.name())
}

/// Whether a location name can be evaluated by routing tests.
pub fn known_location(name: &str) -> bool {
    offset(name, 0).is_some()
}

/// One of an interval's ranges, parsed: it holds an instant when every
/// field given holds it (an empty list holds every instant).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Period {
    pub times: Vec<(TimeOfDay, TimeOfDay)>,
    pub weekdays: Vec<Range>,
    pub days_of_month: Vec<Range>,
    pub months: Vec<Range>,
    pub years: Vec<Range>,
    /// `None`: UTC.
    pub location: Option<String>,
}

impl Period {
    /// Whether `instant` falls in the period; `None` when its location
    /// cannot be evaluated (`Local`).
    pub fn contains(&self, instant: i64) -> Option<bool> {
        let offset = match self.location.as_deref() {
            None => 0,
            Some(name) => offset(name, instant)?,
        };
        let t = local(instant, offset);
        let minute = t.minute;
        let times = self.times.is_empty()
            || self
                .times
                .iter()
                .any(|(s, e)| i64::from(s.0) <= minute && minute < i64::from(e.0));
        let weekdays = self.weekdays.is_empty()
            || self
                .weekdays
                .iter()
                .any(|r| r.contains(i32::try_from(t.weekday).unwrap_or(-1)));
        let last = days_in_month(t.year, t.month);
        let days = self.days_of_month.is_empty()
            || self.days_of_month.iter().any(|r| {
                // Negative days count from the month's end (-1 is the last);
                // clamped to the month like Alertmanager.
                let abs = |n: i32| {
                    let n = i64::from(n);
                    if n < 0 {
                        (last + n + 1).max(1)
                    } else {
                        n.min(last)
                    }
                };
                let (b, e) = (abs(r.begin), abs(r.end));
                b <= t.day && t.day <= e
            });
        let months = self.months.is_empty()
            || self
                .months
                .iter()
                .any(|r| r.contains(i32::try_from(t.month).unwrap_or(0)));
        let years = self.years.is_empty()
            || self
                .years
                .iter()
                .any(|r| r.contains(i32::try_from(t.year).unwrap_or(0)));
        Some(times && weekdays && days && months && years)
    }
}

/// A named interval: any of its periods.
pub fn contains(periods: &[Period], instant: i64) -> Option<bool> {
    let mut any = false;
    for p in periods {
        any |= p.contains(instant)?;
    }
    Some(any)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> i64 {
        parse_instant(text).unwrap()
    }

    #[test]
    fn instants() {
        assert_eq!(at("1970-01-01T00:00:00Z"), 0);
        assert_eq!(at("2026-12-01T10:00:00Z"), 1_796_119_200);
        assert_eq!(at("2026-12-01T11:00:00+01:00"), at("2026-12-01T10:00:00Z"));
        assert_eq!(at("2026-12-01T10:00:00.5Z"), at("2026-12-01T10:00:00Z"));
        assert_eq!(
            format_instant(at("2026-12-01T11:00:07+01:00")),
            "2026-12-01T10:00:07Z"
        );
        for bad in [
            "2026-12-01",
            "2026-13-01T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "2026-12-01T10:00:00",
        ] {
            assert!(parse_instant(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ranges() {
        assert_eq!(
            parse_weekdays("Monday:friday").unwrap(),
            Range { begin: 1, end: 5 }
        );
        assert!(parse_weekdays("friday:monday").is_err());
        assert!(parse_weekdays("mon").is_err());
        assert_eq!(parse_months("march").unwrap(), Range { begin: 3, end: 3 });
        assert!(parse_months("13").is_err());
        assert!(parse_days_of_month("0").is_err());
        assert!(parse_days_of_month("-3:-1").is_ok());
        assert!(parse_days_of_month("1:-1").is_ok());
        assert!(parse_days_of_month("-1:5").is_err());
        assert!(parse_years("2027:2026").is_err());
        assert_eq!(parse_time("24:00").unwrap(), TimeOfDay(1440));
        for bad in ["24:01", "9:00", "12:60", "ab:cd"] {
            assert!(parse_time(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn daylight_saving() {
        // 2026: EU summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(
            offset("Europe/Berlin", at("2026-03-29T00:59:59Z")),
            Some(3600)
        );
        assert_eq!(
            offset("Europe/Berlin", at("2026-03-29T01:00:00Z")),
            Some(7200)
        );
        assert_eq!(
            offset("Europe/Berlin", at("2026-10-25T00:59:59Z")),
            Some(7200)
        );
        assert_eq!(
            offset("Europe/Berlin", at("2026-10-25T01:00:00Z")),
            Some(3600)
        );
        // 2026: US from 8 March 02:00 EST (07:00 UTC) to 1 November 02:00 EDT (06:00 UTC).
        assert_eq!(
            offset("America/New_York", at("2026-03-08T06:59:59Z")),
            Some(-18000)
        );
        assert_eq!(
            offset("America/New_York", at("2026-03-08T07:00:00Z")),
            Some(-14400)
        );
        assert_eq!(
            offset("America/New_York", at("2026-11-01T05:59:59Z")),
            Some(-14400)
        );
        assert_eq!(
            offset("America/New_York", at("2026-11-01T06:00:00Z")),
            Some(-18000)
        );
        // Sydney: summer time until 5 April 2026 03:00 AEDT (16:00 UTC the day before).
        assert_eq!(
            offset("Australia/Sydney", at("2026-04-04T15:59:59Z")),
            Some(39600)
        );
        assert_eq!(
            offset("Australia/Sydney", at("2026-04-04T16:00:00Z")),
            Some(36000)
        );
        assert_eq!(
            offset("Australia/Sydney", at("2026-07-01T00:00:00Z")),
            Some(36000)
        );
        assert_eq!(
            offset("Asia/Kolkata", at("2026-07-01T00:00:00Z")),
            Some(19800)
        );
        // Zones no hand-written table had: a 45-minute offset, and Chile's
        // southern summer time (UTC-3 in January, UTC-4 in July).
        assert_eq!(
            offset("Asia/Kathmandu", at("2026-07-01T00:00:00Z")),
            Some(20700)
        );
        assert_eq!(
            offset("America/Santiago", at("2026-01-15T00:00:00Z")),
            Some(-10800)
        );
        assert_eq!(
            offset("America/Santiago", at("2026-07-15T00:00:00Z")),
            Some(-14400)
        );
        assert_eq!(offset("Mars/Olympus", 0), None);
        assert_eq!(offset("Local", 0), None);
        assert!(is_location("Local") && is_location("UTC") && !is_location("Europe/Berln"));
    }

    #[test]
    fn periods() {
        let business = Period {
            times: vec![(parse_time("09:00").unwrap(), parse_time("17:00").unwrap())],
            weekdays: vec![parse_weekdays("monday:friday").unwrap()],
            location: Some("Europe/Berlin".into()),
            ..Period::default()
        };
        // Tuesday 1 December 2026, 10:00 UTC = 11:00 in Berlin.
        assert_eq!(business.contains(at("2026-12-01T10:00:00Z")), Some(true));
        // 16:30 UTC = 17:30 in Berlin.
        assert_eq!(business.contains(at("2026-12-01T16:30:00Z")), Some(false));
        // Saturday.
        assert_eq!(business.contains(at("2026-12-05T10:00:00Z")), Some(false));
        let last_days = Period {
            days_of_month: vec![parse_days_of_month("-2:-1").unwrap()],
            ..Period::default()
        };
        assert_eq!(last_days.contains(at("2026-02-27T12:00:00Z")), Some(true));
        assert_eq!(last_days.contains(at("2026-02-26T12:00:00Z")), Some(false));
    }
}
