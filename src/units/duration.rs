//! Prometheus durations (`5m`, `1h30m`).

use std::fmt;
use std::str::FromStr;

use crate::names::{ValueError, describe_char, quoted};

pub(super) const SECOND: u64 = 1000;
pub(super) const MINUTE: u64 = 60 * SECOND;
pub(super) const HOUR: u64 = 60 * MINUTE;
pub(super) const DAY: u64 = 24 * HOUR;
pub(super) const WEEK: u64 = 7 * DAY;
pub(super) const YEAR: u64 = 365 * DAY;

/// Duration units in the only order Prometheus accepts them, with their length in ms.
pub(super) const DURATION_UNITS: [(&str, u64); 7] = [
    ("y", YEAR),
    ("w", WEEK),
    ("d", DAY),
    ("h", HOUR),
    ("m", MINUTE),
    ("s", SECOND),
    ("ms", 1),
];

pub(super) const DURATION_UNIT_HELP: &str =
    "use one of `ms`, `s`, `m`, `h`, `d`, `w`, `y`, e.g. `5m`";

/// Longest duration Prometheus can hold: it stores durations as `i64` nanoseconds
/// (about 292 years), and rejects anything longer at load time.
pub const MAX_DURATION_MILLIS: u64 = i64::MAX as u64 / 1_000_000;

/// A Prometheus duration, with millisecond precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration {
    pub millis: u64,
}

impl Duration {
    /// `n` minutes.
    pub const fn minutes(n: u64) -> Duration {
        Duration { millis: n * MINUTE }
    }

    /// `n` hours.
    pub const fn hours(n: u64) -> Duration {
        Duration { millis: n * HOUR }
    }

    /// `n` days.
    pub const fn days(n: u64) -> Duration {
        Duration { millis: n * DAY }
    }

    /// Parses a Prometheus duration: one or more `<digits><unit>` parts with units in
    /// decreasing order (`y w d h m s ms`, each at most once), e.g. `30s`, `1h30m`.
    /// Unlike Prometheus, a bare `0` is rejected (write `0s`), so every duration in a
    /// spec says what unit it means.
    pub fn parse(s: &str) -> Result<Duration, ValueError> {
        if s.is_empty() {
            return Err(ValueError::new(0, 0, "empty duration")
                .with_help("write a duration like `30s`, `5m` or `1h30m`"));
        }
        if s == "0" {
            return Err(ValueError::new(0, 1, "a duration needs a unit")
                .with_help("write `0s` for zero, or e.g. `5m`"));
        }
        let mut pos = 0;
        let mut total: u64 = 0;
        let mut last_unit: Option<usize> = None;
        while pos < s.len() {
            let part_start = pos;
            let digits_end = pos + count_ascii_digits(&s[pos..]);
            if digits_end == pos {
                return Err(unexpected_in_duration(s, pos));
            }
            let digits = &s[pos..digits_end];
            if s[digits_end..].starts_with('.') {
                return Err(decimal_duration(s, part_start, digits_end));
            }
            let unit_end = digits_end + alphabetic_len(&s[digits_end..]);
            let unit = &s[digits_end..unit_end];
            if unit.is_empty() {
                if digits_end == s.len() {
                    return Err(ValueError::new(
                        part_start,
                        digits_end,
                        format!("missing unit after {} in duration", quoted(digits)),
                    )
                    .with_help(format!(
                        "add a unit, e.g. {} or {}; units are `ms`, `s`, `m`, `h`, `d`, `w`, `y`",
                        example(digits, "s"),
                        example(digits, "m")
                    )));
                }
                return Err(unexpected_in_duration(s, digits_end));
            }
            let part = &s[part_start..unit_end];
            let Some(index) = DURATION_UNITS.iter().position(|(u, _)| *u == unit) else {
                return Err(ValueError::new(
                    digits_end,
                    unit_end,
                    format!("unknown duration unit {} in {}", quoted(unit), quoted(part)),
                )
                .with_help(duration_unit_help(unit, digits)));
            };
            if let Some(last) = last_unit
                && index <= last
            {
                let message = if index == last {
                    format!("duration unit `{unit}` appears twice in {}", quoted(s))
                } else {
                    format!(
                        "duration unit `{unit}` cannot come after `{}` in {}",
                        DURATION_UNITS[last].0,
                        quoted(s)
                    )
                };
                return Err(ValueError::new(part_start, unit_end, message).with_help(
                    "write each unit at most once, largest first (`y`, `w`, `d`, `h`, `m`, `s`, `ms`), e.g. `1h30m`",
                ));
            }
            let millis = digits
                .parse::<u64>()
                .ok()
                .and_then(|n| n.checked_mul(DURATION_UNITS[index].1))
                .and_then(|ms| ms.checked_add(total))
                .filter(|ms| *ms <= MAX_DURATION_MILLIS);
            let Some(millis) = millis else {
                return Err(ValueError::new(
                    part_start,
                    unit_end,
                    format!("duration {} is too long", quoted(s)),
                )
                .with_help("Prometheus durations must be shorter than about 292 years"));
            };
            total = millis;
            last_unit = Some(index);
            pos = unit_end;
        }
        Ok(Duration { millis: total })
    }

