//! Fleet-scale benchmarks: `cargo bench` (all sizes) or
//! `MONOCLE_BENCH_SIZES=S,M cargo bench`; `cargo bench --bench fleet -- M lsp`
//! measures only the language server, at M. Prints a Markdown table per size:
//! each pipeline stage in-process, then the real command end to end
//! (`compile`, no-op `compile --check`, `check`) next to the I/O floor
//! (`cp -r` and `diff -r` of the same output tree) measured in the same run,
//! and last how time per generated file grows from size to size.
//!
//! Settings: `MONOCLE_BENCH_RUNS` (best of N; default 3, and 1 for L, whose
//! output is 8 GB per copy), `MONOCLE_BENCH_DIR` (where the trees go;
//! default the system temp folder).

mod fleet_gen;
#[path = "../tests/integration/lsp_client.rs"]
#[allow(dead_code)]
mod lsp_client;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use fleet_gen::Size;

fn main() {
    let wanted = std::env::var("MONOCLE_BENCH_SIZES").unwrap_or_else(|_| "S,M,L".into());
    // `cargo bench` passes `--bench`; any other argument filters sizes too,
    // and `lsp` skips everything but the language server.
    let mut filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let only_lsp = filter.iter().any(|a| a == "lsp");
    filter.retain(|a| a != "lsp");
    println!("# monocle fleet benchmarks\n");
    println!(
        "machine: {} cores; best of the runs; times in ms\n",
        std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
    );
    let mut measured = Vec::new();
    for size in [fleet_gen::S, fleet_gen::M, fleet_gen::L] {
        if !wanted.split(',').any(|w| w.trim() == size.name)
            || (!filter.is_empty() && !filter.iter().any(|f| f == size.name))
        {
            continue;
        }
        if !only_lsp {
            measured.push(bench(size));
        }
        language_server(size);
    }
    if !only_lsp {
        linearity(&measured);
    }
}

/// What the linearity summary needs from one size.
struct Figures {
    size: &'static str,
    files: usize,
    compile: Duration,
    noop: Duration,
    emit: Duration,
}

fn runs(size: Size) -> usize {
    std::env::var("MONOCLE_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(if size.name == "L" { 1 } else { 3 })
        .max(1)
}

fn best(runs: usize, mut f: impl FnMut(usize) -> Duration) -> Duration {
    (0..runs).map(&mut f).min().unwrap_or_default()
}

fn time(f: impl FnOnce()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

fn ms(d: Duration) -> String {
    format!("{:.0}", d.as_secs_f64() * 1000.0)
}

fn mb(kib: Option<u64>) -> String {
    kib.map_or("n/a".into(), |k| format!("{:.0} MB", k as f64 / 1024.0))
}

/// Runs the monocle binary; returns wall time, peak RSS (KiB, Linux) and success.
fn run(args: &[&str], dir: &Path) -> (Duration, Option<u64>, bool) {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_monocle"))
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("monocle runs");
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = None;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file)
            && let Some(kib) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak = Some(kib);
        }
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    (start.elapsed(), peak, status.success())
}

fn shell(cmd: &str, dir: &Path) -> Duration {
    time(|| {
        let ok = Command::new("sh")
            .arg("-c")
            .arg(cmd)
            .current_dir(dir)
            .status()
            .expect("sh runs")
            .success();
        assert!(ok, "`{cmd}` failed");
    })
}

fn tree_size(dir: &Path) -> (usize, u64, u64) {
    let (mut files, mut bytes, mut largest) = (0, 0, 0);
    for entry in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if entry.file_type().is_file() {
            let len = entry.metadata().map_or(0, |m| m.len());
            files += 1;
            bytes += len;
            largest = largest.max(len);
        }
    }
    (files, bytes, largest)
}

