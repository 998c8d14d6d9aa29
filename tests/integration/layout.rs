//! `output.layout`: the shared layout stores each file identical in several
//! clusters once and builds, through `kubectl kustomize`, the same objects
//! as the per-cluster layout, for the reference spec and a synthetic
//! fleet; it expands back to the per-cluster bytes; names are stable; a
//! one-line change to an alert every cluster selects changes one file;
//! switching layouts in place leaves no stale file. Under `CI=true` a
//! missing kubectl fails the test.

use crate::common;

#[path = "../../benches/fleet_gen.rs"]
mod fleet_gen;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use monocle::write::Artifact;

/// A copy of a spec in `<tmp>/spec`, with an `output.yaml` setting
/// `layout`. Both layouts' copies have the same folder name, which the
/// generated headers quote.
fn spec_copy(write_spec: &dyn Fn(&Path), layout: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec");
    std::fs::create_dir(&spec).unwrap();
    write_spec(&spec);
    std::fs::write(
        spec.join("output.yaml"),
        format!("version: 1\noutput:\n  layout: {layout}\n"),
    )
    .unwrap();
    (dir, spec)
}

fn reference(dir: &Path) {
    for file in ["fleet.yaml", "velero-operations.yaml"] {
        std::fs::copy(Path::new("specs").join(file), dir.join(file)).unwrap();
    }
}

fn synthetic(dir: &Path) {
    fleet_gen::write(dir, fleet_gen::S).unwrap();
}

/// Both layouts of a spec: (shared, per-cluster) artifacts.
fn both(write_spec: &dyn Fn(&Path)) -> (Vec<Artifact>, Vec<Artifact>) {
    let (_a, shared) = spec_copy(write_spec, "shared");
    let (_b, per_cluster) = spec_copy(write_spec, "per-cluster");
    (
        common::compile_laid(&shared),
        common::compile_laid(&per_cluster),
    )
}

fn write_out(artifacts: &[Artifact]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let plan = monocle::write::plan(dir.path(), artifacts).unwrap();
    monocle::write::apply(dir.path(), artifacts, &plan).unwrap();
    dir
}

fn clusters(artifacts: &[Artifact]) -> Vec<String> {
    artifacts
        .iter()
        .filter_map(|a| a.path.strip_suffix("/kustomization.yaml"))
        .filter(|folder| !folder.contains('/'))
        .map(str::to_owned)
        .collect()
}

fn files(dir: &Path) -> BTreeSet<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            rel.to_string_lossy().replace('\\', "/")
        })
        .collect()
}

