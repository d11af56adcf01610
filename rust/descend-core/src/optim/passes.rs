//! The passes of a validated step: per-tensor constants, then every chunk of every tensor as one
//! task list on the pool (and, for rules with sums, a read-only first pass whose per-chunk
//! partials combine in a fixed order).
//!
//! Each tensor is cut into chunks of [`STEP_CHUNK`] elements; all chunks of all tensors form one task
//! list, so 200 small tensors cost one call and one pool wake-up, and a result never depends on
//! the thread count.

use pulp::{Simd, WithSimd};

use super::{Gathering, Rule, MAX_STATE, MAX_SUMS};
use crate::float::Float;
use crate::hyper::Hyper;
use crate::par::{self, Bound, CHUNK};

/// Elements per task of a step: 16 pool chunks. An update streams 3 to 5 arrays in place, and
/// on two threads 64 KiB pieces of each, interleaved between the threads, restarted the
/// hardware prefetchers so often that two threads ran slower than one; 1 MiB pieces do not.
/// Fixed, so LAMB's per-chunk sums group the same way for any thread count.
pub(super) const STEP_CHUNK: usize = 16 * CHUNK;
use crate::reduce::{self, LANES};
use crate::simd;

/// The validated tensors of one configuration, and the element count of the whole step (which
/// decides whether the pool is worth waking).
#[derive(Debug)]
pub struct Job<'a> {
    pub(super) tensors: Vec<TensorJob<'a>>,
    pub(super) total: usize,
}

/// A validated step of one tensor.
#[derive(Debug)]
pub(super) struct TensorJob<'a> {
    /// Its group's option values, in the spec's order (checked).
    pub(super) values: &'a [f64],
    /// The step number, 1 for the first.
    pub(super) step: u64,
    /// Whether its state arrays were just created.
    pub(super) fresh: bool,
    pub(super) carried: &'a mut [f64],
    pub(super) data: Data<'a>,
}

