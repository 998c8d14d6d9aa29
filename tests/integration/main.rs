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
mod deployment;
mod determinism;
mod differential;
mod e2e;
mod errors;
mod hostile;
mod kdl;
mod kustomize;
mod monitor;
mod mutations;
mod outputs;
mod prometheus;
mod review;
mod routing;
mod schema;
mod security;
