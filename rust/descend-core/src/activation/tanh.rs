//! Hyperbolic tangent, torch's `tanh`.
//!
//! f(x) = tanh x,  f'(x) = 1 − tanh² x = sech² x = 4e/(1 + e)² with e = e^(−2|x|).
//!
//! Numerics: the value is [`Float::tanh`]. The derivative is formed from e, not as 1 − tanh²,
//! which cancels as |tanh| → 1 (f32 loses every digit past |x| ≈ 9, f64 past 19, where the
//! true value is still far above the smallest float). One exp and one division more.

use super::{ActivationSpec, Elementwise, KernelUser};
use crate::float::Float;
use crate::par::Bound;

crate::hyper! {
    /// tanh kernel.
    pub struct Tanh {}
}

impl Elementwise for Tanh {
    const SPEC: ActivationSpec = ActivationSpec {
        name: "tanh",
        bound: Bound::Compute,
    };
    type Options = Self;

    fn specialise<U: KernelUser>(options: Self, user: U) -> U::Output {
        user.run(options)
    }

    #[inline(always)]
    fn value<F: Float>(self, x: F) -> F {
        x.tanh()
    }

    #[inline(always)]
    fn grad<F: Float>(self, x: F) -> F {
        let a = x.abs();
        let e = (-(a + a)).exp();
        let d = F::ONE + e;
        F::from_f64(4.0) * e / (d * d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sech_squared() {
        for x in [-25.0_f64, -3.0, -0.1, 0.0, 1e-8, 2.0, 25.0] {
            let want = 1.0 / x.cosh().powi(2);
            assert!(
                (Tanh.grad(x) - want).abs() <= 4.0 * f64::EPSILON * want,
                "{x}"
            );
        }
        assert_eq!(Tanh.grad(f32::INFINITY), 0.0);
        assert!(Tanh.grad(f64::NAN).is_nan());
    }
}
