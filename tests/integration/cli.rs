//! The `monocle` command end to end: exit codes, output formats, and bad
//! inputs that must give a clear error instead of a panic.

use std::path::Path;
use std::process::Output;

use crate::common::{self, monocle};

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

/// A spec with one warning (a service without `sample_limit`).
const WARNS: &str = "version: 1\nclusters:\n  - {name: prod, environment: production, region: westeurope}\n\
    services:\n  - {name: api, namespace: web, team: web, selector: app=api, endpoints: [{port: metrics}]}\n";

#[test]
fn init_scaffolds_a_spec_that_compiles_without_warning_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let out = monocle(&["init", "team-specs"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let specs = dir.path().join("team-specs");
    for name in ["platform.yaml", "web.yaml"] {
        let spec = std::fs::read_to_string(specs.join(name)).unwrap();
        assert!(
            spec.starts_with("# yaml-language-server: $schema=monocle.schema.json\n"),
            "{name} has no schema modeline:\n{spec}"
        );
    }
    // The modelines' schema is the current one.
    assert_eq!(
        std::fs::read_to_string(specs.join("monocle.schema.json")).unwrap(),
        std::fs::read_to_string(repo().join("schemas/monocle.schema.json")).unwrap()
    );

    let out = monocle(&["compile", "team-specs", "--deny-warnings"], dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "the scaffold does not compile cleanly:\n{}",
        text(&out.stderr)
    );
    assert!(!text(&out.stderr).contains('⚠'), "{}", text(&out.stderr));
    let out = monocle(&["fmt", "--check", "team-specs"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));

    // A second init, or one into a folder holding one of its files,
    // changes nothing.
    std::fs::write(specs.join("web.yaml"), "mine\n").unwrap();
    std::fs::remove_file(specs.join("platform.yaml")).unwrap();
    let out = monocle(&["init", "team-specs"], dir.path());
    assert_clean_failure(&out, 2);
    assert!(
        text(&out.stderr).contains("never overwrites"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(specs.join("web.yaml")).unwrap(),
        "mine\n"
    );
    assert!(
        !specs.join("platform.yaml").exists(),
        "init wrote part of the scaffold"
    );
}

#[test]
fn compile_prints_a_summary_the_files_with_verbose_and_nothing_with_quiet() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("spec.yaml"),
        WARNS.replace("metrics}]}", "metrics}], sample_limit: 1000}"),
    )
    .unwrap();
    let out = monocle(&["compile", "spec.yaml"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    let summary = text(&out.stderr);
    let created = summary
        .split(": ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or_else(|| panic!("no count of files created in {summary:?}"));
    assert!(created > 0);
    common::snapshots().bind(|| {
        // The counts depend on the output layout; the wording does not.
        let wording: String = summary
            .chars()
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect();
        insta::assert_snapshot!("cli_compile_summary", wording);
    });

    std::fs::remove_dir_all(dir.path().join("generated")).unwrap();
    let out = monocle(&["compile", "spec.yaml", "--verbose"], dir.path());
    let listed = text(&out.stdout);
    assert_eq!(listed.lines().count(), created, "{listed}");
    assert!(
        listed.lines().all(|l| l.starts_with("created generated/")),
        "{listed}"
    );

    let out = monocle(&["compile", "spec.yaml", "--quiet"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stdout.is_empty() && out.stderr.is_empty(),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn deny_warnings_fails_on_warnings_and_compile_then_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("spec.yaml"), WARNS).unwrap();
    let out = monocle(&["check", "spec.yaml"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    for command in ["check", "compile", "diff", "monitor"] {
        let out = monocle(&[command, "spec.yaml", "--deny-warnings"], dir.path());
        assert_clean_failure(&out, 1);
        assert!(
            text(&out.stderr).contains("denied by --deny-warnings"),
            "{command}: {}",
            text(&out.stderr)
        );
    }
    assert!(
        !dir.path().join("generated").exists(),
        "compile wrote despite --deny-warnings"
    );
}

#[test]
fn color_never_and_no_color_print_no_escape_codes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("spec.yaml"), WARNS).unwrap();
    let run = |args: &[&str], no_color: bool| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_monocle"));
        command
            .args(args)
            .current_dir(dir.path())
            .env_remove("NO_COLOR");
        if no_color {
            command.env("NO_COLOR", "1");
        }
        let out = command.output().expect("monocle runs");
        format!("{}{}", text(&out.stdout), text(&out.stderr))
    };
    // `always` colours even into a pipe (so the test can tell colour apart).
    let coloured = run(&["check", "spec.yaml", "--color", "always"], true);
    assert!(coloured.contains('\u{1b}'), "{coloured}");
    for (args, no_color) in [
        (&["check", "spec.yaml", "--color", "never"][..], false),
        (&["check", "spec.yaml", "--color", "auto"][..], true),
        (&["check", "spec.yaml"][..], true),
        (&["compile", "spec.yaml", "--color", "never"][..], false),
    ] {
        let printed = run(args, no_color);
        assert!(printed.contains("sample_limit"), "{args:?}: {printed}");
        assert!(
            !printed.contains('\u{1b}'),
            "{args:?} printed escape codes: {printed}"
        );
    }
}

#[test]
fn completions_and_man_pages_are_generated_for_every_shell_and_command() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = monocle(&["completions", shell], dir.path());
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", text(&out.stderr));
        let script = text(&out.stdout);
        for word in ["monocle", "compile", "deny-warnings", "completions"] {
            assert!(script.contains(word), "{shell} completions lack `{word}`");
        }
    }
    let out = monocle(&["man"], dir.path());
    assert!(
        text(&out.stdout).contains(".TH monocle 1"),
        "{}",
        text(&out.stdout)
    );
    for command in [
        "compile",
        "check",
        "diff",
        "monitor",
        "fmt",
        "init",
        "schema",
        "completions",
        "man",
    ] {
        let out = monocle(&["man", command], dir.path());
        assert_eq!(
            out.status.code(),
            Some(0),
            "{command}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stdout).contains(&format!(".TH monocle-{command} 1")),
            "{command}: {}",
            text(&out.stdout)
        );
    }
    assert_clean_failure(&monocle(&["man", "bogus"], dir.path()), 2);
}

#[test]
fn every_command_help_describes_spec_exit_codes_and_an_example() {
    let out = monocle(&["--help"], repo());
    assert_eq!(out.status.code(), Some(0));
    common::snapshots().bind(|| insta::assert_snapshot!("cli_help", text(&out.stdout)));
    for command in ["compile", "check", "diff", "monitor", "fmt"] {
        let out = monocle(&[command, "--help"], repo());
        let help = text(&out.stdout);
        assert!(
            help.contains("[SPEC]") && help.contains("Spec file, or folder"),
            "{command}: {help}"
        );
        assert!(
            help.contains("Exit codes:\n  0  ok") && help.contains("Example:\n  monocle "),
            "{command}: {help}"
        );
        if command == "compile" {
            common::snapshots().bind(|| insta::assert_snapshot!("cli_compile_help", help));
        }
    }
    // Options a command would ignore are not offered there.
    for args in [
        &["schema", "--format", "json"][..],
        &["fmt", "--format", "json"],
        &["fmt", "--deny-warnings"],
        &["check", "--verbose"],
    ] {
        assert_clean_failure(&monocle(args, repo()), 2);
    }
}

/// The README's "Your first team file" walkthrough, run from an empty
/// folder: files are written (`<!-- file: -->`) or extended
/// (`<!-- append: -->`) as shown, and every `$ ` command of a `console`
/// block runs through `sh` with stderr and stdout merged, as on a
/// terminal, and prints exactly the lines shown (`...` stands for any
/// lines).
#[test]
fn readme_walkthrough_runs_as_shown() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let start = readme
        .find("<!-- walkthrough -->")
        .expect("README has a walkthrough");
    let end = readme
        .find("<!-- /walkthrough -->")
        .expect("the walkthrough ends");
    let dir = tempfile::tempdir().unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_monocle")).parent().unwrap();
    let path = std::env::join_paths(std::iter::once(bin.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let mut lines = readme[start..end].lines();
    let mut target: Option<(bool, String)> = None;
    let mut commands = 0;
    while let Some(line) = lines.next() {
        if let Some(rest) = line.strip_prefix("<!-- file: ") {
            target = Some((false, rest.trim_end_matches(" -->").to_owned()));
        } else if let Some(rest) = line.strip_prefix("<!-- append: ") {
            target = Some((true, rest.trim_end_matches(" -->").to_owned()));
        } else if let Some(kind) = line.strip_prefix("```").filter(|k| !k.is_empty()) {
            let body: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
            if kind == "console" {
                commands += run_console(&body, dir.path(), &path);
            } else if let Some((append, file)) = target.take() {
                let file = dir.path().join(file);
                let mut text = if append {
                    std::fs::read_to_string(&file).unwrap()
                } else {
                    String::new()
                };
                text.extend(body.iter().map(|l| format!("{l}\n")));
                std::fs::write(&file, text).unwrap();
            }
        }
    }
    assert!(commands > 0, "the walkthrough ran no command");
}

/// Runs the `$ ` commands of a console block; returns how many ran.
fn run_console(block: &[&str], dir: &Path, path: &std::ffi::OsStr) -> usize {
    let mut ran = 0;
    let mut i = 0;
    while i < block.len() {
        let command = block[i]
            .strip_prefix("$ ")
            .unwrap_or_else(|| panic!("not a command: {}", block[i]));
        let expected: Vec<&str> = block[i + 1..]
            .iter()
            .take_while(|l| !l.starts_with("$ "))
            .copied()
            .collect();
        i += 1 + expected.len();
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("{command} 2>&1"))
            .current_dir(dir)
            .env("PATH", path)
            .env("NO_COLOR", "1")
            .env("HOME", dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "monocle")
            .env("GIT_AUTHOR_EMAIL", "monocle@example.com")
            .env("GIT_COMMITTER_NAME", "monocle")
            .env("GIT_COMMITTER_EMAIL", "monocle@example.com")
            .output()
            .expect("sh runs");
        let printed = text(&out.stdout);
        let actual: Vec<&str> = printed.lines().collect();
        assert!(
            lines_match(&expected, &actual),
            "README walkthrough: `{command}` printed (update README.md if this is right):\n{printed}\nbut the README shows:\n{}",
            expected.join("\n")
        );
        ran += 1;
    }
    ran
}

/// `expected` with `...` lines standing for any run of lines.
fn lines_match(expected: &[&str], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((&"...", rest)) => (0..=actual.len()).any(|skip| lines_match(rest, &actual[skip..])),
        Some((line, rest)) => actual.first() == Some(line) && lines_match(rest, &actual[1..]),
    }
}

/// `monocle packs | head -1`: the reader goes away before monocle writes.
/// Printing must end quietly (exit 0, as Unix tools do), not panic.
#[test]
fn a_closed_stdout_ends_quietly() {
    for args in [
        &["packs"][..],
        &["packs", "show", "node"],
        &["schema"],
        &["completions", "bash"],
        &["man"],
        &["routes"],
    ] {
        let (reader, writer) = std::io::pipe().expect("a pipe");
        // Closed before monocle starts, so every write meets a broken pipe.
        drop(reader);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_monocle"))
            .args(args)
            .current_dir(repo())
            .stdout(writer)
            .output()
            .expect("monocle runs");
        let stderr = text(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    }
}
