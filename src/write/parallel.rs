//! File-system work spread over threads: creating the files of new
//! folders and renaming them into place. File systems create files in
//! different folders side by side: on the 2-core development VM, two
//! `cp -r` of halves of a fleet's tree take half the time of one.

use std::num::NonZero;

/// Fewer items than this per thread are not worth a thread.
const MIN_PER_THREAD: usize = 16;

/// Runs `op` on every item, on up to as many threads as there are cores,
/// each taking a contiguous run (neighbours share folders). The results
/// come in item order. Scoped threads, not rayon: the write session runs
/// while rayon's workers may be blocked handing it files.
pub(super) fn each<T: Sync, R: Send>(items: &[T], op: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, NonZero::get)
        .min(items.len() / MIN_PER_THREAD)
        .max(1);
    if threads == 1 {
        return items.iter().map(op).collect();
    }
    let run = items.len().div_ceil(threads);
    let op = &op;
    std::thread::scope(|scope| {
        let others: Vec<_> = items
            .chunks(run)
            .skip(1)
            .map(|part| scope.spawn(move || part.iter().map(op).collect::<Vec<R>>()))
            .collect();
        let mut results: Vec<R> = items[..run].iter().map(op).collect();
        for other in others {
            match other.join() {
                Ok(part) => results.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        results
    })
}

#[cfg(test)]
mod tests {
    use super::each;

    #[test]
    fn results_come_in_item_order_whatever_the_threads() {
        for n in [0, 1, MIN, 2 * MIN + 1, 1000] {
            let items: Vec<usize> = (0..n).collect();
            let doubled = each(&items, |i| i * 2);
            assert_eq!(doubled, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        }
    }

    const MIN: usize = super::MIN_PER_THREAD;
}
