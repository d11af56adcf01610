//! Negative log-likelihood, torch's `nll_loss(weight=None, ignore_index=-100)`, on rows of
//! log-probabilities x.
//!
//! ℓ = −w_y·x_y, ∂ℓ/∂x_c = −w_y·[c = y]. Only x_y is read: a NaN elsewhere in the row does not
//! reach the loss, as in torch. Memory-bound: the gradient is mostly zeros.

use super::{LabelMean, LabelRow, RowSpec, RowwiseLoss, Targets, DEFAULT_IGNORE_INDEX};
use crate::float::Float;
use crate::par::Bound;
use crate::param::{Domain, ParamSpec};

/// NLL kernel.
#[derive(Debug, Clone, Copy)]
pub struct NllLoss {
    ignore_index: i64,
}

impl RowwiseLoss for NllLoss {
    const SPEC: RowSpec = RowSpec {
        name: "nll_loss",
        params: &[ParamSpec::new(
            "ignore_index",
            DEFAULT_IGNORE_INDEX as f64,
            Domain::Integer,
        )],
        targets: Targets::Labels,
        label_mean: LabelMean::OverWeights,
        kdim: true,
        bound: Bound::Memory,
        empty_row: 0.0,
    };

    fn new(params: &[f64]) -> Self {
        Self {
            ignore_index: params[0] as i64,
        }
    }

    fn ignore_index(self) -> Option<i64> {
        Some(self.ignore_index)
    }

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
