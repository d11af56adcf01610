//! Branch-free f64 `exp`, `exp_m1`, `ln`, `ln_1p` and `tanh` that vectorise when inlined into a
//! loop.
//!
//! Coefficients are Cephes' (exp, Padé form) and fdlibm's (log). tanh |x| = e / (e + 2) with
//! e = e^(2|x|) − 1 from `exp_m1`, which keeps it accurate near 0 (no 1 − small cancellation).
//!
//! Error (measured by `exp_ulp_sweep` and friends below against `std`, which is correctly
//! rounded to within 1 ULP on glibc): `exp`, `ln`, `ln_1p` ≤ 2 ULP, `exp_m1` ≤ 4 ULP (its
//! Padé quotient is used bare near 0) and `tanh` ≤ 5 ULP (the error of `exp_m1` plus two
//! roundings) on the sampled ranges. Against extended precision (`python benches/ulp.py`,
//! 10⁶ points each, uniform and log-spaced magnitudes down to 1e−300, `np.longdouble`; results in
//! `benches/results/ulp_f64.json`): exp 1.62, exp_m1 3.26, ln 0.74, ln_1p 1.44, tanh 3.57 ULP.

// Coefficients are kept digit for digit as published, so they can be checked against the source.
#![allow(clippy::excessive_precision)]

const MAGIC: f64 = 6_755_399_441_055_744.0; // 1.5 * 2^52: adding it rounds to an integer
const LOG2_E: f64 = std::f64::consts::LOG2_E;
const LN2_HI: f64 = 6.931_471_803_691_238_164_90e-1;
const LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;
// Cody–Waite split of ln 2 for exp: the high part has few bits, so n * C1 is exact.
const C1: f64 = 6.931_457_519_531_25e-1;
const C2: f64 = 1.428_606_820_309_417_232_12e-6;
const EXP_HI: f64 = 710.0;
const EXP_LO: f64 = -746.0;

/// Rounds `x` (|x| < 2^51) to the nearest integer, returning it as a float and as an integer.
#[inline(always)]
fn round_magic(x: f64) -> (f64, i64) {
    let shifted = x + MAGIC;
    let n = shifted.to_bits() as i64 - MAGIC.to_bits() as i64;
    (shifted - MAGIC, n)
}

/// 2^k for k in the normal exponent range [-1022, 1023].
#[inline(always)]
fn pow2(k: i64) -> f64 {
    f64::from_bits(((k + 1023) as u64) << 52)
}

/// Clamps with comparisons so NaN passes through (`f64::max` would replace it).
#[inline(always)]
fn clamp_keep_nan(x: f64, lo: f64, hi: f64) -> f64 {
    let x = if x > hi { hi } else { x };
    if x < lo {
        lo
    } else {
        x
    }
}

/// Splits x = n·ln2 + r with |r| ≤ ln2/2 and returns (e^r − 1, n1, n2) with n1 + n2 = n.
#[inline(always)]
fn exp_parts(x: f64) -> (f64, i64, i64) {
    let (em1, n) = exp_reduced(clamp_keep_nan(x, EXP_LO, EXP_HI));
    // 2^n is applied as two factors so every partial scale is a normal number: results
    // underflow gradually and overflow to inf instead of wrapping the exponent field.
    let n1 = n >> 1;
    (em1, n1, n - n1)
}

/// (e^r − 1, n) for x = n·ln2 + r, |r| ≤ ln2/2, x in [`EXP_LO`], [`EXP_HI`] or NaN.
#[inline(always)]
fn exp_reduced(x: f64) -> (f64, i64) {
    let (nf, n) = round_magic(x * LOG2_E);
    let r = (x - nf * C1) - nf * C2;
    let rr = r * r;
    let p = r
        * ((1.261_771_930_748_105_908_78e-4 * rr + 3.029_944_077_074_419_613_00e-2) * rr
            + 9.999_999_999_999_999_999_10e-1);
    let q = ((3.001_985_051_386_644_550_42e-6 * rr + 2.524_483_403_496_841_041_92e-3) * rr
        + 2.272_655_482_081_550_287_66e-1)
        * rr
        + 2.000_000_000_000_000_000_09;
    (2.0 * p / (q - p), n)
}

/// e^x.
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    let (em1, n1, n2) = exp_parts(x);
    (1.0 + em1) * pow2(n1) * pow2(n2)
}

