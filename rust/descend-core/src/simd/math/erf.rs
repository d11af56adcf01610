//! Branch-free erf for f64 and f32: musl's `erf`/`erff` (FreeBSD s_erf.c / s_erff.c, Sun
//! fdlibm) with every range computed and the answer selected.
//!
//! With a = |x| and erf(−x) = −erf(x):
//! - a < 0.84375: erf = a + a·P(a²)/Q(a²);
//! - 0.84375 ≤ a < 1.25: erf = erx + P(a − 1)/Q(a − 1), erx = erf(1) rounded to 24 bits;
//! - 1.25 ≤ a < 6: erf = 1 − e^(−z² − 0.5625)·e^((z − a)(z + a) + R(1/a²)/S(1/a²))/a, with z = a
//!   cut to half its bits so z² is exact; R/S from the [1.25, 1/0.35) or [1/0.35, 6) set,
//!   picked per lane (one polynomial evaluation, coefficients selected);
//! - a ≥ 6: erf = 1 (to the last bit in both types).
//!
//! erfc uses the same three parts (musl's `erfc`/`erfcf`): the tail formula is erfc itself, kept
//! to a < 28 without cancelling against 1, and erfc(−a) = 1 + erf a.
//!
//! Coefficients are the published ones, digit for digit. Every range costs each lane (two
//! `exp` and three divisions), which is the price of not branching.
//!
//! Error: f64 ≤ 0.78 ULP against mpmath's erf at 50 digits on 2.2·10⁵ points (2·10⁵ evenly
//! over [−7, 7], 2·10⁴ log-spaced over [1e−300, 1e−5]); `python benches/ulp.py` (mpmath at 40
//! digits, 5·10⁴ points) gives erf 0.77 and erfc 2.98 ULP. f32 ≤ 0.97 f32 ULP against the f64 `erf_f64` over
//! every f32 in [−6, 6] (beyond, both are ±1 exactly), measured by
//! `cargo test --release -p descend-core -- --ignored ulp`.

// Coefficients are kept digit for digit as published, so they can be checked against the source.
#![allow(clippy::excessive_precision)]

/// erf x for f64; NaN passes through, erf(±inf) = ±1.
#[inline(always)]
pub fn erf_f64(x: f64) -> f64 {
    let a = x.abs();
    let (ratio, pq, tail) = parts_f64(a, 6.0);
    let small = a + a * ratio;
    let mid = ERX_F64 + pq;
    let tail = 1.0 - tail;

    // Largest range first, so NaN (all comparisons false) ends on `small`, which keeps it.
    let y = if a >= 0.843_75 { mid } else { small };
    let y = if a >= 1.25 { tail } else { y };
    let y = if a >= 6.0 { 1.0 } else { y };
    y.copysign(x)
}

/// erfc x = 1 − erf x for f64, without the cancellation of 1 − erf x for x > 0 (musl's
/// `erfc`): a + a·P/Q form for a < 0.84375 (0.5 − (a·P/Q + (a − 0.5)) from 1/4 on),
/// (1 − erx) − P/Q to 1.25, the tail e^(…)/a itself to 28 (0 beyond); for x < 0, 1 + erf |x|,
/// which does not cancel. NaN passes through, erfc(+inf) = 0, erfc(−inf) = 2.
#[inline(always)]
pub fn erfc_f64(x: f64) -> f64 {
    let a = x.abs();
    let (ratio, pq, tail) = parts_f64(a, 28.0);
    let small_c = if a < 0.25 {
        1.0 - (a + a * ratio)
    } else {
        0.5 - (a * ratio + (a - 0.5))
    };
    let y = if a >= 0.843_75 {
        (1.0 - ERX_F64) - pq
    } else {
        small_c
    };
    let y = if a >= 1.25 { tail } else { y };
    let positive = if a >= 28.0 { 0.0 } else { y };
    let e = if a >= 0.843_75 {
        ERX_F64 + pq
    } else {
        a + a * ratio
    };
    let e = if a >= 1.25 { 1.0 - tail } else { e };
    let e = if a >= 6.0 { 1.0 } else { e };
    if x < 0.0 {
        1.0 + e
    } else {
        positive
    }
}

/// erf(1) rounded to 24 bits: the split point of the middle range.
const ERX_F64: f64 = 8.450_629_115_104_675_292_97e-1;

