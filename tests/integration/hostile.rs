//! Hostile inputs: each gets a clear error, or (for text that is merely
//! unusual) correct escaped output, and never a panic, a hang or a write
//! outside the output folder.
//!
//! `tests/hostile/` holds one spec per case (YAML or KDL) whose first lines
//! say what must happen (`//` instead of `#` in KDL):
//!
//! ```text
//! # expect: error monocle::names::invalid_dns_name    compiling fails with this code
//! # expect: ok                                        compiling succeeds, and then:
//! # finds: prod/rules/api.yaml "x\"\nkind: Secret"    this output, parsed (YAML, JSON
//! #                                                   or Alloy), holds this string
//! #                                                   (a JSON string) in one value
//! # lacks: prod/rules/api.yaml "\nkind: Secret"       its raw text does not hold this
//! # why: what the case tries
//! ```
//!
//! Every `ok` case also writes its outputs into a temporary folder (nothing
//! may appear beside it), every YAML, JSON and Alloy output must parse, and
//! with promtool and amtool installed the rules, SLO unit tests and
//! Alertmanager configs must pass them. Every `error` case must blame a
//! span inside its file. Cases that cannot be files (symlinks, permissions,
//! a 100 MB file, bytes that are not UTF-8) are the functions below.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use monocle::write::Artifact;
use serde_json::Value;

/// Long enough for the slowest case in a debug build on a busy machine;
/// a hang fails the test instead of stalling `cargo test`.
const CASE_TIMEOUT: Duration = Duration::from_mins(2);

#[derive(Debug)]
enum Expect {
    Error(String),
    Ok {
        finds: Vec<(String, String)>,
        lacks: Vec<(String, String)>,
    },
}

fn cases() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir("tests/hostile")
        .expect("tests/hostile exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| monocle::load::is_spec_file(p))
        .collect();
    files.sort();
    files
}

fn expectation(path: &Path) -> Expect {
    let text = std::fs::read_to_string(path).unwrap();
    let header: Vec<(&str, &str)> = text
        .lines()
        .map_while(|l| l.strip_prefix("# ").or_else(|| l.strip_prefix("// ")))
        .filter_map(|l| l.split_once(": "))
        .collect();
    let expect = header
        .iter()
        .find(|(k, _)| *k == "expect")
        .unwrap_or_else(|| panic!("{}: no `expect:` line", path.display()))
        .1;
    assert!(
        header.iter().any(|(k, _)| *k == "why"),
        "{}: say what the case tries in a `why:` line",
        path.display()
    );
    let pairs = |key: &str| -> Vec<(String, String)> {
        header
            .iter()
            .filter(|(k, _)| *k == key)
            .map(|(_, v)| {
                let (file, needle) = v.split_once(' ').expect("`<output> <JSON string>`");
                let needle: String = serde_json::from_str(needle)
                    .unwrap_or_else(|e| panic!("{}: {key}: {e}", path.display()));
                (file.to_owned(), needle)
            })
            .collect()
    };
    match expect.split_once(' ') {
        Some(("error", code)) => Expect::Error(code.trim().to_owned()),
        None if expect == "ok" => Expect::Ok {
            finds: pairs("finds"),
            lacks: pairs("lacks"),
        },
        _ => panic!("{}: bad `expect: {expect}`", path.display()),
    }
}

/// Starts `f` on its own thread; [`Pending::wait`] fails if it panicked or
/// took too long.
struct Pending<T> {
    name: String,
    rx: mpsc::Receiver<T>,
    handle: std::thread::JoinHandle<()>,
    started: Instant,
}

fn start<T: Send + 'static>(name: &str, f: impl FnOnce() -> T + Send + 'static) -> Pending<T> {
    let (tx, rx) = mpsc::channel();
    let handle = std::thread::Builder::new()
        .name(name.to_owned())
        // Debug builds use far more stack than release builds: give deep
        // inputs the stack a release binary's main thread has.
        .stack_size(8 << 20)
        .spawn(move || {
            let _ = tx.send(f());
        })
        .unwrap();
    Pending {
        name: name.to_owned(),
        rx,
        handle,
        started: Instant::now(),
    }
}

impl<T> Pending<T> {
    fn wait(self) -> T {
        let left = CASE_TIMEOUT.saturating_sub(self.started.elapsed());
        match self.rx.recv_timeout(left) {
            Ok(value) => {
                self.handle.join().unwrap();
                value
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let _ = self.handle.join();
                panic!("{}: monocle panicked", self.name)
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                panic!("{}: no answer in {CASE_TIMEOUT:?}", self.name)
            }
        }
    }
}

