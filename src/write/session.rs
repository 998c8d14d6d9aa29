//! A write session: artifacts stream in batch by batch and only their
//! paths are kept, so memory does not grow with the size of the output;
//! the output folder changes all at once in [`Session::finish`].

use std::collections::{BTreeMap, HashMap};
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, ErrorKind, Read as _, Write as _};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::manifest::{Manifest, manifest_is, write_manifest};
use super::parallel::Workers;
use super::paths::{
    check_out_dir, inspect, leftovers, parse_temp_name, temp_name, temp_name_of, validate,
};
use super::{Artifact, ChangeKind, JOURNAL, LOCK, MANIFEST, Step, WriteError, io_err};

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
    paths: String,
    changes: Changes,
    /// Artifacts whose bytes already matched the disk.
    pub unchanged: usize,
}

impl Report {
    /// Every changed path with its change, sorted by path.
    pub fn changes(&self) -> impl Iterator<Item = (&str, ChangeKind)> {
        self.changes
            .iter()
            .map(|(range, kind)| (&self.paths[range.clone()], *kind))
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    pub fn count(&self, kind: ChangeKind) -> usize {
        self.changes.iter().filter(|(_, k)| *k == kind).count()
    }
}

/// Changed paths (ranges in a path buffer) and their changes.
type Changes = Vec<(Range<usize>, ChangeKind)>;

/// One generated file: its path (in [`Session::paths`]) and what happened to it.
#[derive(Debug, Clone)]
struct Entry {
    path: Range<usize>,
    state: State,
}

/// A file of a new folder waiting to be written.
struct NewFile {
    rel: String,
    temp: PathBuf,
    bytes: Arc<[u8]>,
}

/// A file's bytes as the caller holds them.
#[derive(Clone, Copy)]
enum Bytes<'b> {
    /// Copied if the file waits for its batch.
    Borrowed(&'b [u8]),
    /// Kept (not copied) if the file waits for its batch.
    Shared(&'b Arc<[u8]>),
}

impl<'b> Bytes<'b> {
    fn as_slice(self) -> &'b [u8] {
        match self {
            Bytes::Borrowed(bytes) => bytes,
            Bytes::Shared(bytes) => bytes,
        }
    }
}

/// A batch of new files is written when it holds this many files or bytes:
/// enough to keep the threads busy and to span several parent folders (the
/// folders of one parent are created on one thread), little enough to
/// bound memory when a per-cluster tree of gigabytes streams through.
const BATCH_FILES: usize = 4096;
const BATCH_BYTES: usize = 8 << 20;

/// What happened to one generated file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Unchanged,
    /// Staged as a temporary file beside its target, renamed at commit.
    Staged(ChangeKind),
    /// New, inside a new folder that is built under a temporary name and
    /// renamed into place at commit; inside it the file has a temporary
    /// name too until the folder is in place, so no staging folder ever
    /// holds a file named like an output (`kubectl apply -R` walks hidden
    /// folders).
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
/// in `.yaml` or `.json` (files inside a new folder being built have such
/// names too), are refused as artifact or manifest paths, and are removed
/// by the next run.
///
/// Between steps 1 and 2 the list of renames is written to the journal
/// (`.monocle-journal`, itself staged and renamed into place), and it is
/// removed once the renames are done. A run killed while renaming leaves
/// every file whole (old or new) and the journal behind: the next compile
/// first completes those renames from the journal (everything they need
/// is staged before the journal appears), and `compile --check`, `diff`
/// and plans refuse to compare against such a tree.
pub struct Session<'h> {
    out: PathBuf,
    mode: Mode,
    hook: Hook<'h>,
    owned: Manifest,
    /// Every generated path, one after another: a large fleet has close to
    /// a million, and one buffer costs a fraction of a string each.
    paths: String,
    entries: Vec<Entry>,
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
    /// Files of new folders not written yet: they are written in batches,
    /// on several threads.
    new_files: Vec<NewFile>,
    /// The bytes in `new_files`.
    new_bytes: usize,
    /// Folders inside new folders not created yet, parents first: created
    /// with the next batch of files, on several threads too (on ext4 a
    /// folder costs as much as a file).
    new_dirs: Vec<PathBuf>,
    /// The threads that write batches and rename folders' files.
    workers: Workers,
    done: bool,
    /// The lock on the output folder held while writing (`Write` mode).
    lock: Option<(PathBuf, File)>,
    /// The journal: its staged name, and whether it is in place.
    journal: Option<(PathBuf, bool)>,
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
        let mut session = Session {
            out: out.to_path_buf(),
            mode,
            hook,
            owned: Manifest::default(),
            paths: String::new(),
            entries: Vec::new(),
            folders: HashMap::new(),
            created: Vec::new(),
            new_folders: Vec::new(),
            staged_manifests: Vec::new(),
            undo: Vec::new(),
            backups: HashMap::new(),
            buffer: Vec::new(),
            new_files: Vec::new(),
            new_bytes: 0,
            new_dirs: Vec::new(),
            workers: Workers::default(),
            done: false,
            lock: None,
            journal: None,
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
        if mode == Mode::Write {
            let result = lock(out);
            session.lock = Some(session.guard(result)?);
            // Under the lock: no other run can be committing now.
            let result = recover(out);
            session.guard(result)?;
        } else if out_exists && inspect(out, JOURNAL)?.is_some() {
            return Err(WriteError::Conflict {
                path: out.join(JOURNAL),
                reason: "is left by a compile that was stopped while it renamed files into \
                         place, so the folder mixes old and new outputs; run `monocle compile` \
                         to complete it",
            });
        }
        if out_exists {
            let result = Manifest::read(out);
            session.owned = session.guard(result)?;
        }
        session.folders.insert(String::new(), root);
        Ok(session)
    }

