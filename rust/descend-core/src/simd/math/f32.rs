//! Native f32 `exp`, `exp_m1`, `ln`, `ln_1p` and `tanh`, in f32 arithmetic so a 256-bit vector
//! holds 8 lanes (going through f64 would halve that).
//!
//! exp: x = n·ln2 + r with |r| ≤ ln2/2 (Cody–Waite split of ln 2), e^r − 1 = r + r²·P(r) with
//! Cephes' `expf` polynomial (cephes/single/expf.c), 2^n from the bits in two factors so
//! results underflow gradually into the subnormals. ln: x = 2^k·m with m in [√½, √2) (musl's
//! bit trick), f = m − 1, ln m = f − f²/2 + f³·P(f) with Cephes' `logf` polynomial
//! (cephes/single/logf.c); ln_1p_bounded keeps musl's `logf` kernel instead (see
//! [`ln_rational`]). ln_1p: ln(1 + x) rounded, plus (x − (u − 1))/u for the rounding of
//! u = 1 + x. tanh |x| = e/(e + 2), e = exp_m1(2|x|).
//!
//! Error against the f64 `std` functions, in f32 ULPs, measured over every f32 of each
//! function's non-saturated domain by `cargo test --release -p descend-core -- --ignored ulp`
//! (the unit tests sample every 1009th bit pattern): exp 1.01, exp_m1 1.74, ln 0.89, ln_1p
//! 1.44 (ln_1p_bounded, on [−0.64, 1] only: the same 1.44, at x = −8.9e−8; 1.38 on [0, 1]),
//! tanh 2.53. The old route (f64 routine, then
//! rounded) is ≤ 0.5 + 2⁻²⁸, so these are up to 0.5–2.0 f32 ULP (6e−8 to 2.4e−7 relative)
//! less accurate than it. exp's polynomial is evaluated in Estrin's form: Horner's gave exp
//! 0.99, exp_m1 1.57 and tanh 2.42 ULP, but its one long dependency chain left the exp-bound
//! kernels 10–15% slower (AMD EPYC, in L1).
//!
//! Speed (1e6 f32 in a pulp AVX2 loop, one thread, median of 21): exp 0.74 ns/element against
//! 1.49 through f64 (numpy 2.4 `np.exp`: 1.34), ln 1.21 / 3.31 (musl's kernel; Cephes' takes
//! 10% off, see [`ln_polynomial`]), ln_1p 1.34 / 3.88, tanh 1.12 / 2.00. The loops are 8-lane
//! ymm code with no calls and no conversions.

// Coefficients are kept digit for digit as published, so they can be checked against the source.
#![allow(clippy::excessive_precision)]

const MAGIC: f32 = 12_582_912.0; // 1.5 * 2^23: adding it rounds to an integer
const LOG2_E: f32 = std::f32::consts::LOG2_E;
// Cody–Waite split of ln 2 (Cephes): C1 has 9 significant bits, so n·C1 is exact for |n| < 2^15.
const C1: f32 = 0.693_359_375;
const C2: f32 = -2.121_944_4e-4;
// Beyond these e^x is inf or rounds to 0 (e^88.73 > f32::MAX, e^−103.98 < 2^−150).
const EXP_HI: f32 = 89.0;
const EXP_LO: f32 = -104.0;
// ln 2 split for musl's logf kernel: k·LN2_HI is exact for the k of any f32.
const LN2_HI: f32 = 6.931_381_225_6e-1;
const LN2_LO: f32 = 9.058_000_614_5e-6;

/// Rounds `x` (|x| < 2^22) to the nearest integer, returning it as a float and as an integer.
#[inline(always)]
fn round_magic(x: f32) -> (f32, i32) {
    let shifted = x + MAGIC;
    let n = shifted.to_bits() as i32 - MAGIC.to_bits() as i32;
    (shifted - MAGIC, n)
}

/// 2^k for k in the normal exponent range [-126, 127].
#[inline(always)]
fn pow2(k: i32) -> f32 {
    f32::from_bits(((k + 127) as u32) << 23)
}

/// Clamps with comparisons so NaN passes through (`f32::max` would replace it).
#[inline(always)]
fn clamp_keep_nan(x: f32, lo: f32, hi: f32) -> f32 {
    let x = if x > hi { hi } else { x };
    if x < lo {
        lo
    } else {
        x
    }
}

/// Splits x = n·ln2 + r with |r| ≤ ln2/2 and returns (e^r − 1, n1, n2) with n1 + n2 = n.
#[inline(always)]
fn exp_parts(x: f32) -> (f32, i32, i32) {
    let (em1, n) = exp_reduced(clamp_keep_nan(x, EXP_LO, EXP_HI));
    // 2^n is applied as two factors so every partial scale is a normal number: results
    // underflow gradually and overflow to inf instead of wrapping the exponent field.
    let n1 = n >> 1;
    (em1, n1, n - n1)
}

