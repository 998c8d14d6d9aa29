//! The monitor daemon's bucket config (`generated/monitor/buckets.yaml`):
//! the capacity figures of the original design, the documented cluster
//! hash, and sticky ownership — balanced within one bucket, nothing moves
//! without a change, and a change moves exactly the buckets it must
//! (property tests over random add/remove/rename sequences).

use crate::common::{self, Rng};

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use monocle::capacity::Settings;
use monocle::model::buckets::{BUCKETS_FILE, Previous, assign, bucket_of};
use serde_json::Value;

// ---------------------------------------------------------------------------
// Helpers.

/// A spec with the given clusters and monitors; `settings` replaces the
/// default check and memory settings (YAML lines under `monitor:`).
fn spec(clusters: &[&str], monitors: &[&str], settings: &str) -> String {
    let mut text = String::from("version: 1\nclusters:\n");
    for c in clusters {
        text.push_str(&format!("  - name: {c}\n"));
    }
    text.push_str("monitor:\n");
    text.push_str(&format!("  monitors: [{}]\n", monitors.join(", ")));
    let settings = if settings.is_empty() {
        "check_interval: 5m\ncheck_timeout: 30s\nexpected_clusters: 50000\nmemory: {per_cluster: 2KB, per_worker: 2KB, budget: 256MB}"
    } else {
        settings
    };
    for line in settings.lines() {
        text.push_str(&format!("  {line}\n"));
    }
    text
}

/// Compiles a spec text with a previous bucket config; the result or the
/// diagnostics (short form).
fn compile(text: &str, previous: Option<&[u8]>) -> Result<monocle::Compiled, String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spec.yaml");
    std::fs::write(&path, text).unwrap();
    let inputs = monocle::Inputs {
        previous_buckets: previous.map(<[u8]>::to_vec),
    };
    monocle::compile_with(&path, &inputs).map_err(|err| match err {
        monocle::CompileError::Spec { sources, diags } => {
            monocle::render::render(&diags, &sources, monocle::render::Format::Short, false)
        }
        monocle::CompileError::Io { source, .. } => source.to_string(),
    })
}

/// The bucket config a valid spec compiles to.
fn bucket_config(text: &str, previous: Option<&[u8]>) -> Vec<u8> {
    let compiled = compile(text, previous).unwrap_or_else(|e| panic!("does not compile:\n{e}"));
    compiled
        .artifacts
        .into_iter()
        .find(|a| a.path == BUCKETS_FILE)
        .expect("a bucket config")
        .bytes
}

fn parse(bytes: &[u8]) -> Value {
    common::yaml_value(std::str::from_utf8(bytes).unwrap())
}

/// Monitor name → its buckets, from a bucket config.
fn ownership(config: &Value) -> BTreeMap<String, Vec<u64>> {
    config["monitors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let buckets = m["buckets"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| b.as_u64().unwrap())
                .collect();
            (m["name"].as_str().unwrap().to_owned(), buckets)
        })
        .collect()
}

fn within(actual: f64, expected: f64, tolerance: f64) -> bool {
    (actual - expected).abs() <= expected * tolerance
}

/// Checks one ownership against the rules and returns how many buckets
/// changed owner since `previous`.
fn check_step(
    buckets: u32,
    monitors: &[String],
    previous: &[Option<String>],
) -> Vec<Option<String>> {
    let names: Vec<&str> = monitors.iter().map(String::as_str).collect();
    let prior: Vec<Option<&str>> = previous.iter().map(Option::as_deref).collect();
    let owners = assign(buckets, &names, &prior);

    // Every bucket has exactly one owner, among the monitors.
    assert_eq!(owners.len(), buckets as usize);
    let mut loads = vec![0usize; names.len()];
    for &o in &owners {
        loads[o] += 1;
    }
    // Balanced within one bucket.
    let (min, max) = (loads.iter().min().unwrap(), loads.iter().max().unwrap());
    assert!(max - min <= 1, "unbalanced loads {loads:?}");

    // Moves equal the minimum any balanced assignment needs: a monitor keeps
    // at most min(held, quota) of its buckets, and the `B mod n` larger
    // quotas are best spent on the monitors holding more than `B / n`.
    let n = names.len();
    let (floor, extra) = (buckets as usize / n, buckets as usize % n);
    let held: Vec<usize> = names
        .iter()
        .map(|m| prior.iter().filter(|p| **p == Some(*m)).count())
        .collect();
    let kept_at_most = held.iter().map(|&h| h.min(floor)).sum::<usize>()
        + extra.min(held.iter().filter(|&&h| h > floor).count());
    let minimum = buckets as usize - kept_at_most;
    let moved = owners
        .iter()
        .enumerate()
        .filter(|(b, o)| prior.get(*b).copied().flatten() != Some(names[**o]))
        .count();
    assert_eq!(
        moved, minimum,
        "moved {moved} buckets, the minimum is {minimum} ({n} monitors, held {held:?})"
    );

    owners
        .into_iter()
        .map(|o| Some(names[o].to_owned()))
        .collect()
}

