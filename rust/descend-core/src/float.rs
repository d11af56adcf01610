//! The two element types, f32 and f64, behind one trait so every kernel is written once.
//!
//! Only operations that compile to branch-free vector instructions on every path belong here:
//! arithmetic, comparisons, `abs`, `copysign`, and the transcendentals of [`crate::simd::math`].
//! `mul_add` is deliberately absent: without FMA hardware it is a libm call, and with it the
//! scalar and vector paths would round differently. Kernels never fuse, so all paths agree bitwise.

use std::fmt::Debug;
use std::ops::{Add, Div, Mul, Neg, Sub};

use crate::simd::math;

/// A float element type of descend's arrays.
pub trait Float:
    Copy
    + Send
    + Sync
    + Debug
    + PartialOrd
    + Default
    + 'static
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
{
    /// numpy's name of the dtype.
    const DTYPE: &'static str;
    /// 0.
    const ZERO: Self;
    /// 1.
    const ONE: Self;

    /// Rounds an f64 to this type (used for hyperparameters, hoisted out of loops).
    fn from_f64(v: f64) -> Self;
    /// Widens to f64 (exact), for accumulation.
    fn to_f64(self) -> f64;
    /// Absolute value (clears the sign bit).
    fn abs(self) -> Self;
    /// Magnitude of `self` with the sign of `sign`.
    fn copysign(self, sign: Self) -> Self;
    /// `if cond { a } else { b }`, written so it lowers to a blend.
    #[inline(always)]
    fn select(cond: bool, a: Self, b: Self) -> Self {
        if cond {
            a
        } else {
            b
        }
    }
    /// +1 for positive, −1 for negative, 0 for ±0 and for NaN: torch's `sgn`, which its l1
    /// gradient uses (so a NaN difference gets a zero l1 gradient in torch, and here).
    #[inline(always)]
    fn signum0(self) -> Self {
        Self::select(
            self > Self::ZERO,
            Self::ONE,
            Self::select(self < Self::ZERO, -Self::ONE, Self::ZERO),
        )
    }
    /// True for NaN.
    #[inline(always)]
    #[allow(clippy::eq_op)]
    fn is_nan(self) -> bool {
        self != self
    }
    /// Square root, correctly rounded (one instruction on every path: no libm).
    fn sqrt(self) -> Self;
    /// The larger of the two; NaN if either is NaN (as `torch.maximum`).
    #[inline(always)]
    fn max_nan(self, other: Self) -> Self {
        // `|`, not `||`: the short-circuit compiled to a branch that kept loops scalar.
        Self::select(self.is_nan() | (self > other), self, other)
    }
    /// e^x, branch-free.
    fn exp(self) -> Self;
    /// e^x − 1, accurate near 0.
    fn exp_m1(self) -> Self;
    /// e^x for x ≤ 0 (softmax's e^(x − max)): `exp`, except that results below about half the
    /// smallest normal are 0, not subnormal.
    fn exp_nonpositive(self) -> Self;
    /// Natural logarithm.
    fn ln(self) -> Self;
    /// ln(1 + x), accurate near 0.
    fn ln_1p(self) -> Self;
    /// ln(1 + x) for x in [−0.64, 1] only (the tail ln(1 + e^(−|t|)) of softplus and log σ,
    /// log_cosh's logarithms), as accurate as `ln_1p` there and cheaper; NaN for NaN,
    /// unspecified outside.
    fn ln_1p_bounded(self) -> Self;
    /// Hyperbolic tangent, accurate near 0.
    fn tanh(self) -> Self;
    /// Error function.
    fn erf(self) -> Self;
    /// Complementary error function 1 − erf x, accurate in the tail x ≫ 0 where that cancels.
    fn erfc(self) -> Self;

    /// softplus x = ln(1 + e^x) = max(x, 0) + ln(1 + e^(−|x|)): finite for every finite x
    /// (never forms e^x for large x), x itself for large x, e^x for very negative x, NaN for
    /// NaN. f32 error ≤ 1.99 f32 ULP against the same formula in f64 `std` over every f32 in
    /// [−104, 104] (beyond, exactly max(x, 0)), measured by
    /// `cargo test --release -p descend-core -- --ignored ulp`.
    #[inline(always)]
    fn softplus(self) -> Self {
        self.softplus_given((-self.abs()).exp())
    }
    /// [`Float::softplus`] given `e` = e^(−|x|), for a kernel that computes it once (in a
    /// loop of its own) and uses it twice.
    #[inline(always)]
    fn softplus_given(self, e: Self) -> Self {
        Self::select(self > Self::ZERO, self, Self::ZERO) + e.ln_1p_bounded()
    }
    /// σ(x) = 1 / (1 + e^(−x)) from e^(−|x|): no overflow, and no cancellation for negative x
    /// (there σ = e^(−|x|) / (1 + e^(−|x|))). NaN for NaN.
    #[inline(always)]
    fn sigmoid(self) -> Self {
        self.sigmoid_given((-self.abs()).exp())
    }
    /// [`Float::sigmoid`] given `e` = e^(−|x|).
    #[inline(always)]
    fn sigmoid_given(self, e: Self) -> Self {
        Self::select(self >= Self::ZERO, Self::ONE, e) / (Self::ONE + e)
    }
    /// log_sigmoid x = ln(1 / (1 + e^(−x))) = min(x, 0) − ln(1 + e^(−|x|)) = −softplus(−x):
    /// finite for every finite x, x itself for very negative x, NaN for NaN. f32 error as
    /// [`Float::softplus`].
    #[inline(always)]
    fn log_sigmoid(self) -> Self {
        self.log_sigmoid_given((-self.abs()).exp())
    }
    /// [`Float::log_sigmoid`] given `e` = e^(−|x|).
    #[inline(always)]
    fn log_sigmoid_given(self, e: Self) -> Self {
        Self::select(self < Self::ZERO, self, Self::ZERO) - e.ln_1p_bounded()
    }
}