/// e^x for x ≤ 0 (NaN passes through), as softmax takes it of x − max. Bitwise [`exp`] down
/// to x ≈ −708.7 (results ≥ 2^−1022.5); below, 0 instead of a subnormal, which spares the
/// upper clamp and one of the two scale factors. A softmax term that small is below the
/// rounding of its row's sum (≥ 1).
#[inline(always)]
pub fn exp_nonpositive(x: f64) -> f64 {
    let x = if x < EXP_LO { EXP_LO } else { x };
    let (em1, n) = exp_reduced(x);
    // 2^−1023 assembles as +0.
    (1.0 + em1) * pow2(n.max(-1023))
}

/// e^x − 1, accurate for small |x|.
#[inline(always)]
pub fn exp_m1(x: f64) -> f64 {
    let (em1, n1, n2) = exp_parts(x);
    let s1 = pow2(n1);
    // 2^n·(e^r − 1) + (2^n − 1), exact when n = 0 and free of cancellation otherwise, with the
    // last factor 2^n2 applied outside (exactly) so 2^n itself never overflows near x = 709.78.
    pow2(n2) * (em1 * s1 + (s1 - pow2(-n2)))
}

/// ln x for x in (0, inf) via fdlibm's reduction to [√½, √2); NaN below 0, −inf at 0.
#[inline(always)]
pub fn ln(x: f64) -> f64 {
    let subnormal = x < f64::MIN_POSITIVE;
    let scaled = if subnormal {
        x * 18_014_398_509_481_984.0
    } else {
        x
    }; // 2^54
    let bits = scaled.to_bits();
    // Shift the exponent so the mantissa lands in [√½, √2) (musl's trick on the high word).
    let hx = (bits >> 32) + (0x3ff0_0000 - 0x3fe6_a09e);
    let k = (hx >> 20) as i64 - 0x3ff - if subnormal { 54 } else { 0 };
    let hm = (hx & 0x000f_ffff) + 0x3fe6_a09e;
    let m = f64::from_bits((hm << 32) | (bits & 0xffff_ffff));
    let kf = f64::from_bits((MAGIC.to_bits() as i64 + k) as u64) - MAGIC;
    let f = m - 1.0;
    let hfsq = 0.5 * f * f;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w
        * (3.999_999_999_940_941_908e-1
            + w * (2.222_219_843_214_978_396e-1 + w * 1.531_383_769_920_937_332e-1));
    let t2 = z
        * (6.666_666_666_666_735_130e-1
            + w * (2.857_142_874_366_239_149e-1
                + w * (1.818_357_216_161_805_012e-1 + w * 1.479_819_860_511_658_591e-1)));
    let r = t2 + t1;
    let y = kf * LN2_HI - ((hfsq - (s * (hfsq + r) + kf * LN2_LO)) - f);
    let y = if x == f64::INFINITY { x } else { y };
    let y = if x == 0.0 { f64::NEG_INFINITY } else { y };
    if x < 0.0 || x.is_nan() {
        f64::NAN
    } else {
        y
    }
}

/// ln(1 + x), accurate for small |x|.
#[inline(always)]
pub fn ln_1p(x: f64) -> f64 {
    let u = 1.0 + x;
    // u = 1 + x rounded; (x − (u − 1)) / u corrects the log for that rounding to first order.
    let c = (x - (u - 1.0)) / u;
    let c = if u == f64::INFINITY || u == 0.0 {
        0.0
    } else {
        c
    };
    ln(u) + c
}

