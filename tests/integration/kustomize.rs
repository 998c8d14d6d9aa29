//! `kubectl kustomize` builds every cluster folder of the reference spec's
//! output: the kustomization lists exactly the cluster's Kubernetes
//! objects, each file one object, and the objects a real cluster needs to
//! run them (Prometheus and its RBAC, Alertmanager and its Service) are
//! among them, with every reference between them (a binding's role and
//! ServiceAccount, a Prometheus's ServiceAccount) naming a built object.
//! Under `CI=true` a missing kubectl fails the test.

use crate::common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// (kind, namespace, name) of an object.
fn identity(object: &Value) -> (String, String, String) {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    (
        text(&object["kind"]),
        text(&object["metadata"]["namespace"]),
        text(&object["metadata"]["name"]),
    )
}

#[test]
fn kubectl_kustomize_builds_every_cluster_folder_with_all_its_objects() {
    let Some(kubectl) = common::tool("kubectl") else {
        return;
    };
    let artifacts = common::compile_laid("specs");
    let dir = tempfile::tempdir().unwrap();
    let plan = monocle::write::plan(dir.path(), &artifacts).unwrap();
    monocle::write::apply(dir.path(), &artifacts, &plan).unwrap();
    let clusters: Vec<&str> = artifacts
        .iter()
        .filter_map(|a| a.path.strip_suffix("/kustomization.yaml"))
        .filter(|folder| !folder.contains('/'))
        .collect();
    assert!(!clusters.is_empty(), "no kustomization.yaml was generated");
    let mut failures = Vec::new();
    for cluster in clusters {
        let folder = dir.path().join(cluster);
        // What the kustomization should produce: one object per listed
        // file, in its folder or in the shared folders it lists.
        let (files, folders) = listed(&folder);
        let expected: BTreeSet<_> = files
            .iter()
            .map(|file| identity(&common::yaml_value(&std::fs::read_to_string(file).unwrap())))
            .collect();
        let (ok, out) = common::run(&kubectl, &["kustomize", "."], &folder);
        if !ok {
            failures.push(format!("{cluster}: kubectl kustomize failed:\n{out}"));
            continue;
        }
        let built: BTreeSet<_> = out
            .split("\n---\n")
            .filter(|doc| !doc.trim().is_empty())
            .map(|doc| identity(&common::yaml_value(doc)))
            .collect();
        if built != expected {
            failures.push(format!(
                "{cluster}: kustomize built {built:?}, the listed files hold {expected:?}"
            ));
        }
        failures.extend(
            dangling_references(&out)
                .into_iter()
                .map(|r| format!("{cluster}: {r}")),
        );
        let kinds: BTreeSet<&str> = built.iter().map(|(kind, _, _)| kind.as_str()).collect();
        for needed in [
            "Prometheus",
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "Alertmanager",
            "Service",
            "PrometheusRule",
        ] {
            if !kinds.contains(needed) {
                failures.push(format!("{cluster}: kustomize lists no {needed}"));
            }
        }
        // Every Kubernetes object of the folders is listed: no file is left
        // out of a kustomization (non-object outputs are other formats).
        let listed = files.len();
        let objects = folders
            .iter()
            .flat_map(walkdir::WalkDir::new)
            .map(|entry| entry.unwrap().into_path())
            .filter(|path| {
                path.is_file()
                    && path.extension().is_some_and(|e| e == "yaml")
                    && !path.ends_with("kustomization.yaml")
                    && common::yaml_value(&std::fs::read_to_string(path).unwrap())["apiVersion"]
                        .is_string()
            })
            .count();
        if objects != listed {
            failures.push(format!(
                "{cluster}: {objects} Kubernetes objects in its folders, {listed} listed"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The files a kustomization folder lists, following the folders it lists
/// (the shared layout's), and every folder visited.
fn listed(folder: &Path) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let kustomization =
        common::yaml_value(&std::fs::read_to_string(folder.join("kustomization.yaml")).unwrap());
    let mut files = Vec::new();
    let mut folders = vec![folder.to_path_buf()];
    for entry in kustomization["resources"]
        .as_array()
        .expect("resources is a list")
    {
        let path = folder.join(entry.as_str().expect("a resource is a path"));
        if path.is_dir() {
            let (more_files, more_folders) = listed(&path);
            files.extend(more_files);
            folders.extend(more_folders);
        } else {
            files.push(path);
        }
    }
    (files, folders)
}

/// References between the built objects that name nothing built with them:
/// a binding's role and ServiceAccounts, and the ServiceAccount a
/// Prometheus runs as. Each must be a plain name of an object in the build.
fn dangling_references(build: &str) -> Vec<String> {
    let objects: Vec<Value> = build
        .split("\n---\n")
        .filter(|doc| !doc.trim().is_empty())
        .map(common::yaml_value)
        .collect();
    let ids: BTreeSet<_> = objects.iter().map(identity).collect();
    let exists = |kind: &str, namespace: &Value, name: &Value| {
        let (Some(namespace), Some(name)) = (namespace.as_str(), name.as_str()) else {
            return false;
        };
        ids.contains(&(kind.to_owned(), namespace.to_owned(), name.to_owned()))
    };
    let mut dangling = Vec::new();
    for object in &objects {
        let (kind, namespace, name) = identity(object);
        let what = format!("{kind} {namespace}/{name}");
        if kind == "ClusterRoleBinding" || kind == "RoleBinding" {
            let role = &object["roleRef"];
            let role_namespace = if role["kind"] == "ClusterRole" {
                Value::from("")
            } else {
                Value::from(namespace.as_str())
            };
            if !exists(
                role["kind"].as_str().unwrap_or_default(),
                &role_namespace,
                &role["name"],
            ) {
                dangling.push(format!("{what}: roleRef {role} is not built"));
            }
            for subject in object["subjects"].as_array().into_iter().flatten() {
                if subject["kind"] == "ServiceAccount"
                    && !exists("ServiceAccount", &subject["namespace"], &subject["name"])
                {
                    dangling.push(format!("{what}: subject {subject} is not built"));
                }
            }
        }
        if kind == "Prometheus" {
            let account = &object["spec"]["serviceAccountName"];
            if !exists("ServiceAccount", &Value::from(namespace.as_str()), account) {
                dangling.push(format!("{what}: serviceAccountName {account} is not built"));
            }
        }
    }
    dangling
}
