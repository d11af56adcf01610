//! Poisson negative log-likelihood, torch's `poisson_nll_loss(log_input=True, full=False, eps=1e-8)`.
//!
//! log_input: ℓ = eˣ − y·x, ∂ℓ/∂x = eˣ − y (x is the log-rate).
//! otherwise: ℓ = x − y·log(x + eps), ∂ℓ/∂x = 1 − y/(x + eps) (x is the rate).
//! full adds the Stirling term y·log y − y + ½·log(2πy) where y > 1 (0 elsewhere; NaN targets
//! stay NaN, as torch's `masked_fill(target <= 1, 0)`); it does not depend on x.
//! torch has no `weight` here; descend's weighted `"mean"` is Σ w·ℓ / Σ w.

use super::{AnyInput, Direct, Formula, KernelUser, LossSpec, NoThird, PointwiseLoss};
use crate::float::Float;
use crate::hyper::Domain::Positive;
use crate::par::Bound;

crate::hyper! {
    /// Poisson NLL's options, torch's.
    pub struct PoissonNllOptions {
        /// The input is the log-rate (else the rate).
        log_input: bool = true;
        /// Add the Stirling term.
        full: bool = false;
        /// Added to the rate inside the log when the input is the rate.
        eps: f64 = 1e-8, Positive;
    }
}

/// Poisson NLL kernel; the two flags are type parameters (see [`PointwiseLoss::specialise`]).
#[derive(Debug, Clone, Copy)]
pub struct PoissonNllLoss<const LOG_INPUT: bool = true, const FULL: bool = false> {
    eps: f64,
}

impl<const LOG_INPUT: bool, const FULL: bool> PoissonNllLoss<LOG_INPUT, FULL> {
    #[inline(always)]
    fn stirling<F: Float>(y: F) -> F {
        let half = F::from_f64(0.5);
        let two_pi = F::from_f64(std::f64::consts::TAU);
        // torch's log(2πy) is one more log; reusing log y here would round differently.
        let term = y * y.ln() - y + half * (two_pi * y).ln();
        F::select(y <= F::ONE, F::ZERO, term)
    }
}

impl<const LOG_INPUT: bool, const FULL: bool> PointwiseLoss for PoissonNllLoss<LOG_INPUT, FULL> {
    const SPEC: LossSpec = LossSpec {
        name: "poisson_nll_loss",
        bound: Bound::Compute,
        ..LossSpec::BASE
    };
    type Options = PoissonNllOptions;
    type Eval = Direct;
    type Third = NoThird;
    type Domain = AnyInput;

    fn specialise<U: KernelUser>(options: PoissonNllOptions, user: U) -> U::Output {
        let eps = options.eps;
        match (options.log_input, options.full) {
            (true, false) => user.run(PoissonNllLoss::<true, false> { eps }),
            (true, true) => user.run(PoissonNllLoss::<true, true> { eps }),
            (false, false) => user.run(PoissonNllLoss::<false, false> { eps }),
            (false, true) => user.run(PoissonNllLoss::<false, true> { eps }),
        }
    }
}

impl<const LOG_INPUT: bool, const FULL: bool> Formula for PoissonNllLoss<LOG_INPUT, FULL> {
    #[inline(always)]
    fn value<F: Float>(self, x: F, y: F, _: F) -> F {
        let nll = if LOG_INPUT {
            x.exp() - y * x
        } else {
            x - y * (x + F::from_f64(self.eps)).ln()
        };
        if FULL {
            nll + Self::stirling(y)
        } else {
            nll
        }
    }

    #[inline(always)]
    fn grad<F: Float>(self, x: F, y: F, _: F) -> F {
        if LOG_INPUT {
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
        let k = PoissonNllLoss::<true, false> { eps: 1e-8 };
        assert!((k.value(0.5_f64, 2.0, 1.0) - (0.5f64.exp() - 1.0)).abs() < 1e-15);
        assert!((k.grad(0.5_f64, 2.0, 1.0) - (0.5f64.exp() - 2.0)).abs() < 1e-15);
        let k = PoissonNllLoss::<false, true> { eps: 1e-8 };
        let stirling = 3.0 * 3f64.ln() - 3.0 + 0.5 * (std::f64::consts::TAU * 3.0).ln();
        assert!(
            (k.value(2.0_f64, 3.0, 1.0) - (2.0 - 3.0 * (2.0f64 + 1e-8).ln() + stirling)).abs()
                < 1e-14
        );
        assert_eq!(k.value(2.0_f64, 1.0, 1.0), 2.0 - (2.0f64 + 1e-8).ln());
    }
}
