//! Alertmanager semantics monocle needs at compile time: the matcher
//! syntax and the routing of an alert through a route tree (filled in by
//! the routing work).