fn moves(before: &[Option<String>], after: &[Option<String>]) -> usize {
    before.iter().zip(after).filter(|(a, b)| a != b).count()
}

// ---------------------------------------------------------------------------
// Capacity.

#[test]
fn reproduces_the_back_of_envelope_figures_of_the_design() {
    // 50,000 clusters, 3 monitors, every 5 minutes with a 30 s timeout, 2 KB
    // per cached cluster and per worker: about 55 checks per second, about
    // 1,650 workers and about 103 MB per monitor.
    let text = spec(&["prod"], &["monitor-0", "monitor-1", "monitor-2"], "");
    let config = parse(&bucket_config(&text, None));
    let monitors = config["monitors"].as_array().unwrap();
    assert_eq!(monitors.len(), 3);
    for m in monitors {
        let capacity = &m["capacity"];
        let cps = capacity["checks_per_second"].as_f64().unwrap();
        let workers = m["workers"].as_u64().unwrap() as f64;
        let memory = capacity["memory_bytes"].as_u64().unwrap() as f64;
        let clusters = capacity["clusters"].as_u64().unwrap() as f64;
        assert!(within(cps, 55.0, 0.03), "{cps} checks/s");
        assert!(within(workers, 1650.0, 0.03), "{workers} workers");
        assert!(within(memory, 103e6, 0.03), "{memory} bytes");
        assert!(
            within(clusters, 50_000.0 / 3.0, 0.01),
            "{clusters} clusters"
        );
    }
    // The owned buckets add up, and so do the clusters (each rounded up).
    let buckets: u64 = monitors
        .iter()
        .map(|m| m["capacity"]["buckets"].as_u64().unwrap())
        .sum();
    assert_eq!(buckets, 256);
    // The exact figures of the busiest monitor (86 of 256 buckets).
    let settings = Settings::of(&monocle::spec::Monitor {
        buckets: None,
        monitors: vec!["a".into(), "b".into(), "c".into()],
        check_interval: serde_json::from_str("\"5m\"").unwrap(),
        check_timeout: serde_json::from_str("\"30s\"").unwrap(),
        expected_clusters: 50_000,
        memory: serde_json::from_value(serde_json::json!({
            "per_cluster": "2KB", "per_worker": "2KB", "budget": "256MB"
        }))
        .unwrap(),
    });
    let busiest = settings.capacity(settings.busiest_share(3));
    assert_eq!(busiest.buckets, 86);
    assert_eq!(busiest.clusters, 16_797); // ⌈50,000 × 86 / 256⌉
    assert_eq!(busiest.checks_per_second, 55.99); // 16,796.875 / 300 s
    assert_eq!(busiest.workers, 1_680); // ⌈55.99 × 30 s⌉
    assert_eq!(busiest.memory_bytes, 100_000_000 + 1_680 * 2_000); // 103.36 MB
}

