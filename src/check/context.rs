//! Shared state of the semantic checks: the sources (to refine spans inside
//! string values) and the diagnostics collected so far.

use crate::diagnostic::Diagnostic;
use crate::names::ValueError;
use crate::source::{Sources, Span};

pub struct Ctx<'a> {
    pub sources: &'a Sources,
    pub diags: Vec<Diagnostic>,
}

impl<'a> Ctx<'a> {
    pub fn new(sources: &'a Sources) -> Self {
        Ctx {
            sources,
            diags: Vec::new(),
        }
    }

    pub fn push(&mut self, diag: Diagnostic) {
        self.diags.push(diag);
    }

    /// Runs `check` on every item on all cores, each with a context of
    /// its own, and keeps their diagnostics in item order: for checks of
    /// independent items that cost much at fleet scale (parsing PromQL).
    pub fn each_parallel<T: Sync>(&mut self, items: &[T], check: impl Fn(&mut Ctx<'a>, &T) + Sync) {
        use rayon::prelude::*;
        let sources = self.sources;
        let found: Vec<Vec<Diagnostic>> = items
            .par_iter()
            .map(|item| {
                let mut ctx = Ctx::new(sources);
                check(&mut ctx, item);
                ctx.diags
            })
            .collect();
        self.diags.extend(found.into_iter().flatten());
    }

    /// The span of the characters `err` blames inside the string value at
    /// `span`, skipping an opening quote.
    pub fn inner_span(&self, span: Span, start: usize, end: usize) -> Span {
        let text = self
            .sources
            .get(span.source)
            .text
            .get(span.start..span.end)
            .unwrap_or("");
        // `"x"`, `'x'` and KDL raw strings `#"x"#`: skip the delimiters.
        let hashes = text.len() - text.trim_start_matches('#').len();
        let quoted = text[hashes..].starts_with(['"', '\'']);
        let open = if quoted { hashes + 1 } else { 0 };
        let span = if quoted && text.len() >= 2 * open {
            Span::new(span.source, span.start + open, span.end - open)
        } else {
            span
        };
        if start == 0 && end == 0 {
            return span;
        }
        span.sub(start, end)
    }

    /// Reports a [`ValueError`] found inside the string at `span`.
    pub fn value_error(&mut self, code: &'static str, span: Span, err: ValueError) {
        let at = if err.start == err.end {
            self.inner_span(span, 0, 0)
        } else {
            self.inner_span(span, err.start, err.end)
        };
        self.diags.push(
            Diagnostic::error(code, err.message)
                .at(at)
                .label("here")
                .help_opt(err.help),
        );
    }
}
