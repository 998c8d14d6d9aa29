//! Byte sizes (`512Mi`, `1.5GB`).

#![allow(clippy::wildcard_imports)] // the units share their number helpers

use std::str::FromStr;

use super::*;
use crate::names::{ValueError, describe_char, quoted};

/// A byte size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Size {
    pub bytes: u64,
}

/// Size units (case-sensitive): SI powers of 1000 and IEC powers of 1024, the latter
/// both in Kubernetes style (`Gi`) and with a `B` (`GiB`).
pub(super) const SIZE_UNITS: [(&str, u64); 13] = [
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

pub(super) const SIZE_UNIT_HELP: &str = "use `B`, `KB`, `MB`, `GB`, `TB` (powers of 1000) or `Ki`, `Mi`, `Gi`, `Ti` / `KiB`, `MiB`, `GiB`, `TiB` (powers of 1024), e.g. `512Mi`";

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

pub(super) fn size_unit_help(unit: &str, number: &str) -> String {
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