fn bench(size: Size) -> Figures {
    let runs = runs(size);
    let dir = match std::env::var_os("MONOCLE_BENCH_DIR") {
        Some(base) => tempfile::tempdir_in(base),
        None => tempfile::tempdir(),
    }
    .expect("tempdir");
    let d = dir.path();
    let spec = d.join("specs");
    std::fs::create_dir(&spec).unwrap();
    fleet_gen::write(&spec, size).unwrap();
    let (spec_files, spec_bytes, _) = tree_size(&spec);

    // Stages, in-process. Lowering and emitting go cluster by cluster, in
    // parallel, and drop each result: the whole output does not fit in
    // memory at L.
    let load = best(runs, |_| time(|| drop(monocle::load::load(&spec).unwrap())));
    let mut sources = monocle::load::load(&spec).unwrap();
    // Checking adds the sources of packs it takes in: each run starts from
    // the loaded ones (the clone is outside the timed part).
    let check = best(runs, |_| {
        let mut fresh = sources.clone();
        time(|| drop(monocle::check::check(&mut fresh).expect("valid spec")))
    });
    let checked = monocle::check::check(&mut sources).expect("valid spec");
    let lowering = monocle::lower::Lowering::new(&checked.spec, &sources);
    let order = lowering.order();
    let lower = best(runs, |_| {
        time(|| order.par_iter().for_each(|&i| drop(lowering.cluster(i))))
    });
    let lower_emit = best(runs, |_| {
        let emitter = monocle::emit::Emitter::default();
        time(|| {
            order
                .par_iter()
                .for_each(|&i| drop(emitter.files(&lowering.cluster(i))));
        })
    });
    let emit = lower_emit.saturating_sub(lower);
    let inputs = monocle::Inputs::default();

    // The write stage, then the real compile, then `cp -r`, in turns into
    // fresh folders, deleting nothing until the size is done: on this
    // machine (ext4 mounted with `discard`) deleting a large tree slows
    // every file created for a while after, by up to 10×, so taking turns
    // lets all three meet the same conditions.
    // Conditions drift while earlier deletes are still being discarded, so
    // the order alternates (ABBA) and a short settle comes first.
    settle();
    let mut compile_peak = None;
    let (mut write, mut compile, mut cp) = (Duration::MAX, Duration::MAX, Duration::MAX);
    for round in 0..runs {
        let mut stage = || {
            // The write stage is the time spent in the write session (the
            // sink of the streamed compile); the producers run meanwhile on
            // other threads.
            let out = d.join(format!("stage-{round}"));
            let mut session =
                monocle::write::Session::open(&out, monocle::write::Mode::Write).unwrap();
            let mut spent = Duration::ZERO;
            monocle::emit_streaming(&checked, &sources, &inputs, |path, bytes| {
                let start = Instant::now();
                let added = session.add_shared(&path, bytes);
                spent += start.elapsed();
                added.map(drop)
            })
            .unwrap();
            write = write.min(spent + time(|| drop(session.finish().unwrap())));
        };
        let mut end_to_end = || {
            // The first compile makes the tree that `cp -r` copies.
            let (t, peak, _) = run_compile(d, &format!("out-{round}"));
            compile_peak = peak.max(compile_peak);
            compile = compile.min(t);
        };
        if round % 2 == 0 {
            stage();
            end_to_end();
            cp = cp.min(shell(&format!("cp -r out-0 copy-{round}"), d));
        } else {
            cp = cp.min(shell(&format!("cp -r out-0 copy-{round}"), d));
            end_to_end();
            stage();
        }
    }
    drop(lowering);
    drop((checked, sources));
    let (files, bytes, largest) = tree_size(&d.join("out-0"));
    // Same for the no-op check and `diff -r`: they take turns, so both see
    // the same page cache and background writeback.
    let mut check_peak = None;
    let (mut noop, mut diff) = (Duration::MAX, Duration::MAX);
    // Both start from a cold page cache when the machine allows it (root):
    // at L the trees outgrow memory, and whichever ran second would
    // otherwise find the other's files cached.
    settle();
    let cold = drop_caches();
    for round in 0..runs {
        let mut check = || {
            drop_caches();
            let (t, peak, ok) = run(&["compile", "specs", "--out", "out-0", "--check"], d);
            assert!(ok, "compile --check found drift");
            check_peak = peak.max(check_peak);
            noop = noop.min(t);
        };
        let mut compare = || {
            drop_caches();
            diff = diff.min(shell("diff -r out-0 copy-0 > /dev/null", d));
        };
        if round % 2 == 0 {
            check();
            compare();
        } else {
            compare();
            check();
        }
    }
    let layouts = layouts(d, &spec);
    let mut check_only_peak = None;
    let check_only = best(runs, |_| {
        let (t, peak, ok) = run(&["check", "specs"], d);
        assert!(ok, "check failed");
        check_only_peak = peak.max(check_only_peak);
        t
    });

    println!(
        "## {} — {} clusters, {} services, {} alerts, {} SLOs, {} dashboards\n",
        size.name, size.clusters, size.services, size.alerts, size.slos, size.dashboards
    );
    println!(
        "spec: {spec_files} files, {} KB; output: {files} files, {} MB, largest file {} KB; best of {runs}\n",
        spec_bytes / 1000,
        bytes / 1_000_000,
        largest / 1000
    );
    let per_file = |t: Duration| t.as_secs_f64() * 1e6 / files.max(1) as f64;
    println!("| measure | ms | note |\n|---|---:|---|");
    println!("| load (read files) | {} | |", ms(load));
    println!("| parse + check | {} | all diagnostics |", ms(check));
    println!("| lower | {} | per-cluster model, parallel |", ms(lower));
    println!(
        "| emit | {} | {:.1} µs per file, parallel |",
        ms(emit),
        per_file(emit)
    );
    println!(
        "| write (empty folder) | {} | time inside the write session |",
        ms(write)
    );
    println!(
        "| `monocle compile` (empty folder) | {} | {:.1} µs per file; peak {} |",
        ms(compile),
        per_file(compile),
        mb(compile_peak)
    );
    println!(
        "| `cp -r` of the output | {} | **compile / cp = {:.2}** |",
        ms(cp),
        compile.as_secs_f64() / cp.as_secs_f64().max(1e-9)
    );
    println!(
        "| no-op `monocle compile --check` | {} | peak {}; {} page cache |",
        ms(noop),
        mb(check_peak),
        if cold { "cold" } else { "warm" }
    );
    println!(
        "| `diff -r` of the output | {} | **check / diff = {:.2}** |",
        ms(diff),
        noop.as_secs_f64() / diff.as_secs_f64().max(1e-9)
    );
    println!(
        "| `monocle check` | {} | peak {} |",
        ms(check_only),
        mb(check_only_peak)
    );
    println!(
        "\nmemory target (4 × spec + largest file): {} KB; compile peak: {}\n",
        (4 * spec_bytes + largest) / 1000,
        mb(compile_peak)
    );
    let distinct = distinct_bytes(&d.join("out-0"));
    println!("Output layouts, side by side (one compile each into an empty folder):\n");
    println!("| measure | `per-cluster` | `shared` (default) |\n|---|---:|---:|");
    println!("| files | {} | {files} |", layouts.files);
    println!(
        "| bytes of the tree | {} MB | {} MB |",
        layouts.bytes / 1_000_000,
        bytes / 1_000_000
    );
    println!(
        "| tree ÷ its distinct contents ({} MB) | {:.2}× | **{:.2}×** |",
        distinct / 1_000_000,
        layouts.bytes as f64 / distinct.max(1) as f64,
        bytes as f64 / distinct.max(1) as f64
    );
    println!(
        "| `monocle compile` | {} ms, peak {} | {} ms, peak {} |\n",
        ms(layouts.compile),
        mb(layouts.peak),
        ms(compile),
        mb(compile_peak)
    );
    Figures {
        size: size.name,
        files,
        compile,
        noop,
        emit,
    }
}

