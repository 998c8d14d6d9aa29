//! The integration tests: one binary, one module per area. Data the tests
//! read (`tests/errors/`, `tests/hostile/`, `tests/kdl/`, `tests/upstream/`,
//! `tests/fixtures/`) and insta snapshots (`tests/snapshots/`,
//! `tests/errors/snapshots/`) live beside this folder; paths are relative to
//! the crate root, where cargo runs tests.
//!
//! Run one area with `cargo test --test integration <module>::`, e.g.
//! `cargo test --test integration errors::`.

mod common;

mod alloy;
mod cli;
mod dashboards;
mod delivery;
mod deployment;
mod determinism;
mod differential;
mod e2e;
mod errors;
mod hostile;
mod import;
mod kdl;
mod kustomize;
mod layout;
mod lsp;
mod lsp_client;
mod monitor;
mod mutations;
mod outputs;
mod packs;
mod pipeline;
mod prometheus;
mod review;
mod routing;
mod schema;
mod security;
mod sloth;
mod upstream_rules;

/// With `autotests = false` cargo builds only this binary: a test file put
/// in `tests/`, or in this folder without its `mod` line above, would
/// compile into nothing and its tests would silently never run.
#[test]
fn every_test_file_is_a_module_of_this_binary() {
    let rust_files = |dir: &str| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .map(|e| e.expect("readable entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "rs"))
            .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let stray = rust_files("tests");
    assert!(
        stray.is_empty(),
        "move {stray:?} into tests/integration/ and add `mod` lines to main.rs"
    );
    let listed = include_str!("main.rs");
    let unlisted: Vec<String> = rust_files("tests/integration")
        .into_iter()
        .filter(|m| m != "main" && !listed.contains(&format!("\nmod {m};\n")))
        .collect();
    assert!(
        unlisted.is_empty(),
        "add `mod` lines to tests/integration/main.rs for {unlisted:?}"
    );
}
