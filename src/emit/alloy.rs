//! (filled in by later work)

use super::Emitted;
use crate::model::ClusterModel;

pub fn emit(_cluster: &ClusterModel) -> Vec<Emitted> {
    Vec::new()
}