/// `monocle lsp` on a fleet's spec folder: how long after a change to one
/// team file its diagnostics arrive (the whole folder is checked), and the
/// server's peak memory.
fn language_server(size: Size) {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = dir.path().join("specs");
    std::fs::create_dir(&spec).unwrap();
    fleet_gen::write(&spec, size).unwrap();
    let team = spec.join("team-00.yaml");
    let text = std::fs::read_to_string(&team).unwrap();
    let mut client =
        lsp_client::Client::start(Path::new(env!("CARGO_BIN_EXE_monocle")), &["lsp"], &spec);
    client.open(&team, &text);
    // The synthetic fleet has warnings; a comment changes none of them.
    let baseline = client.diagnostics(&team);
    let runs = 10;
    let mut latency = Duration::MAX;
    for version in 0..runs {
        // A comment typed at the end: the folder is checked again in full.
        let changed = format!("{text}# edit {version}\n");
        let start = Instant::now();
        client.notify(
            "textDocument/didChange",
            serde_json::json!({
                "textDocument": {"uri": lsp_client::uri(&team), "version": version + 2},
                "contentChanges": [{"text": changed}],
            }),
        );
        let published = client.diagnostics(&team);
        latency = latency.min(start.elapsed());
        assert_eq!(published, baseline);
    }
    let peak = std::fs::read_to_string(format!("/proc/{}/status", client.pid()))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        });
    println!(
        "`monocle lsp` at {}: diagnostics {} ms after a change (best of {runs}; target 100 ms), peak {} (target 100 MB)\n",
        size.name,
        ms(latency),
        mb(peak)
    );
}

