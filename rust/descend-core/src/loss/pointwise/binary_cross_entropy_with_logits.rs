//! Binary cross-entropy on logits, torch's
//! `binary_cross_entropy_with_logits(weight=None, pos_weight=None)`.
//!
//! With pos_weight p (1 when absent), torch's form
//! ℓ = (1 − y)·x − (1 + (p − 1)·y)·log σ(x), ∂ℓ/∂x = (p·y + 1 − y)·σ(x) − p·y,
//! where log σ(x) = min(x, 0) − log1p(e^(−|x|)) never overflows: finite for every finite x.
//! As in torch, an infinite logit makes the value NaN (0·∞ or ∞ − ∞) while the gradient
//! stays finite. `"mean"` is Σ w·ℓ / N, as torch's.

use super::{Aux, LossSpec, PointwiseLoss, WeightedMean};
use crate::float::Float;
use crate::par::Bound;

/// BCE-with-logits kernel; the third array is `pos_weight`, broadcast to the input's shape.
#[derive(Debug, Clone, Copy)]
pub struct BinaryCrossEntropyWithLogits;

impl PointwiseLoss for BinaryCrossEntropyWithLogits {
    type Third = super::OptionalThird;

    const SPEC: LossSpec = LossSpec {
        name: "binary_cross_entropy_with_logits",
        weighted_mean: WeightedMean::OverCount,
        bound: Bound::Compute,
        aux: Aux::Optional("pos_weight"),
        ..LossSpec::BASE
    };

    // One exponential, e = e^(−|x|), gives both log σ(x) and σ(x), in a loop of its own.
    const PREPASS: bool = true;

    fn new(_: &[f64]) -> Self {
        Self
    }

    #[inline(always)]
    fn value<F: Float>(self, x: F, y: F, p: F) -> F {
        self.value_given(x, y, p, exp_neg_abs(x))
    }

    #[inline(always)]
    fn grad<F: Float>(self, x: F, y: F, p: F) -> F {
        self.grad_given(x, y, p, exp_neg_abs(x))
    }

    #[inline(always)]
    fn value_and_grad<F: Float>(self, x: F, y: F, p: F) -> (F, F) {
        self.value_and_grad_given(x, y, p, exp_neg_abs(x))
    }

    #[inline(always)]
    fn prepass<F: Float>(self, x: F, _: F, _: F) -> F {
        exp_neg_abs(x)
    }

    #[inline(always)]
    fn value_given<F: Float>(self, x: F, y: F, p: F, e: F) -> F {
        let log_sigmoid = F::select(x < F::ZERO, x, F::ZERO) - e.ln_1p_bounded();
        (F::ONE - y) * x - (F::ONE + (p - F::ONE) * y) * log_sigmoid
    }

    #[inline(always)]
    fn grad_given<F: Float>(self, x: F, y: F, p: F, e: F) -> F {
        let s = F::select(x >= F::ZERO, F::ONE, e) / (F::ONE + e);
        let t = p * y;
        (t + F::ONE - y) * s - t
    }

    #[inline(always)]
    fn value_and_grad_given<F: Float>(self, x: F, y: F, p: F, e: F) -> (F, F) {
        (self.value_given(x, y, p, e), self.grad_given(x, y, p, e))
    }
}

#[inline(always)]
fn exp_neg_abs<F: Float>(x: F) -> F {
    (-x.abs()).exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fused_matches_separate_and_huge_logits_stay_finite() {
        let k = BinaryCrossEntropyWithLogits;
        for x in [-1e4_f64, -3.0, -0.5, 0.0, 0.5, 3.0, 1e4] {
            for y in [0.0, 0.3, 1.0] {
                let (v, g) = k.value_and_grad(x, y, 2.0);
                assert_eq!(v.to_bits(), k.value(x, y, 2.0).to_bits(), "{x} {y}");
                assert_eq!(g.to_bits(), k.grad(x, y, 2.0).to_bits(), "{x} {y}");
                assert!(v.is_finite() && g.is_finite());
            }
        }
        assert_eq!(k.value(1e4_f64, 0.0, 1.0), 1e4);
    }
}
