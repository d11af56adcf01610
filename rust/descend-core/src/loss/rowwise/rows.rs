//! Rows of a validated call in fixed-size chunks (a fixed number of rows each) on the pool;
//! each chunk sums its rows' terms in order, and the chunk sums are combined in a fixed tree,
//! so results do not depend on the thread count.

use pulp::{Simd, WithSimd};

use super::{DenseBlock, DensePath, LabelPath, LabelRow, LabelRowLoss, RowwiseLoss};
use crate::float::Float;
use crate::par::{run_tasks, Tasks, CHUNK};
use crate::reduce::pairwise_sum;

/// Elements per block of dense rows (at least one row): the block's working space and
/// gradient stay in L1 between a kernel's passes over them.
const DENSE_BLOCK_ELEMENTS: usize = 1024;

/// What every row of a call shares.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a, K, F> {
    /// The kernel.
    pub kernel: K,
    /// Classes per row (> 0).
    pub classes: usize,
    /// Class weights, if any.
    pub weight: Option<&'a [F]>,
    /// Σ w_c (the class count without weights).
    pub weight_sum: f64,
    /// d(reduced loss)/d(row loss): 1/denominator for `"mean"`, 1 otherwise; `upstream`
    /// replaces it row by row when given.
    pub coef: f64,
}

/// The row-ordered arrays of a call, or of one chunk of it.
#[derive(Debug)]
pub struct Parts<'a, F> {
    /// The rows' scores.
    pub x: &'a [F],
    /// Per row, d(output)/d(row loss) for `reduction="none"`.
    pub upstream: Option<&'a [F]>,
    /// Per row, the loss.
    pub values: Option<&'a mut [F]>,
    /// The rows' gradient.
    pub grad: Option<&'a mut [F]>,
}

/// Per-row targets: labels or distributions.
pub(super) trait RowTargets<F: Float>: Copy + Send + Sync {
    /// Splits after `rows` rows of `classes` classes.
    fn split(self, rows: usize, classes: usize) -> (Self, Self);
    /// Runs a chunk of rows and returns the sum of their losses.
    fn chunk<K: RowwiseLoss>(self, context: &Context<'_, K, F>, parts: Parts<'_, F>) -> f64;
}

#[derive(Clone, Copy)]
pub(super) struct LabelTargets<'a, T>(pub(super) &'a [T]);

impl<F: Float, T: Copy + Into<i64> + Send + Sync> RowTargets<F> for LabelTargets<'_, T> {
    fn split(self, rows: usize, _: usize) -> (Self, Self) {
        let (a, b) = self.0.split_at(rows);
        (Self(a), Self(b))
    }

    #[inline(always)]
    fn chunk<K: RowwiseLoss>(self, context: &Context<'_, K, F>, parts: Parts<'_, F>) -> f64 {
        K::Labels::chunk(context, parts, self.0)
    }
}

#[derive(Clone, Copy)]
pub(super) struct DenseTargets<'a, F>(pub(super) &'a [F]);

impl<F: Float> RowTargets<F> for DenseTargets<'_, F> {
    fn split(self, rows: usize, classes: usize) -> (Self, Self) {
        let (a, b) = self.0.split_at(rows * classes);
        (Self(a), Self(b))
    }

    /// Blocks of [`DENSE_BLOCK_ELEMENTS`] (at least one row) go to the kernel's dense path.
    #[inline(always)]
    fn chunk<K: RowwiseLoss>(self, context: &Context<'_, K, F>, parts: Parts<'_, F>) -> f64 {
        let classes = context.classes;
        // No larger than the chunk: a call of 100 elements spent 5% of its time zeroing 4 KiB.
        let block_rows = (DENSE_BLOCK_ELEMENTS / classes)
            .min(parts.x.len() / classes)
            .max(1);
        let mut scratch = vec![F::ZERO; block_rows * classes];
        let mut coefs = vec![0.0; block_rows];
        let mut losses = vec![0.0; block_rows];
        let (mut values, mut grad) = (parts.values, parts.grad);
        let mut total = 0.0;
        let blocks = parts.x.chunks(block_rows * classes);
        for (b, (x, target)) in blocks.zip(self.0.chunks(block_rows * classes)).enumerate() {
            let (first, rows) = (b * block_rows, x.len() / classes);
            for (r, coef) in coefs[..rows].iter_mut().enumerate() {
                *coef = parts
                    .upstream
                    .map_or(context.coef, |u| u[first + r].to_f64());
            }
            let block = DenseBlock {
                x,
                target,
                weight: context.weight,
                coefs: &coefs[..rows],
                classes,
                scratch: &mut scratch[..x.len()],
            };
            let g = grad
                .as_deref_mut()
                .map(|g| &mut g[first * classes..first * classes + x.len()]);
            K::Dense::block(context.kernel, block, g, &mut losses[..rows]);
            for (r, &loss) in losses[..rows].iter().enumerate() {
                if let Some(v) = values.as_deref_mut() {
                    v[first + r] = F::from_f64(loss);
                }
                total += loss;
            }
        }
        total
    }
}