#[test]
fn hostile_corpus() {
    let files = cases();
    let checks = Checks::new();
    let mut failures = Vec::new();
    let mut ok_outputs = Vec::new();
    // All cases at once (each on a timer), then their outcomes in order.
    let pending: Vec<_> = files
        .iter()
        .map(|path| {
            let owned = path.clone();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            start(&name, move || monocle::compile(&owned))
        })
        .collect();
    for (path, pending) in files.iter().zip(pending) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let expect = expectation(path);
        let result = pending.wait();
        match (expect, result) {
            (Expect::Error(code), Err(monocle::CompileError::Spec { sources, diags })) => {
                if !diags.iter().any(|d| d.code == code && d.is_error()) {
                    let got: Vec<&str> = diags.iter().map(|d| d.code).collect();
                    failures.push(format!("{name}: expected {code}, got {got:?}"));
                }
                for d in &diags {
                    let span = d.span.expect("a file's diagnostic has a span");
                    let text = &sources.get(span.source).text;
                    if span.end > text.len()
                        || !text.is_char_boundary(span.start)
                        || !text.is_char_boundary(span.end)
                    {
                        failures.push(format!("{name}: {} has a bad span {span:?}", d.code));
                    }
                }
                monocle::render::render(&diags, &sources, monocle::render::Format::Human, false);
            }
            (Expect::Ok { finds, lacks }, Ok(compiled)) => {
                let problems = checks.outputs(&name, &compiled.artifacts, &finds, &lacks);
                failures.extend(problems);
                ok_outputs.push((name, compiled.artifacts));
            }
            (expect, Err(monocle::CompileError::Spec { sources, diags })) => {
                failures.push(format!(
                    "{name}: expected {expect:?}, got:\n{}",
                    monocle::render::render(
                        &diags,
                        &sources,
                        monocle::render::Format::Short,
                        false
                    )
                ));
            }
            (expect, Err(monocle::CompileError::Io { source, .. })) => failures.push(format!(
                "{name}: expected {expect:?}, got I/O error {source}"
            )),
            (expect, Ok(_)) => failures.push(format!("{name}: expected {expect:?}, compiled")),
        }
    }
    failures.extend(checks.upstream(&ok_outputs));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The cases that cannot be files are this file's other tests: count
    // them from its source rather than by hand.
    let programmatic = include_str!("hostile.rs")
        .lines()
        .filter(|l| l.trim() == "#[test]")
        .count()
        .saturating_sub(1);
    assert!(
        files.len() + programmatic >= 50,
        "the hostile corpus holds {} cases",
        files.len() + programmatic
    );
}

/// Output checks shared by the `ok` cases.
struct Checks {
    promtool: Option<PathBuf>,
    amtool: Option<PathBuf>,
}

impl Checks {
    fn new() -> Self {
        Checks {
            promtool: common::tool("promtool"),
            amtool: common::tool("amtool"),
        }
    }

    /// Writes the outputs, parses every one, and looks for the `finds`.
    fn outputs(
        &self,
        name: &str,
        artifacts: &[Artifact],
        finds: &[(String, String)],
        lacks: &[(String, String)],
    ) -> Vec<String> {
        let mut problems = Vec::new();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let plan = monocle::write::plan(&out, artifacts).unwrap();
        monocle::write::apply(&out, artifacts, &plan).unwrap();
        let beside: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
        if beside.len() != 1 {
            problems.push(format!("{name}: files appeared beside the output folder"));
        }
        for a in artifacts {
            let text = String::from_utf8_lossy(&a.bytes);
            let parsed = parse_output(&a.path, &text);
            if let Err(e) = &parsed {
                problems.push(format!("{name}: {} does not parse: {e}", a.path));
            }
            for (file, needle) in finds.iter().filter(|(f, _)| *f == a.path) {
                let strings = parsed.as_ref().map(strings).unwrap_or_default();
                if !strings.iter().any(|s| s.contains(needle.as_str())) {
                    problems.push(format!("{name}: {file} has no value holding {needle:?}"));
                }
            }
            for (file, needle) in lacks.iter().filter(|(f, _)| *f == a.path) {
                if text.contains(needle.as_str()) {
                    problems.push(format!("{name}: {file} holds {needle:?} unescaped"));
                }
            }
        }
        for (file, _) in finds.iter().chain(lacks) {
            if !artifacts.iter().any(|a| a.path == *file) {
                problems.push(format!("{name}: no output {file}"));
            }
        }
        problems
    }

    /// promtool and amtool over every `ok` case's outputs, a few cases at a time.
    fn upstream(&self, outputs: &[(String, Vec<Artifact>)]) -> Vec<String> {
        std::thread::scope(|scope| {
            let workers: Vec<_> = outputs
                .chunks(outputs.len().div_ceil(4).max(1))
                .map(|chunk| scope.spawn(move || self.upstream_serial(chunk)))
                .collect();
            workers
                .into_iter()
                .flat_map(|w| w.join().unwrap())
                .collect()
        })
    }

