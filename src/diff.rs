//! Unified diffs of generated files, for showing what a build would change.
//!
//! This module only renders text; deciding *which* files changed is the job of
//! [`crate::write::plan`].

use std::fmt::Write as _;

use similar::{ChangeTag, TextDiff};

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const CYAN: &str = "\x1b[36m";
const RESET: &str = "\x1b[0m";

/// Lines of unchanged context around each hunk.
const CONTEXT: usize = 3;

/// Unified diff of one file (old = None means created, new = None means
/// deleted), with `--- a/path` / `+++ b/path` headers and 3 lines of context.
///
/// When `color` is true, removed lines are red, added lines green and hunk
/// headers cyan. Non-UTF-8 content is shown as "binary file differs".
/// Returns an empty string when there is nothing to show.
pub fn unified(path: &str, old: Option<&[u8]>, new: Option<&[u8]>, color: bool) -> String {
    let mut out = String::new();
    if old == new {
        return out;
    }
    let paint = |out: &mut String, code: &str, text: &str| {
        if color {
            let _ = write!(out, "{code}{text}{RESET}");
        } else {
            out.push_str(text);
        }
    };
    paint(&mut out, RED, &format!("--- a/{path}"));
    out.push('\n');
    paint(&mut out, GREEN, &format!("+++ b/{path}"));
    out.push('\n');

    let (Ok(old_text), Ok(new_text)) = (
        std::str::from_utf8(old.unwrap_or_default()),
        std::str::from_utf8(new.unwrap_or_default()),
    ) else {
        out.push_str("binary file differs\n");
        return out;
    };

    let diff = TextDiff::from_lines(old_text, new_text);
    for hunk in diff.unified_diff().context_radius(CONTEXT).iter_hunks() {
        paint(&mut out, CYAN, &hunk.header().to_string());
        out.push('\n');
        for change in hunk.iter_changes() {
            let (sign, code) = match change.tag() {
                ChangeTag::Delete => ('-', Some(RED)),
                ChangeTag::Insert => ('+', Some(GREEN)),
                ChangeTag::Equal => (' ', None),
            };
            let value = change.value();
            let line = format!("{sign}{}", value.strip_suffix('\n').unwrap_or(value));
            match code {
                Some(code) => paint(&mut out, code, &line),
                None => out.push_str(&line),
            }
            out.push('\n');
            // Keep the output a valid patch when the last line has no newline.
            if !value.ends_with('\n') {
                out.push_str("\\ No newline at end of file\n");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_file_is_all_additions() {
        let d = unified("a/x.yaml", None, Some(b"one\ntwo\n"), false);
        assert_eq!(
            d,
            "--- a/a/x.yaml\n+++ b/a/x.yaml\n@@ -0,0 +1,2 @@\n+one\n+two\n"
        );
    }

    #[test]
    fn deleted_file_is_all_removals() {
        let d = unified("x", Some(b"one\n"), None, false);
        assert_eq!(d, "--- a/x\n+++ b/x\n@@ -1 +0,0 @@\n-one\n");
    }

    #[test]
    fn update_keeps_three_lines_of_context() {
        let old = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
        let new = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
        let d = unified("x", Some(old.as_bytes()), Some(new.as_bytes()), false);
        assert_eq!(
            d,
            "--- a/x\n+++ b/x\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"
        );
    }

    #[test]
    fn uncoloured_output_has_no_escape_codes() {
        let d = unified("x", Some(b"a\nb\n"), Some(b"a\nc"), false);
        assert!(!d.contains('\x1b'), "{d:?}");
        assert!(d.contains("+c\n\\ No newline at end of file\n"), "{d:?}");
    }

    #[test]
    fn coloured_output_marks_lines() {
        let d = unified("x", Some(b"a\n"), Some(b"b\n"), true);
        assert!(d.contains("\x1b[31m-a\x1b[0m\n"), "{d:?}");
        assert!(d.contains("\x1b[32m+b\x1b[0m\n"), "{d:?}");
        assert!(d.contains("\x1b[36m@@ -1 +1 @@\x1b[0m\n"), "{d:?}");
    }

    #[test]
    fn binary_and_identical_content() {
        let d = unified("x", Some(b"\xff\xfe"), Some(b"ok\n"), false);
        assert_eq!(d, "--- a/x\n+++ b/x\nbinary file differs\n");
        assert_eq!(unified("x", Some(b"same"), Some(b"same"), true), "");
    }
}
