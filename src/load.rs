//! load: a spec path (a file or a folder) → source texts. The only code that
//! reads spec files.

use crate::diagnostic::codes;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostic::Diagnostic;
use crate::source::{Sources, Span};

/// Spec files larger than this are refused before they are read (a
/// generated fleet of thousands of services stays far below it).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// All files of a spec together: refused before any is read.
pub const MAX_TOTAL_BYTES: u64 = 256 * 1024 * 1024;
/// Spec files in one spec folder.
pub const MAX_FILES: usize = 10_000;
/// Entries (of any kind) walked below a spec folder before giving up, so
/// that pointing monocle at `/` fails fast instead of walking the disk.
pub const MAX_WALKED: usize = 200_000;

#[derive(Debug)]
pub enum LoadError {
    /// The path cannot be read at all (exit code 2).
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Files were read but are not usable spec text (exit code 1).
    Spec {
        sources: Sources,
        diags: Vec<Diagnostic>,
    },
}

/// A path as printed in a message: control characters escaped.
fn shown(path: &Path) -> String {
    crate::render::escape_text(&path.display().to_string()).into_owned()
}

/// Named like a spec file in any case (`.YAML`): such files are reported
/// when they are not read, rather than silently skipped.
fn has_spec_extension(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["yaml", "yml", "kdl"]
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    })
}

/// A spec file: `*.yaml`, `*.yml` or `*.kdl` (lower case, as everywhere
/// else the format is told by the extension).
pub fn is_spec_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "kdl")
    )
}