#[test]
fn over_budget_shows_the_figures_and_how_many_monitors_would_fit() {
    let settings = |budget: &str| {
        format!(
            "check_interval: 5m\ncheck_timeout: 30s\nexpected_clusters: 50000\nmemory: {{per_cluster: 2KB, per_worker: 2KB, budget: {budget}}}"
        )
    };
    let err = compile(
        &spec(&["prod"], &["m0", "m1", "m2"], &settings("103MB")),
        None,
    )
    .unwrap_err();
    assert!(err.contains("monocle::monitor::over_budget"), "{err}");
    assert!(
        err.contains("the busiest monitor needs 103.4MB, over its 103MB memory budget: 50,000 cached clusters × 2KB = 100MB + 1,680 workers × 2KB = 3.4MB"),
        "{err}"
    );

    // The help is in the human form; render it through the CLI.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("spec.yaml"),
        spec(&["prod"], &["m0", "m1", "m2"], &settings("103MB")),
    )
    .unwrap();
    let out = monocle(&["check", "spec.yaml"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("4 monitors would fit"), "{stderr}");

    // Caching the fleet alone is over the budget: no number of monitors fits.
    std::fs::write(
        dir.path().join("spec.yaml"),
        spec(&["prod"], &["m0", "m1", "m2"], &settings("90MB")),
    )
    .unwrap();
    let out = monocle(&["check", "spec.yaml"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("no number of monitors fits"), "{stderr}");

    // Exactly at the budget is fine.
    assert!(
        compile(
            &spec(&["prod"], &["m0", "m1", "m2"], &settings("103360000B")),
            None
        )
        .is_ok()
    );
}

#[test]
fn warns_about_idle_monitors_and_a_low_cluster_estimate() {
    let settings = "buckets: 2\ncheck_interval: 5m\ncheck_timeout: 30s\nexpected_clusters: 1\nmemory: {per_cluster: 2KB, per_worker: 2KB, budget: 256MB}";
    let compiled = compile(&spec(&["a", "b"], &["m0", "m1", "m2"], settings), None).unwrap();
    let codes: Vec<&str> = compiled.warnings.iter().map(|d| d.code).collect();
    assert!(
        codes.contains(&"monocle::monitor::idle_monitors"),
        "{codes:?}"
    );
    assert!(
        codes.contains(&"monocle::monitor::expected_clusters_too_low"),
        "{codes:?}"
    );
    // Still a valid config: two monitors own one bucket each, one owns none.
    let config = parse(
        &compiled
            .artifacts
            .iter()
            .find(|a| a.path == BUCKETS_FILE)
            .unwrap()
            .bytes,
    );
    let mut loads: Vec<usize> = ownership(&config).values().map(Vec::len).collect();
    loads.sort_unstable();
    assert_eq!(loads, [0, 1, 1]);
}

// ---------------------------------------------------------------------------
// The cluster hash.

/// The hash exactly as the file header describes it, written out again.
fn documented_bucket(name: &str, buckets: u64) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for c in name.bytes() {
        h = (h ^ u64::from(c)).wrapping_mul(0x100000001b3);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51afd7ed558ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ceb9fe1a85ec53);
    h ^= h >> 33;
    ((u128::from(h) * u128::from(buckets)) >> 64) as u64
}

#[test]
fn cluster_buckets_follow_the_hash_documented_in_the_header() {
    let bytes = bucket_config(
        &spec(
            &["prod-eu-1", "prod-us-1", "staging-eu-1"],
            &["m0", "m1"],
            "",
        ),
        None,
    );
    let text = std::str::from_utf8(&bytes).unwrap();
    for needle in [
        "0xcbf29ce484222325",
        "0x100000001b3",
        "0xff51afd7ed558ccd",
        "0xc4ceb9fe1a85ec53",
        "floor(h * buckets / 2^64)",
    ] {
        assert!(
            text.contains(needle),
            "the header does not document {needle}"
        );
    }
    let config = parse(&bytes);
    assert_eq!(config["hash"], "fnv1a64-fmix64");
    let owners = ownership(&config);
    let clusters = config["clusters"].as_array().unwrap();
    assert_eq!(clusters.len(), 3);
    for c in clusters {
        let name = c["name"].as_str().unwrap();
        let bucket = c["bucket"].as_u64().unwrap();
        assert_eq!(bucket, documented_bucket(name, 256), "{name}");
        let monitor = c["monitor"].as_str().unwrap();
        assert!(owners[monitor].contains(&bucket), "{name}: {monitor}");
    }
}