#[test]
fn both_layouts_build_the_same_objects_for_every_cluster() {
    let Some(kubectl) = common::tool("kubectl") else {
        return;
    };
    let mut failures = Vec::new();
    for (name, spec) in [
        ("reference", &reference as &dyn Fn(&Path)),
        ("synthetic", &synthetic),
    ] {
        let (shared, per_cluster) = both(spec);
        assert!(
            shared.iter().any(|a| a.path.starts_with("shared/")),
            "{name}: the shared layout shares nothing"
        );
        assert!(
            shared.iter().map(|a| a.bytes.len()).sum::<usize>()
                < per_cluster.iter().map(|a| a.bytes.len()).sum::<usize>(),
            "{name}: the shared layout is not smaller"
        );
        let names = clusters(&per_cluster);
        assert_eq!(clusters(&shared), names, "{name}");
        let (shared_dir, per_cluster_dir) = (write_out(&shared), write_out(&per_cluster));
        for cluster in &names {
            let build = |root: &Path| {
                let (ok, out) = common::run(&kubectl, &["kustomize", cluster], root);
                assert!(ok, "{name} {cluster}: kubectl kustomize failed:\n{out}");
                out
            };
            let (a, b) = (build(shared_dir.path()), build(per_cluster_dir.path()));
            assert!(!b.trim().is_empty(), "{name} {cluster}: builds nothing");
            if a != b {
                failures.push(format!(
                    "{name} {cluster}: the layouts build different objects:\n{}",
                    monocle::diff::unified(cluster, Some(b.as_bytes()), Some(a.as_bytes()), false)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_shared_layout_expands_to_the_per_cluster_bytes() {
    for spec in [&reference as &dyn Fn(&Path), &synthetic] {
        let (shared, per_cluster) = both(spec);
        let expanded = monocle::emit::layout::expand(&shared);
        let paths = |a: &[Artifact]| a.iter().map(|a| a.path.clone()).collect::<Vec<_>>();
        assert_eq!(paths(&expanded), paths(&per_cluster));
        for (a, b) in expanded.iter().zip(&per_cluster) {
            assert!(a.bytes == b.bytes, "{} differs", a.path);
        }
    }
}

#[test]
fn each_distinct_file_is_stored_once() {
    let (shared, _) = both(&synthetic);
    let mut seen = std::collections::HashMap::new();
    for a in &shared {
        // Kustomizations and the bucket config are the layout's own files.
        if a.path.ends_with("/kustomization.yaml") || a.path.starts_with("monitor/") {
            continue;
        }
        if let Some(other) = seen.insert(a.bytes.clone(), a.path.clone()) {
            assert_eq!(
                monocle::emit::layout::item_key(&other),
                monocle::emit::layout::item_key(&a.path),
                "{other} and {} hold the same bytes",
                a.path
            );
        }
    }
}

#[test]
fn a_one_line_change_to_an_alert_of_every_cluster_changes_only_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec");
    std::fs::create_dir(&spec).unwrap();
    reference(&spec);
    let out = write_out(&common::compile_laid(&spec));
    let fleet = std::fs::read_to_string(spec.join("fleet.yaml")).unwrap();
    let edited = fleet.replacen(
        "expr: velero_cluster_backup_success_rate < 85",
        "expr: velero_cluster_backup_success_rate < 80",
        1,
    );
    assert_ne!(edited, fleet);
    std::fs::write(spec.join("fleet.yaml"), edited).unwrap();
    let after = common::compile_laid(&spec);
    let plan = monocle::write::plan(out.path(), &after).unwrap();
    let changed: Vec<&str> = plan.changes.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(
        changed,
        ["shared/rules/velero-manager/velero-manager.yaml"],
        "the alert's service is selected by every cluster"
    );
}

/// The reference spec with a second staging cluster: `rules/velero`
/// then has two variants of two clusters each.
fn two_staging_clusters(dir: &Path) {
    reference(dir);
    let fleet = std::fs::read_to_string(dir.join("fleet.yaml")).unwrap();
    let edited = fleet.replacen(
        "  - name: staging-eu-1\n",
        "  - name: staging-us-1\n    environment: staging\n    region: eastus\n  - name: staging-eu-1\n",
        1,
    );
    assert_ne!(edited, fleet);
    std::fs::write(dir.join("fleet.yaml"), edited).unwrap();
}

#[test]
fn variants_are_named_after_what_their_clusters_share() {
    let (_dir, spec) = spec_copy(&two_staging_clusters, "shared");
    let shared = common::compile_laid(&spec);
    let text = |path: &str| {
        let file = shared.iter().find(|a| a.path == path);
        String::from_utf8_lossy(&file.unwrap_or_else(|| panic!("no {path}")).bytes).into_owned()
    };
    // The variant of most clusters (here a tie: the first cluster's) keeps
    // the plain name; the other says what its clusters have in common.
    assert!(text("shared/rules/velero/velero.yaml").contains("VeleroDailyBackupMissing"));
    assert!(
        !text("shared/rules/velero.environment-staging/velero.yaml")
            .contains("VeleroDailyBackupMissing")
    );
    common::snapshots().bind(|| {
        insta::assert_snapshot!(
            "staging_kustomization",
            text("staging-us-1/kustomization.yaml")
        );
        insta::assert_snapshot!(
            "shared_item_kustomization",
            text("shared/rules/velero.environment-staging/kustomization.yaml")
        );
    });
}

#[test]
fn switching_layouts_in_place_leaves_no_stale_file() {
    let (shared, per_cluster) = both(&reference);
    let dir = write_out(&shared);
    let expected_files = |artifacts: &[Artifact]| {
        let mut set: BTreeSet<String> = artifacts.iter().map(|a| a.path.clone()).collect();
        set.insert(".monocle-manifest".to_owned());
        set
    };
    for artifacts in [&per_cluster, &shared] {
        let plan = monocle::write::plan(dir.path(), artifacts).unwrap();
        monocle::write::apply(dir.path(), artifacts, &plan).unwrap();
        assert_eq!(files(dir.path()), expected_files(artifacts));
        // Emptied folders go too.
        for entry in walkdir::WalkDir::new(dir.path()).min_depth(1) {
            let entry = entry.unwrap();
            if entry.file_type().is_dir() {
                assert!(
                    std::fs::read_dir(entry.path()).unwrap().next().is_some(),
                    "{} is left empty",
                    entry.path().display()
                );
            }
        }
    }
}

#[test]
fn a_cluster_named_like_the_shared_folder_is_refused_only_in_the_shared_layout() {
    let spec = "version: 1\nclusters:\n  - name: shared\n";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("spec.yaml"), spec).unwrap();
    assert!(monocle::compile(&dir.path().join("spec.yaml")).is_err());
    std::fs::write(
        dir.path().join("spec.yaml"),
        format!("{spec}output:\n  layout: per-cluster\n"),
    )
    .unwrap();
    assert!(monocle::compile(&dir.path().join("spec.yaml")).is_ok());
}

/// Clusters that select alike share the parts lowered for the first of
/// them; each cluster's model must still be exactly the one it gets when
/// lowered alone, in any order.
#[test]
fn lowering_once_per_selection_gives_each_cluster_its_own_model() {
    for write_spec in [&reference as &dyn Fn(&Path), &synthetic] {
        let dir = tempfile::tempdir().unwrap();
        write_spec(dir.path());
        let (checked, sources) = monocle::check_spec(dir.path()).unwrap();
        let shared = monocle::lower::Lowering::new(&checked.spec, &sources);
        let order = shared.order();
        let mut models = Vec::new();
        for &i in order.iter().rev() {
            let alone = monocle::lower::Lowering::new(&checked.spec, &sources).cluster(i);
            let model = shared.cluster(i);
            assert_eq!(model, alone, "cluster {}", model.name);
            models.push(model);
        }
        // Not vacuous: some clusters did share their lowered rules.
        let shares = models.iter().enumerate().any(|(n, a)| {
            models[n + 1..]
                .iter()
                .any(|b| std::sync::Arc::ptr_eq(&a.rule_files, &b.rule_files))
        });
        assert!(shares, "no two clusters shared their rules");
    }
}
