//! The elementwise driver: validation, the fused value+gradient pass, chunking, threads and
//! SIMD dispatch, once for every elementwise activation.
//!
//! One pass reads x (and upstream) and writes what was asked for: f(x), u·f'(x), or both. The
//! loop is monomorphised per combination of present arrays (see [`crate::stream`]), so an
//! absent upstream is a multiply by the constant 1, folded away: the gradient without upstream
//! is bitwise f'(x). Chunks have a fixed size and nothing is summed, so results depend neither
//! on the thread count nor on where a chunk or the tail starts.

use pulp::{Simd, WithSimd};

use super::{Elementwise, KernelUser, Request};
use crate::error::Result;
use crate::float::Float;
use crate::hyper;
use crate::par::{run_tasks, Tasks, CHUNK};
use crate::stream::{Off, Ones, Sink, Stream};

/// Validates `request` and runs the elementwise kernel `K` on it.
pub(super) fn run<K: Elementwise, F: Float>(request: Request<'_, F>) -> Result<()> {
    let options = hyper::parse(K::SPEC.name, request.params)?;
    request.validate_common()?;
    K::specialise(options, Execute(request));
    Ok(())
}

/// A validated request waiting for its kernel.
struct Execute<'a, F>(Request<'a, F>);

impl<F: Float> KernelUser for Execute<'_, F> {
    type Output = ();

    fn run<K: Elementwise>(self, k: K) {
        let Request {
            input,
            upstream,
            value,
            grad,
            ..
        } = self.0;
        let x = input.data;
        let (v, g, u) = (
            value.map(|o| o.data),
            grad.map(|o| o.data),
            upstream.map(|u| u.data),
        );
        match (v, g, u) {
            (Some(v), None, _) => chunked(k, x, Ones, v, Off),
            (None, Some(g), None) => chunked(k, x, Ones, Off, g),
            (None, Some(g), Some(u)) => chunked(k, x, u, Off, g),
            (Some(v), Some(g), None) => chunked(k, x, Ones, v, g),
            (Some(v), Some(g), Some(u)) => chunked(k, x, u, v, g),
            // Refused by validation.
            (None, None, _) => {}
        }
    }
}

fn chunked<K, F, U, V, G>(k: K, mut x: &[F], mut u: U, mut v: V, mut g: G)
where
    K: Elementwise,
    F: Float,
    U: Stream<F>,
    V: Sink<F>,
    G: Sink<F>,
{
    let n = x.len();
    let mut tasks = Tasks::with_capacity(n.div_ceil(CHUNK));
    while !x.is_empty() {
        let mid = CHUNK.min(x.len());
        let (x0, x1) = x.split_at(mid);
        let (u0, u1) = u.split(mid);
        let (v0, v1) = v.split(mid);
        let (g0, g1) = g.split(mid);
        tasks.push(Chunk {
            k,
            x: x0,
            u: u0,
            v: v0,
            g: g0,
        });
        (x, u, v, g) = (x1, u1, v1, g1);
    }
    run_tasks(n, K::SPEC.bound, tasks, crate::simd::dispatch);
}

/// One chunk's arrays, all of the same length.
struct Chunk<'a, K, F, U, V, G> {
    k: K,
    x: &'a [F],
    u: U,
    v: V,
    g: G,
}

impl<K, F, U, V, G> WithSimd for Chunk<'_, K, F, U, V, G>
where
    K: Elementwise,
    F: Float,
    U: Stream<F>,
    V: Sink<F>,
    G: Sink<F>,
{
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(mut self, _: S) {
        for i in 0..self.x.len() {
            // SAFETY: i < the chunk's length, the length of every stream and sink of it.
            unsafe { self.step(i) };
        }
    }
}

impl<K, F, U, V, G> Chunk<'_, K, F, U, V, G>
where
    K: Elementwise,
    F: Float,
    U: Stream<F>,
    V: Sink<F>,
    G: Sink<F>,
{
    /// One element. A function, not a closure: closures are separate functions that do not
    /// inherit the caller's target features, which leaves the loop scalar.
    ///
    /// # Safety
    /// `i` is below the chunk's length.
    #[inline(always)]
    unsafe fn step(&mut self, i: usize) {
        // SAFETY: every stream and sink of a chunk has the chunk's length, and i is below it.
        unsafe {
            let x = *self.x.get_unchecked(i);
            match (V::ON, G::ON) {
                (true, true) => {
                    let (y, d) = self.k.value_and_grad(x);
                    self.v.put(i, y);
                    self.g.put(i, self.u.at(i) * d);
                }
                (true, false) => self.v.put(i, self.k.value(x)),
                (false, true) => self.g.put(i, self.u.at(i) * self.k.grad(x)),
                (false, false) => {}
            }
        }
    }
}