    fn upstream_serial(&self, outputs: &[(String, Vec<Artifact>)]) -> Vec<String> {
        let mut problems = Vec::new();
        for (name, artifacts) in outputs {
            let dir = tempfile::tempdir().unwrap();
            if let Some(promtool) = &self.promtool {
                let mut rule_files = Vec::new();
                for (i, a) in artifacts.iter().enumerate() {
                    let file = a.path.rsplit('/').next().unwrap().to_owned();
                    if a.path.contains("/slo-tests/") {
                        std::fs::write(dir.path().join(&file), &a.bytes).unwrap();
                        continue;
                    }
                    let Ok(value) = parse_output(&a.path, &String::from_utf8_lossy(&a.bytes))
                    else {
                        continue;
                    };
                    if value["kind"] == "PrometheusRule" {
                        let groups = serde_json::json!({ "groups": value["spec"]["groups"] });
                        let file = format!("rules-{i}.json");
                        std::fs::write(dir.path().join(&file), groups.to_string()).unwrap();
                        rule_files.push(file);
                    }
                }
                if !rule_files.is_empty() {
                    let mut args = vec!["check", "rules"];
                    args.extend(rule_files.iter().map(String::as_str));
                    let (ok, text) = common::run(promtool, &args, dir.path());
                    if !ok {
                        problems.push(format!("{name}: promtool check rules:\n{text}"));
                    }
                }
                let tests: Vec<String> = artifacts
                    .iter()
                    .filter(|a| a.path.ends_with(".test.yaml"))
                    .map(|a| a.path.rsplit('/').next().unwrap().to_owned())
                    .collect();
                if !tests.is_empty() {
                    let mut args = vec!["test", "rules"];
                    args.extend(tests.iter().map(String::as_str));
                    let (ok, text) = common::run(promtool, &args, dir.path());
                    if !ok {
                        problems.push(format!("{name}: promtool test rules:\n{text}"));
                    }
                }
            }
            if let Some(amtool) = &self.amtool {
                for a in artifacts
                    .iter()
                    .filter(|a| a.path.ends_with("/alertmanager/alertmanager.yaml"))
                {
                    let file = dir.path().join("alertmanager.yaml");
                    std::fs::write(&file, &a.bytes).unwrap();
                    let args = ["check-config", file.to_str().unwrap()];
                    let (ok, text) = common::run(amtool, &args, dir.path());
                    if !ok {
                        problems.push(format!("{name}: amtool check-config:\n{text}"));
                    }
                }
            }
        }
        problems
    }
}

/// An output as a JSON value: YAML (one document) and JSON parsed, Alloy
/// read into its string literals and block labels, templates taken as text.
fn parse_output(path: &str, text: &str) -> Result<Value, String> {
    if path.ends_with(".json") {
        serde_json::from_str(text).map_err(|e| e.to_string())
    } else if path.ends_with(".alloy") {
        let file = monocle::alloy::parse(text).map_err(|e| format!("{e:?}"))?;
        let mut found = Vec::new();
        alloy_strings(&file.body, &mut found);
        Ok(Value::from(found))
    } else if path.ends_with(".yaml") || path.ends_with(".yml") {
        let value: Value = serde_saphyr::from_str(text).map_err(|e| e.to_string())?;
        if !value.is_object() {
            return Err("not a map".into());
        }
        Ok(value)
    } else {
        Ok(Value::from(text))
    }
}

fn alloy_strings(body: &[monocle::alloy::ast::Stmt], out: &mut Vec<String>) {
    use monocle::alloy::ast::{Expr, Stmt};
    fn expr(e: &Expr, out: &mut Vec<String>) {
        match e {
            Expr::Literal(l) if l.text.starts_with(['"', '`']) => {
                out.push(monocle::alloy::escape::unquote(&l.text).expect("a valid literal"));
            }
            Expr::Array(a) => a.elements.iter().for_each(|e| expr(e, out)),
            Expr::Object(o) => o.fields.iter().for_each(|f| {
                out.push(f.name.name.clone());
                expr(&f.value, out);
            }),
            Expr::Call(c) => c.args.iter().for_each(|e| expr(e, out)),
            _ => {}
        }
    }
    for stmt in body {
        match stmt {
            Stmt::Attribute(a) => expr(&a.value, out),
            Stmt::Block(b) => {
                out.extend(b.label.clone());
                alloy_strings(&b.body, out);
            }
        }
    }
}

/// Every string in a value, keys included.
fn strings(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) => out.push(s.clone()),
            Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
            Value::Object(map) => map.iter().for_each(|(k, v)| {
                out.push(k.clone());
                walk(v, out);
            }),
            _ => {}
        }
    }
    walk(value, &mut out);
    out
}

// ---- cases that cannot be files -------------------------------------------

fn monocle(args: &[&str], dir: &Path) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_monocle"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("monocle runs");
    // Drained as it comes: a child blocked on a full pipe would look hung.
    let drain = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > CASE_TIMEOUT {
            let _ = child.kill();
            panic!("monocle {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A clean failure: the exit code, no panic, and `needle` in the message.
fn assert_fails(out: &Output, code: i32, needle: &str) {
    let text = stderr(out);
    assert!(!text.contains("panicked"), "monocle panicked: {text}");
    assert_eq!(out.status.code(), Some(code), "{text}");
    assert!(text.contains(needle), "expected `{needle}` in:\n{text}");
}

fn reference_spec(dir: &Path) -> PathBuf {
    let spec = dir.join("spec.yaml");
    std::fs::copy("specs/fleet.yaml", &spec).unwrap();
    spec
}

/// Every file below `dir` with its bytes (symlinks as their target path).
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut all: Vec<(PathBuf, Vec<u8>)> = walkdir(dir)
        .into_iter()
        .map(|p| {
            let meta = std::fs::symlink_metadata(&p).unwrap();
            let bytes = if meta.file_type().is_symlink() {
                std::fs::read_link(&p)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
                    .into_bytes()
            } else if meta.is_file() {
                std::fs::read(&p).unwrap()
            } else {
                Vec::new()
            };
            (p, bytes)
        })
        .collect();
    all.sort();
    all
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                stack.push(p.clone());
            }
            out.push(p);
        }
    }
    out
}

