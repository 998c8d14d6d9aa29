//! Kubernetes CPU and memory quantities (`500m`, `4Gi`).

#![allow(clippy::wildcard_imports)] // the units share their number helpers

use super::*;
use crate::names::{ValueError, quoted};

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
pub(super) fn is_exponent(suffix: &str) -> bool {
    let Some(rest) = suffix.strip_prefix(['e', 'E']) else {
        return false;
    };
    let digits = rest.strip_prefix(['+', '-']).unwrap_or(rest);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}
