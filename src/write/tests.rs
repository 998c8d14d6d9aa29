use super::*;

fn art(path: &str, text: &str) -> Artifact {
    Artifact {
        path: path.into(),
        bytes: text.into(),
    }
}

fn build(out: &Path, artifacts: &[Artifact]) -> Plan {
    let p = plan(out, artifacts).unwrap();
    apply(out, artifacts, &p).unwrap();
    p
}

fn kinds(p: &Plan) -> Vec<(&str, ChangeKind)> {
    p.changes
        .iter()
        .map(|c| (c.path.as_str(), c.kind))
        .collect()
}

#[test]
fn creates_files_and_manifest_in_missing_out() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let arts = [art("b.yaml", "b\n"), art("a/x.yaml", "x\n")];
    let p = build(&out, &arts);
    assert_eq!(
        kinds(&p),
        [
            ("a/x.yaml", ChangeKind::Create),
            ("b.yaml", ChangeKind::Create)
        ]
    );
    assert_eq!(fs::read_to_string(out.join("a/x.yaml")).unwrap(), "x\n");
    assert_eq!(
        fs::read_to_string(out.join(MANIFEST)).unwrap(),
        format!("{MANIFEST_HEADER}\na/x.yaml\nb.yaml\n")
    );
    let leftovers = fs::read_dir(&out).unwrap().flatten();
    assert!(
        leftovers
            .into_iter()
            .all(|e| !e.file_name().to_string_lossy().contains(TMP_MARKER))
    );
}

#[test]
fn second_run_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path();
    let arts = [art("a.yaml", "a\n")];
    build(out, &arts);
    let mtime = |p: &str| fs::metadata(out.join(p)).unwrap().modified().unwrap();
    let before = (mtime("a.yaml"), mtime(MANIFEST));
    std::thread::sleep(std::time::Duration::from_millis(20));
    let p = build(out, &arts);
    assert!(p.is_empty());
    assert_eq!(p.unchanged, 1);
    assert_eq!((mtime("a.yaml"), mtime(MANIFEST)), before);
}

#[test]
fn updates_changed_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    build(tmp.path(), &[art("a.yaml", "old\n")]);
    let p = build(tmp.path(), &[art("a.yaml", "new\n")]);
    assert_eq!(kinds(&p), [("a.yaml", ChangeKind::Update)]);
    assert_eq!(p.changes[0].old.as_deref(), Some(&b"old\n"[..]));
    assert_eq!(
        fs::read_to_string(tmp.path().join("a.yaml")).unwrap(),
        "new\n"
    );
}

#[test]
fn deletes_owned_file_no_longer_generated_and_empty_dirs() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path();
    build(
        out,
        &[
            art("keep.yaml", "k"),
            art("a/b/c.yaml", "c"),
            art("a/d.yaml", "d"),
        ],
    );
    let p = build(out, &[art("keep.yaml", "k")]);
    assert_eq!(
        kinds(&p),
        [
            ("a/b/c.yaml", ChangeKind::Delete),
            ("a/d.yaml", ChangeKind::Delete)
        ]
    );
    assert!(!out.join("a").exists(), "empty dirs are cleaned up");
    assert!(out.join("keep.yaml").exists());
    assert_eq!(
        fs::read_to_string(out.join(MANIFEST)).unwrap(),
        format!("{MANIFEST_HEADER}\nkeep.yaml\n")
    );
}

#[test]
fn foreign_files_are_never_touched() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path();
    fs::create_dir(out.join("a")).unwrap();
    fs::write(out.join("a/notes.txt"), "mine").unwrap();
    fs::write(out.join("README"), "mine").unwrap();
    build(out, &[art("a/x.yaml", "x")]);
    let p = build(out, &[]);
    assert_eq!(kinds(&p), [("a/x.yaml", ChangeKind::Delete)]);
    assert_eq!(fs::read_to_string(out.join("a/notes.txt")).unwrap(), "mine");
    assert_eq!(fs::read_to_string(out.join("README")).unwrap(), "mine");
}

