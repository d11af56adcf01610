//! Row-wise losses: a loss over the class axis of each row (softmax cross-entropy, NLL), then
//! reduced over rows by the driver.
//!
//! A kernel is one small `Copy` struct implementing [`RowwiseLoss`]: the math of one row, given
//! its logits, its target (a class label or a row of probabilities), the class weights and the
//! coefficients its gradient is scaled by. [`registry!`] below is the only list of them. Shapes,
//! label checks, ignored rows, denominators, the class axis of K-dimensional inputs, chunks of
//! rows, threads and SIMD are in [`driver`]; the vectorised row primitives in
//! [`crate::simd::row`], shared with the softmax activations.

pub mod driver;
mod softmax;

mod cross_entropy;
mod multi_margin_loss;
mod multilabel_soft_margin_loss;
mod nll_loss;

use crate::float::Float;
use crate::par::Bound;
use crate::param::ParamSpec;

pub use driver::{loss_shape, run, Labels, Request, Target};

/// torch's default `ignore_index`, the only one it allows with class-probability targets.
pub const DEFAULT_IGNORE_INDEX: i64 = -100;

/// The targets a row-wise loss takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Targets {
    /// Integer class labels, one per row.
    Labels,
    /// A float row per row, of the input's shape (class probabilities, or 0/1 per class).
    Dense,
    /// Either.
    Both,
}

impl Targets {
    /// Whether integer labels are accepted.
    pub fn labels(self) -> bool {
        self != Self::Dense
    }

    /// Whether float rows are accepted.
    pub fn dense(self) -> bool {
        self != Self::Labels
    }

    /// The name the bindings report.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Labels => "labels",
            Self::Dense => "dense",
            Self::Both => "both",
        }
    }
}

/// What `"mean"` divides labelled rows by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelMean {
    /// Σ w_y over the rows not ignored (their count without weights): torch's NLL rule.
    OverWeights,
    /// The number of rows, weights or not (torch's `multi_margin_loss`).
    OverRows,
}

/// What the bindings and the drift test need to know about a row-wise loss.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RowSpec {
    /// Registry name = file stem = Python name.
    pub name: &'static str,
    /// Hyperparameters in declaration order.
    pub params: &'static [ParamSpec],
    /// Which targets it takes.
    pub targets: Targets,
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

/// A loss over the classes of one row. Row methods are `#[inline(always)]` so they compile
/// inside the driver's SIMD context; they use [`crate::simd::row`]'s primitives for their loops.
pub trait RowwiseLoss: Copy + Send + Sync + 'static {
    /// Name, hyperparameters and accepted targets.
    const SPEC: RowSpec;
    /// Builds the kernel from hyperparameters resolved and checked against `SPEC`.
    fn new(params: &[f64]) -> Self;
    /// The label that marks a row to skip, if the loss has one (torch's `ignore_index`).
    fn ignore_index(self) -> Option<i64> {
        None
    }
    /// Whether labelled rows go through [`RowwiseLoss::softmax_label`] instead of `label_row`.
    const SOFTMAX_LABELS: bool = false;
    /// For a softmax loss: whether its loss has a term over every class (label smoothing). It
    /// then needs [`SoftmaxLabelRow::neg_log_softmax_sum`], and its gradient's
    /// [`SoftmaxGrad::shift`] the class weights; without it neither is formed, so an infinite
    /// weight cannot make 0·∞.
    fn smooths(self) -> bool {
        false
    }
    /// For a softmax loss (`SOFTMAX_LABELS`): a labelled row's loss and gradient
    /// coefficients from the row's reductions.
    fn softmax_label(self, row: &SoftmaxLabelRow) -> (f64, SoftmaxGrad) {
        let _ = row;
        unreachable!("{} is not a softmax loss", Self::SPEC.name)
    }
    /// The loss of a labelled row; writes the row's gradient into `grad` if given.
    /// Called only when `SPEC.targets` takes labels and the loss is not `SOFTMAX_LABELS`.
    fn label_row<F: Float>(self, row: LabelRow<'_, F>, grad: Option<&mut [F]>) -> f64 {
        let _ = (row, grad);
        unreachable!("the driver refuses labels for {}", Self::SPEC.name)
    }
    /// The loss of a row with a dense target; writes its gradient into `grad` if given.
    /// Called only when `SPEC.targets` takes dense rows, through the default `dense_block`.
    fn dense_row<F: Float>(self, row: DenseRow<'_, F>, grad: Option<&mut [F]>) -> f64 {
        let _ = (row, grad);
        unreachable!("the driver refuses dense targets for {}", Self::SPEC.name)
    }
    /// The losses of a block of dense rows into `losses` (one per row); writes their
    /// gradients into `grad` if given. Row by row through `dense_row` unless a loss whose
    /// terms are elementwise runs them as flat loops over the block: short rows would
    /// otherwise spend their transcendentals in scalar vector-loop tails.
    #[inline(always)]
    fn dense_block<F: Float>(
        self,
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
            losses[r] = self.dense_row(row, g);
        }
    }
}

/// Something generic over the kernel type, run by [`visit`] once the name is resolved.
pub trait Visitor {
    /// What the visit returns.
    type Output;
    /// Called with the kernel type the name resolved to.
    fn visit<K: RowwiseLoss>(self) -> Self::Output;
}

macro_rules! registry {
    ($($kernel:ty),* $(,)?) => {
        /// Every row-wise loss, in registry order.
        pub const LOSSES: &[RowSpec] = &[$(<$kernel as RowwiseLoss>::SPEC),*];

        /// Runs `visitor` with the kernel called `name`, or returns it back if there is none.
        pub fn visit<V: Visitor>(name: &str, visitor: V) -> Result<V::Output, V> {
            $(if name == <$kernel as RowwiseLoss>::SPEC.name {
                return Ok(visitor.visit::<$kernel>());
            })*
            Err(visitor)
        }
    };
}

registry! {
    cross_entropy::CrossEntropy,
    nll_loss::NllLoss,
    multi_margin_loss::MultiMarginLoss,
    multilabel_soft_margin_loss::MultilabelSoftMarginLoss,
}
