//! Multi-label one-versus-all logistic loss, torch's `multilabel_soft_margin_loss(weight=None)`,
//! for a 0/1 target per class.
//!
//! ℓ = −(1/C)·Σ_c w_c·(y_c·log σ(x_c) + (1 − y_c)·log σ(−x_c)), ∂ℓ/∂x_c = w_c·(σ(x_c) − y_c)/C.
//! log σ is formed without overflow; as in torch's literal form, an infinite logit makes the
//! value NaN (0·∞) while the gradient stays finite. `"mean"` divides by the number of rows.

use super::{DenseRow, LabelMean, RowSpec, RowwiseLoss, Targets};
use crate::float::Float;
use crate::par::Bound;
use crate::simd::row;

/// Multi-label soft-margin kernel.
#[derive(Debug, Clone, Copy)]
pub struct MultilabelSoftMarginLoss;

impl RowwiseLoss for MultilabelSoftMarginLoss {
    const SPEC: RowSpec = RowSpec {
        name: "multilabel_soft_margin_loss",
        params: &[],
        targets: Targets::Dense,
        label_mean: LabelMean::OverRows,
        kdim: false,
        bound: Bound::Compute,
    };

    fn new(_: &[f64]) -> Self {
        Self
    }

    #[inline(always)]
    fn dense_row<F: Float>(self, row: DenseRow<'_, F>, grad: Option<&mut [F]>) -> f64 {
        let (x, t) = (row.x, row.target);
        let terms = row.scratch;
        // e^(−|x_c|) serves σ(x_c), log σ(x_c) and log σ(−x_c): computed once, in a loop of its
        // own (fused, each element's exp→log chain fills the out-of-order window).
        for (e, &xc) in terms.iter_mut().zip(x) {
            *e = (-xc.abs()).exp();
        }
        let share = 1.0 / x.len() as f64;
        // The gradient first: the terms then overwrite the exponentials.
        if let Some(g) = grad {
            let k = F::from_f64(share * row.coef);
            for (((gc, &e), &xc), &yc) in g.iter_mut().zip(&*terms).zip(x).zip(t) {
                *gc = (xc.sigmoid_given(e) - yc) * k;
            }
            if let Some(w) = row.weight {
                for (gc, &wc) in g.iter_mut().zip(w) {
                    *gc = *gc * wc;
                }
            }
        }
        for ((l, &xc), &yc) in terms.iter_mut().zip(x).zip(t) {
            let e = *l;
            *l = -(yc * xc.log_sigmoid_given(e) + (F::ONE - yc) * (-xc).log_sigmoid_given(e));
        }
        share
            * row
                .weight
                .map_or_else(|| row::sum(terms), |w| row::dot(w, terms))
    }
}
