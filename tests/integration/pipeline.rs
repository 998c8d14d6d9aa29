//! The pipeline's shape: `check` parses every spec string once and hands
//! typed values on; nothing after it parses spec text again (a parse
//! there would need a silent fallback for input `check` never saw).

use std::path::{Path, PathBuf};

/// Calls that parse spec text. `Previous::parse` reads monocle's own
/// bucket file from the output folder, not the spec, and is allowed.
const PARSERS: [&str; 10] = [
    "Duration::parse",
    "Size::parse",
    "Selector::parse",
    "DurationText::parse",
    "SizeText::parse",
    "SelectorText::parse",
    "parse_matchers(",
    "promql::parse(",
    "promql_parser::parser::parse(",
    ".parse::<",
];

/// Parses still left after check, by file: remove an entry when its file
/// no longer parses; the test fails when an entry is stale. None is left.
const STILL_PARSING: [&str; 0] = [];

/// The stages after check.
const AFTER_CHECK: [&str; 4] = ["src/lower", "src/emit", "src/review", "src/write"];

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("readable entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files
}

/// `file:line: text` for every parser call in `text` outside its unit tests.
fn parser_calls(path: &Path, text: &str) -> Vec<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or(text);
    code.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
        .filter(|(_, line)| PARSERS.iter().any(|p| line.contains(p)))
        .map(|(i, line)| format!("{}:{}: {}", path.display(), i + 1, line.trim()))
        .collect()
}

#[test]
fn nothing_after_check_parses_spec_text() {
    let mut found = Vec::new();
    let mut allowed = Vec::new();
    for stage in AFTER_CHECK {
        for path in rust_files(Path::new(stage)) {
            let text = std::fs::read_to_string(&path).expect("source is UTF-8");
            let calls = parser_calls(&path, &text);
            if STILL_PARSING.iter().any(|a| path == Path::new(a)) {
                allowed.extend(calls.first().map(|_| path.clone()));
            } else {
                found.extend(calls);
            }
        }
    }
    for entry in STILL_PARSING {
        assert!(
            allowed.iter().any(|p| p == Path::new(entry)),
            "{entry} no longer parses: remove it from STILL_PARSING"
        );
    }
    assert!(
        found.is_empty(),
        "parse in check and carry the typed value in the checked spec or the model:\n{}",
        found.join("\n")
    );
}

/// The scan itself finds a parse (so the test above can fail).
#[test]
fn the_scan_finds_a_parse() {
    let text = "fn f(s: &str) {\n    let d = Duration::parse(s).map_or(0, |d| d.millis);\n}\n#[cfg(test)]\nmod tests { fn g() { Selector::parse(\"a\"); } }\n";
    let found = parser_calls(Path::new("x.rs"), text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("x.rs:2:"), "{found:?}");
}