/// A folder outside the output holding one precious file, and the path of
/// the output folder (not created).
fn outside_and_out(dir: &Path) -> (PathBuf, PathBuf) {
    let outside = dir.join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("precious"), "keep me\n").unwrap();
    (outside, dir.join("out"))
}

#[cfg(unix)]
#[test]
fn symlink_in_the_output_folder_pointing_outside_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let spec = reference_spec(dir.path());
    let (outside, out) = outside_and_out(dir.path());
    std::fs::create_dir(&out).unwrap();
    // The cluster folder is a link to a folder outside.
    std::os::unix::fs::symlink(&outside, out.join("prod-eu-1")).unwrap();
    let before = snapshot(dir.path());
    let result = monocle(
        &["compile", spec.to_str().unwrap(), "--out", "out"],
        dir.path(),
    );
    assert_fails(&result, 2, "is a symlink; refusing to follow it");
    assert_eq!(snapshot(dir.path()), before, "nothing may change anywhere");
}

#[cfg(unix)]
#[test]
fn symlinks_beside_the_outputs_are_never_followed() {
    let dir = tempfile::tempdir().unwrap();
    let spec = reference_spec(dir.path());
    let (outside, out) = outside_and_out(dir.path());
    std::fs::create_dir_all(out.join("prod-eu-1")).unwrap();
    // A link to the outside world where no output goes, and one named like
    // a leftover temporary file (which the writer removes: the link only).
    std::os::unix::fs::symlink(&outside, out.join("elsewhere")).unwrap();
    std::os::unix::fs::symlink(
        outside.join("precious"),
        out.join("prod-eu-1/.kustomization.yaml.monocle-tmp-1.old"),
    )
    .unwrap();
    let result = monocle(
        &["compile", spec.to_str().unwrap(), "--out", "out"],
        dir.path(),
    );
    assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
    assert_eq!(
        std::fs::read_dir(&outside).unwrap().count(),
        1,
        "nothing was written outside"
    );
    assert_eq!(
        std::fs::read_to_string(outside.join("precious")).unwrap(),
        "keep me\n"
    );
    assert!(
        out.join("elsewhere").is_symlink(),
        "a foreign link is left alone"
    );
    assert!(
        !out.join("prod-eu-1/.kustomization.yaml.monocle-tmp-1.old")
            .exists()
    );
}

#[test]
fn output_folder_that_is_a_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let spec = reference_spec(dir.path());
    std::fs::write(dir.path().join("out"), "a file\n").unwrap();
    let result = monocle(
        &["compile", spec.to_str().unwrap(), "--out", "out"],
        dir.path(),
    );
    assert_fails(&result, 2, "is not a directory");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out")).unwrap(),
        "a file\n"
    );
}

#[cfg(unix)]
#[test]
fn read_only_output_folder_fails_cleanly_and_changes_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let spec = reference_spec(dir.path());
    let out = dir.path().join("out");
    let result = monocle(
        &["compile", spec.to_str().unwrap(), "--out", "out"],
        dir.path(),
    );
    assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
    // A change to write: one alert's `for`.
    let fleet = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(&spec, fleet.replace("for: 10m", "for: 12m")).unwrap();
    let before = snapshot(&out);
    let read_only = |mode| {
        for p in walkdir(&out).into_iter().chain([out.clone()]) {
            if p.is_dir() {
                std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
            }
        }
    };
    read_only(0o555);
    // Root ignores permission bits: then the same failure is injected
    // through the writer's fault hook instead.
    let probe = out.join(".probe");
    let privileged = std::fs::write(&probe, "").is_ok();
    let _ = std::fs::remove_file(&probe);
    if privileged {
        let artifacts = common::compile_ok(&spec);
        let plan = monocle::write::plan(&out, &artifacts).unwrap();
        let err =
            monocle::write::apply_with_hook(&out, &artifacts, &plan, &mut |step| match step {
                monocle::write::Step::Stage(_) => Err(std::io::ErrorKind::PermissionDenied.into()),
                _ => Ok(()),
            })
            .unwrap_err();
        assert!(err.to_string().contains("file system error"), "{err}");
    } else {
        let result = monocle(
            &["compile", spec.to_str().unwrap(), "--out", "out"],
            dir.path(),
        );
        assert_fails(&result, 2, "Permission denied");
    }
    read_only(0o755);
    assert_eq!(snapshot(&out), before, "a failed compile changes nothing");
}

#[test]
fn a_conflict_found_midway_leaves_no_new_cluster_folder_behind() {
    // The streaming compile writes new clusters into hidden folders before
    // it reaches the one whose `kustomization.yaml` is blocked; all of
    // them must go.
    let dir = tempfile::tempdir().unwrap();
    let spec = reference_spec(dir.path());
    let blocked = dir.path().join("out/staging-eu-1/kustomization.yaml");
    std::fs::create_dir_all(&blocked).unwrap();
    let before = snapshot(&dir.path().join("out"));
    let result = monocle(
        &["compile", spec.to_str().unwrap(), "--out", "out"],
        dir.path(),
    );
    assert_fails(&result, 2, "is in the way");
    assert_eq!(snapshot(&dir.path().join("out")), before);
}

