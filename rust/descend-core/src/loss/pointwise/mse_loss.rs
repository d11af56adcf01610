//! Mean squared error.
//!
//! ℓ(x, y) = (x − y)²,  ∂ℓ/∂x = 2(x − y).
//! torch: `torch.nn.functional.mse_loss`; with `weight`, `"mean"` is Σ w·ℓ / Σ w as in torch.
//! Numerics: exact up to the rounding of the square; overflows to inf past |x − y| ≈ 1.8e19 (f32).

use super::{LossSpec, PointwiseLoss, WeightedMean};
use crate::float::Float;
use crate::par::Bound;

/// Squared error kernel.
#[derive(Debug, Clone, Copy)]
pub struct MseLoss;

impl PointwiseLoss for MseLoss {
    type Third = super::NoThird;

    const SPEC: LossSpec = LossSpec {
        name: "mse_loss",
        params: &[],
        weighted_mean: WeightedMean::OverWeights,
        bound: Bound::Memory,
        ..LossSpec::BASE
    };

    fn new(_: &[f64]) -> Self {
        Self
    }

    #[inline(always)]
    fn value<F: Float>(self, x: F, y: F, _: F) -> F {
        let d = x - y;
        d * d
    }

    #[inline(always)]
    fn grad<F: Float>(self, x: F, y: F, _: F) -> F {
        let d = x - y;
        d + d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_and_slope() {
        assert_eq!(MseLoss.value(3.0_f64, 1.0, 1.0), 4.0);
        assert_eq!(MseLoss.grad(3.0_f32, 1.0, 1.0), 4.0);
        assert_eq!(MseLoss.grad(1.0_f32, 3.0, 1.0), -4.0);
    }
}
