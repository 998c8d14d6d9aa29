//! Durations and sizes as users write them in specs: Prometheus durations (`5m`,
//! `1h30m`), byte sizes (`512Mi`, `1.5GB`) and Kubernetes CPU/memory quantities for
//! resource requests.
//!
//! Parsing is hand-written rather than regex-based so that every error can name and
//! underline the exact bad part (byte ranges are relative to the input string) and
//! so that arithmetic is checked: overflow is an error, never a panic or a wrap.

use std::fmt;
use std::str::FromStr;

use crate::names::{ValueError, describe_char, quoted};

const SECOND: u64 = 1000;
const MINUTE: u64 = 60 * SECOND;
const HOUR: u64 = 60 * MINUTE;
const DAY: u64 = 24 * HOUR;
const WEEK: u64 = 7 * DAY;
const YEAR: u64 = 365 * DAY;

/// Duration units in the only order Prometheus accepts them, with their length in ms.
const DURATION_UNITS: [(&str, u64); 7] = [
    ("y", YEAR),
    ("w", WEEK),
    ("d", DAY),
    ("h", HOUR),
    ("m", MINUTE),
    ("s", SECOND),
    ("ms", 1),
];

const DURATION_UNIT_HELP: &str = "use one of `ms`, `s`, `m`, `h`, `d`, `w`, `y`, e.g. `5m`";

/// Longest duration Prometheus can hold: it stores durations as `i64` nanoseconds
/// (about 292 years), and rejects anything longer at load time.
pub const MAX_DURATION_MILLIS: u64 = i64::MAX as u64 / 1_000_000;

/// A Prometheus duration, with millisecond precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration {
    pub millis: u64,
}

