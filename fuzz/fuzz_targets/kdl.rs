//! The KDL front end on arbitrary text: it must return a tree or
//! diagnostics whose spans lie inside the text, and never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use monocle::source::SourceId;

fuzz_target!(|text: &str| {
    match monocle::syntax::kdl::parse(SourceId(0), text) {
        Ok(node) => assert_spans_inside(&node, text.len()),
        Err(diags) => {
            assert!(!diags.is_empty(), "an error without a diagnostic");
            for d in &diags {
                let span = d.span.expect("a syntax diagnostic has a span");
                assert!(span.start <= span.end && span.end <= text.len(), "{span:?}");
                assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
            }
        }
    }
});

fn assert_spans_inside(node: &monocle::syntax::Node, len: usize) {
    assert!(node.span.end <= len, "{:?} past {len}", node.span);
    match &node.kind {
        monocle::syntax::NodeKind::Seq(items) => {
            items.iter().for_each(|n| assert_spans_inside(n, len))
        }
        monocle::syntax::NodeKind::Map(entries) => {
            for (k, v) in entries {
                assert!(k.span.end <= len, "{:?} past {len}", k.span);
                assert_spans_inside(v, len);
            }
        }
        _ => {}
    }
}
