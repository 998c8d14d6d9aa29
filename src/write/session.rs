//! A write session: artifacts stream in batch by batch and only their
//! paths are kept, so memory does not grow with the size of the output;
//! the output folder changes all at once in [`Session::finish`].

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::{self, File, OpenOptions};
use std::io::{self, ErrorKind, Read as _, Write as _};
use std::path::{Path, PathBuf};

use super::manifest::{manifest_text, read_manifest};
use super::paths::{check_out_dir, inspect, leftovers, temp_name, validate};
use super::{Artifact, ChangeKind, MANIFEST, Step, WriteError, io_err};

/// What a session does with the artifacts it is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Make the output folder match the artifacts.
    Write,
    /// Only compare: report what `Write` would change and touch nothing.
    Check,
}

/// What a finished session changed (in `Check` mode: would change).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Every changed path with its change, sorted by path.
    pub changes: Vec<(String, ChangeKind)>,
    /// Artifacts whose bytes already matched the disk.
    pub unchanged: usize,
}

impl Report {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    pub fn count(&self, kind: ChangeKind) -> usize {
        self.changes.iter().filter(|(_, k)| *k == kind).count()
    }
}

/// What happened to one generated file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Unchanged,
    /// Staged as a temporary file beside its target, renamed at commit.
    Staged(ChangeKind),
    /// New, inside a new folder that is built under a temporary name and
    /// renamed into place at commit (written straight away: no second
    /// rename per file, which is what makes a fresh tree as cheap as `cp -r`).
    InNewFolder,
}

/// A folder on the way to a generated file.
#[derive(Debug, Clone)]
enum Folder {
    /// A real folder on disk (not a symlink).
    Real,
    /// Missing on disk; being built at this path inside a temporary folder.
    New(PathBuf),
    /// Missing on disk (`Check` mode builds nothing).
    Missing,
}

/// One rename of the commit, so it can be undone.
enum Undo {
    /// A copy of an original was kept at `backup`.
    Kept { backup: PathBuf },
    /// `target` was renamed to `backup`.
    SetAside { target: PathBuf, backup: PathBuf },
    /// A staged file was renamed to `target`; the original, if any, is at `backup`.
    Placed {
        target: PathBuf,
        backup: Option<PathBuf>,
    },
    /// A new folder built at `temp` was renamed to `target`.
    FolderPlaced { target: PathBuf, temp: PathBuf },
}

type Hook<'h> = Box<dyn FnMut(Step<'_>) -> io::Result<()> + 'h>;

/// Writes (or checks) an output folder from artifacts given in any order
/// and in as many batches as the caller likes.
///
/// The folder changes all at once or not at all:
/// 1. while artifacts come in, each new or changed file is written where
///    nothing reads it yet: a temporary file beside its target, or, when
///    its folder is new, inside that folder built under a temporary name;
/// 2. [`finish`](Self::finish) first lets the manifest claim every path it
///    is about to create (so a crash never leaves generated files a later
///    run would not know it owns), then renames new folders and staged
///    files into place (each replaced file is kept under a backup name
///    first), renames files to delete aside, and puts the final manifest in;
/// 3. only then are the set-aside originals removed (the deletes), with
///    folders left empty and temporary files left by interrupted runs.
///
/// If anything fails in steps 1–2 (or the session is dropped unfinished),
/// every rename is undone in reverse, temporary files and folders are
/// removed, and the folder is byte-for-byte as it was. Temporary names
/// (`.<name>.monocle-tmp-<pid>.new`, `.old`, `.dir`) are hidden, never end
/// in `.yaml` or `.json`, are refused as artifact or manifest paths, and are
/// removed by the next run.
pub struct Session<'h> {
    out: PathBuf,
    mode: Mode,
    hook: Hook<'h>,
    owned: BTreeSet<String>,
    manifest_on_disk: Option<Vec<u8>>,
    files: BTreeMap<String, State>,
    folders: HashMap<String, Folder>,
    /// Real folders this session created (the output folder and its
    /// missing parents), outermost first.
    created: Vec<PathBuf>,
    /// New folders being built: (temporary path, target).
    new_folders: Vec<(PathBuf, PathBuf)>,
    /// Manifests staged but not yet placed.
    staged_manifests: Vec<PathBuf>,
    undo: Vec<Undo>,
    /// Backups of replaced originals, by relative path (one each, even when
    /// the manifest is placed twice).
    backups: HashMap<String, PathBuf>,
    /// Reused to read files for comparison.
    buffer: Vec<u8>,
    done: bool,
}

