//! Negative log-likelihood, torch's `nll_loss(weight=None, ignore_index=-100)`, on rows of
//! log-probabilities x.
//!
//! ℓ = −w_y·x_y, ∂ℓ/∂x_c = −w_y·[c = y]. Only x_y is read: a NaN elsewhere in the row does not
//! reach the loss, as in torch. Memory-bound: the gradient is mostly zeros.

use super::DEFAULT_IGNORE_INDEX;
use super::{LabelMean, LabelRow, LabelRowLoss, LabelRows, NoDense, RowSpec, RowwiseLoss};
use crate::float::Float;
use crate::par::Bound;

crate::hyper! {
    /// NLL kernel.
    pub struct NllLoss {
        /// The label of rows to skip.
        ignore_index: i64 = DEFAULT_IGNORE_INDEX;
    }
}

impl RowwiseLoss for NllLoss {
    const SPEC: RowSpec = RowSpec {
        name: "nll_loss",
        label_mean: LabelMean::OverWeights,
        kdim: true,
        bound: Bound::Memory,
        empty_row: 0.0,
    };
    type Labels = LabelRows;
    type Dense = NoDense;

    fn ignore_index(self) -> Option<i64> {
        Some(self.ignore_index)
    }
}

impl LabelRowLoss for NllLoss {
    #[inline(always)]
    fn label_row<F: Float>(self, row: LabelRow<'_, F>, grad: Option<&mut [F]>) -> f64 {
        let y = row.label;
        let w_y = row.weight.map_or(1.0, |w| w[y].to_f64());
        if let Some(g) = grad {
            g.fill(F::ZERO);
            g[y] = F::from_f64(-w_y * row.coef);
        }
        -w_y * row.x[y].to_f64()
    }
}
