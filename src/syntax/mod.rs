//! Text → spanned syntax tree. YAML and KDL both parse into the same
//! [`Node`] tree, so everything after this stage is format-blind.

pub mod kdl;
mod node;
mod node_de;
pub mod yaml;
mod yaml_events;

pub use node::{Key, Node, NodeKind};
pub use node_de::from_node;
