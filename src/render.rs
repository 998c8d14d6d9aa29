//! Renders diagnostics: human (miette, with the source snippet), short
//! (`path:line:col: code: message`) and JSON. Rendering never changes what
//! a diagnostic says, only how it looks.

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceSpan};
use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{SourceFile, Sources, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Snippets with underlines (miette).
    Human,
    /// `path:line:col: code: message`, one per line.
    Short,
    /// A JSON array, for tools.
    Json,
    /// GitHub Actions workflow commands: errors inline on the pull request.
    Github,
    /// Markdown, for a pull-request comment.
    Markdown,
}

/// At most this many diagnostics are printed; the rest are counted. Nobody
/// reads past the first screens, and printing is what grows with them.
pub const MAX_PRINTED: usize = 500;

/// All diagnostics rendered into one string (at most [`MAX_PRINTED`]).
pub fn render(diags: &[Diagnostic], sources: &Sources, format: Format, color: bool) -> String {
    let mut out = Vec::new();
    let _ = write(&mut out, diags, sources, format, color);
    String::from_utf8_lossy(&out).into_owned()
}

/// Streams the diagnostics to `out` one by one, at most [`MAX_PRINTED`],
/// then a line counting the ones left out. Returns that count.
pub fn write(
    out: &mut dyn std::io::Write,
    diags: &[Diagnostic],
    sources: &Sources,
    format: Format,
    color: bool,
) -> std::io::Result<usize> {
    let shown = &diags[..diags.len().min(MAX_PRINTED)];
    let rest = diags.len() - shown.len();
    let more = (rest > 0).then(|| {
        let errors = diags[shown.len()..].iter().filter(|d| d.is_error()).count();
        format!("{rest} more diagnostic(s) not shown ({errors} error(s))")
    });
    match format {
        Format::Human => {
            for d in shown {
                out.write_all(human(d, sources, color).as_bytes())?;
            }
            if let Some(more) = &more {
                writeln!(out, "... {more}")?;
            }
        }
        Format::Short => {
            for d in shown {
                writeln!(out, "{}", short(d, sources))?;
            }
            if let Some(more) = &more {
                writeln!(out, "... {more}")?;
            }
        }
        Format::Json => {
            // The array holds what is shown; the count goes to stderr so
            // stdout stays one JSON document.
            let items: Vec<JsonDiagnostic> = shown.iter().map(|d| json(d, sources)).collect();
            serde_json::to_writer_pretty(&mut *out, &items)?;
            writeln!(out)?;
            if let Some(more) = &more {
                eprintln!("monocle: {more}");
            }
        }
        Format::Github => {
            for d in shown {
                writeln!(out, "{}", github(d, sources))?;
            }
            if let Some(more) = &more {
                writeln!(out, "::warning title=monocle::{}", escape_data(more))?;
            }
        }
        Format::Markdown => {
            out.write_all(markdown(shown, sources).as_bytes())?;
            if let Some(more) = &more {
                writeln!(out, "\n{more}")?;
            }
        }
    }
    Ok(rest)
}

/// Spec text made safe to print on one terminal or log line: control
/// characters (newlines, escapes, carriage returns) and bidirectional
/// overrides are written as escapes, so a spec string cannot start a line
/// of its own (a forged `::error` or `::add-mask::` in a CI log) or
/// repaint the terminal.
pub fn escape_text(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control() || is_invisible_format(c)
}

/// Bidirectional controls and other invisible format characters that can
/// make printed text read differently from what it is.
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

/// `::error file=F,line=L,col=C,endLine=..,endColumn=..,title=CODE::MESSAGE`
pub fn github(d: &Diagnostic, sources: &Sources) -> String {
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut message = escape_text(&d.message).into_owned();
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {}", escape_text(help)));
    }
    let mut properties = Vec::new();
    if let Some(span) = d.span {
        let (file, line, col) = location(span, sources);
        let (end_line, end_col) = sources.line_col(span.source, span.end);
        properties.push(format!("file={}", escape_property(&escape_text(&file))));
        properties.push(format!("line={line}"));
        properties.push(format!("col={col}"));
        properties.push(format!("endLine={end_line}"));
        properties.push(format!("endColumn={end_col}"));
    }
    properties.push(format!("title={}", escape_property(d.code)));
    format!(
        "::{command} {}::{}",
        properties.join(","),
        escape_data(&message)
    )
}

