//! The driver of softmax and log_softmax: the axis, its rows, chunks of rows, threads and SIMD.
//!
//! The rows are the vectors along `dim`. When `dim` is the last axis they are contiguous and
//! read in place; otherwise the input (and upstream) are copied once into row order, the
//! kernels write row-ordered buffers, and those are copied back into the outputs (the same
//! transposed copy as the row-wise losses, [`crate::array::to_rows`]). A strided walk would
//! save the copies but would give every kernel a second, strided form of each primitive.
//! Rows go in fixed-size chunks (a fixed number of rows each) to the pool, and a row's result
//! depends only on the row, so results do not depend on the thread count.

use pulp::{Simd, WithSimd};

use super::{AlongDim, Request};
use crate::array::{from_rows, to_rows, Axis};
use crate::error::{Error, Result};
use crate::float::Float;
use crate::hyper;
use crate::par::{run_tasks, Tasks, CHUNK};

/// Validates `request` and runs the kernel `K` along its `dim`.
pub(super) fn run<K: AlongDim, F: Float>(request: Request<'_, F>) -> Result<()> {
    let kernel: K = hyper::parse(K::SPEC.name, request.params)?;
    request.validate_common()?;
    if request.grad.is_some() && request.upstream.is_none() {
        return Err(Error::Value(format!(
            "{}'s vector-Jacobian product needs upstream (its Jacobian is not diagonal)",
            K::SPEC.name
        )));
    }
    let axis = resolve_axis(request.input.shape, request.dim)?;
    execute(kernel, request, axis);
    Ok(())
}

/// `dim` of an array shaped `shape`, as numpy reads an axis; a 0-d array is one row of one.
fn resolve_axis(shape: &[usize], dim: i64) -> Result<Axis> {
    let ndim = shape.len().max(1) as i64;
    if !(-ndim..ndim).contains(&dim) {
        return Err(Error::Axis(format!(
            "dim {dim} is out of bounds for an array of dimension {}",
            shape.len()
        )));
    }
    if shape.is_empty() {
        return Ok(Axis {
            outer: 1,
            len: 1,
            inner: 1,
        });
    }
    Ok(Axis::of(shape, dim.rem_euclid(ndim) as usize))
}

fn execute<K: AlongDim, F: Float>(kernel: K, request: Request<'_, F>, axis: Axis) {
    if axis.len == 0 || request.input.data.is_empty() {
        return; // no row holds an element: nothing to write
    }
    let x = to_rows(request.input.data, axis);
    let upstream = request.upstream.map(|u| to_rows(u.data, axis));
    let mut value = request.value.map(|o| o.data);
    let mut grad = request.grad.map(|o| o.data);
    // Row-ordered buffers stand in for the outputs when the rows are not contiguous.
    let transposed = axis.inner > 1;
    let buffer = |o: &Option<&mut [F]>| {
        o.as_ref()
            .filter(|_| transposed)
            .map(|o| vec![F::ZERO; o.len()])
    };
    let (mut value_rows, mut grad_rows) = (buffer(&value), buffer(&grad));
    chunked(
        kernel,
        axis.len,
        &x,
        upstream.as_deref(),
        pick(&mut value_rows, &mut value),
        pick(&mut grad_rows, &mut grad),
    );
    for (rows, out) in [(value_rows, value), (grad_rows, grad)] {
        if let (Some(rows), Some(out)) = (rows, out) {
            from_rows(&rows, out, axis);
        }
    }
}

/// The row-ordered buffer if there is one, else the output itself.
fn pick<'a, F>(
    rows: &'a mut Option<Vec<F>>,
    direct: &'a mut Option<&mut [F]>,
) -> Option<&'a mut [F]> {
    match rows {
        Some(r) => Some(r.as_mut_slice()),
        None => direct.as_deref_mut(),
    }
}

fn chunked<K: AlongDim, F: Float>(
    kernel: K,
    len: usize,
    mut x: &[F],
    mut upstream: Option<&[F]>,
    mut value: Option<&mut [F]>,
    mut grad: Option<&mut [F]>,
) {
    let n = x.len();
    let per_chunk = (CHUNK / len).max(1) * len;
    let mut tasks = Tasks::with_capacity(n.div_ceil(per_chunk));
    while !x.is_empty() {
        let mid = per_chunk.min(x.len());
        let (x0, x1) = x.split_at(mid);
        let (u0, u1) = split(upstream, mid);
        let (v0, v1) = split_mut(value, mid);
        let (g0, g1) = split_mut(grad, mid);
        tasks.push(RowChunk {
            kernel,
            len,
            x: x0,
            upstream: u0,
            value: v0,
            grad: g0,
        });
        (x, upstream, value, grad) = (x1, u1, v1, g1);
    }
    run_tasks(n, K::SPEC.bound, tasks, crate::simd::dispatch);
}

fn split<F>(a: Option<&[F]>, at: usize) -> (Option<&[F]>, Option<&[F]>) {
    a.map_or((None, None), |a| {
        let (l, r) = a.split_at(at);
        (Some(l), Some(r))
    })
}

fn split_mut<F>(a: Option<&mut [F]>, at: usize) -> (Option<&mut [F]>, Option<&mut [F]>) {
    a.map_or((None, None), |a| {
        let (l, r) = a.split_at_mut(at);
        (Some(l), Some(r))
    })
}

/// A whole number of rows.
struct RowChunk<'a, K, F> {
    kernel: K,
    len: usize,
    x: &'a [F],
    upstream: Option<&'a [F]>,
    value: Option<&'a mut [F]>,
    grad: Option<&'a mut [F]>,
}

impl<K: AlongDim, F: Float> WithSimd for RowChunk<'_, K, F> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) {
        let Self {
            kernel,
            len,
            x,
            upstream,
            mut value,
            mut grad,
        } = self;
        for (r, row) in x.chunks_exact(len).enumerate() {
            let at = r * len..(r + 1) * len;
            kernel.row(
                row,
                upstream.map(|u| &u[at.clone()]),
                value.as_deref_mut().map(|v| &mut v[at.clone()]),
                grad.as_deref_mut().map(|g| &mut g[at]),
            );
        }
    }
}
