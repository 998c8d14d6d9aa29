//! The command line: `compile`, `check`, `diff`, `monitor` and `schema`.
//! Exit codes: 0 ok; 1 spec errors or drift; 2 usage or I/O errors.

mod capacity;

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::CompileError;
use crate::render::{self, Format};
use crate::review::report::FileView;
use crate::write::{self, ChangeKind, Mode};

#[derive(Debug, Parser)]
#[command(
    name = "monocle",
    version,
    about = "Monitoring as code: one spec in, Prometheus, Alertmanager, Grafana and Alloy config out"
)]
pub struct Cli {
    /// How diagnostics are printed.
    #[arg(long, global = true, value_enum, default_value = "human")]
    pub format: Format,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compile the spec into the output folder (only changed files are written).
    Compile {
        /// Spec file or folder.
        #[arg(default_value = "specs")]
        spec: PathBuf,
        /// Output folder.
        #[arg(long, default_value = "generated")]
        out: PathBuf,
        /// Write nothing; list what would change and exit 1 on drift.
        #[arg(long)]
        check: bool,
    },
    /// Check the spec and report every problem; writes nothing.
    ///
    /// With a `monitor` section, also prints the monitor daemon's capacity table.
    Check {
        #[arg(default_value = "specs")]
        spec: PathBuf,
        /// Output folder whose bucket config keeps bucket ownership (and so
        /// the capacity table) as `compile` would write it; only read.
        #[arg(long, default_value = "generated")]
        out: PathBuf,
    },
    /// Show unified diffs between the output folder and a fresh compile.
    Diff {
        #[arg(default_value = "specs")]
        spec: PathBuf,
        #[arg(long, default_value = "generated")]
        out: PathBuf,
        /// Compare with the spec at this git revision instead of the output
        /// folder: a semantic summary, then the generated-file diffs.
        #[arg(long)]
        base: Option<String>,
        /// Only count changed lines per file.
        #[arg(long)]
        stat: bool,
    },
    /// Print the monitor daemon's capacity table; writes nothing.
    ///
    /// Buckets, clusters, checks per second, workers and memory per monitor,
    /// with bucket ownership as `compile` would write it.
    Monitor {
        #[arg(default_value = "specs")]
        spec: PathBuf,
        /// Output folder holding the previous bucket config; only read.
        #[arg(long, default_value = "generated")]
        out: PathBuf,
    },
    /// Print the JSON schema of the spec language.
    Schema,
    /// Rewrite spec files into the canonical layout, keeping comments.
    Fmt {
        #[arg(default_value = "specs")]
        spec: PathBuf,
        /// Write nothing; list files that are not formatted and exit 1.
        #[arg(long)]
        check: bool,
    },
}

const OK: u8 = 0;
const FAILED: u8 = 1;
const USAGE: u8 = 2;

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() { USAGE } else { OK });
        }
    };
    ExitCode::from(run(cli))
}

pub fn run(cli: Cli) -> u8 {
    let format = cli.format;
    match cli.command {
        Command::Fmt { spec, check } => fmt(&spec, check),
        Command::Schema => {
            print!("{}", crate::schema::schema_text());
            OK
        }
        Command::Check { spec, out } => match check_only(&spec, &out) {
            Ok((checked, sources, buckets)) => {
                report(&checked.warnings, &sources, format);
                // On stderr with the summary: stdout carries only `--format json`.
                if let Some(buckets) = &buckets {
                    eprint!("{}", capacity::table(buckets));
                }
                eprintln!(
                    "spec ok: {} file(s), {} cluster(s)",
                    sources.len(),
                    checked.spec.clusters.len()
                );
                OK
            }
            Err(err) => failure(err, format),
        },
        Command::Monitor { spec, out } => match check_only(&spec, &out) {
            Ok((checked, sources, buckets)) => {
                report(&checked.warnings, &sources, format);
                match &buckets {
                    // `--format json` prints the warnings on stdout.
                    Some(buckets) if format == Format::Json => {
                        eprint!("{}", capacity::table(buckets));
                    }
                    Some(buckets) => print!("{}", capacity::table(buckets)),
                    None => eprintln!(
                        "the spec has no `monitor` section: there is no monitor daemon to report on"
                    ),
                }
                OK
            }
            Err(err) => failure(err, format),
        },
        Command::Compile { spec, out, check } => compile(&spec, &out, check, format),
        Command::Diff {
            spec,
            out,
            base: Some(base),
            stat,
        } => review(&spec, &out, &base, stat, format),
        Command::Diff {
            spec,
            out,
            base: None,
            stat,
        } => diff(&spec, &out, stat, format),
    }
}

