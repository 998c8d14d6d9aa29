//! The ownership list: which files under the output folder monocle generated.

use std::collections::BTreeSet;
use std::path::Path;

use super::paths::{inspect, validate};
use super::{MANIFEST, MANIFEST_HEADER, WriteError, read};

/// The manifest's raw bytes (to skip needless rewrites) and its validated entries.
pub(super) fn read_manifest(out: &Path) -> Result<(Option<Vec<u8>>, BTreeSet<String>), WriteError> {
    let Some(full) = inspect(out, MANIFEST)? else {
        return Ok((None, BTreeSet::new()));
    };
    let raw = read(&full)?;
    let mut owned = BTreeSet::new();
    for (i, line) in raw.split(|&b| b == b'\n').enumerate() {
        let bad = |reason: String| WriteError::BadManifest {
            path: full.clone(),
            line: i + 1,
            reason,
        };
        let line = std::str::from_utf8(line).map_err(|_| bad("not valid UTF-8".into()))?;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        // A tampered entry must never steer a delete outside `out`.
        validate(line).map_err(|e| bad(e.to_string()))?;
        owned.insert(line.to_owned());
    }
    Ok((Some(raw), owned))
}

/// The manifest's bytes for `paths`.
pub(super) fn manifest_text<'a>(paths: impl Iterator<Item = &'a str>) -> Vec<u8> {
    let sorted: BTreeSet<&str> = paths.collect();
    let mut text = format!("{MANIFEST_HEADER}\n");
    for p in sorted {
        text.push_str(p);
        text.push('\n');
    }
    text.into_bytes()
}