/// For a = |x|: (P/Q of the small range at a², P/Q of the middle range at a − 1, erfc of the
/// tail formula at a clamped to [1.25, `hi`]). Every lane computes all three.
#[inline(always)]
fn parts_f64(a: f64, hi: f64) -> (f64, f64, f64) {
    let z = a * a;
    let r = 1.283_791_670_955_125_585_61e-1
        + z * (-3.250_421_072_470_014_993_70e-1
            + z * (-2.848_174_957_559_851_047_66e-2
                + z * (-5.770_270_296_489_441_591_57e-3 + z * -2.376_301_665_665_016_260_84e-5)));
    let s = 1.0
        + z * (3.979_172_239_591_553_528_19e-1
            + z * (6.502_224_998_876_729_444_85e-2
                + z * (5.081_306_281_875_765_627_76e-3
                    + z * (1.324_947_380_043_216_445_26e-4
                        + z * -3.960_228_278_775_368_123_20e-6))));
    let ratio = r / s;

    let t = a - 1.0;
    let p = -2.362_118_560_752_659_440_77e-3
        + t * (4.148_561_186_837_483_316_66e-1
            + t * (-3.722_078_760_357_013_238_47e-1
                + t * (3.183_466_199_011_617_536_74e-1
                    + t * (-1.108_946_942_823_966_774_76e-1
                        + t * (3.547_830_432_561_823_593_71e-2
                            + t * -2.166_375_594_868_790_843_00e-3)))));
    let q = 1.0
        + t * (1.064_208_804_008_442_282_86e-1
            + t * (5.403_979_177_021_710_489_37e-1
                + t * (7.182_865_441_419_626_628_68e-2
                    + t * (1.261_712_198_087_616_421_12e-1
                        + t * (1.363_708_391_202_905_073_62e-2
                            + t * 1.198_449_984_679_910_741_70e-2)))));
    let pq = p / q;

    // The tail formula is only wanted for a in [1.25, hi); clamping there keeps the other lanes
    // finite, so the selects never see inf/inf.
    let b = if a < 1.25 { 1.25 } else { a };
    let b = if b > hi { hi } else { b };
    let u = 1.0 / (b * b);
    let near = b < 1.0 / 0.35;
    let c = |ra: f64, rb: f64| if near { ra } else { rb };
    let big_r = c(
        -9.864_944_034_847_148_227_05e-3,
        -9.864_942_924_700_099_285_97e-3,
    ) + u
        * (c(
            -6.938_585_727_071_817_643_72e-1,
            -7.992_832_376_805_230_065_74e-1,
        ) + u
            * (c(
                -1.055_862_622_532_329_098_14e1,
                -1.775_795_491_775_475_198_89e1,
            ) + u
                * (c(
                    -6.237_533_245_032_600_603_96e1,
                    -1.606_363_848_558_219_160_62e2,
                ) + u
                    * (c(
                        -1.623_966_694_625_734_703_55e2,
                        -6.375_664_433_683_896_277_22e2,
                    ) + u
                        * (c(
                            -1.846_050_929_067_110_359_94e2,
                            -1.025_095_131_611_077_249_54e3,
                        ) + u
                            * (c(
                                -8.128_743_550_630_659_342_46e1,
                                -4.835_191_916_086_513_970_19e2,
                            ) + u * c(-9.814_329_344_169_145_485_92, 0.0)))))));
    let big_s = 1.0
        + u * (c(
            1.965_127_166_743_925_712_92e1,
            3.033_806_074_348_245_829_24e1,
        ) + u
            * (c(
                1.376_577_541_435_190_426_00e2,
                3.257_925_129_965_739_188_26e2,
            ) + u
                * (c(
                    4.345_658_774_752_292_288_21e2,
                    1.536_729_586_084_436_959_94e3,
                ) + u
                    * (c(
                        6.453_872_717_332_678_803_36e2,
                        3.199_858_219_508_595_539_08e3,
                    ) + u
                        * (c(
                            4.290_081_400_275_678_333_86e2,
                            2.553_050_406_433_164_425_83e3,
                        ) + u
                            * (c(
                                1.086_350_055_417_794_351_34e2,
                                4.745_285_412_069_553_672_15e2,
                            ) + u
                                * (c(
                                    6.570_249_770_319_281_701_35,
                                    -2.244_095_244_658_581_833_62e1,
                                ) + u * c(-6.042_441_521_485_809_874_38e-2, 0.0))))))));
    let zz = f64::from_bits(b.to_bits() & 0xffff_ffff_0000_0000);
    let tail = super::f64::exp(-zz * zz - 0.5625)
        * super::f64::exp((zz - b) * (zz + b) + big_r / big_s)
        / b;
    (ratio, pq, tail)
}