/// One compile of the same spec in the `per-cluster` layout.
struct PerCluster {
    files: usize,
    bytes: u64,
    compile: Duration,
    peak: Option<u64>,
}

/// Compiles a copy of the spec with `output.layout: per-cluster` once, into
/// a fresh folder, measures it and deletes it (at L it is 6 GB).
fn layouts(d: &Path, spec: &Path) -> PerCluster {
    let copy = d.join("specs-per-cluster");
    std::fs::create_dir(&copy).unwrap();
    for entry in std::fs::read_dir(spec).unwrap().flatten() {
        std::fs::copy(entry.path(), copy.join(entry.file_name())).unwrap();
    }
    std::fs::write(
        copy.join("output.yaml"),
        "version: 1\noutput:\n  layout: per-cluster\n",
    )
    .unwrap();
    settle();
    let (compile, peak, ok) = run(
        &["compile", "specs-per-cluster", "--out", "out-per-cluster"],
        d,
    );
    assert!(ok, "per-cluster compile failed");
    let (files, bytes, _) = tree_size(&d.join("out-per-cluster"));
    std::fs::remove_dir_all(d.join("out-per-cluster")).unwrap();
    PerCluster {
        files,
        bytes,
        compile,
        peak,
    }
}

/// The bytes of each distinct file content of a tree, counted once.
fn distinct_bytes(dir: &Path) -> u64 {
    let mut seen = std::collections::HashSet::new();
    let mut bytes = 0;
    for entry in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if entry.file_type().is_file() {
            let content = std::fs::read(entry.path()).unwrap();
            let len = content.len() as u64;
            if seen.insert(content) {
                bytes += len;
            }
        }
    }
    bytes
}

/// Empties the page cache (needs root); whether it could.
fn drop_caches() -> bool {
    let _ = Command::new("sync").status();
    std::fs::write("/proc/sys/vm/drop_caches", "3").is_ok()
}

/// Flushes dirty pages and gives the file system a moment, so one
/// measurement does not pay for the writes of the one before.
fn settle() {
    let _ = Command::new("sync").status();
    std::thread::sleep(Duration::from_secs(3));
}

fn run_compile(dir: &Path, out: &str) -> (Duration, Option<u64>, bool) {
    let result = run(&["compile", "specs", "--out", out], dir);
    assert!(result.2, "compile failed");
    result
}

/// Time per generated file, each size against the one before.
fn linearity(measured: &[Figures]) {
    if measured.len() < 2 {
        return;
    }
    println!("## Linearity (µs per generated file)\n");
    println!("| sizes | compile | no-op check | emit |\n|---|---|---|---|");
    for pair in measured.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let cell = |f: fn(&Figures) -> Duration| {
            let per = |x: &Figures| f(x).as_secs_f64() * 1e6 / x.files.max(1) as f64;
            format!(
                "{:.1} → {:.1} ({:.2}×)",
                per(a),
                per(b),
                per(b) / per(a).max(1e-9)
            )
        };
        println!(
            "| {} → {} | {} | {} | {} |",
            a.size,
            b.size,
            cell(|f| f.compile),
            cell(|f| f.noop),
            cell(|f| f.emit)
        );
    }
    println!();
}
