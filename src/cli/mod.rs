//! The command line: `compile`, `check`, `diff`, `monitor`, `routes`, `fmt`, `init`,
//! `schema`, `completions` and `man`, one module per command.
//! Exit codes: 0 ok; 1 spec errors or drift; 2 usage or I/O errors.

/// `say!` that ends quietly when the reader of stdout went away.
macro_rules! say {
    ($($arg:tt)*) => { $crate::cli::output::stdout(format_args!($($arg)*)) };
}

/// `sayln!` that ends quietly when the reader of stdout went away.
macro_rules! sayln {
    ($($arg:tt)*) => { $crate::cli::output::stdout(format_args!("{}\n", format_args!($($arg)*))) };
}

mod args;
mod capacity;
mod check;
mod compile;
mod diff;
mod fmt;
mod import;
mod init;
mod manual;
mod output;
mod packs;
mod routes;

use std::process::ExitCode;

use clap::Parser;

pub use args::{Cli, Color, Command};

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
    match cli.command {
        Command::Compile {
            spec,
            out,
            check,
            verbose,
            quiet,
            report,
        } => {
            let shown = if quiet {
                compile::Shown::Quiet
            } else if verbose {
                compile::Shown::Files
            } else {
                compile::Shown::Summary
            };
            compile::compile(&spec.spec, &out, check, shown, report.into())
        }
        Command::Check {
            spec,
            capacity,
            out,
            quiet,
            report,
        } => check::check(
            &spec.spec,
            capacity.then_some(out.as_path()),
            quiet,
            report.into(),
        ),
        Command::Monitor { spec, out, report } => check::monitor(&spec.spec, &out, report.into()),
        Command::Diff {
            spec,
            out,
            base,
            stat,
            report,
        } => match base {
            Some(base) => diff::review(&spec.spec, &out, &base, stat, report.into()),
            None => diff::diff(&spec.spec, &out, stat, report.into()),
        },
        Command::Routes {
            spec,
            cluster,
            report,
        } => routes::routes(&spec.spec, cluster.as_deref(), report.into()),
        Command::Fmt { spec, check, quiet } => fmt::fmt(&spec.spec, check, quiet),
        Command::Init { dir, quiet } => init::init(&dir, quiet),
        Command::Import {
            kind,
            files,
            out,
            window,
            packs,
            syntax,
        } => import::import(
            kind,
            &files,
            out.as_deref(),
            &crate::import::Options {
                window,
                use_packs: packs,
                syntax: match syntax {
                    args::ImportSyntax::Yaml => crate::import::Syntax::Yaml,
                    args::ImportSyntax::Kdl => crate::import::Syntax::Kdl,
                },
            },
        ),
        Command::Packs { action } => packs::packs(action),
        Command::Schema => {
            say!("{}", crate::schema::schema_text());
            OK
        }
        Command::Lsp => match crate::lsp::run() {
            Ok(()) => OK,
            Err(e) => {
                eprintln!("error: the language server stopped: {e}");
                FAILED
            }
        },
        Command::Completions { shell } => manual::completions(shell),
        Command::Man { command } => manual::man(command.as_deref()),
    }
}
