//! Which labels the series of a PromQL expression's result can carry, as
//! Prometheus computes them: aggregations keep only their `by` labels (or
//! drop their `without` labels), one-to-one matching `on (...)` keeps only
//! those, `absent` keeps its selector's equality matchers, and so on. Used
//! to tell when an alert template reads a label that is always empty.

use std::collections::BTreeSet;

use promql_parser::label::MatchOp;
use promql_parser::parser::token::{
    T_BOTTOMK, T_COUNT_VALUES, T_LAND, T_LIMITK, T_LOR, T_LUNLESS, T_TOPK,
};
use promql_parser::parser::{Expr, LabelModifier, VectorMatchCardinality};

/// The labels a result's series may have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResultLabels {
    /// Whatever the selected series have, except these.
    AnyExcept(BTreeSet<String>),
    /// At most these (after an aggregation or `on (...)`).
    Only(BTreeSet<String>),
}

impl ResultLabels {
    fn none() -> Self {
        ResultLabels::Only(BTreeSet::new())
    }

    fn any() -> Self {
        ResultLabels::AnyExcept(BTreeSet::new())
    }

    /// Whether a result series can have label `name`.
    pub fn can_carry(&self, name: &str) -> bool {
        match self {
            ResultLabels::AnyExcept(except) => !except.contains(name),
            ResultLabels::Only(only) => only.contains(name),
        }
    }

    /// Whether the labels were narrowed by an aggregation or matching, as
    /// opposed to passed through from the selected series.
    pub fn is_narrowed(&self) -> bool {
        matches!(self, ResultLabels::Only(_))
    }

    fn keep(self, labels: &[String]) -> Self {
        let kept: BTreeSet<String> = labels
            .iter()
            .filter(|l| self.can_carry(l))
            .cloned()
            .collect();
        ResultLabels::Only(kept)
    }

    fn remove(self, labels: &[String]) -> Self {
        match self {
            ResultLabels::AnyExcept(mut except) => {
                except.extend(labels.iter().cloned());
                ResultLabels::AnyExcept(except)
            }
            ResultLabels::Only(mut only) => {
                for l in labels {
                    only.remove(l);
                }
                ResultLabels::Only(only)
            }
        }
    }

    fn add(self, labels: &[String]) -> Self {
        match self {
            ResultLabels::AnyExcept(mut except) => {
                for l in labels {
                    except.remove(l);
                }
                ResultLabels::AnyExcept(except)
            }
            ResultLabels::Only(mut only) => {
                only.extend(labels.iter().cloned());
                ResultLabels::Only(only)
            }
        }
    }

    fn union(self, other: Self) -> Self {
        match (self, other) {
            (ResultLabels::Only(a), ResultLabels::Only(b)) => ResultLabels::Only(&a | &b),
            (ResultLabels::AnyExcept(a), ResultLabels::AnyExcept(b)) => {
                ResultLabels::AnyExcept(&a & &b)
            }
            (ResultLabels::AnyExcept(a), ResultLabels::Only(b))
            | (ResultLabels::Only(b), ResultLabels::AnyExcept(a)) => {
                ResultLabels::AnyExcept(&a - &b)
            }
        }
    }
}

/// The labels the result of `expr` can carry.
pub fn result_labels(mut expr: &Expr) -> ResultLabels {
    // Parentheses keep the labels: unwrapping them in a loop keeps deeply
    // nested input (20,000 levels in the hostile corpus) off the stack.
    while let Expr::Paren(p) = expr {
        expr = &p.expr;
    }
    match expr {
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) => ResultLabels::none(),
        Expr::VectorSelector(_) | Expr::MatrixSelector(_) | Expr::Extension(_) => {
            ResultLabels::any()
        }
        Expr::Paren(p) => result_labels(&p.expr),
        Expr::Unary(u) => result_labels(&u.expr),
        Expr::Subquery(s) => result_labels(&s.expr),
        Expr::Aggregate(a) => {
            let inner = result_labels(&a.expr);
            let id = a.op.id();
            // These select series rather than merge them: labels pass through.
            if id == T_TOPK || id == T_BOTTOMK || id == T_LIMITK {
                return inner;
            }
            let grouped = match &a.modifier {
                Some(LabelModifier::Include(by)) => inner.keep(&by.labels),
                Some(LabelModifier::Exclude(without)) => inner.remove(&without.labels),
                None => ResultLabels::none(),
            };
            if id == T_COUNT_VALUES
                && let Some(Expr::StringLiteral(label)) = a.param.as_deref()
            {
                return grouped.add(std::slice::from_ref(&label.val));
            }
            grouped
        }
        Expr::Call(call) => call_labels(call),
        Expr::Binary(b) => {
            let lhs = result_labels(&b.lhs);
            let rhs = result_labels(&b.rhs);
            let id = b.op.id();
            let scalar = |e: &Expr| {
                matches!(
                    e.value_type(),
                    promql_parser::parser::value::ValueType::Scalar
                )
            };
            if scalar(&b.lhs) {
                return rhs;
            }
            if scalar(&b.rhs) {
                return lhs;
            }
            if id == T_LAND || id == T_LUNLESS {
                return lhs;
            }
            if id == T_LOR {
                return lhs.union(rhs);
            }
            let Some(modifier) = &b.modifier else {
                return lhs;
            };
            match &modifier.card {
                VectorMatchCardinality::OneToOne => match &modifier.matching {
                    Some(LabelModifier::Include(on)) => lhs.keep(&on.labels),
                    Some(LabelModifier::Exclude(ignoring)) => lhs.remove(&ignoring.labels),
                    None => lhs,
                },
                VectorMatchCardinality::ManyToOne(include) => lhs.add(&include.labels),
                VectorMatchCardinality::OneToMany(include) => rhs.add(&include.labels),
                VectorMatchCardinality::ManyToMany => lhs,
            }
        }
    }
}

