//! Softmax cross-entropy, torch's `cross_entropy(weight=None, ignore_index=-100,
//! label_smoothing=0.0)`.
//!
//! With p = softmax(x) computed as log-sum-exp (lse = m + log Σ e^(x_c − m), m = max x):
//! - label y, smoothing ε, class weights w (all 1 without weights), W = Σ w:
//!   ℓ = (1 − ε)·w_y·(lse − x_y) + (ε/C)·Σ_c w_c·(lse − x_c), and
//!   ∂ℓ/∂x_c = p_c·((1 − ε)·w_y + (ε/C)·W) − (ε/C)·w_c − [c = y]·(1 − ε)·w_y.
//! - target distribution t: with t' = (1 − ε)·t + ε/C and a_c = w_c·t'_c,
//!   ℓ = Σ_c a_c·(lse − x_c), ∂ℓ/∂x_c = p_c·Σa − a_c.
//!
//! lse − x_c is formed as ln Σ e^(x − m) − (x_c − m) throughout, class by class, never as a
//! difference of two large numbers (which cancels) nor as a product with Σ w (which turns an
//! infinite weight into 0·∞).
//!
//! One exponential per element: e^(x_c − m) goes to the gradient row and is scaled there.
//! lse and the loss are formed in f64. NaN anywhere in a row makes that row's loss and gradient
//! NaN, and so does +inf (inf − inf), as torch's `log_softmax`.

use super::{DenseRow, DenseRowLoss, DenseRows, LabelMean, RowSpec, RowwiseLoss, SoftmaxGrad};
use super::{SoftmaxLabelRow, SoftmaxLoss, SoftmaxRows, DEFAULT_IGNORE_INDEX};
use crate::float::Float;
use crate::hyper::Domain::UnitInterval;
use crate::par::Bound;
use crate::simd::row;

crate::hyper! {
    /// Cross-entropy kernel.
    pub struct CrossEntropy {
        /// The label of rows to skip.
        ignore_index: i64 = DEFAULT_IGNORE_INDEX;
        /// ε, the share of the target spread over every class.
        smoothing("label_smoothing"): f64 = 0.0, UnitInterval;
    }
}

impl RowwiseLoss for CrossEntropy {
    const SPEC: RowSpec = RowSpec {
        name: "cross_entropy",
        label_mean: LabelMean::OverWeights,
        kdim: true,
        bound: Bound::Compute,
        empty_row: 0.0,
    };
    type Labels = SoftmaxRows;
    type Dense = DenseRows;

    fn ignore_index(self) -> Option<i64> {
        Some(self.ignore_index)
    }
}

impl SoftmaxLoss for CrossEntropy {
    fn smooths(self) -> bool {
        // torch adds no smoothing term at ε = 0, so neither may its NaN (0·∞) appear here.
        self.smoothing > 0.0
    }

    #[inline(always)]
    fn softmax_label(self, row: &SoftmaxLabelRow) -> (f64, SoftmaxGrad) {
        let eps = self.smoothing;
        let share = eps / row.classes as f64;
        // lse − x_y as ln Σ − (x_y − m): as (m + ln Σ) − x_y it cancelled, and large equal
        // logits ([1e16, 1e16, 0]) gave 0 instead of ln 2.
        let gap = row.label_score - row.max;
        let label = (1.0 - eps) * row.label_weight * (row.log_sum - gap);
        let a = (1.0 - eps) * row.label_weight * row.coef;
        let b = share * row.coef;
        // No smoothing term at ε = 0 (see `smooths`).
        let (spread, smoothed) = if eps > 0.0 {
            (share * row.neg_log_softmax_sum, b * row.weight_sum)
        } else {
            (0.0, 0.0)
        };
        let grad = SoftmaxGrad {
            scale: a + smoothed,
            shift: b,
            label_shift: a,
        };
        (label + spread, grad)
    }
}

impl DenseRowLoss for CrossEntropy {
    #[inline(always)]
    fn dense_row<F: Float>(self, row: DenseRow<'_, F>, mut grad: Option<&mut [F]>) -> f64 {
        let (x, eps) = (row.x, self.smoothing);
        let keep = F::from_f64(1.0 - eps);
        let share = F::from_f64(eps / x.len() as f64);
        // a_c = w_c·((1 − ε)·t_c + ε/C), in the element type as torch forms it.
        let a = row.scratch;
        match row.weight {
            Some(w) => {
                for ((ac, &tc), &wc) in a.iter_mut().zip(row.target).zip(w) {
                    *ac = (tc * keep + share) * wc;
                }
            }
            None => {
                for (ac, &tc) in a.iter_mut().zip(row.target) {
                    *ac = tc * keep + share;
                }
            }
        }
        let m = row::max(x);
        let s = row::exp_sum(x, m, grad.as_deref_mut());
        let total = row::sum(a);
        if let Some(g) = grad {
            let k = F::from_f64(row.coef * total / s);
            row::scale_sub(g, k, F::from_f64(row.coef), Some(a));
        }
        row::neg_log_softmax_sum(x, m, <f64 as Float>::ln(s), Some(a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_logits_cost_log_c() {
        let k = CrossEntropy {
            ignore_index: -100,
            smoothing: 0.1,
        };
        let row = SoftmaxLabelRow {
            max: 0.5,
            log_sum: 4f64.ln(),
            label_score: 0.5,
            label_weight: 1.0,
            neg_log_softmax_sum: 4.0 * 4f64.ln(),
            weight_sum: 4.0,
            classes: 4,
            coef: 1.0,
        };
        let (value, g) = k.softmax_label(&row);
        // Every class costs log 4, whatever the smoothing; p = ¼ everywhere.
        assert!((value - 4f64.ln()).abs() < 1e-15);
        let p = 0.25;
        let grads: Vec<f64> = (0..4)
            .map(|c| p * g.scale - g.shift - if c == 1 { g.label_shift } else { 0.0 })
            .collect();
        // (1 − ε)·(p − e_y) + ε·(p − 1/C) with ε = 0.1, p = ¼.
        let want = [0.225, -0.675, 0.225, 0.225];
        for (got, want) in grads.iter().zip(want) {
            assert!((got - want).abs() < 1e-15, "{grads:?}");
        }
    }
}