/// The "generated from" name of a file: `<folder>/<relative path>` for a
/// folder spec, the bare name for a single file, with its extension (the
/// file a reader opens: `specs/dba.yaml`, not `specs/dba`).
fn origin(root: &Path, file: &Path) -> String {
    let name = match file.strip_prefix(root) {
        Ok(rel) if rel.as_os_str().is_empty() => {
            PathBuf::from(file.file_name().unwrap_or_default())
        }
        // The folder's own name however the path was spelled (`.`,
        // `specs/`, `../x/specs`), so headers do not depend on where
        // monocle was run.
        Ok(rel) => {
            let real = std::fs::canonicalize(root).ok();
            let folder = real
                .as_deref()
                .and_then(Path::file_name)
                .or_else(|| root.file_name())
                .unwrap_or_default();
            Path::new(folder).join(rel)
        }
        Err(_) => PathBuf::from(file.file_name().unwrap_or_default()),
    };
    // The name lands in a comment line of every generated file: a control
    // character (a newline in a file name) must not end that line.
    name.to_string_lossy()
        .replace('\\', "/")
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Reads one spec file, or every `*.yaml`, `*.yml` and `*.kdl` below a
/// folder in path order (so merging is deterministic).
pub fn load(path: &Path) -> Result<Sources, LoadError> {
    let meta = std::fs::metadata(path).map_err(|source| LoadError::Io {
        path: path.to_owned(),
        source,
    })?;
    let mut files = Vec::new();
    let mut refused = Vec::new();
    let mut notes = Vec::new();
    if meta.is_dir() {
        // Links are followed only where they stay in the spec folder, which
        // is judged on the resolved path of each link.
        let root = std::fs::canonicalize(path).map_err(|source| LoadError::Io {
            path: path.to_owned(),
            source,
        })?;
        let mut walk = WalkDir::new(path)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter();
        let mut walked = 0;
        let too_many = || {
            limit_error(
                codes::LOAD_TOO_MANY_FILES,
                format!(
                    "`{}` holds more than {MAX_FILES} spec files (or {MAX_WALKED} entries in all)",
                    path.display()
                ),
            )
        };
        while let Some(entry) = walk.next() {
            walked += 1;
            let entry = entry.map_err(|e| LoadError::Io {
                path: e.path().map_or_else(|| path.to_owned(), Path::to_owned),
                source: e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("file system loop")),
            })?;
            if files.len() > MAX_FILES || walked > MAX_WALKED {
                return Err(too_many());
            }
            if entry.depth() == 0 {
                continue;
            }
            let is_dir = entry.file_type().is_dir();
            let shown = shown(entry.path());
            // Hidden files and hidden folders alike are not part of the spec
            // (`.git`, editor backups); a hidden file named like a spec says so.
            if entry.file_name().to_string_lossy().starts_with('.') {
                if is_dir {
                    walk.skip_current_dir();
                } else if has_spec_extension(entry.path()) {
                    notes.push(
                        Diagnostic::warning(
                            codes::LOAD_IGNORED_FILE,
                            format!("`{shown}` is hidden (its name starts with `.`), so it is not part of the spec"),
                        )
                        .help("rename it without the leading `.` to include it"),
                    );
                }
                continue;
            }
            if entry.path_is_symlink() {
                let inside =
                    std::fs::canonicalize(entry.path()).is_ok_and(|real| real.starts_with(&root));
                if !inside {
                    // The target is neither read nor named: it may be a
                    // secret or a device.
                    refused.push(
                        Diagnostic::error(
                            codes::LOAD_SYMLINK_OUTSIDE,
                            format!("`{shown}` is a symlink that leads outside the spec folder; it is not read"),
                        )
                        .help("copy the file into the spec folder, or link only to files inside it"),
                    );
                    if is_dir {
                        walk.skip_current_dir();
                    }
                    continue;
                }
            }
            if is_dir {
                // A pack folder's files are a pack, read when a spec names
                // it, not spec files of their own.
                if entry.path().join(PACK_FILE).is_file() {
                    walk.skip_current_dir();
                }
                continue;
            }
            if !entry.file_type().is_file() {
                if has_spec_extension(entry.path()) {
                    // A FIFO or a device would block or never end.
                    refused.push(Diagnostic::error(
                        codes::LOAD_NOT_A_FILE,
                        format!("`{shown}` is not a regular file (a FIFO, socket or device); it is not read"),
                    ));
                }
                continue;
            }
            if is_spec_file(entry.path()) {
                files.push(entry.into_path());
            } else if has_spec_extension(entry.path()) {
                notes.push(
                    Diagnostic::warning(
                        codes::LOAD_IGNORED_FILE,
                        format!("`{shown}` is not part of the spec: spec files end in `.yaml`, `.yml` or `.kdl`, in lower case"),
                    )
                    .help("rename the extension to lower case to include it"),
                );
            }
        }
        if files.len() > MAX_FILES {
            return Err(too_many());
        }
        if !refused.is_empty() {
            return Err(LoadError::Spec {
                sources: Sources::default(),
                diags: refused,
            });
        }
        if files.is_empty() {
            return Err(LoadError::Spec {
                sources: Sources::default(),
                diags: vec![
                Diagnostic::error(
                    codes::LOAD_NO_SPEC_FILES,
                    format!("no spec files in `{}`", path.display()),
                )
                .help("a spec folder holds `*.yaml`, `*.yml` or `*.kdl` files; start with one holding `version: 1`"),
                ],
            });
        }
    } else if meta.is_file() {
        files.push(path.to_owned());
    } else {
        // A FIFO or a device (`/dev/zero`) would block or never end.
        return Err(LoadError::Io {
            path: path.to_owned(),
            source: std::io::Error::other("not a regular file or folder"),
        });
    }
    let total: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).map_or(0, |m| m.len()))
        .sum();
    if total > MAX_TOTAL_BYTES {
        return Err(limit_error(
            codes::LOAD_TOO_LARGE,
            format!("the spec's files hold {total} bytes, over the {MAX_TOTAL_BYTES}-byte limit"),
        ));
    }

    let mut sources = Sources::default();
    let mut diags = Vec::new();
    for file in files {
        let size = std::fs::metadata(&file).map_or(0, |m| m.len());
        if size > MAX_FILE_BYTES {
            let id = sources.add(file.clone(), origin(path, &file), String::new());
            diags.push(
                Diagnostic::error(
                    codes::LOAD_TOO_LARGE,
                    format!("spec file is {size} bytes, over the {MAX_FILE_BYTES}-byte limit"),
                )
                .at(Span::new(id, 0, 0)),
            );
            continue;
        }
        let bytes = read_limited(&file).map_err(|source| LoadError::Io {
            path: file.clone(),
            source,
        })?;
        match String::from_utf8(bytes) {
            Ok(mut text) => {
                if text.starts_with('\u{feff}') {
                    text.drain(..3);
                }
                sources.add(file.clone(), origin(path, &file), text);
            }
            Err(err) => {
                let valid = err.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(&err.as_bytes()[..valid]).into_owned();
                let id = sources.add(file.clone(), origin(path, &file), text);
                diags.push(
                    Diagnostic::error(codes::LOAD_NOT_UTF8, "spec file is not UTF-8 text (is it a binary file?)")
                        .at(Span::new(id, valid, valid))
                        .label("first invalid byte here")
                        .help("spec files are UTF-8 YAML or KDL; remove or rename other files in the spec folder"),
                );
            }
        }
    }
    sources.notes = notes;
    if diags.is_empty() {
        Ok(sources)
    } else {
        Err(LoadError::Spec { sources, diags })
    }
}

