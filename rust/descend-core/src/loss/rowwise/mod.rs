//! Row-wise losses: a loss over the class axis of each row (softmax cross-entropy, NLL), then
//! reduced over rows by the driver.
//!
//! A kernel is one small `Copy` struct (its options, declared with [`crate::hyper!`]) and the
//! math of its rows, given their logits, their targets (class labels or rows of
//! probabilities), the class weights and the coefficients the gradient is scaled by. Its
//! [`RowwiseLoss`] impl states which paths its labelled and dense rows take; each path needs
//! its math trait, so a kernel cannot state one it lacks. [`LOSSES`] below is the only list
//! of them. Shapes, label checks, ignored rows, denominators and the class axis of
//! K-dimensional inputs are in [`driver`]; chunks of rows, threads and SIMD in [`rows`], and
//! the block-wise softmax machinery in [`softmax_rows`]; the vectorised row primitives in
//! [`crate::simd::row`], shared with the softmax activations.

pub mod driver;
mod paths;
mod rows;
mod softmax_rows;
#[cfg(test)]
mod tests;

mod cross_entropy;
mod multi_margin_loss;
mod multilabel_soft_margin_loss;
mod nll_loss;

pub use paths::SoftmaxRows;
pub use paths::{DenseBlocks, DensePath, DenseRows, LabelPath, LabelRows, NoDense, NoLabels};

use super::{LossEntry, LossFacts};
use crate::array::Typed;
use crate::float::Float;
use crate::hyper::Hyper;
use crate::par::Bound;
use crate::registry::{Entry, Fact};

/// torch's default `ignore_index`, the only one it allows with class-probability targets.
pub const DEFAULT_IGNORE_INDEX: i64 = -100;

/// What `"mean"` divides labelled rows by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelMean {
    /// Σ w_y over the rows not ignored (their count without weights): torch's NLL rule.
    OverWeights,
    /// The number of rows, weights or not (torch's `multi_margin_loss`).
    OverRows,
}

/// What a row-wise kernel declares about itself beside its options and capabilities.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RowSpec {
    /// Registry name = file stem = Python name.
    pub name: &'static str,
    /// The `"mean"` rule for labelled rows (rows of a dense target always divide by the rows).
    pub label_mean: LabelMean,
    /// Whether inputs of shape (N, C, d1, …, dK) are taken, or only (C,) and (N, C).
    pub kdim: bool,
    /// What limits its speed (decides when threads pay).
    pub bound: Bound,
    /// The loss of a row of no classes: 0 for a sum over the classes, NaN for a mean over
    /// them (as torch's).
    pub empty_row: f64,
}

/// A loss over the classes of one row; the kernel is its own options. It states how its
/// labelled rows and its rows of a dense target are computed, each path needing its math.
pub trait RowwiseLoss: Hyper {
    /// Name, mean rule, class axes, bound, empty rows.
    const SPEC: RowSpec;
    /// Labelled rows: [`NoLabels`], [`LabelRows`] ([`LabelRowLoss`]) or [`SoftmaxRows`]
    /// ([`SoftmaxLoss`]).
    type Labels: LabelPath<Self>;
    /// Rows of a dense target: [`NoDense`], [`DenseRows`] ([`DenseRowLoss`]) or
    /// [`DenseBlocks`] ([`DenseBlockLoss`]).
    type Dense: DensePath<Self>;
    /// The label that marks a row to skip, if the loss has one (torch's `ignore_index`).
    fn ignore_index(self) -> Option<i64> {
        None
    }
}

/// The math of a labelled row, one row at a time. Row methods are `#[inline(always)]` so they
/// compile inside the driver's SIMD context; they use [`crate::simd::row`]'s primitives.
pub trait LabelRowLoss: RowwiseLoss {
    /// The loss of a labelled row; writes the row's gradient into `grad` if given.
    fn label_row<F: Float>(self, row: LabelRow<'_, F>, grad: Option<&mut [F]>) -> f64;
}

/// A softmax loss over labelled rows: its loss and gradient from the row's reductions, which
/// the driver computes a block of rows at a time ([`SoftmaxLabelRow`]).
pub trait SoftmaxLoss: RowwiseLoss {
    /// A labelled row's loss and gradient coefficients.
    fn softmax_label(self, row: &SoftmaxLabelRow) -> (f64, SoftmaxGrad);
    /// Whether its loss has a term over every class (label smoothing). It then needs
    /// [`SoftmaxLabelRow::neg_log_softmax_sum`], and its gradient's [`SoftmaxGrad::shift`] the
    /// class weights; without it neither is formed, so an infinite weight cannot make 0·∞.
    fn smooths(self) -> bool {
        false
    }
}

/// The math of a row with a dense target, one row at a time.
pub trait DenseRowLoss: RowwiseLoss {
    /// The loss of the row; writes its gradient into `grad` if given.
    fn dense_row<F: Float>(self, row: DenseRow<'_, F>, grad: Option<&mut [F]>) -> f64;
}

/// The math of rows with a dense target, a block of rows at a time: for losses whose terms
/// are elementwise, whose short rows would otherwise spend their transcendentals in scalar
/// vector-loop tails.
pub trait DenseBlockLoss: RowwiseLoss {
    /// The losses of the block's rows into `losses` (one per row); writes their gradients
    /// into `grad` if given.
    fn dense_block<F: Float>(
        self,
        block: DenseBlock<'_, F>,
        grad: Option<&mut [F]>,
        losses: &mut [f64],
    );
}

/// What the loss family states about a row-wise loss.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RowFacts {
    /// Whether it takes integer class labels.
    pub labels: bool,
    /// Whether it takes a float row per row (class probabilities, or 0/1 per class).
    pub dense: bool,
    /// The `"mean"` rule for labelled rows.
    pub label_mean: LabelMean,
    /// Whether (N, C, d1, …, dK) inputs are taken.
    pub kdim: bool,
}

impl RowFacts {
    /// "labels", "dense" or "both".
    pub fn targets(&self) -> &'static str {
        match (self.labels, self.dense) {
            (true, true) => "both",
            (false, _) => "dense",
            (true, false) => "labels",
        }
    }