#[test]
fn the_binary_compiles_the_deepest_expression_the_size_limit_allows() {
    // In-process, the corpus runs on a thread of its own; the binary's
    // checks run on its own threads. Their stack once ran out at 20,000
    // nested parentheses in a release build, whose frames are larger (the
    // process aborted). The debug binary tested here fails the same way
    // with a quarter of that stack.
    let case = std::fs::read_to_string("tests/hostile/expr_deep_parens.yaml").unwrap();
    let start = case.find("((").expect("the case nests parentheses");
    let end = start + case[start..].find('\n').unwrap();
    // 65,000 bytes: as deep as monocle's 64 KiB expression limit allows.
    let deepest = format!("{}up{} == 0", "(".repeat(32_499), ")".repeat(32_499));
    let dir = tempfile::tempdir().unwrap();
    let spec = format!("{}{deepest}{}", &case[..start], &case[end..]);
    std::fs::write(dir.path().join("spec.yaml"), spec).unwrap();
    for args in [
        &["check", "spec.yaml"][..],
        &["compile", "spec.yaml", "--out", "out", "-q"],
    ] {
        let out = monocle(args, dir.path());
        assert!(
            out.status.success(),
            "monocle {args:?}: {:?}\n{}",
            out.status,
            stderr(&out)
        );
    }
}

#[test]
fn a_100_mb_spec_file_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.yaml");
    // Sparse: 100 MB on paper, nothing on disk, and quick to make.
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(100 * 1000 * 1000).unwrap();
    let start = Instant::now();
    let result = monocle(&["check", "big.yaml"], dir.path());
    assert_fails(&result, 1, "monocle::load::too_large");
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "the size is checked before reading"
    );
    // The same file among others in a folder.
    std::fs::write(dir.path().join("ok.yaml"), "version: 1\n").unwrap();
    let result = monocle(&["check", "."], dir.path());
    assert_fails(&result, 1, "over the 67108864-byte limit");
}

#[test]
fn specs_over_the_total_size_or_file_count_limits_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let many = dir.path().join("many");
    std::fs::create_dir(&many).unwrap();
    for i in 0..=monocle::load::MAX_FILES {
        std::fs::write(many.join(format!("{i:05}.yaml")), "version: 1\n").unwrap();
    }
    let result = monocle(&["check", "many"], dir.path());
    assert_fails(&result, 1, "monocle::load::too_many_files");

    let big = dir.path().join("big");
    std::fs::create_dir(&big).unwrap();
    for i in 0..5 {
        let file = std::fs::File::create(big.join(format!("{i}.yaml"))).unwrap();
        file.set_len(60 << 20).unwrap();
    }
    let result = monocle(&["check", "big"], dir.path());
    assert_fails(&result, 1, "over the 268435456-byte limit");
}

#[test]
fn invalid_utf8_is_reported_at_the_first_bad_byte() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"version: 1\nclusters:\n  - name: pr".to_vec();
    bytes.extend([0xff, 0xfe]);
    bytes.extend(b"od\n");
    std::fs::write(dir.path().join("bad.yaml"), &bytes).unwrap();
    let result = monocle(&["check", "bad.yaml", "--format", "short"], dir.path());
    assert_fails(&result, 1, "bad.yaml:3:13: monocle::load::not_utf8");
    // Latin-1 text, a UTF-16 file and a lone continuation byte.
    for (name, bytes) in [
        ("latin1.yaml", b"version: 1\n# caf\xe9\n".to_vec()),
        ("utf16.yaml", b"\xff\xfev\x00e\x00r\x00".to_vec()),
        ("lone.kdl", b"version 1\n\x80".to_vec()),
    ] {
        std::fs::write(dir.path().join(name), bytes).unwrap();
        let result = monocle(&["check", name], dir.path());
        assert_fails(&result, 1, "monocle::load::not_utf8");
    }
}

#[test]
fn nul_bytes_in_spec_text_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        ("nul.yaml", "version: 1\nclusters:\n  - name: pr\0od\n"),
        ("nul-key.yaml", "version: 1\n\0clusters: []\n"),
        ("nul.kdl", "version 1\ncluster \"pr\0od\"\n"),
    ] {
        std::fs::write(dir.path().join(name), text).unwrap();
        let result = monocle(&["check", name, "--format", "short"], dir.path());
        assert!(!stderr(&result).contains("panicked"), "{}", stderr(&result));
        assert_eq!(result.status.code(), Some(1), "{name}: {}", stderr(&result));
        assert!(
            stderr(&result).contains(&format!("{name}:")),
            "{name}: the error points into the file: {}",
            stderr(&result)
        );
    }
}

#[cfg(unix)]
#[test]
fn a_spec_path_that_is_a_device_or_a_fifo_is_refused_without_reading() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("spec.yaml");
    let made = Command::new("mkfifo").arg(&fifo).status();
    for path in ["/dev/zero", "/dev/urandom"] {
        let result = monocle(&["check", path], dir.path());
        assert_fails(&result, 2, "not a regular file");
    }
    if made.is_ok_and(|s| s.success()) {
        let result = monocle(&["check", "spec.yaml"], dir.path());
        assert_fails(&result, 2, "not a regular file");
        // In a folder, a FIFO named like a spec is refused, not read.
        let result = monocle(&["check", "."], dir.path());
        assert_fails(&result, 1, "monocle::load::not_a_file");
    }
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_in_the_spec_folder_is_an_error_not_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    std::fs::create_dir(&specs).unwrap();
    reference_spec(&specs);
    std::os::unix::fs::symlink(&specs, specs.join("loop")).unwrap();
    let result = monocle(&["check", "specs"], dir.path());
    assert_fails(&result, 2, "cannot read");
}

