//! "Did you mean" suggestions and UpperCamel casing.

/// Levenshtein distance between `a` and `b`, or `None` once it must exceed `max`
/// (bounded so that long inputs stay cheap).
pub(super) fn levenshtein_within(a: &[char], b: &[char], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, cb) in b.iter().enumerate() {
            let substitute = prev[j] + usize::from(ca != cb);
            cur[j + 1] = substitute.min(prev[j + 1] + 1).min(cur[j] + 1);
            row_min = row_min.min(cur[j + 1]);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    Some(prev[b.len()]).filter(|d| *d <= max)
}

/// The candidate closest to `word`, if any is within `max(1, chars(word) / 3)` edits.
/// Words over 256 characters get no suggestion.
///
/// Distance is Levenshtein over lower-cased characters (so `CRITICAL` finds
/// `critical`); ties go to the smaller case-sensitive distance, then to the
/// alphabetically first candidate, so the answer never depends on input order.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    // Nobody misspells a keyword this long; the cap keeps the O(n*m) distance cheap.
    const MAX_WORD_CHARS: usize = 256;
    let exact: Vec<char> = word.chars().take(MAX_WORD_CHARS + 1).collect();
    if exact.len() > MAX_WORD_CHARS {
        return None;
    }
    let folded: Vec<char> = word.chars().flat_map(char::to_lowercase).collect();
    let max = (exact.len() / 3).max(1);
    let mut best: Option<(usize, usize, &'a str)> = None;
    for candidate in candidates {
        let cand_folded: Vec<char> = candidate.chars().flat_map(char::to_lowercase).collect();
        let Some(distance) = levenshtein_within(&folded, &cand_folded, max) else {
            continue;
        };
        let cand_exact: Vec<char> = candidate.chars().collect();
        let exact_distance =
            levenshtein_within(&exact, &cand_exact, usize::MAX).unwrap_or(usize::MAX);
        let key = (distance, exact_distance, candidate);
        if best.is_none_or(|b| key < b) {
            best = Some(key);
        }
    }
    best.map(|(_, _, candidate)| candidate)
}

/// UpperCamel form of a kebab/snake/dotted/spaced name, for alert and recording-rule
/// names: `api-availability` → `ApiAvailability`, `backup_success` → `BackupSuccess`.
/// Every non-alphanumeric character separates words; the rest of each word is kept
/// as written, so `HTTP-errors` → `HTTPErrors`.
pub fn upper_camel(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split(|c: char| !c.is_alphanumeric()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    out
}