impl Duration {
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
fn example(number: &str, unit: &str) -> String {
    quoted(&format!("{number}{unit}"))
}

fn count_ascii_digits(s: &str) -> usize {
    s.bytes().take_while(u8::is_ascii_digit).count()
}

/// Byte length of the run of alphabetic characters at the start of `s` (Unicode, so
/// that `5µs` reports the unit `µs` rather than a stray byte).
fn alphabetic_len(s: &str) -> usize {
    s.chars()
        .take_while(|c| c.is_alphabetic())
        .map(char::len_utf8)
        .sum()
}

fn whitespace_len(s: &str) -> usize {
    s.chars()
        .take_while(|c| c.is_whitespace())
        .map(char::len_utf8)
        .sum()
}

/// `s` without its whitespace, if that parses with `parse`: a concrete fix for
/// `1h 30m` or `1 GB`.
fn without_spaces<T>(s: &str, parse: fn(&str) -> Result<T, ValueError>) -> Option<String> {
    let fixed: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    parse(&fixed).is_ok().then_some(fixed)
}

/// Error for a character where a duration part (a number) should start.
fn unexpected_in_duration(s: &str, pos: usize) -> ValueError {
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
fn decimal_duration(s: &str, part_start: usize, dot: usize) -> ValueError {
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
fn decimal_times(int: &str, frac: &str, mult: u128) -> Option<(u128, u128)> {
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
fn duration_unit_help(unit: &str, digits: &str) -> String {
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

/// A byte size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Size {
    pub bytes: u64,
}

/// Size units (case-sensitive): SI powers of 1000 and IEC powers of 1024, the latter
/// both in Kubernetes style (`Gi`) and with a `B` (`GiB`).
const SIZE_UNITS: [(&str, u64); 13] = [
    ("B", 1),
    ("KB", 1_000),
    ("MB", 1_000_000),
    ("GB", 1_000_000_000),
    ("TB", 1_000_000_000_000),
    ("Ki", 1 << 10),
    ("Mi", 1 << 20),
    ("Gi", 1 << 30),
    ("Ti", 1 << 40),
    ("KiB", 1 << 10),
    ("MiB", 1 << 20),
    ("GiB", 1 << 30),
    ("TiB", 1 << 40),
];

const SIZE_UNIT_HELP: &str = "use `B`, `KB`, `MB`, `GB`, `TB` (powers of 1000) or `Ki`, `Mi`, `Gi`, `Ti` / `KiB`, `MiB`, `GiB`, `TiB` (powers of 1024), e.g. `512Mi`";

impl Size {
    /// Parses `<number><unit>`: a plain integer is bytes; decimals are allowed
    /// (`1.5Gi`) and the result is rounded down to whole bytes.
    pub fn parse(s: &str) -> Result<Size, ValueError> {
        let number = split_number(s, "size", "`512Mi`")?;
        let rest = &s[number.end..];
        if rest.starts_with(char::is_whitespace) {
            return Err(space_before_unit(s, number.end, "size", Size::parse));
        }
        let unit_end = number.end + alphabetic_len(rest);
        let unit = &s[number.end..unit_end];
        if let Some(c) = s[unit_end..].chars().next() {
            return Err(ValueError::new(
                unit_end,
                unit_end + c.len_utf8(),
                format!(
                    "unexpected character {} in size {}",
                    describe_char(c),
                    quoted(s)
                ),
            )
            .with_help("a size looks like `512Mi`, `1.5GB` or `1024`"));
        }
        let mult = if unit.is_empty() {
            1
        } else {
            match SIZE_UNITS.iter().find(|(u, _)| *u == unit) {
                Some((_, mult)) => *mult,
                None => {
                    return Err(ValueError::new(
                        number.end,
                        unit_end,
                        format!("unknown size unit {} in {}", quoted(unit), quoted(s)),
                    )
                    .with_help(size_unit_help(unit, &s[..number.end])));
                }
            }
        };
        if number.frac.len() > 24 {
            return Err(ValueError::new(
                number.frac_start,
                number.end,
                "too many decimal places in size",
            )
            .with_help("sizes are whole bytes; a few decimals such as `1.5Gi` are plenty"));
        }
        decimal_times(number.int, number.frac, u128::from(mult))
            .and_then(|(bytes, _)| u64::try_from(bytes).ok())
            .map(|bytes| Size { bytes })
            .ok_or_else(|| {
                ValueError::new(0, s.len(), format!("size {} is too large", quoted(s)))
                    .with_help("sizes must be below 16 EiB (2^64 bytes)")
            })
    }
}

impl FromStr for Size {
    type Err = ValueError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Size::parse(s)
    }
}

fn size_unit_help(unit: &str, number: &str) -> String {
    if let Some((real, _)) = SIZE_UNITS
        .iter()
        .find(|(u, _)| u.eq_ignore_ascii_case(unit))
    {
        return format!(
            "size units are case-sensitive: did you mean {}?",
            example(number, real)
        );
    }
    match unit {
        "K" | "k" | "M" | "G" | "T" => {
            let upper = unit.to_ascii_uppercase();
            format!(
                "did you mean {} (powers of 1024) or {} (powers of 1000)?",
                example(number, &format!("{upper}i")),
                example(number, &format!("{upper}B"))
            )
        }
        "byte" | "bytes" | "Bytes" => format!(
            "write {} or just {}",
            example(number, "B"),
            example(number, "")
        ),
        "PB" | "EB" | "Pi" | "Ei" | "PiB" | "EiB" => {
            "units above terabytes are not supported; use `TB` or `Ti`".to_string()
        }
        _ => SIZE_UNIT_HELP.to_string(),
    }
}

/// The leading number of a size or quantity: `int` digits, optional `.` and `frac`
/// digits; `end` is where the unit starts.
struct Number<'a> {
    int: &'a str,
    frac: &'a str,
    frac_start: usize,
    end: usize,
}

/// Splits off a leading unsigned decimal number (`12`, `1.5`, `.5` and `1.` are all
/// accepted: Kubernetes accepts them, and they are unambiguous).
/// `what` and `example` ("size", "`512Mi`") only shape the messages.
fn split_number<'a>(s: &'a str, what: &str, example: &str) -> Result<Number<'a>, ValueError> {
    let Some(first) = s.chars().next() else {
        return Err(ValueError::new(0, 0, format!("empty {what}"))
            .with_help(format!("write a {what} like {example}")));
    };
    match first {
        '-' => {
            return Err(
                ValueError::new(0, 1, format!("a {what} cannot be negative"))
                    .with_help("remove the `-`"),
            );
        }
        '+' => {
            return Err(ValueError::new(0, 1, format!("a {what} takes no sign"))
                .with_help("remove the `+`"));
        }
        _ => {}
    }
    let int_end = count_ascii_digits(s);
    let (frac_start, end) = if s[int_end..].starts_with('.') {
        let frac_start = int_end + 1;
        (
            frac_start,
            frac_start + count_ascii_digits(&s[frac_start..]),
        )
    } else {
        (int_end, int_end)
    };
    let frac = &s[frac_start..end];
    if int_end == 0 && frac.is_empty() {
        let (start, stop) = crate::names::char_range(s, 0);
        return Err(ValueError::new(
            start,
            stop,
            format!("{what} {} must start with a number", quoted(s)),
        )
        .with_help(format!("write the number first, e.g. {example}")));
    }
    Ok(Number {
        int: &s[..int_end],
        frac,
        frac_start,
        end,
    })
}

