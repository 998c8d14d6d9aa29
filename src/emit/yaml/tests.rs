//! The printer against serde-saphyr: whatever the printer writes must be
//! what the serializer writes, on real files and on generated values.

use proptest::prelude::*;
use serde_json::{Map, Value, json};

use super::printer::{print, serialized};

/// Where both ways are compared; every value must serialize.
fn same_as_serializer(value: &Value) -> Result<bool, String> {
    let expected = serialized(value).ok_or("serde-saphyr failed")?;
    match print(value) {
        Some(printed) if printed == expected => Ok(true),
        Some(printed) => Err(format!(
            "printer differs from serde-saphyr\n--- serde-saphyr\n{expected}\n--- printer\n{printed}"
        )),
        None => Ok(false),
    }
}

/// Every YAML document of our generated tree and of the upstream files
/// (kube-prometheus rules, Sloth output, CRDs with long multi-line
/// descriptions), read back as values.
#[test]
fn printer_writes_real_documents_as_the_serializer_does() {
    let mut printed = 0;
    let mut documents = 0;
    for root in ["generated", "tests/upstream"] {
        for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
            let entry = entry.unwrap();
            let path = entry.path();
            if !path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                continue;
            }
            let text = std::fs::read_to_string(path).unwrap();
            let values: Vec<Value> = serde_saphyr::from_str_multiple(&text)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            for value in values {
                documents += 1;
                match same_as_serializer(&value) {
                    Ok(true) => printed += 1,
                    Ok(false) => {}
                    Err(e) => panic!("{}: {e}", path.display()),
                }
            }
        }
    }
    // The printer is only worth having if it takes the usual documents.
    assert!(
        printed * 10 >= documents * 9,
        "{printed} of {documents} printed"
    );
}

/// Every Kubernetes object monocle writes for the reference spec goes
/// through the printer, not the fallback.
#[test]
fn generated_objects_never_fall_back() {
    for entry in walkdir::WalkDir::new("generated") {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        let value: Value = serde_saphyr::from_str(&text).unwrap();
        assert!(print(&value).is_some(), "{} fell back", path.display());
    }
}

#[test]
fn shapes_serde_saphyr_writes_its_own_way() {
    for value in [
        json!({"a": [[1, 2], [3]]}),
        json!({"a": ["line\nnext"]}),
        json!({"a": "bell\u{7}\nnext"}),
        json!({"a": "\n\n"}),
        json!([1, 2]),
        json!("top"),
        json!({}),
    ] {
        assert_eq!(same_as_serializer(&value), Ok(false), "{value}");
    }
}

/// Strings that sit on the edges of YAML's plain style.
const TRICKY: &[&str] = &[
    "",
    " ",
    "-",
    ".",
    "#",
    "~",
    "<<",
    "=",
    "?",
    ":",
    "-a",
    "- a",
    "? a",
    "a:",
    "a: b",
    "a:b",
    "a #b",
    "a#b",
    "#a",
    "a ",
    " a",
    "yes",
    "No",
    "ON",
    "y",
    "n",
    "off",
    "null",
    "Null",
    "true",
    "FALSE",
    "nan",
    ".NaN",
    "inf",
    "-.inf",
    "+inf",
    "0",
    "-1",
    "1.5",
    "1e3",
    "0x1F",
    "0o7",
    "0b1",
    "1_000",
    "12:30",
    "1:20:30",
    "2024-01-01",
    "2024-01-01T10:00:00Z",
    "---",
    "...",
    "--- a",
    "[a]",
    "{a}",
    "a, b",
    "*a",
    "&a",
    "!a",
    "%a",
    "@a",
    "`a",
    "'a'",
    "\"a\"",
    "|a",
    ">a",
    "a|b",
    "é",
    "caf\u{e9}",
    "a\u{85}b",
    "\u{feff}a",
    "a\u{2028}b",
    "a\tb",
    "a\\b",
    "a\"b",
    "a'b",
    "(a)",
    "rate(x[5m]) > 0",
    "sum by (job) (up{job=\"a\"}) == 0",
    "{{ $labels.job }} is down",
    "http://a:9090/b",
    "a\nb",
    "a\nb\n",
    "a\nb\n\n",
    "\na",
    "  a\nb",
    "\n  a",
    "a\n\nb",
    "a\n  b",
    "a \nb",
    "a\r\nb",
    "a\u{7}b",
    "a\n\tb",
    "\ta\nb",
    "• a\nb",
    "a\u{2028}\nb",
    "5m",
    "1h30m",
    "30s",
    "0d",
    "1y",
    "12",
    "1e5",
    "{{ $value }}",
    "\"quoted\" a",
    "a\\b: c",
    "app.kubernetes.io/name",
    "team",
    "for",
    "expr",
    "x-y_z.w/v",
];

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => prop::sample::select(TRICKY).prop_map(Value::from),
        1 => "[a-z(][ -~]{0,12}".prop_map(Value::from),
        1 => "[ -~]{0,6}".prop_map(Value::from),
        1 => "[0-9][0-9a-z]{0,4}".prop_map(Value::from),
        1 => any::<i64>().prop_map(Value::from),
        1 => any::<u64>().prop_map(Value::from),
        1 => prop::num::f64::NORMAL.prop_map(Value::from),
        1 => prop::sample::select(&[0.0, -0.0, 0.5, 1e21, 1e-7, 100.0][..]).prop_map(Value::from),
        1 => any::<bool>().prop_map(Value::from),
        1 => Just(Value::Null),
        1 => Just(json!({})),
        1 => Just(json!([])),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(TRICKY).prop_map(str::to_owned),
        1 => "[a-z][a-z0-9_./-]{0,8}",
    ]
}

fn value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..5)
                .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn printer_writes_generated_values_as_the_serializer_does(
        entries in prop::collection::vec((key(), value()), 1..6)
    ) {
        let document = Value::Object(entries.into_iter().collect());
        same_as_serializer(&document).map_err(TestCaseError::fail)?;
    }
}
