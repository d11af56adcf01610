//! Binary cross-entropy on logits, torch's
//! `binary_cross_entropy_with_logits(weight=None, pos_weight=None)`.
//!
//! With pos_weight p (1 when absent), torch's form
//! ℓ = (1 − y)·x − (1 + (p − 1)·y)·log σ(x), ∂ℓ/∂x = (p·y + 1 − y)·σ(x) − p·y,
//! where log σ(x) = min(x, 0) − log1p(e^(−|x|)) never overflows: finite for every finite x.
//! As in torch, an infinite logit makes the value NaN (0·∞ or ∞ − ∞) while the gradient
//! stays finite. `"mean"` is Σ w·ℓ / N, as torch's.

use super::{AnyInput, KernelUser, LossSpec, OptionalThird, PointwiseLoss, Staged};
use super::{StagedFormula, WeightedMean};
use crate::float::Float;
use crate::par::Bound;

crate::hyper! {
    /// BCE-with-logits kernel; the third array is `pos_weight`, broadcast to the input's shape.
    pub struct BinaryCrossEntropyWithLogits {}
}

impl PointwiseLoss for BinaryCrossEntropyWithLogits {
    const SPEC: LossSpec = LossSpec {
        name: "binary_cross_entropy_with_logits",
        weighted_mean: WeightedMean::OverCount,
        bound: Bound::Compute,
        third: Some("pos_weight"),
        ..LossSpec::BASE
    };
    type Options = Self;
    type Eval = Staged;
    type Third = OptionalThird;
    type Domain = AnyInput;

    fn specialise<U: KernelUser>(options: Self, user: U) -> U::Output {
        user.run(options)
    }
}

impl StagedFormula for BinaryCrossEntropyWithLogits {
    // One exponential, e = e^(−|x|), gives both log σ(x) and σ(x), in a loop of its own.
    #[inline(always)]
    fn stage<F: Float>(self, x: F, _: F, _: F) -> F {
        (-x.abs()).exp()
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
}

#[cfg(test)]
mod tests {
    use super::super::testing::value_and_grad;
    use super::*;

    #[test]
    fn huge_logits_stay_finite() {
        let k = BinaryCrossEntropyWithLogits;
        for x in [-1e4_f64, -3.0, -0.5, 0.0, 0.5, 3.0, 1e4] {
            for y in [0.0, 0.3, 1.0] {
                let (v, g) = value_and_grad(k, x, y, 2.0);
                assert!(v.is_finite() && g.is_finite());
            }
        }
        assert_eq!(value_and_grad(k, 1e4_f64, 0.0, 1.0).0, 1e4);
    }
}