/// (e^r − 1, n) for x = n·ln2 + r, |r| ≤ ln2/2, x in [`EXP_LO`], [`EXP_HI`] or NaN.
#[inline(always)]
fn exp_reduced(x: f32) -> (f32, i32) {
    let (nf, n) = round_magic(x * LOG2_E);
    let r = (x - nf * C1) - nf * C2;
    // Estrin's scheme: the same polynomial in three independent pairs.
    let r2 = r * r;
    let r4 = r2 * r2;
    let p = (5.000_000_12e-1 + 1.666_666_55e-1 * r)
        + r2 * (4.166_579_59e-2 + 8.333_451_9e-3 * r)
        + r4 * (1.398_199_95e-3 + 1.987_569_15e-4 * r);
    (p * r2 + r, n)
}

/// e^x. Error ≤ 1.01 f32 ULP against `f64::exp` over all f32 (measured: see the file header).
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    let (em1, n1, n2) = exp_parts(x);
    (1.0 + em1) * pow2(n1) * pow2(n2)
}

/// e^x for x ≤ 0 (NaN passes through), as softmax takes it of x − max. Bitwise [`exp`] down
/// to x ≈ −87.7 (results ≥ 2^−126.5); below, 0 instead of a subnormal, which spares the upper
/// clamp and one of the two scale factors (a sixth of the work). A softmax term that small is
/// below the rounding of its row's sum (≥ 1).
#[inline(always)]
pub fn exp_nonpositive(x: f32) -> f32 {
    let x = if x < EXP_LO { EXP_LO } else { x };
    let (em1, n) = exp_reduced(x);
    // 2^−127 assembles as +0.
    (1.0 + em1) * pow2(n.max(-127))
}

/// e^x − 1, accurate for small |x|. Error ≤ 1.74 f32 ULP against `f64::exp_m1` over all f32.
#[inline(always)]
pub fn exp_m1(x: f32) -> f32 {
    let (em1, n1, n2) = exp_parts(x);
    let s1 = pow2(n1);
    // 2^n·(e^r − 1) + (2^n − 1), exact when n = 0 and free of cancellation otherwise, with the
    // last factor 2^n2 applied outside (exactly) so 2^n itself never overflows near x = 88.72.
    pow2(n2) * (em1 * s1 + (s1 - pow2(-n2)))
}

/// ln x for x in (0, inf); NaN below 0, −inf at 0. Error ≤ 0.89 f32 ULP against `f64::ln`.
#[inline(always)]
pub fn ln(x: f32) -> f32 {
    // Subnormals are scaled by 2^25 into the normal range, and k corrected.
    let subnormal = x < f32::MIN_POSITIVE;
    let scaled = if subnormal { x * 33_554_432.0 } else { x };
    // Shift the exponent so the mantissa lands in [√½, √2) (musl's trick). Negative, zero,
    // infinite and NaN inputs make garbage here that the last select replaces.
    let ix = scaled.to_bits().wrapping_add(0x3f80_0000 - 0x3f35_04f3);
    let k = (ix >> 23) as i32 - 0x7f - if subnormal { 25 } else { 0 };
    let m = f32::from_bits((ix & 0x007f_ffff) + 0x3f35_04f3);
    let kf = f32::from_bits((MAGIC.to_bits() as i32 + k) as u32) - MAGIC;
    let y = ln_polynomial(m - 1.0, kf);
    // One select for every special value, off the polynomial's critical path.
    let special = if x < 0.0 {
        f32::NAN
    } else if x == 0.0 {
        f32::NEG_INFINITY
    } else {
        x // +inf and NaN
    };
    if x > 0.0 && x < f32::INFINITY {
        y
    } else {
        special
    }
}

/// ln(1 + x), accurate for small |x|. Error ≤ 1.44 f32 ULP against `f64::ln_1p`.
#[inline(always)]
pub fn ln_1p(x: f32) -> f32 {
    let u = 1.0 + x;
    // u = 1 + x rounded; (x − (u − 1)) / u corrects the log for that rounding to first order.
    let c = (x - (u - 1.0)) / u;
    let c = if u == f32::INFINITY || u == 0.0 {
        0.0
    } else {
        c
    };
    ln(u) + c
}