    pub fn as_secs_f64(&self) -> f64 {
        self.millis as f64 / 1000.0
    }
}

impl FromStr for Duration {
    type Err = ValueError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Duration::parse(s)
    }
}

/// Prometheus's own `model.Duration.String()`: largest units first, but years and
/// weeks only when they divide the remaining time exactly (so 30 days is `30d`, not
/// `4w2d`; 14 days is `2w`; 90 minutes is `1h30m`). Zero is `0s`.
impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.millis == 0 {
            return f.write_str("0s");
        }
        let mut rest = self.millis;
        for (i, (unit, mult)) in DURATION_UNITS.iter().enumerate() {
            let exact_only = i < 2; // `y` and `w`
            if exact_only && !rest.is_multiple_of(*mult) {
                continue;
            }
            let n = rest / mult;
            if n > 0 {
                write!(f, "{n}{unit}")?;
                rest -= n * mult;
            }
        }
        Ok(())
    }
}

/// `number` and `unit` together in backticks, shortened like [`quoted`], for "write
/// this instead" help texts.
pub(super) fn example(number: &str, unit: &str) -> String {
    quoted(&format!("{number}{unit}"))
}

pub(super) fn count_ascii_digits(s: &str) -> usize {
    s.bytes().take_while(u8::is_ascii_digit).count()
}

/// Byte length of the run of alphabetic characters at the start of `s` (Unicode, so
/// that `5µs` reports the unit `µs` rather than a stray byte).
pub(super) fn alphabetic_len(s: &str) -> usize {
    s.chars()
        .take_while(|c| c.is_alphabetic())
        .map(char::len_utf8)
        .sum()
}

pub(super) fn whitespace_len(s: &str) -> usize {
    s.chars()
        .take_while(|c| c.is_whitespace())
        .map(char::len_utf8)
        .sum()
}

/// `s` without its whitespace, if that parses with `parse`: a concrete fix for
/// `1h 30m` or `1 GB`.
pub(super) fn without_spaces<T>(
    s: &str,
    parse: fn(&str) -> Result<T, ValueError>,
) -> Option<String> {
    let fixed: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    parse(&fixed).is_ok().then_some(fixed)
}

/// Error for a character where a duration part (a number) should start.
pub(super) fn unexpected_in_duration(s: &str, pos: usize) -> ValueError {
    let c = s[pos..].chars().next().unwrap_or(' ');
    let one = (pos, pos + c.len_utf8());
    match c {
        '-' if pos == 0 => ValueError::new(one.0, one.1, "durations cannot be negative")
            .with_help("remove the `-`"),
        '+' if pos == 0 => {
            ValueError::new(one.0, one.1, "durations take no sign").with_help("remove the `+`")
        }
        c if c.is_whitespace() => {
            let end = pos + whitespace_len(&s[pos..]);
            let err = ValueError::new(pos, end, "spaces are not allowed in durations");
            match without_spaces(s, Duration::parse) {
                Some(fixed) => err.with_help(format!("write {}", quoted(&fixed))),
                None => err.with_help("write the parts together, e.g. `1h30m`"),
            }
        }
        '.' => ValueError::new(one.0, one.1, "decimals are not allowed in durations")
            .with_help("use a smaller unit instead, e.g. `500ms` or `90m`"),
        c if c.is_alphabetic() && pos == 0 => {
            let end = alphabetic_len(s);
            ValueError::new(
                0,
                end,
                format!("duration {} must start with a number", quoted(s)),
            )
            .with_help("write the number before the unit, e.g. `5m`")
        }
        c => ValueError::new(
            one.0,
            one.1,
            format!(
                "unexpected character {} in duration {}",
                describe_char(c),
                quoted(s)
            ),
        )
        .with_help("a duration looks like `30s`, `5m` or `1h30m`"),
    }
}

