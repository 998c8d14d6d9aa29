//! What the commands share about printing: colour, diagnostics, failures.

use std::io::{IsTerminal, Write};

use super::args::{Color, Report};
use super::{FAILED, OK, USAGE};
use crate::CompileError;
use crate::diagnostic::Diagnostic;
use crate::render::{self, Format};
use crate::source::Sources;
use crate::write;

/// The reporting options of a command that checks a spec.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub format: Format,
    pub deny_warnings: bool,
    pub color: Color,
}

impl From<Report> for Settings {
    fn from(report: Report) -> Self {
        Self {
            format: report.format,
            deny_warnings: report.deny_warnings,
            color: report.color.color,
        }
    }
}

impl Color {
    /// Whether to colour a stream: `auto` colours a terminal unless
    /// NO_COLOR is set to anything but the empty string (no-color.org).
    pub fn enabled(self, terminal: bool) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }
}

impl Settings {
    pub fn stdout_color(self) -> bool {
        self.color.enabled(std::io::stdout().is_terminal())
    }

    pub fn stderr_color(self) -> bool {
        self.color.enabled(std::io::stderr().is_terminal())
    }

    /// Prints the warnings of a spec that checked; `Err` (exit 1) when
    /// `--deny-warnings` turns them into a failure. `then` says what that
    /// meant for the output.
    pub fn warnings(self, diags: &[Diagnostic], sources: &Sources, then: &str) -> Result<(), u8> {
        self.report(diags, sources);
        if self.deny_warnings && !diags.is_empty() {
            if self.format != Format::Json {
                eprintln!(
                    "error: the spec has {} warning(s), denied by --deny-warnings{then}",
                    diags.len()
                );
            }
            return Err(FAILED);
        }
        Ok(())
    }

    /// Prints diagnostics: on stdout for the machine formats, else stderr.
    pub fn report(self, diags: &[Diagnostic], sources: &Sources) {
        if diags.is_empty() {
            return;
        }
        // Streamed as rendered: the text of all diagnostics is never held at once.
        let format = self.format;
        let _ = if matches!(format, Format::Json | Format::Github | Format::Markdown) {
            let color = self.stdout_color();
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            render::write(&mut out, diags, sources, format, color).and_then(|_| out.flush())
        } else {
            let color = self.stderr_color();
            let mut out = std::io::BufWriter::new(std::io::stderr().lock());
            render::write(&mut out, diags, sources, format, color).and_then(|_| out.flush())
        };
    }

    pub fn failure(self, err: CompileError) -> u8 {
        self.failure_then(err, "")
    }

    /// A failed check; `then` says what that meant for the output (only
    /// `compile` writes, so only it says "nothing was written").
    pub fn failure_then(self, err: CompileError, then: &str) -> u8 {
        match err {
            CompileError::Io { path, source } => {
                eprintln!("error: cannot read `{}`: {source}", path.display());
                USAGE
            }
            CompileError::Spec { sources, diags } => {
                self.report(&diags, &sources);
                let errors = diags.iter().filter(|d| d.is_error()).count();
                if self.format != Format::Json {
                    eprintln!("error: the spec has {errors} error(s){then}");
                }
                FAILED
            }
        }
    }
}

/// Writes command output to stdout. A reader that went away (`monocle
/// packs | head`) ends the command quietly, as Unix tools do, where
/// `print!` would panic; any other write failure is an I/O error (exit 2).
pub fn stdout(args: std::fmt::Arguments) {
    let mut out = std::io::stdout().lock();
    if let Err(err) = out.write_fmt(args).and_then(|()| out.flush()) {
        stdout_failed(&err);
    }
}

/// Passes a buffered write to stdout, or ends the process as [`stdout`] does.
pub fn stdout_written(result: std::io::Result<()>) {
    if let Err(err) = result {
        stdout_failed(&err);
    }
}

/// Ends the process after stdout failed (see [`stdout`]).
pub fn stdout_failed(err: &std::io::Error) -> ! {
    if err.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(OK.into());
    }
    eprintln!("error: cannot write to standard output: {err}");
    std::process::exit(USAGE.into());
}

pub fn io_failure(err: &write::WriteError) -> u8 {
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    eprintln!("error: {message}");
    USAGE
}
