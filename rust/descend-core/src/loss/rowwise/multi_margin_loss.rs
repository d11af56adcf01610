//! Multi-class hinge loss, torch's `multi_margin_loss(p=1, margin=1.0, weight=None)` (the
//! Weston–Watkins form).
//!
//! With z_c = margin − x_y + x_c: ℓ = w_y/C · Σ_{c≠y} max(0, z_c)^p for p ∈ {1, 2};
//! ∂ℓ/∂x_c = w_y/C · p·z_c^(p−1) where z_c > 0 (c ≠ y), and ∂ℓ/∂x_y = −Σ_{c≠y} ∂ℓ/∂x_c.
//! Only z_c > 0 counts, as in torch's kernel: z_c = 0 and NaN (a NaN logit) add nothing to the
//! loss or the gradient. `"mean"` divides by the number of rows, weights or not.

use super::{LabelMean, LabelRow, LabelRowLoss, LabelRows, NoDense, RowSpec, RowwiseLoss};
use crate::float::Float;
use crate::hyper::Domain::{Finite, OneOf};
use crate::par::Bound;
use crate::simd::row;

crate::hyper! {
    /// Multi-margin kernel.
    pub struct MultiMarginLoss {
        /// The power of the hinge, 1 or 2.
        p: f64 = 1.0, OneOf(&[1.0, 2.0], "1 or 2");
        margin: f64 = 1.0, Finite;
    }
}

impl RowwiseLoss for MultiMarginLoss {
    const SPEC: RowSpec = RowSpec {
        name: "multi_margin_loss",
        label_mean: LabelMean::OverRows,
        kdim: false,
        bound: Bound::Memory,
        empty_row: 0.0,
    };
    type Labels = LabelRows;
    type Dense = NoDense;
}

impl LabelRowLoss for MultiMarginLoss {
    #[inline(always)]
    fn label_row<F: Float>(self, row: LabelRow<'_, F>, grad: Option<&mut [F]>) -> f64 {
        let (x, y) = (row.x, row.label);
        let w_y = row.weight.map_or(1.0, |w| w[y].to_f64());
        let share = w_y / x.len() as f64;
        // margin − x_y, rounded once, so every z_c is the same two roundings as torch's.
        let squared = self.p == 2.0;
        let base = F::from_f64(self.margin) - x[y];
        let hinge = row.scratch;
        for (c, (h, &xc)) in hinge.iter_mut().zip(x).enumerate() {
            let z = base + xc;
            let active = z > F::ZERO && c != y;
            *h = F::select(active, if squared { z * z } else { z }, F::ZERO);
        }
        let value = share * row::sum(hinge);
        if let Some(g) = grad {
            let k = F::from_f64(share * row.coef);
            for (c, (gc, &xc)) in g.iter_mut().zip(x).enumerate() {
                let z = base + xc;
                let active = z > F::ZERO && c != y;
                // 2z·k as zk + zk: the same bits, without overflowing at z near the largest float.
                let zk = z * k;
                let slope = if squared { zk + zk } else { k };
                *gc = F::select(active, slope, F::ZERO);
            }
            g[y] = F::from_f64(-row::sum(g));
        }
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn margins_and_slopes() {
        let k = MultiMarginLoss {
            p: 1.0,
            margin: 1.0,
        };
        let x = [0.0_f64, 0.5, 3.0];
        let mut g = [0.0; 3];
        let mut scratch = [0.0; 3];
        let row = LabelRow {
            x: &x,
            label: 2,
            weight: None,
            coef: 1.0,
            scratch: &mut scratch,
        };
        // z = 1 − 3 + x_c: −2 and −1.5, both inactive.
        assert_eq!(k.label_row(row, Some(&mut g)), 0.0);
        assert_eq!(g, [0.0; 3]);
        let row = LabelRow {
            x: &x,
            label: 0,
            weight: None,
            coef: 1.0,
            scratch: &mut scratch,
        };
        // z = 1.5 and 4: (1.5 + 4)/3.
        assert_eq!(k.label_row(row, Some(&mut g)), 5.5 / 3.0);
        assert_eq!(g, [-2.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0]);
    }
}
