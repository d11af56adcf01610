//! Log-cosh loss.
//!
//! With d = x − y: ℓ = log cosh d,  ∂ℓ/∂x = tanh d. Not in torch; descend's weighted `"mean"`
//! is Σ w·ℓ / Σ w.
//!
//! Numerics: cosh overflows past |d| ≈ 89 (f32), so nothing here forms it. With a = |d| and
//! m = e^(−2a) − 1 (from `exp_m1`, in (−1, 0]): tanh a = −m / (2 + m) with no cancellation, and
//! log cosh a = −½·log1p(−tanh² a) for a < 1 (accurate where ℓ ≈ d²/2) or a + log1p(m/2) for
//! a ≥ 1 (= a + log((1 + e^(−2a))/2), finite for every finite d). One `exp_m1` and one `log1p`.

use super::{AnyInput, KernelUser, LossSpec, NoThird, PointwiseLoss, Staged, StagedFormula};
use crate::float::Float;
use crate::par::Bound;

crate::hyper! {
    /// Log-cosh kernel.
    pub struct LogCoshLoss {}
}

impl LogCoshLoss {
    /// m = e^(−2|x − y|) − 1: the first stage.
    #[inline(always)]
    fn expm1_of<F: Float>(x: F, y: F) -> F {
        let a = (x - y).abs();
        (-(a + a)).exp_m1()
    }

    /// tanh |d| from m = e^(−2|d|) − 1.
    #[inline(always)]
    fn tanh_abs<F: Float>(m: F) -> F {
        -m / (F::from_f64(2.0) + m)
    }

    #[inline(always)]
    fn from_parts<F: Float>(a: F, m: F, tanh_a: F) -> F {
        let half = F::from_f64(0.5);
        let small = a < F::ONE;
        // The argument lies in (−0.58, 0]: −tanh²(a) < tanh²(1) below 1, m/2 in (−½, −0.43] above.
        let l = F::select(small, -(tanh_a * tanh_a), half * m).ln_1p_bounded();
        F::select(small, -half * l, a + l)
    }
}

impl PointwiseLoss for LogCoshLoss {
    const SPEC: LossSpec = LossSpec {
        name: "log_cosh_loss",
        bound: Bound::Compute,
        ..LossSpec::BASE
    };
    type Options = Self;
    type Eval = Staged;
    type Third = NoThird;
    type Domain = AnyInput;

    fn specialise<U: KernelUser>(options: Self, user: U) -> U::Output {
        user.run(options)
    }
}

impl StagedFormula for LogCoshLoss {
    // The exponential runs as a loop of its own (see `StagedFormula`).
    #[inline(always)]
    fn stage<F: Float>(self, x: F, y: F, _: F) -> F {
        Self::expm1_of(x, y)
    }

    #[inline(always)]
    fn value_given<F: Float>(self, x: F, y: F, _: F, m: F) -> F {
        Self::from_parts((x - y).abs(), m, Self::tanh_abs(m))
    }

    #[inline(always)]
    fn grad_given<F: Float>(self, x: F, y: F, _: F, m: F) -> F {
        Self::tanh_abs(m).copysign(x - y)
    }

    #[inline(always)]
    fn value_and_grad_given<F: Float>(self, x: F, y: F, _: F, m: F) -> (F, F) {
        let t = Self::tanh_abs(m);
        (Self::from_parts((x - y).abs(), m, t), t.copysign(x - y))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::value_and_grad;
    use super::*;

    #[test]
    fn matches_std_and_never_overflows() {
        for d in [
            -30.0_f64, -3.0, -0.7, -1e-5, 0.0, 1e-9, 0.5, 0.999, 1.0, 2.0, 20.0,
        ] {
            // std's cosh-then-ln loses everything near 0, where the series is exact enough.
            let want = if d.abs() < 1e-3 {
                d * d / 2.0 - d.powi(4) / 12.0
            } else {
                d.cosh().ln()
            };
            let (got, slope) = value_and_grad(LogCoshLoss, d, 0.0, 1.0);
            assert!(
                (got - want).abs() <= 4.0 * f64::EPSILON * want.abs(),
                "{d}: {got} vs {want}"
            );
            assert!((slope - d.tanh()).abs() <= 2.0 * f64::EPSILON);
        }
        assert!((value_and_grad(LogCoshLoss, 1e30_f32, 0.0, 1.0).0 - 1e30).abs() <= 1e24);
        assert_eq!(
            value_and_grad(LogCoshLoss, f32::INFINITY, 0.0, 1.0).0,
            f32::INFINITY
        );
        assert_eq!(
            value_and_grad(LogCoshLoss, f64::NEG_INFINITY, 0.0, 1.0).1,
            -1.0
        );
    }
}