/// Workflow-command escaping: data may not hold raw `%`, CR or LF.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Properties also may not hold `:` or `,`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn markdown(diags: &[Diagnostic], sources: &Sources) -> String {
    if diags.is_empty() {
        return String::new();
    }
    let lines: Vec<String> = diags.iter().map(|d| short(d, sources)).collect();
    // A fence longer than any run of backticks in the text: spec text
    // cannot close it and go on as Markdown.
    let fence = "`".repeat(longest_backtick_run(&lines.join("\n")).max(2) + 1);
    let mut out = format!("{fence}text\n");
    for line in lines {
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str(&fence);
    out.push('\n');
    out
}

/// The longest run of backticks in `s`.
pub fn longest_backtick_run(s: &str) -> usize {
    s.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

fn location(span: Span, sources: &Sources) -> (String, usize, usize) {
    let (line, col) = sources.line_col(span.source, span.start);
    (
        sources.get(span.source).path.display().to_string(),
        line,
        col,
    )
}

pub fn short(d: &Diagnostic, sources: &Sources) -> String {
    let severity = match d.severity {
        Severity::Error => "",
        Severity::Warning => "warning: ",
    };
    match d.span {
        Some(span) => {
            let (path, line, col) = location(span, sources);
            let path = escape_text(&path);
            let message = escape_text(&d.message);
            format!("{path}:{line}:{col}: {}: {severity}{message}", d.code)
        }
        None => format!("{}: {severity}{}", d.code, escape_text(&d.message)),
    }
}

#[derive(Serialize)]
struct JsonDiagnostic {
    code: &'static str,
    severity: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<JsonRelated>,
}

#[derive(Serialize)]
struct JsonRelated {
    message: String,
    file: String,
    line: usize,
    column: usize,
}

fn json(d: &Diagnostic, sources: &Sources) -> JsonDiagnostic {
    let start = d.span.map(|s| location(s, sources));
    let end = d.span.map(|s| sources.line_col(s.source, s.end));
    JsonDiagnostic {
        code: d.code,
        severity: match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        },
        message: d.message.clone(),
        file: start.as_ref().map(|s| s.0.clone()),
        line: start.as_ref().map(|s| s.1),
        column: start.as_ref().map(|s| s.2),
        end_line: end.map(|e| e.0),
        end_column: end.map(|e| e.1),
        help: d.help.clone(),
        related: d
            .related
            .iter()
            .map(|r| {
                let (file, line, column) = location(r.span, sources);
                JsonRelated {
                    message: r.message.clone(),
                    file,
                    line,
                    column,
                }
            })
            .collect(),
    }
}

/// The human form, through miette's graphical handler.
pub fn human(d: &Diagnostic, sources: &Sources, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let report = Report::new(d, sources);
    let mut out = String::new();
    if handler.render_report(&mut out, &report).is_err() {
        out = short(d, sources);
    }
    out.push('\n');
    out
}

/// A diagnostic in miette's terms; spans in another file than the primary
/// one (or far from it) become related reports with their own snippet.
struct Report {
    code: &'static str,
    severity: Severity,
    message: String,
    help: Option<String>,
    labels: Vec<LabeledSpan>,
    source: Option<Excerpt>,
    related: Vec<Report>,
    is_related: bool,
}