#[test]
fn unsafe_and_duplicate_paths_are_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    for bad in [
        "",
        "../x",
        "/etc/x",
        "a//b",
        "a/./b",
        "C:/x",
        "a\\b",
        "a/",
        "a/..",
        "x\ny",
        "nul\0",
        MANIFEST,
        "a/.b.monocle-tmp-1",
    ] {
        let err = plan(tmp.path(), &[art(bad, "")]).unwrap_err();
        assert!(matches!(err, WriteError::UnsafePath(_)), "{bad:?}: {err}");
        assert!(read_existing(tmp.path(), bad).is_err());
    }
    let dup = plan(tmp.path(), &[art("a", "1"), art("a", "2")]).unwrap_err();
    assert!(matches!(dup, WriteError::DuplicatePath(_)));
    let clash = plan(tmp.path(), &[art("a", "1"), art("a/b", "2")]).unwrap_err();
    assert!(matches!(clash, WriteError::Conflict { .. }));
}

#[test]
fn tampered_manifest_never_deletes_outside_out() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    fs::write(tmp.path().join("evil"), "precious").unwrap();
    fs::write(out.join(MANIFEST), format!("{MANIFEST_HEADER}\n../evil\n")).unwrap();
    let err = plan(&out, &[]).unwrap_err();
    assert!(
        matches!(err, WriteError::BadManifest { line: 2, .. }),
        "{err}"
    );
    assert!(apply(&out, &[], &Plan::default()).is_err());
    assert_eq!(
        fs::read_to_string(tmp.path().join("evil")).unwrap(),
        "precious"
    );
}

#[cfg(unix)]
#[test]
fn symlinks_are_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let outside = tmp.path().join("outside");
    fs::create_dir_all(&out).unwrap();
    fs::create_dir_all(&outside).unwrap();
    fs::write(outside.join("x"), "precious").unwrap();
    std::os::unix::fs::symlink(&outside, out.join("link")).unwrap();
    fs::write(out.join(MANIFEST), format!("{MANIFEST_HEADER}\nlink/x\n")).unwrap();
    let err = plan(&out, &[art("link/y", "y")]).unwrap_err();
    assert!(matches!(err, WriteError::Conflict { .. }), "{err}");
    let err = plan(&out, &[]).unwrap_err();
    assert!(matches!(err, WriteError::Conflict { .. }), "{err}");
    assert!(read_existing(&out, "link/x").is_err());
    assert_eq!(fs::read_to_string(outside.join("x")).unwrap(), "precious");
    assert!(!outside.join("y").exists());
}

#[test]
fn directory_in_the_way_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir(tmp.path().join("a.yaml")).unwrap();
    let err = plan(tmp.path(), &[art("a.yaml", "a")]).unwrap_err();
    assert!(matches!(err, WriteError::Conflict { .. }), "{err}");
}

/// Path → bytes (`None` for a folder).
type Tree = std::collections::BTreeMap<String, Option<Vec<u8>>>;

/// Every file and folder under `dir` (hidden ones too): path → bytes
/// (`None` for a folder).
fn tree(dir: &Path) -> Tree {
    if !dir.exists() {
        return std::collections::BTreeMap::default();
    }
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| {
            let e = e.unwrap();
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy();
            let bytes = e.file_type().is_file().then(|| fs::read(e.path()).unwrap());
            (rel.replace('\\', "/"), bytes)
        })
        .collect()
}

/// The files of a tree: folders left empty by an interrupted cleanup are
/// not output (git does not even record them).
fn files(t: std::collections::BTreeMap<String, Option<Vec<u8>>>) -> Vec<(String, Option<Vec<u8>>)> {
    t.into_iter().filter(|(_, v)| v.is_some()).collect()
}

fn leftover_names(dir: &Path) -> Vec<String> {
    tree(dir)
        .into_keys()
        .filter(|p| p.contains(TMP_MARKER))
        .collect()
}

/// A tree to change: files in nested folders, a foreign file, an owned
/// file to delete whose folder empties, one to update, one unchanged.
fn before_and_after() -> (Vec<Artifact>, Vec<Artifact>) {
    let before = vec![
        art("keep.yaml", "same\n"),
        art("c1/rules/a.yaml", "old a\n"),
        art("c1/gone/x.yaml", "x\n"),
        art("c2/b.json", "{}\n"),
    ];
    let after = vec![
        art("keep.yaml", "same\n"),
        art("c1/rules/a.yaml", "new a\n"),
        art("c2/b.json", "{\"b\": 1}\n"),
        art("c3/deep/new.yaml", "new\n"),
        art("c1/rules/added.yaml", "added\n"),
    ];
    (before, after)
}