/// Error for whitespace between a number and its unit (`1 GB`).
fn space_before_unit<T>(
    s: &str,
    at: usize,
    what: &str,
    parse: fn(&str) -> Result<T, ValueError>,
) -> ValueError {
    let end = at + whitespace_len(&s[at..]);
    let err = ValueError::new(at, end, format!("spaces are not allowed in a {what}"));
    match without_spaces(s, parse) {
        Some(fixed) => err.with_help(format!("write {}", quoted(&fixed))),
        None => err.with_help("write the unit right after the number, e.g. `512Mi`"),
    }
}

/// A Kubernetes quantity split for checking: number, then a suffix to judge.
fn split_quantity<'a>(
    s: &'a str,
    what: &str,
    example: &str,
    parse: fn(&str) -> Result<(), ValueError>,
) -> Result<(Number<'a>, &'a str), ValueError> {
    let number = split_number(s, what, example)?;
    let suffix = &s[number.end..];
    if suffix.starts_with(char::is_whitespace) {
        return Err(space_before_unit(s, number.end, what, parse));
    }
    Ok((number, suffix))
}

/// Checks a Kubernetes CPU quantity as used in resource requests and limits: whole or
/// decimal cores (`2`, `0.5`, at most 3 decimals since Kubernetes' precision is 1m)
/// or whole millicores (`500m`). Other suffixes Kubernetes would technically accept
/// (`1k`, `1e3`, `1Ki`) are rejected as almost certainly mistakes.
pub fn check_cpu_quantity(s: &str) -> Result<(), ValueError> {
    const HELP: &str = "write cores (`2`, `0.5`) or millicores (`500m`)";
    let (number, suffix) = split_quantity(s, "CPU quantity", "`500m`", check_cpu_quantity)?;
    match suffix {
        "" => {
            let significant = number.frac.trim_end_matches('0');
            if significant.len() > 3 {
                return Err(ValueError::new(
                    number.frac_start + 3,
                    number.end,
                    format!(
                        "CPU quantity {} is finer than Kubernetes' 1m (0.001 CPU) precision",
                        quoted(s)
                    ),
                )
                .with_help(HELP));
            }
            Ok(())
        }
        "m" => {
            if !number.frac.is_empty() {
                return Err(ValueError::new(
                    number.frac_start.saturating_sub(1),
                    number.end,
                    format!("fractional millicores in CPU quantity {}", quoted(s)),
                )
                .with_help(
                    "1m (0.001 CPU) is the smallest CPU unit; use whole millicores such as `1m` or `250m`",
                ));
            }
            Ok(())
        }
        _ => {
            let end = number.end + suffix.len();
            let help = match suffix {
                "M" => format!(
                    "millicores use a lowercase `m`: write {}",
                    example(&s[..number.end], "m")
                ),
                "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" | "KB" | "MB" | "GB" | "TB" | "B"
                | "KiB" | "MiB" | "GiB" | "TiB" | "G" | "T" | "k" | "K" => {
                    format!("`{suffix}` is a memory-style unit; {HELP}")
                }
                _ => HELP.to_string(),
            };
            Err(ValueError::new(
                number.end,
                end,
                format!("unknown CPU unit {} in {}", quoted(suffix), quoted(s)),
            )
            .with_help(help))
        }
    }
}

