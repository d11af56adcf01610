//! Mean squared logarithmic error, Keras's `MeanSquaredLogarithmicError` elementwise.
//!
//! With m(v) = log1p(max(v, ε)), ε = 1e-7: ℓ = (m(x) − m(y))², ∂ℓ/∂x = 2·(m(x) − m(y))/(1 + x)
//! where x > ε, else 0 (the clamp holds x still; at x = ε exactly the slope is 0). NaN
//! propagates through the clamp, as Keras's `maximum`. Keras's value is `reduction="none"`
//! averaged over the last axis. torch has no such loss.
//!
//! Numerics: `ln_1p` keeps m accurate for small x and y, where log(1 + x) would lose them; the
//! difference of two logarithms cancels when x ≈ y, which squaring only shrinks.

use super::{AnyInput, Direct, Formula, KernelUser, LossSpec, NoThird, PointwiseLoss};
use crate::float::Float;
use crate::par::Bound;

/// Keras's clamp, below which a prediction or target counts as ε.
const EPSILON: f64 = 1e-7;

crate::hyper! {
    /// Squared logarithmic error kernel.
    pub struct MsleLoss {}
}

impl MsleLoss {
    /// log1p(max(v, ε)), NaN for NaN.
    #[inline(always)]
    fn log<F: Float>(v: F) -> F {
        v.max_nan(F::from_f64(EPSILON)).ln_1p()
    }

    /// 2·(m(x) − m(y))/(1 + x), 0 where the clamp holds x (NaN stays NaN).
    #[inline(always)]
    fn slope<F: Float>(x: F, d: F) -> F {
        F::select(x <= F::from_f64(EPSILON), F::ZERO, (d + d) / (F::ONE + x))
    }
}

impl PointwiseLoss for MsleLoss {
    const SPEC: LossSpec = LossSpec {
        name: "msle_loss",
        bound: Bound::Compute,
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

impl Formula for MsleLoss {
    #[inline(always)]
    fn value<F: Float>(self, x: F, y: F, _: F) -> F {
        let d = Self::log(x) - Self::log(y);
        d * d
    }

    #[inline(always)]
    fn grad<F: Float>(self, x: F, y: F, _: F) -> F {
        Self::slope(x, Self::log(x) - Self::log(y))
    }

    #[inline(always)]
    fn value_and_grad<F: Float>(self, x: F, y: F, _: F) -> (F, F) {
        let d = Self::log(x) - Self::log(y);
        (d * d, Self::slope(x, d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logs_of_clamped_values() {
        let k = MsleLoss;
        // A target of 0 counts as ε.
        let want = (2.0_f64.ln() - EPSILON.ln_1p()).powi(2);
        assert!((k.value(1.0_f64, 0.0, 1.0) - want).abs() < 1e-15);
        assert_eq!(k.value(-5.0_f64, 1e-9, 1.0), 0.0);
        assert_eq!(k.grad(-5.0_f64, 3.0, 1.0), 0.0);
        let g = k.grad(3.0_f64, 1.0, 1.0);
        assert!((g - 2.0 * (4.0_f64.ln() - 2.0_f64.ln()) / 4.0).abs() < 1e-16);
        let both = k.value_and_grad(3.0_f32, 1.0, 1.0);
        assert_eq!(both, (k.value(3.0, 1.0, 1.0), k.grad(3.0, 1.0, 1.0)));
        assert!(k.value(f64::NAN, 1.0, 1.0).is_nan() && k.grad(f64::NAN, 1.0, 1.0).is_nan());
    }
}