impl Float for f64 {
    const DTYPE: &'static str = "float64";
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;

    #[inline(always)]
    fn from_f64(v: f64) -> Self {
        v
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self
    }
    #[inline(always)]
    fn abs(self) -> Self {
        f64::abs(self)
    }
    #[inline(always)]
    fn copysign(self, sign: Self) -> Self {
        f64::copysign(self, sign)
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        f64::sqrt(self)
    }
    #[inline(always)]
    fn exp(self) -> Self {
        math::f64::exp(self)
    }
    #[inline(always)]
    fn exp_nonpositive(self) -> Self {
        math::f64::exp_nonpositive(self)
    }
    #[inline(always)]
    fn exp_m1(self) -> Self {
        math::f64::exp_m1(self)
    }
    #[inline(always)]
    fn ln(self) -> Self {
        math::f64::ln(self)
    }
    #[inline(always)]
    fn ln_1p(self) -> Self {
        math::f64::ln_1p(self)
    }
    #[inline(always)]
    fn ln_1p_bounded(self) -> Self {
        math::f64::ln_1p(self)
    }
    #[inline(always)]
    fn tanh(self) -> Self {
        math::f64::tanh(self)
    }
    #[inline(always)]
    fn erf(self) -> Self {
        math::erf::erf_f64(self)
    }
    #[inline(always)]
    fn erfc(self) -> Self {
        math::erf::erfc_f64(self)
    }
}

// f32 transcendentals are native f32 polynomials: 8 lanes per AVX2 vector instead of the 4 of
// a route through f64 (exp twice as fast), for ≤ 2.53 f32 ULP instead of ≤ 0.5 (measured
// per function in `simd/math/f32.rs`).
impl Float for f32 {
    const DTYPE: &'static str = "float32";
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;

