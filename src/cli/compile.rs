//! `compile` and `compile --check`, and the streaming compile `diff` shares.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use super::output::{Settings, io_failure};
use super::{FAILED, OK};
use crate::write::{self, ChangeKind, Mode};

/// How much `compile` prints besides problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// Nothing.
    Quiet,
    /// One summary line (and, with `--check`, the files that drifted).
    Summary,
    /// Every file created, updated or deleted, then the summary.
    Files,
}

/// What a streamed compile did: the write report, and the spec's size for
/// the summary.
pub struct Streamed {
    pub report: write::Report,
    pub files: usize,
    pub clusters: usize,
}

/// Checks the spec, reports its warnings, and streams the output through
/// a write session on `out`; `changed` sees each new or changed file as it
/// comes. Memory stays bounded however large the fleet. `Err` is the exit code.
pub fn stream(
    spec: &Path,
    out: &Path,
    mode: Mode,
    settings: Settings,
    progress: bool,
    mut changed: impl FnMut(&str, &[u8], ChangeKind) -> Result<(), write::WriteError>,
) -> Result<Streamed, u8> {
    let then = match mode {
        Mode::Write => "; nothing was written",
        Mode::Check => "",
    };
    let (checked, sources) =
        crate::check_spec(spec).map_err(|err| settings.failure_then(err, then))?;
    settings.warnings(&checked.warnings, &sources, then)?;
    let inputs = crate::Inputs {
        previous_buckets: super::check::previous_buckets(out),
    };
    let clusters = checked.spec.clusters.len();
    let mut line = Progress::new(progress, clusters);
    let done = write::Session::open(out, mode).and_then(|mut session| {
        crate::emit_streaming_with_progress(
            &checked,
            &sources,
            &inputs,
            // The command ends with the compile.
            crate::Release::Leave,
            |path, bytes| match session.add_shared(&path, bytes)? {
                Some(kind) => changed(&path, bytes, kind),
                None => Ok(()),
            },
            |done| line.update(done),
        )?;
        line.clear();
        session.finish()
    });
    line.clear();
    let report = done.map_err(|err| io_failure(&err))?;
    let files = sources.len();
    // The command ends with the compile: the exit returns the spec's
    // memory at once, where dropping it frees it object by object.
    std::mem::forget((checked, sources));
    Ok(Streamed {
        report,
        files,
        clusters,
    })
}

/// `compile` and `compile --check`.
pub fn compile(spec: &Path, out: &Path, check: bool, shown: Shown, settings: Settings) -> u8 {
    let mode = if check { Mode::Check } else { Mode::Write };
    if !check {
        match write::complete_interrupted(out) {
            Ok(true) => eprintln!(
                "{}: completed the commit of an earlier compile that was stopped part-way",
                out.display()
            ),
            Ok(false) => {}
            Err(err) => return io_failure(&err),
        }
    }
    let progress = shown != Shown::Quiet && progress_wanted();
    let done = match stream(spec, out, mode, settings, progress, |_, _, _| Ok(())) {
        Ok(done) => done,
        Err(code) => return code,
    };
    let report = &done.report;
    // `--check` lists the drift: it is what CI needs to see.
    if shown == Shown::Files || (check && shown == Shown::Summary) {
        // One write per line would cost a system call per generated file.
        let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
        for (path, kind) in report.changes() {
            super::output::stdout_written(writeln!(
                stdout,
                "{} {}",
                verb(kind, check),
                out.join(path).display()
            ));
        }
        super::output::stdout_written(stdout.flush());
    }
    let status = if check && !report.is_empty() {
        FAILED
    } else {
        OK
    };
    if shown == Shown::Quiet {
        return status;
    }
    let spec_size = format!(
        "{} ({} file(s), {} cluster(s))",
        spec.display(),
        done.files,
        done.clusters
    );
    if !check {
        eprintln!(
            "compiled {spec_size} into {}: {}, {} unchanged",
            out.display(),
            summary(report),
            report.unchanged
        );
    } else if report.is_empty() {
        eprintln!(
            "{} is up to date with {spec_size} ({} files)",
            out.display(),
            report.unchanged
        );
    } else {
        eprintln!(
            "{} is stale: {}; run `monocle compile`",
            out.display(),
            summary(report)
        );
    }
    status
}

pub fn verb(kind: ChangeKind, would: bool) -> &'static str {
    match (kind, would) {
        (ChangeKind::Create, false) => "created",
        (ChangeKind::Update, false) => "updated",
        (ChangeKind::Delete, false) => "deleted",
        (ChangeKind::Create, true) => "would create",
        (ChangeKind::Update, true) => "would update",
        (ChangeKind::Delete, true) => "would delete",
    }
}

fn summary(done: &write::Report) -> String {
    format!(
        "{} created, {} updated, {} deleted",
        done.count(ChangeKind::Create),
        done.count(ChangeKind::Update),
        done.count(ChangeKind::Delete)
    )
}

/// A progress line belongs on a person's terminal only: not in CI logs
/// (which set `CI`), pipes or files, nor on a terminal that cannot move
/// the cursor back.
fn progress_wanted() -> bool {
    std::io::stderr().is_terminal()
        && std::env::var_os("CI").is_none()
        && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
}

/// "compiling: 12/200 clusters" on stderr, redrawn in place; shown only
/// once a compile has run for a while, so short compiles print nothing.
struct Progress {
    enabled: bool,
    total: usize,
    started: Instant,
    drawn: Option<Instant>,
}

impl Progress {
    const DELAY: Duration = Duration::from_millis(500);
    const EVERY: Duration = Duration::from_millis(100);

    fn new(enabled: bool, total: usize) -> Self {
        Self {
            enabled,
            total,
            started: Instant::now(),
            drawn: None,
        }
    }

    fn update(&mut self, done: usize) {
        if !self.enabled || self.started.elapsed() < Self::DELAY {
            return;
        }
        if self.drawn.is_some_and(|at| at.elapsed() < Self::EVERY) && done < self.total {
            return;
        }
        eprint!("\rcompiling: {done}/{} clusters", self.total);
        let _ = std::io::stderr().flush();
        self.drawn = Some(Instant::now());
    }

    /// Erases the line (spaces, not escape codes) before anything else is
    /// printed.
    fn clear(&mut self) {
        if self.drawn.take().is_some() {
            let width = format!("compiling: {0}/{0} clusters", self.total).len();
            eprint!("\r{:width$}\r", "");
            let _ = std::io::stderr().flush();
        }
    }
}
