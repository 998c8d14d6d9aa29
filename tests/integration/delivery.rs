//! `output.delivery`: the Argo CD ApplicationSet and the Flux
//! Kustomizations that deliver each cluster's folder, validated against the
//! published CRDs (`tests/upstream/gitops/`), one per cluster, each
//! pointing at a folder that is a kustomization root.

use serde_json::{Value, json};

use crate::common::{self, yaml_value};
use monocle::write::Artifact;

const REFERENCE: &str = "specs/fleet.yaml";

/// The reference spec with `output` set as given, compiled as laid out.
fn compile_with_output(output: &str) -> Vec<Artifact> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("fleet.yaml");
    let spec = std::fs::read_to_string(REFERENCE).expect("reference spec");
    assert!(
        !spec.contains("\noutput:"),
        "the reference spec sets no output"
    );
    std::fs::write(&path, format!("{spec}\noutput:\n{output}")).expect("write spec");
    common::compile_laid(&path)
}

fn delivery_files(artifacts: &[Artifact]) -> Vec<(&str, Value)> {
    artifacts
        .iter()
        .filter(|a| a.path.starts_with("delivery/"))
        .map(|a| {
            let text = std::str::from_utf8(&a.bytes).expect("UTF-8");
            (a.path.as_str(), yaml_value(text))
        })
        .collect()
}

/// The clusters of the reference spec, from the folders monocle wrote.
fn clusters(artifacts: &[Artifact]) -> Vec<String> {
    artifacts
        .iter()
        .filter_map(|a| a.path.strip_suffix("/kustomization.yaml"))
        .filter(|folder| !folder.contains('/'))
        .map(str::to_owned)
        .collect()
}

/// A validator for `version` of a CRD, strict as `kubectl apply
/// --validate=strict`: objects that list their properties accept no other.
fn crd_validator(file: &str, version: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(format!("tests/upstream/gitops/{file}")).expect("CRD");
    let crd = yaml_value(&text);
    let versions = crd["spec"]["versions"].as_array().expect("versions");
    let mut schema = versions
        .iter()
        .find(|v| v["name"] == version)
        .unwrap_or_else(|| panic!("{file} serves {version}"))["schema"]["openAPIV3Schema"]
        .clone();
    strict(&mut schema);
    jsonschema::validator_for(&schema).expect("CRD schema compiles")
}

fn strict(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            let closed = map.contains_key("properties")
                && !map.contains_key("additionalProperties")
                && map.get("x-kubernetes-preserve-unknown-fields") != Some(&json!(true));
            if closed {
                map.insert("additionalProperties".to_owned(), json!(false));
            }
            map.values_mut().for_each(strict);
        }
        Value::Array(items) => items.iter_mut().for_each(strict),
        _ => {}
    }
}

#[test]
fn argocd_application_set_has_one_element_per_cluster_and_matches_its_crd() {
    let artifacts = compile_with_output(
        "  delivery: argocd\n  repository:\n    url: https://git.example.com/platform/monitoring.git\n    revision: main\n",
    );
    let files = delivery_files(&artifacts);
    let [(path, set)] = files.as_slice() else {
        panic!(
            "one ApplicationSet, got {:?}",
            files.iter().map(|f| f.0).collect::<Vec<_>>()
        );
    };
    assert_eq!(*path, "delivery/argocd-applicationset.yaml");
    let validator = crd_validator("argocd-applicationset-crd.yaml", "v1alpha1");
    let errors = common::schema_errors(&validator, set);
    assert!(errors.is_empty(), "{errors}");
    let mut misspelled = set.clone();
    misspelled["spec"]["template"]["spec"]["sync_policy"] = json!({});
    assert!(
        !common::schema_errors(&validator, &misspelled).is_empty(),
        "the strict CRD schema refuses an unknown field"
    );

    let elements: Vec<&str> = set["spec"]["generators"][0]["list"]["elements"]
        .as_array()
        .expect("list generator")
        .iter()
        .map(|e| e["cluster"].as_str().expect("cluster"))
        .collect();
    assert_eq!(elements, clusters(&artifacts));
    let template = &set["spec"]["template"]["spec"];
    assert_eq!(template["source"]["path"], "generated/{{.cluster}}");
    assert_eq!(
        template["source"]["repoURL"],
        "https://git.example.com/platform/monitoring.git"
    );
    assert_eq!(template["source"]["targetRevision"], "main");
    common::snapshots().bind(|| {
        insta::assert_snapshot!(
            "argocd_application_set",
            String::from_utf8_lossy(
                &artifacts
                    .iter()
                    .find(|a| a.path == *path)
                    .expect("file")
                    .bytes
            )
        );
    });
}

#[test]
fn flux_kustomization_per_cluster_points_at_its_folder_and_matches_its_crd() {
    let artifacts =
        compile_with_output("  delivery: flux\n  repository:\n    path: deploy/monitoring\n");
    let files = delivery_files(&artifacts);
    let validator = crd_validator("flux-kustomization-crd.yaml", "v1");
    let mut delivered = Vec::new();
    for (path, object) in &files {
        let errors = common::schema_errors(&validator, object);
        assert!(errors.is_empty(), "{path}: {errors}");
        let cluster = path
            .strip_prefix("delivery/flux/")
            .and_then(|p| p.strip_suffix(".yaml"))
            .unwrap_or_else(|| panic!("unexpected file {path}"));
        assert_eq!(
            object["spec"]["path"],
            format!("./deploy/monitoring/{cluster}")
        );
        assert_eq!(object["spec"]["sourceRef"]["name"], "flux-system");
        delivered.push(cluster.to_owned());
    }
    assert_eq!(delivered, clusters(&artifacts));
    let first = &artifacts
        .iter()
        .find(|a| a.path.starts_with("delivery/flux/"))
        .expect("a Kustomization");
    common::snapshots().bind(|| {
        insta::assert_snapshot!("flux_kustomization", String::from_utf8_lossy(&first.bytes));
    });
}

#[test]
fn without_delivery_nothing_is_written_beside_the_clusters() {
    let artifacts = common::compile_laid(REFERENCE);
    assert!(delivery_files(&artifacts).is_empty());
}
