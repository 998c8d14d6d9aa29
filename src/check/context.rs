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

    /// The span of the characters `err` blames inside the string value at
    /// `span`, skipping an opening quote.
    pub fn inner_span(&self, span: Span, start: usize, end: usize) -> Span {
        let text = &self.sources.get(span.source).text;
        let quoted = text
            .get(span.start..)
            .and_then(|rest| rest.chars().next())
            .is_some_and(|c| c == '"' || c == '\'');
        let (span, shift) = if quoted && span.end > span.start + 1 {
            (Span::new(span.source, span.start + 1, span.end - 1), 0)
        } else {
            (span, 0)
        };
        if start == 0 && end == 0 {
            return span;
        }
        span.sub(start + shift, end + shift)
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