fn setup(out: &Path, with_before: bool) {
    if with_before {
        build(out, &before_and_after().0);
        fs::write(out.join("c1/notes.txt"), "mine\n").unwrap();
    }
}

/// The steps a successful apply announces, in order.
fn steps(with_before: bool) -> Vec<String> {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    setup(&out, with_before);
    let after = before_and_after().1;
    let p = plan(&out, &after).unwrap();
    let mut seen = Vec::new();
    apply_with_hook(&out, &after, &p, &mut |s| {
        seen.push(format!("{s:?}"));
        Ok(())
    })
    .unwrap();
    seen
}

#[test]
fn a_failure_at_any_step_leaves_the_folder_as_it_was() {
    for with_before in [true, false] {
        let steps = steps(with_before);
        assert!(steps.len() > 10, "{steps:?}");
        let (tmp, expected) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        setup(&expected.path().join("out"), with_before);
        build(&expected.path().join("out"), &before_and_after().1);
        let expected = tree(&expected.path().join("out"));
        for (fail_at, step) in steps.iter().enumerate() {
            let out = tmp.path().join(format!("out-{with_before}-{fail_at}"));
            setup(&out, with_before);
            let original = tree(&out);
            let after = before_and_after().1;
            let p = plan(&out, &after).unwrap();
            let mut n = 0;
            let result = apply_with_hook(&out, &after, &p, &mut |_| {
                n += 1;
                if n - 1 == fail_at {
                    Err(io::Error::other("injected failure"))
                } else {
                    Ok(())
                }
            });
            if step.starts_with("Cleanup") {
                // The commit is done: a failed cleanup leaves only garbage
                // that the next run removes.
                result.unwrap();
                let mut now = files(tree(&out));
                now.retain(|(k, _)| !k.contains(TMP_MARKER));
                assert_eq!(now, files(expected.clone()), "after failing {step}");
            } else {
                let err = result.unwrap_err();
                assert!(err.to_string().contains("file system error"), "{err}");
                assert_eq!(tree(&out), original, "after failing {step}");
            }
            // A retry completes the job and leaves no temporary files.
            build(&out, &after);
            if step.starts_with("Cleanup") {
                assert_eq!(
                    files(tree(&out)),
                    files(expected.clone()),
                    "retry after {step}"
                );
            } else {
                assert_eq!(tree(&out), expected, "retry after failing {step}");
            }
        }
    }
}

/// Every file under a temporary name (or inside a temporary folder) is
/// itself hidden and named like no output, so `kubectl apply -R`, which
/// walks hidden folders and reads `*.yaml`/`*.json`, never reads one.
fn assert_no_temporary_file_looks_like_output(out: &Path) {
    for name in leftover_names(out) {
        if tree(out)[&name].is_none() {
            continue;
        }
        let file = name.rsplit('/').next().unwrap();
        assert!(
            file.starts_with('.') && file.contains(TMP_MARKER),
            "{name} is not a temporary name"
        );
        for ext in [".yaml", ".yml", ".json"] {
            assert!(!file.ends_with(ext), "{name} looks like an output");
        }
    }
}

