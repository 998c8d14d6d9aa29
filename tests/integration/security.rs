//! Checks behind the guarantees in SECURITY.md that are about what monocle
//! is built from and what it runs: no network code, no process but `git`
//! (with fixed arguments, for `diff --base`), and spec text that is never
//! executed.

use std::path::Path;
use std::process::Command;

fn sources() -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                files.push((path.display().to_string(), text));
            }
        }
    }
    files
}

#[test]
fn no_network_crates_are_built_in() {
    let lock =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock")).unwrap();
    let names: Vec<&str> = lock
        .lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .map(|l| l.trim_end_matches('"'))
        .collect();
    for banned in [
        "reqwest",
        "hyper",
        "ureq",
        "curl",
        "isahc",
        "h2",
        "native-tls",
        "rustls",
        "openssl",
        "tokio",
        "mio",
        "socket2",
        "attohttpc",
        "surf",
    ] {
        assert!(!names.contains(&banned), "Cargo.lock pulls in `{banned}`");
    }
}

#[test]
fn the_only_process_is_git_and_there_are_no_sockets() {
    let mut commands = Vec::new();
    for (path, text) in sources() {
        for banned in ["std::net", "TcpStream", "UdpSocket", "TcpListener"] {
            assert!(!text.contains(banned), "{path} uses `{banned}`");
        }
        for (i, _) in text.match_indices("Command::new(") {
            commands.push((path.clone(), text[i..].lines().next().unwrap().to_owned()));
        }
    }
    assert_eq!(commands.len(), 1, "{commands:?}");
    assert!(
        commands[0].1.starts_with("Command::new(\"git\")"),
        "{commands:?}"
    );
}

#[test]
fn a_revision_cannot_be_a_git_option() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(env!("CARGO_BIN_EXE_monocle"))
        .args(["diff", "specs", "--base=--output=/tmp/monocle-pwned"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a git revision"));
    assert!(!Path::new("/tmp/monocle-pwned").exists());
}

#[test]
fn spec_text_is_never_executed() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("executed");
    let m = marker.display();
    let payloads = [
        format!("$(touch {m})"),
        format!("`touch {m}`"),
        format!("; touch {m}"),
        format!("{{{{ exec \"touch {m}\" }}}}"),
        format!("{{% include '{m}' %}}"),
    ];
    // Alert labels are Go templates: `{{ exec ... }}` there is refused as an
    // unknown function (as promtool would), so it goes into the title only.
    let labels: Vec<String> = payloads
        .iter()
        .filter(|p| !p.contains("{{ exec"))
        .enumerate()
        .map(|(i, p)| format!("note{i}: {}", serde_json::to_string(p).unwrap()))
        .collect();
    let title_payload = serde_json::to_string(&format!("Daily {}", payloads.join(" "))).unwrap();
    let spec = std::fs::read_to_string("specs/fleet.yaml").unwrap();
    // Each payload must land in the spec: a replace that finds nothing would
    // test the unchanged reference spec.
    let summary = "summary: No successful backup in 24 hours";
    let title = "title: Daily Backup Overview";
    for needle in [summary, title] {
        assert_eq!(
            spec.matches(needle).count(),
            1,
            "specs/fleet.yaml: {needle}"
        );
    }
    let spec = spec
        .replacen(
            summary,
            &format!("{summary}\n    labels: {{{}}}", labels.join(", ")),
            1,
        )
        .replace(title, &format!("title: {title_payload}"));
    std::fs::write(dir.path().join("spec.yaml"), &spec).unwrap();
    for args in [
        vec!["check", "spec.yaml"],
        vec!["compile", "spec.yaml", "--out", "out"],
        vec!["monitor", "spec.yaml", "--out", "out"],
        vec!["fmt", "spec.yaml", "--check"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_monocle"))
            .args(&args)
            .current_dir(dir.path())
            .env("SHELL", "/bin/sh")
            .output()
            .unwrap();
        assert!(
            !String::from_utf8_lossy(&out.stderr).contains("panicked"),
            "{args:?}"
        );
    }
    assert!(dir.path().join("out").is_dir(), "the spec compiled");
    assert!(!marker.exists(), "spec text was executed");
}
