//! Output is a pure function of the spec: two compiles in separate
//! processes, from different working directories (a relative and an
//! absolute spec path), with different locale, time zone, home and
//! temporary folders, write byte-identical trees.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                files.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

#[test]
fn two_processes_in_different_places_and_environments_write_identical_trees() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scratch = tempfile::tempdir().unwrap();
    let (home_a, home_b) = (scratch.path().join("home-a"), scratch.path().join("home-b"));
    std::fs::create_dir_all(&home_a).unwrap();
    std::fs::create_dir_all(&home_b).unwrap();
    let out_a = scratch.path().join("a");

    // From the repository, with a relative spec path and an absolute output.
    let first = Command::new(env!("CARGO_BIN_EXE_monocle"))
        .args(["compile", "specs", "--out", out_a.to_str().unwrap()])
        .current_dir(repo)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("LANG", "C")
        .env("TZ", "UTC")
        .env("HOME", &home_a)
        .env("TMPDIR", &home_a)
        .output()
        .unwrap();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );

    // From elsewhere, with an absolute spec path, a relative output, and a
    // locale whose case rules differ (Turkish dotless i), another time zone
    // and colour forced on.
    let second = Command::new(env!("CARGO_BIN_EXE_monocle"))
        .args([
            "compile",
            repo.join("specs").to_str().unwrap(),
            "--out",
            "b",
        ])
        .current_dir(scratch.path())
        .env("LANG", "tr_TR.UTF-8")
        .env("LC_ALL", "tr_TR.UTF-8")
        .env("TZ", "Pacific/Kiritimati")
        .env("HOME", &home_b)
        .env("TMPDIR", &home_b)
        .env("CLICOLOR_FORCE", "1")
        .env("SOURCE_DATE_EPOCH", "1")
        .output()
        .unwrap();
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );

    let (a, b) = (tree(&out_a), tree(&scratch.path().join("b")));
    assert!(a.len() > 50, "{} files", a.len());
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "the same files"
    );
    for (path, bytes) in &a {
        assert!(b[path] == *bytes, "{path} differs between the two runs");
    }
    // And both equal the committed tree.
    let committed = tree(&repo.join("generated"));
    assert_eq!(a, committed, "the committed generated/ is the same tree");
}

#[test]
fn the_spec_folder_is_named_alike_however_its_path_is_spelled() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let committed = tree(&repo.join("generated"));
    let generated = repo.join("generated");
    for (dir, spec) in [
        (repo.join("specs"), "."),
        (repo.join("specs"), "./"),
        (repo.to_path_buf(), "specs/"),
        (repo.to_path_buf(), "./specs/../specs"),
    ] {
        // Against the committed tree: `--check` finds every header current.
        let out = Command::new(env!("CARGO_BIN_EXE_monocle"))
            .args([
                "compile",
                spec,
                "--check",
                "--out",
                generated.to_str().unwrap(),
            ])
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "`cd {} && monocle compile {spec} --check`:\n{}{}",
            dir.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(tree(&generated), committed, "--check wrote nothing");
}
