//! The fused pass of a pointwise loss: fixed chunks on the pool, blocks of each chunk through
//! the kernel (its first stage as a loop of its own when it has one), and f64 lane sums.
//!
//! The loop is monomorphised per combination of present arrays ([`crate::stream`]), so absent
//! ones cost nothing in it, and per what is asked, so nothing unread is computed.

use pulp::{Simd, WithSimd};

use super::{Eval, PointwiseLoss, Third};
use crate::float::Float;
use crate::par::{run_tasks, Tasks, CHUNK};
use crate::reduce::{add_to_lanes, pairwise_sum, sum_lanes, LANES};
use crate::stream::{Off, Ones, Sink, Stream};

/// The arrays of one fused pass, before the weight and third array's types are fixed.
#[derive(Debug)]
pub struct Pass<'a, F> {
    x: &'a [F],
    y: &'a [F],
    upstream: Option<&'a [F]>,
    values: Option<&'a mut [F]>,
    grad: Option<&'a mut [F]>,
    third_grad: Option<&'a mut [F]>,
    accumulate: bool,
    scale: F,
}

impl<'a, F: Float> Pass<'a, F> {
    /// A pass over `x` and `y` writing what is given; `accumulate` sums w·ℓ, and the gradient
    /// is multiplied by `scale` (1/denominator of the reduction).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        x: &'a [F],
        y: &'a [F],
        upstream: Option<&'a [F]>,
        values: Option<&'a mut [F]>,
        grad: Option<&'a mut [F]>,
        third_grad: Option<&'a mut [F]>,
        accumulate: bool,
        scale: F,
    ) -> Self {
        Self {
            x,
            y,
            upstream,
            values,
            grad,
            third_grad,
            accumulate,
            scale,
        }
    }

    /// The gradient buffer, handed to [`Pass::run_with`] as the kernel's gradient sink.
    pub fn take_grad(&mut self) -> Option<&'a mut [F]> {
        self.grad.take()
    }

    /// The third array's gradient buffer.
    pub fn take_third_grad(&mut self) -> Option<&'a mut [F]> {
        self.third_grad.take()
    }

    /// Runs the loop instantiation for the arrays present; only valid combinations exist.
    /// Returns Σ w·ℓ when accumulating.
    pub fn run_with<K, W, A, G>(self, k: K, w: W, a: A, grad: Option<G>) -> f64
    where
        K: PointwiseLoss,
        W: Stream<F>,
        A: Stream<F>,
        G: Sink<F>,
    {
        let (x, y, s) = (self.x, self.y, self.scale);
        match (self.values, grad, self.upstream) {
            (None, None, _) => {
                chunked::<K, F, W, A, Ones, Off, Off, true>(k, x, y, w, a, Ones, Off, Off, s)
            }
            (None, Some(g), None) if self.accumulate => {
                chunked::<K, F, W, A, Ones, Off, _, true>(k, x, y, w, a, Ones, Off, g, s)
            }
            (None, Some(g), None) => {
                chunked::<K, F, W, A, Ones, Off, _, false>(k, x, y, w, a, Ones, Off, g, s)
            }
            (None, Some(g), Some(u)) => {
                chunked::<K, F, W, A, _, Off, _, false>(k, x, y, w, a, u, Off, g, s)
            }
            (Some(v), None, _) => {
                chunked::<K, F, W, A, Ones, _, Off, false>(k, x, y, w, a, Ones, v, Off, s)
            }
            (Some(v), Some(g), None) => {
                chunked::<K, F, W, A, Ones, _, _, false>(k, x, y, w, a, Ones, v, g, s)
            }
            (Some(v), Some(g), Some(u)) => {
                chunked::<K, F, W, A, _, _, _, false>(k, x, y, w, a, u, v, g, s)
            }
        }
    }
}

/// One chunk's arrays; all of the same length.
struct Chunk<'a, K, F, W, A, U, V, G, const ACC: bool> {
    k: K,
    x: &'a [F],
    y: &'a [F],
    w: W,
    a: A,
    u: U,
    v: V,
    g: G,
    scale: F,
}

#[allow(clippy::too_many_arguments)]
fn chunked<K, F, W, A, U, V, G, const ACC: bool>(
    k: K,
    mut x: &[F],
    mut y: &[F],
    mut w: W,
    mut a: A,
    mut u: U,
    mut v: V,
    mut g: G,
    scale: F,
) -> f64
where
    K: PointwiseLoss,
    F: Float,
    W: Stream<F>,
    A: Stream<F>,
    U: Stream<F>,
    V: Sink<F>,
    G: Sink<F>,
{
    let n = x.len();
    let mut tasks = Tasks::with_capacity(n.div_ceil(CHUNK));
    while !x.is_empty() {
        let mid = CHUNK.min(x.len());
        let (x0, x1) = x.split_at(mid);
        let (y0, y1) = y.split_at(mid);
        let (w0, w1) = w.split(mid);
        let (a0, a1) = a.split(mid);
        let (u0, u1) = u.split(mid);
        let (v0, v1) = v.split(mid);
        let (g0, g1) = g.split(mid);
        tasks.push(Chunk::<K, F, W, A, U, V, G, ACC> {
            k,
            x: x0,
            y: y0,
            w: w0,
            a: a0,
            u: u0,
            v: v0,
            g: g0,
            scale,
        });
        (x, y, w, a, u, v, g) = (x1, y1, w1, a1, u1, v1, g1);
    }
    let partials = run_tasks(n, K::SPEC.bound, tasks, crate::simd::dispatch);
    pairwise_sum(&partials)
}

