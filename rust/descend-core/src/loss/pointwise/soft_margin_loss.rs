//! Two-class logistic loss, torch's `soft_margin_loss`, for targets y = ±1.
//!
//! ℓ = log(1 + e^(−y·x)) = softplus(−y·x), ∂ℓ/∂x = −y·σ(−y·x).
//! softplus is formed as max(z, 0) + log1p(e^(−|z|)), finite for every finite z; torch computes
//! log1p(exp(z)) literally and gives inf (and a NaN slope) past z ≈ 88 (f32) or 709 (f64).

use super::{AnyInput, KernelUser, LossSpec, NoThird, PointwiseLoss, Staged, StagedFormula};
use crate::float::Float;
use crate::par::Bound;

crate::hyper! {
    /// Soft-margin kernel.
    pub struct SoftMarginLoss {}
}

impl PointwiseLoss for SoftMarginLoss {
    const SPEC: LossSpec = LossSpec {
        name: "soft_margin_loss",
        bound: Bound::Compute,
        ..LossSpec::BASE
    };
    type Options = Self;
    type Eval = Staged;
    type Third = NoThird;
    type Domain = AnyInput;

    fn specialise<U: KernelUser>(options: Self, user: U) -> U::Output {
        user.run(options)
    }
}

impl StagedFormula for SoftMarginLoss {
    // One exponential, e^(−|y·x|), gives both softplus(−y·x) and σ(−y·x), in a loop of its
    // own, as for BCE on logits.
    #[inline(always)]
    fn stage<F: Float>(self, x: F, y: F, _: F) -> F {
        (-(y * x).abs()).exp()
    }

    #[inline(always)]
    fn value_given<F: Float>(self, x: F, y: F, _: F, e: F) -> F {
        (-(y * x)).softplus_given(e)
    }

    #[inline(always)]
    fn grad_given<F: Float>(self, x: F, y: F, _: F, e: F) -> F {
        -y * (-(y * x)).sigmoid_given(e)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::value_and_grad;
    use super::*;

    #[test]
    fn stable_in_the_tails() {
        let k = SoftMarginLoss;
        assert_eq!(
            value_and_grad(k, 0.0_f64, 1.0, 1.0).0,
            std::f64::consts::LN_2
        );
        assert_eq!(value_and_grad(k, -1e4_f64, 1.0, 1.0), (1e4, -1.0));
        assert_eq!(value_and_grad(k, 0.0_f32, -1.0, 1.0).1, 0.5);
    }
}
