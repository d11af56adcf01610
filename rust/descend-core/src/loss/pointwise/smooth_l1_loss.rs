//! Smooth L1 loss.
//!
//! With d = x − y: ℓ = ½d²/β if |d| < β, else |d| − ½β;  ∂ℓ/∂x = d/β if |d| < β, else sign(d).
//! `beta = 0` is exactly `l1_loss` (NaN slopes included) (the quadratic zone is empty, so nothing divides by zero),
//! as in torch: `torch.nn.functional.smooth_l1_loss(beta=1.0)`. torch has no `weight` here;
//! descend's weighted `"mean"` is Σ w·ℓ / Σ w.

use super::{LossSpec, PointwiseLoss, WeightedMean};
use crate::float::Float;
use crate::par::Bound;
use crate::param::{Domain, ParamSpec};

/// Smooth L1 kernel with threshold `beta`.
#[derive(Debug, Clone, Copy)]
pub struct SmoothL1Loss {
    beta: f64,
}

impl PointwiseLoss for SmoothL1Loss {
    type Third = super::NoThird;

    const SPEC: LossSpec = LossSpec {
        name: "smooth_l1_loss",
        params: &[ParamSpec::new("beta", 1.0, Domain::NonNegative)],
        weighted_mean: WeightedMean::OverWeights,
        bound: Bound::Memory,
        ..LossSpec::BASE
    };

    fn new(params: &[f64]) -> Self {
        Self { beta: params[0] }
    }

    #[inline(always)]
    fn value<F: Float>(self, x: F, y: F, _: F) -> F {
        let beta = F::from_f64(self.beta);
        let half = F::from_f64(0.5);
        let d = x - y;
        let a = d.abs();
        // With beta = 0 the first branch is never taken, so its 0/0 never reaches the result.
        F::select(a < beta, half * d * d / beta, a - half * beta)
    }

    #[inline(always)]
    fn grad<F: Float>(self, x: F, y: F, _: F) -> F {
        let d = x - y;
        if self.beta == 0.0 {
            // torch hands beta = 0 to l1_loss, whose sgn gives NaN differences a zero slope.
            return d.signum0();
        }
        let beta = F::from_f64(self.beta);
        // NaN takes the quadratic branch and stays NaN, as in torch's backward.
        F::select(d.abs() >= beta, F::ONE.copysign(d), d / beta)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beta_zero_is_l1() {
        let k = SmoothL1Loss::new(&[0.0]);
        assert_eq!(k.value(0.25_f64, 0.0, 1.0), 0.25);
        assert_eq!(k.grad(0.25_f64, 0.0, 1.0), 1.0);
        assert_eq!(k.grad(0.0_f64, 0.0, 1.0), 0.0);
        let k = SmoothL1Loss::new(&[2.0]);
        assert_eq!(k.value(1.0_f32, 0.0, 1.0), 0.25);
        assert_eq!(k.grad(1.0_f32, 0.0, 1.0), 0.5);
    }
}
