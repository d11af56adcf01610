//! Sigmoid linear unit (swish), torch's `silu`.
//!
//! f(x) = x·σ(x),  f'(x) = σ(x)·(1 + x·(1 − σ(x))) = σ(x)·(1 + x·σ(−x)).
//!
//! Numerics: σ(−x) from the stable sigmoid pair rather than 1 − σ(x). At −inf the value is
//! −inf·0 = NaN and at ±inf the derivative is NaN (inf·0), as torch's.

use super::sigmoid::sigmoid_pair;
use super::{ActivationSpec, Elementwise, KernelUser};
use crate::float::Float;
use crate::par::Bound;

crate::hyper! {
    /// SiLU kernel.
    pub struct Silu {}
}

impl Elementwise for Silu {
    const SPEC: ActivationSpec = ActivationSpec {
        name: "silu",
        bound: Bound::Compute,
    };
    type Options = Self;

    fn specialise<U: KernelUser>(options: Self, user: U) -> U::Output {
        user.run(options)
    }

    #[inline(always)]
    fn value<F: Float>(self, x: F) -> F {
        x * sigmoid_pair(x).0
    }

    #[inline(always)]
    fn grad<F: Float>(self, x: F) -> F {
        let (s, c) = sigmoid_pair(x);
        s * (F::ONE + x * c)
    }

    #[inline(always)]
    fn value_and_grad<F: Float>(self, x: F) -> (F, F) {
        let (s, c) = sigmoid_pair(x);
        (x * s, s * (F::ONE + x * c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn torch_specials() {
        assert!(Silu.value(f64::NEG_INFINITY).is_nan());
        assert_eq!(Silu.value(f64::INFINITY), f64::INFINITY);
        assert!(Silu.grad(f32::INFINITY).is_nan());
        assert_eq!(Silu.grad(0.0_f64), 0.5);
    }
}
