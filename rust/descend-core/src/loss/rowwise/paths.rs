//! The paths a row-wise kernel's rows take, stated in its [`RowwiseLoss`] impl as types: each
//! is implemented only for kernels with the math it needs, and a loss without a path refuses
//! that kind of target in validation (its `TAKES` is false), so the path's runner is never
//! called.

use super::rows::{label_rows, Context, Parts};
use super::softmax_rows::label_chunk;
use super::SoftmaxLoss;
use super::{DenseBlock, DenseBlockLoss, DenseRow, DenseRowLoss, LabelRowLoss, RowwiseLoss};
use crate::float::Float;

/// How labelled rows are computed.
pub trait LabelPath<K>: 'static {
    /// Whether integer labels are taken.
    const TAKES: bool;
    /// Runs a chunk of labelled rows; returns the sum of their losses.
    fn chunk<F: Float, T: Copy + Into<i64>>(
        context: &Context<'_, K, F>,
        parts: Parts<'_, F>,
        labels: &[T],
    ) -> f64;
}

/// No labels: the loss takes dense targets only.
#[derive(Debug)]
pub struct NoLabels;

/// One row at a time through [`LabelRowLoss::label_row`].
#[derive(Debug)]
pub struct LabelRows;

/// Blocks of rows through their softmax reductions and [`SoftmaxLoss::softmax_label`].
#[derive(Debug)]
pub struct SoftmaxRows;

impl<K: RowwiseLoss> LabelPath<K> for NoLabels {
    const TAKES: bool = false;
    fn chunk<F: Float, T: Copy + Into<i64>>(
        _: &Context<'_, K, F>,
        _: Parts<'_, F>,
        _: &[T],
    ) -> f64 {
        0.0 // labels were refused by validation
    }
}

impl<K: LabelRowLoss> LabelPath<K> for LabelRows {
    const TAKES: bool = true;
    #[inline(always)]
    fn chunk<F: Float, T: Copy + Into<i64>>(
        context: &Context<'_, K, F>,
        parts: Parts<'_, F>,
        labels: &[T],
    ) -> f64 {
        label_rows(context, parts, labels)
    }
}

impl<K: SoftmaxLoss> LabelPath<K> for SoftmaxRows {
    const TAKES: bool = true;
    #[inline(always)]
    fn chunk<F: Float, T: Copy + Into<i64>>(
        context: &Context<'_, K, F>,
        parts: Parts<'_, F>,
        labels: &[T],
    ) -> f64 {
        label_chunk(context, parts, labels)
    }
}

/// How rows of a dense target are computed.
pub trait DensePath<K>: 'static {
    /// Whether float rows are taken.
    const TAKES: bool;
    /// The losses of a block of rows into `losses`; their gradients into `grad` if given.
    fn block<F: Float>(k: K, block: DenseBlock<'_, F>, grad: Option<&mut [F]>, losses: &mut [f64]);
}

/// No dense targets: the loss takes labels only.
#[derive(Debug)]
pub struct NoDense;

/// One row at a time through [`DenseRowLoss::dense_row`].
#[derive(Debug)]
pub struct DenseRows;

/// A block of rows at a time through [`DenseBlockLoss::dense_block`].
#[derive(Debug)]
pub struct DenseBlocks;

impl<K: RowwiseLoss> DensePath<K> for NoDense {
    const TAKES: bool = false;
    fn block<F: Float>(_: K, _: DenseBlock<'_, F>, _: Option<&mut [F]>, _: &mut [f64]) {
        // Dense targets were refused by validation.
    }
}

impl<K: DenseRowLoss> DensePath<K> for DenseRows {
    const TAKES: bool = true;
    #[inline(always)]
    fn block<F: Float>(
        k: K,
        block: DenseBlock<'_, F>,
        mut grad: Option<&mut [F]>,
        losses: &mut [f64],
    ) {
        let c = block.classes;
        let rows = block.x.chunks_exact(c).zip(block.target.chunks_exact(c));
        for (r, ((x, target), coef)) in rows.zip(block.coefs).enumerate() {
            let row = DenseRow {
                x,
                target,
                weight: block.weight,
                coef: *coef,
                scratch: &mut block.scratch[..c],
            };
            let g = grad.as_deref_mut().map(|g| &mut g[r * c..(r + 1) * c]);
            losses[r] = k.dense_row(row, g);
        }
    }
}

impl<K: DenseBlockLoss> DensePath<K> for DenseBlocks {
    const TAKES: bool = true;
    #[inline(always)]
    fn block<F: Float>(k: K, block: DenseBlock<'_, F>, grad: Option<&mut [F]>, losses: &mut [f64]) {
        k.dense_block(block, grad, losses);
    }
}