#[test]
fn a_file_name_with_a_newline_cannot_break_the_generated_headers() {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    std::fs::create_dir(&specs).unwrap();
    let name = if cfg!(windows) {
        "x.yaml"
    } else {
        "x\nkind: Secret\n#.yaml"
    };
    std::fs::copy("specs/fleet.yaml", specs.join(name)).unwrap();
    let compiled = common::compile_ok(&specs);
    for a in compiled.iter().filter(|a| a.path.ends_with(".yaml")) {
        let text = String::from_utf8_lossy(&a.bytes);
        let header: Vec<&str> = text.lines().take(2).collect();
        assert!(
            header.iter().all(|l| l.starts_with("# ")),
            "{}: the header is broken:\n{text}",
            a.path
        );
    }
    let named = compiled
        .iter()
        .filter(|a| String::from_utf8_lossy(&a.bytes).contains(r"x\nkind: Secret\n#"))
        .count();
    assert!(named > 0, "the headers name the file, escaped");
}

#[test]
fn a_tampered_manifest_cannot_steer_a_delete_outside() {
    let dir = tempfile::tempdir().unwrap();
    let spec = reference_spec(dir.path());
    std::fs::write(dir.path().join("victim"), "precious\n").unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    for entry in [
        "../victim",
        "/etc/passwd",
        "a/../../victim",
        "prod-eu-1/.x.monocle-tmp-1.old",
    ] {
        std::fs::write(
            out.join(".monocle-manifest"),
            format!("# files generated by monocle; do not edit\n{entry}\n"),
        )
        .unwrap();
        let result = monocle(
            &["compile", spec.to_str().unwrap(), "--out", "out"],
            dir.path(),
        );
        assert_fails(&result, 2, "bad manifest");
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("victim")).unwrap(),
        "precious\n"
    );
}

#[test]
fn a_hand_edited_bucket_config_cannot_break_the_compile() {
    let dir = tempfile::tempdir().unwrap();
    let spec = reference_spec(dir.path());
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("monitor")).unwrap();
    for previous in [
        "{{{{",
        "buckets: -1\n",
        "version: 1\nbuckets: 99999999999999999999\nowners: {}\n",
        "a: &a [*a]\n",
        "\0\0\0",
    ] {
        std::fs::write(out.join("monitor/buckets.yaml"), previous).unwrap();
        let result = monocle(
            &[
                "check",
                spec.to_str().unwrap(),
                "--capacity",
                "--out",
                "out",
            ],
            dir.path(),
        );
        assert!(!stderr(&result).contains("panicked"), "{}", stderr(&result));
        assert_eq!(
            result.status.code(),
            Some(0),
            "{previous:?}: {}",
            stderr(&result)
        );
    }
}

/// A minimal valid spec whose one service has no `sample_limit` (a warning),
/// with `pad` spaces before the service's `name` on one line.
fn spec_with_long_line(pad: usize, extra: &str) -> String {
    format!(
        "version: 1\nclusters:\n  - {{name: prod, environment: production, region: westeurope}}\n\
         services: [{{namespace: web,{}name: api, team: web, selector: app=api, endpoints: [{{port: metrics}}]{extra}}}]\n",
        " ".repeat(pad)
    )
}

#[test]
fn a_diagnostic_past_column_65535_is_printed_clipped_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    // A warning (no `sample_limit`) and an error (an unknown key), each
    // past column 70,000 of one line.
    std::fs::write(
        dir.path().join("warn.yaml"),
        spec_with_long_line(70_000, ""),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("error.yaml"),
        spec_with_long_line(70_000, &format!(",{}bogus: 1", " ".repeat(70_000))),
    )
    .unwrap();
    for (file, code) in [("warn.yaml", 0), ("error.yaml", 1)] {
        for format in ["human", "short", "json", "github", "markdown"] {
            let result = monocle(&["check", file, "--format", format], dir.path());
            let all = format!(
                "{}{}",
                stderr(&result),
                String::from_utf8_lossy(&result.stdout)
            );
            assert!(!all.contains("panicked"), "{file} {format}: {all}");
            assert_eq!(result.status.code(), Some(code), "{file} {format}: {all}");
            // The snippet shows a window of the line, not the line.
            assert!(
                all.len() < 8_000,
                "{file} {format}: {} bytes printed",
                all.len()
            );
        }
        let result = monocle(&["check", file], dir.path());
        let text = stderr(&result);
        assert!(text.contains(&format!("{file}:4:")), "{text}");
        assert!(text.contains('…'), "the line is clipped: {text}");
    }
    let result = monocle(&["check", "error.yaml"], dir.path());
    assert!(stderr(&result).contains(":4:140"), "{}", stderr(&result));
}

#[test]
fn thousands_of_diagnostics_are_capped_with_a_count_of_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let keys = monocle::render::MAX_PRINTED * 3;
    let unknown: String = (0..keys).map(|i| format!(", bogus{i}: 1")).collect();
    std::fs::write(
        dir.path().join("many.yaml"),
        spec_with_long_line(1, &unknown),
    )
    .unwrap();
    for format in ["human", "short"] {
        let result = monocle(&["check", "many.yaml", "--format", format], dir.path());
        let text = stderr(&result);
        assert_eq!(result.status.code(), Some(1), "{text}");
        let shown = text.matches("monocle::schema::unknown_key").count();
        assert_eq!(shown, monocle::render::MAX_PRINTED, "{format}");
        let rest = keys - monocle::render::MAX_PRINTED;
        assert!(
            text.contains(&format!(
                "{rest} more diagnostic(s) not shown ({rest} error(s))"
            )),
            "{format}: {}",
            &text[text.len().saturating_sub(500)..]
        );
    }
}