impl<'h> Session<'h> {
    /// Starts a session on `out` (created in `Write` mode if missing).
    pub fn open(out: &Path, mode: Mode) -> Result<Session<'static>, WriteError> {
        Session::open_with_hook(out, mode, Box::new(|_| Ok(())))
    }

    /// [`open`](Self::open) with a hook called before every file-system
    /// operation; an error from the hook counts as that operation failing
    /// (tests inject faults this way).
    pub fn open_with_hook(out: &Path, mode: Mode, hook: Hook<'h>) -> Result<Self, WriteError> {
        check_out_dir(out)?;
        let out_exists = out.is_dir();
        let (manifest_on_disk, owned) = if out_exists {
            read_manifest(out)?
        } else {
            (None, BTreeSet::new())
        };
        let mut session = Session {
            out: out.to_path_buf(),
            mode,
            hook,
            owned,
            manifest_on_disk,
            files: BTreeMap::new(),
            folders: HashMap::new(),
            created: Vec::new(),
            new_folders: Vec::new(),
            staged_manifests: Vec::new(),
            undo: Vec::new(),
            backups: HashMap::new(),
            buffer: Vec::new(),
            done: false,
        };
        let root = if out_exists {
            Folder::Real
        } else if mode == Mode::Check {
            Folder::Missing
        } else {
            let result = session.make_dir(out);
            session.guard(result)?;
            Folder::Real
        };
        session.folders.insert(String::new(), root);
        Ok(session)
    }

    /// Compares a batch of artifacts with the disk and, in `Write` mode,
    /// stages the new and changed ones. Nothing visible changes yet.
    pub fn add(&mut self, artifacts: &[Artifact]) -> Result<(), WriteError> {
        for artifact in artifacts {
            self.add_file(artifact.path.clone(), &artifact.bytes)?;
        }
        Ok(())
    }

    /// [`add`](Self::add) for one file: `path` relative to the output folder.
    pub fn add_file(&mut self, path: String, bytes: &[u8]) -> Result<(), WriteError> {
        let result = self.add_one(path, bytes);
        self.guard(result)
    }

    /// Deletes the files the manifest owns that were not generated this
    /// time, and (in `Write` mode) commits everything at once.
    pub fn finish(mut self) -> Result<Report, WriteError> {
        let result = self.commit();
        let report = self.guard(result)?;
        self.done = true;
        if self.mode == Mode::Write {
            self.clean_up();
        }
        Ok(report)
    }

    /// Rolls back on error, so a failed session leaves nothing behind.
    fn guard<T>(&mut self, result: Result<T, WriteError>) -> Result<T, WriteError> {
        if result.is_err() {
            self.rollback();
        }
        result
    }

    fn step(&mut self, step: Step<'_>, path: &Path) -> Result<(), WriteError> {
        (self.hook)(step).map_err(|e| io_err(path, e))
    }

    fn add_one(&mut self, path: String, bytes: &[u8]) -> Result<(), WriteError> {
        let rel = path.as_str();
        validate(rel)?;
        if self.files.contains_key(rel) {
            return Err(WriteError::DuplicatePath(rel.to_owned()));
        }
        let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
        let write = self.mode == Mode::Write;
        let state = match self.folder(dir)? {
            Folder::Missing => State::InNewFolder,
            Folder::New(folder) => {
                self.write_new(&folder.join(name), bytes)?;
                State::InNewFolder
            }
            Folder::Real => {
                let target = self.out.join(rel);
                let kind = match file_len(&target)? {
                    Some(len) if self.same(&target, len, bytes)? => None,
                    Some(_) => Some(ChangeKind::Update),
                    None => Some(ChangeKind::Create),
                };
                match kind {
                    None => State::Unchanged,
                    Some(kind) => {
                        if write {
                            self.stage(&target, bytes, "new")?;
                        }
                        State::Staged(kind)
                    }
                }
            }
        };
        self.files.insert(path, state);
        Ok(())
    }

    /// Where the folder `dir` (relative, "" for the output folder) stands;
    /// in `Write` mode a missing one is started under a temporary name.
    fn folder(&mut self, dir: &str) -> Result<Folder, WriteError> {
        if let Some(folder) = self.folders.get(dir) {
            return Ok(folder.clone());
        }
        let (parent, name) = dir.rsplit_once('/').unwrap_or(("", dir));
        let folder = match self.folder(parent)? {
            Folder::Missing => Folder::Missing,
            Folder::New(parent) => {
                let path = parent.join(name);
                self.step(Step::CreateDir(&path), &path)?;
                fs::create_dir(&path).map_err(|e| io_err(&path, e))?;
                Folder::New(path)
            }
            Folder::Real => {
                let full = self.out.join(dir);
                match fs::symlink_metadata(&full) {
                    Ok(meta) if meta.is_dir() => Folder::Real,
                    Ok(meta) => {
                        return Err(WriteError::Conflict {
                            path: full,
                            reason: if meta.file_type().is_symlink() {
                                "is a symlink; refusing to follow it"
                            } else {
                                "is in the way: it is not a directory"
                            },
                        });
                    }
                    Err(e) if e.kind() != ErrorKind::NotFound => return Err(io_err(&full, e)),
                    Err(_) if self.mode == Mode::Check => Folder::Missing,
                    Err(_) => {
                        let temp = temp_name(&full, "dir");
                        self.step(Step::CreateDir(&temp), &temp)?;
                        remove_leftover(&temp)?;
                        fs::create_dir(&temp).map_err(|e| io_err(&temp, e))?;
                        self.new_folders.push((temp.clone(), full));
                        Folder::New(temp)
                    }
                }
            }
        };
        self.folders.insert(dir.to_owned(), folder.clone());
        Ok(folder)
    }

    /// Whether the file at `path` (of length `len`) holds exactly `bytes`.
    fn same(&mut self, path: &Path, len: u64, bytes: &[u8]) -> Result<bool, WriteError> {
        if len != bytes.len() as u64 {
            return Ok(false);
        }
        // Exactly `len` bytes: `read_to_end` would ask the kernel for the
        // size again. A file that changes meanwhile compares unequal or fails.
        self.buffer.resize(bytes.len(), 0);
        match File::open(path).and_then(|mut f| f.read_exact(&mut self.buffer)) {
            Ok(()) => Ok(self.buffer == bytes),
            Err(e) if e.kind() == ErrorKind::UnexpectedEof => Ok(false),
            Err(e) => Err(io_err(path, e)),
        }
    }

    /// Writes a file inside a new folder (nothing can be there yet).
    fn write_new(&mut self, path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
        self.step(Step::Stage(path), path)?;
        create_file(path, bytes)
    }

    /// Writes `bytes` to the temporary file beside `target`; returns its path.
    fn stage(&mut self, target: &Path, bytes: &[u8], suffix: &str) -> Result<PathBuf, WriteError> {
        let temp = temp_name(target, suffix);
        self.step(Step::Stage(&temp), &temp)?;
        // A leftover of a crashed run with our pid is ours to replace;
        // `create_new` then refuses to follow anything planted at the name.
        remove_leftover(&temp)?;
        // Not yet recorded anywhere rollback looks: a half-written temporary
        // file is removed here.
        create_file(&temp, bytes).inspect_err(|_| drop(fs::remove_file(&temp)))?;
        Ok(temp)
    }

    /// Creates `dir` and its missing parents, remembering each for rollback.
    fn make_dir(&mut self, dir: &Path) -> Result<(), WriteError> {
        let mut missing = Vec::new();
        // A relative path's last ancestor is "": the working directory.
        for d in dir.ancestors().filter(|d| !d.as_os_str().is_empty()) {
            match fs::symlink_metadata(d) {
                Ok(_) => break,
                Err(e) if e.kind() == ErrorKind::NotFound => missing.push(d.to_path_buf()),
                Err(e) => return Err(io_err(d, e)),
            }
        }
        for d in missing.into_iter().rev() {
            self.step(Step::CreateDir(&d), &d)?;
            fs::create_dir(&d).map_err(|e| io_err(&d, e))?;
            self.created.push(d);
        }
        Ok(())
    }

    fn commit(&mut self) -> Result<Report, WriteError> {
        // `a` and `a/b` cannot both be files.
        for path in self.files.keys() {
            for (i, _) in path.match_indices('/') {
                if self.files.contains_key(&path[..i]) {
                    return Err(WriteError::Conflict {
                        path: self.out.join(&path[..i]),
                        reason: "is generated as a file but is also a parent folder",
                    });
                }
            }
        }
        // Owned files the user already removed need no action.
        let mut deletes = Vec::new();
        for path in self.owned.iter().filter(|p| !self.files.contains_key(*p)) {
            if inspect(&self.out, path)?.is_some() {
                deletes.push(path.clone());
            }
        }
        let mut changes: Vec<(String, ChangeKind)> = self
            .files
            .iter()
            .filter_map(|(path, state)| match state {
                State::Unchanged => None,
                State::Staged(kind) => Some((path.clone(), *kind)),
                State::InNewFolder => Some((path.clone(), ChangeKind::Create)),
            })
            .chain(deletes.iter().map(|p| (p.clone(), ChangeKind::Delete)))
            .collect();
        changes.sort();
        let report = Report {
            unchanged: self.files.len() + deletes.len() - changes.len(),
            changes,
        };
        if self.mode == Mode::Check {
            return Ok(report);
        }

        let needs_claim = self.files.keys().any(|p| !self.owned.contains(p));
        let claim = needs_claim.then(|| {
            manifest_text(
                self.owned
                    .iter()
                    .chain(self.files.keys())
                    .map(String::as_str),
            )
        });
        let last = manifest_text(self.files.keys().map(String::as_str));
        let current = claim.as_deref().or(self.manifest_on_disk.as_deref());
        let needs_last = current != Some(last.as_slice());
        let manifest = self.out.join(MANIFEST);
        let claim = match claim {
            Some(text) => Some(self.stage(&manifest, &text, "claim")?),
            None => None,
        };
        if let Some(claim) = &claim {
            self.staged_manifests.push(claim.clone());
        }
        let last = if needs_last {
            let staged = self.stage(&manifest, &last, "new")?;
            self.staged_manifests.push(staged.clone());
            Some(staged)
        } else {
            None
        };

        if let Some(claim) = claim {
            self.place(MANIFEST, &claim)?;
        }
        for (temp, target) in self.new_folders.clone() {
            self.place_folder(&temp, &target)?;
        }
        let staged: Vec<String> = self
            .files
            .iter()
            .filter(|(_, s)| matches!(s, State::Staged(_)))
            .map(|(p, _)| p.clone())
            .collect();
        for path in staged {
            let temp = temp_name(&self.out.join(&path), "new");
            self.place(&path, &temp)?;
        }
        for path in &deletes {
            self.set_aside(path)?;
        }
        if let Some(last) = last {
            self.place(MANIFEST, &last)?;
        }
        Ok(report)
    }

    /// Renames a new folder into place.
    fn place_folder(&mut self, temp: &Path, target: &Path) -> Result<(), WriteError> {
        self.step(Step::Commit(target), target)?;
        // Something created there since the folder was started wins.
        match fs::symlink_metadata(target) {
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(io_err(target, e)),
            Ok(_) => {
                return Err(WriteError::Conflict {
                    path: target.to_path_buf(),
                    reason: "appeared while monocle was writing",
                });
            }
        }
        fs::rename(temp, target).map_err(|e| io_err(target, e))?;
        self.undo.push(Undo::FolderPlaced {
            target: target.to_path_buf(),
            temp: temp.to_path_buf(),
        });
        Ok(())
    }

    /// Deletes `rel` reversibly: renames it aside.
    fn set_aside(&mut self, rel: &str) -> Result<(), WriteError> {
        let Some(target) = inspect(&self.out, rel)? else {
            return Ok(());
        };
        let backup = temp_name(&target, "old");
        self.step(Step::Backup(&target), &target)?;
        fs::rename(&target, &backup).map_err(|e| io_err(&target, e))?;
        self.undo.push(Undo::SetAside { target, backup });
        Ok(())
    }

    /// Renames a staged file onto `rel`. The original is kept under a
    /// backup name first (a hard link, or a copy where links are not
    /// supported), so the target is never missing, not even for a moment.
    fn place(&mut self, rel: &str, staged: &Path) -> Result<(), WriteError> {
        let target = self.out.join(rel);
        let mut backup = self.backups.get(rel).cloned();
        if backup.is_none() && inspect(&self.out, rel)?.is_some() {
            let name = temp_name(&target, "old");
            self.step(Step::Backup(&target), &target)?;
            remove_leftover(&name)?;
            fs::hard_link(&target, &name)
                .or_else(|_| fs::copy(&target, &name).map(drop))
                .map_err(|e| io_err(&target, e))?;
            self.undo.push(Undo::Kept {
                backup: name.clone(),
            });
            self.backups.insert(rel.to_owned(), name.clone());
            backup = Some(name);
        }
        self.step(Step::Commit(&target), &target)?;
        fs::rename(staged, &target).map_err(|e| io_err(&target, e))?;
        self.undo.push(Undo::Placed { target, backup });
        Ok(())
    }

    /// Puts everything back as it was; best effort, in reverse order.
    fn rollback(&mut self) {
        if self.done || self.mode == Mode::Check {
            return;
        }
        self.done = true;
        for undo in std::mem::take(&mut self.undo).into_iter().rev() {
            match undo {
                // Renaming the original back replaces the new file at once.
                Undo::Placed {
                    target,
                    backup: Some(backup),
                } => {
                    let _ = fs::rename(backup, target);
                }
                Undo::Placed {
                    target,
                    backup: None,
                } => {
                    let _ = fs::remove_file(target);
                }
                Undo::SetAside { target, backup } => {
                    let _ = fs::rename(backup, target);
                }
                Undo::FolderPlaced { target, temp } => {
                    let _ = fs::rename(target, temp);
                }
                // Already renamed back, unless the commit never happened.
                Undo::Kept { backup } => {
                    let _ = fs::remove_file(backup);
                }
            }
        }
        // Staged files that were never placed (placed ones are gone already).
        for (path, state) in &self.files {
            if matches!(state, State::Staged(_)) {
                let _ = fs::remove_file(temp_name(&self.out.join(path), "new"));
            }
        }
        for manifest in &self.staged_manifests {
            let _ = fs::remove_file(manifest);
        }
        for (temp, _) in &self.new_folders {
            let _ = fs::remove_dir_all(temp);
        }
        for dir in self.created.iter().rev() {
            let _ = fs::remove_dir(dir);
        }
    }

    /// Step 3: drops the set-aside originals, folders the deletes emptied
    /// and temporary files left over by interrupted runs.
    fn clean_up(&mut self) {
        let mut garbage: Vec<PathBuf> = self
            .undo
            .iter()
            .filter_map(|u| match u {
                Undo::SetAside { backup, .. } | Undo::Kept { backup } => Some(backup.clone()),
                Undo::Placed { .. } | Undo::FolderPlaced { .. } => None,
            })
            .collect();
        garbage.extend(leftovers(&self.out));
        garbage.sort();
        garbage.dedup();
        let out = self.out.clone();
        // A deleted file's backup sits where it was: removing the backup
        // and then the folders it leaves empty finishes the delete.
        for path in &garbage {
            if self.step(Step::Cleanup(path), path).is_err() || remove_leftover(path).is_err() {
                continue;
            }
            for dir in path.ancestors().skip(1) {
                if dir == out || !dir.starts_with(&out) {
                    break;
                }
                let is_empty = fs::read_dir(dir).is_ok_and(|mut e| e.next().is_none());
                if !is_empty
                    || self.step(Step::Cleanup(dir), dir).is_err()
                    || fs::remove_dir(dir).is_err()
                {
                    break;
                }
            }
        }
    }
}