/// erf x for f32 in f32 arithmetic; NaN passes through, erf(±inf) = ±1.
#[inline(always)]
pub fn erf_f32(x: f32) -> f32 {
    let a = x.abs();
    let (ratio, pq, tail) = parts_f32(a, 6.0);
    let small = a + a * ratio;
    let mid = ERX_F32 + pq;
    let tail = 1.0 - tail;

    let y = if a >= 0.843_75 { mid } else { small };
    let y = if a >= 1.25 { tail } else { y };
    let y = if a >= 6.0 { 1.0 } else { y };
    y.copysign(x)
}

/// erfc x for f32 in f32 arithmetic, as [`erfc_f64`] (musl's `erfcf`).
#[inline(always)]
pub fn erfc_f32(x: f32) -> f32 {
    let a = x.abs();
    let (ratio, pq, tail) = parts_f32(a, 28.0);
    let small_c = if a < 0.25 {
        1.0 - (a + a * ratio)
    } else {
        0.5 - (a * ratio + (a - 0.5))
    };
    let y = if a >= 0.843_75 {
        (1.0 - ERX_F32) - pq
    } else {
        small_c
    };
    let y = if a >= 1.25 { tail } else { y };
    let positive = if a >= 28.0 { 0.0 } else { y };
    let e = if a >= 0.843_75 {
        ERX_F32 + pq
    } else {
        a + a * ratio
    };
    let e = if a >= 1.25 { 1.0 - tail } else { e };
    let e = if a >= 6.0 { 1.0 } else { e };
    if x < 0.0 {
        1.0 + e
    } else {
        positive
    }
}

const ERX_F32: f32 = 8.450_629_115_1e-1;