fn call_labels(call: &promql_parser::parser::Call) -> ResultLabels {
    let args = &call.args.args;
    match call.func.name {
        "absent" | "absent_over_time" => {
            // Only the selector's equality matchers become labels.
            let selector = args.first().and_then(|a| match a.as_ref() {
                Expr::VectorSelector(v) => Some(v),
                Expr::MatrixSelector(m) => Some(&m.vs),
                _ => None,
            });
            let labels = selector
                .map(|v| {
                    v.matchers
                        .matchers
                        .iter()
                        .filter(|m| matches!(m.op, MatchOp::Equal) && m.name != "__name__")
                        .map(|m| m.name.clone())
                        .collect()
                })
                .unwrap_or_default();
            ResultLabels::Only(labels)
        }
        "label_replace" | "label_join" => {
            let inner = args
                .first()
                .map_or_else(ResultLabels::any, |a| result_labels(a));
            match args.get(1).map(AsRef::as_ref) {
                Some(Expr::StringLiteral(dst)) => inner.add(std::slice::from_ref(&dst.val)),
                _ => inner,
            }
        }
        "histogram_quantile" => args
            .get(1)
            .map_or_else(ResultLabels::any, |a| result_labels(a))
            .remove(&["le".to_owned()]),
        _ => {
            // Functions keep the labels of their vector argument; numbers and
            // strings (quantiles, factors, label names) are parameters. With
            // none (`time()`, `vector(1)`, `scalar(x)`), the result has no labels.
            args.iter()
                .find(|a| {
                    !matches!(
                        a.value_type(),
                        promql_parser::parser::value::ValueType::Scalar
                            | promql_parser::parser::value::ValueType::String
                    )
                })
                .map_or_else(ResultLabels::none, |a| result_labels(a))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(expr: &str) -> ResultLabels {
        result_labels(&promql_parser::parser::parse(expr).expect("valid PromQL"))
    }

    #[test]
    fn selectors_and_functions_pass_labels_through() {
        for expr in [
            "up == 0",
            "rate(x[5m]) > 1",
            "increase(velero_backup_failure_total[1h]) > 0",
            "topk(3, x)",
            "x and on (a) y",
            "clamp_min(x, 0)",
        ] {
            let l = labels(expr);
            assert!(
                l.can_carry("cluster") && l.can_carry("pod"),
                "{expr}: {l:?}"
            );
            assert!(!l.is_narrowed(), "{expr}");
        }
    }

    #[test]
    fn aggregations_and_matching_narrow_labels() {
        let by = labels("min by (backup_location) (velero_backup_location_available) == 0");
        assert!(by.can_carry("backup_location") && !by.can_carry("cluster"));
        assert!(!labels("sum(x)").can_carry("job"));
        let without = labels("sum without (pod) (x)");
        assert!(without.can_carry("job") && !without.can_carry("pod"));
        let on = labels("x / on (job) y");
        assert!(on.can_carry("job") && !on.can_carry("pod"));
        let left = labels("x * on (job) group_left (team) y");
        assert!(left.can_carry("pod") && left.can_carry("team"));
        let absent = labels(r#"absent(up{job="a", pod=~"b"})"#);
        assert!(absent.can_carry("job") && !absent.can_carry("pod"));
        assert!(labels("histogram_quantile(0.9, rate(x_bucket[5m]))").can_carry("job"));
        assert!(!labels("histogram_quantile(0.9, rate(x_bucket[5m]))").can_carry("le"));
        assert!(labels(r#"label_replace(sum(x), "dst", "$1", "a", "(.*)")"#).can_carry("dst"));
        assert!(labels("count_values(\"version\", build_info)").can_carry("version"));
        assert!(labels("sum by (a) (x) or sum by (b) (y)").can_carry("b"));
        assert!(!labels("time() - max(x) > 1").can_carry("cluster"));
        assert!(!labels("vector(1)").can_carry("job"));
        assert!(!labels("scalar(sum(x)) * vector(2)").can_carry("job"));
        assert!(labels("abs(x)").can_carry("job"));
    }
}