#[test]
fn an_interrupted_run_leaves_nothing_a_later_run_mistakes_for_output() {
    let steps = steps(true);
    let tmp = tempfile::tempdir().unwrap();
    let expected = tmp.path().join("expected");
    setup(&expected, true);
    let original = files(tree(&expected));
    build(&expected, &before_and_after().1);
    let expected = tree(&expected);
    let (before, after) = before_and_after();
    let whole: Vec<&[u8]> = before
        .iter()
        .chain(&after)
        .map(|a| a.bytes.as_slice())
        .collect();
    let outputs = |out: &Path| {
        let mut now = files(tree(out));
        now.retain(|(k, _)| !k.contains(TMP_MARKER) && k != JOURNAL && k != LOCK);
        now
    };
    let mut completed = 0;
    for (stop_at, step) in steps.iter().enumerate() {
        let out = tmp.path().join(format!("out-{stop_at}"));
        setup(&out, true);
        let p = plan(&out, &after).unwrap();
        // A panic in the hook stops the run dead, like a kill: no rollback.
        let killed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut n = 0;
            let _ = apply_with_hook(&out, &after, &p, &mut |_| {
                n += 1;
                assert!(n - 1 != stop_at, "killed");
                Ok(())
            });
        }));
        assert!(killed.is_err());
        assert_no_temporary_file_looks_like_output(&out);
        // Every file under an output name is whole: old or new bytes.
        for (path, bytes) in outputs(&out) {
            let bytes = bytes.unwrap();
            assert!(
                path.starts_with(MANIFEST)
                    || path.ends_with("notes.txt")
                    || whole.contains(&bytes.as_slice()),
                "{path} is half-written after a kill at {step}"
            );
        }
        let journal = out.join(JOURNAL).exists();
        if journal {
            // A mixed tree is never compared as if it were output.
            let err = plan(&out, &after).unwrap_err();
            assert!(err.to_string().contains("monocle compile"), "{err}");
        }
        // The next compile first completes the killed commit: the outputs
        // are then all new (the journal was in place) or all old.
        assert_eq!(complete_interrupted(&out).unwrap(), journal);
        assert!(!out.join(JOURNAL).exists());
        // Killed in the cleanup, the commit was already complete.
        let want = if journal || step.starts_with("Cleanup") {
            completed += usize::from(journal);
            files(expected.clone())
        } else {
            original.clone()
        };
        assert_eq!(
            outputs(&out),
            want,
            "after completing a run killed at {step}"
        );
        assert_no_temporary_file_looks_like_output(&out);
        // The next run never plans a temporary file, and removes them all.
        let again = plan(&out, &after).unwrap();
        assert!(
            again.changes.iter().all(|c| !c.path.contains(TMP_MARKER)),
            "{:?}",
            kinds(&again)
        );
        apply(&out, &after, &again).unwrap();
        assert_eq!(
            files(tree(&out)),
            files(expected.clone()),
            "after a run killed at {step}"
        );
        assert!(
            leftover_names(&out).is_empty(),
            "{:?}",
            leftover_names(&out)
        );
    }
    assert!(completed > 3, "no kill fell inside a commit: {steps:?}");
}

#[test]
fn a_killed_commit_is_completed_by_the_next_session_whatever_it_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    setup(&out, true);
    let (_, after) = before_and_after();
    let p = plan(&out, &after).unwrap();
    // Killed at the first rename after the journal went into place.
    let killed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut journal_placed = false;
        let _ = apply_with_hook(&out, &after, &p, &mut |s| {
            if let Step::Commit(path) = s {
                assert!(!journal_placed, "killed");
                journal_placed = path.ends_with(JOURNAL);
            }
            Ok(())
        });
    }));
    assert!(killed.is_err());
    assert!(out.join(JOURNAL).exists());
    // A session with other artifacts: the killed commit is completed
    // first (its new file is owned, so it is deleted now, not orphaned).
    let third = [art("keep.yaml", "third\n")];
    let mut session = Session::open(&out, Mode::Write).unwrap();
    session.add(&third).unwrap();
    session.finish().unwrap();
    let mut now = files(tree(&out));
    now.retain(|(k, _)| k != MANIFEST);
    assert_eq!(
        now,
        vec![
            ("c1/notes.txt".to_owned(), Some(b"mine\n".to_vec())),
            ("keep.yaml".to_owned(), Some(b"third\n".to_vec())),
        ]
    );
    assert!(
        leftover_names(&out).is_empty(),
        "{:?}",
        leftover_names(&out)
    );
}

#[test]
fn a_tampered_journal_cannot_steer_a_rename_outside() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    build(&out, &[art("a.yaml", "a\n")]);
    fs::write(tmp.path().join("secret"), "keep\n").unwrap();
    for line in [
        "file ../secret",
        "delete ../secret",
        "folder /etc",
        "rm -rf a",
    ] {
        fs::write(out.join(JOURNAL), format!("pid 1\n{line}\n")).unwrap();
        let err = complete_interrupted(&out).unwrap_err();
        assert!(err.to_string().contains(JOURNAL), "{err}");
    }
    assert_eq!(
        fs::read_to_string(tmp.path().join("secret")).unwrap(),
        "keep\n"
    );
    assert_eq!(fs::read_to_string(out.join("a.yaml")).unwrap(), "a\n");
}

