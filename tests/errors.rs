//! The invalid-spec corpus: every file in `tests/errors/` is a broken spec
//! whose first line says which diagnostic it must produce and where:
//!
//! ```text
//! # expect: monocle::refs::unknown_service at 20:14
//! ```
//! (`// expect: ...` in KDL files). The test checks that diagnostic is
//! reported at exactly that line and column, that compiling fails, and
//! snapshots the full rendered output (human and short forms).

use std::path::{Path, PathBuf};

use monocle::render::{self, Format};

fn fixtures() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir("tests/errors")
        .expect("tests/errors exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| monocle::load::is_spec_file(p))
        .collect();
    files.sort();
    files
}

struct Expectation {
    code: String,
    line: usize,
    column: usize,
}

fn expectation(path: &Path) -> Expectation {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let first = text.lines().next().unwrap_or_default();
    let rest = first
        .trim_start_matches(['#', '/'])
        .trim()
        .strip_prefix("expect:")
        .unwrap_or_else(|| {
            panic!(
                "{}: first line must be `# expect: <code> at <line>:<col>`",
                path.display()
            )
        });
    let (code, at) = rest
        .trim()
        .split_once(" at ")
        .expect("`<code> at <line>:<col>`");
    let (line, column) = at.trim().split_once(':').expect("`<line>:<col>`");
    Expectation {
        code: code.trim().to_owned(),
        line: line.parse().expect("line number"),
        column: column.parse().expect("column number"),
    }
}

#[test]
fn every_broken_spec_reports_its_error_at_the_expected_position() {
    let files = fixtures();
    assert!(
        files.len() >= 25,
        "the corpus should hold at least 25 broken specs, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    for path in &files {
        let expect = expectation(path);
        let (sources, diags) = match monocle::compile(path) {
            Ok(_) => {
                failures.push(format!("{}: compiled without errors", path.display()));
                continue;
            }
            Err(monocle::CompileError::Io { source, .. }) => {
                failures.push(format!("{}: I/O error {source}", path.display()));
                continue;
            }
            Err(monocle::CompileError::Spec { sources, diags }) => (sources, diags),
        };
        let found = diags.iter().any(|d| {
            d.code == expect.code
                && d.span.is_some_and(|s| {
                    sources.line_col(s.source, s.start) == (expect.line, expect.column)
                })
        });
        if !found {
            let got: Vec<String> = diags.iter().map(|d| render::short(d, &sources)).collect();
            failures.push(format!(
                "{}: expected {} at {}:{}, got:\n  {}",
                path.display(),
                expect.code,
                expect.line,
                expect.column,
                got.join("\n  ")
            ));
        }
        let rendered = format!(
            "{}\n{}",
            render::render(&diags, &sources, Format::Short, false),
            render::render(&diags, &sources, Format::Human, false)
        );
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .replace('.', "_");
        insta::with_settings!({ snapshot_path => "errors/snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(name, rendered);
        });
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_error_code_in_the_corpus_is_pinned_once() {
    // Each fixture pins a distinct (code, file) pair; make sure several kinds are covered.
    let codes: std::collections::BTreeSet<String> =
        fixtures().iter().map(|p| expectation(p).code).collect();
    assert!(
        codes.len() >= 15,
        "the corpus should cover at least 15 error kinds, covers {}",
        codes.len()
    );
}