impl Report {
    fn new(d: &Diagnostic, sources: &Sources) -> Report {
        let mut labels = Vec::new();
        let mut related = Vec::new();
        let mut source = None;
        if let Some(span) = d.span {
            let file = sources.get(span.source);
            let mut spans = vec![(d.label.clone(), span.start, span.end, true)];
            let near = |s: Span| {
                s.source == span.source
                    && file.line_of(s.start).abs_diff(file.line_of(span.start)) <= SNIPPET_LINES
            };
            for r in &d.related {
                if near(r.span) {
                    spans.push((Some(r.message.clone()), r.span.start, r.span.end, false));
                } else {
                    let file = sources.get(r.span.source);
                    let (excerpt, at) = Excerpt::new(file, &[(r.span.start, r.span.end)]);
                    related.push(Report {
                        code: d.code,
                        severity: Severity::Warning,
                        message: escape_text(&r.message).into_owned(),
                        help: None,
                        labels: vec![LabeledSpan::new_primary_with_span(None, at[0])],
                        source: Some(excerpt),
                        related: Vec::new(),
                        is_related: true,
                    });
                }
            }
            let ranges: Vec<(usize, usize)> = spans.iter().map(|s| (s.1, s.2)).collect();
            let (excerpt, at) = Excerpt::new(file, &ranges);
            for ((label, _, _, primary), at) in spans.into_iter().zip(at) {
                let label = label.map(|l| escape_text(&l).into_owned());
                labels.push(if primary {
                    LabeledSpan::new_primary_with_span(label, at)
                } else {
                    LabeledSpan::new_with_span(label, at)
                });
            }
            source = Some(excerpt);
        }
        Report {
            code: d.code,
            severity: d.severity,
            message: escape_text(&d.message).into_owned(),
            help: d.help.as_deref().map(|h| escape_text(h).into_owned()),
            labels,
            source,
            related,
            is_related: false,
        }
    }
}

/// Characters of one line a snippet shows at most. miette cannot draw an
/// underline past column 65,535 (it panics), and a long line must not be
/// printed whole for every diagnostic on it.
const SNIPPET_WIDTH: usize = 400;
/// Characters kept before a label when a line is clipped.
const SNIPPET_LEAD: usize = 80;
/// Lines of a label spanning many lines that are shown.
const SNIPPET_SPAN_LINES: usize = 40;
/// Related labels further (in lines) from the primary one than this get a
/// snippet of their own instead of every line in between.
const SNIPPET_LINES: usize = 40;

/// The few lines of a file a snippet shows, each clipped around its labels,
/// with control characters made visible; miette is handed this, never the
/// file. Line numbers and columns are the file's own.
struct Excerpt {
    name: String,
    text: String,
    /// The file's 0-based line of the excerpt's first line.
    first_line: usize,
    lines: Vec<ExcerptLine>,
}

struct ExcerptLine {
    /// Offset in the file of the line's start, and of the first byte kept.
    line_start: usize,
    kept_start: usize,
    /// Bytes kept.
    kept_len: usize,
    /// Offset in the excerpt of the line's start (a `…` when clipped), of
    /// the first byte kept, and of the end of its text.
    at_line: usize,
    at_kept: usize,
    at_end: usize,
}