    /// Compares a batch of artifacts with the disk and, in `Write` mode,
    /// stages the new and changed ones. Nothing visible changes yet.
    pub fn add(&mut self, artifacts: &[Artifact]) -> Result<(), WriteError> {
        for artifact in artifacts {
            self.add_file(&artifact.path, &artifact.bytes)?;
        }
        Ok(())
    }

    /// [`add`](Self::add) for one file: `path` relative to the output
    /// folder. Returns how the file differs from the disk (`None`: it does not).
    pub fn add_file(&mut self, path: &str, bytes: &[u8]) -> Result<Option<ChangeKind>, WriteError> {
        self.add_bytes(path, Bytes::Borrowed(bytes))
    }

    /// [`add_file`](Self::add_file) for bytes the caller shares: a file
    /// that waits for its batch keeps them instead of a copy (at fleet
    /// scale, tens of MB of fresh memory).
    pub fn add_shared(
        &mut self,
        path: &str,
        bytes: &Arc<[u8]>,
    ) -> Result<Option<ChangeKind>, WriteError> {
        self.add_bytes(path, Bytes::Shared(bytes))
    }

    fn add_bytes(
        &mut self,
        path: &str,
        bytes: Bytes<'_>,
    ) -> Result<Option<ChangeKind>, WriteError> {
        let result = self.add_one(path, bytes);
        let state = self.guard(result)?;
        Ok(match state {
            State::Unchanged => None,
            State::Staged(kind) => Some(kind),
            State::InNewFolder => Some(ChangeKind::Create),
        })
    }

