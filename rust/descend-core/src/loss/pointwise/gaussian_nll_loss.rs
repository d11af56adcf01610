//! Gaussian negative log-likelihood, torch's `gaussian_nll_loss(full=False, eps=1e-6)`, of
//! targets y under means x with variances `var` (the family's third array, differentiated).
//!
//! With v = max(var, eps) and d = x − y: ℓ = ½·(log v + d²/v) (+ ½·log 2π when `full`),
//! ∂ℓ/∂x = d/v, ∂ℓ/∂var = ½·(1/v − d²/v²). As torch's, the clamp does not stop the gradient:
//! ∂ℓ/∂var is the formula at the clamped v even where var < eps. A negative var raises
//! `ValueError` before anything is written; NaN passes through, as in torch.

use super::{Admits, Checked, DifferentiatedThird, Direct, Formula, KernelUser, LossSpec};
use super::{PointwiseLoss, ThirdGrad};
use crate::float::Float;
use crate::hyper::Domain::Positive;
use crate::par::Bound;

crate::hyper! {
    /// Gaussian NLL kernel.
    pub struct GaussianNllLoss {
        /// Add the constant ½·log 2π.
        full: bool = false;
        /// The variance's floor.
        eps: f64 = 1e-6, Positive;
    }
}

impl GaussianNllLoss {
    /// max(var, eps), keeping NaN.
    #[inline(always)]
    fn clamped<F: Float>(self, var: F) -> F {
        let eps = F::from_f64(self.eps);
        F::select(var < eps, eps, var)
    }
}

impl PointwiseLoss for GaussianNllLoss {
    const SPEC: LossSpec = LossSpec {
        name: "gaussian_nll_loss",
        bound: Bound::Compute,
        third: Some("var"),
        ..LossSpec::BASE
    };
    type Options = Self;
    type Eval = Direct;
    type Third = DifferentiatedThird;
    type Domain = Checked;

    fn specialise<U: KernelUser>(options: Self, user: U) -> U::Output {
        user.run(options)
    }
}

impl Formula for GaussianNllLoss {
    #[inline(always)]
    fn value<F: Float>(self, x: F, y: F, var: F) -> F {
        let v = self.clamped(var);
        let d = x - y;
        let half = F::from_f64(0.5);
        let nll = half * (v.ln() + d * d / v);
        if self.full {
            nll + F::from_f64(0.5 * std::f64::consts::TAU.ln())
        } else {
            nll
        }
    }

    #[inline(always)]
    fn grad<F: Float>(self, x: F, y: F, var: F) -> F {
        (x - y) / self.clamped(var)
    }
}

impl ThirdGrad for GaussianNllLoss {
    #[inline(always)]
    fn third_grad<F: Float>(self, x: F, y: F, var: F) -> F {
        let v = self.clamped(var);
        let d = x - y;
        let r = d / v;
        F::from_f64(0.5) * (F::ONE / v - r * r)
    }
}

impl Admits for GaussianNllLoss {
    const DOMAIN: &'static str = "var must be non-negative";

    #[inline(always)]
    fn admits<F: Float>(self, _: F, _: F, var: F) -> bool {
        // NaN is admitted (torch checks `var < 0` only).
        var >= F::ZERO || var.is_nan()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamped_variance_keeps_its_gradient() {
        let k = GaussianNllLoss {
            full: false,
            eps: 1e-6,
        };
        assert_eq!(k.value(1.0_f64, 1.0, 1.0), 0.0);
        assert_eq!(k.grad(3.0_f64, 1.0, 2.0), 1.0);
        assert_eq!(k.third_grad(3.0_f64, 1.0, 2.0), 0.5 * (0.5 - 1.0));
        assert_eq!(k.third_grad(1.0_f64, 1.0, 0.0), 0.5 / 1e-6);
        assert!(!k.admits(0.0_f64, 0.0, -1.0) && k.admits(0.0_f64, 0.0, f64::NAN));
    }
}