impl Drop for Session<'_> {
    /// An unfinished session undoes its work. A panic is treated like a
    /// kill instead (the state may be inconsistent): the next run removes
    /// what is left, as after a crash.
    fn drop(&mut self) {
        if !std::thread::panicking() {
            self.rollback();
        }
    }
}

/// Creates a file that must not exist yet (`create_new` refuses to follow
/// anything planted at the name).
fn create_file(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    // No fsync per file: it made writing a large tree 70× slower than
    // `cp -r`. Renames keep every file whole; after a power cut the next
    // compile rewrites whatever the disk lost.
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut f| f.write_all(bytes))
        .map_err(|e| io_err(path, e))
}

/// The length of the regular file at `path`, `None` if it is missing.
fn file_len(path: &Path) -> Result<Option<u64>, WriteError> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_file() => Ok(Some(meta.len())),
        Ok(meta) => Err(WriteError::Conflict {
            path: path.to_path_buf(),
            reason: if meta.file_type().is_symlink() {
                "is a symlink; refusing to follow it"
            } else {
                "is in the way: it is not a regular file"
            },
        }),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_err(path, e)),
    }
}

/// Removes a temporary file or folder a crashed run left at `path` (never
/// following a symlink planted there).
fn remove_leftover(path: &Path) -> Result<(), WriteError> {
    let removed = match fs::symlink_metadata(path) {
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(()),
        Err(e) => Err(e),
        Ok(meta) if meta.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
    };
    removed.map_err(|e| io_err(path, e))
}
