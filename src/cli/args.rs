//! The clap definitions: every command, its options and its help. The
//! completions and man pages are generated from these too, so an option
//! appears only on the commands where it does something.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::render::Format;

/// The exit codes and one example, the end of every command's `--help`.
macro_rules! help {
    ($example:literal) => {
        concat!(
            "Exit codes:\n",
            "  0  ok\n",
            "  1  spec errors (or warnings, with --deny-warnings); drift with\n",
            "     `compile --check`, `diff` and `fmt --check`\n",
            "  2  usage or I/O errors\n\n",
            "Example:\n  ",
            $example
        )
    };
}

#[derive(Debug, Parser)]
#[command(
    name = "monocle",
    version,
    about = "Monitoring as code: one spec in, Prometheus, Alertmanager, Grafana and Alloy config out",
    after_help = help!("monocle init specs && monocle compile   # scaffold a spec, write generated/")
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The spec argument every command that reads a spec takes.
#[derive(Debug, Args)]
pub struct SpecArg {
    /// Spec file, or folder whose *.yaml, *.yml and *.kdl files are merged
    /// into one spec.
    #[arg(default_value = "specs")]
    pub spec: PathBuf,
}

/// How problems are reported, for the commands that check a spec.
#[derive(Debug, Args)]
pub struct Report {
    /// How diagnostics (and reviews) are printed.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Fail (exit 1) on warnings too, as on errors: for CI. `compile` then
    /// writes nothing.
    #[arg(long)]
    pub deny_warnings: bool,
    #[command(flatten)]
    pub color: ColorArg,
}

