//! `init`: a spec folder to start from, that compiles with no warning and
//! is already in `fmt`'s layout (tests check both).

use std::io::Write;
use std::path::Path;

use super::{OK, USAGE};

/// The files `init` writes, by name: the spec files' modelines point at
/// the schema beside them, so an editor needs no setup.
pub const FILES: [(&str, &str); 2] = [
    ("platform.yaml", include_str!("scaffold/platform.yaml")),
    ("web.yaml", include_str!("scaffold/web.yaml")),
];

pub const SCHEMA_FILE: &str = "monocle.schema.json";

pub fn init(dir: &Path, quiet: bool) -> u8 {
    let schema = crate::schema::schema_text();
    let files: Vec<(&str, &str)> = FILES
        .into_iter()
        .chain([(SCHEMA_FILE, schema.as_str())])
        .collect();
    // Checked before anything is written, so a refusal leaves no half
    // scaffold behind.
    let existing: Vec<String> = files
        .iter()
        .map(|(name, _)| dir.join(name))
        .filter(|path| path.symlink_metadata().is_ok())
        .map(|path| path.display().to_string())
        .collect();
    if !existing.is_empty() {
        eprintln!(
            "error: {} already exist(s); `monocle init` never overwrites a file",
            existing.join(", ")
        );
        return USAGE;
    }
    if let Err(err) = std::fs::create_dir_all(dir) {
        eprintln!("error: cannot create `{}`: {err}", dir.display());
        return USAGE;
    }
    for (name, text) in files {
        let path = dir.join(name);
        // `create_new` refuses a file that appeared since the check above.
        let written = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut file| file.write_all(text.as_bytes()));
        if let Err(err) = written {
            eprintln!("error: cannot write `{}`: {err}", path.display());
            return USAGE;
        }
        if !quiet {
            sayln!("created {}", path.display());
        }
    }
    if !quiet {
        sayln!(
            "next: `monocle compile {}` writes generated/; `monocle check {0}` only checks",
            dir.display()
        );
    }
    OK
}