    pub(crate) fn describe(&self) -> Vec<(&'static str, Fact)> {
        vec![
            ("kind", Fact::Word("rowwise")),
            ("targets", Fact::Word(self.targets())),
            (
                "label_mean",
                Fact::Word(match self.label_mean {
                    LabelMean::OverWeights => "sum_w",
                    LabelMean::OverRows => "rows",
                }),
            ),
            ("kdim", Fact::Flag(self.kdim)),
        ]
    }
}

/// Shape of the unreduced loss: the input's without the class axis.
pub fn loss_shape(input: &[usize]) -> Vec<usize> {
    match input {
        [] | [_] => Vec::new(),
        [n, _, rest @ ..] => std::iter::once(*n).chain(rest.iter().copied()).collect(),
    }
}

/// The entry of row-wise loss `K`.
pub const fn entry<K: RowwiseLoss>() -> LossEntry {
    Entry {
        name: K::SPEC.name,
        params: K::SPECS,
        bound: K::SPEC.bound,
        facts: LossFacts::Rowwise(RowFacts {
            labels: K::Labels::TAKES,
            dense: K::Dense::TAKES,
            label_mean: K::SPEC.label_mean,
            kdim: K::SPEC.kdim,
        }),
        run: |call| match call {
            Typed::F32(r) => driver::run::<K, f32>(r),
            Typed::F64(r) => driver::run::<K, f64>(r),
        },
    }
}

/// Every row-wise loss.
pub const LOSSES: &[LossEntry] = &[
    entry::<cross_entropy::CrossEntropy>(),
    entry::<nll_loss::NllLoss>(),
    entry::<multi_margin_loss::MultiMarginLoss>(),
    entry::<multilabel_soft_margin_loss::MultilabelSoftMarginLoss>(),
];

/// A row with a class label, ready for its kernel.
#[derive(Debug)]
pub struct LabelRow<'a, F> {
    /// The row's scores (logits, or log-probabilities for NLL).
    pub x: &'a [F],
    /// Its class, in range (ignored rows never reach a kernel).
    pub label: usize,
    /// Class weights, if any, of the row's length.
    pub weight: Option<&'a [F]>,
    /// d(reduced loss)/d(row loss).
    pub coef: f64,
    /// Working space of the row's length, contents unspecified.
    pub scratch: &'a mut [F],
}

/// A row with a target distribution over the classes.
#[derive(Debug)]
pub struct DenseRow<'a, F> {
    /// The row's scores.
    pub x: &'a [F],
    /// Its target, of the row's length.
    pub target: &'a [F],
    /// Class weights, if any, of the row's length.
    pub weight: Option<&'a [F]>,
    /// d(reduced loss)/d(row loss).
    pub coef: f64,
    /// Working space of the row's length, contents unspecified.
    pub scratch: &'a mut [F],
}

/// A block of consecutive rows with dense targets, for losses whose terms are elementwise.
#[derive(Debug)]
pub struct DenseBlock<'a, F> {
    /// The rows' scores, row after row.
    pub x: &'a [F],
    /// Their targets, of `x`'s length.
    pub target: &'a [F],
    /// Class weights, if any, of one row's length.
    pub weight: Option<&'a [F]>,
    /// Per row, d(reduced loss)/d(row loss).
    pub coefs: &'a [f64],
    /// Classes per row (> 0).
    pub classes: usize,
    /// Working space of `x`'s length, contents unspecified.
    pub scratch: &'a mut [F],
}

/// A labelled row of a softmax loss, reduced by the driver to the numbers its loss needs
/// (so the driver may compute them a block of rows at a time).
#[derive(Debug, Clone, Copy)]
pub struct SoftmaxLabelRow {
    /// The row's largest score, m.
    pub max: f64,
    /// ln Σ_c e^(x_c − m); log-sum-exp is m plus this. Kept apart from m so a loss can form
    /// lse − x_y as this − (x_y − m), without the cancellation of two large numbers.
    pub log_sum: f64,
    /// The score at the row's label, x_y.
    pub label_score: f64,
    /// w_y (1 without weights).
    pub label_weight: f64,
    /// Σ_c w_c·(lse − x_c) ([`crate::simd::row::neg_log_softmax_sum`]) when the kernel asks
    /// for it, else 0.
    pub neg_log_softmax_sum: f64,
    /// Σ_c w_c (the class count without weights).
    pub weight_sum: f64,
    /// Number of classes.
    pub classes: usize,
    /// d(reduced loss)/d(row loss).
    pub coef: f64,
}

/// A softmax loss's gradient in one row, p = softmax(x):
/// ∂/∂x_c = p_c·`scale` − `shift`·w_c − [c = y]·`label_shift` (w_c = 1 without weights).
#[derive(Debug, Clone, Copy)]
pub struct SoftmaxGrad {
    /// Multiplies the softmax.
    pub scale: f64,
    /// Subtracted from every class, times its weight.
    pub shift: f64,
    /// Subtracted again at the label.
    pub label_shift: f64,
}
