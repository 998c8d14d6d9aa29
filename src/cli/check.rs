//! `check` and `monitor`: the spec is checked, nothing is written.

use std::path::Path;

use super::output::Settings;
use super::{OK, capacity};
use crate::render::Format;
use crate::write;

/// The state monocle keeps in the output folder and reads back (the
/// previous bucket config, for sticky ownership), read through the writer.
pub fn previous_buckets(out: &Path) -> Option<Vec<u8>> {
    write::read_existing(out, crate::model::buckets::BUCKETS_FILE)
        .ok()
        .flatten()
}

/// `check`; with `capacity` (the output folder whose bucket config keeps
/// ownership), the capacity table too.
pub fn check(spec: &Path, capacity: Option<&Path>, quiet: bool, settings: Settings) -> u8 {
    let (checked, sources) = match crate::check_spec(spec) {
        Ok(checked) => checked,
        Err(err) => return settings.failure(err),
    };
    if let Err(code) = settings.warnings(&checked.warnings, &sources, "") {
        return code;
    }
    if let Some(out) = capacity {
        // On stderr with the summary: stdout carries only `--format json`.
        match crate::lower::lower_buckets(&checked.spec, previous_buckets(out).as_deref()) {
            Some(buckets) => eprint!("{}", capacity::table(&buckets)),
            None => eprintln!(
                "the spec has no `monitor` section: there is no monitor daemon to report on"
            ),
        }
    }
    if !quiet {
        eprintln!(
            "spec ok: {} file(s), {} cluster(s)",
            sources.len(),
            checked.spec.clusters.len()
        );
    }
    OK
}

/// `monitor`: the capacity table on stdout.
pub fn monitor(spec: &Path, out: &Path, settings: Settings) -> u8 {
    let (checked, sources) = match crate::check_spec(spec) {
        Ok(checked) => checked,
        Err(err) => return settings.failure(err),
    };
    if let Err(code) = settings.warnings(&checked.warnings, &sources, "") {
        return code;
    }
    match crate::lower::lower_buckets(&checked.spec, previous_buckets(out).as_deref()) {
        // `--format json` prints the warnings on stdout.
        Some(buckets) if settings.format == Format::Json => {
            eprint!("{}", capacity::table(&buckets));
        }
        Some(buckets) => say!("{}", capacity::table(&buckets)),
        None => {
            eprintln!("the spec has no `monitor` section: there is no monitor daemon to report on");
        }
    }
    OK
}
