//! The invalid-spec corpus: every file in `tests/errors/` is a broken spec
//! whose first line says which diagnostic it must produce and where:
//!
//! ```text
//! # expect: monocle::refs::unknown_service at 20:14
//! ```
//! (`// expect: ...` in KDL files). The test checks that diagnostic is
//! reported at exactly that line and column (an error, so compiling fails,
//! or a warning) and snapshots the full rendered output (human and short
//! forms). Every code in `src/` has a case, or a reason in
//! `NOT_IN_THE_CORPUS`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use monocle::render::{self, Format};

/// The cases: spec files, and folders (a spec of several files) whose
/// file that pins the expectation is the one the diagnostic blames.
fn fixtures() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir("tests/errors")
        .expect("tests/errors exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| {
            monocle::load::is_spec_file(p)
                || (p.is_dir() && p.file_name() != Some("snapshots".as_ref()))
        })
        .collect();
    files.sort();
    files
}

/// The file of a case that holds its `expect:` line.
fn expectation_file(case: &Path) -> PathBuf {
    if !case.is_dir() {
        return case.to_path_buf();
    }
    // Below the case folder too: a pack folder's `pack.yaml` may be blamed.
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(case)
        .into_iter()
        .map(|e| e.expect("readable entry").into_path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
        .into_iter()
        .find(|f| {
            std::fs::read_to_string(f)
                .unwrap_or_default()
                .lines()
                .next()
                .is_some_and(|l| l.contains("expect:"))
        })
        .unwrap_or_else(|| panic!("{}: no file starts with `# expect:`", case.display()))
}

struct Expectation {
    code: String,
    line: usize,
    column: usize,
}

fn expectation(case: &Path) -> Expectation {
    let path = &expectation_file(case);
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
            // A case may pin a warning: the spec then compiles, with it.
            Ok(compiled) => (compiled.sources, compiled.warnings),
            Err(monocle::CompileError::Io { source, .. }) => {
                failures.push(format!("{}: I/O error {source}", path.display()));
                continue;
            }
            Err(monocle::CompileError::Spec { sources, diags }) => (sources, diags),
        };
        let blamed = expectation_file(path);
        let found = diags.iter().any(|d| {
            d.code == expect.code
                && d.span.is_some_and(|s| {
                    sources.get(s.source).path.ends_with(&blamed)
                        && sources.line_col(s.source, s.start) == (expect.line, expect.column)
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
        insta::with_settings!({ snapshot_path => "../errors/snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(name, rendered);
        });
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Codes the source can emit that no corpus case pins, each with the reason.
/// The test below fails when one of these gets a case (drop it here) or
/// disappears from the source (drop it here too), so the list cannot go stale.
const NOT_IN_THE_CORPUS: &[&str] = &[
    // Properties of the files rather than of their text (size, count,
    // encoding, nesting past the parser's limits): tests/integration/hostile.rs builds
    // them programmatically.
    "monocle::kdl::too_deep",
    "monocle::load::ignored_file",
    "monocle::load::no_spec_files",
    "monocle::load::not_a_file",
    "monocle::load::symlink_outside",
    "monocle::load::not_utf8",
    "monocle::load::too_large",
    "monocle::load::too_many_files",
    "monocle::yaml::limit",
];

/// Every code monocle can emit: the registry.
fn codes_in_source() -> BTreeSet<String> {
    monocle::diagnostic::codes::ALL
        .iter()
        .map(|(code, _)| (*code).to_owned())
        .collect()
}

/// Every `"monocle::<area>::<name>"` string literal in `src/` outside the
/// registry, with its file: there must be none.
fn code_literals_outside_the_registry() -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![PathBuf::from("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src is readable") {
            let path = entry.expect("readable entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs")
                && !path.ends_with("diagnostic/codes.rs")
            {
                let text = std::fs::read_to_string(&path).expect("source is UTF-8");
                for (i, _) in text.match_indices("\"monocle::") {
                    let rest = &text[i + 1..];
                    let end = rest.find('"').unwrap_or(rest.len());
                    found.push(format!("{}: {}", path.display(), &rest[..end]));
                }
            }
        }
    }
    found
}

#[test]
fn codes_are_named_only_through_the_registry() {
    let outside = code_literals_outside_the_registry();
    assert!(
        outside.is_empty(),
        "write these as `codes::…` constants of src/diagnostic/codes.rs:\n{}",
        outside.join("\n")
    );
    let registry = monocle::diagnostic::codes::ALL;
    let unique: BTreeSet<&str> = registry.iter().map(|(c, _)| *c).collect();
    assert_eq!(unique.len(), registry.len(), "a code is registered twice");
    for (code, explanation) in registry {
        assert!(
            code.starts_with("monocle::") && code.split("::").count() == 3,
            "{code}"
        );
        assert!(!explanation.trim().is_empty(), "{code} has no explanation");
    }
}

/// `docs/diagnostics.md` lists the registry; `UPDATE_DOCS=1` rewrites it.
#[test]
fn the_diagnostics_doc_lists_every_code() {
    let mut doc = String::from(
        "# Diagnostic codes\n\nEvery code `monocle check` can report, with what it means. Generated from\n`src/diagnostic/codes.rs` by `UPDATE_DOCS=1 cargo test --test integration errors::`; each\ncode has a broken spec in `tests/errors/` that shows it (a few are built\nby `tests/integration/hostile.rs` instead, see `NOT_IN_THE_CORPUS` in `tests/integration/errors.rs`).\n\n| code | meaning |\n|---|---|\n",
    );
    for (code, explanation) in monocle::diagnostic::codes::ALL {
        doc.push_str(&format!(
            "| `{code}` | {} |\n",
            explanation.replace('|', "\\|")
        ));
    }
    let path = Path::new("docs/diagnostics.md");
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(path, &doc).unwrap();
    }
    let written = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        written == doc,
        "docs/diagnostics.md is stale: run `UPDATE_DOCS=1 cargo test --test integration errors::`"
    );
}

#[test]
fn every_error_code_in_the_corpus_is_pinned_once() {
    let emitted = codes_in_source();
    assert!(
        emitted.contains("monocle::refs::unknown_service"),
        "the registry lacks codes it must have: {emitted:?}"
    );
    let files = fixtures();
    let pinned: BTreeSet<String> = files.iter().map(|p| expectation(p).code).collect();
    let allowed: BTreeSet<String> = NOT_IN_THE_CORPUS
        .iter()
        .map(std::string::ToString::to_string)
        .collect();
    assert_eq!(
        allowed.len(),
        NOT_IN_THE_CORPUS.len(),
        "NOT_IN_THE_CORPUS lists a code twice"
    );
    let mut problems = Vec::new();
    // Every: each code the source can emit has a case, or a reason above.
    for code in emitted.difference(&pinned) {
        if !allowed.contains(code) {
            problems.push(format!(
                "{code}: no case in tests/errors/ (add one, or say why in NOT_IN_THE_CORPUS)"
            ));
        }
    }
    for code in &allowed {
        if pinned.contains(code) {
            problems.push(format!(
                "{code}: has a case now, remove it from NOT_IN_THE_CORPUS"
            ));
        }
        if !emitted.contains(code) {
            problems.push(format!(
                "{code}: in NOT_IN_THE_CORPUS but no longer in src/"
            ));
        }
    }
    for code in pinned.difference(&emitted) {
        problems.push(format!(
            "{code}: pinned by a case but never emitted by src/"
        ));
    }
    // Once: each case pins exactly one expectation (a comment line
    // `expect:`), and no two cases are the same spec under another name.
    let mut seen: BTreeMap<(String, String), PathBuf> = BTreeMap::new();
    for path in &files {
        let text = std::fs::read_to_string(expectation_file(path)).unwrap_or_default();
        let expects = text
            .lines()
            .filter_map(|l| l.strip_prefix('#').or_else(|| l.strip_prefix("//")))
            .filter(|l| l.trim_start().starts_with("expect:"))
            .count();
        if expects != 1 {
            problems.push(format!(
                "{}: {expects} `expect:` comments, a case pins exactly one",
                path.display()
            ));
        }
        let syntax = path.extension().unwrap_or_default().to_string_lossy();
        let body = text.lines().skip(1).collect::<Vec<_>>().join("\n");
        if let Some(first) = seen.insert((syntax.into_owned(), body), path.clone()) {
            problems.push(format!(
                "{} is the same spec as {}",
                path.display(),
                first.display()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