/// The state monocle keeps in the output folder and reads back (the
/// previous bucket config, for sticky ownership), read through the writer.
fn previous_buckets(out: &Path) -> Option<Vec<u8>> {
    write::read_existing(out, crate::model::buckets::BUCKETS_FILE)
        .ok()
        .flatten()
}

/// Checks the spec without generating anything; the bucket config is
/// lowered too (cheap) for the capacity table.
fn check_only(
    spec: &Path,
    out: &Path,
) -> Result<
    (
        crate::check::Checked,
        crate::source::Sources,
        Option<crate::model::buckets::BucketsModel>,
    ),
    CompileError,
> {
    let (checked, sources) = crate::check_spec(spec)?;
    let buckets = crate::lower::lower_buckets(&checked.spec, previous_buckets(out).as_deref());
    Ok((checked, sources, buckets))
}

/// Checks the spec, reports its warnings, and streams the output through
/// a write session on `out`; `changed` sees each new or changed file as it
/// comes. Memory stays bounded however large the fleet. `Err` is the exit code.
fn stream(
    spec: &Path,
    out: &Path,
    mode: Mode,
    format: Format,
    mut changed: impl FnMut(&str, &[u8], ChangeKind) -> Result<(), write::WriteError>,
) -> Result<write::Report, u8> {
    let then = match mode {
        Mode::Write => "; nothing was written",
        Mode::Check => "",
    };
    let (checked, sources) =
        crate::check_spec(spec).map_err(|err| failure_then(err, format, then))?;
    report(&checked.warnings, &sources, format);
    let inputs = crate::Inputs {
        previous_buckets: previous_buckets(out),
    };
    let done = write::Session::open(out, mode).and_then(|mut session| {
        crate::emit_streaming(&checked, &sources, &inputs, |path, bytes| {
            match session.add_file(&path, bytes)? {
                Some(kind) => changed(&path, bytes, kind),
                None => Ok(()),
            }
        })?;
        session.finish()
    });
    done.map_err(|err| io_failure(&err))
}

/// `compile` and `compile --check`.
fn compile(spec: &Path, out: &Path, check: bool, format: Format) -> u8 {
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
    let done = match stream(spec, out, mode, format, |_, _, _| Ok(())) {
        Ok(done) => done,
        Err(code) => return code,
    };
    // One write per line would cost a system call per generated file.
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    for (path, kind) in done.changes() {
        let _ = writeln!(stdout, "{} {}", verb(kind, check), out.join(path).display());
    }
    let _ = stdout.flush();
    if !check {
        eprintln!(
            "{}: {}, {} unchanged",
            out.display(),
            summary(&done),
            done.unchanged
        );
        OK
    } else if done.is_empty() {
        eprintln!("{} is up to date ({} files)", out.display(), done.unchanged);
        OK
    } else {
        eprintln!(
            "{} is stale: {}; run `monocle compile`",
            out.display(),
            summary(&done)
        );
        FAILED
    }
}

fn fmt(spec: &Path, check: bool) -> u8 {
    let sources = match crate::load::load(spec) {
        Ok(sources) => sources,
        Err(err) => return failure(err, Format::Human),
    };
    let mut status = OK;
    for (_, file) in sources.iter() {
        let is_kdl = file.path.extension().is_some_and(|e| e == "kdl");
        match crate::fmt::format(&file.text, is_kdl) {
            Ok(text) if text == file.text => {}
            Ok(_) if check => {
                println!("would reformat {}", file.path.display());
                status = FAILED;
            }
            Ok(text) => {
                // Through a link (which the loader keeps inside the spec
                // folder) the file it points to is rewritten; the link stays.
                let target = std::fs::canonicalize(&file.path).unwrap_or(file.path.clone());
                if let Err(err) = write::write_atomic(&target, text.as_bytes()) {
                    return io_failure(&err);
                }
                println!("reformatted {}", file.path.display());
            }
            Err(crate::fmt::FmtError::Invalid) => {
                eprintln!(
                    "error: {} does not parse; run `monocle check` to see why",
                    file.path.display()
                );
                status = FAILED;
            }
            Err(crate::fmt::FmtError::Unsafe) => {
                eprintln!(
                    "error: {} has a layout `monocle fmt` cannot rewrite safely; left unchanged",
                    file.path.display()
                );
                status = FAILED;
            }
        }
    }
    status
}

