//! Fleet-scale benchmarks: `cargo bench` (all sizes) or
//! `MONOCLE_BENCH_SIZES=S,M cargo bench`. Prints a Markdown table per size:
//! each pipeline stage in-process, then the real command end to end
//! (`compile`, no-op `compile --check`, `check`) next to the I/O floor
//! (`cp -r` and `diff -r` of the same output tree) measured in the same run.

mod fleet_gen;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use fleet_gen::Size;

const RUNS: usize = 3;

fn main() {
    let wanted = std::env::var("MONOCLE_BENCH_SIZES").unwrap_or_else(|_| "S,M,L".into());
    // `cargo bench` passes `--bench`; any other argument filters sizes too.
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    println!("# monocle fleet benchmarks\n");
    println!(
        "machine: {} cores; best of {RUNS} runs; times in ms\n",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    for size in [fleet_gen::S, fleet_gen::M, fleet_gen::L] {
        if !wanted.split(',').any(|w| w.trim() == size.name)
            || (!filter.is_empty() && !filter.iter().any(|f| f == size.name))
        {
            continue;
        }
        bench(size);
    }
}

fn best(mut f: impl FnMut() -> Duration) -> Duration {
    (0..RUNS).map(|_| f()).min().unwrap_or_default()
}

fn time(f: impl FnOnce()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

fn ms(d: Duration) -> String {
    format!("{:.0}", d.as_secs_f64() * 1000.0)
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
        Command::new("sh")
            .arg("-c")
            .arg(cmd)
            .current_dir(dir)
            .status()
            .expect("sh runs");
    })
}

fn tree_size(dir: &Path) -> (usize, u64) {
    let mut files = 0;
    let mut bytes = 0;
    for entry in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if entry.file_type().is_file() {
            files += 1;
            bytes += entry.metadata().map_or(0, |m| m.len());
        }
    }
    (files, bytes)
}

fn bench(size: Size) {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let spec = d.join("specs");
    std::fs::create_dir(&spec).unwrap();
    fleet_gen::write(&spec, size).unwrap();
    let (spec_files, spec_bytes) = tree_size(&spec);

    // Stages, in-process.
    let load = best(|| time(|| drop(monocle::load::load(&spec).unwrap())));
    let sources = monocle::load::load(&spec).unwrap();
    let check = best(|| time(|| drop(monocle::check::check(&sources).expect("valid spec"))));
    let checked = monocle::check::check(&sources).expect("valid spec");
    let lower = best(|| time(|| drop(monocle::lower::lower(&checked.spec, &sources, None))));
    let model = monocle::lower::lower(&checked.spec, &sources, None);
    let emit = best(|| time(|| drop(monocle::emit::emit(&model))));
    let artifacts = monocle::emit::emit(&model);
    let write = best(|| {
        let out = tempfile::tempdir().unwrap();
        time(|| {
            let plan = monocle::write::plan(out.path(), &artifacts).unwrap();
            monocle::write::apply(out.path(), &artifacts, &plan).unwrap();
        })
    });
    let largest = artifacts.iter().map(|a| a.bytes.len()).max().unwrap_or(0);
    drop((artifacts, model, checked, sources));

    // End to end, the way users run it.
    let out = d.join("out");
    let mut compile_peak = None;
    let compile = best(|| {
        let _ = std::fs::remove_dir_all(&out);
        let (t, peak, ok) = run(&["compile", "specs", "--out", "out"], d);
        assert!(ok, "compile failed");
        compile_peak = peak.max(compile_peak);
        t
    });
    let (files, bytes) = tree_size(&out);
    let mut check_peak = None;
    let noop = best(|| {
        let (t, peak, ok) = run(&["compile", "specs", "--out", "out", "--check"], d);
        assert!(ok, "compile --check found drift");
        check_peak = peak.max(check_peak);
        t
    });
    let check_only = best(|| run(&["check", "specs", "--out", "out"], d).0);
    let cp = best(|| {
        let _ = std::fs::remove_dir_all(d.join("copy"));
        shell("cp -r out copy", d)
    });
    let diff = best(|| shell("diff -r out copy > /dev/null", d));

    println!(
        "## {} — {} clusters, {} services, {} alerts, {} SLOs, {} dashboards\n",
        size.name, size.clusters, size.services, size.alerts, size.slos, size.dashboards
    );
    println!(
        "spec: {spec_files} files, {} KB; output: {files} files, {} MB, largest file {} KB\n",
        spec_bytes / 1000,
        bytes / 1_000_000,
        largest / 1000
    );
    println!("| measure | ms | note |\n|---|---:|---|");
    println!("| load (read files) | {} | |", ms(load));
    println!("| parse + check | {} | all diagnostics |", ms(check));
    println!("| lower | {} | per-cluster model |", ms(lower));
    println!(
        "| emit | {} | {:.1} µs per file |",
        ms(emit),
        emit.as_secs_f64() * 1e6 / files.max(1) as f64
    );
    println!("| write (empty folder) | {} | |", ms(write));
    println!(
        "| `monocle compile` | {} | {:.1} µs per file; peak {} MB |",
        ms(compile),
        compile.as_secs_f64() * 1e6 / files.max(1) as f64,
        compile_peak.map_or("n/a".into(), |k| format!("{:.0}", k as f64 / 1024.0))
    );
    println!(
        "| `cp -r` of the output | {} | compile / cp = {:.2} |",
        ms(cp),
        compile.as_secs_f64() / cp.as_secs_f64().max(1e-9)
    );
    println!(
        "| no-op `monocle compile --check` | {} | peak {} MB |",
        ms(noop),
        check_peak.map_or("n/a".into(), |k| format!("{:.0}", k as f64 / 1024.0))
    );
    println!(
        "| `diff -r` of the output | {} | check / diff = {:.2} |",
        ms(diff),
        noop.as_secs_f64() / diff.as_secs_f64().max(1e-9)
    );
    println!("| `monocle check` | {} | |", ms(check_only));
    println!();
}
