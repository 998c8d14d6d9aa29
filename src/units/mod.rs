//! Durations and sizes as users write them in specs: Prometheus durations (`5m`,
//! `1h30m`), byte sizes (`512Mi`, `1.5GB`) and Kubernetes CPU/memory quantities for
//! resource requests.
//!
//! Parsing is hand-written rather than regex-based so that every error can name and
//! underline the exact bad part (byte ranges are relative to the input string) and
//! so that arithmetic is checked: overflow is an error, never a panic or a wrap.

mod duration;
mod number;
mod quantity;
mod size;

#[allow(clippy::wildcard_imports)] // the helpers the unit modules share
use duration::*;
pub use duration::{Duration, MAX_DURATION_MILLIS};
#[allow(clippy::wildcard_imports)]
use number::*;
pub use quantity::{check_cpu_quantity, check_memory_quantity};
pub use size::Size;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::ValueError;

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