/// ln(2^k·(1 + f)) for f = m − 1, m in [√½, √2): Cephes' `logf` kernel (cephes/single/logf.c),
/// ln(1 + f) = f − f²/2 + f³·P(f), with P evaluated in Estrin's form and ln 2 split as in
/// [`exp`]. Without [`ln_rational`]'s division its chain is shorter, and the chain bounds a
/// loop of `ln`: AVX2 in L1, 1.09 against 1.22 ns per element (best of 5 runs of 31).
#[inline(always)]
fn ln_polynomial(f: f32, kf: f32) -> f32 {
    let f2 = f * f;
    let f4 = f2 * f2;
    let p = ((3.333_333_117_4e-1 - 2.499_999_399_3e-1 * f)
        + f2 * (2.000_071_476_5e-1 - 1.666_805_766_5e-1 * f))
        + f4 * ((1.424_932_278_7e-1 - 1.242_014_084_6e-1 * f)
            + f2 * (1.167_699_874_0e-1 - 1.151_461_031_0e-1 * f)
            + f4 * 7.037_683_629_2e-2);
    // The small terms are summed apart from f·f²·P, which shortens the chain by an addition.
    let small = kf * C2 - 0.5 * f2;
    (f * f2 * p + small + f) + kf * C1
}

/// ln(2^k·(1 + f)) as [`ln_polynomial`], by musl's `logf` kernel (from FreeBSD e_logf.c):
/// s = f/(2 + f), ln m = f − f²/2 + s·(f²/2 + R(s²)). Fewer operations, one of them a
/// division: in [`ln_1p_bounded`], whose reduction is short, that is the faster trade (0.74
/// against 0.79 ns per element, measured as above) and 0.01 ULP more accurate.
#[inline(always)]
fn ln_rational(f: f32, kf: f32) -> f32 {
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    // Lg1..Lg4 of musl logf: 0xaaaaaa.0p-24, 0xccce13.0p-25, 0x91e9ee.0p-25, 0xf89e26.0p-26.
    let t1 = w * (0.400_009_721_52 + w * 0.242_790_788_41);
    let t2 = z * (0.666_666_626_93 + w * 0.284_987_866_88);
    let r = t2 + t1;
    let hfsq = 0.5 * f * f;
    s * (hfsq + r) + kf * LN2_LO - hfsq + f + kf * LN2_HI
}

/// ln(1 + x) for x in [−0.64, 1]: the tail ln(1 + e^(−|t|)) of softplus, log σ and BCE on
/// logits, and log_cosh's ln(1 − tanh²) and ln(1 + m/2). Knowing 1 + x lies in [0.36, 2], the
/// reduction is two selects and no special value needs a case; the rounding of 1 + x is
/// corrected through an approximate reciprocal instead of a second division. Error ≤ 1.44 f32
/// ULP against `f64::ln_1p` over every f32 in [−0.64, 1] (1.38 on [0, 1]); NaN for NaN,
/// unspecified elsewhere.
#[inline(always)]
pub fn ln_1p_bounded(x: f32) -> f32 {
    let u = 1.0 + x;
    let high = u > std::f32::consts::SQRT_2;
    let low = u < std::f32::consts::FRAC_1_SQRT_2;
    // m = u·scale in [√½, √2), scale = 2^−k with k in {−1, 0, 1}.
    let (scale, k) = if high {
        (0.5, 1.0)
    } else if low {
        (2.0, -1.0)
    } else {
        (1.0, 0.0)
    };
    let f = u * scale - 1.0;
    // x − (u − 1) is exact: the part of x that 1 + x rounded away (0 where 1 + x is exact, as
    // below x = −½). Its share of the log is that over u; 1/u ≈ 2^−k·(1 − f + f²) is 7% off
    // at worst, on a term below half an ulp.
    let lost = x - (u - 1.0);
    let inv_u = scale * (1.0 - f + f * f);
    ln_rational(f, k) + lost * inv_u
}

