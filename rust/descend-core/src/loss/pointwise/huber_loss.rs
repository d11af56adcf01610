//! Huber loss.
//!
//! With d = x − y: ℓ = ½d² if |d| < δ, else δ(|d| − ½δ);  ∂ℓ/∂x = d if |d| < δ, else δ·sign(d).
//! At |d| = δ both branches give the same value and slope; a NaN difference gives a NaN slope. torch:
//! `torch.nn.functional.huber_loss(delta=1.0)`; with `weight`, `"mean"` is Σ w·ℓ / N as in torch.
//! Equals `delta * smooth_l1_loss(beta=delta)`.

use super::WeightedMean;
use super::{AnyInput, Direct, Formula, KernelUser, LossSpec, NoThird, PointwiseLoss};
use crate::float::Float;
use crate::hyper::Domain::Positive;

crate::hyper! {
    /// Huber kernel.
    pub struct HuberLoss {
        /// Where the quadratic zone ends.
        delta: f64 = 1.0, Positive;
    }
}

impl PointwiseLoss for HuberLoss {
    const SPEC: LossSpec = LossSpec {
        name: "huber_loss",
        weighted_mean: WeightedMean::OverCount,
        ..LossSpec::BASE
    };
    type Options = Self;
    type Eval = Direct;
    type Third = NoThird;
    type Domain = AnyInput;

    fn specialise<U: KernelUser>(options: Self, user: U) -> U::Output {
        user.run(options)
    }
}

impl Formula for HuberLoss {
    #[inline(always)]
    fn value<F: Float>(self, x: F, y: F, _: F) -> F {
        let delta = F::from_f64(self.delta);
        let half = F::from_f64(0.5);
        let d = x - y;
        let a = d.abs();
        F::select(a < delta, half * d * d, delta * (a - half * delta))
    }

    #[inline(always)]
    fn grad<F: Float>(self, x: F, y: F, _: F) -> F {
        let delta = F::from_f64(self.delta);
        let d = x - y;
        // NaN takes the quadratic branch and stays NaN, as in torch's backward.
        F::select(d.abs() >= delta, delta.copysign(d), d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quadratic_inside_linear_outside() {
        let k = HuberLoss { delta: 2.0 };
        assert_eq!(k.value(1.0_f64, 0.0, 1.0), 0.5);
        assert_eq!(k.value(5.0_f64, 0.0, 1.0), 8.0);
        assert_eq!(k.grad(-5.0_f64, 0.0, 1.0), -2.0);
        assert_eq!(k.grad(2.0_f64, 0.0, 1.0), 2.0);
    }
}