/// Checks a Kubernetes memory quantity as used in resource requests and limits: plain
/// bytes, decimal suffixes `k M G T P E`, binary suffixes `Ki Mi Gi Ti Pi Ei`, or an
/// exponent (`129e6`). Decimals are allowed (`1.5Gi`). The classic slip `128m` (which
/// Kubernetes reads as 0.128 bytes) and non-Kubernetes units such as `GB` are errors.
pub fn check_memory_quantity(s: &str) -> Result<(), ValueError> {
    let (number, suffix) = split_quantity(s, "memory quantity", "`512Mi`", check_memory_quantity)?;
    const OK: [&str; 13] = [
        "", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei",
    ];
    if OK.contains(&suffix) || is_exponent(suffix) {
        return Ok(());
    }
    let n = &s[..number.end];
    let ex = |unit: &str| example(n, unit);
    let help = match suffix {
        "m" => format!(
            "`m` means milli (1/1000 of a byte); did you mean {} (mebibytes) or {} (megabytes)?",
            ex("Mi"),
            ex("M")
        ),
        "K" => format!("did you mean {} (1024) or {} (1000)?", ex("Ki"), ex("k")),
        "B" => format!("plain numbers are bytes: write {}", ex("")),
        "e" => "an exponent needs digits, e.g. `129e6`".to_string(),
        "KB" | "kB" => format!(
            "Kubernetes writes kilobytes as `k`: {}, or {} for 1024",
            ex("k"),
            ex("Ki")
        ),
        "MB" | "GB" | "TB" | "PB" | "EB" => {
            let unit = &suffix[..1];
            format!(
                "Kubernetes units have no `B`: write {}, or {} for powers of 1024",
                ex(unit),
                ex(&format!("{unit}i"))
            )
        }
        "KiB" | "MiB" | "GiB" | "TiB" | "PiB" | "EiB" => {
            format!("Kubernetes units have no `B`: write {}", ex(&suffix[..2]))
        }
        _ => match OK
            .iter()
            .find(|u| !u.is_empty() && u.eq_ignore_ascii_case(suffix))
        {
            Some(real) => format!("memory units are case-sensitive: did you mean {}?", ex(real)),
            None => "use `Ki`, `Mi`, `Gi`, `Ti` (powers of 1024) or `k`, `M`, `G`, `T` (powers of 1000), e.g. `512Mi`".to_string(),
        },
    };
    Err(ValueError::new(
        number.end,
        s.len(),
        format!("unknown memory unit {} in {}", quoted(suffix), quoted(s)),
    )
    .with_help(help))
}

