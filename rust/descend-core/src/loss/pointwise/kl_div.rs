//! Kullback–Leibler divergence, torch's `kl_div(reduction="mean", log_target=False)`, with the
//! input in log space.
//!
//! log_target=False: ℓ = xlogy(t, t) − t·x (0·log 0 = 0), ∂ℓ/∂x = −t.
//! log_target=True: ℓ = e^t·(t − x), ∂ℓ/∂x = −e^t.
//! `reduction="batchmean"` (the true KL divergence per sample) divides the sum by the size of
//! the first axis. As in torch, a negative or NaN target gives NaN, and so do t = 0 with
//! x = −∞ and, in log space, t = −∞ (0·∞); the gradient stays −t (−e^t) regardless.

use super::{AnyInput, Direct, Formula, KernelUser, LossSpec, NoThird, PointwiseLoss};
use crate::float::Float;
use crate::par::Bound;

crate::hyper! {
    /// kl_div's options, torch's.
    pub struct KlDivOptions {
        /// The target is given as log-probabilities.
        log_target: bool = false;
    }
}

/// KL-divergence kernel; the target's space is a type parameter (see
/// [`PointwiseLoss::specialise`]).
#[derive(Debug, Clone, Copy)]
pub struct KlDiv<const LOG_TARGET: bool = false>;

impl<const LOG_TARGET: bool> PointwiseLoss for KlDiv<LOG_TARGET> {
    const SPEC: LossSpec = LossSpec {
        name: "kl_div",
        bound: Bound::Compute,
        batchmean: true,
        ..LossSpec::BASE
    };
    type Options = KlDivOptions;
    type Eval = Direct;
    type Third = NoThird;
    type Domain = AnyInput;

    fn specialise<U: KernelUser>(options: KlDivOptions, user: U) -> U::Output {
        if options.log_target {
            user.run(KlDiv::<true>)
        } else {
            user.run(KlDiv::<false>)
        }
    }
}

impl<const LOG_TARGET: bool> Formula for KlDiv<LOG_TARGET> {
    #[inline(always)]
    fn value<F: Float>(self, x: F, t: F, _: F) -> F {
        if LOG_TARGET {
            t.exp() * (t - x)
        } else {
            F::select(t == F::ZERO, F::ZERO, t * t.ln()) - t * x
        }
    }

    #[inline(always)]
    fn grad<F: Float>(self, _: F, t: F, _: F) -> F {
        if LOG_TARGET {
            -t.exp()
        } else {
            -t
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_target_contributes_nothing() {
        assert_eq!(KlDiv::<false>.value(-3.0_f64, 0.0, 1.0), 0.0);
        assert!(KlDiv::<false>.value(-3.0_f64, -0.5, 1.0).is_nan());
        let half = KlDiv::<false>.value(-1.0_f64, 0.5, 1.0);
        assert!((half - (0.5 * 0.5f64.ln() + 0.5)).abs() < 1e-16);
        assert_eq!(KlDiv::<true>.grad(0.0_f32, 0.0, 1.0), -1.0);
    }
}