/// A spec-wide limit error (it blames no file).
fn limit_error(code: &'static str, message: String) -> LoadError {
    LoadError::Spec {
        sources: Sources::default(),
        diags: vec![Diagnostic::error(code, message).help(
            "see \"Limits\" in the README; split the spec or point monocle at the spec folder",
        )],
    }
}

/// The file that makes a folder a pack folder.
pub const PACK_FILE: &str = "pack.yaml";

/// Reads the `pack.yaml` of a pack folder a spec names: its path and text,
/// or why it cannot be read, in words for a diagnostic.
pub fn read_pack(folder: &Path) -> Result<(PathBuf, String), String> {
    let file = folder.join(PACK_FILE);
    if !file.is_file() {
        return Err(if folder.is_dir() {
            format!("`{}` holds no `{PACK_FILE}`", shown(folder))
        } else {
            format!("there is no folder `{}`", shown(folder))
        });
    }
    let bytes = read_limited(&file).map_err(|e| format!("`{}`: {e}", shown(&file)))?;
    let mut text =
        String::from_utf8(bytes).map_err(|_| format!("`{}` is not UTF-8 text", shown(&file)))?;
    if text.starts_with('\u{feff}') {
        text.drain(..3);
    }
    Ok((file, text))
}

/// Reads a file, at most [`MAX_FILE_BYTES`] of it: a file that grows after
/// its size was checked (or whose size the file system does not know)
/// cannot make monocle read without end.
fn read_limited(file: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(file)?
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(std::io::Error::other(format!(
            "grew past the {MAX_FILE_BYTES}-byte limit while it was read"
        )));
    }
    Ok(bytes)
}

/// Reads the spec at `path` as it was at git revision `rev`, without
/// touching the work tree (`git ls-tree` + `git show`). File names are the
/// ones `load` would give, so both compiles name their sources alike.
pub fn load_at_revision(path: &Path, rev: &str) -> Result<Sources, LoadError> {
    let io = |message: String| LoadError::Io {
        path: path.to_owned(),
        source: std::io::Error::other(message),
    };
    // A revision is data, never an option of git (`--output=...`).
    if rev.is_empty() || rev.starts_with('-') {
        return Err(io(format!("`{rev}` is not a git revision")));
    }
    let dir = if path.is_dir() {
        path
    } else {
        path.parent().unwrap_or(Path::new("."))
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    // The spec's path relative to the repository root, as git names it.
    let prefix = git(dir, &["rev-parse", "--show-prefix"]).map_err(io)?;
    let prefix = String::from_utf8_lossy(&prefix).trim().to_owned();
    let spec_rel = if path.is_dir() {
        prefix.trim_end_matches('/').to_owned()
    } else {
        format!(
            "{prefix}{}",
            path.file_name().unwrap_or_default().to_string_lossy()
        )
    };
    let root = String::from_utf8_lossy(&git(dir, &["rev-parse", "--show-toplevel"]).map_err(io)?)
        .trim()
        .to_owned();
    let listing = git(
        Path::new(&root),
        &["ls-tree", "-r", "-z", "--name-only", rev, "--", &spec_rel],
    )
    .map_err(io)?;
    let mut files: Vec<String> = listing
        .split(|b| *b == 0)
        .filter(|name| !name.is_empty())
        .map(|name| String::from_utf8_lossy(name).into_owned())
        .filter(|name| is_spec_file(Path::new(name)))
        .collect();
    // As in `load`: a pack folder's files are not spec files.
    let pack_folders: Vec<String> = files
        .iter()
        .filter_map(|name| name.strip_suffix(PACK_FILE))
        .filter(|folder| folder.is_empty() || folder.ends_with('/'))
        .map(str::to_owned)
        .collect();
    files.retain(|name| {
        !pack_folders
            .iter()
            .any(|folder| name.starts_with(folder.as_str()))
    });
    files.sort();
    if files.is_empty() {
        return Err(LoadError::Spec {
            sources: Sources::default(),
            diags: vec![Diagnostic::error(
                codes::LOAD_NO_SPEC_FILES,
                format!("no spec files in `{}` at revision `{rev}`", path.display()),
            )],
        });
    }
    let mut sources = Sources::default();
    for name in files {
        let bytes = git(Path::new(&root), &["show", &format!("{rev}:{name}")]).map_err(io)?;
        // Present the file under the path the user gave, as `load` does.
        let within = name
            .strip_prefix(&spec_rel)
            .unwrap_or(&name)
            .trim_start_matches('/');
        let shown = if within.is_empty() {
            path.to_owned()
        } else {
            path.join(within)
        };
        let text = String::from_utf8_lossy(&bytes).into_owned();
        sources.add(shown.clone(), origin(path, &shown), text);
    }
    Ok(sources)
}

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(format!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}
