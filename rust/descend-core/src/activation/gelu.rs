//! Gaussian error linear unit, torch's `gelu(approximate="none"|"tanh")`.
//!
//! none: f(x) = x·Φ(x), Φ(x) = erfc(−x/√2)/2;  f'(x) = Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π).
//! tanh: f(x) = ½·x·(1 + tanh u) = x·σ(2u), u = √(2/π)·(x + 0.044715·x³);
//!       f'(x) = σ(2u) + x·2u'·σ(2u)·σ(−2u), 2u' = 2√(2/π)·(1 + 3·0.044715·x²).
//!
//! Python's `approximate` string is a choice of two words here, and the choice a type
//! parameter, so the loop holds one formula.
//!
//! Numerics: Φ through `erfc` keeps the left tail accurate, where torch's 1 + erf(x/√2)
//! cancels (torch gives −0.0 at x = −20, the true value is −5.5e−88); x·σ(2u) likewise does
//! not cancel for x < 0 as ½·x·(1 + tanh u) does. The operations are ordered as the numpy
//! reference orders them (−x/√2 divided, not multiplied: erfc's relative condition number
//! grows like 2t², so one rounding of its argument would show at t ≈ 26). σ(2u)·σ(−2u) replaces
//! σ·(1 − σ), which cancels. Beyond |x| = 50 the tanh form's second term is exactly x·0 (the
//! product would be 0·inf past |x| ~ 1e154). At ±inf both forms give NaN where torch does
//! (gelu(−inf) = −inf·0, and both derivatives at ±inf).

use super::sigmoid::sigmoid_pair;
use super::{ActivationSpec, Elementwise, KernelUser};
use crate::float::Float;
use crate::hyper::Domain::Choice;
use crate::par::Bound;

const SQRT_2: f64 = std::f64::consts::SQRT_2;
/// 1/√(2π).
const FRAC_1_SQRT_2PI: f64 = 0.398_942_280_401_432_7;
/// 2·√(2/π), as the reference's `2.0 * sqrt(2/pi)`.
const TWO_K: f64 = 2.0 * 0.797_884_560_802_865_4;
const C: f64 = 0.044_715;
/// Past this |x|, the tanh form's x·2u'·σ(2u)·σ(−2u) is 0 (σ(−2u) < 1e−300).
const TAIL: f64 = 50.0;

crate::hyper! {
    /// GELU's options.
    pub struct GeluOptions {
        /// The tanh approximation (`approximate="tanh"`) rather than the exact form ("none").
        tanh("approximate"): bool = false, Choice(&["none", "tanh"]);
    }
}

/// GELU kernel; `TANH` selects the tanh approximation.
#[derive(Debug, Clone, Copy)]
pub struct Gelu<const TANH: bool = false>;

impl<const TANH: bool> Gelu<TANH> {
    /// (x·½, Φ(x)·... ) pieces of the exact form: ½·erfc(−x/√2) = Φ(x).
    #[inline(always)]
    fn erfc_part<F: Float>(x: F) -> F {
        (-x / F::from_f64(SQRT_2)).erfc()
    }

    /// 2u = 2√(2/π)·(x + 0.044715·x³).
    #[inline(always)]
    fn two_u<F: Float>(x: F) -> F {
        F::from_f64(TWO_K) * (x + F::from_f64(C) * x * x * x)
    }
}

impl<const TANH: bool> Elementwise for Gelu<TANH> {
    const SPEC: ActivationSpec = ActivationSpec {
        name: "gelu",
        bound: Bound::Compute,
    };
    type Options = GeluOptions;

    fn specialise<U: KernelUser>(options: GeluOptions, user: U) -> U::Output {
        if options.tanh {
            user.run(Gelu::<true>)
        } else {
            user.run(Gelu::<false>)
        }
    }

    #[inline(always)]
    fn value<F: Float>(self, x: F) -> F {
        if TANH {
            x * sigmoid_pair(Self::two_u(x)).0
        } else {
            x * F::from_f64(0.5) * Self::erfc_part(x)
        }
    }

    #[inline(always)]
    fn grad<F: Float>(self, x: F) -> F {
        if TANH {
            let (s, c) = sigmoid_pair(Self::two_u(x));
            let slope = F::from_f64(TWO_K) * (F::ONE + F::from_f64(3.0 * C) * x * x);
            let curve = F::select(x.abs() < F::from_f64(TAIL), x * slope * s * c, F::ZERO * x);
            s + curve
        } else {
            let half = F::from_f64(0.5);
            let pdf = (-half * x * x).exp() * F::from_f64(FRAC_1_SQRT_2PI);
            half * Self::erfc_part(x) + x * pdf
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms() {
        let exact = Gelu::<false>;
        let approx = Gelu::<true>;
        assert!((exact.value(1.0_f64) - 0.841_344_746_068_542_9).abs() < 1e-15);
        assert!((approx.value(1.0_f64) - 0.841_191_990_608_276_8).abs() < 1e-15);
        // The left tail survives.
        let v = exact.value(-20.0_f64);
        assert!(v < 0.0 && (v / -5.507_248_237_212_663e-88 - 1.0).abs() < 1e-13);
        assert!(exact.value(f64::NEG_INFINITY).is_nan());
        assert!(exact.grad(f64::INFINITY).is_nan() && approx.grad(f32::NEG_INFINITY).is_nan());
        assert_eq!(approx.value(f64::INFINITY), f64::INFINITY);
        assert_eq!(approx.grad(1e200_f64), 1.0);
        // Central difference of the exact form at a few points.
        for x in [-3.0_f64, -0.75, 0.3, 2.0] {
            let h = 1e-6;
            let fd = (exact.value(x + h) - exact.value(x - h)) / (2.0 * h);
            assert!((exact.grad(x) - fd).abs() < 1e-8, "{x}");
            let fd = (approx.value(x + h) - approx.value(x - h)) / (2.0 * h);
            assert!((approx.grad(x) - fd).abs() < 1e-8, "{x}");
        }
    }
}
