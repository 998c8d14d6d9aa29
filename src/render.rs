//! Renders diagnostics: human (miette, with the source snippet), short
//! (`path:line:col: code: message`) and JSON. Rendering never changes what
//! a diagnostic says, only how it looks.

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{Sources, Span};

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

pub fn render(diags: &[Diagnostic], sources: &Sources, format: Format, color: bool) -> String {
    match format {
        Format::Human => diags.iter().map(|d| human(d, sources, color)).collect(),
        Format::Short => diags.iter().map(|d| short(d, sources) + "\n").collect(),
        Format::Json => {
            let items: Vec<JsonDiagnostic> = diags.iter().map(|d| json(d, sources)).collect();
            serde_json::to_string_pretty(&items).unwrap_or_default() + "\n"
        }
        Format::Github => diags.iter().map(|d| github(d, sources) + "\n").collect(),
        Format::Markdown => markdown(diags, sources),
    }
}

/// `::error file=F,line=L,col=C,endLine=..,endColumn=..,title=CODE::MESSAGE`
pub fn github(d: &Diagnostic, sources: &Sources) -> String {
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let mut properties = Vec::new();
    if let Some(span) = d.span {
        let (file, line, col) = location(span, sources);
        let (end_line, end_col) = sources.line_col(span.source, span.end);
        properties.push(format!("file={}", escape_property(&file)));
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
    let mut out = String::from("```text\n");
    for d in diags {
        out.push_str(&short(d, sources));
        out.push('\n');
    }
    out.push_str("```\n");
    out
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
            format!("{path}:{line}:{col}: {}: {severity}{}", d.code, d.message)
        }
        None => format!("{}: {severity}{}", d.code, d.message),
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
/// one become related reports with their own snippet.
struct Report {
    code: &'static str,
    severity: Severity,
    message: String,
    help: Option<String>,
    labels: Vec<LabeledSpan>,
    source: Option<NamedSource<String>>,
    related: Vec<Report>,
    is_related: bool,
}

impl Report {
    fn new(d: &Diagnostic, sources: &Sources) -> Report {
        let mut labels = Vec::new();
        let mut related = Vec::new();
        let source = d.span.map(|span| named(span, sources));
        if let Some(span) = d.span {
            labels.push(LabeledSpan::new_primary_with_span(
                d.label.clone(),
                source_span(span),
            ));
            for r in &d.related {
                if r.span.source == span.source {
                    labels.push(LabeledSpan::new_with_span(
                        Some(r.message.clone()),
                        source_span(r.span),
                    ));
                } else {
                    related.push(Report {
                        code: d.code,
                        severity: Severity::Warning,
                        message: r.message.clone(),
                        help: None,
                        labels: vec![LabeledSpan::new_primary_with_span(
                            None,
                            source_span(r.span),
                        )],
                        source: Some(named(r.span, sources)),
                        related: Vec::new(),
                        is_related: true,
                    });
                }
            }
        }
        Report {
            code: d.code,
            severity: d.severity,
            message: d.message.clone(),
            help: d.help.clone(),
            labels,
            source,
            related,
            is_related: false,
        }
    }
}

fn named(span: Span, sources: &Sources) -> NamedSource<String> {
    let file = sources.get(span.source);
    NamedSource::new(file.path.display().to_string(), file.text.clone())
}

fn source_span(span: Span) -> SourceSpan {
    SourceSpan::new(span.start.into(), span.end - span.start)
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
