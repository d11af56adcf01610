//! Thread policy in one place: descend's own process-global pool, fixed-size chunks, and the
//! inline path for small inputs.
//!
//! Work is cut into chunks of [`CHUNK`] elements whatever the thread count, and per-chunk
//! results come back in chunk order, so results are bitwise the same for 1, 2, 3 ... threads.
//!
//! The calling thread works too, beside a pool of one thread fewer, as OpenMP's master thread
//! does. Handing the whole call to the pool, as `ThreadPool::install` does, put a third thread
//! on two cores: a woken worker could wait out a time slice behind the other, and on this
//! 2-core VM one worker ran every chunk of 10–60% of the calls at a million elements (mse_loss
//! value_and_grad, f32, a numpy call between calls: those took 0.4–0.8 ms against 0.24–0.30).
//! With the caller working, 0–4% of calls ran on one thread, and the median fell to 0.23–0.28 ms.
//!
//! The count is process-wide ([`set_num_threads`]), or a thread's own while it holds an override
//! ([`set_thread_override`], Python's `with descend.threads(n):`), so blocks in concurrent
//! Python threads neither see nor restore each other's counts.
//!
//! Counts are capped at [`THREADS_PER_CORE`] per core ([`max_threads`]), and a call wakes no
//! more helpers than it has chunks to share with the caller: a rayon thread out of work searches
//! every other thread's queue, yielding between rounds, before it sleeps, so idle threads cost
//! more than linearly in the pool's size. With `threads(3000)` on 2 cores, building the pool
//! and a first 2e6-element call took 230 s, later calls 11 s each.
//!
//! The pools of the last [`KEPT_POOLS`] thread counts used are kept (so `with threads(n):`
//! blocks do not respawn threads; a sweep over 32 counts once left 498 threads alive), and all
//! are rebuilt lazily when the process id changes: a child created by `fork` inherits the
//! pools' bookkeeping but none of their threads.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use smallvec::SmallVec;

use crate::error::{Error, Result};

/// Elements per chunk. A multiple of [`crate::reduce::LANES`]; large enough that a chunk of a
/// memory-bound kernel (≥ 64 KiB of traffic) dwarfs rayon's per-task cost of about a microsecond.
pub const CHUNK: usize = 1 << 14;

/// Calls over fewer elements keep the GIL: they take well under 10 µs, and a release would let
/// other Python threads in only to queue them behind it again. At this size releasing is free:
/// mse_loss value_and_grad on 32767 (kept) and 32768 (released) f32 elements both took
/// 8.0–8.3 µs per call, the release lost in the noise.
pub const GIL_RELEASE_FROM: usize = 2 * CHUNK;

/// What limits a kernel's speed, which decides when a second thread pays for waking it.
/// Measured on the 2-core development machine (f32, 2 threads against 1, medians of 41
/// interleaved calls, 2026-11-24):
/// - memory-bound (`mse_loss` value_and_grad, SGD-momentum step): a second thread loses below
///   ~500K elements (0.7–0.95× at 300K–400K, where one thread runs from cache and waking the
///   other costs more than it brings) and wins above (1.3–1.7× at 700K–1M, where one thread's
///   arrays no longer stay in its share of the caches; 1.2–1.5× at 2M–4M);
/// - compute-bound (`log_cosh_loss`, exp/log per element): 1.85× at 32K (two chunks) already.
///
/// Measured again once the caller took chunks too (2026-11-25, medians of 31): mse_loss gained
/// 0.73–1.20× from 64K to 384K elements, in no order, and 1.54× at 512K, so the memory-bound
/// threshold stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// A few flops per element: limited by memory bandwidth.
    Memory,
    /// Transcendentals or divisions per element: limited by arithmetic.
    Compute,
}

impl Bound {
    /// Elements from which a call runs on the pool.
    pub const fn parallel_from(self) -> usize {
        match self {
            Self::Memory => 1 << 19,
            Self::Compute => 2 * CHUNK,
        }
    }
}

/// Threads per core above which a count is capped. descend's kernels gain nothing from more
/// threads than cores; a few per core leave room for oversubscribed runs (tests of counts above
/// the core count). Measured on 2 cores (a pool and the caller sharing 122 chunks, as par.rs
/// does): up to 128 threads, building the pool took under 10 ms and a call 1 ms as with 2;
/// 300 took 40 ms and 2–4 ms, 1000 took 1.0–1.7 s, 3000 took minutes.
pub const THREADS_PER_CORE: usize = 4;

