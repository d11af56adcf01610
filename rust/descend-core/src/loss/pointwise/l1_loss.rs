//! Mean absolute error.
//!
//! ℓ(x, y) = |x − y|,  ∂ℓ/∂x = sign(x − y), 0 where x = y (torch's convention at the kink).
//! torch: `torch.nn.functional.l1_loss`; with `weight`, `"mean"` is Σ w·ℓ / Σ w as in torch.

use super::{LossSpec, PointwiseLoss, WeightedMean};
use crate::float::Float;
use crate::par::Bound;

/// Absolute error kernel.
#[derive(Debug, Clone, Copy)]
pub struct L1Loss;

impl PointwiseLoss for L1Loss {
    type Third = super::NoThird;

    const SPEC: LossSpec = LossSpec {
        name: "l1_loss",
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
        (x - y).abs()
    }

    #[inline(always)]
    fn grad<F: Float>(self, x: F, y: F, _: F) -> F {
        (x - y).signum0()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kink_has_zero_slope() {
        assert_eq!(L1Loss.value(-2.0_f64, 1.0, 1.0), 3.0);
        assert_eq!(L1Loss.grad(-2.0_f64, 1.0, 1.0), -1.0);
        assert_eq!(L1Loss.grad(1.0_f32, 1.0, 1.0), 0.0);
    }
}
