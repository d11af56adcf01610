//! Logistic sigmoid, torch's `sigmoid`.
//!
//! σ(x) = 1 / (1 + e^(−x)),  σ'(x) = σ(x)·(1 − σ(x)) = σ(x)·σ(−x).
//!
//! Numerics: with e = e^(−|x|), which never overflows, σ(|x|) = 1/(1 + e) and σ(−|x|) = e/(1 + e);
//! no input, up to ±f64::MAX and ±inf, overflows or cancels. The derivative is the product
//! σ(x)·σ(−x) of two accurate factors, not σ·(1 − σ), which cancels for x ≫ 0 (in f32 it loses
//! every digit past x ≈ 17). One exp and one division per element.

use super::{ActivationSpec, Elementwise, KernelUser};
use crate::float::Float;
use crate::par::Bound;

/// (σ(x), σ(−x)) from one exp and one division; NaN gives NaN in both.
#[inline(always)]
pub(super) fn sigmoid_pair<F: Float>(x: F) -> (F, F) {
    let e = (-x.abs()).exp();
    let big = F::ONE / (F::ONE + e);
    let small = e * big;
    let non_negative = x >= F::ZERO;
    (
        F::select(non_negative, big, small),
        F::select(non_negative, small, big),
    )
}

crate::hyper! {
    /// Sigmoid kernel.
    pub struct Sigmoid {}
}

impl Elementwise for Sigmoid {
    const SPEC: ActivationSpec = ActivationSpec {
        name: "sigmoid",
        bound: Bound::Compute,
    };
    type Options = Self;

    fn specialise<U: KernelUser>(options: Self, user: U) -> U::Output {
        user.run(options)
    }

    #[inline(always)]
    fn value<F: Float>(self, x: F) -> F {
        sigmoid_pair(x).0
    }

    #[inline(always)]
    fn grad<F: Float>(self, x: F) -> F {
        let (s, c) = sigmoid_pair(x);
        s * c
    }

    #[inline(always)]
    fn value_and_grad<F: Float>(self, x: F) -> (F, F) {
        let (s, c) = sigmoid_pair(x);
        (s, s * c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_everywhere() {
        for x in [-800.0_f64, -30.0, -1.0, 0.0, 0.5, 30.0, 800.0] {
            let want = 1.0 / (1.0 + (-x).exp());
            assert!((Sigmoid.value(x) - want).abs() <= 2.0 * f64::EPSILON * want);
        }
        assert_eq!(Sigmoid.value(f64::MAX), 1.0);
        assert_eq!(Sigmoid.value(f32::NEG_INFINITY), 0.0);
        assert_eq!(Sigmoid.grad(0.0_f64), 0.25);
        // σ·(1 − σ) would give 0 here.
        let g = Sigmoid.grad(40.0_f64);
        assert!((g - (-40.0_f64).exp()).abs() <= 4.0 * f64::EPSILON * g);
        assert!(Sigmoid.grad(f32::NAN).is_nan());
    }
}
