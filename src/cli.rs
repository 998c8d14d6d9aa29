//! The command line: `compile`, `check`, `diff` and `schema`.
//! Exit codes: 0 ok; 1 spec errors or drift; 2 usage or I/O errors.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::render::{self, Format};
use crate::write::{self, ChangeKind, Plan};
use crate::{CompileError, Compiled};

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
    Check {
        #[arg(default_value = "specs")]
        spec: PathBuf,
    },
    /// Show unified diffs between the output folder and a fresh compile.
    Diff {
        #[arg(default_value = "specs")]
        spec: PathBuf,
        #[arg(long, default_value = "generated")]
        out: PathBuf,
    },
    /// Print the JSON schema of the spec language.
    Schema,
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
        Command::Schema => {
            print!("{}", crate::schema::schema_text());
            OK
        }
        Command::Check { spec } => match crate::compile(&spec) {
            Ok(compiled) => {
                report(&compiled.warnings, &compiled.sources, format);
                let clusters: std::collections::BTreeSet<&str> = compiled
                    .artifacts
                    .iter()
                    .filter_map(|a| a.path.split('/').next())
                    .collect();
                eprintln!(
                    "spec ok: {} file(s), {} cluster(s), {} generated file(s)",
                    compiled.sources.len(),
                    clusters.len(),
                    compiled.artifacts.len()
                );
                OK
            }
            Err(err) => failure(err, format),
        },
        Command::Compile { spec, out, check } => match compile_into(&spec, &out) {
            Ok(compiled) => compile(&compiled, &out, check, format),
            Err(err) => failure(err, format),
        },
        Command::Diff { spec, out } => match compile_into(&spec, &out) {
            Ok(compiled) => diff(&compiled, &out, format),
            Err(err) => failure(err, format),
        },
    }
}

/// Compiles with the state monocle keeps in the output folder (the previous
/// bucket config), read through the writer.
fn compile_into(spec: &Path, out: &Path) -> Result<Compiled, CompileError> {
    let previous_buckets = write::read_existing(out, crate::model::buckets::BUCKETS_FILE)
        .ok()
        .flatten();
    crate::compile_with(spec, &crate::Inputs { previous_buckets })
}

fn compile(compiled: &Compiled, out: &Path, check: bool, format: Format) -> u8 {
    report(&compiled.warnings, &compiled.sources, format);
    let plan = match write::plan(out, &compiled.artifacts) {
        Ok(plan) => plan,
        Err(err) => return io_failure(&err),
    };
    if check {
        for change in &plan.changes {
            println!(
                "{} {}",
                verb(change.kind, true),
                out.join(&change.path).display()
            );
        }
        if plan.is_empty() {
            eprintln!("{} is up to date ({} files)", out.display(), plan.unchanged);
            return OK;
        }
        eprintln!(
            "{} is stale: {}; run `monocle compile`",
            out.display(),
            summary(&plan)
        );
        return FAILED;
    }
    if let Err(err) = write::apply(out, &compiled.artifacts, &plan) {
        return io_failure(&err);
    }
    for change in &plan.changes {
        println!(
            "{} {}",
            verb(change.kind, false),
            out.join(&change.path).display()
        );
    }
    eprintln!(
        "{}: {}, {} unchanged",
        out.display(),
        summary(&plan),
        plan.unchanged
    );
    OK
}

fn diff(compiled: &Compiled, out: &Path, format: Format) -> u8 {
    report(&compiled.warnings, &compiled.sources, format);
    let plan = match write::plan(out, &compiled.artifacts) {
        Ok(plan) => plan,
        Err(err) => return io_failure(&err),
    };
    let color = std::io::stdout().is_terminal();
    let mut stdout = std::io::stdout().lock();
    for change in &plan.changes {
        let text = crate::diff::unified(
            &change.path,
            change.old.as_deref(),
            change.new.as_deref(),
            color,
        );
        let _ = stdout.write_all(text.as_bytes());
    }
    if plan.is_empty() { OK } else { FAILED }
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

fn summary(plan: &Plan) -> String {
    let count = |k: ChangeKind| plan.changes.iter().filter(|c| c.kind == k).count();
    format!(
        "{} created, {} updated, {} deleted",
        count(ChangeKind::Create),
        count(ChangeKind::Update),
        count(ChangeKind::Delete)
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
    let text = render::render(diags, sources, format, color);
    if format == Format::Json {
        print!("{text}");
    } else {
        eprint!("{text}");
    }
}

fn failure(err: CompileError, format: Format) -> u8 {
    match err {
        CompileError::Io { path, source } => {
            eprintln!("error: cannot read `{}`: {source}", path.display());
            USAGE
        }
        CompileError::Spec { sources, diags } => {
            report(&diags, &sources, format);
            let errors = diags.iter().filter(|d| d.is_error()).count();
            if format != Format::Json {
                eprintln!("error: the spec has {errors} error(s); nothing was written");
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