#[test]
fn leftovers_of_other_runs_are_ignored_then_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path();
    let arts = [art("a/x.yaml", "x\n")];
    build(out, &arts);
    fs::write(out.join("a/.x.yaml.monocle-tmp-1.new"), "half").unwrap();
    fs::write(out.join("a/.x.yaml.monocle-tmp-2.old"), "x\n").unwrap();
    fs::create_dir(out.join("b")).unwrap();
    fs::write(out.join("b/.y.yaml.monocle-tmp-3.new"), "orphan").unwrap();
    let p = plan(out, &arts).unwrap();
    assert!(p.is_empty(), "{:?}", kinds(&p));
    apply(out, &arts, &p).unwrap();
    assert!(leftover_names(out).is_empty(), "{:?}", leftover_names(out));
    assert!(
        !out.join("b").exists(),
        "a folder holding only a leftover goes too"
    );
    assert_eq!(fs::read_to_string(out.join("a/x.yaml")).unwrap(), "x\n");
}

#[test]
fn read_existing_returns_generated_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    build(tmp.path(), &[art("s/state.json", "{}")]);
    let got = read_existing(tmp.path(), "s/state.json").unwrap();
    assert_eq!(got.as_deref(), Some(&b"{}"[..]));
    assert_eq!(read_existing(tmp.path(), "nope").unwrap(), None);
}

fn changes(report: &Report) -> Vec<(String, ChangeKind)> {
    report.changes().map(|(p, k)| (p.to_owned(), k)).collect()
}

fn session_report(out: &Path, mode: Mode, batches: &[&[Artifact]]) -> Report {
    let mut session = Session::open(out, mode).unwrap();
    for batch in batches {
        session.add(batch).unwrap();
    }
    session.finish().unwrap()
}

#[test]
fn a_session_fed_in_batches_in_any_order_matches_one_apply() {
    let (before, after) = before_and_after();
    let (tmp, expected) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (out, want) = (tmp.path().join("out"), expected.path().join("out"));
    build(&out, &before);
    build(&want, &before);
    let p = build(&want, &after);
    let mut reversed = after.clone();
    reversed.reverse();
    let (first, second) = reversed.split_at(2);
    let report = session_report(&out, Mode::Write, &[second, first]);
    assert_eq!(tree(&out), tree(&want));
    let planned: Vec<(String, ChangeKind)> =
        p.changes.iter().map(|c| (c.path.clone(), c.kind)).collect();
    assert_eq!(changes(&report), planned);
    assert_eq!(report.unchanged, p.unchanged);
}

#[test]
fn check_mode_reports_changes_and_touches_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let (before, after) = before_and_after();
    let report = session_report(&out, Mode::Check, &[&before]);
    assert_eq!(report.count(ChangeKind::Create), before.len());
    assert!(!out.exists(), "check mode never creates the folder");
    build(&out, &before);
    let original = tree(&out);
    let report = session_report(&out, Mode::Check, &[&after]);
    let planned = plan(&out, &after).unwrap();
    let planned: Vec<(String, ChangeKind)> = planned
        .changes
        .iter()
        .map(|c| (c.path.clone(), c.kind))
        .collect();
    assert_eq!(changes(&report), planned);
    assert_eq!(tree(&out), original);
    assert!(session_report(&out, Mode::Check, &[&before]).is_empty());
}

/// A folder holding the "before" tree: (its temp dir, the folder, its
/// contents, the "after" artifacts).
fn built_before() -> (tempfile::TempDir, PathBuf, Tree, Vec<Artifact>) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    build(&out, &before_and_after().0);
    let original = tree(&out);
    (tmp, out, original, before_and_after().1)
}

