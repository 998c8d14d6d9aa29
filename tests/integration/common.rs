//! Helpers shared by the integration tests.

use std::path::Path;

use monocle::write::Artifact;

/// Compiles a spec that must be valid, failing the test with its rendered
/// diagnostics otherwise; the files as the per-cluster layout has them
/// (every cluster folder complete), whatever the spec's layout, so tests
/// of a file's content find it in its cluster's folder.
pub fn compile_ok(path: impl AsRef<Path>) -> Vec<Artifact> {
    monocle::emit::layout::expand(&compile_laid(path))
}

/// [`compile_ok`], the files as the spec's layout lays them out.
pub fn compile_laid(path: impl AsRef<Path>) -> Vec<Artifact> {
    match monocle::compile(path.as_ref()) {
        Ok(compiled) => compiled.artifacts,
        Err(monocle::CompileError::Spec { sources, diags }) => panic!(
            "{} does not compile:\n{}",
            path.as_ref().display(),
            monocle::render::render(&diags, &sources, monocle::render::Format::Short, false)
        ),
        Err(monocle::CompileError::Io { path, source }) => {
            panic!("cannot read {}: {source}", path.display())
        }
    }
}

/// A YAML or JSON file as a JSON value.
pub fn yaml_value(text: &str) -> serde_json::Value {
    serde_saphyr::from_str(text).expect("valid YAML")
}

pub fn validator(schema_path: &str) -> jsonschema::Validator {
    let text =
        std::fs::read_to_string(schema_path).unwrap_or_else(|e| panic!("{schema_path}: {e}"));
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

/// All validation errors, one per line (empty when valid).
pub fn schema_errors(validator: &jsonschema::Validator, value: &serde_json::Value) -> String {
    validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// An upstream tool (promtool, amtool) from PATH. Under `CI=true` a missing
/// tool fails the test; elsewhere the test says it was skipped.
pub fn tool(name: &str) -> Option<std::path::PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    });
    if found.is_none() {
        assert!(
            !std::env::var("CI").is_ok_and(|v| v == "true"),
            "`{name}` is required under CI=true (install it as .ci/run does)"
        );
        eprintln!("skipped: `{name}` is not installed");
    }
    found
}

/// Runs a tool, returning (success, stdout + stderr).
pub fn run(tool: &std::path::Path, args: &[&str], dir: &std::path::Path) -> (bool, String) {
    let out = std::process::Command::new(tool)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("tool runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// Writes a spec into a fresh temporary folder and compiles it.
pub fn compile_text(spec: &str) -> Vec<Artifact> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("spec.yaml");
    std::fs::write(&path, spec).expect("write spec");
    compile_ok(&path)
}

/// insta settings for the snapshots in `tests/snapshots/` (files named
/// `integration__<module>__<name>.snap`): `common::snapshots().bind(|| ...)`.
/// The path is relative to the asserting file, which is in `tests/integration/`.
pub fn snapshots() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings
}

/// Runs the `monocle` binary in `dir`, colours off.
pub fn monocle(args: &[&str], dir: &Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_monocle"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("monocle runs")
}

/// The case count of a proptest block: `MONOCLE_PROPTEST_CASES` when set,
/// else `default`.
pub fn proptest_cases(default: u32) -> u32 {
    std::env::var("MONOCLE_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// SplitMix64, the deterministic generator of the hand-rolled property
/// tests (the proptest ones use proptest's): a fixed seed gives every run
/// the same cases, so a failure reproduces.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
}

/// An Alertmanager config as Debian's amtool (Alertmanager 0.25) reads it.
/// monocle emits webhook URLs in the current form, `url_file` (Alertmanager
/// 0.26+: the URL often holds a token, so it is never inlined); 0.25 knows
/// only `url`. For amtool only, each webhook `url_file: <path>` becomes
/// `url: http://url-file.invalid<path>`: check-config and routing treat a
/// webhook the same whichever way its URL is given. Slack's `api_url_file`
/// is left alone.
pub fn for_amtool_025(config: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(config);
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let key = line.find("url_file: ").filter(|&at| {
            let before = line[..at].trim_end();
            before.is_empty() || before.ends_with('-')
        });
        match key {
            Some(at) => {
                let path = line[at + "url_file: ".len()..].trim_end();
                let end = &line[line.trim_end().len()..];
                out.push_str(&line[..at]);
                out.push_str(&format!("url: http://url-file.invalid{path}{end}"));
            }
            None => out.push_str(line),
        }
    }
    out.into_bytes()
}
