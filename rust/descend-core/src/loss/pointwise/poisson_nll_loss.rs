//! Poisson negative log-likelihood, torch's `poisson_nll_loss(log_input=True, full=False, eps=1e-8)`.
//!
//! log_input: ℓ = eˣ − y·x, ∂ℓ/∂x = eˣ − y (x is the log-rate).
//! otherwise: ℓ = x − y·log(x + eps), ∂ℓ/∂x = 1 − y/(x + eps) (x is the rate).
//! full adds the Stirling term y·log y − y + ½·log(2πy) where y > 1 (0 elsewhere; NaN targets
//! stay NaN, as torch's `masked_fill(target <= 1, 0)`); it does not depend on x.
//! torch has no `weight` here; descend's weighted `"mean"` is Σ w·ℓ / Σ w.

use super::{LossSpec, PointwiseLoss, WeightedMean};
use crate::float::Float;
use crate::param::{Domain, ParamSpec};

/// Poisson NLL kernel.
#[derive(Debug, Clone, Copy)]
pub struct PoissonNllLoss {
    log_input: bool,
    full: bool,
    eps: f64,
}

impl PoissonNllLoss {
    #[inline(always)]
    fn stirling<F: Float>(y: F) -> F {
        let half = F::from_f64(0.5);
        let two_pi = F::from_f64(std::f64::consts::TAU);
        let term = y * y.ln() - y + half * (two_pi * y).ln();
        F::select(y <= F::ONE, F::ZERO, term)
    }
}

impl PointwiseLoss for PoissonNllLoss {
    const SPEC: LossSpec = LossSpec {
        name: "poisson_nll_loss",
        params: &[
            ParamSpec::new("log_input", 1.0, Domain::Flag),
            ParamSpec::new("full", 0.0, Domain::Flag),
            ParamSpec::new("eps", 1e-8, Domain::Positive),
        ],
        weighted_mean: WeightedMean::OverWeights,
    };

    fn new(params: &[f64]) -> Self {
        Self {
            log_input: params[0] != 0.0,
            full: params[1] != 0.0,
            eps: params[2],
        }
    }

    #[inline(always)]
    fn value<F: Float>(self, x: F, y: F) -> F {
        let nll = if self.log_input {
            x.exp() - y * x
        } else {
            x - y * (x + F::from_f64(self.eps)).ln()
        };
        if self.full {
            nll + Self::stirling(y)
        } else {
            nll
        }
    }

    #[inline(always)]
    fn grad<F: Float>(self, x: F, y: F) -> F {
        if self.log_input {
            x.exp() - y
        } else {
            F::ONE - y / (x + F::from_f64(self.eps))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_input_spaces() {
        let k = PoissonNllLoss::new(&[1.0, 0.0, 1e-8]);
        assert!((k.value(0.5_f64, 2.0) - (0.5f64.exp() - 1.0)).abs() < 1e-15);
        assert!((k.grad(0.5_f64, 2.0) - (0.5f64.exp() - 2.0)).abs() < 1e-15);
        let k = PoissonNllLoss::new(&[0.0, 1.0, 1e-8]);
        let stirling = 3.0 * 3f64.ln() - 3.0 + 0.5 * (std::f64::consts::TAU * 3.0).ln();
        assert!(
            (k.value(2.0_f64, 3.0) - (2.0 - 3.0 * (2.0f64 + 1e-8).ln() + stirling)).abs() < 1e-14
        );
        assert_eq!(k.value(2.0_f64, 1.0), 2.0 - (2.0f64 + 1e-8).ln());
    }
}
