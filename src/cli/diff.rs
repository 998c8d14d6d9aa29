//! `diff`: what `compile` would change, or with `--base` a review of a
//! change against a git revision.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use super::compile::{stream, verb};
use super::output::{Settings, io_failure};
use super::{FAILED, OK};
use crate::render::Format;
use crate::review::report::FileView;
use crate::write::{self, ChangeKind, Mode};

/// `diff --base REV`: the spec at REV against the spec now, both compiled
/// cluster by cluster in memory; the output folder only lends its bucket
/// config.
pub fn review(spec: &Path, out: &Path, base: &str, stat: bool, settings: Settings) -> u8 {
    let old = match crate::load::load_at_revision(spec, base).and_then(crate::check_sources) {
        Ok(old) => old,
        Err(err) => {
            eprintln!("error: the spec at `{base}` does not compile:");
            return settings.failure(err);
        }
    };
    let new = match crate::check_spec(spec) {
        Ok(new) => new,
        Err(err) => return settings.failure(err),
    };
    if let Err(code) = settings.warnings(&new.0.warnings, &new.1, "") {
        return code;
    }
    let inputs = crate::Inputs {
        previous_buckets: super::check::previous_buckets(out),
    };
    let markdown = settings.format == Format::Markdown;
    let view = match (stat, markdown) {
        (true, _) => FileView::Stat,
        (false, true) => FileView::Unified { color: false },
        (false, false) => FileView::Unified {
            color: settings.stdout_color(),
        },
    };
    let (summary, files) = crate::review::review((&old.0, &old.1), (&new.0, &new.1), &inputs, view);
    let text = if markdown {
        crate::review::report::markdown(&summary, &files, stat)
    } else {
        crate::review::report::text(&summary, &files, stat)
    };
    say!("{text}");
    // Like `diff`: 1 when the change changes anything, so CI can tell.
    if summary.is_empty() && files.is_empty() {
        OK
    } else {
        FAILED
    }
}

/// `diff` without `--base`: what `compile` would change in `out`, as
/// unified diffs (or paths with `--stat`), sorted by path.
pub fn diff(spec: &Path, out: &Path, stat: bool, settings: Settings) -> u8 {
    let color = settings.stdout_color();
    // Only the changed files' diffs are kept, to print them in path order.
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    let done = stream(
        spec,
        out,
        Mode::Check,
        settings,
        false,
        |path, new, kind| {
            if !stat {
                let old = match kind {
                    ChangeKind::Update => write::read_existing(out, path)?,
                    _ => None,
                };
                let text = crate::diff::unified(path, old.as_deref(), Some(new), color);
                texts.insert(path.to_owned(), text);
            }
            Ok(())
        },
    );
    let done = match done {
        Ok(done) => done.report,
        Err(code) => return code,
    };
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    for (path, kind) in done.changes() {
        if stat {
            super::output::stdout_written(writeln!(stdout, "{} {path}", verb(kind, true)));
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
        super::output::stdout_written(stdout.write_all(text.as_bytes()));
    }
    super::output::stdout_written(stdout.flush());
    if done.is_empty() { OK } else { FAILED }
}
