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
    /// e^x, branch-free.
    fn exp(self) -> Self;
    /// e^x − 1, accurate near 0.
    fn exp_m1(self) -> Self;
    /// Natural logarithm.
    fn ln(self) -> Self;
    /// ln(1 + x), accurate near 0.
    fn ln_1p(self) -> Self;
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
    fn exp(self) -> Self {
        math::exp(self)
    }
    #[inline(always)]
    fn exp_m1(self) -> Self {
        math::exp_m1(self)
    }
    #[inline(always)]
    fn ln(self) -> Self {
        math::ln(self)
    }
    #[inline(always)]
    fn ln_1p(self) -> Self {
        math::ln_1p(self)
    }
}

// f32 transcendentals go through the f64 routines: one set of polynomials, and the result is
// the correctly rounded f32 of a value accurate to ~1 f64 ULP (dedicated f32 polynomials are a
// later speed-up for exp-bound kernels).
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
    fn exp(self) -> Self {
        math::exp(f64::from(self)) as f32
    }
    #[inline(always)]
    fn exp_m1(self) -> Self {
        math::exp_m1(f64::from(self)) as f32
    }
    #[inline(always)]
    fn ln(self) -> Self {
        math::ln(f64::from(self)) as f32
    }
    #[inline(always)]
    fn ln_1p(self) -> Self {
        math::ln_1p(f64::from(self)) as f32
    }
}
