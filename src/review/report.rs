//! The whole review of a change as text or Markdown: the semantic summary,
//! then the file diffs (or only their counts with `--stat`).

use std::collections::BTreeMap;

use super::summary::{Summary, render_markdown, render_text};

/// What the report shows of each changed file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileView {
    /// Lines added and removed (`--stat`).
    Stat,
    /// The unified diff.
    Unified { color: bool },
}

/// One changed generated file, reduced to what the report prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDiff {
    pub path: String,
    /// The `--stat` line, or the unified diff.
    pub text: String,
    pub added: usize,
    pub removed: usize,
}

/// The files that differ between two versions of a set of files (path,
/// bytes), sorted by path.
pub fn file_diffs<'a>(
    old: impl Iterator<Item = (String, &'a [u8])>,
    new: impl Iterator<Item = (String, &'a [u8])>,
    view: FileView,
) -> Vec<FileDiff> {
    let old: BTreeMap<String, &[u8]> = old.collect();
    let new: BTreeMap<String, &[u8]> = new.collect();
    let mut paths: Vec<&String> = old.keys().chain(new.keys()).collect();
    paths.sort_unstable();
    paths.dedup();
    paths
        .into_iter()
        .filter_map(|path| {
            let (a, b) = (old.get(path).copied(), new.get(path).copied());
            (a != b).then(|| match view {
                FileView::Stat => {
                    let (removed, added) = line_counts(a, b);
                    FileDiff {
                        path: path.clone(),
                        text: format!(" {path} | +{added} -{removed}\n"),
                        added,
                        removed,
                    }
                }
                FileView::Unified { color } => FileDiff {
                    path: path.clone(),
                    text: crate::diff::unified(path, a, b, color),
                    added: 0,
                    removed: 0,
                },
            })
        })
        .collect()
}

/// Names the clusters that use a changed file kept once for several of
/// them (a file in `shared/`): one change, attributed to every cluster
/// it reaches. At most five are named, then how many more.
pub fn attribute(diff: &mut FileDiff, clusters: &[String], view: FileView) {
    if clusters.is_empty() {
        return;
    }
    const NAMED: usize = 5;
    let mut names = clusters
        .iter()
        .take(NAMED)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if clusters.len() > NAMED {
        names.push_str(&format!(" and {} more", clusters.len() - NAMED));
    }
    let count = clusters.len();
    let used = format!(
        "used by {count} cluster{}: {names}",
        if count == 1 { "" } else { "s" }
    );
    match view {
        FileView::Stat => {
            let line = diff.text.trim_end_matches('\n');
            diff.text = format!("{line} ({used})\n");
        }
        FileView::Unified { .. } => {
            diff.text = format!("# {}: {used}\n{}", diff.path, diff.text);
        }
    }
}

fn line_counts(old: Option<&[u8]>, new: Option<&[u8]>) -> (usize, usize) {
    let text = |b: Option<&[u8]>| {
        b.map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default()
    };
    let (old, new) = (text(old), text(new));
    let diff = similar::TextDiff::from_lines(&old, &new);
    let mut counts = (0, 0);
    for change in diff.iter_all_changes() {
        match change.tag() {
            similar::ChangeTag::Delete => counts.0 += 1,
            similar::ChangeTag::Insert => counts.1 += 1,
            similar::ChangeTag::Equal => {}
        }
    }
    counts
}

/// The files part: each file's text, then with `--stat` the totals.
fn files_text(files: &[FileDiff], stat_only: bool) -> String {
    let mut out: String = files.iter().map(|f| f.text.as_str()).collect();
    if stat_only {
        let added: usize = files.iter().map(|f| f.added).sum();
        let removed: usize = files.iter().map(|f| f.removed).sum();
        out.push_str(&format!(
            " {} files changed, {added} insertions(+), {removed} deletions(-)\n",
            files.len()
        ));
    }
    out
}

pub fn text(summary: &Summary, files: &[FileDiff], stat_only: bool) -> String {
    let mut out = render_text(summary);
    if files.is_empty() {
        return out;
    }
    out.push('\n');
    out.push_str(&files_text(files, stat_only));
    out
}

pub fn markdown(summary: &Summary, files: &[FileDiff], stat_only: bool) -> String {
    let mut out = render_markdown(summary);
    if files.is_empty() {
        return out;
    }
    out.push_str(&format!(
        "\n<details><summary>Generated files: {} changed</summary>\n\n",
        files.len()
    ));
    let text = files_text(files, stat_only);
    // Longer than any backtick run in the diffs: no line of theirs can
    // close the block and go on as Markdown.
    let fence = "`".repeat(crate::render::longest_backtick_run(&text).max(2) + 1);
    let lang = if stat_only { "text" } else { "diff" };
    out.push_str(&format!("{fence}{lang}\n{text}{fence}\n\n</details>\n"));
    out
}
