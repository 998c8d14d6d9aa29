//! Source files and byte spans: every diagnostic points into one of these.

use std::path::PathBuf;

/// Index of a file in [`Sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourceId(pub u32);

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub source: SourceId,
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(source: SourceId, start: usize, end: usize) -> Self {
        Span {
            source,
            start,
            end: end.max(start),
        }
    }

    /// A sub-range of this span, for errors inside a string value. Offsets are
    /// clamped so a value whose text was unquoted or unescaped never points
    /// outside its own span.
    pub fn sub(&self, start: usize, end: usize) -> Span {
        let len = self.end - self.start;
        let start = start.min(len);
        let end = end.clamp(start, len);
        Span::new(self.source, self.start + start, self.start + end)
    }
}

/// A value with the place it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// One loaded spec file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path as shown to the user (relative to where monocle was run when possible).
    pub path: PathBuf,
    /// Name used in "generated from" headers, independent of the working
    /// directory (`specs/fleet.yaml` however the folder was named on the
    /// command line); a YAML spec and its KDL form differ only there.
    pub origin: String,
    pub text: String,
    /// Byte offset of every line's start, so a position is found by binary
    /// search, not by scanning the file (diagnostics on large files).
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// 0-based line of a byte offset (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= offset) - 1
    }

    /// Byte range of a 0-based line, without its line break.
    pub fn line_range(&self, line: usize) -> std::ops::Range<usize> {
        let start = self.line_starts[line.min(self.line_starts.len() - 1)];
        let end = self
            .line_starts
            .get(line + 1)
            .map_or(self.text.len(), |&next| next - 1);
        let end = if self.text[start..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        start..end
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

/// All files of one spec, in load order (sorted by path).
#[derive(Debug, Clone, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
    /// Warnings about the files themselves (ones found but not read), from
    /// the loader; the checker reports them with its own.
    pub notes: Vec<crate::diagnostic::Diagnostic>,
}

impl Sources {
    pub fn add(&mut self, path: PathBuf, origin: String, text: String) -> SourceId {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        self.files.push(SourceFile {
            path,
            origin,
            text,
            line_starts,
        });
        SourceId(self.files.len() as u32 - 1)
    }

    pub fn get(&self, id: SourceId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn iter(&self) -> impl Iterator<Item = (SourceId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (SourceId(i as u32), f))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, id: SourceId, offset: usize) -> (usize, usize) {
        let file = self.get(id);
        let text = &file.text;
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = file.line_of(offset);
        let line_start = file.line_starts[line];
        let col = text[line_start..offset].chars().count() + 1;
        (line + 1, col)
    }
}
