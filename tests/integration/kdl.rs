//! YAML and KDL describe the same model: the KDL rendering of the reference
//! spec (`tests/kdl/fleet.kdl`) must read, lower and compile exactly like
//! `specs/fleet.yaml`.

use std::fmt::Debug;
use std::path::Path;

use monocle::check::{Checked, Item};
use monocle::source::Sources;

const YAML: &str = "specs/fleet.yaml";
const KDL: &str = "tests/kdl/fleet.kdl";

fn compile(path: &str) -> monocle::Compiled {
    match monocle::compile(Path::new(path)) {
        Ok(compiled) => compiled,
        Err(err) => panic!("{path} does not compile: {}", describe(err)),
    }
}

fn check(path: &str) -> (Checked, Sources) {
    match monocle::check_spec(Path::new(path)) {
        Ok(checked) => checked,
        Err(err) => panic!("{path} does not check: {}", describe(err)),
    }
}

fn describe(err: monocle::CompileError) -> String {
    match err {
        monocle::CompileError::Io { path, source } => format!("{}: {source}", path.display()),
        monocle::CompileError::Spec { sources, diags } => {
            let lines: Vec<String> = diags
                .iter()
                .map(|d| monocle::render::short(d, &sources))
                .collect();
            format!("\n  {}", lines.join("\n  "))
        }
    }
}

#[test]
fn kdl_fleet_compiles_to_the_same_bytes_as_yaml_fleet() {
    let yaml = compile(YAML);
    let kdl = compile(KDL);
    // Both forms raise the same warnings (the fleet's services without
    // `sample_limit`), with the same messages.
    let messages = |c: &monocle::Compiled| -> Vec<(&'static str, String)> {
        c.warnings
            .iter()
            .map(|w| (w.code, w.message.clone()))
            .collect()
    };
    assert_eq!(
        messages(&yaml),
        messages(&kdl),
        "the two specs warn differently"
    );

    let yaml_paths: Vec<&str> = yaml.artifacts.iter().map(|a| a.path.as_str()).collect();
    let kdl_paths: Vec<&str> = kdl.artifacts.iter().map(|a| a.path.as_str()).collect();
    assert_eq!(
        yaml_paths, kdl_paths,
        "the two specs generate different files"
    );
    assert!(
        !yaml_paths.is_empty(),
        "the reference spec generates nothing"
    );

    // The headers name the spec file each came from, extension included:
    // the only place the two differ.
    let kdl_bytes = |bytes: &[u8]| -> Vec<u8> {
        String::from_utf8_lossy(bytes)
            .replace("fleet.kdl`", "fleet.yaml`")
            .into_bytes()
    };
    for (y, k) in yaml.artifacts.iter().zip(&kdl.artifacts) {
        assert!(
            y.bytes == kdl_bytes(&k.bytes),
            "`{}` differs.\n--- from {YAML} ---\n{}\n--- from {KDL} ---\n{}",
            y.path,
            String::from_utf8_lossy(&y.bytes),
            String::from_utf8_lossy(&k.bytes)
        );
    }
}

#[test]
fn kdl_fleet_lowers_to_the_same_model_as_yaml_fleet() {
    let (yaml, yaml_sources) = check(YAML);
    let (kdl, kdl_sources) = check(KDL);
    let yaml_model = monocle::lower::lower(&yaml.spec, &yaml_sources, None);
    let kdl_model = monocle::lower::lower(&kdl.spec, &kdl_sources, None);
    // Equal but for the spec file each object came from (see above).
    let (yaml_model, kdl_model) = (
        format!("{yaml_model:#?}"),
        format!("{kdl_model:#?}").replace("fleet.kdl", "fleet.yaml"),
    );
    assert!(yaml_model == kdl_model, "the lowered models differ");
    assert!(
        yaml_model.contains("fleet.yaml"),
        "the model names no origin"
    );
}

/// The model does not hold every section yet, so also compare the typed,
/// merged spec section by section (spans aside, which differ by design).
#[test]
fn kdl_fleet_reads_as_the_same_spec_as_yaml_fleet() {
    let (yaml, _) = check(YAML);
    let (kdl, _) = check(KDL);
    let (y, k) = (&yaml.spec, &kdl.spec);

    same_list("clusters", &y.clusters, &k.clusters);
    same_list("services", &y.services, &k.services);
    same_list("alerts", &y.alerts, &k.alerts);
    same_list("slos", &y.slos, &k.slos);
    same_list("routing.receivers", &y.receivers, &k.receivers);
    same_list("routing.inhibit", &y.inhibit, &k.inhibit);
    same_list("routing.tests", &y.routing_tests, &k.routing_tests);
    same_list("dashboards", &y.dashboards, &k.dashboards);

    same_section("prometheus", &y.prometheus, &k.prometheus);
    same_section("alertmanager", &y.alertmanager, &k.alertmanager);
    same_section("alloy", &y.alloy, &k.alloy);
    same_section("routing.route", &y.route, &k.route);
    same_section("monitor", &y.monitor, &k.monitor);
}

fn same_list<T: PartialEq + Debug>(what: &str, yaml: &[Item<T>], kdl: &[Item<T>]) {
    let yaml: Vec<&T> = yaml.iter().map(|i| &i.value).collect();
    let kdl: Vec<&T> = kdl.iter().map(|i| &i.value).collect();
    assert!(
        !yaml.is_empty(),
        "{YAML} has no `{what}`: the comparison would prove nothing"
    );
    assert_eq!(yaml, kdl, "`{what}` differs between {YAML} and {KDL}");
}

fn same_section<T: PartialEq + Debug>(what: &str, yaml: &Option<Item<T>>, kdl: &Option<Item<T>>) {
    let yaml = yaml.as_ref().map(|i| &i.value);
    let kdl = kdl.as_ref().map(|i| &i.value);
    assert!(
        yaml.is_some(),
        "{YAML} has no `{what}`: the comparison would prove nothing"
    );
    assert_eq!(yaml, kdl, "`{what}` differs between {YAML} and {KDL}");
}