/// The largest thread count used: [`THREADS_PER_CORE`] per core this process may run on.
pub fn max_threads() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    THREADS_PER_CORE * *CORES.get_or_init(cores)
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

struct Pools {
    pid: u32,
    /// (thread count, pool); a handful of entries at most.
    by_threads: Vec<(usize, Arc<rayon::ThreadPool>)>,
}

static POOLS: Mutex<Option<Pools>> = Mutex::new(None);
/// 0 until first use, then the configured thread count.
static THREADS: AtomicUsize = AtomicUsize::new(0);
/// Pools kept, most recently used last.
const KEPT_POOLS: usize = 3;

thread_local! {
    /// This thread's own count while it holds an override; 0 when it holds none.
    static OVERRIDE: Cell<usize> = const { Cell::new(0) };
}
/// Bit i set when participant i (0: the caller, then the pool's threads) ran a chunk of the
/// most recent parallel call (a test hook).
static THREADS_SEEN: AtomicU64 = AtomicU64::new(0);

/// The variables a thread count is read from, first found first.
const THREAD_VARIABLES: [&str; 2] = ["DESCEND_NUM_THREADS", "OMP_NUM_THREADS"];

/// The count `value` of the variable `var` gives, if it gives one. OpenMP reads a list, one
/// count per nesting level (`4,2`); the first is the outer level's.
fn parse_count(var: &str, value: &str) -> Option<usize> {
    let first = if var == "OMP_NUM_THREADS" {
        value.split(',').next().unwrap_or_default()
    } else {
        value
    };
    first.trim().parse::<usize>().ok().filter(|&n| n > 0)
}

/// The variable the thread count is read from and the count it gives, if one gives one.
fn count_from_env() -> Option<(&'static str, usize)> {
    THREAD_VARIABLES
        .iter()
        .find_map(|&var| Some((var, parse_count(var, &std::env::var(var).ok()?)?)))
}

fn threads_from_env() -> usize {
    count_from_env().map_or_else(cores, |(_, n)| n.min(max_threads()))
}

/// Why a thread-count variable that is set is not used as it reads, if one is not (for a
/// warning at import): a count mistyped there would otherwise silently become all cores, and
/// one above [`max_threads`] is capped.
pub fn ignored_thread_variable() -> Option<String> {
    let ignored = THREAD_VARIABLES.iter().find_map(|var| {
        let value = std::env::var(var).ok()?;
        let ignored = !value.trim().is_empty() && parse_count(var, &value).is_none();
        ignored.then(|| format!("{var}={value:?} is not a whole number >= 1; ignored"))
    });
    ignored.or_else(|| {
        let (var, n) = count_from_env()?;
        let max = max_threads();
        (n > max).then(|| {
            format!("{var}={n} is more than {THREADS_PER_CORE} threads per core; capped at {max}")
        })
    })
}

/// The number of threads parallel calls made from this thread use.
pub fn num_threads() -> usize {
    match OVERRIDE.with(Cell::get) {
        0 => global_threads(),
        n => n,
    }
}

/// Sets this thread's own count (`None`: back to the process-wide one), capped at
/// [`max_threads`], and returns the previous override.
pub fn set_thread_override(n: Option<usize>) -> Result<Option<usize>> {
    if n == Some(0) {
        return Err(Error::Value(
            "the number of threads must be >= 1, got 0".into(),
        ));
    }
    let old = OVERRIDE.with(|o| o.replace(n.map_or(0, |n| n.min(max_threads()))));
    Ok((old > 0).then_some(old))
}

fn global_threads() -> usize {
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

/// Sets the thread count for later calls, capped at [`max_threads`], and returns the previous
/// one.
pub fn set_num_threads(n: usize) -> Result<usize> {
    if n == 0 {
        return Err(Error::Value(
            "the number of threads must be >= 1, got 0".into(),
        ));
    }
    let old = global_threads();
    THREADS.store(n.min(max_threads()), Ordering::Relaxed);
    Ok(old)
}

/// How many threads (the caller's included) ran chunks in the most recent parallel call.
pub fn threads_used_by_last_call() -> u32 {
    THREADS_SEEN.load(Ordering::Relaxed).count_ones()
}

/// Whether a call over `len` elements should release the GIL.
pub fn releases_gil(len: usize) -> bool {
    len >= GIL_RELEASE_FROM
}

fn pool() -> Arc<rayon::ThreadPool> {
    let threads = num_threads();
    let pid = std::process::id();
    let mut guard = POOLS.lock().unwrap_or_else(PoisonError::into_inner);
    if guard.as_ref().is_some_and(|pools| pools.pid != pid) {
        // Inherited through fork: their threads do not exist here, so dropping them would
        // signal ghosts. Leak the bookkeeping instead.
        std::mem::forget(guard.take());
    }
    let pools = guard.get_or_insert_with(|| Pools {
        pid,
        by_threads: Vec::new(),
    });
    if let Some(at) = pools.by_threads.iter().position(|(n, _)| *n == threads) {
        let entry = pools.by_threads.remove(at);
        let pool = Arc::clone(&entry.1);
        pools.by_threads.push(entry);
        return pool;
    }
    if pools.by_threads.len() >= KEPT_POOLS {
        // The least recently used goes; a call still running on it holds its own Arc.
        pools.by_threads.remove(0);
    }
    // The caller is the other thread. (1 at least: rayon reads 0 as "one per core".)
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.saturating_sub(1).max(1))
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
    pools.by_threads.push((threads, Arc::clone(&pool)));
    pool
}