/// Elements per block of a chunk, a multiple of [`LANES`]. Short blocks keep the lane sums of
/// one block inside the out-of-order window while the next block's loads are in flight: on
/// 1e7 f32 elements, mse_loss value_and_grad took 0.53–0.59 ns/element with 64 against
/// 0.62–0.69 with 256 (1 thread, `descend-core` alone, three interleaved runs each).
const BLOCK: usize = 64;

impl<K, F, W, A, U, V, G, const ACC: bool> WithSimd for Chunk<'_, K, F, W, A, U, V, G, ACC>
where
    K: PointwiseLoss,
    F: Float,
    W: Stream<F>,
    A: Stream<F>,
    U: Stream<F>,
    V: Sink<F>,
    G: Sink<F>,
{
    type Output = f64;

    #[inline(always)]
    fn with_simd<S: Simd>(mut self, _: S) -> f64 {
        let n = self.x.len();
        let mut lanes = [0.0_f64; LANES];
        // Each block runs as two flat loops LLVM vectorises: the kernel over the block (values
        // parked in an L1-resident buffer), then the f64 lane sums over the buffer. One fused
        // loop with the lane sums inside it stays scalar: the sums cannot be reassociated.
        let mut values = [F::ZERO; BLOCK];
        let mut stages = [F::ZERO; BLOCK];
        for start in (0..n).step_by(BLOCK) {
            let len = BLOCK.min(n - start);
            if K::Eval::STAGED {
                for (i, s) in (start..start + len).zip(stages.iter_mut()) {
                    // SAFETY: i < n, the length of every stream of the chunk.
                    *s = unsafe { self.stage(i) };
                }
            }
            for ((i, value), &s) in (start..start + len).zip(values.iter_mut()).zip(&stages) {
                // SAFETY: i < n, the length of every stream and sink of the chunk.
                *value = unsafe { self.step(i, s) };
            }
            if ACC {
                add_to_lanes(&mut lanes, &values[..len]);
            }
        }
        sum_lanes(&lanes)
    }
}

impl<K, F, W, A, U, V, G, const ACC: bool> Chunk<'_, K, F, W, A, U, V, G, ACC>
where
    K: PointwiseLoss,
    F: Float,
    W: Stream<F>,
    A: Stream<F>,
    U: Stream<F>,
    V: Sink<F>,
    G: Sink<F>,
{
    /// The kernel's first stage of element `i` (a [`super::Staged`] kernel's).
    ///
    /// # Safety
    /// `i` is below the chunk's length.
    #[inline(always)]
    unsafe fn stage(&self, i: usize) -> F {
        // SAFETY: every stream of a chunk has the chunk's length, and i is below it.
        unsafe {
            let (x, y) = (*self.x.get_unchecked(i), *self.y.get_unchecked(i));
            K::Eval::stage(self.k, x, y, self.a.at(i))
        }
    }

    /// One element: writes what is asked for and returns w·ℓ for the sum. A function, not a
    /// closure: closures are separate functions that do not inherit the caller's target
    /// features, which left the loop scalar.
    ///
    /// `stage` is the element's first stage (unused without one).
    ///
    /// # Safety
    /// `i` is below the chunk's length.
    #[inline(always)]
    unsafe fn step(&mut self, i: usize, stage: F) -> F {
        // SAFETY: every stream and sink of a chunk has the chunk's length, and i is below it.
        unsafe {
            let (x, y) = (*self.x.get_unchecked(i), *self.y.get_unchecked(i));
            let a = self.a.at(i);
            let k = self.k;
            let (l, d) = match (ACC || V::ON, G::ON) {
                (true, true) => K::Eval::value_and_grad(k, x, y, a, stage),
                (false, true) => (F::ZERO, K::Eval::grad(k, x, y, a, stage)),
                _ => (K::Eval::value(k, x, y, a, stage), F::ZERO),
            };
            let w = self.w.at(i);
            self.v.put(i, l * w);
            let chain = w * self.u.at(i) * self.scale;
            if G::PAIRED {
                let da = K::Third::third_grad(k, x, y, a);
                self.g.put_pair(i, d * chain, da * chain);
            } else {
                self.g.put(i, d * chain);
            }
            l * w
        }
    }
}
