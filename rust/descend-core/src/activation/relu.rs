//! Rectified linear unit, torch's `relu`.
//!
//! f(x) = max(x, 0), f'(x) = 1 for x > 0, else 0 — 0 at x = 0, as torch. torch's clamp keeps
//! NaN (and −0.0) in the value, and its backward tests `result <= 0`, which NaN fails: the
//! derivative at NaN is 1. Both are kept here.

use super::{ActivationSpec, Elementwise, KernelUser};
use crate::float::Float;
use crate::par::Bound;

crate::hyper! {
    /// ReLU kernel.
    pub struct Relu {}
}

impl Elementwise for Relu {
    const SPEC: ActivationSpec = ActivationSpec {
        name: "relu",
        bound: Bound::Memory,
    };
    type Options = Self;

    fn specialise<U: KernelUser>(options: Self, user: U) -> U::Output {
        user.run(options)
    }

    #[inline(always)]
    fn value<F: Float>(self, x: F) -> F {
        F::select(x < F::ZERO, F::ZERO, x)
    }

    #[inline(always)]
    fn grad<F: Float>(self, x: F) -> F {
        F::select(x <= F::ZERO, F::ZERO, F::ONE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn torch_conventions() {
        assert_eq!(Relu.grad(0.0_f64), 0.0);
        assert_eq!(Relu.grad(f64::NAN), 1.0);
        assert!(Relu.value(f32::NAN).is_nan());
        assert_eq!(Relu.value(-0.0_f64).to_bits(), (-0.0_f64).to_bits());
        assert_eq!(Relu.value(-3.0_f32), 0.0);
    }
}