    /// Deletes the files the manifest owns that were not generated this
    /// time, and (in `Write` mode) commits everything at once.
    pub fn finish(mut self) -> Result<Report, WriteError> {
        let result = self.commit();
        let (changes, unchanged) = self.guard(result)?;
        self.done = true;
        if self.mode == Mode::Write {
            self.clean_up();
        }
        self.unlock();
        Ok(Report {
            paths: std::mem::take(&mut self.paths),
            changes,
            unchanged,
        })
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

    fn add_one(&mut self, rel: &str, shared: Bytes<'_>) -> Result<State, WriteError> {
        validate(rel)?;
        let bytes = shared.as_slice();
        // Repeats are found at the end (the paths are sorted there); one
        // inside a new folder is found when its file already exists.
        let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
        let write = self.mode == Mode::Write;
        let state = match self.folder(dir)? {
            Folder::Missing => State::InNewFolder,
            Folder::New(folder) => {
                self.queue_new(rel, &folder.join(name), shared)?;
                State::InNewFolder
            }
            Folder::Real => {
                let target = self.out.join(rel);
                let kind = match file_len(&target)? {
                    Some(len) if self.same(&target, len, bytes)? => None,
                    // A file monocle did not write (its manifest does not
                    // list it) is someone's work: never overwrite and adopt it.
                    Some(_) if !self.owned.contains(rel) => {
                        return Err(WriteError::Conflict {
                            path: target,
                            reason: "is in the way: monocle did not generate it (it is not in \
                                     .monocle-manifest); move it away, or delete it if it is \
                                     an old generated file",
                        });
                    }
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
        let start = self.paths.len();
        self.paths.push_str(rel);
        self.entries.push(Entry {
            path: start..self.paths.len(),
            state,
        });
        Ok(state)
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
                // Created with the next batch of files, before them.
                let path = parent.join(name);
                self.new_dirs.push(path.clone());
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

    /// Queues a file for a new folder (nothing can be there yet), to be
    /// written under its temporary name with the rest of its batch.
    fn queue_new(&mut self, rel: &str, path: &Path, bytes: Bytes<'_>) -> Result<(), WriteError> {
        let bytes = match bytes {
            Bytes::Borrowed(bytes) => Arc::from(bytes),
            Bytes::Shared(bytes) => bytes.clone(),
        };
        self.new_bytes += bytes.len();
        self.new_files.push(NewFile {
            rel: rel.to_owned(),
            temp: temp_name(path, "new"),
            bytes,
        });
        if self.new_files.len() >= BATCH_FILES || self.new_bytes >= BATCH_BYTES {
            self.write_new_files()?;
        }
        Ok(())
    }

    /// Creates the queued folders and writes the queued files of new
    /// folders, on several threads (each announced to the hook first, in
    /// order).
    fn write_new_files(&mut self) -> Result<(), WriteError> {
        let dirs = std::mem::take(&mut self.new_dirs);
        for dir in &dirs {
            self.step(Step::CreateDir(dir), dir)?;
        }
        // A folder's parent is one level up: each level after the one above.
        let mut levels: BTreeMap<usize, Vec<&PathBuf>> = BTreeMap::new();
        for dir in &dirs {
            levels
                .entry(dir.components().count())
                .or_default()
                .push(dir);
        }
        for level in levels.values_mut() {
            level.sort_by_key(|dir| dir.parent());
            for created in self.workers.each_grouped(
                level,
                |dir| dir.parent(),
                |dir| fs::create_dir(dir).map_err(|e| io_err(dir, e)),
            ) {
                created?;
            }
        }
        let batch = std::mem::take(&mut self.new_files);
        self.new_bytes = 0;
        for file in &batch {
            self.step(Step::Stage(&file.temp), &file.temp)?;
        }
        let written = self
            .workers
            .each(&batch, |file| create_file(&file.temp, &file.bytes));
        for (file, result) in batch.iter().zip(written) {
            result.map_err(|e| match e {
                WriteError::Io { source, .. } if source.kind() == ErrorKind::AlreadyExists => {
                    WriteError::DuplicatePath(file.rel.clone())
                }
                e => e,
            })?;
        }
        Ok(())
    }

    /// Writes `bytes` to the temporary file beside `target`.
    fn stage(&mut self, target: &Path, bytes: &[u8], suffix: &str) -> Result<(), WriteError> {
        stage_file(&mut self.hook, &temp_name(target, suffix), |w| {
            w.write_all(bytes)
        })
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

    fn path(&self, entry: &Entry) -> &str {
        &self.paths[entry.path.clone()]
    }

    /// The entry for `path` (the entries are sorted by then).
    fn find(&self, path: &str) -> Option<&Entry> {
        self.entries
            .binary_search_by(|e| self.path(e).cmp(path))
            .ok()
            .map(|i| &self.entries[i])
    }

    /// Plans the deletes and, in `Write` mode, commits. Returns the changes
    /// (paths in `self.paths`, sorted) and the number of unchanged files.
    fn commit(&mut self) -> Result<(Changes, usize), WriteError> {
        self.write_new_files()?;
        let mut entries = std::mem::take(&mut self.entries);
        entries.sort_unstable_by(|a, b| self.path(a).cmp(self.path(b)));
        self.entries = entries;
        for pair in self.entries.windows(2) {
            if self.path(&pair[0]) == self.path(&pair[1]) {
                return Err(WriteError::DuplicatePath(self.path(&pair[0]).to_owned()));
            }
        }
        // `a` and `a/b` cannot both be files.
        if let Some(entry) = self
            .entries
            .iter()
            .find(|e| self.folders.contains_key(self.path(e)))
        {
            return Err(WriteError::Conflict {
                path: self.out.join(self.path(entry)),
                reason: "is generated as a file but is also a parent folder",
            });
        }
        // Owned files the user already removed need no action.
        let mut deletes = Vec::new();
        for path in self.owned.iter().filter(|p| self.find(p).is_none()) {
            // Only the manifest put this path here: say so.
            match inspect(&self.out, path) {
                Ok(Some(_)) => deletes.push(path.to_owned()),
                Ok(None) => {}
                Err(WriteError::Conflict { path, reason }) => {
                    return Err(WriteError::Conflict {
                        path,
                        reason: listed_in_manifest(reason),
                    });
                }
                Err(e) => return Err(e),
            }
        }
        let mut changes: Changes = self
            .entries
            .iter()
            .filter_map(|e| match e.state {
                State::Unchanged => None,
                State::Staged(kind) => Some((e.path.clone(), kind)),
                State::InNewFolder => Some((e.path.clone(), ChangeKind::Create)),
            })
            .collect();
        let unchanged = self.entries.len() - changes.len();
        for path in &deletes {
            let start = self.paths.len();
            self.paths.push_str(path);
            changes.push((start..self.paths.len(), ChangeKind::Delete));
        }
        changes.sort_by(|a, b| self.paths[a.0.clone()].cmp(&self.paths[b.0.clone()]));
        if self.mode == Mode::Check {
            return Ok((changes, unchanged));
        }

        let (paths, entries) = (&self.paths, &self.entries);
        let wanted = || entries.iter().map(|e| &paths[e.path.clone()]);
        let needs_claim = wanted().any(|p| !self.owned.contains(p));
        // The claim lists old and new paths; it is the final list too
        // when nothing old is left out.
        let claim_is_last = self.owned.iter().all(|p| self.find(p).is_some());
        let needs_last = if needs_claim {
            !claim_is_last
        } else {
            !self
                .owned
                .raw()
                .is_some_and(|raw| manifest_is(raw, wanted()))
        };
        // Written line by line: at fleet scale a manifest is tens of MB.
        let manifest = self.out.join(MANIFEST);
        let claim = if needs_claim {
            let temp = temp_name(&manifest, "claim");
            let claimed = merge(self.owned.iter(), wanted());
            stage_file(&mut self.hook, &temp, |w| write_manifest(w, claimed))?;
            self.staged_manifests.push(temp.clone());
            Some(temp)
        } else {
            None
        };
        let last = if needs_last {
            let temp = temp_name(&manifest, "new");
            stage_file(&mut self.hook, &temp, |w| write_manifest(w, wanted()))?;
            self.staged_manifests.push(temp.clone());
            Some(temp)
        } else {
            None
        };

        self.write_journal(claim.is_some(), last.is_some(), &deletes)?;
        if let Some(claim) = claim {
            self.place(MANIFEST, &claim)?;
        }
        for (temp, target) in self.new_folders.clone() {
            self.place_folder(&temp, &target)?;
        }
        // Files in the new folders (now in place), a batch at a time (a
        // per-cluster fleet has hundreds of thousands), then the staged ones.
        let in_new_folders: Vec<usize> = (0..self.entries.len())
            .filter(|&i| matches!(self.entries[i].state, State::InNewFolder))
            .collect();
        for batch in in_new_folders.chunks(BATCH_FILES) {
            let targets: Vec<PathBuf> = batch
                .iter()
                .map(|&i| self.out.join(self.path(&self.entries[i])))
                .collect();
            self.place_in_new_folders(&targets)?;
        }
        let staged: Vec<usize> = (0..self.entries.len())
            .filter(|&i| matches!(self.entries[i].state, State::Staged(_)))
            .collect();
        for i in staged {
            let path = self.path(&self.entries[i]).to_owned();
            let temp = temp_name(&self.out.join(&path), "new");
            self.place(&path, &temp)?;
        }
        for path in &deletes {
            self.set_aside(path)?;
        }
        if let Some(last) = last {
            self.place(MANIFEST, &last)?;
        }
        Ok((changes, unchanged))
    }

    /// Stages the journal of the commit about to start and renames it into
    /// place: what [`recover`] needs to complete the commit if this run is
    /// killed part-way.
    fn write_journal(
        &mut self,
        claim: bool,
        last: bool,
        deletes: &[String],
    ) -> Result<(), WriteError> {
        let target = self.out.join(JOURNAL);
        let temp = temp_name(&target, "new");
        self.journal = Some((temp.clone(), false));
        let out = self.out.clone();
        let (paths, entries, new_folders) = (&self.paths, &self.entries, &self.new_folders);
        stage_file(&mut self.hook, &temp, |w| {
            writeln!(w, "{JOURNAL_HEADER}")?;
            writeln!(w, "pid {}", std::process::id())?;
            if claim {
                writeln!(w, "claim")?;
            }
            for (_, folder) in new_folders {
                let rel = folder.strip_prefix(&out).unwrap_or(folder);
                writeln!(w, "folder {}", rel.to_string_lossy())?;
            }
            for entry in entries {
                if matches!(entry.state, State::Staged(_)) {
                    writeln!(w, "file {}", &paths[entry.path.clone()])?;
                }
            }
            for path in deletes {
                writeln!(w, "delete {path}")?;
            }
            if last {
                writeln!(w, "last")?;
            }
            // The journal must be whole on disk before any rename it lists.
            w.get_ref().sync_all()
        })?;
        self.step(Step::Commit(&target), &target)?;
        fs::rename(&temp, &target).map_err(|e| io_err(&target, e))?;
        self.journal = Some((temp, true));
        Ok(())
    }

    /// Renames a new folder into place.
    fn place_folder(&mut self, temp: &Path, target: &Path) -> Result<(), WriteError> {
        self.rename_onto_nothing(temp, target)?;
        self.undo.push(Undo::FolderPlaced {
            target: target.to_path_buf(),
            temp: temp.to_path_buf(),
        });
        Ok(())
    }

    /// Gives the files in new folders (now in place) their names, on
    /// several threads (each announced to the hook first, in order). The
    /// folders are this run's, so there is no original to keep: one check
    /// that the name is still free replaces [`place`](Self::place)'s walk
    /// of every parent, at fleet scale thousands of lookups.
    fn place_in_new_folders(&mut self, targets: &[PathBuf]) -> Result<(), WriteError> {
        for target in targets {
            self.step(Step::Commit(target), target)?;
        }
        // Nothing to undo per file: undoing the folder's placement renames
        // the folder back, and the rollback removes it whole.
        self.workers
            .each(targets, |target| {
                rename_onto_nothing(&temp_name(target, "new"), target)
            })
            .into_iter()
            .collect()
    }

    /// Renames `temp` to `target`, which must not exist.
    fn rename_onto_nothing(&mut self, temp: &Path, target: &Path) -> Result<(), WriteError> {
        self.step(Step::Commit(target), target)?;
        rename_onto_nothing(temp, target)
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
        for entry in &self.entries {
            if matches!(entry.state, State::Staged(_)) {
                let _ = fs::remove_file(temp_name(&self.out.join(self.path(entry)), "new"));
            }
        }
        for manifest in &self.staged_manifests {
            let _ = fs::remove_file(manifest);
        }
        // Everything it lists is undone now.
        if let Some((temp, placed)) = self.journal.take() {
            let _ = fs::remove_file(if placed { self.out.join(JOURNAL) } else { temp });
        }
        for (temp, _) in &self.new_folders {
            let _ = fs::remove_dir_all(temp);
        }
        self.unlock();
        for dir in self.created.iter().rev() {
            let _ = fs::remove_dir(dir);
        }
    }

    /// Removes the lock file, then lets go of the lock.
    fn unlock(&mut self) {
        if let Some((path, file)) = self.lock.take() {
            let _ = fs::remove_file(path);
            drop(file);
        }
    }

    /// Step 3: drops the set-aside originals, folders the deletes emptied
    /// and temporary files left over by interrupted runs.
    fn clean_up(&mut self) {
        // The commit is complete: nothing is left for a recovery to do.
        // (Not a hook step: should it fail, the next run's recovery finds
        // every rename done and only removes the journal.)
        if let Some((_, true)) = self.journal.take() {
            let _ = fs::remove_file(self.out.join(JOURNAL));
        }
        let mut garbage: Vec<PathBuf> = self
            .undo
            .iter()
            .filter_map(|u| match u {
                Undo::SetAside { backup, .. } | Undo::Kept { backup } => Some(backup.clone()),
                Undo::Placed { .. } | Undo::FolderPlaced { .. } => None,
            })
            .collect();
        // Folders this run made hold nothing of an earlier run: into an
        // output folder it created, nothing is searched.
        if !self.created.contains(&self.out) {
            let placed: Vec<PathBuf> = self
                .undo
                .iter()
                .filter_map(|u| match u {
                    Undo::FolderPlaced { target, .. } => Some(target.clone()),
                    _ => None,
                })
                .collect();
            garbage.extend(leftovers(&self.out, &placed));
        }
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

/// A conflict found at a path only the manifest names (an old output to
/// delete), with the manifest named.
fn listed_in_manifest(reason: &'static str) -> &'static str {
    match reason {
        "is a symlink; refusing to follow it" => {
            "is a symlink; refusing to follow it (.monocle-manifest lists a generated file under it)"
        }
        "is in the way: it is not a regular file" => {
            "is not a regular file, but .monocle-manifest lists it as a file monocle generated; move it away"
        }
        "is in the way: it is not a directory" => {
            "is not a directory, but .monocle-manifest lists generated files under it; move it away"
        }
        other => other,
    }
}

/// Takes the output folder's lock (`.monocle-lock`, an advisory file lock
/// the system drops when the process dies), so two compiles into one
/// folder cannot interleave: the second fails at once instead.
fn lock(out: &Path) -> Result<(PathBuf, File), WriteError> {
    let path = out.join(LOCK);
    if fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file()) {
        return Err(WriteError::Conflict {
            path,
            reason: "is in the way: it is not a regular file",
        });
    }
    let file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| io_err(&path, e))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => {
            return Err(WriteError::Conflict {
                path,
                reason: "is held: another monocle is writing into this folder; wait for it",
            });
        }
        Err(fs::TryLockError::Error(e)) => return Err(io_err(&path, e)),
    }
    // The holder before us removes the file as it lets go: a lock on a
    // file no longer at the path protects nothing.
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let same = match (file.metadata(), fs::symlink_metadata(&path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        };
        if !same {
            return Err(WriteError::Conflict {
                path,
                reason: "changed hands: another monocle is writing into this folder; wait for it",
            });
        }
    }
    Ok((path, file))
}

/// Writes a temporary file at `temp` through `write`, replacing a leftover
/// of a crashed run with our pid; a half-written file is removed again.
fn stage_file(
    hook: &mut Hook<'_>,
    temp: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
) -> Result<(), WriteError> {
    hook(Step::Stage(temp)).map_err(|e| io_err(temp, e))?;
    remove_leftover(temp)?;
    // `create_new` refuses to follow anything planted at the name.
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(temp)
        .and_then(|file| {
            let mut w = BufWriter::new(file);
            write(&mut w)?;
            w.flush()
        })
        .map_err(|e| {
            let _ = fs::remove_file(temp);
            io_err(temp, e)
        })
}

/// Two sorted lists of paths as one, sorted, without repeats.
fn merge<'a>(
    a: impl Iterator<Item = &'a str>,
    b: impl Iterator<Item = &'a str>,
) -> impl Iterator<Item = &'a str> {
    let (mut a, mut b) = (a.peekable(), b.peekable());
    std::iter::from_fn(move || match (a.peek(), b.peek()) {
        (Some(x), Some(y)) => match x.cmp(y) {
            std::cmp::Ordering::Less => a.next(),
            std::cmp::Ordering::Greater => b.next(),
            std::cmp::Ordering::Equal => {
                b.next();
                a.next()
            }
        },
        (Some(_), None) => a.next(),
        (None, _) => b.next(),
    })
}

/// Creates a file that must not exist yet (`create_new` refuses to follow
/// anything planted at the name).
/// Renames `temp` to `target`, which must not exist: something created
/// there since this run started wins.
/// Renames `temp` to `target`, refusing when something is at `target`.
/// On Linux one call does both, atomically (`RENAME_NOREPLACE`): a check
/// then a rename cost a second system call per generated file, and left a
/// moment between the two. Elsewhere, or on a file system without it, the
/// check comes first.
fn rename_onto_nothing(temp: &Path, target: &Path) -> Result<(), WriteError> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        use rustix::io::Errno;
        match renameat_with(CWD, temp, CWD, target, RenameFlags::NOREPLACE) {
            Ok(()) => return Ok(()),
            Err(Errno::EXIST) => {
                return Err(WriteError::Conflict {
                    path: target.to_path_buf(),
                    reason: "appeared while monocle was writing",
                });
            }
            // Not supported here: check, then rename.
            Err(Errno::INVAL | Errno::NOSYS) => {}
            Err(e) => return Err(io_err(target, e.into())),
        }
    }
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
    fs::rename(temp, target).map_err(|e| io_err(target, e))
}

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

/// Completes a commit that a killed run left unfinished (its journal is
/// in the output folder), under the folder's lock. Returns whether there
/// was one. `compile` calls it first, so even a compile whose spec now
/// fails to check leaves no mixed tree behind.
pub fn complete_interrupted(out: &Path) -> Result<bool, WriteError> {
    if !out.is_dir() || inspect(out, JOURNAL)?.is_none() {
        return Ok(false);
    }
    let (path, file) = lock(out)?;
    let done = recover(out);
    let _ = fs::remove_file(path);
    drop(file);
    done.map(|()| true)
}

const JOURNAL_HEADER: &str =
    "# monocle commit journal: a compile stopped while renaming is completed from it";

/// Completes the commit of a run killed while it renamed files into place,
/// from its journal (see [`Session`]); without a journal, does nothing.
/// Every rename is done only if its staged file is still there, so a
/// commit that had finished (or a recovery that was itself stopped) is
/// completed without harm. Leftovers are removed by the session's cleanup.
fn recover(out: &Path) -> Result<(), WriteError> {
    let Some(journal) = inspect(out, JOURNAL)? else {
        return Ok(());
    };
    let raw = super::read(&journal, super::MAX_MANIFEST_BYTES * 2)?;
    let bad = |line: usize, reason: &str| WriteError::BadManifest {
        path: journal.clone(),
        line,
        reason: reason.to_owned(),
    };
    let text = std::str::from_utf8(&raw).map_err(|_| bad(1, "not valid UTF-8"))?;
    let mut pid = None;
    let mut ops = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let (op, rel) = line.split_once(' ').unwrap_or((line, ""));
        match op {
            "pid" => {
                let parsed: Option<u32> = rel.parse().ok();
                pid = Some(parsed.ok_or_else(|| bad(i + 1, "bad pid"))?);
            }
            "claim" | "last" if rel.is_empty() => ops.push((op, rel)),
            "folder" | "file" | "delete" => {
                // A tampered journal must never steer a rename outside `out`.
                validate(rel).map_err(|e| bad(i + 1, &e.to_string()))?;
                ops.push((op, rel));
            }
            _ => return Err(bad(i + 1, "not a journal entry")),
        }
    }
    let pid = pid.ok_or_else(|| bad(1, "no pid"))?;
    let staged = |rel: &str, suffix: &str| -> Result<Option<PathBuf>, WriteError> {
        let temp = temp_name_of(&out.join(rel), suffix, pid);
        match fs::symlink_metadata(&temp) {
            Ok(m) if m.is_file() || (suffix == "dir" && m.is_dir()) => Ok(Some(temp)),
            Ok(_) => Ok(None),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_err(&temp, e)),
        }
    };
    let rename = |from: &Path, to: &Path| fs::rename(from, to).map_err(|e| io_err(to, e));
    for (op, rel) in ops {
        match op {
            "claim" | "last" => {
                let suffix = if op == "claim" { "claim" } else { "new" };
                if let Some(temp) = staged(MANIFEST, suffix)? {
                    rename(&temp, &out.join(MANIFEST))?;
                }
            }
            "folder" => {
                if let Some(temp) = staged(rel, "dir")?
                    && inspect_dir_missing(out, rel)?
                {
                    rename(&temp, &out.join(rel))?;
                }
                // Its files still have their temporary names.
                let folder = out.join(rel);
                if fs::symlink_metadata(&folder).is_ok_and(|m| m.is_dir()) {
                    for entry in walkdir::WalkDir::new(&folder).min_depth(1) {
                        let entry = entry.map_err(|e| io_err(&folder, e.into()))?;
                        let name = entry.file_name().to_string_lossy();
                        if entry.file_type().is_file()
                            && let Some((target, p)) = parse_temp_name(&name, "new")
                            && p == pid
                        {
                            let to = entry.path().with_file_name(target);
                            rename(entry.path(), &to)?;
                        }
                    }
                }
            }
            "file" => {
                if let Some(temp) = staged(rel, "new")?
                    && inspect(out, rel).is_ok()
                {
                    rename(&temp, &out.join(rel))?;
                }
            }
            _ => {
                if inspect(out, rel)?.is_some() {
                    let target = out.join(rel);
                    rename(&target, &temp_name_of(&target, "old", pid))?;
                }
            }
        }
    }
    fs::remove_file(&journal).map_err(|e| io_err(&journal, e))
}

/// Whether nothing stands at `rel` (checked without following links).
fn inspect_dir_missing(out: &Path, rel: &str) -> Result<bool, WriteError> {
    match fs::symlink_metadata(out.join(rel)) {
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(true),
        Err(e) => Err(io_err(&out.join(rel), e)),
        Ok(_) => Ok(false),
    }
}