/// `diff --base REV`: the spec at REV against the spec now, both compiled
/// cluster by cluster in memory; the output folder only lends its bucket
/// config.
fn review(spec: &Path, out: &Path, base: &str, stat: bool, format: Format) -> u8 {
    let old = match crate::load::load_at_revision(spec, base).and_then(crate::check_sources) {
        Ok(old) => old,
        Err(err) => {
            eprintln!("error: the spec at `{base}` does not compile:");
            return failure(err, format);
        }
    };
    let new = match crate::check_spec(spec) {
        Ok(new) => new,
        Err(err) => return failure(err, format),
    };
    report(&new.0.warnings, &new.1, format);
    let inputs = crate::Inputs {
        previous_buckets: previous_buckets(out),
    };
    let markdown = format == Format::Markdown;
    let view = match (stat, markdown) {
        (true, _) => FileView::Stat,
        (false, true) => FileView::Unified { color: false },
        (false, false) => FileView::Unified {
            color: std::io::stdout().is_terminal(),
        },
    };
    let (summary, files) = crate::review::review((&old.0, &old.1), (&new.0, &new.1), &inputs, view);
    let text = if markdown {
        crate::review::report::markdown(&summary, &files, stat)
    } else {
        crate::review::report::text(&summary, &files, stat)
    };
    print!("{text}");
    // Like `diff`: 1 when the change changes anything, so CI can tell.
    if summary.is_empty() && files.is_empty() {
        OK
    } else {
        FAILED
    }
}

/// `diff` without `--base`: what `compile` would change in `out`, as
/// unified diffs (or paths with `--stat`), sorted by path.
fn diff(spec: &Path, out: &Path, stat: bool, format: Format) -> u8 {
    let color = std::io::stdout().is_terminal();
    // Only the changed files' diffs are kept, to print them in path order.
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    let done = stream(spec, out, Mode::Check, format, |path, new, kind| {
        if !stat {
            let old = match kind {
                ChangeKind::Update => write::read_existing(out, path)?,
                _ => None,
            };
            let text = crate::diff::unified(path, old.as_deref(), Some(new), color);
            texts.insert(path.to_owned(), text);
        }
        Ok(())
    });
    let done = match done {
        Ok(done) => done,
        Err(code) => return code,
    };
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    for (path, kind) in done.changes() {
        if stat {
            let _ = writeln!(stdout, "{} {path}", verb(kind, true));
            continue;
        }
        let text = match texts.remove(path) {
            Some(text) => text,
            // A delete: the old file is all there is.
            None => match write::read_existing(out, path) {
                Ok(old) => crate::diff::unified(path, old.as_deref(), None, color),
                Err(err) => return io_failure(&err),
            },
        };
        let _ = stdout.write_all(text.as_bytes());
    }
    let _ = stdout.flush();
    if done.is_empty() { OK } else { FAILED }
}

fn verb(kind: ChangeKind, would: bool) -> &'static str {
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

fn report(
    diags: &[crate::diagnostic::Diagnostic],
    sources: &crate::source::Sources,
    format: Format,
) {
    if diags.is_empty() {
        return;
    }
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    // Streamed as rendered: the text of all diagnostics is never held at once.
    let _ = if matches!(format, Format::Json | Format::Github | Format::Markdown) {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        render::write(&mut out, diags, sources, format, color).and_then(|_| out.flush())
    } else {
        let mut out = std::io::BufWriter::new(std::io::stderr().lock());
        render::write(&mut out, diags, sources, format, color).and_then(|_| out.flush())
    };
}

fn failure(err: CompileError, format: Format) -> u8 {
    failure_then(err, format, "")
}

/// A failed check; `then` says what that meant for the output (only
/// `compile` writes, so only it says "nothing was written").
fn failure_then(err: CompileError, format: Format, then: &str) -> u8 {
    match err {
        CompileError::Io { path, source } => {
            eprintln!("error: cannot read `{}`: {source}", path.display());
            USAGE
        }
        CompileError::Spec { sources, diags } => {
            report(&diags, &sources, format);
            let errors = diags.iter().filter(|d| d.is_error()).count();
            if format != Format::Json {
                eprintln!("error: the spec has {errors} error(s){then}");
            }
            FAILED
        }
    }
}

fn io_failure(err: &write::WriteError) -> u8 {
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    eprintln!("error: {message}");
    USAGE
}
