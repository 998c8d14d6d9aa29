//! Splitting a number from its unit, shared by sizes and quantities.

#![allow(clippy::wildcard_imports)] // the units share their number helpers

use super::*;
use crate::names::{ValueError, quoted};

/// The leading number of a size or quantity: `int` digits, optional `.` and `frac`
/// digits; `end` is where the unit starts.
pub(super) struct Number<'a> {
    pub(super) int: &'a str,
    pub(super) frac: &'a str,
    pub(super) frac_start: usize,
    pub(super) end: usize,
}

/// Splits off a leading unsigned decimal number (`12`, `1.5`, `.5` and `1.` are all
/// accepted: Kubernetes accepts them, and they are unambiguous).
/// `what` and `example` ("size", "`512Mi`") only shape the messages.
pub(super) fn split_number<'a>(
    s: &'a str,
    what: &str,
    example: &str,
) -> Result<Number<'a>, ValueError> {
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
pub(super) fn space_before_unit<T>(
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
pub(super) fn split_quantity<'a>(
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
