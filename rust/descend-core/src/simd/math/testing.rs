//! Error measurement shared by the math tests: f32 results against an f64 reference, in f32
//! ULPs of the reference, over strided or exhaustive sweeps of f32 bit patterns.

use rayon::prelude::*;

/// |got − want| in units of the f32 spacing at `want` (subnormal spacing below 2^−126), so a
/// correctly rounded result scores ≤ 0.5. The rounded reference itself (including an inf it
/// overflows to), and NaN against NaN, score 0.
pub(crate) fn ulps_f32(got: f32, want: f64) -> f64 {
    if got == want as f32 || (got.is_nan() && want.is_nan()) {
        return 0.0;
    }
    if !got.is_finite() || !want.is_finite() {
        return f64::INFINITY;
    }
    let exponent = (((want.abs().to_bits() >> 52) & 0x7ff) as i32 - 1023).max(-126);
    (f64::from(got) - want).abs() / 2f64.powi(exponent - 23)
}

/// Largest error of `f` against `reference` over the f32 bit patterns `from..=to` with
/// stride `step`, and the input where it occurs.
pub(crate) fn max_ulps_f32(
    f: fn(f32) -> f32,
    reference: fn(f64) -> f64,
    from: u32,
    to: u32,
    step: usize,
) -> (f64, f32) {
    (from..=to)
        .step_by(step)
        .map(f32::from_bits)
        .map(|x| (ulps_f32(f(x), reference(f64::from(x))), x))
        .fold((0.0, 0.0), |a, b| if b.0 > a.0 { b } else { a })
}

/// The same over every f32 in [lo, hi] (both signs when lo < 0 ≤ hi), on all cores: the sweep
/// behind the errors stated in the doc comments. Release mode, 2 cores: ~1–3 min per function.
pub(crate) fn exhaustive_f32(
    f: fn(f32) -> f32,
    reference: fn(f64) -> f64,
    lo: f32,
    hi: f32,
) -> (f64, f32) {
    // Bit patterns grow with magnitude on each side of zero, so each sign is one bit range.
    let mut ranges = Vec::new();
    if hi >= 0.0 {
        ranges.push((lo.max(0.0).to_bits(), hi.to_bits()));
    }
    if lo < 0.0 {
        ranges.push((hi.min(0.0).to_bits() | 0x8000_0000, lo.to_bits()));
    }
    ranges
        .into_iter()
        .flat_map(|(from, to)| {
            (u64::from(from)..=u64::from(to))
                .step_by(1 << 16)
                .map(move |start| (start as u32, to))
        })
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|(start, to)| {
            max_ulps_f32(f, reference, start, start.saturating_add(0xffff).min(to), 1)
        })
        .reduce(|| (0.0, 0.0), |a, b| if b.0 > a.0 { b } else { a })
}