/// [`parts_f64`] in f32 arithmetic.
#[inline(always)]
fn parts_f32(a: f32, hi: f32) -> (f32, f32, f32) {
    let z = a * a;
    let r = 1.283_791_661_3e-1
        + z * (-3.250_420_987_6e-1
            + z * (-2.848_174_981_8e-2 + z * (-5.770_270_247_0e-3 + z * -2.376_301_745_2e-5)));
    let s = 1.0
        + z * (3.979_172_110_6e-1
            + z * (6.502_225_250_0e-2
                + z * (5.081_306_211_7e-3 + z * (1.324_947_370_4e-4 + z * -3.960_228_241_3e-6))));
    let ratio = r / s;

    let t = a - 1.0;
    let p = -2.362_118_568_3e-3
        + t * (4.148_561_060_4e-1
            + t * (-3.722_078_800_2e-1
                + t * (3.183_466_196_1e-1
                    + t * (-1.108_946_949_2e-1
                        + t * (3.547_830_507_2e-2 + t * -2.166_375_517_8e-3)))));
    let q = 1.0
        + t * (1.064_208_820_5e-1
            + t * (5.403_979_420_7e-1
                + t * (7.182_865_589_9e-2
                    + t * (1.261_712_163_7e-1
                        + t * (1.363_708_358_3e-2 + t * 1.198_450_010_3e-2)))));
    let pq = p / q;

    let b = if a < 1.25 { 1.25 } else { a };
    let b = if b > hi { hi } else { b };
    let u = 1.0 / (b * b);
    let near = b < 1.0 / 0.35;
    let c = |ra: f32, rb: f32| if near { ra } else { rb };
    let big_r = c(-9.864_944_033_3e-3, -9.864_943_102_0e-3)
        + u * (c(-6.938_585_639_0e-1, -7.992_832_660_7e-1)
            + u * (c(-1.055_862_617_5e1, -1.775_795_555_1e1)
                + u * (c(-6.237_533_187_9e1, -1.606_363_830_6e2)
                    + u * (c(-1.623_966_674_8e2, -6.375_664_672_9e2)
                        + u * (c(-1.846_050_872_8e2, -1.025_095_092_8e3)
                            + u * (c(-8.128_743_743_9e1, -4.835_191_955_6e2)
                                + u * c(-9.814_329_147_3, 0.0)))))));
    let big_s = 1.0
        + u * (c(1.965_127_182_0e1, 3.033_806_037_9e1)
            + u * (c(1.376_577_606_2e2, 3.257_925_109_9e2)
                + u * (c(4.345_658_874_5e2, 1.536_729_614_3e3)
                    + u * (c(6.453_872_680_7e2, 3.199_858_154_3e3)
                        + u * (c(4.290_081_481_9e2, 2.553_050_293_0e3)
                            + u * (c(1.086_350_021_4e2, 4.745_285_339_4e2)
                                + u * (c(6.570_249_557_5, -2.244_095_230_1e1)
                                    + u * c(-6.042_441_353_2e-2, 0.0))))))));
    let zz = f32::from_bits(b.to_bits() & 0xffff_e000);
    let tail = super::f32::exp(-zz * zz - 0.5625)
        * super::f32::exp((zz - b) * (zz + b) + big_r / big_s)
        / b;
    (ratio, pq, tail)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{exhaustive_f32, max_ulps_f32};
    use super::*;

    // SAFETY: the C library's erf takes and returns a double and has no preconditions.
    unsafe extern "C" {
        #[link_name = "erf"]
        safe fn libm_erf(x: f64) -> f64;
        #[link_name = "erfc"]
        safe fn libm_erfc(x: f64) -> f64;
    }

    fn ulps(a: f64, b: f64) -> f64 {
        if a == b || (a.is_nan() && b.is_nan()) {
            return 0.0;
        }
        let spacing = f64::from_bits(b.abs().to_bits() + 1) - b.abs();
        ((a - b) / spacing).abs()
    }

    #[test]
    fn f64_against_libm() {
        // glibc's erf is within 1 ULP (its libm-test-ulps) and ours within 0.78 of mpmath.
        let xs = (0..=400_000).map(|i| -7.0 + 14.0 * f64::from(i) / 4e5);
        let tiny = (0..=20_000).map(|i| 10f64.powf(-300.0 + 295.0 * f64::from(i) / 2e4));
        for x in xs.chain(tiny) {
            let err = ulps(erf_f64(x), libm_erf(x));
            assert!(err <= 2.0, "erf({x:e}): {err} ULP");
        }
    }

    #[test]
    fn erfc_against_libm() {
        // Over the whole non-underflowing range, the left tail (where 1 − erf would cancel)
        // included; f32 against our f64 erfc, sampled.
        let xs = (0..=400_000).map(|i| -7.0 + 34.0 * f64::from(i) / 4e5);
        for x in xs {
            let err = ulps(erfc_f64(x), libm_erfc(x));
            assert!(err <= 4.0, "erfc({x:e}): {err} ULP");
        }
        let (err, at) = max_ulps_f32(erfc_f32, erfc_f64, 0, 0x4120_0000, 1009);
        assert!(err <= 4.0, "erfc f32: {err} ULP at {at:e}");
        let (err, at) = max_ulps_f32(erfc_f32, erfc_f64, 0x8000_0000, 0xc0e0_0000, 1009);
        assert!(err <= 4.0, "erfc f32: {err} ULP at {at:e}");
        assert_eq!(erfc_f64(f64::INFINITY), 0.0);
        assert_eq!(erfc_f64(f64::NEG_INFINITY), 2.0);
        assert!(erfc_f64(f64::NAN).is_nan() && erfc_f32(f32::NAN).is_nan());
        assert_eq!(erfc_f32(f32::INFINITY), 0.0);
        assert_eq!(erfc_f32(f32::NEG_INFINITY), 2.0);
    }

    #[test]
    fn f32_ulp_sampled() {
        let (err, at) = max_ulps_f32(erf_f32, erf_f64, 0, u32::MAX, 1009);
        assert!(err <= 1.0, "erf: {err} ULP at {at:e}");
    }

    #[test]
    #[ignore = "exhaustive; run with --release"]
    fn ulp_exhaustive_erf_f32() {
        let (err, at) = exhaustive_f32(erf_f32, erf_f64, -6.0, 6.0);
        println!("f32 erf: max {err:.3} ULP at {at:e}");
        assert!(err <= 1.0, "erf: {err} ULP at {at:e}");
    }

    #[test]
    fn special_values() {
        let inf = f64::INFINITY;
        assert_eq!(erf_f64(inf), 1.0);
        assert_eq!(erf_f64(-inf), -1.0);
        assert!(erf_f64(f64::NAN).is_nan());
        assert_eq!(erf_f64(-0.0).to_bits(), (-0.0_f64).to_bits());
        assert_eq!(erf_f64(6.0), 1.0);
        assert_eq!(erf_f32(f32::INFINITY), 1.0);
        assert_eq!(erf_f32(f32::NEG_INFINITY), -1.0);
        assert!(erf_f32(f32::NAN).is_nan());
        assert_eq!(erf_f32(-0.0).to_bits(), (-0.0_f32).to_bits());
        assert_eq!(erf_f32(1e-40), erf_f64(1e-40_f32.into()) as f32);
    }
}
