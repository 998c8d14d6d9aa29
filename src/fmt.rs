//! `monocle fmt`: rewrites YAML spec files into a canonical layout — each
//! mapping's identifying key (the first the schema lists: `version`,
//! `name`, `uid`, `type`, ...) first and the other keys in the author's
//! order, double quotes where quoting is needed, no trailing whitespace —
//! keeping every comment with the entry it precedes. KDL files go through
//! the kdl crate's formatter.
//!
//! Only the identifying key moves: the reference spec, the contract the
//! layout must accept, writes the same fields in different orders (a
//! service's `sample_limit` before or after its `endpoints`), so no total
//! order of keys fits it.
//!
//! The formatter works on lines, not on a re-serialized tree, so comments
//! and the author's flow style survive. As a safety net, a result that
//! does not parse to the same tree as the input is refused.

use crate::schema;
use crate::source::SourceId;
use crate::syntax::{self, Node};

#[derive(Debug, PartialEq, Eq)]
pub enum FmtError {
    /// The file does not parse; `check` explains why.
    Invalid,
    /// The canonical layout would change the meaning (an unusual layout
    /// the line-based formatter does not understand).
    Unsafe,
}

/// The canonical text of a spec file.
pub fn format(text: &str, is_kdl: bool) -> Result<String, FmtError> {
    if is_kdl {
        return format_kdl(text);
    }
    let before = syntax::yaml::parse(SourceId(0), text).map_err(|_| FmtError::Invalid)?;
    let lines: Vec<String> = text.lines().map(|l| l.trim_end().to_owned()).collect();
    let mut out = format_node(&lines, &[]).join("\n");
    while out.ends_with("\n\n") {
        out.pop();
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    let after = syntax::yaml::parse(SourceId(0), &out).map_err(|_| FmtError::Unsafe)?;
    if same(&before, &after) {
        Ok(out)
    } else {
        Err(FmtError::Unsafe)
    }
}

fn same(a: &Node, b: &Node) -> bool {
    a.to_json() == b.to_json()
}

fn format_kdl(text: &str) -> Result<String, FmtError> {
    let mut doc: kdl::KdlDocument = text.parse().map_err(|_| FmtError::Invalid)?;
    doc.autoformat();
    Ok(doc.to_string())
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn is_content(line: &str) -> bool {
    let t = line.trim_start();
    !t.is_empty() && !t.starts_with('#')
}

/// Formats the lines of one block node (a mapping or a sequence) found at
/// `path` in the spec.
fn format_node(lines: &[String], path: &[String]) -> Vec<String> {
    let Some(first) = lines.iter().find(|l| is_content(l)) else {
        return lines.to_vec();
    };
    let base = indent(first);
    let body = first.trim_start();
    if body == "-" || body.starts_with("- ") {
        format_sequence(lines, base, path)
    } else if key_of(body).is_some() {
        format_mapping(lines, base, path)
    } else {
        lines.to_vec()
    }
}

/// The key of a `key: value` line, when it is one.
fn key_of(body: &str) -> Option<String> {
    let (key, rest) = if let Some(quoted) = body.strip_prefix('"') {
        let end = quoted.find('"')?;
        (quoted[..end].to_owned(), &quoted[end + 1..])
    } else if let Some(quoted) = body.strip_prefix('\'') {
        let end = quoted.find('\'')?;
        (quoted[..end].to_owned(), &quoted[end + 1..])
    } else {
        let end = body.find(':')?;
        (body[..end].to_owned(), &body[end..])
    };
    let rest = rest.strip_prefix(':')?;
    (rest.is_empty() || rest.starts_with(' ')).then_some(key)
}

/// Splits a block into its entries: each starts at a content line of
/// indent `base` (accepted by `starts`), with the comments and blank
/// lines just above it. Lines before the first entry are the prefix.
fn split_entries(
    lines: &[String],
    base: usize,
    starts: impl Fn(&str) -> bool,
) -> (Vec<String>, Vec<Vec<String>>) {
    let mut prefix = Vec::new();
    let mut entries: Vec<Vec<String>> = Vec::new();
    let mut pending: Vec<String> = Vec::new();
    for line in lines {
        if is_content(line) && indent(line) == base && starts(line.trim_start()) {
            let mut entry = std::mem::take(&mut pending);
            entry.push(line.clone());
            entries.push(entry);
        } else if !is_content(line) && indent(line) <= base || line.trim().is_empty() {
            pending.push(line.clone());
        } else if let Some(entry) = entries.last_mut() {
            entry.append(&mut pending);
            entry.push(line.clone());
        } else {
            prefix.append(&mut pending);
            prefix.push(line.clone());
        }
    }
    match entries.last_mut() {
        Some(entry) => entry.append(&mut pending),
        None => prefix.append(&mut pending),
    }
    (prefix, entries)
}

fn format_mapping(lines: &[String], base: usize, path: &[String]) -> Vec<String> {
    let (prefix, entries) = split_entries(lines, base, |body| key_of(body).is_some());
    let object = schema::at_path(path.iter().map(String::as_str));
    let order: Vec<&str> = object.map(schema::property_names).unwrap_or_default();
    let mut keyed: Vec<(usize, usize, Vec<String>)> = entries
        .into_iter()
        .enumerate()
        .map(|(i, entry)| {
            let key_line = entry.iter().position(|l| is_content(l)).unwrap_or(0);
            let key = key_of(entry[key_line].trim_start()).unwrap_or_default();
            // 0 for the identifying key, 1 for the rest (kept in order).
            let rank = usize::from(order.first() != Some(&key.as_str()));
            let formatted = format_entry(entry, key_line, &key, path);
            (rank, i, formatted)
        })
        .collect();
    // Free-form maps (labels) have no declared order: leave them as written.
    if !order.is_empty() {
        keyed.sort_by_key(|(rank, i, _)| (*rank, *i));
    }
    let mut out = prefix;
    for (_, _, entry) in keyed {
        out.extend(entry);
    }
    out
}

/// One `key: value` entry: its own line normalised, its nested block
/// formatted recursively (block scalars are left exactly as written).
fn format_entry(
    mut entry: Vec<String>,
    key_line: usize,
    key: &str,
    path: &[String],
) -> Vec<String> {
    entry[key_line] = normalize_quotes(&entry[key_line]);
    let value = entry[key_line].trim_start()[..]
        .split_once(':')
        .map_or("", |(_, v)| v.trim());
    let nested = value.is_empty() || value.starts_with('#');
    if !nested {
        return entry;
    }
    let mut child_path = path.to_vec();
    child_path.push(key.to_owned());
    let (head, body) = entry.split_at(key_line + 1);
    let mut out = head.to_vec();
    out.extend(format_node(body, &child_path));
    out
}

fn format_sequence(lines: &[String], base: usize, path: &[String]) -> Vec<String> {
    let (prefix, items) = split_entries(lines, base, |body| body == "-" || body.starts_with("- "));
    let mut out = prefix;
    for (i, item) in items.into_iter().enumerate() {
        let mut child_path = path.to_vec();
        child_path.push(i.to_string());
        let dash = item.iter().position(|l| is_content(l)).unwrap_or(0);
        let body = item[dash].trim_start();
        let inline = body.strip_prefix('-').unwrap_or("").trim_start();
        if inline.is_empty() || key_of(inline).is_none() {
            // `- scalar`, `- {flow}` or `-` followed by a nested block.
            let mut item = item;
            item[dash] = normalize_quotes(&item[dash]);
            out.extend(item);
            continue;
        }
        // Treat `- key: v` as a mapping indented two more, then put the
        // dash back on whichever entry comes first. Comments above the dash
        // belong to the item, not to its first key.
        out.extend(item[..dash].iter().cloned());
        let mut as_map = item[dash..].to_vec();
        as_map[0] = format!("{}{}", " ".repeat(base + 2), inline);
        let formatted = format_node(&as_map, &child_path);
        let mut placed = false;
        for line in formatted {
            if !placed && is_content(&line) && indent(&line) == base + 2 {
                out.push(format!("{}- {}", " ".repeat(base), line.trim_start()));
                placed = true;
            } else {
                out.push(line);
            }
        }
    }
    out
}

/// `key: 'text'` → `key: "text"` when nothing inside needs care.
fn normalize_quotes(line: &str) -> String {
    let trimmed = line.trim_end();
    let Some(start) = trimmed.find(": '").map(|i| i + 2).or_else(|| {
        trimmed
            .trim_start()
            .starts_with("- '")
            .then(|| indent(trimmed) + 2)
    }) else {
        return line.to_owned();
    };
    let value = &trimmed[start..];
    if value.len() >= 2 && value.ends_with('\'') {
        let inner = &value[1..value.len() - 1];
        if !inner.contains(['\'', '"', '\\']) {
            return format!("{}\"{inner}\"", &trimmed[..start]);
        }
    }
    line.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_identifying_key_comes_first_and_comments_stay_with_their_entry() {
        let text = "version: 1\nclusters:\n  # the main one\n  - region: eu\n    # name first\n    name: a\n    environment: prod\n";
        let out = format(text, false).unwrap();
        assert_eq!(
            out,
            "version: 1\nclusters:\n  # the main one\n    # name first\n  - name: a\n    region: eu\n    environment: prod\n"
        );
        assert_eq!(format(&out, false).unwrap(), out, "idempotent");
    }

    #[test]
    fn other_keys_keep_the_authors_order() {
        let text = "version: 1\nservices:\n  - name: a\n    sample_limit: 10\n    endpoints:\n      - port: m\n    namespace: n\n";
        assert_eq!(format(text, false).unwrap(), text);
        let moved = "clusters: []\nversion: 1\n";
        assert_eq!(format(moved, false).unwrap(), "version: 1\nclusters: []\n");
    }

    #[test]
    fn single_quotes_become_double_quotes_when_safe() {
        let out = format(
            "version: 1\nclusters:\n  - name: 'a'\n    environment: 'it''s'\n",
            false,
        )
        .unwrap();
        assert!(
            out.contains("name: \"a\"") && out.contains("'it''s'"),
            "{out}"
        );
    }

    #[test]
    fn block_scalars_are_left_alone() {
        let text = "version: 1\nalerts:\n  - name: A\n    service: s\n    severity: info\n    expr: |\n      up\n        == 0\n";
        let out = format(text, false).unwrap();
        assert!(
            out.contains("    expr: |\n      up\n        == 0\n"),
            "{out}"
        );
    }
}
