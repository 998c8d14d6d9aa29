//! The whole review of a change as text or Markdown: the semantic summary,
//! then the file diffs (or only their counts with `--stat`).

use std::collections::BTreeMap;

use super::summary::{Summary, render_markdown, render_text};
use crate::write::Artifact;

/// One changed file: path, old and new bytes.
type FileChange<'a> = (&'a str, Option<&'a [u8]>, Option<&'a [u8]>);

fn changed_files<'a>(old: &'a [Artifact], new: &'a [Artifact]) -> Vec<FileChange<'a>> {
    let old_map: BTreeMap<&str, &[u8]> = old
        .iter()
        .map(|a| (a.path.as_str(), a.bytes.as_slice()))
        .collect();
    let new_map: BTreeMap<&str, &[u8]> = new
        .iter()
        .map(|a| (a.path.as_str(), a.bytes.as_slice()))
        .collect();
    let mut paths: Vec<&str> = old_map.keys().chain(new_map.keys()).copied().collect();
    paths.sort_unstable();
    paths.dedup();
    paths
        .into_iter()
        .filter_map(|p| {
            let (a, b) = (old_map.get(p).copied(), new_map.get(p).copied());
            (a != b).then_some((p, a, b))
        })
        .collect()
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

fn stat(files: &[FileChange]) -> String {
    let mut out = String::new();
    let (mut removed, mut added) = (0, 0);
    for (path, old, new) in files {
        let (r, a) = line_counts(*old, *new);
        removed += r;
        added += a;
        out.push_str(&format!(" {path} | +{a} -{r}\n"));
    }
    out.push_str(&format!(
        " {} files changed, {added} insertions(+), {removed} deletions(-)\n",
        files.len()
    ));
    out
}

pub fn text(
    summary: &Summary,
    old: &[Artifact],
    new: &[Artifact],
    stat_only: bool,
    color: bool,
) -> String {
    let files = changed_files(old, new);
    let mut out = render_text(summary);
    if files.is_empty() {
        return out;
    }
    out.push('\n');
    if stat_only {
        out.push_str(&stat(&files));
    } else {
        for (path, a, b) in &files {
            out.push_str(&crate::diff::unified(path, *a, *b, color));
        }
    }
    out
}

pub fn markdown(summary: &Summary, old: &[Artifact], new: &[Artifact], stat_only: bool) -> String {
    let files = changed_files(old, new);
    let mut out = render_markdown(summary);
    if files.is_empty() {
        return out;
    }
    out.push_str(&format!(
        "\n<details><summary>Generated files: {} changed</summary>\n\n",
        files.len()
    ));
    if stat_only {
        out.push_str("```text\n");
        out.push_str(&stat(&files));
    } else {
        out.push_str("```diff\n");
        for (path, a, b) in &files {
            out.push_str(&crate::diff::unified(path, *a, *b, false));
        }
    }
    out.push_str("```\n\n</details>\n");
    out
}
