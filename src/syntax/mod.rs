//! Text → spanned syntax tree. YAML and KDL both parse into the same
//! [`Node`] tree, so everything after this stage is format-blind.

pub mod kdl;
mod node;
pub mod yaml;
mod yaml_events;

pub use node::{Key, Node, NodeKind};
