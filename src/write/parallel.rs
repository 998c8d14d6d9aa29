//! File-system work spread over threads: creating the files of new
//! folders and renaming them into place. File systems create files in
//! different folders side by side: on the 2-core development VM, two
//! `cp -r` of halves of a fleet's tree take half the time of one.

use std::num::NonZero;
use std::sync::OnceLock;

/// Fewer items than this per thread are not worth a thread.
const MIN_PER_THREAD: usize = 16;

/// `items` cut into about `threads` runs of at least [`MIN_PER_THREAD`]
/// items, each ending at the change of `key` nearest its share.
fn runs_by_key<T, K: PartialEq>(items: &[T], threads: usize, key: impl Fn(&T) -> K) -> Vec<&[T]> {
    let mut runs = Vec::new();
    let mut rest = items;
    for left in (1..=threads.max(1)).rev() {
        if rest.is_empty() {
            break;
        }
        let share = rest
            .len()
            .div_ceil(left)
            .max(MIN_PER_THREAD)
            .min(rest.len());
        // The change of key nearest the share, before or after it.
        let changes = |end: &usize| *end == rest.len() || key(&rest[end - 1]) != key(&rest[*end]);
        let after = (share..=rest.len()).find(changes).unwrap_or(rest.len());
        let end = match (1..share).rev().find(changes) {
            Some(before) if share - before < after - share => before,
            _ => after,
        };
        let (this, next) = rest.split_at(end);
        runs.push(this);
        rest = next;
    }
    runs
}

/// The threads of one write session, started when first needed and kept
/// until the session ends. A pool of its own, not rayon's global one: the
/// session runs while the global pool's workers may be blocked handing it
/// files. Long-lived, not threads per batch: a per-cluster tree of
/// gigabytes comes in thousands of batches.
#[derive(Default)]
pub(super) struct Workers {
    pool: OnceLock<Option<rayon::ThreadPool>>,
}

impl Workers {
    /// Runs `op` on every item, on up to as many threads as there are
    /// cores, each taking a contiguous run (neighbours share folders).
    /// The results come in item order.
    pub(super) fn each<T: Sync, R: Send>(
        &self,
        items: &[T],
        op: impl Fn(&T) -> R + Sync,
    ) -> Vec<R> {
        let cores = std::thread::available_parallelism().map_or(1, NonZero::get);
        let threads = cores.min(items.len() / MIN_PER_THREAD).max(1);
        let runs: Vec<&[T]> = items.chunks(items.len().div_ceil(threads).max(1)).collect();
        let runs: Vec<Vec<R>> = self.each_run(&runs, |run| run.iter().map(&op).collect());
        runs.into_iter().flatten().collect()
    }

    /// [`each`](Self::each) with each thread's run ending where `key`
    /// changes: items of one key (folders of one parent) stay on one
    /// thread, as a file system takes a folder's lock to add an entry and
    /// two threads adding to the same folder spin on it. Items of a key
    /// are expected next to each other.
    pub(super) fn each_grouped<T: Sync, K: PartialEq, R: Send>(
        &self,
        items: &[T],
        key: impl Fn(&T) -> K,
        op: impl Fn(&T) -> R + Sync,
    ) -> Vec<R> {
        let cores = std::thread::available_parallelism().map_or(1, NonZero::get);
        let runs = runs_by_key(items, cores, key);
        let runs: Vec<Vec<R>> = self.each_run(&runs, |run| run.iter().map(&op).collect());
        runs.into_iter().flatten().collect()
    }

    /// Runs `op` on each of `runs` on its own thread when there are several.
    fn each_run<T: Sync, R: Send>(&self, runs: &[T], op: impl Fn(&T) -> R + Sync) -> Vec<R> {
        let pool = match runs.len() {
            0 | 1 => None,
            _ => self.pool().as_ref(),
        };
        let Some(pool) = pool else {
            return runs.iter().map(op).collect();
        };
        pool.install(|| {
            use rayon::prelude::*;
            runs.par_iter().map(&op).collect()
        })
    }

    /// The pool; `None` if threads cannot be started (then work runs on
    /// the calling thread).
    fn pool(&self) -> &Option<rayon::ThreadPool> {
        self.pool.get_or_init(|| {
            let cores = std::thread::available_parallelism().map_or(1, NonZero::get);
            rayon::ThreadPoolBuilder::new()
                .num_threads(cores)
                .thread_name(|i| format!("monocle-write-{i}"))
                .build()
                .ok()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{Workers, runs_by_key};

    #[test]
    fn results_come_in_item_order_whatever_the_threads() {
        let workers = Workers::default();
        for n in [0, 1, MIN, 2 * MIN + 1, 1000] {
            let items: Vec<usize> = (0..n).collect();
            let doubled = workers.each(&items, |i| i * 2);
            assert_eq!(doubled, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn runs_end_where_the_key_changes() {
        // (group sizes, threads) and the runs' sizes.
        for (groups, threads, expected) in [
            (vec![3 * MIN, MIN + 1], 2, vec![3 * MIN, MIN + 1]),
            (vec![MIN, MIN, MIN, MIN], 2, vec![2 * MIN, 2 * MIN]),
            (vec![4 * MIN], 2, vec![4 * MIN]),
            (vec![1, 1, 1], 2, vec![3]),
            (vec![MIN, MIN], 1, vec![2 * MIN]),
            // The nearer change: before the share, or after it.
            (vec![3 * MIN, 4 * MIN, MIN], 2, vec![3 * MIN, 5 * MIN]),
            (vec![MIN, 6 * MIN, MIN], 2, vec![7 * MIN, MIN]),
            (vec![], 2, vec![]),
        ] {
            let items: Vec<(usize, usize)> = groups
                .iter()
                .enumerate()
                .flat_map(|(g, &n)| (0..n).map(move |i| (g, i)))
                .collect();
            let runs = runs_by_key(&items, threads, |item| item.0);
            let sizes: Vec<usize> = runs.iter().map(|r| r.len()).collect();
            assert_eq!(sizes, expected, "{groups:?} on {threads}");
            assert_eq!(runs.concat(), items);
            let workers = Workers::default();
            assert_eq!(
                workers.each_grouped(&items, |item| item.0, |item| *item),
                items
            );
        }
    }

    const MIN: usize = super::MIN_PER_THREAD;
}
