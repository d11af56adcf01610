//! Two-class logistic loss, torch's `soft_margin_loss`, for targets y = ±1.
//!
//! ℓ = log(1 + e^(−y·x)) = softplus(−y·x), ∂ℓ/∂x = −y·σ(−y·x).
//! softplus is formed as max(z, 0) + log1p(e^(−|z|)), finite for every finite z; torch computes
//! log1p(exp(z)) literally and gives inf (and a NaN slope) past z ≈ 88 (f32) or 709 (f64).

use super::{LossSpec, PointwiseLoss};
use crate::float::Float;
use crate::par::Bound;

/// Soft-margin kernel.
#[derive(Debug, Clone, Copy)]
pub struct SoftMarginLoss;

impl PointwiseLoss for SoftMarginLoss {
    type Third = super::NoThird;

    const SPEC: LossSpec = LossSpec {
        name: "soft_margin_loss",
        bound: Bound::Compute,
        ..LossSpec::BASE
    };

    fn new(_: &[f64]) -> Self {
        Self
    }

    // One exponential, e^(−|y·x|), gives both softplus(−y·x) and σ(−y·x), in a loop of its
    // own, as for BCE on logits.
    const PREPASS: bool = true;

    #[inline(always)]
    fn value<F: Float>(self, x: F, y: F, a: F) -> F {
        self.value_given(x, y, a, self.prepass(x, y, a))
    }

    #[inline(always)]
    fn grad<F: Float>(self, x: F, y: F, a: F) -> F {
        self.grad_given(x, y, a, self.prepass(x, y, a))
    }

    #[inline(always)]
    fn value_and_grad<F: Float>(self, x: F, y: F, a: F) -> (F, F) {
        let e = self.prepass(x, y, a);
        (self.value_given(x, y, a, e), self.grad_given(x, y, a, e))
    }

    #[inline(always)]
    fn prepass<F: Float>(self, x: F, y: F, _: F) -> F {
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

    #[inline(always)]
    fn value_and_grad_given<F: Float>(self, x: F, y: F, a: F, e: F) -> (F, F) {
        (self.value_given(x, y, a, e), self.grad_given(x, y, a, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_in_the_tails() {
        let k = SoftMarginLoss;
        assert_eq!(k.value(0.0_f64, 1.0, 1.0), std::f64::consts::LN_2);
        assert_eq!(k.value(-1e4_f64, 1.0, 1.0), 1e4);
        assert_eq!(k.grad(-1e4_f64, 1.0, 1.0), -1.0);
        assert_eq!(k.grad(0.0_f32, -1.0, 1.0), 0.5);
    }
}