    #[inline(always)]
    fn from_f64(v: f64) -> Self {
        v as f32
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
    #[inline(always)]
    fn abs(self) -> Self {
        f32::abs(self)
    }
    #[inline(always)]
    fn copysign(self, sign: Self) -> Self {
        f32::copysign(self, sign)
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        f32::sqrt(self)
    }
    #[inline(always)]
    fn exp(self) -> Self {
        math::f32::exp(self)
    }
    #[inline(always)]
    fn exp_nonpositive(self) -> Self {
        math::f32::exp_nonpositive(self)
    }
    #[inline(always)]
    fn exp_m1(self) -> Self {
        math::f32::exp_m1(self)
    }
    #[inline(always)]
    fn ln(self) -> Self {
        math::f32::ln(self)
    }
    #[inline(always)]
    fn ln_1p(self) -> Self {
        math::f32::ln_1p(self)
    }
    #[inline(always)]
    fn ln_1p_bounded(self) -> Self {
        math::f32::ln_1p_bounded(self)
    }
    #[inline(always)]
    fn tanh(self) -> Self {
        math::f32::tanh(self)
    }
    #[inline(always)]
    fn erf(self) -> Self {
        math::erf::erf_f32(self)
    }
    #[inline(always)]
    fn erfc(self) -> Self {
        math::erf::erfc_f32(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simd::math::testing::{exhaustive_f32, max_ulps_f32};

    fn softplus_std(x: f64) -> f64 {
        x.max(0.0) + (-x.abs()).exp().ln_1p()
    }

    fn log_sigmoid_std(x: f64) -> f64 {
        x.min(0.0) - (-x.abs()).exp().ln_1p()
    }

    type Case = (&'static str, fn(f32) -> f32, fn(f64) -> f64);

    const CASES: [Case; 2] = [
        ("softplus", f32::softplus, softplus_std),
        ("log_sigmoid", f32::log_sigmoid, log_sigmoid_std),
    ];

    #[test]
    fn softplus_log_sigmoid_ulp_sampled() {
        for (name, f, reference) in CASES {
            let (err, at) = max_ulps_f32(f, reference, 0, u32::MAX, 1009);
            assert!(err <= 2.0, "{name}: {err} ULP at {at:e}");
        }
        for x in [-700.0, -30.0, -1.0, -1e-9, 0.0, 1e-9, 0.5, 3.0, 40.0, 700.0] {
            let err = (x.softplus() - softplus_std(x)).abs() / softplus_std(x);
            assert!(err <= 4.0 * f64::EPSILON, "softplus({x})");
            let err = (x.log_sigmoid() - log_sigmoid_std(x)).abs() / -log_sigmoid_std(x);
            assert!(err <= 4.0 * f64::EPSILON, "log_sigmoid({x})");
        }
    }

    #[test]
    #[ignore = "exhaustive; run with --release"]
    fn ulp_exhaustive_softplus_log_sigmoid() {
        // Outside ±104, e^(−|x|) is 0 in f32 and both reduce to max(x, 0) or min(x, 0) exactly.
        for (name, f, reference) in CASES {
            let (err, at) = exhaustive_f32(f, reference, -104.0, 104.0);
            println!("f32 {name}: max {err:.3} ULP at {at:e}");
            assert!(err <= 2.0, "{name}: {err} ULP at {at:e}");
        }
    }

    #[test]
    fn softplus_log_sigmoid_special_values() {
        let inf = f32::INFINITY;
        assert_eq!(inf.softplus(), inf);
        assert_eq!((-inf).softplus(), 0.0);
        assert_eq!(1e30_f32.softplus(), 1e30);
        assert_eq!((-200.0_f32).softplus(), 0.0);
        assert!(f32::NAN.softplus().is_nan());
        assert_eq!(inf.log_sigmoid(), 0.0);
        assert_eq!((-inf).log_sigmoid(), -inf);
        assert_eq!((-1e30_f32).log_sigmoid(), -1e30);
        assert!(f64::NAN.log_sigmoid().is_nan());
        assert_eq!((-1e300_f64).log_sigmoid(), -1e300);
        assert_eq!(1e300_f64.softplus(), 1e300);
    }
}