/// Kubernetes' decimal-exponent suffix: `e` or `E`, an optional sign, digits.
fn is_exponent(suffix: &str) -> bool {
    let Some(rest) = suffix.strip_prefix(['e', 'E']) else {
        return false;
    };
    let digits = rest.strip_prefix(['+', '-']).unwrap_or(rest);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> u64 {
        Duration::parse(s)
            .unwrap_or_else(|e| panic!("{s}: {e:?}"))
            .millis
    }

    fn derr(s: &str) -> ValueError {
        Duration::parse(s).expect_err(s)
    }

    fn sz(s: &str) -> u64 {
        Size::parse(s)
            .unwrap_or_else(|e| panic!("{s}: {e:?}"))
            .bytes
    }

    fn szerr(s: &str) -> ValueError {
        Size::parse(s).expect_err(s)
    }

    fn range(e: &ValueError) -> (usize, usize) {
        (e.start, e.end)
    }

    #[test]
    fn durations_parse() {
        assert_eq!(d("30s"), 30_000);
        assert_eq!(d("5m"), 300_000);
        assert_eq!(d("1h30m"), 5_400_000);
        assert_eq!(d("4w"), 28 * DAY);
        assert_eq!(d("1d"), DAY);
        assert_eq!(d("1y"), 365 * DAY);
        assert_eq!(d("500ms"), 500);
        assert_eq!(d("1m500ms"), 60_500);
        assert_eq!(
            d("1y2w3d4h5m6s7ms"),
            YEAR + 2 * WEEK + 3 * DAY + 4 * HOUR + 5 * MINUTE + 6 * SECOND + 7
        );
        assert_eq!(d("0s"), 0);
        assert_eq!(d("0h0m"), 0);
        assert_eq!(d("007m"), 7 * MINUTE);
        assert_eq!("90s".parse::<Duration>().map(|d| d.millis), Ok(90_000));
    }

    #[test]
    fn duration_display_matches_prometheus() {
        let show = |s: &str| Duration::parse(s).unwrap().to_string();
        assert_eq!(show("90m"), "1h30m");
        assert_eq!(show("30d"), "30d");
        assert_eq!(show("90d"), "90d");
        assert_eq!(show("4w"), "4w");
        assert_eq!(show("14d"), "2w");
        assert_eq!(show("365d"), "1y");
        assert_eq!(show("1y1d"), "366d");
        assert_eq!(show("1w1h"), "7d1h");
        assert_eq!(show("0s"), "0s");
        assert_eq!(show("1500ms"), "1s500ms");
        assert_eq!(show("3600s"), "1h");
        assert_eq!(show("1y2w3d4h5m6s7ms"), "382d4h5m6s7ms");
        assert_eq!(Duration { millis: 2 * YEAR }.to_string(), "2y");
    }

    #[test]
    fn duration_display_round_trips() {
        for ms in [
            1,
            999,
            1000,
            61_000,
            HOUR + 1,
            DAY * 30,
            WEEK * 3,
            YEAR * 5 + 1,
            MAX_DURATION_MILLIS,
        ] {
            let text = Duration { millis: ms }.to_string();
            assert_eq!(d(&text), ms, "{text}");
        }
    }

    #[test]
    fn as_secs() {
        assert_eq!(Duration { millis: 1500 }.as_secs_f64(), 1.5);
        assert_eq!(Duration { millis: 0 }.as_secs_f64(), 0.0);
    }

    #[test]
    fn duration_unknown_unit() {
        let e = derr("5x");
        assert_eq!(range(&e), (1, 2));
        assert_eq!(e.message, "unknown duration unit `x` in `5x`");
        assert_eq!(e.help.as_deref(), Some(DURATION_UNIT_HELP));

        let e = derr("1h5x");
        assert_eq!(range(&e), (3, 4));
        assert_eq!(e.message, "unknown duration unit `x` in `5x`");

        let e = derr("10sec");
        assert_eq!(range(&e), (2, 5));
        assert!(e.help.unwrap().starts_with("did you mean `10s`?"));

        let e = derr("2H");
        assert!(e.help.unwrap().starts_with("did you mean `2h`?"));

        let e = derr("3M");
        assert!(e.help.unwrap().contains("no month unit"));

        let e = derr("5µs");
        assert_eq!(range(&e), (1, 4));
        assert!(e.help.unwrap().contains("millisecond precision"));
    }

    #[test]
    fn duration_bare_zero_and_missing_unit() {
        let e = derr("0");
        assert_eq!(range(&e), (0, 1));
        assert!(e.help.unwrap().contains("`0s`"));

        let e = derr("30");
        assert_eq!(range(&e), (0, 2));
        assert!(e.message.contains("missing unit"));

        let e = derr("1h30");
        assert_eq!(range(&e), (2, 4));
        assert!(e.help.unwrap().contains("`30m`"));
    }

    #[test]
    fn duration_order_and_duplicates() {
        let e = derr("30m1h");
        assert_eq!(range(&e), (3, 5));
        assert!(e.message.contains("cannot come after `m`"), "{}", e.message);
        let e = derr("1m2m");
        assert_eq!(range(&e), (2, 4));
        assert!(e.message.contains("appears twice"));
        // `ms` after `m` and `s` is fine; `s` after `ms` is not.
        assert_eq!(d("1m1s1ms"), 61_001);
        assert_eq!(range(&derr("1ms1s")), (3, 5));
    }

    #[test]
    fn duration_signs_spaces_decimals() {
        let e = derr("-5m");
        assert_eq!(range(&e), (0, 1));
        assert!(e.message.contains("negative"));
        assert_eq!(range(&derr("+5m")), (0, 1));

        let e = derr("1h 30m");
        assert_eq!(range(&e), (2, 3));
        assert_eq!(e.help.as_deref(), Some("write `1h30m`"));
        let e = derr("5 m");
        assert_eq!(range(&e), (1, 2));
        assert_eq!(e.help.as_deref(), Some("write `5m`"));
        assert_eq!(range(&derr(" 5m")), (0, 1));
        assert_eq!(range(&derr("5m ")), (2, 3));

        let e = derr("1.5h");
        assert_eq!(range(&e), (0, 4));
        assert_eq!(e.help.as_deref(), Some("write `1h30m`"));
        let e = derr("1h0.5m");
        assert_eq!(range(&e), (2, 6));
        assert_eq!(e.help.as_deref(), Some("write `30s`"));
        let e = derr("0.0001s");
        assert!(e.help.unwrap().contains("smaller unit"));
        let e = derr("1.");
        assert_eq!(range(&e), (0, 2));
        let e = derr(".5s");
        assert_eq!(range(&e), (0, 1));
    }

    #[test]
    fn duration_other_bad_input() {
        let e = derr("");
        assert_eq!(range(&e), (0, 0));
        let e = derr("m5");
        assert_eq!(range(&e), (0, 1));
        assert!(e.message.contains("must start with a number"));
        let e = derr("five");
        assert_eq!(range(&e), (0, 4));
        let e = derr("5m,");
        assert_eq!(range(&e), (2, 3));
        let e = derr("5🦀");
        assert_eq!(range(&e), (1, 5));
    }

    #[test]
    fn duration_overflow_is_an_error() {
        let e = derr("99999999999999999999999y");
        assert_eq!(range(&e), (0, 24));
        assert!(e.message.contains("too long"));
        let e = derr("293y");
        assert_eq!(range(&e), (0, 4));
        assert_eq!(d("292y"), 292 * YEAR);
        let e = derr("292y200d");
        assert_eq!(range(&e), (4, 8));
        let max = Duration {
            millis: MAX_DURATION_MILLIS,
        }
        .to_string();
        assert_eq!(d(&max), MAX_DURATION_MILLIS);
        let over = format!("{}ms", MAX_DURATION_MILLIS + 1);
        assert!(Duration::parse(&over).is_err());
        assert!(Duration::parse(&format!("{}ms", u64::MAX)).is_err());
    }

    #[test]
    fn sizes_parse() {
        assert_eq!(sz("0"), 0);
        assert_eq!(sz("1024"), 1024);
        assert_eq!(sz("1B"), 1);
        assert_eq!(sz("1KB"), 1000);
        assert_eq!(sz("2MB"), 2_000_000);
        assert_eq!(sz("1GB"), 1_000_000_000);
        assert_eq!(sz("1TB"), 1_000_000_000_000);
        assert_eq!(sz("1Ki"), 1024);
        assert_eq!(sz("512Mi"), 512 << 20);
        assert_eq!(sz("1Gi"), 1 << 30);
        assert_eq!(sz("1Ti"), 1 << 40);
        assert_eq!(sz("1KiB"), 1024);
        assert_eq!(sz("4GiB"), 4 << 30);
        assert_eq!(sz("1.5Gi"), 3 << 29);
        assert_eq!(sz("1.5GB"), 1_500_000_000);
        assert_eq!(sz("0.5KB"), 500);
        // Rounded down to whole bytes.
        assert_eq!(sz("1.1Ki"), 1126);
        assert_eq!(sz("1.9"), 1);
        assert_eq!(sz(".5Ki"), 512);
        assert_eq!(sz("2.Mi"), 2 << 20);
        assert_eq!("1Mi".parse::<Size>().map(|s| s.bytes), Ok(1 << 20));
    }

    #[test]
    fn size_errors() {
        let e = szerr("1gb");
        assert_eq!(range(&e), (1, 3));
        assert_eq!(e.message, "unknown size unit `gb` in `1gb`");
        assert_eq!(
            e.help.as_deref(),
            Some("size units are case-sensitive: did you mean `1GB`?")
        );

        let e = szerr("2G");
        assert_eq!(range(&e), (1, 2));
        assert!(e.help.unwrap().contains("`2Gi`"));

        let e = szerr("1 GB");
        assert_eq!(range(&e), (1, 2));
        assert_eq!(e.help.as_deref(), Some("write `1GB`"));

        let e = szerr("1PB");
        assert!(e.help.unwrap().contains("above terabytes"));

        assert_eq!(range(&szerr("")), (0, 0));
        assert_eq!(range(&szerr("-1Gi")), (0, 1));
        assert_eq!(range(&szerr("+1Gi")), (0, 1));
        assert_eq!(range(&szerr("Gi")), (0, 1));
        assert_eq!(range(&szerr(".")), (0, 1));
        assert_eq!(range(&szerr("1Gi!")), (3, 4));
        assert_eq!(range(&szerr("1.2.3")), (3, 4));
        assert_eq!(range(&szerr("1Gi2")), (3, 4));
        assert_eq!(range(&szerr("10Xé")), (2, 5));
    }

    #[test]
    fn size_overflow_is_an_error() {
        assert_eq!(sz("18446744073709551615"), u64::MAX);
        let e = szerr("18446744073709551616");
        assert_eq!(range(&e), (0, 20));
        assert!(e.message.contains("too large"));
        assert!(Size::parse("16777216Ti").is_err());
        assert!(Size::parse(&"9".repeat(100)).is_err());
        assert!(Size::parse(&format!("1.{}Gi", "5".repeat(30))).is_err());
        assert_eq!(sz(&format!("1.{}Gi", "0".repeat(24))), 1 << 30);
    }

    #[test]
    fn cpu_quantities() {
        for ok in [
            "500m", "2", "0.5", "0", "1.25", "0.001", "0.5000", "100m", "0m", "1.", ".5",
        ] {
            assert_eq!(check_cpu_quantity(ok), Ok(()), "{ok}");
        }
        let e = check_cpu_quantity("0.0005").unwrap_err();
        assert_eq!(range(&e), (5, 6));
        let e = check_cpu_quantity("500M").unwrap_err();
        assert_eq!(range(&e), (3, 4));
        assert_eq!(
            e.help.as_deref(),
            Some("millicores use a lowercase `m`: write `500m`")
        );
        let e = check_cpu_quantity("1Gi").unwrap_err();
        assert_eq!(range(&e), (1, 3));
        assert!(e.help.unwrap().contains("memory-style"));
        let e = check_cpu_quantity("0.5m").unwrap_err();
        assert_eq!(range(&e), (1, 3));
        let e = check_cpu_quantity("-1").unwrap_err();
        assert_eq!(range(&e), (0, 1));
        let e = check_cpu_quantity("500 m").unwrap_err();
        assert_eq!(range(&e), (3, 4));
        assert_eq!(e.help.as_deref(), Some("write `500m`"));
        let e = check_cpu_quantity("").unwrap_err();
        assert_eq!(range(&e), (0, 0));
        let e = check_cpu_quantity("cpu").unwrap_err();
        assert_eq!(range(&e), (0, 1));
        let e = check_cpu_quantity("1e3").unwrap_err();
        assert_eq!(range(&e), (1, 3));
    }

    #[test]
    fn memory_quantities() {
        for ok in [
            "4Gi", "512Mi", "1G", "1024", "0", "1.5Gi", "129e6", "1E3", "1e-3", "128k", "1E",
            "2Ei", "1Pi", "1T",
        ] {
            assert_eq!(check_memory_quantity(ok), Ok(()), "{ok}");
        }
        let e = check_memory_quantity("128m").unwrap_err();
        assert_eq!(range(&e), (3, 4));
        assert!(e.help.unwrap().contains("`128Mi`"));
        let e = check_memory_quantity("1GB").unwrap_err();
        assert_eq!(range(&e), (1, 3));
        assert_eq!(e.message, "unknown memory unit `GB` in `1GB`");
        assert!(e.help.unwrap().contains("`1G`"));
        let e = check_memory_quantity("1GiB").unwrap_err();
        assert_eq!(
            e.help.as_deref(),
            Some("Kubernetes units have no `B`: write `1Gi`")
        );
        let e = check_memory_quantity("1gi").unwrap_err();
        assert_eq!(
            e.help.as_deref(),
            Some("memory units are case-sensitive: did you mean `1Gi`?")
        );
        let e = check_memory_quantity("1K").unwrap_err();
        assert!(e.help.unwrap().contains("`1Ki`"));
        let e = check_memory_quantity("1e").unwrap_err();
        assert_eq!(range(&e), (1, 2));
        assert!(e.help.unwrap().contains("exponent"));
        let e = check_memory_quantity("-1Gi").unwrap_err();
        assert_eq!(range(&e), (0, 1));
        let e = check_memory_quantity("1 Gi").unwrap_err();
        assert_eq!(e.help.as_deref(), Some("write `1Gi`"));
        let e = check_memory_quantity("4Gi!").unwrap_err();
        assert_eq!(range(&e), (1, 4));
    }

    #[test]
    fn generated_inputs_never_panic() {
        let alphabet = [
            "0",
            "1",
            "9",
            "99999999999",
            ".",
            " ",
            "-",
            "+",
            "é",
            "y",
            "w",
            "d",
            "h",
            "m",
            "s",
            "ms",
            "B",
            "K",
            "Ki",
            "M",
            "Mi",
            "G",
            "Gi",
            "T",
            "e",
            "E",
            "k",
        ];
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize
        };
        let mut durations = 0;
        for _ in 0..20_000 {
            let len = next() % 8;
            let s: String = (0..len)
                .map(|_| alphabet[next() % alphabet.len()])
                .collect();
            if let Ok(dur) = Duration::parse(&s) {
                durations += 1;
                assert_eq!(Duration::parse(&dur.to_string()), Ok(dur), "{s:?}");
            }
            let results = [
                Duration::parse(&s).map(|_| ()),
                Size::parse(&s).map(|_| ()),
                check_cpu_quantity(&s),
                check_memory_quantity(&s),
            ];
            for e in results.into_iter().filter_map(Result::err) {
                assert!(e.start <= e.end && e.end <= s.len(), "{s:?}: {e:?}");
                assert!(s.is_char_boundary(e.start) && s.is_char_boundary(e.end));
                assert!(e.start < e.end || s.is_empty(), "{s:?}: {e:?}");
            }
        }
        assert!(durations > 50);
    }

    #[test]
    fn odd_inputs_never_panic() {
        let long_digits = "9".repeat(10_000);
        let long_mixed = "1h".repeat(10_000);
        let long_unicode = "é5".repeat(10_000);
        let odd = [
            "",
            " ",
            "\0",
            "é",
            "🦀",
            "5🦀",
            "1.🦀",
            ".",
            "..",
            "1..5m",
            "e",
            "1e",
            "1e+",
            "1ee3",
            "m",
            "ms",
            "0ms0",
            "\u{200b}5m",
            long_digits.as_str(),
            long_mixed.as_str(),
            long_unicode.as_str(),
        ];
        for s in odd {
            let results = [
                Duration::parse(s).map(|_| ()),
                Size::parse(s).map(|_| ()),
                check_cpu_quantity(s),
                check_memory_quantity(s),
            ];
            for r in results {
                if let Err(e) = r {
                    assert!(e.start <= e.end && e.end <= s.len(), "{s:?}: {e:?}");
                    assert!(s.is_char_boundary(e.start) && s.is_char_boundary(e.end));
                    assert!(e.message.len() < 400, "message too long for {s:?}");
                    assert!(
                        e.help.as_ref().is_none_or(|h| h.len() < 400),
                        "help too long for {s:?}"
                    );
                }
            }
        }
    }
}
