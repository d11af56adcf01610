//! One call of a loss, and the checks every loss shares.
//!
//! Each kind's driver adds its own checks (the target's form, the weight's shape, the third
//! array) to [`Request::check_common`]; none of them is repeated in the bindings or in Python.

use crate::array::{check_shape, check_shape_as, Operand, Output, Typed};
use crate::error::{Error, Result};
use crate::reduce::Reduction;

/// Integer class labels, in the dtype the caller holds them.
#[derive(Debug, Clone, Copy)]
pub enum Labels<'a> {
    /// int32 labels.
    I32(&'a [i32]),
    /// int64 labels.
    I64(&'a [i64]),
}

impl Labels<'_> {
    /// How many labels.
    pub fn len(&self) -> usize {
        match self {
            Self::I32(l) => l.len(),
            Self::I64(l) => l.len(),
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What the input is compared with.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a, F> {
    /// Floats: targets of the input's shape (or a row-wise loss's class probabilities).
    Floats(Operand<'a, F>),
    /// One class label per row of a row-wise loss, shaped like the unreduced loss.
    Labels {
        /// The labels in C order.
        data: Labels<'a>,
        /// Shape as the caller sees it.
        shape: &'a [usize],
    },
}

/// One call of a loss.
#[derive(Debug)]
pub struct Request<'a, F> {
    /// Predictions x (logits, log-probabilities, …).
    pub input: Operand<'a, F>,
    /// Targets.
    pub target: Target<'a, F>,
    /// Optional weights: per element (pointwise) or per class (row-wise).
    pub weight: Option<Operand<'a, F>>,
    /// A pointwise loss's third array (`pos_weight`, `var`), of the input's shape.
    pub third: Option<Operand<'a, F>>,
    /// Upstream gradient for `Reduction::None`, shaped like the unreduced loss (ones if absent).
    pub upstream: Option<Operand<'a, F>>,
    /// torch's `reduction=`.
    pub reduction: Reduction,
    /// Hyperparameters by name; missing ones take their defaults.
    pub params: &'a [(&'a str, f64)],
    /// Compute the loss value (reduced, or into `values` for `Reduction::None`).
    pub want_value: bool,
    /// The unreduced values, required when `want_value` and `Reduction::None`.
    pub values: Option<Output<'a, F>>,
    /// Gradient w.r.t. `input`; the gradient is computed when present.
    pub grad: Option<Output<'a, F>>,
    /// Gradient w.r.t. a differentiated third array, present exactly with `grad` for such a
    /// loss.
    pub third_grad: Option<Output<'a, F>>,
}

/// A request in either dtype.
pub type Call<'a> = Typed<Request<'a, f32>, Request<'a, f64>>;

/// How a kind's driver describes the unreduced loss's shape in messages and checks.
#[derive(Debug, Clone, Copy)]
pub struct LossShape<'s> {
    /// `"input has"` when it is the input's shape, else `"the unreduced loss has"`.
    pub described_as: &'static str,
    /// The shape.
    pub shape: &'s [usize],
}

impl<F> Request<'_, F> {
    /// The checks every loss shares: the input's length, the outputs' and upstream's shapes,
    /// the reduction, and that something is asked for.
    pub fn check_common(&self, name: &str, loss: LossShape<'_>, batchmean: bool) -> Result<()> {
        let input = self.input.shape;
        check_shape("input", input, self.input.data.len(), input)?;
        let unreduced = (loss.described_as, loss.shape);
        if let Some(u) = &self.upstream {
            check_shape_as("upstream", u.shape, u.data.len(), unreduced)?;
        }
        if let Some(v) = &self.values {
            check_shape_as("out", v.shape, v.data.len(), unreduced)?;
        }
        for g in [&self.grad, &self.third_grad].into_iter().flatten() {
            check_shape("out", g.shape, g.data.len(), input)?;
        }
        if self.reduction == Reduction::BatchMean && !batchmean {
            return Err(Error::Value(format!(
                "reduction='batchmean' is kl_div's; {name} takes 'none', 'mean' or 'sum'"
            )));
        }
        if self.upstream.is_some() && self.reduction != Reduction::None {
            return Err(Error::Value(
                "upstream is only used with reduction='none'; a reduced loss has a scalar upstream"
                    .into(),
            ));
        }
        if (self.want_value && self.reduction == Reduction::None) != self.values.is_some() {
            return Err(Error::Value(
                "a buffer for the unreduced values is needed exactly when reduction='none'".into(),
            ));
        }
        if !self.want_value && self.grad.is_none() {
            return Err(Error::Value(
                "nothing to compute: ask for the value, the gradient or both".into(),
            ));
        }
        Ok(())
    }

    /// Whether a reduced value is asked for.
    pub fn wants_reduced(&self) -> bool {
        self.want_value && self.reduction != Reduction::None
    }
}
