//! The `monocle` command end to end: exit codes, output formats, and bad
//! inputs that must give a clear error instead of a panic.

use std::path::Path;
use std::process::Output;

use crate::common::monocle;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every failure must be reported, never a panic.
fn assert_clean_failure(out: &Output, code: i32) {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "monocle panicked: {stderr}");
}

#[test]
fn check_accepts_the_reference_spec() {
    let out = monocle(&["check"], repo());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn compile_check_passes_on_the_committed_tree() {
    let out = monocle(&["compile", "--check"], repo());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

#[test]
fn the_shipped_specs_are_in_canonical_layout() {
    let out = monocle(&["fmt", "--check", "specs"], repo());
    assert_eq!(
        out.status.code(),
        Some(0),
        "`monocle fmt` would change the shipped specs:\n{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

#[test]
fn compile_writes_then_check_detects_drift_and_diff_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let spec = repo().join("specs");
    let (spec, out_arg) = (spec.to_str().unwrap(), out_dir.to_str().unwrap());

    let out = monocle(&["compile", spec, "--out", out_arg], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = monocle(&["compile", spec, "--out", out_arg, "--check"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    // A hand edit is drift: --check lists it and fails, diff shows it, a
    // foreign file is left alone.
    let edited = out_dir.join("shared/servicemonitors/velero/velero.yaml");
    std::fs::write(&edited, "edited by hand\n").unwrap();
    std::fs::write(out_dir.join("prod-eu-1/README.md"), "mine\n").unwrap();
    let out = monocle(&["compile", spec, "--out", out_arg, "--check"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("would update"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(
        std::fs::read_to_string(&edited).unwrap(),
        "edited by hand\n",
        "--check wrote a file"
    );

    let out = monocle(&["diff", spec, "--out", out_arg], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let diff = text(&out.stdout);
    assert!(
        diff.contains("-edited by hand") && diff.contains("+kind: ServiceMonitor"),
        "{diff}"
    );
    assert!(
        !diff.contains('\u{1b}'),
        "diff to a pipe must not be coloured"
    );

    let out = monocle(&["compile", spec, "--out", out_arg], dir.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(
        std::fs::read_to_string(&edited)
            .unwrap()
            .contains("kind: ServiceMonitor")
    );
    assert_eq!(
        std::fs::read_to_string(out_dir.join("prod-eu-1/README.md")).unwrap(),
        "mine\n"
    );
}

#[test]
fn removed_outputs_are_pruned_but_nothing_is_written_on_error() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec.yaml");
    let fleet = std::fs::read_to_string(repo().join("specs/fleet.yaml")).unwrap();
    std::fs::write(&spec, &fleet).unwrap();
    let out = monocle(&["compile", "spec.yaml", "--out", "out"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        dir.path()
            .join("out/staging-eu-1/kustomization.yaml")
            .exists()
    );

    // Drop a cluster: its files go, the rest stay.
    let without_staging = fleet.replace("  - name: staging-eu-1\n    environment: staging\n    region: westeurope\n    prometheus: {retention: 7d, replicas: 1}\n", "");
    assert_ne!(without_staging, fleet);
    std::fs::write(&spec, &without_staging).unwrap();
    let out = monocle(&["compile", "spec.yaml", "--out", "out"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(!dir.path().join("out/staging-eu-1").exists());

    // A broken spec changes nothing.
    std::fs::write(&spec, without_staging.replace("prod-us-1", "Prod US")).unwrap();
    let before = std::fs::read(dir.path().join("out/prod-us-1/kustomization.yaml")).unwrap();
    let out = monocle(&["compile", "spec.yaml", "--out", "out"], dir.path());
    assert_clean_failure(&out, 1);
    assert_eq!(
        std::fs::read(dir.path().join("out/prod-us-1/kustomization.yaml")).unwrap(),
        before
    );
}

#[test]
fn bad_inputs_fail_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("empty.yaml"), "").unwrap();
    std::fs::write(d.join("binary.yaml"), [0u8, 159, 146, 150, 0, 1, 2, 255]).unwrap();
    std::fs::write(
        d.join("malformed.yaml"),
        "version: 1\nclusters: [\n  - name: x\n",
    )
    .unwrap();
    std::fs::write(d.join("list.yaml"), "- a\n- b\n").unwrap();
    std::fs::write(d.join("malformed.kdl"), "clusters {\n  cluster \"x\n").unwrap();
    std::fs::create_dir(d.join("nothing")).unwrap();
    std::fs::write(d.join("nothing/notes.txt"), "not a spec").unwrap();

    for (args, code, needle) in [
        (vec!["check", "empty.yaml"], 1, "monocle::load::empty_file"),
        (vec!["check", "binary.yaml"], 1, "monocle::load::not_utf8"),
        (vec!["check", "malformed.yaml"], 1, "monocle::yaml::syntax"),
        (vec!["check", "list.yaml"], 1, "monocle::schema::wrong_type"),
        (vec!["check", "malformed.kdl"], 1, "monocle::kdl::syntax"),
        (vec!["check", "nothing"], 1, "monocle::load::no_spec_files"),
        (vec!["check", "does-not-exist"], 2, "cannot read"),
        (vec!["compile", "--bogus-flag"], 2, "--bogus-flag"),
    ] {
        let out = monocle(&args, d);
        assert_clean_failure(&out, code);
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains(needle),
            "{args:?}: expected `{needle}` in:\n{stderr}"
        );
    }
}

#[test]
fn short_and_json_formats() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.yaml"),
        "version: 1\nclusters:\n  - name: prod\n    regoin: eu\n",
    )
    .unwrap();
    let out = monocle(&["check", "bad.yaml", "--format", "short"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr)
            .starts_with("bad.yaml:4:5: monocle::schema::unknown_key: unknown key `regoin`"),
        "{}",
        text(&out.stderr)
    );

    let out = monocle(&["check", "bad.yaml", "--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(json[0]["code"], "monocle::schema::unknown_key");
    assert_eq!(json[0]["line"], 4);
    assert_eq!(json[0]["column"], 5);
    assert_eq!(json[0]["help"], "did you mean `region`?");
}

#[test]
fn schema_command_prints_the_checked_in_schema() {
    let out = monocle(&["schema"], repo());
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout),
        std::fs::read_to_string(repo().join("schemas/monocle.schema.json")).unwrap()
    );
}

#[test]
fn errors_from_several_files_are_reported_together_and_duplicates_point_at_both() {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    std::fs::create_dir(&specs).unwrap();
    std::fs::write(
        specs.join("a.yaml"),
        "version: 1\nclusters:\n  - name: prod\nservices:\n  - name: api\n    namespace: api\n    team: web\n    selector: app=api\n    endpoints: [{port: http}]\n",
    )
    .unwrap();
    std::fs::write(
        specs.join("b.yaml"),
        "version: 1\nservices:\n  - name: api\n    namespace: api2\n    team: web\n    selector: app=api\n    endpoints: [{port: http}]\n  - name: worker\n    namespace: Jobs\n    team: web\n    selector: app=worker\n    endpoints: [{port: http}]\n",
    )
    .unwrap();
    let out = monocle(&["check", "specs", "--format", "short"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("specs/b.yaml:3:11: monocle::names::duplicate: duplicate service `api`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("specs/b.yaml:9:16: monocle::names::invalid_dns_name"),
        "{stderr}"
    );
    let out = monocle(&["check", "specs", "--format", "json"], dir.path());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let duplicate = json
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "monocle::names::duplicate")
        .unwrap();
    assert_eq!(duplicate["related"][0]["file"], "specs/a.yaml");
    assert_eq!(duplicate["related"][0]["line"], 5);
}
