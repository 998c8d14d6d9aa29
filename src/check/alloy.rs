//! (filled in by later work)

use super::{Ctx, Spec};

pub fn check(_spec: &Spec, _ctx: &mut Ctx) {}