/// tanh x, with NaN passing through.
#[inline(always)]
pub fn tanh(x: f64) -> f64 {
    // tanh 22 rounds to 1, and the clamp keeps e/(e + 2) away from inf/inf.
    let a = x.abs();
    let a = if a > 22.0 { 22.0 } else { a };
    let e = exp_m1(a + a);
    (e / (e + 2.0)).copysign(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ulps(a: f64, b: f64) -> f64 {
        if a == b || (a.is_nan() && b.is_nan()) {
            return 0.0;
        }
        let spacing = f64::from_bits(b.abs().to_bits() + 1) - b.abs();
        ((a - b) / spacing).abs()
    }

    fn sweep(lo: f64, hi: f64, n: usize) -> impl Iterator<Item = f64> {
        (0..=n).map(move |i| lo + (hi - lo) * i as f64 / n as f64)
    }

    fn max_ulps(f: fn(f64) -> f64, g: fn(f64) -> f64, xs: impl Iterator<Item = f64>) -> f64 {
        xs.map(|x| ulps(f(x), g(x))).fold(0.0, f64::max)
    }

    #[test]
    fn exp_ulp_sweep() {
        assert!(max_ulps(exp, f64::exp, sweep(-745.0, 709.7, 200_000)) <= 2.0);
        assert!(max_ulps(exp, f64::exp, sweep(-1.0, 1.0, 200_000)) <= 2.0);
    }

    #[test]
    fn exp_m1_ulp_sweep() {
        assert!(max_ulps(exp_m1, f64::exp_m1, sweep(-1.0, 1.0, 200_001)) <= 4.0);
        assert!(max_ulps(exp_m1, f64::exp_m1, sweep(-1e-9, 1e-9, 20_001)) <= 4.0);
        assert!(max_ulps(exp_m1, f64::exp_m1, sweep(-50.0, 700.0, 200_001)) <= 4.0);
    }

    #[test]
    fn ln_ulp_sweep() {
        let wide = (0..200_000).map(|i| 10f64.powf(-300.0 + 600.0 * f64::from(i) / 2e5));
        assert!(max_ulps(ln, f64::ln, wide) <= 2.0);
        assert!(max_ulps(ln, f64::ln, sweep(0.5, 2.0, 200_000)) <= 2.0);
        assert!(max_ulps(ln_1p, f64::ln_1p, sweep(-0.999, 3.0, 200_000)) <= 2.0);
        assert!(max_ulps(ln_1p, f64::ln_1p, sweep(-1e-9, 1e-9, 20_001)) <= 2.0);
    }

    #[test]
    fn tanh_ulp_sweep() {
        assert!(max_ulps(tanh, f64::tanh, sweep(-25.0, 25.0, 200_001)) <= 5.0);
        assert!(max_ulps(tanh, f64::tanh, sweep(-1.0, 1.0, 200_001)) <= 5.0);
        assert!(max_ulps(tanh, f64::tanh, sweep(-1e-9, 1e-9, 20_001)) <= 5.0);
    }

    #[test]
    fn exp_nonpositive_is_exp_or_flushed() {
        for x in sweep(-750.0, 0.0, 400_001).chain([-708.39, -708.4, -745.1, -0.0]) {
            let (got, want) = (exp_nonpositive(x), exp(x));
            let flushed = got == 0.0 && want < f64::MIN_POSITIVE;
            assert!(got.to_bits() == want.to_bits() || flushed, "at {x:e}");
        }
        assert_eq!(exp_nonpositive(f64::NEG_INFINITY), 0.0);
        assert!(exp_nonpositive(f64::NAN).is_nan());
    }

    #[test]
    fn special_values() {
        assert_eq!(exp(f64::INFINITY), f64::INFINITY);
        assert_eq!(exp(f64::NEG_INFINITY), 0.0);
        assert!(exp(f64::NAN).is_nan());
        assert_eq!(exp(1000.0), f64::INFINITY);
        assert_eq!(exp_m1(f64::NEG_INFINITY), -1.0);
        assert_eq!(exp_m1(0.0), 0.0);
        assert!(ulps(exp_m1(709.7), f64::exp_m1(709.7)) <= 4.0);
        assert_eq!(exp_m1(709.8), f64::INFINITY);
        assert_eq!(tanh(f64::INFINITY), 1.0);
        assert_eq!(tanh(f64::NEG_INFINITY), -1.0);
        assert_eq!(tanh(-0.0).to_bits(), (-0.0_f64).to_bits());
        assert_eq!(tanh(5e-324), 5e-324);
        assert!(tanh(f64::NAN).is_nan());
        assert_eq!(ln(0.0), f64::NEG_INFINITY);
        assert!(ln(-1.0).is_nan());
        assert!(ln(f64::NAN).is_nan());
        assert_eq!(ln(f64::INFINITY), f64::INFINITY);
        assert_eq!(ln(1.0), 0.0);
        assert_eq!(ln(5e-324), f64::ln(5e-324));
        assert_eq!(ln_1p(-1.0), f64::NEG_INFINITY);
        assert_eq!(ln_1p(f64::INFINITY), f64::INFINITY);
        assert_eq!(ln_1p(1e-300), 1e-300);
    }
}
