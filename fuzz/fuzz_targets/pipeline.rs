//! The whole pipeline in memory on arbitrary spec text: check → lower →
//! emit, for one YAML or one KDL file (the first byte picks: `k` for KDL, anything else YAML), with an
//! optional previous bucket config (the text after a `\0---buckets---\0`
//! line, as if read back from a hand-edited output folder). It must
//! compile or fail with diagnostics that point inside the text; nothing is
//! written to disk.
#![no_main]

use libfuzzer_sys::fuzz_target;
use monocle::source::Sources;

const BUCKETS: &str = "\0---buckets---\0";

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let (spec, previous) = match text.split_once(BUCKETS) {
        Some((spec, previous)) => (spec, Some(previous.as_bytes().to_vec())),
        None => (text, None),
    };
    let name = if selector == b'k' {
        "fuzz.kdl"
    } else {
        "fuzz.yaml"
    };
    let mut sources = Sources::default();
    sources.add(name.into(), "fuzz".into(), spec.to_owned());
    let inputs = monocle::Inputs {
        previous_buckets: previous,
    };
    match monocle::compile_sources(sources, &inputs) {
        Ok((compiled, _model)) => {
            for artifact in &compiled.artifacts {
                assert!(!artifact.path.is_empty());
                assert!(
                    !artifact
                        .path
                        .split('/')
                        .any(|p| p.is_empty() || p == "." || p == ".."),
                    "unsafe artifact path {:?}",
                    artifact.path
                );
            }
        }
        Err(monocle::CompileError::Spec { sources, diags }) => {
            assert!(
                diags.iter().any(|d| d.is_error()),
                "failed without an error"
            );
            for d in &diags {
                if let Some(span) = d.span {
                    let text = &sources.get(span.source).text;
                    assert!(span.end <= text.len(), "{} {span:?} past the text", d.code);
                }
            }
            // Rendering must not panic either.
            let _ =
                monocle::render::render(&diags, &sources, monocle::render::Format::Human, false);
        }
        Err(monocle::CompileError::Io { .. }) => unreachable!("no disk reads in memory"),
    }
});