#[derive(Debug, Args)]
pub struct ColorArg {
    /// When to use colour: `auto` on a terminal unless NO_COLOR is set.
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    pub color: Color,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compile the spec into the output folder (only changed files are written).
    ///
    /// Prints a summary of the files created, updated, deleted and unchanged;
    /// `--verbose` lists them. On a terminal, a long compile shows its
    /// progress (clusters done of all) on stderr.
    #[command(after_help = help!("monocle compile specs --out generated --deny-warnings"))]
    Compile {
        #[command(flatten)]
        spec: SpecArg,
        /// Output folder.
        #[arg(long, default_value = "generated")]
        out: PathBuf,
        /// Write nothing; list what would change and exit 1 on drift.
        #[arg(long)]
        check: bool,
        /// List every file created, updated or deleted.
        #[arg(long, short, conflicts_with = "quiet")]
        verbose: bool,
        /// Print only problems, no summary.
        #[arg(long, short)]
        quiet: bool,
        #[command(flatten)]
        report: Report,
    },
    /// Check the spec and report every problem; writes nothing.
    #[command(after_help = help!("monocle check specs --format short"))]
    Check {
        #[command(flatten)]
        spec: SpecArg,
        /// Also print the monitor daemon's capacity table (as `monocle monitor`).
        #[arg(long)]
        capacity: bool,
        /// Output folder whose bucket config keeps bucket ownership in the
        /// capacity table as `compile` would write it; only read.
        #[arg(long, default_value = "generated", requires = "capacity")]
        out: PathBuf,
        /// Print only problems, no summary.
        #[arg(long, short)]
        quiet: bool,
        #[command(flatten)]
        report: Report,
    },
    /// Show unified diffs between the output folder and a fresh compile,
    /// or review a change against a git revision (`--base`).
    #[command(after_help = help!("monocle diff --base origin/main --format markdown   # a pull-request comment"))]
    Diff {
        #[command(flatten)]
        spec: SpecArg,
        /// Output folder to compare with (and whose bucket config is kept).
        #[arg(long, default_value = "generated")]
        out: PathBuf,
        /// Compare with the spec at this git revision instead of the output
        /// folder: a semantic summary, then the generated-file diffs.
        #[arg(long)]
        base: Option<String>,
        /// Only count changed lines per file.
        #[arg(long)]
        stat: bool,
        #[command(flatten)]
        report: Report,
    },
    /// Print the monitor daemon's capacity table; writes nothing.
    ///
    /// Buckets, clusters, checks per second, workers and memory per monitor,
    /// with bucket ownership as `compile` would write it.
    #[command(after_help = help!("monocle monitor specs --out generated"))]
    Monitor {
        #[command(flatten)]
        spec: SpecArg,
        /// Output folder holding the previous bucket config; only read.
        #[arg(long, default_value = "generated")]
        out: PathBuf,
        #[command(flatten)]
        report: Report,
    },
    /// Print each cluster's Alertmanager route tree as `amtool config
    /// routes show` prints it; writes nothing.
    ///
    /// The tree is the merged one: the root's own routes, then every file's
    /// `routing.routes` by file path. With `--cluster`, the output is
    /// exactly amtool's for that cluster's generated config.
    #[command(after_help = help!("monocle routes specs --cluster prod-eu-1"))]
    Routes {
        #[command(flatten)]
        spec: SpecArg,
        /// Only this cluster's tree.
        #[arg(long)]
        cluster: Option<String>,
        #[command(flatten)]
        report: Report,
    },
    /// Rewrite spec files into the canonical layout, keeping comments.
    #[command(after_help = help!("monocle fmt --check specs"))]
    Fmt {
        #[command(flatten)]
        spec: SpecArg,
        /// Write nothing; list files that are not formatted and exit 1.
        #[arg(long)]
        check: bool,
        /// Print only problems, not the files reformatted.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Scaffold a spec folder to start from; never overwrites a file.
    ///
    /// A platform file (clusters, Prometheus, Alertmanager, routing), one
    /// team file (a service, an alert, an SLO) and the JSON schema their
    /// modelines point at. It compiles with no warning.
    #[command(after_help = help!("monocle init specs && monocle compile specs"))]
    Init {
        /// Folder to create the spec in (created when missing).
        #[arg(default_value = "specs")]
        dir: PathBuf,
        /// Print only problems, not the files created.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Turn existing files into spec files: Prometheus rule files and
    /// PrometheusRules, Sloth specs, an Alertmanager config (or its Secret),
    /// Grafana dashboards (JSON, or ConfigMaps holding it).
    ///
    /// What the spec cannot express is listed item by item (file, path in
    /// the document, dropped or approximated); secrets written inline
    /// become file references, with where to put them. Exit 0 when
    /// everything was expressed, 1 when something was reported (the files
    /// are still written), 2 on a file that cannot be read or already
    /// exists. Imported files hold no clusters: they compile with the spec
    /// that defines them.
    #[command(after_help = help!("monocle import rules manifests/*-prometheusRule.yaml --out specs/imported"))]
    Import {
        /// What the files are.
        #[arg(value_enum)]
        kind: ImportKind,
        /// The files to import.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Write one spec file per input file into this folder (never
        /// overwriting one); without it, print them.
        #[arg(long)]
        out: Option<PathBuf>,
        /// The SLO period of Sloth specs, which do not state it (Sloth's
        /// `--default-slo-period`).
        #[arg(long, default_value = "30d")]
        window: String,
        /// The syntax of the files written.
        #[arg(long, value_enum, default_value = "yaml")]
        syntax: ImportSyntax,
        /// Alerts a built-in pack defines (same name and severity) become
        /// tunings of that pack (`for` and labels kept) instead of copies.
        #[arg(long)]
        packs: bool,
    },
    /// List the built-in packs, or show one: its params, alerts and why
    /// each default is what it is.
    #[command(after_help = help!("monocle packs\nmonocle packs show etcd"))]
    Packs {
        #[command(subcommand)]
        action: Option<PacksAction>,
    },
    /// Print the JSON schema of the spec language.
    #[command(after_help = help!("monocle schema > specs/monocle.schema.json"))]
    Schema,
    /// Run the language server on stdin/stdout (for editors).
    #[command(after_help = help!("monocle lsp    # started by the editor, see the README"))]
    Lsp,
    /// Print a shell completion script.
    #[command(after_help = help!("monocle completions bash > ~/.local/share/bash-completion/completions/monocle"))]
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a man page (roff): monocle(1), or one command's page.
    #[command(after_help = help!("monocle man compile | man -l -"))]
    Man {
        /// The command whose page to print (`compile` prints monocle-compile(1)).
        command: Option<String>,
    },
}

/// What `monocle packs` does besides listing.
#[derive(Debug, Subcommand)]
pub enum PacksAction {
    /// Show a built-in pack: params, alerts with thresholds, and the reasons.
    Show {
        /// The pack's name (`monocle packs` lists them).
        name: String,
    },
}

/// What `monocle import` reads.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ImportKind {
    /// Prometheus rule files, PrometheusRule objects (also Lists).
    Rules,
    /// Sloth `prometheus/v1` specs, `PrometheusServiceLevel` objects and
    /// `AlertWindows`.
    Sloth,
    /// An Alertmanager config, or the Secret holding it.
    Alertmanager,
    /// Grafana dashboard JSON, or ConfigMaps holding it.
    Grafana,
}

/// The syntax `monocle import` writes.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ImportSyntax {
    Yaml,
    Kdl,
}