/// tanh x, with NaN passing through. Error ≤ 2.53 f32 ULP against `f64::tanh` over all f32.
#[inline(always)]
pub fn tanh(x: f32) -> f32 {
    // tanh 10 rounds to 1, and the clamp keeps e/(e + 2) away from inf/inf.
    let a = x.abs();
    let a = if a > 10.0 { 10.0 } else { a };
    let e = exp_m1(a + a);
    (e / (e + 2.0)).copysign(x)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{exhaustive_f32, max_ulps_f32};
    use super::*;

    /// Function, reference, error bound held by the tests, and the domain swept exhaustively
    /// (beyond it results saturate, which `special_values` checks).
    type Case = (&'static str, fn(f32) -> f32, fn(f64) -> f64, f64, f32, f32);

    const CASES: [Case; 6] = [
        ("exp", exp, f64::exp, 1.1, -104.0, 89.0),
        ("exp_m1", exp_m1, f64::exp_m1, 1.8, -104.0, 89.0),
        ("ln", ln, f64::ln, 0.9, 0.0, f32::INFINITY),
        ("ln_1p", ln_1p, f64::ln_1p, 1.5, -1.0, f32::INFINITY),
        ("ln_1p_bounded", ln_1p_bounded, f64::ln_1p, 1.45, -0.64, 1.0),
        ("tanh", tanh, f64::tanh, 2.6, -10.0, 10.0),
    ];

    #[test]
    fn ulp_sampled() {
        // Every 1009th bit pattern: ~4.3e6 inputs of both signs covering every binade, or of
        // [−0.64, 1] for ln_1p_bounded, which is defined only there (each sign is one range
        // of bit patterns).
        for (name, f, reference, bound, lo, hi) in CASES {
            let ranges = if name == "ln_1p_bounded" {
                vec![(0, hi.to_bits()), (0x8000_0000, lo.to_bits())]
            } else {
                vec![(0, u32::MAX)]
            };
            for (from, to) in ranges {
                let (err, at) = max_ulps_f32(f, reference, from, to, 1009);
                assert!(err <= bound, "{name}: {err} ULP at {at:e}");
            }
        }
    }

    #[test]
    #[ignore = "exhaustive; run with --release"]
    fn ulp_exhaustive_f32() {
        for (name, f, reference, bound, lo, hi) in CASES {
            let (err, at) = exhaustive_f32(f, reference, lo, hi);
            println!("f32 {name}: max {err:.3} ULP at {at:e}");
            assert!(err <= bound, "{name}: {err} ULP at {at:e}");
        }
    }

    #[test]
    fn exp_nonpositive_is_exp_or_flushed() {
        // Every 101st x in [−104, −0] (exp is 0 below), and the neighbourhood of the flush.
        let sampled = ((-0.0_f32).to_bits()..=(-104.0_f32).to_bits()).step_by(101);
        let edge = (-87.2_f32).to_bits()..(-87.8_f32).to_bits();
        for bits in sampled.chain(edge) {
            let x = f32::from_bits(bits);
            let (got, want) = (exp_nonpositive(x), exp(x));
            let flushed = got == 0.0 && want < f32::MIN_POSITIVE;
            assert!(got.to_bits() == want.to_bits() || flushed, "at {x:e}");
        }
        assert_eq!(exp_nonpositive(f32::NEG_INFINITY), 0.0);
        assert_eq!(exp_nonpositive(-0.0), 1.0);
        assert!(exp_nonpositive(f32::NAN).is_nan());
    }

    #[test]
    fn special_values() {
        let inf = f32::INFINITY;
        assert_eq!(exp(inf), inf);
        assert_eq!(exp(-inf), 0.0);
        assert!(exp(f32::NAN).is_nan());
        assert_eq!(exp(88.8), inf);
        assert_eq!(exp(88.72), f64::exp(88.72_f32.into()) as f32);
        assert_eq!(exp(-104.0), 0.0);
        assert_eq!(exp(-103.0), f64::exp(-103.0) as f32);
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp_m1(-inf), -1.0);
        assert_eq!(exp_m1(inf), inf);
        assert_eq!(exp_m1(0.0), 0.0);
        assert_eq!(exp_m1(1e-30), 1e-30);
        assert_eq!(exp_m1(1e-45), 1e-45);
        assert_eq!(exp_m1(88.72), f64::exp_m1(88.72_f32.into()) as f32);
        assert!(exp_m1(f32::NAN).is_nan());
        assert_eq!(ln(0.0), -inf);
        assert_eq!(ln(-0.0), -inf);
        assert!(ln(-1.0).is_nan());
        assert!(ln(-inf).is_nan());
        assert!(ln(f32::NAN).is_nan());
        assert_eq!(ln(inf), inf);
        assert_eq!(ln(1.0), 0.0);
        assert_eq!(ln(1e-45), f64::ln(1e-45_f32.into()) as f32);
        assert_eq!(ln_1p(-1.0), -inf);
        assert_eq!(ln_1p(inf), inf);
        assert_eq!(ln_1p(1e-30), 1e-30);
        assert!(ln_1p(-2.0).is_nan());
        assert_eq!(tanh(inf), 1.0);
        assert_eq!(tanh(-inf), -1.0);
        assert_eq!(tanh(-0.0).to_bits(), (-0.0_f32).to_bits());
        assert_eq!(tanh(1e-40), 1e-40);
        assert!(tanh(f32::NAN).is_nan());
    }
}
