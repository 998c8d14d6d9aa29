//! `monocle import KIND FILE... [--out DIR]`.

use std::path::Path;

use super::args::ImportKind;
use super::{FAILED, OK, USAGE};
use crate::import::{self, Kind};

pub fn import(
    kind: ImportKind,
    files: &[std::path::PathBuf],
    out: Option<&Path>,
    options: &import::Options,
) -> u8 {
    let window = options.window.as_str();
    let kind = match kind {
        ImportKind::Rules => Kind::Rules,
        ImportKind::Sloth => Kind::Sloth,
        ImportKind::Alertmanager => Kind::Alertmanager,
        ImportKind::Grafana => Kind::Grafana,
    };
    if let Err(e) = crate::units::Duration::parse(window) {
        eprintln!("error: --window `{window}`: {}", e.message);
        return USAGE;
    }
    let mut imports = Vec::new();
    for file in files {
        let shown = file.display().to_string();
        let text = match std::fs::read_to_string(file) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("error: cannot read {shown}: {e}");
                return USAGE;
            }
        };
        match import::import(kind, &shown, &text, options) {
            Ok(imported) => imports.push((file, shown, imported)),
            Err(why) => {
                eprintln!("error: {why}");
                return USAGE;
            }
        }
    }
    import::share_severities(imports.iter_mut().map(|(_, _, i)| i));
    let mut written = Vec::new();
    let mut notes = Vec::new();
    for (file, shown, imported) in imports {
        let (spec, extension) = match options.syntax {
            import::Syntax::Yaml => (import::spec_text(&imported, &shown), "yaml"),
            import::Syntax::Kdl => (import::kdl_text(&imported, &shown), "kdl"),
        };
        notes.extend(imported.notes);
        if let Some(dir) = out {
            let stem = file
                .file_stem()
                .map_or("imported".into(), |s| s.to_string_lossy().into_owned());
            written.push((dir.join(format!("{stem}.{extension}")), spec));
        } else {
            if files.len() > 1 {
                sayln!("---\n# {shown}");
            }
            say!("{spec}");
        }
    }
    if let Some(dir) = out {
        // Nothing is written if any target exists: never overwrite.
        let mut seen = std::collections::BTreeSet::new();
        for (target, _) in &written {
            if target.exists() || !seen.insert(target.clone()) {
                eprintln!(
                    "error: {} already exists (or two inputs share its name); import never overwrites",
                    target.display()
                );
                return USAGE;
            }
        }
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!("error: cannot create {}: {e}", dir.display());
            return USAGE;
        }
        for (target, spec) in &written {
            let created = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(target);
            let result =
                created.and_then(|mut f| std::io::Write::write_all(&mut f, spec.as_bytes()));
            if let Err(e) = result {
                eprintln!("error: cannot write {}: {e}", target.display());
                return USAGE;
            }
            eprintln!("wrote {}", target.display());
        }
    }
    for note in &notes {
        eprintln!(
            "{}: {}: {}: {}",
            note.file,
            note.path,
            note.kind.word(),
            note.message
        );
    }
    let count = |kind: crate::import::NoteKind| notes.iter().filter(|n| n.kind == kind).count();
    let losses = notes.iter().filter(|n| n.kind.is_loss()).count();
    let todo = count(crate::import::NoteKind::Todo) + count(crate::import::NoteKind::Secret);
    let from_packs = count(crate::import::NoteKind::Pack);
    eprintln!(
        "imported {} file(s): {losses} item(s) dropped or approximated, {todo} to complete, {from_packs} taken from packs",
        files.len()
    );
    if losses == 0 { OK } else { FAILED }
}
