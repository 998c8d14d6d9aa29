//! Grafana Alloy configuration syntax, owned in one place: the typed tree
//! ([`ast`]), the escaping of strings and identifiers ([`escape`]), the
//! scanner and parser ([`scan`], [`parse`](mod@parse)), and the printer that lays a
//! file out the way `alloy fmt` does ([`print`](mod@print)).
//!
//! The emitter builds a tree with the checked constructors of [`ast`] and
//! prints it; text from the spec can only enter as an escaped string
//! literal or a validated identifier. The parser reads the result back in
//! the tests, and [`format`](fn@format) reformats any file like `alloy fmt`.

pub mod ast;
pub mod escape;
mod layout;
pub mod parse;
pub mod print;
pub mod scan;
mod tabwriter;
pub mod token;

pub use parse::{ParseError, parse};

/// What `alloy fmt` writes for `src`: the file printed in canonical form,
/// plus a final newline.
pub fn format(src: &str) -> Result<String, Vec<ParseError>> {
    let file = parse(src)?;
    let mut text = print::print(&file);
    text.push('\n');
    Ok(text)
}
