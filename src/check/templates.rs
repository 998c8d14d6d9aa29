//! Alert annotations and labels pass to Prometheus as Go templates
//! (`{{ $labels.cluster }}`, `{{ $value }}`). An unbalanced `{{` or `}}`
//! would make Prometheus reject the whole rule group, so it is caught here.

use super::{Ctx, Spec};
use crate::names::ValueError;

pub fn check(spec: &Spec, ctx: &mut Ctx) {
    for alert in &spec.alerts {
        let a = &alert.value;
        for (field, value) in [
            ("summary", &a.summary),
            ("description", &a.description),
            ("runbook", &a.runbook),
        ] {
            if let Some(text) = value
                && let Err(e) = check_template(text)
            {
                ctx.value_error("monocle::alerts::invalid_template", alert.span(&[field]), e);
            }
        }
        for (key, value) in &a.labels {
            if let Err(e) = check_template(value) {
                ctx.value_error(
                    "monocle::alerts::invalid_template",
                    alert.span(&["labels", key]),
                    e,
                );
            }
        }
    }
}

/// Every `{{` is closed by a `}}` before the next `{{`, and no `}}` stands alone.
pub fn check_template(text: &str) -> Result<(), ValueError> {
    let mut rest = 0;
    while rest < text.len() {
        let open = text[rest..].find("{{").map(|i| rest + i);
        let close = text[rest..].find("}}").map(|i| rest + i);
        match (open, close) {
            (None, None) => return Ok(()),
            (Some(o), c) if c.is_none_or(|c| c > o) => {
                let inner_start = o + 2;
                let end = text[inner_start..].find("}}").map(|i| inner_start + i);
                let nested = text[inner_start..].find("{{").map(|i| inner_start + i);
                match end {
                    Some(e) if nested.is_none_or(|n| n > e) => rest = e + 2,
                    _ => {
                        return Err(ValueError::new(o, o + 2, "unclosed `{{` in template")
                            .with_help(
                                "close the action with `}}`, e.g. `{{ $labels.cluster }}`",
                            ));
                    }
                }
            }
            (_, Some(c)) => {
                return Err(
                    ValueError::new(c, c + 2, "`}}` without an opening `{{` in template")
                        .with_help("remove it, or open the action with `{{`"),
                );
            }
            _ => return Ok(()),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_template;

    #[test]
    fn balanced_templates_pass() {
        for ok in [
            "",
            "plain",
            "{{ $value }} failed",
            "a {{ $labels.x }} b {{ $value | humanize }}",
            "{ single } braces",
        ] {
            assert!(check_template(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn unbalanced_templates_point_at_the_braces() {
        let e = check_template("backup {{ $labels.cluster failed").unwrap_err();
        assert_eq!((e.start, e.end), (7, 9));
        let e = check_template("oops }} here").unwrap_err();
        assert_eq!((e.start, e.end), (5, 7));
        let e = check_template("{{ a {{ b }}").unwrap_err();
        assert_eq!((e.start, e.end), (0, 2));
    }
}
