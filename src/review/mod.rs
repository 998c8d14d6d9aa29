//! Review of a change for a pull request: the semantic summary of what the
//! spec change does to each cluster, then the file diffs.

mod items;
pub mod report;
mod routing;
pub mod summary;

pub use summary::{Summary, render_markdown, render_text, summarize};
