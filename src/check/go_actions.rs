//! The `{{ ... }}` actions of a Go template, found the one way both
//! template checkers (Prometheus alert texts, Alertmanager receiver fields)
//! read them.

/// One action: where it is written, and its inside without the braces and
/// trim markers.
pub struct Action {
    /// `{{` up to and including `}}`.
    pub open: usize,
    pub close: usize,
    /// The inside, without `- ` after `{{` or ` -` before `}}`.
    pub start: usize,
    pub end: usize,
}

/// The actions of `text` in order; `Err(open)` for an `{{` never closed.
/// A trim marker needs its space, as in Go: `{{-3}}` is the number -3.
pub fn actions(text: &str) -> Result<Vec<Action>, usize> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find("{{").map(|i| from + i) {
        let Some(close) = text[open + 2..].find("}}").map(|i| open + 2 + i) else {
            return Err(open);
        };
        from = close + 2;
        let mut start = open + 2;
        let mut end = close;
        if text[start..end].starts_with("- ") {
            start += 1;
        }
        if text[start..end].ends_with(" -") {
            end -= 1;
        }
        found.push(Action {
            open,
            close: close + 2,
            start,
            end,
        });
    }
    Ok(found)
}

/// The end of the quoted text opening at `start` (`"`, `'` or a raw
/// `` ` ``, which takes no escapes), just past its closing quote; `None`
/// when it is not closed before `end`.
pub fn quoted_end(bytes: &[u8], start: usize, end: usize) -> Option<usize> {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < end && bytes[i] != quote {
        if bytes[i] == b'\\' && quote != b'`' {
            i += 1;
        }
        i += 1;
    }
    (i < end).then_some(i + 1)
}

#[cfg(test)]
mod tests {
    use super::actions;

    #[test]
    fn trim_markers_need_their_space() {
        let text = "a {{- .x -}} b {{-3}}";
        let found = actions(text).unwrap();
        assert_eq!(&text[found[0].start..found[0].end], " .x ");
        assert_eq!(&text[found[1].start..found[1].end], "-3");
        assert_eq!(actions("{{ x").err(), Some(0));
    }
}
