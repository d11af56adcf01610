//! Thread policy in one place: descend's own process-global pool, fixed-size chunks, and the
//! inline path for small inputs.
//!
//! Work is cut into chunks of [`CHUNK`] elements whatever the thread count, and per-chunk
//! results come back in chunk order, so results are bitwise the same for 1, 2, 3 ... threads.
//! The pool is rebuilt lazily when the thread count changes or when the process id changes: a
//! child created by `fork` inherits the pool's bookkeeping but none of its threads.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use rayon::prelude::*;

use crate::error::{Error, Result};

/// Elements per chunk. A multiple of [`crate::reduce::LANES`]; large enough that a chunk of a
/// memory-bound kernel (≥ 64 KiB of traffic) dwarfs rayon's per-task cost of about a microsecond.
pub const CHUNK: usize = 1 << 14;

/// Inputs with fewer elements run on the calling thread, which also keeps the GIL. Measured
/// with `benches/pointwise.py --threshold` on the 2-core development machine: below two chunks
/// a second thread does not pay for waking it.
pub const INLINE_BELOW: usize = 2 * CHUNK;

struct Pool {
    pool: Arc<rayon::ThreadPool>,
    threads: usize,
    pid: u32,
}

static POOL: Mutex<Option<Pool>> = Mutex::new(None);
/// 0 until first use, then the configured thread count.
static THREADS: AtomicUsize = AtomicUsize::new(0);
/// Bit i set when pool thread i ran a chunk of the most recent parallel call (a test hook).
static THREADS_SEEN: AtomicU64 = AtomicU64::new(0);

fn threads_from_env() -> usize {
    let from = |var: &str| {
        std::env::var(var)
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|&n| n > 0)
    };
    from("DESCEND_NUM_THREADS")
        .or_else(|| from("OMP_NUM_THREADS"))
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
}

/// The number of threads parallel calls use.
pub fn num_threads() -> usize {
    match THREADS.load(Ordering::Relaxed) {
        0 => {
            let n = threads_from_env();
            // A concurrent first call may have won; either way the stored value is from the env.
            let _ = THREADS.compare_exchange(0, n, Ordering::Relaxed, Ordering::Relaxed);
            THREADS.load(Ordering::Relaxed)
        }
        n => n,
    }
}

/// Sets the thread count for later calls and returns the previous one.
pub fn set_num_threads(n: usize) -> Result<usize> {
    if n == 0 {
        return Err(Error::Value(
            "the number of threads must be >= 1, got 0".into(),
        ));
    }
    let old = num_threads();
    THREADS.store(n, Ordering::Relaxed);
    Ok(old)
}

/// How many distinct pool threads ran chunks in the most recent parallel call.
pub fn threads_used_by_last_call() -> u32 {
    THREADS_SEEN.load(Ordering::Relaxed).count_ones()
}

/// Whether a call over `len` elements runs on the calling thread.
pub fn runs_inline(len: usize) -> bool {
    len < INLINE_BELOW || num_threads() == 1
}

fn pool() -> Arc<rayon::ThreadPool> {
    let threads = num_threads();
    let pid = std::process::id();
    let mut guard = POOL.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(current) = guard.as_ref() {
        if current.pid == pid && current.threads == threads {
            return Arc::clone(&current.pool);
        }
    }
    if let Some(stale) = guard.take() {
        if stale.pid != pid {
            // Its threads do not exist in this process; dropping would signal ghosts.
            std::mem::forget(stale);
        }
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("descend-{i}"))
        .build()
        .map(Arc::new)
        // Thread creation failing (resource limits) leaves a one-thread pool rather than a panic.
        .unwrap_or_else(|_| {
            Arc::new(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(1)
                    .build()
                    .expect("one thread"),
            )
        });
    *guard = Some(Pool {
        pool: Arc::clone(&pool),
        threads,
        pid,
    });
    pool
}

/// Runs `work` on every task and returns the results in task order. `len` is the total number
/// of elements, used to decide between the calling thread and the pool.
pub fn run_tasks<T, R, W>(len: usize, tasks: Vec<T>, work: W) -> Vec<R>
where
    T: Send,
    R: Send,
    W: Fn(T) -> R + Sync + Send,
{
    if tasks.len() < 2 || runs_inline(len) {
        return tasks.into_iter().map(work).collect();
    }
    THREADS_SEEN.store(0, Ordering::Relaxed);
    pool().install(|| {
        tasks
            .into_par_iter()
            .map(|task| {
                if let Some(i) = rayon::current_thread_index() {
                    THREADS_SEEN.fetch_or(1 << (i % 64), Ordering::Relaxed);
                }
                work(task)
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_task_order() {
        let tasks: Vec<usize> = (0..100).collect();
        let out = run_tasks(usize::MAX, tasks, |t| t * 2);
        assert_eq!(out, (0..100).map(|t| t * 2).collect::<Vec<_>>());
        assert!(set_num_threads(0).is_err());
    }
}