#[derive(Debug)]
pub(super) enum Data<'a> {
    F32(Arrays<'a, f32>),
    F64(Arrays<'a, f64>),
}

/// The arrays of one tensor, or of one chunk of it.
#[derive(Debug)]
pub(super) struct Arrays<'a, F> {
    pub(super) p: &'a mut [F],
    pub(super) g: &'a [F],
    pub(super) s: [&'a mut [F]; MAX_STATE],
}

enum Task<'a, R: Rule> {
    F32(R::Scalars<f32>, Arrays<'a, f32>),
    F64(R::Scalars<f64>, Arrays<'a, f64>),
}

/// Runs rule `R` over a validated job: per-tensor constants once, then every chunk of every
/// tensor as one task list.
pub fn run<R: Rule>(job: Job<'_>) {
    let total = job.total;
    let (tasks, _) = tasks::<R>(job);
    apply(total, tasks);
}

/// Runs a [`Gathering`] rule: as [`run`], with a first, read-only pass for the parameters
/// over the same chunks, whose per-tensor totals finish each tensor's constants.
pub fn run_gathering<R: Gathering>(job: Job<'_>) {
    let total = job.total;
    let (mut tasks, starts) = tasks::<R>(job);
    gather(total, &mut tasks, &starts);
    apply(total, tasks);
}

/// Every chunk of every tensor with its tensor's constants, and where each tensor's chunks
/// start in the list (and the end).
fn tasks<R: Rule>(job: Job<'_>) -> (Vec<Task<'_, R>>, Vec<usize>) {
    // At least a chunk per tensor: grown one at a time, small steps paid for every doubling.
    let mut tasks: Vec<Task<'_, R>> = Vec::with_capacity(job.tensors.len());
    let (mut memo32, mut memo64) = (Memo::default(), Memo::default());
    let mut starts = Vec::with_capacity(job.tensors.len() + 1);
    for t in job.tensors {
        starts.push(tasks.len());
        match t.data {
            Data::F32(a) => {
                let k = memo32.scalars::<R, f32>(t.values, t.step, t.fresh, t.carried);
                chunks(a, &mut |c| tasks.push(Task::F32(k, c)));
            }
            Data::F64(a) => {
                let k = memo64.scalars::<R, f64>(t.values, t.step, t.fresh, t.carried);
                chunks(a, &mut |c| tasks.push(Task::F64(k, c)));
            }
        }
    }
    starts.push(tasks.len());
    (tasks, starts)
}

fn apply<R: Rule>(total: usize, tasks: Vec<Task<'_, R>>) {
    par::run_tasks(total, Bound::Memory, tasks, |task| match task {
        Task::F32(k, a) => simd::dispatch(Apply::<R, f32> { k, a }),
        Task::F64(k, a) => simd::dispatch(Apply::<R, f64> { k, a }),
    });
}

/// The last tensor's constants: tensors of one group at one step (the common case) share
/// them, which saves the powers of the bias corrections per tensor. `scalars` is a pure
/// function of its inputs, carried scalars included, so reuse is exact.
struct Memo<K> {
    key: Option<(*const f64, u64, bool)>,
    carried_in: Vec<f64>,
    carried_out: Vec<f64>,
    k: Option<K>,
}

impl<K> Default for Memo<K> {
    fn default() -> Self {
        Self {
            key: None,
            carried_in: Vec::new(),
            carried_out: Vec::new(),
            k: None,
        }
    }
}

impl<K: Copy> Memo<K> {
    fn scalars<R, F: Float>(
        &mut self,
        values: &[f64],
        step: u64,
        fresh: bool,
        carried: &mut [f64],
    ) -> K
    where
        R: Rule<Scalars<F> = K>,
    {
        let key = Some((values.as_ptr(), step, fresh));
        if let Some(k) = self.k {
            if self.key == key && self.carried_in == carried {
                carried.copy_from_slice(&self.carried_out);
                return k;
            }
        }
        self.carried_in.clear();
        self.carried_in.extend_from_slice(carried);
        let k = R::scalars::<F>(&R::Options::from_values(values), step, fresh, carried);
        self.carried_out.clear();
        self.carried_out.extend_from_slice(carried);
        self.key = key;
        self.k = Some(k);
        k
    }
}

/// The first pass of a rule with sums: every chunk's partial sums (on the pool), each tensor's
/// totals as a pairwise sum of its chunks' partials in chunk order, then the tensor's final
/// constants from [`Gathering::finish`]. Chunks have a fixed size, so the totals, and the step, do
/// not depend on the thread count.
fn gather<R: Gathering>(total: usize, tasks: &mut [Task<'_, R>], starts: &[usize]) {
    let partials = par::run_tasks(
        total,
        Bound::Memory,
        tasks.iter_mut().collect::<Vec<_>>(),
        |task| match task {
            Task::F32(k, a) => simd::dispatch(Gather::<R, f32> { k, a }),
            Task::F64(k, a) => simd::dispatch(Gather::<R, f64> { k, a }),
        },
    );
    let mut column = Vec::new();
    for range in starts.windows(2) {
        let (first, end) = (range[0], range[1]);
        let mut sums = [0.0; MAX_SUMS];
        for (q, sum) in sums.iter_mut().enumerate().take(R::SUMS) {
            column.clear();
            column.extend(partials[first..end].iter().map(|p| p[q]));
            *sum = reduce::pairwise_sum(&column);
        }
        for task in &mut tasks[first..end] {
            match task {
                Task::F32(k, _) => *k = R::finish(*k, &sums[..R::SUMS]),
                Task::F64(k, _) => *k = R::finish(*k, &sums[..R::SUMS]),
            }
        }
    }
}

/// Cuts a tensor's arrays into chunks of [`STEP_CHUNK`] elements.
fn chunks<'a, F>(mut a: Arrays<'a, F>, emit: &mut dyn FnMut(Arrays<'a, F>)) {
    while a.p.len() > STEP_CHUNK {
        let (p, p_rest) = std::mem::take(&mut a.p).split_at_mut(STEP_CHUNK);
        let (g, g_rest) = a.g.split_at(STEP_CHUNK);
        let mut s: [&mut [F]; MAX_STATE] = Default::default();
        for (head, rest) in s.iter_mut().zip(a.s.iter_mut()) {
            if !rest.is_empty() {
                let (h, r) = std::mem::take(rest).split_at_mut(STEP_CHUNK);
                *head = h;
                *rest = r;
            }
        }
        emit(Arrays { p, g, s });
        a.p = p_rest;
        a.g = g_rest;
    }
    emit(a);
}

struct Apply<'a, R: Rule, F: Float> {
    k: R::Scalars<F>,
    a: Arrays<'a, F>,
}

impl<R: Rule, F: Float> WithSimd for Apply<'_, R, F> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) {
        let Self { k, a } = self;
        let Arrays { p, g, s } = a;
        let [s0, s1, s2, s3] = s;
        // One loop per state count, chosen at compile time (STATE is a constant), each a flat
        // zip LLVM vectorises; the rule's state slice has a constant length once inlined.
        match R::STATE.len() {
            0 => {
                for (p, &g) in p.iter_mut().zip(g) {
                    R::update(&k, p, g, &mut []);
                }
            }
            1 => {
                for ((p, &g), a) in p.iter_mut().zip(g).zip(s0.iter_mut()) {
                    let mut e = [*a];
                    R::update(&k, p, g, &mut e);
                    *a = e[0];
                }
            }
            2 => {
                for (((p, &g), a), b) in p.iter_mut().zip(g).zip(s0.iter_mut()).zip(s1.iter_mut()) {
                    let mut e = [*a, *b];
                    R::update(&k, p, g, &mut e);
                    [*a, *b] = e;
                }
            }
            3 => {
                let s = s0.iter_mut().zip(s1.iter_mut()).zip(s2.iter_mut());
                for ((p, &g), ((a, b), c)) in p.iter_mut().zip(g).zip(s) {
                    let mut e = [*a, *b, *c];
                    R::update(&k, p, g, &mut e);
                    [*a, *b, *c] = e;
                }
            }
            _ => {
                let s = s0
                    .iter_mut()
                    .zip(s1.iter_mut())
                    .zip(s2.iter_mut())
                    .zip(s3.iter_mut());
                for ((p, &g), (((a, b), c), d)) in p.iter_mut().zip(g).zip(s) {
                    let mut e = [*a, *b, *c, *d];
                    R::update(&k, p, g, &mut e);
                    [*a, *b, *c, *d] = e;
                }
            }
        }
    }
}

