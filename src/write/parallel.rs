//! File-system work spread over threads: creating the files of new
//! folders and renaming them into place. File systems create files in
//! different folders side by side: on the 2-core development VM, two
//! `cp -r` of halves of a fleet's tree take half the time of one.

use std::num::NonZero;
use std::sync::OnceLock;

/// Fewer items than this per thread are not worth a thread.
const MIN_PER_THREAD: usize = 16;

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
        let pool = match threads {
            1 => None,
            _ => self.pool().as_ref(),
        };
        let Some(pool) = pool else {
            return items.iter().map(op).collect();
        };
        let run = items.len().div_ceil(threads);
        let parts: Vec<Vec<R>> = pool.install(|| {
            use rayon::prelude::*;
            items
                .par_chunks(run)
                .map(|part| part.iter().map(&op).collect())
                .collect()
        });
        parts.into_iter().flatten().collect()
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
    use super::Workers;

    #[test]
    fn results_come_in_item_order_whatever_the_threads() {
        let workers = Workers::default();
        for n in [0, 1, MIN, 2 * MIN + 1, 1000] {
            let items: Vec<usize> = (0..n).collect();
            let doubled = workers.each(&items, |i| i * 2);
            assert_eq!(doubled, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        }
    }

    const MIN: usize = super::MIN_PER_THREAD;
}
