//! Leaky ReLU, torch's `leaky_relu(negative_slope=0.01)`.
//!
//! f(x) = x for x > 0, else negative_slope·x; f'(x) = 1 for x > 0, else negative_slope. torch
//! tests x > 0, so the derivative at 0, and at NaN, is the slope. Any finite slope is taken,
//! as torch does (negative, or above 1).

use super::{ActivationSpec, Elementwise, KernelUser};
use crate::float::Float;
use crate::hyper::Domain::Finite;
use crate::par::Bound;

crate::hyper! {
    /// Leaky ReLU kernel.
    pub struct LeakyRelu {
        /// The slope left of 0.
        slope("negative_slope"): f64 = 0.01, Finite;
    }
}

impl Elementwise for LeakyRelu {
    const SPEC: ActivationSpec = ActivationSpec {
        name: "leaky_relu",
        bound: Bound::Memory,
    };
    type Options = Self;

    fn specialise<U: KernelUser>(options: Self, user: U) -> U::Output {
        user.run(options)
    }

    #[inline(always)]
    fn value<F: Float>(self, x: F) -> F {
        F::select(x > F::ZERO, x, x * F::from_f64(self.slope))
    }

    #[inline(always)]
    fn grad<F: Float>(self, x: F) -> F {
        F::select(x > F::ZERO, F::ONE, F::from_f64(self.slope))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slope_at_zero_and_nan() {
        let k = LeakyRelu { slope: 0.2 };
        assert_eq!(k.grad(0.0_f64), 0.2);
        assert_eq!(k.grad(f64::NAN), 0.2);
        assert_eq!(k.value(-5.0_f64), -1.0);
    }
}