#[test]
fn nothing_is_visible_before_finish_and_an_unfinished_session_undoes_itself() {
    let (_tmp, out, original, after) = built_before();
    {
        let mut session = Session::open(&out, Mode::Write).unwrap();
        session.add(&after).unwrap();
        // The lock file says a compile is writing; it goes with the session.
        let visible: Vec<String> = tree(&out)
            .into_keys()
            .filter(|p| !p.contains(TMP_MARKER) && p != LOCK)
            .collect();
        let before: Vec<String> = original.keys().cloned().collect();
        assert_eq!(visible, before, "staged work is hidden until finish");
        assert!(!out.join("c3").exists());
    }
    assert_eq!(tree(&out), original, "dropping the session rolled it back");
}

#[test]
fn a_failure_in_a_later_batch_undoes_the_earlier_batches() {
    let (_tmp, out, original, after) = built_before();
    let mut writes = 0;
    let hook = Box::new(|step: Step<'_>| {
        if matches!(step, Step::Stage(_)) {
            writes += 1;
            if writes == 3 {
                return Err(io::Error::other("disk full"));
            }
        }
        Ok(())
    });
    let mut session = Session::open_with_hook(&out, Mode::Write, hook).unwrap();
    let mut failed = None;
    for artifact in &after {
        if let Err(err) = session.add(std::slice::from_ref(artifact)) {
            failed = Some(err);
            break;
        }
    }
    assert!(failed.is_some());
    drop(session);
    assert_eq!(tree(&out), original);
}

#[test]
fn a_hand_edited_manifest_is_read_sorted_and_rewritten_canonically() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path();
    build(out, &[art("b.yaml", "b"), art("a.yaml", "a")]);
    let canonical = fs::read(out.join(MANIFEST)).unwrap();
    assert!(manifest::manifest_is(
        &canonical,
        ["a.yaml", "b.yaml"].into_iter()
    ));
    assert!(!manifest::manifest_is(&canonical, ["a.yaml"].into_iter()));
    fs::write(
        out.join(MANIFEST),
        format!("{MANIFEST_HEADER}\r\nb.yaml\r\n\na.yaml\nb.yaml\n# note\n"),
    )
    .unwrap();
    let owned = manifest::Manifest::read(out).unwrap();
    assert_eq!(owned.iter().collect::<Vec<_>>(), ["a.yaml", "b.yaml"]);
    let p = build(out, &[art("a.yaml", "a")]);
    assert_eq!(kinds(&p), [("b.yaml", ChangeKind::Delete)]);
    assert_eq!(
        fs::read_to_string(out.join(MANIFEST)).unwrap(),
        format!("{MANIFEST_HEADER}\na.yaml\n")
    );
}

#[test]
fn only_names_of_the_exact_temporary_shape_are_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path();
    let arts = [art("a/x.yaml", "x\n")];
    build(out, &arts);
    let mine = [
        "a/notes.monocle-tmp-draft.yaml",
        "a/.x.yaml.monocle-tmp-abc.new",
        "a/.x.yaml.monocle-tmp-1.new.yaml",
        "a/.monocle-tmp-1.new",
        "a/x.monocle-tmp-1.old",
    ];
    for name in mine {
        fs::write(out.join(name), "mine").unwrap();
    }
    fs::write(out.join("a/.x.yaml.monocle-tmp-77.new"), "half").unwrap();
    fs::create_dir(out.join(".b.monocle-tmp-8.dir")).unwrap();
    let p = plan(out, &arts).unwrap();
    apply(out, &arts, &p).unwrap();
    for name in mine {
        assert_eq!(
            fs::read_to_string(out.join(name)).unwrap(),
            "mine",
            "{name}"
        );
    }
    assert!(!out.join("a/.x.yaml.monocle-tmp-77.new").exists());
    assert!(!out.join(".b.monocle-tmp-8.dir").exists());
}

#[test]
fn a_file_monocle_did_not_generate_is_never_overwritten_or_adopted() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path();
    build(out, &[art("a/x.yaml", "x\n")]);
    fs::write(out.join("a/y.yaml"), "hand-written\n").unwrap();
    let arts = [art("a/x.yaml", "x\n"), art("a/y.yaml", "generated\n")];
    for mode in [Mode::Check, Mode::Write] {
        let err = Session::open(out, mode)
            .and_then(|mut s| {
                s.add(&arts)?;
                s.finish()
            })
            .unwrap_err();
        assert!(
            err.to_string().contains("monocle did not generate it"),
            "{err}"
        );
    }
    assert_eq!(
        fs::read_to_string(out.join("a/y.yaml")).unwrap(),
        "hand-written\n"
    );
    assert!(
        !fs::read_to_string(out.join(MANIFEST))
            .unwrap()
            .contains("a/y.yaml")
    );
    // The same bytes as monocle would write are nobody's work: taken over.
    fs::write(out.join("a/y.yaml"), "generated\n").unwrap();
    build(out, &arts);
    assert!(
        fs::read_to_string(out.join(MANIFEST))
            .unwrap()
            .contains("a/y.yaml")
    );
}