/// A spec folder holding the reference spec, and beside it a "credentials"
/// file the spec must never read or print.
fn specs_and_a_secret(dir: &Path) -> (PathBuf, PathBuf) {
    let specs = dir.join("specs");
    std::fs::create_dir(&specs).unwrap();
    reference_spec(&specs);
    let secret = dir.join("credentials");
    std::fs::write(
        &secret,
        "version: 1\nclusters: [{name: AKIA-SECRET-TEXT}]\n",
    )
    .unwrap();
    (specs, secret)
}

#[cfg(unix)]
#[test]
fn symlinks_that_leave_the_spec_folder_are_refused_and_their_target_never_printed() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let (specs, secret) = specs_and_a_secret(dir.path());
    let outside = dir.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::copy(&secret, outside.join("team.yaml")).unwrap();
    let fifo = dir.path().join("fifo");
    let has_fifo = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    let mut links: Vec<(&str, PathBuf)> = vec![
        ("creds.yaml", secret.clone()),
        ("environ.yaml", PathBuf::from("/proc/self/environ")),
        ("kmsg.yaml", PathBuf::from("/proc/kmsg")),
        ("team", outside.clone()),
        ("up.yaml", PathBuf::from("../credentials")),
    ];
    if has_fifo {
        links.push(("fifo.yaml", fifo));
    }
    for (name, target) in links {
        let link = specs.join(name);
        symlink(&target, &link).unwrap();
        for format in ["human", "short", "json"] {
            let result = monocle(&["check", "specs", "--format", format], dir.path());
            let all = format!(
                "{}{}",
                stderr(&result),
                String::from_utf8_lossy(&result.stdout)
            );
            assert!(!all.contains("panicked"), "{name}: {all}");
            assert_eq!(result.status.code(), Some(1), "{name}: {all}");
            assert!(
                all.contains("monocle::load::symlink_outside"),
                "{name}: {all}"
            );
            assert!(
                !all.contains("SECRET"),
                "{name}: the target was printed: {all}"
            );
            assert!(
                !all.contains(&*target.to_string_lossy()),
                "{name}: the target was named: {all}"
            );
        }
        std::fs::remove_file(&link).unwrap();
    }
}

#[cfg(unix)]
#[test]
fn a_symlink_that_stays_in_the_spec_folder_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    std::fs::create_dir_all(specs.join(".shared")).unwrap();
    std::fs::copy("specs/fleet.yaml", specs.join(".shared/fleet.yaml")).unwrap();
    std::os::unix::fs::symlink(".shared/fleet.yaml", specs.join("fleet.yaml")).unwrap();
    let result = monocle(&["check", "specs"], dir.path());
    assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
    assert!(
        stderr(&result).contains("spec ok: 1 file(s)"),
        "{}",
        stderr(&result)
    );
}

#[test]
fn upper_case_extensions_and_hidden_files_are_reported_and_hidden_folders_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    std::fs::create_dir_all(specs.join(".hidden")).unwrap();
    reference_spec(&specs);
    // Each would break the spec if it were read.
    let broken = "version: 1\nclusters: [{name: Bad_Name}]\n";
    std::fs::write(specs.join("team.YAML"), broken).unwrap();
    std::fs::write(specs.join("other.Kdl"), broken).unwrap();
    std::fs::write(specs.join(".team.yaml"), broken).unwrap();
    std::fs::write(specs.join(".hidden/team.yaml"), broken).unwrap();
    let result = monocle(&["check", "specs", "--format", "short"], dir.path());
    let text = stderr(&result);
    assert_eq!(result.status.code(), Some(0), "{text}");
    for name in ["team.YAML", "other.Kdl", ".team.yaml"] {
        assert!(
            text.lines()
                .any(|l| l.contains("monocle::load::ignored_file") && l.contains(name)),
            "{name} is reported: {text}"
        );
    }
    assert!(!text.contains(".hidden"), "{text}");
    assert!(text.contains("spec ok: 1 file(s)"), "{text}");
}

#[cfg(unix)]
#[test]
fn fmt_keeps_symlinks_and_never_writes_through_one_that_leaves_the_folder() {
    use std::os::unix::fs::symlink;
    let unformatted = "clusters:\n  - name: prod\n    region: westeurope\n    environment: production\nversion: 1\n";
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    std::fs::create_dir_all(specs.join(".shared")).unwrap();
    std::fs::write(specs.join(".shared/team.yaml"), unformatted).unwrap();
    symlink(".shared/team.yaml", specs.join("team.yaml")).unwrap();
    let result = monocle(&["fmt", "specs"], dir.path());
    assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
    assert!(specs.join("team.yaml").is_symlink(), "the link is kept");
    let formatted = std::fs::read_to_string(specs.join(".shared/team.yaml")).unwrap();
    assert!(formatted.starts_with("version: 1\n"), "{formatted}");

    // A folder link to the outside: refused, the outside untouched.
    let outside = dir.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("other.yaml"), unformatted).unwrap();
    symlink(&outside, specs.join("other")).unwrap();
    let before = snapshot(&outside);
    let result = monocle(&["fmt", "specs"], dir.path());
    assert_fails(&result, 1, "monocle::load::symlink_outside");
    assert_eq!(snapshot(&outside), before);
}

