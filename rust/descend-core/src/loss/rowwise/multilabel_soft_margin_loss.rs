//! Multi-label one-versus-all logistic loss, torch's `multilabel_soft_margin_loss(weight=None)`,
//! for a 0/1 target per class.
//!
//! ℓ = −(1/C)·Σ_c w_c·(y_c·log σ(x_c) + (1 − y_c)·log σ(−x_c)), ∂ℓ/∂x_c = w_c·(σ(x_c) − y_c)/C.
//! log σ is formed without overflow; as in torch's literal form, an infinite logit makes the
//! value NaN (0·∞) while the gradient stays finite. `"mean"` divides by the number of rows.

use super::RowwiseLoss;
use super::{DenseBlock, DenseBlockLoss, DenseBlocks, LabelMean, NoLabels, RowSpec};
use crate::float::Float;
use crate::par::Bound;
use crate::simd::row;

crate::hyper! {
    /// Multi-label soft-margin kernel.
    pub struct MultilabelSoftMarginLoss {}
}

impl RowwiseLoss for MultilabelSoftMarginLoss {
    const SPEC: RowSpec = RowSpec {
        name: "multilabel_soft_margin_loss",
        label_mean: LabelMean::OverRows,
        kdim: false,
        bound: Bound::Compute,
        empty_row: f64::NAN,
    };
    type Labels = NoLabels;
    type Dense = DenseBlocks;
}

impl DenseBlockLoss for MultilabelSoftMarginLoss {
    #[inline(always)]
    fn dense_block<F: Float>(
        self,
        block: DenseBlock<'_, F>,
        grad: Option<&mut [F]>,
        losses: &mut [f64],
    ) {
        let DenseBlock {
            x,
            target: t,
            weight,
            coefs,
            classes,
            scratch: terms,
        } = block;
        // Every step that has no per-row factor runs as one flat loop over the block: rows of
        // a few classes would leave their exponentials and logarithms to scalar loop tails.
        // e^(−|x_c|) serves σ(x_c), log σ(x_c) and log σ(−x_c): computed once, in a loop of its
        // own (fused, each element's exp→log chain fills the out-of-order window).
        for (e, &xc) in terms.iter_mut().zip(x) {
            *e = (-xc.abs()).exp();
        }
        let share = 1.0 / classes as f64;
        // The gradient first: the terms then overwrite the exponentials.
        if let Some(g) = grad {
            for (((gc, &e), &xc), &yc) in g.iter_mut().zip(&*terms).zip(x).zip(t) {
                *gc = xc.sigmoid_given(e) - yc;
            }
            for (gr, &coef) in g.chunks_exact_mut(classes).zip(coefs) {
                let k = F::from_f64(share * coef);
                for gc in gr.iter_mut() {
                    *gc = *gc * k;
                }
                if let Some(w) = weight {
                    for (gc, &wc) in gr.iter_mut().zip(w) {
                        *gc = *gc * wc;
                    }
                }
            }
        }
        for ((l, &xc), &yc) in terms.iter_mut().zip(x).zip(t) {
            let e = *l;
            *l = -(yc * xc.log_sigmoid_given(e) + (F::ONE - yc) * (-xc).log_sigmoid_given(e));
        }
        for (loss, row) in losses.iter_mut().zip(terms.chunks_exact(classes)) {
            // A `match`, not `map_or_else`: its closures are not inlined, so the sum ran out of
            // the SIMD context, as a call per row (30% of the time, 10 classes).
            *loss = share
                * match weight {
                    Some(w) => row::dot(w, row),
                    None => row::sum(row),
                };
        }
    }
}
