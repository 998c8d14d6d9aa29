//! The ownership list: which files under the output folder monocle generated.
//!
//! One path per line, sorted, under a comment header. A large fleet lists
//! close to a million paths, so the list is kept as the file's own bytes
//! with the position of each entry, and written out line by line.

use std::collections::BTreeSet;
use std::io::{self, Write};
use std::ops::Range;
use std::path::Path;

use super::paths::{inspect, validate};
use super::{MANIFEST, MANIFEST_HEADER, MAX_MANIFEST_BYTES, WriteError, read};

/// The manifest on disk: its raw bytes (to skip needless rewrites) and the
/// validated entries, sorted and without repeats.
#[derive(Debug, Default)]
pub(super) struct Manifest {
    raw: Option<Vec<u8>>,
    entries: Vec<Range<usize>>,
}

impl Manifest {
    /// Reads the manifest under `out` (an empty one if there is none).
    pub(super) fn read(out: &Path) -> Result<Self, WriteError> {
        let Some(full) = inspect(out, MANIFEST)? else {
            return Ok(Manifest::default());
        };
        let raw = read(&full, MAX_MANIFEST_BYTES)?;
        let mut entries = Vec::new();
        let mut start = 0;
        for (i, line) in raw.split(|&b| b == b'\n').enumerate() {
            let range = start..start + line.len();
            start = range.end + 1;
            let bad = |reason: String| WriteError::BadManifest {
                path: full.clone(),
                line: i + 1,
                reason,
            };
            let text = std::str::from_utf8(line).map_err(|_| bad("not valid UTF-8".into()))?;
            let trimmed = text.strip_suffix('\r').unwrap_or(text);
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            // A tampered entry must never steer a delete outside `out`.
            validate(trimmed).map_err(|e| bad(e.to_string()))?;
            entries.push(range.start..range.start + trimmed.len());
        }
        let mut manifest = Manifest {
            raw: Some(raw),
            entries,
        };
        // Written sorted, but a hand-edited one may not be.
        let mut entries = std::mem::take(&mut manifest.entries);
        entries.sort_by(|a, b| manifest.text(a).cmp(manifest.text(b)));
        entries.dedup_by(|a, b| manifest.text(a) == manifest.text(b));
        manifest.entries = entries;
        Ok(manifest)
    }

    fn text(&self, range: &Range<usize>) -> &str {
        let raw = self.raw.as_deref().unwrap_or_default();
        // Every range was checked to be UTF-8 on reading.
        std::str::from_utf8(&raw[range.clone()]).unwrap_or_default()
    }

    /// The owned paths, sorted.
    pub(super) fn iter(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|r| self.text(r))
    }

    pub(super) fn contains(&self, path: &str) -> bool {
        self.entries
            .binary_search_by(|r| self.text(r).cmp(path))
            .is_ok()
    }

    /// The file's bytes, `None` if there is no manifest.
    pub(super) fn raw(&self) -> Option<&[u8]> {
        self.raw.as_deref()
    }
}

/// The manifest's raw bytes and its entries (for callers that hold every
/// artifact anyway).
pub(super) fn read_manifest(out: &Path) -> Result<(Option<Vec<u8>>, BTreeSet<String>), WriteError> {
    let manifest = Manifest::read(out)?;
    let owned = manifest.iter().map(str::to_owned).collect();
    Ok((manifest.raw, owned))
}

/// Writes the manifest for `paths` (sorted, without repeats) to `w`.
pub(super) fn write_manifest<'a>(
    w: &mut impl Write,
    paths: impl Iterator<Item = &'a str>,
) -> io::Result<()> {
    writeln!(w, "{MANIFEST_HEADER}")?;
    for path in paths {
        w.write_all(path.as_bytes())?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

/// Whether `raw` is exactly the manifest [`write_manifest`] would write.
pub(super) fn manifest_is<'a>(raw: &[u8], paths: impl Iterator<Item = &'a str>) -> bool {
    let Some(mut rest) = raw.strip_prefix(MANIFEST_HEADER.as_bytes()) else {
        return false;
    };
    for path in std::iter::once("").chain(paths) {
        // The header's newline, then each path and its newline.
        let Some(after) = rest.strip_prefix(path.as_bytes()) else {
            return false;
        };
        let Some(after) = after.strip_prefix(b"\n") else {
            return false;
        };
        rest = after;
    }
    rest.is_empty()
}
