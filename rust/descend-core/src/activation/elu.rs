//! Exponential linear unit, torch's `elu(alpha=1.0)`.
//!
//! f(x) = x for x > 0, else α·(e^x − 1); f'(x) = 1 for x > 0, else α·e^x. torch's backward tests
//! x <= 0: the derivative at 0 is α, and at NaN 1 (descend follows its reference here; torch's
//! vectorised CPU loop was recorded giving NaN at NaN, see the torch fixture test).
//!
//! Numerics: `exp_m1` keeps the value accurate near 0 where e^x − 1 cancels; the derivative
//! uses e^x itself (1 + expm1 x would lose everything far left). Any finite α, as torch.

use super::{ActivationSpec, Elementwise, KernelUser};
use crate::float::Float;
use crate::hyper::Domain::Finite;
use crate::par::Bound;

crate::hyper! {
    /// ELU kernel.
    pub struct Elu {
        /// The saturation value of the left tail (its negative).
        alpha: f64 = 1.0, Finite;
    }
}

impl Elementwise for Elu {
    const SPEC: ActivationSpec = ActivationSpec {
        name: "elu",
        bound: Bound::Compute,
    };
    type Options = Self;

    fn specialise<U: KernelUser>(options: Self, user: U) -> U::Output {
        user.run(options)
    }

    #[inline(always)]
    fn value<F: Float>(self, x: F) -> F {
        F::select(x > F::ZERO, x, F::from_f64(self.alpha) * x.exp_m1())
    }

    #[inline(always)]
    fn grad<F: Float>(self, x: F) -> F {
        F::select(x <= F::ZERO, F::from_f64(self.alpha) * x.exp(), F::ONE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn torch_conventions() {
        let k = Elu { alpha: 0.5 };
        assert_eq!(k.grad(0.0_f64), 0.5);
        assert_eq!(k.grad(f64::NAN), 1.0);
        assert_eq!(k.value(f64::NEG_INFINITY), -0.5);
        assert!((k.value(-1e-10_f64) - 0.5 * (-1e-10_f64).exp_m1()).abs() < 1e-25);
    }
}