/// One chunk of a rule's first pass: its partial sums.
struct Gather<'t, 'a, R: Gathering, F: Float> {
    k: &'t R::Scalars<F>,
    a: &'t mut Arrays<'a, F>,
}

impl<R: Gathering, F: Float> WithSimd for Gather<'_, '_, R, F> {
    type Output = [f64; MAX_SUMS];

    /// Element `i` of the chunk adds its terms to lane `i % LANES` (chunks start at multiples
    /// of LANES, so that is its lane in the tensor too), and the lanes are summed as a fixed
    /// tree: the same partials for every SIMD path and alignment.
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) -> [f64; MAX_SUMS] {
        let Arrays { p, g, s } = self.a;
        let mut lanes = [[0.0; LANES]; MAX_SUMS];
        let n = p.len();
        let body = n - n % LANES;
        for start in (0..body).step_by(LANES) {
            // A constant length, so this block unrolls into straight-line vector code.
            gather_block::<R, F>(self.k, p, g, s, start, LANES, &mut lanes);
        }
        gather_block::<R, F>(self.k, p, g, s, body, n - body, &mut lanes);
        std::array::from_fn(|q| {
            if q < R::SUMS {
                reduce::sum_lanes(&lanes[q])
            } else {
                0.0
            }
        })
    }
}

/// Elements `start..start + len` (`len` ≤ LANES) of a chunk through [`Gathering::gather`],
/// element `start + j` into lane `j`.
#[inline(always)]
fn gather_block<R: Gathering, F: Float>(
    k: &R::Scalars<F>,
    p: &[F],
    g: &[F],
    s: &mut [&mut [F]; MAX_STATE],
    start: usize,
    len: usize,
    lanes: &mut [[f64; LANES]; MAX_SUMS],
) {
    let n_state = R::STATE.len();
    let (p, g) = (&p[start..start + len], &g[start..start + len]);
    let mut block: [&mut [F]; MAX_STATE] = Default::default();
    for (b, s) in block.iter_mut().zip(s.iter_mut()).take(n_state) {
        *b = &mut s[start..start + len];
    }
    for j in 0..len {
        let mut e = [F::ZERO; MAX_STATE];
        for (e, b) in e.iter_mut().zip(&block).take(n_state) {
            *e = b[j];
        }
        let terms = R::gather(k, p[j], g[j], &mut e[..n_state]);
        for (e, b) in e.iter().zip(block.iter_mut()).take(n_state) {
            b[j] = *e;
        }
        for (lane, term) in lanes.iter_mut().zip(terms).take(R::SUMS) {
            lane[j] += term;
        }
    }
}
