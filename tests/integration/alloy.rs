//! The Alloy syntax (parser and `alloy fmt`-style printer) against upstream
//! fixtures, and the generated Alloy configs: they parse, are stable under
//! reformatting, carry the spec's strings exactly, and the ConfigMap is a
//! valid Kubernetes ConfigMap.

use crate::common::{self, Rng};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use monocle::alloy::{self, ast::File, scan, token::Token};

const FIXTURES: &str = "tests/fixtures/alloy";

fn files(dir: &str, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(FIXTURES).join(dir)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == ext) {
                out.push(path);
            }
        }
    }
    out.sort();
    assert!(!out.is_empty(), "no *.{ext} fixtures under {dir}");
    out
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn parse_ok(path: &Path, text: &str) -> File {
    alloy::parse(text).unwrap_or_else(|errors| {
        panic!(
            "{} does not parse:\n{}",
            path.display(),
            errors
                .iter()
                .map(std::string::ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    })
}

fn format_ok(path: &Path, text: &str) -> String {
    alloy::format(text).unwrap_or_else(|errors| {
        panic!(
            "{} does not parse:\n{}",
            path.display(),
            errors
                .iter()
                .map(std::string::ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    })
}

// ---- the syntax against upstream fixtures ---------------------------------

#[test]
fn valid_fixtures_parse() {
    let mut paths = files("syntax/valid", "alloy");
    paths.extend(files("real-world", "alloy"));
    assert!(paths.len() >= 23, "found {} valid fixtures", paths.len());
    for path in paths {
        parse_ok(&path, &read(&path));
    }
}

/// `/* ERROR "rx" */` marks an error matching `rx` at the token before the
/// comment; `/* ERROR HERE "rx" */` right after that token (how upstream's
/// parser tests mark them).
fn expected_errors(src: &str) -> BTreeMap<usize, String> {
    let marker = regex::Regex::new(r#"^/\* *ERROR *(HERE)? *"([^"]*)" *\*/$"#).unwrap();
    let (tokens, _) = scan::tokens(src);
    let mut expected = BTreeMap::new();
    let (mut prev, mut here) = (0, 0);
    for t in tokens {
        match t.tok {
            Token::Eof => break,
            Token::Comment => {
                if let Some(caps) = marker.captures(&t.lit) {
                    let at = if caps.get(1).is_some() { here } else { prev };
                    expected.insert(at, caps[2].to_owned());
                }
            }
            Token::Terminator if t.lit == "\n" => {}
            tok => {
                prev = t.offset;
                let len = if t.lit.is_empty() {
                    tok.as_str().len()
                } else {
                    t.lit.len()
                };
                here = prev + len;
            }
        }
    }
    expected
}

/// Go's regexp reads a `{` that starts no repetition as itself; Rust's
/// wants it escaped.
fn go_regex(rx: &str) -> String {
    let mut out = String::new();
    let mut chars = rx.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                out.push(c);
                out.extend(chars.next());
            }
            '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[test]
fn invalid_fixtures_fail_with_the_marked_errors() {
    let paths = files("syntax/invalid", "alloy");
    assert_eq!(paths.len(), 6);
    let mut failures = Vec::new();
    let mut marked = 0;
    for path in paths {
        let src = read(&path);
        let mut expected = expected_errors(&src);
        assert!(!expected.is_empty(), "{} marks no errors", path.display());
        marked += expected.len();
        let (_, found) = alloy::parse::parse_with_errors(&src);
        for err in &found {
            match expected.remove(&err.offset) {
                Some(rx) => {
                    let rx = regex::Regex::new(&go_regex(&rx)).unwrap();
                    if !rx.is_match(&err.message) {
                        failures.push(format!(
                            "{}:{err}: message does not match `{rx}`",
                            path.display()
                        ));
                    }
                }
                None => failures.push(format!("{}:{err}: unexpected error", path.display())),
            }
        }
        for (offset, rx) in expected {
            failures.push(format!(
                "{}: offset {offset}: expected an error matching `{rx}`",
                path.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(marked, 13, "the fixtures mark 13 errors");
}

#[test]
fn printer_fixtures_format_to_their_expected_output() {
    let mut failures = Vec::new();
    for input in files("printer", "in") {
        let expect_path = input.with_extension("expect");
        let expect = read(&expect_path);
        let formatted = format_ok(&input, &read(&input));
        // `alloy fmt` ends files with a newline; one upstream `.expect`
        // file (raw_string) is stored without it, as upstream's test trims
        // it: compare the printer's output, which has no final newline,
        // with that file byte for byte instead.
        let ok = if expect.ends_with('\n') {
            formatted == expect
        } else {
            formatted == format!("{expect}\n")
                && alloy::print::print(&parse_ok(&input, &read(&input))) == expect
        };
        if !ok {
            failures.push(format!(
                "{}: got\n{formatted}\n--- expected\n{expect}",
                input.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n=====\n"));
}

#[test]
fn canonical_fixtures_are_fixed_points_of_the_formatter() {
    let mut paths = files("printer", "expect");
    paths.extend(files("real-world/prometheusconvert", "alloy"));
    paths.extend(files("real-world/promtailconvert", "alloy"));
    let mut failures = Vec::new();
    for path in paths {
        let text = read(&path);
        let text = if text.ends_with('\n') {
            text
        } else {
            format!("{text}\n")
        };
        let formatted = format_ok(&path, &text);
        if formatted != text {
            failures.push(format!(
                "{}: got\n{formatted}\n--- expected\n{text}",
                path.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n=====\n"));
}

#[test]
fn hand_written_fixtures_round_trip_through_the_printer() {
    let mut paths = files("real-world", "alloy");
    paths.extend(files("syntax/valid", "alloy"));
    paths.extend(files("printer", "in"));
    for path in paths {
        let text = read(&path);
        let file = parse_ok(&path, &text);
        let formatted = format_ok(&path, &text);
        let reparsed = parse_ok(&path, &formatted);
        assert_eq!(
            file.without_positions(),
            reparsed.without_positions(),
            "{}: formatting changed the tree",
            path.display()
        );
        assert_eq!(
            format_ok(&path, &formatted),
            formatted,
            "{}: formatting is not idempotent",
            path.display()
        );
    }
}

// ---- the generated configs ------------------------------------------------

/// `(path, text)` of every generated `config.alloy` and `configmap.yaml`.
fn generated(suffix: &str) -> Vec<(String, String)> {
    let out: Vec<(String, String)> = common::compile_ok("specs")
        .into_iter()
        .filter(|a| a.path.ends_with(suffix))
        .map(|a| (a.path, String::from_utf8(a.bytes).unwrap()))
        .collect();
    assert_eq!(out.len(), 3, "one {suffix} per cluster of the fleet");
    out
}

#[test]
fn generated_configs_parse_and_are_stable_under_reformatting() {
    for (path, text) in generated("/alloy/config.alloy") {
        assert!(
            text.starts_with("// Generated by monocle. DO NOT EDIT.\n"),
            "{path} has no header"
        );
        let formatted = format_ok(Path::new(&path), &text);
        assert_eq!(formatted, text, "{path} changes under `alloy fmt`");
    }
}

#[test]
fn configmaps_validate_and_hold_the_config() {
    let schema = common::validator("tests/upstream/k8s/configmap_v1.json");
    let configs: BTreeMap<String, String> = generated("/alloy/config.alloy").into_iter().collect();
    for (path, text) in generated("/alloy/configmap.yaml") {
        let value = common::yaml_value(&text);
        let errors = common::schema_errors(&schema, &value);
        assert!(
            errors.is_empty(),
            "{path} is not a valid ConfigMap:\n{errors}"
        );
        let config = &configs[&path.replace("configmap.yaml", "config.alloy")];
        assert_eq!(
            value["data"]["config.alloy"].as_str(),
            Some(config.as_str()),
            "{path}"
        );
        assert_eq!(value["metadata"]["namespace"], "monitoring");
    }
}

#[test]
fn configmap_schema_catches_a_misspelled_field() {
    // Guards the test above: it must be able to fail.
    let schema = common::validator("tests/upstream/k8s/configmap_v1.json");
    let value =
        common::yaml_value("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndat: {a: b}\n");
    assert!(!common::schema_errors(&schema, &value).is_empty());
}

/// Every `<component>.<label>.<export>` reference names a component the
/// file defines.
fn dangling_references(file: &File) -> Vec<String> {
    let defined: Vec<Vec<String>> = file
        .body
        .iter()
        .filter_map(|s| match s {
            alloy::ast::Stmt::Block(b) => b.label.as_ref().map(|l| {
                let mut parts = b.name.clone();
                parts.push(l.clone());
                parts
            }),
            alloy::ast::Stmt::Attribute(_) => None,
        })
        .collect();
    let mut refs = Vec::new();
    fn walk_body(body: &[alloy::ast::Stmt], refs: &mut Vec<Vec<String>>) {
        for s in body {
            match s {
                alloy::ast::Stmt::Attribute(a) => walk_expr(&a.value, refs),
                alloy::ast::Stmt::Block(b) => walk_body(&b.body, refs),
            }
        }
    }
    fn walk_expr(e: &alloy::ast::Expr, refs: &mut Vec<Vec<String>>) {
        if let Some(parts) = e.as_reference() {
            refs.push(parts.iter().map(std::string::ToString::to_string).collect());
        } else if let Some(items) = e.as_array() {
            for i in items {
                walk_expr(i, refs);
            }
        } else if let Some(fields) = e.as_object() {
            for (_, v) in fields {
                walk_expr(v, refs);
            }
        }
    }
    walk_body(&file.body, &mut refs);
    refs.into_iter()
        .filter(|r| {
            !defined
                .iter()
                .any(|d| r.len() == d.len() + 1 && r.starts_with(d))
        })
        .map(|r| r.join("."))
        .collect()
}

#[test]
fn fleet_config_wires_logs_and_metrics() {
    let configs: BTreeMap<String, String> = generated("/alloy/config.alloy").into_iter().collect();
    let text = &configs["prod-eu-1/alloy/config.alloy"];
    let file = alloy::parse(text).unwrap();
    assert_eq!(dangling_references(&file), Vec::<String>::new());

    let discovery = file.block("discovery.kubernetes", Some("pods")).unwrap();
    assert_eq!(discovery.get("role").unwrap().as_str().unwrap(), "pod");
    let names = discovery
        .blocks("namespaces")
        .next()
        .unwrap()
        .get("names")
        .unwrap();
    let names: Vec<String> = names
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    assert_eq!(names, ["velero", "velero-manager"]);

    // One chain per pipeline; pipeline names become identifiers.
    for label in ["velero", "velero_manager"] {
        let relabel = file.block("discovery.relabel", Some(label)).unwrap();
        let targets: Vec<String> = relabel
            .blocks("rule")
            .filter_map(|r| {
                r.get("target_label")
                    .and_then(monocle::alloy::ast::Expr::as_str)
            })
            .collect();
        assert_eq!(targets, ["namespace", "pod", "container", "app", "cluster"]);
        let cluster_rule = relabel.blocks("rule").last().unwrap();
        assert_eq!(
            cluster_rule.get("replacement").unwrap().as_str().unwrap(),
            "prod-eu-1"
        );
        let source = file.block("loki.source.kubernetes", Some(label)).unwrap();
        assert_eq!(
            source.get("targets").unwrap().as_reference().unwrap(),
            ["discovery", "relabel", label, "output"]
        );
        assert!(file.block("loki.process", Some(label)).is_some());
    }

    // velero: logfmt, labels, drop debug.
    let velero = file.block("loki.process", Some("velero")).unwrap();
    let logfmt = velero.blocks("stage.logfmt").next().unwrap();
    let keys: Vec<&str> = logfmt
        .get("mapping")
        .unwrap()
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, _)| *k)
        .collect();
    assert_eq!(keys, ["level", "controller"]);
    let drop = velero.blocks("stage.drop").next().unwrap();
    assert_eq!(drop.get("source").unwrap().as_str().unwrap(), "level");
    assert_eq!(drop.get("value").unwrap().as_str().unwrap(), "debug");

    // velero-manager: gin access logs through a regex with the named groups.
    let manager = file.block("loki.process", Some("velero_manager")).unwrap();
    let expression = manager
        .blocks("stage.regex")
        .next()
        .unwrap()
        .get("expression")
        .unwrap();
    let re = regex::Regex::new(&expression.as_str().unwrap()).unwrap();
    let caps = re
        .captures(r#"[GIN] 2024/01/02 - 15:04:05 | 200 |   1.234ms |  10.0.0.1 | GET "/path""#)
        .unwrap();
    for (group, value) in [
        ("status", "200"),
        ("latency", "1.234ms"),
        ("client_ip", "10.0.0.1"),
        ("method", "GET"),
        ("path", "/path"),
    ] {
        assert_eq!(&caps[group], value);
    }

    // Metrics: the generated monitors, remote-written with the cluster label.
    for component in [
        "prometheus.operator.servicemonitors",
        "prometheus.operator.podmonitors",
    ] {
        let block = file.block(component, Some("monocle")).unwrap();
        let namespaces: Vec<String> = block
            .get("namespaces")
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e.as_str().unwrap())
            .collect();
        assert_eq!(namespaces, ["monitoring"]);
        let selector = block
            .blocks("selector")
            .next()
            .unwrap()
            .get("match_labels")
            .unwrap();
        let labels = selector.as_object().unwrap();
        assert_eq!(labels.len(), 1);
        assert_eq!(labels[0].0, "app.kubernetes.io/managed-by");
        assert_eq!(labels[0].1.as_str().unwrap(), "monocle");
    }
    let remote = file
        .block("prometheus.remote_write", Some("default"))
        .unwrap();
    let external = remote.get("external_labels").unwrap().as_object().unwrap();
    assert_eq!(external[0].0, "cluster");
    assert_eq!(external[0].1.as_str().unwrap(), "prod-eu-1");
    let url = remote
        .blocks("endpoint")
        .next()
        .unwrap()
        .get("url")
        .unwrap();
    assert_eq!(
        url.as_str().unwrap(),
        "http://prometheus-operated.monitoring.svc:9090/api/v1/write"
    );
}

// ---- property: any string survives --------------------------------------

/// A string leaning on what breaks naive emitters: quotes, backslashes,
/// newlines, braces, comment and raw-string delimiters, `$`, invisible
/// and non-ASCII characters.
fn nasty_string(rng: &mut Rng) -> String {
    const NASTY: &[char] = &[
        '"',
        '\\',
        '\n',
        '\r',
        '\t',
        '}',
        '{',
        '`',
        '$',
        '/',
        '*',
        '#',
        ' ',
        '\'',
        '=',
        ',',
        '[',
        ']',
        '(',
        ')',
        '.',
        '-',
        '_',
        '|',
        '^',
        '\u{0}',
        '\u{7}',
        '\u{1b}',
        '\u{7f}',
        '\u{85}',
        '\u{a0}',
        '\u{ad}',
        '\u{200b}',
        '\u{2028}',
        '\u{feff}',
        '\u{e000}',
        '\u{fffe}',
        'é',
        'ß',
        '日',
        '😀',
        '\u{10ffff}',
    ];
    // Some strings look like regexes: printable, with backslashes,
    // which the emitter writes as raw strings.
    const REGEXY: &[char] = &[
        '\\', 'd', 'w', 's', '+', '*', '.', '(', ')', '?', 'P', '<', '>', '[', ']', '^', '$', '|',
        '{', '}', '"', '/', ' ', 'é', '😀',
    ];
    let alphabet = if rng.below(3) == 0 { REGEXY } else { NASTY };
    let len = rng.below(16);
    (0..len)
        .map(|_| {
            if rng.below(3) == 0 {
                (b'a' + rng.below(26) as u8) as char
            } else {
                alphabet[rng.below(alphabet.len())]
            }
        })
        .collect()
}

fn nasty_strings(rng: &mut Rng, max: usize) -> Vec<String> {
    let n = 1 + rng.below(max);
    (0..n).map(|_| nasty_string(rng)).collect()
}

fn random_alloy(rng: &mut Rng) -> monocle::model::alloy::AlloyModel {
    use monocle::model::alloy::*;
    let pipelines = (0..=rng.below(3))
        .map(|i| LogPipelineModel {
            name: nasty_string(rng),
            namespaces: nasty_strings(rng, 3),
            format: match (i + rng.below(4)) % 4 {
                0 => LogFormatModel::Json,
                1 => LogFormatModel::Logfmt,
                2 => LogFormatModel::Gin,
                _ => LogFormatModel::Regex(nasty_string(rng)),
            },
            labels: nasty_strings(rng, 3),
            drop_levels: nasty_strings(rng, 2),
        })
        .collect();
    AlloyModel {
        cluster: nasty_string(rng),
        namespace: "monitoring".to_owned(),
        origin: "specs/fleet".to_owned(),
        logs: Some(LogsModel {
            loki_url: nasty_string(rng),
            pipelines,
        }),
        metrics: Some(MetricsModel {
            url: nasty_string(rng),
            monitor_namespace: nasty_string(rng),
            monitor_labels: BTreeMap::from([(nasty_string(rng), nasty_string(rng))]),
        }),
    }
}

fn strs(e: &alloy::ast::Expr) -> Vec<String> {
    e.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect()
}

/// Checks that `text` holds exactly the strings of `model`.
fn check_carries(model: &monocle::model::alloy::AlloyModel, text: &str) {
    use monocle::model::alloy::LogFormatModel;
    let file = alloy::parse(text).unwrap_or_else(|e| panic!("does not parse: {e:?}\n{text}"));
    assert_eq!(
        alloy::format(text).unwrap(),
        text,
        "unstable under reformatting"
    );
    assert_eq!(dangling_references(&file), Vec::<String>::new());
    let logs = model.logs.as_ref().unwrap();

    let write = file.block("loki.write", Some("default")).unwrap();
    let url = write.blocks("endpoint").next().unwrap().get("url").unwrap();
    assert_eq!(url.as_str().unwrap(), logs.loki_url);

    let mut all_namespaces: Vec<String> = logs
        .pipelines
        .iter()
        .flat_map(|p| p.namespaces.clone())
        .collect();
    all_namespaces.sort();
    all_namespaces.dedup();
    let discovery = file.block("discovery.kubernetes", Some("pods")).unwrap();
    assert_eq!(
        strs(
            discovery
                .blocks("namespaces")
                .next()
                .unwrap()
                .get("names")
                .unwrap()
        ),
        all_namespaces
    );

    let processes: Vec<_> = file.blocks("loki.process").collect();
    assert_eq!(
        processes.len(),
        logs.pipelines.len(),
        "one loki.process per pipeline"
    );
    for (pipeline, process) in logs.pipelines.iter().zip(&processes) {
        let label = process.label.clone().unwrap();
        assert!(alloy::escape::is_identifier(&label));
        let relabel = file.block("discovery.relabel", Some(&label)).unwrap();
        let mut rules = relabel.blocks("rule");
        let keep = rules.next().unwrap();
        assert_eq!(keep.get("action").unwrap().as_str().unwrap(), "keep");
        let pattern = keep.get("regex").unwrap().as_str().unwrap();
        let re = regex::Regex::new(&format!("^(?:{pattern})$")).unwrap();
        for ns in &pipeline.namespaces {
            assert!(re.is_match(ns), "{pattern:?} does not keep {ns:?}");
            assert!(
                !re.is_match(&format!("{ns}x")),
                "{pattern:?} keeps more than {ns:?}"
            );
        }
        let cluster = rules.last().unwrap();
        assert_eq!(
            cluster.get("replacement").unwrap().as_str().unwrap(),
            model.cluster.replace('$', "$$")
        );

        let mut stages = process.body.iter().filter_map(|s| match s {
            alloy::ast::Stmt::Block(b) => Some(b),
            alloy::ast::Stmt::Attribute(_) => None,
        });
        let parse = stages.next().unwrap();
        match &pipeline.format {
            LogFormatModel::Regex(regex) => {
                assert_eq!(parse.get("expression").unwrap().as_str().unwrap(), *regex);
            }
            LogFormatModel::Gin => assert_eq!(
                parse.get("expression").unwrap().as_str().unwrap(),
                monocle::model::alloy::GIN_ACCESS_LOG
            ),
            LogFormatModel::Json | LogFormatModel::Logfmt => {
                let key = if pipeline.format == LogFormatModel::Json {
                    "expressions"
                } else {
                    "mapping"
                };
                let fields = parse.get(key).unwrap().as_object().unwrap();
                for label in &pipeline.labels {
                    assert!(
                        fields.iter().any(|(k, _)| k == label),
                        "{label:?} not extracted"
                    );
                }
            }
        }
        let labels = stages.next().unwrap();
        let keys: Vec<&str> = labels
            .get("values")
            .unwrap()
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, _)| *k)
            .collect();
        assert_eq!(keys, pipeline.labels);
        let drops: Vec<String> = stages
            .map(|d| d.get("value").unwrap().as_str().unwrap())
            .collect();
        assert_eq!(drops, pipeline.drop_levels);
    }

    let metrics = model.metrics.as_ref().unwrap();
    let monitors = file
        .block("prometheus.operator.servicemonitors", Some("monocle"))
        .unwrap();
    assert_eq!(
        strs(monitors.get("namespaces").unwrap()),
        std::slice::from_ref(&metrics.monitor_namespace)
    );
    let selector = monitors
        .blocks("selector")
        .next()
        .unwrap()
        .get("match_labels")
        .unwrap();
    let (key, value) = metrics.monitor_labels.iter().next().unwrap();
    let fields = selector.as_object().unwrap();
    assert_eq!(fields[0].0, key);
    assert_eq!(fields[0].1.as_str().unwrap(), *value);
    let remote = file
        .block("prometheus.remote_write", Some("default"))
        .unwrap();
    let external = remote.get("external_labels").unwrap().as_object().unwrap();
    assert_eq!(external[0].1.as_str().unwrap(), model.cluster);
    let url = remote
        .blocks("endpoint")
        .next()
        .unwrap()
        .get("url")
        .unwrap();
    assert_eq!(url.as_str().unwrap(), metrics.url);
}

#[test]
fn configs_carry_any_string_exactly_and_still_parse() {
    let (checked, sources) =
        monocle::check_spec(Path::new("specs")).unwrap_or_else(|_| panic!("specs compile"));
    let mut model = monocle::lower::lower(&checked.spec, &sources, None);
    // Only the first cluster, and only its Alloy config, is of interest.
    model.clusters.truncate(1);
    model.fleet.buckets = None;
    let cluster = &mut model.clusters[0];
    cluster.monitors = std::sync::Arc::default();
    cluster.rule_files = std::sync::Arc::default();
    cluster.slos = std::sync::Arc::default();
    cluster.dashboards = std::sync::Arc::default();
    let name = cluster.name.clone();
    let mut rng = Rng::new(0x6d6f_6e6f_636c_6521);
    let mut raw_strings = 0;
    for case in 0..400 {
        let alloy = random_alloy(&mut rng);
        model.clusters[0].alloy = Some(alloy.clone());
        let artifacts = monocle::emit::emit(&model);
        let text = |suffix: &str| {
            let path = format!("{name}/alloy/{suffix}");
            let a = artifacts
                .iter()
                .find(|a| a.path == path)
                .unwrap_or_else(|| panic!("no {path}"));
            String::from_utf8(a.bytes.clone()).unwrap()
        };
        let config = text("config.alloy");
        raw_strings += usize::from(config.contains(" = `"));
        let result = std::panic::catch_unwind(|| check_carries(&alloy, &config));
        assert!(result.is_ok(), "case {case}: {alloy:#?}\n{config}");
        let configmap = common::yaml_value(&text("configmap.yaml"));
        assert_eq!(
            configmap["data"]["config.alloy"].as_str(),
            Some(config.as_str()),
            "case {case}"
        );
    }
    assert!(
        raw_strings > 20,
        "only {raw_strings} configs used raw strings"
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    for src in [
        format!("a = {}1{}\n", "[".repeat(100_000), "]".repeat(100_000)),
        format!("a = {}1\n", "-".repeat(100_000)),
        format!("{}{}\n", "b {\n".repeat(100_000), "}\n".repeat(100_000)),
    ] {
        let errors = alloy::parse(&src).unwrap_err();
        assert!(errors[0].message.contains("nested more than"), "{errors:?}");
    }
}
