//! Gaussian negative log-likelihood, torch's `gaussian_nll_loss(full=False, eps=1e-6)`, of
//! targets y under means x with variances `var` (the family's third array, differentiated).
//!
//! With v = max(var, eps) and d = x − y: ℓ = ½·(log v + d²/v) (+ ½·log 2π when `full`),
//! ∂ℓ/∂x = d/v, ∂ℓ/∂var = ½·(1/v − d²/v²). As torch's, the clamp does not stop the gradient:
//! ∂ℓ/∂var is the formula at the clamped v even where var < eps. A negative var raises
//! `ValueError` before anything is written; NaN passes through, as in torch.

use super::{Aux, LossSpec, PointwiseLoss};
use crate::float::Float;
use crate::par::Bound;
use crate::param::{Domain, ParamSpec};

/// Gaussian NLL kernel.
#[derive(Debug, Clone, Copy)]
pub struct GaussianNllLoss {
    full: bool,
    eps: f64,
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
    type Third = super::DifferentiatedThird;

    const SPEC: LossSpec = LossSpec {
        name: "gaussian_nll_loss",
        params: &[
            ParamSpec::new("full", 0.0, Domain::Flag),
            ParamSpec::new("eps", 1e-6, Domain::Positive),
        ],
        bound: Bound::Compute,
        aux: Aux::WithGrad("var"),
        domain: Some("var must be non-negative"),
        ..LossSpec::BASE
    };

    fn new(params: &[f64]) -> Self {
        Self {
            full: params[0] != 0.0,
            eps: params[1],
        }
    }

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

    #[inline(always)]
    fn aux_grad<F: Float>(self, x: F, y: F, var: F) -> F {
        let v = self.clamped(var);
        let d = x - y;
        let r = d / v;
        F::from_f64(0.5) * (F::ONE / v - r * r)
    }

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
        let k = GaussianNllLoss::new(&[0.0, 1e-6]);
        assert_eq!(k.value(1.0_f64, 1.0, 1.0), 0.0);
        assert_eq!(k.grad(3.0_f64, 1.0, 2.0), 1.0);
        assert_eq!(k.aux_grad(3.0_f64, 1.0, 2.0), 0.5 * (0.5 - 1.0));
        assert_eq!(k.aux_grad(1.0_f64, 1.0, 0.0), 0.5 / 1e-6);
        assert!(!k.admits(0.0_f64, 0.0, -1.0) && k.admits(0.0_f64, 0.0, f64::NAN));
    }
}