/// Cuts the rows into chunks, runs them, and returns the sum of the row losses. Rows have at
/// least one class.
pub(super) fn chunked<K: RowwiseLoss, F: Float, T: RowTargets<F>>(
    context: Context<'_, K, F>,
    parts: Parts<'_, F>,
    targets: T,
) -> f64 {
    let classes = context.classes;
    let rows = parts.x.len() / classes;
    let per_chunk = (CHUNK / classes).max(1);
    let mut tasks = Tasks::with_capacity(rows.div_ceil(per_chunk));
    let (mut x, mut upstream, mut values, mut grad, mut targets) =
        (parts.x, parts.upstream, parts.values, parts.grad, targets);
    let mut left = rows;
    while left > 0 {
        let n = per_chunk.min(left);
        let (x0, x1) = x.split_at(n * classes);
        let (t0, t1) = targets.split(n, classes);
        let (u0, u1) = split_opt(upstream, n);
        let (v0, v1) = split_mut_opt(values, n);
        let (g0, g1) = split_mut_opt(grad, n * classes);
        tasks.push(RowChunk {
            context,
            parts: Parts {
                x: x0,
                upstream: u0,
                values: v0,
                grad: g0,
            },
            targets: t0,
        });
        (x, upstream, values, grad, targets) = (x1, u1, v1, g1, t1);
        left -= n;
    }
    let sums = run_tasks(rows * classes, K::SPEC.bound, tasks, crate::simd::dispatch);
    pairwise_sum(&sums)
}

fn split_opt<F>(a: Option<&[F]>, at: usize) -> (Option<&[F]>, Option<&[F]>) {
    a.map_or((None, None), |a| {
        let (l, r) = a.split_at(at);
        (Some(l), Some(r))
    })
}

fn split_mut_opt<F>(a: Option<&mut [F]>, at: usize) -> (Option<&mut [F]>, Option<&mut [F]>) {
    a.map_or((None, None), |a| {
        let (l, r) = a.split_at_mut(at);
        (Some(l), Some(r))
    })
}

/// One chunk of rows.
struct RowChunk<'a, K, F, T> {
    context: Context<'a, K, F>,
    parts: Parts<'a, F>,
    targets: T,
}

impl<K: RowwiseLoss, F: Float, T: RowTargets<F>> WithSimd for RowChunk<'_, K, F, T> {
    type Output = f64;

    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) -> f64 {
        self.targets.chunk(&self.context, self.parts)
    }
}

/// Runs a chunk of labelled rows one at a time through the kernel's `label_row`.
#[inline(always)]
pub(super) fn label_rows<K: LabelRowLoss, F: Float, T: Copy + Into<i64>>(
    context: &Context<'_, K, F>,
    parts: Parts<'_, F>,
    labels: &[T],
) -> f64 {
    let classes = context.classes;
    let mut scratch = vec![F::ZERO; classes];
    let (mut values, mut grad) = (parts.values, parts.grad);
    let mut total = 0.0;
    for (r, x) in parts.x.chunks_exact(classes).enumerate() {
        let mut g = grad
            .as_deref_mut()
            .map(|g| &mut g[r * classes..(r + 1) * classes]);
        let label: i64 = labels[r].into();
        let loss = if Some(label) == context.kernel.ignore_index() {
            if let Some(g) = g.as_deref_mut() {
                g.fill(F::ZERO);
            }
            0.0
        } else {
            let row = LabelRow {
                x,
                // In range: checked by the label pass.
                label: label as usize,
                weight: context.weight,
                coef: parts.upstream.map_or(context.coef, |u| u[r].to_f64()),
                scratch: &mut scratch,
            };
            context.kernel.label_row(row, g)
        };
        if let Some(v) = values.as_deref_mut() {
            v[r] = F::from_f64(loss);
        }
        total += loss;
    }
    total
}