#[test]
fn a_second_writer_on_the_same_folder_is_refused_while_the_first_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let first = Session::open(&out, Mode::Write).unwrap();
    let second = Session::open(&out, Mode::Write).map(drop).unwrap_err();
    assert!(second.to_string().contains("another monocle"), "{second}");
    // Checking reads only; it does not wait for the lock.
    Session::open(&out, Mode::Check).unwrap();
    first.finish().unwrap();
    assert!(!out.join(LOCK).exists(), "the lock goes with the writer");
    Session::open(&out, Mode::Write).unwrap().finish().unwrap();
}

#[test]
fn a_conflict_at_a_path_only_the_manifest_names_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path();
    build(out, &[art("a/old.yaml", "x\n"), art("keep.yaml", "k\n")]);
    // The old output, no longer generated, is now a folder.
    fs::remove_file(out.join("a/old.yaml")).unwrap();
    fs::create_dir(out.join("a/old.yaml")).unwrap();
    let err = plan(out, &[art("keep.yaml", "k\n")]).unwrap_err();
    assert!(err.to_string().contains(".monocle-manifest"), "{err}");
}

#[test]
fn a_file_that_appears_in_a_new_folder_while_writing_wins_and_nothing_changes() {
    let (_tmp, out, original, _) = built_before();
    let after = [art("fresh/x.yaml", "x\n"), art("fresh/y.yaml", "y\n")];
    let target = out.join("fresh/y.yaml");
    // Once the new folder is in place, someone writes a file named like
    // one of monocle's into it, before monocle gives that file its name.
    let hook = Box::new(|step: Step<'_>| {
        if let Step::Commit(path) = step
            && path == target
        {
            fs::write(path, "theirs\n")?;
        }
        Ok(())
    });
    let mut session = Session::open_with_hook(&out, Mode::Write, hook).unwrap();
    session.add(&after).unwrap();
    let err = session.finish().unwrap_err();
    assert!(
        err.to_string()
            .contains("appeared while monocle was writing"),
        "{err}"
    );
    // The new folder is rolled back with the rest; what was there before stays.
    let mut expected = original;
    expected.retain(|path, _| path != LOCK);
    let now = tree(&out);
    assert!(!now.contains_key("fresh/x.yaml"), "{now:?}");
    assert!(now.keys().all(|p| !p.contains(TMP_MARKER)), "{now:?}");
    for (path, bytes) in &expected {
        assert_eq!(now.get(path), Some(bytes), "{path}");
    }
}

#[test]
fn temporary_names_sit_beside_their_target() {
    use super::paths::{parse_temp_name, temp_name_of};
    for (target, expected) in [
        ("out/a/b.yaml", "out/a/.b.yaml.monocle-tmp-42.new"),
        ("b.yaml", ".b.yaml.monocle-tmp-42.new"),
        ("/abs/ab", "/abs/.ab.monocle-tmp-42.new"),
        ("out/a/", "out/.a.monocle-tmp-42.new"),
        ("out/a/.", "out/.a.monocle-tmp-42.new"),
    ] {
        let temp = temp_name_of(Path::new(target), "new", 42);
        assert_eq!(temp, Path::new(expected), "{target}");
        let name = temp.file_name().unwrap().to_str().unwrap();
        assert_eq!(parse_temp_name(name, "new").map(|(_, pid)| pid), Some(42));
    }
    let pid = temp_name_of(Path::new("x"), "old", 0);
    assert_eq!(pid, Path::new(".x.monocle-tmp-0.old"));
    let max = temp_name_of(Path::new("x"), "old", u32::MAX);
    assert_eq!(max, Path::new(".x.monocle-tmp-4294967295.old"));
}