impl Excerpt {
    /// The excerpt around `spans` (byte ranges in `file`), and the spans
    /// mapped into it.
    fn new(file: &SourceFile, spans: &[(usize, usize)]) -> (Excerpt, Vec<SourceSpan>) {
        let text = &file.text;
        let boundary = |mut i: usize| {
            i = i.min(text.len());
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let spans: Vec<(usize, usize)> = spans
            .iter()
            .map(|&(start, end)| {
                let start = boundary(start);
                let mut end = boundary(end).max(start);
                let first = file.line_of(start);
                if file.line_of(end) >= first + SNIPPET_SPAN_LINES {
                    end = file.line_range(first + SNIPPET_SPAN_LINES - 1).end;
                }
                (start, end)
            })
            .collect();
        let first_line = spans
            .iter()
            .map(|s| file.line_of(s.0))
            .min()
            .unwrap_or(0)
            .saturating_sub(1);
        let last_line = spans
            .iter()
            .map(|s| file.line_of(s.1) + 1)
            .max()
            .unwrap_or(0)
            .min(file.line_count() - 1);
        let mut out = String::new();
        let mut lines = Vec::new();
        for line in first_line..=last_line {
            let range = file.line_range(line);
            let anchor = spans
                .iter()
                .map(|s| s.0)
                .filter(|s| range.contains(s))
                .min()
                .unwrap_or(range.start);
            let (from, to) = clip(text, range.clone(), anchor);
            let at_line = out.len();
            if from > range.start {
                out.push('…');
            }
            let at_kept = out.len();
            push_visible(&mut out, &text[from..to]);
            if to < range.end {
                out.push('…');
            }
            let at_end = out.len();
            if line + 1 < file.line_count() {
                out.push('\n');
            }
            lines.push(ExcerptLine {
                line_start: range.start,
                kept_start: from,
                kept_len: to - from,
                at_line,
                at_kept,
                at_end,
            });
        }
        let mut excerpt = Excerpt {
            name: escape_text(&file.path.display().to_string()).into_owned(),
            text: out,
            first_line,
            lines,
        };
        let mapped = spans
            .iter()
            .map(|&(start, end)| {
                let start = excerpt.to_excerpt(file, start);
                let end = excerpt.to_excerpt(file, end).max(start);
                SourceSpan::new(start.into(), end - start)
            })
            .collect();
        excerpt.text.shrink_to_fit();
        (excerpt, mapped)
    }

    /// A file offset's place in the excerpt; offsets clipped away land on
    /// the `…` that stands for them.
    fn to_excerpt(&self, file: &SourceFile, offset: usize) -> usize {
        let line = file
            .line_of(offset)
            .clamp(self.first_line, self.first_line + self.lines.len() - 1);
        let l = &self.lines[line - self.first_line];
        if offset < l.kept_start {
            l.at_line
        } else if offset - l.kept_start <= l.kept_len {
            l.at_kept + offset - l.kept_start
        } else {
            l.at_end
        }
    }

    /// The file's column (in bytes, as miette counts) of an excerpt offset.
    fn column(&self, offset: usize) -> usize {
        let i = self.lines.partition_point(|l| l.at_line <= offset).max(1) - 1;
        let l = &self.lines[i];
        let kept = offset.saturating_sub(l.at_kept).min(l.kept_len);
        l.kept_start + kept - l.line_start
    }
}

/// The byte range of a line to show: all of it when short, else
/// [`SNIPPET_WIDTH`] characters starting a little before `anchor`.
fn clip(text: &str, range: std::ops::Range<usize>, anchor: usize) -> (usize, usize) {
    let line = &text[range.clone()];
    if line.len() <= SNIPPET_WIDTH || line.chars().nth(SNIPPET_WIDTH).is_none() {
        return (range.start, range.end);
    }
    let from = text[range.start..anchor]
        .char_indices()
        .rev()
        .nth(SNIPPET_LEAD - 1)
        .map_or(range.start, |(i, _)| range.start + i);
    let to = text[from..range.end]
        .char_indices()
        .nth(SNIPPET_WIDTH)
        .map_or(range.end, |(i, _)| from + i);
    (from, to)
}

/// Pushes `s` with control and invisible characters replaced by visible
/// ones of the same length in bytes, so offsets stay put.
fn push_visible(out: &mut String, s: &str) {
    for c in s.chars() {
        if c == '\t' || !needs_escape(c) {
            out.push(c);
        } else {
            out.push(match c.len_utf8() {
                1 => '?',
                2 => '¿',
                3 => '\u{fffd}',
                _ => unreachable!("control and format characters are in the BMP"),
            });
        }
    }
}

impl miette::SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        let column = if context_lines_before == 0 {
            self.column(inner.span().offset())
        } else {
            0
        };
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            column,
            inner.line_count() + self.first_line,
        )))
    }
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        // A related snippet (the other half of a duplicate) only adds a place.
        (!self.is_related).then(|| Box::new(self.code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            _ if self.is_related => miette::Severity::Advice,
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        (!self.labels.is_empty())
            .then(|| Box::new(self.labels.iter().cloned()) as Box<dyn Iterator<Item = LabeledSpan>>)
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        (!self.related.is_empty()).then(|| {
            Box::new(self.related.iter().map(|r| r as &dyn miette::Diagnostic))
                as Box<dyn Iterator<Item = &dyn miette::Diagnostic>>
        })
    }
}
