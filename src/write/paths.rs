//! Path safety: what may be written, and where it stands on disk.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use super::{JOURNAL, LOCK, MANIFEST, TMP_MARKER, WriteError, io_err};

/// The temporary name beside `target`: hidden, marked, and never ending in
/// an extension a tool would read (`.yaml`, `.json`, `.alloy`).
pub(super) fn temp_name(target: &Path, suffix: &str) -> PathBuf {
    // `process::id` is a system call; a fleet's tree names two per file.
    static PID: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    temp_name_of(target, suffix, *PID.get_or_init(std::process::id))
}

/// [`temp_name`] for the run with process id `pid` (recovery completes the
/// commit of a run that was killed).
pub(super) fn temp_name_of(target: &Path, suffix: &str, pid: u32) -> PathBuf {
    let name = target.file_name().unwrap_or_default();
    let mut temp = std::ffi::OsString::with_capacity(name.len() + 32);
    temp.push(".");
    temp.push(name);
    temp.push(TMP_MARKER);
    temp.push(pid.to_string());
    temp.push(".");
    temp.push(suffix);
    // Cutting the name off the end is what `with_file_name` does, without
    // parsing the path again (two temporary names per file at fleet scale).
    #[cfg(unix)]
    {
        use std::os::unix::ffi::{OsStrExt, OsStringExt};
        let path = target.as_os_str().as_bytes();
        if let Some(parent) = path
            .strip_suffix(name.as_bytes())
            .filter(|_| !name.is_empty())
        {
            let mut bytes = Vec::with_capacity(parent.len() + temp.len());
            bytes.extend_from_slice(parent);
            bytes.extend_from_slice(temp.as_bytes());
            return PathBuf::from(std::ffi::OsString::from_vec(bytes));
        }
    }
    target.with_file_name(temp)
}

/// The suffixes [`temp_name`] is called with.
const TEMP_SUFFIXES: [&str; 4] = ["new", "old", "dir", "claim"];

/// Whether `name` has exactly the shape of a [`temp_name`]:
/// `.<name>.monocle-tmp-<pid>.<new|old|dir|claim>`. A user's file that only
/// contains the marker (`notes.monocle-tmp-draft.yaml`) is not one of ours.
pub(super) fn is_temp_name(name: &str) -> bool {
    let Some((before, after)) = name.split_once(TMP_MARKER) else {
        return false;
    };
    let Some((pid, suffix)) = after.split_once('.') else {
        return false;
    };
    before.len() > 1
        && before.starts_with('.')
        && !pid.is_empty()
        && pid.len() <= 10
        && pid.bytes().all(|b| b.is_ascii_digit())
        && TEMP_SUFFIXES.contains(&suffix)
}

/// The target name and the pid of a temporary name of `suffix`:
/// `.x.yaml.monocle-tmp-42.new` → `("x.yaml", 42)`.
pub(super) fn parse_temp_name<'a>(name: &'a str, suffix: &str) -> Option<(&'a str, u32)> {
    if !is_temp_name(name) {
        return None;
    }
    let (before, after) = name.split_once(TMP_MARKER)?;
    let (pid, found) = after.split_once('.')?;
    (found == suffix).then_some(())?;
    Some((&before[1..], pid.parse().ok()?))
}

/// Temporary files and folders under `out` left by interrupted runs
/// (symlinks are not followed; a planted link named like one is removed,
/// never its target). A temporary folder is listed, not its contents.
/// Folders in `fresh` (made by this run, so nothing of an earlier run is
/// inside) are not walked.
pub(super) fn leftovers(out: &Path, fresh: &[PathBuf]) -> Vec<PathBuf> {
    let is_temp = |e: &walkdir::DirEntry| is_temp_name(&e.file_name().to_string_lossy());
    let fresh: std::collections::HashSet<&Path> = fresh.iter().map(PathBuf::as_path).collect();
    let mut found = Vec::new();
    let mut walk = walkdir::WalkDir::new(out).min_depth(1).into_iter();
    while let Some(entry) = walk.next() {
        let Ok(entry) = entry else { continue };
        if entry.file_type().is_dir() && fresh.contains(entry.path()) {
            walk.skip_current_dir();
            continue;
        }
        if is_temp(&entry) {
            if entry.file_type().is_dir() {
                walk.skip_current_dir();
            }
            found.push(entry.into_path());
        }
    }
    found
}

/// Reject any path that could leave `out`, alias another path or clash with our own files.
pub(super) fn validate(path: &str) -> Result<(), WriteError> {
    let bytes = path.as_bytes();
    let drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    let bad_char = path.chars().any(|c| c == '\\' || c.is_control());
    let bad_part = path
        .split('/')
        .any(|p| p.is_empty() || p == "." || p == ".." || p.contains(TMP_MARKER));
    let first = path.split('/').next().unwrap_or_default();
    if path.is_empty()
        || drive
        || bad_char
        || bad_part
        || [MANIFEST, LOCK, JOURNAL].contains(&first)
    {
        return Err(WriteError::UnsafePath(path.to_owned()));
    }
    Ok(())
}

pub(super) fn check_out_dir(out: &Path) -> Result<(), WriteError> {
    match fs::metadata(out) {
        Ok(m) if !m.is_dir() => Err(WriteError::Conflict {
            path: out.to_path_buf(),
            reason: "is not a directory",
        }),
        Err(e) if e.kind() != ErrorKind::NotFound => Err(io_err(out, e)),
        _ => Ok(()),
    }
}

/// Where `rel` stands on disk: `Some(full path)` for an existing regular file,
/// `None` if missing. Every component is checked with `symlink_metadata` so a
/// planted symlink can never redirect a read, write or delete outside `out`.
pub(super) fn inspect(out: &Path, rel: &str) -> Result<Option<PathBuf>, WriteError> {
    let mut full = out.to_path_buf();
    let mut parts = rel.split('/').peekable();
    while let Some(part) = parts.next() {
        full.push(part);
        let kind = match fs::symlink_metadata(&full) {
            Ok(meta) => meta.file_type(),
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_err(&full, e)),
        };
        let last = parts.peek().is_none();
        let reason = if kind.is_symlink() {
            "is a symlink; refusing to follow it"
        } else if last && kind.is_file() {
            return Ok(Some(full));
        } else if !last && kind.is_dir() {
            continue;
        } else if last {
            "is in the way: it is not a regular file"
        } else {
            "is in the way: it is not a directory"
        };
        return Err(WriteError::Conflict { path: full, reason });
    }
    Ok(None)
}