#[test]
fn a_cluster_keeps_its_bucket_when_clusters_or_monitors_change() {
    let buckets = |clusters: &[&str], monitors: &[&str]| -> BTreeMap<String, u64> {
        let config = parse(&bucket_config(&spec(clusters, monitors, ""), None));
        config["clusters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["name"].as_str().unwrap().to_owned(),
                    c["bucket"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let before = buckets(&["a", "b"], &["m0"]);
    let after = buckets(&["c", "b", "a", "d"], &["m0", "m1", "m2"]);
    for (name, bucket) in &before {
        assert_eq!(after[name], *bucket, "{name} moved");
    }
    for i in 0..2000 {
        let name = format!("cluster-{i}");
        assert_eq!(
            u64::from(bucket_of(&name, 4096)),
            documented_bucket(&name, 4096)
        );
    }
}

// ---------------------------------------------------------------------------
// Ownership: property tests over the pure assignment.

#[test]
fn canonical_ownership_is_balanced_for_1_to_64_monitors() {
    for buckets in [1, 2, 16, 256, 1024] {
        for n in 1..=64 {
            let monitors: Vec<String> = (0..n).map(|i| format!("monitor-{i}")).collect();
            let owners = check_step(buckets, &monitors, &[]);
            // Unchanged: nothing moves.
            let again = check_step(buckets, &monitors, &owners);
            assert_eq!(moves(&owners, &again), 0, "{n} monitors, {buckets} buckets");
        }
    }
}

#[test]
fn random_add_remove_rename_sequences_move_the_minimum() {
    let mut rng = Rng::new(0x5eed);
    let mut next_id = 0usize;
    let mut fresh = |rng: &mut Rng| {
        next_id += 1;
        // Names of varying shapes, not only `monitor-N`.
        match rng.below(3) {
            0 => format!("monitor-{next_id}"),
            1 => format!("m{next_id}"),
            _ => format!("daemon-{next_id}-eu"),
        }
    };
    for sequence in 0..120 {
        let buckets = [256, 256, 256, 64, 1024, 8][sequence % 6];
        let start = 1 + rng.below(64);
        let mut monitors: Vec<String> = (0..start).map(|_| fresh(&mut rng)).collect();
        let mut owners = check_step(buckets, &monitors, &[]);
        for _ in 0..15 {
            let before = owners.clone();
            let n = monitors.len();
            match rng.below(6) {
                // Add one monitor: it takes its quota, nothing else moves.
                0 if n < 64 => {
                    monitors.push(fresh(&mut rng));
                    owners = check_step(buckets, &monitors, &before);
                    let new = monitors.last().unwrap();
                    let taken = owners.iter().filter(|o| o.as_deref() == Some(new)).count();
                    assert_eq!(moves(&before, &owners), taken);
                }
                // Remove one: its buckets move (rebalancing requires nothing
                // more from a balanced start; check_step checks the minimum).
                1 if n > 1 => {
                    let gone = monitors.remove(rng.below(n));
                    let had = before
                        .iter()
                        .filter(|o| o.as_deref() == Some(&gone))
                        .count();
                    owners = check_step(buckets, &monitors, &before);
                    // From a balanced start the others always have room.
                    assert_eq!(
                        moves(&before, &owners),
                        had,
                        "{buckets} buckets, {n} monitors"
                    );
                }
                // Rename = remove + add: exactly the renamed one's buckets move
                // (to the new name, whose quota matches).
                2 => {
                    let i = rng.below(n);
                    let old = std::mem::replace(&mut monitors[i], fresh(&mut rng));
                    let had = before.iter().filter(|o| o.as_deref() == Some(&old)).count();
                    owners = check_step(buckets, &monitors, &before);
                    assert_eq!(moves(&before, &owners), had);
                }
                // Several changes at once.
                3 => {
                    if n > 2 {
                        monitors.remove(rng.below(n));
                    }
                    if monitors.len() < 63 {
                        monitors.push(fresh(&mut rng));
                        monitors.push(fresh(&mut rng));
                    }
                    owners = check_step(buckets, &monitors, &before);
                }
                // Reordering the list changes nothing.
                4 => {
                    monitors.reverse();
                    owners = check_step(buckets, &monitors, &before);
                    assert_eq!(moves(&before, &owners), 0);
                }
                // Unchanged: nothing moves.
                _ => {
                    owners = check_step(buckets, &monitors, &before);
                    assert_eq!(moves(&before, &owners), 0);
                }
            }
        }
    }
}

#[test]
fn same_inputs_give_the_same_ownership() {
    let monitors = ["c", "a", "b"];
    let prior: Vec<Option<&str>> = (0..256).map(|b| Some(["a", "x"][b % 2])).collect();
    assert_eq!(
        assign(256, &monitors, &prior),
        assign(256, &monitors, &prior)
    );
}

// ---------------------------------------------------------------------------
// Ownership end to end: the previous bucket config read back.

#[test]
fn previous_config_round_trips_and_an_unchanged_spec_moves_nothing() {
    let text = spec(
        &["prod-eu-1", "prod-us-1"],
        &["monitor-0", "monitor-1", "monitor-2"],
        "",
    );
    let first = bucket_config(&text, None);
    let previous = Previous::parse(&first).expect("monocle reads its own file");
    assert_eq!(previous.buckets, 256);
    assert_eq!(previous.owners.len(), 256);
    let second = bucket_config(&text, Some(&first));
    assert_eq!(first, second, "an unchanged spec changed the bucket config");
}

#[test]
fn adding_removing_and_renaming_monitors_end_to_end() {
    let clusters = ["prod-eu-1", "prod-us-1", "staging-eu-1"];
    let steps: [&[&str]; 5] = [
        &["monitor-0", "monitor-1", "monitor-2"],
        &["monitor-0", "monitor-1", "monitor-2", "monitor-3"],
        &["monitor-0", "monitor-2", "monitor-3"],
        &["monitor-0", "monitor-2", "monitor-9"],
        &["monitor-9", "monitor-2", "monitor-0"],
    ];
    let mut previous: Option<Vec<u8>> = None;
    let mut before: BTreeMap<u64, String> = BTreeMap::new();
    for (i, monitors) in steps.iter().enumerate() {
        let bytes = bucket_config(&spec(&clusters, monitors, ""), previous.as_deref());
        let config = parse(&bytes);
        let after: BTreeMap<u64, String> = ownership(&config)
            .into_iter()
            .flat_map(|(m, bs)| bs.into_iter().map(move |b| (b, m.clone())))
            .collect();
        assert_eq!(after.len(), 256);
        let moved = after
            .iter()
            .filter(|(b, m)| before.get(*b) != Some(*m))
            .count();
        let expected = match i {
            0 => 256,                                                   // canonical start
            1 => 64,                                                    // the new monitor's share
            2 => 64,                                                    // monitor-1's buckets
            3 => before.values().filter(|m| *m == "monitor-3").count(), // renamed
            _ => 0,                                                     // reordered
        };
        assert_eq!(moved, expected, "step {i}: {monitors:?}");
        let loads: BTreeSet<usize> = ownership(&config).values().map(Vec::len).collect();
        assert!(loads.iter().max().unwrap() - loads.iter().min().unwrap() <= 1);
        before = after;
        previous = Some(bytes);
    }
}

#[test]
fn a_foreign_or_broken_previous_config_starts_canonical() {
    let text = spec(&["prod"], &["monitor-0", "monitor-1"], "");
    let canonical = bucket_config(&text, None);
    for bad in [
        &b"\xff\xfe not utf-8"[..],
        b"",
        b"{{{ not yaml",
        b"- a list\n",
        b"version: 99\nhash: fnv1a64-fmix64\nbuckets: 256\nmonitors: []\n",
        b"version: 1\nhash: crc32\nbuckets: 256\nmonitors: []\n",
        b"version: 1\nhash: fnv1a64-fmix64\nbuckets: 256\nmonitors:\n  - {name: a, buckets: [1, 300]}\n",
        b"version: 1\nhash: fnv1a64-fmix64\nbuckets: 256\nmonitors:\n  - {name: a, buckets: [1]}\n  - {name: b, buckets: [1]}\n",
    ] {
        assert_eq!(
            bucket_config(&text, Some(bad)),
            canonical,
            "{}",
            String::from_utf8_lossy(bad)
        );
    }
}

#[test]
fn a_previous_config_with_another_bucket_count_keeps_clusters_with_their_monitor() {
    let clusters: Vec<String> = (0..200).map(|i| format!("cluster-{i}")).collect();
    let clusters: Vec<&str> = clusters.iter().map(String::as_str).collect();
    let with_buckets = |n: u32| {
        format!(
            "buckets: {n}\ncheck_interval: 5m\ncheck_timeout: 30s\nexpected_clusters: 50000\nmemory: {{per_cluster: 2KB, per_worker: 2KB, budget: 256MB}}"
        )
    };
    let monitors = ["m0", "m1", "m2", "m3"];
    let old = bucket_config(&spec(&clusters, &monitors, &with_buckets(64)), None);
    let new = bucket_config(&spec(&clusters, &monitors, &with_buckets(256)), Some(&old));
    let cluster_owner = |bytes: &[u8]| -> BTreeMap<String, String> {
        parse(bytes)["clusters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["name"].as_str().unwrap().to_owned(),
                    c["monitor"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    // 64 → 256 splits each bucket in four, with its owner (16 → 64 buckets
    // each, still balanced), so no cluster changes monitor.
    assert_eq!(cluster_owner(&old), cluster_owner(&new));
}

// ---------------------------------------------------------------------------
// The command line.

use common::monocle;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn monitor_command_prints_the_capacity_table_of_the_reference_spec() {
    let empty = tempfile::tempdir().unwrap();
    let specs = repo().join("specs");
    let out = monocle(
        &[
            "monitor",
            specs.to_str().unwrap(),
            "--out",
            empty.path().to_str().unwrap(),
        ],
        repo(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    common::snapshots().bind(|| {
        insta::assert_snapshot!("fleet_monitor_table", text(&out.stdout));
    });
}

#[test]
fn check_prints_the_table_and_monitor_reads_the_previous_config() {
    let dir = tempfile::tempdir().unwrap();
    let specs = repo().join("specs");
    let specs = specs.to_str().unwrap();
    let out_dir = dir.path().join("out");
    let out_arg = out_dir.to_str().unwrap();

    // `check` prints the table only when asked, with its summary, on stderr.
    let out = monocle(&["check", specs], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        !text(&out.stderr).contains("monitor-0"),
        "{}",
        text(&out.stderr)
    );
    let out = monocle(
        &["check", specs, "--capacity", "--out", out_arg],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("monitor-0       86    16,797"), "{stderr}");
    assert!(stderr.contains("ownership: canonical"), "{stderr}");
    assert!(stderr.contains("3 cluster(s)"), "{stderr}");
    let out = monocle(
        &[
            "check",
            specs,
            "--capacity",
            "--out",
            out_arg,
            "--format",
            "json",
        ],
        dir.path(),
    );
    // Empty without warnings, else the JSON array: never the table.
    if !out.stdout.is_empty() {
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
        assert!(json.is_array());
    }
    assert!(text(&out.stderr).contains("monitor-0"));

    let out = monocle(&["compile", specs, "--out", out_arg], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = monocle(&["monitor", specs, "--out", out_arg], dir.path());
    assert!(
        text(&out.stdout).contains("kept from the previous bucket config, 0 bucket(s) moved"),
        "{}",
        text(&out.stdout)
    );

    std::fs::write(out_dir.join(BUCKETS_FILE), "version: 7\n").unwrap();
    let out = monocle(&["monitor", specs, "--out", out_arg], dir.path());
    assert!(
        text(&out.stdout).contains("previous bucket config was ignored: it has format version 7"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn compile_check_uses_the_committed_config_as_the_previous_one() {
    let dir = tempfile::tempdir().unwrap();
    let spec_path = dir.path().join("spec.yaml");
    let out_dir = dir.path().join("out");
    let (spec_arg, out_arg) = (spec_path.to_str().unwrap(), out_dir.to_str().unwrap());
    let clusters = ["prod-eu-1", "prod-us-1"];

    std::fs::write(&spec_path, spec(&clusters, &["monitor-0", "monitor-1"], "")).unwrap();
    let out = monocle(&["compile", spec_arg, "--out", out_arg], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let first = std::fs::read(out_dir.join(BUCKETS_FILE)).unwrap();

    // Unchanged: up to date.
    let out = monocle(
        &["compile", spec_arg, "--out", out_arg, "--check"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));

    // A new monitor: stale, and compiling moves only its share.
    std::fs::write(
        &spec_path,
        spec(&clusters, &["monitor-0", "monitor-1", "monitor-2"], ""),
    )
    .unwrap();
    let out = monocle(
        &["compile", spec_arg, "--out", out_arg, "--check"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("monitor/buckets.yaml"),
        "{}",
        text(&out.stdout)
    );
    let out = monocle(&["compile", spec_arg, "--out", out_arg], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let second = std::fs::read(out_dir.join(BUCKETS_FILE)).unwrap();
    let (a, b) = (ownership(&parse(&first)), ownership(&parse(&second)));
    for (name, buckets) in &a {
        let kept: BTreeSet<&u64> = buckets.iter().collect();
        assert!(
            b[name].iter().all(|bucket| kept.contains(bucket)),
            "{name} gained a bucket"
        );
    }
    assert_eq!(b["monitor-2"].len(), 85);

    // And again: nothing to do.
    let out = monocle(
        &["compile", spec_arg, "--out", out_arg, "--check"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}