#[test]
fn files_read_back_from_the_output_folder_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let spec = reference_spec(dir.path());
    let compile = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend([spec.to_str().unwrap(), "--out", "out"]);
        monocle(&all, dir.path())
    };
    assert_eq!(compile(&["compile"]).status.code(), Some(0));
    let out = dir.path().join("out");
    let sparse = |path: &Path, len: u64| {
        std::fs::File::create(path).unwrap().set_len(len).unwrap();
    };
    // Sparse files: gigabytes on paper, nothing on disk.
    let manifest = out.join(".monocle-manifest");
    let kept = std::fs::read(&manifest).unwrap();
    sparse(&manifest, 3 << 30);
    for args in [&["compile"][..], &["compile", "--check"], &["diff"]] {
        assert_fails(&compile(args), 2, "byte limit for files read back");
    }
    std::fs::write(&manifest, kept).unwrap();
    // A generated file grown huge: `diff` refuses to read it back.
    sparse(&out.join("prod-eu-1/kustomization.yaml"), 1 << 30);
    assert_fails(&compile(&["diff"]), 2, "byte limit for files read back");
    // A huge bucket config is not state worth keeping: ignored.
    sparse(&out.join("monitor/buckets.yaml"), 1 << 30);
    let result = compile(&["monitor"]);
    assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
}

#[test]
fn spec_text_in_messages_cannot_start_a_line_or_send_escapes() {
    let dir = tempfile::tempdir().unwrap();
    let fleet = std::fs::read_to_string("specs/fleet.yaml").unwrap();
    // An unknown service whose name ends the message's line and forges
    // workflow commands, with a terminal escape and a carriage return.
    let spec = fleet.replacen(
        "service: velero\n",
        "service: \"velero\\n::error::forged\\r::add-mask::x\\u001b[2J\\u202e\"\n",
        1,
    );
    assert_ne!(spec, fleet);
    std::fs::write(dir.path().join("spec.yaml"), spec).unwrap();
    for format in ["human", "short", "github", "markdown", "json"] {
        let result = monocle(&["check", "spec.yaml", "--format", format], dir.path());
        assert_eq!(result.status.code(), Some(1), "{}", stderr(&result));
        let all = format!(
            "{}{}",
            stderr(&result),
            String::from_utf8_lossy(&result.stdout)
        );
        assert!(
            all.contains("forged"),
            "{format}: the name is shown:\n{all}"
        );
        for line in all.lines() {
            assert!(
                !line.starts_with("::add-mask") && !line.starts_with("::error::forged"),
                "{format}: a forged line:\n{all}"
            );
        }
        assert!(
            !all.contains('\u{1b}') && !all.contains('\r'),
            "{format}: {all:?}"
        );
        // JSON carries the text as it is, escaped by JSON's rules.
        if format != "json" {
            assert!(!all.contains('\u{202e}'), "{format}: {all:?}");
        }
    }
}

/// A compile killed while renaming leaves a journal: `compile --check`
/// refuses the mixed tree, and the next `compile` (even one whose spec no
/// longer checks) completes the killed commit first.
#[test]
fn a_compile_killed_while_committing_is_completed_by_the_next_compile() {
    let dir = tempfile::tempdir().unwrap();
    let spec = reference_spec(dir.path());
    let out = dir.path().join("out");
    let compile = |extra: &[&str]| {
        let mut args = vec!["compile", spec.to_str().unwrap(), "--out", "out"];
        args.extend_from_slice(extra);
        monocle(&args, dir.path())
    };
    let result = compile(&[]);
    assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
    // What a run with pid 4242 killed after its journal went in leaves: a
    // staged file beside its target, not yet renamed.
    let target = walkdir(&out)
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "yaml"))
        .unwrap();
    let rel = target
        .strip_prefix(&out)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let name = target.file_name().unwrap().to_str().unwrap();
    let staged = target.with_file_name(format!(".{name}.monocle-tmp-4242.new"));
    std::fs::write(&staged, "# the killed run's version\n").unwrap();
    std::fs::write(
        out.join(".monocle-journal"),
        format!("pid 4242\nfile {rel}\n"),
    )
    .unwrap();
    assert_fails(
        &compile(&["--check"]),
        2,
        "run `monocle compile` to complete it",
    );
    // A spec that no longer checks: the commit is completed all the same.
    let fleet = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(&spec, format!("{fleet}\nnot_a_key: 1\n")).unwrap();
    let result = compile(&[]);
    assert_ne!(result.status.code(), Some(0));
    assert!(
        stderr(&result).contains("completed the commit"),
        "{}",
        stderr(&result)
    );
    assert!(!out.join(".monocle-journal").exists());
    assert!(!staged.exists());
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "# the killed run's version\n"
    );
    std::fs::write(&spec, fleet).unwrap();
    let result = compile(&[]);
    assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
    let result = compile(&["--check"]);
    assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
}
