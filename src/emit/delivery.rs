//! The objects that deliver each cluster's folder: one Argo CD
//! ApplicationSet (`delivery/argocd-applicationset.yaml`) or one Flux
//! Kustomization per cluster (`delivery/flux/<cluster>.yaml`). They are
//! applied where Argo CD or Flux runs, so no cluster kustomization lists
//! them.

use serde_json::{Value, json};

use super::{Artifact, yaml};
use crate::model::delivery::{DELIVERY_DIR, DeliveryModel, DeliveryTool};
use crate::model::{MANAGED_BY, MANAGED_BY_LABEL};

pub fn emit(delivery: &DeliveryModel) -> Vec<Artifact> {
    match &delivery.tool {
        DeliveryTool::Argocd {
            name,
            namespace,
            repository,
            revision,
            project,
        } => {
            let elements: Vec<Value> = delivery
                .clusters
                .iter()
                .map(|c| json!({ "cluster": c.name, "namespace": c.namespace }))
                .collect();
            let value = json!({
                "apiVersion": "argoproj.io/v1alpha1",
                "kind": "ApplicationSet",
                "metadata": { "name": name, "namespace": namespace, "labels": labels() },
                "spec": {
                    // Go templates fail on a missing key instead of
                    // rendering an empty path.
                    "goTemplate": true,
                    "goTemplateOptions": ["missingkey=error"],
                    "generators": [{ "list": { "elements": elements } }],
                    "template": {
                        "metadata": {
                            "name": format!("{name}-{{{{.cluster}}}}"),
                            "labels": labels(),
                        },
                        "spec": {
                            "project": project,
                            "source": {
                                "repoURL": repository,
                                "targetRevision": revision,
                                "path": format!("{}/{{{{.cluster}}}}", delivery.path),
                            },
                            // A cluster registered in Argo CD under its monocle name.
                            "destination": { "name": "{{.cluster}}", "namespace": "{{.namespace}}" },
                            "syncPolicy": {
                                // monocle owns the folder: what it stops
                                // generating is removed from the cluster.
                                "automated": { "prune": true, "selfHeal": true },
                                // Dashboard ConfigMaps outgrow the annotation
                                // client-side apply keeps.
                                "syncOptions": ["ServerSideApply=true", "CreateNamespace=true"],
                            },
                        },
                    },
                },
            });
            vec![artifact(
                format!("{DELIVERY_DIR}/argocd-applicationset.yaml"),
                &value,
            )]
        }
        DeliveryTool::Flux {
            namespace,
            source,
            interval,
        } => delivery
            .clusters
            .iter()
            .map(|c| {
                let value = json!({
                    "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
                    "kind": "Kustomization",
                    "metadata": {
                        "name": format!("{MANAGED_BY}-{}", c.name),
                        "namespace": namespace,
                        "labels": labels(),
                    },
                    "spec": {
                        "interval": interval,
                        "path": format!("./{}/{}", delivery.path, c.name),
                        "prune": true,
                        "sourceRef": { "kind": "GitRepository", "name": source },
                    },
                });
                artifact(format!("{DELIVERY_DIR}/flux/{}.yaml", c.name), &value)
            })
            .collect(),
    }
}

fn labels() -> Value {
    json!({ MANAGED_BY_LABEL: MANAGED_BY })
}

fn artifact(path: String, value: &Value) -> Artifact {
    let emitted = yaml::resource(path, None, value, true);
    Artifact {
        path: emitted.path,
        bytes: emitted.bytes.to_vec(),
    }
}