/// Tasks, or their results. One is held inline: a call of a few hundred elements is one chunk,
/// and allocating and freeing a task list and a result list took about 350 of the 4,250
/// instructions of a whole small call (mse_loss value_and_grad at N = 100, callgrind).
pub type Tasks<T> = SmallVec<[T; 1]>;

/// Runs `work` on every task and returns the results in task order, on the pool when `len`
/// elements of a `bound` kernel are worth it, else on the calling thread. The results are the
/// same either way: the tasks are.
pub fn run_tasks<T, R, W>(len: usize, bound: Bound, tasks: impl Into<Tasks<T>>, work: W) -> Tasks<R>
where
    T: Send,
    R: Send,
    W: Fn(T) -> R + Sync + Send,
{
    let tasks = tasks.into();
    if tasks.len() < 2 || len < bound.parallel_from() || num_threads() == 1 {
        return tasks.into_iter().map(work).collect();
    }
    // Each task is taken from, and its result put in, a slot of its own; only the index
    // crosses into rayon. The pool code is then compiled once, not once per kernel: as a
    // generic over every chunk type it made the extension module tens of megabytes.
    let tasks: Vec<Mutex<Option<T>>> = tasks.into_iter().map(|t| Mutex::new(Some(t))).collect();
    let results: Vec<Mutex<Option<R>>> = tasks.iter().map(|_| Mutex::new(None)).collect();
    let run_one = |i: usize| {
        let task = tasks[i]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(task) = task {
            *results[i].lock().unwrap_or_else(PoisonError::into_inner) = Some(work(task));
        }
    };
    run_indices(tasks.len(), &run_one);
    results
        .into_iter()
        .map(|r| {
            r.into_inner()
                .unwrap_or_else(PoisonError::into_inner)
                .expect("every task ran")
        })
        .collect()
}

/// Calls `run(i)` for every `i < n`, on the calling thread and the pool's; each takes the next
/// index until none is left, so a late thread just takes fewer.
fn run_indices(n: usize, run: &(dyn Fn(usize) + Sync)) {
    THREADS_SEEN.store(0, Ordering::Relaxed);
    let next = AtomicUsize::new(0);
    let take_indices = |participant: usize| loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        if i >= n {
            break;
        }
        THREADS_SEEN.fetch_or(1 << (participant % 64), Ordering::Relaxed);
        run(i);
    };
    let pool = pool();
    // Each helper spawned wakes a pool thread; one woken with no index left to take would only
    // search the other threads' queues, spinning, before it sleeps again (2 chunks on 8 threads:
    // 255 µs of CPU per call with 1 helper woken, 335–450 with 7).
    let helpers = pool.current_num_threads().min(n.saturating_sub(1));
    pool.in_place_scope(|scope| {
        for helper in 1..=helpers {
            let take_indices = &take_indices;
            scope.spawn(move |_| take_indices(helper));
        }
        take_indices(0);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_task_order() {
        let tasks: Vec<usize> = (0..100).collect();
        let out = run_tasks(usize::MAX, Bound::Compute, tasks, |t| t * 2);
        assert_eq!(out.as_slice(), (0..100).map(|t| t * 2).collect::<Vec<_>>());
        assert!(set_num_threads(0).is_err());
    }

    #[test]
    fn counts_are_capped_at_a_few_per_core() {
        let max = max_threads();
        assert_eq!(max % THREADS_PER_CORE, 0);
        let old = set_thread_override(Some(usize::MAX)).unwrap();
        assert_eq!(num_threads(), max);
        set_thread_override(Some(max)).unwrap();
        assert_eq!(num_threads(), max);
        set_thread_override(old).unwrap();
    }
}