/// Error for `1.5h`: underlines the whole part and, when the value is a whole number
/// of milliseconds, says exactly what to write instead.
pub(super) fn decimal_duration(s: &str, part_start: usize, dot: usize) -> ValueError {
    let frac_end = dot + 1 + count_ascii_digits(&s[dot + 1..]);
    let unit_end = frac_end + alphabetic_len(&s[frac_end..]);
    let (int, frac, unit) = (
        &s[part_start..dot],
        &s[dot + 1..frac_end],
        &s[frac_end..unit_end],
    );
    let err = ValueError::new(
        part_start,
        unit_end.max(dot + 1),
        format!(
            "decimals are not allowed in durations: {}",
            quoted(&s[part_start..unit_end.max(dot + 1)])
        ),
    );
    let exact = DURATION_UNITS
        .iter()
        .find(|(u, _)| *u == unit)
        .and_then(|(_, mult)| decimal_times(int, frac, u128::from(*mult)))
        .filter(|(_, remainder)| *remainder == 0)
        .and_then(|(millis, _)| u64::try_from(millis).ok())
        .filter(|ms| *ms > 0 && *ms <= MAX_DURATION_MILLIS);
    match exact {
        Some(millis) => err.with_help(format!("write `{}`", Duration { millis })),
        None => err.with_help("use a smaller unit instead, e.g. `90m` rather than `1.5h`"),
    }
}

/// `int.frac × mult` as (whole part, nonzero-if-fractional remainder), exactly, or
/// `None` on overflow or more than 24 decimals.
pub(super) fn decimal_times(int: &str, frac: &str, mult: u128) -> Option<(u128, u128)> {
    const MAX_DECIMALS: u32 = 24;
    let decimals = u32::try_from(frac.len())
        .ok()
        .filter(|d| *d <= MAX_DECIMALS)?;
    let int: u128 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let frac: u128 = if frac.is_empty() {
        0
    } else {
        frac.parse().ok()?
    };
    let scale = 10u128.pow(decimals);
    // frac < 10^24 < 2^80 and mult < 2^41, so this product cannot overflow.
    let frac_scaled = frac.checked_mul(mult)?;
    let whole = int.checked_mul(mult)?.checked_add(frac_scaled / scale)?;
    Some((whole, frac_scaled % scale))
}

/// Help for an unknown duration unit: the real unit when the user wrote a synonym or
/// the wrong case, otherwise the list.
pub(super) fn duration_unit_help(unit: &str, digits: &str) -> String {
    if unit == "M" {
        return format!(
            "duration units are lowercase and {} means minutes; there is no month unit, use days such as `30d`",
            example(digits, "m")
        );
    }
    let canonical = match unit.to_lowercase().as_str() {
        "ms" | "msec" | "msecs" | "millis" | "millisecond" | "milliseconds" => "ms",
        "s" | "sec" | "secs" | "second" | "seconds" => "s",
        "m" | "min" | "mins" | "minute" | "minutes" => "m",
        "h" | "hr" | "hrs" | "hour" | "hours" => "h",
        "d" | "day" | "days" => "d",
        "w" | "wk" | "wks" | "week" | "weeks" => "w",
        "y" | "yr" | "yrs" | "year" | "years" => "y",
        "us" | "µs" | "μs" | "ns" => {
            return "Prometheus durations have millisecond precision; the smallest unit is `ms`"
                .to_string();
        }
        "mo" | "mon" | "month" | "months" => {
            return "there is no month unit; use days, e.g. `30d`".to_string();
        }
        _ => return DURATION_UNIT_HELP.to_string(),
    };
    format!(
        "did you mean {}? {DURATION_UNIT_HELP}",
        example(digits, canonical)
    )
}
