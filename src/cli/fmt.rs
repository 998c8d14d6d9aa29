//! `fmt`: spec files in the canonical layout.

use std::path::Path;

use super::output::{Settings, io_failure};
use super::{FAILED, OK};
use crate::render::Format;
use crate::write;

pub fn fmt(spec: &Path, check: bool, quiet: bool) -> u8 {
    let sources = match crate::load::load(spec) {
        Ok(sources) => sources,
        Err(err) => {
            let settings = Settings {
                format: Format::Human,
                deny_warnings: false,
                color: super::Color::Auto,
            };
            return settings.failure(err);
        }
    };
    let mut status = OK;
    for (_, file) in sources.iter() {
        let is_kdl = file.path.extension().is_some_and(|e| e == "kdl");
        match crate::fmt::format(&file.text, is_kdl) {
            Ok(text) if text == file.text => {}
            Ok(_) if check => {
                if !quiet {
                    sayln!("would reformat {}", file.path.display());
                }
                status = FAILED;
            }
            Ok(text) => {
                // Through a link (which the loader keeps inside the spec
                // folder) the file it points to is rewritten; the link stays.
                let target = std::fs::canonicalize(&file.path).unwrap_or(file.path.clone());
                if let Err(err) = write::write_atomic(&target, text.as_bytes()) {
                    return io_failure(&err);
                }
                if !quiet {
                    sayln!("reformatted {}", file.path.display());
                }
            }
            Err(crate::fmt::FmtError::Invalid) => {
                eprintln!(
                    "error: {} does not parse; run `monocle check` to see why",
                    file.path.display()
                );
                status = FAILED;
            }
            Err(crate::fmt::FmtError::Unsafe) => {
                eprintln!(
                    "error: {} has a layout `monocle fmt` cannot rewrite safely; left unchanged",
                    file.path.display()
                );
                status = FAILED;
            }
        }
    }
    status
}
